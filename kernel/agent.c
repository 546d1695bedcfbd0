// SPDX-License-Identifier: GPL-2.0
/*
 * The agent table of a namespace.
 *
 * Readers (the receive path, dumps, notifications) find agents under RCU
 * through an rhashtable keyed by (ifindex, MAC) or the creation-ordered
 * list. Writers hold agents_lock. The table is bounded per namespace and
 * per interface: when full, the oldest LOST entry makes room; a live agent
 * is never evicted, the newcomer's frame is dropped and counted instead,
 * and a TABLE_FULL_NTF says so at most once a second.
 *
 * A delayed work sweeps the table while it is not empty: agents past their
 * expiry become LOST (AGENT_LOST_NTF, TTL_EXPIRED) and LOST agents past
 * their linger time are freed silently. A sweep handles a bounded number of
 * transitions; the rest wait for the next one.
 */

#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "i62608.h"

/* Transitions (notifications) one sweep performs at most. */
#define I62608_SWEEP_BUDGET 1024

static const struct rhashtable_params agent_ht_params = {
	.key_len = sizeof(struct i62608_agent_key),
	.key_offset = offsetof(struct i62608_agent, key),
	.head_offset = offsetof(struct i62608_agent, node),
	.automatic_shrinking = true,
};

static void agent_key(struct i62608_agent_key *k, int ifindex, const u8 *mac)
{
	memset(k, 0, sizeof(*k));
	k->ifindex = ifindex;
	ether_addr_copy(k->mac, mac);
}

struct i62608_agent *i62608_agent_lookup(struct i62608_net *in, int ifindex,
					 const u8 *mac)
{
	struct i62608_agent_key k;

	agent_key(&k, ifindex, mac);
	return rhashtable_lookup(&in->agents_ht, &k, agent_ht_params);
}

static void agent_free_rcu(struct rcu_head *head)
{
	struct i62608_agent *a = container_of(head, struct i62608_agent, rcu);

	/* A grace period has passed since it was unlinked: no reader left. */
	kfree(rcu_dereference_protected(a->report, true));
	kfree(a);
}

static void agents_kick(struct i62608_net *in, unsigned long delay)
{
	lockdep_assert_held(&in->agents_lock);
	if (!in->dying)
		mod_delayed_work(system_power_efficient_wq, &in->aging, delay);
}

/* Under agents_lock: take @a out of every structure; freed after RCU. */
static void agent_unlink(struct i62608_net *in, struct i62608_agent *a)
{
	lockdep_assert_held(&in->agents_lock);
	rhashtable_remove_fast(&in->agents_ht, &a->node, agent_ht_params);
	list_del_rcu(&a->list);
	list_del_init(&a->lru);
	a->iface->n_agents--;
	in->n_agents--;
	atomic_dec(&in->n_state[a->state]);
	i62608_gen_bump(&in->agents_gen);
	spin_lock(&a->lock);
	WRITE_ONCE(a->dead, true);
	i62608_sessions_drop(a);
	spin_unlock(&a->lock);
	i62608_config_agent_gone(in, &a->key, I62608_OUTCOME_AGENT_LOST);
	call_rcu(&a->rcu, agent_free_rcu);
}

void i62608_agent_set_state(struct i62608_net *in, struct i62608_agent *a,
			    u8 state)
{
	lockdep_assert_held(&a->lock);
	if (a->state == state)
		return;
	atomic_dec(&in->n_state[a->state]);
	atomic_inc(&in->n_state[state]);
	WRITE_ONCE(a->state, state);
}

/* The oldest LOST agent (of @iface, if given), to make room. */
static struct i62608_agent *agent_victim(struct i62608_net *in,
					 struct i62608_iface *iface)
{
	struct i62608_agent *a;

	lockdep_assert_held(&in->agents_lock);
	list_for_each_entry(a, &in->lost, lru)
		if (!iface || a->iface == iface)
			return a;
	return NULL;
}

static void table_full(struct i62608_net *in, struct i62608_iface *iface,
		       enum i62608_limit limit)
{
	atomic64_inc(&in->cnt.table_full);
	atomic64_inc(&in->full_dropped);
	/* One notification a second at most, however hard the flood. */
	if (time_after_eq(jiffies, READ_ONCE(in->full_next))) {
		WRITE_ONCE(in->full_next, jiffies + HZ);
		i62608_nl_notify_table_full(in, iface, limit);
	}
}

struct i62608_agent *i62608_agent_create(struct i62608_net *in,
					 struct i62608_iface *iface,
					 const u8 *mac, u32 epoch, bool *created,
					 enum i62608_drop *drop)
{
	u32 max_ns = READ_ONCE(in->params.max_agents);
	u32 max_if = READ_ONCE(in->params.max_agents_per_iface);
	enum i62608_limit limit = 0;
	struct i62608_agent *a, *old;
	u64 now = get_jiffies_64();

	spin_lock(&in->agents_lock);
	/* Another CPU may have created it since our lookup. */
	a = i62608_agent_lookup(in, iface->dev->ifindex, mac);
	if (a)
		goto out_unlock;
	if (in->dying) {
		*drop = I62608_DROP_TABLE_FULL;
		goto out_unlock;
	}

	if (iface->n_agents >= max_if) {
		old = agent_victim(in, iface);
		limit = I62608_LIMIT_IFACE;
	} else if (in->n_agents >= max_ns) {
		old = agent_victim(in, NULL);
		limit = I62608_LIMIT_NETNS;
	} else {
		old = NULL;
	}
	if (limit && !old) {
		spin_unlock(&in->agents_lock);
		*drop = I62608_DROP_TABLE_FULL;
		table_full(in, iface, limit);
		return NULL;
	}
	if (old) {
		agent_unlink(in, old);
		atomic64_inc(&in->cnt.evicted);
	}

	a = kzalloc(sizeof(*a), GFP_ATOMIC);
	if (!a) {
		*drop = I62608_DROP_NOMEM;
		goto out_unlock;
	}
	agent_key(&a->key, iface->dev->ifindex, mac);
	a->iface = iface;
	spin_lock_init(&a->lock);
	INIT_LIST_HEAD(&a->lru);
	a->state = I62608_AGENT_DISCOVERED;
	a->epoch = epoch;
	a->first_seen = now;
	a->last_seen = now;
	a->expires = now + msecs_to_jiffies(READ_ONCE(in->params.pending_ttl_ms));
	/* A new agent starts with a full bucket. */
	a->tb_last = ktime_get_ns();
	a->tb_tokens = U64_MAX;
	if (rhashtable_insert_fast(&in->agents_ht, &a->node, agent_ht_params)) {
		kfree(a);
		a = NULL;
		*drop = I62608_DROP_NOMEM;
		goto out_unlock;
	}
	list_add_tail_rcu(&a->list, &in->agents);
	iface->n_agents++;
	in->n_agents++;
	atomic_inc(&in->n_state[a->state]);
	i62608_gen_bump(&in->agents_gen);
	atomic64_inc(&in->cnt.created);
	*created = true;
	if (in->n_agents == 1)
		agents_kick(in, msecs_to_jiffies(READ_ONCE(in->params.aging_interval_ms)));
out_unlock:
	spin_unlock(&in->agents_lock);
	return a;
}

/*
 * A frame from LOST agent @a: it is back. @epoch is the frame's, @auth
 * whether the frame was authenticated; an epoch the frame may not change
 * (rx_touch()) is no restart here either.
 */
bool i62608_agent_revive(struct i62608_net *in, struct i62608_agent *a,
			 u32 epoch, bool auth)
{
	struct i62608_report_blob *old = NULL;
	bool revived = false;
	u64 now = get_jiffies_64();
	bool same;

	spin_lock(&in->agents_lock);
	spin_lock(&a->lock);
	if (!a->dead && a->state == I62608_AGENT_LOST) {
		list_del_init(&a->lru);
		same = a->epoch == epoch || auth || !i62608_agent_epoch_open(a);
		/* Same incarnation: its REPORT still describes it. */
		if (same && rcu_access_pointer(a->report)) {
			i62608_agent_set_state(in, a, I62608_AGENT_REPORTED);
			a->expires = now + (u64)a->ttl * HZ;
		} else {
			old = rcu_replace_pointer(a->report, NULL,
						  lockdep_is_held(&a->lock));
			i62608_agent_set_state(in, a, I62608_AGENT_DISCOVERED);
			a->expires = now +
				msecs_to_jiffies(READ_ONCE(in->params.pending_ttl_ms));
		}
		revived = true;
	}
	spin_unlock(&a->lock);
	spin_unlock(&in->agents_lock);
	if (old)
		kfree_rcu(old, rcu);
	return revived;
}

int i62608_agent_del(struct i62608_net *in, struct i62608_agent *a,
		     enum i62608_reason reason)
{
	bool unlinked = false;

	spin_lock_bh(&in->agents_lock);
	if (!READ_ONCE(a->dead)) {
		agent_unlink(in, a);
		unlinked = true;
	}
	spin_unlock_bh(&in->agents_lock);
	if (!unlinked)
		return -ENOENT;
	/* Still readable: freed after the caller's RCU section. */
	i62608_nl_notify_agent(in, a, I62608_CMD_AGENT_LOST_NTF, reason, false);
	return 0;
}

void i62608_agents_flush_iface(struct i62608_net *in, struct i62608_iface *iface,
			       enum i62608_reason reason)
{
	struct i62608_agent *a;

	rcu_read_lock();
	list_for_each_entry_rcu(a, &in->agents, list) {
		/* a->iface is stable for linked agents under agents_lock. */
		bool mine;

		if (a->key.ifindex != iface->dev->ifindex)
			continue;
		spin_lock_bh(&in->agents_lock);
		mine = !READ_ONCE(a->dead) && a->iface == iface;
		if (mine)
			agent_unlink(in, a);
		spin_unlock_bh(&in->agents_lock);
		if (mine)
			i62608_nl_notify_agent(in, a, I62608_CMD_AGENT_LOST_NTF,
					       reason, false);
	}
	rcu_read_unlock();
}

bool i62608_agent_admit(struct i62608_net *in, struct i62608_agent *a, u64 now)
{
	u32 rate = READ_ONCE(in->params.rate);
	u64 cost, cap;

	lockdep_assert_held(&a->lock);
	if (!rate)
		return true;
	/* Credit in nanoseconds: a frame costs 1/rate of a second. */
	cost = div_u64(NSEC_PER_SEC, rate);
	cap = cost * READ_ONCE(in->params.burst);
	if (a->tb_tokens > cap)
		a->tb_tokens = cap;
	if (now > a->tb_last)
		a->tb_tokens = min(cap, a->tb_tokens + (now - a->tb_last));
	a->tb_last = now;
	if (a->tb_tokens < cost) {
		a->ratelimited++;
		return false;
	}
	a->tb_tokens -= cost;
	return true;
}

static void i62608_aging(struct work_struct *work)
{
	struct i62608_net *in = container_of(to_delayed_work(work),
					     struct i62608_net, aging);
	unsigned int budget = I62608_SWEEP_BUDGET;
	u64 now = get_jiffies_64();
	struct i62608_agent *a;
	unsigned long next;

	rcu_read_lock();
	list_for_each_entry_rcu(a, &in->agents, list) {
		bool lost = false;

		if (!budget)
			break;
		if (rcu_access_pointer(a->cur) || READ_ONCE(a->hs)) {
			spin_lock_bh(&a->lock);
			i62608_sessions_age(in, a, now);
			spin_unlock_bh(&a->lock);
		}
		if (time_before64(now, READ_ONCE(a->expires)))
			continue;

		spin_lock_bh(&in->agents_lock);
		spin_lock(&a->lock);
		if (a->dead || time_before64(now, a->expires)) {
			spin_unlock(&a->lock);
			spin_unlock_bh(&in->agents_lock);
			continue;
		}
		if (a->state == I62608_AGENT_LOST) {
			/* Lingered long enough: free it, silently. */
			spin_unlock(&a->lock);
			agent_unlink(in, a);
			spin_unlock_bh(&in->agents_lock);
			budget--;
			continue;
		}
		i62608_agent_set_state(in, a, I62608_AGENT_LOST);
		/* Keys live only as long as needed: a lost agent has none. */
		i62608_sessions_drop(a);
		a->expires = now + msecs_to_jiffies(READ_ONCE(in->params.lost_linger_ms));
		list_add_tail(&a->lru, &in->lost);
		lost = true;
		spin_unlock(&a->lock);
		spin_unlock_bh(&in->agents_lock);

		if (lost) {
			atomic64_inc(&in->cnt.expired);
			i62608_config_agent_gone(in, &a->key, I62608_OUTCOME_AGENT_LOST);
			i62608_nl_notify_agent(in, a, I62608_CMD_AGENT_LOST_NTF,
					       I62608_REASON_TTL_EXPIRED, false);
			budget--;
		}
	}
	rcu_read_unlock();

	/* Out of budget: come back at once for the rest. */
	next = budget ? msecs_to_jiffies(READ_ONCE(in->params.aging_interval_ms)) : 0;
	spin_lock_bh(&in->agents_lock);
	if (in->n_agents)
		agents_kick(in, next);
	spin_unlock_bh(&in->agents_lock);
}

int i62608_agents_init(struct i62608_net *in)
{
	spin_lock_init(&in->agents_lock);
	INIT_LIST_HEAD(&in->agents);
	INIT_LIST_HEAD(&in->lost);
	INIT_DELAYED_WORK(&in->aging, i62608_aging);
	in->agents_gen = 1;
	return rhashtable_init(&in->agents_ht, &agent_ht_params);
}

void i62608_agents_exit(struct i62608_net *in)
{
	struct i62608_agent *a, *tmp;

	spin_lock_bh(&in->agents_lock);
	in->dying = true;
	spin_unlock_bh(&in->agents_lock);
	cancel_delayed_work_sync(&in->aging);

	/* Interfaces took their agents along; this is a safety net. */
	spin_lock_bh(&in->agents_lock);
	list_for_each_entry_safe(a, tmp, &in->agents, list)
		agent_unlink(in, a);
	spin_unlock_bh(&in->agents_lock);
	rhashtable_destroy(&in->agents_ht);
}
