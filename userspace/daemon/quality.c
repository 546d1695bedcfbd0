// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the quality report (docs/cloud-api.md, quality check server),
 * queued when the cloud client says it is due (CLOUD_EV_QUALITY_DUE).
 *
 * The agents report no link data (protocol.md: a REPORT has interfaces,
 * addresses and services, not rates or loss), so the daemon reports what
 * the gateway itself measures of each present device's link: the
 * gateway's port the device is on (the interface the module hears it on;
 * behind a bridge, the bridge port its MAC address was learnt on, from
 * the bridge's forwarding database), its speed (link_rate_kbps), and its
 * counters since the previous report (the first: since the port came
 * up): packets dropped or in error against all packets (loss_percent),
 * bytes sent to and received from it (rx_kbps, tx_kbps: the device's
 * view). A port several devices share (a switch, an access point behind
 * it) is reported for each of them. A device whose port has no speed (a
 * wireless or virtual port that does not say, a MAC the bridge has
 * forgotten) is left out: the server would take an unknown rate for a
 * slow one. QoS is the class the device was configured with (its
 * applied configuration; best-effort when it got none); the gateway's
 * `qos_enabled` and `igmp_proxy` say whether such rules are in force
 * (synced), `wan_rate_kbps` is the `wan` interface's speed.
 *
 * Read through /sys/class/net, which shows the daemon's network
 * namespace (ip netns exec mounts it so).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/if_bridge.h>

#include <linux/i62608.h>

#include "cfgparse.h"
#include "daemon.h"
#include "log.h"
#include "wire.h"

#define SYS_NET "/sys/class/net"
/* Bridge ports and FDB entries read at most: a hostile LAN fills FDBs. */
#define FDB_MAX 8192

struct port_sample {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int64_t at;			/* CLOCK_MONOTONIC ms */
	uint64_t rx_bytes, tx_bytes, packets, lost;
};

/* What the previous report measured, per port. */
struct quality {
	size_t n;
	struct port_sample s[CLOUD_DEVICES_MAX];
};

void quality_free(struct quality *q)
{
	free(q);
}

/* A number of /sys/class/net/IFNAME/FILE; -1 if it has none. */
static int64_t sys_num(const char *ifname, const char *file)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS_NET "/%s/%s", ifname, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 0);
}

/* A counter: 0 when the file is not there. */
static uint64_t sys_count(const char *ifname, const char *file)
{
	int64_t v = sys_num(ifname, file);

	return v > 0 ? (uint64_t)v : 0;
}

static bool is_bridge(const char *ifname)
{
	char path[128];

	snprintf(path, sizeof(path), SYS_NET "/%s/bridge", ifname);
	return !access(path, F_OK);
}

/* The port of bridge @br that @mac was learnt on, into @port. */
static int bridge_port(const char *br, const uint8_t mac[6], char *port,
		       size_t size)
{
	struct __fdb_entry fe[64];
	char path[300];
	unsigned int no = 0, read_n = 0;
	bool found = false;
	struct dirent *de;
	ssize_t n;
	DIR *dir;
	int fd;

	snprintf(path, sizeof(path), SYS_NET "/%s/brforward", br);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (!found && read_n < FDB_MAX &&
	       (n = read(fd, fe, sizeof(fe))) >= (ssize_t)sizeof(fe[0])) {
		size_t i, cnt = (size_t)n / sizeof(fe[0]);

		for (i = 0; i < cnt; i++) {
			if (!fe[i].is_local && !memcmp(fe[i].mac_addr, mac, 6)) {
				no = (unsigned int)fe[i].port_hi << 8 | fe[i].port_no;
				found = true;
				break;
			}
		}
		read_n += (unsigned int)cnt;
	}
	close(fd);
	if (!found)
		return -ENOENT;
	snprintf(path, sizeof(path), SYS_NET "/%s/brif", br);
	dir = opendir(path);
	if (!dir)
		return -errno;
	found = false;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= IF_NAMESIZE)
			continue;
		/* brif/PORT is a link to the port's brport directory. */
		if (sys_num(de->d_name, "brport/port_no") == (int64_t)no) {
			snprintf(port, size, "%s", de->d_name);
			found = true;
			break;
		}
	}
	closedir(dir);
	return found ? 0 : -ENOENT;
}

static int sample(const char *ifname, struct port_sample *s)
{
	static const char *const lost[] = {
		"statistics/rx_dropped", "statistics/tx_dropped",
		"statistics/rx_errors", "statistics/tx_errors",
	};
	int64_t v;
	size_t i;

	memset(s, 0, sizeof(*s));
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	v = sys_num(ifname, "ifindex");
	s->at = mono_ms();
	if (v <= 0 || v > INT32_MAX)
		return -ENODEV;
	s->ifindex = (int)v;
	s->rx_bytes = sys_count(ifname, "statistics/rx_bytes");
	s->tx_bytes = sys_count(ifname, "statistics/tx_bytes");
	s->packets = sys_count(ifname, "statistics/rx_packets") +
		sys_count(ifname, "statistics/tx_packets");
	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
		s->lost += sys_count(ifname, lost[i]);
	return 0;
}

/* The port's speed in kbit/s, or -1 when it says none. */
static int64_t speed_kbps(const char *ifname)
{
	int64_t mbps = sys_num(ifname, "speed");

	if (mbps <= 0 || mbps >= 0xffffffffLL)
		return -1;
	return mbps * 1000 > 100000000 ? 100000000 : mbps * 1000;
}

static const struct port_sample *previous(const struct quality *q,
					  const struct port_sample *s)
{
	size_t i;

	for (i = 0; q && i < q->n; i++)
		if (q->s[i].ifindex == s->ifindex && !strcmp(q->s[i].ifname, s->ifname))
			return &q->s[i];
	return NULL;
}

/* The QoS class of a configuration's items (best-effort without one). */
static const char *qos_of(const uint8_t *items, size_t len)
{
	struct i62608_tlv_iter it;
	struct i62608_elem t;

	i62608_tlv_iter_init(&it, items, len);
	while (i62608_tlv_next(&it, &t) > 0)
		if (t.type == I62608_TLV_CFG_QOS && t.len == 1 &&
		    t.val[0] <= I62608_QOS_MAX)
			return ctl_qos_name(t.val[0]);
	return "best-effort";
}

static int64_t kbps(uint64_t bytes, int64_t ms)
{
	uint64_t v = ms > 0 ? bytes * 8 / (uint64_t)ms : 0;

	return v > 100000000 ? 100000000 : (int64_t)v;
}

/* Whether a gateway rule of @kind is in force. */
static bool rule_synced(struct daemon *d, const char *kind)
{
	sqlite3_stmt *s;
	bool yes;

	if (sqlite3_prepare_v2(db_sqlite(d->db), "SELECT 1 FROM gw_rules WHERE kind = ?1"
			       " AND state = 'synced' LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return yes;
}

static json_object *device_entry(const char *mac, const char *ifname,
				 const char *qos, const struct quality *old,
				 struct quality *q)
{
	struct port_sample *s = &q->s[q->n];
	const struct port_sample *p;
	char port[IF_NAMESIZE] = "";
	uint8_t m[6];
	json_object *o;
	int64_t rate;
	uint64_t lost, total;

	if (db_mac_parse(mac, m) || !*ifname)
		return NULL;
	if (is_bridge(ifname)) {
		if (bridge_port(ifname, m, port, sizeof(port)))
			return NULL;
	} else {
		snprintf(port, sizeof(port), "%s", ifname);
	}
	rate = speed_kbps(port);
	if (rate < 0 || sample(port, s))
		return NULL;
	p = previous(old, s);
	/* Counters that went back (a port recreated): since it came up. */
	if (p && (s->packets < p->packets || s->lost < p->lost ||
		  s->rx_bytes < p->rx_bytes || s->tx_bytes < p->tx_bytes))
		p = NULL;
	lost = s->lost - (p ? p->lost : 0);
	total = s->packets - (p ? p->packets : 0) + lost;
	o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "mac", json_object_new_string(mac));
	json_object_object_add(o, "link_rate_kbps", json_object_new_int64(rate));
	json_object_object_add(o, "loss_percent", json_object_new_double(
		total ? 100.0 * (double)lost / (double)total : 0.0));
	json_object_object_add(o, "qos", json_object_new_string(qos));
	if (p) {
		/* The device's view: what it received is what the port sent. */
		json_object_object_add(o, "rx_kbps", json_object_new_int64(
			kbps(s->tx_bytes - p->tx_bytes, s->at - p->at)));
		json_object_object_add(o, "tx_kbps", json_object_new_int64(
			kbps(s->rx_bytes - p->rx_bytes, s->at - p->at)));
	}
	/* One sample per port: devices sharing it share the baseline. */
	if (!previous(q, s))
		q->n++;
	return o;
}

/* At most CLOUD_DEVICES_MAX devices a report: the first by MAC. */
#define QUALITY_SQL \
	"SELECT d.mac, d.ifname, ap.items, ap.outcome FROM devices d" \
	" LEFT JOIN applied ap ON ap.mac = d.mac WHERE d.present = 1" \
	" ORDER BY d.mac LIMIT 256"

void quality_enqueue(struct daemon *d)
{
	struct quality *q = calloc(1, sizeof(*q));
	json_object *body = NULL, *devs = NULL, *gw;
	const char *wan = d->policy->gw.wan;
	sqlite3_stmt *s = NULL;
	int64_t now = now_ms();
	size_t n = 0, present = 0;
	int rc;

	_Static_assert(CLOUD_DEVICES_MAX == 256, "the limit of QUALITY_SQL");
	if (!cloudlink_role(d, CLOUD_ROLE_QUALITY))
		goto out;
	devs = json_object_new_array();
	if (!q || !devs)
		goto nomem;
	if (sqlite3_prepare_v2(db_sqlite(d->db), QUALITY_SQL, -1, &s, NULL) != SQLITE_OK) {
		log_err("cloud: quality: %s", sqlite3_errmsg(db_sqlite(d->db)));
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *mac = (const char *)sqlite3_column_text(s, 0);
		const char *ifname = (const char *)sqlite3_column_text(s, 1);
		const char *outcome = (const char *)sqlite3_column_text(s, 3);
		const void *items = sqlite3_column_blob(s, 2);
		int len = sqlite3_column_bytes(s, 2);
		json_object *o;

		present++;
		o = device_entry(mac ? mac : "", ifname ? ifname : "",
				 items && outcome && !strcmp(outcome, "acked") ?
				 qos_of(items, (size_t)len) : "best-effort",
				 d->cloud.quality, q);
		if (o) {
			json_object_array_add(devs, o);
			n++;
		}
	}
	if (rc != SQLITE_DONE)
		log_err("cloud: quality: %s", sqlite3_errmsg(db_sqlite(d->db)));
	sqlite3_finalize(s);
	if (!n) {
		if (present)
			log_info("cloud: quality report due, but none of the %zu present devices has a link of known speed: none sent",
				 present);
		else
			log_debug("cloud: quality report due, no device present: none sent");
		goto out;
	}
	body = json_object_new_object();
	gw = json_object_new_object();
	if (!body || !gw) {
		json_object_put(gw);
		goto nomem;
	}
	json_object_object_add(body, "measured_at_ms", json_object_new_int64(now));
	json_object_object_add(body, "devices", devs);
	devs = NULL;
	json_object_object_add(gw, "qos_enabled", json_object_new_boolean(rule_synced(d, "qos")));
	json_object_object_add(gw, "igmp_proxy", json_object_new_boolean(rule_synced(d, "multicast")));
	if (*wan && speed_kbps(wan) >= 0)
		json_object_object_add(gw, "wan_rate_kbps", json_object_new_int64(speed_kbps(wan)));
	json_object_object_add(body, "gateway", gw);
	if (db_begin(d->db))
		goto out;
	cloudlink_enqueue(d, CLOUD_KIND_QUALITY, body);
	body = NULL;
	if (db_commit(d->db))
		goto out;
	d->cloud.quality_reports++;
	log_info("cloud: quality report queued: %zu devices", n);
	/* This report's counters are the next one's baseline. */
	quality_free(d->cloud.quality);
	d->cloud.quality = q;
	q = NULL;
	goto out;
nomem:
	log_err("cloud: quality: out of memory");
out:
	json_object_put(body);
	json_object_put(devs);
	free(q);
}
