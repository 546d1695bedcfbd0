/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Noise_XX_25519_ChaChaPoly_BLAKE2s, the protected frame format and the
 * replay window of docs/security.md: written once, built into the kernel
 * module (responder, configurator) and userspace (initiator, agent; and
 * both roles in the tests).
 */
#ifndef _I62608_NOISE_H
#define _I62608_NOISE_H

#include "crypto.h"
#include "wire.h"

#define I62608_HS1_LEN	32	/* -> e */
#define I62608_HS2_LEN	96	/* <- e, ee, s, es (+ empty payload) */
#define I62608_HS3_LEN	64	/* -> s, se (+ empty payload) */
#define I62608_PROLOGUE_MAX 32	/* "i62608 handshake v1" + 2 MACs */
#define I62608_CODE_LEN	10	/* pairing code, bytes */
#define I62608_REPLAY_BITS 1024

struct i62608_keypair {
	u8 priv[I62608_KEY_LEN];
	u8 pub[I62608_KEY_LEN];
};

/* A handshake in progress. Wiped by split() and by wipe(). */
struct i62608_hs {
	u8 h[I62608_HASH_LEN];		/* handshake hash */
	u8 ck[I62608_HASH_LEN];		/* chaining key */
	u8 k[I62608_KEY_LEN];		/* cipher key, when has_k */
	u64 n;				/* its nonce */
	bool has_k;
	bool initiator;
	u8 step;			/* messages done */
	struct i62608_keypair s;	/* our static key */
	struct i62608_keypair e;	/* our ephemeral key */
	u8 re[I62608_KEY_LEN];		/* their ephemeral key */
	u8 rs[I62608_KEY_LEN];		/* their static key, after msg 2/3 */
};

/* The prologue binding a handshake to the agent's and configurator's MACs. */
size_t i62608_hs_prologue(u8 out[I62608_PROLOGUE_MAX], const u8 agent_mac[6],
			  const u8 conf_mac[6]);

/*
 * Start a handshake with our static key @s. The initiator (agent) writes
 * message 1, reads 2, writes 3; the responder (configurator) reads 1,
 * writes 2, reads 3. Each returns 0, or -EINVAL for a call out of order or
 * a message of the wrong size, or -EBADMSG when a message does not verify
 * (the handshake is then dead: wipe it).
 */
void i62608_hs_init(struct i62608_hs *hs, bool initiator,
		    const struct i62608_keypair *s, const u8 *prologue,
		    size_t prologue_len);
int i62608_hs_write1(struct i62608_hs *hs, u8 out[I62608_HS1_LEN]);
int i62608_hs_read1(struct i62608_hs *hs, const u8 *in, size_t len);
int i62608_hs_write2(struct i62608_hs *hs, u8 out[I62608_HS2_LEN]);
int i62608_hs_read2(struct i62608_hs *hs, const u8 *in, size_t len);
int i62608_hs_write3(struct i62608_hs *hs, u8 out[I62608_HS3_LEN]);
int i62608_hs_read3(struct i62608_hs *hs, const u8 *in, size_t len);
/* After message 3: the two transport keys; then @hs is wiped. */
int i62608_hs_split(struct i62608_hs *hs, u8 send[I62608_KEY_LEN],
		    u8 recv[I62608_KEY_LEN]);
void i62608_hs_wipe(struct i62608_hs *hs);

/*
 * Protect a message built with the encoder (i62608_w_finish() done, its
 * length field not counting any tag) in place: set PROTECTED, @key_id and
 * @counter in its header, encrypt its TLVs and append the tag. @cap is the
 * room in @msg. Returns the new length, or -1 if it does not fit.
 */
int i62608_frame_seal(u8 *msg, size_t len, size_t cap, u16 key_id,
		      u64 counter, const u8 src_mac[6],
		      const u8 key[I62608_KEY_LEN]);

/*
 * Verify and decrypt a protected message in place; @m is its parsed header
 * (i62608_wire_hdr()) and @buf the writable buffer it points into. On
 * success @m->body holds the plaintext TLVs, ready for
 * i62608_wire_validate(). The replay window is not touched.
 */
bool i62608_frame_open(struct i62608_frame *m, u8 *buf, const u8 src_mac[6],
		       const u8 key[I62608_KEY_LEN]);

/* Sliding replay window of I62608_REPLAY_BITS counters (RFC 6479). */
struct i62608_replay {
	u64 top;			/* highest counter accepted + 1 */
	u64 bits[I62608_REPLAY_BITS / 64];
};

void i62608_replay_init(struct i62608_replay *r);
/* Accept @counter once: false if seen or older than the window. */
bool i62608_replay_accept(struct i62608_replay *r, u64 counter);

/* The pairing code of a public key (docs/security.md, section 3). */
void i62608_pair_code(const u8 pub[I62608_KEY_LEN], u8 code[I62608_CODE_LEN]);

#endif /* _I62608_NOISE_H */
