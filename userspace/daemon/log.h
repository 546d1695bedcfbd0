/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608d's log. In the foreground (under systemd) a line goes to stderr
 * as "<N>level: message", N the syslog priority, which the journal reads
 * as the line's level; on a terminal without the prefix. In the
 * background it goes to syslog(3), facility daemon. dlog_open() comes
 * first, before any thread starts; then any thread may log (the cloud
 * client's worker does, through cloud_set_log()).
 */
#ifndef I62608D_LOG_H
#define I62608D_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* @to_syslog: openlog() and use syslog(3) from now on. */
void dlog_open(bool to_syslog);
void dlog_set_level(int level);
int dlog_level(void);
/* A level's name (error, warning, notice, info, debug) and back (-1). */
const char *dlog_level_name(int level);
int dlog_parse_level(const char *s);

void dlog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	dlog(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	dlog(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	dlog(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	dlog(LOG_INFO, __VA_ARGS__)
/* Arguments of a disabled debug message are not evaluated. */
#define log_debug(...) do {						\
	if (dlog_level() >= LOG_DEBUG)					\
		dlog(LOG_DEBUG, __VA_ARGS__);				\
} while (0)

#endif /* I62608D_LOG_H */
