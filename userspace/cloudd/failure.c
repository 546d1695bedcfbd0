// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: the service failure information server. Gateways report
 * failures (a configuration refused or timed out, a device lost, a rule
 * of the gateway that failed); the operator lists and reads them, and a
 * gateway its own.
 */
#include <stdio.h>
#include <string.h>

#include "cloudd.h"
#include "schema.h"

int h_failure_post(struct req *r)
{
	const char *gw = req_capture(r, 0), *m = cj_str(r->json, "mac");
	char mac[CJ_MAC_LEN];
	uint64_t now = now_ms();
	json_object *o;
	sqlite3_stmt *st;

	if (m)
		cj_mac_canon(mac, m);
	if (db_touch_gateway(r, gw))
		return -1;
	st = db_prep(r, "INSERT INTO failure (gateway, message_id, kind, mac,"
		     " occurred_at_ms, received_ms, report)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	db_text(st, 2, r->key[0] ? r->key : NULL);
	db_text(st, 3, cj_str(r->json, "kind"));
	db_text(st, 4, m ? mac : NULL);
	sqlite3_bind_int64(st, 5, cj_int(r->json, "occurred_at_ms", 0));
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	db_text(st, 7, cj_text(r->json));
	if (db_done(r, st, "failure"))
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(
		sqlite3_last_insert_rowid(r->d->db)));
	json_object_object_add(o, "received_at_ms", json_object_new_int64((int64_t)now));
	reply_json(r, 201, o);
	return 0;
}

#define FAILURE_COLS "id, gateway, message_id, kind, mac, occurred_at_ms," \
	" received_ms, report"

static json_object *failure_obj(sqlite3_stmt *st)
{
	json_object *f = json_object_new_object();

	db_json_int(f, "id", st, 0);
	db_json_text(f, "gateway", st, 1);
	db_json_text(f, "message_id", st, 2);
	db_json_text(f, "kind", st, 3);
	db_json_text(f, "mac", st, 4);
	db_json_int(f, "occurred_at_ms", st, 5);
	db_json_int(f, "received_at_ms", st, 6);
	db_json_raw(f, "report", st, 7);
	return f;
}

/* The list, filtered by ?gateway= (or @gw), ?kind=, ?mac=; paged by id. */
static int list(struct req *r, const char *gw)
{
	const char *kind = req_query(r, "kind"), *m = req_query(r, "mac");
	char mac[CJ_MAC_LEN], q[200];
	json_object *o, *a;
	sqlite3_stmt *st;
	int64_t limit, after;
	int rc, n = 0;

	if (!gw)
		gw = req_query(r, "gateway");
	if (gw && !cj_name_ok(gw, CLOUD_GATEWAY_ID_MAX)) {
		cj_quote(q, sizeof(q), gw);
		reply_error(r, 400, "bad_query", "gateway: '%s' is not a gateway id", q);
		return 0;
	}
	if (kind && strcmp(kind, "config_refused") && strcmp(kind, "config_timeout") &&
	    strcmp(kind, "device_lost") && strcmp(kind, "gateway_rule")) {
		cj_quote(q, sizeof(q), kind);
		reply_error(r, 400, "bad_query",
			    "kind: '%s' is not one of config_refused, config_timeout, device_lost, gateway_rule", q);
		return 0;
	}
	if (m && !cj_mac_canon(mac, m)) {
		cj_quote(q, sizeof(q), m);
		reply_error(r, 400, "bad_query", "mac: '%s' is not a MAC address", q);
		return 0;
	}
	if (req_paging(r, 100, 1000, &limit, &after))
		return 0;
	st = db_prep(r, "SELECT " FAILURE_COLS " FROM failure"
		     " WHERE (?1 IS NULL OR gateway = ?1) AND (?2 IS NULL OR kind = ?2)"
		     " AND (?3 IS NULL OR mac = ?3) AND id > ?4 ORDER BY id LIMIT ?5");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	db_text(st, 2, kind);
	db_text(st, 3, m ? mac : NULL);
	sqlite3_bind_int64(st, 4, after);
	sqlite3_bind_int64(st, 5, limit);
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "failures", a);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object_array_add(a, failure_obj(st));
		if (++n == limit)
			json_object_object_add(o, "next_after_id", json_object_new_int64(
				sqlite3_column_int64(st, 0)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(o);
		return reply_db_error(r, "failures");
	}
	reply_json(r, 200, o);
	return 0;
}

int h_failures_of_gateway(struct req *r)
{
	return list(r, req_capture(r, 0));
}

int h_failures_list(struct req *r)
{
	return list(r, NULL);
}

/* failures/{id} (operator) or gateways/{gw}/failures/{id}. */
int h_failure_get(struct req *r)
{
	bool by_gw = req_capture(r, 1) != NULL;
	int64_t id = req_capture_id(r, by_gw ? 1 : 0);
	sqlite3_stmt *st;
	int rc;

	st = db_prep(r, "SELECT " FAILURE_COLS " FROM failure WHERE id = ?1"
		     " AND (?2 IS NULL OR gateway = ?2)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	db_text(st, 2, by_gw ? req_capture(r, 0) : NULL);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		reply_json(r, 200, failure_obj(st));
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		reply_error(r, 404, "not_found", "no failure %lld", (long long)id);
	else if (rc != SQLITE_ROW)
		return reply_db_error(r, "failure");
	return 0;
}
