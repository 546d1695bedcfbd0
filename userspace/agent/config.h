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
#define AGENT_STATE_DIR		"/var/lib/i62608"
#define AGENT_DHCP_HOOK		"/etc/i62608/hooks/dhcp"
#define AGENT_QOS_HOOK		"/etc/i62608/hooks/qos"
#define AGENT_SETTING_HOOK	"/etc/i62608/hooks/setting"
#define AGENT_SERVICES_DIR	"/etc/i62608/services.d"
#define AGENT_DNS_FILE		"/run/i62608/resolv.conf"
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

/* config_mode: what a CONFIG_REQUEST does (docs/i62608-agent.md). */
enum agent_config_mode {
	AGENT_CFG_APPLY,		/* to the host, for real */
	AGENT_CFG_DRY_RUN,		/* validated and recorded only */
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
	/* Security (docs/security.md). */
	char state_dir[PATH_MAX];
	char key_file[PATH_MAX];	/* "": state_dir/agent.key */
	bool has_configurator_key;	/* configurator_key: the pin */
	u8 configurator_key[32];
	u32 rekey_after_ms;
	/* Configuration requests. */
	u8 config_mode;			/* enum agent_config_mode */
	u32 hook_timeout_ms;
	char dhcp_hook[PATH_MAX];
	char dns_hook[PATH_MAX];	/* "": write dns_file */
	char dns_file[PATH_MAX];
	char hostname_hook[PATH_MAX];	/* "": sethostname(2) */
	char qos_hook[PATH_MAX];
	char setting_hook[PATH_MAX];
	char services_dir[PATH_MAX];
};

/* The key file: key_file, or agent.key in state_dir. */
void agent_config_key_path(const struct agent_config *c, char *buf,
			   size_t size);
/* The learned pin: configurator.pub in state_dir. */
void agent_config_pin_path(const struct agent_config *c, char *buf,
			   size_t size);

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
