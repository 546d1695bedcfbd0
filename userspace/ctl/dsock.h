/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608ctl: requests to i62608d over its control socket
 * ($I62608D_SOCKET, or /run/i62608/i62608d.sock), one JSON object each
 * way (docs/i62608d.md, CONTROL SOCKET).
 */
#ifndef I62608_CTL_DSOCK_H
#define I62608_CTL_DSOCK_H

#include <json-c/json.h>

#include "ctl.h"

#define CTL_DAEMON_SOCKET	"/run/i62608/i62608d.sock"

/*
 * Send @req (consumed) and return the daemon's answer when it says
 * "ok": true. Otherwise prints why (the daemon's sentence, or why it
 * could not be reached) and returns NULL.
 */
json_object *ctl_daemon_call(struct ctl *ctl, json_object *req);

/*
 * A command that takes no argument but -j and asks the daemon @command:
 * its answer, or NULL with *@rc the command's status (help shown, usage
 * or an error printed).
 */
json_object *ctl_daemon_query(struct ctl *ctl, int argc, char **argv,
			      const char *command, int *rc);

#endif /* I62608_CTL_DSOCK_H */
