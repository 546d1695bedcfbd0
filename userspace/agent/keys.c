// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's keys on disk (see keys.h). A private key is a secret of the
 * device: the file is created with O_EXCL and mode 0600 before anything is
 * written to it, a file others could read is refused rather than used (an
 * administrator must notice and replace the key), and every copy of it in
 * memory that is not the one in use is wiped.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "keys.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void agent_b64_encode(const u8 *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		u32 v = (u32)in[i] << 16 | (u32)in[i + 1] << 8 | in[i + 2];

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	if (i < len) {
		u32 v = (u32)in[i] << 16 | (i + 1 < len ? (u32)in[i + 1] << 8 : 0);

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = 0;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

int agent_key_parse(const char *s, u8 key[I62608_KEY_LEN])
{
	u8 out[33];
	size_t i, n = 0;
	u8 acc = 0;

	/* 32 bytes: 10 groups of 4 and one "xxx=" whose last bits are 0. */
	if (strlen(s) != AGENT_KEY_B64_LEN - 1 || s[43] != '=')
		return -EINVAL;
	for (i = 0; i < 43; i += 4) {
		int v0 = b64_val(s[i]), v1 = b64_val(s[i + 1]);
		int v2 = b64_val(s[i + 2]), v3 = i + 3 < 43 ? b64_val(s[i + 3]) : 0;
		u32 v;

		if (v0 < 0 || v1 < 0 || v2 < 0 || v3 < 0)
			return -EINVAL;
		v = (u32)v0 << 18 | (u32)v1 << 12 | (u32)v2 << 6 | (u32)v3;
		out[n++] = (u8)(v >> 16);
		out[n++] = (u8)(v >> 8);
		out[n++] = (u8)v;
	}
	/* A non-canonical encoding (stray low bits) is not a key we wrote. */
	if (b64_val(s[42]) & 3)
		return -EINVAL;
	for (i = 0; i < I62608_KEY_LEN; i++)
		acc |= out[i];
	if (!acc) {
		i62608_cr_wipe(out, sizeof(out));
		return -EINVAL;
	}
	memcpy(key, out, I62608_KEY_LEN);
	i62608_cr_wipe(out, sizeof(out));
	return 0;
}

void agent_key_str(const u8 key[I62608_KEY_LEN], char out[AGENT_KEY_B64_LEN])
{
	agent_b64_encode(key, I62608_KEY_LEN, out);
}

void agent_code_str(const u8 pub[I62608_KEY_LEN], char out[AGENT_CODE_STR_LEN])
{
	static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	u8 code[I62608_CODE_LEN];
	unsigned int i, bit, n = 0;

	i62608_pair_code(pub, code);
	/* 80 bits, 5 at a time, most significant first. */
	for (i = 0, bit = 0; i < 16; i++, bit += 5) {
		unsigned int byte = bit / 8, shift = bit % 8;
		unsigned int v = (unsigned int)code[byte] << 8 |
			(byte + 1 < I62608_CODE_LEN ? code[byte + 1] : 0);

		if (i && !(i % 4))
			out[n++] = '-';
		out[n++] = crockford[(v >> (11 - shift)) & 31];
	}
	out[n] = 0;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/* The first line of a small file, without its newline; -EINVAL if more. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	do {
		n = read(fd, buf + len, size - 1 - len);
		if (n > 0)
			len += (size_t)n;
	} while ((n > 0 && len < size - 1) || (n < 0 && errno == EINTR));
	if (n < 0)
		return -errno;
	if (len == size - 1)
		return -EINVAL;		/* longer than any key file */
	buf[len] = 0;
	if (len && buf[len - 1] == '\n')
		buf[--len] = 0;
	return strchr(buf, '\n') ? -EINVAL : 0;
}

static int create_key(const char *path, struct i62608_keypair *kp, FILE *err)
{
	char text[AGENT_KEY_B64_LEN + 1], dir[PATH_MAX];
	char *slash;
	size_t len;
	int fd, ret = 0;

	/* The directory the key lives in is the agent's: 0700. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0700) && errno != EEXIST) {
			ret = -errno;
			fprintf(err, "%s: cannot create the directory: %s\n", dir,
				strerror(errno));
			return ret;
		}
	}
	i62608_cr_x25519_gen(kp->priv);
	if (!i62608_cr_x25519_pub(kp->pub, kp->priv)) {
		fprintf(err, "%s: cannot compute the public key\n", path);
		i62608_cr_wipe(kp, sizeof(*kp));
		return -EINVAL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		ret = -errno;
		fprintf(err, "%s: cannot create the key file: %s\n", path,
			strerror(errno));
		i62608_cr_wipe(kp, sizeof(*kp));
		return ret;
	}
	agent_key_str(kp->priv, text);
	len = strlen(text);
	text[len++] = '\n';
	if (write(fd, text, len) != (ssize_t)len || fsync(fd))
		ret = errno ? -errno : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	i62608_cr_wipe(text, sizeof(text));
	if (ret) {
		fprintf(err, "%s: cannot write the key file: %s\n", path,
			strerror(-ret));
		unlink(path);
		i62608_cr_wipe(kp, sizeof(*kp));
	}
	return ret;
}

int agent_key_load(const char *path, bool create, struct i62608_keypair *kp,
		   FILE *err)
{
	char text[128];
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && create)
			return create_key(path, kp, err);
		ret = -errno;
		fprintf(err, "%s: %s\n", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		fprintf(err, "%s: %s\n", path, strerror(errno));
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(err, "%s: not a regular file\n", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_mode & 0077) {
		fprintf(err, "%s: the private key is accessible to group or others (mode %04o): run 'chmod 600 %s', or remove the file for a new key\n",
			path, (unsigned int)(st.st_mode & 07777), path);
		close(fd);
		return -EPERM;
	}
	ret = read_line(fd, text, sizeof(text));
	close(fd);
	if (!ret)
		ret = agent_key_parse(text, kp->priv);
	i62608_cr_wipe(text, sizeof(text));
	if (ret == -EINVAL || (!ret && !i62608_cr_x25519_pub(kp->pub, kp->priv))) {
		fprintf(err, "%s: not a private key (one line of 44 base64 characters)\n",
			path);
		i62608_cr_wipe(kp, sizeof(*kp));
		return -EINVAL;
	}
	if (ret) {
		fprintf(err, "%s: %s\n", path, strerror(-ret));
		i62608_cr_wipe(kp, sizeof(*kp));
	}
	return ret;
}

void agent_key_derive(const struct i62608_keypair *base, u32 index,
		      struct i62608_keypair *out)
{
	static const char label[] = "i62608 instance key v1";
	u8 le[4] = { (u8)index, (u8)(index >> 8), (u8)(index >> 16),
		     (u8)(index >> 24) };
	struct i62608_iov v[3] = {
		{ .p = label, .len = sizeof(label) - 1 },
		{ .p = base->priv, .len = I62608_KEY_LEN },
		{ .p = le, .len = sizeof(le) },
	};

	if (!index) {
		*out = *base;
		return;
	}
	i62608_cr_hash(out->priv, v, 3);
	out->priv[0] &= 248;
	out->priv[31] = (out->priv[31] & 127) | 64;
	/* A clamped scalar always has a public key. */
	if (!i62608_cr_x25519_pub(out->pub, out->priv))
		abort();
}

int agent_pin_load(const char *path, u8 pub[I62608_KEY_LEN], FILE *err)
{
	char text[128];
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		if (errno != ENOENT)
			fprintf(err, "%s: %s\n", path, strerror(errno));
		return ret;
	}
	ret = read_line(fd, text, sizeof(text));
	close(fd);
	if (!ret)
		ret = agent_key_parse(text, pub);
	if (ret == -EINVAL)
		fprintf(err, "%s: not a public key (one line of 44 base64 characters)\n",
			path);
	else if (ret)
		fprintf(err, "%s: %s\n", path, strerror(-ret));
	return ret;
}

int agent_pin_store(const char *path, const u8 pub[I62608_KEY_LEN])
{
	char tmp[PATH_MAX], text[AGENT_KEY_B64_LEN + 1];
	size_t len;
	int fd, ret = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	agent_key_str(pub, text);
	len = strlen(text);
	text[len++] = '\n';
	if (write(fd, text, len) != (ssize_t)len || fsync(fd))
		ret = errno ? -errno : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
