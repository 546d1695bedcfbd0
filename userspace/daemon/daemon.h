/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608d: the policy daemon of the home gateway (docs/i62608d.md). One
 * thread, one poll() loop over the kernel's event socket, the control
 * socket and its clients, a signalfd and a timerfd.
 */
#ifndef I62608D_DAEMON_H
#define I62608D_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "cloud.h"
#include "db.h"
#include "knl.h"
#include "policy.h"

/* Configuration requests the daemon keeps in flight at once. */
#define DAEMON_MAX_INFLIGHT	64
/* Retry of a request that timed out or could not be sent: 2 s doubling. */
#define DAEMON_RETRY_MIN_MS	2000
#define DAEMON_RETRY_MAX_MS	(5 * 60 * 1000)
/* A device that drifts again is reconfigured at most this often. */
#define DAEMON_DRIFT_HOLD_MS	30000
/* Housekeeping: the kernel still there, overrides changed, requests lost. */
#define DAEMON_TICK_MS		5000
/* A request not answered in this long is looked for in the kernel. */
#define DAEMON_STALE_MS		120000

struct ctlsrv;
struct gwsync;
struct quality;
struct i62608_report;
struct json_object;

/* The cloud client in the daemon (cloudlink.c). */
struct cloudlink {
	struct cloud *c;		/* the worker, or NULL */
	bool on;			/* the policy in force has cloud_* settings */
	struct cloud_conf conf;		/* those settings */
	struct policy_identity ident;
	char error[256];		/* why the worker does not run, or "" */
	bool kick;			/* enqueued: cloud_kick() after the commit */
	bool diag_more;			/* diagnosis requests left for the next turn */
	bool requeued;			/* those of a stopped daemon made new again */
	struct quality *quality;	/* counters of the last quality report */
	uint64_t enqueued, enqueue_errors, diagnoses, quality_reports;
};

struct daemon_stats {
	uint64_t events;		/* notifications handled */
	uint64_t events_lost;		/* times the event socket overflowed */
	uint64_t decisions;		/* desired configurations changed */
	uint64_t sent;			/* configuration requests sent */
	uint64_t send_errors;
	uint64_t results[8];		/* by enum i62608_outcome */
	uint64_t resyncs;		/* full reconciliations */
	uint64_t gw_syncs, gw_errors;
};

struct daemon {
	const char *db_path;
	const char *policy_path;
	const char *sock_path;

	struct db *db;
	struct policy *policy;
	int64_t policy_loaded;		/* when the policy in force was read */
	char policy_error[1024];	/* why the last reload was refused */
	struct knl knl;
	struct ctlsrv *ctl;
	int sigfd, timerfd;
	int64_t started;
	int64_t next_tick;		/* monotonic ms */
	struct gwsync *gw;
	bool gw_dirty;			/* rules changed since the last sync */
	char gw_backend[160];		/* what syncs the rules, for status */
	struct daemon_stats st;
	struct cloudlink cloud;
	bool resync;			/* notifications were lost */
	int64_t act_hold;		/* after a database error (monotonic) */
	bool stop;
};

/* CLOCK_REALTIME and CLOCK_MONOTONIC in milliseconds. */
int64_t now_ms(void);
int64_t mono_ms(void);

/* engine.c: decisions, and acting on them. */
void engine_agent(struct daemon *d, const struct i62608_agent_info *a);
void engine_agent_lost(struct daemon *d, const struct i62608_agent_info *a,
		       uint32_t reason);
void engine_result(struct daemon *d, const struct i62608_cfg_result *r);
void engine_cfg_report(struct daemon *d, const struct i62608_cfg_report *r);
/* The kernel's whole table against the database (start, lost events). */
int engine_reconcile(struct daemon *d);
/* Plan every device again (a new policy, changed overrides). */
void engine_replan_all(struct daemon *d, const char *why);
/* Send what is due; sync the gateway when its rules changed. */
void engine_act(struct daemon *d);
/* Periodic checks (DAEMON_TICK_MS). */
void engine_tick(struct daemon *d);
/* When engine_act() has something to do next (monotonic ms), or -1. */
int64_t engine_next(struct daemon *d);
/* Control requests that change the database. */
int engine_pin(struct daemon *d, const char *mac, bool pin, char *err,
	       size_t errlen);
int engine_forget(struct daemon *d, const char *mac, char *err, size_t errlen);

/* The overrides the cloud client changed, each decided again. */
void engine_overrides(struct daemon *d);
/*
 * Send every present device's desired configuration again (a diagnosis
 * request's config_reread). Returns how many, or -errno.
 */
int engine_resend_all(struct daemon *d);

/* Read the policy again; on error keep the one in force. */
bool daemon_reload(struct daemon *d);

/*
 * cloudlink.c: the cloud client (userspace/cloud/cloud.h) in the daemon.
 * cloudlink_apply() starts, restarts or stops its worker after the
 * policy in force (at start and after a reload) and registers the
 * gateway and the devices not registered yet.
 */
void cloudlink_apply(struct daemon *d);
void cloudlink_fini(struct daemon *d);
/* The worker's event descriptor, for poll(), or -1. */
int cloudlink_fd(const struct daemon *d);
/* It is readable: overrides, diagnosis requests, verdicts, quality due. */
void cloudlink_handle(struct daemon *d);
/* What was enqueued and committed goes now. */
void cloudlink_flush(struct daemon *d);
/* The policy in force gives @role a server. */
bool cloudlink_role(const struct daemon *d, enum cloud_role role);
/*
 * Queue @body (consumed) as a message of @kind, in the caller's
 * transaction, when its role has a server; then cloudlink_flush() after
 * the commit. A message the outbox refuses (full, or the schema) is
 * logged and counted, not an error of the transaction.
 */
void cloudlink_enqueue(struct daemon *d, enum cloud_kind kind, struct json_object *body);
/*
 * In the caller's transaction: register the device @mac of REPORT @r at
 * the service server unless what it would send is what was sent.
 */
int cloudlink_register(struct daemon *d, const char *mac,
		       const struct i62608_report *r, int64_t now);
/* Failure reports (docs/cloud-api.md), in the caller's transaction. */
void cloudlink_failure(struct daemon *d, const char *kind, const char *mac,
		       int64_t now, struct json_object *extra, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* @s cleaned for the cloud's JSON: valid UTF-8, no control character. */
struct json_object *cloudlink_str(const char *s, size_t max);
/* The answer of the control socket's cloud_status. */
int cloudlink_status(struct daemon *d, struct json_object *ans, char *err,
		     size_t errlen);

/* quality.c: the quality report (CLOUD_EV_QUALITY_DUE). */
void quality_enqueue(struct daemon *d);
void quality_free(struct quality *q);

/* diag.c: the diagnosis server's requests. */
void diag_run(struct daemon *d);

/* gwsync.c: the gateway's rules (the adapter to userspace/gateway). */
void gwsync_init(struct daemon *d);
void gwsync_run(struct daemon *d);
/* A backend failed and its retry is due. */
bool gwsync_retry_due(struct daemon *d);
void gwsync_fini(struct daemon *d);

#endif /* I62608D_DAEMON_H */
