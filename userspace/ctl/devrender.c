// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl: i62608d's answers through the output layer (devrender.h).
 * A member is printed by its JSON type; a key ending in "_ms" is an age
 * or a duration (out_ms()), "time_ms" an absolute time (ISO 8601 in
 * text). The text of `device list` picks its columns; everything else
 * shows every member.
 */

#include <string.h>

#include "devrender.h"

/* Longest key the daemon sends, with room for the "_ms" taken off. */
#define KEY_MAX 64

static void print_value(struct out *o, const char *key, json_object *v);

static void print_members(struct out *o, json_object *obj, const char *skip)
{
	if (!json_object_is_type(obj, json_type_object))
		return;
	json_object_object_foreach(obj, key, val) {
		if (skip && !strcmp(key, skip))
			continue;
		print_value(o, key, val);
	}
}

static void print_time(struct out *o, json_object *v)
{
	uint64_t ms = (uint64_t)json_object_get_int64(v);
	char when[40];
	unsigned int prev;

	out_fmt_time_ms(when, sizeof(when), ms);
	out_str(o, "time", when);
	prev = out_only(o, OUT_JSON);
	out_u64(o, "time_ms", ms);
	out_only_end(o, prev);
}

static void print_value(struct out *o, const char *key, json_object *v)
{
	size_t n = key ? strlen(key) : 0;
	char k[KEY_MAX];
	size_t i, len;

	switch (json_object_get_type(v)) {
	case json_type_null:
		out_str(o, key, NULL);
		break;
	case json_type_boolean:
		out_bool(o, key, json_object_get_boolean(v));
		break;
	case json_type_int:
	case json_type_double:
		if (key && !strcmp(key, "time_ms")) {
			print_time(o, v);
		} else if (n > 3 && n < sizeof(k) && !strcmp(key + n - 3, "_ms")) {
			memcpy(k, key, n - 3);
			k[n - 3] = 0;
			out_ms(o, k, (uint64_t)json_object_get_int64(v));
		} else if (json_object_get_int64(v) < 0) {
			out_s64(o, key, json_object_get_int64(v));
		} else {
			out_u64(o, key, (uint64_t)json_object_get_int64(v));
		}
		break;
	case json_type_string:
		out_str(o, key, json_object_get_string(v));
		break;
	case json_type_array:
		out_arr_open(o, key);
		len = json_object_array_length(v);
		for (i = 0; i < len; i++)
			print_value(o, NULL, json_object_array_get_idx(v, i));
		out_arr_close(o);
		break;
	case json_type_object:
		out_obj_open(o, key);
		print_members(o, v, NULL);
		out_obj_close(o);
		break;
	}
}

static const char *member(json_object *obj, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : NULL;
}

/* The text columns of a device, for the table and the records. */
static void device_columns(struct out *o, json_object *dev)
{
	const char *vendor = member(dev, "vendor"), *model = member(dev, "model");
	const char *addr = member(dev, "address");
	char device[80], address[48];
	json_object *v;

	out_str(o, "mac", member(dev, "mac"));
	out_str(o, "status", member(dev, "status"));
	out_str(o, "type", or_dash(member(dev, "device_type")));
	if (*vendor || *model)
		snprintf(device, sizeof(device), "%s%s%s", vendor,
			 *vendor && *model ? " " : "", model);
	else
		snprintf(device, sizeof(device), "%s", member(dev, "name"));
	out_str(o, "device", or_dash(device));
	out_str(o, "rule", or_dash(member(dev, "rule")));
	snprintf(address, sizeof(address), "%s%s%s", member(dev, "addr_mode"),
		 *addr ? " " : "", addr);
	out_str(o, "address", address);
	out_str(o, "outcome", or_dash(member(dev, "outcome")));
	out_str(o, "drift", or_dash(member(dev, "drift")));
	out_bool(o, "pinned", json_object_object_get_ex(dev, "pinned", &v) &&
		 json_object_get_boolean(v));
	if (json_object_object_get_ex(dev, "last_seen_ms", &v))
		out_ms(o, "last_seen", (uint64_t)json_object_get_int64(v));
}

void ctl_print_device_list(struct out *o, json_object *devices)
{
	size_t i, n = json_object_is_type(devices, json_type_array) ?
		json_object_array_length(devices) : 0;
	unsigned int prev;

	out_table_open(o, "devices");
	for (i = 0; i < n; i++) {
		json_object *dev = json_object_array_get_idx(devices, i);

		out_obj_open(o, NULL);
		prev = out_only(o, OUT_TEXT);
		device_columns(o, dev);
		out_only_end(o, prev);
		prev = out_only(o, OUT_JSON);
		print_members(o, dev, NULL);
		out_only_end(o, prev);
		out_obj_close(o);
	}
	out_arr_close(o);
}

void ctl_print_device(struct out *o, json_object *device)
{
	out_obj_open(o, NULL);
	print_members(o, device, NULL);
	out_obj_close(o);
}

void ctl_print_daemon_status(struct out *o, json_object *status)
{
	out_obj_open(o, NULL);
	print_members(o, status, "ok");
	out_obj_close(o);
}
