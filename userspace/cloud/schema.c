// SPDX-License-Identifier: GPL-2.0
/*
 * The bodies of the cloud API as schemas (schema.h). The member tables
 * here and the JSON schemas of docs/cloud-api.yaml say the same thing:
 * change both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgparse.h"
#include "report.h"
#include "schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ CJ_REQUIRED

#define F_STR(k, fl, lo, hi) \
	{ .key = (k), .type = CJ_STR, .flags = (fl), .min = (lo), .max = (hi) }
#define F_ENUM(k, fl, list) \
	{ .key = (k), .type = CJ_STR, .flags = (fl), .min = 1, .max = 64, \
	  .choices = (list) }
#define F_CHK(k, fl, lo, hi, fn) \
	{ .key = (k), .type = CJ_STR, .flags = (fl), .min = (lo), .max = (hi), \
	  .check = (fn) }
#define F_INT(k, fl, lo, hi) \
	{ .key = (k), .type = CJ_INT, .flags = (fl), .min = (lo), .max = (hi) }
#define F_NUM(k, fl, lo, hi) \
	{ .key = (k), .type = CJ_NUM, .flags = (fl), .min = (lo), .max = (hi) }
#define F_BOOL(k, fl) { .key = (k), .type = CJ_BOOL, .flags = (fl) }
#define F_OBJ(k, fl, s) { .key = (k), .type = CJ_OBJ, .flags = (fl), .sub = (s) }
#define F_ANY(k, fl, fn) { .key = (k), .type = CJ_OBJ, .flags = (fl), .check = (fn) }
#define F_ARR(k, fl, lo, hi, s) \
	{ .key = (k), .type = CJ_ARR, .flags = (fl), .min = (lo), .max = (hi), \
	  .sub = (s) }
#define F_TIME(k, fl) F_INT(k, fl, 0, CLOUD_MS_MAX)
#define F_MAC(k, fl) F_CHK(k, fl, 17, 17, cj_check_mac)

#define SCHEMA(f) { .fields = (f), .n_fields = N(f) }
#define OPEN(f) { .fields = (f), .n_fields = N(f), .open = true }

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

static const char *const role_names[CLOUD_ROLE_COUNT] = {
	[CLOUD_ROLE_SERVICE] = "service",
	[CLOUD_ROLE_QUALITY] = "quality",
	[CLOUD_ROLE_FAILURE] = "failure",
	[CLOUD_ROLE_DIAGNOSIS] = "diagnosis",
};

static const char *const kind_names[CLOUD_KIND_COUNT] = {
	[CLOUD_KIND_REGISTER] = "register",
	[CLOUD_KIND_BACKUP] = "backup",
	[CLOUD_KIND_QUALITY] = "quality",
	[CLOUD_KIND_FAILURE] = "failure",
	[CLOUD_KIND_DIAG_RESULT] = "diag_result",
};

static const enum cloud_role kind_roles[CLOUD_KIND_COUNT] = {
	[CLOUD_KIND_REGISTER] = CLOUD_ROLE_SERVICE,
	[CLOUD_KIND_BACKUP] = CLOUD_ROLE_SERVICE,
	[CLOUD_KIND_QUALITY] = CLOUD_ROLE_QUALITY,
	[CLOUD_KIND_FAILURE] = CLOUD_ROLE_FAILURE,
	[CLOUD_KIND_DIAG_RESULT] = CLOUD_ROLE_DIAGNOSIS,
};

const char *cloud_role_name(enum cloud_role role)
{
	return (unsigned int)role < CLOUD_ROLE_COUNT ? role_names[role] : NULL;
}

int cloud_role_parse(const char *name)
{
	int i;

	for (i = 0; i < CLOUD_ROLE_COUNT; i++)
		if (!strcmp(name, role_names[i]))
			return i;
	return -1;
}

const char *cloud_kind_name(enum cloud_kind kind)
{
	return (unsigned int)kind < CLOUD_KIND_COUNT ? kind_names[kind] : NULL;
}

int cloud_kind_parse(const char *name)
{
	int i;

	for (i = 0; i < CLOUD_KIND_COUNT; i++)
		if (!strcmp(name, kind_names[i]))
			return i;
	return -1;
}

enum cloud_role cloud_kind_role(enum cloud_kind kind)
{
	return kind_roles[kind];
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */
/* ------------------------------------------------------------------ */

bool cloud_device_type_ok(const char *s)
{
	int t = i62608_device_type_parse(s);
	size_t i, n = strlen(s);

	/* The canonical names only, not the aliases people type. */
	if (t >= 0 && !strcmp(s, i62608_device_type_name((unsigned int)t)))
		return true;
	/* A type this version has no name for: 0 to 255, no leading zero. */
	if (!n || n > 3 || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return atoi(s) <= 255;
}

static int check_device_type(json_object *v, char *why, size_t len)
{
	char q[200], names[200] = "";
	const char *name;
	size_t o = 0;
	unsigned int t;

	if (cloud_device_type_ok(json_object_get_string(v)))
		return 0;
	for (t = 0; (name = i62608_device_type_name(t)) && o < sizeof(names); t++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s, ", name);
	cj_quote(q, sizeof(q), json_object_get_string(v));
	snprintf(why, len, "'%s' is not a device type (%sor 0 to 255)", q, names);
	return -1;
}

int cloud_check_config(json_object *v, char *why, size_t len)
{
	struct ctl_cfg *cfg;
	uint8_t buf[I62608_MAX_MSG];
	const char *text = cj_text(v), *msg;
	char err[CTL_ERR_LEN + 32];
	int rc, skip = 0;

	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	rc = ctl_cfg_parse_json(cfg, text, strlen(text), err, sizeof(err));
	if (!rc)
		rc = ctl_cfg_encode(cfg, buf, sizeof(buf), err, sizeof(err));
	free(cfg);
	if (rc >= 0)
		return 0;
	/*
	 * The parser says where in its text the problem starts: that is
	 * our re-encoding, not what the sender wrote, so leave it out.
	 */
	msg = err;
	if (sscanf(err, "byte %*u: %n", &skip) == 0 && skip > 0)
		msg = err + skip;
	snprintf(why, len, "not a device configuration: %s", msg);
	return -1;
}

bool cloud_diag_kind_known(const char *s)
{
	return !strcmp(s, "reachability") || !strcmp(s, "last_report") ||
	       !strcmp(s, "config_reread");
}

bool cloud_key_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > CLOUD_KEY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._:-", s[i])))
			return false;
	return true;
}

static int check_sha256(json_object *v, char *why, size_t len)
{
	const char *s = json_object_get_string(v);
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			break;
	if (i == 64 && !s[64])
		return 0;
	snprintf(why, len, "not a SHA-256 in lower case hexadecimal (64 digits)");
	return -1;
}

static int check_base64(json_object *v, char *why, size_t len)
{
	const char *s = json_object_get_string(v);
	size_t n = strlen(s), i, pad = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '=' && i + 2 >= n) {
			pad++;
			continue;
		}
		if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '+' || c == '/'))
			break;
	}
	if (i == n && n % 4 == 0)
		return 0;
	snprintf(why, len, "not standard base64 with padding (byte %zu)", i);
	return -1;
}

static int check_name(json_object *v, char *why, size_t len)
{
	char q[200];

	if (cj_name_ok(json_object_get_string(v), 32))
		return 0;
	cj_quote(q, sizeof(q), json_object_get_string(v));
	snprintf(why, len, "'%s' is not a name (1 to 32 of A-Z a-z 0-9 . _ -)", q);
	return -1;
}

static int check_result_size(json_object *v, char *why, size_t len)
{
	size_t n = strlen(cj_text(v));

	if (n <= CLOUD_DIAG_RESULT_MAX)
		return 0;
	snprintf(why, len, "%zu bytes as JSON, at most %d", n,
		 CLOUD_DIAG_RESULT_MAX);
	return -1;
}

/* ------------------------------------------------------------------ */
/* What the gateway sends                                              */
/* ------------------------------------------------------------------ */

static const struct cj_field gateway_fields[] = {
	F_STR("vendor", REQ, 1, 64),
	F_STR("model", REQ, 1, 64),
	F_STR("serial", 0, 1, 64),
	F_STR("firmware", 0, 1, 64),
};
static const struct cj_schema gateway_schema = SCHEMA(gateway_fields);

static const struct cj_field device_fields[] = {
	F_MAC("mac", REQ),
	F_CHK("type", REQ, 1, 32, check_device_type),
	F_STR("vendor", 0, 1, 64),
	F_STR("model", 0, 1, 64),
	F_STR("serial", 0, 1, 64),
	F_STR("firmware", 0, 1, 64),
	F_STR("name", 0, 1, 64),
};
static const struct cj_schema device_schema = SCHEMA(device_fields);

static const struct cj_field register_fields[] = {
	F_OBJ("gateway", REQ, &gateway_schema),
	F_ARR("devices", REQ, 0, CLOUD_DEVICES_MAX, &device_schema),
	F_TIME("sent_at_ms", 0),
};
const struct cj_schema cloud_schema_register = SCHEMA(register_fields);

static const char *const backup_formats[] = { "sqlite3", NULL };

static const struct cj_field backup_fields[] = {
	F_TIME("taken_at_ms", REQ),
	F_ENUM("format", REQ, backup_formats),
	F_INT("size", REQ, 1, CLOUD_BACKUP_MAX),
	F_CHK("sha256", REQ, 64, 64, check_sha256),
	F_CHK("data", REQ, 4, (CLOUD_BACKUP_MAX + 2) / 3 * 4, check_base64),
};
static int backup_check(json_object *o, char *why, size_t len)
{
	size_t b64 = strlen(cj_str(o, "data"));
	int64_t size = cj_int(o, "size", 0);

	/* The decoded length is 3/4 of the text, less the padding. */
	if (size > (int64_t)(b64 / 4 * 3) || size <= (int64_t)(b64 / 4 * 3) - 3) {
		snprintf(why, len, "size: %lld does not match the data's %zu bytes of base64",
			 (long long)size, b64);
		return -1;
	}
	return 0;
}
const struct cj_schema cloud_schema_backup = {
	.fields = backup_fields, .n_fields = N(backup_fields),
	.check = backup_check,
};

static const char *const qos_names[] = {
	"best-effort", "background", "video", "voice", NULL
};

static const struct cj_field quality_device_fields[] = {
	F_MAC("mac", REQ),
	F_INT("link_rate_kbps", REQ, 0, 100000000),
	F_NUM("loss_percent", REQ, 0, 100),
	F_ENUM("qos", REQ, qos_names),
	F_INT("rx_kbps", 0, 0, 100000000),
	F_INT("tx_kbps", 0, 0, 100000000),
};
static const struct cj_schema quality_device_schema = SCHEMA(quality_device_fields);

static const struct cj_field quality_gateway_fields[] = {
	F_BOOL("qos_enabled", 0),
	F_BOOL("igmp_proxy", 0),
	F_INT("wan_rate_kbps", 0, 0, 100000000),
};
static const struct cj_schema quality_gateway_schema = SCHEMA(quality_gateway_fields);

static const struct cj_field quality_fields[] = {
	F_TIME("measured_at_ms", REQ),
	F_ARR("devices", REQ, 1, CLOUD_DEVICES_MAX, &quality_device_schema),
	F_OBJ("gateway", 0, &quality_gateway_schema),
};
const struct cj_schema cloud_schema_quality = SCHEMA(quality_fields);

static const char *const failure_kinds[] = {
	"config_refused", "config_timeout", "device_lost", "gateway_rule", NULL
};

static const struct cj_field failure_item_fields[] = {
	F_STR("item", REQ, 1, 128),
	F_CHK("reason", 0, 1, 32, check_name),
};
static const struct cj_schema failure_item_schema = SCHEMA(failure_item_fields);

static const struct cj_field failure_fields[] = {
	F_ENUM("kind", REQ, failure_kinds),
	F_TIME("occurred_at_ms", REQ),
	F_MAC("mac", 0),
	F_INT("request_id", 0, 0, 4294967295LL),
	F_STR("rule", 0, 1, 128),
	F_STR("detail", CJ_TEXT, 0, 1024),
	F_ARR("items", 0, 0, 48, &failure_item_schema),
};
static int failure_check(json_object *o, char *why, size_t len)
{
	const char *kind = cj_str(o, "kind");

	if (strcmp(kind, "gateway_rule") && !cj_get(o, "mac")) {
		snprintf(why, len, "missing member 'mac' (kind %s is about a device)",
			 kind);
		return -1;
	}
	if (!strcmp(kind, "gateway_rule") && !cj_get(o, "rule")) {
		snprintf(why, len, "missing member 'rule' (kind gateway_rule)");
		return -1;
	}
	return 0;
}
const struct cj_schema cloud_schema_failure = {
	.fields = failure_fields, .n_fields = N(failure_fields),
	.check = failure_check,
};

static const char *const diag_statuses[] = {
	"ok", "failed", "unsupported", NULL
};

static const struct cj_field diag_result_fields[] = {
	F_ENUM("status", REQ, diag_statuses),
	F_TIME("finished_at_ms", 0),
	F_STR("message", CJ_TEXT, 0, 512),
	F_ANY("result", 0, check_result_size),
};
const struct cj_schema cloud_schema_diag_result = SCHEMA(diag_result_fields);

const struct cj_schema *cloud_kind_schema(enum cloud_kind kind)
{
	static const struct cj_schema *const s[CLOUD_KIND_COUNT] = {
		[CLOUD_KIND_REGISTER] = &cloud_schema_register,
		[CLOUD_KIND_BACKUP] = &cloud_schema_backup,
		[CLOUD_KIND_QUALITY] = &cloud_schema_quality,
		[CLOUD_KIND_FAILURE] = &cloud_schema_failure,
		[CLOUD_KIND_DIAG_RESULT] = &cloud_schema_diag_result,
	};

	return (unsigned int)kind < CLOUD_KIND_COUNT ? s[kind] : NULL;
}

/* ------------------------------------------------------------------ */
/* What the operator sends                                             */
/* ------------------------------------------------------------------ */

static const struct cj_field config_put_fields[] = {
	F_ANY("config", REQ, cloud_check_config),
};
const struct cj_schema cloud_schema_config_put = SCHEMA(config_put_fields);

static const char *const diag_kinds[] = {
	"reachability", "last_report", "config_reread", NULL
};

static const struct cj_field diag_request_fields[] = {
	F_ENUM("kind", REQ, diag_kinds),
	F_MAC("mac", 0),
	F_STR("note", CJ_TEXT, 0, 256),
};
static int diag_request_check(json_object *o, char *why, size_t len)
{
	bool device = strcmp(cj_str(o, "kind"), "config_reread") != 0;

	if (device != (cj_get(o, "mac") != NULL)) {
		snprintf(why, len, device ?
			 "missing member 'mac' (kind %s is about a device)" :
			 "member 'mac' given, but kind %s is about the gateway",
			 cj_str(o, "kind"));
		return -1;
	}
	return 0;
}
const struct cj_schema cloud_schema_diag_request = {
	.fields = diag_request_fields, .n_fields = N(diag_request_fields),
	.check = diag_request_check,
};

/* ------------------------------------------------------------------ */
/* What the servers answer                                             */
/* ------------------------------------------------------------------ */

static const struct cj_field override_fields[] = {
	F_MAC("mac", REQ),
	F_ANY("config", REQ, cloud_check_config),
	F_TIME("updated_at_ms", 0),
};
static const struct cj_schema override_schema = OPEN(override_fields);

static const struct cj_field template_fields[] = {
	F_CHK("device_type", REQ, 1, 32, check_device_type),
	F_ANY("config", REQ, cloud_check_config),
	F_TIME("updated_at_ms", 0),
};
static const struct cj_schema template_schema = OPEN(template_fields);

static const struct cj_field snapshot_fields[] = {
	F_INT("revision", REQ, 0, CLOUD_MS_MAX),
	F_ARR("overrides", REQ, 0, CLOUD_OVERRIDES_MAX, &override_schema),
	F_ARR("templates", REQ, 0, CLOUD_TEMPLATES_MAX, &template_schema),
};
const struct cj_schema cloud_schema_snapshot = OPEN(snapshot_fields);

static const char *const verdicts[] = { "good", "degraded", "poor", NULL };

static const struct cj_field recommendation_fields[] = {
	F_CHK("code", REQ, 1, 32, check_name),
	F_MAC("mac", 0),
	F_STR("message", CJ_TEXT, 1, 256),
};
static const struct cj_schema recommendation_schema = OPEN(recommendation_fields);

static const struct cj_field verdict_fields[] = {
	F_INT("id", REQ, 1, CLOUD_MS_MAX),
	F_ENUM("verdict", REQ, verdicts),
	F_INT("score", REQ, 0, 100),
	F_ARR("recommendations", REQ, 0, CLOUD_DEVICES_MAX * 4,
	      &recommendation_schema),
};
const struct cj_schema cloud_schema_verdict = OPEN(verdict_fields);

static const struct cj_field created_fields[] = {
	F_INT("id", REQ, 1, CLOUD_MS_MAX),
};
const struct cj_schema cloud_schema_created = OPEN(created_fields);

/* Kinds are names, not a list: a newer server's kind is answered unsupported. */
static const struct cj_field diag_fields[] = {
	F_INT("id", REQ, 1, CLOUD_MS_MAX),
	F_CHK("kind", REQ, 1, 32, check_name),
	F_MAC("mac", 0),
	F_STR("note", CJ_TEXT, 0, 256),
	F_TIME("created_at_ms", 0),
};
static const struct cj_schema diag_schema = OPEN(diag_fields);

static const struct cj_field diag_list_fields[] = {
	F_ARR("requests", REQ, 0, CLOUD_DIAG_OPEN_MAX, &diag_schema),
};
const struct cj_schema cloud_schema_diag_list = OPEN(diag_list_fields);

static const struct cj_field error_inner_fields[] = {
	F_CHK("code", REQ, 1, 32, check_name),
	F_STR("message", CJ_TEXT, 0, 512),
};
static const struct cj_schema error_inner_schema = OPEN(error_inner_fields);

static const struct cj_field error_fields[] = {
	F_OBJ("error", REQ, &error_inner_schema),
};
const struct cj_schema cloud_schema_error = OPEN(error_fields);
