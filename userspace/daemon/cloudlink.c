// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the cloud client (userspace/cloud/cloud.h) in the daemon
 * (docs/i62608d.md, THE CLOUD).
 *
 * The policy's cloud_* statements configure it; cloudlink_apply() starts
 * its worker thread on the daemon's database, and restarts it when a
 * reload changed them. What the daemon tells the servers is queued with
 * cloud_enqueue() inside the transaction that records what happened (a
 * device and its registration, a refusal and its failure report), so both
 * commit or neither does; cloud_kick() follows the commit
 * (cloudlink_flush()). What the servers send back (overrides, diagnosis
 * requests, verdicts, the quality report's turn) arrives through
 * cloud_event_fd() in the daemon's poll(). What the client logs, on its
 * worker's thread too, goes to the daemon's log with its level
 * (client_log()).
 *
 * Everything sent is checked by cloud_enqueue() against the schema the
 * server applies. Strings that come from devices (a REPORT's vendor,
 * model, ...) are hostile input: cloudlink_str() makes them valid UTF-8
 * without control characters, so that a device cannot make its own
 * registration, or a failure report about it, unsendable.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "daemon.h"
#include "log.h"
#include "report.h"

/* The meta key of the gateway's registration. */
#define META_GATEWAY "cloud_gateway"

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at @s (1-4), or 0 (RFC 3629). */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n, k;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 3;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (k = 1; k <= n; k++) {
		if (k >= len || (s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

json_object *cloudlink_str(const char *s, size_t max)
{
	size_t len = strlen(s), i = 0, o = 0;
	char *buf = malloc(max + 1);
	json_object *j;

	if (!buf)
		return NULL;
	while (i < len) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);
		unsigned char c = (unsigned char)s[i];

		if (n == 1 && (c < 0x20 || c == 0x7f))
			n = 0;
		if (o + (n ? n : 1) > max)
			break;
		if (n) {
			memcpy(buf + o, s + i, n);
			o += n;
			i += n;
		} else {
			/* A byte that is not text: shown, not sent as is. */
			buf[o++] = '?';
			i++;
		}
	}
	buf[o] = 0;
	j = json_object_new_string(buf);
	free(buf);
	return j;
}

static void put(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

/* @key: @s when it is not empty. */
static void put_text(json_object *o, const char *key, const char *s, size_t max)
{
	if (s && *s)
		put(o, key, cloudlink_str(s, max));
}

static const char *json_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ------------------------------------------------------------------ */
/* The outbox                                                          */
/* ------------------------------------------------------------------ */

bool cloudlink_role(const struct daemon *d, enum cloud_role role)
{
	return d->cloud.on && role < CLOUD_ROLE_COUNT &&
		d->cloud.conf.url[role][0];
}

/* 1 queued, 0 its role has no server, -1 refused (logged). */
static int enqueue(struct daemon *d, enum cloud_kind kind, json_object *body)
{
	struct cloudlink *cl = &d->cloud;
	char err[512];
	int64_t id;

	if (!body) {
		cl->enqueue_errors++;
		log_err("cloud: out of memory: a %s message is lost", cloud_kind_name(kind));
		return -1;
	}
	if (!cloudlink_role(d, cloud_kind_role(kind))) {
		json_object_put(body);
		return 0;
	}
	id = cloud_enqueue(db_sqlite(d->db), kind, json_text(body), err, sizeof(err));
	json_object_put(body);
	if (id < 0) {
		/* The outbox is full, or a bug made a body the schema refuses. */
		cl->enqueue_errors++;
		log_warn("cloud: a %s message is not queued: %s", cloud_kind_name(kind), err);
		return -1;
	}
	cl->enqueued++;
	cl->kick = true;
	log_debug("cloud: %s message %lld queued", cloud_kind_name(kind), (long long)id);
	return 1;
}

void cloudlink_enqueue(struct daemon *d, enum cloud_kind kind, json_object *body)
{
	enqueue(d, kind, body);
}

void cloudlink_flush(struct daemon *d)
{
	if (!d->cloud.kick)
		return;
	d->cloud.kick = false;
	cloud_kick(d->cloud.c);
}

void cloudlink_failure(struct daemon *d, const char *kind, const char *mac,
		       int64_t now, json_object *extra, const char *fmt, ...)
{
	json_object *o;
	char detail[1024];
	va_list ap;

	if (!cloudlink_role(d, CLOUD_ROLE_FAILURE)) {
		json_object_put(extra);
		return;
	}
	o = json_object_new_object();
	if (!o) {
		json_object_put(extra);
		enqueue(d, CLOUD_KIND_FAILURE, NULL);
		return;
	}
	put(o, "kind", json_object_new_string(kind));
	put(o, "occurred_at_ms", json_object_new_int64(now));
	if (mac)
		put(o, "mac", json_object_new_string(mac));
	if (extra) {
		json_object_object_foreach(extra, key, val)
			put(o, key, json_object_get(val));
		json_object_put(extra);
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	put_text(o, "detail", detail, 1024);
	enqueue(d, CLOUD_KIND_FAILURE, o);
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static json_object *gateway_json(const struct cloudlink *cl)
{
	json_object *g = json_object_new_object();

	if (!g)
		return NULL;
	put(g, "vendor", json_object_new_string(cl->ident.vendor));
	put(g, "model", json_object_new_string(cl->ident.model));
	put_text(g, "serial", cl->ident.serial, 64);
	put_text(g, "firmware", cl->ident.firmware, 64);
	return g;
}

/* The device as a registration lists it. */
static json_object *device_json(const char *mac, const struct i62608_report *r)
{
	json_object *o = json_object_new_object();
	const char *type = i62608_device_type_name(r->device_type);
	char num[8];

	if (!o)
		return NULL;
	if (!type) {
		/* A type newer than this daemon: its number. */
		snprintf(num, sizeof(num), "%u", r->device_type);
		type = num;
	}
	put(o, "mac", json_object_new_string(mac));
	put(o, "type", json_object_new_string(type));
	put_text(o, "vendor", r->vendor, 64);
	put_text(o, "model", r->model, 64);
	put_text(o, "serial", r->serial, 64);
	put_text(o, "firmware", r->firmware, 64);
	put_text(o, "name", r->name, 64);
	return o;
}

static json_object *registration(struct cloudlink *cl, json_object *devices,
				 int64_t now)
{
	json_object *o = json_object_new_object();

	if (!o) {
		json_object_put(devices);
		return NULL;
	}
	put(o, "gateway", gateway_json(cl));
	put(o, "devices", devices);
	put(o, "sent_at_ms", json_object_new_int64(now));
	return o;
}

int cloudlink_register(struct daemon *d, const char *mac,
		       const struct i62608_report *r, int64_t now)
{
	json_object *dev, *arr;
	char was[1024];
	bool first;
	char *text;
	int ret;

	if (!cloudlink_role(d, CLOUD_ROLE_SERVICE))
		return 0;
	dev = device_json(mac, r);
	arr = json_object_new_array();
	if (!dev || !arr) {
		json_object_put(dev);
		json_object_put(arr);
		return -ENOMEM;
	}
	text = strdup(json_text(dev));
	if (!text) {
		json_object_put(dev);
		json_object_put(arr);
		return -ENOMEM;
	}
	ret = db_registered_get(d->db, mac, was, sizeof(was));
	if (ret && ret != -ENOENT)
		goto out;
	if (!ret && !strcmp(was, text)) {
		json_object_put(dev);
		json_object_put(arr);
		goto out;
	}
	first = ret == -ENOENT;
	json_object_array_add(arr, dev);
	/* Registered: recorded so in the same transaction. */
	ret = enqueue(d, CLOUD_KIND_REGISTER, registration(&d->cloud, arr, now));
	if (ret > 0) {
		log_info("%s: registration queued for the service server (%s)",
			 mac, first ? "new" : "changed");
		ret = db_registered_set(d->db, mac, text);
	} else {
		/* Not queued: tried again at its next REPORT. */
		ret = 0;
	}
out:
	free(text);
	return ret;
}

struct reg_all {
	struct daemon *d;
	int64_t now;
	json_object *devs;
	char (*macs)[18];
	char **texts;
	size_t n;
	unsigned int sent;
};

/* Queue what @ra collected: one registration, its devices recorded. */
static int reg_flush(struct reg_all *ra)
{
	size_t i;
	int queued, ret = 0;

	queued = enqueue(ra->d, CLOUD_KIND_REGISTER,
			 registration(&ra->d->cloud, ra->devs, ra->now));
	ra->devs = NULL;
	/* Not queued (the outbox is full): tried again at the next start. */
	for (i = 0; i < ra->n; i++) {
		if (queued > 0 && !ret)
			ret = db_registered_set(ra->d->db, ra->macs[i], ra->texts[i]);
		free(ra->texts[i]);
	}
	ra->sent += queued > 0;
	ra->n = 0;
	return ret;
}

static int reg_one(void *arg, const char *mac)
{
	struct reg_all *ra = arg;
	struct i62608_report *r = malloc(sizeof(*r));
	uint8_t body[DB_BLOB_MAX];
	json_object *dev;
	char was[1024], *text;
	size_t len = 0;
	int ret;

	if (!r)
		return -ENOMEM;
	ret = db_report_latest(ra->d->db, mac, DB_REPORT, body, &len, NULL);
	if (ret) {
		free(r);
		/* Not reported yet: registered with its first REPORT. */
		return ret == -ENOENT ? 0 : ret;
	}
	if (i62608_report_decode(body, len, r)) {
		free(r);
		return 0;
	}
	dev = device_json(mac, r);
	free(r);
	if (!dev)
		return -ENOMEM;
	ret = db_registered_get(ra->d->db, mac, was, sizeof(was));
	if ((ret && ret != -ENOENT) || (!ret && !strcmp(was, json_text(dev)))) {
		json_object_put(dev);
		return ret == -ENOENT ? 0 : ret;
	}
	if (!ra->devs)
		ra->devs = json_object_new_array();
	text = strdup(json_text(dev));
	if (!ra->devs || !text) {
		free(text);
		json_object_put(dev);
		return -ENOMEM;
	}
	ra->texts[ra->n] = text;
	snprintf(ra->macs[ra->n++], 18, "%s", mac);
	json_object_array_add(ra->devs, dev);
	return ra->n == CLOUD_DEVICES_MAX ? reg_flush(ra) : 0;
}

/*
 * The gateway, when what it registers changed (first use, another
 * gateway id or server, a new identity: then every device again), and
 * every device not registered as it is now, 256 a message.
 */
static int register_all(struct daemon *d)
{
	struct reg_all ra = { .d = d, .now = now_ms() };
	char key[1024], was[1024];
	json_object *g;
	bool gw_new;
	int ret;

	g = gateway_json(&d->cloud);
	if (!g)
		return -ENOMEM;
	snprintf(key, sizeof(key), "%s %s %s", d->cloud.conf.gateway_id,
		 d->cloud.conf.url[CLOUD_ROLE_SERVICE], json_text(g));
	json_object_put(g);
	ra.macs = calloc(CLOUD_DEVICES_MAX, sizeof(*ra.macs));
	ra.texts = calloc(CLOUD_DEVICES_MAX, sizeof(*ra.texts));
	if (!ra.macs || !ra.texts) {
		free(ra.macs);
		free(ra.texts);
		return -ENOMEM;
	}
	ret = db_begin(d->db);
	if (ret)
		goto out;
	ret = db_meta_get(d->db, META_GATEWAY, was, sizeof(was));
	if (ret && ret != -ENOENT)
		goto fail;
	gw_new = ret == -ENOENT || strcmp(was, key);
	ret = 0;
	if (gw_new) {
		/* Another account, or another gateway: every device again. */
		ret = db_registered_clear(d->db);
		if (!ret)
			ret = db_meta_put(d->db, META_GATEWAY, key);
	}
	if (!ret)
		ret = db_devices_each(d->db, reg_one, &ra);
	if (!ret && (ra.n || (gw_new && !ra.sent))) {
		if (!ra.devs)
			ra.devs = json_object_new_array();
		ret = ra.devs ? reg_flush(&ra) : -ENOMEM;
	}
	if (ret)
		goto fail;
	ret = db_commit(d->db);
	if (!ret && ra.sent)
		log_info("cloud: %u registrations queued (%s)", ra.sent,
			 gw_new ? "the gateway registers" : "devices not registered yet");
	goto out;
fail:
	db_rollback(d->db);
	log_err("cloud: the registration failed: %s", strerror(-ret));
out:
	json_object_put(ra.devs);
	while (ra.n)
		free(ra.texts[--ra.n]);
	free(ra.macs);
	free(ra.texts);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The worker                                                          */
/* ------------------------------------------------------------------ */

/* The client's messages, from any thread: dlog() is thread-safe. */
static void client_log(int level, const char *msg)
{
	dlog(level, "cloud: %s", msg);
}

static void log_roles(const struct cloudlink *cl)
{
	char roles[4 * (CLOUD_URL_MAX + 16)] = "";
	size_t n = 0;
	int r;

	for (r = 0; r < CLOUD_ROLE_COUNT; r++) {
		if (!cl->conf.url[r][0])
			continue;
		n += (size_t)snprintf(roles + n, sizeof(roles) - n, "%s%s %s",
				      n ? ", " : "", cloud_role_name((enum cloud_role)r),
				      cl->conf.url[r]);
		if (n >= sizeof(roles))
			break;
	}
	log_info("cloud: gateway %s: %s", cl->conf.gateway_id, roles);
}

void cloudlink_apply(struct daemon *d)
{
	struct cloudlink *cl = &d->cloud;
	const struct policy *p = d->policy;
	char err[512];
	bool same;

	same = cl->on == p->has_cloud &&
		!memcmp(&cl->conf, &p->cloud, sizeof(cl->conf)) &&
		!memcmp(&cl->ident, &p->ident, sizeof(cl->ident));
	/* Unchanged and running (or not configured): nothing to do. */
	if (same && (cl->c || !cl->on))
		return;
	if (cl->c) {
		cloud_stop(cl->c);
		cl->c = NULL;
		log_info("cloud: the client stops (%s)", p->has_cloud ?
			 "its settings changed" : "no cloud_* settings any more");
	}
	cl->on = p->has_cloud;
	cl->conf = p->cloud;
	cl->ident = p->ident;
	cl->error[0] = 0;
	if (!cl->on)
		return;
	cloud_set_log(client_log);
	cl->c = cloud_start(&cl->conf, d->db_path, err, sizeof(err));
	if (!cl->c) {
		/* The outbox keeps what is queued meanwhile; tried every tick. */
		snprintf(cl->error, sizeof(cl->error), "%.255s", err);
		if (!same)
			log_warn("cloud: the client cannot start: %s", err);
		return;
	}
	log_roles(cl);
	if (cloudlink_role(d, CLOUD_ROLE_SERVICE))
		register_all(d);
	/*
	 * Requests the daemon that stopped left running are new again; they
	 * run once the module is connected (main()). Once: a reload (even
	 * one a config_reread request makes) has none running.
	 */
	if (!cl->requeued) {
		if (cloud_diag_requeue(db_sqlite(d->db), err, sizeof(err)))
			log_err("cloud: diagnosis requests: %s", err);
		cl->requeued = true;
	}
	cloudlink_flush(d);
	cloud_kick(cl->c);
}

void cloudlink_fini(struct daemon *d)
{
	cloud_stop(d->cloud.c);
	d->cloud.c = NULL;
	quality_free(d->cloud.quality);
	d->cloud.quality = NULL;
}

int cloudlink_fd(const struct daemon *d)
{
	return d->cloud.c ? cloud_event_fd(d->cloud.c) : -1;
}

static void log_verdict(struct daemon *d)
{
	struct cloud_verdict v;
	char err[256];
	int ret = cloud_verdict_get(db_sqlite(d->db), &v, err, sizeof(err));

	if (ret < 0)
		log_err("cloud: the quality verdict cannot be read: %s", err);
	if (ret <= 0)
		return;
	if (!strcmp(v.verdict, "good"))
		log_info("cloud: quality verdict of report %lld: %s (score %d)",
			 (long long)v.report_id, v.verdict, v.score);
	else
		log_notice("cloud: quality verdict of report %lld: %s (score %d): %.300s",
			   (long long)v.report_id, v.verdict, v.score,
			   v.recommendations ? v.recommendations : "");
	free(v.recommendations);
}

void cloudlink_handle(struct daemon *d)
{
	struct cloud_status st;
	unsigned int ev;
	char err[256];

	if (!d->cloud.c)
		return;
	ev = cloud_events(d->cloud.c);
	if (ev & CLOUD_EV_OVERRIDE)
		engine_overrides(d);
	if (ev & CLOUD_EV_DIAGNOSIS)
		diag_run(d);
	if (ev & CLOUD_EV_VERDICT)
		log_verdict(d);
	if (ev & CLOUD_EV_QUALITY_DUE)
		quality_enqueue(d);
	if ((ev & CLOUD_EV_REJECTED) &&
	    !cloud_status(d->cloud.c, db_sqlite(d->db), &st, err, sizeof(err)))
		log_warn("cloud: a server refused a message for good (%llu so far): %s",
			 (unsigned long long)st.rejected, st.last_error);
	cloudlink_flush(d);
}

/* ------------------------------------------------------------------ */
/* Status                                                              */
/* ------------------------------------------------------------------ */

/* An age in ms, or null for "never". */
static json_object *age_of(int64_t now, uint64_t then)
{
	if (!then)
		return NULL;
	return json_object_new_int64(now > (int64_t)then ? now - (int64_t)then : 0);
}

int cloudlink_status(struct daemon *d, json_object *ans, char *err, size_t errlen)
{
	struct cloudlink *cl = &d->cloud;
	struct cloud_status st;
	struct cloud_verdict v;
	json_object *roles, *o;
	int64_t now = now_ms();
	int r;

	if (cloud_status(cl->c, db_sqlite(d->db), &st, err, errlen))
		return -EIO;
	put(ans, "configured", json_object_new_boolean(cl->on));
	put(ans, "gateway_id", json_object_new_string(cl->conf.gateway_id));
	put(ans, "running", json_object_new_boolean(cl->c != NULL));
	put(ans, "error", json_object_new_string(cl->error));
	put(ans, "link", json_object_new_string(cloud_link_name(st.link)));
	put(ans, "pending", json_object_new_int64((int64_t)st.pending));
	put(ans, "rejected", json_object_new_int64((int64_t)st.rejected));
	put(ans, "delivered", json_object_new_int64((int64_t)st.delivered));
	put(ans, "last_error", json_object_new_string(st.last_error));
	put(ans, "last_error_ms", age_of(now, st.last_error_ms));
	roles = json_object_new_array();
	for (r = 0; r < CLOUD_ROLE_COUNT; r++) {
		const struct cloud_role_status *rs = &st.role[r];

		o = json_object_new_object();
		put(o, "role", json_object_new_string(cloud_role_name((enum cloud_role)r)));
		put(o, "url", json_object_new_string(cl->on ? cl->conf.url[r] : ""));
		put(o, "link", json_object_new_string(cloud_link_name(rs->link)));
		put(o, "pending", json_object_new_int64((int64_t)rs->pending));
		put(o, "rejected", json_object_new_int64((int64_t)rs->rejected));
		put(o, "failures", json_object_new_int64(rs->failures));
		put(o, "bad_answers", json_object_new_int64((int64_t)rs->bad_answers));
		put(o, "last_ok_ms", age_of(now, rs->last_ok_ms));
		put(o, "last_error_ms", age_of(now, rs->last_error_ms));
		put(o, "next_attempt_ms", rs->next_attempt_ms ?
		    json_object_new_int64((int64_t)rs->next_attempt_ms > now ?
					  (int64_t)rs->next_attempt_ms - now : 0) : NULL);
		put(o, "last_error", json_object_new_string(rs->last_error));
		json_object_array_add(roles, o);
	}
	put(ans, "roles", roles);
	o = NULL;
	r = cloud_verdict_get(db_sqlite(d->db), &v, err, errlen);
	if (r < 0)
		return -EIO;
	if (r > 0) {
		json_object *recs = v.recommendations ?
			json_tokener_parse(v.recommendations) : NULL;

		o = json_object_new_object();
		put(o, "report_id", json_object_new_int64(v.report_id));
		put(o, "verdict", json_object_new_string(v.verdict));
		put(o, "score", json_object_new_int64(v.score));
		put(o, "received_ms", age_of(now, v.received_ms));
		put(o, "recommendations", recs ? recs : json_object_new_array());
		free(v.recommendations);
	}
	put(ans, "verdict", o);
	o = json_object_new_object();
	put(o, "queued", json_object_new_int64((int64_t)cl->enqueued));
	put(o, "queue_errors", json_object_new_int64((int64_t)cl->enqueue_errors));
	put(o, "diagnoses", json_object_new_int64((int64_t)cl->diagnoses));
	put(o, "quality_reports", json_object_new_int64((int64_t)cl->quality_reports));
	put(o, "bad_answers", json_object_new_int64((int64_t)st.bad_answers));
	put(ans, "counters", o);
	return 0;
}
