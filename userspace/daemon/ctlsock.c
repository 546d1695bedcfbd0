// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the control socket (see ctlsock.h). Clients are served
 * without blocking: a slow or hostile one holds a slot for
 * CTLSOCK_TIMEOUT_MS at most, sends at most CTLSOCK_MAX_REQUEST bytes,
 * and at most CTLSOCK_MAX_CLIENTS are served at once (more wait in the
 * listen backlog).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctlsock.h"
#include "daemon.h"
#include "log.h"

struct client {
	int fd;
	int64_t deadline;		/* monotonic ms */
	size_t in_len;
	char in[CTLSOCK_MAX_REQUEST + 1];
	char *out;			/* the answer, once known */
	size_t out_len, out_pos;
};

struct ctlsrv {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct client *c[CTLSOCK_MAX_CLIENTS];
};

/* Is a daemon answering on @path? */
static bool alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = !connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	return ok;
}

struct ctlsrv *ctlsrv_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctlsrv *s;
	mode_t old;
	int ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: a socket path is at most %zu bytes", path,
			 sizeof(sa.sun_path) - 1);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	strcpy(s->path, path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		free(s);
		return NULL;
	}
	/* Created 0600 from the start: never open to others, not even briefly. */
	old = umask(0177);
	ret = bind(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	if (ret && errno == EADDRINUSE) {
		if (alive(&sa)) {
			umask(old);
			snprintf(err, errlen, "%s: another i62608d answers there", path);
			close(s->fd);
			free(s);
			return NULL;
		}
		unlink(path);
		ret = bind(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	umask(old);
	if (ret || listen(s->fd, 16)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(s->fd);
		free(s);
		return NULL;
	}
	return s;
}

static void drop(struct ctlsrv *s, unsigned int i)
{
	struct client *c = s->c[i];

	close(c->fd);
	free(c->out);
	free(c);
	s->c[i] = NULL;
}

void ctlsrv_close(struct ctlsrv *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < CTLSOCK_MAX_CLIENTS; i++)
		if (s->c[i])
			drop(s, i);
	close(s->fd);
	unlink(s->path);
	free(s);
}

int ctlsrv_pollfds(struct ctlsrv *s, struct pollfd *pfd, int max)
{
	unsigned int i, free_slots = 0;
	int n = 0;

	for (i = 0; i < CTLSOCK_MAX_CLIENTS && n < max; i++) {
		if (!s->c[i]) {
			free_slots++;
			continue;
		}
		pfd[n].fd = s->c[i]->fd;
		pfd[n].events = s->c[i]->out ? POLLOUT : POLLIN;
		pfd[n++].revents = 0;
	}
	/* Full: new clients wait in the backlog until a slot frees. */
	if (free_slots && n < max) {
		pfd[n].fd = s->fd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	return n;
}

/* Only root may talk to the daemon (the socket's mode says it too). */
static bool peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) && cr.uid == 0;
}

static void set_answer(struct client *c, char *text, size_t len)
{
	c->out = text;
	c->out_len = len;
	c->out_pos = 0;
}

static void answer_error(struct client *c, const char *msg)
{
	char *t = NULL;
	int n = asprintf(&t, "{\"ok\":false,\"error\":\"%s\"}\n", msg);

	if (n < 0) {
		c->out_len = 0;
		return;
	}
	set_answer(c, t, (size_t)n);
}

static void accept_one(struct ctlsrv *s)
{
	struct client *c;
	unsigned int i;
	int fd;

	fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("control socket: accept: %s", strerror(errno));
		return;
	}
	for (i = 0; i < CTLSOCK_MAX_CLIENTS && s->c[i]; i++)
		;
	c = i < CTLSOCK_MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->deadline = mono_ms() + CTLSOCK_TIMEOUT_MS;
	s->c[i] = c;
	if (!peer_ok(fd)) {
		log_notice("control socket: a client that is not root was refused");
		answer_error(c, "permission denied: only root may control i62608d");
	}
}

/* Returns false when the client is done with. */
static bool client_read(struct client *c, struct daemon *d)
{
	char *nl;
	ssize_t n;

	n = read(c->fd, c->in + c->in_len, CTLSOCK_MAX_REQUEST + 1 - c->in_len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	c->in_len += (size_t)n;
	nl = memchr(c->in, '\n', c->in_len);
	if (!nl && c->in_len > CTLSOCK_MAX_REQUEST) {
		answer_error(c, "request too large");
		return true;
	}
	if (!nl && n)
		return true;		/* more to come */
	if (!nl && !c->in_len)
		return false;		/* closed without a word */
	if (nl && (size_t)(nl - c->in) + 1 != c->in_len) {
		answer_error(c, "one request per connection");
		return true;
	}
	c->out = view_answer(d, c->in, nl ? (size_t)(nl - c->in) : c->in_len,
			     &c->out_len);
	if (!c->out)
		return false;
	c->out_pos = 0;
	return true;
}

static bool client_write(struct client *c)
{
	ssize_t n;

	n = send(c->fd, c->out + c->out_pos, c->out_len - c->out_pos,
		 MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	c->out_pos += (size_t)n;
	return c->out_pos < c->out_len;
}

void ctlsrv_handle(struct ctlsrv *s, const struct pollfd *pfd, int n,
		   struct daemon *d)
{
	unsigned int i;
	int j;

	for (j = 0; j < n; j++) {
		if (!pfd[j].revents)
			continue;
		if (pfd[j].fd == s->fd) {
			accept_one(s);
			continue;
		}
		for (i = 0; i < CTLSOCK_MAX_CLIENTS; i++) {
			struct client *c = s->c[i];
			bool keep;

			if (!c || c->fd != pfd[j].fd)
				continue;
			if (c->out)
				keep = client_write(c);
			else if (pfd[j].revents & (POLLIN | POLLHUP))
				keep = client_read(c, d);
			else
				keep = false;	/* POLLERR */
			if (!keep || (pfd[j].revents & POLLERR))
				drop(s, i);
			break;
		}
	}
}

int64_t ctlsrv_expire(struct ctlsrv *s, int64_t now)
{
	int64_t next = -1;
	unsigned int i;

	for (i = 0; i < CTLSOCK_MAX_CLIENTS; i++) {
		if (!s->c[i])
			continue;
		if (s->c[i]->deadline <= now) {
			drop(s, i);
			continue;
		}
		if (next < 0 || s->c[i]->deadline < next)
			next = s->c[i]->deadline;
	}
	return next;
}
