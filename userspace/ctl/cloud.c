// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl cloud status: i62608d's cloud client (docs/i62608d.md, THE
 * CLOUD): whether it runs, the link to each server role, the outbox, the
 * last error, the last quality verdict. Asked through the daemon's
 * control socket (command cloud_status). JSON output is the daemon's
 * answer, member for member; text shows the roles as a table.
 */

#include <string.h>

#include "ctl.h"
#include "devrender.h"
#include "dsock.h"

static json_object *member(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = member(o, key);

	return v && json_object_is_type(v, json_type_string) ?
		json_object_get_string(v) : "";
}

static uint64_t num(json_object *o, const char *key)
{
	json_object *v = member(o, key);

	return v && json_object_is_type(v, json_type_int) &&
		json_object_get_int64(v) > 0 ? (uint64_t)json_object_get_int64(v) : 0;
}

/* "" as "-" in text. */
static void text(struct out *o, const char *key, const char *s)
{
	out_str(o, key, *s ? s : NULL);
}

/* An age or duration ("KEY_ms"), "-" when the daemon says null (never). */
static void age(struct out *o, const char *key, json_object *obj, const char *jkey)
{
	json_object *v = member(obj, jkey);

	if (v && json_object_is_type(v, json_type_int))
		out_ms(o, key, num(obj, jkey));
	else
		out_str(o, key, NULL);
}

static void print_text(struct out *o, json_object *st)
{
	json_object *roles = member(st, "roles"), *v = member(st, "verdict");
	json_object *recs, *c = member(st, "counters");
	size_t i, n;

	out_obj_open(o, NULL);
	out_bool(o, "configured", json_object_get_boolean(member(st, "configured")));
	text(o, "gateway_id", str(st, "gateway_id"));
	out_bool(o, "running", json_object_get_boolean(member(st, "running")));
	if (*str(st, "error"))
		out_str(o, "error", str(st, "error"));
	out_str(o, "link", str(st, "link"));
	out_u64(o, "pending", num(st, "pending"));
	out_u64(o, "rejected", num(st, "rejected"));
	out_u64(o, "delivered", num(st, "delivered"));
	text(o, "last_error", str(st, "last_error"));
	age(o, "last_error_age", st, "last_error_ms");
	n = json_object_is_type(roles, json_type_array) ? json_object_array_length(roles) : 0;
	out_table_open(o, "roles");
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(roles, i);

		out_obj_open(o, NULL);
		out_str(o, "role", str(r, "role"));
		out_str(o, "link", str(r, "link"));
		out_u64(o, "pending", num(r, "pending"));
		out_u64(o, "rejected", num(r, "rejected"));
		out_u64(o, "failures", num(r, "failures"));
		age(o, "last_ok", r, "last_ok_ms");
		age(o, "next_try", r, "next_attempt_ms");
		text(o, "url", str(r, "url"));
		out_obj_close(o);
	}
	out_arr_close(o);
	/* Each role's last error on its own line: too long for a column. */
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(roles, i);
		char key[48];

		if (!*str(r, "last_error"))
			continue;
		snprintf(key, sizeof(key), "%.32s_error", str(r, "role"));
		out_str(o, key, str(r, "last_error"));
	}
	if (v && json_object_is_type(v, json_type_object)) {
		out_obj_open(o, "verdict");
		out_str(o, "verdict", str(v, "verdict"));
		out_u64(o, "score", num(v, "score"));
		out_u64(o, "report_id", num(v, "report_id"));
		age(o, "received", v, "received_ms");
		recs = member(v, "recommendations");
		out_arr_open(o, "recommendations");
		for (i = 0; json_object_is_type(recs, json_type_array) &&
		     i < json_object_array_length(recs); i++) {
			json_object *r = json_object_array_get_idx(recs, i);
			char line[600];

			snprintf(line, sizeof(line), "%s%s%s: %s", str(r, "code"),
				 *str(r, "mac") ? " " : "", str(r, "mac"),
				 str(r, "message"));
			out_str(o, NULL, line);
		}
		out_arr_close(o);
		out_obj_close(o);
	} else {
		out_str(o, "verdict", NULL);
	}
	if (c && json_object_is_type(c, json_type_object)) {
		out_obj_open(o, "counters");
		json_object_object_foreach(c, key, val)
			out_u64(o, key, json_object_get_int64(val) > 0 ?
				(uint64_t)json_object_get_int64(val) : 0);
		out_obj_close(o);
	}
	out_obj_close(o);
}

static int cmd_cloud_status(struct ctl *ctl, int argc, char **argv)
{
	json_object *ans;
	int rc;

	ans = ctl_daemon_query(ctl, argc, argv, "cloud_status", &rc);
	if (!ans)
		return rc;
	if (out_format(ctl->out) == OUT_JSON)
		ctl_print_daemon_status(ctl->out, ans);
	else
		print_text(ctl->out, ans);
	json_object_put(ans);
	return CTL_OK;
}

const struct ctl_cmd ctl_cloud_cmds[] = {
	{
		.object = "cloud", .verb = "status", .fn = cmd_cloud_status,
		.args = "[-j]",
		.summary = "show i62608d's link to the cloud servers",
		.help =
"Asks i62608d (its control socket: $I62608D_SOCKET, or\n"
"/run/i62608/i62608d.sock) about its cloud client: whether the policy\n"
"configures it and it runs, the link to each server role (service,\n"
"quality, failure, diagnosis: up, down, never tried, off), the messages\n"
"waiting in the outbox, refused for good and delivered, the last error,\n"
"and the last quality verdict.\n",
	},
	{ 0 }
};
