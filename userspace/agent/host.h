/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the agent knows of its host: links, addresses and default routes,
 * kept up to date from rtnetlink messages, and the DNS servers of
 * resolv.conf. Pure data: rtnl.c feeds it from the kernel, the unit tests
 * feed it synthetic messages.
 */
#ifndef AGENT_HOST_H
#define AGENT_HOST_H

#include <linux/if.h>
#include <linux/netlink.h>

#include "wire.h"

/* Addresses kept per link and family; the REPORT carries the first 4. */
#define AGENT_LINK_ADDRS	16
#define AGENT_MAX_ROUTES	64
#define AGENT_MAX_NAMESERVERS	8

struct agent_addr {
	u8 addr[16];		/* 4 bytes used for IPv4 */
	u8 plen;
	u8 origin;		/* enum i62608_addr_origin */
};

struct agent_link {
	int ifindex;
	int master;		/* ifindex of a bridge/bond it is a port of */
	unsigned int flags;	/* IFF_* */
	u16 type;		/* ARPHRD_* */
	bool has_mac;		/* a 6-byte link-layer address */
	char name[IFNAMSIZ];
	u8 mac[6];
	u8 n_addr4, n_addr6;
	/* Sorted: static, DHCP, autoconf, link-local; then by address. */
	struct agent_addr addr4[AGENT_LINK_ADDRS];
	struct agent_addr addr6[AGENT_LINK_ADDRS];
};

/* A default route of the main table. */
struct agent_route {
	u8 family;
	int ifindex;
	u32 metric;
	u8 gw[16];
};

struct agent_nameserver {
	u8 family;
	u8 addr[16];
	char scope[IFNAMSIZ];	/* "fe80::1%eth0": the link */
};

struct agent_host {
	struct agent_link *links;
	unsigned int n_links, cap_links;
	unsigned int n_routes;
	struct agent_route routes[AGENT_MAX_ROUTES];
	unsigned int n_dns;
	struct agent_nameserver dns[AGENT_MAX_NAMESERVERS];
};

/* What a message changed (agent_host_rtnl()'s result). */
#define AGENT_HOST_LINKS	0x1	/* a link came, went, or changed its
					 * name, flags, type, master or MAC
					 */
#define AGENT_HOST_STATE	0x2	/* an address or default route */

/*
 * Apply one rtnetlink message (RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR,
 * RTM_DELADDR, RTM_NEWROUTE, RTM_DELROUTE; others are ignored). Malformed
 * messages are ignored. Returns AGENT_HOST_* bits, or -ENOMEM.
 */
int agent_host_rtnl(struct agent_host *h, const struct nlmsghdr *nlh);
void agent_host_free(struct agent_host *h);

const struct agent_link *agent_host_link(const struct agent_host *h,
					 int ifindex);
const struct agent_link *agent_host_link_by_name(const struct agent_host *h,
						 const char *name);
/* The default route of @family with the lowest metric (on @ifindex, if > 0). */
const struct agent_route *agent_host_default_route(const struct agent_host *h,
						   u8 family, int ifindex);

/*
 * How an address was configured (docs/i62608-agent.md, "Address origin"):
 * link-local by its prefix; IPv4 with a finite valid lifetime: DHCP;
 * IPv6 not permanent: autoconfiguration; otherwise static.
 */
u8 agent_addr_origin(u8 family, const u8 *addr, u32 ifa_flags,
		     bool finite_lifetime);

/* resolv.conf's nameserver lines into h->dns. Returns how many. */
unsigned int agent_resolv_parse(struct agent_host *h, const char *text,
				size_t len);
/* Read @path (missing: no servers). Returns 0 or -errno. */
int agent_resolv_load(struct agent_host *h, const char *path);

#endif /* AGENT_HOST_H */
