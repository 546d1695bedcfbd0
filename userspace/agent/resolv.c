// SPDX-License-Identifier: GPL-2.0
/*
 * DNS servers from resolv.conf: its "nameserver ADDRESS" lines, IPv6
 * addresses possibly with a "%LINK" scope. Anything else is not ours to
 * judge and is skipped.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "host.h"

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static void nameserver(struct agent_host *h, const char *s, size_t len)
{
	struct agent_nameserver ns = { 0 };
	char buf[INET6_ADDRSTRLEN + IFNAMSIZ + 1];
	char *scope;

	if (h->n_dns == AGENT_MAX_NAMESERVERS || !len || len >= sizeof(buf))
		return;
	memcpy(buf, s, len);
	buf[len] = 0;
	scope = strchr(buf, '%');
	if (scope) {
		*scope++ = 0;
		if (!*scope || strlen(scope) >= IFNAMSIZ)
			return;
		strcpy(ns.scope, scope);
	}
	if (!scope && inet_pton(AF_INET, buf, ns.addr) == 1)
		ns.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, ns.addr) == 1)
		ns.family = AF_INET6;
	else
		return;
	h->dns[h->n_dns++] = ns;
}

unsigned int agent_resolv_parse(struct agent_host *h, const char *text,
				size_t len)
{
	size_t pos = 0;

	h->n_dns = 0;
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos, i = 0, start;

		pos += n + (nl ? 1 : 0);
		while (i < n && blank(line[i]))
			i++;
		if (n - i < 11 || strncmp(line + i, "nameserver", 10) ||
		    !blank(line[i + 10]))
			continue;
		for (i += 10; i < n && blank(line[i]); i++)
			;
		start = i;
		while (i < n && !blank(line[i]) && line[i] != '\r' &&
		       line[i] != '#' && line[i] != ';')
			i++;
		nameserver(h, line + start, i - start);
	}
	return h->n_dns;
}

int agent_resolv_load(struct agent_host *h, const char *path)
{
	char buf[16384];
	size_t len = 0;
	ssize_t n;
	int fd;

	h->n_dns = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* resolv.conf is small; what is beyond 16 KiB is ignored. */
	do {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n > 0)
			len += (size_t)n;
	} while ((n > 0 && len < sizeof(buf)) || (n < 0 && errno == EINTR));
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	agent_resolv_parse(h, buf, len);
	return 0;
}
