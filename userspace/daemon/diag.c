// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the diagnosis server's requests (docs/cloud-api.md), run when
 * the cloud client fetched new ones (CLOUD_EV_DIAGNOSIS) and at start
 * (those a stopped daemon left running):
 *
 *   reachability MAC  whether the module's agent table has the device and
 *                     it answers: not lost, heard from within its TTL, and
 *                     with an authenticated session (what configuring it
 *                     needs); with what the daemon knows of it
 *   last_report MAC   the device's latest REPORT as the daemon recorded
 *                     it (identity, interfaces, addresses, services), and
 *                     its latest CONFIG_REPORT's items
 *   config_reread     the gateway reads its configuration again: the
 *                     policy (as SIGHUP), the module's table (a dump, as
 *                     after a restart), and every present device's desired
 *                     configuration sent again. The protocol has no way
 *                     to make an agent report on demand, but a
 *                     configuration is idempotent (protocol.md 11.4): a
 *                     device in sync answers UNCHANGED, one that drifted
 *                     is repaired
 *
 * and `unsupported` to any other kind. A result is queued (cloud_diag_
 * finish()) in the transaction that marks the request done.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include <linux/i62608.h>

#include "cfgparse.h"
#include "daemon.h"
#include "log.h"
#include "nl.h"
#include "report.h"
#include "wire.h"

/* Requests run per turn of the loop (the server keeps 100 open at most). */
#define DIAG_BUDGET 32

struct diag_out {
	enum cloud_diag_status status;
	char message[512];
	json_object *result;
};

static void put(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

static json_object *age(int64_t now, int64_t then)
{
	return json_object_new_int64(then && now > then ? now - then : 0);
}

/* ------------------------------------------------------------ reachability -- */

struct find_agent {
	uint8_t mac[6];
	bool found;
	struct i62608_agent_info a;
};

static void find_cb(void *arg, const struct i62608_agent_info *a)
{
	struct find_agent *f = arg;

	if (f->found || memcmp(a->mac, f->mac, 6))
		return;
	f->found = true;
	f->a = *a;
	/* Only valid during the callback. */
	f->a.report = NULL;
	f->a.report_len = 0;
}

static void reachability(struct daemon *d, const char *mac, struct diag_out *out)
{
	struct find_agent f = { .found = false };
	struct db_device dev;
	bool known, answering;
	int ret;

	if (db_mac_parse(mac, f.mac)) {
		out->status = CLOUD_DIAG_FAILED;
		snprintf(out->message, sizeof(out->message), "'%s' is not a MAC address", mac);
		return;
	}
	known = !db_device_get(d->db, mac, &dev);
	if (!d->knl.up) {
		out->status = CLOUD_DIAG_FAILED;
		snprintf(out->message, sizeof(out->message),
			 "the i62608 module does not answer: the device cannot be checked");
		return;
	}
	ret = knl_dump_agents(&d->knl, find_cb, &f);
	if (ret) {
		out->status = CLOUD_DIAG_FAILED;
		snprintf(out->message, sizeof(out->message),
			 "the module's agent table cannot be read: %s",
			 d->knl.req.errmsg[0] ? d->knl.req.errmsg : strerror(-ret));
		return;
	}
	out->result = json_object_new_object();
	if (!out->result)
		return;
	put(out->result, "mac", json_object_new_string(mac));
	put(out->result, "in_agent_table", json_object_new_boolean(f.found));
	put(out->result, "known", json_object_new_boolean(known));
	if (known)
		put(out->result, "last_seen_ms", age(now_ms(), dev.last_seen));
	answering = f.found && f.a.state != I62608_AGENT_LOST &&
		(uint64_t)f.a.ttl * 1000 >= f.a.last_seen_ms;
	if (f.found) {
		put(out->result, "ifname", cloudlink_str(f.a.ifname, IF_NAMESIZE));
		put(out->result, "state", json_object_new_string(
			or_unknown(i62608_agent_state_name(f.a.state))));
		put(out->result, "trust", json_object_new_string(
			or_unknown(i62608_trust_name(f.a.trust))));
		put(out->result, "heard_ms", json_object_new_int64((int64_t)f.a.last_seen_ms));
		put(out->result, "ttl_s", json_object_new_int64(f.a.ttl));
		put(out->result, "rx_frames", json_object_new_int64((int64_t)f.a.rx_frames));
		put(out->result, "tx_frames", json_object_new_int64((int64_t)f.a.tx_frames));
	}
	put(out->result, "answering", json_object_new_boolean(answering));
	put(out->result, "reachable", json_object_new_boolean(
		answering && f.a.trust == I62608_TRUST_AUTHENTICATED));
	out->status = CLOUD_DIAG_OK;
	if (!f.found)
		snprintf(out->message, sizeof(out->message),
			 "not reachable: not in the module's agent table%s", known ?
			 " (the daemon knows it: it was lost)" : ", never seen");
	else if (!answering)
		snprintf(out->message, sizeof(out->message),
			 "not reachable: not heard from for %llu ms (its TTL is %u s)",
			 (unsigned long long)f.a.last_seen_ms, f.a.ttl);
	else if (f.a.trust != I62608_TRUST_AUTHENTICATED)
		snprintf(out->message, sizeof(out->message),
			 "answering on %s, but %s: it cannot be configured",
			 f.a.ifname, f.a.trust == I62608_TRUST_PAIRED ?
			 "without a session now" : "not paired");
	else
		snprintf(out->message, sizeof(out->message),
			 "reachable: heard %llu ms ago on %s, authenticated",
			 (unsigned long long)f.a.last_seen_ms, f.a.ifname);
}

/* ------------------------------------------------------------- last report -- */

static json_object *ip_str(int family, const uint8_t *a, int plen)
{
	char buf[INET6_ADDRSTRLEN + 8];

	inet_ntop(family, a, buf, sizeof(buf));
	if (plen >= 0)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%d", plen);
	return json_object_new_string(buf);
}

static json_object *report_json(const struct i62608_report *r)
{
	json_object *o = json_object_new_object(), *ifs, *svcs, *a;
	const char *type = i62608_device_type_name(r->device_type);
	unsigned int i, j;
	char mac[18];

	if (!o)
		return NULL;
	put(o, "device_type", type ? json_object_new_string(type) :
	    json_object_new_int(r->device_type));
	put(o, "vendor", cloudlink_str(r->vendor, 64));
	put(o, "model", cloudlink_str(r->model, 64));
	put(o, "serial", cloudlink_str(r->serial, 64));
	put(o, "firmware", cloudlink_str(r->firmware, 64));
	put(o, "name", cloudlink_str(r->name, 64));
	put(o, "agent_version", cloudlink_str(r->agent_version, 64));
	put(o, "capabilities", json_object_new_int64(r->caps));
	put(o, "partial", json_object_new_boolean(r->partial));
	ifs = json_object_new_array();
	for (i = 0; i < r->n_ifaces; i++) {
		const struct i62608_report_if *f = &r->ifaces[i];
		json_object *e = json_object_new_object();

		db_mac_str(f->mac, mac);
		put(e, "name", cloudlink_str(f->name, 16));
		put(e, "mac", json_object_new_string(mac));
		put(e, "up", json_object_new_boolean(f->flags & I62608_IFF_UP));
		put(e, "carrier", json_object_new_boolean(f->flags & I62608_IFF_CARRIER));
		a = json_object_new_array();
		for (j = 0; j < f->n_addr4; j++)
			json_object_array_add(a, ip_str(AF_INET, f->addr4[j].addr,
							f->addr4[j].plen));
		for (j = 0; j < f->n_addr6; j++)
			json_object_array_add(a, ip_str(AF_INET6, f->addr6[j].addr,
							f->addr6[j].plen));
		put(e, "addresses", a);
		if (f->has_gw4)
			put(e, "gateway4", ip_str(AF_INET, f->gw4, -1));
		if (f->has_gw6)
			put(e, "gateway6", ip_str(AF_INET6, f->gw6, -1));
		a = json_object_new_array();
		for (j = 0; j < f->n_dns4; j++)
			json_object_array_add(a, ip_str(AF_INET, f->dns4[j], -1));
		for (j = 0; j < f->n_dns6; j++)
			json_object_array_add(a, ip_str(AF_INET6, f->dns6[j], -1));
		put(e, "dns", a);
		json_object_array_add(ifs, e);
	}
	put(o, "interfaces", ifs);
	svcs = json_object_new_array();
	for (i = 0; i < r->n_services; i++) {
		const struct i62608_report_svc *s = &r->services[i];
		json_object *e = json_object_new_object();
		char port[16];

		put(e, "name", cloudlink_str(s->name, 64));
		put(e, "state", json_object_new_string(
			or_unknown(i62608_svc_state_name(s->state))));
		a = json_object_new_array();
		for (j = 0; j < s->n_ports; j++) {
			snprintf(port, sizeof(port), "%s/%u",
				 s->ports[j].proto == 6 ? "tcp" :
				 s->ports[j].proto == 17 ? "udp" : "ip", s->ports[j].port);
			json_object_array_add(a, json_object_new_string(port));
		}
		put(e, "ports", a);
		json_object_array_add(svcs, e);
	}
	put(o, "services", svcs);
	return o;
}

/* Items as `config send` names them. */
static json_object *items_json(const uint8_t *items, size_t len)
{
	json_object *a = json_object_new_array();
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	char line[128];

	i62608_tlv_iter_init(&it, items, len);
	while (a && i62608_tlv_next(&it, &t) > 0) {
		if (t.type < I62608_TLV_CFG_IFACE || t.type > I62608_TLV_CFG_SETTING)
			continue;
		ctl_cfg_item_str(t.type, t.val, t.len, line, sizeof(line));
		json_object_array_add(a, cloudlink_str(line, 128));
	}
	return a;
}

static void last_report(struct daemon *d, const char *mac, struct diag_out *out)
{
	struct i62608_report *r = malloc(sizeof(*r));
	uint8_t body[DB_BLOB_MAX];
	int64_t received = 0, now = now_ms();
	struct db_device dev;
	size_t len = 0;
	json_object *rep;
	int ret;

	out->status = CLOUD_DIAG_FAILED;
	if (!r) {
		snprintf(out->message, sizeof(out->message), "out of memory");
		return;
	}
	if (db_device_get(d->db, mac, &dev)) {
		snprintf(out->message, sizeof(out->message),
			 "the gateway has never seen %s", mac);
		goto out;
	}
	ret = db_report_latest(d->db, mac, DB_REPORT, body, &len, &received);
	if (ret) {
		snprintf(out->message, sizeof(out->message), ret == -ENOENT ?
			 "the device has sent no REPORT" : "the database failed");
		goto out;
	}
	if (i62608_report_decode(body, len, r)) {
		snprintf(out->message, sizeof(out->message),
			 "the recorded REPORT does not decode");
		goto out;
	}
	rep = report_json(r);
	out->result = json_object_new_object();
	if (!rep || !out->result) {
		json_object_put(rep);
		snprintf(out->message, sizeof(out->message), "out of memory");
		goto out;
	}
	put(out->result, "mac", json_object_new_string(mac));
	put(out->result, "present", json_object_new_boolean(dev.present));
	put(out->result, "received_ms", age(now, received));
	put(out->result, "report", rep);
	ret = db_report_latest(d->db, mac, DB_CONFIG_REPORT, body, &len, &received);
	if (!ret) {
		json_object *c = json_object_new_object();

		put(c, "received_ms", age(now, received));
		put(c, "items", items_json(body, len));
		put(out->result, "config_report", c);
	}
	out->status = CLOUD_DIAG_OK;
	snprintf(out->message, sizeof(out->message), "REPORT received %lld ms ago",
		 (long long)(now > received ? now - received : 0));
out:
	free(r);
}

/* ----------------------------------------------------------- config reread -- */

static void config_reread(struct daemon *d, struct diag_out *out)
{
	bool loaded = daemon_reload(d);
	json_object *pol;
	int n;

	out->result = json_object_new_object();
	pol = json_object_new_object();
	if (!out->result || !pol) {
		json_object_put(pol);
		out->status = CLOUD_DIAG_FAILED;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return;
	}
	put(pol, "path", json_object_new_string(d->policy_path));
	put(pol, "loaded", json_object_new_boolean(loaded));
	put(pol, "error", cloudlink_str(d->policy_error, 1024));
	put(pol, "rules", json_object_new_int64(d->policy->n_rules));
	put(pol, "pools", json_object_new_int64(d->policy->n_pools));
	put(out->result, "policy", pol);
	put(out->result, "kernel_connected", json_object_new_boolean(d->knl.up));
	if (!d->knl.up) {
		out->status = CLOUD_DIAG_FAILED;
		snprintf(out->message, sizeof(out->message),
			 "the policy was %s; the i62608 module does not answer",
			 loaded ? "read again" : "refused");
		return;
	}
	if (engine_reconcile(d)) {
		out->status = CLOUD_DIAG_FAILED;
		snprintf(out->message, sizeof(out->message),
			 "the module's agent table cannot be read again");
		return;
	}
	n = engine_resend_all(d);
	put(out->result, "resent", json_object_new_int(n > 0 ? n : 0));
	if (n < 0) {
		out->status = CLOUD_DIAG_FAILED;
		snprintf(out->message, sizeof(out->message),
			 "the configurations cannot be queued: %s", strerror(-n));
		return;
	}
	out->status = loaded ? CLOUD_DIAG_OK : CLOUD_DIAG_FAILED;
	snprintf(out->message, sizeof(out->message), loaded ?
		 "policy read again; the module's table read again; %d configurations sent again" :
		 "the policy was refused (the one in force stays); the module's table read again; %d configurations sent again",
		 n);
}

/* ------------------------------------------------------------------ */

void diag_run(struct daemon *d)
{
	sqlite3 *db = db_sqlite(d->db);
	struct cloud_diag req;
	unsigned int n = 0;
	char err[512];
	int ret = 0;

	if (!cloudlink_role(d, CLOUD_ROLE_DIAGNOSIS))
		return;
	while (n++ < DIAG_BUDGET && (ret = cloud_diag_claim(db, &req, err, sizeof(err))) > 0) {
		struct diag_out out = { .status = CLOUD_DIAG_UNSUPPORTED };
		const char *text = NULL;

		log_info("cloud: diagnosis request %lld: %s%s%s", (long long)req.id,
			 req.kind, req.mac[0] ? " " : "", req.mac);
		if (!strcmp(req.kind, "reachability") && req.mac[0])
			reachability(d, req.mac, &out);
		else if (!strcmp(req.kind, "last_report") && req.mac[0])
			last_report(d, req.mac, &out);
		else if (!strcmp(req.kind, "config_reread"))
			config_reread(d, &out);
		else
			snprintf(out.message, sizeof(out.message),
				 "i62608d %s does not run '%s' requests%s",
				 I62608_TOOL_VERSION, req.kind,
				 req.mac[0] ? "" : " without a MAC address");
		if (out.result)
			text = json_object_to_json_string_ext(out.result,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		if (cloud_diag_finish(db, req.id, out.status, out.message, text,
				      err, sizeof(err))) {
			log_err("cloud: diagnosis request %lld: its result is not queued: %s",
				(long long)req.id, err);
		} else {
			d->cloud.diagnoses++;
			d->cloud.kick = true;
			log_info("cloud: diagnosis request %lld: %s: %s", (long long)req.id,
				 out.status == CLOUD_DIAG_OK ? "ok" :
				 out.status == CLOUD_DIAG_FAILED ? "failed" : "unsupported",
				 out.message);
		}
		json_object_put(out.result);
	}
	if (ret < 0)
		log_err("cloud: diagnosis requests: %s", err);
	/* More than the budget: the next turn of the loop goes on. */
	if (n > DIAG_BUDGET && d->cloud.c)
		d->cloud.diag_more = true;
	cloudlink_flush(d);
}
