/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the security unit tests (crypto_test.c, noise_test.c): test
 * vectors are written in hex, as their sources print them.
 */
#ifndef I62608_NOISE_UTIL_H
#define I62608_NOISE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noise.h"
#include "noise_test.h"

static inline int unhex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode @hex into @out (@cap bytes); a malformed vector ends the test. */
static inline size_t unhex(u8 *out, size_t cap, const char *hex)
{
	size_t n = 0;

	while (hex[0] && hex[1]) {
		int hi = unhex_digit(hex[0]), lo = unhex_digit(hex[1]);

		if (hi < 0 || lo < 0 || n == cap) {
			fprintf(stderr, "bad test vector at '%.8s'\n", hex);
			abort();
		}
		out[n++] = (u8)(hi << 4 | lo);
		hex += 2;
	}
	if (hex[0]) {
		fprintf(stderr, "odd test vector\n");
		abort();
	}
	return n;
}

static inline void hexdump(FILE *f, const char *what, const u8 *p, size_t n)
{
	size_t i;

	fprintf(f, "# %-8s ", what);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}

/* @p (@n bytes) is @hex; on a difference both are printed. */
static inline bool same_hex(const u8 *p, size_t n, const char *hex)
{
	u8 want[2048];
	size_t len = unhex(want, sizeof(want), hex);

	if (len == n && !memcmp(p, want, n))
		return true;
	hexdump(stderr, "want", want, len);
	hexdump(stderr, "got", p, n);
	return false;
}

static inline bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* A key pair from a fixed private key. */
static inline void keypair_from(struct i62608_keypair *kp, const char *priv)
{
	unhex(kp->priv, sizeof(kp->priv), priv);
	if (!i62608_cr_x25519_pub(kp->pub, kp->priv))
		abort();
}

static inline void keypair_new(struct i62608_keypair *kp)
{
	i62608_cr_x25519_gen(kp->priv);
	if (!i62608_cr_x25519_pub(kp->pub, kp->priv))
		abort();
}

/*
 * The points of small order on Curve25519 and their non-canonical
 * encodings (the list libsodium and others reject): X25519 with any
 * of them yields all zeros. Bit 255 is ignored, so each also counts with
 * it set.
 */
static const char *const low_order_points[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

#define N_LOW_ORDER (sizeof(low_order_points) / sizeof(low_order_points[0]))

#endif /* I62608_NOISE_UTIL_H */
