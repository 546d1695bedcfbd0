// SPDX-License-Identifier: GPL-2.0
/*
 * disclat: discovery latency, from starting an agent to its events
 * arriving in userspace (docs/benchmarks.md).
 *
 *   disclat [--repeat N] [--agents M] [--timeout MS] [--label NAME] [-j]
 *           -- CMD [ARG...]
 *
 * Joins the i62608 events group of the current network namespace, then N
 * times: notes CLOCK_MONOTONIC, starts CMD (an agent with M instances,
 * e.g. "ip netns exec dev i62608-agent --instances M"), and for each of
 * the M agents records when AGENT_NEW_NTF (first frame seen) and the first
 * AGENT_CHANGE_NTF (REPORT held: reported) reached this process; then
 * stops CMD with SIGTERM and waits for the M AGENT_LOST_NTF its BYEs
 * cause, so the next round starts from an empty table. Prints min, p50,
 * p99 and max over every agent of every round, and the time until all M
 * of a round were reported.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "bench.h"
#include "nl.h"
#include "output.h"

#define MAX_AGENTS 4096

/* The MACs seen in this round, and what was seen of each. */
struct seen {
	uint64_t key[2 * MAX_AGENTS];	/* MAC + 1, 0: free */
	uint8_t what[2 * MAX_AGENTS];
};

#define SEEN_NEW	1
#define SEEN_REPORTED	2
#define SEEN_LOST	4

struct round {
	struct seen *seen;
	uint64_t t0;
	unsigned int agents;
	unsigned int n_new, n_reported, n_lost;
	uint64_t *lat_new, *lat_rep;	/* ns, appended */
	size_t *n_lat_new, *n_lat_rep;
	uint64_t last_rep;
	unsigned int unexpected;	/* reported without being new */
	bool draining;			/* reading what is left: ignore it */
};

static uint8_t *seen_slot(struct seen *s, const uint8_t *mac)
{
	uint64_t k = 1;
	size_t i;

	for (int j = 0; j < 6; j++)
		k = k << 8 | mac[j];
	k++;
	i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 51) % (2 * MAX_AGENTS);
	while (s->key[i] && s->key[i] != k)
		i = (i + 1) % (2 * MAX_AGENTS);
	s->key[i] = k;
	return &s->what[i];
}

static void reported(struct round *r, uint8_t *w, uint64_t t)
{
	*w |= SEEN_REPORTED;
	r->n_reported++;
	r->lat_rep[(*r->n_lat_rep)++] = t - r->t0;
	r->last_rep = t - r->t0;
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct round *r = arg;
	uint64_t t = bench_now_ns();
	struct i62608_event ev;
	uint8_t *w;

	if (r->draining || i62608_parse_event(msg, &ev) || !ev.has_agent)
		return NL_OK;
	w = seen_slot(r->seen, ev.agent.mac);
	switch (ev.cmd) {
	case I62608_CMD_AGENT_NEW_NTF:
		if (*w & SEEN_NEW || r->n_new >= r->agents)
			break;
		*w |= SEEN_NEW;
		r->n_new++;
		r->lat_new[(*r->n_lat_new)++] = t - r->t0;
		/*
		 * An agent whose first frame is a REPORT (it heard a group
		 * ADVERTISE before its DISCOVER went) is new and reported at
		 * once: no AGENT_CHANGE_NTF follows.
		 */
		if (ev.agent.state == I62608_AGENT_REPORTED)
			reported(r, w, t);
		break;
	case I62608_CMD_AGENT_CHANGE_NTF:
		if (*w & SEEN_REPORTED)
			break;
		if (!(*w & SEEN_NEW)) {
			r->unexpected++;
			break;
		}
		reported(r, w, t);
		break;
	case I62608_CMD_AGENT_LOST_NTF:
		if (*w & SEEN_NEW && !(*w & SEEN_LOST)) {
			*w |= SEEN_LOST;
			r->n_lost++;
		}
		break;
	}
	return NL_OK;
}

/* Read events until @done says so or @timeout_ms pass. */
static int pump(struct i62608_nl *nl, struct round *r,
		bool (*done)(const struct round *), unsigned int timeout_ms)
{
	uint64_t end = bench_now_ns() + (uint64_t)timeout_ms * 1000000;

	while (!done(r)) {
		uint64_t now = bench_now_ns();
		int err;

		if (now >= end)
			return -ETIMEDOUT;
		err = i62608_nl_poll_events(nl, event_cb, r,
					    (int)((end - now) / 1000000) + 1);
		if (err == -ENOBUFS) {
			fprintf(stderr, "disclat: notifications were lost (socket buffer)\n");
			return err;
		}
		if (err < 0)
			return err;
	}
	return 0;
}

static bool all_reported(const struct round *r)
{
	return r->n_reported >= r->agents;
}

static bool all_lost(const struct round *r)
{
	return r->n_lost >= r->n_new;
}

static void out_lat(struct out *o, const char *key, uint64_t *v, size_t n)
{
	out_obj_open(o, key);
	out_u64(o, "samples", n);
	if (n) {
		out_u64(o, "min_us", bench_pct(v, n, 1) / 1000);
		out_u64(o, "p50_us", bench_pct(v, n, 50) / 1000);
		out_u64(o, "p99_us", bench_pct(v, n, 99) / 1000);
		out_u64(o, "max_us", bench_pct(v, n, 100) / 1000);
	}
	out_obj_close(o);
}

static void usage(FILE *f)
{
	fputs("usage: disclat [--repeat N] [--agents M] [--timeout MS] [--label NAME] [-j]\n"
	      "               -- CMD [ARG...]\n", f);
}

static int number(const char *opt, const char *s, unsigned long min,
		  unsigned long max, unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n < min || n > max) {
		fprintf(stderr, "disclat: %s: '%s' is not a number from %lu to %lu\n",
			opt, s, min, max);
		return -1;
	}
	*v = (unsigned int)n;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "repeat", 1, NULL, 'r' }, { "agents", 1, NULL, 'a' },
		{ "timeout", 1, NULL, 't' }, { "label", 1, NULL, 'l' },
		{ "json", 0, NULL, 'j' }, { "help", 0, NULL, 'h' }, { 0 }
	};
	unsigned int repeat = 1, agents = 1, timeout_ms = 30000, bye_missing = 0;
	unsigned int unexpected = 0;
	const char *label = "latency";
	uint64_t *lat_new, *lat_rep, *all;
	size_t n_new = 0, n_rep = 0;
	static struct seen seen;
	struct i62608_nl nl;
	bool json = false;
	struct out *o;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "+jh", lo, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (number("--repeat", optarg, 1, 10000, &repeat))
				return 2;
			break;
		case 'a':
			if (number("--agents", optarg, 1, MAX_AGENTS, &agents))
				return 2;
			break;
		case 't':
			if (number("--timeout", optarg, 1, 3600000, &timeout_ms))
				return 2;
			break;
		case 'l': label = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	lat_new = calloc((size_t)repeat * agents, sizeof(*lat_new));
	lat_rep = calloc((size_t)repeat * agents, sizeof(*lat_rep));
	all = calloc(repeat, sizeof(*all));
	if (!lat_new || !lat_rep || !all)
		return 1;

	err = i62608_nl_open(&nl);
	if (!err)
		err = i62608_nl_subscribe(&nl);
	if (err) {
		fprintf(stderr, "disclat: %s\n", nl.errmsg[0] ? nl.errmsg : strerror(-err));
		return 1;
	}
	/* 100 agents make 300 events in a second: room for thousands. */
	nl_socket_set_buffer_size(nl.sk, 8 << 20, 0);

	for (unsigned int i = 0; i < repeat; i++) {
		struct round r = {
			.seen = &seen, .agents = agents, .lat_new = lat_new,
			.lat_rep = lat_rep, .n_lat_new = &n_new, .n_lat_rep = &n_rep,
		};
		int status;
		pid_t pid;

		memset(&seen, 0, sizeof(seen));
		/* Late events of the previous round are not this one's. */
		r.draining = true;
		while (i62608_nl_poll_events(&nl, event_cb, &r, 0) > 0)
			;
		r.draining = false;
		r.t0 = bench_now_ns();
		pid = fork();
		if (pid < 0) {
			perror("disclat: fork");
			return 1;
		}
		if (!pid) {
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "disclat: %s: %s\n", argv[optind], strerror(errno));
			_exit(127);
		}
		err = pump(&nl, &r, all_reported, timeout_ms);
		kill(pid, SIGTERM);
		if (err) {
			fprintf(stderr, "disclat: round %u: %u of %u agents new, %u reported after %u ms\n",
				i + 1, r.n_new, agents, r.n_reported, timeout_ms);
			waitpid(pid, NULL, 0);
			return 1;
		}
		all[i] = r.last_rep;
		unexpected += r.unexpected;
		if (pump(&nl, &r, all_lost, 10000))
			bye_missing += r.n_new - r.n_lost;
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "disclat: round %u: %s did not exit with 0\n",
				i + 1, argv[optind]);
			return 1;
		}
	}
	i62608_nl_close(&nl);

	o = out_new(stdout, json ? OUT_JSON : OUT_TEXT, false);
	out_obj_open(o, NULL);
	out_str(o, "label", label);
	out_u64(o, "agents", agents);
	out_u64(o, "rounds", repeat);
	out_lat(o, "agent_new", lat_new, n_new);
	out_lat(o, "reported", lat_rep, n_rep);
	out_lat(o, "all_reported", all, repeat);
	out_u64(o, "bye_missing", bye_missing);
	out_u64(o, "unexpected", unexpected);
	out_obj_close(o);
	out_free(o);
	free(lat_new);
	free(lat_rep);
	free(all);
	return 0;
}
