/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one output layer of every i62608 program: commands describe what
 * they print as a tree of objects, arrays and typed values; the writer
 * renders it as indented "key: value" text or as JSON. Typed values carry
 * their unit, so text says "age: 1m02.300s" while JSON says "age_ms": 62300.
 *
 * Streams (i62608ctl monitor) print one top-level object per record; in
 * JSON mode each record is one line (JSON Lines).
 */
#ifndef I62608_OUTPUT_H
#define I62608_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum out_format {
	OUT_TEXT,
	OUT_JSON,
};

struct out;

/* @pretty: indent JSON (ignored for text and for streams). */
struct out *out_new(FILE *f, enum out_format fmt, bool pretty);
/* Closes what is still open, ends the document and frees @o. */
void out_free(struct out *o);
/* One output per record: each top-level value ends with a newline. */
void out_set_stream(struct out *o, bool stream);
enum out_format out_format(const struct out *o);

/*
 * Containers. @key names the member inside an object; inside an array it
 * is only a label shown in text output (JSON arrays have no keys); at the
 * top level it is ignored.
 */
void out_obj_open(struct out *o, const char *key);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);

/* Scalars. NULL @v for out_str prints null / "-". */
void out_str(struct out *o, const char *key, const char *v);
void out_u64(struct out *o, const char *key, uint64_t v);
void out_s64(struct out *o, const char *key, int64_t v);
void out_bool(struct out *o, const char *key, bool v);
void out_hex(struct out *o, const char *key, uint64_t v, int width);
void out_mac(struct out *o, const char *key, const uint8_t mac[6]);
/* A duration or age in milliseconds: JSON key gets an "_ms" suffix. */
void out_ms(struct out *o, const char *key, uint64_t ms);
/* An absolute CLOCK_REALTIME time in ms: JSON number + ISO 8601 in text. */
void out_time_ms(struct out *o, const char *key, uint64_t unix_ms);

/* Human renderings used by the text writer, exposed for tests. */
void out_fmt_ms(char *buf, size_t len, uint64_t ms);
void out_fmt_mac(char *buf, size_t len, const uint8_t mac[6]);

#endif /* I62608_OUTPUT_H */
