// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's protocol state machine, one per instance (docs/protocol.md
 * section 7):
 *
 *   DOWN       the link is down: nothing to say, nobody to hear it;
 *   SEARCHING  DISCOVER after 0-200 ms, then with backoff, forever;
 *   CONNECTED  REPORT at once; HEARTBEAT every interval; REPORT again on
 *              change, on REPORT_REQUEST and on a new configurator epoch;
 *              back to SEARCHING after the configurator's TTL of silence.
 *
 * Each state change is logged at info level, in words the tests grep.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
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

const char *agent_state_name(unsigned int state)
{
	static const char *const names[] = {
		[AGENT_ST_DOWN] = "down",
		[AGENT_ST_SEARCHING] = "searching",
		[AGENT_ST_CONNECTED] = "connected",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

/* A failed arm means no memory for the heap: nothing else can run either. */
static void arm(struct agent *a, struct agent_timer *t, u64 at)
{
	if (agent_timer_arm(&a->timers, t, at)) {
		log_err("out of memory for timers");
		abort();
	}
}

static void search(struct agent *a, struct agent_inst *in)
{
	in->state = AGENT_ST_SEARCHING;
	in->backoff_step = 0;
	agent_timer_cancel(&a->timers, &in->lost);
	arm(a, &in->tx, a->now + agent_start_delay_ms(agent_rand(a)));
	log_info("%s: searching", INST_LABEL(a, in));
}

/* The configurator is gone: so are the sessions with it. */
static void lost(struct agent *a, struct agent_inst *in, const char *why)
{
	log_info("%s: lost configurator %s (%s)", INST_LABEL(a, in),
		 MAC(in->cfg_mac), why);
	agent_sec_reset(a, in);
	agent_timer_cancel(&a->timers, &in->cfgrep);
}

void agent_inst_lose(struct agent *a, struct agent_inst *in, const char *why)
{
	if (in->state != AGENT_ST_CONNECTED)
		return;
	lost(a, in, why);
	search(a, in);
}

void agent_inst_report_now(struct agent *a, struct agent_inst *in)
{
	agent_send_report(a, in);
	arm(a, &in->tx, a->now + (u64)in->hb_interval * 1000);
}

static void report(struct agent *a, struct agent_inst *in)
{
	agent_inst_report_now(a, in);
}

static void tx_fire(struct agent_timer *t, void *ctx)
{
	struct agent_inst *in = container_of(t, struct agent_inst, tx);
	struct agent *a = ctx;

	switch (in->state) {
	case AGENT_ST_SEARCHING:
		agent_send_discover(a, in);
		arm(a, &in->tx, a->now +
		    agent_backoff_ms(in->backoff_step, a->cfg.backoff_min_ms,
				     a->cfg.backoff_max_ms, agent_rand(a)));
		if (in->backoff_step < 255)
			in->backoff_step++;
		break;
	case AGENT_ST_CONNECTED:
		agent_send_heartbeat(a, in);
		arm(a, &in->tx, a->now + (u64)in->hb_interval * 1000);
		break;
	}
}

/* The deadline moves with every frame heard; the timer catches up lazily. */
static void lost_fire(struct agent_timer *t, void *ctx)
{
	struct agent_inst *in = container_of(t, struct agent_inst, lost);
	struct agent *a = ctx;
	u64 deadline = in->last_heard + (u64)in->cfg_ttl * 1000;

	if (in->state != AGENT_ST_CONNECTED)
		return;
	if (a->now < deadline) {
		arm(a, &in->lost, deadline);
		return;
	}
	lost(a, in, "ttl expired");
	search(a, in);
}

void agent_inst_init(struct agent *a, struct agent_if *aif,
		     struct agent_inst *in, u16 index)
{
	memset(in, 0, sizeof(*in));
	in->aif = aif;
	in->index = index;
	agent_inst_mac(aif->mac, index, in->mac);
	in->epoch = agent_new_epoch();
	in->state = AGENT_ST_DOWN;
	in->hb_interval = AGENT_DEFAULT_HEARTBEAT;
	agent_timer_init(&in->tx, tx_fire);
	agent_timer_init(&in->lost, lost_fire);
	agent_sec_init(a, in);
}

void agent_inst_free(struct agent *a, struct agent_inst *in)
{
	agent_timer_cancel(&a->timers, &in->tx);
	agent_timer_cancel(&a->timers, &in->lost);
	agent_sec_reset(a, in);
	i62608_cr_wipe(&in->sec.key, sizeof(in->sec.key));
	agent_cfg_inst_free(a, in);
}

void agent_inst_link(struct agent *a, struct agent_inst *in, bool up)
{
	if (up) {
		if (in->state == AGENT_ST_DOWN)
			search(a, in);
		return;
	}
	if (in->state == AGENT_ST_CONNECTED)
		lost(a, in, "link down");
	agent_sec_reset(a, in);
	in->state = AGENT_ST_DOWN;
	agent_timer_cancel(&a->timers, &in->tx);
	agent_timer_cancel(&a->timers, &in->lost);
}

static void heard(struct agent *a, struct agent_inst *in,
		  const struct agent_adv *adv)
{
	in->last_heard = a->now;
	in->cfg_ttl = adv->ttl;
	/* A shorter TTL than before must not wait for the old deadline. */
	arm(a, &in->lost, a->now + (u64)adv->ttl * 1000);
}

/*
 * May the network make us REPORT now? The generic cell rate algorithm: one
 * timestamp per instance, AGENT_ASKED_BURST at once, then one per interval.
 */
static bool asked_allowed(struct agent *a, struct agent_inst *in)
{
	u64 tolerance = (AGENT_ASKED_BURST - 1) * AGENT_ASKED_INTERVAL_MS;

	if (in->asked_tat > a->now + tolerance) {
		in->aif->st.reports_limited++;
		return false;
	}
	in->asked_tat = (in->asked_tat > a->now ? in->asked_tat : a->now) +
		AGENT_ASKED_INTERVAL_MS;
	return true;
}

void agent_inst_advertise(struct agent *a, struct agent_inst *in,
			  const struct agent_adv *adv)
{
	bool restarted, hb_changed;

	switch (in->state) {
	case AGENT_ST_DOWN:
		return;
	case AGENT_ST_SEARCHING:
		if (agent_sec_shunned(a, in, adv->src)) {
			log_debug("%s: ignoring ADVERTISE of %s: not the pinned configurator",
				  INST_LABEL(a, in), MAC(adv->src));
			return;
		}
		memcpy(in->cfg_mac, adv->src, 6);
		in->cfg_epoch = adv->epoch;
		in->hb_interval = adv->hb_interval;
		in->state = AGENT_ST_CONNECTED;
		heard(a, in, adv);
		log_info("%s: found configurator %s epoch 0x%08x (heartbeat %u s, ttl %u s)",
			 INST_LABEL(a, in), MAC(adv->src), adv->epoch,
			 adv->hb_interval, adv->ttl);
		/* Pinned, this says nothing until the handshake is done. */
		report(a, in);
		agent_sec_handshake(a, in);
		return;
	case AGENT_ST_CONNECTED:
		break;
	}

	/* We follow the configurator we found until it is lost. */
	if (memcmp(adv->src, in->cfg_mac, 6)) {
		log_debug("%s: ignoring ADVERTISE of configurator %s: following %s",
			  INST_LABEL(a, in), MAC(adv->src), MAC(in->cfg_mac));
		return;
	}
	heard(a, in, adv);
	restarted = adv->epoch != in->cfg_epoch;
	hb_changed = adv->hb_interval != in->hb_interval;
	if (restarted) {
		log_info("%s: configurator %s restarted (epoch 0x%08x -> 0x%08x)",
			 INST_LABEL(a, in), MAC(adv->src), in->cfg_epoch,
			 adv->epoch);
		in->cfg_epoch = adv->epoch;
		/* Its sessions are gone; ours stays until a new one is up. */
		if (in->sec.cur)
			agent_sec_nudge(a, in, "configurator restarted");
	}
	if (hb_changed) {
		log_info("%s: heartbeat interval %u s -> %u s", INST_LABEL(a, in),
			 in->hb_interval, adv->hb_interval);
		in->hb_interval = adv->hb_interval;
	}
	if ((restarted || (adv->flags & I62608_F_REPORT_REQUEST)) &&
	    asked_allowed(a, in)) {
		if (!restarted)
			log_debug("%s: REPORT requested (ADVERTISE id %u)",
				  INST_LABEL(a, in), adv->msg_id);
		report(a, in);
	} else if (restarted || (adv->flags & I62608_F_REPORT_REQUEST)) {
		/* A HEARTBEAT names our REPORT: asked again, answered then. */
		log_debug("%s: REPORT asked for too often: not now",
			  INST_LABEL(a, in));
	} else if (hb_changed) {
		/* Our TTL changed with it: tell at once. */
		agent_send_heartbeat(a, in);
		arm(a, &in->tx, a->now + (u64)in->hb_interval * 1000);
	}
}

void agent_inst_changed(struct agent *a, struct agent_inst *in)
{
	if (in->state == AGENT_ST_CONNECTED && in->report_gen != a->gen)
		report(a, in);
}

void agent_inst_stop(struct agent *a, struct agent_inst *in, u8 reason)
{
	if (in->state == AGENT_ST_CONNECTED && in->aif->up &&
	    !agent_send_bye(a, in, reason))
		log_info("%s: bye sent to %s", INST_LABEL(a, in),
			 MAC(in->cfg_mac));
	agent_sec_reset(a, in);
	agent_timer_cancel(&a->timers, &in->cfgrep);
	in->state = AGENT_ST_DOWN;
	agent_timer_cancel(&a->timers, &in->tx);
	agent_timer_cancel(&a->timers, &in->lost);
}
