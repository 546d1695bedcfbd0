// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the i62608 family's attributes. Replies and notifications
 * from the kernel are validated against these policies too: a malformed
 * message is an error, not undefined behaviour. Every fixed-size attribute
 * has its exact size as .maxlen (libnl checks only the minimum otherwise),
 * and every string must be NUL-terminated within its bound.
 *
 * This file needs nothing but libnl and nl.h (the C selftests link it
 * alone with nl.c).
 */

#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "nl.h"

#define U8 { .type = NLA_U8, .maxlen = 1 }
#define U16 { .type = NLA_U16, .maxlen = 2 }
#define U32 { .type = NLA_U32, .maxlen = 4 }
#define U64 { .type = NLA_U64, .maxlen = 8 }
#define BIN(n) { .minlen = (n), .maxlen = (n) }
/* @n counts the terminating NUL. */
#define STR(n) { .type = NLA_STRING, .maxlen = (n) }
#define NEST { .type = NLA_NESTED }
#define FLAG { .type = NLA_FLAG }

/* Presence is kept in bit masks. */
_Static_assert(I62608_AGENT_A_MAX < 64, "agent attributes fit a u64 mask");
_Static_assert(I62608_NSSTATS_A_MAX < 64, "counters fit a u64 mask");
_Static_assert(I62608_PARAM_A_MAX < 32, "parameters fit a u32 mask");

/* Longest TLV area of a message: one frame less the header. */
#define BODY_MAX (I62608_MAX_MSG - (int)sizeof(struct i62608_hdr))

static struct nla_policy top_policy[I62608_A_MAX + 1] = {
	[I62608_A_IFINDEX] = U32,
	[I62608_A_IFNAME] = STR(IF_NAMESIZE),
	[I62608_A_IFACE] = NEST,
	[I62608_A_MODULE_VERSION] = STR(64),
	[I62608_A_PROTO_VERSION] = U8,
	[I62608_A_ETHERTYPE] = U16,
	[I62608_A_EPOCH] = U32,
	[I62608_A_REASON] = U32,
	[I62608_A_MAC] = BIN(6),
	[I62608_A_AGENT] = NEST,
	[I62608_A_STATS] = NEST,
	[I62608_A_PARAMS] = NEST,
	[I62608_A_RESTARTED] = FLAG,
	[I62608_A_LIMIT] = U32,
	[I62608_A_DROPPED] = U64,
	[I62608_A_PRIVATE_KEY] = BIN(32),
	[I62608_A_PUBLIC_KEY] = BIN(32),
	[I62608_A_CODE] = BIN(10),
	[I62608_A_NAME] = STR(I62608_STR_MAX + 1),
	[I62608_A_PAIR] = NEST,
	[I62608_A_SECONDS] = U32,
	[I62608_A_WINDOW_MS] = U64,
	[I62608_A_CONFIG] = { .maxlen = BODY_MAX },
	[I62608_A_REQUEST_ID] = U32,
	[I62608_A_OUTCOME] = U8,
	[I62608_A_RESULTS] = { .maxlen = BODY_MAX },
	[I62608_A_TRIES] = U32,
	[I62608_A_PENDING] = NEST,
};

static struct nla_policy iface_policy[I62608_IFACE_A_MAX + 1] = {
	[I62608_IFACE_A_IFINDEX] = U32,
	[I62608_IFACE_A_IFNAME] = STR(IF_NAMESIZE),
	[I62608_IFACE_A_ADDRESS] = BIN(6),
	[I62608_IFACE_A_AGE_MS] = U64,
	[I62608_IFACE_A_STATS] = NEST,
};

static struct nla_policy stats_policy[I62608_STATS_A_MAX + 1] = {
	[I62608_STATS_A_RX_FRAMES] = U64,
	[I62608_STATS_A_RX_BYTES] = U64,
	[I62608_STATS_A_TX_FRAMES] = U64,
	[I62608_STATS_A_TX_BYTES] = U64,
	[I62608_STATS_A_TX_ERRORS] = U64,
	[I62608_STATS_A_DROPS] = NEST,
};

static struct nla_policy agent_policy[I62608_AGENT_A_MAX + 1] = {
	[I62608_AGENT_A_IFINDEX] = U32,
	[I62608_AGENT_A_IFNAME] = STR(IF_NAMESIZE),
	[I62608_AGENT_A_MAC] = BIN(6),
	[I62608_AGENT_A_STATE] = U8,
	[I62608_AGENT_A_EPOCH] = U32,
	[I62608_AGENT_A_FIRST_SEEN_MS] = U64,
	[I62608_AGENT_A_LAST_SEEN_MS] = U64,
	[I62608_AGENT_A_EXPIRES_MS] = U64,
	[I62608_AGENT_A_TTL] = U16,
	[I62608_AGENT_A_REPORT_ID] = U32,
	[I62608_AGENT_A_DEVICE_TYPE] = U8,
	[I62608_AGENT_A_CAPABILITIES] = U32,
	[I62608_AGENT_A_VENDOR] = STR(I62608_STR_MAX + 1),
	[I62608_AGENT_A_MODEL] = STR(I62608_STR_MAX + 1),
	[I62608_AGENT_A_NAME] = STR(I62608_STR_MAX + 1),
	[I62608_AGENT_A_SERIAL] = STR(I62608_STR_MAX + 1),
	[I62608_AGENT_A_FIRMWARE] = STR(I62608_STR_MAX + 1),
	[I62608_AGENT_A_ADDR4] = BIN(4),
	[I62608_AGENT_A_ADDR4_PLEN] = U8,
	[I62608_AGENT_A_REPORT] = { .maxlen = BODY_MAX },
	[I62608_AGENT_A_PARTIAL] = FLAG,
	[I62608_AGENT_A_RX_FRAMES] = U64,
	[I62608_AGENT_A_RX_BYTES] = U64,
	[I62608_AGENT_A_TX_FRAMES] = U64,
	[I62608_AGENT_A_REPORTS] = U32,
	[I62608_AGENT_A_RESTARTS] = U32,
	[I62608_AGENT_A_RATELIMITED] = U64,
	[I62608_AGENT_A_TRUST] = U8,
	[I62608_AGENT_A_PUBLIC_KEY] = BIN(32),
	[I62608_AGENT_A_SESSION_AGE_MS] = U64,
	[I62608_AGENT_A_HANDSHAKES] = U32,
};

static struct nla_policy nsstats_policy[I62608_NSSTATS_A_MAX + 1] = {
	[I62608_NSSTATS_A_AGENTS] = U32,
	[I62608_NSSTATS_A_DISCOVERED] = U32,
	[I62608_NSSTATS_A_REPORTED] = U32,
	[I62608_NSSTATS_A_LOST] = U32,
	[I62608_NSSTATS_A_CREATED] = U64,
	[I62608_NSSTATS_A_EXPIRED] = U64,
	[I62608_NSSTATS_A_BYES] = U64,
	[I62608_NSSTATS_A_RESTARTS] = U64,
	[I62608_NSSTATS_A_EVICTED] = U64,
	[I62608_NSSTATS_A_TABLE_FULL] = U64,
	[I62608_NSSTATS_A_RATELIMITED] = U64,
	[I62608_NSSTATS_A_NTF_FAILED] = U64,
	[I62608_NSSTATS_A_SESSIONS] = U32,
	[I62608_NSSTATS_A_HANDSHAKES] = U64,
	[I62608_NSSTATS_A_HS_REJECTED] = U64,
	[I62608_NSSTATS_A_HS_FAILED] = U64,
	[I62608_NSSTATS_A_DECRYPT_FAIL_SENT] = U64,
	[I62608_NSSTATS_A_EPOCH_IGNORED] = U64,
};

static struct nla_policy params_policy[I62608_PARAM_A_MAX + 1] = {
	[I62608_PARAM_A_MAX_AGENTS] = U32,
	[I62608_PARAM_A_MAX_AGENTS_PER_IFACE] = U32,
	[I62608_PARAM_A_AGING_INTERVAL_MS] = U32,
	[I62608_PARAM_A_PENDING_TTL_MS] = U32,
	[I62608_PARAM_A_LOST_LINGER_MS] = U32,
	[I62608_PARAM_A_RATE] = U32,
	[I62608_PARAM_A_BURST] = U32,
	[I62608_PARAM_A_ADV_INTERVAL_MS] = U32,
	[I62608_PARAM_A_HEARTBEAT_INTERVAL_S] = U32,
	[I62608_PARAM_A_MAX_TTL_S] = U32,
	[I62608_PARAM_A_REQUIRE_AUTH] = U32,
	[I62608_PARAM_A_REJECT_AFTER_S] = U32,
	[I62608_PARAM_A_CONFIG_RTO_MS] = U32,
	[I62608_PARAM_A_CONFIG_TRIES] = U32,
	[I62608_PARAM_A_MAX_PENDING] = U32,
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

int i62608_parse_agent(struct nlattr *nest, struct i62608_agent_info *a)
{
	struct nlattr *tb[I62608_AGENT_A_MAX + 1];
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (!nest || nla_parse_nested(tb, I62608_AGENT_A_MAX, nest, agent_policy))
		return -EBADMSG;
	if (!tb[I62608_AGENT_A_IFINDEX] || !tb[I62608_AGENT_A_MAC])
		return -EBADMSG;
	for (i = 1; i <= I62608_AGENT_A_MAX; i++)
		if (tb[i])
			a->present |= 1ULL << i;

#define A(x) tb[I62608_AGENT_A_##x]
	a->ifindex = nla_get_u32(A(IFINDEX));
	memcpy(a->mac, nla_data(A(MAC)), 6);
	if (A(IFNAME))
		nla_strlcpy(a->ifname, A(IFNAME), sizeof(a->ifname));
	if (A(STATE))
		a->state = nla_get_u8(A(STATE));
	if (A(EPOCH))
		a->epoch = nla_get_u32(A(EPOCH));
	a->first_seen_ms = get_u64(A(FIRST_SEEN_MS));
	a->last_seen_ms = get_u64(A(LAST_SEEN_MS));
	a->expires_ms = get_u64(A(EXPIRES_MS));
	if (A(TTL))
		a->ttl = nla_get_u16(A(TTL));
	if (A(REPORT_ID))
		a->report_id = nla_get_u32(A(REPORT_ID));
	if (A(DEVICE_TYPE))
		a->device_type = nla_get_u8(A(DEVICE_TYPE));
	if (A(CAPABILITIES))
		a->caps = nla_get_u32(A(CAPABILITIES));
	if (A(VENDOR))
		nla_strlcpy(a->vendor, A(VENDOR), sizeof(a->vendor));
	if (A(MODEL))
		nla_strlcpy(a->model, A(MODEL), sizeof(a->model));
	if (A(NAME))
		nla_strlcpy(a->name, A(NAME), sizeof(a->name));
	if (A(SERIAL))
		nla_strlcpy(a->serial, A(SERIAL), sizeof(a->serial));
	if (A(FIRMWARE))
		nla_strlcpy(a->firmware, A(FIRMWARE), sizeof(a->firmware));
	if (A(ADDR4))
		memcpy(a->addr4, nla_data(A(ADDR4)), 4);
	if (A(ADDR4_PLEN)) {
		a->addr4_plen = nla_get_u8(A(ADDR4_PLEN));
		if (a->addr4_plen > 32)
			return -EBADMSG;
	}
	if (A(REPORT)) {
		a->report = nla_data(A(REPORT));
		a->report_len = (uint16_t)nla_len(A(REPORT));
	}
	a->partial = A(PARTIAL) != NULL;
	a->rx_frames = get_u64(A(RX_FRAMES));
	a->rx_bytes = get_u64(A(RX_BYTES));
	a->tx_frames = get_u64(A(TX_FRAMES));
	if (A(REPORTS))
		a->reports = nla_get_u32(A(REPORTS));
	if (A(RESTARTS))
		a->restarts = nla_get_u32(A(RESTARTS));
	a->ratelimited = get_u64(A(RATELIMITED));
	if (A(TRUST))
		a->trust = nla_get_u8(A(TRUST));
	if (A(PUBLIC_KEY))
		memcpy(a->public_key, nla_data(A(PUBLIC_KEY)), 32);
	a->session_age_ms = get_u64(A(SESSION_AGE_MS));
	if (A(HANDSHAKES))
		a->handshakes = nla_get_u32(A(HANDSHAKES));
#undef A
	return 0;
}

int i62608_parse_nsstats(struct nlattr *nest, struct i62608_nsstats_info *st)
{
	struct nlattr *tb[I62608_NSSTATS_A_MAX + 1];
	unsigned int i;

	memset(st, 0, sizeof(*st));
	if (!nest ||
	    nla_parse_nested(tb, I62608_NSSTATS_A_MAX, nest, nsstats_policy))
		return -EBADMSG;
	for (i = 1; i <= I62608_NSSTATS_A_MAX; i++) {
		/* Padding, and counters of a newer kernel, are skipped. */
		if (!tb[i] || !nsstats_policy[i].type)
			continue;
		st->present |= 1ULL << i;
		st->value[i] = nsstats_policy[i].type == NLA_U32 ?
			nla_get_u32(tb[i]) : nla_get_u64(tb[i]);
	}
	return 0;
}

const struct i62608_param_desc i62608_param_descs[I62608_PARAM_A_MAX + 1] = {
	[I62608_PARAM_A_MAX_AGENTS] = { "max_agents", I62608_UNIT_COUNT },
	[I62608_PARAM_A_MAX_AGENTS_PER_IFACE] = { "max_agents_per_iface",
						  I62608_UNIT_COUNT },
	[I62608_PARAM_A_AGING_INTERVAL_MS] = { "aging_interval", I62608_UNIT_MS },
	[I62608_PARAM_A_PENDING_TTL_MS] = { "pending_ttl", I62608_UNIT_MS },
	[I62608_PARAM_A_LOST_LINGER_MS] = { "lost_linger", I62608_UNIT_MS },
	[I62608_PARAM_A_RATE] = { "rate", I62608_UNIT_COUNT },
	[I62608_PARAM_A_BURST] = { "burst", I62608_UNIT_COUNT },
	[I62608_PARAM_A_ADV_INTERVAL_MS] = { "adv_interval", I62608_UNIT_MS },
	[I62608_PARAM_A_HEARTBEAT_INTERVAL_S] = { "heartbeat_interval",
						  I62608_UNIT_S },
	[I62608_PARAM_A_MAX_TTL_S] = { "max_ttl", I62608_UNIT_S },
	[I62608_PARAM_A_REQUIRE_AUTH] = { "require_auth", I62608_UNIT_BOOL },
	[I62608_PARAM_A_REJECT_AFTER_S] = { "reject_after", I62608_UNIT_S },
	[I62608_PARAM_A_CONFIG_RTO_MS] = { "config_rto", I62608_UNIT_MS },
	[I62608_PARAM_A_CONFIG_TRIES] = { "config_tries", I62608_UNIT_COUNT },
	[I62608_PARAM_A_MAX_PENDING] = { "max_pending", I62608_UNIT_COUNT },
};

unsigned int i62608_param_lookup(const char *name)
{
	unsigned int i;

	for (i = 1; i <= I62608_PARAM_A_MAX; i++)
		if (i62608_param_descs[i].name &&
		    !strcmp(name, i62608_param_descs[i].name))
			return i;
	return 0;
}

int i62608_parse_params(struct nlattr *nest, struct i62608_params *p)
{
	struct nlattr *tb[I62608_PARAM_A_MAX + 1];
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (!nest || nla_parse_nested(tb, I62608_PARAM_A_MAX, nest, params_policy))
		return -EBADMSG;
	for (i = 1; i <= I62608_PARAM_A_MAX; i++) {
		if (!tb[i])
			continue;
		p->present |= 1U << i;
		p->value[i] = nla_get_u32(tb[i]);
	}
	return 0;
}

int i62608_put_params(struct nl_msg *msg, const struct i62608_params *p)
{
	struct nlattr *nest = nla_nest_start(msg, I62608_A_PARAMS);
	unsigned int i;

	if (!nest)
		return -ENOMEM;
	for (i = 1; i <= I62608_PARAM_A_MAX; i++)
		if ((p->present >> i) & 1 &&
		    nla_put_u32(msg, (int)i, p->value[i]))
			return -ENOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

int i62608_parse_event(struct nl_msg *msg, struct i62608_event *ev)
{
	struct nlattr *tb[I62608_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (nlmsg_hdr(msg)->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EBADMSG;
	ev->cmd = i62608_nl_cmd(msg);
	if (i62608_nl_parse(msg, tb))
		return -EBADMSG;

	if (tb[I62608_A_IFACE]) {
		if (i62608_parse_iface(tb[I62608_A_IFACE], &ev->iface))
			return -EBADMSG;
		ev->has_iface = true;
	}
	if (tb[I62608_A_AGENT]) {
		if (i62608_parse_agent(tb[I62608_A_AGENT], &ev->agent))
			return -EBADMSG;
		ev->has_agent = true;
	}
	if (tb[I62608_A_REASON]) {
		ev->reason = nla_get_u32(tb[I62608_A_REASON]);
		ev->has_reason = true;
	}
	if (tb[I62608_A_IFINDEX]) {
		ev->ifindex = nla_get_u32(tb[I62608_A_IFINDEX]);
		ev->has_ifindex = true;
	}
	if (tb[I62608_A_IFNAME]) {
		nla_strlcpy(ev->ifname, tb[I62608_A_IFNAME], sizeof(ev->ifname));
		ev->has_ifname = true;
	}
	if (tb[I62608_A_LIMIT]) {
		ev->limit = nla_get_u32(tb[I62608_A_LIMIT]);
		ev->has_limit = true;
	}
	if (tb[I62608_A_DROPPED]) {
		ev->dropped = nla_get_u64(tb[I62608_A_DROPPED]);
		ev->has_dropped = true;
	}
	ev->restarted = tb[I62608_A_RESTARTED] != NULL;

	switch (ev->cmd) {
	case I62608_CMD_IFACE_NEW_NTF:
		return ev->has_iface ? 0 : -EBADMSG;
	case I62608_CMD_IFACE_DEL_NTF:
		return ev->has_iface && ev->has_reason ? 0 : -EBADMSG;
	case I62608_CMD_AGENT_NEW_NTF:
	case I62608_CMD_AGENT_CHANGE_NTF:
		return ev->has_agent ? 0 : -EBADMSG;
	case I62608_CMD_AGENT_LOST_NTF:
		return ev->has_agent && ev->has_reason ? 0 : -EBADMSG;
	case I62608_CMD_TABLE_FULL_NTF:
		return ev->has_ifindex && ev->has_limit ? 0 : -EBADMSG;
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
	[I62608_DROP_RATELIMIT] = "ratelimit",
	[I62608_DROP_TABLE_FULL] = "table_full",
	[I62608_DROP_NOMEM] = "nomem",
	[I62608_DROP_PROTECTED] = "protected",
	[I62608_DROP_AUTH] = "auth",
	[I62608_DROP_REPLAY] = "replay",
	[I62608_DROP_UNPROTECTED] = "unprotected",
	[I62608_DROP_HS_BUSY] = "hs_busy",
	[I62608_DROP_HS_FAILED] = "hs_failed",
};

static const char *const reason_names[I62608_REASON_MAX + 1] = {
	[I62608_REASON_USER] = "user",
	[I62608_REASON_IFACE_GONE] = "iface_gone",
	[I62608_REASON_NETNS_EXIT] = "netns_exit",
	[I62608_REASON_TTL_EXPIRED] = "ttl_expired",
	[I62608_REASON_BYE] = "bye",
};

static const char *const cmd_names[I62608_CMD_MAX + 1] = {
	[I62608_CMD_VERSION_GET] = "version",
	[I62608_CMD_IFACE_ADD] = "iface_add",
	[I62608_CMD_IFACE_DEL] = "iface_del",
	[I62608_CMD_IFACE_GET] = "iface",
	[I62608_CMD_IFACE_NEW_NTF] = "iface_new",
	[I62608_CMD_IFACE_DEL_NTF] = "iface_del",
	[I62608_CMD_AGENT_GET] = "agent",
	[I62608_CMD_AGENT_DEL] = "agent_del",
	[I62608_CMD_STATS_GET] = "stats",
	[I62608_CMD_PARAMS_GET] = "params",
	[I62608_CMD_PARAMS_SET] = "params_set",
	[I62608_CMD_AGENT_NEW_NTF] = "agent_new",
	[I62608_CMD_AGENT_CHANGE_NTF] = "agent_change",
	[I62608_CMD_AGENT_LOST_NTF] = "agent_lost",
	[I62608_CMD_TABLE_FULL_NTF] = "table_full",
	[I62608_CMD_KEY_SET] = "key_set",
	[I62608_CMD_KEY_GET] = "key",
	[I62608_CMD_PAIR_ADD] = "pair_add",
	[I62608_CMD_PAIR_DEL] = "pair_del",
	[I62608_CMD_PAIR_GET] = "pair",
	[I62608_CMD_PAIR_OPEN] = "pair_open",
	[I62608_CMD_PAIR_NTF] = "pair_new",
	[I62608_CMD_CONFIG_SEND] = "config_send",
	[I62608_CMD_CONFIG_GET] = "config",
	[I62608_CMD_CONFIG_RESULT_NTF] = "config_result",
	[I62608_CMD_CONFIG_REPORT_NTF] = "config_report",
};

static const char *const limit_names[I62608_LIMIT_MAX + 1] = {
	[I62608_LIMIT_NETNS] = "netns",
	[I62608_LIMIT_IFACE] = "iface",
};

static const char *const nsstats_names[I62608_NSSTATS_A_MAX + 1] = {
	[I62608_NSSTATS_A_AGENTS] = "agents",
	[I62608_NSSTATS_A_DISCOVERED] = "discovered",
	[I62608_NSSTATS_A_REPORTED] = "reported",
	[I62608_NSSTATS_A_LOST] = "lost",
	[I62608_NSSTATS_A_CREATED] = "created",
	[I62608_NSSTATS_A_EXPIRED] = "expired",
	[I62608_NSSTATS_A_BYES] = "byes",
	[I62608_NSSTATS_A_RESTARTS] = "restarts",
	[I62608_NSSTATS_A_EVICTED] = "evicted",
	[I62608_NSSTATS_A_TABLE_FULL] = "table_full",
	[I62608_NSSTATS_A_RATELIMITED] = "ratelimited",
	[I62608_NSSTATS_A_NTF_FAILED] = "ntf_failed",
	[I62608_NSSTATS_A_SESSIONS] = "sessions",
	[I62608_NSSTATS_A_HANDSHAKES] = "handshakes",
	[I62608_NSSTATS_A_HS_REJECTED] = "hs_rejected",
	[I62608_NSSTATS_A_HS_FAILED] = "hs_failed",
	[I62608_NSSTATS_A_DECRYPT_FAIL_SENT] = "decrypt_fail_sent",
	[I62608_NSSTATS_A_EPOCH_IGNORED] = "epoch_ignored",
};

static const char *const trust_names[I62608_TRUST_MAX + 1] = {
	[I62608_TRUST_NONE] = "none",
	[I62608_TRUST_PAIRED] = "paired",
	[I62608_TRUST_AUTHENTICATED] = "authenticated",
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

const char *i62608_limit_name(unsigned int limit)
{
	return NAME_OR(limit_names, limit);
}

const char *i62608_nsstats_name(unsigned int attr)
{
	return NAME_OR(nsstats_names, attr);
}

const char *i62608_trust_name(unsigned int trust)
{
	return NAME_OR(trust_names, trust);
}
