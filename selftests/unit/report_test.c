// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/lib/report.c: struct i62608_report -> REPORT -> struct, for
 * random valid reports from a seeded PRNG; the one-frame budget of
 * docs/protocol.md ("identity TLVs; the interface facing the configurator;
 * services; the other interfaces", each whole, then PARTIAL); the decoder
 * on invalid input; and the name tables.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wire_gen.h"
#include "wire_examples.h"

#ifndef ROUND_TRIPS
#define ROUND_TRIPS 20000
#endif

/* Encode @r as a REPORT frame into @buf; returns report_encode()'s value. */
static int encode(const struct i62608_report *r, int facing, u8 *buf, u16 cap,
		  int *len)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = 77, .epoch = 0x5eed0001,
		.counter = 5,
	};
	struct i62608_w w;
	int ret;

	i62608_w_init(&w, buf, cap);
	i62608_w_hdr(&w, &h);
	ret = i62608_report_encode(&w, r, facing);
	if (ret > 0)
		i62608_w_set_flags(&w, I62608_F_PARTIAL);
	*len = i62608_w_finish(&w);
	return ret;
}

/* Header, validation, decode: what a receiver does. 0 or a step's error. */
static int receive(const u8 *buf, int len, struct i62608_report *r,
		   struct i62608_frame *m)
{
	int rc;

	if (len < 0)
		return -100;
	rc = i62608_wire_hdr(buf, len, m);
	if (rc)
		return -200 - rc;
	rc = i62608_wire_validate(m);
	if (rc)
		return -300 - rc;
	rc = i62608_report_decode(m->body, m->body_len, r);
	if (rc)
		return rc;
	r->partial = m->flags & I62608_F_PARTIAL;
	return 0;
}

/* How many bytes the elements included in @got take, by the spec's sizes. */
static unsigned int included_size(const struct i62608_report *got)
{
	unsigned int n = report_identity_size(got), i;

	for (i = 0; i < got->n_ifaces; i++)
		n += report_if_size(&got->ifaces[i]);
	for (i = 0; i < got->n_services; i++)
		n += report_svc_size(&got->services[i]);
	return n;
}

/* The size of the first element left out, in the specification's order. */
static unsigned int first_left_out(const struct i62608_report *want, int facing,
				   const struct i62608_report *got)
{
	unsigned int i, n_if = got->n_ifaces;

	if (facing >= want->n_ifaces)
		facing = -1;
	if (facing >= 0 && !got->n_ifaces)
		return report_if_size(&want->ifaces[facing]);
	if (got->n_services < want->n_services)
		return report_svc_size(&want->services[got->n_services]);
	if (facing >= 0)
		n_if--;
	for (i = 0; i < want->n_ifaces; i++) {
		if ((int)i == facing)
			continue;
		if (!n_if)
			return report_if_size(&want->ifaces[i]);
		n_if--;
	}
	return 0;
}

TEST(round_trip_random)
{
	struct i62608_report *want = malloc(sizeof(*want));
	struct i62608_report *got = malloc(sizeof(*got));
	struct rng r = { 0x1ec62608 };
	unsigned long complete = 0, partial = 0, i;
	u8 buf[I62608_MAX_MSG];
	const char *env = getenv("I62608_SEED");

	ASSERT_TRUE(want && got);
	if (env)
		r.s = strtoull(env, NULL, 0);
	TH_LOG("seed %#llx (I62608_SEED= reruns it)", (unsigned long long)r.s);
	for (i = 0; i < ROUND_TRIPS; i++) {
		struct i62608_frame m;
		int facing, ret, len;
		const char *d;

		gen_report(&r, want, false);
		facing = (int)rng_range(&r, 0, want->n_ifaces + 1) - 1;
		ret = encode(want, facing, buf, sizeof(buf), &len);
		ASSERT_GE(ret, 0);
		ASSERT_EQ(0, receive(buf, len, got, &m)) {
			TH_LOG("report %lu does not come back", i);
			if (len > 0)
				ex_hex(stderr, buf, len);
		}
		/* Header fields survive. */
		ASSERT_EQ(77, m.msg_id);
		ASSERT_EQ(0x5eed0001u, m.epoch);
		ASSERT_EQ(5, m.counter);
		ASSERT_EQ(ret, got->partial);
		/* Field by field: all of it, or the specification's prefix. */
		d = report_check_prefix(want, facing, ret, got);
		ASSERT_NULL(d) {
			TH_LOG("report %lu, facing %d: %s", i, facing, d);
		}
		/* Sizes: the encoder writes exactly what the tables say. */
		ASSERT_EQ(24 + included_size(got), (unsigned int)len);
		/* PARTIAL only when the next element really did not fit. */
		if (ret)
			ASSERT_GT(len + first_left_out(want, facing, got),
				  I62608_MAX_MSG);
		if (ret)
			partial++;
		else
			complete++;
	}
	free(want);
	free(got);
	TH_LOG("%lu complete, %lu partial", complete, partial);
	/* Both paths are exercised, substantially. */
	EXPECT_GT(complete, ROUND_TRIPS / 4);
	EXPECT_GT(partial, ROUND_TRIPS / 20);
}

TEST(decode_example)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_report got;
	struct i62608_frame m;
	int len = ex_report(buf);
	const struct i62608_report_if *f = &got.ifaces[0];
	const struct i62608_report_svc *s = &got.services[0];

	ASSERT_EQ(0, receive(buf, len, &got, &m));
	EXPECT_EQ(31, got.ttl);
	EXPECT_EQ(0xdd, got.caps);
	EXPECT_EQ(I62608_DEV_STB, got.device_type);
	EXPECT_FALSE(got.partial);
	EXPECT_STREQ("Example", got.vendor);
	EXPECT_STREQ("STB-100", got.model);
	EXPECT_STREQ("SN0001", got.serial);
	EXPECT_STREQ("1.2.3", got.firmware);
	EXPECT_STREQ("livingroom-stb", got.name);
	EXPECT_STREQ("", got.agent_version);
	ASSERT_EQ(1, got.n_ifaces);
	EXPECT_STREQ("eth0", f->name);
	EXPECT_EQ(0, memcmp(f->mac, ex_agent_mac, 6));
	EXPECT_EQ(I62608_IFF_UP | I62608_IFF_CARRIER | I62608_IFF_DHCP4, f->flags);
	ASSERT_EQ(1, f->n_addr4);
	EXPECT_EQ(0, memcmp(f->addr4[0].addr, (u8[]){ 192, 168, 1, 57 }, 4));
	EXPECT_EQ(24, f->addr4[0].plen);
	EXPECT_EQ(I62608_ORIGIN_DHCP, f->addr4[0].origin);
	EXPECT_EQ(0, f->n_addr6);
	EXPECT_TRUE(f->has_gw4);
	EXPECT_FALSE(f->has_gw6);
	EXPECT_EQ(1, f->n_dns4);
	EXPECT_EQ(0, f->n_dns6);
	ASSERT_EQ(2, got.n_services);
	EXPECT_STREQ("iptv", s[0].name);
	EXPECT_EQ(I62608_SVC_ENABLED, s[0].state);
	ASSERT_EQ(1, s[0].n_ports);
	EXPECT_EQ(17, s[0].ports[0].proto);
	EXPECT_EQ(5004, s[0].ports[0].port);
	EXPECT_STREQ("upnp", s[1].name);
	EXPECT_EQ(I62608_SVC_DISABLED, s[1].state);
	EXPECT_EQ(1900, s[1].ports[0].port);

	/* And the struct encodes back to the document's bytes. */
	{
		u8 again[I62608_MAX_MSG];
		int len2;

		ASSERT_EQ(0, encode(&got, 0, again, sizeof(again), &len2));
		/* The example has no agent version and the same order. */
		ASSERT_EQ(len, len2);
		EXPECT_EQ(0, memcmp(buf + 24, again + 24, len - 24));
	}
}

/*
 * Every element as large as the protocol allows: about 2.5 kB, so the
 * frame is cut. Whatever the facing interface, it comes first, the frame
 * validates within 1500 bytes, and PARTIAL is set.
 */
TEST(budget_partial)
{
	struct i62608_report *want = malloc(sizeof(*want));
	struct i62608_report *got = malloc(sizeof(*got));
	struct rng r = { 3 };
	u8 buf[I62608_MAX_MSG];
	int facing, trial;

	ASSERT_TRUE(want && got);
	for (trial = 0; trial < 50; trial++) {
		unsigned int total;

		gen_report(&r, want, true);
		total = report_identity_size(want);
		for (facing = 0; facing < want->n_ifaces; facing++)
			total += report_if_size(&want->ifaces[facing]);
		for (facing = 0; facing < want->n_services; facing++)
			total += report_svc_size(&want->services[facing]);
		ASSERT_GT(24 + total, I62608_MAX_MSG);

		for (facing = -1; facing < want->n_ifaces; facing++) {
			struct i62608_frame m;
			const char *d;
			int len;

			ASSERT_EQ(1, encode(want, facing, buf, sizeof(buf), &len));
			ASSERT_LE(len, I62608_MAX_MSG);
			ASSERT_EQ(0, receive(buf, len, got, &m));
			EXPECT_TRUE(got->partial);
			if (facing >= 0) {
				ASSERT_GE(got->n_ifaces, 1);
				EXPECT_NULL(report_cmp_if(&want->ifaces[facing],
							  &got->ifaces[0], 0));
			}
			d = report_check_prefix(want, facing, 1, got);
			EXPECT_NULL(d) {
				TH_LOG("facing %d: %s", facing, d);
			}
			EXPECT_GT(len + first_left_out(want, facing, got),
				  I62608_MAX_MSG);
		}
	}
	free(want);
	free(got);
}

/*
 * "stops before the first one that does not fit": a small element after
 * it stays out even though it would fit.
 */
TEST(budget_stops_at_first_misfit)
{
	struct i62608_report *want = calloc(1, sizeof(*want));
	struct i62608_report *got = malloc(sizeof(*got));
	struct rng r = { 11 };
	u8 buf[I62608_MAX_MSG];
	unsigned int used, i;
	int len;

	ASSERT_TRUE(want && got);
	want->ttl = 31;
	want->device_type = I62608_DEV_NAS;
	/* Two big services, the second does not fit; a tiny third would. */
	want->n_services = 3;
	gen_svc(&r, &want->services[0], true);
	gen_svc(&r, &want->services[1], true);
	strcpy(want->services[2].name, "s");
	used = 24 + report_identity_size(want) +
		report_svc_size(&want->services[0]);
	i = report_svc_size(&want->services[2]);
	ASSERT_EQ(4 + 5 + 5, i);
	/* Cap between: the third fits after the first, the second does not. */
	ASSERT_EQ(1, encode(want, -1, buf, (u16)(used + i), &len));
	ASSERT_EQ((int)used, len);
	ASSERT_EQ(0, receive(buf, len, got, &(struct i62608_frame){ 0 }));
	EXPECT_EQ(1, got->n_services);
	EXPECT_NULL(report_cmp_svc(&want->services[0], &got->services[0], 0));
	/* With room for the second, everything fits. */
	ASSERT_EQ(0, encode(want, -1, buf, (u16)(used + 73 + i), &len));
	ASSERT_EQ((int)(used + 73 + i), len);
	free(want);
	free(got);
}

TEST(budget_identity_does_not_fit)
{
	struct i62608_report want;
	u8 buf[I62608_MAX_MSG];
	unsigned int id;
	int len;

	memset(&want, 0, sizeof(want));
	want.ttl = 31;
	strcpy(want.vendor, "0123456789abcdef0123456789abcdef");
	strcpy(want.name, "living-room");
	want.n_services = 1;
	strcpy(want.services[0].name, "ssh");
	id = report_identity_size(&want);
	ASSERT_EQ(6 + 8 + 5 + 36 + 15, id);

	/* One byte short of the identity: -1, and the frame cannot finish. */
	EXPECT_EQ(-1, encode(&want, -1, buf, (u16)(24 + id - 1), &len));
	EXPECT_EQ(-1, len);
	/* Exactly the identity: no element fits; PARTIAL. */
	EXPECT_EQ(1, encode(&want, -1, buf, (u16)(24 + id), &len));
	EXPECT_EQ((int)(24 + id), len);
	/* Exactly the identity and the service: complete. */
	EXPECT_EQ(0, encode(&want, -1, buf,
			    (u16)(24 + id + report_svc_size(&want.services[0])),
			    &len));
	/* No header room at all. */
	EXPECT_EQ(-1, encode(&want, -1, buf, 10, &len));
}

TEST(facing_out_of_range)
{
	struct i62608_report *want = malloc(sizeof(*want));
	struct i62608_report *got = malloc(sizeof(*got));
	struct rng r = { 5 };
	u8 buf[I62608_MAX_MSG];
	int len;

	ASSERT_TRUE(want && got);
	do
		gen_report(&r, want, false);
	while (want->n_ifaces < 2 || want->n_services > 3);
	/* Beyond the interfaces, or negative: no interface goes first. */
	ASSERT_EQ(0, encode(want, want->n_ifaces, buf, sizeof(buf), &len));
	ASSERT_EQ(0, receive(buf, len, got, &(struct i62608_frame){ 0 }));
	EXPECT_NULL(report_check_prefix(want, -1, 0, got));
	ASSERT_EQ(0, encode(want, -7, buf, sizeof(buf), &len));
	ASSERT_EQ(0, receive(buf, len, got, &(struct i62608_frame){ 0 }));
	EXPECT_NULL(report_check_prefix(want, -1, 0, got));
	/* The last one first, then the others in order. */
	ASSERT_EQ(0, encode(want, want->n_ifaces - 1, buf, sizeof(buf), &len));
	ASSERT_EQ(0, receive(buf, len, got, &(struct i62608_frame){ 0 }));
	EXPECT_NULL(report_cmp_if(&want->ifaces[want->n_ifaces - 1],
				  &got->ifaces[0], 0));
	EXPECT_NULL(report_cmp_if(&want->ifaces[0], &got->ifaces[1], 1));
	free(want);
	free(got);
}

TEST(decode_rejects)
{
	u8 buf[I62608_MAX_MSG + 8];
	struct i62608_report got;
	struct i62608_frame m;
	int len = ex_report(buf);
	size_t i;

	ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
	/* Invalid: -EBADMSG, and nothing half-decoded is left behind. */
	buf[24 + 5] = 0;		/* TTL 31 -> 0 */
	buf[24 + 4] = 0;
	memset(&got, 0x5a, sizeof(got));
	EXPECT_EQ(-EBADMSG, i62608_report_decode(m.body, m.body_len, &got));
	EXPECT_EQ(0, got.ttl);
	EXPECT_EQ(0, got.n_ifaces);
	EXPECT_STREQ("", got.vendor);
	/* Cut in the middle of a TLV. */
	len = ex_report(buf);
	EXPECT_EQ(-EBADMSG, i62608_report_decode(m.body, m.body_len - 1, &got));
	/* Longer than a frame can be. */
	EXPECT_EQ(-EBADMSG, i62608_report_decode(buf, I62608_MAX_MSG + 1, &got));
	EXPECT_EQ(-EBADMSG, i62608_report_decode(buf, 0, &got));
	/* No other message's body is a REPORT. */
	for (i = 0; i < N_EXAMPLES; i++) {
		len = examples[i].build(buf);
		EXPECT_EQ(buf[1] == I62608_MSG_REPORT ? 0 : -EBADMSG,
			  i62608_report_decode(buf + 24, len - 24, &got)) {
			TH_LOG("example %s", examples[i].name);
		}
	}
}

TEST(names)
{
	unsigned int i;

	for (i = 0; i <= I62608_DEV_MAX; i++) {
		const char *n = i62608_device_type_name(i);

		ASSERT_TRUE(n != NULL);
		EXPECT_EQ((int)i, i62608_device_type_parse(n));
	}
	EXPECT_NULL(i62608_device_type_name(I62608_DEV_MAX + 1));
	EXPECT_EQ(I62608_DEV_STB, i62608_device_type_parse("set-top-box"));
	EXPECT_EQ(I62608_DEV_GAME_CONSOLE, i62608_device_type_parse("game-console"));
	EXPECT_EQ(I62608_DEV_MEDIA_PLAYER, i62608_device_type_parse("media-player"));
	EXPECT_EQ(-1, i62608_device_type_parse(""));
	EXPECT_EQ(-1, i62608_device_type_parse("TV"));
	EXPECT_STREQ("failed", i62608_svc_state_name(I62608_SVC_FAILED));
	EXPECT_NULL(i62608_svc_state_name(I62608_SVC_STATE_MAX + 1));
	EXPECT_STREQ("link-local", i62608_origin_name(I62608_ORIGIN_LINK_LOCAL));
	EXPECT_NULL(i62608_origin_name(I62608_ORIGIN_MAX + 1));
	EXPECT_NULL(i62608_agent_state_name(0));
	EXPECT_STREQ("lost", i62608_agent_state_name(I62608_AGENT_LOST));
	EXPECT_NULL(i62608_agent_state_name(I62608_AGENT_STATE_MAX + 1));
}

TEST_HARNESS_MAIN
