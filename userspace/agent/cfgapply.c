// SPDX-License-Identifier: GPL-2.0
/*
 * Applying configuration items (see cfgreq.h, docs/i62608-agent.md
 * "CONFIGURATION"). Addresses go first, both families, because a gateway
 * must be on a link they make; then every other item in the order of the
 * request.
 *
 * Addresses and default routes go through rtnetlink (a->net) and are read
 * back before they are acknowledged. What the kernel refuses is refused
 * (CONFLICT for an address in use, FAILED otherwise) and the item is put
 * back as it was; the other items stay applied. What is already so is
 * UNCHANGED, so a request applied twice changes nothing.
 *
 * In dry-run mode (config_mode) nothing on the host is touched: items are
 * validated and recorded as the desired state, and compared with it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include "cfgreq.h"
#include "log.h"

#define BIT4 1
#define BIT6 2

static bool iface_item(u16 type)
{
	switch (type) {
	case I62608_TLV_CFG_ADDR4:
	case I62608_TLV_CFG_ADDR6:
	case I62608_TLV_CFG_GW4:
	case I62608_TLV_CFG_GW6:
	case I62608_TLV_CFG_DNS4:
	case I62608_TLV_CFG_DNS6:
	case I62608_TLV_CFG_DHCP4:
	case I62608_TLV_CFG_DHCP6:
	case I62608_TLV_CFG_QOS:
		return true;
	}
	return false;
}

/* What the kernel's answer means for the item. */
static u8 errno_reason(int err)
{
	switch (-err) {
	case EEXIST:
	case EADDRINUSE:
	case EBUSY:
		return I62608_CFGR_CONFLICT;
	}
	return I62608_CFGR_FAILED;
}

static const char *ip_str(u8 family, const u8 *a, char *buf)
{
	return inet_ntop(family, a, buf, INET6_ADDRSTRLEN);
}

#define IP(f, a) ip_str((f), (a), (char[INET6_ADDRSTRLEN]){ 0 })

/* The host now, with the DNS servers the agent read (not rtnetlink's). */
static int snapshot(struct agent *a, struct agent_host *h)
{
	int err;

	memset(h, 0, sizeof(*h));
	err = a->net->dump(a->net_ctx, h);
	if (err) {
		log_err("configuration: reading the host state: %s", strerror(-err));
		agent_host_free(h);
		return err;
	}
	h->n_dns = a->host.n_dns;
	memcpy(h->dns, a->host.dns, sizeof(h->dns));
	return 0;
}

static bool prefix_match(const u8 *x, const u8 *y, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(x, y, bytes))
		return false;
	return !bits || !((x[bytes] ^ y[bytes]) & (0xff << (8 - bits)));
}

bool agent_cfg_onlink(const struct agent_link *l, u8 family, const u8 *gw)
{
	const struct agent_addr *v = family == AF_INET ? l->addr4 : l->addr6;
	unsigned int n = family == AF_INET ? l->n_addr4 : l->n_addr6;
	unsigned int alen = family == AF_INET ? 4 : 16, i;

	/* A link-local IPv6 router is on its link by definition. */
	if (family == AF_INET6 && gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80)
		return true;
	for (i = 0; i < n; i++)
		if (v[i].plen < alen * 8 && memcmp(v[i].addr, gw, alen) &&
		    prefix_match(v[i].addr, gw, v[i].plen))
			return true;
	return false;
}

static const struct agent_addr *find_addr(const struct agent_link *l,
					  u8 family, const u8 *addr, u8 plen)
{
	const struct agent_addr *v = family == AF_INET ? l->addr4 : l->addr6;
	unsigned int n = family == AF_INET ? l->n_addr4 : l->n_addr6, i;
	unsigned int alen = family == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		if (!memcmp(v[i].addr, addr, alen) && v[i].plen == plen)
			return &v[i];
	return NULL;
}

/* Addresses we set and keep exactly: static, not link-local. */
static bool ours(const struct agent_addr *ad)
{
	return ad->origin == I62608_ORIGIN_STATIC;
}

/* ------------------------------------------------------------------ */
/* Hooks                                                               */
/* ------------------------------------------------------------------ */

static u8 hook_result(struct agent_cfg_item *it, int ret)
{
	if (!ret)
		return I62608_CFG_APPLIED;
	agent_cfg_refuse(it, ret == -ENOENT ? I62608_CFGR_NO_HOOK :
			 I62608_CFGR_FAILED);
	return I62608_CFG_REFUSED;
}

static int dhcp_hook(struct agent *a, const char *ifname, bool start, u8 bit)
{
	char *argv[] = {
		a->cfg.dhcp_hook, (char *)ifname, start ? "start" : "stop",
		bit == BIT4 ? "ipv4" : "ipv6", NULL,
	};

	log_info("configuration: DHCP %s %s on %s", start ? "start" : "stop",
		 bit == BIT4 ? "ipv4" : "ipv6", ifname);
	return agent_hook_run(argv, a->cfg.hook_timeout_ms);
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

static unsigned int default_routes(const struct agent_host *h, int ifindex,
				   u8 family, struct agent_route *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < h->n_routes; i++)
		if (h->routes[i].family == family && h->routes[i].ifindex == ifindex)
			out[n++] = h->routes[i];
	return n;
}

/*
 * Deleting the primary IPv4 address of a subnet flushes the routes through
 * it: a default route whose gateway the new addresses still reach is put
 * back, as it was.
 */
static void restore_routes(struct agent *a, struct agent_cfg_plan *p,
			   const struct agent_host *h, const struct agent_link *l,
			   u8 family, const struct agent_route *old, unsigned int n)
{
	unsigned int alen = family == AF_INET ? 4 : 16, i, k;

	for (i = 0; i < n; i++) {
		bool there = false;
		int err;

		for (k = 0; k < h->n_routes; k++)
			there |= h->routes[k].family == family &&
				 h->routes[k].ifindex == p->ifindex &&
				 h->routes[k].metric == old[i].metric &&
				 !memcmp(h->routes[k].gw, old[i].gw, alen);
		if (there || !agent_cfg_onlink(l, family, old[i].gw))
			continue;
		err = a->net->route(a->net_ctx, true, p->ifindex, family,
				    old[i].gw, old[i].metric);
		log_info("configuration: default route via %s put back: %s",
			 IP(family, old[i].gw), err ? strerror(-err) : "done");
	}
}

static void dry_addrs(struct agent_cfg_plan *p, struct agent_desired *w,
		      u8 family, struct agent_cfg_item **items, unsigned int n)
{
	struct i62608_tlv_cfg_addr4 a4[I62608_MAX_ADDRS];
	struct i62608_tlv_cfg_addr6 a6[I62608_MAX_ADDRS];
	unsigned int i, k = 0;
	bool same;

	for (i = 0; i < n; i++) {
		if (items[i]->done)
			continue;
		if (family == AF_INET)
			memcpy(&a4[k++], items[i]->val, sizeof(a4[0]));
		else
			memcpy(&a6[k++], items[i]->val, sizeof(a6[0]));
	}
	if (family == AF_INET) {
		same = w->has_addr4 && w->n_addr4 == k &&
		       !memcmp(w->addr4, a4, k * sizeof(a4[0]));
		w->has_addr4 = true;
		w->n_addr4 = (u8)k;
		memcpy(w->addr4, a4, k * sizeof(a4[0]));
	} else {
		same = w->has_addr6 && w->n_addr6 == k &&
		       !memcmp(w->addr6, a6, k * sizeof(a6[0]));
		w->has_addr6 = true;
		w->n_addr6 = (u8)k;
		memcpy(w->addr6, a6, k * sizeof(a6[0]));
	}
	for (i = 0; i < n; i++)
		if (!items[i]->done)
			agent_cfg_set(items[i], same ? I62608_CFG_UNCHANGED :
				      I62608_CFG_APPLIED);
}

/*
 * The interface's static addresses of @family become exactly the valid
 * items. When an item is invalid or an addition fails, nothing is taken
 * away: a request that could not be applied whole removes no address
 * (those removed already are put back).
 */
static void apply_addrs(struct agent *a, struct agent_cfg_plan *p,
			struct agent_desired *w, u8 family, bool *changed)
{
	u16 type = family == AF_INET ? I62608_TLV_CFG_ADDR4 : I62608_TLV_CFG_ADDR6;
	unsigned int alen = family == AF_INET ? 4 : 16, n = 0, i, k;
	struct agent_cfg_item *items[I62608_MAX_ADDRS];
	struct agent_addr removed[AGENT_LINK_ADDRS];
	struct agent_route old[AGENT_MAX_ROUTES];
	bool added[I62608_MAX_ADDRS] = { false };
	bool refused = false, change = false;
	unsigned int n_removed = 0, n_old;
	u8 bit = family == AF_INET ? BIT4 : BIT6;
	const struct agent_link *l;
	struct agent_host h;

	for (i = 0; i < p->n && n < I62608_MAX_ADDRS; i++) {
		if (p->items[i].type != type)
			continue;
		items[n] = &p->items[i];
		refused |= items[n]->done;
		n++;
	}
	if (!n)
		return;
	if (p->dry_run) {
		dry_addrs(p, w, family, items, n);
		return;
	}
	if (snapshot(a, &h)) {
		for (i = 0; i < n; i++)
			if (!items[i]->done)
				agent_cfg_refuse(items[i], I62608_CFGR_FAILED);
		return;
	}
	l = agent_host_link(&h, p->ifindex);
	if (!l) {
		for (i = 0; i < n; i++)
			if (!items[i]->done)
				agent_cfg_refuse(items[i], I62608_CFGR_NO_IFACE);
		goto out;
	}

	/* Is there anything to do? A DHCP client we started must stop first. */
	for (i = 0; i < n; i++) {
		const struct agent_addr *ad;

		if (items[i]->done)
			continue;
		ad = find_addr(l, family, items[i]->val, items[i]->val[alen]);
		change |= !ad || !ours(ad);
	}
	if (!refused) {
		const struct agent_addr *v = family == AF_INET ? l->addr4 : l->addr6;
		unsigned int nv = family == AF_INET ? l->n_addr4 : l->n_addr6;

		for (k = 0; k < nv; k++) {
			bool listed = false;

			if (!ours(&v[k]))
				continue;
			for (i = 0; i < n; i++)
				listed |= !memcmp(v[k].addr, items[i]->val, alen) &&
					  v[k].plen == items[i]->val[alen];
			change |= !listed;
		}
	}
	if (change && (a->dhcp_started & bit)) {
		int ret = dhcp_hook(a, a->dhcp_ifname, false, bit);

		if (ret)
			log_warn("configuration: the DHCP hook did not stop its client (%d): static addresses go on",
				 ret);
		a->dhcp_started &= (u8)~bit;
		w->dhcp_known |= bit;
		w->dhcp &= (u8)~bit;
	}

	/*
	 * Removals first: deleting an IPv4 primary address deletes the
	 * secondaries of its subnet with it (unless promote_secondaries),
	 * new ones included. The agent speaks Layer 2: it loses nothing
	 * while the interface has no address for a moment.
	 */
	if (!refused) {
		const struct agent_addr *v = family == AF_INET ? l->addr4 : l->addr6;
		unsigned int nv = family == AF_INET ? l->n_addr4 : l->n_addr6;

		for (k = 0; k < nv; k++) {
			bool listed = false;
			int err;

			if (!ours(&v[k]))
				continue;
			for (i = 0; i < n; i++)
				listed |= !memcmp(v[k].addr, items[i]->val, alen) &&
					  v[k].plen == items[i]->val[alen];
			if (listed)
				continue;
			err = a->net->addr(a->net_ctx, false, false, p->ifindex,
					   family, v[k].addr, v[k].plen);
			if (err) {
				log_warn("configuration: removing %s/%u from %s: %s",
					 IP(family, v[k].addr), v[k].plen,
					 p->ifname, strerror(-err));
				continue;
			}
			removed[n_removed++] = v[k];
		}
	}
	for (i = 0; i < n; i++) {
		struct agent_cfg_item *it = items[i];
		const struct agent_addr *ad;
		int err;

		if (it->done)
			continue;
		ad = find_addr(l, family, it->val, it->val[alen]);
		if (ad && ours(ad)) {
			agent_cfg_set(it, I62608_CFG_UNCHANGED);
			continue;
		}
		/* A leased address becomes a permanent one: replace it. */
		err = a->net->addr(a->net_ctx, true, ad != NULL, p->ifindex,
				   family, it->val, it->val[alen]);
		if (err) {
			log_warn("configuration: %s/%u on %s: %s",
				 IP(family, it->val), it->val[alen], p->ifname,
				 strerror(-err));
			agent_cfg_refuse(it, errno_reason(err));
			refused = true;
			continue;
		}
		added[i] = true;
		agent_cfg_set(it, I62608_CFG_APPLIED);
		*changed = true;
	}
	/* Not applied whole: the addresses it would have taken away stay. */
	if (refused) {
		for (k = 0; k < n_removed; k++)
			if (a->net->addr(a->net_ctx, true, false, p->ifindex, family,
					 removed[k].addr, removed[k].plen))
				log_err("configuration: cannot put %s/%u back on %s",
					IP(family, removed[k].addr), removed[k].plen,
					p->ifname);
		n_removed = 0;
	}
	if (n_removed) {
		*changed = true;
		/* The set changed: every item of it took part. */
		for (i = 0; i < n; i++)
			if (items[i]->status == I62608_CFG_UNCHANGED)
				items[i]->status = I62608_CFG_APPLIED;
	}

	/* Read back: an item is acknowledged only if the kernel has it. */
	n_old = default_routes(&h, p->ifindex, family, old);
	agent_host_free(&h);
	if (snapshot(a, &h))
		return;
	l = agent_host_link(&h, p->ifindex);
	if (l && n_old)
		restore_routes(a, p, &h, l, family, old, n_old);
	for (i = 0; i < n; i++) {
		struct agent_cfg_item *it = items[i];
		const struct agent_addr *ad;

		if (it->status == I62608_CFG_REFUSED)
			continue;
		ad = l ? find_addr(l, family, it->val, it->val[alen]) : NULL;
		if (ad && ours(ad))
			continue;
		log_warn("configuration: %s/%u is not on %s after all",
			 IP(family, it->val), it->val[alen], p->ifname);
		if (added[i] && ad)
			a->net->addr(a->net_ctx, false, false, p->ifindex, family,
				     it->val, it->val[alen]);
		agent_cfg_refuse(it, I62608_CFGR_FAILED);
	}
out:
	agent_host_free(&h);
}

/* ------------------------------------------------------------------ */
/* Default routes                                                      */
/* ------------------------------------------------------------------ */

static void dry_gw(struct agent_cfg_item *it, struct agent_desired *w,
		   const struct agent_host *host, int ifindex)
{
	bool v4 = it->type == I62608_TLV_CFG_GW4;
	struct agent_link l = { 0 };
	const struct agent_link *hl = agent_host_link(host, ifindex);
	unsigned int i;
	bool same;

	/* On-link with the desired addresses, or the link's own. */
	if (v4 && w->has_addr4) {
		for (i = 0; i < w->n_addr4; i++) {
			memcpy(l.addr4[i].addr, w->addr4[i].addr, 4);
			l.addr4[i].plen = w->addr4[i].plen;
		}
		l.n_addr4 = w->n_addr4;
	} else if (!v4 && w->has_addr6) {
		for (i = 0; i < w->n_addr6; i++) {
			memcpy(l.addr6[i].addr, w->addr6[i].addr, 16);
			l.addr6[i].plen = w->addr6[i].plen;
		}
		l.n_addr6 = w->n_addr6;
	} else if (hl) {
		l = *hl;
	}
	if (!agent_cfg_onlink(&l, v4 ? AF_INET : AF_INET6, it->val)) {
		agent_cfg_refuse(it, I62608_CFGR_INVALID);
		return;
	}
	if (v4) {
		same = w->has_gw4 && !memcmp(w->gw4, it->val, 4);
		w->has_gw4 = true;
		memcpy(w->gw4, it->val, 4);
	} else {
		same = w->has_gw6 && !memcmp(w->gw6, it->val, 16);
		w->has_gw6 = true;
		memcpy(w->gw6, it->val, 16);
	}
	agent_cfg_set(it, same ? I62608_CFG_UNCHANGED : I62608_CFG_APPLIED);
}

/*
 * The default route of the family on the interface becomes the one via
 * the item's gateway (metric 0, replacing one of that metric); other
 * default routes of the interface go. Read back; on failure the old
 * routes are put back.
 */
static void apply_gw(struct agent *a, struct agent_cfg_plan *p,
		     struct agent_cfg_item *it, struct agent_desired *w,
		     bool *changed)
{
	u8 family = it->type == I62608_TLV_CFG_GW4 ? AF_INET : AF_INET6;
	unsigned int alen = family == AF_INET ? 4 : 16, n, i;
	struct agent_route old[AGENT_MAX_ROUTES];
	const struct agent_link *l;
	struct agent_host h;
	bool found = false;
	int err;

	if (p->dry_run) {
		dry_gw(it, w, &a->host, p->ifindex);
		return;
	}
	if (snapshot(a, &h)) {
		agent_cfg_refuse(it, I62608_CFGR_FAILED);
		return;
	}
	l = agent_host_link(&h, p->ifindex);
	if (!l) {
		agent_cfg_refuse(it, I62608_CFGR_NO_IFACE);
		goto out;
	}
	if (!agent_cfg_onlink(l, family, it->val)) {
		log_warn("configuration: gateway %s is not on a network of %s",
			 IP(family, it->val), p->ifname);
		agent_cfg_refuse(it, I62608_CFGR_INVALID);
		goto out;
	}
	n = default_routes(&h, p->ifindex, family, old);
	if (n == 1 && !memcmp(old[0].gw, it->val, alen)) {
		agent_cfg_set(it, I62608_CFG_UNCHANGED);
		goto out;
	}
	err = a->net->route(a->net_ctx, true, p->ifindex, family, it->val, 0);
	if (err) {
		log_warn("configuration: default route via %s on %s: %s",
			 IP(family, it->val), p->ifname, strerror(-err));
		agent_cfg_refuse(it, errno_reason(err));
		goto out;
	}
	*changed = true;
	for (i = 0; i < n; i++) {
		/* Ours replaced the one of metric 0, if there was one. */
		if (!old[i].metric)
			continue;
		err = a->net->route(a->net_ctx, false, p->ifindex, family,
				    old[i].gw, old[i].metric);
		if (err)
			log_warn("configuration: removing the default route via %s (metric %u): %s",
				 IP(family, old[i].gw), old[i].metric,
				 strerror(-err));
	}

	agent_host_free(&h);
	if (snapshot(a, &h)) {
		agent_cfg_refuse(it, I62608_CFGR_FAILED);
		return;
	}
	for (i = 0; i < h.n_routes; i++) {
		const struct agent_route *r = &h.routes[i];

		found |= r->family == family && r->ifindex == p->ifindex &&
			 !r->metric && !memcmp(r->gw, it->val, alen);
	}
	if (found) {
		agent_cfg_set(it, I62608_CFG_APPLIED);
		goto out;
	}
	/* Not there after all: as it was. */
	log_warn("configuration: the default route via %s is not there after all",
		 IP(family, it->val));
	a->net->route(a->net_ctx, false, p->ifindex, family, it->val, 0);
	for (i = 0; i < n; i++)
		a->net->route(a->net_ctx, true, p->ifindex, family, old[i].gw,
			      old[i].metric);
	agent_cfg_refuse(it, I62608_CFGR_FAILED);
out:
	agent_host_free(&h);
}

/* ------------------------------------------------------------------ */
/* DNS                                                                 */
/* ------------------------------------------------------------------ */

/* Write @text to @path atomically: a new file renamed over the old. */
static int write_atomic(const char *path, const char *text)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	size_t len = strlen(text);
	int fd, err = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd))
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static bool file_is(const char *path, const char *text)
{
	char buf[2048];
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	do {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n > 0)
			len += (size_t)n;
	} while (n > 0 && len < sizeof(buf) - 1);
	close(fd);
	buf[len] = 0;
	return n >= 0 && !strcmp(buf, text);
}

static void apply_dns(struct agent *a, struct agent_cfg_plan *p,
		      struct agent_desired *w)
{
	struct agent_cfg_item *items[2 * I62608_MAX_DNS];
	char text[1024], servers[2 * I62608_MAX_DNS][INET6_ADDRSTRLEN];
	struct agent_desired d = { 0 };
	unsigned int n = 0, i;
	size_t used;
	u8 status;
	int ret;

	for (i = 0; i < p->n && n < 2 * I62608_MAX_DNS; i++) {
		struct agent_cfg_item *it = &p->items[i];

		if ((it->type != I62608_TLV_CFG_DNS4 && it->type != I62608_TLV_CFG_DNS6) ||
		    it->done)
			continue;
		if (it->type == I62608_TLV_CFG_DNS4 && d.n_dns4 < I62608_MAX_DNS)
			memcpy(d.dns4[d.n_dns4++], it->val, 4);
		else if (it->type == I62608_TLV_CFG_DNS6 && d.n_dns6 < I62608_MAX_DNS)
			memcpy(d.dns6[d.n_dns6++], it->val, 16);
		items[n++] = it;
	}
	if (!n)
		return;
	for (i = 0; i < d.n_dns4; i++)
		inet_ntop(AF_INET, d.dns4[i], servers[i], sizeof(servers[i]));
	for (i = 0; i < d.n_dns6; i++)
		inet_ntop(AF_INET6, d.dns6[i], servers[d.n_dns4 + i],
			  sizeof(servers[0]));

	if (w->has_dns && w->n_dns4 == d.n_dns4 && w->n_dns6 == d.n_dns6 &&
	    !memcmp(w->dns4, d.dns4, sizeof(d.dns4)) &&
	    !memcmp(w->dns6, d.dns6, sizeof(d.dns6)) &&
	    (p->dry_run || a->cfg.dns_hook[0])) {
		status = I62608_CFG_UNCHANGED;
	} else if (p->dry_run) {
		status = I62608_CFG_APPLIED;
	} else if (a->cfg.dns_hook[0]) {
		char *argv[2 + 2 * I62608_MAX_DNS + 1] = {
			a->cfg.dns_hook, p->ifname,
		};

		for (i = 0; i < n; i++)
			argv[2 + i] = servers[i];
		ret = agent_hook_run(argv, a->cfg.hook_timeout_ms);
		for (i = 0; i < n; i++)
			status = hook_result(items[i], ret);
	} else {
		/* No hook: a resolv.conf fragment for the resolver to use. */
		used = (size_t)snprintf(text, sizeof(text),
					"# %s: DNS servers of %s, set by the home network's configurator (i62608-agent)\n",
					a->cfg.dns_file, p->ifname);
		for (i = 0; i < n; i++)
			used += (size_t)snprintf(text + used, sizeof(text) - used,
						 "nameserver %s\n", servers[i]);
		if (file_is(a->cfg.dns_file, text)) {
			status = I62608_CFG_UNCHANGED;
		} else {
			ret = write_atomic(a->cfg.dns_file, text);
			if (ret) {
				log_warn("configuration: %s: %s", a->cfg.dns_file,
					 strerror(-ret));
				for (i = 0; i < n; i++)
					agent_cfg_refuse(items[i], I62608_CFGR_FAILED);
				return;
			}
			status = I62608_CFG_APPLIED;
		}
	}
	if (status == I62608_CFG_REFUSED)
		return;
	for (i = 0; i < n; i++)
		agent_cfg_set(items[i], status);
	w->has_dns = true;
	w->n_dns4 = d.n_dns4;
	w->n_dns6 = d.n_dns6;
	memcpy(w->dns4, d.dns4, sizeof(d.dns4));
	memcpy(w->dns6, d.dns6, sizeof(d.dns6));
}

/* ------------------------------------------------------------------ */
/* The others                                                          */
/* ------------------------------------------------------------------ */

static void apply_dhcp(struct agent *a, struct agent_cfg_plan *p,
		       struct agent_cfg_item *it, struct agent_desired *w)
{
	u8 bit = it->type == I62608_TLV_CFG_DHCP4 ? BIT4 : BIT6;
	bool on = it->val[0];
	bool running = (a->dhcp_started & bit) && !strcmp(a->dhcp_ifname, p->ifname);

	if (p->dry_run) {
		bool same = (w->dhcp_known & bit) && !!(w->dhcp & bit) == on;

		w->dhcp_known |= bit;
		w->dhcp = on ? (w->dhcp | bit) : (w->dhcp & (u8)~bit);
		agent_cfg_set(it, same ? I62608_CFG_UNCHANGED : I62608_CFG_APPLIED);
		return;
	}
	if (on == running || (!on && !(a->dhcp_started & bit))) {
		agent_cfg_set(it, I62608_CFG_UNCHANGED);
		return;
	}
	if (hook_result(it, dhcp_hook(a, on ? p->ifname : a->dhcp_ifname, on, bit)) ==
	    I62608_CFG_REFUSED)
		return;
	if (on) {
		a->dhcp_started |= bit;
		snprintf(a->dhcp_ifname, sizeof(a->dhcp_ifname), "%s", p->ifname);
	} else {
		a->dhcp_started &= (u8)~bit;
	}
	agent_cfg_set(it, I62608_CFG_APPLIED);
}

static void apply_hostname(struct agent *a, struct agent_cfg_plan *p,
			   struct agent_cfg_item *it, struct agent_desired *w)
{
	char name[I62608_STR_MAX + 1], now[256] = "";
	int ret;

	i62608_tlv_str(&(struct i62608_elem){ .len = it->len, .val = it->val },
		       name, sizeof(name));
	if (p->dry_run) {
		agent_cfg_set(it, strcmp(w->hostname, name) ? I62608_CFG_APPLIED :
			      I62608_CFG_UNCHANGED);
		strcpy(w->hostname, name);
		return;
	}
	if (!gethostname(now, sizeof(now) - 1) && !strcmp(now, name)) {
		agent_cfg_set(it, I62608_CFG_UNCHANGED);
		return;
	}
	if (a->cfg.hostname_hook[0]) {
		char *argv[] = { a->cfg.hostname_hook, name, NULL };

		if (hook_result(it, agent_hook_run(argv, a->cfg.hook_timeout_ms)) ==
		    I62608_CFG_APPLIED)
			agent_cfg_set(it, I62608_CFG_APPLIED);
		return;
	}
	ret = sethostname(name, strlen(name));
	if (ret) {
		log_warn("configuration: sethostname %s: %s", name, strerror(errno));
		agent_cfg_refuse(it, I62608_CFGR_FAILED);
		return;
	}
	log_info("configuration: host name %s", name);
	agent_cfg_set(it, I62608_CFG_APPLIED);
}

static void svc_set(struct agent_svc_state *v, unsigned int *n,
		    const char *name, u8 state)
{
	unsigned int i;

	for (i = 0; i < *n; i++) {
		if (!strcmp(v[i].name, name)) {
			v[i].state = state;
			return;
		}
	}
	if (*n == I62608_MAX_SERVICES)
		return;
	snprintf(v[*n].name, sizeof(v[*n].name), "%s", name);
	v[(*n)++].state = state;
}

/* The state REPORTs give @name now, or -1 when they do not list it. */
static int svc_state(const struct agent *a, const char *name)
{
	unsigned int i;

	for (i = 0; i < a->n_svc; i++)
		if (!strcmp(a->svc[i].name, name))
			return a->svc[i].state;
	for (i = 0; i < a->cfg.n_services; i++)
		if (!strcmp(a->cfg.services[i].name, name))
			return a->cfg.services[i].state;
	return -1;
}

static void apply_service(struct agent *a, struct agent_cfg_plan *p,
			  struct agent_cfg_item *it, struct agent_desired *w,
			  bool *svc_changed)
{
	char name[I62608_SVC_NAME_MAX + 1], path[PATH_MAX];
	struct i62608_elem t;
	unsigned int i;
	int cur = -1, ret;
	u8 state;

	if (!i62608_tlv_find(it->val, it->len, I62608_SVC_NAME, &t))
		return;
	i62608_tlv_str(&t, name, sizeof(name));
	if (!i62608_tlv_find(it->val, it->len, I62608_SVC_STATE, &t))
		return;
	state = t.val[0];

	if (p->dry_run) {
		for (i = 0; i < w->n_svc; i++)
			if (!strcmp(w->svc[i].name, name))
				cur = w->svc[i].state;
		if (cur < 0)
			cur = svc_state(a, name);
		svc_set(w->svc, &w->n_svc, name, state);
		agent_cfg_set(it, cur == state ? I62608_CFG_UNCHANGED :
			      I62608_CFG_APPLIED);
		return;
	}
	if (svc_state(a, name) == state) {
		agent_cfg_set(it, I62608_CFG_UNCHANGED);
		return;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", a->cfg.services_dir,
			     name) >= sizeof(path) || access(path, X_OK)) {
		agent_cfg_refuse(it, I62608_CFGR_NO_SERVICE);
		return;
	}
	{
		char *argv[] = {
			path, state == I62608_SVC_ENABLED ? "enable" : "disable",
			NULL,
		};

		ret = agent_hook_run(argv, a->cfg.hook_timeout_ms);
	}
	*svc_changed = true;
	if (ret) {
		/* Half switched, maybe: what it is now nobody knows. */
		svc_set(a->svc, &a->n_svc, name, I62608_SVC_FAILED);
		agent_cfg_refuse(it, ret == -ENOENT ? I62608_CFGR_NO_SERVICE :
				 I62608_CFGR_FAILED);
		return;
	}
	svc_set(a->svc, &a->n_svc, name, state);
	log_info("configuration: service %s %s", name,
		 state == I62608_SVC_ENABLED ? "enabled" : "disabled");
	agent_cfg_set(it, I62608_CFG_APPLIED);
}

static const char *const qos_names[] = {
	"best-effort", "background", "video", "voice",
};

static void apply_qos(struct agent *a, struct agent_cfg_plan *p,
		      struct agent_cfg_item *it, struct agent_desired *w)
{
	u8 class = it->val[0];
	char *argv[] = {
		a->cfg.qos_hook, p->ifname, (char *)qos_names[class], NULL,
	};

	if (w->has_qos && w->qos == class) {
		agent_cfg_set(it, I62608_CFG_UNCHANGED);
		return;
	}
	if (!p->dry_run &&
	    hook_result(it, agent_hook_run(argv, a->cfg.hook_timeout_ms)) ==
	    I62608_CFG_REFUSED)
		return;
	w->has_qos = true;
	w->qos = class;
	agent_cfg_set(it, I62608_CFG_APPLIED);
}

static void apply_setting(struct agent *a, struct agent_cfg_plan *p,
			  struct agent_cfg_item *it, struct agent_desired *w)
{
	struct agent_kv kv;
	struct i62608_elem t;
	unsigned int i;

	if (!i62608_tlv_find(it->val, it->len, I62608_KV_KEY, &t))
		return;
	i62608_tlv_str(&t, kv.key, sizeof(kv.key));
	if (!i62608_tlv_find(it->val, it->len, I62608_KV_VALUE, &t))
		return;
	i62608_tlv_str(&t, kv.value, sizeof(kv.value));
	for (i = 0; i < w->n_kv; i++)
		if (!strcmp(w->kv[i].key, kv.key))
			break;
	if (i < w->n_kv && !strcmp(w->kv[i].value, kv.value)) {
		agent_cfg_set(it, I62608_CFG_UNCHANGED);
		return;
	}
	if (!p->dry_run) {
		char *argv[] = { a->cfg.setting_hook, kv.key, kv.value, NULL };

		if (hook_result(it, agent_hook_run(argv, a->cfg.hook_timeout_ms)) ==
		    I62608_CFG_REFUSED)
			return;
	}
	/* Settings past the limit of one request are not remembered. */
	if (i == w->n_kv && w->n_kv < I62608_MAX_SETTINGS)
		w->n_kv++;
	if (i < w->n_kv)
		w->kv[i] = kv;
	agent_cfg_set(it, I62608_CFG_APPLIED);
}

void agent_cfg_apply(struct agent *a, struct agent_inst *in,
		     struct agent_cfg_plan *p, struct agent_desired *w)
{
	bool changed = false, news = false;
	unsigned int i;

	if (!p->ifindex)
		for (i = 0; i < p->n; i++)
			if (!p->items[i].done && iface_item(p->items[i].type))
				agent_cfg_refuse(&p->items[i], I62608_CFGR_NO_IFACE);
	if (!p->dry_run && !a->net)
		for (i = 0; i < p->n; i++)
			if (!p->items[i].done)
				agent_cfg_refuse(&p->items[i], I62608_CFGR_UNSUPPORTED);

	apply_addrs(a, p, w, AF_INET, &changed);
	apply_addrs(a, p, w, AF_INET6, &changed);
	for (i = 0; i < p->n; i++) {
		struct agent_cfg_item *it = &p->items[i];

		if (it->done)
			continue;
		switch (it->type) {
		case I62608_TLV_CFG_GW4:
		case I62608_TLV_CFG_GW6:
			apply_gw(a, p, it, w, &changed);
			break;
		case I62608_TLV_CFG_DNS4:
		case I62608_TLV_CFG_DNS6:
			apply_dns(a, p, w);
			break;
		case I62608_TLV_CFG_DHCP4:
		case I62608_TLV_CFG_DHCP6:
			apply_dhcp(a, p, it, w);
			break;
		case I62608_TLV_CFG_HOSTNAME:
			apply_hostname(a, p, it, w);
			changed |= it->status == I62608_CFG_APPLIED;
			news |= it->status == I62608_CFG_APPLIED;
			break;
		case I62608_TLV_CFG_SERVICE:
			apply_service(a, p, it, w, &news);
			break;
		case I62608_TLV_CFG_QOS:
			apply_qos(a, p, it, w);
			break;
		case I62608_TLV_CFG_SETTING:
			apply_setting(a, p, it, w);
			break;
		}
	}
	/* REPORTs carry both; no host event tells of either (rtnetlink does not). */
	p->report_again = news && !p->dry_run;
	if (changed && !p->dry_run) {
		struct agent_host h;
		struct i62608_report_if d;

		/* What we did ourselves is no news for CONFIG_REPORT. */
		if (!snapshot(a, &h)) {
			agent_describe_if(&h, agent_host_link(&h, in->aif->ifindex), &d);
			agent_cfg_baseline(a, in, &d);
			agent_host_free(&h);
		}
	}
}
