// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl daemon status: i62608d's state (its policy, the kernel, the
 * gateway backend, device counts and counters).
 */

#include "ctl.h"
#include "devrender.h"
#include "dsock.h"

static int cmd_daemon_status(struct ctl *ctl, int argc, char **argv)
{
	json_object *ans;
	int rc;

	ans = ctl_daemon_query(ctl, argc, argv, "status", &rc);
	if (!ans)
		return rc;
	ctl_print_daemon_status(ctl->out, ans);
	json_object_put(ans);
	return CTL_OK;
}

const struct ctl_cmd ctl_daemon_cmds[] = {
	{
		.object = "daemon", .verb = "status", .fn = cmd_daemon_status,
		.args = "[-j]",
		.summary = "show i62608d's state",
		.help =
"Asks i62608d (its control socket: $I62608D_SOCKET, or\n"
"/run/i62608/i62608d.sock) for its version, uptime, database, policy (and\n"
"why its last reload was refused, if it was), the kernel connection, the\n"
"gateway backend, how many devices it knows and where they stand, and\n"
"its counters.\n",
	},
	{ 0 }
};
