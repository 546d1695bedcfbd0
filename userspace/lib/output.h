/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one output layer of every i62608 program: commands describe what
 * they print as a tree of objects, arrays and typed values; the writer
 * renders it as indented "key: value" text or as JSON. Typed values carry
 * their unit, so text says "age: 1m02.300s" while JSON says "age_ms": 62300.
 *
 * Streams (i62608ctl monitor) print one top-level object per record; in
 * JSON mode each record is one line (JSON Lines).
 *
 * Lists meant to be read one line per element (i62608ctl agent list) are
 * tables: aligned columns in text, ordinary arrays of objects in JSON.
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

/*
 * A table: an array of objects of scalars, closed with out_arr_close().
 * Text (outside streams) shows it as aligned columns: a header of the keys
 * in upper case, then one line per element. The columns are the keys of
 * the first element, in its order; a later element's key that is not a
 * column is not shown, a column it lacks shows "-". Containers inside an
 * element are not shown in text. JSON and text streams show an ordinary
 * array.
 */
void out_table_open(struct out *o, const char *key);

/*
 * Members for one format only: after out_only(o, OUT_TEXT) (or OUT_JSON)
 * scalars and whole containers are written in that format and left out of
 * the other (within an out_only() of the other format: of both), until
 * out_only_end() with the state out_only() returned. For what only helps
 * one format: a text column combining two JSON members, a JSON array that
 * text shows on one line.
 */
unsigned int out_only(struct out *o, enum out_format fmt);
void out_only_end(struct out *o, unsigned int prev);

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
/* ISO 8601 in UTC with milliseconds: 2023-11-14T22:13:20.123Z. */
void out_fmt_time_ms(char *buf, size_t len, uint64_t unix_ms);

#endif /* I62608_OUTPUT_H */
