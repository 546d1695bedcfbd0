// SPDX-License-Identifier: GPL-2.0
/*
 * The dnsmasq backend: static DHCP reservations in a dhcp-hostsfile that
 * is ours alone, one "MAC,ADDRESS[,HOSTNAME]" line per reservation,
 * replaced atomically; SIGHUP makes dnsmasq read it again (it does so for
 * --dhcp-hostsfile, unlike for its main configuration file).
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_priv.h"

#define HOSTSFILE_MAX	(1 << 20)
#define HEADER		"# Static DHCP reservations of i62608d: rewritten whole on every change.\n"

/*
 * A host name dnsmasq takes as a host name: one RFC 1123 label, and not a
 * word dnsmasq reads as something else in a dhcp-host line (a lease time
 * such as "45m" or "infinite", "ignore").
 */
static int hostname_check(const char *name, char *err, size_t errlen)
{
	static const char *const words[] = { "infinite", "ignore", "deleted" };
	size_t i, n = strnlen(name, GW_HOSTNAME_LEN), digits;
	char show[80];

	if (n == GW_HOSTNAME_LEN)
		return gw_err(err, errlen, -EINVAL,
			      "host name \"%s\" is longer than %d characters",
			      gw_show_n(name, GW_HOSTNAME_LEN, show, sizeof(show)),
			      GW_HOSTNAME_LEN - 1);
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-')
			return gw_err(err, errlen, -EINVAL,
				      "host name \"%s\" has a character other than letters, digits and '-'",
				      gw_show(name, show, sizeof(show)));
	}
	if (name[0] == '-' || name[n - 1] == '-')
		return gw_err(err, errlen, -EINVAL,
			      "host name \"%s\" begins or ends with '-'", name);
	digits = strspn(name, "0123456789");
	if (digits == n || (digits == n - 1 && digits &&
			    strchr("hmsdwHMSDW", name[n - 1])))
		return gw_err(err, errlen, -EINVAL,
			      "host name \"%s\" would be read as a lease time",
			      name);
	for (i = 0; i < GW_ARRAY_SIZE(words); i++) {
		if (!strcasecmp(name, words[i]))
			return gw_err(err, errlen, -EINVAL,
				      "host name \"%s\" is a dnsmasq keyword",
				      name);
	}
	return 0;
}

int gw_dhcp_host_check(const struct gw_dhcp_host *h, char *err, size_t errlen)
{
	static const uint8_t zero[6];
	char a[INET_ADDRSTRLEN], m[18];

	gw_fmt_mac(m, sizeof(m), h->mac);
	if (h->mac[0] & 1)
		return gw_err(err, errlen, -EINVAL,
			      "%s is a multicast MAC address", m);
	if (!memcmp(h->mac, zero, 6))
		return gw_err(err, errlen, -EINVAL, "the MAC address is zero");
	if (!gw_ipv4_host_ok(h->addr))
		return gw_err(err, errlen, -EINVAL,
			      "%s is not the unicast address of a host",
			      inet_ntop(AF_INET, &h->addr, a, sizeof(a)));
	if (h->hostname[0])
		return hostname_check(h->hostname, err, errlen);
	return 0;
}

int gw_dhcp_hosts_check(const struct gw_dhcp_host *h, size_t n,
			char *err, size_t errlen)
{
	char why[GW_ERRLEN], m[18], a[INET_ADDRSTRLEN];
	size_t i, j;

	if (n > GW_MAX_HOSTS)
		return gw_err(err, errlen, -E2BIG,
			      "%zu reservations are more than the %d allowed",
			      n, GW_MAX_HOSTS);
	for (i = 0; i < n; i++) {
		gw_fmt_mac(m, sizeof(m), h[i].mac);
		if (gw_dhcp_host_check(&h[i], why, sizeof(why)))
			return gw_err(err, errlen, -EINVAL,
				      "reservation %zu (%s): %s", i, m, why);
		inet_ntop(AF_INET, &h[i].addr, a, sizeof(a));
		for (j = 0; j < i; j++) {
			if (!memcmp(h[j].mac, h[i].mac, 6))
				return gw_err(err, errlen, -EINVAL,
					      "reservations %zu and %zu are both for %s",
					      j, i, m);
			if (h[j].addr.s_addr == h[i].addr.s_addr)
				return gw_err(err, errlen, -EINVAL,
					      "reservations %zu and %zu both give %s",
					      j, i, a);
			if (h[i].hostname[0] &&
			    !strcasecmp(h[j].hostname, h[i].hostname))
				return gw_err(err, errlen, -EINVAL,
					      "reservations %zu and %zu both name %s",
					      j, i, h[i].hostname);
		}
	}
	return 0;
}

int gw_dnsmasq_render(struct gw_buf *b, const struct gw_dhcp_host *h,
		      size_t n)
{
	struct gw_dhcp_host *s;
	char a[INET_ADDRSTRLEN], m[18];
	size_t i;

	s = malloc((n ? n : 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (n) {
		memcpy(s, h, n * sizeof(*s));
		qsort(s, n, sizeof(*s), gw_dhcp_host_cmp);
	}
	gw_buf_add(b, HEADER);
	for (i = 0; i < n; i++) {
		gw_fmt_mac(m, sizeof(m), s[i].mac);
		inet_ntop(AF_INET, &s[i].addr, a, sizeof(a));
		gw_buf_add(b, "%s,%s%s%s\n", m, a, s[i].hostname[0] ? "," : "",
			   s[i].hostname);
	}
	free(s);
	return b->failed ? -ENOMEM : 0;
}

/* One line of ours: MAC,ADDRESS[,HOSTNAME]. */
static int parse_line(char *line, struct gw_dhcp_host *h)
{
	char *mac = strsep(&line, ","), *addr = strsep(&line, ",");
	char *name = strsep(&line, ",");

	memset(h, 0, sizeof(*h));
	if (!addr || line || gw_parse_mac(mac, h->mac) ||
	    gw_parse_ipv4(addr, &h->addr))
		return -EINVAL;
	if (name) {
		if (!*name || strlen(name) >= GW_HOSTNAME_LEN)
			return -EINVAL;
		strcpy(h->hostname, name);
	}
	return gw_dhcp_host_check(h, NULL, 0);
}

int gw_dnsmasq_parse(const char *text, struct gw_dhcp_host **hp, size_t *np,
		     char *err, size_t errlen)
{
	struct gw_dhcp_host *h = NULL;
	size_t n = 0, cap = 0;
	unsigned int lineno = 0;
	char *copy, *p, *line, show[80];
	int rc = 0;

	*hp = NULL;
	*np = 0;
	copy = strdup(text);
	if (!copy)
		return gw_err(err, errlen, -ENOMEM, "out of memory");
	for (p = copy; (line = strsep(&p, "\n"));) {
		lineno++;
		if (!*line || line[0] == '#')
			continue;
		if (n == cap) {
			struct gw_dhcp_host *nh;

			cap = cap ? cap * 2 : 16;
			nh = reallocarray(h, cap, sizeof(*h));
			if (!nh) {
				rc = gw_err(err, errlen, -ENOMEM, "out of memory");
				goto out;
			}
			h = nh;
		}
		gw_show(line, show, sizeof(show));
		if (parse_line(line, &h[n])) {
			rc = gw_err(err, errlen, -EBADMSG,
				    "line %u is not a reservation of ours: \"%s\"",
				    lineno, show);
			goto out;
		}
		n++;
	}
	rc = gw_dhcp_hosts_check(h, n, err, errlen);
	if (rc)
		rc = -EBADMSG;
out:
	free(copy);
	if (rc) {
		free(h);
		return rc;
	}
	*hp = h;
	*np = n;
	return 0;
}

int gw_dnsmasq_read(const struct gw_dnsmasq *d, struct gw_dhcp_host **h,
		    size_t *n, char *err, size_t errlen)
{
	char why[GW_ERRLEN], *text;
	size_t len;
	int rc;

	*h = NULL;
	*n = 0;
	if (!d->hostsfile || !*d->hostsfile)
		return gw_err(err, errlen, -EINVAL, "no dnsmasq hosts file given");
	rc = gw_read_file(d->hostsfile, HOSTSFILE_MAX, &text, &len, err,
			  errlen);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	if (strlen(text) != len)
		rc = gw_err(err, errlen, -EBADMSG, "%s has a NUL byte",
			    d->hostsfile);
	else if ((rc = gw_dnsmasq_parse(text, h, n, why, sizeof(why))))
		gw_err(err, errlen, rc, "%s: %s", d->hostsfile, why);
	free(text);
	return rc;
}

int gw_dnsmasq_pid(const char *pidfile, pid_t *pid, char *err, size_t errlen)
{
	int rc;

	if (!pidfile || !*pidfile)
		return gw_err(err, errlen, -EINVAL, "no dnsmasq pidfile given");
	rc = gw_pidfile_read(pidfile, pid, err, errlen);
	if (rc == -ENOENT)
		return gw_err(err, errlen, rc,
			      "dnsmasq's pidfile %s does not exist: is dnsmasq running with --pid-file=%s?",
			      pidfile, pidfile);
	if (rc)
		return rc;
	if (!gw_proc_is(*pid, "dnsmasq"))
		return gw_err(err, errlen, -ESRCH,
			      "process %d of pidfile %s is not a running dnsmasq (a stale pidfile?)",
			      (int)*pid, pidfile);
	return 0;
}

int gw_dnsmasq_sync(const struct gw_dnsmasq *d, const struct gw_dhcp_host *h,
		    size_t n, unsigned int flags, char *err, size_t errlen)
{
	struct gw_buf b = { 0 };
	char why[GW_ERRLEN], *old = NULL;
	size_t oldlen;
	pid_t pid;
	bool same;
	int rc;

	if (flags & ~GW_DNSMASQ_RELOAD)
		return gw_err(err, errlen, -EINVAL, "unknown flags %#x", flags);
	if (!d->hostsfile || !*d->hostsfile)
		return gw_err(err, errlen, -EINVAL, "no dnsmasq hosts file given");
	if (n && !h)
		return gw_err(err, errlen, -EINVAL, "no reservation array");
	rc = gw_dhcp_hosts_check(h, n, err, errlen);
	if (rc)
		return rc;
	if (gw_dnsmasq_render(&b, h, n)) {
		gw_buf_free(&b);
		return gw_err(err, errlen, -ENOMEM, "out of memory");
	}

	rc = gw_read_file(d->hostsfile, HOSTSFILE_MAX, &old, &oldlen, why,
			  sizeof(why));
	if (rc && rc != -ENOENT && rc != -EFBIG) {
		gw_err(err, errlen, rc, "%s", why);
		goto out;
	}
	same = !rc && oldlen == b.len && !memcmp(old, b.s, b.len);
	free(old);
	if (same && !(flags & GW_DNSMASQ_RELOAD)) {
		rc = 0;
		goto out;
	}
	if (!same) {
		rc = gw_write_atomic(d->hostsfile, b.s, b.len, 0644, err,
				     errlen);
		if (rc)
			goto out;
	}

	rc = gw_dnsmasq_pid(d->pidfile, &pid, why, sizeof(why));
	if (!rc && kill(pid, SIGHUP))
		rc = gw_err(why, sizeof(why), -errno,
			    "cannot signal dnsmasq (pid %d): %s", (int)pid,
			    strerror(errno));
	if (rc) {
		gw_err(err, errlen, rc, "%s %s, but dnsmasq was not told: %s",
		       d->hostsfile, same ? "is up to date" : "is written",
		       why);
		goto out;
	}
	rc = 1;
out:
	gw_buf_free(&b);
	return rc;
}
