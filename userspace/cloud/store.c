// SPDX-License-Identifier: GPL-2.0
/*
 * The cloud client's tables (component "cloud" of sqldb.h): the outbox,
 * what the servers sent back, and the functions the daemon and the
 * worker read and write them with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "cloud_priv.h"
#include "schema.h"
#include "sqldb.h"

/* Delivered and rejected messages are kept this long, this many at most. */
#define KEEP_DAYS	7
#define KEEP_DONE	1000

static const char *const steps[] = {
	/* 1 */
	"CREATE TABLE cloud_outbox ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind TEXT NOT NULL CHECK (kind IN ('register', 'backup', 'quality',"
	"  'failure', 'diag_result')),"
	" role TEXT NOT NULL CHECK (role IN ('service', 'quality', 'failure',"
	"  'diagnosis')),"
	" message_id TEXT NOT NULL UNIQUE,"
	" target INTEGER,"
	" body TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',"
	"  'delivered', 'rejected')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt_ms INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" http_status INTEGER,"
	" remote_id INTEGER,"
	" delivered_ms INTEGER);"
	"CREATE INDEX cloud_outbox_queue ON cloud_outbox (role, state, id);"
	"CREATE TABLE cloud_override ("
	" mac TEXT PRIMARY KEY NOT NULL,"
	" config TEXT,"
	" updated_ms INTEGER,"
	" received_ms INTEGER NOT NULL,"
	" generation INTEGER NOT NULL,"
	" applied_generation INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE cloud_template ("
	" device_type TEXT PRIMARY KEY NOT NULL,"
	" config TEXT NOT NULL,"
	" updated_ms INTEGER,"
	" received_ms INTEGER NOT NULL);"
	"CREATE TABLE cloud_diag ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" mac TEXT,"
	" note TEXT,"
	" state TEXT NOT NULL CHECK (state IN ('new', 'running', 'done')),"
	" fetched_ms INTEGER NOT NULL,"
	" started_ms INTEGER,"
	" done_ms INTEGER,"
	" status TEXT,"
	" message TEXT,"
	" result TEXT,"
	" outbox_id INTEGER,"
	" reported_ms INTEGER);"
	"CREATE TABLE cloud_verdict ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" report_id INTEGER NOT NULL,"
	" outbox_id INTEGER,"
	" verdict TEXT NOT NULL,"
	" score INTEGER NOT NULL,"
	" recommendations TEXT NOT NULL,"
	" received_ms INTEGER NOT NULL);"
	"CREATE TABLE cloud_meta ("
	" key TEXT PRIMARY KEY NOT NULL,"
	" value INTEGER NOT NULL);",
	/*
	 * 2: templates get generations, as overrides (a deleted one stays,
	 * config NULL, until its removal is applied). Those kept before are
	 * new to the daemon, which did not use them.
	 */
	"CREATE TABLE cloud_template_2 ("
	" device_type TEXT PRIMARY KEY NOT NULL,"
	" config TEXT,"
	" updated_ms INTEGER,"
	" received_ms INTEGER NOT NULL,"
	" generation INTEGER NOT NULL,"
	" applied_generation INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO cloud_meta (key, value) VALUES ('generation', 1)"
	" ON CONFLICT (key) DO UPDATE SET value = max(value, 1);"
	"INSERT INTO cloud_template_2 (device_type, config, updated_ms,"
	" received_ms, generation) SELECT device_type, config, updated_ms,"
	" received_ms, (SELECT value FROM cloud_meta WHERE key = 'generation')"
	" FROM cloud_template;"
	"DROP TABLE cloud_template;"
	"ALTER TABLE cloud_template_2 RENAME TO cloud_template;",
};
#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

uint64_t cloud_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int dberr(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
	return -1;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		dberr(db, "cloud tables", err, errlen);
		return NULL;
	}
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Step a statement without rows, finalize it: 0 or -1. */
static int done(sqlite3 *db, sqlite3_stmt *st, const char *what, char *err,
		size_t errlen)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dberr(db, what, err, errlen);
	return 0;
}

/* Savepoints nest in the caller's transaction, or make one. */
/*
 * A savepoint inside the caller's transaction, or else a transaction of its
 * own. That one takes the write lock at once (BEGIN IMMEDIATE): a deferred
 * one that reads first could not take it later once another connection
 * (the worker's) had committed meanwhile, and SQLite answers that with
 * SQLITE_BUSY at once, without waiting (seen as "database is locked").
 */
static int sp_begin(sqlite3 *db, const char *name, bool *outer, char *err,
		    size_t errlen)
{
	char sql[64];

	*outer = sqlite3_get_autocommit(db);
	if (*outer)
		return sqldb_exec(db, "BEGIN IMMEDIATE", name, err, errlen);
	snprintf(sql, sizeof(sql), "SAVEPOINT %s", name);
	return sqldb_exec(db, sql, name, err, errlen);
}

static int sp_end(sqlite3 *db, const char *name, bool outer, bool ok,
		  char *err, size_t errlen)
{
	char sql[96];

	if (!ok) {
		if (outer)
			snprintf(sql, sizeof(sql), "ROLLBACK");
		else
			snprintf(sql, sizeof(sql), "ROLLBACK TO %s; RELEASE %s",
				 name, name);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
		return -1;
	}
	if (outer)
		return sqldb_exec(db, "COMMIT", name, err, errlen);
	snprintf(sql, sizeof(sql), "RELEASE %s", name);
	return sqldb_exec(db, sql, name, err, errlen);
}

int cloud_migrate(sqlite3 *db, char *err, size_t errlen)
{
	return sqldb_migrate(db, "cloud", steps, N_STEPS, err, errlen);
}

int store_check_version(sqlite3 *db, char *err, size_t errlen)
{
	int v = sqldb_version(db, "cloud", err, errlen);

	if (v < 0)
		return -1;
	if ((unsigned int)v != N_STEPS) {
		snprintf(err, errlen, "the database's cloud tables are at version %d, this program's at %zu (call cloud_migrate() first)",
			 v, N_STEPS);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The outbox                                                          */
/* ------------------------------------------------------------------ */

static int new_message_id(char out[33], char *err, size_t errlen)
{
	uint8_t b[16];
	int i;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* Check @body for @kind and insert it; the caller made the savepoint. */
static int64_t insert(sqlite3 *db, enum cloud_kind kind, json_object *body,
		      int64_t target, char *err, size_t errlen)
{
	char id[33], why[512];
	sqlite3_stmt *st;

	if (cj_validate(body, cloud_kind_schema(kind), why, sizeof(why))) {
		snprintf(err, errlen, "%s message: %s", cloud_kind_name(kind), why);
		return -1;
	}
	if (new_message_id(id, err, errlen))
		return -1;
	/* One statement: the count and the insert cannot be split. */
	st = prep(db, "INSERT INTO cloud_outbox (kind, role, message_id, target,"
		  " body, created_ms) SELECT ?1, ?2, ?3, ?4, ?5, ?6"
		  " WHERE (SELECT count(*) FROM cloud_outbox WHERE state = 'pending') < ?7",
		  err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, cloud_kind_name(kind));
	bind_text(st, 2, cloud_role_name(cloud_kind_role(kind)));
	bind_text(st, 3, id);
	if (target > 0)
		sqlite3_bind_int64(st, 4, target);
	bind_text(st, 5, cj_text(body));
	sqlite3_bind_int64(st, 6, (sqlite3_int64)cloud_now_ms());
	sqlite3_bind_int(st, 7, CLOUD_OUTBOX_MAX);
	if (done(db, st, "outbox", err, errlen))
		return -1;
	if (!sqlite3_changes(db)) {
		snprintf(err, errlen, "the outbox is full: %d messages wait for the cloud",
			 CLOUD_OUTBOX_MAX);
		return -1;
	}
	return sqlite3_last_insert_rowid(db);
}

int64_t cloud_enqueue(sqlite3 *db, enum cloud_kind kind, const char *json_body,
		      char *err, size_t errlen)
{
	json_object *body;
	char why[512];
	int64_t id;

	if ((unsigned int)kind >= CLOUD_KIND_COUNT || kind == CLOUD_KIND_DIAG_RESULT) {
		snprintf(err, errlen, "cloud_enqueue: kind %d is not one the daemon queues",
			 (int)kind);
		return -1;
	}
	body = cj_parse(json_body, strlen(json_body), why, sizeof(why));
	if (!body) {
		snprintf(err, errlen, "%s message: %s", cloud_kind_name(kind), why);
		return -1;
	}
	id = insert(db, kind, body, 0, err, errlen);
	json_object_put(body);
	return id;
}

int store_head(sqlite3 *db, enum cloud_role role, struct outbox_msg *m,
	       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	memset(m, 0, sizeof(*m));
	st = prep(db, "SELECT id, kind, message_id, target, body, attempts"
		  " FROM cloud_outbox WHERE role = ?1 AND state = 'pending'"
		  " ORDER BY id LIMIT 1", err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, cloud_role_name(role));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->id = sqlite3_column_int64(st, 0);
		m->kind = (enum cloud_kind)cloud_kind_parse(
			(const char *)sqlite3_column_text(st, 1));
		snprintf(m->message_id, sizeof(m->message_id), "%s",
			 (const char *)sqlite3_column_text(st, 2));
		m->target = sqlite3_column_int64(st, 3);
		m->body = strdup((const char *)sqlite3_column_text(st, 4));
		m->attempts = (unsigned int)sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return dberr(db, "outbox", err, errlen);
	if (!m->body || (int)m->kind < 0) {
		free(m->body);
		m->body = NULL;
		snprintf(err, errlen, "outbox: message %lld unreadable",
			 (long long)m->id);
		return -1;
	}
	return 1;
}

void store_msg_free(struct outbox_msg *m)
{
	free(m->body);
	m->body = NULL;
}

int store_attempt_failed(sqlite3 *db, int64_t id, uint64_t next_ms,
			 const char *error, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	st = prep(db, "UPDATE cloud_outbox SET attempts = attempts + 1,"
		  " next_attempt_ms = ?2, last_error = ?3 WHERE id = ?1", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)next_ms);
	bind_text(st, 3, error);
	return done(db, st, "outbox", err, errlen);
}

int store_rejected(sqlite3 *db, int64_t id, long http_status,
		   const char *error, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	st = prep(db, "UPDATE cloud_outbox SET state = 'rejected',"
		  " attempts = attempts + 1, http_status = ?2, last_error = ?3,"
		  " delivered_ms = ?4 WHERE id = ?1", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, http_status);
	bind_text(st, 3, error);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)cloud_now_ms());
	return done(db, st, "outbox", err, errlen);
}

static int meta_get(sqlite3 *db, const char *key, int64_t dflt, int64_t *v,
		    char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(db, "SELECT value FROM cloud_meta WHERE key = ?1",
				err, errlen);
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : dflt;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(db, "cloud_meta", err, errlen);
	return 0;
}

static int meta_set(sqlite3 *db, const char *key, int64_t v, char *err,
		    size_t errlen)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO cloud_meta (key, value) VALUES"
				" (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
				err, errlen);

	if (!st)
		return -1;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, v);
	return done(db, st, "cloud_meta", err, errlen);
}

/* The verdict answering message @outbox_id. */
static int store_verdict(sqlite3 *db, int64_t outbox_id, json_object *v,
			 char *err, size_t errlen)
{
	sqlite3_stmt *st;

	st = prep(db, "INSERT INTO cloud_verdict (id, report_id, outbox_id, verdict,"
		  " score, recommendations, received_ms) VALUES (1, ?1, ?2, ?3, ?4,"
		  " ?5, ?6) ON CONFLICT (id) DO UPDATE SET report_id = ?1,"
		  " outbox_id = ?2, verdict = ?3, score = ?4, recommendations = ?5,"
		  " received_ms = ?6", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cj_int(v, "id", 0));
	sqlite3_bind_int64(st, 2, outbox_id);
	bind_text(st, 3, cj_str(v, "verdict"));
	sqlite3_bind_int64(st, 4, cj_int(v, "score", 0));
	bind_text(st, 5, cj_text(cj_get(v, "recommendations")));
	sqlite3_bind_int64(st, 6, (sqlite3_int64)cloud_now_ms());
	return done(db, st, "cloud_verdict", err, errlen);
}

/* What the server answered, checked before anything of it is kept. */
static const struct cj_schema *answer_schema(enum cloud_kind kind)
{
	switch (kind) {
	case CLOUD_KIND_REGISTER:
		return &cloud_schema_snapshot;
	case CLOUD_KIND_QUALITY:
		return &cloud_schema_verdict;
	case CLOUD_KIND_BACKUP:
	case CLOUD_KIND_FAILURE:
		return &cloud_schema_created;
	default:
		return NULL;
	}
}

int store_delivered(sqlite3 *db, const struct outbox_msg *m, long http_status,
		    json_object *answer, const char *bad, unsigned int *events,
		    char *note, size_t notelen, char *err, size_t errlen)
{
	const struct cj_schema *s = answer_schema(m->kind);
	unsigned int ev = 0;
	char why[512];
	sqlite3_stmt *st;
	bool use = true;
	int rc = -1;

	note[0] = '\0';
	if (s && (!answer || cj_validate(answer, s, why, sizeof(why)))) {
		/* Delivered all the same: the server has it. */
		snprintf(note, notelen, "the answer to %s message %lld is not valid: %s",
			 cloud_kind_name(m->kind), (long long)m->id,
			 answer ? why : bad);
		use = false;
	}
	if (sqldb_exec(db, "BEGIN IMMEDIATE", "outbox", err, errlen))
		return -1;
	if (use && m->kind == CLOUD_KIND_REGISTER &&
	    store_snapshot(db, answer, &ev, err, errlen))
		goto out;
	if (use && m->kind == CLOUD_KIND_QUALITY) {
		if (store_verdict(db, m->id, answer, err, errlen))
			goto out;
		ev |= CLOUD_EV_VERDICT;
	}
	if (m->kind == CLOUD_KIND_DIAG_RESULT) {
		st = prep(db, "UPDATE cloud_diag SET reported_ms = ?2 WHERE id = ?1",
			  err, errlen);
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, m->target);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)cloud_now_ms());
		if (done(db, st, "cloud_diag", err, errlen))
			goto out;
	}
	st = prep(db, "UPDATE cloud_outbox SET state = 'delivered', attempts ="
		  " attempts + 1, http_status = ?2, remote_id = ?3, delivered_ms = ?4,"
		  " last_error = ?5 WHERE id = ?1", err, errlen);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, m->id);
	sqlite3_bind_int64(st, 2, http_status);
	if (use && cj_get(answer, "id"))
		sqlite3_bind_int64(st, 3, cj_int(answer, "id", 0));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)cloud_now_ms());
	bind_text(st, 5, note);
	if (done(db, st, "outbox", err, errlen))
		goto out;
	rc = sqldb_exec(db, "COMMIT", "outbox", err, errlen);
out:
	if (rc) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	*events |= ev;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Configuration from the service server                               */
/* ------------------------------------------------------------------ */

/*
 * The two tables of configurations, alike: cloud_override by MAC,
 * cloud_template by device type.
 */
struct cfg_table {
	const char *name, *key;
};

static const struct cfg_table t_override = { "cloud_override", "mac" };
static const struct cfg_table t_template = { "cloud_template", "device_type" };

/* Upsert one configuration if it differs (generation @gen); 1 if it changed. */
static int put_config(sqlite3 *db, const struct cfg_table *t, const char *key,
		      const char *config, int64_t updated, int64_t gen,
		      char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, config, updated_ms,"
		 " received_ms, generation) VALUES (?1, ?2, ?3, ?4, ?5)"
		 " ON CONFLICT (%s) DO UPDATE SET config = ?2, updated_ms = ?3,"
		 " received_ms = ?4, generation = ?5 WHERE config IS NOT ?2",
		 t->name, t->key, t->key);
	st = prep(db, sql, err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, key);
	bind_text(st, 2, config);
	if (updated >= 0)
		sqlite3_bind_int64(st, 3, updated);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)cloud_now_ms());
	sqlite3_bind_int64(st, 5, gen);
	if (done(db, st, t->name, err, errlen))
		return -1;
	return sqlite3_changes(db) > 0;
}

/*
 * Those of @t not in @keys (a JSON array) are gone from the server:
 * deleted, until the daemon applies that. 1 if any was.
 */
static int gone_configs(sqlite3 *db, const struct cfg_table *t,
			json_object *keys, int64_t gen, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char sql[256];

	snprintf(sql, sizeof(sql), "UPDATE %s SET config = NULL, generation = ?2,"
		 " received_ms = ?3 WHERE config IS NOT NULL AND %s NOT IN"
		 " (SELECT value FROM json_each(?1))", t->name, t->key);
	st = prep(db, sql, err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, cj_text(keys));
	sqlite3_bind_int64(st, 2, gen);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)cloud_now_ms());
	if (done(db, st, t->name, err, errlen))
		return -1;
	return sqlite3_changes(db) > 0;
}

int store_snapshot(sqlite3 *db, json_object *snap, unsigned int *events,
		   char *err, size_t errlen)
{
	json_object *ov = cj_get(snap, "overrides"), *tp = cj_get(snap, "templates");
	json_object *keys = json_object_new_array();
	int64_t rev = cj_int(snap, "revision", 0), have, gen;
	size_t i;
	int changed = 0, rc = -1, c;

	/* A replayed (older) answer must not undo a newer one. */
	if (meta_get(db, "revision", -1, &have, err, errlen) ||
	    meta_get(db, "generation", 0, &gen, err, errlen))
		goto out;
	if (rev < have) {
		rc = 0;
		goto out;
	}
	gen++;
	for (i = 0; i < json_object_array_length(ov); i++) {
		json_object *o = json_object_array_get_idx(ov, i);
		char mac[CJ_MAC_LEN];

		cj_mac_canon(mac, cj_str(o, "mac"));
		json_object_array_add(keys, json_object_new_string(mac));
		c = put_config(db, &t_override, mac, cj_text(cj_get(o, "config")),
			       cj_int(o, "updated_at_ms", -1), gen, err, errlen);
		if (c < 0)
			goto out;
		changed |= c;
	}
	c = gone_configs(db, &t_override, keys, gen, err, errlen);
	if (c < 0)
		goto out;
	changed |= c;

	json_object_put(keys);
	keys = json_object_new_array();
	for (i = 0; i < json_object_array_length(tp); i++) {
		json_object *t = json_object_array_get_idx(tp, i);

		json_object_array_add(keys, json_object_new_string(cj_str(t, "device_type")));
		c = put_config(db, &t_template, cj_str(t, "device_type"),
			       cj_text(cj_get(t, "config")),
			       cj_int(t, "updated_at_ms", -1), gen, err, errlen);
		if (c < 0)
			goto out;
		changed |= c;
	}
	c = gone_configs(db, &t_template, keys, gen, err, errlen);
	if (c < 0)
		goto out;
	changed |= c;
	if (meta_set(db, "revision", rev, err, errlen) ||
	    (changed && meta_set(db, "generation", gen, err, errlen)))
		goto out;
	if (changed)
		*events |= CLOUD_EV_OVERRIDE;
	rc = 0;
out:
	json_object_put(keys);
	return rc;
}

/* The next configuration of @t not applied: its key into @key, 1, 0, -1. */
static int config_next(sqlite3 *db, const struct cfg_table *t, char *key,
		       size_t keylen, char **config, int64_t *generation,
		       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	*config = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s, config, generation FROM %s"
		 " WHERE generation > applied_generation ORDER BY %s LIMIT 1",
		 t->key, t->name, t->key);
	st = prep(db, sql, err, errlen);
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(key, keylen, "%s", sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			*config = strdup((const char *)sqlite3_column_text(st, 1));
			if (!*config)
				rc = SQLITE_NOMEM;
		}
		*generation = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s: %s", t->name, sqlite3_errstr(rc));
		return -1;
	}
	return 1;
}

static int config_applied(sqlite3 *db, const struct cfg_table *t,
			  const char *key, int64_t generation, char *err,
			  size_t errlen)
{
	sqlite3_stmt *st;
	char sql[256];

	/* A removal applied: the row goes. A newer change stays to apply. */
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?1 AND config IS NULL"
		 " AND generation = ?2", t->name, t->key);
	st = prep(db, sql, err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, generation);
	if (done(db, st, t->name, err, errlen))
		return -1;
	snprintf(sql, sizeof(sql), "UPDATE %s SET applied_generation = ?2"
		 " WHERE %s = ?1 AND applied_generation < ?2", t->name, t->key);
	st = prep(db, sql, err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, generation);
	return done(db, st, t->name, err, errlen);
}

int cloud_override_next(sqlite3 *db, struct cloud_override *o, char *err,
			size_t errlen)
{
	memset(o, 0, sizeof(*o));
	return config_next(db, &t_override, o->mac, sizeof(o->mac), &o->config,
			   &o->generation, err, errlen);
}

int cloud_override_applied(sqlite3 *db, const char *mac, int64_t generation,
			   char *err, size_t errlen)
{
	return config_applied(db, &t_override, mac, generation, err, errlen);
}

void cloud_override_free(struct cloud_override *o)
{
	free(o->config);
	o->config = NULL;
}

int cloud_template_next(sqlite3 *db, struct cloud_template *t, char *err,
			size_t errlen)
{
	memset(t, 0, sizeof(*t));
	return config_next(db, &t_template, t->device_type, sizeof(t->device_type),
			   &t->config, &t->generation, err, errlen);
}

int cloud_template_applied(sqlite3 *db, const char *device_type,
			   int64_t generation, char *err, size_t errlen)
{
	return config_applied(db, &t_template, device_type, generation, err,
			      errlen);
}

void cloud_template_free(struct cloud_template *t)
{
	free(t->config);
	t->config = NULL;
}

static int get_config(sqlite3 *db, const char *sql, const char *key,
		      char **config, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(db, sql, err, errlen);
	int rc;

	*config = NULL;
	if (!st)
		return -1;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*config = strdup((const char *)sqlite3_column_text(st, 0));
		if (!*config)
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "cloud configuration: %s", sqlite3_errstr(rc));
		return -1;
	}
	return *config ? 1 : 0;
}

int cloud_override_get(sqlite3 *db, const char *mac, char **config,
		       char *err, size_t errlen)
{
	char canon[CJ_MAC_LEN];

	if (!cj_mac_canon(canon, mac)) {
		snprintf(err, errlen, "'%.20s' is not a MAC address", mac);
		return -1;
	}
	return get_config(db, "SELECT config FROM cloud_override WHERE mac = ?1",
			  canon, config, err, errlen);
}

int cloud_template_get(sqlite3 *db, const char *device_type, char **config,
		       char *err, size_t errlen)
{
	return get_config(db, "SELECT config FROM cloud_template WHERE device_type = ?1",
			  device_type, config, err, errlen);
}

/* ------------------------------------------------------------------ */
/* Diagnosis                                                           */
/* ------------------------------------------------------------------ */

int store_diag_fetched(sqlite3 *db, json_object *list, unsigned int *events,
		       char *err, size_t errlen)
{
	json_object *reqs = cj_get(list, "requests");
	sqlite3_stmt *st;
	size_t i;
	int added = 0;

	if (sqldb_exec(db, "BEGIN IMMEDIATE", "cloud_diag", err, errlen))
		return -1;
	for (i = 0; i < json_object_array_length(reqs); i++) {
		json_object *r = json_object_array_get_idx(reqs, i);
		char mac[CJ_MAC_LEN] = "";

		if (cj_str(r, "mac"))
			cj_mac_canon(mac, cj_str(r, "mac"));
		st = prep(db, "INSERT INTO cloud_diag (id, kind, mac, note, state,"
			  " fetched_ms) VALUES (?1, ?2, ?3, ?4, 'new', ?5)"
			  " ON CONFLICT (id) DO NOTHING", err, errlen);
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, cj_int(r, "id", 0));
		bind_text(st, 2, cj_str(r, "kind"));
		bind_text(st, 3, mac);
		bind_text(st, 4, cj_str(r, "note"));
		sqlite3_bind_int64(st, 5, (sqlite3_int64)cloud_now_ms());
		if (done(db, st, "cloud_diag", err, errlen))
			goto fail;
		added += sqlite3_changes(db);
	}
	if (sqldb_exec(db, "COMMIT", "cloud_diag", err, errlen))
		goto fail;
	if (added)
		*events |= CLOUD_EV_DIAGNOSIS;
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int cloud_diag_claim(sqlite3 *db, struct cloud_diag *d, char *err,
		     size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	memset(d, 0, sizeof(*d));
	st = prep(db, "UPDATE cloud_diag SET state = 'running', started_ms = ?1"
		  " WHERE id = (SELECT id FROM cloud_diag WHERE state = 'new'"
		  " ORDER BY id LIMIT 1) RETURNING id, kind, mac, note", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)cloud_now_ms());
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		d->id = sqlite3_column_int64(st, 0);
		snprintf(d->kind, sizeof(d->kind), "%s", sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			snprintf(d->mac, sizeof(d->mac), "%s", sqlite3_column_text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			snprintf(d->note, sizeof(d->note), "%s", sqlite3_column_text(st, 3));
		/* RETURNING rows are written when the statement ends. */
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_ROW : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return dberr(db, "cloud_diag", err, errlen);
	return 1;
}

int cloud_diag_finish(sqlite3 *db, int64_t id, enum cloud_diag_status status,
		      const char *message, const char *result_json, char *err,
		      size_t errlen)
{
	static const char *const names[] = { "ok", "failed", "unsupported" };
	json_object *body = NULL, *result = NULL;
	sqlite3_stmt *st;
	char why[512];
	bool outer;
	int64_t oid;
	int rc;

	if ((unsigned int)status > CLOUD_DIAG_UNSUPPORTED) {
		snprintf(err, errlen, "cloud_diag_finish: status %d is not one", (int)status);
		return -1;
	}
	if (result_json) {
		result = cj_parse(result_json, strlen(result_json), why, sizeof(why));
		if (!result) {
			snprintf(err, errlen, "diagnosis result: %s", why);
			return -1;
		}
	}
	body = json_object_new_object();
	json_object_object_add(body, "status", json_object_new_string(names[status]));
	json_object_object_add(body, "finished_at_ms",
			       json_object_new_int64((int64_t)cloud_now_ms()));
	if (message)
		json_object_object_add(body, "message", json_object_new_string(message));
	if (result)
		json_object_object_add(body, "result", result);
	if (sp_begin(db, "cloud_diag_finish", &outer, err, errlen)) {
		json_object_put(body);
		return -1;
	}
	st = prep(db, "SELECT state FROM cloud_diag WHERE id = ?1", err, errlen);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "running")) {
		snprintf(err, errlen, "diagnosis request %lld is %s", (long long)id,
			 rc == SQLITE_ROW ? "not running (claim it first)" : "unknown");
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	oid = insert(db, CLOUD_KIND_DIAG_RESULT, body, id, err, errlen);
	if (oid < 0)
		goto fail;
	st = prep(db, "UPDATE cloud_diag SET state = 'done', done_ms = ?2, status = ?3,"
		  " message = ?4, result = ?5, outbox_id = ?6 WHERE id = ?1", err, errlen);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)cloud_now_ms());
	bind_text(st, 3, names[status]);
	bind_text(st, 4, message);
	bind_text(st, 5, result ? cj_text(result) : NULL);
	sqlite3_bind_int64(st, 6, oid);
	if (done(db, st, "cloud_diag", err, errlen))
		goto fail;
	json_object_put(body);
	return sp_end(db, "cloud_diag_finish", outer, true, err, errlen);
fail:
	json_object_put(body);
	sp_end(db, "cloud_diag_finish", outer, false, err, errlen);
	return -1;
}

int cloud_diag_requeue(sqlite3 *db, char *err, size_t errlen)
{
	return sqldb_exec(db, "UPDATE cloud_diag SET state = 'new', started_ms = NULL"
			  " WHERE state = 'running'", "cloud_diag", err, errlen);
}

int cloud_verdict_get(sqlite3 *db, struct cloud_verdict *v, char *err,
		      size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	memset(v, 0, sizeof(*v));
	st = prep(db, "SELECT report_id, verdict, score, recommendations, received_ms"
		  " FROM cloud_verdict WHERE id = 1", err, errlen);
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v->report_id = sqlite3_column_int64(st, 0);
		snprintf(v->verdict, sizeof(v->verdict), "%s", sqlite3_column_text(st, 1));
		v->score = sqlite3_column_int(st, 2);
		v->recommendations = strdup((const char *)sqlite3_column_text(st, 3));
		v->received_ms = (uint64_t)sqlite3_column_int64(st, 4);
		if (!v->recommendations)
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "cloud_verdict: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 1;
}

int store_prune(sqlite3 *db, char *err, size_t errlen)
{
	char sql[768];

	snprintf(sql, sizeof(sql),
		 "DELETE FROM cloud_outbox WHERE state != 'pending' AND"
		 " (delivered_ms < %llu OR id NOT IN (SELECT id FROM cloud_outbox"
		 " WHERE state != 'pending' ORDER BY id DESC LIMIT %d));"
		 "DELETE FROM cloud_diag WHERE state = 'done' AND reported_ms < %llu;",
		 (unsigned long long)(cloud_now_ms() - KEEP_DAYS * 86400000ULL),
		 KEEP_DONE,
		 (unsigned long long)(cloud_now_ms() - KEEP_DAYS * 86400000ULL));
	return sqldb_exec(db, sql, "pruning the outbox", err, errlen);
}
