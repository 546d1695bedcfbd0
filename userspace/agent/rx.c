// SPDX-License-Identifier: GPL-2.0
/*
 * The receive path. The socket filter already passed only our EtherType,
 * version 1 and the message types of agent_rx_handlers[]; still, nothing
 * of the message is read before i62608_wire_hdr() and
 * i62608_wire_validate() accepted it: the filter is an optimisation, not
 * a guard. Every frame dropped is counted by reason and logged at debug
 * level.
 */

#include <stdio.h>

#include "agent.h"
#include "log.h"

static const u8 group_addr[6] = I62608_GROUP_ADDR;

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
};

const char *agent_drop_name(unsigned int reason)
{
	return reason <= I62608_DROP_MAX && drop_names[reason] ?
		drop_names[reason] : "unknown";
}

static void rx_advertise(struct agent *a, struct agent_if *aif,
			 const struct i62608_frame *m, const u8 *src,
			 struct agent_inst *targets, u32 n_targets)
{
	struct agent_adv adv = {
		.src = src, .msg_id = m->msg_id, .epoch = m->epoch,
		.flags = m->flags,
	};
	struct i62608_elem t;
	u32 i;

	/* Validated: TTL and HEARTBEAT_INTERVAL are there, 2 bytes, not 0. */
	if (!i62608_tlv_find(m->body, m->body_len, I62608_TLV_TTL, &t))
		return;
	adv.ttl = get_unaligned_be16(t.val);
	if (!i62608_tlv_find(m->body, m->body_len,
			     I62608_TLV_HEARTBEAT_INTERVAL, &t))
		return;
	adv.hb_interval = get_unaligned_be16(t.val);
	if (i62608_tlv_find(m->body, m->body_len, I62608_TLV_DB_VERSION, &t)) {
		adv.has_db_version = true;
		adv.db_version = get_unaligned_be32(t.val);
	}
	for (i = 0; i < n_targets; i++)
		agent_inst_advertise(a, &targets[i], &adv);
}

const struct agent_rx_handler agent_rx_handlers[] = {
	{ I62608_MSG_ADVERTISE, rx_advertise },
	/* CONFIG_REQUEST and the handshake go here. */
};

const unsigned int agent_n_rx_handlers =
	sizeof(agent_rx_handlers) / sizeof(agent_rx_handlers[0]);

static void drop(struct agent_if *aif, int reason, const u8 *src, size_t len)
{
	aif->st.drops[reason]++;
	log_debug("%s: dropped %zu-byte frame from %02x:%02x:%02x:%02x:%02x:%02x: %s",
		  aif->name, len, src[0], src[1], src[2], src[3], src[4],
		  src[5], agent_drop_name((unsigned int)reason));
}

static bool valid_unicast(const u8 *mac)
{
	return !(mac[0] & 0x01) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

void agent_rx(struct agent *a, struct agent_if *aif, const u8 *frame,
	      size_t len, bool outgoing)
{
	static const u8 zero[6];
	const struct agent_rx_handler *h = NULL;
	struct i62608_frame m;
	const u8 *dst, *src;
	unsigned int i;
	int reason;

	/* Bytes after the Ethernet header, as the kernel counts them. */
	aif->st.rx_frames++;
	aif->st.rx_bytes += len > AGENT_ETH_HLEN ? len - AGENT_ETH_HLEN : 0;
	if (len < AGENT_ETH_HLEN) {
		drop(aif, I62608_DROP_TRUNCATED, zero, len);
		return;
	}
	dst = frame;
	src = frame + 6;
	if (get_unaligned_be16(frame + 12) != a->cfg.ethertype) {
		drop(aif, I62608_DROP_TYPE, src, len);
		return;
	}
	/* Our own frames: looped back by the kernel, or from an instance. */
	if (outgoing || agent_inst_of_mac(aif->mac, aif->n_inst, src) >= 0) {
		drop(aif, I62608_DROP_OWN, src, len);
		return;
	}
	if (!valid_unicast(src)) {
		drop(aif, I62608_DROP_SRC_MAC, src, len);
		return;
	}
	reason = i62608_wire_hdr(frame + AGENT_ETH_HLEN, len - AGENT_ETH_HLEN, &m);
	if (!reason && (m.flags & I62608_F_PROTECTED))
		reason = I62608_DROP_PROTECTED;	/* no session keys yet */
	if (!reason)
		reason = i62608_wire_validate(&m);
	if (reason) {
		drop(aif, reason, src, len);
		return;
	}
	for (i = 0; i < agent_n_rx_handlers; i++)
		if (agent_rx_handlers[i].type == m.type)
			h = &agent_rx_handlers[i];
	if (!h) {
		drop(aif, I62608_DROP_TYPE, src, len);
		return;
	}

	/* The group address is for every instance. */
	if (!memcmp(dst, group_addr, 6)) {
		h->fn(a, aif, &m, src, aif->inst, aif->n_inst);
		return;
	}
	reason = agent_inst_of_mac(aif->mac, aif->n_inst, dst);
	if (reason < 0) {
		/* Promiscuous (--instances) or flooded: another station's. */
		aif->st.not_ours++;
		return;
	}
	h->fn(a, aif, &m, src, &aif->inst[reason], 1);
}
