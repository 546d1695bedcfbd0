/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cloud client of i62608d (docs/cloud-api.md, "The gateway's client").
 *
 * Its interface to the daemon is the daemon's SQLite database, so that a
 * daemon killed at any moment loses nothing:
 *
 *  - what the daemon sends (a registration, a failure, a quality report,
 *    a backup, a diagnosis result) is a row of the outbox, inserted by
 *    cloud_enqueue() on the daemon's own connection, inside the daemon's
 *    own transaction: a decision and its report commit together, or not
 *    at all;
 *  - a worker thread (cloud_start()), on its own connection, delivers the
 *    outbox over HTTPS with client certificates, in order per role, with
 *    capped exponential backoff and jitter. Each message carries its
 *    message id as Idempotency-Key, so a retry whose first answer was lost
 *    is recorded once by the server: every message arrives exactly once,
 *    however often the link or the daemon goes down;
 *  - what the servers send back (configuration overrides and templates,
 *    diagnosis requests, quality verdicts) lands in tables the daemon
 *    reads with the functions below; cloud_event_fd() becomes readable
 *    when something new is there.
 *
 * Tables (component "cloud" of sqldb.h): cloud_outbox, cloud_override,
 * cloud_template, cloud_diag, cloud_verdict, cloud_meta. They are
 * described in docs/cloud-api.md; the daemon reads them through this API.
 *
 * Threads: cloud_enqueue() and the cloud_* database functions run on the
 * caller's connection, on its thread. cloud_kick(), cloud_events() and
 * cloud_status() may be called from any thread. What the client has to
 * say goes to the program's log (cloud_set_log()), from the worker's
 * thread too.
 */
#ifndef I62608_CLOUD_H
#define I62608_CLOUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "api.h"

/* Undelivered messages the outbox holds at most: cloud_enqueue() refuses more. */
#define CLOUD_OUTBOX_MAX	10000

/* ------------------------------------------------------------------ */
/* The log                                                             */
/* ------------------------------------------------------------------ */

/*
 * A message of the client: @level a syslog(3) priority (LOG_ERR: its
 * database failed; LOG_WARNING: a server cannot be reached, refused a
 * message, gave an answer that cannot be used; LOG_INFO: a server
 * answers again; LOG_DEBUG: a message delivered, an error repeated),
 * @msg one line without prefix or newline ("service: https://...: HTTP
 * 503 unavailable: ..."). Called on the worker's thread as well as the
 * caller's: it must be thread-safe, and not call back into the client.
 */
typedef void (*cloud_log_fn)(int level, const char *msg);

/*
 * Send the client's messages to @fn from now on (set it before
 * cloud_start()). NULL, the default: standard error, "PROGRAM: cloud:
 * MSG", without the debug ones.
 */
void cloud_set_log(cloud_log_fn fn);

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

#define CLOUD_URL_MAX	256
#define CLOUD_PATH_MAX	4096

/*
 * Filled by the daemon from its configuration file, with cloud_conf_set()
 * for each "cloud_*" key (or directly), after cloud_conf_init().
 */
struct cloud_conf {
	/* The gateway id: the CN of the client certificate. */
	char gateway_id[CLOUD_GATEWAY_ID_MAX + 1];
	/* Base URL per role ("https://host:port"); "" is a role not used. */
	char url[CLOUD_ROLE_COUNT][CLOUD_URL_MAX];
	char cert[CLOUD_PATH_MAX];	/* the gateway's certificate (PEM) */
	char key[CLOUD_PATH_MAX];	/* its key (PEM) */
	char ca[CLOUD_PATH_MAX];	/* the CA of the servers' certificates */
	uint32_t quality_period_ms;	/* CLOUD_EV_QUALITY_DUE; 0: never */
	uint32_t poll_period_ms;	/* diagnosis requests, overrides; 0: never */
	uint32_t backoff_min_ms;	/* first retry delay */
	uint32_t backoff_max_ms;	/* the cap */
	uint32_t connect_timeout_ms;
	uint32_t timeout_ms;		/* a whole exchange */
	uint32_t max_response;		/* bytes of an answer */
};

/* Defaults: no role, quality 15 min, poll 30 s, backoff 1 s .. 5 min, ... */
void cloud_conf_init(struct cloud_conf *c);

/*
 * One setting as a configuration file states it; @key without the
 * "cloud_" prefix the daemon's file uses:
 *
 *   gateway_id ID
 *   service_url, quality_url, failure_url, diagnosis_url  https://HOST[:PORT]
 *   cert, key, ca                                          PATH
 *   quality_period, poll_period, backoff_min, backoff_max,
 *   connect_timeout, timeout                               DURATION (ms, s, m, h)
 *   max_response                                           BYTES
 *
 * Returns 0, or -1 with a sentence in @err (unknown key, bad value).
 */
int cloud_conf_set(struct cloud_conf *c, const char *key, const char *value,
		   char *err, size_t errlen);

/*
 * Whether @c can run: a gateway id, at least one role, the three files
 * readable. Returns 0, or -1 with a sentence in @err.
 */
int cloud_conf_check(const struct cloud_conf *c, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* The database, on the daemon's connection                            */
/* ------------------------------------------------------------------ */

/* Create or upgrade the cloud tables (sqldb_migrate, component "cloud"). */
int cloud_migrate(sqlite3 *db, char *err, size_t errlen);

/*
 * Queue a message: @json_body is the body of docs/cloud-api.md for @kind
 * (CLOUD_KIND_REGISTER, _BACKUP, _QUALITY or _FAILURE; diagnosis results
 * go through cloud_diag_finish()). The body is checked against the same
 * schema the server applies: a message the server would refuse is refused
 * here, with the reason, and never enters the outbox. The message gets a
 * new random message id.
 *
 * An INSERT on @db, in the caller's transaction if one is open (a
 * SAVEPOINT otherwise): call cloud_kick() after the COMMIT. Returns the
 * outbox id (> 0), or -1 with a sentence in @err (invalid body, outbox
 * full, database error).
 */
int64_t cloud_enqueue(sqlite3 *db, enum cloud_kind kind, const char *json_body,
		      char *err, size_t errlen);

/*
 * Configuration from the service server. An override is the `config send
 * -f` object (docs/i62608ctl.md) the operator keeps for one device; a
 * template the one for a device type. Each change of an override or a
 * template gets a new generation; the daemon applies the changed ones
 * (decides their devices again) and says so.
 */
struct cloud_override {
	char mac[18];		/* lower case */
	char *config;		/* JSON; NULL: the override was deleted */
	int64_t generation;
};

/*
 * The next override not applied yet (by MAC). Returns 1 (fill @o: free it
 * with cloud_override_free()), 0 (none), -1 (error, in @err).
 */
int cloud_override_next(sqlite3 *db, struct cloud_override *o, char *err,
			size_t errlen);
/*
 * Generation @generation of @mac's override is applied (or, deleted, its
 * removal is): it is not returned again unless it changes again.
 */
int cloud_override_applied(sqlite3 *db, const char *mac, int64_t generation,
			   char *err, size_t errlen);
void cloud_override_free(struct cloud_override *o);

/* The same for templates, by device type. */
struct cloud_template {
	char device_type[33];	/* "stb", ..., or a number "0" to "255" */
	char *config;		/* JSON; NULL: the template was deleted */
	int64_t generation;
};

int cloud_template_next(sqlite3 *db, struct cloud_template *t, char *err,
			size_t errlen);
int cloud_template_applied(sqlite3 *db, const char *device_type,
			   int64_t generation, char *err, size_t errlen);
void cloud_template_free(struct cloud_template *t);

/*
 * The configuration JSON for @mac's override or @device_type's template,
 * as a string to free(). Returns 1, 0 (none), -1 (error).
 */
int cloud_override_get(sqlite3 *db, const char *mac, char **config,
		       char *err, size_t errlen);
int cloud_template_get(sqlite3 *db, const char *device_type, char **config,
		       char *err, size_t errlen);

/* A diagnosis request fetched from the diagnosis server. */
struct cloud_diag {
	int64_t id;		/* the server's */
	char kind[33];		/* reachability, last_report, config_reread, or newer */
	char mac[18];		/* "" for a request about the gateway */
	char note[257];
};

/*
 * Claim the oldest new request: it becomes running. Returns 1, 0 (none),
 * -1 (error).
 */
int cloud_diag_claim(sqlite3 *db, struct cloud_diag *d, char *err,
		     size_t errlen);

enum cloud_diag_status {
	CLOUD_DIAG_OK,
	CLOUD_DIAG_FAILED,
	CLOUD_DIAG_UNSUPPORTED,	/* a kind this daemon does not run */
};

/*
 * Request @id has run: it becomes done and its result (@result_json, an
 * object, or NULL; @message, or NULL) is queued for the server, in one
 * transaction (a SAVEPOINT within the caller's if one is open). Call
 * cloud_kick() after the COMMIT. Returns 0 or -1.
 */
int cloud_diag_finish(sqlite3 *db, int64_t id, enum cloud_diag_status status,
		      const char *message, const char *result_json, char *err,
		      size_t errlen);

/* Requests left running by a daemon that stopped: new again. At start. */
int cloud_diag_requeue(sqlite3 *db, char *err, size_t errlen);

/* The last quality verdict. */
struct cloud_verdict {
	int64_t report_id;	/* the server's id of the report */
	char verdict[16];	/* good, degraded, poor */
	int score;		/* 0 to 100 */
	char *recommendations;	/* JSON array (free it) */
	uint64_t received_ms;
};

/* Returns 1 (fill @v; free v->recommendations), 0 (none yet), -1. */
int cloud_verdict_get(sqlite3 *db, struct cloud_verdict *v, char *err,
		      size_t errlen);

/* ------------------------------------------------------------------ */
/* The worker                                                          */
/* ------------------------------------------------------------------ */

struct cloud;

/*
 * Start the worker on the database at @db_path (its own connection; the
 * tables must exist: cloud_migrate()). Returns it, or NULL with a
 * sentence in @err.
 */
struct cloud *cloud_start(const struct cloud_conf *conf, const char *db_path,
			  char *err, size_t errlen);

/* Stop and join the worker (an exchange under way is cut short); NULL is fine. */
void cloud_stop(struct cloud *c);

/* Something was enqueued (and committed): deliver it now. */
void cloud_kick(struct cloud *c);

/* Readable (poll, epoll) while events are pending: read them with cloud_events(). */
int cloud_event_fd(const struct cloud *c);

#define CLOUD_EV_OVERRIDE	0x01	/* an override or template changed */
#define CLOUD_EV_DIAGNOSIS	0x02	/* new diagnosis requests */
#define CLOUD_EV_VERDICT	0x04	/* a new quality verdict */
#define CLOUD_EV_QUALITY_DUE	0x08	/* time to enqueue a quality report */
#define CLOUD_EV_REJECTED	0x10	/* a server refused a message for good */

/* The events since the last call (CLOUD_EV_*), and clear them. */
unsigned int cloud_events(struct cloud *c);

enum cloud_link {
	CLOUD_LINK_NEVER,	/* no exchange yet */
	CLOUD_LINK_UP,		/* the last exchange got an answer */
	CLOUD_LINK_DOWN,	/* the last exchange failed (transport, TLS, 5xx) */
	CLOUD_LINK_OFF,		/* the role has no server */
};

const char *cloud_link_name(enum cloud_link l);

struct cloud_role_status {
	enum cloud_link link;
	uint64_t pending;	/* outbox messages waiting */
	uint64_t rejected;	/* outbox messages refused for good */
	uint64_t last_ok_ms;	/* CLOCK_REALTIME ms; 0: never */
	uint64_t last_error_ms;
	uint64_t next_attempt_ms;	/* the next delivery try while backing off */
	unsigned int failures;		/* consecutive failed exchanges */
	/* Answers whose body was not the API's JSON (malformed, a key
	 * twice, not of its schema): not used, since the worker started. */
	uint64_t bad_answers;
	char last_error[256];
};

struct cloud_status {
	enum cloud_link link;	/* down if a role is down, else up if one is up */
	uint64_t pending;	/* the outbox length: undelivered messages */
	uint64_t rejected;
	uint64_t delivered;	/* kept for the record (7 days, 1000 at most) */
	uint64_t bad_answers;	/* of every role */
	uint64_t last_error_ms;	/* the latest error of any role */
	char last_error[256];
	struct cloud_role_status role[CLOUD_ROLE_COUNT];
};

/*
 * The state of the link (from @c: NULL for a daemon without cloud) and
 * of the outbox (counted on @db, the caller's connection). Returns 0 or -1.
 */
int cloud_status(struct cloud *c, sqlite3 *db, struct cloud_status *st,
		 char *err, size_t errlen);

#endif /* I62608_CLOUD_H */
