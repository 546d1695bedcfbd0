// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl stats: the namespace's counters and each interface's.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "ctl.h"

struct nsstats_reply {
	struct i62608_nsstats_info st;
	bool got;
	int err;
};

static int nsstats_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct nsstats_reply *r = arg;

	if (i62608_nl_parse(msg, tb) ||
	    i62608_parse_nsstats(tb[I62608_A_STATS], &r->st)) {
		r->err = -EBADMSG;
		return NL_SKIP;
	}
	r->got = true;
	return NL_OK;
}

struct iface_list {
	struct i62608_iface_info *v;
	size_t n, cap;
	int err;
};

static int iface_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct iface_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v) {
			l->err = -ENOMEM;
			return NL_STOP;
		}
		l->v = v;
		l->cap = cap;
	}
	if (i62608_nl_parse(msg, tb) ||
	    i62608_parse_iface(tb[I62608_A_IFACE], &l->v[l->n])) {
		l->err = -EBADMSG;
		return NL_SKIP;
	}
	l->n++;
	return NL_OK;
}

static void iface_reset(void *arg)
{
	struct iface_list *l = arg;

	l->n = 0;
	l->err = 0;
}

static int iface_cmp(const void *x, const void *y)
{
	const struct i62608_iface_info *a = x, *b = y;

	return strcmp(a->ifname, b->ifname);
}

static int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	struct nsstats_reply r = {};
	struct iface_list l = {};
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
	if (!ctl_nl(ctl))
		return CTL_FAIL;

	err = i62608_nl_transact(&ctl->nl,
				 i62608_nl_msg(&ctl->nl, I62608_CMD_STATS_GET, 0),
				 nsstats_cb, &r);
	if (!err)
		err = r.err;
	if (!err && !r.got)
		err = -EBADMSG;
	if (err)
		return ctl_nl_err(ctl, err, "stats");

	err = i62608_nl_dump(&ctl->nl, I62608_CMD_IFACE_GET, NULL, iface_cb,
			     iface_reset, &l);
	if (!err)
		err = l.err;
	if (err) {
		free(l.v);
		return ctl_nl_err(ctl, err, "stats: interfaces");
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), iface_cmp);
	ctl_print_stats(ctl->out, &r.st, l.v, l.n);
	free(l.v);
	return CTL_OK;
}

const struct ctl_cmd ctl_stats_cmds[] = {
	{
		.object = "stats", .fn = cmd_stats,
		.summary = "show the configurator's counters",
		.help =
"Shows the counters of the current network namespace's configurator:\n"
"\n"
"  agents       entries in the agent table now, and of them\n"
"  discovered   ... heard from, no REPORT yet\n"
"  reported     ... holding a REPORT\n"
"  lost         ... expired, kept a while for inspection\n"
"  created      entries ever created\n"
"  expired      agents lost because their TTL ran out\n"
"  byes         agents gone with a BYE\n"
"  restarts     agents that came back with a new epoch\n"
"  evicted      lost entries removed to make room for new agents\n"
"  table_full   frames of new agents dropped because the table was full\n"
"  ratelimited  frames dropped because an agent exceeded its rate\n"
"  ntf_failed   notifications that could not be sent (no memory)\n"
"\n"
"and those of the security extension: sessions, handshakes, hs_rejected,\n"
"hs_failed, decrypt_fail_sent; then, for every enabled interface, frames\n"
"and bytes received and sent, send errors, and received frames dropped,\n"
"by reason: truncated, version, length, malformed, src_mac, own, type,\n"
"ratelimit, table_full, nomem, protected, auth, replay, unprotected,\n"
"hs_busy, hs_failed.\n",
	},
	{ 0 }
};
