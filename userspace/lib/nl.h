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

/* Names for enums of the uapi, for text and JSON output. */
const char *i62608_drop_name(unsigned int reason);
const char *i62608_reason_name(unsigned int reason);
const char *i62608_cmd_name(unsigned int cmd);

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

#endif /* I62608_NL_H */
