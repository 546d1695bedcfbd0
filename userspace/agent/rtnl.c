// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink with libmnl (see rtnl.h). Notifications may be lost when the
 * socket overruns (ENOBUFS); the host state is then dumped again whole,
 * so it never stays wrong.
 */

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "log.h"
#include "rtnl.h"

/* What the kernel puts in one dump message at most. */
#define DUMP_BUF	32768
#define EVENT_RCVBUF	(4 << 20)
#define DUMP_TRIES	5

struct agent_rtnl {
	struct agent *a;
	struct mnl_socket *nl;
	struct agent_poll poll;
};

/* The callbacks' data: the host and what its messages changed in it. */
struct cb_data {
	struct agent_host *h;
	struct agent *a;	/* notifications: the agent to tell */
	int mask;		/* AGENT_HOST_* */
};

static int host_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cb_data *d = data;
	int ret = agent_host_rtnl(d->h, nlh);

	if (ret < 0) {
		errno = -ret;
		return MNL_CB_ERROR;
	}
	/*
	 * Each link change at once, not once per read: a link that went
	 * down and up again within one read still bounced, and its agents
	 * must search again.
	 */
	if (d->a && (ret & AGENT_HOST_LINKS))
		agent_sync_ifaces(d->a);
	d->mask |= ret;
	return MNL_CB_OK;
}

static int dump_one(struct mnl_socket *nl, u16 type, u8 family,
		    struct agent_host *h)
{
	struct cb_data d = { .h = h };
	struct nlmsghdr *nlh;
	unsigned int seq = (unsigned int)time(NULL);
	u32 portid = mnl_socket_get_portid(nl);
	char *buf;
	ssize_t n;
	int ret;

	buf = malloc(DUMP_BUF);
	if (!buf)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	switch (type) {
	case RTM_GETLINK: {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

		ifi->ifi_family = family;
		break;
	}
	case RTM_GETADDR: {
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

		ifa->ifa_family = family;
		break;
	}
	default: {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		rtm->rtm_family = family;
		break;
	}
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, DUMP_BUF);
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		/* -1 with EINTR: NLM_F_DUMP_INTR, the dump was inconsistent. */
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, host_cb, &d);
	} while (ret > MNL_CB_STOP);
	ret = ret < 0 ? -errno : 0;
out:
	free(buf);
	return ret;
}

int agent_rtnl_dump(struct agent_host *h)
{
	static const struct {
		u16 type;
		u8 family;
	} dumps[] = {
		{ RTM_GETLINK, AF_UNSPEC },
		{ RTM_GETADDR, AF_UNSPEC },
		{ RTM_GETROUTE, AF_INET },
		{ RTM_GETROUTE, AF_INET6 },
	};
	struct mnl_socket *nl;
	unsigned int i, try;
	int err = 0;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	for (try = 0; try < DUMP_TRIES; try++) {
		h->n_links = 0;
		h->n_routes = 0;
		for (i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
			err = dump_one(nl, dumps[i].type, dumps[i].family, h);
			/* A kernel without IPv6 has no IPv6 routes. */
			if (err == -EAFNOSUPPORT && dumps[i].family == AF_INET6)
				err = 0;
			if (err)
				break;
		}
		if (err != -EINTR)
			break;
		log_debug("rtnetlink dump interrupted by a change, again");
	}
	mnl_socket_close(nl);
	return err;
}

static void rtnl_ready(struct agent *a, struct agent_poll *p, u32 events)
{
	struct agent_rtnl *r = (struct agent_rtnl *)((char *)p -
						     offsetof(struct agent_rtnl, poll));
	struct cb_data d = { .h = &a->host, .a = a };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	bool resync = false;
	int err;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));

		if (n < 0) {
			if (errno == ENOBUFS) {
				/* Notifications were lost: start over. */
				resync = true;
				continue;
			}
			if (errno != EAGAIN && errno != EINTR)
				log_warn("rtnetlink: %s", strerror(errno));
			break;
		}
		if (mnl_cb_run(buf, (size_t)n, 0, 0, host_cb, &d) < 0 &&
		    errno == ENOMEM)
			resync = true;
	}
	if (resync) {
		log_notice("rtnetlink notifications lost: reading the host state again");
		err = agent_rtnl_dump(&a->host);
		if (err)
			log_err("rtnetlink dump: %s", strerror(-err));
		agent_sync_ifaces(a);
		d.mask = AGENT_HOST_STATE;
	}
	/* What REPORTs describe: after the debounce. */
	if (d.mask)
		agent_host_changed(a);
}

struct agent_rtnl *agent_rtnl_open(struct agent *a)
{
	unsigned int groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
		RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	struct agent_rtnl *r;
	int size = EVENT_RCVBUF, fd, err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->a = a;
	r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!r->nl)
		goto fail;
	if (mnl_socket_bind(r->nl, groups, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	fd = mnl_socket_get_fd(r->nl);
	/* Address bursts (a bridge coming up) should not overrun it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	r->poll.fd = fd;
	r->poll.fn = rtnl_ready;
	err = agent_rtnl_dump(&a->host);
	if (err) {
		errno = -err;
		goto fail;
	}
	return r;

fail:
	err = errno;
	agent_rtnl_close(r);
	errno = err;
	return NULL;
}

struct agent_poll *agent_rtnl_poll(struct agent_rtnl *r)
{
	return &r->poll;
}

void agent_rtnl_close(struct agent_rtnl *r)
{
	if (!r)
		return;
	if (r->nl)
		mnl_socket_close(r->nl);
	free(r);
}
