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
 * Locking:
 *   - The interface list of a namespace is changed only under RTNL (netlink
 *     commands and the netdevice notifier both run under it) and read either
 *     under RTNL or, on the receive path, through the packet_type itself,
 *     which the core protects with RCU.
 */
#ifndef _I62608_H
#define _I62608_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <net/netns/generic.h>
#include <linux/i62608.h>

#include "compat.h"

#define I62608_MODULE_VERSION	"0.1.0"

/* At most this many enabled interfaces per network namespace. */
#define I62608_MAX_IFACES	64

extern u16 i62608_ethertype;
extern unsigned int i62608_net_id;

/**
 * struct i62608_net - per network namespace state
 * @net: the namespace
 * @ifaces: enabled interfaces (struct i62608_iface.list), under RTNL
 * @n_ifaces: length of @ifaces
 * @ifaces_gen: bumped on every change of @ifaces; dumps compare it
 * @epoch: this configurator's random boot epoch, never 0
 */
struct i62608_net {
	struct net *net;
	struct list_head ifaces;
	unsigned int n_ifaces;
	unsigned int ifaces_gen;
	u32 epoch;
};

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

/* netns.c */
int i62608_netns_register(void);
void i62608_netns_unregister(void);

/* iface.c */
struct i62608_iface *i62608_iface_find(struct i62608_net *in,
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

#endif /* _I62608_H */
