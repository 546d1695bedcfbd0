/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the discovery benchmark's programs (docs/benchmarks.md):
 * clocks, order statistics, the CPU time accounting of /proc/stat, and the
 * counters l2recv publishes for l2rate.
 */
#ifndef I62608_BENCH_H
#define I62608_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t bench_now_ns(void);		/* CLOCK_MONOTONIC */

/*
 * Nearest-rank percentile (0 < @pct <= 100) of @n values, which are sorted
 * in place. @n must not be 0.
 */
uint64_t bench_pct(uint64_t *v, size_t n, unsigned int pct);
double bench_pct_d(double *v, size_t n, unsigned int pct);

/*
 * Time a CPU spent, from /proc/stat, in nanoseconds, and how often it ran
 * the NET_RX softirq (/proc/softirqs). The states other than idle are
 * sampled at each tick (without IRQ time accounting, as under TCG), which
 * at a few per cent of a CPU over a few seconds is a matter of a few
 * dozen samples; idle time is measured at every entry and exit of the
 * idle loop (NO_HZ), so the time a CPU was not idle is exact.
 */
struct cpu_time {
	uint64_t idle;		/* idle and iowait: measured */
	uint64_t busy;		/* every other state: sampled */
	uint64_t softirq;	/* of which serving softirqs (NET_RX here) */
	uint64_t net_rx;	/* NET_RX softirqs run */
};

/* Returns 0, or -1 with errno set (no such CPU: ENOENT). */
int cpu_time_read(unsigned int cpu, struct cpu_time *t);

/*
 * What l2recv publishes in its --stats file (a shared mapping): written by
 * l2recv only, one aligned 64-bit store per update, read by l2rate.
 */
#define L2RECV_MAGIC 0x6c32726563763031ULL	/* "l2recv01" */

struct l2recv_stats {
	uint64_t magic;
	uint64_t frames;	/* frames taken from the ring */
	uint64_t handled;	/* of which passed to a message handler */
	uint64_t dropped;	/* of which dropped by a check */
	uint64_t fast;		/* HEARTBEATs that only refreshed an entry */
	uint64_t asks;		/* frames the kernel would have answered */
	uint64_t reports;	/* REPORTs stored */
	uint64_t entries;	/* entries in the table now */
	uint64_t reported;	/* of which reported */
	uint64_t ring_drops;	/* frames the ring had no room for */
};

/* The field of struct l2recv_stats called @name, or -1. */
int l2recv_field(const char *name);

#endif /* I62608_BENCH_H */
