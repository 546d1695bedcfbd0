/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608-agent: the configured agent of IEC 62608 (docs/i62608-agent.md).
 *
 * One process runs the protocol on each of its interfaces; with
 * --instances N it runs N independent virtual agents per interface, each
 * with its own MAC address, epoch, message ids, counter and timers. The
 * state machine (fsm.c), the receive path (rx.c), the REPORT (describe.c)
 * and the host state (host.c) know nothing of sockets: they send through
 * agent->ops, so the unit tests drive them with synthetic frames and time.
 */
#ifndef AGENT_H
#define AGENT_H

#include "config.h"
#include "host.h"
#include "timer.h"

#define AGENT_MAX_INSTANCES	4096
/* Length of Ethernet header + largest message, and the minimum frame. */
#define AGENT_ETH_HLEN		14
#define AGENT_FRAME_MAX		(AGENT_ETH_HLEN + I62608_MAX_MSG)
#define AGENT_FRAME_MIN		60
/*
 * REPORTs the network asks for (REPORT_REQUEST, a new configurator epoch):
 * a burst of this many, then one per interval. Anyone on the LAN can send
 * an ADVERTISE; none of them makes an agent flood it.
 */
#define AGENT_ASKED_BURST	3
#define AGENT_ASKED_INTERVAL_MS	1000
/* DISCOVER at start and link-up comes after a random delay below this. */
#define AGENT_START_DELAY_MS	200
/* Until a configurator tells its own (docs/protocol.md section 8). */
#define AGENT_DEFAULT_HEARTBEAT	10

#ifndef I62608_TOOL_VERSION
#define I62608_TOOL_VERSION "0.1.0"
#endif

enum agent_state {
	AGENT_ST_DOWN,		/* link down: silent until it comes up */
	AGENT_ST_SEARCHING,	/* DISCOVER with backoff, forever */
	AGENT_ST_CONNECTED,	/* following a configurator */
};

struct agent_if;

/* One (virtual) agent on one interface. */
struct agent_inst {
	struct agent_if *aif;
	u16 index;		/* instance number, 0 .. n_instances - 1 */
	u8 state;		/* enum agent_state */
	u8 backoff_step;	/* DISCOVERs sent in this search */
	u8 mac[6];		/* our source address */
	u8 cfg_mac[6];		/* the configurator followed */
	u16 cfg_ttl;		/* s, from its ADVERTISE */
	u16 hb_interval;	/* s, from its ADVERTISE */
	u32 cfg_epoch;
	u32 epoch;		/* ours: random, never 0 */
	u32 last_id;		/* message ids: +1 per message */
	u32 report_id;		/* message id of the latest REPORT */
	u32 report_gen;		/* agent.gen the latest REPORT described */
	u64 counter;		/* frames sent in this epoch */
	u64 last_heard;		/* ms: latest frame from the configurator */
	u64 asked_tat;		/* ms: REPORTs asked for by the network,
				 * rate limited (GCRA theoretical arrival)
				 */
	struct agent_timer tx;	/* next DISCOVER or HEARTBEAT */
	struct agent_timer lost; /* configurator's TTL */
};

struct agent_if_stats {
	/* Frames the filter passed, frames sent; bytes after the Ethernet header. */
	u64 rx_frames, rx_bytes;
	u64 tx_frames, tx_bytes, tx_errors;
	u64 not_ours;		/* valid, but for another station */
	u64 reports_limited;	/* REPORTs asked for beyond the rate */
	u64 kernel_drops;	/* socket queue overruns (PACKET_STATISTICS) */
	u64 drops[I62608_DROP_MAX + 1];	/* by enum i62608_drop */
};

/* Something the event loop polls: its fd and what to do when it is ready. */
struct agent;
struct agent_poll {
	int fd;
	void (*fn)(struct agent *a, struct agent_poll *p, u32 events);
};

struct agent_if {
	int ifindex;
	char name[IFNAMSIZ];
	u8 mac[6];
	bool up;		/* IFF_UP and IFF_RUNNING */
	struct agent_poll poll;	/* packet socket; fd -1 without */
	u32 n_inst;
	struct agent_inst *inst;
	/* What REPORTs say about this interface (agent_refresh()). */
	struct i62608_report_if desc;
	struct agent_if_stats st;
};

/* What touches the world; tests replace it. */
struct agent_ops {
	/* Send @msg (@len bytes, a protocol message) from @in to @dst. */
	int (*tx)(struct agent *a, struct agent_inst *in, const u8 *dst,
		  const u8 *msg, size_t len);
	/* Open/close an interface's socket; NULL: nothing to open. */
	int (*if_open)(struct agent *a, struct agent_if *aif);
	void (*if_close)(struct agent *a, struct agent_if *aif);
};

struct agent {
	struct agent_config cfg;
	const struct agent_ops *ops;
	struct agent_host host;
	struct agent_timers timers;
	u64 now;		/* ms of CLOCK_MONOTONIC, set by the loop */
	u64 rng;		/* jitter (not secrets): splitmix64 state */
	u32 n_instances;	/* per interface */
	u32 n_ifs;
	struct agent_if **ifs;
	/* What REPORTs describe: identity, capabilities, interfaces. */
	u32 gen;		/* +1 whenever it changes */
	u32 caps;		/* I62608_CAP_* */
	char name[I62608_STR_MAX + 1];	/* config name, or the host name */
	struct agent_timer refresh;	/* debounced agent_refresh() */
	int open_err;		/* last failure to open a socket, -errno */
	u32 if_removed;		/* +1 per interface removed (its fd closed) */
	void *priv;		/* the event loop's */
};

/* ---- agent.c: interfaces and what REPORTs describe ---- */

/* Set up @a (config already in a->cfg). */
void agent_init(struct agent *a, const struct agent_ops *ops, u32 n_instances,
		u64 seed);
void agent_free(struct agent *a);
/* Random numbers for jitter. */
u32 agent_rand(struct agent *a);
/* A fresh epoch: random, never 0. */
u32 agent_new_epoch(void);
/* Start/stop interfaces to match the links and the configuration. */
void agent_sync_ifaces(struct agent *a);
/* The host changed: refresh what REPORTs describe after the debounce. */
void agent_host_changed(struct agent *a);
/* Rebuild what REPORTs describe now; REPORT to configurators if changed. */
void agent_refresh(struct agent *a, bool force);
/* Say BYE everywhere and stop every instance (shutdown). */
void agent_stop(struct agent *a);
/* Say BYE and remove every interface (sync adds them back). */
void agent_drop_ifaces(struct agent *a);
struct agent_if *agent_if_find(struct agent *a, int ifindex);
/* Would the agent run on this link? */
bool agent_link_wanted(const struct agent *a, const struct agent_link *l);
/* Instance name for logs: "eth0", or "eth0#12" with --instances. */
const char *agent_inst_label(const struct agent *a, const struct agent_inst *in,
			     char *buf, size_t size);
#define INST_LABEL(a, in) agent_inst_label((a), (in), (char[32]){ 0 }, 32)

/* ---- fsm.c: the protocol state machine of one instance ---- */

/* What an ADVERTISE said (validated). */
struct agent_adv {
	const u8 *src;
	u32 msg_id;
	u32 epoch;
	u16 flags;
	u16 ttl;
	u16 hb_interval;
	bool has_db_version;
	u32 db_version;
};

void agent_inst_init(struct agent *a, struct agent_if *aif,
		     struct agent_inst *in, u16 index);
void agent_inst_link(struct agent *a, struct agent_inst *in, bool up);
void agent_inst_advertise(struct agent *a, struct agent_inst *in,
			  const struct agent_adv *adv);
/* What REPORTs describe changed (agent.gen): REPORT if connected. */
void agent_inst_changed(struct agent *a, struct agent_inst *in);
/* Stop: BYE (@reason) if connected, timers off. */
void agent_inst_stop(struct agent *a, struct agent_inst *in, u8 reason);
const char *agent_state_name(unsigned int state);

/* ---- rx.c: received frames ---- */

/*
 * One received Ethernet frame (@len bytes from the destination address
 * on) on @aif; @outgoing: the kernel's PACKET_OUTGOING, our own. Validates,
 * counts and dispatches it.
 */
void agent_rx(struct agent *a, struct agent_if *aif, const u8 *frame,
	      size_t len, bool outgoing);

/*
 * The messages from a configurator the agent handles, one entry per type.
 * The socket filter passes exactly these types: a new message (e.g.
 * CONFIG_REQUEST) is one more entry here.
 */
struct agent_rx_handler {
	u8 type;			/* enum i62608_msg */
	/* @m is validated; @targets are the instances it is for. */
	void (*fn)(struct agent *a, struct agent_if *aif,
		   const struct i62608_frame *m, const u8 *src,
		   struct agent_inst *targets, u32 n_targets);
};

extern const struct agent_rx_handler agent_rx_handlers[];
extern const unsigned int agent_n_rx_handlers;
/* Name of an enum i62608_drop, as i62608ctl prints it. */
const char *agent_drop_name(unsigned int reason);

/* ---- msg.c: messages the agent sends ---- */

int agent_send_discover(struct agent *a, struct agent_inst *in);
int agent_send_report(struct agent *a, struct agent_inst *in);
int agent_send_heartbeat(struct agent *a, struct agent_inst *in);
int agent_send_bye(struct agent *a, struct agent_inst *in, u8 reason);
/* TTL we announce: three heartbeat intervals and one second. */
u16 agent_ttl(u16 hb_interval);

/* ---- describe.c: what a REPORT says ---- */

/* Describe link @l (NULL: gone) as REPORTs show it. */
void agent_describe_if(const struct agent_host *h, const struct agent_link *l,
		       struct i62608_report_if *d);
/* Everything but the interfaces; @name may get an instance suffix. */
void agent_report_identity(struct i62608_report *r,
			   const struct agent_config *c, const char *name,
			   u32 caps, u16 ttl);
/*
 * Add interfaces: @facing first, with the source address @mac, then
 * @others in order, up to the protocol's 4. Returns true when some did
 * not fit in the structure (the REPORT is then PARTIAL).
 */
bool agent_report_ifaces(struct i62608_report *r,
			 const struct i62608_report_if *facing, const u8 *mac,
			 const struct i62608_report_if *const *others,
			 unsigned int n_others);
/*
 * Encode @r as a REPORT with header @h into @buf (I62608_MAX_MSG bytes);
 * PARTIAL is set when @left_out or when elements do not fit the frame.
 * Returns the message length, or -1 when not even the identity fits.
 */
int agent_report_msg(u8 *buf, const struct i62608_w_hdr *h,
		     const struct i62608_report *r, bool left_out);
/* The REPORT of instance @in (message id @id, frame counter @counter). */
int agent_report_of(struct agent *a, struct agent_inst *in, u32 id,
		    u64 counter, u8 *buf, bool *partial);
/* "name" with the suffix "-N" of instance @index, within 32 bytes. */
void agent_inst_name(char *out, const char *name, u32 index,
		     u32 n_instances);
/* Capabilities true of this host (docs/i62608-agent.md). */
u32 agent_host_caps(const struct agent *a);

/* ---- backoff.c ---- */

/* Delay before DISCOVER number @step + 2 of a search (ms), with jitter. */
u32 agent_backoff_ms(unsigned int step, u32 min_ms, u32 max_ms, u32 rnd);
/* Random delay of the first DISCOVER at start and link-up. */
u32 agent_start_delay_ms(u32 rnd);

/* ---- mac.c: instance addresses ---- */

void agent_inst_mac(const u8 *base, u32 index, u8 *mac);
/* The instance @mac is (of @n on @base), or -1. */
int agent_inst_of_mac(const u8 *base, u32 n, const u8 *mac);

#endif /* AGENT_H */
