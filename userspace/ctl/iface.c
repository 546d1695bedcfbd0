// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl iface add|del|show: the interfaces the protocol runs on.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "ctl.h"

struct show {
	struct i62608_iface_info *v;
	size_t n, cap;
	int err;
};

static int show_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct show *s = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_IFACE]) {
		s->err = -EBADMSG;
		return NL_SKIP;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		void *v = realloc(s->v, cap * sizeof(*s->v));

		if (!v) {
			s->err = -ENOMEM;
			return NL_STOP;
		}
		s->v = v;
		s->cap = cap;
	}
	if (i62608_parse_iface(tb[I62608_A_IFACE], &s->v[s->n])) {
		s->err = -EBADMSG;
		return NL_SKIP;
	}
	s->n++;
	return NL_OK;
}

static void show_reset(void *arg)
{
	struct show *s = arg;

	s->n = 0;
	s->err = 0;
}

/* The request names the interface; the kernel resolves it in its netns. */
static struct nl_msg *iface_msg(struct ctl *ctl, uint8_t cmd, const char *name)
{
	struct nl_msg *msg = i62608_nl_msg(&ctl->nl, cmd, 0);

	if (msg && nla_put_string(msg, I62608_A_IFNAME, name)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int check_ifname(struct ctl *ctl, int argc, char **argv)
{
	char err[CTL_ERR_LEN];

	if (argc < 1)
		return ctl_usage(ctl, "missing interface name");
	if (argc > 1)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[1]);
	if (ctl_parse_ifname(argv[0], err, sizeof(err)))
		return ctl_usage(ctl, "%s", err);
	return CTL_OK;
}

static int iface_change(struct ctl *ctl, int argc, char **argv, uint8_t cmd,
			const char *what)
{
	char ctx[64];
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	err = check_ifname(ctl, argc, argv);
	if (err)
		return err;
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_transact(&ctl->nl, iface_msg(ctl, cmd, argv[0]), NULL,
				 NULL);
	snprintf(ctx, sizeof(ctx), "%s %s", what, argv[0]);
	return err ? ctl_nl_err(ctl, err, ctx) : CTL_OK;
}

static int cmd_iface_add(struct ctl *ctl, int argc, char **argv)
{
	return iface_change(ctl, argc, argv, I62608_CMD_IFACE_ADD, "iface add");
}

static int cmd_iface_del(struct ctl *ctl, int argc, char **argv)
{
	return iface_change(ctl, argc, argv, I62608_CMD_IFACE_DEL, "iface del");
}

static int cmd_iface_show(struct ctl *ctl, int argc, char **argv)
{
	struct show s = {};
	size_t i;
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (argc > 0) {
		err = check_ifname(ctl, argc, argv);
		if (err)
			return err;
	}
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	if (argc > 0)
		err = i62608_nl_transact(&ctl->nl,
					 iface_msg(ctl, I62608_CMD_IFACE_GET, argv[0]),
					 show_cb, &s);
	else
		err = i62608_nl_dump(&ctl->nl, I62608_CMD_IFACE_GET, NULL,
				     show_cb, show_reset, &s);
	if (!err)
		err = s.err;
	if (err) {
		free(s.v);
		return ctl_nl_err(ctl, err, argc ? "iface show" : "iface dump");
	}

	out_arr_open(ctl->out, "interfaces");
	for (i = 0; i < s.n; i++)
		ctl_print_iface(ctl->out, &s.v[i]);
	out_arr_close(ctl->out);
	free(s.v);
	return CTL_OK;
}

const struct ctl_cmd ctl_iface_cmds[] = {
	{
		.object = "iface", .verb = "add", .fn = cmd_iface_add,
		.args = "IFNAME",
		.summary = "enable the protocol on an interface",
		.help =
"Binds the i62608 protocol handler to IFNAME, an Ethernet interface of the\n"
"current network namespace. On a home gateway this is the LAN bridge\n"
"(e.g. br-lan), not one of its ports: frames a bridge receives on its\n"
"ports reach the protocol through the bridge device. Needs CAP_NET_ADMIN.\n",
	},
	{
		.object = "iface", .verb = "del", .fn = cmd_iface_del,
		.args = "IFNAME",
		.summary = "disable the protocol on an interface",
		.help =
"Unbinds the protocol handler from IFNAME. Needs CAP_NET_ADMIN.\n",
	},
	{
		.object = "iface", .verb = "show", .fn = cmd_iface_show,
		.args = "[IFNAME]",
		.summary = "list the interfaces the protocol is enabled on",
		.help =
"Shows every enabled interface of the current network namespace, or only\n"
"IFNAME: its index and MAC address, how long ago it was enabled, frames\n"
"and bytes received and sent, and received frames dropped, by reason.\n",
	},
	{ 0 }
};
