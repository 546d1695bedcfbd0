// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-agent's protocol state machine and receive path, on synthetic
 * frames and a clock the test moves (docs/protocol.md sections 5 and 7),
 * the socket filter (run by the kernel on a socketpair), and the timer
 * heap.
 */

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "agent_util.h"
#include "../../userspace/agent/sock.h"

static const u8 group[6] = I62608_GROUP_ADDR;
static const u8 cfg_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 other_cfg[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const u8 if_mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };

/* An Ethernet frame: @dst, @src, EtherType, then the message of @w. */
static size_t frame(u8 *buf, const u8 *dst, const u8 *src, struct i62608_w *w)
{
	int len = i62608_w_finish(w);

	memmove(buf + 14, buf, (size_t)len);
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	put_unaligned_be16(I62608_ETHERTYPE, buf + 12);
	return 14 + (size_t)len;
}

static size_t advertise(u8 *buf, const u8 *dst, const u8 *src, u32 epoch,
			u16 flags, u16 ttl, u16 hb)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_ADVERTISE, .flags = flags, .msg_id = 77,
		.epoch = epoch, .counter = 1,
	};
	struct i62608_w w;

	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, ttl);
	i62608_w_u16(&w, I62608_TLV_HEARTBEAT_INTERVAL, hb);
	i62608_w_u32(&w, I62608_TLV_DB_VERSION, 5);
	return frame(buf, dst, src, &w);
}

FIXTURE(fsm) {
	struct agent a;
	struct capture *c;
	struct agent_if *aif;
	struct agent_inst *in;
	u8 buf[AGENT_FRAME_MAX];
};

/* The harness defines these without a declaration. */
void fsm_setup(struct __test_metadata *_metadata, FIXTURE_DATA(fsm) *self,
	       const FIXTURE_VARIANT(fsm) *variant);
void fsm_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(fsm) *self,
		  const FIXTURE_VARIANT(fsm) *variant);

static void start(struct __test_metadata *_metadata,
		  FIXTURE_DATA(fsm) *self, u32 instances)
{
	u8 nl[NL_BUF];

	self->c = calloc(1, sizeof(*self->c));
	cap = self->c;
	memset(&self->a, 0, sizeof(self->a));
	agent_config_init(&self->a.cfg);
	strcpy(self->a.cfg.resolv_conf, "/nonexistent");
	agent_log_set_level(AGENT_LOG_WARNING);
	agent_init(&self->a, &capture_ops, instances, 42);
	self->a.now = 10000;
	host_msg(&self->a, nl_link(nl, RTM_NEWLINK, 2, "eth0", if_mac, LINK_UP, 0));
	ASSERT_EQ(1, self->a.n_ifs);
	self->aif = self->a.ifs[0];
	self->in = &self->aif->inst[0];
	agent_refresh(&self->a, true);
}

FIXTURE_SETUP(fsm)
{
	start(_metadata, self, 1);
}

FIXTURE_TEARDOWN(fsm)
{
	agent_free(&self->a);
	free(self->c);
}

/* Feed an ADVERTISE to the agent. */
static void adv(FIXTURE_DATA(fsm) *self, const u8 *dst, const u8 *src,
		u32 epoch, u16 flags, u16 ttl, u16 hb)
{
	size_t len = advertise(self->buf, dst, src, epoch, flags, ttl, hb);

	agent_rx(&self->a, self->aif, self->buf, len, false);
}

/* Searching, then connected to cfg_mac (epoch 0xc0f1c0f1, TTL 90, HB 10). */
static void connected(struct __test_metadata *_metadata, FIXTURE_DATA(fsm) *self)
{
	advance_to(&self->a, self->a.now + AGENT_START_DELAY_MS);
	ASSERT_EQ(1, count_type(self->c, I62608_MSG_DISCOVER, 0));
	adv(self, if_mac, cfg_mac, 0xc0f1c0f1, 0, 90, 10);
	ASSERT_EQ(AGENT_ST_CONNECTED, self->in->state);
}

TEST_F(fsm, discover_advertise_report_heartbeat)
{
	const struct sent *s;
	unsigned int i = 0;
	struct i62608_elem t;
	u64 t_adv;

	EXPECT_EQ(AGENT_ST_SEARCHING, self->in->state);
	EXPECT_EQ(0, self->c->n);
	advance_to(&self->a, 10000 + AGENT_START_DELAY_MS);
	ASSERT_EQ(1, self->c->n);
	s = &self->c->f[0];
	EXPECT_EQ(I62608_MSG_DISCOVER, s->m.type);
	EXPECT_EQ(0, memcmp(s->dst, group, 6));
	EXPECT_EQ(0, memcmp(s->src, if_mac, 6));
	EXPECT_EQ(1, s->m.counter);
	EXPECT_EQ(self->in->epoch, s->m.epoch);
	EXPECT_NE(0, s->m.epoch);
	ASSERT_TRUE(i62608_tlv_find(s->m.body, s->m.body_len,
				    I62608_TLV_CAPABILITIES, &t));
	EXPECT_EQ(self->a.caps, get_unaligned_be32(t.val));

	/* ADVERTISE: the REPORT goes out at once, to its source. */
	t_adv = self->a.now;
	adv(self, if_mac, cfg_mac, 0xc0f1c0f1, 0, 90, 10);
	ASSERT_EQ(2, self->c->n);
	s = &self->c->f[1];
	EXPECT_EQ(I62608_MSG_REPORT, s->m.type);
	EXPECT_EQ(t_adv, s->at);
	EXPECT_EQ(0, memcmp(s->dst, cfg_mac, 6));
	EXPECT_EQ(2, s->m.counter);
	EXPECT_EQ(self->in->report_id, s->m.msg_id);
	EXPECT_NE(self->c->f[0].m.msg_id, s->m.msg_id);
	ASSERT_TRUE(i62608_tlv_find(s->m.body, s->m.body_len, I62608_TLV_TTL, &t));
	EXPECT_EQ(31, get_unaligned_be16(t.val));
	EXPECT_EQ(0, memcmp(self->in->cfg_mac, cfg_mac, 6));
	EXPECT_EQ(0xc0f1c0f1, self->in->cfg_epoch);

	/* HEARTBEAT every 10 s, naming the REPORT; the TTL refreshed. */
	for (i = 0; i < 8; i++) {
		self->a.now += 5000;
		adv(self, group, cfg_mac, 0xc0f1c0f1, 0, 90, 10);
		advance_to(&self->a, self->a.now + 5000);
	}
	i = 2;
	EXPECT_EQ(8, count_type(self->c, I62608_MSG_HEARTBEAT, 2));
	EXPECT_EQ(2 + 8, self->c->n);
	while ((s = next_of(self->c, I62608_MSG_HEARTBEAT, &i))) {
		EXPECT_EQ(0, memcmp(s->dst, cfg_mac, 6));
		EXPECT_EQ(0, (s->at - t_adv) % 10000);
		ASSERT_TRUE(i62608_tlv_find(s->m.body, s->m.body_len,
					    I62608_TLV_REPORT_ID, &t));
		EXPECT_EQ(self->c->f[1].m.msg_id, get_unaligned_be32(t.val));
		ASSERT_TRUE(i62608_tlv_find(s->m.body, s->m.body_len,
					    I62608_TLV_TTL, &t));
		EXPECT_EQ(31, get_unaligned_be16(t.val));
	}
	for (i = 1; i < self->c->n; i++) {
		EXPECT_EQ(self->c->f[i - 1].m.counter + 1, self->c->f[i].m.counter);
		EXPECT_LT(self->c->f[i - 1].m.msg_id, self->c->f[i].m.msg_id);
	}
	EXPECT_EQ(AGENT_ST_CONNECTED, self->in->state);
}

TEST_F(fsm, lost_after_ttl_of_silence)
{
	u64 heard;

	advance_to(&self->a, self->a.now + AGENT_START_DELAY_MS);
	adv(self, if_mac, cfg_mac, 1, 0, 5, 1);
	/* A group ADVERTISE at 4 s keeps it: lost at 4 + 5 s, not at 5 s. */
	advance_to(&self->a, self->a.now + 4000);
	adv(self, group, cfg_mac, 1, 0, 5, 1);
	heard = self->a.now;
	advance_to(&self->a, heard + 4999);
	EXPECT_EQ(AGENT_ST_CONNECTED, self->in->state);
	advance_to(&self->a, heard + 5000);
	EXPECT_EQ(AGENT_ST_SEARCHING, self->in->state);
	/* DISCOVER again, at once (0-200 ms), backoff from the start. */
	advance_to(&self->a, heard + 5000 + AGENT_START_DELAY_MS);
	EXPECT_EQ(I62608_MSG_DISCOVER, self->c->f[self->c->n - 1].m.type);
	EXPECT_EQ(2, count_type(self->c, I62608_MSG_DISCOVER, 0));
	/* No HEARTBEAT once lost. */
	advance_to(&self->a, self->a.now + 1300);
	EXPECT_EQ(I62608_MSG_DISCOVER, self->c->f[self->c->n - 1].m.type);
	EXPECT_EQ(3, count_type(self->c, I62608_MSG_DISCOVER, 0));
}

TEST_F(fsm, shorter_ttl_is_honoured)
{
	connected(_metadata, self);
	advance_to(&self->a, self->a.now + 1000);
	adv(self, group, cfg_mac, 0xc0f1c0f1, 0, 3, 10);
	advance_to(&self->a, self->a.now + 3000);
	EXPECT_EQ(AGENT_ST_SEARCHING, self->in->state);
}

TEST_F(fsm, configurator_restart_and_report_request)
{
	unsigned int n;

	connected(_metadata, self);
	n = self->c->n;
	/* Same epoch, no request: nothing to say. */
	adv(self, group, cfg_mac, 0xc0f1c0f1, 0, 90, 10);
	EXPECT_EQ(n, self->c->n);
	/* New epoch: it lost our state; REPORT with a new id. */
	adv(self, group, cfg_mac, 0x12345678, 0, 90, 10);
	ASSERT_EQ(n + 1, self->c->n);
	EXPECT_EQ(I62608_MSG_REPORT, self->c->f[n].m.type);
	EXPECT_EQ(0, memcmp(self->c->f[n].dst, cfg_mac, 6));
	EXPECT_NE(self->c->f[n - 1].m.msg_id, self->c->f[n].m.msg_id);
	EXPECT_EQ(0x12345678, self->in->cfg_epoch);
	/* REPORT_REQUEST (unicast, as an answer to a HEARTBEAT). */
	adv(self, if_mac, cfg_mac, 0x12345678, I62608_F_REPORT_REQUEST, 90, 10);
	ASSERT_EQ(n + 2, self->c->n);
	EXPECT_EQ(I62608_MSG_REPORT, self->c->f[n + 1].m.type);
	EXPECT_EQ(self->in->report_id, self->c->f[n + 1].m.msg_id);
	/* Another configurator is not followed. */
	adv(self, group, other_cfg, 0x55555555, I62608_F_REPORT_REQUEST, 90, 10);
	EXPECT_EQ(n + 2, self->c->n);
	EXPECT_EQ(0, memcmp(self->in->cfg_mac, cfg_mac, 6));
}

TEST_F(fsm, asked_reports_are_rate_limited)
{
	unsigned int n, i;

	connected(_metadata, self);
	n = self->c->n;
	/* A flood of REPORT_REQUESTs within one millisecond: a burst of 3. */
	for (i = 0; i < 100; i++)
		adv(self, if_mac, cfg_mac, 0xc0f1c0f1, I62608_F_REPORT_REQUEST, 90, 10);
	EXPECT_EQ(3, count_type(self->c, I62608_MSG_REPORT, n));
	EXPECT_EQ(97, self->aif->st.reports_limited);
	/* Alternating epochs too. */
	for (i = 0; i < 100; i++)
		adv(self, group, cfg_mac, 1 + (i & 1), 0, 90, 10);
	EXPECT_EQ(3, count_type(self->c, I62608_MSG_REPORT, n));
	/* Then one per second. */
	self->a.now += 1000;
	for (i = 0; i < 10; i++)
		adv(self, if_mac, cfg_mac, 2, I62608_F_REPORT_REQUEST, 90, 10);
	EXPECT_EQ(4, count_type(self->c, I62608_MSG_REPORT, n));
	/* After a quiet while, a burst again. */
	self->a.now += 10000;
	for (i = 0; i < 10; i++)
		adv(self, if_mac, cfg_mac, 2, I62608_F_REPORT_REQUEST, 90, 10);
	EXPECT_EQ(7, count_type(self->c, I62608_MSG_REPORT, n));
	/* Host changes are ours, not the network's: never limited. */
	self->a.gen++;
	agent_inst_changed(&self->a, self->in);
	EXPECT_EQ(8, count_type(self->c, I62608_MSG_REPORT, n));
}

TEST_F(fsm, heartbeat_interval_change)
{
	const struct sent *s;
	struct i62608_elem t;
	unsigned int n;

	connected(_metadata, self);
	n = self->c->n;
	adv(self, group, cfg_mac, 0xc0f1c0f1, 0, 90, 2);
	/* Told at once, with the new TTL; then every 2 s. */
	ASSERT_EQ(n + 1, self->c->n);
	s = &self->c->f[n];
	ASSERT_EQ(I62608_MSG_HEARTBEAT, s->m.type);
	ASSERT_TRUE(i62608_tlv_find(s->m.body, s->m.body_len, I62608_TLV_TTL, &t));
	EXPECT_EQ(7, get_unaligned_be16(t.val));
	advance_to(&self->a, self->a.now + 6000);
	EXPECT_EQ(3, count_type(self->c, I62608_MSG_HEARTBEAT, n + 1));
}

TEST_F(fsm, link_down_and_up)
{
	u8 nl[NL_BUF];
	unsigned int n;

	connected(_metadata, self);
	host_msg(&self->a, nl_link(nl, RTM_NEWLINK, 2, "eth0", if_mac,
				   IFF_UP | IFF_BROADCAST, 0));
	EXPECT_FALSE(self->aif->up);
	EXPECT_EQ(AGENT_ST_DOWN, self->in->state);
	n = self->c->n;
	/* Nothing at all while down, ADVERTISEs included. */
	adv(self, group, cfg_mac, 0xc0f1c0f1, 0, 90, 10);
	advance_to(&self->a, self->a.now + 600000);
	EXPECT_EQ(n, self->c->n);
	EXPECT_EQ(AGENT_ST_DOWN, self->in->state);
	/* Up: DISCOVER within 0-200 ms. */
	host_msg(&self->a, nl_link(nl, RTM_NEWLINK, 2, "eth0", if_mac, LINK_UP, 0));
	EXPECT_EQ(AGENT_ST_SEARCHING, self->in->state);
	advance_to(&self->a, self->a.now + AGENT_START_DELAY_MS);
	ASSERT_EQ(n + 1, self->c->n);
	EXPECT_EQ(I62608_MSG_DISCOVER, self->c->f[n].m.type);
	/* The same epoch: a link flap is not a restart. */
	EXPECT_EQ(self->c->f[0].m.epoch, self->c->f[n].m.epoch);
}

TEST_F(fsm, report_on_change_only)
{
	u8 nl[NL_BUF];
	unsigned int n;

	/* Searching: a change sends nothing. */
	agent_host_rtnl(&self->a.host, nl_addr(nl, RTM_NEWADDR, AF_INET, 2,
					       "192.0.2.5", 24, 0, 100));
	agent_refresh(&self->a, false);
	EXPECT_EQ(0, self->c->n);
	connected(_metadata, self);
	n = self->c->n;
	agent_refresh(&self->a, false);
	EXPECT_EQ(n, self->c->n);
	agent_host_rtnl(&self->a.host, nl_addr(nl, RTM_DELADDR, AF_INET, 2,
					       "192.0.2.5", 24, 0, 100));
	/* Debounced: nothing yet, then one REPORT. */
	agent_host_changed(&self->a);
	agent_host_changed(&self->a);
	EXPECT_EQ(n, self->c->n);
	advance_to(&self->a, self->a.now + self->a.cfg.debounce_ms);
	ASSERT_EQ(n + 1, self->c->n);
	EXPECT_EQ(I62608_MSG_REPORT, self->c->f[n].m.type);
}

TEST_F(fsm, bye_on_stop)
{
	struct i62608_elem t;
	const struct sent *s;

	connected(_metadata, self);
	agent_stop(&self->a);
	s = &self->c->f[self->c->n - 1];
	EXPECT_EQ(I62608_MSG_BYE, s->m.type);
	EXPECT_EQ(0, memcmp(s->dst, cfg_mac, 6));
	ASSERT_TRUE(i62608_tlv_find(s->m.body, s->m.body_len, I62608_TLV_REASON, &t));
	EXPECT_EQ(I62608_BYE_SHUTDOWN, t.val[0]);
	EXPECT_EQ(AGENT_ST_DOWN, self->in->state);
	EXPECT_EQ(UINT64_MAX, agent_timers_next(&self->a.timers));
}

TEST_F(fsm, no_bye_when_searching)
{
	agent_stop(&self->a);
	EXPECT_EQ(0, self->c->n);
}

TEST_F(fsm, lost_report_is_repaired)
{
	unsigned int n;

	advance_to(&self->a, self->a.now + AGENT_START_DELAY_MS);
	/* The REPORT cannot be sent; the HEARTBEAT names it anyway. */
	self->c->fail_tx = -ENOBUFS;
	adv(self, if_mac, cfg_mac, 1, 0, 90, 10);
	EXPECT_EQ(1, self->aif->st.tx_errors);
	self->c->fail_tx = 0;
	n = self->c->n;
	advance_to(&self->a, self->a.now + 10000);
	ASSERT_EQ(n + 1, self->c->n);
	EXPECT_EQ(I62608_MSG_HEARTBEAT, self->c->f[n].m.type);
	/* The configurator lacks it and asks. */
	adv(self, if_mac, cfg_mac, 1, I62608_F_REPORT_REQUEST, 90, 10);
	EXPECT_EQ(I62608_MSG_REPORT, self->c->f[n + 1].m.type);
}

/* Hand-made frames: each one dropped, counted under @reason. */
TEST_F(fsm, invalid_frames_are_counted)
{
	static const struct {
		const char *hex;	/* the message after the Ethernet header */
		int reason;
	} msgs[] = {
		/* Shorter than a header. */
		{ "0102000000180000", I62608_DROP_TRUNCATED },
		/* Version 2. */
		{ "020200000018000000000001000000070000000000000001", I62608_DROP_VERSION },
		/* Length 23. */
		{ "010200000017000000000001000000070000000000000001", I62608_DROP_LENGTH },
		/* Length 64 > 30 bytes there. */
		{ "01020000004000000000000100000007000000000000000100010002005a", I62608_DROP_TRUNCATED },
		/* Epoch 0. */
		{ "010200000018000000000001000000000000000000000001", I62608_DROP_MALFORMED },
		/* No HEARTBEAT_INTERVAL. */
		{ "01020000001e00000000000100000007000000000000000100010002005a", I62608_DROP_MALFORMED },
		/* TTL 0. */
		{ "01020000002400000000000100000007000000000000000100010002000000"
		  "0c0002000a", I62608_DROP_MALFORMED },
		/* A TLV running past the end. */
		{ "01020000002400000000000100000007000000000000000100010002005a00"
		  "0c0009000a", I62608_DROP_MALFORMED },
		/* Protected: no session. */
		{ "01020001003400010000000100000007000000000000000100010002005a00"
		  "0c0002000a00000000000000000000000000000000", I62608_DROP_PROTECTED },
		/* A valid DISCOVER (another agent): not a type we handle. */
		{ "010100000020000000000001000000070000000000000001000300040000000d",
		  I62608_DROP_TYPE },
		/* Type 99. */
		{ "016300000018000000000001000000070000000000000001", I62608_DROP_TYPE },
	};
	struct agent_if_stats *st = &self->aif->st;
	u64 want[I62608_DROP_MAX + 1] = { 0 };
	unsigned int i, j;
	size_t len;

	advance_to(&self->a, self->a.now + AGENT_START_DELAY_MS);
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		const char *h = msgs[i].hex;

		memcpy(self->buf, if_mac, 6);
		memcpy(self->buf + 6, cfg_mac, 6);
		put_unaligned_be16(I62608_ETHERTYPE, self->buf + 12);
		for (j = 0; h[2 * j]; j++) {
			unsigned int v;

			sscanf(h + 2 * j, "%2x", &v);
			self->buf[14 + j] = (u8)v;
		}
		agent_rx(&self->a, self->aif, self->buf, 14 + j, false);
		want[msgs[i].reason]++;
		for (j = 1; j <= I62608_DROP_MAX; j++)
			ASSERT_EQ(want[j], st->drops[j]) {
				TH_LOG("frame %u (%s): %s", i, msgs[i].hex,
				       agent_drop_name(j));
			}
	}
	/* A frame too short for Ethernet. */
	agent_rx(&self->a, self->aif, self->buf, 10, false);
	EXPECT_EQ(want[I62608_DROP_TRUNCATED] + 1, st->drops[I62608_DROP_TRUNCATED]);

	/* Valid ADVERTISEs, but: from us, looped back, from a group address. */
	len = advertise(self->buf, if_mac, if_mac, 1, 0, 90, 10);
	agent_rx(&self->a, self->aif, self->buf, len, false);
	EXPECT_EQ(1, st->drops[I62608_DROP_OWN]);
	len = advertise(self->buf, group, cfg_mac, 1, 0, 90, 10);
	agent_rx(&self->a, self->aif, self->buf, len, true);
	EXPECT_EQ(2, st->drops[I62608_DROP_OWN]);
	len = advertise(self->buf, group, group, 1, 0, 90, 10);
	agent_rx(&self->a, self->aif, self->buf, len, false);
	EXPECT_EQ(1, st->drops[I62608_DROP_SRC_MAC]);
	/* Another EtherType (the filter passes none, the code checks). */
	len = advertise(self->buf, group, cfg_mac, 1, 0, 90, 10);
	put_unaligned_be16(0x88b6, self->buf + 12);
	agent_rx(&self->a, self->aif, self->buf, len, false);
	EXPECT_EQ(want[I62608_DROP_TYPE] + 1, st->drops[I62608_DROP_TYPE]);
	/* For another station (promiscuous). */
	len = advertise(self->buf, other_cfg, cfg_mac, 1, 0, 90, 10);
	agent_rx(&self->a, self->aif, self->buf, len, false);
	EXPECT_EQ(1, st->not_ours);

	/* None of this was followed. */
	EXPECT_EQ(AGENT_ST_SEARCHING, self->in->state);
	EXPECT_EQ(1, self->c->n);
	EXPECT_EQ(I62608_MSG_DISCOVER, self->c->f[0].m.type);
}

TEST_F(fsm, padding_is_ignored)
{
	size_t len;

	advance_to(&self->a, self->a.now + AGENT_START_DELAY_MS);
	len = advertise(self->buf, if_mac, cfg_mac, 1, 0, 90, 10);
	memset(self->buf + len, 0xee, 20);
	agent_rx(&self->a, self->aif, self->buf, len + 20, false);
	EXPECT_EQ(AGENT_ST_CONNECTED, self->in->state);
}

TEST_F(fsm, instances_dispatch_on_destination)
{
	u32 i, n;

	agent_free(&self->a);
	free(self->c);
	start(_metadata, self, 8);
	advance_to(&self->a, self->a.now + AGENT_START_DELAY_MS);
	ASSERT_EQ(8, count_type(self->c, I62608_MSG_DISCOVER, 0));
	/* Each DISCOVER from its own instance MAC, epoch and counter 1. */
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(1, self->c->f[i].m.counter);
		EXPECT_EQ(0, agent_inst_of_mac(self->aif->mac, 8, self->c->f[i].src) < 0);
		EXPECT_EQ(self->aif->inst[agent_inst_of_mac(self->aif->mac, 8,
							    self->c->f[i].src)].epoch,
			  self->c->f[i].m.epoch);
	}
	/* Unicast to instance 3 only. */
	n = self->c->n;
	adv(self, self->aif->inst[3].mac, cfg_mac, 1, 0, 90, 10);
	ASSERT_EQ(n + 1, self->c->n);
	EXPECT_EQ(0, memcmp(self->c->f[n].src, self->aif->inst[3].mac, 6));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(i == 3 ? AGENT_ST_CONNECTED : AGENT_ST_SEARCHING,
			  self->aif->inst[i].state);
	/* The group: every instance; those connected have nothing new. */
	adv(self, group, cfg_mac, 1, 0, 90, 10);
	EXPECT_EQ(n + 8, self->c->n);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(AGENT_ST_CONNECTED, self->aif->inst[i].state);
	/* Another instance's frame is ours: dropped as own. */
	advertise(self->buf, group, self->aif->inst[5].mac, 1, 0, 90, 10);
	agent_rx(&self->a, self->aif, self->buf, 100, false);
	EXPECT_EQ(1, self->aif->st.drops[I62608_DROP_OWN]);
}

/* ---- the socket filter, run by the kernel ---- */

static bool passes(int fd[2], const u8 *f, size_t len)
{
	u8 buf[2048];

	if (send(fd[0], f, len, 0) != (ssize_t)len)
		return false;
	return recv(fd[1], buf, sizeof(buf), MSG_DONTWAIT) == (ssize_t)len;
}

TEST(socket_filter)
{
	struct sock_filter f[AGENT_FILTER_MAX];
	struct sock_fprog prog = { .filter = f };
	u8 buf[AGENT_FRAME_MAX];
	int fd[2];
	size_t len;

	prog.len = (unsigned short)agent_sock_filter(I62608_ETHERTYPE, f);
	ASSERT_EQ(7 + agent_n_rx_handlers + 2, prog.len);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, fd));
	ASSERT_EQ(0, setsockopt(fd[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				sizeof(prog)));
	len = advertise(buf, group, cfg_mac, 1, 0, 90, 10);
	EXPECT_TRUE(passes(fd, buf, len));
	/* Every type a configurator sends that we handle, nothing else. */
	buf[15] = I62608_MSG_DISCOVER;
	EXPECT_FALSE(passes(fd, buf, len));
	buf[15] = I62608_MSG_REPORT;
	EXPECT_FALSE(passes(fd, buf, len));
	buf[15] = 0;
	EXPECT_FALSE(passes(fd, buf, len));
	buf[15] = I62608_MSG_ADVERTISE;
	buf[14] = 2;
	EXPECT_FALSE(passes(fd, buf, len));
	buf[14] = 1;
	put_unaligned_be16(0x88b6, buf + 12);
	EXPECT_FALSE(passes(fd, buf, len));
	put_unaligned_be16(I62608_ETHERTYPE, buf + 12);
	EXPECT_TRUE(passes(fd, buf, len));
	/* Too short to hold the type: the kernel refuses to read past it. */
	EXPECT_FALSE(passes(fd, buf, 15));
	close(fd[0]);
	close(fd[1]);

	/* Another EtherType configured. */
	prog.len = (unsigned short)agent_sock_filter(0x88b6, f);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, fd));
	ASSERT_EQ(0, setsockopt(fd[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				sizeof(prog)));
	EXPECT_FALSE(passes(fd, buf, len));
	put_unaligned_be16(0x88b6, buf + 12);
	EXPECT_TRUE(passes(fd, buf, len));
	close(fd[0]);
	close(fd[1]);
}

/* ---- the timer heap ---- */

struct tt {
	struct agent_timer t;
	u64 fired_at;
	int fired;
};

static u64 *order;
static unsigned int n_order;

static void tt_fire(struct agent_timer *t, void *ctx)
{
	struct tt *x = (struct tt *)t;

	x->fired++;
	x->fired_at = t->expires;
	order[n_order++] = t->expires;
}

TEST(timer_heap)
{
	enum { N = 3000 };
	struct agent_timers h = { 0 };
	struct tt *x = calloc(N, sizeof(*x));
	u64 s = 12345;
	unsigned int i;

	order = calloc(N, sizeof(*order));
	n_order = 0;
	for (i = 0; i < N; i++) {
		agent_timer_init(&x[i].t, tt_fire);
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		ASSERT_EQ(0, agent_timer_arm(&h, &x[i].t, (s >> 33) % 100000));
	}
	/* Re-arm a third (earlier or later), cancel a third. */
	for (i = 0; i < N; i += 3) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		agent_timer_arm(&h, &x[i].t, (s >> 33) % 100000);
		agent_timer_cancel(&h, &x[i + 1].t);
		EXPECT_FALSE(agent_timer_armed(&x[i + 1].t));
	}
	EXPECT_EQ(N - N / 3, h.n);
	agent_timers_run(&h, 49999, NULL);
	EXPECT_GE(agent_timers_next(&h), 50000);
	agent_timers_run(&h, 100000, NULL);
	EXPECT_EQ(UINT64_MAX, agent_timers_next(&h));
	ASSERT_EQ(N - N / 3, n_order);
	for (i = 1; i < n_order; i++)
		ASSERT_LE(order[i - 1], order[i]);
	for (i = 0; i < N; i++)
		EXPECT_EQ(i % 3 == 1 ? 0 : 1, x[i].fired);
	agent_timers_free(&h);
	free(order);
	free(x);
}

TEST_HARNESS_MAIN
