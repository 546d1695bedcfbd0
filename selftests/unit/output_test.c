// SPDX-License-Identifier: GPL-2.0
/*
 * The output layer: the same description renders as the documented text
 * layout and as valid JSON, with escaping, units and streams.
 */

#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "output.h"

struct buf {
	char *data;
	size_t len;
	FILE *f;
};

static struct out *open_buf(struct buf *b, enum out_format fmt, bool pretty)
{
	b->f = open_memstream(&b->data, &b->len);
	return out_new(b->f, fmt, pretty);
}

static const char *close_buf(struct buf *b, struct out *o)
{
	out_free(o);
	fclose(b->f);
	return b->data;
}

static void describe(struct out *o)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0x62, 0x60, 0x08 };

	out_arr_open(o, "interfaces");
	out_obj_open(o, "br0");
	out_str(o, "ifname", "br0");
	out_u64(o, "ifindex", 4);
	out_mac(o, "address", mac);
	out_ms(o, "age", 62300);
	out_obj_open(o, "drops");
	out_u64(o, "truncated", 0);
	out_obj_close(o);
	out_obj_close(o);
	out_obj_open(o, "eth1");
	out_bool(o, "up", false);
	out_obj_close(o);
	out_arr_close(o);
}

TEST(text_layout)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	describe(o);
	EXPECT_STREQ("br0:\n"
		     "  ifname: br0\n"
		     "  ifindex: 4\n"
		     "  address: 02:00:00:62:60:08\n"
		     "  age: 1m02.300s\n"
		     "  drops:\n"
		     "    truncated: 0\n"
		     "\n"
		     "eth1:\n"
		     "  up: no\n", close_buf(&b, o));
	free(b.data);
}

TEST(json_compact)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_JSON, false);

	describe(o);
	EXPECT_STREQ("[{\"ifname\":\"br0\",\"ifindex\":4,"
		     "\"address\":\"02:00:00:62:60:08\",\"age_ms\":62300,"
		     "\"drops\":{\"truncated\":0}},{\"up\":false}]\n",
		     close_buf(&b, o));
	free(b.data);
}

TEST(json_pretty)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_JSON, true);

	out_obj_open(o, NULL);
	out_u64(o, "a", 1);
	out_arr_open(o, "l");
	out_str(o, NULL, "x");
	out_arr_close(o);
	out_arr_open(o, "empty");
	out_arr_close(o);
	out_obj_close(o);
	EXPECT_STREQ("{\n  \"a\": 1,\n  \"l\": [\n    \"x\"\n  ],\n  \"empty\": []\n}\n",
		     close_buf(&b, o));
	free(b.data);
}

/* Hostile strings (device names, vendor strings) never break the output. */
TEST(escaping)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_JSON, false);

	out_obj_open(o, NULL);
	out_str(o, "k\"ey", "q\"b\\s\n\t\x01\x7f end");
	out_str(o, "null", NULL);
	out_obj_close(o);
	EXPECT_STREQ("{\"k\\\"ey\":\"q\\\"b\\\\s\\n\\t\\u0001\\u007f end\",\"null\":null}\n",
		     close_buf(&b, o));
	free(b.data);

	o = open_buf(&b, OUT_TEXT, false);
	out_obj_open(o, NULL);
	out_str(o, "vendor", "evil\n\x1b[31mred");
	out_obj_close(o);
	EXPECT_STREQ("vendor: evil\\x0a\\x1b[31mred\n", close_buf(&b, o));
	free(b.data);
}

TEST(streams_one_record_per_line)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_JSON, true);
	int i;

	out_set_stream(o, true);
	for (i = 0; i < 2; i++) {
		out_obj_open(o, NULL);
		out_str(o, "event", "agent_new");
		out_obj_open(o, "agent");
		out_u64(o, "ifindex", 3 + i);
		out_obj_close(o);
		out_obj_close(o);
	}
	EXPECT_STREQ("{\"event\":\"agent_new\",\"agent\":{\"ifindex\":3}}\n"
		     "{\"event\":\"agent_new\",\"agent\":{\"ifindex\":4}}\n",
		     close_buf(&b, o));
	free(b.data);

	o = open_buf(&b, OUT_TEXT, false);
	out_set_stream(o, true);
	for (i = 0; i < 2; i++) {
		out_obj_open(o, NULL);
		out_str(o, "event", "agent_new");
		out_obj_open(o, "agent");
		out_u64(o, "ifindex", 3 + i);
		out_obj_close(o);
		out_u64(o, "n", i);
		out_obj_close(o);
	}
	EXPECT_STREQ("event=agent_new agent.ifindex=3 n=0\n"
		     "event=agent_new agent.ifindex=4 n=1\n", close_buf(&b, o));
	free(b.data);
}

TEST(durations)
{
	char buf[32];

	out_fmt_ms(buf, sizeof(buf), 0);
	EXPECT_STREQ("0.000s", buf);
	out_fmt_ms(buf, sizeof(buf), 59999);
	EXPECT_STREQ("59.999s", buf);
	out_fmt_ms(buf, sizeof(buf), 3600 * 1000 + 61000);
	EXPECT_STREQ("1h01m01s", buf);
	out_fmt_ms(buf, sizeof(buf), 2ULL * 86400 * 1000 + 3 * 3600 * 1000);
	EXPECT_STREQ("2d03h00m", buf);
}

TEST(time_is_iso8601)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	out_obj_open(o, NULL);
	out_time_ms(o, "seen", 1700000000123ULL);
	out_obj_close(o);
	EXPECT_STREQ("seen: 2023-11-14T22:13:20.123Z\n", close_buf(&b, o));
	free(b.data);
}

static void table_rows(struct out *o)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };

	out_table_open(o, "agents");
	out_obj_open(o, NULL);
	out_mac(o, "mac", mac);
	out_str(o, "ifname", "br0");
	out_ms(o, "last_seen", 1204);
	out_obj_open(o, "counters");	/* not a column */
	out_u64(o, "rx_frames", 5);
	out_obj_close(o);
	out_obj_close(o);
	out_obj_open(o, NULL);
	out_str(o, "ifname", "eth10");	/* order of the first row wins */
	out_str(o, "mac", "Z\xc3\xbcrich\x1b");	/* 6 columns + escape */
	out_u64(o, "extra", 1);		/* not a column: not shown */
	out_obj_close(o);		/* no last_seen: "-" */
	out_arr_close(o);
}

TEST(table_text_is_aligned)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	table_rows(o);
	EXPECT_STREQ("MAC                IFNAME  LAST_SEEN\n"
		     "02:00:00:00:00:a1  br0     1.204s\n"
		     "Z\xc3\xbcrich\\x1b         eth10   -\n",
		     close_buf(&b, o));
	free(b.data);
}

TEST(table_json_is_an_array)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_JSON, false);

	table_rows(o);
	EXPECT_STREQ("[{\"mac\":\"02:00:00:00:00:a1\",\"ifname\":\"br0\","
		     "\"last_seen_ms\":1204,\"counters\":{\"rx_frames\":5}},"
		     "{\"ifname\":\"eth10\",\"mac\":\"Z\xc3\xbcrich\\u001b\","
		     "\"extra\":1}]\n", close_buf(&b, o));
	free(b.data);
}

TEST(table_nested_and_empty)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	out_obj_open(o, NULL);
	out_u64(o, "agents", 2);
	out_table_open(o, "rows");
	out_obj_open(o, NULL);
	out_str(o, "a", "x");
	out_str(o, "bb", "");
	out_obj_close(o);
	out_obj_open(o, NULL);
	out_str(o, "a", "long value");
	out_str(o, "bb", "y");
	out_obj_close(o);
	out_arr_close(o);
	out_table_open(o, "none");
	out_arr_close(o);
	out_u64(o, "after", 1);
	out_obj_close(o);
	EXPECT_STREQ("agents: 2\n"
		     "rows:\n"
		     "  A           BB\n"
		     "  x           \n"
		     "  long value  y\n"
		     "none:\n"
		     "after: 1\n", close_buf(&b, o));
	free(b.data);

	/* At the top level an empty table prints nothing at all. */
	o = open_buf(&b, OUT_TEXT, false);
	out_table_open(o, "agents");
	out_arr_close(o);
	EXPECT_STREQ("", close_buf(&b, o));
	free(b.data);
	o = open_buf(&b, OUT_JSON, false);
	out_table_open(o, "agents");
	out_arr_close(o);
	EXPECT_STREQ("[]\n", close_buf(&b, o));
	free(b.data);
}

/* A table left open is still printed when the output ends. */
TEST(table_closed_by_out_free)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	out_table_open(o, NULL);
	out_obj_open(o, NULL);
	out_str(o, "k", "v");
	out_obj_open(o, "skipped");
	EXPECT_STREQ("K\nv\n", close_buf(&b, o));
	free(b.data);
}

TEST(table_in_a_stream_is_a_plain_array)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	out_set_stream(o, true);
	out_obj_open(o, NULL);
	out_table_open(o, "t");
	out_obj_open(o, NULL);
	out_u64(o, "n", 1);
	out_obj_close(o);
	out_arr_close(o);
	out_obj_close(o);
	EXPECT_STREQ("t.n=1\n", close_buf(&b, o));
	free(b.data);
}

static void describe_only(struct out *o)
{
	unsigned int prev, inner;

	out_obj_open(o, NULL);
	out_str(o, "both", "b");
	prev = out_only(o, OUT_TEXT);
	out_str(o, "caps", "ipv4 dhcp4");
	/* JSON-only within text-only: in neither. */
	inner = out_only(o, OUT_JSON);
	out_str(o, "nowhere", "x");
	out_only_end(o, inner);
	out_str(o, "text_again", "t");
	out_only_end(o, prev);
	prev = out_only(o, OUT_JSON);
	out_arr_open(o, "caps");
	out_str(o, NULL, "ipv4");
	out_obj_open(o, NULL);
	out_u64(o, "deep", 1);
	out_obj_close(o);
	out_arr_close(o);
	out_only_end(o, prev);
	out_u64(o, "end", 1);
	out_obj_close(o);
}

TEST(members_for_one_format)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	describe_only(o);
	EXPECT_STREQ("both: b\ncaps: ipv4 dhcp4\ntext_again: t\nend: 1\n",
		     close_buf(&b, o));
	free(b.data);

	o = open_buf(&b, OUT_JSON, false);
	describe_only(o);
	EXPECT_STREQ("{\"both\":\"b\",\"caps\":[\"ipv4\",{\"deep\":1}],\"end\":1}\n",
		     close_buf(&b, o));
	free(b.data);
}

TEST(time_format)
{
	char buf[40];

	out_fmt_time_ms(buf, sizeof(buf), 0);
	EXPECT_STREQ("1970-01-01T00:00:00.000Z", buf);
	out_fmt_time_ms(buf, sizeof(buf), 1700000000999ULL);
	EXPECT_STREQ("2023-11-14T22:13:20.999Z", buf);
}

/* Stream text: values that would split wrongly are quoted. */
TEST(stream_values_quoted)
{
	struct buf b;
	struct out *o = open_buf(&b, OUT_TEXT, false);

	out_set_stream(o, true);
	out_obj_open(o, NULL);
	out_str(o, "device", "Example STB-100");
	out_str(o, "plain", "a:b/c");
	out_str(o, "empty", "");
	out_str(o, "q", "say \"hi\"\\");
	out_str(o, "eq", "a=b");
	out_str(o, "ctl", "x y\x1b");
	out_str(o, "ctl2", "x\x1b");
	out_obj_close(o);
	EXPECT_STREQ("device=\"Example STB-100\" plain=a:b/c empty=\"\" "
		     "q=\"say \\\"hi\\\"\\\\\" eq=\"a=b\" ctl=\"x y\\x1b\" "
		     "ctl2=x\\x1b\n", close_buf(&b, o));
	free(b.data);
}

TEST_HARNESS_MAIN
