// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: the packet_type handler bound to each enabled interface.
 *
 * Order of checks, cheapest first and nothing trusted before it is checked:
 * header (version, lengths), source address, the sender's token bucket
 * (known agents), then the whole message against its type's rules, and
 * only then the handler of its type, which may touch the table. Every drop
 * is counted by reason on the interface.
 */

#include <linux/etherdevice.h>
#include <linux/skbuff.h>

#include "i62608.h"

/* Notifications a frame causes, decided under the agent's lock. */
#define EV_NEW		0x1
#define EV_RESTARTED	0x2
#define EV_CHANGE	0x4

struct rx_ctx {
	struct i62608_net *in;
	struct i62608_iface *iface;
	struct sk_buff *skb;
	const u8 *src;
	struct i62608_frame m;
	unsigned int len;
	u64 now;		/* jiffies */
	bool auth;		/* decrypted and verified on a session */
};

static void i62608_count_rx(struct i62608_iface *iface, unsigned int len)
{
	struct i62608_pcpu_stats *s = this_cpu_ptr(iface->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_frames);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

/*
 * The agent this frame comes from: found, created (@create) or revived
 * from LOST. Returns NULL with *drop set when there is no room.
 */
static struct i62608_agent *rx_agent(struct rx_ctx *c, struct i62608_agent *a,
				     bool create, unsigned int *ev,
				     enum i62608_drop *drop)
{
	if (!a) {
		bool created = false;

		if (!create)
			return NULL;
		a = i62608_agent_create(c->in, c->iface, c->src, c->m.epoch,
					&created, drop);
		if (!a)
			return NULL;
		if (created)
			*ev |= EV_NEW;
	}
	if (READ_ONCE(a->state) == I62608_AGENT_LOST &&
	    i62608_agent_revive(c->in, a, c->m.epoch, c->auth))
		*ev |= EV_NEW;
	return a;
}

/*
 * Under a->lock: account the frame. A new epoch means the agent restarted
 * and lost its state, so it starts over as DISCOVERED - if the frame may
 * say so. Anyone can send a plaintext frame with an agent's address and
 * any epoch: once the agent has a session or is paired, believing it
 * would let a forgery end the session and cancel the configuration in
 * flight. Such an agent's restart comes with its next handshake
 * (hs_finish()), which its static key authenticates. An authenticated
 * frame carries the epoch of the handshake that made its session: a
 * different one is no restart either.
 */
static void rx_touch(struct rx_ctx *c, struct i62608_agent *a, unsigned int *ev,
		     struct i62608_report_blob **old)
{
	/* Under a->lock; cfg_lock (in config_agent_gone) nests inside it. */
	lockdep_assert_held(&a->lock);
	a->last_seen = c->now;
	a->rx_frames++;
	a->rx_bytes += c->len;
	if (a->epoch == c->m.epoch)
		return;
	if (c->auth || !i62608_agent_epoch_open(a)) {
		atomic64_inc(&c->in->cnt.epoch_ignored);
		return;
	}
	a->epoch = c->m.epoch;
	a->restarts++;
	/* A handshake it had in progress was its previous boot's. */
	i62608_sessions_drop(a);
	i62608_config_agent_gone(c->in, &a->key, I62608_OUTCOME_CANCELLED);
	atomic64_inc(&c->in->cnt.restarts);
	*old = rcu_replace_pointer(a->report, NULL, lockdep_is_held(&a->lock));
	a->report_id = 0;
	i62608_agent_set_state(c->in, a, I62608_AGENT_DISCOVERED);
	a->expires = c->now +
		msecs_to_jiffies(READ_ONCE(c->in->params.pending_ttl_ms));
	*ev |= EV_NEW | EV_RESTARTED;
}

static u64 ttl_jiffies(struct i62608_net *in, u16 ttl)
{
	return (u64)min_t(u32, ttl, READ_ONCE(in->params.max_ttl_s)) * HZ;
}

static void rx_notify(struct rx_ctx *c, struct i62608_agent *a, unsigned int ev)
{
	if (ev & EV_NEW)
		i62608_nl_notify_agent(c->in, a, I62608_CMD_AGENT_NEW_NTF, 0,
				       ev & EV_RESTARTED);
	else if (ev & EV_CHANGE)
		i62608_nl_notify_agent(c->in, a, I62608_CMD_AGENT_CHANGE_NTF, 0,
				       false);
}

static void rx_reply(struct rx_ctx *c, struct i62608_agent *a, u16 flags)
{
	if (!i62608_tx_advertise(c->iface, c->src, c->m.msg_id, flags)) {
		spin_lock(&a->lock);
		a->tx_frames++;
		spin_unlock(&a->lock);
	}
}

static int rx_discover(struct rx_ctx *c, struct i62608_agent *a)
{
	struct i62608_report_blob *old = NULL;
	enum i62608_drop drop = 0;
	unsigned int ev = 0;

	a = rx_agent(c, a, true, &ev, &drop);
	if (!a)
		return drop;
	spin_lock(&a->lock);
	if (a->dead) {
		spin_unlock(&a->lock);
		return 0;
	}
	rx_touch(c, a, &ev, &old);
	if (a->state == I62608_AGENT_DISCOVERED)
		a->expires = c->now +
			msecs_to_jiffies(READ_ONCE(c->in->params.pending_ttl_ms));
	spin_unlock(&a->lock);
	if (old)
		kfree_rcu(old, rcu);

	rx_reply(c, a, 0);
	rx_notify(c, a, ev);
	return 0;
}

static int rx_report(struct rx_ctx *c, struct i62608_agent *a)
{
	struct i62608_report_blob *blob, *old = NULL, *prev;
	enum i62608_drop drop = 0;
	unsigned int ev = 0;
	bool dup;

	blob = kmalloc(struct_size(blob, data, c->m.body_len), GFP_ATOMIC);
	if (!blob)
		return I62608_DROP_NOMEM;
	i62608_report_summary(c->m.body, c->m.body_len, &blob->sum);
	blob->partial = !!(c->m.flags & I62608_F_PARTIAL);
	blob->len = c->m.body_len;
	memcpy(blob->data, c->m.body, c->m.body_len);

	a = rx_agent(c, a, true, &ev, &drop);
	if (!a) {
		kfree(blob);
		return drop;
	}
	spin_lock(&a->lock);
	if (a->dead) {
		spin_unlock(&a->lock);
		kfree(blob);
		return 0;
	}
	rx_touch(c, a, &ev, &old);
	/* A retransmission of the REPORT we hold changes nothing. */
	dup = a->report_id == c->m.msg_id && rcu_access_pointer(a->report);
	prev = NULL;
	if (!dup) {
		prev = rcu_replace_pointer(a->report, blob,
					   lockdep_is_held(&a->lock));
		blob = NULL;
		a->report_id = c->m.msg_id;
		a->reports++;
		i62608_agent_set_state(c->in, a, I62608_AGENT_REPORTED);
		ev |= EV_CHANGE;
	}
	a->ttl = rcu_dereference_protected(a->report,
					   lockdep_is_held(&a->lock))->sum.ttl;
	a->expires = c->now + ttl_jiffies(c->in, a->ttl);
	spin_unlock(&a->lock);
	kfree(blob);
	if (prev)
		kfree_rcu(prev, rcu);
	if (old)
		kfree_rcu(old, rcu);

	rx_notify(c, a, ev);
	return 0;
}

static int rx_heartbeat(struct rx_ctx *c, struct i62608_agent *a)
{
	struct i62608_report_blob *old = NULL;
	enum i62608_drop drop = 0;
	struct i62608_elem t;
	unsigned int ev = 0;
	u32 report_id = 0;
	bool ask;
	u16 ttl = 0;

	/* Validated: both are present and of the right size. */
	if (i62608_tlv_find(c->m.body, c->m.body_len, I62608_TLV_TTL, &t))
		ttl = get_unaligned_be16(t.val);
	if (i62608_tlv_find(c->m.body, c->m.body_len, I62608_TLV_REPORT_ID, &t))
		report_id = get_unaligned_be32(t.val);

	a = rx_agent(c, a, true, &ev, &drop);
	if (!a)
		return drop;
	spin_lock(&a->lock);
	if (a->dead) {
		spin_unlock(&a->lock);
		return 0;
	}
	rx_touch(c, a, &ev, &old);
	a->ttl = ttl;
	/* We lack its REPORT (we restarted, or it was lost): ask for it. */
	ask = a->state != I62608_AGENT_REPORTED || a->report_id != report_id;
	if (!ask)
		a->expires = c->now + ttl_jiffies(c->in, ttl);
	spin_unlock(&a->lock);
	if (old)
		kfree_rcu(old, rcu);

	if (ask)
		rx_reply(c, a, I62608_F_REPORT_REQUEST);
	rx_notify(c, a, ev);
	return 0;
}

static int rx_handshake(struct rx_ctx *c, struct i62608_agent *a)
{
	int reason = i62608_hs_enqueue(c->in, c->skb);

	/* Queued: the work item owns the frame now. */
	if (!reason)
		c->skb = NULL;
	return reason;
}

static int rx_config_result(struct rx_ctx *c, struct i62608_agent *a)
{
	/* Authenticated (rx_auth_policy): a session implies a known agent. */
	if (a)
		i62608_config_result(c->in, a, &c->m);
	return 0;
}

static int rx_config_report(struct rx_ctx *c, struct i62608_agent *a)
{
	if (a)
		i62608_nl_notify_config_report(c->in, a, &c->m);
	return 0;
}

static int rx_bye(struct rx_ctx *c, struct i62608_agent *a)
{
	/* From an agent we do not know: nothing to forget. */
	if (a && !i62608_agent_del(c->in, a, I62608_REASON_BYE))
		atomic64_inc(&c->in->cnt.byes);
	return 0;
}

typedef int (*rx_handler)(struct rx_ctx *c, struct i62608_agent *a);

/* What a configurator accepts; everything else is dropped as TYPE. */
static const rx_handler rx_handlers[I62608_MSG_MAX + 1] = {
	[I62608_MSG_DISCOVER] = rx_discover,
	[I62608_MSG_REPORT] = rx_report,
	[I62608_MSG_HEARTBEAT] = rx_heartbeat,
	[I62608_MSG_BYE] = rx_bye,
	[I62608_MSG_HS_INIT] = rx_handshake,
	[I62608_MSG_HS_FINISH] = rx_handshake,
	[I62608_MSG_CONFIG_ACK] = rx_config_result,
	[I62608_MSG_CONFIG_NACK] = rx_config_result,
	[I62608_MSG_CONFIG_REPORT] = rx_config_report,
};

/*
 * Must @a's REPORT, HEARTBEAT and BYE come on a session? Once it has one,
 * and once it is paired, with a session or not (expired, lost, or between
 * its restart and its new handshake): anyone can send a plaintext frame
 * with its address, and believed, a BYE would delete its entry and a
 * REPORT replace what it said. Such an agent says nothing until its
 * handshake is done; DISCOVER and the handshake stay open, so it always
 * gets there (docs/security.md, section 2). A previous session without a
 * current one (its peer's key was revoked, another's stays) counts too.
 *
 * Lockless: @paired changes with a handshake or a revocation, under
 * a->lock and sec_lock; a frame racing one is judged as before or after
 * it, which either would have done.
 */
static bool rx_must_protect(struct i62608_agent *a)
{
	return READ_ONCE(a->paired) || rcu_access_pointer(a->cur) ||
	       rcu_access_pointer(a->prev);
}

/*
 * Messages that must come on a session once the agent has one or is
 * paired, and always when the namespace requires authentication.
 * Configuration results come on a session, always: a request never left
 * without one.
 */
static int rx_auth_policy(struct rx_ctx *c, struct i62608_agent *a)
{
	switch (c->m.type) {
	case I62608_MSG_REPORT:
	case I62608_MSG_HEARTBEAT:
	case I62608_MSG_BYE:
		if (c->auth)
			return 0;
		if ((a && rx_must_protect(a)) ||
		    READ_ONCE(c->in->params.require_auth))
			return I62608_DROP_UNPROTECTED;
		return 0;
	case I62608_MSG_CONFIG_ACK:
	case I62608_MSG_CONFIG_NACK:
	case I62608_MSG_CONFIG_REPORT:
		return c->auth ? 0 : I62608_DROP_UNPROTECTED;
	default:
		/* Discovery and handshakes are open, never protected. */
		return c->auth ? I62608_DROP_TYPE : 0;
	}
}

/*
 * Verify and decrypt a protected frame in place, then check its counter.
 * Nothing about the agent changes before the tag verified.
 */
static int rx_open(struct rx_ctx *c, struct i62608_agent *a)
{
	struct i62608_session *s;
	int reason;

	if (!a)
		return I62608_DROP_PROTECTED;
	s = i62608_session_find(a, c->m.key_id);
	if (!s) {
		/* It believes in a session we do not have: say so. */
		i62608_tx_decrypt_fail(c->iface, a, c->m.key_id);
		return I62608_DROP_PROTECTED;
	}
	/* Decryption happens in place: the data must be ours alone. */
	if (skb_ensure_writable(c->skb, c->m.length))
		return I62608_DROP_NOMEM;
	reason = i62608_wire_hdr(c->skb->data, c->m.length, &c->m);
	if (reason)
		return reason;
	c->src = eth_hdr(c->skb)->h_source;
	if (!i62608_frame_open(&c->m, c->skb->data, c->src, s->recv_key))
		return I62608_DROP_AUTH;
	reason = i62608_session_rx(c->in, a, s, c->m.counter);
	if (!reason)
		c->auth = true;
	return reason;
}

int i62608_rcv(struct sk_buff *skb, struct net_device *dev,
	       struct packet_type *pt, struct net_device *orig_dev)
{
	struct i62608_iface *iface = container_of(pt, struct i62608_iface, pt);
	struct rx_ctx c = { .iface = iface, .in = iface->in };

	struct i62608_agent *a;
	unsigned int len;
	int reason;

	/* Unicast for another station, seen in promiscuous mode. */
	if (skb->pkt_type == PACKET_OTHERHOST)
		goto consume;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return NET_RX_DROP;

	i62608_count_rx(iface, skb->len);

	/* One message is at most I62608_MAX_MSG bytes: make that linear. */
	len = min_t(unsigned int, skb->len, I62608_MAX_MSG);
	if (!pskb_may_pull(skb, len)) {
		reason = I62608_DROP_NOMEM;
		goto drop;
	}
	reason = i62608_wire_hdr(skb->data, len, &c.m);
	if (reason)
		goto drop;

	c.src = eth_hdr(skb)->h_source;
	if (!is_valid_ether_addr(c.src)) {
		reason = I62608_DROP_SRC_MAC;
		goto drop;
	}
	if (ether_addr_equal(c.src, dev->dev_addr)) {
		reason = I62608_DROP_OWN;
		goto drop;
	}
	c.skb = skb;
	c.len = c.m.length;
	c.now = get_jiffies_64();
	a = i62608_agent_lookup(c.in, dev->ifindex, c.src);
	if (a) {
		bool ok;

		spin_lock(&a->lock);
		ok = i62608_agent_admit(c.in, a, ktime_get_ns());
		spin_unlock(&a->lock);
		if (!ok) {
			atomic64_inc(&c.in->cnt.ratelimited);
			reason = I62608_DROP_RATELIMIT;
			goto drop;
		}
	}

	if (c.m.flags & I62608_F_PROTECTED) {
		reason = rx_open(&c, a);
		if (reason)
			goto drop;
		skb = c.skb;
	}
	reason = i62608_wire_validate(&c.m);
	if (reason)
		goto drop;
	if (!rx_handlers[c.m.type]) {
		reason = I62608_DROP_TYPE;
		goto drop;
	}
	reason = rx_auth_policy(&c, a);
	if (reason)
		goto drop;
	reason = rx_handlers[c.m.type](&c, a);
	if (reason)
		goto drop;
	/* A handler that kept the frame (queued it) took it from us. */
	skb = c.skb;
	if (!skb)
		return NET_RX_SUCCESS;

consume:
	consume_skb(skb);
	return NET_RX_SUCCESS;

drop:
	i62608_count_drop(iface, reason);
	kfree_skb(skb);
	return NET_RX_DROP;
}
