// SPDX-License-Identifier: GPL-2.0
/*
 * Security (docs/security.md): the configurator's key, the pairing list,
 * the Noise XX handshake as responder, and the sessions of agents.
 *
 * Handshake frames are validated on the receive path and queued, at most
 * I62608_HS_QUEUE_MAX per namespace, for a work item that runs the
 * X25519 computations in process context. Sessions hang off their agent
 * (a->cur, a->prev) as RCU pointers changed under a->lock; keys are wiped
 * before the memory is freed, after a grace period.
 */

#include <linux/etherdevice.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "i62608.h"

/* An unfinished handshake is dropped after this long. */
#define I62608_HS_TIMEOUT	(5 * HZ)
/* The previous session is kept this long after a new one. */
#define I62608_PREV_GRACE	(10 * HZ)
/* Frames on one session, at most (Noise leaves the nonce 2^64 - 1). */
#define I62608_REJECT_AFTER_MSGS BIT_ULL(60)
/* Handshakes the work item handles before it yields the CPU. */
#define I62608_HS_BUDGET	16
/* Notices of one kind to one agent: this many at once, then one a second. */
#define I62608_NOTICE_BURST	3

static void session_free_rcu(struct rcu_head *head)
{
	struct i62608_session *s = container_of(head, struct i62608_session, rcu);

	/* kfree_sensitive() wipes the keys and the replay state. */
	kfree_sensitive(s);
}

static void session_put(struct i62608_session *s)
{
	if (s)
		call_rcu(&s->rcu, session_free_rcu);
}

static void hs_free(struct i62608_hs_pending *p)
{
	if (p) {
		i62608_hs_wipe(&p->hs);
		kfree_sensitive(p);
	}
}

u8 i62608_agent_trust(struct i62608_agent *a)
{
	if (rcu_access_pointer(a->cur))
		return I62608_TRUST_AUTHENTICATED;
	return READ_ONCE(a->paired) ? I62608_TRUST_PAIRED : I62608_TRUST_NONE;
}

/*
 * Under a->lock: end every session and handshake of @a (a restart seen
 * without one, loss, removal). The keys go after a grace period.
 */
void i62608_sessions_drop(struct i62608_agent *a)
{
	struct i62608_session *cur, *prev;

	lockdep_assert_held(&a->lock);
	cur = rcu_replace_pointer(a->cur, NULL, lockdep_is_held(&a->lock));
	prev = rcu_replace_pointer(a->prev, NULL, lockdep_is_held(&a->lock));
	session_put(cur);
	session_put(prev);
	hs_free(a->hs);
	a->hs = NULL;
}

/* Under a->lock, from the sweep: lifetimes of sessions and handshakes. */
void i62608_sessions_age(struct i62608_net *in, struct i62608_agent *a, u64 now)
{
	u64 reject = (u64)READ_ONCE(in->params.reject_after_s) * HZ;
	struct i62608_session *s, *cur;

	lockdep_assert_held(&a->lock);
	if (a->hs && time_after_eq64(now, a->hs->started + I62608_HS_TIMEOUT)) {
		hs_free(a->hs);
		a->hs = NULL;
	}
	cur = rcu_dereference_protected(a->cur, lockdep_is_held(&a->lock));
	s = rcu_dereference_protected(a->prev, lockdep_is_held(&a->lock));
	if (s && (!cur || time_after_eq64(now, s->created + reject) ||
		  time_after_eq64(now, cur->created + I62608_PREV_GRACE))) {
		RCU_INIT_POINTER(a->prev, NULL);
		session_put(s);
	}
	if (cur && time_after_eq64(now, cur->created + reject)) {
		RCU_INIT_POINTER(a->cur, NULL);
		session_put(cur);
	}
}

/* The session a protected frame names. Under RCU. */
struct i62608_session *i62608_session_find(struct i62608_agent *a, u16 key_id)
{
	struct i62608_session *s = rcu_dereference(a->cur);

	if (s && s->local_id == key_id)
		return s;
	s = rcu_dereference(a->prev);
	if (s && s->local_id == key_id)
		return s;
	return NULL;
}

/*
 * After a frame verified: check its counter against the replay window
 * and the session's limits. The first frame on a new session retires the
 * previous one. Returns 0 or the drop reason.
 */
int i62608_session_rx(struct i62608_net *in, struct i62608_agent *a,
		      struct i62608_session *s, u64 counter)
{
	u64 reject = (u64)READ_ONCE(in->params.reject_after_s) * HZ;
	struct i62608_session *prev = NULL;
	int ret = 0;

	if (counter >= I62608_REJECT_AFTER_MSGS ||
	    time_after_eq64(get_jiffies_64(), s->created + reject))
		return I62608_DROP_PROTECTED;
	spin_lock(&a->lock);
	if (s != rcu_access_pointer(a->cur) && s != rcu_access_pointer(a->prev)) {
		/* Dropped since we looked it up. */
		ret = I62608_DROP_PROTECTED;
	} else if (!i62608_replay_accept(&s->replay, counter)) {
		ret = I62608_DROP_REPLAY;
	} else if (s == rcu_access_pointer(a->cur)) {
		prev = rcu_replace_pointer(a->prev, NULL,
					   lockdep_is_held(&a->lock));
	}
	spin_unlock(&a->lock);
	session_put(prev);
	return ret;
}

/* ---------------------------------------------------------------- tx */

/*
 * Send @body as a protected message of @type to @a on its current
 * session. The encoder's output is sealed in place.
 */
int i62608_tx_protected(struct i62608_iface *iface, struct i62608_agent *a,
			u8 type, u32 msg_id, const u8 *body, unsigned int body_len)
{
	struct i62608_net *in = iface->in;
	struct i62608_w_hdr h = {
		.type = type, .msg_id = msg_id, .epoch = in->epoch,
	};
	u8 key[I62608_KEY_LEN];
	struct i62608_session *s;
	struct i62608_w w;
	u16 key_id;
	u8 *buf;
	int len;

	if (body_len > I62608_MAX_MSG - sizeof(struct i62608_hdr) - I62608_TAG_LEN)
		return -EMSGSIZE;
	buf = kmalloc(I62608_MAX_MSG, GFP_ATOMIC);
	if (!buf)
		return -ENOMEM;

	rcu_read_lock();
	spin_lock_bh(&a->lock);
	s = rcu_dereference_protected(a->cur, lockdep_is_held(&a->lock));
	if (!s) {
		spin_unlock_bh(&a->lock);
		rcu_read_unlock();
		kfree(buf);
		return -ENOTCONN;
	}
	/* Counters are never reused: take one under the lock. */
	h.counter = s->tx_counter++;
	key_id = s->remote_id;
	memcpy(key, s->send_key, sizeof(key));
	spin_unlock_bh(&a->lock);
	rcu_read_unlock();

	i62608_w_init(&w, buf, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(&w, &h);
	if (body_len) {
		memcpy(buf + w.len, body, body_len);
		w.len += body_len;
	}
	len = i62608_w_finish(&w);
	if (len >= 0)
		len = i62608_frame_seal(buf, len, I62608_MAX_MSG, key_id, h.counter,
					iface->dev->dev_addr, key);
	memzero_explicit(key, sizeof(key));
	if (len < 0) {
		kfree(buf);
		return -EMSGSIZE;
	}
	local_bh_disable();
	len = i62608_xmit(iface, a->key.mac, buf, len);
	local_bh_enable();
	kfree(buf);
	return len;
}

/*
 * May another notice go to @a? A flood of bad frames gets no flood of
 * answers, but an agent's few retries in a row each get theirs: the
 * generic cell rate algorithm on @tat (one per kind of notice, so that
 * the DECRYPT_FAIL which sends an agent to shake hands leaves room for
 * the HS_REJECT which answers it), a burst of I62608_NOTICE_BURST, then
 * one a second.
 */
static bool notice_budget(struct i62608_agent *a, u64 *tat)
{
	u64 now = get_jiffies_64();
	bool ok;

	spin_lock_bh(&a->lock);
	if (time_before64(*tat, now))
		*tat = now;
	ok = time_before_eq64(*tat, now + (I62608_NOTICE_BURST - 1) * HZ);
	if (ok)
		*tat += HZ;
	spin_unlock_bh(&a->lock);
	return ok;
}

/*
 * An unprotected message with at most one u16 TLV to @a, within the
 * budget @tat. Returns whether it was sent.
 */
static bool tx_notice(struct i62608_iface *iface, struct i62608_agent *a,
		      u64 *tat, u8 type, u32 msg_id, u16 tlv, u16 val)
{
	struct i62608_net *in = iface->in;
	struct i62608_w_hdr h = {
		.type = type, .msg_id = msg_id, .epoch = in->epoch,
	};
	u8 buf[64];
	struct i62608_w w;
	int len;

	if (!notice_budget(a, tat))
		return false;
	h.counter = atomic64_inc_return(&in->tx_counter);
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	if (tlv)
		i62608_w_u16(&w, tlv, val);
	len = i62608_w_finish(&w);
	return len > 0 && !i62608_xmit(iface, a->key.mac, buf, len);
}

void i62608_tx_decrypt_fail(struct i62608_iface *iface, struct i62608_agent *a,
			    u16 key_id)
{
	if (tx_notice(iface, a, &a->fail_tat, I62608_MSG_DECRYPT_FAIL, 0,
		      I62608_TLV_FAIL_KEY_ID, key_id))
		atomic64_inc(&iface->in->cnt.decrypt_fail_sent);
}

/* --------------------------------------------------------------- pairs */

static struct i62608_pair *pair_find(struct i62608_net *in, const u8 *pub,
				     const u8 *code)
{
	struct i62608_pair *p;

	lockdep_assert_held(&in->sec_lock);
	list_for_each_entry(p, &in->pairs, list) {
		if (pub && p->has_key && !memcmp(p->pub, pub, I62608_KEY_LEN))
			return p;
		if (code && !memcmp(p->code, code, I62608_CODE_LEN))
			return p;
	}
	return NULL;
}

int i62608_pair_add(struct i62608_net *in, const u8 *pub, const u8 *code,
		    const char *name, struct netlink_ext_ack *extack)
{
	u8 derived[I62608_CODE_LEN];
	struct i62608_pair *p;
	int err = 0;

	if (pub) {
		i62608_pair_code(pub, derived);
		code = derived;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	mutex_lock(&in->sec_lock);
	if (pair_find(in, pub, code)) {
		NL_SET_ERR_MSG_MOD(extack, "this agent is paired already");
		err = -EEXIST;
	} else if (in->n_pairs >= I62608_MAX_PAIRS) {
		NL_SET_ERR_MSG_MOD(extack, "too many pairings in this namespace");
		err = -ENOSPC;
	}
	if (err) {
		mutex_unlock(&in->sec_lock);
		kfree(p);
		return err;
	}
	if (pub) {
		memcpy(p->pub, pub, I62608_KEY_LEN);
		p->has_key = true;
		p->origin = I62608_PAIR_BY_KEY;
	} else {
		p->origin = I62608_PAIR_BY_CODE;
	}
	memcpy(p->code, code, I62608_CODE_LEN);
	if (name)
		strscpy(p->name, name, sizeof(p->name));
	p->added = get_jiffies_64();
	list_add_tail(&p->list, &in->pairs);
	in->n_pairs++;
	mutex_unlock(&in->sec_lock);
	return 0;
}

/* Under a->lock: unlink the session in @slot of @a if its peer is @pub. */
static struct i62608_session *session_take_peer(struct i62608_agent *a,
						struct i62608_session __rcu **slot,
						const u8 *pub)
{
	struct i62608_session *s;

	s = rcu_dereference_protected(*slot, lockdep_is_held(&a->lock));
	if (!s || memcmp(s->peer, pub, I62608_KEY_LEN))
		return NULL;
	RCU_INIT_POINTER(*slot, NULL);
	return s;
}

/*
 * @pub is revoked: end every session made with it, an agent's previous
 * one as well as its current one (another key may have shaken hands from
 * the same address since, and parked the revoked one in @prev), and
 * untrust the agents known by it, cancelling what was in flight to them.
 * A session with another key stays: that key is still paired.
 */
static void revoke_agents(struct i62608_net *in, const u8 *pub)
{
	struct i62608_agent *a;

	rcu_read_lock();
	list_for_each_entry_rcu(a, &in->agents, list) {
		struct i62608_session *cur, *prev;
		bool known, hit;

		spin_lock_bh(&a->lock);
		cur = session_take_peer(a, &a->cur, pub);
		prev = session_take_peer(a, &a->prev, pub);
		/* @a->pub is @cur's peer while there is a @cur. */
		known = a->has_pub && !memcmp(a->pub, pub, I62608_KEY_LEN);
		if (known)
			WRITE_ONCE(a->paired, false);
		spin_unlock_bh(&a->lock);
		hit = known || cur || prev;
		/* The keys are wiped after a grace period. */
		session_put(cur);
		session_put(prev);
		if (known)
			i62608_config_agent_gone(in, &a->key, I62608_OUTCOME_CANCELLED);
		if (hit)
			i62608_nl_notify_agent(in, a, I62608_CMD_AGENT_CHANGE_NTF,
					       0, false);
	}
	rcu_read_unlock();
}

int i62608_pair_del(struct i62608_net *in, const u8 *pub, const u8 *code,
		    struct netlink_ext_ack *extack)
{
	u8 key[I62608_KEY_LEN];
	struct i62608_pair *p;
	bool had_key;

	mutex_lock(&in->sec_lock);
	p = pair_find(in, pub, code);
	if (!p) {
		mutex_unlock(&in->sec_lock);
		NL_SET_ERR_MSG_MOD(extack, "no such pairing");
		return -ENOENT;
	}
	list_del(&p->list);
	in->n_pairs--;
	had_key = p->has_key;
	memcpy(key, p->pub, sizeof(key));
	mutex_unlock(&in->sec_lock);
	kfree_sensitive(p);
	if (had_key)
		revoke_agents(in, key);
	return 0;
}

void i62608_pair_window(struct i62608_net *in, u32 seconds)
{
	mutex_lock(&in->sec_lock);
	in->window_until = seconds ? get_jiffies_64() + (u64)seconds * HZ : 0;
	mutex_unlock(&in->sec_lock);
}

/*
 * Is the agent with static key @pub trusted? Completes a pairing made from
 * a code, or adds one (@spare) while the window is open. *@added is set to
 * the entry to announce, if any. Under sec_lock.
 */
static bool authorize(struct i62608_net *in, const u8 *pub,
		      struct i62608_pair *spare, struct i62608_pair **added)
{
	u8 code[I62608_CODE_LEN];
	struct i62608_pair *p;

	lockdep_assert_held(&in->sec_lock);
	*added = NULL;
	i62608_pair_code(pub, code);
	p = pair_find(in, pub, code);
	if (p) {
		if (!p->has_key) {
			/* A pairing by code learns its key now. */
			memcpy(p->pub, pub, I62608_KEY_LEN);
			p->has_key = true;
			*added = p;
		}
		return true;
	}
	if (!in->window_until || time_after_eq64(get_jiffies_64(), in->window_until) ||
	    in->n_pairs >= I62608_MAX_PAIRS)
		return false;
	p = spare;
	memcpy(p->pub, pub, I62608_KEY_LEN);
	memcpy(p->code, code, I62608_CODE_LEN);
	p->has_key = true;
	p->origin = I62608_PAIR_BY_WINDOW;
	p->added = get_jiffies_64();
	list_add_tail(&p->list, &in->pairs);
	in->n_pairs++;
	*added = p;
	return true;
}

int i62608_key_set(struct i62608_net *in, const u8 *priv,
		   struct netlink_ext_ack *extack)
{
	struct i62608_keypair kp;

	memcpy(kp.priv, priv, I62608_KEY_LEN);
	if (!i62608_cr_x25519_pub(kp.pub, kp.priv)) {
		memzero_explicit(&kp, sizeof(kp));
		NL_SET_ERR_MSG_MOD(extack, "not a usable X25519 private key");
		return -EINVAL;
	}
	mutex_lock(&in->sec_lock);
	in->key = kp;
	in->has_key = true;
	mutex_unlock(&in->sec_lock);
	memzero_explicit(&kp, sizeof(kp));
	return 0;
}

/* ----------------------------------------------------------- handshake */

int i62608_hs_enqueue(struct i62608_net *in, struct sk_buff *skb)
{
	spin_lock(&in->hs_queue.lock);
	if (in->hs_closed || skb_queue_len(&in->hs_queue) >= I62608_HS_QUEUE_MAX) {
		spin_unlock(&in->hs_queue.lock);
		return I62608_DROP_HS_BUSY;
	}
	__skb_queue_tail(&in->hs_queue, skb);
	spin_unlock(&in->hs_queue.lock);
	queue_work(system_unbound_wq, &in->hs_work);
	return 0;
}

/* Interface going away: its queued handshakes go with it. */
void i62608_hs_purge_dev(struct i62608_net *in, const struct net_device *dev)
{
	struct sk_buff *skb, *tmp;
	struct sk_buff_head gone;

	__skb_queue_head_init(&gone);
	spin_lock_bh(&in->hs_queue.lock);
	skb_queue_walk_safe(&in->hs_queue, skb, tmp) {
		if (skb->dev == dev) {
			__skb_unlink(skb, &in->hs_queue);
			__skb_queue_tail(&gone, skb);
		}
	}
	spin_unlock_bh(&in->hs_queue.lock);
	__skb_queue_purge(&gone);
}

static u16 new_key_id(struct i62608_agent *a)
{
	struct i62608_session *s = rcu_dereference(a->cur);
	u16 id;

	do {
		id = (u16)get_random_u32();
	} while (!id || (s && id == s->local_id));
	return id;
}

/*
 * Handshakes run in process context, but agents and interfaces are only
 * held by RCU, where nothing may sleep: everything that sleeps (memory,
 * sec_lock) happens outside the read-side sections, and each section
 * looks its objects up again by key.
 */

/* Under RCU: the interface and agent of a queued handshake frame. */
static struct i62608_agent *hs_agent(struct i62608_net *in, const u8 *src,
				     const struct net_device *dev,
				     struct i62608_iface **iface, u32 epoch,
				     bool create)
{
	struct i62608_agent *a;

	*iface = i62608_iface_of_rcu(in, dev);
	if (!*iface)
		return NULL;
	a = i62608_agent_lookup(in, dev->ifindex, src);
	if (!a && create) {
		enum i62608_drop drop = 0;
		bool created = false;

		local_bh_disable();
		a = i62608_agent_create(in, *iface, src, epoch, &created, &drop);
		local_bh_enable();
		if (a && created)
			i62608_nl_notify_agent(in, a, I62608_CMD_AGENT_NEW_NTF, 0,
					       false);
	}
	return a && !READ_ONCE(a->dead) ? a : NULL;
}

/* HS_INIT: answer with HS_RESP, keep the handshake on the agent. */
static void hs_init(struct i62608_net *in, struct sk_buff *skb,
		    const struct i62608_frame *m, const u8 *src)
{
	u8 prologue[I62608_PROLOGUE_MAX], msg2[I62608_HS2_LEN], buf[160];
	struct i62608_hs_pending *p, *old = NULL;
	struct i62608_w_hdr h = {
		.type = I62608_MSG_HS_RESP, .msg_id = m->msg_id,
		.epoch = in->epoch,
	};
	struct i62608_keypair key;
	struct i62608_iface *iface;
	struct i62608_elem hm, kid;
	struct i62608_agent *a;
	struct i62608_w w;
	bool has_key;
	size_t plen;
	int len;

	if (!i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_MSG, &hm) ||
	    !i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_KEY_ID, &kid))
		return;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return;
	mutex_lock(&in->sec_lock);
	has_key = in->has_key;
	key = in->key;
	mutex_unlock(&in->sec_lock);
	if (!has_key) {
		/* No key set: handshakes cannot happen yet. */
		atomic64_inc(&in->cnt.hs_failed);
		goto out_wipe;
	}

	rcu_read_lock();
	a = hs_agent(in, src, skb->dev, &iface, m->epoch, true);
	if (!a)
		goto out_unlock;
	plen = i62608_hs_prologue(prologue, a->key.mac, iface->dev->dev_addr);
	i62608_hs_init(&p->hs, false, &key, prologue, plen);
	if (i62608_hs_read1(&p->hs, hm.val, hm.len) ||
	    i62608_hs_write2(&p->hs, msg2)) {
		atomic64_inc(&in->cnt.hs_failed);
		local_bh_disable();
		i62608_count_drop(iface, I62608_DROP_HS_FAILED);
		local_bh_enable();
		goto out_unlock;
	}
	p->remote_id = get_unaligned_be16(kid.val);
	p->msg_id = m->msg_id;
	p->started = get_jiffies_64();

	spin_lock_bh(&a->lock);
	if (a->dead) {
		spin_unlock_bh(&a->lock);
		goto out_unlock;
	}
	p->local_id = new_key_id(a);
	old = a->hs;
	a->hs = p;
	h.counter = atomic64_inc_return(&in->tx_counter);
	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	i62608_w_tlv(&w, I62608_TLV_HS_MSG, msg2, sizeof(msg2));
	i62608_w_u16(&w, I62608_TLV_HS_KEY_ID, p->local_id);
	spin_unlock_bh(&a->lock);
	p = NULL;	/* the agent owns it now */
	len = i62608_w_finish(&w);
	if (len > 0) {
		local_bh_disable();
		i62608_xmit(iface, a->key.mac, buf, len);
		local_bh_enable();
	}
out_unlock:
	rcu_read_unlock();
out_wipe:
	memzero_explicit(&key, sizeof(key));
	memzero_explicit(msg2, sizeof(msg2));
	hs_free(old);
	hs_free(p);
}

/*
 * Under a->lock: @s, just authenticated for @a, becomes its session. A
 * handshake in the agent's epoch is a rekeying: the session before stays
 * as @prev until @s carries a frame. One with a new epoch is how a paired
 * agent's restart is learnt (rx_touch() believes no plaintext frame about
 * it): the sessions of the boot that is gone end, its REPORT is asked
 * again. Returns true for a restart; the sessions and REPORT to free after
 * the grace period are left in @gone and *@old.
 */
static bool session_install(struct i62608_net *in, struct i62608_agent *a,
			    struct i62608_session *s, u32 epoch,
			    struct i62608_session *gone[2],
			    struct i62608_report_blob **old)
{
	struct i62608_session *cur;

	lockdep_assert_held(&a->lock);
	cur = rcu_dereference_protected(a->cur, lockdep_is_held(&a->lock));
	a->handshakes++;
	if (a->epoch == epoch) {
		gone[0] = rcu_replace_pointer(a->prev, cur,
					      lockdep_is_held(&a->lock));
		rcu_assign_pointer(a->cur, s);
		return false;
	}
	gone[0] = cur;
	gone[1] = rcu_replace_pointer(a->prev, NULL, lockdep_is_held(&a->lock));
	rcu_assign_pointer(a->cur, s);
	a->epoch = epoch;
	a->restarts++;
	*old = rcu_replace_pointer(a->report, NULL, lockdep_is_held(&a->lock));
	a->report_id = 0;
	/* A LOST one stays on the lost list until a frame revives it. */
	if (a->state != I62608_AGENT_LOST) {
		i62608_agent_set_state(in, a, I62608_AGENT_DISCOVERED);
		a->expires = get_jiffies_64() +
			msecs_to_jiffies(READ_ONCE(in->params.pending_ttl_ms));
	}
	return true;
}

/* HS_FINISH: check the agent's key, install the session, confirm it. */
static void hs_finish(struct i62608_net *in, struct sk_buff *skb,
		      const struct i62608_frame *m, const u8 *src)
{
	struct i62608_pair *spare, *added = NULL, announce;
	struct i62608_session *s, *cur, *gone[2] = { NULL, NULL };
	struct i62608_report_blob *old_report = NULL;
	struct i62608_hs_pending *p = NULL;
	struct i62608_agent_key akey;
	struct i62608_iface *iface;
	bool ok, restarted = false;
	u8 rs[I62608_KEY_LEN];
	struct i62608_agent *a;
	struct i62608_elem hm;

	if (!i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_MSG, &hm))
		return;
	/* Memory first: nothing below may sleep until it is used. */
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	if (!s || !spare)
		goto out_free;

	/* 1. Take the agent's handshake and read message 3. */
	rcu_read_lock();
	a = hs_agent(in, src, skb->dev, &iface, m->epoch, false);
	if (a) {
		akey = a->key;
		spin_lock_bh(&a->lock);
		p = a->hs;
		if (p && p->msg_id == m->msg_id)
			a->hs = NULL;
		else
			p = NULL;
		spin_unlock_bh(&a->lock);
	}
	if (!p || time_after_eq64(get_jiffies_64(), p->started + I62608_HS_TIMEOUT) ||
	    i62608_hs_read3(&p->hs, hm.val, hm.len)) {
		atomic64_inc(&in->cnt.hs_failed);
		if (iface) {
			local_bh_disable();
			i62608_count_drop(iface, I62608_DROP_HS_FAILED);
			local_bh_enable();
		}
		rcu_read_unlock();
		goto out_free;
	}
	rcu_read_unlock();
	memcpy(rs, p->hs.rs, sizeof(rs));

	/*
	 * 2. Is it paired? sec_lock (which sleeps: taken before RCU) is held
	 * until the session is in place, so that a revocation of @rs either
	 * comes first and authorize() refuses, or comes after and finds the
	 * session (revoke_agents()).
	 */
	mutex_lock(&in->sec_lock);
	ok = authorize(in, rs, spare, &added);
	if (added)
		announce = *added;
	if (added == spare)
		spare = NULL;
	if (ok && i62608_hs_split(&p->hs, s->send_key, s->recv_key)) {
		mutex_unlock(&in->sec_lock);
		atomic64_inc(&in->cnt.hs_failed);
		goto out_announce;
	}
	memcpy(s->peer, rs, sizeof(s->peer));
	s->local_id = p->local_id;
	s->remote_id = p->remote_id;
	s->created = get_jiffies_64();
	i62608_replay_init(&s->replay);

	/* 3. Install the session on the agent, if it is still there. */
	rcu_read_lock();
	a = i62608_agent_lookup(in, akey.ifindex, akey.mac);
	iface = i62608_iface_find_rcu(in, akey.ifindex);
	if (!a || !iface) {
		rcu_read_unlock();
		mutex_unlock(&in->sec_lock);
		goto out_announce;
	}
	spin_lock_bh(&a->lock);
	if (a->dead) {
		spin_unlock_bh(&a->lock);
		rcu_read_unlock();
		mutex_unlock(&in->sec_lock);
		goto out_announce;
	}
	cur = rcu_dereference_protected(a->cur, lockdep_is_held(&a->lock));
	/*
	 * @a->pub is the key of the session in use: revocation finds the
	 * agent by it. A refused handshake from the same MAC (anyone can
	 * send one) must not replace it.
	 */
	if (ok || !cur) {
		memcpy(a->pub, rs, I62608_KEY_LEN);
		a->has_pub = true;
		WRITE_ONCE(a->paired, ok);
	}
	if (ok) {
		restarted = session_install(in, a, s, m->epoch, gone, &old_report);
		s = NULL;	/* the agent owns it now */
	}
	spin_unlock_bh(&a->lock);
	mutex_unlock(&in->sec_lock);
	session_put(gone[0]);
	session_put(gone[1]);
	if (old_report)
		kfree_rcu(old_report, rcu);

	if (ok) {
		atomic64_inc(&in->cnt.handshakes);
		if (restarted)
			atomic64_inc(&in->cnt.restarts);
		/* The first message under the new keys: the agent switches on it. */
		i62608_tx_protected(iface, a, I62608_MSG_SESSION_CONFIRM, m->msg_id,
				    NULL, 0);
	} else {
		atomic64_inc(&in->cnt.hs_rejected);
		local_bh_disable();
		tx_notice(iface, a, &a->reject_tat, I62608_MSG_HS_REJECT,
			  m->msg_id, 0, 0);
		local_bh_enable();
	}
	if (restarted)
		i62608_nl_notify_agent(in, a, I62608_CMD_AGENT_NEW_NTF, 0, true);
	else
		i62608_nl_notify_agent(in, a, I62608_CMD_AGENT_CHANGE_NTF, 0,
				       false);
	rcu_read_unlock();
	/* After SESSION_CONFIRM: the agent must be on the session first. */
	if (restarted)
		i62608_config_resend(in, &akey);
out_announce:
	/* A pairing made is announced, even if the agent went meanwhile. */
	if (added)
		i62608_nl_notify_pair(in, &announce, akey.mac);
out_free:
	memzero_explicit(rs, sizeof(rs));
	hs_free(p);
	kfree_sensitive(s);
	kfree(spare);
}

static void hs_process(struct i62608_net *in, struct sk_buff *skb)
{
	struct i62608_frame m;

	/* Checked on the receive path; parsed again for the pointers. */
	if (i62608_wire_hdr(skb->data, min_t(unsigned int, skb->len, I62608_MAX_MSG),
			    &m))
		return;
	if (m.type == I62608_MSG_HS_INIT)
		hs_init(in, skb, &m, eth_hdr(skb)->h_source);
	else
		hs_finish(in, skb, &m, eth_hdr(skb)->h_source);
}

static void i62608_hs_work(struct work_struct *work)
{
	struct i62608_net *in = container_of(work, struct i62608_net, hs_work);
	unsigned int budget = I62608_HS_BUDGET;
	struct sk_buff *skb;

	while (budget-- && (skb = skb_dequeue(&in->hs_queue))) {
		hs_process(in, skb);
		kfree_skb(skb);
		cond_resched();
	}
	if (!skb_queue_empty(&in->hs_queue))
		queue_work(system_unbound_wq, &in->hs_work);
}

void i62608_sec_init(struct i62608_net *in)
{
	mutex_init(&in->sec_lock);
	INIT_LIST_HEAD(&in->pairs);
	skb_queue_head_init(&in->hs_queue);
	INIT_WORK(&in->hs_work, i62608_hs_work);
}

void i62608_sec_exit(struct i62608_net *in)
{
	struct i62608_pair *p, *tmp;

	spin_lock_bh(&in->hs_queue.lock);
	in->hs_closed = true;
	spin_unlock_bh(&in->hs_queue.lock);
	cancel_work_sync(&in->hs_work);
	skb_queue_purge(&in->hs_queue);

	mutex_lock(&in->sec_lock);
	list_for_each_entry_safe(p, tmp, &in->pairs, list) {
		list_del(&p->list);
		kfree_sensitive(p);
	}
	memzero_explicit(&in->key, sizeof(in->key));
	in->has_key = false;
	mutex_unlock(&in->sec_lock);
	mutex_destroy(&in->sec_lock);
}
