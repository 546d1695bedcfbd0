// SPDX-License-Identifier: GPL-2.0
/*
 * l2recv: the configurator's receive path done in userspace, the
 * alternative the kernel module is measured against (docs/benchmarks.md).
 *
 * One AF_PACKET socket with a TPACKET_V3 ring (no system call per frame),
 * every frame checked by kernel/wire.c in the order kernel/rx.c checks it
 * (header, source address, own frames, protection, the message's TLVs),
 * and an agent table kept the way kernel/agent.c keeps it: entries keyed
 * by MAC in a hash table, created by DISCOVER, REPORT or HEARTBEAT, with
 * last seen, expiry, counters and epoch, the REPORT held as a copy with
 * its summary, removed by BYE, bounded in size. What it leaves out: the
 * token bucket (the benchmark runs the module with rate 0, where the
 * module only reads the parameter), aging (not measured) and answers: it
 * sends nothing, and counts where the module would send an ADVERTISE.
 *
 *   l2recv -i IFNAME [--stats FILE] [--max-agents N] [-j]
 *
 * FILE receives the counters as they change (struct l2recv_stats in a
 * shared mapping) for l2rate; it appears once the socket is bound.
 * SIGTERM or SIGINT prints the counters and exits.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "nl.h"
#include "output.h"
#include "wire.h"

#define HT_BITS		12
#define RING_BLOCK	(1u << 20)
#define RING_BLOCKS	16u
#define RING_FRAME	2048u
/* A block is handed over after this long even when not full (ms). */
#define RING_TOV_MS	10u

struct blob {
	struct i62608_summary sum;
	bool partial;
	u16 len;
	u8 data[];
};

struct entry {
	struct entry *next;
	u8 mac[ETH_ALEN];
	u8 state;		/* enum i62608_agent_state */
	u16 ttl;
	u32 epoch;
	u32 report_id;
	u64 first_seen, last_seen, expires;	/* CLOCK_MONOTONIC ns */
	u64 rx_frames, rx_bytes;
	u32 reports, restarts;
	struct blob *report;
};

struct rx {
	struct entry *ht[1u << HT_BITS];
	u64 seed;
	unsigned int max_agents;
	u8 own[ETH_ALEN];
	struct l2recv_stats *st;
	u64 drops[I62608_DROP_MAX + 1];
	u64 pending_ttl_ns;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static unsigned int ht_slot(const struct rx *r, const u8 *mac)
{
	u64 k = 0;

	memcpy(&k, mac, ETH_ALEN);
	return (unsigned int)(((k ^ r->seed) * 0x9e3779b97f4a7c15ull) >> (64 - HT_BITS));
}

static struct entry *lookup(struct rx *r, const u8 *mac)
{
	struct entry *e;

	for (e = r->ht[ht_slot(r, mac)]; e; e = e->next)
		if (!memcmp(e->mac, mac, ETH_ALEN))
			return e;
	return NULL;
}

/* A new entry, or NULL (and a drop reason) when full or out of memory. */
static struct entry *create(struct rx *r, const u8 *mac, u32 epoch, u64 now,
			    int *reason)
{
	unsigned int slot = ht_slot(r, mac);
	struct entry *e;

	if (r->st->entries >= r->max_agents) {
		*reason = I62608_DROP_TABLE_FULL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		*reason = I62608_DROP_NOMEM;
		return NULL;
	}
	memcpy(e->mac, mac, ETH_ALEN);
	e->state = I62608_AGENT_DISCOVERED;
	e->epoch = epoch;
	e->first_seen = e->last_seen = now;
	e->expires = now + r->pending_ttl_ns;
	e->next = r->ht[slot];
	r->ht[slot] = e;
	r->st->entries++;
	return e;
}

static void set_state(struct rx *r, struct entry *e, u8 state)
{
	if (e->state == I62608_AGENT_REPORTED)
		r->st->reported--;
	if (state == I62608_AGENT_REPORTED)
		r->st->reported++;
	e->state = state;
}

static void destroy(struct rx *r, struct entry *e)
{
	struct entry **p = &r->ht[ht_slot(r, e->mac)];

	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	set_state(r, e, I62608_AGENT_LOST);
	r->st->entries--;
	free(e->report);
	free(e);
}

/* Account a frame from @e; a new epoch is a restart (kernel/rx.c). */
static void touch(struct rx *r, struct entry *e, const struct i62608_frame *m,
		  u64 now)
{
	e->last_seen = now;
	e->rx_frames++;
	e->rx_bytes += m->length;
	if (e->epoch != m->epoch) {
		e->epoch = m->epoch;
		e->restarts++;
		free(e->report);
		e->report = NULL;
		e->report_id = 0;
		set_state(r, e, I62608_AGENT_DISCOVERED);
		e->expires = now + r->pending_ttl_ns;
	}
}

static int rx_discover(struct rx *r, struct entry *e, const u8 *src,
		       const struct i62608_frame *m, u64 now)
{
	int reason = 0;

	if (!e && !(e = create(r, src, m->epoch, now, &reason)))
		return reason;
	touch(r, e, m, now);
	if (e->state == I62608_AGENT_DISCOVERED)
		e->expires = now + r->pending_ttl_ns;
	r->st->asks++;
	return 0;
}

static int rx_report(struct rx *r, struct entry *e, const u8 *src,
		     const struct i62608_frame *m, u64 now)
{
	struct blob *b;
	int reason = 0;

	b = malloc(sizeof(*b) + m->body_len);
	if (!b)
		return I62608_DROP_NOMEM;
	i62608_report_summary(m->body, m->body_len, &b->sum);
	b->partial = m->flags & I62608_F_PARTIAL;
	b->len = m->body_len;
	memcpy(b->data, m->body, m->body_len);
	if (!e && !(e = create(r, src, m->epoch, now, &reason))) {
		free(b);
		return reason;
	}
	touch(r, e, m, now);
	/* A retransmission of the REPORT held changes nothing. */
	if (e->report_id == m->msg_id && e->report) {
		free(b);
	} else {
		free(e->report);
		e->report = b;
		e->report_id = m->msg_id;
		e->reports++;
		r->st->reports++;
		set_state(r, e, I62608_AGENT_REPORTED);
	}
	e->ttl = e->report->sum.ttl;
	e->expires = now + (u64)e->ttl * 1000000000ull;
	return 0;
}

static int rx_heartbeat(struct rx *r, struct entry *e, const u8 *src,
			const struct i62608_frame *m, u64 now)
{
	struct i62608_elem t;
	u32 report_id = 0;
	int reason = 0;
	u16 ttl = 0;

	/* Validated: both are present and of the right size. */
	if (i62608_tlv_find(m->body, m->body_len, I62608_TLV_TTL, &t))
		ttl = get_unaligned_be16(t.val);
	if (i62608_tlv_find(m->body, m->body_len, I62608_TLV_REPORT_ID, &t))
		report_id = get_unaligned_be32(t.val);
	if (!e && !(e = create(r, src, m->epoch, now, &reason)))
		return reason;
	touch(r, e, m, now);
	e->ttl = ttl;
	if (e->state != I62608_AGENT_REPORTED || e->report_id != report_id) {
		/* The module would ask for the REPORT (ADVERTISE). */
		r->st->asks++;
		return 0;
	}
	e->expires = now + (u64)ttl * 1000000000ull;
	r->st->fast++;
	return 0;
}

/* Mirrors i62608_rcv(): cheapest checks first, nothing trusted unchecked. */
static void rx_frame(struct rx *r, const u8 *frame, unsigned int len)
{
	const u8 *src = frame + ETH_ALEN;
	struct i62608_frame m;
	struct entry *e;
	int reason;
	u64 now;

	r->st->frames++;
	if (len < ETH_HLEN) {
		reason = I62608_DROP_TRUNCATED;
		goto drop;
	}
	len -= ETH_HLEN;
	if (len > I62608_MAX_MSG)
		len = I62608_MAX_MSG;
	reason = i62608_wire_hdr(frame + ETH_HLEN, len, &m);
	if (reason)
		goto drop;
	if ((src[0] & 1) || !(src[0] | src[1] | src[2] | src[3] | src[4] | src[5])) {
		reason = I62608_DROP_SRC_MAC;
		goto drop;
	}
	if (!memcmp(src, r->own, ETH_ALEN)) {
		reason = I62608_DROP_OWN;
		goto drop;
	}
	if (m.flags & I62608_F_PROTECTED) {
		reason = I62608_DROP_PROTECTED;
		goto drop;
	}
	now = bench_now_ns();
	e = lookup(r, src);
	reason = i62608_wire_validate(&m);
	if (reason)
		goto drop;
	switch (m.type) {
	case I62608_MSG_DISCOVER:
		reason = rx_discover(r, e, src, &m, now);
		break;
	case I62608_MSG_REPORT:
		reason = rx_report(r, e, src, &m, now);
		break;
	case I62608_MSG_HEARTBEAT:
		reason = rx_heartbeat(r, e, src, &m, now);
		break;
	case I62608_MSG_BYE:
		if (e)
			destroy(r, e);
		break;
	default:
		reason = I62608_DROP_TYPE;
	}
	if (reason)
		goto drop;
	r->st->handled++;
	return;
drop:
	r->st->dropped++;
	r->drops[reason]++;
}

static int open_ring(const char *ifname, u8 *own, u8 **map)
{
	struct tpacket_req3 req = {
		.tp_block_size = RING_BLOCK,
		.tp_block_nr = RING_BLOCKS,
		.tp_frame_size = RING_FRAME,
		.tp_frame_nr = RING_BLOCK / RING_FRAME * RING_BLOCKS,
		.tp_retire_blk_tov = RING_TOV_MS,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(I62608_ETHERTYPE),
	};
	int v = TPACKET_V3, fd;
	struct ifreq ifr = { 0 };

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "l2recv: no interface '%s'\n", ifname);
		return -1;
	}
	/* Protocol 0 until bound: nothing is queued before the ring exists. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("l2recv: packet socket");
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		perror("l2recv: SIOCGIFHWADDR");
		goto err;
	}
	memcpy(own, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req))) {
		perror("l2recv: TPACKET_V3 ring");
		goto err;
	}
	*map = mmap(NULL, (size_t)RING_BLOCK * RING_BLOCKS, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (*map == MAP_FAILED) {
		perror("l2recv: mmap of the ring");
		goto err;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("l2recv: bind");
		goto err;
	}
	return fd;
err:
	close(fd);
	return -1;
}

/*
 * The counters, in a shared mapping of @tmp; main() renames it to its
 * final name once the ring is bound, so a reader that finds the file
 * knows every frame from then on is counted.
 */
static struct l2recv_stats *open_stats(const char *tmp)
{
	struct l2recv_stats *st;
	int fd;

	if (!tmp)
		return calloc(1, sizeof(*st));
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, sizeof(*st))) {
		fprintf(stderr, "l2recv: %s: %s\n", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (st == MAP_FAILED) {
		fprintf(stderr, "l2recv: %s: %s\n", tmp, strerror(errno));
		return NULL;
	}
	st->magic = L2RECV_MAGIC;
	return st;
}

/* The ring's drop counter (reading it resets it in the kernel). */
static void ring_drops(int fd, struct l2recv_stats *st)
{
	struct tpacket_stats_v3 s;
	socklen_t len = sizeof(s);

	if (!getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &s, &len))
		st->ring_drops += s.tp_drops;
}

static void print(const struct rx *r, bool json)
{
	struct out *o = out_new(stdout, json ? OUT_JSON : OUT_TEXT, false);
	const struct l2recv_stats *st = r->st;

	out_obj_open(o, NULL);
	out_u64(o, "frames", st->frames);
	out_u64(o, "handled", st->handled);
	out_u64(o, "dropped", st->dropped);
	out_u64(o, "fast", st->fast);
	out_u64(o, "asks", st->asks);
	out_u64(o, "reports", st->reports);
	out_u64(o, "entries", st->entries);
	out_u64(o, "reported", st->reported);
	out_u64(o, "ring_drops", st->ring_drops);
	out_obj_open(o, "drops");
	for (unsigned int i = 1; i <= I62608_DROP_MAX; i++)
		out_u64(o, i62608_drop_name(i), r->drops[i]);
	out_obj_close(o);
	out_obj_close(o);
	out_free(o);
}

static void usage(FILE *f)
{
	fputs("usage: l2recv -i IFNAME [--stats FILE] [--max-agents N] [-j]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iface", 1, NULL, 'i' }, { "stats", 1, NULL, 's' },
		{ "max-agents", 1, NULL, 'm' }, { "json", 0, NULL, 'j' },
		{ "help", 0, NULL, 'h' }, { 0 }
	};
	static struct rx r = { .max_agents = 4096, .pending_ttl_ns = 15000000000ull };
	const char *ifname = NULL, *stats = NULL;
	char stats_tmp[4096];
	struct sigaction sa = { .sa_handler = on_signal };
	u64 last_stats = 0;
	unsigned int cur = 0;
	bool json = false;
	u8 *map;
	int fd, opt;

	while ((opt = getopt_long(argc, argv, "i:s:m:jh", lo, NULL)) != -1) {
		char *end;

		switch (opt) {
		case 'i': ifname = optarg; break;
		case 's': stats = optarg; break;
		case 'm':
			errno = 0;
			r.max_agents = (unsigned int)strtoul(optarg, &end, 10);
			if (errno || *end || !r.max_agents || r.max_agents > 65536) {
				fprintf(stderr, "l2recv: --max-agents: '%s' is not 1..65536\n",
					optarg);
				return 2;
			}
			break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!ifname || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (stats)
		snprintf(stats_tmp, sizeof(stats_tmp), "%s.new", stats);
	r.st = open_stats(stats ? stats_tmp : NULL);
	if (!r.st)
		return 1;
	if (getrandom(&r.seed, sizeof(r.seed), 0) != sizeof(r.seed))
		return 1;
	fd = open_ring(ifname, r.own, &map);
	if (fd < 0)
		return 1;
	if (stats && rename(stats_tmp, stats)) {
		fprintf(stderr, "l2recv: %s: %s\n", stats, strerror(errno));
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	while (!stop) {
		struct tpacket_block_desc *bd =
			(void *)(map + (size_t)cur * RING_BLOCK);
		const u8 *p;
		u64 now;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER)) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLERR };

			if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
				perror("l2recv: poll");
				return 1;
			}
			ring_drops(fd, r.st);
			continue;
		}
		p = (const u8 *)bd + bd->hdr.bh1.offset_to_first_pkt;
		for (u32 i = 0; i < bd->hdr.bh1.num_pkts; i++) {
			const struct tpacket3_hdr *h = (const void *)p;
			const struct sockaddr_ll *sll = (const void *)(p +
				TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));

			/* Unicast for another station: not ours (kernel/rx.c). */
			if (sll->sll_pkttype != PACKET_OTHERHOST)
				rx_frame(&r, p + h->tp_mac, h->tp_snaplen);
			p += h->tp_next_offset;
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		cur = (cur + 1) % RING_BLOCKS;
		now = bench_now_ns();
		if (now - last_stats > 100000000ull) {
			ring_drops(fd, r.st);
			last_stats = now;
		}
	}
	ring_drops(fd, r.st);
	print(&r, json);
	close(fd);
	return 0;
}
