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
 *   KEY1  KEY2            a table: a header, then one aligned line per
 *   v1    v2              element
 * In stream mode text is one line per record: key=value pairs, nested keys
 * joined with dots, values with spaces double-quoted.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"

#define OUT_MAX_DEPTH 16
/* Columns of a text table; more are not shown. */
#define OUT_TABLE_MAX_COLS 16
#define ALL_FORMATS (1U << OUT_TEXT | 1U << OUT_JSON)

struct level {
	bool is_array;
	bool is_table;
	unsigned int members;
	char prefix[128];	/* dotted key path, stream text mode */
};

/*
 * A text table being collected: every cell is kept (escaped) until the
 * table closes, when the column widths are known. Cells live in @rows,
 * @n_cols pointers per row. Should memory run out, what was collected is
 * printed as it stands and the remaining rows are printed as they come,
 * unaligned: output is never lost.
 */
struct table {
	int level;		/* index in lv[] of the table's array */
	unsigned int indent;
	unsigned int n_cols;
	bool cols_fixed;	/* the first row is complete */
	char *keys[OUT_TABLE_MAX_COLS];
	size_t width[OUT_TABLE_MAX_COLS];
	char **rows;
	size_t n_rows, cap_rows;
	bool in_row;
	bool direct;		/* out of memory: print rows as they come */
	unsigned int direct_cells;
};

struct out {
	FILE *f;
	enum out_format fmt;
	bool pretty;
	bool stream;
	unsigned int formats;	/* bit (1 << fmt): described for fmt */
	unsigned int skip;	/* open containers left out of this format */
	int depth;		/* number of open containers */
	unsigned int top_count;	/* top-level values written */
	struct table *tab;	/* the text table being collected, if any */
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
	o->formats = ALL_FORMATS;
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

unsigned int out_only(struct out *o, enum out_format fmt)
{
	unsigned int prev = o->formats;

	o->formats &= 1U << fmt;
	return prev;
}

void out_only_end(struct out *o, unsigned int prev)
{
	o->formats = prev;
}

/* Is what is described now left out of this output? */
static bool skipped(const struct out *o)
{
	return o->skip || !(o->formats & (1U << o->fmt));
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

/*
 * Text: printable bytes as they are, others as \xNN: never a raw control.
 * Puts @c into @buf (not terminated); returns its length.
 */
static size_t text_char(unsigned char c, char buf[5])
{
	if (c < 0x20 || c == 0x7f)
		return (size_t)snprintf(buf, 5, "\\x%02x", c);
	buf[0] = (char)c;
	return 1;
}

static void text_string(FILE *f, const char *s)
{
	char b[5];

	for (; *s; s++)
		fwrite(b, 1, text_char((unsigned char)*s, b), f);
}

/* text_string() into a new string; NULL when out of memory. */
static char *text_escape(const char *s)
{
	char *e = malloc(strlen(s) * 4 + 1), *q = e;

	if (!e)
		return NULL;
	for (; *s; s++)
		q += text_char((unsigned char)*s, q);
	*q = 0;
	return e;
}

/* Columns a string takes on a terminal: UTF-8 continuation bytes take none. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
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

/* ---------------------------------------------------------- tables -- */

static void table_print_row(struct out *o, struct table *t, char **cells)
{
	unsigned int c;

	fprintf(o->f, "%*s", t->indent * 2, "");
	for (c = 0; c < t->n_cols; c++) {
		const char *v = cells && cells[c] ? cells[c] : "-";

		fputs(v, o->f);
		if (c + 1 < t->n_cols)
			fprintf(o->f, "%*s", (int)(t->width[c] - text_width(v) + 2),
				"");
	}
	fputc('\n', o->f);
}

static void table_print_header(struct out *o, struct table *t)
{
	char *up[OUT_TABLE_MAX_COLS];
	unsigned int c;
	char *p;

	for (c = 0; c < t->n_cols; c++) {
		up[c] = t->keys[c];
		for (p = up[c]; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	table_print_row(o, t, up);
}

/* Print what was collected; the rows that follow are printed directly. */
static void table_flush(struct out *o, struct table *t)
{
	size_t r, done = t->n_rows - (t->in_row ? 1 : 0);

	if (t->n_cols)
		table_print_header(o, t);
	for (r = 0; r < done; r++)
		table_print_row(o, t, t->rows + r * OUT_TABLE_MAX_COLS);
	t->direct_cells = 0;
	if (t->in_row) {
		/* The row being collected: its cells so far, in order. */
		char **cells = t->rows + done * OUT_TABLE_MAX_COLS;
		unsigned int c;

		fprintf(o->f, "%*s", t->indent * 2, "");
		for (c = 0; c < t->n_cols; c++) {
			if (!cells[c])
				continue;
			fprintf(o->f, "%s%s", t->direct_cells++ ? "  " : "",
				cells[c]);
		}
	}
	t->direct = true;
}

static void table_free_cells(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n_rows * OUT_TABLE_MAX_COLS; i++)
		free(t->rows[i]);
	free(t->rows);
	t->rows = NULL;
	t->n_rows = 0;
}

static void table_row_begin(struct out *o)
{
	struct table *t = o->tab;

	t->in_row = true;
	if (t->direct) {
		t->direct_cells = 0;
		fprintf(o->f, "%*s", t->indent * 2, "");
		return;
	}
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
		char **rows = realloc(t->rows,
				      cap * OUT_TABLE_MAX_COLS * sizeof(*rows));

		if (!rows) {
			t->in_row = false;
			table_flush(o, t);
			t->in_row = true;
			fprintf(o->f, "%*s", t->indent * 2, "");
			return;
		}
		t->rows = rows;
		t->cap_rows = cap;
	}
	memset(t->rows + t->n_rows * OUT_TABLE_MAX_COLS, 0,
	       OUT_TABLE_MAX_COLS * sizeof(*t->rows));
	t->n_rows++;
}

static void table_row_end(struct out *o)
{
	struct table *t = o->tab;

	t->in_row = false;
	if (t->direct)
		fputc('\n', o->f);
	t->cols_fixed = true;
}

static void table_cell(struct out *o, const char *key, const char *text)
{
	struct table *t = o->tab;
	char **row;
	unsigned int c;
	char *v;

	if (!key)
		key = "value";
	if (t->direct) {
		fputs(t->direct_cells++ ? "  " : "", o->f);
		text_string(o->f, text);
		return;
	}
	for (c = 0; c < t->n_cols; c++)
		if (!strcmp(t->keys[c], key))
			break;
	if (c == t->n_cols) {
		/* Only the first row makes columns. */
		if (t->cols_fixed || c == OUT_TABLE_MAX_COLS)
			return;
		t->keys[c] = strdup(key);
		if (!t->keys[c]) {
			table_flush(o, t);
			table_cell(o, key, text);
			return;
		}
		/* At least the width of "-", shown for a missing cell. */
		t->width[c] = text_width(key) ? text_width(key) : 1;
		t->n_cols++;
	}
	row = t->rows + (t->n_rows - 1) * OUT_TABLE_MAX_COLS;
	if (row[c])
		return;		/* the same key twice: the first one counts */
	v = text_escape(text);
	if (!v) {
		table_flush(o, t);
		table_cell(o, key, text);
		return;
	}
	row[c] = v;
	if (text_width(v) > t->width[c])
		t->width[c] = text_width(v);
}

static void table_close(struct out *o)
{
	struct table *t = o->tab;
	unsigned int c;

	if (!t->direct && t->n_rows)
		table_flush(o, t);
	table_free_cells(t);
	for (c = 0; c < t->n_cols; c++)
		free(t->keys[c]);
	free(t);
	o->tab = NULL;
}

/* Inside a text table: the current container is a row (or the table). */
static bool in_table(const struct out *o)
{
	return o->tab && o->depth > 0 &&
	       (o->depth - 1 == o->tab->level ||
		o->depth - 2 == o->tab->level);
}

/* ---------------------------------------------------------- scalars -- */

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

/*
 * Stream text: a value that is empty or holds a space, '"', '\\' or '='
 * is quoted, so that key=value pairs split unambiguously.
 */
static void text_stream_value(FILE *f, const char *s)
{
	if (*s && !strpbrk(s, " \"\\=")) {
		text_string(f, s);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		char b[5];

		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fwrite(b, 1, text_char((unsigned char)*s, b), f);
	}
	fputc('"', f);
}

static void text_scalar(struct out *o, const char *key, const char *text)
{
	if (in_table(o)) {
		/* A scalar right in the table is a row of its own. */
		bool own_row = o->depth - 1 == o->tab->level;

		if (own_row)
			table_row_begin(o);
		table_cell(o, key, text);
		if (own_row)
			table_row_end(o);
		return;
	}
	text_key(o, key);
	if (o->stream)
		text_stream_value(o->f, text);
	else
		text_string(o->f, text);
	if (!o->stream)
		fputc('\n', o->f);
}

/* ------------------------------------------------------- containers -- */

static void open_container(struct out *o, const char *key, bool is_array,
			   bool is_table)
{
	struct level *l;

	if (skipped(o) || (o->fmt == OUT_TEXT && o->tab &&
			   o->depth - 2 >= o->tab->level)) {
		/* Containers inside a table row are not shown in text. */
		o->skip++;
		return;
	}
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
	} else if (o->tab) {
		/* A row of the table. */
		table_row_begin(o);
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
	l->is_table = false;
	if (!(o->fmt == OUT_TEXT && o->stream))
		l->members = 0;

	if (is_table && o->fmt == OUT_TEXT && !o->stream) {
		struct table *t = calloc(1, sizeof(*t));

		/* Without memory the table is printed as it comes. */
		if (t) {
			t->level = o->depth - 1;
			t->indent = o->depth - 1;
			o->tab = t;
			l->is_table = true;
		}
	}
}

static void close_container(struct out *o, bool is_array)
{
	struct level *l;

	if (o->skip) {
		o->skip--;
		return;
	}
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
	if (l->is_table) {
		table_close(o);
		return;
	}
	if (o->tab && o->depth - 1 == o->tab->level) {
		table_row_end(o);
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
	open_container(o, key, false, false);
}

void out_obj_close(struct out *o)
{
	close_container(o, false);
}

void out_arr_open(struct out *o, const char *key)
{
	open_container(o, key, true, false);
}

void out_table_open(struct out *o, const char *key)
{
	open_container(o, key, true, true);
}

void out_arr_close(struct out *o)
{
	close_container(o, true);
}

void out_str(struct out *o, const char *key, const char *v)
{
	if (skipped(o))
		return;
	if (o->fmt == OUT_JSON) {
		json_member(o, key);
		if (v)
			json_string(o->f, v);
		else
			fputs("null", o->f);
		return;
	}
	text_scalar(o, key, v ? v : "-");
}

static void out_raw(struct out *o, const char *key, const char *json,
		    const char *text)
{
	if (skipped(o))
		return;
	if (o->fmt == OUT_JSON) {
		json_member(o, key);
		fputs(json, o->f);
		return;
	}
	text_scalar(o, key, text);
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

void out_fmt_time_ms(char *buf, size_t len, uint64_t unix_ms)
{
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;
	size_t n = 0;

	if (gmtime_r(&t, &tm))
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n)
		snprintf(buf + n, len - n, ".%03" PRIu64 "Z", unix_ms % 1000);
	else
		snprintf(buf, len, "@%" PRIu64, unix_ms);
}

void out_time_ms(struct out *o, const char *key, uint64_t unix_ms)
{
	char text[64], json[32];

	out_fmt_time_ms(text, sizeof(text), unix_ms);
	snprintf(json, sizeof(json), "%" PRIu64, unix_ms);
	out_raw(o, key, json, text);
}

void out_free(struct out *o)
{
	if (!o)
		return;
	while (o->skip)
		close_container(o, false);
	while (o->depth > 0)
		close_container(o, o->lv[o->depth - 1].is_array);
	if (o->fmt == OUT_JSON && o->top_count && !o->stream)
		fputc('\n', o->f);
	fflush(o->f);
	free(o);
}
