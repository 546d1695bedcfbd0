/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608d's side of the kernel module's generic netlink family: one
 * socket for requests (dumps, CONFIG_SEND), one subscribed to the events
 * group, with a large receive buffer; both through userspace/lib/nl.c.
 */
#ifndef I62608D_KNL_H
#define I62608D_KNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfgntf.h"
#include "nl.h"

struct knl {
	struct i62608_nl req;
	struct i62608_nl ev;
	bool up;
	uint32_t epoch;			/* the configurator's, VERSION_GET */
	char module_version[64];
};

/*
 * Subscribe to the events (first: nothing that happens after the dumps
 * that follow can be missed), then read the configurator's epoch.
 * Returns 0 or -errno (-ENOENT: the module is not loaded).
 */
int knl_open(struct knl *k);
void knl_close(struct knl *k);
/* The events socket's descriptor, for poll(). */
int knl_event_fd(const struct knl *k);

/* VERSION_GET: the configurator's epoch now (a reload changes it). */
int knl_epoch(struct knl *k, uint32_t *epoch);

/* Every agent of the table (AGENT_GET dump); @fn as for the events. */
int knl_dump_agents(struct knl *k,
		    void (*fn)(void *arg, const struct i62608_agent_info *a),
		    void *arg);

/*
 * Request ids in flight (CONFIG_GET dump), sorted; *ids is malloc()ed.
 */
int knl_pending_ids(struct knl *k, uint32_t **ids, size_t *n);

/*
 * CONFIG_SEND of @items to the agent @mac heard on @ifindex. Returns 0
 * with the request's id, or -errno with the kernel's reason in @k->req.errmsg.
 */
int knl_config_send(struct knl *k, const uint8_t mac[6], uint32_t ifindex,
		    const uint8_t *items, size_t len, uint32_t *id);

struct knl_handlers {
	void (*agent)(void *arg, const struct i62608_agent_info *a);
	void (*agent_lost)(void *arg, const struct i62608_agent_info *a,
			   uint32_t reason);
	void (*result)(void *arg, const struct i62608_cfg_result *r);
	void (*cfg_report)(void *arg, const struct i62608_cfg_report *r);
	/* Notifications were lost: the socket overflowed. */
	void (*lost)(void *arg);
};

/*
 * Read what the events socket holds (at most @budget reads, so that other
 * work gets its turn). Returns 1 if more may be waiting, 0 if drained, or
 * -errno (the socket failed: reopen).
 */
int knl_read_events(struct knl *k, const struct knl_handlers *h, void *arg,
		    unsigned int budget);

#endif /* I62608D_KNL_H */
