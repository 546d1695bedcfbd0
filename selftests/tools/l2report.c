// SPDX-License-Identifier: GPL-2.0
/*
 * l2report: send one complete REPORT, as a real agent would, from any
 * source address: identity, interfaces with addresses, gateway, DNS and
 * flags, services with ports. For the tests of i62608ctl agent show, whose
 * decoding of a REPORT is only exercised by rich ones (l2gen sends a
 * minimal REPORT). The frame is built by report.c and kernel/wire.c, the
 * codec every program shares.
 *
 *   l2report -i IFNAME -m MAC [-e EPOCH] [-M MSG_ID] [-T TTL] [-N NAME]
 *            [-V VENDOR] [--big]
 *
 * --big fills the REPORT past one frame (4 interfaces, 16 services): the
 * encoder leaves whole elements out and the frame carries PARTIAL.
 * Prints "sent LEN" (and "partial") and exits 0, 1 on a send error, 2 on
 * a usage error.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "report.h"

struct opts {
	const char *ifname;
	u8 mac[6];
	bool has_mac;
	u32 epoch;
	u32 msg_id;
	u16 ttl;
	const char *name;
	const char *vendor;
	bool big;
};

static int parse_mac(const char *s, u8 *mac)
{
	unsigned int b[6];
	char tail;
	int i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (u8)b[i];
	return 0;
}

/* A number of at most @max; -1 if @s is not one. */
static long long parse_num(const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > max || *s == '-')
		return -1;
	return (long long)v;
}

static void add_if(struct i62608_report *r, const char *name, const u8 mac[6],
		   unsigned int n_addr, unsigned int seed)
{
	struct i62608_report_if *f = &r->ifaces[r->n_ifaces++];
	unsigned int i;

	snprintf(f->name, sizeof(f->name), "%s", name);
	memcpy(f->mac, mac, 6);
	f->mac[5] = (u8)(f->mac[5] + seed);
	f->flags = I62608_IFF_UP | I62608_IFF_CARRIER | I62608_IFF_DHCP4;
	for (i = 0; i < n_addr; i++) {
		struct i62608_tlv_addr4 *a = &f->addr4[f->n_addr4++];
		struct i62608_tlv_addr6 *a6 = &f->addr6[f->n_addr6++];

		a->addr[0] = 192;
		a->addr[1] = 168;
		a->addr[2] = (u8)(1 + seed);
		a->addr[3] = (u8)(57 + i);
		a->plen = 24;
		a->origin = i ? I62608_ORIGIN_STATIC : I62608_ORIGIN_DHCP;
		inet_pton(AF_INET6, "fe80::1", a6->addr);
		a6->addr[15] = (u8)(1 + i);
		a6->plen = 64;
		a6->origin = i ? I62608_ORIGIN_AUTOCONF : I62608_ORIGIN_LINK_LOCAL;
	}
	f->has_gw4 = true;
	memcpy(f->gw4, "\xc0\xa8\x01\x01", 4);
	f->n_dns4 = n_addr > 1 ? 2 : 1;
	for (i = 0; i < f->n_dns4; i++) {
		memcpy(f->dns4[i], "\xc0\xa8\x01\x01", 4);
		f->dns4[i][3] = (u8)(1 + i);
	}
}

static void add_svc(struct i62608_report *r, const char *name, u8 state,
		    u8 proto, u16 port, unsigned int n_ports)
{
	struct i62608_report_svc *s = &r->services[r->n_services++];
	unsigned int i;

	snprintf(s->name, sizeof(s->name), "%s", name);
	s->state = state;
	for (i = 0; i < n_ports; i++) {
		s->ports[s->n_ports].proto = i % 2 ? 6 : proto;
		s->ports[s->n_ports].port = (u16)(port + i);
		s->n_ports++;
	}
}

static void describe(const struct opts *o, struct i62608_report *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->ttl = o->ttl;
	r->caps = I62608_CAP_IPV4 | I62608_CAP_IPV6 | I62608_CAP_DHCP4 |
		  I62608_CAP_SERVICES | I62608_CAP_MULTICAST;
	r->device_type = I62608_DEV_STB;
	snprintf(r->vendor, sizeof(r->vendor), "%s", o->vendor);
	snprintf(r->model, sizeof(r->model), "STB-100");
	snprintf(r->serial, sizeof(r->serial), "SN0001");
	snprintf(r->firmware, sizeof(r->firmware), "1.2.3");
	snprintf(r->name, sizeof(r->name), "%s", o->name);
	snprintf(r->agent_version, sizeof(r->agent_version), "l2report");

	add_if(r, "eth0", o->mac, o->big ? I62608_MAX_ADDRS : 1, 0);
	add_svc(r, "iptv", I62608_SVC_ENABLED, 17, 5004, o->big ? 4 : 1);
	add_svc(r, "upnp", I62608_SVC_DISABLED, 17, 1900, o->big ? 4 : 2);
	if (!o->big)
		return;
	for (i = 1; i < I62608_MAX_IFACES_TLV; i++) {
		char name[16];

		snprintf(name, sizeof(name), "wlan%u", i - 1);
		add_if(r, name, o->mac, I62608_MAX_ADDRS, i);
	}
	while (r->n_services < I62608_MAX_SERVICES) {
		char name[32];

		snprintf(name, sizeof(name), "service-number-%u", r->n_services);
		add_svc(r, name, I62608_SVC_FAILED, 6, 8000, I62608_MAX_PORTS);
	}
}

static void usage(FILE *f)
{
	fputs("usage: l2report -i IFNAME -m MAC [-e EPOCH] [-M MSG_ID] [-T TTL]\n"
	      "                [-N NAME] [-V VENDOR] [--big]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iface", 1, NULL, 'i' }, { "mac", 1, NULL, 'm' },
		{ "epoch", 1, NULL, 'e' }, { "msg-id", 1, NULL, 'M' },
		{ "ttl", 1, NULL, 'T' }, { "name", 1, NULL, 'N' },
		{ "vendor", 1, NULL, 'V' }, { "big", 0, NULL, 'b' },
		{ "help", 0, NULL, 'h' }, { 0 }
	};
	struct opts o = {
		.epoch = 0x5eed0001, .msg_id = 2, .ttl = 31,
		.name = "livingroom-stb", .vendor = "Example",
	};
	static const u8 group[6] = I62608_GROUP_ADDR;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	u8 frame[ETH_HLEN + I62608_MAX_MSG];
	struct i62608_report r;
	struct i62608_w w;
	long long v;
	int fd, opt, partial, len;

	while ((opt = getopt_long(argc, argv, "i:m:e:M:T:N:V:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'i':
			o.ifname = optarg;
			break;
		case 'm':
			if (parse_mac(optarg, o.mac)) {
				fprintf(stderr, "l2report: bad MAC '%s'\n", optarg);
				return 2;
			}
			o.has_mac = true;
			break;
		case 'e':
		case 'M':
		case 'T':
			v = parse_num(optarg, opt == 'T' ? 0xffff : 0xffffffff);
			if (v < 0 || (opt != 'M' && v == 0)) {
				fprintf(stderr, "l2report: bad value '%s' for -%c\n",
					optarg, opt);
				return 2;
			}
			if (opt == 'e')
				o.epoch = (u32)v;
			else if (opt == 'M')
				o.msg_id = (u32)v;
			else
				o.ttl = (u16)v;
			break;
		case 'N':
			o.name = optarg;
			break;
		case 'V':
			o.vendor = optarg;
			break;
		case 'b':
			o.big = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o.ifname || !o.has_mac || optind != argc) {
		usage(stderr);
		return 2;
	}

	describe(&o, &r);
	i62608_w_init(&w, frame + ETH_HLEN, I62608_MAX_MSG);
	i62608_w_hdr(&w, &(struct i62608_w_hdr){
		.type = I62608_MSG_REPORT, .msg_id = o.msg_id,
		.epoch = o.epoch, .counter = 1,
	});
	partial = i62608_report_encode(&w, &r, 0);
	if (partial < 0) {
		fprintf(stderr, "l2report: the identity does not fit a frame\n");
		return 2;
	}
	if (partial)
		i62608_w_set_flags(&w, I62608_F_PARTIAL);
	len = i62608_w_finish(&w);
	if (len < 0) {
		fprintf(stderr, "l2report: cannot finish the frame\n");
		return 2;
	}

	/* Unicast would do as well: the configurator takes both. */
	memcpy(frame, group, 6);
	memcpy(frame + 6, o.mac, 6);
	frame[12] = I62608_ETHERTYPE >> 8;
	frame[13] = I62608_ETHERTYPE & 0xff;

	sll.sll_ifindex = (int)if_nametoindex(o.ifname);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "l2report: no interface '%s'\n", o.ifname);
		return 1;
	}
	sll.sll_protocol = htons(I62608_ETHERTYPE);
	memcpy(sll.sll_addr, group, 6);
	fd = socket(AF_PACKET, SOCK_RAW, htons(I62608_ETHERTYPE));
	if (fd < 0) {
		perror("l2report: packet socket");
		return 1;
	}
	if (sendto(fd, frame, ETH_HLEN + len, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) < 0) {
		perror("l2report: send");
		close(fd);
		return 1;
	}
	close(fd);
	printf("sent %d%s\n", len, partial ? " partial" : "");
	return 0;
}
