// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the gateway's side of the plan, the one adapter to the
 * backends of userspace/gateway (gw.h). plan.c computes each device's
 * gateway rules and engine.c stores them (table gw_rules) in the
 * transaction of the decision; this file makes the gateway match the
 * complete set: after every change, once after each start (the gateway
 * may have changed while the daemon was away; dnsmasq is told to read its
 * file again), and every 30 s while a backend failed.
 *
 * Which backend applies what is the policy's plumbing (docs/i62608d.md,
 * THE GATEWAY): `wan` and `lan-interface` give the nftables table its
 * forwards and QoS marking, unless `gateway-backend upnp` sends the
 * forwards to a separate router's UPnP IGD; `dhcp-hosts` gives dnsmasq
 * its reservations, `igmp-proxy` the IGMP proxy. A kind of rule without its backend is only
 * recorded (state "desired"). Every rule ends "synced", "failed" (with
 * the backend's sentence), or "conflict" (a second forward of one port, a
 * second marking of one address: the older rule wins).
 */

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "daemon.h"
#include "gw.h"
#include "log.h"
#include "plan.h"

#define GW_RETRY_MS	30000

/* UPnP leases are renewed at half their time; "permanent" ones hourly. */
#define UPNP_RESYNC_MS	(3600 * 1000)

struct gwsync {
	struct gw_nft *nft;
	bool nft_used;			/* our table was written: keep it synced */
	bool dnsmasq_told;		/* a sync since the start told dnsmasq */
	bool failed;
	int64_t retry_at;		/* monotonic */
	char igmp_conf[256], igmp_pid[256];
	struct gw_upnp *upnp;		/* the IGD of gateway-backend upnp */
	char upnp_url[POLICY_PATH_MAX];	/* what it was opened with */
	uint32_t upnp_lease_s;
	int64_t upnp_resync_at;		/* monotonic: renew the leases */
};

/* A rule of the database, parsed back, with what becomes of it. */
struct rule {
	int64_t id;
	enum plan_gw_kind kind;
	uint8_t mac[6];
	struct in_addr addr;
	uint8_t proto;
	uint16_t port, to_port;
	uint8_t dscp, priority;
	const char *state;
	char error[160];
	char spec[96];			/* as the database keeps it */
	char was[16];			/* its state before this sync */
};

struct rules {
	struct rule *v;
	size_t n, cap;
};

static int parse_rule(const struct db_gw_rule *r, struct rule *out)
{
	char a[8][24];
	int n;

	memset(out, 0, sizeof(*out));
	out->id = r->id;
	n = sscanf(r->spec, "%23s %23s %23s %23s %23s %23s %23s %23s", a[0], a[1],
		   a[2], a[3], a[4], a[5], a[6], a[7]);
	if (n == 3 && !strcmp(a[0], "reserve")) {
		out->kind = PLAN_GW_RESERVE;
		return gw_parse_mac(a[1], out->mac) || gw_parse_ipv4(a[2], &out->addr);
	}
	if (n == 3 && !strcmp(a[0], "multicast")) {
		out->kind = PLAN_GW_MULTICAST;
		return gw_parse_mac(a[1], out->mac);
	}
	if (n == 5 && !strcmp(a[0], "forward")) {
		out->kind = PLAN_GW_FORWARD;
		return gw_parse_proto(a[1], &out->proto) ||
			gw_parse_port(a[2], &out->port) ||
			gw_parse_ipv4(a[3], &out->addr) ||
			gw_parse_port(a[4], &out->to_port);
	}
	if (n == 7 && !strcmp(a[0], "qos") && !strcmp(a[3], "dscp") &&
	    !strcmp(a[5], "priority")) {
		out->kind = PLAN_GW_QOS;
		if (strcmp(a[2], "-") && gw_parse_ipv4(a[2], &out->addr))
			return -EINVAL;
		return gw_parse_mac(a[1], out->mac) ||
			sscanf(a[4], "%hhu", &out->dscp) != 1 ||
			sscanf(a[6], "%hhu", &out->priority) != 1;
	}
	return -EINVAL;
}

static int collect(void *arg, const struct db_gw_rule *r)
{
	struct rules *rs = arg;

	if (rs->n == rs->cap) {
		void *v = realloc(rs->v, (rs->cap ? rs->cap * 2 : 64) * sizeof(*rs->v));

		if (!v)
			return -ENOMEM;
		rs->v = v;
		rs->cap = rs->cap ? rs->cap * 2 : 64;
	}
	/* Rules name their device in their text, or not: the row does. */
	if (parse_rule(r, &rs->v[rs->n]) || gw_parse_mac(r->mac, rs->v[rs->n].mac)) {
		log_err("gateway: rule %lld of %s does not parse: '%s'",
			(long long)r->id, r->mac, r->spec);
		return 0;
	}
	rs->v[rs->n].state = "desired";
	snprintf(rs->v[rs->n].spec, sizeof(rs->v[rs->n].spec), "%s", r->spec);
	snprintf(rs->v[rs->n].was, sizeof(rs->v[rs->n].was), "%s", r->state);
	rs->n++;
	return 0;
}

static void set_all(struct rules *rs, enum plan_gw_kind kind, const char *state,
		    const char *error)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		if (rs->v[i].kind != kind || !strcmp(rs->v[i].state, "conflict"))
			continue;
		rs->v[i].state = state;
		snprintf(rs->v[i].error, sizeof(rs->v[i].error), "%.159s", error);
	}
}

/* ------------------------------------------------------------ nftables -- */

static void tag_of(const uint8_t mac[6], char tag[GW_TAG_LEN])
{
	gw_fmt_mac(tag, GW_TAG_LEN, mac);
}

static int sync_nft(struct daemon *d, struct rules *rs)
{
	const struct policy_gateway *g = &d->policy->gw;
	struct gwsync *s = d->gw;
	struct gw_forward *fwd = calloc(rs->n + 1, sizeof(*fwd));
	struct gw_qos *qos = calloc(rs->n + 1, sizeof(*qos));
	struct gw_nft_state want = {};
	char err[GW_ERRLEN];
	size_t i, j;
	int ret = 0;

	if (!fwd || !qos) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];

		if (r->kind == PLAN_GW_FORWARD) {
			/* The IGD's (sync_upnp()). */
			if (g->fwd_backend == POLICY_FWD_UPNP)
				continue;
			if (!g->wan[0]) {
				snprintf(r->error, sizeof(r->error),
					 "no 'wan' in the policy: not applied");
				continue;
			}
			for (j = 0; j < want.nfwd; j++)
				if (fwd[j].proto == r->proto && fwd[j].ext_port == r->port)
					break;
			if (j < want.nfwd) {
				r->state = "conflict";
				snprintf(r->error, sizeof(r->error),
					 "the port is forwarded to %s already", fwd[j].tag);
				continue;
			}
			fwd[want.nfwd] = (struct gw_forward){
				.proto = r->proto, .ext_port = r->port,
				.addr = r->addr, .int_port = r->to_port,
			};
			tag_of(r->mac, fwd[want.nfwd++].tag);
		} else if (r->kind == PLAN_GW_QOS) {
			if (!g->lan_if[0]) {
				snprintf(r->error, sizeof(r->error),
					 "no 'lan-interface' in the policy: not applied");
				continue;
			}
			if (!r->addr.s_addr) {
				snprintf(r->error, sizeof(r->error),
					 "the device has no address in the plan: not marked");
				continue;
			}
			for (j = 0; j < want.nqos; j++)
				if (qos[j].addr.s_addr == r->addr.s_addr)
					break;
			if (j < want.nqos) {
				r->state = "conflict";
				snprintf(r->error, sizeof(r->error),
					 "the address is marked for %s already", qos[j].tag);
				continue;
			}
			qos[want.nqos] = (struct gw_qos){
				.addr = r->addr, .dscp = r->dscp, .priority = r->priority,
			};
			tag_of(r->mac, qos[want.nqos++].tag);
		}
	}
	/* Nothing to mark and never written: no table of ours at all. */
	if (!want.nfwd && !want.nqos && !s->nft_used)
		goto out;
	if (!s->nft) {
		s->nft = gw_nft_new(NULL, GW_NFT_AUTO, err, sizeof(err));
		if (!s->nft) {
			ret = -EIO;
			set_all(rs, PLAN_GW_FORWARD, "failed", err);
			set_all(rs, PLAN_GW_QOS, "failed", err);
			goto out;
		}
	}
	snprintf(want.wan, sizeof(want.wan), "%s", g->wan);
	snprintf(want.lan, sizeof(want.lan), "%s", g->lan_if);
	want.fwd = fwd;
	want.qos = qos;
	ret = gw_nft_sync(s->nft, &want, err, sizeof(err));
	s->nft_used = true;
	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];

		if ((r->kind != PLAN_GW_FORWARD && r->kind != PLAN_GW_QOS) ||
		    (r->kind == PLAN_GW_FORWARD && g->fwd_backend == POLICY_FWD_UPNP) ||
		    !strcmp(r->state, "conflict") || r->error[0])
			continue;
		r->state = ret ? "failed" : "synced";
		if (ret)
			snprintf(r->error, sizeof(r->error), "%.159s", err);
	}
	if (ret)
		log_warn("gateway: nftables: %s", err);
	else
		log_debug("gateway: nftables: %zu forwards, %zu markings", want.nfwd,
			  want.nqos);
out:
	free(fwd);
	free(qos);
	return ret;
}

/* ------------------------------------------------------------ UPnP IGD -- */

static void upnp_close(struct gwsync *s)
{
	gw_upnp_close(s->upnp);
	s->upnp = NULL;
	s->upnp_url[0] = 0;
}

/*
 * The forwards on a separate router through UPnP IGD (gateway-backend
 * upnp): our mappings made exactly the forwards, each rule then synced
 * if the IGD lists its mapping as ours, failed otherwise. UPnP has no
 * transactions: a sync goes on past a refusal, and the IGD's list says
 * which of ours are there.
 */
static int sync_upnp(struct daemon *d, struct rules *rs)
{
	const struct policy_gateway *g = &d->policy->gw;
	struct gwsync *s = d->gw;
	struct gw_upnp_opts o = {
		.url = g->upnp_url[0] ? g->upnp_url : NULL,
		.lease_s = g->upnp_lease_s,
	};
	struct gw_upnp_mapping *m = NULL;
	struct gw_forward *fwd;
	char err[GW_ERRLEN], why[GW_ERRLEN] = "";
	size_t i, j, n = 0, nm = 0;
	int ret, lret;

	if (g->fwd_backend != POLICY_FWD_UPNP) {
		/* Back to nftables: ours leave the IGD used before. */
		if (s->upnp) {
			if (gw_upnp_remove(s->upnp, err, sizeof(err)) < 0)
				log_warn("gateway: UPnP IGD: our mappings stay: %s", err);
			else
				log_info("gateway: UPnP IGD: our mappings removed");
			upnp_close(s);
		}
		return 0;
	}
	fwd = calloc(rs->n + 1, sizeof(*fwd));
	if (!fwd)
		return -ENOMEM;
	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];

		if (r->kind != PLAN_GW_FORWARD)
			continue;
		for (j = 0; j < n; j++)
			if (fwd[j].proto == r->proto && fwd[j].ext_port == r->port)
				break;
		if (j < n) {
			r->state = "conflict";
			snprintf(r->error, sizeof(r->error),
				 "the port is forwarded to %s already", fwd[j].tag);
			continue;
		}
		fwd[n] = (struct gw_forward){
			.proto = r->proto, .ext_port = r->port,
			.addr = r->addr, .int_port = r->to_port,
		};
		tag_of(r->mac, fwd[n++].tag);
	}
	/* Another IGD, or another lease: opened anew (ours leave the old). */
	if (s->upnp && (strcmp(s->upnp_url, g->upnp_url) ||
			s->upnp_lease_s != g->upnp_lease_s)) {
		if (gw_upnp_remove(s->upnp, err, sizeof(err)) < 0)
			log_warn("gateway: UPnP IGD: our mappings stay on the IGD used before: %s",
				 err);
		upnp_close(s);
	}
	if (!s->upnp) {
		s->upnp = gw_upnp_open(&o, err, sizeof(err));
		if (!s->upnp) {
			ret = -EIO;
			set_all(rs, PLAN_GW_FORWARD, "failed", err);
			log_warn("gateway: UPnP IGD: %s", err);
			goto out;
		}
		snprintf(s->upnp_url, sizeof(s->upnp_url), "%s", g->upnp_url);
		s->upnp_lease_s = g->upnp_lease_s;
		log_info("gateway: UPnP IGD %s, control URL %s, our address %s",
			 g->upnp_url[0] ? g->upnp_url : "(discovered)",
			 gw_upnp_control_url(s->upnp), gw_upnp_lan_addr(s->upnp));
	}
	ret = gw_upnp_sync(s->upnp, fwd, n, err, sizeof(err));
	if (ret > 0)
		log_info("gateway: UPnP IGD: %d mappings added or deleted, %zu ours", ret, n);
	lret = gw_upnp_list(s->upnp, &m, &nm, why, sizeof(why));
	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];
		bool there = false;

		if (r->kind != PLAN_GW_FORWARD || !strcmp(r->state, "conflict"))
			continue;
		for (j = 0; lret >= 0 && j < nm && !there; j++)
			there = m[j].ours && m[j].f.proto == r->proto &&
				m[j].f.ext_port == r->port &&
				m[j].f.addr.s_addr == r->addr.s_addr &&
				m[j].f.int_port == r->to_port;
		r->state = there ? "synced" : "failed";
		snprintf(r->error, sizeof(r->error), "%.159s", there ? "" :
			 ret < 0 ? err : lret < 0 ? why :
			 "the IGD does not list the mapping");
	}
	free(m);
	if (ret < 0)
		log_warn("gateway: UPnP IGD: %s", err);
	if (lret < 0) {
		/* The IGD restarted elsewhere or went: found again next time. */
		log_warn("gateway: UPnP IGD: its mappings cannot be listed: %s", why);
		ret = lret;
		upnp_close(s);
	}
	s->upnp_resync_at = mono_ms() + (g->upnp_lease_s ?
		(int64_t)g->upnp_lease_s * 500 : UPNP_RESYNC_MS);
out:
	free(fwd);
	return ret < 0 ? ret : 0;
}

/* ------------------------------------------------------------- dnsmasq -- */

static int sync_dnsmasq(struct daemon *d, struct rules *rs)
{
	const struct policy_gateway *g = &d->policy->gw;
	struct gw_dnsmasq dm = { .hostsfile = g->dhcp_hosts, .pidfile = g->dnsmasq_pid };
	struct gw_dhcp_host *h;
	char err[GW_ERRLEN];
	size_t i, n = 0;
	int ret;

	if (!g->dhcp_hosts[0]) {
		for (i = 0; i < rs->n; i++)
			if (rs->v[i].kind == PLAN_GW_RESERVE)
				snprintf(rs->v[i].error, sizeof(rs->v[i].error),
					 "no 'dhcp-hosts' in the policy: not applied");
		return 0;
	}
	h = calloc(rs->n + 1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	for (i = 0; i < rs->n; i++) {
		if (rs->v[i].kind != PLAN_GW_RESERVE)
			continue;
		memcpy(h[n].mac, rs->v[i].mac, 6);
		h[n++].addr = rs->v[i].addr;
	}
	/* After a start: dnsmasq may have missed the last change. */
	ret = gw_dnsmasq_sync(&dm, h, n, d->gw->dnsmasq_told ? 0 : GW_DNSMASQ_RELOAD,
			      err, sizeof(err));
	free(h);
	if (ret >= 0)
		d->gw->dnsmasq_told = true;
	set_all(rs, PLAN_GW_RESERVE, ret < 0 ? "failed" : "synced",
		ret < 0 ? err : "");
	if (ret < 0)
		log_warn("gateway: dnsmasq: %s", err);
	else if (ret > 0)
		log_info("gateway: dnsmasq: %zu reservations, dnsmasq reloaded", n);
	return ret < 0 ? ret : 0;
}

/* ------------------------------------------------------------ igmpproxy -- */

static int sync_igmp(struct daemon *d, struct rules *rs)
{
	const struct policy_gateway *g = &d->policy->gw;
	struct gw_igmp_paths paths = {
		.conffile = d->gw->igmp_conf, .pidfile = d->gw->igmp_pid,
	};
	struct gw_igmp_config c = { .ndownstream = 1, .quickleave = true };
	char err[GW_ERRLEN];
	bool wanted = false;
	size_t i;
	int ret;

	for (i = 0; i < rs->n; i++)
		wanted |= rs->v[i].kind == PLAN_GW_MULTICAST;
	if (!g->igmp_upstream[0]) {
		set_all(rs, PLAN_GW_MULTICAST, "desired",
			"no 'igmp-proxy' in the policy: not applied");
		wanted = false;
	}
	if (!wanted) {
		/* Ours stops, if it runs (a policy without it, no device). */
		ret = gw_igmp_disable(&paths, err, sizeof(err));
		if (ret < 0)
			log_warn("gateway: igmpproxy: %s", err);
		return ret < 0 ? ret : 0;
	}
	snprintf(c.upstream, sizeof(c.upstream), "%s", g->igmp_upstream);
	snprintf(c.downstream[0], sizeof(c.downstream[0]), "%s", g->lan_if);
	for (i = 0; i < g->n_altnets && i < GW_IGMP_MAX_ALTNET; i++) {
		c.altnet[i].net.s_addr = htonl(g->altnet[i]);
		c.altnet[i].len = g->altnet_len[i];
	}
	c.naltnet = i;
	ret = gw_igmp_enable(&paths, &c, err, sizeof(err));
	set_all(rs, PLAN_GW_MULTICAST, ret < 0 ? "failed" : "synced",
		ret < 0 ? err : "");
	if (ret < 0)
		log_warn("gateway: igmpproxy: %s", err);
	else if (ret > 0)
		log_info("gateway: igmpproxy started: upstream %s, downstream %s",
			 c.upstream, c.downstream[0]);
	return ret < 0 ? ret : 0;
}

/* ------------------------------------------------------------------ */

/*
 * The rules' states, and a failure report for each rule that failed now
 * and had not before (a backend retried every 30 s reports once).
 */
static int record(struct daemon *d, const struct rules *rs)
{
	int64_t now = now_ms();
	size_t i;
	int ret = db_begin(d->db);

	for (i = 0; i < rs->n && !ret; i++) {
		const struct rule *r = &rs->v[i];

		ret = db_gw_rule_state(d->db, r->id, r->state, r->error);
		if (!ret && !strcmp(r->state, "failed") && strcmp(r->was, "failed")) {
			json_object *extra = json_object_new_object();
			char mac[18];

			gw_fmt_mac(mac, sizeof(mac), r->mac);
			if (extra)
				json_object_object_add(extra, "rule",
						       cloudlink_str(r->spec, 128));
			cloudlink_failure(d, "gateway_rule", mac, now, extra,
					  "%s", r->error);
		}
	}
	if (ret) {
		db_rollback(d->db);
		return ret;
	}
	return db_commit(d->db);
}

/* What applies the rules under the policy in force, for `daemon status`. */
static void describe(struct daemon *d)
{
	const struct policy_gateway *g = &d->policy->gw;
	size_t n = 0;

	d->gw_backend[0] = 0;
	if (g->fwd_backend == POLICY_FWD_UPNP)
		n += (size_t)snprintf(d->gw_backend + n, sizeof(d->gw_backend) - n,
				      "UPnP IGD %.100s", g->upnp_url[0] ? g->upnp_url :
				      "(discovered)");
	if ((g->wan[0] && g->fwd_backend != POLICY_FWD_UPNP) || g->lan_if[0])
		n += (size_t)snprintf(d->gw_backend + n, sizeof(d->gw_backend) - n,
				      "%snftables (wan %s, lan %s)", n ? ", " : "",
				      g->wan[0] && g->fwd_backend != POLICY_FWD_UPNP ?
				      g->wan : "-", g->lan_if[0] ? g->lan_if : "-");
	if (g->dhcp_hosts[0] && n < sizeof(d->gw_backend))
		n += (size_t)snprintf(d->gw_backend + n, sizeof(d->gw_backend) - n,
				      "%sdnsmasq", n ? ", " : "");
	if (g->igmp_upstream[0] && n < sizeof(d->gw_backend))
		n += (size_t)snprintf(d->gw_backend + n, sizeof(d->gw_backend) - n,
				      "%sigmpproxy (upstream %s)", n ? ", " : "",
				      g->igmp_upstream);
	if (!n)
		snprintf(d->gw_backend, sizeof(d->gw_backend),
			 "none: rules recorded, not applied");
}

void gwsync_init(struct daemon *d)
{
	char *copy = strdup(d->sock_path);
	const char *dir = copy ? dirname(copy) : "/run/i62608";

	d->gw = calloc(1, sizeof(*d->gw));
	if (d->gw) {
		/* Beside the control socket: the daemon's runtime directory. */
		snprintf(d->gw->igmp_conf, sizeof(d->gw->igmp_conf),
			 "%.200s/igmpproxy.conf", dir);
		snprintf(d->gw->igmp_pid, sizeof(d->gw->igmp_pid),
			 "%.200s/igmpproxy.pid", dir);
	}
	free(copy);
	describe(d);
}

void gwsync_run(struct daemon *d)
{
	struct rules rs = {};
	int ret, failed = 0;

	d->gw_dirty = false;
	if (!d->gw)
		return;
	describe(d);
	d->st.gw_syncs++;
	ret = db_gw_rules_each(d->db, collect, &rs);
	if (ret < 0) {
		free(rs.v);
		d->st.gw_errors++;
		d->gw->failed = true;
		d->gw->retry_at = mono_ms() + GW_RETRY_MS;
		return;
	}
	failed |= sync_nft(d, &rs) < 0;
	failed |= sync_upnp(d, &rs) < 0;
	failed |= sync_dnsmasq(d, &rs) < 0;
	failed |= sync_igmp(d, &rs) < 0;
	if (record(d, &rs))
		failed = 1;
	if (failed) {
		d->st.gw_errors++;
		db_event(d->db, now_ms(), NULL, "gateway_failed",
			 "a gateway backend failed: see the rules' errors");
		d->gw->retry_at = mono_ms() + GW_RETRY_MS;
	}
	d->gw->failed = failed;
	free(rs.v);
}

bool gwsync_retry_due(struct daemon *d)
{
	if (!d->gw)
		return false;
	/* UPnP mappings expire unless renewed, and others may remove them. */
	if (d->gw->upnp && mono_ms() >= d->gw->upnp_resync_at)
		return true;
	return d->gw->failed && mono_ms() >= d->gw->retry_at;
}

void gwsync_fini(struct daemon *d)
{
	if (!d->gw)
		return;
	/* What the daemon leaves stays (mappings too): its next start syncs. */
	gw_upnp_close(d->gw->upnp);
	gw_nft_free(d->gw->nft);
	free(d->gw);
	d->gw = NULL;
}
