// SPDX-License-Identifier: GPL-2.0
/*
 * docs/protocol.md's byte-exact examples are what the encoder produces, and
 * what the parser accepts. The configuration examples are also decoded from
 * the document's own bytes and compared, field by field, with what the
 * document says they hold (wire_cfg_examples.h), and their items numbered
 * by the agent's decoder; the rules section 11 states for configuration
 * and section 10 for the handshake messages are checked one by one. With
 * I62608_PRINT_EXAMPLES=1 the examples are printed in the document's format
 * instead.
 */

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "kselftest_harness.h"
#include "wire_cfg_examples.h"
#include "../../userspace/agent/cfgreq.h"

#ifndef DOC_PATH
#define DOC_PATH "docs/protocol.md"
#endif

/* The bytes of the hex block after "<!-- example: NAME -->". */
static int doc_example(const char *name, u8 *out, int cap)
{
	char marker[128], line[256];
	bool in_block = false, found = false;
	int n = 0;
	FILE *f = fopen(DOC_PATH, "r");

	if (!f)
		return -1;
	snprintf(marker, sizeof(marker), "<!-- example: %s -->", name);
	while (fgets(line, sizeof(line), f)) {
		if (!found) {
			found = !strncmp(line, marker, strlen(marker));
			continue;
		}
		if (!in_block) {
			if (!strncmp(line, "```", 3))
				in_block = true;
			continue;
		}
		if (!strncmp(line, "```", 3))
			break;
		/* "0010  aa bb ...": skip the offset, read hex pairs. */
		{
			char *p = line + 4, *end;

			for (;;) {
				unsigned long v = strtoul(p, &end, 16);

				if (end == p)
					break;
				if (n >= cap || v > 0xff) {
					fclose(f);
					return -1;
				}
				out[n++] = (u8)v;
				p = end;
			}
		}
	}
	fclose(f);
	return found ? n : -1;
}

static void print_example(const char *name, const char *title,
			  int (*build)(u8 *buf))
{
	u8 buf[I62608_MAX_MSG];
	int len = build(buf);

	printf("%s (%d bytes):\n\n<!-- example: %s -->\n```\n", title, len, name);
	ex_hex(stdout, buf, len);
	printf("```\n\n");
}

/* 0 when the document's example @name is exactly what @build encodes. */
static int doc_differs(struct __test_metadata *_metadata, const char *name,
		       int (*build)(u8 *buf))
{
	u8 want[I62608_MAX_MSG], got[I62608_MAX_MSG];
	int len = build(got);
	int doc = doc_example(name, want, sizeof(want));

	EXPECT_GT(len, 0);
	EXPECT_EQ(len, doc) {
		TH_LOG("example %s: encoder %d bytes, document %d", name, len, doc);
	}
	if (len <= 0 || len != doc)
		return -1;
	EXPECT_EQ(0, memcmp(want, got, len)) {
		TH_LOG("example %s differs", name);
	}
	return memcmp(want, got, len) ? -1 : 0;
}

TEST(document_matches_encoder)
{
	size_t i;

	if (getenv("I62608_PRINT_EXAMPLES")) {
		for (i = 0; i < N_EXAMPLES; i++)
			print_example(examples[i].name, examples[i].title,
				      examples[i].build);
		for (i = 0; i < N_CFG_EXAMPLES; i++)
			print_example(cfg_examples[i].name, cfg_examples[i].title,
				      cfg_examples[i].build);
		return;
	}
	for (i = 0; i < N_EXAMPLES; i++)
		doc_differs(_metadata, examples[i].name, examples[i].build);
	for (i = 0; i < N_CFG_EXAMPLES; i++)
		doc_differs(_metadata, cfg_examples[i].name, cfg_examples[i].build);
}

static void parse_and_validate(struct __test_metadata *_metadata,
			       const char *name, int (*build)(u8 *buf))
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_frame m;
	int len = build(buf);

	ASSERT_GT(len, 0);
	ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
	EXPECT_EQ(len, m.length);
	EXPECT_EQ(0, i62608_wire_validate(&m)) {
		TH_LOG("example %s does not validate", name);
	}
}

TEST(examples_parse_and_validate)
{
	size_t i;

	for (i = 0; i < N_EXAMPLES; i++)
		parse_and_validate(_metadata, examples[i].name, examples[i].build);
	for (i = 0; i < N_CFG_EXAMPLES; i++)
		parse_and_validate(_metadata, cfg_examples[i].name,
				   cfg_examples[i].build);
}

/* ------------------------------------------------------------------ */
/* The configuration examples, decoded from the document               */
/* ------------------------------------------------------------------ */

static const char *const status_names[] = { "applied", "unchanged", "refused" };
static const char *const reason_names[] = {
	"none", "unsupported", "invalid", "conflict", "failed", "no_iface",
	"no_service", "no_hook",
};
static const char *const qos_names[] = { "best-effort", "background", "video", "voice" };

static void ip_text(int family, const u8 *a, char *buf)
{
	if (!inet_ntop(family, a, buf, INET6_ADDRSTRLEN))
		strcpy(buf, "?");
}

/* One top-level TLV of a configuration message as a reader states it. */
static void cfg_elem_text(const struct i62608_elem *t, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN], s[I62608_KV_VALUE_MAX + 1], v[I62608_KV_VALUE_MAX + 1];
	struct i62608_elem n, st;

	switch (t->type) {
	case I62608_TLV_CFG_IFACE:
	case I62608_TLV_CFG_HOSTNAME:
		i62608_tlv_str(t, s, sizeof(s));
		snprintf(out, size, "%s %s",
			 t->type == I62608_TLV_CFG_IFACE ? "iface" : "hostname", s);
		return;
	case I62608_TLV_CFG_ADDR4:
		ip_text(AF_INET, t->val, ip);
		snprintf(out, size, "addr4 %s/%u", ip, t->val[4]);
		return;
	case I62608_TLV_CFG_ADDR6:
		ip_text(AF_INET6, t->val, ip);
		snprintf(out, size, "addr6 %s/%u", ip, t->val[16]);
		return;
	case I62608_TLV_CFG_GW4:
	case I62608_TLV_CFG_DNS4:
		ip_text(AF_INET, t->val, ip);
		snprintf(out, size, "%s %s",
			 t->type == I62608_TLV_CFG_GW4 ? "gw4" : "dns4", ip);
		return;
	case I62608_TLV_CFG_GW6:
	case I62608_TLV_CFG_DNS6:
		ip_text(AF_INET6, t->val, ip);
		snprintf(out, size, "%s %s",
			 t->type == I62608_TLV_CFG_GW6 ? "gw6" : "dns6", ip);
		return;
	case I62608_TLV_CFG_DHCP4:
	case I62608_TLV_CFG_DHCP6:
		snprintf(out, size, "%s %u",
			 t->type == I62608_TLV_CFG_DHCP4 ? "dhcp4" : "dhcp6", t->val[0]);
		return;
	case I62608_TLV_CFG_SERVICE:
		if (!i62608_tlv_find(t->val, t->len, I62608_SVC_NAME, &n) ||
		    !i62608_tlv_find(t->val, t->len, I62608_SVC_STATE, &st))
			break;
		i62608_tlv_str(&n, s, sizeof(s));
		snprintf(out, size, "service %s %s", s,
			 st.val[0] ? "enabled" : "disabled");
		return;
	case I62608_TLV_CFG_QOS:
		snprintf(out, size, "qos %s", qos_names[t->val[0] & 3]);
		return;
	case I62608_TLV_CFG_SETTING:
		if (!i62608_tlv_find(t->val, t->len, I62608_KV_KEY, &n) ||
		    !i62608_tlv_find(t->val, t->len, I62608_KV_VALUE, &st))
			break;
		i62608_tlv_str(&n, s, sizeof(s));
		i62608_tlv_str(&st, v, sizeof(v));
		snprintf(out, size, "setting %s=%s", s, v);
		return;
	case I62608_TLV_CFG_RESULT:
		if (t->val[1] > I62608_CFG_STATUS_MAX || t->val[2] > I62608_CFGR_MAX)
			break;
		if (t->val[1] == I62608_CFG_REFUSED || t->val[2])
			snprintf(out, size, "result %u %s %s", t->val[0],
				 status_names[t->val[1]], reason_names[t->val[2]]);
		else
			snprintf(out, size, "result %u %s", t->val[0],
				 status_names[t->val[1]]);
		return;
	}
	snprintf(out, size, "tlv %u len %u", t->type, t->len);
}

TEST(config_examples_decode)
{
	size_t i;

	for (i = 0; i < N_CFG_EXAMPLES; i++) {
		const struct cfg_example *e = &cfg_examples[i];
		struct i62608_tlv_iter it;
		struct i62608_elem t;
		u8 doc[I62608_MAX_MSG];
		struct i62608_frame m;
		char text[160];
		int len, n = 0;

		/* The document's bytes, not the encoder's. */
		len = doc_example(e->name, doc, sizeof(doc));
		ASSERT_GT(len, 0) {
			TH_LOG("example %s is not in %s", e->name, DOC_PATH);
		}
		ASSERT_EQ(0, i62608_wire_hdr(doc, len, &m));
		EXPECT_EQ(0, i62608_wire_validate(&m)) {
			TH_LOG("example %s does not validate", e->name);
		}
		EXPECT_EQ(len, m.length);
		EXPECT_EQ(e->type, m.type);
		EXPECT_EQ(e->msg_id, m.msg_id);
		EXPECT_EQ(e->epoch, m.epoch);
		EXPECT_EQ(e->counter, m.counter);
		/* Plaintext: what the encoder gives before a session seals it. */
		EXPECT_EQ(0, m.flags);
		EXPECT_EQ(0, m.key_id);
		EXPECT_EQ(NULL, m.tag);

		i62608_tlv_iter_init(&it, m.body, m.body_len);
		while (i62608_tlv_next(&it, &t) > 0) {
			cfg_elem_text(&t, text, sizeof(text));
			ASSERT_LT(n, EX_CFG_MAX_TLVS - 1);
			ASSERT_NE(NULL, e->tlvs[n]) {
				TH_LOG("example %s: TLV %d (%s) is not expected",
				       e->name, n, text);
			}
			EXPECT_STREQ(e->tlvs[n], text) {
				TH_LOG("example %s: TLV %d", e->name, n);
			}
			n++;
		}
		EXPECT_EQ(NULL, e->tlvs[n]) {
			TH_LOG("example %s: %d TLVs, '%s' missing", e->name, n,
			       e->tlvs[n]);
		}
	}
}

/* The request a CONFIG_ACK/NACK example answers: the one with its id. */
static const struct cfg_example *answered(const struct cfg_example *ans)
{
	size_t i;

	for (i = 0; i < N_CFG_EXAMPLES; i++)
		if (cfg_examples[i].type == I62608_MSG_CONFIG_REQUEST &&
		    cfg_examples[i].msg_id == ans->msg_id)
			return &cfg_examples[i];
	return NULL;
}

/*
 * Each answer echoes its request's message id and carries one result per
 * item, in the items' order; CONFIG_ACK has no refusal, CONFIG_NACK at
 * least one; a refusal has a reason, nothing else does.
 */
TEST(config_answers_match_their_requests)
{
	size_t i;

	for (i = 0; i < N_CFG_EXAMPLES; i++) {
		const struct cfg_example *e = &cfg_examples[i], *req;
		struct agent_cfg_plan *p;
		struct i62608_tlv_iter it;
		struct i62608_elem t;
		u8 buf[I62608_MAX_MSG];
		struct i62608_frame m;
		unsigned int k = 0, refused = 0;
		int len;

		if (e->type != I62608_MSG_CONFIG_ACK && e->type != I62608_MSG_CONFIG_NACK)
			continue;
		req = answered(e);
		ASSERT_NE(NULL, req) {
			TH_LOG("example %s answers no request of the document", e->name);
		}
		len = doc_example(req->name, buf, sizeof(buf));
		ASSERT_GT(len, 0);
		ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
		p = calloc(1, sizeof(*p));
		ASSERT_NE(NULL, p);
		agent_cfg_plan(p, m.body, m.body_len, &(struct agent_host){ 0 }, "eth0");

		len = doc_example(e->name, buf, sizeof(buf));
		ASSERT_GT(len, 0);
		ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
		i62608_tlv_iter_init(&it, m.body, m.body_len);
		while (i62608_tlv_next(&it, &t) > 0) {
			if (t.type != I62608_TLV_CFG_RESULT)
				continue;
			EXPECT_EQ(k, t.val[0]);
			EXPECT_EQ(t.val[1] == I62608_CFG_REFUSED, t.val[2] != 0) {
				TH_LOG("example %s result %u: status %u reason %u",
				       e->name, k, t.val[1], t.val[2]);
			}
			refused += t.val[1] == I62608_CFG_REFUSED;
			k++;
		}
		EXPECT_EQ(p->n, k) {
			TH_LOG("example %s: %u results for %u items", e->name, k, p->n);
		}
		if (e->type == I62608_MSG_CONFIG_ACK) {
			EXPECT_EQ(0, refused);
		} else {
			EXPECT_LT(0, refused);
		}
		free(p);
	}
}

/*
 * The requests, as the agent decodes them on a device that has eth0:
 * items numbered from 0 in order, every value one it can take (nothing
 * refused INVALID), and the interface item settled (UNCHANGED).
 */
TEST(config_requests_as_the_agent_reads_them)
{
	struct agent_link eth0 = { .ifindex = 2, .name = "eth0", .has_mac = true };
	struct agent_host host = { .links = &eth0, .n_links = 1 };
	size_t i;

	for (i = 0; i < N_CFG_EXAMPLES; i++) {
		const struct cfg_example *e = &cfg_examples[i];
		struct agent_cfg_plan *p;
		u8 buf[I62608_MAX_MSG];
		struct i62608_frame m;
		unsigned int k;
		int len;

		if (e->type != I62608_MSG_CONFIG_REQUEST)
			continue;
		len = doc_example(e->name, buf, sizeof(buf));
		ASSERT_GT(len, 0);
		ASSERT_EQ(0, i62608_wire_hdr(buf, len, &m));
		p = calloc(1, sizeof(*p));
		ASSERT_NE(NULL, p);
		agent_cfg_plan(p, m.body, m.body_len, &host, "eth0");
		EXPECT_EQ(2, p->ifindex);
		for (k = 0; k < p->n; k++) {
			const struct agent_cfg_item *it = &p->items[k];

			ASSERT_NE(NULL, e->tlvs[k]);
			EXPECT_EQ(k, it->index);
			if (it->type == I62608_TLV_CFG_IFACE) {
				EXPECT_TRUE(it->done);
				EXPECT_EQ(I62608_CFG_UNCHANGED, it->status);
			} else {
				EXPECT_FALSE(it->done) {
					TH_LOG("example %s item %u (%s): refused %u",
					       e->name, k, e->tlvs[k], it->reason);
				}
			}
		}
		EXPECT_EQ(NULL, e->tlvs[k]) {
			TH_LOG("example %s: the agent sees %u items", e->name, p->n);
		}
		free(p);
	}
}

/* ------------------------------------------------------------------ */
/* The rules of sections 10 and 11, one case each                      */
/* ------------------------------------------------------------------ */

/* A message of @type with @body as its TLVs: 0 or the drop reason. */
static int validate_body(u8 type, const u8 *body, size_t len)
{
	u8 buf[I62608_MAX_MSG];
	struct i62608_w_hdr h = { .type = type, .msg_id = 1, .epoch = 1 };
	struct i62608_frame m;
	struct i62608_w w;
	int n;

	i62608_w_init(&w, buf, sizeof(buf));
	i62608_w_hdr(&w, &h);
	if (len > sizeof(buf) - w.len)
		return -1;
	memcpy(buf + w.len, body, len);
	w.len += (u16)len;
	n = i62608_w_finish(&w);
	if (n < 0 || i62608_wire_hdr(buf, n, &m))
		return -1;
	return i62608_wire_validate(&m);
}

/* A message body written out byte by byte, and whether it is valid. */
struct rule_case {
	const char *what;
	u8 type;		/* message type */
	u16 len;
	u8 body[160];
	bool ok;
};

#define T(t, l) (u8)((t) >> 8), (u8)(t), 0, (l)

static const struct rule_case rule_cases[] = {
	/* Section 11.2: the items. */
	{ "an empty CONFIG_REQUEST is well formed (the kernel sends none)",
	  I62608_MSG_CONFIG_REQUEST, 0, { 0 }, true },
	{ "CFG_IFACE of 15 bytes", I62608_MSG_CONFIG_REQUEST, 19,
	  { T(19, 15), 'e', 'n', 'p', '0', 's', '3', '1', 'f', '6',
	    'a', 'b', 'c', 'd', 'e', 'f' }, true },
	{ "CFG_IFACE of 16 bytes", I62608_MSG_CONFIG_REQUEST, 20,
	  { T(19, 16), 'e', 'n', 'p', '0', 's', '3', '1', 'f', '6',
	    'a', 'b', 'c', 'd', 'e', 'f', 'g' }, false },
	{ "CFG_IFACE with a slash", I62608_MSG_CONFIG_REQUEST, 7,
	  { T(19, 3), 'a', '/', 'b' }, false },
	{ "CFG_IFACE '..'", I62608_MSG_CONFIG_REQUEST, 6, { T(19, 2), '.', '.' }, false },
	{ "CFG_IFACE twice", I62608_MSG_CONFIG_REQUEST, 12,
	  { T(19, 2), 'e', '0', T(19, 2), 'e', '1' }, false },
	{ "CFG_ADDR4 /32", I62608_MSG_CONFIG_REQUEST, 9, { T(20, 5), 10, 0, 0, 1, 32 }, true },
	{ "CFG_ADDR4 /33", I62608_MSG_CONFIG_REQUEST, 9, { T(20, 5), 10, 0, 0, 1, 33 }, false },
	{ "CFG_ADDR4 of 6 bytes (REPORT's form with an origin)",
	  I62608_MSG_CONFIG_REQUEST, 10, { T(20, 6), 10, 0, 0, 1, 24, 0 }, false },
	{ "CFG_ADDR4 four times", I62608_MSG_CONFIG_REQUEST, 36,
	  { T(20, 5), 10, 0, 0, 1, 8, T(20, 5), 10, 0, 0, 2, 8,
	    T(20, 5), 10, 0, 0, 3, 8, T(20, 5), 10, 0, 0, 4, 8 }, true },
	{ "CFG_ADDR4 five times", I62608_MSG_CONFIG_REQUEST, 45,
	  { T(20, 5), 10, 0, 0, 1, 8, T(20, 5), 10, 0, 0, 2, 8,
	    T(20, 5), 10, 0, 0, 3, 8, T(20, 5), 10, 0, 0, 4, 8,
	    T(20, 5), 10, 0, 0, 5, 8 }, false },
	{ "CFG_ADDR6 /128", I62608_MSG_CONFIG_REQUEST, 21,
	  { T(21, 17), 0x20, 0x01, 0x0d, 0xb8, [19] = 1, 128 }, true },
	{ "CFG_ADDR6 /129", I62608_MSG_CONFIG_REQUEST, 21,
	  { T(21, 17), 0x20, 0x01, 0x0d, 0xb8, [19] = 1, 129 }, false },
	{ "CFG_GW4 twice", I62608_MSG_CONFIG_REQUEST, 16,
	  { T(22, 4), 10, 0, 0, 1, T(22, 4), 10, 0, 0, 2 }, false },
	{ "CFG_GW6 of 4 bytes", I62608_MSG_CONFIG_REQUEST, 8, { T(23, 4), 10, 0, 0, 1 }, false },
	{ "CFG_DNS4 twice", I62608_MSG_CONFIG_REQUEST, 16,
	  { T(24, 4), 10, 0, 0, 1, T(24, 4), 10, 0, 0, 2 }, true },
	{ "CFG_DNS4 three times", I62608_MSG_CONFIG_REQUEST, 24,
	  { T(24, 4), 10, 0, 0, 1, T(24, 4), 10, 0, 0, 2, T(24, 4), 10, 0, 0, 3 }, false },
	{ "CFG_DNS6 of 15 bytes", I62608_MSG_CONFIG_REQUEST, 19, { T(25, 15), 0xfe }, false },
	{ "CFG_DHCP4 0", I62608_MSG_CONFIG_REQUEST, 5, { T(26, 1), 0 }, true },
	{ "CFG_DHCP4 2", I62608_MSG_CONFIG_REQUEST, 5, { T(26, 1), 2 }, false },
	{ "CFG_DHCP6 of 2 bytes", I62608_MSG_CONFIG_REQUEST, 6, { T(27, 2), 0, 1 }, false },
	{ "CFG_HOSTNAME a.b-c", I62608_MSG_CONFIG_REQUEST, 9,
	  { T(28, 5), 'a', '.', 'b', '-', 'c' }, true },
	{ "CFG_HOSTNAME with a capital", I62608_MSG_CONFIG_REQUEST, 7,
	  { T(28, 3), 't', 'V', '1' }, false },
	{ "CFG_HOSTNAME starting with '-'", I62608_MSG_CONFIG_REQUEST, 6,
	  { T(28, 2), '-', 'a' }, false },
	{ "CFG_HOSTNAME ending with '.'", I62608_MSG_CONFIG_REQUEST, 6,
	  { T(28, 2), 'a', '.' }, false },
	{ "CFG_HOSTNAME with '..'", I62608_MSG_CONFIG_REQUEST, 8,
	  { T(28, 4), 'a', '.', '.', 'b' }, false },
	{ "CFG_HOSTNAME with '_'", I62608_MSG_CONFIG_REQUEST, 7,
	  { T(28, 3), 'a', '_', 'b' }, false },
	{ "CFG_SERVICE disabled", I62608_MSG_CONFIG_REQUEST, 17,
	  { T(29, 13), T(1, 4), 'i', 'p', 't', 'v', T(2, 1), 0 }, true },
	{ "CFG_SERVICE 'failed' cannot be asked for", I62608_MSG_CONFIG_REQUEST, 17,
	  { T(29, 13), T(1, 4), 'i', 'p', 't', 'v', T(2, 1), 2 }, false },
	{ "CFG_SERVICE without its state", I62608_MSG_CONFIG_REQUEST, 12,
	  { T(29, 8), T(1, 4), 'i', 'p', 't', 'v' }, false },
	{ "CFG_SERVICE without its name", I62608_MSG_CONFIG_REQUEST, 9,
	  { T(29, 5), T(2, 1), 1 }, false },
	{ "CFG_SERVICE name starting with '_'", I62608_MSG_CONFIG_REQUEST, 14,
	  { T(29, 10), T(1, 1), '_', T(2, 1), 1 }, false },
	{ "CFG_SERVICE: a PORT inside is not the request's, skipped",
	  I62608_MSG_CONFIG_REQUEST, 24,
	  { T(29, 20), T(1, 4), 'i', 'p', 't', 'v', T(2, 1), 1, T(3, 3), 17, 0x13, 0x8c }, true },
	{ "CFG_QOS voice", I62608_MSG_CONFIG_REQUEST, 5, { T(30, 1), 3 }, true },
	{ "CFG_QOS 4", I62608_MSG_CONFIG_REQUEST, 5, { T(30, 1), 4 }, false },
	{ "CFG_SETTING value with a control character", I62608_MSG_CONFIG_REQUEST, 15,
	  { T(31, 11), T(1, 1), 'k', T(2, 2), 'a', '\n' }, false },
	{ "CFG_SETTING key with a capital", I62608_MSG_CONFIG_REQUEST, 15,
	  { T(31, 11), T(1, 1), 'K', T(2, 2), 'o', 'n' }, false },
	{ "CFG_SETTING without a value", I62608_MSG_CONFIG_REQUEST, 9,
	  { T(31, 5), T(1, 1), 'k' }, false },
	{ "CFG_RESULT in a request is not an item: skipped",
	  I62608_MSG_CONFIG_REQUEST, 7, { T(32, 3), 0, 0, 0 }, true },
	{ "a vendor TLV in a request: skipped", I62608_MSG_CONFIG_REQUEST, 8,
	  { 0xff, 0x00, 0, 4, 0x00, 0x1b, 0x21, 1 }, true },
	{ "a CONFIG_REPORT follows the request's rules", I62608_MSG_CONFIG_REPORT, 9,
	  { T(20, 5), 10, 0, 0, 1, 33 }, false },
	/* Section 11.3: the answers. */
	{ "an empty CONFIG_ACK", I62608_MSG_CONFIG_ACK, 0, { 0 }, true },
	{ "CFG_RESULT item 47, refused no_hook", I62608_MSG_CONFIG_NACK, 7,
	  { T(32, 3), 47, 2, 7 }, true },
	{ "CFG_RESULT item 48", I62608_MSG_CONFIG_NACK, 7, { T(32, 3), 48, 2, 7 }, false },
	{ "CFG_RESULT status 3", I62608_MSG_CONFIG_ACK, 7, { T(32, 3), 0, 3, 0 }, false },
	{ "CFG_RESULT reason 8", I62608_MSG_CONFIG_NACK, 7, { T(32, 3), 0, 2, 8 }, false },
	{ "CFG_RESULT of 4 bytes", I62608_MSG_CONFIG_ACK, 8, { T(32, 4), 0, 0, 0, 0 }, false },
	{ "items in an answer are skipped", I62608_MSG_CONFIG_ACK, 5, { T(30, 1), 9 }, true },
	/* Section 10: the handshake messages. */
	{ "HS_INIT", I62608_MSG_HS_INIT, 42,
	  { T(16, 32), [36] = T(17, 2), 0x12, 0x34 }, true },
	{ "HS_INIT with key id 0", I62608_MSG_HS_INIT, 42,
	  { T(16, 32), [36] = T(17, 2), 0, 0 }, false },
	{ "HS_INIT without its key id", I62608_MSG_HS_INIT, 36, { T(16, 32) }, false },
	{ "HS_INIT with a 33-byte message", I62608_MSG_HS_INIT, 43,
	  { T(16, 33), [37] = T(17, 2), 0x12, 0x34 }, false },
	{ "HS_RESP with a 32-byte message", I62608_MSG_HS_RESP, 42,
	  { T(16, 32), [36] = T(17, 2), 0x12, 0x34 }, false },
	{ "HS_FINISH with a 32-byte message", I62608_MSG_HS_FINISH, 36,
	  { T(16, 32) }, false },
	{ "an empty SESSION_CONFIRM", I62608_MSG_SESSION_CONFIRM, 0, { 0 }, true },
	{ "HS_REJECT with a REASON", I62608_MSG_HS_REJECT, 5, { T(13, 1), 200 }, true },
	{ "DECRYPT_FAIL naming key id 0", I62608_MSG_DECRYPT_FAIL, 6, { T(18, 2), 0, 0 }, true },
	{ "DECRYPT_FAIL without FAIL_KEY_ID", I62608_MSG_DECRYPT_FAIL, 0, { 0 }, false },
};

TEST(config_and_handshake_rules_as_documented)
{
	size_t i;

	for (i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		const struct rule_case *c = &rule_cases[i];
		int ret = validate_body(c->type, c->body, c->len);

		ASSERT_LE(0, ret) {
			TH_LOG("%s: cannot build the message", c->what);
		}
		EXPECT_EQ(c->ok ? 0 : I62608_DROP_MALFORMED, ret) {
			TH_LOG("%s: %s", c->what, c->ok ? "refused" : "accepted");
		}
	}
}

/* The counts: 16 services and 8 settings, no more (section 11.2). */
TEST(config_item_counts)
{
	static const u8 svc[] = { T(29, 10), T(1, 1), 's', T(2, 1), 1 };
	static const u8 kv[] = { T(31, 10), T(1, 1), 'k', T(2, 1), 'v' };
	u8 body[sizeof(svc) * 17];
	unsigned int i;

	for (i = 0; i < 17; i++)
		memcpy(body + i * sizeof(svc), svc, sizeof(svc));
	EXPECT_EQ(0, validate_body(I62608_MSG_CONFIG_REQUEST, body, 16 * sizeof(svc)));
	EXPECT_EQ(I62608_DROP_MALFORMED,
		  validate_body(I62608_MSG_CONFIG_REQUEST, body, sizeof(body)));
	for (i = 0; i < 9; i++)
		memcpy(body + i * sizeof(kv), kv, sizeof(kv));
	EXPECT_EQ(0, validate_body(I62608_MSG_CONFIG_REQUEST, body, 8 * sizeof(kv)));
	EXPECT_EQ(I62608_DROP_MALFORMED,
		  validate_body(I62608_MSG_CONFIG_REQUEST, body, 9 * sizeof(kv)));
}

/* A setting's value: up to 64 bytes, not 65 (section 11.2). */
TEST(config_setting_value_length)
{
	u8 buf[I62608_MAX_MSG], v[I62608_KV_VALUE_MAX + 1];
	struct i62608_w_hdr h = {
		.type = I62608_MSG_CONFIG_REQUEST, .msg_id = 1, .epoch = 1,
	};
	struct i62608_frame m;
	struct i62608_w w;
	u16 vlen;
	int n;

	memset(v, 'v', sizeof(v));
	for (vlen = I62608_KV_VALUE_MAX; vlen <= I62608_KV_VALUE_MAX + 1; vlen++) {
		i62608_w_init(&w, buf, sizeof(buf));
		i62608_w_hdr(&w, &h);
		i62608_w_nest_begin(&w, I62608_TLV_CFG_SETTING);
		i62608_w_str(&w, I62608_KV_KEY, "a.b_-");
		i62608_w_tlv(&w, I62608_KV_VALUE, v, vlen);
		i62608_w_nest_end(&w);
		n = i62608_w_finish(&w);
		ASSERT_LT(0, n);
		ASSERT_EQ(0, i62608_wire_hdr(buf, n, &m));
		EXPECT_EQ(vlen <= I62608_KV_VALUE_MAX ? 0 : I62608_DROP_MALFORMED,
			  i62608_wire_validate(&m)) {
			TH_LOG("a value of %u bytes", vlen);
		}
	}
}

/* 48 results fit an answer; 49 do not (section 11.3). */
TEST(config_result_count)
{
	u8 body[49 * 7];
	unsigned int i;

	for (i = 0; i < 49; i++) {
		u8 *r = body + i * 7;

		r[0] = 0;
		r[1] = I62608_TLV_CFG_RESULT;
		r[2] = 0;
		r[3] = 3;
		r[4] = (u8)(i % 48);
		r[5] = I62608_CFG_APPLIED;
		r[6] = I62608_CFGR_NONE;
	}
	EXPECT_EQ(0, validate_body(I62608_MSG_CONFIG_ACK, body, 48 * 7));
	EXPECT_EQ(I62608_DROP_MALFORMED,
		  validate_body(I62608_MSG_CONFIG_ACK, body, sizeof(body)));
}

TEST_HARNESS_MAIN
