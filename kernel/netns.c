// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.
 *
 * Registered as a pernet *subsystem*: on namespace teardown the core exits
 * device-level operations first, so every device (and with it, through the
 * netdevice notifier, every enabled interface) is gone before our exit runs.
 */

#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "i62608.h"

unsigned int i62608_net_id __read_mostly;

static int __net_init i62608_net_init(struct net *net)
{
	struct i62608_net *in = i62608_pernet(net);

	in->net = net;
	INIT_LIST_HEAD(&in->ifaces);
	in->ifaces_gen = 1;
	/* A restart is recognised by a new epoch; 0 means "none". */
	do {
		in->epoch = get_random_u32();
	} while (!in->epoch);
	return 0;
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
