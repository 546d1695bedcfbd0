// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of docs/security.md: the Noise XX handshake as
 * initiator, its sessions, the pinned configurator.
 *
 *   connected --HS_INIT--> INIT_SENT --HS_RESP (pin checked), HS_FINISH-->
 *   FINISH_SENT --SESSION_CONFIRM (sealed with the new keys)--> session
 *
 * A handshake not finished within 5 s is dropped and tried again after a
 * backoff of 1 s doubling to 60 s (with jitter); so is one the configurator
 * refuses (HS_REJECT: not paired yet; the user may pair the device later),
 * forever. The confirmed session is kept until a new one is confirmed:
 * rekeying after rekey_after or 2^32 frames loses nothing in between.
 *
 * Nothing unauthenticated ends a session: DECRYPT_FAIL and a new
 * configurator epoch (an ADVERTISE anyone can forge) only start a new
 * handshake, at most once a second; HS_REJECT only schedules the next
 * attempt, and a genuine SESSION_CONFIRM still completes the handshake it
 * seemed to refuse. Keys are wiped whenever a session or handshake ends.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
#include "keys.h"
#include "log.h"

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

static const char *mac_str(const u8 *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

#define MAC(m) mac_str((m), (char[18]){ 0 })

static void arm(struct agent *a, struct agent_timer *t, u64 at)
{
	if (agent_timer_arm(&a->timers, t, at)) {
		log_err("out of memory for timers");
		abort();
	}
}

static void session_free(struct agent_session *s)
{
	if (s) {
		i62608_cr_wipe(s, sizeof(*s));
		free(s);
	}
}

/* End the handshake in progress and the session it made, if unconfirmed. */
static void hs_end(struct agent_inst *in)
{
	struct agent_sec *sec = &in->sec;

	if (sec->hs) {
		i62608_hs_wipe(sec->hs);
		free(sec->hs);
		sec->hs = NULL;
	}
	session_free(sec->next);
	sec->next = NULL;
	i62608_cr_wipe(sec->hs_peer, sizeof(sec->hs_peer));
	sec->hs_state = AGENT_HS_IDLE;
}

/* Give up this attempt; the next one after the backoff. */
static void retry(struct agent *a, struct agent_inst *in, const char *why)
{
	struct agent_sec *sec = &in->sec;
	u32 delay = agent_backoff_ms(sec->hs_step, AGENT_HS_RETRY_MIN_MS,
				     AGENT_HS_RETRY_MAX_MS, agent_rand(a));

	hs_end(in);
	if (sec->hs_step < 255)
		sec->hs_step++;
	arm(a, &sec->hs_timer, a->now + delay);
	log_debug("%s: handshake %s: next attempt in %u ms", INST_LABEL(a, in),
		  why, delay);
}

static void hs_timer_fire(struct agent_timer *t, void *ctx)
{
	struct agent_inst *in = container_of(t, struct agent_inst, sec.hs_timer);
	struct agent *a = ctx;

	if (in->state != AGENT_ST_CONNECTED)
		return;
	if (in->sec.hs_state != AGENT_HS_IDLE) {
		in->aif->st.hs_timeouts++;
		retry(a, in, "timed out");
		return;
	}
	agent_sec_handshake(a, in);
}

static void rekey_fire(struct agent_timer *t, void *ctx)
{
	struct agent_inst *in = container_of(t, struct agent_inst, sec.rekey);
	struct agent *a = ctx;

	log_debug("%s: rekeying", INST_LABEL(a, in));
	if (in->sec.hs_state == AGENT_HS_IDLE) {
		agent_timer_cancel(&a->timers, &in->sec.hs_timer);
		agent_sec_handshake(a, in);
	}
}

void agent_sec_init(struct agent *a, struct agent_inst *in)
{
	memset(&in->sec, 0, sizeof(in->sec));
	agent_timer_init(&in->sec.hs_timer, hs_timer_fire);
	agent_timer_init(&in->sec.rekey, rekey_fire);
}

void agent_sec_reset(struct agent *a, struct agent_inst *in)
{
	struct agent_sec *sec = &in->sec;

	hs_end(in);
	session_free(sec->cur);
	sec->cur = NULL;
	sec->hs_step = 0;
	agent_timer_cancel(&a->timers, &sec->hs_timer);
	agent_timer_cancel(&a->timers, &sec->rekey);
}

bool agent_sec_plain_ok(const struct agent *a)
{
	return !a->keys.pinned;
}

bool agent_sec_shunned(const struct agent *a, const struct agent_inst *in,
		       const u8 *mac)
{
	return a->now < in->sec.shun_until && !memcmp(mac, in->sec.shun_mac, 6);
}

struct agent_session *agent_sec_find(struct agent_inst *in, u16 key_id)
{
	if (in->sec.cur && in->sec.cur->local_id == key_id)
		return in->sec.cur;
	if (in->sec.next && in->sec.next->local_id == key_id)
		return in->sec.next;
	return NULL;
}

static u16 new_key_id(struct agent *a, struct agent_inst *in)
{
	u16 id;

	do {
		id = (u16)agent_rand(a);
	} while (!id || (in->sec.cur && id == in->sec.cur->local_id));
	return id;
}

void agent_sec_handshake(struct agent *a, struct agent_inst *in)
{
	u8 prologue[I62608_PROLOGUE_MAX], msg1[I62608_HS1_LEN];
	u8 buf[I62608_MAX_MSG];
	struct agent_sec *sec = &in->sec;
	struct i62608_w_hdr h = {
		.type = I62608_MSG_HS_INIT, .epoch = in->epoch,
	};
	struct i62608_w w;
	size_t plen;

	if (!a->keys.enabled || in->state != AGENT_ST_CONNECTED ||
	    sec->hs_state != AGENT_HS_IDLE)
		return;
	hs_end(in);
	if (!sec->has_key) {
		agent_key_derive(&a->keys.key, in->index, &sec->key);
		sec->has_key = true;
	}
	sec->hs = calloc(1, sizeof(*sec->hs));
	if (!sec->hs) {
		retry(a, in, "out of memory");
		return;
	}
	plen = i62608_hs_prologue(prologue, in->mac, in->cfg_mac);
	i62608_hs_init(sec->hs, true, &sec->key, prologue, plen);
	if (i62608_hs_write1(sec->hs, msg1)) {
		retry(a, in, "failed (message 1)");
		return;
	}
	sec->hs_local_id = new_key_id(a, in);
	sec->hs_msg_id = h.msg_id = agent_next_id(in);
	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_tlv(&w, I62608_TLV_HS_MSG, msg1, sizeof(msg1));
	i62608_w_u16(&w, I62608_TLV_HS_KEY_ID, sec->hs_local_id);
	sec->hs_state = AGENT_HS_INIT_SENT;
	in->aif->st.hs_started++;
	arm(a, &sec->hs_timer, a->now + AGENT_HS_TIMEOUT_MS);
	log_debug("%s: HS_INIT id %u to %s (key id %u)", INST_LABEL(a, in),
		  sec->hs_msg_id, MAC(in->cfg_mac), sec->hs_local_id);
	agent_send_msg(a, in, in->cfg_mac, buf, i62608_w_finish(&w), true);
}

void agent_sec_nudge(struct agent *a, struct agent_inst *in, const char *why)
{
	struct agent_sec *sec = &in->sec;

	if (!a->keys.enabled || sec->hs_state != AGENT_HS_IDLE ||
	    (sec->hs_nudged && a->now < sec->hs_nudged + AGENT_HS_NUDGE_MS))
		return;
	sec->hs_nudged = a->now;
	log_info("%s: %s: new handshake", INST_LABEL(a, in), why);
	agent_timer_cancel(&a->timers, &sec->hs_timer);
	agent_sec_handshake(a, in);
}

int agent_sec_seal(struct agent *a, struct agent_inst *in, u8 *buf, int len)
{
	struct agent_session *s = in->sec.cur;
	u64 counter = s->tx_counter++;

	/* Renew long before the counter could matter; keep this one till then. */
	if (s->tx_counter == AGENT_REKEY_AFTER_FRAMES)
		arm(a, &in->sec.rekey, a->now);
	return i62608_frame_seal(buf, (size_t)len, I62608_MAX_MSG, s->remote_id,
				 counter, in->mac, s->send_key);
}

/* ------------------------------------------------------------------ */
/* Messages from the configurator                                      */
/* ------------------------------------------------------------------ */

/* A handshake message for @in's handshake, from its configurator? */
static bool for_us(struct agent *a, struct agent_inst *in,
		   const struct i62608_frame *m, const u8 *src, u8 state,
		   const char *what)
{
	if (in->state == AGENT_ST_CONNECTED && !memcmp(src, in->cfg_mac, 6) &&
	    in->sec.hs_state == state && m->msg_id == in->sec.hs_msg_id &&
	    a->keys.enabled)
		return true;
	/* A late answer to an attempt given up, or not ours at all. */
	in->aif->st.drops[I62608_DROP_HS_FAILED]++;
	log_debug("%s: unexpected %s id %u from %s", INST_LABEL(a, in), what,
		  m->msg_id, MAC(src));
	return false;
}

void agent_rx_hs_resp(struct agent *a, struct agent_if *aif,
		      const struct i62608_frame *m, const u8 *src,
		      struct agent_inst *targets, u32 n_targets)
{
	struct agent_inst *in = targets;
	struct agent_sec *sec = &in->sec;
	u8 msg3[I62608_HS3_LEN], buf[I62608_MAX_MSG];
	struct i62608_w_hdr h = {
		.type = I62608_MSG_HS_FINISH, .epoch = in->epoch,
	};
	struct i62608_elem hm, kid;
	struct agent_session *s;
	struct i62608_w w;

	if (!for_us(a, in, m, src, AGENT_HS_INIT_SENT, "HS_RESP"))
		return;
	/* Validated: both are there, of their sizes. */
	if (!i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_MSG, &hm) ||
	    !i62608_tlv_find(m->body, m->body_len, I62608_TLV_HS_KEY_ID, &kid))
		return;
	if (i62608_hs_read2(sec->hs, hm.val, hm.len)) {
		aif->st.hs_failed++;
		aif->st.drops[I62608_DROP_HS_FAILED]++;
		retry(a, in, "failed: HS_RESP does not verify");
		return;
	}
	memcpy(sec->hs_peer, sec->hs->rs, sizeof(sec->hs_peer));
	if (a->keys.pinned &&
	    !i62608_cr_equal(sec->hs_peer, a->keys.pin, I62608_KEY_LEN)) {
		char key[AGENT_KEY_B64_LEN];

		agent_key_str(sec->hs_peer, key);
		aif->st.pin_mismatch++;
		log_warn("%s: configurator %s is not the pinned one (its key is %s): ignoring it",
			 INST_LABEL(a, in), MAC(src), key);
		memcpy(sec->shun_mac, src, 6);
		sec->shun_until = a->now + AGENT_SHUN_MS;
		hs_end(in);
		agent_timer_cancel(&a->timers, &sec->hs_timer);
		agent_inst_lose(a, in, "not the pinned configurator");
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s || i62608_hs_write3(sec->hs, msg3) ||
	    i62608_hs_split(sec->hs, s->send_key, s->recv_key)) {
		session_free(s);
		aif->st.hs_failed++;
		retry(a, in, "failed (message 3)");
		return;
	}
	free(sec->hs);		/* wiped by split() */
	sec->hs = NULL;
	s->local_id = sec->hs_local_id;
	s->remote_id = get_unaligned_be16(kid.val);
	s->created = a->now;
	i62608_replay_init(&s->replay);
	sec->next = s;

	h.msg_id = sec->hs_msg_id;
	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_tlv(&w, I62608_TLV_HS_MSG, msg3, sizeof(msg3));
	i62608_cr_wipe(msg3, sizeof(msg3));
	sec->hs_state = AGENT_HS_FINISH_SENT;
	log_debug("%s: HS_FINISH id %u (configurator key id %u)",
		  INST_LABEL(a, in), h.msg_id, s->remote_id);
	agent_send_msg(a, in, in->cfg_mac, buf, i62608_w_finish(&w), true);
}

void agent_rx_hs_reject(struct agent *a, struct agent_if *aif,
			const struct i62608_frame *m, const u8 *src,
			struct agent_inst *targets, u32 n_targets)
{
	struct agent_inst *in = targets;
	struct agent_sec *sec = &in->sec;
	u32 delay;

	if (in->sec.hs_state == AGENT_HS_IDLE ||
	    !for_us(a, in, m, src, in->sec.hs_state, "HS_REJECT"))
		return;
	aif->st.hs_rejected++;
	/*
	 * Advisory: anyone can send it. The handshake's keys stay until the
	 * next attempt, so a SESSION_CONFIRM arriving after all still counts.
	 */
	if (sec->hs) {
		i62608_hs_wipe(sec->hs);
		free(sec->hs);
		sec->hs = NULL;
	}
	sec->hs_state = AGENT_HS_IDLE;
	delay = agent_backoff_ms(sec->hs_step, AGENT_HS_RETRY_MIN_MS,
				 AGENT_HS_RETRY_MAX_MS, agent_rand(a));
	if (sec->hs_step < 255)
		sec->hs_step++;
	arm(a, &sec->hs_timer, a->now + delay);
	log_info("%s: configurator %s refused the handshake: not paired (next attempt in %u ms)",
		 INST_LABEL(a, in), MAC(src), delay);
}

void agent_rx_decrypt_fail(struct agent *a, struct agent_if *aif,
			   const struct i62608_frame *m, const u8 *src,
			   struct agent_inst *targets, u32 n_targets)
{
	struct agent_inst *in = targets;
	struct i62608_elem t;

	if (in->state != AGENT_ST_CONNECTED || memcmp(src, in->cfg_mac, 6) ||
	    !in->sec.cur ||
	    !i62608_tlv_find(m->body, m->body_len, I62608_TLV_FAIL_KEY_ID, &t) ||
	    get_unaligned_be16(t.val) != in->sec.cur->remote_id) {
		log_debug("%s: DECRYPT_FAIL from %s not about our session",
			  INST_LABEL(a, in), MAC(src));
		return;
	}
	agent_sec_nudge(a, in, "the configurator has no session for our key");
}

void agent_rx_session_confirm(struct agent *a, struct agent_if *aif,
			      const struct i62608_frame *m, const u8 *src,
			      struct agent_inst *targets, u32 n_targets)
{
	/* Its work is done by agent_sec_verified(), before this. */
	log_debug("%s: SESSION_CONFIRM id %u", INST_LABEL(a, targets), m->msg_id);
}

/* ------------------------------------------------------------------ */
/* Confirmation                                                        */
/* ------------------------------------------------------------------ */

static void learn_pin(struct agent *a, struct agent_inst *in)
{
	char key[AGENT_KEY_B64_LEN];
	int err;

	memcpy(a->keys.pin, in->sec.hs_peer, I62608_KEY_LEN);
	a->keys.pinned = true;
	a->keys.pin_learned = true;
	agent_key_str(a->keys.pin, key);
	log_notice("%s: pinned configurator %s, key %s (trust on first use; 'i62608-agent --unpair' forgets it)",
		   INST_LABEL(a, in), MAC(in->cfg_mac), key);
	if (!a->keys.pin_path[0])
		return;
	err = agent_pin_store(a->keys.pin_path, a->keys.pin);
	if (err)
		log_err("%s: cannot store the pin: %s (it holds until the agent stops)",
			a->keys.pin_path, strerror(-err));
}

void agent_sec_verified(struct agent *a, struct agent_inst *in,
			struct agent_session *s)
{
	struct agent_sec *sec = &in->sec;

	if (s != sec->next)
		return;
	/* The pin was checked before HS_FINISH; unpinned, this is day 0. */
	if (!a->keys.pinned)
		learn_pin(a, in);
	session_free(sec->cur);
	sec->cur = s;
	sec->next = NULL;
	i62608_cr_wipe(sec->hs_peer, sizeof(sec->hs_peer));
	sec->hs_state = AGENT_HS_IDLE;
	sec->hs_step = 0;
	agent_timer_cancel(&a->timers, &sec->hs_timer);
	arm(a, &sec->rekey, a->now + a->cfg.rekey_after_ms);
	in->aif->st.hs_completed++;
	log_info("%s: session with configurator %s (key ids %u/%u)",
		 INST_LABEL(a, in), MAC(in->cfg_mac), s->local_id, s->remote_id);
	agent_cfg_session_up(a, in);
	agent_inst_report_now(a, in);
}
