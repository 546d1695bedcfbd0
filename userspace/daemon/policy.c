// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the policy file (see policy.h, and docs/i62608d.md for the
 * grammar). One statement a line: words separated by blanks, a word in
 * double quotes may hold blanks (\" and \\ inside), a word starting with
 * '#' starts a comment. Global statements (lan, gateway, dns, pool) come
 * first; each "rule NAME" starts a rule, and the statements after it
 * belong to it up to the next one.
 */

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <linux/i62608.h>

#include "cfgparse.h"
#include "policy.h"
#include "report.h"

#define MAX_WORDS 24
/* What "FILE: N errors, the first M shown" needs at the end of @err. */
#define ERR_TAIL_ROOM 96
#define N(a) (sizeof(a) / sizeof((a)[0]))

struct parser {
	const char *fname;
	unsigned int line;
	char *err;
	size_t errlen, errpos;
	unsigned int n_errors, n_shown;
	struct policy *p;
	struct policy_rule *rule;	/* the rule being read, or NULL */
	bool has_lan, has_gateway, has_dns;
	bool skip_rule;			/* after a refused 'rule' line */
	unsigned int igmp_line;
	unsigned int lan_line;
	/* cloud_* keys given, and where (each once). */
	unsigned int n_cloud;
	char cloud_key[16][24];
	unsigned int cloud_line[16];
	unsigned int service_url_line, ident_line;
	unsigned int backend_line;
};

static void perr(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void perr(struct parser *ps, const char *fmt, ...)
{
	/* Room is kept for the count of the errors not shown (not in a tiny @err). */
	size_t reserve = ps->errlen > 2 * ERR_TAIL_ROOM ? ERR_TAIL_ROOM : 1;
	char msg[POLICY_MAX_LINE + 256];
	size_t len, sep = ps->errpos ? 1 : 0;
	va_list ap;
	int n;

	ps->n_errors++;
	if (ps->n_errors > POLICY_MAX_ERRORS || ps->errpos + sep + reserve >= ps->errlen)
		return;
	/* Line 0: the file as a whole. */
	if (ps->line)
		n = snprintf(msg, sizeof(msg), "%s:%u: ", ps->fname, ps->line);
	else
		n = snprintf(msg, sizeof(msg), "%s: ", ps->fname);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	len = strlen(msg);
	/* A message that does not fit whole is not shown, but counted. */
	if (reserve > 1 && ps->errpos + sep + len + reserve >= ps->errlen)
		return;
	if (sep)
		ps->err[ps->errpos++] = '\n';
	if (len > ps->errlen - ps->errpos - 1)
		len = ps->errlen - ps->errpos - 1;
	memcpy(ps->err + ps->errpos, msg, len);
	ps->errpos += len;
	ps->err[ps->errpos] = 0;
	ps->n_shown++;
}

/* A word for a message: control characters and non-ASCII as \xNN, cut. */
static const char *shown(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (*s && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}

#define SHOW(s) shown((s), (char[72]){ 0 }, 72)

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

/*
 * Split @line (NUL-terminated, modified in place) into words. Returns the
 * count, or -1 after reporting an error.
 */
static int split(struct parser *ps, char *line, char **words)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r || *r == '#')
			return n;
		if (n == MAX_WORDS) {
			perr(ps, "more than %d words on a line", MAX_WORDS);
			return -1;
		}
		words[n++] = w = r;
		if (*r == '"') {
			r++;
			for (;;) {
				if (!*r) {
					perr(ps, "a quoted word does not end");
					return -1;
				}
				if (*r == '"')
					break;
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
				*w++ = *r++;
			}
			r++;
			if (*r && *r != ' ' && *r != '\t') {
				perr(ps, "a quoted word must be followed by a blank");
				return -1;
			}
		} else {
			while (*r && *r != ' ' && *r != '\t') {
				unsigned char c = (unsigned char)*r;

				if (c < 0x20 || c == 0x7f) {
					perr(ps, "control character 0x%02x", c);
					return -1;
				}
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w = 0;
	}
}

/* Names of rules and pools: 1-32 of [a-z0-9._-], starting alphanumeric. */
static bool name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > POLICY_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (i && (c == '.' || c == '_' || c == '-'))))
			return false;
	}
	return true;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;
	size_t i, n = strlen(s);

	if (!n || n > 10 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > max)
		return -ERANGE;
	*v = (uint32_t)x;
	return 0;
}

static int parse_ip4(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*a = ntohl(in.s_addr);
	return 0;
}

static void fmt_ip4(uint32_t a, char *buf, size_t size)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)size);
}

static uint32_t mask_of(uint8_t plen)
{
	return plen ? ~0U << (32 - plen) : 0;
}

static bool on_lan(const struct policy *p, uint32_t a)
{
	return (a & mask_of(p->lan_plen)) == p->lan;
}

/* A host address of the LAN: not its network or broadcast address. */
static bool lan_host(const struct policy *p, uint32_t a)
{
	uint32_t m = mask_of(p->lan_plen);

	return on_lan(p, a) && (p->lan_plen >= 31 ||
				((a & ~m) != 0 && (a & ~m) != ~m));
}

/* ------------------------------------------------------------------ */
/* Global statements                                                   */
/* ------------------------------------------------------------------ */

static void st_lan(struct parser *ps, int n, char **w)
{
	char *slash, buf[INET_ADDRSTRLEN];
	uint32_t a, plen;

	if (n != 2) {
		perr(ps, "lan: expected 'lan A.B.C.D/LEN'");
		return;
	}
	if (ps->has_lan) {
		perr(ps, "lan given twice (first on line %u)", ps->lan_line);
		return;
	}
	slash = strchr(w[1], '/');
	if (!slash || (size_t)(slash - w[1]) >= sizeof(buf)) {
		perr(ps, "lan: '%s' is not A.B.C.D/LEN", SHOW(w[1]));
		return;
	}
	memcpy(buf, w[1], (size_t)(slash - w[1]));
	buf[slash - w[1]] = 0;
	if (parse_ip4(buf, &a) || parse_u32(slash + 1, 32, &plen)) {
		perr(ps, "lan: '%s' is not A.B.C.D/LEN", SHOW(w[1]));
		return;
	}
	if (plen < 8 || plen > 30) {
		perr(ps, "lan: prefix length %u: a LAN is /8 to /30", plen);
		return;
	}
	if (a & ~mask_of((uint8_t)plen)) {
		fmt_ip4(a & mask_of((uint8_t)plen), buf, sizeof(buf));
		perr(ps, "lan: '%s' has host bits set (the network is %s/%u)",
		     SHOW(w[1]), buf, plen);
		return;
	}
	ps->p->lan = a;
	ps->p->lan_plen = (uint8_t)plen;
	ps->has_lan = true;
	ps->lan_line = ps->line;
}

static bool need_lan(struct parser *ps, const char *what)
{
	if (ps->has_lan)
		return true;
	perr(ps, "%s: 'lan' must come first", what);
	return false;
}

static void st_gateway(struct parser *ps, int n, char **w)
{
	uint32_t a;

	if (n != 2) {
		perr(ps, "gateway: expected 'gateway A.B.C.D'");
		return;
	}
	if (!need_lan(ps, "gateway"))
		return;
	if (ps->has_gateway) {
		perr(ps, "gateway given twice");
		return;
	}
	if (parse_ip4(w[1], &a)) {
		perr(ps, "gateway: '%s' is not an IPv4 address", SHOW(w[1]));
		return;
	}
	if (!lan_host(ps->p, a)) {
		perr(ps, "gateway: %s is not a host address of the lan", SHOW(w[1]));
		return;
	}
	ps->p->gateway = a;
	ps->has_gateway = true;
}

static void st_dns(struct parser *ps, int n, char **w)
{
	int i;

	if (n < 2 || n > 3) {
		perr(ps, "dns: expected 'dns A.B.C.D [A.B.C.D]'");
		return;
	}
	if (ps->has_dns) {
		perr(ps, "dns given twice");
		return;
	}
	for (i = 1; i < n; i++) {
		if (parse_ip4(w[i], &ps->p->dns[i - 1])) {
			perr(ps, "dns: '%s' is not an IPv4 address", SHOW(w[i]));
			return;
		}
	}
	if (n == 3 && ps->p->dns[0] == ps->p->dns[1]) {
		perr(ps, "dns: %s given twice", SHOW(w[1]));
		return;
	}
	ps->p->n_dns = (unsigned int)n - 1;
	ps->has_dns = true;
}

static void st_pool(struct parser *ps, int n, char **w)
{
	struct policy *p = ps->p;
	struct policy_pool *pool;
	uint32_t first, last;
	unsigned int i;

	if (n != 4) {
		perr(ps, "pool: expected 'pool NAME FIRST LAST'");
		return;
	}
	if (!need_lan(ps, "pool"))
		return;
	if (!name_ok(w[1])) {
		perr(ps, "pool: '%s' is not a name (1 to %d of a-z 0-9 . _ -, starting with a letter or digit)",
		     SHOW(w[1]), POLICY_NAME_MAX);
		return;
	}
	if (policy_pool_find(p, w[1]) >= 0) {
		perr(ps, "pool %s: defined twice (first on line %u)", w[1],
		     p->pools[policy_pool_find(p, w[1])].line);
		return;
	}
	if (p->n_pools == POLICY_MAX_POOLS) {
		perr(ps, "more than %d pools", POLICY_MAX_POOLS);
		return;
	}
	if (parse_ip4(w[2], &first) || parse_ip4(w[3], &last)) {
		perr(ps, "pool %s: '%s' or '%s' is not an IPv4 address", w[1],
		     SHOW(w[2]), SHOW(w[3]));
		return;
	}
	if (!lan_host(p, first) || !lan_host(p, last)) {
		perr(ps, "pool %s: %s-%s is not inside the lan's host addresses",
		     w[1], w[2], w[3]);
		return;
	}
	if (first > last) {
		perr(ps, "pool %s: %s comes after %s", w[1], w[2], w[3]);
		return;
	}
	for (i = 0; i < p->n_pools; i++) {
		if (first <= p->pools[i].last && p->pools[i].first <= last) {
			perr(ps, "pool %s overlaps pool %s (line %u)", w[1],
			     p->pools[i].name, p->pools[i].line);
			return;
		}
	}
	pool = &p->pools[p->n_pools++];
	snprintf(pool->name, sizeof(pool->name), "%s", w[1]);
	pool->first = first;
	pool->last = last;
	pool->line = ps->line;
}

/* The kernel's rules for an interface name, without blank, '/' or ':'. */
static bool ifname_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/' || s[i] == ':' ||
		    s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

static bool path_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n >= POLICY_PATH_MAX || s[0] != '/')
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void st_iface(struct parser *ps, int n, char **w, char *dst)
{
	if (n != 2) {
		perr(ps, "%s: expected '%s IFNAME'", w[0], w[0]);
		return;
	}
	if (*dst) {
		perr(ps, "%s given twice", w[0]);
		return;
	}
	if (!ifname_ok(w[1])) {
		perr(ps, "%s: '%s' is not an interface name (1 to 15 characters, no blank, '/' or ':')",
		     w[0], SHOW(w[1]));
		return;
	}
	strcpy(dst, w[1]);
}

static void st_wan(struct parser *ps, int n, char **w)
{
	st_iface(ps, n, w, ps->p->gw.wan);
}

static void st_lan_if(struct parser *ps, int n, char **w)
{
	st_iface(ps, n, w, ps->p->gw.lan_if);
}

static void st_dhcp_hosts(struct parser *ps, int n, char **w)
{
	struct policy_gateway *g = &ps->p->gw;

	if (n != 2 && !(n == 4 && !strcmp(w[2], "pid"))) {
		perr(ps, "dhcp-hosts: expected 'dhcp-hosts PATH [pid PATH]'");
		return;
	}
	if (g->dhcp_hosts[0]) {
		perr(ps, "dhcp-hosts given twice");
		return;
	}
	if (!path_ok(w[1]) || (n == 4 && !path_ok(w[3]))) {
		perr(ps, "dhcp-hosts: '%s' is not an absolute path (at most %d bytes)",
		     SHOW(path_ok(w[1]) ? w[3] : w[1]), POLICY_PATH_MAX - 1);
		return;
	}
	strcpy(g->dhcp_hosts, w[1]);
	strcpy(g->dnsmasq_pid, n == 4 ? w[3] : "/run/dnsmasq/dnsmasq.pid");
}

static void st_igmp_proxy(struct parser *ps, int n, char **w)
{
	struct policy_gateway *g = &ps->p->gw;
	char buf[INET_ADDRSTRLEN];
	int i;

	if (n < 2 || n % 2) {
		perr(ps, "igmp-proxy: expected 'igmp-proxy UPSTREAM [altnet A.B.C.D/LEN]...'");
		return;
	}
	if (g->igmp_upstream[0]) {
		perr(ps, "igmp-proxy given twice");
		return;
	}
	if (!ifname_ok(w[1])) {
		perr(ps, "igmp-proxy: '%s' is not an interface name", SHOW(w[1]));
		return;
	}
	for (i = 2; i < n; i += 2) {
		char *slash = strchr(w[i + 1], '/');
		uint32_t a, len;

		if (strcmp(w[i], "altnet")) {
			perr(ps, "igmp-proxy: '%s' is not altnet", SHOW(w[i]));
			return;
		}
		if (g->n_altnets == POLICY_MAX_ALTNETS) {
			perr(ps, "igmp-proxy: at most %d altnets", POLICY_MAX_ALTNETS);
			return;
		}
		if (!slash || (size_t)(slash - w[i + 1]) >= sizeof(buf)) {
			perr(ps, "igmp-proxy: altnet '%s' is not A.B.C.D/LEN", SHOW(w[i + 1]));
			return;
		}
		memcpy(buf, w[i + 1], (size_t)(slash - w[i + 1]));
		buf[slash - w[i + 1]] = 0;
		if (parse_ip4(buf, &a) || parse_u32(slash + 1, 32, &len) ||
		    (a & ~mask_of((uint8_t)len))) {
			perr(ps, "igmp-proxy: altnet '%s' is not A.B.C.D/LEN without host bits",
			     SHOW(w[i + 1]));
			return;
		}
		g->altnet[g->n_altnets] = a;
		g->altnet_len[g->n_altnets++] = (uint8_t)len;
	}
	strcpy(g->igmp_upstream, w[1]);
	ps->igmp_line = ps->line;
}

/*
 * cloud_KEY VALUE: a setting of the cloud client (cloud_conf_set(), whose
 * keys are those of docs/cloud-api.md without the "cloud_" prefix).
 */
static void st_cloud(struct parser *ps, int n, char **w)
{
	const char *key = w[0] + strlen("cloud_");
	char err[256];
	unsigned int i;

	if (strspn(key, "abcdefghijklmnopqrstuvwxyz_") != strlen(key)) {
		perr(ps, "unknown statement '%s'", SHOW(w[0]));
		return;
	}
	if (n != 2) {
		perr(ps, "%s: expected '%s VALUE'", w[0], w[0]);
		return;
	}
	for (i = 0; i < ps->n_cloud; i++) {
		if (!strcmp(ps->cloud_key[i], key)) {
			perr(ps, "%s given twice (first on line %u)", w[0],
			     ps->cloud_line[i]);
			return;
		}
	}
	if (!ps->p->has_cloud) {
		cloud_conf_init(&ps->p->cloud);
		ps->p->has_cloud = true;
	}
	if (cloud_conf_set(&ps->p->cloud, key, w[1], err, sizeof(err))) {
		perr(ps, "%s", err);
		return;
	}
	/* Known keys are short: cloud_conf_set() took it. */
	if (ps->n_cloud < N(ps->cloud_key) && strlen(key) < sizeof(ps->cloud_key[0])) {
		strcpy(ps->cloud_key[ps->n_cloud], key);
		ps->cloud_line[ps->n_cloud++] = ps->line;
	}
	if (!strcmp(key, "service_url"))
		ps->service_url_line = ps->line;
}

/* 1 to POLICY_IDENT_MAX printable ASCII characters. */
static bool ident_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > POLICY_IDENT_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/* identity vendor V model M [serial S] [firmware F] */
static void st_identity(struct parser *ps, int n, char **w)
{
	struct policy_identity *id = &ps->p->ident;
	int i;

	if (ps->ident_line) {
		perr(ps, "identity given twice (first on line %u)", ps->ident_line);
		return;
	}
	if (n < 5 || n % 2 == 0) {
		perr(ps, "identity: expected 'identity vendor V model M [serial S] [firmware F]'");
		return;
	}
	for (i = 1; i < n; i += 2) {
		char *dst;

		if (!strcmp(w[i], "vendor"))
			dst = id->vendor;
		else if (!strcmp(w[i], "model"))
			dst = id->model;
		else if (!strcmp(w[i], "serial"))
			dst = id->serial;
		else if (!strcmp(w[i], "firmware"))
			dst = id->firmware;
		else {
			perr(ps, "identity: '%s' is not vendor, model, serial or firmware",
			     SHOW(w[i]));
			return;
		}
		if (*dst) {
			perr(ps, "identity: %s given twice", w[i]);
			return;
		}
		if (!ident_ok(w[i + 1])) {
			perr(ps, "identity: %s '%s' is not 1 to %d printable ASCII characters",
			     w[i], SHOW(w[i + 1]), POLICY_IDENT_MAX);
			return;
		}
		strcpy(dst, w[i + 1]);
	}
	if (!id->vendor[0] || !id->model[0]) {
		perr(ps, "identity: vendor and model are required");
		return;
	}
	ps->ident_line = ps->line;
}

/* An http:// URL the UPnP library takes: no blank, quote or control. */
static bool http_url_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (strncmp(s, "http://", 7) || n <= 7 || n >= POLICY_PATH_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

/* gateway-backend nftables | gateway-backend upnp URL|discover [lease SECONDS] */
static void st_gateway_backend(struct parser *ps, int n, char **w)
{
	struct policy_gateway *g = &ps->p->gw;
	uint32_t lease = 0;

	if (ps->backend_line) {
		perr(ps, "gateway-backend given twice (first on line %u)",
		     ps->backend_line);
		return;
	}
	if (n == 2 && !strcmp(w[1], "nftables")) {
		g->fwd_backend = POLICY_FWD_NFTABLES;
		ps->backend_line = ps->line;
		return;
	}
	if (!((n == 3 || (n == 5 && !strcmp(w[3], "lease"))) && !strcmp(w[1], "upnp"))) {
		perr(ps, "gateway-backend: expected 'gateway-backend nftables' or 'gateway-backend upnp URL|discover [lease SECONDS]'");
		return;
	}
	if (strcmp(w[2], "discover") && !http_url_ok(w[2])) {
		perr(ps, "gateway-backend: '%s' is not an http:// URL (the IGD's root description) or discover",
		     SHOW(w[2]));
		return;
	}
	if (n == 5 && (parse_u32(w[4], 604800, &lease) || (lease && lease < 60))) {
		perr(ps, "gateway-backend: lease '%s' is not 0 (permanent) or 60 to 604800 seconds",
		     SHOW(w[4]));
		return;
	}
	g->fwd_backend = POLICY_FWD_UPNP;
	snprintf(g->upnp_url, sizeof(g->upnp_url), "%s",
		 strcmp(w[2], "discover") ? w[2] : "");
	g->upnp_lease_s = lease;
	ps->backend_line = ps->line;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

static void st_rule(struct parser *ps, int n, char **w)
{
	struct policy *p = ps->p;
	struct policy_rule *r;
	unsigned int i;

	ps->rule = NULL;
	if (n != 2) {
		perr(ps, "rule: expected 'rule NAME'");
		return;
	}
	if (!name_ok(w[1])) {
		perr(ps, "rule: '%s' is not a name (1 to %d of a-z 0-9 . _ -, starting with a letter or digit)",
		     SHOW(w[1]), POLICY_NAME_MAX);
		return;
	}
	for (i = 0; i < p->n_rules; i++) {
		if (!strcmp(p->rules[i].name, w[1])) {
			perr(ps, "rule %s: defined twice (first on line %u)",
			     w[1], p->rules[i].line);
			return;
		}
	}
	if (p->n_rules == POLICY_MAX_RULES) {
		perr(ps, "more than %d rules", POLICY_MAX_RULES);
		return;
	}
	if (!(p->n_rules & 7)) {
		void *v = realloc(p->rules, (p->n_rules + 8) * sizeof(*p->rules));

		if (!v) {
			perr(ps, "out of memory");
			return;
		}
		p->rules = v;
	}
	r = &p->rules[p->n_rules++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", w[1]);
	r->line = ps->line;
	r->pool = -1;
	r->multicast = -1;
	ps->rule = r;
}

static int parse_mac_prefix(const char *s, struct policy_value *v)
{
	char buf[18];
	const char *slash = strchr(s, '/');
	uint32_t bits = 48;
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int i;

	if (alen != 17)
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = 0;
	if (ctl_parse_mac(buf, v->mac))
		return -EINVAL;
	if (slash && (parse_u32(slash + 1, 48, &bits) || !bits))
		return -EINVAL;
	v->mac_bits = (uint8_t)bits;
	/* No bits past the prefix: "02:11:22:00:00:00/24" */
	for (i = bits; i < 48; i++)
		if (v->mac[i / 8] & (0x80 >> (i % 8)))
			return -ERANGE;
	return 0;
}

static void st_match(struct parser *ps, int n, char **w)
{
	struct policy_rule *r = ps->rule;
	struct policy_match *m;
	int i;

	if (n < 3) {
		perr(ps, "match: expected 'match type|vendor|model|mac VALUE...'");
		return;
	}
	if (n - 2 > POLICY_MAX_VALUES) {
		perr(ps, "match: more than %d values", POLICY_MAX_VALUES);
		return;
	}
	if (r->n_matches == POLICY_MAX_MATCHES) {
		perr(ps, "rule %s: more than %d match lines", r->name,
		     POLICY_MAX_MATCHES);
		return;
	}
	m = &r->matches[r->n_matches];
	memset(m, 0, sizeof(*m));
	if (!strcmp(w[1], "type"))
		m->kind = POLICY_MATCH_TYPE;
	else if (!strcmp(w[1], "vendor"))
		m->kind = POLICY_MATCH_VENDOR;
	else if (!strcmp(w[1], "model"))
		m->kind = POLICY_MATCH_MODEL;
	else if (!strcmp(w[1], "mac"))
		m->kind = POLICY_MATCH_MAC;
	else {
		perr(ps, "match: '%s' is not type, vendor, model or mac", SHOW(w[1]));
		return;
	}
	for (i = 2; i < n; i++) {
		struct policy_value *v = &m->values[m->n_values++];
		int t;

		switch (m->kind) {
		case POLICY_MATCH_TYPE:
			t = i62608_device_type_parse(w[i]);
			if (t < 0) {
				perr(ps, "match type: '%s' is not a device type (tv, stb, recorder, nas, audio, game_console, iot, media_player, other)",
				     SHOW(w[i]));
				return;
			}
			v->type = (uint8_t)t;
			break;
		case POLICY_MATCH_VENDOR:
		case POLICY_MATCH_MODEL:
			if (!*w[i] || strlen(w[i]) > POLICY_NAME_MAX) {
				perr(ps, "match %s: a pattern is 1 to %d bytes", w[1],
				     POLICY_NAME_MAX);
				return;
			}
			strcpy(v->pattern, w[i]);
			break;
		case POLICY_MATCH_MAC:
			t = parse_mac_prefix(w[i], v);
			if (t == -ERANGE) {
				perr(ps, "match mac: '%s' has bits set past its prefix length",
				     SHOW(w[i]));
				return;
			}
			if (t) {
				perr(ps, "match mac: '%s' is not xx:xx:xx:xx:xx:xx[/1-48]",
				     SHOW(w[i]));
				return;
			}
			break;
		}
	}
	r->n_matches++;
}

static void st_address(struct parser *ps, int n, char **w)
{
	struct policy_rule *r = ps->rule;
	int pool;

	if (r->has_address) {
		perr(ps, "rule %s: address given twice", r->name);
		return;
	}
	if (n == 2 && !strcmp(w[1], "dhcp")) {
		r->addr_mode = POLICY_ADDR_DHCP;
	} else if (n == 2 && !strcmp(w[1], "keep")) {
		r->addr_mode = POLICY_ADDR_KEEP;
	} else if (n == 3 && (!strcmp(w[1], "static") || !strcmp(w[1], "reserve"))) {
		pool = policy_pool_find(ps->p, w[2]);
		if (pool < 0) {
			perr(ps, "address %s: no pool named '%s' (pools are defined before the rules)",
			     w[1], SHOW(w[2]));
			return;
		}
		r->addr_mode = !strcmp(w[1], "static") ? POLICY_ADDR_STATIC :
			POLICY_ADDR_RESERVE;
		r->pool = pool;
	} else {
		perr(ps, "address: expected 'address static POOL', 'address reserve POOL', 'address dhcp' or 'address keep'");
		return;
	}
	r->has_address = true;
}

void policy_qos_defaults(uint8_t class, struct policy_qos *q)
{
	/* RFC 4594's classes: CS1 background, AF41 video, EF voice. */
	static const struct policy_qos d[] = {
		[I62608_QOS_BEST_EFFORT] = { I62608_QOS_BEST_EFFORT, 0, 0 },
		[I62608_QOS_BACKGROUND] = { I62608_QOS_BACKGROUND, 8, 1 },
		[I62608_QOS_VIDEO] = { I62608_QOS_VIDEO, 34, 5 },
		[I62608_QOS_VOICE] = { I62608_QOS_VOICE, 46, 6 },
	};

	*q = d[class <= I62608_QOS_MAX ? class : 0];
}

static void st_qos(struct parser *ps, int n, char **w)
{
	struct policy_rule *r = ps->rule;
	bool has_dscp = false, has_prio = false;
	uint32_t v;
	int i, class = -1;

	if (r->has_qos) {
		perr(ps, "rule %s: qos given twice", r->name);
		return;
	}
	if (n < 2 || n % 2) {
		perr(ps, "qos: expected 'qos CLASS [dscp 0-63] [priority 0-7]'");
		return;
	}
	for (i = 0; i <= I62608_QOS_MAX; i++)
		if (!strcmp(w[1], ctl_qos_name((unsigned int)i)))
			class = i;
	if (class < 0) {
		perr(ps, "qos: '%s' is not a class (best-effort, background, video, voice)",
		     SHOW(w[1]));
		return;
	}
	policy_qos_defaults((uint8_t)class, &r->qos);
	for (i = 2; i < n; i += 2) {
		if (!strcmp(w[i], "dscp") && !has_dscp) {
			if (parse_u32(w[i + 1], 63, &v)) {
				perr(ps, "qos: dscp '%s' is not 0 to 63", SHOW(w[i + 1]));
				return;
			}
			r->qos.dscp = (uint8_t)v;
			has_dscp = true;
		} else if (!strcmp(w[i], "priority") && !has_prio) {
			if (parse_u32(w[i + 1], 7, &v)) {
				perr(ps, "qos: priority '%s' is not 0 to 7", SHOW(w[i + 1]));
				return;
			}
			r->qos.priority = (uint8_t)v;
			has_prio = true;
		} else {
			perr(ps, "qos: '%s' is not dscp or priority, or given twice",
			     SHOW(w[i]));
			return;
		}
	}
	r->has_qos = true;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint32_t v;

	if (parse_u32(s, 65535, &v) || !v)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static void st_forward(struct parser *ps, int n, char **w)
{
	struct policy_rule *r = ps->rule;
	struct policy_forward f = {};
	unsigned int i;

	if (n != 3 && !(n == 5 && !strcmp(w[3], "to"))) {
		perr(ps, "forward: expected 'forward tcp|udp PORT [to PORT]'");
		return;
	}
	if (!strcmp(w[1], "tcp"))
		f.proto = IPPROTO_TCP;
	else if (!strcmp(w[1], "udp"))
		f.proto = IPPROTO_UDP;
	else {
		perr(ps, "forward: '%s' is not tcp or udp", SHOW(w[1]));
		return;
	}
	if (parse_port(w[2], &f.port) || (n == 5 && parse_port(w[4], &f.to_port))) {
		perr(ps, "forward: '%s' is not a port (1-65535)",
		     SHOW(parse_port(w[2], &f.port) ? w[2] : w[4]));
		return;
	}
	if (n == 3)
		f.to_port = f.port;
	for (i = 0; i < r->n_forwards; i++) {
		if (r->forwards[i].proto == f.proto && r->forwards[i].port == f.port) {
			perr(ps, "forward: %s port %u given twice in rule %s", w[1],
			     f.port, r->name);
			return;
		}
	}
	if (r->n_forwards == POLICY_MAX_FORWARDS) {
		perr(ps, "rule %s: more than %d forwards", r->name,
		     POLICY_MAX_FORWARDS);
		return;
	}
	r->forwards[r->n_forwards++] = f;
}

static int parse_bool(const char *s, const char *yes, const char *no)
{
	if (!strcmp(s, yes))
		return 1;
	if (!strcmp(s, no))
		return 0;
	return -1;
}

static void st_multicast(struct parser *ps, int n, char **w)
{
	struct policy_rule *r = ps->rule;
	int v;

	if (r->multicast >= 0) {
		perr(ps, "rule %s: multicast given twice", r->name);
		return;
	}
	v = n == 2 ? parse_bool(w[1], "yes", "no") : -1;
	if (v < 0) {
		perr(ps, "multicast: expected 'multicast yes' or 'multicast no'");
		return;
	}
	r->multicast = v;
}

/* The protocol's service names: 1-32 of [a-z0-9._-], alphanumeric first. */
static void st_service(struct parser *ps, int n, char **w)
{
	struct policy_rule *r = ps->rule;
	unsigned int i;
	int on;

	on = n == 3 ? parse_bool(w[2], "on", "off") : -1;
	if (on < 0) {
		perr(ps, "service: expected 'service NAME on' or 'service NAME off'");
		return;
	}
	if (!name_ok(w[1])) {
		perr(ps, "service: '%s' is not a service name (1 to %d of a-z 0-9 . _ -, starting with a letter or digit)",
		     SHOW(w[1]), POLICY_NAME_MAX);
		return;
	}
	for (i = 0; i < r->n_services; i++) {
		if (!strcmp(r->services[i].name, w[1])) {
			perr(ps, "service %s given twice in rule %s", w[1], r->name);
			return;
		}
	}
	if (r->n_services == POLICY_MAX_SERVICES) {
		perr(ps, "rule %s: more than %d services", r->name,
		     POLICY_MAX_SERVICES);
		return;
	}
	snprintf(r->services[r->n_services].name, sizeof(r->services[0].name),
		 "%s", w[1]);
	r->services[r->n_services++].on = on;
}

struct statement {
	const char *word;
	bool in_rule;		/* false: global, before the first rule */
	void (*fn)(struct parser *ps, int n, char **w);
};

static const struct statement statements[] = {
	{ "lan", false, st_lan },
	{ "gateway", false, st_gateway },
	{ "dns", false, st_dns },
	{ "pool", false, st_pool },
	{ "wan", false, st_wan },
	{ "lan-interface", false, st_lan_if },
	{ "dhcp-hosts", false, st_dhcp_hosts },
	{ "igmp-proxy", false, st_igmp_proxy },
	{ "identity", false, st_identity },
	{ "gateway-backend", false, st_gateway_backend },
	{ "match", true, st_match },
	{ "address", true, st_address },
	{ "qos", true, st_qos },
	{ "forward", true, st_forward },
	{ "multicast", true, st_multicast },
	{ "service", true, st_service },
	/* Every cloud_KEY: its word is a prefix. */
	{ "cloud_", false, st_cloud },
};

static void statement(struct parser *ps, int n, char **w)
{
	size_t i;

	if (!strcmp(w[0], "rule")) {
		ps->rule = NULL;
		if (need_lan(ps, "rule"))
			st_rule(ps, n, w);
		/* Statements of a refused rule are not checked against it. */
		ps->skip_rule = !ps->rule;
		return;
	}
	for (i = 0; i < N(statements); i++) {
		bool cloud = !strncmp(w[0], "cloud_", 6) &&
			statements[i].fn == st_cloud;

		if (strcmp(w[0], statements[i].word) && !cloud)
			continue;
		if (statements[i].in_rule && !ps->rule) {
			if (!ps->skip_rule)
				perr(ps, "%s: only inside a rule ('rule NAME' first)",
				     w[0]);
			return;
		}
		if (!statements[i].in_rule && (ps->p->n_rules || ps->skip_rule)) {
			perr(ps, "%s: global statements come before the first rule",
			     w[0]);
			return;
		}
		statements[i].fn(ps, n, w);
		return;
	}
	perr(ps, "unknown statement '%s' (lan, gateway, dns, pool, wan, lan-interface, dhcp-hosts, igmp-proxy, gateway-backend, identity, cloud_*, rule, match, address, qos, forward, multicast, service)",
	     SHOW(w[0]));
}

/* Checks of the whole policy, reported on the line of what is wrong. */
static void check_all(struct parser *ps)
{
	struct policy *p = ps->p;
	unsigned int i, j;

	if (!ps->has_lan) {
		ps->line = 0;
		perr(ps, "no 'lan' statement: the policy must say which network the LAN is");
		return;
	}
	if (!ps->has_gateway)
		p->gateway = p->lan + 1;
	if (!ps->has_dns) {
		p->dns[0] = p->gateway;
		p->n_dns = 1;
	}
	if (ps->service_url_line && !ps->ident_line) {
		ps->line = ps->service_url_line;
		perr(ps, "cloud_service_url needs 'identity vendor V model M': the registration names the gateway");
	}
	ps->line = ps->igmp_line;
	if (p->gw.igmp_upstream[0] && !p->gw.lan_if[0])
		perr(ps, "igmp-proxy needs 'lan-interface': where the devices are");
	if (p->gw.igmp_upstream[0] && !strcmp(p->gw.igmp_upstream, p->gw.lan_if))
		perr(ps, "igmp-proxy: the upstream %s is the lan-interface",
		     p->gw.igmp_upstream);
	for (i = 0; i < p->n_pools; i++) {
		if (p->gateway >= p->pools[i].first && p->gateway <= p->pools[i].last) {
			ps->line = p->pools[i].line;
			perr(ps, "pool %s holds the gateway's address", p->pools[i].name);
		}
	}
	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		ps->line = r->line;
		if (r->n_forwards && r->addr_mode != POLICY_ADDR_STATIC &&
		    r->addr_mode != POLICY_ADDR_RESERVE)
			perr(ps, "rule %s: forwards need an address the gateway knows: 'address static POOL' or 'address reserve POOL'",
			     r->name);
		/* Two rules forwarding one port may both match one device. */
		for (j = 0; j < i; j++) {
			unsigned int a, b;

			for (a = 0; a < r->n_forwards; a++)
				for (b = 0; b < p->rules[j].n_forwards; b++)
					if (r->forwards[a].proto == p->rules[j].forwards[b].proto &&
					    r->forwards[a].port == p->rules[j].forwards[b].port)
						perr(ps, "rule %s: %s port %u is forwarded by rule %s (line %u) too",
						     r->name,
						     r->forwards[a].proto == IPPROTO_TCP ? "tcp" : "udp",
						     r->forwards[a].port, p->rules[j].name,
						     p->rules[j].line);
		}
	}
}

struct policy *policy_parse(const char *text, size_t len, const char *fname,
			    char *err, size_t errlen)
{
	char line[POLICY_MAX_LINE + 2], *words[MAX_WORDS];
	struct parser ps = {
		.fname = fname, .err = err, .errlen = errlen,
	};
	size_t pos = 0;

	if (errlen)
		err[0] = 0;
	ps.p = calloc(1, sizeof(*ps.p));
	if (!ps.p) {
		snprintf(err, errlen, "%s: out of memory", fname);
		return NULL;
	}
	if (len > POLICY_MAX_BYTES) {
		perr(&ps, "larger than %d bytes", POLICY_MAX_BYTES);
		goto fail;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		int nw;

		ps.line++;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n > POLICY_MAX_LINE) {
			perr(&ps, "line longer than %d bytes", POLICY_MAX_LINE);
		} else if (memchr(text + pos, 0, n)) {
			perr(&ps, "NUL byte in the line");
		} else {
			memcpy(line, text + pos, n);
			line[n] = 0;
			nw = split(&ps, line, words);
			if (nw > 0)
				statement(&ps, nw, words);
		}
		pos += (nl ? (size_t)(nl - (text + pos)) + 1 : len - pos);
	}
	if (!ps.n_errors)
		check_all(&ps);
	if (!ps.n_errors)
		return ps.p;
fail:
	if (ps.n_errors > ps.n_shown && ps.errpos + 1 < errlen)
		snprintf(err + ps.errpos, errlen - ps.errpos,
			 "\n%s: %u errors, the first %u shown", fname,
			 ps.n_errors, ps.n_shown);
	policy_free(ps.p);
	return NULL;
}

struct policy *policy_load(const char *path, char *err, size_t errlen)
{
	struct policy *p = NULL;
	struct stat st;
	size_t got = 0;
	char *text;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	text = malloc(POLICY_MAX_BYTES + 1);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	/* One byte more than allowed tells an oversized file. */
	while (got <= POLICY_MAX_BYTES) {
		n = read(fd, text + got, POLICY_MAX_BYTES + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	p = policy_parse(text, got, path, err, errlen);
	/* The cloud client's settings as a whole: its files readable. */
	if (p && p->has_cloud) {
		char why[512];

		if (cloud_conf_check(&p->cloud, why, sizeof(why))) {
			snprintf(err, errlen, "%s: %s", path, why);
			policy_free(p);
			p = NULL;
		}
	}
out:
	free(text);
	close(fd);
	return p;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->rules);
	free(p);
}

int policy_pool_find(const struct policy *p, const char *name)
{
	unsigned int i;

	for (i = 0; i < p->n_pools; i++)
		if (!strcmp(p->pools[i].name, name))
			return (int)i;
	return -1;
}

const char *policy_addr_mode_name(enum policy_addr_mode m)
{
	switch (m) {
	case POLICY_ADDR_KEEP:
		return "keep";
	case POLICY_ADDR_DHCP:
		return "dhcp";
	case POLICY_ADDR_RESERVE:
		return "reserve";
	case POLICY_ADDR_STATIC:
		return "static";
	}
	return "unknown";
}

static bool value_matches(const struct policy_match *m,
			  const struct policy_value *v,
			  const struct policy_device *d)
{
	unsigned int i;

	switch (m->kind) {
	case POLICY_MATCH_TYPE:
		return d->has_identity && d->device_type == v->type;
	case POLICY_MATCH_VENDOR:
		return d->vendor && *d->vendor &&
			!fnmatch(v->pattern, d->vendor, FNM_CASEFOLD);
	case POLICY_MATCH_MODEL:
		return d->model && *d->model &&
			!fnmatch(v->pattern, d->model, FNM_CASEFOLD);
	case POLICY_MATCH_MAC:
		for (i = 0; i < v->mac_bits; i++) {
			uint8_t bit = 0x80 >> (i % 8);

			if ((d->mac[i / 8] & bit) != (v->mac[i / 8] & bit))
				return false;
		}
		return true;
	}
	return false;
}

const struct policy_rule *policy_match(const struct policy *p,
				       const struct policy_device *d)
{
	unsigned int i, j, k;

	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];
		bool all = true;

		for (j = 0; j < r->n_matches && all; j++) {
			bool any = false;

			for (k = 0; k < r->matches[j].n_values && !any; k++)
				any = value_matches(&r->matches[j],
						    &r->matches[j].values[k], d);
			all = any;
		}
		if (all)
			return r;
	}
	return NULL;
}
