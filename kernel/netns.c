// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state and its parameters.
 *
 * Registered as a pernet *subsystem*: on namespace teardown the core exits
 * device-level operations first, so every device (and with it, through the
 * netdevice notifier, every enabled interface and its agents) is gone
 * before our exit runs.
 */

#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "i62608.h"

unsigned int i62608_net_id __read_mostly;

static const struct i62608_params i62608_default_params = {
	.max_agents = 4096,
	.max_agents_per_iface = 2048,
	.aging_interval_ms = 1000,
	.pending_ttl_ms = 15000,
	.lost_linger_ms = 60000,
	.rate = 50,
	.burst = 100,
	.adv_interval_ms = 30000,
	.heartbeat_interval_s = 10,
	.max_ttl_s = 3600,
	.require_auth = 0,
	.reject_after_s = 900,
	.config_rto_ms = 500,
	.config_tries = 6,
	.max_pending = 1024,
};

/* Not const: 6.1's struct nla_policy points to them without const. */
static struct netlink_range_validation range_agents = { 1, 65536 };
static struct netlink_range_validation range_aging = { 100, 60000 };
static struct netlink_range_validation range_pending_ttl = { 1000, 600000 };
static struct netlink_range_validation range_linger = { 0, 3600000 };
static struct netlink_range_validation range_rate = { 0, 1000000 };
static struct netlink_range_validation range_burst = { 1, 1000000 };
static struct netlink_range_validation range_adv = { 1000, 3600000 };
static struct netlink_range_validation range_hb = { 1, 3600 };
static struct netlink_range_validation range_ttl = { 1, 86400 };
static struct netlink_range_validation range_bool = { 0, 1 };
static struct netlink_range_validation range_reject = { 10, 86400 };
static struct netlink_range_validation range_rto = { 50, 10000 };
static struct netlink_range_validation range_tries = { 1, 20 };
static struct netlink_range_validation range_pending = { 1, 4096 };

const struct nla_policy i62608_params_policy[I62608_PARAM_A_MAX + 1] = {
	[I62608_PARAM_A_MAX_AGENTS] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_agents),
	[I62608_PARAM_A_MAX_AGENTS_PER_IFACE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &range_agents),
	[I62608_PARAM_A_AGING_INTERVAL_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &range_aging),
	[I62608_PARAM_A_PENDING_TTL_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &range_pending_ttl),
	[I62608_PARAM_A_LOST_LINGER_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &range_linger),
	[I62608_PARAM_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_rate),
	[I62608_PARAM_A_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_burst),
	[I62608_PARAM_A_ADV_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_adv),
	[I62608_PARAM_A_HEARTBEAT_INTERVAL_S] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &range_hb),
	[I62608_PARAM_A_MAX_TTL_S] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_ttl),
	[I62608_PARAM_A_REQUIRE_AUTH] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_bool),
	[I62608_PARAM_A_REJECT_AFTER_S] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &range_reject),
	[I62608_PARAM_A_CONFIG_RTO_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_rto),
	[I62608_PARAM_A_CONFIG_TRIES] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_tries),
	[I62608_PARAM_A_MAX_PENDING] = NLA_POLICY_FULL_RANGE(NLA_U32, &range_pending),
};

/* Where each attribute lives in struct i62608_params. */
static u32 *param_slot(struct i62608_params *p, int attr)
{
	switch (attr) {
	case I62608_PARAM_A_MAX_AGENTS: return &p->max_agents;
	case I62608_PARAM_A_MAX_AGENTS_PER_IFACE: return &p->max_agents_per_iface;
	case I62608_PARAM_A_AGING_INTERVAL_MS: return &p->aging_interval_ms;
	case I62608_PARAM_A_PENDING_TTL_MS: return &p->pending_ttl_ms;
	case I62608_PARAM_A_LOST_LINGER_MS: return &p->lost_linger_ms;
	case I62608_PARAM_A_RATE: return &p->rate;
	case I62608_PARAM_A_BURST: return &p->burst;
	case I62608_PARAM_A_ADV_INTERVAL_MS: return &p->adv_interval_ms;
	case I62608_PARAM_A_HEARTBEAT_INTERVAL_S: return &p->heartbeat_interval_s;
	case I62608_PARAM_A_MAX_TTL_S: return &p->max_ttl_s;
	case I62608_PARAM_A_REQUIRE_AUTH: return &p->require_auth;
	case I62608_PARAM_A_REJECT_AFTER_S: return &p->reject_after_s;
	case I62608_PARAM_A_CONFIG_RTO_MS: return &p->config_rto_ms;
	case I62608_PARAM_A_CONFIG_TRIES: return &p->config_tries;
	case I62608_PARAM_A_MAX_PENDING: return &p->max_pending;
	}
	return NULL;
}

/*
 * @tb holds attributes the policy already checked, each in its range:
 * apply them all, or none.
 */
int i62608_params_set(struct i62608_net *in, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	bool any = false, kick_aging = false;
	struct i62608_iface *iface;
	int i;

	for (i = 1; i <= I62608_PARAM_A_MAX; i++)
		any |= !!tb[i];
	if (!any) {
		NL_SET_ERR_MSG_MOD(extack, "no parameter to set");
		return -EINVAL;
	}

	mutex_lock(&in->params_lock);
	for (i = 1; i <= I62608_PARAM_A_MAX; i++)
		if (tb[i])
			WRITE_ONCE(*param_slot(&in->params, i), nla_get_u32(tb[i]));
	kick_aging = !!tb[I62608_PARAM_A_AGING_INTERVAL_MS];
	mutex_unlock(&in->params_lock);

	/* Timers follow new periods now, not after the old one ran out. */
	if (kick_aging) {
		spin_lock_bh(&in->agents_lock);
		if (in->n_agents && !in->dying)
			mod_delayed_work(system_power_efficient_wq, &in->aging,
					 msecs_to_jiffies(in->params.aging_interval_ms));
		spin_unlock_bh(&in->agents_lock);
	}
	if (tb[I62608_PARAM_A_ADV_INTERVAL_MS] ||
	    tb[I62608_PARAM_A_HEARTBEAT_INTERVAL_S]) {
		/* Agents learn the new values from an ADVERTISE at once. */
		rtnl_lock();
		list_for_each_entry(iface, &in->ifaces, list)
			mod_delayed_work(system_power_efficient_wq,
					 &iface->adv_work, 0);
		rtnl_unlock();
	}
	return 0;
}

static int __net_init i62608_net_init(struct net *net)
{
	struct i62608_net *in = i62608_pernet(net);
	int i, err;

	in->net = net;
	INIT_LIST_HEAD(&in->ifaces);
	in->ifaces_gen = 1;
	in->params = i62608_default_params;
	mutex_init(&in->params_lock);
	for (i = 0; i <= I62608_AGENT_STATE_MAX; i++)
		atomic_set(&in->n_state[i], 0);
	/* Unsolicited message ids start high: easy to tell in captures. */
	atomic_set(&in->msg_id, 0x80000000);
	/* A restart is recognised by a new epoch; 0 means "none". */
	do {
		in->epoch = get_random_u32();
	} while (!in->epoch);
	i62608_sec_init(in);
	i62608_config_init(in);
	err = i62608_agents_init(in);
	if (err) {
		i62608_config_exit(in);
		i62608_sec_exit(in);
	}
	return err;
}

static void __net_exit i62608_net_exit(struct net *net)
{
	struct i62608_net *in = i62608_pernet(net);

	/*
	 * Normally empty already (see above); at module unload the notifier
	 * has emptied it. Flushing is cheap and keeps this path obviously safe.
	 */
	rtnl_lock();
	i62608_iface_flush(in, I62608_REASON_NETNS_EXIT);
	rtnl_unlock();
	i62608_sec_exit(in);
	i62608_config_exit(in);
	i62608_agents_exit(in);
	mutex_destroy(&in->params_lock);
}

static struct pernet_operations i62608_net_ops = {
	.init = i62608_net_init,
	.exit = i62608_net_exit,
	.id = &i62608_net_id,
	.size = sizeof(struct i62608_net),
};

int i62608_netns_register(void)
{
	return register_pernet_subsys(&i62608_net_ops);
}

void i62608_netns_unregister(void)
{
	unregister_pernet_subsys(&i62608_net_ops);
}
