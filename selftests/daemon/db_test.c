// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d's database: the schema migrates once and is found again, a
 * newer schema is refused, rows round-trip, history stays bounded, the
 * address plan holds one address per device, and a writer killed with
 * SIGKILL in the middle of its transactions leaves every committed
 * decision and no partial one.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "db.h"
#include "sqldb.h"

FIXTURE(db) {
	char path[64];
	struct db *d;
	char err[256];
};

void db_setup(struct __test_metadata *_metadata, FIXTURE_DATA(db) *self,
	      const FIXTURE_VARIANT(db) *variant);
void db_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(db) *self,
		 const FIXTURE_VARIANT(db) *variant);

static void remove_db(const char *path)
{
	char p[96];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

FIXTURE_SETUP(db)
{
	int fd;

	strcpy(self->path, "/tmp/db_test.XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	close(fd);
	self->d = db_open(self->path, self->err, sizeof(self->err));
	ASSERT_NE(NULL, self->d) TH_LOG("%s", self->err);
}

FIXTURE_TEARDOWN(db)
{
	db_close(self->d);
	remove_db(self->path);
}

static int count(struct db *d, const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db_sqlite(d), sql, -1, &st, NULL))
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static struct db_device dev(const char *mac, int64_t now)
{
	struct db_device v = {
		.present = true, .ifindex = 4, .trust = 3, .epoch = 0x1234,
		.has_report = true, .report_id = 7, .device_type = 2,
		.caps = 0xff, .last_seen = now,
	};

	snprintf(v.mac, sizeof(v.mac), "%s", mac);
	strcpy(v.ifname, "br-lan");
	strcpy(v.vendor, "Example");
	return v;
}

TEST_F(db, migrations)
{
	static const char *const newer[] = { "SELECT 1", "SELECT 1", "SELECT 1" };
	char err[256];

	EXPECT_EQ(2, sqldb_version(db_sqlite(self->d), "daemon", err, sizeof(err)));
	EXPECT_EQ(10, count(self->d, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			    " AND name IN ('devices', 'reports', 'desired', 'applied',"
			    " 'attempts', 'address_plan', 'gw_rules', 'pending', 'events',"
			    " 'meta')"));
	/* The cloud client's tables, in the same file. */
	EXPECT_LE(1, sqldb_version(db_sqlite(self->d), "cloud", err, sizeof(err)));
	EXPECT_EQ(1, count(self->d, "SELECT count(*) FROM sqlite_master WHERE"
			   " name = 'cloud_override'"));
	/* Opened again: nothing to run, the rows are there. */
	{
		struct db_device v = dev("02:00:00:00:00:a1", 5), got;

		ASSERT_EQ(1, db_device_put(self->d, &v));
		db_close(self->d);
		self->d = db_open(self->path, self->err, sizeof(self->err));
		ASSERT_NE(NULL, self->d) TH_LOG("%s", self->err);
		EXPECT_EQ(2, sqldb_version(db_sqlite(self->d), "daemon", err,
					   sizeof(err)));
		ASSERT_EQ(0, db_device_get(self->d, v.mac, &got));
		EXPECT_EQ(5, got.first_seen);
	}

	/* A newer program ran here: this one refuses to write to it. */
	ASSERT_EQ(0, sqldb_migrate(db_sqlite(self->d), "daemon", newer, 3, err,
				   sizeof(err)));
	db_close(self->d);
	self->d = db_open(self->path, self->err, sizeof(self->err));
	EXPECT_EQ(NULL, self->d);
	EXPECT_NE(NULL, strstr(self->err, "newer than this program's 2"))
		TH_LOG("%s", self->err);
}

/*
 * A database of the first schema, with a device, opened by this program:
 * step 2 adds the cloud registration (none yet) and the settings.
 */
TEST_F(db, migration_from_1)
{
	struct db_device v = dev("02:00:00:00:00:a1", 5), got;
	char buf[64];
	sqlite3 *raw;

	ASSERT_EQ(1, db_device_put(self->d, &v));
	db_close(self->d);
	self->d = NULL;
	/* Back to version 1: what the first release left. */
	raw = sqldb_open(self->path, self->err, sizeof(self->err));
	ASSERT_NE(NULL, raw);
	ASSERT_EQ(0, sqldb_exec(raw, "DROP TABLE meta;"
				"ALTER TABLE devices DROP COLUMN registered;"
				"UPDATE schema_version SET version = 1"
				" WHERE component = 'daemon'", "downgrade",
				self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	sqldb_close(raw);
	self->d = db_open(self->path, self->err, sizeof(self->err));
	ASSERT_NE(NULL, self->d) TH_LOG("%s", self->err);
	EXPECT_EQ(2, sqldb_version(db_sqlite(self->d), "daemon", self->err,
				   sizeof(self->err)));
	ASSERT_EQ(0, db_device_get(self->d, v.mac, &got));
	EXPECT_EQ(-ENOENT, db_registered_get(self->d, v.mac, buf, sizeof(buf)));
	EXPECT_EQ(-ENOENT, db_meta_get(self->d, "cloud_gateway", buf, sizeof(buf)));
}

/* What was registered at the service server, per device; settings. */
TEST_F(db, registrations)
{
	struct db_device a = dev("02:00:00:00:00:a1", 5), b = dev("02:00:00:00:00:a2", 5);
	char buf[64];

	ASSERT_EQ(1, db_device_put(self->d, &a));
	ASSERT_EQ(1, db_device_put(self->d, &b));
	EXPECT_EQ(-ENOENT, db_registered_get(self->d, a.mac, buf, sizeof(buf)));
	EXPECT_EQ(0, db_registered_set(self->d, a.mac, "{\"type\":\"stb\"}"));
	EXPECT_EQ(0, db_registered_set(self->d, b.mac, "x"));
	ASSERT_EQ(0, db_registered_get(self->d, a.mac, buf, sizeof(buf)));
	EXPECT_STREQ("{\"type\":\"stb\"}", buf);
	/* An update of the device keeps it. */
	a.last_seen = 9;
	EXPECT_EQ(0, db_device_put(self->d, &a));
	ASSERT_EQ(0, db_registered_get(self->d, a.mac, buf, sizeof(buf)));
	/* Another gateway registration: every device again. */
	EXPECT_EQ(0, db_registered_clear(self->d));
	EXPECT_EQ(-ENOENT, db_registered_get(self->d, a.mac, buf, sizeof(buf)));
	EXPECT_EQ(-ENOENT, db_registered_get(self->d, b.mac, buf, sizeof(buf)));
	EXPECT_EQ(-ENOENT, db_registered_get(self->d, "02:00:00:00:00:ff", buf,
					     sizeof(buf)));

	EXPECT_EQ(-ENOENT, db_meta_get(self->d, "k", buf, sizeof(buf)));
	EXPECT_EQ(0, db_meta_put(self->d, "k", "one"));
	EXPECT_EQ(0, db_meta_put(self->d, "k", "two"));
	ASSERT_EQ(0, db_meta_get(self->d, "k", buf, sizeof(buf)));
	EXPECT_STREQ("two", buf);
}

TEST_F(db, devices_roundtrip)
{
	struct db_device v = dev("02:00:00:00:00:a1", 1000), got;

	EXPECT_EQ(1, db_device_put(self->d, &v));	/* new */
	v.last_seen = 2000;
	strcpy(v.model, "STB-100");
	EXPECT_EQ(0, db_device_put(self->d, &v));	/* known */
	ASSERT_EQ(0, db_device_get(self->d, v.mac, &got));
	EXPECT_EQ(1000, got.first_seen);
	EXPECT_EQ(2000, got.last_seen);
	EXPECT_STREQ("STB-100", got.model);
	EXPECT_EQ(0x1234u, got.epoch);
	EXPECT_TRUE(got.has_report);
	EXPECT_FALSE(got.pinned);

	ASSERT_EQ(0, db_device_set_pinned(self->d, v.mac, true));
	ASSERT_EQ(0, db_device_put(self->d, &v));
	ASSERT_EQ(0, db_device_get(self->d, v.mac, &got));
	EXPECT_TRUE(got.pinned);	/* an update keeps it */

	ASSERT_EQ(0, db_devices_all_absent(self->d));
	ASSERT_EQ(0, db_device_get(self->d, v.mac, &got));
	EXPECT_FALSE(got.present);
	EXPECT_EQ(-ENOENT, db_device_get(self->d, "02:00:00:00:00:99", &got));
	EXPECT_EQ(-ENOENT, db_device_set_pinned(self->d, "02:00:00:00:00:99", true));

	/* A MAC the schema does not take. */
	snprintf(v.mac, sizeof(v.mac), "02:00");
	EXPECT_EQ(-EIO, db_device_put(self->d, &v));
}

TEST_F(db, reports_bounded)
{
	struct db_device v = dev("02:00:00:00:00:a1", 1000);
	uint8_t body[DB_BLOB_MAX + 1] = { 1, 2, 3 }, buf[DB_BLOB_MAX];
	size_t len = 0;
	int64_t when = 0;
	uint32_t i;

	ASSERT_EQ(1, db_device_put(self->d, &v));
	for (i = 0; i < 40; i++) {
		body[0] = (uint8_t)i;
		ASSERT_EQ(0, db_report_add(self->d, v.mac, DB_REPORT, 1, i, body, 3,
					   100 + i));
	}
	/* The same REPORT again (epoch, id): not a new row. */
	ASSERT_EQ(0, db_report_add(self->d, v.mac, DB_REPORT, 1, 39, body, 3, 999));
	EXPECT_EQ(DB_REPORTS_PER_DEVICE,
		  count(self->d, "SELECT count(*) FROM reports WHERE kind = 0"));
	ASSERT_EQ(0, db_report_latest(self->d, v.mac, DB_REPORT, buf, &len, &when));
	EXPECT_EQ(3, len);
	EXPECT_EQ(39, buf[0]);
	EXPECT_EQ(139, when);
	EXPECT_EQ(-ENOENT, db_report_latest(self->d, v.mac, DB_CONFIG_REPORT, buf,
					    &len, NULL));
	EXPECT_EQ(-EMSGSIZE, db_report_add(self->d, v.mac, DB_REPORT, 1, 99, body,
					   sizeof(body), 1));
	/* Reports of an unknown device are refused (foreign key). */
	EXPECT_EQ(-EIO, db_report_add(self->d, "02:00:00:00:00:99", DB_REPORT, 1,
				      1, body, 3, 1));
}

TEST_F(db, plan_rules_pending)
{
	struct db_device a = dev("02:00:00:00:00:a1", 1), b = dev("02:00:00:00:00:b2", 1);
	const char *kinds[] = { "forward", "qos" };
	const char *specs[] = { "forward tcp 80 192.168.1.100 80",
				"qos 02:00:00:00:00:a1 192.168.1.100 dscp 34 priority 5" };
	struct db_desired des = { .generation = 1 }, des2;
	struct db_pending p = {}, q;
	uint32_t addr, *used;
	size_t n;

	ASSERT_EQ(1, db_device_put(self->d, &a));
	ASSERT_EQ(1, db_device_put(self->d, &b));

	/* One address per MAC, never one address for two. */
	ASSERT_EQ(0, db_addr_put(self->d, a.mac, 0xc0a80164, "media", 1));
	EXPECT_EQ(-EIO, db_addr_put(self->d, b.mac, 0xc0a80164, "media", 1));
	ASSERT_EQ(0, db_addr_put(self->d, b.mac, 0xc0a80165, "media", 1));
	ASSERT_EQ(0, db_addr_get(self->d, a.mac, &addr));
	EXPECT_EQ(0xc0a80164u, addr);
	ASSERT_EQ(0, db_addr_used(self->d, a.mac, &used, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(0xc0a80165u, used[0]);
	free(used);

	/* Gateway rules: changed or not. */
	EXPECT_EQ(1, db_gw_rules_set(self->d, a.mac, kinds, specs, 2));
	EXPECT_EQ(0, db_gw_rules_set(self->d, a.mac, kinds, specs, 2));
	EXPECT_EQ(1, db_gw_rules_set(self->d, a.mac, kinds, specs, 1));
	EXPECT_EQ(1, count(self->d, "SELECT count(*) FROM gw_rules"));

	strcpy(des.addr_mode, "static");
	des.items_len = 3;
	memcpy(des.items, "\x00\x14\x00", 3);
	ASSERT_EQ(0, db_desired_put(self->d, a.mac, &des));
	ASSERT_EQ(0, db_desired_get(self->d, a.mac, &des2));
	EXPECT_EQ(3, des2.items_len);
	EXPECT_STREQ("static", des2.addr_mode);

	/* Work due only for devices present and authenticated. */
	strcpy(p.mac, a.mac);
	p.generation = 1;
	p.not_before = 50;
	ASSERT_EQ(0, db_pending_put(self->d, &p));
	strcpy(p.mac, b.mac);
	ASSERT_EQ(0, db_pending_put(self->d, &p));
	ASSERT_EQ(0, db_device_set_present(self->d, b.mac, false));
	EXPECT_EQ(50, db_pending_next(self->d));
	EXPECT_EQ(2, db_pending_count(self->d, DB_PENDING_QUEUED));
	EXPECT_EQ(1, count(self->d, "SELECT count(*) FROM pending p JOIN devices d"
			   " USING (mac) WHERE d.present = 1"));
	p.state = DB_PENDING_SENT;
	p.request_id = 77;
	p.kernel_epoch = 9;
	strcpy(p.mac, a.mac);
	ASSERT_EQ(0, db_pending_put(self->d, &p));
	ASSERT_EQ(0, db_pending_by_request(self->d, 77, 9, &q));
	EXPECT_STREQ(a.mac, q.mac);
	EXPECT_EQ(-ENOENT, db_pending_by_request(self->d, 77, 8, &q));
	EXPECT_EQ(INT64_MAX, db_pending_next(self->d));

	/* Forget: everything of the device goes. */
	ASSERT_EQ(0, db_device_forget(self->d, a.mac));
	EXPECT_EQ(0, count(self->d, "SELECT count(*) FROM gw_rules"));
	EXPECT_EQ(-ENOENT, db_addr_get(self->d, a.mac, &addr));
	EXPECT_EQ(-ENOENT, db_desired_get(self->d, a.mac, &des2));
	EXPECT_EQ(-ENOENT, db_pending_get(self->d, a.mac, &q));
	EXPECT_EQ(-ENOENT, db_device_forget(self->d, a.mac));
}

TEST_F(db, events_and_attempts_bounded)
{
	struct db_device a = dev("02:00:00:00:00:a1", 1);
	int i;

	ASSERT_EQ(1, db_device_put(self->d, &a));
	ASSERT_EQ(0, db_begin(self->d));
	for (i = 0; i < DB_EVENTS_MAX + 250; i++)
		ASSERT_EQ(0, db_event(self->d, i, a.mac, "test", "event %d", i));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, db_attempt_add(self->d, a.mac, 1, (uint32_t)i, 1, 2,
					    "acked", "applied", ""));
	ASSERT_EQ(0, db_commit(self->d));
	EXPECT_GE(DB_EVENTS_MAX + 100, count(self->d, "SELECT count(*) FROM events"));
	EXPECT_LE(DB_EVENTS_MAX, count(self->d, "SELECT count(*) FROM events"));
	EXPECT_EQ(DB_ATTEMPTS_PER_DEVICE, count(self->d, "SELECT count(*) FROM attempts"));
	EXPECT_EQ(99, count(self->d, "SELECT max(request_id) FROM attempts"));
}

TEST_F(db, devices_bounded)
{
	struct db_device v, got;
	char mac[18];
	int i;

	/* Full of absent devices; the one seen longest ago is 00:00. */
	ASSERT_EQ(0, db_begin(self->d));
	for (i = 0; i < DB_DEVICES_MAX; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:%02x:%02x", i >> 8, i & 255);
		v = dev(mac, 1000 + i);
		v.present = i == 0 ? true : false;
		ASSERT_EQ(1, db_device_put(self->d, &v));
	}
	ASSERT_EQ(0, db_commit(self->d));
	EXPECT_EQ(DB_DEVICES_MAX, count(self->d, "SELECT count(*) FROM devices"));
	/* One more: the oldest absent one (00:01; 00:00 is present) goes. */
	v = dev("02:00:00:01:00:00", 99999);
	ASSERT_EQ(1, db_device_put(self->d, &v));
	EXPECT_EQ(DB_DEVICES_MAX, count(self->d, "SELECT count(*) FROM devices"));
	EXPECT_EQ(0, db_device_get(self->d, "02:00:00:00:00:00", &got));
	EXPECT_EQ(-ENOENT, db_device_get(self->d, "02:00:00:00:00:01", &got));
	EXPECT_EQ(0, db_device_get(self->d, "02:00:00:00:00:02", &got));
	/* An update is no insert: nothing goes. */
	ASSERT_EQ(0, db_device_put(self->d, &v));
	EXPECT_EQ(0, db_device_get(self->d, "02:00:00:00:00:02", &got));
}

/*
 * A child commits decisions (a desired configuration and its pending
 * work, one transaction each) as fast as it can, and is killed with
 * SIGKILL in the middle; the database opened again has every committed
 * pair whole, and passes SQLite's integrity check.
 */
TEST_F(db, killed_writer_loses_nothing)
{
	int status, i, n, orphans;
	pid_t pid;
	int pfd[2];
	char c;

	db_close(self->d);
	self->d = NULL;
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct db *d = db_open(self->path, self->err, sizeof(self->err));

		close(pfd[0]);
		if (!d)
			_exit(1);
		for (i = 0;; i++) {
			char mac[18];
			struct db_device v;
			struct db_desired des = { .generation = 1 };
			struct db_pending p = { .generation = 1 };

			snprintf(mac, sizeof(mac), "02:00:00:00:%02x:%02x",
				 (i >> 8) & 255, i & 255);
			v = dev(mac, i);
			strcpy(des.addr_mode, "dhcp");
			strcpy(p.mac, mac);
			if (db_begin(d) || db_device_put(d, &v) < 0 ||
			    db_desired_put(d, mac, &des) || db_pending_put(d, &p) ||
			    db_commit(d))
				_exit(2);
			if (i == 20 && write(pfd[1], "x", 1) != 1)
				_exit(3);
		}
	}
	close(pfd[1]);
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	usleep(100 * 1000);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	close(pfd[0]);

	self->d = db_open(self->path, self->err, sizeof(self->err));
	ASSERT_NE(NULL, self->d) TH_LOG("%s", self->err);
	n = count(self->d, "SELECT count(*) FROM devices");
	EXPECT_LE(21, n);
	/* Each committed device has its decision and its work: no half. */
	orphans = count(self->d, "SELECT count(*) FROM devices d WHERE NOT EXISTS"
			" (SELECT 1 FROM desired WHERE mac = d.mac) OR NOT EXISTS"
			" (SELECT 1 FROM pending WHERE mac = d.mac)");
	EXPECT_EQ(0, orphans);
	EXPECT_EQ(n, count(self->d, "SELECT count(*) FROM pending"));
	{
		sqlite3_stmt *st;

		ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(db_sqlite(self->d),
							"PRAGMA integrity_check", -1,
							&st, NULL));
		ASSERT_EQ(SQLITE_ROW, sqlite3_step(st));
		EXPECT_STREQ("ok", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	TH_LOG("%d decisions committed before SIGKILL, all found", n);
}

TEST_HARNESS_MAIN
