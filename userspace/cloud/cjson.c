// SPDX-License-Identifier: GPL-2.0
/*
 * Strict JSON of the cloud link: parsing and schema checks (cjson.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cjson.h"

/*
 * RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past
 * U+10FFFF (json-c's own check lets overlong forms through). Returns the
 * offset of the first bad byte, or @len.
 */
static size_t utf8_end(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

/* json-c takes NaN and Infinity even when strict: refuse them anywhere. */
static bool all_finite(json_object *o)
{
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_double:
		return isfinite(json_object_get_double(o));
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (!all_finite(json_object_array_get_idx(o, i)))
				return false;
		return true;
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			(void)key;
			if (!all_finite(val))
				return false;
		}
		return true;
	}
	default:
		return true;
	}
}

/*
 * Duplicate keys. json-c keeps the last of a key given twice and drops
 * the first without a word, so that two readers of one body could see
 * different values: refused instead. The check reads the raw text (which
 * json-c has already accepted, so the scan need not judge syntax), keys
 * decoded as json-c decodes them (a lone surrogate is U+FFFD, a key ends
 * at a NUL), the keys of each object sorted when it closes.
 */
struct cj_key {
	const char *s;		/* decoded, in the scan's buffer */
	size_t len;
	size_t at;		/* byte offset of its opening quote */
};

static int key_cmp(const void *a, const void *b)
{
	const struct cj_key *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static unsigned int hex4(const char *s)
{
	unsigned int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v = v << 4 | (unsigned int)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decode the string whose opening quote is at @s[*i] into @out; leave *i
 * after its closing quote. Returns the decoded length.
 */
static size_t key_decode(const char *s, size_t len, size_t *i, char *out)
{
	size_t p = *i + 1, o = 0;
	bool ended = false;	/* json-c's key stops at a NUL */

	while (p < len && s[p] != '"') {
		uint32_t cp;

		if (s[p] != '\\') {
			if (!ended)
				out[o++] = s[p];
			p++;
			continue;
		}
		if (p + 1 >= len)
			break;
		switch (s[p + 1]) {
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (p + 6 > len) {
				p = len;
				continue;
			}
			cp = hex4(s + p + 2);
			if (cp >= 0xd800 && cp <= 0xdbff && p + 12 <= len &&
			    s[p + 6] == '\\' && s[p + 7] == 'u' &&
			    hex4(s + p + 8) >= 0xdc00 && hex4(s + p + 8) <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (hex4(s + p + 8) - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			p += 6;
			if (!cp)
				ended = true;
			if (!ended)
				o += put_utf8(out + o, cp);
			continue;
		default:	/* " \ / */
			cp = (unsigned char)s[p + 1];
			break;
		}
		if (!ended)
			out[o++] = (char)cp;
		p += 2;
	}
	*i = p + 1;
	return o;
}

/* Sort the keys of the object that ends; note the first repeated one. */
static int object_end(struct cj_key *o, size_t m, size_t *at, char **found)
{
	size_t k;

	qsort(o, m, sizeof(*o), key_cmp);
	for (k = 1; k < m; k++) {
		if (o[k].len != o[k - 1].len || memcmp(o[k].s, o[k - 1].s, o[k].len) ||
		    (*found && o[k].at >= *at))
			continue;
		free(*found);
		*found = strndup(o[k].s, o[k].len);
		if (!*found)
			return -1;
		*at = o[k].at;
	}
	return 0;
}

/*
 * The first key given twice in one object of the valid JSON @text: 1
 * with its offset in @at and its name quoted in @key, 0 when there is
 * none, -1 out of memory.
 */
static int dup_key(const char *text, size_t len, size_t *at, char *key,
		   size_t keylen)
{
	struct {
		bool obj, want_key;
		size_t first, used;	/* its first key; the buffer before it */
	} st[CJ_MAX_DEPTH + 1];
	struct cj_key *keys = NULL;
	size_t n = 0, cap = 0, used = 0, i = 0;
	char *buf = malloc(len + 1), *found = NULL;
	int depth = -1, ret = -1;

	if (!buf)
		return -1;
	while (i < len) {
		char c = text[i];

		if (c == '{' || c == '[') {
			if (depth == CJ_MAX_DEPTH)
				break;	/* json-c refused it already */
			depth++;
			st[depth].obj = c == '{';
			st[depth].want_key = c == '{';
			st[depth].first = n;
			st[depth].used = used;
			i++;
		} else if (c == '}' || c == ']') {
			if (depth < 0)
				break;
			if (st[depth].obj && n - st[depth].first > 1 &&
			    object_end(keys + st[depth].first, n - st[depth].first,
				       at, &found))
				goto out;
			n = st[depth].first;
			used = st[depth].used;
			depth--;
			i++;
		} else if (c == ',') {
			if (depth >= 0 && st[depth].obj)
				st[depth].want_key = true;
			i++;
		} else if (c == '"' && depth >= 0 && st[depth].obj &&
			   st[depth].want_key) {
			if (n == cap) {
				void *v = realloc(keys, (cap ? cap * 2 : 32) * sizeof(*keys));

				if (!v)
					goto out;
				keys = v;
				cap = cap ? cap * 2 : 32;
			}
			keys[n].s = buf + used;
			keys[n].at = i;
			keys[n].len = key_decode(text, len, &i, buf + used);
			used += keys[n++].len;
			st[depth].want_key = false;
		} else if (c == '"') {
			/* A value: skipped, escapes and all. */
			for (i++; i < len && text[i] != '"'; i++)
				if (text[i] == '\\')
					i++;
			i++;
		} else {
			i++;
		}
	}
	ret = found != NULL;
	if (found)
		cj_quote(key, keylen, found);
out:
	free(found);
	free(keys);
	free(buf);
	return ret;
}

json_object *cj_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	json_object *o;
	const char *nul;
	char key[200];
	size_t end;
	int dup;

	if (!len) {
		snprintf(err, errlen, "the body is empty: a JSON object is expected");
		return NULL;
	}
	if (len > INT32_MAX) {
		snprintf(err, errlen, "the body is too large");
		return NULL;
	}
	/* json-c stops at a NUL byte: refuse it instead of reading past. */
	nul = memchr(text, '\0', len);
	if (nul) {
		snprintf(err, errlen, "malformed JSON at byte %zu: a NUL byte",
			 (size_t)(nul - text));
		return NULL;
	}
	end = utf8_end((const unsigned char *)text, len);
	if (end < len) {
		snprintf(err, errlen, "malformed JSON at byte %zu: invalid UTF-8", end);
		return NULL;
	}
	tok = json_tokener_new_ex(CJ_MAX_DEPTH);
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o) {
		if (jerr == json_tokener_success || jerr == json_tokener_continue)
			snprintf(err, errlen, "malformed JSON: the body ends inside a value");
		else
			snprintf(err, errlen, "malformed JSON at byte %zu: %s",
				 end, json_tokener_error_desc(jerr));
		return NULL;
	}
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end < len) {
		snprintf(err, errlen, "malformed JSON at byte %zu: text after the object",
			 end);
		json_object_put(o);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "the body is not a JSON object");
		json_object_put(o);
		return NULL;
	}
	if (!all_finite(o)) {
		snprintf(err, errlen, "malformed JSON: NaN or Infinity is not a JSON number");
		json_object_put(o);
		return NULL;
	}
	dup = dup_key(text, len, &end, key, sizeof(key));
	if (dup) {
		if (dup < 0)
			snprintf(err, errlen, "out of memory");
		else
			snprintf(err, errlen, "malformed JSON at byte %zu: the key '%s' is given twice in one object",
				 end, key);
		json_object_put(o);
		return NULL;
	}
	return o;
}

void cj_quote(char *buf, size_t len, const char *s)
{
	cj_quote_n(buf, len, s, 40);
}

void cj_quote_n(char *buf, size_t len, const char *s, size_t max)
{
	size_t o = 0, i;

	if (!len)
		return;
	for (i = 0; s[i] && i < max && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	if (s[i] && o + 4 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

static const char *type_phrase(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "true or false";
	case json_type_double:
		return "a decimal number";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

static const char *const want_phrase[] = {
	[CJ_STR] = "a string",
	[CJ_INT] = "an integer",
	[CJ_NUM] = "a number",
	[CJ_BOOL] = "true or false",
	[CJ_OBJ] = "an object",
	[CJ_ARR] = "an array",
};

static int type_ok(json_object *v, enum cj_type t)
{
	switch (t) {
	case CJ_STR:
		return json_object_is_type(v, json_type_string);
	case CJ_INT:
		return json_object_is_type(v, json_type_int);
	case CJ_NUM:
		return json_object_is_type(v, json_type_int) ||
		       json_object_is_type(v, json_type_double);
	case CJ_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case CJ_OBJ:
		return json_object_is_type(v, json_type_object);
	case CJ_ARR:
		return json_object_is_type(v, json_type_array);
	}
	return 0;
}

/* The error "path: message". */
static int verr(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int verr(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*path)
		snprintf(err, errlen, "%s: %s", path, msg);
	else
		snprintf(err, errlen, "%s", msg);
	return -1;
}

static int check_string(json_object *v, const struct cj_field *f,
			const char *path, char *err, size_t errlen)
{
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v), i;
	char q[200];

	if (strlen(s) != n)
		return verr(err, errlen, path, "a NUL character in the string");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 || c == 0x7f) &&
		    !((f->flags & CJ_TEXT) && (c == '\t' || c == '\n')))
			return verr(err, errlen, path,
				    "control character 0x%02x at byte %zu", c, i);
	}
	if ((int64_t)n < f->min || (int64_t)n > f->max) {
		if (!n)
			return verr(err, errlen, path,
				    "empty (%" PRId64 " to %" PRId64 " bytes)",
				    f->min, f->max);
		return verr(err, errlen, path,
			    "%zu bytes, not %" PRId64 " to %" PRId64, n,
			    f->min, f->max);
	}
	if (f->choices) {
		const char *const *c;
		char list[160] = "";
		size_t o = 0;

		for (c = f->choices; *c; c++)
			if (!strcmp(*c, s))
				break;
		if (!*c) {
			for (c = f->choices; *c && o < sizeof(list); c++)
				o += (size_t)snprintf(list + o, sizeof(list) - o,
						      "%s%s", c == f->choices ? "" : ", ", *c);
			cj_quote(q, sizeof(q), s);
			return verr(err, errlen, path, "'%s' is not one of %s",
				    q, list);
		}
	}
	return 0;
}

static int validate(json_object *o, const struct cj_schema *s, char *path,
		    size_t pathlen, char *err, size_t errlen);

static int check_field(json_object *v, const struct cj_field *f, char *path,
		       size_t pathlen, char *err, size_t errlen)
{
	char why[200];
	size_t plen = strlen(path);

	if (!type_ok(v, f->type))
		return verr(err, errlen, path, "%s is expected, not %s",
			    want_phrase[f->type], type_phrase(v));
	switch (f->type) {
	case CJ_STR:
		if (check_string(v, f, path, err, errlen))
			return -1;
		break;
	case CJ_INT: {
		int64_t x = json_object_get_int64(v);

		/* json-c clamps what int64 cannot hold to its limits. */
		if (x < f->min || x > f->max)
			return verr(err, errlen, path,
				    "%s is out of range (%" PRId64 " to %" PRId64 ")",
				    json_object_get_string(v), f->min, f->max);
		break;
	}
	case CJ_NUM: {
		double x = json_object_get_double(v);

		if (!isfinite(x) || x < (double)f->min || x > (double)f->max)
			return verr(err, errlen, path,
				    "%s is out of range (%" PRId64 " to %" PRId64 ")",
				    json_object_get_string(v), f->min, f->max);
		break;
	}
	case CJ_BOOL:
		break;
	case CJ_OBJ:
		if (f->sub && validate(v, f->sub, path, pathlen, err, errlen))
			return -1;
		break;
	case CJ_ARR: {
		size_t n = json_object_array_length(v), i;

		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return verr(err, errlen, path,
				    "%zu elements, not %" PRId64 " to %" PRId64,
				    n, f->min, f->max);
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(v, i);

			snprintf(path + plen, pathlen - plen, "[%zu]", i);
			if (!json_object_is_type(e, json_type_object)) {
				verr(err, errlen, path,
				     "an object is expected, not %s",
				     type_phrase(e));
				path[plen] = '\0';
				return -1;
			}
			if (validate(e, f->sub, path, pathlen, err, errlen))
				return -1;
			path[plen] = '\0';
		}
		break;
	}
	}
	if (f->check && f->check(v, why, sizeof(why)))
		return verr(err, errlen, path, "%s", why);
	return 0;
}

static int validate(json_object *o, const struct cj_schema *s, char *path,
		    size_t pathlen, char *err, size_t errlen)
{
	size_t plen = strlen(path);
	unsigned int i;
	char why[200];

	json_object_object_foreach(o, key, val) {
		(void)val;
		for (i = 0; i < s->n_fields; i++)
			if (!strcmp(key, s->fields[i].key))
				break;
		if (i == s->n_fields && !s->open) {
			char q[200];

			cj_quote(q, sizeof(q), key);
			return verr(err, errlen, path, "unknown member '%s'", q);
		}
	}
	for (i = 0; i < s->n_fields; i++) {
		const struct cj_field *f = &s->fields[i];
		json_object *v;

		if (!json_object_object_get_ex(o, f->key, &v)) {
			if (f->flags & CJ_REQUIRED)
				return verr(err, errlen, path,
					    "missing member '%s'", f->key);
			continue;
		}
		snprintf(path + plen, pathlen - plen, "%s%s", plen ? "." : "",
			 f->key);
		if (check_field(v, f, path, pathlen, err, errlen))
			return -1;
		path[plen] = '\0';
	}
	if (s->check && s->check(o, why, sizeof(why)))
		return verr(err, errlen, path, "%s", why);
	return 0;
}

int cj_validate(json_object *o, const struct cj_schema *s, char *err,
		size_t errlen)
{
	char path[160] = "";

	if (!json_object_is_type(o, json_type_object))
		return verr(err, errlen, "", "an object is expected, not %s",
			    type_phrase(o));
	return validate(o, s, path, sizeof(path), err, errlen);
}

json_object *cj_get(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *cj_str(json_object *o, const char *key)
{
	json_object *v = cj_get(o, key);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

int64_t cj_int(json_object *o, const char *key, int64_t dflt)
{
	json_object *v = cj_get(o, key);

	return v && json_object_is_type(v, json_type_int) ?
	       json_object_get_int64(v) : dflt;
}

bool cj_bool(json_object *o, const char *key, bool dflt)
{
	json_object *v = cj_get(o, key);

	return v && json_object_is_type(v, json_type_boolean) ?
	       json_object_get_boolean(v) : dflt;
}

const char *cj_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

bool cj_mac_canon(char out[CJ_MAC_LEN], const char *s)
{
	int i;

	if (strlen(s) != CJ_MAC_LEN - 1)
		return false;
	for (i = 0; i < CJ_MAC_LEN - 1; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return false;
			out[i] = ':';
		} else {
			if (!isxdigit((unsigned char)s[i]))
				return false;
			out[i] = (char)tolower((unsigned char)s[i]);
		}
	}
	out[CJ_MAC_LEN - 1] = '\0';
	return true;
}

bool cj_mac_ok(const char *s)
{
	char m[CJ_MAC_LEN];

	return cj_mac_canon(m, s);
}

bool cj_name_ok(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (!n || n > max || !isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

int cj_check_mac(json_object *v, char *why, size_t len)
{
	char q[200];

	if (cj_mac_ok(json_object_get_string(v)))
		return 0;
	cj_quote(q, sizeof(q), json_object_get_string(v));
	snprintf(why, len, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", q);
	return -1;
}
