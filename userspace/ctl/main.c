// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl: command line interface to the i62608 kernel module (and,
 * through its control socket, to the i62608d daemon).
 *
 *   i62608ctl [-j [-p]] OBJECT VERB [ARGS...]
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const struct ctl_cmd *const cmd_tables[] = {
	ctl_version_cmds,
	ctl_iface_cmds,
	ctl_agent_cmds,
	ctl_monitor_cmds,
	ctl_stats_cmds,
	ctl_params_cmds,
	ctl_key_cmds,
	ctl_pair_cmds,
	ctl_config_cmds,
	ctl_device_cmds,
	ctl_daemon_cmds,
	ctl_cloud_cmds,
};

#define N_TABLES (sizeof(cmd_tables) / sizeof(cmd_tables[0]))

static const char *prog = "i62608ctl";

static void cmd_usage_line(FILE *f, const struct ctl_cmd *c)
{
	fprintf(f, "%s %s%s%s%s%s", prog, c->object, c->verb ? " " : "",
		c->verb ? c->verb : "", c->args ? " " : "",
		c->args ? c->args : "");
}

static void print_cmd_help(FILE *f, const struct ctl_cmd *c)
{
	fputs("usage: ", f);
	cmd_usage_line(f, c);
	fprintf(f, "\n\n%s.\n\n%s", c->summary, c->help ? c->help : "");
	fputs("\nCommon options (before the command): -j JSON output, "
	      "-p pretty JSON.\n", f);
}

static void print_usage(FILE *f, const char *object)
{
	size_t t;

	if (!object)
		fprintf(f,
"usage: %s [OPTIONS] OBJECT [VERB] [ARGS...]\n"
"\n"
"Controls the i62608 home network configurator (IEC 62608) of this\n"
"network namespace: the interfaces it runs on, the agents it knows,\n"
"the configuration it sends.\n"
"\n"
"Options:\n"
"  -j, --json     print JSON (one document; a stream prints one object\n"
"                 per line)\n"
"  -p, --pretty   indent JSON\n"
"  -h, --help     this help; '%s OBJECT VERB --help' explains a command\n"
"  -V, --version  print the tool version and exit\n"
"\n"
"Commands:\n", prog, prog);
	for (t = 0; t < N_TABLES; t++) {
		const struct ctl_cmd *c;

		for (c = cmd_tables[t]; c->object; c++) {
			char line[128];

			if (object && strcmp(object, c->object))
				continue;
			snprintf(line, sizeof(line), "%s%s%s%s%s", c->object,
				 c->verb ? " " : "", c->verb ? c->verb : "",
				 c->args ? " " : "", c->args ? c->args : "");
			/* A long synopsis gets its summary on the next line. */
			if (strlen(line) > 28)
				fprintf(f, "  %s\n  %-28s %s\n", line, "",
					c->summary);
			else
				fprintf(f, "  %-28s %s\n", line, c->summary);
		}
	}
	if (!object)
		fputs("\nExit status: 0 success, 1 the operation failed, "
		      "2 usage error ('config send': see its help).\n", f);
}

bool ctl_want_help(struct ctl *ctl, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
		    !strcmp(argv[i], "help")) {
			print_cmd_help(stdout, ctl->cmd);
			return true;
		}
	}
	return false;
}

bool ctl_take_json(struct ctl *ctl, int *argc, char **argv)
{
	bool json = ctl->json, pretty = false;
	int i, n = 0;

	for (i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			pretty = true;
		else
			argv[n++] = argv[i];
	}
	*argc = n;
	if (json == ctl->json && !pretty)
		return true;
	/* Nothing was printed yet: the writer can still change. */
	out_free(ctl->out);
	ctl->json = json;
	ctl->out = out_new(stdout, json ? OUT_JSON : OUT_TEXT, pretty);
	return ctl->out != NULL;
}

int ctl_state_path(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("I62608_STATE_DIR");

	if (!dir || !*dir)
		dir = "/var/lib/i62608";
	if ((size_t)snprintf(buf, size, "%s/%s", dir, name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static void vprint_err(struct ctl *ctl, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	if (ctl && ctl->cmd)
		fprintf(stderr, "%s%s%s: ", ctl->cmd->object,
			ctl->cmd->verb ? " " : "",
			ctl->cmd->verb ? ctl->cmd->verb : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int ctl_usage(struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_err(ctl, fmt, ap);
	va_end(ap);
	if (ctl->cmd) {
		fputs("usage: ", stderr);
		cmd_usage_line(stderr, ctl->cmd);
		fputc('\n', stderr);
	}
	return CTL_USAGE;
}

int ctl_err(struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_err(ctl, fmt, ap);
	va_end(ap);
	return CTL_FAIL;
}

bool ctl_nl(struct ctl *ctl)
{
	int err;

	if (ctl->nl_open)
		return true;
	err = i62608_nl_open(&ctl->nl);
	if (err) {
		fprintf(stderr, "%s: %s\n", prog,
			ctl->nl.errmsg[0] ? ctl->nl.errmsg : strerror(-err));
		return false;
	}
	ctl->nl_open = true;
	return true;
}

int ctl_nl_err(struct ctl *ctl, int err, const char *what)
{
	if (ctl->nl.errmsg[0])
		fprintf(stderr, "%s: %s: %s (%s)\n", prog, what,
			strerror(-err), ctl->nl.errmsg);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-err));
	return CTL_FAIL;
}

static const struct ctl_cmd *find_cmd(const char *object, const char *verb,
				      bool *object_known)
{
	size_t t;

	*object_known = false;
	for (t = 0; t < N_TABLES; t++) {
		const struct ctl_cmd *c;

		for (c = cmd_tables[t]; c->object; c++) {
			if (strcmp(c->object, object))
				continue;
			*object_known = true;
			if (!c->verb)
				return c;
			if (verb && !strcmp(c->verb, verb))
				return c;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct ctl ctl = {};
	const struct ctl_cmd *cmd;
	bool pretty = false, known;
	int opt, ret, skip;

	/* Stop at the first non-option: the rest belongs to the command. */
	while ((opt = getopt_long(argc, argv, "+jphV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctl.json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 'h':
			print_usage(stdout, NULL);
			return CTL_OK;
		case 'V':
			printf("%s %s\n", prog, I62608_TOOL_VERSION);
			return CTL_OK;
		default:
			print_usage(stderr, NULL);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc < 1) {
		print_usage(stderr, NULL);
		return CTL_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		print_usage(stdout, argc > 1 ? argv[1] : NULL);
		return CTL_OK;
	}

	cmd = find_cmd(argv[0], argc > 1 ? argv[1] : NULL, &known);
	if (!cmd) {
		if (!known) {
			fprintf(stderr, "%s: unknown command '%s'; see '%s help'\n",
				prog, argv[0], prog);
			return CTL_USAGE;
		}
		if (argc > 1 && strcmp(argv[1], "help") &&
		    strcmp(argv[1], "-h") && strcmp(argv[1], "--help")) {
			fprintf(stderr, "%s: %s: unknown command '%s'\n", prog,
				argv[0], argv[1]);
			print_usage(stderr, argv[0]);
			return CTL_USAGE;
		}
		/* "OBJECT", "OBJECT help": list what the object offers. */
		print_usage(argc > 1 ? stdout : stderr, argv[0]);
		return argc > 1 ? CTL_OK : CTL_USAGE;
	}

	ctl.cmd = cmd;
	ctl.out = out_new(stdout, ctl.json ? OUT_JSON : OUT_TEXT, pretty);
	if (!ctl.out) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return CTL_FAIL;
	}
	skip = cmd->verb ? 2 : 1;
	ret = cmd->fn(&ctl, argc - skip, argv + skip);
	if (ctl.out)
		out_free(ctl.out);
	if (ctl.nl_open)
		i62608_nl_close(&ctl.nl);
	return ret;
}
