// SPDX-License-Identifier: GPL-2.0
/*
 * The UPnP IGD backend: port mappings on a separate gateway, through
 * libminiupnpc. Ours are the mappings whose description is
 * GW_UPNP_DESC_PREFIX followed by a valid owner tag; no other mapping is
 * ever deleted or replaced. IGD has no transactions: a sync lists the
 * mappings, deletes ours that are not wanted, and adds what is missing.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>

#include "gw_priv.h"

/* A listing that goes on beyond this is an IGD we do not trust. */
#define MAX_MAPPINGS		8192
/* Renew a lease the IGD made finite when we asked for a permanent one. */
#define RENEW_PERMANENT_S	86400
/* UPnP error codes of the WANIPConnection service. */
#define UPNP_ARRAY_INDEX_INVALID	713
#define UPNP_NO_SUCH_ENTRY		714
#define UPNP_CONFLICT			718

struct gw_upnp {
	struct UPNPUrls urls;
	struct IGDdatas data;
	char lanaddr[64];
	uint32_t lease_s;
};

const char *gw_upnp_desc_tag(const char *desc)
{
	size_t n = strlen(GW_UPNP_DESC_PREFIX);

	if (strncmp(desc, GW_UPNP_DESC_PREFIX, n) ||
	    gw_tag_check(desc + n, NULL, 0))
		return NULL;
	return desc + n;
}

static const char *upnp_strerror(int code, char *buf, size_t len)
{
	const char *s = strupnperror(code);

	if (s)
		snprintf(buf, len, "%s (%d)", s, code);
	else
		snprintf(buf, len, "UPnP error %d", code);
	return buf;
}

static int upnp_errno(int code)
{
	switch (code) {
	case UPNPCOMMAND_MEM_ALLOC_ERROR:
		return -ENOMEM;
	case UPNPCOMMAND_INVALID_ARGS:
	case 402:
		return -EINVAL;
	case 606:
		return -EACCES;
	case UPNP_NO_SUCH_ENTRY:
		return -ENOENT;
	case UPNP_CONFLICT:
		return -EADDRINUSE;
	}
	return -EIO;
}

static bool url_ok(const char *url)
{
	size_t i, n = strlen(url);

	if (n < 8 || n >= 1024 || strncasecmp(url, "http://", 7))
		return false;
	for (i = 0; i < n; i++) {
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return false;
	}
	return true;
}

struct gw_upnp *gw_upnp_open(const struct gw_upnp_opts *o, char *err,
			     size_t errlen)
{
	struct gw_upnp *u;
	char show[128];
	int rc;

	if (o->url && !url_ok(o->url)) {
		gw_err(err, errlen, -EINVAL,
		       "\"%s\" is not an http:// URL of up to 1023 characters",
		       gw_show(o->url, show, sizeof(show)));
		return NULL;
	}
	if (o->discover_ms > 60000) {
		gw_err(err, errlen, -EINVAL,
		       "a discovery of %u ms is longer than a minute",
		       o->discover_ms);
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u) {
		gw_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	u->lease_s = o->lease_s;

	if (o->url) {
		if (UPNP_GetIGDFromUrl(o->url, &u->urls, &u->data, u->lanaddr,
				       sizeof(u->lanaddr)) != 1 ||
		    !u->data.first.servicetype[0] || !u->urls.controlURL ||
		    !u->urls.controlURL[0]) {
			gw_err(err, errlen, -ENODEV,
			       "no UPnP IGD at %s (it cannot be fetched or describes no IGD)",
			       o->url);
			goto fail;
		}
		if (!UPNPIGD_IsConnected(&u->urls, &u->data)) {
			gw_err(err, errlen, -ENETDOWN,
			       "the UPnP IGD at %s is not connected to its WAN",
			       o->url);
			goto fail;
		}
	} else {
		struct UPNPDev *devs;
		int e = 0;

		devs = upnpDiscover(o->discover_ms ? o->discover_ms : 2000,
				    o->ifname, NULL, UPNP_LOCAL_PORT_ANY, 0, 2,
				    &e);
		if (!devs) {
			gw_err(err, errlen, -ENODEV,
			       "no UPnP device answered the discovery%s%s",
			       o->ifname ? " on " : "", o->ifname ? o->ifname : "");
			goto fail;
		}
#if MINIUPNPC_API_VERSION >= 18
		rc = UPNP_GetValidIGD(devs, &u->urls, &u->data, u->lanaddr,
				      sizeof(u->lanaddr), NULL, 0);
		/* 1 connected, 2 connected with a private address. */
		if (rc == 2)
			rc = 1;
		else if (rc == 3)
			rc = 2;
#else
		rc = UPNP_GetValidIGD(devs, &u->urls, &u->data, u->lanaddr,
				      sizeof(u->lanaddr));
#endif
		freeUPNPDevlist(devs);
		if (rc != 1) {
			if (rc == 2)
				gw_err(err, errlen, -ENETDOWN,
				       "the UPnP IGD at %s is not connected to its WAN",
				       u->urls.rootdescURL ? u->urls.rootdescURL : "?");
			else
				gw_err(err, errlen, -ENODEV,
				       "UPnP devices answered, but no IGD");
			goto fail;
		}
	}
	if (!u->data.first.servicetype[0] || !u->urls.controlURL) {
		gw_err(err, errlen, -ENODEV,
		       "the UPnP IGD has no WANIPConnection or WANPPPConnection service");
		goto fail;
	}
	return u;
fail:
	gw_upnp_close(u);
	return NULL;
}

void gw_upnp_close(struct gw_upnp *u)
{
	if (!u)
		return;
	FreeUPNPUrls(&u->urls);
	free(u);
}

const char *gw_upnp_control_url(const struct gw_upnp *u)
{
	return u->urls.controlURL;
}

const char *gw_upnp_lan_addr(const struct gw_upnp *u)
{
	return u->lanaddr;
}

/* An entry as the IGD gave it, or false if it makes no sense. */
static bool parse_entry(struct gw_upnp_mapping *m, const char *ext,
			const char *client, const char *in, const char *proto,
			const char *desc, const char *enabled, const char *rhost,
			const char *duration)
{
	const char *tag;
	char lower[8];
	unsigned long lease;
	char *end;
	size_t i;

	memset(m, 0, sizeof(*m));
	snprintf(m->desc, sizeof(m->desc), "%s", desc);
	snprintf(m->remote_host, sizeof(m->remote_host), "%s", rhost);
	for (i = 0; proto[i] && i + 1 < sizeof(lower); i++)
		lower[i] = proto[i] | 0x20;
	lower[i] = '\0';
	if (gw_parse_proto(lower, &m->f.proto) ||
	    gw_parse_port(ext, &m->f.ext_port) ||
	    gw_parse_port(in, &m->f.int_port) ||
	    gw_parse_ipv4(client, &m->f.addr))
		return false;
	m->enabled = !strcmp(enabled, "1");
	errno = 0;
	lease = duration[0] ? strtoul(duration, &end, 10) : 0;
	if (errno || (duration[0] && *end) || lease > UINT32_MAX)
		return false;
	m->lease_s = lease;
	tag = gw_upnp_desc_tag(desc);
	if (tag) {
		m->ours = true;
		snprintf(m->f.tag, sizeof(m->f.tag), "%.*s", GW_TAG_LEN - 1, tag);
	}
	return true;
}

int gw_upnp_list(struct gw_upnp *u, struct gw_upnp_mapping **mp, size_t *np,
		 char *err, size_t errlen)
{
	struct gw_upnp_mapping *m = NULL;
	size_t n = 0, cap = 0;
	unsigned int idx;
	char e[96];
	int rc;

	*mp = NULL;
	*np = 0;
	for (idx = 0;; idx++) {
		char index[16], ext[6] = "", client[16] = "", in[6] = "";
		char proto[4] = "", desc[80] = "", enabled[4] = "";
		char rhost[64] = "", duration[16] = "";

		if (idx == MAX_MAPPINGS) {
			free(m);
			return gw_err(err, errlen, -E2BIG,
				      "the UPnP IGD lists more than %d port mappings",
				      MAX_MAPPINGS);
		}
		snprintf(index, sizeof(index), "%u", idx);
		rc = UPNP_GetGenericPortMappingEntry(u->urls.controlURL,
						     u->data.first.servicetype,
						     index, ext, client, in,
						     proto, desc, enabled,
						     rhost, duration);
		/* The end of the list; some IGDs say "invalid args". */
		if (rc == UPNP_ARRAY_INDEX_INVALID ||
		    (rc == 402 && idx > 0) || (rc == UPNP_NO_SUCH_ENTRY))
			break;
		if (rc) {
			free(m);
			return gw_err(err, errlen, upnp_errno(rc),
				      "cannot list the UPnP port mappings (entry %u): %s",
				      idx, upnp_strerror(rc, e, sizeof(e)));
		}
		if (n == cap) {
			struct gw_upnp_mapping *nm;

			cap = cap ? cap * 2 : 16;
			nm = reallocarray(m, cap, sizeof(*m));
			if (!nm) {
				free(m);
				return gw_err(err, errlen, -ENOMEM,
					      "out of memory");
			}
			m = nm;
		}
		/* Nonsense from the IGD is not ours, and not in the way. */
		if (parse_entry(&m[n], ext, client, in, proto, desc, enabled,
				rhost, duration))
			n++;
	}
	*mp = m;
	*np = n;
	return 0;
}

struct sync_errors {
	int first;
	unsigned int count;
	char *err;
	size_t errlen;
};

static void sync_error(struct sync_errors *se, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sync_error(struct sync_errors *se, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!se->count++) {
		se->first = rc;
		va_start(ap, fmt);
		gw_verr(se->err, se->errlen, rc, fmt, ap);
		va_end(ap);
	}
}

static int del_mapping(struct gw_upnp *u, const struct gw_upnp_mapping *m)
{
	char ext[8], proto[4];

	snprintf(ext, sizeof(ext), "%u", m->f.ext_port);
	snprintf(proto, sizeof(proto), "%s",
		 m->f.proto == IPPROTO_TCP ? "TCP" : "UDP");
	return UPNP_DeletePortMapping(u->urls.controlURL,
				      u->data.first.servicetype, ext, proto,
				      m->remote_host[0] ? m->remote_host : NULL);
}

static int add_mapping(struct gw_upnp *u, const struct gw_forward *f)
{
	char ext[8], in[8], client[INET_ADDRSTRLEN], lease[16];
	char desc[sizeof(GW_UPNP_DESC_PREFIX) + GW_TAG_LEN];

	snprintf(ext, sizeof(ext), "%u", f->ext_port);
	snprintf(in, sizeof(in), "%u", f->int_port);
	inet_ntop(AF_INET, &f->addr, client, sizeof(client));
	snprintf(desc, sizeof(desc), GW_UPNP_DESC_PREFIX "%s", f->tag);
	snprintf(lease, sizeof(lease), "%u", u->lease_s);
	return UPNP_AddPortMapping(u->urls.controlURL,
				   u->data.first.servicetype, ext, in, client,
				   desc, f->proto == IPPROTO_TCP ? "TCP" : "UDP",
				   NULL, lease);
}

/*
 * A finite lease is renewed once less than half of ours is left; if we
 * asked for a permanent one and the IGD gave a finite one anyway (IGDv2
 * does: a week), once less than a day is left.
 */
static bool needs_renewal(const struct gw_upnp *u,
			  const struct gw_upnp_mapping *m)
{
	if (!m->lease_s)
		return false;
	if (u->lease_s)
		return m->lease_s < u->lease_s / 2;
	return m->lease_s < RENEW_PERMANENT_S;
}

/* An existing mapping of ours that is exactly @f and needs no renewal. */
static bool mapping_is(const struct gw_upnp *u, const struct gw_upnp_mapping *m,
		       const struct gw_forward *f)
{
	return m->ours && m->enabled && !m->remote_host[0] &&
	       !gw_forward_cmp(&m->f, f) && !needs_renewal(u, m);
}

int gw_upnp_sync(struct gw_upnp *u, const struct gw_forward *f, size_t n,
		 char *err, size_t errlen)
{
	struct sync_errors se = { .err = err, .errlen = errlen };
	struct gw_upnp_mapping *m;
	size_t nm, i, j;
	int rc, changes = 0;
	char e[96];

	if (n && !f)
		return gw_err(err, errlen, -EINVAL, "no port forward array");
	rc = gw_forwards_check(f, n, err, errlen);
	if (rc)
		return rc;
	rc = gw_upnp_list(u, &m, &nm, err, errlen);
	if (rc)
		return rc;

	/* Ours that are not wanted as they are. */
	for (i = 0; i < nm; i++) {
		if (!m[i].ours)
			continue;
		for (j = 0; j < n; j++) {
			if (mapping_is(u, &m[i], &f[j]))
				break;
		}
		if (j < n)
			continue;
		rc = del_mapping(u, &m[i]);
		if (rc && rc != UPNP_NO_SUCH_ENTRY) {
			sync_error(&se, upnp_errno(rc),
				   "cannot delete the mapping of %s port %u: %s",
				   gw_proto_name(m[i].f.proto), m[i].f.ext_port,
				   upnp_strerror(rc, e, sizeof(e)));
			continue;
		}
		m[i].ours = false;
		m[i].f.ext_port = 0;	/* gone: not in the way below */
		changes++;
	}

	/* What is missing. */
	for (j = 0; j < n; j++) {
		for (i = 0; i < nm; i++) {
			if (m[i].f.ext_port == f[j].ext_port &&
			    m[i].f.proto == f[j].proto)
				break;
		}
		if (i < nm && mapping_is(u, &m[i], &f[j]))
			continue;
		if (i < nm && !m[i].ours) {
			char show[96], a[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &m[i].f.addr, a, sizeof(a));
			sync_error(&se, -EADDRINUSE,
				   "%s port %u is mapped by someone else (\"%s\", to %s:%u)",
				   gw_proto_name(f[j].proto), f[j].ext_port,
				   gw_show(m[i].desc, show, sizeof(show)), a,
				   m[i].f.int_port);
			continue;
		}
		rc = add_mapping(u, &f[j]);
		if (rc) {
			sync_error(&se, upnp_errno(rc),
				   "cannot map %s port %u: %s",
				   gw_proto_name(f[j].proto), f[j].ext_port,
				   upnp_strerror(rc, e, sizeof(e)));
			continue;
		}
		changes++;
	}
	free(m);
	if (se.count > 1 && err && errlen) {
		size_t l = strlen(err);

		snprintf(err + l, errlen - l, " (and %u more errors)",
			 se.count - 1);
	}
	return se.count ? se.first : changes;
}

int gw_upnp_remove(struct gw_upnp *u, char *err, size_t errlen)
{
	return gw_upnp_sync(u, NULL, 0, err, errlen);
}
