/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's keys on disk (docs/security.md section 3, docs/i62608-agent.md
 * "KEYS AND PAIRING"): its static X25519 key, created on first start, and
 * the configurator it pinned. Keys are written as base64 (44 characters,
 * like WireGuard); the pairing code as Crockford base32, XXXX-XXXX-XXXX-XXXX.
 */
#ifndef AGENT_KEYS_H
#define AGENT_KEYS_H

#include <stdio.h>

#include "noise.h"

/* base64 of a 32-byte key, with its padding, and the NUL. */
#define AGENT_KEY_B64_LEN	45
/* XXXX-XXXX-XXXX-XXXX and the NUL. */
#define AGENT_CODE_STR_LEN	20

/* Standard base64 with padding; @out has 4 * ((len + 2) / 3) + 1 bytes. */
void agent_b64_encode(const u8 *in, size_t len, char *out);
/*
 * Exactly 44 characters of standard base64 (with the '=') decoding to 32
 * bytes, not all zero. Returns 0 or -EINVAL.
 */
int agent_key_parse(const char *s, u8 key[I62608_KEY_LEN]);
void agent_key_str(const u8 key[I62608_KEY_LEN], char out[AGENT_KEY_B64_LEN]);
/* The pairing code of @pub as the label shows it. */
void agent_code_str(const u8 pub[I62608_KEY_LEN], char out[AGENT_CODE_STR_LEN]);

/*
 * The static key in @path: read, or created when it does not exist
 * (@create: a new key from i62608_cr_x25519_gen(), the file made with
 * O_CREAT | O_EXCL and mode 0600, its directory with 0700). Refused when
 * it is not a regular file, is readable or writable by group or others,
 * or does not hold one base64 key. Errors go to @err as "PATH: message".
 * Returns 0, or -errno (-EINVAL: malformed, -EPERM: permissions).
 */
int agent_key_load(const char *path, bool create, struct i62608_keypair *kp,
		   FILE *err);

/*
 * The key of instance @index of --instances: instance 0 is @base itself;
 * instance N > 0 has the private key
 *   clamp(BLAKE2s-256("i62608 instance key v1" || base.priv || LE32(N)))
 * so each virtual agent is a distinct, stable identity.
 */
void agent_key_derive(const struct i62608_keypair *base, u32 index,
		      struct i62608_keypair *out);

/*
 * The learned pin in @path: 0 with @pub filled, -ENOENT when there is none,
 * or -errno / -EINVAL (malformed) with a message on @err.
 */
int agent_pin_load(const char *path, u8 pub[I62608_KEY_LEN], FILE *err);
/* Write the pin atomically (a new file renamed over the old). */
int agent_pin_store(const char *path, const u8 pub[I62608_KEY_LEN]);

#endif /* AGENT_KEYS_H */
