// SPDX-License-Identifier: GPL-2.0
/*
 * testcfg: a minimal configurator for testing i62608-agent without the
 * kernel module. It answers DISCOVER with a unicast ADVERTISE (echoing the
 * id), answers a HEARTBEAT naming a REPORT it does not hold with
 * ADVERTISE(REPORT_REQUEST) and sends an unsolicited ADVERTISE to the
 * group every advertisement interval (a third of the TTL unless told), as
 * docs/protocol.md section 5 says the configurator does, and prints one
 * line per frame, received or sent:
 *
 *   T_US rx|tx TYPE key=value ...
 *
 * T_US is CLOCK_MONOTONIC in microseconds (for a received frame: when the
 * kernel received it). Every frame is parsed and validated by
 * kernel/wire.c; invalid ones print "rx INVALID reason=N".
 *
 *   testcfg -i IFNAME [--epoch HEX] [--ttl S] [--hb S] [--silent]
 *           [--adv-interval MS] [--ignore-reports N] [--ethertype N]
 *   testcfg -i IFNAME --inject HEX [--dst MAC]     send one frame, exit
 *
 * Signals: SIGUSR1 new epoch and an unsolicited ADVERTISE to the group
 * (a configurator restart); SIGUSR2 toggles silence (a configurator that
 * died); SIGTERM/SIGINT print "summary ..." and exit.
 */

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "report.h"

#define MAX_AGENTS 8192

static const u8 group[6] = I62608_GROUP_ADDR;

struct peer {
	u8 mac[6];
	u32 report_id;		/* the REPORT held; 0: none */
	u32 epoch;
	unsigned int reports;
};

static struct {
	int fd;
	int ifindex;
	u8 mac[6];
	u16 ethertype;
	u32 epoch;
	u32 next_id;
	u64 counter;
	u16 ttl, hb;
	long adv_ms;		/* unsolicited ADVERTISE; 0: never */
	bool silent;
	unsigned int ignore_reports;
	unsigned int n_peers;
	struct peer peers[MAX_AGENTS];
	unsigned long rx[I62608_MSG_MAX + 1], invalid;
} c;

static volatile sig_atomic_t got_usr1, got_usr2, got_term;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;
	else
		got_term = 1;
}

static unsigned long long ts_us(const struct timespec *ts)
{
	return (unsigned long long)ts->tv_sec * 1000000 +
		(unsigned long long)ts->tv_nsec / 1000;
}

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_us(&ts);
}

/*
 * When the kernel received the frame being printed: a loaded machine may
 * run us late, and the tests measure intervals. The kernel stamps with
 * CLOCK_REALTIME; lines use CLOCK_MONOTONIC.
 */
static unsigned long long rx_us;

static ssize_t recv_stamped(u8 *buf, size_t size)
{
	char ctl[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm;
	struct timespec real;
	ssize_t n;

	n = recvmsg(c.fd, &mh, 0);
	rx_us = now_us();
	if (n <= 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			clock_gettime(CLOCK_REALTIME, &real);
			rx_us -= ts_us(&real) - ts_us(&ts);
		}
	}
	return n;
}

static const char *mac_s(const u8 *m, char *b)
{
	sprintf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
	return b;
}

#define MAC(m) mac_s((m), (char[18]){ 0 })

static const char *type_name(unsigned int t)
{
	static const char *const n[] = {
		"?", "DISCOVER", "ADVERTISE", "REPORT", "HEARTBEAT", "BYE",
	};

	return t <= I62608_MSG_MAX ? n[t] : "?";
}

static struct peer *peer(const u8 *mac, bool create)
{
	unsigned int i;

	for (i = 0; i < c.n_peers; i++)
		if (!memcmp(c.peers[i].mac, mac, 6))
			return &c.peers[i];
	if (!create || c.n_peers == MAX_AGENTS)
		return NULL;
	memcpy(c.peers[c.n_peers].mac, mac, 6);
	return &c.peers[c.n_peers++];
}

static int send_frame(const u8 *dst, const u8 *msg, size_t len)
{
	u8 frame[14 + I62608_MAX_MSG];
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_ifindex = c.ifindex,
		.sll_halen = 6, .sll_protocol = htons(c.ethertype),
	};

	memcpy(sll.sll_addr, dst, 6);
	memcpy(frame, dst, 6);
	memcpy(frame + 6, c.mac, 6);
	put_unaligned_be16(c.ethertype, frame + 12);
	memcpy(frame + 14, msg, len);
	return sendto(c.fd, frame, 14 + len, 0, (void *)&sll, sizeof(sll)) < 0 ?
		-errno : 0;
}

static void advertise(const u8 *dst, u32 id, u16 flags)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_ADVERTISE, .flags = flags, .msg_id = id,
		.epoch = c.epoch, .counter = ++c.counter,
	};
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;
	int len;

	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, c.ttl);
	i62608_w_u16(&w, I62608_TLV_HEARTBEAT_INTERVAL, c.hb);
	len = i62608_w_finish(&w);
	if (send_frame(dst, buf, (size_t)len))
		perror("testcfg: send");
	printf("%llu tx ADVERTISE dst=%s id=%u epoch=0x%08x flags=0x%x ttl=%u hb=%u\n",
	       now_us(), MAC(dst), id, c.epoch, flags, c.ttl, c.hb);
}

static void print_report(const struct i62608_frame *m)
{
	struct i62608_report r;
	unsigned int i;

	if (i62608_report_decode(m->body, m->body_len, &r)) {
		printf(" decode=failed");
		return;
	}
	printf(" ttl=%u caps=0x%x dtype=%u name=%s vendor=%s model=%s partial=%d ifaces=%u services=%u",
	       r.ttl, r.caps, r.device_type, r.name[0] ? r.name : "-",
	       r.vendor[0] ? r.vendor : "-", r.model[0] ? r.model : "-",
	       !!(m->flags & I62608_F_PARTIAL), r.n_ifaces, r.n_services);
	for (i = 0; i < r.n_ifaces; i++) {
		const struct i62608_report_if *f = &r.ifaces[i];
		char a[INET6_ADDRSTRLEN];
		unsigned int j;

		printf(" if%u=%s,%s,flags=0x%x", i, f->name[0] ? f->name : "-",
		       MAC(f->mac), f->flags);
		for (j = 0; j < f->n_addr4; j++)
			printf(",%s/%u/%u", inet_ntop(AF_INET, f->addr4[j].addr, a, sizeof(a)),
			       f->addr4[j].plen, f->addr4[j].origin);
		for (j = 0; j < f->n_addr6; j++)
			printf(",%s/%u/%u", inet_ntop(AF_INET6, f->addr6[j].addr, a, sizeof(a)),
			       f->addr6[j].plen, f->addr6[j].origin);
		if (f->has_gw4)
			printf(",gw4=%s", inet_ntop(AF_INET, f->gw4, a, sizeof(a)));
		for (j = 0; j < f->n_dns4; j++)
			printf(",dns4=%s", inet_ntop(AF_INET, f->dns4[j], a, sizeof(a)));
	}
	for (i = 0; i < r.n_services; i++)
		printf(" svc%u=%s/%u/%u", i, r.services[i].name, r.services[i].state,
		       r.services[i].n_ports);
}

static void rx(const u8 *frame, size_t len)
{
	const u8 *src = frame + 6;
	struct i62608_frame m;
	struct i62608_elem t;
	struct peer *p;
	int reason;

	if (len < 14 || !memcmp(src, c.mac, 6))
		return;
	reason = i62608_wire_hdr(frame + 14, len - 14, &m);
	if (!reason)
		reason = i62608_wire_validate(&m);
	if (reason) {
		c.invalid++;
		printf("%llu rx INVALID src=%s reason=%d\n", rx_us, MAC(src), reason);
		return;
	}
	c.rx[m.type]++;
	printf("%llu rx %s src=%s dst=%s id=%u epoch=0x%08x counter=%llu len=%u",
	       rx_us, type_name(m.type), MAC(src), MAC(frame), m.msg_id,
	       m.epoch, (unsigned long long)m.counter, m.length);
	p = peer(src, m.type != I62608_MSG_ADVERTISE);
	if (p && p->epoch && p->epoch != m.epoch) {
		printf(" restarted=1");
		p->report_id = 0;
	}
	if (!p && m.type != I62608_MSG_ADVERTISE) {
		printf(" table=full\n");
		return;
	}
	if (p)
		p->epoch = m.epoch;

	switch (m.type) {
	case I62608_MSG_DISCOVER:
		if (i62608_tlv_find(m.body, m.body_len, I62608_TLV_CAPABILITIES, &t))
			printf(" caps=0x%x", get_unaligned_be32(t.val));
		if (i62608_tlv_find(m.body, m.body_len, I62608_TLV_DEVICE_TYPE, &t))
			printf(" dtype=%u", t.val[0]);
		printf("\n");
		if (!c.silent)
			advertise(src, m.msg_id, 0);
		return;
	case I62608_MSG_REPORT:
		print_report(&m);
		printf("\n");
		if (c.ignore_reports) {
			c.ignore_reports--;
			printf("%llu ignored REPORT id=%u\n", now_us(), m.msg_id);
			return;
		}
		p->report_id = m.msg_id;
		p->reports++;
		return;
	case I62608_MSG_HEARTBEAT:
		i62608_tlv_find(m.body, m.body_len, I62608_TLV_TTL, &t);
		printf(" ttl=%u", get_unaligned_be16(t.val));
		i62608_tlv_find(m.body, m.body_len, I62608_TLV_REPORT_ID, &t);
		printf(" report_id=%u\n", get_unaligned_be32(t.val));
		if (!c.silent && get_unaligned_be32(t.val) != p->report_id)
			advertise(src, m.msg_id, I62608_F_REPORT_REQUEST);
		return;
	case I62608_MSG_BYE:
		if (i62608_tlv_find(m.body, m.body_len, I62608_TLV_REASON, &t))
			printf(" reason=%u", t.val[0]);
		printf("\n");
		return;
	default:
		printf("\n");
	}
}

static bool parse_mac(const char *s, u8 *mac)
{
	unsigned int b[6], i;
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &end) != 6)
		return false;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return false;
		mac[i] = (u8)b[i];
	}
	return true;
}

static int inject(const char *hex, const u8 *dst)
{
	u8 msg[I62608_MAX_MSG];
	size_t n = 0;

	while (hex[0] && hex[1] && n < sizeof(msg)) {
		unsigned int v;

		if (sscanf(hex, "%2x", &v) != 1)
			return 2;
		msg[n++] = (u8)v;
		hex += 2;
	}
	if (*hex) {
		fprintf(stderr, "testcfg: --inject: odd or overlong hex\n");
		return 2;
	}
	if (send_frame(dst, msg, n)) {
		perror("testcfg: send");
		return 1;
	}
	return 0;
}

static void summary(void)
{
	unsigned int i, reported = 0;

	for (i = 0; i < c.n_peers; i++)
		if (c.peers[i].reports)
			reported++;
	printf("%llu summary agents=%u reported=%u discover=%lu report=%lu heartbeat=%lu bye=%lu invalid=%lu\n",
	       now_us(), c.n_peers, reported, c.rx[I62608_MSG_DISCOVER],
	       c.rx[I62608_MSG_REPORT], c.rx[I62608_MSG_HEARTBEAT],
	       c.rx[I62608_MSG_BYE], c.invalid);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "epoch", required_argument, NULL, 'e' },
		{ "ttl", required_argument, NULL, 't' },
		{ "hb", required_argument, NULL, 'b' },
		{ "silent", no_argument, NULL, 's' },
		{ "ignore-reports", required_argument, NULL, 'r' },
		{ "adv-interval", required_argument, NULL, 'a' },
		{ "ethertype", required_argument, NULL, 'E' },
		{ "inject", required_argument, NULL, 'I' },
		{ "dst", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *hex = NULL;
	struct packet_mreq mr = { .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	u8 dst[6];
	socklen_t slen = sizeof(sll);
	unsigned long long next_adv;
	unsigned int i;
	int opt;

	memcpy(dst, group, 6);
	c.ethertype = I62608_ETHERTYPE;
	c.ttl = 90;
	c.hb = 10;
	c.adv_ms = -1;
	while ((opt = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'e': c.epoch = (u32)strtoul(optarg, NULL, 16); break;
		case 't': c.ttl = (u16)atoi(optarg); break;
		case 'b': c.hb = (u16)atoi(optarg); break;
		case 's': c.silent = true; break;
		case 'r': c.ignore_reports = (unsigned int)atoi(optarg); break;
		case 'a': c.adv_ms = atol(optarg); break;
		case 'E': c.ethertype = (u16)strtoul(optarg, NULL, 0); break;
		case 'I': hex = optarg; break;
		case 'd':
			if (!parse_mac(optarg, dst)) {
				fprintf(stderr, "testcfg: bad MAC %s\n", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (!ifname || !c.ttl || !c.hb) {
		fprintf(stderr, "usage: testcfg -i IFNAME [options] (see the source)\n");
		return 2;
	}
	while (!c.epoch)
		if (getrandom(&c.epoch, sizeof(c.epoch), 0) != sizeof(c.epoch))
			return 1;
	if (c.adv_ms < 0)
		c.adv_ms = c.ttl * 1000L / 3;
	setvbuf(stdout, NULL, _IOLBF, 0);

	c.ifindex = (int)if_nametoindex(ifname);
	c.fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (!c.ifindex || c.fd < 0) {
		perror("testcfg");
		return 1;
	}
	sll.sll_protocol = htons(c.ethertype);
	sll.sll_ifindex = c.ifindex;
	if (bind(c.fd, (void *)&sll, sizeof(sll)) ||
	    getsockname(c.fd, (void *)&sll, &slen)) {
		perror("testcfg: bind");
		return 1;
	}
	memcpy(c.mac, sll.sll_addr, 6);
	if (hex)
		return inject(hex, dst);
	mr.mr_ifindex = c.ifindex;
	memcpy(mr.mr_address, group, 6);
	/* Thousands of agents (--instances) answer a group ADVERTISE at once. */
	setsockopt(c.fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 16 << 20 }, sizeof(int));
	if (setsockopt(c.fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) ||
	    setsockopt(c.fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int))) {
		perror("testcfg: membership");
		return 1;
	}
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("%llu ready mac=%s epoch=0x%08x ttl=%u hb=%u\n", now_us(),
	       MAC(c.mac), c.epoch, c.ttl, c.hb);

	next_adv = now_us() + (unsigned long long)c.adv_ms * 1000;
	while (!got_term) {
		struct pollfd pfd = { .fd = c.fd, .events = POLLIN };
		u8 buf[2048];
		ssize_t n;

		if (c.adv_ms && !c.silent && now_us() >= next_adv) {
			advertise(group, 0x80000000u | ++c.next_id, 0);
			next_adv = now_us() + (unsigned long long)c.adv_ms * 1000;
		}
		if (got_usr1) {
			got_usr1 = 0;
			c.epoch = 0;
			while (!c.epoch)
				if (getrandom(&c.epoch, sizeof(c.epoch), 0) != sizeof(c.epoch))
					c.epoch = 0;
			c.counter = 0;
			/* A restarted configurator holds no REPORT. */
			for (i = 0; i < c.n_peers; i++)
				c.peers[i].report_id = 0;
			printf("%llu epoch 0x%08x\n", now_us(), c.epoch);
			advertise(group, 0x80000000u | ++c.next_id, 0);
		}
		if (got_usr2) {
			got_usr2 = 0;
			c.silent = !c.silent;
			printf("%llu silent=%d\n", now_us(), c.silent);
		}
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = recv_stamped(buf, sizeof(buf));
		if (n > 0)
			rx(buf, (size_t)n);
	}
	summary();
	return 0;
}
