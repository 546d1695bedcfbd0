// SPDX-License-Identifier: GPL-2.0
/*
 * What i62608ctl prints of i62608d's answers (userspace/ctl/devrender.c):
 * `device list` as a table in text and the daemon's members in JSON,
 * `device show` and `daemon status` with ages as durations in text and
 * "_ms" integers in JSON, times as ISO 8601, compared with golden strings.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "devrender.h"

struct buf {
	char *data;
	size_t len;
	FILE *f;
};

static struct out *open_buf(struct buf *b, enum out_format fmt)
{
	b->f = open_memstream(&b->data, &b->len);
	return out_new(b->f, fmt, false);
}

static const char *close_buf(struct buf *b, struct out *o)
{
	out_free(o);
	fclose(b->f);
	return b->data;
}

static const char list_json[] =
"[{\"mac\":\"02:00:00:00:00:a1\",\"present\":true,\"ifname\":\"br-lan\","
"\"device_type\":\"stb\",\"vendor\":\"Example\",\"model\":\"STB-100\",\"name\":\"tv\","
"\"trust\":\"authenticated\",\"rule\":\"stb\",\"pinned\":false,\"addr_mode\":\"static\","
"\"address\":\"192.168.1.100/24\",\"reported_address\":\"192.168.1.100/24\","
"\"desired_generation\":2,\"applied_generation\":2,\"outcome\":\"acked\",\"drift\":\"\","
"\"status\":\"in_sync\",\"last_seen_ms\":1204},"
"{\"mac\":\"02:00:00:00:00:b2\",\"present\":false,\"ifname\":\"br-lan\","
"\"device_type\":null,\"vendor\":\"\",\"model\":\"\",\"name\":\"\","
"\"trust\":\"none\",\"rule\":\"\",\"pinned\":true,\"addr_mode\":\"keep\","
"\"address\":\"\",\"reported_address\":\"\",\"desired_generation\":1,"
"\"applied_generation\":0,\"outcome\":\"\",\"drift\":\"\",\"status\":\"unmanaged\","
"\"last_seen_ms\":62300}]";

TEST(device_list_text)
{
	json_object *v = json_tokener_parse(list_json);
	struct buf b;
	struct out *o;

	ASSERT_NE(NULL, v);
	o = open_buf(&b, OUT_TEXT);
	ctl_print_device_list(o, v);
	EXPECT_STREQ(
"MAC                STATUS     TYPE  DEVICE           RULE  ADDRESS                  OUTCOME  DRIFT  PINNED  LAST_SEEN\n"
"02:00:00:00:00:a1  in_sync    stb   Example STB-100  stb   static 192.168.1.100/24  acked    -      no      1.204s\n"
"02:00:00:00:00:b2  unmanaged  -     -                -     keep                     -        -      yes     1m02.300s\n",
		     close_buf(&b, o));
	free(b.data);
	json_object_put(v);
}

TEST(device_list_json)
{
	json_object *v = json_tokener_parse(list_json), *back;
	struct buf b;
	struct out *o;

	ASSERT_NE(NULL, v);
	o = open_buf(&b, OUT_JSON);
	ctl_print_device_list(o, v);
	close_buf(&b, o);
	/* The daemon's members, in its order, as it sent them. */
	back = json_tokener_parse(b.data);
	ASSERT_NE(NULL, back) TH_LOG("%s", b.data);
	EXPECT_TRUE(json_object_equal(v, back)) TH_LOG("%s", b.data);
	EXPECT_EQ(0, strncmp(b.data, "[{\"mac\":\"02:00:00:00:00:a1\",\"present\":true,", 43));
	free(b.data);
	json_object_put(back);
	json_object_put(v);
}

TEST(device_list_empty)
{
	json_object *v = json_tokener_parse("[]");
	struct buf b;
	struct out *o;

	o = open_buf(&b, OUT_JSON);
	ctl_print_device_list(o, v);
	EXPECT_STREQ("[]\n", close_buf(&b, o));
	free(b.data);
	json_object_put(v);
}

static const char show_json[] =
"{\"mac\":\"02:00:00:00:00:a1\",\"status\":\"refused\",\"pinned\":false,"
"\"desired\":{\"generation\":3,\"rule\":\"stb\",\"items\":[\"ipv4 192.168.1.100/24\","
"\"service iptv off\"],\"decided_ms\":5000},"
"\"applied\":{\"generation\":3,\"outcome\":\"nacked\",\"results\":[\"unchanged\","
"\"refused:failed\"],\"finished_ms\":4000},"
"\"gateway_rules\":[],"
"\"events\":[{\"time_ms\":1700000000123,\"kind\":\"config_refused\","
"\"detail\":\"configuration 3\"}]}";

TEST(device_show)
{
	json_object *v = json_tokener_parse(show_json);
	struct buf b;
	struct out *o;

	ASSERT_NE(NULL, v);
	o = open_buf(&b, OUT_TEXT);
	ctl_print_device(o, v);
	EXPECT_STREQ(
"mac: 02:00:00:00:00:a1\n"
"status: refused\n"
"pinned: no\n"
"desired:\n"
"  generation: 3\n"
"  rule: stb\n"
"  items:\n"
"    - ipv4 192.168.1.100/24\n"
"    - service iptv off\n"
"  decided: 5.000s\n"
"applied:\n"
"  generation: 3\n"
"  outcome: nacked\n"
"  results:\n"
"    - unchanged\n"
"    - refused:failed\n"
"  finished: 4.000s\n"
"gateway_rules:\n"
"events:\n"
"  -\n"
"    time: 2023-11-14T22:13:20.123Z\n"
"    kind: config_refused\n"
"    detail: configuration 3\n",
		     close_buf(&b, o));
	free(b.data);

	o = open_buf(&b, OUT_JSON);
	ctl_print_device(o, v);
	EXPECT_STREQ(
"{\"mac\":\"02:00:00:00:00:a1\",\"status\":\"refused\",\"pinned\":false,"
"\"desired\":{\"generation\":3,\"rule\":\"stb\",\"items\":[\"ipv4 192.168.1.100/24\","
"\"service iptv off\"],\"decided_ms\":5000},"
"\"applied\":{\"generation\":3,\"outcome\":\"nacked\",\"results\":[\"unchanged\","
"\"refused:failed\"],\"finished_ms\":4000},"
"\"gateway_rules\":[],"
"\"events\":[{\"time\":\"2023-11-14T22:13:20.123Z\",\"time_ms\":1700000000123,"
"\"kind\":\"config_refused\",\"detail\":\"configuration 3\"}]}\n",
		     close_buf(&b, o));
	free(b.data);
	json_object_put(v);
}

TEST(daemon_status)
{
	json_object *v = json_tokener_parse(
		"{\"ok\":true,\"version\":\"1.0\",\"uptime_ms\":3723000,"
		"\"kernel\":{\"connected\":true,\"epoch\":\"0x5eed0001\"},"
		"\"devices\":{\"total\":2,\"in_sync\":1}}");
	struct buf b;
	struct out *o;

	ASSERT_NE(NULL, v);
	o = open_buf(&b, OUT_TEXT);
	ctl_print_daemon_status(o, v);
	EXPECT_STREQ(
"version: 1.0\n"
"uptime: 1h02m03s\n"
"kernel:\n"
"  connected: yes\n"
"  epoch: 0x5eed0001\n"
"devices:\n"
"  total: 2\n"
"  in_sync: 1\n",
		     close_buf(&b, o));
	free(b.data);
	o = open_buf(&b, OUT_JSON);
	ctl_print_daemon_status(o, v);
	EXPECT_STREQ("{\"version\":\"1.0\",\"uptime_ms\":3723000,\"kernel\":{\"connected\":true,"
		     "\"epoch\":\"0x5eed0001\"},\"devices\":{\"total\":2,\"in_sync\":1}}\n",
		     close_buf(&b, o));
	free(b.data);
	json_object_put(v);
}

TEST(hostile_strings_escaped)
{
	json_object *v = json_tokener_parse(
		"[{\"mac\":\"02:00:00:00:00:a1\",\"status\":\"in_sync\",\"vendor\":"
		"\"\\u001b[31mred\",\"model\":\"x\"}]");
	struct buf b;
	struct out *o;

	ASSERT_NE(NULL, v);
	o = open_buf(&b, OUT_TEXT);
	ctl_print_device_list(o, v);
	close_buf(&b, o);
	/* A device's strings never reach the terminal raw. */
	EXPECT_EQ(NULL, strchr(b.data, 0x1b));
	EXPECT_NE(NULL, strstr(b.data, "\\x1b[31mred x")) TH_LOG("%s", b.data);
	free(b.data);
	json_object_put(v);
}

TEST_HARNESS_MAIN
