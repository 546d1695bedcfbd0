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

#include <linux/etherdevice.h>
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

/* Selecting an agent: AGENT_GET, AGENT_DEL. */
static const struct nla_policy i62608_agent_sel_policy[I62608_A_MAX + 1] = {
	[I62608_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[I62608_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[I62608_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
};

static const struct nla_policy i62608_params_set_policy[I62608_A_MAX + 1] = {
	[I62608_A_PARAMS] = NLA_POLICY_NESTED(i62608_params_policy),
};

static const struct nla_policy i62608_key_set_policy[I62608_A_MAX + 1] = {
	[I62608_A_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(I62608_KEY_LEN),
};

/* PAIR_ADD, PAIR_DEL: a key or a code; a label when adding. */
static const struct nla_policy i62608_pair_policy[I62608_A_MAX + 1] = {
	[I62608_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(I62608_KEY_LEN),
	[I62608_A_CODE] = NLA_POLICY_EXACT_LEN(I62608_CODE_LEN),
	[I62608_A_NAME] = { .type = NLA_NUL_STRING, .len = I62608_STR_MAX },
};

static const struct nla_policy i62608_pair_open_policy[I62608_A_MAX + 1] = {
	[I62608_A_SECONDS] = NLA_POLICY_MAX(NLA_U32, 3600),
};

/* CONFIG_SEND: the agent, and the items as the wire carries them. */
static const struct nla_policy i62608_config_send_policy[I62608_A_MAX + 1] = {
	[I62608_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[I62608_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[I62608_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[I62608_A_CONFIG] = { .type = NLA_BINARY, .len = I62608_MAX_MSG },
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

/* ---------------------------------------------------------------- agents */

/*
 * The interface index named by IFINDEX and/or IFNAME, without RTNL: 0 when
 * none was given. Under rcu_read_lock().
 */
static int i62608_nl_ifindex_rcu(struct net *net, struct nlattr **attrs,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *ai = attrs[I62608_A_IFINDEX], *an = attrs[I62608_A_IFNAME];
	struct net_device *dev;
	int ifindex = 0;

	if (ai) {
		ifindex = nla_get_u32(ai);
		if (!dev_get_by_index_rcu(net, ifindex)) {
			NL_SET_BAD_ATTR(extack, ai);
			NL_SET_ERR_MSG_MOD(extack,
					   "no interface with this index in this namespace");
			return -ENODEV;
		}
	}
	if (an) {
		dev = dev_get_by_name_rcu(net, nla_data(an));
		if (!dev) {
			NL_SET_BAD_ATTR(extack, an);
			NL_SET_ERR_MSG_MOD(extack,
					   "no interface with this name in this namespace");
			return -ENODEV;
		}
		if (ifindex && ifindex != dev->ifindex) {
			NL_SET_BAD_ATTR(extack, an);
			NL_SET_ERR_MSG_MOD(extack,
					   "interface index and name refer to different interfaces");
			return -EINVAL;
		}
		ifindex = dev->ifindex;
	}
	return ifindex;
}

/* The agent a request names. Under rcu_read_lock(). */
static struct i62608_agent *i62608_nl_agent(struct i62608_net *in,
					    struct genl_info *info)
{
	struct i62608_agent *a, *found = NULL;
	const u8 *mac;
	int ifindex;

	if (GENL_REQ_ATTR_CHECK(info, I62608_A_MAC)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the agent's MAC address is required");
		return ERR_PTR(-EINVAL);
	}
	mac = nla_data(info->attrs[I62608_A_MAC]);
	ifindex = i62608_nl_ifindex_rcu(in->net, info->attrs, info->extack);
	if (ifindex < 0)
		return ERR_PTR(ifindex);
	if (ifindex) {
		found = i62608_agent_lookup(in, ifindex, mac);
	} else {
		list_for_each_entry_rcu(a, &in->agents, list) {
			if (!ether_addr_equal(a->key.mac, mac))
				continue;
			if (found) {
				NL_SET_ERR_MSG_MOD(info->extack,
						   "this MAC is known on several interfaces: name the interface");
				return ERR_PTR(-EINVAL);
			}
			found = a;
		}
	}
	if (!found || READ_ONCE(found->dead)) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[I62608_A_MAC]);
		NL_SET_ERR_MSG_MOD(info->extack, "no such agent");
		return ERR_PTR(-ENOENT);
	}
	return found;
}

struct agent_snap {
	u8 state;
	u16 ttl;
	u32 epoch;
	u32 report_id;
	u64 first_seen, last_seen, expires;
	u64 rx_frames, rx_bytes, tx_frames, ratelimited;
	u32 reports, restarts, handshakes;
	u8 trust;
	bool has_pub;
	u8 pub[I62608_KEY_LEN];
	u64 session_created;
};

static u64 age_ms(u64 now, u64 then)
{
	return now > then ? jiffies64_to_msecs(now - then) : 0;
}

/* Upper bound of an I62608_A_AGENT nest, for sizing messages. */
static size_t i62608_nl_agent_size(struct i62608_agent *a)
{
	const struct i62608_report_blob *rep;
	size_t report;

	rcu_read_lock();
	rep = rcu_dereference(a->report);
	report = rep ? nla_total_size(rep->len) : 0;
	rcu_read_unlock();
	return nla_total_size(0) +		/* the nest */
		4 * nla_total_size(sizeof(u32)) +	/* ifindex, epoch, ... */
		nla_total_size(IFNAMSIZ) +
		nla_total_size(ETH_ALEN) + nla_total_size(4) +
		3 * nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u16)) +
		3 * nla_total_size(sizeof(u32)) +
		7 * nla_total_size_64bit(sizeof(u64)) +
		5 * nla_total_size(I62608_STR_MAX + 1) +
		nla_total_size(0) +		/* partial */
		nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u32)) +
		nla_total_size(I62608_KEY_LEN) + nla_total_size_64bit(sizeof(u64)) +
		report;
}

/* One I62608_A_AGENT nest, self-contained. Under rcu_read_lock(). */
static int i62608_nl_put_agent(struct sk_buff *skb, struct i62608_net *in,
			       struct i62608_agent *a)
{
	const struct i62608_report_blob *rep;
	const struct net_device *dev;
	u64 now = get_jiffies_64();
	struct agent_snap sn;
	struct nlattr *nest;

	spin_lock_bh(&a->lock);
	sn.state = a->state;
	sn.ttl = a->ttl;
	sn.epoch = a->epoch;
	sn.report_id = a->report_id;
	sn.first_seen = a->first_seen;
	sn.last_seen = a->last_seen;
	sn.expires = a->expires;
	sn.rx_frames = a->rx_frames;
	sn.rx_bytes = a->rx_bytes;
	sn.tx_frames = a->tx_frames;
	sn.ratelimited = a->ratelimited;
	sn.reports = a->reports;
	sn.restarts = a->restarts;
	sn.handshakes = a->handshakes;
	sn.trust = i62608_agent_trust(a);
	sn.has_pub = a->has_pub;
	memcpy(sn.pub, a->pub, sizeof(sn.pub));
	{
		struct i62608_session *s = rcu_dereference(a->cur);

		sn.session_created = s ? s->created : 0;
	}
	/* The blob is freed after a grace period: readable under RCU. */
	rep = rcu_dereference(a->report);
	spin_unlock_bh(&a->lock);

	nest = nla_nest_start(skb, I62608_A_AGENT);
	if (!nest)
		return -EMSGSIZE;
	dev = dev_get_by_index_rcu(in->net, a->key.ifindex);
	if (nla_put_u32(skb, I62608_AGENT_A_IFINDEX, a->key.ifindex) ||
	    (dev && nla_put_string(skb, I62608_AGENT_A_IFNAME, dev->name)) ||
	    nla_put(skb, I62608_AGENT_A_MAC, ETH_ALEN, a->key.mac) ||
	    nla_put_u8(skb, I62608_AGENT_A_STATE, sn.state) ||
	    nla_put_u32(skb, I62608_AGENT_A_EPOCH, sn.epoch) ||
	    nla_put_u64_64bit(skb, I62608_AGENT_A_FIRST_SEEN_MS,
			      age_ms(now, sn.first_seen), I62608_AGENT_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_AGENT_A_LAST_SEEN_MS,
			      age_ms(now, sn.last_seen), I62608_AGENT_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_AGENT_A_EXPIRES_MS,
			      age_ms(sn.expires, now), I62608_AGENT_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_AGENT_A_RX_FRAMES, sn.rx_frames,
			      I62608_AGENT_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_AGENT_A_RX_BYTES, sn.rx_bytes,
			      I62608_AGENT_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_AGENT_A_TX_FRAMES, sn.tx_frames,
			      I62608_AGENT_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_AGENT_A_RATELIMITED, sn.ratelimited,
			      I62608_AGENT_A_PAD) ||
	    nla_put_u32(skb, I62608_AGENT_A_REPORTS, sn.reports) ||
	    nla_put_u32(skb, I62608_AGENT_A_RESTARTS, sn.restarts))
		goto err_cancel;
	if (sn.ttl && nla_put_u16(skb, I62608_AGENT_A_TTL, sn.ttl))
		goto err_cancel;
	if (nla_put_u8(skb, I62608_AGENT_A_TRUST, sn.trust) ||
	    nla_put_u32(skb, I62608_AGENT_A_HANDSHAKES, sn.handshakes) ||
	    (sn.has_pub &&
	     nla_put(skb, I62608_AGENT_A_PUBLIC_KEY, I62608_KEY_LEN, sn.pub)) ||
	    (sn.session_created &&
	     nla_put_u64_64bit(skb, I62608_AGENT_A_SESSION_AGE_MS,
			       age_ms(now, sn.session_created), I62608_AGENT_A_PAD)))
		goto err_cancel;
	if (rep) {
		const struct i62608_summary *sum = &rep->sum;

		if (nla_put_u32(skb, I62608_AGENT_A_REPORT_ID, sn.report_id) ||
		    nla_put_u8(skb, I62608_AGENT_A_DEVICE_TYPE, sum->device_type) ||
		    nla_put_u32(skb, I62608_AGENT_A_CAPABILITIES, sum->caps) ||
		    (sum->vendor[0] &&
		     nla_put_string(skb, I62608_AGENT_A_VENDOR, sum->vendor)) ||
		    (sum->model[0] &&
		     nla_put_string(skb, I62608_AGENT_A_MODEL, sum->model)) ||
		    (sum->name[0] &&
		     nla_put_string(skb, I62608_AGENT_A_NAME, sum->name)) ||
		    (sum->serial[0] &&
		     nla_put_string(skb, I62608_AGENT_A_SERIAL, sum->serial)) ||
		    (sum->firmware[0] &&
		     nla_put_string(skb, I62608_AGENT_A_FIRMWARE, sum->firmware)) ||
		    (sum->has_addr4 &&
		     (nla_put(skb, I62608_AGENT_A_ADDR4, 4, sum->addr4) ||
		      nla_put_u8(skb, I62608_AGENT_A_ADDR4_PLEN, sum->plen4))) ||
		    (rep->partial && nla_put_flag(skb, I62608_AGENT_A_PARTIAL)) ||
		    nla_put(skb, I62608_AGENT_A_REPORT, rep->len, rep->data))
			goto err_cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int i62608_nl_agent_get(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct i62608_agent *a;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	a = i62608_nl_agent(in, info);
	if (IS_ERR(a)) {
		err = PTR_ERR(a);
		goto err_unlock;
	}
	err = -EMSGSIZE;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &i62608_genl_family, 0, I62608_CMD_AGENT_GET);
	if (!hdr || i62608_nl_put_agent(msg, in, a))
		goto err_unlock;
	rcu_read_unlock();
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	rcu_read_unlock();
	nlmsg_free(msg);
	return err;
}

/*
 * cb->args: [0] agents already dumped, [1] interface filter (0: none),
 * [2] set once the filter was resolved.
 */
static int i62608_nl_agent_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct i62608_net *in = i62608_pernet(sock_net(skb->sk));
	long idx = 0, start = cb->args[0];
	struct i62608_agent *a;
	int err = 0;

	rcu_read_lock();
	if (!cb->args[2]) {
		int ifindex = i62608_nl_ifindex_rcu(in->net, i62608_dump_attrs(cb),
						    cb->extack);

		if (ifindex < 0) {
			rcu_read_unlock();
			return ifindex;
		}
		cb->args[1] = ifindex;
		cb->args[2] = 1;
	}
	cb->seq = READ_ONCE(in->agents_gen);
	list_for_each_entry_rcu(a, &in->agents, list) {
		void *hdr;

		if (cb->args[1] && a->key.ifindex != cb->args[1])
			continue;
		if (idx < start) {
			idx++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &i62608_genl_family,
				  NLM_F_MULTI, I62608_CMD_AGENT_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (i62608_nl_put_agent(skb, in, a)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int i62608_nl_agent_del(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct i62608_agent *a;
	int err;

	rcu_read_lock();
	a = i62608_nl_agent(in, info);
	if (IS_ERR(a))
		err = PTR_ERR(a);
	else
		err = i62608_agent_del(in, a, I62608_REASON_USER);
	rcu_read_unlock();
	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no such agent");
	return err;
}

/* ----------------------------------------------------- stats and params */

/* Agents with a session now. */
static u32 i62608_nl_sessions(struct i62608_net *in)
{
	struct i62608_agent *a;
	u32 n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(a, &in->agents, list)
		n += !!rcu_access_pointer(a->cur);
	rcu_read_unlock();
	return n;
}

static int i62608_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct i62608_ns_counters *c = &in->cnt;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &i62608_genl_family, 0, I62608_CMD_STATS_GET);
	if (!hdr)
		goto err_free_msg;
	nest = nla_nest_start(msg, I62608_A_STATS);
	if (!nest ||
	    nla_put_u32(msg, I62608_NSSTATS_A_AGENTS, READ_ONCE(in->n_agents)) ||
	    nla_put_u32(msg, I62608_NSSTATS_A_DISCOVERED,
			atomic_read(&in->n_state[I62608_AGENT_DISCOVERED])) ||
	    nla_put_u32(msg, I62608_NSSTATS_A_REPORTED,
			atomic_read(&in->n_state[I62608_AGENT_REPORTED])) ||
	    nla_put_u32(msg, I62608_NSSTATS_A_LOST,
			atomic_read(&in->n_state[I62608_AGENT_LOST])) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_CREATED,
			      atomic64_read(&c->created), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_EXPIRED,
			      atomic64_read(&c->expired), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_BYES,
			      atomic64_read(&c->byes), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_RESTARTS,
			      atomic64_read(&c->restarts), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_EVICTED,
			      atomic64_read(&c->evicted), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_TABLE_FULL,
			      atomic64_read(&c->table_full), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_RATELIMITED,
			      atomic64_read(&c->ratelimited), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_NTF_FAILED,
			      atomic64_read(&c->ntf_failed), I62608_NSSTATS_A_PAD) ||
	    nla_put_u32(msg, I62608_NSSTATS_A_SESSIONS, i62608_nl_sessions(in)) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_HANDSHAKES,
			      atomic64_read(&c->handshakes), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_HS_REJECTED,
			      atomic64_read(&c->hs_rejected), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_HS_FAILED,
			      atomic64_read(&c->hs_failed), I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_DECRYPT_FAIL_SENT,
			      atomic64_read(&c->decrypt_fail_sent),
			      I62608_NSSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, I62608_NSSTATS_A_EPOCH_IGNORED,
			      atomic64_read(&c->epoch_ignored),
			      I62608_NSSTATS_A_PAD))
		goto err_free_msg;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int i62608_nl_params_get(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	const struct i62608_params *p = &in->params;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &i62608_genl_family, 0, I62608_CMD_PARAMS_GET);
	if (!hdr)
		goto err_free_msg;
	nest = nla_nest_start(msg, I62608_A_PARAMS);
	if (!nest ||
	    nla_put_u32(msg, I62608_PARAM_A_MAX_AGENTS, READ_ONCE(p->max_agents)) ||
	    nla_put_u32(msg, I62608_PARAM_A_MAX_AGENTS_PER_IFACE,
			READ_ONCE(p->max_agents_per_iface)) ||
	    nla_put_u32(msg, I62608_PARAM_A_AGING_INTERVAL_MS,
			READ_ONCE(p->aging_interval_ms)) ||
	    nla_put_u32(msg, I62608_PARAM_A_PENDING_TTL_MS,
			READ_ONCE(p->pending_ttl_ms)) ||
	    nla_put_u32(msg, I62608_PARAM_A_LOST_LINGER_MS,
			READ_ONCE(p->lost_linger_ms)) ||
	    nla_put_u32(msg, I62608_PARAM_A_RATE, READ_ONCE(p->rate)) ||
	    nla_put_u32(msg, I62608_PARAM_A_BURST, READ_ONCE(p->burst)) ||
	    nla_put_u32(msg, I62608_PARAM_A_ADV_INTERVAL_MS,
			READ_ONCE(p->adv_interval_ms)) ||
	    nla_put_u32(msg, I62608_PARAM_A_HEARTBEAT_INTERVAL_S,
			READ_ONCE(p->heartbeat_interval_s)) ||
	    nla_put_u32(msg, I62608_PARAM_A_MAX_TTL_S, READ_ONCE(p->max_ttl_s)) ||
	    nla_put_u32(msg, I62608_PARAM_A_REQUIRE_AUTH, READ_ONCE(p->require_auth)) ||
	    nla_put_u32(msg, I62608_PARAM_A_REJECT_AFTER_S,
			READ_ONCE(p->reject_after_s)) ||
	    nla_put_u32(msg, I62608_PARAM_A_CONFIG_RTO_MS,
			READ_ONCE(p->config_rto_ms)) ||
	    nla_put_u32(msg, I62608_PARAM_A_CONFIG_TRIES, READ_ONCE(p->config_tries)) ||
	    nla_put_u32(msg, I62608_PARAM_A_MAX_PENDING, READ_ONCE(p->max_pending)))
		goto err_free_msg;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int i62608_nl_params_set(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct nlattr *tb[I62608_PARAM_A_MAX + 1];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, I62608_A_PARAMS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "parameters (A_PARAMS) required");
		return -EINVAL;
	}
	/* The policy checked every value already; this only splits them. */
	err = nla_parse_nested(tb, I62608_PARAM_A_MAX, info->attrs[I62608_A_PARAMS],
			       i62608_params_policy, info->extack);
	if (err)
		return err;
	return i62608_params_set(in, tb, info->extack);
}

/* -------------------------------------------------------------- security */

static int i62608_nl_key_set(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));

	if (GENL_REQ_ATTR_CHECK(info, I62608_A_PRIVATE_KEY)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the private key is required");
		return -EINVAL;
	}
	return i62608_key_set(in, nla_data(info->attrs[I62608_A_PRIVATE_KEY]),
			      info->extack);
}

static int i62608_nl_key_get(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	u8 pub[I62608_KEY_LEN];
	struct sk_buff *msg;
	bool has;
	void *hdr;

	mutex_lock(&in->sec_lock);
	has = in->has_key;
	memcpy(pub, in->key.pub, sizeof(pub));
	mutex_unlock(&in->sec_lock);
	if (!has) {
		NL_SET_ERR_MSG_MOD(info->extack, "no configurator key is set");
		return -ENOENT;
	}
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &i62608_genl_family, 0, I62608_CMD_KEY_GET);
	if (!hdr || nla_put(msg, I62608_A_PUBLIC_KEY, I62608_KEY_LEN, pub)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Exactly one of A_PUBLIC_KEY and A_CODE. */
static int i62608_nl_pair_sel(struct genl_info *info, const u8 **pub,
			      const u8 **code)
{
	struct nlattr *k = info->attrs[I62608_A_PUBLIC_KEY];
	struct nlattr *c = info->attrs[I62608_A_CODE];

	if (!!k == !!c) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "give the agent's public key or its pairing code (one of them)");
		return -EINVAL;
	}
	*pub = k ? nla_data(k) : NULL;
	*code = c ? nla_data(c) : NULL;
	return 0;
}

static int i62608_nl_pair_add(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct nlattr *n = info->attrs[I62608_A_NAME];
	const u8 *pub, *code;
	int err;

	err = i62608_nl_pair_sel(info, &pub, &code);
	if (err)
		return err;
	return i62608_pair_add(in, pub, code, n ? nla_data(n) : NULL,
			       info->extack);
}

static int i62608_nl_pair_del(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	const u8 *pub, *code;
	int err;

	err = i62608_nl_pair_sel(info, &pub, &code);
	if (err)
		return err;
	return i62608_pair_del(in, pub, code, info->extack);
}

static int i62608_nl_put_pair(struct sk_buff *skb, const struct i62608_pair *p)
{
	struct nlattr *nest = nla_nest_start(skb, I62608_A_PAIR);

	if (!nest)
		return -EMSGSIZE;
	if ((p->has_key &&
	     nla_put(skb, I62608_PAIR_A_PUBLIC_KEY, I62608_KEY_LEN, p->pub)) ||
	    nla_put(skb, I62608_PAIR_A_CODE, I62608_CODE_LEN, p->code) ||
	    (p->name[0] && nla_put_string(skb, I62608_PAIR_A_NAME, p->name)) ||
	    nla_put_u8(skb, I62608_PAIR_A_ORIGIN, p->origin) ||
	    nla_put_u64_64bit(skb, I62608_PAIR_A_AGE_MS,
			      age_ms(get_jiffies_64(), p->added), I62608_PAIR_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The window: how long it stays open (0: closed). */
static int i62608_nl_pair_get(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	u64 now = get_jiffies_64(), until;
	struct sk_buff *msg;
	void *hdr;

	mutex_lock(&in->sec_lock);
	until = in->window_until;
	mutex_unlock(&in->sec_lock);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &i62608_genl_family, 0, I62608_CMD_PAIR_GET);
	if (!hdr || nla_put_u64_64bit(msg, I62608_A_WINDOW_MS,
				      until > now ? jiffies64_to_msecs(until - now) : 0,
				      I62608_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: pairings already dumped. */
static int i62608_nl_pair_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct i62608_net *in = i62608_pernet(sock_net(skb->sk));
	long idx = 0, start = cb->args[0];
	struct i62608_pair *p;
	int err = 0;

	mutex_lock(&in->sec_lock);
	list_for_each_entry(p, &in->pairs, list) {
		void *hdr;

		if (idx < start) {
			idx++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &i62608_genl_family,
				  NLM_F_MULTI, I62608_CMD_PAIR_GET);
		if (!hdr || i62608_nl_put_pair(skb, p)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	mutex_unlock(&in->sec_lock);
	cb->args[0] = idx;
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int i62608_nl_pair_open(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));

	if (GENL_REQ_ATTR_CHECK(info, I62608_A_SECONDS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the window's length in seconds is required");
		return -EINVAL;
	}
	i62608_pair_window(in, nla_get_u32(info->attrs[I62608_A_SECONDS]));
	return 0;
}

/* --------------------------------------------------------- configuration */

static int i62608_nl_config_send(struct sk_buff *skb, struct genl_info *info)
{
	struct i62608_net *in = i62608_pernet(genl_info_net(info));
	struct i62608_agent_key key;
	struct i62608_agent *a;
	struct sk_buff *msg;
	u32 id = 0;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, I62608_A_CONFIG)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the configuration items (A_CONFIG) are required");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	a = i62608_nl_agent(in, info);
	if (IS_ERR(a)) {
		rcu_read_unlock();
		nlmsg_free(msg);
		return PTR_ERR(a);
	}
	/* The request names its agent by key; it may sleep, RCU may not. */
	key = a->key;
	rcu_read_unlock();
	err = i62608_config_send(in, &key, nla_data(info->attrs[I62608_A_CONFIG]),
				 nla_len(info->attrs[I62608_A_CONFIG]), &id,
				 info->extack);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &i62608_genl_family, 0, I62608_CMD_CONFIG_SEND);
	if (!hdr || nla_put_u32(msg, I62608_A_REQUEST_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int i62608_nl_put_pending(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct i62608_agent_key *key, u32 id, u32 tries,
			  u64 age, u64 next)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &i62608_genl_family, NLM_F_MULTI, I62608_CMD_CONFIG_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, I62608_A_PENDING);
	if (!nest ||
	    nla_put_u32(skb, I62608_PENDING_A_IFINDEX, key->ifindex) ||
	    nla_put(skb, I62608_PENDING_A_MAC, ETH_ALEN, key->mac) ||
	    nla_put_u32(skb, I62608_PENDING_A_REQUEST_ID, id) ||
	    nla_put_u32(skb, I62608_PENDING_A_TRIES, tries) ||
	    nla_put_u64_64bit(skb, I62608_PENDING_A_AGE_MS, jiffies64_to_msecs(age),
			      I62608_PENDING_A_PAD) ||
	    nla_put_u64_64bit(skb, I62608_PENDING_A_NEXT_MS, jiffies64_to_msecs(next),
			      I62608_PENDING_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int i62608_nl_config_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return i62608_config_dump(i62608_pernet(sock_net(skb->sk)), skb, cb);
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
	{
		.cmd = I62608_CMD_AGENT_GET,
		.doit = i62608_nl_agent_get,
		.dumpit = i62608_nl_agent_dump,
		.policy = i62608_agent_sel_policy,
		.maxattr = I62608_A_MAX,
	},
	{
		.cmd = I62608_CMD_AGENT_DEL,
		.doit = i62608_nl_agent_del,
		.policy = i62608_agent_sel_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_STATS_GET,
		.doit = i62608_nl_stats_get,
	},
	{
		.cmd = I62608_CMD_PARAMS_GET,
		.doit = i62608_nl_params_get,
	},
	{
		.cmd = I62608_CMD_PARAMS_SET,
		.doit = i62608_nl_params_set,
		.policy = i62608_params_set_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_KEY_SET,
		.doit = i62608_nl_key_set,
		.policy = i62608_key_set_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_KEY_GET,
		.doit = i62608_nl_key_get,
	},
	{
		.cmd = I62608_CMD_PAIR_ADD,
		.doit = i62608_nl_pair_add,
		.policy = i62608_pair_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_PAIR_DEL,
		.doit = i62608_nl_pair_del,
		.policy = i62608_pair_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_PAIR_GET,
		.doit = i62608_nl_pair_get,
		.dumpit = i62608_nl_pair_dump,
	},
	{
		.cmd = I62608_CMD_PAIR_OPEN,
		.doit = i62608_nl_pair_open,
		.policy = i62608_pair_open_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_CONFIG_SEND,
		.doit = i62608_nl_config_send,
		.policy = i62608_config_send_policy,
		.maxattr = I62608_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = I62608_CMD_CONFIG_GET,
		.dumpit = i62608_nl_config_dump,
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

static bool i62608_nl_listened(struct net *net)
{
	return READ_ONCE(i62608_nl_live) &&
	       genl_has_listeners(&i62608_genl_family, net, I62608_MCGRP_EVENTS_ID);
}

static void i62608_nl_send_event(struct i62608_net *in, struct sk_buff *msg)
{
	/* Nobody may be listening at this instant: -ESRCH is no failure. */
	int err = genlmsg_multicast_netns(&i62608_genl_family, in->net, msg, 0,
					  I62608_MCGRP_EVENTS_ID, GFP_ATOMIC);

	if (err && err != -ESRCH)
		atomic64_inc(&in->cnt.ntf_failed);
}

/*
 * From the receive path, the sweep, netlink commands and interface removal;
 * possibly in softirq context, hence GFP_ATOMIC.
 */
void i62608_nl_notify_agent(struct i62608_net *in, struct i62608_agent *a,
			    u8 cmd, enum i62608_reason reason, bool restarted)
{
	struct sk_buff *msg;
	void *hdr;

	if (!i62608_nl_listened(in->net))
		return;
	/* Sized to the content: floods of events must not eat memory. */
	msg = genlmsg_new(i62608_nl_agent_size(a) + nla_total_size(sizeof(u32)) +
			  nla_total_size(0), GFP_ATOMIC);
	if (!msg)
		goto err_count;
	hdr = genlmsg_put(msg, 0, 0, &i62608_genl_family, 0, cmd);
	if (!hdr)
		goto err_free_msg;
	rcu_read_lock();
	if (i62608_nl_put_agent(msg, in, a) ||
	    (reason && nla_put_u32(msg, I62608_A_REASON, reason)) ||
	    (restarted && nla_put_flag(msg, I62608_A_RESTARTED))) {
		rcu_read_unlock();
		goto err_free_msg;
	}
	rcu_read_unlock();
	genlmsg_end(msg, hdr);
	i62608_nl_send_event(in, msg);
	return;

err_free_msg:
	nlmsg_free(msg);
err_count:
	atomic64_inc(&in->cnt.ntf_failed);
}

void i62608_nl_notify_table_full(struct i62608_net *in,
				 struct i62608_iface *iface,
				 enum i62608_limit limit)
{
	struct sk_buff *msg;
	void *hdr;

	if (!i62608_nl_listened(in->net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		goto err_count;
	hdr = genlmsg_put(msg, 0, 0, &i62608_genl_family, 0,
			  I62608_CMD_TABLE_FULL_NTF);
	if (!hdr ||
	    nla_put_u32(msg, I62608_A_IFINDEX, iface->dev->ifindex) ||
	    nla_put_string(msg, I62608_A_IFNAME, iface->dev->name) ||
	    nla_put_u32(msg, I62608_A_LIMIT, limit) ||
	    nla_put_u64_64bit(msg, I62608_A_DROPPED,
			      atomic64_xchg(&in->full_dropped, 0), I62608_A_PAD))
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	i62608_nl_send_event(in, msg);
	return;

err_free_msg:
	nlmsg_free(msg);
err_count:
	atomic64_inc(&in->cnt.ntf_failed);
}

void i62608_nl_notify_pair(struct i62608_net *in, const struct i62608_pair *p,
			   const u8 *mac)
{
	struct sk_buff *msg;
	void *hdr;

	if (!i62608_nl_listened(in->net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto err_count;
	hdr = genlmsg_put(msg, 0, 0, &i62608_genl_family, 0, I62608_CMD_PAIR_NTF);
	if (!hdr || i62608_nl_put_pair(msg, p) ||
	    nla_put(msg, I62608_A_MAC, ETH_ALEN, mac))
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	i62608_nl_send_event(in, msg);
	return;

err_free_msg:
	nlmsg_free(msg);
err_count:
	atomic64_inc(&in->cnt.ntf_failed);
}

/* Any context but hard IRQ. */
void i62608_nl_notify_config(struct i62608_net *in,
			     const struct i62608_agent_key *key, u32 id,
			     u8 outcome, u32 tries, const u8 *results,
			     size_t len)
{
	const struct net_device *dev;
	struct sk_buff *msg;
	void *hdr;

	if (!i62608_nl_listened(in->net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE + len, GFP_ATOMIC);
	if (!msg)
		goto err_count;
	hdr = genlmsg_put(msg, 0, 0, &i62608_genl_family, 0,
			  I62608_CMD_CONFIG_RESULT_NTF);
	if (!hdr ||
	    nla_put_u32(msg, I62608_A_IFINDEX, key->ifindex) ||
	    nla_put(msg, I62608_A_MAC, ETH_ALEN, key->mac) ||
	    nla_put_u32(msg, I62608_A_REQUEST_ID, id) ||
	    nla_put_u8(msg, I62608_A_OUTCOME, outcome) ||
	    nla_put_u32(msg, I62608_A_TRIES, tries) ||
	    (len && nla_put(msg, I62608_A_RESULTS, len, results)))
		goto err_free_msg;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(in->net, key->ifindex);
	if (dev && nla_put_string(msg, I62608_A_IFNAME, dev->name)) {
		rcu_read_unlock();
		goto err_free_msg;
	}
	rcu_read_unlock();
	genlmsg_end(msg, hdr);
	i62608_nl_send_event(in, msg);
	return;

err_free_msg:
	nlmsg_free(msg);
err_count:
	atomic64_inc(&in->cnt.ntf_failed);
}

/* Softirq: an authenticated CONFIG_REPORT. */
void i62608_nl_notify_config_report(struct i62608_net *in,
				    struct i62608_agent *a,
				    const struct i62608_frame *m)
{
	struct sk_buff *msg;
	void *hdr;

	if (!i62608_nl_listened(in->net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE + m->body_len, GFP_ATOMIC);
	if (!msg)
		goto err_count;
	hdr = genlmsg_put(msg, 0, 0, &i62608_genl_family, 0,
			  I62608_CMD_CONFIG_REPORT_NTF);
	if (!hdr ||
	    nla_put_u32(msg, I62608_A_IFINDEX, a->key.ifindex) ||
	    nla_put(msg, I62608_A_MAC, ETH_ALEN, a->key.mac) ||
	    nla_put(msg, I62608_A_CONFIG, m->body_len, m->body))
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	i62608_nl_send_event(in, msg);
	return;

err_free_msg:
	nlmsg_free(msg);
err_count:
	atomic64_inc(&in->cnt.ntf_failed);
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
