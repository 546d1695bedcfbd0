/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the agent's unit tests: synthetic rtnetlink messages (built
 * with libmnl, as the kernel would send them) and an agent whose frames
 * are captured instead of sent, on a clock the test moves.
 */
#ifndef AGENT_TEST_UTIL_H
#define AGENT_TEST_UTIL_H

#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

/* The agent's headers are not on the include path of unit tests. */
#include "../../userspace/agent/agent.h"
#include "../../userspace/agent/log.h"

#define NL_BUF 4096

static inline struct nlmsghdr *nl_link(void *buf, u16 type, int ifindex,
				       const char *name, const u8 *mac,
				       unsigned int flags, int master)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = ARPHRD_ETHER;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	if (master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (u32)master);
	return nlh;
}

/* @valid: the remaining valid lifetime, 0xffffffff for infinite. */
static inline struct nlmsghdr *nl_addr(void *buf, u16 type, u8 family,
				       int ifindex, const char *addr, u8 plen,
				       u32 flags, u32 valid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifa_cacheinfo ci = { .ifa_prefered = valid, .ifa_valid = valid };
	struct ifaddrmsg *ifa;
	u8 a[16];

	inet_pton(family, addr, a);
	nlh->nlmsg_type = type;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_flags = (u8)flags;
	ifa->ifa_index = (u32)ifindex;
	mnl_attr_put(nlh, IFA_ADDRESS, family == AF_INET ? 4 : 16, a);
	if (family == AF_INET)
		mnl_attr_put(nlh, IFA_LOCAL, 4, a);
	mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	return nlh;
}

static inline struct nlmsghdr *nl_route(void *buf, u16 type, u8 family,
					int ifindex, const char *gw, u32 metric)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	u8 a[16];

	inet_pton(family, gw, a);
	nlh->nlmsg_type = type;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put_u32(nlh, RTA_OIF, (u32)ifindex);
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, a);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return nlh;
}

#define LINK_UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP | IFF_BROADCAST | IFF_MULTICAST)

/* ---- an agent that captures what it sends ---- */

struct sent {
	u64 at;
	u8 dst[6];
	u8 src[6];
	int len;
	u8 msg[I62608_MAX_MSG];
	struct i62608_frame m;	/* parsed and validated */
};

#define MAX_SENT 4096

struct capture {
	unsigned int n;
	struct sent f[MAX_SENT];
	int fail_tx;		/* -errno to return */
};

static struct capture *cap;

static inline int capture_tx(struct agent *a, struct agent_inst *in,
			     const u8 *dst, const u8 *msg, size_t len)
{
	struct sent *s;

	if (cap->fail_tx)
		return cap->fail_tx;
	if (cap->n == MAX_SENT)
		abort();
	s = &cap->f[cap->n++];
	s->at = a->now;
	memcpy(s->dst, dst, 6);
	memcpy(s->src, in->mac, 6);
	memcpy(s->msg, msg, len);
	s->len = (int)len;
	/* What we send must be what a receiver accepts. */
	if (i62608_wire_hdr(s->msg, len, &s->m) || i62608_wire_validate(&s->m))
		abort();
	return 0;
}

static const struct agent_ops capture_ops = { .tx = capture_tx };

/* Apply one message to the host and let the agent see it. */
static inline void host_msg(struct agent *a, const struct nlmsghdr *nlh)
{
	int ret = agent_host_rtnl(&a->host, nlh);

	if (ret & AGENT_HOST_LINKS)
		agent_sync_ifaces(a);
}

/* Move the clock to @to, firing every timer due on the way, in order. */
static inline void advance_to(struct agent *a, u64 to)
{
	while (agent_timers_next(&a->timers) <= to) {
		a->now = agent_timers_next(&a->timers);
		agent_timers_run(&a->timers, a->now, a);
	}
	a->now = to;
}

static inline unsigned int count_type(const struct capture *c, u8 type,
				      unsigned int from)
{
	unsigned int i, n = 0;

	for (i = from; i < c->n; i++)
		if (c->f[i].m.type == type)
			n++;
	return n;
}

/* The next sent frame of @type from index *@i on, or NULL. */
static inline const struct sent *next_of(const struct capture *c, u8 type,
					 unsigned int *i)
{
	for (; *i < c->n; (*i)++)
		if (c->f[*i].m.type == type)
			return &c->f[(*i)++];
	return NULL;
}

#endif /* AGENT_TEST_UTIL_H */
