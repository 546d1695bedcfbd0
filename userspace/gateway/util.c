// SPDX-License-Identifier: GPL-2.0
/*
 * What the gateway backends share: error sentences, growing strings,
 * files replaced atomically, pidfiles and /proc checks.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "gw_priv.h"

int gw_verr(char *err, size_t errlen, int rc, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	return rc;
}

int gw_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_verr(err, errlen, rc, fmt, ap);
	va_end(ap);
	return rc;
}

const char *gw_show(const char *s, char *buf, size_t len)
{
	return gw_show_n(s, SIZE_MAX, buf, len);
}

const char *gw_show_n(const char *s, size_t max, char *buf, size_t len)
{
	size_t o = 0, i;

	if (len < 8) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];
		char one[8];
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			one[0] = c;
			n = 1;
		} else {
			n = snprintf(one, sizeof(one), "\\x%02x", c);
		}
		/* Keep room for "..." and the NUL. */
		if (o + n + 3 >= len) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, one, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

/* Room for @need more bytes (and a NUL) in @b. */
static bool buf_grow(struct gw_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 1024;
	char *s;

	while (cap - b->len <= need) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	if (cap == b->cap)
		return true;
	s = realloc(b->s, cap);
	if (!s)
		return false;
	b->s = s;
	b->cap = cap;
	return true;
}

void gw_buf_add(struct gw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_grow(b, n)) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

void gw_buf_free(struct gw_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += w;
		len -= w;
	}
	return 0;
}

int gw_write_atomic(const char *path, const char *data, size_t len,
		    mode_t mode, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	int fd, dfd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return gw_err(err, errlen, -ENAMETOOLONG,
			      "path %s is too long", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return gw_err(err, errlen, -errno,
			      "cannot create a temporary file beside %s: %s",
			      path, strerror(errno));
	rc = write_all(fd, data, len);
	if (!rc && fchmod(fd, mode))
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return gw_err(err, errlen, rc, "cannot write %s: %s", path,
			      strerror(-rc));
	}

	/* The rename itself must survive a power cut too. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return gw_err(err, errlen, -errno, "cannot open directory %s: %s",
			      dir, strerror(errno));
	rc = fsync(dfd) ? -errno : 0;
	close(dfd);
	if (rc)
		return gw_err(err, errlen, rc, "cannot sync directory %s: %s",
			      dir, strerror(-rc));
	return 0;
}

int gw_read_file(const char *path, size_t max, char **data, size_t *len,
		 char *err, size_t errlen)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	int fd, rc;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		return gw_err(err, errlen, rc, "cannot open %s: %s", path,
			      strerror(-rc));
	}
	for (;;) {
		ssize_t r;

		if (!buf || n + 1 >= cap) {
			char *nb;

			if (buf)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				rc = gw_err(err, errlen, -ENOMEM,
					    "out of memory reading %s", path);
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = gw_err(err, errlen, -errno, "cannot read %s: %s",
				    path, strerror(errno));
			goto fail;
		}
		if (!r)
			break;
		n += r;
		if (n > max) {
			rc = gw_err(err, errlen, -EFBIG,
				    "%s is larger than %zu bytes", path, max);
			goto fail;
		}
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return rc;
}

int gw_pidfile_read(const char *path, pid_t *pid, char *err, size_t errlen)
{
	char *data, *end;
	size_t len;
	long v;
	int rc;

	*pid = 0;
	rc = gw_read_file(path, 64, &data, &len, err, errlen);
	if (rc == -EFBIG)
		return gw_err(err, errlen, -EBADMSG,
			      "pidfile %s holds more than a pid", path);
	if (rc)
		return rc;
	errno = 0;
	v = (data[0] >= '0' && data[0] <= '9') ? strtol(data, &end, 10) : -1;
	if (v > 1 && v <= INT_MAX && !errno &&
	    (!strcmp(end, "") || !strcmp(end, "\n"))) {
		*pid = v;
		rc = 0;
	} else {
		rc = gw_err(err, errlen, -EBADMSG,
			    "pidfile %s does not hold a process id", path);
	}
	free(data);
	return rc;
}

bool gw_proc_is(pid_t pid, const char *comm)
{
	char path[64], *data;
	size_t len;
	bool is;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (gw_read_file(path, 64, &data, &len, NULL, 0))
		return false;
	if (len && data[len - 1] == '\n')
		data[--len] = '\0';
	is = !strcmp(data, comm);
	free(data);
	return is;
}

bool gw_proc_has_arg(pid_t pid, const char *arg)
{
	char path[64], *data;
	size_t len, i;
	bool has = false;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (gw_read_file(path, 1 << 16, &data, &len, NULL, 0))
		return false;
	for (i = 0; i < len; i += strlen(data + i) + 1) {
		if (!strcmp(data + i, arg)) {
			has = true;
			break;
		}
	}
	free(data);
	return has;
}
