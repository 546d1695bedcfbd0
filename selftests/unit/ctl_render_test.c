// SPDX-License-Identifier: GPL-2.0
/*
 * What i62608ctl prints: agents (list row, full view with the decoded
 * REPORT), counters, parameters and monitor records, in text and JSON,
 * compared with golden strings. The agent goes the whole way: built as a
 * netlink message, decoded by proto_nl.c, its REPORT by report.c, then
 * rendered.
 */

#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ctl_msgs.h"
#include "../../userspace/ctl/render.h"

struct buf {
	char *data;
	size_t len;
	FILE *f;
};

static struct out *open_buf(struct buf *b, enum out_format fmt, bool stream)
{
	struct out *o;

	b->f = open_memstream(&b->data, &b->len);
	o = out_new(b->f, fmt, false);
	out_set_stream(o, stream);
	return o;
}

static const char *close_buf(struct buf *b, struct out *o)
{
	out_free(o);
	fclose(b->f);
	return b->data;
}

/*
 * Two agents: @a reported, with everything; @d discovered, without a
 * REPORT. (kselftest_harness.h's fixtures trip -Wmissing-prototypes.)
 */
struct fix {
	struct nl_msg *full, *bare;
	struct i62608_agent_info a;
	struct i62608_agent_info d;
	struct i62608_report r;
	struct buf b;
};

static int fix_setup(struct fix *self)
{
	struct nlattr *tb[I62608_A_MAX + 1];

	memset(self, 0, sizeof(*self));
	self->full = test_agent_msg(I62608_CMD_AGENT_GET, 0, true);
	self->bare = test_agent_msg(I62608_CMD_AGENT_GET, 0, false);
	if (!self->full || !self->bare ||
	    i62608_nl_parse(self->full, tb) ||
	    i62608_parse_agent(tb[I62608_A_AGENT], &self->a) ||
	    i62608_report_decode(self->a.report, self->a.report_len, &self->r) ||
	    i62608_nl_parse(self->bare, tb) ||
	    i62608_parse_agent(tb[I62608_A_AGENT], &self->d))
		return -1;
	self->d.mac[5] = 0x07;
	return 0;
}

static void fix_teardown(struct fix *self)
{
	nlmsg_free(self->full);
	nlmsg_free(self->bare);
	free(self->b.data);
}

/* TEST_F-like: @self is set up before the body and torn down after it. */
#define TEST_A(name)							\
	static void body_##name(struct __test_metadata *_metadata,	\
				struct fix *self);			\
	TEST(name)							\
	{								\
		struct fix f;						\
									\
		ASSERT_EQ(0, fix_setup(&f));				\
		body_##name(_metadata, &f);				\
		fix_teardown(&f);					\
	}								\
	static void body_##name(struct __test_metadata *_metadata,	\
				struct fix *self)

static void list(struct out *o, const struct i62608_agent_info *a, size_t n)
{
	size_t i;

	out_table_open(o, "agents");
	for (i = 0; i < n; i++)
		ctl_print_agent(o, NULL, &a[i], NULL, CTL_AGENT_BRIEF);
	out_arr_close(o);
}

TEST_A(list_text)
{
	struct i62608_agent_info v[2] = { self->a, self->d };
	struct out *o = open_buf(&self->b, OUT_TEXT, false);

	list(o, v, 2);
	EXPECT_STREQ(
"MAC                IFNAME  STATE       TYPE  DEVICE           ADDRESS          LAST_SEEN  EXPIRES\n"
"02:00:00:00:00:a1  br0     reported    stb   Example STB-100  192.168.1.57/24  1.204s     29.796s\n"
"02:00:00:00:00:07  br0     discovered  -     -                -                1.204s     29.796s\n",
		close_buf(&self->b, o));
}

/* The DEVICE column falls back to the name, and to the vendor alone. */
TEST_A(list_device_column)
{
	struct i62608_agent_info v[3] = { self->a, self->a, self->a };
	struct out *o = open_buf(&self->b, OUT_TEXT, false);

	v[0].present &= ~(1ULL << I62608_AGENT_A_VENDOR | 1ULL << I62608_AGENT_A_MODEL);
	v[1].present &= ~(1ULL << I62608_AGENT_A_MODEL);
	v[2].present &= ~(1ULL << I62608_AGENT_A_VENDOR | 1ULL << I62608_AGENT_A_MODEL |
			  1ULL << I62608_AGENT_A_NAME | 1ULL << I62608_AGENT_A_ADDR4);
	list(o, v, 3);
	EXPECT_STREQ(
"MAC                IFNAME  STATE     TYPE  DEVICE          ADDRESS          LAST_SEEN  EXPIRES\n"
"02:00:00:00:00:a1  br0     reported  stb   livingroom-stb  192.168.1.57/24  1.204s     29.796s\n"
"02:00:00:00:00:a1  br0     reported  stb   Example         192.168.1.57/24  1.204s     29.796s\n"
"02:00:00:00:00:a1  br0     reported  stb   -               -                1.204s     29.796s\n",
		close_buf(&self->b, o));
}

TEST_A(list_json)
{
	struct out *o = open_buf(&self->b, OUT_JSON, false);

	list(o, &self->d, 1);
	EXPECT_STREQ("[{\"ifname\":\"br0\",\"ifindex\":4,\"mac\":\"02:00:00:00:00:07\","
		     "\"state\":\"discovered\",\"epoch\":\"0x5eed0001\","
		     "\"first_seen_ms\":62300,\"last_seen_ms\":1204,\"expires_ms\":29796,"
		     "\"counters\":{\"rx_frames\":5,\"rx_bytes\":700,\"tx_frames\":2,"
		     "\"reports\":1,\"restarts\":0,\"ratelimited\":0}}]\n",
		     close_buf(&self->b, o));
}

TEST_A(show_text)
{
	struct out *o = open_buf(&self->b, OUT_TEXT, false);

	ctl_print_agent(o, NULL, &self->a, &self->r, CTL_AGENT_FULL);
	EXPECT_STREQ(
		"ifname: br0\n"
		"ifindex: 4\n"
		"mac: 02:00:00:00:00:a1\n"
		"state: reported\n"
		"epoch: 0x5eed0001\n"
		"first_seen: 1m02.300s\n"
		"last_seen: 1.204s\n"
		"expires: 29.796s\n"
		"ttl: 31.000s\n"
		"report_id: 2\n"
		"partial: no\n"
		"device_type: stb\n"
		"capabilities: ipv4 dhcp4 static services multicast config\n"
		"vendor: Example\n"
		"model: STB-100\n"
		"name: livingroom-stb\n"
		"serial: SN0001\n"
		"firmware: 1.2.3\n"
		"addr4: 192.168.1.57/24\n"
		"counters:\n"
		"  rx_frames: 5\n"
		"  rx_bytes: 700\n"
		"  tx_frames: 2\n"
		"  reports: 1\n"
		"  restarts: 0\n"
		"  ratelimited: 0\n"
		"report:\n"
		"  agent_version: 0.1.0\n"
		"  interfaces:\n"
		"    eth0:\n"
		"      name: eth0\n"
		"      mac: 02:00:00:00:00:a1\n"
		"      flags: up carrier dhcp4\n"
		"      addr4:\n"
		"        - 192.168.1.57/24 dhcp\n"
		"      addr6:\n"
		"        - fe80::1/64 link-local\n"
		"      gateway4: 192.168.1.1\n"
		"      dns4:\n"
		"        - 192.168.1.1\n"
		"  services:\n"
		"    iptv:\n"
		"      name: iptv\n"
		"      state: enabled\n"
		"      ports:\n"
		"        - udp/5004\n"
		"    upnp:\n"
		"      name: upnp\n"
		"      state: disabled\n"
		"      ports:\n"
		"        - udp/1900\n"
		"        - tcp/49152\n",
		close_buf(&self->b, o));
}

TEST_A(show_json)
{
	struct out *o = open_buf(&self->b, OUT_JSON, false);

	ctl_print_agent(o, NULL, &self->a, &self->r, CTL_AGENT_FULL);
	EXPECT_STREQ(
	"{\"ifname\":\"br0\",\"ifindex\":4,\"mac\":\"02:00:00:00:00:a1\","
	"\"state\":\"reported\",\"epoch\":\"0x5eed0001\",\"first_seen_ms\":62300,"
	"\"last_seen_ms\":1204,\"expires_ms\":29796,\"ttl_ms\":31000,"
	"\"report_id\":2,\"partial\":false,\"device_type\":\"stb\","
	"\"capabilities\":[\"ipv4\",\"dhcp4\",\"static\",\"services\",\"multicast\","
	"\"config\"],\"vendor\":\"Example\",\"model\":\"STB-100\","
	"\"name\":\"livingroom-stb\",\"serial\":\"SN0001\",\"firmware\":\"1.2.3\","
	"\"addr4\":\"192.168.1.57\",\"addr4_plen\":24,"
	"\"counters\":{\"rx_frames\":5,\"rx_bytes\":700,\"tx_frames\":2,"
	"\"reports\":1,\"restarts\":0,\"ratelimited\":0},"
	"\"report\":{\"agent_version\":\"0.1.0\",\"interfaces\":[{\"name\":\"eth0\","
	"\"mac\":\"02:00:00:00:00:a1\",\"flags\":[\"up\",\"carrier\",\"dhcp4\"],"
	"\"addr4\":[{\"address\":\"192.168.1.57\",\"plen\":24,\"origin\":\"dhcp\"}],"
	"\"addr6\":[{\"address\":\"fe80::1\",\"plen\":64,\"origin\":\"link-local\"}],"
	"\"gateway4\":\"192.168.1.1\",\"dns4\":[\"192.168.1.1\"],\"dns6\":[]}],"
	"\"services\":[{\"name\":\"iptv\",\"state\":\"enabled\","
	"\"ports\":[{\"proto\":\"udp\",\"port\":5004}]},{\"name\":\"upnp\","
	"\"state\":\"disabled\",\"ports\":[{\"proto\":\"udp\",\"port\":1900},"
	"{\"proto\":\"tcp\",\"port\":49152}]}]}}\n",
		close_buf(&self->b, o));
}

/*
 * Values this program has no name for (a newer kernel or agent) print as
 * numbers; strings the kernel passes on are escaped, never raw.
 */
TEST_A(unknown_values_and_hostile_strings)
{
	struct out *o;

	self->a.state = 9;
	self->a.device_type = 42;
	self->a.caps = I62608_CAP_IPV4 | 0x8000;
	strcpy(self->a.vendor, "evil\x1b[2J");
	self->a.partial = true;
	self->r.n_ifaces = 0;
	self->r.n_services = 1;
	self->r.services[0].state = 7;
	self->r.services[0].n_ports = 1;
	self->r.services[0].ports[0].proto = 99;

	o = open_buf(&self->b, OUT_JSON, false);
	ctl_print_agent(o, NULL, &self->a, &self->r, CTL_AGENT_FULL);
	close_buf(&self->b, o);
	EXPECT_NE(NULL, strstr(self->b.data, "\"state\":\"9\""));
	EXPECT_NE(NULL, strstr(self->b.data, "\"device_type\":\"42\""));
	EXPECT_NE(NULL, strstr(self->b.data, "\"capabilities\":[\"ipv4\",\"0x8000\"]"));
	EXPECT_NE(NULL, strstr(self->b.data, "\"vendor\":\"evil\\u001b[2J\""));
	EXPECT_NE(NULL, strstr(self->b.data, "\"partial\":true"));
	EXPECT_NE(NULL, strstr(self->b.data, "\"interfaces\":[]"));
	EXPECT_NE(NULL, strstr(self->b.data, "\"state\":\"7\",\"ports\":[{\"proto\":\"99\""));
	free(self->b.data);

	o = open_buf(&self->b, OUT_TEXT, false);
	list(o, &self->a, 1);
	close_buf(&self->b, o);
	EXPECT_NE(NULL, strstr(self->b.data, "  9      42    evil\\x1b[2J STB-100  "));
	EXPECT_EQ(NULL, strchr(self->b.data, 0x1b));
	free(self->b.data);

	/* Text leaves out the empty list of interfaces. */
	o = open_buf(&self->b, OUT_TEXT, false);
	ctl_print_report(o, NULL, &self->r);
	EXPECT_STREQ("agent_version: 0.1.0\n"
		     "services:\n"
		     "  iptv:\n"
		     "    name: iptv\n"
		     "    state: 7\n"
		     "    ports:\n"
		     "      - 99/5004\n", close_buf(&self->b, o));
}

TEST_A(events_text)
{
	struct i62608_event ev = {
		.cmd = I62608_CMD_AGENT_NEW_NTF, .has_agent = true,
		.agent = self->d, .restarted = true,
	};
	struct out *o = open_buf(&self->b, OUT_TEXT, true);

	ctl_print_event(o, 1700000000123ULL, &ev, NULL, NULL);
	ev.cmd = I62608_CMD_AGENT_LOST_NTF;
	ev.agent = self->a;
	ev.has_reason = true;
	ev.reason = I62608_REASON_BYE;
	ctl_print_event(o, 1700000000124ULL, &ev, &self->r, NULL);
	ctl_print_events_lost(o, 1700000000125ULL);
	EXPECT_STREQ(
"time=2023-11-14T22:13:20.123Z event=agent_new agent.mac=02:00:00:00:00:07 "
"agent.ifname=br0 agent.state=discovered agent.type=- agent.device=- "
"agent.address=- agent.last_seen=1.204s agent.expires=29.796s restarted=yes\n"
"time=2023-11-14T22:13:20.124Z event=agent_lost agent.mac=02:00:00:00:00:a1 "
"agent.ifname=br0 agent.state=reported agent.type=stb "
"agent.device=\"Example STB-100\" agent.address=192.168.1.57/24 "
"agent.last_seen=1.204s agent.expires=29.796s reason=bye\n"
"time=2023-11-14T22:13:20.125Z event=events_lost\n",
		close_buf(&self->b, o));
}

TEST_A(events_json)
{
	struct i62608_event ev = {
		.cmd = I62608_CMD_AGENT_CHANGE_NTF, .has_agent = true,
		.agent = self->a,
	};
	struct out *o = open_buf(&self->b, OUT_JSON, true);
	const char *s;

	ctl_print_event(o, 1700000000123ULL, &ev, &self->r, NULL);
	ctl_print_events_lost(o, 1700000000124ULL);
	s = close_buf(&self->b, o);
	/* One object per line: the full agent with its REPORT, then the loss. */
	EXPECT_EQ(0, strncmp(s, "{\"time\":\"2023-11-14T22:13:20.123Z\","
			     "\"time_ms\":1700000000123,\"event\":\"agent_change\","
			     "\"agent\":{\"ifname\":\"br0\",", 102));
	EXPECT_NE(NULL, strstr(s, "\"report\":{\"agent_version\":\"0.1.0\","));
	EXPECT_NE(NULL, strstr(s, "{\"proto\":\"tcp\",\"port\":49152}]}]}}}\n"
			       "{\"time\":\"2023-11-14T22:13:20.124Z\","
			       "\"time_ms\":1700000000124,\"event\":\"events_lost\"}\n"));
	EXPECT_EQ(NULL, strstr(s, "restarted"));
	/* Exactly two lines. */
	s = strchr(s, '\n');
	ASSERT_NE(NULL, s);
	s = strchr(s + 1, '\n');
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("\n", s);
}

TEST(events_iface_and_table_full)
{
	struct i62608_event del = {
		.cmd = I62608_CMD_IFACE_DEL_NTF, .has_iface = true,
		.has_reason = true, .reason = I62608_REASON_IFACE_GONE,
	};
	struct i62608_event full = {
		.cmd = I62608_CMD_TABLE_FULL_NTF, .has_ifindex = true, .ifindex = 4,
		.has_limit = true, .limit = I62608_LIMIT_NETNS,
		.has_dropped = true, .dropped = 17,
	};
	struct i62608_event unknown = { .cmd = 77 };
	struct buf b;
	struct out *o;

	strcpy(del.iface.ifname, "br0");
	del.iface.ifindex = 4;
	memcpy(del.iface.address, test_mac, 6);
	del.iface.age_ms = 5;

	o = open_buf(&b, OUT_TEXT, true);
	ctl_print_event(o, 1700000000123ULL, &del, NULL, NULL);
	ctl_print_event(o, 1700000000123ULL, &full, NULL, "br0");
	ctl_print_event(o, 1700000000123ULL, &unknown, NULL, NULL);
	EXPECT_STREQ(
"time=2023-11-14T22:13:20.123Z event=iface_del iface.ifname=br0 iface.ifindex=4 "
"iface.address=02:00:00:00:00:a1 reason=iface_gone\n"
"time=2023-11-14T22:13:20.123Z event=table_full ifindex=4 ifname=br0 limit=netns "
"dropped=17\n"
"time=2023-11-14T22:13:20.123Z event=unknown cmd=77\n", close_buf(&b, o));
	free(b.data);

	o = open_buf(&b, OUT_JSON, true);
	ctl_print_event(o, 1700000000123ULL, &del, NULL, NULL);
	ctl_print_event(o, 1700000000123ULL, &full, NULL, NULL);
	EXPECT_STREQ(
"{\"time\":\"2023-11-14T22:13:20.123Z\",\"time_ms\":1700000000123,"
"\"event\":\"iface_del\",\"iface\":{\"ifname\":\"br0\",\"ifindex\":4,"
"\"address\":\"02:00:00:00:00:a1\",\"age_ms\":5},\"reason\":\"iface_gone\"}\n"
"{\"time\":\"2023-11-14T22:13:20.123Z\",\"time_ms\":1700000000123,"
"\"event\":\"table_full\",\"ifindex\":4,\"limit\":\"netns\",\"dropped\":17}\n",
		close_buf(&b, o));
	free(b.data);
}

TEST(stats)
{
	struct i62608_nsstats_info ns = {};
	struct i62608_iface_info ifs[1] = {};
	struct buf b;
	struct out *o;
	unsigned int i;

	for (i = 1; i < I62608_NSSTATS_A_PAD; i++) {
		ns.present |= 1ULL << i;
		ns.value[i] = i;
	}
	ns.present &= ~(1ULL << I62608_NSSTATS_A_EVICTED);	/* not sent */
	strcpy(ifs[0].ifname, "br0");
	ifs[0].ifindex = 4;
	ifs[0].stats.rx_frames = 10;
	ifs[0].stats.drops[I62608_DROP_RATELIMIT] = 3;

	o = open_buf(&b, OUT_TEXT, false);
	ctl_print_stats(o, &ns, ifs, 1);
	EXPECT_STREQ("agents: 1\ndiscovered: 2\nreported: 3\nlost: 4\ncreated: 5\n"
		     "expired: 6\nbyes: 7\nrestarts: 8\ntable_full: 10\n"
		     "ratelimited: 11\nntf_failed: 12\n"
		     "interfaces:\n"
		     "  br0:\n"
		     "    ifname: br0\n"
		     "    ifindex: 4\n"
		     "    rx_frames: 10\n"
		     "    rx_bytes: 0\n"
		     "    tx_frames: 0\n"
		     "    tx_bytes: 0\n"
		     "    tx_errors: 0\n"
		     "    drops:\n"
		     "      truncated: 0\n"
		     "      version: 0\n"
		     "      length: 0\n"
		     "      malformed: 0\n"
		     "      src_mac: 0\n"
		     "      own: 0\n"
		     "      type: 0\n"
		     "      ratelimit: 3\n"
		     "      table_full: 0\n"
		     "      nomem: 0\n"
		     "      protected: 0\n"
		     "      auth: 0\n"
		     "      replay: 0\n"
		     "      unprotected: 0\n"
		     "      hs_busy: 0\n"
		     "      hs_failed: 0\n", close_buf(&b, o));
	free(b.data);

	o = open_buf(&b, OUT_JSON, false);
	ctl_print_stats(o, &ns, NULL, 0);
	EXPECT_STREQ("{\"agents\":1,\"discovered\":2,\"reported\":3,\"lost\":4,"
		     "\"created\":5,\"expired\":6,\"byes\":7,\"restarts\":8,"
		     "\"table_full\":10,\"ratelimited\":11,\"ntf_failed\":12,"
		     "\"interfaces\":[]}\n", close_buf(&b, o));
	free(b.data);
}

TEST(params)
{
	static const uint32_t v[I62608_PARAM_A_MAX + 1] = {
		0, 4096, 2048, 1000, 15000, 60000, 50, 100, 30000, 10, 3600,
	};
	struct i62608_params p = {};
	struct buf b;
	struct out *o;

	memcpy(p.value, v, sizeof(v));
	/* The discovery parameters; the security ones are below. */
	p.present = ((1U << (I62608_PARAM_A_MAX_TTL_S + 1)) - 1) & ~1U;

	o = open_buf(&b, OUT_TEXT, false);
	ctl_print_params(o, &p);
	EXPECT_STREQ("max_agents: 4096\n"
		     "max_agents_per_iface: 2048\n"
		     "aging_interval: 1.000s\n"
		     "pending_ttl: 15.000s\n"
		     "lost_linger: 1m00.000s\n"
		     "rate: 50\n"
		     "burst: 100\n"
		     "adv_interval: 30.000s\n"
		     "heartbeat_interval: 10.000s\n"
		     "max_ttl: 1h00m00s\n", close_buf(&b, o));
	free(b.data);

	o = open_buf(&b, OUT_JSON, false);
	ctl_print_params(o, &p);
	EXPECT_STREQ("{\"max_agents\":4096,\"max_agents_per_iface\":2048,"
		     "\"aging_interval_ms\":1000,\"pending_ttl_ms\":15000,"
		     "\"lost_linger_ms\":60000,\"rate\":50,\"burst\":100,"
		     "\"adv_interval_ms\":30000,\"heartbeat_interval_ms\":10000,"
		     "\"max_ttl_ms\":3600000}\n", close_buf(&b, o));
	free(b.data);

	/* A yes/no parameter, and seconds. */
	p.present = 1U << I62608_PARAM_A_REQUIRE_AUTH |
		    1U << I62608_PARAM_A_REJECT_AFTER_S;
	p.value[I62608_PARAM_A_REQUIRE_AUTH] = 1;
	p.value[I62608_PARAM_A_REJECT_AFTER_S] = 900;
	o = open_buf(&b, OUT_TEXT, false);
	ctl_print_params(o, &p);
	EXPECT_STREQ("require_auth: yes\nreject_after: 15m00.000s\n",
		     close_buf(&b, o));
	free(b.data);
	o = open_buf(&b, OUT_JSON, false);
	ctl_print_params(o, &p);
	EXPECT_STREQ("{\"require_auth\":true,\"reject_after_ms\":900000}\n",
		     close_buf(&b, o));
	free(b.data);

	/* Seconds do not overflow on the way to milliseconds. */
	p.present = 1U << I62608_PARAM_A_MAX_TTL_S;
	p.value[I62608_PARAM_A_MAX_TTL_S] = UINT32_MAX;
	o = open_buf(&b, OUT_JSON, false);
	ctl_print_params(o, &p);
	EXPECT_STREQ("{\"max_ttl_ms\":4294967295000}\n", close_buf(&b, o));
	free(b.data);
}

/* An authenticated agent: trust, its public key, its session. */
TEST_A(security_members)
{
	struct out *o;
	unsigned int k;

	self->d.present |= 1ULL << I62608_AGENT_A_TRUST |
			   1ULL << I62608_AGENT_A_PUBLIC_KEY |
			   1ULL << I62608_AGENT_A_SESSION_AGE_MS |
			   1ULL << I62608_AGENT_A_HANDSHAKES;
	self->d.trust = I62608_TRUST_AUTHENTICATED;
	for (k = 0; k < 32; k++)
		self->d.public_key[k] = (uint8_t)(0xa0 + k);
	self->d.session_age_ms = 61000;
	self->d.handshakes = 3;

	o = open_buf(&self->b, OUT_JSON, false);
	ctl_print_agent(o, NULL, &self->d, NULL, CTL_AGENT_FULL);
	close_buf(&self->b, o);
	EXPECT_NE(NULL, strstr(self->b.data,
		"\"trust\":\"authenticated\",\"public_key\":\"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
		"b0b1b2b3b4b5b6b7b8b9babbbcbdbebf\",\"session_age_ms\":61000,"));
	EXPECT_NE(NULL, strstr(self->b.data, "\"ratelimited\":0,\"handshakes\":3}"));
	free(self->b.data);

	o = open_buf(&self->b, OUT_TEXT, false);
	self->d.trust = 9;
	ctl_print_agent(o, NULL, &self->d, NULL, CTL_AGENT_FULL);
	close_buf(&self->b, o);
	EXPECT_NE(NULL, strstr(self->b.data, "\ntrust: 9\npublic_key: a0a1"));
	EXPECT_NE(NULL, strstr(self->b.data, "\nsession_age: 1m01.000s\n"));
}

TEST(bit_names)
{
	char buf[128];

	ctl_fmt_caps(buf, sizeof(buf), 0);
	EXPECT_STREQ("-", buf);
	ctl_fmt_caps(buf, sizeof(buf), 0x1ff);
	EXPECT_STREQ("ipv4 ipv6 dhcp4 static services qos multicast config security",
		     buf);
	ctl_fmt_caps(buf, sizeof(buf), 0x80000001);
	EXPECT_STREQ("ipv4 0x80000000", buf);
	ctl_fmt_if_flags(buf, sizeof(buf), 0xff);
	EXPECT_STREQ("up carrier dhcp4 dhcp6 0x10 0x20 0x40 0x80", buf);
	/* A small buffer holds whole names only. */
	ctl_fmt_caps(buf, 12, 0x1ff);
	EXPECT_STREQ("ipv4 ipv6", buf);
}

TEST_HARNESS_MAIN
