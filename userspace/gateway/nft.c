// SPDX-License-Identifier: GPL-2.0
/*
 * The nftables backend: port forwards and QoS marking in one table of
 * ours, replaced whole in one transaction through libnftables, and read
 * back through its JSON output. See docs/gateway.md for the layout:
 *
 *   table inet i62608 {
 *     chain prerouting: nat, prerouting, dstnat
 *       iifname WAN tcp dport EXT counter dnat ip to ADDR:PORT comment TAG
 *     chain forward: filter, forward, mangle (marks before any filter)
 *       iifname LAN ip saddr ADDR counter ip dscp set D meta priority set P
 *       oifname LAN ip daddr ADDR counter ip dscp set D meta priority set P
 *   }
 *
 * The transaction is "add table; delete table; table { ... }" and the
 * same add/delete of our table in the other family: the kernel applies
 * the batch as one generation, so packets see either the old table or the
 * new one, and a batch the kernel refuses anywhere changes nothing.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <nftables/libnftables.h>

#include "gw_priv.h"

#define CHAIN_DNAT	"prerouting"
#define CHAIN_QOS	"forward"

struct gw_nft {
	struct nft_ctx *ctx;
	char table[32];
	enum gw_nft_family family;	/* GW_NFT_AUTO until known */
};

static const char *family_kw(enum gw_nft_family f)
{
	return f == GW_NFT_IP ? "ip" : "inet";
}

const char *gw_nft_family_name(enum gw_nft_family f)
{
	switch (f) {
	case GW_NFT_AUTO:
		return "auto";
	case GW_NFT_INET:
		return "inet";
	case GW_NFT_IP:
		return "ip";
	}
	return "?";
}

static int table_name_check(const char *t, char *err, size_t errlen)
{
	char show[64];
	size_t i, n = strlen(t);

	if (!n || n > 31)
		goto bad;
	for (i = 0; i < n; i++) {
		if (!((t[i] >= 'a' && t[i] <= 'z') ||
		      (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
			goto bad;
	}
	return 0;
bad:
	return gw_err(err, errlen, -EINVAL,
		      "table name \"%s\" is not 1 to 31 characters of [a-z0-9_]",
		      gw_show(t, show, sizeof(show)));
}

struct gw_nft *gw_nft_new(const char *table, enum gw_nft_family family,
			  char *err, size_t errlen)
{
	struct gw_nft *nft;

	if (!table)
		table = GW_NFT_TABLE;
	if (table_name_check(table, err, errlen))
		return NULL;
	if (family != GW_NFT_AUTO && family != GW_NFT_INET &&
	    family != GW_NFT_IP) {
		gw_err(err, errlen, -EINVAL, "unknown table family %d", family);
		return NULL;
	}
	nft = calloc(1, sizeof(*nft));
	if (!nft) {
		gw_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	nft->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft->ctx) {
		free(nft);
		gw_err(err, errlen, -ENOMEM, "cannot create a libnftables context");
		return NULL;
	}
	if (nft_ctx_buffer_output(nft->ctx) || nft_ctx_buffer_error(nft->ctx)) {
		gw_nft_free(nft);
		gw_err(err, errlen, -ENOMEM, "cannot buffer libnftables output");
		return NULL;
	}
	snprintf(nft->table, sizeof(nft->table), "%s", table);
	nft->family = family;
	return nft;
}

void gw_nft_free(struct gw_nft *nft)
{
	if (!nft)
		return;
	nft_ctx_free(nft->ctx);
	free(nft);
}

enum gw_nft_family gw_nft_family(const struct gw_nft *nft)
{
	return nft->family;
}

/* ---- the transaction ---------------------------------------------------- */

static void render_qos_rule(struct gw_buf *b, const struct gw_qos *q,
			    const char *lan, bool up)
{
	char a[INET_ADDRSTRLEN], p[16];

	inet_ntop(AF_INET, &q->addr, a, sizeof(a));
	gw_buf_add(b, "\t\t%s \"%s\" ip %s %s counter ip dscp set %u",
		   up ? "iifname" : "oifname", lan, up ? "saddr" : "daddr", a,
		   q->dscp);
	if (q->priority) {
		gw_fmt_priority(p, sizeof(p), q->priority);
		gw_buf_add(b, " meta priority set %s", p);
	}
	gw_buf_add(b, " comment \"%s\"\n", q->tag);
}

int gw_nft_render(struct gw_buf *b, const char *table,
		  enum gw_nft_family family, const struct gw_nft_state *want)
{
	const char *fam = family_kw(family);
	const char *other = family_kw(family == GW_NFT_IP ? GW_NFT_INET :
				      GW_NFT_IP);
	char a[INET_ADDRSTRLEN];
	size_t i;

	gw_buf_add(b, "add table %s %s\n", fam, table);
	gw_buf_add(b, "delete table %s %s\n", fam, table);
	gw_buf_add(b, "table %s %s {\n", fam, table);
	gw_buf_add(b, "\tchain " CHAIN_DNAT " {\n"
		   "\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
	for (i = 0; i < want->nfwd; i++) {
		const struct gw_forward *f = &want->fwd[i];

		inet_ntop(AF_INET, &f->addr, a, sizeof(a));
		gw_buf_add(b, "\t\tiifname \"%s\" %s dport %u counter dnat %sto %s:%u comment \"%s\"\n",
			   want->wan, gw_proto_name(f->proto), f->ext_port,
			   family == GW_NFT_IP ? "" : "ip ", a, f->int_port,
			   f->tag);
	}
	gw_buf_add(b, "\t}\n");
	gw_buf_add(b, "\tchain " CHAIN_QOS " {\n"
		   "\t\ttype filter hook forward priority mangle; policy accept;\n");
	for (i = 0; i < want->nqos; i++) {
		render_qos_rule(b, &want->qos[i], want->lan, true);
		render_qos_rule(b, &want->qos[i], want->lan, false);
	}
	gw_buf_add(b, "\t}\n}\n");
	/*
	 * Last, so that a refusal here (our name taken in the other family
	 * by an owner-flagged table) rolls back the whole batch above.
	 */
	gw_buf_add(b, "add table %s %s\n", other, table);
	gw_buf_add(b, "delete table %s %s\n", other, table);
	return b->failed ? -ENOMEM : 0;
}

/*
 * libnftables' error output made one sentence: the first message and the
 * command it is about.
 */
static int nft_error(const char *e, int rc, const char *what,
		     char *err, size_t errlen)
{
	char first[256] = "", cmd[256] = "", show[256], c[160];
	const char *p = e, *nl;
	unsigned int more = 0;
	int line = 0;

	while (*p) {
		size_t n;

		nl = strchrnul(p, '\n');
		n = nl - p;
		if (!strncmp(p, "Error: ", 7)) {
			if (!*first) {
				snprintf(first, sizeof(first), "%.*s",
					 (int)(n - 7), p + 7);
				line = 1;
			} else {
				more++;
			}
		} else if (line == 1 && n && strspn(p, " \t^~") < n) {
			snprintf(cmd, sizeof(cmd), "%.*s", (int)n, p);
			line = 2;
		}
		p = *nl ? nl + 1 : nl;
	}
	if (!*first)
		snprintf(first, sizeof(first), "%s", "no reason given");
	gw_show(first, show, sizeof(show));
	if (*cmd)
		return gw_err(err, errlen, rc, "%s: %s (at \"%s\")%s", what,
			      show, gw_show(cmd, c, sizeof(c)),
			      more ? ", and more errors" : "");
	return gw_err(err, errlen, rc, "%s: %s", what, show);
}

/*
 * Run @cmds. libnftables tells no errno, only messages: the usual ones
 * become -EPERM, -EOPNOTSUPP, -ENOENT, -EBUSY, the others -EIO.
 */
static int nft_run(struct gw_nft *nft, const char *cmds, bool dry,
		   const char *what, char *err, size_t errlen)
{
	const char *e;
	int rc;

	nft_ctx_set_dry_run(nft->ctx, dry);
	rc = nft_run_cmd_from_buffer(nft->ctx, cmds);
	nft_ctx_set_dry_run(nft->ctx, false);
	/* Read once: reading the buffer also rewinds it. */
	e = nft_ctx_get_error_buffer(nft->ctx);
	if (!rc)
		return 0;
	if (!e)
		e = "";
	if (strstr(e, "Operation not permitted"))
		rc = -EPERM;
	else if (strstr(e, "Operation not supported"))
		rc = -EOPNOTSUPP;
	else if (strstr(e, "No such file or directory"))
		rc = -ENOENT;
	else if (strstr(e, "Device or resource busy"))
		rc = -EBUSY;
	else
		rc = -EIO;
	return nft_error(e, rc, what, err, errlen);
}

static int state_check(const struct gw_nft_state *s, char *err, size_t errlen)
{
	char why[GW_ERRLEN];
	int rc;

	if (s->nfwd || s->wan[0]) {
		if (gw_ifname_check(s->wan, why, sizeof(why)))
			return gw_err(err, errlen, -EINVAL, "WAN interface: %s",
				      why);
	}
	if (s->nqos || s->lan[0]) {
		if (gw_ifname_check(s->lan, why, sizeof(why)))
			return gw_err(err, errlen, -EINVAL, "LAN interface: %s",
				      why);
	}
	if (s->nfwd && !s->fwd)
		return gw_err(err, errlen, -EINVAL, "no port forward array");
	if (s->nqos && !s->qos)
		return gw_err(err, errlen, -EINVAL, "no QoS array");
	rc = gw_forwards_check(s->fwd, s->nfwd, err, errlen);
	if (rc)
		return rc;
	return gw_qos_list_check(s->qos, s->nqos, err, errlen);
}

static int render(struct gw_nft *nft, enum gw_nft_family fam,
		  const struct gw_nft_state *want, struct gw_buf *b,
		  char *err, size_t errlen)
{
	gw_buf_free(b);
	if (gw_nft_render(b, nft->table, fam, want)) {
		gw_buf_free(b);
		return gw_err(err, errlen, -ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * GW_NFT_AUTO: the first sync tries its own transaction in the inet family
 * as a dry run (the kernel checks it, nothing is committed). NAT in inet
 * tables came with Linux 5.2; before, the ip family does it.
 */
static int pick_family(struct gw_nft *nft, const struct gw_nft_state *want,
		       enum gw_nft_family *fam)
{
	struct gw_buf b = { 0 };
	int rc;

	if (nft->family != GW_NFT_AUTO) {
		*fam = nft->family;
		return 0;
	}
	rc = render(nft, GW_NFT_INET, want, &b, NULL, 0);
	if (rc)
		return rc;
	rc = nft_run(nft, b.s, true, "probe", NULL, 0);
	gw_buf_free(&b);
	*fam = rc ? GW_NFT_IP : GW_NFT_INET;
	return 0;
}

int gw_nft_sync(struct gw_nft *nft, const struct gw_nft_state *want,
		char *err, size_t errlen)
{
	struct gw_buf b = { 0 };
	enum gw_nft_family fam;
	int rc;

	rc = state_check(want, err, errlen);
	if (rc)
		return rc;
	rc = pick_family(nft, want, &fam);
	if (rc)
		return gw_err(err, errlen, rc, "out of memory");
	rc = render(nft, fam, want, &b, err, errlen);
	if (rc)
		return rc;
	rc = nft_run(nft, b.s, false, "nftables refused the transaction",
		     err, errlen);
	gw_buf_free(&b);
	if (!rc)
		nft->family = fam;
	return rc;
}

int gw_nft_remove(struct gw_nft *nft, char *err, size_t errlen)
{
	struct gw_buf b = { 0 };
	int rc;

	/* Adding first makes the delete succeed when there is no table. */
	gw_buf_add(&b, "add table inet %s\ndelete table inet %s\n"
		   "add table ip %s\ndelete table ip %s\n",
		   nft->table, nft->table, nft->table, nft->table);
	if (b.failed) {
		gw_buf_free(&b);
		return gw_err(err, errlen, -ENOMEM, "out of memory");
	}
	rc = nft_run(nft, b.s, false, "cannot delete our tables", err, errlen);
	gw_buf_free(&b);
	return rc;
}

/* ---- reading it back ---------------------------------------------------- */

void gw_nft_dump_free(struct gw_nft_dump *d)
{
	free(d->fwd);
	free(d->qos);
	memset(d, 0, sizeof(*d));
}

static void foreign(struct gw_nft_dump *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void foreign(struct gw_nft_dump *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->foreign++) {
		va_start(ap, fmt);
		vsnprintf(d->foreign_desc, sizeof(d->foreign_desc), fmt, ap);
		va_end(ap);
	}
}

typedef struct json_object jobj;

/* The member @key of object @o, or NULL (also if @o is not an object). */
static jobj *jget(jobj *o, const char *key)
{
	jobj *v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *jstrv(jobj *v)
{
	return json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

static const char *jstr(jobj *o, const char *key)
{
	return jstrv(jget(o, key));
}

static bool jintv(jobj *v, long long *n)
{
	if (!json_object_is_type(v, json_type_int))
		return false;
	*n = json_object_get_int64(v);
	return true;
}

static bool jint(jobj *o, const char *key, long long *n)
{
	return jintv(jget(o, key), n);
}

/* Number of members of an object; 0 for anything else. */
static int jsize(jobj *o)
{
	return json_object_is_type(o, json_type_object) ?
	       json_object_object_length(o) : 0;
}

static size_t jlen(jobj *a)
{
	return json_object_is_type(a, json_type_array) ?
	       json_object_array_length(a) : 0;
}

static jobj *jidx(jobj *a, size_t i)
{
	return i < jlen(a) ? json_object_array_get_idx(a, i) : NULL;
}

/*
 * One "match" expression of the shape {"op": "==", "left": {KIND: {...}},
 * "right": R}; returns the inner object of left[KIND] and R.
 */
static jobj *match(jobj *expr, const char *kind, jobj **right)
{
	jobj *m = jget(expr, "match");
	const char *op = jstr(m, "op");

	if (jsize(expr) != 1 || !op || strcmp(op, "==") || jsize(m) != 3)
		return NULL;
	*right = jget(m, "right");
	return jget(jget(m, "left"), kind);
}

/* {"meta": {"key": KEY}} == "NAME" */
static const char *match_meta_str(jobj *expr, const char *key)
{
	jobj *r, *meta = match(expr, "meta", &r);
	const char *k = jstr(meta, "key");

	if (!k || strcmp(k, key) || jsize(meta) != 1)
		return NULL;
	return jstrv(r);
}

/* {"payload": {"protocol": P, "field": F}} == R */
static jobj *match_payload(jobj *expr, const char **proto, const char **field)
{
	jobj *r, *pl = match(expr, "payload", &r);

	*proto = jstr(pl, "protocol");
	*field = jstr(pl, "field");
	if (!*proto || !*field || jsize(pl) != 2)
		return NULL;
	return r;
}

/* {"mangle": {"key": {KIND: ...}, "value": V}}: the key object and V. */
static jobj *mangle(jobj *expr, const char *kind, jobj **value)
{
	jobj *m = jget(expr, "mangle");

	if (jsize(expr) != 1 || jsize(m) != 2)
		return NULL;
	*value = jget(m, "value");
	return jget(jget(m, "key"), kind);
}

static bool is_counter(jobj *expr)
{
	return jsize(expr) == 1 && jget(expr, "counter");
}

/*
 * All our rules of a chain match the same interface: the first valid rule
 * sets it (@dst ""), the others must have it.
 */
static bool same_ifname(char *dst, const char *name)
{
	if (!*dst)
		snprintf(dst, IFNAMSIZ, "%s", name);
	return !strcmp(dst, name);
}

static bool set_tag(char *dst, const char *comment)
{
	if (!comment || gw_tag_check(comment, NULL, 0))
		return false;
	snprintf(dst, GW_TAG_LEN, "%s", comment);
	return true;
}

/* iifname WAN PROTO dport EXT [counter] dnat [ip] to ADDR:PORT comment TAG */
static bool parse_dnat(struct gw_nft_dump *d, jobj *rule, struct gw_forward *f)
{
	jobj *ex = jget(rule, "expr"), *r, *dn;
	const char *proto, *field, *addr, *fam, *wan;
	size_t n = jlen(ex), i = 0;
	long long port, iport;

	memset(f, 0, sizeof(*f));
	wan = match_meta_str(jidx(ex, i++), "iifname");
	if (n < 3 || !wan || gw_ifname_check(wan, NULL, 0))
		return false;
	r = match_payload(jidx(ex, i++), &proto, &field);
	if (!r || strcmp(field, "dport") || gw_parse_proto(proto, &f->proto) ||
	    !jintv(r, &port) || port < 1 || port > 65535)
		return false;
	f->ext_port = port;
	if (i < n && is_counter(jidx(ex, i)))
		i++;
	if (i + 1 != n || jsize(jidx(ex, i)) != 1)
		return false;
	dn = jget(jidx(ex, i), "dnat");
	addr = jstr(dn, "addr");
	fam = jstr(dn, "family");
	if (!addr || gw_parse_ipv4(addr, &f->addr) || !jint(dn, "port", &iport) ||
	    iport < 1 || iport > 65535 || (fam && strcmp(fam, "ip")) ||
	    jsize(dn) != 2 + !!fam)
		return false;
	f->int_port = iport;
	return set_tag(f->tag, jstr(rule, "comment")) &&
	       same_ifname(d->wan, wan);
}

/*
 * One half of a QoS entry: iifname LAN ip saddr ADDR (@up) or oifname LAN
 * ip daddr ADDR, [counter], ip dscp set D, [meta priority set P].
 */
static bool parse_qos(struct gw_nft_dump *d, jobj *rule, struct gw_qos *q,
		      bool *up)
{
	jobj *ex = jget(rule, "expr"), *r, *key, *v;
	const char *lan, *proto, *field, *k;
	size_t n = jlen(ex), i = 0;
	long long dscp, prio;

	memset(q, 0, sizeof(*q));
	if (n < 3)
		return false;
	lan = match_meta_str(jidx(ex, 0), "iifname");
	*up = lan != NULL;
	if (!lan)
		lan = match_meta_str(jidx(ex, 0), "oifname");
	if (!lan || gw_ifname_check(lan, NULL, 0))
		return false;
	i++;
	r = match_payload(jidx(ex, i++), &proto, &field);
	if (!r || strcmp(proto, "ip") ||
	    strcmp(field, *up ? "saddr" : "daddr") || !jstrv(r) ||
	    gw_parse_ipv4(jstrv(r), &q->addr))
		return false;
	if (i < n && is_counter(jidx(ex, i)))
		i++;
	key = mangle(jidx(ex, i++), "payload", &v);
	if (!key || !jstr(key, "protocol") || strcmp(jstr(key, "protocol"), "ip") ||
	    !jstr(key, "field") || strcmp(jstr(key, "field"), "dscp") ||
	    !jintv(v, &dscp) || dscp < 0 || dscp > 63)
		return false;
	q->dscp = dscp;
	if (i < n) {
		key = mangle(jidx(ex, i++), "meta", &v);
		k = jstr(key, "key");
		if (!k || strcmp(k, "priority"))
			return false;
		if (jstrv(v)) {
			if (gw_parse_priority(jstrv(v), &q->priority))
				return false;
		} else if (jintv(v, &prio) && prio >= 0 && prio <= UINT32_MAX) {
			q->priority = prio;
		} else {
			return false;
		}
		/* "set none" is what a sync leaves out. */
		if (!q->priority)
			return false;
	}
	if (i != n)
		return false;
	return set_tag(q->tag, jstr(rule, "comment")) &&
	       same_ifname(d->lan, lan);
}

static bool chain_ok(jobj *c, const char *type, const char *hook,
		     long long prio)
{
	const char *t = jstr(c, "type"), *h = jstr(c, "hook");
	const char *pol = jstr(c, "policy");
	long long p;

	return t && h && pol && jint(c, "prio", &p) && !strcmp(t, type) &&
	       !strcmp(h, hook) && p == prio && !strcmp(pol, "accept");
}

struct qos_half {
	struct gw_qos q;
	bool up;
	bool paired;
};

/* Pair the up and down rules of each address into QoS entries. */
static int pair_qos(struct gw_nft_dump *d, struct qos_half *h, size_t n)
{
	char a[INET_ADDRSTRLEN];
	size_t i, j;

	d->qos = calloc(n ? n : 1, sizeof(*d->qos));
	if (!d->qos)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (h[i].paired)
			continue;
		for (j = i + 1; j < n; j++) {
			if (!h[j].paired && h[j].up != h[i].up &&
			    !gw_qos_cmp(&h[i].q, &h[j].q))
				break;
		}
		inet_ntop(AF_INET, &h[i].q.addr, a, sizeof(a));
		if (j == n) {
			foreign(d, "a QoS rule for %s without its other direction",
				a);
			continue;
		}
		for (j = 0; j < d->nqos; j++) {
			if (d->qos[j].addr.s_addr == h[i].q.addr.s_addr)
				break;
		}
		if (j < d->nqos) {
			foreign(d, "a second pair of QoS rules for %s", a);
			continue;
		}
		h[i].paired = true;
		for (j = i + 1; j < n; j++) {
			if (!h[j].paired && h[j].up != h[i].up &&
			    !gw_qos_cmp(&h[i].q, &h[j].q)) {
				h[j].paired = true;
				break;
			}
		}
		d->qos[d->nqos++] = h[i].q;
	}
	return 0;
}

static void parse_rule(struct gw_nft_dump *d, jobj *rule,
		       struct qos_half *halves, size_t *nhalves)
{
	const char *chain = jstr(rule, "chain");
	long long handle = -1;
	struct gw_forward f;
	size_t i;

	jint(rule, "handle", &handle);
	if (chain && !strcmp(chain, CHAIN_DNAT)) {
		if (!parse_dnat(d, rule, &f)) {
			foreign(d, "rule %lld of chain %s is not a port forward",
				handle, chain);
			return;
		}
		for (i = 0; i < d->nfwd; i++) {
			if (d->fwd[i].proto == f.proto &&
			    d->fwd[i].ext_port == f.ext_port)
				break;
		}
		if (i < d->nfwd) {
			foreign(d, "rule %lld forwards %s port %u a second time",
				handle, gw_proto_name(f.proto), f.ext_port);
			return;
		}
		d->fwd[d->nfwd++] = f;
	} else if (chain && !strcmp(chain, CHAIN_QOS)) {
		struct qos_half *h = &halves[*nhalves];

		if (!parse_qos(d, rule, &h->q, &h->up)) {
			foreign(d, "rule %lld of chain %s is not QoS marking",
				handle, chain);
			return;
		}
		h->paired = false;
		(*nhalves)++;
	} else {
		foreign(d, "rule %lld in chain %s", handle,
			chain ? chain : "?");
	}
}

/* The first key of a one-member object: what kind of item it is. */
static const char *kind(jobj *item)
{
	json_object_object_foreach(item, key, val) {
		(void)val;
		return key;
	}
	return "?";
}

static jobj *parse_json(const char *text, char *err, size_t errlen)
{
	enum json_tokener_error e;
	jobj *root;

	root = json_tokener_parse_verbose(text, &e);
	if (!root)
		gw_err(err, errlen, -EBADMSG,
		       "cannot parse the JSON of libnftables: %s",
		       json_tokener_error_desc(e));
	return root;
}

int gw_nft_parse(const char *text, const char *table, struct gw_nft_dump *d,
		 char *err, size_t errlen)
{
	struct qos_half *halves = NULL;
	size_t nhalves = 0, nrules = 0, i, n;
	jobj *root, *items;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	root = parse_json(text, err, errlen);
	if (!root)
		return -EBADMSG;
	items = jget(root, "nftables");
	if (!json_object_is_type(items, json_type_array)) {
		rc = gw_err(err, errlen, -EBADMSG,
			    "libnftables' JSON has no \"nftables\" array");
		goto out;
	}
	n = jlen(items);
	for (i = 0; i < n; i++) {
		if (jget(jidx(items, i), "rule"))
			nrules++;
	}
	/* At most one forward or one half of a QoS entry per rule. */
	d->fwd = calloc(nrules ? nrules : 1, sizeof(*d->fwd));
	halves = calloc(nrules ? nrules : 1, sizeof(*halves));
	if (!d->fwd || !halves) {
		rc = gw_err(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}

	for (i = 0; i < n; i++) {
		jobj *it = jidx(items, i), *o;
		const char *name, *fam, *t;
		char show[64];

		if (jsize(it) != 1) {
			foreign(d, "an unexpected JSON item");
			continue;
		}
		if (jget(it, "metainfo"))
			continue;
		if ((o = jget(it, "table"))) {
			name = jstr(o, "name");
			fam = jstr(o, "family");
			if (!name || strcmp(name, table) || !fam ||
			    (strcmp(fam, "inet") && strcmp(fam, "ip"))) {
				foreign(d, "a table other than ours");
				continue;
			}
			if (d->present) {
				foreign(d, "our table in both families");
				continue;
			}
			d->present = true;
			d->family = strcmp(fam, "ip") ? GW_NFT_INET : GW_NFT_IP;
			continue;
		}
		if ((o = jget(it, "chain"))) {
			name = jstr(o, "name");
			t = jstr(o, "table");
			if (!name || !t || strcmp(t, table))
				foreign(d, "a chain outside our table");
			else if (!strcmp(name, CHAIN_DNAT)) {
				if (!chain_ok(o, "nat", "prerouting", -100))
					foreign(d, "chain %s is not a nat prerouting chain at dstnat, policy accept",
						name);
			} else if (!strcmp(name, CHAIN_QOS)) {
				if (!chain_ok(o, "filter", "forward", -150))
					foreign(d, "chain %s is not a filter forward chain at mangle, policy accept",
						name);
			} else {
				foreign(d, "chain %s",
					gw_show(name, show, sizeof(show)));
			}
			continue;
		}
		if ((o = jget(it, "rule"))) {
			parse_rule(d, o, halves, &nhalves);
			continue;
		}
		/* A set, map, flowtable, stateful object... */
		foreign(d, "a %s in our table",
			gw_show(kind(it), show, sizeof(show)));
	}
	if (pair_qos(d, halves, nhalves))
		rc = gw_err(err, errlen, -ENOMEM, "out of memory");
	if (!d->nfwd)
		d->wan[0] = '\0';
	if (!d->nqos)
		d->lan[0] = '\0';
out:
	free(halves);
	json_object_put(root);
	if (rc)
		gw_nft_dump_free(d);
	return rc;
}

/*
 * Whether our table exists in either family, from the plain listing of
 * the tables ("table FAMILY NAME" lines): nft 1.0.6 prints garbage for
 * the flags of some tables in JSON.
 */
static int our_tables(struct gw_nft *nft, bool *inet, bool *ip,
		      char *err, size_t errlen)
{
	unsigned int flags = nft_ctx_output_get_flags(nft->ctx);
	const char *out, *line;
	char fam[16], name[64];
	int rc;

	*inet = *ip = false;
	nft_ctx_output_set_flags(nft->ctx, flags & ~NFT_CTX_OUTPUT_JSON);
	rc = nft_run(nft, "list tables", false, "cannot list the tables",
		     err, errlen);
	out = nft_ctx_get_output_buffer(nft->ctx);
	nft_ctx_output_set_flags(nft->ctx, flags);
	if (rc)
		return rc;
	for (line = out; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (sscanf(line, "table %15s %63s", fam, name) != 2 ||
		    strcmp(name, nft->table))
			continue;
		if (!strcmp(fam, "inet"))
			*inet = true;
		else if (!strcmp(fam, "ip"))
			*ip = true;
	}
	return 0;
}

int gw_nft_dump(struct gw_nft *nft, struct gw_nft_dump *d,
		char *err, size_t errlen)
{
	unsigned int flags = nft_ctx_output_get_flags(nft->ctx);
	enum gw_nft_family fam;
	char cmd[64];
	bool inet, ip;
	int rc;

	memset(d, 0, sizeof(*d));
	nft_ctx_output_set_flags(nft->ctx, NFT_CTX_OUTPUT_JSON |
				 NFT_CTX_OUTPUT_NUMERIC_ALL);
	rc = our_tables(nft, &inet, &ip, err, errlen);
	if (rc)
		goto out;
	if (nft->family != GW_NFT_AUTO)
		fam = nft->family;
	else
		fam = inet || !ip ? GW_NFT_INET : GW_NFT_IP;
	if (!(fam == GW_NFT_INET ? inet : ip)) {
		d->family = fam;
		if (inet || ip)
			foreign(d, "table %s %s", inet ? "inet" : "ip",
				nft->table);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "list table %s %s", family_kw(fam),
		 nft->table);
	rc = nft_run(nft, cmd, false, "cannot list our table", err, errlen);
	if (rc)
		goto out;
	rc = gw_nft_parse(nft_ctx_get_output_buffer(nft->ctx), nft->table, d,
			  err, errlen);
	if (!rc && fam == GW_NFT_INET && ip)
		foreign(d, "table ip %s besides table inet %s", nft->table,
			nft->table);
	if (!rc && fam == GW_NFT_IP && inet)
		foreign(d, "table inet %s besides table ip %s", nft->table,
			nft->table);
out:
	nft_ctx_output_set_flags(nft->ctx, flags);
	return rc;
}

int gw_nft_dump_matches(const struct gw_nft_dump *d,
			const struct gw_nft_state *want,
			char *why, size_t whylen)
{
	if (!d->present)
		return gw_err(why, whylen, 0, "our table is missing");
	if (d->foreign)
		return gw_err(why, whylen, 0,
			      "our table has %u thing%s a sync does not write: %s",
			      d->foreign, d->foreign == 1 ? "" : "s",
			      d->foreign_desc);
	if (want->nfwd && strcmp(d->wan, want->wan))
		return gw_err(why, whylen, 0,
			      "port forwards come in on %s, not on %s", d->wan,
			      want->wan);
	if (want->nqos && strcmp(d->lan, want->lan))
		return gw_err(why, whylen, 0,
			      "QoS marks traffic on %s, not on %s", d->lan,
			      want->lan);
	if (!gw_forwards_equal(d->fwd, d->nfwd, want->fwd, want->nfwd, why,
			       whylen))
		return 0;
	if (!gw_qos_equal(d->qos, d->nqos, want->qos, want->nqos, why, whylen))
		return 0;
	return 1;
}

int gw_nft_check(struct gw_nft *nft, const struct gw_nft_state *want,
		 char *err, size_t errlen)
{
	struct gw_nft_dump d;
	int rc;

	rc = state_check(want, err, errlen);
	if (rc)
		return rc;
	rc = gw_nft_dump(nft, &d, err, errlen);
	if (rc)
		return rc;
	rc = gw_nft_dump_matches(&d, want, err, errlen);
	gw_nft_dump_free(&d);
	return rc;
}
