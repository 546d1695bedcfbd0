// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON writer (see output.h).
 *
 * Text layout:
 *   key: value            scalars, indented two spaces per level
 *   key:                  a nested object or array, members below it
 *   - value               a scalar array element
 *   label:                an object in an array, separated by blank lines
 *                         at the top level
 * In stream mode text is one line per record: key=value pairs, nested keys
 * joined with dots.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"

#define OUT_MAX_DEPTH 16

struct level {
	bool is_array;
	unsigned int members;
	char prefix[128];	/* dotted key path, stream text mode */
};

struct out {
	FILE *f;
	enum out_format fmt;
	bool pretty;
	bool stream;
	int depth;		/* number of open containers */
	unsigned int top_count;	/* top-level values written */
	struct level lv[OUT_MAX_DEPTH];
};

struct out *out_new(FILE *f, enum out_format fmt, bool pretty)
{
	struct out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->f = f;
	o->fmt = fmt;
	o->pretty = pretty;
	return o;
}

void out_set_stream(struct out *o, bool stream)
{
	o->stream = stream;
}

enum out_format out_format(const struct out *o)
{
	return o->fmt;
}

static void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Text: printable bytes as they are, others as \xNN: never a raw control. */
static void text_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

static void json_indent(struct out *o)
{
	if (o->pretty && !o->stream)
		fprintf(o->f, "\n%*s", o->depth * 2, "");
}

/* JSON: separator and key before a new member of the current container. */
static void json_member(struct out *o, const char *key)
{
	struct level *l;

	if (o->depth == 0) {
		if (o->top_count++ && !o->stream)
			fputc('\n', o->f);
		return;
	}
	l = &o->lv[o->depth - 1];
	if (l->members++)
		fputc(',', o->f);
	json_indent(o);
	if (!l->is_array) {
		json_string(o->f, key ? key : "");
		fputs(o->pretty && !o->stream ? ": " : ":", o->f);
	}
}

static bool text_in_array(const struct out *o)
{
	return o->depth > 0 && o->lv[o->depth - 1].is_array;
}

/* Text: start a scalar line (or a stream pair) for @key. */
static void text_key(struct out *o, const char *key)
{
	if (o->stream) {
		struct level *l = o->depth ? &o->lv[o->depth - 1] : NULL;

		if (l && l->members++)
			fputc(' ', o->f);
		if (l && l->prefix[0])
			fprintf(o->f, "%s.", l->prefix);
		text_string(o->f, key ? key : "-");
		fputc('=', o->f);
		return;
	}
	fprintf(o->f, "%*s", (o->depth > 0 ? o->depth - 1 : 0) * 2, "");
	if (text_in_array(o))
		fputs("- ", o->f);
	else if (key)
		fprintf(o->f, "%s: ", key);
}

static void text_end_scalar(struct out *o)
{
	if (!o->stream)
		fputc('\n', o->f);
}

static void open_container(struct out *o, const char *key, bool is_array)
{
	struct level *l;

	if (o->depth >= OUT_MAX_DEPTH)
		abort();	/* a programming error, not an input error */

	if (o->fmt == OUT_JSON) {
		json_member(o, key);
		fputc(is_array ? '[' : '{', o->f);
	} else if (o->stream) {
		struct level *up = o->depth ? &o->lv[o->depth - 1] : NULL;

		char prefix[sizeof(l->prefix)] = "";

		if (up && key)
			snprintf(prefix, sizeof(prefix), "%s%s%s", up->prefix,
				 up->prefix[0] ? "." : "", key);
		else if (up)
			snprintf(prefix, sizeof(prefix), "%s", up->prefix);
		l = &o->lv[o->depth];
		memcpy(l->prefix, prefix, sizeof(prefix));
		/* Members of a nested container continue the same line. */
		l->members = up ? up->members : 0;
	} else if (o->depth > 0) {
		/* Blank line between top-level list elements. */
		if (text_in_array(o) && o->depth == 1 &&
		    o->lv[0].members++)
			fputc('\n', o->f);
		fprintf(o->f, "%*s", (o->depth - 1) * 2, "");
		if (key) {
			text_string(o->f, key);
			fputs(":\n", o->f);
		} else {
			fputs("-\n", o->f);
		}
	}

	l = &o->lv[o->depth++];
	l->is_array = is_array;
	if (!(o->fmt == OUT_TEXT && o->stream))
		l->members = 0;
}

static void close_container(struct out *o, bool is_array)
{
	struct level *l;

	if (o->depth == 0 || o->lv[o->depth - 1].is_array != is_array)
		abort();
	l = &o->lv[--o->depth];

	if (o->fmt == OUT_JSON) {
		if (l->members)
			json_indent(o);
		fputc(is_array ? ']' : '}', o->f);
		if (o->depth == 0 && o->stream) {
			fputc('\n', o->f);
			fflush(o->f);
		}
		return;
	}
	if (o->stream) {
		if (o->depth > 0)
			o->lv[o->depth - 1].members = l->members;
		else {
			fputc('\n', o->f);
			fflush(o->f);
		}
	}
}

void out_obj_open(struct out *o, const char *key)
{
	open_container(o, key, false);
}

void out_obj_close(struct out *o)
{
	close_container(o, false);
}

void out_arr_open(struct out *o, const char *key)
{
	open_container(o, key, true);
}

void out_arr_close(struct out *o)
{
	close_container(o, true);
}

void out_str(struct out *o, const char *key, const char *v)
{
	if (o->fmt == OUT_JSON) {
		json_member(o, key);
		if (v)
			json_string(o->f, v);
		else
			fputs("null", o->f);
		return;
	}
	text_key(o, key);
	text_string(o->f, v ? v : "-");
	text_end_scalar(o);
}

static void out_raw(struct out *o, const char *key, const char *json,
		    const char *text)
{
	if (o->fmt == OUT_JSON) {
		json_member(o, key);
		fputs(json, o->f);
		return;
	}
	text_key(o, key);
	text_string(o->f, text);
	text_end_scalar(o);
}

void out_u64(struct out *o, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	out_raw(o, key, buf, buf);
}

void out_s64(struct out *o, const char *key, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	out_raw(o, key, buf, buf);
}

void out_bool(struct out *o, const char *key, bool v)
{
	out_raw(o, key, v ? "true" : "false", v ? "yes" : "no");
}

void out_hex(struct out *o, const char *key, uint64_t v, int width)
{
	char text[32], json[40];

	snprintf(text, sizeof(text), "0x%0*" PRIx64, width, v);
	snprintf(json, sizeof(json), "\"%s\"", text);
	out_raw(o, key, json, text);
}

void out_fmt_mac(char *buf, size_t len, const uint8_t mac[6])
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void out_mac(struct out *o, const char *key, const uint8_t mac[6])
{
	char text[18], json[24];

	out_fmt_mac(text, sizeof(text), mac);
	snprintf(json, sizeof(json), "\"%s\"", text);
	out_raw(o, key, json, text);
}

void out_fmt_ms(char *buf, size_t len, uint64_t ms)
{
	uint64_t s = ms / 1000, m = s / 60, h = m / 60, d = h / 24;

	if (d)
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h%02" PRIu64 "m",
			 d, h % 24, m % 60);
	else if (h)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s",
			 h, m % 60, s % 60);
	else if (m)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 ".%03" PRIu64 "s",
			 m, s % 60, ms % 1000);
	else
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 "s", s, ms % 1000);
}

void out_ms(struct out *o, const char *key, uint64_t ms)
{
	char text[48], json[32], jkey[96];

	out_fmt_ms(text, sizeof(text), ms);
	snprintf(json, sizeof(json), "%" PRIu64, ms);
	if (o->fmt == OUT_JSON) {
		snprintf(jkey, sizeof(jkey), "%s_ms", key ? key : "");
		out_raw(o, jkey, json, text);
	} else {
		out_raw(o, key, json, text);
	}
}

void out_time_ms(struct out *o, const char *key, uint64_t unix_ms)
{
	char text[64], json[32];
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(text, sizeof(text), "@%" PRIu64, unix_ms);
	else
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 ".%03" PRIu64 "Z", unix_ms % 1000);
	snprintf(json, sizeof(json), "%" PRIu64, unix_ms);
	out_raw(o, key, json, text);
}

void out_free(struct out *o)
{
	if (!o)
		return;
	while (o->depth > 0)
		close_container(o, o->lv[o->depth - 1].is_array);
	if (o->fmt == OUT_JSON && o->top_count && !o->stream)
		fputc('\n', o->f);
	fflush(o->f);
	free(o);
}
