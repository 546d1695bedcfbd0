// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl: rendering of agents, reports, counters, parameters and events
 * through the output layer (see render.h).
 *
 * Conventions of every object: a member is present when the kernel sent
 * the attribute (an agent without a REPORT has no vendor); ages and
 * durations are out_ms() ("_ms" integers in JSON); enum values are names
 * (the decimal value when this program does not know it); sets of bits are
 * arrays of names in JSON and one space-separated line in text.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render.h"

struct bit_name {
	uint32_t bit;
	const char *name;
};

static const struct bit_name cap_names[] = {
	{ I62608_CAP_IPV4, "ipv4" },
	{ I62608_CAP_IPV6, "ipv6" },
	{ I62608_CAP_DHCP4, "dhcp4" },
	{ I62608_CAP_STATIC, "static" },
	{ I62608_CAP_SERVICES, "services" },
	{ I62608_CAP_QOS, "qos" },
	{ I62608_CAP_MULTICAST, "multicast" },
	{ I62608_CAP_CONFIG, "config" },
	{ I62608_CAP_SECURITY, "security" },
};

static const struct bit_name if_flag_names[] = {
	{ I62608_IFF_UP, "up" },
	{ I62608_IFF_CARRIER, "carrier" },
	{ I62608_IFF_DHCP4, "dhcp4" },
	{ I62608_IFF_DHCP6, "dhcp6" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *bit_name(const struct bit_name *t, size_t n, uint32_t bit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].bit == bit)
			return t[i].name;
	return NULL;
}

/* Names of the bits set in @v, space-separated; unknown bits as 0x... */
static void fmt_bits(char *buf, size_t len, uint32_t v,
		     const struct bit_name *t, size_t n)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < 32; i++) {
		const char *name;
		int w;

		if (!(v & (1U << i)))
			continue;
		name = bit_name(t, n, 1U << i);
		if (name)
			w = snprintf(buf + used, len - used, "%s%s",
				     used ? " " : "", name);
		else
			w = snprintf(buf + used, len - used, "%s0x%x",
				     used ? " " : "", 1U << i);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = 0;	/* whole names only */
			break;
		}
		used += (size_t)w;
	}
	if (!used)
		snprintf(buf, len, "-");
}

void ctl_fmt_caps(char *buf, size_t len, uint32_t caps)
{
	fmt_bits(buf, len, caps, cap_names, N(cap_names));
}

void ctl_fmt_if_flags(char *buf, size_t len, uint8_t flags)
{
	fmt_bits(buf, len, flags, if_flag_names, N(if_flag_names));
}

/* A set of bits: one line in text, an array of names in JSON. */
static void print_bits(struct out *o, const char *key, uint32_t v,
		       const struct bit_name *t, size_t n)
{
	char text[256], hex[16];
	unsigned int prev, i;

	fmt_bits(text, sizeof(text), v, t, n);
	prev = out_only(o, OUT_TEXT);
	out_str(o, key, text);
	out_only_end(o, prev);

	prev = out_only(o, OUT_JSON);
	out_arr_open(o, key);
	for (i = 0; i < 32; i++) {
		const char *name;

		if (!(v & (1U << i)))
			continue;
		name = bit_name(t, n, 1U << i);
		if (!name) {
			snprintf(hex, sizeof(hex), "0x%x", 1U << i);
			name = hex;
		}
		out_str(o, NULL, name);
	}
	out_arr_close(o);
	out_only_end(o, prev);
}

/* An enum value's name, or its number when the name is unknown. */
static const char *name_or_num(const char *name, unsigned int v,
			       char *buf, size_t len)
{
	if (name && strcmp(name, "unknown"))
		return name;
	snprintf(buf, len, "%u", v);
	return buf;
}

static void fmt_addr4(char *buf, size_t len, const uint8_t a[4])
{
	snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void fmt_addr6(char *buf, size_t len, const uint8_t a[16])
{
	if (!inet_ntop(AF_INET6, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* ----------------------------------------------------------- agents -- */

/* The DEVICE column: "vendor model", else the name, else "-". */
static void fmt_device(char *buf, size_t len, const struct i62608_agent_info *a)
{
	bool v = I62608_AGENT_HAS(a, I62608_AGENT_A_VENDOR);
	bool m = I62608_AGENT_HAS(a, I62608_AGENT_A_MODEL);

	if (v || m)
		snprintf(buf, len, "%s%s%s", v ? a->vendor : "",
			 v && m ? " " : "", m ? a->model : "");
	else if (I62608_AGENT_HAS(a, I62608_AGENT_A_NAME))
		snprintf(buf, len, "%s", a->name);
	else
		snprintf(buf, len, "-");
}

static void print_agent_columns(struct out *o, const struct i62608_agent_info *a)
{
	char state[16], type[16], dev[2 * I62608_STR_MAX + 2], addr[24];

	out_mac(o, "mac", a->mac);
	out_str(o, "ifname", I62608_AGENT_HAS(a, I62608_AGENT_A_IFNAME) ?
		a->ifname : NULL);
	out_str(o, "state", I62608_AGENT_HAS(a, I62608_AGENT_A_STATE) ?
		name_or_num(i62608_agent_state_name(a->state), a->state,
			    state, sizeof(state)) : NULL);
	out_str(o, "type", I62608_AGENT_HAS(a, I62608_AGENT_A_DEVICE_TYPE) ?
		name_or_num(i62608_device_type_name(a->device_type),
			    a->device_type, type, sizeof(type)) : NULL);
	fmt_device(dev, sizeof(dev), a);
	out_str(o, "device", dev);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_ADDR4)) {
		fmt_addr4(addr, sizeof(addr), a->addr4);
		snprintf(addr + strlen(addr), sizeof(addr) - strlen(addr),
			 "/%u", a->addr4_plen);
		out_str(o, "address", addr);
	} else {
		out_str(o, "address", NULL);
	}
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_LAST_SEEN_MS))
		out_ms(o, "last_seen", a->last_seen_ms);
	else
		out_str(o, "last_seen", NULL);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_EXPIRES_MS))
		out_ms(o, "expires", a->expires_ms);
	else
		out_str(o, "expires", NULL);
}

static void print_agent_counters(struct out *o, const struct i62608_agent_info *a)
{
	out_obj_open(o, "counters");
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_RX_FRAMES))
		out_u64(o, "rx_frames", a->rx_frames);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_RX_BYTES))
		out_u64(o, "rx_bytes", a->rx_bytes);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_TX_FRAMES))
		out_u64(o, "tx_frames", a->tx_frames);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_REPORTS))
		out_u64(o, "reports", a->reports);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_RESTARTS))
		out_u64(o, "restarts", a->restarts);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_RATELIMITED))
		out_u64(o, "ratelimited", a->ratelimited);
	if (I62608_AGENT_HAS(a, I62608_AGENT_A_HANDSHAKES))
		out_u64(o, "handshakes", a->handshakes);
	out_obj_close(o);
}

static void print_agent_members(struct out *o, const struct i62608_agent_info *a)
{
	char buf[24];

#define HAS(x) I62608_AGENT_HAS(a, I62608_AGENT_A_##x)
	if (HAS(IFNAME))
		out_str(o, "ifname", a->ifname);
	out_u64(o, "ifindex", a->ifindex);
	out_mac(o, "mac", a->mac);
	if (HAS(STATE))
		out_str(o, "state", name_or_num(i62608_agent_state_name(a->state),
						a->state, buf, sizeof(buf)));
	if (HAS(EPOCH))
		out_hex(o, "epoch", a->epoch, 8);
	if (HAS(FIRST_SEEN_MS))
		out_ms(o, "first_seen", a->first_seen_ms);
	if (HAS(LAST_SEEN_MS))
		out_ms(o, "last_seen", a->last_seen_ms);
	if (HAS(EXPIRES_MS))
		out_ms(o, "expires", a->expires_ms);
	if (HAS(TTL))
		out_ms(o, "ttl", a->ttl * 1000ULL);
	if (HAS(REPORT_ID))
		out_u64(o, "report_id", a->report_id);
	if (HAS(REPORT))
		out_bool(o, "partial", a->partial);
	if (HAS(DEVICE_TYPE))
		out_str(o, "device_type",
			name_or_num(i62608_device_type_name(a->device_type),
				    a->device_type, buf, sizeof(buf)));
	if (HAS(CAPABILITIES))
		print_bits(o, "capabilities", a->caps, cap_names, N(cap_names));
	if (HAS(VENDOR))
		out_str(o, "vendor", a->vendor);
	if (HAS(MODEL))
		out_str(o, "model", a->model);
	if (HAS(NAME))
		out_str(o, "name", a->name);
	if (HAS(SERIAL))
		out_str(o, "serial", a->serial);
	if (HAS(FIRMWARE))
		out_str(o, "firmware", a->firmware);
	if (HAS(ADDR4)) {
		unsigned int prev = out_only(o, OUT_JSON);

		fmt_addr4(buf, sizeof(buf), a->addr4);
		out_str(o, "addr4", buf);
		if (HAS(ADDR4_PLEN))
			out_u64(o, "addr4_plen", a->addr4_plen);
		out_only_end(o, prev);
		/* Text: one "address/plen" line. */
		prev = out_only(o, OUT_TEXT);
		if (HAS(ADDR4_PLEN))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "/%u", a->addr4_plen);
		out_str(o, "addr4", buf);
		out_only_end(o, prev);
	}
	if (HAS(TRUST))
		out_str(o, "trust", name_or_num(i62608_trust_name(a->trust),
						a->trust, buf, sizeof(buf)));
	if (HAS(PUBLIC_KEY)) {
		char key[65];
		unsigned int k;

		for (k = 0; k < 32; k++)
			snprintf(key + 2 * k, 3, "%02x", a->public_key[k]);
		out_str(o, "public_key", key);
	}
	if (HAS(SESSION_AGE_MS))
		out_ms(o, "session_age", a->session_age_ms);
#undef HAS
	print_agent_counters(o, a);
}

void ctl_print_agent(struct out *o, const char *key,
		     const struct i62608_agent_info *a,
		     const struct i62608_report *r, enum ctl_agent_view view)
{
	unsigned int prev = 0;

	out_obj_open(o, key);
	if (view == CTL_AGENT_BRIEF) {
		prev = out_only(o, OUT_TEXT);
		print_agent_columns(o, a);
		out_only_end(o, prev);
		prev = out_only(o, OUT_JSON);
	}
	print_agent_members(o, a);
	if (r)
		ctl_print_report(o, "report", r);
	if (view == CTL_AGENT_BRIEF)
		out_only_end(o, prev);
	out_obj_close(o);
}

/* ---------------------------------------------------------- reports -- */

/* Text one line per address, JSON an object. */
static void print_addr(struct out *o, const char *addr, unsigned int plen,
		       unsigned int origin)
{
	char text[64], num[12];
	const char *org = name_or_num(i62608_origin_name(origin), origin, num,
				      sizeof(num));
	unsigned int prev;

	snprintf(text, sizeof(text), "%s/%u %s", addr, plen, org);
	prev = out_only(o, OUT_TEXT);
	out_str(o, NULL, text);
	out_only_end(o, prev);

	prev = out_only(o, OUT_JSON);
	out_obj_open(o, NULL);
	out_str(o, "address", addr);
	out_u64(o, "plen", plen);
	out_str(o, "origin", org);
	out_obj_close(o);
	out_only_end(o, prev);
}

/*
 * An array text leaves out when empty (JSON always has it, so that its
 * readers find the key). Returns the state for close_list().
 */
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

static void print_report_if(struct out *o, const struct i62608_report_if *f)
{
	char label[IF_NAMESIZE + 18], a[INET6_ADDRSTRLEN];
	unsigned int i, prev;

	if (f->name[0])
		snprintf(label, sizeof(label), "%s", f->name);
	else
		out_fmt_mac(label, sizeof(label), f->mac);
	out_obj_open(o, label);
	if (f->name[0])
		out_str(o, "name", f->name);
	out_mac(o, "mac", f->mac);
	print_bits(o, "flags", f->flags, if_flag_names, N(if_flag_names));

	prev = open_list(o, "addr4", f->n_addr4);
	for (i = 0; i < f->n_addr4; i++) {
		fmt_addr4(a, sizeof(a), f->addr4[i].addr);
		print_addr(o, a, f->addr4[i].plen, f->addr4[i].origin);
	}
	close_list(o, prev);
	prev = open_list(o, "addr6", f->n_addr6);
	for (i = 0; i < f->n_addr6; i++) {
		fmt_addr6(a, sizeof(a), f->addr6[i].addr);
		print_addr(o, a, f->addr6[i].plen, f->addr6[i].origin);
	}
	close_list(o, prev);
	if (f->has_gw4) {
		fmt_addr4(a, sizeof(a), f->gw4);
		out_str(o, "gateway4", a);
	}
	if (f->has_gw6) {
		fmt_addr6(a, sizeof(a), f->gw6);
		out_str(o, "gateway6", a);
	}
	prev = open_list(o, "dns4", f->n_dns4);
	for (i = 0; i < f->n_dns4; i++) {
		fmt_addr4(a, sizeof(a), f->dns4[i]);
		out_str(o, NULL, a);
	}
	close_list(o, prev);
	prev = open_list(o, "dns6", f->n_dns6);
	for (i = 0; i < f->n_dns6; i++) {
		fmt_addr6(a, sizeof(a), f->dns6[i]);
		out_str(o, NULL, a);
	}
	close_list(o, prev);
	out_obj_close(o);
}

static const char *proto_name(unsigned int proto, char *buf, size_t len)
{
	if (proto == 6)
		return "tcp";
	if (proto == 17)
		return "udp";
	snprintf(buf, len, "%u", proto);
	return buf;
}

static void print_report_svc(struct out *o, const struct i62608_report_svc *s)
{
	char num[12], text[32];
	unsigned int i, prev;

	out_obj_open(o, s->name);
	out_str(o, "name", s->name);
	out_str(o, "state", name_or_num(i62608_svc_state_name(s->state),
					s->state, num, sizeof(num)));
	prev = open_list(o, "ports", s->n_ports);
	for (i = 0; i < s->n_ports; i++) {
		const char *p = proto_name(s->ports[i].proto, num, sizeof(num));
		unsigned int p2;

		snprintf(text, sizeof(text), "%s/%u", p, s->ports[i].port);
		p2 = out_only(o, OUT_TEXT);
		out_str(o, NULL, text);
		out_only_end(o, p2);

		p2 = out_only(o, OUT_JSON);
		out_obj_open(o, NULL);
		out_str(o, "proto", p);
		out_u64(o, "port", s->ports[i].port);
		out_obj_close(o);
		out_only_end(o, p2);
	}
	close_list(o, prev);
	out_obj_close(o);
}

void ctl_print_report(struct out *o, const char *key,
		      const struct i62608_report *r)
{
	unsigned int i, prev;

	out_obj_open(o, key);
	if (r->agent_version[0])
		out_str(o, "agent_version", r->agent_version);
	prev = open_list(o, "interfaces", r->n_ifaces);
	for (i = 0; i < r->n_ifaces; i++)
		print_report_if(o, &r->ifaces[i]);
	close_list(o, prev);
	prev = open_list(o, "services", r->n_services);
	for (i = 0; i < r->n_services; i++)
		print_report_svc(o, &r->services[i]);
	close_list(o, prev);
	out_obj_close(o);
}

/* ------------------------------------------------ counters and stats -- */

void ctl_print_counters(struct out *o, const struct i62608_stats_info *st)
{
	unsigned int i;

	out_u64(o, "rx_frames", st->rx_frames);
	out_u64(o, "rx_bytes", st->rx_bytes);
	out_u64(o, "tx_frames", st->tx_frames);
	out_u64(o, "tx_bytes", st->tx_bytes);
	out_u64(o, "tx_errors", st->tx_errors);
	out_obj_open(o, "drops");
	for (i = 1; i <= I62608_DROP_MAX; i++)
		out_u64(o, i62608_drop_name(i), st->drops[i]);
	out_obj_close(o);
}

void ctl_print_iface(struct out *o, const struct i62608_iface_info *in)
{
	out_obj_open(o, in->ifname);
	out_str(o, "ifname", in->ifname);
	out_u64(o, "ifindex", in->ifindex);
	out_mac(o, "address", in->address);
	out_ms(o, "age", in->age_ms);
	if (in->has_stats) {
		out_obj_open(o, "stats");
		ctl_print_counters(o, &in->stats);
		out_obj_close(o);
	}
	out_obj_close(o);
}

void ctl_print_stats(struct out *o, const struct i62608_nsstats_info *ns,
		     const struct i62608_iface_info *ifaces, size_t n)
{
	unsigned int i;
	size_t k;

	out_obj_open(o, NULL);
	for (i = 1; i <= I62608_NSSTATS_A_MAX; i++)
		if ((ns->present >> i) & 1)
			out_u64(o, i62608_nsstats_name(i), ns->value[i]);
	out_arr_open(o, "interfaces");
	for (k = 0; k < n; k++) {
		out_obj_open(o, ifaces[k].ifname);
		out_str(o, "ifname", ifaces[k].ifname);
		out_u64(o, "ifindex", ifaces[k].ifindex);
		ctl_print_counters(o, &ifaces[k].stats);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}

void ctl_print_params(struct out *o, const struct i62608_params *p)
{
	unsigned int i;

	out_obj_open(o, NULL);
	for (i = 1; i <= I62608_PARAM_A_MAX; i++) {
		const struct i62608_param_desc *d = &i62608_param_descs[i];

		if (!((p->present >> i) & 1) || !d->name)
			continue;
		switch (d->unit) {
		case I62608_UNIT_MS:
			out_ms(o, d->name, p->value[i]);
			break;
		case I62608_UNIT_S:
			out_ms(o, d->name, p->value[i] * 1000ULL);
			break;
		case I62608_UNIT_BOOL:
			out_bool(o, d->name, p->value[i]);
			break;
		default:
			out_u64(o, d->name, p->value[i]);
		}
	}
	out_obj_close(o);
}

/* ----------------------------------------------------------- events -- */

void ctl_print_event_head(struct out *o, uint64_t unix_ms, const char *name)
{
	char when[40];
	unsigned int prev;

	out_fmt_time_ms(when, sizeof(when), unix_ms);
	out_str(o, "time", when);
	prev = out_only(o, OUT_JSON);
	out_u64(o, "time_ms", unix_ms);
	out_only_end(o, prev);
	out_str(o, "event", name);
}

static void print_event_iface(struct out *o, const struct i62608_iface_info *in)
{
	unsigned int prev;

	out_obj_open(o, "iface");
	out_str(o, "ifname", in->ifname);
	out_u64(o, "ifindex", in->ifindex);
	out_mac(o, "address", in->address);
	prev = out_only(o, OUT_JSON);
	out_ms(o, "age", in->age_ms);
	if (in->has_stats) {
		out_obj_open(o, "stats");
		ctl_print_counters(o, &in->stats);
		out_obj_close(o);
	}
	out_only_end(o, prev);
	out_obj_close(o);
}

void ctl_print_event(struct out *o, uint64_t unix_ms,
		     const struct i62608_event *ev,
		     const struct i62608_report *r, const char *ifname)
{
	char num[12];

	out_obj_open(o, NULL);
	switch (ev->cmd) {
	case I62608_CMD_IFACE_NEW_NTF:
	case I62608_CMD_IFACE_DEL_NTF:
		ctl_print_event_head(o, unix_ms, i62608_cmd_name(ev->cmd));
		print_event_iface(o, &ev->iface);
		break;
	case I62608_CMD_AGENT_NEW_NTF:
	case I62608_CMD_AGENT_CHANGE_NTF:
	case I62608_CMD_AGENT_LOST_NTF:
		ctl_print_event_head(o, unix_ms, i62608_cmd_name(ev->cmd));
		ctl_print_agent(o, "agent", &ev->agent, r, CTL_AGENT_BRIEF);
		if (ev->cmd == I62608_CMD_AGENT_NEW_NTF)
			out_bool(o, "restarted", ev->restarted);
		break;
	case I62608_CMD_TABLE_FULL_NTF:
		ctl_print_event_head(o, unix_ms, i62608_cmd_name(ev->cmd));
		out_u64(o, "ifindex", ev->ifindex);
		if (ifname)
			out_str(o, "ifname", ifname);
		out_str(o, "limit", name_or_num(i62608_limit_name(ev->limit),
						ev->limit, num, sizeof(num)));
		if (ev->has_dropped)
			out_u64(o, "dropped", ev->dropped);
		break;
	default:
		/* Newer than this program: its number. */
		ctl_print_event_head(o, unix_ms, i62608_cmd_name(ev->cmd));
		out_u64(o, "cmd", ev->cmd);
		break;
	}
	if (ev->has_reason)
		out_str(o, "reason", name_or_num(i62608_reason_name(ev->reason),
						 ev->reason, num, sizeof(num)));
	out_obj_close(o);
}

void ctl_print_events_lost(struct out *o, uint64_t unix_ms)
{
	out_obj_open(o, NULL);
	ctl_print_event_head(o, unix_ms, "events_lost");
	out_obj_close(o);
}
