// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl: pairing and configuration objects of the family (see
 * cfgnl.h). Like userspace/lib/proto_nl.c, every fixed-size attribute is
 * checked for its exact size and every string for its bound; the TLVs the
 * kernel relays from agents (results, reported items) are checked once
 * more with the wire format's validator (userspace/lib/cfgntf.c) before
 * anything reads them.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netlink/genl/genl.h>

#include "cfgnl.h"
#include "cfgntf.h"
#include "cfgparse.h"
#include "render.h"
#include "wire.h"
#include "../agent/keys.h"

#define U8 { .type = NLA_U8, .maxlen = 1 }
#define U32 { .type = NLA_U32, .maxlen = 4 }
#define U64 { .type = NLA_U64, .maxlen = 8 }
#define BIN(n) { .minlen = (n), .maxlen = (n) }
#define STR(n) { .type = NLA_STRING, .maxlen = (n) }

static struct nla_policy pair_policy[I62608_PAIR_A_MAX + 1] = {
	[I62608_PAIR_A_PUBLIC_KEY] = BIN(CTL_KEY_LEN),
	[I62608_PAIR_A_CODE] = BIN(CTL_CODE_LEN),
	[I62608_PAIR_A_NAME] = STR(I62608_STR_MAX + 1),
	[I62608_PAIR_A_ORIGIN] = U8,
	[I62608_PAIR_A_AGE_MS] = U64,
};

static struct nla_policy pending_policy[I62608_PENDING_A_MAX + 1] = {
	[I62608_PENDING_A_IFINDEX] = U32,
	[I62608_PENDING_A_MAC] = BIN(6),
	[I62608_PENDING_A_REQUEST_ID] = U32,
	[I62608_PENDING_A_AGE_MS] = U64,
	[I62608_PENDING_A_TRIES] = U32,
	[I62608_PENDING_A_NEXT_MS] = U64,
};

int ctl_parse_pair(struct nlattr *nest, struct ctl_pair_info *p)
{
	struct nlattr *tb[I62608_PAIR_A_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (!nest || nla_parse_nested(tb, I62608_PAIR_A_MAX, nest, pair_policy))
		return -EBADMSG;
	if (!tb[I62608_PAIR_A_CODE] || !tb[I62608_PAIR_A_ORIGIN] ||
	    !tb[I62608_PAIR_A_AGE_MS])
		return -EBADMSG;
	if (tb[I62608_PAIR_A_PUBLIC_KEY]) {
		memcpy(p->pub, nla_data(tb[I62608_PAIR_A_PUBLIC_KEY]), CTL_KEY_LEN);
		p->has_key = true;
	}
	memcpy(p->code, nla_data(tb[I62608_PAIR_A_CODE]), CTL_CODE_LEN);
	if (tb[I62608_PAIR_A_NAME])
		nla_strlcpy(p->name, tb[I62608_PAIR_A_NAME], sizeof(p->name));
	p->origin = nla_get_u8(tb[I62608_PAIR_A_ORIGIN]);
	p->age_ms = nla_get_u64(tb[I62608_PAIR_A_AGE_MS]);
	return 0;
}

int ctl_parse_pair_ntf(struct nlattr **tb, struct ctl_pair_info *p)
{
	if (ctl_parse_pair(tb[I62608_A_PAIR], p) || !tb[I62608_A_MAC])
		return -EBADMSG;
	memcpy(p->mac, nla_data(tb[I62608_A_MAC]), 6);
	p->has_mac = true;
	return 0;
}

int ctl_parse_pending(struct nlattr *nest, struct ctl_pending_info *p)
{
	struct nlattr *tb[I62608_PENDING_A_MAX + 1];
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (!nest || nla_parse_nested(tb, I62608_PENDING_A_MAX, nest, pending_policy))
		return -EBADMSG;
	for (i = 1; i <= I62608_PENDING_A_NEXT_MS; i++)
		if (!tb[i])
			return -EBADMSG;
	p->ifindex = nla_get_u32(tb[I62608_PENDING_A_IFINDEX]);
	memcpy(p->mac, nla_data(tb[I62608_PENDING_A_MAC]), 6);
	p->id = nla_get_u32(tb[I62608_PENDING_A_REQUEST_ID]);
	p->tries = nla_get_u32(tb[I62608_PENDING_A_TRIES]);
	p->age_ms = nla_get_u64(tb[I62608_PENDING_A_AGE_MS]);
	p->next_ms = nla_get_u64(tb[I62608_PENDING_A_NEXT_MS]);
	return 0;
}

static const char *const origin_names[] = {
	[I62608_PAIR_BY_KEY] = "key",
	[I62608_PAIR_BY_CODE] = "code",
	[I62608_PAIR_BY_WINDOW] = "window",
};

const char *ctl_pair_origin_name(unsigned int origin)
{
	if (origin < sizeof(origin_names) / sizeof(origin_names[0]) &&
	    origin_names[origin])
		return origin_names[origin];
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */
/* ------------------------------------------------------------------ */

static bool is_item(uint16_t type)
{
	return type >= I62608_TLV_CFG_IFACE && type <= I62608_TLV_CFG_SETTING;
}

/* The @index-th item of @req (from 0), described; false if none. */
static bool item_desc(const uint8_t *req, size_t len, unsigned int index,
		      char *buf, size_t size)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	unsigned int n = 0;

	if (!req)
		return false;
	i62608_tlv_iter_init(&it, req, len);
	while (i62608_tlv_next(&it, &t) > 0) {
		if (!is_item(t.type))
			continue;
		if (n++ == index) {
			ctl_cfg_item_str(t.type, t.val, t.len, buf, size);
			return true;
		}
	}
	return false;
}

void ctl_print_result(struct out *o, const struct i62608_cfg_result *r,
		      const uint8_t *req, size_t req_len)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	char desc[128];

	out_u64(o, "request_id", r->id);
	out_mac(o, "mac", r->mac);
	if (r->ifname[0])
		out_str(o, "ifname", r->ifname);
	out_u64(o, "ifindex", r->ifindex);
	out_str(o, "outcome", ctl_outcome_name(r->outcome));
	out_u64(o, "tries", r->tries);
	out_arr_open(o, "results");
	if (r->results) {
		i62608_tlv_iter_init(&it, r->results, r->results_len);
		while (i62608_tlv_next(&it, &t) > 0) {
			const struct i62608_tlv_cfg_result *cr = (const void *)t.val;

			if (t.type != I62608_TLV_CFG_RESULT)
				continue;
			out_obj_open(o, NULL);
			out_u64(o, "item", cr->item);
			if (item_desc(req, req_len, cr->item, desc, sizeof(desc)))
				out_str(o, "what", desc);
			out_str(o, "status", ctl_cfg_status_name(cr->status));
			if (cr->status == I62608_CFG_REFUSED)
				out_str(o, "reason", ctl_cfg_reason_name(cr->reason));
			out_obj_close(o);
		}
	}
	out_arr_close(o);
}

void ctl_print_pair(struct out *o, const char *key, const struct ctl_pair_info *p)
{
	char code[20], pub[AGENT_KEY_B64_LEN];

	out_obj_open(o, key);
	ctl_fmt_code(p->code, code);
	out_str(o, "code", code);
	if (p->has_key) {
		agent_key_str(p->pub, pub);
		out_str(o, "public_key", pub);
	} else {
		out_str(o, "public_key", NULL);
	}
	out_str(o, "name", p->name[0] ? p->name : NULL);
	out_str(o, "origin", ctl_pair_origin_name(p->origin));
	out_ms(o, "age", p->age_ms);
	if (p->has_mac)
		out_mac(o, "mac", p->mac);
	out_obj_close(o);
}

void ctl_print_pending(struct out *o, const struct ctl_pending_info *p)
{
	out_obj_open(o, NULL);
	out_u64(o, "request_id", p->id);
	out_mac(o, "mac", p->mac);
	out_str(o, "ifname", p->ifname[0] ? p->ifname : NULL);
	out_u64(o, "ifindex", p->ifindex);
	out_u64(o, "tries", p->tries);
	out_ms(o, "age", p->age_ms);
	out_ms(o, "next", p->next_ms);
	out_obj_close(o);
}

void ctl_print_items(struct out *o, const char *key, const uint8_t *items,
		     size_t len)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	char desc[128];

	out_arr_open(o, key);
	i62608_tlv_iter_init(&it, items, len);
	while (i62608_tlv_next(&it, &t) > 0) {
		if (!is_item(t.type))
			continue;
		ctl_cfg_item_str(t.type, t.val, t.len, desc, sizeof(desc));
		out_str(o, NULL, desc);
	}
	out_arr_close(o);
}

int ctl_print_cfg_event(struct out *o, uint64_t unix_ms, uint8_t cmd,
			struct nlattr **tb)
{
	struct i62608_cfg_report rep;
	struct ctl_pair_info p;
	struct i62608_cfg_result r;

	switch (cmd) {
	case I62608_CMD_PAIR_NTF:
		if (ctl_parse_pair_ntf(tb, &p))
			return -EBADMSG;
		out_obj_open(o, NULL);
		ctl_print_event_head(o, unix_ms, i62608_cmd_name(cmd));
		ctl_print_pair(o, "pair", &p);
		out_obj_close(o);
		return 0;
	case I62608_CMD_CONFIG_RESULT_NTF:
		if (i62608_parse_cfg_result(tb, &r))
			return -EBADMSG;
		out_obj_open(o, NULL);
		ctl_print_event_head(o, unix_ms, i62608_cmd_name(cmd));
		ctl_print_result(o, &r, NULL, 0);
		out_obj_close(o);
		return 0;
	case I62608_CMD_CONFIG_REPORT_NTF:
		if (i62608_parse_cfg_report(tb, &rep))
			return -EBADMSG;
		if (!rep.ifname[0] && !if_indextoname(rep.ifindex, rep.ifname))
			rep.ifname[0] = 0;
		out_obj_open(o, NULL);
		ctl_print_event_head(o, unix_ms, i62608_cmd_name(cmd));
		out_mac(o, "mac", rep.mac);
		if (rep.ifname[0])
			out_str(o, "ifname", rep.ifname);
		out_u64(o, "ifindex", rep.ifindex);
		ctl_print_items(o, "items", rep.items, rep.len);
		out_obj_close(o);
		return 0;
	}
	return 1;
}
