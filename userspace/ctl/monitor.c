// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl monitor: print the kernel's notifications as they come.
 *
 * SIGINT and SIGTERM are blocked except inside ppoll(), so a signal can
 * never slip in between checking the stop flag and going to sleep: the
 * monitor always ends promptly, with status 0, and with every record it
 * printed complete.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <netlink/genl/genl.h>

#include "ctl.h"
#include "cfgnl.h"

/* Receive buffer of the events socket (see set_rcvbuf()). */
#define MONITOR_RCVBUF (4 << 20)
/* --timeout is at most a year. */
#define MONITOR_MAX_TIMEOUT_MS (366ULL * 24 * 3600 * 1000)

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	monitor_stop = 1;
}

struct monitor {
	struct ctl *ctl;
	uint64_t count;		/* stop after this many events, 0: never */
	uint64_t seen;
};

static uint64_t realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct monitor *m = arg;
	struct i62608_event ev;
	struct i62608_report r;
	bool has_report = false;
	char ifname[IF_NAMESIZE];
	const char *ifn = NULL;

	if (m->count && m->seen >= m->count)
		return NL_SKIP;
	if (nlmsg_hdr(msg)->nlmsg_type != m->ctl->nl.family)
		return NL_SKIP;
	/* Pairing and configuration events decode on their own. */
	if (nlmsg_hdr(msg)->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
		struct nlattr *tb[I62608_A_MAX + 1];
		uint8_t cmd = i62608_nl_cmd(msg);
		int ret = i62608_nl_parse(msg, tb) ? -EBADMSG :
			ctl_print_cfg_event(m->ctl->out, realtime_ms(), cmd, tb);

		if (ret < 0) {
			ctl_err(m->ctl, "ignoring a malformed %s notification",
				i62608_cmd_name(cmd));
			return NL_SKIP;
		}
		if (!ret) {
			m->seen++;
			return NL_OK;
		}
	}
	if (i62608_parse_event(msg, &ev)) {
		ctl_err(m->ctl, "ignoring a malformed %s notification",
			i62608_cmd_name(ev.cmd));
		return NL_SKIP;
	}
	/* Decoded now: the REPORT points into this message. */
	if (ev.has_agent && ev.agent.report) {
		if (i62608_report_decode(ev.agent.report, ev.agent.report_len, &r))
			ctl_err(m->ctl, "the REPORT of an %s event does not decode",
				i62608_cmd_name(ev.cmd));
		else
			has_report = true;
	}
	/* TABLE_FULL carries the name; should it not, look the index up. */
	if (ev.has_ifname)
		ifn = ev.ifname;
	else if (ev.has_ifindex && if_indextoname(ev.ifindex, ifname))
		ifn = ifname;
	ctl_print_event(m->ctl->out, realtime_ms(), &ev,
			has_report ? &r : NULL, ifn);
	m->seen++;
	return NL_OK;
}

/*
 * A burst of thousands of agents (a power cut ends) must not overflow the
 * socket. SO_RCVBUF is capped at net.core.rmem_max (208 KiB by default,
 * about 500 agent events); with CAP_NET_ADMIN, SO_RCVBUFFORCE is not.
 * Best effort: events_lost says when it was not enough.
 */
static void set_rcvbuf(int fd)
{
	int size = MONITOR_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int parse_opts(struct ctl *ctl, int argc, char **argv,
		      uint64_t *count, uint64_t *timeout_ms)
{
	char err[CTL_ERR_LEN];
	int i;

	for (i = 0; i < argc; i++) {
		const char *opt = argv[i], *val, *eq = strchr(opt, '=');
		size_t optlen = eq ? (size_t)(eq - opt) : strlen(opt);
		bool is_count = optlen == 7 && !strncmp(opt, "--count", 7);
		bool is_timeout = optlen == 9 && !strncmp(opt, "--timeout", 9);

		if (!is_count && !is_timeout)
			return ctl_usage(ctl, "unexpected argument '%s'", opt);
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return ctl_usage(ctl, "'%.*s' needs a value", (int)optlen,
					 opt);
		if (is_count) {
			if (ctl_parse_u64(val, UINT32_MAX, count, err, sizeof(err)))
				return ctl_usage(ctl, "--count: %s", err);
			if (!*count)
				return ctl_usage(ctl, "--count: must be at least 1");
		} else {
			if (ctl_parse_duration(val, 1000, MONITOR_MAX_TIMEOUT_MS,
					       timeout_ms, err, sizeof(err)))
				return ctl_usage(ctl, "--timeout: %s", err);
			if (!*timeout_ms)
				return ctl_usage(ctl, "--timeout: must be more than 0");
		}
	}
	return CTL_OK;
}

static int cmd_monitor(struct ctl *ctl, int argc, char **argv)
{
	struct monitor m = { .ctl = ctl };
	uint64_t timeout_ms = 0, deadline = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, unblocked;
	struct pollfd pfd;
	int err;

	if (ctl_want_help(ctl, argc, argv))
		return CTL_OK;
	err = parse_opts(ctl, argc, argv, &m.count, &timeout_ms);
	if (err)
		return err;
	if (!ctl_nl(ctl))
		return CTL_FAIL;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	err = i62608_nl_subscribe(&ctl->nl);
	if (err)
		return ctl_nl_err(ctl, err, "monitor: joining the events group");
	set_rcvbuf(i62608_nl_fd(&ctl->nl));
	out_set_stream(ctl->out, true);
	if (timeout_ms)
		deadline = monotonic_ms() + timeout_ms;
	pfd.fd = i62608_nl_fd(&ctl->nl);
	pfd.events = POLLIN;

	while (!monitor_stop && !(m.count && m.seen >= m.count)) {
		struct timespec ts, *tsp = NULL;
		int n;

		if (deadline) {
			uint64_t now = monotonic_ms();

			if (now >= deadline)
				break;
			ts.tv_sec = (time_t)((deadline - now) / 1000);
			ts.tv_nsec = (long)((deadline - now) % 1000) * 1000000;
			tsp = &ts;
		}
		n = ppoll(&pfd, 1, tsp, &unblocked);
		if (n < 0 && errno != EINTR)
			return ctl_err(ctl, "waiting for events: %s",
				       strerror(errno));
		if (n <= 0)
			continue;
		/* Read everything that is queued, then sleep again. */
		do {
			err = i62608_nl_poll_events(&ctl->nl, event_cb, &m, 0);
			if (err == -ENOBUFS)
				ctl_print_events_lost(ctl->out, realtime_ms());
			else if (err < 0)
				return ctl_err(ctl, "reading events: %s",
					       strerror(-err));
		} while (err && !(m.count && m.seen >= m.count));
	}
	if (m.count && m.seen < m.count && !monitor_stop)
		return ctl_err(ctl, "timed out after %llu of %llu events",
			       (unsigned long long)m.seen,
			       (unsigned long long)m.count);
	return CTL_OK;
}

const struct ctl_cmd ctl_monitor_cmds[] = {
	{
		.object = "monitor", .fn = cmd_monitor,
		.args = "[--count N] [--timeout DURATION]",
		.summary = "print events as they happen",
		.help =
"Listens to the kernel's notifications for the current network namespace\n"
"and prints one record per event, as soon as it arrives: its time of\n"
"arrival (ISO 8601, UTC, milliseconds; with -j also \"time_ms\", Unix time\n"
"in milliseconds), the event, and its data:\n"
"\n"
"  iface_new     the protocol was enabled on an interface\n"
"  iface_del     it was disabled; reason: user, iface_gone, netns_exit\n"
"  agent_new     a new agent was heard; restarted: a known agent came\n"
"                back with a new epoch (it rebooted)\n"
"  agent_change  an agent sent a new REPORT\n"
"  agent_lost    an agent is gone; reason: ttl_expired, bye,\n"
"                iface_gone, user, netns_exit\n"
"  table_full    a frame from a new agent found the table full; limit:\n"
"                netns or iface; dropped: frames dropped since the last\n"
"                such event\n"
"  pair_new      an agent was paired by the window, or a pairing by code\n"
"                learned its key: pair (code, public_key, origin), mac\n"
"  config_result a configuration request ended: request_id, mac, outcome\n"
"                (acked, nacked, timeout, agent_lost, cancelled), tries,\n"
"                results (item, status, reason)\n"
"  config_report an agent's configuration changed by itself: mac, items\n"
"  events_lost   the kernel dropped notifications because this reader\n"
"                was too slow; the table may have changed unseen\n"
"\n"
"Text records are one line of key=value pairs; with -j each record is one\n"
"JSON object on its own line, with every member of the agent and its\n"
"decoded REPORT. Output is flushed after every record.\n"
"\n"
"  --count N            exit after N events (events_lost not counted)\n"
"  --timeout DURATION   exit after DURATION (seconds, or with a unit:\n"
"                       500ms, 10s, 2m, 1h)\n"
"\n"
"Exits with 0 on SIGINT or SIGTERM, after --count events, or when\n"
"--timeout expires; with 1 when --timeout expires before --count events\n"
"were seen.\n",
	},
	{ 0 }
};
