// SPDX-License-Identifier: GPL-2.0
/*
 * The primitives of kernel/crypto.h for userspace, on OpenSSL 3's
 * libcrypto: BLAKE2s-256, X25519 from raw keys, ChaCha20-Poly1305 with the
 * nonce 0^32 || LE64(n) of Noise and WireGuard, getrandom(). kernel/crypto.c
 * is the kernel's side; kernel/noise.c builds on both.
 *
 * Failures that only a broken OpenSSL or an exhausted heap can cause end
 * the program with a message; those a peer can cause (a low-order public
 * key, a forged tag) are results.
 */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "noise_test.h"

#define IV_LEN 12

static EVP_MD *blake2s;
static EVP_CIPHER *chachapoly;
static pthread_once_t fetched = PTHREAD_ONCE_INIT;

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "i62608: OpenSSL: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	abort();
}

/* Fetched once: an implicit fetch on every operation costs a lookup. */
static void fetch(void)
{
	blake2s = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);
	if (!blake2s)
		die("fetching BLAKE2S-256");
	chachapoly = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	if (!chachapoly)
		die("fetching ChaCha20-Poly1305");
}

void i62608_cr_hash(u8 out[I62608_HASH_LEN], const struct i62608_iov *v,
		    unsigned int n)
{
	unsigned int i, len = 0;
	EVP_MD_CTX *ctx;

	pthread_once(&fetched, fetch);
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex2(ctx, blake2s, NULL))
		die("BLAKE2s init");
	for (i = 0; i < n; i++)
		if (v[i].len && !EVP_DigestUpdate(ctx, v[i].p, v[i].len))
			die("BLAKE2s update");
	if (!EVP_DigestFinal_ex(ctx, out, &len) || len != I62608_HASH_LEN)
		die("BLAKE2s final");
	/* Frees the state with OPENSSL_clear_free(): HMAC keys went in. */
	EVP_MD_CTX_free(ctx);
}

void i62608_cr_x25519_gen(u8 priv[I62608_KEY_LEN])
{
	i62608_cr_random(priv, I62608_KEY_LEN);
	priv[0] &= 248;
	priv[31] = (priv[31] & 127) | 64;
}

bool i62608_cr_x25519_pub(u8 pub[I62608_KEY_LEN],
			  const u8 priv[I62608_KEY_LEN])
{
	EVP_PKEY *key;
	size_t len = I62608_KEY_LEN;
	bool ok;

	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					   I62608_KEY_LEN);
	ok = key && EVP_PKEY_get_raw_public_key(key, pub, &len) == 1 &&
	     len == I62608_KEY_LEN;
	EVP_PKEY_free(key);
	if (!ok)
		ERR_clear_error();
	return ok;
}

bool i62608_cr_x25519(u8 out[I62608_KEY_LEN], const u8 priv[I62608_KEY_LEN],
		      const u8 pub[I62608_KEY_LEN])
{
	EVP_PKEY *key, *peer;
	EVP_PKEY_CTX *ctx = NULL;
	size_t i, len = I62608_KEY_LEN;
	bool ok = false;
	u8 acc = 0;

	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					   I62608_KEY_LEN);
	peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub,
					   I62608_KEY_LEN);
	if (key && peer)
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	/*
	 * OpenSSL itself refuses an all-zero result (a low-order @pub); we
	 * do not depend on that and check again.
	 */
	if (ctx && EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
	    EVP_PKEY_derive(ctx, out, &len) == 1 && len == I62608_KEY_LEN) {
		for (i = 0; i < I62608_KEY_LEN; i++)
			acc |= out[i];
		ok = acc != 0;
	}
	if (!ok) {
		OPENSSL_cleanse(out, I62608_KEY_LEN);
		ERR_clear_error();
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(key);
	return ok;
}

/*
 * OpenSSL decrypts before it checks the tag. After a forgery, put back the
 * ciphertext of an in-place open (a caller may try another key on the same
 * frame, as with the kernel's library, which checks first), or wipe the
 * plaintext it made.
 */
static void undo_open(u8 *dst, const u8 *src, size_t text,
		      const u8 iv[IV_LEN], const u8 key[I62608_KEY_LEN])
{
	EVP_CIPHER_CTX *ctx;
	int n;

	if (dst != src) {
		OPENSSL_cleanse(dst, text);
		return;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || !EVP_CipherInit_ex2(ctx, chachapoly, key, iv, 1, NULL) ||
	    (text && (!EVP_CipherUpdate(ctx, dst, &n, dst, (int)text) ||
		      n != (int)text)))
		die("ChaCha20-Poly1305 undo");
	EVP_CIPHER_CTX_free(ctx);
}

/*
 * ChaCha20-Poly1305 (RFC 8439) with a raw 96-bit nonce. Sealing writes
 * @len bytes and the tag; opening reads @len bytes, the tag included. In
 * place (@dst == @src) is fine: OpenSSL allows exact overlap.
 */
static bool aead(bool seal, u8 *dst, const u8 *src, size_t len,
		 const u8 *ad, size_t adlen, const u8 iv[IV_LEN],
		 const u8 key[I62608_KEY_LEN])
{
	size_t text = seal ? len : len - I62608_TAG_LEN;
	EVP_CIPHER_CTX *ctx;
	int n, end;
	bool ok;

	if ((!seal && len < I62608_TAG_LEN) || len > INT_MAX - I62608_TAG_LEN ||
	    adlen > INT_MAX)
		return false;
	pthread_once(&fetched, fetch);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || !EVP_CipherInit_ex2(ctx, chachapoly, key, iv, seal, NULL))
		die("ChaCha20-Poly1305 init");
	/* The tag is read before an in-place decryption could reach it. */
	if (!seal && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
					  I62608_TAG_LEN, (void *)(src + text)))
		die("ChaCha20-Poly1305 set tag");
	if (adlen && !EVP_CipherUpdate(ctx, NULL, &n, ad, (int)adlen))
		die("ChaCha20-Poly1305 AAD");
	if (text && (!EVP_CipherUpdate(ctx, dst, &n, src, (int)text) ||
		     n != (int)text))
		die("ChaCha20-Poly1305 update");
	ok = EVP_CipherFinal_ex(ctx, dst + text, &end) == 1 && end == 0;
	if (seal) {
		if (!ok || !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
						I62608_TAG_LEN, dst + len))
			die("ChaCha20-Poly1305 tag");
	} else if (!ok) {
		ERR_clear_error();
		undo_open(dst, src, text, iv, key);
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

static void nonce_iv(u8 iv[IV_LEN], u64 nonce)
{
	unsigned int i;

	memset(iv, 0, 4);
	for (i = 0; i < 8; i++)
		iv[4 + i] = (u8)(nonce >> (8 * i));
}

bool i62608_cr_seal(u8 *dst, const u8 *src, size_t len, const u8 *ad,
		    size_t adlen, u64 nonce, const u8 key[I62608_KEY_LEN])
{
	u8 iv[IV_LEN];

	nonce_iv(iv, nonce);
	return aead(true, dst, src, len, ad, adlen, iv, key);
}

bool i62608_cr_open(u8 *dst, const u8 *src, size_t len, const u8 *ad,
		    size_t adlen, u64 nonce, const u8 key[I62608_KEY_LEN])
{
	u8 iv[IV_LEN];

	nonce_iv(iv, nonce);
	return aead(false, dst, src, len, ad, adlen, iv, key);
}

void i62608_cr_random(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("i62608: getrandom");
			abort();
		}
		p += n;
		len -= (size_t)n;
	}
}

void i62608_cr_wipe(void *buf, size_t len)
{
	OPENSSL_cleanse(buf, len);
}

bool i62608_cr_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

#ifdef I62608_NOISE_TEST
bool i62608_test_aead(bool seal, u8 *dst, const u8 *src, size_t len,
		      const u8 *ad, size_t adlen, const u8 iv[12],
		      const u8 key[I62608_KEY_LEN])
{
	return aead(seal, dst, src, len, ad, adlen, iv, key);
}
#endif
