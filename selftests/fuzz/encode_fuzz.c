// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the encoder of kernel/wire.c and the one-frame budget
 * of i62608_report_encode(), driven by the input the way LLVM's
 * FuzzedDataProvider drives C++ targets (bytes consumed as operations and
 * their arguments; missing bytes read as zero).
 *
 * The first byte chooses the mode:
 *
 *  - operations: a sequence of i62608_w_* calls on a buffer of exactly the
 *    capacity given (ASan sees any write past it), checked after every call
 *    against a reference model written from wire.h's contract: length,
 *    overflow, nest depth and bytes. The finished frame then goes through
 *    the receive-path properties of wire_check.h.
 *
 *  - report: a random valid REPORT (its PRNG seeded from the input), a
 *    capacity, a facing interface and possibly raw vendor bytes. Checked:
 *    -1 exactly when the identity does not fit; otherwise a frame within
 *    the capacity that validates exactly when its strings are valid,
 *    decodes to the specification's prefix of the report, is as long as
 *    the tables say, and is PARTIAL only if the next element did not fit.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wire_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do {							\
	fprintf(stderr, "encode_fuzz: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* ------------------------------------------------------------------ */
/* FuzzedDataProvider, the part we need                                */
/* ------------------------------------------------------------------ */

struct fdp {
	const u8 *p;
	size_t n;
};

static u8 fdp_u8(struct fdp *d)
{
	if (!d->n)
		return 0;
	d->n--;
	return *d->p++;
}

/* Big endian, in consumption order. */
static u16 fdp_u16(struct fdp *d)
{
	u16 hi = fdp_u8(d);

	return (u16)(hi << 8 | fdp_u8(d));
}

static u32 fdp_u32(struct fdp *d)
{
	u32 hi = fdp_u16(d);

	return hi << 16 | fdp_u16(d);
}

static u64 fdp_u64(struct fdp *d)
{
	u64 hi = fdp_u32(d);

	return hi << 32 | fdp_u32(d);
}

/* Up to @n bytes; returns how many there were. */
static size_t fdp_bytes(struct fdp *d, u8 *out, size_t n)
{
	if (n > d->n)
		n = d->n;
	memcpy(out, d->p, n);
	d->p += n;
	d->n -= n;
	return n;
}

/* ------------------------------------------------------------------ */
/* Reference model of the encoder (wire.h's contract)                  */
/* ------------------------------------------------------------------ */

struct model {
	u8 buf[I62608_MAX_MSG];
	u16 cap;
	u16 len;
	bool overflow;
	u8 depth;
	u16 nest[I62608_W_MAX_NEST];
};

static u8 *m_reserve(struct model *m, unsigned int n)
{
	u8 *p;

	if (m->overflow || n > (unsigned int)(m->cap - m->len)) {
		m->overflow = true;
		return NULL;
	}
	p = m->buf + m->len;
	m->len += n;
	return p;
}

static void m_tlv(struct model *m, u16 type, const u8 *val, u16 len)
{
	u8 *p;

	if (len > 0xffff - 4) {
		m->overflow = true;
		return;
	}
	p = m_reserve(m, 4u + len);
	if (!p)
		return;
	put_unaligned_be16(type, p);
	put_unaligned_be16(len, p + 2);
	if (len)
		memcpy(p + 4, val, len);
}

/*
 * Every begin is paired with the caller's end, whether it fitted or not,
 * so an end never closes an enclosing nest; a rollback drops the nests
 * begun at or after its mark. A mark taken after a write was dropped
 * cannot undo that drop.
 */
#define MARK_AFTER_OVERFLOW 0xffff

static void m_nest_begin(struct model *m, u16 type)
{
	u16 start = m->len;

	if (m->depth >= I62608_W_MAX_NEST) {
		m->overflow = true;
		return;
	}
	m_tlv(m, type, NULL, 0);
	m->nest[m->depth++] = start;
}

static void m_nest_end(struct model *m)
{
	u16 start;

	if (!m->depth) {
		m->overflow = true;
		return;
	}
	start = m->nest[--m->depth];
	if (!m->overflow)
		put_unaligned_be16((u16)(m->len - start - 4), m->buf + start + 2);
}

static u16 m_mark(const struct model *m)
{
	return m->overflow ? MARK_AFTER_OVERFLOW : m->len;
}

static void m_rollback(struct model *m, u16 mark)
{
	if (mark > m->len)
		return;
	m->len = mark;
	m->overflow = false;
	while (m->depth && m->nest[m->depth - 1] >= mark)
		m->depth--;
}

static int m_finish(struct model *m)
{
	if (m->overflow || m->depth || m->len < 24)
		return -1;
	put_unaligned_be16(m->len, m->buf + 4);
	return m->len;
}

static void compare(const struct i62608_w *w, const struct model *m,
		    const char *op, unsigned int step)
{
	if (w->len != m->len || w->overflow != m->overflow ||
	    w->depth != m->depth)
		FAIL("step %u (%s): len %u overflow %d depth %u, expected "
		     "len %u overflow %d depth %u", step, op, w->len,
		     w->overflow, w->depth, m->len, m->overflow, m->depth);
	if (memcmp(w->buf, m->buf, m->len))
		FAIL("step %u (%s): bytes differ", step, op);
}

/* ------------------------------------------------------------------ */
/* Mode 1: operations                                                  */
/* ------------------------------------------------------------------ */

static void run_ops(struct fdp *d)
{
	u16 want_cap = fdp_u16(d) % 1600;
	u16 cap = want_cap < I62608_MAX_MSG ? want_cap : I62608_MAX_MSG;
	u8 *buf = malloc(cap ? cap : 1);
	u16 marks[8] = { 0 }, m_marks[8] = { 0 };
	unsigned int step, n_marks = 0;
	struct model *m = calloc(1, sizeof(*m));
	struct i62608_w w;
	int ret, mret;

	if (!buf || !m)
		abort();
	i62608_w_init(&w, buf, want_cap);
	m->cap = cap;
	for (step = 0; d->n && step < 256; step++) {
		u8 op = fdp_u8(d), val[I62608_MAX_MSG + 8];
		char str[80];
		const char *name;
		u16 type = fdp_u8(d) % 24, len;

		switch (op % 12) {
		case 0: {
			struct i62608_w_hdr h;
			u8 *p;

			/* One by one: initializers are not sequenced. */
			h.type = fdp_u8(d);
			h.flags = fdp_u16(d);
			h.key_id = fdp_u16(d);
			h.msg_id = fdp_u32(d);
			h.epoch = fdp_u32(d);
			h.counter = fdp_u64(d);
			name = "hdr";
			i62608_w_hdr(&w, &h);
			p = m_reserve(m, 24);
			if (p) {
				p[0] = 1;
				p[1] = h.type;
				put_unaligned_be16(h.flags, p + 2);
				put_unaligned_be16(0, p + 4);
				put_unaligned_be16(h.key_id, p + 6);
				put_unaligned_be32(h.msg_id, p + 8);
				put_unaligned_be32(h.epoch, p + 12);
				put_unaligned_be64(h.counter, p + 16);
			}
			break;
		}
		case 1:
		case 2:
			name = "tlv";
			len = fdp_u16(d);
			/* Mostly short values; sometimes up to a frame and more. */
			len = op & 0x80 ? len % (I62608_MAX_MSG + 8) : len % 40;
			len = (u16)fdp_bytes(d, val, len);
			if (op & 0x40)
				type = 0xff00 | type;
			i62608_w_tlv(&w, type, val, len);
			m_tlv(m, type, val, len);
			break;
		case 3:
			name = "u8";
			val[0] = fdp_u8(d);
			i62608_w_u8(&w, type, val[0]);
			m_tlv(m, type, val, 1);
			break;
		case 4:
			name = "u16";
			put_unaligned_be16(fdp_u16(d), val);
			i62608_w_u16(&w, type, get_unaligned_be16(val));
			m_tlv(m, type, val, 2);
			break;
		case 5:
			name = "u32";
			put_unaligned_be32(fdp_u32(d), val);
			i62608_w_u32(&w, type, get_unaligned_be32(val));
			m_tlv(m, type, val, 4);
			break;
		case 6: {
			size_t n, k;

			name = "str";
			n = fdp_bytes(d, (u8 *)str, fdp_u8(d) % (sizeof(str) - 1));
			str[n] = 0;
			i62608_w_str(&w, type, str);
			n = strlen(str);
			if (n > I62608_STR_MAX) {
				n = I62608_STR_MAX;
				while (n && ((u8)str[n] & 0xc0) == 0x80)
					n--;
			}
			if (n)
				m_tlv(m, type, (const u8 *)str, (u16)n);
			/* A cut never leaves a valid string invalid. */
			k = strlen(str);
			if (n && ref_str_valid((u8 *)str, k) &&
			    !ref_str_valid((u8 *)str, n))
				FAIL("cut of a valid string is invalid");
			break;
		}
		case 7:
			name = "nest_begin";
			i62608_w_nest_begin(&w, type);
			m_nest_begin(m, type);
			break;
		case 8:
			name = "nest_end";
			i62608_w_nest_end(&w);
			m_nest_end(m);
			break;
		case 9:
			/* Each side keeps its own mark: their values may differ. */
			name = "mark";
			if (n_marks == 8) {
				memmove(marks, marks + 1, 7 * sizeof(marks[0]));
				memmove(m_marks, m_marks + 1, 7 * sizeof(m_marks[0]));
				n_marks--;
			}
			marks[n_marks] = i62608_w_mark(&w);
			m_marks[n_marks] = m_mark(m);
			n_marks++;
			break;
		case 10:
			/*
			 * Roll back to a live mark; or past the end (ignored),
			 * or to 0. A mark is live until a rollback goes below
			 * it: one that cuts a nest header is outside the
			 * contract, so stale marks are forgotten.
			 */
			name = "rollback";
			if (op & 0x80 || !n_marks) {
				len = op & 0x40 ? 0 : fdp_u16(d) % 1600;
				if (len && len <= m->len)
					len = m->len + 1;
				i62608_w_rollback(&w, len);
				m_rollback(m, len);
				/* Down to 0, every mark taken so far is stale. */
				if (!len)
					n_marks = 0;
			} else {
				unsigned int k = fdp_u8(d) % n_marks;

				i62608_w_rollback(&w, marks[k]);
				m_rollback(m, m_marks[k]);
				n_marks = k + 1;
			}
			break;
		default:
			name = "set_flags";
			len = fdp_u16(d);
			i62608_w_set_flags(&w, len);
			if (m->len >= 24)
				put_unaligned_be16(len, m->buf + 2);
			break;
		}
		compare(&w, m, name, step);
	}
	ret = i62608_w_finish(&w);
	mret = m_finish(m);
	if (ret != mret)
		FAIL("finish returned %d, expected %d", ret, mret);
	compare(&w, m, "finish", step);
	if (ret > 0) {
		const char *err = wire_check(buf, ret, NULL);

		if (err)
			FAIL("encoded frame: %s", err);
	}
	free(m);
	free(buf);
}

/* ------------------------------------------------------------------ */
/* Mode 2: a report within a budget                                    */
/* ------------------------------------------------------------------ */

static unsigned int included_size(const struct i62608_report *got)
{
	unsigned int n = report_identity_size(got), i;

	for (i = 0; i < got->n_ifaces; i++)
		n += report_if_size(&got->ifaces[i]);
	for (i = 0; i < got->n_services; i++)
		n += report_svc_size(&got->services[i]);
	return n;
}

/* The size of the first element left out, in the specification's order. */
static unsigned int first_left_out(const struct i62608_report *want, int facing,
				   const struct i62608_report *got)
{
	unsigned int i, n_if = got->n_ifaces;

	if (facing >= want->n_ifaces)
		facing = -1;
	if (facing >= 0 && !got->n_ifaces)
		return report_if_size(&want->ifaces[facing]);
	if (got->n_services < want->n_services)
		return report_svc_size(&want->services[got->n_services]);
	if (facing >= 0)
		n_if--;
	for (i = 0; i < want->n_ifaces; i++) {
		if ((int)i == facing)
			continue;
		if (!n_if)
			return report_if_size(&want->ifaces[i]);
		n_if--;
	}
	return 0;
}

static void run_report(struct fdp *d)
{
	struct i62608_report *want = malloc(sizeof(*want));
	struct i62608_report *got = malloc(sizeof(*got));
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = 1, .epoch = 1,
	};
	struct rng r = { .s = fdp_u64(d) };
	u16 cap = fdp_u16(d) % (I62608_MAX_MSG + 1);
	int facing = (int)(fdp_u8(d) % 8) - 2;
	u8 flags = fdp_u8(d), *buf = malloc(cap ? cap : 1);
	unsigned int id;
	bool strings_ok = true;
	struct i62608_frame m;
	struct i62608_w w;
	const char *err;
	int ret, len;

	if (!want || !got || !buf)
		abort();
	gen_report(&r, want, flags & 1);
	if (flags & 2) {
		/* Raw vendor bytes: maybe invalid, maybe cut by the encoder. */
		size_t n = fdp_bytes(d, (u8 *)want->vendor, I62608_STR_MAX);

		want->vendor[n] = 0;
		n = strlen(want->vendor);
		strings_ok = !n || ref_str_valid((u8 *)want->vendor, n);
	}
	id = report_identity_size(want);

	i62608_w_init(&w, buf, cap);
	i62608_w_hdr(&w, &h);
	ret = i62608_report_encode(&w, want, facing);
	if ((ret < 0) != (24u + id > cap))
		FAIL("returned %d with identity %u, capacity %u", ret, id, cap);
	if (ret < 0)
		goto out;
	if (ret)
		i62608_w_set_flags(&w, I62608_F_PARTIAL);
	len = i62608_w_finish(&w);
	if (len < 24 || len > cap)
		FAIL("finished at %d bytes, capacity %u", len, cap);
	if (i62608_wire_hdr(buf, len, &m))
		FAIL("header does not parse");
	if ((i62608_wire_validate(&m) == 0) != strings_ok)
		FAIL("validation %d, strings %s", i62608_wire_validate(&m),
		     strings_ok ? "valid" : "invalid");
	if (!strings_ok)
		goto out;
	if (i62608_report_decode(m.body, m.body_len, got))
		FAIL("does not decode");
	err = report_check_prefix(want, facing, ret, got);
	if (err)
		FAIL("facing %d, capacity %u: %s", facing, cap, err);
	if ((unsigned int)len != 24 + included_size(got))
		FAIL("%d bytes, the tables say %u", len, 24 + included_size(got));
	if (ret && len + first_left_out(want, facing, got) <= cap)
		FAIL("PARTIAL at %d bytes, but the next element fitted", len);
	err = wire_check(buf, len, NULL);
	if (err)
		FAIL("encoded frame: %s", err);
out:
	free(want);
	free(got);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp d = { data, size };

	if (fdp_u8(&d) & 1)
		run_report(&d);
	else
		run_ops(&d);
	return 0;
}
