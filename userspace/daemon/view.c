// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the answers of the control socket, read from the database
 * (docs/i62608d.md, CONTROL SOCKET). A request is one JSON object:
 *
 *   {"command": "status"}
 *   {"command": "device_list"}
 *   {"command": "device_show", "mac": "02:11:22:33:44:55"}
 *   {"command": "device_pin" | "device_unpin" | "device_forget", "mac": ...}
 *   {"command": "cloud_status"}
 *
 * and the answer {"ok": true, ...} or {"ok": false, "error": "sentence"}.
 * Ages ("..._ms") are measured when the answer is made.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include <linux/i62608.h>

#include "cfgparse.h"
#include "ctlsock.h"
#include "daemon.h"
#include "log.h"
#include "report.h"
#include "wire.h"

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static void put(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static int64_t age(int64_t now, int64_t then)
{
	return then && now > then ? now - then : 0;
}

/* Configuration items as lines, as `config send` names them. */
static json_object *items_json(const uint8_t *items, size_t len)
{
	json_object *a = json_object_new_array();
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	char line[128];

	i62608_tlv_iter_init(&it, items, len);
	while (i62608_tlv_next(&it, &t) > 0) {
		if (t.type < I62608_TLV_CFG_IFACE || t.type > I62608_TLV_CFG_SETTING)
			continue;
		ctl_cfg_item_str(t.type, t.val, t.len, line, sizeof(line));
		json_object_array_add(a, jstr(line));
	}
	return a;
}

/*
 * Where the device stands, in one word: unmanaged (no rule or override
 * gives it anything), queued, configuring (a request in flight), in_sync,
 * drift, refused, failed (the last attempt timed out or could not be
 * sent, and is retried).
 */
static const char *status_word(bool has_items, int64_t des_gen, int64_t app_gen,
			       const char *outcome, const char *drift,
			       int pending_state)
{
	if (!has_items)
		return "unmanaged";
	if (pending_state == DB_PENDING_SENT)
		return "configuring";
	if (app_gen == des_gen && !strcmp(outcome, "nacked"))
		return "refused";
	if (drift[0])
		return "drift";
	if (pending_state == DB_PENDING_QUEUED)
		return *outcome && strcmp(outcome, "acked") && app_gen == des_gen ?
			"failed" : "queued";
	if (app_gen == des_gen && !strcmp(outcome, "acked"))
		return "in_sync";
	return "queued";
}

#define LIST_SQL \
	"SELECT d.mac, d.present, d.ifname, d.device_type, d.vendor, d.model," \
	" d.name, d.pinned, d.last_seen, d.addr4, d.trust," \
	" des.generation, des.rule, des.addr_mode, des.address," \
	" des.items IS NOT NULL, des.drift, ap.generation, ap.outcome," \
	" p.state, d.report_id IS NOT NULL" \
	" FROM devices d LEFT JOIN desired des ON des.mac = d.mac" \
	" LEFT JOIN applied ap ON ap.mac = d.mac" \
	" LEFT JOIN pending p ON p.mac = d.mac"

/* One row of LIST_SQL as the members of @o. */
static void device_brief(json_object *o, sqlite3_stmt *s, int64_t now)
{
	bool has_type = sqlite3_column_int(s, 20);
	int pstate = sqlite3_column_type(s, 19) == SQLITE_NULL ? -1 :
		sqlite3_column_int(s, 19);
	const char *addr_mode = col(s, 13), *address = col(s, 14);

	put(o, "mac", jstr(col(s, 0)));
	put(o, "present", json_object_new_boolean(sqlite3_column_int(s, 1)));
	put(o, "ifname", jstr(col(s, 2)));
	put(o, "device_type", has_type ?
	    jstr(i62608_device_type_name((unsigned int)sqlite3_column_int(s, 3))) :
	    NULL);
	put(o, "vendor", jstr(col(s, 4)));
	put(o, "model", jstr(col(s, 5)));
	put(o, "name", jstr(col(s, 6)));
	put(o, "trust", jstr(i62608_trust_name((unsigned int)sqlite3_column_int(s, 10))));
	put(o, "rule", jstr(col(s, 12)));
	put(o, "pinned", json_object_new_boolean(sqlite3_column_int(s, 7)));
	put(o, "addr_mode", jstr(*addr_mode ? addr_mode : "keep"));
	put(o, "address", jstr(address));
	put(o, "reported_address", jstr(col(s, 9)));
	put(o, "desired_generation", json_object_new_int64(sqlite3_column_int64(s, 11)));
	put(o, "applied_generation", json_object_new_int64(sqlite3_column_int64(s, 17)));
	put(o, "outcome", jstr(col(s, 18)));
	put(o, "drift", jstr(col(s, 16)));
	put(o, "status", jstr(status_word(sqlite3_column_int(s, 15),
					  sqlite3_column_int64(s, 11),
					  sqlite3_column_int64(s, 17), col(s, 18),
					  col(s, 16), pstate)));
	put(o, "last_seen_ms", json_object_new_int64(age(now, sqlite3_column_int64(s, 8))));
}

static int prepare(struct daemon *d, const char *sql, sqlite3_stmt **s,
		   char *err, size_t errlen)
{
	if (sqlite3_prepare_v2(db_sqlite(d->db), sql, -1, s, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "database: %s", sqlite3_errmsg(db_sqlite(d->db)));
	return -EIO;
}

static int device_list(struct daemon *d, json_object *req, json_object *ans,
		       char *err, size_t errlen)
{
	json_object *arr = json_object_new_array();
	int64_t now = now_ms();
	sqlite3_stmt *s;
	int rc;

	if (prepare(d, LIST_SQL " ORDER BY d.mac", &s, err, errlen)) {
		json_object_put(arr);
		return -EIO;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_object *o = json_object_new_object();

		device_brief(o, s, now);
		json_object_array_add(arr, o);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_object_put(arr);
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db_sqlite(d->db)));
		return -EIO;
	}
	put(ans, "devices", arr);
	return 0;
}

static int want_mac(json_object *req, char mac[18], char *err, size_t errlen)
{
	json_object *m;
	uint8_t b[6];

	if (!json_object_object_get_ex(req, "mac", &m) ||
	    !json_object_is_type(m, json_type_string) ||
	    db_mac_parse(json_object_get_string(m), b)) {
		snprintf(err, errlen, "\"mac\" must be a MAC address, xx:xx:xx:xx:xx:xx");
		return -EINVAL;
	}
	db_mac_str(b, mac);
	return 0;
}

static json_object *desired_json(const struct db_desired *des, int64_t now)
{
	json_object *o = json_object_new_object();

	put(o, "generation", json_object_new_int64(des->generation));
	put(o, "rule", jstr(des->rule));
	put(o, "overridden", json_object_new_boolean(des->overridden));
	put(o, "addr_mode", jstr(des->addr_mode));
	put(o, "address", jstr(des->address));
	put(o, "note", jstr(des->note));
	put(o, "drift", jstr(des->drift));
	put(o, "decided_ms", json_object_new_int64(age(now, des->decided)));
	put(o, "items", items_json(des->items, des->items_len));
	return o;
}

static json_object *applied_json(const struct db_applied *ap, int64_t now)
{
	json_object *o = json_object_new_object(), *res = json_object_new_array();
	char buf[sizeof(ap->results)], *tok, *save = NULL;

	put(o, "generation", json_object_new_int64(ap->generation));
	put(o, "outcome", jstr(ap->outcome));
	put(o, "request_id", json_object_new_int64(ap->request_id));
	put(o, "tries", json_object_new_int64(ap->tries));
	put(o, "finished_ms", json_object_new_int64(age(now, ap->finished)));
	put(o, "items", items_json(ap->items, ap->items_len));
	memcpy(buf, ap->results, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_object_array_add(res, jstr(tok));
	put(o, "results", res);
	return o;
}

static json_object *pending_json(const struct db_pending *p, int64_t now)
{
	json_object *o = json_object_new_object();

	put(o, "state", jstr(p->state == DB_PENDING_SENT ? "sent" : "queued"));
	put(o, "generation", json_object_new_int64(p->generation));
	put(o, "attempts", json_object_new_int64(p->attempts));
	put(o, "reason", jstr(p->reason));
	if (p->state == DB_PENDING_SENT) {
		put(o, "request_id", json_object_new_int64(p->request_id));
		put(o, "sent_ms", json_object_new_int64(age(now, p->sent)));
	} else {
		put(o, "next_ms", json_object_new_int64(p->not_before > now ?
							 p->not_before - now : 0));
	}
	return o;
}

static int rows_json(struct daemon *d, const char *sql, const char *mac,
		     json_object *arr, int64_t now, bool events, char *err,
		     size_t errlen)
{
	sqlite3_stmt *s;
	int rc;

	if (prepare(d, sql, &s, err, errlen))
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_object *o = json_object_new_object();

		if (events) {
			put(o, "time_ms", json_object_new_int64(sqlite3_column_int64(s, 0)));
			put(o, "kind", jstr(col(s, 1)));
			put(o, "detail", jstr(col(s, 2)));
		} else {
			put(o, "kind", jstr(col(s, 0)));
			put(o, "spec", jstr(col(s, 1)));
			put(o, "state", jstr(col(s, 2)));
			put(o, "error", jstr(col(s, 3)));
		}
		json_object_array_add(arr, o);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "database: %s", sqlite3_errmsg(db_sqlite(d->db)));
		return -EIO;
	}
	return 0;
}

static int device_show(struct daemon *d, json_object *req, json_object *ans,
		       char *err, size_t errlen)
{
	struct db_desired *des = malloc(sizeof(*des));
	struct db_applied *ap = malloc(sizeof(*ap));
	struct db_pending *p = malloc(sizeof(*p));
	json_object *dev = NULL, *arr;
	int64_t now = now_ms();
	sqlite3_stmt *s = NULL;
	char mac[18];
	int ret = -ENOMEM, rc;

	if (!des || !ap || !p)
		goto out;
	ret = want_mac(req, mac, err, errlen);
	if (ret)
		goto out;
	ret = prepare(d, LIST_SQL " WHERE d.mac = ?1", &s, err, errlen);
	if (ret)
		goto out;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, rc == SQLITE_DONE ? "no such device: %s" :
			 "database: reading %s failed", mac);
		ret = rc == SQLITE_DONE ? -ENOENT : -EIO;
		goto out;
	}
	dev = json_object_new_object();
	device_brief(dev, s, now);
	if (!db_desired_get(d->db, mac, des))
		put(dev, "desired", desired_json(des, now));
	if (!db_applied_get(d->db, mac, ap))
		put(dev, "applied", applied_json(ap, now));
	if (!db_pending_get(d->db, mac, p))
		put(dev, "pending", pending_json(p, now));
	arr = json_object_new_array();
	put(dev, "gateway_rules", arr);
	ret = rows_json(d, "SELECT kind, spec, state, error FROM gw_rules"
			" WHERE mac = ?1 ORDER BY id", mac, arr, now, false, err, errlen);
	if (ret)
		goto out;
	/* Its latest 20 events, oldest first. */
	arr = json_object_new_array();
	put(dev, "events", arr);
	ret = rows_json(d, "SELECT time, kind, detail FROM (SELECT id, time, kind,"
			" detail FROM events WHERE mac = ?1 ORDER BY id DESC LIMIT 20)"
			" ORDER BY id", mac, arr, now, true, err, errlen);
	if (ret)
		goto out;
	put(ans, "device", dev);
	dev = NULL;
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	sqlite3_finalize(s);
	json_object_put(dev);
	free(des);
	free(ap);
	free(p);
	return ret;
}

static int device_pin(struct daemon *d, json_object *req, json_object *ans,
		      char *err, size_t errlen, bool pin)
{
	char mac[18];
	int ret = want_mac(req, mac, err, errlen);

	if (ret)
		return ret;
	ret = engine_pin(d, mac, pin, err, errlen);
	if (!ret)
		engine_act(d);
	return ret;
}

static int cmd_pin(struct daemon *d, json_object *req, json_object *ans,
		   char *err, size_t errlen)
{
	return device_pin(d, req, ans, err, errlen, true);
}

static int cmd_unpin(struct daemon *d, json_object *req, json_object *ans,
		     char *err, size_t errlen)
{
	return device_pin(d, req, ans, err, errlen, false);
}

static int cmd_forget(struct daemon *d, json_object *req, json_object *ans,
		      char *err, size_t errlen)
{
	char mac[18];
	int ret = want_mac(req, mac, err, errlen);

	if (ret)
		return ret;
	ret = engine_forget(d, mac, err, errlen);
	if (!ret)
		engine_act(d);
	return ret;
}

static int count(struct daemon *d, const char *sql, int64_t *n)
{
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(db_sqlite(d->db), sql, -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

static int cmd_status(struct daemon *d, json_object *req, json_object *ans,
		      char *err, size_t errlen)
{
	static const struct {
		const char *key, *sql;
	} counts[] = {
		{ "total", "SELECT count(*) FROM devices" },
		{ "present", "SELECT count(*) FROM devices WHERE present = 1" },
		{ "pinned", "SELECT count(*) FROM devices WHERE pinned = 1" },
		{ "managed", "SELECT count(*) FROM desired WHERE items IS NOT NULL" },
		{ "in_sync", "SELECT count(*) FROM desired des JOIN applied ap"
		  " ON ap.mac = des.mac WHERE des.items IS NOT NULL"
		  " AND ap.generation = des.generation AND ap.outcome = 'acked'"
		  " AND des.drift = '' AND des.mac NOT IN (SELECT mac FROM pending)" },
		{ "drift", "SELECT count(*) FROM desired WHERE drift != ''" },
		{ "refused", "SELECT count(*) FROM desired des JOIN applied ap"
		  " ON ap.mac = des.mac WHERE ap.generation = des.generation"
		  " AND ap.outcome = 'nacked'" },
		{ "queued", "SELECT count(*) FROM pending WHERE state = 0" },
		{ "configuring", "SELECT count(*) FROM pending WHERE state = 1" },
	};
	json_object *o, *dev = json_object_new_object();
	int64_t now = now_ms(), n;
	size_t i;

	put(ans, "version", jstr(I62608_TOOL_VERSION));
	put(ans, "pid", json_object_new_int64(getpid()));
	put(ans, "uptime_ms", json_object_new_int64(age(now, d->started)));
	put(ans, "database", jstr(d->db_path));
	o = json_object_new_object();
	put(o, "path", jstr(d->policy_path));
	put(o, "rules", json_object_new_int64(d->policy->n_rules));
	put(o, "pools", json_object_new_int64(d->policy->n_pools));
	put(o, "loaded_ms", json_object_new_int64(age(now, d->policy_loaded)));
	put(o, "reload_error", jstr(d->policy_error));
	put(ans, "policy", o);
	o = json_object_new_object();
	put(o, "connected", json_object_new_boolean(d->knl.up));
	if (d->knl.up) {
		char epoch[16];

		snprintf(epoch, sizeof(epoch), "0x%08x", d->knl.epoch);
		put(o, "epoch", jstr(epoch));
		put(o, "module_version", jstr(d->knl.module_version));
	}
	put(ans, "kernel", o);
	put(ans, "gateway_backend", jstr(d->gw_backend));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (count(d, counts[i].sql, &n)) {
			json_object_put(dev);
			snprintf(err, errlen, "database: %s",
				 sqlite3_errmsg(db_sqlite(d->db)));
			return -EIO;
		}
		put(dev, counts[i].key, json_object_new_int64(n));
	}
	put(ans, "devices", dev);
	o = json_object_new_object();
	put(o, "events", json_object_new_int64((int64_t)d->st.events));
	put(o, "events_lost", json_object_new_int64((int64_t)d->st.events_lost));
	put(o, "decisions", json_object_new_int64((int64_t)d->st.decisions));
	put(o, "sent", json_object_new_int64((int64_t)d->st.sent));
	put(o, "send_errors", json_object_new_int64((int64_t)d->st.send_errors));
	put(o, "acked", json_object_new_int64((int64_t)d->st.results[I62608_OUTCOME_ACKED]));
	put(o, "nacked", json_object_new_int64((int64_t)d->st.results[I62608_OUTCOME_NACKED]));
	put(o, "timeout", json_object_new_int64((int64_t)d->st.results[I62608_OUTCOME_TIMEOUT]));
	put(o, "agent_lost", json_object_new_int64((int64_t)d->st.results[I62608_OUTCOME_AGENT_LOST]));
	put(o, "cancelled", json_object_new_int64((int64_t)d->st.results[I62608_OUTCOME_CANCELLED]));
	put(o, "resyncs", json_object_new_int64((int64_t)d->st.resyncs));
	put(o, "gateway_syncs", json_object_new_int64((int64_t)d->st.gw_syncs));
	put(o, "gateway_errors", json_object_new_int64((int64_t)d->st.gw_errors));
	put(ans, "counters", o);
	return 0;
}

static int cmd_cloud_status(struct daemon *d, json_object *req, json_object *ans,
			    char *err, size_t errlen)
{
	return cloudlink_status(d, ans, err, errlen);
}

static const struct {
	const char *name;
	int (*fn)(struct daemon *d, json_object *req, json_object *ans,
		  char *err, size_t errlen);
} commands[] = {
	{ "status", cmd_status },
	{ "cloud_status", cmd_cloud_status },
	{ "device_list", device_list },
	{ "device_show", device_show },
	{ "device_pin", cmd_pin },
	{ "device_unpin", cmd_unpin },
	{ "device_forget", cmd_forget },
};

/* Every member of the request is one the command takes. */
static bool members_ok(json_object *req, bool takes_mac, char *err, size_t errlen)
{
	json_object_object_foreach(req, key, val) {
		(void)val;
		if (!strcmp(key, "command") || (takes_mac && !strcmp(key, "mac")))
			continue;
		snprintf(err, errlen, "unknown member \"%.32s\"", key);
		return false;
	}
	return true;
}

char *view_answer(struct daemon *d, const char *text, size_t len, size_t *alen)
{
	json_object *req = NULL, *ans = json_object_new_object(), *cmd;
	json_tokener *tok = json_tokener_new_ex(4);
	char err[256] = "", *out = NULL;
	const char *name = "";
	size_t i;
	int ret = -EINVAL;

	if (!ans || !tok)
		goto out;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	req = json_tokener_parse_ex(tok, text, (int)len);
	if (!req || tok->char_offset != (int)len ||
	    !json_object_is_type(req, json_type_object)) {
		snprintf(err, sizeof(err), "the request is not one JSON object");
		goto answer;
	}
	if (!json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		snprintf(err, sizeof(err), "\"command\" is required");
		goto answer;
	}
	name = json_object_get_string(cmd);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		snprintf(err, sizeof(err), "unknown command \"%.32s\"", name);
		goto answer;
	}
	if (!members_ok(req, strncmp(name, "device_", 7) == 0 &&
			strcmp(name, "device_list"), err, sizeof(err)))
		goto answer;
	put(ans, "ok", json_object_new_boolean(true));
	ret = commands[i].fn(d, req, ans, err, sizeof(err));
answer:
	if (ret) {
		json_object_put(ans);
		ans = json_object_new_object();
		if (!ans)
			goto out;
		put(ans, "ok", json_object_new_boolean(false));
		put(ans, "error", jstr(err[0] ? err : strerror(-ret)));
		log_debug("control: %s: %s", name[0] ? name : "request", err);
	}
	{
		size_t n;
		const char *s = json_object_to_json_string_length(ans,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

		out = s ? malloc(n + 2) : NULL;
		if (out) {
			memcpy(out, s, n);
			out[n] = '\n';
			out[n + 1] = 0;
			*alen = n + 1;
		}
	}
out:
	json_object_put(req);
	json_object_put(ans);
	if (tok)
		json_tokener_free(tok);
	return out;
}
