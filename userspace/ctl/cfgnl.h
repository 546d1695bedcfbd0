/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608ctl: the pairing and configuration objects of the family (A_PAIR,
 * A_PENDING, PAIR_NTF) decoded and checked, and how they and the
 * configuration notifications (userspace/lib/cfgntf.h) are printed. Shared by `pair`, `config` and
 * `monitor`; free of I/O so that the unit tests render them.
 */
#ifndef I62608_CTL_CFGNL_H
#define I62608_CTL_CFGNL_H

#include <stdbool.h>
#include <stdint.h>

#include "cfgntf.h"
#include "nl.h"
#include "output.h"

/* Key and code lengths of the uapi (A_PUBLIC_KEY, A_CODE). */
#define CTL_KEY_LEN	32
#define CTL_CODE_LEN	10

/* An A_PAIR nest; PAIR_NTF adds the agent's MAC. */
struct ctl_pair_info {
	bool has_key;
	uint8_t pub[CTL_KEY_LEN];
	uint8_t code[CTL_CODE_LEN];
	char name[I62608_STR_MAX + 1];
	uint8_t origin;		/* enum i62608_pair_origin */
	uint64_t age_ms;
	bool has_mac;
	uint8_t mac[6];
};

/* CODE, ORIGIN and AGE are required. Returns 0 or -EBADMSG. */
int ctl_parse_pair(struct nlattr *nest, struct ctl_pair_info *p);

/* An A_PENDING nest: a request not answered yet. */
struct ctl_pending_info {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* looked up by the caller, or "" */
	uint8_t mac[6];
	uint32_t id;
	uint32_t tries;
	uint64_t age_ms, next_ms;
};

int ctl_parse_pending(struct nlattr *nest, struct ctl_pending_info *p);

/* PAIR_NTF: the A_PAIR and the agent's MAC. */
int ctl_parse_pair_ntf(struct nlattr **tb, struct ctl_pair_info *p);

/* Name of enum i62608_pair_origin values. */
const char *ctl_pair_origin_name(unsigned int origin);

/*
 * The items a request carried and their results. @req (@req_len bytes,
 * the request's items) names each item when not NULL.
 */
void ctl_print_result(struct out *o, const struct i62608_cfg_result *r,
		      const uint8_t *req, size_t req_len);

/* A pairing as a table row (`pair show`) or an event's member. */
void ctl_print_pair(struct out *o, const char *key, const struct ctl_pair_info *p);

/* A pending request as a table row (`config pending`). */
void ctl_print_pending(struct out *o, const struct ctl_pending_info *p);

/*
 * A `monitor` record of PAIR_NTF, CONFIG_RESULT_NTF or CONFIG_REPORT_NTF
 * (@cmd) from the message's attributes @tb. Returns -EBADMSG, printing
 * nothing, when they do not decode; 1 when @cmd is none of these.
 */
int ctl_print_cfg_event(struct out *o, uint64_t unix_ms, uint8_t cmd,
			struct nlattr **tb);

/* Configuration items as an array of lines (CONFIG_REPORT). */
void ctl_print_items(struct out *o, const char *key, const uint8_t *items,
		     size_t len);

#endif /* I62608_CTL_CFGNL_H */
