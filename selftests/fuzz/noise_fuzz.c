// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the Noise XX handshake of kernel/noise.c, the code the
 * module runs as responder (configurator) and the agent as initiator, with
 * a victim in one role and an honest peer in the other whose messages the
 * input may replace, alter, lengthen or cut (layout in sec_fuzz.h).
 *
 * The victim's messages reach the peer unchanged; what the victim receives
 * is under the input's control, and so are the victim's idea of the two
 * link addresses (its prologue) and the public key the peer claims. Both
 * sides' ephemeral keys are fixed (the noise_test.h hook), so a run is
 * deterministic and the seeds can hold honest transcripts. Checked, for
 * every input:
 *
 *  - no crash, no sanitizer report, and only 0, -EINVAL or -EBADMSG;
 *  - a message of the wrong size is -EINVAL and leaves the state as it was;
 *  - a message is accepted exactly when it is, byte for byte, the one the
 *    peer wrote in a transcript that is the same on both sides (same
 *    prologue, same earlier messages), and the peer's claimed static key
 *    is its real one (or an encoding X25519 cannot tell from it): no
 *    altered, replaced or misbound message is ever accepted, and no
 *    honest one is refused;
 *  - an ephemeral key of low order is refused (-EBADMSG), never used;
 *  - a failed handshake is wiped at once and every later call is -EINVAL;
 *  - a completed one learned the peer's static key, and both sides split
 *    into the same two keys, crossed.
 *
 * With SF_HS_MISUSE the input then calls the victim's six steps and
 * split() in any order with any bytes: out of order is -EINVAL, and the
 * state never moves on from there.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "noise_test.h"
#include "sec_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do {							\
	fprintf(stderr, "noise_fuzz: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* The longest message a script makes: 255 raw bytes, or HS_RESP + 127. */
#define MSG_MAX		256

static_assert(I62608_HS2_LEN + 127 <= MSG_MAX, "MSG_MAX");

struct msg {
	u8 buf[MSG_MAX];
	size_t len;
};

/* Apply one message script of @in to the peer's message @orig. */
static void script(struct sf_in *in, const u8 *orig, size_t orig_len,
		   struct msg *out)
{
	unsigned int n, i, d;

	memcpy(out->buf, orig, orig_len);
	out->len = orig_len;
	switch (sf_u8(in) % SF_MSG_N) {
	case SF_MSG_HONEST:
		break;
	case SF_MSG_FLIP:
		n = sf_u8(in) % 9;
		for (i = 0; i < n && orig_len; i++) {
			u8 off = sf_u8(in);

			out->buf[off % orig_len] ^= sf_u8(in);
		}
		break;
	case SF_MSG_RAW:
		out->len = sf_u8(in);
		sf_bytes(in, out->buf, out->len);
		break;
	case SF_MSG_RESIZE:
		d = sf_u8(in);
		if (d >= 128) {
			out->len = orig_len + d - 128;
			memset(out->buf + orig_len, 0, d - 128);
		} else {
			out->len = orig_len > 128 - d ? orig_len - (128 - d) : 0;
		}
		break;
	}
}

static bool same(const struct msg *m, const u8 *orig, size_t len)
{
	return m->len == len && !memcmp(m->buf, orig, len);
}

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* X25519 cannot tell @a from @b (bit 255, non-canonical encodings). */
static bool equivalent(const u8 a[I62608_KEY_LEN], const u8 b[I62608_KEY_LEN])
{
	u8 da[I62608_KEY_LEN], db[I62608_KEY_LEN];
	bool oka = i62608_cr_x25519(da, sf_probe, a);
	bool okb = i62608_cr_x25519(db, sf_probe, b);

	return oka == okb && (!oka || !memcmp(da, db, sizeof(da)));
}

static bool low_order(const u8 pub[I62608_KEY_LEN])
{
	u8 dh[I62608_KEY_LEN];

	return !i62608_cr_x25519(dh, sf_probe, pub);
}

/* A read of the victim: its return value against what must happen. */
static void check_read(const char *step, int ret, bool right_size,
		       bool must_accept, struct i62608_hs *hs)
{
	if (ret != 0 && ret != -EINVAL && ret != -EBADMSG)
		FAIL("%s returned %d", step, ret);
	if (!right_size) {
		if (ret != -EINVAL)
			FAIL("%s of a message of the wrong size returned %d",
			     step, ret);
		return;
	}
	if (must_accept && ret)
		FAIL("%s refused an honest message (%d)", step, ret);
	if (!must_accept && !ret)
		FAIL("%s accepted a message the peer did not write", step);
	if (ret == -EBADMSG && !all_zero(hs, sizeof(*hs)))
		FAIL("%s failed but the handshake was not wiped", step);
}

/* A dead or finished handshake refuses everything. */
static void check_dead(struct i62608_hs *hs)
{
	u8 buf[I62608_HS2_LEN] = { 0 }, k1[I62608_KEY_LEN], k2[I62608_KEY_LEN];

	if (i62608_hs_write1(hs, buf) != -EINVAL ||
	    i62608_hs_read1(hs, buf, I62608_HS1_LEN) != -EINVAL ||
	    i62608_hs_write2(hs, buf) != -EINVAL ||
	    i62608_hs_read2(hs, buf, I62608_HS2_LEN) != -EINVAL ||
	    i62608_hs_write3(hs, buf) != -EINVAL ||
	    i62608_hs_read3(hs, buf, I62608_HS3_LEN) != -EINVAL ||
	    i62608_hs_split(hs, k1, k2) != -EINVAL)
		FAIL("a dead handshake went on");
}

/* Both completed: the peer's key learned, the same keys crossed. */
static void check_done(struct i62608_hs *victim, struct i62608_hs *peer,
		       const u8 claimed[I62608_KEY_LEN],
		       const u8 victim_pub[I62608_KEY_LEN])
{
	u8 vs[I62608_KEY_LEN], vr[I62608_KEY_LEN];
	u8 ps[I62608_KEY_LEN], pr[I62608_KEY_LEN];

	if (memcmp(victim->rs, claimed, I62608_KEY_LEN))
		FAIL("the victim learned another static key than the peer sent");
	if (memcmp(peer->rs, victim_pub, I62608_KEY_LEN))
		FAIL("the peer learned another static key than the victim's");
	if (i62608_hs_split(victim, vs, vr) || i62608_hs_split(peer, ps, pr))
		FAIL("split() of a completed handshake failed");
	if (memcmp(vs, pr, sizeof(vs)) || memcmp(vr, ps, sizeof(vr)))
		FAIL("the two sides split into different keys");
	if (!memcmp(vs, vr, sizeof(vs)))
		FAIL("both directions got the same key");
	if (!all_zero(victim, sizeof(*victim)) || !all_zero(peer, sizeof(*peer)))
		FAIL("split() did not wipe the handshake");
	check_dead(victim);
}

/* SF_HS_MISUSE: the victim's calls in any order, with any bytes. */
static void misuse(struct sf_in *in, struct i62608_hs *hs)
{
	u8 buf[MSG_MAX], k1[I62608_KEY_LEN], k2[I62608_KEY_LEN];
	unsigned int rounds = 0;

	while (in->left && rounds++ < 32) {
		struct i62608_hs before = *hs;
		u8 op = sf_u8(in);
		size_t len = sf_u8(in);
		int ret;

		sf_bytes(in, buf, len);
		switch (op % 7) {
		case 0: ret = i62608_hs_write1(hs, buf); break;
		case 1: ret = i62608_hs_read1(hs, buf, len); break;
		case 2: ret = i62608_hs_write2(hs, buf); break;
		case 3: ret = i62608_hs_read2(hs, buf, len); break;
		case 4: ret = i62608_hs_write3(hs, buf); break;
		case 5: ret = i62608_hs_read3(hs, buf, len); break;
		default: ret = i62608_hs_split(hs, k1, k2); break;
		}
		if (ret != 0 && ret != -EINVAL && ret != -EBADMSG)
			FAIL("call %u returned %d", op % 7, ret);
		if (ret == -EINVAL && memcmp(&before, hs, sizeof(before)))
			FAIL("call %u was refused (-EINVAL) but changed the state",
			     op % 7);
		if (ret == -EBADMSG && !all_zero(hs, sizeof(*hs)))
			FAIL("call %u failed but the handshake was not wiped",
			     op % 7);
		/* Only reads can fail to verify; a refused read never moved on. */
		if (ret == -EBADMSG && (op % 7 != 1 && op % 7 != 3 &&
					op % 7 != 5 && op % 7 != 2))
			FAIL("call %u failed to verify without reading", op % 7);
	}
}

/*
 * The configurator is the victim: it reads messages 1 and 3. The honest
 * agent's HS_FINISH only exists if it accepted our HS_RESP.
 */
static void victim_responder(struct sf_in *in, const u8 *vpro, size_t vlen,
			     const u8 *ppro, size_t plen, bool same_pro,
			     const struct i62608_keypair *peer_s, bool honest_s,
			     bool do_misuse)
{
	u8 m1[I62608_HS1_LEN], m2[I62608_HS2_LEN], m3[I62608_HS3_LEN];
	struct i62608_hs victim, peer;
	struct i62608_keypair vs;
	bool hs_ok;
	struct msg got;
	int ret;

	sf_keypair(&vs, sf_static_r);
	i62608_hs_init(&victim, false, &vs, vpro, vlen);
	i62608_hs_init(&peer, true, peer_s, ppro, plen);

	i62608_test_ephemeral(sf_eph_i);
	if (i62608_hs_write1(&peer, m1))
		FAIL("the honest agent could not write HS_INIT");
	script(in, m1, sizeof(m1), &got);
	ret = i62608_hs_read1(&victim, got.buf, got.len);
	/* Message 1 is a public key in clear: any 32 bytes read. */
	check_read("read1", ret, got.len == I62608_HS1_LEN, true, &victim);
	if (ret) {
		if (do_misuse)
			misuse(in, &victim);
		return;
	}

	i62608_test_ephemeral(sf_eph_r);
	ret = i62608_hs_write2(&victim, m2);
	if (ret != (low_order(got.buf) ? -EBADMSG : 0))
		FAIL("write2 after an ephemeral key of %s order returned %d",
		     low_order(got.buf) ? "low" : "full", ret);
	if (ret) {
		check_dead(&victim);
		return;
	}

	/* The honest agent reads our HS_RESP: it agrees with us or not. */
	hs_ok = same_pro && same(&got, m1, sizeof(m1));
	ret = i62608_hs_read2(&peer, m2, sizeof(m2));
	if (!ret != hs_ok)
		FAIL("the honest agent %s an HS_RESP to a%s HS_INIT",
		     ret ? "refused" : "accepted",
		     hs_ok ? " faithful" : "n altered or misbound");
	if (hs_ok && i62608_hs_write3(&peer, m3))
		FAIL("the honest agent could not write HS_FINISH");
	if (!hs_ok)
		memset(m3, 0, sizeof(m3));	/* what an attacker starts from */

	script(in, m3, sizeof(m3), &got);
	ret = i62608_hs_read3(&victim, got.buf, got.len);
	check_read("read3", ret, got.len == I62608_HS3_LEN,
		   hs_ok && honest_s && same(&got, m3, sizeof(m3)), &victim);
	if (!ret)
		check_done(&victim, &peer, peer_s->pub, vs.pub);
	else if (got.len == I62608_HS3_LEN)
		check_dead(&victim);
	else if (do_misuse)
		misuse(in, &victim);
	i62608_hs_wipe(&peer);
}

/* The agent is the victim: it writes message 1, reads 2, writes 3. */
static void victim_initiator(struct sf_in *in, const u8 *vpro, size_t vlen,
			     const u8 *ppro, size_t plen, bool same_pro,
			     const struct i62608_keypair *peer_s, bool honest_s,
			     bool do_misuse)
{
	u8 m1[I62608_HS1_LEN], m2[I62608_HS2_LEN], m3[I62608_HS3_LEN];
	struct i62608_hs victim, peer;
	struct i62608_keypair vs;
	bool peer_ok;
	struct msg got;
	int ret;

	sf_keypair(&vs, sf_static_i);
	i62608_hs_init(&victim, true, &vs, vpro, vlen);
	i62608_hs_init(&peer, false, peer_s, ppro, plen);

	i62608_test_ephemeral(sf_eph_i);
	if (i62608_hs_write1(&victim, m1))
		FAIL("write1 failed");
	if (i62608_hs_read1(&peer, m1, sizeof(m1)))
		FAIL("the honest configurator refused HS_INIT");
	i62608_test_ephemeral(sf_eph_r);
	peer_ok = !i62608_hs_write2(&peer, m2);
	if (!peer_ok)
		FAIL("the honest configurator could not answer HS_INIT");

	script(in, m2, sizeof(m2), &got);
	ret = i62608_hs_read2(&victim, got.buf, got.len);
	check_read("read2", ret, got.len == I62608_HS2_LEN,
		   same_pro && honest_s && same(&got, m2, sizeof(m2)), &victim);
	if (ret) {
		if (got.len == I62608_HS2_LEN)
			check_dead(&victim);
		else if (do_misuse)
			misuse(in, &victim);
		i62608_hs_wipe(&peer);
		return;
	}

	if (i62608_hs_write3(&victim, m3))
		FAIL("write3 after an accepted HS_RESP failed");
	if (i62608_hs_read3(&peer, m3, sizeof(m3)))
		FAIL("the honest configurator refused our HS_FINISH");
	check_done(&victim, &peer, peer_s->pub, vs.pub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 vpro[I62608_PROLOGUE_MAX], ppro[I62608_PROLOGUE_MAX];
	u8 amac[6], cmac[6], xa[6], xc[6];
	struct sf_in in = { data, size };
	struct i62608_keypair peer_s;
	size_t vlen, plen;
	bool honest_s = true;
	u8 mode;
	int i;

	mode = sf_u8(&in);
	sf_bytes(&in, xa, sizeof(xa));
	sf_bytes(&in, xc, sizeof(xc));
	for (i = 0; i < 6; i++) {
		amac[i] = sf_agent_mac[i] ^ xa[i];
		cmac[i] = sf_conf_mac[i] ^ xc[i];
	}
	vlen = i62608_hs_prologue(vpro, amac, cmac);
	plen = i62608_hs_prologue(ppro, sf_agent_mac, sf_conf_mac);

	sf_keypair(&peer_s, mode & SF_HS_VICTIM_AGENT ? sf_static_r : sf_static_i);
	if (mode & SF_HS_BOGUS_STATIC) {
		u8 real[I62608_KEY_LEN];

		memcpy(real, peer_s.pub, sizeof(real));
		sf_bytes(&in, peer_s.pub, sizeof(peer_s.pub));
		honest_s = equivalent(peer_s.pub, real);
		/* An all-zero key would read as "no handshake" in hs_turn(). */
		if (all_zero(peer_s.pub, sizeof(peer_s.pub)))
			return 0;
	}

	if (mode & SF_HS_VICTIM_AGENT)
		victim_initiator(&in, vpro, vlen, ppro, plen, vlen == plen &&
				 !memcmp(vpro, ppro, vlen), &peer_s, honest_s,
				 mode & SF_HS_MISUSE);
	else
		victim_responder(&in, vpro, vlen, ppro, plen, vlen == plen &&
				 !memcmp(vpro, ppro, vlen), &peer_s, honest_s,
				 mode & SF_HS_MISUSE);
	i62608_cr_wipe(&peer_s, sizeof(peer_s));
	return 0;
}
