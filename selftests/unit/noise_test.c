// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/noise.c on the userspace backend: the Noise XX handshake against
 * the official test vector (cacophony's Noise_XX_25519_ChaChaPoly_BLAKE2s)
 * and against a vector of our own use of it (empty payloads, our prologue,
 * a protected frame), computed by an independent implementation (Python:
 * hashlib and pyca/cryptography) and pinned here, so that the module, which
 * builds the same source, cannot drift; handshakes between two parties in
 * this process, and every way to break one (a flipped bit anywhere, wrong
 * sizes, wrong order, messages of another handshake, another prologue,
 * small-order keys), none of which may yield keys; protected frames
 * (docs/security.md section 6) built by the encoder; the replay window
 * against a reference model; the pairing code.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "noise_util.h"
#include "wire_gen.h"

#ifndef REPLAY_OPS
#define REPLAY_OPS 1000000
#endif

static const u8 agent_mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };
static const u8 conf_mac[6] = { 0x02, 0, 0, 0, 0, 0xc1 };

/* The static and ephemeral keys of cacophony's vectors (X25519). */
static const char init_static[] =
	"e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
static const char init_ephemeral[] =
	"893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
static const char resp_static[] =
	"4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
static const char resp_ephemeral[] =
	"bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";

struct xx_msgs {
	u8 m1[I62608_HS1_LEN];
	u8 m2[I62608_HS2_LEN];
	u8 m3[I62608_HS3_LEN];
};

static void start(struct i62608_hs *ini, struct i62608_hs *resp,
		  const struct i62608_keypair *is,
		  const struct i62608_keypair *rs)
{
	u8 pro[I62608_PROLOGUE_MAX];
	size_t n = i62608_hs_prologue(pro, agent_mac, conf_mac);

	i62608_hs_init(ini, true, is, pro, n);
	i62608_hs_init(resp, false, rs, pro, n);
}

/* The three messages, each side in turn; the first error, or 0. */
static int run_xx(struct i62608_hs *ini, struct i62608_hs *resp,
		  struct xx_msgs *x)
{
	return i62608_hs_write1(ini, x->m1) ?:
		i62608_hs_read1(resp, x->m1, sizeof(x->m1)) ?:
		i62608_hs_write2(resp, x->m2) ?:
		i62608_hs_read2(ini, x->m2, sizeof(x->m2)) ?:
		i62608_hs_write3(ini, x->m3) ?:
		i62608_hs_read3(resp, x->m3, sizeof(x->m3));
}

/* A handshake that failed is wiped and yields nothing. */
static bool dead(struct i62608_hs *hs)
{
	u8 send[32], recv[32];

	return all_zero(hs, sizeof(*hs)) &&
	       i62608_hs_split(hs, send, recv) == -EINVAL;
}

/* ------------------------------------------------------------------ */
/* Test vectors                                                        */
/* ------------------------------------------------------------------ */

/*
 * cacophony, vectors/cacophony.txt, "Noise_XX_25519_ChaChaPoly_BLAKE2s":
 * prologue "John Galt", a payload in every message; messages 4 to 6 are
 * transport messages, responder first.
 */
static const char *const caco_payload[6] = {
	"4c756477696720766f6e204d69736573",
	"4d757272617920526f746862617264",
	"462e20412e20486179656b",
	"4361726c204d656e676572",
	"4a65616e2d426170746973746520536179",
	"457567656e2042f6686d20766f6e2042617765726b",
};

static const char *const caco_ciphertext[6] = {
	"ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
	"4c756477696720766f6e204d69736573",
	"95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843"
	"7c365eb362a1c991b0557fe8a7fb187d99346765d93ec63db6c1b01504ebeec5"
	"5a2298d2dbff80eff034d20595153f63a196a6cead1e11b2bb13e336fa13616d"
	"d3e8b0a070c882ed3f1a78c7c06c93",
	"46c3307de83b014258717d97781c1f50936d8b7d50c0722a1739654d10392d41"
	"5b670c114f79b9a4f80541570f77ce88802efa4220cff733e7b5668ba38059ec"
	"904b4b8eef9448085faf51",
	"d5e83adfaac5dc324a68f1862df54549e56d209fba707205f328b2",
	"d102c9029b1f55c788f561ba7737afbccef9c9f1bf2f238167fd40ba9c1c134867",
	"cb1ce80960382c6d5d5e740ffb724d1432f0310b200fb6f8424120f506092744"
	"baa415e155",
};

TEST(noise_cacophony_xx)
{
	struct i62608_keypair is, rs;
	struct i62608_hs ini, resp;
	u8 pro[16], e[32], pl[64], got[64], msg[256], back[64];
	u8 i_send[32], i_recv[32], r_send[32], r_recv[32];
	size_t plen, prolen;
	int i, n;

	keypair_from(&is, init_static);
	keypair_from(&rs, resp_static);
	prolen = unhex(pro, sizeof(pro), "4a6f686e2047616c74");
	i62608_hs_init(&ini, true, &is, pro, prolen);
	i62608_hs_init(&resp, false, &rs, pro, prolen);

	for (i = 0; i < 3; i++) {
		struct i62608_hs *w = i == 1 ? &resp : &ini;
		struct i62608_hs *r = i == 1 ? &ini : &resp;

		plen = unhex(pl, sizeof(pl), caco_payload[i]);
		if (i < 2) {
			unhex(e, sizeof(e), i ? resp_ephemeral : init_ephemeral);
			i62608_test_ephemeral(e);
		}
		n = i62608_test_hs_write(w, msg, pl, plen);
		ASSERT_GT(n, 0) TH_LOG("message %d: %d", i + 1, n);
		ASSERT_TRUE(same_hex(msg, n, caco_ciphertext[i]))
			TH_LOG("message %d", i + 1);
		ASSERT_EQ((int)plen, i62608_test_hs_read(r, msg, n, got));
		ASSERT_EQ(0, memcmp(pl, got, plen));
	}
	ASSERT_EQ(0, memcmp(ini.rs, rs.pub, 32));
	ASSERT_EQ(0, memcmp(resp.rs, is.pub, 32));
	ASSERT_EQ(0, i62608_hs_split(&ini, i_send, i_recv));
	ASSERT_EQ(0, i62608_hs_split(&resp, r_send, r_recv));

	/* Transport: responder (nonce 0), initiator (0), responder (1). */
	for (i = 3; i < 6; i++) {
		const u8 *k = i == 4 ? i_send : r_send;
		const u8 *rk = i == 4 ? r_recv : i_recv;
		u64 nonce = i == 5 ? 1 : 0;

		plen = unhex(pl, sizeof(pl), caco_payload[i]);
		ASSERT_TRUE(i62608_cr_seal(msg, pl, plen, NULL, 0, nonce, k));
		ASSERT_TRUE(same_hex(msg, plen + 16, caco_ciphertext[i]))
			TH_LOG("message %d", i + 1);
		ASSERT_TRUE(i62608_cr_open(back, msg, plen + 16, NULL, 0,
					   nonce, rk));
		ASSERT_EQ(0, memcmp(back, pl, plen));
	}
}

/*
 * Our use: agent 02:00:00:00:00:a1 (initiator, cacophony's initiator
 * keys), configurator 02:00:00:00:00:c1 (responder keys), empty payloads;
 * then the agent's HEARTBEAT (TTL 120, REPORT_ID 2; msg_id 7, epoch
 * 0x5eed0001) protected under key id 0x1234 with counter 5.
 */
static const char our_prologue[] =
	"6936323630382068616e647368616b652076310200000000a10200000000c1";
static const char our_msg1[] =
	"ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944";
static const char our_msg2[] =
	"95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843"
	"7c365eb362a1c991b0557fe8a7fb187d99346765d93ec63db6c1b01504ebeec5"
	"a1eb3b5f96fff9e244f5f1ffab3f56465c690f352992a54e8b40e0be1cae54fa";
static const char our_msg3[] =
	"46c3307de83b014258717d97781c1f50936d8b7d50c0722a1739654d10392d41"
	"9e55f9198651b6dca4fb5cf3abb1b524cfc1e0c2389c04cc12cbddb6a139efff";
static const char our_k1[] =
	"d4ca4072b97ceacdf7eced1f6f2251524d42aa1bc76fa0ad534a3c54f9feb940";
static const char our_k2[] =
	"17b77c0d11150ecba7d01c033999b5052bc68824f7629995843bede11235eca1";
static const char our_heartbeat[] =
	"0104000100361234000000075eed000100000000000000051908fe07c4ab3324"
	"e00ea55008e894d15a062122ed9fd3ff9fbe5caad0d6";

static int build_heartbeat(u8 *buf, u16 cap)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_HEARTBEAT, .msg_id = 7, .epoch = 0x5eed0001,
	};
	struct i62608_w w;

	i62608_w_init(&w, buf, cap);
	i62608_w_hdr(&w, &h);
	i62608_w_u16(&w, I62608_TLV_TTL, 120);
	i62608_w_u32(&w, I62608_TLV_REPORT_ID, 2);
	return i62608_w_finish(&w);
}

TEST(noise_i62608_vector)
{
	u8 i_send[32], i_recv[32], r_send[32], r_recv[32], e[32];
	u8 pro[I62608_PROLOGUE_MAX], buf[I62608_MAX_MSG];
	struct i62608_keypair is, rs;
	struct i62608_hs ini, resp;
	struct i62608_frame m;
	struct xx_msgs x;
	size_t prolen;
	int len;

	prolen = i62608_hs_prologue(pro, agent_mac, conf_mac);
	ASSERT_TRUE(same_hex(pro, prolen, our_prologue));
	keypair_from(&is, init_static);
	keypair_from(&rs, resp_static);
	i62608_hs_init(&ini, true, &is, pro, prolen);
	i62608_hs_init(&resp, false, &rs, pro, prolen);

	unhex(e, sizeof(e), init_ephemeral);
	i62608_test_ephemeral(e);
	ASSERT_EQ(0, i62608_hs_write1(&ini, x.m1));
	ASSERT_TRUE(same_hex(x.m1, sizeof(x.m1), our_msg1));
	ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
	unhex(e, sizeof(e), resp_ephemeral);
	i62608_test_ephemeral(e);
	ASSERT_EQ(0, i62608_hs_write2(&resp, x.m2));
	ASSERT_TRUE(same_hex(x.m2, sizeof(x.m2), our_msg2));
	ASSERT_EQ(0, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
	ASSERT_EQ(0, i62608_hs_write3(&ini, x.m3));
	ASSERT_TRUE(same_hex(x.m3, sizeof(x.m3), our_msg3));
	ASSERT_EQ(0, i62608_hs_read3(&resp, x.m3, sizeof(x.m3)));

	ASSERT_EQ(0, i62608_hs_split(&ini, i_send, i_recv));
	ASSERT_EQ(0, i62608_hs_split(&resp, r_send, r_recv));
	ASSERT_TRUE(same_hex(i_send, 32, our_k1));
	ASSERT_TRUE(same_hex(i_recv, 32, our_k2));
	ASSERT_TRUE(same_hex(r_send, 32, our_k2));
	ASSERT_TRUE(same_hex(r_recv, 32, our_k1));

	len = build_heartbeat(buf, sizeof(buf));
	ASSERT_EQ(38, len);
	len = i62608_frame_seal(buf, len, sizeof(buf), 0x1234, 5, agent_mac,
				i_send);
	ASSERT_TRUE(same_hex(buf, len, our_heartbeat));
	ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
	ASSERT_TRUE(i62608_frame_open(&m, buf, agent_mac, r_recv));
	ASSERT_EQ(0, i62608_wire_validate(&m));
}

/* ------------------------------------------------------------------ */
/* Handshakes                                                          */
/* ------------------------------------------------------------------ */

TEST(noise_handshakes)
{
	u8 i_send[32], i_recv[32], r_send[32], r_recv[32], last[32] = { 0 };
	struct i62608_keypair a, c;
	struct i62608_hs ini, resp;
	struct xx_msgs x;
	int i;

	for (i = 0; i < 100; i++) {
		keypair_new(&a);
		keypair_new(&c);
		start(&ini, &resp, &a, &c);
		ASSERT_EQ(0, run_xx(&ini, &resp, &x));
		/* Each learned the other's static key. */
		ASSERT_EQ(0, memcmp(ini.rs, c.pub, 32));
		ASSERT_EQ(0, memcmp(resp.rs, a.pub, 32));
		ASSERT_EQ(0, memcmp(ini.h, resp.h, 32));
		/* Ephemeral private keys are gone once used up. */
		ASSERT_TRUE(all_zero(ini.e.priv, 32));
		ASSERT_TRUE(all_zero(resp.e.priv, 32));
		ASSERT_EQ(0, i62608_hs_split(&ini, i_send, i_recv));
		ASSERT_EQ(0, i62608_hs_split(&resp, r_send, r_recv));
		ASSERT_TRUE(all_zero(&ini, sizeof(ini)));
		ASSERT_TRUE(all_zero(&resp, sizeof(resp)));
		ASSERT_EQ(0, memcmp(i_send, r_recv, 32));
		ASSERT_EQ(0, memcmp(i_recv, r_send, 32));
		ASSERT_NE(0, memcmp(i_send, i_recv, 32));
		ASSERT_NE(0, memcmp(i_send, last, 32));
		memcpy(last, i_send, 32);
		/* Split happens once. */
		ASSERT_EQ(-EINVAL, i62608_hs_split(&ini, i_send, i_recv));
	}
}

TEST(noise_wipe)
{
	struct i62608_keypair a, c;
	struct i62608_hs ini, resp;
	struct xx_msgs x;

	keypair_new(&a);
	keypair_new(&c);
	start(&ini, &resp, &a, &c);
	ASSERT_EQ(0, i62608_hs_write1(&ini, x.m1));
	ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&resp, x.m2));
	i62608_hs_wipe(&ini);
	i62608_hs_wipe(&resp);
	ASSERT_TRUE(dead(&ini));
	ASSERT_TRUE(dead(&resp));

	/* init() starts from nothing, whatever the memory held. */
	memset(&ini, 0xa5, sizeof(ini));
	memset(&resp, 0x5a, sizeof(resp));
	start(&ini, &resp, &a, &c);
	ASSERT_EQ(0, run_xx(&ini, &resp, &x));
}

/* A flipped bit of message 1 (not authenticated) shows at the initiator. */
TEST(noise_tamper_msg1)
{
	struct i62608_hs ini, resp, ini1, resp0;
	struct i62608_keypair a, c;
	struct xx_msgs x;
	int bit, rc, at_resp = 0;

	keypair_new(&a);
	keypair_new(&c);
	start(&ini1, &resp0, &a, &c);
	ASSERT_EQ(0, i62608_hs_write1(&ini1, x.m1));
	for (bit = 0; bit < I62608_HS1_LEN * 8; bit++) {
		u8 m1[I62608_HS1_LEN];

		ini = ini1;
		resp = resp0;
		memcpy(m1, x.m1, sizeof(m1));
		m1[bit / 8] ^= 1 << (bit % 8);
		ASSERT_EQ(0, i62608_hs_read1(&resp, m1, sizeof(m1)));
		rc = i62608_hs_write2(&resp, x.m2);
		if (rc) {
			ASSERT_EQ(-EBADMSG, rc);
			ASSERT_TRUE(dead(&resp));
			at_resp++;
			continue;
		}
		ASSERT_EQ(-EBADMSG, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)))
			TH_LOG("bit %d", bit);
		ASSERT_TRUE(dead(&ini));
	}
	/* A random key with one bit flipped is no small-order point. */
	ASSERT_EQ(0, at_resp);
}

TEST(noise_tamper_msg2)
{
	struct i62608_hs ini, resp, ini1;
	struct i62608_keypair a, c;
	struct xx_msgs x;
	int bit;

	keypair_new(&a);
	keypair_new(&c);
	start(&ini1, &resp, &a, &c);
	ASSERT_EQ(0, i62608_hs_write1(&ini1, x.m1));
	ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&resp, x.m2));
	for (bit = 0; bit < I62608_HS2_LEN * 8; bit++) {
		u8 m2[I62608_HS2_LEN];

		ini = ini1;
		memcpy(m2, x.m2, sizeof(m2));
		m2[bit / 8] ^= 1 << (bit % 8);
		ASSERT_EQ(-EBADMSG, i62608_hs_read2(&ini, m2, sizeof(m2)))
			TH_LOG("bit %d", bit);
		ASSERT_TRUE(dead(&ini));
	}
	ini = ini1;
	ASSERT_EQ(0, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
}

TEST(noise_tamper_msg3)
{
	struct i62608_hs ini, resp, resp2;
	struct i62608_keypair a, c;
	struct xx_msgs x;
	int bit;

	keypair_new(&a);
	keypair_new(&c);
	start(&ini, &resp2, &a, &c);
	ASSERT_EQ(0, i62608_hs_write1(&ini, x.m1));
	ASSERT_EQ(0, i62608_hs_read1(&resp2, x.m1, sizeof(x.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&resp2, x.m2));
	ASSERT_EQ(0, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
	ASSERT_EQ(0, i62608_hs_write3(&ini, x.m3));
	for (bit = 0; bit < I62608_HS3_LEN * 8; bit++) {
		u8 m3[I62608_HS3_LEN];

		resp = resp2;
		memcpy(m3, x.m3, sizeof(m3));
		m3[bit / 8] ^= 1 << (bit % 8);
		ASSERT_EQ(-EBADMSG, i62608_hs_read3(&resp, m3, sizeof(m3)))
			TH_LOG("bit %d", bit);
		ASSERT_TRUE(dead(&resp));
	}
	resp = resp2;
	ASSERT_EQ(0, i62608_hs_read3(&resp, x.m3, sizeof(x.m3)));
}

/*
 * A message of the wrong size is refused before it touches the state:
 * the right one still works afterwards.
 */
TEST(noise_wrong_sizes)
{
	static const size_t sizes[] = { 0, 1, 31, 32, 33, 63, 64, 65, 95, 96,
					97, 200 };
	struct i62608_keypair a, c;
	struct i62608_hs ini, resp, snap;
	struct xx_msgs x;
	u8 big[256] = { 0 };
	size_t i;

	keypair_new(&a);
	keypair_new(&c);
	start(&ini, &resp, &a, &c);
	ASSERT_EQ(0, i62608_hs_write1(&ini, x.m1));
	memcpy(big, x.m1, sizeof(x.m1));
	snap = resp;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i] == I62608_HS1_LEN)
			continue;
		ASSERT_EQ(-EINVAL, i62608_hs_read1(&resp, big, sizes[i]));
		ASSERT_EQ(0, memcmp(&snap, &resp, sizeof(resp)));
	}
	ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&resp, x.m2));

	memcpy(big, x.m2, sizeof(x.m2));
	snap = ini;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i] == I62608_HS2_LEN)
			continue;
		ASSERT_EQ(-EINVAL, i62608_hs_read2(&ini, big, sizes[i]));
		ASSERT_EQ(0, memcmp(&snap, &ini, sizeof(ini)));
	}
	ASSERT_EQ(0, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
	ASSERT_EQ(0, i62608_hs_write3(&ini, x.m3));

	memcpy(big, x.m3, sizeof(x.m3));
	snap = resp;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i] == I62608_HS3_LEN)
			continue;
		ASSERT_EQ(-EINVAL, i62608_hs_read3(&resp, big, sizes[i]));
		ASSERT_EQ(0, memcmp(&snap, &resp, sizeof(resp)));
	}
	ASSERT_EQ(0, i62608_hs_read3(&resp, x.m3, sizeof(x.m3)));
}

/* Every call out of turn is -EINVAL and changes nothing. */
static int out_of_turn(struct i62608_hs *hs, int op, const struct xx_msgs *x)
{
	struct xx_msgs out;
	u8 k1[32], k2[32];

	switch (op) {
	case 0: return i62608_hs_write1(hs, out.m1);
	case 1: return i62608_hs_read1(hs, x->m1, sizeof(x->m1));
	case 2: return i62608_hs_write2(hs, out.m2);
	case 3: return i62608_hs_read2(hs, x->m2, sizeof(x->m2));
	case 4: return i62608_hs_write3(hs, out.m3);
	case 5: return i62608_hs_read3(hs, x->m3, sizeof(x->m3));
	default: return i62608_hs_split(hs, k1, k2);
	}
}

TEST(noise_out_of_order)
{
	/* The one op allowed next: initiator 0, 3, 4, split; responder 1, 2, 5. */
	static const int ini_next[] = { 0, 3, 4, 6 }, resp_next[] = { 1, 2, 5, 6 };
	struct i62608_hs ini, resp, snap, zero;
	struct i62608_keypair a, c;
	struct xx_msgs x, y;
	int step, op;

	keypair_new(&a);
	keypair_new(&c);
	/* Real messages between the two, to offer at the wrong time. */
	start(&ini, &resp, &a, &c);
	ASSERT_EQ(0, run_xx(&ini, &resp, &x));

	start(&ini, &resp, &a, &c);
	for (step = 0; step < 4; step++) {
		for (op = 0; op <= 6; op++) {
			if (op != ini_next[step]) {
				snap = ini;
				ASSERT_EQ(-EINVAL, out_of_turn(&ini, op, &x))
					TH_LOG("initiator step %d op %d", step, op);
				ASSERT_EQ(0, memcmp(&snap, &ini, sizeof(ini)));
			}
			if (op != resp_next[step]) {
				snap = resp;
				ASSERT_EQ(-EINVAL, out_of_turn(&resp, op, &x))
					TH_LOG("responder step %d op %d", step, op);
				ASSERT_EQ(0, memcmp(&snap, &resp, sizeof(resp)));
			}
		}
		/* Advance both by one message, in the real order. */
		switch (step) {
		case 0:
			ASSERT_EQ(0, i62608_hs_write1(&ini, y.m1));
			ASSERT_EQ(0, i62608_hs_read1(&resp, y.m1, sizeof(y.m1)));
			break;
		case 1:
			ASSERT_EQ(0, i62608_hs_write2(&resp, y.m2));
			ASSERT_EQ(0, i62608_hs_read2(&ini, y.m2, sizeof(y.m2)));
			break;
		case 2:
			ASSERT_EQ(0, i62608_hs_write3(&ini, y.m3));
			ASSERT_EQ(0, i62608_hs_read3(&resp, y.m3, sizeof(y.m3)));
			break;
		}
	}

	/*
	 * A wiped (or never started) handshake refuses everything, even
	 * message 1, which an all-zero struct would otherwise be ready for.
	 */
	memset(&zero, 0, sizeof(zero));
	for (op = 0; op <= 6; op++) {
		snap = zero;
		ASSERT_EQ(-EINVAL, out_of_turn(&snap, op, &x));
		ASSERT_TRUE(all_zero(&snap, sizeof(snap)));
	}
}

/* Messages of another handshake between the same two parties. */
TEST(noise_other_handshake)
{
	struct i62608_hs ia, ra, ib, rb, rc;
	struct i62608_keypair a, c;
	struct xx_msgs xa, xb;

	keypair_new(&a);
	keypair_new(&c);
	start(&ia, &ra, &a, &c);
	start(&ib, &rb, &a, &c);
	ASSERT_EQ(0, run_xx(&ib, &rb, &xb));

	ASSERT_EQ(0, i62608_hs_write1(&ia, xa.m1));
	ASSERT_EQ(0, i62608_hs_read1(&ra, xa.m1, sizeof(xa.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&ra, xa.m2));
	/* The initiator gets the other handshake's message 2. */
	rc = ia;
	ASSERT_EQ(-EBADMSG, i62608_hs_read2(&rc, xb.m2, sizeof(xb.m2)));
	ASSERT_TRUE(dead(&rc));
	ASSERT_EQ(0, i62608_hs_read2(&ia, xa.m2, sizeof(xa.m2)));
	ASSERT_EQ(0, i62608_hs_write3(&ia, xa.m3));
	/* The responder gets the other handshake's message 3. */
	rc = ra;
	ASSERT_EQ(-EBADMSG, i62608_hs_read3(&rc, xb.m3, sizeof(xb.m3)));
	ASSERT_TRUE(dead(&rc));
	ASSERT_EQ(0, i62608_hs_read3(&ra, xa.m3, sizeof(xa.m3)));

	/*
	 * A replayed handshake: messages 1 and 3 of A again, to a responder
	 * that answers with a new ephemeral key.
	 */
	start(&ib, &rc, &a, &c);
	ASSERT_EQ(0, i62608_hs_read1(&rc, xa.m1, sizeof(xa.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&rc, xb.m2));
	ASSERT_EQ(-EBADMSG, i62608_hs_read3(&rc, xa.m3, sizeof(xa.m3)));
	ASSERT_TRUE(dead(&rc));
}

/* The prologue binds both MACs: any difference fails message 2. */
TEST(noise_wrong_prologue)
{
	static const u8 other[6] = { 0x02, 0, 0, 0, 0, 0xc2 };
	const u8 *macs[3][2] = {
		{ agent_mac, other }, { other, conf_mac }, { conf_mac, agent_mac },
	};
	u8 pi[I62608_PROLOGUE_MAX], pr[I62608_PROLOGUE_MAX];
	struct i62608_keypair a, c;
	struct i62608_hs ini, resp;
	struct xx_msgs x;
	size_t ni, nr;
	int i;

	keypair_new(&a);
	keypair_new(&c);
	ni = i62608_hs_prologue(pi, agent_mac, conf_mac);
	for (i = 0; i < 3; i++) {
		nr = i62608_hs_prologue(pr, macs[i][0], macs[i][1]);
		ASSERT_EQ(ni, nr);
		i62608_hs_init(&ini, true, &a, pi, ni);
		i62608_hs_init(&resp, false, &c, pr, nr);
		ASSERT_EQ(0, i62608_hs_write1(&ini, x.m1));
		ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
		ASSERT_EQ(0, i62608_hs_write2(&resp, x.m2));
		ASSERT_EQ(-EBADMSG, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
		ASSERT_TRUE(dead(&ini));
	}
	/* One byte of prologue more on one side. */
	i62608_hs_init(&ini, true, &a, pi, ni);
	i62608_hs_init(&resp, false, &c, pi, ni - 1);
	ASSERT_EQ(-EBADMSG, run_xx(&ini, &resp, &x));
}

/* Small-order keys, ephemeral and static, on either side. */
TEST(noise_low_order_keys)
{
	struct i62608_keypair a, c, bad;
	struct i62608_hs ini, resp, ini1;
	struct xx_msgs x, good;
	size_t i;
	int hi;

	keypair_new(&a);
	keypair_new(&c);
	start(&ini1, &resp, &a, &c);
	ASSERT_EQ(0, i62608_hs_write1(&ini1, good.m1));
	ASSERT_EQ(0, i62608_hs_read1(&resp, good.m1, sizeof(good.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&resp, good.m2));

	for (i = 0; i < N_LOW_ORDER; i++)
		for (hi = 0; hi < 2; hi++) {
			u8 point[32];

			unhex(point, sizeof(point), low_order_points[i]);
			point[31] |= hi ? 0x80 : 0;

			/* The initiator's ephemeral key: write2 fails. */
			start(&ini, &resp, &a, &c);
			memcpy(x.m1, point, 32);
			ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
			ASSERT_EQ(-EBADMSG, i62608_hs_write2(&resp, x.m2))
				TH_LOG("point %zu", i);
			ASSERT_TRUE(dead(&resp));

			/* The responder's ephemeral key: read2 fails. */
			ini = ini1;
			memcpy(x.m2, good.m2, sizeof(x.m2));
			memcpy(x.m2, point, 32);
			ASSERT_EQ(-EBADMSG, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
			ASSERT_TRUE(dead(&ini));
		}

	/*
	 * A static key of small order (a rogue party can claim any): the
	 * other side's es or se fails. u = 1 is one; its private key does
	 * not matter.
	 */
	keypair_new(&bad);
	unhex(bad.pub, 32, low_order_points[1]);
	start(&ini, &resp, &a, &bad);
	ASSERT_EQ(0, i62608_hs_write1(&ini, x.m1));
	ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&resp, x.m2));
	ASSERT_EQ(-EBADMSG, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
	ASSERT_TRUE(dead(&ini));

	start(&ini, &resp, &bad, &c);
	ASSERT_EQ(0, i62608_hs_write1(&ini, x.m1));
	ASSERT_EQ(0, i62608_hs_read1(&resp, x.m1, sizeof(x.m1)));
	ASSERT_EQ(0, i62608_hs_write2(&resp, x.m2));
	ASSERT_EQ(0, i62608_hs_read2(&ini, x.m2, sizeof(x.m2)));
	ASSERT_EQ(0, i62608_hs_write3(&ini, x.m3));
	ASSERT_EQ(-EBADMSG, i62608_hs_read3(&resp, x.m3, sizeof(x.m3)));
	ASSERT_TRUE(dead(&resp));
}

/* ------------------------------------------------------------------ */
/* Protected frames                                                    */
/* ------------------------------------------------------------------ */

/* A random REPORT built by the encoder, leaving @room bytes free. */
static int build_report(struct rng *r, u8 *buf, u16 cap)
{
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = (u32)rng_next(r),
		.epoch = 0x5eed0001,
	};
	struct i62608_report rep;
	struct i62608_w w;
	int ret;

	gen_report(r, &rep, rng_chance(r, 20));
	i62608_w_init(&w, buf, cap);
	i62608_w_hdr(&w, &h);
	ret = i62608_report_encode(&w, &rep, -1);
	if (ret < 0)
		return -1;
	if (ret > 0)
		i62608_w_set_flags(&w, I62608_F_PARTIAL);
	return i62608_w_finish(&w);
}

static void random_mac(struct rng *r, u8 mac[6])
{
	rng_bytes(r, mac, 6);
	mac[0] = (mac[0] & 0xfe) | 0x02;
}

TEST(frame_roundtrip)
{
	u8 buf[I62608_MAX_MSG + 64], orig[I62608_MAX_MSG], key[32], mac[6];
	u8 ad[30], plain[I62608_MAX_MSG];
	struct rng r = { .s = 0xf4a3e };
	struct i62608_frame m;
	int i, len, n, done = 0;

	for (i = 0; i < 3000; i++) {
		u16 cap = rng_range(&r, 24, I62608_MAX_MSG);
		u16 key_id = rng_range(&r, 1, 0xffff);
		u64 counter = rng_next(&r) >> rng_below(&r, 64);

		len = i % 4 ? build_report(&r, buf, cap - I62608_TAG_LEN > 24 ?
					   cap - I62608_TAG_LEN : 24) :
			build_heartbeat(buf, cap);
		if (len < 0)
			continue;
		memcpy(orig, buf, len);
		rng_bytes(&r, key, sizeof(key));
		random_mac(&r, mac);

		n = i62608_frame_seal(buf, len, cap, key_id, counter, mac, key);
		if (len + I62608_TAG_LEN > cap) {
			ASSERT_EQ(-1, n);
			ASSERT_EQ(0, memcmp(buf, orig, len));
			continue;
		}
		ASSERT_EQ(len + I62608_TAG_LEN, n);
		done++;

		/* The header as docs/security.md section 6 says. */
		ASSERT_EQ(0, i62608_wire_hdr(buf, n, &m));
		ASSERT_EQ(get_unaligned_be16(orig + 2) | I62608_F_PROTECTED,
			  m.flags);
		ASSERT_EQ(n, m.length);
		ASSERT_EQ(key_id, m.key_id);
		ASSERT_EQ(counter, m.counter);
		ASSERT_EQ(len - 24, m.body_len);
		ASSERT_TRUE(m.tag == buf + len);
		ASSERT_EQ(0, memcmp(buf, orig, 2));		/* version, type */
		ASSERT_EQ(0, memcmp(buf + 8, orig + 8, 8));	/* msg_id, epoch */

		/* Nonce = counter, AD = source MAC || header, built by hand. */
		memcpy(ad, mac, 6);
		memcpy(ad + 6, buf, 24);
		ASSERT_TRUE(i62608_cr_open(plain, buf + 24, n - 24, ad,
					   sizeof(ad), counter, key));
		ASSERT_EQ(0, memcmp(plain, orig + 24, len - 24));

		/* Ethernet padding after the frame changes nothing. */
		ASSERT_EQ(0, i62608_wire_hdr(buf, n + 20, &m));
		ASSERT_TRUE(i62608_frame_open(&m, buf, mac, key));
		ASSERT_TRUE(m.body == buf + 24);
		ASSERT_EQ(0, memcmp(buf + 24, orig + 24, len - 24));
		ASSERT_EQ(0, i62608_wire_validate(&m));
	}
	ASSERT_GT(done, 2000);
}

/* Seal a frame into @buf; returns its length. */
static int sealed(struct rng *r, u8 *buf, bool big, u8 key[32], u8 mac[6])
{
	int len = big ? -1 : build_heartbeat(buf, I62608_MAX_MSG);

	while (len < 0)
		len = build_report(r, buf, I62608_MAX_MSG - I62608_TAG_LEN);
	rng_bytes(r, key, 32);
	random_mac(r, mac);
	return i62608_frame_seal(buf, len, I62608_MAX_MSG, 0x77, 1000, mac,
				 key);
}

/* Every single bit flip, in header, body or tag, is refused. */
TEST(frame_every_bit_flip)
{
	u8 frame[I62608_MAX_MSG], buf[I62608_MAX_MSG], key[32], mac[6];
	struct rng r = { .s = 0xb17f };
	struct i62608_frame m;
	int big, n, bit, opened;

	for (big = 0; big < 2; big++) {
		n = sealed(&r, frame, big, key, mac);
		ASSERT_GT(n, 40);
		opened = 0;
		for (bit = 0; bit < n * 8; bit++) {
			memcpy(buf, frame, n);
			buf[bit / 8] ^= 1 << (bit % 8);
			if (i62608_wire_hdr(buf, n, &m))
				continue;	/* refused by the parser */
			opened++;
			ASSERT_FALSE(i62608_frame_open(&m, buf, mac, key))
				TH_LOG("bit %d of %d", bit, n * 8);
		}
		/* Body and tag bits all reached the tag check. */
		ASSERT_GE(opened, (n - 24) * 8);
		memcpy(buf, frame, n);
		ASSERT_EQ(0, i62608_wire_hdr(buf, n, &m));
		ASSERT_TRUE(i62608_frame_open(&m, buf, mac, key));
	}
}

TEST(frame_wrong_mac_or_key)
{
	u8 frame[I62608_MAX_MSG], buf[I62608_MAX_MSG], key[32], mac[6];
	u8 other[32];
	struct rng r = { .s = 0x3ac };
	struct i62608_frame m;
	int n, bit;

	n = sealed(&r, frame, false, key, mac);
	for (bit = 0; bit < 48; bit++) {
		memcpy(buf, frame, n);
		ASSERT_EQ(0, i62608_wire_hdr(buf, n, &m));
		mac[bit / 8] ^= 1 << (bit % 8);
		ASSERT_FALSE(i62608_frame_open(&m, buf, mac, key));
		mac[bit / 8] ^= 1 << (bit % 8);
	}
	for (bit = 0; bit < 256; bit++) {
		memcpy(buf, frame, n);
		ASSERT_EQ(0, i62608_wire_hdr(buf, n, &m));
		memcpy(other, key, 32);
		other[bit / 8] ^= 1 << (bit % 8);
		ASSERT_FALSE(i62608_frame_open(&m, buf, mac, other));
	}
	memcpy(buf, frame, n);
	ASSERT_EQ(0, i62608_wire_hdr(buf, n, &m));
	ASSERT_TRUE(i62608_frame_open(&m, buf, mac, key));
}

TEST(frame_truncated)
{
	u8 frame[I62608_MAX_MSG], buf[I62608_MAX_MSG], key[32], mac[6];
	struct rng r = { .s = 0x7c };
	struct i62608_frame m;
	int n, cut;

	n = sealed(&r, frame, true, key, mac);
	for (cut = 0; cut < n; cut++) {
		/* As received: the length field says more than there is. */
		memcpy(buf, frame, n);
		ASSERT_NE(0, i62608_wire_hdr(buf, cut, &m));
		/* The length field rewritten to match. */
		if (cut < 24)
			continue;
		put_unaligned_be16(cut, buf + 4);
		if (i62608_wire_hdr(buf, cut, &m))
			continue;
		ASSERT_FALSE(i62608_frame_open(&m, buf, mac, key))
			TH_LOG("cut at %d of %d", cut, n);
	}
}

/* The counter is the nonce, and authenticated. */
TEST(frame_counter)
{
	u8 a[64], b[64], key[32] = { 7 };
	struct i62608_frame m;
	int n;

	n = build_heartbeat(a, sizeof(a));
	memcpy(b, a, n);
	ASSERT_EQ(n + 16, i62608_frame_seal(a, n, sizeof(a), 1, 1, agent_mac, key));
	ASSERT_EQ(n + 16, i62608_frame_seal(b, n, sizeof(b), 1, 2, agent_mac, key));
	ASSERT_NE(0, memcmp(a + 24, b + 24, n - 24 + 16));
	n += 16;

	/* The header's counter changed (a replay with a new counter). */
	put_unaligned_be64(2, a + 16);
	ASSERT_EQ(0, i62608_wire_hdr(a, n, &m));
	ASSERT_FALSE(i62608_frame_open(&m, a, agent_mac, key));
	/* The parsed counter not the one in the header. */
	put_unaligned_be64(1, a + 16);
	ASSERT_EQ(0, i62608_wire_hdr(a, n, &m));
	m.counter = 2;
	ASSERT_FALSE(i62608_frame_open(&m, a, agent_mac, key));
	m.counter = 1;
	ASSERT_TRUE(i62608_frame_open(&m, a, agent_mac, key));
}

TEST(frame_seal_refuses)
{
	u8 buf[I62608_MAX_MSG + 32], orig[I62608_MAX_MSG + 32], key[32] = { 1 };
	struct i62608_frame m;
	int n, full;

	n = build_heartbeat(buf, sizeof(buf));
	memcpy(orig, buf, n);
	/* No room for the tag. */
	ASSERT_EQ(-1, i62608_frame_seal(buf, n, n + 15, 1, 0, agent_mac, key));
	ASSERT_EQ(0, memcmp(buf, orig, n));
	/* Key id 0 means "not protected". */
	ASSERT_EQ(-1, i62608_frame_seal(buf, n, sizeof(buf), 0, 0, agent_mac, key));
	/* Not finished: the length field does not match. */
	ASSERT_EQ(-1, i62608_frame_seal(buf, n - 1, sizeof(buf), 1, 0, agent_mac, key));
	ASSERT_EQ(-1, i62608_frame_seal(buf, 23, sizeof(buf), 1, 0, agent_mac, key));
	ASSERT_EQ(0, memcmp(buf, orig, n));
	/* Twice. */
	ASSERT_EQ(n + 16, i62608_frame_seal(buf, n, n + 16, 1, 0, agent_mac, key));
	memcpy(orig, buf, n + 16);
	ASSERT_EQ(-1, i62608_frame_seal(buf, n + 16, sizeof(buf), 2, 0, agent_mac, key));
	ASSERT_EQ(0, memcmp(buf, orig, n + 16));

	/* A full frame leaves no room: one Ethernet payload at most. */
	{
		struct i62608_w w;
		struct i62608_w_hdr h = { .type = I62608_MSG_BYE, .epoch = 1 };
		u8 pad[I62608_MAX_MSG] = { 0 };

		i62608_w_init(&w, buf, sizeof(buf));
		i62608_w_hdr(&w, &h);
		i62608_w_tlv(&w, 0xfe00, pad, I62608_MAX_MSG - 24 - 4 - 16);
		full = i62608_w_finish(&w);
		ASSERT_EQ(I62608_MAX_MSG - 16, full);
		ASSERT_EQ(I62608_MAX_MSG, i62608_frame_seal(buf, full, sizeof(buf),
							    1, 0, agent_mac, key));
		i62608_w_init(&w, buf, sizeof(buf));
		i62608_w_hdr(&w, &h);
		i62608_w_tlv(&w, 0xfe00, pad, I62608_MAX_MSG - 24 - 4 - 15);
		full = i62608_w_finish(&w);
		ASSERT_EQ(-1, i62608_frame_seal(buf, full, sizeof(buf), 1, 0,
						agent_mac, key));
	}

	/* open() wants the parse of the very buffer it is given. */
	n = build_heartbeat(buf, sizeof(buf));
	n = i62608_frame_seal(buf, n, sizeof(buf), 1, 0, agent_mac, key);
	memcpy(orig, buf, n);
	ASSERT_EQ(0, i62608_wire_hdr(orig, n, &m));
	ASSERT_FALSE(i62608_frame_open(&m, buf, agent_mac, key));
	ASSERT_TRUE(i62608_frame_open(&m, orig, agent_mac, key));
	/* An unprotected frame is not opened. */
	n = build_heartbeat(buf, sizeof(buf));
	ASSERT_EQ(0, i62608_wire_hdr(buf, n, &m));
	ASSERT_FALSE(i62608_frame_open(&m, buf, agent_mac, key));
}

/* ------------------------------------------------------------------ */
/* Replay window                                                       */
/* ------------------------------------------------------------------ */

/* Counters guaranteed to be remembered below the newest one. */
#define WINDOW (I62608_REPLAY_BITS - 64)

TEST(replay_in_order)
{
	struct i62608_replay w;
	u64 c;

	memset(&w, 0xa5, sizeof(w));
	i62608_replay_init(&w);
	ASSERT_TRUE(all_zero(&w, sizeof(w)));
	for (c = 0; c < 5000; c++) {
		ASSERT_TRUE(i62608_replay_accept(&w, c));
		ASSERT_FALSE(i62608_replay_accept(&w, c));
		if (c)
			ASSERT_FALSE(i62608_replay_accept(&w, c - 1));
	}
	for (c = 0; c < 5000; c++)
		ASSERT_FALSE(i62608_replay_accept(&w, c));
}

TEST(replay_window_edges)
{
	struct i62608_replay w;
	u64 top = 2000, c;

	i62608_replay_init(&w);
	ASSERT_TRUE(i62608_replay_accept(&w, top));
	ASSERT_FALSE(i62608_replay_accept(&w, top - WINDOW - 1));
	ASSERT_FALSE(i62608_replay_accept(&w, 0));
	/* Everything in the window, once, newest last. */
	for (c = top - 1; c >= top - WINDOW; c--)
		ASSERT_TRUE(i62608_replay_accept(&w, c)) TH_LOG("%lu", (unsigned long)c);
	for (c = top - WINDOW; c <= top; c++)
		ASSERT_FALSE(i62608_replay_accept(&w, c));
	/* The window follows the newest counter. */
	i62608_replay_init(&w);
	ASSERT_TRUE(i62608_replay_accept(&w, top));
	ASSERT_TRUE(i62608_replay_accept(&w, top + 1));
	ASSERT_FALSE(i62608_replay_accept(&w, top - WINDOW));
	ASSERT_TRUE(i62608_replay_accept(&w, top + 1 - WINDOW));
}

TEST(replay_zero)
{
	struct i62608_replay w;

	i62608_replay_init(&w);
	ASSERT_TRUE(i62608_replay_accept(&w, 0));
	ASSERT_FALSE(i62608_replay_accept(&w, 0));
	ASSERT_TRUE(i62608_replay_accept(&w, 1));

	/* 0 after the first counters, in and out of the window. */
	i62608_replay_init(&w);
	ASSERT_TRUE(i62608_replay_accept(&w, WINDOW));
	ASSERT_TRUE(i62608_replay_accept(&w, 0));
	ASSERT_FALSE(i62608_replay_accept(&w, 0));
	i62608_replay_init(&w);
	ASSERT_TRUE(i62608_replay_accept(&w, WINDOW + 1));
	ASSERT_FALSE(i62608_replay_accept(&w, 0));
	ASSERT_TRUE(i62608_replay_accept(&w, 1));
}

TEST(replay_far_ahead)
{
	static const u64 jumps[] = { 63, 64, 65, 959, 960, 961, 1023, 1024,
				     1025, 1088, 100000, 1000000007ull,
				     1ull << 40 };
	struct i62608_replay w;
	size_t i;
	u64 c, top;

	for (i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++) {
		i62608_replay_init(&w);
		for (c = 0; c < 1500; c += 3)
			ASSERT_TRUE(i62608_replay_accept(&w, c));
		top = 1500 + jumps[i];
		ASSERT_TRUE(i62608_replay_accept(&w, top));
		/* In the new window: seen before only if it was. */
		for (c = top - WINDOW; c < top; c++) {
			bool seen = c < 1500 && c % 3 == 0;

			ASSERT_EQ(!seen, i62608_replay_accept(&w, c))
				TH_LOG("jump %lu, counter %lu",
				       (unsigned long)jumps[i], (unsigned long)c);
		}
		ASSERT_FALSE(i62608_replay_accept(&w, top - WINDOW - 1));
	}
}

/* The ring wraps many times; order within the window does not matter. */
TEST(replay_bitmap_wrap)
{
	struct i62608_replay w;
	struct rng r = { .s = 0x1024 };
	u64 order[900], base, c;
	int i;

	i62608_replay_init(&w);
	for (base = 0; base < 50 * 1024; base += 900) {
		for (i = 0; i < 900; i++)
			order[i] = base + i;
		for (i = 899; i > 0; i--) {
			int j = rng_below(&r, i + 1);
			u64 t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < 900; i++)
			ASSERT_TRUE(i62608_replay_accept(&w, order[i]));
		for (c = base; c < base + 900; c++)
			ASSERT_FALSE(i62608_replay_accept(&w, c));
	}
}

TEST(replay_u64_limits)
{
	const u64 max = ~(u64)0;
	struct i62608_replay w;
	u64 c;

	i62608_replay_init(&w);
	ASSERT_FALSE(i62608_replay_accept(&w, max));
	ASSERT_TRUE(i62608_replay_accept(&w, max - 1));
	ASSERT_FALSE(i62608_replay_accept(&w, max - 1));
	ASSERT_FALSE(i62608_replay_accept(&w, max));
	for (c = max - 2; c >= max - 1 - WINDOW; c--)
		ASSERT_TRUE(i62608_replay_accept(&w, c));
	ASSERT_FALSE(i62608_replay_accept(&w, max - 2 - WINDOW));
	ASSERT_FALSE(i62608_replay_accept(&w, 0));
	ASSERT_EQ(max, w.top);

	/* Counting up into the end. */
	i62608_replay_init(&w);
	for (c = max - 3000; c < max; c++)
		ASSERT_TRUE(i62608_replay_accept(&w, c));
	ASSERT_FALSE(i62608_replay_accept(&w, max));
}

/* The reference: every counter accepted, and the window rule. */
struct model {
	u64 *slot;		/* counter + 1; 0 is empty */
	size_t mask;
	bool any;
	u64 newest;
};

static bool model_add(struct model *mo, u64 c)
{
	size_t i = (size_t)((c * 0x9e3779b97f4a7c15ull) >> 40) & mo->mask;

	for (; mo->slot[i]; i = (i + 1) & mo->mask)
		if (mo->slot[i] == c + 1)
			return false;
	mo->slot[i] = c + 1;
	return true;
}

static bool model_accept(struct model *mo, u64 c)
{
	if (c == ~(u64)0)
		return false;
	if (mo->any && mo->newest > WINDOW && c < mo->newest - WINDOW)
		return false;
	if (!model_add(mo, c))
		return false;
	if (!mo->any || c > mo->newest)
		mo->newest = c;
	mo->any = true;
	return true;
}

static u64 sat_add(u64 a, u64 b)
{
	return a + b < a ? ~(u64)0 : a + b;
}

static u64 sat_sub(u64 a, u64 b)
{
	return a < b ? 0 : a - b;
}

static u64 next_counter(struct rng *r, const struct model *mo)
{
	u64 n = mo->newest;

	switch (rng_below(r, 20)) {
	case 0 ... 5:
		return sat_add(n, 1);
	case 6 ... 9:
		return sat_sub(n, rng_below(r, 1100));
	case 10 ... 12:
		return sat_add(n, rng_range(r, 1, 200));
	case 13 ... 14:
		return sat_add(n, rng_range(r, 900, 2200));
	case 15:
		return sat_sub(n, WINDOW + rng_below(r, 3));
	case 16:
		return n;
	case 17:
		return sat_add(n, 1ull << rng_range(r, 11, 40));
	case 18:
		return sat_sub(n, rng_range(r, 1, 64));
	default:
		return n ^ (1ull << rng_below(r, 12));
	}
}

TEST(replay_vs_model)
{
	const u64 starts[] = { 0, 1ull << 32, ~(u64)0 - 400000 };
	struct rng r = { .s = 0x6479 };
	struct i62608_replay w;
	struct model mo;
	size_t s, ops, accepted = 0, total = 0, i;

	mo.mask = (1u << 21) - 1;
	mo.slot = calloc(mo.mask + 1, sizeof(*mo.slot));
	ASSERT_NE(NULL, mo.slot);
	for (s = 0; s < 3; s++) {
		ops = s < 2 ? REPLAY_OPS / 3 : REPLAY_OPS - 2 * (REPLAY_OPS / 3);
		total += ops;
		memset(mo.slot, 0, (mo.mask + 1) * sizeof(*mo.slot));
		mo.any = false;
		mo.newest = starts[s];
		i62608_replay_init(&w);
		for (i = 0; i < ops; i++) {
			u64 c = next_counter(&r, &mo);
			bool want = model_accept(&mo, c);

			if (i62608_replay_accept(&w, c) != want) {
				free(mo.slot);
				ASSERT_TRUE(0) TH_LOG("op %zu: counter %llu, newest %llu, model says %d",
					i, (unsigned long long)c,
					(unsigned long long)mo.newest, want);
			}
			accepted += want;
		}
	}
	free(mo.slot);
	TH_LOG("%zu operations, %zu accepted", total, accepted);
	ASSERT_EQ(REPLAY_OPS, total);
	/* The mix exercised both answers. */
	ASSERT_GT(accepted, REPLAY_OPS / 4);
	ASSERT_LT(accepted, REPLAY_OPS * 3 / 4);
}

/* ------------------------------------------------------------------ */
/* Pairing code                                                        */
/* ------------------------------------------------------------------ */

TEST(pair_code)
{
	u8 pub[32], code[I62608_CODE_LEN + 1], other[I62608_CODE_LEN];
	int bit;

	/* RFC 7748's Alice: BLAKE2s("i62608 pairing code v1" || pub)[0:10]. */
	unhex(pub, sizeof(pub),
	      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	code[I62608_CODE_LEN] = 0xee;
	i62608_pair_code(pub, code);
	ASSERT_TRUE(same_hex(code, I62608_CODE_LEN, "622f9addbbaacad3bbab"));
	ASSERT_EQ(0xee, code[I62608_CODE_LEN]);
	for (bit = 0; bit < 256; bit++) {
		pub[bit / 8] ^= 1 << (bit % 8);
		i62608_pair_code(pub, other);
		ASSERT_NE(0, memcmp(code, other, sizeof(other)));
		pub[bit / 8] ^= 1 << (bit % 8);
	}
}

TEST_HARNESS_MAIN
