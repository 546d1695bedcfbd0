// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: the quality check server. A gateway uploads the home
 * network's conditions (per device: link rate, loss, the QoS class in
 * force; the gateway's QoS and IGMP proxy) and gets a verdict with
 * recommendations. The rules are the reference ones of
 * docs/cloud-api.md ("Quality verdict"): simple, stated, testable.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cloudd.h"

/* Thresholds of the reference rules. */
#define LOSS_POOR_PCT		5.0
#define LOSS_DEGRADED_PCT	1.0
#define VIDEO_MIN_KBPS		25000
#define VOICE_MIN_KBPS		1000

struct verdict {
	int poor, degraded;
	json_object *recs;
};

static void recommend(struct verdict *v, bool poor, const char *code,
		      const char *mac, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void recommend(struct verdict *v, bool poor, const char *code,
		      const char *mac, const char *fmt, ...)
{
	json_object *r = json_object_new_object();
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(r, "code", json_object_new_string(code));
	if (mac)
		json_object_object_add(r, "mac", json_object_new_string(mac));
	json_object_object_add(r, "message", json_object_new_string(msg));
	json_object_array_add(v->recs, r);
	if (poor)
		v->poor++;
	else
		v->degraded++;
}

static void evaluate(json_object *report, struct verdict *v)
{
	json_object *devs = cj_get(report, "devices"), *gw = cj_get(report, "gateway");
	bool gw_qos = cj_bool(gw, "qos_enabled", true);
	bool want_qos = false;
	size_t i, n = json_object_array_length(devs);

	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		char mac[CJ_MAC_LEN];
		const char *qos = cj_str(d, "qos");
		double loss = json_object_get_double(cj_get(d, "loss_percent"));
		int64_t rate = cj_int(d, "link_rate_kbps", 0);

		cj_mac_canon(mac, cj_str(d, "mac"));
		if (loss >= LOSS_POOR_PCT)
			recommend(v, true, "loss_high", mac,
				  "%.2f %% of packets lost (%.0f %% or more is poor): check the device's link",
				  loss, LOSS_POOR_PCT);
		else if (loss >= LOSS_DEGRADED_PCT)
			recommend(v, false, "loss_elevated", mac,
				  "%.2f %% of packets lost (%.0f %% or more is degraded)",
				  loss, LOSS_DEGRADED_PCT);
		if (!strcmp(qos, "video") && rate < VIDEO_MIN_KBPS)
			recommend(v, false, "link_rate_low", mac,
				  "a video device on a %lld kbit/s link (at least %d kbit/s for HD streams)",
				  (long long)rate, VIDEO_MIN_KBPS);
		if (!strcmp(qos, "voice") && rate < VOICE_MIN_KBPS)
			recommend(v, false, "link_rate_low", mac,
				  "a voice device on a %lld kbit/s link (at least %d kbit/s)",
				  (long long)rate, VOICE_MIN_KBPS);
		if (!strcmp(qos, "video") || !strcmp(qos, "voice"))
			want_qos = true;
	}
	if (want_qos && !gw_qos)
		recommend(v, false, "enable_gateway_qos", NULL,
			  "devices have video or voice QoS classes, but QoS is off on the gateway");
	if (want_qos && gw && !cj_bool(gw, "igmp_proxy", true))
		recommend(v, false, "enable_igmp_proxy", NULL,
			  "video devices and no IGMP proxy: multicast IPTV will not reach them");
}

int h_quality_post(struct req *r)
{
	const char *gw = req_capture(r, 0);
	struct verdict v = { .recs = json_object_new_array() };
	const char *verdict;
	json_object *o;
	sqlite3_stmt *st;
	uint64_t now = now_ms();
	int score;

	evaluate(r->json, &v);
	score = 100 - 40 * v.poor - 15 * v.degraded;
	if (score < 0)
		score = 0;
	verdict = v.poor ? "poor" : v.degraded ? "degraded" : "good";
	if (db_touch_gateway(r, gw))
		goto fail;
	st = db_prep(r, "INSERT INTO quality (gateway, message_id, measured_at_ms,"
		     " received_ms, report, verdict, score, recommendations)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		goto fail;
	db_text(st, 1, gw);
	db_text(st, 2, r->key[0] ? r->key : NULL);
	sqlite3_bind_int64(st, 3, cj_int(r->json, "measured_at_ms", 0));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	db_text(st, 5, cj_text(r->json));
	db_text(st, 6, verdict);
	sqlite3_bind_int(st, 7, score);
	db_text(st, 8, cj_text(v.recs));
	if (db_done(r, st, "quality"))
		goto fail;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(
		sqlite3_last_insert_rowid(r->d->db)));
	json_object_object_add(o, "verdict", json_object_new_string(verdict));
	json_object_object_add(o, "score", json_object_new_int(score));
	json_object_object_add(o, "recommendations", v.recs);
	json_object_object_add(o, "received_at_ms", json_object_new_int64((int64_t)now));
	reply_json(r, 201, o);
	return 0;
fail:
	json_object_put(v.recs);
	return -1;
}

int h_quality_list(struct req *r)
{
	json_object *o, *a;
	sqlite3_stmt *st;
	int64_t limit, after;
	int rc, n = 0;

	if (req_paging(r, 100, 1000, &limit, &after))
		return 0;
	st = db_prep(r, "SELECT id, message_id, measured_at_ms, received_ms, report,"
		     " verdict, score, recommendations FROM quality"
		     " WHERE gateway = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
	if (!st)
		return -1;
	db_text(st, 1, req_capture(r, 0));
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, limit);
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "reports", a);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object *e = json_object_new_object();

		db_json_int(e, "id", st, 0);
		db_json_text(e, "message_id", st, 1);
		db_json_int(e, "measured_at_ms", st, 2);
		db_json_int(e, "received_at_ms", st, 3);
		db_json_raw(e, "report", st, 4);
		db_json_text(e, "verdict", st, 5);
		db_json_int(e, "score", st, 6);
		db_json_raw(e, "recommendations", st, 7);
		json_object_array_add(a, e);
		if (++n == limit)
			json_object_object_add(o, "next_after_id", json_object_new_int64(
				sqlite3_column_int64(st, 0)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(o);
		return reply_db_error(r, "quality");
	}
	reply_json(r, 200, o);
	return 0;
}
