// SPDX-License-Identifier: GPL-2.0
/*
 * l2gen: send i62608 protocol frames from many (spoofed) agent addresses,
 * well-formed or deliberately broken, and optionally collect the
 * configurator's answers. A test and benchmark tool built on kernel/wire.c.
 *
 *   l2gen -i IFNAME [options]
 *     -t, --type TYPE       discover|report|heartbeat|bye|advertise (discover)
 *     -n, --sources N       number of source MACs (1)
 *     -m, --mac MAC         first source MAC (02:62:60:8f:00:01); then +1
 *     -d, --dst MAC         destination (the group address)
 *     -c, --count N         frames per source (1)
 *     -e, --epoch N         epoch of every source (random, per source)
 *     -r, --report-id N     REPORT_ID of heartbeats (message id of reports)
 *     -T, --ttl S           TTL in reports and heartbeats (30)
 *     -y, --device-type T   device type of reports (stb)
 *     -N, --name FMT        name of reports, %u = source number (agent-%u)
 *     -b, --bad KIND        send a broken frame (see below)
 *     -w, --wait MS         afterwards, collect answers for MS milliseconds
 *     -D, --duration S      keep sending for S seconds (round-robin sources)
 *     -p, --pps N           at most N frames per second (0: as fast as possible)
 *     -M, --msg-id N        first message id (1)
 *     -j, --json            print the summary as JSON
 *
 * KIND: short, version, length-over, length-under, length-huge, epoch0,
 * protected, unknown-type, overrun, dup, missing, nested, badutf8, ctrlchar,
 * srcmulticast, zero-type, bad-enum.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "wire.h"

struct opts {
	const char *ifname;
	int type;
	unsigned int sources;
	u8 mac[6];
	u8 dst[6];
	unsigned int count;
	u32 epoch;
	bool fixed_epoch;
	u32 report_id;
	u16 ttl;
	int device_type;
	const char *name_fmt;
	const char *bad;
	unsigned int wait_ms;
	unsigned int duration_s;
	unsigned int pps;
	u32 msg_id;
	bool json;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int parse_mac(const char *s, u8 *mac)
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (u8)b[i];
	}
	return 0;
}

static int parse_type(const char *s)
{
	static const char *const n[] = {
		[I62608_MSG_DISCOVER] = "discover",
		[I62608_MSG_ADVERTISE] = "advertise",
		[I62608_MSG_REPORT] = "report",
		[I62608_MSG_HEARTBEAT] = "heartbeat",
		[I62608_MSG_BYE] = "bye",
	};

	for (int i = 1; i <= I62608_MSG_MAX; i++)
		if (n[i] && !strcmp(s, n[i]))
			return i;
	return -1;
}

static void src_mac(const struct opts *o, unsigned int i, u8 *mac)
{
	u32 low = ((u32)o->mac[3] << 16 | (u32)o->mac[4] << 8 | o->mac[5]) + i;

	memcpy(mac, o->mac, 3);
	mac[3] = low >> 16;
	mac[4] = low >> 8;
	mac[5] = low;
}

/* A well-formed message of @type from source @i; returns its length. */
static int build(const struct opts *o, unsigned int i, u32 epoch, u32 msg_id,
		 u64 counter, u8 *buf)
{
	struct i62608_w_hdr h = {
		.type = (u8)o->type, .msg_id = msg_id, .epoch = epoch,
		.counter = counter,
	};
	struct i62608_w w;
	char name[64];
	u8 mac[6];

	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	switch (o->type) {
	case I62608_MSG_DISCOVER:
		i62608_w_u32(&w, I62608_TLV_CAPABILITIES, I62608_CAP_IPV4);
		i62608_w_u8(&w, I62608_TLV_DEVICE_TYPE, (u8)o->device_type);
		break;
	case I62608_MSG_ADVERTISE:
		i62608_w_u16(&w, I62608_TLV_TTL, o->ttl);
		i62608_w_u16(&w, I62608_TLV_HEARTBEAT_INTERVAL, 10);
		break;
	case I62608_MSG_REPORT:
		i62608_w_u16(&w, I62608_TLV_TTL, o->ttl);
		i62608_w_u32(&w, I62608_TLV_CAPABILITIES,
			     I62608_CAP_IPV4 | I62608_CAP_DHCP4);
		i62608_w_u8(&w, I62608_TLV_DEVICE_TYPE, (u8)o->device_type);
		i62608_w_str(&w, I62608_TLV_VENDOR, "l2gen");
		i62608_w_str(&w, I62608_TLV_MODEL, "synthetic");
		snprintf(name, sizeof(name), o->name_fmt, i);
		i62608_w_str(&w, I62608_TLV_NAME, name);
		i62608_w_nest_begin(&w, I62608_TLV_INTERFACE);
		src_mac(o, i, mac);
		i62608_w_tlv(&w, I62608_IF_MAC, mac, 6);
		{
			struct i62608_tlv_addr4 a = {
				{ 10, 62, (u8)(i >> 8), (u8)i }, 16, I62608_ORIGIN_DHCP,
			};

			i62608_w_tlv(&w, I62608_IF_ADDR4, &a, sizeof(a));
		}
		i62608_w_nest_end(&w);
		break;
	case I62608_MSG_HEARTBEAT:
		i62608_w_u16(&w, I62608_TLV_TTL, o->ttl);
		i62608_w_u32(&w, I62608_TLV_REPORT_ID, o->report_id);
		break;
	case I62608_MSG_BYE:
		i62608_w_u8(&w, I62608_TLV_REASON, I62608_BYE_SHUTDOWN);
		break;
	}
	return i62608_w_finish(&w);
}

/* Break a well-formed message as KIND says; returns the new length. */
static int breakit(const char *kind, u8 *buf, int len, u8 *src)
{
	if (!strcmp(kind, "short"))
		return 10;
	if (!strcmp(kind, "version")) {
		buf[0] = 2;
	} else if (!strcmp(kind, "length-over")) {
		put_unaligned_be16(len + 10, buf + 4);
	} else if (!strcmp(kind, "length-under")) {
		put_unaligned_be16(12, buf + 4);
	} else if (!strcmp(kind, "length-huge")) {
		put_unaligned_be16(0xffff, buf + 4);
	} else if (!strcmp(kind, "epoch0")) {
		memset(buf + 12, 0, 4);
	} else if (!strcmp(kind, "protected")) {
		/* PROTECTED with a key id and room for a tag. */
		put_unaligned_be16(I62608_F_PROTECTED, buf + 2);
		put_unaligned_be16(7, buf + 6);
		memset(buf + len, 0xaa, I62608_TAG_LEN);
		len += I62608_TAG_LEN;
		put_unaligned_be16(len, buf + 4);
	} else if (!strcmp(kind, "unknown-type")) {
		buf[1] = 200;
	} else if (!strcmp(kind, "overrun")) {
		/* The first TLV claims more than the message holds. */
		put_unaligned_be16(1400, buf + 24 + 2);
	} else if (!strcmp(kind, "dup")) {
		/* Repeat the first TLV (single-valued in every message). */
		u16 tl = 4 + get_unaligned_be16(buf + 24 + 2);

		memcpy(buf + len, buf + 24, tl);
		len += tl;
		put_unaligned_be16(len, buf + 4);
	} else if (!strcmp(kind, "missing")) {
		/* Drop every TLV: each message type requires one. */
		len = 24;
		put_unaligned_be16(len, buf + 4);
	} else if (!strcmp(kind, "nested")) {
		/* An INTERFACE inside an INTERFACE. */
		static const u8 t[] = { 0, 10, 0, 14, 0, 10, 0, 10, 0, 2, 0, 6,
					2, 0, 0, 0, 0, 1 };

		memcpy(buf + len, t, sizeof(t));
		len += sizeof(t);
		put_unaligned_be16(len, buf + 4);
	} else if (!strcmp(kind, "badutf8") || !strcmp(kind, "ctrlchar")) {
		static const u8 bad[] = { 0, I62608_TLV_VENDOR, 0, 3, 'a', 0xc0, 0xaf };
		static const u8 ctl[] = { 0, I62608_TLV_VENDOR, 0, 3, 'a', 0x1b, 'b' };

		memcpy(buf + len, kind[0] == 'b' ? bad : ctl, sizeof(bad));
		len += sizeof(bad);
		put_unaligned_be16(len, buf + 4);
	} else if (!strcmp(kind, "srcmulticast")) {
		src[0] |= 0x01;
	} else if (!strcmp(kind, "zero-type")) {
		static const u8 z[] = { 0, 0, 0, 0 };

		memcpy(buf + len, z, sizeof(z));
		len += sizeof(z);
		put_unaligned_be16(len, buf + 4);
	} else if (!strcmp(kind, "bad-enum")) {
		static const u8 e[] = { 0, I62608_TLV_DEVICE_TYPE, 0, 1, 99 };

		memcpy(buf + len, e, sizeof(e));
		len += sizeof(e);
		put_unaligned_be16(len, buf + 4);
	} else {
		return -1;
	}
	return len;
}

static void usage(FILE *f)
{
	fputs("usage: l2gen -i IFNAME [-t discover|report|heartbeat|bye|advertise]\n"
	      "  [-n SOURCES] [-m FIRST_MAC] [-d DST] [-c COUNT] [-e EPOCH]\n"
	      "  [-r REPORT_ID] [-T TTL] [-y DEVICE_TYPE] [-N NAME_FMT] [-b KIND]\n"
	      "  [-w WAIT_MS] [-D SECONDS] [-p PPS] [-M MSG_ID] [-j]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iface", 1, NULL, 'i' }, { "type", 1, NULL, 't' },
		{ "sources", 1, NULL, 'n' }, { "mac", 1, NULL, 'm' },
		{ "dst", 1, NULL, 'd' }, { "count", 1, NULL, 'c' },
		{ "epoch", 1, NULL, 'e' }, { "report-id", 1, NULL, 'r' },
		{ "ttl", 1, NULL, 'T' }, { "device-type", 1, NULL, 'y' },
		{ "name", 1, NULL, 'N' }, { "bad", 1, NULL, 'b' },
		{ "wait", 1, NULL, 'w' }, { "duration", 1, NULL, 'D' },
		{ "pps", 1, NULL, 'p' }, { "msg-id", 1, NULL, 'M' },
		{ "json", 0, NULL, 'j' }, { "help", 0, NULL, 'h' }, { 0 }
	};
	struct opts o = {
		.type = I62608_MSG_DISCOVER, .sources = 1, .count = 1,
		.mac = { 0x02, 0x62, 0x60, 0x8f, 0x00, 0x01 },
		.dst = I62608_GROUP_ADDR, .ttl = 30, .device_type = I62608_DEV_STB,
		.name_fmt = "agent-%u", .msg_id = 1, .report_id = 1,
	};
	u64 sent = 0, send_err = 0, answers = 0, adv = 0, adv_req = 0;
	u64 start, first_answer_ns = 0, last_answer_ns = 0, end;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	u32 *epochs;
	int fd, opt;

	while ((opt = getopt_long(argc, argv, "i:t:n:m:d:c:e:r:T:y:N:b:w:D:p:M:jh",
				  lo, NULL)) != -1) {
		switch (opt) {
		case 'i': o.ifname = optarg; break;
		case 't':
			o.type = parse_type(optarg);
			if (o.type < 0) {
				fprintf(stderr, "l2gen: unknown type '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n': o.sources = strtoul(optarg, NULL, 0); break;
		case 'm':
			if (parse_mac(optarg, o.mac)) {
				fprintf(stderr, "l2gen: bad MAC '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			if (parse_mac(optarg, o.dst)) {
				fprintf(stderr, "l2gen: bad MAC '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c': o.count = strtoul(optarg, NULL, 0); break;
		case 'e': o.epoch = strtoul(optarg, NULL, 0); o.fixed_epoch = true; break;
		case 'r': o.report_id = strtoul(optarg, NULL, 0); break;
		case 'T': o.ttl = (u16)strtoul(optarg, NULL, 0); break;
		case 'y': o.device_type = atoi(optarg); break;
		case 'N': o.name_fmt = optarg; break;
		case 'b': o.bad = optarg; break;
		case 'w': o.wait_ms = strtoul(optarg, NULL, 0); break;
		case 'D': o.duration_s = strtoul(optarg, NULL, 0); break;
		case 'p': o.pps = strtoul(optarg, NULL, 0); break;
		case 'M': o.msg_id = strtoul(optarg, NULL, 0); break;
		case 'j': o.json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.ifname || !o.sources || o.sources > 1000000) {
		usage(stderr);
		return 2;
	}
	sll.sll_ifindex = (int)if_nametoindex(o.ifname);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "l2gen: no interface '%s'\n", o.ifname);
		return 1;
	}
	sll.sll_protocol = htons(I62608_ETHERTYPE);
	fd = socket(AF_PACKET, SOCK_RAW, htons(I62608_ETHERTYPE));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("l2gen: packet socket");
		return 1;
	}
	{
		int sz = 4 << 20;

		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	if (o.wait_ms) {
		/* Answers go to the spoofed addresses: see them all. */
		struct packet_mreq mr = { .mr_ifindex = sll.sll_ifindex,
					  .mr_type = PACKET_MR_PROMISC };

		setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	}

	epochs = calloc(o.sources, sizeof(*epochs));
	if (!epochs)
		return 1;
	for (unsigned int i = 0; i < o.sources; i++) {
		if (o.fixed_epoch) {
			epochs[i] = o.epoch;
		} else {
			while (!epochs[i])
				if (getrandom(&epochs[i], sizeof(epochs[i]), 0) < 0)
					return 1;
		}
	}

	start = now_ns();
	end = start + (u64)o.duration_s * 1000000000ull;
	for (u64 round = 0;; round++) {
		if (o.duration_s ? now_ns() >= end : round >= o.count)
			break;
		for (unsigned int i = 0; i < o.sources; i++) {
			u8 frame[14 + I62608_MAX_MSG + I62608_TAG_LEN];
			u8 *msg = frame + 14;
			int len;

			len = build(&o, i, epochs[i], o.msg_id + (u32)round,
				    round + 1, msg);
			src_mac(&o, i, frame + 6);
			if (len > 0 && o.bad)
				len = breakit(o.bad, msg, len, frame + 6);
			if (len < 0) {
				fprintf(stderr, "l2gen: cannot build the frame (%s)\n",
					o.bad ? o.bad : "encoder");
				return 2;
			}
			memcpy(frame, o.dst, 6);
			frame[12] = I62608_ETHERTYPE >> 8;
			frame[13] = I62608_ETHERTYPE & 0xff;
			memcpy(sll.sll_addr, o.dst, 6);
			if (sendto(fd, frame, 14 + len, 0, (struct sockaddr *)&sll,
				   sizeof(sll)) < 0)
				send_err++;
			else
				sent++;
			if (o.pps) {
				/* Sleep, never spin: the tool shares small VMs. */
				u64 due = start + sent * 1000000000ull / o.pps;
				struct timespec ts = {
					.tv_sec = (time_t)(due / 1000000000ull),
					.tv_nsec = (long)(due % 1000000000ull),
				};

				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			}
		}
	}

	if (o.wait_ms) {
		u64 stop = now_ns() + (u64)o.wait_ms * 1000000ull;

		for (;;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			u64 t = now_ns();
			u8 buf[2048];
			struct i62608_frame m;
			ssize_t n;

			if (t >= stop)
				break;
			if (poll(&p, 1, (int)((stop - t) / 1000000) + 1) <= 0)
				continue;
			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 14 || i62608_wire_hdr(buf + 14, n - 14, &m))
				continue;
			/* Only what the configurator sent to one of our sources. */
			if (m.type != I62608_MSG_ADVERTISE || buf[0] & 1)
				continue;
			answers++;
			adv++;
			if (m.flags & I62608_F_REPORT_REQUEST)
				adv_req++;
			if (!first_answer_ns)
				first_answer_ns = now_ns() - start;
			last_answer_ns = now_ns() - start;
		}
	}

	{
		struct out *out = out_new(stdout, o.json ? OUT_JSON : OUT_TEXT, false);

		out_obj_open(out, NULL);
		out_u64(out, "sent", sent);
		out_u64(out, "send_errors", send_err);
		out_u64(out, "answers", answers);
		out_u64(out, "advertise", adv);
		out_u64(out, "report_requests", adv_req);
		out_u64(out, "first_answer_us", first_answer_ns / 1000);
		out_u64(out, "last_answer_us", last_answer_ns / 1000);
		out_obj_close(out);
		out_free(out);
	}
	free(epochs);
	close(fd);
	return send_err ? 1 : 0;
}
