/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SQLite databases of the i62608 programs (i62608d's configuration
 * database, the cloud client's outbox, i62608-cloudd's store): opened the
 * one way (WAL, synchronous=FULL, foreign keys, a busy timeout so that two
 * connections of one program wait for each other instead of failing), and
 * migrated per component.
 *
 * Each component (a string such as "daemon" or "cloud") owns its tables and
 * an ordered list of migration steps; table schema_version records how
 * many steps of each component a database has run. sqldb_migrate() runs the
 * missing ones, each in its own transaction with its new version, so a
 * crash between two steps leaves a database that the next start completes.
 * A database newer than the program (more steps recorded than it knows)
 * is refused rather than written to.
 */
#ifndef I62608_SQLDB_H
#define I62608_SQLDB_H

#include <stddef.h>

#include <sqlite3.h>

/*
 * Open (creating if needed) @path read-write. Returns the handle or NULL
 * with a sentence in @err.
 */
sqlite3 *sqldb_open(const char *path, char *err, size_t errlen);

/* Close @db (NULL is fine). */
void sqldb_close(sqlite3 *db);

/*
 * Bring @component's tables to version @n_steps by running steps
 * [current, n_steps) of @steps (SQL, one or more statements each).
 * Returns 0, or -1 with a sentence in @err: a step failed (rolled back),
 * or the database is newer than @n_steps.
 */
int sqldb_migrate(sqlite3 *db, const char *component,
		  const char *const *steps, unsigned int n_steps,
		  char *err, size_t errlen);

/* @component's version in @db (0: none yet), or -1 with a sentence. */
int sqldb_version(sqlite3 *db, const char *component, char *err,
		  size_t errlen);

/*
 * Run @sql (no parameters, no rows wanted). Returns 0 or -1 with
 * "@what: <sqlite's message>" in @err.
 */
int sqldb_exec(sqlite3 *db, const char *sql, const char *what, char *err,
	       size_t errlen);

#endif /* I62608_SQLDB_H */
