// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: the HTTPS listener. libmicrohttpd's GnuTLS server with
 * client certificates required and verified during the handshake, and
 * every request taken through the same steps: who the certificate says
 * the client is, the route (role enabled, method, who may call it, query
 * parameters), the body (type, size, JSON, schema), then the handler in
 * one transaction with the Idempotency-Key's record (docs/cloud-api.md).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "cloudd.h"
#include "schema.h"
#include "sqldb.h"

/* What an oversized body may still send, discarded, before we hang up. */
#define DISCARD_MAX	(1024 * 1024)
/* A PEM file (certificate chain, key, CA list). */
#define PEM_MAX		(256 * 1024)

/* The answer a handler or a check leaves for the core to send. */
struct answer {
	json_object *obj;	/* or */
	char *text;		/* a stored answer, replayed */
	bool replayed;
	const char *allow;	/* 405 */
};

/* Per request, beside struct req (kept apart: only this file sends). */
struct req_priv {
	struct req r;
	struct answer a;
	char addr[INET6_ADDRSTRLEN];
	bool sent, send_failed;
	const char *caps[REQ_MAX_SEGS];
	unsigned int n_caps;
	char allow[64];
};

static struct req_priv *priv(struct req *r)
{
	return (struct req_priv *)r;
}

static char *pem_key, *pem_cert, *pem_ca;

/* ------------------------------------------------------------------ */
/* Answers                                                             */
/* ------------------------------------------------------------------ */

static void answer_clear(struct answer *a)
{
	json_object_put(a->obj);
	free(a->text);
	memset(a, 0, sizeof(*a));
}

void reply_json(struct req *r, unsigned int status, json_object *o)
{
	struct answer *a = &priv(r)->a;

	answer_clear(a);
	a->obj = o;
	r->status = status;
	r->code[0] = '\0';
	r->answered = true;
}

void reply_error(struct req *r, unsigned int status, const char *code,
		 const char *fmt, ...)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(o, "error", e);
	reply_json(r, status, o);
	snprintf(r->code, sizeof(r->code), "%s", code);
}

int reply_db_error(struct req *r, const char *what)
{
	fprintf(stderr, "i62608-cloudd: database: %s: %s\n", what,
		sqlite3_errmsg(r->d->db));
	if (sqlite3_errcode(r->d->db) == SQLITE_BUSY)
		reply_error(r, 503, "unavailable", "the store is busy: try again");
	else
		reply_error(r, 500, "internal", "the store failed: %s", what);
	return -1;
}

/* Queue the answer on the connection: once, at the first call or the last. */
static void send_answer(struct req *r)
{
	struct req_priv *p = priv(r);
	struct MHD_Response *resp;
	const char *text;
	size_t len;

	if (p->sent)
		return;
	p->sent = true;
	text = p->a.text ? p->a.text : cj_text(p->a.obj);
	len = strlen(text);
	resp = MHD_create_response_from_buffer(len, (void *)text,
					       MHD_RESPMEM_MUST_COPY);
	if (!resp) {
		p->send_failed = true;
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (p->a.replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	if (p->a.allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, p->a.allow);
	/* After an answer before its body, MHD closes the connection. */
	if (MHD_queue_response(r->conn, r->status, resp) != MHD_YES)
		p->send_failed = true;
	MHD_destroy_response(resp);
}

/* ------------------------------------------------------------------ */
/* Who is calling                                                      */
/* ------------------------------------------------------------------ */

static gnutls_session_t session_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	return ci ? (gnutls_session_t)ci->tls_session : NULL;
}

/* The first value of @oid in the certificate's subject, or "". */
static void subject_field(gnutls_x509_crt_t crt, const char *oid, char *buf,
			  size_t len)
{
	size_t n = len;

	if (gnutls_x509_crt_get_dn_by_oid(crt, oid, 0, 0, buf, &n) < 0)
		buf[0] = '\0';
}

/* The subject's OU and CN of the peer's certificate; -1 if none. */
static int peer_names(gnutls_session_t s, char *ou, size_t oulen, char *cn,
		      size_t cnlen)
{
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt;
	unsigned int n = 0;
	int rc = -1;

	certs = gnutls_certificate_get_peers(s, &n);
	if (!certs || !n || gnutls_x509_crt_init(&crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0) {
		subject_field(crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, ou,
			      oulen);
		subject_field(crt, GNUTLS_OID_X520_COMMON_NAME, cn, cnlen);
		rc = 0;
	}
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/*
 * Called by GnuTLS during the handshake, once the client's certificate
 * is in: refusing fails the handshake, so an unknown client never gets
 * to send a request.
 */
static int verify_client(gnutls_session_t s)
{
	gnutls_datum_t why = { 0 };
	unsigned int status = 0;
	char ou[64], cn[128], q[200];
	int rc;

	rc = gnutls_certificate_verify_peers2(s, &status);
	if (rc == 0 && status == 0)
		return 0;
	if (peer_names(s, ou, sizeof(ou), cn, sizeof(cn)))
		snprintf(cn, sizeof(cn), "?");
	cj_quote(q, sizeof(q), cn);
	if (rc < 0)
		fprintf(stderr, "i62608-cloudd: tls: refused a client certificate (CN=%s): %s\n",
			q, gnutls_strerror(rc));
	else if (gnutls_certificate_verification_status_print(status,
			GNUTLS_CRT_X509, &why, 0) >= 0) {
		size_t n = strlen((char *)why.data);

		while (n && why.data[n - 1] == ' ')
			why.data[--n] = '\0';
		fprintf(stderr, "i62608-cloudd: tls: refused a client certificate (CN=%s): %s\n",
			q, why.data);
		gnutls_free(why.data);
	}
	return GNUTLS_E_CERTIFICATE_ERROR;
}

static void on_connection(void *cls, struct MHD_Connection *c,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	gnutls_session_t s;

	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	/*
	 * libmicrohttpd only *requests* a certificate when it has a trust
	 * list, and leaves checking it to the application. Require it, and
	 * verify it within the handshake.
	 */
	s = session_of(c);
	if (!s)
		return;
	gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
	gnutls_session_set_verify_function(s, verify_client);
}

/* The peer, from its (already verified) certificate. */
static int identify(struct req *r)
{
	gnutls_session_t s = session_of(r->conn);
	unsigned int status = 1;
	char ou[64], cn[128], q[200];

	/* Verified in the handshake; checked again, for defence in depth. */
	if (!s || gnutls_certificate_verify_peers2(s, &status) < 0 || status ||
	    peer_names(s, ou, sizeof(ou), cn, sizeof(cn))) {
		reply_error(r, 401, "unauthenticated",
			    "no verified client certificate");
		return -1;
	}
	if (!strcmp(ou, "gateway")) {
		if (!cj_name_ok(cn, CLOUD_GATEWAY_ID_MAX)) {
			cj_quote(q, sizeof(q), cn);
			reply_error(r, 403, "forbidden",
				    "the certificate's CN '%s' is not a gateway id", q);
			return -1;
		}
		r->peer.kind = PEER_GATEWAY;
	} else if (!strcmp(ou, "operator")) {
		r->peer.kind = PEER_OPERATOR;
	} else {
		cj_quote(q, sizeof(q), ou);
		reply_error(r, 403, "forbidden",
			    "the certificate's OU '%s' is neither gateway nor operator", q);
		return -1;
	}
	if (!cn[0] || strlen(cn) > CLOUD_GATEWAY_ID_MAX) {
		reply_error(r, 403, "forbidden",
			    "the certificate's CN is empty or longer than %d bytes",
			    CLOUD_GATEWAY_ID_MAX);
		return -1;
	}
	memcpy(r->peer.name, cn, strlen(cn) + 1);
	return 0;
}

bool req_is_operator(const struct req *r)
{
	return r->peer.kind == PEER_OPERATOR;
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

static bool id_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 15 || s[0] == '0')
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Whether @r's segments (after the role) match @pattern; captures checked. */
static int match(struct req *r, const char *pattern, bool check)
{
	struct req_priv *p = priv(r);
	char pat[128], *save = NULL, *tok;
	unsigned int i = 1;
	char q[200];

	snprintf(pat, sizeof(pat), "%s", pattern);
	p->n_caps = 0;
	for (tok = strtok_r(pat, "/", &save); tok; tok = strtok_r(NULL, "/", &save), i++) {
		const char *seg;

		if (i >= r->n_seg)
			return 0;
		seg = r->seg[i];
		if (tok[0] != '{') {
			if (strcmp(tok, seg))
				return 0;
			continue;
		}
		p->caps[p->n_caps++] = seg;
		if (!check)
			continue;
		cj_quote(q, sizeof(q), seg);
		if (!strcmp(tok, "{gw}") && !cj_name_ok(seg, CLOUD_GATEWAY_ID_MAX)) {
			reply_error(r, 400, "invalid_path",
				    "'%s' is not a gateway id (1 to 64 of A-Z a-z 0-9 . _ -)", q);
			return -1;
		}
		if (!strcmp(tok, "{mac}")) {
			char canon[CJ_MAC_LEN];

			if (!cj_mac_canon(canon, seg)) {
				reply_error(r, 400, "invalid_path",
					    "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", q);
				return -1;
			}
			/* The segment is ours: store it in lower case. */
			memcpy((char *)seg, canon, CJ_MAC_LEN);
		}
		if (!strcmp(tok, "{id}") && !id_ok(seg)) {
			reply_error(r, 400, "invalid_path",
				    "'%s' is not an id (a positive integer)", q);
			return -1;
		}
		if (!strcmp(tok, "{type}") && !cloud_device_type_ok(seg)) {
			reply_error(r, 400, "invalid_path",
				    "'%s' is not a device type", q);
			return -1;
		}
	}
	return i == r->n_seg ? 1 : 0;
}

const char *req_capture(const struct req *r, unsigned int i)
{
	const struct req_priv *p = (const struct req_priv *)r;

	return i < p->n_caps ? p->caps[i] : NULL;
}

int64_t req_capture_id(const struct req *r, unsigned int i)
{
	const char *s = req_capture(r, i);

	return s ? strtoll(s, NULL, 10) : -1;
}

const char *req_query(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_check {
	struct req *r;
	bool bad;
};

static enum MHD_Result query_iter(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	struct query_check *qc = cls;
	const char *const *q = qc->r->route->query;
	char qk[200];

	for (; q && *q; q++)
		if (!strcmp(*q, key))
			break;
	cj_quote(qk, sizeof(qk), key);
	if (!q || !*q) {
		reply_error(qc->r, 400, "bad_query", "unknown query parameter '%s'", qk);
		qc->bad = true;
		return MHD_NO;
	}
	if (!value || !*value) {
		reply_error(qc->r, 400, "bad_query", "query parameter '%s' needs a value", qk);
		qc->bad = true;
		return MHD_NO;
	}
	return MHD_YES;
}

int req_paging(struct req *r, int64_t dflt, int64_t max, int64_t *limit,
	       int64_t *after)
{
	const char *l = req_query(r, "limit"), *a = req_query(r, "after_id");
	char q[200];

	*limit = dflt;
	*after = 0;
	if (l) {
		if (!id_ok(l) || strtoll(l, NULL, 10) > max) {
			cj_quote(q, sizeof(q), l);
			reply_error(r, 400, "bad_query",
				    "limit: '%s' is not a count from 1 to %" PRId64, q, max);
			return -1;
		}
		*limit = strtoll(l, NULL, 10);
	}
	if (a) {
		if (!id_ok(a) && strcmp(a, "0")) {
			cj_quote(q, sizeof(q), a);
			reply_error(r, 400, "bad_query", "after_id: '%s' is not an id", q);
			return -1;
		}
		*after = strtoll(a, NULL, 10);
	}
	return 0;
}

/* Split the path and find its route; answer 4xx when there is none. */
static int route(struct req *r, const char *url)
{
	const struct route *rt, *found = NULL;
	char *allow = priv(r)->allow;
	size_t alen = sizeof(priv(r)->allow);
	unsigned int i;
	char *save = NULL, *tok;
	int role, m;
	char q[200];

	if (strlen(url) >= sizeof(r->path)) {
		reply_error(r, 404, "not_found", "the path is too long");
		return -1;
	}
	snprintf(r->path, sizeof(r->path), "%s", url);
	snprintf(r->segbuf, sizeof(r->segbuf), "%s", url);
	if (strncmp(url, "/v1/", 4)) {
		reply_error(r, 404, "not_found",
			    "no such path: this server's paths start with /v1/");
		return -1;
	}
	/* No empty segment: "//" and a trailing "/" are not paths. */
	if (strstr(url, "//") || url[strlen(url) - 1] == '/') {
		reply_error(r, 404, "not_found", "no such path");
		return -1;
	}
	for (tok = strtok_r(r->segbuf + 4, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (r->n_seg == REQ_MAX_SEGS) {
			reply_error(r, 404, "not_found", "no such path");
			return -1;
		}
		r->seg[r->n_seg++] = tok;
	}
	if (!r->n_seg) {
		reply_error(r, 404, "not_found", "no such path");
		return -1;
	}
	role = cloud_role_parse(r->seg[0]);
	if (role < 0 && strcmp(r->seg[0], "health")) {
		cj_quote(q, sizeof(q), r->seg[0]);
		reply_error(r, 404, "not_found",
			    "no such path: '%s' is not a role (service, quality, failure, diagnosis)", q);
		return -1;
	}
	if (role >= 0 && !r->d->roles[role]) {
		reply_error(r, 404, "role_disabled",
			    "the %s role is not enabled on this server", r->seg[0]);
		return -1;
	}
	/* Paths first: a known path with another method is 405, with Allow. */
	allow[0] = '\0';
	for (i = 0; i < cloudd_n_routes; i++) {
		rt = &cloudd_routes[i];
		if (rt->role != role || match(r, rt->pattern, false) != 1)
			continue;
		if (!strstr(allow, rt->method))
			snprintf(allow + strlen(allow), alen - strlen(allow),
				 "%s%s", allow[0] ? ", " : "", rt->method);
		/* The first that fits: literals are listed before captures. */
		if (!strcmp(rt->method, r->method) && !found)
			found = rt;
	}
	if (!allow[0]) {
		reply_error(r, 404, "not_found", "no such path");
		return -1;
	}
	if (!found) {
		reply_error(r, 405, "method_not_allowed",
			    "%s is not a method of this path (%s)", r->method, allow);
		priv(r)->a.allow = allow;
		return -1;
	}
	r->route = found;
	m = match(r, found->pattern, true);
	if (m != 1)
		return -1;
	return 0;
}

/* Who may call, the gateway's own data only, the query. */
static int admit(struct req *r)
{
	const struct route *rt = r->route;
	struct query_check qc = { .r = r };
	char q[200];

	if (!(rt->who & (r->peer.kind == PEER_GATEWAY ? WHO_GATEWAY : WHO_OPERATOR))) {
		reply_error(r, 403, "forbidden", "this is for %s certificates only",
			    rt->who == WHO_OPERATOR ? "operator" : "gateway");
		return -1;
	}
	if (r->peer.kind == PEER_GATEWAY && strstr(rt->pattern, "{gw}")) {
		/* {gw} is the first capture of every pattern that has it. */
		if (strcmp(req_capture(r, 0), r->peer.name)) {
			cj_quote(q, sizeof(q), req_capture(r, 0));
			reply_error(r, 403, "forbidden",
				    "this certificate is gateway %s's: gateway %s's data is not its to reach",
				    r->peer.name, q);
			return -1;
		}
	}
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_iter, &qc);
	return qc.bad ? -1 : 0;
}

/* Content-Type, Content-Length and Idempotency-Key, before the body. */
static int headers(struct req *r)
{
	const char *ct, *cl, *key;
	char q[200];

	key = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					  "Idempotency-Key");
	if (!strcmp(r->method, "POST")) {
		if (key && !cloud_key_ok(key)) {
			cj_quote(q, sizeof(q), key);
			reply_error(r, 400, "idempotency_key_invalid",
				    "Idempotency-Key '%s' is not 1 to 64 of A-Z a-z 0-9 . _ : -", q);
			return -1;
		}
		if (!key && r->peer.kind == PEER_GATEWAY) {
			reply_error(r, 400, "idempotency_key_required",
				    "a gateway's POST carries an Idempotency-Key header");
			return -1;
		}
		if (key)
			snprintf(r->key, sizeof(r->key), "%s", key);
	}
	/* A backup carries its data in base64: 4/3 of it, and the rest. */
	r->limit = r->d->max_body;
	if (r->route->fn == h_backup_post)
		r->limit = r->d->max_backup / 3 * 4 + 8 + r->d->max_body;
	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > r->limit) {
		reply_error(r, 413, "payload_too_large",
			    "the body is %s bytes: at most %zu here", cl, r->limit);
		return -1;
	}
	if (!r->route->schema)
		return 0;
	ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct || strncasecmp(ct, "application/json", 16) ||
	    (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
		cj_quote(q, sizeof(q), ct ? ct : "none");
		reply_error(r, 415, "unsupported_media_type",
			    "the body must be application/json, not '%s'", q);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Idempotency                                                         */
/* ------------------------------------------------------------------ */

/* The request as the key's record knows it: SHA-256 of method, path, body. */
static void request_hash(struct req *r, char hex[65])
{
	gnutls_hash_hd_t h;
	uint8_t d[32];
	int i;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		hex[0] = '\0';
		return;
	}
	gnutls_hash(h, r->method, strlen(r->method) + 1);
	gnutls_hash(h, r->path, strlen(r->path) + 1);
	if (r->len)
		gnutls_hash(h, r->body, r->len);
	gnutls_hash_deinit(h, d);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void client_id(const struct req *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", r->peer.kind == PEER_GATEWAY ? "gateway" :
		 "operator", r->peer.name);
}

/* 1: a stored answer is set for replay; 0: a new key; -1: answered. */
static int idem_lookup(struct req *r, const char *hash)
{
	sqlite3_stmt *st;
	char client[CLOUD_GATEWAY_ID_MAX + 16];
	int rc;

	client_id(r, client, sizeof(client));
	st = db_prep(r, "SELECT request_hash, status, response FROM idempotency"
		     " WHERE client = ?1 AND key = ?2");
	if (!st)
		return -1;
	db_text(st, 1, client);
	db_text(st, 2, r->key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return reply_db_error(r, "idempotency");
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), hash)) {
		sqlite3_finalize(st);
		reply_error(r, 409, "idempotency_key_reused",
			    "Idempotency-Key %s was used for another request", r->key);
		return -1;
	}
	reply_json(r, (unsigned int)sqlite3_column_int(st, 1), NULL);
	priv(r)->a.text = strdup((const char *)sqlite3_column_text(st, 2));
	priv(r)->a.replayed = true;
	sqlite3_finalize(st);
	if (!priv(r)->a.text) {
		reply_error(r, 500, "internal", "out of memory");
		return -1;
	}
	return 1;
}

static int idem_store(struct req *r, const char *hash)
{
	sqlite3_stmt *st;
	char client[CLOUD_GATEWAY_ID_MAX + 16];

	client_id(r, client, sizeof(client));
	st = db_prep(r, "INSERT INTO idempotency (client, key, request_hash,"
		     " status, response, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return -1;
	db_text(st, 1, client);
	db_text(st, 2, r->key);
	db_text(st, 3, hash);
	sqlite3_bind_int(st, 4, (int)r->status);
	db_text(st, 5, cj_text(priv(r)->a.obj));
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now_ms());
	return db_done(r, st, "idempotency");
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/* The whole body is in: check it, run the handler in a transaction. */
static void finish(struct req *r)
{
	char err[512], hash[65] = "";
	int rc;

	if (r->too_large) {
		reply_error(r, 413, "payload_too_large",
			    "the body is more than %zu bytes", r->limit);
		return;
	}
	if (!r->route->schema && r->len) {
		reply_error(r, 400, "bad_request", "%s %s takes no body",
			    r->method, r->path);
		return;
	}
	if (r->route->schema) {
		r->json = cj_parse(r->body ? r->body : "", r->len, err, sizeof(err));
		if (!r->json) {
			reply_error(r, 400, "malformed_json", "%s", err);
			return;
		}
		if (cj_validate(r->json, r->route->schema, err, sizeof(err))) {
			reply_error(r, 422, "invalid_body", "%s", err);
			return;
		}
	}
	if (now_ms() - r->d->last_prune_ms > 3600 * 1000ULL)
		cloudd_db_prune(r->d);
	if (sqldb_exec(r->d->db, "BEGIN IMMEDIATE", "begin", err, sizeof(err))) {
		fprintf(stderr, "i62608-cloudd: database: %s\n", err);
		reply_error(r, 503, "unavailable", "the store is busy: try again");
		return;
	}
	if (r->key[0]) {
		request_hash(r, hash);
		rc = idem_lookup(r, hash);
		if (rc) {
			sqlite3_exec(r->d->db, "ROLLBACK", NULL, NULL, NULL);
			return;
		}
	}
	rc = r->route->fn(r);
	if (!r->answered)
		reply_error(r, 500, "internal", "no answer");
	if (!rc && r->status < 300 && r->key[0])
		rc = idem_store(r, hash);
	if (rc || r->status >= 300) {
		sqlite3_exec(r->d->db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	if (sqldb_exec(r->d->db, "COMMIT", "commit", err, sizeof(err))) {
		fprintf(stderr, "i62608-cloudd: database: %s\n", err);
		sqlite3_exec(r->d->db, "ROLLBACK", NULL, NULL, NULL);
		reply_error(r, 503, "unavailable", "the store could not commit: try again");
	}
}

/* The first call: headers only. */
static void begin(struct req *r, const char *url, const char *method)
{
	const union MHD_ConnectionInfo *ci;
	struct req_priv *p = priv(r);

	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
				  p->addr, sizeof(p->addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
				  p->addr, sizeof(p->addr));
	}
	snprintf(r->method, sizeof(r->method), "%s", method);
	if (identify(r) || route(r, url) || admit(r) || headers(r))
		return;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **ctx)
{
	struct req_priv *p = *ctx;
	struct req *r;

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return MHD_NO;
		*ctx = p;
		r = &p->r;
		r->d = cls;
		r->conn = c;
		r->t0_ms = now_ms();
		begin(r, url, method);
		if (r->answered)
			send_answer(r);
		return p->send_failed ? MHD_NO : MHD_YES;
	}
	r = &p->r;
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (r->answered)
			return MHD_YES;
		r->seen += n;
		if (!r->too_large && r->len + n > r->limit) {
			r->too_large = true;
			free(r->body);
			r->body = NULL;
			r->len = 0;
		}
		if (r->too_large)
			return r->seen - r->limit > DISCARD_MAX ? MHD_NO : MHD_YES;
		if (r->len + n + 1 > r->alloc) {
			size_t want = r->alloc ? r->alloc : 4096;
			char *b;

			while (want < r->len + n + 1)
				want *= 2;
			if (want > r->limit + 1)
				want = r->limit + 1;
			b = realloc(r->body, want);
			if (!b)
				return MHD_NO;
			r->body = b;
			r->alloc = want;
		}
		memcpy(r->body + r->len, upload, n);
		r->len += n;
		r->body[r->len] = '\0';
		return MHD_YES;
	}
	if (!r->answered)
		finish(r);
	send_answer(r);
	return p->send_failed ? MHD_NO : MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
			 enum MHD_RequestTerminationCode why)
{
	struct req_priv *p = *ctx;
	struct req *r;

	if (!p)
		return;
	r = &p->r;
	if (!r->d->quiet) {
		char path[4 * sizeof(r->path)];

		cj_quote_n(path, sizeof(path), r->path, sizeof(r->path));
		fprintf(stderr, "i62608-cloudd: %s %s%s%s %s %s -> %u%s%s%s (%" PRIu64 " ms)\n",
			p->addr[0] ? p->addr : "?",
			r->peer.kind == PEER_GATEWAY ? "gateway " :
			r->peer.kind == PEER_OPERATOR ? "operator " : "",
			r->peer.name, r->peer.kind ? "" : "-", r->method, path,
			r->status, r->code[0] ? " " : "", r->code,
			p->a.replayed ? " replayed" : "", now_ms() - r->t0_ms);
	}
	answer_clear(&p->a);
	json_object_put(r->json);
	free(r->body);
	free(p);
	*ctx = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	fprintf(stderr, "i62608-cloudd: http: %s\n", msg);
}

/* ------------------------------------------------------------------ */
/* Start, stop                                                         */
/* ------------------------------------------------------------------ */

static char *read_pem(const char *path, const char *what, char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	buf = malloc(PEM_MAX + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, PEM_MAX + 1, f);
	if (ferror(f) || n > PEM_MAX || !n || !memmem(buf, n, "-----BEGIN ", 11)) {
		snprintf(err, errlen, "%s %s: %s", what, path,
			 ferror(f) ? strerror(errno) : n > PEM_MAX ?
			 "larger than 256 KiB" : "not PEM");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* ADDR:PORT, [V6ADDR]:PORT, or *:PORT (every IPv4 address). */
static int parse_listen(const char *s, struct sockaddr_storage *ss,
			char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *ai;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port, *h;
	size_t hl;
	int rc;

	colon = strrchr(s, ':');
	if (!colon || !colon[1])
		goto bad;
	port = colon + 1;
	h = s;
	hl = (size_t)(colon - s);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	} else if (memchr(h, ':', hl)) {
		goto bad;
	}
	if (!hl || hl >= sizeof(host))
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		goto bad;
	rc = getaddrinfo(strcmp(host, "*") ? host : NULL, port, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "--listen %s: %s", s, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
bad:
	snprintf(err, errlen, "--listen '%s' is not ADDR:PORT ([ADDR]:PORT for IPv6, *:PORT for any)",
		 s);
	return -1;
}

int cloudd_http_start(struct cloudd *d, const char *listen, const char *cert,
		      const char *key, const char *client_ca,
		      unsigned int max_conns, unsigned int timeout_s,
		      char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD |
			     MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	unsigned int per_ip = max_conns / 4 > 4 ? max_conns / 4 : 4;

	if (parse_listen(listen, &ss, err, errlen))
		return -1;
	pem_cert = read_pem(cert, "--cert", err, errlen);
	pem_key = pem_cert ? read_pem(key, "--key", err, errlen) : NULL;
	pem_ca = pem_key ? read_pem(client_ca, "--client-ca", err, errlen) : NULL;
	if (!pem_ca)
		goto fail;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, d,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, d,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_HTTPS_MEM_CERT, pem_cert,
		MHD_OPTION_HTTPS_MEM_KEY, pem_key,
		MHD_OPTION_HTTPS_MEM_TRUST, pem_ca,
		MHD_OPTION_HTTPS_PRIORITIES,
		"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
		MHD_OPTION_CONNECTION_LIMIT, max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, d,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, d,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_END);
	if (!d->mhd) {
		snprintf(err, errlen, "cannot listen on %s with TLS (the address in use, or a certificate, key or CA GnuTLS refuses: see above)",
			 listen);
		goto fail;
	}
	return 0;
fail:
	cloudd_http_stop(d);
	return -1;
}

unsigned int cloudd_http_port(struct cloudd *d)
{
	const union MHD_DaemonInfo *di;

	di = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : 0;
}

void cloudd_http_stop(struct cloudd *d)
{
	if (d->mhd)
		MHD_stop_daemon(d->mhd);
	d->mhd = NULL;
	free(pem_cert);
	/* The key's PEM is a secret: do not leave it in freed memory. */
	if (pem_key)
		explicit_bzero(pem_key, strlen(pem_key));
	free(pem_key);
	free(pem_ca);
	pem_cert = pem_key = pem_ca = NULL;
}
