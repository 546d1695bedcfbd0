// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: its SQLite store (component "cloudd" of sqldb.h), what
 * is kept and for how long, and small helpers of the handlers.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cloudd.h"
#include "sqldb.h"

/*
 * Retention: a retried POST is recognised by its Idempotency-Key for
 * IDEM_KEEP_DAYS (a gateway's outbox delivers long before); per gateway,
 * the newest FAILURES_KEEP failures, QUALITY_KEEP quality reports,
 * DIAG_KEEP answered diagnosis requests and BACKUPS_KEEP backups.
 */
#define IDEM_KEEP_DAYS	30
#define FAILURES_KEEP	10000
#define QUALITY_KEEP	1000
#define DIAG_KEEP	1000
#define BACKUPS_KEEP	5

static const char *const steps[] = {
	/* 1: the store of the four roles, and the Idempotency-Keys. */
	"CREATE TABLE gateway ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" vendor TEXT, model TEXT, serial TEXT, firmware TEXT,"
	" first_seen_ms INTEGER NOT NULL,"
	" last_seen_ms INTEGER NOT NULL,"
	" registrations INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE device ("
	" gateway TEXT NOT NULL REFERENCES gateway (id) ON DELETE CASCADE,"
	" mac TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" vendor TEXT, model TEXT, serial TEXT, firmware TEXT, name TEXT,"
	" first_seen_ms INTEGER NOT NULL,"
	" last_seen_ms INTEGER NOT NULL,"
	" PRIMARY KEY (gateway, mac));"
	/* Overrides and templates: config is `config send -f` JSON. */
	"CREATE TABLE override ("
	" gateway TEXT NOT NULL,"
	" mac TEXT NOT NULL,"
	" config TEXT NOT NULL,"
	" updated_ms INTEGER NOT NULL,"
	" PRIMARY KEY (gateway, mac));"
	"CREATE TABLE template ("
	" device_type TEXT PRIMARY KEY NOT NULL,"
	" config TEXT NOT NULL,"
	" updated_ms INTEGER NOT NULL);"
	/* One counter, +1 on every change of an override or a template. */
	"CREATE TABLE revision ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" value INTEGER NOT NULL);"
	"INSERT INTO revision VALUES (1, 0);"
	"CREATE TABLE backup ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" gateway TEXT NOT NULL,"
	" taken_at_ms INTEGER NOT NULL,"
	" received_ms INTEGER NOT NULL,"
	" format TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" data BLOB NOT NULL);"
	"CREATE INDEX backup_gateway ON backup (gateway, id);"
	"CREATE TABLE quality ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" gateway TEXT NOT NULL,"
	" message_id TEXT,"
	" measured_at_ms INTEGER NOT NULL,"
	" received_ms INTEGER NOT NULL,"
	" report TEXT NOT NULL,"
	" verdict TEXT NOT NULL,"
	" score INTEGER NOT NULL,"
	" recommendations TEXT NOT NULL);"
	"CREATE INDEX quality_gateway ON quality (gateway, id);"
	"CREATE TABLE failure ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" gateway TEXT NOT NULL,"
	" message_id TEXT,"
	" kind TEXT NOT NULL,"
	" mac TEXT,"
	" occurred_at_ms INTEGER NOT NULL,"
	" received_ms INTEGER NOT NULL,"
	" report TEXT NOT NULL);"
	"CREATE INDEX failure_gateway ON failure (gateway, id);"
	"CREATE TABLE diag ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" gateway TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" mac TEXT,"
	" note TEXT,"
	" state TEXT NOT NULL CHECK (state IN ('queued', 'fetched', 'done')),"
	" created_ms INTEGER NOT NULL,"
	" fetched_ms INTEGER,"
	" answered_ms INTEGER,"
	" status TEXT,"
	" message TEXT,"
	" result TEXT,"
	" finished_at_ms INTEGER);"
	"CREATE INDEX diag_gateway ON diag (gateway, state, id);"
	/* The answer to a POST, by its client and Idempotency-Key. */
	"CREATE TABLE idempotency ("
	" client TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" request_hash TEXT NOT NULL,"
	" status INTEGER NOT NULL,"
	" response TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL,"
	" PRIMARY KEY (client, key));"
	"CREATE INDEX idempotency_age ON idempotency (created_ms);",
};

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int cloudd_db_open(struct cloudd *d, const char *path, char *err,
		   size_t errlen)
{
	d->db = sqldb_open(path, err, errlen);
	if (!d->db)
		return -1;
	if (sqldb_migrate(d->db, "cloudd", steps, sizeof(steps) / sizeof(steps[0]),
			  err, errlen)) {
		sqldb_close(d->db);
		d->db = NULL;
		return -1;
	}
	cloudd_db_prune(d);
	return 0;
}

void cloudd_db_close(struct cloudd *d)
{
	sqldb_close(d->db);
	d->db = NULL;
}

void cloudd_db_prune(struct cloudd *d)
{
	char sql[1024], err[256];

	d->last_prune_ms = now_ms();
	snprintf(sql, sizeof(sql),
		 "BEGIN IMMEDIATE;"
		 "DELETE FROM idempotency WHERE created_ms < %llu;"
		 "DELETE FROM failure WHERE id IN (SELECT id FROM (SELECT id,"
		 " row_number() OVER (PARTITION BY gateway ORDER BY id DESC) AS n"
		 " FROM failure) WHERE n > %d);"
		 "DELETE FROM quality WHERE id IN (SELECT id FROM (SELECT id,"
		 " row_number() OVER (PARTITION BY gateway ORDER BY id DESC) AS n"
		 " FROM quality) WHERE n > %d);"
		 "DELETE FROM diag WHERE id IN (SELECT id FROM (SELECT id,"
		 " row_number() OVER (PARTITION BY gateway ORDER BY id DESC) AS n"
		 " FROM diag WHERE state = 'done') WHERE n > %d);"
		 "DELETE FROM backup WHERE id IN (SELECT id FROM (SELECT id,"
		 " row_number() OVER (PARTITION BY gateway ORDER BY id DESC) AS n"
		 " FROM backup) WHERE n > %d);"
		 "COMMIT;",
		 (unsigned long long)(d->last_prune_ms -
				      IDEM_KEEP_DAYS * 86400000ULL),
		 FAILURES_KEEP, QUALITY_KEEP, DIAG_KEEP, BACKUPS_KEEP);
	if (sqldb_exec(d->db, sql, "pruning the store", err, sizeof(err))) {
		fprintf(stderr, "i62608-cloudd: %s\n", err);
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	}
}

sqlite3_stmt *db_prep(struct req *r, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->d->db, sql, -1, &st, NULL) != SQLITE_OK) {
		reply_db_error(r, "prepare");
		return NULL;
	}
	return st;
}

void db_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void db_json_text(json_object *o, const char *key, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) != SQLITE_NULL)
		json_object_object_add(o, key, json_object_new_string(
			(const char *)sqlite3_column_text(st, col)));
}

void db_json_int(json_object *o, const char *key, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) != SQLITE_NULL)
		json_object_object_add(o, key, json_object_new_int64(
			sqlite3_column_int64(st, col)));
}

void db_json_raw(json_object *o, const char *key, sqlite3_stmt *st, int col)
{
	const char *text;
	json_object *v;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return;
	/* Written by us from a validated object: it parses. */
	text = (const char *)sqlite3_column_text(st, col);
	v = json_tokener_parse(text);
	if (v)
		json_object_object_add(o, key, v);
}

int db_done(struct req *r, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return reply_db_error(r, what);
	return 0;
}

int db_touch_gateway(struct req *r, const char *gw)
{
	sqlite3_stmt *st;

	st = db_prep(r, "INSERT INTO gateway (id, first_seen_ms, last_seen_ms)"
		     " VALUES (?1, ?2, ?2) ON CONFLICT (id) DO UPDATE"
		     " SET last_seen_ms = excluded.last_seen_ms");
	if (!st)
		return -1;
	db_text(st, 1, gw);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now_ms());
	return db_done(r, st, "gateway");
}
