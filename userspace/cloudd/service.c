// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: the service server (equipment and configuration
 * management). Gateways register themselves and their devices and get
 * back the configuration the operator keeps for them: per-device
 * overrides and per-type templates, each a `config send -f` object. It
 * keeps the gateway's backups of its configuration database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "cloudd.h"
#include "schema.h"

/* Devices remembered per gateway. */
#define DEVICES_PER_GATEWAY	1024

int h_health(struct req *r)
{
	json_object *o = json_object_new_object(), *roles = json_object_new_array();
	json_object *client = json_object_new_object();
	int i;

	for (i = 0; i < CLOUD_ROLE_COUNT; i++)
		if (r->d->roles[i])
			json_object_array_add(roles, json_object_new_string(
				cloud_role_name((enum cloud_role)i)));
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "api", json_object_new_string("v1"));
	json_object_object_add(o, "roles", roles);
	json_object_object_add(client, "kind", json_object_new_string(
		r->peer.kind == PEER_GATEWAY ? "gateway" : "operator"));
	json_object_object_add(client, "name", json_object_new_string(r->peer.name));
	json_object_object_add(o, "client", client);
	json_object_object_add(o, "time_ms", json_object_new_int64((int64_t)now_ms()));
	reply_json(r, 200, o);
	return 0;
}

static int64_t revision(struct req *r, bool bump)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (bump) {
		st = db_prep(r, "UPDATE revision SET value = value + 1 WHERE id = 1");
		if (!st || db_done(r, st, "revision"))
			return -1;
	}
	st = db_prep(r, "SELECT value FROM revision WHERE id = 1");
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (v < 0)
		reply_db_error(r, "revision");
	return v;
}

/* Rows (key, config, updated_ms) as [{keyname: ..., config: {...}, ...}]. */
static json_object *configs(struct req *r, sqlite3_stmt *st, const char *keyname)
{
	json_object *a = json_object_new_array();
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object *e = json_object_new_object();

		db_json_text(e, keyname, st, 0);
		db_json_raw(e, "config", st, 1);
		db_json_int(e, "updated_at_ms", st, 2);
		json_object_array_add(a, e);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(a);
		reply_db_error(r, "configurations");
		return NULL;
	}
	return a;
}

static json_object *templates(struct req *r)
{
	sqlite3_stmt *st;

	st = db_prep(r, "SELECT device_type, config, updated_ms FROM template"
		     " ORDER BY device_type");
	return st ? configs(r, st, "device_type") : NULL;
}

/* What the service server holds for @gw: cloud_schema_snapshot. */
json_object *service_snapshot(struct req *r, const char *gw)
{
	json_object *o, *ov, *tp;
	sqlite3_stmt *st;
	int64_t rev = revision(r, false);

	if (rev < 0)
		return NULL;
	st = db_prep(r, "SELECT mac, config, updated_ms FROM override"
		     " WHERE gateway = ?1 ORDER BY mac");
	if (!st)
		return NULL;
	db_text(st, 1, gw);
	ov = configs(r, st, "mac");
	tp = ov ? templates(r) : NULL;
	if (!tp) {
		json_object_put(ov);
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "revision", json_object_new_int64(rev));
	json_object_object_add(o, "overrides", ov);
	json_object_object_add(o, "templates", tp);
	return o;
}

static int count(struct req *r, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = db_prep(r, sql);
	int n = -1;

	if (!st)
		return -1;
	if (a)
		db_text(st, 1, a);
	if (b)
		db_text(st, 2, b);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (n < 0)
		reply_db_error(r, "count");
	return n;
}

int h_register(struct req *r)
{
	const char *gw = req_capture(r, 0);
	json_object *g = cj_get(r->json, "gateway");
	json_object *devs = cj_get(r->json, "devices"), *o;
	uint64_t now = now_ms();
	sqlite3_stmt *st;
	size_t i, n = json_object_array_length(devs);
	int known, fresh = 0;

	st = db_prep(r, "INSERT INTO gateway (id, vendor, model, serial, firmware,"
		     " first_seen_ms, last_seen_ms, registrations)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1) ON CONFLICT (id) DO UPDATE"
		     " SET vendor = ?2, model = ?3, serial = ?4, firmware = ?5,"
		     " last_seen_ms = ?6, registrations = registrations + 1");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	db_text(st, 2, cj_str(g, "vendor"));
	db_text(st, 3, cj_str(g, "model"));
	db_text(st, 4, cj_str(g, "serial"));
	db_text(st, 5, cj_str(g, "firmware"));
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	if (db_done(r, st, "gateway"))
		return -1;

	known = count(r, "SELECT count(*) FROM device WHERE gateway = ?1", gw, NULL);
	if (known < 0)
		return -1;
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		char mac[CJ_MAC_LEN];
		int have;

		cj_mac_canon(mac, cj_str(d, "mac"));
		have = count(r, "SELECT count(*) FROM device WHERE gateway = ?1"
			     " AND mac = ?2", gw, mac);
		if (have < 0)
			return -1;
		if (!have && known + ++fresh > DEVICES_PER_GATEWAY) {
			reply_error(r, 409, "limit_reached",
				    "devices[%zu]: gateway %s has %d devices registered, at most %d",
				    i, gw, known, DEVICES_PER_GATEWAY);
			return 0;
		}
		st = db_prep(r, "INSERT INTO device (gateway, mac, type, vendor, model,"
			     " serial, firmware, name, first_seen_ms, last_seen_ms)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)"
			     " ON CONFLICT (gateway, mac) DO UPDATE SET type = ?3,"
			     " vendor = ?4, model = ?5, serial = ?6, firmware = ?7,"
			     " name = ?8, last_seen_ms = ?9");
		if (!st)
			return -1;
		db_text(st, 1, gw);
		db_text(st, 2, mac);
		db_text(st, 3, cj_str(d, "type"));
		db_text(st, 4, cj_str(d, "vendor"));
		db_text(st, 5, cj_str(d, "model"));
		db_text(st, 6, cj_str(d, "serial"));
		db_text(st, 7, cj_str(d, "firmware"));
		db_text(st, 8, cj_str(d, "name"));
		sqlite3_bind_int64(st, 9, (sqlite3_int64)now);
		if (db_done(r, st, "device"))
			return -1;
	}
	o = service_snapshot(r, gw);
	if (!o)
		return -1;
	json_object_object_add(o, "gateway", json_object_new_string(gw));
	json_object_object_add(o, "registered_at_ms", json_object_new_int64((int64_t)now));
	json_object_object_add(o, "devices", json_object_new_int(known + fresh));
	reply_json(r, 200, o);
	return 0;
}

int h_overrides_get(struct req *r)
{
	json_object *o = service_snapshot(r, req_capture(r, 0));

	if (!o)
		return -1;
	reply_json(r, 200, o);
	return 0;
}

/* PUT an override (@table "override") or a template ("template"). */
static int config_put(struct req *r, bool is_override)
{
	const char *gw = is_override ? req_capture(r, 0) : NULL;
	const char *key = req_capture(r, is_override ? 1 : 0);
	json_object *cfg = cj_get(r->json, "config"), *o;
	uint64_t now = now_ms();
	sqlite3_stmt *st;
	int64_t rev;
	int n, have;

	if (is_override) {
		n = count(r, "SELECT count(*) FROM override WHERE gateway = ?1", gw, NULL);
		have = count(r, "SELECT count(*) FROM override WHERE gateway = ?1"
			     " AND mac = ?2", gw, key);
	} else {
		n = count(r, "SELECT count(*) FROM template", NULL, NULL);
		have = count(r, "SELECT count(*) FROM template WHERE device_type = ?1",
			     key, NULL);
	}
	if (n < 0 || have < 0)
		return -1;
	if (!have && n >= (is_override ? CLOUD_OVERRIDES_MAX : CLOUD_TEMPLATES_MAX)) {
		reply_error(r, 409, "limit_reached", "%d %s already, at most %d",
			    n, is_override ? "overrides for this gateway" : "templates",
			    is_override ? CLOUD_OVERRIDES_MAX : CLOUD_TEMPLATES_MAX);
		return 0;
	}
	if (is_override) {
		st = db_prep(r, "INSERT INTO override (gateway, mac, config, updated_ms)"
			     " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (gateway, mac)"
			     " DO UPDATE SET config = ?3, updated_ms = ?4");
		if (!st)
			return -1;
		db_text(st, 1, gw);
		db_text(st, 2, key);
		db_text(st, 3, cj_text(cfg));
		sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	} else {
		st = db_prep(r, "INSERT INTO template (device_type, config, updated_ms)"
			     " VALUES (?1, ?2, ?3) ON CONFLICT (device_type)"
			     " DO UPDATE SET config = ?2, updated_ms = ?3");
		if (!st)
			return -1;
		db_text(st, 1, key);
		db_text(st, 2, cj_text(cfg));
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	}
	if (db_done(r, st, "configuration"))
		return -1;
	rev = revision(r, true);
	if (rev < 0)
		return -1;
	o = json_object_new_object();
	if (gw)
		json_object_object_add(o, "gateway", json_object_new_string(gw));
	json_object_object_add(o, is_override ? "mac" : "device_type",
			       json_object_new_string(key));
	json_object_object_add(o, "config", json_object_get(cfg));
	json_object_object_add(o, "updated_at_ms", json_object_new_int64((int64_t)now));
	json_object_object_add(o, "revision", json_object_new_int64(rev));
	reply_json(r, have ? 200 : 201, o);
	return 0;
}

static int config_delete(struct req *r, bool is_override)
{
	const char *key = req_capture(r, is_override ? 1 : 0);
	json_object *o;
	sqlite3_stmt *st;
	int64_t rev;

	if (is_override) {
		st = db_prep(r, "DELETE FROM override WHERE gateway = ?1 AND mac = ?2");
		if (!st)
			return -1;
		db_text(st, 1, req_capture(r, 0));
		db_text(st, 2, key);
	} else {
		st = db_prep(r, "DELETE FROM template WHERE device_type = ?1");
		if (!st)
			return -1;
		db_text(st, 1, key);
	}
	if (db_done(r, st, "configuration"))
		return -1;
	if (!sqlite3_changes(r->d->db)) {
		reply_error(r, 404, "not_found", "no %s for %s", is_override ?
			    "override" : "template", key);
		return 0;
	}
	rev = revision(r, true);
	if (rev < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	json_object_object_add(o, "revision", json_object_new_int64(rev));
	reply_json(r, 200, o);
	return 0;
}

int h_override_put(struct req *r)
{
	return config_put(r, true);
}

int h_override_delete(struct req *r)
{
	return config_delete(r, true);
}

int h_template_put(struct req *r)
{
	return config_put(r, false);
}

int h_template_delete(struct req *r)
{
	return config_delete(r, false);
}

int h_templates_get(struct req *r)
{
	json_object *o, *tp;
	int64_t rev = revision(r, false);

	if (rev < 0)
		return -1;
	tp = templates(r);
	if (!tp)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "revision", json_object_new_int64(rev));
	json_object_object_add(o, "templates", tp);
	reply_json(r, 200, o);
	return 0;
}

/* A gateway row (columns 0..7) as an object. */
static json_object *gateway_obj(sqlite3_stmt *st)
{
	json_object *g = json_object_new_object();

	db_json_text(g, "id", st, 0);
	db_json_text(g, "vendor", st, 1);
	db_json_text(g, "model", st, 2);
	db_json_text(g, "serial", st, 3);
	db_json_text(g, "firmware", st, 4);
	db_json_int(g, "first_seen_ms", st, 5);
	db_json_int(g, "last_seen_ms", st, 6);
	db_json_int(g, "registrations", st, 7);
	db_json_int(g, "devices", st, 8);
	return g;
}

#define GATEWAY_COLS "id, vendor, model, serial, firmware, first_seen_ms," \
	" last_seen_ms, registrations," \
	" (SELECT count(*) FROM device WHERE device.gateway = gateway.id)"

int h_gateways_list(struct req *r)
{
	const char *after = req_query(r, "after");
	json_object *o, *a;
	sqlite3_stmt *st;
	int64_t limit, unused;
	int rc, n = 0;
	char q[200];

	if (after && !cj_name_ok(after, CLOUD_GATEWAY_ID_MAX)) {
		cj_quote(q, sizeof(q), after);
		reply_error(r, 400, "bad_query", "after: '%s' is not a gateway id", q);
		return 0;
	}
	if (req_paging(r, 100, 1000, &limit, &unused))
		return 0;
	st = db_prep(r, "SELECT " GATEWAY_COLS " FROM gateway WHERE id > ?1"
		     " ORDER BY id LIMIT ?2");
	if (!st)
		return -1;
	db_text(st, 1, after ? after : "");
	sqlite3_bind_int64(st, 2, limit);
	a = json_object_new_array();
	o = json_object_new_object();
	json_object_object_add(o, "gateways", a);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object_array_add(a, gateway_obj(st));
		if (++n == limit)
			json_object_object_add(o, "next_after", json_object_new_string(
				(const char *)sqlite3_column_text(st, 0)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(o);
		return reply_db_error(r, "gateways");
	}
	reply_json(r, 200, o);
	return 0;
}

int h_gateway_get(struct req *r)
{
	const char *gw = req_capture(r, 0);
	json_object *g, *a;
	sqlite3_stmt *st;
	int rc;

	st = db_prep(r, "SELECT " GATEWAY_COLS " FROM gateway WHERE id = ?1");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return reply_db_error(r, "gateway");
		reply_error(r, 404, "not_found", "gateway %s has not registered", gw);
		return 0;
	}
	g = gateway_obj(st);
	sqlite3_finalize(st);
	st = db_prep(r, "SELECT mac, type, vendor, model, serial, firmware, name,"
		     " first_seen_ms, last_seen_ms FROM device WHERE gateway = ?1"
		     " ORDER BY mac");
	if (!st) {
		json_object_put(g);
		return -1;
	}
	db_text(st, 1, gw);
	a = json_object_new_array();
	json_object_object_add(g, "device_list", a);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object *d = json_object_new_object();
		static const char *const cols[] = {
			"mac", "type", "vendor", "model", "serial", "firmware", "name",
		};
		int i;

		for (i = 0; i < 7; i++)
			db_json_text(d, cols[i], st, i);
		db_json_int(d, "first_seen_ms", st, 7);
		db_json_int(d, "last_seen_ms", st, 8);
		json_object_array_add(a, d);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(g);
		return reply_db_error(r, "devices");
	}
	reply_json(r, 200, g);
	return 0;
}

int h_backup_post(struct req *r)
{
	const char *gw = req_capture(r, 0), *b64 = cj_str(r->json, "data");
	gnutls_datum_t in = { (unsigned char *)b64, (unsigned int)strlen(b64) };
	gnutls_datum_t data = { 0 };
	uint8_t sum[32];
	char hex[65];
	json_object *o;
	sqlite3_stmt *st;
	uint64_t now = now_ms();
	int i;

	if (gnutls_base64_decode2(&in, &data) < 0) {
		reply_error(r, 422, "invalid_body", "data: not valid base64");
		return 0;
	}
	if (data.size > r->d->max_backup) {
		reply_error(r, 413, "payload_too_large",
			    "the backup is %u bytes: at most %zu here", data.size,
			    r->d->max_backup);
		goto out;
	}
	if ((int64_t)data.size != cj_int(r->json, "size", -1)) {
		reply_error(r, 422, "invalid_body", "size: %lld, but data holds %u bytes",
			    (long long)cj_int(r->json, "size", -1), data.size);
		goto out;
	}
	gnutls_hash_fast(GNUTLS_DIG_SHA256, data.data, data.size, sum);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	if (strcmp(hex, cj_str(r->json, "sha256"))) {
		reply_error(r, 422, "invalid_body",
			    "sha256: the data's SHA-256 is %s", hex);
		goto out;
	}
	if (db_touch_gateway(r, gw))
		goto out;
	st = db_prep(r, "INSERT INTO backup (gateway, taken_at_ms, received_ms,"
		     " format, size, sha256, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		goto out;
	db_text(st, 1, gw);
	sqlite3_bind_int64(st, 2, cj_int(r->json, "taken_at_ms", 0));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	db_text(st, 4, cj_str(r->json, "format"));
	sqlite3_bind_int64(st, 5, data.size);
	db_text(st, 6, hex);
	sqlite3_bind_blob(st, 7, data.data, (int)data.size, SQLITE_STATIC);
	if (db_done(r, st, "backup"))
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(
		sqlite3_last_insert_rowid(r->d->db)));
	json_object_object_add(o, "size", json_object_new_int64(data.size));
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	json_object_object_add(o, "received_at_ms", json_object_new_int64((int64_t)now));
	reply_json(r, 201, o);
out:
	gnutls_free(data.data);
	return r->status >= 500 ? -1 : 0;
}

/* A backup row (id, taken, received, format, size, sha256[, data]). */
static json_object *backup_obj(sqlite3_stmt *st, bool with_data)
{
	json_object *b = json_object_new_object();

	db_json_int(b, "id", st, 0);
	db_json_int(b, "taken_at_ms", st, 1);
	db_json_int(b, "received_at_ms", st, 2);
	db_json_text(b, "format", st, 3);
	db_json_int(b, "size", st, 4);
	db_json_text(b, "sha256", st, 5);
	if (with_data) {
		gnutls_datum_t raw = {
			(unsigned char *)sqlite3_column_blob(st, 6),
			(unsigned int)sqlite3_column_bytes(st, 6),
		};
		gnutls_datum_t b64 = { 0 };

		if (gnutls_base64_encode2(&raw, &b64) >= 0) {
			json_object_object_add(b, "data", json_object_new_string_len(
				(const char *)b64.data, (int)b64.size));
			gnutls_free(b64.data);
		}
	}
	return b;
}

int h_backups_list(struct req *r)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	sqlite3_stmt *st;
	int rc;

	json_object_object_add(o, "backups", a);
	st = db_prep(r, "SELECT id, taken_at_ms, received_ms, format, size, sha256"
		     " FROM backup WHERE gateway = ?1 ORDER BY id DESC");
	if (!st) {
		json_object_put(o);
		return -1;
	}
	db_text(st, 1, req_capture(r, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_object_array_add(a, backup_obj(st, false));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(o);
		return reply_db_error(r, "backups");
	}
	reply_json(r, 200, o);
	return 0;
}

int h_backup_get(struct req *r)
{
	int64_t id = req_capture_id(r, 1);
	sqlite3_stmt *st;
	int rc;

	/* backups/latest has one capture, backups/{id} two. */
	st = db_prep(r, "SELECT id, taken_at_ms, received_ms, format, size, sha256,"
		     " data FROM backup WHERE gateway = ?1 AND (?2 < 0 OR id = ?2)"
		     " ORDER BY id DESC LIMIT 1");
	if (!st)
		return -1;
	db_text(st, 1, req_capture(r, 0));
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		reply_json(r, 200, backup_obj(st, true));
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		reply_error(r, 404, "not_found", "no such backup");
	else if (rc != SQLITE_ROW)
		return reply_db_error(r, "backup");
	return 0;
}
