/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608: IEC 62608 home network configuration - kernel internals.
 *
 * Object model:
 *
 *   struct i62608_net (one per network namespace, pernet_operations)
 *     `-- ifaces: struct i62608_iface, one per interface userspace enabled,
 *         each with its own packet_type bound to that net_device, so frames
 *         of our EtherType reach the handler only on enabled interfaces and
 *         the handler finds its interface with container_of(), no lookup.
 *
 *     `-- agents: struct i62608_agent, one per (ifindex, MAC), in an
 *         rhashtable for the receive path and a list for dumps and aging
 *
 * Locking:
 *   - The interface list of a namespace is changed only under RTNL (netlink
 *     commands and the netdevice notifier both run under it) and read either
 *     under RTNL or, on the receive path, through the packet_type itself,
 *     which the core protects with RCU.
 *   - The agent table (hash, list, lost list, counts) is changed under
 *     i62608_net.agents_lock; lookups and dumps walk it under RCU. Each
 *     agent's mutable fields are under its own i62608_agent.lock, taken
 *     after agents_lock when both are needed. The receive path runs in
 *     softirq context; everything else takes these locks with _bh.
 *   - Agents are freed after a grace period (call_rcu), so an agent found
 *     under rcu_read_lock() stays readable; a.dead says it was unlinked.
 */
#ifndef _I62608_H
#define _I62608_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rhashtable.h>
#include <linux/workqueue.h>
#include <linux/u64_stats_sync.h>
#include <net/netns/generic.h>
#include <linux/i62608.h>

#include "compat.h"
#include "noise.h"
#include "wire.h"

#define I62608_MODULE_VERSION	"0.1.0"

/* At most this many enabled interfaces per network namespace. */
#define I62608_MAX_IFACES	64

extern u16 i62608_ethertype;
extern unsigned int i62608_net_id;
extern const u8 i62608_group_addr[ETH_ALEN];

/**
 * struct i62608_params - tunables of a namespace (I62608_PARAM_A_*)
 *
 * Written under i62608_net.params_lock with WRITE_ONCE(), read anywhere
 * with READ_ONCE(): each value is consistent by itself.
 */
struct i62608_params {
	u32 max_agents;
	u32 max_agents_per_iface;
	u32 aging_interval_ms;
	u32 pending_ttl_ms;
	u32 lost_linger_ms;
	u32 rate;
	u32 burst;
	u32 adv_interval_ms;
	u32 heartbeat_interval_s;
	u32 max_ttl_s;
	u32 require_auth;
	u32 reject_after_s;
	u32 config_rto_ms;
	u32 config_tries;
	u32 max_pending;
};

/**
 * struct i62608_ns_counters - namespace-wide event counters
 */
struct i62608_ns_counters {
	atomic64_t created;
	atomic64_t expired;
	atomic64_t byes;
	atomic64_t restarts;
	atomic64_t evicted;
	atomic64_t table_full;
	atomic64_t ratelimited;
	atomic64_t ntf_failed;
	atomic64_t handshakes;
	atomic64_t hs_rejected;
	atomic64_t hs_failed;
	atomic64_t decrypt_fail_sent;
	atomic64_t epoch_ignored;
};

/**
 * struct i62608_pair - an agent the configurator trusts
 * @list: in i62608_net.pairs (sec_lock)
 * @pub: its static public key, when @has_key
 * @code: its pairing code (always set; derived from @pub when known)
 * @has_key: @pub is known
 * @origin: enum i62608_pair_origin
 * @added: jiffies
 * @name: a label, may be empty
 */
struct i62608_pair {
	struct list_head list;
	u8 pub[I62608_KEY_LEN];
	u8 code[I62608_CODE_LEN];
	bool has_key;
	u8 origin;
	u64 added;
	char name[I62608_STR_MAX + 1];
};

/* Most pairings a namespace keeps. */
#define I62608_MAX_PAIRS	1024
/* Most handshake messages waiting for the work queue, per namespace. */
#define I62608_HS_QUEUE_MAX	64

/**
 * struct i62608_net - per network namespace state
 * @net: the namespace
 * @ifaces: enabled interfaces (struct i62608_iface.list), under RTNL
 * @n_ifaces: length of @ifaces
 * @ifaces_gen: bumped on every change of @ifaces; dumps compare it
 * @epoch: this configurator's random boot epoch, never 0
 * @tx_counter: header counter of the frames we send
 * @msg_id: message ids of unsolicited messages
 * @params: tunables
 * @params_lock: serializes writers of @params
 * @agents_lock: protects @agents_ht, @agents, @lost, the counts, @dying
 * @agents_ht: agents by (ifindex, MAC), RCU for readers
 * @agents: every agent, oldest first, RCU for readers
 * @lost: agents in state LOST, oldest first: the first to be evicted
 * @n_agents: length of @agents
 * @n_state: agents per enum i62608_agent_state
 * @agents_gen: bumped when an agent is added or removed (dumps)
 * @aging: the sweep that expires agents, queued while there are any
 * @full_next: jiffies before which no other TABLE_FULL_NTF is sent
 * @full_dropped: frames dropped for a full table since the last one
 * @cnt: counters
 * @dying: the namespace is going away: queue no more work
 * @sec_lock: protects @key, @has_key, @pairs, @n_pairs, @window_until
 * @key: the configurator's static key pair
 * @has_key: @key is set
 * @pairs: trusted agents (struct i62608_pair)
 * @n_pairs: length of @pairs
 * @window_until: jiffies until which the pairing window is open
 * @hs_queue: handshake frames waiting for @hs_work
 * @hs_closed: the namespace is going away: queue no handshake (hs_queue.lock)
 * @hs_work: processes handshakes in process context
 * @cfg_lock: protects @cfg_reqs, @n_cfg (innermost lock)
 * @cfg_reqs: configuration requests in flight, RCU for readers
 * @n_cfg: length of @cfg_reqs
 * @cfg_id: request ids
 * @cfg_work: retransmits and times out requests
 * @cfg_closed: the namespace is going away
 */
struct i62608_net {
	struct net *net;
	struct list_head ifaces;
	unsigned int n_ifaces;
	unsigned int ifaces_gen;
	u32 epoch;
	atomic64_t tx_counter;
	atomic_t msg_id;

	struct i62608_params params;
	struct mutex params_lock;	/* serializes writers of params */

	spinlock_t agents_lock;		/* the table; see the top of this file */
	struct rhashtable agents_ht;
	struct list_head agents;
	struct list_head lost;
	unsigned int n_agents;
	atomic_t n_state[I62608_AGENT_STATE_MAX + 1];
	unsigned int agents_gen;
	struct delayed_work aging;
	unsigned long full_next;
	atomic64_t full_dropped;
	struct i62608_ns_counters cnt;
	bool dying;

	struct mutex sec_lock;		/* see above */
	struct i62608_keypair key;
	bool has_key;
	struct list_head pairs;
	unsigned int n_pairs;
	u64 window_until;
	struct sk_buff_head hs_queue;
	bool hs_closed;
	struct work_struct hs_work;

	spinlock_t cfg_lock;		/* see above */
	struct list_head cfg_reqs;
	unsigned int n_cfg;
	atomic_t cfg_id;
	struct delayed_work cfg_work;
	bool cfg_closed;
};

/**
 * struct i62608_session - keys of one handshake with an agent
 * @send_key: to the agent
 * @recv_key: from the agent
 * @peer: the agent's static public key, proven by the handshake:
 *	revoking that key ends this session, wherever it hangs
 * @local_id: key id the agent's frames carry
 * @remote_id: key id our frames carry
 * @tx_counter: next counter we send (agent lock)
 * @replay: counters received (agent lock)
 * @created: jiffies of the handshake
 * @rcu: deferred wipe and free
 */
struct i62608_session {
	u8 send_key[I62608_KEY_LEN];
	u8 recv_key[I62608_KEY_LEN];
	u8 peer[I62608_KEY_LEN];
	u16 local_id;
	u16 remote_id;
	u64 tx_counter;
	struct i62608_replay replay;
	u64 created;
	struct rcu_head rcu;
};

/**
 * struct i62608_hs_pending - a handshake the agent started
 * @hs: Noise state
 * @local_id: key id we chose for the session
 * @remote_id: key id the agent chose
 * @msg_id: the HS_INIT's message id, echoed by HS_RESP and HS_FINISH
 * @started: jiffies
 */
struct i62608_hs_pending {
	struct i62608_hs hs;
	u16 local_id;
	u16 remote_id;
	u32 msg_id;
	u64 started;
};

/**
 * struct i62608_agent_key - what identifies an agent
 * @ifindex: the interface it was heard on
 * @mac: its source address
 * @pad: zero, so the key hashes and compares as bytes
 */
struct i62608_agent_key {
	int ifindex;
	u8 mac[ETH_ALEN];
	u16 pad;
};

/**
 * struct i62608_report_blob - a REPORT as received, and what we list of it
 * @rcu: deferred free when replaced
 * @sum: the fields shown in listings
 * @partial: the REPORT had I62608_F_PARTIAL
 * @len: length of @data
 * @data: the TLVs, as sent
 */
struct i62608_report_blob {
	struct rcu_head rcu;
	struct i62608_summary sum;
	bool partial;
	u16 len;
	u8 data[];
};

/**
 * struct i62608_agent - a configured agent heard on an enabled interface
 * @node: in i62608_net.agents_ht
 * @list: in i62608_net.agents
 * @lru: in i62608_net.lost while LOST, else empty (agents_lock)
 * @key: interface and MAC
 * @iface: the interface; valid while linked, used under agents_lock only
 * @lock: protects the fields below
 * @dead: unlinked from the table, being freed
 * @state: enum i62608_agent_state
 * @ttl: seconds, as the agent said (capped)
 * @epoch: the agent's boot epoch: changed by a handshake, or by a plain
 *	frame while i62608_agent_epoch_open() (docs/security.md, section 7)
 * @report_id: msg_id of @report
 * @first_seen: jiffies
 * @last_seen: jiffies
 * @expires: jiffies at which it is lost (when LOST: freed)
 * @report: its latest REPORT, or NULL
 * @tb_tokens: token bucket credit, in ns
 * @tb_last: ktime of the last refill
 * @rx_frames: frames accepted from it
 * @rx_bytes: their bytes
 * @tx_frames: frames sent to it
 * @ratelimited: frames over its budget
 * @reports: REPORTs accepted
 * @restarts: epoch changes seen
 * @cur: the session in use, or NULL
 * @prev: the one before it, kept until @cur carries a frame (or 10 s)
 * @hs: the handshake in progress, or NULL
 * @pub: its static public key, when @has_pub; @cur's peer while @cur is set
 * @has_pub: learned from a handshake
 * @paired: its key is in the pairing list: its REPORT, HEARTBEAT and BYE
 *	must come on a session, with one or not (rx.c); written with
 *	WRITE_ONCE() under @lock, read locklessly with READ_ONCE()
 * @handshakes: sessions established
 * @fail_tat: DECRYPT_FAIL budget: theoretical arrival time (jiffies64)
 * @reject_tat: HS_REJECT budget, the same
 * @rcu: deferred free
 */
struct i62608_agent {
	struct rhash_head node;
	struct list_head list;
	struct list_head lru;
	struct i62608_agent_key key;
	struct i62608_iface *iface;

	spinlock_t lock;		/* the mutable fields below */
	bool dead;
	u8 state;
	u16 ttl;
	u32 epoch;
	u32 report_id;
	u64 first_seen;
	u64 last_seen;
	u64 expires;
	struct i62608_report_blob __rcu *report;
	u64 tb_tokens;
	u64 tb_last;
	u64 rx_frames;
	u64 rx_bytes;
	u64 tx_frames;
	u64 ratelimited;
	u32 reports;
	u32 restarts;
	struct i62608_session __rcu *cur;
	struct i62608_session __rcu *prev;
	struct i62608_hs_pending *hs;
	u8 pub[I62608_KEY_LEN];
	bool has_pub;
	bool paired;
	u32 handshakes;
	u64 fail_tat;
	u64 reject_tat;
	struct rcu_head rcu;
};

/*
 * May a frame that is not authenticated tell that @a restarted (a new
 * epoch)? Only while a forgery could cost it nothing: no session, not
 * paired. Otherwise the new epoch comes with the handshake a restarted
 * agent must make (docs/security.md, section 7). Under @a->lock.
 */
static inline bool i62608_agent_epoch_open(struct i62608_agent *a)
{
	lockdep_assert_held(&a->lock);
	return !a->paired && !rcu_access_pointer(a->cur) &&
	       !rcu_access_pointer(a->prev);
}

/**
 * struct i62608_pcpu_stats - per-CPU counters of one interface
 * @rx_frames: frames of our EtherType handed to us
 * @rx_bytes: their bytes, from our header on
 * @tx_frames: frames sent
 * @tx_bytes: their bytes
 * @tx_errors: frames that could not be allocated or queued
 * @drops: received frames dropped, by enum i62608_drop
 * @syncp: 64-bit consistency on 32-bit hosts
 */
struct i62608_pcpu_stats {
	u64_stats_t rx_frames;
	u64_stats_t rx_bytes;
	u64_stats_t tx_frames;
	u64_stats_t tx_bytes;
	u64_stats_t tx_errors;
	u64_stats_t drops[I62608_DROP_MAX + 1];
	struct u64_stats_sync syncp;
};

/**
 * struct i62608_stats - a summed snapshot of struct i62608_pcpu_stats
 */
struct i62608_stats {
	u64 rx_frames;
	u64 rx_bytes;
	u64 tx_frames;
	u64 tx_bytes;
	u64 tx_errors;
	u64 drops[I62608_DROP_MAX + 1];
};

/**
 * struct i62608_iface - an interface the protocol is enabled on
 * @pt: our packet_type, bound to @dev (pt.dev) while enabled
 * @dev: the device, held with @dev_tracker while enabled
 * @dev_tracker: reference tracker for @dev
 * @in: the namespace state this interface belongs to
 * @list: entry in @in->ifaces (RTNL)
 * @stats: per-CPU counters
 * @enabled_ns: CLOCK_BOOTTIME when it was enabled
 * @n_agents: agents heard on it (under in->agents_lock)
 * @adv_work: sends unsolicited ADVERTISEs
 * @rcu: deferred free
 */
struct i62608_iface {
	struct packet_type pt;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct i62608_net *in;
	struct list_head list;
	struct i62608_pcpu_stats __percpu *stats;
	u64 enabled_ns;
	unsigned int n_agents;
	struct delayed_work adv_work;
	struct rcu_head rcu;
};

static inline struct i62608_net *i62608_pernet(const struct net *net)
{
	return net_generic(net, i62608_net_id);
}

/*
 * Generation numbers let a multi-part dump notice a concurrent change
 * (cb->seq, NLM_F_DUMP_INTR); they are never 0, which means "unset" there.
 */
static inline void i62608_gen_bump(unsigned int *gen)
{
	if (!++*gen)
		*gen = 1;
}

static inline void i62608_count_drop(struct i62608_iface *iface,
				     enum i62608_drop reason)
{
	struct i62608_pcpu_stats *s = this_cpu_ptr(iface->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[reason]);
	u64_stats_update_end(&s->syncp);
}

static inline void i62608_count_tx(struct i62608_iface *iface, unsigned int len,
				   bool ok)
{
	struct i62608_pcpu_stats *s = this_cpu_ptr(iface->stats);

	u64_stats_update_begin(&s->syncp);
	if (ok) {
		u64_stats_inc(&s->tx_frames);
		u64_stats_add(&s->tx_bytes, len);
	} else {
		u64_stats_inc(&s->tx_errors);
	}
	u64_stats_update_end(&s->syncp);
}

/* netns.c */
int i62608_netns_register(void);
void i62608_netns_unregister(void);
extern const struct nla_policy i62608_params_policy[I62608_PARAM_A_MAX + 1];
int i62608_params_set(struct i62608_net *in, struct nlattr **tb,
		      struct netlink_ext_ack *extack);

/* agent.c */
int i62608_agents_init(struct i62608_net *in);
void i62608_agents_exit(struct i62608_net *in);
struct i62608_agent *i62608_agent_lookup(struct i62608_net *in, int ifindex,
					 const u8 *mac);
struct i62608_agent *i62608_agent_create(struct i62608_net *in,
					 struct i62608_iface *iface,
					 const u8 *mac, u32 epoch, bool *created,
					 enum i62608_drop *drop);
bool i62608_agent_revive(struct i62608_net *in, struct i62608_agent *a,
			 u32 epoch, bool auth);
int i62608_agent_del(struct i62608_net *in, struct i62608_agent *a,
		     enum i62608_reason reason);
void i62608_agents_flush_iface(struct i62608_net *in, struct i62608_iface *iface,
			       enum i62608_reason reason);
bool i62608_agent_admit(struct i62608_net *in, struct i62608_agent *a, u64 now);
void i62608_agent_set_state(struct i62608_net *in, struct i62608_agent *a,
			    u8 state);

/* tx.c */
int i62608_xmit(struct i62608_iface *iface, const u8 *dst, const u8 *msg,
		unsigned int len);
int i62608_tx_advertise(struct i62608_iface *iface, const u8 *dst, u32 msg_id,
			u16 flags);
void i62608_adv_work(struct work_struct *work);

/* config.c */
void i62608_config_init(struct i62608_net *in);
void i62608_config_exit(struct i62608_net *in);
int i62608_config_send(struct i62608_net *in, const struct i62608_agent_key *key,
		       const u8 *body, size_t len, u32 *id,
		       struct netlink_ext_ack *extack);
void i62608_config_result(struct i62608_net *in, struct i62608_agent *a,
			  const struct i62608_frame *m);
void i62608_config_agent_gone(struct i62608_net *in,
			      const struct i62608_agent_key *key, u8 outcome);
void i62608_config_resend(struct i62608_net *in,
			  const struct i62608_agent_key *key);
int i62608_config_dump(struct i62608_net *in, struct sk_buff *skb,
		       struct netlink_callback *cb);

/* session.c */
void i62608_sec_init(struct i62608_net *in);
void i62608_sec_exit(struct i62608_net *in);
int i62608_hs_enqueue(struct i62608_net *in, struct sk_buff *skb);
void i62608_hs_purge_dev(struct i62608_net *in, const struct net_device *dev);
struct i62608_session *i62608_session_find(struct i62608_agent *a, u16 key_id);
int i62608_session_rx(struct i62608_net *in, struct i62608_agent *a,
		      struct i62608_session *s, u64 counter);
void i62608_sessions_drop(struct i62608_agent *a);
void i62608_sessions_age(struct i62608_net *in, struct i62608_agent *a, u64 now);
u8 i62608_agent_trust(struct i62608_agent *a);
void i62608_tx_decrypt_fail(struct i62608_iface *iface, struct i62608_agent *a,
			    u16 key_id);
int i62608_tx_protected(struct i62608_iface *iface, struct i62608_agent *a,
			u8 type, u32 msg_id, const u8 *body, unsigned int body_len);
int i62608_key_set(struct i62608_net *in, const u8 *priv,
		   struct netlink_ext_ack *extack);
int i62608_pair_add(struct i62608_net *in, const u8 *pub, const u8 *code,
		    const char *name, struct netlink_ext_ack *extack);
int i62608_pair_del(struct i62608_net *in, const u8 *pub, const u8 *code,
		    struct netlink_ext_ack *extack);
void i62608_pair_window(struct i62608_net *in, u32 seconds);

/* iface.c */
struct i62608_iface *i62608_iface_find(struct i62608_net *in,
				       const struct net_device *dev);
struct i62608_iface *i62608_iface_find_rcu(struct i62608_net *in, int ifindex);
struct i62608_iface *i62608_iface_of_rcu(struct i62608_net *in,
					 const struct net_device *dev);
int i62608_iface_add(struct i62608_net *in, struct net_device *dev,
		     struct netlink_ext_ack *extack);
void i62608_iface_del(struct i62608_iface *iface, enum i62608_reason reason);
void i62608_iface_flush(struct i62608_net *in, enum i62608_reason reason);
void i62608_iface_stats(const struct i62608_iface *iface,
			struct i62608_stats *st);
int i62608_iface_notifier_register(void);
void i62608_iface_notifier_unregister(void);

/* rx.c */
int i62608_rcv(struct sk_buff *skb, struct net_device *dev,
	       struct packet_type *pt, struct net_device *orig_dev);

/* netlink.c */
int i62608_genl_register(void);
void i62608_genl_unregister(void);
void i62608_nl_notify_iface(struct i62608_iface *iface, u8 cmd,
			    enum i62608_reason reason);
void i62608_nl_notify_agent(struct i62608_net *in, struct i62608_agent *a,
			    u8 cmd, enum i62608_reason reason, bool restarted);
void i62608_nl_notify_table_full(struct i62608_net *in,
				 struct i62608_iface *iface,
				 enum i62608_limit limit);
void i62608_nl_notify_pair(struct i62608_net *in, const struct i62608_pair *p,
			   const u8 *mac);
void i62608_nl_notify_config(struct i62608_net *in,
			     const struct i62608_agent_key *key, u32 id,
			     u8 outcome, u32 tries, const u8 *results,
			     size_t len);
void i62608_nl_notify_config_report(struct i62608_net *in,
				    struct i62608_agent *a,
				    const struct i62608_frame *m);
int i62608_nl_put_pending(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct i62608_agent_key *key, u32 id, u32 tries,
			  u64 age, u64 next);

#endif /* _I62608_H */
