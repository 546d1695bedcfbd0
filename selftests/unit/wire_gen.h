/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers shared by the unit tests (wire_test.c, report_test.c) and
 * the fuzz targets (selftests/fuzz/): a seeded PRNG, random valid REPORTs,
 * their encoded sizes computed from docs/protocol.md (not from the encoder,
 * so the two check each other), a field-by-field comparison, and a raw
 * frame builder that writes what the encoder refuses to.
 *
 * Everything is static inline: each user takes what it needs.
 */
#ifndef I62608_WIRE_GEN_H
#define I62608_WIRE_GEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64, so that a seed names a whole run                  */
/* ------------------------------------------------------------------ */

struct rng {
	u64 s;
};

/* Wrapping arithmetic is the algorithm here, not an accident. */
#if defined(__clang__)
#define GEN_WRAPS __attribute__((no_sanitize("integer")))
#else
#define GEN_WRAPS
#endif

static inline GEN_WRAPS u64 rng_next(struct rng *r)
{
	u64 z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for tests; n > 0. */
static inline u32 rng_below(struct rng *r, u32 n)
{
	return (u32)(rng_next(r) % n);
}

static inline u32 rng_range(struct rng *r, u32 lo, u32 hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

static inline bool rng_chance(struct rng *r, u32 percent)
{
	return rng_below(r, 100) < percent;
}

static inline void rng_bytes(struct rng *r, u8 *p, size_t n)
{
	while (n--)
		*p++ = (u8)rng_next(r);
}

/* ------------------------------------------------------------------ */
/* Random valid values                                                 */
/* ------------------------------------------------------------------ */

/* Encode code point @cp as UTF-8 into @p; returns its length. */
static inline int gen_utf8_put(u8 *p, u32 cp)
{
	if (cp < 0x80) {
		p[0] = (u8)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (u8)(0xc0 | (cp >> 6));
		p[1] = (u8)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (u8)(0xe0 | (cp >> 12));
		p[1] = (u8)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (u8)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (u8)(0xf0 | (cp >> 18));
	p[1] = (u8)(0x80 | ((cp >> 12) & 0x3f));
	p[2] = (u8)(0x80 | ((cp >> 6) & 0x3f));
	p[3] = (u8)(0x80 | (cp & 0x3f));
	return 4;
}

/* A code point a string TLV may hold, of every UTF-8 length. */
static inline u32 gen_code_point(struct rng *r)
{
	u32 cp;

	switch (rng_below(r, 8)) {
	case 0:
		return rng_range(r, 0xa0, 0x7ff);
	case 1:
		do
			cp = rng_range(r, 0x800, 0xffff);
		while (cp >= 0xd800 && cp <= 0xdfff);
		return cp;
	case 2:
		return rng_range(r, 0x10000, 0x10ffff);
	default:
		return rng_range(r, 0x20, 0x7e);
	}
}

/*
 * A valid string of 1 to @max bytes into @dst (NUL-terminated, so @dst has
 * @max + 1 bytes); returns its length.
 */
static inline size_t gen_str(struct rng *r, char *dst, size_t max)
{
	size_t want = rng_range(r, 1, (u32)max), n = 0;

	while (n < want) {
		u8 c[4];
		int k = gen_utf8_put(c, gen_code_point(r));

		if (n + k > want) {
			if (n)
				break;
			continue;
		}
		memcpy(dst + n, c, k);
		n += k;
	}
	dst[n] = 0;
	return n;
}

/* An interface name: printable ASCII without ' ', '/', ':'; not . or .. */
static inline void gen_ifname(struct rng *r, char *dst, size_t max)
{
	size_t n = rng_range(r, 1, (u32)max), i;

	do {
		for (i = 0; i < n; i++) {
			char c;

			do
				c = (char)rng_range(r, 0x21, 0x7e);
			while (c == '/' || c == ':');
			dst[i] = c;
		}
		dst[n] = 0;
	} while (!strcmp(dst, ".") || !strcmp(dst, ".."));
}

/* A service name: [a-z0-9._-], starting with a letter or digit. */
static inline void gen_svcname(struct rng *r, char *dst, size_t max)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char rest[] = "abcdefghijklmnopqrstuvwxyz0123456789._-";
	size_t n = rng_range(r, 1, (u32)max), i;

	dst[0] = first[rng_below(r, sizeof(first) - 1)];
	for (i = 1; i < n; i++)
		dst[i] = rest[rng_below(r, sizeof(rest) - 1)];
	dst[n] = 0;
}

static inline void gen_mac(struct rng *r, u8 *mac)
{
	do {
		rng_bytes(r, mac, 6);
		mac[0] &= 0xfe;
	} while (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]));
}

static inline void gen_if(struct rng *r, struct i62608_report_if *f, bool big)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	if (big || rng_chance(r, 70))
		gen_ifname(r, f->name, big ? 15 : rng_range(r, 1, 15));
	gen_mac(r, f->mac);
	f->flags = (u8)rng_next(r);
	f->n_addr4 = big ? I62608_MAX_ADDRS : rng_range(r, 0, I62608_MAX_ADDRS);
	for (i = 0; i < f->n_addr4; i++) {
		rng_bytes(r, f->addr4[i].addr, 4);
		f->addr4[i].plen = rng_range(r, 0, 32);
		f->addr4[i].origin = rng_range(r, 0, I62608_ORIGIN_MAX);
	}
	f->n_addr6 = big ? I62608_MAX_ADDRS : rng_range(r, 0, I62608_MAX_ADDRS);
	for (i = 0; i < f->n_addr6; i++) {
		rng_bytes(r, f->addr6[i].addr, 16);
		f->addr6[i].plen = rng_range(r, 0, 128);
		f->addr6[i].origin = rng_range(r, 0, I62608_ORIGIN_MAX);
	}
	f->has_gw4 = big || rng_chance(r, 50);
	if (f->has_gw4)
		rng_bytes(r, f->gw4, 4);
	f->has_gw6 = big || rng_chance(r, 30);
	if (f->has_gw6)
		rng_bytes(r, f->gw6, 16);
	f->n_dns4 = big ? I62608_MAX_DNS : rng_range(r, 0, I62608_MAX_DNS);
	for (i = 0; i < f->n_dns4; i++)
		rng_bytes(r, f->dns4[i], 4);
	f->n_dns6 = big ? I62608_MAX_DNS : rng_range(r, 0, I62608_MAX_DNS);
	for (i = 0; i < f->n_dns6; i++)
		rng_bytes(r, f->dns6[i], 16);
}

static inline void gen_svc(struct rng *r, struct i62608_report_svc *s, bool big)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	gen_svcname(r, s->name, big ? I62608_SVC_NAME_MAX :
		    rng_range(r, 1, I62608_SVC_NAME_MAX));
	s->state = rng_range(r, 0, I62608_SVC_STATE_MAX);
	s->n_ports = big ? I62608_MAX_PORTS : rng_range(r, 0, I62608_MAX_PORTS);
	for (i = 0; i < s->n_ports; i++) {
		s->ports[i].proto = rng_chance(r, 50) ? 6 : 17;
		s->ports[i].port = rng_range(r, 1, 0xffff);
	}
}

/*
 * A random valid REPORT. About a third carry every interface and service
 * the protocol allows, half of those at their largest, so that some
 * reports fit one frame and some do not; @big makes every element as
 * large as the protocol allows.
 */
static inline void gen_report(struct rng *r, struct i62608_report *rep, bool big)
{
	char *const strs[] = {
		rep->vendor, rep->model, rep->serial, rep->firmware, rep->name,
		rep->agent_version,
	};
	bool many = big || rng_chance(r, 35);
	unsigned int i;

	memset(rep, 0, sizeof(*rep));
	rep->ttl = rng_range(r, 1, 0xffff);
	rep->caps = (u32)rng_next(r);
	rep->device_type = rng_range(r, 0, I62608_DEV_MAX);
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (big || rng_chance(r, 60))
			gen_str(r, strs[i], big ? I62608_STR_MAX :
				rng_range(r, 1, I62608_STR_MAX));
	rep->n_ifaces = many ? I62608_MAX_IFACES_TLV :
		rng_range(r, 0, I62608_MAX_IFACES_TLV);
	for (i = 0; i < rep->n_ifaces; i++)
		gen_if(r, &rep->ifaces[i], big || (many && rng_chance(r, 50)));
	rep->n_services = many ? I62608_MAX_SERVICES :
		rng_range(r, 0, I62608_MAX_SERVICES);
	for (i = 0; i < rep->n_services; i++)
		gen_svc(r, &rep->services[i], big || (many && rng_chance(r, 50)));
}

/* ------------------------------------------------------------------ */
/* Encoded sizes, from the specification's tables                      */
/* ------------------------------------------------------------------ */

#define GEN_TLV(n) (4u + (n))

static inline unsigned int gen_str_size(const char *s)
{
	return s[0] ? GEN_TLV(strlen(s)) : 0;
}

/* TTL, CAPABILITIES, DEVICE_TYPE and the strings that are set. */
static inline unsigned int report_identity_size(const struct i62608_report *r)
{
	return GEN_TLV(2) + GEN_TLV(4) + GEN_TLV(1) + gen_str_size(r->vendor) +
		gen_str_size(r->model) + gen_str_size(r->serial) +
		gen_str_size(r->firmware) + gen_str_size(r->name) +
		gen_str_size(r->agent_version);
}

/* The encoder always writes FLAGS (0 is a value). */
static inline unsigned int report_if_size(const struct i62608_report_if *f)
{
	return GEN_TLV(gen_str_size(f->name) + GEN_TLV(6) +
		       f->n_addr4 * GEN_TLV(6) + f->n_addr6 * GEN_TLV(18) +
		       (f->has_gw4 ? GEN_TLV(4) : 0) +
		       (f->has_gw6 ? GEN_TLV(16) : 0) +
		       f->n_dns4 * GEN_TLV(4) + f->n_dns6 * GEN_TLV(16) +
		       GEN_TLV(1));
}

static inline unsigned int report_svc_size(const struct i62608_report_svc *s)
{
	return GEN_TLV(gen_str_size(s->name) + GEN_TLV(1) +
		       s->n_ports * GEN_TLV(3));
}

/* ------------------------------------------------------------------ */
/* Comparison                                                          */
/* ------------------------------------------------------------------ */

/*
 * Each returns NULL when equal, else what differs (in a static buffer, so
 * a failing test can say it).
 */
static inline const char *gen_diff(const char *what, unsigned int i,
				   const char *field)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s[%u].%s", what, i, field);
	return buf;
}

#define GEN_CMP(what, i, a, b, field)					\
	do {								\
		if (memcmp(&(a)->field, &(b)->field, sizeof((a)->field)))\
			return gen_diff(what, i, #field);		\
	} while (0)

static inline const char *report_cmp_if(const struct i62608_report_if *a,
					const struct i62608_report_if *b,
					unsigned int i)
{
	unsigned int k;

	if (strcmp(a->name, b->name))
		return gen_diff("ifaces", i, "name");
	GEN_CMP("ifaces", i, a, b, mac);
	GEN_CMP("ifaces", i, a, b, flags);
	GEN_CMP("ifaces", i, a, b, n_addr4);
	GEN_CMP("ifaces", i, a, b, n_addr6);
	GEN_CMP("ifaces", i, a, b, n_dns4);
	GEN_CMP("ifaces", i, a, b, n_dns6);
	GEN_CMP("ifaces", i, a, b, has_gw4);
	GEN_CMP("ifaces", i, a, b, has_gw6);
	for (k = 0; k < a->n_addr4; k++)
		GEN_CMP("ifaces", i, a, b, addr4[k]);
	for (k = 0; k < a->n_addr6; k++)
		GEN_CMP("ifaces", i, a, b, addr6[k]);
	if (a->has_gw4)
		GEN_CMP("ifaces", i, a, b, gw4);
	if (a->has_gw6)
		GEN_CMP("ifaces", i, a, b, gw6);
	for (k = 0; k < a->n_dns4; k++)
		GEN_CMP("ifaces", i, a, b, dns4[k]);
	for (k = 0; k < a->n_dns6; k++)
		GEN_CMP("ifaces", i, a, b, dns6[k]);
	return NULL;
}

static inline const char *report_cmp_svc(const struct i62608_report_svc *a,
					 const struct i62608_report_svc *b,
					 unsigned int i)
{
	unsigned int k;

	if (strcmp(a->name, b->name))
		return gen_diff("services", i, "name");
	GEN_CMP("services", i, a, b, state);
	GEN_CMP("services", i, a, b, n_ports);
	for (k = 0; k < a->n_ports; k++) {
		GEN_CMP("services", i, a, b, ports[k].proto);
		GEN_CMP("services", i, a, b, ports[k].port);
	}
	return NULL;
}

static inline const char *report_cmp_identity(const struct i62608_report *a,
					      const struct i62608_report *b)
{
	GEN_CMP("report", 0, a, b, ttl);
	GEN_CMP("report", 0, a, b, caps);
	GEN_CMP("report", 0, a, b, device_type);
	if (strcmp(a->vendor, b->vendor))
		return "vendor";
	if (strcmp(a->model, b->model))
		return "model";
	if (strcmp(a->serial, b->serial))
		return "serial";
	if (strcmp(a->firmware, b->firmware))
		return "firmware";
	if (strcmp(a->name, b->name))
		return "name";
	if (strcmp(a->agent_version, b->agent_version))
		return "agent_version";
	return NULL;
}

/*
 * @got was decoded from what i62608_report_encode(@want, @facing) wrote,
 * which returned @ret. It must hold the identity, then a prefix of the
 * sequence the specification orders (the facing interface, the services,
 * the other interfaces), each element whole; @ret says whether the prefix
 * is the whole sequence. Interfaces come out facing first.
 */
static inline const char *report_check_prefix(const struct i62608_report *want,
					      int facing, int ret,
					      const struct i62608_report *got)
{
	unsigned int n_if = 0, n_svc = 0, total, i;
	const char *d = report_cmp_identity(want, got);

	if (d)
		return d;
	if (facing >= want->n_ifaces)
		facing = -1;
	total = want->n_ifaces + want->n_services;
	/* Walk the specification's order; stop at the first element left out. */
	if (facing >= 0) {
		if (!got->n_ifaces)
			goto out;
		d = report_cmp_if(&want->ifaces[facing], &got->ifaces[0], 0);
		if (d)
			return d;
		n_if++;
	}
	for (i = 0; i < want->n_services; i++) {
		if (n_svc == got->n_services)
			goto out;
		d = report_cmp_svc(&want->services[i], &got->services[n_svc], i);
		if (d)
			return d;
		n_svc++;
	}
	for (i = 0; i < want->n_ifaces; i++) {
		if ((int)i == facing)
			continue;
		if (n_if == got->n_ifaces)
			goto out;
		d = report_cmp_if(&want->ifaces[i], &got->ifaces[n_if], i);
		if (d)
			return d;
		n_if++;
	}
out:
	if (n_if != got->n_ifaces || n_svc != got->n_services)
		return "elements out of the specification's order";
	if (ret != (n_if + n_svc < total))
		return ret ? "PARTIAL, but nothing was left out" :
			"complete, but elements were left out";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Raw frames: any bytes, including what the encoder would refuse      */
/* ------------------------------------------------------------------ */

#define FB_CAP 4096

struct fb {
	u8 buf[FB_CAP];
	size_t len;
	size_t nest[4];
	int depth;
};

static inline void fb_put(struct fb *f, const void *p, size_t n)
{
	if (f->len + n > FB_CAP)
		abort();
	memcpy(f->buf + f->len, p, n);
	f->len += n;
}

static inline void fb_be16(struct fb *f, u16 v)
{
	u8 b[2];

	put_unaligned_be16(v, b);
	fb_put(f, b, 2);
}

static inline void fb_be32(struct fb *f, u32 v)
{
	u8 b[4];

	put_unaligned_be32(v, b);
	fb_put(f, b, 4);
}

/* A header with the length field still 0 (see fb_done()). */
static inline void fb_init(struct fb *f, u8 type, u16 flags, u16 key_id,
			   u32 epoch)
{
	f->len = 0;
	f->depth = 0;
	fb_put(f, (u8[]){ I62608_PROTO_V1, type }, 2);
	fb_be16(f, flags);
	fb_be16(f, 0);
	fb_be16(f, key_id);
	fb_be32(f, 0x01020304);		/* message id */
	fb_be32(f, epoch);
	fb_be32(f, 0);			/* counter */
	fb_be32(f, 9);
}

static inline void fb_tlv(struct fb *f, u16 type, const void *val, u16 len)
{
	fb_be16(f, type);
	fb_be16(f, len);
	if (len)
		fb_put(f, val, len);
}

static inline void fb_u8(struct fb *f, u16 type, u8 v)
{
	fb_tlv(f, type, &v, 1);
}

static inline void fb_u16(struct fb *f, u16 type, u16 v)
{
	u8 b[2];

	put_unaligned_be16(v, b);
	fb_tlv(f, type, b, 2);
}

static inline void fb_u32(struct fb *f, u16 type, u32 v)
{
	u8 b[4];

	put_unaligned_be32(v, b);
	fb_tlv(f, type, b, 4);
}

static inline void fb_str(struct fb *f, u16 type, const char *s)
{
	fb_tlv(f, type, s, (u16)strlen(s));
}

static inline void fb_begin(struct fb *f, u16 type)
{
	if (f->depth >= 4)
		abort();
	f->nest[f->depth++] = f->len;
	fb_tlv(f, type, NULL, 0);
}

static inline void fb_end(struct fb *f)
{
	size_t start = f->nest[--f->depth];

	put_unaligned_be16((u16)(f->len - start - 4), f->buf + start + 2);
}

/* Set the header's length to what was written; returns it. */
static inline size_t fb_done(struct fb *f)
{
	put_unaligned_be16((u16)f->len, f->buf + 4);
	return f->len;
}

#endif /* I62608_WIRE_GEN_H */
