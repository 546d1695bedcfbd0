// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/wire.c against docs/protocol.md: every drop reason of the header,
 * the TLV walk, the rules of every message and nest, strings, the encoder
 * and the summary; then a seeded random run of random and mutated frames
 * through the whole receive path (the properties are in wire_check.h, shared
 * with the libFuzzer target), and a replay of the fuzzers' corpus.
 *
 * Frames with deliberate faults are written by the raw builder of
 * wire_gen.h (struct fb), not by the encoder, which refuses most of them.
 */

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wire_check.h"
#include "wire_examples.h"

#ifndef SRC_TOP
#define SRC_TOP "."
#endif

/* Header rc, or the validator's verdict when the header is fine. */
static int verdict(struct fb *f)
{
	struct i62608_frame m;
	int rc = i62608_wire_hdr(f->buf, fb_done(f), &m);

	return rc ? rc : i62608_wire_validate(&m);
}

static int example(const char *name, u8 *buf)
{
	size_t i;

	for (i = 0; i < N_EXAMPLES; i++)
		if (!strcmp(examples[i].name, name))
			return examples[i].build(buf);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Header                                                              */
/* ------------------------------------------------------------------ */

TEST(hdr_fields)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	int len = example("advertise-unsolicited", buf);

	ASSERT_EQ(36, len);
	ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
	EXPECT_EQ(1, m.version);
	EXPECT_EQ(I62608_MSG_ADVERTISE, m.type);
	EXPECT_EQ(0, m.flags);
	EXPECT_EQ(36, m.length);
	EXPECT_EQ(0, m.key_id);
	EXPECT_EQ(0x80000007u, m.msg_id);
	EXPECT_EQ(CONF_EPOCH, m.epoch);
	EXPECT_EQ(3, m.counter);
	EXPECT_TRUE(m.hdr == buf);
	EXPECT_TRUE(m.body == buf + 24);
	EXPECT_EQ(12, m.body_len);
	EXPECT_NULL(m.tag);
}

TEST(hdr_truncated_below_header)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	int len = example("discover", buf), i;

	ASSERT_GT(len, 24);
	for (i = 0; i < 24; i++)
		EXPECT_EQ(I62608_DROP_TRUNCATED, i62608_wire_hdr(buf, i, &m));
}

TEST(hdr_wrong_version)
{
	static const u8 bad[] = { 0, 2, 0x81, 0xff };
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	int len = example("discover", buf);
	size_t i;

	for (i = 0; i < sizeof(bad); i++) {
		buf[0] = bad[i];
		EXPECT_EQ(I62608_DROP_VERSION, i62608_wire_hdr(buf, len, &m));
	}
}

TEST(hdr_length_below_24)
{
	static const u16 bad[] = { 0, 1, 4, 23 };
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	int len = example("discover", buf);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_unaligned_be16(bad[i], buf + 4);
		EXPECT_EQ(I62608_DROP_LENGTH, i62608_wire_hdr(buf, len, &m));
	}
}

TEST(hdr_length_above_1500)
{
	static const u16 bad[] = { 1501, 1518, 0x8000, 0xffff };
	static u8 buf[0x10000];
	struct i62608_frame m;
	int len = example("discover", buf);
	size_t i;

	ASSERT_GT(len, 0);
	/* Even when the buffer really holds that many bytes. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_unaligned_be16(bad[i], buf + 4);
		EXPECT_EQ(I62608_DROP_LENGTH,
			  i62608_wire_hdr(buf, sizeof(buf), &m));
	}
	put_unaligned_be16(1500, buf + 4);
	EXPECT_EQ(0, i62608_wire_hdr(buf, sizeof(buf), &m));
	EXPECT_EQ(1500 - 24, m.body_len);
}

TEST(hdr_length_above_buffer)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	size_t i;

	/* Every example cut by one byte, and by all but its header. */
	for (i = 0; i < N_EXAMPLES; i++) {
		int len = examples[i].build(buf);

		EXPECT_EQ(I62608_DROP_TRUNCATED, i62608_wire_hdr(buf, len - 1, &m));
		EXPECT_EQ(I62608_DROP_TRUNCATED, i62608_wire_hdr(buf, 24, &m));
		EXPECT_EQ(0, i62608_wire_hdr(buf, len, &m));
	}
}

TEST(hdr_padding_ignored)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	size_t i;

	/* The link pads short frames: what follows @length is not parsed. */
	for (i = 0; i < N_EXAMPLES; i++) {
		int len = examples[i].build(buf);

		memset(buf + len, 0xff, 60);
		ASSERT_EQ(0, i62608_wire_hdr(buf, len + 60, &m));
		EXPECT_EQ(len, m.length);
		EXPECT_EQ(len - 24, m.body_len);
		EXPECT_EQ(0, i62608_wire_validate(&m));
	}
}

TEST(hdr_epoch_zero)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	int len = example("heartbeat", buf);

	memset(buf + 12, 0, 4);
	EXPECT_EQ(I62608_DROP_MALFORMED, i62608_wire_hdr(buf, len, &m));
	buf[15] = 1;
	EXPECT_EQ(0, i62608_wire_hdr(buf, len, &m));
}

TEST(hdr_protected)
{
	struct i62608_frame m;
	struct fb f;
	u8 tag[I62608_TAG_LEN];

	memset(tag, 0xab, sizeof(tag));

	/* PROTECTED without a key id. */
	fb_init(&f, I62608_MSG_REPORT, I62608_F_PROTECTED, 0, 9);
	fb_put(&f, tag, sizeof(tag));
	EXPECT_EQ(I62608_DROP_MALFORMED, i62608_wire_hdr(f.buf, fb_done(&f), &m));

	/* Key id, but no room for the tag: 15 bytes after the header. */
	fb_init(&f, I62608_MSG_REPORT, I62608_F_PROTECTED, 7, 9);
	fb_put(&f, tag, sizeof(tag) - 1);
	EXPECT_EQ(I62608_DROP_LENGTH, i62608_wire_hdr(f.buf, fb_done(&f), &m));
	fb_init(&f, I62608_MSG_REPORT, I62608_F_PROTECTED, 7, 9);
	EXPECT_EQ(I62608_DROP_LENGTH, i62608_wire_hdr(f.buf, fb_done(&f), &m));

	/* Exactly a tag: an empty body. */
	fb_init(&f, I62608_MSG_REPORT, I62608_F_PROTECTED, 7, 9);
	fb_put(&f, tag, sizeof(tag));
	ASSERT_EQ(0, i62608_wire_hdr(f.buf, fb_done(&f), &m));
	EXPECT_EQ(0, m.body_len);
	EXPECT_EQ(f.buf + 24, m.tag);
	EXPECT_EQ(7, m.key_id);

	/* A body and a tag: the tag is the last 16 bytes. */
	fb_init(&f, I62608_MSG_REPORT, I62608_F_PROTECTED, 0xffff, 9);
	fb_put(&f, "ciphertext", 10);
	fb_put(&f, tag, sizeof(tag));
	ASSERT_EQ(0, i62608_wire_hdr(f.buf, fb_done(&f), &m));
	EXPECT_EQ(10, m.body_len);
	EXPECT_EQ(f.buf + 34, m.tag);
	EXPECT_EQ(0, memcmp(m.tag, tag, sizeof(tag)));

	/* A key id without PROTECTED. */
	fb_init(&f, I62608_MSG_BYE, 0, 7, 9);
	EXPECT_EQ(I62608_DROP_MALFORMED, i62608_wire_hdr(f.buf, fb_done(&f), &m));
}

TEST(hdr_unknown_flags_ignored)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	int len = example("heartbeat", buf);

	put_unaligned_be16(0xfff8 | I62608_F_PARTIAL | I62608_F_REPORT_REQUEST,
			   buf + 2);
	ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
	EXPECT_NULL(m.tag);
	EXPECT_EQ(0, i62608_wire_validate(&m));
}

TEST(hdr_only)
{
	struct fb f;

	/* 24 bytes: nothing but a header. BYE needs nothing else. */
	fb_init(&f, I62608_MSG_BYE, 0, 0, 9);
	EXPECT_EQ(0, verdict(&f));
	fb_init(&f, I62608_MSG_DISCOVER, 0, 0, 9);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
}

TEST(validate_unknown_type)
{
	static const u8 types[] = { 0, I62608_MSG_MAX + 1, 0x7f, 0xff };
	struct fb f;
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		fb_init(&f, types[i], 0, 0, 9);
		fb_u16(&f, I62608_TLV_TTL, 30);
		EXPECT_EQ(I62608_DROP_TYPE, verdict(&f));
	}
}

/* ------------------------------------------------------------------ */
/* TLV walk                                                            */
/* ------------------------------------------------------------------ */

static void heartbeat(struct fb *f)
{
	fb_init(f, I62608_MSG_HEARTBEAT, 0, 0, 9);
	fb_u16(f, I62608_TLV_TTL, 31);
	fb_u32(f, I62608_TLV_REPORT_ID, 2);
}

static void report_min(struct fb *f)
{
	fb_init(f, I62608_MSG_REPORT, 0, 0, 9);
	fb_u16(f, I62608_TLV_TTL, 31);
	fb_u32(f, I62608_TLV_CAPABILITIES, 1);
	fb_u8(f, I62608_TLV_DEVICE_TYPE, I62608_DEV_TV);
}

static const u8 mac_ok[6] = { 0x02, 0, 0, 0, 0, 0xa1 };

TEST(tlv_runs_past_end)
{
	struct fb f;

	heartbeat(&f);
	ASSERT_EQ(0, verdict(&f));
	/* The last TLV claims one byte more than the message holds. */
	put_unaligned_be16(5, f.buf + f.len - 4 - 2);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	put_unaligned_be16(0xffff, f.buf + f.len - 4 - 2);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	/* ... although the buffer has it: the length field is the end. */
	heartbeat(&f);
	fb_done(&f);
	put_unaligned_be16(5, f.buf + f.len - 4 - 2);
	f.buf[f.len] = 0;
	{
		struct i62608_frame m;

		ASSERT_EQ(0, i62608_wire_hdr(f.buf, f.len + 1, &m));
		EXPECT_EQ(I62608_DROP_MALFORMED, i62608_wire_validate(&m));
	}
}

TEST(tlv_short_tail)
{
	static const u8 tail[3] = { 0, 1, 0 };
	struct fb f;
	int n;

	for (n = 1; n <= 3; n++) {
		heartbeat(&f);
		fb_put(&f, tail, n);
		EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f)) {
			TH_LOG("a %d-byte tail was accepted", n);
		}
	}
	/* Four bytes are a whole (empty, unknown) TLV. */
	heartbeat(&f);
	fb_tlv(&f, 0x1234, NULL, 0);
	EXPECT_EQ(0, verdict(&f));
}

TEST(tlv_zero_length)
{
	static const u16 defined[] = {
		I62608_TLV_TTL, I62608_TLV_REPORT_ID,
	};
	struct fb f;
	size_t i;

	/* Zero-length unknown TLVs are skipped, top level and nested. */
	report_min(&f);
	fb_tlv(&f, 0x4000, NULL, 0);
	fb_tlv(&f, I62608_TLV_MAX + 1, NULL, 0);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, 0x4000, NULL, 0);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	fb_end(&f);
	EXPECT_EQ(0, verdict(&f));

	/* A defined value may not be empty. */
	for (i = 0; i < sizeof(defined) / sizeof(defined[0]); i++) {
		fb_init(&f, I62608_MSG_HEARTBEAT, 0, 0, 9);
		if (defined[i] != I62608_TLV_TTL)
			fb_u16(&f, I62608_TLV_TTL, 31);
		if (defined[i] != I62608_TLV_REPORT_ID)
			fb_u32(&f, I62608_TLV_REPORT_ID, 2);
		fb_tlv(&f, defined[i], NULL, 0);
		EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	}
	report_min(&f);
	fb_tlv(&f, I62608_TLV_VENDOR, NULL, 0);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	/* Empty nests lack their required elements. */
	report_min(&f);
	fb_tlv(&f, I62608_TLV_INTERFACE, NULL, 0);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	report_min(&f);
	fb_tlv(&f, I62608_TLV_SERVICE, NULL, 0);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
}

TEST(tlv_nest_runs_past_parent)
{
	struct fb f;

	/*
	 * The MAC inside INTERFACE claims 6 bytes, but the nest ends after 4
	 * of them. Read past the nest, the MAC would be 02:00:00:00:40:00 (a
	 * fine address), and the top level goes on with a well-formed empty
	 * TLV 0x4000 made of those two bytes and the next two: only the
	 * nest's own bound catches the overlap.
	 */
	report_min(&f);
	fb_put(&f, (u8[]){ 0, I62608_TLV_INTERFACE, 0, 8,
			   0, I62608_IF_MAC, 0, 6, 2, 0, 0, 0 }, 12);
	fb_tlv(&f, 0x4000, NULL, 0);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	/* That MAC whole in its nest, then the same TLV: valid. */
	report_min(&f);
	fb_put(&f, (u8[]){ 0, I62608_TLV_INTERFACE, 0, 10,
			   0, I62608_IF_MAC, 0, 6, 2, 0, 0, 0, 0x40, 0 }, 14);
	fb_tlv(&f, 0x4000, NULL, 0);
	EXPECT_EQ(0, verdict(&f));

	/* A nest shorter than its first TLV's header. */
	report_min(&f);
	fb_begin(&f, I62608_TLV_SERVICE);
	fb_put(&f, (u8[]){ 0, 1, 0 }, 3);
	fb_end(&f);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));

	/* A nest running past the message. */
	report_min(&f);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	fb_end(&f);
	put_unaligned_be16(11, f.buf + f.len - 10 - 2);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
}

/*
 * There is one level of nesting (docs/protocol.md 4). The nests' own type
 * spaces define no nest, so a TLV numbered like INTERFACE or SERVICE inside
 * a nest is an unknown type of that nest: it is skipped, its bytes are never
 * parsed, and the validator never goes deeper than one level whatever the
 * frame holds. (It cannot be "rejected" without breaking the rule that
 * unknown types are skipped in every nest.)
 */
TEST(tlv_nested_twice_is_opaque)
{
	struct fb f;
	int i;

	/* INTERFACE in INTERFACE, with content that would not parse. */
	report_min(&f);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_put(&f, (u8[]){ 0, 0, 0xff, 0xff, 0 }, 5);
	fb_end(&f);
	fb_end(&f);
	EXPECT_EQ(0, verdict(&f));

	/* SERVICE in SERVICE, INTERFACE in SERVICE. */
	report_min(&f);
	fb_begin(&f, I62608_TLV_SERVICE);
	fb_str(&f, I62608_SVC_NAME, "ssh");
	fb_u8(&f, I62608_SVC_STATE, 1);
	fb_begin(&f, I62608_TLV_SERVICE);
	fb_u8(&f, 0, 0);
	fb_end(&f);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_end(&f);
	fb_end(&f);
	EXPECT_EQ(0, verdict(&f));

	/*
	 * An INTERFACE holding a chain of 299 INTERFACE TLVs, each inside the
	 * one before: one level is read, the rest is one opaque value.
	 */
	report_min(&f);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	for (i = 0; i < 299; i++) {
		fb_be16(&f, I62608_TLV_INTERFACE);
		fb_be16(&f, (u16)(4 * (298 - i)));
	}
	fb_end(&f);
	EXPECT_EQ(0, verdict(&f));
}

TEST(tlv_type_zero)
{
	struct fb f;

	heartbeat(&f);
	fb_u8(&f, 0, 1);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	heartbeat(&f);
	fb_tlv(&f, 0, NULL, 0);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	/* In a nest, too. */
	report_min(&f);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	fb_tlv(&f, 0, NULL, 0);
	fb_end(&f);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
	/* Even in a message type that uses no TLV. */
	fb_init(&f, I62608_MSG_BYE, 0, 0, 9);
	fb_u8(&f, 0, 0);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));
}

TEST(tlv_vendor)
{
	static const u16 types[] = { 0xff00, 0xff01, 0xfffe };
	static const u8 val[] = { 0x00, 0x1b, 0x21, 0x42, 0x43 };
	struct fb f;
	size_t i;
	u16 l;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (l = 0; l <= sizeof(val); l++) {
			int want = l < 3 ? I62608_DROP_MALFORMED : 0;

			heartbeat(&f);
			fb_tlv(&f, types[i], val, l);
			EXPECT_EQ(want, verdict(&f)) {
				TH_LOG("vendor type %#x, %u bytes", types[i], l);
			}
			/* The same inside both nests. */
			report_min(&f);
			fb_begin(&f, I62608_TLV_INTERFACE);
			fb_tlv(&f, types[i], val, l);
			fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
			fb_end(&f);
			EXPECT_EQ(want, verdict(&f));
			report_min(&f);
			fb_begin(&f, I62608_TLV_SERVICE);
			fb_str(&f, I62608_SVC_NAME, "ssh");
			fb_u8(&f, I62608_SVC_STATE, 1);
			fb_tlv(&f, types[i], val, l);
			fb_end(&f);
			EXPECT_EQ(want, verdict(&f));
		}
	}
	/* 0xfeff is the last defined-range type: no OUI rule. */
	heartbeat(&f);
	fb_tlv(&f, 0xfeff, NULL, 0);
	EXPECT_EQ(0, verdict(&f));
	/* 0xffff is reserved: skipped like any unknown type. */
	heartbeat(&f);
	fb_tlv(&f, 0xffff, NULL, 0);
	EXPECT_EQ(0, verdict(&f));
}

TEST(tlv_unknown_skipped)
{
	struct fb f;

	/* Unknown, and defined but not used by HEARTBEAT (with bad values). */
	heartbeat(&f);
	fb_tlv(&f, I62608_TLV_MAX + 1, "xyz", 3);
	fb_tlv(&f, 0x1234, "\0\0\0", 3);
	fb_tlv(&f, I62608_TLV_DEVICE_TYPE, "\xff\xff", 2);
	fb_tlv(&f, I62608_TLV_VENDOR, "\0", 1);
	fb_tlv(&f, I62608_TLV_INTERFACE, "\0\0\0", 3);
	fb_u16(&f, I62608_TLV_HEARTBEAT_INTERVAL, 0);
	EXPECT_EQ(0, verdict(&f));

	/* Unknown types inside nests. */
	report_min(&f);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAX + 1, "\0", 1);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	fb_tlv(&f, 0xfeff, "\0", 1);
	fb_end(&f);
	fb_begin(&f, I62608_TLV_SERVICE);
	fb_tlv(&f, I62608_SVC_MAX + 1, "\0\0", 2);
	fb_str(&f, I62608_SVC_NAME, "ssh");
	fb_u8(&f, I62608_SVC_STATE, 1);
	fb_end(&f);
	EXPECT_EQ(0, verdict(&f));
}

/* The iterator and finder on a validated body, and on broken ones. */
TEST(tlv_iter_and_find)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	struct i62608_frame m;
	int len = example("report", buf), n = 0;

	ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
	i62608_tlv_iter_init(&it, m.body, m.body_len);
	while (i62608_tlv_next(&it, &t) > 0)
		n++;
	EXPECT_EQ(11, n);
	EXPECT_EQ(0, i62608_tlv_next(&it, &t));
	ASSERT_TRUE(i62608_tlv_find(m.body, m.body_len, I62608_TLV_NAME, &t));
	EXPECT_EQ(14, t.len);
	EXPECT_EQ(0, memcmp(t.val, "livingroom-stb", 14));
	EXPECT_FALSE(i62608_tlv_find(m.body, m.body_len, I62608_TLV_REASON, &t));
	/* Broken: the finder stops at the fault. */
	EXPECT_FALSE(i62608_tlv_find(m.body, 3, I62608_TLV_TTL, &t));
	i62608_tlv_iter_init(&it, m.body, 3);
	EXPECT_EQ(-1, i62608_tlv_next(&it, &t));
	i62608_tlv_iter_init(&it, m.body, 5);
	EXPECT_EQ(-1, i62608_tlv_next(&it, &t));
	i62608_tlv_iter_init(&it, m.body, 6);
	EXPECT_EQ(1, i62608_tlv_next(&it, &t));
	EXPECT_EQ(0, i62608_tlv_next(&it, &t));
}

/* ------------------------------------------------------------------ */
/* Per-message rules, table-driven from docs/protocol.md 4.1-5         */
/* ------------------------------------------------------------------ */

/* A TLV with a valid value, how often it may appear, whether required. */
struct tv {
	u16 type;
	u16 len;
	u8 val[20];
	u8 max;
	bool req;
};

static const struct tv discover_tlvs[] = {
	{ I62608_TLV_CAPABILITIES, 4, { 0, 0, 0, 0xdd }, 1, true },
	{ I62608_TLV_DEVICE_TYPE, 1, { 2 }, 1, false },
	{ I62608_TLV_AGENT_VERSION, 5, "0.1.0", 1, false },
};

static const struct tv advertise_tlvs[] = {
	{ I62608_TLV_TTL, 2, { 0, 90 }, 1, true },
	{ I62608_TLV_HEARTBEAT_INTERVAL, 2, { 0, 10 }, 1, true },
	{ I62608_TLV_DB_VERSION, 4, { 0, 0, 1, 0 }, 1, false },
};

static const struct tv report_tlvs[] = {
	{ I62608_TLV_TTL, 2, { 0, 31 }, 1, true },
	{ I62608_TLV_CAPABILITIES, 4, { 0, 0, 0, 1 }, 1, true },
	{ I62608_TLV_DEVICE_TYPE, 1, { 8 }, 1, true },
	{ I62608_TLV_VENDOR, 7, "Example", 1, false },
	{ I62608_TLV_MODEL, 3, "M-1", 1, false },
	{ I62608_TLV_SERIAL, 2, "S1", 1, false },
	{ I62608_TLV_FIRMWARE, 5, "1.0.0", 1, false },
	{ I62608_TLV_NAME, 6, "tv-den", 1, false },
	{ I62608_TLV_AGENT_VERSION, 5, "0.1.0", 1, false },
};

static const struct tv heartbeat_tlvs[] = {
	{ I62608_TLV_TTL, 2, { 0, 31 }, 1, true },
	{ I62608_TLV_REPORT_ID, 4, { 0, 0, 0, 2 }, 1, true },
};

static const struct tv bye_tlvs[] = {
	{ I62608_TLV_REASON, 1, { 2 }, 1, false },
};

static const struct tv if_tlvs[] = {
	{ I62608_IF_NAME, 4, "eth0", 1, false },
	{ I62608_IF_MAC, 6, { 0x02, 0, 0, 0, 0, 0xa1 }, 1, true },
	{ I62608_IF_ADDR4, 6, { 192, 168, 1, 57, 24, 1 }, I62608_MAX_ADDRS, false },
	{ I62608_IF_ADDR6, 18, { 0xfe, 0x80, [15] = 1, 64, 3 }, I62608_MAX_ADDRS, false },
	{ I62608_IF_GW4, 4, { 192, 168, 1, 1 }, 1, false },
	{ I62608_IF_GW6, 16, { 0xfe, 0x80, [15] = 1 }, 1, false },
	{ I62608_IF_DNS4, 4, { 192, 168, 1, 1 }, I62608_MAX_DNS, false },
	{ I62608_IF_DNS6, 16, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 }, I62608_MAX_DNS, false },
	{ I62608_IF_FLAGS, 1, { 0x0f }, 1, false },
};

static const struct tv svc_tlvs[] = {
	{ I62608_SVC_NAME, 4, "iptv", 1, true },
	{ I62608_SVC_STATE, 1, { 2 }, 1, true },
	{ I62608_SVC_PORT, 3, { 17, 0x13, 0x8c }, I62608_MAX_PORTS, false },
};

struct set {
	const char *name;
	u8 msg;
	u16 nest;		/* 0: top level; else the nest in a REPORT */
	const struct tv *t;
	size_t n;
};

#define SET(name, msg, nest, t) { name, msg, nest, t, sizeof(t) / sizeof(t[0]) }

static const struct set sets[] = {
	SET("DISCOVER", I62608_MSG_DISCOVER, 0, discover_tlvs),
	SET("ADVERTISE", I62608_MSG_ADVERTISE, 0, advertise_tlvs),
	SET("REPORT", I62608_MSG_REPORT, 0, report_tlvs),
	SET("HEARTBEAT", I62608_MSG_HEARTBEAT, 0, heartbeat_tlvs),
	SET("BYE", I62608_MSG_BYE, 0, bye_tlvs),
	SET("INTERFACE", I62608_MSG_REPORT, I62608_TLV_INTERFACE, if_tlvs),
	SET("SERVICE", I62608_MSG_REPORT, I62608_TLV_SERVICE, svc_tlvs),
};

#define N_SETS (sizeof(sets) / sizeof(sets[0]))

static const struct set *find_set(u8 msg, u16 nest)
{
	size_t i;

	for (i = 0; i < N_SETS; i++)
		if (sets[i].msg == msg && sets[i].nest == nest)
			return &sets[i];
	abort();
}

/*
 * Every TLV of @s once with its valid value, except those of type @skip;
 * then @add @times times (inside the nest for a nest set).
 */
static int build_set(struct fb *f, const struct set *s, u16 skip,
		     const struct tv *add, unsigned int times)
{
	size_t i;

	if (s->nest) {
		report_min(f);
		fb_begin(f, s->nest);
	} else {
		fb_init(f, s->msg, 0, 0, 9);
	}
	for (i = 0; i < s->n; i++)
		if (s->t[i].type != skip)
			fb_tlv(f, s->t[i].type, s->t[i].val, s->t[i].len);
	while (add && times--)
		fb_tlv(f, add->type, add->val, add->len);
	if (s->nest)
		fb_end(f);
	return verdict(f);
}

TEST(rules_all_present)
{
	struct fb f;
	size_t i;

	for (i = 0; i < N_SETS; i++)
		EXPECT_EQ(0, build_set(&f, &sets[i], 0, NULL, 0)) {
			TH_LOG("%s with every TLV", sets[i].name);
		}
}

TEST(rules_required_missing)
{
	struct fb f;
	size_t i, k;

	for (i = 0; i < N_SETS; i++) {
		for (k = 0; k < sets[i].n; k++) {
			const struct tv *t = &sets[i].t[k];

			EXPECT_EQ(t->req ? I62608_DROP_MALFORMED : 0,
				  build_set(&f, &sets[i], t->type, NULL, 0)) {
				TH_LOG("%s without TLV %u", sets[i].name, t->type);
			}
		}
	}
}

/* Single-valued TLVs twice, counted ones once over their limit. */
TEST(rules_counts)
{
	struct fb f;
	size_t i, k;

	for (i = 0; i < N_SETS; i++) {
		for (k = 0; k < sets[i].n; k++) {
			const struct tv *t = &sets[i].t[k];

			EXPECT_EQ(0, build_set(&f, &sets[i], t->type, t, t->max)) {
				TH_LOG("%s with TLV %u x%u", sets[i].name,
				       t->type, t->max);
			}
			EXPECT_EQ(I62608_DROP_MALFORMED,
				  build_set(&f, &sets[i], t->type, t, t->max + 1)) {
				TH_LOG("%s with TLV %u x%u", sets[i].name,
				       t->type, t->max + 1);
			}
		}
	}
}

static void add_if(struct fb *f, u8 last)
{
	u8 mac[6] = { 0x02, 0, 0, 0, 0, last };

	fb_begin(f, I62608_TLV_INTERFACE);
	fb_tlv(f, I62608_IF_MAC, mac, 6);
	fb_end(f);
}

static void add_svc(struct fb *f, const char *name)
{
	fb_begin(f, I62608_TLV_SERVICE);
	fb_str(f, I62608_SVC_NAME, name);
	fb_u8(f, I62608_SVC_STATE, 1);
	fb_end(f);
}

TEST(rules_nest_counts)
{
	struct fb f;
	int i;

	report_min(&f);
	for (i = 0; i < I62608_MAX_IFACES_TLV; i++)
		add_if(&f, (u8)i);
	EXPECT_EQ(0, verdict(&f));
	add_if(&f, 0x99);
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));

	report_min(&f);
	for (i = 0; i < I62608_MAX_SERVICES; i++)
		add_svc(&f, "svc");
	EXPECT_EQ(0, verdict(&f));
	add_svc(&f, "one-more");
	EXPECT_EQ(I62608_DROP_MALFORMED, verdict(&f));

	/* Nests in messages that do not use them: skipped unread. */
	heartbeat(&f);
	for (i = 0; i < 20; i++)
		fb_tlv(&f, I62608_TLV_INTERFACE, "\xff", 1);
	EXPECT_EQ(0, verdict(&f));
}

/* One TLV with a given value in a message that is valid otherwise. */
struct vcase {
	const char *what;
	u8 msg;
	u16 nest;
	struct tv t;
	int want;
};

#define BAD I62608_DROP_MALFORMED
#define V(what, msg, nest, type, want, ...) {				\
	what, msg, nest,						\
	{ type, sizeof((u8[]){ __VA_ARGS__ }), { __VA_ARGS__ }, 1, false }, \
	want }

#define DIS I62608_MSG_DISCOVER
#define ADV I62608_MSG_ADVERTISE
#define REP I62608_MSG_REPORT
#define HB I62608_MSG_HEARTBEAT
#define IFN I62608_TLV_INTERFACE
#define SVN I62608_TLV_SERVICE

static const struct vcase values[] = {
	V("device type 8", DIS, 0, I62608_TLV_DEVICE_TYPE, 0, 8),
	V("device type 9", DIS, 0, I62608_TLV_DEVICE_TYPE, BAD, 9),
	V("device type 255", DIS, 0, I62608_TLV_DEVICE_TYPE, BAD, 255),
	V("device type 2 bytes", DIS, 0, I62608_TLV_DEVICE_TYPE, BAD, 0, 1),
	V("report device type 0", REP, 0, I62608_TLV_DEVICE_TYPE, 0, 0),
	V("report device type 9", REP, 0, I62608_TLV_DEVICE_TYPE, BAD, 9),
	V("caps all bits", DIS, 0, I62608_TLV_CAPABILITIES, 0, 0xff, 0xff, 0xff, 0xff),
	V("caps 3 bytes", DIS, 0, I62608_TLV_CAPABILITIES, BAD, 0, 0, 1),
	V("caps 5 bytes", DIS, 0, I62608_TLV_CAPABILITIES, BAD, 0, 0, 0, 0, 1),
	V("advertise TTL 0", ADV, 0, I62608_TLV_TTL, BAD, 0, 0),
	V("advertise TTL 1", ADV, 0, I62608_TLV_TTL, 0, 0, 1),
	V("advertise TTL 65535", ADV, 0, I62608_TLV_TTL, 0, 0xff, 0xff),
	V("advertise TTL 1 byte", ADV, 0, I62608_TLV_TTL, BAD, 1),
	V("advertise TTL 4 bytes", ADV, 0, I62608_TLV_TTL, BAD, 0, 0, 0, 1),
	V("heartbeat interval 0", ADV, 0, I62608_TLV_HEARTBEAT_INTERVAL, BAD, 0, 0),
	V("heartbeat interval 256", ADV, 0, I62608_TLV_HEARTBEAT_INTERVAL, 0, 1, 0),
	V("db version 2 bytes", ADV, 0, I62608_TLV_DB_VERSION, BAD, 0, 1),
	V("report TTL 0", REP, 0, I62608_TLV_TTL, BAD, 0, 0),
	V("heartbeat TTL 0", HB, 0, I62608_TLV_TTL, BAD, 0, 0),
	V("report id 0", HB, 0, I62608_TLV_REPORT_ID, 0, 0, 0, 0, 0),
	V("report id 3 bytes", HB, 0, I62608_TLV_REPORT_ID, BAD, 0, 0, 2),
	V("bye reason 2", I62608_MSG_BYE, 0, I62608_TLV_REASON, 0, 2),
	V("bye reason 3", I62608_MSG_BYE, 0, I62608_TLV_REASON, BAD, 3),
	V("bye reason 2 bytes", I62608_MSG_BYE, 0, I62608_TLV_REASON, BAD, 0, 0),
	/* INTERFACE */
	V("mac unicast", REP, IFN, I62608_IF_MAC, 0, 0, 0, 0, 0, 0, 1),
	V("mac multicast", REP, IFN, I62608_IF_MAC, BAD, 0x01, 0, 0x5e, 0, 0, 1),
	V("mac group address", REP, IFN, I62608_IF_MAC, BAD, 0x03, 0x62, 0x60, 0x80, 0, 1),
	V("mac broadcast", REP, IFN, I62608_IF_MAC, BAD, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
	V("mac zero", REP, IFN, I62608_IF_MAC, BAD, 0, 0, 0, 0, 0, 0),
	V("mac 5 bytes", REP, IFN, I62608_IF_MAC, BAD, 2, 0, 0, 0, 1),
	V("mac 7 bytes", REP, IFN, I62608_IF_MAC, BAD, 2, 0, 0, 0, 0, 1, 0),
	V("addr4 plen 32", REP, IFN, I62608_IF_ADDR4, 0, 10, 0, 0, 1, 32, 0),
	V("addr4 plen 33", REP, IFN, I62608_IF_ADDR4, BAD, 10, 0, 0, 1, 33, 0),
	V("addr4 origin 3", REP, IFN, I62608_IF_ADDR4, 0, 169, 254, 0, 1, 16, 3),
	V("addr4 origin 4", REP, IFN, I62608_IF_ADDR4, BAD, 10, 0, 0, 1, 8, 4),
	V("addr4 5 bytes", REP, IFN, I62608_IF_ADDR4, BAD, 10, 0, 0, 1, 8),
	V("addr4 7 bytes", REP, IFN, I62608_IF_ADDR4, BAD, 10, 0, 0, 1, 8, 0, 0),
	V("addr6 plen 128", REP, IFN, I62608_IF_ADDR6, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 128, 2),
	V("addr6 plen 129", REP, IFN, I62608_IF_ADDR6, BAD, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 129, 2),
	V("addr6 origin 4", REP, IFN, I62608_IF_ADDR6, BAD, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 64, 4),
	V("addr6 17 bytes", REP, IFN, I62608_IF_ADDR6, BAD, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 64),
	V("gw4 3 bytes", REP, IFN, I62608_IF_GW4, BAD, 10, 0, 0),
	V("gw4 5 bytes", REP, IFN, I62608_IF_GW4, BAD, 10, 0, 0, 1, 0),
	V("gw6 15 bytes", REP, IFN, I62608_IF_GW6, BAD, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
	V("gw6 17 bytes", REP, IFN, I62608_IF_GW6, BAD, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
	V("dns4 3 bytes", REP, IFN, I62608_IF_DNS4, BAD, 10, 0, 0),
	V("dns6 15 bytes", REP, IFN, I62608_IF_DNS6, BAD, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
	V("if flags 0xff", REP, IFN, I62608_IF_FLAGS, 0, 0xff),
	V("if flags 2 bytes", REP, IFN, I62608_IF_FLAGS, BAD, 0, 1),
	/* SERVICE */
	V("svc state 2", REP, SVN, I62608_SVC_STATE, 0, 2),
	V("svc state 3", REP, SVN, I62608_SVC_STATE, BAD, 3),
	V("svc state 2 bytes", REP, SVN, I62608_SVC_STATE, BAD, 0, 1),
	V("port tcp 1", REP, SVN, I62608_SVC_PORT, 0, 6, 0, 1),
	V("port udp 65535", REP, SVN, I62608_SVC_PORT, 0, 17, 0xff, 0xff),
	V("port 0", REP, SVN, I62608_SVC_PORT, BAD, 6, 0, 0),
	V("protocol 0", REP, SVN, I62608_SVC_PORT, BAD, 0, 0, 80),
	V("protocol 1", REP, SVN, I62608_SVC_PORT, BAD, 1, 0, 80),
	V("protocol 7", REP, SVN, I62608_SVC_PORT, BAD, 7, 0, 80),
	V("protocol 16", REP, SVN, I62608_SVC_PORT, BAD, 16, 0, 80),
	V("protocol 132", REP, SVN, I62608_SVC_PORT, BAD, 132, 0, 80),
	V("port 2 bytes", REP, SVN, I62608_SVC_PORT, BAD, 6, 0),
	V("port 4 bytes", REP, SVN, I62608_SVC_PORT, BAD, 6, 0, 80, 0),
};

TEST(rules_values)
{
	struct fb f;
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const struct vcase *c = &values[i];

		EXPECT_EQ(c->want, build_set(&f, find_set(c->msg, c->nest),
					     c->t.type, &c->t, 1)) {
			TH_LOG("%s", c->what);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

struct scase {
	const char *what;
	const char *s;
	size_t len;
	bool ok;
};

#define S(what, lit, ok) { what, lit, sizeof(lit) - 1, ok }

static const struct scase str_cases[] = {
	S("ascii", "Example", true),
	S("empty", "", false),
	S("32 bytes", "0123456789abcdef0123456789abcdef", true),
	S("33 bytes", "0123456789abcdef0123456789abcdef!", false),
	S("NUL inside", "ab\0cd", false),
	S("NUL at the end", "abcd\0", false),
	S("control 0x01", "a\x01", false),
	S("tab", "a\tb", false),
	S("newline", "a\n", false),
	S("control 0x1f", "\x1f", false),
	S("space and tilde", " ~", true),
	S("DEL", "a\x7f", false),
	S("C1 U+0080", "\xc2\x80", false),
	S("C1 U+009F", "\xc2\x9f", false),
	S("U+00A0", "\xc2\xa0", true),
	S("U+07FF", "\xdf\xbf", true),
	S("U+0800", "\xe0\xa0\x80", true),
	S("U+D7FF", "\xed\x9f\xbf", true),
	S("U+E000", "\xee\x80\x80", true),
	S("U+FFFD", "\xef\xbf\xbd", true),
	S("U+10000", "\xf0\x90\x80\x80", true),
	S("U+10FFFF", "\xf4\x8f\xbf\xbf", true),
	S("overlong NUL", "\xc0\x80", false),
	S("overlong '/'", "\xc0\xaf", false),
	S("overlong 2-byte max", "\xc1\xbf", false),
	S("overlong 3-byte", "\xe0\x80\xaf", false),
	S("overlong 3-byte max", "\xe0\x9f\xbf", false),
	S("overlong 4-byte", "\xf0\x80\x80\xaf", false),
	S("overlong 4-byte max", "\xf0\x8f\xbf\xbf", false),
	S("surrogate U+D800", "\xed\xa0\x80", false),
	S("surrogate U+DFFF", "\xed\xbf\xbf", false),
	S("surrogate pair (CESU-8)", "\xed\xa0\xbd\xed\xb8\x80", false),
	S("U+110000", "\xf4\x90\x80\x80", false),
	S("lead f5", "\xf5\x80\x80\x80", false),
	S("lead f8 (5 bytes)", "\xf8\x88\x80\x80\x80", false),
	S("lead fc (6 bytes)", "\xfc\x84\x80\x80\x80\x80", false),
	S("byte fe", "a\xfe", false),
	S("byte ff", "\xff", false),
	S("lone continuation", "a\x80" "b", false),
	S("lead then ASCII", "\xc3(", false),
	S("3-byte, bad third", "\xe2\x82(", false),
	S("4-byte, bad fourth", "\xf0\x9f\x98(", false),
	S("cut 2-byte at the end", "abc\xc3", false),
	S("cut 3-byte at the end", "ab\xe2\x82", false),
	S("cut 4-byte at the end", "a\xf0\x9f\x98", false),
	S("32 bytes ending in a 2-byte", "0123456789abcdef0123456789abcd\xc3\xa9", true),
	S("32 bytes ending in a 3-byte", "0123456789abcdef0123456789abc\xe2\x82\xac", true),
	S("32 bytes ending in a 4-byte", "0123456789abcdef0123456789ab\xf0\x9f\x98\x80", true),
	S("33 bytes ending in a 4-byte", "0123456789abcdef0123456789abc\xf0\x9f\x98\x80", false),
	S("8 emoji = 32 bytes", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", true),
};

static const u16 string_tlvs[] = {
	I62608_TLV_VENDOR, I62608_TLV_MODEL, I62608_TLV_SERIAL,
	I62608_TLV_FIRMWARE, I62608_TLV_NAME, I62608_TLV_AGENT_VERSION,
};

TEST(strings_every_tlv)
{
	struct fb f;
	size_t i, k;

	for (i = 0; i < sizeof(str_cases) / sizeof(str_cases[0]); i++) {
		const struct scase *c = &str_cases[i];
		/* Lengths are the rules' business; content is str_valid's. */
		if (c->len >= 1 && c->len <= 32)
			EXPECT_EQ(c->ok, i62608_str_valid((const u8 *)c->s, c->len)) {
				TH_LOG("i62608_str_valid: %s", c->what);
			}
		/* Through every string TLV of REPORT, and DISCOVER's. */
		for (k = 0; k < sizeof(string_tlvs) / sizeof(string_tlvs[0]); k++) {
			report_min(&f);
			fb_tlv(&f, string_tlvs[k], c->s, (u16)c->len);
			EXPECT_EQ(c->ok ? 0 : BAD, verdict(&f)) {
				TH_LOG("REPORT TLV %u: %s", string_tlvs[k], c->what);
			}
		}
		fb_init(&f, I62608_MSG_DISCOVER, 0, 0, 9);
		fb_u32(&f, I62608_TLV_CAPABILITIES, 1);
		fb_tlv(&f, I62608_TLV_AGENT_VERSION, c->s, (u16)c->len);
		EXPECT_EQ(c->ok ? 0 : BAD, verdict(&f)) {
			TH_LOG("DISCOVER agent version: %s", c->what);
		}
	}
}

/* Nest strings: the general rules, plus each nest's own. */
static int nest_str(u16 nest, const char *s, size_t len)
{
	struct fb f;

	report_min(&f);
	fb_begin(&f, nest);
	if (nest == I62608_TLV_INTERFACE) {
		fb_tlv(&f, I62608_IF_NAME, s, (u16)len);
		fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	} else {
		fb_tlv(&f, I62608_SVC_NAME, s, (u16)len);
		fb_u8(&f, I62608_SVC_STATE, 0);
	}
	fb_end(&f);
	return verdict(&f);
}

#define NEST_STR(nest, lit) nest_str(nest, lit, sizeof(lit) - 1)

TEST(strings_ifname)
{
	EXPECT_EQ(0, NEST_STR(IFN, "eth0"));
	EXPECT_EQ(0, NEST_STR(IFN, "br-lan.100"));
	EXPECT_EQ(0, NEST_STR(IFN, "0123456789abcde"));	/* 15 */
	EXPECT_EQ(BAD, NEST_STR(IFN, "0123456789abcdef"));	/* 16 */
	EXPECT_EQ(BAD, NEST_STR(IFN, ""));
	EXPECT_EQ(BAD, NEST_STR(IFN, "eth/0"));
	EXPECT_EQ(BAD, NEST_STR(IFN, "eth0:1"));
	EXPECT_EQ(BAD, NEST_STR(IFN, "eth 0"));
	EXPECT_EQ(BAD, NEST_STR(IFN, "eth\t0"));
	EXPECT_EQ(BAD, NEST_STR(IFN, "eth0\n"));
	EXPECT_EQ(BAD, NEST_STR(IFN, "e\0th"));
	/*
	 * Stricter than docs/protocol.md 4.2 says: wire.c also refuses what
	 * Linux refuses as a device name (".", "..") and any non-ASCII byte.
	 */
	EXPECT_EQ(BAD, NEST_STR(IFN, "."));
	EXPECT_EQ(BAD, NEST_STR(IFN, ".."));
	EXPECT_EQ(0, NEST_STR(IFN, "..."));
	EXPECT_EQ(BAD, NEST_STR(IFN, "\xc3\xa9th0"));
}

TEST(strings_svcname)
{
	EXPECT_EQ(0, NEST_STR(SVN, "iptv"));
	EXPECT_EQ(0, NEST_STR(SVN, "0day"));
	EXPECT_EQ(0, NEST_STR(SVN, "a-b_c.d"));
	EXPECT_EQ(0, NEST_STR(SVN, "z"));
	EXPECT_EQ(0, NEST_STR(SVN, "abcdefghijklmnopqrstuvwxyz012345"));	/* 32 */
	EXPECT_EQ(BAD, NEST_STR(SVN, "abcdefghijklmnopqrstuvwxyz0123456"));
	EXPECT_EQ(BAD, NEST_STR(SVN, ""));
	EXPECT_EQ(BAD, NEST_STR(SVN, "IPTV"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "ipTv"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "-x"));
	EXPECT_EQ(BAD, NEST_STR(SVN, ".x"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "_x"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "a b"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "a/b"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "a:b"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "\xc3\xa9"));
	EXPECT_EQ(BAD, NEST_STR(SVN, "a\x7f"));
}

/*
 * i62608_str_valid() against the table-driven reference of wire_check.h:
 * every 1- and 2-byte string, and 3- and 4-byte strings over every lead
 * byte with the boundary values of the continuation ranges.
 */
TEST(strings_exhaustive)
{
	static const u8 edge[] = {
		0x00, 0x20, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
		0xc0, 0xff,
	};
	const size_t ne = sizeof(edge);
	u8 s[4];
	unsigned int a, b, c, d;
	unsigned long ok = 0;

	for (a = 0; a < 256; a++) {
		s[0] = (u8)a;
		ASSERT_EQ(ref_str_valid(s, 1), i62608_str_valid(s, 1));
		for (b = 0; b < 256; b++) {
			s[1] = (u8)b;
			ASSERT_EQ(ref_str_valid(s, 2), i62608_str_valid(s, 2)) {
				TH_LOG("%02x %02x", a, b);
			}
		}
		for (b = 0; b < ne; b++)
			for (c = 0; c < ne; c++) {
				s[1] = edge[b];
				s[2] = edge[c];
				ASSERT_EQ(ref_str_valid(s, 3), i62608_str_valid(s, 3)) {
					TH_LOG("%02x %02x %02x", a, s[1], s[2]);
				}
				for (d = 0; d < ne; d++) {
					s[3] = edge[d];
					ok += ref_str_valid(s, 4);
					ASSERT_EQ(ref_str_valid(s, 4),
						  i62608_str_valid(s, 4)) {
						TH_LOG("%02x %02x %02x %02x",
						       a, s[1], s[2], s[3]);
					}
				}
			}
	}
	/* The reference is not trivially false. */
	EXPECT_GT(ok, 1000);
}

/* ------------------------------------------------------------------ */
/* Encoder                                                             */
/* ------------------------------------------------------------------ */

static const struct i62608_w_hdr whdr = {
	.type = I62608_MSG_HEARTBEAT, .msg_id = 1, .epoch = 9, .counter = 1,
};

TEST(encoder_overflow)
{
	u8 buf[64];
	struct i62608_w w;

	memset(buf, 0xee, sizeof(buf));
	i62608_w_init(&w, buf, 30);
	i62608_w_hdr(&w, &whdr);
	i62608_w_u16(&w, I62608_TLV_TTL, 31);		/* 30 bytes: fits */
	EXPECT_FALSE(w.overflow);
	EXPECT_EQ(30, w.len);
	i62608_w_u8(&w, I62608_TLV_REASON, 0);		/* one over */
	EXPECT_TRUE(w.overflow);
	EXPECT_EQ(30, w.len);
	EXPECT_EQ(0xee, buf[30]);
	/* Later writes that would fit are dropped too: no holes. */
	i62608_w_tlv(&w, 0x4000, NULL, 0);
	EXPECT_EQ(30, w.len);
	EXPECT_EQ(-1, i62608_w_finish(&w));

	/* A buffer too small for the header. */
	i62608_w_init(&w, buf, 23);
	i62608_w_hdr(&w, &whdr);
	EXPECT_TRUE(w.overflow);
	EXPECT_EQ(-1, i62608_w_finish(&w));
	i62608_w_init(&w, buf, 0);
	i62608_w_u8(&w, 1, 1);
	EXPECT_TRUE(w.overflow);

	/* No header at all. */
	i62608_w_init(&w, buf, 64);
	i62608_w_u16(&w, I62608_TLV_TTL, 1);
	EXPECT_EQ(-1, i62608_w_finish(&w));

	/* A value longer than a TLV can say. */
	i62608_w_init(&w, buf, 64);
	i62608_w_hdr(&w, &whdr);
	i62608_w_tlv(&w, 0x4000, buf, 0xfffc);
	EXPECT_TRUE(w.overflow);
	EXPECT_EQ(-1, i62608_w_finish(&w));
}

TEST(encoder_cap_clamped)
{
	static u8 buf[4000];
	struct i62608_w w;

	i62608_w_init(&w, buf, sizeof(buf));
	EXPECT_EQ(I62608_MAX_MSG, w.cap);
	i62608_w_hdr(&w, &whdr);
	i62608_w_tlv(&w, 0x4000, buf + 2000, 1500 - 24 - 4 + 1);
	EXPECT_TRUE(w.overflow);
}

TEST(encoder_full_frame)
{
	static u8 buf[I62608_MAX_MSG], val[I62608_MAX_MSG];
	struct i62608_frame m;
	struct i62608_w w;

	memset(val, 'x', sizeof(val));
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &whdr);
	i62608_w_u16(&w, I62608_TLV_TTL, 31);
	i62608_w_u32(&w, I62608_TLV_REPORT_ID, 2);
	/* 24 + 6 + 8 + 4 + 1458 = 1500. */
	i62608_w_tlv(&w, 0x4000, val, 1458);
	ASSERT_EQ(1500, i62608_w_finish(&w));
	ASSERT_EQ(0, i62608_wire_hdr(buf, 1500, &m));
	EXPECT_EQ(1500, m.length);
	EXPECT_EQ(0, i62608_wire_validate(&m));
	/* One byte more does not fit. */
	i62608_w_tlv(&w, 0x4000, NULL, 0);
	EXPECT_TRUE(w.overflow);
	EXPECT_EQ(-1, i62608_w_finish(&w));
}

TEST(encoder_rollback)
{
	u8 buf[64];
	struct i62608_frame m;
	struct i62608_w w;
	u16 mark;

	i62608_w_init(&w, buf, 40);
	i62608_w_hdr(&w, &whdr);
	i62608_w_u16(&w, I62608_TLV_TTL, 31);			/* 30 */
	mark = i62608_w_mark(&w);
	EXPECT_EQ(30, mark);
	i62608_w_u32(&w, I62608_TLV_REPORT_ID, 2);		/* 38 */
	i62608_w_u32(&w, 0x4000, 0);				/* 46: no */
	EXPECT_TRUE(w.overflow);
	i62608_w_rollback(&w, mark);
	EXPECT_FALSE(w.overflow);
	EXPECT_EQ(30, w.len);
	/* Something smaller fits after the rollback. */
	i62608_w_u32(&w, I62608_TLV_REPORT_ID, 2);
	ASSERT_EQ(38, i62608_w_finish(&w));
	ASSERT_EQ(0, i62608_wire_hdr(buf, 38, &m));
	EXPECT_EQ(0, i62608_wire_validate(&m));

	/* A nest rolled back before it ends is gone, depth included. */
	i62608_w_init(&w, buf, 40);
	i62608_w_hdr(&w, &whdr);
	mark = i62608_w_mark(&w);
	i62608_w_nest_begin(&w, I62608_TLV_INTERFACE);
	i62608_w_tlv(&w, I62608_IF_MAC, mac_ok, 6);
	i62608_w_tlv(&w, I62608_IF_GW4, mac_ok, 4);		/* 46: no */
	EXPECT_TRUE(w.overflow);
	EXPECT_EQ(1, w.depth);
	i62608_w_rollback(&w, mark);
	EXPECT_EQ(0, w.depth);
	EXPECT_EQ(24, i62608_w_finish(&w));
	/* A mark past the end is ignored. */
	i62608_w_rollback(&w, 200);
	EXPECT_EQ(24, w.len);
}

/*
 * A rollback inside a nest, after a nested i62608_w_nest_begin() that did
 * not fit: the outer nest must survive. (wire.c does not push a nest whose
 * header overflowed, so the inner nest_end pops the OUTER nest and the
 * message can no longer be finished.)
 */
TEST(encoder_rollback_inside_nest)
{
	u8 buf[64];
	struct i62608_w w;
	u16 mark;

	i62608_w_init(&w, buf, 40);
	i62608_w_hdr(&w, &whdr);
	i62608_w_nest_begin(&w, I62608_TLV_INTERFACE);		/* 28 */
	i62608_w_tlv(&w, I62608_IF_MAC, mac_ok, 6);		/* 38 */
	mark = i62608_w_mark(&w);
	i62608_w_nest_begin(&w, 0x4000);			/* 42: no */
	i62608_w_u8(&w, 1, 1);
	i62608_w_nest_end(&w);
	EXPECT_TRUE(w.overflow);
	i62608_w_rollback(&w, mark);
	EXPECT_FALSE(w.overflow);
	EXPECT_EQ(1, w.depth);
	i62608_w_nest_end(&w);
	ASSERT_EQ(38, i62608_w_finish(&w));
	EXPECT_EQ(10, get_unaligned_be16(buf + 24 + 2));
}

/*
 * A mark taken after a write was already dropped must not let a rollback
 * forget that drop: i62608_w_finish() still fails (wire.h: "Any write
 * that does not fit sets @overflow and is dropped; i62608_w_finish() then
 * fails").
 */
TEST(encoder_mark_after_overflow)
{
	u8 buf[64];
	struct i62608_w w;
	u16 mark;

	i62608_w_init(&w, buf, 30);
	i62608_w_hdr(&w, &whdr);
	i62608_w_u32(&w, I62608_TLV_REPORT_ID, 2);		/* dropped */
	ASSERT_TRUE(w.overflow);
	mark = i62608_w_mark(&w);
	i62608_w_u8(&w, I62608_TLV_REASON, 0);
	i62608_w_rollback(&w, mark);
	EXPECT_EQ(-1, i62608_w_finish(&w));
}

TEST(encoder_nest)
{
	u8 buf[128];
	struct i62608_w w;

	/* Lengths are patched, and two levels are allowed by the encoder. */
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &whdr);
	i62608_w_nest_begin(&w, 0x4000);
	i62608_w_u8(&w, 1, 7);
	i62608_w_nest_begin(&w, 0x4001);
	i62608_w_u16(&w, 2, 7);
	EXPECT_EQ(2, w.depth);
	/* A third level is refused. */
	i62608_w_nest_begin(&w, 0x4002);
	EXPECT_TRUE(w.overflow);
	i62608_w_rollback(&w, w.len);
	EXPECT_EQ(2, w.depth);
	i62608_w_nest_end(&w);
	i62608_w_nest_end(&w);
	ASSERT_EQ(24 + 4 + 5 + 4 + 6, i62608_w_finish(&w));
	EXPECT_EQ(5 + 4 + 6, get_unaligned_be16(buf + 26));
	EXPECT_EQ(6, get_unaligned_be16(buf + 24 + 4 + 5 + 2));

	/* An unbalanced end, and an open nest at finish. */
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &whdr);
	i62608_w_nest_end(&w);
	EXPECT_TRUE(w.overflow);
	EXPECT_EQ(-1, i62608_w_finish(&w));
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &whdr);
	i62608_w_nest_begin(&w, 0x4000);
	EXPECT_EQ(-1, i62608_w_finish(&w));
}

static u16 str_tlv_len(const char *s)
{
	u8 buf[128];
	struct i62608_w w;

	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &whdr);
	i62608_w_str(&w, I62608_TLV_VENDOR, s);
	if (i62608_w_finish(&w) == 24)
		return 0;
	return get_unaligned_be16(buf + 26);
}

TEST(encoder_string_cut)
{
	/* Cut at 32 bytes, never inside a character. */
	EXPECT_EQ(32, str_tlv_len("0123456789abcdef0123456789abcdefXYZ"));
	EXPECT_EQ(31, str_tlv_len("0123456789abcdef0123456789abcde\xc3\xa9"));
	EXPECT_EQ(32, str_tlv_len("0123456789abcdef0123456789abcd\xc3\xa9xyz"));
	EXPECT_EQ(30, str_tlv_len("0123456789abcdef0123456789abcd\xe2\x82\xac"));
	EXPECT_EQ(29, str_tlv_len("0123456789abcdef0123456789abc\xf0\x9f\x98\x80"));
	EXPECT_EQ(31, str_tlv_len("0123456789abcdef0123456789a\xf0\x9f\x98\x80"
				  "\xf0\x9f\x98\x80"));
	EXPECT_EQ(32, str_tlv_len("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
				  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
				  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"));
	EXPECT_EQ(1, str_tlv_len("x"));
	/* An empty string writes no TLV (strings are 1 to 32 bytes). */
	EXPECT_EQ(0, str_tlv_len(""));
}

TEST(encoder_cut_strings_validate)
{
	char s[200];
	struct rng r = { 7 };
	int i;

	/* Long random valid strings, cut by the encoder: still valid. */
	for (i = 0; i < 20000; i++) {
		u8 buf[128];
		struct i62608_w w;

		gen_str(&r, s, rng_range(&r, 1, sizeof(s) - 1));
		i62608_w_init(&w, buf, sizeof(buf));
		i62608_w_hdr(&w, &whdr);
		i62608_w_str(&w, I62608_TLV_VENDOR, s);
		ASSERT_EQ(24 + 4 + get_unaligned_be16(buf + 26),
			  i62608_w_finish(&w));
		ASSERT_TRUE(i62608_str_valid(buf + 28, get_unaligned_be16(buf + 26))) {
			TH_LOG("cut of '%s' is not valid", s);
		}
		ASSERT_EQ(0, memcmp(buf + 28, s, get_unaligned_be16(buf + 26)));
	}
}

TEST(encoder_set_flags)
{
	u8 buf[64];
	struct i62608_frame m;
	struct i62608_w w;

	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_set_flags(&w, I62608_F_PARTIAL);	/* no header yet: no-op */
	EXPECT_EQ(0, w.len);
	i62608_w_hdr(&w, &whdr);
	i62608_w_set_flags(&w, I62608_F_PARTIAL);
	ASSERT_EQ(24, i62608_w_finish(&w));
	ASSERT_EQ(0, i62608_wire_hdr(buf, 24, &m));
	EXPECT_EQ(I62608_F_PARTIAL, m.flags);
}

/* ------------------------------------------------------------------ */
/* Summary                                                             */
/* ------------------------------------------------------------------ */

static int summarize(struct fb *f, struct i62608_summary *s)
{
	struct i62608_frame m;
	int rc = i62608_wire_hdr(f->buf, fb_done(f), &m);

	if (!rc)
		rc = i62608_wire_validate(&m);
	if (!rc)
		i62608_report_summary(m.body, m.body_len, s);
	return rc;
}

TEST(summary_example)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_summary s;
	struct i62608_frame m;
	int len = example("report", buf);

	ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
	ASSERT_EQ(0, i62608_wire_validate(&m));
	memset(&s, 0x5a, sizeof(s));
	i62608_report_summary(m.body, m.body_len, &s);
	EXPECT_EQ(I62608_DEV_STB, s.device_type);
	EXPECT_EQ(31, s.ttl);
	EXPECT_EQ(0xdd, s.caps);
	EXPECT_STREQ("Example", s.vendor);
	EXPECT_STREQ("STB-100", s.model);
	EXPECT_STREQ("SN0001", s.serial);
	EXPECT_STREQ("1.2.3", s.firmware);
	EXPECT_STREQ("livingroom-stb", s.name);
	EXPECT_EQ(1, s.has_addr4);
	EXPECT_EQ(0, memcmp(s.addr4, (u8[]){ 192, 168, 1, 57 }, 4));
	EXPECT_EQ(24, s.plen4);
}

TEST(summary_edges)
{
	static const char s32[] = "0123456789abcdef0123456789abcdef";
	static const u8 a1[6] = { 10, 0, 0, 1, 8, 0 }, a2[6] = { 10, 0, 0, 2, 16, 1 };
	struct i62608_summary s;
	struct fb f;

	/* Nothing optional: empty strings, no address. */
	report_min(&f);
	memset(&s, 0x5a, sizeof(s));
	ASSERT_EQ(0, summarize(&f, &s));
	EXPECT_STREQ("", s.vendor);
	EXPECT_STREQ("", s.name);
	EXPECT_EQ(0, s.has_addr4);
	EXPECT_EQ(0, s.plen4);

	/*
	 * 32-byte strings are terminated; the address is the first IPv4
	 * address of the first interface that has one.
	 */
	report_min(&f);
	fb_str(&f, I62608_TLV_VENDOR, s32);
	fb_str(&f, I62608_TLV_FIRMWARE, s32);
	add_if(&f, 1);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	fb_tlv(&f, I62608_IF_ADDR4, a1, 6);
	fb_tlv(&f, I62608_IF_ADDR4, a2, 6);
	fb_end(&f);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac_ok, 6);
	fb_tlv(&f, I62608_IF_ADDR4, a2, 6);
	fb_end(&f);
	memset(&s, 0x5a, sizeof(s));
	ASSERT_EQ(0, summarize(&f, &s));
	EXPECT_STREQ(s32, s.vendor);
	EXPECT_STREQ(s32, s.firmware);
	EXPECT_STREQ("", s.model);
	EXPECT_EQ(1, s.has_addr4);
	EXPECT_EQ(0, memcmp(s.addr4, a1, 4));
	EXPECT_EQ(8, s.plen4);
}

/* ------------------------------------------------------------------ */
/* Random and mutated frames                                           */
/* ------------------------------------------------------------------ */

#ifndef RANDOM_ITERATIONS
#define RANDOM_ITERATIONS 200000
#endif

/* A random frame of one of the shapes the run draws from. */
static size_t random_frame(struct rng *r, u8 *buf, size_t cap,
			   struct i62608_report *rep)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = (u32)rng_next(r),
		.epoch = (u32)rng_next(r) | 1, .counter = rng_next(r),
	};
	struct i62608_w w;
	size_t len, i, n;
	int ret;

	switch (rng_below(r, 8)) {
	case 0:		/* bytes */
		len = rng_below(r, 200);
		rng_bytes(r, buf, len);
		return len;
	case 1:		/* a header, then random TLVs of defined types */
		i62608_w_init(&w, buf, (u16)cap);
		h.type = rng_range(r, 0, I62608_MSG_MAX + 1);
		i62608_w_hdr(&w, &h);
		n = rng_below(r, 12);
		for (i = 0; i < n; i++) {
			u8 v[24];
			u16 l = rng_chance(r, 50) ? rng_range(r, 1, 4) :
				rng_below(r, sizeof(v));

			rng_bytes(r, v, l);
			i62608_w_tlv(&w, rng_range(r, 0, I62608_TLV_MAX + 1), v, l);
		}
		ret = i62608_w_finish(&w);
		return ret > 0 ? (size_t)ret : 0;
	case 2:
	case 3:		/* a random valid REPORT */
		gen_report(r, rep, rng_chance(r, 5));
		i62608_w_init(&w, buf, (u16)cap);
		i62608_w_hdr(&w, &h);
		ret = i62608_report_encode(&w, rep, (int)rng_range(r, 0, 4) - 1);
		if (ret > 0)
			i62608_w_set_flags(&w, I62608_F_PARTIAL);
		ret = i62608_w_finish(&w);
		return ret > 0 ? (size_t)ret : 0;
	default:	/* a documented example */
		return examples[rng_below(r, N_EXAMPLES)].build(buf);
	}
}

TEST(random_frames)
{
	static u8 buf[2 * I62608_MAX_MSG], other[2 * I62608_MAX_MSG];
	struct i62608_report *rep = malloc(sizeof(*rep));
	struct wire_stats st = { 0 };
	struct rng r = { 0x62608 };
	unsigned long i, mutated = 0;
	const char *env = getenv("I62608_SEED");
	u8 t;

	ASSERT_TRUE(rep != NULL);
	if (env)
		r.s = strtoull(env, NULL, 0);
	TH_LOG("seed %#llx (I62608_SEED= reruns it)", (unsigned long long)r.s);
	for (i = 0; i < RANDOM_ITERATIONS; i++) {
		size_t len = random_frame(&r, buf, I62608_MAX_MSG, rep);
		size_t olen = random_frame(&r, other, I62608_MAX_MSG, rep);
		const char *err;

		/* A quarter unmutated: the valid paths stay exercised. */
		if (!rng_chance(&r, 25)) {
			len = wire_mutate(&r, buf, len, sizeof(buf), other, olen);
			mutated++;
		}
		err = wire_check(buf, len, &st);
		ASSERT_NULL(err) {
			TH_LOG("iteration %lu (%zu bytes): %s", i, len, err);
			ex_hex(stderr, buf, (int)len);
		}
	}
	free(rep);
	TH_LOG("%lu frames (%lu mutated): %lu headers ok; valid: discover %lu "
	       "advertise %lu report %lu heartbeat %lu bye %lu; %lu re-encoded "
	       "PARTIAL", st.frames, mutated, st.hdr_ok,
	       st.valid[1], st.valid[2], st.valid[3], st.valid[4], st.valid[5],
	       st.reencoded_partial);
	/*
	 * The run reaches the rules of every discovery message, and not only
	 * valid ones (random_frame() builds discovery messages).
	 */
	for (t = 1; t <= I62608_MSG_BYE; t++)
		EXPECT_GT(st.valid[t], RANDOM_ITERATIONS / 1000);
	EXPECT_GT(st.hdr_ok - st.valid[1] - st.valid[2] - st.valid[3] -
		  st.valid[4] - st.valid[5], RANDOM_ITERATIONS / 10);
}

/*
 * The fuzzers' seed corpus, and every crash added to it as a regression
 * (docs/fuzzing.md), under this build's sanitizers too.
 */
TEST(fuzz_corpus_replay)
{
	static const char *const dirs[] = {
		SRC_TOP "/selftests/fuzz/corpus/wire",
	};
	static u8 buf[65536];
	unsigned int files = 0;
	size_t k;

	for (k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
		DIR *d = opendir(dirs[k]);
		struct dirent *e;

		ASSERT_TRUE(d != NULL) {
			TH_LOG("%s: %m", dirs[k]);
		}
		while ((e = readdir(d))) {
			char path[4096];
			const char *err;
			FILE *f;
			size_t len;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[k], e->d_name);
			f = fopen(path, "rb");
			ASSERT_TRUE(f != NULL);
			len = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			err = wire_check(buf, len, NULL);
			EXPECT_NULL(err) {
				TH_LOG("%s: %s", e->d_name, err);
			}
			files++;
		}
		closedir(d);
	}
	EXPECT_GE(files, N_EXAMPLES);
}

TEST_HARNESS_MAIN
