// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the fuzzers' seed corpus: `make fuzz-corpus` runs it as
 * mkcorpus selftests/fuzz/corpus (-v: and prints what it writes, in
 * docs/protocol.md's hex layout). Deterministic: the same sources give
 * the same files, so the committed corpus can always be regenerated.
 *
 *   corpus/wire/    docs/protocol.md's examples (the encoder's bytes, which
 *                   wire_doc_test.c pins to the document) and edge cases:
 *                   padding, a protected frame, every TLV and nest, vendor
 *                   and unknown TLVs, a full 1500-byte PARTIAL REPORT, and a
 *                   few classic faults.
 *   corpus/encode/  inputs for encode_fuzz.c: operation sequences and
 *                   report budgets (see the comment at its top).
 *
 * Crashes kept as regression inputs live beside these files under other
 * names (docs/fuzzing.md) and are not touched.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wire_gen.h"
#include "wire_examples.h"

static const char *out_dir;
static bool verbose;

static void put(const char *dir, const char *name, const void *p, size_t len)
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
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	if (verbose) {
		printf("%s/%s (%zu bytes):\n", dir, name, len);
		ex_hex(stdout, p, (int)len);
	}
}

static void put_fb(const char *name, struct fb *f)
{
	put("wire", name, f->buf, fb_done(f));
}

static void report_min(struct fb *f, u16 flags, u16 key)
{
	fb_init(f, I62608_MSG_REPORT, flags, key, 0x5eed0001);
	fb_u16(f, I62608_TLV_TTL, 31);
	fb_u32(f, I62608_TLV_CAPABILITIES, 0xdd);
	fb_u8(f, I62608_TLV_DEVICE_TYPE, I62608_DEV_NAS);
}

static void wire_corpus(void)
{
	static const u8 mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };
	static const u8 a6[18] = { 0xfe, 0x80, [15] = 1, 64, I62608_ORIGIN_LINK_LOCAL };
	static const u8 a4[6] = { 192, 168, 1, 57, 24, I62608_ORIGIN_DHCP };
	static const u8 oui[5] = { 0x00, 0x1b, 0x21, 0xaa, 0xbb };
	struct i62608_report *rep = malloc(sizeof(*rep));
	u8 buf[I62608_MAX_MSG + 64];
	struct rng r = { 0x62608 };
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = 9, .epoch = 0x5eed0001,
		.counter = 9,
	};
	struct i62608_w w;
	struct fb f;
	size_t i;
	int len;

	if (!rep)
		exit(1);
	for (i = 0; i < N_EXAMPLES; i++) {
		char name[64];

		len = examples[i].build(buf);
		snprintf(name, sizeof(name), "%s.bin", examples[i].name);
		put("wire", name, buf, len);
	}

	/* A short frame padded to Ethernet's 46-byte minimum payload. */
	len = ex_heartbeat(buf);
	memset(buf + len, 0, 46 - len);
	put("wire", "heartbeat-padded.bin", buf, 46);

	/* Protected: ciphertext and tag. */
	fb_init(&f, I62608_MSG_REPORT, I62608_F_PROTECTED, 1, 0x5eed0001);
	fb_put(&f, "\x8f\x11\x02\x9a\x33\x7c\x00\x01\xfe\x42", 10);
	fb_put(&f, "0123456789abcdef", 16);
	put_fb("protected.bin", &f);

	/* Every TLV and nest element, vendor and unknown TLVs everywhere. */
	report_min(&f, I62608_F_PARTIAL, 0);
	fb_str(&f, I62608_TLV_VENDOR, "Ex\xc3\xa4mple \xe2\x82\xac");
	fb_str(&f, I62608_TLV_MODEL, "0123456789abcdef0123456789ab\xf0\x9f\x98\x80");
	fb_str(&f, I62608_TLV_SERIAL, "SN-1");
	fb_str(&f, I62608_TLV_FIRMWARE, "2.0");
	fb_str(&f, I62608_TLV_NAME, "nas");
	fb_str(&f, I62608_TLV_AGENT_VERSION, "0.1.0");
	fb_tlv(&f, 0xff00, oui, sizeof(oui));
	fb_tlv(&f, 0x4000, "?", 1);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_str(&f, I62608_IF_NAME, "eth0.100");
	fb_tlv(&f, I62608_IF_MAC, mac, 6);
	fb_tlv(&f, I62608_IF_ADDR4, a4, 6);
	fb_tlv(&f, I62608_IF_ADDR6, a6, 18);
	fb_tlv(&f, I62608_IF_GW4, a4, 4);
	fb_tlv(&f, I62608_IF_GW6, a6, 16);
	fb_tlv(&f, I62608_IF_DNS4, a4, 4);
	fb_tlv(&f, I62608_IF_DNS6, a6, 16);
	fb_u8(&f, I62608_IF_FLAGS, 0x0f);
	fb_tlv(&f, 0xfffe, oui, 3);
	fb_tlv(&f, 0x0100, NULL, 0);
	fb_end(&f);
	fb_begin(&f, I62608_TLV_SERVICE);
	fb_str(&f, I62608_SVC_NAME, "smb");
	fb_u8(&f, I62608_SVC_STATE, I62608_SVC_FAILED);
	fb_tlv(&f, I62608_SVC_PORT, "\x06\x01\xbd", 3);
	fb_tlv(&f, I62608_SVC_PORT, "\x11\x00\x89", 3);
	fb_tlv(&f, 0xff10, oui, 4);
	fb_end(&f);
	put_fb("report-every-tlv.bin", &f);

	/* A nest inside a nest (opaque), and a defined TLV out of place. */
	report_min(&f, 0, 0);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac, 6);
	fb_begin(&f, I62608_TLV_INTERFACE);
	fb_tlv(&f, I62608_IF_MAC, mac, 6);
	fb_end(&f);
	fb_end(&f);
	fb_u8(&f, I62608_TLV_REASON, 7);
	put_fb("nest-in-nest.bin", &f);

	fb_init(&f, I62608_MSG_ADVERTISE, I62608_F_REPORT_REQUEST, 0, 0xc0f1c0f1);
	fb_u16(&f, I62608_TLV_TTL, 90);
	fb_u16(&f, I62608_TLV_HEARTBEAT_INTERVAL, 10);
	fb_u32(&f, I62608_TLV_DB_VERSION, 42);
	put_fb("advertise-db-version.bin", &f);

	fb_init(&f, I62608_MSG_BYE, 0, 0, 0x5eed0001);
	put_fb("bye-empty.bin", &f);

	/*
	 * A full frame: the largest REPORT, cut, PARTIAL, and the rest of the
	 * 1500 bytes filled with an unknown TLV.
	 */
	gen_report(&r, rep, true);
	i62608_w_init(&w, buf, I62608_MAX_MSG);
	i62608_w_hdr(&w, &h);
	if (i62608_report_encode(&w, rep, 1) == 1)
		i62608_w_set_flags(&w, I62608_F_PARTIAL);
	if (w.len + 4 <= I62608_MAX_MSG) {
		static const u8 zeros[I62608_MAX_MSG];

		i62608_w_tlv(&w, 0x4000, zeros, I62608_MAX_MSG - w.len - 4);
	}
	len = i62608_w_finish(&w);
	if (len != I62608_MAX_MSG) {
		fprintf(stderr, "mkcorpus: the full REPORT is %d bytes\n", len);
		exit(1);
	}
	put("wire", "report-full-frame.bin", buf, len);

	/* A mid-size random REPORT. */
	for (;;) {
		gen_report(&r, rep, false);
		i62608_w_init(&w, buf, I62608_MAX_MSG);
		i62608_w_hdr(&w, &h);
		if (!i62608_report_encode(&w, rep, 0) && rep->n_ifaces > 1)
			break;
	}
	len = i62608_w_finish(&w);
	put("wire", "report-random.bin", buf, len);

	/* Faults: a TLV past the end, a short tail, a bad version. */
	len = ex_discover(buf);
	put_unaligned_be16(0x40, buf + 24 + 2);
	put("wire", "bad-tlv-past-end.bin", buf, len);
	len = ex_heartbeat(buf);
	buf[len++] = 0;
	put_unaligned_be16((u16)len, buf + 4);
	put("wire", "bad-short-tail.bin", buf, len);
	len = ex_bye(buf);
	buf[0] = 2;
	put("wire", "bad-version.bin", buf, len);
	free(rep);
}

/* encode_fuzz.c inputs, byte by byte. */
struct in {
	u8 b[2048];
	size_t n;
};

static void in_put(struct in *in, const void *p, size_t n)
{
	if (in->n + n > sizeof(in->b))
		exit(1);
	memcpy(in->b + in->n, p, n);
	in->n += n;
}

static void in_u8(struct in *in, u8 v)
{
	in_put(in, &v, 1);
}

static void in_u16(struct in *in, u16 v)
{
	u8 b[2];

	put_unaligned_be16(v, b);
	in_put(in, b, 2);
}

/*
 * Operations (op % 12): 0 hdr, 1-2 tlv, 3 u8, 4 u16, 5 u32, 6 str,
 * 7 nest_begin, 8 nest_end, 9 mark, 10 rollback, 11 set_flags. Each op
 * byte is followed by a type byte, then its arguments.
 */
static void op(struct in *in, u8 code, u8 type)
{
	in_u8(in, code);
	in_u8(in, type);
}

static void op_hdr(struct in *in, u8 type, u32 epoch)
{
	static const u8 rest[] = {
		0, 0,			/* flags */
		0, 0,			/* key id */
		0, 0, 0, 2,		/* message id */
	};
	u8 e[4];

	op(in, 0, 0);
	in_u8(in, type);
	in_put(in, rest, sizeof(rest));
	put_unaligned_be32(epoch, e);
	in_put(in, e, 4);
	in_put(in, "\0\0\0\0\0\0\0\2", 8);	/* counter */
}

static void op_tlv(struct in *in, u8 code, u8 type, const void *v, u16 len)
{
	op(in, code, type);
	in_u16(in, len);
	in_put(in, v, len);
}

static void encode_corpus(void)
{
	static const u8 mac[6] = { 0x02, 0, 0, 0, 0, 0xa1 };
	static const u8 report_cases[][13] = {
		/* mode, seed (8), capacity (2), facing + 2, flags */
		{ 1, 1, 2, 3, 4, 5, 6, 7, 8, 0x05, 0xdc, 2, 0 },
		{ 1, 8, 7, 6, 5, 4, 3, 2, 1, 0x05, 0xdc, 3, 1 },	/* big */
		{ 1, 0, 0, 0, 0, 0, 0, 0, 9, 0x01, 0x00, 4, 1 },	/* 256 B */
		{ 1, 0, 0, 0, 0, 0, 0, 0, 7, 0x00, 0x30, 2, 0 },	/* 48 B */
	};
	static u8 big[1464];
	struct in in;
	size_t i;

	/* A REPORT built by hand, a service tried and rolled back. */
	in.n = 0;
	in_u8(&in, 0);
	in_u16(&in, I62608_MAX_MSG);
	op_hdr(&in, I62608_MSG_REPORT, 0x5eed0001);
	op(&in, 4, I62608_TLV_TTL);
	in_u16(&in, 31);
	op(&in, 5, I62608_TLV_CAPABILITIES);
	in_put(&in, "\0\0\0\xdd", 4);
	op(&in, 3, I62608_TLV_DEVICE_TYPE);
	in_u8(&in, I62608_DEV_STB);
	op(&in, 6, I62608_TLV_VENDOR);
	in_u8(&in, 7);
	in_put(&in, "Example", 7);
	op(&in, 9, 0);
	op(&in, 7, I62608_TLV_INTERFACE);
	op_tlv(&in, 1, I62608_IF_MAC, mac, 6);
	op(&in, 8, 0);
	op(&in, 9, 0);
	op(&in, 7, I62608_TLV_SERVICE);
	op(&in, 10, 0);
	in_u8(&in, 1);				/* back to the second mark */
	op(&in, 11, 0);
	in_u16(&in, I62608_F_PARTIAL);
	put("encode", "ops-report.bin", in.b, in.n);

	/* A nest that does not fit, inside one that does, rolled back. */
	in.n = 0;
	in_u8(&in, 0);
	in_u16(&in, 40);
	op_hdr(&in, I62608_MSG_REPORT, 9);
	op(&in, 7, I62608_TLV_INTERFACE);
	op_tlv(&in, 1, I62608_IF_MAC, mac, 6);
	op(&in, 9, 0);
	op(&in, 7, I62608_TLV_SERVICE);
	op(&in, 3, 1);
	in_u8(&in, 1);
	op(&in, 8, 0);
	op(&in, 10, 0);
	in_u8(&in, 0);
	op(&in, 8, 0);
	put("encode", "ops-overflow-in-nest.bin", in.b, in.n);

	/* A mark taken after a dropped write, rolled back to. */
	in.n = 0;
	in_u8(&in, 0);
	in_u16(&in, 30);
	op_hdr(&in, I62608_MSG_HEARTBEAT, 1);
	op(&in, 5, I62608_TLV_REPORT_ID);	/* 8 bytes: dropped */
	in_put(&in, "\0\0\0\2", 4);
	op(&in, 9, 0);
	op(&in, 3, I62608_TLV_REASON);
	in_u8(&in, 0);
	op(&in, 10, 0);
	in_u8(&in, 0);
	put("encode", "ops-mark-after-overflow.bin", in.b, in.n);

	/* A capacity above a frame (clamped), a long vendor TLV, a cut string. */
	in.n = 0;
	in_u8(&in, 0);
	in_u16(&in, 1600);
	op_hdr(&in, I62608_MSG_HEARTBEAT, 1);
	memset(big, 'v', sizeof(big));
	memcpy(big, "\x00\x1b\x21", 3);
	op_tlv(&in, 0xc1, 0, big, sizeof(big));	/* 0xff00, long form */
	op(&in, 6, I62608_TLV_NAME);
	in_u8(&in, 40);
	in_put(&in, "abcdefghijklmnopqrstuvwxyz01234\xc3\xa9xyz!?1", 40);
	put("encode", "ops-long-tlv.bin", in.b, in.n);

	for (i = 0; i < sizeof(report_cases) / sizeof(report_cases[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "report-%zu.bin", i);
		put("encode", name, report_cases[i], sizeof(report_cases[i]));
	}
	/* Raw vendor bytes: invalid UTF-8. */
	in.n = 0;
	in_put(&in, report_cases[0], 12);
	in_u8(&in, 2);
	in_put(&in, "A\xc3", 2);
	put("encode", "report-raw-vendor.bin", in.b, in.n);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "-v")) {
		verbose = true;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s [-v] CORPUS_DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0755) && errno != EEXIST) {
		perror(out_dir);
		return 1;
	}
	wire_corpus();
	encode_corpus();
	return 0;
}
