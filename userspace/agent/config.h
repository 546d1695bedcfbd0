/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608-agent's configuration file: "key = value" lines, documented in
 * docs/i62608-agent.md. The parser is strict: every problem is reported as
 * "FILE:LINE: message" and the whole file is rejected.
 */
#ifndef AGENT_CONFIG_H
#define AGENT_CONFIG_H

#include <limits.h>
#include <linux/if.h>
#include <stdio.h>

#include "report.h"

#define AGENT_CONFIG_PATH	"/etc/i62608/agent.conf"
#define AGENT_RESOLV_CONF	"/etc/resolv.conf"
/* Interfaces named by the "interfaces" key (and -i). */
#define AGENT_MAX_IFNAMES	32
/* Largest configuration file accepted. */
#define AGENT_CONFIG_MAX_SIZE	(64 * 1024)
#define AGENT_CONFIG_MAX_LINE	1024

/* Log levels, syslog numbering. */
enum agent_log_level {
	AGENT_LOG_ERR = 3,
	AGENT_LOG_WARNING = 4,
	AGENT_LOG_NOTICE = 5,
	AGENT_LOG_INFO = 6,
	AGENT_LOG_DEBUG = 7,
};

struct agent_config {
	u8 device_type;			/* enum i62608_device_type */
	/* Identity strings; "" when not configured. */
	char vendor[I62608_STR_MAX + 1];
	char model[I62608_STR_MAX + 1];
	char serial[I62608_STR_MAX + 1];
	char firmware[I62608_STR_MAX + 1];
	char name[I62608_STR_MAX + 1];	/* "": the host name */
	/* Interfaces to run on; none: every suitable interface. */
	unsigned int n_ifnames;
	char ifnames[AGENT_MAX_IFNAMES][IFNAMSIZ];
	unsigned int n_services;
	struct i62608_report_svc services[I62608_MAX_SERVICES];
	u16 ethertype;
	int log_level;			/* enum agent_log_level */
	u32 backoff_min_ms;		/* first DISCOVER interval */
	u32 backoff_max_ms;		/* the interval stops doubling here */
	u32 debounce_ms;		/* host changes -> REPORT delay */
	char resolv_conf[PATH_MAX];
};

/* Defaults (docs/protocol.md section 8). */
void agent_config_init(struct agent_config *c);

/*
 * Parse @len bytes of configuration text named @file (for messages) into
 * @c, which agent_config_init() prepared. Errors go to @err as
 * "FILE:LINE: message". Returns the number of errors; @c is only
 * meaningful when it is 0.
 */
int agent_config_parse(struct agent_config *c, const char *file,
		       const char *text, size_t len, FILE *err);

/*
 * Read and parse @path. A missing file is an error unless @optional (the
 * default path: the agent then runs on defaults). Returns the number of
 * errors, as agent_config_parse().
 */
int agent_config_load(struct agent_config *c, const char *path, bool optional,
		      FILE *err);

/* Values shared with the command line. */
bool agent_ifname_valid(const char *name);
int agent_log_level_parse(const char *s);
const char *agent_log_level_name(int level);

#endif /* AGENT_CONFIG_H */
