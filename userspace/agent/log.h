/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging to stderr: "[ SECONDS.MICROS] level: message", seconds of
 * CLOCK_MONOTONIC like the kernel log. Under systemd (stderr connected to
 * the journal) each line also starts with its syslog priority, "<6>", so
 * the journal keeps the level; the journal adds the wall-clock time.
 */
#ifndef AGENT_LOG_H
#define AGENT_LOG_H

#include <stdbool.h>

#include "config.h"

void agent_log_set_level(int level);
int agent_log_level(void);
bool agent_log_enabled(int level);
void agent_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	agent_log(AGENT_LOG_ERR, __VA_ARGS__)
#define log_warn(...)	agent_log(AGENT_LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	agent_log(AGENT_LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	agent_log(AGENT_LOG_INFO, __VA_ARGS__)
/* Arguments of a disabled debug message are not even evaluated. */
#define log_debug(...) do {						\
	if (agent_log_enabled(AGENT_LOG_DEBUG))				\
		agent_log(AGENT_LOG_DEBUG, __VA_ARGS__);		\
} while (0)

#endif /* AGENT_LOG_H */
