/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict JSON of the cloud link (docs/cloud-api.md): the one parser and
 * validator of its bodies. i62608-cloudd checks every request with it, the
 * cloud client every response and every message the daemon enqueues (so
 * that the outbox never holds a message the server is bound to refuse).
 *
 * A body is one JSON object, at most CJ_MAX_DEPTH deep, valid UTF-8,
 * nothing after it, no object in it with a key given twice (json-c would
 * keep the last silently; keys compare as decoded: "a" and "\u0061" are
 * one key). A schema lists an object's members: type, whether
 * required, range (numbers) or length in bytes (strings) or count
 * (arrays), allowed values, an extra check. Strings never hold NUL or
 * control characters (free text may hold tab and newline). Errors name
 * the member by its path ("devices[2].mac: ...") and quote at most a few
 * bytes of the offending value, escaped.
 */
#ifndef I62608_CLOUD_CJSON_H
#define I62608_CLOUD_CJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Nesting of a body, the root object being 1. */
#define CJ_MAX_DEPTH	16

/* The length of a canonical MAC address, "02:00:5e:10:00:01", and its NUL. */
#define CJ_MAC_LEN	18

enum cj_type {
	CJ_STR,		/* min/max: length in bytes */
	CJ_INT,		/* an integer (not 1.0), min/max: its range */
	CJ_NUM,		/* an integer or a finite decimal, min/max: its range */
	CJ_BOOL,
	CJ_OBJ,		/* sub: its members; or no sub: any object, to @check */
	CJ_ARR,		/* of objects of schema sub; min/max: the count */
};

/* Flags of a field. */
#define CJ_REQUIRED	0x1	/* must be present */
#define CJ_TEXT		0x2	/* CJ_STR: free text, tab and newline allowed */

/* An extra check of a value: 0, or -1 with a phrase in @why. */
typedef int (*cj_check_fn)(json_object *v, char *why, size_t len);

struct cj_schema;

struct cj_field {
	const char *key;
	enum cj_type type;
	unsigned int flags;
	int64_t min, max;
	const char *const *choices;	/* CJ_STR: allowed values, NULL-ended */
	cj_check_fn check;
	const struct cj_schema *sub;
};

struct cj_schema {
	const struct cj_field *fields;
	unsigned int n_fields;
	/* Members not in @fields are allowed (what a client reads). */
	bool open;
	/* Checked after the members: rules across members. */
	cj_check_fn check;
};

/*
 * Parse @len bytes of @text as one JSON object. Returns it (the caller
 * puts it) or NULL with a sentence in @err ("malformed JSON at byte N:
 * the key 'K' is given twice in one object", ...).
 */
json_object *cj_parse(const char *text, size_t len, char *err, size_t errlen);

/*
 * Check @o against @s. Returns 0, or -1 with "path: what is wrong" in
 * @err.
 */
int cj_validate(json_object *o, const struct cj_schema *s, char *err,
		size_t errlen);

/* Quote @s for a message: at most 40 bytes, non-printable bytes as \xNN. */
void cj_quote(char *buf, size_t len, const char *s);
/* The same, at most @max bytes of @s. */
void cj_quote_n(char *buf, size_t len, const char *s, size_t max);

/* Members of an object already validated (NULL / @dflt when absent). */
const char *cj_str(json_object *o, const char *key);
int64_t cj_int(json_object *o, const char *key, int64_t dflt);
bool cj_bool(json_object *o, const char *key, bool dflt);
json_object *cj_get(json_object *o, const char *key);

/* @o as compact JSON, owned by @o. */
const char *cj_text(json_object *o);

/* Checks, as cj_check_fn and as predicates. */
bool cj_mac_ok(const char *s);
/* @s as a canonical (lower case) MAC into @out; false if it is not one. */
bool cj_mac_canon(char out[CJ_MAC_LEN], const char *s);
/* A name: 1 to @max of A-Z a-z 0-9 . _ -, the first alphanumeric. */
bool cj_name_ok(const char *s, size_t max);
int cj_check_mac(json_object *v, char *why, size_t len);

#endif /* I62608_CLOUD_CJSON_H */
