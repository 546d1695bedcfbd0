// SPDX-License-Identifier: GPL-2.0
/*
 * i62608d: the policy daemon of the home gateway (docs/i62608d.md).
 *
 *   i62608d [--foreground] [--db PATH] [--policy PATH] [--socket PATH]
 *           [--log-level LEVEL]
 *   i62608d --check [--policy PATH]
 *
 * Single-threaded: one poll() over the kernel's event socket, the control
 * socket and its clients, a signalfd (SIGHUP reloads the policy, SIGTERM
 * and SIGINT end it) and a timerfd set to the next thing due.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include "ctlsock.h"
#include "daemon.h"
#include "log.h"

#define EXIT_USAGE 2
#define DEFAULT_DB "/var/lib/i62608/i62608d.db"
#define DEFAULT_POLICY "/etc/i62608/policy.conf"
#define DEFAULT_SOCKET "/run/i62608/i62608d.sock"
/* Kernel notifications read per turn of the loop, before anything else. */
#define EVENT_BUDGET 64

static const char *prog = "i62608d";

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s [OPTIONS]\n"
"       %s --check [--policy PATH]\n"
"\n"
"The policy daemon of the IEC 62608 home gateway: decides each device's\n"
"configuration from the policy, applies it through the i62608 kernel\n"
"module and the gateway's services, and records everything in its\n"
"database.\n"
"\n"
"Options:\n"
"  -f, --foreground      stay in the foreground, log to stderr (systemd)\n"
"      --db PATH         the database (default %s)\n"
"      --policy PATH     the policy (default %s)\n"
"      --socket PATH     the control socket (default %s)\n"
"      --log-level LEVEL error, warning, notice, info (default) or debug\n"
"      --check           check the policy, print its errors, and exit\n"
"  -h, --help            this help\n"
"  -V, --version         print the version and exit\n",
		prog, prog, DEFAULT_DB, DEFAULT_POLICY, DEFAULT_SOCKET);
}

/* ------------------------------------------------------------------ */
/* systemd readiness (Type=notify), without libsystemd                  */
/* ------------------------------------------------------------------ */

static void notify(const char *state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("NOTIFY_SOCKET");
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = 0;	/* abstract namespace */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Start                                                               */
/* ------------------------------------------------------------------ */

/*
 * @path made absolute (malloc()ed into *out): the daemon's working
 * directory becomes / in the background, and the gateway's files are
 * named after the socket's.
 */
static int absolute(const char *path, char **out)
{
	char cwd[4096];

	if (path[0] == '/') {
		*out = strdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		if (asprintf(out, "%s/%s", cwd, path) < 0)
			*out = NULL;
	}
	return *out ? 0 : -ENOMEM;
}

/* The parent directory of @path, made (@mode) when it is missing. */
static int make_parent(const char *path, mode_t mode, char *err, size_t errlen)
{
	char *copy = strdup(path), *dir;
	int ret = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	dir = dirname(copy);
	if (mkdir(dir, mode) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		ret = -errno;
	}
	free(copy);
	return ret;
}

/*
 * Into the background: the parent waits until the child says it runs
 * (or why it could not) on @pipefd, so that a failed start is the
 * parent's exit status.
 */
static int daemonize(int pipefd[2])
{
	pid_t pid;
	int fd;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		char msg[512];
		ssize_t n;

		close(pipefd[1]);
		n = read(pipefd[0], msg, sizeof(msg) - 1);
		if (n == 1 && msg[0] == 0)
			_exit(0);
		if (n > 0) {
			msg[n] = 0;
			fprintf(stderr, "%s: %s\n", prog, msg);
		} else {
			fprintf(stderr, "%s: the daemon exited while starting\n", prog);
		}
		_exit(1);
	}
	close(pipefd[0]);
	if (setsid() < 0 || chdir("/"))
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

static void start_failed(int pipefd, const char *msg)
{
	if (pipefd >= 0) {
		ssize_t n = write(pipefd, msg, strlen(msg));

		(void)n;
	}
	log_err("%s", msg);
}

static int setup_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void kernel_connect(struct daemon *d)
{
	int ret = knl_open(&d->knl);

	if (ret) {
		static int said;

		/* Said once, not at every retry. */
		if (said != ret) {
			log_warn("kernel: %s: retrying every %d s",
				 d->knl.ev.errmsg[0] ? d->knl.ev.errmsg :
				 d->knl.req.errmsg[0] ? d->knl.req.errmsg :
				 strerror(-ret), DAEMON_TICK_MS / 1000);
			said = ret;
		}
		return;
	}
	log_info("kernel: i62608 module %s, configurator epoch 0x%08x",
		 d->knl.module_version, d->knl.epoch);
	if (engine_reconcile(d))
		knl_close(&d->knl);
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

static void on_agent(void *arg, const struct i62608_agent_info *a)
{
	engine_agent(arg, a);
}

static void on_agent_lost(void *arg, const struct i62608_agent_info *a,
			  uint32_t reason)
{
	engine_agent_lost(arg, a, reason);
}

static void on_result(void *arg, const struct i62608_cfg_result *r)
{
	engine_result(arg, r);
}

static void on_cfg_report(void *arg, const struct i62608_cfg_report *r)
{
	engine_cfg_report(arg, r);
}

static void on_lost(void *arg)
{
	struct daemon *d = arg;

	d->st.events_lost++;
	d->resync = true;
}

static const struct knl_handlers handlers = {
	.agent = on_agent,
	.agent_lost = on_agent_lost,
	.result = on_result,
	.cfg_report = on_cfg_report,
	.lost = on_lost,
};

static void handle_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			notify("RELOADING=1");
			log_info("SIGHUP: reading the policy again");
			daemon_reload(d);
			notify("READY=1");
			break;
		case SIGTERM:
		case SIGINT:
			log_info("%s: exiting", strsignal((int)si.ssi_signo));
			d->stop = true;
			break;
		}
	}
}

/* Arm the timer for the earliest of what is due. */
static void arm_timer(struct daemon *d, int64_t ctl_next)
{
	struct itimerspec its = {};
	int64_t t = d->next_tick, e = engine_next(d);

	if (e >= 0 && e < t)
		t = e;
	if (ctl_next >= 0 && ctl_next < t)
		t = ctl_next;
	if (d->cloud.diag_more)
		t = mono_ms();
	if (t <= mono_ms())
		t = mono_ms() + 1;
	its.it_value.tv_sec = t / 1000;
	its.it_value.tv_nsec = (t % 1000) * 1000000;
	timerfd_settime(d->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static int run(struct daemon *d)
{
	struct pollfd pfd[4 + 1 + CTLSOCK_MAX_CLIENTS];
	int n, nctl, ev_idx, cloud_idx;
	uint64_t expirations;

	d->next_tick = mono_ms() + DAEMON_TICK_MS;
	while (!d->stop) {
		int64_t ctl_next = ctlsrv_expire(d->ctl, mono_ms());

		arm_timer(d, ctl_next);
		n = 0;
		pfd[n++] = (struct pollfd){ .fd = d->sigfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->timerfd, .events = POLLIN };
		ev_idx = -1;
		if (d->knl.up) {
			ev_idx = n;
			pfd[n++] = (struct pollfd){ .fd = knl_event_fd(&d->knl),
						    .events = POLLIN };
		}
		cloud_idx = -1;
		if (cloudlink_fd(d) >= 0) {
			cloud_idx = n;
			pfd[n++] = (struct pollfd){ .fd = cloudlink_fd(d),
						    .events = POLLIN };
		}
		nctl = ctlsrv_pollfds(d->ctl, pfd + n,
				      (int)(sizeof(pfd) / sizeof(pfd[0])) - n);
		if (poll(pfd, (nfds_t)(n + nctl), -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[0].revents)
			handle_signals(d);
		if (d->stop)
			break;
		if (pfd[1].revents &&
		    read(d->timerfd, &expirations, sizeof(expirations)) < 0 &&
		    errno != EAGAIN)
			log_warn("timerfd: %s", strerror(errno));
		if (ev_idx >= 0 && pfd[ev_idx].revents) {
			int ret = knl_read_events(&d->knl, &handlers, d, EVENT_BUDGET);

			if (ret < 0) {
				log_warn("kernel: the events socket failed: %s: reconnecting",
					 strerror(-ret));
				knl_close(&d->knl);
			}
		}
		if (d->resync && d->knl.up) {
			d->resync = false;
			log_warn("kernel: notifications were lost: reconciling");
			if (engine_reconcile(d))
				knl_close(&d->knl);
		}
		ctlsrv_handle(d->ctl, pfd + n, nctl, d);
		if (cloud_idx >= 0 && pfd[cloud_idx].revents)
			cloudlink_handle(d);
		if (d->cloud.diag_more) {
			d->cloud.diag_more = false;
			diag_run(d);
		}
		if (mono_ms() >= d->next_tick) {
			d->next_tick = mono_ms() + DAEMON_TICK_MS;
			if (!d->knl.up)
				kernel_connect(d);
			else
				engine_tick(d);
			/* A cloud client that could not start is tried again. */
			cloudlink_apply(d);
		}
		engine_act(d);
		/* What the turn queued for the servers, committed: deliver. */
		cloudlink_flush(d);
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_POLICY, OPT_SOCKET, OPT_LOG_LEVEL, OPT_CHECK };
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "db", required_argument, NULL, OPT_DB },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct daemon d = {
		.db_path = DEFAULT_DB, .policy_path = DEFAULT_POLICY,
		.sock_path = DEFAULT_SOCKET, .sigfd = -1, .timerfd = -1,
	};
	bool foreground = false, check = false;
	int opt, level = LOG_INFO, pipefd[2] = { -1, -1 }, ret = 1;
	char err[2048], *paths[3] = { NULL, NULL, NULL };

	while ((opt = getopt_long(argc, argv, "fhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			foreground = true;
			break;
		case OPT_DB:
			d.db_path = optarg;
			break;
		case OPT_POLICY:
			d.policy_path = optarg;
			break;
		case OPT_SOCKET:
			d.sock_path = optarg;
			break;
		case OPT_LOG_LEVEL:
			level = dlog_parse_level(optarg);
			if (level < 0) {
				fprintf(stderr, "%s: --log-level: '%s' is not error, warning, notice, info or debug\n",
					prog, optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_CHECK:
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, I62608_TOOL_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	dlog_set_level(level);
	if (absolute(d.db_path, &paths[0]) || absolute(d.policy_path, &paths[1]) ||
	    absolute(d.sock_path, &paths[2])) {
		fprintf(stderr, "%s: %s\n", prog, strerror(errno));
		goto out_paths;
	}
	d.db_path = paths[0];
	d.policy_path = paths[1];
	d.sock_path = paths[2];

	/* The policy first: a bad one is said on the terminal, not in a log. */
	d.policy = policy_load(d.policy_path, err, sizeof(err));
	if (!d.policy) {
		fprintf(stderr, "%s\n", err);
		ret = EXIT_USAGE;
		goto out_paths;
	}
	if (check) {
		printf("%s: %u rules, %u pools: valid\n", d.policy_path,
		       d.policy->n_rules, d.policy->n_pools);
		ret = 0;
		goto out;
	}
	if (!foreground && daemonize(pipefd)) {
		fprintf(stderr, "%s: cannot go into the background: %s\n", prog,
			strerror(errno));
		goto out;
	}
	dlog_open(!foreground);
	/* The database, its journal and the socket are root's alone. */
	umask(0077);
	d.started = now_ms();
	d.policy_loaded = d.started;

	if (make_parent(d.db_path, 0700, err, sizeof(err)) ||
	    make_parent(d.sock_path, 0700, err, sizeof(err))) {
		start_failed(pipefd[1], err);
		goto out;
	}
	d.db = db_open(d.db_path, err, sizeof(err));
	if (!d.db) {
		start_failed(pipefd[1], err);
		goto out;
	}
	d.sigfd = setup_signals();
	d.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d.sigfd < 0 || d.timerfd < 0) {
		snprintf(err, sizeof(err), "signalfd/timerfd: %s", strerror(errno));
		start_failed(pipefd[1], err);
		goto out;
	}
	d.ctl = ctlsrv_open(d.sock_path, err, sizeof(err));
	if (!d.ctl) {
		start_failed(pipefd[1], err);
		goto out;
	}
	log_info("i62608d %s: database %s, policy %s (%u rules, %u pools), control socket %s",
		 I62608_TOOL_VERSION, d.db_path, d.policy_path, d.policy->n_rules,
		 d.policy->n_pools, d.sock_path);
	gwsync_init(&d);
	/* The gateway and the devices known registered before any event. */
	cloudlink_apply(&d);
	kernel_connect(&d);
	/* Diagnosis requests left by the daemon that stopped. */
	diag_run(&d);
	/* The policy may have changed while we were away: decided again. */
	if (!d.knl.up)
		engine_replan_all(&d, "start");
	d.gw_dirty = true;
	engine_act(&d);

	if (pipefd[1] >= 0) {
		ssize_t n = write(pipefd[1], "", 1);

		(void)n;
		close(pipefd[1]);
		pipefd[1] = -1;
	}
	notify("READY=1");
	ret = run(&d);
	notify("STOPPING=1");
out:
	cloudlink_fini(&d);
	gwsync_fini(&d);
	ctlsrv_close(d.ctl);
	if (d.knl.up)
		knl_close(&d.knl);
	db_close(d.db);
	policy_free(d.policy);
	if (d.sigfd >= 0)
		close(d.sigfd);
	if (d.timerfd >= 0)
		close(d.timerfd);
out_paths:
	free(paths[0]);
	free(paths[1]);
	free(paths[2]);
	return ret;
}
