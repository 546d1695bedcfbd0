// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the discovery benchmark: clocks, percentiles, /proc/stat.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least @pct % at or below it. */
static size_t rank(size_t n, unsigned int pct)
{
	size_t r = (n * pct + 99) / 100;

	return r ? r - 1 : 0;
}

uint64_t bench_pct(uint64_t *v, size_t n, unsigned int pct)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[rank(n, pct)];
}

double bench_pct_d(double *v, size_t n, unsigned int pct)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return v[rank(n, pct)];
}

/*
 * /proc/softirqs: a header of the online CPUs ("CPU0 CPU1 ..."), then one
 * line per softirq with a count per column.
 */
static int net_rx_read(unsigned int cpu, uint64_t *count)
{
	char want[32], line[4096], *tok, *save;
	int col = -1, i = 0;
	FILE *f;

	snprintf(want, sizeof(want), "CPU%u", cpu);
	f = fopen("/proc/softirqs", "re");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		for (tok = strtok_r(line, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save), i++)
			if (!strcmp(tok, want))
				col = i;
	while (col >= 0 && fgets(line, sizeof(line), f)) {
		tok = strtok_r(line, " \t\n", &save);
		if (!tok || strcmp(tok, "NET_RX:"))
			continue;
		for (i = 0; (tok = strtok_r(NULL, " \t\n", &save)); i++)
			if (i == col) {
				*count = strtoull(tok, NULL, 10);
				fclose(f);
				return 0;
			}
	}
	fclose(f);
	errno = ENOENT;
	return -1;
}

/*
 * "cpuN user nice system idle iowait irq softirq steal guest guest_nice",
 * in USER_HZ ticks. Guest time is already part of user time.
 */
int cpu_time_read(unsigned int cpu, struct cpu_time *t)
{
	unsigned long long v[8];
	char want[32], line[512];
	long hz = sysconf(_SC_CLK_TCK);
	size_t wl;
	FILE *f;
	int found = 0;

	if (hz <= 0)
		hz = 100;
	wl = (size_t)snprintf(want, sizeof(want), "cpu%u ", cpu);
	f = fopen("/proc/stat", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, wl))
			continue;
		found = sscanf(line + wl, "%llu %llu %llu %llu %llu %llu %llu %llu",
			       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			       &v[7]) == 8;
		break;
	}
	fclose(f);
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	t->idle = (v[3] + v[4]) * (1000000000ull / hz);
	t->busy = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * (1000000000ull / hz);
	t->softirq = v[6] * (1000000000ull / hz);
	return net_rx_read(cpu, &t->net_rx);
}

int l2recv_field(const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{ "frames", offsetof(struct l2recv_stats, frames) },
		{ "handled", offsetof(struct l2recv_stats, handled) },
		{ "dropped", offsetof(struct l2recv_stats, dropped) },
		{ "fast", offsetof(struct l2recv_stats, fast) },
		{ "asks", offsetof(struct l2recv_stats, asks) },
		{ "reports", offsetof(struct l2recv_stats, reports) },
		{ "entries", offsetof(struct l2recv_stats, entries) },
		{ "reported", offsetof(struct l2recv_stats, reported) },
		{ "ring_drops", offsetof(struct l2recv_stats, ring_drops) },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(f[i].name, name))
			return (int)(f[i].off / sizeof(uint64_t));
	return -1;
}
