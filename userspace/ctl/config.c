// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl config send|pending: configuration requests to agents.
 *
 * `config send` encodes the items (cfgparse.c, on kernel/wire.c's
 * encoder), joins the events group on a second socket *before* it sends,
 * so that the outcome cannot slip past, and waits for the
 * CONFIG_RESULT_NTF of its request id. The kernel decides when a request
 * has timed out (CONFIG_RTO and CONFIG_TRIES); the tool only waits a
 * little longer than the kernel's bound, in case the notification itself
 * was lost (the events socket overflowed).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <netlink/genl/genl.h>

#include "ctl.h"
#include "cfgnl.h"
#include "cfgparse.h"

/* Exit statuses of config send (docs/i62608ctl.md). */
enum {
	CFG_EXIT_ACKED = 0,
	CFG_EXIT_NACKED = 1,
	CFG_EXIT_ERROR = 2,
	CFG_EXIT_TIMEOUT = 3,
	CFG_EXIT_LOST = 4,
};

/* A request file larger than this is not a request. */
#define CFG_FILE_MAX (64 * 1024)
/* The kernel's cap on the retransmission timeout (kernel/config.c). */
#define CFG_RTO_MAX_MS 4000

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int read_file(struct ctl *ctl, const char *path, char **text, size_t *len)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) :
		dup(STDIN_FILENO);
	if (fd < 0)
		return ctl_err(ctl, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))) {
		close(fd);
		return ctl_err(ctl, "%s: not a regular file", path);
	}
	*text = malloc(CFG_FILE_MAX + 1);
	if (!*text) {
		close(fd);
		return ctl_err(ctl, "out of memory");
	}
	/* One byte more than allowed tells an oversized file. */
	while (got <= CFG_FILE_MAX) {
		n = read(fd, *text + got, CFG_FILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			free(*text);
			return ctl_err(ctl, "%s: %s", path, strerror(errno));
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got > CFG_FILE_MAX) {
		free(*text);
		return ctl_err(ctl, "%s: larger than %d bytes: not a request", path,
			       CFG_FILE_MAX);
	}
	(*text)[got] = 0;
	*len = got;
	return 0;
}

/* ------------------------------------------------------------- send -- */

struct send_reply {
	uint32_t id;
	bool got;
};

static int send_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct send_reply *r = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_REQUEST_ID])
		return NL_SKIP;
	r->id = nla_get_u32(tb[I62608_A_REQUEST_ID]);
	r->got = true;
	return NL_OK;
}

struct params_reply {
	struct i62608_params p;
	bool got;
};

static int params_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct params_reply *r = arg;

	if (!i62608_nl_parse(msg, tb) &&
	    !i62608_parse_params(tb[I62608_A_PARAMS], &r->p))
		r->got = true;
	return NL_OK;
}

/*
 * How long the kernel may take to give up: a send every RTO, doubling up
 * to its cap, CONFIG_TRIES times, then one more RTO for the last answer.
 */
static uint64_t kernel_bound_ms(struct ctl *ctl)
{
	struct params_reply r = {};
	uint64_t rto = 1000, total = 0;
	uint32_t tries = 20, i;

	if (!i62608_nl_transact(&ctl->nl,
				i62608_nl_msg(&ctl->nl, I62608_CMD_PARAMS_GET, 0),
				params_cb, &r) && r.got) {
		if (r.p.present & (1U << I62608_PARAM_A_CONFIG_RTO_MS))
			rto = r.p.value[I62608_PARAM_A_CONFIG_RTO_MS];
		if (r.p.present & (1U << I62608_PARAM_A_CONFIG_TRIES))
			tries = r.p.value[I62608_PARAM_A_CONFIG_TRIES];
	} else {
		/* Unknown: assume the largest values the kernel takes. */
		rto = 10000;
	}
	for (i = 0; i < tries && i < 64; i++) {
		total += rto;
		rto = rto * 2 < CFG_RTO_MAX_MS ? rto * 2 : CFG_RTO_MAX_MS;
	}
	return total;
}

struct waiter {
	struct ctl *ctl;
	uint32_t id;
	bool done;
	bool bad;
	const uint8_t *req;
	size_t req_len;
	int status;
};

static int result_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct waiter *w = arg;
	struct i62608_cfg_result r;

	if (w->done || nlmsg_hdr(msg)->nlmsg_type != w->ctl->nl.family ||
	    i62608_nl_cmd(msg) != I62608_CMD_CONFIG_RESULT_NTF)
		return NL_SKIP;
	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_REQUEST_ID])
		return NL_SKIP;
	if (nla_get_u32(tb[I62608_A_REQUEST_ID]) != w->id)
		return NL_SKIP;
	w->done = true;
	if (i62608_parse_cfg_result(tb, &r)) {
		w->bad = true;
		return NL_SKIP;
	}
	out_obj_open(w->ctl->out, NULL);
	ctl_print_result(w->ctl->out, &r, w->req, w->req_len);
	out_obj_close(w->ctl->out);
	switch (r.outcome) {
	case I62608_OUTCOME_ACKED:
		w->status = CFG_EXIT_ACKED;
		break;
	case I62608_OUTCOME_NACKED:
		w->status = CFG_EXIT_NACKED;
		break;
	case I62608_OUTCOME_TIMEOUT:
		w->status = CFG_EXIT_TIMEOUT;
		break;
	default:	/* agent lost, session or interface gone */
		w->status = CFG_EXIT_LOST;
		break;
	}
	return NL_OK;
}

static struct nl_msg *send_msg(struct ctl *ctl, const struct ctl_cfg_cmd *c,
			       const uint8_t *body, int len)
{
	struct nl_msg *msg = i62608_nl_msg(&ctl->nl, I62608_CMD_CONFIG_SEND, 0);

	if (msg && (nla_put(msg, I62608_A_MAC, 6, c->mac) ||
		    (c->dev && nla_put_string(msg, I62608_A_IFNAME, c->dev)) ||
		    nla_put(msg, I62608_A_CONFIG, len, body))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int cmd_config_send(struct ctl *ctl, int argc, char **argv)
{
	char err_s[CTL_ERR_LEN + 64], what[64], mac[18];
	struct send_reply reply = {};
	struct i62608_nl ev = {};
	uint8_t body[I62608_MAX_MSG];
	struct ctl_cfg_cmd *c;
	struct waiter w = {};
	uint64_t deadline = 0;
	bool lost = false;
	int len, err, ret = CFG_EXIT_ERROR;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!ctl_take_json(ctl, &argc, argv))
		return ctl_err(ctl, "out of memory");
	c = calloc(1, sizeof(*c));
	if (!c) {
		ctl_err(ctl, "out of memory");
		return CFG_EXIT_ERROR;
	}
	if (ctl_cfg_parse_args(c, argc, argv, err_s, sizeof(err_s))) {
		ctl_usage(ctl, "%s", err_s);
		goto out;
	}
	if (c->file) {
		char *text = NULL;
		size_t tlen = 0;

		if (read_file(ctl, c->file, &text, &tlen))
			goto out;
		err = ctl_cfg_parse_json(&c->cfg, text, tlen, err_s, sizeof(err_s));
		free(text);
		if (err) {
			ctl_err(ctl, "%s: %s", c->file, err_s);
			goto out;
		}
	}
	len = ctl_cfg_encode(&c->cfg, body, sizeof(body), err_s, sizeof(err_s));
	if (len < 0) {
		ctl_err(ctl, "%s", err_s);
		goto out;
	}
	out_fmt_mac(mac, sizeof(mac), c->mac);
	snprintf(what, sizeof(what), "config send %s%s%s", mac,
		 c->dev ? " dev " : "", c->dev ? c->dev : "");
	if (!ctl_nl(ctl))
		goto out;

	if (!c->no_wait) {
		err = i62608_nl_open(&ev);
		if (!err)
			err = i62608_nl_subscribe(&ev);
		if (err) {
			ctl_nl_err(ctl, err, "config send: joining the events group");
			goto out_ev;
		}
		deadline = kernel_bound_ms(ctl);
		/* Twice the kernel's bound and some: TCG guests are slow. */
		deadline = monotonic_ms() + 2 * deadline + 5000;
	}
	err = i62608_nl_transact(&ctl->nl, send_msg(ctl, c, body, len), send_cb,
				 &reply);
	if (!err && !reply.got)
		err = -EBADMSG;
	if (err) {
		ctl_nl_err(ctl, err, what);
		goto out_ev;
	}
	if (c->no_wait) {
		out_obj_open(ctl->out, NULL);
		out_u64(ctl->out, "request_id", reply.id);
		out_mac(ctl->out, "mac", c->mac);
		out_obj_close(ctl->out);
		ret = CFG_EXIT_ACKED;
		goto out;
	}

	w.ctl = ctl;
	w.id = reply.id;
	w.req = body;
	w.req_len = (size_t)len;
	/* The two sockets resolve the same family id. */
	ev.family = ctl->nl.family;
	while (!w.done) {
		uint64_t now = monotonic_ms();

		if (now >= deadline)
			break;
		err = i62608_nl_poll_events(&ev, result_cb, &w,
					    (int)(deadline - now));
		if (err == -ENOBUFS)
			lost = true;
		else if (err < 0) {
			ctl_err(ctl, "reading events: %s", strerror(-err));
			goto out_ev;
		}
	}
	if (w.bad) {
		ctl_err(ctl, "the result of request %u is malformed", w.id);
		goto out_ev;
	}
	if (!w.done) {
		ctl_err(ctl, "no result for request %u %s", w.id,
			lost ? "(notifications were lost: see 'config pending')" :
			"within the kernel's own time limit");
		ret = CFG_EXIT_TIMEOUT;
		goto out_ev;
	}
	ret = w.status;
out_ev:
	if (ev.sk)
		i62608_nl_close(&ev);
out:
	free(c);
	return ret;
}

/* ---------------------------------------------------------- pending -- */

struct pending_list {
	struct ctl_pending_info *v;
	size_t n, cap;
	int err;
};

static int pending_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct pending_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v) {
			l->err = -ENOMEM;
			return NL_STOP;
		}
		l->v = v;
		l->cap = cap;
	}
	if (i62608_nl_parse(msg, tb) ||
	    ctl_parse_pending(tb[I62608_A_PENDING], &l->v[l->n])) {
		l->err = -EBADMSG;
		return NL_SKIP;
	}
	if (!if_indextoname(l->v[l->n].ifindex, l->v[l->n].ifname))
		l->v[l->n].ifname[0] = 0;
	l->n++;
	return NL_OK;
}

static void pending_reset(void *arg)
{
	struct pending_list *l = arg;

	l->n = 0;
	l->err = 0;
}

static int cmd_config_pending(struct ctl *ctl, int argc, char **argv)
{
	struct pending_list l = {};
	size_t i;
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (!ctl_take_json(ctl, &argc, argv))
		return ctl_err(ctl, "out of memory");
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_dump(&ctl->nl, I62608_CMD_CONFIG_GET, NULL, pending_cb,
			     pending_reset, &l);
	if (!err)
		err = l.err;
	if (err) {
		free(l.v);
		return ctl_nl_err(ctl, err, "config pending");
	}
	out_table_open(ctl->out, "pending");
	for (i = 0; i < l.n; i++)
		ctl_print_pending(ctl->out, &l.v[i]);
	out_arr_close(ctl->out);
	free(l.v);
	return CTL_OK;
}

const struct ctl_cmd ctl_config_cmds[] = {
	{
		.object = "config", .verb = "send", .fn = cmd_config_send,
		.args = "MAC [dev IFNAME] ITEM... [--no-wait] | MAC [dev IFNAME] -f FILE [--no-wait]",
		.summary = "configure an agent and wait for its answer",
		.help =
"Sends a configuration request to the agent MAC (dev IFNAME: the gateway\n"
"interface it was heard on, when it is known on several) over its\n"
"authenticated session, and waits for its answer. Items:\n"
"\n"
"  --iface NAME         the device's interface the items are for\n"
"                       (default: the one facing the configurator)\n"
"  --ipv4 ADDR/PLEN     a static IPv4 address (up to 4)\n"
"  --gw ADDR            the IPv4 default gateway\n"
"  --dns ADDR           a DNS server, IPv4 or IPv6 (up to 2 of each)\n"
"  --ipv6 ADDR/PLEN     a static IPv6 address (up to 4)\n"
"  --gw6 ADDR           the IPv6 default gateway\n"
"  --dhcp, --dhcp6      use DHCP (DHCPv6) instead of static addresses\n"
"  --hostname NAME      [a-z0-9-] labels joined by dots, up to 32\n"
"  --service NAME=on|off  switch a service (up to 16)\n"
"  --qos CLASS          best-effort, background, video or voice\n"
"  --set KEY=VALUE      a vendor setting (up to 8; value up to 64 bytes)\n"
"\n"
"or -f FILE (- for standard input): a JSON object with the keys iface,\n"
"ipv4 (string or array), gw, dns (array), ipv6, gw6, dhcp and dhcp6\n"
"(true: use it, false: stop it), hostname, services ({\"NAME\": true}),\n"
"qos and settings ({\"KEY\": \"VALUE\"}). Unknown keys, a key twice and\n"
"bad values are refused with their byte offset.\n"
"\n"
"Prints the request id, the outcome and each item's result: applied,\n"
"unchanged or refused (with the reason: invalid, conflict, failed,\n"
"unsupported, no_iface, no_service, no_hook). --no-wait prints the\n"
"request id and returns at once ('monitor' shows the result).\n"
"\n"
"Exit status: 0 acked (every item applied or unchanged), 1 nacked (some\n"
"item refused), 2 usage or kernel error (e.g. no such agent, no\n"
"session), 3 timed out (the agent did not answer after the kernel's\n"
"config_tries sends), 4 the agent was lost or its session ended first.\n",
	},
	{
		.object = "config", .verb = "pending", .fn = cmd_config_pending,
		.args = "[-j]",
		.summary = "list the configuration requests not answered yet",
		.help =
"Lists the requests in flight: REQUEST_ID, the agent's MAC, IFNAME,\n"
"TRIES (times sent), AGE (since first sent) and NEXT (time to the next\n"
"retransmission, or to giving up).\n",
	},
	{ 0 }
};
