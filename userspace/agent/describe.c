// SPDX-License-Identifier: GPL-2.0
/*
 * What a REPORT says (docs/protocol.md section 5, docs/i62608-agent.md):
 * the identity from the configuration, the capabilities of the host, and
 * the agent's interfaces as the host state describes them, the interface
 * facing the configurator first.
 */

#include <stdio.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "agent.h"

static bool dns_on_link(const struct agent_host *h, const struct agent_link *l,
			const struct agent_nameserver *ns)
{
	const struct agent_route *r;

	/* A scoped (link-local) server belongs to its link. */
	if (ns->scope[0]) {
		char idx[16];

		snprintf(idx, sizeof(idx), "%d", l->ifindex);
		return !strcmp(ns->scope, l->name) || !strcmp(ns->scope, idx);
	}
	/* Others to the link of the family's default route. */
	r = agent_host_default_route(h, ns->family, 0);
	return r && r->ifindex == l->ifindex;
}

void agent_describe_if(const struct agent_host *h, const struct agent_link *l,
		       struct i62608_report_if *d)
{
	const struct agent_route *r;
	unsigned int i;

	/* Zeroed whole: descriptions are compared with memcmp(). */
	memset(d, 0, sizeof(*d));
	if (!l)
		return;
	strcpy(d->name, l->name);
	memcpy(d->mac, l->mac, 6);
	if (l->flags & IFF_UP)
		d->flags |= I62608_IFF_UP;
	if (l->flags & IFF_LOWER_UP)
		d->flags |= I62608_IFF_CARRIER;

	for (i = 0; i < l->n_addr4; i++) {
		const struct agent_addr *ad = &l->addr4[i];

		if (ad->origin == I62608_ORIGIN_DHCP)
			d->flags |= I62608_IFF_DHCP4;
		if (d->n_addr4 < I62608_MAX_ADDRS) {
			struct i62608_tlv_addr4 *t = &d->addr4[d->n_addr4++];

			memcpy(t->addr, ad->addr, 4);
			t->plen = ad->plen;
			t->origin = ad->origin;
		}
	}
	for (i = 0; i < l->n_addr6 && d->n_addr6 < I62608_MAX_ADDRS; i++) {
		struct i62608_tlv_addr6 *t = &d->addr6[d->n_addr6++];

		memcpy(t->addr, l->addr6[i].addr, 16);
		t->plen = l->addr6[i].plen;
		t->origin = l->addr6[i].origin;
	}

	r = agent_host_default_route(h, AF_INET, l->ifindex);
	if (r) {
		d->has_gw4 = true;
		memcpy(d->gw4, r->gw, 4);
	}
	r = agent_host_default_route(h, AF_INET6, l->ifindex);
	if (r) {
		d->has_gw6 = true;
		memcpy(d->gw6, r->gw, 16);
	}

	for (i = 0; i < h->n_dns; i++) {
		const struct agent_nameserver *ns = &h->dns[i];

		if (!dns_on_link(h, l, ns))
			continue;
		if (ns->family == AF_INET && d->n_dns4 < I62608_MAX_DNS)
			memcpy(d->dns4[d->n_dns4++], ns->addr, 4);
		else if (ns->family == AF_INET6 && d->n_dns6 < I62608_MAX_DNS)
			memcpy(d->dns6[d->n_dns6++], ns->addr, 16);
	}
}

void agent_inst_name(char *out, const char *name, u32 index, u32 n_instances)
{
	char suffix[16];
	size_t n, max;

	if (n_instances <= 1) {
		snprintf(out, I62608_STR_MAX + 1, "%s", name);
		return;
	}
	snprintf(suffix, sizeof(suffix), "-%u", index);
	max = I62608_STR_MAX - strlen(suffix);
	n = strlen(name);
	if (n > max) {
		n = max;
		/* Do not cut a UTF-8 sequence. */
		while (n && ((u8)name[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, name, n);
	strcpy(out + n, suffix);
}

void agent_report_identity(struct i62608_report *r,
			   const struct agent_config *c, const char *name,
			   u32 caps, u16 ttl)
{
	memset(r, 0, sizeof(*r));
	r->ttl = ttl;
	r->caps = caps;
	r->device_type = c->device_type;
	strcpy(r->vendor, c->vendor);
	strcpy(r->model, c->model);
	strcpy(r->serial, c->serial);
	strcpy(r->firmware, c->firmware);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->agent_version, sizeof(r->agent_version), "%s",
		 I62608_TOOL_VERSION);
	r->n_services = (u8)c->n_services;
	memcpy(r->services, c->services, c->n_services * sizeof(c->services[0]));
}

bool agent_report_ifaces(struct i62608_report *r,
			 const struct i62608_report_if *facing, const u8 *mac,
			 const struct i62608_report_if *const *others,
			 unsigned int n_others)
{
	unsigned int i;

	r->n_ifaces = 0;
	if (facing) {
		r->ifaces[r->n_ifaces] = *facing;
		memcpy(r->ifaces[r->n_ifaces].mac, mac, 6);
		r->n_ifaces++;
	}
	for (i = 0; i < n_others && r->n_ifaces < I62608_MAX_IFACES_TLV; i++)
		r->ifaces[r->n_ifaces++] = *others[i];
	return i < n_others;
}

int agent_report_msg(u8 *buf, u16 cap, const struct i62608_w_hdr *h,
		     const struct i62608_report *r, bool left_out)
{
	struct i62608_w w;
	int ret;

	i62608_w_init(&w, buf, cap);
	i62608_w_hdr(&w, h);
	/* Our interfaces[0] faces the configurator. */
	ret = i62608_report_encode(&w, r, r->n_ifaces ? 0 : -1);
	if (ret < 0)
		return -1;
	if (ret || left_out)
		i62608_w_set_flags(&w, h->flags | I62608_F_PARTIAL);
	return i62608_w_finish(&w);
}

int agent_report_of(struct agent *a, struct agent_inst *in, u32 id,
		    u64 counter, u8 *buf, bool *partial)
{
	const struct i62608_report_if *others[I62608_MAX_IFACES_TLV];
	struct i62608_w_hdr h = {
		.type = I62608_MSG_REPORT, .msg_id = id, .epoch = in->epoch,
		.counter = counter,
	};
	struct i62608_report r;
	char name[I62608_STR_MAX + 1];
	unsigned int n = 0, i;
	bool left_out;
	int len;

	agent_inst_name(name, a->name, in->index, a->n_instances);
	agent_report_identity(&r, &a->cfg, name, a->caps,
			      agent_ttl(in->hb_interval));
	agent_report_services(a, &r);
	/* One more than fits is enough to know something was left out. */
	for (i = 0; i < a->n_ifs && n < I62608_MAX_IFACES_TLV; i++)
		if (a->ifs[i] != in->aif)
			others[n++] = &a->ifs[i]->desc;
	left_out = agent_report_ifaces(&r, &in->aif->desc, in->mac, others, n);
	/* A sealed REPORT needs room for its tag within the 1500 bytes. */
	len = agent_report_msg(buf, in->sec.cur ? I62608_MAX_MSG - I62608_TAG_LEN :
			       I62608_MAX_MSG, &h, &r, left_out);
	if (len > 0 && partial)
		*partial = get_unaligned_be16(buf + 2) & I62608_F_PARTIAL;
	return len;
}

/* ------------------------------------------------------------------ */
/* Capabilities                                                        */
/* ------------------------------------------------------------------ */

static bool ipv6_enabled(void)
{
	char v = 0;
	FILE *f = fopen("/proc/sys/net/ipv6/conf/all/disable_ipv6", "re");

	if (!f)
		return false;	/* no IPv6 in this kernel */
	if (fread(&v, 1, 1, f) != 1)
		v = 0;
	fclose(f);
	return v == '0';
}

/* Programs that get IPv4 addresses by DHCP, where Debian and others put them. */
static bool dhcp4_client_installed(void)
{
	static const char *const paths[] = {
		"/usr/sbin/dhclient", "/sbin/dhclient",
		"/usr/sbin/dhcpcd", "/sbin/dhcpcd",
		"/usr/sbin/udhcpc", "/sbin/udhcpc",
		"/usr/lib/systemd/systemd-networkd", "/lib/systemd/systemd-networkd",
		"/usr/sbin/NetworkManager", "/usr/sbin/connmand",
	};
	unsigned int i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], X_OK))
			return true;
	return false;
}

/* CAP_NET_ADMIN in our effective set: we could set addresses. */
static bool can_admin_network(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &
	       CAP_TO_MASK(CAP_NET_ADMIN);
}

u32 agent_host_caps(const struct agent *a)
{
	u32 caps = 0;
	unsigned int i;

	if (!access("/proc/sys/net/ipv4", F_OK))
		caps |= I62608_CAP_IPV4;
	if (ipv6_enabled())
		caps |= I62608_CAP_IPV6;
	for (i = 0; i < a->n_ifs; i++)
		if (a->ifs[i]->desc.flags & I62608_IFF_DHCP4)
			caps |= I62608_CAP_DHCP4;
	if (!(caps & I62608_CAP_DHCP4) && dhcp4_client_installed())
		caps |= I62608_CAP_DHCP4;
	if (can_admin_network())
		caps |= I62608_CAP_STATIC;
	if (a->cfg.n_services || !access(a->cfg.services_dir, X_OK))
		caps |= I62608_CAP_SERVICES;
	if (!access(a->cfg.qos_hook, X_OK))
		caps |= I62608_CAP_QOS;
	/* Configuration comes on a session only, and applies to one host. */
	if (a->keys.enabled) {
		caps |= I62608_CAP_SECURITY;
		if (a->cfg.config_mode == AGENT_CFG_DRY_RUN || a->n_instances == 1)
			caps |= I62608_CAP_CONFIG;
	}
	return caps;
}
