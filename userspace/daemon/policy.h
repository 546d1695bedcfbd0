/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608d's policy: /etc/i62608/policy.conf (grammar in docs/i62608d.md).
 * The LAN, its address pools, and rules that match devices by type,
 * vendor, model or MAC address and say what they get: how they are
 * addressed, their QoS class, port forwards, multicast, services.
 *
 * Parsing is free of I/O but for policy_load(), and strict: every error
 * is reported as "FILE:LINE: message", and a policy with an error is
 * refused whole (the daemon keeps the one in force).
 */
#ifndef I62608D_POLICY_H
#define I62608D_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cloud.h"

/* Bounds: a hostile or mistaken file cannot make the daemon grow. */
#define POLICY_MAX_BYTES	(256 * 1024)
#define POLICY_MAX_LINE		1024
#define POLICY_MAX_RULES	256
#define POLICY_MAX_POOLS	64
#define POLICY_MAX_MATCHES	16	/* match lines per rule */
#define POLICY_MAX_VALUES	16	/* alternatives per match line */
#define POLICY_MAX_FORWARDS	16	/* per rule */
#define POLICY_MAX_SERVICES	16	/* per rule: the protocol's count */
#define POLICY_NAME_MAX		32	/* rule and pool names, patterns */
#define POLICY_MAX_ERRORS	20	/* reported; then "too many errors" */

enum policy_addr_mode {
	POLICY_ADDR_KEEP = 0,	/* no address items: the device decides */
	POLICY_ADDR_DHCP,	/* DHCP, any address */
	POLICY_ADDR_RESERVE,	/* DHCP, an address of a pool reserved for it */
	POLICY_ADDR_STATIC,	/* a static address of a pool */
};

enum policy_match_kind {
	POLICY_MATCH_TYPE = 1,
	POLICY_MATCH_VENDOR,
	POLICY_MATCH_MODEL,
	POLICY_MATCH_MAC,
};

struct policy_value {
	uint8_t type;			/* enum i62608_device_type */
	uint8_t mac[6];
	uint8_t mac_bits;		/* prefix length, 1..48 */
	char pattern[POLICY_NAME_MAX + 1];	/* fnmatch(3), any case */
};

struct policy_match {
	enum policy_match_kind kind;
	unsigned int n_values;
	struct policy_value values[POLICY_MAX_VALUES];
};

struct policy_pool {
	char name[POLICY_NAME_MAX + 1];
	uint32_t first, last;		/* host byte order, inclusive */
	unsigned int line;
};

struct policy_forward {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;			/* on the gateway's WAN side */
	uint16_t to_port;		/* on the device */
};

struct policy_service {
	char name[POLICY_NAME_MAX + 1];
	bool on;
};

struct policy_qos {
	uint8_t class;			/* enum i62608_qos */
	uint8_t dscp;			/* 0..63 */
	uint8_t priority;		/* 0..7 */
};

struct policy_rule {
	char name[POLICY_NAME_MAX + 1];
	unsigned int line;
	unsigned int n_matches;
	struct policy_match matches[POLICY_MAX_MATCHES];
	bool has_address;
	enum policy_addr_mode addr_mode;
	int pool;			/* index in policy.pools, or -1 */
	bool has_qos;
	struct policy_qos qos;
	unsigned int n_forwards;
	struct policy_forward forwards[POLICY_MAX_FORWARDS];
	int multicast;			/* -1 not said, 0 no, 1 yes */
	unsigned int n_services;
	struct policy_service services[POLICY_MAX_SERVICES];
};

#define POLICY_PATH_MAX		256
#define POLICY_MAX_ALTNETS	8

/* Where port forwards go (gateway-backend). */
enum policy_fwd_backend {
	POLICY_FWD_NFTABLES = 0,	/* this gateway's nftables (the default) */
	POLICY_FWD_UPNP,		/* a separate router's UPnP IGD */
};

/* The gateway's plumbing: which backend applies what (docs/i62608d.md). */
struct policy_gateway {
	enum policy_fwd_backend fwd_backend;
	char upnp_url[POLICY_PATH_MAX];	/* the IGD's root description; "": SSDP */
	uint32_t upnp_lease_s;		/* asked for; 0: permanent */
	char wan[16];			/* forwards come in here; "" none */
	char lan_if[16];		/* the devices are behind it; "" none */
	char dhcp_hosts[POLICY_PATH_MAX];	/* dnsmasq's hosts file, "" */
	char dnsmasq_pid[POLICY_PATH_MAX];
	char igmp_upstream[16];		/* the IGMP proxy's upstream, "" */
	unsigned int n_altnets;
	uint32_t altnet[POLICY_MAX_ALTNETS];	/* host order */
	uint8_t altnet_len[POLICY_MAX_ALTNETS];
};

/* The gateway as it registers at the service server (`identity`). */
#define POLICY_IDENT_MAX	64
struct policy_identity {
	char vendor[POLICY_IDENT_MAX + 1];	/* "" when not given */
	char model[POLICY_IDENT_MAX + 1];
	char serial[POLICY_IDENT_MAX + 1];
	char firmware[POLICY_IDENT_MAX + 1];
};

struct policy {
	struct policy_gateway gw;
	/*
	 * The cloud client's settings (cloud_* statements, cloud.h): set
	 * when at least one is given. policy_load() checks them whole
	 * (cloud_conf_check(): the files readable).
	 */
	bool has_cloud;
	struct cloud_conf cloud;
	struct policy_identity ident;
	uint32_t lan;			/* network address, host order */
	uint8_t lan_plen;
	uint32_t gateway;
	unsigned int n_dns;
	uint32_t dns[2];
	unsigned int n_pools;
	struct policy_pool pools[POLICY_MAX_POOLS];
	unsigned int n_rules;
	struct policy_rule *rules;
};

/*
 * Parse @text (@len bytes; it need not be NUL-terminated) read from
 * @fname (used in messages). Returns a new policy, or NULL with the
 * errors, one "FILE:LINE: message" a line, in @err.
 */
struct policy *policy_parse(const char *text, size_t len, const char *fname,
			    char *err, size_t errlen);

/* Read and parse @path (at most POLICY_MAX_BYTES, a regular file). */
struct policy *policy_load(const char *path, char *err, size_t errlen);

void policy_free(struct policy *p);

/* What policy_match() is given of a device. */
struct policy_device {
	uint8_t mac[6];
	bool has_identity;		/* a REPORT told type, vendor, model */
	uint8_t device_type;
	const char *vendor;
	const char *model;
};

/* The first rule matching @d, or NULL. */
const struct policy_rule *policy_match(const struct policy *p,
				       const struct policy_device *d);

/* The pool named @name, or -1. */
int policy_pool_find(const struct policy *p, const char *name);

/* Names of enum policy_addr_mode: keep, dhcp, reserve, static. */
const char *policy_addr_mode_name(enum policy_addr_mode m);

/* The QoS class's defaults (DSCP, priority) when the rule gives none. */
void policy_qos_defaults(uint8_t class, struct policy_qos *q);

#endif /* I62608D_POLICY_H */
