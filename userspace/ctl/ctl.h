/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608ctl: command table and what every command gets.
 */
#ifndef I62608_CTL_H
#define I62608_CTL_H

#include <stdbool.h>

#include "args.h"
#include "nl.h"
#include "output.h"
#include "render.h"

struct ctl {
	struct out *out;
	struct i62608_nl nl;
	bool nl_open;
	bool json;
	const struct ctl_cmd *cmd;
};

/*
 * One command: "OBJECT VERB" (or just "OBJECT" when @verb is NULL).
 * @fn gets the arguments after the verb; it returns an exit status.
 */
struct ctl_cmd {
	const char *object;
	const char *verb;
	int (*fn)(struct ctl *ctl, int argc, char **argv);
	const char *args;
	const char *summary;
	const char *help;
};

/* Exit statuses. */
enum {
	CTL_OK = 0,
	CTL_FAIL = 1,	/* the operation failed */
	CTL_USAGE = 2,	/* the command line is wrong */
};

/* Connect to the kernel family; prints the reason and returns false. */
bool ctl_nl(struct ctl *ctl);
/* Report a failed kernel operation; returns CTL_FAIL. */
int ctl_nl_err(struct ctl *ctl, int err, const char *what);
/* Report a usage error for the current command; returns CTL_USAGE. */
int ctl_usage(struct ctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report a runtime error; returns CTL_FAIL. */
int ctl_err(struct ctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True when argv holds -h/--help: print the command's help. */
bool ctl_want_help(struct ctl *ctl, int argc, char **argv);
/*
 * Take -j/--json (and -p/--pretty) given after the command, as the
 * commands that show something accept them there too; removes them from
 * argv. Returns false when out of memory.
 */
bool ctl_take_json(struct ctl *ctl, int *argc, char **argv);
/*
 * Where the configurator keeps its files: $I62608_STATE_DIR, or
 * /var/lib/i62608. @name is appended. Returns -ENAMETOOLONG or 0.
 */
int ctl_state_path(char *buf, size_t size, const char *name);

extern const struct ctl_cmd ctl_version_cmds[];
extern const struct ctl_cmd ctl_iface_cmds[];
extern const struct ctl_cmd ctl_agent_cmds[];
extern const struct ctl_cmd ctl_monitor_cmds[];
extern const struct ctl_cmd ctl_stats_cmds[];
extern const struct ctl_cmd ctl_params_cmds[];
extern const struct ctl_cmd ctl_key_cmds[];
extern const struct ctl_cmd ctl_pair_cmds[];
extern const struct ctl_cmd ctl_config_cmds[];
extern const struct ctl_cmd ctl_device_cmds[];
extern const struct ctl_cmd ctl_daemon_cmds[];
extern const struct ctl_cmd ctl_cloud_cmds[];

#endif /* I62608_CTL_H */
