// SPDX-License-Identifier: GPL-2.0
/*
 * REPORT <-> struct i62608_report (see report.h).
 */

#include <errno.h>
#include <string.h>

#include "report.h"

static void decode_if(const struct i62608_elem *nest, struct i62608_report_if *f)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;

	i62608_tlv_iter_init(&it, nest->val, nest->len);
	while (i62608_tlv_next(&it, &t) > 0) {
		switch (t.type) {
		case I62608_IF_NAME:
			i62608_tlv_str(&t, f->name, sizeof(f->name));
			break;
		case I62608_IF_MAC:
			memcpy(f->mac, t.val, 6);
			break;
		case I62608_IF_ADDR4:
			memcpy(&f->addr4[f->n_addr4++], t.val, sizeof(f->addr4[0]));
			break;
		case I62608_IF_ADDR6:
			memcpy(&f->addr6[f->n_addr6++], t.val, sizeof(f->addr6[0]));
			break;
		case I62608_IF_GW4:
			memcpy(f->gw4, t.val, 4);
			f->has_gw4 = true;
			break;
		case I62608_IF_GW6:
			memcpy(f->gw6, t.val, 16);
			f->has_gw6 = true;
			break;
		case I62608_IF_DNS4:
			memcpy(f->dns4[f->n_dns4++], t.val, 4);
			break;
		case I62608_IF_DNS6:
			memcpy(f->dns6[f->n_dns6++], t.val, 16);
			break;
		case I62608_IF_FLAGS:
			f->flags = t.val[0];
			break;
		}
	}
}

static void decode_svc(const struct i62608_elem *nest, struct i62608_report_svc *s)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;

	i62608_tlv_iter_init(&it, nest->val, nest->len);
	while (i62608_tlv_next(&it, &t) > 0) {
		switch (t.type) {
		case I62608_SVC_NAME:
			i62608_tlv_str(&t, s->name, sizeof(s->name));
			break;
		case I62608_SVC_STATE:
			s->state = t.val[0];
			break;
		case I62608_SVC_PORT:
			s->ports[s->n_ports].proto = t.val[0];
			s->ports[s->n_ports].port = get_unaligned_be16(t.val + 1);
			s->n_ports++;
			break;
		}
	}
}

int i62608_report_decode(const u8 *body, size_t len, struct i62608_report *r)
{
	struct i62608_frame m = {
		.type = I62608_MSG_REPORT, .body = body, .body_len = (u16)len,
	};
	struct i62608_tlv_iter it;
	struct i62608_elem t;

	memset(r, 0, sizeof(*r));
	/* The counts the arrays rely on are enforced here. */
	if (len > I62608_MAX_MSG || i62608_wire_validate(&m))
		return -EBADMSG;
	i62608_tlv_iter_init(&it, body, len);
	while (i62608_tlv_next(&it, &t) > 0) {
		switch (t.type) {
		case I62608_TLV_TTL:
			r->ttl = get_unaligned_be16(t.val);
			break;
		case I62608_TLV_CAPABILITIES:
			r->caps = get_unaligned_be32(t.val);
			break;
		case I62608_TLV_DEVICE_TYPE:
			r->device_type = t.val[0];
			break;
		case I62608_TLV_VENDOR:
			i62608_tlv_str(&t, r->vendor, sizeof(r->vendor));
			break;
		case I62608_TLV_MODEL:
			i62608_tlv_str(&t, r->model, sizeof(r->model));
			break;
		case I62608_TLV_SERIAL:
			i62608_tlv_str(&t, r->serial, sizeof(r->serial));
			break;
		case I62608_TLV_FIRMWARE:
			i62608_tlv_str(&t, r->firmware, sizeof(r->firmware));
			break;
		case I62608_TLV_NAME:
			i62608_tlv_str(&t, r->name, sizeof(r->name));
			break;
		case I62608_TLV_AGENT_VERSION:
			i62608_tlv_str(&t, r->agent_version, sizeof(r->agent_version));
			break;
		case I62608_TLV_INTERFACE:
			decode_if(&t, &r->ifaces[r->n_ifaces++]);
			break;
		case I62608_TLV_SERVICE:
			decode_svc(&t, &r->services[r->n_services++]);
			break;
		}
	}
	return 0;
}

static void encode_if(struct i62608_w *w, const struct i62608_report_if *f)
{
	unsigned int i;

	i62608_w_nest_begin(w, I62608_TLV_INTERFACE);
	if (f->name[0])
		i62608_w_str(w, I62608_IF_NAME, f->name);
	i62608_w_tlv(w, I62608_IF_MAC, f->mac, 6);
	for (i = 0; i < f->n_addr4 && i < I62608_MAX_ADDRS; i++)
		i62608_w_tlv(w, I62608_IF_ADDR4, &f->addr4[i], sizeof(f->addr4[i]));
	for (i = 0; i < f->n_addr6 && i < I62608_MAX_ADDRS; i++)
		i62608_w_tlv(w, I62608_IF_ADDR6, &f->addr6[i], sizeof(f->addr6[i]));
	if (f->has_gw4)
		i62608_w_tlv(w, I62608_IF_GW4, f->gw4, 4);
	if (f->has_gw6)
		i62608_w_tlv(w, I62608_IF_GW6, f->gw6, 16);
	for (i = 0; i < f->n_dns4 && i < I62608_MAX_DNS; i++)
		i62608_w_tlv(w, I62608_IF_DNS4, f->dns4[i], 4);
	for (i = 0; i < f->n_dns6 && i < I62608_MAX_DNS; i++)
		i62608_w_tlv(w, I62608_IF_DNS6, f->dns6[i], 16);
	i62608_w_u8(w, I62608_IF_FLAGS, f->flags);
	i62608_w_nest_end(w);
}

static void encode_svc(struct i62608_w *w, const struct i62608_report_svc *s)
{
	unsigned int i;

	i62608_w_nest_begin(w, I62608_TLV_SERVICE);
	i62608_w_str(w, I62608_SVC_NAME, s->name);
	i62608_w_u8(w, I62608_SVC_STATE, s->state);
	for (i = 0; i < s->n_ports && i < I62608_MAX_PORTS; i++) {
		struct i62608_tlv_port p = { .proto = s->ports[i].proto };

		put_unaligned_be16(s->ports[i].port, p.port);
		i62608_w_tlv(w, I62608_SVC_PORT, &p, sizeof(p));
	}
	i62608_w_nest_end(w);
}

/* Add one element whole, or not at all. */
#define TRY(w, partial, stmt) do {					\
	u16 __mark = i62608_w_mark(w);					\
	if (!*(partial)) {						\
		stmt;							\
		if ((w)->overflow) {					\
			i62608_w_rollback(w, __mark);			\
			*(partial) = true;				\
		}							\
	}								\
} while (0)

int i62608_report_encode(struct i62608_w *w, const struct i62608_report *r,
			 int facing)
{
	bool partial = false;
	unsigned int i;

	i62608_w_u16(w, I62608_TLV_TTL, r->ttl);
	i62608_w_u32(w, I62608_TLV_CAPABILITIES, r->caps);
	i62608_w_u8(w, I62608_TLV_DEVICE_TYPE, r->device_type);
	i62608_w_str(w, I62608_TLV_VENDOR, r->vendor);
	i62608_w_str(w, I62608_TLV_MODEL, r->model);
	i62608_w_str(w, I62608_TLV_SERIAL, r->serial);
	i62608_w_str(w, I62608_TLV_FIRMWARE, r->firmware);
	i62608_w_str(w, I62608_TLV_NAME, r->name);
	i62608_w_str(w, I62608_TLV_AGENT_VERSION, r->agent_version);
	if (w->overflow)
		return -1;

	if (facing >= 0 && facing < r->n_ifaces)
		TRY(w, &partial, encode_if(w, &r->ifaces[facing]));
	for (i = 0; i < r->n_services && i < I62608_MAX_SERVICES; i++)
		TRY(w, &partial, encode_svc(w, &r->services[i]));
	for (i = 0; i < r->n_ifaces && i < I62608_MAX_IFACES_TLV; i++)
		if ((int)i != facing)
			TRY(w, &partial, encode_if(w, &r->ifaces[i]));
	return partial ? 1 : 0;
}

static const char *const dev_names[I62608_DEV_MAX + 1] = {
	[I62608_DEV_OTHER] = "other",
	[I62608_DEV_TV] = "tv",
	[I62608_DEV_STB] = "stb",
	[I62608_DEV_RECORDER] = "recorder",
	[I62608_DEV_NAS] = "nas",
	[I62608_DEV_AUDIO] = "audio",
	[I62608_DEV_GAME_CONSOLE] = "game_console",
	[I62608_DEV_IOT] = "iot",
	[I62608_DEV_MEDIA_PLAYER] = "media_player",
};

const char *i62608_device_type_name(unsigned int type)
{
	return type <= I62608_DEV_MAX ? dev_names[type] : NULL;
}

int i62608_device_type_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i <= I62608_DEV_MAX; i++)
		if (!strcmp(name, dev_names[i]))
			return (int)i;
	/* Long forms people type. */
	if (!strcmp(name, "set-top-box") || !strcmp(name, "set_top_box"))
		return I62608_DEV_STB;
	if (!strcmp(name, "game-console"))
		return I62608_DEV_GAME_CONSOLE;
	if (!strcmp(name, "media-player"))
		return I62608_DEV_MEDIA_PLAYER;
	return -1;
}

const char *i62608_svc_state_name(unsigned int state)
{
	static const char *const n[] = { "disabled", "enabled", "failed" };

	return state < sizeof(n) / sizeof(n[0]) ? n[state] : NULL;
}

const char *i62608_origin_name(unsigned int origin)
{
	static const char *const n[] = { "static", "dhcp", "autoconf", "link-local" };

	return origin < sizeof(n) / sizeof(n[0]) ? n[origin] : NULL;
}

const char *i62608_agent_state_name(unsigned int state)
{
	static const char *const n[] = { NULL, "discovered", "reported", "lost" };

	return state < sizeof(n) / sizeof(n[0]) ? n[state] : NULL;
}
