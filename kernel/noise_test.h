/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test hooks of kernel/noise.c and userspace/lib/crypto_user.c, compiled
 * only with -DI62608_NOISE_TEST, which only the unit tests
 * selftests/unit/crypto_test.c and noise_test.c (userspace/lib/build.mk)
 * and the fuzzers of selftests/fuzz/ are built with. The module refuses to build with it and no
 * program defines it, so nothing in production can choose its ephemeral
 * keys or another nonce layout.
 *
 * They exist for the published test vectors: Noise's (cacophony) carry
 * fixed ephemeral keys and handshake payloads, RFC 8439's a nonce that is
 * not 0^32 || LE64(n).
 */
#ifndef _I62608_NOISE_TEST_H
#define _I62608_NOISE_TEST_H

#ifdef I62608_NOISE_TEST

#ifdef __KERNEL__
#error "I62608_NOISE_TEST is for the userspace unit tests only"
#endif

#include "noise.h"

/* The next ephemeral key a handshake generates is @priv (once). */
void i62608_test_ephemeral(const u8 priv[I62608_KEY_LEN]);

/*
 * The next handshake message of @hs, as i62608_hs_write1/2/3() or
 * i62608_hs_read1/2/3() would handle it, with a payload of @plen bytes.
 * write returns the message length or a negative error; read returns the
 * payload length (@len less the message's fixed part) or a negative error.
 */
int i62608_test_hs_write(struct i62608_hs *hs, u8 *out, const u8 *payload,
			 size_t plen);
int i62608_test_hs_read(struct i62608_hs *hs, const u8 *in, size_t len,
			u8 *payload);

/* HMAC-BLAKE2s of noise.c, for any key length. */
void i62608_test_hmac(u8 out[I62608_HASH_LEN], const u8 *key, size_t keylen,
		      const u8 *msg, size_t len);

/* ChaCha20-Poly1305 of crypto_user.c with a raw 12-byte nonce. */
bool i62608_test_aead(bool seal, u8 *dst, const u8 *src, size_t len,
		      const u8 *ad, size_t adlen, const u8 iv[12],
		      const u8 key[I62608_KEY_LEN]);

#endif /* I62608_NOISE_TEST */

#endif /* _I62608_NOISE_TEST_H */
