// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: deciding and acting.
 *
 * Everything the daemon learns (an agent appeared or reported, a request
 * ended, the policy changed) goes into the database, and the device's
 * desired configuration is decided again from the database alone
 * (decide()): its identity and latest REPORT, its override (and its type's
 * template), the policy, the address plan. A decision, and the work it
 * implies (a row of pending), is committed before anything is sent; what
 * is sent is recorded when the kernel accepted it, and its outcome when
 * it ended. A daemon killed at any point therefore restarts with every
 * decision, finds in pending what it had still to do, and reconciles the
 * rest with the kernel's table (engine_reconcile()): a request whose
 * result it missed is sent again, which the device answers with
 * UNCHANGED.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include <linux/i62608.h>

#include "cfgparse.h"
#include "cloud.h"
#include "daemon.h"
#include "log.h"
#include "plan.h"
#include "report.h"
#include "wire.h"

/* ------------------------------------------------------------------ */
/* Recording what the kernel says                                      */
/* ------------------------------------------------------------------ */

static void device_from_agent(const struct i62608_agent_info *a, int64_t now,
			      struct db_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	db_mac_str(a->mac, dev->mac);
	dev->present = a->state != I62608_AGENT_LOST;
	dev->ifindex = a->ifindex;
	snprintf(dev->ifname, sizeof(dev->ifname), "%s", a->ifname);
	dev->trust = a->trust;
	dev->epoch = a->epoch;
	dev->has_report = a->report != NULL;
	dev->report_id = a->report_id;
	dev->device_type = a->device_type;
	dev->caps = a->caps;
	memcpy(dev->vendor, a->vendor, sizeof(dev->vendor));
	memcpy(dev->model, a->model, sizeof(dev->model));
	memcpy(dev->name, a->name, sizeof(dev->name));
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_ADDR4)) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, a->addr4, ip, sizeof(ip));
		snprintf(dev->addr4, sizeof(dev->addr4), "%s/%u", ip, a->addr4_plen);
	}
	dev->last_seen = now;
}

/* ------------------------------------------------------------------ */
/* Deciding                                                            */
/* ------------------------------------------------------------------ */

static void fmt_ip4(uint32_t a, char *buf, size_t size)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)size);
}

/* Whether "a.b.c.d/p" is an address of the policy's LAN. */
static bool on_lan(const struct policy *p, const char *addr)
{
	char ip[INET_ADDRSTRLEN];
	struct in_addr in;
	size_t n = strcspn(addr, "/");
	uint32_t mask = p->lan_plen ? ~0U << (32 - p->lan_plen) : 0;

	if (n >= sizeof(ip))
		return false;
	memcpy(ip, addr, n);
	ip[n] = 0;
	if (inet_pton(AF_INET, ip, &in) != 1)
		return false;
	return (ntohl(in.s_addr) & mask) == p->lan;
}

/* The results of an answer, "applied,unchanged,refused:invalid". */
static void results_str(const uint8_t *res, size_t len, char *buf, size_t size)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	size_t n = 0;

	buf[0] = 0;
	if (!res)
		return;
	i62608_tlv_iter_init(&it, res, len);
	while (i62608_tlv_next(&it, &t) > 0 && n + 1 < size) {
		const struct i62608_tlv_cfg_result *cr = (const void *)t.val;
		int w;

		if (t.type != I62608_TLV_CFG_RESULT)
			continue;
		w = snprintf(buf + n, size - n, "%s%s%s%s", n ? "," : "",
			     ctl_cfg_status_name(cr->status),
			     cr->status == I62608_CFG_REFUSED ? ":" : "",
			     cr->status == I62608_CFG_REFUSED ?
			     ctl_cfg_reason_name(cr->reason) : "");
		if (w < 0)
			break;
		n += (size_t)w < size - n ? (size_t)w : size - n - 1;
	}
}

static int64_t backoff_ms(uint32_t attempts)
{
	int64_t t = DAEMON_RETRY_MIN_MS;

	while (attempts-- > 1 && t < DAEMON_RETRY_MAX_MS)
		t *= 2;
	return t < DAEMON_RETRY_MAX_MS ? t : DAEMON_RETRY_MAX_MS;
}

/* What plan_device() needs, read from the database. */
struct device_view {
	struct db_device dev;
	bool has_report;
	struct i62608_report report;
	int64_t report_received;
	bool has_override;
	struct ctl_cfg override;
	bool has_template;
	struct ctl_cfg tmpl;
};

static int load_view(struct daemon *d, const char *mac, struct device_view *v)
{
	uint8_t body[DB_BLOB_MAX];
	char err[CTL_ERR_LEN + 64], *text = NULL;
	size_t len = 0;
	int ret;

	memset(v, 0, sizeof(*v));
	ret = db_device_get(d->db, mac, &v->dev);
	if (ret)
		return ret;
	ret = db_report_latest(d->db, mac, DB_REPORT, body, &len,
			       &v->report_received);
	if (!ret) {
		if (i62608_report_decode(body, len, &v->report))
			log_warn("%s: the recorded REPORT does not decode: planned without it",
				 mac);
		else
			v->has_report = true;
	} else if (ret != -ENOENT) {
		return ret;
	}
	/* The service server's override, kept by the cloud client. */
	ret = cloud_override_get(db_sqlite(d->db), mac, &text, err, sizeof(err));
	if (ret < 0) {
		log_err("%s: its override cannot be read: %s", mac, err);
		return -EIO;
	}
	if (ret > 0 && strlen(text) > PLAN_OVERRIDE_MAX) {
		log_warn("%s: its override is longer than %d bytes, ignored", mac,
			 PLAN_OVERRIDE_MAX);
	} else if (ret > 0) {
		if (ctl_cfg_parse_json(&v->override, text, strlen(text), err,
				       sizeof(err)))
			log_warn("%s: its override is not valid, ignored: %s", mac, err);
		else
			v->has_override = true;
	}
	free(text);
	/* The template of the type it reported (plan.h: below the override). */
	if (v->has_report || v->dev.has_report) {
		char num[4];
		const char *type = plan_type_key(v->has_report ? v->report.device_type :
						 v->dev.device_type, num);

		ret = cloud_template_get(db_sqlite(d->db), type, &text, err, sizeof(err));
		if (ret < 0) {
			log_err("%s: the template of type %s cannot be read: %s", mac,
				type, err);
			return -EIO;
		}
		if (ret > 0 && strlen(text) > PLAN_OVERRIDE_MAX)
			log_warn("%s: the template of type %s is longer than %d bytes, ignored",
				 mac, type, PLAN_OVERRIDE_MAX);
		else if (ret > 0 && ctl_cfg_parse_json(&v->tmpl, text, strlen(text),
						       err, sizeof(err)))
			log_warn("%s: the template of type %s is not valid, ignored: %s",
				 mac, type, err);
		else
			v->has_template = ret > 0;
		free(text);
	}
	return 0;
}

/*
 * What of a pinned configuration's items drift is judged on: its first
 * IPv4 address, DHCP, its services (plan_drift()).
 */
static void items_to_cfg(const uint8_t *items, size_t len, struct ctl_cfg *c)
{
	struct i62608_tlv_iter it, nit;
	struct i62608_elem t, n;

	i62608_tlv_iter_init(&it, items, len);
	while (i62608_tlv_next(&it, &t) > 0) {
		switch (t.type) {
		case I62608_TLV_CFG_ADDR4:
			if (t.len == sizeof(struct i62608_tlv_cfg_addr4) &&
			    c->n_addr4 < I62608_MAX_ADDRS) {
				memcpy(c->addr4[c->n_addr4].addr, t.val, 4);
				c->addr4[c->n_addr4++].plen = t.val[4];
			}
			break;
		case I62608_TLV_CFG_DHCP4:
			if (t.len == 1) {
				c->has_dhcp4 = true;
				c->dhcp4 = t.val[0];
			}
			break;
		case I62608_TLV_CFG_SERVICE:
			if (c->n_svc == I62608_MAX_SERVICES)
				break;
			c->svc[c->n_svc].name[0] = 0;
			c->svc[c->n_svc].on = false;
			i62608_tlv_iter_init(&nit, t.val, t.len);
			while (i62608_tlv_next(&nit, &n) > 0) {
				if (n.type == I62608_SVC_NAME)
					i62608_tlv_str(&n, c->svc[c->n_svc].name,
						       sizeof(c->svc[0].name));
				else if (n.type == I62608_SVC_STATE && n.len == 1)
					c->svc[c->n_svc].on = n.val[0] == I62608_SVC_ENABLED;
			}
			if (c->svc[c->n_svc].name[0])
				c->n_svc++;
			break;
		}
	}
}

/* The gateway rules of @res as the database keeps them. */
static int store_gw_rules(struct daemon *d, const char *mac,
			  const struct plan_result *res)
{
	char specs[PLAN_MAX_GW_RULES][PLAN_GW_STR_LEN];
	const char *kinds[PLAN_MAX_GW_RULES], *sp[PLAN_MAX_GW_RULES];
	unsigned int i;
	int ret;

	for (i = 0; i < res->n_gw; i++) {
		plan_gw_rule_str(&res->gw[i], specs[i], sizeof(specs[i]));
		sp[i] = specs[i];
		kinds[i] = plan_gw_kind_name(res->gw[i].kind);
	}
	ret = db_gw_rules_set(d->db, mac, kinds, sp, res->n_gw);
	if (ret > 0)
		d->gw_dirty = true;
	return ret < 0 ? ret : 0;
}

/*
 * Does the device need its desired configuration (again)? @why says why.
 * Called with the decision made and stored.
 */
static bool needs_work(struct daemon *d, const struct device_view *v,
		       struct db_desired *des, const struct plan_result *res,
		       char *why, size_t size, int64_t *not_before)
{
	struct db_applied ap;
	uint8_t mac[6];
	int ret;

	*not_before = 0;
	des->drift[0] = 0;
	if (!des->items_len)
		return false;
	ret = db_applied_get(d->db, v->dev.mac, &ap);
	if (ret == -ENOENT) {
		snprintf(why, size, "never configured");
		return true;
	}
	if (ret)
		return false;
	if (ap.generation != des->generation) {
		snprintf(why, size, "desired configuration %lld, applied %lld",
			 (long long)des->generation, (long long)ap.generation);
		return true;
	}
	if (!strcmp(ap.outcome, "nacked")) {
		/* Refused: not again, unless the device restarted since. */
		if (ap.agent_epoch != v->dev.epoch) {
			snprintf(why, size, "refused before, the agent restarted since");
			return true;
		}
		return false;
	}
	if (strcmp(ap.outcome, "acked")) {
		snprintf(why, size, "last attempt: %s", ap.outcome);
		return true;
	}
	/* Acked: what the device reported after it must show it. */
	if (!v->has_report || v->report_received <= ap.finished ||
	    db_mac_parse(v->dev.mac, mac))
		return false;
	plan_drift(res, mac, &v->report, des->drift, sizeof(des->drift));
	if (!des->drift[0])
		return false;
	snprintf(why, size, "drift: %s", des->drift);
	*not_before = ap.finished + DAEMON_DRIFT_HOLD_MS;
	return true;
}

/*
 * Decide the device's configuration again and record what it implies.
 * Runs inside the caller's transaction.
 */
static int decide(struct daemon *d, const char *mac, int64_t now)
{
	struct device_view *v = malloc(sizeof(*v));
	struct plan_result *res = malloc(sizeof(*res));
	struct db_desired *des = malloc(sizeof(*des)), *old = malloc(sizeof(*old));
	struct plan_input in = {};
	struct db_pending p;
	char err[CTL_ERR_LEN + 64], why[128], ip[INET_ADDRSTRLEN];
	uint32_t *used = NULL;
	int64_t not_before = 0;
	bool have_old, pinned, has_pending, need;
	int ret;

	if (!v || !res || !des || !old) {
		ret = -ENOMEM;
		goto out;
	}
	ret = load_view(d, mac, v);
	if (ret)
		goto out;
	ret = db_desired_get(d->db, mac, old);
	if (ret && ret != -ENOENT)
		goto out;
	have_old = !ret;
	pinned = v->dev.pinned && have_old;

	if (!pinned) {
		if (db_mac_parse(mac, in.mac)) {
			ret = -EINVAL;
			goto out;
		}
		in.report = v->has_report ? &v->report : NULL;
		in.override = v->has_override ? &v->override : NULL;
		in.tmpl = v->has_template ? &v->tmpl : NULL;
		in.has_addr = !db_addr_get(d->db, mac, &in.addr);
		ret = db_addr_used(d->db, mac, &used, &in.n_used);
		if (ret)
			goto out;
		in.used = used;
		plan_device(d->policy, &in, res);

		memset(des, 0, sizeof(*des));
		snprintf(des->rule, sizeof(des->rule), "%s", res->rule);
		des->overridden = res->overridden;
		snprintf(des->addr_mode, sizeof(des->addr_mode), "%s",
			 policy_addr_mode_name(res->addr_mode));
		if (res->has_addr) {
			fmt_ip4(res->addr, ip, sizeof(ip));
			snprintf(des->address, sizeof(des->address), "%s/%u", ip,
				 res->plen);
		}
		snprintf(des->note, sizeof(des->note), "%s", res->note);
		if (ctl_cfg_items(&res->cfg)) {
			int len = ctl_cfg_encode(&res->cfg, des->items,
						 sizeof(des->items), err, sizeof(err));

			if (len < 0) {
				log_warn("%s: the planned configuration does not encode: %s",
					 mac, err);
				snprintf(des->note, sizeof(des->note),
					 "the planned configuration does not encode: %.100s", err);
			} else {
				des->items_len = (size_t)len;
			}
		}
		des->decided = now;
		/* A new generation only when what is sent or ruled changes. */
		des->generation = have_old ? old->generation : 0;
		if (!have_old || old->items_len != des->items_len ||
		    memcmp(old->items, des->items, des->items_len) ||
		    strcmp(old->address, des->address) ||
		    strcmp(old->addr_mode, des->addr_mode)) {
			des->generation++;
			d->st.decisions++;
			log_info("%s: decided configuration %lld: rule %s, address %s%s%s",
				 mac, (long long)des->generation,
				 des->rule[0] ? des->rule : "(none)", des->addr_mode,
				 des->address[0] ? " " : "", des->address);
			if (des->note[0])
				log_info("%s: %s", mac, des->note);
			/* The LAN was renumbered under it: said once, here. */
			if (have_old && old->address[0] && des->address[0] &&
			    strcmp(old->address, des->address) &&
			    !on_lan(d->policy, old->address)) {
				log_info("%s: renumbered: %s is not on the LAN any more, %s instead",
					 mac, old->address, des->address);
				ret = db_event(d->db, now, mac, "renumbered",
					       "%s -> %s (configuration %lld -> %lld)",
					       old->address, des->address,
					       (long long)old->generation,
					       (long long)des->generation);
				if (ret)
					goto out;
			}
			ret = db_event(d->db, now, mac, "decided",
				       "configuration %lld: rule %s, address %s %s%s%s",
				       (long long)des->generation,
				       des->rule[0] ? des->rule : "-", des->addr_mode,
				       des->address[0] ? des->address : "-",
				       des->note[0] ? "; " : "", des->note);
			if (ret)
				goto out;
		} else {
			des->decided = old->decided;
		}
	} else {
		*des = *old;
		/* Drift is judged against what is pinned. */
		memset(res, 0, sizeof(*res));
		items_to_cfg(des->items, des->items_len, &res->cfg);
	}

	ret = db_pending_get(d->db, mac, &p);
	if (ret && ret != -ENOENT)
		goto out;
	has_pending = !ret;
	if (has_pending && p.state == DB_PENDING_SENT) {
		/* Its result comes first; then this is decided again. */
		need = false;
		if (have_old)
			memcpy(des->drift, old->drift, sizeof(des->drift));
	} else {
		need = needs_work(d, v, des, res, why, sizeof(why), &not_before);
	}
	ret = db_desired_put(d->db, mac, des);
	if (!ret && !pinned)
		ret = res->has_addr ?
			db_addr_put(d->db, mac, res->addr, res->pool, now) :
			db_addr_del(d->db, mac);
	if (!ret && !pinned)
		ret = store_gw_rules(d, mac, res);
	if (ret || (has_pending && p.state == DB_PENDING_SENT))
		goto out;
	if (need) {
		if (!has_pending || p.generation != des->generation) {
			memset(&p, 0, sizeof(p));
			snprintf(p.mac, sizeof(p.mac), "%s", mac);
			p.state = DB_PENDING_QUEUED;
			p.generation = des->generation;
			p.not_before = not_before > now ? not_before : now;
			snprintf(p.reason, sizeof(p.reason), "%.63s", why);
			log_debug("%s: to configure: %s", mac, why);
			ret = db_pending_put(d->db, &p);
		}
	} else if (has_pending) {
		ret = db_pending_del(d->db, mac);
	}
out:
	free(used);
	free(v);
	free(res);
	free(des);
	free(old);
	return ret;
}

/* Run @fn in a transaction: all of it is recorded, or none. */
static int in_txn(struct daemon *d, int (*fn)(struct daemon *d, void *arg),
		  void *arg)
{
	int ret = db_begin(d->db);

	if (ret)
		return ret;
	ret = fn(d, arg);
	if (ret) {
		db_rollback(d->db);
		return ret;
	}
	return db_commit(d->db);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

static int record_agent(struct daemon *d, const struct i62608_agent_info *a,
			int64_t now)
{
	struct db_device dev, old;
	bool known;
	int ret;

	device_from_agent(a, now, &dev);
	known = !db_device_get(d->db, dev.mac, &old);
	ret = db_device_put(d->db, &dev);
	if (ret < 0)
		return ret;
	if (!known) {
		log_info("%s: new device on %s", dev.mac, dev.ifname);
		ret = db_event(d->db, now, dev.mac, "device_new", "on %s", dev.ifname);
	} else if (!old.present && dev.present) {
		log_info("%s: back on %s", dev.mac, dev.ifname);
		ret = db_event(d->db, now, dev.mac, "device_back", "on %s", dev.ifname);
	}
	if (ret)
		return ret;
	if (a->report && a->report_len) {
		struct i62608_report *r;

		ret = db_report_add(d->db, dev.mac, DB_REPORT, a->epoch, a->report_id,
				    a->report, a->report_len, now);
		if (ret)
			return ret;
		/* Registered at the service server with what it reports. */
		r = malloc(sizeof(*r));
		if (!r)
			return -ENOMEM;
		if (!i62608_report_decode(a->report, a->report_len, r))
			ret = cloudlink_register(d, dev.mac, r, now);
		free(r);
		if (ret)
			return ret;
	}
	return decide(d, dev.mac, now);
}

struct agent_arg {
	const struct i62608_agent_info *a;
};

static int agent_txn(struct daemon *d, void *arg)
{
	return record_agent(d, ((struct agent_arg *)arg)->a, now_ms());
}

void engine_agent(struct daemon *d, const struct i62608_agent_info *a)
{
	struct agent_arg arg = { .a = a };
	char mac[18];
	int ret;

	d->st.events++;
	ret = in_txn(d, agent_txn, &arg);
	if (ret) {
		db_mac_str(a->mac, mac);
		log_err("%s: not recorded: %s", mac, strerror(-ret));
	}
}

struct lost_arg {
	const struct i62608_agent_info *a;
	uint32_t reason;
};

/*
 * The failure report of @dev (as it was before) that stopped answering:
 * @a its kernel entry (its TTL), @at when, @when how it was found.
 */
static void lost_report(struct daemon *d, const char *mac,
			const struct db_device *dev,
			const struct i62608_agent_info *a, int64_t at,
			const char *when)
{
	char ttl[32] = "";

	if (I62608_AGENT_HAS(a, I62608_AGENT_A_TTL))
		snprintf(ttl, sizeof(ttl), " of %u s", a->ttl);
	cloudlink_failure(d, "device_lost", mac, at, NULL,
			  "%s%s%s (%s) was not heard from for its TTL%s on %s%s",
			  dev->vendor, *dev->vendor ? " " : "", dev->model,
			  *dev->name ? dev->name : "no name", ttl, dev->ifname,
			  when);
}

static int lost_txn(struct daemon *d, void *arg)
{
	struct lost_arg *l = arg;
	int64_t now = now_ms();
	struct db_device dev;
	char mac[18];
	int ret;

	db_mac_str(l->a->mac, mac);
	ret = db_device_get(d->db, mac, &dev);
	if (ret == -ENOENT)
		return 0;	/* never recorded: nothing to say */
	if (!ret)
		ret = db_device_set_present(d->db, mac, false);
	if (ret)
		return ret;
	log_info("%s: lost (%s)", mac, i62608_reason_name(l->reason));
	/*
	 * A device that stopped answering is a failure; one that said BYE,
	 * was removed by an operator, or whose gateway interface or
	 * namespace went is not the device's.
	 */
	if (dev.present && l->reason == I62608_REASON_TTL_EXPIRED)
		lost_report(d, mac, &dev, l->a, now, "");
	return db_event(d->db, now, mac, "device_lost", "%s",
			i62608_reason_name(l->reason));
}

void engine_agent_lost(struct daemon *d, const struct i62608_agent_info *a,
		       uint32_t reason)
{
	struct lost_arg arg = { .a = a, .reason = reason };
	int ret;

	d->st.events++;
	ret = in_txn(d, lost_txn, &arg);
	if (ret)
		log_err("a lost agent was not recorded: %s", strerror(-ret));
}

struct result_arg {
	const struct i62608_cfg_result *r;
	struct db_pending p;
};

/* The failure report's limit on items. */
#define FAILURE_ITEMS_MAX 48

/*
 * The items of the request @p sent, as `config send` names them, each
 * with the agent's reason when it refused it: the refused ones only
 * (@refused), or all. NULL when out of memory.
 */
static json_object *failure_items(const struct db_pending *p,
				  const struct i62608_cfg_result *r, bool refused)
{
	json_object *arr = json_object_new_array();
	uint8_t status[256], reason[256];
	bool answered[256] = { false };
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	unsigned int i = 0;
	char line[128];

	if (!arr)
		return NULL;
	i62608_tlv_iter_init(&it, r->results, r->results ? r->results_len : 0);
	while (r->results && i62608_tlv_next(&it, &t) > 0) {
		const struct i62608_tlv_cfg_result *cr = (const void *)t.val;

		if (t.type != I62608_TLV_CFG_RESULT || t.len < sizeof(*cr))
			continue;
		answered[cr->item] = true;
		status[cr->item] = cr->status;
		reason[cr->item] = cr->reason;
	}
	i62608_tlv_iter_init(&it, p->items, p->items_len);
	for (i = 0; i62608_tlv_next(&it, &t) > 0 && i < 256; i++) {
		bool no = answered[i] && status[i] == I62608_CFG_REFUSED;
		json_object *o;

		if ((refused && !no) || json_object_array_length(arr) == FAILURE_ITEMS_MAX)
			continue;
		ctl_cfg_item_str(t.type, t.val, t.len, line, sizeof(line));
		o = json_object_new_object();
		if (!o)
			break;
		json_object_object_add(o, "item", cloudlink_str(line, 128));
		if (no)
			json_object_object_add(o, "reason", json_object_new_string(
				ctl_cfg_reason_name(reason[i])));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* A refusal, or a request's first timeout, to the failure server. */
static void report_failure(struct daemon *d, const struct db_pending *p,
			   const struct i62608_cfg_result *r, int64_t now)
{
	bool refused = r->outcome == I62608_OUTCOME_NACKED;
	json_object *extra;

	/* Timeouts are retried with backoff: the first of each says it. */
	if (!refused && (r->outcome != I62608_OUTCOME_TIMEOUT || p->attempts > 1))
		return;
	if (!cloudlink_role(d, CLOUD_ROLE_FAILURE))
		return;
	extra = json_object_new_object();
	if (extra) {
		json_object_object_add(extra, "request_id", json_object_new_int64(r->id));
		json_object_object_add(extra, "items", failure_items(p, r, refused));
	}
	cloudlink_failure(d, refused ? "config_refused" : "config_timeout", p->mac,
			  now, extra, "configuration %lld, request %u: %s after %u tries",
			  (long long)p->generation, r->id, refused ?
			  "refused" : "no answer", r->tries);
}

static int result_txn(struct daemon *d, void *arg)
{
	struct result_arg *ra = arg;
	const struct i62608_cfg_result *r = ra->r;
	struct db_pending *p = &ra->p;
	const char *outcome = ctl_outcome_name(r->outcome);
	struct db_applied ap = {};
	struct db_device dev;
	int64_t now = now_ms();
	int ret;

	ret = db_device_get(d->db, p->mac, &dev);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	memset(&ap, 0, sizeof(ap));
	ap.generation = p->generation;
	ap.items_len = p->items_len;
	memcpy(ap.items, p->items, p->items_len);
	snprintf(ap.outcome, sizeof(ap.outcome), "%s", outcome);
	results_str(r->results, r->results_len, ap.results, sizeof(ap.results));
	ap.request_id = r->id;
	ap.tries = r->tries;
	ap.agent_epoch = dev.epoch;
	ap.finished = now;
	ret = db_attempt_add(d->db, p->mac, p->generation, r->id, p->sent, now,
			     outcome, ap.results, "");
	if (!ret)
		ret = db_applied_put(d->db, p->mac, &ap);
	if (!ret)
		ret = db_event(d->db, now, p->mac, r->outcome == I62608_OUTCOME_ACKED ?
			       "config_applied" : r->outcome == I62608_OUTCOME_NACKED ?
			       "config_refused" : "config_failed",
			       "configuration %lld, request %u: %s after %u tries%s%s",
			       (long long)p->generation, r->id, outcome, r->tries,
			       ap.results[0] ? ": " : "", ap.results);
	if (ret)
		return ret;
	report_failure(d, p, r, now);
	switch (r->outcome) {
	case I62608_OUTCOME_ACKED:
	case I62608_OUTCOME_NACKED:
		ret = db_pending_del(d->db, p->mac);
		break;
	default:
		/* Timed out, agent gone, session ended: again, later. */
		p->state = DB_PENDING_QUEUED;
		p->request_id = 0;
		p->not_before = now + backoff_ms(p->attempts);
		snprintf(p->reason, sizeof(p->reason), "retry after %s", outcome);
		ret = db_pending_put(d->db, p);
		break;
	}
	if (ret)
		return ret;
	/* The desired configuration may have changed meanwhile. */
	return decide(d, p->mac, now);
}

void engine_result(struct daemon *d, const struct i62608_cfg_result *r)
{
	struct result_arg ra = { .r = r };
	int ret;

	d->st.events++;
	if (r->outcome < sizeof(d->st.results) / sizeof(d->st.results[0]))
		d->st.results[r->outcome]++;
	ret = db_pending_by_request(d->db, r->id, d->knl.epoch, &ra.p);
	if (ret) {
		/* Another program's request, or one we no longer wait for. */
		if (ret != -ENOENT)
			log_err("request %u: %s", r->id, strerror(-ret));
		else
			log_debug("request %u: not ours, ignored", r->id);
		return;
	}
	if (r->outcome == I62608_OUTCOME_ACKED)
		log_info("%s: configuration %lld applied (request %u)", ra.p.mac,
			 (long long)ra.p.generation, r->id);
	else
		log_notice("%s: configuration %lld: %s (request %u, %u tries)",
			   ra.p.mac, (long long)ra.p.generation,
			   ctl_outcome_name(r->outcome), r->id, r->tries);
	ret = in_txn(d, result_txn, &ra);
	if (ret)
		log_err("%s: the result of request %u was not recorded: %s",
			ra.p.mac, r->id, strerror(-ret));
}

struct cfgrep_arg {
	const struct i62608_cfg_report *r;
};

static int cfgrep_txn(struct daemon *d, void *arg)
{
	const struct i62608_cfg_report *r = ((struct cfgrep_arg *)arg)->r;
	struct db_device dev;
	char mac[18];
	int ret;

	db_mac_str(r->mac, mac);
	ret = db_device_get(d->db, mac, &dev);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	return db_report_add(d->db, mac, DB_CONFIG_REPORT, dev.epoch, 0, r->items,
			     r->len, now_ms());
}

void engine_cfg_report(struct daemon *d, const struct i62608_cfg_report *r)
{
	struct cfgrep_arg arg = { .r = r };
	int ret;

	d->st.events++;
	ret = in_txn(d, cfgrep_txn, &arg);
	if (ret)
		log_err("a CONFIG_REPORT was not recorded: %s", strerror(-ret));
}

/* ------------------------------------------------------------------ */
/* Reconciliation                                                      */
/* ------------------------------------------------------------------ */

struct reconcile {
	struct daemon *d;
	int64_t now;
	int err;
	unsigned int agents, lost;
	/* The MACs the dump listed (sorted after it). */
	uint8_t (*seen)[6];
	size_t n_seen, cap_seen;
	/* The kernel's table is the one the daemon followed before. */
	bool same_table;
};

/* The meta key of the module's epoch at the last reconciliation. */
#define META_KERNEL_EPOCH "kernel_epoch"

/* Said of a device found lost at a reconciliation. */
#define LOST_FOUND " (found lost when i62608d reconciled with the kernel)"

static void reconcile_agent(void *arg, const struct i62608_agent_info *a)
{
	struct reconcile *rc = arg;
	struct db_device old;
	char mac[18];
	bool was;
	int ret;

	if (rc->err)
		return;
	rc->agents++;
	if (rc->n_seen == rc->cap_seen) {
		size_t cap = rc->cap_seen ? rc->cap_seen * 2 : 64;
		void *v = realloc(rc->seen, cap * sizeof(*rc->seen));

		if (!v) {
			rc->err = -ENOMEM;
			return;
		}
		rc->seen = v;
		rc->cap_seen = cap;
	}
	memcpy(rc->seen[rc->n_seen++], a->mac, 6);
	db_mac_str(a->mac, mac);
	ret = db_device_get(rc->d->db, mac, &old);
	if (ret && ret != -ENOENT) {
		rc->err = ret;
		return;
	}
	/* A lost agent the database does not know (forgotten): not news. */
	if (ret && a->state == I62608_AGENT_LOST)
		return;
	was = !ret && old.present;
	ret = record_agent(rc->d, a, rc->now);
	/*
	 * Present when the daemon last knew, lost in the kernel's table
	 * now: it expired while nobody followed the events (a lost entry
	 * lingers; only an expiry leaves one). Reported as if seen then.
	 */
	if (!ret && was && a->state == I62608_AGENT_LOST) {
		int64_t at = rc->now;

		if (I62608_AGENT_HAS(a, I62608_AGENT_A_LAST_SEEN_MS) &&
		    I62608_AGENT_HAS(a, I62608_AGENT_A_TTL) &&
		    a->last_seen_ms >= (uint64_t)a->ttl * 1000)
			at -= (int64_t)(a->last_seen_ms - (uint64_t)a->ttl * 1000);
		rc->lost++;
		log_info("%s: lost (ttl_expired)%s", mac, LOST_FOUND);
		lost_report(rc->d, mac, &old, a, at, LOST_FOUND);
		ret = db_event(rc->d->db, rc->now, mac, "device_lost",
			       "ttl_expired, found at the reconciliation");
	}
	if (ret)
		rc->err = ret;
}

static int decide_cb(void *arg, const char *mac)
{
	struct reconcile *rc = arg;

	return decide(rc->d, mac, rc->now);
}

static int cmp_mac(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

/*
 * A device the dump did not list at all that was present: gone from the
 * table while nobody followed the events (freed after its linger, a BYE,
 * an operator), or with the table (the module was reloaded).
 */
static int vanished(struct reconcile *rc, const char *mac)
{
	struct daemon *d = rc->d;
	struct db_device dev;
	uint8_t m[6];
	int ret;

	if (db_mac_parse(mac, m) ||
	    bsearch(m, rc->seen, rc->n_seen, sizeof(*rc->seen), cmp_mac))
		return 0;
	ret = db_device_get(d->db, mac, &dev);
	if (ret || !dev.present)
		return ret == -ENOENT ? 0 : ret;
	ret = db_device_set_present(d->db, mac, false);
	if (ret)
		return ret;
	rc->lost++;
	if (!rc->same_table) {
		log_info("%s: lost with the module's table (a new one)", mac);
		return db_event(d->db, rc->now, mac, "device_lost",
				"module_reloaded, found at the reconciliation");
	}
	log_info("%s: lost (not in the module's table)%s", mac, LOST_FOUND);
	cloudlink_failure(d, "device_lost", mac, rc->now, NULL,
			  "%s%s%s (%s) was no longer in the gateway's table on %s%s: not heard from for its TTL, or it said goodbye",
			  dev.vendor, *dev.vendor ? " " : "", dev.model,
			  *dev.name ? dev.name : "no name", dev.ifname, LOST_FOUND);
	return db_event(d->db, rc->now, mac, "device_lost",
			"vanished, found at the reconciliation");
}

static int reconcile_cb(void *arg, const char *mac)
{
	struct reconcile *rc = arg;
	int ret = vanished(rc, mac);

	return ret ? ret : decide(rc->d, mac, rc->now);
}

struct stale {
	struct daemon *d;
	const uint32_t *ids;
	size_t n;
	int64_t now;
	int64_t older_than;
	unsigned int requeued;
};

static int cmp_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A request the kernel no longer has: its result was missed. */
static int stale_cb(void *arg, const struct db_pending *p)
{
	struct stale *s = arg;
	struct db_pending q = *p;

	if (p->sent > s->older_than)
		return 0;
	if (p->kernel_epoch == s->d->knl.epoch &&
	    bsearch(&p->request_id, s->ids, s->n, sizeof(*s->ids), cmp_id))
		return 0;
	log_notice("%s: request %u is not in the kernel (%s): sent again",
		   p->mac, p->request_id,
		   p->kernel_epoch != s->d->knl.epoch ? "the module was reloaded" :
		   "its result was missed");
	q.state = DB_PENDING_QUEUED;
	q.request_id = 0;
	q.not_before = s->now;
	snprintf(q.reason, sizeof(q.reason), "result missed");
	s->requeued++;
	return db_pending_put(s->d->db, &q);
}

/* Requests sent before @older_than that the kernel has not: again. */
static int resync_sent(struct daemon *d, int64_t now, int64_t older_than)
{
	struct stale s = { .d = d, .now = now, .older_than = older_than };
	uint32_t *ids = NULL;
	size_t n = 0;
	int ret;

	ret = knl_pending_ids(&d->knl, &ids, &n);
	if (ret) {
		log_warn("kernel: the pending requests cannot be listed: %s",
			 d->knl.req.errmsg[0] ? d->knl.req.errmsg : strerror(-ret));
		return ret;
	}
	s.ids = ids;
	s.n = n;
	ret = db_pending_each(d->db, DB_PENDING_SENT, stale_cb, &s);
	free(ids);
	return ret;
}

static int reconcile_txn(struct daemon *d, void *arg)
{
	struct reconcile *rc = arg;
	char epoch[16], was[16];
	int ret;

	snprintf(epoch, sizeof(epoch), "%08x", d->knl.epoch);
	ret = db_meta_get(d->db, META_KERNEL_EPOCH, was, sizeof(was));
	if (ret && ret != -ENOENT)
		return ret;
	rc->same_table = !ret && !strcmp(was, epoch);
	if (!rc->same_table)
		ret = db_meta_put(d->db, META_KERNEL_EPOCH, epoch);
	if (ret)
		return ret;
	ret = knl_dump_agents(&d->knl, reconcile_agent, rc);
	if (ret) {
		log_err("kernel: the agent table cannot be dumped: %s",
			d->knl.req.errmsg[0] ? d->knl.req.errmsg : strerror(-ret));
		return ret;
	}
	if (rc->err)
		return rc->err;
	if (rc->n_seen)
		qsort(rc->seen, rc->n_seen, sizeof(*rc->seen), cmp_mac);
	/*
	 * Present devices the dump did not list are lost; every device is
	 * decided again (the policy may have changed).
	 */
	ret = db_devices_each(d->db, reconcile_cb, rc);
	if (ret)
		return ret;
	return resync_sent(d, rc->now, INT64_MAX);
}

int engine_reconcile(struct daemon *d)
{
	struct reconcile rc = { .d = d, .now = now_ms() };
	int ret;

	d->st.resyncs++;
	ret = in_txn(d, reconcile_txn, &rc);
	free(rc.seen);
	if (ret) {
		log_err("reconciliation with the kernel failed: %s", strerror(-ret));
		return ret;
	}
	log_info("reconciled with the kernel: %u agents, %u devices lost meanwhile",
		 rc.agents, rc.lost);
	/* The gateway may have been changed while we were away. */
	d->gw_dirty = true;
	return 0;
}

static int replan_txn(struct daemon *d, void *arg)
{
	struct reconcile *rc = arg;

	return db_devices_each(d->db, decide_cb, rc);
}

void engine_replan_all(struct daemon *d, const char *why)
{
	struct reconcile rc = { .d = d, .now = now_ms() };
	int ret;

	ret = in_txn(d, replan_txn, &rc);
	if (ret)
		log_err("planning every device again (%s) failed: %s", why,
			strerror(-ret));
	else
		log_info("every device planned again: %s", why);
}

/* ------------------------------------------------------------------ */
/* Policy                                                              */
/* ------------------------------------------------------------------ */

/* Each line of a multi-line message, logged at @level. */
static void log_lines(int level, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		dlog(level, "%.*s", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

bool daemon_reload(struct daemon *d)
{
	char err[sizeof(d->policy_error)];
	struct policy *p;

	p = policy_load(d->policy_path, err, sizeof(err));
	if (!p) {
		/* The daemon goes on as it was: a warning, not an error. */
		log_warn("the new policy is refused, the one in force stays:");
		log_lines(LOG_WARNING, err);
		snprintf(d->policy_error, sizeof(d->policy_error), "%s", err);
		db_event(d->db, now_ms(), NULL, "policy_refused", "%.200s", err);
		return false;
	}
	policy_free(d->policy);
	d->policy = p;
	d->policy_loaded = now_ms();
	d->policy_error[0] = 0;
	log_info("policy %s: %u rules, %u pools", d->policy_path, p->n_rules,
		 p->n_pools);
	db_event(d->db, now_ms(), NULL, "policy_loaded", "%u rules, %u pools",
		 p->n_rules, p->n_pools);
	engine_replan_all(d, "the policy was reloaded");
	/* Its gateway plumbing and cloud settings may have changed too. */
	d->gw_dirty = true;
	cloudlink_apply(d);
	return true;
}

/* ------------------------------------------------------------------ */
/* Acting                                                              */
/* ------------------------------------------------------------------ */

struct act {
	struct daemon *d;
	int64_t now;
};

static int send_one(void *arg, const struct db_pending *pending)
{
	struct act *ac = arg;
	struct daemon *d = ac->d;
	struct db_pending p = *pending;
	struct db_desired *des = malloc(sizeof(*des));
	struct db_device dev;
	uint8_t mac[6];
	uint32_t id = 0;
	int ret, err;

	if (!des)
		return -ENOMEM;
	ret = db_device_get(d->db, p.mac, &dev);
	if (!ret)
		ret = db_desired_get(d->db, p.mac, des);
	if (ret || db_mac_parse(p.mac, mac))
		goto out;
	if (!des->items_len) {
		ret = db_pending_del(d->db, p.mac);
		goto out;
	}
	err = knl_config_send(&d->knl, mac, dev.ifindex, des->items,
			      des->items_len, &id);
	p.attempts++;
	p.generation = des->generation;
	if (!err) {
		d->st.sent++;
		log_info("%s: configuration %lld sent (request %u%s%s)", p.mac,
			 (long long)des->generation, id, p.reason[0] ? ": " : "",
			 p.reason);
		p.state = DB_PENDING_SENT;
		p.request_id = id;
		p.kernel_epoch = d->knl.epoch;
		p.sent = ac->now;
		p.items_len = des->items_len;
		memcpy(p.items, des->items, des->items_len);
		ret = db_pending_put(d->db, &p);
	} else {
		const char *why = d->knl.req.errmsg[0] ? d->knl.req.errmsg :
			strerror(-err);

		d->st.send_errors++;
		log_warn("%s: configuration %lld not sent: %s", p.mac,
			 (long long)des->generation, why);
		p.state = DB_PENDING_QUEUED;
		p.not_before = ac->now + backoff_ms(p.attempts);
		snprintf(p.reason, sizeof(p.reason), "send failed: %.48s", why);
		ret = db_pending_put(d->db, &p);
		if (!ret)
			ret = db_attempt_add(d->db, p.mac, des->generation, 0,
					     ac->now, ac->now, "send_failed", "", why);
	}
out:
	free(des);
	return ret;
}

static int act_txn(struct daemon *d, void *arg)
{
	struct act *ac = arg;
	int inflight = db_pending_count(d->db, DB_PENDING_SENT);

	if (inflight < 0)
		return inflight;
	if (inflight >= DAEMON_MAX_INFLIGHT)
		return 0;
	return db_pending_due(d->db, ac->now,
			      (unsigned int)(DAEMON_MAX_INFLIGHT - inflight),
			      send_one, ac);
}

void engine_act(struct daemon *d)
{
	struct act ac = { .d = d, .now = now_ms() };
	int ret;

	if (d->gw_dirty)
		gwsync_run(d);
	if (!d->knl.up || mono_ms() < d->act_hold)
		return;
	/*
	 * The requests are sent inside the transaction that records them
	 * as sent. Killed before its commit, the daemon finds them queued
	 * and sends them again: the devices answer UNCHANGED.
	 */
	ret = in_txn(d, act_txn, &ac);
	if (ret) {
		/* Not again at once: the loop would spin on a broken database. */
		log_err("sending configurations: %s", strerror(-ret));
		d->act_hold = mono_ms() + 1000;
	}
}

int64_t engine_next(struct daemon *d)
{
	int64_t t, now;

	if (!d->knl.up)
		return -1;
	if (db_pending_count(d->db, DB_PENDING_SENT) >= DAEMON_MAX_INFLIGHT)
		return -1;
	t = db_pending_next(d->db);
	if (t == INT64_MAX)
		return -1;
	now = now_ms();
	t = mono_ms() + (t > now ? t - now : 0);
	return t > d->act_hold ? t : d->act_hold;
}

struct of_type {
	struct daemon *d;
	const char *type;
	int64_t now;
	unsigned int n;
};

/* Decide @mac again if it is of the type whose template changed. */
static int decide_of_type(void *arg, const char *mac)
{
	struct of_type *ot = arg;
	struct db_device dev;
	char num[4];
	int ret = db_device_get(ot->d->db, mac, &dev);

	if (ret)
		return ret == -ENOENT ? 0 : ret;
	if (!dev.has_report || strcmp(plan_type_key(dev.device_type, num), ot->type))
		return 0;
	ot->n++;
	return decide(ot->d, mac, ot->now);
}

/*
 * The templates whose generation is not applied: every device of their
 * type decided again, and the generation marked, in one transaction.
 */
static void engine_templates(struct daemon *d)
{
	struct cloud_template t;
	unsigned int n = 0;
	char err[256] = "";
	int ret = 0;

	/* One per device type that changed; bounded all the same. */
	while (n++ < CLOUD_TEMPLATES_MAX &&
	       (ret = cloud_template_next(db_sqlite(d->db), &t, err, sizeof(err))) > 0) {
		struct of_type ot = { .d = d, .type = t.device_type, .now = now_ms() };

		ret = db_begin(d->db);
		if (!ret)
			ret = db_devices_each(d->db, decide_of_type, &ot);
		if (!ret && cloud_template_applied(db_sqlite(d->db), t.device_type,
						   t.generation, err, sizeof(err)))
			ret = -EIO;
		if (ret) {
			db_rollback(d->db);
			log_err("template %s: its devices were not decided: %s",
				t.device_type, ret == -EIO && err[0] ? err : strerror(-ret));
			cloud_template_free(&t);
			return;
		}
		ret = db_commit(d->db);
		log_info("template %s %s (generation %lld): %u device%s of the type decided again",
			 t.device_type, t.config ? "changed" : "removed",
			 (long long)t.generation, ot.n, ot.n == 1 ? "" : "s");
		cloud_template_free(&t);
		if (ret)
			return;
	}
	if (ret < 0)
		log_err("templates: %s", err);
}

void engine_overrides(struct daemon *d)
{
	struct cloud_override o;
	unsigned int n = 0;
	char err[256] = "";
	int ret = 0;

	engine_templates(d);

	/* Bounded per tick: the loop has other work too. */
	while (n++ < 256 &&
	       (ret = cloud_override_next(db_sqlite(d->db), &o, err, sizeof(err))) > 0) {
		struct db_device dev;

		ret = db_begin(d->db);
		if (!ret && !db_device_get(d->db, o.mac, &dev))
			ret = decide(d, o.mac, now_ms());
		/* Decided (or no such device yet): this generation is done. */
		if (!ret && cloud_override_applied(db_sqlite(d->db), o.mac,
						   o.generation, err, sizeof(err)))
			ret = -EIO;
		if (ret) {
			db_rollback(d->db);
			log_err("%s: its changed override was not decided: %s", o.mac,
				ret == -EIO && err[0] ? err : strerror(-ret));
			cloud_override_free(&o);
			return;
		}
		ret = db_commit(d->db);
		log_info("%s: override %s (generation %lld)", o.mac,
			 o.config ? "changed" : "removed", (long long)o.generation);
		cloud_override_free(&o);
		if (ret)
			return;
	}
	if (ret < 0)
		log_err("overrides: %s", err);
}

void engine_tick(struct daemon *d)
{
	uint32_t epoch;
	int ret;

	if (d->knl.up) {
		ret = knl_epoch(&d->knl, &epoch);
		if (ret || epoch != d->knl.epoch) {
			log_warn("kernel: %s: reconnecting",
				 ret ? "the module does not answer" :
				 "the module was reloaded (new epoch)");
			knl_close(&d->knl);
		} else {
			struct reconcile rc = { .d = d, .now = now_ms() };

			/* Results lost with an overflowing socket: look. */
			if (db_pending_count(d->db, DB_PENDING_SENT) > 0 &&
			    !db_begin(d->db)) {
				if (resync_sent(d, rc.now, rc.now - DAEMON_STALE_MS))
					db_rollback(d->db);
				else
					db_commit(d->db);
			}
		}
	}
	if (gwsync_retry_due(d))
		d->gw_dirty = true;
	/* Overrides written by others than the worker are seen too. */
	engine_overrides(d);
}

struct resend {
	struct daemon *d;
	int64_t now;
	int n;
};

static int resend_one(void *arg, const char *mac)
{
	struct resend *rs = arg;
	struct daemon *d = rs->d;
	struct db_desired *des = malloc(sizeof(*des));
	struct db_pending p;
	struct db_device dev;
	int ret;

	if (!des)
		return -ENOMEM;
	ret = db_device_get(d->db, mac, &dev);
	if (!ret)
		ret = db_desired_get(d->db, mac, des);
	if (ret == -ENOENT || (!ret && (!dev.present ||
					dev.trust != I62608_TRUST_AUTHENTICATED ||
					!des->items_len))) {
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	ret = db_pending_get(d->db, mac, &p);
	if (ret && ret != -ENOENT)
		goto out;
	/* In flight already: its answer says what the device holds. */
	if (!ret && p.state == DB_PENDING_SENT) {
		ret = 0;
		goto out;
	}
	memset(&p, 0, sizeof(p));
	snprintf(p.mac, sizeof(p.mac), "%s", mac);
	p.state = DB_PENDING_QUEUED;
	p.generation = des->generation;
	p.not_before = rs->now;
	snprintf(p.reason, sizeof(p.reason), "configuration read again");
	ret = db_pending_put(d->db, &p);
	if (!ret)
		rs->n++;
out:
	free(des);
	return ret;
}

static int resend_txn(struct daemon *d, void *arg)
{
	return db_devices_each(d->db, resend_one, arg);
}

int engine_resend_all(struct daemon *d)
{
	struct resend rs = { .d = d, .now = now_ms() };
	int ret = in_txn(d, resend_txn, &rs);

	if (ret)
		return ret;
	log_info("every present device's configuration is sent again: %d devices",
		 rs.n);
	/* Sent now, before an event could decide them again. */
	engine_act(d);
	return rs.n;
}

/* ------------------------------------------------------------------ */
/* Control                                                             */
/* ------------------------------------------------------------------ */

struct pin_arg {
	const char *mac;
	bool pin;
};

static int pin_txn(struct daemon *d, void *arg)
{
	struct pin_arg *pa = arg;
	int64_t now = now_ms();
	int ret;

	ret = db_device_set_pinned(d->db, pa->mac, pa->pin);
	if (ret)
		return ret;
	ret = db_event(d->db, now, pa->mac, pa->pin ? "pinned" : "unpinned", "%s",
		       pa->pin ? "its configuration is kept as decided" :
		       "planned by the policy again");
	return ret ? ret : decide(d, pa->mac, now);
}

int engine_pin(struct daemon *d, const char *mac, bool pin, char *err,
	       size_t errlen)
{
	struct pin_arg pa = { .mac = mac, .pin = pin };
	int ret = in_txn(d, pin_txn, &pa);

	if (ret == -ENOENT)
		snprintf(err, errlen, "no such device: %s", mac);
	else if (ret)
		snprintf(err, errlen, "the database refused: %s", strerror(-ret));
	else
		log_info("%s: %s", mac, pin ? "pinned" : "unpinned");
	return ret;
}

static int forget_txn(struct daemon *d, void *arg)
{
	const char *mac = arg;
	int ret = db_device_forget(d->db, mac);

	if (ret)
		return ret;
	/* Its gateway rules went with it. */
	d->gw_dirty = true;
	return db_event(d->db, now_ms(), mac, "forgotten",
			"its records, address and gateway rules removed");
}

int engine_forget(struct daemon *d, const char *mac, char *err, size_t errlen)
{
	int ret = in_txn(d, forget_txn, (void *)mac);

	if (ret == -ENOENT)
		snprintf(err, errlen, "no such device: %s", mac);
	else if (ret)
		snprintf(err, errlen, "the database refused: %s", strerror(-ret));
	else
		log_info("%s: forgotten", mac);
	return ret;
}
