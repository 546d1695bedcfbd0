/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host state from rtnetlink, with libmnl (rtnl.c): a dump of links,
 * addresses and default routes, then their notifications.
 */
#ifndef AGENT_RTNL_H
#define AGENT_RTNL_H

#include "agent.h"

struct agent_rtnl;

/* Replace @h's links and routes by a fresh dump. Returns 0 or -errno. */
int agent_rtnl_dump(struct agent_host *h);
/*
 * Subscribe to link, address and route notifications, then dump into
 * a->host (subscribing first: nothing changes unseen in between). Returns
 * NULL with errno set on failure.
 */
struct agent_rtnl *agent_rtnl_open(struct agent *a);
struct agent_poll *agent_rtnl_poll(struct agent_rtnl *r);
void agent_rtnl_close(struct agent_rtnl *r);

#endif /* AGENT_RTNL_H */
