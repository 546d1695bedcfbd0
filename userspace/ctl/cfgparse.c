// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl config send: request parsing and encoding (see cfgparse.h).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cfgparse.h"
#include "wire.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

/* A prefix length: 1 to @max, decimal, no sign, no leading zero. */
static int parse_plen(const char *s, unsigned int max, uint8_t *plen)
{
	unsigned int v = 0;
	size_t i, n = strlen(s);

	if (!n || n > 3 || (s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v < 1 || v > max)
		return -EINVAL;
	*plen = (uint8_t)v;
	return 0;
}

/* An address of @family, inet_pton's strict forms only. */
static int parse_ip(int family, const char *s, uint8_t *out)
{
	/* inet_pton takes no scope, no brackets, no shortened IPv4. */
	return inet_pton(family, s, out) == 1 ? 0 : -EINVAL;
}

static int parse_prefix(int family, const char *s, struct ctl_cfg_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen;

	if (!slash)
		return -EINVAL;
	alen = (size_t)(slash - s);
	if (!alen || alen >= sizeof(buf) - 1)
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = 0;
	memset(a, 0, sizeof(*a));
	if (parse_ip(family, buf, a->addr))
		return -EINVAL;
	return parse_plen(slash + 1, family == AF_INET ? 32 : 128, &a->plen);
}

int ctl_cfg_add_ipv4(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen)
{
	struct ctl_cfg_addr a;
	unsigned int i;

	if (parse_prefix(AF_INET, s, &a))
		return fail(err, errlen,
			    "'%.64s' is not an IPv4 address with its prefix length (a.b.c.d/1..32)",
			    s);
	if (cfg->has_dhcp4 && cfg->dhcp4)
		return fail(err, errlen, "a static IPv4 address and DHCP exclude each other");
	for (i = 0; i < cfg->n_addr4; i++)
		if (!memcmp(cfg->addr4[i].addr, a.addr, 4))
			return fail(err, errlen, "IPv4 address %.64s given twice", s);
	if (cfg->n_addr4 == I62608_MAX_ADDRS)
		return fail(err, errlen, "at most %d IPv4 addresses", I62608_MAX_ADDRS);
	cfg->addr4[cfg->n_addr4++] = a;
	return 0;
}

int ctl_cfg_add_ipv6(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen)
{
	struct ctl_cfg_addr a;
	unsigned int i;

	if (parse_prefix(AF_INET6, s, &a))
		return fail(err, errlen,
			    "'%.64s' is not an IPv6 address with its prefix length (x:x::x/1..128)",
			    s);
	if (cfg->has_dhcp6 && cfg->dhcp6)
		return fail(err, errlen, "a static IPv6 address and DHCPv6 exclude each other");
	for (i = 0; i < cfg->n_addr6; i++)
		if (!memcmp(cfg->addr6[i].addr, a.addr, 16))
			return fail(err, errlen, "IPv6 address %.64s given twice", s);
	if (cfg->n_addr6 == I62608_MAX_ADDRS)
		return fail(err, errlen, "at most %d IPv6 addresses", I62608_MAX_ADDRS);
	cfg->addr6[cfg->n_addr6++] = a;
	return 0;
}

int ctl_cfg_set_gw(struct ctl_cfg *cfg, int family, const char *s, char *err,
		   size_t errlen)
{
	bool v4 = family == AF_INET;
	uint8_t a[16];

	if (parse_ip(family, s, a))
		return fail(err, errlen, "'%.64s' is not an %s address", s,
			    v4 ? "IPv4" : "IPv6");
	if (v4 ? cfg->has_gw4 : cfg->has_gw6)
		return fail(err, errlen, "only one %s gateway", v4 ? "IPv4" : "IPv6");
	if (v4) {
		memcpy(cfg->gw4, a, 4);
		cfg->has_gw4 = true;
	} else {
		memcpy(cfg->gw6, a, 16);
		cfg->has_gw6 = true;
	}
	return 0;
}

int ctl_cfg_add_dns(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen)
{
	uint8_t a[16];
	unsigned int i;

	if (!parse_ip(AF_INET, s, a)) {
		for (i = 0; i < cfg->n_dns4; i++)
			if (!memcmp(cfg->dns4[i], a, 4))
				return fail(err, errlen, "DNS server %.64s given twice", s);
		if (cfg->n_dns4 == I62608_MAX_DNS)
			return fail(err, errlen, "at most %d IPv4 DNS servers",
				    I62608_MAX_DNS);
		memcpy(cfg->dns4[cfg->n_dns4++], a, 4);
		return 0;
	}
	if (!parse_ip(AF_INET6, s, a)) {
		for (i = 0; i < cfg->n_dns6; i++)
			if (!memcmp(cfg->dns6[i], a, 16))
				return fail(err, errlen, "DNS server %.64s given twice", s);
		if (cfg->n_dns6 == I62608_MAX_DNS)
			return fail(err, errlen, "at most %d IPv6 DNS servers",
				    I62608_MAX_DNS);
		memcpy(cfg->dns6[cfg->n_dns6++], a, 16);
		return 0;
	}
	return fail(err, errlen, "'%.64s' is not an IPv4 or IPv6 address", s);
}

int ctl_cfg_set_dhcp(struct ctl_cfg *cfg, int family, bool on, char *err,
		     size_t errlen)
{
	bool v4 = family == AF_INET;

	if (v4 ? cfg->has_dhcp4 : cfg->has_dhcp6)
		return fail(err, errlen, "%s given twice", v4 ? "DHCP" : "DHCPv6");
	if (on && (v4 ? cfg->n_addr4 : cfg->n_addr6))
		return fail(err, errlen, "a static %s address and %s exclude each other",
			    v4 ? "IPv4" : "IPv6", v4 ? "DHCP" : "DHCPv6");
	if (v4) {
		cfg->has_dhcp4 = true;
		cfg->dhcp4 = on;
	} else {
		cfg->has_dhcp6 = true;
		cfg->dhcp6 = on;
	}
	return 0;
}

/* [a-z0-9-] labels joined by single dots: the wire format's rule. */
static bool hostname_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > I62608_STR_MAX || s[0] == '.' || s[0] == '-' ||
	    s[n - 1] == '.' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
		if (c == '.' && s[i - 1] == '.')
			return false;
	}
	return true;
}

int ctl_cfg_set_hostname(struct ctl_cfg *cfg, const char *s, char *err,
			 size_t errlen)
{
	if (!hostname_ok(s))
		return fail(err, errlen,
			    "'%.64s' is not a host name: 1 to %d characters a-z 0-9 '-' '.', dot-separated labels, not starting or ending with '-' or '.'",
			    s, I62608_STR_MAX);
	if (cfg->hostname[0])
		return fail(err, errlen, "only one host name");
	snprintf(cfg->hostname, sizeof(cfg->hostname), "%s", s);
	return 0;
}

int ctl_cfg_set_iface(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen)
{
	size_t i, n = strlen(s);

	if (!n || n >= sizeof(cfg->iface) || !strcmp(s, ".") || !strcmp(s, ".."))
		return fail(err, errlen,
			    "'%.64s' is not an interface name (1 to 15 characters)", s);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == ':')
			return fail(err, errlen,
				    "'%.64s' is not an interface name (no '/', ':', space or control character)",
				    s);
	}
	if (cfg->iface[0])
		return fail(err, errlen, "only one device interface");
	memcpy(cfg->iface, s, n + 1);
	return 0;
}

/* Service names and setting keys: [a-z0-9] then [a-z0-9._-], 1..32. */
static bool token_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > I62608_STR_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (!i || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

int ctl_cfg_add_service(struct ctl_cfg *cfg, const char *name, bool on,
			char *err, size_t errlen)
{
	unsigned int i;

	if (!token_ok(name, strlen(name)))
		return fail(err, errlen,
			    "'%.64s' is not a service name: 1 to %d characters a-z 0-9 . _ -, starting with a letter or digit",
			    name, I62608_SVC_NAME_MAX);
	for (i = 0; i < cfg->n_svc; i++)
		if (!strcmp(cfg->svc[i].name, name))
			return fail(err, errlen, "service %s given twice", name);
	if (cfg->n_svc == I62608_MAX_SERVICES)
		return fail(err, errlen, "at most %d services", I62608_MAX_SERVICES);
	snprintf(cfg->svc[cfg->n_svc].name, sizeof(cfg->svc[0].name), "%s", name);
	cfg->svc[cfg->n_svc++].on = on;
	return 0;
}

int ctl_cfg_add_service_arg(struct ctl_cfg *cfg, const char *s, char *err,
			    size_t errlen)
{
	char name[I62608_SVC_NAME_MAX + 2];
	const char *eq = strchr(s, '=');
	size_t n;
	bool on;

	if (!eq)
		return fail(err, errlen, "'%.64s' is not NAME=on or NAME=off", s);
	if (!strcmp(eq + 1, "on"))
		on = true;
	else if (!strcmp(eq + 1, "off"))
		on = false;
	else
		return fail(err, errlen, "'%.64s': the state is on or off", s);
	n = (size_t)(eq - s);
	if (n >= sizeof(name))
		return fail(err, errlen,
			    "'%.64s' is not a service name: at most %d characters",
			    s, I62608_SVC_NAME_MAX);
	memcpy(name, s, n);
	name[n] = 0;
	return ctl_cfg_add_service(cfg, name, on, err, errlen);
}

static const char *const qos_names[I62608_QOS_MAX + 1] = {
	[I62608_QOS_BEST_EFFORT] = "best-effort",
	[I62608_QOS_BACKGROUND] = "background",
	[I62608_QOS_VIDEO] = "video",
	[I62608_QOS_VOICE] = "voice",
};

int ctl_cfg_set_qos(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen)
{
	unsigned int i;

	if (cfg->has_qos)
		return fail(err, errlen, "only one QoS class");
	for (i = 0; i < N(qos_names); i++) {
		if (!strcmp(s, qos_names[i])) {
			cfg->qos = (uint8_t)i;
			cfg->has_qos = true;
			return 0;
		}
	}
	return fail(err, errlen,
		    "'%.64s' is not a QoS class (best-effort, background, video, voice)",
		    s);
}

int ctl_cfg_add_setting(struct ctl_cfg *cfg, const char *key, const char *value,
			char *err, size_t errlen)
{
	size_t vlen = strlen(value);
	unsigned int i;

	if (!token_ok(key, strlen(key)))
		return fail(err, errlen,
			    "'%.64s' is not a setting key: 1 to %d characters a-z 0-9 . _ -, starting with a letter or digit",
			    key, I62608_STR_MAX);
	if (!vlen || vlen > I62608_KV_VALUE_MAX ||
	    !i62608_str_valid((const u8 *)value, vlen))
		return fail(err, errlen,
			    "the value of setting %s must be 1 to %d bytes of UTF-8 text without control characters",
			    key, I62608_KV_VALUE_MAX);
	for (i = 0; i < cfg->n_kv; i++)
		if (!strcmp(cfg->kv[i].key, key))
			return fail(err, errlen, "setting %s given twice", key);
	if (cfg->n_kv == I62608_MAX_SETTINGS)
		return fail(err, errlen, "at most %d settings", I62608_MAX_SETTINGS);
	snprintf(cfg->kv[cfg->n_kv].key, sizeof(cfg->kv[0].key), "%s", key);
	memcpy(cfg->kv[cfg->n_kv].value, value, vlen + 1);
	cfg->n_kv++;
	return 0;
}

int ctl_cfg_add_setting_arg(struct ctl_cfg *cfg, const char *s, char *err,
			    size_t errlen)
{
	char key[I62608_STR_MAX + 2];
	const char *eq = strchr(s, '=');
	size_t n;

	if (!eq)
		return fail(err, errlen, "'%.64s' is not KEY=VALUE", s);
	n = (size_t)(eq - s);
	if (n >= sizeof(key))
		return fail(err, errlen, "'%.64s': the key has more than %d characters",
			    s, I62608_STR_MAX);
	memcpy(key, s, n);
	key[n] = 0;
	return ctl_cfg_add_setting(cfg, key, eq + 1, err, errlen);
}

unsigned int ctl_cfg_items(const struct ctl_cfg *c)
{
	return !!c->iface[0] + c->n_addr4 + c->n_addr6 + c->has_gw4 +
	       c->has_gw6 + c->n_dns4 + c->n_dns6 + c->has_dhcp4 + c->has_dhcp6 +
	       !!c->hostname[0] + c->n_svc + c->has_qos + c->n_kv;
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

/* --opt VALUE or --opt=VALUE; *@i moves past what was used. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt,
			     size_t optlen, char *err, size_t errlen)
{
	const char *a = argv[*i];

	if (a[optlen] == '=')
		return a + optlen + 1;
	if (*i + 1 >= argc) {
		fail(err, errlen, "%s needs a value", opt);
		return NULL;
	}
	return argv[++*i];
}

enum {
	O_IPV4, O_GW, O_DNS, O_IPV6, O_GW6, O_DHCP, O_DHCP6, O_HOSTNAME,
	O_SERVICE, O_QOS, O_SET, O_IFACE, O_NO_WAIT, O_FILE,
};

static const struct {
	const char *name;
	bool value;
} opts[] = {
	[O_IPV4] = { "--ipv4", true },
	[O_GW] = { "--gw", true },
	[O_DNS] = { "--dns", true },
	[O_IPV6] = { "--ipv6", true },
	[O_GW6] = { "--gw6", true },
	[O_DHCP] = { "--dhcp", false },
	[O_DHCP6] = { "--dhcp6", false },
	[O_HOSTNAME] = { "--hostname", true },
	[O_SERVICE] = { "--service", true },
	[O_QOS] = { "--qos", true },
	[O_SET] = { "--set", true },
	[O_IFACE] = { "--iface", true },
	[O_NO_WAIT] = { "--no-wait", false },
	[O_FILE] = { "-f", true },
};

static int find_opt(const char *a, size_t *len)
{
	unsigned int i;

	for (i = 0; i < N(opts); i++) {
		size_t n = strlen(opts[i].name);

		if (!strncmp(a, opts[i].name, n) &&
		    (!a[n] || (a[n] == '=' && opts[i].value))) {
			*len = n;
			return (int)i;
		}
	}
	return -1;
}

int ctl_cfg_parse_args(struct ctl_cfg_cmd *c, int argc, char **argv,
		       char *err, size_t errlen)
{
	char sub[CTL_ERR_LEN];
	int i, ret;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		size_t len;
		int o;

		if (!strcmp(a, "dev")) {
			if (c->dev)
				return fail(err, errlen, "'dev' given twice");
			if (++i == argc)
				return fail(err, errlen, "'dev' needs an interface name");
			if (ctl_parse_ifname(argv[i], err, errlen))
				return -EINVAL;
			c->dev = argv[i];
			continue;
		}
		if (a[0] != '-') {
			if (c->has_mac)
				return fail(err, errlen, "unexpected argument '%.64s'", a);
			if (ctl_parse_mac(a, c->mac))
				return fail(err, errlen,
					    "'%.64s' is not a MAC address (xx:xx:xx:xx:xx:xx, hexadecimal)",
					    a);
			c->has_mac = true;
			continue;
		}
		o = find_opt(a, &len);
		if (o < 0)
			return fail(err, errlen, "unknown option '%.64s'", a);
		if (opts[o].value) {
			v = opt_value(argc, argv, &i, opts[o].name, len, err, errlen);
			if (!v)
				return -EINVAL;
		}
		if (o != O_NO_WAIT && o != O_FILE)
			c->has_items = true;
		sub[0] = 0;
		switch (o) {
		case O_IPV4:
			ret = ctl_cfg_add_ipv4(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_GW:
			ret = ctl_cfg_set_gw(&c->cfg, AF_INET, v, sub, sizeof(sub));
			break;
		case O_DNS:
			ret = ctl_cfg_add_dns(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_IPV6:
			ret = ctl_cfg_add_ipv6(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_GW6:
			ret = ctl_cfg_set_gw(&c->cfg, AF_INET6, v, sub, sizeof(sub));
			break;
		case O_DHCP:
			ret = ctl_cfg_set_dhcp(&c->cfg, AF_INET, true, sub, sizeof(sub));
			break;
		case O_DHCP6:
			ret = ctl_cfg_set_dhcp(&c->cfg, AF_INET6, true, sub, sizeof(sub));
			break;
		case O_HOSTNAME:
			ret = ctl_cfg_set_hostname(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_SERVICE:
			ret = ctl_cfg_add_service_arg(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_QOS:
			ret = ctl_cfg_set_qos(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_SET:
			ret = ctl_cfg_add_setting_arg(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_IFACE:
			ret = ctl_cfg_set_iface(&c->cfg, v, sub, sizeof(sub));
			break;
		case O_NO_WAIT:
			if (c->no_wait)
				return fail(err, errlen, "--no-wait given twice");
			c->no_wait = true;
			ret = 0;
			break;
		default: /* O_FILE */
			if (c->file)
				return fail(err, errlen, "-f given twice");
			if (!*v)
				return fail(err, errlen, "-f needs a file name");
			c->file = v;
			ret = 0;
			break;
		}
		if (ret)
			return fail(err, errlen, "%s: %s", opts[o].name, sub);
	}
	if (!c->has_mac)
		return fail(err, errlen, "missing the agent's MAC address");
	if (c->file && c->has_items)
		return fail(err, errlen,
			    "-f FILE holds the whole request: no item option with it");
	if (!c->file && !c->has_items)
		return fail(err, errlen,
			    "nothing to configure: give at least one item option, or -f FILE");
	if (ctl_cfg_items(&c->cfg) > I62608_MAX_CFG_ITEMS)
		return fail(err, errlen, "more than %d items in one request",
			    I62608_MAX_CFG_ITEMS);
	return 0;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/*
 * Just what a request needs: one object whose values are strings, true
 * and false, arrays of strings, and objects of strings or booleans. Any
 * other JSON (numbers, null, deeper nesting) is well-formed but not a
 * request: refused where it starts. Strings are decoded (escapes, \u with
 * surrogate pairs) into a bounded buffer; a NUL or invalid UTF-8 is an
 * error.
 */

#define JSON_STR_MAX 256

struct json {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
};

static int jfail(struct json *j, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int jfail(struct json *j, size_t at, const char *fmt, ...)
{
	char msg[CTL_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(j->err, j->errlen, "byte %zu: %s", at, msg);
	return -EINVAL;
}

static void jws(struct json *j)
{
	while (j->pos < j->len && (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' ||
				   j->s[j->pos] == '\n' || j->s[j->pos] == '\r'))
		j->pos++;
}

static int jpeek(struct json *j)
{
	jws(j);
	return j->pos < j->len ? (unsigned char)j->s[j->pos] : -1;
}

static int jexpect(struct json *j, char c, const char *what)
{
	if (jpeek(j) != c) {
		if (j->pos >= j->len)
			return jfail(j, j->pos, "the text ends where %s was expected", what);
		return jfail(j, j->pos, "expected %s", what);
	}
	j->pos++;
	return 0;
}

static int hex4(const char *p, unsigned int *v)
{
	unsigned int i, r = 0;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		r <<= 4;
		if (c >= '0' && c <= '9')
			r |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			r |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			r |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*v = r;
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
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
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string into @out (JSON_STR_MAX + 1 bytes); *@at is where it began. */
static int jstring(struct json *j, char *out, size_t *at)
{
	size_t n = 0;

	if (jpeek(j) != '"')
		return jfail(j, j->pos, "expected a string");
	*at = j->pos++;
	for (;;) {
		unsigned char c;
		unsigned int cp;

		if (j->pos >= j->len)
			return jfail(j, *at, "the string does not end");
		c = (unsigned char)j->s[j->pos];
		if (c == '"') {
			j->pos++;
			break;
		}
		if (c < 0x20)
			return jfail(j, j->pos, "a control character in a string");
		if (n + 4 > JSON_STR_MAX)
			return jfail(j, *at, "string longer than %d bytes", JSON_STR_MAX);
		if (c != '\\') {
			out[n++] = (char)c;
			j->pos++;
			continue;
		}
		if (j->pos + 1 >= j->len)
			return jfail(j, *at, "the string does not end");
		c = (unsigned char)j->s[j->pos + 1];
		j->pos += 2;
		switch (c) {
		case '"': out[n++] = '"'; continue;
		case '\\': out[n++] = '\\'; continue;
		case '/': out[n++] = '/'; continue;
		case 'b': out[n++] = '\b'; continue;
		case 'f': out[n++] = '\f'; continue;
		case 'n': out[n++] = '\n'; continue;
		case 'r': out[n++] = '\r'; continue;
		case 't': out[n++] = '\t'; continue;
		case 'u': break;
		default:
			return jfail(j, j->pos - 2, "unknown escape '\\%c'",
				     c >= 0x20 && c < 0x7f ? c : '?');
		}
		if (j->len - j->pos < 4 || hex4(j->s + j->pos, &cp))
			return jfail(j, j->pos - 2, "\\u needs four hexadecimal digits");
		j->pos += 4;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			unsigned int lo;

			if (j->len - j->pos < 6 || j->s[j->pos] != '\\' ||
			    j->s[j->pos + 1] != 'u' || hex4(j->s + j->pos + 2, &lo) ||
			    lo < 0xdc00 || lo > 0xdfff)
				return jfail(j, j->pos - 6, "a lone UTF-16 surrogate");
			j->pos += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return jfail(j, j->pos - 6, "a lone UTF-16 surrogate");
		}
		if (!cp)
			return jfail(j, j->pos - 6, "\\u0000 in a string");
		n += put_utf8(out + n, cp);
	}
	out[n] = 0;
	if (strlen(out) != n || !i62608_str_valid((const u8 *)out, n))
		return jfail(j, *at, "the string is not UTF-8 text without control characters");
	return 0;
}

static int jbool(struct json *j, bool *v)
{
	size_t left = j->len - j->pos;

	jws(j);
	left = j->len - j->pos;
	if (left >= 4 && !memcmp(j->s + j->pos, "true", 4)) {
		*v = true;
		j->pos += 4;
	} else if (left >= 5 && !memcmp(j->s + j->pos, "false", 5)) {
		*v = false;
		j->pos += 5;
	} else {
		return jfail(j, j->pos, "expected true or false");
	}
	/* "truex" is not a literal. */
	if (j->pos < j->len && ((j->s[j->pos] >= 'a' && j->s[j->pos] <= 'z') ||
				(j->s[j->pos] >= '0' && j->s[j->pos] <= '9')))
		return jfail(j, j->pos, "expected true or false");
	return 0;
}

/* Adds one value of a kind: the string parsers above. */
typedef int (*str_adder)(struct ctl_cfg *cfg, const char *s, char *err,
			 size_t errlen);

/* A string, or an array of strings when @many. */
static int jstrings(struct json *j, struct ctl_cfg *cfg, const char *key,
		    bool many, str_adder add)
{
	char v[JSON_STR_MAX + 1], sub[CTL_ERR_LEN];
	size_t at;
	bool first = true;

	if (jpeek(j) != '[') {
		if (jstring(j, v, &at))
			return -EINVAL;
		if (add(cfg, v, sub, sizeof(sub)))
			return jfail(j, at, "%s: %s", key, sub);
		return 0;
	}
	if (!many)
		return jfail(j, j->pos, "%s: one value, not an array", key);
	j->pos++;
	if (jpeek(j) == ']') {
		return jfail(j, j->pos, "%s: an empty array", key);
	}
	for (;;) {
		if (!first && jexpect(j, ',', "',' or ']'"))
			return -EINVAL;
		first = false;
		if (jstring(j, v, &at))
			return -EINVAL;
		if (add(cfg, v, sub, sizeof(sub)))
			return jfail(j, at, "%s: %s", key, sub);
		if (jpeek(j) == ']') {
			j->pos++;
			return 0;
		}
	}
}

/* "services": {"name": true|false, ...}, "settings": {"k": "v", ...} */
static int jmembers(struct json *j, struct ctl_cfg *cfg, bool services)
{
	char k[JSON_STR_MAX + 1], v[JSON_STR_MAX + 1], sub[CTL_ERR_LEN];
	const char *key = services ? "services" : "settings";
	bool first = true;
	size_t at, vat;
	int ret;

	if (jexpect(j, '{', "an object"))
		return -EINVAL;
	if (jpeek(j) == '}')
		return jfail(j, j->pos, "%s: an empty object", key);
	for (;;) {
		if (!first && jexpect(j, ',', "',' or '}'"))
			return -EINVAL;
		first = false;
		if (jstring(j, k, &at) || jexpect(j, ':', "':'"))
			return -EINVAL;
		if (services) {
			bool on;

			jws(j);
			vat = j->pos;
			if (jbool(j, &on))
				return -EINVAL;
			ret = ctl_cfg_add_service(cfg, k, on, sub, sizeof(sub));
			if (ret)
				return jfail(j, at, "%s: %s", key, sub);
		} else {
			if (jstring(j, v, &vat))
				return -EINVAL;
			ret = ctl_cfg_add_setting(cfg, k, v, sub, sizeof(sub));
			if (ret)
				return jfail(j, at, "%s: %s", key, sub);
		}
		if (jpeek(j) == '}') {
			j->pos++;
			return 0;
		}
	}
}

static int add_gw4(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen)
{
	return ctl_cfg_set_gw(cfg, AF_INET, s, err, errlen);
}

static int add_gw6(struct ctl_cfg *cfg, const char *s, char *err, size_t errlen)
{
	return ctl_cfg_set_gw(cfg, AF_INET6, s, err, errlen);
}

enum {
	J_IFACE, J_IPV4, J_GW, J_DNS, J_IPV6, J_GW6, J_DHCP, J_DHCP6,
	J_HOSTNAME, J_SERVICES, J_QOS, J_SETTINGS, J_N
};

static const char *const jkeys[J_N] = {
	[J_IFACE] = "iface", [J_IPV4] = "ipv4", [J_GW] = "gw", [J_DNS] = "dns",
	[J_IPV6] = "ipv6", [J_GW6] = "gw6", [J_DHCP] = "dhcp",
	[J_DHCP6] = "dhcp6", [J_HOSTNAME] = "hostname",
	[J_SERVICES] = "services", [J_QOS] = "qos", [J_SETTINGS] = "settings",
};

static int jvalue(struct json *j, struct ctl_cfg *cfg, int k)
{
	char sub[CTL_ERR_LEN];
	size_t at;
	bool on;

	switch (k) {
	case J_IFACE:
		return jstrings(j, cfg, jkeys[k], false, ctl_cfg_set_iface);
	case J_IPV4:
		return jstrings(j, cfg, jkeys[k], true, ctl_cfg_add_ipv4);
	case J_GW:
		return jstrings(j, cfg, jkeys[k], false, add_gw4);
	case J_DNS:
		return jstrings(j, cfg, jkeys[k], true, ctl_cfg_add_dns);
	case J_IPV6:
		return jstrings(j, cfg, jkeys[k], true, ctl_cfg_add_ipv6);
	case J_GW6:
		return jstrings(j, cfg, jkeys[k], false, add_gw6);
	case J_HOSTNAME:
		return jstrings(j, cfg, jkeys[k], false, ctl_cfg_set_hostname);
	case J_QOS:
		return jstrings(j, cfg, jkeys[k], false, ctl_cfg_set_qos);
	case J_DHCP:
	case J_DHCP6:
		jws(j);
		at = j->pos;
		if (jbool(j, &on))
			return -EINVAL;
		if (ctl_cfg_set_dhcp(cfg, k == J_DHCP ? AF_INET : AF_INET6, on,
				     sub, sizeof(sub)))
			return jfail(j, at, "%s: %s", jkeys[k], sub);
		return 0;
	case J_SERVICES:
		return jmembers(j, cfg, true);
	default:
		return jmembers(j, cfg, false);
	}
}

int ctl_cfg_parse_json(struct ctl_cfg *cfg, const char *text, size_t len,
		       char *err, size_t errlen)
{
	struct json j = { .s = text, .len = len, .err = err, .errlen = errlen };
	char key[JSON_STR_MAX + 1];
	bool seen[J_N] = {}, first = true;

	memset(cfg, 0, sizeof(*cfg));
	if (jexpect(&j, '{', "'{': the request is one JSON object"))
		return -EINVAL;
	if (jpeek(&j) == '}')
		return jfail(&j, j.pos, "the request is empty");
	for (;;) {
		size_t at;
		int k;

		if (!first && jexpect(&j, ',', "',' or '}'"))
			return -EINVAL;
		first = false;
		if (jstring(&j, key, &at))
			return -EINVAL;
		for (k = 0; k < J_N; k++)
			if (!strcmp(key, jkeys[k]))
				break;
		if (k == J_N)
			return jfail(&j, at, "unknown key \"%.40s\"", key);
		if (seen[k])
			return jfail(&j, at, "key \"%s\" given twice", key);
		seen[k] = true;
		if (jexpect(&j, ':', "':'") || jvalue(&j, cfg, k))
			return -EINVAL;
		if (jpeek(&j) == '}') {
			j.pos++;
			break;
		}
	}
	if (jpeek(&j) != -1)
		return jfail(&j, j.pos, "text after the request's object");
	if (ctl_cfg_items(cfg) > I62608_MAX_CFG_ITEMS)
		return fail(err, errlen, "more than %d items in one request",
			    I62608_MAX_CFG_ITEMS);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

int ctl_cfg_encode(const struct ctl_cfg *c, uint8_t *buf, size_t cap,
		   char *err, size_t errlen)
{
	struct i62608_frame m = { .type = I62608_MSG_CONFIG_REQUEST };
	struct i62608_w w;
	unsigned int i;
	int len;

	if (!ctl_cfg_items(c))
		return fail(err, errlen, "nothing to configure");
	if (cap > I62608_MAX_MSG)
		cap = I62608_MAX_MSG;
	/*
	 * The encoder writes whole messages: write the header too, and hand
	 * the kernel what follows it.
	 */
	i62608_w_init(&w, buf, (u16)cap);
	i62608_w_hdr(&w, &(struct i62608_w_hdr){ .type = I62608_MSG_CONFIG_REQUEST });
	if (c->iface[0])
		i62608_w_tlv(&w, I62608_TLV_CFG_IFACE, c->iface, (u16)strlen(c->iface));
	for (i = 0; i < c->n_addr4; i++) {
		struct i62608_tlv_cfg_addr4 a = { .plen = c->addr4[i].plen };

		memcpy(a.addr, c->addr4[i].addr, 4);
		i62608_w_tlv(&w, I62608_TLV_CFG_ADDR4, &a, sizeof(a));
	}
	for (i = 0; i < c->n_addr6; i++) {
		struct i62608_tlv_cfg_addr6 a = { .plen = c->addr6[i].plen };

		memcpy(a.addr, c->addr6[i].addr, 16);
		i62608_w_tlv(&w, I62608_TLV_CFG_ADDR6, &a, sizeof(a));
	}
	if (c->has_gw4)
		i62608_w_tlv(&w, I62608_TLV_CFG_GW4, c->gw4, 4);
	if (c->has_gw6)
		i62608_w_tlv(&w, I62608_TLV_CFG_GW6, c->gw6, 16);
	for (i = 0; i < c->n_dns4; i++)
		i62608_w_tlv(&w, I62608_TLV_CFG_DNS4, c->dns4[i], 4);
	for (i = 0; i < c->n_dns6; i++)
		i62608_w_tlv(&w, I62608_TLV_CFG_DNS6, c->dns6[i], 16);
	if (c->has_dhcp4)
		i62608_w_u8(&w, I62608_TLV_CFG_DHCP4, c->dhcp4);
	if (c->has_dhcp6)
		i62608_w_u8(&w, I62608_TLV_CFG_DHCP6, c->dhcp6);
	if (c->hostname[0])
		i62608_w_str(&w, I62608_TLV_CFG_HOSTNAME, c->hostname);
	for (i = 0; i < c->n_svc; i++) {
		i62608_w_nest_begin(&w, I62608_TLV_CFG_SERVICE);
		i62608_w_str(&w, I62608_SVC_NAME, c->svc[i].name);
		i62608_w_u8(&w, I62608_SVC_STATE,
			    c->svc[i].on ? I62608_SVC_ENABLED : I62608_SVC_DISABLED);
		i62608_w_nest_end(&w);
	}
	if (c->has_qos)
		i62608_w_u8(&w, I62608_TLV_CFG_QOS, c->qos);
	for (i = 0; i < c->n_kv; i++) {
		i62608_w_nest_begin(&w, I62608_TLV_CFG_SETTING);
		i62608_w_str(&w, I62608_KV_KEY, c->kv[i].key);
		/* Values may be longer than i62608_w_str()'s cut. */
		i62608_w_tlv(&w, I62608_KV_VALUE, c->kv[i].value,
			     (u16)strlen(c->kv[i].value));
		i62608_w_nest_end(&w);
	}
	len = i62608_w_finish(&w);
	if (len < 0 || len - (int)sizeof(struct i62608_hdr) >
	    I62608_MAX_MSG - (int)sizeof(struct i62608_hdr) - I62608_TAG_LEN) {
		snprintf(err, errlen, "the request does not fit one frame");
		return -EMSGSIZE;
	}
	len -= (int)sizeof(struct i62608_hdr);
	/* The kernel checks it so too; say it here, plainly. */
	m.body = buf + sizeof(struct i62608_hdr);
	m.body_len = (u16)len;
	if (i62608_wire_validate(&m))
		return fail(err, errlen, "the request does not validate as a CONFIG_REQUEST");
	memmove(buf, buf + sizeof(struct i62608_hdr), (size_t)len);
	return len;
}

static void fmt_ip(char *buf, size_t size, int family, const uint8_t *a)
{
	if (!inet_ntop(family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

void ctl_cfg_item_str(uint16_t type, const uint8_t *val, uint16_t len,
		      char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN], s[I62608_KV_VALUE_MAX + 1];
	struct i62608_elem t = { .type = type, .len = len, .val = val };
	struct i62608_elem n, k = {}, v = {};
	struct i62608_tlv_iter it;
	bool bad = false;

	switch (type) {
	case I62608_TLV_CFG_IFACE:
	case I62608_TLV_CFG_HOSTNAME:
		if (!len || len > I62608_STR_MAX)
			break;
		i62608_tlv_str(&t, s, sizeof(s));
		snprintf(buf, size, "%s %s",
			 type == I62608_TLV_CFG_IFACE ? "iface" : "hostname", s);
		return;
	case I62608_TLV_CFG_ADDR4:
	case I62608_TLV_CFG_ADDR6: {
		bool v4 = type == I62608_TLV_CFG_ADDR4;

		if (len != (v4 ? 5 : 17))
			break;
		fmt_ip(a, sizeof(a), v4 ? AF_INET : AF_INET6, val);
		snprintf(buf, size, "%s %s/%u", v4 ? "ipv4" : "ipv6", a,
			 val[v4 ? 4 : 16]);
		return;
	}
	case I62608_TLV_CFG_GW4:
	case I62608_TLV_CFG_DNS4:
		if (len != 4)
			break;
		fmt_ip(a, sizeof(a), AF_INET, val);
		snprintf(buf, size, "%s %s", type == I62608_TLV_CFG_GW4 ? "gw" : "dns", a);
		return;
	case I62608_TLV_CFG_GW6:
	case I62608_TLV_CFG_DNS6:
		if (len != 16)
			break;
		fmt_ip(a, sizeof(a), AF_INET6, val);
		snprintf(buf, size, "%s %s", type == I62608_TLV_CFG_GW6 ? "gw6" : "dns", a);
		return;
	case I62608_TLV_CFG_DHCP4:
	case I62608_TLV_CFG_DHCP6:
		if (len != 1)
			break;
		snprintf(buf, size, "%s %s", type == I62608_TLV_CFG_DHCP4 ? "dhcp" : "dhcp6",
			 val[0] ? "on" : "off");
		return;
	case I62608_TLV_CFG_QOS:
		if (len != 1)
			break;
		snprintf(buf, size, "qos %s", ctl_qos_name(val[0]));
		return;
	case I62608_TLV_CFG_SERVICE:
	case I62608_TLV_CFG_SETTING:
		i62608_tlv_iter_init(&it, val, len);
		while (!bad && i62608_tlv_next(&it, &n) > 0) {
			if (n.type == 1)
				k = n;
			else if (n.type == 2)
				v = n;
			bad = !n.len || n.len > I62608_KV_VALUE_MAX;
		}
		if (bad || !k.val || !v.val || k.len > I62608_STR_MAX)
			break;
		i62608_tlv_str(&k, a, sizeof(a));
		if (type == I62608_TLV_CFG_SERVICE) {
			if (v.len != 1)
				break;
			snprintf(buf, size, "service %s %s", a, v.val[0] ? "on" : "off");
		} else {
			i62608_tlv_str(&v, s, sizeof(s));
			snprintf(buf, size, "setting %s=%s", a, s);
		}
		return;
	}
	snprintf(buf, size, "item of type %u (%u bytes)", type, len);
}

const char *ctl_qos_name(unsigned int qos)
{
	return qos < N(qos_names) ? qos_names[qos] : "unknown";
}

static const char *const status_names[] = {
	[I62608_CFG_APPLIED] = "applied",
	[I62608_CFG_UNCHANGED] = "unchanged",
	[I62608_CFG_REFUSED] = "refused",
};

static const char *const reason_names[] = {
	[I62608_CFGR_NONE] = "none",
	[I62608_CFGR_UNSUPPORTED] = "unsupported",
	[I62608_CFGR_INVALID] = "invalid",
	[I62608_CFGR_CONFLICT] = "conflict",
	[I62608_CFGR_FAILED] = "failed",
	[I62608_CFGR_NO_IFACE] = "no_iface",
	[I62608_CFGR_NO_SERVICE] = "no_service",
	[I62608_CFGR_NO_HOOK] = "no_hook",
};

static const char *const outcome_names[] = {
	[I62608_OUTCOME_ACKED] = "acked",
	[I62608_OUTCOME_NACKED] = "nacked",
	[I62608_OUTCOME_TIMEOUT] = "timeout",
	[I62608_OUTCOME_AGENT_LOST] = "agent_lost",
	[I62608_OUTCOME_CANCELLED] = "cancelled",
};

#define NAME_OR(tab, i) ((i) < N(tab) && (tab)[i] ? (tab)[i] : "unknown")

const char *ctl_cfg_status_name(unsigned int status)
{
	return NAME_OR(status_names, status);
}

const char *ctl_cfg_reason_name(unsigned int reason)
{
	return NAME_OR(reason_names, reason);
}

const char *ctl_outcome_name(unsigned int outcome)
{
	return NAME_OR(outcome_names, outcome);
}

/* ------------------------------------------------------------------ */
/* Pairing codes                                                       */
/* ------------------------------------------------------------------ */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int crockford_val(char c)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'I' || c == 'L')
		c = '1';
	else if (c == 'O')
		c = '0';
	p = c ? strchr(crockford, c) : NULL;
	return p ? (int)(p - crockford) : -1;
}

int ctl_parse_code(const char *s, uint8_t code[10])
{
	uint8_t out[10] = {};
	unsigned int bits = 0, i, groups = 0, in_group = 0;

	for (i = 0; s[i]; i++) {
		int v;

		if (s[i] == '-') {
			/* Hyphens only between groups of four. */
			if (in_group != 4)
				return -EINVAL;
			in_group = 0;
			groups++;
			continue;
		}
		v = crockford_val(s[i]);
		if (v < 0 || bits >= 80)
			return -EINVAL;
		if (in_group == 4) {
			/* Ungrouped: XXXXXXXXXXXXXXXX, never half grouped. */
			if (groups)
				return -EINVAL;
			in_group = 0;
		}
		in_group++;
		/* 5 bits, most significant first. */
		for (int b = 4; b >= 0; b--, bits++)
			if (v >> b & 1)
				out[bits / 8] |= (uint8_t)(0x80 >> (bits % 8));
	}
	if (bits != 80 || in_group != 4 || (groups && groups != 3))
		return -EINVAL;
	memcpy(code, out, sizeof(out));
	return 0;
}

void ctl_fmt_code(const uint8_t code[10], char out[20])
{
	unsigned int i, bit, n = 0;

	for (i = 0, bit = 0; i < 16; i++, bit += 5) {
		unsigned int byte = bit / 8, shift = bit % 8;
		unsigned int v = (unsigned int)code[byte] << 8 |
			(byte + 1 < 10 ? code[byte + 1] : 0);

		if (i && !(i % 4))
			out[n++] = '-';
		out[n++] = crockford[(v >> (11 - shift)) & 31];
	}
	out[n] = 0;
}
