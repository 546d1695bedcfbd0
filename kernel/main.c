// SPDX-License-Identifier: GPL-2.0
/*
 * i62608: IEC 62608 home network configuration - module init and exit.
 *
 * The module is the configurator's fast path on the home gateway: a Layer 2
 * protocol handler for the i62608 EtherType on the interfaces userspace
 * enables, and a generic netlink family through which the policy daemon
 * (i62608d) and i62608ctl drive it and receive its events.
 */

#include <linux/btf.h>
#include <linux/module.h>
#include <linux/if_ether.h>

#include "i62608.h"

u16 i62608_ethertype = I62608_ETHERTYPE;

static int ethertype_set(const char *val, const struct kernel_param *kp)
{
	u16 v;
	int err;

	err = kstrtou16(val, 0, &v);
	if (err)
		return err;
	/* Values below 0x0600 are 802.3 lengths, not EtherTypes. */
	if (v < ETH_P_802_3_MIN)
		return -EINVAL;
	*(u16 *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops ethertype_ops = {
	.set = ethertype_set,
	.get = param_get_ushort,
};

/* Read-only after load: packet handlers are bound with it. */
module_param_cb(ethertype, &ethertype_ops, &i62608_ethertype, 0444);
MODULE_PARM_DESC(ethertype,
		 "EtherType of the protocol (default 0x88B5, IEEE 802 local experimental 1)");

/*
 * The wire format is fixed: a size change is a protocol change. The parser
 * reads fields at fixed offsets, so the structs appear in no declaration;
 * BTF_TYPE_EMIT keeps them in the debug information, where
 * scripts/check-layout checks them with pahole.
 */
static void __init i62608_check_wire(void)
{
	BUILD_BUG_ON(sizeof(struct i62608_hdr) != 24);
	BUILD_BUG_ON(sizeof(struct i62608_tlv_hdr) != 4);
	BUILD_BUG_ON(sizeof(struct i62608_tlv_addr4) != 6);
	BUILD_BUG_ON(sizeof(struct i62608_tlv_addr6) != 18);
	BUILD_BUG_ON(sizeof(struct i62608_tlv_port) != 3);
	BUILD_BUG_ON(sizeof(struct i62608_tlv_cfg_addr4) != 5);
	BUILD_BUG_ON(sizeof(struct i62608_tlv_cfg_addr6) != 17);
	BUILD_BUG_ON(sizeof(struct i62608_tlv_cfg_result) != 3);
	BTF_TYPE_EMIT(struct i62608_hdr);
	BTF_TYPE_EMIT(struct i62608_tlv_hdr);
	BTF_TYPE_EMIT(struct i62608_tlv_addr4);
	BTF_TYPE_EMIT(struct i62608_tlv_addr6);
	BTF_TYPE_EMIT(struct i62608_tlv_port);
	BTF_TYPE_EMIT(struct i62608_tlv_cfg_addr4);
	BTF_TYPE_EMIT(struct i62608_tlv_cfg_addr6);
	BTF_TYPE_EMIT(struct i62608_tlv_cfg_result);
}

static int __init i62608_init(void)
{
	int err;

	i62608_check_wire();

	err = i62608_netns_register();
	if (err)
		goto err_out;
	err = i62608_iface_notifier_register();
	if (err)
		goto err_netns;
	err = i62608_genl_register();
	if (err)
		goto err_notifier;

	pr_info("version %s loaded, EtherType 0x%04x\n", I62608_MODULE_VERSION,
		i62608_ethertype);
	return 0;

err_notifier:
	i62608_iface_notifier_unregister();
err_netns:
	i62608_netns_unregister();
err_out:
	return err;
}

static void __exit i62608_exit(void)
{
	/*
	 * Userspace first, so nothing new is enabled; then the notifier,
	 * whose unregistration replays NETDEV_UNREGISTER and so disables
	 * every interface still enabled; then the per-namespace state.
	 */
	i62608_genl_unregister();
	i62608_iface_notifier_unregister();
	i62608_netns_unregister();
	/* Wait for every call_rcu()/kfree_rcu() we queued. */
	rcu_barrier();
	pr_info("unloaded\n");
}

module_init(i62608_init);
module_exit(i62608_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IEC 62608 home network configuration: L2 discovery and configuration");
MODULE_AUTHOR("i62608 developers");
MODULE_VERSION(I62608_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(I62608_GENL_NAME);
