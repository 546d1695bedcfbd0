/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the security fuzzers (noise_fuzz.c, frame_fuzz.c) and their corpus
 * generator (mkcorpus_sec.c) share: the fixed keys and addresses, the
 * input reader, and the input layouts, so that the generator writes seeds
 * the targets read the way it means.
 *
 * The keys are constants: the targets must be deterministic, so that a
 * crash replays, and the frame target's seeds are frames sealed with them.
 */
#ifndef I62608_SEC_FUZZ_H
#define I62608_SEC_FUZZ_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "noise.h"

/* Private keys; X25519 clamps them, so any 32 bytes will do. */
#define SF_KEY(b) { [0] = (b), [1] = 0x62, [2] = 0x60, [3] = 0x08, [31] = 0x40 }

static const u8 sf_static_i[I62608_KEY_LEN] = SF_KEY(0x11);	/* agent */
static const u8 sf_static_r[I62608_KEY_LEN] = SF_KEY(0x22);	/* configurator */
static const u8 sf_eph_i[I62608_KEY_LEN] = SF_KEY(0x33);
static const u8 sf_eph_r[I62608_KEY_LEN] = SF_KEY(0x44);
/* A scalar to compare public keys by what X25519 makes of them. */
static const u8 sf_probe[I62608_KEY_LEN] = SF_KEY(0x55);
/* The transport key and sender of frame_fuzz.c. */
static const u8 sf_frame_key[I62608_KEY_LEN] = SF_KEY(0x66);
static const u8 sf_agent_mac[6] = { 0x02, 0x62, 0x60, 0x80, 0x00, 0xa1 };
static const u8 sf_conf_mac[6] = { 0x02, 0x62, 0x60, 0x80, 0x00, 0xc1 };
#define SF_KEY_ID	0x5eed

/*
 * noise_fuzz.c input: byte 0 the mode (SF_HS_*), then 12 bytes XORed into
 * the victim's view of the agent's and configurator's MACs (its prologue),
 * then, with SF_HS_BOGUS_STATIC, the 32 bytes of the public key the peer
 * claims, then one "message script" per message the victim receives.
 */
#define SF_HS_VICTIM_AGENT	0x01	/* else the victim is the configurator */
#define SF_HS_BOGUS_STATIC	0x02	/* the peer claims another public key */
#define SF_HS_MISUSE		0x04	/* then calls out of order */

/*
 * A message script: one byte, the action (modulo SF_MSG_N), then its
 * arguments:
 *   SF_MSG_HONEST  the peer's message as it wrote it;
 *   SF_MSG_FLIP    byte N, then N pairs (offset modulo the length, XOR mask)
 *                  applied to the peer's message;
 *   SF_MSG_RAW     byte L, then L bytes instead of the message;
 *   SF_MSG_RESIZE  byte D: the peer's message with D - 128 bytes added
 *                  (zeros) or cut off.
 */
enum { SF_MSG_HONEST, SF_MSG_FLIP, SF_MSG_RAW, SF_MSG_RESIZE, SF_MSG_N };

/*
 * frame_fuzz.c input: byte 0 the mode (modulo SF_FR_N), then:
 *   SF_FR_RAW      the frame's bytes, opened with sf_frame_key as if sent
 *                  by sf_agent_mac;
 *   SF_FR_SESSION  byte N (1..16 frames, modulo), N frame descriptions
 *                  (type, counter: 8 bytes big endian, body length L, L
 *                  body bytes), then deliveries until the input ends
 *                  (frame index, action, action's arguments: see the
 *                  target);
 *   SF_FR_REPLAY   counters for the replay window alone (see the target).
 */
enum { SF_FR_RAW, SF_FR_SESSION, SF_FR_REPLAY, SF_FR_N };

/* Reads the input front to back; missing bytes read as zero. */
struct sf_in {
	const u8 *p;
	size_t left;
};

static inline u8 sf_u8(struct sf_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline u16 sf_u16(struct sf_in *in)
{
	u16 hi = sf_u8(in);

	return (u16)(hi << 8 | sf_u8(in));
}

static inline u64 sf_u64(struct sf_in *in)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | sf_u8(in);
	return v;
}

/* Up to @n bytes into @out (zeros past the input's end). */
static inline void sf_bytes(struct sf_in *in, u8 *out, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(out, in->p, k);
	memset(out + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

static inline void sf_keypair(struct i62608_keypair *kp, const u8 priv[I62608_KEY_LEN])
{
	memcpy(kp->priv, priv, I62608_KEY_LEN);
	if (!i62608_cr_x25519_pub(kp->pub, kp->priv))
		abort();
}

#endif /* I62608_SEC_FUZZ_H */
