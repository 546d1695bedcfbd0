// SPDX-License-Identifier: GPL-2.0
/*
 * The cloud client's configuration (cloud.h): defaults, the settings of
 * the daemon's configuration file, and the check before starting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "args.h"
#include "cloud_priv.h"

void cloud_conf_init(struct cloud_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->quality_period_ms = 15 * 60 * 1000;
	c->poll_period_ms = 30 * 1000;
	c->backoff_min_ms = 1000;
	c->backoff_max_ms = 5 * 60 * 1000;
	c->connect_timeout_ms = 10 * 1000;
	c->timeout_ms = 30 * 1000;
	c->max_response = 1024 * 1024;
}

/* https://HOST[:PORT][/], nothing else: stored as https://HOST[:PORT]. */
static int set_url(char *out, const char *value, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *user = NULL, *query = NULL, *frag = NULL;
	int rc = -1;

	if (!u) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strlen(value) >= CLOUD_URL_MAX ||
	    curl_url_set(u, CURLUPART_URL, value, 0) != CURLUE_OK)
		goto bad;
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	if (!scheme || strcmp(scheme, "https") || !host || !*host || user ||
	    query || frag || (path && strcmp(path, "/") && *path))
		goto bad;
	snprintf(out, CLOUD_URL_MAX, "https://%s%s%s", host, port ? ":" : "",
		 port ? port : "");
	rc = 0;
	goto out;
bad:
	snprintf(err, errlen, "'%.80s' is not https://HOST[:PORT] (no path, user, query or fragment)",
		 value);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	curl_free(query);
	curl_free(frag);
	curl_url_cleanup(u);
	return rc;
}

static int set_path(char *out, const char *value, char *err, size_t errlen)
{
	if (!*value || strlen(value) >= CLOUD_PATH_MAX) {
		snprintf(err, errlen, "a file path of 1 to %d bytes is expected",
			 CLOUD_PATH_MAX - 1);
		return -1;
	}
	memcpy(out, value, strlen(value) + 1);
	return 0;
}

static int set_ms(uint32_t *out, const char *value, uint64_t min, uint64_t max,
		  char *err, size_t errlen)
{
	uint64_t ms;

	/* A bare number is in seconds. */
	if (ctl_parse_duration(value, 1000, max, &ms, err, errlen))
		return -1;
	if (ms < min) {
		snprintf(err, errlen, "'%s' is less than %llu ms", value,
			 (unsigned long long)min);
		return -1;
	}
	*out = (uint32_t)ms;
	return 0;
}

int cloud_conf_set(struct cloud_conf *c, const char *key, const char *value,
		   char *err, size_t errlen)
{
	char sub[160];
	uint64_t v;
	int role, rc;

	sub[0] = '\0';
	if (!strcmp(key, "gateway_id")) {
		if (!cj_name_ok(value, CLOUD_GATEWAY_ID_MAX)) {
			snprintf(sub, sizeof(sub), "'%.80s' is not a gateway id (1 to 64 of A-Z a-z 0-9 . _ -)",
				 value);
			rc = -1;
		} else {
			memcpy(c->gateway_id, value, strlen(value) + 1);
			rc = 0;
		}
	} else if (strlen(key) > 4 && !strcmp(key + strlen(key) - 4, "_url")) {
		char name[16];

		snprintf(name, sizeof(name), "%.*s", (int)(strlen(key) - 4), key);
		role = cloud_role_parse(name);
		if (role < 0)
			goto unknown;
		rc = set_url(c->url[role], value, sub, sizeof(sub));
	} else if (!strcmp(key, "cert")) {
		rc = set_path(c->cert, value, sub, sizeof(sub));
	} else if (!strcmp(key, "key")) {
		rc = set_path(c->key, value, sub, sizeof(sub));
	} else if (!strcmp(key, "ca")) {
		rc = set_path(c->ca, value, sub, sizeof(sub));
	} else if (!strcmp(key, "quality_period")) {
		rc = set_ms(&c->quality_period_ms, value, 0, 86400000, sub, sizeof(sub));
	} else if (!strcmp(key, "poll_period")) {
		rc = set_ms(&c->poll_period_ms, value, 0, 86400000, sub, sizeof(sub));
	} else if (!strcmp(key, "backoff_min")) {
		rc = set_ms(&c->backoff_min_ms, value, 10, 3600000, sub, sizeof(sub));
	} else if (!strcmp(key, "backoff_max")) {
		rc = set_ms(&c->backoff_max_ms, value, 10, 86400000, sub, sizeof(sub));
	} else if (!strcmp(key, "connect_timeout")) {
		rc = set_ms(&c->connect_timeout_ms, value, 100, 600000, sub, sizeof(sub));
	} else if (!strcmp(key, "timeout")) {
		rc = set_ms(&c->timeout_ms, value, 100, 3600000, sub, sizeof(sub));
	} else if (!strcmp(key, "max_response")) {
		rc = ctl_parse_u64(value, 64 << 20, &v, sub, sizeof(sub));
		if (!rc && v < 1024) {
			snprintf(sub, sizeof(sub), "at least 1024 bytes");
			rc = -1;
		}
		if (!rc)
			c->max_response = (uint32_t)v;
	} else {
		goto unknown;
	}
	if (rc) {
		snprintf(err, errlen, "cloud_%s: %s", key, sub);
		return -1;
	}
	return 0;
unknown:
	snprintf(err, errlen, "cloud_%.60s: not a setting of the cloud client", key);
	return -1;
}

int cloud_conf_check(const struct cloud_conf *c, char *err, size_t errlen)
{
	const char *const files[] = { c->cert, c->key, c->ca };
	const char *const names[] = { "cert", "key", "ca" };
	int i;

	if (!c->gateway_id[0]) {
		snprintf(err, errlen, "cloud_gateway_id is not set");
		return -1;
	}
	for (i = 0; i < CLOUD_ROLE_COUNT; i++)
		if (c->url[i][0])
			break;
	if (i == CLOUD_ROLE_COUNT) {
		snprintf(err, errlen, "no cloud server: set cloud_service_url, cloud_quality_url, cloud_failure_url or cloud_diagnosis_url");
		return -1;
	}
	for (i = 0; i < 3; i++) {
		if (!files[i][0]) {
			snprintf(err, errlen, "cloud_%s is not set", names[i]);
			return -1;
		}
		if (access(files[i], R_OK)) {
			snprintf(err, errlen, "cloud_%s %s: %s", names[i], files[i],
				 strerror(errno));
			return -1;
		}
	}
	if (c->backoff_max_ms < c->backoff_min_ms) {
		snprintf(err, errlen, "cloud_backoff_max is less than cloud_backoff_min");
		return -1;
	}
	return 0;
}

const char *cloud_link_name(enum cloud_link l)
{
	switch (l) {
	case CLOUD_LINK_NEVER:
		return "never";
	case CLOUD_LINK_UP:
		return "up";
	case CLOUD_LINK_DOWN:
		return "down";
	case CLOUD_LINK_OFF:
		return "off";
	}
	return "?";
}
