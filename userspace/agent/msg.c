// SPDX-License-Identifier: GPL-2.0
/*
 * The messages an agent sends (docs/protocol.md section 5), encoded by
 * kernel/wire.c. Every message has a new message id. A plaintext frame
 * carries the next counter value of its instance's epoch; a protected one
 * the next counter of its session (docs/security.md section 6).
 *
 * With a session, REPORT, HEARTBEAT and BYE go sealed. Without one, an
 * agent that has pinned a configurator says nothing in plaintext: what
 * the device is stays between it and the configurator it trusts.
 */

#include <errno.h>
#include <inttypes.h>

#include "agent.h"
#include "log.h"

static const u8 group_addr[6] = I62608_GROUP_ADDR;

u16 agent_ttl(u16 hb_interval)
{
	u32 ttl = 3 * (u32)hb_interval + 1;

	return ttl > 0xffff ? 0xffff : (u16)ttl;
}

u32 agent_next_id(struct agent_inst *in)
{
	/* 0 is never used: a REPORT_ID of 0 would name no REPORT. */
	if (!++in->last_id)
		++in->last_id;
	return in->last_id;
}

/* The counter is set when the message is sent: epoch's or session's. */
static void start(struct agent_inst *in, struct i62608_w *w, u8 *buf, u8 type)
{
	struct i62608_w_hdr h = {
		.type = type, .msg_id = agent_next_id(in), .epoch = in->epoch,
	};

	/* Room for the tag, should the message be sealed. */
	i62608_w_init(w, buf, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(w, &h);
}

int agent_send_msg(struct agent *a, struct agent_inst *in, const u8 *dst,
		   u8 *buf, int len, bool plain_ok)
{
	struct agent_if_stats *st = &in->aif->st;
	int err;

	if (len < 0) {
		/* Our own messages always fit: this is a bug, say so. */
		log_err("%s: message does not fit a frame", INST_LABEL(a, in));
		st->tx_errors++;
		return -EMSGSIZE;
	}
	if (in->sec.cur && !plain_ok) {
		len = agent_sec_seal(a, in, buf, len);
		if (len < 0) {
			log_err("%s: cannot seal a message", INST_LABEL(a, in));
			st->tx_errors++;
			return -EMSGSIZE;
		}
	} else if (plain_ok || agent_sec_plain_ok(a)) {
		put_unaligned_be64(++in->counter, buf + 16);
	} else {
		st->suppressed++;
		return -ENOTCONN;
	}
	err = a->ops->tx(a, in, dst, buf, (size_t)len);
	if (err) {
		st->tx_errors++;
		log_debug("%s: send failed: %s", INST_LABEL(a, in), strerror(-err));
		return err;
	}
	st->tx_frames++;
	st->tx_bytes += (u64)len;
	return 0;
}

int agent_send_discover(struct agent *a, struct agent_inst *in)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;

	start(in, &w, buf, I62608_MSG_DISCOVER);
	i62608_w_u32(&w, I62608_TLV_CAPABILITIES, a->caps);
	i62608_w_u8(&w, I62608_TLV_DEVICE_TYPE, a->cfg.device_type);
	i62608_w_str(&w, I62608_TLV_AGENT_VERSION, I62608_TOOL_VERSION);
	log_debug("%s: DISCOVER id %u", INST_LABEL(a, in), in->last_id);
	return agent_send_msg(a, in, group_addr, buf, i62608_w_finish(&w), true);
}

int agent_send_report(struct agent *a, struct agent_inst *in)
{
	u8 buf[I62608_MAX_MSG];
	bool partial = false;
	u32 id = agent_next_id(in);
	int len, err;

	len = agent_report_of(a, in, id, 0, buf, &partial);
	err = agent_send_msg(a, in, in->cfg_mac, buf, len, false);
	/* Even if it was lost: HEARTBEATs name it, the configurator asks. */
	in->report_id = id;
	in->report_gen = a->gen;
	if (!err)
		log_info("%s: report sent id %u (%d bytes%s%s)", INST_LABEL(a, in),
			 id, len, partial ? ", partial" : "",
			 in->sec.cur ? ", protected" : "");
	return err;
}

int agent_send_heartbeat(struct agent *a, struct agent_inst *in)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;

	start(in, &w, buf, I62608_MSG_HEARTBEAT);
	i62608_w_u16(&w, I62608_TLV_TTL, agent_ttl(in->hb_interval));
	i62608_w_u32(&w, I62608_TLV_REPORT_ID, in->report_id);
	log_debug("%s: HEARTBEAT id %u report %u", INST_LABEL(a, in),
		  in->last_id, in->report_id);
	return agent_send_msg(a, in, in->cfg_mac, buf, i62608_w_finish(&w), false);
}

int agent_send_bye(struct agent *a, struct agent_inst *in, u8 reason)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;

	start(in, &w, buf, I62608_MSG_BYE);
	i62608_w_u8(&w, I62608_TLV_REASON, reason);
	return agent_send_msg(a, in, in->cfg_mac, buf, i62608_w_finish(&w), false);
}
