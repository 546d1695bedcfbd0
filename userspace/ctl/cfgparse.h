/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608ctl config send: a configuration request as the command line or a
 * JSON file states it, checked value by value, and its encoding as the
 * items of a CONFIG_REQUEST (kernel/wire.c's encoder). Free of I/O and of
 * netlink so that the unit tests (selftests/unit/ctl_config_test.c) feed it
 * hostile input directly.
 *
 * The tool checks syntax and what the protocol can carry (an address is an
 * address, a prefix length fits its family, names use the protocol's
 * characters and lengths, nothing is given twice, the counts fit one
 * request). Whether a value makes sense on the device (a multicast address,
 * a gateway off the link) is the agent's to decide: it answers per item.
 */
#ifndef I62608_CTL_CFGPARSE_H
#define I62608_CTL_CFGPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/i62608.h>

#include "args.h"

struct ctl_cfg_addr {
	uint8_t addr[16];
	uint8_t plen;
};

struct ctl_cfg_svc {
	char name[I62608_SVC_NAME_MAX + 1];
	bool on;
};

struct ctl_cfg_kv {
	char key[I62608_STR_MAX + 1];
	char value[I62608_KV_VALUE_MAX + 1];
};

/* What one request sets. Each has_ or count says whether it was given. */
struct ctl_cfg {
	char iface[16];		/* CFG_IFACE: 1 to 15 bytes, or "" */
	unsigned int n_addr4, n_addr6;
	struct ctl_cfg_addr addr4[I62608_MAX_ADDRS];
	struct ctl_cfg_addr addr6[I62608_MAX_ADDRS];
	bool has_gw4, has_gw6;
	uint8_t gw4[4];
	uint8_t gw6[16];
	unsigned int n_dns4, n_dns6;
	uint8_t dns4[I62608_MAX_DNS][4];
	uint8_t dns6[I62608_MAX_DNS][16];
	bool has_dhcp4, has_dhcp6;
	bool dhcp4, dhcp6;
	char hostname[I62608_STR_MAX + 1];
	unsigned int n_svc;
	struct ctl_cfg_svc svc[I62608_MAX_SERVICES];
	bool has_qos;
	uint8_t qos;		/* enum i62608_qos */
	unsigned int n_kv;
	struct ctl_cfg_kv kv[I62608_MAX_SETTINGS];
};

/* The command line of `config send`. */
struct ctl_cfg_cmd {
	bool has_mac;
	uint8_t mac[6];
	const char *dev;	/* the gateway's interface, or NULL */
	const char *file;	/* -f FILE, or NULL */
	bool no_wait;
	bool has_items;		/* an item option was given */
	struct ctl_cfg cfg;
};

/*
 * Parse `config send`'s arguments (after the verb) into @c. Items come
 * from the options, or from a file with -f (then no item option may be
 * given; the caller reads it and calls ctl_cfg_parse_json()). Returns 0 or
 * -EINVAL with a sentence in @err.
 */
int ctl_cfg_parse_args(struct ctl_cfg_cmd *c, int argc, char **argv,
		       char *err, size_t errlen);

/*
 * Parse a JSON object (the whole of @text, @len bytes) into @cfg: keys
 * "iface", "ipv4", "gw", "dns", "ipv6", "gw6", "dhcp", "dhcp6",
 * "hostname", "services", "qos", "settings". Unknown keys, a key twice,
 * a wrong type, a bad value and trailing garbage are errors; @err then
 * says what and at which byte offset. Returns 0 or -EINVAL.
 */
int ctl_cfg_parse_json(struct ctl_cfg *cfg, const char *text, size_t len,
		       char *err, size_t errlen);

/*
 * One value of each kind, as the options take it; each adds to @cfg and
 * fails on a bad value, a duplicate or one too many. @what names the
 * option or key in the message.
 */
int ctl_cfg_add_ipv4(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen);
int ctl_cfg_add_ipv6(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen);
int ctl_cfg_set_gw(struct ctl_cfg *cfg, int family, const char *s, char *err,
		   size_t errlen);
int ctl_cfg_add_dns(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen);
int ctl_cfg_set_dhcp(struct ctl_cfg *cfg, int family, bool on, char *err,
		     size_t errlen);
int ctl_cfg_set_hostname(struct ctl_cfg *cfg, const char *s, char *err,
			 size_t errlen);
int ctl_cfg_set_iface(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen);
int ctl_cfg_add_service(struct ctl_cfg *cfg, const char *name, bool on,
			char *err, size_t errlen);
/* NAME=on|off */
int ctl_cfg_add_service_arg(struct ctl_cfg *cfg, const char *s, char *err,
			    size_t errlen);
int ctl_cfg_set_qos(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen);
int ctl_cfg_add_setting(struct ctl_cfg *cfg, const char *key, const char *value,
			char *err, size_t errlen);
/* KEY=VALUE */
int ctl_cfg_add_setting_arg(struct ctl_cfg *cfg, const char *s, char *err,
			    size_t errlen);

/* Items @cfg holds. */
unsigned int ctl_cfg_items(const struct ctl_cfg *cfg);

/*
 * The CONFIG_REQUEST items of @cfg into @buf (the TLVs only, as A_CONFIG
 * carries them), in the order of enum i62608_tlv, then checked with the
 * wire format's own validator. Returns the length, or -EINVAL with @err
 * (no item, or not a valid request), -EMSGSIZE when it does not fit.
 */
int ctl_cfg_encode(const struct ctl_cfg *cfg, uint8_t *buf, size_t cap,
		   char *err, size_t errlen);

/*
 * A configuration item (a TLV of type CFG_IFACE .. CFG_SETTING) as one
 * line of text: "ipv4 192.168.1.10/24", "service iptv on",
 * "setting volume=11". Unknown or malformed items say so.
 */
void ctl_cfg_item_str(uint16_t type, const uint8_t *val, uint16_t len,
		      char *buf, size_t size);

/* Names of enums in results. */
const char *ctl_cfg_status_name(unsigned int status);
const char *ctl_cfg_reason_name(unsigned int reason);
const char *ctl_outcome_name(unsigned int outcome);
const char *ctl_qos_name(unsigned int qos);

/*
 * A pairing code as people type it: 16 Crockford base32 characters,
 * grouped by hyphens or not, in either case; I and L read as 1, O as 0.
 * Returns 0 or -EINVAL.
 */
int ctl_parse_code(const char *s, uint8_t code[10]);
/* XXXX-XXXX-XXXX-XXXX and the NUL: 20 bytes. */
void ctl_fmt_code(const uint8_t code[10], char out[20]);

#endif /* I62608_CTL_CFGPARSE_H */
