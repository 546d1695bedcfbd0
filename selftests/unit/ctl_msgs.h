/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic messages of the i62608 family, built with libnl as the kernel
 * would send them, for the i62608ctl decoding and rendering tests: one
 * complete agent (with a REPORT encoded by kernel/wire.c), namespace
 * counters, parameters and notifications.
 */
#ifndef I62608_CTL_MSGS_H
#define I62608_CTL_MSGS_H

#include <arpa/inet.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "report.h"

/* Any family id: decoding does not look at it. */
#define TEST_FAMILY 0x1a

static const uint8_t test_mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };

static inline struct nl_msg *test_msg(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, 0, 0, TEST_FAMILY, 0, 0, cmd, 1)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

/* The REPORT of docs/protocol.md's set-top box, and a little more. */
static inline void test_report(struct i62608_report *r)
{
	struct i62608_report_if *f;
	struct i62608_report_svc *s;

	memset(r, 0, sizeof(*r));
	r->ttl = 31;
	r->caps = I62608_CAP_IPV4 | I62608_CAP_DHCP4 | I62608_CAP_STATIC |
		  I62608_CAP_SERVICES | I62608_CAP_MULTICAST | I62608_CAP_CONFIG;
	r->device_type = I62608_DEV_STB;
	strcpy(r->vendor, "Example");
	strcpy(r->model, "STB-100");
	strcpy(r->serial, "SN0001");
	strcpy(r->firmware, "1.2.3");
	strcpy(r->name, "livingroom-stb");
	strcpy(r->agent_version, "0.1.0");

	r->n_ifaces = 1;
	f = &r->ifaces[0];
	strcpy(f->name, "eth0");
	memcpy(f->mac, test_mac, 6);
	f->flags = I62608_IFF_UP | I62608_IFF_CARRIER | I62608_IFF_DHCP4;
	f->n_addr4 = 1;
	memcpy(f->addr4[0].addr, "\xc0\xa8\x01\x39", 4);
	f->addr4[0].plen = 24;
	f->addr4[0].origin = I62608_ORIGIN_DHCP;
	f->n_addr6 = 1;
	inet_pton(AF_INET6, "fe80::1", f->addr6[0].addr);
	f->addr6[0].plen = 64;
	f->addr6[0].origin = I62608_ORIGIN_LINK_LOCAL;
	f->has_gw4 = true;
	memcpy(f->gw4, "\xc0\xa8\x01\x01", 4);
	f->n_dns4 = 1;
	memcpy(f->dns4[0], "\xc0\xa8\x01\x01", 4);

	r->n_services = 2;
	s = &r->services[0];
	strcpy(s->name, "iptv");
	s->state = I62608_SVC_ENABLED;
	s->n_ports = 1;
	s->ports[0].proto = 17;
	s->ports[0].port = 5004;
	s = &r->services[1];
	strcpy(s->name, "upnp");
	s->state = I62608_SVC_DISABLED;
	s->n_ports = 2;
	s->ports[0].proto = 17;
	s->ports[0].port = 1900;
	s->ports[1].proto = 6;
	s->ports[1].port = 49152;
}

/* The TLVs of test_report(), as a REPORT carries them; their length. */
static inline int test_report_body(uint8_t *buf, size_t cap)
{
	static const struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = 2, .epoch = 0x5eed0001,
		.counter = 2,
	};
	struct i62608_report r;
	struct i62608_w w;
	uint8_t frame[I62608_MAX_MSG];
	int len;

	test_report(&r);
	i62608_w_init(&w, frame, sizeof(frame));
	i62608_w_hdr(&w, &h);
	if (i62608_report_encode(&w, &r, 0) != 0)
		return -1;
	len = i62608_w_finish(&w);
	if (len < (int)sizeof(struct i62608_hdr) ||
	    (size_t)len - sizeof(struct i62608_hdr) > cap)
		return -1;
	len -= sizeof(struct i62608_hdr);
	memcpy(buf, frame + sizeof(struct i62608_hdr), len);
	return len;
}

/*
 * The members of an A_AGENT nest. @skip leaves out one attribute (0: none)
 * so that tests can remove a required one.
 */
static inline int test_put_agent_attrs(struct nl_msg *m, int skip, bool report)
{
	uint8_t body[I62608_MAX_MSG];
	int len = test_report_body(body, sizeof(body)), err = 0;

#define PUT(attr, call) \
	do { if ((attr) != skip) err |= (call); } while (0)
	PUT(I62608_AGENT_A_IFINDEX, nla_put_u32(m, I62608_AGENT_A_IFINDEX, 4));
	PUT(I62608_AGENT_A_IFNAME, nla_put_string(m, I62608_AGENT_A_IFNAME, "br0"));
	PUT(I62608_AGENT_A_MAC, nla_put(m, I62608_AGENT_A_MAC, 6, test_mac));
	PUT(I62608_AGENT_A_STATE, nla_put_u8(m, I62608_AGENT_A_STATE,
					     report ? I62608_AGENT_REPORTED :
					     I62608_AGENT_DISCOVERED));
	PUT(I62608_AGENT_A_EPOCH, nla_put_u32(m, I62608_AGENT_A_EPOCH, 0x5eed0001));
	PUT(I62608_AGENT_A_FIRST_SEEN_MS,
	    nla_put_u64(m, I62608_AGENT_A_FIRST_SEEN_MS, 62300));
	PUT(I62608_AGENT_A_LAST_SEEN_MS,
	    nla_put_u64(m, I62608_AGENT_A_LAST_SEEN_MS, 1204));
	PUT(I62608_AGENT_A_EXPIRES_MS,
	    nla_put_u64(m, I62608_AGENT_A_EXPIRES_MS, 29796));
	PUT(I62608_AGENT_A_RX_FRAMES, nla_put_u64(m, I62608_AGENT_A_RX_FRAMES, 5));
	PUT(I62608_AGENT_A_RX_BYTES, nla_put_u64(m, I62608_AGENT_A_RX_BYTES, 700));
	PUT(I62608_AGENT_A_TX_FRAMES, nla_put_u64(m, I62608_AGENT_A_TX_FRAMES, 2));
	PUT(I62608_AGENT_A_RATELIMITED,
	    nla_put_u64(m, I62608_AGENT_A_RATELIMITED, 0));
	PUT(I62608_AGENT_A_REPORTS, nla_put_u32(m, I62608_AGENT_A_REPORTS, 1));
	PUT(I62608_AGENT_A_RESTARTS, nla_put_u32(m, I62608_AGENT_A_RESTARTS, 0));
	if (!report)
		return err;
	PUT(I62608_AGENT_A_TTL, nla_put_u16(m, I62608_AGENT_A_TTL, 31));
	PUT(I62608_AGENT_A_REPORT_ID, nla_put_u32(m, I62608_AGENT_A_REPORT_ID, 2));
	PUT(I62608_AGENT_A_DEVICE_TYPE,
	    nla_put_u8(m, I62608_AGENT_A_DEVICE_TYPE, I62608_DEV_STB));
	PUT(I62608_AGENT_A_CAPABILITIES,
	    nla_put_u32(m, I62608_AGENT_A_CAPABILITIES, 0xdd));
	PUT(I62608_AGENT_A_VENDOR, nla_put_string(m, I62608_AGENT_A_VENDOR, "Example"));
	PUT(I62608_AGENT_A_MODEL, nla_put_string(m, I62608_AGENT_A_MODEL, "STB-100"));
	PUT(I62608_AGENT_A_NAME,
	    nla_put_string(m, I62608_AGENT_A_NAME, "livingroom-stb"));
	PUT(I62608_AGENT_A_SERIAL, nla_put_string(m, I62608_AGENT_A_SERIAL, "SN0001"));
	PUT(I62608_AGENT_A_FIRMWARE,
	    nla_put_string(m, I62608_AGENT_A_FIRMWARE, "1.2.3"));
	PUT(I62608_AGENT_A_ADDR4,
	    nla_put(m, I62608_AGENT_A_ADDR4, 4, "\xc0\xa8\x01\x39"));
	PUT(I62608_AGENT_A_ADDR4_PLEN, nla_put_u8(m, I62608_AGENT_A_ADDR4_PLEN, 24));
	if (len < 0)
		return -1;
	PUT(I62608_AGENT_A_REPORT, nla_put(m, I62608_AGENT_A_REPORT, len, body));
#undef PUT
	return err;
}

/* A message @cmd with one A_AGENT; NULL on failure. */
static inline struct nl_msg *test_agent_msg(uint8_t cmd, int skip, bool report)
{
	struct nl_msg *m = test_msg(cmd);
	struct nlattr *nest;

	if (!m)
		return NULL;
	nest = nla_nest_start(m, I62608_A_AGENT);
	if (!nest || test_put_agent_attrs(m, skip, report)) {
		nlmsg_free(m);
		return NULL;
	}
	nla_nest_end(m, nest);
	return m;
}

#endif /* I62608_CTL_MSGS_H */
