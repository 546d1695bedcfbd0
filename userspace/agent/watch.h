/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Notice when resolv.conf changes (watch.c): DNS servers change without
 * any rtnetlink message.
 */
#ifndef AGENT_WATCH_H
#define AGENT_WATCH_H

#include "agent.h"

struct agent_watch;

/* Watch @path's directory (and its target's, if it is a symlink). */
struct agent_watch *agent_watch_open(const char *path);
struct agent_poll *agent_watch_poll(struct agent_watch *w);
void agent_watch_close(struct agent_watch *w);

#endif /* AGENT_WATCH_H */
