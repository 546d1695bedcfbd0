// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-agent: the configured agent of IEC 62608 (docs/i62608-agent.md).
 *
 *   i62608-agent [-c FILE] [-i IFNAME]... [-v|-q] [--instances N]
 *   i62608-agent --check [-j [-p]] [-c FILE] [-i IFNAME]...
 *   i62608-agent --show-key [-j [-p]] [-c FILE]
 *   i62608-agent --unpair [-c FILE]
 *
 * One thread, one epoll loop: the packet sockets, rtnetlink, inotify on
 * resolv.conf and a signalfd; every timer of every instance in one heap
 * whose earliest expiry is the epoll timeout.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>

#include "agent.h"
#include "cfgreq.h"
#include "keys.h"
#include "log.h"
#include "rtnl.h"
#include "sock.h"
#include "status.h"
#include "watch.h"

#define EXIT_USAGE 2

static const char *prog = "i62608-agent";

/* What the command line says; it wins over the file, also after SIGHUP. */
struct options {
	const char *config;
	bool config_given;
	unsigned int n_ifnames;
	char ifnames[AGENT_MAX_IFNAMES][IFNAMSIZ];
	int log_level;		/* -1: the file's */
	int verbosity;		/* -v minus -q */
	bool check, show_key, unpair;
	bool json, pretty;
	u32 instances;
};

struct loop {
	int epfd;
	int sigfd;
	struct agent_poll sig;
	struct agent_rtnl *rtnl;
	struct agent_watch *watch;
	struct options *opt;
	bool stop;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s [OPTIONS]\n"
"\n"
"The configured agent of IEC 62608: finds the home network's configurator\n"
"over Layer 2 (EtherType 0x88b5) and reports this device to it.\n"
"\n"
"Options:\n"
"  -c, --config FILE     configuration file (default %s)\n"
"  -i, --interface NAME  run on this interface (repeatable; replaces the\n"
"                        file's 'interfaces')\n"
"  -v, --verbose         more log messages (repeatable)\n"
"  -q, --quiet           fewer log messages (repeatable)\n"
"      --log-level LEVEL error, warning, notice, info or debug\n"
"      --instances N     run N virtual agents per interface (1-%d), for\n"
"                        tests and benchmarks\n"
"      --check           validate the configuration, print the REPORT of\n"
"                        each interface and exit\n"
"      --show-key        print the public key and the pairing code (the\n"
"                        key is created if there is none) and exit\n"
"      --unpair          forget the configurator pinned on first use and exit\n"
"  -j, --json            --check and status dumps print JSON\n"
"  -p, --pretty          indent JSON\n"
"  -h, --help            this help\n"
"  -V, --version         print the version and exit\n"
"\n"
"Signals: SIGTERM/SIGINT say BYE and exit, SIGHUP reloads the\n"
"configuration, SIGUSR1 prints the state to standard output.\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage or configuration error.\n",
		prog, AGENT_CONFIG_PATH, AGENT_MAX_INSTANCES);
}

static int __attribute__((format(printf, 1, 2)))
usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

enum { OPT_LOG_LEVEL = 256, OPT_CHECK, OPT_INSTANCES, OPT_SHOW_KEY, OPT_UNPAIR };

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "interface", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "instances", required_argument, NULL, OPT_INSTANCES },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "show-key", no_argument, NULL, OPT_SHOW_KEY },
		{ "unpair", no_argument, NULL, OPT_UNPAIR },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	unsigned int i;
	char *end;
	int c;

	o->config = AGENT_CONFIG_PATH;
	o->log_level = -1;
	o->instances = 1;
	while ((c = getopt_long(argc, argv, "c:i:vqjphV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			o->config_given = true;
			break;
		case 'i':
			if (!agent_ifname_valid(optarg))
				return usage_err("-i: '%s' is not a valid interface name", optarg);
			for (i = 0; i < o->n_ifnames; i++)
				if (!strcmp(o->ifnames[i], optarg))
					return usage_err("-i: '%s' given twice", optarg);
			if (o->n_ifnames == AGENT_MAX_IFNAMES)
				return usage_err("-i: more than %d interfaces",
						 AGENT_MAX_IFNAMES);
			strcpy(o->ifnames[o->n_ifnames++], optarg);
			break;
		case 'v':
			o->verbosity++;
			break;
		case 'q':
			o->verbosity--;
			break;
		case OPT_LOG_LEVEL:
			o->log_level = agent_log_level_parse(optarg);
			if (o->log_level < 0)
				return usage_err("--log-level: unknown level '%s' (error, warning, notice, info or debug)",
						 optarg);
			break;
		case OPT_INSTANCES:
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    v < 1 || v > AGENT_MAX_INSTANCES)
				return usage_err("--instances: '%s' is not a number from 1 to 4096",
						 optarg);
			o->instances = (u32)v;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_SHOW_KEY:
			o->show_key = true;
			break;
		case OPT_UNPAIR:
			o->unpair = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'p':
			o->pretty = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("%s %s\n", prog, I62608_TOOL_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_err("unexpected argument '%s'", argv[optind]);
	if (o->check + o->show_key + o->unpair > 1)
		return usage_err("--check, --show-key and --unpair go alone");
	return 0;
}

/* The file, then the command line over it. Errors go to @err. */
static int load_config(struct agent_config *c, const struct options *o,
		       FILE *err)
{
	int errors, level;

	agent_config_init(c);
	errors = agent_config_load(c, o->config, !o->config_given, err);
	if (errors)
		return errors;
	if (o->n_ifnames) {
		c->n_ifnames = o->n_ifnames;
		memcpy(c->ifnames, o->ifnames, sizeof(o->ifnames));
	}
	level = o->log_level >= 0 ? o->log_level : c->log_level;
	level += o->verbosity;
	if (level < AGENT_LOG_ERR)
		level = AGENT_LOG_ERR;
	if (level > AGENT_LOG_DEBUG)
		level = AGENT_LOG_DEBUG;
	c->log_level = level;
	return 0;
}

static void missing_ifaces(struct agent *a)
{
	unsigned int i;

	for (i = 0; i < a->cfg.n_ifnames; i++) {
		const char *n = a->cfg.ifnames[i];
		const struct agent_link *l = agent_host_link_by_name(&a->host, n);

		if (!l)
			log_notice("%s: no such interface (yet): waiting for it", n);
		else if (!agent_link_wanted(a, l))
			log_warn("%s: not an Ethernet interface: ignored", n);
	}
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

/* The pin: configured, else learned (or none). Returns 0 or -errno. */
static int load_pin(struct agent_keys *k, const struct agent_config *c,
		    FILE *err)
{
	int ret;

	agent_config_pin_path(c, k->pin_path, sizeof(k->pin_path));
	k->pinned = false;
	k->pin_learned = false;
	if (c->has_configurator_key) {
		memcpy(k->pin, c->configurator_key, sizeof(k->pin));
		k->pinned = true;
		return 0;
	}
	ret = agent_pin_load(k->pin_path, k->pin, err);
	if (!ret) {
		k->pinned = true;
		k->pin_learned = true;
	}
	return ret == -ENOENT ? 0 : ret;
}

static int load_keys(struct agent_keys *k, const struct agent_config *c,
		     FILE *err)
{
	char path[PATH_MAX];
	int ret;

	agent_config_key_path(c, path, sizeof(path));
	ret = agent_key_load(path, true, &k->key, err);
	if (ret)
		return ret;
	k->enabled = true;
	ret = load_pin(k, c, err);
	if (ret)
		fprintf(err, "%s: remove it with 'i62608-agent --unpair' to pair again\n",
			k->pin_path);
	return ret;
}

static int show_key(const struct agent_config *c, const struct options *o)
{
	char path[PATH_MAX], pub[AGENT_KEY_B64_LEN], code[AGENT_CODE_STR_LEN];
	struct i62608_keypair kp;
	struct out *out;

	agent_config_key_path(c, path, sizeof(path));
	if (agent_key_load(path, true, &kp, stderr))
		return 1;
	agent_key_str(kp.pub, pub);
	agent_code_str(kp.pub, code);
	i62608_cr_wipe(&kp, sizeof(kp));
	out = out_new(stdout, o->json ? OUT_JSON : OUT_TEXT, o->pretty);
	if (!out)
		return 1;
	out_obj_open(out, NULL);
	out_str(out, "public_key", pub);
	out_str(out, "pairing_code", code);
	out_str(out, "key_file", path);
	out_obj_close(out);
	out_free(out);
	return 0;
}

static int unpair(const struct agent_config *c)
{
	char path[PATH_MAX];

	agent_config_pin_path(c, path, sizeof(path));
	if (unlink(path)) {
		if (errno != ENOENT) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
			return 1;
		}
		printf("no configurator was pinned on first use (%s)\n", path);
	} else {
		printf("forgot the pinned configurator (%s): the next one confirming a handshake is trusted\n",
		       path);
	}
	if (c->has_configurator_key)
		fprintf(stderr, "%s: configurator_key in the configuration still pins a configurator\n",
			prog);
	return 0;
}

/* ------------------------------------------------------------------ */
/* --check                                                             */
/* ------------------------------------------------------------------ */

static int no_tx(struct agent *a, struct agent_inst *in, const u8 *dst,
		 const u8 *msg, size_t len)
{
	return -ENOTCONN;
}

static const struct agent_ops check_ops = { .tx = no_tx };

static int run_check(struct agent *a, const struct options *o)
{
	struct out *out;
	int err;

	err = agent_rtnl_dump(&a->host);
	if (err) {
		fprintf(stderr, "%s: rtnetlink: %s\n", prog, strerror(-err));
		return 1;
	}
	/* Only what is wrong: --check's output is the REPORTs. */
	agent_log_set_level(a->cfg.log_level < AGENT_LOG_NOTICE ?
			    a->cfg.log_level : AGENT_LOG_NOTICE);
	missing_ifaces(a);
	agent_sync_ifaces(a);
	agent_refresh(a, true);
	out = out_new(stdout, o->json ? OUT_JSON : OUT_TEXT, o->pretty);
	if (!out)
		return 1;
	err = agent_print_check(out, a, o->config);
	out_free(out);
	if (err) {
		fprintf(stderr, "%s: a REPORT did not decode (a bug)\n", prog);
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The event loop                                                      */
/* ------------------------------------------------------------------ */

static int poll_add(struct loop *l, struct agent_poll *p)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = p };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, p->fd, &ev) ? -errno : 0;
}

static int if_open(struct agent *a, struct agent_if *aif)
{
	struct loop *l = a->priv;
	int err;

	err = agent_sock_open(a, aif);
	if (err)
		return err;
	err = poll_add(l, &aif->poll);
	if (err)
		agent_sock_close(a, aif);
	return err;
}

static void if_close(struct agent *a, struct agent_if *aif)
{
	struct loop *l = a->priv;

	if (aif->poll.fd >= 0)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, aif->poll.fd, NULL);
	agent_sock_close(a, aif);
}

static const struct agent_ops sock_ops = {
	.tx = agent_sock_tx,
	.if_open = if_open,
	.if_close = if_close,
};

static void watch_resolv(struct agent *a)
{
	struct loop *l = a->priv;

	agent_watch_close(l->watch);
	l->watch = agent_watch_open(a->cfg.resolv_conf);
	if (!l->watch || poll_add(l, agent_watch_poll(l->watch))) {
		log_warn("cannot watch %s for changes: %s", a->cfg.resolv_conf,
			 strerror(errno));
		agent_watch_close(l->watch);
		l->watch = NULL;
	}
}

/* Log each line the parser wrote. */
static void log_lines(int level, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		agent_log(level, "%s", line);
}

static void reload(struct agent *a)
{
	struct loop *l = a->priv;
	struct agent_config c;
	char *errs = NULL;
	size_t len = 0;
	FILE *f;
	int n;

	f = open_memstream(&errs, &len);
	if (!f) {
		log_err("reload: %s", strerror(errno));
		return;
	}
	n = load_config(&c, l->opt, f);
	fclose(f);
	if (n) {
		log_lines(AGENT_LOG_ERR, errs);
		log_err("%s: %d error%s: keeping the configuration in use",
			l->opt->config, n, n == 1 ? "" : "s");
		free(errs);
		return;
	}
	free(errs);
	log_notice("%s: reloaded", l->opt->config);
	if (a->keys.enabled && load_pin(&a->keys, &c, stderr))
		log_err("%s: the pin in use is kept", a->keys.pin_path);
	agent_log_set_level(c.log_level);
	/* Sockets filter and bind one EtherType: open them again. */
	if (c.ethertype != a->cfg.ethertype) {
		agent_drop_ifaces(a);
		a->cfg = c;
	} else {
		a->cfg = c;
	}
	missing_ifaces(a);
	agent_sync_ifaces(a);
	watch_resolv(a);
	/* Whatever changed, REPORT again. */
	agent_refresh(a, true);
}

static void dump_status(struct agent *a)
{
	struct loop *l = a->priv;
	struct out *o;
	u32 i;

	for (i = 0; i < a->n_ifs; i++)
		agent_sock_stats(a->ifs[i]);
	o = out_new(stdout, l->opt->json ? OUT_JSON : OUT_TEXT, l->opt->pretty);
	if (!o)
		return;
	agent_print_status(o, a);
	out_free(o);
	fflush(stdout);
}

static void sig_ready(struct agent *a, struct agent_poll *p, u32 events)
{
	struct loop *l = a->priv;
	struct signalfd_siginfo si;

	while (read(p->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_notice("%s: stopping", strsignal((int)si.ssi_signo));
			l->stop = true;
			break;
		case SIGHUP:
			reload(a);
			break;
		case SIGUSR1:
			dump_status(a);
			break;
		}
	}
}

static int loop_setup(struct loop *l, struct agent *a)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -errno;
	l->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sigfd < 0)
		return -errno;
	l->sig.fd = l->sigfd;
	l->sig.fn = sig_ready;
	if (poll_add(l, &l->sig))
		return -errno;
	l->rtnl = agent_rtnl_open(a);
	if (!l->rtnl) {
		log_err("rtnetlink: %s", strerror(errno));
		return -errno;
	}
	return poll_add(l, agent_rtnl_poll(l->rtnl));
}

static int run(struct loop *l, struct agent *a)
{
	struct epoll_event ev[32];

	while (!l->stop) {
		u64 next = agent_timers_next(&a->timers);
		int timeout = -1, n, i;

		a->now = agent_now_ms();
		if (next != UINT64_MAX)
			timeout = next <= a->now ? 0 :
				(next - a->now > INT_MAX ? INT_MAX : (int)(next - a->now));
		n = epoll_wait(l->epfd, ev, 32, timeout);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			return 1;
		}
		a->now = agent_now_ms();
		for (i = 0; i < n && !l->stop; i++) {
			struct agent_poll *p = ev[i].data.ptr;
			u32 removed = a->if_removed;

			p->fn(a, p, ev[i].events);
			/*
			 * An interface went away with its socket: the events
			 * left may point to it. Level-triggered epoll reports
			 * the others again.
			 */
			if (a->if_removed != removed)
				break;
		}
		agent_timers_run(&a->timers, a->now, a);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct loop l = { .epfd = -1, .sigfd = -1, .opt = &opt };
	struct agent a;
	u64 seed;
	int ret;

	ret = parse_args(&opt, argc, argv);
	if (ret)
		return ret;
	if (load_config(&a.cfg, &opt, stderr))
		return EXIT_USAGE;
	agent_log_set_level(a.cfg.log_level);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = agent_now_ms() ^ (u64)getpid() << 32;

	if (opt.show_key)
		return show_key(&a.cfg, &opt);
	if (opt.unpair)
		return unpair(&a.cfg);
	if (opt.check) {
		memset(&a.keys, 0, sizeof(a.keys));
		agent_init(&a, &check_ops, 1, seed);
		ret = run_check(&a, &opt);
		agent_free(&a);
		return ret;
	}

	memset(&a.keys, 0, sizeof(a.keys));
	if (load_keys(&a.keys, &a.cfg, stderr))
		return 1;
	agent_init(&a, &sock_ops, opt.instances, seed);
	a.net = &agent_rtnl_netops;
	a.priv = &l;
	a.now = agent_now_ms();
	ret = loop_setup(&l, &a);
	if (ret) {
		log_err("cannot start: %s", strerror(-ret));
		ret = 1;
		goto out;
	}
	watch_resolv(&a);
	log_notice("i62608-agent %s: ethertype 0x%04x, %u agent%s per interface",
		   I62608_TOOL_VERSION, a.cfg.ethertype, a.n_instances,
		   a.n_instances == 1 ? "" : "s");
	{
		char pub[AGENT_KEY_B64_LEN], pin[AGENT_KEY_B64_LEN];

		agent_key_str(a.keys.key.pub, pub);
		agent_key_str(a.keys.pin, pin);
		log_notice("public key %s; %s%s%s", pub,
			   a.keys.pinned ? "pinned configurator " : "no configurator pinned (trust on first use)",
			   a.keys.pinned ? pin : "",
			   a.keys.pin_learned ? " (learned)" : "");
	}
	if (a.n_instances > 1 && a.cfg.config_mode == AGENT_CFG_APPLY)
		log_notice("--instances: configuration requests are refused (config_mode = dry-run records them)");
	missing_ifaces(&a);
	agent_sync_ifaces(&a);
	if (a.open_err == -EPERM || a.open_err == -EACCES) {
		log_err("packet sockets need CAP_NET_RAW");
		ret = 1;
		goto out;
	}
	agent_refresh(&a, true);
	ret = run(&l, &a);
	if (!ret)
		agent_stop(&a);
out:
	agent_free(&a);
	agent_rtnl_close(l.rtnl);
	agent_watch_close(l.watch);
	if (l.sigfd >= 0)
		close(l.sigfd);
	if (l.epfd >= 0)
		close(l.epfd);
	return ret;
}
