// SPDX-License-Identifier: GPL-2.0
/*
 * The receive path. The socket filter already passed only our EtherType,
 * version 1 and the message types of agent_rx_handlers[]; still, nothing
 * of the message is read before i62608_wire_hdr() and
 * i62608_wire_validate() accepted it: the filter is an optimisation, not
 * a guard. Every frame dropped is counted by reason and logged at debug
 * level.
 *
 * A protected frame is for one instance, from the configurator it
 * follows, on one of its sessions (by key id): it is opened on a copy, its
 * tag verified, and only then its counter checked against the session's
 * replay window (docs/security.md section 6) and its TLVs validated.
 * Whether a message type must come protected or must not is the handler
 * table's rule: a plaintext CONFIG_REQUEST never reaches its handler.
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
	[I62608_DROP_AUTH] = "auth",
	[I62608_DROP_REPLAY] = "replay",
	[I62608_DROP_UNPROTECTED] = "unprotected",
	[I62608_DROP_HS_BUSY] = "hs_busy",
	[I62608_DROP_HS_FAILED] = "hs_failed",
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

static void rx_config_request(struct agent *a, struct agent_if *aif,
			      const struct i62608_frame *m, const u8 *src,
			      struct agent_inst *targets, u32 n_targets)
{
	agent_cfg_request(a, targets, m);
}

const struct agent_rx_handler agent_rx_handlers[] = {
	{ I62608_MSG_ADVERTISE, AGENT_RX_OPEN, false, rx_advertise },
	{ I62608_MSG_HS_RESP, AGENT_RX_OPEN, true, agent_rx_hs_resp },
	{ I62608_MSG_HS_REJECT, AGENT_RX_OPEN, true, agent_rx_hs_reject },
	{ I62608_MSG_DECRYPT_FAIL, AGENT_RX_OPEN, true, agent_rx_decrypt_fail },
	{ I62608_MSG_SESSION_CONFIRM, AGENT_RX_SEALED, true,
	  agent_rx_session_confirm },
	{ I62608_MSG_CONFIG_REQUEST, AGENT_RX_SEALED, true, rx_config_request },
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

/*
 * Open a protected frame for instance @in: from its configurator, on one
 * of its sessions, the tag verified on a copy in @buf, the counter new.
 * Returns 0 with @m parsed from @buf, or the drop reason.
 */
static int rx_open(struct agent *a, struct agent_inst *in, const u8 *src,
		   const u8 *msg, struct i62608_frame *m, u8 *buf,
		   struct agent_session **sp)
{
	struct agent_session *s;

	if (in->state != AGENT_ST_CONNECTED || memcmp(src, in->cfg_mac, 6))
		return I62608_DROP_PROTECTED;
	s = agent_sec_find(in, m->key_id);
	if (!s)
		return I62608_DROP_PROTECTED;
	memcpy(buf, msg, m->length);
	if (i62608_wire_hdr(buf, m->length, m))
		return I62608_DROP_MALFORMED;	/* parsed the same before */
	if (!i62608_frame_open(m, buf, src, s->recv_key))
		return I62608_DROP_AUTH;
	if (!i62608_replay_accept(&s->replay, m->counter))
		return I62608_DROP_REPLAY;
	*sp = s;
	return 0;
}

void agent_rx(struct agent *a, struct agent_if *aif, const u8 *frame,
	      size_t len, bool outgoing)
{
	static const u8 zero[6];
	const struct agent_rx_handler *h = NULL;
	struct agent_session *s = NULL;
	struct agent_inst *in = NULL;
	u8 plain[I62608_MAX_MSG];
	struct i62608_frame m;
	const u8 *dst, *src;
	unsigned int i;
	int reason, idx;

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
	idx = agent_inst_of_mac(aif->mac, aif->n_inst, dst);
	if (memcmp(dst, group_addr, 6) && idx < 0) {
		/* Promiscuous (--instances) or flooded: another station's. */
		aif->st.not_ours++;
		return;
	}
	if (idx >= 0)
		in = &aif->inst[idx];

	if (m.flags & I62608_F_PROTECTED) {
		/* Sessions are per instance: never to the group. */
		reason = in ? rx_open(a, in, src, frame + AGENT_ETH_HLEN, &m,
				      plain, &s) : I62608_DROP_PROTECTED;
		if (!reason && h->rule != AGENT_RX_SEALED)
			reason = I62608_DROP_TYPE;
	} else {
		reason = h->rule == AGENT_RX_SEALED ? I62608_DROP_UNPROTECTED : 0;
	}
	if (!reason && h->unicast && !in)
		reason = I62608_DROP_TYPE;
	if (!reason)
		reason = i62608_wire_validate(&m);
	/* The confirmation of a handshake echoes its id. */
	if (!reason && m.type == I62608_MSG_SESSION_CONFIRM &&
	    (s != in->sec.next || m.msg_id != in->sec.hs_msg_id))
		reason = I62608_DROP_HS_FAILED;
	if (reason) {
		drop(aif, reason, src, len);
		return;
	}
	if (s)
		agent_sec_verified(a, in, s);
	if (in)
		h->fn(a, aif, &m, src, in, 1);
	else
		h->fn(a, aif, &m, src, aif->inst, aif->n_inst);
}
