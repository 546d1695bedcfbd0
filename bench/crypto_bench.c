// SPDX-License-Identifier: GPL-2.0
/*
 * crypto_bench: how fast the userspace side of docs/security.md runs
 * (kernel/noise.c over userspace/lib/crypto_user.c, OpenSSL 3): complete
 * Noise XX handshakes per second, both parties in this process, and
 * protected frames (seal, parse, open) per second at 100 and 1400 bytes on
 * the wire. It prints numbers and judges none of them.
 *
 *   crypto_bench [-j [-p]] [-t SECONDS]
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "noise.h"
#include "output.h"

static const u8 agent_mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };
static const u8 conf_mac[6] = { 0x02, 0, 0, 0, 0, 0xc1 };

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000u + (u64)ts.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "crypto_bench: %s\n", what);
	exit(1);
}

static void keypair(struct i62608_keypair *kp)
{
	i62608_cr_x25519_gen(kp->priv);
	if (!i62608_cr_x25519_pub(kp->pub, kp->priv))
		fail("no public key");
}

struct parties {
	struct i62608_keypair agent, conf;
};

/* One complete handshake, checked: both sides end with the same keys. */
static void handshake(void *arg)
{
	u8 m1[I62608_HS1_LEN], m2[I62608_HS2_LEN], m3[I62608_HS3_LEN];
	u8 is[32], ir[32], rs[32], rr[32], pro[I62608_PROLOGUE_MAX];
	const struct parties *p = arg;
	struct i62608_hs ini, resp;
	size_t n = i62608_hs_prologue(pro, agent_mac, conf_mac);

	i62608_hs_init(&ini, true, &p->agent, pro, n);
	i62608_hs_init(&resp, false, &p->conf, pro, n);
	if (i62608_hs_write1(&ini, m1) ||
	    i62608_hs_read1(&resp, m1, sizeof(m1)) ||
	    i62608_hs_write2(&resp, m2) ||
	    i62608_hs_read2(&ini, m2, sizeof(m2)) ||
	    i62608_hs_write3(&ini, m3) ||
	    i62608_hs_read3(&resp, m3, sizeof(m3)) ||
	    i62608_hs_split(&ini, is, ir) || i62608_hs_split(&resp, rs, rr) ||
	    memcmp(is, rr, 32) || memcmp(ir, rs, 32))
		fail("handshake failed");
	i62608_cr_wipe(is, sizeof(is));
	i62608_cr_wipe(ir, sizeof(ir));
	i62608_cr_wipe(rs, sizeof(rs));
	i62608_cr_wipe(rr, sizeof(rr));
}

struct frame {
	u8 buf[I62608_MAX_MSG];
	u8 plain[I62608_MAX_MSG];
	int len;
	u8 key[32];
	u64 counter;
};

/* A BYE of @wire bytes once protected: header, one vendor TLV, tag. */
static void build_frame(struct frame *f, size_t wire)
{
	struct i62608_w_hdr h = { .type = I62608_MSG_BYE, .epoch = 1 };
	u8 fill[I62608_MAX_MSG] = { 0x00, 0x1b, 0x21 };	/* an OUI */
	struct i62608_w w;

	i62608_w_init(&w, f->plain, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	i62608_w_tlv(&w, I62608_TLV_VENDOR_MIN, fill,
		     (u16)(wire - sizeof(struct i62608_hdr) - 4 - I62608_TAG_LEN));
	f->len = i62608_w_finish(&w);
	if (f->len < 0)
		fail("frame does not build");
	memcpy(f->buf, f->plain, f->len);
	i62608_cr_random(f->key, sizeof(f->key));
}

/* Seal, parse and open, as a sender and its receiver do. */
static void seal_open(void *arg)
{
	struct frame *f = arg;
	struct i62608_frame m;
	int wire;

	/* open() left the plaintext in place, under the sealed header. */
	memcpy(f->buf, f->plain, sizeof(struct i62608_hdr));
	wire = i62608_frame_seal(f->buf, f->len, sizeof(f->buf), 1,
				 f->counter++, agent_mac, f->key);
	if (wire < 0 || i62608_wire_hdr(f->buf, wire, &m) ||
	    !i62608_frame_open(&m, f->buf, agent_mac, f->key))
		fail("frame did not open");
}

/* Operations per second of @fn, run in growing batches for @budget_ns. */
static u64 rate(void (*fn)(void *), void *arg, u64 budget_ns)
{
	u64 start = now_ns(), ops = 0, batch = 1, i, ns;

	do {
		for (i = 0; i < batch; i++)
			fn(arg);
		ops += batch;
		if (batch < 1024)
			batch *= 2;
		ns = now_ns() - start;
	} while (ns < budget_ns);
	return ops * 1000000000u / ns;
}

static void usage(FILE *f)
{
	fputs("usage: crypto_bench [-j [-p]] [-t SECONDS]\n"
	      "\n"
	      "Noise XX handshakes per second (both parties in this process)\n"
	      "and protected frames sealed and opened per second, 100 and 1400\n"
	      "bytes on the wire, with OpenSSL. Each runs SECONDS (default 1).\n"
	      "\n"
	      "  -j  JSON    -p  pretty JSON    -t  seconds per measurement\n", f);
}

int main(int argc, char **argv)
{
	static struct frame small, large;
	bool json = false, pretty = false;
	u64 budget, hs, fr100, fr1400;
	unsigned long secs = 1;
	struct parties p;
	struct out *o;
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "jpt:h")) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 't':
			errno = 0;
			secs = strtoul(optarg, &end, 10);
			if (errno || *end || !secs || secs > 3600) {
				fprintf(stderr, "crypto_bench: -t wants 1 to 3600 seconds, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "crypto_bench: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	budget = secs * 1000000000ull;

	keypair(&p.agent);
	keypair(&p.conf);
	hs = rate(handshake, &p, budget);
	build_frame(&small, 100);
	fr100 = rate(seal_open, &small, budget);
	build_frame(&large, 1400);
	fr1400 = rate(seal_open, &large, budget);

	o = out_new(stdout, json ? OUT_JSON : OUT_TEXT, pretty);
	out_obj_open(o, NULL);
	out_str(o, "backend", OpenSSL_version(OPENSSL_VERSION));
	out_u64(o, "handshakes_per_s", hs);
	out_u64(o, "seal_open_100_per_s", fr100);
	out_u64(o, "seal_open_1400_per_s", fr1400);
	out_u64(o, "seal_open_1400_mbit_per_s", fr1400 * 1400 * 8 / 1000000);
	out_obj_close(o);
	out_free(o);
	return 0;
}
