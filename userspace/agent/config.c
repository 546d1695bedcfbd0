// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration file parser (see config.h, docs/i62608-agent.md).
 *
 * A file is a list of "key = value" lines; blank lines and lines whose
 * first non-blank character is '#' are ignored. A value may be put in
 * double quotes (with \" and \\ escapes) to keep blanks at its ends or a
 * leading '#'. Every key may appear once, except "service". Nothing is
 * guessed: an unknown key, a value out of range or a string the protocol
 * could not carry is an error, reported with the file name and line, and
 * every error of the file is reported before the file is rejected.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "keys.h"

struct parser {
	struct agent_config *c;
	const char *file;
	unsigned int line;
	FILE *err;
	int errors;
	/* Line each key was first set on, by index in keys[] (0: not yet). */
	unsigned int seen[32];
	/* Line of each service, to name duplicates. */
	unsigned int svc_line[I62608_MAX_SERVICES];
};

static void __attribute__((format(printf, 2, 3)))
perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->line)
		fprintf(p->err, "%s:%u: ", p->file, p->line);
	else
		fprintf(p->err, "%s: ", p->file);
	va_start(ap, fmt);
	vfprintf(p->err, fmt, ap);
	va_end(ap);
	fputc('\n', p->err);
	p->errors++;
}

/*
 * A value as it may be shown in a message: control characters and bytes
 * of invalid UTF-8 escaped, long values shortened.
 */
static const char *show(const char *s, char *buf, size_t size)
{
	bool utf8 = i62608_str_valid((const u8 *)s, strlen(s));
	size_t n = 0;

	for (; *s && n + 8 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && !utf8))
			n += snprintf(buf + n, size - n, "\\x%02x", ch);
		else
			buf[n++] = (char)ch;
	}
	if (*s) {
		/* Do not end inside a UTF-8 sequence. */
		while (n && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
			n--;
		if (n && (unsigned char)buf[n - 1] >= 0xc0)
			n--;
		memcpy(buf + n, "...", 4);
	} else {
		buf[n] = 0;
	}
	return buf;
}

#define SHOW(s) show((s), (char[64]){ 0 }, 64)

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* A decimal or 0x-hexadecimal number, nothing else, at most @max. */
static bool parse_uint(const char *s, unsigned long long max,
		       unsigned long long *v)
{
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s || !(base == 16 ? strchr("0123456789abcdefABCDEF", *s) :
		     strchr("0123456789", *s)))
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && !*end && *v <= max;
}

/* "150ms", "2s", "1min" (blanks allowed before the unit), in ms. */
static int parse_duration(const char *s, u64 *ms)
{
	static const struct {
		const char *unit;
		u64 ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "min", 60000 } };
	unsigned long long v;
	char num[24];
	size_t n = 0;
	unsigned int i;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = 0;
	if (!parse_uint(num, 1000000000ULL, &v))
		return -EINVAL;
	s += n;
	while (is_blank(*s))
		s++;
	if (!*s)
		return -ENOENT;		/* a number without a unit */
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(s, units[i].unit)) {
			*ms = v * units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}

/* For messages: a duration in the unit it is most readable in. */
static const char *fmt_ms(u64 ms, char *buf, size_t size)
{
	if (ms && !(ms % 60000))
		snprintf(buf, size, "%llumin", (unsigned long long)(ms / 60000));
	else if (ms && !(ms % 1000))
		snprintf(buf, size, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, size, "%llums", (unsigned long long)ms);
	return buf;
}

#define FMT_MS(ms) fmt_ms((ms), (char[32]){ 0 }, 32)

bool agent_ifname_valid(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len >= IFNAMSIZ || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	/* What the kernel's dev_valid_name() refuses, and non-ASCII. */
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch <= 0x20 || ch >= 0x7f || ch == '/' || ch == ':')
			return false;
	}
	return true;
}

static const char *const level_names[] = {
	[AGENT_LOG_ERR] = "error",
	[AGENT_LOG_WARNING] = "warning",
	[AGENT_LOG_NOTICE] = "notice",
	[AGENT_LOG_INFO] = "info",
	[AGENT_LOG_DEBUG] = "debug",
};

int agent_log_level_parse(const char *s)
{
	int i;

	for (i = AGENT_LOG_ERR; i <= AGENT_LOG_DEBUG; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	if (!strcmp(s, "err"))
		return AGENT_LOG_ERR;
	if (!strcmp(s, "warn"))
		return AGENT_LOG_WARNING;
	return -1;
}

const char *agent_log_level_name(int level)
{
	if (level < AGENT_LOG_ERR || level > AGENT_LOG_DEBUG)
		return "unknown";
	return level_names[level];
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

struct key;
typedef void (*key_fn)(struct parser *p, const struct key *k, char *v);

struct key {
	const char *name;
	key_fn fn;
	size_t off;		/* the field, for shared handlers */
	u64 min, max;		/* durations, in ms */
	bool repeat;
};

#define FIELD(f) offsetof(struct agent_config, f)
#define U32_FIELD(p, k) ((u32 *)((char *)(p)->c + (k)->off))

static void key_device_type(struct parser *p, const struct key *k, char *v)
{
	int t = i62608_device_type_parse(v);

	if (t < 0) {
		perr(p, "%s: unknown device type '%s' (tv, stb, recorder, nas, audio, game_console, iot, media_player or other)",
		     k->name, SHOW(v));
		return;
	}
	p->c->device_type = (u8)t;
}

/* What a string TLV can carry: 1 to 32 bytes of UTF-8, no control. */
static bool check_string(struct parser *p, const struct key *k, const char *v,
			 size_t max)
{
	size_t len = strlen(v);

	if (!len) {
		perr(p, "%s: empty value", k->name);
		return false;
	}
	if (!i62608_str_valid((const u8 *)v, len)) {
		perr(p, "%s: '%s' is not valid UTF-8 text (control characters are not allowed)",
		     k->name, SHOW(v));
		return false;
	}
	if (len > max) {
		perr(p, "%s: '%s' is %zu bytes long, at most %zu are allowed",
		     k->name, SHOW(v), len, max);
		return false;
	}
	return true;
}

static void key_string(struct parser *p, const struct key *k, char *v)
{
	char *dst = (char *)p->c + k->off;

	if (check_string(p, k, v, I62608_STR_MAX))
		memcpy(dst, v, strlen(v) + 1);
}

static char *next_token(char **s)
{
	char *tok;

	while (is_blank(**s))
		(*s)++;
	if (!**s)
		return NULL;
	tok = *s;
	while (**s && !is_blank(**s))
		(*s)++;
	if (**s)
		*(*s)++ = 0;
	return tok;
}

static void key_interfaces(struct parser *p, const struct key *k, char *v)
{
	struct agent_config *c = p->c;
	int errors = p->errors;
	unsigned int i;
	char *name;

	c->n_ifnames = 0;
	while ((name = next_token(&v))) {
		if (!agent_ifname_valid(name)) {
			perr(p, "%s: '%s' is not a valid interface name (1 to %d characters, no blank, '/' or ':')",
			     k->name, SHOW(name), IFNAMSIZ - 1);
			continue;
		}
		for (i = 0; i < c->n_ifnames; i++)
			if (!strcmp(c->ifnames[i], name))
				break;
		if (i < c->n_ifnames) {
			perr(p, "%s: '%s' is listed twice", k->name, name);
			continue;
		}
		if (c->n_ifnames == AGENT_MAX_IFNAMES) {
			perr(p, "%s: more than %d interfaces", k->name,
			     AGENT_MAX_IFNAMES);
			return;
		}
		strcpy(c->ifnames[c->n_ifnames++], name);
	}
	if (!c->n_ifnames && p->errors == errors)
		perr(p, "%s: empty list (leave the key out to run on every Ethernet interface)",
		     k->name);
}

/* The protocol's service names: [a-z0-9._-], a letter or digit first. */
static bool svc_name_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || len > I62608_SVC_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char ch = s[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

		if (!alnum && (!i || (ch != '.' && ch != '_' && ch != '-')))
			return false;
	}
	return true;
}

static bool parse_port(const char *s, struct i62608_report_port *port)
{
	unsigned long long v;

	if (!strncmp(s, "tcp/", 4))
		port->proto = 6;
	else if (!strncmp(s, "udp/", 4))
		port->proto = 17;
	else
		return false;
	if (!parse_uint(s + 4, 65535, &v) || !v || s[4] == '0')
		return false;
	port->port = (u16)v;
	return true;
}

static void key_service(struct parser *p, const struct key *k, char *v)
{
	struct agent_config *c = p->c;
	struct i62608_report_svc svc = { 0 };
	char *name, *state, *tok;
	int errors = p->errors;
	unsigned int i;

	name = next_token(&v);
	state = next_token(&v);
	if (!name || !state) {
		perr(p, "%s: expected 'NAME enabled|disabled|failed [tcp/PORT|udp/PORT ...]'",
		     k->name);
		return;
	}
	if (!svc_name_valid(name)) {
		perr(p, "%s: '%s' is not a valid service name (1 to %d of a-z 0-9 . _ -, starting with a letter or digit)",
		     k->name, SHOW(name), I62608_SVC_NAME_MAX);
		return;
	}
	strcpy(svc.name, name);
	if (!strcmp(state, "enabled"))
		svc.state = I62608_SVC_ENABLED;
	else if (!strcmp(state, "disabled"))
		svc.state = I62608_SVC_DISABLED;
	else if (!strcmp(state, "failed"))
		svc.state = I62608_SVC_FAILED;
	else
		perr(p, "%s '%s': unknown state '%s' (enabled, disabled or failed)",
		     k->name, name, SHOW(state));
	while ((tok = next_token(&v))) {
		struct i62608_report_port port;

		if (!parse_port(tok, &port)) {
			perr(p, "%s '%s': '%s' is not a port (tcp/1-65535 or udp/1-65535)",
			     k->name, name, SHOW(tok));
			continue;
		}
		for (i = 0; i < svc.n_ports; i++)
			if (svc.ports[i].proto == port.proto &&
			    svc.ports[i].port == port.port)
				break;
		if (i < svc.n_ports) {
			perr(p, "%s '%s': port %s is listed twice", k->name,
			     name, tok);
			continue;
		}
		if (svc.n_ports == I62608_MAX_PORTS) {
			perr(p, "%s '%s': more than %d ports", k->name, name,
			     I62608_MAX_PORTS);
			break;
		}
		svc.ports[svc.n_ports++] = port;
	}
	for (i = 0; i < c->n_services; i++) {
		if (!strcmp(c->services[i].name, name)) {
			perr(p, "%s '%s' is already defined on line %u", k->name,
			     name, p->svc_line[i]);
			return;
		}
	}
	if (p->errors != errors)
		return;
	if (c->n_services == I62608_MAX_SERVICES) {
		perr(p, "%s: more than %d services", k->name,
		     I62608_MAX_SERVICES);
		return;
	}
	p->svc_line[c->n_services] = p->line;
	c->services[c->n_services++] = svc;
}

/*
 * EtherTypes the protocol must not borrow: the host's own protocols, and
 * VLAN tag protocols (our frames would be taken for tagged ones).
 */
static const char *ethertype_taken(unsigned long long v)
{
	switch (v) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x86dd: return "IPv6";
	case 0x8100: case 0x88a8: case 0x9100: return "a VLAN tag protocol";
	}
	return NULL;
}

static void key_ethertype(struct parser *p, const struct key *k, char *v)
{
	unsigned long long n;

	if (!parse_uint(v, 0xffff, &n) || n < 0x0600) {
		perr(p, "%s: '%s' is not an EtherType (0x0600 to 0xffff)",
		     k->name, SHOW(v));
		return;
	}
	if (ethertype_taken(n)) {
		perr(p, "%s: 0x%04llx is %s", k->name, n, ethertype_taken(n));
		return;
	}
	p->c->ethertype = (u16)n;
}

static void key_log_level(struct parser *p, const struct key *k, char *v)
{
	int level = agent_log_level_parse(v);

	if (level < 0) {
		perr(p, "%s: unknown level '%s' (error, warning, notice, info or debug)",
		     k->name, SHOW(v));
		return;
	}
	p->c->log_level = level;
}

static void key_duration(struct parser *p, const struct key *k, char *v)
{
	int err;
	u64 ms;

	err = parse_duration(v, &ms);
	if (err == -ENOENT) {
		perr(p, "%s: '%s' has no unit (ms, s or min)", k->name, SHOW(v));
		return;
	}
	if (err) {
		perr(p, "%s: '%s' is not a duration (a number and ms, s or min)",
		     k->name, SHOW(v));
		return;
	}
	if (ms < k->min || ms > k->max) {
		perr(p, "%s: %s is out of range (%s to %s)", k->name,
		     FMT_MS(ms), FMT_MS(k->min), FMT_MS(k->max));
		return;
	}
	*U32_FIELD(p, k) = (u32)ms;
}

static void key_path(struct parser *p, const struct key *k, char *v)
{
	char *dst = (char *)p->c + k->off;
	size_t len = strlen(v), i;

	if (v[0] != '/') {
		perr(p, "%s: '%s' is not an absolute path", k->name, SHOW(v));
		return;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			perr(p, "%s: '%s' has a control character", k->name,
			     SHOW(v));
			return;
		}
	}
	if (len >= PATH_MAX) {
		perr(p, "%s: path longer than %d bytes", k->name, PATH_MAX - 1);
		return;
	}
	memcpy(dst, v, len + 1);
}

static void key_configurator_key(struct parser *p, const struct key *k,
				 char *v)
{
	if (agent_key_parse(v, p->c->configurator_key)) {
		perr(p, "%s: '%s' is not a public key (44 characters of base64, as i62608ctl key show prints it)",
		     k->name, SHOW(v));
		return;
	}
	p->c->has_configurator_key = true;
}

static void key_config_mode(struct parser *p, const struct key *k, char *v)
{
	if (!strcmp(v, "apply"))
		p->c->config_mode = AGENT_CFG_APPLY;
	else if (!strcmp(v, "dry-run"))
		p->c->config_mode = AGENT_CFG_DRY_RUN;
	else
		perr(p, "%s: unknown mode '%s' (apply or dry-run)", k->name,
		     SHOW(v));
}

static const struct key keys[] = {
	{ .name = "device_type", .fn = key_device_type },
	{ .name = "vendor", .fn = key_string, .off = FIELD(vendor) },
	{ .name = "model", .fn = key_string, .off = FIELD(model) },
	{ .name = "serial", .fn = key_string, .off = FIELD(serial) },
	{ .name = "firmware", .fn = key_string, .off = FIELD(firmware) },
	{ .name = "name", .fn = key_string, .off = FIELD(name) },
	{ .name = "interfaces", .fn = key_interfaces },
	{ .name = "service", .fn = key_service, .repeat = true },
	{ .name = "ethertype", .fn = key_ethertype },
	{ .name = "log_level", .fn = key_log_level },
	{ .name = "discover_backoff_min", .fn = key_duration,
	  .off = FIELD(backoff_min_ms), .min = 100, .max = 3600 * 1000 },
	{ .name = "discover_backoff_max", .fn = key_duration,
	  .off = FIELD(backoff_max_ms), .min = 100, .max = 3600 * 1000 },
	{ .name = "report_debounce", .fn = key_duration,
	  .off = FIELD(debounce_ms), .min = 0, .max = 10 * 1000 },
	{ .name = "resolv_conf", .fn = key_path, .off = FIELD(resolv_conf) },
	{ .name = "state_dir", .fn = key_path, .off = FIELD(state_dir) },
	{ .name = "key_file", .fn = key_path, .off = FIELD(key_file) },
	{ .name = "configurator_key", .fn = key_configurator_key },
	{ .name = "rekey_after", .fn = key_duration,
	  .off = FIELD(rekey_after_ms), .min = 10 * 1000,
	  .max = 24 * 3600 * 1000 },
	{ .name = "config_mode", .fn = key_config_mode },
	{ .name = "hook_timeout", .fn = key_duration,
	  .off = FIELD(hook_timeout_ms), .min = 100, .max = 600 * 1000 },
	{ .name = "dhcp_hook", .fn = key_path, .off = FIELD(dhcp_hook) },
	{ .name = "dns_hook", .fn = key_path, .off = FIELD(dns_hook) },
	{ .name = "dns_file", .fn = key_path, .off = FIELD(dns_file) },
	{ .name = "hostname_hook", .fn = key_path, .off = FIELD(hostname_hook) },
	{ .name = "qos_hook", .fn = key_path, .off = FIELD(qos_hook) },
	{ .name = "setting_hook", .fn = key_path, .off = FIELD(setting_hook) },
	{ .name = "services_dir", .fn = key_path, .off = FIELD(services_dir) },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))
static_assert(N_KEYS <= sizeof(((struct parser *)0)->seen) /
	      sizeof(unsigned int), "parser.seen too small");

static unsigned int key_line(const struct parser *p, const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (!strcmp(keys[i].name, name))
			return p->seen[i];
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

/* Remove the quotes of a "value" in place; false if it is malformed. */
static bool unquote(struct parser *p, const char *key, char *v)
{
	char *out = v, *in = v + 1;

	for (; *in && *in != '"'; in++) {
		if (*in == '\\' && (in[1] == '"' || in[1] == '\\'))
			in++;
		*out++ = *in;
	}
	if (*in != '"') {
		perr(p, "%s: missing closing '\"'", key);
		return false;
	}
	for (in++; is_blank(*in); in++)
		;
	if (*in) {
		perr(p, "%s: unexpected text after the closing '\"'", key);
		return false;
	}
	*out = 0;
	return true;
}

static void parse_line(struct parser *p, char *s)
{
	const struct key *k = NULL;
	char *key, *v, *end;
	size_t i;

	while (is_blank(*s))
		s++;
	if (!*s || *s == '#')
		return;

	key = s;
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	       (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')
		s++;
	end = s;
	while (is_blank(*s))
		s++;
	if (end == key || *s != '=') {
		perr(p, "expected 'key = value', got '%s'", SHOW(key));
		return;
	}
	*end = 0;
	v = s + 1;
	while (is_blank(*v))
		v++;
	end = v + strlen(v);
	while (end > v && is_blank(end[-1]))
		*--end = 0;

	for (i = 0; i < N_KEYS; i++) {
		if (!strcmp(keys[i].name, key)) {
			k = &keys[i];
			break;
		}
	}
	if (!k) {
		perr(p, "unknown key '%s'", SHOW(key));
		return;
	}
	if (!k->repeat && p->seen[i]) {
		perr(p, "%s: set twice (first on line %u)", k->name, p->seen[i]);
		return;
	}
	if (!p->seen[i])
		p->seen[i] = p->line;
	if (*v == '"' && !unquote(p, k->name, v))
		return;
	if (!*v && k->fn != key_string) {
		perr(p, "%s: empty value", k->name);
		return;
	}
	k->fn(p, k, v);
}

void agent_config_init(struct agent_config *c)
{
	memset(c, 0, sizeof(*c));
	c->device_type = I62608_DEV_OTHER;
	c->ethertype = I62608_ETHERTYPE;
	c->log_level = AGENT_LOG_INFO;
	c->backoff_min_ms = 1000;
	c->backoff_max_ms = 60 * 1000;
	c->debounce_ms = 150;
	strcpy(c->resolv_conf, AGENT_RESOLV_CONF);
	strcpy(c->state_dir, AGENT_STATE_DIR);
	c->rekey_after_ms = 600 * 1000;
	c->config_mode = AGENT_CFG_APPLY;
	c->hook_timeout_ms = 10 * 1000;
	strcpy(c->dhcp_hook, AGENT_DHCP_HOOK);
	strcpy(c->dns_file, AGENT_DNS_FILE);
	strcpy(c->qos_hook, AGENT_QOS_HOOK);
	strcpy(c->setting_hook, AGENT_SETTING_HOOK);
	strcpy(c->services_dir, AGENT_SERVICES_DIR);
}

void agent_config_key_path(const struct agent_config *c, char *buf,
			   size_t size)
{
	if (c->key_file[0])
		snprintf(buf, size, "%s", c->key_file);
	else
		snprintf(buf, size, "%s/agent.key", c->state_dir);
}

void agent_config_pin_path(const struct agent_config *c, char *buf,
			   size_t size)
{
	snprintf(buf, size, "%s/configurator.pub", c->state_dir);
}

int agent_config_parse(struct agent_config *c, const char *file,
		       const char *text, size_t len, FILE *err)
{
	struct parser p = { .c = c, .file = file, .err = err };
	char line[AGENT_CONFIG_MAX_LINE + 1];
	size_t pos = 0;

	if (len > AGENT_CONFIG_MAX_SIZE) {
		perr(&p, "larger than %d bytes", AGENT_CONFIG_MAX_SIZE);
		return p.errors;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) : len - pos;

		p.line++;
		if (n && text[pos + n - 1] == '\r')
			n--;		/* CRLF files */
		if (memchr(text + pos, 0, n)) {
			perr(&p, "NUL byte in the line");
		} else if (n > AGENT_CONFIG_MAX_LINE) {
			perr(&p, "line longer than %d bytes",
			     AGENT_CONFIG_MAX_LINE);
		} else {
			memcpy(line, text + pos, n);
			line[n] = 0;
			parse_line(&p, line);
		}
		pos += (nl ? (size_t)(nl - text - pos) + 1 : len - pos);
	}

	if (c->backoff_min_ms > c->backoff_max_ms) {
		unsigned int lmin = key_line(&p, "discover_backoff_min");
		unsigned int lmax = key_line(&p, "discover_backoff_max");

		p.line = lmin > lmax ? lmin : lmax;
		perr(&p, "discover_backoff_min (%s) is larger than discover_backoff_max (%s)",
		     FMT_MS(c->backoff_min_ms), FMT_MS(c->backoff_max_ms));
	}
	return p.errors;
}

int agent_config_load(struct agent_config *c, const char *path, bool optional,
		      FILE *err)
{
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && optional)
			return 0;
		fprintf(err, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	/* One byte more than allowed tells a file that is too large. */
	buf = malloc(AGENT_CONFIG_MAX_SIZE + 1);
	if (!buf) {
		close(fd);
		fprintf(err, "%s: %s\n", path, strerror(ENOMEM));
		return 1;
	}
	do {
		n = read(fd, buf + len, AGENT_CONFIG_MAX_SIZE + 1 - len);
		if (n > 0)
			len += (size_t)n;
	} while ((n > 0 && len <= AGENT_CONFIG_MAX_SIZE) ||
		 (n < 0 && errno == EINTR));
	if (n < 0) {
		fprintf(err, "%s: %s\n", path, strerror(errno));
		ret = 1;
	} else {
		ret = agent_config_parse(c, path, buf, len, err);
	}
	free(buf);
	close(fd);
	return ret;
}
