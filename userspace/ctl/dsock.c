// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl: the client side of i62608d's control socket (dsock.h).
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "dsock.h"

/* The daemon answers at once; a busy one gets this long. */
#define DSOCK_TIMEOUT_MS	10000
/* Larger than any answer (a device list of 65536 devices). */
#define DSOCK_MAX_ANSWER	(64 << 20)

static const char *socket_path(void)
{
	const char *p = getenv("I62608D_SOCKET");

	return p && *p ? p : CTL_DAEMON_SOCKET;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @events on @fd until @deadline. 0, or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		left = deadline - mono_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* The whole exchange; the answer's text in *out (malloc()ed, NUL-ended). */
static int exchange(const char *path, const char *req, size_t len, char **out,
		    size_t *out_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t deadline = mono_ms() + DSOCK_TIMEOUT_MS;
	size_t got = 0, cap = 0, sent = 0;
	char *buf = NULL;
	ssize_t n;
	int fd, err = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto out;
	}
	while (sent < len) {
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			goto out;
		n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			err = -errno;
			goto out;
		}
		if (n > 0)
			sent += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		if (got + 1 >= cap) {
			void *v;

			if (cap >= DSOCK_MAX_ANSWER) {
				err = -EMSGSIZE;
				goto out;
			}
			v = realloc(buf, cap ? cap * 2 : 16384);
			if (!v) {
				err = -ENOMEM;
				goto out;
			}
			buf = v;
			cap = cap ? cap * 2 : 16384;
		}
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			goto out;
		n = read(fd, buf + got, cap - got - 1);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	*out = buf;
	*out_len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

json_object *ctl_daemon_query(struct ctl *ctl, int argc, char **argv,
			      const char *command, int *rc)
{
	json_object *req, *ans;

	*rc = CTL_FAIL;
	if (ctl_want_help(ctl, argc, argv)) {
		*rc = CTL_OK;
		return NULL;
	}
	if (!ctl_take_json(ctl, &argc, argv)) {
		*rc = ctl_err(ctl, "out of memory");
		return NULL;
	}
	if (argc > 0) {
		*rc = ctl_usage(ctl, "unexpected argument '%s'", argv[0]);
		return NULL;
	}
	req = json_object_new_object();
	if (!req) {
		*rc = ctl_err(ctl, "out of memory");
		return NULL;
	}
	json_object_object_add(req, "command", json_object_new_string(command));
	ans = ctl_daemon_call(ctl, req);
	if (ans)
		*rc = CTL_OK;
	return ans;
}

json_object *ctl_daemon_call(struct ctl *ctl, json_object *req)
{
	const char *path = socket_path(), *text;
	json_object *ans = NULL, *ok, *msg;
	json_tokener *tok = NULL;
	char *buf = NULL, *line;
	size_t len = 0, n;
	int err;

	text = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &n);
	line = text ? malloc(n + 2) : NULL;
	if (!line) {
		json_object_put(req);
		ctl_err(ctl, "out of memory");
		return NULL;
	}
	memcpy(line, text, n);
	line[n] = '\n';
	json_object_put(req);
	err = exchange(path, line, n + 1, &buf, &len);
	free(line);
	if (err) {
		ctl_err(ctl, "cannot talk to i62608d at %s: %s%s", path,
			strerror(-err),
			err == -ENOENT || err == -ECONNREFUSED ?
			" (is it running? I62608D_SOCKET names another socket)" : "");
		return NULL;
	}
	tok = json_tokener_new_ex(32);
	if (tok) {
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		/* One object and its newline. */
		while (len && buf[len - 1] == '\n')
			len--;
		ans = len <= INT32_MAX ? json_tokener_parse_ex(tok, buf, (int)len) :
			NULL;
		if (ans && tok->char_offset != (int)len) {
			json_object_put(ans);
			ans = NULL;
		}
		json_tokener_free(tok);
	}
	free(buf);
	if (!ans || !json_object_is_type(ans, json_type_object) ||
	    !json_object_object_get_ex(ans, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		json_object_put(ans);
		ctl_err(ctl, "i62608d's answer is not what its protocol says");
		return NULL;
	}
	if (!json_object_get_boolean(ok)) {
		ctl_err(ctl, "%s", json_object_object_get_ex(ans, "error", &msg) &&
			json_object_is_type(msg, json_type_string) ?
			json_object_get_string(msg) : "i62608d refused");
		json_object_put(ans);
		return NULL;
	}
	return ans;
}
