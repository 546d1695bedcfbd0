/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cloud client's insides: the worker's database operations (store.c)
 * and its HTTPS exchanges (http.c).
 */
#ifndef I62608_CLOUD_PRIV_H
#define I62608_CLOUD_PRIV_H

#include <stdatomic.h>

#include "cjson.h"
#include "cloud.h"

uint64_t cloud_now_ms(void);

/* To the program's log (cloud_set_log()). */
void cloud_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- store.c: the worker's side of the tables ---- */

/* An outbox message on its way. */
struct outbox_msg {
	int64_t id;
	enum cloud_kind kind;
	char message_id[CLOUD_KEY_MAX + 1];
	int64_t target;		/* diag_result: the request id */
	char *body;
	unsigned int attempts;
};

/* The oldest pending message of @role: 1 (fill @m), 0 (none), -1. */
int store_head(sqlite3 *db, enum cloud_role role, struct outbox_msg *m,
	       char *err, size_t errlen);
void store_msg_free(struct outbox_msg *m);
int store_attempt_failed(sqlite3 *db, int64_t id, uint64_t next_ms,
			 const char *error, char *err, size_t errlen);
int store_rejected(sqlite3 *db, int64_t id, long http_status,
		   const char *error, char *err, size_t errlen);
/*
 * @m was delivered (@http_status, the answer @answer, or NULL and why in
 * @bad): mark it and keep what the answer carries (a snapshot, a
 * verdict), in one transaction. Sets CLOUD_EV_* in @events. @note: why
 * the answer was not used (the message is delivered all the same), or "".
 */
int store_delivered(sqlite3 *db, const struct outbox_msg *m, long http_status,
		    json_object *answer, const char *bad, unsigned int *events,
		    char *note, size_t notelen, char *err, size_t errlen);
/* A configuration snapshot (cloud_schema_snapshot, validated). */
int store_snapshot(sqlite3 *db, json_object *snap, unsigned int *events,
		   char *err, size_t errlen);
/* Open diagnosis requests (cloud_schema_diag_list, validated). */
int store_diag_fetched(sqlite3 *db, json_object *list, unsigned int *events,
		       char *err, size_t errlen);
/* Old delivered messages and answered requests. */
int store_prune(sqlite3 *db, char *err, size_t errlen);
/* Whether the cloud tables are there, at this version. */
int store_check_version(sqlite3 *db, char *err, size_t errlen);

/* ---- http.c ---- */

struct http;

struct http_resp {
	long status;		/* 0: no HTTP answer */
	char *body;		/* NUL-terminated */
	size_t len;
	char error[1024];	/* why there is no answer */
};

struct http *http_new(const struct cloud_conf *conf, atomic_bool *stop,
		      char *err, size_t errlen);
void http_free(struct http *h);
/*
 * @method @url with @body (NULL: none) and Idempotency-Key @key (NULL:
 * none). Returns 0 with an answer in @resp, or -1 (transport, TLS, too
 * large, stopped) with the reason in resp->error.
 */
int http_do(struct http *h, const char *method, const char *url,
	    const char *key, const char *body, struct http_resp *resp);
void http_resp_free(struct http_resp *resp);

#endif /* I62608_CLOUD_PRIV_H */
