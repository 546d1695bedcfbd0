// SPDX-License-Identifier: GPL-2.0
/*
 * Printing (see status.h). Keys are lower_case; JSON carries numbers as
 * numbers and names as strings, text the same tree.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "status.h"

/*
 * The conventions of i62608ctl's rendering (userspace/ctl/render.c), so
 * that the REPORT --check prints reads like the one `i62608ctl agent show`
 * prints: sets of bits are one line in text and arrays of names in JSON,
 * addresses "a/plen origin" in text and objects in JSON, empty lists only
 * in JSON, durations in milliseconds.
 */

static const char *const cap_names[] = {
	"ipv4", "ipv6", "dhcp4", "static", "services", "qos", "multicast",
	"config", "security",
};

static const char *const iff_names[] = { "up", "carrier", "dhcp4", "dhcp6" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void bits(struct out *o, const char *key, u32 v,
		 const char *const *names, unsigned int n)
{
	char text[256] = "", hex[16];
	size_t used = 0;
	unsigned int i, prev;

	prev = out_only(o, OUT_JSON);
	out_arr_open(o, key);
	for (i = 0; i < 32; i++) {
		const char *name = hex;

		if (!(v & (1u << i)))
			continue;
		if (i < n)
			name = names[i];
		else
			snprintf(hex, sizeof(hex), "0x%x", 1u << i);
		out_str(o, NULL, name);
		if (used + strlen(name) + 2 < sizeof(text))
			used += (size_t)snprintf(text + used, sizeof(text) - used,
						 "%s%s", used ? " " : "", name);
	}
	out_arr_close(o);
	out_only_end(o, prev);

	prev = out_only(o, OUT_TEXT);
	out_str(o, key, used ? text : "-");
	out_only_end(o, prev);
}

/* An array text leaves out when empty; JSON always has it. */
static unsigned int open_list(struct out *o, const char *key, unsigned int n)
{
	unsigned int prev = out_only(o, n ? out_format(o) : OUT_JSON);

	out_arr_open(o, key);
	return prev;
}

static void close_list(struct out *o, unsigned int prev)
{
	out_arr_close(o);
	out_only_end(o, prev);
}

static void addr(struct out *o, int family, const u8 *a, unsigned int plen,
		 unsigned int origin)
{
	char ip[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 32];
	const char *org = i62608_origin_name(origin);
	unsigned int prev;

	inet_ntop(family, a, ip, sizeof(ip));
	snprintf(text, sizeof(text), "%s/%u %s", ip, plen, org ? org : "?");
	prev = out_only(o, OUT_TEXT);
	out_str(o, NULL, text);
	out_only_end(o, prev);

	prev = out_only(o, OUT_JSON);
	out_obj_open(o, NULL);
	out_str(o, "address", ip);
	out_u64(o, "plen", plen);
	out_str(o, "origin", org);
	out_obj_close(o);
	out_only_end(o, prev);
}

static void ip_list(struct out *o, const char *key, int family,
		    const u8 *a, unsigned int n, size_t stride)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned int i, prev;

	prev = open_list(o, key, n);
	for (i = 0; i < n; i++)
		out_str(o, NULL, inet_ntop(family, a + i * stride, ip, sizeof(ip)));
	close_list(o, prev);
}

static void print_if(struct out *o, const struct i62608_report_if *f)
{
	char ip[INET6_ADDRSTRLEN], label[24];
	unsigned int i, prev;

	if (f->name[0])
		snprintf(label, sizeof(label), "%s", f->name);
	else
		out_fmt_mac(label, sizeof(label), f->mac);
	out_obj_open(o, label);
	if (f->name[0])
		out_str(o, "name", f->name);
	out_mac(o, "mac", f->mac);
	bits(o, "flags", f->flags, iff_names, N(iff_names));
	prev = open_list(o, "addr4", f->n_addr4);
	for (i = 0; i < f->n_addr4; i++)
		addr(o, AF_INET, f->addr4[i].addr, f->addr4[i].plen,
		     f->addr4[i].origin);
	close_list(o, prev);
	prev = open_list(o, "addr6", f->n_addr6);
	for (i = 0; i < f->n_addr6; i++)
		addr(o, AF_INET6, f->addr6[i].addr, f->addr6[i].plen,
		     f->addr6[i].origin);
	close_list(o, prev);
	if (f->has_gw4)
		out_str(o, "gateway4", inet_ntop(AF_INET, f->gw4, ip, sizeof(ip)));
	if (f->has_gw6)
		out_str(o, "gateway6", inet_ntop(AF_INET6, f->gw6, ip, sizeof(ip)));
	ip_list(o, "dns4", AF_INET, f->dns4[0], f->n_dns4, sizeof(f->dns4[0]));
	ip_list(o, "dns6", AF_INET6, f->dns6[0], f->n_dns6, sizeof(f->dns6[0]));
	out_obj_close(o);
}

static void print_svc(struct out *o, const struct i62608_report_svc *s)
{
	unsigned int i, prev;

	out_obj_open(o, s->name);
	out_str(o, "name", s->name);
	out_str(o, "state", i62608_svc_state_name(s->state));
	prev = open_list(o, "ports", s->n_ports);
	for (i = 0; i < s->n_ports; i++) {
		const char *proto = s->ports[i].proto == 6 ? "tcp" : "udp";
		char text[16];
		unsigned int p2;

		snprintf(text, sizeof(text), "%s/%u", proto, s->ports[i].port);
		p2 = out_only(o, OUT_TEXT);
		out_str(o, NULL, text);
		out_only_end(o, p2);

		p2 = out_only(o, OUT_JSON);
		out_obj_open(o, NULL);
		out_str(o, "proto", proto);
		out_u64(o, "port", s->ports[i].port);
		out_obj_close(o);
		out_only_end(o, p2);
	}
	close_list(o, prev);
	out_obj_close(o);
}

/* Identity members: present when the REPORT carries them. */
static void opt_str(struct out *o, const char *key, const char *v)
{
	if (v[0])
		out_str(o, key, v);
}

void agent_print_report(struct out *o, const char *key,
			const struct i62608_report *r)
{
	unsigned int i, prev;

	out_obj_open(o, key);
	out_str(o, "device_type", i62608_device_type_name(r->device_type));
	bits(o, "capabilities", r->caps, cap_names, N(cap_names));
	opt_str(o, "vendor", r->vendor);
	opt_str(o, "model", r->model);
	opt_str(o, "name", r->name);
	opt_str(o, "serial", r->serial);
	opt_str(o, "firmware", r->firmware);
	opt_str(o, "agent_version", r->agent_version);
	out_ms(o, "ttl", (u64)r->ttl * 1000);
	out_bool(o, "partial", r->partial);
	prev = open_list(o, "interfaces", r->n_ifaces);
	for (i = 0; i < r->n_ifaces; i++)
		print_if(o, &r->ifaces[i]);
	close_list(o, prev);
	prev = open_list(o, "services", r->n_services);
	for (i = 0; i < r->n_services; i++)
		print_svc(o, &r->services[i]);
	close_list(o, prev);
	out_obj_close(o);
}

int agent_print_check(struct out *o, struct agent *a, const char *config)
{
	unsigned int i;
	int ret = 0;

	out_obj_open(o, NULL);
	out_str(o, "config", config);
	out_hex(o, "ethertype", a->cfg.ethertype, 4);
	out_arr_open(o, "interfaces");
	for (i = 0; i < a->n_ifs; i++)
		out_str(o, NULL, a->ifs[i]->name);
	out_arr_close(o);
	out_arr_open(o, "reports");
	for (i = 0; i < a->n_ifs; i++) {
		struct agent_inst *in = &a->ifs[i]->inst[0];
		u8 buf[I62608_MAX_MSG];
		struct i62608_report r;
		struct i62608_frame m;
		bool partial = false;
		int len;

		/* Decoded as a configurator would: what it says, checked. */
		len = agent_report_of(a, in, 1, 1, buf, &partial);
		if (len < 0 || i62608_wire_hdr(buf, (size_t)len, &m) ||
		    i62608_report_decode(m.body, m.body_len, &r)) {
			ret = -1;
			continue;
		}
		r.partial = partial;
		out_obj_open(o, a->ifs[i]->name);
		out_str(o, "interface", a->ifs[i]->name);
		out_u64(o, "size", (u64)len);
		agent_print_report(o, "report", &r);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
	return ret;
}

static void print_stats(struct out *o, const struct agent_if_stats *st)
{
	unsigned int i;

	out_obj_open(o, "stats");
	out_u64(o, "rx_frames", st->rx_frames);
	out_u64(o, "rx_bytes", st->rx_bytes);
	out_u64(o, "tx_frames", st->tx_frames);
	out_u64(o, "tx_bytes", st->tx_bytes);
	out_u64(o, "tx_errors", st->tx_errors);
	out_u64(o, "not_ours", st->not_ours);
	out_u64(o, "reports_limited", st->reports_limited);
	out_u64(o, "kernel_drops", st->kernel_drops);
	out_u64(o, "handshakes_started", st->hs_started);
	out_u64(o, "handshakes_completed", st->hs_completed);
	out_u64(o, "handshakes_rejected", st->hs_rejected);
	out_u64(o, "handshake_timeouts", st->hs_timeouts);
	out_u64(o, "handshakes_failed", st->hs_failed);
	out_u64(o, "pin_mismatches", st->pin_mismatch);
	out_u64(o, "suppressed", st->suppressed);
	out_u64(o, "config_requests", st->cfg_requests);
	out_u64(o, "config_duplicates", st->cfg_duplicates);
	out_u64(o, "config_acks", st->cfg_acks);
	out_u64(o, "config_nacks", st->cfg_nacks);
	out_u64(o, "config_reports", st->cfg_reports);
	out_obj_open(o, "drops");
	for (i = 1; i <= I62608_DROP_MAX; i++) {
		const char *name = agent_drop_name(i);
		char key[24];

		/* A reason newer than our names: still a key of its own. */
		if (!strcmp(name, "unknown")) {
			snprintf(key, sizeof(key), "reason_%u", i);
			name = key;
		}
		out_u64(o, name, st->drops[i]);
	}
	out_obj_close(o);
	out_obj_close(o);
}

static void print_inst(struct out *o, const struct agent *a,
		       const struct agent_inst *in)
{
	char label[32];

	out_obj_open(o, agent_inst_label(a, in, label, sizeof(label)));
	out_u64(o, "instance", in->index);
	out_mac(o, "mac", in->mac);
	out_hex(o, "epoch", in->epoch, 8);
	out_str(o, "state", agent_state_name(in->state));
	out_u64(o, "counter", in->counter);
	if (in->state == AGENT_ST_CONNECTED) {
		out_obj_open(o, "configurator");
		out_mac(o, "mac", in->cfg_mac);
		out_hex(o, "epoch", in->cfg_epoch, 8);
		out_ms(o, "heartbeat", (u64)in->hb_interval * 1000);
		out_ms(o, "ttl", (u64)in->cfg_ttl * 1000);
		out_ms(o, "last_heard", a->now - in->last_heard);
		out_obj_close(o);
		out_u64(o, "report_id", in->report_id);
		if (in->sec.cur) {
			out_obj_open(o, "session");
			out_u64(o, "local_key_id", in->sec.cur->local_id);
			out_u64(o, "remote_key_id", in->sec.cur->remote_id);
			out_ms(o, "age", a->now - in->sec.cur->created);
			out_u64(o, "tx_counter", in->sec.cur->tx_counter);
			out_obj_close(o);
		}
		out_str(o, "handshake", in->sec.hs_state == AGENT_HS_INIT_SENT ?
			"init_sent" : in->sec.hs_state == AGENT_HS_FINISH_SENT ?
			"finish_sent" : "idle");
	}
	out_obj_close(o);
}

void agent_print_status(struct out *o, struct agent *a)
{
	unsigned int i, j;

	out_obj_open(o, NULL);
	out_str(o, "name", a->name);
	out_hex(o, "ethertype", a->cfg.ethertype, 4);
	out_u64(o, "instances", a->n_instances);
	out_u64(o, "generation", a->gen);
	if (a->keys.enabled) {
		char key[AGENT_KEY_B64_LEN];

		agent_key_str(a->keys.key.pub, key);
		out_str(o, "public_key", key);
		if (a->keys.pinned) {
			agent_key_str(a->keys.pin, key);
			out_str(o, "pinned_configurator", key);
		} else {
			out_str(o, "pinned_configurator", NULL);
		}
	}
	out_str(o, "config_mode", a->cfg.config_mode == AGENT_CFG_DRY_RUN ?
		"dry-run" : "apply");
	out_arr_open(o, "interfaces");
	for (i = 0; i < a->n_ifs; i++) {
		const struct agent_if *aif = a->ifs[i];

		out_obj_open(o, aif->name);
		out_str(o, "ifname", aif->name);
		out_u64(o, "ifindex", (u64)aif->ifindex);
		out_mac(o, "mac", aif->mac);
		out_bool(o, "up", aif->up);
		print_stats(o, &aif->st);
		out_arr_open(o, "agents");
		for (j = 0; j < aif->n_inst; j++)
			print_inst(o, a, &aif->inst[j]);
		out_arr_close(o);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}
