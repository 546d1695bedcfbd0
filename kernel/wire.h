/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The i62608 wire format: one parser and one encoder, compiled into the
 * kernel module and into every userspace program (agent, tools, tests,
 * fuzzers). docs/protocol.md is the specification.
 *
 * The parser never trusts a field: every length is checked against what is
 * left before anything is read, TLVs are walked with explicit bounds, and a
 * message is only handed to its consumer after its whole body validated
 * against the rules of its type.
 */
#ifndef _I62608_WIRE_H
#define _I62608_WIRE_H

#include "wire_types.h"

/* A parsed header; pointers refer into the caller's buffer. */
struct i62608_frame {
	u8 version;
	u8 type;
	u16 flags;
	u16 length;
	u16 key_id;
	u32 msg_id;
	u32 epoch;
	u64 counter;
	const u8 *hdr;		/* first byte of the header */
	const u8 *body;		/* TLVs (ciphertext when protected) */
	u16 body_len;
	const u8 *tag;		/* I62608_TAG_LEN bytes, or NULL */
};

/*
 * Parse and check the header of a message of @len bytes (the Ethernet
 * payload, possibly padded). Returns 0 or the enum i62608_drop reason.
 */
int i62608_wire_hdr(const u8 *buf, size_t len, struct i62608_frame *m);

/*
 * Check the TLVs of @m (plaintext) against the rules of its type: lengths,
 * counts, required elements, value ranges, strings. Returns 0,
 * I62608_DROP_TYPE for a type without rules, or I62608_DROP_MALFORMED.
 */
int i62608_wire_validate(const struct i62608_frame *m);

/* Iterating TLVs of a validated body or nest. */
struct i62608_elem {
	u16 type;
	u16 len;
	const u8 *val;
};

struct i62608_tlv_iter {
	const u8 *pos;
	const u8 *end;
};

void i62608_tlv_iter_init(struct i62608_tlv_iter *it, const u8 *p, size_t len);
/* 1: @t is the next TLV; 0: end; -1: malformed (never after validation). */
int i62608_tlv_next(struct i62608_tlv_iter *it, struct i62608_elem *t);
/* The first TLV of @type in @p, or false. */
bool i62608_tlv_find(const u8 *p, size_t len, u16 type, struct i62608_elem *t);

/* What the kernel keeps of a REPORT for listing (the raw TLVs go along). */
struct i62608_summary {
	u8 device_type;
	u8 has_addr4;
	u8 plen4;
	u8 addr4[4];
	u16 ttl;
	u32 caps;
	char vendor[I62608_STR_MAX + 1];
	char model[I62608_STR_MAX + 1];
	char name[I62608_STR_MAX + 1];
	char serial[I62608_STR_MAX + 1];
	char firmware[I62608_STR_MAX + 1];
};

/* Fill @s from a validated REPORT body. */
void i62608_report_summary(const u8 *body, size_t len, struct i62608_summary *s);

/* Copy a string value (validated: no NUL) into a NUL-terminated buffer. */
void i62608_tlv_str(const struct i62608_elem *t, char *dst, size_t size);

/* ------------------------------------------------------------------ */
/* Encoder                                                             */
/* ------------------------------------------------------------------ */

#define I62608_W_MAX_NEST 2

/*
 * A message under construction in a caller-owned buffer. Any write that
 * does not fit sets @overflow and is dropped; i62608_w_finish() then fails.
 * i62608_w_mark()/i62608_w_rollback() let a sender try an optional element
 * and take it back if it does not fit (then it sets I62608_F_PARTIAL); a
 * mark taken after a write was already dropped rolls back nothing.
 */
struct i62608_w {
	u8 *buf;
	u16 cap;
	u16 len;
	bool overflow;
	u8 depth;
	u16 nest[I62608_W_MAX_NEST];
};

struct i62608_w_hdr {
	u8 type;
	u16 flags;
	u16 key_id;
	u32 msg_id;
	u32 epoch;
	u64 counter;
};

void i62608_w_init(struct i62608_w *w, u8 *buf, u16 cap);
void i62608_w_hdr(struct i62608_w *w, const struct i62608_w_hdr *h);
void i62608_w_tlv(struct i62608_w *w, u16 type, const void *val, u16 len);
void i62608_w_u8(struct i62608_w *w, u16 type, u8 v);
void i62608_w_u16(struct i62608_w *w, u16 type, u16 v);
void i62608_w_u32(struct i62608_w *w, u16 type, u32 v);
/* A string TLV, cut at I62608_STR_MAX bytes on a UTF-8 boundary. */
void i62608_w_str(struct i62608_w *w, u16 type, const char *s);
void i62608_w_nest_begin(struct i62608_w *w, u16 type);
void i62608_w_nest_end(struct i62608_w *w);
u16 i62608_w_mark(const struct i62608_w *w);
void i62608_w_rollback(struct i62608_w *w, u16 mark);
void i62608_w_set_flags(struct i62608_w *w, u16 flags);
/* Write the length field; returns the message length or -1 on overflow. */
int i62608_w_finish(struct i62608_w *w);

/* UTF-8 without control characters: what string TLVs may hold. */
bool i62608_str_valid(const u8 *s, size_t len);

#endif /* _I62608_WIRE_H */
