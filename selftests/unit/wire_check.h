/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The properties every input of the receive path must keep, checked by the
 * seeded random test in wire_test.c and by the libFuzzer target
 * selftests/fuzz/wire_fuzz.c alike:
 *
 *  - nothing reads or writes out of bounds (the sanitizers watch);
 *  - the header's drop reason is the one docs/protocol.md gives, checked in
 *    the specification's order by an independent reference;
 *  - strings are accepted exactly when a table-driven UTF-8 reference
 *    (Unicode Table 3-7, minus controls) accepts them;
 *  - whatever validates walks without error, re-encodes byte for byte
 *    through the encoder (nests rebuilt with nest_begin/nest_end), and, for
 *    a REPORT, decodes, agrees with its summary, and re-encodes through
 *    i62608_report_encode() to a frame that validates and decodes to the
 *    same report (or a prefix of it in the specification's order).
 *
 * wire_check() returns NULL or a description of the broken property.
 */
#ifndef I62608_WIRE_CHECK_H
#define I62608_WIRE_CHECK_H

#include <errno.h>
#include <stdarg.h>

#include "wire_gen.h"

struct wire_stats {
	unsigned long frames;
	unsigned long hdr_ok;
	unsigned long valid[I62608_MSG_MAX + 1];
	unsigned long reencoded_partial;
};

/* ------------------------------------------------------------------ */
/* References                                                          */
/* ------------------------------------------------------------------ */

/*
 * Well-formed UTF-8 after Unicode's Table 3-7: the lead byte fixes the
 * length and the range of the second byte; no C0/C1 control, no DEL.
 */
static inline bool ref_str_valid(const u8 *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		u8 c = s[i], lo = 0x80, hi = 0xbf;
		size_t n, k;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		/* C1 controls: U+0080..U+009F are c2 80..c2 9f. */
		if (c == 0xc2 && s[i + 1] < 0xa0)
			return false;
		i += n + 1;
	}
	return true;
}

/* docs/protocol.md section 3, checked in its order. */
static inline int ref_hdr(const u8 *buf, size_t len)
{
	u16 flags, length, key_id;

	if (len < 24)
		return I62608_DROP_TRUNCATED;
	if (buf[0] != 1)
		return I62608_DROP_VERSION;
	flags = get_unaligned_be16(buf + 2);
	length = get_unaligned_be16(buf + 4);
	key_id = get_unaligned_be16(buf + 6);
	if (length < 24 || length > 1500)
		return I62608_DROP_LENGTH;
	if (length > len)
		return I62608_DROP_TRUNCATED;
	if (!get_unaligned_be32(buf + 12))
		return I62608_DROP_MALFORMED;
	if (flags & I62608_F_PROTECTED) {
		if (length - 24 < I62608_TAG_LEN)
			return I62608_DROP_LENGTH;
		if (!key_id)
			return I62608_DROP_MALFORMED;
	} else if (key_id) {
		return I62608_DROP_MALFORMED;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */
/* ------------------------------------------------------------------ */

static inline __attribute__((format(printf, 1, 2)))
const char *wire_fail(const char *fmt, ...)
{
	static char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return msg;
}

/* The iterator never leaves [p, p + len), whatever the bytes. */
static inline const char *check_iter(const u8 *p, size_t len, bool validated)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;
	const u8 *prev = p;
	int ret;

	i62608_tlv_iter_init(&it, p, len);
	while ((ret = i62608_tlv_next(&it, &t)) > 0) {
		if (t.val != prev + 4 || t.val + t.len > p + len)
			return "TLV iterator left its bounds";
		prev = t.val + t.len;
	}
	if (ret < 0 && validated)
		return "a validated body does not iterate";
	if (ret == 0 && prev != p + len)
		return "TLV iterator ended early";
	return NULL;
}

static inline bool is_nest(u8 msg, u16 type)
{
	return msg == I62608_MSG_REPORT &&
		(type == I62608_TLV_INTERFACE || type == I62608_TLV_SERVICE);
}

/*
 * Re-encode a validated message TLV by TLV through the encoder: the bytes
 * must come out identical (header, TLVs, nest lengths), tag excluded.
 */
static inline const char *check_reencode(const struct i62608_frame *m)
{
	struct i62608_w_hdr h = {
		.type = m->type, .flags = m->flags, .key_id = m->key_id,
		.msg_id = m->msg_id, .epoch = m->epoch, .counter = m->counter,
	};
	struct i62608_tlv_iter it, in;
	struct i62608_elem t, c;
	u8 out[I62608_MAX_MSG];
	struct i62608_w w;
	int len;

	i62608_w_init(&w, out, sizeof(out));
	i62608_w_hdr(&w, &h);
	i62608_tlv_iter_init(&it, m->body, m->body_len);
	while (i62608_tlv_next(&it, &t) > 0) {
		if (!is_nest(m->type, t.type)) {
			i62608_w_tlv(&w, t.type, t.val, t.len);
			continue;
		}
		i62608_w_nest_begin(&w, t.type);
		i62608_tlv_iter_init(&in, t.val, t.len);
		while (i62608_tlv_next(&in, &c) > 0)
			i62608_w_tlv(&w, c.type, c.val, c.len);
		i62608_w_nest_end(&w);
	}
	len = i62608_w_finish(&w);
	if (len != 24 + m->body_len)
		return wire_fail("re-encoded %d bytes, body had %d", len,
				 24 + m->body_len);
	if (memcmp(out, m->hdr, 4) || memcmp(out + 6, m->hdr + 6, len - 6))
		return "re-encoded bytes differ";
	return NULL;
}

/* The summary the kernel keeps says what the decoder says. */
static inline const char *check_summary(const struct i62608_frame *m,
					const struct i62608_report *r)
{
	struct i62608_summary s;
	unsigned int i;

	i62608_report_summary(m->body, m->body_len, &s);
	if (s.ttl != r->ttl || s.caps != r->caps ||
	    s.device_type != r->device_type)
		return "summary: ttl/caps/device_type differ from the decoder";
	if (strcmp(s.vendor, r->vendor) || strcmp(s.model, r->model) ||
	    strcmp(s.name, r->name) || strcmp(s.serial, r->serial) ||
	    strcmp(s.firmware, r->firmware))
		return "summary: strings differ from the decoder";
	for (i = 0; i < r->n_ifaces; i++)
		if (r->ifaces[i].n_addr4)
			break;
	if (s.has_addr4 != (i < r->n_ifaces))
		return "summary: has_addr4 wrong";
	if (s.has_addr4 &&
	    (memcmp(s.addr4, r->ifaces[i].addr4[0].addr, 4) ||
	     s.plen4 != r->ifaces[i].addr4[0].plen))
		return "summary: addr4 is not the first one";
	return NULL;
}

static inline const char *check_report(const struct i62608_frame *m,
				       struct wire_stats *st)
{
	struct i62608_report *r = malloc(sizeof(*r)), *back = malloc(sizeof(*r));
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = m->msg_id,
		.epoch = m->epoch, .counter = m->counter,
	};
	u8 out[I62608_MAX_MSG];
	const char *err = NULL;
	struct i62608_frame m2;
	struct i62608_w w;
	int facing, ret, len;

	if (!r || !back)
		abort();
	if (i62608_report_decode(m->body, m->body_len, r)) {
		err = "a validated REPORT does not decode";
		goto out;
	}
	err = check_summary(m, r);
	if (err)
		goto out;
	/* Any facing interface, none included: the message id picks. */
	facing = (int)(m->msg_id % (r->n_ifaces + 2u)) - 1;
	i62608_w_init(&w, out, sizeof(out));
	i62608_w_hdr(&w, &h);
	ret = i62608_report_encode(&w, r, facing);
	if (ret < 0) {
		err = "a decoded REPORT's identity does not fit a frame";
		goto out;
	}
	if (ret)
		i62608_w_set_flags(&w, I62608_F_PARTIAL);
	len = i62608_w_finish(&w);
	if (len < 0) {
		err = "re-encoded REPORT does not finish";
		goto out;
	}
	if (i62608_wire_hdr(out, len, &m2) || i62608_wire_validate(&m2)) {
		err = "re-encoded REPORT does not validate";
		goto out;
	}
	if (!!(m2.flags & I62608_F_PARTIAL) != ret) {
		err = "PARTIAL flag lost";
		goto out;
	}
	if (i62608_report_decode(m2.body, m2.body_len, back)) {
		err = "re-encoded REPORT does not decode";
		goto out;
	}
	err = report_check_prefix(r, facing, ret, back);
	if (st && ret)
		st->reencoded_partial++;
out:
	free(r);
	free(back);
	return err;
}

static inline const char *wire_check(const u8 *buf, size_t len,
				     struct wire_stats *st)
{
	struct i62608_report *r;
	struct i62608_frame m;
	const char *err;
	int rc, want, v;
	size_t i;

	if (st)
		st->frames++;

	/* Strings: the implementation against the reference, on windows. */
	for (i = 0; i < len && i < 16; i++) {
		size_t n = len - i < 40 ? len - i : 40;

		if (i62608_str_valid(buf + i, n) != ref_str_valid(buf + i, n))
			return wire_fail("i62608_str_valid() disagrees with the "
					 "UTF-8 reference at offset %d, %d bytes",
					 (int)i, (int)n);
	}
	err = check_iter(buf, len, false);
	if (err)
		return err;

	/* The decoder validates for itself: any bytes are safe to give it. */
	if (len <= I62608_MAX_MSG) {
		struct i62608_frame raw = {
			.type = I62608_MSG_REPORT, .body = buf, .body_len = (u16)len,
		};

		r = malloc(sizeof(*r));
		if (!r)
			abort();
		v = i62608_report_decode(buf, len, r);
		free(r);
		if ((v == 0) != (i62608_wire_validate(&raw) == 0) ||
		    (v && v != -EBADMSG))
			return "i62608_report_decode() and the validator disagree";
	}

	rc = i62608_wire_hdr(buf, len, &m);
	want = ref_hdr(buf, len);
	if (rc != want)
		return wire_fail("header: drop reason %d, the specification says %d",
				 rc, want);
	if (rc)
		return NULL;
	if (st)
		st->hdr_ok++;
	if (m.hdr != buf || m.body != buf + 24 ||
	    m.body_len != m.length - 24 - (m.tag ? I62608_TAG_LEN : 0) ||
	    (m.tag && m.tag != m.body + m.body_len) ||
	    !!m.tag != !!(m.flags & I62608_F_PROTECTED))
		return "header: body, tag or lengths inconsistent";

	v = i62608_wire_validate(&m);
	if (m.type < 1 || m.type > I62608_MSG_MAX)
		return v == I62608_DROP_TYPE ? NULL :
			wire_fail("type %d validated to %d, not DROP_TYPE",
				  m.type, v);
	if (v && v != I62608_DROP_MALFORMED)
		return wire_fail("type %d: validation returned %d", m.type, v);
	if (v)
		return NULL;
	if (st)
		st->valid[m.type]++;

	err = check_iter(m.body, m.body_len, true);
	if (!err)
		err = check_reencode(&m);
	if (!err && m.type == I62608_MSG_REPORT)
		err = check_report(&m, st);
	return err;
}

/* ------------------------------------------------------------------ */
/* Mutations                                                           */
/* ------------------------------------------------------------------ */

/* Offsets of TLV headers (top level from byte 24, and one nest deep). */
static inline size_t find_tlvs(const u8 *buf, size_t len, size_t *off,
			       size_t max)
{
	size_t pos = 24, n = 0;

	while (pos + 4 <= len && n < max) {
		u16 type = get_unaligned_be16(buf + pos);
		u16 l = get_unaligned_be16(buf + pos + 2);
		size_t in = pos + 4;

		off[n++] = pos;
		if ((type == I62608_TLV_INTERFACE || type == I62608_TLV_SERVICE) &&
		    pos + 4 + l <= len)
			while (in + 4 <= pos + 4 + l && n < max) {
				off[n++] = in;
				in += 4 + get_unaligned_be16(buf + in + 2);
			}
		pos += 4 + l;
	}
	return n;
}

static inline u16 interesting16(struct rng *r, u16 cur)
{
	static const u16 v[] = {
		0, 1, 2, 3, 4, 5, 6, 15, 16, 17, 23, 24, 32, 33, 0x7f, 0x80,
		0xff, 1472, 1476, 1500, 1501, 0x7fff, 0x8000, 0xfeff, 0xff00,
		0xfffe, 0xffff,
	};

	switch (rng_below(r, 4)) {
	case 0:
		return (u16)(cur + 1);
	case 1:
		return (u16)(cur - 1);
	case 2:
		return (u16)rng_next(r);
	default:
		return v[rng_below(r, sizeof(v) / sizeof(v[0]))];
	}
}

/*
 * Apply 1-6 random edits to the frame in @buf (@len bytes, room for
 * @cap): bit flips, byte writes, TLV type and length edits, header length
 * edits, truncation, extension, TLV duplication and removal, and splicing
 * with @other. Mostly the header length is fixed up afterwards, so that
 * the edits reach the TLV rules. Returns the new length.
 */
static inline size_t wire_mutate(struct rng *r, u8 *buf, size_t len, size_t cap,
				 const u8 *other, size_t olen)
{
	unsigned int edits = rng_range(r, 1, 6);
	size_t off[128], n, a, b, l;

	while (edits--) {
		n = find_tlvs(buf, len, off, 128);
		switch (rng_below(r, 11)) {
		case 0:
			if (len)
				buf[rng_below(r, len)] ^= 1 << rng_below(r, 8);
			break;
		case 1:
			if (len)
				buf[rng_below(r, len)] = (u8)rng_next(r);
			break;
		case 2:		/* a TLV's length */
			if (n) {
				a = off[rng_below(r, n)];
				put_unaligned_be16(interesting16(r,
					get_unaligned_be16(buf + a + 2)), buf + a + 2);
			}
			break;
		case 3:		/* a TLV's type */
			if (n) {
				a = off[rng_below(r, n)];
				put_unaligned_be16(rng_chance(r, 80) ?
					rng_range(r, 0, 20) :
					interesting16(r, 0xff00), buf + a);
			}
			break;
		case 4:		/* the header's length */
			if (len >= 6)
				put_unaligned_be16(interesting16(r,
					get_unaligned_be16(buf + 4)), buf + 4);
			break;
		case 5:
			if (len)
				len = rng_below(r, len);
			break;
		case 6:
			l = rng_range(r, 1, 32);
			if (len + l <= cap) {
				rng_bytes(r, buf + len, l);
				len += l;
			}
			break;
		case 7:		/* duplicate a TLV in place */
			if (n) {
				a = off[rng_below(r, n)];
				l = 4 + get_unaligned_be16(buf + a + 2);
				if (a + l <= len && len + l <= cap) {
					memmove(buf + a + l, buf + a, len - a);
					len += l;
				}
			}
			break;
		case 8:		/* remove a TLV */
			if (n) {
				a = off[rng_below(r, n)];
				l = 4 + get_unaligned_be16(buf + a + 2);
				if (a + l <= len) {
					memmove(buf + a, buf + a + l, len - a - l);
					len -= l;
				}
			}
			break;
		case 9:		/* splice: our head, the other's tail */
			if (olen) {
				a = rng_below(r, len + 1);
				b = rng_below(r, olen);
				l = olen - b;
				if (a + l > cap)
					l = cap - a;
				memmove(buf + a, other + b, l);
				len = a + l;
			}
			break;
		default:	/* a random TLV at a TLV boundary */
			l = rng_range(r, 0, 8);
			a = n ? off[rng_below(r, n)] : len;
			if (a <= len && len + 4 + l <= cap) {
				memmove(buf + a + 4 + l, buf + a, len - a);
				put_unaligned_be16(rng_range(r, 0, 20), buf + a);
				put_unaligned_be16((u16)l, buf + a + 2);
				rng_bytes(r, buf + a + 4, l);
				len += 4 + l;
			}
			break;
		}
	}
	if (len >= 6 && rng_chance(r, 75))
		put_unaligned_be16((u16)len, buf + 4);
	return len;
}

#endif /* I62608_WIRE_CHECK_H */
