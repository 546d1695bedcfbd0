/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608d's configuration database (SQLite, opened and migrated through
 * userspace/lib/sqldb.h, component "daemon"; the schema is in db.c and
 * docs/i62608d.md). The cloud client's tables (component "cloud",
 * userspace/cloud/cloud.h) are migrated in the same file. One connection, the daemon's only writer: every
 * decision is committed here before it is acted on, so that a daemon
 * killed at any moment finds after its restart what it had decided and
 * what was still to do.
 *
 * Devices are keyed by their MAC address as lower-case text
 * ("02:11:22:33:44:55"). Times are CLOCK_REALTIME in milliseconds.
 * Functions return 0 or -errno (-EIO for a database error, whose message
 * is logged), and -ENOENT when a row asked for is not there.
 */
#ifndef I62608D_DB_H
#define I62608D_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "policy.h"

/*
 * Bounds. Devices: beyond this many, a new one makes the absent device
 * seen longest ago go (with its plan and history).
 */
#define DB_DEVICES_MAX		16384
#define DB_REPORTS_PER_DEVICE	16
#define DB_ATTEMPTS_PER_DEVICE	32
#define DB_EVENTS_MAX		10000
/* The largest blob (REPORT, items) stored: one frame. */
#define DB_BLOB_MAX		1500

struct db;

struct db *db_open(const char *path, char *err, size_t errlen);
void db_close(struct db *d);
sqlite3 *db_sqlite(struct db *d);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int db_begin(struct db *d);
int db_commit(struct db *d);
void db_rollback(struct db *d);

void db_mac_str(const uint8_t mac[6], char out[18]);
int db_mac_parse(const char *s, uint8_t mac[6]);

struct db_device {
	char mac[18];
	bool present;
	uint32_t ifindex;
	char ifname[16];
	uint8_t trust;			/* enum i62608_trust, 0 unknown */
	uint32_t epoch;
	bool has_report;
	uint32_t report_id;
	uint8_t device_type;
	uint32_t caps;
	char vendor[33], model[33], name[33];
	char addr4[24];			/* as reported, "a.b.c.d/p", or "" */
	bool pinned;
	int64_t first_seen, last_seen;
};

/*
 * Insert or update the device (every member but pinned and first_seen,
 * which an insert sets to @dev->last_seen). Returns 1 when it was not
 * known, else 0. An insert beyond DB_DEVICES_MAX removes the absent
 * device seen longest ago.
 */
int db_device_put(struct db *d, const struct db_device *dev);
int db_device_get(struct db *d, const char *mac, struct db_device *dev);
int db_device_set_present(struct db *d, const char *mac, bool present);
/* Every device absent (before a dump of the kernel's table). */
int db_devices_all_absent(struct db *d);
int db_device_set_pinned(struct db *d, const char *mac, bool pinned);
/* Remove the device and everything of it (plan, rules, history). */
int db_device_forget(struct db *d, const char *mac);
/* Call @fn for each device's MAC; stops at a non-zero return. */
int db_devices_each(struct db *d, int (*fn)(void *arg, const char *mac),
		    void *arg);

enum db_report_kind {
	DB_REPORT = 0,		/* a REPORT's TLVs */
	DB_CONFIG_REPORT,	/* a CONFIG_REPORT's items */
};

/*
 * Record what a device reported, keeping the latest
 * DB_REPORTS_PER_DEVICE. A REPORT with the epoch and id of the latest is
 * not recorded again (returns 0 without a row).
 */
int db_report_add(struct db *d, const char *mac, enum db_report_kind kind,
		  uint32_t epoch, uint32_t report_id, const uint8_t *body,
		  size_t len, int64_t now);
/*
 * The latest of @kind: its bytes into @buf (DB_BLOB_MAX), length in @len,
 * when it was received in @received (may be NULL).
 */
int db_report_latest(struct db *d, const char *mac, enum db_report_kind kind,
		     uint8_t *buf, size_t *len, int64_t *received);

struct db_desired {
	int64_t generation;
	char rule[POLICY_NAME_MAX + 1];
	bool overridden;
	char addr_mode[16];
	char address[24];		/* "a.b.c.d/p" or "" */
	size_t items_len;		/* 0: nothing to send */
	uint8_t items[DB_BLOB_MAX];
	char note[160];
	/* How the device's latest REPORT differs from it, or "". */
	char drift[96];
	int64_t decided;
};

int db_desired_get(struct db *d, const char *mac, struct db_desired *des);
int db_desired_put(struct db *d, const char *mac, const struct db_desired *des);

struct db_applied {
	int64_t generation;
	size_t items_len;
	uint8_t items[DB_BLOB_MAX];
	char outcome[16];		/* acked, nacked, timeout, ... */
	char results[256];		/* "applied,refused:invalid" */
	uint32_t request_id, tries, agent_epoch;
	int64_t finished;
};

int db_applied_get(struct db *d, const char *mac, struct db_applied *ap);
int db_applied_put(struct db *d, const char *mac, const struct db_applied *ap);

/* One configuration attempt, ended; the latest DB_ATTEMPTS_PER_DEVICE kept. */
int db_attempt_add(struct db *d, const char *mac, int64_t generation,
		   uint32_t request_id, int64_t sent, int64_t finished,
		   const char *outcome, const char *results, const char *detail);

/* The address plan: one IPv4 address (host order) per MAC. */
int db_addr_get(struct db *d, const char *mac, uint32_t *addr);
int db_addr_put(struct db *d, const char *mac, uint32_t addr, const char *pool,
		int64_t now);
int db_addr_del(struct db *d, const char *mac);
/* Every address held by another MAC than @mac, sorted; *v is malloc()ed. */
int db_addr_used(struct db *d, const char *mac, uint32_t **v, size_t *n);

/*
 * Make the device's gateway rules exactly @specs (@n canonical strings of
 * plan_gw_rule_str(), @kinds their kind names). Rules kept keep their
 * state. Returns 1 if something changed, 0 if not.
 */
int db_gw_rules_set(struct db *d, const char *mac, const char *const *kinds,
		    const char *const *specs, size_t n);

struct db_gw_rule {
	int64_t id;
	char mac[18];
	char kind[16];
	char spec[96];
	char state[16];
};

/* Every gateway rule, in id order (older rules first). */
int db_gw_rules_each(struct db *d, int (*fn)(void *arg, const struct db_gw_rule *r),
		     void *arg);
int db_gw_rule_state(struct db *d, int64_t id, const char *state,
		     const char *error);

/* Pending work: at most one configuration to apply per device. */
enum db_pending_state {
	/*
	 * To send once not_before has passed, when the device is present
	 * and authenticated. A daemon killed after sending and before
	 * recording SENT sends again after its restart: items are
	 * idempotent (protocol.md 11.4), the device answers UNCHANGED.
	 */
	DB_PENDING_QUEUED = 0,
	DB_PENDING_SENT,	/* in the kernel: request_id, kernel_epoch */
};

struct db_pending {
	char mac[18];
	enum db_pending_state state;
	int64_t generation;
	uint32_t request_id, kernel_epoch;
	int64_t sent;
	uint32_t attempts;
	int64_t not_before;
	char reason[64];
	/* SENT: the items sent (the desired ones may change meanwhile). */
	size_t items_len;
	uint8_t items[DB_BLOB_MAX];
};

int db_pending_get(struct db *d, const char *mac, struct db_pending *p);
int db_pending_put(struct db *d, const struct db_pending *p);
int db_pending_del(struct db *d, const char *mac);
/*
 * Queued work due at @now of devices present and authenticated, earliest
 * first, at most @max.
 */
int db_pending_due(struct db *d, int64_t now, unsigned int max,
		   int (*fn)(void *arg, const struct db_pending *p), void *arg);
/* Each request in state @state. */
int db_pending_each(struct db *d, enum db_pending_state state,
		    int (*fn)(void *arg, const struct db_pending *p), void *arg);
int db_pending_by_request(struct db *d, uint32_t request_id,
			  uint32_t kernel_epoch, struct db_pending *p);
int db_pending_count(struct db *d, enum db_pending_state state);
/* The earliest not_before of such work (INT64_MAX: none). */
int64_t db_pending_next(struct db *d);

/* Something that happened; the latest DB_EVENTS_MAX are kept. */
int db_event(struct db *d, int64_t now, const char *mac, const char *kind,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * The cloud: what of the device was registered at the service server
 * (its identity, as cloudlink.c writes it), NULL never (-ENOENT); all
 * cleared when the gateway registers anew.
 */
int db_registered_get(struct db *d, const char *mac, char *buf, size_t size);
int db_registered_set(struct db *d, const char *mac, const char *value);
int db_registered_clear(struct db *d);

/* The daemon's own settings (table meta): -ENOENT when not set. */
int db_meta_get(struct db *d, const char *key, char *buf, size_t size);
int db_meta_put(struct db *d, const char *key, const char *value);

#endif /* I62608D_DB_H */
