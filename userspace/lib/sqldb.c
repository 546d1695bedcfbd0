// SPDX-License-Identifier: GPL-2.0
/*
 * SQLite databases of the i62608 programs: one way to open them, and
 * per-component migrations (sqldb.h).
 */
#include <stdio.h>
#include <string.h>

#include "sqldb.h"

/* How long a connection waits for another's write lock. */
#define SQLDB_BUSY_MS	5000

int sqldb_exec(sqlite3 *db, const char *sql, const char *what, char *err,
	       size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", what, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

sqlite3 *sqldb_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, SQLDB_BUSY_MS);
	/*
	 * WAL lets readers (the control socket, a second connection) run
	 * beside the writer; synchronous=FULL makes every committed decision
	 * durable across a power cut, not only across a crash.
	 */
	if (sqldb_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		       " PRAGMA foreign_keys=ON;", path, err, errlen)) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

void sqldb_close(sqlite3 *db)
{
	sqlite3_close(db);
}

static int ensure_table(sqlite3 *db, char *err, size_t errlen)
{
	return sqldb_exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
			  " component TEXT PRIMARY KEY NOT NULL,"
			  " version INTEGER NOT NULL CHECK (version >= 0))",
			  "schema_version", err, errlen);
}

static int read_version(sqlite3 *db, const char *component, char *err,
			size_t errlen)
{
	sqlite3_stmt *st;
	int rc, v = 0;

	if (sqlite3_prepare_v2(db, "SELECT version FROM schema_version"
			       " WHERE component = ?1", -1, &st, NULL)) {
		snprintf(err, errlen, "schema_version: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, component, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_int(st, 0);
	} else if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "schema_version: %s", sqlite3_errmsg(db));
		v = -1;
	}
	sqlite3_finalize(st);
	return v;
}

int sqldb_version(sqlite3 *db, const char *component, char *err,
		  size_t errlen)
{
	if (ensure_table(db, err, errlen))
		return -1;
	return read_version(db, component, err, errlen);
}

static int set_version(sqlite3 *db, const char *component, int v, char *err,
		       size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO schema_version (component, version)"
			       " VALUES (?1, ?2) ON CONFLICT (component)"
			       " DO UPDATE SET version = excluded.version",
			       -1, &st, NULL)) {
		snprintf(err, errlen, "schema_version: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, component, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "schema_version: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int sqldb_migrate(sqlite3 *db, const char *component,
		  const char *const *steps, unsigned int n_steps,
		  char *err, size_t errlen)
{
	char what[96];
	int v;

	if (ensure_table(db, err, errlen))
		return -1;
	/*
	 * Read and run under one write lock (BEGIN IMMEDIATE), so that two
	 * programs starting at once cannot both run the same step.
	 */
	for (;;) {
		if (sqldb_exec(db, "BEGIN IMMEDIATE", component, err, errlen))
			return -1;
		v = read_version(db, component, err, errlen);
		if (v < 0)
			goto fail;
		if ((unsigned int)v > n_steps) {
			snprintf(err, errlen, "the database's %s schema is version %d, newer than this program's %u: refusing to use it",
				 component, v, n_steps);
			goto fail;
		}
		if ((unsigned int)v == n_steps)
			break;
		snprintf(what, sizeof(what), "%s schema step %d", component,
			 v + 1);
		if (sqldb_exec(db, steps[v], what, err, errlen) ||
		    set_version(db, component, v + 1, err, errlen) ||
		    sqldb_exec(db, "COMMIT", what, err, errlen))
			goto fail;
	}
	return sqldb_exec(db, "COMMIT", component, err, errlen);
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
