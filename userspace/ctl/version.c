// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl version: versions of the tool, the kernel module and the wire
 * protocol, the EtherType in use and this namespace's configurator epoch.
 */

#include <errno.h>
#include <netlink/genl/genl.h>

#include "ctl.h"

#ifndef I62608_TOOL_VERSION
#define I62608_TOOL_VERSION "unknown"
#endif

struct version_reply {
	char module[64];
	unsigned int proto;
	unsigned int ethertype;
	unsigned int epoch;
	bool got;
};

static int version_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct version_reply *v = arg;

	if (i62608_nl_parse(msg, tb) || !tb[I62608_A_MODULE_VERSION])
		return NL_SKIP;
	nla_strlcpy(v->module, tb[I62608_A_MODULE_VERSION], sizeof(v->module));
	if (tb[I62608_A_PROTO_VERSION])
		v->proto = nla_get_u8(tb[I62608_A_PROTO_VERSION]);
	if (tb[I62608_A_ETHERTYPE])
		v->ethertype = nla_get_u16(tb[I62608_A_ETHERTYPE]);
	if (tb[I62608_A_EPOCH])
		v->epoch = nla_get_u32(tb[I62608_A_EPOCH]);
	v->got = true;
	return NL_OK;
}

static int cmd_version(struct ctl *ctl, int argc, char **argv)
{
	struct version_reply v = {};
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_transact(&ctl->nl,
				 i62608_nl_msg(&ctl->nl, I62608_CMD_VERSION_GET, 0),
				 version_cb, &v);
	if (err)
		return ctl_nl_err(ctl, err, "version");
	if (!v.got)
		return ctl_nl_err(ctl, -EBADMSG, "version");

	out_obj_open(ctl->out, NULL);
	out_str(ctl->out, "tool", I62608_TOOL_VERSION);
	out_str(ctl->out, "module", v.module);
	out_u64(ctl->out, "protocol", v.proto);
	out_hex(ctl->out, "ethertype", v.ethertype, 4);
	out_hex(ctl->out, "epoch", v.epoch, 8);
	out_obj_close(ctl->out);
	return CTL_OK;
}

const struct ctl_cmd ctl_version_cmds[] = {
	{
		.object = "version",
		.fn = cmd_version,
		.summary = "show tool, module and protocol versions",
		.help =
"Prints the version of i62608ctl and of the loaded kernel module, the wire\n"
"protocol version, the EtherType the module listens on, and the\n"
"configurator epoch of the current network namespace (a random number\n"
"chosen when the namespace's state was created; agents notice a restarted\n"
"configurator by its new epoch).\n",
	},
	{ 0 }
};
