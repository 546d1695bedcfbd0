// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink client for the i62608 family (see nl.h).
 */

#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct xfer {
	struct i62608_nl *nl;
	i62608_nl_cb cb;
	void *arg;
	int err;
	bool done;
	bool intr;
};

/*
 * The extended ACK attributes follow struct nlmsgerr and, unless the
 * request was capped, a copy of the request.
 */
static void parse_ext_ack(struct i62608_nl *nl, const struct nlmsghdr *nlh,
			  size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	size_t len = nlh->nlmsg_len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off), len - off, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
		/* The kernel's string is NUL-terminated; do not print it. */
		nl->errmsg[strcspn(nl->errmsg, "\n")] = 0;
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) == 4)
		nl->err_offset = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct xfer *x = arg;
	const struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	(void)who;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	x->err = e->error;
	parse_ext_ack(x->nl, nlh, off);
	x->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	(void)msg;
	x->done = true;
	return NL_STOP;
}

/* NLMSG_DONE of a dump: an int error code, then possibly extack. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct xfer *x = arg;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		int err = *(int *)nlmsg_data(nlh);

		if (err < 0) {
			x->err = err;
			parse_ext_ack(x->nl, nlh, NLMSG_HDRLEN + sizeof(int));
		}
	}
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		x->intr = true;
	x->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		x->intr = true;
	if (x->err || !x->cb)
		return NL_OK;
	return x->cb(msg, x->arg);
}

static int run(struct i62608_nl *nl, struct nl_msg *msg, i62608_nl_cb cb,
	       void *arg, bool *intr)
{
	struct xfer x = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *c;
	int err;

	nl->errmsg[0] = 0;
	nl->err_offset = 0;
	c = nl_cb_alloc(NL_CB_CUSTOM);
	if (!c) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	nl_cb_set(c, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_set(c, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &x);
	nl_cb_err(c, NL_CB_CUSTOM, on_error, &x);

	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !x.done)
		err = nl_recvmsgs(nl->sk, c);
	if (err < 0 && !x.done) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "netlink: %s",
			 nl_geterror(err));
		nl_cb_put(c);
		return err == -NLE_NOMEM ? -ENOMEM : -EIO;
	}
	nl_cb_put(c);
	if (intr)
		*intr = x.intr;
	return x.err;
}

int i62608_nl_open(struct i62608_nl *nl)
{
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	err = genl_connect(nl->sk);
	if (err < 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "cannot open a generic netlink socket: %s",
			 nl_geterror(err));
		goto err_free;
	}
	/* Ask for the kernel's explanations, and no copy of our request. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/* Dumps of large tables arrive in large messages. */
	nl_socket_set_msg_buf_size(nl->sk, 64 * 1024);

	nl->family = genl_ctrl_resolve(nl->sk, I62608_GENL_NAME);
	if (nl->family < 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "generic netlink family '%s' not found: is the i62608 module loaded?",
			 I62608_GENL_NAME);
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return -ENOENT;
	}
	nl->mcgrp_events = genl_ctrl_resolve_grp(nl->sk, I62608_GENL_NAME,
						 I62608_MCGRP_EVENTS);
	return 0;

err_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -EIO;
}

void i62608_nl_close(struct i62608_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *i62608_nl_msg(struct i62608_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, I62608_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int i62608_nl_transact(struct i62608_nl *nl, struct nl_msg *msg,
		       i62608_nl_cb cb, void *arg)
{
	if (!msg)
		return -ENOMEM;
	return run(nl, msg, cb, arg, NULL);
}

int i62608_nl_dump(struct i62608_nl *nl, uint8_t cmd,
		   int (*build)(struct nl_msg *msg, void *arg),
		   i62608_nl_cb cb, void (*reset)(void *arg), void *arg)
{
	unsigned int attempt;

	for (attempt = 0; attempt <= I62608_NL_DUMP_RETRIES; attempt++) {
		struct nl_msg *msg = i62608_nl_msg(nl, cmd, NLM_F_DUMP);
		bool intr = false;
		int err;

		if (!msg)
			return -ENOMEM;
		if (build) {
			err = build(msg, arg);
			if (err) {
				nlmsg_free(msg);
				return err;
			}
		}
		if (attempt && reset)
			reset(arg);
		err = run(nl, msg, cb, arg, &intr);
		if (err || !intr)
			return err;
		nl->dump_restarts++;
	}
	snprintf(nl->errmsg, sizeof(nl->errmsg),
		 "the table kept changing during %d dump attempts",
		 I62608_NL_DUMP_RETRIES + 1);
	return -EAGAIN;
}

int i62608_nl_subscribe(struct i62608_nl *nl)
{
	int err;

	if (nl->mcgrp_events < 0)
		return -ENOENT;
	nl_socket_disable_seq_check(nl->sk);
	err = nl_socket_add_membership(nl->sk, nl->mcgrp_events);
	if (err < 0)
		return -EIO;
	/* Readiness comes from poll(); a read must never block. */
	return nl_socket_set_nonblocking(nl->sk) < 0 ? -EIO : 0;
}

/* Notifications carry sequence number 0: nothing to check. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	return x->cb(msg, x->arg);
}

int i62608_nl_poll_events(struct i62608_nl *nl, i62608_nl_cb cb, void *arg,
			  int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct xfer x = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *c;
	int err;

	err = poll(&pfd, 1, timeout_ms);
	if (err < 0)
		return errno == EINTR ? 0 : -errno;
	if (err == 0)
		return 0;
	c = nl_cb_alloc(NL_CB_CUSTOM);
	if (!c)
		return -ENOMEM;
	nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, on_event, &x);
	nl_cb_set(c, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	err = nl_recvmsgs(nl->sk, c);
	nl_cb_put(c);
	if (err < 0) {
		/* ENOBUFS: the socket overflowed, notifications were lost. */
		if (err == -NLE_NOMEM)
			return -ENOBUFS;
		if (err == -NLE_AGAIN || err == -NLE_INTR)
			return 0;
		return -EIO;
	}
	return 1;
}

int i62608_nl_fd(const struct i62608_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}
