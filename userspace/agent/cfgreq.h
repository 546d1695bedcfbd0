/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration requests (docs/i62608-agent.md "CONFIGURATION"): how a
 * CONFIG_REQUEST becomes items, and how items are applied. cfgreq.c
 * decodes, validates, answers and caches; cfgapply.c applies, to the host
 * (rtnetlink through struct agent_netops, hooks, sethostname(2)) or, in
 * dry-run mode, to a record of the desired state; netcfg.c is the real
 * rtnetlink layer, hooks.c runs hooks.
 */
#ifndef AGENT_CFGREQ_H
#define AGENT_CFGREQ_H

#include "agent.h"

/* Requests remembered per instance, with their answers (duplicates). */
#define AGENT_CFG_DUPS		16
/* Largest CONFIG_REPORT body kept to compare with. */
#define AGENT_CFGREP_MAX	512

/* One item of a request: a TLV of type CFG_IFACE .. CFG_SETTING. */
struct agent_cfg_item {
	u16 type;		/* enum i62608_tlv */
	u8 index;		/* among the request's items, from 0 */
	u8 status;		/* enum i62608_cfg_status */
	u8 reason;		/* enum i62608_cfg_reason */
	bool done;		/* status decided */
	u16 len;
	const u8 *val;
};

struct agent_cfg_plan {
	unsigned int n;
	struct agent_cfg_item items[I62608_MAX_CFG_ITEMS];
	/* The target interface: CFG_IFACE's, or the one facing the configurator. */
	char ifname[IFNAMSIZ];
	int ifindex;		/* 0: there is no such interface */
	bool dry_run;
	bool report_again;	/* a service or the host name changed */
};

struct agent_kv {
	char key[I62608_STR_MAX + 1];
	char value[I62608_KV_VALUE_MAX + 1];
};

/*
 * The device's desired state as requests set it: all of it in dry-run
 * mode; in apply mode what hooks were last run with (so that a request
 * applied twice runs nothing the second time).
 */
struct agent_desired {
	u8 n_addr4, n_addr6;
	bool has_addr4, has_addr6;	/* a set was recorded */
	struct i62608_tlv_cfg_addr4 addr4[I62608_MAX_ADDRS];
	struct i62608_tlv_cfg_addr6 addr6[I62608_MAX_ADDRS];
	bool has_gw4, has_gw6;
	u8 gw4[4];
	u8 gw6[16];
	bool has_dns;
	u8 n_dns4, n_dns6;
	u8 dns4[I62608_MAX_DNS][4];
	u8 dns6[I62608_MAX_DNS][16];
	u8 dhcp_known, dhcp;		/* bits: 1 IPv4, 2 IPv6 */
	char hostname[I62608_STR_MAX + 1];
	bool has_qos;
	u8 qos;
	unsigned int n_svc;
	struct agent_svc_state svc[I62608_MAX_SERVICES];
	unsigned int n_kv;
	struct agent_kv kv[I62608_MAX_SETTINGS];
};

struct agent_cfg_dup {
	u32 epoch, msg_id;	/* the configurator's, the request's */
	u8 type;		/* CONFIG_ACK or CONFIG_NACK; 0: free */
	u8 n;
	struct i62608_tlv_cfg_result res[I62608_MAX_CFG_ITEMS];
};

/* Per instance, allocated at its first request or session. */
struct agent_cfgstate {
	unsigned int next_dup;
	struct agent_cfg_dup dups[AGENT_CFG_DUPS];
	struct agent_desired want;
	u64 cfgrep_sent;		/* ms */
	bool has_cfgrep;
	u16 cfgrep_len;
	u8 cfgrep[AGENT_CFGREP_MAX];	/* the items last reported */
};

/*
 * rtnetlink for addresses and default routes; a test replaces it. Each
 * returns 0 or -errno as the kernel said.
 */
struct agent_netops {
	/* RTM_NEWADDR (@add; @replace: NLM_F_REPLACE) or RTM_DELADDR. */
	int (*addr)(void *ctx, bool add, bool replace, int ifindex, u8 family,
		    const u8 *addr, u8 plen);
	/* A default route via @gw: added or replaced (@add), or deleted. */
	int (*route)(void *ctx, bool add, int ifindex, u8 family, const u8 *gw,
		     u32 metric);
	/* Links, addresses and default routes as they are now. */
	int (*dump)(void *ctx, struct agent_host *h);
};

extern const struct agent_netops agent_rtnl_netops;

/* ---- cfgreq.c ---- */

/*
 * Decode a validated CONFIG_REQUEST body into @p and check every value;
 * impossible ones are refused INVALID. The target interface is looked up
 * in @h (@facing when the request names none).
 */
void agent_cfg_plan(struct agent_cfg_plan *p, const u8 *body, size_t len,
		    const struct agent_host *h, const char *facing);
void agent_cfg_refuse(struct agent_cfg_item *it, u8 reason);
void agent_cfg_set(struct agent_cfg_item *it, u8 status);

/* After the agent's own changes: the CONFIG_REPORT baseline is @d. */
void agent_cfg_baseline(struct agent *a, struct agent_inst *in,
			const struct i62608_report_if *d);

/* ---- cfgapply.c ---- */

/* Apply @p's items not decided yet, in the order of the description. */
void agent_cfg_apply(struct agent *a, struct agent_inst *in,
		     struct agent_cfg_plan *p, struct agent_desired *want);
/* Is @gw on the link of @l (after its addresses are applied)? */
bool agent_cfg_onlink(const struct agent_link *l, u8 family, const u8 *gw);

/* ---- hooks.c ---- */

/*
 * Run @argv[0] with @argv, no shell, the environment cleared but PATH,
 * standard input /dev/null, its output logged line by line, killed after
 * @timeout_ms. Returns its exit status (0..255), -ENOENT when the program
 * is missing or not executable, -ETIMEDOUT, or another -errno.
 */
int agent_hook_run(char *const argv[], u32 timeout_ms);

#endif /* AGENT_CFGREQ_H */
