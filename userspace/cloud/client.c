// SPDX-License-Identifier: GPL-2.0
/*
 * The cloud client's worker (cloud.h): one thread, its own SQLite
 * connection and libcurl handle. It delivers each role's outbox in order,
 * backing off (capped exponential, with jitter) while a role's server
 * cannot be reached, polls the diagnosis server and the service server,
 * and tells the daemon through an eventfd what it stored.
 *
 * What makes a failure the link's and what the message's (docs/cloud-api.md,
 * "Delivery"): no answer, a 5xx, 408, 429, and the errors that say the
 * gateway itself is not let in (unauthenticated, forbidden, role_disabled)
 * or that come without the API's JSON error are the link's: the message
 * stays first in line and is tried again later. Any other 4xx is the
 * message's: it is marked rejected, with the server's reason, and the
 * next one goes.
 *
 * What it has to say goes through cloud_log(): to the function the
 * program gave cloud_set_log() (i62608d's log), or to standard error.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/random.h>

#include <curl/curl.h>

#include "cloud_priv.h"
#include "schema.h"
#include "sqldb.h"

/* Messages delivered in a row before the worker looks at the rest. */
#define BURST		32
#define PRUNE_EVERY_MS	(3600 * 1000)

struct role_state {
	bool on;
	unsigned int failures;
	uint64_t retry_at;	/* monotonic ms: the next delivery try */
	/* What cloud_status() shows, under the lock. */
	enum cloud_link link;
	uint64_t last_ok_ms, last_error_ms, next_attempt_ms;
	uint64_t bad_answers;
	char last_error[256];
};

struct cloud {
	struct cloud_conf conf;
	sqlite3 *db;
	struct http *http;
	pthread_t thread;
	int kick_fd, event_fd;
	atomic_bool stop;
	atomic_uint events;
	pthread_mutex_t lock;
	struct role_state role[CLOUD_ROLE_COUNT];
	uint64_t next_poll, next_quality, next_prune;	/* monotonic ms */
	uint64_t rnd;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static cloud_log_fn _Atomic log_fn;

void cloud_set_log(cloud_log_fn fn)
{
	atomic_store(&log_fn, fn);
}

void cloud_log(int level, const char *fmt, ...)
{
	cloud_log_fn fn = atomic_load(&log_fn);
	char msg[1024];
	va_list ap;

	if (!fn && level >= LOG_DEBUG)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fn)
		fn(level, msg);
	else
		fprintf(stderr, "%s: cloud: %s\n", program_invocation_short_name, msg);
}

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void post_events(struct cloud *c, unsigned int ev)
{
	uint64_t one = 1;

	if (!ev)
		return;
	atomic_fetch_or(&c->events, ev);
	if (write(c->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		cloud_log(LOG_ERR, "eventfd: %s", strerror(errno));
}

/* xorshift64*, seeded from getrandom: for jitter only. */
static uint64_t rnd(struct cloud *c)
{
	c->rnd ^= c->rnd >> 12;
	c->rnd ^= c->rnd << 25;
	c->rnd ^= c->rnd >> 27;
	return c->rnd * 2685821657736338717ULL;
}

/* ------------------------------------------------------------------ */
/* Link state                                                          */
/* ------------------------------------------------------------------ */

static void link_ok(struct cloud *c, enum cloud_role r)
{
	struct role_state *s = &c->role[r];

	if (s->link == CLOUD_LINK_DOWN)
		cloud_log(LOG_INFO, "%s: the server answers again", cloud_role_name(r));
	pthread_mutex_lock(&c->lock);
	s->link = CLOUD_LINK_UP;
	s->last_ok_ms = cloud_now_ms();
	s->failures = 0;
	s->next_attempt_ms = 0;
	pthread_mutex_unlock(&c->lock);
	s->retry_at = 0;
}

/*
 * An error to show, with the link's state after it (down: no answer or a
 * failing server; up: an answer that refused or was not valid). @backoff:
 * the outbox of the role waits before its next try. Logged as a warning,
 * or at debug level when it repeats the last one (a server away for an
 * hour is said once, not at every try).
 */
static void link_error(struct cloud *c, enum cloud_role r, enum cloud_link link,
		       bool backoff, const char *msg)
{
	struct role_state *s = &c->role[r];
	bool again = s->link == link && !strcmp(s->last_error, msg);
	uint64_t delay = 0;

	if (backoff) {
		unsigned int shift = s->failures < 20 ? s->failures : 20;

		delay = (uint64_t)c->conf.backoff_min_ms << shift;
		if (delay > c->conf.backoff_max_ms)
			delay = c->conf.backoff_max_ms;
		/* Equal jitter: half fixed, half random. */
		delay = delay / 2 + rnd(c) % (delay / 2 + 1);
		s->retry_at = mono_ms() + delay;
	}
	pthread_mutex_lock(&c->lock);
	s->link = link;
	if (backoff) {
		s->failures++;
		s->next_attempt_ms = cloud_now_ms() + delay;
	}
	s->last_error_ms = cloud_now_ms();
	snprintf(s->last_error, sizeof(s->last_error), "%s", msg);
	pthread_mutex_unlock(&c->lock);
	cloud_log(again ? LOG_DEBUG : LOG_WARNING, "%s: %s", cloud_role_name(r), msg);
}

/* An answer whose body could not be used: counted, for cloud_status(). */
static void bad_answer(struct cloud *c, enum cloud_role r)
{
	pthread_mutex_lock(&c->lock);
	c->role[r].bad_answers++;
	pthread_mutex_unlock(&c->lock);
}

/* ------------------------------------------------------------------ */
/* Exchanges                                                           */
/* ------------------------------------------------------------------ */

static const char *const kind_paths[CLOUD_KIND_COUNT] = {
	[CLOUD_KIND_REGISTER] = "registration",
	[CLOUD_KIND_BACKUP] = "backups",
	[CLOUD_KIND_QUALITY] = "reports",
	[CLOUD_KIND_FAILURE] = "failures",
	[CLOUD_KIND_DIAG_RESULT] = "requests",
};

static void url_of(const struct cloud *c, const struct outbox_msg *m,
		   char *buf, size_t len)
{
	enum cloud_role r = cloud_kind_role(m->kind);

	if (m->kind == CLOUD_KIND_DIAG_RESULT)
		snprintf(buf, len, "%s/v1/%s/gateways/%s/requests/%lld/result",
			 c->conf.url[r], cloud_role_name(r), c->conf.gateway_id,
			 (long long)m->target);
	else
		snprintf(buf, len, "%s/v1/%s/gateways/%s/%s", c->conf.url[r],
			 cloud_role_name(r), c->conf.gateway_id, kind_paths[m->kind]);
}

enum verdict {
	ANSWER_OK,		/* 2xx */
	ANSWER_LINK,		/* the link's failure: try again later */
	ANSWER_MESSAGE,		/* the message's failure: give it up */
};

/*
 * What an answer means, and in @why the server's reason if it failed
 * (@bad: why its body is not JSON, or ""). An error without the API's
 * JSON error is a bad answer: counted.
 */
static enum verdict judge(struct cloud *c, enum cloud_role r,
			  const struct http_resp *resp, json_object *o,
			  const char *bad, char *why, size_t len)
{
	const char *code = NULL, *msg = NULL;
	json_object *e;
	char invalid[160] = "";

	if (resp->status >= 200 && resp->status < 300)
		return ANSWER_OK;
	if (o && !cj_validate(o, &cloud_schema_error, invalid, sizeof(invalid))) {
		e = cj_get(o, "error");
		code = cj_str(e, "code");
		msg = cj_str(e, "message");
	}
	if (!code) {
		bad_answer(c, r);
		snprintf(why, len, "HTTP %ld (no API error in the answer%s%.160s)",
			 resp->status, bad[0] || invalid[0] ? ": " : "",
			 bad[0] ? bad : invalid);
	} else {
		snprintf(why, len, "HTTP %ld %s%s%.200s", resp->status, code,
			 msg ? ": " : "", msg ? msg : "");
	}
	if (resp->status >= 500 || resp->status == 408 || resp->status == 429 ||
	    resp->status < 400 || !code)
		return ANSWER_LINK;
	if (!strcmp(code, "unauthenticated") || !strcmp(code, "forbidden") ||
	    !strcmp(code, "role_disabled"))
		return ANSWER_LINK;
	return ANSWER_MESSAGE;
}

/* The answer's body, or NULL with why in @bad (a body is not required). */
static json_object *parse_answer(const struct http_resp *resp, char *bad,
				 size_t len)
{
	json_object *o = NULL;

	bad[0] = '\0';
	if (!resp->len)
		snprintf(bad, len, "no body");
	else
		o = cj_parse(resp->body, resp->len, bad, len);
	return o;
}

/* Deliver @r's messages while it goes well. */
static void deliver(struct cloud *c, enum cloud_role r)
{
	char url[CLOUD_URL_MAX + 160], err[1024], why[256], note[512], bad[256];
	struct outbox_msg m;
	struct http_resp resp;
	unsigned int ev, n;
	json_object *o;
	int rc;

	for (n = 0; n < BURST && !atomic_load(&c->stop); n++) {
		rc = store_head(c->db, r, &m, err, sizeof(err));
		if (rc <= 0) {
			if (rc < 0)
				link_error(c, r, c->role[r].link, true, err);
			return;
		}
		url_of(c, &m, url, sizeof(url));
		if (http_do(c->http, "POST", url, m.message_id, m.body, &resp)) {
			if (atomic_load(&c->stop)) {
				store_msg_free(&m);
				return;
			}
			link_error(c, r, CLOUD_LINK_DOWN, true, resp.error);
			if (store_attempt_failed(c->db, m.id, cloud_now_ms() +
						 (c->role[r].retry_at - mono_ms()),
						 resp.error, err, sizeof(err)))
				cloud_log(LOG_ERR, "%s", err);
			store_msg_free(&m);
			return;
		}
		o = parse_answer(&resp, bad, sizeof(bad));
		ev = 0;
		switch (judge(c, r, &resp, o, bad, why, sizeof(why))) {
		case ANSWER_OK:
			if (store_delivered(c->db, &m, resp.status, o, bad, &ev, note,
					    sizeof(note), err, sizeof(err))) {
				/* Sent again later: the server replays its answer. */
				link_error(c, r, CLOUD_LINK_UP, true, err);
				n = BURST;
				break;
			}
			link_ok(c, r);
			cloud_log(LOG_DEBUG, "%s: %s message %lld delivered (HTTP %ld)",
				  cloud_role_name(r), cloud_kind_name(m.kind),
				  (long long)m.id, resp.status);
			if (note[0]) {
				bad_answer(c, r);
				link_error(c, r, CLOUD_LINK_UP, false, note);
			}
			post_events(c, ev);
			break;
		case ANSWER_LINK:
			snprintf(err, sizeof(err), "%s: %s", url, why);
			link_error(c, r, resp.status >= 500 || resp.status == 408 ||
				   resp.status == 429 ? CLOUD_LINK_DOWN : CLOUD_LINK_UP,
				   true, err);
			if (store_attempt_failed(c->db, m.id, cloud_now_ms() +
						 (c->role[r].retry_at - mono_ms()),
						 err, why, sizeof(why)))
				cloud_log(LOG_ERR, "%s", why);
			n = BURST;
			break;
		case ANSWER_MESSAGE:
			snprintf(err, sizeof(err), "%s message %lld refused: %s",
				 cloud_kind_name(m.kind), (long long)m.id, why);
			link_error(c, r, CLOUD_LINK_UP, false, err);
			if (store_rejected(c->db, m.id, resp.status, why, note,
					   sizeof(note)))
				cloud_log(LOG_ERR, "%s", note);
			post_events(c, CLOUD_EV_REJECTED);
			break;
		}
		json_object_put(o);
		http_resp_free(&resp);
		store_msg_free(&m);
	}
}

/* GET @path of role @r; store the answer with @fn. */
static void poll_one(struct cloud *c, enum cloud_role r, const char *path,
		     const struct cj_schema *schema,
		     int (*fn)(sqlite3 *, json_object *, unsigned int *, char *, size_t))
{
	char url[CLOUD_URL_MAX + 160], err[1024], why[256], bad[256];
	struct http_resp resp;
	unsigned int ev = 0;
	json_object *o;

	snprintf(url, sizeof(url), "%s/v1/%s/gateways/%s/%s", c->conf.url[r],
		 cloud_role_name(r), c->conf.gateway_id, path);
	if (http_do(c->http, "GET", url, NULL, NULL, &resp)) {
		if (!atomic_load(&c->stop))
			link_error(c, r, CLOUD_LINK_DOWN, false, resp.error);
		return;
	}
	o = parse_answer(&resp, bad, sizeof(bad));
	if (judge(c, r, &resp, o, bad, why, sizeof(why)) != ANSWER_OK) {
		snprintf(err, sizeof(err), "%s: %s", url, why);
		link_error(c, r, resp.status >= 500 ? CLOUD_LINK_DOWN : CLOUD_LINK_UP,
			   false, err);
	} else if (!o || cj_validate(o, schema, why, sizeof(why))) {
		/* Not kept: the next poll asks again. */
		bad_answer(c, r);
		snprintf(err, sizeof(err), "%s: the answer is not valid: %s", url,
			 o ? why : bad);
		link_error(c, r, CLOUD_LINK_UP, false, err);
	} else if (fn(c->db, o, &ev, err, sizeof(err))) {
		link_error(c, r, CLOUD_LINK_UP, false, err);
	} else {
		/* The server is back: what waits for it need not wait more. */
		link_ok(c, r);
		post_events(c, ev);
	}
	json_object_put(o);
	http_resp_free(&resp);
}

/* ------------------------------------------------------------------ */
/* The thread                                                          */
/* ------------------------------------------------------------------ */

static bool has_pending(struct cloud *c, enum cloud_role r)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM cloud_outbox WHERE role = ?1"
			       " AND state = 'pending' LIMIT 1", -1, &st, NULL))
		return false;
	sqlite3_bind_text(st, 1, cloud_role_name(r), -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

static void *worker(void *arg)
{
	struct cloud *c = arg;
	char err[512];
	uint64_t now, wake, v;
	int r;

	while (!atomic_load(&c->stop)) {
		now = mono_ms();
		wake = now + 3600 * 1000;
		for (r = 0; r < CLOUD_ROLE_COUNT; r++) {
			struct role_state *s = &c->role[r];

			if (!s->on || !has_pending(c, (enum cloud_role)r))
				continue;
			if (s->retry_at <= now) {
				deliver(c, (enum cloud_role)r);
				now = mono_ms();
				/* More left after a burst: go on at once. */
				if (s->retry_at <= now && has_pending(c, (enum cloud_role)r))
					wake = now;
			}
			if (s->retry_at > now && s->retry_at < wake)
				wake = s->retry_at;
		}
		if (c->conf.poll_period_ms && c->next_poll <= now) {
			if (c->role[CLOUD_ROLE_DIAGNOSIS].on)
				poll_one(c, CLOUD_ROLE_DIAGNOSIS, "requests?state=open",
					 &cloud_schema_diag_list, store_diag_fetched);
			if (c->role[CLOUD_ROLE_SERVICE].on && !atomic_load(&c->stop))
				poll_one(c, CLOUD_ROLE_SERVICE, "overrides",
					 &cloud_schema_snapshot, store_snapshot);
			now = mono_ms();
			c->next_poll = now + c->conf.poll_period_ms;
		}
		if (c->conf.poll_period_ms && c->next_poll < wake)
			wake = c->next_poll;
		if (c->conf.quality_period_ms && c->role[CLOUD_ROLE_QUALITY].on) {
			if (c->next_quality <= now) {
				post_events(c, CLOUD_EV_QUALITY_DUE);
				c->next_quality = now + c->conf.quality_period_ms;
			}
			if (c->next_quality < wake)
				wake = c->next_quality;
		}
		if (c->next_prune <= now) {
			if (store_prune(c->db, err, sizeof(err)))
				cloud_log(LOG_ERR, "%s", err);
			c->next_prune = now + PRUNE_EVERY_MS;
		}
		if (atomic_load(&c->stop))
			break;
		now = mono_ms();
		if (wake > now) {
			struct pollfd p = { .fd = c->kick_fd, .events = POLLIN };
			uint64_t ms = wake - now;

			if (poll(&p, 1, ms > 60000 ? 60000 : (int)ms) > 0 &&
			    read(c->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				cloud_log(LOG_ERR, "kick: %s", strerror(errno));
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The daemon's side                                                   */
/* ------------------------------------------------------------------ */

struct cloud *cloud_start(const struct cloud_conf *conf, const char *db_path,
			  char *err, size_t errlen)
{
	struct cloud *c;
	int r, rc;

	if (cloud_conf_check(conf, err, errlen))
		return NULL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s", curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->conf = *conf;
	c->kick_fd = c->event_fd = -1;
	pthread_mutex_init(&c->lock, NULL);
	if (getrandom(&c->rnd, sizeof(c->rnd), 0) != sizeof(c->rnd) || !c->rnd)
		c->rnd = (uint64_t)mono_ms() | 1;
	for (r = 0; r < CLOUD_ROLE_COUNT; r++) {
		c->role[r].on = c->conf.url[r][0] != '\0';
		c->role[r].link = c->role[r].on ? CLOUD_LINK_NEVER : CLOUD_LINK_OFF;
	}
	c->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->kick_fd < 0 || c->event_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	c->db = sqldb_open(db_path, err, errlen);
	if (!c->db || store_check_version(c->db, err, errlen))
		goto fail;
	c->http = http_new(&c->conf, &c->stop, err, errlen);
	if (!c->http)
		goto fail;
	/* The first quality report is due one period after start. */
	c->next_quality = mono_ms() + c->conf.quality_period_ms;
	rc = pthread_create(&c->thread, NULL, worker, c);
	if (rc) {
		snprintf(err, errlen, "cannot start the cloud thread: %s", strerror(rc));
		goto fail;
	}
	return c;
fail:
	http_free(c->http);
	sqldb_close(c->db);
	if (c->kick_fd >= 0)
		close(c->kick_fd);
	if (c->event_fd >= 0)
		close(c->event_fd);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return NULL;
}

void cloud_kick(struct cloud *c)
{
	uint64_t one = 1;

	if (c && write(c->kick_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		cloud_log(LOG_ERR, "kick: %s", strerror(errno));
}

void cloud_stop(struct cloud *c)
{
	if (!c)
		return;
	atomic_store(&c->stop, true);
	cloud_kick(c);
	pthread_join(c->thread, NULL);
	http_free(c->http);
	sqldb_close(c->db);
	close(c->kick_fd);
	close(c->event_fd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int cloud_event_fd(const struct cloud *c)
{
	return c->event_fd;
}

unsigned int cloud_events(struct cloud *c)
{
	uint64_t v;

	if (read(c->event_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		cloud_log(LOG_ERR, "eventfd: %s", strerror(errno));
	return atomic_exchange(&c->events, 0);
}

int cloud_status(struct cloud *c, sqlite3 *db, struct cloud_status *st,
		 char *err, size_t errlen)
{
	sqlite3_stmt *q;
	bool any_up = false, any_down = false;
	int r, rc;

	memset(st, 0, sizeof(*st));
	for (r = 0; r < CLOUD_ROLE_COUNT; r++) {
		struct cloud_role_status *rs = &st->role[r];

		rs->link = CLOUD_LINK_OFF;
		if (!c || !c->role[r].on)
			continue;
		pthread_mutex_lock(&c->lock);
		rs->link = c->role[r].link;
		rs->last_ok_ms = c->role[r].last_ok_ms;
		rs->last_error_ms = c->role[r].last_error_ms;
		rs->next_attempt_ms = c->role[r].link == CLOUD_LINK_DOWN ?
				      c->role[r].next_attempt_ms : 0;
		rs->failures = c->role[r].failures;
		rs->bad_answers = c->role[r].bad_answers;
		memcpy(rs->last_error, c->role[r].last_error, sizeof(rs->last_error));
		pthread_mutex_unlock(&c->lock);
		st->bad_answers += rs->bad_answers;
		any_up |= rs->link == CLOUD_LINK_UP;
		any_down |= rs->link == CLOUD_LINK_DOWN;
		if (rs->last_error_ms > st->last_error_ms) {
			st->last_error_ms = rs->last_error_ms;
			memcpy(st->last_error, rs->last_error, sizeof(st->last_error));
		}
	}
	st->link = !c ? CLOUD_LINK_OFF : any_down ? CLOUD_LINK_DOWN :
		   any_up ? CLOUD_LINK_UP : CLOUD_LINK_NEVER;
	if (sqlite3_prepare_v2(db, "SELECT role, state, count(*) FROM cloud_outbox"
			       " GROUP BY role, state", -1, &q, NULL)) {
		snprintf(err, errlen, "cloud_outbox: %s", sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(q, 1);
		uint64_t n = (uint64_t)sqlite3_column_int64(q, 2);

		r = cloud_role_parse((const char *)sqlite3_column_text(q, 0));
		if (r < 0)
			continue;
		if (!strcmp(state, "pending")) {
			st->role[r].pending = n;
			st->pending += n;
		} else if (!strcmp(state, "rejected")) {
			st->role[r].rejected = n;
			st->rejected += n;
		} else {
			st->delivered += n;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "cloud_outbox: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
