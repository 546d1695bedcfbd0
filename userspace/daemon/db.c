// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d's configuration database (see db.h). The schema is the list of
 * migration steps below: a step is never edited once released, a change
 * is a new step appended.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "db.h"
#include "log.h"
#include "sqldb.h"

#define COMPONENT "daemon"

static const char *const schema_steps[] = {
	/* 1: the whole configuration information database. */
	"CREATE TABLE devices ("
	"  mac TEXT PRIMARY KEY NOT NULL CHECK (length(mac) = 17),"
	"  present INTEGER NOT NULL DEFAULT 0 CHECK (present IN (0, 1)),"
	"  ifindex INTEGER NOT NULL DEFAULT 0,"
	"  ifname TEXT NOT NULL DEFAULT '',"
	"  trust INTEGER NOT NULL DEFAULT 0,"
	"  epoch INTEGER NOT NULL DEFAULT 0,"
	"  report_id INTEGER,"
	"  device_type INTEGER,"
	"  caps INTEGER NOT NULL DEFAULT 0,"
	"  vendor TEXT NOT NULL DEFAULT '',"
	"  model TEXT NOT NULL DEFAULT '',"
	"  name TEXT NOT NULL DEFAULT '',"
	"  addr4 TEXT NOT NULL DEFAULT '',"
	"  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL);"
	/* What devices reported: REPORTs and CONFIG_REPORTs, the latest few. */
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
	"  mac TEXT NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
	"  received INTEGER NOT NULL,"
	"  epoch INTEGER NOT NULL,"
	"  report_id INTEGER NOT NULL,"
	"  body BLOB NOT NULL CHECK (length(body) <= 1500));"
	"CREATE INDEX reports_by_mac ON reports (mac, kind, id);"
	/* The configuration decided for each device. */
	"CREATE TABLE desired ("
	"  mac TEXT PRIMARY KEY NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,"
	"  generation INTEGER NOT NULL CHECK (generation > 0),"
	"  rule TEXT NOT NULL DEFAULT '',"
	"  overridden INTEGER NOT NULL DEFAULT 0,"
	"  addr_mode TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  items BLOB CHECK (items IS NULL OR length(items) <= 1500),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  drift TEXT NOT NULL DEFAULT '',"
	"  decided INTEGER NOT NULL);"
	/* The last configuration that ended, and how. */
	"CREATE TABLE applied ("
	"  mac TEXT PRIMARY KEY NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,"
	"  generation INTEGER NOT NULL,"
	"  items BLOB NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  results TEXT NOT NULL DEFAULT '',"
	"  request_id INTEGER NOT NULL DEFAULT 0,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  agent_epoch INTEGER NOT NULL DEFAULT 0,"
	"  finished INTEGER NOT NULL);"
	"CREATE TABLE attempts ("
	"  id INTEGER PRIMARY KEY,"
	"  mac TEXT NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,"
	"  generation INTEGER NOT NULL,"
	"  request_id INTEGER NOT NULL DEFAULT 0,"
	"  sent INTEGER NOT NULL,"
	"  finished INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  results TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX attempts_by_mac ON attempts (mac, id);"
	/* The address plan: stable per MAC. */
	"CREATE TABLE address_plan ("
	"  mac TEXT PRIMARY KEY NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,"
	"  addr INTEGER NOT NULL UNIQUE CHECK (addr > 0 AND addr < 4294967296),"
	"  pool TEXT NOT NULL DEFAULT '',"
	"  assigned INTEGER NOT NULL);"
	/* The gateway rules the daemon owns, per device. */
	"CREATE TABLE gw_rules ("
	"  id INTEGER PRIMARY KEY,"
	"  mac TEXT NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reserve', 'forward', 'qos', 'multicast')),"
	"  spec TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'desired'"
	"    CHECK (state IN ('desired', 'synced', 'failed', 'conflict')),"
	"  error TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (mac, spec));"
	/* Work decided and not done yet: one configuration per device. */
	"CREATE TABLE pending ("
	"  mac TEXT PRIMARY KEY NOT NULL REFERENCES devices (mac) ON DELETE CASCADE,"
	"  state INTEGER NOT NULL CHECK (state IN (0, 1)),"
	"  generation INTEGER NOT NULL,"
	"  request_id INTEGER NOT NULL DEFAULT 0,"
	"  kernel_epoch INTEGER NOT NULL DEFAULT 0,"
	"  sent INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  not_before INTEGER NOT NULL,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  items BLOB CHECK (items IS NULL OR length(items) <= 1500));"
	"CREATE INDEX pending_due ON pending (state, not_before);"
	/* What happened, for people and the failure information server. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  mac TEXT NOT NULL DEFAULT '',"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '');",
	/*
	 * 2: the cloud. What of each device the service server was sent
	 * (its registration, to send it again when it changes), and the
	 * daemon's own settings (the gateway's registration).
	 */
	"ALTER TABLE devices ADD COLUMN registered TEXT;"
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL);",
};

enum stmt {
	S_DEV_GET,
	S_DEV_INSERT,
	S_DEV_UPDATE,
	S_DEV_PRESENT,
	S_DEV_ALL_ABSENT,
	S_DEV_PINNED,
	S_DEV_DELETE,
	S_DEV_EACH,
	S_DEV_EVICT,
	S_REP_LAST,
	S_REP_INSERT,
	S_REP_TRIM,
	S_DES_GET,
	S_DES_PUT,
	S_APP_GET,
	S_APP_PUT,
	S_ATT_INSERT,
	S_ATT_TRIM,
	S_ADDR_GET,
	S_ADDR_PUT,
	S_ADDR_DEL,
	S_ADDR_USED,
	S_GW_OF,
	S_GW_INSERT,
	S_GW_DELETE,
	S_GW_EACH,
	S_GW_STATE,
	S_PEN_GET,
	S_PEN_PUT,
	S_PEN_DEL,
	S_PEN_DUE,
	S_PEN_EACH,
	S_PEN_BY_REQ,
	S_PEN_COUNT,
	S_PEN_NEXT,
	S_EV_INSERT,
	S_EV_TRIM,
	S_REG_GET,
	S_REG_SET,
	S_REG_CLEAR,
	S_META_GET,
	S_META_PUT,
	S_MAX
};

static const char *const sql[S_MAX] = {
	[S_DEV_GET] = "SELECT mac, present, ifindex, ifname, trust, epoch, report_id,"
		" device_type, caps, vendor, model, name, addr4, pinned, first_seen,"
		" last_seen FROM devices WHERE mac = ?1",
	[S_DEV_INSERT] = "INSERT INTO devices (mac, present, ifindex, ifname, trust,"
		" epoch, report_id, device_type, caps, vendor, model, name, addr4,"
		" first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, ?12, ?13, ?14, ?14) ON CONFLICT (mac) DO NOTHING",
	[S_DEV_UPDATE] = "UPDATE devices SET present = ?2, ifindex = ?3, ifname = ?4,"
		" trust = ?5, epoch = ?6, report_id = ?7, device_type = ?8, caps = ?9,"
		" vendor = ?10, model = ?11, name = ?12, addr4 = ?13, last_seen = ?14"
		" WHERE mac = ?1",
	[S_DEV_PRESENT] = "UPDATE devices SET present = ?2 WHERE mac = ?1",
	[S_DEV_ALL_ABSENT] = "UPDATE devices SET present = 0 WHERE present = 1",
	[S_DEV_PINNED] = "UPDATE devices SET pinned = ?2 WHERE mac = ?1",
	[S_DEV_DELETE] = "DELETE FROM devices WHERE mac = ?1",
	[S_DEV_EACH] = "SELECT mac FROM devices ORDER BY mac",
	[S_DEV_EVICT] = "DELETE FROM devices WHERE mac IN (SELECT mac FROM devices"
		" WHERE present = 0 ORDER BY last_seen LIMIT"
		" max(0, (SELECT count(*) FROM devices) - ?1))",
	[S_REP_LAST] = "SELECT epoch, report_id, body, received FROM reports"
		" WHERE mac = ?1 AND kind = ?2 ORDER BY id DESC LIMIT 1",
	[S_REP_INSERT] = "INSERT INTO reports (mac, kind, received, epoch, report_id,"
		" body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_REP_TRIM] = "DELETE FROM reports WHERE mac = ?1 AND kind = ?2 AND id <="
		" (SELECT id FROM reports WHERE mac = ?1 AND kind = ?2"
		"  ORDER BY id DESC LIMIT 1 OFFSET ?3)",
	[S_DES_GET] = "SELECT generation, rule, overridden, addr_mode, address, items,"
		" note, drift, decided FROM desired WHERE mac = ?1",
	[S_DES_PUT] = "INSERT INTO desired (mac, generation, rule, overridden, addr_mode,"
		" address, items, note, drift, decided)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		" ON CONFLICT (mac) DO UPDATE SET generation = excluded.generation,"
		" rule = excluded.rule, overridden = excluded.overridden,"
		" addr_mode = excluded.addr_mode, address = excluded.address,"
		" items = excluded.items, note = excluded.note, drift = excluded.drift,"
		" decided = excluded.decided",
	[S_APP_GET] = "SELECT generation, items, outcome, results, request_id, tries,"
		" agent_epoch, finished FROM applied WHERE mac = ?1",
	[S_APP_PUT] = "INSERT INTO applied (mac, generation, items, outcome, results,"
		" request_id, tries, agent_epoch, finished)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT (mac) DO UPDATE SET generation = excluded.generation,"
		" items = excluded.items, outcome = excluded.outcome,"
		" results = excluded.results, request_id = excluded.request_id,"
		" tries = excluded.tries, agent_epoch = excluded.agent_epoch,"
		" finished = excluded.finished",
	[S_ATT_INSERT] = "INSERT INTO attempts (mac, generation, request_id, sent,"
		" finished, outcome, results, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_ATT_TRIM] = "DELETE FROM attempts WHERE mac = ?1 AND id <="
		" (SELECT id FROM attempts WHERE mac = ?1 ORDER BY id DESC"
		"  LIMIT 1 OFFSET ?2)",
	[S_ADDR_GET] = "SELECT addr FROM address_plan WHERE mac = ?1",
	[S_ADDR_PUT] = "INSERT INTO address_plan (mac, addr, pool, assigned)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (mac) DO UPDATE SET"
		" addr = excluded.addr, pool = excluded.pool, assigned = excluded.assigned"
		" WHERE addr != excluded.addr OR pool != excluded.pool",
	[S_ADDR_DEL] = "DELETE FROM address_plan WHERE mac = ?1",
	[S_ADDR_USED] = "SELECT addr FROM address_plan WHERE mac != ?1 ORDER BY addr",
	[S_GW_OF] = "SELECT spec FROM gw_rules WHERE mac = ?1",
	[S_GW_INSERT] = "INSERT INTO gw_rules (mac, kind, spec) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (mac, spec) DO NOTHING",
	[S_GW_DELETE] = "DELETE FROM gw_rules WHERE mac = ?1 AND spec = ?2",
	[S_GW_EACH] = "SELECT id, mac, kind, spec, state FROM gw_rules ORDER BY id",
	[S_GW_STATE] = "UPDATE gw_rules SET state = ?2, error = ?3 WHERE id = ?1",
	[S_PEN_GET] = "SELECT mac, state, generation, request_id, kernel_epoch, sent,"
		" attempts, not_before, reason, items FROM pending WHERE mac = ?1",
	[S_PEN_PUT] = "INSERT INTO pending (mac, state, generation, request_id,"
		" kernel_epoch, sent, attempts, not_before, reason, items)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (mac) DO UPDATE"
		" SET state = excluded.state, generation = excluded.generation,"
		" request_id = excluded.request_id, kernel_epoch = excluded.kernel_epoch,"
		" sent = excluded.sent, attempts = excluded.attempts,"
		" not_before = excluded.not_before, reason = excluded.reason,"
		" items = excluded.items",
	[S_PEN_DEL] = "DELETE FROM pending WHERE mac = ?1",
	[S_PEN_DUE] = "SELECT p.mac, p.state, p.generation, p.request_id, p.kernel_epoch,"
		" p.sent, p.attempts, p.not_before, p.reason, p.items"
		" FROM pending p JOIN devices d ON d.mac = p.mac"
		" WHERE p.state = 0 AND p.not_before <= ?1 AND d.present = 1"
		" AND d.trust = 3 ORDER BY p.not_before, p.mac LIMIT ?2",
	[S_PEN_EACH] = "SELECT mac, state, generation, request_id, kernel_epoch, sent,"
		" attempts, not_before, reason, items FROM pending WHERE state = ?1"
		" ORDER BY mac",
	[S_PEN_BY_REQ] = "SELECT mac, state, generation, request_id, kernel_epoch, sent,"
		" attempts, not_before, reason, items FROM pending WHERE state = 1"
		" AND request_id = ?1 AND kernel_epoch = ?2",
	[S_PEN_COUNT] = "SELECT count(*) FROM pending WHERE state = ?1",
	[S_PEN_NEXT] = "SELECT min(p.not_before) FROM pending p JOIN devices d"
		" ON d.mac = p.mac WHERE p.state = 0 AND d.present = 1 AND d.trust = 3",
	[S_EV_INSERT] = "INSERT INTO events (time, mac, kind, detail) VALUES (?1, ?2, ?3, ?4)",
	[S_EV_TRIM] = "DELETE FROM events WHERE id <= ?1",
	[S_REG_GET] = "SELECT registered FROM devices WHERE mac = ?1",
	[S_REG_SET] = "UPDATE devices SET registered = ?2 WHERE mac = ?1",
	[S_REG_CLEAR] = "UPDATE devices SET registered = NULL",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_PUT] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

struct db {
	sqlite3 *db;
	sqlite3_stmt *st[S_MAX];
};

static int db_fail(struct db *d, const char *what)
{
	log_err("database: %s: %s", what, sqlite3_errmsg(d->db));
	return -EIO;
}

/* The statement @id, prepared once, reset and with no bindings. */
static sqlite3_stmt *stmt(struct db *d, enum stmt id)
{
	sqlite3_stmt *s = d->st[id];

	if (!s) {
		if (sqlite3_prepare_v3(d->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
				       &s, NULL) != SQLITE_OK) {
			log_err("database: preparing statement %d: %s", (int)id,
				sqlite3_errmsg(d->db));
			return NULL;
		}
		d->st[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* Run @s to its end; SQLITE_DONE expected. */
static int done(struct db *d, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : db_fail(d, what);
}

static void text_col(sqlite3_stmt *s, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	snprintf(buf, size, "%s", t ? (const char *)t : "");
}

static size_t blob_col(sqlite3_stmt *s, int col, uint8_t *buf, size_t size)
{
	const void *b = sqlite3_column_blob(s, col);
	int n = sqlite3_column_bytes(s, col);

	if (!b || n <= 0)
		return 0;
	if ((size_t)n > size)
		n = (int)size;
	memcpy(buf, b, (size_t)n);
	return (size_t)n;
}

struct db *db_open(const char *path, char *err, size_t errlen)
{
	struct db *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->db = sqldb_open(path, err, errlen);
	if (!d->db) {
		free(d);
		return NULL;
	}
	/*
	 * The cloud client's tables live in this file too (component
	 * "cloud"): the overrides the daemon reads, the outbox it fills.
	 */
	if (sqldb_migrate(d->db, COMPONENT, schema_steps,
			  sizeof(schema_steps) / sizeof(schema_steps[0]), err, errlen) ||
	    cloud_migrate(d->db, err, errlen)) {
		sqldb_close(d->db);
		free(d);
		return NULL;
	}
	return d;
}

void db_close(struct db *d)
{
	unsigned int i;

	if (!d)
		return;
	for (i = 0; i < S_MAX; i++)
		sqlite3_finalize(d->st[i]);
	sqldb_close(d->db);
	free(d);
}

sqlite3 *db_sqlite(struct db *d)
{
	return d->db;
}

int db_begin(struct db *d)
{
	return sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ?
		0 : db_fail(d, "begin");
}

int db_commit(struct db *d)
{
	if (sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	db_fail(d, "commit");
	db_rollback(d);
	return -EIO;
}

void db_rollback(struct db *d)
{
	if (!sqlite3_get_autocommit(d->db))
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
}

void db_mac_str(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

int db_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int i;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		unsigned int v = 0, j;

		for (j = 0; j < 2; j++) {
			char c = s[i * 3 + j];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned int)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned int)(c - 'A' + 10);
			else
				return -EINVAL;
		}
		if (i < 5 && s[i * 3 + 2] != ':')
			return -EINVAL;
		mac[i] = (uint8_t)v;
	}
	return 0;
}

/* ------------------------------------------------------------ devices -- */

static void bind_device(sqlite3_stmt *s, const struct db_device *dev)
{
	sqlite3_bind_text(s, 1, dev->mac, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, dev->present);
	sqlite3_bind_int64(s, 3, dev->ifindex);
	sqlite3_bind_text(s, 4, dev->ifname, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, dev->trust);
	sqlite3_bind_int64(s, 6, dev->epoch);
	if (dev->has_report) {
		sqlite3_bind_int64(s, 7, dev->report_id);
		sqlite3_bind_int(s, 8, dev->device_type);
	}
	sqlite3_bind_int64(s, 9, dev->caps);
	sqlite3_bind_text(s, 10, dev->vendor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, dev->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, dev->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, dev->addr4, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 14, dev->last_seen);
}

int db_device_put(struct db *d, const struct db_device *dev)
{
	sqlite3_stmt *s = stmt(d, S_DEV_INSERT);
	int err;

	if (!s)
		return -EIO;
	bind_device(s, dev);
	err = done(d, s, "inserting a device");
	if (err)
		return err;
	if (sqlite3_changes(d->db)) {
		s = stmt(d, S_DEV_EVICT);
		if (!s)
			return -EIO;
		sqlite3_bind_int(s, 1, DB_DEVICES_MAX);
		err = done(d, s, "making room for a device");
		return err ? err : 1;
	}
	s = stmt(d, S_DEV_UPDATE);
	if (!s)
		return -EIO;
	bind_device(s, dev);
	return done(d, s, "updating a device");
}

int db_device_get(struct db *d, const char *mac, struct db_device *dev)
{
	sqlite3_stmt *s = stmt(d, S_DEV_GET);
	int rc;

	if (!s)
		return -EIO;
	memset(dev, 0, sizeof(*dev));
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return -ENOENT;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return db_fail(d, "reading a device");
	}
	text_col(s, 0, dev->mac, sizeof(dev->mac));
	dev->present = sqlite3_column_int(s, 1);
	dev->ifindex = (uint32_t)sqlite3_column_int64(s, 2);
	text_col(s, 3, dev->ifname, sizeof(dev->ifname));
	dev->trust = (uint8_t)sqlite3_column_int(s, 4);
	dev->epoch = (uint32_t)sqlite3_column_int64(s, 5);
	dev->has_report = sqlite3_column_type(s, 6) != SQLITE_NULL;
	dev->report_id = (uint32_t)sqlite3_column_int64(s, 6);
	dev->device_type = (uint8_t)sqlite3_column_int(s, 7);
	dev->caps = (uint32_t)sqlite3_column_int64(s, 8);
	text_col(s, 9, dev->vendor, sizeof(dev->vendor));
	text_col(s, 10, dev->model, sizeof(dev->model));
	text_col(s, 11, dev->name, sizeof(dev->name));
	text_col(s, 12, dev->addr4, sizeof(dev->addr4));
	dev->pinned = sqlite3_column_int(s, 13);
	dev->first_seen = sqlite3_column_int64(s, 14);
	dev->last_seen = sqlite3_column_int64(s, 15);
	sqlite3_reset(s);
	return 0;
}

static int mac_update(struct db *d, enum stmt id, const char *mac, int v,
		      const char *what)
{
	sqlite3_stmt *s = stmt(d, id);
	int err;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, v);
	err = done(d, s, what);
	if (err)
		return err;
	return sqlite3_changes(d->db) ? 0 : -ENOENT;
}

int db_device_set_present(struct db *d, const char *mac, bool present)
{
	return mac_update(d, S_DEV_PRESENT, mac, present, "marking a device");
}

int db_devices_all_absent(struct db *d)
{
	sqlite3_stmt *s = stmt(d, S_DEV_ALL_ABSENT);

	return s ? done(d, s, "marking devices absent") : -EIO;
}

int db_device_set_pinned(struct db *d, const char *mac, bool pinned)
{
	return mac_update(d, S_DEV_PINNED, mac, pinned, "pinning a device");
}

static int mac_delete(struct db *d, enum stmt id, const char *mac,
		      const char *what)
{
	sqlite3_stmt *s = stmt(d, id);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	return done(d, s, what);
}

int db_device_forget(struct db *d, const char *mac)
{
	int err;

	/* Everything else of it goes with it (ON DELETE CASCADE). */
	err = mac_delete(d, S_DEV_DELETE, mac, "forgetting a device");
	if (err)
		return err;
	return sqlite3_changes(d->db) ? 0 : -ENOENT;
}

int db_devices_each(struct db *d, int (*fn)(void *arg, const char *mac),
		    void *arg)
{
	sqlite3_stmt *s = stmt(d, S_DEV_EACH);
	char (*macs)[18] = NULL;
	size_t n = 0, cap = 0, i;
	int rc, ret = 0;

	if (!s)
		return -EIO;
	/* Collected first: @fn may write, which would disturb the cursor. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			void *v = realloc(macs, (cap ? cap * 2 : 64) * sizeof(*macs));

			if (!v) {
				sqlite3_reset(s);
				free(macs);
				return -ENOMEM;
			}
			macs = v;
			cap = cap ? cap * 2 : 64;
		}
		text_col(s, 0, macs[n++], 18);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(macs);
		return db_fail(d, "listing devices");
	}
	for (i = 0; i < n && !ret; i++)
		ret = fn(arg, macs[i]);
	free(macs);
	return ret;
}

/* ------------------------------------------------------------ reports -- */

int db_report_add(struct db *d, const char *mac, enum db_report_kind kind,
		  uint32_t epoch, uint32_t report_id, const uint8_t *body,
		  size_t len, int64_t now)
{
	sqlite3_stmt *s;
	int rc, err;

	if (len > DB_BLOB_MAX)
		return -EMSGSIZE;
	if (kind == DB_REPORT) {
		s = stmt(d, S_REP_LAST);
		if (!s)
			return -EIO;
		sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, kind);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW &&
		    (uint32_t)sqlite3_column_int64(s, 0) == epoch &&
		    (uint32_t)sqlite3_column_int64(s, 1) == report_id) {
			sqlite3_reset(s);
			return 0;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(d, "reading a report");
	}
	s = stmt(d, S_REP_INSERT);
	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, kind);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, epoch);
	sqlite3_bind_int64(s, 5, report_id);
	sqlite3_bind_blob(s, 6, len ? (const void *)body : "", (int)len, SQLITE_STATIC);
	err = done(d, s, "recording a report");
	if (err)
		return err;
	s = stmt(d, S_REP_TRIM);
	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, kind);
	sqlite3_bind_int(s, 3, DB_REPORTS_PER_DEVICE);
	return done(d, s, "trimming reports");
}

int db_report_latest(struct db *d, const char *mac, enum db_report_kind kind,
		     uint8_t *buf, size_t *len, int64_t *received)
{
	sqlite3_stmt *s = stmt(d, S_REP_LAST);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, kind);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*len = blob_col(s, 2, buf, DB_BLOB_MAX);
		if (received)
			*received = sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : db_fail(d, "reading a report");
}

/* ------------------------------------------------- desired, applied -- */

int db_desired_get(struct db *d, const char *mac, struct db_desired *des)
{
	sqlite3_stmt *s = stmt(d, S_DES_GET);
	int rc;

	if (!s)
		return -EIO;
	memset(des, 0, sizeof(*des));
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		des->generation = sqlite3_column_int64(s, 0);
		text_col(s, 1, des->rule, sizeof(des->rule));
		des->overridden = sqlite3_column_int(s, 2);
		text_col(s, 3, des->addr_mode, sizeof(des->addr_mode));
		text_col(s, 4, des->address, sizeof(des->address));
		des->items_len = blob_col(s, 5, des->items, sizeof(des->items));
		text_col(s, 6, des->note, sizeof(des->note));
		text_col(s, 7, des->drift, sizeof(des->drift));
		des->decided = sqlite3_column_int64(s, 8);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : db_fail(d, "reading a desired configuration");
}

int db_desired_put(struct db *d, const char *mac, const struct db_desired *des)
{
	sqlite3_stmt *s = stmt(d, S_DES_PUT);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, des->generation);
	sqlite3_bind_text(s, 3, des->rule, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, des->overridden);
	sqlite3_bind_text(s, 5, des->addr_mode, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, des->address, -1, SQLITE_STATIC);
	if (des->items_len)
		sqlite3_bind_blob(s, 7, des->items, (int)des->items_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, des->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, des->drift, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 10, des->decided);
	return done(d, s, "recording a desired configuration");
}

int db_applied_get(struct db *d, const char *mac, struct db_applied *ap)
{
	sqlite3_stmt *s = stmt(d, S_APP_GET);
	int rc;

	if (!s)
		return -EIO;
	memset(ap, 0, sizeof(*ap));
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ap->generation = sqlite3_column_int64(s, 0);
		ap->items_len = blob_col(s, 1, ap->items, sizeof(ap->items));
		text_col(s, 2, ap->outcome, sizeof(ap->outcome));
		text_col(s, 3, ap->results, sizeof(ap->results));
		ap->request_id = (uint32_t)sqlite3_column_int64(s, 4);
		ap->tries = (uint32_t)sqlite3_column_int64(s, 5);
		ap->agent_epoch = (uint32_t)sqlite3_column_int64(s, 6);
		ap->finished = sqlite3_column_int64(s, 7);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : db_fail(d, "reading an applied configuration");
}

int db_applied_put(struct db *d, const char *mac, const struct db_applied *ap)
{
	sqlite3_stmt *s = stmt(d, S_APP_PUT);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ap->generation);
	sqlite3_bind_blob(s, 3, ap->items_len ? (const void *)ap->items : "",
			  (int)ap->items_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, ap->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, ap->results, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, ap->request_id);
	sqlite3_bind_int64(s, 7, ap->tries);
	sqlite3_bind_int64(s, 8, ap->agent_epoch);
	sqlite3_bind_int64(s, 9, ap->finished);
	return done(d, s, "recording an applied configuration");
}

int db_attempt_add(struct db *d, const char *mac, int64_t generation,
		   uint32_t request_id, int64_t sent, int64_t finished,
		   const char *outcome, const char *results, const char *detail)
{
	sqlite3_stmt *s = stmt(d, S_ATT_INSERT);
	int err;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, generation);
	sqlite3_bind_int64(s, 3, request_id);
	sqlite3_bind_int64(s, 4, sent);
	sqlite3_bind_int64(s, 5, finished);
	sqlite3_bind_text(s, 6, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, results ? results : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, detail ? detail : "", -1, SQLITE_STATIC);
	err = done(d, s, "recording an attempt");
	if (err)
		return err;
	s = stmt(d, S_ATT_TRIM);
	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, DB_ATTEMPTS_PER_DEVICE);
	return done(d, s, "trimming attempts");
}

/* ------------------------------------------------------- address plan -- */

int db_addr_get(struct db *d, const char *mac, uint32_t *addr)
{
	sqlite3_stmt *s = stmt(d, S_ADDR_GET);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*addr = (uint32_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : db_fail(d, "reading the address plan");
}

int db_addr_put(struct db *d, const char *mac, uint32_t addr, const char *pool,
		int64_t now)
{
	sqlite3_stmt *s = stmt(d, S_ADDR_PUT);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, addr);
	sqlite3_bind_text(s, 3, pool ? pool : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	return done(d, s, "recording the address plan");
}

int db_addr_del(struct db *d, const char *mac)
{
	return mac_delete(d, S_ADDR_DEL, mac, "updating the address plan");
}

int db_addr_used(struct db *d, const char *mac, uint32_t **v, size_t *n)
{
	sqlite3_stmt *s = stmt(d, S_ADDR_USED);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			void *nv = realloc(*v, (cap ? cap * 2 : 256) * sizeof(**v));

			if (!nv) {
				sqlite3_reset(s);
				free(*v);
				*v = NULL;
				return -ENOMEM;
			}
			*v = nv;
			cap = cap ? cap * 2 : 256;
		}
		(*v)[(*n)++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(*v);
		*v = NULL;
		return db_fail(d, "reading the address plan");
	}
	return 0;
}

/* ------------------------------------------------------ gateway rules -- */

int db_gw_rules_set(struct db *d, const char *mac, const char *const *kinds,
		    const char *const *specs, size_t n)
{
	char (*have)[96] = NULL;
	size_t n_have = 0, i, j;
	sqlite3_stmt *s = stmt(d, S_GW_OF);
	int rc, changed = 0, err = 0;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		void *v = realloc(have, (n_have + 1) * sizeof(*have));

		if (!v) {
			sqlite3_reset(s);
			free(have);
			return -ENOMEM;
		}
		have = v;
		text_col(s, 0, have[n_have++], sizeof(have[0]));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(have);
		return db_fail(d, "reading gateway rules");
	}
	for (i = 0; i < n_have && !err; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(have[i], specs[j]))
				break;
		if (j < n)
			continue;
		s = stmt(d, S_GW_DELETE);
		if (!s) {
			err = -EIO;
			break;
		}
		sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, have[i], -1, SQLITE_STATIC);
		err = done(d, s, "removing a gateway rule");
		changed = 1;
	}
	for (j = 0; j < n && !err; j++) {
		s = stmt(d, S_GW_INSERT);
		if (!s) {
			err = -EIO;
			break;
		}
		sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, kinds[j], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, specs[j], -1, SQLITE_STATIC);
		err = done(d, s, "adding a gateway rule");
		if (!err && sqlite3_changes(d->db))
			changed = 1;
	}
	free(have);
	return err ? err : changed;
}

int db_gw_rules_each(struct db *d, int (*fn)(void *arg, const struct db_gw_rule *r),
		     void *arg)
{
	sqlite3_stmt *s = stmt(d, S_GW_EACH);
	struct db_gw_rule *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc, ret = 0;

	if (!s)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			void *nv = realloc(v, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!nv) {
				sqlite3_reset(s);
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		v[n].id = sqlite3_column_int64(s, 0);
		text_col(s, 1, v[n].mac, sizeof(v[n].mac));
		text_col(s, 2, v[n].kind, sizeof(v[n].kind));
		text_col(s, 3, v[n].spec, sizeof(v[n].spec));
		text_col(s, 4, v[n].state, sizeof(v[n].state));
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_fail(d, "listing gateway rules");
	}
	for (i = 0; i < n && !ret; i++)
		ret = fn(arg, &v[i]);
	free(v);
	return ret;
}

int db_gw_rule_state(struct db *d, int64_t id, const char *state,
		     const char *error)
{
	sqlite3_stmt *s = stmt(d, S_GW_STATE);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, error ? error : "", -1, SQLITE_STATIC);
	return done(d, s, "recording a gateway rule's state");
}

/* ------------------------------------------------------------ pending -- */

static void pending_row(sqlite3_stmt *s, struct db_pending *p)
{
	memset(p, 0, sizeof(*p));
	text_col(s, 0, p->mac, sizeof(p->mac));
	p->state = (enum db_pending_state)sqlite3_column_int(s, 1);
	p->generation = sqlite3_column_int64(s, 2);
	p->request_id = (uint32_t)sqlite3_column_int64(s, 3);
	p->kernel_epoch = (uint32_t)sqlite3_column_int64(s, 4);
	p->sent = sqlite3_column_int64(s, 5);
	p->attempts = (uint32_t)sqlite3_column_int64(s, 6);
	p->not_before = sqlite3_column_int64(s, 7);
	text_col(s, 8, p->reason, sizeof(p->reason));
	p->items_len = blob_col(s, 9, p->items, sizeof(p->items));
}

static int pending_one(struct db *d, sqlite3_stmt *s, struct db_pending *p)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		pending_row(s, p);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : db_fail(d, "reading pending work");
}

int db_pending_get(struct db *d, const char *mac, struct db_pending *p)
{
	sqlite3_stmt *s = stmt(d, S_PEN_GET);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	return pending_one(d, s, p);
}

int db_pending_by_request(struct db *d, uint32_t request_id,
			  uint32_t kernel_epoch, struct db_pending *p)
{
	sqlite3_stmt *s = stmt(d, S_PEN_BY_REQ);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, request_id);
	sqlite3_bind_int64(s, 2, kernel_epoch);
	return pending_one(d, s, p);
}

int db_pending_put(struct db *d, const struct db_pending *p)
{
	sqlite3_stmt *s = stmt(d, S_PEN_PUT);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, p->mac, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, p->state);
	sqlite3_bind_int64(s, 3, p->generation);
	sqlite3_bind_int64(s, 4, p->request_id);
	sqlite3_bind_int64(s, 5, p->kernel_epoch);
	sqlite3_bind_int64(s, 6, p->sent);
	sqlite3_bind_int64(s, 7, p->attempts);
	sqlite3_bind_int64(s, 8, p->not_before);
	sqlite3_bind_text(s, 9, p->reason, -1, SQLITE_STATIC);
	if (p->items_len)
		sqlite3_bind_blob(s, 10, p->items, (int)p->items_len, SQLITE_STATIC);
	return done(d, s, "recording pending work");
}

int db_pending_del(struct db *d, const char *mac)
{
	return mac_delete(d, S_PEN_DEL, mac, "removing pending work");
}

/* Rows collected, then handed out: @fn may write. */
static int pending_list(struct db *d, sqlite3_stmt *s,
			int (*fn)(void *arg, const struct db_pending *p), void *arg)
{
	struct db_pending *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc, ret = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			void *nv = realloc(v, (cap ? cap * 2 : 32) * sizeof(*v));

			if (!nv) {
				sqlite3_reset(s);
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 32;
		}
		pending_row(s, &v[n++]);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_fail(d, "listing pending work");
	}
	for (i = 0; i < n && !ret; i++)
		ret = fn(arg, &v[i]);
	free(v);
	return ret;
}

int db_pending_due(struct db *d, int64_t now, unsigned int max,
		   int (*fn)(void *arg, const struct db_pending *p), void *arg)
{
	sqlite3_stmt *s = stmt(d, S_PEN_DUE);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, max);
	return pending_list(d, s, fn, arg);
}

int db_pending_each(struct db *d, enum db_pending_state state,
		    int (*fn)(void *arg, const struct db_pending *p), void *arg)
{
	sqlite3_stmt *s = stmt(d, S_PEN_EACH);

	if (!s)
		return -EIO;
	sqlite3_bind_int(s, 1, state);
	return pending_list(d, s, fn, arg);
}

int db_pending_count(struct db *d, enum db_pending_state state)
{
	sqlite3_stmt *s = stmt(d, S_PEN_COUNT);
	int rc, n = 0;

	if (!s)
		return -EIO;
	sqlite3_bind_int(s, 1, state);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? n : db_fail(d, "counting pending work");
}

int64_t db_pending_next(struct db *d)
{
	sqlite3_stmt *s = stmt(d, S_PEN_NEXT);
	int64_t t = INT64_MAX;

	if (!s)
		return INT64_MAX;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		t = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return t;
}

/* ------------------------------------------------------------- events -- */

int db_event(struct db *d, int64_t now, const char *mac, const char *kind,
	     const char *fmt, ...)
{
	sqlite3_stmt *s = stmt(d, S_EV_INSERT);
	char detail[256];
	int64_t id;
	va_list ap;
	int err;

	if (!s)
		return -EIO;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, mac ? mac : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
	err = done(d, s, "recording an event");
	if (err)
		return err;
	/* Trimmed in steps of a hundred: one DELETE per hundred events. */
	id = sqlite3_last_insert_rowid(d->db);
	if (id % 100 || id <= DB_EVENTS_MAX)
		return 0;
	s = stmt(d, S_EV_TRIM);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id - DB_EVENTS_MAX);
	return done(d, s, "trimming events");
}

/* ------------------------------------------------------------ the cloud -- */

int db_registered_get(struct db *d, const char *mac, char *buf, size_t size)
{
	sqlite3_stmt *s = stmt(d, S_REG_GET);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		text_col(s, 0, buf, size);
		sqlite3_reset(s);
		return 0;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return -ENOENT;
	return db_fail(d, "reading a registration");
}

int db_registered_set(struct db *d, const char *mac, const char *value)
{
	sqlite3_stmt *s = stmt(d, S_REG_SET);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, mac, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return done(d, s, "recording a registration");
}

int db_registered_clear(struct db *d)
{
	sqlite3_stmt *s = stmt(d, S_REG_CLEAR);

	return s ? done(d, s, "clearing the registrations") : -EIO;
}

int db_meta_get(struct db *d, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *s = stmt(d, S_META_GET);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		text_col(s, 0, buf, size);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : db_fail(d, "reading a setting");
}

int db_meta_put(struct db *d, const char *key, const char *value)
{
	sqlite3_stmt *s = stmt(d, S_META_PUT);

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return done(d, s, "recording a setting");
}
