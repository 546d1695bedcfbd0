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
#include "noise.h"
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

/* Handshakes (docs/security.md section 5). */
#define AGENT_HS_TIMEOUT_MS	5000
#define AGENT_HS_RETRY_MIN_MS	1000
#define AGENT_HS_RETRY_MAX_MS	60000
/* A session is renewed after this many frames sent on it, at the latest. */
#define AGENT_REKEY_AFTER_FRAMES (1ULL << 32)
/* DECRYPT_FAIL and forged epochs start at most one handshake a second. */
#define AGENT_HS_NUDGE_MS	1000
/* A configurator whose key is not the pin is ignored this long. */
#define AGENT_SHUN_MS		60000
/* CONFIG_REPORTs: at most one per this interval per instance. */
#define AGENT_CFGREP_INTERVAL_MS 2000

struct agent_if;

/* One direction pair of keys from a handshake (Noise Split()). */
struct agent_session {
	u8 send_key[I62608_KEY_LEN];
	u8 recv_key[I62608_KEY_LEN];
	u16 local_id;		/* we receive on it: frames to us carry it */
	u16 remote_id;		/* the configurator's: our frames carry it */
	u64 tx_counter;		/* the next counter we send */
	u64 created;		/* ms */
	struct i62608_replay replay;
};

enum agent_hs_state {
	AGENT_HS_IDLE,		/* none running (maybe one scheduled) */
	AGENT_HS_INIT_SENT,	/* waiting for HS_RESP */
	AGENT_HS_FINISH_SENT,	/* waiting for SESSION_CONFIRM */
};

/* The security state of one instance (sec.c). */
struct agent_sec {
	bool has_key;
	u8 hs_state;		/* enum agent_hs_state */
	u8 hs_step;		/* retries since the last success: backoff */
	u16 hs_local_id;	/* key id offered in HS_INIT */
	u32 hs_msg_id;		/* HS_INIT's, echoed by the whole handshake */
	u64 hs_nudged;		/* ms: last handshake started by a notice */
	u64 shun_until;		/* ms: ignore shun_mac's ADVERTISEs until */
	u8 shun_mac[6];
	u8 hs_peer[I62608_KEY_LEN];	/* responder's static key (msg 2) */
	struct i62608_keypair key;	/* our static key (instance's) */
	struct i62608_hs *hs;		/* while a handshake runs */
	struct agent_session *cur;	/* the confirmed session */
	struct agent_session *next;	/* finished, not confirmed yet */
	struct agent_timer hs_timer;	/* timeout, or the next attempt */
	struct agent_timer rekey;
};

struct agent_cfgstate;

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
	struct agent_sec sec;
	/* Configuration: duplicates, desired state (cfgreq.c); lazily. */
	struct agent_cfgstate *cfg;
	struct agent_timer cfgrep;	/* the next CONFIG_REPORT */
};

struct agent_if_stats {
	/* Frames the filter passed, frames sent; bytes after the Ethernet header. */
	u64 rx_frames, rx_bytes;
	u64 tx_frames, tx_bytes, tx_errors;
	u64 not_ours;		/* valid, but for another station */
	u64 reports_limited;	/* REPORTs asked for beyond the rate */
	u64 kernel_drops;	/* socket queue overruns (PACKET_STATISTICS) */
	u64 drops[I62608_DROP_MAX + 1];	/* by enum i62608_drop */
	/* Security. */
	u64 hs_started, hs_completed, hs_rejected, hs_timeouts, hs_failed;
	u64 pin_mismatch;	/* responders whose key is not the pin */
	u64 suppressed;		/* messages not sent: pinned, no session */
	/* Configuration. */
	u64 cfg_requests, cfg_duplicates, cfg_acks, cfg_nacks, cfg_reports;
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

/* The agent's identity and its pin, shared by its instances (sec.c). */
struct agent_keys {
	bool enabled;		/* a static key is loaded: speak security */
	bool pinned;
	bool pin_learned;	/* by trust on first use, in pin_path */
	struct i62608_keypair key;
	u8 pin[I62608_KEY_LEN];
	char pin_path[PATH_MAX];
};

/* A service state set by a configuration request (cfgreq.c). */
struct agent_svc_state {
	char name[I62608_SVC_NAME_MAX + 1];
	u8 state;
};

struct agent_netops;

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
	struct agent_keys keys;
	/* Configuration applied for real (apply mode). */
	const struct agent_netops *net;	/* rtnetlink, or a test's fake */
	void *net_ctx;
	unsigned int n_svc;
	struct agent_svc_state svc[I62608_MAX_SERVICES];
	u8 dhcp_started;	/* families whose DHCP hook we started: 1 v4, 2 v6 */
	char dhcp_ifname[IFNAMSIZ];
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
/* Forget the configurator followed (@why is logged): searching again. */
void agent_inst_lose(struct agent *a, struct agent_inst *in, const char *why);
/* REPORT now; the next HEARTBEAT one interval later. */
void agent_inst_report_now(struct agent *a, struct agent_inst *in);
/* Free what an instance holds (sessions, configuration state). */
void agent_inst_free(struct agent *a, struct agent_inst *in);
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
enum agent_rx_rule {
	AGENT_RX_OPEN,		/* never protected: discovery, handshake */
	AGENT_RX_SEALED,	/* only on a session */
};

struct agent_rx_handler {
	u8 type;			/* enum i62608_msg */
	u8 rule;			/* enum agent_rx_rule */
	bool unicast;			/* to one instance only */
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
/* A new message id (never 0). */
u32 agent_next_id(struct agent_inst *in);
/*
 * Send the finished message in @buf (@len bytes, room for the tag) from
 * @in to its configurator: sealed on the session if there is one;
 * plaintext when @plain_ok (discovery, handshakes) or the agent is not
 * pinned; otherwise not at all (-ENOTCONN, counted as suppressed).
 */
int agent_send_msg(struct agent *a, struct agent_inst *in, const u8 *dst,
		   u8 *buf, int len, bool plain_ok);
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
int agent_report_msg(u8 *buf, u16 cap, const struct i62608_w_hdr *h,
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

/* ---- sec.c: keys, handshakes and sessions (docs/security.md) ---- */

/* Instance setup (timers). */
void agent_sec_init(struct agent *a, struct agent_inst *in);
/* Start a handshake now (unless one runs) with the configurator followed. */
void agent_sec_handshake(struct agent *a, struct agent_inst *in);
/* A notice (DECRYPT_FAIL, new epoch): a handshake, at most once a second. */
void agent_sec_nudge(struct agent *a, struct agent_inst *in, const char *why);
/* End every session and handshake of @in, keys wiped. */
void agent_sec_reset(struct agent *a, struct agent_inst *in);
/* The session a protected frame's @key_id names, or NULL. */
struct agent_session *agent_sec_find(struct agent_inst *in, u16 key_id);
/* A frame verified on @s: the configurator confirmed it (if pending). */
void agent_sec_verified(struct agent *a, struct agent_inst *in,
			struct agent_session *s);
/* Seal @buf (@len bytes, a finished message) on @in's session. */
int agent_sec_seal(struct agent *a, struct agent_inst *in, u8 *buf, int len);
/* Plaintext REPORT/HEARTBEAT/BYE allowed: not pinned (day 0). */
bool agent_sec_plain_ok(const struct agent *a);
/* Is @mac shunned (not the pinned configurator, seen lately)? */
bool agent_sec_shunned(const struct agent *a, const struct agent_inst *in,
		       const u8 *mac);
/* Handlers of agent_rx_handlers[]. */
void agent_rx_hs_resp(struct agent *a, struct agent_if *aif,
		      const struct i62608_frame *m, const u8 *src,
		      struct agent_inst *targets, u32 n_targets);
void agent_rx_hs_reject(struct agent *a, struct agent_if *aif,
			const struct i62608_frame *m, const u8 *src,
			struct agent_inst *targets, u32 n_targets);
void agent_rx_decrypt_fail(struct agent *a, struct agent_if *aif,
			   const struct i62608_frame *m, const u8 *src,
			   struct agent_inst *targets, u32 n_targets);
void agent_rx_session_confirm(struct agent *a, struct agent_if *aif,
			      const struct i62608_frame *m, const u8 *src,
			      struct agent_inst *targets, u32 n_targets);

/* ---- cfgreq.c: configuration requests (docs/i62608-agent.md) ---- */

/* An authenticated CONFIG_REQUEST @m for instance @in. */
void agent_cfg_request(struct agent *a, struct agent_inst *in,
		       const struct i62608_frame *m);
/* The host changed: maybe a CONFIG_REPORT (rate limited). */
void agent_cfg_host_changed(struct agent *a, struct agent_inst *in);
/* A session was just established: the baseline of CONFIG_REPORTs. */
void agent_cfg_session_up(struct agent *a, struct agent_inst *in);
void agent_cfg_inst_free(struct agent *a, struct agent_inst *in);
/* The services REPORTs carry: the file's, with states set by requests. */
void agent_report_services(const struct agent *a, struct i62608_report *r);

#endif /* AGENT_H */
