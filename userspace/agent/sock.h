/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet sockets of the agent's interfaces (sock.c).
 */
#ifndef AGENT_SOCK_H
#define AGENT_SOCK_H

#include <linux/filter.h>

#include "agent.h"

/* Largest filter agent_sock_filter() builds: 9 + one per message type. */
#define AGENT_FILTER_MAX	(9 + 16)

/*
 * The classic BPF program passing only untagged frames of @ethertype,
 * version 1, of a type in agent_rx_handlers[]. Returns its length (0 if
 * the handler table outgrew AGENT_FILTER_MAX).
 */
unsigned int agent_sock_filter(u16 ethertype, struct sock_filter *f);

int agent_sock_open(struct agent *a, struct agent_if *aif);
void agent_sock_close(struct agent *a, struct agent_if *aif);
int agent_sock_tx(struct agent *a, struct agent_inst *in, const u8 *dst,
		  const u8 *msg, size_t len);
/* Read the kernel's drop counter of @aif's socket into its stats. */
void agent_sock_stats(struct agent_if *aif);

#endif /* AGENT_SOCK_H */
