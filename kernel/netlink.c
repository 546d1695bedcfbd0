// SPDX-License-Identifier: GPL-2.0
/*
 * The "i62608" generic netlink family: commands, strict per-operation
 * policies and notifications on the "events" multicast group.
 *
 * Every operation acts on the caller's own network namespace (the family is
 * .netnsok and nothing takes a namespace id); write operations need
 * CAP_NET_ADMIN in the user namespace owning that network namespace
 * (GENL_UNS_ADMIN_PERM), so a container administers its own namespace and
 * nothing else. Reads are open, like `ip link`: they reveal nothing that is
 * not already visible on the LAN.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "i62608.h"

enum i62608_mcgrp {
	I62608_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group i62608_mcgrps[] = {
	[I62608_MCGRP_EVENTS_ID] = { .name = I62608_MCGRP_EVENTS },
};

static struct genl_family i62608_genl_family;

/* Cleared before the family goes away, so late notifications are skipped. */
static bool i62608_nl_live;

/* Selecting one interface: IFACE_ADD, IFACE_DEL, IFACE_GET. */
static const struct nla_policy i62608_iface_sel_policy[I62608_A_MAX + 1] = {
	[I62608_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[I62608_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

/*
 * The interface named by IFINDEX and/or IFNAME in the caller's namespace.
 * Called under RTNL.
 */
static struct net_device *i62608_nl_dev(struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr *ai = info->attrs[I62608_A_IFINDEX];
	struct nlattr *an = info->attrs[I62608_A_IFNAME];
	struct net_device *dev = NULL, *byname;

	ASSERT_RTNL();
	if (!ai && !an) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "interface required: give its index or name");
		return ERR_PTR(-EINVAL);
	}
	if (ai) {
		dev = __dev_get_by_index(net, nla_get_u32(ai));
		if (!dev) {
			NL_SET_BAD_ATTR(info->extack, ai);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "no interface with this index in this namespace");
			return ERR_PTR(-ENODEV);
		}
	}
	if (an) {
		byname = __dev_get_by_name(net, nla_data(an));
		if (!byname) {
			NL_SET_BAD_ATTR(info->extack, an);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "no interface with this name in this namespace");
			return ERR_PTR(-ENODEV);
		}
		if (dev && dev != byname) {
			NL_SET_BAD_ATTR(info->extack, an);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "interface index and name refer to different interfaces");
			return ERR_PTR(-EINVAL);
		}
		dev = byname;
	}
	return dev;
}

static int i62608_nl_put_stats(struct sk_buff *skb,
			       const struct i62608_iface *iface)
{
	struct nlattr *nest, *drops;
	struct i62608_stats st;
	int i;

	i62608_iface_stats(iface, &st);
	nest = nla_nest_start(skb, I62608_IFACE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, I62608_STATS_A_RX_FRAMES, st.rx_frames,
			      I62608_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_STATS_A_RX_BYTES, st.rx_bytes,
			      I62608_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_STATS_A_TX_FRAMES, st.tx_frames,
			      I62608_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_STATS_A_TX_BYTES, st.tx_bytes,
			      I62608_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_STATS_A_TX_ERRORS, st.tx_errors,
			      I62608_STATS_A_PAD))
		goto err_cancel;

	drops = nla_nest_start(skb, I62608_STATS_A_DROPS);
	if (!drops)
		goto err_cancel;
	/* Attribute type = drop reason; padding, if any, has type 0. */
	for (i = 1; i <= I62608_DROP_MAX; i++)
		if (nla_put_u64_64bit(skb, i, st.drops[i], 0))
			goto err_cancel;
	nla_nest_end(skb, drops);
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* One I62608_A_IFACE nest describing @iface. */
static int i62608_nl_put_iface(struct sk_buff *skb,
			       const struct i62608_iface *iface)
{
	const struct net_device *dev = iface->dev;
	struct nlattr *nest;
	u64 age_ms;

	age_ms = div_u64(ktime_get_boottime_ns() - iface->enabled_ns,
			 NSEC_PER_MSEC);
	nest = nla_nest_start(skb, I62608_A_IFACE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, I62608_IFACE_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, I62608_IFACE_A_IFNAME, dev->name) ||
	    nla_put(skb, I62608_IFACE_A_ADDRESS, ETH_ALEN, dev->dev_addr) ||
	    nla_put_u64_64bit(skb, I62608_IFACE_A_AGE_MS, age_ms,
			      I62608_IFACE_A_PAD) ||
	    i62608_nl_put_stats(skb, iface)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int i62608_nl_fill_iface(struct sk_buff *skb,
				const struct i62608_iface *iface, u32 portid,
				u32 seq, int flags, u8 cmd,
				struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &i62608_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (i62608_nl_put_iface(skb, iface)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int i62608_nl_version_get(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &i62608_genl_family, 0, I62608_CMD_VERSION_GET);
	if (!hdr)
		goto err_free_msg;
	if (nla_put_string(msg, I62608_A_MODULE_VERSION, I62608_MODULE_VERSION) ||
	    nla_put_u8(msg, I62608_A_PROTO_VERSION, I62608_PROTO_V1) ||
	    nla_put_u16(msg, I62608_A_ETHERTYPE, i62608_ethertype) ||
	    nla_put_u32(msg, I62608_A_EPOCH, in->epoch))
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int i62608_nl_iface_add(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct net_device *dev;
	int err;

	rtnl_lock();
	dev = i62608_nl_dev(info);
	if (IS_ERR(dev))
		err = PTR_ERR(dev);
	else
		err = i62608_iface_add(in, dev, info->extack);
	rtnl_unlock();
	return err;
}

static int i62608_nl_iface_del(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct i62608_iface *iface;
	struct net_device *dev;
	int err = 0;

	rtnl_lock();
	dev = i62608_nl_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out_unlock;
	}
	iface = i62608_iface_find(in, dev);
	if (!iface) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "protocol is not enabled on this interface");
		err = -ENOENT;
		goto out_unlock;
	}
	i62608_iface_del(iface, I62608_REASON_USER);
out_unlock:
	rtnl_unlock();
	return err;
}

static int i62608_nl_iface_get(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct i62608_iface *iface;
	struct net_device *dev;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	dev = i62608_nl_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_unlock;
	}
	iface = i62608_iface_find(in, dev);
	if (!iface) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "protocol is not enabled on this interface");
		err = -ENOENT;
		goto err_unlock;
	}
	err = i62608_nl_fill_iface(msg, iface, info->snd_portid, info->snd_seq,
				   0, I62608_CMD_IFACE_GET, NULL);
	if (err)
		goto err_unlock;
	rtnl_unlock();
	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	nlmsg_free(msg);
	return err;
}

static int i62608_nl_iface_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct i62608_net *in = i62608_pernet(sock_net(skb->sk));
	struct nlattr **attrs = i62608_dump_attrs(cb);
	struct i62608_iface *iface;
	long idx = 0, start = cb->args[0];
	int err = 0;

	if (attrs[I62608_A_IFINDEX] || attrs[I62608_A_IFNAME]) {
		NL_SET_ERR_MSG_MOD(cb->extack,
				   "a dump lists every interface: select one without NLM_F_DUMP");
		return -EINVAL;
	}

	rtnl_lock();
	cb->seq = in->ifaces_gen;
	list_for_each_entry(iface, &in->ifaces, list) {
		if (idx < start) {
			idx++;
			continue;
		}
		err = i62608_nl_fill_iface(skb, iface,
					   NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI,
					   I62608_CMD_IFACE_GET, cb);
		if (err)
			break;
		idx++;
	}
	rtnl_unlock();
	cb->args[0] = idx;

	/* A full message ends this part of the dump; userspace asks again. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static const struct genl_ops i62608_genl_ops[] = {
	{
		.cmd = I62608_CMD_VERSION_GET,
		.doit = i62608_nl_version_get,
		/* No policy: any attribute is rejected. */
	},
	{
		.cmd = I62608_CMD_IFACE_ADD,
		.doit = i62608_nl_iface_add,
		.policy = i62608_iface_sel_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_IFACE_DEL,
		.doit = i62608_nl_iface_del,
		.policy = i62608_iface_sel_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_IFACE_GET,
		.doit = i62608_nl_iface_get,
		.dumpit = i62608_nl_iface_dump,
		.policy = i62608_iface_sel_policy,
		.maxattr = I62608_A_MAX,
	},
};

static struct genl_family i62608_genl_family __ro_after_init = {
	.name = I62608_GENL_NAME,
	.version = I62608_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = i62608_genl_ops,
	.n_ops = ARRAY_SIZE(i62608_genl_ops),
	/* Every operation gets strict header and attribute checks. */
	.resv_start_op = I62608_CMD_VERSION_GET,
	.mcgrps = i62608_mcgrps,
	.n_mcgrps = ARRAY_SIZE(i62608_mcgrps),
};

void i62608_nl_notify_iface(struct i62608_iface *iface, u8 cmd,
			    enum i62608_reason reason)
{
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(i62608_nl_live))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &i62608_genl_family, 0, cmd);
	if (!hdr)
		goto err_free_msg;
	if (i62608_nl_put_iface(msg, iface) ||
	    (reason && nla_put_u32(msg, I62608_A_REASON, reason)))
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&i62608_genl_family, dev_net(iface->dev), msg,
				0, I62608_MCGRP_EVENTS_ID, GFP_KERNEL);
	return;

err_free_msg:
	nlmsg_free(msg);
}

int i62608_genl_register(void)
{
	int err;

	err = genl_register_family(&i62608_genl_family);
	if (!err)
		WRITE_ONCE(i62608_nl_live, true);
	return err;
}

void i62608_genl_unregister(void)
{
	WRITE_ONCE(i62608_nl_live, false);
	genl_unregister_family(&i62608_genl_family);
}
