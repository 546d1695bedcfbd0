// SPDX-License-Identifier: GPL-2.0
/*
 * Logging (see log.h).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>

#include "log.h"

static int log_level = AGENT_LOG_INFO;
/* -1: not decided yet; 0/1: whether stderr is the journal. */
static int to_journal = -1;

void agent_log_set_level(int level)
{
	log_level = level;
}

int agent_log_level(void)
{
	return log_level;
}

bool agent_log_enabled(int level)
{
	return level <= log_level;
}

/*
 * systemd sets JOURNAL_STREAM to the device and inode of the stream it
 * connected stderr to; it is inherited, so compare before trusting it.
 */
static bool stderr_is_journal(void)
{
	unsigned long long dev, ino;
	const char *e = getenv("JOURNAL_STREAM");
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(fileno(stderr), &st))
		return false;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

void agent_log(int level, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	size_t n = 0;
	va_list ap;
	int ret;

	if (!agent_log_enabled(level))
		return;
	if (to_journal < 0)
		to_journal = stderr_is_journal();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (to_journal)
		n = (size_t)snprintf(line, sizeof(line), "<%d>", level);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "[%5lld.%06ld] %s: ",
			      (long long)ts.tv_sec, ts.tv_nsec / 1000,
			      agent_log_level_name(level));
	va_start(ap, fmt);
	ret = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (ret < 0)
		ret = 0;
	n += (size_t)ret < sizeof(line) - n - 1 ? (size_t)ret : sizeof(line) - n - 2;
	line[n++] = '\n';
	/* One write per line: lines of other writers never mix into it. */
	fwrite(line, 1, n, stderr);
	fflush(stderr);
}
