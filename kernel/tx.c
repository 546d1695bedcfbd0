// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path: ADVERTISE, answered from the receive path (no userspace
 * round trip) and sent unsolicited to the group address when an interface
 * is enabled, at its link-up and every advertisement interval.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/pkt_sched.h>
#include <linux/skbuff.h>

#include "i62608.h"

const u8 i62608_group_addr[ETH_ALEN] __aligned(2) = I62608_GROUP_ADDR;

/* Big enough for every message the configurator sends itself. */
#define I62608_ADV_MAX 64

int i62608_xmit(struct i62608_iface *iface, const u8 *dst,
		const u8 *msg, unsigned int len)
{
	struct net_device *dev = iface->dev;
	struct sk_buff *skb;
	int err;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + len + dev->needed_tailroom,
			GFP_ATOMIC);
	if (!skb) {
		i62608_count_tx(iface, 0, false);
		return -ENOMEM;
	}
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(skb);
	skb_put_data(skb, msg, len);
	skb->dev = dev;
	skb->protocol = htons(i62608_ethertype);
	/* Control traffic: ahead of bulk data in the qdisc. */
	skb->priority = TC_PRIO_CONTROL;
	if (dev_hard_header(skb, dev, i62608_ethertype, dst, dev->dev_addr,
			    skb->len) < 0) {
		kfree_skb(skb);
		i62608_count_tx(iface, 0, false);
		return -EINVAL;
	}
	err = dev_queue_xmit(skb);
	err = net_xmit_eval(err);
	i62608_count_tx(iface, len, !err);
	return err;
}

int i62608_tx_advertise(struct i62608_iface *iface, const u8 *dst, u32 msg_id,
			u16 flags)
{
	struct i62608_net *in = iface->in;
	u32 adv_s = DIV_ROUND_UP(READ_ONCE(in->params.adv_interval_ms), 1000);
	struct i62608_w_hdr h = {
		.type = I62608_MSG_ADVERTISE,
		.flags = flags,
		.msg_id = msg_id,
		.epoch = in->epoch,
		.counter = atomic64_inc_return(&in->tx_counter),
	};
	u8 buf[I62608_ADV_MAX];
	struct i62608_w w;
	int len;

	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	/* Agents consider us gone after three missed advertisements. */
	i62608_w_u16(&w, I62608_TLV_TTL, min_t(u32, 3 * adv_s, U16_MAX));
	i62608_w_u16(&w, I62608_TLV_HEARTBEAT_INTERVAL,
		     READ_ONCE(in->params.heartbeat_interval_s));
	len = i62608_w_finish(&w);
	if (len < 0)
		return -EMSGSIZE;
	return i62608_xmit(iface, dst, buf, len);
}

void i62608_adv_work(struct work_struct *work)
{
	struct i62608_iface *iface = container_of(to_delayed_work(work),
						  struct i62608_iface, adv_work);
	struct i62608_net *in = iface->in;
	u32 ms = READ_ONCE(in->params.adv_interval_ms);

	if (netif_running(iface->dev) && netif_carrier_ok(iface->dev)) {
		/* The per-CPU counters expect softirq context. */
		local_bh_disable();
		i62608_tx_advertise(iface, i62608_group_addr,
				    atomic_inc_return(&in->msg_id), 0);
		local_bh_enable();
	}
	queue_delayed_work(system_power_efficient_wq, &iface->adv_work,
			   msecs_to_jiffies(ms));
}
