/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608d: what a device should get. From the policy, the device (its MAC,
 * its latest REPORT), the service server's template for its device type
 * and its per-device override (each optional) and the address plan (this
 * device's address, the addresses others hold), plan_device() computes
 * the desired configuration: the device's items (a CONFIG_REQUEST) and
 * the gateway's rules for it. Free of I/O: the daemon reads the inputs
 * from its database and stores the result; the unit tests drive it
 * directly.
 */
#ifndef I62608D_PLAN_H
#define I62608D_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfgparse.h"
#include "policy.h"
#include "report.h"

/*
 * A per-device override (the service server's, or local) and a template
 * (the service server's, for a device type) are each a struct ctl_cfg:
 * the object of `i62608ctl config send -f` (docs/i62608ctl.md), parsed by
 * ctl_cfg_parse_json(). Precedence, field by field: the local policy (the
 * rule) < the template of the device's type < the device's override.
 *
 * plan_cfg_merge() lays the override over the template: each field the
 * override gives replaces the template's (IPv4 addressing, "ipv4" and
 * "dhcp", is one field; so is IPv6's, "ipv6" and "dhcp6"; then "gw",
 * "dns", "gw6", "dns6", "hostname", "iface", "qos" each on its own), and
 * "services" and "settings" are merged by name, the override winning.
 * What results replaces what the rule says: its IPv4 addresses make the
 * device static at its first address (which then is the device's
 * address in the plan and in its gateway rules), "dhcp" makes it use
 * DHCP, its QoS class, host name, DNS servers, gateways, IPv6 items and
 * settings replace the rule's or are added, and its services are merged
 * with the rule's by name, the rule losing.
 */

/* The longest override accepted (the overrides table's bound). */
#define PLAN_OVERRIDE_MAX	4096

enum plan_gw_kind {
	PLAN_GW_RESERVE = 1,	/* DHCP reservation: MAC -> address */
	PLAN_GW_FORWARD,	/* port forward: WAN proto/port -> address:port */
	PLAN_GW_QOS,		/* mark the device's traffic: DSCP, priority */
	PLAN_GW_MULTICAST,	/* the device needs the IGMP proxy */
};

struct plan_gw_rule {
	enum plan_gw_kind kind;
	uint8_t mac[6];
	uint32_t addr;			/* host order; 0 when none */
	uint8_t proto;
	uint16_t port, to_port;
	uint8_t dscp, priority;
};

#define PLAN_MAX_GW_RULES	(POLICY_MAX_FORWARDS + 3)
/* The canonical text of a rule: what the database stores and compares. */
#define PLAN_GW_STR_LEN		96

void plan_gw_rule_str(const struct plan_gw_rule *r, char *buf, size_t size);
const char *plan_gw_kind_name(enum plan_gw_kind k);

struct plan_input {
	uint8_t mac[6];
	const struct i62608_report *report;	/* latest REPORT, or NULL */
	const struct ctl_cfg *tmpl;		/* its type's template, or NULL */
	const struct ctl_cfg *override;		/* or NULL */
	/* This device's address in the plan (persisted), if it has one. */
	bool has_addr;
	uint32_t addr;
	/* Addresses other devices hold, sorted ascending (host order). */
	const uint32_t *used;
	size_t n_used;
};

struct plan_result {
	/* The rule that matched (its name), or "" when none did. */
	char rule[POLICY_NAME_MAX + 1];
	bool overridden;		/* an override applies */
	bool templated;			/* a template applies */
	enum policy_addr_mode addr_mode;
	bool has_addr;			/* an address of the plan */
	uint32_t addr;
	uint8_t plen;
	char pool[POLICY_NAME_MAX + 1];	/* "" for an override's address */
	struct ctl_cfg cfg;		/* the device's items; may be none */
	unsigned int n_gw;
	struct plan_gw_rule gw[PLAN_MAX_GW_RULES];
	/* Why something the policy asks was left out, or "". */
	char note[160];
};

/*
 * The desired configuration of the device @in under @p. Always succeeds:
 * what cannot be done (a full pool, a capability the device lacks) is
 * left out and said in @res->note.
 */
void plan_device(const struct policy *p, const struct plan_input *in,
		 struct plan_result *res);

/*
 * Where the device's REPORT @r differs from what @res asks: a list such
 * as "address,service:iptv" in @buf ("" when it does not). Only what a
 * REPORT shows is compared (addresses, DHCP, services).
 */
void plan_drift(const struct plan_result *res, const uint8_t mac[6],
		const struct i62608_report *r, char *buf, size_t size);

/*
 * @over laid over @base, field by field (above), into @base. Services
 * or settings beyond what a request holds are left out: false then.
 */
bool plan_cfg_merge(struct ctl_cfg *base, const struct ctl_cfg *over);

/*
 * The name of device type @type as the service server keys its templates
 * (and as the registration says it): "stb", ..., or its number for a
 * type this daemon has no name for. @buf holds the number.
 */
const char *plan_type_key(unsigned int type, char buf[4]);

/* The starting point of the search for a MAC's address in a pool. */
uint32_t plan_mac_hash(const uint8_t mac[6]);

#endif /* I62608D_PLAN_H */
