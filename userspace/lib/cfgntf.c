// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of CONFIG_RESULT_NTF and CONFIG_REPORT_NTF (see cfgntf.h). The
 * attributes were checked against the family's policy by
 * i62608_nl_parse() (userspace/lib/proto_nl.c): sizes are exact, strings
 * bounded. What is left is what only the protocol knows.
 */

#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include <linux/i62608.h>

#include "cfgntf.h"
#include "wire.h"

/* TLVs relayed from an agent, checked as a message of @type. */
static bool body_valid(uint8_t type, const uint8_t *body, size_t len)
{
	struct i62608_frame m = { .type = type, .body = body, .body_len = (u16)len };

	return len <= I62608_MAX_MSG && !i62608_wire_validate(&m);
}

int i62608_parse_cfg_result(struct nlattr **tb, struct i62608_cfg_result *r)
{
	struct nlattr *res = tb[I62608_A_RESULTS];

	memset(r, 0, sizeof(*r));
	if (!tb[I62608_A_IFINDEX] || !tb[I62608_A_MAC] ||
	    !tb[I62608_A_REQUEST_ID] || !tb[I62608_A_OUTCOME])
		return -EBADMSG;
	r->ifindex = nla_get_u32(tb[I62608_A_IFINDEX]);
	memcpy(r->mac, nla_data(tb[I62608_A_MAC]), 6);
	r->id = nla_get_u32(tb[I62608_A_REQUEST_ID]);
	r->outcome = nla_get_u8(tb[I62608_A_OUTCOME]);
	if (tb[I62608_A_TRIES])
		r->tries = nla_get_u32(tb[I62608_A_TRIES]);
	if (tb[I62608_A_IFNAME])
		nla_strlcpy(r->ifname, tb[I62608_A_IFNAME], sizeof(r->ifname));
	if (res) {
		/* Results come with an answer, and only with one. */
		if (r->outcome != I62608_OUTCOME_ACKED &&
		    r->outcome != I62608_OUTCOME_NACKED)
			return -EBADMSG;
		if (!body_valid(r->outcome == I62608_OUTCOME_ACKED ?
				I62608_MSG_CONFIG_ACK : I62608_MSG_CONFIG_NACK,
				nla_data(res), (size_t)nla_len(res)))
			return -EBADMSG;
		r->results = nla_data(res);
		r->results_len = (uint16_t)nla_len(res);
	}
	return 0;
}

int i62608_parse_cfg_report(struct nlattr **tb, struct i62608_cfg_report *r)
{
	struct nlattr *c = tb[I62608_A_CONFIG];

	memset(r, 0, sizeof(*r));
	if (!tb[I62608_A_IFINDEX] || !tb[I62608_A_MAC] || !c ||
	    !body_valid(I62608_MSG_CONFIG_REPORT, nla_data(c), (size_t)nla_len(c)))
		return -EBADMSG;
	r->ifindex = nla_get_u32(tb[I62608_A_IFINDEX]);
	memcpy(r->mac, nla_data(tb[I62608_A_MAC]), 6);
	if (tb[I62608_A_IFNAME])
		nla_strlcpy(r->ifname, tb[I62608_A_IFNAME], sizeof(r->ifname));
	r->items = nla_data(c);
	r->len = (uint16_t)nla_len(c);
	return 0;
}
