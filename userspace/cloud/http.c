// SPDX-License-Identifier: GPL-2.0
/*
 * The cloud client's HTTPS exchanges, on libcurl: the gateway's
 * certificate, the servers' CA and nothing else trusted (no system CAs,
 * no proxy from the environment, no redirects), the host name checked,
 * TLS 1.2 at least, timeouts, and answers of bounded size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cloud_priv.h"

struct http {
	CURL *curl;
	const struct cloud_conf *conf;
	atomic_bool *stop;
	char errbuf[CURL_ERROR_SIZE];
};

struct sink {
	struct http_resp *resp;
	size_t max, alloc;
	bool too_large;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	struct http_resp *r = s->resp;
	size_t len = size * n;

	if (r->len + len > s->max) {
		s->too_large = true;
		return 0;	/* libcurl: CURLE_WRITE_ERROR */
	}
	if (r->len + len + 1 > s->alloc) {
		size_t want = s->alloc ? s->alloc * 2 : 4096;
		char *b;

		while (want < r->len + len + 1)
			want *= 2;
		b = realloc(r->body, want);
		if (!b)
			return 0;
		r->body = b;
		s->alloc = want;
	}
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* cloud_stop() cuts an exchange short. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct http *h = arg;

	return atomic_load(h->stop) ? 1 : 0;
}

struct http *http_new(const struct cloud_conf *conf, atomic_bool *stop,
		      char *err, size_t errlen)
{
	struct http *h = calloc(1, sizeof(*h));

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->conf = conf;
	h->stop = stop;
	h->curl = curl_easy_init();
	if (!h->curl) {
		snprintf(err, errlen, "libcurl: cannot make a handle");
		free(h);
		return NULL;
	}
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

void http_resp_free(struct http_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}

/* The options of every exchange; -1 if libcurl refuses one. */
static int setup(struct http *h, const char *method, const char *url,
		 const char *body, struct curl_slist *hdrs, struct sink *s)
{
	const struct cloud_conf *c = h->conf;
	CURL *k = h->curl;
	CURLcode rc = CURLE_OK;

	curl_easy_reset(k);
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(k, opt, val); } while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_CAINFO, c->ca);
	/* Only the cloud's CA: not the system's. */
	SET(CURLOPT_CAPATH, NULL);
	SET(CURLOPT_SSLCERT, c->cert);
	SET(CURLOPT_SSLKEY, c->key);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response);
	SET(CURLOPT_USERAGENT, "i62608d/" I62608_TOOL_VERSION);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_WRITEFUNCTION, on_data);
	SET(CURLOPT_WRITEDATA, s);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, h);
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	if (body) {
		SET(CURLOPT_POSTFIELDS, body);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	}
	if (strcmp(method, body ? "POST" : "GET"))
		SET(CURLOPT_CUSTOMREQUEST, method);
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

/* Why an exchange failed, for people: what, then libcurl's words. */
static void describe(struct http *h, CURLcode rc, const struct sink *s,
		     const char *url, char *buf, size_t len)
{
	const char *what;

	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		what = "TLS: the server's certificate is not trusted";
		break;
	case CURLE_SSL_CONNECT_ERROR:
		what = "TLS handshake failed (our certificate refused?)";
		break;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		what = "TLS: cannot use our certificate, key or CA file";
		break;
	case CURLE_COULDNT_CONNECT:
		what = "cannot connect";
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		what = "cannot resolve the host";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		what = "timed out";
		break;
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		what = "the connection closed (our certificate refused?)";
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		what = "stopped";
		break;
	default:
		what = curl_easy_strerror(rc);
	}
	if (s->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(buf, len, "%s: the answer is larger than %u bytes", url,
			 h->conf->max_response);
	else
		snprintf(buf, len, "%s: %s (%s)", url, what,
			 h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
}

int http_do(struct http *h, const char *method, const char *url,
	    const char *key, const char *body, struct http_resp *resp)
{
	struct sink s = { .resp = resp, .max = h->conf->max_response };
	struct curl_slist *hdrs = NULL, *t;
	char keyhdr[CLOUD_KEY_MAX + 32];
	const char *lines[4];
	unsigned int i, n = 0;
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	h->errbuf[0] = '\0';
	lines[n++] = "Accept: application/json";
	/* No 100-continue round trip: bodies are small. */
	lines[n++] = "Expect:";
	if (body)
		lines[n++] = "Content-Type: application/json";
	if (key) {
		snprintf(keyhdr, sizeof(keyhdr), "Idempotency-Key: %s", key);
		lines[n++] = keyhdr;
	}
	for (i = 0; i < n; i++) {
		t = curl_slist_append(hdrs, lines[i]);
		if (!t)
			break;
		hdrs = t;
	}
	if (i < n || setup(h, method, url, body, hdrs, &s)) {
		curl_slist_free_all(hdrs);
		snprintf(resp->error, sizeof(resp->error), "%s: libcurl refused an option", url);
		return -1;
	}
	rc = curl_easy_perform(h->curl);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		describe(h, rc, &s, url, resp->error, sizeof(resp->error));
		http_resp_free(resp);
		return -1;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	if (!resp->body) {
		resp->body = strdup("");
		if (!resp->body) {
			snprintf(resp->error, sizeof(resp->error), "out of memory");
			return -1;
		}
	}
	return 0;
}
