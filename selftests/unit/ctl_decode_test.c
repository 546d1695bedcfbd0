// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the family's replies and notifications (proto_nl.c), with
 * messages built by libnl as the kernel builds them: complete ones decode
 * to every field; wrong sizes, missing required attributes, missing or
 * broken nests and random bytes are rejected with -EBADMSG, never read out
 * of bounds (this runs under ASan/UBSan).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ctl_msgs.h"
#include "../../userspace/ctl/render.h"

static int decode_agent(struct nl_msg *m, struct i62608_agent_info *a)
{
	struct nlattr *tb[I62608_A_MAX + 1];

	if (i62608_nl_parse(m, tb))
		return -EBADMSG;
	return i62608_parse_agent(tb[I62608_A_AGENT], a);
}

TEST(agent_complete)
{
	struct nl_msg *m = test_agent_msg(I62608_CMD_AGENT_GET, 0, true);
	struct i62608_agent_info a;
	struct i62608_report r;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, decode_agent(m, &a));
	EXPECT_EQ(4, a.ifindex);
	EXPECT_STREQ("br0", a.ifname);
	EXPECT_EQ(0, memcmp(a.mac, test_mac, 6));
	EXPECT_EQ(I62608_AGENT_REPORTED, a.state);
	EXPECT_EQ(0x5eed0001, a.epoch);
	EXPECT_EQ(62300, a.first_seen_ms);
	EXPECT_EQ(1204, a.last_seen_ms);
	EXPECT_EQ(29796, a.expires_ms);
	EXPECT_EQ(31, a.ttl);
	EXPECT_EQ(2, a.report_id);
	EXPECT_EQ(I62608_DEV_STB, a.device_type);
	EXPECT_EQ(0xdd, a.caps);
	EXPECT_STREQ("Example", a.vendor);
	EXPECT_STREQ("STB-100", a.model);
	EXPECT_STREQ("livingroom-stb", a.name);
	EXPECT_STREQ("SN0001", a.serial);
	EXPECT_STREQ("1.2.3", a.firmware);
	EXPECT_EQ(0, memcmp(a.addr4, "\xc0\xa8\x01\x39", 4));
	EXPECT_EQ(24, a.addr4_plen);
	EXPECT_FALSE(a.partial);
	EXPECT_EQ(5, a.rx_frames);
	EXPECT_EQ(700, a.rx_bytes);
	EXPECT_EQ(2, a.tx_frames);
	EXPECT_EQ(1, a.reports);
	EXPECT_EQ(0, a.restarts);
	EXPECT_EQ(0, a.ratelimited);
	EXPECT_TRUE(I62608_AGENT_HAS(&a, I62608_AGENT_A_VENDOR));
	EXPECT_FALSE(I62608_AGENT_HAS(&a, I62608_AGENT_A_PARTIAL));

	/* The REPORT points into the message and decodes. */
	ASSERT_NE(NULL, a.report);
	ASSERT_EQ(0, i62608_report_decode(a.report, a.report_len, &r));
	EXPECT_STREQ("0.1.0", r.agent_version);
	EXPECT_EQ(1, r.n_ifaces);
	EXPECT_EQ(2, r.n_services);
	EXPECT_EQ(49152, r.services[1].ports[1].port);
	nlmsg_free(m);
}

/* A discovered agent: no REPORT, so no identity; optional IFNAME missing. */
TEST(agent_minimal)
{
	struct nl_msg *m = test_agent_msg(I62608_CMD_AGENT_GET,
					  I62608_AGENT_A_IFNAME, false);
	struct i62608_agent_info a;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, decode_agent(m, &a));
	EXPECT_EQ(I62608_AGENT_DISCOVERED, a.state);
	EXPECT_FALSE(I62608_AGENT_HAS(&a, I62608_AGENT_A_IFNAME));
	EXPECT_FALSE(I62608_AGENT_HAS(&a, I62608_AGENT_A_VENDOR));
	EXPECT_FALSE(I62608_AGENT_HAS(&a, I62608_AGENT_A_TTL));
	EXPECT_EQ(NULL, a.report);
	EXPECT_STREQ("", a.ifname);
	nlmsg_free(m);
}

TEST(agent_required)
{
	static const int required[] = { I62608_AGENT_A_IFINDEX, I62608_AGENT_A_MAC };
	struct i62608_agent_info a;
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		struct nl_msg *m = test_agent_msg(I62608_CMD_AGENT_GET,
						  required[i], true);

		ASSERT_NE(NULL, m);
		EXPECT_EQ(-EBADMSG, decode_agent(m, &a)) {
			TH_LOG("without attribute %d", required[i]);
		}
		nlmsg_free(m);
	}
}

struct bad_attr {
	int type;
	int len;
	const char *data;	/* NULL: zeroes */
	const char *what;
};

static const char forty[] = "0123456789012345678901234567890123456789";

static const struct bad_attr bad_agent_attrs[] = {
	{ I62608_AGENT_A_IFINDEX, 2, NULL, "u32 of 2 bytes" },
	{ I62608_AGENT_A_IFINDEX, 8, NULL, "u32 of 8 bytes" },
	{ I62608_AGENT_A_MAC, 5, NULL, "MAC of 5 bytes" },
	{ I62608_AGENT_A_MAC, 7, NULL, "MAC of 7 bytes" },
	{ I62608_AGENT_A_STATE, 4, NULL, "u8 of 4 bytes" },
	{ I62608_AGENT_A_STATE, 0, NULL, "u8 of 0 bytes" },
	{ I62608_AGENT_A_EPOCH, 2, NULL, "u32 of 2 bytes" },
	{ I62608_AGENT_A_FIRST_SEEN_MS, 4, NULL, "u64 of 4 bytes" },
	{ I62608_AGENT_A_EXPIRES_MS, 12, NULL, "u64 of 12 bytes" },
	{ I62608_AGENT_A_TTL, 4, NULL, "u16 of 4 bytes" },
	{ I62608_AGENT_A_CAPABILITIES, 2, NULL, "u32 of 2 bytes" },
	{ I62608_AGENT_A_VENDOR, 3, "abc", "string without NUL" },
	{ I62608_AGENT_A_VENDOR, 41, forty, "string of 40 characters" },
	{ I62608_AGENT_A_IFNAME, 17, "0123456789abcdef", "ifname of 16 characters" },
	{ I62608_AGENT_A_ADDR4, 16, NULL, "IPv4 address of 16 bytes" },
	{ I62608_AGENT_A_ADDR4_PLEN, 1, "\x21", "prefix length 33" },
	{ I62608_AGENT_A_REPORT, I62608_MAX_MSG, NULL, "REPORT of 1500 bytes" },
	{ I62608_AGENT_A_RX_FRAMES, 4, NULL, "u64 of 4 bytes" },
	{ I62608_AGENT_A_REPORTS, 8, NULL, "u32 of 8 bytes" },
	{ I62608_AGENT_A_TRUST, 4, NULL, "u8 of 4 bytes" },
	{ I62608_AGENT_A_PUBLIC_KEY, 31, NULL, "key of 31 bytes" },
	{ I62608_AGENT_A_PUBLIC_KEY, 33, NULL, "key of 33 bytes" },
	{ I62608_AGENT_A_SESSION_AGE_MS, 4, NULL, "u64 of 4 bytes" },
	{ I62608_AGENT_A_HANDSHAKES, 2, NULL, "u32 of 2 bytes" },
};

/* The complete agent, with @b replacing its attribute of that type. */
static struct nl_msg *agent_with(const struct bad_attr *b)
{
	static const char zeroes[I62608_MAX_MSG];
	struct nl_msg *m = test_msg(I62608_CMD_AGENT_GET);
	struct nlattr *nest = nla_nest_start(m, I62608_A_AGENT);

	if (test_put_agent_attrs(m, b->type, true) ||
	    nla_put(m, b->type, b->len, b->data ? b->data : zeroes)) {
		nlmsg_free(m);
		return NULL;
	}
	nla_nest_end(m, nest);
	return m;
}

TEST(agent_wrong_sizes)
{
	struct i62608_agent_info a;
	size_t i;

	for (i = 0; i < sizeof(bad_agent_attrs) / sizeof(bad_agent_attrs[0]); i++) {
		struct nl_msg *m = agent_with(&bad_agent_attrs[i]);

		ASSERT_NE(NULL, m);
		EXPECT_EQ(-EBADMSG, decode_agent(m, &a)) {
			TH_LOG("%s (attribute %d)", bad_agent_attrs[i].what,
			       bad_agent_attrs[i].type);
		}
		nlmsg_free(m);
	}
}

TEST(agent_security_members)
{
	struct nl_msg *m = test_msg(I62608_CMD_AGENT_GET);
	struct nlattr *nest = nla_nest_start(m, I62608_A_AGENT);
	struct i62608_agent_info a;
	uint8_t key[32];

	memset(key, 0x5a, sizeof(key));
	ASSERT_EQ(0, test_put_agent_attrs(m, 0, true));
	ASSERT_EQ(0, nla_put_u8(m, I62608_AGENT_A_TRUST, I62608_TRUST_PAIRED));
	ASSERT_EQ(0, nla_put(m, I62608_AGENT_A_PUBLIC_KEY, 32, key));
	ASSERT_EQ(0, nla_put_u64(m, I62608_AGENT_A_SESSION_AGE_MS, 1234));
	ASSERT_EQ(0, nla_put_u32(m, I62608_AGENT_A_HANDSHAKES, 7));
	nla_nest_end(m, nest);
	ASSERT_EQ(0, decode_agent(m, &a));
	EXPECT_EQ(I62608_TRUST_PAIRED, a.trust);
	EXPECT_STREQ("paired", i62608_trust_name(a.trust));
	EXPECT_EQ(0, memcmp(a.public_key, key, 32));
	EXPECT_EQ(1234, a.session_age_ms);
	EXPECT_EQ(7, a.handshakes);
	nlmsg_free(m);
}

/* Attributes a newer kernel may add are skipped, not rejected. */
TEST(agent_unknown_attribute)
{
	struct bad_attr newer = { I62608_AGENT_A_MAX + 5, 3, "xyz", "newer" };
	struct nl_msg *m = test_msg(I62608_CMD_AGENT_GET);
	struct nlattr *nest = nla_nest_start(m, I62608_A_AGENT);
	struct i62608_agent_info a;

	ASSERT_EQ(0, test_put_agent_attrs(m, 0, true));
	ASSERT_EQ(0, nla_put(m, newer.type, newer.len, newer.data));
	nla_nest_end(m, nest);
	EXPECT_EQ(0, decode_agent(m, &a));
	nlmsg_free(m);
}

TEST(agent_missing_or_broken_nest)
{
	static const uint8_t overrun[8] = { 0xff, 0x00, 0x01, 0x00 };
	struct i62608_agent_info a;
	struct nlattr *attr;
	struct nl_msg *m;

	/* No A_AGENT at all. */
	m = test_msg(I62608_CMD_AGENT_GET);
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_IFINDEX, 4));
	EXPECT_EQ(-EBADMSG, decode_agent(m, &a));
	nlmsg_free(m);
	EXPECT_EQ(-EBADMSG, i62608_parse_agent(NULL, &a));

	/* A_AGENT holding a u32 instead of attributes. */
	m = test_msg(I62608_CMD_AGENT_GET);
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_AGENT, 4));
	EXPECT_EQ(-EBADMSG, decode_agent(m, &a));
	nlmsg_free(m);

	/* An attribute inside the nest claiming more than the nest holds. */
	m = test_msg(I62608_CMD_AGENT_GET);
	ASSERT_EQ(0, nla_put(m, I62608_A_AGENT, sizeof(overrun), overrun));
	EXPECT_EQ(-EBADMSG, decode_agent(m, &a));
	nlmsg_free(m);

	/* The nest itself claiming more than the message holds. */
	m = test_agent_msg(I62608_CMD_AGENT_GET, 0, true);
	attr = nlmsg_find_attr(nlmsg_hdr(m), GENL_HDRLEN, I62608_A_AGENT);
	ASSERT_NE(NULL, attr);
	attr->nla_len = 0xfff0;
	EXPECT_EQ(-EBADMSG, decode_agent(m, &a));
	nlmsg_free(m);
}

/*
 * Random nests: half pure noise, half the two required attributes and
 * random others of plausible sizes (so that many decode). Each is decoded
 * or rejected, and what decodes renders in both formats and views.
 */
TEST(agent_random_nests)
{
	static const int sizes[] = { 0, 1, 2, 3, 4, 6, 8, 16, 33, 40 };
	unsigned int seed = 62608, i, ok = 0, n = 20000;
	uint8_t junk[256];

	for (i = 0; i < n; i++) {
		struct nl_msg *m = test_msg(I62608_CMD_AGENT_GET);
		struct i62608_agent_info a;
		struct nlattr *nest;
		size_t k;

		ASSERT_NE(NULL, m);
		if (i & 1) {
			size_t len = rand_r(&seed) % sizeof(junk);

			for (k = 0; k < len; k++)
				junk[k] = (uint8_t)rand_r(&seed);
			ASSERT_EQ(0, nla_put(m, I62608_A_AGENT, (int)len, junk));
		} else {
			unsigned int attrs = rand_r(&seed) % 8;

			nest = nla_nest_start(m, I62608_A_AGENT);
			ASSERT_EQ(0, nla_put_u32(m, I62608_AGENT_A_IFINDEX, 4));
			ASSERT_EQ(0, nla_put(m, I62608_AGENT_A_MAC, 6, test_mac));
			while (attrs--) {
				int type = 1 + rand_r(&seed) % (I62608_AGENT_A_MAX + 2);
				int len = sizes[rand_r(&seed) % 10];

				for (k = 0; k < (size_t)len; k++)
					junk[k] = (uint8_t)rand_r(&seed);
				if (len && rand_r(&seed) % 2)
					junk[len - 1] = 0;	/* a string */
				ASSERT_EQ(0, nla_put(m, type, len, junk));
			}
			nla_nest_end(m, nest);
		}
		if (decode_agent(m, &a) == 0) {
			unsigned int view;

			ok++;
			for (view = 0; view < 4; view++) {
				char *text = NULL;
				size_t text_len;
				FILE *f = open_memstream(&text, &text_len);
				struct out *o = out_new(f, view & 1 ? OUT_JSON :
							OUT_TEXT, false);

				ASSERT_NE(NULL, o);
				ctl_print_agent(o, NULL, &a, NULL, view & 2 ?
						CTL_AGENT_FULL : CTL_AGENT_BRIEF);
				out_free(o);
				fclose(f);
				EXPECT_LT(0, text_len);
				free(text);
			}
		}
		nlmsg_free(m);
	}
	/* Enough of them decoded for the renderers to have been exercised. */
	EXPECT_LT(n / 20, ok);
	TH_LOG("%u of %u random nests decoded", ok, n);
}

TEST(nsstats)
{
	struct nl_msg *m = test_msg(I62608_CMD_STATS_GET);
	struct nlattr *tb[I62608_A_MAX + 1], *nest;
	struct i62608_nsstats_info st;
	unsigned int i;

	nest = nla_nest_start(m, I62608_A_STATS);
	for (i = I62608_NSSTATS_A_AGENTS; i <= I62608_NSSTATS_A_LOST; i++)
		ASSERT_EQ(0, nla_put_u32(m, i, i * 10));
	for (i = I62608_NSSTATS_A_CREATED; i <= I62608_NSSTATS_A_NTF_FAILED; i++)
		ASSERT_EQ(0, nla_put_u64(m, i, (1ULL << 40) + i));
	ASSERT_EQ(0, nla_put_u32(m, I62608_NSSTATS_A_SESSIONS, 3));
	for (i = I62608_NSSTATS_A_HANDSHAKES; i <= I62608_NSSTATS_A_EPOCH_IGNORED; i++)
		ASSERT_EQ(0, nla_put_u64(m, i, i));
	/* Padding is not a counter. */
	ASSERT_EQ(0, nla_put_u64(m, I62608_NSSTATS_A_PAD, 0));
	ASSERT_EQ(0, nla_put_u32(m, I62608_NSSTATS_A_MAX + 3, 1));	/* newer */
	nla_nest_end(m, nest);
	ASSERT_EQ(0, i62608_nl_parse(m, tb));
	ASSERT_EQ(0, i62608_parse_nsstats(tb[I62608_A_STATS], &st));
	EXPECT_EQ(40, st.value[I62608_NSSTATS_A_LOST]);
	EXPECT_EQ((1ULL << 40) + I62608_NSSTATS_A_NTF_FAILED,
		  st.value[I62608_NSSTATS_A_NTF_FAILED]);
	for (i = 1; i <= I62608_NSSTATS_A_MAX; i++)
		EXPECT_EQ(i != I62608_NSSTATS_A_PAD, (st.present >> i) & 1);
	EXPECT_EQ(3, st.value[I62608_NSSTATS_A_SESSIONS]);
	EXPECT_EQ(I62608_NSSTATS_A_DECRYPT_FAIL_SENT,
		  st.value[I62608_NSSTATS_A_DECRYPT_FAIL_SENT]);
	EXPECT_EQ(I62608_NSSTATS_A_EPOCH_IGNORED,
		  st.value[I62608_NSSTATS_A_EPOCH_IGNORED]);
	EXPECT_STREQ("epoch_ignored",
		     i62608_nsstats_name(I62608_NSSTATS_A_EPOCH_IGNORED));
	EXPECT_STREQ("ntf_failed", i62608_nsstats_name(I62608_NSSTATS_A_NTF_FAILED));
	nlmsg_free(m);

	/* A u32 counter sent as a u64, a u64 one as a u32. */
	for (i = 0; i < 2; i++) {
		m = test_msg(I62608_CMD_STATS_GET);
		nest = nla_nest_start(m, I62608_A_STATS);
		if (i) {
			ASSERT_EQ(0, nla_put_u64(m, I62608_NSSTATS_A_AGENTS, 1));
		} else {
			ASSERT_EQ(0, nla_put_u32(m, I62608_NSSTATS_A_CREATED, 1));
		}
		nla_nest_end(m, nest);
		ASSERT_EQ(0, i62608_nl_parse(m, tb));
		EXPECT_EQ(-EBADMSG, i62608_parse_nsstats(tb[I62608_A_STATS], &st));
		nlmsg_free(m);
	}
	EXPECT_EQ(-EBADMSG, i62608_parse_nsstats(NULL, &st));
}

TEST(params_round_trip)
{
	struct nl_msg *m = test_msg(I62608_CMD_PARAMS_GET);
	struct nlattr *tb[I62608_A_MAX + 1];
	struct i62608_params in = {}, got;
	unsigned int i;

	for (i = 1; i <= I62608_PARAM_A_MAX; i++) {
		in.present |= 1U << i;
		in.value[i] = 1000 * i + 7;
	}
	ASSERT_EQ(0, i62608_put_params(m, &in));
	ASSERT_EQ(0, i62608_nl_parse(m, tb));
	ASSERT_EQ(0, i62608_parse_params(tb[I62608_A_PARAMS], &got));
	EXPECT_EQ(in.present, got.present);
	EXPECT_EQ(0, memcmp(in.value, got.value, sizeof(in.value)));
	nlmsg_free(m);

	/* A subset stays a subset. */
	m = test_msg(I62608_CMD_PARAMS_SET);
	memset(&in, 0, sizeof(in));
	in.present = 1U << I62608_PARAM_A_RATE;
	in.value[I62608_PARAM_A_RATE] = 0;
	ASSERT_EQ(0, i62608_put_params(m, &in));
	ASSERT_EQ(0, i62608_nl_parse(m, tb));
	ASSERT_EQ(0, i62608_parse_params(tb[I62608_A_PARAMS], &got));
	EXPECT_EQ(1U << I62608_PARAM_A_RATE, got.present);
	nlmsg_free(m);
}

TEST(params_malformed)
{
	struct nlattr *tb[I62608_A_MAX + 1], *nest;
	struct i62608_params p;
	struct nl_msg *m;

	m = test_msg(I62608_CMD_PARAMS_GET);
	nest = nla_nest_start(m, I62608_A_PARAMS);
	ASSERT_EQ(0, nla_put_u16(m, I62608_PARAM_A_BURST, 5));
	nla_nest_end(m, nest);
	ASSERT_EQ(0, i62608_nl_parse(m, tb));
	EXPECT_EQ(-EBADMSG, i62608_parse_params(tb[I62608_A_PARAMS], &p));
	nlmsg_free(m);
	EXPECT_EQ(-EBADMSG, i62608_parse_params(NULL, &p));
}

TEST(param_names)
{
	unsigned int i;

	for (i = 1; i <= I62608_PARAM_A_MAX; i++) {
		ASSERT_NE(NULL, i62608_param_descs[i].name);
		EXPECT_EQ(i, i62608_param_lookup(i62608_param_descs[i].name));
	}
	EXPECT_EQ(I62608_PARAM_A_MAX_TTL_S, i62608_param_lookup("max_ttl"));
	EXPECT_EQ(I62608_UNIT_S,
		  i62608_param_descs[I62608_PARAM_A_HEARTBEAT_INTERVAL_S].unit);
	EXPECT_EQ(I62608_UNIT_MS,
		  i62608_param_descs[I62608_PARAM_A_LOST_LINGER_MS].unit);
	EXPECT_EQ(0, i62608_param_lookup("max_agent"));
	EXPECT_EQ(0, i62608_param_lookup("MAX_AGENTS"));
	EXPECT_EQ(0, i62608_param_lookup(""));
}

TEST(events)
{
	struct i62608_event ev;
	struct nl_msg *m;
	struct nlattr *nest;

	m = test_agent_msg(I62608_CMD_AGENT_NEW_NTF, 0, false);
	ASSERT_EQ(0, nla_put_flag(m, I62608_A_RESTARTED));
	ASSERT_EQ(0, i62608_parse_event(m, &ev));
	EXPECT_EQ(I62608_CMD_AGENT_NEW_NTF, ev.cmd);
	EXPECT_TRUE(ev.has_agent);
	EXPECT_TRUE(ev.restarted);
	EXPECT_FALSE(ev.has_reason);
	nlmsg_free(m);

	/* AGENT_LOST needs its reason. */
	m = test_agent_msg(I62608_CMD_AGENT_LOST_NTF, 0, true);
	EXPECT_EQ(-EBADMSG, i62608_parse_event(m, &ev));
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_REASON, I62608_REASON_TTL_EXPIRED));
	ASSERT_EQ(0, i62608_parse_event(m, &ev));
	EXPECT_EQ(I62608_REASON_TTL_EXPIRED, ev.reason);
	EXPECT_STREQ("ttl_expired", i62608_reason_name(ev.reason));
	nlmsg_free(m);

	/* Agent events need an agent; a broken one fails the event. */
	m = test_msg(I62608_CMD_AGENT_CHANGE_NTF);
	EXPECT_EQ(-EBADMSG, i62608_parse_event(m, &ev));
	nlmsg_free(m);
	m = test_agent_msg(I62608_CMD_AGENT_CHANGE_NTF, I62608_AGENT_A_MAC, true);
	EXPECT_EQ(-EBADMSG, i62608_parse_event(m, &ev));
	nlmsg_free(m);

	/* TABLE_FULL: interface and limit required, dropped optional. */
	m = test_msg(I62608_CMD_TABLE_FULL_NTF);
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_IFINDEX, 4));
	EXPECT_EQ(-EBADMSG, i62608_parse_event(m, &ev));
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_LIMIT, I62608_LIMIT_IFACE));
	ASSERT_EQ(0, nla_put_string(m, I62608_A_IFNAME, "br0"));
	ASSERT_EQ(0, i62608_parse_event(m, &ev));
	EXPECT_TRUE(ev.has_ifname);
	EXPECT_STREQ("br0", ev.ifname);
	EXPECT_FALSE(ev.has_dropped);
	EXPECT_STREQ("iface", i62608_limit_name(ev.limit));
	nlmsg_free(m);
	m = test_msg(I62608_CMD_TABLE_FULL_NTF);
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_IFINDEX, 4));
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_LIMIT, I62608_LIMIT_NETNS));
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_DROPPED, 3));	/* not a u64 */
	EXPECT_EQ(-EBADMSG, i62608_parse_event(m, &ev));
	nlmsg_free(m);

	/* IFACE_DEL: the interface and a reason. */
	m = test_msg(I62608_CMD_IFACE_DEL_NTF);
	nest = nla_nest_start(m, I62608_A_IFACE);
	ASSERT_EQ(0, nla_put_u32(m, I62608_IFACE_A_IFINDEX, 4));
	ASSERT_EQ(0, nla_put_string(m, I62608_IFACE_A_IFNAME, "br0"));
	nla_nest_end(m, nest);
	EXPECT_EQ(-EBADMSG, i62608_parse_event(m, &ev));
	ASSERT_EQ(0, nla_put_u32(m, I62608_A_REASON, I62608_REASON_IFACE_GONE));
	ASSERT_EQ(0, i62608_parse_event(m, &ev));
	EXPECT_STREQ("br0", ev.iface.ifname);
	nlmsg_free(m);

	/* A command this program does not know: just its number. */
	m = test_msg(200);
	ASSERT_EQ(0, i62608_parse_event(m, &ev));
	EXPECT_EQ(200, ev.cmd);
	EXPECT_STREQ("unknown", i62608_cmd_name(ev.cmd));
	nlmsg_free(m);

	/* Not even a generic netlink header. */
	m = nlmsg_alloc_simple(TEST_FAMILY, 0);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(-EBADMSG, i62608_parse_event(m, &ev));
	nlmsg_free(m);
}

TEST(names_cover_the_uapi)
{
	unsigned int i;

	for (i = 1; i <= I62608_DROP_MAX; i++)
		EXPECT_STRNE("unknown", i62608_drop_name(i));
	for (i = 1; i <= I62608_REASON_MAX; i++)
		EXPECT_STRNE("unknown", i62608_reason_name(i));
	for (i = 1; i <= I62608_CMD_MAX; i++)
		EXPECT_STRNE("unknown", i62608_cmd_name(i));
	for (i = 1; i <= I62608_LIMIT_MAX; i++)
		EXPECT_STRNE("unknown", i62608_limit_name(i));
	for (i = 1; i <= I62608_NSSTATS_A_MAX; i++)
		if (i != I62608_NSSTATS_A_PAD)
			EXPECT_STRNE("unknown", i62608_nsstats_name(i));
	for (i = 1; i <= I62608_TRUST_MAX; i++)
		EXPECT_STRNE("unknown", i62608_trust_name(i));
	for (i = 1; i <= I62608_PARAM_A_MAX; i++)
		EXPECT_NE(NULL, i62608_param_descs[i].name);
	EXPECT_STREQ("unknown", i62608_drop_name(I62608_DROP_MAX + 1));
	EXPECT_STREQ("unknown", i62608_drop_name(0));
}

TEST_HARNESS_MAIN
