// SPDX-License-Identifier: GPL-2.0
/*
 * A binary min-heap of timers (see timer.h). Each timer knows its slot,
 * so re-arming and cancelling are O(log n) without a search.
 */

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "timer.h"

static void place(struct agent_timers *h, uint32_t i, struct agent_timer *t)
{
	h->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct agent_timers *h, uint32_t i)
{
	struct agent_timer *t = h->heap[i];

	while (i) {
		uint32_t parent = (i - 1) / 2;

		if (h->heap[parent]->expires <= t->expires)
			break;
		place(h, i, h->heap[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct agent_timers *h, uint32_t i)
{
	struct agent_timer *t = h->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->heap[c + 1]->expires < h->heap[c]->expires)
			c++;
		if (t->expires <= h->heap[c]->expires)
			break;
		place(h, i, h->heap[c]);
		i = c;
	}
	place(h, i, t);
}

void agent_timer_init(struct agent_timer *t, agent_timer_fn fn)
{
	t->expires = 0;
	t->slot = 0;
	t->fn = fn;
}

int agent_timer_arm(struct agent_timers *h, struct agent_timer *t,
		    uint64_t expires)
{
	uint32_t i;

	if (t->slot) {
		uint64_t old = t->expires;

		t->expires = expires;
		i = t->slot - 1;
		if (expires < old)
			sift_up(h, i);
		else
			sift_down(h, i);
		return 0;
	}
	if (h->n == h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 64;
		void *p = reallocarray(h->heap, cap, sizeof(*h->heap));

		if (!p)
			return -ENOMEM;
		h->heap = p;
		h->cap = cap;
	}
	t->expires = expires;
	i = h->n++;
	place(h, i, t);
	sift_up(h, i);
	return 0;
}

void agent_timer_cancel(struct agent_timers *h, struct agent_timer *t)
{
	uint32_t i;
	struct agent_timer *last;

	if (!t->slot)
		return;
	i = t->slot - 1;
	t->slot = 0;
	last = h->heap[--h->n];
	if (i == h->n)
		return;
	place(h, i, last);
	/* The moved timer may belong above or below its new slot. */
	if (i && h->heap[(i - 1) / 2]->expires > last->expires)
		sift_up(h, i);
	else
		sift_down(h, i);
}

uint64_t agent_timers_next(const struct agent_timers *h)
{
	return h->n ? h->heap[0]->expires : UINT64_MAX;
}

unsigned int agent_timers_run(struct agent_timers *h, uint64_t now, void *ctx)
{
	unsigned int fired = 0;

	while (h->n && h->heap[0]->expires <= now) {
		struct agent_timer *t = h->heap[0];

		agent_timer_cancel(h, t);
		fired++;
		t->fn(t, ctx);
	}
	return fired;
}

void agent_timers_free(struct agent_timers *h)
{
	uint32_t i;

	for (i = 0; i < h->n; i++)
		h->heap[i]->slot = 0;
	free(h->heap);
	h->heap = NULL;
	h->n = 0;
	h->cap = 0;
}

uint64_t agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
