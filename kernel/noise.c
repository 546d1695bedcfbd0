// SPDX-License-Identifier: GPL-2.0
/*
 * Noise_XX_25519_ChaChaPoly_BLAKE2s (The Noise Protocol Framework, revision
 * 34), the protected frame format and the replay window of
 * docs/security.md (see noise.h). Built into the kernel module and into
 * userspace over the primitives of crypto.h; like wire.c it uses nothing
 * wire_types.h does not provide, does not allocate and keeps its stack
 * small (the kernel runs it in a work queue).
 *
 * Secrets (Diffie-Hellman results, HMAC and HKDF intermediates, keys)
 * live on the stack only as long as they are needed and are wiped on
 * every path out; a handshake that fails to verify is wiped at once, so a
 * caller cannot go on with it by mistake.
 */

#include <linux/errno.h>

#include "noise.h"
#include "noise_test.h"

#define KEY_LEN		I62608_KEY_LEN
#define HASH_LEN	I62608_HASH_LEN
#define TAG_LEN		I62608_TAG_LEN
#define HDR_LEN		sizeof(struct i62608_hdr)
/* Associated data of a protected frame: sender MAC, then the header. */
#define AD_LEN		(6 + HDR_LEN)
/* The part of each handshake message before its payload. */
#define HS1_FIXED	KEY_LEN				/* e */
#define HS2_FIXED	(KEY_LEN + KEY_LEN + TAG_LEN)	/* e, s */
#define HS3_FIXED	(KEY_LEN + TAG_LEN)		/* s */

static const char protocol_name[] = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
static const char prologue_label[] = "i62608 handshake v1";
static const char code_label[] = "i62608 pairing code v1";

static_assert(sizeof(prologue_label) - 1 + 2 * 6 <= I62608_PROLOGUE_MAX,
	      "prologue does not fit I62608_PROLOGUE_MAX");
static_assert(I62608_HS1_LEN == HS1_FIXED, "HS_INIT size");
static_assert(HS2_FIXED + TAG_LEN == I62608_HS2_LEN, "HS_RESP size");
static_assert(HS3_FIXED + TAG_LEN == I62608_HS3_LEN, "HS_FINISH size");
static_assert(I62608_CODE_LEN <= HASH_LEN, "pairing code size");
static_assert(HASH_LEN == KEY_LEN, "HKDF outputs are used as keys whole");

/* ------------------------------------------------------------------ */
/* HMAC and HKDF (Noise section 4.3)                                   */
/* ------------------------------------------------------------------ */

/*
 * HMAC-BLAKE2s (RFC 2104) of the concatenation of @n (at most 3) pieces.
 * Noise only uses 32-byte keys; longer than a block are hashed as RFC
 * 2104 says, so that the tests can hold it against OpenSSL's HMAC.
 */
static void hmac(u8 out[HASH_LEN], const u8 *key, size_t keylen,
		 const struct i62608_iov *msg, unsigned int n)
{
	struct i62608_iov v[4];
	u8 pad[I62608_HASH_BLOCK];
	u8 inner[HASH_LEN];
	unsigned int i;

	memset(pad, 0, sizeof(pad));
	if (keylen > sizeof(pad)) {
		v[0].p = key;
		v[0].len = keylen;
		i62608_cr_hash(pad, v, 1);
	} else if (keylen) {
		memcpy(pad, key, keylen);
	}

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	v[0].p = pad;
	v[0].len = sizeof(pad);
	for (i = 0; i < n && i < 3; i++)
		v[i + 1] = msg[i];
	i62608_cr_hash(inner, v, i + 1);

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	v[1].p = inner;
	v[1].len = sizeof(inner);
	i62608_cr_hash(out, v, 2);

	i62608_cr_wipe(pad, sizeof(pad));
	i62608_cr_wipe(inner, sizeof(inner));
}

/* HKDF(@ck, @ikm) with two outputs; @out1 or @out2 may be @ck. */
static void hkdf2(u8 out1[HASH_LEN], u8 out2[HASH_LEN], const u8 ck[HASH_LEN],
		  const u8 *ikm, size_t ikm_len)
{
	static const u8 one = 1, two = 2;
	struct i62608_iov m[2];
	u8 prk[HASH_LEN];
	u8 t1[HASH_LEN];

	m[0].p = ikm;
	m[0].len = ikm_len;
	hmac(prk, ck, HASH_LEN, m, 1);
	m[0].p = &one;
	m[0].len = 1;
	hmac(t1, prk, sizeof(prk), m, 1);
	m[0].p = t1;
	m[0].len = sizeof(t1);
	m[1].p = &two;
	m[1].len = 1;
	hmac(out2, prk, sizeof(prk), m, 2);
	memcpy(out1, t1, sizeof(t1));

	i62608_cr_wipe(prk, sizeof(prk));
	i62608_cr_wipe(t1, sizeof(t1));
}

/* ------------------------------------------------------------------ */
/* SymmetricState (Noise section 5.2)                                  */
/* ------------------------------------------------------------------ */

static void mix_hash(struct i62608_hs *hs, const void *p, size_t len)
{
	struct i62608_iov v[2] = {
		{ .p = hs->h, .len = sizeof(hs->h) },
		{ .p = p, .len = len },
	};
	u8 h[HASH_LEN];

	i62608_cr_hash(h, v, 2);
	memcpy(hs->h, h, sizeof(h));
}

static void mix_key(struct i62608_hs *hs, const u8 *ikm, size_t len)
{
	hkdf2(hs->ck, hs->k, hs->ck, ikm, len);
	hs->n = 0;
	hs->has_k = true;
}

/* MixKey(DH(@priv, @pub)); false if @pub is of low order. */
static bool mix_dh(struct i62608_hs *hs, const u8 priv[KEY_LEN],
		   const u8 pub[KEY_LEN])
{
	u8 dh[KEY_LEN];
	bool ok;

	ok = i62608_cr_x25519(dh, priv, pub);
	if (ok)
		mix_key(hs, dh, sizeof(dh));
	i62608_cr_wipe(dh, sizeof(dh));
	return ok;
}

/* Writes @len bytes, plus the tag once there is a key. */
static bool encrypt_and_hash(struct i62608_hs *hs, u8 *out, const u8 *in,
			     size_t len)
{
	size_t out_len = len;

	if (!in)
		in = out;		/* nothing to read: @len is 0 */
	if (hs->has_k) {
		if (!i62608_cr_seal(out, in, len, hs->h, sizeof(hs->h), hs->n,
				    hs->k))
			return false;
		hs->n++;
		out_len += TAG_LEN;
	} else if (len) {
		memmove(out, in, len);
	}
	mix_hash(hs, out, out_len);
	return true;
}

/* @in (@len bytes, the tag included once there is a key) must not be @out. */
static bool decrypt_and_hash(struct i62608_hs *hs, u8 *out, const u8 *in,
			     size_t len)
{
	u8 none;

	if (!out)
		out = &none;		/* nothing to write: the payload is empty */
	if (hs->has_k) {
		if (len < TAG_LEN ||
		    !i62608_cr_open(out, in, len, hs->h, sizeof(hs->h), hs->n,
				    hs->k))
			return false;
		hs->n++;
	} else if (len) {
		memcpy(out, in, len);
	}
	mix_hash(hs, in, len);
	return true;
}

/* ------------------------------------------------------------------ */
/* HandshakeState (Noise section 5.3), pattern XX                      */
/* ------------------------------------------------------------------ */

#ifdef I62608_NOISE_TEST
static u8 test_e[KEY_LEN];
static bool test_e_set;

void i62608_test_ephemeral(const u8 priv[KEY_LEN])
{
	memcpy(test_e, priv, KEY_LEN);
	test_e_set = true;
}

static void ephemeral_secret(u8 priv[KEY_LEN])
{
	if (!test_e_set) {
		i62608_cr_x25519_gen(priv);
		return;
	}
	memcpy(priv, test_e, KEY_LEN);
	test_e_set = false;
}
#else
static void ephemeral_secret(u8 priv[KEY_LEN])
{
	i62608_cr_x25519_gen(priv);
}
#endif

static bool nonzero(const u8 *p, size_t len)
{
	u8 acc = 0;
	size_t i;

	/* Not while (len--): the fuzzers' -fsanitize=integer flags the wrap. */
	for (i = 0; i < len; i++)
		acc |= p[i];
	return acc;
}

/*
 * Whether @hs may handle the message after @step as @initiator or not. A
 * handshake without a static key was never started, or was wiped (after
 * split() or a failure): nothing may go on with it.
 */
static bool hs_turn(const struct i62608_hs *hs, bool initiator, u8 step)
{
	return hs->initiator == initiator && hs->step == step &&
	       nonzero(hs->s.pub, sizeof(hs->s.pub));
}

static int hs_fail(struct i62608_hs *hs)
{
	i62608_hs_wipe(hs);
	return -EBADMSG;
}

static bool new_ephemeral(struct i62608_hs *hs)
{
	ephemeral_secret(hs->e.priv);
	return i62608_cr_x25519_pub(hs->e.pub, hs->e.priv);
}

size_t i62608_hs_prologue(u8 out[I62608_PROLOGUE_MAX], const u8 agent_mac[6],
			  const u8 conf_mac[6])
{
	size_t n = sizeof(prologue_label) - 1;

	memcpy(out, prologue_label, n);
	memcpy(out + n, agent_mac, 6);
	memcpy(out + n + 6, conf_mac, 6);
	return n + 12;
}

void i62608_hs_init(struct i62608_hs *hs, bool initiator,
		    const struct i62608_keypair *s, const u8 *prologue,
		    size_t prologue_len)
{
	/* The name is longer than HASHLEN: h = HASH(name). */
	struct i62608_iov name = {
		.p = protocol_name, .len = sizeof(protocol_name) - 1,
	};

	i62608_cr_wipe(hs, sizeof(*hs));
	hs->initiator = initiator;
	hs->s = *s;
	i62608_cr_hash(hs->h, &name, 1);
	memcpy(hs->ck, hs->h, sizeof(hs->ck));
	mix_hash(hs, prologue, prologue_len);
}

/* -> e */
static int write1(struct i62608_hs *hs, u8 *out, const u8 *pl, size_t plen)
{
	if (!hs_turn(hs, true, 0))
		return -EINVAL;
	if (!new_ephemeral(hs))
		return hs_fail(hs);
	memcpy(out, hs->e.pub, KEY_LEN);
	mix_hash(hs, hs->e.pub, KEY_LEN);
	if (!encrypt_and_hash(hs, out + HS1_FIXED, pl, plen))
		return hs_fail(hs);
	hs->step = 1;
	return 0;
}

static int read1(struct i62608_hs *hs, const u8 *in, size_t len, u8 *pl)
{
	if (!hs_turn(hs, false, 0) || len < HS1_FIXED)
		return -EINVAL;
	memcpy(hs->re, in, KEY_LEN);
	mix_hash(hs, hs->re, KEY_LEN);
	if (!decrypt_and_hash(hs, pl, in + HS1_FIXED, len - HS1_FIXED))
		return hs_fail(hs);
	hs->step = 1;
	return 0;
}

/*
 * <- e, ee, s, es. A low-order ephemeral key in message 1 shows here, as
 * -EBADMSG: the responder is the first to compute a DH with it.
 */
static int write2(struct i62608_hs *hs, u8 *out, const u8 *pl, size_t plen)
{
	if (!hs_turn(hs, false, 1))
		return -EINVAL;
	if (!new_ephemeral(hs))
		return hs_fail(hs);
	memcpy(out, hs->e.pub, KEY_LEN);
	mix_hash(hs, hs->e.pub, KEY_LEN);
	if (!mix_dh(hs, hs->e.priv, hs->re) ||
	    !encrypt_and_hash(hs, out + KEY_LEN, hs->s.pub, KEY_LEN) ||
	    !mix_dh(hs, hs->s.priv, hs->re) ||
	    !encrypt_and_hash(hs, out + HS2_FIXED, pl, plen))
		return hs_fail(hs);
	hs->step = 2;
	return 0;
}

static int read2(struct i62608_hs *hs, const u8 *in, size_t len, u8 *pl)
{
	if (!hs_turn(hs, true, 1) || len < HS2_FIXED + TAG_LEN)
		return -EINVAL;
	memcpy(hs->re, in, KEY_LEN);
	mix_hash(hs, hs->re, KEY_LEN);
	if (!mix_dh(hs, hs->e.priv, hs->re) ||
	    !decrypt_and_hash(hs, hs->rs, in + KEY_LEN, KEY_LEN + TAG_LEN) ||
	    !mix_dh(hs, hs->e.priv, hs->rs) ||
	    !decrypt_and_hash(hs, pl, in + HS2_FIXED, len - HS2_FIXED))
		return hs_fail(hs);
	/* The initiator's ephemeral key has done its work. */
	i62608_cr_wipe(hs->e.priv, sizeof(hs->e.priv));
	hs->step = 2;
	return 0;
}

/* -> s, se */
static int write3(struct i62608_hs *hs, u8 *out, const u8 *pl, size_t plen)
{
	if (!hs_turn(hs, true, 2))
		return -EINVAL;
	if (!encrypt_and_hash(hs, out, hs->s.pub, KEY_LEN) ||
	    !mix_dh(hs, hs->s.priv, hs->re) ||
	    !encrypt_and_hash(hs, out + HS3_FIXED, pl, plen))
		return hs_fail(hs);
	hs->step = 3;
	return 0;
}

static int read3(struct i62608_hs *hs, const u8 *in, size_t len, u8 *pl)
{
	if (!hs_turn(hs, false, 2) || len < HS3_FIXED + TAG_LEN)
		return -EINVAL;
	if (!decrypt_and_hash(hs, hs->rs, in, KEY_LEN + TAG_LEN) ||
	    !mix_dh(hs, hs->e.priv, hs->rs) ||
	    !decrypt_and_hash(hs, pl, in + HS3_FIXED, len - HS3_FIXED))
		return hs_fail(hs);
	i62608_cr_wipe(hs->e.priv, sizeof(hs->e.priv));
	hs->step = 3;
	return 0;
}

/* Our messages carry empty payloads: each has exactly one valid size. */

int i62608_hs_write1(struct i62608_hs *hs, u8 out[I62608_HS1_LEN])
{
	return write1(hs, out, NULL, 0);
}

int i62608_hs_read1(struct i62608_hs *hs, const u8 *in, size_t len)
{
	if (len != I62608_HS1_LEN)
		return -EINVAL;
	return read1(hs, in, len, NULL);
}

int i62608_hs_write2(struct i62608_hs *hs, u8 out[I62608_HS2_LEN])
{
	return write2(hs, out, NULL, 0);
}

int i62608_hs_read2(struct i62608_hs *hs, const u8 *in, size_t len)
{
	if (len != I62608_HS2_LEN)
		return -EINVAL;
	return read2(hs, in, len, NULL);
}

int i62608_hs_write3(struct i62608_hs *hs, u8 out[I62608_HS3_LEN])
{
	return write3(hs, out, NULL, 0);
}

int i62608_hs_read3(struct i62608_hs *hs, const u8 *in, size_t len)
{
	if (len != I62608_HS3_LEN)
		return -EINVAL;
	return read3(hs, in, len, NULL);
}

int i62608_hs_split(struct i62608_hs *hs, u8 send[I62608_KEY_LEN],
		    u8 recv[I62608_KEY_LEN])
{
	u8 k1[KEY_LEN], k2[KEY_LEN];

	if (hs->step != 3 || !nonzero(hs->s.pub, sizeof(hs->s.pub)))
		return -EINVAL;
	hkdf2(k1, k2, hs->ck, NULL, 0);
	/* The initiator sends with the first key, the responder with the second. */
	memcpy(send, hs->initiator ? k1 : k2, KEY_LEN);
	memcpy(recv, hs->initiator ? k2 : k1, KEY_LEN);
	i62608_cr_wipe(k1, sizeof(k1));
	i62608_cr_wipe(k2, sizeof(k2));
	i62608_hs_wipe(hs);
	return 0;
}

void i62608_hs_wipe(struct i62608_hs *hs)
{
	i62608_cr_wipe(hs, sizeof(*hs));
}

#ifdef I62608_NOISE_TEST
int i62608_test_hs_write(struct i62608_hs *hs, u8 *out, const u8 *payload,
			 size_t plen)
{
	int ret;

	switch (hs->step) {
	case 0:
		ret = write1(hs, out, payload, plen);
		return ret ?: (int)(HS1_FIXED + plen);
	case 1:
		ret = write2(hs, out, payload, plen);
		return ret ?: (int)(HS2_FIXED + plen + TAG_LEN);
	case 2:
		ret = write3(hs, out, payload, plen);
		return ret ?: (int)(HS3_FIXED + plen + TAG_LEN);
	}
	return -EINVAL;
}

int i62608_test_hs_read(struct i62608_hs *hs, const u8 *in, size_t len,
			u8 *payload)
{
	int ret;

	switch (hs->step) {
	case 0:
		ret = read1(hs, in, len, payload);
		return ret ?: (int)(len - HS1_FIXED);
	case 1:
		ret = read2(hs, in, len, payload);
		return ret ?: (int)(len - HS2_FIXED - TAG_LEN);
	case 2:
		ret = read3(hs, in, len, payload);
		return ret ?: (int)(len - HS3_FIXED - TAG_LEN);
	}
	return -EINVAL;
}

void i62608_test_hmac(u8 out[HASH_LEN], const u8 *key, size_t keylen,
		      const u8 *msg, size_t len)
{
	struct i62608_iov m = { .p = msg, .len = len };

	hmac(out, key, keylen, &m, 1);
}
#endif

/* ------------------------------------------------------------------ */
/* Protected frames (docs/security.md, section 6)                      */
/* ------------------------------------------------------------------ */

#define OFF_FLAGS	offsetof(struct i62608_hdr, flags)
#define OFF_LENGTH	offsetof(struct i62608_hdr, length)
#define OFF_KEY_ID	offsetof(struct i62608_hdr, key_id)
#define OFF_COUNTER	offsetof(struct i62608_hdr, counter)

int i62608_frame_seal(u8 *msg, size_t len, size_t cap, u16 key_id,
		      u64 counter, const u8 src_mac[6],
		      const u8 key[I62608_KEY_LEN])
{
	size_t out_len = len + TAG_LEN;
	u8 ad[AD_LEN];
	u16 flags;

	/* A finished plaintext message, to a session, that fits with its tag. */
	if (len < HDR_LEN || get_unaligned_be16(msg + OFF_LENGTH) != len ||
	    !key_id || out_len > cap || out_len > I62608_MAX_MSG)
		return -1;
	flags = get_unaligned_be16(msg + OFF_FLAGS);
	if (flags & I62608_F_PROTECTED)
		return -1;

	/* The header is authenticated as sent: complete it first. */
	put_unaligned_be16(flags | I62608_F_PROTECTED, msg + OFF_FLAGS);
	put_unaligned_be16((u16)out_len, msg + OFF_LENGTH);
	put_unaligned_be16(key_id, msg + OFF_KEY_ID);
	put_unaligned_be64(counter, msg + OFF_COUNTER);
	memcpy(ad, src_mac, 6);
	memcpy(ad + 6, msg, HDR_LEN);

	if (!i62608_cr_seal(msg + HDR_LEN, msg + HDR_LEN, len - HDR_LEN, ad,
			    sizeof(ad), counter, key)) {
		/* Never leave plaintext behind a PROTECTED header. */
		i62608_cr_wipe(msg, out_len);
		return -1;
	}
	return (int)out_len;
}

bool i62608_frame_open(struct i62608_frame *m, u8 *buf, const u8 src_mac[6],
		       const u8 key[I62608_KEY_LEN])
{
	u8 *body = buf + HDR_LEN;
	u8 ad[AD_LEN];

	/*
	 * @m must be i62608_wire_hdr()'s parse of @buf. The nonce is
	 * m->counter while the header bytes go into the associated data, so
	 * a caller whose m->counter is not the one on the wire fails here.
	 */
	if (!(m->flags & I62608_F_PROTECTED) || m->hdr != buf ||
	    m->body != body || m->tag != body + m->body_len)
		return false;
	memcpy(ad, src_mac, 6);
	memcpy(ad + 6, buf, HDR_LEN);
	return i62608_cr_open(body, body, m->body_len + TAG_LEN, ad, sizeof(ad),
			      m->counter, key);
}

/* ------------------------------------------------------------------ */
/* Replay window (RFC 6479)                                            */
/* ------------------------------------------------------------------ */

/*
 * A ring of I62608_REPLAY_BITS bits in 64-bit words. Moving forward clears
 * whole words, so one word is slack: the counters guaranteed in the ring
 * are the newest accepted and the REPLAY_WINDOW before it. Bit n + 1
 * stands for counter n, which makes top (highest accepted + 1) the bit of
 * the newest counter, and top 0 "none yet".
 */
#define REPLAY_WORDS	(I62608_REPLAY_BITS / 64)
#define REPLAY_WINDOW	(I62608_REPLAY_BITS - 64)

static_assert(REPLAY_WORDS && !(REPLAY_WORDS & (REPLAY_WORDS - 1)),
	      "replay words: a power of two");

void i62608_replay_init(struct i62608_replay *r)
{
	memset(r, 0, sizeof(*r));
}

bool i62608_replay_accept(struct i62608_replay *r, u64 counter)
{
	u64 pos, word, cur, n, i, bit;

	/* The last counter would wrap top. */
	if (counter == ~(u64)0)
		return false;
	pos = counter + 1;
	if (r->top > REPLAY_WINDOW && pos < r->top - REPLAY_WINDOW)
		return false;

	word = pos >> 6;
	if (pos > r->top) {
		/* The words entered are stale (or never used): clear them. */
		cur = r->top >> 6;
		n = word - cur;
		if (n > REPLAY_WORDS)
			n = REPLAY_WORDS;
		for (i = 1; i <= n; i++)
			r->bits[(cur + i) & (REPLAY_WORDS - 1)] = 0;
		r->top = pos;
	}
	bit = (u64)1 << (pos & 63);
	word &= REPLAY_WORDS - 1;
	if (r->bits[word] & bit)
		return false;
	r->bits[word] |= bit;
	return true;
}

/* ------------------------------------------------------------------ */
/* Pairing code (docs/security.md, section 3)                          */
/* ------------------------------------------------------------------ */

void i62608_pair_code(const u8 pub[I62608_KEY_LEN], u8 code[I62608_CODE_LEN])
{
	struct i62608_iov v[2] = {
		{ .p = code_label, .len = sizeof(code_label) - 1 },
		{ .p = pub, .len = I62608_KEY_LEN },
	};
	u8 h[HASH_LEN];

	i62608_cr_hash(h, v, 2);
	memcpy(code, h, I62608_CODE_LEN);
}
