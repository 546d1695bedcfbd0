// SPDX-License-Identifier: GPL-2.0
/*
 * The igmpproxy backend: its configuration file (ours alone) and the one
 * igmpproxy we start on it, detached: a double fork into its own session,
 * so it is never a child of the caller (no SIGCHLD, no zombie), and our
 * pidfile records it (igmpproxy 0.3 writes none). Whether it works is
 * read from the kernel: igmpproxy adds a multicast VIF for its upstream
 * and each downstream interface (/proc/net/ip_mr_vif of the netns), and
 * there is one multicast router per netns.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "gw_priv.h"

#define IGMPPROXY	"/usr/sbin/igmpproxy"
#define CONF_MAX	(1 << 16)
#define START_WAIT_MS	3000
#define STOP_WAIT_MS	3000

/* ---- configuration ------------------------------------------------------ */

int gw_igmp_config_check(const struct gw_igmp_config *c, char *err,
			 size_t errlen)
{
	char why[GW_ERRLEN], a[INET_ADDRSTRLEN];
	size_t i, j;

	if (gw_ifname_check(c->upstream, why, sizeof(why)))
		return gw_err(err, errlen, -EINVAL, "upstream: %s", why);
	if (!c->ndownstream || c->ndownstream > GW_IGMP_MAX_DOWNSTREAM)
		return gw_err(err, errlen, -EINVAL,
			      "%zu downstream interfaces: 1 to %d are needed",
			      c->ndownstream, GW_IGMP_MAX_DOWNSTREAM);
	for (i = 0; i < c->ndownstream; i++) {
		const char *d = c->downstream[i];

		if (gw_ifname_check(d, why, sizeof(why)))
			return gw_err(err, errlen, -EINVAL,
				      "downstream %zu: %s", i, why);
		if (!strcmp(d, c->upstream))
			return gw_err(err, errlen, -EINVAL,
				      "%s is both upstream and downstream", d);
		for (j = 0; j < i; j++) {
			if (!strcmp(d, c->downstream[j]))
				return gw_err(err, errlen, -EINVAL,
					      "downstream %s is given twice", d);
		}
	}
	if (c->naltnet > GW_IGMP_MAX_ALTNET)
		return gw_err(err, errlen, -EINVAL,
			      "%zu alternate networks are more than %d",
			      c->naltnet, GW_IGMP_MAX_ALTNET);
	for (i = 0; i < c->naltnet; i++) {
		const struct gw_igmp_altnet *n = &c->altnet[i];
		uint32_t mask;

		inet_ntop(AF_INET, &n->net, a, sizeof(a));
		if (n->len > 32)
			return gw_err(err, errlen, -EINVAL,
				      "alternate network %s/%u: the prefix is longer than 32",
				      a, n->len);
		mask = n->len ? ~0U << (32 - n->len) : 0;
		if (ntohl(n->net.s_addr) & ~mask)
			return gw_err(err, errlen, -EINVAL,
				      "alternate network %s/%u has host bits set",
				      a, n->len);
	}
	return 0;
}

int gw_igmp_render(struct gw_buf *b, const struct gw_igmp_config *c,
		   const char *const *disabled)
{
	char a[INET_ADDRSTRLEN];
	size_t i;

	gw_buf_add(b, "# igmpproxy configuration of i62608d: rewritten whole on every change.\n");
	if (c->quickleave)
		gw_buf_add(b, "quickleave\n");
	gw_buf_add(b, "phyint %s upstream ratelimit 0 threshold 1\n",
		   c->upstream);
	for (i = 0; i < c->naltnet; i++) {
		inet_ntop(AF_INET, &c->altnet[i].net, a, sizeof(a));
		gw_buf_add(b, "\taltnet %s/%u\n", a, c->altnet[i].len);
	}
	for (i = 0; i < c->ndownstream; i++)
		gw_buf_add(b, "phyint %s downstream ratelimit 0 threshold 1\n",
			   c->downstream[i]);
	for (i = 0; disabled && disabled[i]; i++)
		gw_buf_add(b, "phyint %s disabled\n", disabled[i]);
	return b->failed ? -ENOMEM : 0;
}

void gw_strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int strv_add(char ***v, size_t *n, const char *s)
{
	char **nv = reallocarray(*v, *n + 2, sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

static int strcmp_v(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_config(const struct gw_igmp_config *c, const char *name)
{
	size_t i;

	if (!strcmp(name, c->upstream))
		return true;
	for (i = 0; i < c->ndownstream; i++) {
		if (!strcmp(name, c->downstream[i]))
			return true;
	}
	return false;
}

/*
 * The interfaces igmpproxy would make downstream on its own: those with
 * an IPv4 address, not loopback, not in @c. Sorted, so the file is the
 * same as long as they are.
 */
static int other_ifaces(const struct gw_igmp_config *c, char ***out,
			char *err, size_t errlen)
{
	struct ifaddrs *ifa, *i;
	char **v = NULL;
	size_t n = 0, j;

	*out = NULL;
	if (getifaddrs(&ifa))
		return gw_err(err, errlen, -errno,
			      "cannot list the interfaces: %s", strerror(errno));
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_LOOPBACK) || in_config(c, i->ifa_name) ||
		    gw_ifname_check(i->ifa_name, NULL, 0))
			continue;
		for (j = 0; j < n && strcmp(v[j], i->ifa_name); j++)
			;
		if (j < n)
			continue;
		if (strv_add(&v, &n, i->ifa_name)) {
			freeifaddrs(ifa);
			gw_strv_free(v);
			return gw_err(err, errlen, -ENOMEM, "out of memory");
		}
	}
	freeifaddrs(ifa);
	if (n)
		qsort(v, n, sizeof(*v), strcmp_v);
	*out = v;
	return 0;
}

/*
 * igmpproxy makes VIFs only of interfaces that exist and have an IPv4
 * address when it starts, and says so only in its log: check first.
 */
static int ifaces_ready(const struct gw_igmp_config *c, char *err,
			size_t errlen)
{
	struct ifaddrs *ifa, *i;
	size_t k;

	if (getifaddrs(&ifa))
		return gw_err(err, errlen, -errno,
			      "cannot list the interfaces: %s", strerror(errno));
	for (k = 0; k <= c->ndownstream; k++) {
		const char *name = k ? c->downstream[k - 1] : c->upstream;
		bool exists = false, has_v4 = false;

		for (i = ifa; i; i = i->ifa_next) {
			if (strcmp(i->ifa_name, name))
				continue;
			exists = true;
			if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
				has_v4 = true;
		}
		if (!exists || !has_v4) {
			freeifaddrs(ifa);
			if (!exists)
				return gw_err(err, errlen, -ENODEV,
					      "interface %s does not exist", name);
			return gw_err(err, errlen, -EADDRNOTAVAIL,
				      "interface %s has no IPv4 address (igmpproxy needs one)",
				      name);
		}
	}
	freeifaddrs(ifa);
	return 0;
}

static int render_now(const struct gw_igmp_config *c, struct gw_buf *b,
		      char *err, size_t errlen)
{
	char **others;
	int rc;

	rc = other_ifaces(c, &others, err, errlen);
	if (rc)
		return rc;
	rc = gw_igmp_render(b, c, (const char *const *)others);
	gw_strv_free(others);
	if (rc) {
		gw_buf_free(b);
		return gw_err(err, errlen, -ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- the kernel's view -------------------------------------------------- */

char **gw_igmp_parse_vifs(const char *text)
{
	const char *line = strchr(text, '\n');
	char **v, name[IFNAMSIZ + 1];
	size_t n = 0;
	int idx;

	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	/* After the header: " 0 eth0  BytesIn PktsIn ..." per VIF. */
	while (line && *++line) {
		if (sscanf(line, "%d %16s", &idx, name) == 2 &&
		    strlen(name) < IFNAMSIZ && strv_add(&v, &n, name)) {
			gw_strv_free(v);
			return NULL;
		}
		line = strchr(line, '\n');
	}
	return v;
}

static int read_vifs(char ***vifs, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	rc = gw_read_file("/proc/net/ip_mr_vif", 1 << 20, &text, &len, err,
			  errlen);
	if (rc == -ENOENT) {
		/* No CONFIG_IP_MROUTE: no VIFs, and igmpproxy cannot run. */
		*vifs = calloc(1, sizeof(**vifs));
		return *vifs ? 0 : gw_err(err, errlen, -ENOMEM, "out of memory");
	}
	if (rc)
		return rc;
	*vifs = gw_igmp_parse_vifs(text);
	free(text);
	return *vifs ? 0 : gw_err(err, errlen, -ENOMEM, "out of memory");
}

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void strv_join(char *buf, size_t len, char **v)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; v[i] && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? " " : "", v[i]);
}

/* The VIFs are exactly the upstream and the downstream interfaces. */
static bool vifs_match(char **vifs, const struct gw_igmp_config *c)
{
	size_t i;

	if (strv_len(vifs) != 1 + c->ndownstream)
		return false;
	for (i = 0; vifs[i]; i++) {
		if (!in_config(c, vifs[i]))
			return false;
	}
	return true;
}

/* ---- our process -------------------------------------------------------- */

static const char *binary(const struct gw_igmp_paths *p)
{
	return p->binary ? p->binary : IGMPPROXY;
}

/*
 * Absolute paths: igmpproxy runs from "/", and its command line must name
 * the configuration file as status looks for it.
 */
static int paths_check(const struct gw_igmp_paths *p, char *err,
		       size_t errlen)
{
	const char *const paths[] = { p->conffile, p->pidfile, p->binary,
				      p->logfile };
	const char *const what[] = { "configuration file", "pidfile",
				     "binary", "log file" };
	size_t i;

	if (!p->conffile || !p->pidfile)
		return gw_err(err, errlen, -EINVAL,
			      "igmpproxy's configuration file and pidfile are needed");
	for (i = 0; i < GW_ARRAY_SIZE(paths); i++) {
		if (paths[i] && paths[i][0] != '/')
			return gw_err(err, errlen, -EINVAL,
				      "igmpproxy's %s \"%s\" is not an absolute path",
				      what[i], paths[i]);
	}
	return 0;
}

/* Alive and not a zombie: the state in /proc/PID/stat after "(comm) ". */
static bool alive(pid_t pid)
{
	char path[64], *data, *paren;
	size_t len;
	bool live;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (gw_read_file(path, 4096, &data, &len, NULL, 0))
		return false;
	paren = strrchr(data, ')');
	live = paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
	free(data);
	return live;
}

/*
 * The pid of our igmpproxy: the pidfile's process, if it is igmpproxy,
 * alive, and runs on our configuration file. 0 if there is none.
 */
static pid_t our_pid(const struct gw_igmp_paths *p, char *why, size_t whylen)
{
	char err[GW_ERRLEN];
	pid_t pid;
	int rc;

	rc = gw_pidfile_read(p->pidfile, &pid, err, sizeof(err));
	if (rc == -ENOENT) {
		gw_err(why, whylen, 0, "igmpproxy is not started (no %s)",
		       p->pidfile);
		return 0;
	}
	if (rc) {
		gw_err(why, whylen, 0, "%s", err);
		return 0;
	}
	if (!gw_proc_is(pid, "igmpproxy") || !alive(pid) ||
	    !gw_proc_has_arg(pid, p->conffile)) {
		gw_err(why, whylen, 0,
		       "igmpproxy of %s is not running (process %d is gone or another program)",
		       p->pidfile, (int)pid);
		return 0;
	}
	return pid;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int stop(pid_t pid, char *err, size_t errlen)
{
	unsigned int waited;

	if (kill(pid, SIGTERM) && errno != ESRCH)
		return gw_err(err, errlen, -errno,
			      "cannot stop igmpproxy (pid %d): %s", (int)pid,
			      strerror(errno));
	for (waited = 0; waited < STOP_WAIT_MS; waited += 20) {
		if (!alive(pid))
			return 0;
		sleep_ms(20);
	}
	kill(pid, SIGKILL);
	for (waited = 0; waited < STOP_WAIT_MS; waited += 20) {
		if (!alive(pid))
			return 0;
		sleep_ms(20);
	}
	return gw_err(err, errlen, -ETIMEDOUT,
		      "igmpproxy (pid %d) does not exit", (int)pid);
}

/*
 * In the grandchild, before exec: only async-signal-safe calls. A failure
 * is reported through @errfd as an errno.
 */
static void __attribute__((noreturn))
exec_proxy(char *const argv[], const char *logfile, int errfd)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	int fd, sig, e;

	/* What the caller blocked or ignored must not reach igmpproxy. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);

	if (chdir("/"))
		goto fail;
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		goto fail;
	if (fd != 0)
		close(fd);
	if (logfile)
		fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT, 0640);
	else
		fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		goto fail;
	if (fd > 2)
		close(fd);
	/* Nothing of the caller's but the error pipe (close-on-exec). */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	execv(argv[0], argv);
fail:
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static void close_pair(int fd[2])
{
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
	fd[0] = fd[1] = -1;
}

static int start(const struct gw_igmp_paths *p, pid_t *out,
		 char *err, size_t errlen)
{
	char *argv[] = {
		(char *)binary(p), p->logfile ? "-d" : "-n",
		(char *)p->conffile, NULL,
	};
	int pidpipe[2] = { -1, -1 }, errpipe[2] = { -1, -1 }, e, rc;
	pid_t mid, pid = 0;
	char buf[32];
	ssize_t r;

	if (pipe2(pidpipe, O_CLOEXEC) || pipe2(errpipe, O_CLOEXEC)) {
		rc = gw_err(err, errlen, -errno, "cannot make a pipe: %s",
			    strerror(errno));
		goto out;
	}
	mid = fork();
	if (mid < 0) {
		rc = gw_err(err, errlen, -errno, "cannot fork: %s",
			    strerror(errno));
		goto out;
	}
	if (!mid) {
		pid_t gc;

		setsid();
		gc = fork();
		if (!gc)
			exec_proxy(argv, p->logfile, errpipe[1]);
		if (write(pidpipe[1], &gc, sizeof(gc)) != sizeof(gc))
			_exit(1);
		_exit(0);
	}
	close(pidpipe[1]);
	close(errpipe[1]);
	pidpipe[1] = errpipe[1] = -1;
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	do {
		r = read(pidpipe[0], &pid, sizeof(pid));
	} while (r < 0 && errno == EINTR);
	if (r != sizeof(pid) || pid <= 0) {
		rc = gw_err(err, errlen, -EAGAIN,
			    "cannot start igmpproxy: the second fork failed");
		goto out;
	}
	/* EOF once exec succeeded (close-on-exec), else its errno. */
	do {
		r = read(errpipe[0], &e, sizeof(e));
	} while (r < 0 && errno == EINTR);
	if (r == sizeof(e)) {
		rc = gw_err(err, errlen, -e, "cannot run %s: %s", argv[0],
			    strerror(e));
		goto out;
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	rc = gw_write_atomic(p->pidfile, buf, strlen(buf), 0644, err, errlen);
	if (rc) {
		kill(pid, SIGTERM);
		goto out;
	}
	*out = pid;
out:
	close_pair(pidpipe);
	close_pair(errpipe);
	return rc;
}

/* ---- the interface ------------------------------------------------------ */

int gw_igmp_status(const struct gw_igmp_paths *p,
		   const struct gw_igmp_config *want,
		   struct gw_igmp_status *st, char *err, size_t errlen)
{
	struct gw_buf b = { 0 };
	char why[sizeof(st->why)], list[128], *conf = NULL, **vifs = NULL;
	size_t len;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = paths_check(p, err, errlen);
	if (!rc && want)
		rc = gw_igmp_config_check(want, err, errlen);
	if (rc)
		return rc;

	st->pid = our_pid(p, st->why, sizeof(st->why));
	st->running = st->pid > 0;

	if (want) {
		rc = render_now(want, &b, err, errlen);
		if (rc)
			return rc;
		rc = gw_read_file(p->conffile, CONF_MAX, &conf, &len, why,
				  sizeof(why));
		st->config_matches = !rc && len == b.len &&
				     !memcmp(conf, b.s, len);
		if (!st->config_matches && st->running && rc)
			snprintf(st->why, sizeof(st->why), "%s", why);
		else if (!st->config_matches && st->running)
			snprintf(st->why, sizeof(st->why),
				 "%s differs from the configuration wanted",
				 p->conffile);
		free(conf);
		gw_buf_free(&b);
	}

	rc = read_vifs(&vifs, err, errlen);
	if (rc)
		return rc;
	strv_join(list, sizeof(list), vifs);
	st->vifs_match = want ? vifs_match(vifs, want) : vifs[0] != NULL;
	if (st->running && st->config_matches && !st->vifs_match)
		snprintf(st->why, sizeof(st->why),
			 "the multicast interfaces are \"%s\"", list);
	else if (!st->running && vifs[0])
		snprintf(st->why, sizeof(st->why),
			 "another multicast router runs here (interfaces \"%s\")",
			 list);
	gw_strv_free(vifs);
	if (!want)
		st->config_matches = false;
	return 0;
}

int gw_igmp_enable(const struct gw_igmp_paths *p,
		   const struct gw_igmp_config *c, char *err, size_t errlen)
{
	struct gw_igmp_status st;
	struct gw_buf b = { 0 };
	char **vifs = NULL, list[128];
	unsigned int waited;
	pid_t pid = 0;
	int rc;

	rc = gw_igmp_status(p, c, &st, err, errlen);
	if (rc)
		return rc;
	if (st.running && st.config_matches && st.vifs_match)
		return 0;
	rc = ifaces_ready(c, err, errlen);
	if (rc)
		return rc;

	rc = render_now(c, &b, err, errlen);
	if (rc)
		return rc;
	if (!st.config_matches)
		rc = gw_write_atomic(p->conffile, b.s, b.len, 0644, err, errlen);
	gw_buf_free(&b);
	if (rc)
		return rc;

	if (st.running) {
		rc = stop(st.pid, err, errlen);
		if (rc)
			return rc;
	}
	rc = read_vifs(&vifs, err, errlen);
	if (rc)
		return rc;
	if (vifs[0]) {
		strv_join(list, sizeof(list), vifs);
		gw_strv_free(vifs);
		return gw_err(err, errlen, -EBUSY,
			      "another multicast router runs in this network namespace (its interfaces: %s)",
			      list);
	}
	gw_strv_free(vifs);

	rc = start(p, &pid, err, errlen);
	if (rc)
		return rc;
	for (waited = 0; waited < START_WAIT_MS; waited += 20) {
		if (!alive(pid)) {
			unlink(p->pidfile);
			return gw_err(err, errlen, -ECHILD,
				      "igmpproxy exited right after it started (see %s)",
				      p->logfile ? p->logfile : "the system log");
		}
		rc = read_vifs(&vifs, err, errlen);
		if (rc)
			return rc;
		if (vifs_match(vifs, c)) {
			gw_strv_free(vifs);
			return 1;
		}
		gw_strv_free(vifs);
		sleep_ms(20);
	}
	stop(pid, NULL, 0);
	unlink(p->pidfile);
	return gw_err(err, errlen, -ETIMEDOUT,
		      "igmpproxy did not set up its multicast interfaces within %d ms",
		      START_WAIT_MS);
}

int gw_igmp_disable(const struct gw_igmp_paths *p, char *err, size_t errlen)
{
	char why[GW_ERRLEN];
	pid_t pid;
	int rc, stopped = 0;

	rc = paths_check(p, err, errlen);
	if (rc)
		return rc;
	pid = our_pid(p, why, sizeof(why));
	if (pid) {
		rc = stop(pid, err, errlen);
		if (rc)
			return rc;
		stopped = 1;
	}
	if (unlink(p->pidfile) && errno != ENOENT)
		return gw_err(err, errlen, -errno, "cannot remove %s: %s",
			      p->pidfile, strerror(errno));
	if (unlink(p->conffile) && errno != ENOENT)
		return gw_err(err, errlen, -errno, "cannot remove %s: %s",
			      p->conffile, strerror(errno));
	return stopped;
}
