// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the two clocks (daemon.h). Wall-clock times are what the
 * database records; the monotonic clock is what the loop waits by.
 */

#include <time.h>

#include "daemon.h"

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
