// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-agent's configuration requests, on a fake rtnetlink layer: how
 * items are numbered and checked, which rtnetlink operations they become,
 * what is UNCHANGED, what a kernel error or a failed read-back rolls
 * back, dry-run mode, hooks (real programs: /bin/true, /bin/false, a
 * missing one), and the cache of answers that makes a retransmission
 * harmless.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "agent_util.h"
#include "../../userspace/agent/cfgreq.h"

static const u8 if_mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };
static const u8 cfg_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

/* ---- a fake kernel: one link's addresses and default routes ---- */

struct fake {
	struct agent_host h;	/* the kernel's state */
	char ops[4096];		/* what was asked, one "op;" each */
	int fail_add;		/* -errno for the next address added */
	int fail_route;
	int lose_adds;		/* acknowledge so many adds, not keep them */
	bool flush;		/* an IPv4 address deleted takes the routes */
};

static void op(struct fake *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void op(struct fake *f, const char *fmt, ...)
{
	size_t n = strlen(f->ops);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->ops + n, sizeof(f->ops) - n, fmt, ap);
	va_end(ap);
	strncat(f->ops, ";", sizeof(f->ops) - strlen(f->ops) - 1);
}

static int fake_addr(void *ctx, bool add, bool replace, int ifindex, u8 family,
		     const u8 *addr, u8 plen)
{
	struct fake *f = ctx;
	struct agent_link *l = &f->h.links[0];
	struct agent_addr *v = family == AF_INET ? l->addr4 : l->addr6;
	u8 *n = family == AF_INET ? &l->n_addr4 : &l->n_addr6;
	char ip[INET6_ADDRSTRLEN];
	unsigned int i, alen = family == AF_INET ? 4 : 16;
	int err;

	inet_ntop(family, addr, ip, sizeof(ip));
	op(f, "%s %s/%u", add ? (replace ? "replace" : "add") : "del", ip, plen);
	for (i = 0; i < *n; i++)
		if (!memcmp(v[i].addr, addr, alen) && v[i].plen == plen)
			break;
	if (!add) {
		if (i == *n)
			return -EADDRNOTAVAIL;
		v[i] = v[--*n];
		if (f->flush && family == AF_INET)
			f->h.n_routes = 0;
		return 0;
	}
	if (f->fail_add) {
		err = f->fail_add;
		f->fail_add = 0;
		return err;
	}
	if (f->lose_adds) {
		f->lose_adds--;
		return 0;
	}
	if (i < *n) {
		if (!replace)
			return -EEXIST;
		v[i].origin = I62608_ORIGIN_STATIC;
		return 0;
	}
	memset(&v[i], 0, sizeof(v[i]));
	memcpy(v[i].addr, addr, alen);
	v[i].plen = plen;
	v[i].origin = I62608_ORIGIN_STATIC;
	(*n)++;
	return 0;
}

static int fake_route(void *ctx, bool add, int ifindex, u8 family,
		      const u8 *gw, u32 metric)
{
	struct fake *f = ctx;
	char ip[INET6_ADDRSTRLEN];
	unsigned int i, alen = family == AF_INET ? 4 : 16;
	int err;

	inet_ntop(family, gw, ip, sizeof(ip));
	op(f, "route %s %s metric %u", add ? "replace" : "del", ip, metric);
	if (add && f->fail_route) {
		err = f->fail_route;
		f->fail_route = 0;
		return err;
	}
	for (i = 0; i < f->h.n_routes; i++) {
		struct agent_route *r = &f->h.routes[i];

		if (r->family != family || r->ifindex != ifindex || r->metric != metric)
			continue;
		if (!add && memcmp(r->gw, gw, alen))
			continue;
		break;
	}
	if (!add) {
		if (i == f->h.n_routes)
			return -ESRCH;
		f->h.routes[i] = f->h.routes[--f->h.n_routes];
		return 0;
	}
	if (f->lose_adds) {
		f->lose_adds--;
		return 0;
	}
	if (i == f->h.n_routes)
		f->h.n_routes++;
	memset(&f->h.routes[i], 0, sizeof(f->h.routes[i]));
	f->h.routes[i].family = family;
	f->h.routes[i].ifindex = ifindex;
	f->h.routes[i].metric = metric;
	memcpy(f->h.routes[i].gw, gw, alen);
	return 0;
}

static int fake_dump(void *ctx, struct agent_host *h)
{
	struct fake *f = ctx;

	*h = f->h;
	h->links = malloc(sizeof(*h->links) * f->h.n_links);
	if (!h->links)
		return -ENOMEM;
	memcpy(h->links, f->h.links, sizeof(*h->links) * f->h.n_links);
	h->cap_links = f->h.n_links;
	return 0;
}

static const struct agent_netops fake_ops = {
	.addr = fake_addr, .route = fake_route, .dump = fake_dump,
};

static void fake_addr4(struct fake *f, const char *a, u8 plen, u8 origin)
{
	struct agent_link *l = &f->h.links[0];
	struct agent_addr *v = &l->addr4[l->n_addr4++];

	memset(v, 0, sizeof(*v));
	inet_pton(AF_INET, a, v->addr);
	v->plen = plen;
	v->origin = origin;
}

static void fake_gw4(struct fake *f, const char *gw, u32 metric)
{
	struct agent_route *r = &f->h.routes[f->h.n_routes++];

	memset(r, 0, sizeof(*r));
	r->family = AF_INET;
	r->ifindex = 2;
	r->metric = metric;
	inet_pton(AF_INET, gw, r->gw);
}

/* ---- requests ---- */

struct req {
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;
};

static void req_init(struct req *r)
{
	i62608_w_init(&r->w, r->buf, sizeof(r->buf));
}

static void addr4(struct req *r, const char *a, u8 plen)
{
	u8 v[5];

	inet_pton(AF_INET, a, v);
	v[4] = plen;
	i62608_w_tlv(&r->w, I62608_TLV_CFG_ADDR4, v, 5);
}

static void ip4(struct req *r, u16 type, const char *a)
{
	u8 v[4];

	inet_pton(AF_INET, a, v);
	i62608_w_tlv(&r->w, type, v, 4);
}

static void service(struct req *r, const char *name, u8 state)
{
	i62608_w_nest_begin(&r->w, I62608_TLV_CFG_SERVICE);
	i62608_w_str(&r->w, I62608_SVC_NAME, name);
	i62608_w_u8(&r->w, I62608_SVC_STATE, state);
	i62608_w_nest_end(&r->w);
}

FIXTURE(cfg) {
	struct agent a;
	struct capture *c;
	struct fake f;
	struct agent_inst *in;
	struct agent_cfg_plan p;
	struct agent_desired want;
};

void cfg_setup(struct __test_metadata *_metadata, FIXTURE_DATA(cfg) *self,
	       const FIXTURE_VARIANT(cfg) *variant);
void cfg_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(cfg) *self,
		  const FIXTURE_VARIANT(cfg) *variant);

FIXTURE_SETUP(cfg)
{
	u8 nl[NL_BUF];

	self->c = calloc(1, sizeof(*self->c));
	cap = self->c;
	memset(&self->a, 0, sizeof(self->a));
	agent_config_init(&self->a.cfg);
	strcpy(self->a.cfg.resolv_conf, "/nonexistent");
	strcpy(self->a.cfg.dhcp_hook, "/nonexistent/dhcp");
	strcpy(self->a.cfg.qos_hook, "/nonexistent/qos");
	strcpy(self->a.cfg.setting_hook, "/nonexistent/setting");
	strcpy(self->a.cfg.services_dir, "/nonexistent");
	strcpy(self->a.cfg.dns_file, "/nonexistent-i62608/dir/resolv.conf");
	agent_log_set_level(AGENT_LOG_ERR);
	agent_init(&self->a, &capture_ops, 1, 7);
	self->a.now = 1000;
	host_msg(&self->a, nl_link(nl, RTM_NEWLINK, 2, "eth0", if_mac, LINK_UP, 0));
	ASSERT_EQ(1, self->a.n_ifs);
	self->in = &self->a.ifs[0]->inst[0];
	memcpy(self->in->cfg_mac, cfg_mac, 6);
	self->in->state = AGENT_ST_CONNECTED;

	memset(&self->f, 0, sizeof(self->f));
	self->f.h.links = calloc(1, sizeof(*self->f.h.links));
	self->f.h.n_links = self->f.h.cap_links = 1;
	self->f.h.links[0] = *agent_host_link(&self->a.host, 2);
	self->a.net = &fake_ops;
	self->a.net_ctx = &self->f;
	memset(&self->want, 0, sizeof(self->want));
}

FIXTURE_TEARDOWN(cfg)
{
	free(self->f.h.links);
	agent_free(&self->a);
	free(self->c);
}

/* Plan and apply the items of @r, as a request on eth0. */
static void run(FIXTURE_DATA(cfg) *self, struct req *r, bool dry)
{
	self->f.ops[0] = 0;
	agent_cfg_plan(&self->p, r->buf, r->w.len, &self->a.host, "eth0");
	self->p.dry_run = dry;
	agent_cfg_apply(&self->a, self->in, &self->p, &self->want);
}

/* "S:R" per item: status and reason, as one string. */
static const char *results(const struct agent_cfg_plan *p, char *buf)
{
	unsigned int i, n = 0;

	buf[0] = 0;
	for (i = 0; i < p->n; i++)
		n += (unsigned int)sprintf(buf + n, "%s%u:%u", i ? "," : "",
					   p->items[i].status, p->items[i].reason);
	return buf;
}

#define RESULTS(p) results((p), (char[512]){ 0 })

TEST_F(cfg, items_are_numbered_and_checked)
{
	struct req r;

	req_init(&r);
	addr4(&r, "224.0.0.5", 24);			/* multicast */
	addr4(&r, "0.0.0.0", 8);			/* this network */
	addr4(&r, "192.168.1.10", 0);			/* no prefix */
	addr4(&r, "192.168.1.0", 24);			/* its network */
	ip4(&r, I62608_TLV_CFG_GW4, "255.255.255.255");
	ip4(&r, I62608_TLV_CFG_DNS4, "0.0.0.0");
	i62608_w_u16(&r.w, 0x7777, 1);			/* unknown: not an item */
	i62608_w_u8(&r.w, I62608_TLV_CFG_QOS, I62608_QOS_VIDEO);
	agent_cfg_plan(&self->p, r.buf, r.w.len, &self->a.host, "eth0");
	ASSERT_EQ(7, self->p.n);
	EXPECT_EQ(2, self->p.ifindex);
	EXPECT_STREQ("eth0", self->p.ifname);
	EXPECT_STREQ("2:2,2:2,2:2,2:2,2:2,2:2,0:0", RESULTS(&self->p));
	EXPECT_EQ(6, self->p.items[6].index);
	EXPECT_FALSE(self->p.items[6].done);

	/* CFG_IFACE selects; an unknown interface refuses what needs one. */
	req_init(&r);
	i62608_w_str(&r.w, I62608_TLV_CFG_IFACE, "wlan9");
	ip4(&r, I62608_TLV_CFG_DNS4, "192.168.1.1");
	i62608_w_str(&r.w, I62608_TLV_CFG_HOSTNAME, "box");
	strcpy(self->a.cfg.hostname_hook, "/nonexistent/hostname");
	run(self, &r, false);
	EXPECT_STREQ("2:5,2:5,2:7", RESULTS(&self->p));
	EXPECT_STREQ("", self->f.ops);
}

TEST_F(cfg, addresses_become_exactly_the_listed_ones)
{
	struct req r;

	fake_addr4(&self->f, "192.168.1.5", 24, I62608_ORIGIN_STATIC);
	fake_addr4(&self->f, "169.254.3.3", 16, I62608_ORIGIN_LINK_LOCAL);
	fake_addr4(&self->f, "10.1.1.1", 8, I62608_ORIGIN_DHCP);
	fake_gw4(&self->f, "192.168.1.1", 0);
	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	addr4(&r, "10.1.1.1", 8);
	run(self, &r, false);
	/* Other static ones go first, then the new; a lease becomes permanent. */
	EXPECT_STREQ("del 192.168.1.5/24;add 192.168.1.20/24;replace 10.1.1.1/8;",
		     self->f.ops);
	EXPECT_STREQ("0:0,0:0", RESULTS(&self->p));
	EXPECT_EQ(3, self->f.h.links[0].n_addr4);	/* link-local kept */

	/* Again: nothing to do. */
	run(self, &r, false);
	EXPECT_STREQ("", self->f.ops);
	EXPECT_STREQ("1:0,1:0", RESULTS(&self->p));

	/* One of them less: the set changed, so both items took part. */
	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	run(self, &r, false);
	EXPECT_STREQ("del 10.1.1.1/8;", self->f.ops);
	EXPECT_STREQ("0:0", RESULTS(&self->p));
}

TEST_F(cfg, an_invalid_item_removes_nothing)
{
	struct req r;

	fake_addr4(&self->f, "192.168.1.5", 24, I62608_ORIGIN_STATIC);
	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	addr4(&r, "127.0.0.1", 8);
	run(self, &r, false);
	EXPECT_STREQ("add 192.168.1.20/24;", self->f.ops);
	EXPECT_STREQ("0:0,2:2", RESULTS(&self->p));
	EXPECT_EQ(2, self->f.h.links[0].n_addr4);
}

TEST_F(cfg, a_kernel_error_rolls_the_item_back)
{
	struct req r;

	fake_addr4(&self->f, "192.168.1.5", 24, I62608_ORIGIN_STATIC);
	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	addr4(&r, "192.168.2.20", 24);
	ip4(&r, I62608_TLV_CFG_DNS4, "192.168.1.1");
	self->f.fail_add = -EEXIST;
	run(self, &r, false);
	/* The removal is undone: the request could not be applied whole. */
	EXPECT_STREQ("del 192.168.1.5/24;add 192.168.1.20/24;add 192.168.2.20/24;add 192.168.1.5/24;",
		     self->f.ops);
	EXPECT_EQ(I62608_CFG_REFUSED, self->p.items[0].status);
	EXPECT_EQ(I62608_CFGR_CONFLICT, self->p.items[0].reason);
	EXPECT_EQ(I62608_CFG_APPLIED, self->p.items[1].status);
	/* No DNS hook: dns_file cannot be written here. */
	EXPECT_EQ(I62608_CFGR_FAILED, self->p.items[2].reason);
	EXPECT_EQ(2, self->f.h.links[0].n_addr4);

	req_init(&r);
	addr4(&r, "192.168.3.20", 24);
	self->f.fail_add = -ENOMEM;
	run(self, &r, false);
	EXPECT_STREQ("2:4", RESULTS(&self->p));
}

TEST_F(cfg, acknowledged_only_if_read_back)
{
	struct req r;

	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	self->f.lose_adds = 1;
	run(self, &r, false);
	EXPECT_STREQ("add 192.168.1.20/24;", self->f.ops);
	EXPECT_STREQ("2:4", RESULTS(&self->p));

	/* A route that does not show up: the old one comes back. */
	fake_addr4(&self->f, "192.168.1.5", 24, I62608_ORIGIN_STATIC);
	fake_gw4(&self->f, "192.168.1.1", 100);
	req_init(&r);
	ip4(&r, I62608_TLV_CFG_GW4, "192.168.1.254");
	self->f.lose_adds = 1;
	run(self, &r, false);
	EXPECT_STREQ("route replace 192.168.1.254 metric 0;route del 192.168.1.1 metric 100;"
		     "route del 192.168.1.254 metric 0;route replace 192.168.1.1 metric 100;",
		     self->f.ops);
	EXPECT_STREQ("2:4", RESULTS(&self->p));
	EXPECT_EQ(1, self->f.h.n_routes);
}

TEST_F(cfg, default_route)
{
	struct req r;

	fake_addr4(&self->f, "192.168.1.5", 24, I62608_ORIGIN_STATIC);
	fake_gw4(&self->f, "192.168.1.1", 1024);
	req_init(&r);
	ip4(&r, I62608_TLV_CFG_GW4, "10.0.0.1");	/* off the link */
	run(self, &r, false);
	EXPECT_STREQ("", self->f.ops);
	EXPECT_STREQ("2:2", RESULTS(&self->p));

	req_init(&r);
	ip4(&r, I62608_TLV_CFG_GW4, "192.168.1.254");
	run(self, &r, false);
	EXPECT_STREQ("route replace 192.168.1.254 metric 0;route del 192.168.1.1 metric 1024;",
		     self->f.ops);
	EXPECT_STREQ("0:0", RESULTS(&self->p));
	run(self, &r, false);
	EXPECT_STREQ("", self->f.ops);
	EXPECT_STREQ("1:0", RESULTS(&self->p));

	req_init(&r);
	ip4(&r, I62608_TLV_CFG_GW4, "192.168.1.1");
	self->f.fail_route = -ENETUNREACH;
	run(self, &r, false);
	EXPECT_STREQ("route replace 192.168.1.1 metric 0;", self->f.ops);
	EXPECT_STREQ("2:4", RESULTS(&self->p));

	/* The gateway is on the link the addresses of the same request make. */
	req_init(&r);
	ip4(&r, I62608_TLV_CFG_GW4, "172.16.0.1");
	addr4(&r, "172.16.0.9", 16);
	run(self, &r, false);
	EXPECT_STREQ("0:0,0:0", RESULTS(&self->p));
}

TEST_F(cfg, a_new_primary_keeps_the_default_route)
{
	struct req r;
	struct agent_route *kept;

	fake_addr4(&self->f, "192.168.1.5", 24, I62608_ORIGIN_STATIC);
	fake_gw4(&self->f, "192.168.1.1", 0);
	req_init(&r);
	addr4(&r, "192.168.1.6", 24);
	/* What the kernel does when the primary address of a subnet goes. */
	self->f.flush = true;
	run(self, &r, false);
	EXPECT_STREQ("del 192.168.1.5/24;add 192.168.1.6/24;route replace 192.168.1.1 metric 0;",
		     self->f.ops);
	ASSERT_EQ(1, self->f.h.n_routes);
	kept = &self->f.h.routes[0];
	EXPECT_EQ(0, kept->metric);
}

TEST_F(cfg, dry_run_touches_nothing)
{
	struct req r;

	fake_addr4(&self->f, "192.168.1.5", 24, I62608_ORIGIN_STATIC);
	req_init(&r);
	addr4(&r, "10.7.0.2", 24);
	ip4(&r, I62608_TLV_CFG_GW4, "10.7.0.1");
	ip4(&r, I62608_TLV_CFG_DNS4, "10.7.0.1");
	i62608_w_u8(&r.w, I62608_TLV_CFG_DHCP4, 0);
	i62608_w_str(&r.w, I62608_TLV_CFG_HOSTNAME, "virtual-7");
	service(&r, "iptv", I62608_SVC_ENABLED);
	i62608_w_u8(&r.w, I62608_TLV_CFG_QOS, I62608_QOS_VOICE);
	run(self, &r, true);
	EXPECT_STREQ("", self->f.ops);
	EXPECT_STREQ("0:0,0:0,0:0,0:0,0:0,0:0,0:0", RESULTS(&self->p));
	EXPECT_EQ(1, self->want.n_addr4);
	EXPECT_STREQ("virtual-7", self->want.hostname);
	run(self, &r, true);
	EXPECT_STREQ("1:0,1:0,1:0,1:0,1:0,1:0,1:0", RESULTS(&self->p));

	/* A gateway off the desired addresses is refused there too. */
	req_init(&r);
	ip4(&r, I62608_TLV_CFG_GW4, "192.168.1.1");
	run(self, &r, true);
	EXPECT_STREQ("2:2", RESULTS(&self->p));
}

TEST_F(cfg, hooks)
{
	struct req r;

	/* Missing hook programs. */
	req_init(&r);
	i62608_w_u8(&r.w, I62608_TLV_CFG_DHCP4, 1);
	i62608_w_u8(&r.w, I62608_TLV_CFG_QOS, I62608_QOS_VIDEO);
	service(&r, "iptv", I62608_SVC_DISABLED);
	run(self, &r, false);
	EXPECT_STREQ("2:7,2:7,2:6", RESULTS(&self->p));

	/* A hook that fails, one that works; then nothing runs again. */
	strcpy(self->a.cfg.dhcp_hook, "/bin/false");
	strcpy(self->a.cfg.qos_hook, "/bin/true");
	run(self, &r, false);
	EXPECT_STREQ("2:4,0:0,2:6", RESULTS(&self->p));
	EXPECT_EQ(0, self->a.dhcp_started);
	strcpy(self->a.cfg.dhcp_hook, "/bin/true");
	strcpy(self->a.cfg.qos_hook, "/bin/false");
	run(self, &r, false);
	EXPECT_STREQ("0:0,1:0,2:6", RESULTS(&self->p));
	EXPECT_EQ(1, self->a.dhcp_started);
	EXPECT_STREQ("eth0", self->a.dhcp_ifname);

	/* Static addresses stop the DHCP client it started. */
	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	strcpy(self->a.cfg.dhcp_hook, "/bin/false");
	run(self, &r, false);
	EXPECT_STREQ("0:0", RESULTS(&self->p));
	EXPECT_EQ(0, self->a.dhcp_started);
}

TEST_F(cfg, services_follow_the_table)
{
	struct i62608_report rep = { 0 };
	struct req r;

	/* Reported as enabled (the file): enabling it again runs nothing. */
	strcpy(self->a.cfg.services[0].name, "iptv");
	self->a.cfg.services[0].state = I62608_SVC_ENABLED;
	self->a.cfg.n_services = 1;
	strcpy(self->a.cfg.services_dir, "/bin");
	req_init(&r);
	service(&r, "iptv", I62608_SVC_ENABLED);
	service(&r, "true", I62608_SVC_ENABLED);	/* /bin/true */
	service(&r, "false", I62608_SVC_ENABLED);	/* /bin/false */
	run(self, &r, false);
	EXPECT_STREQ("1:0,0:0,2:4", RESULTS(&self->p));
	EXPECT_TRUE(self->p.report_again);
	rep.n_services = 1;
	rep.services[0] = self->a.cfg.services[0];
	agent_report_services(&self->a, &rep);
	ASSERT_EQ(3, rep.n_services);
	EXPECT_STREQ("true", rep.services[1].name);
	EXPECT_EQ(I62608_SVC_ENABLED, rep.services[1].state);
	EXPECT_STREQ("false", rep.services[2].name);
	EXPECT_EQ(I62608_SVC_FAILED, rep.services[2].state);
}

/* ---- the whole request: answers and the cache of duplicates ---- */

static struct i62608_frame request(struct req *r, u8 *msg, u32 epoch, u32 id)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_CONFIG_REQUEST, .msg_id = id, .epoch = epoch,
	};
	struct i62608_frame m;
	struct i62608_w w;

	i62608_w_init(&w, msg, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	memcpy(msg + w.len, r->buf, r->w.len);
	w.len += r->w.len;
	i62608_wire_hdr(msg, (size_t)i62608_w_finish(&w), &m);
	return m;
}

TEST_F(cfg, duplicates_get_the_same_answer)
{
	u8 msg[I62608_MAX_MSG];
	struct i62608_frame m;
	const struct sent *s;
	struct i62608_elem t;
	struct req r;
	unsigned int i;

	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	addr4(&r, "224.1.1.1", 24);
	m = request(&r, msg, 0xc0f1, 5);
	agent_cfg_request(&self->a, self->in, &m);
	ASSERT_EQ(1, self->c->n);
	s = &self->c->f[0];
	EXPECT_EQ(I62608_MSG_CONFIG_NACK, s->m.type);
	EXPECT_EQ(5, s->m.msg_id);
	EXPECT_EQ(0, memcmp(s->dst, cfg_mac, 6));
	ASSERT_TRUE(i62608_tlv_find(s->m.body, s->m.body_len, I62608_TLV_CFG_RESULT, &t));
	EXPECT_EQ(0, t.val[0]);
	EXPECT_EQ(I62608_CFG_APPLIED, t.val[1]);
	EXPECT_STREQ("add 192.168.1.20/24;", self->f.ops);

	/* Again, same epoch and id: same answer, nothing applied. */
	self->f.ops[0] = 0;
	agent_cfg_request(&self->a, self->in, &m);
	ASSERT_EQ(2, self->c->n);
	EXPECT_EQ(s->m.body_len, self->c->f[1].m.body_len);
	EXPECT_EQ(0, memcmp(s->m.body, self->c->f[1].m.body, s->m.body_len));
	EXPECT_STREQ("", self->f.ops);
	EXPECT_EQ(1, self->a.ifs[0]->st.cfg_duplicates);

	/* The same id from a restarted configurator is a new request. */
	m = request(&r, msg, 0xbeef, 5);
	agent_cfg_request(&self->a, self->in, &m);
	EXPECT_EQ(1, self->a.ifs[0]->st.cfg_duplicates);

	/* 16 more push the first out of the cache. */
	for (i = 0; i < AGENT_CFG_DUPS; i++) {
		m = request(&r, msg, 0xc0f1, 100 + i);
		agent_cfg_request(&self->a, self->in, &m);
	}
	m = request(&r, msg, 0xc0f1, 5);
	agent_cfg_request(&self->a, self->in, &m);
	EXPECT_EQ(1, self->a.ifs[0]->st.cfg_duplicates);
	EXPECT_EQ(4 + AGENT_CFG_DUPS, self->a.ifs[0]->st.cfg_requests);
	EXPECT_EQ(I62608_MSG_CONFIG_NACK, self->c->f[self->c->n - 1].m.type);
}

TEST_F(cfg, instances_refuse_to_apply)
{
	u8 msg[I62608_MAX_MSG];
	struct i62608_frame m;
	struct req r;

	self->a.n_instances = 2;
	req_init(&r);
	addr4(&r, "192.168.1.20", 24);
	m = request(&r, msg, 1, 1);
	agent_cfg_request(&self->a, self->in, &m);
	ASSERT_EQ(1, self->c->n);
	EXPECT_EQ(I62608_MSG_CONFIG_NACK, self->c->f[0].m.type);
	EXPECT_STREQ("", self->f.ops);
	self->a.n_instances = 1;
}

TEST_HARNESS_MAIN
