// SPDX-License-Identifier: GPL-2.0
/*
 * secload: the load generator of the security benchmark (bench/security.sh,
 * docs/benchmarks.md). It plays many agents on one interface, each with
 * its own MAC address (all with one static key, which the configurator
 * must trust: the script opens the pairing window), and speaks the real
 * protocol through kernel/noise.c and kernel/wire.c. Numbers only.
 *
 *   secload hs   -i IF --dst MAC [--agents N] [--windows K] [--window MS]
 *                [--inflight Q] [--init-only]
 *   secload rate -i IF --dst MAC [--agents N] [--windows K] [--window MS]
 *                [--pool N] [--cpu C]
 *   secload spoof -i IF --dst MAC --mac MAC
 *
 * hs: complete handshakes per second: Q handshakes in flight (each agent
 *   one at a time, HS_INIT -> HS_RESP -> HS_FINISH -> SESSION_CONFIRM,
 *   which is opened to prove the keys); one line per window of MS, then
 *   min/median/max. --init-only measures HS_INIT -> HS_RESP only: the
 *   configurator's share of the work (its ephemeral key and two X25519),
 *   with no crypto here (one fixed HS_INIT), so that this side is never
 *   the bottleneck.
 *
 * rate: N agents with a session (protected REPORT held) and N without
 *   (plaintext REPORT held); then windows alternate plaintext and
 *   protected HEARTBEATs, sent unpaced round robin over the agents from
 *   CPU C. Every protected frame is sealed before the windows start (a
 *   pool of N frames, consecutive counters per session), so the sender
 *   does the same work per frame in both kinds of window. Per window:
 *   frames sent per second and CPU C's busy time per frame (/proc/stat):
 *   veth delivers in the sender's softirq, so that is the receive cost.
 *   Whether the kernel accepted them all is for the script to check
 *   (stats drops and agent counters).
 *
 * spoof: for selftests/i62608/security.sh, a hostile device: one
 *   handshake from another device's MAC with a fresh key, the HS_INIT sent
 *   again every second for up to 5 s. Prints and exits with the outcome:
 *   0 "rejected" (HS_REJECT), 1 "accepted" (SESSION_CONFIRM), 3 "timeout".
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "noise.h"

#define ETH_HLEN_	14
#define MAX_AGENTS	4096
#define EPOCH		0x5ec10ad1
#define HB_TTL		600
#define HS_TIMEOUT_NS	5000000000ULL	/* as the kernel */

struct vagent {
	u8 mac[6];
	struct i62608_hs hs;
	bool busy;			/* a handshake in flight */
	u32 msg_id;
	u64 started_ns;
	u16 local_id;			/* the key id we receive on */
	u16 remote_id;			/* the configurator's */
	u8 send_key[I62608_KEY_LEN];
	u8 recv_key[I62608_KEY_LEN];
	bool session;
	u64 counter;
};

static struct {
	int fd;
	int ifindex;
	u8 dst[6];
	unsigned int agents, windows, window_ms, inflight, pool, cpu;
	bool init_only;
	bool spoof;
	int outcome;			/* spoof: 0 rejected, 1 accepted */
	struct i62608_keypair key;
	struct vagent *va;
	u32 msg_id;
} g = {
	.agents = 64, .windows = 5, .window_ms = 2000, .inflight = 32,
	.pool = 200000,
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* min/median/max of @n values (sorted in place). */
static void summary(const char *what, double *v, unsigned int n, const char *unit)
{
	qsort(v, n, sizeof(*v), cmp_d);
	printf("%-28s min %10.1f  median %10.1f  max %10.1f  %s (%u windows)\n",
	       what, v[0], v[n / 2], v[n - 1], unit, n);
}

/* ------------------------------------------------------------------ */
/* Link                                                                */
/* ------------------------------------------------------------------ */

static void link_open(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(I62608_ETHERTYPE),
	};
	int one = 1;

	g.ifindex = (int)if_nametoindex(ifname);
	if (!g.ifindex)
		die(ifname);
	g.fd = socket(AF_PACKET, SOCK_RAW, htons(I62608_ETHERTYPE));
	if (g.fd < 0)
		die("socket");
	sll.sll_ifindex = g.ifindex;
	if (bind(g.fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	/* Straight to the driver: the qdisc is not what is measured. */
	setsockopt(g.fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
}

/* Send @len bytes of message from @src; 0 or -1 (no buffer: try again). */
static int link_send(const u8 src[6], const u8 *msg, size_t len)
{
	u8 frame[ETH_HLEN_ + I62608_MAX_MSG];

	memcpy(frame, g.dst, 6);
	memcpy(frame + 6, src, 6);
	put_unaligned_be16(I62608_ETHERTYPE, frame + 12);
	memcpy(frame + ETH_HLEN_, msg, len);
	if (send(g.fd, frame, ETH_HLEN_ + len, 0) < 0) {
		if (errno == ENOBUFS || errno == EAGAIN)
			return -1;
		die("send");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

static struct vagent *agent_by_mac(const u8 *mac)
{
	unsigned int i = g.spoof ? 0 : (unsigned int)mac[4] << 8 | mac[5];

	if (i < g.agents && !memcmp(g.va[i].mac, mac, 6))
		return &g.va[i];
	return NULL;
}

static void hs_init_msg(struct vagent *a, const u8 msg1[I62608_HS1_LEN])
{
	struct i62608_w_hdr h = { .type = I62608_MSG_HS_INIT, .epoch = EPOCH };
	u8 buf[128];
	struct i62608_w w;
	int len;

	a->msg_id = h.msg_id = ++g.msg_id;
	h.counter = g.msg_id;
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	i62608_w_tlv(&w, I62608_TLV_HS_MSG, msg1, I62608_HS1_LEN);
	i62608_w_u16(&w, I62608_TLV_HS_KEY_ID, a->local_id);
	len = i62608_w_finish(&w);
	if (len < 0)
		abort();
	while (link_send(a->mac, buf, (size_t)len))
		sched_yield();
	a->busy = true;
	a->started_ns = now_ns();
}

static void hs_start(struct vagent *a, const u8 *fixed_msg1)
{
	u8 prologue[I62608_PROLOGUE_MAX], msg1[I62608_HS1_LEN];
	size_t plen = i62608_hs_prologue(prologue, a->mac, g.dst);

	a->local_id = (u16)(1 + (a - g.va));
	if (fixed_msg1) {
		hs_init_msg(a, fixed_msg1);
		return;
	}
	i62608_hs_init(&a->hs, true, &g.key, prologue, plen);
	if (i62608_hs_write1(&a->hs, msg1))
		abort();
	hs_init_msg(a, msg1);
}

/* HS_RESP: write HS_FINISH. Returns false if it does not verify. */
static bool hs_resp(struct vagent *a, const struct i62608_frame *m)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_HS_FINISH, .msg_id = m->msg_id, .epoch = EPOCH,
	};
	struct i62608_elem hm, kid;
	u8 msg3[I62608_HS3_LEN], buf[160];
	struct i62608_w w;
	int len;

	if (!i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_MSG, &hm) ||
	    !i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_KEY_ID, &kid) ||
	    i62608_hs_read2(&a->hs, hm.val, hm.len) ||
	    i62608_hs_write3(&a->hs, msg3) ||
	    i62608_hs_split(&a->hs, a->send_key, a->recv_key))
		return false;
	a->remote_id = get_unaligned_be16(kid.val);
	h.counter = ++g.msg_id;
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	i62608_w_tlv(&w, I62608_TLV_HS_MSG, msg3, sizeof(msg3));
	len = i62608_w_finish(&w);
	if (len < 0)
		abort();
	while (link_send(a->mac, buf, (size_t)len))
		sched_yield();
	return true;
}

/*
 * Receive what the configurator sent to our agents for up to @wait_ms.
 * Returns the handshakes completed (SESSION_CONFIRM opened) or, with
 * --init-only, the HS_RESPs received.
 */
static unsigned int receive(int wait_ms)
{
	u8 frame[ETH_HLEN_ + I62608_MAX_MSG];
	struct pollfd p = { .fd = g.fd, .events = POLLIN };
	unsigned int done = 0;

	if (poll(&p, 1, wait_ms) <= 0)
		return 0;
	for (;;) {
		struct i62608_frame m;
		struct vagent *a;
		ssize_t n = recv(g.fd, frame, sizeof(frame), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return done;
			die("recv");
		}
		if (n < ETH_HLEN_ || !(a = agent_by_mac(frame)) ||
		    i62608_wire_hdr(frame + ETH_HLEN_, (size_t)n - ETH_HLEN_, &m) ||
		    !a->busy)
			continue;
		if (m.type == I62608_MSG_HS_RESP && m.msg_id == a->msg_id) {
			if (g.init_only) {
				a->busy = false;
				done++;
			} else if (!hs_resp(a, &m)) {
				a->busy = false;	/* restarted by the loop */
			}
		} else if (m.type == I62608_MSG_SESSION_CONFIRM &&
			   (m.flags & I62608_F_PROTECTED) &&
			   m.key_id == a->local_id) {
			if (i62608_frame_open(&m, frame + ETH_HLEN_, frame + 6,
					      a->recv_key)) {
				a->session = true;
				a->counter = 0;
				a->busy = false;
				done++;
			}
		} else if (m.type == I62608_MSG_HS_REJECT && g.spoof) {
			g.outcome = 0;
			a->busy = false;
		} else if (m.type == I62608_MSG_HS_REJECT) {
			fprintf(stderr, "secload: HS_REJECT: is the pairing window open?\n");
			exit(1);
		}
	}
}

/* ------------------------------------------------------------------ */
/* hs                                                                  */
/* ------------------------------------------------------------------ */

static void run_hs(void)
{
	u8 fixed[I62608_HS1_LEN];
	double *rate = calloc(g.windows, sizeof(*rate));
	unsigned int w, i, next = 0, timeouts = 0;

	if (!rate)
		die("calloc");
	if (g.init_only) {
		struct i62608_keypair e;

		i62608_cr_x25519_gen(e.priv);
		if (!i62608_cr_x25519_pub(fixed, e.priv))
			abort();
	}
	for (w = 0; w < g.windows; w++) {
		u64 start = now_ns(), end = start + (u64)g.window_ms * 1000000;
		unsigned int done = 0, busy;

		for (;;) {
			u64 t = now_ns();

			if (t >= end)
				break;
			busy = 0;
			for (i = 0; i < g.agents; i++) {
				struct vagent *a = &g.va[i];

				/* Lost (the kernel gives up after 5 s too): again. */
				if (a->busy && t - a->started_ns > HS_TIMEOUT_NS) {
					a->busy = false;
					timeouts++;
				}
				busy += a->busy;
			}
			while (busy < g.inflight) {
				struct vagent *a = &g.va[next];

				next = (next + 1) % g.agents;
				if (a->busy)
					continue;
				hs_start(a, g.init_only ? fixed : NULL);
				busy++;
			}
			done += receive(5);
		}
		rate[w] = done * 1e9 / (double)(now_ns() - start);
		printf("window %u: %u %s in %u ms: %.1f/s\n", w + 1, done,
		       g.init_only ? "HS_RESPs" : "handshakes", g.window_ms, rate[w]);
		fflush(stdout);
	}
	summary(g.init_only ? "HS_INIT -> HS_RESP per s" : "handshakes per s",
		rate, g.windows, "/s");
	printf("timeouts (lost, restarted): %u\n", timeouts);
	free(rate);
}

/* ------------------------------------------------------------------ */
/* spoof                                                               */
/* ------------------------------------------------------------------ */

static int run_spoof(void)
{
	static const char *const what[] = { "rejected", "accepted" };
	struct vagent *a = &g.va[0];
	u64 end = now_ns() + 5000000000ULL;

	g.outcome = -1;
	while (g.outcome < 0 && now_ns() < end) {
		if (!a->busy || now_ns() - a->started_ns > 1000000000ULL)
			hs_start(a, NULL);
		if (receive(100) && a->session)
			g.outcome = 1;
	}
	printf("%s\n", g.outcome < 0 ? "timeout" : what[g.outcome]);
	return g.outcome < 0 ? 3 : g.outcome;
}

/* ------------------------------------------------------------------ */
/* rate                                                                */
/* ------------------------------------------------------------------ */

/* CPU @cpu's busy time from /proc/stat, in clock ticks. */
static u64 cpu_busy(unsigned int cpu)
{
	char line[512], name[16];
	unsigned long long v[10] = { 0 };
	u64 busy = 0;
	FILE *f = fopen("/proc/stat", "r");
	int i;

	if (!f)
		die("/proc/stat");
	snprintf(name, sizeof(name), "cpu%u ", cpu);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, strlen(name)))
			continue;
		sscanf(line + strlen(name), "%llu %llu %llu %llu %llu %llu %llu %llu",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		for (i = 0; i < 8; i++)
			if (i != 3 && i != 4)	/* idle, iowait */
				busy += v[i];
		break;
	}
	fclose(f);
	return busy;
}

/* A message of @type from @a with @body, sealed if @a has a session. */
static size_t build(struct vagent *a, u8 type, u32 msg_id, const u8 *body,
		    size_t body_len, bool protect, u8 *out)
{
	struct i62608_w_hdr h = { .type = type, .msg_id = msg_id, .epoch = EPOCH };
	struct i62608_w w;
	int len;

	if (!protect)
		h.counter = ++g.msg_id;
	i62608_w_init(&w, out, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(&w, &h);
	memcpy(out + w.len, body, body_len);
	w.len += (u16)body_len;
	len = i62608_w_finish(&w);
	if (len >= 0 && protect)
		len = i62608_frame_seal(out, (size_t)len, I62608_MAX_MSG,
					a->remote_id, a->counter++, a->mac,
					a->send_key);
	if (len < 0)
		abort();
	return (size_t)len;
}

static size_t tlvs(u8 type, u8 *out)
{
	u8 tmp[128];
	struct i62608_w_hdr h = { .type = type, .epoch = EPOCH };
	struct i62608_w w;

	i62608_w_init(&w, tmp, sizeof(tmp));
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, HB_TTL);
	if (type == I62608_MSG_REPORT) {
		i62608_w_u32(&w, I62608_TLV_CAPABILITIES, I62608_CAP_SECURITY);
		i62608_w_u8(&w, I62608_TLV_DEVICE_TYPE, I62608_DEV_IOT);
	} else {
		i62608_w_u32(&w, I62608_TLV_REPORT_ID, 1);
	}
	if (i62608_w_finish(&w) < 0)
		abort();
	memcpy(out, tmp + sizeof(struct i62608_hdr), w.len - sizeof(struct i62608_hdr));
	return w.len - sizeof(struct i62608_hdr);
}

struct pool {
	u8 *buf;		/* frames, STRIDE bytes apart */
	u16 *len;
	u8 *src;		/* agent index */
	unsigned int n;
};

#define STRIDE 128

static void run_rate(void)
{
	unsigned int total = 2 * g.agents, i, w, k, pos = 0, plain_pos = 0;
	double *fps[2], *cost[2];
	u8 rep[64], hb[64], msg[I62608_MAX_MSG];
	size_t rep_len = tlvs(I62608_MSG_REPORT, rep);
	size_t hb_len = tlvs(I62608_MSG_HEARTBEAT, hb);
	struct pool pl = { 0 };
	long tick = sysconf(_SC_CLK_TCK);
	cpu_set_t set;

	for (k = 0; k < 2; k++) {
		fps[k] = calloc(g.windows, sizeof(double));
		cost[k] = calloc(g.windows, sizeof(double));
		if (!fps[k] || !cost[k])
			die("calloc");
	}
	/* Sessions for the first half. */
	for (;;) {
		unsigned int busy = 0, have = 0;

		for (i = 0; i < g.agents; i++) {
			struct vagent *a = &g.va[i];

			have += a->session;
			if (a->busy && now_ns() - a->started_ns > HS_TIMEOUT_NS)
				a->busy = false;
			busy += a->busy;
			if (!a->session && !a->busy && busy < g.inflight) {
				hs_start(a, NULL);
				busy++;
			}
		}
		if (have == g.agents)
			break;
		receive(10);
	}
	/* Each agent reports once (msg_id 1), protected or not. */
	for (i = 0; i < total; i++) {
		struct vagent *a = &g.va[i];
		size_t n = build(a, I62608_MSG_REPORT, 1, rep, rep_len, a->session, msg);

		while (link_send(a->mac, msg, n))
			sched_yield();
	}
	usleep(500000);

	/* The pool of sealed HEARTBEATs, and one plaintext per agent. */
	pl.n = g.pool;
	pl.buf = malloc((size_t)pl.n * STRIDE);
	pl.len = malloc(pl.n * sizeof(*pl.len));
	pl.src = malloc(pl.n);
	if (!pl.buf || !pl.len || !pl.src)
		die("malloc");
	for (i = 0; i < pl.n; i++) {
		struct vagent *a = &g.va[i % g.agents];

		pl.len[i] = (u16)build(a, I62608_MSG_HEARTBEAT, 2, hb, hb_len, true,
				       pl.buf + (size_t)i * STRIDE);
		pl.src[i] = (u8)(i % g.agents);
	}
	CPU_ZERO(&set);
	CPU_SET(g.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");

	for (w = 0; w < 2 * g.windows; w++) {
		bool prot = w & 1;
		u64 start = now_ns(), end = start + (u64)g.window_ms * 1000000, t;
		u64 c0 = cpu_busy(g.cpu), sent = 0;

		do {
			for (k = 0; k < 64; k++) {
				if (prot) {
					if (pos == pl.n)
						break;
					if (!link_send(g.va[pl.src[pos]].mac,
						       pl.buf + (size_t)pos * STRIDE,
						       pl.len[pos])) {
						pos++;
						sent++;
					}
				} else {
					struct vagent *a = &g.va[g.agents +
								 plain_pos % g.agents];
					size_t n = build(a, I62608_MSG_HEARTBEAT, 2, hb,
							 hb_len, false, msg);

					if (!link_send(a->mac, msg, n)) {
						plain_pos++;
						sent++;
					}
				}
			}
			t = now_ns();
		} while (t < end && !(prot && pos == pl.n));
		fps[prot][w / 2] = sent * 1e9 / (double)(t - start);
		cost[prot][w / 2] = sent ? (double)(cpu_busy(g.cpu) - c0) * 1e9 /
			(double)tick / (double)sent : 0;
		printf("window %u %-9s: %9llu frames in %6.0f ms: %10.1f frames/s, %8.1f ns CPU/frame%s\n",
		       w / 2 + 1, prot ? "protected" : "plaintext",
		       (unsigned long long)sent, (double)(t - start) / 1e6,
		       fps[prot][w / 2], cost[prot][w / 2],
		       prot && pos == pl.n ? " (pool used up)" : "");
		fflush(stdout);
	}
	summary("plaintext HEARTBEAT frames/s", fps[0], g.windows, "frames/s");
	summary("protected HEARTBEAT frames/s", fps[1], g.windows, "frames/s");
	summary("plaintext CPU per frame", cost[0], g.windows, "ns");
	summary("protected CPU per frame", cost[1], g.windows, "ns");
	printf("sent: plaintext %u, protected %u\n", plain_pos, pos);
}

/* ------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr,
		"usage: secload hs|rate -i IF --dst MAC [--agents N] [--windows K]\n"
		"       [--window MS] [--inflight Q] [--init-only] [--pool N] [--cpu C]\n"
		"       secload spoof -i IF --dst MAC --mac MAC\n");
	exit(2);
}

static unsigned int num(const char *s, unsigned int min, unsigned int max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v < min || v > max) {
		fprintf(stderr, "secload: '%s' is not a number from %u to %u\n",
			s, min, max);
		exit(2);
	}
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "agents", required_argument, NULL, 'n' },
		{ "windows", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'w' },
		{ "inflight", required_argument, NULL, 'q' },
		{ "init-only", no_argument, NULL, 'I' },
		{ "pool", required_argument, NULL, 'P' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "mac", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *mode, *spoof_mac = NULL;
	bool have_dst = false;
	unsigned int i;
	int c;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'd':
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
				   &g.dst[0], &g.dst[1], &g.dst[2], &g.dst[3],
				   &g.dst[4], &g.dst[5]) != 6)
				usage();
			have_dst = true;
			break;
		case 'n': g.agents = num(optarg, 1, 256); break;
		case 'k': g.windows = num(optarg, 1, 1000); break;
		case 'w': g.window_ms = num(optarg, 100, 600000); break;
		case 'q': g.inflight = num(optarg, 1, 64); break;
		case 'I': g.init_only = true; break;
		case 'P': g.pool = num(optarg, 1000, 10000000); break;
		case 'c': g.cpu = num(optarg, 0, 1023); break;
		case 'm': spoof_mac = optarg; break;
		default: usage();
		}
	}
	g.spoof = !strcmp(mode, "spoof");
	if (!ifname || !have_dst || optind != argc || !g.spoof != !spoof_mac ||
	    (strcmp(mode, "hs") && strcmp(mode, "rate") && !g.spoof))
		usage();
	if (g.spoof)
		g.agents = 1;

	/* Twice the agents in rate mode: half with sessions, half without. */
	g.va = calloc(2 * g.agents, sizeof(*g.va));
	if (!g.va)
		die("calloc");
	for (i = 0; i < 2 * g.agents; i++) {
		u8 *m = g.va[i].mac;

		m[0] = 0x02;
		m[1] = 0x5e;
		m[2] = 0xc1;
		m[3] = 0x0a;
		m[4] = (u8)(i >> 8);
		m[5] = (u8)i;
	}
	if (spoof_mac &&
	    sscanf(spoof_mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &g.va[0].mac[0],
		   &g.va[0].mac[1], &g.va[0].mac[2], &g.va[0].mac[3],
		   &g.va[0].mac[4], &g.va[0].mac[5]) != 6)
		usage();
	i62608_cr_x25519_gen(g.key.priv);
	if (!i62608_cr_x25519_pub(g.key.pub, g.key.priv))
		abort();
	link_open(ifname);
	if (g.spoof)
		return run_spoof();
	if (!strcmp(mode, "hs"))
		run_hs();
	else
		run_rate();
	return 0;
}
