// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's interfaces and what its REPORTs describe (see agent.h).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/if_arp.h>
#include <sys/random.h>

#include "agent.h"
#include "log.h"

static void refresh_fire(struct agent_timer *t, void *ctx)
{
	agent_refresh(ctx, false);
}

void agent_init(struct agent *a, const struct agent_ops *ops, u32 n_instances,
		u64 seed)
{
	struct agent_config cfg = a->cfg;
	struct agent_keys keys = a->keys;

	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	/* Loaded before (main.c), or none: security off. */
	a->keys = keys;
	i62608_cr_wipe(&keys, sizeof(keys));
	a->ops = ops;
	a->n_instances = n_instances ? n_instances : 1;
	a->rng = seed;
	agent_timer_init(&a->refresh, refresh_fire);
}

static void if_free(struct agent *a, struct agent_if *aif)
{
	u32 i;

	for (i = 0; i < aif->n_inst; i++)
		agent_inst_free(a, &aif->inst[i]);
	if (a->ops->if_close)
		a->ops->if_close(a, aif);
	free(aif->inst);
	free(aif);
}

void agent_free(struct agent *a)
{
	u32 i;

	for (i = 0; i < a->n_ifs; i++)
		if_free(a, a->ifs[i]);
	free(a->ifs);
	a->ifs = NULL;
	a->n_ifs = 0;
	agent_timer_cancel(&a->timers, &a->refresh);
	agent_timers_free(&a->timers);
	agent_host_free(&a->host);
	i62608_cr_wipe(&a->keys, sizeof(a->keys));
}

/* splitmix64: fast, good enough for jitter, seeded from getrandom(). */
u32 agent_rand(struct agent *a)
{
	u64 z = (a->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (u32)((z ^ (z >> 31)) >> 32);
}

u32 agent_new_epoch(void)
{
	u32 epoch = 0;

	/* Tiny requests from getrandom() do not fail once it is seeded. */
	while (!epoch)
		if (getrandom(&epoch, sizeof(epoch), 0) != sizeof(epoch))
			epoch = 0;
	return epoch;
}

const char *agent_inst_label(const struct agent *a, const struct agent_inst *in,
			     char *buf, size_t size)
{
	if (a->n_instances > 1)
		snprintf(buf, size, "%s#%u", in->aif->name, in->index);
	else
		snprintf(buf, size, "%s", in->aif->name);
	return buf;
}

struct agent_if *agent_if_find(struct agent *a, int ifindex)
{
	u32 i;

	for (i = 0; i < a->n_ifs; i++)
		if (a->ifs[i]->ifindex == ifindex)
			return a->ifs[i];
	return NULL;
}

static bool named(const struct agent_config *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_ifnames; i++)
		if (!strcmp(c->ifnames[i], name))
			return true;
	return false;
}

/*
 * Named interfaces: any Ethernet link of that name. Otherwise every
 * Ethernet link that is up, not the loopback and not a port of a bridge
 * or bond (its master is where the host's addresses live).
 */
bool agent_link_wanted(const struct agent *a, const struct agent_link *l)
{
	if (l->type != ARPHRD_ETHER || !l->has_mac || (l->mac[0] & 0x01))
		return false;
	if (a->cfg.n_ifnames)
		return named(&a->cfg, l->name);
	return !(l->flags & IFF_LOOPBACK) && !l->master && (l->flags & IFF_UP);
}

/* An interface we run on stays while it exists, also when it goes down. */
static bool still_wanted(const struct agent *a, const struct agent_if *aif,
			 const struct agent_link *l)
{
	if (!l || memcmp(l->mac, aif->mac, 6) || !l->has_mac ||
	    l->type != ARPHRD_ETHER)
		return false;
	if (a->cfg.n_ifnames)
		return named(&a->cfg, l->name);
	return !l->master;
}

static int if_add(struct agent *a, const struct agent_link *l)
{
	struct agent_if *aif, **ifs;
	u32 i;
	int err;

	aif = calloc(1, sizeof(*aif));
	ifs = reallocarray(a->ifs, a->n_ifs + 1, sizeof(*a->ifs));
	if (ifs)
		a->ifs = ifs;
	if (!aif || !ifs)
		goto nomem;
	aif->inst = calloc(a->n_instances, sizeof(*aif->inst));
	if (!aif->inst)
		goto nomem;
	aif->ifindex = l->ifindex;
	strcpy(aif->name, l->name);
	memcpy(aif->mac, l->mac, 6);
	aif->poll.fd = -1;
	if (a->ops->if_open) {
		err = a->ops->if_open(a, aif);
		if (err) {
			a->open_err = err;
			log_err("%s: cannot open a packet socket: %s", aif->name,
				strerror(-err));
			free(aif->inst);
			free(aif);
			return err;
		}
	}
	aif->n_inst = a->n_instances;
	for (i = 0; i < aif->n_inst; i++)
		agent_inst_init(a, aif, &aif->inst[i], (u16)i);
	agent_describe_if(&a->host, l, &aif->desc);
	a->ifs[a->n_ifs++] = aif;
	if (a->n_instances > 1)
		log_info("%s: running %u agents", aif->name, a->n_instances);
	else
		log_info("%s: running", aif->name);
	return 0;

nomem:
	if (aif)
		free(aif->inst);
	free(aif);
	log_err("%s: out of memory", l->name);
	return -ENOMEM;
}

static void if_remove(struct agent *a, u32 idx, bool bye)
{
	struct agent_if *aif = a->ifs[idx];
	u32 i;

	for (i = 0; i < aif->n_inst; i++) {
		if (bye)
			agent_inst_stop(a, &aif->inst[i], I62608_BYE_SHUTDOWN);
		else
			agent_inst_link(a, &aif->inst[i], false);
	}
	log_info("%s: stopped", aif->name);
	a->ifs[idx] = a->ifs[--a->n_ifs];
	a->if_removed++;
	if_free(a, aif);
}

void agent_sync_ifaces(struct agent *a)
{
	const struct agent_host *h = &a->host;
	u32 i, j;

	/* Gone, renamed out of the list, new MAC (new instance MACs). */
	for (i = 0; i < a->n_ifs;) {
		struct agent_if *aif = a->ifs[i];
		const struct agent_link *l = agent_host_link(h, aif->ifindex);

		if (still_wanted(a, aif, l)) {
			if (strcmp(aif->name, l->name)) {
				log_info("%s: renamed %s", aif->name, l->name);
				strcpy(aif->name, l->name);
			}
			i++;
			continue;
		}
		/* A link that still exists and is up hears our BYE. */
		if_remove(a, i, l && aif->up);
	}
	for (i = 0; i < h->n_links; i++) {
		const struct agent_link *l = &h->links[i];

		if (agent_link_wanted(a, l) && !agent_if_find(a, l->ifindex))
			if_add(a, l);
	}
	for (i = 0; i < a->n_ifs; i++) {
		struct agent_if *aif = a->ifs[i];
		const struct agent_link *l = agent_host_link(h, aif->ifindex);
		bool up = (l->flags & IFF_UP) && (l->flags & IFF_RUNNING);

		if (up == aif->up)
			continue;
		aif->up = up;
		log_info("%s: link %s", aif->name, up ? "up" : "down");
		for (j = 0; j < aif->n_inst; j++)
			agent_inst_link(a, &aif->inst[j], up);
	}
}

void agent_host_changed(struct agent *a)
{
	if (!agent_timer_armed(&a->refresh) &&
	    agent_timer_arm(&a->timers, &a->refresh, a->now + a->cfg.debounce_ms))
		agent_refresh(a, false);	/* no memory: no debounce */
}

static void host_name(struct agent *a, char *name)
{
	char buf[256] = "";
	size_t n;

	if (a->cfg.name[0]) {
		strcpy(name, a->cfg.name);
		return;
	}
	/* The kernel's host name may be anything: carry it if we can. */
	if (gethostname(buf, sizeof(buf) - 1) ||
	    !i62608_str_valid((const u8 *)buf, strlen(buf)))
		buf[0] = 0;
	n = strnlen(buf, I62608_STR_MAX);
	/* Cut on a character boundary. */
	while (n && ((u8)buf[n] & 0xc0) == 0x80)
		n--;
	memcpy(name, buf, n);
	name[n] = 0;
}

void agent_refresh(struct agent *a, bool force)
{
	char name[I62608_STR_MAX + 1];
	bool changed = force;
	u32 i, j, caps;
	int err;

	agent_timer_cancel(&a->timers, &a->refresh);
	err = agent_resolv_load(&a->host, a->cfg.resolv_conf);
	if (err)
		log_warn("%s: %s", a->cfg.resolv_conf, strerror(-err));
	for (i = 0; i < a->n_ifs; i++) {
		struct agent_if *aif = a->ifs[i];
		struct i62608_report_if d;

		agent_describe_if(&a->host, agent_host_link(&a->host, aif->ifindex), &d);
		if (memcmp(&d, &aif->desc, sizeof(d))) {
			aif->desc = d;
			changed = true;
		}
	}
	caps = agent_host_caps(a);
	host_name(a, name);
	if (caps != a->caps || strcmp(name, a->name)) {
		a->caps = caps;
		strcpy(a->name, name);
		changed = true;
	}
	if (!changed)
		return;
	a->gen++;
	log_debug("what REPORTs describe changed (generation %u)", a->gen);
	for (i = 0; i < a->n_ifs; i++) {
		for (j = 0; j < a->ifs[i]->n_inst; j++) {
			agent_inst_changed(a, &a->ifs[i]->inst[j]);
			agent_cfg_host_changed(a, &a->ifs[i]->inst[j]);
		}
	}
}

void agent_stop(struct agent *a)
{
	u32 i, j;

	for (i = 0; i < a->n_ifs; i++)
		for (j = 0; j < a->ifs[i]->n_inst; j++)
			agent_inst_stop(a, &a->ifs[i]->inst[j],
					I62608_BYE_SHUTDOWN);
}

void agent_drop_ifaces(struct agent *a)
{
	while (a->n_ifs)
		if_remove(a, a->n_ifs - 1, a->ifs[a->n_ifs - 1]->up);
}
