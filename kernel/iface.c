// SPDX-License-Identifier: GPL-2.0
/*
 * Enabled interfaces.
 *
 * Enabling an interface binds a packet_type for our EtherType to that one
 * net_device; disabling it unbinds it. Frames of our EtherType on any other
 * interface never reach us. A netdevice notifier disables an interface that
 * is unregistered or moves to another namespace, and says so on the event
 * group.
 *
 * Lifetime: an iface is created and destroyed under RTNL. The receive path
 * reaches it through its packet_type; dev_remove_pack() waits for a grace
 * period (synchronize_net()) before returning, so after it no handler runs
 * on the iface any more. The handshake work finds it on the namespace's
 * list under RCU: the list is changed with the _rcu helpers, and the iface
 * and its device reference go after a grace period.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "i62608.h"

struct i62608_iface *i62608_iface_find(struct i62608_net *in,
				       const struct net_device *dev)
{
	struct i62608_iface *iface;

	ASSERT_RTNL();
	list_for_each_entry(iface, &in->ifaces, list)
		if (iface->dev == dev)
			return iface;
	return NULL;
}

/* For readers without RTNL: under rcu_read_lock(). */
struct i62608_iface *i62608_iface_find_rcu(struct i62608_net *in, int ifindex)
{
	struct i62608_iface *iface;

	list_for_each_entry_rcu(iface, &in->ifaces, list)
		if (iface->dev->ifindex == ifindex)
			return iface;
	return NULL;
}

struct i62608_iface *i62608_iface_of_rcu(struct i62608_net *in,
					 const struct net_device *dev)
{
	struct i62608_iface *iface;

	list_for_each_entry_rcu(iface, &in->ifaces, list)
		if (iface->dev == dev)
			return iface;
	return NULL;
}

int i62608_iface_add(struct i62608_net *in, struct net_device *dev,
		     struct netlink_ext_ack *extack)
{
	struct i62608_iface *iface;
	int err;

	ASSERT_RTNL();
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack, "interface is not an Ethernet interface");
		return -EOPNOTSUPP;
	}
	if (i62608_iface_find(in, dev)) {
		NL_SET_ERR_MSG_MOD(extack, "protocol already enabled on this interface");
		return -EEXIST;
	}
	if (in->n_ifaces >= I62608_MAX_IFACES) {
		NL_SET_ERR_MSG_MOD(extack, "too many enabled interfaces in this namespace");
		return -ENOSPC;
	}

	iface = kzalloc(sizeof(*iface), GFP_KERNEL);
	if (!iface)
		return -ENOMEM;
	iface->stats = netdev_alloc_pcpu_stats(struct i62608_pcpu_stats);
	if (!iface->stats) {
		kfree(iface);
		return -ENOMEM;
	}

	iface->in = in;
	iface->dev = dev;
	netdev_hold(dev, &iface->dev_tracker, GFP_KERNEL);
	iface->enabled_ns = ktime_get_boottime_ns();
	iface->pt.type = htons(i62608_ethertype);
	iface->pt.dev = dev;
	iface->pt.func = i62608_rcv;

	INIT_DELAYED_WORK(&iface->adv_work, i62608_adv_work);

	/* Let the NIC's address filter pass DISCOVERs. */
	err = dev_mc_add(dev, i62608_group_addr);
	if (err) {
		netdev_put(dev, &iface->dev_tracker);
		free_percpu(iface->stats);
		kfree(iface);
		return err;
	}
	list_add_tail_rcu(&iface->list, &in->ifaces);
	in->n_ifaces++;
	i62608_gen_bump(&in->ifaces_gen);
	dev_add_pack(&iface->pt);
	/* Announce ourselves at once: agents need not wait for a backoff. */
	queue_delayed_work(system_power_efficient_wq, &iface->adv_work, 0);

	i62608_nl_notify_iface(iface, I62608_CMD_IFACE_NEW_NTF, 0);
	netdev_dbg(dev, "i62608 enabled\n");
	return 0;
}

static void i62608_iface_free_rcu(struct rcu_head *head)
{
	struct i62608_iface *iface = container_of(head, struct i62608_iface, rcu);

	/* RCU readers used iface->dev up to now. */
	netdev_put(iface->dev, &iface->dev_tracker);
	free_percpu(iface->stats);
	kfree(iface);
}

void i62608_iface_del(struct i62608_iface *iface, enum i62608_reason reason)
{
	struct i62608_net *in = iface->in;

	ASSERT_RTNL();
	/* Waits for a grace period: no handler runs on @iface after this. */
	dev_remove_pack(&iface->pt);
	cancel_delayed_work_sync(&iface->adv_work);
	i62608_hs_purge_dev(in, iface->dev);
	/* Its agents go with it, each announced as lost. */
	i62608_agents_flush_iface(in, iface, reason);
	dev_mc_del(iface->dev, i62608_group_addr);
	list_del_rcu(&iface->list);
	in->n_ifaces--;
	i62608_gen_bump(&in->ifaces_gen);

	i62608_nl_notify_iface(iface, I62608_CMD_IFACE_DEL_NTF, reason);
	netdev_dbg(iface->dev, "i62608 disabled\n");

	call_rcu(&iface->rcu, i62608_iface_free_rcu);
}

void i62608_iface_flush(struct i62608_net *in, enum i62608_reason reason)
{
	struct i62608_iface *iface, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(iface, tmp, &in->ifaces, list)
		i62608_iface_del(iface, reason);
}

void i62608_iface_stats(const struct i62608_iface *iface,
			struct i62608_stats *st)
{
	int cpu, i;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		const struct i62608_pcpu_stats *s = per_cpu_ptr(iface->stats, cpu);
		struct i62608_stats one;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			one.rx_frames = u64_stats_read(&s->rx_frames);
			one.rx_bytes = u64_stats_read(&s->rx_bytes);
			one.tx_frames = u64_stats_read(&s->tx_frames);
			one.tx_bytes = u64_stats_read(&s->tx_bytes);
			one.tx_errors = u64_stats_read(&s->tx_errors);
			for (i = 1; i <= I62608_DROP_MAX; i++)
				one.drops[i] = u64_stats_read(&s->drops[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		st->rx_frames += one.rx_frames;
		st->rx_bytes += one.rx_bytes;
		st->tx_frames += one.tx_frames;
		st->tx_bytes += one.tx_bytes;
		st->tx_errors += one.tx_errors;
		for (i = 1; i <= I62608_DROP_MAX; i++)
			st->drops[i] += one.drops[i];
	}
}

static int i62608_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct i62608_iface *iface;

	switch (event) {
	case NETDEV_UNREGISTER:
		/* Also sent when the device leaves for another namespace. */
		iface = i62608_iface_find(i62608_pernet(dev_net(dev)), dev);
		if (iface)
			i62608_iface_del(iface, I62608_REASON_IFACE_GONE);
		break;
	case NETDEV_UP:
	case NETDEV_CHANGE:
		/* Link-up: advertise now, agents are searching. */
		iface = i62608_iface_find(i62608_pernet(dev_net(dev)), dev);
		if (iface && netif_carrier_ok(dev))
			mod_delayed_work(system_power_efficient_wq,
					 &iface->adv_work, 0);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block i62608_netdev_nb = {
	.notifier_call = i62608_netdev_event,
};

int i62608_iface_notifier_register(void)
{
	return register_netdevice_notifier(&i62608_netdev_nb);
}

void i62608_iface_notifier_unregister(void)
{
	unregister_netdevice_notifier(&i62608_netdev_nb);
}
