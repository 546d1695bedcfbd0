/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608ctl: how decoded kernel objects are described to the output layer.
 * Apart from the commands and free of I/O, so that the unit tests render
 * synthetic objects and compare them with golden text and JSON.
 */
#ifndef I62608_CTL_RENDER_H
#define I62608_CTL_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "output.h"
#include "report.h"

enum ctl_agent_view {
	/*
	 * A row of `agent list` (inside out_table_open()), or an agent of a
	 * text event line: text shows the columns MAC IFNAME STATE TYPE
	 * DEVICE ADDRESS LAST_SEEN EXPIRES, JSON every member.
	 */
	CTL_AGENT_BRIEF,
	/* `agent show`: every member in both formats. */
	CTL_AGENT_FULL,
};

/*
 * One agent as an object named @key. @r, the decoded REPORT, is added as
 * "report" when not NULL (in text only in the full view).
 */
void ctl_print_agent(struct out *o, const char *key,
		     const struct i62608_agent_info *a,
		     const struct i62608_report *r, enum ctl_agent_view view);

/* The interfaces, addresses and services of a REPORT, as object @key. */
void ctl_print_report(struct out *o, const char *key,
		      const struct i62608_report *r);

/* An interface's counters, as members of the current object. */
void ctl_print_counters(struct out *o, const struct i62608_stats_info *st);

/* `iface show`: one enabled interface, with its counters as "stats". */
void ctl_print_iface(struct out *o, const struct i62608_iface_info *in);

/* `stats`: the namespace's counters, then each interface's. */
void ctl_print_stats(struct out *o, const struct i62608_nsstats_info *ns,
		     const struct i62608_iface_info *ifaces, size_t n);

/* `params`: every parameter the kernel sent, durations in their unit. */
void ctl_print_params(struct out *o, const struct i62608_params *p);

/*
 * A `monitor` record: @unix_ms is when it was received, @r the decoded
 * REPORT of an agent event (or NULL), @ifname the name of a TABLE_FULL
 * event's interface (or NULL).
 */
void ctl_print_event(struct out *o, uint64_t unix_ms,
		     const struct i62608_event *ev,
		     const struct i62608_report *r, const char *ifname);
/* The members every `monitor` record starts with: time, event. */
void ctl_print_event_head(struct out *o, uint64_t unix_ms, const char *name);
/* The record printed when the kernel dropped notifications for us. */
void ctl_print_events_lost(struct out *o, uint64_t unix_ms);

/* Names of bits, space-separated into @buf ("-" for none). */
void ctl_fmt_caps(char *buf, size_t len, uint32_t caps);
void ctl_fmt_if_flags(char *buf, size_t len, uint8_t flags);

#endif /* I62608_CTL_RENDER_H */
