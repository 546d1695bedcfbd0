// SPDX-License-Identifier: GPL-2.0
/*
 * The host state from rtnetlink messages (see host.h). The kernel is
 * trusted, but its messages are still parsed with bounds: attributes are
 * validated by libmnl before they are read, and tables are bounded.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "host.h"

/* ------------------------------------------------------------------ */
/* Links                                                               */
/* ------------------------------------------------------------------ */

static struct agent_link *find_link(const struct agent_host *h, int ifindex)
{
	unsigned int i;

	for (i = 0; i < h->n_links; i++)
		if (h->links[i].ifindex == ifindex)
			return &h->links[i];
	return NULL;
}

const struct agent_link *agent_host_link(const struct agent_host *h,
					 int ifindex)
{
	return find_link(h, ifindex);
}

const struct agent_link *agent_host_link_by_name(const struct agent_host *h,
						 const char *name)
{
	unsigned int i;

	for (i = 0; i < h->n_links; i++)
		if (!strcmp(h->links[i].name, name))
			return &h->links[i];
	return NULL;
}

/* IPv4 routes vanish without a notification when their link goes down. */
static bool drop_routes(struct agent_host *h, int ifindex, u8 family)
{
	unsigned int i = 0;
	bool changed = false;

	while (i < h->n_routes) {
		struct agent_route *r = &h->routes[i];

		if (r->ifindex == ifindex && (!family || r->family == family)) {
			*r = h->routes[--h->n_routes];
			changed = true;
		} else {
			i++;
		}
	}
	return changed;
}

static bool in_prefix(const u8 *a, const u8 *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	return !memcmp(a, b, bytes) &&
	       (!bits || !((a[bytes] ^ b[bytes]) & (0xff << (8 - bits))));
}

/*
 * IPv4 routes through a gateway no address of the link reaches any more
 * go with the address, without a notification either (the kernel flushes
 * them when it deletes the primary address of a subnet).
 */
static void drop_offlink_routes(struct agent_host *h, const struct agent_link *l)
{
	unsigned int i = 0, k;

	while (i < h->n_routes) {
		struct agent_route *r = &h->routes[i];
		bool onlink = false;

		for (k = 0; k < l->n_addr4 && r->family == AF_INET; k++)
			onlink |= in_prefix(l->addr4[k].addr, r->gw, l->addr4[k].plen);
		if (r->ifindex == l->ifindex && r->family == AF_INET && !onlink)
			*r = h->routes[--h->n_routes];
		else
			i++;
	}
}

/* What a REPORT or the choice of interfaces depends on. */
static bool link_same(const struct agent_link *a, const struct agent_link *b)
{
	return a->type == b->type && a->flags == b->flags &&
	       a->master == b->master && a->has_mac == b->has_mac &&
	       !memcmp(a->mac, b->mac, 6) && !strcmp(a->name, b->name);
}

struct link_attrs {
	const struct nlattr *tb[IFLA_MAX + 1];
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_attrs *la = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK;
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	}
	la->tb[type] = attr;
	return MNL_CB_OK;
}

static int link_msg(struct agent_host *h, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi;
	struct link_attrs la = { 0 };
	struct agent_link *l, nl;
	const char *name;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return 0;
	ifi = mnl_nlmsg_get_payload(nlh);
	/* AF_BRIDGE messages describe bridge ports, not links. */
	if (ifi->ifi_family != AF_UNSPEC || ifi->ifi_index <= 0)
		return 0;
	l = find_link(h, ifi->ifi_index);

	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (!l)
			return 0;
		drop_routes(h, l->ifindex, 0);
		*l = h->links[--h->n_links];
		return AGENT_HOST_LINKS | AGENT_HOST_STATE;
	}

	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &la);
	name = la.tb[IFLA_IFNAME] ? mnl_attr_get_str(la.tb[IFLA_IFNAME]) : NULL;
	if (!l && (!name || strlen(name) >= IFNAMSIZ))
		return 0;	/* a new link must tell its name */

	if (l)
		nl = *l;
	else
		memset(&nl, 0, sizeof(nl));
	nl.ifindex = ifi->ifi_index;
	nl.type = ifi->ifi_type;
	nl.flags = ifi->ifi_flags;
	if (name && strlen(name) < IFNAMSIZ)
		strcpy(nl.name, name);
	if (la.tb[IFLA_ADDRESS]) {
		nl.has_mac = mnl_attr_get_payload_len(la.tb[IFLA_ADDRESS]) == 6;
		if (nl.has_mac)
			memcpy(nl.mac, mnl_attr_get_payload(la.tb[IFLA_ADDRESS]), 6);
	}
	/* Absent IFLA_MASTER means no master (the kernel always says). */
	nl.master = la.tb[IFLA_MASTER] ?
		(int)mnl_attr_get_u32(la.tb[IFLA_MASTER]) : 0;

	if (!l) {
		if (h->n_links == h->cap_links) {
			unsigned int cap = h->cap_links ? h->cap_links * 2 : 16;
			void *p = reallocarray(h->links, cap, sizeof(*h->links));

			if (!p)
				return -ENOMEM;
			h->links = p;
			h->cap_links = cap;
		}
		h->links[h->n_links++] = nl;
		return AGENT_HOST_LINKS | AGENT_HOST_STATE;
	}
	if (link_same(l, &nl))
		return 0;
	if ((l->flags & IFF_UP) && !(nl.flags & IFF_UP))
		drop_routes(h, nl.ifindex, AF_INET);
	*l = nl;
	return AGENT_HOST_LINKS | AGENT_HOST_STATE;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

u8 agent_addr_origin(u8 family, const u8 *addr, u32 ifa_flags,
		     bool finite_lifetime)
{
	if (family == AF_INET) {
		if (addr[0] == 169 && addr[1] == 254)
			return I62608_ORIGIN_LINK_LOCAL;
		/* Only a DHCP client gives IPv4 addresses a lease time. */
		return finite_lifetime ? I62608_ORIGIN_DHCP : I62608_ORIGIN_STATIC;
	}
	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		return I62608_ORIGIN_LINK_LOCAL;
	/* The kernel marks what was configured without lifetimes permanent. */
	return (ifa_flags & IFA_F_PERMANENT) ? I62608_ORIGIN_STATIC :
		I62608_ORIGIN_AUTOCONF;
}

/* The order addresses are kept and reported in. */
static int addr_cmp(const struct agent_addr *a, const struct agent_addr *b)
{
	int c;

	if (a->origin != b->origin)
		return a->origin - b->origin;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	return a->plen - b->plen;
}

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	case IFA_CACHEINFO:
		if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC,
				       sizeof(struct ifa_cacheinfo)) < 0)
			return MNL_CB_OK;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int addr_msg(struct agent_host *h, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	struct agent_addr na = { 0 }, *v;
	struct agent_link *l;
	unsigned int alen, i;
	bool finite = false;
	u32 flags;
	u8 *n;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return 0;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family == AF_INET)
		alen = 4;
	else if (ifa->ifa_family == AF_INET6)
		alen = 16;
	else
		return 0;
	l = find_link(h, (int)ifa->ifa_index);
	if (!l)
		return 0;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	/* IFA_LOCAL is the local end; IFA_ADDRESS the peer on p2p links. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != alen ||
	    ifa->ifa_prefixlen > alen * 8)
		return 0;
	memcpy(na.addr, mnl_attr_get_payload(a), alen);
	na.plen = ifa->ifa_prefixlen;
	flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	if (tb[IFA_CACHEINFO]) {
		const struct ifa_cacheinfo *ci = mnl_attr_get_payload(tb[IFA_CACHEINFO]);

		finite = ci->ifa_valid != 0xffffffffU;
	}
	na.origin = agent_addr_origin(ifa->ifa_family, na.addr, flags, finite);

	if (ifa->ifa_family == AF_INET) {
		v = l->addr4;
		n = &l->n_addr4;
	} else {
		v = l->addr6;
		n = &l->n_addr6;
	}
	/* The same address (and prefix) whatever its origin now. */
	for (i = 0; i < *n; i++)
		if (!memcmp(v[i].addr, na.addr, 16) && v[i].plen == na.plen)
			break;

	/*
	 * Temporary (privacy) addresses come and go by design; a failed
	 * duplicate address detection leaves an unusable one. Neither is
	 * how the device is configured. (IFA_F_TEMPORARY is IPv6's name for
	 * the bit IPv4 calls IFA_F_SECONDARY.)
	 */
	if (nlh->nlmsg_type == RTM_DELADDR ||
	    (ifa->ifa_family == AF_INET6 &&
	     (flags & (IFA_F_TEMPORARY | IFA_F_DADFAILED)))) {
		if (i == *n)
			return 0;
		memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
		(*n)--;
		if (ifa->ifa_family == AF_INET)
			drop_offlink_routes(h, l);
		return AGENT_HOST_STATE;
	}
	if (i < *n) {
		if (v[i].origin == na.origin)
			return 0;	/* a lifetime refresh */
		memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
		(*n)--;
	}
	for (i = 0; i < *n && addr_cmp(&v[i], &na) < 0; i++)
		;
	if (i == AGENT_LINK_ADDRS)
		return AGENT_HOST_STATE;	/* full of better ones */
	if (*n == AGENT_LINK_ADDRS)
		(*n)--;				/* the last one makes room */
	memmove(&v[i + 1], &v[i], (*n - i) * sizeof(*v));
	v[i] = na;
	(*n)++;
	return AGENT_HOST_STATE;
}

/* ------------------------------------------------------------------ */
/* Default routes                                                      */
/* ------------------------------------------------------------------ */

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case RTA_TABLE:
	case RTA_OIF:
	case RTA_PRIORITY:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Gateway and link of the first next hop of a multipath route. */
static bool first_hop(const struct nlattr *mp, unsigned int alen,
		      struct agent_route *r)
{
	const struct rtnexthop *nh = mnl_attr_get_payload(mp);
	size_t len = mnl_attr_get_payload_len(mp);
	const struct nlattr *a;

	if (len < sizeof(*nh) || nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > len)
		return false;
	r->ifindex = nh->rtnh_ifindex;
	for (a = (const void *)((const char *)nh + RTNH_LENGTH(0));
	     mnl_attr_ok(a, (int)((const char *)nh + nh->rtnh_len - (const char *)a));
	     a = mnl_attr_next(a)) {
		if (mnl_attr_get_type(a) == RTA_GATEWAY &&
		    mnl_attr_get_payload_len(a) == alen) {
			memcpy(r->gw, mnl_attr_get_payload(a), alen);
			return true;
		}
	}
	return false;
}

static int route_msg(struct agent_host *h, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct agent_route nr = { 0 };
	const struct rtmsg *rtm;
	unsigned int alen, i;
	u32 table;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return 0;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family == AF_INET)
		alen = 4;
	else if (rtm->rtm_family == AF_INET6)
		alen = 16;
	else
		return 0;
	if (rtm->rtm_dst_len || rtm->rtm_type != RTN_UNICAST ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (table != RT_TABLE_MAIN)
		return 0;

	nr.family = rtm->rtm_family;
	nr.metric = tb[RTA_PRIORITY] ? mnl_attr_get_u32(tb[RTA_PRIORITY]) : 0;
	if (tb[RTA_GATEWAY] && tb[RTA_OIF] &&
	    mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == alen) {
		memcpy(nr.gw, mnl_attr_get_payload(tb[RTA_GATEWAY]), alen);
		nr.ifindex = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	} else if (!tb[RTA_MULTIPATH] || !first_hop(tb[RTA_MULTIPATH], alen, &nr)) {
		return 0;	/* no gateway: nothing to report */
	}

	for (i = 0; i < h->n_routes; i++) {
		const struct agent_route *r = &h->routes[i];

		if (r->family == nr.family && r->ifindex == nr.ifindex &&
		    r->metric == nr.metric && !memcmp(r->gw, nr.gw, 16))
			break;
	}
	if (nlh->nlmsg_type == RTM_DELROUTE) {
		if (i == h->n_routes)
			return 0;
		h->routes[i] = h->routes[--h->n_routes];
		return AGENT_HOST_STATE;
	}
	if (i < h->n_routes || h->n_routes == AGENT_MAX_ROUTES)
		return 0;
	h->routes[h->n_routes++] = nr;
	return AGENT_HOST_STATE;
}

const struct agent_route *agent_host_default_route(const struct agent_host *h,
						   u8 family, int ifindex)
{
	const struct agent_route *best = NULL;
	unsigned int i;

	for (i = 0; i < h->n_routes; i++) {
		const struct agent_route *r = &h->routes[i];

		if (r->family != family || (ifindex > 0 && r->ifindex != ifindex))
			continue;
		/* Lowest metric; the lowest ifindex, then gateway, on a tie. */
		if (!best || r->metric < best->metric ||
		    (r->metric == best->metric &&
		     (r->ifindex < best->ifindex ||
		      (r->ifindex == best->ifindex &&
		       memcmp(r->gw, best->gw, 16) < 0))))
			best = r;
	}
	return best;
}

/* ------------------------------------------------------------------ */

int agent_host_rtnl(struct agent_host *h, const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return link_msg(h, nlh);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return addr_msg(h, nlh);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return route_msg(h, nlh);
	}
	return 0;
}

void agent_host_free(struct agent_host *h)
{
	free(h->links);
	memset(h, 0, sizeof(*h));
}
