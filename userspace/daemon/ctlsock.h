/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608d's control socket: a Unix stream socket (mode 0600, peers must
 * be root), one JSON request a connection, ended by a newline, at most
 * CTLSOCK_MAX_REQUEST bytes; one JSON answer, ended by a newline, then
 * the daemon closes. The protocol is in docs/i62608d.md (CONTROL
 * SOCKET); view.c answers.
 */
#ifndef I62608D_CTLSOCK_H
#define I62608D_CTLSOCK_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define CTLSOCK_MAX_REQUEST	4096
#define CTLSOCK_MAX_CLIENTS	16
/* A client that has not sent its request, or read its answer, by then. */
#define CTLSOCK_TIMEOUT_MS	5000

struct daemon;
struct ctlsrv;

/*
 * Listen on @path. A socket file left by a daemon that died is replaced;
 * one a running daemon answers on is not (-EADDRINUSE). Returns NULL
 * with a sentence in @err.
 */
struct ctlsrv *ctlsrv_open(const char *path, char *err, size_t errlen);
/* Closes every client, removes the socket file. */
void ctlsrv_close(struct ctlsrv *s);

/* The descriptors to poll: at most 1 + CTLSOCK_MAX_CLIENTS. */
int ctlsrv_pollfds(struct ctlsrv *s, struct pollfd *pfd, int max);
/* After poll(): @pfd, @n as ctlsrv_pollfds() filled them. */
void ctlsrv_handle(struct ctlsrv *s, const struct pollfd *pfd, int n,
		   struct daemon *d);
/* Drop clients past their time; the next such moment (monotonic), or -1. */
int64_t ctlsrv_expire(struct ctlsrv *s, int64_t now);

/*
 * view.c: the answer to one request (@len bytes), a JSON object and its
 * newline, malloc()ed; NULL only when out of memory.
 */
char *view_answer(struct daemon *d, const char *req, size_t len, size_t *alen);

#endif /* I62608D_CTLSOCK_H */
