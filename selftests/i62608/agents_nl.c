// SPDX-License-Identifier: GPL-2.0
/*
 * The configurator's agent table as userspace sees it through netlink:
 * discovery, REPORT summaries, notifications, aging, restarts, bounds,
 * rate limits, malformed frames, consistent dumps of thousands of agents,
 * and every rejection of AGENT_*, STATS_GET and PARAMS_* requests.
 * Frames come from l2gen (many spoofed agent addresses).
 *
 *   +------------------- test netns -------------------+
 *   |  v0 (enabled) <--- veth ---> v1 (l2gen sends)    |
 *   |  w0 (enabled) <--- veth ---> w1 (second link)    |
 *   +--------------------------------------------------+
 */

#include <grp.h>
#include <net/if.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "report.h"
#include "testlib.h"

#define AGENT0 "02:62:60:8f:00:01"

static const u8 agent0_mac[6] = { 0x02, 0x62, 0x60, 0x8f, 0x00, 0x01 };

/* Run l2gen; returns the value of @key in its JSON summary, or -1. */
static long l2gen(const char *key, const char *fmt, ...)
{
	char args[512], cmd[1024], out[1024] = "", pat[64], *p;
	const char *bin = getenv("I62608_SELFTESTS");
	va_list ap;
	FILE *f;
	size_t n;
	int rc;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s/l2gen -j %s", bin ? bin : "build/selftests",
		 args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	rc = pclose(f);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc))
		return -1;
	if (!key)
		return 0;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(out, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* What the tests look at in an I62608_A_AGENT nest. */
struct agent {
	u32 ifindex;
	u8 mac[6];
	u8 state;
	u8 device_type;
	u32 epoch;
	u32 restarts;
	char name[40];
	char vendor[40];
	bool has_addr4;
	u8 addr4[4];
	u16 report_len;
	u8 report[I62608_MAX_MSG];
};

static int parse_agent(struct nlattr *nest, struct agent *a)
{
	struct nlattr *tb[I62608_AGENT_A_MAX + 1];

	memset(a, 0, sizeof(*a));
	if (!nest || nla_parse_nested(tb, I62608_AGENT_A_MAX, nest, NULL))
		return -1;
	if (!tb[I62608_AGENT_A_IFINDEX] || !tb[I62608_AGENT_A_MAC] ||
	    !tb[I62608_AGENT_A_STATE] || nla_len(tb[I62608_AGENT_A_MAC]) != 6)
		return -1;
	a->ifindex = nla_get_u32(tb[I62608_AGENT_A_IFINDEX]);
	memcpy(a->mac, nla_data(tb[I62608_AGENT_A_MAC]), 6);
	a->state = nla_get_u8(tb[I62608_AGENT_A_STATE]);
	if (tb[I62608_AGENT_A_EPOCH])
		a->epoch = nla_get_u32(tb[I62608_AGENT_A_EPOCH]);
	if (tb[I62608_AGENT_A_RESTARTS])
		a->restarts = nla_get_u32(tb[I62608_AGENT_A_RESTARTS]);
	if (tb[I62608_AGENT_A_DEVICE_TYPE])
		a->device_type = nla_get_u8(tb[I62608_AGENT_A_DEVICE_TYPE]);
	if (tb[I62608_AGENT_A_NAME])
		nla_strlcpy(a->name, tb[I62608_AGENT_A_NAME], sizeof(a->name));
	if (tb[I62608_AGENT_A_VENDOR])
		nla_strlcpy(a->vendor, tb[I62608_AGENT_A_VENDOR], sizeof(a->vendor));
	if (tb[I62608_AGENT_A_ADDR4] && nla_len(tb[I62608_AGENT_A_ADDR4]) == 4) {
		memcpy(a->addr4, nla_data(tb[I62608_AGENT_A_ADDR4]), 4);
		a->has_addr4 = true;
	}
	if (tb[I62608_AGENT_A_REPORT] &&
	    nla_len(tb[I62608_AGENT_A_REPORT]) <= I62608_MAX_MSG) {
		a->report_len = (u16)nla_len(tb[I62608_AGENT_A_REPORT]);
		memcpy(a->report, nla_data(tb[I62608_AGENT_A_REPORT]), a->report_len);
	}
	return 0;
}

struct agents {
	struct agent *v;
	unsigned int n, cap;
	int bad;
};

static int agents_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct agents *s = arg;

	if (i62608_nl_parse(msg, tb)) {
		s->bad++;
		return NL_OK;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			return NL_STOP;
	}
	if (parse_agent(tb[I62608_A_AGENT], &s->v[s->n]))
		s->bad++;
	else
		s->n++;
	return NL_OK;
}

static void agents_reset(void *arg)
{
	struct agents *s = arg;

	s->n = 0;
	s->bad = 0;
}

static int dump_agents(struct i62608_nl *nl, struct agents *s)
{
	agents_reset(s);
	return i62608_nl_dump(nl, I62608_CMD_AGENT_GET, NULL, agents_cb,
			      agents_reset, s);
}

static int get_agent(struct i62608_nl *nl, const u8 *mac, const char *ifname,
		     struct agent *out)
{
	struct agents s = {};
	struct nl_msg *m = i62608_nl_msg(nl, I62608_CMD_AGENT_GET, 0);
	int err;

	nla_put(m, I62608_A_MAC, 6, mac);
	if (ifname)
		nla_put_string(m, I62608_A_IFNAME, ifname);
	err = i62608_nl_transact(nl, m, agents_cb, &s);
	if (!err && s.n == 1)
		*out = s.v[0];
	else if (!err)
		err = -EBADMSG;
	free(s.v);
	return err;
}

static int set_params(struct i62608_nl *nl, int n, ...)
{
	struct nl_msg *m = i62608_nl_msg(nl, I62608_CMD_PARAMS_SET, 0);
	struct nlattr *nest = nla_nest_start(m, I62608_A_PARAMS);
	va_list ap;

	va_start(ap, n);
	while (n--) {
		int attr = va_arg(ap, int);

		nla_put_u32(m, attr, va_arg(ap, u32));
	}
	va_end(ap);
	nla_nest_end(m, nest);
	return nl_req(nl, m);
}

struct params_stats {
	u32 params[I62608_PARAM_A_MAX + 1];
	u64 stats[I62608_NSSTATS_A_MAX + 1];
};

static int ps_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1], *a;
	struct params_stats *ps = arg;
	int rem;

	if (i62608_nl_parse(msg, tb))
		return NL_OK;
	if (tb[I62608_A_PARAMS])
		nla_for_each_nested(a, tb[I62608_A_PARAMS], rem)
			if (nla_type(a) <= I62608_PARAM_A_MAX && nla_len(a) == 4)
				ps->params[nla_type(a)] = nla_get_u32(a);
	if (tb[I62608_A_STATS])
		nla_for_each_nested(a, tb[I62608_A_STATS], rem) {
			if (nla_type(a) > I62608_NSSTATS_A_MAX)
				continue;
			if (nla_len(a) == 8)
				ps->stats[nla_type(a)] = nla_get_u64(a);
			else if (nla_len(a) == 4)
				ps->stats[nla_type(a)] = nla_get_u32(a);
		}
	return NL_OK;
}

static u64 stat(struct i62608_nl *nl, int attr)
{
	struct params_stats ps = {};

	i62608_nl_transact(nl, i62608_nl_msg(nl, I62608_CMD_STATS_GET, 0), ps_cb, &ps);
	return ps.stats[attr];
}

static u32 param(struct i62608_nl *nl, int attr)
{
	struct params_stats ps = {};

	i62608_nl_transact(nl, i62608_nl_msg(nl, I62608_CMD_PARAMS_GET, 0), ps_cb, &ps);
	return ps.params[attr];
}

static int iface_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *t[I62608_A_MAX + 1];

	if (!i62608_nl_parse(msg, t))
		i62608_parse_iface(t[I62608_A_IFACE], arg);
	return NL_OK;
}

static u64 drops(struct i62608_nl *nl, const char *ifname, int reason)
{
	struct i62608_iface_info info = {};

	i62608_nl_transact(nl, msg_ifname(nl, I62608_CMD_IFACE_GET, ifname),
			   iface_cb, &info);
	return info.stats.drops[reason];
}

struct agent_wait {
	u8 cmd;
	const u8 *mac;
	bool found;
	u32 reason;
	bool restarted;
};

static int agent_event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *t[I62608_A_MAX + 1];
	struct agent_wait *w = arg;
	struct agent a;

	if (w->found || i62608_nl_cmd(msg) != w->cmd || i62608_nl_parse(msg, t) ||
	    parse_agent(t[I62608_A_AGENT], &a) || memcmp(a.mac, w->mac, 6))
		return NL_OK;
	w->found = true;
	w->reason = t[I62608_A_REASON] ? nla_get_u32(t[I62608_A_REASON]) : 0;
	w->restarted = !!t[I62608_A_RESTARTED];
	return NL_OK;
}

/* Wait for a notification of @cmd about @mac. */
static bool wait_agent_event(struct i62608_nl *ev, u8 cmd, const u8 *mac,
			     int timeout_ms, u32 *reason, bool *restarted)
{
	struct agent_wait w = { .cmd = cmd, .mac = mac };
	uint64_t end = now_ms() + timeout_ms;

	while (!w.found) {
		int64_t left = (int64_t)(end - now_ms());

		/* An overflow (ENOBUFS) lost others; ours may still come. */
		if (left <= 0 || i62608_nl_poll_events(ev, agent_event_cb, &w,
						       (int)left) == -EIO)
			return false;
	}
	if (reason)
		*reason = w.reason;
	if (restarted)
		*restarted = w.restarted;
	return true;
}

FIXTURE(agents)
{
	struct i62608_nl nl;
	struct i62608_nl ev;
};

FIXTURE_SETUP(agents)
{
	ASSERT_EQ(0, new_netns());
	ASSERT_EQ(0, sh("ip link add name v0 type veth peer name v1 && "
			"ip link add name w0 type veth peer name w1 && "
			"for d in v0 v1 w0 w1; do ip link set $d up; done"));
	ASSERT_EQ(0, i62608_nl_open(&self->nl)) {
		TH_LOG("%s", self->nl.errmsg);
	}
	ASSERT_EQ(0, i62608_nl_open(&self->ev));
	ASSERT_EQ(0, i62608_nl_subscribe(&self->ev));
	/* Floods make hundreds of events: room for all of them. */
	ASSERT_EQ(0, nl_socket_set_buffer_size(self->ev.sk, 8 << 20, 0));
	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "v0")));
	/* Tests that flood send faster than an agent would. */
	ASSERT_EQ(0, set_params(&self->nl, 1, I62608_PARAM_A_RATE, 0));
}

FIXTURE_TEARDOWN(agents)
{
	i62608_nl_close(&self->nl);
	i62608_nl_close(&self->ev);
}

TEST_F(agents, discover_is_answered_and_listed)
{
	struct agent a;
	struct agents s = {};

	EXPECT_EQ(1, l2gen("answers", "-i v1 -t discover -w 1000"));
	ASSERT_EQ(0, get_agent(&self->nl, agent0_mac, NULL, &a));
	EXPECT_EQ(I62608_AGENT_DISCOVERED, a.state);
	EXPECT_EQ(if_nametoindex("v0"), a.ifindex);
	ASSERT_EQ(0, dump_agents(&self->nl, &s));
	EXPECT_EQ(1, s.n);
	EXPECT_EQ(0, s.bad);
	free(s.v);
	EXPECT_EQ(1, stat(&self->nl, I62608_NSSTATS_A_DISCOVERED));
}

TEST_F(agents, report_is_summarized_and_kept_raw)
{
	struct i62608_report r;
	struct agent a;

	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -e 7 -M 40 -y 4 -N nas-%%u"));
	ASSERT_EQ(0, get_agent(&self->nl, agent0_mac, "v0", &a));
	EXPECT_EQ(I62608_AGENT_REPORTED, a.state);
	EXPECT_EQ(I62608_DEV_NAS, a.device_type);
	EXPECT_STREQ("nas-0", a.name);
	EXPECT_STREQ("l2gen", a.vendor);
	EXPECT_EQ(7, a.epoch);
	ASSERT_TRUE(a.has_addr4);
	EXPECT_EQ(10, a.addr4[0]);
	EXPECT_EQ(62, a.addr4[1]);
	/* The raw REPORT decodes to the same device. */
	ASSERT_EQ(0, i62608_report_decode(a.report, a.report_len, &r));
	EXPECT_STREQ("nas-0", r.name);
	EXPECT_EQ(1, r.n_ifaces);
	EXPECT_EQ(0, memcmp(r.ifaces[0].mac, agent0_mac, 6));
}

TEST_F(agents, notifications_new_change_restart_bye)
{
	bool restarted = true;
	u32 reason = 0;

	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -e 1"));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_NEW_NTF,
				     agent0_mac, 5000, NULL, &restarted));
	EXPECT_FALSE(restarted);
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -e 1 -M 10"));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_CHANGE_NTF,
				     agent0_mac, 5000, NULL, NULL));
	/* The same REPORT again (a retransmission) changes nothing. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -e 1 -M 10"));
	EXPECT_FALSE(wait_agent_event(&self->ev, I62608_CMD_AGENT_CHANGE_NTF,
				      agent0_mac, 1000, NULL, NULL));
	/* A new epoch is a restart. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -e 2"));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_NEW_NTF,
				     agent0_mac, 5000, NULL, &restarted));
	EXPECT_TRUE(restarted);
	EXPECT_EQ(1, stat(&self->nl, I62608_NSSTATS_A_RESTARTS));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t bye -e 2"));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_LOST_NTF,
				     agent0_mac, 5000, &reason, NULL));
	EXPECT_EQ(I62608_REASON_BYE, reason);
	{
		struct agent a;

		EXPECT_EQ(-ENOENT, get_agent(&self->nl, agent0_mac, NULL, &a));
	}
}

TEST_F(agents, ttl_expiry_loses_then_frees)
{
	struct agent a;
	u32 reason = 0;

	ASSERT_EQ(0, set_params(&self->nl, 3, I62608_PARAM_A_AGING_INTERVAL_MS, 100,
				I62608_PARAM_A_PENDING_TTL_MS, 1000,
				I62608_PARAM_A_LOST_LINGER_MS, 1500));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover"));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_LOST_NTF,
				     agent0_mac, 10000, &reason, NULL));
	EXPECT_EQ(I62608_REASON_TTL_EXPIRED, reason);
	ASSERT_EQ(0, get_agent(&self->nl, agent0_mac, NULL, &a));
	EXPECT_EQ(I62608_AGENT_LOST, a.state);
	EXPECT_EQ(1, stat(&self->nl, I62608_NSSTATS_A_EXPIRED));
	/* After its linger time it is gone, without another event. */
	usleep(3000 * 1000);
	EXPECT_EQ(-ENOENT, get_agent(&self->nl, agent0_mac, NULL, &a));
}

TEST_F(agents, lost_agent_is_revived_by_a_frame)
{
	struct agent a;

	ASSERT_EQ(0, set_params(&self->nl, 2, I62608_PARAM_A_AGING_INTERVAL_MS, 100,
				I62608_PARAM_A_MAX_TTL_S, 1));
	/* A reported agent whose TTL (capped to 1 s) runs out. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -e 5 -M 3"));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_LOST_NTF,
				     agent0_mac, 10000, NULL, NULL));
	/* Same epoch: back to REPORTED with its REPORT. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t heartbeat -e 5 -r 3"));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_NEW_NTF,
				     agent0_mac, 5000, NULL, NULL));
	ASSERT_EQ(0, get_agent(&self->nl, agent0_mac, NULL, &a));
	EXPECT_EQ(I62608_AGENT_REPORTED, a.state);
}

TEST_F(agents, heartbeat_asks_for_a_missing_report)
{
	/* Unknown agent: created, and asked for its REPORT. */
	EXPECT_EQ(1, l2gen("report_requests", "-i v1 -t heartbeat -e 9 -r 4 -w 1000"));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -e 9 -M 4"));
	/* Now it holds REPORT 4: a heartbeat naming 4 needs no answer. */
	EXPECT_EQ(0, l2gen("answers", "-i v1 -t heartbeat -e 9 -r 4 -w 1000"));
	/* A heartbeat naming a REPORT it never got: ask again. */
	EXPECT_EQ(1, l2gen("report_requests", "-i v1 -t heartbeat -e 9 -r 5 -w 1000"));
}

TEST_F_TIMEOUT(agents, flood_hits_the_cap_and_live_agents_stay, 300)
{
	struct agents s = {};
	unsigned int i;

	/* Ten real agents first. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -n 10 -e 3"));
	ASSERT_EQ(0, set_params(&self->nl, 1, I62608_PARAM_A_MAX_AGENTS, 100));
	/* 1000 spoofed sources. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -n 1000 -m 02:66:00:00:00:01"));
	ASSERT_EQ(0, dump_agents(&self->nl, &s));
	EXPECT_EQ(100, s.n);
	EXPECT_EQ(910, stat(&self->nl, I62608_NSSTATS_A_TABLE_FULL));
	EXPECT_EQ(910, drops(&self->nl, "v0", I62608_DROP_TABLE_FULL));
	for (i = 0; i < 10; i++) {
		struct agent a;
		u8 mac[6] = { 0x02, 0x62, 0x60, 0x8f, 0x00, (u8)(1 + i) };

		ASSERT_EQ(0, get_agent(&self->nl, mac, NULL, &a));
		EXPECT_EQ(I62608_AGENT_REPORTED, a.state);
	}
	free(s.v);
	/* One TABLE_FULL_NTF, not one per frame. */
	{
		int n = 0;
		uint64_t end = now_ms() + 1500;

		while ((int64_t)(end - now_ms()) > 0) {
			struct event ev;

			if (!wait_event(&self->ev, I62608_CMD_TABLE_FULL_NTF,
					(int)(end - now_ms()), &ev))
				break;
			n++;
		}
		EXPECT_GE(n, 1);
		EXPECT_LE(n, 2);
	}
}

TEST_F(agents, per_interface_cap)
{
	struct agents s = {};

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "w0")));
	ASSERT_EQ(0, set_params(&self->nl, 1, I62608_PARAM_A_MAX_AGENTS_PER_IFACE, 20));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -n 50"));
	ASSERT_EQ(0, l2gen(NULL, "-i w1 -t discover -n 5 -m 02:77:00:00:00:01"));
	ASSERT_EQ(0, dump_agents(&self->nl, &s));
	EXPECT_EQ(25, s.n);
	free(s.v);
	EXPECT_EQ(30, drops(&self->nl, "v0", I62608_DROP_TABLE_FULL));
}

TEST_F(agents, lost_entries_make_room)
{
	struct agents s = {};

	ASSERT_EQ(0, set_params(&self->nl, 4, I62608_PARAM_A_MAX_AGENTS, 10,
				I62608_PARAM_A_AGING_INTERVAL_MS, 100,
				I62608_PARAM_A_PENDING_TTL_MS, 1000,
				I62608_PARAM_A_LOST_LINGER_MS, 600000));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -n 10"));
	usleep(2500 * 1000);
	/* All ten are LOST now; ten newcomers take their places. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -n 10 -m 02:55:00:00:00:01"));
	ASSERT_EQ(0, dump_agents(&self->nl, &s));
	EXPECT_EQ(10, s.n);
	EXPECT_EQ(10, stat(&self->nl, I62608_NSSTATS_A_EVICTED));
	EXPECT_EQ(0, stat(&self->nl, I62608_NSSTATS_A_TABLE_FULL));
	free(s.v);
}

TEST_F(agents, rate_limit_per_agent)
{
	ASSERT_EQ(0, set_params(&self->nl, 2, I62608_PARAM_A_RATE, 10,
				I62608_PARAM_A_BURST, 5));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -e 4"));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t heartbeat -e 4 -c 200"));
	/* 200 back to back: about burst + 10/s get through. */
	EXPECT_GE(drops(&self->nl, "v0", I62608_DROP_RATELIMIT), 150);
	EXPECT_EQ(drops(&self->nl, "v0", I62608_DROP_RATELIMIT),
		  stat(&self->nl, I62608_NSSTATS_A_RATELIMITED));
}

TEST_F_TIMEOUT(agents, malformed_frames_are_counted_and_ignored, 300)
{
	static const struct {
		const char *kind;
		int reason;
	} cases[] = {
		{ "short", I62608_DROP_TRUNCATED },
		{ "length-over", I62608_DROP_TRUNCATED },
		{ "version", I62608_DROP_VERSION },
		{ "length-under", I62608_DROP_LENGTH },
		{ "length-huge", I62608_DROP_LENGTH },
		{ "epoch0", I62608_DROP_MALFORMED },
		{ "overrun", I62608_DROP_MALFORMED },
		{ "dup", I62608_DROP_MALFORMED },
		{ "missing", I62608_DROP_MALFORMED },
		{ "nested", I62608_DROP_MALFORMED },
		{ "badutf8", I62608_DROP_MALFORMED },
		{ "ctrlchar", I62608_DROP_MALFORMED },
		{ "zero-type", I62608_DROP_MALFORMED },
		{ "bad-enum", I62608_DROP_MALFORMED },
		{ "srcmulticast", I62608_DROP_SRC_MAC },
		{ "unknown-type", I62608_DROP_TYPE },
		{ "protected", I62608_DROP_PROTECTED },
	};
	u64 want[I62608_DROP_MAX + 1] = {};
	struct agents s = {};
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -b %s", cases[i].kind));
		want[cases[i].reason]++;
	}
	/* An ADVERTISE from another configurator is not for us. */
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t advertise"));
	want[I62608_DROP_TYPE]++;
	usleep(200 * 1000);
	for (r = 1; r <= I62608_DROP_MAX; r++)
		EXPECT_EQ(want[r], drops(&self->nl, "v0", r)) {
			TH_LOG("drop reason %s", i62608_drop_name(r));
		}
	ASSERT_EQ(0, dump_agents(&self->nl, &s));
	EXPECT_EQ(0, s.n);
	free(s.v);
}

TEST_F_TIMEOUT(agents, dump_of_2000_agents_is_complete, 300)
{
	struct agents s = {};
	unsigned int i, j;

	ASSERT_EQ(0, set_params(&self->nl, 2, I62608_PARAM_A_MAX_AGENTS, 4096,
				I62608_PARAM_A_MAX_AGENTS_PER_IFACE, 4096));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -n 2000"));
	ASSERT_EQ(0, dump_agents(&self->nl, &s));
	ASSERT_EQ(2000, s.n);
	EXPECT_EQ(0, s.bad);
	/* Every MAC once: nothing lost or repeated across messages. */
	for (i = 1; i < s.n; i++)
		for (j = 0; j < i; j += 97)
			ASSERT_NE(0, memcmp(s.v[i].mac, s.v[j].mac, 6));
	{
		bool *seen = calloc(2000, 1);

		for (i = 0; i < s.n; i++) {
			unsigned int k = (s.v[i].mac[4] << 8 | s.v[i].mac[5]) - 1;

			ASSERT_LT(k, 2000);
			ASSERT_FALSE(seen[k]);
			seen[k] = true;
		}
		free(seen);
	}
	free(s.v);
}

TEST_F_TIMEOUT(agents, dumps_stay_consistent_under_churn, 300)
{
	unsigned int round, i;
	pid_t pid;

	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t report -n 500 -e 1"));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Agents leave and come back while the dumps run. */
		for (i = 0; i < 20; i++) {
			l2gen(NULL, "-i v1 -t bye -n 200 -e 1 -m 02:62:60:8f:01:00");
			l2gen(NULL, "-i v1 -t discover -n 200 -e 1 -m 02:62:60:8f:01:00");
		}
		_exit(0);
	}
	for (round = 0; round < 30; round++) {
		struct agents s = {};
		int err = dump_agents(&self->nl, &s);

		/* A dump restarted too often may give up: never a torn one. */
		if (err == -EAGAIN) {
			free(s.v);
			continue;
		}
		ASSERT_EQ(0, err);
		EXPECT_EQ(0, s.bad);
		for (i = 1; i < s.n; i++)
			for (unsigned int j = (i > 64 ? i - 64 : 0); j < i; j++)
				ASSERT_NE(0, memcmp(s.v[i].mac, s.v[j].mac, 6));
		EXPECT_GE(s.n, 300);
		EXPECT_LE(s.n, 500);
		free(s.v);
	}
	waitpid(pid, NULL, 0);
	TH_LOG("dump restarts after NLM_F_DUMP_INTR: %u", self->nl.dump_restarts);
}

static int put_w0(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, I62608_A_IFNAME, "w0");
}

TEST_F(agents, agent_requests_are_validated)
{
	struct nl_msg *m;
	struct agent a;
	u8 shortmac[4] = { 2, 0, 0, 0 };
	int err;

	/* MAC required. */
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, i62608_nl_msg(&self->nl, I62608_CMD_AGENT_GET, 0)));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "MAC"));
	/* MAC of the wrong size. */
	m = i62608_nl_msg(&self->nl, I62608_CMD_AGENT_GET, 0);
	nla_put(m, I62608_A_MAC, sizeof(shortmac), shortmac);
	err = nl_req(&self->nl, m);
	/* An exact-length policy: EINVAL or ERANGE depending on the kernel. */
	ASSERT_TRUE(err == -EINVAL || err == -ERANGE);
	EXPECT_NE(0, self->nl.err_offset);
	/* Unknown agent. */
	ASSERT_EQ(-ENOENT, get_agent(&self->nl, agent0_mac, NULL, &a));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "no such agent"));
	/* Unknown interface. */
	ASSERT_EQ(-ENODEV, get_agent(&self->nl, agent0_mac, "nosuch0", &a));
	/* The same MAC on two interfaces needs the interface named. */
	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "w0")));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover"));
	ASSERT_EQ(0, l2gen(NULL, "-i w1 -t discover"));
	ASSERT_EQ(-EINVAL, get_agent(&self->nl, agent0_mac, NULL, &a));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "several interfaces"));
	ASSERT_EQ(0, get_agent(&self->nl, agent0_mac, "w0", &a));
	EXPECT_EQ(if_nametoindex("w0"), a.ifindex);
	/* A dump filtered by interface. */
	{
		struct agents s = {};

		ASSERT_EQ(0, i62608_nl_dump(&self->nl, I62608_CMD_AGENT_GET,
					    put_w0, agents_cb, agents_reset, &s));
		EXPECT_EQ(1, s.n);
		free(s.v);
	}
}

TEST_F(agents, agent_del_and_permissions)
{
	struct nl_msg *m;
	u32 reason = 0;
	pid_t pid;
	int status;

	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover"));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct i62608_nl nl;
		struct agent a;
		int rc = 0;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ||
		    i62608_nl_open(&nl))
			_exit(10);
		m = i62608_nl_msg(&nl, I62608_CMD_AGENT_DEL, 0);
		nla_put(m, I62608_A_MAC, 6, agent0_mac);
		if (nl_req(&nl, m) != -EPERM)
			rc |= 1;
		if (set_params(&nl, 1, I62608_PARAM_A_RATE, 1) != -EPERM)
			rc |= 2;
		/* Reads are open. */
		if (get_agent(&nl, agent0_mac, NULL, &a) || param(&nl, I62608_PARAM_A_RATE) != 0)
			rc |= 4;
		_exit(rc);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));

	m = i62608_nl_msg(&self->nl, I62608_CMD_AGENT_DEL, 0);
	nla_put(m, I62608_A_MAC, 6, agent0_mac);
	ASSERT_EQ(0, nl_req(&self->nl, m));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_LOST_NTF,
				     agent0_mac, 5000, &reason, NULL));
	EXPECT_EQ(I62608_REASON_USER, reason);
	m = i62608_nl_msg(&self->nl, I62608_CMD_AGENT_DEL, 0);
	nla_put(m, I62608_A_MAC, 6, agent0_mac);
	ASSERT_EQ(-ENOENT, nl_req(&self->nl, m));
}

TEST_F(agents, params_are_validated_all_or_nothing)
{
	struct nl_msg *m;

	EXPECT_EQ(4096, param(&self->nl, I62608_PARAM_A_MAX_AGENTS));
	EXPECT_EQ(10, param(&self->nl, I62608_PARAM_A_HEARTBEAT_INTERVAL_S));
	/* One value out of range: none is applied. */
	ASSERT_EQ(-ERANGE, set_params(&self->nl, 2, I62608_PARAM_A_BURST, 7,
				      I62608_PARAM_A_MAX_AGENTS, 0));
	EXPECT_NE(0, self->nl.errmsg[0]);
	EXPECT_EQ(100, param(&self->nl, I62608_PARAM_A_BURST));
	ASSERT_EQ(-ERANGE, set_params(&self->nl, 1, I62608_PARAM_A_AGING_INTERVAL_MS, 10));
	ASSERT_EQ(-ERANGE, set_params(&self->nl, 1, I62608_PARAM_A_MAX_AGENTS, 65537));
	/* Nothing to set (libnl drops an empty nest: no A_PARAMS at all). */
	ASSERT_EQ(-EINVAL, set_params(&self->nl, 0));
	EXPECT_NE(NULL, strstr(self->nl.errmsg, "required"));
	/* A parameter of the wrong size. */
	m = i62608_nl_msg(&self->nl, I62608_CMD_PARAMS_SET, 0);
	{
		struct nlattr *n = nla_nest_start(m, I62608_A_PARAMS);

		nla_put_u16(m, I62608_PARAM_A_RATE, 5);
		nla_nest_end(m, n);
	}
	ASSERT_EQ(-EINVAL, nl_req(&self->nl, m));
	/* A valid change sticks. */
	ASSERT_EQ(0, set_params(&self->nl, 1, I62608_PARAM_A_HEARTBEAT_INTERVAL_S, 3));
	EXPECT_EQ(3, param(&self->nl, I62608_PARAM_A_HEARTBEAT_INTERVAL_S));
}

TEST_F(agents, disabling_an_interface_loses_its_agents)
{
	u32 reason = 0;
	struct agents s = {};

	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_ADD, "w0")));
	ASSERT_EQ(0, l2gen(NULL, "-i v1 -t discover -n 3"));
	ASSERT_EQ(0, l2gen(NULL, "-i w1 -t discover -n 2 -m 02:44:00:00:00:01"));
	ASSERT_EQ(0, nl_req(&self->nl, msg_ifname(&self->nl, I62608_CMD_IFACE_DEL, "v0")));
	ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_LOST_NTF,
				     agent0_mac, 5000, &reason, NULL));
	EXPECT_EQ(I62608_REASON_USER, reason);
	ASSERT_EQ(0, sh("ip link del w0"));
	{
		static const u8 w_mac[6] = { 0x02, 0x44, 0, 0, 0, 1 };

		ASSERT_TRUE(wait_agent_event(&self->ev, I62608_CMD_AGENT_LOST_NTF,
					     w_mac, 5000, &reason, NULL));
		EXPECT_EQ(I62608_REASON_IFACE_GONE, reason);
	}
	ASSERT_EQ(0, dump_agents(&self->nl, &s));
	EXPECT_EQ(0, s.n);
	free(s.v);
	EXPECT_EQ(0, stat(&self->nl, I62608_NSSTATS_A_AGENTS));
}

I62608_HARNESS_MAIN
