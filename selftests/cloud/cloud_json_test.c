// SPDX-License-Identifier: GPL-2.0
/*
 * The cloud link's strict JSON (userspace/cloud/cjson.c) and the API's
 * schemas (schema.c) against hostile bodies: what the server refuses and
 * the client refuses to enqueue, with the reason; and random mutations of
 * valid bodies, under ASan and UBSan, that must only ever be refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "schema.h"

/* The error of parsing and validating @text against @s, or "" if valid. */
static const char *check(const char *text, size_t len, const struct cj_schema *s)
{
	static char err[512];
	json_object *o;

	err[0] = '\0';
	o = cj_parse(text, len, err, sizeof(err));
	if (o && cj_validate(o, s, err, sizeof(err)) == 0)
		err[0] = '\0';
	json_object_put(o);
	return err;
}

#define CHECK(text, s) check((text), strlen(text), (s))
#define FAILURE(extra) "{\"kind\":\"device_lost\",\"occurred_at_ms\":1," \
	"\"mac\":\"02:00:00:00:00:01\"" extra "}"

TEST(parse_refuses_what_is_not_one_object)
{
	char err[256];
	json_object *o;
	char deep[64];

	EXPECT_EQ(NULL, cj_parse("", 0, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "empty"));
	EXPECT_EQ(NULL, cj_parse("{\"a\":1}\0{}", 10, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "NUL byte")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, cj_parse("{} {}", 5, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "at byte 3")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, cj_parse("{}x", 3, err, sizeof(err)));
	EXPECT_EQ(NULL, cj_parse("[1,2]", 5, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "not a JSON object")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, cj_parse("\"x\"", 3, err, sizeof(err)));
	EXPECT_EQ(NULL, cj_parse("{\"a\":", 5, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "ends inside")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, cj_parse("{\"a\":NaN}", 9, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "NaN")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, cj_parse("{\"a\":[-Infinity]}", 16, err, sizeof(err)));
	EXPECT_EQ(NULL, cj_parse("{\"a\":'x'}", 9, err, sizeof(err)));
	EXPECT_EQ(NULL, cj_parse("{\"a\":1,}", 8, err, sizeof(err)));
	/* Invalid UTF-8 (a lone continuation byte, an overlong form). */
	EXPECT_EQ(NULL, cj_parse("{\"a\":\"\x80\"}", 9, err, sizeof(err)));
	EXPECT_EQ(NULL, cj_parse("{\"a\":\"\xc0\xaf\"}", 10, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "byte 6: invalid UTF-8")) TH_LOG("%s", err);
	/* A surrogate encoded in UTF-8; then valid 2, 3 and 4 byte forms. */
	EXPECT_EQ(NULL, cj_parse("{\"a\":\"\xed\xa0\x80\"}", 11, err, sizeof(err)));
	snprintf(deep, sizeof(deep), "{\"a\":\"%s\"}", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	o = cj_parse(deep, strlen(deep), err, sizeof(err));
	EXPECT_NE(NULL, o) TH_LOG("%s", err);
	json_object_put(o);
	/* The object and 16 arrays: 17 levels, one too deep. */
	snprintf(deep, sizeof(deep), "{\"a\":%s", "[[[[[[[[[[[[[[[[");
	EXPECT_EQ(NULL, cj_parse(deep, strlen(deep), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "nesting too deep")) TH_LOG("%s", err);
	o = cj_parse(" {\"a\": [1, {\"b\": null}]}\n", 25, err, sizeof(err));
	EXPECT_NE(NULL, o) TH_LOG("%s", err);
	json_object_put(o);
}

TEST(duplicate_keys_are_refused)
{
	static const struct {
		const char *text, *key;
		size_t at;
	} bad[] = {
		{ "{\"a\":1,\"a\":2}", "a", 7 },
		{ "{\"a\":1,\"b\":{\"c\":1,\"d\":[{\"x\":1,\"x\":1}]}}", "x", 30 },
		/* Equal once decoded, as json-c compares them. */
		{ "{\"a\":1,\"\\u0061\":2}", "a", 7 },
		{ "{\"\\/\":1,\"/\":2}", "/", 8 },
		{ "{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", "\\xf0\\x9f\\x98\\x80", 18 },
		/* A lone surrogate is U+FFFD; a key ends at \u0000. */
		{ "{\"\\ud800\":1,\"\\ufffd\":2}", "\\xef\\xbf\\xbd", 12 },
		{ "{\"ab\\u0000c\":1,\"ab\":2}", "ab", 15 },
		/* The first in the text, though an inner object closes first. */
		{ "{\"k\":1,\"k\":{\"j\":1,\"j\":2}}", "k", 7 },
		{ "{\"o\":{\"m\":1,\"m\":2},\"z\":1,\"z\":2}", "m", 12 },
	};
	static const char *const good[] = {
		/* The same key in different objects, keys as values. */
		"{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}",
		"{\"a\":\"a\",\"b\":\"a\",\"c\":[\"c\",\"c\"]}",
		"{\"a\":\"\\\"}{,\\\"a\\\":\",\"b\":1}",
		"{\"\\ud800\":1,\"\\udc00x\":2}",
		"{\"ab\":1,\"a\":2,\"b\":3,\"\":4}",
	};
	char err[256], want[256];
	json_object *o;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = cj_parse(bad[i].text, strlen(bad[i].text), err, sizeof(err));
		EXPECT_EQ(NULL, o) TH_LOG("%s", bad[i].text);
		json_object_put(o);
		snprintf(want, sizeof(want),
			 "malformed JSON at byte %zu: the key '%s' is given twice in one object",
			 bad[i].at, bad[i].key);
		EXPECT_STREQ(want, err) TH_LOG("%s", bad[i].text);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		o = cj_parse(good[i], strlen(good[i]), err, sizeof(err));
		EXPECT_NE(NULL, o) TH_LOG("%s: %s", good[i], err);
		json_object_put(o);
	}
	/* A member twice in a message the client would enqueue. */
	EXPECT_STREQ("malformed JSON at byte 67: the key 'kind' is given twice in one object",
		     CHECK(FAILURE(",\"kind\":\"config_timeout\""), &cloud_schema_failure));
}

TEST(many_keys_are_checked_in_time)
{
	size_t n = 50000, len = 0, i;
	char *text = malloc(n * 16 + 16), err[256];
	json_object *o;

	ASSERT_NE(NULL, text);
	text[len++] = '{';
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s\"k%zu\":%zu", i ? "," : "",
				       (i * 7919) % n, i);
	text[len++] = '}';
	o = cj_parse(text, len, err, sizeof(err));
	EXPECT_NE(NULL, o) TH_LOG("%s", err);
	json_object_put(o);
	/* The last key repeats the first (k0). */
	len--;
	len += (size_t)sprintf(text + len, ",\"k0\":1}");
	o = cj_parse(text, len, err, sizeof(err));
	EXPECT_EQ(NULL, o);
	EXPECT_NE(NULL, strstr(err, "the key 'k0' is given twice")) TH_LOG("%s", err);
	json_object_put(o);
	free(text);
}

TEST(failure_reports)
{
	const struct cj_schema *s = &cloud_schema_failure;

	EXPECT_STREQ("", CHECK(FAILURE(""), s));
	EXPECT_STREQ("", CHECK(FAILURE(",\"detail\":\"line 1\\nline 2\\tend\""), s));
	EXPECT_STREQ("", CHECK("{\"kind\":\"gateway_rule\",\"occurred_at_ms\":1,"
			       "\"rule\":\"nat tcp/8080\"}", s));
	EXPECT_STREQ("missing member 'kind'", CHECK("{\"occurred_at_ms\":1}", s));
	EXPECT_STREQ("occurred_at_ms: an integer is expected, not a string",
		     CHECK("{\"kind\":\"device_lost\",\"occurred_at_ms\":\"1\"}", s));
	EXPECT_STREQ("occurred_at_ms: an integer is expected, not a decimal number",
		     CHECK("{\"kind\":\"device_lost\",\"occurred_at_ms\":1.0}", s));
	EXPECT_STREQ("occurred_at_ms: -1 is out of range (0 to 9007199254740991)",
		     CHECK("{\"kind\":\"device_lost\",\"occurred_at_ms\":-1}", s));
	/* Past int64: json-c clamps, the range check still refuses. */
	EXPECT_NE(NULL, strstr(CHECK("{\"kind\":\"device_lost\",\"occurred_at_ms\":"
				     "99999999999999999999999}", s), "out of range"));
	EXPECT_STREQ("kind: 'lost' is not one of config_refused, config_timeout, device_lost, gateway_rule",
		     CHECK("{\"kind\":\"lost\",\"occurred_at_ms\":1}", s));
	EXPECT_STREQ("unknown member 'extra'", CHECK(FAILURE(",\"extra\":1"), s));
	EXPECT_STREQ("missing member 'mac' (kind device_lost is about a device)",
		     CHECK("{\"kind\":\"device_lost\",\"occurred_at_ms\":1}", s));
	EXPECT_STREQ("missing member 'rule' (kind gateway_rule)",
		     CHECK("{\"kind\":\"gateway_rule\",\"occurred_at_ms\":1}", s));
	EXPECT_STREQ("mac: '02:00:00:00:00:0g' is not a MAC address (xx:xx:xx:xx:xx:xx)",
		     CHECK("{\"kind\":\"device_lost\",\"occurred_at_ms\":1,"
			   "\"mac\":\"02:00:00:00:00:0g\"}", s));
	EXPECT_STREQ("detail: a NUL character in the string",
		     CHECK(FAILURE(",\"detail\":\"a\\u0000b\""), s));
	EXPECT_STREQ("rule: control character 0x0a at byte 1",
		     CHECK("{\"kind\":\"gateway_rule\",\"occurred_at_ms\":1,"
			   "\"rule\":\"a\\nb\"}", s));
	EXPECT_STREQ("items[1].item: empty (1 to 128 bytes)",
		     CHECK(FAILURE(",\"items\":[{\"item\":\"ipv4 1.2.3.4/24\"},{\"item\":\"\"}]"), s));
	EXPECT_STREQ("items[0]: an object is expected, not a string",
		     CHECK(FAILURE(",\"items\":[\"x\"]"), s));
	EXPECT_STREQ("kind: a string is expected, not null",
		     CHECK("{\"kind\":null,\"occurred_at_ms\":1}", s));
}

TEST(strings_are_bounded)
{
	char body[2200], detail[1100];

	memset(detail, 'x', 1025);
	detail[1025] = '\0';
	snprintf(body, sizeof(body), FAILURE(",\"detail\":\"%s\""), detail);
	EXPECT_STREQ("detail: 1025 bytes, not 0 to 1024", CHECK(body, &cloud_schema_failure));
	detail[1024] = '\0';
	snprintf(body, sizeof(body), FAILURE(",\"detail\":\"%s\""), detail);
	EXPECT_STREQ("", CHECK(body, &cloud_schema_failure));
}

TEST(registrations)
{
	const struct cj_schema *s = &cloud_schema_register;
	char *body;
	size_t len = 64 + 257 * 64, o;
	int i;

	EXPECT_STREQ("", CHECK("{\"gateway\":{\"vendor\":\"V\",\"model\":\"M\"},"
			       "\"devices\":[{\"mac\":\"02:AA:bb:00:00:01\",\"type\":\"stb\"},"
			       "{\"mac\":\"02:00:00:00:00:02\",\"type\":\"200\"}]}", s));
	EXPECT_STREQ("gateway: missing member 'model'",
		     CHECK("{\"gateway\":{\"vendor\":\"V\"},\"devices\":[]}", s));
	EXPECT_NE(NULL, strstr(CHECK("{\"gateway\":{\"vendor\":\"V\",\"model\":\"M\"},"
				     "\"devices\":[{\"mac\":\"02:00:00:00:00:01\","
				     "\"type\":\"set-top-box\"}]}", s),
			       "devices[0].type: 'set-top-box' is not a device type"));
	EXPECT_NE(NULL, strstr(CHECK("{\"gateway\":{\"vendor\":\"V\",\"model\":\"M\"},"
				     "\"devices\":[{\"mac\":\"02:00:00:00:00:01\","
				     "\"type\":\"256\"}]}", s), "not a device type"));
	EXPECT_STREQ("devices: an array is expected, not an object",
		     CHECK("{\"gateway\":{\"vendor\":\"V\",\"model\":\"M\"},\"devices\":{}}", s));
	/* 257 devices: one too many. */
	body = malloc(len);
	ASSERT_NE(NULL, body);
	o = (size_t)snprintf(body, len, "{\"gateway\":{\"vendor\":\"V\",\"model\":\"M\"},\"devices\":[");
	for (i = 0; i < 257; i++)
		o += (size_t)snprintf(body + o, len - o, "%s{\"mac\":\"02:00:00:00:%02x:%02x\",\"type\":\"tv\"}",
				      i ? "," : "", i >> 8, i & 0xff);
	snprintf(body + o, len - o, "]}");
	EXPECT_STREQ("devices: 257 elements, not 0 to 256", CHECK(body, s));
	free(body);
}

TEST(quality_reports)
{
	const struct cj_schema *s = &cloud_schema_quality;

	EXPECT_STREQ("", CHECK("{\"measured_at_ms\":5,\"devices\":[{\"mac\":\"02:00:00:00:00:01\","
			       "\"link_rate_kbps\":100000,\"loss_percent\":0.25,\"qos\":\"video\"}],"
			       "\"gateway\":{\"qos_enabled\":true}}", s));
	EXPECT_STREQ("devices[0].loss_percent: 100.5 is out of range (0 to 100)",
		     CHECK("{\"measured_at_ms\":5,\"devices\":[{\"mac\":\"02:00:00:00:00:01\","
			   "\"link_rate_kbps\":1,\"loss_percent\":100.5,\"qos\":\"video\"}]}", s));
	EXPECT_STREQ("devices: 0 elements, not 1 to 256",
		     CHECK("{\"measured_at_ms\":5,\"devices\":[]}", s));
	EXPECT_STREQ("gateway.qos_enabled: true or false is expected, not an integer",
		     CHECK("{\"measured_at_ms\":5,\"devices\":[{\"mac\":\"02:00:00:00:00:01\","
			   "\"link_rate_kbps\":1,\"loss_percent\":0,\"qos\":\"voice\"}],"
			   "\"gateway\":{\"qos_enabled\":1}}", s));
	EXPECT_NE(NULL, strstr(CHECK("{\"measured_at_ms\":5,\"devices\":[{\"mac\":\"02:00:00:00:00:01\","
				     "\"link_rate_kbps\":1,\"loss_percent\":0,\"qos\":\"gold\"}]}", s),
			       "devices[0].qos: 'gold' is not one of best-effort"));
}

TEST(configurations_use_the_config_send_parser)
{
	const struct cj_schema *s = &cloud_schema_config_put;

	EXPECT_STREQ("", CHECK("{\"config\":{\"ipv4\":\"192.168.1.20/24\",\"gw\":\"192.168.1.1\","
			       "\"dns\":[\"192.168.1.1\"],\"hostname\":\"tv\","
			       "\"services\":{\"iptv\":true},\"qos\":\"video\"}}", s));
	EXPECT_NE(NULL, strstr(CHECK("{\"config\":{\"ipv4\":\"10.0.0.1/33\"}}", s),
			       "config: not a device configuration: ipv4: '10.0.0.1/33'"));
	EXPECT_NE(NULL, strstr(CHECK("{\"config\":{\"colour\":\"red\"}}", s),
			       "unknown key"));
	EXPECT_NE(NULL, strstr(CHECK("{\"config\":{\"hostname\":5}}", s),
			       "not a device configuration"));
	EXPECT_NE(NULL, strstr(CHECK("{\"config\":{}}", s), "not a device configuration"));
	/* The "byte N:" of the parser's own text is left out. */
	EXPECT_EQ(NULL, strstr(CHECK("{\"config\":{\"ipv4\":\"x\"}}", s), "byte "));
}

TEST(backups)
{
	const struct cj_schema *s = &cloud_schema_backup;
	/* "hello" */
	const char *sum = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
	char body[512];

	snprintf(body, sizeof(body), "{\"taken_at_ms\":1,\"format\":\"sqlite3\",\"size\":5,"
		 "\"sha256\":\"%s\",\"data\":\"aGVsbG8=\"}", sum);
	EXPECT_STREQ("", CHECK(body, s));
	snprintf(body, sizeof(body), "{\"taken_at_ms\":1,\"format\":\"sqlite3\",\"size\":9,"
		 "\"sha256\":\"%s\",\"data\":\"aGVsbG8=\"}", sum);
	EXPECT_NE(NULL, strstr(CHECK(body, s), "size: 9 does not match"));
	snprintf(body, sizeof(body), "{\"taken_at_ms\":1,\"format\":\"sqlite3\",\"size\":5,"
		 "\"sha256\":\"%s\",\"data\":\"aGV$bG8=\"}", sum);
	EXPECT_NE(NULL, strstr(CHECK(body, s), "not standard base64"));
	EXPECT_NE(NULL, strstr(CHECK("{\"taken_at_ms\":1,\"format\":\"sqlite3\",\"size\":5,"
				     "\"sha256\":\"2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824\","
				     "\"data\":\"aGVsbG8=\"}", s), "not a SHA-256"));
}

TEST(diagnosis)
{
	EXPECT_STREQ("", CHECK("{\"kind\":\"reachability\",\"mac\":\"02:00:00:00:00:01\"}",
			       &cloud_schema_diag_request));
	EXPECT_STREQ("", CHECK("{\"kind\":\"config_reread\"}", &cloud_schema_diag_request));
	EXPECT_STREQ("member 'mac' given, but kind config_reread is about the gateway",
		     CHECK("{\"kind\":\"config_reread\",\"mac\":\"02:00:00:00:00:01\"}",
			   &cloud_schema_diag_request));
	EXPECT_STREQ("", CHECK("{\"status\":\"ok\",\"result\":{\"a\":[1,2]}}",
			       &cloud_schema_diag_result));
	EXPECT_STREQ("result: an object is expected, not an array",
		     CHECK("{\"status\":\"ok\",\"result\":[1]}", &cloud_schema_diag_result));
	/* What the client reads: open to members it does not know. */
	EXPECT_STREQ("", CHECK("{\"requests\":[{\"id\":1,\"kind\":\"newer_kind\",\"x\":1}],\"y\":2}",
			       &cloud_schema_diag_list));
	EXPECT_STREQ("requests[0].id: 0 is out of range (1 to 9007199254740991)",
		     CHECK("{\"requests\":[{\"id\":0,\"kind\":\"reachability\"}]}",
			   &cloud_schema_diag_list));
}

TEST(names_and_keys)
{
	char q[64];

	EXPECT_TRUE(cloud_key_ok("0123456789abcdef0123456789abcdef"));
	EXPECT_TRUE(cloud_key_ok("a.b_c:d-e"));
	EXPECT_FALSE(cloud_key_ok(""));
	EXPECT_FALSE(cloud_key_ok("a b"));
	EXPECT_FALSE(cloud_key_ok("a/b"));
	EXPECT_FALSE(cloud_key_ok("01234567890123456789012345678901234567890123456789012345678901234"));
	EXPECT_TRUE(cj_name_ok("gw-test-1", 64));
	EXPECT_FALSE(cj_name_ok("-gw", 64));
	EXPECT_FALSE(cj_name_ok("gw/1", 64));
	EXPECT_TRUE(cloud_device_type_ok("media_player"));
	EXPECT_TRUE(cloud_device_type_ok("0"));
	EXPECT_FALSE(cloud_device_type_ok("007"));
	cj_quote(q, sizeof(q), "a'b\x01\xff");
	EXPECT_STREQ("a\\x27b\\x01\\xff", q);
}

/* Random byte flips, insertions and cuts of valid bodies: refused, never a crash. */
TEST(mutations_are_refused_safely)
{
	static const char *const seeds[] = {
		FAILURE(",\"detail\":\"x\",\"items\":[{\"item\":\"ipv4 1.2.3.4/24\",\"reason\":\"invalid\"}]"),
		"{\"gateway\":{\"vendor\":\"V\",\"model\":\"M\"},\"devices\":[{\"mac\":\"02:00:00:00:00:01\",\"type\":\"stb\"}]}",
		"{\"config\":{\"ipv4\":[\"192.168.1.20/24\"],\"services\":{\"a\":true},\"settings\":{\"k\":\"v\"}}}",
	};
	static const struct cj_schema *const schemas[] = {
		&cloud_schema_failure, &cloud_schema_register, &cloud_schema_config_put,
	};
	unsigned int seed = 62608, i, k, valid = 0;
	char buf[512];

	for (i = 0; i < 30000; i++) {
		unsigned int which = i % 3;
		size_t len = strlen(seeds[which]), pos;

		memcpy(buf, seeds[which], len);
		unsigned int n = 1 + (unsigned int)rand_r(&seed) % 3;

		for (k = 0; k < n; k++) {
			pos = (size_t)rand_r(&seed) % len;
			switch (rand_r(&seed) % 3) {
			case 0:
				buf[pos] = (char)(rand_r(&seed) & 0xff);
				break;
			case 1:
				if (len < sizeof(buf) - 1) {
					memmove(buf + pos + 1, buf + pos, len - pos);
					buf[pos] = "{}[]\",:\\0e-"[rand_r(&seed) % 11];
					len++;
				}
				break;
			default:
				len = pos ? pos : 1;
			}
		}
		if (!check(buf, len, schemas[which])[0])
			valid++;
	}
	/* Some mutations stay valid (a letter for a letter); most do not. */
	TH_LOG("%u of 30000 mutated bodies still valid", valid);
	EXPECT_LT(valid, 15000);
}

TEST_HARNESS_MAIN
