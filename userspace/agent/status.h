/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the agent prints, through the output layer (status.c): the REPORTs
 * of --check, and the state dump of SIGUSR1.
 */
#ifndef AGENT_STATUS_H
#define AGENT_STATUS_H

#include "agent.h"
#include "output.h"

/* A REPORT (the struct of a decoded message) under @key. */
void agent_print_report(struct out *o, const char *key,
			const struct i62608_report *r);
/*
 * --check: the configuration's interfaces and, for each one, the REPORT
 * its instance 0 would send. Returns 0 or -1 when a REPORT does not decode
 * (a bug).
 */
int agent_print_check(struct out *o, struct agent *a, const char *config);
/* Interfaces, counters and every instance's state. */
void agent_print_status(struct out *o, struct agent *a);

#endif /* AGENT_STATUS_H */
