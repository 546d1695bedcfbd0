// SPDX-License-Identifier: GPL-2.0
/*
 * l2rate: how many frames a receive path handles per second, and how much
 * CPU time of the receiving CPU each one costs (docs/benchmarks.md).
 *
 *   l2rate --counter SPEC [--offered SPEC] [--cpu N] [--windows K]
 *          [--window MS] [--warmup MS] [--label NAME] [--save FILE] [-j]
 *   l2rate --counter SPEC --until N [--timeout MS]
 *   l2rate --summary FILE... [-j]
 *
 * A run samples the frame counter SPEC, the time CPU N (default 1) spent
 * idle and in softirq (/proc/stat) and its NET_RX softirq count
 * (/proc/softirqs) at the edges of K windows (default 5 of 3000 ms, after
 * --warmup ms), and prints per window: frames per second, busy (not idle)
 * share of the CPU, busy and softirq nanoseconds per frame (softirq time
 * is sampled at ticks, see bench.h), NET_RX runs per second;
 * then min, median and max of each over the windows. --offered
 * samples a second counter (what reached the receiver) beside it. --save
 * writes the summary to FILE for --summary, which prints several runs
 * side by side with the ratios of each to the one before.
 *
 * --until waits until SPEC reaches N (exit 0) or --timeout (default
 * 10000 ms) passes (exit 1): a precondition for scripts.
 *
 * SPEC is one of
 *   sysfs:PATH            a file holding a decimal counter
 *                         (/sys/class/net/DEV/statistics/rx_packets)
 *   iface:IFNAME          frames the i62608 module received on IFNAME
 *   l2recv:FILE[:FIELD]   a counter of l2recv's --stats FILE (frames)
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "bench.h"
#include "nl.h"
#include "output.h"

#define MAX_WINDOWS 100
#define MAX_CASES 8

struct counter {
	enum { C_SYSFS, C_IFACE, C_L2RECV } kind;
	const char *spec;
	const char *path;
	struct i62608_nl nl;
	bool nl_open;
	const uint64_t *l2;
	int field;
};

static int counter_open(struct counter *c, const char *spec)
{
	char file[4096], *colon;
	int fd;

	memset(c, 0, sizeof(*c));
	c->spec = spec;
	if (!strncmp(spec, "sysfs:", 6)) {
		c->kind = C_SYSFS;
		c->path = spec + 6;
		return 0;
	}
	if (!strncmp(spec, "iface:", 6)) {
		int err;

		c->kind = C_IFACE;
		c->path = spec + 6;
		if (!*c->path || strlen(c->path) >= IF_NAMESIZE) {
			fprintf(stderr, "l2rate: '%s': not an interface name\n", spec);
			return -1;
		}
		err = i62608_nl_open(&c->nl);
		if (err) {
			fprintf(stderr, "l2rate: %s: %s\n", spec,
				c->nl.errmsg[0] ? c->nl.errmsg : strerror(-err));
			return -1;
		}
		c->nl_open = true;
		return 0;
	}
	if (!strncmp(spec, "l2recv:", 7)) {
		c->kind = C_L2RECV;
		snprintf(file, sizeof(file), "%s", spec + 7);
		colon = strrchr(file, ':');
		c->field = l2recv_field("frames");
		if (colon && l2recv_field(colon + 1) >= 0) {
			c->field = l2recv_field(colon + 1);
			*colon = 0;
		}
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "l2rate: %s: %s\n", file, strerror(errno));
			return -1;
		}
		c->l2 = mmap(NULL, sizeof(struct l2recv_stats), PROT_READ, MAP_SHARED,
			     fd, 0);
		close(fd);
		if (c->l2 == MAP_FAILED || c->l2[0] != L2RECV_MAGIC) {
			fprintf(stderr, "l2rate: %s: not an l2recv --stats file\n", file);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "l2rate: '%s': want sysfs:PATH, iface:IFNAME or l2recv:FILE[:FIELD]\n",
		spec);
	return -1;
}

static int iface_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct i62608_iface_info *info = arg;

	if (!i62608_nl_parse(msg, tb) && tb[I62608_A_IFACE])
		i62608_parse_iface(tb[I62608_A_IFACE], info);
	return NL_OK;
}

static int counter_read(struct counter *c, uint64_t *v)
{
	struct i62608_iface_info info = { 0 };
	struct nl_msg *msg;
	char buf[64], *end;
	ssize_t n;
	int fd, err;

	switch (c->kind) {
	case C_SYSFS:
		fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			goto err_errno;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			goto err_errno;
		buf[n] = 0;
		errno = 0;
		*v = strtoull(buf, &end, 10);
		if (errno || end == buf) {
			fprintf(stderr, "l2rate: %s: not a number\n", c->path);
			return -1;
		}
		return 0;
	case C_IFACE:
		msg = i62608_nl_msg(&c->nl, I62608_CMD_IFACE_GET, 0);
		if (msg && nla_put_string(msg, I62608_A_IFNAME, c->path)) {
			nlmsg_free(msg);
			msg = NULL;
		}
		err = i62608_nl_transact(&c->nl, msg, iface_cb, &info);
		if (err || !info.has_stats) {
			fprintf(stderr, "l2rate: %s: %s\n", c->spec,
				c->nl.errmsg[0] ? c->nl.errmsg :
				err ? strerror(-err) : "no statistics");
			return -1;
		}
		*v = info.stats.rx_frames;
		return 0;
	case C_L2RECV:
		*v = __atomic_load_n(&c->l2[c->field], __ATOMIC_RELAXED);
		return 0;
	}
	return -1;
err_errno:
	fprintf(stderr, "l2rate: %s: %s\n", c->path, strerror(errno ? errno : EIO));
	return -1;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* One window's numbers. */
struct window {
	uint64_t ns, frames, offered;
	double fps, offered_fps, busy_pct, busy_nspf, sirq_nspf, net_rx_ps;
};

struct sample {
	uint64_t t, frames, offered;
	struct cpu_time cpu;
};

static int take(struct counter *c, struct counter *off, unsigned int cpu,
		struct sample *s)
{
	s->t = bench_now_ns();
	if (counter_read(c, &s->frames) || (off && counter_read(off, &s->offered)))
		return -1;
	if (cpu_time_read(cpu, &s->cpu)) {
		fprintf(stderr, "l2rate: CPU %u in /proc/stat: %s\n", cpu,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* min, median, max of one quantity over the windows. */
struct mmm {
	double min, med, max;
};

static struct mmm stats_of(const struct window *w, size_t n, size_t off)
{
	double v[MAX_WINDOWS];
	struct mmm r;

	for (size_t i = 0; i < n; i++)
		v[i] = *(const double *)((const char *)&w[i] + off);
	r.min = bench_pct_d(v, n, 1);
	r.med = bench_pct_d(v, n, 50);
	r.max = bench_pct_d(v, n, 100);
	return r;
}

static void out_mmm(struct out *o, const char *key, struct mmm m)
{
	out_obj_open(o, key);
	out_u64(o, "min", (uint64_t)(m.min + 0.5));
	out_u64(o, "median", (uint64_t)(m.med + 0.5));
	out_u64(o, "max", (uint64_t)(m.max + 0.5));
	out_obj_close(o);
}

struct run_opts {
	const char *counter, *offered, *label, *save;
	unsigned int cpu, windows, window_ms, warmup_ms;
	bool json;
};

static int run(const struct run_opts *ro)
{
	struct counter c, off;
	struct window w[MAX_WINDOWS] = { 0 };
	struct mmm fps, busy, nspf, sirq, offered = { 0 };
	struct sample a, b;
	struct out *o;

	if (counter_open(&c, ro->counter) || (ro->offered && counter_open(&off, ro->offered)))
		return 1;
	sleep_ms(ro->warmup_ms);
	if (take(&c, ro->offered ? &off : NULL, ro->cpu, &a))
		return 1;
	for (unsigned int i = 0; i < ro->windows; i++) {
		double secs, busy_ns;
		uint64_t idle;

		sleep_ms(ro->window_ms);
		if (take(&c, ro->offered ? &off : NULL, ro->cpu, &b))
			return 1;
		w[i].ns = b.t - a.t;
		w[i].frames = b.frames - a.frames;
		w[i].offered = b.offered - a.offered;
		secs = (double)w[i].ns / 1e9;
		w[i].fps = (double)w[i].frames / secs;
		w[i].offered_fps = (double)w[i].offered / secs;
		/* Not idle: measured, where the other states are sampled. */
		idle = b.cpu.idle - a.cpu.idle;
		busy_ns = idle < w[i].ns ? (double)(w[i].ns - idle) : 0;
		w[i].busy_pct = 100.0 * busy_ns / (double)w[i].ns;
		w[i].net_rx_ps = (double)(b.cpu.net_rx - a.cpu.net_rx) / secs;
		if (w[i].frames) {
			w[i].busy_nspf = busy_ns / (double)w[i].frames;
			w[i].sirq_nspf = (double)(b.cpu.softirq - a.cpu.softirq) /
					 (double)w[i].frames;
		}
		a = b;
	}

	o = out_new(stdout, ro->json ? OUT_JSON : OUT_TEXT, false);
	out_obj_open(o, NULL);
	out_str(o, "label", ro->label);
	out_str(o, "counter", ro->counter);
	if (ro->offered)
		out_str(o, "offered", ro->offered);
	out_u64(o, "cpu", ro->cpu);
	out_table_open(o, "windows");
	for (unsigned int i = 0; i < ro->windows; i++) {
		out_obj_open(o, NULL);
		out_ms(o, "length", w[i].ns / 1000000);
		out_u64(o, "frames", w[i].frames);
		out_u64(o, "fps", (uint64_t)(w[i].fps + 0.5));
		if (ro->offered)
			out_u64(o, "offered_fps", (uint64_t)(w[i].offered_fps + 0.5));
		out_u64(o, "busy_pct", (uint64_t)(w[i].busy_pct + 0.5));
		out_u64(o, "busy_ns_per_frame", (uint64_t)(w[i].busy_nspf + 0.5));
		out_u64(o, "softirq_ns_per_frame", (uint64_t)(w[i].sirq_nspf + 0.5));
		out_u64(o, "net_rx_per_s", (uint64_t)(w[i].net_rx_ps + 0.5));
		out_obj_close(o);
	}
	out_arr_close(o);
	fps = stats_of(w, ro->windows, offsetof(struct window, fps));
	busy = stats_of(w, ro->windows, offsetof(struct window, busy_pct));
	nspf = stats_of(w, ro->windows, offsetof(struct window, busy_nspf));
	sirq = stats_of(w, ro->windows, offsetof(struct window, sirq_nspf));
	out_mmm(o, "fps", fps);
	if (ro->offered) {
		offered = stats_of(w, ro->windows, offsetof(struct window, offered_fps));
		out_mmm(o, "offered_fps", offered);
	}
	out_mmm(o, "busy_pct", busy);
	out_mmm(o, "busy_ns_per_frame", nspf);
	out_mmm(o, "softirq_ns_per_frame", sirq);
	out_mmm(o, "net_rx_per_s", stats_of(w, ro->windows,
					     offsetof(struct window, net_rx_ps)));
	out_obj_close(o);
	out_free(o);

	if (ro->save) {
		FILE *f = fopen(ro->save, "we");

		if (!f || fprintf(f, "%s %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n",
				  ro->label, fps.min, fps.med, fps.max, nspf.min,
				  nspf.med, nspf.max, sirq.min, sirq.med, sirq.max,
				  busy.med) < 0 || fclose(f)) {
			fprintf(stderr, "l2rate: %s: %s\n", ro->save, strerror(errno));
			return 1;
		}
	}
	return 0;
}

static int until(const char *spec, uint64_t n, unsigned int timeout_ms)
{
	uint64_t end = bench_now_ns() + (uint64_t)timeout_ms * 1000000, v = 0;
	struct counter c;

	if (counter_open(&c, spec))
		return 1;
	for (;;) {
		if (counter_read(&c, &v))
			return 1;
		if (v >= n)
			return 0;
		if (bench_now_ns() >= end)
			break;
		sleep_ms(50);
	}
	fprintf(stderr, "l2rate: %s is %llu after %u ms, not %llu\n", spec,
		(unsigned long long)v, timeout_ms, (unsigned long long)n);
	return 1;
}

struct saved {
	char label[64];
	double v[10];	/* fps min/med/max, busy ns/frame, softirq, busy % */
};

static int summary(char **files, int n, bool json)
{
	struct saved s[MAX_CASES];
	struct out *o;

	if (n < 1 || n > MAX_CASES) {
		fprintf(stderr, "l2rate: --summary takes 1 to %d files\n", MAX_CASES);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "re");
		int k = f ? fscanf(f, "%63s %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf",
				   s[i].label, &s[i].v[0], &s[i].v[1], &s[i].v[2],
				   &s[i].v[3], &s[i].v[4], &s[i].v[5], &s[i].v[6],
				   &s[i].v[7], &s[i].v[8], &s[i].v[9]) : -1;

		if (f)
			fclose(f);
		if (k != 11) {
			fprintf(stderr, "l2rate: %s: not a file of l2rate --save\n", files[i]);
			return 1;
		}
	}
	o = out_new(stdout, json ? OUT_JSON : OUT_TEXT, false);
	out_obj_open(o, NULL);
	out_table_open(o, "cases");
	for (int i = 0; i < n; i++) {
		static const char *const k[] = {
			"fps_min", "fps_median", "fps_max", "ns_per_frame_min",
			"ns_per_frame_median", "ns_per_frame_max",
			"softirq_ns_per_frame_min", "softirq_ns_per_frame_median",
			"softirq_ns_per_frame_max", "busy_pct_median",
		};

		out_obj_open(o, NULL);
		out_str(o, "case", s[i].label);
		for (int j = 0; j < 10; j++)
			out_u64(o, k[j], (uint64_t)s[i].v[j]);
		out_obj_close(o);
	}
	out_arr_close(o);
	/* Medians against the case before: fps and CPU cost per frame, in %. */
	out_table_open(o, "ratios");
	for (int i = 1; i < n; i++) {
		char name[140];

		snprintf(name, sizeof(name), "%s/%s", s[i].label, s[i - 1].label);
		out_obj_open(o, NULL);
		out_str(o, "ratio", name);
		out_u64(o, "fps_pct", s[i - 1].v[1] > 0 ?
			(uint64_t)(100.0 * s[i].v[1] / s[i - 1].v[1] + 0.5) : 0);
		out_u64(o, "ns_per_frame_pct", s[i - 1].v[4] > 0 ?
			(uint64_t)(100.0 * s[i].v[4] / s[i - 1].v[4] + 0.5) : 0);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
	out_free(o);
	return 0;
}

static int number(const char *opt, const char *s, unsigned long max,
		  unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n > max) {
		fprintf(stderr, "l2rate: %s: '%s' is not a number up to %lu\n", opt, s, max);
		return -1;
	}
	*v = (unsigned int)n;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: l2rate --counter SPEC [--offered SPEC] [--cpu N] [--windows K]\n"
	      "              [--window MS] [--warmup MS] [--label NAME] [--save FILE] [-j]\n"
	      "       l2rate --counter SPEC --until N [--timeout MS]\n"
	      "       l2rate --summary FILE... [-j]\n"
	      "SPEC: sysfs:PATH, iface:IFNAME or l2recv:FILE[:FIELD]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "counter", 1, NULL, 'c' }, { "offered", 1, NULL, 'o' },
		{ "cpu", 1, NULL, 'C' }, { "windows", 1, NULL, 'n' },
		{ "window", 1, NULL, 'w' }, { "warmup", 1, NULL, 'W' },
		{ "label", 1, NULL, 'l' }, { "save", 1, NULL, 's' },
		{ "until", 1, NULL, 'u' }, { "timeout", 1, NULL, 't' },
		{ "summary", 0, NULL, 'S' }, { "json", 0, NULL, 'j' },
		{ "help", 0, NULL, 'h' }, { 0 }
	};
	struct run_opts ro = {
		.label = "run", .cpu = 1, .windows = 5, .window_ms = 3000,
		.warmup_ms = 1000,
	};
	unsigned int until_n = 0, timeout_ms = 10000;
	bool do_until = false, do_summary = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (opt) {
		case 'c': ro.counter = optarg; break;
		case 'o': ro.offered = optarg; break;
		case 'l': ro.label = optarg; break;
		case 's': ro.save = optarg; break;
		case 'S': do_summary = true; break;
		case 'j': ro.json = true; break;
		case 'C':
			if (number("--cpu", optarg, 4095, &ro.cpu))
				return 2;
			break;
		case 'n':
			if (number("--windows", optarg, MAX_WINDOWS, &ro.windows) ||
			    !ro.windows)
				return 2;
			break;
		case 'w':
			if (number("--window", optarg, 3600000, &ro.window_ms) ||
			    !ro.window_ms)
				return 2;
			break;
		case 'W':
			if (number("--warmup", optarg, 3600000, &ro.warmup_ms))
				return 2;
			break;
		case 'u':
			if (number("--until", optarg, ~0u, &until_n))
				return 2;
			do_until = true;
			break;
		case 't':
			if (number("--timeout", optarg, 3600000, &timeout_ms))
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (do_summary)
		return summary(argv + optind, argc - optind, ro.json);
	if (!ro.counter || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (do_until)
		return until(ro.counter, until_n, timeout_ms);
	return run(&ro);
}
