// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d's planner: addresses from pools (kept, stable per MAC, never
 * the gateway's or another device's, a full pool said), what a device
 * lacks the capabilities for left out, templates and overrides merged
 * over the rule field by field, gateway rules,
 * a renumbered LAN re-planned, and drift seen in a REPORT.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "kselftest_harness.h"
#include "plan.h"

#define ALL_CAPS (I62608_CAP_IPV4 | I62608_CAP_DHCP4 | I62608_CAP_STATIC | \
		  I62608_CAP_SERVICES | I62608_CAP_QOS | I62608_CAP_CONFIG | \
		  I62608_CAP_SECURITY)

static const char policy_text[] =
"lan 192.168.1.0/24\n"
"dns 192.168.1.1 9.9.9.9\n"
"pool media 192.168.1.100 192.168.1.103\n"
"pool tiny 192.168.1.200 192.168.1.200\n"
"rule stb\n"
"\tmatch type stb\n"
"\taddress static media\n"
"\tqos video\n"
"\tforward tcp 8080 to 80\n"
"\tmulticast yes\n"
"\tservice iptv on\n"
"\tservice upnp off\n"
"rule nas\n"
"\tmatch type nas\n"
"\taddress reserve tiny\n"
"\tforward tcp 445\n"
"rule iot\n"
"\tmatch type iot\n"
"\taddress dhcp\n";

FIXTURE(plan) {
	struct policy *p;
	struct i62608_report r;
	struct plan_input in;
	struct plan_result res;
};

void plan_setup(struct __test_metadata *_metadata, FIXTURE_DATA(plan) *self,
		const FIXTURE_VARIANT(plan) *variant);
void plan_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(plan) *self,
		   const FIXTURE_VARIANT(plan) *variant);

static void device(struct i62608_report *r, uint8_t type, uint32_t caps)
{
	memset(r, 0, sizeof(*r));
	r->device_type = type;
	r->caps = caps;
	strcpy(r->vendor, "Example");
	r->n_ifaces = 1;
	strcpy(r->ifaces[0].name, "eth0");
	memcpy(r->ifaces[0].mac, "\x02\x00\x00\x00\x00\xa1", 6);
	r->ifaces[0].flags = I62608_IFF_UP | I62608_IFF_CARRIER | I62608_IFF_DHCP4;
	r->n_services = 2;
	strcpy(r->services[0].name, "iptv");
	strcpy(r->services[1].name, "web");
}

FIXTURE_SETUP(plan)
{
	char err[1024];

	self->p = policy_parse(policy_text, strlen(policy_text), "p", err, sizeof(err));
	ASSERT_NE(NULL, self->p) TH_LOG("%s", err);
	device(&self->r, I62608_DEV_STB, ALL_CAPS);
	memset(&self->in, 0, sizeof(self->in));
	memcpy(self->in.mac, "\x02\x00\x00\x00\x00\xa1", 6);
	self->in.report = &self->r;
}

FIXTURE_TEARDOWN(plan)
{
	policy_free(self->p);
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return ntohl(a.s_addr);
}

static bool has_rule(const struct plan_result *res, const char *want)
{
	char buf[PLAN_GW_STR_LEN];
	unsigned int i;

	for (i = 0; i < res->n_gw; i++) {
		plan_gw_rule_str(&res->gw[i], buf, sizeof(buf));
		if (!strcmp(buf, want))
			return true;
	}
	return false;
}

/* The encoded items, as `config send` names them, comma-separated. */
static void items(const struct plan_result *res, char *out, size_t size)
{
	uint8_t buf[1500];
	char err[256], line[128];
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	int len;

	out[0] = 0;
	len = ctl_cfg_encode(&res->cfg, buf, sizeof(buf), err, sizeof(err));
	if (len < 0) {
		snprintf(out, size, "error: %s", err);
		return;
	}
	i62608_tlv_iter_init(&it, buf, (size_t)len);
	while (i62608_tlv_next(&it, &t) > 0) {
		ctl_cfg_item_str(t.type, t.val, t.len, line, sizeof(line));
		snprintf(out + strlen(out), size - strlen(out), "%s%s",
			 out[0] ? "," : "", line);
	}
}

TEST_F(plan, static_address_and_everything_else)
{
	char got[512], a[24];

	plan_device(self->p, &self->in, &self->res);
	EXPECT_STREQ("stb", self->res.rule);
	EXPECT_EQ(POLICY_ADDR_STATIC, self->res.addr_mode);
	ASSERT_TRUE(self->res.has_addr);
	EXPECT_GE(self->res.addr, ip("192.168.1.100"));
	EXPECT_LE(self->res.addr, ip("192.168.1.103"));
	EXPECT_STREQ("media", self->res.pool);
	EXPECT_STREQ("", self->res.note);

	/* upnp is not a service of this device: not asked. */
	items(&self->res, got, sizeof(got));
	snprintf(a, sizeof(a), "%u.%u.%u.%u", self->res.addr >> 24,
		 (self->res.addr >> 16) & 255, (self->res.addr >> 8) & 255,
		 self->res.addr & 255);
	{
		char want[512];

		snprintf(want, sizeof(want),
			 "ipv4 %s/24,gw 192.168.1.1,dns 192.168.1.1,dns 9.9.9.9,service iptv on,qos video",
			 a);
		EXPECT_STREQ(want, got);
		snprintf(want, sizeof(want), "forward tcp 8080 %s 80", a);
		EXPECT_TRUE(has_rule(&self->res, want));
		snprintf(want, sizeof(want), "qos 02:00:00:00:00:a1 %s dscp 34 priority 5", a);
		EXPECT_TRUE(has_rule(&self->res, want));
		snprintf(want, sizeof(want), "multicast 02:00:00:00:00:a1 %s", a);
		EXPECT_TRUE(has_rule(&self->res, want));
	}
	EXPECT_EQ(3, self->res.n_gw);
}

TEST_F(plan, stable_per_mac)
{
	struct plan_result again;
	uint32_t first;

	/* From nothing, twice: the same address (the MAC decides). */
	plan_device(self->p, &self->in, &self->res);
	first = self->res.addr;
	plan_device(self->p, &self->in, &again);
	EXPECT_EQ(first, again.addr);
	EXPECT_EQ(plan_mac_hash(self->in.mac), plan_mac_hash(self->in.mac));

	/* Its recorded address is kept, whatever the MAC would pick. */
	self->in.has_addr = true;
	self->in.addr = first == ip("192.168.1.102") ? ip("192.168.1.101") :
		ip("192.168.1.102");
	plan_device(self->p, &self->in, &again);
	EXPECT_EQ(self->in.addr, again.addr);
}

TEST_F(plan, pool_exhaustion_and_conflicts)
{
	uint32_t used[4] = { ip("192.168.1.100"), ip("192.168.1.101"),
			     ip("192.168.1.103") };

	/* Another device holds the recorded address: a free one instead. */
	self->in.has_addr = true;
	self->in.addr = ip("192.168.1.101");
	self->in.used = used;
	self->in.n_used = 3;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_EQ(ip("192.168.1.102"), self->res.addr);

	/* All four held: nothing assigned, no address items, said why. */
	used[2] = ip("192.168.1.102");
	used[3] = ip("192.168.1.103");
	self->in.n_used = 4;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_FALSE(self->res.has_addr);
	EXPECT_EQ(POLICY_ADDR_KEEP, self->res.addr_mode);
	EXPECT_EQ(0, self->res.cfg.n_addr4);
	EXPECT_NE(NULL, strstr(self->res.note, "pool media is full"));
	/* Forwards need the address: left out; QoS stays, by MAC only. */
	EXPECT_NE(NULL, strstr(self->res.note, "port forwards need an address"));
	EXPECT_TRUE(has_rule(&self->res, "qos 02:00:00:00:00:a1 - dscp 34 priority 5"));
}

TEST_F(plan, many_devices_distinct_addresses)
{
	static const char text[] = "lan 10.0.0.0/16\npool big 10.0.1.0 10.0.1.199\n"
		"rule all\n\taddress static big\n";
	struct policy *p;
	uint32_t used[200];
	char err[256];
	size_t n = 0, i;

	p = policy_parse(text, strlen(text), "p", err, sizeof(err));
	ASSERT_NE(NULL, p) TH_LOG("%s", err);
	for (i = 0; i < 200; i++) {
		size_t j;

		self->in.mac[4] = (uint8_t)(i >> 8);
		self->in.mac[5] = (uint8_t)i;
		self->in.used = used;
		self->in.n_used = n;
		plan_device(p, &self->in, &self->res);
		ASSERT_TRUE(self->res.has_addr) TH_LOG("device %zu: %s", i, self->res.note);
		/* Kept sorted, as the database gives them. */
		for (j = n; j > 0 && used[j - 1] > self->res.addr; j--)
			used[j] = used[j - 1];
		ASSERT_TRUE(j == 0 || used[j - 1] != self->res.addr);
		used[j] = self->res.addr;
		n++;
	}
	/* The 201st finds the pool full. */
	self->in.mac[5] = 0xee;
	self->in.mac[4] = 0xee;
	self->in.n_used = n;
	plan_device(p, &self->in, &self->res);
	EXPECT_FALSE(self->res.has_addr);
	policy_free(p);
}

TEST_F(plan, renumbered_lan)
{
	struct policy *p2;
	char err[256];
	static const char text[] =
		"lan 10.20.0.0/24\npool media 10.20.0.100 10.20.0.149\n"
		"rule stb\n\tmatch type stb\n\taddress static media\n"
		"\tforward tcp 8080 to 80\n";

	/* The address of the old prefix no longer fits: a new one. */
	self->in.has_addr = true;
	self->in.addr = ip("192.168.1.101");
	p2 = policy_parse(text, strlen(text), "p", err, sizeof(err));
	ASSERT_NE(NULL, p2) TH_LOG("%s", err);
	plan_device(p2, &self->in, &self->res);
	ASSERT_TRUE(self->res.has_addr);
	EXPECT_GE(self->res.addr, ip("10.20.0.100"));
	EXPECT_LE(self->res.addr, ip("10.20.0.149"));
	EXPECT_EQ(ip("10.20.0.1"), (uint32_t)(self->res.cfg.gw4[0] << 24 |
		  self->res.cfg.gw4[1] << 16 | self->res.cfg.gw4[2] << 8 |
		  self->res.cfg.gw4[3]));
	/* Its forward follows it. */
	EXPECT_EQ(self->res.addr, self->res.gw[0].addr);
	policy_free(p2);
}

TEST_F(plan, capabilities)
{
	char got[256];

	/* No static addresses, no QoS hook, no services. */
	self->r.caps = I62608_CAP_IPV4 | I62608_CAP_DHCP4 | I62608_CAP_CONFIG;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_EQ(POLICY_ADDR_RESERVE, self->res.addr_mode);
	EXPECT_NE(NULL, strstr(self->res.note, "cannot take a static address"));
	items(&self->res, got, sizeof(got));
	EXPECT_STREQ("dhcp on", got);
	EXPECT_TRUE(self->res.has_addr);
	EXPECT_EQ(PLAN_GW_RESERVE, self->res.gw[0].kind);
}

TEST_F(plan, reserve_dhcp_and_no_rule)
{
	char got[256];

	self->r.device_type = I62608_DEV_NAS;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_STREQ("nas", self->res.rule);
	EXPECT_EQ(ip("192.168.1.200"), self->res.addr);
	items(&self->res, got, sizeof(got));
	EXPECT_STREQ("dhcp on", got);
	EXPECT_TRUE(has_rule(&self->res, "reserve 02:00:00:00:00:a1 192.168.1.200"));
	EXPECT_TRUE(has_rule(&self->res, "forward tcp 445 192.168.1.200 445"));

	self->r.device_type = I62608_DEV_IOT;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_EQ(POLICY_ADDR_DHCP, self->res.addr_mode);
	EXPECT_FALSE(self->res.has_addr);
	EXPECT_EQ(0, self->res.n_gw);

	/* No rule, no override: nothing at all. */
	self->r.device_type = I62608_DEV_TV;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_STREQ("", self->res.rule);
	EXPECT_EQ(0, ctl_cfg_items(&self->res.cfg));
	EXPECT_EQ(0, self->res.n_gw);
}

TEST_F(plan, overrides)
{
	static const char json[] =
		"{\"ipv4\": \"192.168.1.77/24\", \"hostname\": \"tv-1\","
		" \"services\": {\"upnp\": true, \"iptv\": false}, \"qos\": \"voice\"}";
	struct ctl_cfg o = {};
	char err[256], got[512];
	uint32_t used[1] = { ip("192.168.1.77") };

	self->r.n_services = 3;
	strcpy(self->r.services[2].name, "upnp");
	ASSERT_EQ(0, ctl_cfg_parse_json(&o, json, strlen(json), err, sizeof(err)))
		TH_LOG("%s", err);
	self->in.override = &o;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_TRUE(self->res.overridden);
	EXPECT_EQ(ip("192.168.1.77"), self->res.addr);
	items(&self->res, got, sizeof(got));
	EXPECT_STREQ("ipv4 192.168.1.77/24,gw 192.168.1.1,dns 192.168.1.1,dns 9.9.9.9,"
		     "hostname tv-1,service iptv off,service upnp on,qos voice", got);
	/* The gateway marks it as voice: EF, priority 6. */
	EXPECT_TRUE(has_rule(&self->res, "qos 02:00:00:00:00:a1 192.168.1.77 dscp 46 priority 6"));
	EXPECT_TRUE(has_rule(&self->res, "forward tcp 8080 192.168.1.77 80"));

	/* Another device holds that address: sent, but not in the plan. */
	self->in.used = used;
	self->in.n_used = 1;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_FALSE(self->res.has_addr);
	EXPECT_NE(NULL, strstr(self->res.note, "192.168.1.77 is not a free host address"));
	EXPECT_EQ(1, self->res.cfg.n_addr4);

	/* An override alone makes an unmatched device managed. */
	memset(&o, 0, sizeof(o));
	ASSERT_EQ(0, ctl_cfg_parse_json(&o, "{\"dhcp\": true}", 14, err, sizeof(err)));
	self->r.device_type = I62608_DEV_TV;
	self->in.n_used = 0;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_STREQ("", self->res.rule);
	EXPECT_EQ(POLICY_ADDR_DHCP, self->res.addr_mode);
	items(&self->res, got, sizeof(got));
	EXPECT_STREQ("dhcp on", got);
}

/* @json as a configuration, into @c. */
static int cfg(struct ctl_cfg *c, const char *json)
{
	char err[256];

	memset(c, 0, sizeof(*c));
	if (ctl_cfg_parse_json(c, json, strlen(json), err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", json, err);
		return -1;
	}
	return 0;
}

TEST_F(plan, templates_under_overrides)
{
	struct ctl_cfg t, o;
	char got[512], want[512], a[24];

	self->r.n_services = 3;
	strcpy(self->r.services[2].name, "upnp");
	ASSERT_EQ(0, cfg(&t, "{\"qos\": \"voice\", \"hostname\": \"stb-t\","
			 " \"dns\": [\"9.9.9.9\"], \"services\": {\"upnp\": true},"
			 " \"settings\": {\"volume\": \"5\"}}"));
	ASSERT_EQ(0, cfg(&o, "{\"hostname\": \"tv-1\", \"services\": {\"iptv\": false},"
			 " \"settings\": {\"mode\": \"eco\"}}"));

	/* The template over the rule: its QoS, host name, DNS, services. */
	self->in.tmpl = &t;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_STREQ("stb", self->res.rule);
	EXPECT_TRUE(self->res.templated);
	EXPECT_FALSE(self->res.overridden);
	EXPECT_EQ(POLICY_ADDR_STATIC, self->res.addr_mode);
	ASSERT_TRUE(self->res.has_addr);
	snprintf(a, sizeof(a), "192.168.1.%u", self->res.addr & 255);
	items(&self->res, got, sizeof(got));
	snprintf(want, sizeof(want), "ipv4 %s/24,gw 192.168.1.1,dns 9.9.9.9,hostname stb-t,"
		 "service iptv on,service upnp on,qos voice,setting volume=5", a);
	EXPECT_STREQ(want, got);
	snprintf(want, sizeof(want), "qos 02:00:00:00:00:a1 %s dscp 46 priority 6", a);
	EXPECT_TRUE(has_rule(&self->res, want));

	/* The override over both, field by field: the rest stays the template's. */
	self->in.override = &o;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_TRUE(self->res.templated);
	EXPECT_TRUE(self->res.overridden);
	EXPECT_STREQ("", self->res.note);
	items(&self->res, got, sizeof(got));
	snprintf(want, sizeof(want), "ipv4 %s/24,gw 192.168.1.1,dns 9.9.9.9,hostname tv-1,"
		 "service iptv off,service upnp on,qos voice,setting volume=5,"
		 "setting mode=eco", a);
	EXPECT_STREQ(want, got);
	snprintf(want, sizeof(want), "qos 02:00:00:00:00:a1 %s dscp 46 priority 6", a);
	EXPECT_TRUE(has_rule(&self->res, want));

	/* The override's QoS wins over the template's. */
	ASSERT_EQ(0, cfg(&o, "{\"qos\": \"background\"}"));
	plan_device(self->p, &self->in, &self->res);
	items(&self->res, got, sizeof(got));
	EXPECT_NE(NULL, strstr(got, "hostname stb-t,service iptv on,service upnp on,qos background,"))
		TH_LOG("%s", got);

	/* IPv4 addressing is one field: the override's DHCP, not the template's address. */
	ASSERT_EQ(0, cfg(&t, "{\"ipv4\": \"192.168.1.77/24\", \"gw\": \"192.168.1.254\"}"));
	ASSERT_EQ(0, cfg(&o, "{\"dhcp\": true}"));
	plan_device(self->p, &self->in, &self->res);
	EXPECT_EQ(POLICY_ADDR_DHCP, self->res.addr_mode);
	EXPECT_FALSE(self->res.has_addr);
	items(&self->res, got, sizeof(got));
	EXPECT_STREQ("dhcp on,service iptv on,service upnp off,qos video", got);
	/* Without the override: the template's address and gateway. */
	self->in.override = NULL;
	plan_device(self->p, &self->in, &self->res);
	EXPECT_EQ(ip("192.168.1.77"), self->res.addr);
	items(&self->res, got, sizeof(got));
	EXPECT_STREQ("ipv4 192.168.1.77/24,gw 192.168.1.254,dns 192.168.1.1,dns 9.9.9.9,"
		     "service iptv on,service upnp off,qos video", got);

	/* A template makes a device no rule matches managed. */
	self->r.device_type = I62608_DEV_TV;
	ASSERT_EQ(0, cfg(&t, "{\"dhcp\": true, \"hostname\": \"tv\"}"));
	plan_device(self->p, &self->in, &self->res);
	EXPECT_STREQ("", self->res.rule);
	EXPECT_EQ(POLICY_ADDR_DHCP, self->res.addr_mode);
	items(&self->res, got, sizeof(got));
	EXPECT_STREQ("dhcp on,hostname tv", got);
}

TEST(cfg_merge_and_type_keys)
{
	struct ctl_cfg b, o;
	char num[4], name[8];
	unsigned int i;

	ASSERT_EQ(0, cfg(&b, "{\"ipv6\": \"2001:db8::5/64\", \"dhcp\": false, \"iface\": \"eth0\","
			 " \"gw6\": \"2001:db8::1\", \"dns\": [\"2001:db8::53\"]}"));
	ASSERT_EQ(0, cfg(&o, "{\"dhcp6\": true, \"iface\": \"eth1\"}"));
	EXPECT_TRUE(plan_cfg_merge(&b, &o));
	EXPECT_STREQ("eth1", b.iface);
	/* IPv6 addressing replaced as one; its gateway and DNS stay. */
	EXPECT_EQ(0, b.n_addr6);
	EXPECT_TRUE(b.has_dhcp6 && b.dhcp6);
	EXPECT_TRUE(b.has_gw6);
	EXPECT_EQ(1, b.n_dns6);
	EXPECT_TRUE(b.has_dhcp4);
	EXPECT_FALSE(b.dhcp4);

	/* Services beyond a request's: left out, and said. */
	memset(&b, 0, sizeof(b));
	memset(&o, 0, sizeof(o));
	for (i = 0; i < I62608_MAX_SERVICES; i++) {
		snprintf(name, sizeof(name), "s%u", i);
		ASSERT_EQ(0, ctl_cfg_add_service(&b, name, true, name, sizeof(name)));
	}
	ASSERT_EQ(0, ctl_cfg_add_service(&o, "s3", false, name, sizeof(name)));
	EXPECT_TRUE(plan_cfg_merge(&b, &o));
	EXPECT_FALSE(b.svc[3].on);
	ASSERT_EQ(0, ctl_cfg_add_service(&o, "extra", true, name, sizeof(name)));
	EXPECT_FALSE(plan_cfg_merge(&b, &o));
	EXPECT_EQ(I62608_MAX_SERVICES, b.n_svc);

	EXPECT_STREQ("stb", plan_type_key(I62608_DEV_STB, num));
	EXPECT_STREQ("game_console", plan_type_key(I62608_DEV_GAME_CONSOLE, num));
	EXPECT_STREQ("200", plan_type_key(200, num));
}

TEST_F(plan, drift_seen)
{
	char drift[96];

	plan_device(self->p, &self->in, &self->res);
	/* The device still runs DHCP, iptv is off: both differ. */
	plan_drift(&self->res, self->in.mac, &self->r, drift, sizeof(drift));
	EXPECT_STREQ("address,service:iptv", drift);

	/* As configured: the static address, the service on. */
	self->r.ifaces[0].n_addr4 = 1;
	self->r.ifaces[0].addr4[0].plen = 24;
	self->r.ifaces[0].addr4[0].origin = I62608_ORIGIN_STATIC;
	memcpy(self->r.ifaces[0].addr4[0].addr, self->res.cfg.addr4[0].addr, 4);
	self->r.services[0].state = I62608_SVC_ENABLED;
	plan_drift(&self->res, self->in.mac, &self->r, drift, sizeof(drift));
	EXPECT_STREQ("", drift);

	/* The same address, but from DHCP: drift. */
	self->r.ifaces[0].addr4[0].origin = I62608_ORIGIN_DHCP;
	plan_drift(&self->res, self->in.mac, &self->r, drift, sizeof(drift));
	EXPECT_STREQ("address", drift);

	/* A DHCP device that went static. */
	self->r.device_type = I62608_DEV_IOT;
	plan_device(self->p, &self->in, &self->res);
	self->r.ifaces[0].flags = I62608_IFF_UP;
	plan_drift(&self->res, self->in.mac, &self->r, drift, sizeof(drift));
	EXPECT_STREQ("dhcp", drift);
	plan_drift(&self->res, self->in.mac, NULL, drift, sizeof(drift));
	EXPECT_STREQ("", drift);
}

TEST_HARNESS_MAIN
