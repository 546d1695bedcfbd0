// SPDX-License-Identifier: GPL-2.0
/*
 * cloud_driver: the daemon's side of the cloud client, for the tests
 * (selftests/cloud/cloud_client.sh). It owns a database as i62608d does,
 * migrates it, enqueues messages, runs the worker until something has
 * happened, answers diagnosis requests, applies overrides and templates,
 * and prints what it saw as JSON.
 *
 *   cloud_driver DB init
 *   cloud_driver DB enqueue KIND JSON [COUNT]   "@N@" in JSON becomes 1..COUNT
 *   cloud_driver DB run [--set KEY=VALUE]... [--answer] --until COND
 *                       [--timeout SECONDS]
 *   cloud_driver DB status
 *
 * --set takes the cloud_* settings of cloud_conf_set() without "cloud_".
 * COND: delivered (nothing pending and no role down), override, diagnosis,
 * verdict, quality_due, rejected, error (a role has a last error), answered (every
 * diagnosis request answered and its result delivered).
 * Exit status 0 when COND was met, 1 at the timeout, 2 on a usage error.
 */
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cloud.h"
#include "output.h"
#include "schema.h"
#include "sqldb.h"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cloud_driver: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Replace each "@N@" of @tmpl by @n. */
static char *instantiate(const char *tmpl, int n)
{
	size_t len = strlen(tmpl) * 2 + 64, o = 0;
	char *out = malloc(len);
	const char *p;

	if (!out)
		return NULL;
	for (p = tmpl; *p && o + 24 < len; ) {
		if (!strncmp(p, "@N@", 3)) {
			o += (size_t)snprintf(out + o, len - o, "%d", n);
			p += 3;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return out;
}

static void print_status(struct out *o, struct cloud *c, sqlite3 *db)
{
	struct cloud_status st;
	char err[256];
	int r;

	if (cloud_status(c, db, &st, err, sizeof(err)))
		die("status: %s", err);
	out_obj_open(o, "status");
	out_str(o, "link", cloud_link_name(st.link));
	out_u64(o, "pending", st.pending);
	out_u64(o, "rejected", st.rejected);
	out_u64(o, "delivered", st.delivered);
	out_u64(o, "bad_answers", st.bad_answers);
	out_str(o, "last_error", st.last_error[0] ? st.last_error : NULL);
	out_arr_open(o, "roles");
	for (r = 0; r < CLOUD_ROLE_COUNT; r++) {
		const struct cloud_role_status *rs = &st.role[r];

		out_obj_open(o, NULL);
		out_str(o, "role", cloud_role_name((enum cloud_role)r));
		out_str(o, "link", cloud_link_name(rs->link));
		out_u64(o, "pending", rs->pending);
		out_u64(o, "rejected", rs->rejected);
		out_u64(o, "failures", rs->failures);
		out_u64(o, "bad_answers", rs->bad_answers);
		out_str(o, "last_error", rs->last_error[0] ? rs->last_error : NULL);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}

static bool met(const char *until, struct cloud *c, sqlite3 *db,
		unsigned int seen)
{
	struct cloud_status st;
	char err[256];
	int r;

	if (cloud_status(c, db, &st, err, sizeof(err)))
		return false;
	if (!strcmp(until, "delivered"))
		return !st.pending && st.link == CLOUD_LINK_UP;
	if (!strcmp(until, "override"))
		return seen & CLOUD_EV_OVERRIDE;
	if (!strcmp(until, "diagnosis"))
		return seen & CLOUD_EV_DIAGNOSIS;
	if (!strcmp(until, "verdict"))
		return seen & CLOUD_EV_VERDICT;
	if (!strcmp(until, "quality_due"))
		return seen & CLOUD_EV_QUALITY_DUE;
	if (!strcmp(until, "rejected"))
		return seen & CLOUD_EV_REJECTED;
	if (!strcmp(until, "error")) {
		for (r = 0; r < CLOUD_ROLE_COUNT; r++)
			if (st.role[r].last_error[0])
				return true;
		return false;
	}
	if (!strcmp(until, "answered"))
		return count(db, "SELECT count(*) FROM cloud_diag") > 0 &&
		       count(db, "SELECT count(*) FROM cloud_diag WHERE"
			     " reported_ms IS NULL") == 0;
	die("unknown --until '%s'", until);
	return false;
}

/* Run every new diagnosis request: what a daemon would answer. */
static void answer(struct cloud *c, sqlite3 *db)
{
	struct cloud_diag d;
	char err[256], result[256];
	int rc;

	while ((rc = cloud_diag_claim(db, &d, err, sizeof(err))) == 1) {
		if (!strcmp(d.kind, "reachability"))
			snprintf(result, sizeof(result),
				 "{\"mac\":\"%s\",\"reachable\":true,\"by\":\"cloud_driver\"}",
				 d.mac);
		else
			snprintf(result, sizeof(result), "{\"by\":\"cloud_driver\"}");
		if (cloud_diag_finish(db, d.id, cloud_diag_kind_known(d.kind) ?
				      CLOUD_DIAG_OK : CLOUD_DIAG_UNSUPPORTED,
				      "run by cloud_driver", result, err, sizeof(err)))
			die("diagnosis: %s", err);
		cloud_kick(c);
	}
	if (rc < 0)
		die("diagnosis: %s", err);
}

/* Apply (mark applied) the changed overrides, listing them. */
static void apply_overrides(struct out *o, sqlite3 *db)
{
	struct cloud_override ov;
	char err[256];
	int rc;

	while ((rc = cloud_override_next(db, &ov, err, sizeof(err))) == 1) {
		out_obj_open(o, NULL);
		out_str(o, "mac", ov.mac);
		out_str(o, "config", ov.config);
		out_s64(o, "generation", ov.generation);
		out_obj_close(o);
		if (cloud_override_applied(db, ov.mac, ov.generation, err, sizeof(err)))
			die("override: %s", err);
		cloud_override_free(&ov);
	}
	if (rc < 0)
		die("override: %s", err);
}

/* The same for the templates. */
static void apply_templates(struct out *o, sqlite3 *db)
{
	struct cloud_template t;
	char err[256];
	int rc;

	while ((rc = cloud_template_next(db, &t, err, sizeof(err))) == 1) {
		out_obj_open(o, NULL);
		out_str(o, "device_type", t.device_type);
		out_str(o, "config", t.config);
		out_s64(o, "generation", t.generation);
		out_obj_close(o);
		if (cloud_template_applied(db, t.device_type, t.generation, err,
					   sizeof(err)))
			die("template: %s", err);
		cloud_template_free(&t);
	}
	if (rc < 0)
		die("template: %s", err);
}

static int run(sqlite3 *db, const char *path, int argc, char **argv)
{
	struct cloud_conf conf;
	struct cloud *c;
	const char *until = NULL;
	unsigned int seen = 0, ev;
	bool answering = false, ok = false;
	double timeout = 30;
	char err[512];
	struct out *o;
	uint64_t end;
	int i;

	cloud_conf_init(&conf);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc) {
			char *kv = argv[++i], *eq = strchr(kv, '=');

			if (!eq)
				die("--set %s: KEY=VALUE", kv);
			*eq = '\0';
			if (cloud_conf_set(&conf, kv, eq + 1, err, sizeof(err)))
				die("%s", err);
		} else if (!strcmp(argv[i], "--until") && i + 1 < argc) {
			until = argv[++i];
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--answer")) {
			answering = true;
		} else {
			die("run: unexpected '%s'", argv[i]);
		}
	}
	if (!until)
		die("run: --until is required");
	c = cloud_start(&conf, path, err, sizeof(err));
	if (!c)
		die("cloud_start: %s", err);
	cloud_kick(c);
	end = mono_ms() + (uint64_t)(timeout * 1000);
	while (mono_ms() < end) {
		struct pollfd p = { .fd = cloud_event_fd(c), .events = POLLIN };

		poll(&p, 1, 50);
		ev = cloud_events(c);
		seen |= ev;
		if (answering && (ev & CLOUD_EV_DIAGNOSIS))
			answer(c, db);
		if (met(until, c, db, seen)) {
			ok = true;
			break;
		}
	}
	o = out_new(stdout, OUT_JSON, false);
	out_obj_open(o, NULL);
	out_bool(o, "met", ok);
	out_arr_open(o, "events");
	if (seen & CLOUD_EV_OVERRIDE)
		out_str(o, NULL, "override");
	if (seen & CLOUD_EV_DIAGNOSIS)
		out_str(o, NULL, "diagnosis");
	if (seen & CLOUD_EV_VERDICT)
		out_str(o, NULL, "verdict");
	if (seen & CLOUD_EV_QUALITY_DUE)
		out_str(o, NULL, "quality_due");
	if (seen & CLOUD_EV_REJECTED)
		out_str(o, NULL, "rejected");
	out_arr_close(o);
	print_status(o, c, db);
	cloud_stop(c);
	out_arr_open(o, "overrides");
	apply_overrides(o, db);
	out_arr_close(o);
	out_arr_open(o, "templates");
	apply_templates(o, db);
	out_arr_close(o);
	{
		struct cloud_verdict v;

		if (cloud_verdict_get(db, &v, err, sizeof(err)) == 1) {
			out_obj_open(o, "verdict");
			out_str(o, "verdict", v.verdict);
			out_s64(o, "score", v.score);
			out_str(o, "recommendations", v.recommendations);
			out_obj_close(o);
			free(v.recommendations);
		}
	}
	out_obj_close(o);
	out_free(o);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	char err[512];
	sqlite3 *db;
	int rc = 0;

	if (argc < 3)
		die("usage: cloud_driver DB init|enqueue|run|status ...");
	signal(SIGPIPE, SIG_IGN);
	db = sqldb_open(argv[1], err, sizeof(err));
	if (!db)
		die("%s", err);
	if (cloud_migrate(db, err, sizeof(err)))
		die("cloud_migrate: %s", err);
	if (!strcmp(argv[2], "init")) {
		if (cloud_diag_requeue(db, err, sizeof(err)))
			die("%s", err);
	} else if (!strcmp(argv[2], "enqueue") && (argc == 5 || argc == 6)) {
		int kind = cloud_kind_parse(argv[3]), i, n = argc == 6 ? atoi(argv[5]) : 1;

		if (kind < 0)
			die("unknown kind '%s'", argv[3]);
		/* One transaction, as the daemon commits a decision and its reports. */
		if (sqldb_exec(db, "BEGIN IMMEDIATE", "begin", err, sizeof(err)))
			die("%s", err);
		for (i = 1; i <= n; i++) {
			char *body = instantiate(argv[4], i);
			int64_t id;

			if (!body)
				die("out of memory");
			id = cloud_enqueue(db, (enum cloud_kind)kind, body, err, sizeof(err));
			free(body);
			if (id < 0) {
				fprintf(stderr, "cloud_driver: %s\n", err);
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
				sqldb_close(db);
				return 1;
			}
			printf("%lld\n", (long long)id);
		}
		if (sqldb_exec(db, "COMMIT", "commit", err, sizeof(err)))
			die("%s", err);
	} else if (!strcmp(argv[2], "run")) {
		rc = run(db, argv[1], argc - 3, argv + 3);
	} else if (!strcmp(argv[2], "status")) {
		struct out *o = out_new(stdout, OUT_JSON, false);

		out_obj_open(o, NULL);
		print_status(o, NULL, db);
		out_obj_close(o);
		out_free(o);
	} else {
		die("unknown command '%s'", argv[2]);
	}
	sqldb_close(db);
	return rc;
}
