/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the C selftests (kselftest_harness.h): shell commands inside
 * the test's own network namespace, raw requests to the i62608 family, and
 * waiting for notifications.
 */
#ifndef I62608_TESTLIB_H
#define I62608_TESTLIB_H

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "nl.h"

/* Run a shell command; returns its exit status (or -1). Output discarded. */
static inline int __attribute__((format(printf, 1, 2))) sh(const char *fmt, ...)
{
	char cmd[1024], full[1100];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "(%s) >/dev/null 2>&1", cmd);
	rc = system(full);
	return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

/* Move the calling process into a fresh network namespace with lo up. */
static inline int new_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	return sh("ip link set lo up");
}

static inline uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A request with attributes added by the caller, sent as is. */
static inline int nl_req(struct i62608_nl *nl, struct nl_msg *msg)
{
	return i62608_nl_transact(nl, msg, NULL, NULL);
}

static inline struct nl_msg *msg_ifname(struct i62608_nl *nl, uint8_t cmd,
					const char *name)
{
	struct nl_msg *msg = i62608_nl_msg(nl, cmd, 0);

	nla_put_string(msg, I62608_A_IFNAME, name);
	return msg;
}

static inline struct nl_msg *msg_ifindex(struct i62608_nl *nl, uint8_t cmd,
					 uint32_t ifindex)
{
	struct nl_msg *msg = i62608_nl_msg(nl, cmd, 0);

	nla_put_u32(msg, I62608_A_IFINDEX, ifindex);
	return msg;
}

/* One notification, decoded enough for the tests. */
struct event {
	uint8_t cmd;
	uint32_t reason;
	struct i62608_iface_info iface;
	bool has_iface;
};

struct event_wait {
	uint8_t want_cmd;
	struct event ev;
	bool found;
};

static inline int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct event_wait *w = arg;
	struct event ev = { .cmd = i62608_nl_cmd(msg) };

	if (w->found || i62608_nl_parse(msg, tb))
		return NL_OK;
	if (tb[I62608_A_REASON])
		ev.reason = nla_get_u32(tb[I62608_A_REASON]);
	if (tb[I62608_A_IFACE] &&
	    !i62608_parse_iface(tb[I62608_A_IFACE], &ev.iface))
		ev.has_iface = true;
	if (ev.cmd == w->want_cmd) {
		w->ev = ev;
		w->found = true;
	}
	return NL_OK;
}

/* Wait up to @timeout_ms for a notification @cmd; true if it came. */
static inline bool wait_event(struct i62608_nl *ev_nl, uint8_t cmd,
			      int timeout_ms, struct event *out)
{
	struct event_wait w = { .want_cmd = cmd };
	uint64_t end = now_ms() + timeout_ms;

	while (!w.found) {
		int64_t left = (int64_t)(end - now_ms());

		if (left <= 0)
			break;
		/* An overflow (ENOBUFS) lost others; ours may still come. */
		if (i62608_nl_poll_events(ev_nl, event_cb, &w, (int)left) == -EIO)
			break;
	}
	if (w.found && out)
		*out = w.ev;
	return w.found;
}

#ifdef TEST_HARNESS_MAIN
/*
 * The harness gives every case 30 s (TEST_TIMEOUT_DEFAULT), written for
 * native speed. Under TCG, and more on the KASAN kernel, a case takes
 * several times that: scale every case's limit by I62608_SLOW, as the
 * shell tests scale theirs. Tests end with I62608_HARNESS_MAIN.
 */
static inline void i62608_scale_timeouts(void)
{
	const char *env = getenv("I62608_SLOW");
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	int k = env ? atoi(env) : 1;

	if (k <= 1 || k > 100)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= k;
}

#define I62608_HARNESS_MAIN \
	int main(int argc, char **argv) \
	{ \
		i62608_scale_timeouts(); \
		return test_harness_run(argc, argv); \
	}
#endif

#endif /* I62608_TESTLIB_H */
