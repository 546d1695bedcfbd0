// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d's policy file: the grammar of docs/i62608d.md accepted, every
 * error reported as FILE:LINE: with what was wrong, hostile input (long
 * lines, NUL bytes, unterminated quotes, too many of anything) refused
 * without harm, rules matched as documented, and the cloud client's
 * settings taken as the client takes them.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "kselftest_harness.h"
#include "policy.h"
#include "report.h"

static const char good[] =
"# a complete policy\n"
"lan 192.168.1.0/24\n"
"gateway 192.168.1.254\n"
"dns 192.168.1.254 9.9.9.9\n"
"wan eth0\n"
"lan-interface br-lan\n"
"dhcp-hosts /var/lib/i62608/dhcp-hosts\n"
"igmp-proxy eth0 altnet 10.0.0.0/8 altnet 172.16.0.0/12\n"
"pool media 192.168.1.100 192.168.1.149   # set-top boxes, TVs\n"
"pool iot 192.168.1.150 192.168.1.199\n"
"\n"
"rule stb\n"
"\tmatch type stb tv\n"
"\tmatch vendor \"Example*\" acme\n"
"\taddress static media\n"
"\tqos video priority 4\n"
"\tforward tcp 8080 to 80\n"
"\tforward udp 5004\n"
"\tmulticast yes\n"
"\tservice iptv on\n"
"\tservice upnp off\n"
"rule cameras\n"
"\tmatch mac 02:11:22:00:00:00/24\n"
"\taddress reserve iot\n"
"\tqos background dscp 10\r\n"
"rule nas\n"
"\tmatch model \"NAS 2*\"\n"
"\taddress dhcp\n"
"rule rest\n";

static struct policy *parse(const char *text, char *err, size_t errlen)
{
	return policy_parse(text, strlen(text), "policy.conf", err, errlen);
}

TEST(good_policy)
{
	char err[2048];
	struct policy *p = parse(good, err, sizeof(err));
	const struct policy_rule *r;

	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	EXPECT_EQ(0xc0a80100u, p->lan);
	EXPECT_EQ(24, p->lan_plen);
	EXPECT_EQ(0xc0a801feu, p->gateway);
	ASSERT_EQ(2, p->n_dns);
	EXPECT_EQ(0x09090909u, p->dns[1]);
	ASSERT_EQ(2, p->n_pools);
	EXPECT_STREQ("iot", p->pools[1].name);
	EXPECT_EQ(0xc0a80196u, p->pools[1].first);
	ASSERT_EQ(4, p->n_rules);

	r = &p->rules[0];
	EXPECT_STREQ("stb", r->name);
	EXPECT_EQ(12, r->line);
	EXPECT_STREQ("eth0", p->gw.wan);
	EXPECT_STREQ("br-lan", p->gw.lan_if);
	EXPECT_STREQ("/var/lib/i62608/dhcp-hosts", p->gw.dhcp_hosts);
	EXPECT_STREQ("/run/dnsmasq/dnsmasq.pid", p->gw.dnsmasq_pid);
	EXPECT_STREQ("eth0", p->gw.igmp_upstream);
	ASSERT_EQ(2, p->gw.n_altnets);
	EXPECT_EQ(12, p->gw.altnet_len[1]);
	ASSERT_EQ(2, r->n_matches);
	EXPECT_EQ(POLICY_MATCH_TYPE, r->matches[0].kind);
	EXPECT_EQ(2, r->matches[0].n_values);
	EXPECT_EQ(I62608_DEV_TV, r->matches[0].values[1].type);
	EXPECT_STREQ("Example*", r->matches[1].values[0].pattern);
	EXPECT_EQ(POLICY_ADDR_STATIC, r->addr_mode);
	EXPECT_EQ(0, r->pool);
	/* video: AF41 by default, the priority as given */
	EXPECT_EQ(I62608_QOS_VIDEO, r->qos.class);
	EXPECT_EQ(34, r->qos.dscp);
	EXPECT_EQ(4, r->qos.priority);
	ASSERT_EQ(2, r->n_forwards);
	EXPECT_EQ(IPPROTO_TCP, r->forwards[0].proto);
	EXPECT_EQ(8080, r->forwards[0].port);
	EXPECT_EQ(80, r->forwards[0].to_port);
	EXPECT_EQ(5004, r->forwards[1].to_port);
	EXPECT_EQ(1, r->multicast);
	ASSERT_EQ(2, r->n_services);
	EXPECT_FALSE(r->services[1].on);

	r = &p->rules[1];
	EXPECT_EQ(24, r->matches[0].values[0].mac_bits);
	EXPECT_EQ(POLICY_ADDR_RESERVE, r->addr_mode);
	EXPECT_EQ(10, r->qos.dscp);
	EXPECT_EQ(1, r->qos.priority);
	EXPECT_EQ(-1, r->multicast);

	r = &p->rules[3];
	EXPECT_EQ(0, r->n_matches);
	EXPECT_FALSE(r->has_address);
	policy_free(p);
}

TEST(defaults)
{
	char err[512];
	struct policy *p = parse("lan 10.1.0.0/16\n", err, sizeof(err));

	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	/* The gateway is the first host, and the only DNS server. */
	EXPECT_EQ(0x0a010001u, p->gateway);
	ASSERT_EQ(1, p->n_dns);
	EXPECT_EQ(p->gateway, p->dns[0]);
	EXPECT_EQ(0, p->n_rules);
	policy_free(p);
}

/* Each case: a policy, and the one error it must give. */
static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "", "policy.conf: no 'lan' statement" },
	{ "# only a comment\n", "policy.conf: no 'lan' statement" },
	{ "lan 192.168.1.0/24\nwan eth0\nwan eth1\n", "policy.conf:3: wan given twice" },
	{ "lan 192.168.1.0/24\nwan eth/0\n", "policy.conf:2: wan: 'eth/0' is not an interface name" },
	{ "lan 192.168.1.0/24\nlan-interface a-very-long-name0\n", "policy.conf:2: lan-interface: 'a-very-long-name0' is not an interface name" },
	{ "lan 192.168.1.0/24\ndhcp-hosts relative/path\n", "policy.conf:2: dhcp-hosts: 'relative/path' is not an absolute path" },
	{ "lan 192.168.1.0/24\ndhcp-hosts /a pidfile /b\n", "policy.conf:2: dhcp-hosts: expected 'dhcp-hosts PATH [pid PATH]'" },
	{ "lan 192.168.1.0/24\nigmp-proxy eth0\n", "policy.conf:2: igmp-proxy needs 'lan-interface'" },
	{ "lan 192.168.1.0/24\nlan-interface br0\nigmp-proxy br0\n", "policy.conf:3: igmp-proxy: the upstream br0 is the lan-interface" },
	{ "lan 192.168.1.0/24\nigmp-proxy eth0 altnet 10.0.0.1/8\n", "policy.conf:2: igmp-proxy: altnet '10.0.0.1/8' is not A.B.C.D/LEN without host bits" },
	{ "lan 192.168.1.0/24\nigmp-proxy eth0 alt 10.0.0.0/8\n", "policy.conf:2: igmp-proxy: 'alt' is not altnet" },
	{ "lan 192.168.1.0/24\nlan 10.0.0.0/8\n", "policy.conf:2: lan given twice (first on line 1)" },
	{ "lan 192.168.1.1/24\n", "policy.conf:1: lan: '192.168.1.1/24' has host bits set (the network is 192.168.1.0/24)" },
	{ "lan 192.168.1.0/31\n", "policy.conf:1: lan: prefix length 31: a LAN is /8 to /30" },
	{ "lan 192.168.1.0/024\n", "policy.conf:1: lan: '192.168.1.0/024' is not A.B.C.D/LEN" },
	{ "lan 300.1.1.0/24\n", "policy.conf:1: lan: '300.1.1.0/24' is not A.B.C.D/LEN" },
	{ "gateway 192.168.1.1\n", "policy.conf:1: gateway: 'lan' must come first" },
	{ "lan 192.168.1.0/24\ngateway 192.168.2.1\n", "policy.conf:2: gateway: 192.168.2.1 is not a host address of the lan" },
	{ "lan 192.168.1.0/24\ngateway 192.168.1.255\n", "policy.conf:2: gateway: 192.168.1.255 is not a host address of the lan" },
	{ "lan 192.168.1.0/24\ndns 1.1.1.1 1.1.1.1\n", "policy.conf:2: dns: 1.1.1.1 given twice" },
	{ "lan 192.168.1.0/24\ndns 1.1.1.1 2.2.2.2 3.3.3.3\n", "policy.conf:2: dns: expected" },
	{ "lan 192.168.1.0/24\npool Media 192.168.1.10 192.168.1.20\n", "policy.conf:2: pool: 'Media' is not a name" },
	{ "lan 192.168.1.0/24\npool a 192.168.1.20 192.168.1.10\n", "policy.conf:2: pool a: 192.168.1.20 comes after 192.168.1.10" },
	{ "lan 192.168.1.0/24\npool a 192.168.1.0 192.168.1.10\n", "policy.conf:2: pool a: 192.168.1.0-192.168.1.10 is not inside the lan's host addresses" },
	{ "lan 192.168.1.0/24\npool a 192.168.1.10 192.168.2.10\n", "is not inside the lan's host addresses" },
	{ "lan 192.168.1.0/24\npool a 192.168.1.10 192.168.1.20\npool b 192.168.1.20 192.168.1.30\n", "policy.conf:3: pool b overlaps pool a (line 2)" },
	{ "lan 192.168.1.0/24\npool a 192.168.1.10 192.168.1.20\npool a 192.168.1.30 192.168.1.40\n", "policy.conf:3: pool a: defined twice (first on line 2)" },
	{ "lan 192.168.1.0/24\npool a 192.168.1.1 192.168.1.20\n", "policy.conf:2: pool a holds the gateway's address" },
	{ "lan 192.168.1.0/24\nmatch type tv\n", "policy.conf:2: match: only inside a rule ('rule NAME' first)" },
	{ "lan 192.168.1.0/24\nrule a\npool p 192.168.1.10 192.168.1.20\n", "policy.conf:3: pool: global statements come before the first rule" },
	{ "lan 192.168.1.0/24\nrule a\nrule a\n", "policy.conf:3: rule a: defined twice (first on line 2)" },
	{ "lan 192.168.1.0/24\nrule a b\n", "policy.conf:2: rule: expected 'rule NAME'" },
	{ "lan 192.168.1.0/24\nrule a\n\tmatch typ tv\n", "policy.conf:3: match: 'typ' is not type, vendor, model or mac" },
	{ "lan 192.168.1.0/24\nrule a\n\tmatch type toaster\n", "policy.conf:3: match type: 'toaster' is not a device type" },
	{ "lan 192.168.1.0/24\nrule a\n\tmatch mac 02:11:22:33:44:55/24\n", "policy.conf:3: match mac: '02:11:22:33:44:55/24' has bits set past its prefix length" },
	{ "lan 192.168.1.0/24\nrule a\n\tmatch mac 02:11:22:33:44\n", "policy.conf:3: match mac: '02:11:22:33:44' is not" },
	{ "lan 192.168.1.0/24\nrule a\n\tmatch mac 02:11:22:33:44:55/0\n", "is not xx:xx:xx:xx:xx:xx[/1-48]" },
	{ "lan 192.168.1.0/24\nrule a\n\tmatch vendor \"\"\n", "policy.conf:3: match vendor: a pattern is 1 to 32 bytes" },
	{ "lan 192.168.1.0/24\nrule a\n\taddress static nopool\n", "policy.conf:3: address static: no pool named 'nopool'" },
	{ "lan 192.168.1.0/24\nrule a\n\taddress dhcp\n\taddress dhcp\n", "policy.conf:4: rule a: address given twice" },
	{ "lan 192.168.1.0/24\nrule a\n\taddress static\n", "policy.conf:3: address: expected" },
	{ "lan 192.168.1.0/24\nrule a\n\tqos gold\n", "policy.conf:3: qos: 'gold' is not a class" },
	{ "lan 192.168.1.0/24\nrule a\n\tqos video dscp 64\n", "policy.conf:3: qos: dscp '64' is not 0 to 63" },
	{ "lan 192.168.1.0/24\nrule a\n\tqos video priority 8\n", "policy.conf:3: qos: priority '8' is not 0 to 7" },
	{ "lan 192.168.1.0/24\nrule a\n\tqos video dscp 1 dscp 2\n", "policy.conf:3: qos: 'dscp' is not dscp or priority, or given twice" },
	{ "lan 192.168.1.0/24\nrule a\n\tqos video dscp\n", "policy.conf:3: qos: expected" },
	{ "lan 192.168.1.0/24\nrule a\n\tforward sctp 80\n", "policy.conf:3: forward: 'sctp' is not tcp or udp" },
	{ "lan 192.168.1.0/24\nrule a\n\tforward tcp 0\n", "policy.conf:3: forward: '0' is not a port (1-65535)" },
	{ "lan 192.168.1.0/24\nrule a\n\tforward tcp 80 to 65536\n", "policy.conf:3: forward: '65536' is not a port" },
	{ "lan 192.168.1.0/24\nrule a\n\tforward tcp 80 from 81\n", "policy.conf:3: forward: expected" },
	{ "lan 192.168.1.0/24\nrule a\n\tforward tcp 80\n", "policy.conf:2: rule a: forwards need an address the gateway knows" },
	{ "lan 192.168.1.0/24\npool p 192.168.1.10 192.168.1.20\nrule a\n\taddress static p\n\tforward tcp 80\n\tforward tcp 80 to 81\n", "policy.conf:6: forward: tcp port 80 given twice in rule a" },
	{ "lan 192.168.1.0/24\npool p 192.168.1.10 192.168.1.20\nrule a\n\taddress static p\n\tforward tcp 80\nrule b\n\taddress static p\n\tforward tcp 80\n", "policy.conf:6: rule b: tcp port 80 is forwarded by rule a (line 3) too" },
	{ "lan 192.168.1.0/24\nrule a\n\tmulticast maybe\n", "policy.conf:3: multicast: expected 'multicast yes' or 'multicast no'" },
	{ "lan 192.168.1.0/24\nrule a\n\tmulticast yes\n\tmulticast no\n", "policy.conf:4: rule a: multicast given twice" },
	{ "lan 192.168.1.0/24\nrule a\n\tservice iptv yes\n", "policy.conf:3: service: expected 'service NAME on' or 'service NAME off'" },
	{ "lan 192.168.1.0/24\nrule a\n\tservice IPTV on\n", "policy.conf:3: service: 'IPTV' is not a service name" },
	{ "lan 192.168.1.0/24\nrule a\n\tservice iptv on\n\tservice iptv off\n", "policy.conf:4: service iptv given twice in rule a" },
	{ "lan 192.168.1.0/24\nfrobnicate\n", "policy.conf:2: unknown statement 'frobnicate'" },
	{ "lan 192.168.1.0/24\nrule \"a\n", "policy.conf:2: a quoted word does not end" },
	{ "lan 192.168.1.0/24\nrule \"a\"b\n", "policy.conf:2: a quoted word must be followed by a blank" },
	{ "lan 192.168.1.0/24\nrule a\x01\n", "policy.conf:2: control character 0x01" },
	{ "lan 192.168.1.0/24\n\xff\xfe\n", "policy.conf:2: unknown statement '\\xff\\xfe'" },
	{ "lan 192.168.1.0/24\na b c d e f g h i j k l m n o p q r s t u v w x y z\n", "policy.conf:2: more than 24 words on a line" },
	/* The cloud client's settings and the gateway's identity. */
	{ "lan 192.168.1.0/24\ncloud_bogus 1\n", "policy.conf:2: cloud_bogus: not a setting of the cloud client" },
	{ "lan 192.168.1.0/24\ncloud_Service_url x\n", "policy.conf:2: unknown statement 'cloud_Service_url'" },
	{ "lan 192.168.1.0/24\ncloud_service_url http://h\n", "policy.conf:2: cloud_service_url: 'http://h' is not https://HOST[:PORT]" },
	{ "lan 192.168.1.0/24\ncloud_service_url https://h/v1\n", "is not https://HOST[:PORT] (no path" },
	{ "lan 192.168.1.0/24\ncloud_gateway_id \"a b\"\n", "policy.conf:2: cloud_gateway_id: 'a b' is not a gateway id" },
	{ "lan 192.168.1.0/24\ncloud_poll_period 10x\n", "policy.conf:2: cloud_poll_period:" },
	{ "lan 192.168.1.0/24\ncloud_timeout 1s 2s\n", "policy.conf:2: cloud_timeout: expected 'cloud_timeout VALUE'" },
	{ "lan 192.168.1.0/24\ncloud_ca /a\ncloud_ca /b\n", "policy.conf:3: cloud_ca given twice (first on line 2)" },
	{ "lan 192.168.1.0/24\nrule a\ncloud_ca /a\n", "policy.conf:3: cloud_ca: global statements come before the first rule" },
	{ "lan 192.168.1.0/24\ncloud_gateway_id g\ncloud_service_url https://h\n", "policy.conf:3: cloud_service_url needs 'identity vendor V model M'" },
	{ "lan 192.168.1.0/24\nidentity vendor V\n", "policy.conf:2: identity: expected 'identity vendor V model M [serial S] [firmware F]'" },
	{ "lan 192.168.1.0/24\nidentity vendor V serial S\n", "policy.conf:2: identity: vendor and model are required" },
	{ "lan 192.168.1.0/24\nidentity vendor V model M color red\n", "policy.conf:2: identity: 'color' is not vendor, model, serial or firmware" },
	{ "lan 192.168.1.0/24\nidentity vendor V model M vendor W\n", "policy.conf:2: identity: vendor given twice" },
	{ "lan 192.168.1.0/24\nidentity vendor \"V\xc3\xa9\" model M\n", "policy.conf:2: identity: vendor 'V\\xc3\\xa9' is not 1 to 64 printable ASCII characters" },
	{ "lan 192.168.1.0/24\nidentity vendor V model M\nidentity vendor V model M\n", "policy.conf:3: identity given twice (first on line 2)" },
	/* Where forwards go. */
	{ "lan 192.168.1.0/24\ngateway-backend pf\n", "policy.conf:2: gateway-backend: expected 'gateway-backend nftables' or 'gateway-backend upnp URL|discover [lease SECONDS]'" },
	{ "lan 192.168.1.0/24\ngateway-backend upnp https://igd/x.xml\n", "policy.conf:2: gateway-backend: 'https://igd/x.xml' is not an http:// URL" },
	{ "lan 192.168.1.0/24\ngateway-backend upnp \"http://igd/a b\"\n", "policy.conf:2: gateway-backend: 'http://igd/a b' is not an http:// URL" },
	{ "lan 192.168.1.0/24\ngateway-backend upnp discover lease 30\n", "policy.conf:2: gateway-backend: lease '30' is not 0 (permanent) or 60 to 604800 seconds" },
	{ "lan 192.168.1.0/24\ngateway-backend upnp discover lease 604801\n", "lease '604801' is not 0" },
	{ "lan 192.168.1.0/24\ngateway-backend upnp discover ttl 60\n", "policy.conf:2: gateway-backend: expected" },
	{ "lan 192.168.1.0/24\ngateway-backend nftables\ngateway-backend nftables\n", "policy.conf:3: gateway-backend given twice (first on line 2)" },
};

TEST(errors_have_line_numbers)
{
	char err[4096];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct policy *p = parse(bad[i].text, err, sizeof(err));

		EXPECT_EQ(NULL, p) TH_LOG("case %zu was accepted", i);
		policy_free(p);
		EXPECT_NE(NULL, strstr(err, bad[i].error))
			TH_LOG("case %zu: got \"%s\", want \"%s\"", i, err, bad[i].error);
	}
}

TEST(every_error_reported)
{
	static const char text[] =
		"lan 192.168.1.0/24\n"
		"rule a\n"
		"\tadress dhcp\n"		/* 3 */
		"\tmatch type tv\n"
		"\tqos gold\n"			/* 5 */
		"rule b c\n"			/* 6 */
		"\tmatch type radio\n"		/* 7: in a refused rule, not checked */
		"rule d\n"
		"\tservice x maybe\n";		/* 9 */
	char err[4096];

	ASSERT_EQ(NULL, parse(text, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "policy.conf:3: unknown statement 'adress'"));
	EXPECT_NE(NULL, strstr(err, "\npolicy.conf:5: qos:"));
	EXPECT_NE(NULL, strstr(err, "\npolicy.conf:6: rule:"));
	EXPECT_EQ(NULL, strstr(err, "policy.conf:7:"));
	EXPECT_NE(NULL, strstr(err, "\npolicy.conf:9: service:"));
}

TEST(hostile_sizes)
{
	size_t big = POLICY_MAX_BYTES + 1, i, n;
	char *text = malloc(big + 64), err[4096];
	struct policy *p;

	ASSERT_NE(NULL, text);
	/* A file over the bound is refused whole. */
	memset(text, '#', big);
	EXPECT_EQ(NULL, policy_parse(text, big, "policy.conf", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "larger than"));

	/* A line over the bound, then a valid file: the line is named. */
	n = (size_t)sprintf(text, "lan 10.0.0.0/8\n#");
	memset(text + n, 'x', POLICY_MAX_LINE + 10);
	n += POLICY_MAX_LINE + 10;
	n += (size_t)sprintf(text + n, "\nrule a\n");
	EXPECT_EQ(NULL, policy_parse(text, n, "policy.conf", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "policy.conf:2: line longer than 1024 bytes")) TH_LOG("%s", err);

	/* A NUL byte inside a line. */
	memcpy(text, "lan 10.0.0.0/8\nrule a\0b\n", 24);
	EXPECT_EQ(NULL, policy_parse(text, 24, "policy.conf", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "policy.conf:2: NUL byte in the line"));

	/* Thousands of errors: the first ones and a count, within @err. */
	n = (size_t)sprintf(text, "lan 10.0.0.0/8\n");
	for (i = 0; n + 8 < big && i < 5000; i++)
		n += (size_t)sprintf(text + n, "junk\n");
	EXPECT_EQ(NULL, policy_parse(text, n, "policy.conf", err, sizeof(err)));
	{
		const char *tail = strstr(err, "\npolicy.conf: 5000 errors, the first ");
		unsigned int shown = 0, lines = 0;
		const char *c;

		ASSERT_NE(NULL, tail) TH_LOG("%s", err);
		ASSERT_EQ(1, sscanf(tail, "\npolicy.conf: 5000 errors, the first %u shown",
				    &shown));
		/* As many as fit whole, at most 20, each on its line. */
		EXPECT_LE(shown, 20);
		EXPECT_GE(shown, 15);
		for (c = err; *c; c++)
			lines += *c == '\n';
		EXPECT_EQ(shown, lines);
	}
	/* In a smaller buffer: fewer shown, the count still there. */
	EXPECT_EQ(NULL, policy_parse(text, n, "policy.conf", err, 1024));
	EXPECT_NE(NULL, strstr(err, "\npolicy.conf: 5000 errors, the first 4 shown")) TH_LOG("%s", err);
	EXPECT_LT(strlen(err), 1024);
	EXPECT_LT(strlen(err), sizeof(err));

	/* A tiny error buffer is never overrun. */
	EXPECT_EQ(NULL, policy_parse(text, n, "policy.conf", err, 8));
	EXPECT_EQ(7, strlen(err));

	/* More rules than allowed. */
	n = (size_t)sprintf(text, "lan 10.0.0.0/8\n");
	for (i = 0; i <= POLICY_MAX_RULES; i++)
		n += (size_t)sprintf(text + n, "rule r%zu\n", i);
	p = policy_parse(text, n, "policy.conf", err, sizeof(err));
	EXPECT_EQ(NULL, p);
	EXPECT_NE(NULL, strstr(err, "policy.conf:258: more than 256 rules")) TH_LOG("%s", err);
	free(text);
}

TEST(load_from_file)
{
	char path[] = "/tmp/policy_test.XXXXXX", err[512];
	struct policy *p;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(good), write(fd, good, strlen(good)));
	close(fd);
	p = policy_load(path, err, sizeof(err));
	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	EXPECT_EQ(4, p->n_rules);
	policy_free(p);
	unlink(path);
	EXPECT_EQ(NULL, policy_load(path, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "No such file or directory"));
	EXPECT_EQ(NULL, policy_load("/tmp", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "not a regular file"));
}

/* The cloud client's settings: taken as cloud_conf_set() takes them. */
TEST(cloud_settings)
{
	static const char text[] =
		"lan 192.168.1.0/24\n"
		"identity vendor Example model \"HG 1\" firmware 2.1\n"
		"cloud_gateway_id gw-1\n"
		"cloud_service_url https://cloud.example:8443/\n"
		"cloud_failure_url https://[::1]:9000\n"
		"cloud_cert /etc/i62608/gw.crt\n"
		"cloud_key /etc/i62608/gw.key\n"
		"cloud_ca /etc/i62608/ca.crt\n"
		"cloud_poll_period 10s\n"
		"cloud_quality_period 0\n"
		"rule a\n";
	char err[1024], path[] = "/tmp/policy_test.XXXXXX", *t;
	struct policy *p = parse(text, err, sizeof(err));
	int fd;

	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	EXPECT_TRUE(p->has_cloud);
	EXPECT_STREQ("gw-1", p->cloud.gateway_id);
	EXPECT_STREQ("https://cloud.example:8443", p->cloud.url[CLOUD_ROLE_SERVICE]);
	EXPECT_STREQ("https://[::1]:9000", p->cloud.url[CLOUD_ROLE_FAILURE]);
	EXPECT_STREQ("", p->cloud.url[CLOUD_ROLE_QUALITY]);
	EXPECT_EQ(10000, p->cloud.poll_period_ms);
	EXPECT_EQ(0, p->cloud.quality_period_ms);
	/* Not given: the client's defaults. */
	EXPECT_EQ(1000, p->cloud.backoff_min_ms);
	EXPECT_STREQ("Example", p->ident.vendor);
	EXPECT_STREQ("HG 1", p->ident.model);
	EXPECT_STREQ("", p->ident.serial);
	EXPECT_STREQ("2.1", p->ident.firmware);
	policy_free(p);

	/* Without cloud_* statements there is no cloud. */
	p = parse("lan 192.168.1.0/24\n", err, sizeof(err));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(p->has_cloud);
	policy_free(p);

	/* Loaded from a file, the settings must be usable: files readable. */
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(text), write(fd, text, strlen(text)));
	close(fd);
	EXPECT_EQ(NULL, policy_load(path, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "cloud_cert /etc/i62608/gw.crt: No such file or directory"))
		TH_LOG("%s", err);
	/* The same with the files there. */
	t = malloc(strlen(text) + 256);
	ASSERT_NE(NULL, t);
	snprintf(t, strlen(text) + 256,
		 "lan 192.168.1.0/24\ncloud_gateway_id gw-1\n"
		 "cloud_failure_url https://h\ncloud_cert %s\ncloud_key %s\n"
		 "cloud_ca %s\n", path, path, path);
	fd = open(path, O_WRONLY | O_TRUNC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(t), write(fd, t, strlen(t)));
	close(fd);
	p = policy_load(path, err, sizeof(err));
	EXPECT_NE(NULL, p) TH_LOG("%s", err);
	policy_free(p);
	/* Settings, but no server at all. */
	snprintf(t, strlen(text) + 256, "lan 192.168.1.0/24\ncloud_gateway_id gw-1\n");
	fd = open(path, O_WRONLY | O_TRUNC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(t), write(fd, t, strlen(t)));
	close(fd);
	EXPECT_EQ(NULL, policy_load(path, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no cloud server")) TH_LOG("%s", err);
	free(t);
	unlink(path);
}

TEST(gateway_backend)
{
	char err[512];
	struct policy *p;

	p = parse("lan 10.0.0.0/8\n", err, sizeof(err));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(POLICY_FWD_NFTABLES, p->gw.fwd_backend);
	policy_free(p);
	p = parse("lan 10.0.0.0/8\ngateway-backend upnp http://10.0.0.254:5000/rootDesc.xml lease 3600\n",
		  err, sizeof(err));
	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	EXPECT_EQ(POLICY_FWD_UPNP, p->gw.fwd_backend);
	EXPECT_STREQ("http://10.0.0.254:5000/rootDesc.xml", p->gw.upnp_url);
	EXPECT_EQ(3600, p->gw.upnp_lease_s);
	policy_free(p);
	/* Discovered, permanent. */
	p = parse("lan 10.0.0.0/8\ngateway-backend upnp discover\n", err, sizeof(err));
	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	EXPECT_EQ(POLICY_FWD_UPNP, p->gw.fwd_backend);
	EXPECT_STREQ("", p->gw.upnp_url);
	EXPECT_EQ(0, p->gw.upnp_lease_s);
	policy_free(p);
}

TEST(matching)
{
	struct policy_device d = { .mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 } };
	char err[2048];
	struct policy *p = parse(good, err, sizeof(err));
	const struct policy_rule *r;

	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	/* No REPORT yet: the MAC rule matches; type rules cannot. */
	r = policy_match(p, &d);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("cameras", r->name);

	/* Every match line must hold: type and vendor (any case, glob). */
	d.mac[0] = 0x06;
	d.has_identity = true;
	d.device_type = I62608_DEV_TV;
	d.vendor = "EXAMPLE corp";
	EXPECT_STREQ("stb", policy_match(p, &d)->name);
	d.vendor = "Other";
	EXPECT_STREQ("rest", policy_match(p, &d)->name);
	d.vendor = "ACME";
	EXPECT_STREQ("stb", policy_match(p, &d)->name);

	d.device_type = I62608_DEV_NAS;
	d.model = "nas 200";
	EXPECT_STREQ("nas", policy_match(p, &d)->name);
	d.model = "NAS 300";
	EXPECT_STREQ("rest", policy_match(p, &d)->name);
	policy_free(p);

	/* Without a catch-all rule, nothing. */
	p = parse("lan 10.0.0.0/8\nrule tv\n\tmatch type tv\n", err, sizeof(err));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(NULL, policy_match(p, &d));
	policy_free(p);
}

TEST_HARNESS_MAIN
