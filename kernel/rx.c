// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: the packet_type handler bound to each enabled interface.
 */

#include <linux/etherdevice.h>
#include <linux/skbuff.h>

#include "i62608.h"

static void i62608_count_rx(struct i62608_iface *iface, unsigned int len)
{
	struct i62608_pcpu_stats *s = this_cpu_ptr(iface->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_frames);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

int i62608_rcv(struct sk_buff *skb, struct net_device *dev,
	       struct packet_type *pt, struct net_device *orig_dev)
{
	struct i62608_iface *iface = container_of(pt, struct i62608_iface, pt);
	const struct i62608_hdr *hdr;
	enum i62608_drop reason;

	/* Unicast for another station, seen in promiscuous mode. */
	if (skb->pkt_type == PACKET_OTHERHOST)
		goto consume;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return NET_RX_DROP;

	i62608_count_rx(iface, skb->len);

	if (!pskb_may_pull(skb, sizeof(*hdr))) {
		reason = I62608_DROP_TRUNCATED;
		goto drop;
	}
	hdr = (const struct i62608_hdr *)skb->data;
	if (hdr->version != I62608_PROTO_V1) {
		reason = I62608_DROP_VERSION;
		goto drop;
	}
	/* No message type is handled yet. */
	reason = I62608_DROP_TYPE;

drop:
	i62608_count_drop(iface, reason);
	kfree_skb(skb);
	return NET_RX_DROP;
consume:
	consume_skb(skb);
	return NET_RX_SUCCESS;
}
