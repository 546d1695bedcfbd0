// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the desired configuration of a device (see plan.h).
 *
 * Addresses: a device keeps the address the plan gave it while that
 * address stays inside the pool its rule names and no other device holds
 * it; otherwise it gets the first free address of the pool, searched from
 * a point that depends on its MAC alone (so the same device lands on the
 * same address even in a plan rebuilt from nothing, while the pool has
 * room), skipping the gateway and every address another device holds.
 *
 * The service server's configuration: the template of the device's type
 * and its override are laid over each other first (plan_cfg_merge(), the
 * override winning), and what results over the rule.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/i62608.h>

#include "plan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

uint32_t plan_mac_hash(const uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	unsigned int i;

	for (i = 0; i < 6; i++) {
		h ^= mac[i];
		h *= 16777619u;
	}
	return h;
}

static bool is_used(const struct plan_input *in, uint32_t a)
{
	size_t lo = 0, hi = in->n_used;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->used[mid] == a)
			return true;
		if (in->used[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static uint32_t lan_mask(const struct policy *p)
{
	return ~0U << (32 - p->lan_plen);
}

static bool usable(const struct policy *p, const struct plan_input *in, uint32_t a)
{
	uint32_t m = lan_mask(p);

	return (a & m) == p->lan && (a & ~m) && (a & ~m) != ~m &&
		a != p->gateway && !is_used(in, a);
}

/* An address of @pool for the device, or 0 when the pool is full. */
static uint32_t pick(const struct policy *p, const struct policy_pool *pool,
		     const struct plan_input *in)
{
	uint64_t size = (uint64_t)pool->last - pool->first + 1, i;
	uint32_t start;

	if (in->has_addr && in->addr >= pool->first && in->addr <= pool->last &&
	    usable(p, in, in->addr))
		return in->addr;
	start = (uint32_t)(plan_mac_hash(in->mac) % size);
	for (i = 0; i < size; i++) {
		uint32_t a = pool->first + (uint32_t)((start + i) % size);

		if (usable(p, in, a))
			return a;
	}
	return 0;
}

static void note(struct plan_result *res, const char *what)
{
	size_t n = strlen(res->note);

	snprintf(res->note + n, sizeof(res->note) - n, "%s%s", n ? "; " : "", what);
}

static void gw_add(struct plan_result *res, const struct plan_gw_rule *r)
{
	if (res->n_gw < N(res->gw))
		res->gw[res->n_gw++] = *r;
}

static void ip4_bytes(uint32_t a, uint8_t out[4])
{
	out[0] = (uint8_t)(a >> 24);
	out[1] = (uint8_t)(a >> 16);
	out[2] = (uint8_t)(a >> 8);
	out[3] = (uint8_t)a;
}

static void fmt_ip4(uint32_t a, char *buf, size_t size)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)size);
}

bool plan_cfg_merge(struct ctl_cfg *base, const struct ctl_cfg *over)
{
	struct ctl_cfg *b = base;
	const struct ctl_cfg *o = over;
	bool all = true;
	unsigned int i, j;

	if (o->iface[0])
		memcpy(b->iface, o->iface, sizeof(b->iface));
	if (o->n_addr4 || o->has_dhcp4) {
		b->n_addr4 = o->n_addr4;
		memcpy(b->addr4, o->addr4, sizeof(b->addr4));
		b->has_dhcp4 = o->has_dhcp4;
		b->dhcp4 = o->dhcp4;
	}
	if (o->has_gw4) {
		b->has_gw4 = true;
		memcpy(b->gw4, o->gw4, sizeof(b->gw4));
	}
	if (o->n_dns4) {
		b->n_dns4 = o->n_dns4;
		memcpy(b->dns4, o->dns4, sizeof(b->dns4));
	}
	if (o->n_addr6 || o->has_dhcp6) {
		b->n_addr6 = o->n_addr6;
		memcpy(b->addr6, o->addr6, sizeof(b->addr6));
		b->has_dhcp6 = o->has_dhcp6;
		b->dhcp6 = o->dhcp6;
	}
	if (o->has_gw6) {
		b->has_gw6 = true;
		memcpy(b->gw6, o->gw6, sizeof(b->gw6));
	}
	if (o->n_dns6) {
		b->n_dns6 = o->n_dns6;
		memcpy(b->dns6, o->dns6, sizeof(b->dns6));
	}
	if (o->hostname[0])
		memcpy(b->hostname, o->hostname, sizeof(b->hostname));
	if (o->has_qos) {
		b->has_qos = true;
		b->qos = o->qos;
	}
	for (i = 0; i < o->n_svc; i++) {
		for (j = 0; j < b->n_svc; j++)
			if (!strcmp(b->svc[j].name, o->svc[i].name))
				break;
		if (j == b->n_svc) {
			if (b->n_svc == N(b->svc)) {
				all = false;
				continue;
			}
			b->n_svc++;
		}
		b->svc[j] = o->svc[i];
	}
	for (i = 0; i < o->n_kv; i++) {
		for (j = 0; j < b->n_kv; j++)
			if (!strcmp(b->kv[j].key, o->kv[i].key))
				break;
		if (j == b->n_kv) {
			if (b->n_kv == N(b->kv)) {
				all = false;
				continue;
			}
			b->n_kv++;
		}
		b->kv[j] = o->kv[i];
	}
	return all;
}

const char *plan_type_key(unsigned int type, char buf[4])
{
	const char *name = i62608_device_type_name(type);

	if (name)
		return name;
	snprintf(buf, 4, "%u", type & 0xff);
	return buf;
}

/* What applies: the rule's settings, with the override's QoS and services. */
struct settings {
	enum policy_addr_mode addr_mode;
	int pool;
	bool has_qos;
	struct policy_qos qos;
	unsigned int n_forwards;
	const struct policy_forward *forwards;
	bool multicast;
	unsigned int n_services;
	struct policy_service services[POLICY_MAX_SERVICES];
};

static void merge(const struct policy_rule *r, const struct ctl_cfg *o,
		  struct settings *s)
{
	unsigned int i, j;

	memset(s, 0, sizeof(*s));
	s->pool = -1;
	if (r) {
		s->addr_mode = r->addr_mode;
		s->pool = r->pool;
		s->has_qos = r->has_qos;
		s->qos = r->qos;
		s->n_forwards = r->n_forwards;
		s->forwards = r->forwards;
		s->multicast = r->multicast == 1;
		s->n_services = r->n_services;
		memcpy(s->services, r->services, sizeof(s->services));
	}
	if (!o)
		return;
	if (o->has_qos && (!s->has_qos || s->qos.class != o->qos)) {
		s->has_qos = true;
		policy_qos_defaults(o->qos, &s->qos);
	}
	for (i = 0; i < o->n_svc; i++) {
		for (j = 0; j < s->n_services; j++)
			if (!strcmp(s->services[j].name, o->svc[i].name))
				break;
		if (j == s->n_services) {
			if (s->n_services == POLICY_MAX_SERVICES)
				continue;
			s->n_services++;
		}
		snprintf(s->services[j].name, sizeof(s->services[j].name), "%s",
			 o->svc[i].name);
		s->services[j].on = o->svc[i].on;
	}
}

/* Does the device declare service @name? Unknown without a full REPORT. */
static bool has_service(const struct i62608_report *r, const char *name)
{
	unsigned int i;

	if (!r || r->partial)
		return true;
	for (i = 0; i < r->n_services; i++)
		if (!strcmp(r->services[i].name, name))
			return true;
	return false;
}

static uint32_t ip4_host(const uint8_t b[4])
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void plan_address(const struct policy *p, const struct plan_input *in,
			 const struct ctl_cfg *o, const struct settings *s,
			 uint32_t caps, struct plan_result *res)
{
	enum policy_addr_mode mode = s->addr_mode;
	char buf[INET_ADDRSTRLEN], msg[128];
	uint32_t a = 0;
	unsigned int i;

	if (o && o->n_addr4) {
		/* The override's own addresses: sent as they are. */
		uint32_t oa = ip4_host(o->addr4[0].addr);

		res->addr_mode = POLICY_ADDR_STATIC;
		res->cfg.n_addr4 = o->n_addr4;
		memcpy(res->cfg.addr4, o->addr4, sizeof(res->cfg.addr4));
		if (usable(p, in, oa)) {
			res->has_addr = true;
			res->addr = oa;
			res->plen = o->addr4[0].plen;
		} else {
			fmt_ip4(oa, buf, sizeof(buf));
			snprintf(msg, sizeof(msg),
				 "the override's address %s is not a free host address of the lan: not in the plan",
				 buf);
			note(res, msg);
		}
		ip4_bytes(p->gateway, res->cfg.gw4);
		res->cfg.has_gw4 = true;
		for (i = 0; i < p->n_dns && i < I62608_MAX_DNS; i++)
			ip4_bytes(p->dns[i], res->cfg.dns4[res->cfg.n_dns4++]);
		return;
	}
	if (o && o->has_dhcp4 && o->dhcp4 && mode != POLICY_ADDR_RESERVE)
		mode = POLICY_ADDR_DHCP;
	if (mode == POLICY_ADDR_STATIC && !(caps & I62608_CAP_STATIC)) {
		note(res, "the device cannot take a static address: reserved by DHCP instead");
		mode = POLICY_ADDR_RESERVE;
	}
	if (mode == POLICY_ADDR_STATIC || mode == POLICY_ADDR_RESERVE) {
		if (s->pool >= 0 && (unsigned int)s->pool < p->n_pools)
			a = pick(p, &p->pools[s->pool], in);
		if (!a) {
			snprintf(msg, sizeof(msg), "pool %s is full: no address assigned",
				 s->pool >= 0 ? p->pools[s->pool].name : "-");
			note(res, msg);
			mode = POLICY_ADDR_KEEP;
		} else {
			snprintf(res->pool, sizeof(res->pool), "%s",
				 p->pools[s->pool].name);
		}
	}
	res->addr_mode = mode;
	if (a) {
		res->has_addr = true;
		res->addr = a;
		res->plen = p->lan_plen;
	}
	switch (mode) {
	case POLICY_ADDR_STATIC: {
		struct ctl_cfg_addr *ca = &res->cfg.addr4[res->cfg.n_addr4++];

		memset(ca, 0, sizeof(*ca));
		ip4_bytes(a, ca->addr);
		ca->plen = p->lan_plen;
		ip4_bytes(p->gateway, res->cfg.gw4);
		res->cfg.has_gw4 = true;
		for (i = 0; i < p->n_dns && i < I62608_MAX_DNS; i++)
			ip4_bytes(p->dns[i], res->cfg.dns4[res->cfg.n_dns4++]);
		break;
	}
	case POLICY_ADDR_RESERVE:
		/* The gateway's DHCP server keeps @a for it; it runs DHCP. */
		gw_add(res, &(struct plan_gw_rule){ .kind = PLAN_GW_RESERVE, .addr = a });
		res->cfg.has_dhcp4 = true;
		res->cfg.dhcp4 = true;
		break;
	case POLICY_ADDR_DHCP:
		res->cfg.has_dhcp4 = true;
		res->cfg.dhcp4 = true;
		break;
	case POLICY_ADDR_KEEP:
		break;
	}
}

/* The override's items the policy has no say in, and its DNS, gateway. */
static void override_items(const struct ctl_cfg *o, struct plan_result *res)
{
	struct ctl_cfg *c = &res->cfg;

	if (o->iface[0])
		memcpy(c->iface, o->iface, sizeof(c->iface));
	if (o->n_dns4) {
		c->n_dns4 = o->n_dns4;
		memcpy(c->dns4, o->dns4, sizeof(c->dns4));
	}
	if (o->has_gw4 && c->n_addr4) {
		c->has_gw4 = true;
		memcpy(c->gw4, o->gw4, 4);
	}
	c->n_addr6 = o->n_addr6;
	memcpy(c->addr6, o->addr6, sizeof(c->addr6));
	c->has_gw6 = o->has_gw6;
	memcpy(c->gw6, o->gw6, 16);
	c->n_dns6 = o->n_dns6;
	memcpy(c->dns6, o->dns6, sizeof(c->dns6));
	c->has_dhcp6 = o->has_dhcp6;
	c->dhcp6 = o->dhcp6;
	if (o->has_dhcp4 && !o->dhcp4 && !c->n_addr4) {
		/* "stop DHCP" without an address: as it says. */
		c->has_dhcp4 = true;
		c->dhcp4 = false;
	}
	memcpy(c->hostname, o->hostname, sizeof(c->hostname));
	c->n_kv = o->n_kv;
	memcpy(c->kv, o->kv, sizeof(c->kv));
}

void plan_device(const struct policy *p, const struct plan_input *in,
		 struct plan_result *res)
{
	const struct i62608_report *r = in->report;
	const struct ctl_cfg *o = in->override ? in->override : in->tmpl;
	struct policy_device dev = {};
	const struct policy_rule *rule;
	struct ctl_cfg both;
	struct settings s;
	uint32_t caps;
	unsigned int i;

	memset(res, 0, sizeof(*res));
	memcpy(dev.mac, in->mac, 6);
	if (r) {
		dev.has_identity = true;
		dev.device_type = r->device_type;
		dev.vendor = r->vendor;
		dev.model = r->model;
	}
	rule = policy_match(p, &dev);
	if (!rule && !o)
		return;
	if (rule)
		snprintf(res->rule, sizeof(res->rule), "%s", rule->name);
	res->overridden = in->override != NULL;
	res->templated = in->tmpl != NULL;
	if (in->override && in->tmpl) {
		both = *in->tmpl;
		if (!plan_cfg_merge(&both, in->override))
			note(res, "the template and the override hold more services or settings than a request: some left out");
		o = &both;
	}
	merge(rule, o, &s);
	/* Without a REPORT nothing is known of it: ask only what all can do. */
	caps = r ? r->caps : 0;

	plan_address(p, in, o, &s, caps, res);

	if (s.has_qos) {
		if (caps & I62608_CAP_QOS) {
			res->cfg.has_qos = true;
			res->cfg.qos = s.qos.class;
		}
		gw_add(res, &(struct plan_gw_rule){
			.kind = PLAN_GW_QOS, .addr = res->has_addr ? res->addr : 0,
			.dscp = s.qos.dscp, .priority = s.qos.priority,
		});
	}
	for (i = 0; i < s.n_forwards; i++) {
		if (!res->has_addr) {
			note(res, "port forwards need an address of the plan: left out");
			break;
		}
		gw_add(res, &(struct plan_gw_rule){
			.kind = PLAN_GW_FORWARD, .addr = res->addr,
			.proto = s.forwards[i].proto, .port = s.forwards[i].port,
			.to_port = s.forwards[i].to_port,
		});
	}
	if (s.multicast)
		gw_add(res, &(struct plan_gw_rule){ .kind = PLAN_GW_MULTICAST,
			.addr = res->has_addr ? res->addr : 0 });
	for (i = 0; i < s.n_services; i++) {
		if (!(caps & I62608_CAP_SERVICES) ||
		    !has_service(r, s.services[i].name))
			continue;
		snprintf(res->cfg.svc[res->cfg.n_svc].name,
			 sizeof(res->cfg.svc[0].name), "%s", s.services[i].name);
		res->cfg.svc[res->cfg.n_svc++].on = s.services[i].on;
	}
	if (o)
		override_items(o, res);
	for (i = 0; i < res->n_gw; i++)
		memcpy(res->gw[i].mac, in->mac, 6);
}

const char *plan_gw_kind_name(enum plan_gw_kind k)
{
	switch (k) {
	case PLAN_GW_RESERVE:
		return "reserve";
	case PLAN_GW_FORWARD:
		return "forward";
	case PLAN_GW_QOS:
		return "qos";
	case PLAN_GW_MULTICAST:
		return "multicast";
	}
	return "unknown";
}

void plan_gw_rule_str(const struct plan_gw_rule *r, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN] = "-";
	const uint8_t *m = r->mac;

	if (r->addr)
		fmt_ip4(r->addr, a, sizeof(a));
	switch (r->kind) {
	case PLAN_GW_RESERVE:
		snprintf(buf, size, "reserve %02x:%02x:%02x:%02x:%02x:%02x %s",
			 m[0], m[1], m[2], m[3], m[4], m[5], a);
		break;
	case PLAN_GW_FORWARD:
		snprintf(buf, size, "forward %s %u %s %u",
			 r->proto == IPPROTO_TCP ? "tcp" : "udp", r->port, a,
			 r->to_port);
		break;
	case PLAN_GW_QOS:
		snprintf(buf, size, "qos %02x:%02x:%02x:%02x:%02x:%02x %s dscp %u priority %u",
			 m[0], m[1], m[2], m[3], m[4], m[5], a, r->dscp,
			 r->priority);
		break;
	case PLAN_GW_MULTICAST:
		snprintf(buf, size, "multicast %02x:%02x:%02x:%02x:%02x:%02x %s",
			 m[0], m[1], m[2], m[3], m[4], m[5], a);
		break;
	default:
		snprintf(buf, size, "unknown");
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Drift                                                               */
/* ------------------------------------------------------------------ */

static const struct i62608_report_if *facing(const struct i62608_report *r,
					      const uint8_t mac[6])
{
	unsigned int i;

	for (i = 0; i < r->n_ifaces; i++)
		if (!memcmp(r->ifaces[i].mac, mac, 6))
			return &r->ifaces[i];
	return r->n_ifaces ? &r->ifaces[0] : NULL;
}

static void add_word(char *buf, size_t size, const char *w)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n ? "," : "", w);
}

void plan_drift(const struct plan_result *res, const uint8_t mac[6],
		const struct i62608_report *r, char *buf, size_t size)
{
	const struct i62608_report_if *f;
	unsigned int i, j;
	char w[48];

	buf[0] = 0;
	if (!r)
		return;
	f = facing(r, mac);
	if (res->cfg.n_addr4 && f) {
		bool found = false;

		for (i = 0; i < f->n_addr4; i++)
			if (!memcmp(f->addr4[i].addr, res->cfg.addr4[0].addr, 4) &&
			    f->addr4[i].plen == res->cfg.addr4[0].plen &&
			    f->addr4[i].origin == I62608_ORIGIN_STATIC)
				found = true;
		if (!found)
			add_word(buf, size, "address");
	} else if (res->cfg.has_dhcp4 && res->cfg.dhcp4 && f &&
		   !(f->flags & I62608_IFF_DHCP4)) {
		add_word(buf, size, "dhcp");
	}
	for (i = 0; i < res->cfg.n_svc; i++) {
		for (j = 0; j < r->n_services; j++) {
			if (strcmp(r->services[j].name, res->cfg.svc[i].name))
				continue;
			if ((r->services[j].state == I62608_SVC_ENABLED) !=
			    res->cfg.svc[i].on) {
				snprintf(w, sizeof(w), "service:%s", res->cfg.svc[i].name);
				add_word(buf, size, w);
			}
		}
	}
}
