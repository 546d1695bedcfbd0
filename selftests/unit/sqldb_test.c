// SPDX-License-Identifier: GPL-2.0
/*
 * sqldb: databases open in WAL mode, components migrate independently and
 * only forward, a failing step leaves the previous version in force, and a
 * database newer than the program is refused.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sqldb.h"

FIXTURE(db) {
	char path[64];
	sqlite3 *db;
	char err[256];
};

void db_setup(struct __test_metadata *_metadata, FIXTURE_DATA(db) *self,
	      const FIXTURE_VARIANT(db) *variant);
void db_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(db) *self,
		 const FIXTURE_VARIANT(db) *variant);

FIXTURE_SETUP(db)
{
	int fd;

	strcpy(self->path, "/tmp/sqldb_test.XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	close(fd);
	self->db = sqldb_open(self->path, self->err, sizeof(self->err));
	ASSERT_NE(NULL, self->db) TH_LOG("%s", self->err);
}

FIXTURE_TEARDOWN(db)
{
	char p[96];

	sqldb_close(self->db);
	unlink(self->path);
	snprintf(p, sizeof(p), "%s-wal", self->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", self->path);
	unlink(p);
}

static int count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const char *const steps_a[] = {
	"CREATE TABLE a1 (x INTEGER)",
	"CREATE TABLE a2 (y TEXT); INSERT INTO a2 VALUES ('one')",
};

static const char *const steps_b[] = {
	"CREATE TABLE b1 (z INTEGER)",
};

TEST_F(db, wal_mode)
{
	sqlite3_stmt *st;

	ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(self->db, "PRAGMA journal_mode",
						-1, &st, NULL));
	ASSERT_EQ(SQLITE_ROW, sqlite3_step(st));
	EXPECT_STREQ("wal", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

TEST_F(db, migrate_components)
{
	EXPECT_EQ(0, sqldb_version(self->db, "a", self->err, sizeof(self->err)));
	ASSERT_EQ(0, sqldb_migrate(self->db, "a", steps_a, 1, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(1, sqldb_version(self->db, "a", self->err, sizeof(self->err)));
	EXPECT_EQ(-2, count(self->db, "SELECT count(*) FROM a2"));
	/* The next version runs only the missing step. */
	ASSERT_EQ(0, sqldb_migrate(self->db, "a", steps_a, 2, self->err,
				   sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, sqldb_migrate(self->db, "a", steps_a, 2, self->err,
				   sizeof(self->err)));
	EXPECT_EQ(1, count(self->db, "SELECT count(*) FROM a2"));
	/* Another component keeps its own version. */
	ASSERT_EQ(0, sqldb_migrate(self->db, "b", steps_b, 1, self->err,
				   sizeof(self->err)));
	EXPECT_EQ(2, sqldb_version(self->db, "a", self->err, sizeof(self->err)));
	EXPECT_EQ(1, sqldb_version(self->db, "b", self->err, sizeof(self->err)));
}

TEST_F(db, failing_step_rolls_back)
{
	static const char *const bad[] = {
		"CREATE TABLE c1 (x INTEGER)",
		"CREATE TABLE c2 (y INTEGER); INSERT INTO nowhere VALUES (1)",
	};

	EXPECT_EQ(-1, sqldb_migrate(self->db, "c", bad, 2, self->err,
				    sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "c schema step 2")) TH_LOG("%s", self->err);
	/* Step 1 committed; step 2's table did not survive its failure. */
	EXPECT_EQ(1, sqldb_version(self->db, "c", self->err, sizeof(self->err)));
	EXPECT_EQ(0, count(self->db, "SELECT count(*) FROM c1"));
	EXPECT_EQ(-2, count(self->db, "SELECT count(*) FROM c2"));
}

TEST_F(db, newer_database_refused)
{
	ASSERT_EQ(0, sqldb_migrate(self->db, "a", steps_a, 2, self->err,
				   sizeof(self->err)));
	EXPECT_EQ(-1, sqldb_migrate(self->db, "a", steps_a, 1, self->err,
				    sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "newer than this program")) TH_LOG("%s", self->err);
}

TEST(open_fails_clearly)
{
	char err[256] = "";

	EXPECT_EQ(NULL, sqldb_open("/nonexistent-dir/x.db", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "/nonexistent-dir/x.db")) TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
