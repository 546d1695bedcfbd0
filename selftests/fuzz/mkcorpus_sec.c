// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the security fuzzers: `make fuzz-corpus` runs
 * it as mkcorpus_sec selftests/fuzz/corpus. Deterministic (the keys are
 * the constants of sec_fuzz.h and ChaCha20-Poly1305 is deterministic), so
 * the committed files can always be regenerated.
 *
 *   corpus/noise/  handshake scripts for noise_fuzz.c: the honest
 *                  transcript in both roles, each message altered, replaced,
 *                  lengthened and cut, misbound prologues, a claimed static
 *                  key that is the real one with bit 255 set, one of low
 *                  order, a low-order ephemeral key, and calls out of order;
 *   corpus/frame/  for frame_fuzz.c: frames sealed with sf_frame_key (raw
 *                  mode: REPORT, HEARTBEAT, CONFIG_ACK, an empty body,
 *                  padding, the last counter), session scripts (in order,
 *                  replayed, reordered, flipped, cut, the wrong key) and
 *                  replay-window scripts (far jumps, the window's edge).
 *
 * Regression inputs kept beside these (regress-*) are not touched.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sec_fuzz.h"

static const char *out_dir;

struct seed {
	u8 buf[I62608_MAX_MSG + 256];
	size_t len;
};

static void put(const char *dir, const char *name, const struct seed *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->buf, 1, s->len, f) != s->len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void b(struct seed *s, u8 v)
{
	if (s->len >= sizeof(s->buf)) {
		fprintf(stderr, "mkcorpus_sec: seed too long\n");
		exit(1);
	}
	s->buf[s->len++] = v;
}

static void bytes(struct seed *s, const void *p, size_t n)
{
	const u8 *q = p;

	while (n--)
		b(s, *q++);
}

static void be64(struct seed *s, u64 v)
{
	int i;

	for (i = 56; i >= 0; i -= 8)
		b(s, (u8)(v >> i));
}

/* ------------------------------------------------------------------ */
/* noise_fuzz.c                                                        */
/* ------------------------------------------------------------------ */

/* Mode byte and the 12 bytes of prologue XOR (@mac_x into the first). */
static void hs_start(struct seed *s, u8 mode, u8 mac_x)
{
	int i;

	s->len = 0;
	b(s, mode);
	b(s, mac_x);
	for (i = 1; i < 12; i++)
		b(s, 0);
}

static void noise_corpus(void)
{
	static const u8 low_order[I62608_KEY_LEN] = { 1 };	/* the point 1 */
	struct i62608_keypair kp;
	struct seed s;
	u8 role;
	int i;

	for (role = 0; role <= SF_HS_VICTIM_AGENT; role++) {
		const char *r = role ? "agent" : "conf";
		char name[64];

		/* The honest transcript: every message as written. */
		hs_start(&s, role, 0);
		b(&s, SF_MSG_HONEST);
		b(&s, SF_MSG_HONEST);
		snprintf(name, sizeof(name), "%s-honest", r);
		put("noise", name, &s);

		/* One bit of each received message flipped. */
		for (i = 0; i < 2; i++) {
			hs_start(&s, role, 0);
			if (i)
				b(&s, SF_MSG_HONEST);
			b(&s, SF_MSG_FLIP);
			b(&s, 1);
			b(&s, i ? 40 : 3);
			b(&s, 0x01);
			b(&s, SF_MSG_HONEST);
			snprintf(name, sizeof(name), "%s-flip%d", r, i + 1);
			put("noise", name, &s);
		}

		/* A message one byte long, one short, replaced by zeros. */
		hs_start(&s, role, 0);
		b(&s, SF_MSG_RESIZE);
		b(&s, 129);
		snprintf(name, sizeof(name), "%s-long", r);
		put("noise", name, &s);
		hs_start(&s, role, 0);
		b(&s, SF_MSG_RESIZE);
		b(&s, 127);
		snprintf(name, sizeof(name), "%s-short", r);
		put("noise", name, &s);
		hs_start(&s, role, 0);
		b(&s, SF_MSG_RAW);
		b(&s, role ? I62608_HS2_LEN : I62608_HS1_LEN);
		for (i = 0; i < (role ? I62608_HS2_LEN : I62608_HS1_LEN); i++)
			b(&s, 0);
		b(&s, SF_MSG_HONEST);
		snprintf(name, sizeof(name), "%s-zeros", r);
		put("noise", name, &s);

		/* The victim has another idea of the configurator's MAC. */
		hs_start(&s, role, 0);
		s.buf[7] = 0x01;
		b(&s, SF_MSG_HONEST);
		b(&s, SF_MSG_HONEST);
		snprintf(name, sizeof(name), "%s-prologue", r);
		put("noise", name, &s);

		/* The peer claims its key with bit 255 set: same point. */
		sf_keypair(&kp, role ? sf_static_r : sf_static_i);
		kp.pub[31] ^= 0x80;
		hs_start(&s, role | SF_HS_BOGUS_STATIC, 0);
		bytes(&s, kp.pub, sizeof(kp.pub));
		b(&s, SF_MSG_HONEST);
		b(&s, SF_MSG_HONEST);
		snprintf(name, sizeof(name), "%s-bit255", r);
		put("noise", name, &s);

		/* ... a key of low order; another agent's key. */
		hs_start(&s, role | SF_HS_BOGUS_STATIC, 0);
		bytes(&s, low_order, sizeof(low_order));
		b(&s, SF_MSG_HONEST);
		b(&s, SF_MSG_HONEST);
		snprintf(name, sizeof(name), "%s-static-low", r);
		put("noise", name, &s);
		sf_keypair(&kp, sf_eph_r);
		hs_start(&s, role | SF_HS_BOGUS_STATIC, 0);
		bytes(&s, kp.pub, sizeof(kp.pub));
		b(&s, SF_MSG_HONEST);
		b(&s, SF_MSG_HONEST);
		snprintf(name, sizeof(name), "%s-static-other", r);
		put("noise", name, &s);

		/* A message of the wrong size, then calls in any order. */
		hs_start(&s, role | SF_HS_MISUSE, 0);
		b(&s, SF_MSG_RESIZE);
		b(&s, 120);
		for (i = 0; i < 7; i++) {
			b(&s, (u8)(6 - i));
			b(&s, i == 1 ? I62608_HS1_LEN : I62608_HS3_LEN);
			bytes(&s, sf_probe, 32);
		}
		snprintf(name, sizeof(name), "%s-misuse", r);
		put("noise", name, &s);
	}

	/* An HS_INIT whose ephemeral key is of low order. */
	hs_start(&s, 0, 0);
	b(&s, SF_MSG_RAW);
	b(&s, I62608_HS1_LEN);
	bytes(&s, low_order, sizeof(low_order));
	put("noise", "conf-eph-low", &s);
}

/* ------------------------------------------------------------------ */
/* frame_fuzz.c                                                        */
/* ------------------------------------------------------------------ */

/* A sealed frame of @type with @body, as an agent sends it. */
static size_t sealed(u8 *out, u8 type, u64 counter, const u8 *body,
		     size_t body_len)
{
	struct i62608_w_hdr h = {
		.type = type, .msg_id = 0x1001, .epoch = 0x5eed0001,
	};
	struct i62608_w w;
	int len;

	i62608_w_init(&w, out, I62608_MAX_MSG - I62608_TAG_LEN);
	i62608_w_hdr(&w, &h);
	memcpy(out + w.len, body, body_len);
	w.len += body_len;
	len = i62608_w_finish(&w);
	if (len >= 0)
		len = i62608_frame_seal(out, len, I62608_MAX_MSG, SF_KEY_ID,
					counter, sf_agent_mac, sf_frame_key);
	if (len < 0) {
		fprintf(stderr, "mkcorpus_sec: cannot seal\n");
		exit(1);
	}
	return (size_t)len;
}

/* TLV bodies of a HEARTBEAT, a CONFIG_ACK and a small REPORT. */
static size_t body_of(u8 type, u8 *out)
{
	static const u8 result[3] = { 0, I62608_CFG_APPLIED, 0 };
	struct i62608_w w;

	/* The encoder writes a header first; keep the TLVs after it. */
	u8 tmp[256];
	struct i62608_w_hdr h = { .type = type, .epoch = 1 };

	i62608_w_init(&w, tmp, sizeof(tmp));
	i62608_w_hdr(&w, &h);
	switch (type) {
	case I62608_MSG_HEARTBEAT:
		i62608_w_u16(&w, I62608_TLV_TTL, 30);
		i62608_w_u32(&w, I62608_TLV_REPORT_ID, 7);
		break;
	case I62608_MSG_CONFIG_ACK:
		i62608_w_tlv(&w, I62608_TLV_CFG_RESULT, result, sizeof(result));
		break;
	default:
		i62608_w_u16(&w, I62608_TLV_TTL, 30);
		i62608_w_u32(&w, I62608_TLV_CAPABILITIES, 0x1ff);
		i62608_w_u8(&w, I62608_TLV_DEVICE_TYPE, I62608_DEV_STB);
		i62608_w_str(&w, I62608_TLV_NAME, "livingroom-stb");
		break;
	}
	if (i62608_w_finish(&w) < 0)
		exit(1);
	memcpy(out, tmp + sizeof(struct i62608_hdr),
	       w.len - sizeof(struct i62608_hdr));
	return w.len - sizeof(struct i62608_hdr);
}

static void frame_corpus(void)
{
	static const u8 types[] = {
		I62608_MSG_REPORT, I62608_MSG_HEARTBEAT, I62608_MSG_CONFIG_ACK,
	};
	static const char *const names[] = { "report", "heartbeat", "config-ack" };
	u8 frame[I62608_MAX_MSG], body[256];
	struct seed s;
	size_t len, bl;
	unsigned int i;
	int k;

	for (i = 0; i < sizeof(types); i++) {
		char name[64];

		bl = body_of(types[i], body);
		len = sealed(frame, types[i], 3 + i, body, bl);
		s.len = 0;
		b(&s, SF_FR_RAW);
		bytes(&s, frame, len);
		snprintf(name, sizeof(name), "raw-%s", names[i]);
		put("frame", name, &s);
	}
	/* Padded to Ethernet's minimum; an empty body; the last counter. */
	bl = body_of(I62608_MSG_HEARTBEAT, body);
	len = sealed(frame, I62608_MSG_HEARTBEAT, 0, body, bl);
	s.len = 0;
	b(&s, SF_FR_RAW);
	bytes(&s, frame, len);
	while (s.len < 1 + 46 + 16)
		b(&s, 0);
	put("frame", "raw-padded", &s);
	len = sealed(frame, I62608_MSG_SESSION_CONFIRM, 0, NULL, 0);
	s.len = 0;
	b(&s, SF_FR_RAW);
	bytes(&s, frame, len);
	put("frame", "raw-empty", &s);
	len = sealed(frame, I62608_MSG_HEARTBEAT, ~(u64)0 - 1, body, bl);
	s.len = 0;
	b(&s, SF_FR_RAW);
	bytes(&s, frame, len);
	put("frame", "raw-counter-max", &s);

	/*
	 * A session: four frames (counters 0, 1, 2 and one far ahead),
	 * delivered in order, replayed, reordered, flipped, cut, padded,
	 * under the wrong key.
	 */
	s.len = 0;
	b(&s, SF_FR_SESSION);
	b(&s, 3);		/* 4 frames */
	for (k = 0; k < 4; k++) {
		bl = body_of(types[k % 3], body);
		b(&s, types[k % 3]);
		b(&s, 0);	/* flags */
		be64(&s, 0x100 + k);
		be64(&s, k == 3 ? 5000 : (u64)k);
		b(&s, (u8)bl);
		bytes(&s, body, bl);
	}
	bytes(&s, (const u8[]){ 0, 0, 1, 0, 0, 0 }, 6);	/* 0, 1, 0 again */
	bytes(&s, (const u8[]){ 2, 2, 1, 0, 0, 2, 0 }, 7);	/* 2 flipped: hdr, then as sent */
	bytes(&s, (const u8[]){ 3, 0, 2, 1, 4 }, 5);		/* 3 (far), 2 padded: too old */
	bytes(&s, (const u8[]){ 1, 3, 10, 0, 4 }, 5);		/* 1 cut, wrong key */
	bytes(&s, (const u8[]){ 0, 2, 0, 3, 0x80 }, 5);		/* a MAC bit */
	put("frame", "session", &s);

	/* The window: in order, a jump, its edge, behind it, the end. */
	s.len = 0;
	b(&s, SF_FR_REPLAY);
	for (k = 0; k < 8; k++) {
		b(&s, 2);
		b(&s, 0);
		b(&s, 1);
	}
	b(&s, 2);
	b(&s, 0x10);
	b(&s, 0);
	b(&s, 1);
	b(&s, 0x03);
	b(&s, 0xc0);
	b(&s, 1);
	b(&s, 0x03);
	b(&s, 0xbf);
	b(&s, 1);
	b(&s, 0);
	b(&s, 0);
	b(&s, 3);
	b(&s, 63);
	b(&s, 0);
	be64(&s, ~(u64)0);
	put("frame", "replay", &s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus_sec DIR\n");
		return 2;
	}
	out_dir = argv[1];
	noise_corpus();
	frame_corpus();
	return 0;
}
