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

/* Read the policy again; on error keep the one in force. */
bool daemon_reload(struct daemon *d);

/* gwsync.c: the gateway's rules (the adapter to userspace/gateway). */
void gwsync_init(struct daemon *d);
void gwsync_run(struct daemon *d);
/* A backend failed and its retry is due. */
bool gwsync_retry_due(struct daemon *d);
void gwsync_fini(struct daemon *d);

#endif /* I62608D_DAEMON_H */
