// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d's log (see log.h). Any thread may log: a line is formatted on
 * the caller's stack and written with one call (stdio and syslog(3) lock
 * their own state); the level, which a reload may change while the cloud
 * worker logs, is atomic.
 */

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static atomic_int log_level = LOG_INFO;
static bool use_syslog;
static bool prefix_level;

static const char *const level_names[] = {
	[LOG_ERR] = "error",
	[LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

void dlog_open(bool to_syslog)
{
	use_syslog = to_syslog;
	if (to_syslog)
		openlog("i62608d", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	/*
	 * The journal (and any log collector reading a pipe) takes a
	 * leading "<N>" as the line's priority; a person at a terminal
	 * does not need it.
	 */
	prefix_level = !isatty(STDERR_FILENO);
}

void dlog_set_level(int level)
{
	atomic_store_explicit(&log_level, level, memory_order_relaxed);
}

int dlog_level(void)
{
	return atomic_load_explicit(&log_level, memory_order_relaxed);
}

const char *dlog_level_name(int level)
{
	if (level >= 0 && (size_t)level < sizeof(level_names) / sizeof(level_names[0]) &&
	    level_names[level])
		return level_names[level];
	return "unknown";
}

int dlog_parse_level(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level_names[i] && !strcmp(s, level_names[i]))
			return (int)i;
	return -1;
}

void dlog(int level, const char *fmt, ...)
{
	char line[1024];
	size_t n = 0, head;
	va_list ap;
	int ret;

	if (level > dlog_level())
		return;
	if (!use_syslog && prefix_level)
		n = (size_t)snprintf(line, sizeof(line), "<%d>", level);
	if (!use_syslog)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s: ",
				      dlog_level_name(level));
	head = n;
	va_start(ap, fmt);
	ret = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return;
	n += (size_t)ret < sizeof(line) - n - 1 ? (size_t)ret : sizeof(line) - n - 2;
	if (use_syslog) {
		syslog(level, "%s", line + head);
		return;
	}
	line[n++] = '\n';
	/* One write per line: a line is never split by another writer. */
	fwrite(line, 1, n, stderr);
	fflush(stderr);
}
