/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608-cloudd, the reference cloud servers of IEC 62608 (service,
 * quality check, service failure information, diagnosis) behind one HTTPS
 * listener (docs/cloud-api.md).
 *
 * One libmicrohttpd thread runs every request to its end, one after the
 * other, on one SQLite connection: a request's reads and writes are one
 * transaction, and no lock is needed.
 */
#ifndef I62608_CLOUDD_H
#define I62608_CLOUDD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "api.h"
#include "cjson.h"

struct MHD_Daemon;
struct MHD_Connection;

struct cloudd {
	sqlite3 *db;
	struct MHD_Daemon *mhd;
	bool roles[CLOUD_ROLE_COUNT];
	size_t max_body;	/* every body but a backup's */
	size_t max_backup;	/* a backup's decoded data */
	bool quiet;		/* no line per request */
	uint64_t last_prune_ms;
};

/* Who a verified client certificate says the client is. */
enum peer_kind {
	PEER_GATEWAY = 1,	/* OU=gateway, CN=the gateway id */
	PEER_OPERATOR = 2,	/* OU=operator */
};

struct peer {
	enum peer_kind kind;
	char name[CLOUD_GATEWAY_ID_MAX + 1];	/* the CN */
};

#define REQ_MAX_SEGS	8

struct route;

/* One request, from its headers to its answer. */
struct req {
	struct cloudd *d;
	struct MHD_Connection *conn;
	const struct route *route;
	char method[8];
	char path[256];
	char segbuf[256];
	const char *seg[REQ_MAX_SEGS];
	unsigned int n_seg;
	struct peer peer;
	/* The body, at most @limit bytes, and what we made of it. */
	char *body;
	size_t len, alloc, limit, seen;
	bool too_large;
	json_object *json;
	char key[CLOUD_KEY_MAX + 1];	/* Idempotency-Key, or "" */
	/* The answer. */
	bool answered;
	unsigned int status;
	char code[32];
	uint64_t t0_ms;
};

/* Who may call a route. */
#define WHO_GATEWAY	0x1
#define WHO_OPERATOR	0x2
#define WHO_ANY		(WHO_GATEWAY | WHO_OPERATOR)

/* A handler sets the answer (reply_json/reply_error) and returns 0, or -1 on a database error. */
typedef int (*route_fn)(struct req *r);

struct route {
	const char *method;
	int role;			/* enum cloud_role, or -1 (health) */
	/*
	 * The path after /v1/<role>/, segments separated by '/': a literal,
	 * or {gw} (a gateway id), {mac}, {id} (a positive integer), {type}
	 * (a device type).
	 */
	const char *pattern;
	unsigned int who;
	const struct cj_schema *schema;	/* the body's, or NULL: no body */
	const char *const *query;	/* query parameters taken, NULL-ended */
	route_fn fn;
};

extern const struct route cloudd_routes[];
extern const unsigned int cloudd_n_routes;

/* http.c: the listener. */
int cloudd_http_start(struct cloudd *d, const char *listen, const char *cert,
		      const char *key, const char *client_ca,
		      unsigned int max_conns, unsigned int timeout_s,
		      char *err, size_t errlen);
unsigned int cloudd_http_port(struct cloudd *d);
void cloudd_http_stop(struct cloudd *d);

/* Answers. reply_json takes @o. */
void reply_json(struct req *r, unsigned int status, json_object *o);
void reply_error(struct req *r, unsigned int status, const char *code,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* 500, with sqlite's message in the log. */
int reply_db_error(struct req *r, const char *what);

/* The values of a route's captures, in order of the pattern. */
const char *req_capture(const struct req *r, unsigned int i);
int64_t req_capture_id(const struct req *r, unsigned int i);
/* A query parameter or NULL. */
const char *req_query(const struct req *r, const char *name);
/* ?limit= (1 to @max, default @dflt) and ?after_id=; -1 answered 400. */
int req_paging(struct req *r, int64_t dflt, int64_t max, int64_t *limit,
	       int64_t *after);
/* Whether the peer may see gateway @gw's data (the operator, or @gw). */
bool req_is_operator(const struct req *r);

/* db.c: the store. */
int cloudd_db_open(struct cloudd *d, const char *path, char *err,
		   size_t errlen);
void cloudd_db_close(struct cloudd *d);
/* Drop what is past its retention; called now and then. */
void cloudd_db_prune(struct cloudd *d);
uint64_t now_ms(void);

sqlite3_stmt *db_prep(struct req *r, const char *sql);
/* Bind helpers: NULL @s binds NULL. */
void db_text(sqlite3_stmt *st, int i, const char *s);
/* The column as a JSON member of @o; NULL columns are left out. */
void db_json_text(json_object *o, const char *key, sqlite3_stmt *st, int col);
void db_json_int(json_object *o, const char *key, sqlite3_stmt *st, int col);
/* A column holding JSON text, parsed back (left out if NULL). */
void db_json_raw(json_object *o, const char *key, sqlite3_stmt *st, int col);
/* Step a statement that returns no row; finalizes it. 0 or -1. */
int db_done(struct req *r, sqlite3_stmt *st, const char *what);
/* The gateway's row, created on first contact. */
int db_touch_gateway(struct req *r, const char *gw);

/* The role handlers' helpers shared across files. */
json_object *service_snapshot(struct req *r, const char *gw);

/* Handlers (service.c, quality.c, failure.c, diagnosis.c). */
int h_health(struct req *r);
int h_register(struct req *r);
int h_overrides_get(struct req *r);
int h_override_put(struct req *r);
int h_override_delete(struct req *r);
int h_templates_get(struct req *r);
int h_template_put(struct req *r);
int h_template_delete(struct req *r);
int h_gateways_list(struct req *r);
int h_gateway_get(struct req *r);
int h_backup_post(struct req *r);
int h_backups_list(struct req *r);
int h_backup_get(struct req *r);
int h_quality_post(struct req *r);
int h_quality_list(struct req *r);
int h_failure_post(struct req *r);
int h_failures_of_gateway(struct req *r);
int h_failures_list(struct req *r);
int h_failure_get(struct req *r);
int h_diag_create(struct req *r);
int h_diag_list(struct req *r);
int h_diag_get(struct req *r);
int h_diag_result(struct req *r);

#endif /* I62608_CLOUDD_H */
