// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: the diagnosis server. The operator queues requests for a
 * gateway (is a device reachable, what did it last report, re-read the
 * configuration); the gateway fetches the open ones (queued -> fetched),
 * runs them and posts each result once (-> done).
 */
#include <stdio.h>
#include <string.h>

#include "cloudd.h"
#include "schema.h"

#define DIAG_COLS "id, gateway, kind, mac, note, state, created_ms, fetched_ms," \
	" answered_ms, status, message, result, finished_at_ms"

static json_object *diag_obj(sqlite3_stmt *st)
{
	json_object *d = json_object_new_object();

	db_json_int(d, "id", st, 0);
	db_json_text(d, "gateway", st, 1);
	db_json_text(d, "kind", st, 2);
	db_json_text(d, "mac", st, 3);
	db_json_text(d, "note", st, 4);
	db_json_text(d, "state", st, 5);
	db_json_int(d, "created_at_ms", st, 6);
	db_json_int(d, "fetched_at_ms", st, 7);
	db_json_int(d, "answered_at_ms", st, 8);
	db_json_text(d, "status", st, 9);
	db_json_text(d, "message", st, 10);
	db_json_raw(d, "result", st, 11);
	db_json_int(d, "finished_at_ms", st, 12);
	return d;
}

/* Answer with request @id of @gw (404 if it is not @gw's). */
static int reply_diag(struct req *r, const char *gw, int64_t id,
		      unsigned int status)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prep(r, "SELECT " DIAG_COLS " FROM diag WHERE id = ?1 AND gateway = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	db_text(st, 2, gw);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		reply_json(r, status, diag_obj(st));
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		reply_error(r, 404, "not_found", "gateway %s has no diagnosis request %lld",
			    gw, (long long)id);
	else if (rc != SQLITE_ROW)
		return reply_db_error(r, "diagnosis");
	return 0;
}

int h_diag_create(struct req *r)
{
	const char *gw = req_capture(r, 0), *m = cj_str(r->json, "mac");
	char mac[CJ_MAC_LEN];
	sqlite3_stmt *st;
	int open = -1;

	st = db_prep(r, "SELECT count(*) FROM diag WHERE gateway = ?1 AND state != 'done'");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	if (sqlite3_step(st) == SQLITE_ROW)
		open = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (open < 0)
		return reply_db_error(r, "diagnosis");
	if (open >= CLOUD_DIAG_OPEN_MAX) {
		reply_error(r, 409, "limit_reached",
			    "gateway %s has %d diagnosis requests open, at most %d",
			    gw, open, CLOUD_DIAG_OPEN_MAX);
		return 0;
	}
	if (m)
		cj_mac_canon(mac, m);
	st = db_prep(r, "INSERT INTO diag (gateway, kind, mac, note, state, created_ms)"
		     " VALUES (?1, ?2, ?3, ?4, 'queued', ?5)");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	db_text(st, 2, cj_str(r->json, "kind"));
	db_text(st, 3, m ? mac : NULL);
	db_text(st, 4, cj_str(r->json, "note"));
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now_ms());
	if (db_done(r, st, "diagnosis"))
		return -1;
	return reply_diag(r, gw, sqlite3_last_insert_rowid(r->d->db), 201);
}

/*
 * ?state=open (queued or fetched: what the gateway has to run), done or
 * all. The gateway's own fetch marks what it got as fetched.
 */
int h_diag_list(struct req *r)
{
	const char *gw = req_capture(r, 0), *state = req_query(r, "state");
	json_object *o, *a;
	sqlite3_stmt *st;
	int64_t limit, after;
	int rc, n = 0, which;
	char q[200];

	if (!state || !strcmp(state, "open")) {
		which = 0;
	} else if (!strcmp(state, "done")) {
		which = 1;
	} else if (!strcmp(state, "all")) {
		which = 2;
	} else {
		cj_quote(q, sizeof(q), state);
		reply_error(r, 400, "bad_query", "state: '%s' is not open, done or all", q);
		return 0;
	}
	if (req_paging(r, CLOUD_DIAG_OPEN_MAX, CLOUD_DIAG_OPEN_MAX, &limit, &after))
		return 0;
	if (r->peer.kind == PEER_GATEWAY && which != 1) {
		st = db_prep(r, "UPDATE diag SET state = 'fetched', fetched_ms = ?2"
			     " WHERE id IN (SELECT id FROM diag WHERE gateway = ?1"
			     " AND state != 'done' AND id > ?3 ORDER BY id LIMIT ?4)"
			     " AND state = 'queued'");
		if (!st)
			return -1;
		db_text(st, 1, gw);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now_ms());
		sqlite3_bind_int64(st, 3, after);
		sqlite3_bind_int64(st, 4, limit);
		if (db_done(r, st, "diagnosis"))
			return -1;
	}
	st = db_prep(r, "SELECT " DIAG_COLS " FROM diag WHERE gateway = ?1"
		     " AND (?2 = 2 OR (?2 = 1) = (state = 'done')) AND id > ?3"
		     " ORDER BY id LIMIT ?4");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	sqlite3_bind_int(st, 2, which);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int64(st, 4, limit);
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "requests", a);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object_array_add(a, diag_obj(st));
		if (++n == limit)
			json_object_object_add(o, "next_after_id", json_object_new_int64(
				sqlite3_column_int64(st, 0)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(o);
		return reply_db_error(r, "diagnosis");
	}
	reply_json(r, 200, o);
	return 0;
}

int h_diag_get(struct req *r)
{
	return reply_diag(r, req_capture(r, 0), req_capture_id(r, 1), 200);
}

int h_diag_result(struct req *r)
{
	const char *gw = req_capture(r, 0);
	int64_t id = req_capture_id(r, 1);
	json_object *res = cj_get(r->json, "result");
	sqlite3_stmt *st;
	int rc;
	bool done;

	st = db_prep(r, "SELECT state = 'done' FROM diag WHERE id = ?1 AND gateway = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	db_text(st, 2, gw);
	rc = sqlite3_step(st);
	done = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		reply_error(r, 404, "not_found", "gateway %s has no diagnosis request %lld",
			    gw, (long long)id);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return reply_db_error(r, "diagnosis");
	if (done) {
		reply_error(r, 409, "already_answered",
			    "diagnosis request %lld has its result already", (long long)id);
		return 0;
	}
	st = db_prep(r, "UPDATE diag SET state = 'done', answered_ms = ?3,"
		     " fetched_ms = coalesce(fetched_ms, ?3), status = ?4, message = ?5,"
		     " result = ?6, finished_at_ms = ?7 WHERE id = ?1 AND gateway = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	db_text(st, 2, gw);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now_ms());
	db_text(st, 4, cj_str(r->json, "status"));
	db_text(st, 5, cj_str(r->json, "message"));
	db_text(st, 6, res ? cj_text(res) : NULL);
	if (cj_get(r->json, "finished_at_ms"))
		sqlite3_bind_int64(st, 7, cj_int(r->json, "finished_at_ms", 0));
	else
		sqlite3_bind_null(st, 7);
	if (db_done(r, st, "diagnosis"))
		return -1;
	return reply_diag(r, gw, id, 200);
}
