// SPDX-License-Identifier: GPL-2.0
/*
 * The desired state's elements: parsing, checking, ordering, comparing.
 * Every backend checks its whole input here before it changes anything.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_priv.h"

/* ---- parsers and formatters --------------------------------------------- */

int gw_parse_proto(const char *s, uint8_t *proto)
{
	if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else
		return -EINVAL;
	return 0;
}

const char *gw_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	}
	return "?";
}

/* A decimal number without sign or leading zeros, at most @max. */
static int parse_dec(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;
	const char *p;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (*p - '0');
		if (n > max)
			return -EINVAL;
	}
	*v = n;
	return 0;
}

int gw_parse_port(const char *s, uint16_t *port)
{
	unsigned long v;

	if (parse_dec(s, 65535, &v) || !v)
		return -EINVAL;
	*port = v;
	return 0;
}

int gw_parse_ipv4(const char *s, struct in_addr *a)
{
	/* inet_pton takes exactly four decimal parts, no octal or hex. */
	return inet_pton(AF_INET, s, a) == 1 ? 0 : -EINVAL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int gw_parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hexval(s[3 * i]);
		lo = hi < 0 ? -1 : hexval(s[3 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		if (s[3 * i + 2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		mac[i] = hi << 4 | lo;
	}
	return 0;
}

void gw_fmt_mac(char *buf, size_t len, const uint8_t mac[6])
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* 1..4 hex digits, as tc prints the halves of a class id. */
static int parse_hex16(const char *s, size_t n, uint32_t *v)
{
	size_t i;
	int d;

	if (!n || n > 4)
		return -EINVAL;
	*v = 0;
	for (i = 0; i < n; i++) {
		d = hexval(s[i]);
		if (d < 0)
			return -EINVAL;
		*v = *v << 4 | d;
	}
	return 0;
}

int gw_parse_priority(const char *s, uint32_t *prio)
{
	const char *colon = strchr(s, ':');
	uint32_t major, minor;

	if (!strcmp(s, "none")) {
		*prio = 0;
		return 0;
	}
	if (!colon || parse_hex16(s, colon - s, &major) ||
	    parse_hex16(colon + 1, strlen(colon + 1), &minor))
		return -EINVAL;
	*prio = major << 16 | minor;
	return 0;
}

void gw_fmt_priority(char *buf, size_t len, uint32_t prio)
{
	if (!prio)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%x:%x", prio >> 16, prio & 0xffff);
}

/* ---- checks ------------------------------------------------------------- */

bool gw_ipv4_host_ok(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && !IN_MULTICAST(h) &&
	       (h >> 28) != 0xf;
}

int gw_tag_check(const char *tag, char *err, size_t errlen)
{
	char show[64];
	size_t i, n = strnlen(tag, GW_TAG_LEN);

	if (!n)
		return gw_err(err, errlen, -EINVAL, "the owner tag is empty");
	if (n == GW_TAG_LEN)
		return gw_err(err, errlen, -EINVAL,
			      "the owner tag is longer than %d characters",
			      GW_TAG_LEN - 1);
	for (i = 0; i < n; i++) {
		char c = tag[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == ':' || c == '.' ||
		    c == '_' || c == '-')
			continue;
		return gw_err(err, errlen, -EINVAL,
			      "the owner tag \"%s\" has a character other than letters, digits and \":._-\"",
			      gw_show(tag, show, sizeof(show)));
	}
	return 0;
}

int gw_ifname_check(const char *name, char *err, size_t errlen)
{
	char show[64];
	size_t i, n = strnlen(name, IFNAMSIZ);

	if (!n)
		return gw_err(err, errlen, -EINVAL, "the interface name is empty");
	if (n == IFNAMSIZ)
		return gw_err(err, errlen, -EINVAL,
			      "the interface name \"%s\" is longer than %d characters",
			      gw_show_n(name, IFNAMSIZ, show, sizeof(show)),
			      IFNAMSIZ - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return gw_err(err, errlen, -EINVAL,
			      "\"%s\" is not an interface name", name);
	for (i = 0; i < n; i++) {
		unsigned char c = name[i];

		/* The kernel's dev_valid_name(), and nothing to quote. */
		if (c <= 0x20 || c >= 0x7f || c == '/' || c == ':' ||
		    c == '"' || c == '\\' || c == '\'')
			return gw_err(err, errlen, -EINVAL,
				      "the interface name \"%s\" has a blank, a control character or one of /:\"'\\",
				      gw_show(name, show, sizeof(show)));
	}
	return 0;
}

int gw_forward_check(const struct gw_forward *f, char *err, size_t errlen)
{
	char a[INET_ADDRSTRLEN];

	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return gw_err(err, errlen, -EINVAL,
			      "protocol %u is neither tcp nor udp", f->proto);
	if (!f->ext_port)
		return gw_err(err, errlen, -EINVAL,
			      "external port 0 is not a port (1..65535)");
	if (!f->int_port)
		return gw_err(err, errlen, -EINVAL,
			      "internal port 0 is not a port (1..65535)");
	if (!gw_ipv4_host_ok(f->addr))
		return gw_err(err, errlen, -EINVAL,
			      "%s is not the unicast address of a host",
			      inet_ntop(AF_INET, &f->addr, a, sizeof(a)));
	return gw_tag_check(f->tag, err, errlen);
}

int gw_forwards_check(const struct gw_forward *f, size_t n,
		      char *err, size_t errlen)
{
	char why[GW_ERRLEN];
	size_t i, j;

	if (n > GW_MAX_FORWARDS)
		return gw_err(err, errlen, -E2BIG,
			      "%zu port forwards are more than the %d allowed",
			      n, GW_MAX_FORWARDS);
	for (i = 0; i < n; i++) {
		if (gw_forward_check(&f[i], why, sizeof(why)))
			return gw_err(err, errlen, -EINVAL,
				      "port forward %zu (%s %u): %s", i,
				      gw_proto_name(f[i].proto),
				      f[i].ext_port, why);
		/* Quadratic, but on at most 1024 entries, once per sync. */
		for (j = 0; j < i; j++) {
			if (f[j].proto == f[i].proto &&
			    f[j].ext_port == f[i].ext_port)
				return gw_err(err, errlen, -EINVAL,
					      "port forwards %zu and %zu both forward %s port %u",
					      j, i, gw_proto_name(f[i].proto),
					      f[i].ext_port);
		}
	}
	return 0;
}

int gw_qos_check(const struct gw_qos *q, char *err, size_t errlen)
{
	char a[INET_ADDRSTRLEN];

	if (!gw_ipv4_host_ok(q->addr))
		return gw_err(err, errlen, -EINVAL,
			      "%s is not the unicast address of a host",
			      inet_ntop(AF_INET, &q->addr, a, sizeof(a)));
	if (q->dscp > 63)
		return gw_err(err, errlen, -EINVAL,
			      "DSCP %u is out of range (0..63)", q->dscp);
	return gw_tag_check(q->tag, err, errlen);
}

int gw_qos_list_check(const struct gw_qos *q, size_t n,
		      char *err, size_t errlen)
{
	char why[GW_ERRLEN], a[INET_ADDRSTRLEN];
	size_t i, j;

	if (n > GW_MAX_QOS)
		return gw_err(err, errlen, -E2BIG,
			      "%zu QoS entries are more than the %d allowed",
			      n, GW_MAX_QOS);
	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET, &q[i].addr, a, sizeof(a));
		if (gw_qos_check(&q[i], why, sizeof(why)))
			return gw_err(err, errlen, -EINVAL,
				      "QoS entry %zu (%s): %s", i, a, why);
		for (j = 0; j < i; j++) {
			if (q[j].addr.s_addr == q[i].addr.s_addr)
				return gw_err(err, errlen, -EINVAL,
					      "QoS entries %zu and %zu are both for %s",
					      j, i, a);
		}
	}
	return 0;
}

/* ---- order and equality ------------------------------------------------- */

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int gw_forward_cmp(const void *pa, const void *pb)
{
	const struct gw_forward *a = pa, *b = pb;

	if (a->proto != b->proto)
		return cmp_u32(a->proto, b->proto);
	if (a->ext_port != b->ext_port)
		return cmp_u32(a->ext_port, b->ext_port);
	if (a->addr.s_addr != b->addr.s_addr)
		return cmp_u32(ntohl(a->addr.s_addr), ntohl(b->addr.s_addr));
	if (a->int_port != b->int_port)
		return cmp_u32(a->int_port, b->int_port);
	return strncmp(a->tag, b->tag, GW_TAG_LEN);
}

int gw_qos_cmp(const void *pa, const void *pb)
{
	const struct gw_qos *a = pa, *b = pb;

	if (a->addr.s_addr != b->addr.s_addr)
		return cmp_u32(ntohl(a->addr.s_addr), ntohl(b->addr.s_addr));
	if (a->dscp != b->dscp)
		return cmp_u32(a->dscp, b->dscp);
	if (a->priority != b->priority)
		return cmp_u32(a->priority, b->priority);
	return strncmp(a->tag, b->tag, GW_TAG_LEN);
}

int gw_dhcp_host_cmp(const void *pa, const void *pb)
{
	const struct gw_dhcp_host *a = pa, *b = pb;

	return memcmp(a->mac, b->mac, 6);
}

static void fmt_forward(char *buf, size_t len, const struct gw_forward *f)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &f->addr, a, sizeof(a));
	snprintf(buf, len, "%s %u -> %s:%u (%.*s)", gw_proto_name(f->proto),
		 f->ext_port, a, f->int_port, GW_TAG_LEN - 1, f->tag);
}

static void fmt_qos(char *buf, size_t len, const struct gw_qos *q)
{
	char a[INET_ADDRSTRLEN], p[16];

	inet_ntop(AF_INET, &q->addr, a, sizeof(a));
	gw_fmt_priority(p, sizeof(p), q->priority);
	snprintf(buf, len, "%s dscp %u priority %s (%.*s)", a, q->dscp, p,
		 GW_TAG_LEN - 1, q->tag);
}

/*
 * Walk two sorted copies side by side; the first element only one side
 * has is the difference.
 */
static bool set_equal(const void *a, size_t na, const void *b, size_t nb,
		      size_t size, int (*cmp)(const void *, const void *),
		      void (*fmt)(char *, size_t, const void *),
		      const char *what, char *why, size_t whylen)
{
	char *sa = NULL, *sb = NULL, one[160];
	size_t i = 0, j = 0;
	bool eq = false;

	sa = malloc(na * size + 1);
	sb = malloc(nb * size + 1);
	if (!sa || !sb) {
		gw_err(why, whylen, 0, "out of memory comparing %s", what);
		goto out;
	}
	if (na) {
		memcpy(sa, a, na * size);
		qsort(sa, na, size, cmp);
	}
	if (nb) {
		memcpy(sb, b, nb * size);
		qsort(sb, nb, size, cmp);
	}
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 :
			cmp(sa + i * size, sb + j * size);

		if (c < 0) {
			fmt(one, sizeof(one), sa + i * size);
			gw_err(why, whylen, 0, "%s %s is not wanted", what, one);
			goto out;
		}
		if (c > 0) {
			fmt(one, sizeof(one), sb + j * size);
			gw_err(why, whylen, 0, "%s %s is missing", what, one);
			goto out;
		}
		i++;
		j++;
	}
	eq = true;
out:
	free(sa);
	free(sb);
	return eq;
}

static void fmt_forward_v(char *buf, size_t len, const void *f)
{
	fmt_forward(buf, len, f);
}

static void fmt_qos_v(char *buf, size_t len, const void *q)
{
	fmt_qos(buf, len, q);
}

bool gw_forwards_equal(const struct gw_forward *a, size_t na,
		       const struct gw_forward *b, size_t nb,
		       char *why, size_t whylen)
{
	return set_equal(a, na, b, nb, sizeof(*a), gw_forward_cmp,
			 fmt_forward_v, "port forward", why, whylen);
}

bool gw_qos_equal(const struct gw_qos *a, size_t na,
		  const struct gw_qos *b, size_t nb, char *why, size_t whylen)
{
	return set_equal(a, na, b, nb, sizeof(*a), gw_qos_cmp, fmt_qos_v,
			 "QoS entry", why, whylen);
}
