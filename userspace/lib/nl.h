/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client side of the "i62608" generic netlink family (libnl-genl), shared by
 * i62608ctl, i62608d and the selftests: family resolution, requests whose
 * errors carry the kernel's extended ACK message, dumps that restart on
 * NLM_F_DUMP_INTR, and event subscription.
 */
#ifndef I62608_NL_H
#define I62608_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/i62608.h>

/* A dump interrupted by concurrent changes is restarted at most this often. */
#define I62608_NL_DUMP_RETRIES 8

struct i62608_nl {
	struct nl_sock *sk;
	int family;
	int mcgrp_events;
	/* After a failed call: the kernel's extack message, or "". */
	char errmsg[256];
	/* After a failed call: offset of the offending attribute, or 0. */
	uint32_t err_offset;
	/* Dumps restarted because of NLM_F_DUMP_INTR, since open. */
	unsigned int dump_restarts;
};

/* Message handler: return NL_OK, or NL_STOP with *err set via the arg. */
typedef int (*i62608_nl_cb)(struct nl_msg *msg, void *arg);

/*
 * Connect and resolve the family. Returns 0, -ENOENT when the module is not
 * loaded (errmsg says so), or another -errno.
 */
int i62608_nl_open(struct i62608_nl *nl);
void i62608_nl_close(struct i62608_nl *nl);

/* A new request for @cmd of our family; NULL on allocation failure. */
struct nl_msg *i62608_nl_msg(struct i62608_nl *nl, uint8_t cmd, int flags);

/*
 * Send @msg (always consumed) and run @cb on every reply message until the
 * kernel acknowledges. Returns 0 or -errno; on error nl->errmsg holds the
 * kernel's explanation, when it gave one.
 */
int i62608_nl_transact(struct i62608_nl *nl, struct nl_msg *msg,
		       i62608_nl_cb cb, void *arg);

/*
 * Dump @cmd. @build, if not NULL, adds request attributes. When the kernel
 * flags the dump as interrupted by a concurrent change, @reset (if not
 * NULL) is called to drop what was collected and the dump is restarted, at
 * most I62608_NL_DUMP_RETRIES times; then -EAGAIN.
 */
int i62608_nl_dump(struct i62608_nl *nl, uint8_t cmd,
		   int (*build)(struct nl_msg *msg, void *arg),
		   i62608_nl_cb cb, void (*reset)(void *arg), void *arg);

/* Join the events group: this socket then receives notifications only. */
int i62608_nl_subscribe(struct i62608_nl *nl);
/*
 * Wait up to @timeout_ms (-1: forever) for notifications and run @cb on
 * each that arrived. Returns 1 if something was read, 0 on timeout, or
 * -errno; -ENOBUFS means the socket overflowed and notifications were lost.
 */
int i62608_nl_poll_events(struct i62608_nl *nl, i62608_nl_cb cb, void *arg,
			  int timeout_ms);
int i62608_nl_fd(const struct i62608_nl *nl);

/* Parse the top-level attributes of a message of our family. */
int i62608_nl_parse(struct nl_msg *msg, struct nlattr **tb);
uint8_t i62608_nl_cmd(struct nl_msg *msg);

/*
 * Names for enums of the uapi, for text and JSON output: "unknown" for a
 * value this program does not know (a newer kernel's).
 */
const char *i62608_drop_name(unsigned int reason);
const char *i62608_reason_name(unsigned int reason);
const char *i62608_cmd_name(unsigned int cmd);
const char *i62608_limit_name(unsigned int limit);
/* enum i62608_nsstats_attr: the JSON key of each counter. */
const char *i62608_nsstats_name(unsigned int attr);
const char *i62608_trust_name(unsigned int trust);

/* Decoded I62608_A_IFACE. */
struct i62608_stats_info {
	uint64_t rx_frames, rx_bytes;
	uint64_t tx_frames, tx_bytes, tx_errors;
	uint64_t drops[I62608_DROP_MAX + 1];
};

struct i62608_iface_info {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t address[6];
	uint64_t age_ms;
	bool has_stats;
	struct i62608_stats_info stats;
};

int i62608_parse_iface(struct nlattr *nest, struct i62608_iface_info *info);

/*
 * Decoded I62608_A_AGENT. @present has bit (1 << I62608_AGENT_A_x) for
 * every attribute the kernel sent (it sends those that apply: no vendor
 * before the first REPORT). @report points into the message and is only
 * valid while it is: decode it (i62608_report_decode()) in the callback.
 */
struct i62608_agent_info {
	uint64_t present;
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];
	uint8_t state;			/* enum i62608_agent_state */
	uint32_t epoch;
	uint64_t first_seen_ms, last_seen_ms, expires_ms;
	uint16_t ttl;			/* seconds */
	uint32_t report_id;
	uint8_t device_type;		/* enum i62608_device_type */
	uint32_t caps;			/* I62608_CAP_* */
	char vendor[I62608_STR_MAX + 1];
	char model[I62608_STR_MAX + 1];
	char name[I62608_STR_MAX + 1];
	char serial[I62608_STR_MAX + 1];
	char firmware[I62608_STR_MAX + 1];
	uint8_t addr4[4];
	uint8_t addr4_plen;
	const uint8_t *report;
	uint16_t report_len;
	bool partial;
	uint64_t rx_frames, rx_bytes, tx_frames;
	uint32_t reports, restarts;
	uint64_t ratelimited;
	uint8_t trust;			/* enum i62608_trust */
	uint8_t public_key[32];
	uint64_t session_age_ms;
	uint32_t handshakes;
};

#define I62608_AGENT_HAS(a, attr) (((a)->present >> (attr)) & 1)

/*
 * Decode an A_AGENT nest. IFINDEX and MAC are required; every attribute
 * must have its exact size. Returns 0 or -EBADMSG.
 */
int i62608_parse_agent(struct nlattr *nest, struct i62608_agent_info *a);

/* Decoded I62608_A_STATS: value[attr] for each bit (1 << attr) present. */
struct i62608_nsstats_info {
	uint64_t present;
	uint64_t value[I62608_NSSTATS_A_MAX + 1];
};

int i62608_parse_nsstats(struct nlattr *nest, struct i62608_nsstats_info *st);

/*
 * The namespace's parameters (I62608_A_PARAMS), all u32. A name for each
 * and its unit: durations are shown and set in milliseconds or seconds as
 * the attribute says.
 */
enum i62608_param_unit {
	I62608_UNIT_COUNT,
	I62608_UNIT_MS,
	I62608_UNIT_S,
	I62608_UNIT_BOOL,		/* 0 or 1 */
};

struct i62608_param_desc {
	const char *name;		/* as i62608ctl params shows it */
	enum i62608_param_unit unit;
};

/* Indexed by enum i62608_param_attr; entry 0 is unused. */
extern const struct i62608_param_desc i62608_param_descs[I62608_PARAM_A_MAX + 1];
/* The attribute of a parameter's name, or 0. */
unsigned int i62608_param_lookup(const char *name);

struct i62608_params {
	uint32_t present;		/* bit (1 << attr) */
	uint32_t value[I62608_PARAM_A_MAX + 1];
};

int i62608_parse_params(struct nlattr *nest, struct i62608_params *p);
/* Add the nest A_PARAMS with the present ones. Returns 0 or -ENOMEM. */
int i62608_put_params(struct nl_msg *msg, const struct i62608_params *p);

/*
 * A notification of the events group, decoded. @cmd is the message's
 * command; the members its attributes fill have their has_ flag set.
 */
struct i62608_event {
	uint8_t cmd;
	bool has_iface, has_agent, has_reason, has_ifindex, has_ifname,
	     has_limit, has_dropped;
	bool restarted;
	uint32_t reason;		/* enum i62608_reason */
	uint32_t ifindex;		/* TABLE_FULL_NTF's interface */
	char ifname[IF_NAMESIZE];
	uint32_t limit;			/* enum i62608_limit */
	uint64_t dropped;
	struct i62608_iface_info iface;
	struct i62608_agent_info agent;
};

/*
 * Decode a notification; what each one requires (IFACE_*_NTF an IFACE,
 * AGENT_*_NTF an AGENT, AGENT_LOST_NTF and IFACE_DEL_NTF a REASON,
 * TABLE_FULL_NTF a LIMIT) is checked. Commands this program does not know
 * decode to just @cmd. Returns 0 or -EBADMSG.
 */
int i62608_parse_event(struct nl_msg *msg, struct i62608_event *ev);

#endif /* I62608_NL_H */
