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
	/* One agent (IFINDEX or IFNAME, and MAC) or all (dump; optionally
	 * of one interface).
	 */
	I62608_CMD_AGENT_GET,
	/* Forget an agent now (IFINDEX or IFNAME, and MAC). */
	I62608_CMD_AGENT_DEL,
	/* Namespace-wide counters (A_STATS). */
	I62608_CMD_STATS_GET,
	/* The namespace's parameters (A_PARAMS). */
	I62608_CMD_PARAMS_GET,
	/* Change some of them (A_PARAMS with the ones to change). */
	I62608_CMD_PARAMS_SET,
	/* Notification: a new agent (A_RESTARTED: a known one restarted). */
	I62608_CMD_AGENT_NEW_NTF,
	/* Notification: an agent sent a new REPORT. */
	I62608_CMD_AGENT_CHANGE_NTF,
	/* Notification: an agent is lost or removed; A_REASON says why. */
	I62608_CMD_AGENT_LOST_NTF,
	/* Notification: a frame from a new agent found the table full. */
	I62608_CMD_TABLE_FULL_NTF,
	/* Set the configurator's private key (never readable back). */
	I62608_CMD_KEY_SET,
	/* The configurator's public key (A_PUBLIC_KEY), if a key is set. */
	I62608_CMD_KEY_GET,
	/* Trust an agent: A_PUBLIC_KEY or A_CODE, optionally A_NAME. */
	I62608_CMD_PAIR_ADD,
	/* Revoke: A_PUBLIC_KEY or A_CODE; the agent's session ends now. */
	I62608_CMD_PAIR_DEL,
	/* The pairing list (dump, one A_PAIR each) or the window (do). */
	I62608_CMD_PAIR_GET,
	/* Open the push-button window for A_SECONDS (0: close it). */
	I62608_CMD_PAIR_OPEN,
	/* Notification: a pairing was added by the window or completed. */
	I62608_CMD_PAIR_NTF,
	/*
	 * Send a configuration to an agent (A_MAC, optionally the interface,
	 * A_CONFIG): replies with A_REQUEST_ID; the outcome comes as
	 * CONFIG_RESULT_NTF.
	 */
	I62608_CMD_CONFIG_SEND,
	/* The requests not answered yet (dump, one A_PENDING each). */
	I62608_CMD_CONFIG_GET,
	/* Notification: a request's outcome (A_OUTCOME, A_RESULTS). */
	I62608_CMD_CONFIG_RESULT_NTF,
	/* Notification: an agent's configuration changed by itself. */
	I62608_CMD_CONFIG_REPORT_NTF,

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
	I62608_A_MAC,			/* binary, 6 bytes: selects an agent */
	I62608_A_AGENT,			/* nest, enum i62608_agent_attr */
	I62608_A_STATS,			/* nest, enum i62608_nsstats_attr */
	I62608_A_PARAMS,		/* nest, enum i62608_param_attr */
	I62608_A_RESTARTED,		/* flag: AGENT_NEW_NTF of a restart */
	I62608_A_LIMIT,			/* u32, enum i62608_limit */
	I62608_A_DROPPED,		/* u64, frames dropped since the last
					 * TABLE_FULL_NTF
					 */
	I62608_A_PAD,
	I62608_A_PRIVATE_KEY,		/* binary, 32 bytes, write-only */
	I62608_A_PUBLIC_KEY,		/* binary, 32 bytes */
	I62608_A_CODE,			/* binary, 10 bytes: a pairing code */
	I62608_A_NAME,			/* string, < 33: a pairing's label */
	I62608_A_PAIR,			/* nest, enum i62608_pair_attr */
	I62608_A_SECONDS,		/* u32: pairing window, 0..3600 */
	I62608_A_WINDOW_MS,		/* u64, duration: pairing window left */
	I62608_A_CONFIG,		/* binary: the items, as TLVs of a
					 * CONFIG_REQUEST (docs/protocol.md)
					 */
	I62608_A_REQUEST_ID,		/* u32: a configuration request */
	I62608_A_OUTCOME,		/* u8, enum i62608_outcome */
	I62608_A_RESULTS,		/* binary: the CONFIG_ACK/NACK TLVs */
	I62608_A_TRIES,			/* u32: times the request was sent */
	I62608_A_PENDING,		/* nest, enum i62608_pending_attr */

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
	I62608_DROP_RATELIMIT,		/* over the agent's frame budget */
	I62608_DROP_TABLE_FULL,		/* new agent, no room in the table */
	I62608_DROP_NOMEM,		/* memory allocation failed */
	I62608_DROP_PROTECTED,		/* protected, but no session for it */
	I62608_DROP_AUTH,		/* protected, and the tag is wrong */
	I62608_DROP_REPLAY,		/* counter already seen or too old */
	I62608_DROP_UNPROTECTED,	/* plaintext where protection is due */
	I62608_DROP_HS_BUSY,		/* handshake queue full */
	I62608_DROP_HS_FAILED,		/* handshake message did not verify */

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
	I62608_REASON_TTL_EXPIRED,	/* the agent was not heard for its TTL */
	I62608_REASON_BYE,		/* the agent said BYE */

	__I62608_REASON_MAX,
	I62608_REASON_MAX = __I62608_REASON_MAX - 1
};

enum i62608_agent_state {
	I62608_AGENT_DISCOVERED = 1,	/* heard from, no REPORT yet */
	I62608_AGENT_REPORTED,		/* holds its latest REPORT */
	I62608_AGENT_LOST,		/* expired; kept a while, then freed */

	__I62608_AGENT_STATE_MAX,
	I62608_AGENT_STATE_MAX = __I62608_AGENT_STATE_MAX - 1
};

/* Nested in I62608_A_AGENT: one agent, self-contained. */
enum i62608_agent_attr {
	I62608_AGENT_A_IFINDEX = 1,	/* u32 */
	I62608_AGENT_A_IFNAME,		/* string */
	I62608_AGENT_A_MAC,		/* binary, 6 bytes */
	I62608_AGENT_A_STATE,		/* u8, enum i62608_agent_state */
	I62608_AGENT_A_EPOCH,		/* u32, the agent's boot epoch */
	I62608_AGENT_A_FIRST_SEEN_MS,	/* u64, age: since first heard */
	I62608_AGENT_A_LAST_SEEN_MS,	/* u64, age: since last heard */
	I62608_AGENT_A_EXPIRES_MS,	/* u64, duration: until it is lost
					 * (or, when lost, freed)
					 */
	I62608_AGENT_A_TTL,		/* u16, seconds, as the agent said */
	I62608_AGENT_A_REPORT_ID,	/* u32, msg_id of the held REPORT */
	I62608_AGENT_A_DEVICE_TYPE,	/* u8, enum i62608_device_type */
	I62608_AGENT_A_CAPABILITIES,	/* u32, I62608_CAP_* */
	I62608_AGENT_A_VENDOR,		/* string */
	I62608_AGENT_A_MODEL,		/* string */
	I62608_AGENT_A_NAME,		/* string */
	I62608_AGENT_A_SERIAL,		/* string */
	I62608_AGENT_A_FIRMWARE,	/* string */
	I62608_AGENT_A_ADDR4,		/* binary, 4 bytes: first IPv4 address
					 * of the first reported interface
					 */
	I62608_AGENT_A_ADDR4_PLEN,	/* u8 */
	I62608_AGENT_A_REPORT,		/* binary: the REPORT's TLVs, as sent */
	I62608_AGENT_A_PARTIAL,		/* flag: the REPORT was PARTIAL */
	I62608_AGENT_A_RX_FRAMES,	/* u64, frames accepted from it */
	I62608_AGENT_A_RX_BYTES,	/* u64 */
	I62608_AGENT_A_TX_FRAMES,	/* u64, frames sent to it */
	I62608_AGENT_A_REPORTS,		/* u32, REPORTs accepted */
	I62608_AGENT_A_RESTARTS,	/* u32, epochs changes seen */
	I62608_AGENT_A_RATELIMITED,	/* u64, frames over its budget */
	I62608_AGENT_A_PAD,
	I62608_AGENT_A_TRUST,		/* u8, enum i62608_trust */
	I62608_AGENT_A_PUBLIC_KEY,	/* binary, 32 bytes, once known */
	I62608_AGENT_A_SESSION_AGE_MS,	/* u64, age of its session */
	I62608_AGENT_A_HANDSHAKES,	/* u32, sessions established */

	__I62608_AGENT_A_MAX,
	I62608_AGENT_A_MAX = __I62608_AGENT_A_MAX - 1
};

/* Nested in I62608_A_STATS: counters of the namespace. */
enum i62608_nsstats_attr {
	I62608_NSSTATS_A_AGENTS = 1,	/* u32, entries in the table */
	I62608_NSSTATS_A_DISCOVERED,	/* u32, of which discovered */
	I62608_NSSTATS_A_REPORTED,	/* u32, of which reported */
	I62608_NSSTATS_A_LOST,		/* u32, of which lost */
	I62608_NSSTATS_A_CREATED,	/* u64, entries ever created */
	I62608_NSSTATS_A_EXPIRED,	/* u64, agents lost by TTL */
	I62608_NSSTATS_A_BYES,		/* u64, agents gone by BYE */
	I62608_NSSTATS_A_RESTARTS,	/* u64, agent restarts seen */
	I62608_NSSTATS_A_EVICTED,	/* u64, lost entries evicted for room */
	I62608_NSSTATS_A_TABLE_FULL,	/* u64, frames of new agents dropped */
	I62608_NSSTATS_A_RATELIMITED,	/* u64, frames over agent budgets */
	I62608_NSSTATS_A_NTF_FAILED,	/* u64, notifications not sent
					 * (no memory)
					 */
	I62608_NSSTATS_A_PAD,
	I62608_NSSTATS_A_SESSIONS,	/* u32, agents with a session */
	I62608_NSSTATS_A_HANDSHAKES,	/* u64, sessions established */
	I62608_NSSTATS_A_HS_REJECTED,	/* u64, handshakes of unpaired agents */
	I62608_NSSTATS_A_HS_FAILED,	/* u64, handshakes that did not verify */
	I62608_NSSTATS_A_DECRYPT_FAIL_SENT, /* u64, DECRYPT_FAILs sent */
	I62608_NSSTATS_A_EPOCH_IGNORED,	/* u64, frames whose new agent epoch
					 * was not believed (no handshake)
					 */

	__I62608_NSSTATS_A_MAX,
	I62608_NSSTATS_A_MAX = __I62608_NSSTATS_A_MAX - 1
};

/* Nested in I62608_A_PARAMS: all u32; PARAMS_SET takes any subset. */
enum i62608_param_attr {
	I62608_PARAM_A_MAX_AGENTS = 1,		/* per namespace, 1..65536 */
	I62608_PARAM_A_MAX_AGENTS_PER_IFACE,	/* 1..65536 */
	I62608_PARAM_A_AGING_INTERVAL_MS,	/* sweep period, 100..60000 */
	I62608_PARAM_A_PENDING_TTL_MS,		/* discovered, no REPORT:
						 * 1000..600000
						 */
	I62608_PARAM_A_LOST_LINGER_MS,		/* lost entries kept,
						 * 0..3600000
						 */
	I62608_PARAM_A_RATE,			/* frames/s per agent,
						 * 0 (no limit)..1000000
						 */
	I62608_PARAM_A_BURST,			/* 1..1000000 */
	I62608_PARAM_A_ADV_INTERVAL_MS,		/* unsolicited ADVERTISE,
						 * 1000..3600000
						 */
	I62608_PARAM_A_HEARTBEAT_INTERVAL_S,	/* told to agents, 1..3600 */
	I62608_PARAM_A_MAX_TTL_S,		/* agent TTLs are capped
						 * here, 1..86400
						 */
	I62608_PARAM_A_REQUIRE_AUTH,		/* 0 or 1: drop plaintext
						 * REPORT/HEARTBEAT/BYE of
						 * agents without a session
						 */
	I62608_PARAM_A_REJECT_AFTER_S,		/* session lifetime,
						 * 10..86400
						 */
	I62608_PARAM_A_CONFIG_RTO_MS,		/* first retransmission of
						 * a request, 50..10000
						 */
	I62608_PARAM_A_CONFIG_TRIES,		/* sends before "timeout",
						 * 1..20
						 */
	I62608_PARAM_A_MAX_PENDING,		/* requests in flight per
						 * namespace, 1..4096
						 */

	__I62608_PARAM_A_MAX,
	I62608_PARAM_A_MAX = __I62608_PARAM_A_MAX - 1
};

/* How far the configurator trusts an agent. */
enum i62608_trust {
	I62608_TRUST_NONE = 1,		/* not paired, or key not known */
	I62608_TRUST_PAIRED,		/* paired, no session now */
	I62608_TRUST_AUTHENTICATED,	/* paired, with a session */

	__I62608_TRUST_MAX,
	I62608_TRUST_MAX = __I62608_TRUST_MAX - 1
};

/* Nested in I62608_A_PAIR: one entry of the pairing list. */
enum i62608_pair_attr {
	I62608_PAIR_A_PUBLIC_KEY = 1,	/* binary, 32 bytes, once known */
	I62608_PAIR_A_CODE,		/* binary, 10 bytes */
	I62608_PAIR_A_NAME,		/* string */
	I62608_PAIR_A_ORIGIN,		/* u8, enum i62608_pair_origin */
	I62608_PAIR_A_AGE_MS,		/* u64, age: since added */
	I62608_PAIR_A_PAD,

	__I62608_PAIR_A_MAX,
	I62608_PAIR_A_MAX = __I62608_PAIR_A_MAX - 1
};

enum i62608_pair_origin {
	I62608_PAIR_BY_KEY = 1,		/* PAIR_ADD with a public key */
	I62608_PAIR_BY_CODE,		/* PAIR_ADD with a code */
	I62608_PAIR_BY_WINDOW,		/* accepted while the window was open */

	__I62608_PAIR_ORIGIN_MAX,
	I62608_PAIR_ORIGIN_MAX = __I62608_PAIR_ORIGIN_MAX - 1
};

/* How a configuration request ended. */
enum i62608_outcome {
	I62608_OUTCOME_ACKED = 1,	/* every item applied or unchanged */
	I62608_OUTCOME_NACKED,		/* some item refused: see A_RESULTS */
	I62608_OUTCOME_TIMEOUT,		/* no answer after A_TRIES sends */
	I62608_OUTCOME_AGENT_LOST,	/* the agent went away first */
	I62608_OUTCOME_CANCELLED,	/* its session or interface ended */

	__I62608_OUTCOME_MAX,
	I62608_OUTCOME_MAX = __I62608_OUTCOME_MAX - 1
};

/* Nested in I62608_A_PENDING: a request not answered yet. */
enum i62608_pending_attr {
	I62608_PENDING_A_IFINDEX = 1,	/* u32 */
	I62608_PENDING_A_MAC,		/* binary, 6 bytes */
	I62608_PENDING_A_REQUEST_ID,	/* u32 */
	I62608_PENDING_A_AGE_MS,	/* u64, age: since first sent */
	I62608_PENDING_A_TRIES,		/* u32, times sent */
	I62608_PENDING_A_NEXT_MS,	/* u64, duration: to the next send */
	I62608_PENDING_A_PAD,

	__I62608_PENDING_A_MAX,
	I62608_PENDING_A_MAX = __I62608_PENDING_A_MAX - 1
};

/* I62608_A_LIMIT of TABLE_FULL_NTF: which bound was hit. */
enum i62608_limit {
	I62608_LIMIT_NETNS = 1,		/* PARAM_A_MAX_AGENTS */
	I62608_LIMIT_IFACE,		/* PARAM_A_MAX_AGENTS_PER_IFACE */

	__I62608_LIMIT_MAX,
	I62608_LIMIT_MAX = __I62608_LIMIT_MAX - 1
};

/* ------------------------------------------------------------------ */
/* Wire format (docs/protocol.md)                                      */
/* ------------------------------------------------------------------ */

/* IEEE 802 local experimental EtherType 1; a module parameter. */
#define I62608_ETHERTYPE	0x88B5
#define I62608_PROTO_V1		1

/*
 * Destination of DISCOVER and unsolicited ADVERTISE: a locally administered
 * group address. Not in 01:80:C2:00:00:0X, so Linux bridges forward it (and
 * deliver it locally); unmanaged switches flood it; nobody relays it.
 */
#define I62608_GROUP_ADDR	{ 0x03, 0x62, 0x60, 0x80, 0x00, 0x01 }

/* Largest message: one Ethernet payload. Onboarding never fragments. */
#define I62608_MAX_MSG		1500
/* Authentication tag at the end of a protected message. */
#define I62608_TAG_LEN		16

/*
 * Every message starts with this header, in network byte order, directly
 * after the Ethernet header. @length counts the whole message from the first
 * byte of this header to the last byte of the tag, if any; bytes after it
 * (Ethernet padding) are ignored.
 */
struct i62608_hdr {
	__u8	version;	/* I62608_PROTO_V1 */
	__u8	type;		/* enum i62608_msg */
	__be16	flags;		/* I62608_F_* */
	__be16	length;		/* header + TLVs (+ tag) */
	__be16	key_id;		/* session key; 0 when not protected */
	__be32	msg_id;		/* sender-chosen; a response echoes it */
	__be32	epoch;		/* sender's random boot epoch, never 0 */
	__be64	counter;	/* sender's frame counter, +1 per frame */
};

enum i62608_msg {
	I62608_MSG_DISCOVER = 1,	/* agent -> group: is a configurator here? */
	I62608_MSG_ADVERTISE,		/* configurator -> agent or group */
	I62608_MSG_REPORT,		/* agent -> configurator: what I am */
	I62608_MSG_HEARTBEAT,		/* agent -> configurator: still here */
	I62608_MSG_BYE,			/* agent -> configurator: leaving */
	/* Configuration (docs/protocol.md, section 11). */
	I62608_MSG_CONFIG_REQUEST,	/* configurator -> agent */
	I62608_MSG_CONFIG_ACK,		/* agent -> configurator: all applied */
	I62608_MSG_CONFIG_NACK,		/* agent -> configurator: some refused */
	I62608_MSG_CONFIG_REPORT,	/* agent -> configurator: it changed */
	/* Security (docs/security.md). */
	I62608_MSG_HS_INIT,		/* agent -> configurator: Noise XX 1 */
	I62608_MSG_HS_RESP,		/* configurator -> agent: Noise XX 2 */
	I62608_MSG_HS_FINISH,		/* agent -> configurator: Noise XX 3 */
	I62608_MSG_SESSION_CONFIRM,	/* configurator -> agent, protected */
	I62608_MSG_HS_REJECT,		/* configurator -> agent: not paired */
	I62608_MSG_DECRYPT_FAIL,	/* either way: no session for that key */

	__I62608_MSG_MAX,
	I62608_MSG_MAX = __I62608_MSG_MAX - 1
};

/* Header flags. Senders set undefined bits to 0; receivers ignore them. */
#define I62608_F_PROTECTED	0x0001	/* body encrypted, tag at the end */
#define I62608_F_REPORT_REQUEST	0x0002	/* ADVERTISE: send a REPORT now */
#define I62608_F_PARTIAL	0x0004	/* REPORT: elements were left out
					 * to fit one frame
					 */

/* Every TLV: 16-bit type, 16-bit length of the value, the value. */
struct i62608_tlv_hdr {
	__be16	type;
	__be16	len;
};

/* Top-level TLV types. Unknown types are skipped. */
enum i62608_tlv {
	I62608_TLV_TTL = 1,		/* u16, seconds */
	I62608_TLV_REPORT_ID,		/* u32, msg_id of the latest REPORT */
	I62608_TLV_CAPABILITIES,	/* u32, I62608_CAP_* */
	I62608_TLV_DEVICE_TYPE,		/* u8, enum i62608_device_type */
	I62608_TLV_VENDOR,		/* string */
	I62608_TLV_MODEL,		/* string */
	I62608_TLV_SERIAL,		/* string */
	I62608_TLV_FIRMWARE,		/* string */
	I62608_TLV_NAME,		/* string: host or friendly name */
	I62608_TLV_INTERFACE,		/* nest, enum i62608_if_tlv */
	I62608_TLV_SERVICE,		/* nest, enum i62608_svc_tlv */
	I62608_TLV_HEARTBEAT_INTERVAL,	/* u16, seconds */
	I62608_TLV_REASON,		/* u8, enum i62608_bye_reason */
	I62608_TLV_DB_VERSION,		/* u32, configurator database version */
	I62608_TLV_AGENT_VERSION,	/* string: agent software version */
	I62608_TLV_HS_MSG,		/* binary: a Noise handshake message */
	I62608_TLV_HS_KEY_ID,		/* u16: key id the sender receives on */
	I62608_TLV_FAIL_KEY_ID,		/* u16: DECRYPT_FAIL: the unknown one */
	/* Configuration items (CONFIG_REQUEST, CONFIG_REPORT), in order. */
	I62608_TLV_CFG_IFACE,		/* string: device interface to set up */
	I62608_TLV_CFG_ADDR4,		/* struct i62608_tlv_cfg_addr4 */
	I62608_TLV_CFG_ADDR6,		/* struct i62608_tlv_cfg_addr6 */
	I62608_TLV_CFG_GW4,		/* 4 bytes: default gateway */
	I62608_TLV_CFG_GW6,		/* 16 bytes */
	I62608_TLV_CFG_DNS4,		/* 4 bytes */
	I62608_TLV_CFG_DNS6,		/* 16 bytes */
	I62608_TLV_CFG_DHCP4,		/* u8 1: use DHCP for IPv4 */
	I62608_TLV_CFG_DHCP6,		/* u8 1: use DHCPv6 */
	I62608_TLV_CFG_HOSTNAME,	/* string [a-z0-9.-] */
	I62608_TLV_CFG_SERVICE,		/* nest: SVC_NAME, SVC_STATE */
	I62608_TLV_CFG_QOS,		/* u8, enum i62608_qos */
	I62608_TLV_CFG_SETTING,		/* nest: enum i62608_kv_tlv */
	I62608_TLV_CFG_RESULT,		/* struct i62608_tlv_cfg_result */

	__I62608_TLV_MAX,
	I62608_TLV_MAX = __I62608_TLV_MAX - 1
};

/* TLV types from here on carry a 3-byte IEEE OUI, then vendor data. */
#define I62608_TLV_VENDOR_MIN	0xFF00
#define I62608_TLV_VENDOR_MAX	0xFFFE

/* Longest string value (UTF-8, no NUL, no control characters). */
#define I62608_STR_MAX		32
#define I62608_SVC_NAME_MAX	32

/* Nested in I62608_TLV_INTERFACE. */
enum i62608_if_tlv {
	I62608_IF_NAME = 1,		/* string, at most 15 bytes */
	I62608_IF_MAC,			/* 6 bytes */
	I62608_IF_ADDR4,		/* struct i62608_tlv_addr4 */
	I62608_IF_ADDR6,		/* struct i62608_tlv_addr6 */
	I62608_IF_GW4,			/* 4 bytes */
	I62608_IF_GW6,			/* 16 bytes */
	I62608_IF_DNS4,			/* 4 bytes */
	I62608_IF_DNS6,			/* 16 bytes */
	I62608_IF_FLAGS,		/* u8, I62608_IFF_* */

	__I62608_IF_MAX,
	I62608_IF_MAX = __I62608_IF_MAX - 1
};

/* Nested in I62608_TLV_SERVICE. */
enum i62608_svc_tlv {
	I62608_SVC_NAME = 1,		/* string [a-z0-9._-], at most 32 */
	I62608_SVC_STATE,		/* u8, enum i62608_svc_state */
	I62608_SVC_PORT,		/* struct i62608_tlv_port */

	__I62608_SVC_MAX,
	I62608_SVC_MAX = __I62608_SVC_MAX - 1
};

/* Nested in I62608_TLV_CFG_SETTING: a vendor key=value setting. */
enum i62608_kv_tlv {
	I62608_KV_KEY = 1,		/* string [a-z0-9._-], at most 32 */
	I62608_KV_VALUE,		/* string, at most 64 */

	__I62608_KV_MAX,
	I62608_KV_MAX = __I62608_KV_MAX - 1
};

#define I62608_KV_VALUE_MAX	64
#define I62608_MAX_CFG_ITEMS	48	/* items in one CONFIG_REQUEST */
#define I62608_MAX_SETTINGS	8

/* How many of each repeatable element a message may carry. */
#define I62608_MAX_IFACES_TLV	4
#define I62608_MAX_ADDRS	4	/* per family, per interface */
#define I62608_MAX_DNS		2	/* per family, per interface */
#define I62608_MAX_SERVICES	16
#define I62608_MAX_PORTS	4	/* per service */

struct i62608_tlv_addr4 {
	__u8	addr[4];
	__u8	plen;
	__u8	origin;		/* enum i62608_addr_origin */
};

struct i62608_tlv_addr6 {
	__u8	addr[16];
	__u8	plen;
	__u8	origin;		/* enum i62608_addr_origin */
};

struct i62608_tlv_port {
	__u8	proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8	port[2];	/* big endian */
};

struct i62608_tlv_cfg_addr4 {
	__u8	addr[4];
	__u8	plen;
};

struct i62608_tlv_cfg_addr6 {
	__u8	addr[16];
	__u8	plen;
};

/* One per item of the request, in CONFIG_ACK / CONFIG_NACK. */
struct i62608_tlv_cfg_result {
	__u8	item;		/* index of the item TLV in the request */
	__u8	status;		/* enum i62608_cfg_status */
	__u8	reason;		/* enum i62608_cfg_reason */
};

enum i62608_cfg_status {
	I62608_CFG_APPLIED = 0,
	I62608_CFG_UNCHANGED,
	I62608_CFG_REFUSED,

	__I62608_CFG_STATUS_MAX,
	I62608_CFG_STATUS_MAX = __I62608_CFG_STATUS_MAX - 1
};

enum i62608_cfg_reason {
	I62608_CFGR_NONE = 0,
	I62608_CFGR_UNSUPPORTED,	/* the device cannot do this */
	I62608_CFGR_INVALID,		/* the value is impossible here */
	I62608_CFGR_CONFLICT,		/* e.g. the address is in use */
	I62608_CFGR_FAILED,		/* applying failed; rolled back */
	I62608_CFGR_NO_IFACE,		/* no such interface on the device */
	I62608_CFGR_NO_SERVICE,		/* no such service */
	I62608_CFGR_NO_HOOK,		/* no hook installed for it */

	__I62608_CFGR_MAX,
	I62608_CFGR_MAX = __I62608_CFGR_MAX - 1
};

enum i62608_qos {
	I62608_QOS_BEST_EFFORT = 0,
	I62608_QOS_BACKGROUND,
	I62608_QOS_VIDEO,
	I62608_QOS_VOICE,

	__I62608_QOS_MAX,
	I62608_QOS_MAX = __I62608_QOS_MAX - 1
};

enum i62608_device_type {
	I62608_DEV_OTHER = 0,
	I62608_DEV_TV,
	I62608_DEV_STB,			/* set-top box */
	I62608_DEV_RECORDER,
	I62608_DEV_NAS,
	I62608_DEV_AUDIO,
	I62608_DEV_GAME_CONSOLE,
	I62608_DEV_IOT,
	I62608_DEV_MEDIA_PLAYER,

	__I62608_DEV_MAX,
	I62608_DEV_MAX = __I62608_DEV_MAX - 1
};

enum i62608_addr_origin {
	I62608_ORIGIN_STATIC = 0,
	I62608_ORIGIN_DHCP,
	I62608_ORIGIN_AUTOCONF,		/* IPv6 SLAAC */
	I62608_ORIGIN_LINK_LOCAL,

	__I62608_ORIGIN_MAX,
	I62608_ORIGIN_MAX = __I62608_ORIGIN_MAX - 1
};

enum i62608_svc_state {
	I62608_SVC_DISABLED = 0,
	I62608_SVC_ENABLED,
	I62608_SVC_FAILED,

	__I62608_SVC_STATE_MAX,
	I62608_SVC_STATE_MAX = __I62608_SVC_STATE_MAX - 1
};

enum i62608_bye_reason {
	I62608_BYE_SHUTDOWN = 0,
	I62608_BYE_RESTART,
	I62608_BYE_LINK_DOWN,

	__I62608_BYE_MAX,
	I62608_BYE_MAX = __I62608_BYE_MAX - 1
};

/* I62608_TLV_CAPABILITIES */
#define I62608_CAP_IPV4		0x0001
#define I62608_CAP_IPV6		0x0002
#define I62608_CAP_DHCP4	0x0004	/* has a DHCPv4 client */
#define I62608_CAP_STATIC	0x0008	/* can apply static addresses */
#define I62608_CAP_SERVICES	0x0010	/* services can be switched */
#define I62608_CAP_QOS		0x0020
#define I62608_CAP_MULTICAST	0x0040	/* receives IP multicast (IPTV) */
#define I62608_CAP_CONFIG	0x0080	/* accepts CONFIG_REQUEST */
#define I62608_CAP_SECURITY	0x0100	/* speaks the secure handshake */

/* I62608_IF_FLAGS */
#define I62608_IFF_UP		0x01
#define I62608_IFF_CARRIER	0x02
#define I62608_IFF_DHCP4	0x04	/* IPv4 configured by a DHCP client */
#define I62608_IFF_DHCP6	0x08

#endif /* _UAPI_LINUX_I62608_H */
