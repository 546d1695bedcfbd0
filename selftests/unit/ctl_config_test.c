// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl config send: the command line and JSON parsers and the
 * encoder of a CONFIG_REQUEST's items, fed hostile input: bad addresses
 * and prefix lengths, duplicates, too many of a kind, overlong names,
 * malformed and nested JSON. Also the pairing code parser of `pair`.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "kselftest_harness.h"
#include "../../userspace/ctl/cfgparse.h"
#include "wire.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Parse a command line given as one string, split at spaces. */
static int args(struct ctl_cfg_cmd *c, const char *line, char *err, size_t n)
{
	static char buf[2048];
	char *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 64;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return ctl_cfg_parse_args(c, argc, argv, err, n);
}

static int json(struct ctl_cfg *c, const char *text, char *err, size_t n)
{
	return ctl_cfg_parse_json(c, text, strlen(text), err, n);
}

#define MAC "02:00:00:00:00:a1"

TEST(args_full_request_encodes_and_validates)
{
	struct ctl_cfg_cmd *c = calloc(1, sizeof(*c));
	uint8_t body[I62608_MAX_MSG];
	struct i62608_frame m = { .type = I62608_MSG_CONFIG_REQUEST };
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	char err[CTL_ERR_LEN], d[128];
	static const char *const want[] = {
		"iface eth0", "ipv4 192.168.7.10/24", "ipv6 2001:db8::10/64",
		"gw 192.168.7.1", "gw6 fe80::1", "dns 192.168.7.53", "dns 2001:db8::53",
		"hostname tv-livingroom", "service iptv on", "service upnp off",
		"qos video", "setting volume=11",
	};
	unsigned int i = 0;
	int len;

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, args(c, MAC " dev br-lan --iface eth0 --ipv4 192.168.7.10/24 "
			  "--gw 192.168.7.1 --dns 192.168.7.53 --dns 2001:db8::53 "
			  "--ipv6 2001:db8::10/64 --gw6=fe80::1 --hostname tv-livingroom "
			  "--service iptv=on --service upnp=off --qos video "
			  "--set volume=11 --no-wait", err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_TRUE(c->has_mac);
	EXPECT_STREQ("br-lan", c->dev);
	EXPECT_TRUE(c->no_wait);
	EXPECT_EQ(12, ctl_cfg_items(&c->cfg));
	len = ctl_cfg_encode(&c->cfg, body, sizeof(body), err, sizeof(err));
	ASSERT_LT(0, len) {
		TH_LOG("%s", err);
	}
	m.body = body;
	m.body_len = (u16)len;
	EXPECT_EQ(0, i62608_wire_validate(&m));
	/* Items in the order of the TLV types, each described back. */
	i62608_tlv_iter_init(&it, body, (size_t)len);
	while (i62608_tlv_next(&it, &t) > 0) {
		ASSERT_LT(i, N(want));
		ctl_cfg_item_str(t.type, t.val, t.len, d, sizeof(d));
		EXPECT_STREQ(want[i], d);
		i++;
	}
	EXPECT_EQ(N(want), i);
	free(c);
}

TEST(args_refused)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "--ipv4 10.0.0.1/24", "missing the agent's MAC" },
		{ "02:00:00:00:00 --ipv4 10.0.0.1/24", "not a MAC address" },
		{ MAC, "nothing to configure" },
		{ MAC " --no-wait", "nothing to configure" },
		{ MAC " " MAC " --dhcp", "unexpected argument" },
		{ MAC " --ipv4", "--ipv4 needs a value" },
		{ MAC " --ipv4 10.0.0.1", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/0", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/33", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/024", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/+24", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/-1", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/24x", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/4294967320", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.256/24", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.1/24", "a.b.c.d/1..32" },
		{ MAC " --ipv4 010.0.0.1/24", "a.b.c.d/1..32" },
		{ MAC " --ipv4 0x0a.0.0.1/24", "a.b.c.d/1..32" },
		{ MAC " --ipv4 2001:db8::1/64", "a.b.c.d/1..32" },
		{ MAC " --ipv4 10.0.0.1/24/24", "a.b.c.d/1..32" },
		{ MAC " --ipv6 2001:db8::1/129", "x:x::x/1..128" },
		{ MAC " --ipv6 2001:db8:::1/64", "x:x::x/1..128" },
		{ MAC " --ipv6 fe80::1%eth0/64", "x:x::x/1..128" },
		{ MAC " --ipv6 [2001:db8::1]/64", "x:x::x/1..128" },
		{ MAC " --ipv6 10.0.0.1/24", "x:x::x/1..128" },
		{ MAC " --gw 10.0.0.1/24", "not an IPv4 address" },
		{ MAC " --gw 10.0.0.1 --gw 10.0.0.2", "only one IPv4 gateway" },
		{ MAC " --gw6 10.0.0.1", "not an IPv6 address" },
		{ MAC " --dns nameserver", "not an IPv4 or IPv6 address" },
		{ MAC " --dns 1.1.1.1 --dns 1.1.1.1", "given twice" },
		{ MAC " --dns 1.1.1.1 --dns 1.0.0.1 --dns 9.9.9.9", "at most 2 IPv4 DNS" },
		{ MAC " --ipv4 10.0.0.1/24 --ipv4 10.0.0.1/16", "given twice" },
		{ MAC " --ipv4 10.0.0.1/24 --ipv4 10.0.0.2/24 --ipv4 10.0.0.3/24 "
		  "--ipv4 10.0.0.4/24 --ipv4 10.0.0.5/24", "at most 4 IPv4" },
		{ MAC " --ipv4 10.0.0.1/24 --dhcp", "exclude each other" },
		{ MAC " --dhcp --ipv4 10.0.0.1/24", "exclude each other" },
		{ MAC " --dhcp --dhcp", "given twice" },
		{ MAC " --dhcp6 --ipv6 2001:db8::1/64", "exclude each other" },
		{ MAC " --dhcp=1", "unknown option" },
		{ MAC " --hostname TV", "not a host name" },
		{ MAC " --hostname -tv", "not a host name" },
		{ MAC " --hostname tv.", "not a host name" },
		{ MAC " --hostname a..b", "not a host name" },
		{ MAC " --hostname tv_1", "not a host name" },
		{ MAC " --hostname aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not a host name" },
		{ MAC " --hostname a --hostname b", "only one host name" },
		{ MAC " --service iptv", "NAME=on or NAME=off" },
		{ MAC " --service iptv=yes", "the state is on or off" },
		{ MAC " --service =on", "not a service name" },
		{ MAC " --service _x=on", "not a service name" },
		{ MAC " --service IPTV=on", "not a service name" },
		{ MAC " --service aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=on", "not a service name" },
		{ MAC " --service aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=on",
		  "at most 32 characters" },
		{ MAC " --service iptv=on --service iptv=off", "given twice" },
		{ MAC " --qos fast", "not a QoS class" },
		{ MAC " --qos 2", "not a QoS class" },
		{ MAC " --qos video --qos voice", "only one QoS class" },
		{ MAC " --set volume", "not KEY=VALUE" },
		{ MAC " --set volume=", "1 to 64 bytes" },
		{ MAC " --set =11", "not a setting key" },
		{ MAC " --set Volume=11", "not a setting key" },
		{ MAC " --set v=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "1 to 64 bytes" },
		{ MAC " --set v=1 --set v=2", "given twice" },
		{ MAC " --iface a/b", "not an interface name" },
		{ MAC " --iface aaaaaaaaaaaaaaaa", "not an interface name" },
		{ MAC " --iface ..", "not an interface name" },
		{ MAC " dev", "'dev' needs an interface name" },
		{ MAC " dev a dev b --dhcp", "'dev' given twice" },
		{ MAC " -f", "-f needs a value" },
		{ MAC " -f x.json --dhcp", "no item option with it" },
		{ MAC " -f x.json -f y.json", "-f given twice" },
		{ MAC " --bogus", "unknown option" },
		{ MAC " --ipv4x 10.0.0.1/24", "unknown option" },
		{ MAC " --no-wait=1 --dhcp", "unknown option" },
	};
	struct ctl_cfg_cmd *c = calloc(1, sizeof(*c));
	char err[CTL_ERR_LEN];
	size_t i;

	ASSERT_NE(NULL, c);
	for (i = 0; i < N(bad); i++) {
		err[0] = 0;
		EXPECT_EQ(-EINVAL, args(c, bad[i].line, err, sizeof(err))) {
			TH_LOG("accepted: %s", bad[i].line);
		}
		EXPECT_NE(NULL, strstr(err, bad[i].msg)) {
			TH_LOG("%s: message '%s', want '%s'", bad[i].line, err,
			       bad[i].msg);
		}
	}
	free(c);
}

TEST(args_hostile_values_are_quoted_short)
{
	struct ctl_cfg_cmd *c = calloc(1, sizeof(*c));
	char line[1200], err[CTL_ERR_LEN];

	ASSERT_NE(NULL, c);
	memset(line, 'x', sizeof(line));
	memcpy(line, MAC " --ipv4 ", strlen(MAC " --ipv4 "));
	line[sizeof(line) - 1] = 0;
	EXPECT_EQ(-EINVAL, args(c, line, err, sizeof(err)));
	EXPECT_LT(strlen(err), sizeof(err) - 1);
	free(c);
}

TEST(items_limit)
{
	struct ctl_cfg cfg = {};
	uint8_t body[I62608_MAX_MSG];
	char err[CTL_ERR_LEN], k[8];
	unsigned int i;
	int len;

	/* The most of every kind: 1 + 4 + 4 + 1 + 1 + 2 + 2 + 1 + 1 + 16 + 1 + 8 items. */
	ASSERT_EQ(0, ctl_cfg_set_iface(&cfg, "eth0", err, sizeof(err)));
	for (i = 0; i < 4; i++) {
		char a[64];

		snprintf(a, sizeof(a), "10.0.0.%u/24", i + 1);
		ASSERT_EQ(0, ctl_cfg_add_ipv4(&cfg, a, err, sizeof(err)));
		snprintf(a, sizeof(a), "2001:db8::%u/64", i + 1);
		ASSERT_EQ(0, ctl_cfg_add_ipv6(&cfg, a, err, sizeof(err)));
	}
	for (i = 0; i < I62608_MAX_SERVICES; i++) {
		snprintf(k, sizeof(k), "s%u", i);
		ASSERT_EQ(0, ctl_cfg_add_service(&cfg, k, i & 1, err, sizeof(err)));
	}
	EXPECT_EQ(-EINVAL, ctl_cfg_add_service(&cfg, "one-more", true, err, sizeof(err)));
	for (i = 0; i < I62608_MAX_SETTINGS; i++) {
		char v[I62608_KV_VALUE_MAX + 1];

		memset(v, 'v', I62608_KV_VALUE_MAX);
		v[I62608_KV_VALUE_MAX] = 0;
		snprintf(k, sizeof(k), "k%u", i);
		ASSERT_EQ(0, ctl_cfg_add_setting(&cfg, k, v, err, sizeof(err)));
	}
	EXPECT_EQ(-EINVAL, ctl_cfg_add_setting(&cfg, "k9", "v", err, sizeof(err)));
	/* A full request of long settings no longer fits one frame. */
	len = ctl_cfg_encode(&cfg, body, sizeof(body), err, sizeof(err));
	if (len < 0) {
		EXPECT_EQ(-EMSGSIZE, len);
	} else {
		struct i62608_frame m = {
			.type = I62608_MSG_CONFIG_REQUEST, .body = body,
			.body_len = (u16)len,
		};

		EXPECT_EQ(0, i62608_wire_validate(&m));
	}
}

TEST(setting_value_longer_than_a_string_is_not_cut)
{
	struct ctl_cfg cfg = {};
	uint8_t body[I62608_MAX_MSG];
	char v[I62608_KV_VALUE_MAX + 1], err[CTL_ERR_LEN], d[160];
	struct i62608_elem t;
	int len;

	memset(v, 'a', I62608_KV_VALUE_MAX);
	v[I62608_KV_VALUE_MAX] = 0;
	ASSERT_EQ(0, ctl_cfg_add_setting(&cfg, "banner", v, err, sizeof(err)));
	len = ctl_cfg_encode(&cfg, body, sizeof(body), err, sizeof(err));
	ASSERT_LT(0, len);
	ASSERT_TRUE(i62608_tlv_find(body, (size_t)len, I62608_TLV_CFG_SETTING, &t));
	ctl_cfg_item_str(t.type, t.val, t.len, d, sizeof(d));
	EXPECT_EQ(strlen("setting banner=") + I62608_KV_VALUE_MAX, strlen(d));
}

TEST(json_full_request)
{
	struct ctl_cfg cfg;
	char err[CTL_ERR_LEN];

	ASSERT_EQ(0, json(&cfg,
		" {\"ipv4\": \"192.168.7.10/24\", \"gw\": \"192.168.7.1\",\n"
		"  \"dns\": [\"192.168.7.53\", \"2001:db8::53\"],\n"
		"  \"ipv6\": [\"2001:db8::10/64\"], \"gw6\": \"fe80::1\",\n"
		"  \"dhcp6\": false, \"hostname\": \"tv\",\n"
		"  \"services\": {\"iptv\": true, \"upnp\": false}, \"qos\": \"voice\",\n"
		"  \"settings\": {\"volume\": \"11\", \"title\": \"Caf\\u00e9 \\ud83d\\ude00\"},\n"
		"  \"iface\": \"eth0\"}\n", err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(1, cfg.n_addr4);
	EXPECT_EQ(24, cfg.addr4[0].plen);
	EXPECT_EQ(1, cfg.n_dns4);
	EXPECT_EQ(1, cfg.n_dns6);
	EXPECT_TRUE(cfg.has_dhcp6);
	EXPECT_FALSE(cfg.dhcp6);
	EXPECT_EQ(2, cfg.n_svc);
	EXPECT_TRUE(cfg.svc[0].on);
	EXPECT_FALSE(cfg.svc[1].on);
	EXPECT_EQ(I62608_QOS_VOICE, cfg.qos);
	EXPECT_STREQ("Caf\xc3\xa9 \xf0\x9f\x98\x80", cfg.kv[1].value);
	EXPECT_STREQ("eth0", cfg.iface);
	EXPECT_EQ(14, ctl_cfg_items(&cfg));
}

TEST(json_refused_with_offset)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "byte 0: the text ends where '{'" },
		{ "[]", "byte 0: expected '{'" },
		{ "{}", "byte 1: the request is empty" },
		{ "{\"dhcp\":true", "byte 12: the text ends where ',' or '}'" },
		{ "{\"dhcp\":true}x", "byte 13: text after" },
		{ "{\"dhcp\":true}{}", "byte 13: text after" },
		{ "{\"dhcp\":true,}", "byte 13: expected a string" },
		{ "{\"dhcp\" true}", "byte 8: expected ':'" },
		{ "{dhcp:true}", "byte 1: expected a string" },
		{ "{\"dhcp\":1}", "byte 8: expected true or false" },
		{ "{\"dhcp\":truex}", "byte 12: expected true or false" },
		{ "{\"dhcp\":null}", "byte 8: expected true or false" },
		{ "{\"dhcp\":true,\"dhcp\":false}", "byte 13: key \"dhcp\" given twice" },
		{ "{\"DHCP\":true}", "byte 1: unknown key \"DHCP\"" },
		{ "{\"ipv4\":\"10.0.0.1/33\"}", "byte 8: ipv4: '10.0.0.1/33' is not" },
		{ "{\"ipv4\":[\"10.0.0.1/24\",\"10.0.0.1/24\"]}", "byte 23: ipv4: IPv4 address" },
		{ "{\"ipv4\":[]}", "byte 9: ipv4: an empty array" },
		{ "{\"ipv4\":[\"10.0.0.1/24\" \"10.0.0.2/24\"]}", "byte 23: expected ','" },
		{ "{\"ipv4\":[[\"10.0.0.1/24\"]]}", "byte 9: expected a string" },
		{ "{\"ipv4\":{\"a\":\"b\"}}", "byte 8: expected a string" },
		{ "{\"ipv4\":10}", "byte 8: expected a string" },
		{ "{\"gw\":[\"10.0.0.1\"]}", "byte 6: gw: one value, not an array" },
		{ "{\"hostname\":\"tv\\u0000x\"}", "\\u0000 in a string" },
		{ "{\"hostname\":\"tv\\x\"}", "unknown escape" },
		{ "{\"hostname\":\"tv\\u12\"}", "four hexadecimal digits" },
		{ "{\"hostname\":\"\\ud800\"}", "a lone UTF-16 surrogate" },
		{ "{\"hostname\":\"\\udc00\"}", "a lone UTF-16 surrogate" },
		{ "{\"hostname\":\"\\ud800\\u0041\"}", "a lone UTF-16 surrogate" },
		{ "{\"hostname\":\"t\nv\"}", "byte 14: a control character" },
		{ "{\"hostname\":\"tv", "byte 12: the string does not end" },
		{ "{\"settings\":{\"k\":\"\xff\"}}", "UTF-8 text without control characters" },
		{ "{\"settings\":{\"k\":\"\xc0\xaf\"}}", "UTF-8 text without control characters" },
		{ "{\"settings\":{\"k\":\"\\u0007\"}}", "without control characters" },
		{ "{\"settings\":{\"k\":\"a\",\"k\":\"b\"}}", "setting k given twice" },
		{ "{\"settings\":{}}", "settings: an empty object" },
		{ "{\"settings\":{\"k\":true}}", "expected a string" },
		{ "{\"settings\":{\"k\":{\"x\":\"y\"}}}", "expected a string" },
		{ "{\"services\":{\"iptv\":\"on\"}}", "expected true or false" },
		{ "{\"services\":{\"iptv\":true,\"iptv\":false}}", "service iptv given twice" },
		{ "{\"services\":{\"IPTV\":true}}", "not a service name" },
		{ "{\"services\":[\"iptv\"]}", "expected an object" },
		{ "{\"qos\":\"turbo\"}", "not a QoS class" },
		{ "{\"ipv4\":\"10.0.0.1/24\",\"dhcp\":true}", "exclude each other" },
		{ "{\"dns\":[\"1.1.1.1\",\"1.0.0.1\",\"9.9.9.9\"]}", "at most 2 IPv4 DNS" },
		{ "{\"iface\":\"aaaaaaaaaaaaaaaa\"}", "not an interface name" },
	};
	struct ctl_cfg cfg;
	char err[CTL_ERR_LEN];
	size_t i;

	for (i = 0; i < N(bad); i++) {
		err[0] = 0;
		EXPECT_EQ(-EINVAL, json(&cfg, bad[i].text, err, sizeof(err))) {
			TH_LOG("accepted: %s", bad[i].text);
		}
		EXPECT_NE(NULL, strstr(err, bad[i].msg)) {
			TH_LOG("%s: message '%s', want '%s'", bad[i].text, err,
			       bad[i].msg);
		}
	}
}

TEST(json_overlong_and_deep_input)
{
	static char text[70000];
	struct ctl_cfg cfg;
	char err[CTL_ERR_LEN];
	size_t n = 0, i;

	/* A string far beyond any value. */
	n = (size_t)sprintf(text, "{\"hostname\":\"");
	memset(text + n, 'a', 5000);
	n += 5000;
	n += (size_t)sprintf(text + n, "\"}");
	EXPECT_EQ(-EINVAL, ctl_cfg_parse_json(&cfg, text, n, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "longer than"));

	/* Nesting: refused where it starts, no recursion to exhaust. */
	n = (size_t)sprintf(text, "{\"ipv4\":");
	for (i = 0; i < 30000; i++)
		text[n++] = '[';
	text[n] = 0;
	EXPECT_EQ(-EINVAL, ctl_cfg_parse_json(&cfg, text, n, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "byte 9: expected a string"));

	/* A NUL inside the text is not the end of it. */
	memcpy(text, "{\"dhcp\":true}\0garbage", 21);
	EXPECT_EQ(-EINVAL, ctl_cfg_parse_json(&cfg, text, 21, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "byte 13: text after"));
}

TEST(pairing_codes)
{
	static const uint8_t code[10] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc,
	};
	static const char *const bad[] = {
		"", "04HM", "04HM-ASW9-NF6Y-ZZP", "04HM-ASW9-NF6Y-ZZPWW",
		"04HMA-SW9N-F6YZ-ZPW", "04HM--ASW9NF6YZZPW", "04HM-ASW9NF6YZZPW",
		"04HMASW9-NF6Y-ZZPW", "04HM-ASW9-NF6Y-ZZP!", "04HM-ASW9-NF6Y-ZZPW-",
		"-04HM-ASW9-NF6Y-ZZPW", "04HM ASW9 NF6Y ZZPW", "04HM-ASW9-NF6U-ZZPW",
		"04HM-ASW9-NF6Y-ZZPW\n",
	};
	uint8_t out[10];
	char s[20];
	size_t i;

	ctl_fmt_code(code, s);
	ASSERT_STREQ("04HM-ASW9-NF6Y-ZZPW", s);
	ASSERT_EQ(0, ctl_parse_code(s, out));
	EXPECT_EQ(0, memcmp(code, out, 10));
	/* Hyphens optional, any case, I/L read as 1 and O as 0. */
	ASSERT_EQ(0, ctl_parse_code("o4hmasw9nf6yzzpw", out));
	EXPECT_EQ(0, memcmp(code, out, 10));
	ASSERT_EQ(0, ctl_parse_code("0IHM-ASW9-NF6Y-ZZPW", out));
	ASSERT_EQ(0, ctl_parse_code("0LHM-ASW9-NF6Y-ZZPW", out));
	for (i = 0; i < N(bad); i++) {
		EXPECT_EQ(-EINVAL, ctl_parse_code(bad[i], out)) {
			TH_LOG("accepted: %s", bad[i]);
		}
	}
}

TEST(item_strings_of_malformed_items)
{
	char d[128];
	static const uint8_t shortaddr[3] = { 10, 0, 0 };

	ctl_cfg_item_str(I62608_TLV_CFG_ADDR4, shortaddr, 3, d, sizeof(d));
	EXPECT_STREQ("item of type 20 (3 bytes)", d);
	ctl_cfg_item_str(999, shortaddr, 3, d, sizeof(d));
	EXPECT_STREQ("item of type 999 (3 bytes)", d);
	ctl_cfg_item_str(I62608_TLV_CFG_SERVICE, shortaddr, 3, d, sizeof(d));
	EXPECT_NE(NULL, strstr(d, "item of type"));
}

TEST_HARNESS_MAIN
