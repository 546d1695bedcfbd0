// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl agent list|show|del: the agents the configurator knows.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "ctl.h"

/* What names an agent: its MAC and, optionally, its interface. */
struct agent_sel {
	bool has_mac;
	uint8_t mac[6];
	const char *ifname;
	char what[64];		/* "agent show 02:..." for error messages */
};

/* [MAC] [dev IFNAME], in any order. */
static int parse_sel(struct ctl *ctl, int argc, char **argv, bool want_mac,
		     struct agent_sel *sel)
{
	char err[CTL_ERR_LEN], mac[18] = "";
	int i;

	memset(sel, 0, sizeof(*sel));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (sel->ifname)
				return ctl_usage(ctl, "'dev' given twice");
			if (++i == argc)
				return ctl_usage(ctl, "'dev' needs an interface name");
			if (ctl_parse_ifname(argv[i], err, sizeof(err)))
				return ctl_usage(ctl, "%s", err);
			sel->ifname = argv[i];
		} else if (want_mac && !sel->has_mac) {
			if (ctl_parse_mac(argv[i], sel->mac))
				return ctl_usage(ctl,
						 "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx, hexadecimal)",
						 argv[i]);
			sel->has_mac = true;
		} else {
			return ctl_usage(ctl, "unexpected argument '%s'", argv[i]);
		}
	}
	if (want_mac && !sel->has_mac)
		return ctl_usage(ctl, "missing the agent's MAC address");
	if (sel->has_mac)
		out_fmt_mac(mac, sizeof(mac), sel->mac);
	snprintf(sel->what, sizeof(sel->what), "agent %s%s%s%s%s",
		 ctl->cmd->verb, mac[0] ? " " : "", mac,
		 sel->ifname ? " dev " : "", sel->ifname ? sel->ifname : "");
	return CTL_OK;
}

/* Selector attributes of a request: MAC, IFNAME, when given. */
static int put_sel(struct nl_msg *msg, const struct agent_sel *sel)
{
	if (sel->has_mac && nla_put(msg, I62608_A_MAC, 6, sel->mac))
		return -ENOMEM;
	if (sel->ifname && nla_put_string(msg, I62608_A_IFNAME, sel->ifname))
		return -ENOMEM;
	return 0;
}

static struct nl_msg *sel_msg(struct ctl *ctl, uint8_t cmd,
			      const struct agent_sel *sel)
{
	struct nl_msg *msg = i62608_nl_msg(&ctl->nl, cmd, 0);

	if (msg && put_sel(msg, sel)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ------------------------------------------------------------- list -- */

struct agent_list {
	const struct agent_sel *sel;
	struct i62608_agent_info *v;
	size_t n, cap;
	int err;
};

static int list_build(struct nl_msg *msg, void *arg)
{
	struct agent_list *l = arg;

	return put_sel(msg, l->sel);
}

static int list_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct agent_list *l = arg;
	struct i62608_agent_info *a;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v) {
			l->err = -ENOMEM;
			return NL_STOP;
		}
		l->v = v;
		l->cap = cap;
	}
	a = &l->v[l->n];
	if (i62608_nl_parse(msg, tb) || i62608_parse_agent(tb[I62608_A_AGENT], a)) {
		l->err = -EBADMSG;
		return NL_SKIP;
	}
	/* The REPORT lives in the message: a list does not keep it. */
	a->report = NULL;
	a->report_len = 0;
	l->n++;
	return NL_OK;
}

static void list_reset(void *arg)
{
	struct agent_list *l = arg;

	l->n = 0;
	l->err = 0;
}

/* By interface name, then index (a name may be reused), then MAC. */
static int agent_cmp(const void *x, const void *y)
{
	const struct i62608_agent_info *a = x, *b = y;
	int d = strcmp(a->ifname, b->ifname);

	if (d)
		return d;
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return memcmp(a->mac, b->mac, 6);
}

static int cmd_agent_list(struct ctl *ctl, int argc, char **argv)
{
	struct agent_list l = {};
	struct agent_sel sel;
	size_t i;
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	err = parse_sel(ctl, argc, argv, false, &sel);
	if (err)
		return err;
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	l.sel = &sel;
	err = i62608_nl_dump(&ctl->nl, I62608_CMD_AGENT_GET, list_build,
			     list_cb, list_reset, &l);
	if (!err)
		err = l.err;
	if (err) {
		free(l.v);
		return ctl_nl_err(ctl, err, sel.what);
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), agent_cmp);

	out_table_open(ctl->out, "agents");
	for (i = 0; i < l.n; i++)
		ctl_print_agent(ctl->out, NULL, &l.v[i], NULL, CTL_AGENT_BRIEF);
	out_arr_close(ctl->out);
	free(l.v);
	return CTL_OK;
}

/* ------------------------------------------------------------- show -- */

struct agent_show {
	struct i62608_agent_info a;
	struct i62608_report r;
	bool got;
	bool has_report;
	bool bad_report;
	int err;
};

static int show_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct agent_show *s = arg;

	if (s->got)
		return NL_SKIP;
	if (i62608_nl_parse(msg, tb) ||
	    i62608_parse_agent(tb[I62608_A_AGENT], &s->a)) {
		s->err = -EBADMSG;
		return NL_SKIP;
	}
	s->got = true;
	/* Decoded now: the REPORT points into this message. */
	if (s->a.report) {
		if (i62608_report_decode(s->a.report, s->a.report_len, &s->r))
			s->bad_report = true;
		else
			s->has_report = true;
	}
	s->a.report = NULL;
	return NL_OK;
}

static int cmd_agent_show(struct ctl *ctl, int argc, char **argv)
{
	struct agent_show *s;
	struct agent_sel sel;
	int err, ret = CTL_OK;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	err = parse_sel(ctl, argc, argv, true, &sel);
	if (err)
		return err;
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ctl_nl_err(ctl, -ENOMEM, sel.what);
	err = i62608_nl_transact(&ctl->nl,
				 sel_msg(ctl, I62608_CMD_AGENT_GET, &sel),
				 show_cb, s);
	if (!err)
		err = s->err;
	if (!err && !s->got)
		err = -EBADMSG;
	if (err) {
		free(s);
		return ctl_nl_err(ctl, err, sel.what);
	}
	ctl_print_agent(ctl->out, NULL, &s->a, s->has_report ? &s->r : NULL,
			CTL_AGENT_FULL);
	if (s->bad_report)
		ret = ctl_err(ctl, "the kernel's copy of the agent's REPORT (%u bytes) does not decode",
			      s->a.report_len);
	free(s);
	return ret;
}

/* -------------------------------------------------------------- del -- */

static int cmd_agent_del(struct ctl *ctl, int argc, char **argv)
{
	struct agent_sel sel;
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	err = parse_sel(ctl, argc, argv, true, &sel);
	if (err)
		return err;
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_transact(&ctl->nl,
				 sel_msg(ctl, I62608_CMD_AGENT_DEL, &sel),
				 NULL, NULL);
	return err ? ctl_nl_err(ctl, err, sel.what) : CTL_OK;
}

const struct ctl_cmd ctl_agent_cmds[] = {
	{
		.object = "agent", .verb = "list", .fn = cmd_agent_list,
		.args = "[dev IFNAME]",
		.summary = "list the agents the configurator knows",
		.help =
"Lists the agents of the current network namespace's table, or only those\n"
"heard on IFNAME, sorted by interface and MAC address. Text output is a\n"
"table, one agent per line:\n"
"\n"
"  MAC        the agent's MAC address (the source of its frames)\n"
"  IFNAME     the interface it was heard on\n"
"  STATE      discovered (heard, no REPORT yet), reported, or lost\n"
"             (expired, kept a while for inspection)\n"
"  TYPE       device type from its REPORT (tv, stb, nas, ...)\n"
"  DEVICE     vendor and model from its REPORT, else its name\n"
"  ADDRESS    first IPv4 address/prefix of its first reported interface\n"
"  LAST_SEEN  how long ago its last frame arrived\n"
"  EXPIRES    time left until it is declared lost (for a lost agent:\n"
"             until it is forgotten)\n"
"\n"
"A missing value shows as '-'. With -j the output is a JSON array with\n"
"one object per agent holding every attribute the kernel reported (ages\n"
"and durations as *_ms integers, counters in \"counters\"); see\n"
"'agent show' for the decoded REPORT.\n",
	},
	{
		.object = "agent", .verb = "show", .fn = cmd_agent_show,
		.args = "MAC [dev IFNAME]",
		.summary = "show everything known about one agent",
		.help =
"Shows the agent with the MAC address MAC (xx:xx:xx:xx:xx:xx): its state,\n"
"epoch, when it was first and last heard, when it expires, the TTL it\n"
"announced, its identity (device type, capabilities, vendor, model, name,\n"
"serial number, firmware), frame counters, and its latest REPORT decoded:\n"
"each interface with its flags, IPv4 and IPv6 addresses (with how each\n"
"was configured: static, dhcp, autoconf, link-local), gateways and DNS\n"
"servers, and each service with its state and ports.\n"
"\n"
"An agent heard on several interfaces has one entry per interface: then\n"
"'dev IFNAME' is required to say which.\n",
	},
	{
		.object = "agent", .verb = "del", .fn = cmd_agent_del,
		.args = "MAC [dev IFNAME]",
		.summary = "forget an agent",
		.help =
"Removes the agent's entry from the table at once, as if it had expired;\n"
"listeners get an agent_lost event with reason 'user'. An agent that is\n"
"still running is discovered again with its next frame. 'dev IFNAME'\n"
"selects the entry when the MAC is known on several interfaces. Needs\n"
"CAP_NET_ADMIN.\n",
	},
	{ 0 }
};
