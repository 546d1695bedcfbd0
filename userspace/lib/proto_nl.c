// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the i62608 family's attributes. Replies from the kernel are
 * validated against these policies too: a malformed reply is an error, not
 * undefined behaviour.
 */

#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "nl.h"

static struct nla_policy top_policy[I62608_A_MAX + 1] = {
	[I62608_A_IFINDEX] = { .type = NLA_U32 },
	[I62608_A_IFNAME] = { .type = NLA_STRING, .maxlen = IF_NAMESIZE },
	[I62608_A_IFACE] = { .type = NLA_NESTED },
	[I62608_A_MODULE_VERSION] = { .type = NLA_STRING, .maxlen = 64 },
	[I62608_A_PROTO_VERSION] = { .type = NLA_U8 },
	[I62608_A_ETHERTYPE] = { .type = NLA_U16 },
	[I62608_A_EPOCH] = { .type = NLA_U32 },
	[I62608_A_REASON] = { .type = NLA_U32 },
};

static struct nla_policy iface_policy[I62608_IFACE_A_MAX + 1] = {
	[I62608_IFACE_A_IFINDEX] = { .type = NLA_U32 },
	[I62608_IFACE_A_IFNAME] = { .type = NLA_STRING, .maxlen = IF_NAMESIZE },
	[I62608_IFACE_A_ADDRESS] = { .minlen = 6, .maxlen = 6 },
	[I62608_IFACE_A_AGE_MS] = { .type = NLA_U64 },
	[I62608_IFACE_A_STATS] = { .type = NLA_NESTED },
};

static struct nla_policy stats_policy[I62608_STATS_A_MAX + 1] = {
	[I62608_STATS_A_RX_FRAMES] = { .type = NLA_U64 },
	[I62608_STATS_A_RX_BYTES] = { .type = NLA_U64 },
	[I62608_STATS_A_TX_FRAMES] = { .type = NLA_U64 },
	[I62608_STATS_A_TX_BYTES] = { .type = NLA_U64 },
	[I62608_STATS_A_TX_ERRORS] = { .type = NLA_U64 },
	[I62608_STATS_A_DROPS] = { .type = NLA_NESTED },
};

int i62608_nl_parse(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, I62608_A_MAX, top_policy)
		? -EBADMSG : 0;
}

uint8_t i62608_nl_cmd(struct nl_msg *msg)
{
	return ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static int parse_stats(struct nlattr *nest, struct i62608_stats_info *st)
{
	struct nlattr *tb[I62608_STATS_A_MAX + 1], *a;
	int rem;

	memset(st, 0, sizeof(*st));
	if (nla_parse_nested(tb, I62608_STATS_A_MAX, nest, stats_policy))
		return -EBADMSG;
	st->rx_frames = get_u64(tb[I62608_STATS_A_RX_FRAMES]);
	st->rx_bytes = get_u64(tb[I62608_STATS_A_RX_BYTES]);
	st->tx_frames = get_u64(tb[I62608_STATS_A_TX_FRAMES]);
	st->tx_bytes = get_u64(tb[I62608_STATS_A_TX_BYTES]);
	st->tx_errors = get_u64(tb[I62608_STATS_A_TX_ERRORS]);
	if (tb[I62608_STATS_A_DROPS]) {
		nla_for_each_nested(a, tb[I62608_STATS_A_DROPS], rem) {
			int t = nla_type(a);

			/* Type 0 is padding; newer reasons are ignored. */
			if (t < 1 || t > I62608_DROP_MAX)
				continue;
			if (nla_len(a) != 8)
				return -EBADMSG;
			st->drops[t] = nla_get_u64(a);
		}
	}
	return 0;
}

int i62608_parse_iface(struct nlattr *nest, struct i62608_iface_info *info)
{
	struct nlattr *tb[I62608_IFACE_A_MAX + 1];

	memset(info, 0, sizeof(*info));
	if (!nest || nla_parse_nested(tb, I62608_IFACE_A_MAX, nest, iface_policy))
		return -EBADMSG;
	if (!tb[I62608_IFACE_A_IFINDEX] || !tb[I62608_IFACE_A_IFNAME])
		return -EBADMSG;
	info->ifindex = nla_get_u32(tb[I62608_IFACE_A_IFINDEX]);
	nla_strlcpy(info->ifname, tb[I62608_IFACE_A_IFNAME], sizeof(info->ifname));
	if (tb[I62608_IFACE_A_ADDRESS])
		memcpy(info->address, nla_data(tb[I62608_IFACE_A_ADDRESS]), 6);
	info->age_ms = get_u64(tb[I62608_IFACE_A_AGE_MS]);
	if (tb[I62608_IFACE_A_STATS]) {
		info->has_stats = true;
		return parse_stats(tb[I62608_IFACE_A_STATS], &info->stats);
	}
	return 0;
}

static const char *const drop_names[I62608_DROP_MAX + 1] = {
	[I62608_DROP_TRUNCATED] = "truncated",
	[I62608_DROP_VERSION] = "version",
	[I62608_DROP_LENGTH] = "length",
	[I62608_DROP_MALFORMED] = "malformed",
	[I62608_DROP_SRC_MAC] = "src_mac",
	[I62608_DROP_OWN] = "own",
	[I62608_DROP_TYPE] = "type",
};

static const char *const reason_names[I62608_REASON_MAX + 1] = {
	[I62608_REASON_USER] = "user",
	[I62608_REASON_IFACE_GONE] = "iface_gone",
	[I62608_REASON_NETNS_EXIT] = "netns_exit",
};

static const char *const cmd_names[I62608_CMD_MAX + 1] = {
	[I62608_CMD_VERSION_GET] = "version",
	[I62608_CMD_IFACE_ADD] = "iface_add",
	[I62608_CMD_IFACE_DEL] = "iface_del",
	[I62608_CMD_IFACE_GET] = "iface",
	[I62608_CMD_IFACE_NEW_NTF] = "iface_new",
	[I62608_CMD_IFACE_DEL_NTF] = "iface_del",
};

#define NAME_OR(tab, i) \
	((i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] : "unknown")

const char *i62608_drop_name(unsigned int reason)
{
	return NAME_OR(drop_names, reason);
}

const char *i62608_reason_name(unsigned int reason)
{
	return NAME_OR(reason_names, reason);
}

const char *i62608_cmd_name(unsigned int cmd)
{
	return NAME_OR(cmd_names, cmd);
}
