// SPDX-License-Identifier: GPL-2.0
/*
 * The primitives of crypto.h on the kernel's crypto library (lib/crypto),
 * the same WireGuard uses: BLAKE2s, Curve25519 and ChaCha20-Poly1305 with
 * the 0^32 || LE64(n) nonce. userspace/lib/crypto_user.c is the other side
 * of this interface; kernel/noise.c builds on both.
 */

#include <crypto/algapi.h>	/* crypto_memneq(); 6.1 has no crypto/utils.h */
#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <linux/random.h>
#include <linux/string.h>

#include "compat.h"
#include "crypto.h"

static_assert(I62608_KEY_LEN == CURVE25519_KEY_SIZE);
static_assert(I62608_KEY_LEN == CHACHA20POLY1305_KEY_SIZE);
static_assert(I62608_TAG_LEN == CHACHA20POLY1305_AUTHTAG_SIZE);
static_assert(I62608_HASH_LEN == BLAKE2S_HASH_SIZE);
static_assert(I62608_HASH_BLOCK == BLAKE2S_BLOCK_SIZE);

void i62608_cr_hash(u8 out[I62608_HASH_LEN], const struct i62608_iov *v,
		    unsigned int n)
{
	struct blake2s_ctx ctx;
	unsigned int i;

	blake2s_init(&ctx, BLAKE2S_HASH_SIZE);
	for (i = 0; i < n; i++)
		blake2s_update(&ctx, v[i].p, v[i].len);
	/* Wipes @ctx, which may have held key material (HMAC). */
	blake2s_final(&ctx, out);
}

void i62608_cr_x25519_gen(u8 priv[I62608_KEY_LEN])
{
	curve25519_generate_secret(priv);
}

bool i62608_cr_x25519_pub(u8 pub[I62608_KEY_LEN],
			  const u8 priv[I62608_KEY_LEN])
{
	return curve25519_generate_public(pub, priv);
}

bool i62608_cr_x25519(u8 out[I62608_KEY_LEN], const u8 priv[I62608_KEY_LEN],
		      const u8 pub[I62608_KEY_LEN])
{
	/* false when the result is all zero: @pub is of low order. */
	return curve25519(out, priv, pub);
}

bool i62608_cr_seal(u8 *dst, const u8 *src, size_t len, const u8 *ad,
		    size_t adlen, u64 nonce, const u8 key[I62608_KEY_LEN])
{
	chacha20poly1305_encrypt(dst, src, len, ad, adlen, nonce, key);
	return true;
}

bool i62608_cr_open(u8 *dst, const u8 *src, size_t len, const u8 *ad,
		    size_t adlen, u64 nonce, const u8 key[I62608_KEY_LEN])
{
	/* Decrypts only once the tag verified: @dst is untouched otherwise. */
	return chacha20poly1305_decrypt(dst, src, len, ad, adlen, nonce, key);
}

void i62608_cr_random(void *buf, size_t len)
{
	get_random_bytes(buf, len);
}

void i62608_cr_wipe(void *buf, size_t len)
{
	memzero_explicit(buf, len);
}

bool i62608_cr_equal(const void *a, const void *b, size_t len)
{
	return !crypto_memneq(a, b, len);
}
