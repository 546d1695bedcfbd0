// SPDX-License-Identifier: GPL-2.0
/*
 * The primitives of kernel/crypto.h on the userspace backend
 * (userspace/lib/crypto_user.c) against their published known answers:
 * BLAKE2s-256 (RFC 7693), X25519 (RFC 7748, sections 5.2 and 6.1, and the
 * small-order points every X25519 user must refuse), ChaCha20-Poly1305
 * (RFC 8439, section 2.8.2 with its own nonce, appendix A.5 in our nonce
 * layout 0^32 || LE64(n)); and noise.c's HMAC-BLAKE2s against OpenSSL's
 * HMAC for every key and message length around the 64-byte block.
 *
 * The kernel backend (kernel/crypto.c) must give the same answers; these
 * vectors are the ones its library's own self-tests use.
 */

#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "noise_util.h"
#include "wire_gen.h"

/* ------------------------------------------------------------------ */
/* BLAKE2s-256                                                         */
/* ------------------------------------------------------------------ */

static const char blake2s_abc[] =
	"508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982";

TEST(blake2s_rfc7693_abc)
{
	struct i62608_iov one = { .p = "abc", .len = 3 };
	struct i62608_iov split[4] = {
		{ .p = "a", .len = 1 }, { .p = NULL, .len = 0 },
		{ .p = "b", .len = 1 }, { .p = "c", .len = 1 },
	};
	u8 h[I62608_HASH_LEN];

	i62608_cr_hash(h, &one, 1);
	ASSERT_TRUE(same_hex(h, sizeof(h), blake2s_abc));
	memset(h, 0, sizeof(h));
	i62608_cr_hash(h, split, 4);
	ASSERT_TRUE(same_hex(h, sizeof(h), blake2s_abc));
}

/* Pieces hash as their concatenation, against OpenSSL's one-shot digest. */
TEST(blake2s_pieces)
{
	struct rng r = { .s = 62608 };
	u8 data[300], want[I62608_HASH_LEN], got[I62608_HASH_LEN];
	int i;

	for (i = 0; i < 2000; i++) {
		size_t len = rng_below(&r, sizeof(data) + 1), cut[3], k;
		struct i62608_iov v[4];
		unsigned int wlen;

		rng_bytes(&r, data, len);
		ASSERT_EQ(1, EVP_Digest(data, len, want, &wlen,
					EVP_blake2s256(), NULL));
		for (k = 0; k < 3; k++)
			cut[k] = rng_below(&r, (u32)len + 1);
		/* Sort the cuts: pieces [0,c0) [c0,c1) [c1,c2) [c2,len). */
		for (k = 0; k < 2; k++) {
			size_t j;

			for (j = 0; j < 2 - k; j++)
				if (cut[j] > cut[j + 1]) {
					size_t t = cut[j];

					cut[j] = cut[j + 1];
					cut[j + 1] = t;
				}
		}
		v[0] = (struct i62608_iov){ data, cut[0] };
		v[1] = (struct i62608_iov){ data + cut[0], cut[1] - cut[0] };
		v[2] = (struct i62608_iov){ data + cut[1], cut[2] - cut[1] };
		v[3] = (struct i62608_iov){ data + cut[2], len - cut[2] };
		i62608_cr_hash(got, v, 4);
		ASSERT_EQ(0, memcmp(want, got, sizeof(got)));
		/* Output may be where an input was. */
		memcpy(got, data, sizeof(got));
		v[0] = (struct i62608_iov){ got, sizeof(got) };
		i62608_cr_hash(got, v, 1);
		i62608_cr_hash(want, &(struct i62608_iov){ data, sizeof(got) }, 1);
		ASSERT_EQ(0, memcmp(want, got, sizeof(got)));
	}
}

/* ------------------------------------------------------------------ */
/* X25519                                                              */
/* ------------------------------------------------------------------ */

/* RFC 7748 section 5.2: scalar, u-coordinate, result. */
static const char *const x25519_5_2[][3] = {
	{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
	  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
	/* Its u-coordinate has bit 255 set, which X25519 ignores. */
	{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
};

TEST(x25519_rfc7748_5_2)
{
	u8 k[32], u[32], out[32];
	size_t i;

	for (i = 0; i < 2; i++) {
		unhex(k, sizeof(k), x25519_5_2[i][0]);
		unhex(u, sizeof(u), x25519_5_2[i][1]);
		ASSERT_TRUE(i62608_cr_x25519(out, k, u));
		ASSERT_TRUE(same_hex(out, sizeof(out), x25519_5_2[i][2]));
	}
}

/* RFC 7748 section 5.2, the iterated test: after 1 and 1000 rounds. */
TEST(x25519_rfc7748_5_2_iterated)
{
	u8 k[32] = { 9 }, u[32] = { 9 }, out[32];
	int i;

	for (i = 1; i <= 1000; i++) {
		ASSERT_TRUE(i62608_cr_x25519(out, k, u));
		memcpy(u, k, sizeof(u));
		memcpy(k, out, sizeof(k));
		if (i == 1)
			ASSERT_TRUE(same_hex(k, sizeof(k),
					     "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
	}
	ASSERT_TRUE(same_hex(k, sizeof(k),
			     "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"));
}

/* RFC 7748 section 6.1: Alice and Bob. */
static const char alice_priv[] =
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char alice_pub[] =
	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
static const char bob_priv[] =
	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
static const char bob_pub[] =
	"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
static const char alice_bob[] =
	"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

TEST(x25519_rfc7748_6_1)
{
	struct i62608_keypair a, b;
	u8 out[32];

	keypair_from(&a, alice_priv);
	keypair_from(&b, bob_priv);
	ASSERT_TRUE(same_hex(a.pub, 32, alice_pub));
	ASSERT_TRUE(same_hex(b.pub, 32, bob_pub));
	ASSERT_TRUE(i62608_cr_x25519(out, a.priv, b.pub));
	ASSERT_TRUE(same_hex(out, 32, alice_bob));
	ASSERT_TRUE(i62608_cr_x25519(out, b.priv, a.pub));
	ASSERT_TRUE(same_hex(out, 32, alice_bob));
}

TEST(x25519_low_order_refused)
{
	struct i62608_keypair kp;
	u8 pub[32], out[32];
	size_t i;
	int hi;

	keypair_new(&kp);
	for (i = 0; i < N_LOW_ORDER; i++)
		for (hi = 0; hi < 2; hi++) {
			unhex(pub, sizeof(pub), low_order_points[i]);
			pub[31] |= hi ? 0x80 : 0;
			memset(out, 0xa5, sizeof(out));
			EXPECT_FALSE(i62608_cr_x25519(out, kp.priv, pub))
				TH_LOG("point %zu%s accepted", i,
				       hi ? " with bit 255" : "");
			EXPECT_TRUE(all_zero(out, sizeof(out)));
		}
}

TEST(x25519_generated_keys)
{
	struct i62608_keypair a, b;
	u8 ab[32], ba[32], prev[32] = { 0 };
	int i;

	for (i = 0; i < 64; i++) {
		keypair_new(&a);
		keypair_new(&b);
		/* Clamped as RFC 7748 section 5 says. */
		ASSERT_EQ(0, a.priv[0] & 7);
		ASSERT_EQ(0x40, a.priv[31] & 0xc0);
		ASSERT_NE(0, memcmp(prev, a.priv, 32));
		memcpy(prev, a.priv, 32);
		ASSERT_TRUE(i62608_cr_x25519(ab, a.priv, b.pub));
		ASSERT_TRUE(i62608_cr_x25519(ba, b.priv, a.pub));
		ASSERT_EQ(0, memcmp(ab, ba, 32));
	}
}

/* ------------------------------------------------------------------ */
/* ChaCha20-Poly1305                                                   */
/* ------------------------------------------------------------------ */

/* RFC 8439 section 2.8.2: its nonce is 07000000 4041424344454647. */
static const char rfc_2_8_2_ct[] =
	"d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	"3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	"92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	"3ff4def08e4b7a9de576d26586cec64b6116"
	"1ae10b594f09e26a7e902ecbd0600691";

TEST(chachapoly_rfc8439_2_8_2)
{
	static const char pt[] = "Ladies and Gentlemen of the class of '99: "
		"If I could offer you only one tip for the future, sunscreen "
		"would be it.";
	u8 key[32], iv[12], ad[12], buf[sizeof(pt) + 16], back[sizeof(pt)];
	size_t len = sizeof(pt) - 1, i;

	for (i = 0; i < 32; i++)
		key[i] = 0x80 + i;
	unhex(iv, sizeof(iv), "070000004041424344454647");
	unhex(ad, sizeof(ad), "50515253c0c1c2c3c4c5c6c7");
	ASSERT_TRUE(i62608_test_aead(true, buf, (const u8 *)pt, len, ad,
				     sizeof(ad), iv, key));
	ASSERT_TRUE(same_hex(buf, len + 16, rfc_2_8_2_ct));
	ASSERT_TRUE(i62608_test_aead(false, back, buf, len + 16, ad,
				     sizeof(ad), iv, key));
	ASSERT_EQ(0, memcmp(back, pt, len));
	buf[len + 15] ^= 1;
	ASSERT_FALSE(i62608_test_aead(false, back, buf, len + 16, ad,
				      sizeof(ad), iv, key));
}

/*
 * RFC 8439 appendix A.5: nonce 00000000 0102030405060708, our layout with
 * n = 0x0807060504030201. Through the public interface, in place.
 */
static const char a5_key[] =
	"1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
static const char a5_ad[] = "f33388860000000000004e91";
static const u64 a5_nonce = 0x0807060504030201ull;
static const char a5_ct[] =
	"64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
	"4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
	"332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
	"9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
	"b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
	"af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
	"0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
	"49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
	"a6ad5cb4022b02709b"
	"eead9d67890cbb22392336fea1851f38";
static const char a5_pt[] =
	"Internet-Drafts are draft documents valid for a maximum of six "
	"months and may be updated, replaced, or obsoleted by other documents "
	"at any time. It is inappropriate to use Internet-Drafts as reference "
	"material or to cite them other than as /\xe2\x80\x9cwork in progress."
	"/\xe2\x80\x9d";

TEST(chachapoly_rfc8439_a5)
{
	u8 key[32], ad[12], buf[512];
	size_t len = sizeof(a5_pt) - 1, clen;

	ASSERT_EQ(265, len);
	unhex(key, sizeof(key), a5_key);
	unhex(ad, sizeof(ad), a5_ad);
	clen = unhex(buf, sizeof(buf), a5_ct);
	ASSERT_EQ(len + 16, clen);
	ASSERT_TRUE(i62608_cr_open(buf, buf, clen, ad, sizeof(ad), a5_nonce,
				   key));
	ASSERT_EQ(0, memcmp(buf, a5_pt, len));
	ASSERT_TRUE(i62608_cr_seal(buf, buf, len, ad, sizeof(ad), a5_nonce,
				   key));
	ASSERT_TRUE(same_hex(buf, clen, a5_ct));
}

TEST(chachapoly_tampering)
{
	u8 key[32], ad[12], ct[300], buf[300], out[300];
	size_t clen, i;
	int bit;

	unhex(key, sizeof(key), a5_key);
	unhex(ad, sizeof(ad), a5_ad);
	clen = unhex(ct, sizeof(ct), a5_ct);
	for (i = 0; i < clen; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(buf, ct, clen);
			buf[i] ^= 1 << bit;
			memset(out, 0xa5, sizeof(out));
			ASSERT_FALSE(i62608_cr_open(out, buf, clen, ad, sizeof(ad),
						    a5_nonce, key));
			/* Nothing of the forgery is left. */
			ASSERT_TRUE(all_zero(out, clen - 16));
		}
	for (i = 0; i < sizeof(ad); i++) {
		ad[i] ^= 0x10;
		EXPECT_FALSE(i62608_cr_open(out, ct, clen, ad, sizeof(ad),
					    a5_nonce, key));
		ad[i] ^= 0x10;
	}
	EXPECT_FALSE(i62608_cr_open(out, ct, clen, ad, sizeof(ad),
				    a5_nonce + 1, key));
	EXPECT_FALSE(i62608_cr_open(out, ct, clen, ad, sizeof(ad),
				    a5_nonce ^ (1ull << 63), key));
	EXPECT_FALSE(i62608_cr_open(out, ct, clen, NULL, 0, a5_nonce, key));
	key[0] ^= 1;
	EXPECT_FALSE(i62608_cr_open(out, ct, clen, ad, sizeof(ad), a5_nonce,
				    key));
	key[0] ^= 1;
	/* Shorter than a tag, and one byte cut off. */
	for (i = 0; i < 16; i++)
		EXPECT_FALSE(i62608_cr_open(out, ct, i, ad, sizeof(ad),
					    a5_nonce, key));
	EXPECT_FALSE(i62608_cr_open(out, ct, clen - 1, ad, sizeof(ad),
				    a5_nonce, key));
	ASSERT_TRUE(i62608_cr_open(out, ct, clen, ad, sizeof(ad), a5_nonce,
				   key));

	/*
	 * In place, a forgery leaves the buffer as it was (the kernel's
	 * library checks before it decrypts; ours puts it back).
	 */
	for (i = 0; i < clen; i += 7) {
		memcpy(buf, ct, clen);
		buf[i] ^= 0x21;
		memcpy(out, buf, clen);
		ASSERT_FALSE(i62608_cr_open(buf, buf, clen, ad, sizeof(ad),
					    a5_nonce, key));
		ASSERT_EQ(0, memcmp(buf, out, clen));
	}
}

/* Empty plaintext (the handshake's payloads) and no associated data. */
TEST(chachapoly_empty)
{
	u8 key[32] = { 1 }, tag[16], none[1];

	ASSERT_TRUE(i62608_cr_seal(tag, NULL, 0, NULL, 0, 0, key));
	ASSERT_TRUE(i62608_cr_open(none, tag, 16, NULL, 0, 0, key));
	ASSERT_FALSE(i62608_cr_open(none, tag, 16, NULL, 0, 1, key));
	tag[3] ^= 4;
	ASSERT_FALSE(i62608_cr_open(none, tag, 16, NULL, 0, 0, key));
}

/* ------------------------------------------------------------------ */
/* HMAC-BLAKE2s (noise.c) against OpenSSL's HMAC                       */
/* ------------------------------------------------------------------ */

TEST(hmac_blake2s_vs_openssl)
{
	struct rng r = { .s = 0x484d4143 };
	u8 key[160], msg[160], want[32], got[32];
	size_t klen, mlen, wlen;

	for (klen = 0; klen <= 140; klen++)
		for (mlen = 0; mlen <= 140; mlen++) {
			rng_bytes(&r, key, klen);
			rng_bytes(&r, msg, mlen);
			ASSERT_NE(NULL, EVP_Q_mac(NULL, "HMAC", NULL,
						  "BLAKE2S-256", NULL, key,
						  klen, msg, mlen, want,
						  sizeof(want), &wlen));
			ASSERT_EQ(32, wlen);
			i62608_test_hmac(got, key, klen, msg, mlen);
			ASSERT_EQ(0, memcmp(want, got, sizeof(got)))
				TH_LOG("key %zu bytes, message %zu bytes",
				       klen, mlen);
		}
}

/* ------------------------------------------------------------------ */
/* The rest                                                            */
/* ------------------------------------------------------------------ */

TEST(equal_and_wipe)
{
	u8 a[64], b[64];
	size_t i;

	i62608_cr_random(a, sizeof(a));
	memcpy(b, a, sizeof(b));
	ASSERT_TRUE(i62608_cr_equal(a, b, sizeof(a)));
	ASSERT_TRUE(i62608_cr_equal(a, b, 0));
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		ASSERT_FALSE(i62608_cr_equal(a, b, sizeof(a)));
		ASSERT_TRUE(i62608_cr_equal(a, b, i));
		b[i] ^= 0x80;
	}
	i62608_cr_wipe(a, sizeof(a));
	ASSERT_TRUE(all_zero(a, sizeof(a)));
}

TEST(random_differs)
{
	u8 a[32] = { 0 }, b[32] = { 0 };

	i62608_cr_random(a, 0);
	ASSERT_TRUE(all_zero(a, sizeof(a)));
	i62608_cr_random(a, sizeof(a));
	i62608_cr_random(b, sizeof(b));
	ASSERT_NE(0, memcmp(a, b, sizeof(a)));
	ASSERT_FALSE(all_zero(a, sizeof(a)));
}

TEST_HARNESS_MAIN
