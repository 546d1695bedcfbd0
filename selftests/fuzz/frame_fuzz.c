// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the protected-frame receive path of docs/security.md
 * section 6, in the order kernel/rx.c runs it (i62608_wire_hdr(), the
 * session by key id, i62608_frame_open(), then the replay window of
 * i62608_replay_accept(), and i62608_wire_validate() on the plaintext),
 * over the real kernel/noise.c and kernel/wire.c. Three modes (layout in
 * sec_fuzz.h):
 *
 *  - raw: the input is a frame from sf_agent_mac, opened with
 *    sf_frame_key. Whatever opens must be exactly what
 *    i62608_frame_seal() makes of its plaintext, header, key id and
 *    counter: sealed again, it gives the input's bytes back. Anything else
 *    is an accepted forgery.
 *
 *  - session: the input describes up to 16 frames, sealed with
 *    i62608_frame_seal(), and then delivers them in any order, any number
 *    of times, as sent, padded, with bits flipped (frame or sender
 *    address), cut short, or under the wrong key. A frame is accepted
 *    exactly when it arrives unaltered (padding aside), its counter was
 *    never accepted before, and the counter is inside the window; what
 *    opens is the plaintext that was sealed.
 *
 *  - replay: counters alone against a reference model of the window: no
 *    counter is ever accepted twice, the last one (2^64 - 1) never, every
 *    new counter no older than REPLAY_GUARANTEED below the newest always.
 */

#include <stdint.h>
#include <stdio.h>

#include "sec_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do {							\
	fprintf(stderr, "frame_fuzz: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define HDR_LEN		((size_t)sizeof(struct i62608_hdr))
/*
 * How far below the newest accepted counter a new one is still accepted:
 * the ring has I62608_REPLAY_BITS bits, one 64-bit word of which is slack
 * (noise.c). Older ones are refused.
 */
#define REPLAY_GUARANTEED (I62608_REPLAY_BITS - 64)
#define MAX_FRAMES	16
#define MAX_OPS		256

/* ------------------------------------------------------------------ */
/* Reference model of the replay window                                */
/* ------------------------------------------------------------------ */

struct model {
	u64 seen[MAX_OPS];
	unsigned int n;
	u64 top;		/* newest accepted + 1, 0: none */
};

static bool model_seen(const struct model *md, u64 c)
{
	unsigned int i;

	for (i = 0; i < md->n; i++)
		if (md->seen[i] == c)
			return true;
	return false;
}

static bool model_expect(const struct model *md, u64 c)
{
	if (c == ~(u64)0 || model_seen(md, c))
		return false;
	return md->top <= REPLAY_GUARANTEED || c + 1 >= md->top - REPLAY_GUARANTEED;
}

static void model_accept(struct model *md, u64 c)
{
	if (md->n < MAX_OPS)
		md->seen[md->n++] = c;
	if (c + 1 > md->top)
		md->top = c + 1;
}

/* One counter through the real window and the model; they must agree. */
static bool replay_check(struct i62608_replay *r, struct model *md, u64 c)
{
	bool want = model_expect(md, c);
	bool got = i62608_replay_accept(r, c);

	if (got && model_seen(md, c))
		FAIL("counter %llu accepted twice", (unsigned long long)c);
	if (got != want)
		FAIL("counter %llu %s (newest accepted + 1: %llu)",
		     (unsigned long long)c, got ? "accepted" : "refused",
		     (unsigned long long)md->top);
	if (got)
		model_accept(md, c);
	return got;
}

/* ------------------------------------------------------------------ */
/* The receive path                                                    */
/* ------------------------------------------------------------------ */

/*
 * Open @len bytes from @mac with @key as rx.c does, up to (not including)
 * the replay window. On success @m describes the plaintext in @buf.
 */
static bool rx_open(u8 *buf, size_t len, const u8 mac[6],
		    const u8 key[I62608_KEY_LEN], struct i62608_frame *m)
{
	if (i62608_wire_hdr(buf, len, m))
		return false;
	if (!(m->flags & I62608_F_PROTECTED) || m->key_id != SF_KEY_ID)
		return false;
	if (!i62608_frame_open(m, buf, mac, key))
		return false;
	/* What rx.c does next; it must not trip on any plaintext. */
	(void)i62608_wire_validate(m);
	return true;
}

/*
 * An opened frame must be what sealing its plaintext gives: @orig (the
 * bytes received) against a fresh seal of @m's header and plaintext.
 */
static void reseal_check(const u8 *orig, const struct i62608_frame *m)
{
	u8 plain[I62608_MAX_MSG];
	size_t len = HDR_LEN + m->body_len;
	int ret;

	memcpy(plain, m->hdr, HDR_LEN);
	put_unaligned_be16(m->flags & ~I62608_F_PROTECTED, plain + 2);
	put_unaligned_be16((u16)len, plain + 4);
	memcpy(plain + HDR_LEN, m->body, m->body_len);
	ret = i62608_frame_seal(plain, len, sizeof(plain), m->key_id,
				m->counter, sf_agent_mac, sf_frame_key);
	if (ret != (int)m->length)
		FAIL("an opened frame of %u bytes does not seal again (%d)",
		     m->length, ret);
	if (memcmp(plain, orig, m->length))
		FAIL("an opened frame is not what its plaintext seals to");
}

static void mode_raw(const u8 *data, size_t size)
{
	struct i62608_frame m;
	u8 *copy, *orig;

	if (size > I62608_MAX_MSG + 64)
		return;
	/* Exact-size buffers: ASan sees any access past the end. */
	copy = malloc(size ? size : 1);
	orig = malloc(size ? size : 1);
	if (!copy || !orig)
		abort();
	memcpy(copy, data, size);
	memcpy(orig, data, size);
	if (rx_open(copy, size, sf_agent_mac, sf_frame_key, &m))
		reseal_check(orig, &m);
	free(copy);
	free(orig);
}

/* ------------------------------------------------------------------ */
/* Sessions                                                            */
/* ------------------------------------------------------------------ */

struct sealed {
	u8 buf[I62608_MAX_MSG];
	u8 plain[I62608_MAX_MSG];	/* the TLVs as sealed */
	size_t len;
	size_t body_len;
	u64 counter;
	bool ok;			/* i62608_frame_seal() took it */
};

enum { ACT_SEND, ACT_PAD, ACT_FLIP, ACT_CUT, ACT_WRONG_KEY, ACT_N };

static void seal_frame(struct sf_in *in, struct sealed *f)
{
	struct i62608_w_hdr h = { 0 };
	struct i62608_w w;
	int len;

	h.type = sf_u8(in);
	h.flags = sf_u8(in);
	h.msg_id = (u32)sf_u64(in);
	h.epoch = 0x5eed0001;
	f->counter = sf_u64(in);
	f->body_len = sf_u8(in);
	sf_bytes(in, f->plain, f->body_len);

	i62608_w_init(&w, f->buf, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(&w, &h);
	memcpy(f->buf + w.len, f->plain, f->body_len);
	w.len += f->body_len;
	len = i62608_w_finish(&w);
	if (len < 0)
		FAIL("the encoder refused a %zu-byte body", f->body_len);
	len = i62608_frame_seal(f->buf, len, sizeof(f->buf), SF_KEY_ID,
				f->counter, sf_agent_mac, sf_frame_key);
	/* Only a plaintext PROTECTED flag makes a sealer refuse. */
	if (len < 0 && !(h.flags & I62608_F_PROTECTED))
		FAIL("i62608_frame_seal() refused a %zu-byte message",
		     f->body_len + HDR_LEN);
	f->ok = len >= 0;
	f->len = f->ok ? (size_t)len : 0;
}

static void mode_session(struct sf_in *in)
{
	static struct sealed frames[MAX_FRAMES];
	static const u8 wrong_key[I62608_KEY_LEN] = SF_KEY(0x77);
	unsigned int n = 1 + sf_u8(in) % MAX_FRAMES, i, ops = 0;
	struct i62608_replay r;
	struct model md = { .n = 0 };

	for (i = 0; i < n; i++)
		seal_frame(in, &frames[i]);
	i62608_replay_init(&r);

	while (in->left && ops++ < MAX_OPS) {
		struct sealed *f = &frames[sf_u8(in) % n];
		u8 act = sf_u8(in) % ACT_N;
		const u8 *key = sf_frame_key;
		u8 mac[6], *buf;
		struct i62608_frame m;
		size_t len = f->len;
		bool altered = false, opened;
		unsigned int pos;
		u8 mask;

		if (!f->ok)
			continue;
		memcpy(mac, sf_agent_mac, sizeof(mac));
		switch (act) {
		case ACT_PAD:
			len += 1 + sf_u8(in) % 64;
			break;
		case ACT_FLIP:
			pos = sf_u16(in) % (f->len + 6);
			mask = sf_u8(in) ?: 0x01;
			altered = true;
			break;
		case ACT_CUT:
			len = sf_u8(in) % f->len;
			altered = true;
			break;
		case ACT_WRONG_KEY:
			key = wrong_key;
			altered = true;
			break;
		}
		buf = calloc(1, len ? len : 1);
		if (!buf)
			abort();
		memcpy(buf, f->buf, len < f->len ? len : f->len);
		if (act == ACT_FLIP) {
			if (pos < 6)
				mac[pos] ^= mask;
			else
				buf[pos - 6] ^= mask;
		}

		opened = rx_open(buf, len, mac, key, &m);
		if (opened && altered)
			FAIL("an altered frame (action %u) opened", act);
		if (!altered && !opened)
			FAIL("a frame as sealed did not open");
		if (opened && (m.body_len != f->body_len ||
			       memcmp(m.body, f->plain, f->body_len) ||
			       m.counter != f->counter))
			FAIL("an opened frame is not the plaintext sealed");
		if (opened)
			replay_check(&r, &md, m.counter);
		free(buf);
	}
}

static void mode_replay(struct sf_in *in)
{
	struct i62608_replay r;
	struct model md = { .n = 0 };
	unsigned int ops = 0;

	i62608_replay_init(&r);
	while (in->left && ops++ < MAX_OPS) {
		u64 c, d;

		switch (sf_u8(in) % 4) {
		case 0:		/* anywhere */
			c = sf_u64(in);
			break;
		case 1:		/* behind the newest */
			d = sf_u16(in);
			c = md.top > d ? md.top - 1 - d : 0;
			break;
		case 2:		/* a little ahead */
			d = sf_u16(in);
			c = md.top + d < md.top ? ~(u64)0 : md.top + d;
			break;
		default:	/* far ahead, up to the end */
			d = (u64)1 << (sf_u8(in) % 64);
			c = md.top + d < md.top ? ~(u64)0 : md.top + d;
			break;
		}
		replay_check(&r, &md, c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_in in = { data, size };

	switch (sf_u8(&in) % SF_FR_N) {
	case SF_FR_RAW:
		mode_raw(in.p, in.left);
		break;
	case SF_FR_SESSION:
		mode_session(&in);
		break;
	case SF_FR_REPLAY:
		mode_replay(&in);
		break;
	}
	return 0;
}
