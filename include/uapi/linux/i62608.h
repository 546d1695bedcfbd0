/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * i62608: IEC 62608 home network configuration - user API.
 *
 * Two things live here:
 *   - the generic netlink family "i62608" spoken between the kernel module
 *     and i62608ctl / i62608d (see docs/netlink.md and docs/i62608.yaml);
 *   - the Layer 2 wire format spoken between configurator and configured
 *     agents (see docs/protocol.md).
 *
 * Netlink conventions: every enum starts at 1, attributes are strictly
 * validated per operation, write operations need CAP_NET_ADMIN in the
 * network namespace's user namespace, and everything acts on the caller's
 * network namespace only. Times are either an absolute CLOCK_BOOTTIME
 * timestamp in nanoseconds ("_NS") or an age/duration in milliseconds
 * ("_MS"); the attribute comment says which.
 */
#ifndef _UAPI_LINUX_I62608_H
#define _UAPI_LINUX_I62608_H

#include <linux/types.h>

/* ------------------------------------------------------------------ */
/* Generic netlink family                                              */
/* ------------------------------------------------------------------ */

#define I62608_GENL_NAME	"i62608"
#define I62608_GENL_VERSION	1
/* Multicast group carrying every *_NTF notification. */
#define I62608_MCGRP_EVENTS	"events"

enum i62608_cmd {
	/* Module and protocol versions, EtherType, this netns's epoch. */
	I62608_CMD_VERSION_GET = 1,
	/* Enable the protocol on an interface (IFINDEX or IFNAME). */
	I62608_CMD_IFACE_ADD,
	/* Disable it again. */
	I62608_CMD_IFACE_DEL,
	/* One enabled interface (doit) or all of them (dumpit). */
	I62608_CMD_IFACE_GET,
	/* Notification: an interface was enabled. */
	I62608_CMD_IFACE_NEW_NTF,
	/* Notification: an interface was disabled; A_REASON says why. */
	I62608_CMD_IFACE_DEL_NTF,

	__I62608_CMD_MAX,
	I62608_CMD_MAX = __I62608_CMD_MAX - 1
};

/* Top-level attributes of every message of the family. */
enum i62608_attr {
	I62608_A_IFINDEX = 1,		/* u32 */
	I62608_A_IFNAME,		/* string, < IFNAMSIZ */
	I62608_A_IFACE,			/* nest, enum i62608_iface_attr */
	I62608_A_MODULE_VERSION,	/* string */
	I62608_A_PROTO_VERSION,		/* u8, wire protocol version */
	I62608_A_ETHERTYPE,		/* u16, host order */
	I62608_A_EPOCH,			/* u32, this configurator's boot epoch */
	I62608_A_REASON,		/* u32, enum i62608_reason */

	__I62608_A_MAX,
	I62608_A_MAX = __I62608_A_MAX - 1
};

/* Nested in I62608_A_IFACE. */
enum i62608_iface_attr {
	I62608_IFACE_A_IFINDEX = 1,	/* u32 */
	I62608_IFACE_A_IFNAME,		/* string */
	I62608_IFACE_A_ADDRESS,		/* binary, 6 bytes: the MAC used */
	I62608_IFACE_A_AGE_MS,		/* u64, age: time since enabled */
	I62608_IFACE_A_STATS,		/* nest, enum i62608_stats_attr */
	I62608_IFACE_A_PAD,

	__I62608_IFACE_A_MAX,
	I62608_IFACE_A_MAX = __I62608_IFACE_A_MAX - 1
};

/* Nested in I62608_IFACE_A_STATS: counters since the interface was enabled. */
enum i62608_stats_attr {
	I62608_STATS_A_RX_FRAMES = 1,	/* u64, frames of our EtherType seen */
	I62608_STATS_A_RX_BYTES,	/* u64 */
	I62608_STATS_A_TX_FRAMES,	/* u64, frames sent */
	I62608_STATS_A_TX_BYTES,	/* u64 */
	I62608_STATS_A_TX_ERRORS,	/* u64, frames that could not be sent */
	I62608_STATS_A_DROPS,		/* nest: attr type = enum i62608_drop,
					 * value = u64 count
					 */
	I62608_STATS_A_PAD,

	__I62608_STATS_A_MAX,
	I62608_STATS_A_MAX = __I62608_STATS_A_MAX - 1
};

/* Why a received frame was dropped (counted per interface). */
enum i62608_drop {
	I62608_DROP_TRUNCATED = 1,	/* shorter than its header or length */
	I62608_DROP_VERSION,		/* unsupported protocol version */
	I62608_DROP_LENGTH,		/* length field inconsistent/oversized */
	I62608_DROP_MALFORMED,		/* TLVs do not parse */
	I62608_DROP_SRC_MAC,		/* source is not a valid unicast MAC */
	I62608_DROP_OWN,		/* our own transmission looped back */
	I62608_DROP_TYPE,		/* message type not handled here */

	__I62608_DROP_MAX,
	I62608_DROP_MAX = __I62608_DROP_MAX - 1
};

/* Why an object went away (I62608_A_REASON of *_DEL_NTF). */
enum i62608_reason {
	I62608_REASON_USER = 1,		/* deleted over netlink */
	I62608_REASON_IFACE_GONE,	/* the interface was unregistered or
					 * left the network namespace
					 */
	I62608_REASON_NETNS_EXIT,	/* the network namespace is going away */

	__I62608_REASON_MAX,
	I62608_REASON_MAX = __I62608_REASON_MAX - 1
};

/* ------------------------------------------------------------------ */
/* Wire format (docs/protocol.md)                                      */
/* ------------------------------------------------------------------ */

/* IEEE 802 local experimental EtherType 1; a module parameter. */
#define I62608_ETHERTYPE	0x88B5
#define I62608_PROTO_V1		1

/*
 * Every message starts with this header, in network byte order, directly
 * after the Ethernet header. @length counts the whole message from the first
 * byte of this header to the last byte of the MIC, if any.
 */
struct i62608_hdr {
	__u8	version;	/* I62608_PROTO_V1 */
	__u8	type;		/* enum i62608_msg */
	__be16	flags;		/* I62608_F_* */
	__be16	length;		/* header + TLVs (+ MIC) */
	__be16	key_id;		/* 0: no session key (security issue) */
	__be32	msg_id;		/* sender-chosen; responses echo it */
	__be32	epoch;		/* sender's random boot epoch, never 0 */
	__be64	counter;	/* per-sender frame counter (security) */
};

#endif /* _UAPI_LINUX_I62608_H */
