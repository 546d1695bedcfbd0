// SPDX-License-Identifier: GPL-2.0
/*
 * The rtnetlink layer of configuration (struct agent_netops): addresses
 * and default routes set with libmnl, each request acknowledged by the
 * kernel (NLM_F_ACK) so that its error comes back to the item it belongs
 * to; the read-back is a fresh dump (rtnl.c).
 */

#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "cfgreq.h"
#include "rtnl.h"

/* Send one request, wait for its acknowledgement: 0 or -errno. */
static int transact(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned int portid;
	ssize_t n;
	int ret;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL);
	} while (ret > MNL_CB_STOP);
	ret = ret < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return ret;
}

static int rtnl_addr(void *ctx, bool add, bool replace, int ifindex, u8 family,
		     const u8 *addr, u8 plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned int alen = family == AF_INET ? 4 : 16;
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	if (add)
		nlh->nlmsg_flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (u32)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	if (add && replace) {
		/* Permanent: no lifetimes left from the lease. */
		struct ifa_cacheinfo ci = {
			.ifa_prefered = 0xffffffffU, .ifa_valid = 0xffffffffU,
		};

		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	return transact(nlh);
}

static int rtnl_route(void *ctx, bool add, int ifindex, u8 family,
		      const u8 *gw, u32 metric)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	if (add)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = add ? RTPROT_STATIC : RTPROT_UNSPEC;
	rtm->rtm_scope = add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (u32)ifindex);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return transact(nlh);
}

static int rtnl_dump(void *ctx, struct agent_host *h)
{
	return agent_rtnl_dump(h);
}

const struct agent_netops agent_rtnl_netops = {
	.addr = rtnl_addr,
	.route = rtnl_route,
	.dump = rtnl_dump,
};
