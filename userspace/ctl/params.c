// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl params [show] | params set: the namespace's parameters.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "ctl.h"

struct params_reply {
	struct i62608_params p;
	bool got;
	int err;
};

static int params_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[I62608_A_MAX + 1];
	struct params_reply *r = arg;

	if (i62608_nl_parse(msg, tb) ||
	    i62608_parse_params(tb[I62608_A_PARAMS], &r->p)) {
		r->err = -EBADMSG;
		return NL_SKIP;
	}
	r->got = true;
	return NL_OK;
}

static int cmd_params_show(struct ctl *ctl, int argc, char **argv)
{
	struct params_reply r = {};
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (argc > 0)
		return ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	err = i62608_nl_transact(&ctl->nl,
				 i62608_nl_msg(&ctl->nl, I62608_CMD_PARAMS_GET, 0),
				 params_cb, &r);
	if (!err)
		err = r.err;
	if (!err && !r.got)
		err = -EBADMSG;
	if (err)
		return ctl_nl_err(ctl, err, "params");
	ctl_print_params(ctl->out, &r.p);
	return CTL_OK;
}

static void list_names(char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 1; i <= I62608_PARAM_A_MAX && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", i62608_param_descs[i].name);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static int cmd_params_set(struct ctl *ctl, int argc, char **argv)
{
	struct i62608_params p = {};
	char err[CTL_ERR_LEN], names[256];
	struct nl_msg *msg;
	int i, ret;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	if (argc == 0)
		return ctl_usage(ctl, "nothing to set: give NAME VALUE pairs");
	for (i = 0; i < argc; i += 2) {
		unsigned int attr = i62608_param_lookup(argv[i]);

		if (!attr) {
			list_names(names, sizeof(names));
			return ctl_usage(ctl, "unknown parameter '%s' (one of: %s)",
					 argv[i], names);
		}
		if (i + 1 == argc)
			return ctl_usage(ctl, "%s: missing value", argv[i]);
		if ((p.present >> attr) & 1)
			return ctl_usage(ctl, "%s given twice", argv[i]);
		if (ctl_parse_param(attr, argv[i + 1], &p.value[attr], err,
				    sizeof(err)))
			return ctl_usage(ctl, "%s: %s", argv[i], err);
		p.present |= 1U << attr;
	}
	if (!ctl_nl(ctl))
		return CTL_FAIL;
	msg = i62608_nl_msg(&ctl->nl, I62608_CMD_PARAMS_SET, 0);
	if (msg && i62608_put_params(msg, &p)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = i62608_nl_transact(&ctl->nl, msg, NULL, NULL);
	return ret ? ctl_nl_err(ctl, ret, "params set") : CTL_OK;
}

#define PARAMS_HELP \
"  max_agents            agents in the table, per namespace (1..65536)\n" \
"  max_agents_per_iface  agents per interface (1..65536)\n" \
"  aging_interval        period of the expiry sweep (100ms..60s)\n" \
"  pending_ttl           how long a discovered agent without a REPORT\n" \
"                        is kept (1s..10m)\n" \
"  lost_linger           how long a lost agent stays listed (0..1h)\n" \
"  rate                  frames per second per agent (0: no limit,\n" \
"                        up to 1000000)\n" \
"  burst                 frames an agent may send at once (1..1000000)\n" \
"  adv_interval          period of unsolicited ADVERTISEs (1s..1h)\n" \
"  heartbeat_interval    HEARTBEAT period told to agents, whole seconds\n" \
"                        (1s..1h)\n" \
"  max_ttl               cap on the TTL agents announce, whole seconds\n" \
"                        (1s..24h)\n" \
"  require_auth          yes: drop plaintext REPORT, HEARTBEAT and BYE of\n" \
"                        agents without a session (yes/no)\n" \
"  reject_after          session lifetime, whole seconds (10s..24h)\n" \
"  config_rto            first retransmission of a configuration request\n" \
"                        (50ms..10s)\n" \
"  config_tries          sends of a request before it times out (1..20)\n" \
"  max_pending           configuration requests in flight (1..4096)\n"

const struct ctl_cmd ctl_params_cmds[] = {
	{
		.object = "params", .verb = "show", .fn = cmd_params_show,
		.summary = "show the configurator's parameters",
		.help =
"Shows the parameters of the current network namespace's configurator\n"
"(also what 'params' alone does):\n"
"\n"
PARAMS_HELP
"\n"
"Durations show in text as 1.500s, 2m00.000s; with -j they are integers\n"
"in milliseconds with an _ms suffix (\"aging_interval_ms\": 1000).\n",
	},
	{
		.object = "params", .verb = "set", .fn = cmd_params_set,
		.args = "NAME VALUE [NAME VALUE...]",
		.summary = "change parameters",
		.help =
"Changes one or more parameters at once: either all of them or, when the\n"
"kernel rejects one, none (its reason is printed). Counts are decimal\n"
"numbers. Durations are a whole number with a unit, ms, s, m or h (1500ms,\n"
"2s, 10m); a bare number is in the parameter's own unit: milliseconds,\n"
"except for heartbeat_interval, max_ttl and reject_after, in seconds\n"
"(which take no fraction of a second). require_auth takes yes or no (on,\n"
"off, true, false, 1, 0). The ranges are checked by the kernel:\n"
"\n"
PARAMS_HELP
"\n"
"Needs CAP_NET_ADMIN.\n",
	},
	{
		.object = "params", .fn = cmd_params_show,
		.summary = "same as 'params show'",
	},
	{ 0 }
};
