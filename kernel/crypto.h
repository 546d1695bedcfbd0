/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cryptographic primitives of i62608 (docs/security.md): BLAKE2s-256,
 * X25519 and ChaCha20-Poly1305. kernel/noise.c builds the handshake and the
 * frame protection on them once, for both sides; each side implements
 * these few functions with its own well-kept library: kernel/crypto.c with
 * the kernel's lib/crypto, userspace/lib/crypto_user.c with OpenSSL 3.
 */
#ifndef _I62608_CRYPTO_H
#define _I62608_CRYPTO_H

#include "wire_types.h"

#define I62608_KEY_LEN		32	/* X25519 keys, symmetric keys */
#define I62608_HASH_LEN		32	/* BLAKE2s-256 */
#define I62608_HASH_BLOCK	64	/* BLAKE2s block, for HMAC */

/* One piece of a message to hash. */
struct i62608_iov {
	const void *p;
	size_t len;
};

/* BLAKE2s-256 of the concatenation of @n pieces (n <= 4). */
void i62608_cr_hash(u8 out[I62608_HASH_LEN], const struct i62608_iov *v,
		    unsigned int n);

/* A new clamped X25519 private key from the system's random source. */
void i62608_cr_x25519_gen(u8 priv[I62608_KEY_LEN]);
/* Public key of @priv; false on failure. */
bool i62608_cr_x25519_pub(u8 pub[I62608_KEY_LEN], const u8 priv[I62608_KEY_LEN]);
/* Shared secret; false if it is all zero (a low-order @pub) or on failure. */
bool i62608_cr_x25519(u8 out[I62608_KEY_LEN], const u8 priv[I62608_KEY_LEN],
		      const u8 pub[I62608_KEY_LEN]);

/*
 * ChaCha20-Poly1305 with the nonce 0^32 || LE64(@nonce). seal writes
 * @len + I62608_TAG_LEN bytes to @dst; open reads @len bytes (tag
 * included) from @src, writes @len - I62608_TAG_LEN to @dst and returns
 * false if the tag does not verify. @dst may equal @src.
 */
bool i62608_cr_seal(u8 *dst, const u8 *src, size_t len, const u8 *ad,
		    size_t adlen, u64 nonce, const u8 key[I62608_KEY_LEN]);
bool i62608_cr_open(u8 *dst, const u8 *src, size_t len, const u8 *ad,
		    size_t adlen, u64 nonce, const u8 key[I62608_KEY_LEN]);

void i62608_cr_random(void *buf, size_t len);
/* Wipe a secret so the compiler cannot drop it. */
void i62608_cr_wipe(void *buf, size_t len);
/* Constant-time equality. */
bool i62608_cr_equal(const void *a, const void *b, size_t len);

#endif /* _I62608_CRYPTO_H */
