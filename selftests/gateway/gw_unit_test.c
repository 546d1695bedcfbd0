// SPDX-License-Identifier: GPL-2.0
/*
 * The gateway backends without the system (userspace/gateway/gw_priv.h):
 * parsers and checks of the desired state, the nftables transaction text
 * and the reading back of nft's JSON (on a real listing of nftables 1.0.6,
 * and on every way it can differ from what a sync writes), the dnsmasq
 * hosts file both ways, the igmpproxy configuration, the VIF listing,
 * UPnP descriptions, and the file helpers. Run under ASan and UBSan.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "gw_priv.h"

enum {
	META, TABLE, CHAIN_PRE, CHAIN_FWD, FWD_TCP, FWD_UDP,
	QOS20_UP, QOS20_DOWN, QOS21_UP, QOS21_DOWN, NITEMS
};

/* From nft -n -j list table inet i62608, nftables 1.0.6, one item each. */
static const char *const items[] = {
	[META] =
		"{\"metainfo\": {\"version\": \"1.0.6\","
		" \"release_name\": \"x\", \"json_schema_version\": 1}}",
	[TABLE] =
		"{\"table\": {\"family\": \"inet\", \"name\": \"i62608\","
		" \"handle\": 5}}",
	[CHAIN_PRE] =
		"{\"chain\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"name\": \"prerouting\", \"handle\": 1, \"type\": \"nat\","
		" \"hook\": \"prerouting\", \"prio\": -100,"
		" \"policy\": \"accept\"}}",
	[CHAIN_FWD] =
		"{\"chain\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"name\": \"forward\", \"handle\": 2, \"type\": \"filter\","
		" \"hook\": \"forward\", \"prio\": -150,"
		" \"policy\": \"accept\"}}",
	[FWD_TCP] =
		"{\"rule\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"chain\": \"prerouting\", \"handle\": 3,"
		" \"comment\": \"02:11:22:33:44:55\","
		" \"expr\": [{\"match\": {\"op\": \"==\","
		" \"left\": {\"meta\": {\"key\": \"iifname\"}},"
		" \"right\": \"wan0\"}}, {\"match\": {\"op\": \"==\","
		" \"left\": {\"payload\": {\"protocol\": \"tcp\","
		" \"field\": \"dport\"}}, \"right\": 8080}},"
		" {\"counter\": {\"packets\": 0, \"bytes\": 0}},"
		" {\"dnat\": {\"family\": \"ip\", \"addr\": \"192.168.1.20\","
		" \"port\": 80}}]}}",
	[FWD_UDP] =
		"{\"rule\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"chain\": \"prerouting\", \"handle\": 4,"
		" \"comment\": \"02:11:22:33:44:56\","
		" \"expr\": [{\"match\": {\"op\": \"==\","
		" \"left\": {\"meta\": {\"key\": \"iifname\"}},"
		" \"right\": \"wan0\"}}, {\"match\": {\"op\": \"==\","
		" \"left\": {\"payload\": {\"protocol\": \"udp\","
		" \"field\": \"dport\"}}, \"right\": 5000}},"
		" {\"counter\": {\"packets\": 0, \"bytes\": 0}},"
		" {\"dnat\": {\"family\": \"ip\", \"addr\": \"192.168.1.21\","
		" \"port\": 5001}}]}}",
	[QOS20_UP] =
		"{\"rule\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"chain\": \"forward\", \"handle\": 5,"
		" \"comment\": \"02:11:22:33:44:55\","
		" \"expr\": [{\"match\": {\"op\": \"==\","
		" \"left\": {\"meta\": {\"key\": \"iifname\"}},"
		" \"right\": \"lan0\"}}, {\"match\": {\"op\": \"==\","
		" \"left\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"saddr\"}}, \"right\": \"192.168.1.20\"}},"
		" {\"counter\": {\"packets\": 0, \"bytes\": 0}},"
		" {\"mangle\": {\"key\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"dscp\"}}, \"value\": 46}},"
		" {\"mangle\": {\"key\": {\"meta\": {\"key\": \"priority\"}},"
		" \"value\": \"1:6\"}}]}}",
	[QOS20_DOWN] =
		"{\"rule\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"chain\": \"forward\", \"handle\": 6,"
		" \"comment\": \"02:11:22:33:44:55\","
		" \"expr\": [{\"match\": {\"op\": \"==\","
		" \"left\": {\"meta\": {\"key\": \"oifname\"}},"
		" \"right\": \"lan0\"}}, {\"match\": {\"op\": \"==\","
		" \"left\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"daddr\"}}, \"right\": \"192.168.1.20\"}},"
		" {\"counter\": {\"packets\": 0, \"bytes\": 0}},"
		" {\"mangle\": {\"key\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"dscp\"}}, \"value\": 46}},"
		" {\"mangle\": {\"key\": {\"meta\": {\"key\": \"priority\"}},"
		" \"value\": \"1:6\"}}]}}",
	[QOS21_UP] =
		"{\"rule\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"chain\": \"forward\", \"handle\": 7,"
		" \"comment\": \"02:11:22:33:44:56\","
		" \"expr\": [{\"match\": {\"op\": \"==\","
		" \"left\": {\"meta\": {\"key\": \"iifname\"}},"
		" \"right\": \"lan0\"}}, {\"match\": {\"op\": \"==\","
		" \"left\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"saddr\"}}, \"right\": \"192.168.1.21\"}},"
		" {\"counter\": {\"packets\": 0, \"bytes\": 0}},"
		" {\"mangle\": {\"key\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"dscp\"}}, \"value\": 10}}]}}",
	[QOS21_DOWN] =
		"{\"rule\": {\"family\": \"inet\", \"table\": \"i62608\","
		" \"chain\": \"forward\", \"handle\": 8,"
		" \"comment\": \"02:11:22:33:44:56\","
		" \"expr\": [{\"match\": {\"op\": \"==\","
		" \"left\": {\"meta\": {\"key\": \"oifname\"}},"
		" \"right\": \"lan0\"}}, {\"match\": {\"op\": \"==\","
		" \"left\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"daddr\"}}, \"right\": \"192.168.1.21\"}},"
		" {\"counter\": {\"packets\": 0, \"bytes\": 0}},"
		" {\"mangle\": {\"key\": {\"payload\": {\"protocol\": \"ip\","
		" \"field\": \"dscp\"}}, \"value\": 10}}]}}",
};

/*
 * The listing of items[] with item @drop left out (-1: none), item @swap
 * replaced by @with (-1: none), and @extra added at the end (or NULL).
 */
static char *listing(int drop, int swap, const char *with, const char *extra)
{
	struct gw_buf b = { 0 };
	const char *sep = "";
	int i;

	gw_buf_add(&b, "{\"nftables\": [");
	for (i = 0; i < NITEMS; i++) {
		if (i == drop)
			continue;
		gw_buf_add(&b, "%s%s", sep, i == swap ? with : items[i]);
		sep = ", ";
	}
	if (extra)
		gw_buf_add(&b, "%s%s", sep, extra);
	gw_buf_add(&b, "]}\n");
	if (b.failed)
		abort();
	return b.s;
}

/* @s with its one occurrence of @from replaced by @to. */
static char *subst(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	struct gw_buf b = { 0 };

	if (!at || strstr(at + 1, from))
		abort();
	gw_buf_add(&b, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	if (b.failed)
		abort();
	return b.s;
}

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a;
}

static struct gw_forward fwd(uint8_t proto, uint16_t ext, const char *addr,
			     uint16_t in, const char *tag)
{
	struct gw_forward f = {
		.proto = proto, .ext_port = ext, .addr = ip4(addr),
		.int_port = in,
	};

	snprintf(f.tag, sizeof(f.tag), "%s", tag);
	return f;
}

static struct gw_qos qos(const char *addr, uint8_t dscp, uint32_t prio,
			 const char *tag)
{
	struct gw_qos q = { .addr = ip4(addr), .dscp = dscp, .priority = prio };

	snprintf(q.tag, sizeof(q.tag), "%s", tag);
	return q;
}

/* The state items[] describes. */
static const struct gw_forward *fixture_fwd(void)
{
	static struct gw_forward f[2];

	f[0] = fwd(IPPROTO_TCP, 8080, "192.168.1.20", 80, "02:11:22:33:44:55");
	f[1] = fwd(IPPROTO_UDP, 5000, "192.168.1.21", 5001, "02:11:22:33:44:56");
	return f;
}

static const struct gw_qos *fixture_qos(void)
{
	static struct gw_qos q[2];

	q[0] = qos("192.168.1.20", 46, 0x10006, "02:11:22:33:44:55");
	q[1] = qos("192.168.1.21", 10, 0, "02:11:22:33:44:56");
	return q;
}

static struct gw_nft_state fixture_state(void)
{
	struct gw_nft_state s = {
		.wan = "wan0", .lan = "lan0",
		.fwd = fixture_fwd(), .nfwd = 2,
		.qos = fixture_qos(), .nqos = 2,
	};

	return s;
}

/* ---- parsers -------------------------------------------------------------- */

TEST(parse_proto_port_ipv4)
{
	struct in_addr a;
	uint16_t port;
	uint8_t p;

	EXPECT_EQ(0, gw_parse_proto("tcp", &p));
	EXPECT_EQ(IPPROTO_TCP, p);
	EXPECT_EQ(0, gw_parse_proto("udp", &p));
	EXPECT_EQ(IPPROTO_UDP, p);
	EXPECT_EQ(-EINVAL, gw_parse_proto("TCP", &p));
	EXPECT_EQ(-EINVAL, gw_parse_proto("sctp", &p));
	EXPECT_EQ(-EINVAL, gw_parse_proto("", &p));
	EXPECT_STREQ("tcp", gw_proto_name(IPPROTO_TCP));
	EXPECT_STREQ("?", gw_proto_name(1));

	EXPECT_EQ(0, gw_parse_port("1", &port));
	EXPECT_EQ(1, port);
	EXPECT_EQ(0, gw_parse_port("65535", &port));
	EXPECT_EQ(65535, port);
	EXPECT_EQ(-EINVAL, gw_parse_port("0", &port));
	EXPECT_EQ(-EINVAL, gw_parse_port("65536", &port));
	EXPECT_EQ(-EINVAL, gw_parse_port("99999999999999999999", &port));
	EXPECT_EQ(-EINVAL, gw_parse_port("080", &port));
	EXPECT_EQ(-EINVAL, gw_parse_port("+80", &port));
	EXPECT_EQ(-EINVAL, gw_parse_port("-1", &port));
	EXPECT_EQ(-EINVAL, gw_parse_port("80 ", &port));
	EXPECT_EQ(-EINVAL, gw_parse_port("", &port));

	EXPECT_EQ(0, gw_parse_ipv4("192.168.1.20", &a));
	EXPECT_EQ(htonl(0xc0a80114), a.s_addr);
	EXPECT_EQ(-EINVAL, gw_parse_ipv4("192.168.1", &a));
	EXPECT_EQ(-EINVAL, gw_parse_ipv4("192.168.1.256", &a));
	EXPECT_EQ(-EINVAL, gw_parse_ipv4("0x7f.0.0.1", &a));
	EXPECT_EQ(-EINVAL, gw_parse_ipv4(" 10.0.0.1", &a));
	EXPECT_EQ(-EINVAL, gw_parse_ipv4("::1", &a));
}

TEST(parse_and_format_mac)
{
	uint8_t mac[6], want[6] = { 0x02, 0x11, 0x22, 0xab, 0xcd, 0xef };
	char buf[18];

	ASSERT_EQ(0, gw_parse_mac("02:11:22:ab:CD:eF", mac));
	EXPECT_EQ(0, memcmp(mac, want, 6));
	gw_fmt_mac(buf, sizeof(buf), mac);
	EXPECT_STREQ("02:11:22:ab:cd:ef", buf);
	EXPECT_EQ(-EINVAL, gw_parse_mac("02:11:22:ab:cd", mac));
	EXPECT_EQ(-EINVAL, gw_parse_mac("02:11:22:ab:cd:ef:", mac));
	EXPECT_EQ(-EINVAL, gw_parse_mac("02-11-22-ab-cd-ef", mac));
	EXPECT_EQ(-EINVAL, gw_parse_mac("2:11:22:ab:cd:ef", mac));
	EXPECT_EQ(-EINVAL, gw_parse_mac("02:11:22:ab:cd:eg", mac));
	EXPECT_EQ(-EINVAL, gw_parse_mac("", mac));
}

TEST(parse_and_format_priority)
{
	uint32_t p;
	char buf[16];

	EXPECT_EQ(0, gw_parse_priority("none", &p));
	EXPECT_EQ(0, p);
	EXPECT_EQ(0, gw_parse_priority("1:6", &p));
	EXPECT_EQ(0x10006, p);
	EXPECT_EQ(0, gw_parse_priority("ffff:ffff", &p));
	EXPECT_EQ(0xffffffff, p);
	EXPECT_EQ(0, gw_parse_priority("0:A", &p));
	EXPECT_EQ(0xa, p);
	/* An 802.1p-like priority p is the class id 0:p. */
	EXPECT_EQ(0, gw_parse_priority("0:6", &p));
	EXPECT_EQ(6, p);
	EXPECT_EQ(-EINVAL, gw_parse_priority("10000:1", &p));
	EXPECT_EQ(-EINVAL, gw_parse_priority("1:", &p));
	EXPECT_EQ(-EINVAL, gw_parse_priority(":1", &p));
	EXPECT_EQ(-EINVAL, gw_parse_priority("1:6x", &p));
	EXPECT_EQ(-EINVAL, gw_parse_priority("16", &p));
	EXPECT_EQ(-EINVAL, gw_parse_priority("", &p));
	gw_fmt_priority(buf, sizeof(buf), 0x10006);
	EXPECT_STREQ("1:6", buf);
	gw_fmt_priority(buf, sizeof(buf), 0);
	EXPECT_STREQ("none", buf);
	gw_fmt_priority(buf, sizeof(buf), 0xffffffff);
	EXPECT_STREQ("ffff:ffff", buf);
}

/* ---- checks ----------------------------------------------------------------- */

TEST(tag_and_ifname_checks)
{
	char err[GW_ERRLEN], tag[GW_TAG_LEN], name[IFNAMSIZ];

	EXPECT_EQ(0, gw_tag_check("02:11:22:33:44:55", err, sizeof(err)));
	EXPECT_EQ(0, gw_tag_check("a.b_c-d", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_tag_check("", err, sizeof(err)));
	EXPECT_STREQ("the owner tag is empty", err);
	EXPECT_EQ(-EINVAL, gw_tag_check("a b", err, sizeof(err)));
	EXPECT_STREQ("the owner tag \"a b\" has a character other than letters, digits and \":._-\"",
		     err);
	EXPECT_EQ(-EINVAL, gw_tag_check("a\"b", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_tag_check("a\nb", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "a\\x0ab"));
	/* 47 characters fit, a full buffer without NUL does not. */
	memset(tag, 'x', sizeof(tag));
	tag[GW_TAG_LEN - 1] = '\0';
	EXPECT_EQ(0, gw_tag_check(tag, err, sizeof(err)));
	tag[GW_TAG_LEN - 1] = 'x';
	EXPECT_EQ(-EINVAL, gw_tag_check(tag, err, sizeof(err)));
	EXPECT_STREQ("the owner tag is longer than 47 characters", err);

	EXPECT_EQ(0, gw_ifname_check("br-lan", err, sizeof(err)));
	EXPECT_EQ(0, gw_ifname_check("eth0.7", err, sizeof(err)));
	EXPECT_EQ(0, gw_ifname_check("pppoe-wan@x", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check(".", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("..", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("eth0:1", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("a/b", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("a b", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("wan\"0", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("wan\\0", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_ifname_check("w\xc3\xa4n", err, sizeof(err)));
	EXPECT_STREQ("the interface name \"w\\xc3\\xa4n\" has a blank, a control character or one of /:\"'\\",
		     err);
	memset(name, 'a', sizeof(name));
	EXPECT_EQ(-EINVAL, gw_ifname_check(name, err, sizeof(err)));
	name[IFNAMSIZ - 1] = '\0';
	EXPECT_EQ(0, gw_ifname_check(name, err, sizeof(err)));
	/* A NULL buffer is allowed. */
	EXPECT_EQ(-EINVAL, gw_ifname_check("", NULL, 0));
}

TEST(forward_checks)
{
	struct gw_forward f[3];
	char err[GW_ERRLEN];

	f[0] = fwd(IPPROTO_TCP, 8080, "192.168.1.20", 80, "a");
	EXPECT_EQ(0, gw_forward_check(&f[0], err, sizeof(err)));
	f[0].proto = IPPROTO_ICMP;
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	EXPECT_STREQ("protocol 1 is neither tcp nor udp", err);
	f[0] = fwd(IPPROTO_TCP, 0, "192.168.1.20", 80, "a");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	EXPECT_STREQ("external port 0 is not a port (1..65535)", err);
	f[0] = fwd(IPPROTO_TCP, 1, "192.168.1.20", 0, "a");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	EXPECT_STREQ("internal port 0 is not a port (1..65535)", err);
	f[0] = fwd(IPPROTO_TCP, 1, "127.0.0.1", 1, "a");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	EXPECT_STREQ("127.0.0.1 is not the unicast address of a host", err);
	f[0] = fwd(IPPROTO_TCP, 1, "0.1.2.3", 1, "a");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	f[0] = fwd(IPPROTO_TCP, 1, "239.1.1.1", 1, "a");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	f[0] = fwd(IPPROTO_TCP, 1, "240.0.0.1", 1, "a");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	f[0] = fwd(IPPROTO_TCP, 1, "255.255.255.255", 1, "a");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	f[0] = fwd(IPPROTO_TCP, 1, "10.0.0.1", 1, "");
	EXPECT_EQ(-EINVAL, gw_forward_check(&f[0], err, sizeof(err)));
	EXPECT_STREQ("the owner tag is empty", err);

	/* One per protocol and external port; tcp and udp may share one. */
	f[0] = fwd(IPPROTO_TCP, 53, "10.0.0.1", 53, "a");
	f[1] = fwd(IPPROTO_UDP, 53, "10.0.0.1", 53, "a");
	f[2] = fwd(IPPROTO_UDP, 53, "10.0.0.2", 5353, "b");
	EXPECT_EQ(0, gw_forwards_check(f, 2, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_forwards_check(f, 3, err, sizeof(err)));
	EXPECT_STREQ("port forwards 1 and 2 both forward udp port 53", err);
	f[2] = fwd(IPPROTO_UDP, 54, "10.0.0.2", 0, "b");
	EXPECT_EQ(-EINVAL, gw_forwards_check(f, 3, err, sizeof(err)));
	EXPECT_STREQ("port forward 2 (udp 54): internal port 0 is not a port (1..65535)",
		     err);
	EXPECT_EQ(0, gw_forwards_check(NULL, 0, err, sizeof(err)));
	EXPECT_EQ(-E2BIG, gw_forwards_check(f, GW_MAX_FORWARDS + 1, err,
					    sizeof(err)));
	EXPECT_STREQ("1025 port forwards are more than the 1024 allowed", err);
}

TEST(qos_checks)
{
	struct gw_qos q[2];
	char err[GW_ERRLEN];

	q[0] = qos("10.0.0.1", 63, 0, "a");
	EXPECT_EQ(0, gw_qos_check(&q[0], err, sizeof(err)));
	q[0].dscp = 64;
	EXPECT_EQ(-EINVAL, gw_qos_check(&q[0], err, sizeof(err)));
	EXPECT_STREQ("DSCP 64 is out of range (0..63)", err);
	q[0] = qos("10.0.0.1", 0, 0xffffffff, "a");
	q[1] = qos("10.0.0.1", 1, 0, "b");
	EXPECT_EQ(0, gw_qos_list_check(q, 1, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, gw_qos_list_check(q, 2, err, sizeof(err)));
	EXPECT_STREQ("QoS entries 0 and 1 are both for 10.0.0.1", err);
	q[1] = qos("224.0.0.1", 1, 0, "b");
	EXPECT_EQ(-EINVAL, gw_qos_list_check(q, 2, err, sizeof(err)));
	EXPECT_STREQ("QoS entry 1 (224.0.0.1): 224.0.0.1 is not the unicast address of a host",
		     err);
	EXPECT_EQ(-E2BIG, gw_qos_list_check(q, GW_MAX_QOS + 1, err, sizeof(err)));
}

TEST(set_equality)
{
	struct gw_forward a[2], b[2];
	struct gw_qos qa[1], qb[1];
	char why[GW_ERRLEN];

	a[0] = fwd(IPPROTO_TCP, 1, "10.0.0.1", 1, "a");
	a[1] = fwd(IPPROTO_UDP, 2, "10.0.0.2", 2, "b");
	b[0] = a[1];
	b[1] = a[0];
	EXPECT_TRUE(gw_forwards_equal(a, 2, b, 2, why, sizeof(why)));
	EXPECT_TRUE(gw_forwards_equal(NULL, 0, NULL, 0, why, sizeof(why)));
	b[0].int_port = 3;
	EXPECT_FALSE(gw_forwards_equal(a, 2, b, 2, why, sizeof(why)));
	EXPECT_STREQ("port forward udp 2 -> 10.0.0.2:2 (b) is not wanted", why);
	EXPECT_FALSE(gw_forwards_equal(a, 1, b, 2, why, sizeof(why)));
	EXPECT_STREQ("port forward udp 2 -> 10.0.0.2:3 (b) is missing", why);
	/* The tag is part of it: a forward moved to another owner differs. */
	b[0] = a[1];
	snprintf(b[1].tag, sizeof(b[1].tag), "c");
	EXPECT_FALSE(gw_forwards_equal(a, 2, b, 2, why, sizeof(why)));

	qa[0] = qos("10.0.0.1", 46, 0x10006, "a");
	qb[0] = qa[0];
	EXPECT_TRUE(gw_qos_equal(qa, 1, qb, 1, why, sizeof(why)));
	qb[0].priority = 0;
	EXPECT_FALSE(gw_qos_equal(qa, 1, qb, 1, why, sizeof(why)));
	EXPECT_STREQ("QoS entry 10.0.0.1 dscp 46 priority none (a) is missing", why);
}

/* ---- nftables ------------------------------------------------------------------- */

TEST(nft_render_inet)
{
	struct gw_nft_state s = fixture_state();
	struct gw_buf b = { 0 };

	ASSERT_EQ(0, gw_nft_render(&b, "i62608", GW_NFT_INET, &s));
	EXPECT_STREQ("add table inet i62608\n"
		     "delete table inet i62608\n"
		     "table inet i62608 {\n"
		     "\tchain prerouting {\n"
		     "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		     "\t\tiifname \"wan0\" tcp dport 8080 counter dnat ip to 192.168.1.20:80 comment \"02:11:22:33:44:55\"\n"
		     "\t\tiifname \"wan0\" udp dport 5000 counter dnat ip to 192.168.1.21:5001 comment \"02:11:22:33:44:56\"\n"
		     "\t}\n"
		     "\tchain forward {\n"
		     "\t\ttype filter hook forward priority mangle; policy accept;\n"
		     "\t\tiifname \"lan0\" ip saddr 192.168.1.20 counter ip dscp set 46 meta priority set 1:6 comment \"02:11:22:33:44:55\"\n"
		     "\t\toifname \"lan0\" ip daddr 192.168.1.20 counter ip dscp set 46 meta priority set 1:6 comment \"02:11:22:33:44:55\"\n"
		     "\t\tiifname \"lan0\" ip saddr 192.168.1.21 counter ip dscp set 10 comment \"02:11:22:33:44:56\"\n"
		     "\t\toifname \"lan0\" ip daddr 192.168.1.21 counter ip dscp set 10 comment \"02:11:22:33:44:56\"\n"
		     "\t}\n"
		     "}\n"
		     "add table ip i62608\n"
		     "delete table ip i62608\n", b.s);
	gw_buf_free(&b);
}

TEST(nft_render_ip_and_empty)
{
	struct gw_nft_state s = fixture_state();
	struct gw_buf b = { 0 };

	s.nfwd = 1;
	s.nqos = 0;
	ASSERT_EQ(0, gw_nft_render(&b, "gw_test", GW_NFT_IP, &s));
	EXPECT_STREQ("add table ip gw_test\n"
		     "delete table ip gw_test\n"
		     "table ip gw_test {\n"
		     "\tchain prerouting {\n"
		     "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		     "\t\tiifname \"wan0\" tcp dport 8080 counter dnat to 192.168.1.20:80 comment \"02:11:22:33:44:55\"\n"
		     "\t}\n"
		     "\tchain forward {\n"
		     "\t\ttype filter hook forward priority mangle; policy accept;\n"
		     "\t}\n"
		     "}\n"
		     "add table inet gw_test\n"
		     "delete table inet gw_test\n", b.s);
	gw_buf_free(&b);
}

/* Parse @json as our table; returns gw_nft_parse()'s result. */
static int parse(const char *json, struct gw_nft_dump *d, char *err)
{
	return gw_nft_parse(json, "i62608", d, err, GW_ERRLEN);
}

TEST(nft_parse_a_real_listing)
{
	struct gw_nft_state want = fixture_state();
	struct gw_nft_dump d;
	char err[GW_ERRLEN];
	char *j = listing(-1, -1, NULL, NULL);

	ASSERT_EQ(0, parse(j, &d, err));
	EXPECT_TRUE(d.present);
	EXPECT_EQ(GW_NFT_INET, d.family);
	EXPECT_STREQ("wan0", d.wan);
	EXPECT_STREQ("lan0", d.lan);
	EXPECT_EQ(0, d.foreign);
	ASSERT_EQ(2, d.nfwd);
	ASSERT_EQ(2, d.nqos);
	EXPECT_TRUE(gw_forwards_equal(d.fwd, d.nfwd, want.fwd, 2, err, sizeof(err)));
	EXPECT_TRUE(gw_qos_equal(d.qos, d.nqos, want.qos, 2, err, sizeof(err)));
	EXPECT_EQ(1, gw_nft_dump_matches(&d, &want, err, sizeof(err)));
	/* A state that differs in one element does not match. */
	want.nqos = 1;
	EXPECT_EQ(0, gw_nft_dump_matches(&d, &want, err, sizeof(err)));
	EXPECT_STREQ("QoS entry 192.168.1.21 dscp 10 priority none (02:11:22:33:44:56) is not wanted",
		     err);
	want = fixture_state();
	snprintf(want.wan, sizeof(want.wan), "ppp0");
	EXPECT_EQ(0, gw_nft_dump_matches(&d, &want, err, sizeof(err)));
	EXPECT_STREQ("port forwards come in on wan0, not on ppp0", err);
	gw_nft_dump_free(&d);
	free(j);
}

TEST(nft_parse_ip_family)
{
	char *t = subst(items[TABLE], "\"inet\"", "\"ip\"");
	struct gw_nft_dump d;
	char err[GW_ERRLEN];
	char *j = listing(-1, TABLE, t, NULL);

	ASSERT_EQ(0, parse(j, &d, err));
	EXPECT_EQ(GW_NFT_IP, d.family);
	EXPECT_EQ(2, d.nfwd);
	EXPECT_EQ(0, d.foreign);
	gw_nft_dump_free(&d);
	free(j);
	free(t);
}

TEST(nft_parse_empty_table)
{
	struct gw_nft_state want = { .wan = "", .lan = "" };
	struct gw_nft_dump d;
	char err[GW_ERRLEN];
	struct gw_buf b = { 0 };

	gw_buf_add(&b, "{\"nftables\": [%s, %s, %s, %s]}", items[META],
		   items[TABLE], items[CHAIN_PRE], items[CHAIN_FWD]);
	ASSERT_FALSE(b.failed);
	ASSERT_EQ(0, parse(b.s, &d, err));
	EXPECT_TRUE(d.present);
	EXPECT_EQ(0, d.nfwd);
	EXPECT_EQ(0, d.nqos);
	EXPECT_EQ(0, d.foreign);
	EXPECT_STREQ("", d.wan);
	EXPECT_EQ(1, gw_nft_dump_matches(&d, &want, err, sizeof(err)));
	gw_nft_dump_free(&d);
	gw_buf_free(&b);
}

/* One way a listing differs from what a sync writes. */
struct drift {
	const char *what;
	int swap;		/* item replaced, -1: none */
	const char *from, *to;	/* ...by itself with this substitution */
	int drop;		/* item left out, -1: none */
	const char *extra;	/* item added */
	const char *desc;	/* foreign_desc */
	size_t nfwd, nqos;	/* what is still recognised */
	unsigned int foreign;	/* how many things are foreign */
};

static const struct drift drifts[] = {
	{ "a rule someone added", -1, NULL, NULL, -1,
	  "{\"rule\": {\"family\": \"inet\", \"table\": \"i62608\", \"chain\": \"prerouting\","
	  " \"handle\": 9, \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\":"
	  " {\"protocol\": \"tcp\", \"field\": \"dport\"}}, \"right\": 22}}, {\"accept\": null}]}}",
	  "rule 9 of chain prerouting is not a port forward", 2, 2, 1 },
	{ "a chain someone added", -1, NULL, NULL, -1,
	  "{\"chain\": {\"family\": \"inet\", \"table\": \"i62608\", \"name\": \"mine\","
	  " \"handle\": 10}}", "chain mine", 2, 2, 1 },
	{ "a set someone added", -1, NULL, NULL, -1,
	  "{\"set\": {\"family\": \"inet\", \"name\": \"s\", \"table\": \"i62608\","
	  " \"type\": \"ipv4_addr\", \"handle\": 11}}", "a set in our table", 2, 2, 1 },
	{ "a garbage item", -1, NULL, NULL, -1, "42",
	  "an unexpected JSON item", 2, 2, 1 },
	{ "the nat chain's policy", CHAIN_PRE, "\"accept\"", "\"drop\"", -1, NULL,
	  "chain prerouting is not a nat prerouting chain at dstnat, policy accept", 2, 2, 1 },
	{ "the forward chain's priority", CHAIN_FWD, "-150", "0", -1, NULL,
	  "chain forward is not a filter forward chain at mangle, policy accept", 2, 2, 1 },
	{ "a forward on another WAN", FWD_UDP, "wan0", "wan1", -1, NULL,
	  "rule 4 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "a DNAT to port 0", FWD_TCP, "\"port\": 80", "\"port\": 0", -1, NULL,
	  "rule 3 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "a DNAT to a port beyond 65535", FWD_TCP, "\"port\": 80", "\"port\": 65536", -1, NULL,
	  "rule 3 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "a DNAT to IPv6", FWD_TCP, "\"ip\", \"addr\": \"192.168.1.20\"",
	  "\"ip6\", \"addr\": \"::1\"", -1, NULL,
	  "rule 3 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "a match other than ==", FWD_TCP, "\"op\": \"==\", \"left\": {\"payload\"",
	  "\"op\": \"!=\", \"left\": {\"payload\"", -1, NULL,
	  "rule 3 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "a forward without owner tag", FWD_TCP, "\"comment\": \"02:11:22:33:44:55\", ",
	  "", -1, NULL, "rule 3 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "an owner tag we would not write", FWD_TCP, "02:11:22:33:44:55", "a b",
	  -1, NULL, "rule 3 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "a statement after the DNAT", FWD_TCP, "\"port\": 80}}]",
	  "\"port\": 80}}, {\"accept\": null}]", -1, NULL,
	  "rule 3 of chain prerouting is not a port forward", 1, 2, 1 },
	{ "the same port forwarded twice", FWD_UDP,
	  "\"udp\", \"field\": \"dport\"}}, \"right\": 5000",
	  "\"tcp\", \"field\": \"dport\"}}, \"right\": 8080", -1, NULL,
	  "rule 4 forwards tcp port 8080 a second time", 1, 2, 1 },
	{ "a QoS rule without its other direction", -1, NULL, NULL, QOS21_DOWN, NULL,
	  "a QoS rule for 192.168.1.21 without its other direction", 2, 1, 1 },
	/* Both halves are then left without their pair. */
	{ "QoS directions that disagree", QOS21_DOWN, "\"value\": 10", "\"value\": 12",
	  -1, NULL, "a QoS rule for 192.168.1.21 without its other direction", 2, 1, 2 },
	/* A broken half, and the other half alone. */
	{ "a DSCP beyond 63", QOS20_UP, "\"value\": 46", "\"value\": 99", -1, NULL,
	  "rule 5 of chain forward is not QoS marking", 2, 1, 2 },
	{ "QoS on another LAN", QOS21_UP, "lan0", "lan1", -1, NULL,
	  "rule 7 of chain forward is not QoS marking", 2, 1, 2 },
	{ "a priority set to none", QOS20_UP, "\"1:6\"", "\"none\"", -1, NULL,
	  "rule 5 of chain forward is not QoS marking", 2, 1, 2 },
	{ "a QoS rule on the source for the downstream", QOS20_DOWN, "daddr", "saddr",
	  -1, NULL, "rule 6 of chain forward is not QoS marking", 2, 1, 2 },
	{ "a chain of another table", -1, NULL, NULL, -1,
	  "{\"chain\": {\"family\": \"inet\", \"table\": \"other\", \"name\": \"x\"}}",
	  "a chain outside our table", 2, 2, 1 },
	{ "a second table", -1, NULL, NULL, -1,
	  "{\"table\": {\"family\": \"ip\", \"name\": \"i62608\", \"handle\": 9}}",
	  "our table in both families", 2, 2, 1 },
};

TEST(nft_parse_finds_every_drift)
{
	struct gw_nft_state want = fixture_state();
	struct gw_nft_dump d;
	char err[GW_ERRLEN];
	size_t i;

	for (i = 0; i < GW_ARRAY_SIZE(drifts); i++) {
		const struct drift *t = &drifts[i];
		char *with = t->swap >= 0 ? subst(items[t->swap], t->from, t->to) : NULL;
		char *j = listing(t->drop, t->swap, with, t->extra);
		unsigned int nforeign = t->foreign;
		char prefix[160];

		TH_LOG("%s", t->what);
		ASSERT_EQ(0, parse(j, &d, err));
		EXPECT_EQ(nforeign, d.foreign);
		EXPECT_STREQ(t->desc, d.foreign_desc);
		EXPECT_EQ(t->nfwd, d.nfwd);
		EXPECT_EQ(t->nqos, d.nqos);
		EXPECT_EQ(0, gw_nft_dump_matches(&d, &want, err, sizeof(err)));
		snprintf(prefix, sizeof(prefix),
			 "our table has %u thing%s a sync does not write: %s",
			 nforeign, nforeign == 1 ? "" : "s", t->desc);
		EXPECT_STREQ(prefix, err);
		gw_nft_dump_free(&d);
		free(j);
		free(with);
	}
}

TEST(nft_parse_refuses_what_is_not_a_listing)
{
	struct gw_nft_dump d;
	char err[GW_ERRLEN];

	EXPECT_EQ(-EBADMSG, parse("{\"nftables\": [", &d, err));
	EXPECT_EQ(0, strncmp(err, "cannot parse the JSON of libnftables: ", 38));
	EXPECT_EQ(-EBADMSG, parse("", &d, err));
	EXPECT_EQ(-EBADMSG, parse("{\"tables\": []}", &d, err));
	EXPECT_STREQ("libnftables' JSON has no \"nftables\" array", err);
	EXPECT_EQ(-EBADMSG, parse("{\"nftables\": {}}", &d, err));
	EXPECT_EQ(-EBADMSG, parse("[1, 2]", &d, err));
	/* An empty listing: no table. */
	ASSERT_EQ(0, parse("{\"nftables\": []}", &d, err));
	EXPECT_FALSE(d.present);
	gw_nft_dump_free(&d);
}

/* ---- dnsmasq -------------------------------------------------------------------- */

static struct gw_dhcp_host host(const char *mac, const char *addr,
				const char *name)
{
	struct gw_dhcp_host h = { .addr = ip4(addr) };

	if (gw_parse_mac(mac, h.mac))
		abort();
	snprintf(h.hostname, sizeof(h.hostname), "%s", name);
	return h;
}

TEST(dhcp_host_checks)
{
	struct gw_dhcp_host h[2];
	char err[GW_ERRLEN];
	size_t i;
	static const char *const bad_names[] = {
		"45m", "12", "3d", "INFINITE", "ignore", "deleted", "-tv", "tv-",
		"living_room", "a.b", "tv\n",
	};
	static const char *const good_names[] = {
		"tv", "livingroom-tv", "45mx", "m45", "a", "x1-2",
	};

	h[0] = host("02:00:00:00:00:01", "192.168.1.20", "");
	EXPECT_EQ(0, gw_dhcp_host_check(&h[0], err, sizeof(err)));
	for (i = 0; i < GW_ARRAY_SIZE(good_names); i++) {
		h[0] = host("02:00:00:00:00:01", "192.168.1.20", good_names[i]);
		EXPECT_EQ(0, gw_dhcp_host_check(&h[0], err, sizeof(err)));
	}
	for (i = 0; i < GW_ARRAY_SIZE(bad_names); i++) {
		h[0] = host("02:00:00:00:00:01", "192.168.1.20", bad_names[i]);
		TH_LOG("%s", bad_names[i]);
		EXPECT_EQ(-EINVAL, gw_dhcp_host_check(&h[0], err, sizeof(err)));
	}
	h[0] = host("02:00:00:00:00:01", "192.168.1.20", "45m");
	gw_dhcp_host_check(&h[0], err, sizeof(err));
	EXPECT_STREQ("host name \"45m\" would be read as a lease time", err);
	memset(h[0].hostname, 'a', sizeof(h[0].hostname));
	EXPECT_EQ(-EINVAL, gw_dhcp_host_check(&h[0], err, sizeof(err)));
	h[0] = host("03:00:00:00:00:01", "192.168.1.20", "");
	EXPECT_EQ(-EINVAL, gw_dhcp_host_check(&h[0], err, sizeof(err)));
	EXPECT_STREQ("03:00:00:00:00:01 is a multicast MAC address", err);
	h[0] = host("00:00:00:00:00:00", "192.168.1.20", "");
	EXPECT_EQ(-EINVAL, gw_dhcp_host_check(&h[0], err, sizeof(err)));
	h[0] = host("02:00:00:00:00:01", "127.0.0.2", "");
	EXPECT_EQ(-EINVAL, gw_dhcp_host_check(&h[0], err, sizeof(err)));

	h[0] = host("02:00:00:00:00:01", "192.168.1.20", "tv");
	h[1] = host("02:00:00:00:00:02", "192.168.1.21", "Tv");
	EXPECT_EQ(-EINVAL, gw_dhcp_hosts_check(h, 2, err, sizeof(err)));
	EXPECT_STREQ("reservations 0 and 1 both name Tv", err);
	h[1] = host("02:00:00:00:00:02", "192.168.1.21", "");
	EXPECT_EQ(0, gw_dhcp_hosts_check(h, 2, err, sizeof(err)));
	/* Two without host names do not clash on their (empty) names. */
	h[0].hostname[0] = '\0';
	EXPECT_EQ(0, gw_dhcp_hosts_check(h, 2, err, sizeof(err)));
	EXPECT_EQ(-E2BIG, gw_dhcp_hosts_check(h, GW_MAX_HOSTS + 1, err,
					      sizeof(err)));
}

TEST(dnsmasq_file_both_ways)
{
	struct gw_dhcp_host h[3], *back;
	struct gw_buf b = { 0 };
	char err[GW_ERRLEN];
	size_t n;

	h[0] = host("02:00:00:00:00:09", "192.168.1.29", "");
	h[1] = host("02:00:00:00:00:01", "192.168.1.21", "livingroom-tv");
	h[2] = host("0A:00:00:00:00:05", "10.0.0.5", "nas");
	ASSERT_EQ(0, gw_dnsmasq_render(&b, h, 3));
	EXPECT_STREQ("# Static DHCP reservations of i62608d: rewritten whole on every change.\n"
		     "02:00:00:00:00:01,192.168.1.21,livingroom-tv\n"
		     "02:00:00:00:00:09,192.168.1.29\n"
		     "0a:00:00:00:00:05,10.0.0.5,nas\n", b.s);
	ASSERT_EQ(0, gw_dnsmasq_parse(b.s, &back, &n, err, sizeof(err)));
	ASSERT_EQ(3, n);
	EXPECT_EQ(0, memcmp(&back[0], &h[1], sizeof(h[1])));
	EXPECT_EQ(0, memcmp(&back[1], &h[0], sizeof(h[0])));
	EXPECT_EQ(0, memcmp(&back[2], &h[2], sizeof(h[2])));
	free(back);
	gw_buf_free(&b);

	ASSERT_EQ(0, gw_dnsmasq_render(&b, NULL, 0));
	ASSERT_EQ(0, gw_dnsmasq_parse(b.s, &back, &n, err, sizeof(err)));
	EXPECT_EQ(0, n);
	EXPECT_EQ(NULL, back);
	gw_buf_free(&b);
}

TEST(dnsmasq_parse_refuses_foreign_lines)
{
	static const char *const bad[] = {
		"02:00:00:00:00:01",
		"02:00:00:00:00:01,",
		"02:00:00:00:00:01,192.168.1.20,",
		"02:00:00:00:00:01,192.168.1.20,tv,1h",
		"02:00:00:00:00:01,192.168.1.20,45m",
		"dhcp-host=02:00:00:00:00:01,192.168.1.20",
		"02:00:00:00:00:01,192.168.1.300",
		" 02:00:00:00:00:01,192.168.1.20",
		"02:00:00:00:00:01,192.168.1.20\r",
		"id:abc,192.168.1.20",
	};
	struct gw_dhcp_host *h;
	char err[GW_ERRLEN], text[256];
	size_t i, n;

	for (i = 0; i < GW_ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), "# c\n\n%s\n", bad[i]);
		TH_LOG("%s", bad[i]);
		EXPECT_EQ(-EBADMSG, gw_dnsmasq_parse(text, &h, &n, err, sizeof(err)));
		EXPECT_EQ(0, strncmp(err, "line 3 is not a reservation of ours: \"", 38));
		EXPECT_EQ(NULL, h);
	}
	EXPECT_EQ(-EBADMSG, gw_dnsmasq_parse("02:00:00:00:00:01,10.0.0.1\n"
					     "02:00:00:00:00:01,10.0.0.2\n",
					     &h, &n, err, sizeof(err)));
	EXPECT_STREQ("reservations 0 and 1 are both for 02:00:00:00:00:01", err);
	/* No newline at the end is fine. */
	ASSERT_EQ(0, gw_dnsmasq_parse("02:00:00:00:00:01,10.0.0.1", &h, &n,
				      err, sizeof(err)));
	EXPECT_EQ(1, n);
	free(h);
}

/* ---- igmpproxy and UPnP ------------------------------------------------------------ */

TEST(igmp_config)
{
	struct gw_igmp_config c = {
		.upstream = "eth0", .downstream = { "br-lan", "wlan0" },
		.ndownstream = 2, .naltnet = 2, .quickleave = true,
	};
	const char *const disabled[] = { "eth1", "veth9", NULL };
	struct gw_buf b = { 0 };
	char err[GW_ERRLEN];

	c.altnet[0].net = ip4("10.0.0.0");
	c.altnet[0].len = 8;
	c.altnet[1].net = ip4("0.0.0.0");
	c.altnet[1].len = 0;
	ASSERT_EQ(0, gw_igmp_config_check(&c, err, sizeof(err)));
	ASSERT_EQ(0, gw_igmp_render(&b, &c, disabled));
	EXPECT_STREQ("# igmpproxy configuration of i62608d: rewritten whole on every change.\n"
		     "quickleave\n"
		     "phyint eth0 upstream ratelimit 0 threshold 1\n"
		     "\taltnet 10.0.0.0/8\n"
		     "\taltnet 0.0.0.0/0\n"
		     "phyint br-lan downstream ratelimit 0 threshold 1\n"
		     "phyint wlan0 downstream ratelimit 0 threshold 1\n"
		     "phyint eth1 disabled\n"
		     "phyint veth9 disabled\n", b.s);
	gw_buf_free(&b);

	c.altnet[1].net = ip4("10.1.0.0");
	c.altnet[1].len = 32;
	EXPECT_EQ(0, gw_igmp_config_check(&c, err, sizeof(err)));
	c.altnet[1].len = 15;
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	EXPECT_STREQ("alternate network 10.1.0.0/15 has host bits set", err);
	c.altnet[1].len = 200;
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	c.naltnet = GW_IGMP_MAX_ALTNET + 1;
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	c.naltnet = 0;
	snprintf(c.downstream[1], IFNAMSIZ, "eth0");
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	EXPECT_STREQ("eth0 is both upstream and downstream", err);
	snprintf(c.downstream[1], IFNAMSIZ, "br-lan");
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	EXPECT_STREQ("downstream br-lan is given twice", err);
	c.ndownstream = 0;
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	c.ndownstream = GW_IGMP_MAX_DOWNSTREAM + 1;
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	c.ndownstream = 1;
	c.upstream[0] = '\0';
	EXPECT_EQ(-EINVAL, gw_igmp_config_check(&c, err, sizeof(err)));
	EXPECT_STREQ("upstream: the interface name is empty", err);
}

TEST(igmp_vif_listing)
{
	char **v;

	v = gw_igmp_parse_vifs("Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote\n"
			       " 0 down0              0       0         0       0 00000 0102090A 00000000\n"
			       " 1 up0                0       0         0       0 00000 0101090A 00000000\n");
	ASSERT_NE(NULL, v);
	EXPECT_STREQ("down0", v[0]);
	EXPECT_STREQ("up0", v[1]);
	EXPECT_EQ(NULL, v[2]);
	gw_strv_free(v);
	v = gw_igmp_parse_vifs("Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote\n");
	ASSERT_NE(NULL, v);
	EXPECT_EQ(NULL, v[0]);
	gw_strv_free(v);
	/* A name longer than an interface's is not one. */
	v = gw_igmp_parse_vifs("h\n 0 abcdefghijklmnopq 0\n 1 ok 0");
	ASSERT_NE(NULL, v);
	EXPECT_STREQ("ok", v[0]);
	EXPECT_EQ(NULL, v[1]);
	gw_strv_free(v);
}

TEST(upnp_descriptions)
{
	EXPECT_STREQ("02:11:22:33:44:55", gw_upnp_desc_tag("i62608 02:11:22:33:44:55"));
	EXPECT_EQ(NULL, gw_upnp_desc_tag("i62608 "));
	EXPECT_EQ(NULL, gw_upnp_desc_tag("i62608 a b"));
	EXPECT_EQ(NULL, gw_upnp_desc_tag("i62608x"));
	EXPECT_EQ(NULL, gw_upnp_desc_tag("I62608 tv"));
	EXPECT_EQ(NULL, gw_upnp_desc_tag("libminiupnpc"));
	EXPECT_EQ(NULL, gw_upnp_desc_tag(""));
	EXPECT_EQ(NULL, gw_upnp_desc_tag("i62608 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
}

/* ---- helpers ------------------------------------------------------------------------- */

TEST(show_escapes_and_cuts)
{
	char buf[16];

	EXPECT_STREQ("abc", gw_show("abc", buf, sizeof(buf)));
	EXPECT_STREQ("a\\x0ab\\x5c", gw_show("a\nb\\", buf, sizeof(buf)));
	EXPECT_STREQ("0123456789ab...", gw_show("0123456789abcdefgh", buf, sizeof(buf)));
	EXPECT_EQ(15, strlen(gw_show("\x01\x02\x03\x04\x05", buf, sizeof(buf))));
	EXPECT_STREQ("", gw_show("abc", buf, 4));
}

TEST(buffer_grows)
{
	struct gw_buf b = { 0 };
	int i;

	for (i = 0; i < 1000; i++)
		gw_buf_add(&b, "%04d,", i);
	ASSERT_FALSE(b.failed);
	EXPECT_EQ(5000, b.len);
	EXPECT_EQ(5000, strlen(b.s));
	EXPECT_EQ(0, strncmp(b.s + 4995, "0999,", 5));
	gw_buf_free(&b);
	EXPECT_EQ(NULL, b.s);
}

FIXTURE(dir) {
	char path[64];
};

/* The harness defines these without a prototype. */
void dir_setup(struct __test_metadata *_metadata, FIXTURE_DATA(dir) *self,
	       const FIXTURE_VARIANT(dir) *variant);
void dir_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(dir) *self,
		  const FIXTURE_VARIANT(dir) *variant);

FIXTURE_SETUP(dir)
{
	snprintf(self->path, sizeof(self->path), "/tmp/gw_unit.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->path));
}

FIXTURE_TEARDOWN(dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->path);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->path);
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

TEST_F(dir, atomic_write_and_read)
{
	char path[128], err[GW_ERRLEN], *data;
	struct stat st;
	size_t len;

	snprintf(path, sizeof(path), "%s/f", self->path);
	ASSERT_EQ(0, gw_write_atomic(path, "one\n", 4, 0600, err, sizeof(err)));
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	ASSERT_EQ(0, gw_write_atomic(path, "two\n", 4, 0644, err, sizeof(err)));
	ASSERT_EQ(0, gw_read_file(path, 100, &data, &len, err, sizeof(err)));
	EXPECT_STREQ("two\n", data);
	EXPECT_EQ(4, len);
	free(data);
	EXPECT_EQ(-EFBIG, gw_read_file(path, 3, &data, &len, err, sizeof(err)));
	EXPECT_EQ(NULL, data);
	snprintf(path, sizeof(path), "%s/nosuch/f", self->path);
	EXPECT_EQ(-ENOENT, gw_write_atomic(path, "x", 1, 0644, err, sizeof(err)));
	EXPECT_EQ(-ENOENT, gw_read_file(path, 100, &data, &len, err, sizeof(err)));
	/* Only the file: no temporary file left beside it. */
	snprintf(path, sizeof(path), "ls -A '%s' | wc -l | grep -qx 1", self->path);
	EXPECT_EQ(0, system(path));
}

TEST_F(dir, pidfiles)
{
	static const char *const bad[] = {
		"", "\n", "abc\n", "0\n", "1\n", "-5\n", "12 34\n", "12\n\n",
		"99999999999999999999\n", " 12\n", "12x",
	};
	char path[128], err[GW_ERRLEN];
	pid_t pid;
	size_t i;

	snprintf(path, sizeof(path), "%s/p", self->path);
	EXPECT_EQ(-ENOENT, gw_pidfile_read(path, &pid, err, sizeof(err)));
	put_file(path, "1234\n");
	EXPECT_EQ(0, gw_pidfile_read(path, &pid, err, sizeof(err)));
	EXPECT_EQ(1234, pid);
	put_file(path, "1234");
	EXPECT_EQ(0, gw_pidfile_read(path, &pid, err, sizeof(err)));
	for (i = 0; i < GW_ARRAY_SIZE(bad); i++) {
		put_file(path, bad[i]);
		TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(-EBADMSG, gw_pidfile_read(path, &pid, err, sizeof(err)));
	}
	EXPECT_EQ(0, strncmp(err, "pidfile ", 8));
	/* Not a pidfile at all. */
	memset(err, 'x', 100);
	err[100] = '\0';
	put_file(path, err);
	EXPECT_EQ(-EBADMSG, gw_pidfile_read(path, &pid, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "holds more than a pid"));
}

TEST(proc_checks)
{
	char self[32];

	snprintf(self, sizeof(self), "%d", (int)getpid());
	EXPECT_TRUE(gw_proc_is(getpid(), "gw_unit_test"));
	EXPECT_FALSE(gw_proc_is(getpid(), "dnsmasq"));
	EXPECT_FALSE(gw_proc_is(0x7ffffff0, "gw_unit_test"));
	EXPECT_FALSE(gw_proc_has_arg(getpid(), "no-such-argument"));
}

TEST_HARNESS_MAIN
