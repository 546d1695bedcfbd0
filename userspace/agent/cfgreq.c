// SPDX-License-Identifier: GPL-2.0
/*
 * CONFIG_REQUEST in, CONFIG_ACK / CONFIG_NACK out, CONFIG_REPORT when the
 * device changes by itself (see cfgreq.h).
 *
 * A request is acted on only when it came on a session (the receive path
 * refuses a plaintext one). Its items are the TLVs CFG_IFACE ..
 * CFG_SETTING, numbered from 0 in their order; each gets one CFG_RESULT.
 * The answer to each of the last 16 requests (by configurator epoch and
 * message id) is kept: a retransmission gets it again, and nothing is
 * applied twice.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "cfgreq.h"
#include "log.h"

static struct agent_cfgstate *cfgstate(struct agent_inst *in)
{
	if (!in->cfg)
		in->cfg = calloc(1, sizeof(*in->cfg));
	return in->cfg;
}

void agent_cfg_inst_free(struct agent *a, struct agent_inst *in)
{
	agent_timer_cancel(&a->timers, &in->cfgrep);
	free(in->cfg);
	in->cfg = NULL;
}

void agent_cfg_refuse(struct agent_cfg_item *it, u8 reason)
{
	it->status = I62608_CFG_REFUSED;
	it->reason = reason;
	it->done = true;
}

void agent_cfg_set(struct agent_cfg_item *it, u8 status)
{
	it->status = status;
	it->reason = I62608_CFGR_NONE;
	it->done = true;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static bool v4_unusable(const u8 *a)
{
	/* "This network", loopback, multicast, reserved and broadcast. */
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

static bool v6_unusable(const u8 *a)
{
	static const u8 zero[16], mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const u8 loop[16] = { [15] = 1 };

	return !memcmp(a, zero, 16) || !memcmp(a, loop, 16) || a[0] == 0xff ||
	       !memcmp(a, mapped, 12);
}

/* The host part of @a under @plen is all zeros or all ones. */
static bool v4_edge(const u8 *a, u8 plen)
{
	u32 v = get_unaligned_be32(a), host;

	if (plen >= 31)
		return false;	/* point to point: no network or broadcast */
	host = v & (0xffffffffu >> plen);
	return !host || host == (0xffffffffu >> plen);
}

static bool valid_value(const struct agent_cfg_item *it)
{
	const u8 *v = it->val;

	switch (it->type) {
	case I62608_TLV_CFG_ADDR4:
		/* 169.254/16 is the kernel's or avahi's to pick, not ours. */
		return !v4_unusable(v) && v[4] && !v4_edge(v, v[4]) &&
		       !(v[0] == 169 && v[1] == 254);
	case I62608_TLV_CFG_ADDR6:
		/* Link-local addresses are the kernel's (and kept). */
		return !v6_unusable(v) && v[16] &&
		       !(v[0] == 0xfe && (v[1] & 0xc0) == 0x80);
	case I62608_TLV_CFG_GW4:
		return !v4_unusable(v);
	case I62608_TLV_CFG_GW6:
		return !v6_unusable(v);
	case I62608_TLV_CFG_DNS4:
		return v[0] && v[0] < 224;
	case I62608_TLV_CFG_DNS6: {
		static const u8 zero[16];

		return memcmp(v, zero, 16) && v[0] != 0xff;
	}
	}
	/* The validator checked the others' ranges and charsets. */
	return true;
}

void agent_cfg_plan(struct agent_cfg_plan *p, const u8 *body, size_t len,
		    const struct agent_host *h, const char *facing)
{
	const struct agent_link *l;
	struct i62608_tlv_iter iter;
	struct i62608_elem t;
	struct agent_cfg_item *named = NULL;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	i62608_tlv_iter_init(&iter, body, len);
	while (i62608_tlv_next(&iter, &t) > 0 && p->n < I62608_MAX_CFG_ITEMS) {
		struct agent_cfg_item *it;

		if (t.type < I62608_TLV_CFG_IFACE || t.type > I62608_TLV_CFG_SETTING)
			continue;
		it = &p->items[p->n];
		it->type = t.type;
		it->index = (u8)p->n++;
		it->val = t.val;
		it->len = t.len;
		if (t.type == I62608_TLV_CFG_IFACE)
			named = it;
	}

	if (named)
		i62608_tlv_str(&(struct i62608_elem){ .len = named->len,
			       .val = named->val }, p->ifname, sizeof(p->ifname));
	else
		snprintf(p->ifname, sizeof(p->ifname), "%s", facing);
	l = agent_host_link_by_name(h, p->ifname);
	p->ifindex = l ? l->ifindex : 0;

	for (i = 0; i < p->n; i++) {
		struct agent_cfg_item *it = &p->items[i];

		if (!valid_value(it))
			agent_cfg_refuse(it, I62608_CFGR_INVALID);
		else if (it->type == I62608_TLV_CFG_IFACE && l)
			/* It selects; by itself it changes nothing. */
			agent_cfg_set(it, I62608_CFG_UNCHANGED);
		else if (it->type == I62608_TLV_CFG_IFACE)
			agent_cfg_refuse(it, I62608_CFGR_NO_IFACE);
	}
}

/* ------------------------------------------------------------------ */
/* Answers                                                             */
/* ------------------------------------------------------------------ */

static int send_answer(struct agent *a, struct agent_inst *in, u32 msg_id,
		       const struct agent_cfg_dup *d)
{
	struct i62608_w_hdr h = {
		.type = d->type, .msg_id = msg_id, .epoch = in->epoch,
	};
	u8 buf[I62608_MAX_MSG];
	struct i62608_w w;
	unsigned int i;

	i62608_w_init(&w, buf, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(&w, &h);
	for (i = 0; i < d->n; i++)
		i62608_w_tlv(&w, I62608_TLV_CFG_RESULT, &d->res[i],
			     sizeof(d->res[i]));
	return agent_send_msg(a, in, in->cfg_mac, buf, i62608_w_finish(&w),
			      false);
}

static const char *status_name(u8 status)
{
	static const char *const n[] = { "applied", "unchanged", "refused" };

	return status <= I62608_CFG_STATUS_MAX ? n[status] : "?";
}

static const char *reason_name(u8 reason)
{
	static const char *const n[] = {
		"none", "unsupported", "invalid", "conflict", "failed",
		"no_iface", "no_service", "no_hook",
	};

	return reason <= I62608_CFGR_MAX ? n[reason] : "?";
}

static const char *item_name(u16 type)
{
	static const char *const n[] = {
		"iface", "addr4", "addr6", "gw4", "gw6", "dns4", "dns6",
		"dhcp4", "dhcp6", "hostname", "service", "qos", "setting",
	};

	if (type < I62608_TLV_CFG_IFACE || type > I62608_TLV_CFG_SETTING)
		return "?";
	return n[type - I62608_TLV_CFG_IFACE];
}

void agent_cfg_request(struct agent *a, struct agent_inst *in,
		       const struct i62608_frame *m)
{
	struct agent_if_stats *st = &in->aif->st;
	struct agent_cfgstate *cs = cfgstate(in);
	struct agent_cfg_plan *p;
	struct agent_cfg_dup *d;
	unsigned int i, refused = 0, applied = 0;
	bool report_again;

	if (!cs) {
		log_err("%s: out of memory for a configuration request",
			INST_LABEL(a, in));
		return;
	}
	st->cfg_requests++;
	/* (epoch, id): a retransmission of one already handled. */
	for (i = 0; i < AGENT_CFG_DUPS; i++) {
		d = &cs->dups[i];
		if (d->type && d->epoch == m->epoch && d->msg_id == m->msg_id) {
			st->cfg_duplicates++;
			log_debug("%s: CONFIG_REQUEST id %u again: same answer",
				  INST_LABEL(a, in), m->msg_id);
			send_answer(a, in, m->msg_id, d);
			return;
		}
	}

	p = calloc(1, sizeof(*p));
	if (!p) {
		log_err("%s: out of memory for a configuration request",
			INST_LABEL(a, in));
		return;
	}
	agent_cfg_plan(p, m->body, m->body_len, &a->host, in->aif->name);
	p->dry_run = a->cfg.config_mode == AGENT_CFG_DRY_RUN;
	if (!p->dry_run && a->n_instances > 1) {
		/* Virtual agents share one host: none of them may change it. */
		for (i = 0; i < p->n; i++)
			if (!p->items[i].done)
				agent_cfg_refuse(&p->items[i], I62608_CFGR_UNSUPPORTED);
	}
	agent_cfg_apply(a, in, p, &cs->want);

	d = &cs->dups[cs->next_dup];
	cs->next_dup = (cs->next_dup + 1) % AGENT_CFG_DUPS;
	memset(d, 0, sizeof(*d));
	d->epoch = m->epoch;
	d->msg_id = m->msg_id;
	d->n = (u8)p->n;
	for (i = 0; i < p->n; i++) {
		struct agent_cfg_item *it = &p->items[i];

		if (!it->done)	/* cannot happen: every kind is handled */
			agent_cfg_refuse(it, I62608_CFGR_UNSUPPORTED);
		d->res[i].item = it->index;
		d->res[i].status = it->status;
		d->res[i].reason = it->reason;
		refused += it->status == I62608_CFG_REFUSED;
		applied += it->status == I62608_CFG_APPLIED;
		log_info("%s: config id %u item %u %s: %s%s%s", INST_LABEL(a, in),
			 m->msg_id, it->index, item_name(it->type),
			 status_name(it->status), it->reason ? " " : "",
			 it->reason ? reason_name(it->reason) : "");
	}
	d->type = refused ? I62608_MSG_CONFIG_NACK : I62608_MSG_CONFIG_ACK;
	if (refused)
		st->cfg_nacks++;
	else
		st->cfg_acks++;
	log_info("%s: config id %u%s: %u items, %u applied, %u refused: %s",
		 INST_LABEL(a, in), m->msg_id, p->dry_run ? " (dry run)" : "",
		 p->n, applied, refused, refused ? "CONFIG_NACK" : "CONFIG_ACK");
	report_again = p->report_again;
	free(p);
	send_answer(a, in, m->msg_id, d);
	/* After the answer: the configurator learns the outcome first. */
	if (report_again)
		agent_refresh(a, true);
}

/* ------------------------------------------------------------------ */
/* Services                                                            */
/* ------------------------------------------------------------------ */

void agent_report_services(const struct agent *a, struct i62608_report *r)
{
	unsigned int i, j;

	for (i = 0; i < a->n_svc; i++) {
		const struct agent_svc_state *s = &a->svc[i];

		for (j = 0; j < r->n_services; j++)
			if (!strcmp(r->services[j].name, s->name))
				break;
		if (j == r->n_services) {
			if (r->n_services == I62608_MAX_SERVICES)
				continue;
			memset(&r->services[j], 0, sizeof(r->services[j]));
			strcpy(r->services[j].name, s->name);
			r->n_services++;
		}
		r->services[j].state = s->state;
	}
}

/* ------------------------------------------------------------------ */
/* CONFIG_REPORT                                                       */
/* ------------------------------------------------------------------ */

/* The hostname if a CFG_HOSTNAME could carry it. */
static bool cfg_hostname(char *name)
{
	char buf[256] = "";
	size_t i, len;

	if (gethostname(buf, sizeof(buf) - 1))
		return false;
	len = strlen(buf);
	if (!len || len > I62608_STR_MAX || buf[0] == '-' || buf[0] == '.' ||
	    buf[len - 1] == '-' || buf[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.') || (c == '.' && buf[i + 1] == '.'))
			return false;
	}
	strcpy(name, buf);
	return true;
}

/* The items describing @d as a CONFIG_REPORT body. Returns its length. */
static int cfg_items(const struct i62608_report_if *d, u8 *out)
{
	u8 buf[I62608_MAX_MSG];
	char host[I62608_STR_MAX + 1];
	struct i62608_w_hdr h = { .type = I62608_MSG_CONFIG_REPORT, .epoch = 1 };
	struct i62608_w w;
	unsigned int i;
	int len;

	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	i62608_w_str(&w, I62608_TLV_CFG_IFACE, d->name);
	for (i = 0; i < d->n_addr4; i++) {
		struct i62608_tlv_cfg_addr4 v;

		if (d->addr4[i].origin == I62608_ORIGIN_LINK_LOCAL)
			continue;
		memcpy(v.addr, d->addr4[i].addr, 4);
		v.plen = d->addr4[i].plen;
		i62608_w_tlv(&w, I62608_TLV_CFG_ADDR4, &v, sizeof(v));
	}
	for (i = 0; i < d->n_addr6; i++) {
		struct i62608_tlv_cfg_addr6 v;

		if (d->addr6[i].origin == I62608_ORIGIN_LINK_LOCAL)
			continue;
		memcpy(v.addr, d->addr6[i].addr, 16);
		v.plen = d->addr6[i].plen;
		i62608_w_tlv(&w, I62608_TLV_CFG_ADDR6, &v, sizeof(v));
	}
	if (d->has_gw4)
		i62608_w_tlv(&w, I62608_TLV_CFG_GW4, d->gw4, 4);
	if (d->has_gw6)
		i62608_w_tlv(&w, I62608_TLV_CFG_GW6, d->gw6, 16);
	for (i = 0; i < d->n_dns4; i++)
		i62608_w_tlv(&w, I62608_TLV_CFG_DNS4, d->dns4[i], 4);
	for (i = 0; i < d->n_dns6; i++)
		i62608_w_tlv(&w, I62608_TLV_CFG_DNS6, d->dns6[i], 16);
	i62608_w_u8(&w, I62608_TLV_CFG_DHCP4, !!(d->flags & I62608_IFF_DHCP4));
	if (cfg_hostname(host))
		i62608_w_str(&w, I62608_TLV_CFG_HOSTNAME, host);
	len = i62608_w_finish(&w);
	if (len < 0 || len - 24 > AGENT_CFGREP_MAX)
		return -1;
	memcpy(out, buf + 24, (size_t)(len - 24));
	return len - 24;
}

static bool cfgrep_wanted(const struct agent *a, const struct agent_inst *in)
{
	return a->keys.enabled && a->cfg.config_mode == AGENT_CFG_APPLY &&
	       a->n_instances == 1 && in->state == AGENT_ST_CONNECTED &&
	       in->sec.cur;
}

static void cfgrep_send(struct agent *a, struct agent_inst *in)
{
	struct agent_cfgstate *cs = in->cfg;
	struct i62608_w_hdr h = {
		.type = I62608_MSG_CONFIG_REPORT, .epoch = in->epoch,
	};
	u8 items[AGENT_CFGREP_MAX], buf[I62608_MAX_MSG];
	struct i62608_w w;
	int len;

	if (!cs || !cfgrep_wanted(a, in))
		return;
	len = cfg_items(&in->aif->desc, items);
	if (len < 0 || (cs->has_cfgrep && len == cs->cfgrep_len &&
			!memcmp(items, cs->cfgrep, (size_t)len)))
		return;
	if (cs->has_cfgrep && a->now < cs->cfgrep_sent + AGENT_CFGREP_INTERVAL_MS) {
		/* Rate limited: the state of then goes, if it still differs. */
		if (!agent_timer_armed(&in->cfgrep) &&
		    agent_timer_arm(&a->timers, &in->cfgrep,
				    cs->cfgrep_sent + AGENT_CFGREP_INTERVAL_MS))
			log_err("out of memory for timers");
		return;
	}
	h.msg_id = agent_next_id(in);
	i62608_w_init(&w, buf, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(&w, &h);
	if (len) {
		memcpy(buf + w.len, items, (size_t)len);
		w.len += (u16)len;
	}
	if (!agent_send_msg(a, in, in->cfg_mac, buf, i62608_w_finish(&w), false)) {
		in->aif->st.cfg_reports++;
		log_info("%s: config report sent id %u (%d bytes of items)",
			 INST_LABEL(a, in), h.msg_id, len);
	}
	cs->cfgrep_sent = a->now;
	cs->has_cfgrep = true;
	cs->cfgrep_len = (u16)len;
	memcpy(cs->cfgrep, items, (size_t)len);
}

static void cfgrep_fire(struct agent_timer *t, void *ctx)
{
	struct agent_inst *in = (struct agent_inst *)((char *)t -
						      offsetof(struct agent_inst, cfgrep));

	cfgrep_send(ctx, in);
}

void agent_cfg_host_changed(struct agent *a, struct agent_inst *in)
{
	if (!in->cfgrep.fn)
		agent_timer_init(&in->cfgrep, cfgrep_fire);
	if (in->cfg && in->cfg->has_cfgrep)
		cfgrep_send(a, in);
}

void agent_cfg_session_up(struct agent *a, struct agent_inst *in)
{
	struct agent_cfgstate *cs;
	int len;

	if (!in->cfgrep.fn)
		agent_timer_init(&in->cfgrep, cfgrep_fire);
	if (!cfgrep_wanted(a, in))
		return;
	cs = cfgstate(in);
	if (!cs || cs->has_cfgrep)
		return;
	/* What the configurator learns from the REPORT sent now. */
	len = cfg_items(&in->aif->desc, cs->cfgrep);
	if (len < 0)
		return;
	cs->cfgrep_len = (u16)len;
	cs->has_cfgrep = true;
	cs->cfgrep_sent = a->now;
}

/* After our own changes: they are no news to the configurator. */
void agent_cfg_baseline(struct agent *a, struct agent_inst *in,
			const struct i62608_report_if *d)
{
	struct agent_cfgstate *cs = in->cfg;
	int len;

	if (!cs || !cs->has_cfgrep)
		return;
	len = cfg_items(d, cs->cfgrep);
	if (len >= 0)
		cs->cfgrep_len = (u16)len;
}
