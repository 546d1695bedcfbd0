/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One timer heap for the whole agent: every virtual agent of --instances
 * has its timers in it, so thousands of them cost one epoll timeout, not
 * thousands of timerfds. Times are milliseconds of CLOCK_MONOTONIC.
 */
#ifndef AGENT_TIMER_H
#define AGENT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct agent_timer;
typedef void (*agent_timer_fn)(struct agent_timer *t, void *ctx);

/* Embedded in its owner; zero-initialised it is not armed. */
struct agent_timer {
	uint64_t expires;
	uint32_t slot;		/* heap index + 1; 0: not armed */
	agent_timer_fn fn;
};

struct agent_timers {
	struct agent_timer **heap;
	uint32_t n, cap;
};

void agent_timer_init(struct agent_timer *t, agent_timer_fn fn);
/* (Re)arm @t to fire at @expires. Returns -ENOMEM if the heap cannot grow. */
int agent_timer_arm(struct agent_timers *h, struct agent_timer *t,
		    uint64_t expires);
void agent_timer_cancel(struct agent_timers *h, struct agent_timer *t);
static inline bool agent_timer_armed(const struct agent_timer *t)
{
	return t->slot != 0;
}

/* The earliest expiry, or UINT64_MAX when nothing is armed. */
uint64_t agent_timers_next(const struct agent_timers *h);
/*
 * Fire, earliest first, every timer due at @now; a callback may arm or
 * cancel any timer. Returns how many fired.
 */
unsigned int agent_timers_run(struct agent_timers *h, uint64_t now, void *ctx);
void agent_timers_free(struct agent_timers *h);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t agent_now_ms(void);

#endif /* AGENT_TIMER_H */
