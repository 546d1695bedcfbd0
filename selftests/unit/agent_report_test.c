// SPDX-License-Identifier: GPL-2.0
/*
 * What i62608-agent REPORTs, from a synthetic host state fed as rtnetlink
 * messages: address origins, gateways and DNS servers per interface, the
 * facing interface first with the instance's MAC, one frame at most,
 * PARTIAL when something had to be left out.
 */

#include "kselftest_harness.h"
#include "agent_util.h"

static const u8 mac1[6] = { 0x02, 0, 0, 0, 0, 0xa1 };

static void link_add(struct agent *a, int ifindex, const char *name, u8 last)
{
	u8 buf[NL_BUF], mac[6] = { 0x02, 0, 0, 0, 0, last };

	host_msg(a, nl_link(buf, RTM_NEWLINK, ifindex, name, mac, LINK_UP, 0));
}

static void addr_add(struct agent *a, u8 family, int ifindex, const char *addr,
		     u8 plen, u32 flags, u32 valid)
{
	u8 buf[NL_BUF];

	agent_host_rtnl(&a->host, nl_addr(buf, RTM_NEWADDR, family, ifindex,
					  addr, plen, flags, valid));
}

/* Decode a REPORT message as a configurator would. */
static int decode(const u8 *msg, int len, struct i62608_frame *m,
		  struct i62608_report *r)
{
	if (len < 0 || i62608_wire_hdr(msg, (size_t)len, m) ||
	    i62608_wire_validate(m))
		return -1;
	return i62608_report_decode(m->body, m->body_len, r);
}

static void setup(struct agent *a, struct capture *c, u32 instances)
{
	memset(a, 0, sizeof(*a));
	agent_config_init(&a->cfg);
	strcpy(a->cfg.resolv_conf, "/nonexistent/resolv.conf");
	agent_log_set_level(AGENT_LOG_WARNING);
	memset(c, 0, sizeof(*c));
	cap = c;
	agent_init(a, &capture_ops, instances, 1);
	a->now = 1000;
}

TEST(address_origin)
{
	u8 v4[4] = { 192, 168, 1, 2 }, ll4[4] = { 169, 254, 3, 4 };
	u8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8 }, ll6[16] = { 0xfe, 0x80 };
	u8 ll6b[16] = { 0xfe, 0xbf };

	EXPECT_EQ(I62608_ORIGIN_STATIC, agent_addr_origin(AF_INET, v4, IFA_F_PERMANENT, false));
	EXPECT_EQ(I62608_ORIGIN_DHCP, agent_addr_origin(AF_INET, v4, 0, true));
	EXPECT_EQ(I62608_ORIGIN_LINK_LOCAL, agent_addr_origin(AF_INET, ll4, 0, true));
	EXPECT_EQ(I62608_ORIGIN_STATIC, agent_addr_origin(AF_INET6, v6, IFA_F_PERMANENT, false));
	EXPECT_EQ(I62608_ORIGIN_AUTOCONF, agent_addr_origin(AF_INET6, v6, 0, true));
	EXPECT_EQ(I62608_ORIGIN_LINK_LOCAL, agent_addr_origin(AF_INET6, ll6, IFA_F_PERMANENT, false));
	EXPECT_EQ(I62608_ORIGIN_LINK_LOCAL, agent_addr_origin(AF_INET6, ll6b, 0, true));
}

TEST(describe_interface)
{
	struct i62608_report_if d;
	struct capture *c = calloc(1, sizeof(*c));
	struct agent a;
	u8 buf[NL_BUF];
	const char *resolv =
		"# generated\n"
		"search example.org\n"
		"nameserver 192.168.1.1\n"
		"nameserver\t2001:db8::53 # comment\n"
		"nameserver fe80::1%eth1\n"
		"nameserver 10.0.0.53\n"
		"nameserver 10.0.0.54\n"
		"nameserver bogus\n"
		"nameserverx 1.2.3.4\n";

	setup(&a, c, 1);
	link_add(&a, 2, "eth0", 0xa1);
	link_add(&a, 3, "eth1", 0xa2);
	addr_add(&a, AF_INET, 2, "192.168.1.57", 24, 0, 86400);
	addr_add(&a, AF_INET, 2, "10.1.1.1", 8, IFA_F_PERMANENT, 0xffffffff);
	addr_add(&a, AF_INET, 2, "169.254.7.7", 16, IFA_F_PERMANENT, 0xffffffff);
	addr_add(&a, AF_INET6, 2, "fe80::1", 64, IFA_F_PERMANENT, 0xffffffff);
	addr_add(&a, AF_INET6, 2, "2001:db8::57", 64, 0, 7200);
	addr_add(&a, AF_INET6, 2, "2001:db8::1234", 64, IFA_F_TEMPORARY, 3600);
	addr_add(&a, AF_INET6, 2, "fd00::57", 64, IFA_F_PERMANENT, 0xffffffff);
	/* Two IPv4 default routes: the lower metric is "the" default. */
	agent_host_rtnl(&a.host, nl_route(buf, RTM_NEWROUTE, AF_INET, 2, "192.168.1.1", 100));
	agent_host_rtnl(&a.host, nl_route(buf, RTM_NEWROUTE, AF_INET, 3, "10.2.0.1", 200));
	agent_host_rtnl(&a.host, nl_route(buf, RTM_NEWROUTE, AF_INET6, 2, "fe80::1", 1024));
	ASSERT_EQ(5, agent_resolv_parse(&a.host, resolv, strlen(resolv)));

	agent_describe_if(&a.host, agent_host_link(&a.host, 2), &d);
	EXPECT_STREQ("eth0", d.name);
	EXPECT_EQ(0, memcmp(d.mac, mac1, 6));
	EXPECT_EQ(I62608_IFF_UP | I62608_IFF_CARRIER | I62608_IFF_DHCP4, d.flags);
	/* Static, DHCP, link-local. */
	ASSERT_EQ(3, d.n_addr4);
	EXPECT_EQ(10, d.addr4[0].addr[0]);
	EXPECT_EQ(I62608_ORIGIN_STATIC, d.addr4[0].origin);
	EXPECT_EQ(8, d.addr4[0].plen);
	EXPECT_EQ(57, d.addr4[1].addr[3]);
	EXPECT_EQ(I62608_ORIGIN_DHCP, d.addr4[1].origin);
	EXPECT_EQ(I62608_ORIGIN_LINK_LOCAL, d.addr4[2].origin);
	/* The temporary address is left out; static, autoconf, link-local. */
	ASSERT_EQ(3, d.n_addr6);
	EXPECT_EQ(0xfd, d.addr6[0].addr[0]);
	EXPECT_EQ(I62608_ORIGIN_STATIC, d.addr6[0].origin);
	EXPECT_EQ(0x57, d.addr6[1].addr[15]);
	EXPECT_EQ(I62608_ORIGIN_AUTOCONF, d.addr6[1].origin);
	EXPECT_EQ(I62608_ORIGIN_LINK_LOCAL, d.addr6[2].origin);
	EXPECT_TRUE(d.has_gw4);
	EXPECT_EQ(1, d.gw4[3]);
	EXPECT_TRUE(d.has_gw6);
	EXPECT_EQ(0xfe, d.gw6[0]);
	/* IPv4 servers to the default route's link: the first two. */
	ASSERT_EQ(2, d.n_dns4);
	EXPECT_EQ(192, d.dns4[0][0]);
	EXPECT_EQ(10, d.dns4[1][0]);
	EXPECT_EQ(53, d.dns4[1][3]);
	ASSERT_EQ(1, d.n_dns6);
	EXPECT_EQ(0x53, d.dns6[0][15]);

	/* eth1: its own default route, no DNS but the scoped one. */
	agent_describe_if(&a.host, agent_host_link(&a.host, 3), &d);
	EXPECT_EQ(0, d.flags & I62608_IFF_DHCP4);
	EXPECT_TRUE(d.has_gw4);
	EXPECT_EQ(10, d.gw4[0]);
	EXPECT_FALSE(d.has_gw6);
	EXPECT_EQ(0, d.n_dns4);
	ASSERT_EQ(1, d.n_dns6);
	EXPECT_EQ(0xfe, d.dns6[0][0]);

	/* Removing things: address, route, link. */
	agent_host_rtnl(&a.host, nl_addr(buf, RTM_DELADDR, AF_INET, 2, "192.168.1.57", 24, 0, 0));
	agent_host_rtnl(&a.host, nl_route(buf, RTM_DELROUTE, AF_INET, 2, "192.168.1.1", 100));
	agent_describe_if(&a.host, agent_host_link(&a.host, 2), &d);
	EXPECT_EQ(2, d.n_addr4);
	EXPECT_EQ(0, d.flags & I62608_IFF_DHCP4);
	EXPECT_FALSE(d.has_gw4);
	/* The IPv4 servers follow the default route to eth1. */
	EXPECT_EQ(0, d.n_dns4);
	EXPECT_EQ(AGENT_HOST_LINKS | AGENT_HOST_STATE,
		  agent_host_rtnl(&a.host, nl_link(buf, RTM_DELLINK, 3, NULL, NULL, 0, 0)));
	EXPECT_EQ(NULL, agent_host_link(&a.host, 3));
	EXPECT_EQ(NULL, agent_host_default_route(&a.host, AF_INET, 0));
	agent_free(&a);
	free(c);
}

TEST(host_messages)
{
	struct capture *c = calloc(1, sizeof(*c));
	u8 buf[NL_BUF], mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct agent a;
	int i;

	setup(&a, c, 1);
	/* A new link must tell its name; the same message twice is no change. */
	EXPECT_EQ(0, agent_host_rtnl(&a.host, nl_link(buf, RTM_NEWLINK, 5, NULL, mac, LINK_UP, 0)));
	EXPECT_EQ(AGENT_HOST_LINKS | AGENT_HOST_STATE,
		  agent_host_rtnl(&a.host, nl_link(buf, RTM_NEWLINK, 5, "eth5", mac, LINK_UP, 0)));
	EXPECT_EQ(0, agent_host_rtnl(&a.host, nl_link(buf, RTM_NEWLINK, 5, "eth5", mac, LINK_UP, 0)));
	/* An address refreshed (new lifetime, same origin) is no change. */
	EXPECT_EQ(AGENT_HOST_STATE, agent_host_rtnl(&a.host,
		  nl_addr(buf, RTM_NEWADDR, AF_INET, 5, "192.0.2.1", 24, 0, 3600)));
	EXPECT_EQ(0, agent_host_rtnl(&a.host,
		  nl_addr(buf, RTM_NEWADDR, AF_INET, 5, "192.0.2.1", 24, 0, 1800)));
	/* Its origin changes: a change. */
	EXPECT_EQ(AGENT_HOST_STATE, agent_host_rtnl(&a.host,
		  nl_addr(buf, RTM_NEWADDR, AF_INET, 5, "192.0.2.1", 24,
			  IFA_F_PERMANENT, 0xffffffff)));
	EXPECT_EQ(1, agent_host_link(&a.host, 5)->n_addr4);
	EXPECT_EQ(I62608_ORIGIN_STATIC, agent_host_link(&a.host, 5)->addr4[0].origin);
	/* An IPv4 secondary address (IFA_F_SECONDARY, IPv6's TEMPORARY bit). */
	EXPECT_EQ(AGENT_HOST_STATE, agent_host_rtnl(&a.host,
		  nl_addr(buf, RTM_NEWADDR, AF_INET, 5, "192.0.2.2", 24,
			  IFA_F_PERMANENT | IFA_F_SECONDARY, 0xffffffff)));
	EXPECT_EQ(2, agent_host_link(&a.host, 5)->n_addr4);
	/* Bounded: more addresses than kept are ignored. */
	for (i = 0; i < 40; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		agent_host_rtnl(&a.host, nl_addr(buf, RTM_NEWADDR, AF_INET, 5,
						 addr, 24, 0, 100));
	}
	EXPECT_EQ(AGENT_LINK_ADDRS, agent_host_link(&a.host, 5)->n_addr4);
	/* Address of an unknown link, malformed message: ignored. */
	EXPECT_EQ(0, agent_host_rtnl(&a.host,
		  nl_addr(buf, RTM_NEWADDR, AF_INET, 99, "192.0.2.9", 24, 0, 100)));
	EXPECT_EQ(0, agent_host_rtnl(&a.host,
		  nl_addr(buf, RTM_NEWADDR, AF_INET, 5, "192.0.2.9", 33, 0, 100)));
	{
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

		nlh->nlmsg_type = RTM_NEWADDR;	/* no ifaddrmsg at all */
		EXPECT_EQ(0, agent_host_rtnl(&a.host, nlh));
	}
	/* Going down drops the IPv4 routes (the kernel does not say). */
	agent_host_rtnl(&a.host, nl_route(buf, RTM_NEWROUTE, AF_INET, 5, "192.0.2.254", 0));
	EXPECT_NE(NULL, agent_host_default_route(&a.host, AF_INET, 5));
	agent_host_rtnl(&a.host, nl_link(buf, RTM_NEWLINK, 5, "eth5", mac, 0, 0));
	EXPECT_EQ(NULL, agent_host_default_route(&a.host, AF_INET, 5));
	agent_free(&a);
	free(c);
}

/* An agent on @n interfaces eth0.. (ifindex 2..), with rich content. */
static unsigned int many(struct agent *a, unsigned int n, bool full)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "eth%u", i);
		link_add(a, (int)i + 2, name, (u8)(0xa1 + i));
		for (j = 0; full && j < 4; j++) {
			char addr[64];

			snprintf(addr, sizeof(addr), "10.%u.%u.1", i, j);
			addr_add(a, AF_INET, (int)i + 2, addr, 24, 0, 100);
			snprintf(addr, sizeof(addr), "2001:db8:%x::%x", i, j + 1);
			addr_add(a, AF_INET6, (int)i + 2, addr, 64, 0, 100);
		}
	}
	if (full) {
		strcpy(a->cfg.vendor, "01234567890123456789012345678901");
		strcpy(a->cfg.model, "01234567890123456789012345678901");
		strcpy(a->cfg.serial, "01234567890123456789012345678901");
		strcpy(a->cfg.firmware, "01234567890123456789012345678901");
		strcpy(a->cfg.name, "01234567890123456789012345678901");
		a->cfg.n_services = I62608_MAX_SERVICES;
		for (i = 0; i < I62608_MAX_SERVICES; i++) {
			struct i62608_report_svc *s = &a->cfg.services[i];

			snprintf(s->name, sizeof(s->name),
				 "service-%02u-abcdefghijklmnopqrstu", i);
			s->state = I62608_SVC_ENABLED;
			s->n_ports = I62608_MAX_PORTS;
			for (j = 0; j < I62608_MAX_PORTS; j++) {
				s->ports[j].proto = 6;
				s->ports[j].port = (u16)(1000 + j);
			}
		}
	}
	agent_refresh(a, true);
	return a->n_ifs;
}

TEST(facing_interface_first)
{
	struct capture *c = calloc(1, sizeof(*c));
	u8 msg[I62608_MAX_MSG];
	struct i62608_report r;
	struct i62608_frame m;
	struct agent a;
	unsigned int i;
	bool partial;
	int len;

	setup(&a, c, 1);
	strcpy(a.cfg.name, "box");
	ASSERT_EQ(3, many(&a, 3, false));
	for (i = 0; i < 3; i++) {
		struct agent_inst *in = &a.ifs[i]->inst[0];

		len = agent_report_of(&a, in, 7, 9, msg, &partial);
		ASSERT_EQ(0, decode(msg, len, &m, &r));
		EXPECT_FALSE(partial);
		EXPECT_EQ(0, m.flags & I62608_F_PARTIAL);
		EXPECT_EQ(7, m.msg_id);
		EXPECT_EQ(9, m.counter);
		EXPECT_EQ(in->epoch, m.epoch);
		EXPECT_EQ(I62608_MSG_REPORT, m.type);
		ASSERT_EQ(3, r.n_ifaces);
		EXPECT_STREQ(a.ifs[i]->name, r.ifaces[0].name);
		EXPECT_EQ(0, memcmp(r.ifaces[0].mac, a.ifs[i]->mac, 6));
		EXPECT_STREQ("box", r.name);
		EXPECT_EQ(agent_ttl(AGENT_DEFAULT_HEARTBEAT), r.ttl);
		EXPECT_EQ(31, r.ttl);
	}
	agent_free(&a);
	free(c);
}

TEST(instance_mac_and_name)
{
	struct capture *c = calloc(1, sizeof(*c));
	u8 msg[I62608_MAX_MSG];
	struct i62608_report r;
	struct i62608_frame m;
	struct agent a;
	int len;

	setup(&a, c, 100);
	strcpy(a.cfg.name, "tv");
	ASSERT_EQ(1, many(&a, 1, false));
	len = agent_report_of(&a, &a.ifs[0]->inst[42], 1, 1, msg, NULL);
	ASSERT_EQ(0, decode(msg, len, &m, &r));
	EXPECT_STREQ("tv-42", r.name);
	EXPECT_EQ(0, memcmp(r.ifaces[0].mac, a.ifs[0]->inst[42].mac, 6));
	EXPECT_NE(0, memcmp(r.ifaces[0].mac, a.ifs[0]->mac, 6));
	agent_free(&a);
	free(c);
}

TEST(instance_name_fits)
{
	char out[I62608_STR_MAX + 1];
	/* 15 x U+00E9 and "ab": 32 bytes. */
	const char *name = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
			   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" "ab";

	agent_inst_name(out, "host", 0, 1);
	EXPECT_STREQ("host", out);
	agent_inst_name(out, "host", 0, 2);
	EXPECT_STREQ("host-0", out);
	agent_inst_name(out, name, 4095, 4096);
	/* 32 - "-4095" = 27 bytes, cut back to 26 on a character boundary. */
	EXPECT_EQ(31, strlen(out));
	EXPECT_EQ(0, memcmp(out, name, 26));
	EXPECT_STREQ("-4095", out + 26);
	EXPECT_TRUE(i62608_str_valid((const u8 *)out, strlen(out)));
}

TEST(more_than_four_interfaces_is_partial)
{
	struct capture *c = calloc(1, sizeof(*c));
	u8 msg[I62608_MAX_MSG];
	struct i62608_report r;
	struct i62608_frame m;
	struct agent a;
	bool partial;
	int len;

	setup(&a, c, 1);
	ASSERT_EQ(6, many(&a, 6, false));
	len = agent_report_of(&a, &a.ifs[5]->inst[0], 1, 1, msg, &partial);
	ASSERT_EQ(0, decode(msg, len, &m, &r));
	EXPECT_TRUE(partial);
	EXPECT_EQ(I62608_F_PARTIAL, m.flags & I62608_F_PARTIAL);
	ASSERT_EQ(I62608_MAX_IFACES_TLV, r.n_ifaces);
	EXPECT_STREQ("eth5", r.ifaces[0].name);
	EXPECT_STREQ("eth0", r.ifaces[1].name);
	agent_free(&a);
	free(c);
}

TEST(too_much_content_is_partial_within_a_frame)
{
	struct capture *c = calloc(1, sizeof(*c));
	u8 msg[I62608_MAX_MSG];
	struct i62608_report r;
	struct i62608_frame m;
	struct agent a;
	bool partial;
	int len;

	setup(&a, c, 1);
	ASSERT_EQ(4, many(&a, 4, true));
	len = agent_report_of(&a, &a.ifs[2]->inst[0], 1, 1, msg, &partial);
	ASSERT_GT(len, 0);
	EXPECT_LE(len, I62608_MAX_MSG);
	ASSERT_EQ(0, decode(msg, len, &m, &r));
	EXPECT_TRUE(partial);
	EXPECT_EQ(I62608_F_PARTIAL, m.flags & I62608_F_PARTIAL);
	/* Identity, then the facing interface whole, then services. */
	EXPECT_STREQ("01234567890123456789012345678901", r.serial);
	ASSERT_GE(r.n_ifaces, 1);
	EXPECT_STREQ("eth2", r.ifaces[0].name);
	EXPECT_EQ(4, r.ifaces[0].n_addr4);
	EXPECT_EQ(4, r.ifaces[0].n_addr6);
	EXPECT_GT(r.n_services, 0);
	/* Other interfaces only after every service. */
	if (r.n_ifaces > 1)
		EXPECT_EQ(I62608_MAX_SERVICES, r.n_services);

	/* The same without services and with one interface fits whole. */
	a.cfg.n_services = 0;
	agent_free(&a);
	setup(&a, c, 1);
	ASSERT_EQ(1, many(&a, 1, true));
	a.cfg.n_services = 0;
	agent_refresh(&a, true);
	len = agent_report_of(&a, &a.ifs[0]->inst[0], 1, 1, msg, &partial);
	ASSERT_EQ(0, decode(msg, len, &m, &r));
	EXPECT_FALSE(partial);
	EXPECT_EQ(1, r.n_ifaces);
	agent_free(&a);
	free(c);
}

TEST(generation_moves_only_on_change)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct agent a;
	u32 gen;

	setup(&a, c, 1);
	ASSERT_EQ(1, many(&a, 1, false));
	gen = a.gen;
	agent_refresh(&a, false);
	EXPECT_EQ(gen, a.gen);
	addr_add(&a, AF_INET, 2, "192.0.2.7", 24, IFA_F_PERMANENT, 0xffffffff);
	agent_refresh(&a, false);
	EXPECT_EQ(gen + 1, a.gen);
	agent_refresh(&a, true);
	EXPECT_EQ(gen + 2, a.gen);
	agent_free(&a);
	free(c);
}

TEST_HARNESS_MAIN
