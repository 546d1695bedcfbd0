/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration notifications of the i62608 family, decoded and
 * checked: CONFIG_RESULT_NTF (a request's outcome and the agent's
 * results) and CONFIG_REPORT_NTF (an agent's configuration, changed by
 * itself). Shared by i62608ctl (config send, monitor) and i62608d. The
 * TLVs the kernel relays from agents are checked once more with the wire
 * format's validator (kernel/wire.c) before anything reads them.
 */
#ifndef I62608_CFGNTF_H
#define I62608_CFGNTF_H

#include <stdint.h>
#include <net/if.h>
#include <netlink/attr.h>

/*
 * CONFIG_RESULT_NTF. @results points into the message: the CFG_RESULT
 * TLVs of the agent's answer, checked (walk them with i62608_tlv_next()).
 */
struct i62608_cfg_result {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* "" when the kernel sent none */
	uint8_t mac[6];
	uint32_t id;
	uint8_t outcome;	/* enum i62608_outcome */
	uint32_t tries;
	const uint8_t *results;
	uint16_t results_len;
};

/*
 * From the message's top-level attributes @tb (i62608_nl_parse()).
 * Returns 0 or -EBADMSG.
 */
int i62608_parse_cfg_result(struct nlattr **tb, struct i62608_cfg_result *r);

/* CONFIG_REPORT_NTF: the agent's items, checked, pointing into the message. */
struct i62608_cfg_report {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];
	const uint8_t *items;
	uint16_t len;
};

int i62608_parse_cfg_report(struct nlattr **tb, struct i62608_cfg_report *r);

#endif /* I62608_CFGNTF_H */
