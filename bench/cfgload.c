// SPDX-License-Identifier: GPL-2.0
/*
 * cfgload: configuration requests through the kernel module, as many as
 * it takes, timed from the request to its outcome (docs/benchmarks.md).
 *
 *   cfgload [--agents N] [--window W] [--rounds R] [--timeout MS]
 *           [--label NAME] [-j]
 *
 * Takes the first N agents (by MAC) of the namespace's table that have a
 * session and accept configuration, and R times sends each of them one
 * request (CONFIG_SEND: a static IPv4 address, its gateway, a DNS server
 * and a host name new in every round), keeping at most W in flight. A
 * request's time runs from just before its CONFIG_SEND to the reading of
 * its CONFIG_RESULT_NTF on a socket that joined the events group before
 * the first request. A round's rate is its N requests over the time from
 * its first send to its last outcome. Prints numbers only: the rate and
 * the per-round p50/p99 as min/median/max over the rounds, the p50/p99/max
 * of every request of every round, the outcomes and the retransmissions.
 *
 * One thread: after each send the events waiting are read at once, and
 * sends are synchronous (the kernel replies to CONFIG_SEND after it sent
 * the frame), so an outcome is read at most one CONFIG_SEND late.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>

#include "bench.h"
#include "cfgparse.h"
#include "nl.h"
#include "output.h"

#define MAX_AGENTS 4096
/* The kernel's cap on requests in flight (max_pending). */
#define MAX_WINDOW 4096
/* Room for every outcome of a round and the agents' own events. */
#define EVENTS_RCVBUF (16 << 20)

struct agent_list {
	uint8_t (*mac)[6];
	uint32_t *ifindex;
	size_t n, cap;
	int err;
};

/* One request of a round. */
struct req {
	uint8_t body[I62608_MAX_MSG];
	int len;
	uint32_t id;
	uint64_t t_send, t_done;
	uint8_t outcome;		/* 0 while pending */
	uint32_t tries;
};

struct round {
	int family;			/* of the events socket */
	struct req *req;
	unsigned int n;
	/* Request id -> index + 1, open addressing; 0: free. */
	uint32_t *slot_id;
	unsigned int *slot_idx;
	unsigned int slots;		/* a power of two */
	unsigned int done, inflight;
	unsigned int foreign;		/* outcomes of requests not ours */
	int err;
};

static int agent_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct agent_list *l = arg;
	struct i62608_agent_info a;

	if (i62608_nl_parse(msg, tb) || i62608_parse_agent(tb[I62608_A_AGENT], &a)) {
		l->err = -EBADMSG;
		return NL_SKIP;
	}
	if (!I62608_AGENT_HAS(&a, I62608_AGENT_A_TRUST) ||
	    a.trust != I62608_TRUST_AUTHENTICATED ||
	    !I62608_AGENT_HAS(&a, I62608_AGENT_A_CAPABILITIES) ||
	    !(a.caps & I62608_CAP_CONFIG))
		return NL_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		void *m = realloc(l->mac, cap * sizeof(*l->mac));
		void *i;

		if (m)
			l->mac = m;
		i = realloc(l->ifindex, cap * sizeof(*l->ifindex));
		if (!m || !i) {
			l->err = -ENOMEM;
			return NL_STOP;
		}
		l->ifindex = i;
		l->cap = cap;
	}
	memcpy(l->mac[l->n], a.mac, 6);
	l->ifindex[l->n] = a.ifindex;
	l->n++;
	return NL_OK;
}

static void agent_reset(void *arg)
{
	struct agent_list *l = arg;

	l->n = 0;
	l->err = 0;
}

struct agent_row {
	uint8_t mac[6];		/* first: the sort key */
	uint32_t ifindex;
};

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

/* In MAC order, so that the first N are the same agents in every run. */
static int sort_agents(struct agent_list *l)
{
	struct agent_row *row = calloc(l->n, sizeof(*row));
	size_t i;

	if (!row)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		memcpy(row[i].mac, l->mac[i], 6);
		row[i].ifindex = l->ifindex[i];
	}
	qsort(row, l->n, sizeof(*row), mac_cmp);
	for (i = 0; i < l->n; i++) {
		memcpy(l->mac[i], row[i].mac, 6);
		l->ifindex[i] = row[i].ifindex;
	}
	free(row);
	return 0;
}

static unsigned int slot_of(const struct round *r, uint32_t id)
{
	unsigned int i = (id * 0x9e3779b1u) & (r->slots - 1);

	while (r->slot_id[i] && r->slot_id[i] != id)
		i = (i + 1) & (r->slots - 1);
	return i;
}

/* CONFIG_RESULT_NTF: REQUEST_ID (u32), OUTCOME (u8), TRIES (u32). */
static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	uint64_t t = bench_now_ns();
	struct round *r = arg;
	struct req *q;
	unsigned int s;
	uint32_t id;

	if (nlmsg_hdr(msg)->nlmsg_type != r->family ||
	    i62608_nl_cmd(msg) != I62608_CMD_CONFIG_RESULT_NTF)
		return NL_OK;
	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_REQUEST_ID] ||
	    nla_len(tb[I62608_A_REQUEST_ID]) != 4 || !tb[I62608_A_OUTCOME] ||
	    nla_len(tb[I62608_A_OUTCOME]) != 1 ||
	    (tb[I62608_A_TRIES] && nla_len(tb[I62608_A_TRIES]) != 4)) {
		r->err = -EBADMSG;
		return NL_OK;
	}
	id = nla_get_u32(tb[I62608_A_REQUEST_ID]);
	s = slot_of(r, id);
	if (!r->slot_id[s]) {
		r->foreign++;
		return NL_OK;
	}
	q = &r->req[r->slot_idx[s]];
	if (q->outcome) {
		/* One outcome per request (protocol.md 11.5). */
		r->err = -EPROTO;
		return NL_OK;
	}
	q->t_done = t;
	q->outcome = nla_get_u8(tb[I62608_A_OUTCOME]);
	if (!q->outcome || q->outcome > I62608_OUTCOME_MAX) {
		r->err = -EBADMSG;
		q->outcome = I62608_OUTCOME_MAX + 1;
	}
	q->tries = tb[I62608_A_TRIES] ? nla_get_u32(tb[I62608_A_TRIES]) : 0;
	r->done++;
	r->inflight--;
	return NL_OK;
}

struct send_reply {
	uint32_t id;
	bool got;
};

static int send_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct send_reply *s = arg;

	if (!i62608_nl_parse(msg, tb) && tb[I62608_A_REQUEST_ID] &&
	    nla_len(tb[I62608_A_REQUEST_ID]) == 4) {
		s->id = nla_get_u32(tb[I62608_A_REQUEST_ID]);
		s->got = true;
	}
	return NL_OK;
}

static int send_one(struct i62608_nl *nl, const uint8_t mac[6], uint32_t ifindex,
		    const struct req *q, uint32_t *id)
{
	struct nl_msg *msg = i62608_nl_msg(nl, I62608_CMD_CONFIG_SEND, 0);
	struct send_reply s = {};
	int err;

	if (!msg || nla_put(msg, I62608_A_MAC, 6, mac) ||
	    nla_put_u32(msg, I62608_A_IFINDEX, ifindex) ||
	    nla_put(msg, I62608_A_CONFIG, q->len, q->body)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = i62608_nl_transact(nl, msg, send_cb, &s);
	if (!err && !s.got)
		err = -EBADMSG;
	*id = s.id;
	return err;
}

/*
 * Agent @i's request of round @rnd: 10.62.0.0/16, host i + 2 (never the
 * network's first or last, nor the gateway .0.1), and a host name that
 * changes every round, so that every request applies something.
 */
static int encode(struct req *q, unsigned int i, unsigned int rnd)
{
	char err[CTL_ERR_LEN + 64], s[64];
	struct ctl_cfg cfg = {};

	snprintf(s, sizeof(s), "10.62.%u.%u/16", (i + 2) >> 8, (i + 2) & 255);
	if (ctl_cfg_add_ipv4(&cfg, s, err, sizeof(err)) ||
	    ctl_cfg_set_gw(&cfg, AF_INET, "10.62.0.1", err, sizeof(err)) ||
	    ctl_cfg_add_dns(&cfg, "10.62.0.1", err, sizeof(err)))
		goto bad;
	snprintf(s, sizeof(s), "bench-%u-r%u", i, rnd);
	if (ctl_cfg_set_hostname(&cfg, s, err, sizeof(err)))
		goto bad;
	q->len = ctl_cfg_encode(&cfg, q->body, sizeof(q->body), err, sizeof(err));
	if (q->len < 0)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "cfgload: request %u: %s\n", i, err);
	return -1;
}

/*
 * Wait up to @timeout_ms for events, then read every one the socket holds:
 * each read takes one notification, and one left waiting would be timed
 * late.
 */
static int pump(struct i62608_nl *ev, struct round *r, int timeout_ms)
{
	int err = i62608_nl_poll_events(ev, event_cb, r, timeout_ms);

	while (err > 0 && !r->err)
		err = i62608_nl_poll_events(ev, event_cb, r, 0);
	if (err == -ENOBUFS) {
		fprintf(stderr, "cfgload: notifications were lost (socket buffer)\n");
		return err;
	}
	if (err < 0) {
		fprintf(stderr, "cfgload: reading events: %s\n", strerror(-err));
		return err;
	}
	if (r->err) {
		fprintf(stderr, "cfgload: a CONFIG_RESULT_NTF %s\n",
			r->err == -EPROTO ? "came twice for one request" :
			"does not decode");
		return r->err;
	}
	return 0;
}

static int run_round(struct i62608_nl *nl, struct i62608_nl *ev,
		     const struct agent_list *l, struct round *r,
		     unsigned int window, unsigned int timeout_ms)
{
	uint64_t end = bench_now_ns() + (uint64_t)timeout_ms * 1000000;
	unsigned int next = 0;
	int err;

	r->done = 0;
	r->inflight = 0;
	while (r->done < r->n) {
		uint64_t now;

		while (r->inflight < window && next < r->n) {
			struct req *q = &r->req[next];
			unsigned int s;

			q->t_send = bench_now_ns();
			err = send_one(nl, l->mac[next], l->ifindex[next], q, &q->id);
			if (err) {
				char mac[18];

				out_fmt_mac(mac, sizeof(mac), l->mac[next]);
				fprintf(stderr, "cfgload: config send %s: %s%s%s%s\n", mac,
					strerror(-err), nl->errmsg[0] ? " (" : "",
					nl->errmsg, nl->errmsg[0] ? ")" : "");
				return err;
			}
			s = slot_of(r, q->id);
			if (r->slot_id[s]) {
				fprintf(stderr, "cfgload: the kernel gave id %u twice\n", q->id);
				return -EPROTO;
			}
			r->slot_id[s] = q->id;
			r->slot_idx[s] = next++;
			r->inflight++;
			err = pump(ev, r, 0);
			if (err)
				return err;
		}
		if (r->done == r->n)
			break;
		now = bench_now_ns();
		if (now >= end) {
			fprintf(stderr, "cfgload: %u of %u outcomes after %u ms\n",
				r->done, r->n, timeout_ms);
			return -ETIMEDOUT;
		}
		err = pump(ev, r, (int)((end - now) / 1000000) + 1);
		if (err)
			return err;
	}
	return 0;
}

/* min, median, max of @n values (sorted in place). */
static void out_spread(struct out *o, const char *key, uint64_t *v, size_t n)
{
	out_obj_open(o, key);
	out_u64(o, "min", bench_pct(v, n, 1));
	out_u64(o, "median", bench_pct(v, n, 50));
	out_u64(o, "max", bench_pct(v, n, 100));
	out_obj_close(o);
}

static void usage(FILE *f)
{
	fputs("usage: cfgload [--agents N] [--window W] [--rounds R] [--timeout MS]\n"
	      "               [--label NAME] [-j]\n", f);
}

static int number(const char *opt, const char *s, unsigned long min,
		  unsigned long max, unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n < min || n > max) {
		fprintf(stderr, "cfgload: %s: '%s' is not a number from %lu to %lu\n",
			opt, s, min, max);
		return -1;
	}
	*v = (unsigned int)n;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "agents", 1, NULL, 'a' }, { "window", 1, NULL, 'w' },
		{ "rounds", 1, NULL, 'r' }, { "timeout", 1, NULL, 't' },
		{ "label", 1, NULL, 'l' }, { "json", 0, NULL, 'j' },
		{ "help", 0, NULL, 'h' }, { 0 }
	};
	unsigned int agents = 1000, window = 256, rounds = 5, timeout_ms = 600000;
	uint64_t outcomes[I62608_OUTCOME_MAX + 2] = {}, retrans = 0;
	uint64_t *lat, *rate, *p50, *p99;
	struct i62608_nl nl = {}, ev = {};
	struct agent_list l = {};
	const char *label = "config";
	struct round r = {};
	size_t n_lat = 0;
	bool json = false;
	int opt, err, fd, size = EVENTS_RCVBUF;
	struct out *o;

	while ((opt = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (number("--agents", optarg, 1, MAX_AGENTS, &agents))
				return 2;
			break;
		case 'w':
			if (number("--window", optarg, 1, MAX_WINDOW, &window))
				return 2;
			break;
		case 'r':
			if (number("--rounds", optarg, 1, 1000, &rounds))
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
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	err = i62608_nl_open(&nl);
	if (!err)
		err = i62608_nl_open(&ev);
	if (!err)
		err = i62608_nl_subscribe(&ev);
	if (err) {
		fprintf(stderr, "cfgload: %s\n", nl.errmsg[0] ? nl.errmsg :
			ev.errmsg[0] ? ev.errmsg : strerror(-err));
		return 1;
	}
	/* Beyond net.core.rmem_max, with CAP_NET_ADMIN; best effort. */
	fd = i62608_nl_fd(&ev);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));

	err = i62608_nl_dump(&nl, I62608_CMD_AGENT_GET, NULL, agent_cb,
			     agent_reset, &l);
	if (!err)
		err = l.err;
	if (err) {
		fprintf(stderr, "cfgload: agent list: %s\n", strerror(-err));
		return 1;
	}
	if (l.n < agents) {
		fprintf(stderr, "cfgload: %zu agents with a session take configuration, not %u\n",
			l.n, agents);
		return 1;
	}
	if (sort_agents(&l))
		return 1;

	r.n = agents;
	r.family = ev.family;
	for (r.slots = 1; r.slots < 2 * agents; r.slots <<= 1)
		;
	r.req = calloc(agents, sizeof(*r.req));
	r.slot_id = calloc(r.slots, sizeof(*r.slot_id));
	r.slot_idx = calloc(r.slots, sizeof(*r.slot_idx));
	lat = calloc((size_t)rounds * agents, sizeof(*lat));
	rate = calloc(rounds, sizeof(*rate));
	p50 = calloc(rounds, sizeof(*p50));
	p99 = calloc(rounds, sizeof(*p99));
	if (!r.req || !r.slot_id || !r.slot_idx || !lat || !rate || !p50 || !p99)
		return 1;

	for (unsigned int k = 0; k < rounds; k++) {
		uint64_t first = UINT64_MAX, last = 0, *rl = lat + n_lat;

		/*
		 * Encoded beforehand: the time measured is the module's and
		 * the agents'. With the ids forgotten, an outcome read now
		 * (of another program's request) is not this round's.
		 */
		memset(r.slot_id, 0, r.slots * sizeof(*r.slot_id));
		memset(r.req, 0, agents * sizeof(*r.req));
		for (unsigned int i = 0; i < agents; i++)
			if (encode(&r.req[i], i, k + 1))
				return 1;
		if (pump(&ev, &r, 0))
			return 1;
		if (run_round(&nl, &ev, &l, &r, window, timeout_ms))
			return 1;
		for (unsigned int i = 0; i < agents; i++) {
			const struct req *q = &r.req[i];

			first = q->t_send < first ? q->t_send : first;
			last = q->t_done > last ? q->t_done : last;
			lat[n_lat++] = (q->t_done - q->t_send) / 1000;
			outcomes[q->outcome]++;
			retrans += q->tries > 1 ? q->tries - 1 : 0;
		}
		rate[k] = (uint64_t)agents * 1000000000ull /
			  (last > first ? last - first : 1);
		p50[k] = bench_pct(rl, agents, 50);
		p99[k] = bench_pct(rl, agents, 99);
	}

	o = out_new(stdout, json ? OUT_JSON : OUT_TEXT, false);
	out_obj_open(o, NULL);
	out_str(o, "label", label);
	out_u64(o, "agents", agents);
	out_u64(o, "window", window);
	out_u64(o, "rounds", rounds);
	out_spread(o, "completed_per_s", rate, rounds);
	out_spread(o, "round_p50_us", p50, rounds);
	out_spread(o, "round_p99_us", p99, rounds);
	out_obj_open(o, "all_requests");
	out_u64(o, "samples", n_lat);
	out_u64(o, "min_us", bench_pct(lat, n_lat, 1));
	out_u64(o, "p50_us", bench_pct(lat, n_lat, 50));
	out_u64(o, "p99_us", bench_pct(lat, n_lat, 99));
	out_u64(o, "max_us", bench_pct(lat, n_lat, 100));
	out_obj_close(o);
	out_obj_open(o, "outcomes");
	out_u64(o, "acked", outcomes[I62608_OUTCOME_ACKED]);
	out_u64(o, "nacked", outcomes[I62608_OUTCOME_NACKED]);
	out_u64(o, "timeout", outcomes[I62608_OUTCOME_TIMEOUT]);
	out_u64(o, "agent_lost", outcomes[I62608_OUTCOME_AGENT_LOST]);
	out_u64(o, "cancelled", outcomes[I62608_OUTCOME_CANCELLED]);
	out_obj_close(o);
	out_u64(o, "retransmissions", retrans);
	out_u64(o, "foreign_results", r.foreign);
	out_obj_close(o);
	out_free(o);

	i62608_nl_close(&ev);
	i62608_nl_close(&nl);
	free(r.req);
	free(r.slot_id);
	free(r.slot_idx);
	free(l.mac);
	free(l.ifindex);
	free(lat);
	free(rate);
	free(p50);
	free(p99);
	return 0;
}
