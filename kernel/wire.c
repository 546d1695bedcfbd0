// SPDX-License-Identifier: GPL-2.0
/*
 * The i62608 wire format: parser, validator and encoder (see wire.h).
 * Built into the kernel module and into userspace; it must not use
 * anything wire_types.h does not provide.
 */

#include "wire.h"

#define HDR_LEN ((u16)sizeof(struct i62608_hdr))
#define TLV_HDR_LEN ((u16)sizeof(struct i62608_tlv_hdr))

/* ------------------------------------------------------------------ */
/* Header                                                              */
/* ------------------------------------------------------------------ */

int i62608_wire_hdr(const u8 *buf, size_t len, struct i62608_frame *m)
{
	u16 body_len;

	if (len < HDR_LEN)
		return I62608_DROP_TRUNCATED;
	m->version = buf[0];
	if (m->version != I62608_PROTO_V1)
		return I62608_DROP_VERSION;
	m->type = buf[1];
	m->flags = get_unaligned_be16(buf + 2);
	m->length = get_unaligned_be16(buf + 4);
	m->key_id = get_unaligned_be16(buf + 6);
	m->msg_id = get_unaligned_be32(buf + 8);
	m->epoch = get_unaligned_be32(buf + 12);
	m->counter = get_unaligned_be64(buf + 16);

	if (m->length < HDR_LEN || m->length > I62608_MAX_MSG)
		return I62608_DROP_LENGTH;
	/* Bytes after @length are Ethernet padding; fewer is a cut frame. */
	if (m->length > len)
		return I62608_DROP_TRUNCATED;
	if (!m->epoch)
		return I62608_DROP_MALFORMED;

	m->hdr = buf;
	m->body = buf + HDR_LEN;
	body_len = m->length - HDR_LEN;
	if (m->flags & I62608_F_PROTECTED) {
		if (body_len < I62608_TAG_LEN)
			return I62608_DROP_LENGTH;
		if (!m->key_id)
			return I62608_DROP_MALFORMED;
		body_len -= I62608_TAG_LEN;
		m->tag = m->body + body_len;
	} else {
		if (m->key_id)
			return I62608_DROP_MALFORMED;
		m->tag = NULL;
	}
	m->body_len = body_len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* TLV iteration                                                       */
/* ------------------------------------------------------------------ */

void i62608_tlv_iter_init(struct i62608_tlv_iter *it, const u8 *p, size_t len)
{
	it->pos = p;
	it->end = p + len;
}

int i62608_tlv_next(struct i62608_tlv_iter *it, struct i62608_elem *t)
{
	size_t left = it->end - it->pos;

	if (!left)
		return 0;
	if (left < TLV_HDR_LEN)
		return -1;
	t->type = get_unaligned_be16(it->pos);
	t->len = get_unaligned_be16(it->pos + 2);
	if (t->len > left - TLV_HDR_LEN)
		return -1;
	t->val = it->pos + TLV_HDR_LEN;
	it->pos = t->val + t->len;
	return 1;
}

bool i62608_tlv_find(const u8 *p, size_t len, u16 type, struct i62608_elem *t)
{
	struct i62608_tlv_iter it;

	i62608_tlv_iter_init(&it, p, len);
	while (i62608_tlv_next(&it, t) > 0)
		if (t->type == type)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

bool i62608_str_valid(const u8 *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		u8 c = s[i];
		u32 cp;
		int n, k;

		if (c < 0x80) {
			/* No NUL, no control characters, no DEL. */
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= (size_t)n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond Unicode, C1 controls. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return false;
		i += n + 1;
	}
	return true;
}

static bool check_nonzero16(const u8 *v, u16 len)
{
	return get_unaligned_be16(v) != 0;
}

static bool check_mac(const u8 *v, u16 len)
{
	/* A unicast, non-zero station address. */
	return !(v[0] & 0x01) && (v[0] | v[1] | v[2] | v[3] | v[4] | v[5]);
}

static bool check_addr4(const u8 *v, u16 len)
{
	const struct i62608_tlv_addr4 *a = (const void *)v;

	return a->plen <= 32 && a->origin <= I62608_ORIGIN_MAX;
}

static bool check_addr6(const u8 *v, u16 len)
{
	const struct i62608_tlv_addr6 *a = (const void *)v;

	return a->plen <= 128 && a->origin <= I62608_ORIGIN_MAX;
}

static bool check_port(const u8 *v, u16 len)
{
	const struct i62608_tlv_port *p = (const void *)v;

	return (p->proto == 6 || p->proto == 17) && (p->port[0] | p->port[1]);
}

static bool check_cfg_addr4(const u8 *v, u16 len)
{
	return ((const struct i62608_tlv_cfg_addr4 *)v)->plen <= 32;
}

static bool check_cfg_addr6(const u8 *v, u16 len)
{
	return ((const struct i62608_tlv_cfg_addr6 *)v)->plen <= 128;
}

static bool check_cfg_result(const u8 *v, u16 len)
{
	const struct i62608_tlv_cfg_result *r = (const void *)v;

	return r->item < I62608_MAX_CFG_ITEMS && r->status <= I62608_CFG_STATUS_MAX &&
	       r->reason <= I62608_CFGR_MAX;
}

/* A host name label sequence: [a-z0-9-] labels joined by dots. */
static bool check_hostname(const u8 *v, u16 len)
{
	u16 i;

	if (v[0] == '.' || v[0] == '-' || v[len - 1] == '.' || v[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++) {
		u8 c = v[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
		if (c == '.' && i && v[i - 1] == '.')
			return false;
	}
	return true;
}

static bool check_ifname(const u8 *v, u16 len)
{
	u16 i;

	if ((len == 1 && v[0] == '.') || (len == 2 && v[0] == '.' && v[1] == '.'))
		return false;
	for (i = 0; i < len; i++)
		if (v[i] == '/' || v[i] == ' ' || v[i] == ':' || v[i] >= 0x80)
			return false;
	return true;
}

static bool check_svc_name(const u8 *v, u16 len)
{
	u16 i;

	for (i = 0; i < len; i++) {
		u8 c = v[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

enum kind {
	K_RAW = 1,
	K_U8,
	K_U16,
	K_U32,
	K_STR,
	K_NEST,
};

struct ruleset;

struct rule {
	u8 kind;
	u8 max;			/* occurrences allowed; 0: not in this set */
	u8 required;
	u8 enum_max;		/* K_U8: largest valid value */
	u16 min_len;		/* K_RAW, K_STR */
	u16 max_len;
	bool (*check)(const u8 *v, u16 len);
	const struct ruleset *nest;
};

struct ruleset {
	u16 n;			/* rules are indexed by TLV type, < n */
	const struct rule *r;
};

#define RS(arr) { .n = sizeof(arr) / sizeof((arr)[0]), .r = (arr) }

#define REQ 1
#define OPT 0
#define R_U8(e, req)	{ .kind = K_U8, .max = 1, .required = req, .enum_max = e }
#define R_U16(req, fn)	{ .kind = K_U16, .max = 1, .required = req, .check = fn }
#define R_U32(req)	{ .kind = K_U32, .max = 1, .required = req }
#define R_STR(n, lim, req, fn) \
	{ .kind = K_STR, .max = n, .required = req, .min_len = 1, \
	  .max_len = lim, .check = fn }
/* Fixed length: .max_len 0 means "exactly .min_len". */
#define R_RAW(n, l, req, fn) \
	{ .kind = K_RAW, .max = n, .required = req, .min_len = l, .check = fn }
#define R_NEST(n, set)	{ .kind = K_NEST, .max = n, .nest = set }

static const struct rule if_rules[I62608_IF_MAX + 1] = {
	[I62608_IF_NAME] = R_STR(1, 15, OPT, check_ifname),
	[I62608_IF_MAC] = R_RAW(1, 6, REQ, check_mac),
	[I62608_IF_ADDR4] = R_RAW(I62608_MAX_ADDRS, 6, OPT, check_addr4),
	[I62608_IF_ADDR6] = R_RAW(I62608_MAX_ADDRS, 18, OPT, check_addr6),
	[I62608_IF_GW4] = R_RAW(1, 4, OPT, NULL),
	[I62608_IF_GW6] = R_RAW(1, 16, OPT, NULL),
	[I62608_IF_DNS4] = R_RAW(I62608_MAX_DNS, 4, OPT, NULL),
	[I62608_IF_DNS6] = R_RAW(I62608_MAX_DNS, 16, OPT, NULL),
	[I62608_IF_FLAGS] = R_U8(0xff, OPT),
};

static const struct rule svc_rules[I62608_SVC_MAX + 1] = {
	[I62608_SVC_NAME] = R_STR(1, I62608_SVC_NAME_MAX, REQ, check_svc_name),
	[I62608_SVC_STATE] = R_U8(I62608_SVC_STATE_MAX, REQ),
	[I62608_SVC_PORT] = R_RAW(I62608_MAX_PORTS, 3, OPT, check_port),
};

static const struct rule cfg_svc_rules[I62608_SVC_MAX + 1] = {
	[I62608_SVC_NAME] = R_STR(1, I62608_SVC_NAME_MAX, REQ, check_svc_name),
	[I62608_SVC_STATE] = R_U8(I62608_SVC_ENABLED, REQ),
};

static const struct rule kv_rules[I62608_KV_MAX + 1] = {
	[I62608_KV_KEY] = R_STR(1, I62608_STR_MAX, REQ, check_svc_name),
	[I62608_KV_VALUE] = R_STR(1, I62608_KV_VALUE_MAX, REQ, NULL),
};

static const struct ruleset if_set = RS(if_rules);
static const struct ruleset svc_set = RS(svc_rules);
static const struct ruleset cfg_svc_set = RS(cfg_svc_rules);
static const struct ruleset kv_set = RS(kv_rules);

static const struct rule discover_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_CAPABILITIES] = R_U32(REQ),
	[I62608_TLV_DEVICE_TYPE] = R_U8(I62608_DEV_MAX, OPT),
	[I62608_TLV_AGENT_VERSION] = R_STR(1, I62608_STR_MAX, OPT, NULL),
};

static const struct rule advertise_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_TTL] = R_U16(REQ, check_nonzero16),
	[I62608_TLV_HEARTBEAT_INTERVAL] = R_U16(REQ, check_nonzero16),
	[I62608_TLV_DB_VERSION] = R_U32(OPT),
};

static const struct rule report_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_TTL] = R_U16(REQ, check_nonzero16),
	[I62608_TLV_CAPABILITIES] = R_U32(REQ),
	[I62608_TLV_DEVICE_TYPE] = R_U8(I62608_DEV_MAX, REQ),
	[I62608_TLV_VENDOR] = R_STR(1, I62608_STR_MAX, OPT, NULL),
	[I62608_TLV_MODEL] = R_STR(1, I62608_STR_MAX, OPT, NULL),
	[I62608_TLV_SERIAL] = R_STR(1, I62608_STR_MAX, OPT, NULL),
	[I62608_TLV_FIRMWARE] = R_STR(1, I62608_STR_MAX, OPT, NULL),
	[I62608_TLV_NAME] = R_STR(1, I62608_STR_MAX, OPT, NULL),
	[I62608_TLV_AGENT_VERSION] = R_STR(1, I62608_STR_MAX, OPT, NULL),
	[I62608_TLV_INTERFACE] = R_NEST(I62608_MAX_IFACES_TLV, &if_set),
	[I62608_TLV_SERVICE] = R_NEST(I62608_MAX_SERVICES, &svc_set),
};

static const struct rule heartbeat_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_TTL] = R_U16(REQ, check_nonzero16),
	[I62608_TLV_REPORT_ID] = R_U32(REQ),
};

static const struct rule bye_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_REASON] = R_U8(I62608_BYE_MAX, OPT),
};

/* The items of a configuration: requested, or changed by the device. */
#define CFG_ITEM_RULES							\
	[I62608_TLV_CFG_IFACE] = R_STR(1, 15, OPT, check_ifname),	\
	[I62608_TLV_CFG_ADDR4] = R_RAW(I62608_MAX_ADDRS, 5, OPT, check_cfg_addr4), \
	[I62608_TLV_CFG_ADDR6] = R_RAW(I62608_MAX_ADDRS, 17, OPT, check_cfg_addr6), \
	[I62608_TLV_CFG_GW4] = R_RAW(1, 4, OPT, NULL),			\
	[I62608_TLV_CFG_GW6] = R_RAW(1, 16, OPT, NULL),			\
	[I62608_TLV_CFG_DNS4] = R_RAW(I62608_MAX_DNS, 4, OPT, NULL),	\
	[I62608_TLV_CFG_DNS6] = R_RAW(I62608_MAX_DNS, 16, OPT, NULL),	\
	[I62608_TLV_CFG_DHCP4] = R_U8(1, OPT),				\
	[I62608_TLV_CFG_DHCP6] = R_U8(1, OPT),				\
	[I62608_TLV_CFG_HOSTNAME] = R_STR(1, I62608_STR_MAX, OPT, check_hostname), \
	[I62608_TLV_CFG_SERVICE] = R_NEST(I62608_MAX_SERVICES, &cfg_svc_set), \
	[I62608_TLV_CFG_QOS] = R_U8(I62608_QOS_MAX, OPT),		\
	[I62608_TLV_CFG_SETTING] = R_NEST(I62608_MAX_SETTINGS, &kv_set)

static const struct rule config_request_rules[I62608_TLV_MAX + 1] = {
	CFG_ITEM_RULES,
};

static const struct rule config_report_rules[I62608_TLV_MAX + 1] = {
	CFG_ITEM_RULES,
};

static const struct rule config_result_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_CFG_RESULT] = R_RAW(I62608_MAX_CFG_ITEMS, 3, OPT, check_cfg_result),
};

static const struct rule hs_init_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_HS_MSG] = R_RAW(1, 32, REQ, NULL),
	[I62608_TLV_HS_KEY_ID] = R_U16(REQ, check_nonzero16),
};

static const struct rule hs_resp_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_HS_MSG] = R_RAW(1, 96, REQ, NULL),
	[I62608_TLV_HS_KEY_ID] = R_U16(REQ, check_nonzero16),
};

static const struct rule hs_finish_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_HS_MSG] = R_RAW(1, 64, REQ, NULL),
};

static const struct rule empty_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_REASON] = R_U8(0xff, OPT),
};

static const struct rule decrypt_fail_rules[I62608_TLV_MAX + 1] = {
	[I62608_TLV_FAIL_KEY_ID] = R_U16(REQ, NULL),
};

static const struct ruleset msg_sets[I62608_MSG_MAX + 1] = {
	[I62608_MSG_DISCOVER] = RS(discover_rules),
	[I62608_MSG_ADVERTISE] = RS(advertise_rules),
	[I62608_MSG_REPORT] = RS(report_rules),
	[I62608_MSG_HEARTBEAT] = RS(heartbeat_rules),
	[I62608_MSG_BYE] = RS(bye_rules),
	[I62608_MSG_CONFIG_REQUEST] = RS(config_request_rules),
	[I62608_MSG_CONFIG_ACK] = RS(config_result_rules),
	[I62608_MSG_CONFIG_NACK] = RS(config_result_rules),
	[I62608_MSG_CONFIG_REPORT] = RS(config_report_rules),
	[I62608_MSG_HS_INIT] = RS(hs_init_rules),
	[I62608_MSG_HS_RESP] = RS(hs_resp_rules),
	[I62608_MSG_HS_FINISH] = RS(hs_finish_rules),
	[I62608_MSG_SESSION_CONFIRM] = RS(empty_rules),
	[I62608_MSG_HS_REJECT] = RS(empty_rules),
	[I62608_MSG_DECRYPT_FAIL] = RS(decrypt_fail_rules),
};

/* The largest ruleset: counters of occurrences are kept per type. */
#define MAX_RULES (I62608_TLV_MAX + 1)
static_assert(I62608_IF_MAX < MAX_RULES, "interface rules exceed MAX_RULES");
static_assert(I62608_SVC_MAX < MAX_RULES, "service rules exceed MAX_RULES");
static_assert(sizeof(struct i62608_hdr) == 24, "header is 24 bytes");

static bool check_value(const struct rule *r, const struct i62608_elem *t)
{
	switch (r->kind) {
	case K_U8:
		return t->len == 1 && t->val[0] <= r->enum_max;
	case K_U16:
		return t->len == 2 && (!r->check || r->check(t->val, t->len));
	case K_U32:
		return t->len == 4;
	case K_STR:
		if (t->len < r->min_len || t->len > r->max_len ||
		    !i62608_str_valid(t->val, t->len))
			return false;
		return !r->check || r->check(t->val, t->len);
	case K_RAW:
		if (t->len < r->min_len || t->len > (r->max_len ?: r->min_len))
			return false;
		return !r->check || r->check(t->val, t->len);
	case K_NEST:
		/*
		 * Nest rulesets have no K_NEST rule: inside a nest, these
		 * types are the nest's own, unknown there, and skipped. That
		 * is what bounds nesting to one level.
		 */
		return true;
	}
	return false;
}

static bool check_tlvs(const u8 *p, size_t len, const struct ruleset *rs)
{
	u8 count[MAX_RULES] = { 0 };
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	int ret;
	u16 i;

	i62608_tlv_iter_init(&it, p, len);
	while ((ret = i62608_tlv_next(&it, &t)) > 0) {
		const struct rule *r;

		if (!t.type)
			return false;
		if (t.type >= rs->n || !rs->r[t.type].max) {
			/* Unknown here: skipped; vendor TLVs carry an OUI. */
			if (t.type >= I62608_TLV_VENDOR_MIN &&
			    t.type <= I62608_TLV_VENDOR_MAX && t.len < 3)
				return false;
			continue;
		}
		r = &rs->r[t.type];
		if (++count[t.type] > r->max || !check_value(r, &t))
			return false;
		if (r->kind == K_NEST && !check_tlvs(t.val, t.len, r->nest))
			return false;
	}
	if (ret < 0)
		return false;
	for (i = 1; i < rs->n; i++)
		if (rs->r[i].required && !count[i])
			return false;
	return true;
}

int i62608_wire_validate(const struct i62608_frame *m)
{
	if (!m->type || m->type > I62608_MSG_MAX || !msg_sets[m->type].n)
		return I62608_DROP_TYPE;
	return check_tlvs(m->body, m->body_len, &msg_sets[m->type]) ?
		0 : I62608_DROP_MALFORMED;
}

void i62608_tlv_str(const struct i62608_elem *t, char *dst, size_t size)
{
	size_t n = t->len < size - 1 ? t->len : size - 1;

	memcpy(dst, t->val, n);
	dst[n] = 0;
}

void i62608_report_summary(const u8 *body, size_t len, struct i62608_summary *s)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t, a;

	memset(s, 0, sizeof(*s));
	i62608_tlv_iter_init(&it, body, len);
	while (i62608_tlv_next(&it, &t) > 0) {
		switch (t.type) {
		case I62608_TLV_DEVICE_TYPE:
			s->device_type = t.val[0];
			break;
		case I62608_TLV_CAPABILITIES:
			s->caps = get_unaligned_be32(t.val);
			break;
		case I62608_TLV_TTL:
			s->ttl = get_unaligned_be16(t.val);
			break;
		case I62608_TLV_VENDOR:
			i62608_tlv_str(&t, s->vendor, sizeof(s->vendor));
			break;
		case I62608_TLV_MODEL:
			i62608_tlv_str(&t, s->model, sizeof(s->model));
			break;
		case I62608_TLV_NAME:
			i62608_tlv_str(&t, s->name, sizeof(s->name));
			break;
		case I62608_TLV_SERIAL:
			i62608_tlv_str(&t, s->serial, sizeof(s->serial));
			break;
		case I62608_TLV_FIRMWARE:
			i62608_tlv_str(&t, s->firmware, sizeof(s->firmware));
			break;
		case I62608_TLV_INTERFACE:
			/* The first IPv4 address of the first interface with one. */
			if (!s->has_addr4 &&
			    i62608_tlv_find(t.val, t.len, I62608_IF_ADDR4, &a)) {
				memcpy(s->addr4, a.val, 4);
				s->plen4 = a.val[4];
				s->has_addr4 = 1;
			}
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Encoder                                                             */
/* ------------------------------------------------------------------ */

void i62608_w_init(struct i62608_w *w, u8 *buf, u16 cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap < I62608_MAX_MSG ? cap : I62608_MAX_MSG;
}

static u8 *w_reserve(struct i62608_w *w, u16 n)
{
	u8 *p;

	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

void i62608_w_hdr(struct i62608_w *w, const struct i62608_w_hdr *h)
{
	u8 *p = w_reserve(w, HDR_LEN);

	if (!p)
		return;
	p[0] = I62608_PROTO_V1;
	p[1] = h->type;
	put_unaligned_be16(h->flags, p + 2);
	put_unaligned_be16(0, p + 4);		/* set by i62608_w_finish() */
	put_unaligned_be16(h->key_id, p + 6);
	put_unaligned_be32(h->msg_id, p + 8);
	put_unaligned_be32(h->epoch, p + 12);
	put_unaligned_be64(h->counter, p + 16);
}

void i62608_w_set_flags(struct i62608_w *w, u16 flags)
{
	if (w->len >= HDR_LEN)
		put_unaligned_be16(flags, w->buf + 2);
}

void i62608_w_tlv(struct i62608_w *w, u16 type, const void *val, u16 len)
{
	u8 *p;

	if (len > 0xffff - TLV_HDR_LEN) {
		w->overflow = true;
		return;
	}
	p = w_reserve(w, TLV_HDR_LEN + len);
	if (!p)
		return;
	put_unaligned_be16(type, p);
	put_unaligned_be16(len, p + 2);
	if (len)
		memcpy(p + TLV_HDR_LEN, val, len);
}

void i62608_w_u8(struct i62608_w *w, u16 type, u8 v)
{
	i62608_w_tlv(w, type, &v, 1);
}

void i62608_w_u16(struct i62608_w *w, u16 type, u16 v)
{
	u8 b[2];

	put_unaligned_be16(v, b);
	i62608_w_tlv(w, type, b, 2);
}

void i62608_w_u32(struct i62608_w *w, u16 type, u32 v)
{
	u8 b[4];

	put_unaligned_be32(v, b);
	i62608_w_tlv(w, type, b, 4);
}

void i62608_w_str(struct i62608_w *w, u16 type, const char *s)
{
	size_t n = strlen(s);

	if (n > I62608_STR_MAX) {
		n = I62608_STR_MAX;
		/* Do not cut a UTF-8 sequence. */
		while (n && ((u8)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		i62608_w_tlv(w, type, s, (u16)n);
}

void i62608_w_nest_begin(struct i62608_w *w, u16 type)
{
	u16 start = w->len;

	if (w->depth >= I62608_W_MAX_NEST) {
		w->overflow = true;
		return;
	}
	i62608_w_tlv(w, type, NULL, 0);
	/*
	 * Pushed even when it did not fit, so that the caller's
	 * i62608_w_nest_end() closes this nest and not the enclosing one,
	 * and a rollback to before it drops it.
	 */
	w->nest[w->depth++] = start;
}

void i62608_w_nest_end(struct i62608_w *w)
{
	u16 start;

	if (!w->depth) {
		w->overflow = true;
		return;
	}
	start = w->nest[--w->depth];
	if (!w->overflow)
		put_unaligned_be16(w->len - start - TLV_HDR_LEN, w->buf + start + 2);
}

u16 i62608_w_mark(const struct i62608_w *w)
{
	/* After a dropped write, a rollback must not clear the overflow. */
	return w->overflow ? 0xffff : w->len;
}

void i62608_w_rollback(struct i62608_w *w, u16 mark)
{
	if (mark > w->len)
		return;
	w->len = mark;
	w->overflow = false;
	while (w->depth && w->nest[w->depth - 1] >= mark)
		w->depth--;
}

int i62608_w_finish(struct i62608_w *w)
{
	if (w->overflow || w->depth || w->len < HDR_LEN)
		return -1;
	put_unaligned_be16(w->len, w->buf + 4);
	return w->len;
}
