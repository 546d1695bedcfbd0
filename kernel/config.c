// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration requests: sent on the agent's session, retransmitted with
 * a doubling timeout (capped) until the agent answers CONFIG_ACK or
 * CONFIG_NACK or the tries run out; the outcome goes to userspace as
 * CONFIG_RESULT_NTF. The table of pending requests is bounded per
 * namespace (MAX_PENDING) and per agent (I62608_CFG_PER_AGENT).
 *
 * Requests name their agent by key, never by pointer: an agent that goes
 * away fails its requests (AGENT_LOST); one whose pairing is revoked, or
 * that restarts without a session to come back on, cancels them
 * (CANCELLED). A request is meant for the device, not for one boot of
 * its agent: a restarted agent that shakes hands again gets its requests
 * at once on the new session (i62608_config_resend()). One delayed work
 * per namespace runs at the earliest deadline and does every
 * retransmission in process context; requests are freed after a grace
 * period, so the work and the receive path walk the list under RCU.
 *
 * cfg_lock is the innermost lock: nothing else is taken under it.
 */

#include <linux/etherdevice.h>
#include <linux/slab.h>

#include "i62608.h"

/* Requests in flight to one agent, at most. */
#define I62608_CFG_PER_AGENT	8
/* The retransmission timeout doubles up to this. */
#define I62608_CFG_RTO_MAX	(4 * HZ)

struct i62608_cfg_req {
	struct list_head list;		/* in->cfg_reqs, RCU */
	struct list_head gone;		/* private list of a cancelling caller */
	struct i62608_agent_key key;
	u32 id;
	u32 tries;
	bool done;			/* unlinked; answered, failed or cancelled */
	u64 first_sent;
	u64 next_send;
	u64 rto;
	u16 len;
	struct rcu_head rcu;
	u8 body[];
};

/*
 * Run the work by @when. Only ever earlier: a run already due sooner stays,
 * or a stream of new requests would postpone every retransmission. The run
 * walks all requests and schedules itself for the earliest one, so a stale
 * read of the timer costs at most an early run.
 */
static void cfg_kick(struct i62608_net *in, u64 when)
{
	u64 now = get_jiffies_64();
	unsigned long delay = when > now ? (unsigned long)(when - now) : 0;

	if (READ_ONCE(in->cfg_closed))
		return;
	if (delayed_work_pending(&in->cfg_work) &&
	    time_before_eq(READ_ONCE(in->cfg_work.timer.expires), jiffies + delay))
		return;
	mod_delayed_work(system_power_efficient_wq, &in->cfg_work, delay);
}

/* Send @r once more on its agent's current session. Under RCU. */
static int cfg_tx(struct i62608_net *in, struct i62608_cfg_req *r)
{
	struct i62608_iface *iface;
	struct i62608_agent *a;

	a = i62608_agent_lookup(in, r->key.ifindex, r->key.mac);
	iface = i62608_iface_find_rcu(in, r->key.ifindex);
	if (!a || !iface || READ_ONCE(a->dead))
		return -ENOENT;
	return i62608_tx_protected(iface, a, I62608_MSG_CONFIG_REQUEST, r->id,
				   r->body, r->len);
}

/* A CONFIG_REQUEST body holds items, and only valid ones. */
static bool cfg_body_valid(const u8 *body, size_t len)
{
	struct i62608_frame m = {
		.type = I62608_MSG_CONFIG_REQUEST, .body = body, .body_len = len,
	};
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	unsigned int items = 0;

	if (!len || i62608_wire_validate(&m))
		return false;
	i62608_tlv_iter_init(&it, body, len);
	while (i62608_tlv_next(&it, &t) > 0)
		items += t.type >= I62608_TLV_CFG_IFACE &&
			 t.type <= I62608_TLV_CFG_SETTING;
	return items && items <= I62608_MAX_CFG_ITEMS;
}

/* Does the agent exist and have a session? */
static int cfg_agent_ready(struct i62608_net *in,
			   const struct i62608_agent_key *key,
			   struct netlink_ext_ack *extack)
{
	struct i62608_agent *a;
	int err = 0;

	rcu_read_lock();
	a = i62608_agent_lookup(in, key->ifindex, key->mac);
	if (!a || READ_ONCE(a->dead)) {
		NL_SET_ERR_MSG_MOD(extack, "no such agent");
		err = -ENOENT;
	} else if (!rcu_access_pointer(a->cur)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the agent has no authenticated session: pair it first");
		err = -ENOTCONN;
	}
	rcu_read_unlock();
	return err;
}

int i62608_config_send(struct i62608_net *in, const struct i62608_agent_key *key,
		       const u8 *body, size_t len, u32 *id,
		       struct netlink_ext_ack *extack)
{
	struct i62608_cfg_req *r, *o;
	unsigned int mine = 0;
	u64 next;
	int err;

	if (len > I62608_MAX_MSG - sizeof(struct i62608_hdr) - I62608_TAG_LEN ||
	    !cfg_body_valid(body, len)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the configuration items do not validate as a CONFIG_REQUEST");
		return -EINVAL;
	}
	err = cfg_agent_ready(in, key, extack);
	if (err)
		return err;
	r = kzalloc(struct_size(r, body, len), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->key = *key;
	r->len = len;
	memcpy(r->body, body, len);
	r->rto = msecs_to_jiffies(READ_ONCE(in->params.config_rto_ms));
	r->first_sent = get_jiffies_64();
	r->next_send = r->first_sent + r->rto;
	r->tries = 1;

	spin_lock_bh(&in->cfg_lock);
	list_for_each_entry(o, &in->cfg_reqs, list)
		mine += !memcmp(&o->key, &r->key, sizeof(r->key));
	if (in->cfg_closed) {
		err = -ESHUTDOWN;
	} else if (in->n_cfg >= READ_ONCE(in->params.max_pending)) {
		NL_SET_ERR_MSG_MOD(extack, "too many configuration requests in flight");
		err = -ENOSPC;
	} else if (mine >= I62608_CFG_PER_AGENT) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many configuration requests in flight to this agent");
		err = -EBUSY;
	} else {
		/* Ids are the requests' message ids: never 0. */
		do {
			r->id = (u32)atomic_inc_return(&in->cfg_id);
		} while (!r->id);
		list_add_tail_rcu(&r->list, &in->cfg_reqs);
		in->n_cfg++;
		*id = r->id;
		next = r->next_send;
		err = 0;
	}
	spin_unlock_bh(&in->cfg_lock);
	if (err) {
		kfree(r);
		return err;
	}

	/*
	 * Once listed, the request may be answered or failed, and freed after
	 * a grace period, at any time: it is only touched under RCU from here.
	 * A failed first send is retried like a lost one.
	 */
	rcu_read_lock();
	cfg_tx(in, r);
	rcu_read_unlock();
	cfg_kick(in, next);
	return 0;
}

static void cfg_notify_free(struct i62608_net *in, struct i62608_cfg_req *r,
			    u8 outcome, const u8 *results, size_t len)
{
	i62608_nl_notify_config(in, &r->key, r->id, outcome, r->tries, results, len);
	kfree_rcu(r, rcu);
}

/* CONFIG_ACK / CONFIG_NACK from @a (authenticated). Softirq. */
void i62608_config_result(struct i62608_net *in, struct i62608_agent *a,
			  const struct i62608_frame *m)
{
	struct i62608_cfg_req *r, *found = NULL;

	spin_lock(&in->cfg_lock);
	list_for_each_entry(r, &in->cfg_reqs, list) {
		if (r->id == m->msg_id && !memcmp(&r->key, &a->key, sizeof(r->key))) {
			r->done = true;
			list_del_rcu(&r->list);
			in->n_cfg--;
			found = r;
			break;
		}
	}
	spin_unlock(&in->cfg_lock);
	/* A late answer to a retransmission: the request is settled already. */
	if (found)
		cfg_notify_free(in, found,
				m->type == I62608_MSG_CONFIG_ACK ?
				I62608_OUTCOME_ACKED : I62608_OUTCOME_NACKED,
				m->body, m->body_len);
}

/*
 * Fail every request to @key with @outcome: the agent went away, or its
 * session ended. Any context but hard IRQ.
 */
void i62608_config_agent_gone(struct i62608_net *in,
			      const struct i62608_agent_key *key, u8 outcome)
{
	struct i62608_cfg_req *r, *tmp;
	LIST_HEAD(gone);

	spin_lock_bh(&in->cfg_lock);
	list_for_each_entry(r, &in->cfg_reqs, list) {
		if (!r->done && !memcmp(&r->key, key, sizeof(*key))) {
			r->done = true;
			list_add_tail(&r->gone, &gone);
		}
	}
	list_for_each_entry(r, &gone, gone) {
		list_del_rcu(&r->list);
		in->n_cfg--;
	}
	spin_unlock_bh(&in->cfg_lock);
	list_for_each_entry_safe(r, tmp, &gone, gone)
		cfg_notify_free(in, r, outcome, NULL, 0);
}

/*
 * The agent of @key restarted and has a new session (hs_finish()): every
 * request in flight to it goes again now, a try like any other, with its
 * timeout starting over from config_rto_ms; its previous boot may have
 * applied it or not, and items are idempotent (docs/protocol.md, 11.4).
 * A request sent config_tries times already is left to its deadline.
 * Process context.
 */
void i62608_config_resend(struct i62608_net *in,
			  const struct i62608_agent_key *key)
{
	u64 rto = msecs_to_jiffies(READ_ONCE(in->params.config_rto_ms));
	u32 max_tries = READ_ONCE(in->params.config_tries);
	u64 now = get_jiffies_64(), next = U64_MAX;
	struct i62608_cfg_req *r;

	rcu_read_lock();
	list_for_each_entry_rcu(r, &in->cfg_reqs, list) {
		bool send = false;

		/* The key of a request never changes. */
		if (memcmp(&r->key, key, sizeof(*key)))
			continue;
		spin_lock_bh(&in->cfg_lock);
		if (!r->done && r->tries < max_tries) {
			r->tries++;
			r->rto = rto;
			r->next_send = now + rto;
			next = min(next, r->next_send);
			send = true;
		}
		spin_unlock_bh(&in->cfg_lock);
		if (send)
			cfg_tx(in, r);
	}
	rcu_read_unlock();
	if (next != U64_MAX)
		cfg_kick(in, next);
}

static void i62608_cfg_work(struct work_struct *work)
{
	struct i62608_net *in = container_of(to_delayed_work(work),
					     struct i62608_net, cfg_work);
	u32 max_tries = READ_ONCE(in->params.config_tries);
	u64 now = get_jiffies_64(), next = U64_MAX;
	struct i62608_cfg_req *r;

	rcu_read_lock();
	list_for_each_entry_rcu(r, &in->cfg_reqs, list) {
		bool send = false, expire = false;

		spin_lock_bh(&in->cfg_lock);
		if (r->done) {
			spin_unlock_bh(&in->cfg_lock);
			continue;
		}
		if (time_after_eq64(now, r->next_send)) {
			if (r->tries >= max_tries) {
				r->done = true;
				list_del_rcu(&r->list);
				in->n_cfg--;
				expire = true;
			} else {
				r->tries++;
				r->rto = min_t(u64, r->rto * 2, I62608_CFG_RTO_MAX);
				r->next_send = now + r->rto;
				send = true;
			}
		}
		if (!r->done && r->next_send < next)
			next = r->next_send;
		spin_unlock_bh(&in->cfg_lock);

		if (send)
			cfg_tx(in, r);
		/* Freed after a grace period: the walk goes on safely. */
		if (expire)
			cfg_notify_free(in, r, I62608_OUTCOME_TIMEOUT, NULL, 0);
	}
	rcu_read_unlock();
	if (next != U64_MAX)
		cfg_kick(in, next);
}

int i62608_config_dump(struct i62608_net *in, struct sk_buff *skb,
		       struct netlink_callback *cb)
{
	long idx = 0, start = cb->args[0];
	u64 now = get_jiffies_64();
	struct i62608_cfg_req *r;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(r, &in->cfg_reqs, list) {
		if (idx < start) {
			idx++;
			continue;
		}
		err = i62608_nl_put_pending(skb, cb, &r->key, r->id, r->tries,
					    now - r->first_sent,
					    r->next_send > now ? r->next_send - now : 0);
		if (err)
			break;
		idx++;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

void i62608_config_init(struct i62608_net *in)
{
	spin_lock_init(&in->cfg_lock);
	INIT_LIST_HEAD(&in->cfg_reqs);
	INIT_DELAYED_WORK(&in->cfg_work, i62608_cfg_work);
}

/* Namespace or module going away: no notification, nobody listens. */
void i62608_config_exit(struct i62608_net *in)
{
	struct i62608_cfg_req *r, *tmp;

	WRITE_ONCE(in->cfg_closed, true);
	cancel_delayed_work_sync(&in->cfg_work);
	spin_lock_bh(&in->cfg_lock);
	list_for_each_entry_safe(r, tmp, &in->cfg_reqs, list) {
		list_del_rcu(&r->list);
		kfree_rcu(r, rcu);
	}
	in->n_cfg = 0;
	spin_unlock_bh(&in->cfg_lock);
}
