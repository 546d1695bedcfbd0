// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: options, start-up, signals (see docs/cloud-api.md,
 * section "The reference server").
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloudd.h"

#define DEFAULT_DB		"/var/lib/i62608/cloudd.db"
#define DEFAULT_LISTEN		"127.0.0.1:8443"
#define DEFAULT_MAX_BODY	(64 * 1024)
#define DEFAULT_MAX_BACKUP	(4 * 1024 * 1024)
#define DEFAULT_MAX_CONNS	64
#define DEFAULT_TIMEOUT_S	15

static void usage(FILE *f)
{
	fprintf(f,
"usage: i62608-cloudd --cert FILE --key FILE --client-ca FILE [options]\n"
"\n"
"The reference cloud servers of IEC 62608 over HTTPS with client\n"
"certificates (docs/cloud-api.md).\n"
"\n"
"  --listen ADDR:PORT     where to listen (default " DEFAULT_LISTEN "; [ADDR]:PORT\n"
"                         for IPv6, *:PORT for every IPv4 address, port 0 for\n"
"                         any free port, logged)\n"
"  --roles LIST           the roles served, comma-separated: service, quality,\n"
"                         failure, diagnosis (default: all)\n"
"  --db PATH              the SQLite store (default " DEFAULT_DB ")\n"
"  --cert FILE            the server's certificate chain (PEM)\n"
"  --key FILE             its private key (PEM)\n"
"  --client-ca FILE       the CA(s) of gateway and operator certificates (PEM)\n"
"  --max-body BYTES       largest request body (default 65536)\n"
"  --max-backup BYTES     largest backup, decoded (default 4194304)\n"
"  --max-connections N    connections at once (default 64; a quarter per\n"
"                         client address)\n"
"  --timeout SECONDS      idle connection timeout (default 15)\n"
"  --foreground           do not detach\n"
"  -q, --quiet            no log line per request\n"
"  -h, --help             this help\n");
}

/* A whole decimal number from @min to @max. */
static int number(const char *opt, const char *s, unsigned long long min,
		  unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	*v = strtoull(s, &end, 10);
	if (errno || *end || *v < min || *v > max)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "i62608-cloudd: %s '%s': a number from %llu to %llu is expected\n",
		opt, s, min, max);
	return -1;
}

static int parse_roles(struct cloudd *d, const char *s)
{
	char buf[128], *save = NULL, *tok;
	int role;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	snprintf(buf, sizeof(buf), "%s", s);
	memset(d->roles, 0, sizeof(d->roles));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		role = cloud_role_parse(tok);
		if (role < 0)
			goto bad;
		d->roles[role] = true;
	}
	for (role = 0; role < CLOUD_ROLE_COUNT; role++)
		if (d->roles[role])
			return 0;
bad:
	fprintf(stderr, "i62608-cloudd: --roles '%s': a comma-separated list of service, quality, failure, diagnosis is expected\n",
		s);
	return -1;
}

/*
 * Detach, the parent waiting until the child is ready (or has failed) so
 * that its exit status says whether the server runs. Returns the pipe's
 * write end in the child.
 */
static int detach(void)
{
	int p[2], st;
	pid_t pid;
	char c;

	if (pipe(p)) {
		perror("i62608-cloudd: pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("i62608-cloudd: fork");
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		st = (int)read(p[0], &c, 1);
		_exit(st == 1 && c == 'r' ? 0 : 1);
	}
	close(p[0]);
	if (setsid() < 0) {
		perror("i62608-cloudd: setsid");
		exit(1);
	}
	return p[1];
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "roles", required_argument, NULL, 'r' },
		{ "db", required_argument, NULL, 'd' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "client-ca", required_argument, NULL, 'a' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "max-backup", required_argument, NULL, 'B' },
		{ "max-connections", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct cloudd d = {
		.max_body = DEFAULT_MAX_BODY,
		.max_backup = DEFAULT_MAX_BACKUP,
		.roles = { true, true, true, true },
	};
	const char *listen = DEFAULT_LISTEN, *db = DEFAULT_DB;
	const char *cert = NULL, *key = NULL, *ca = NULL;
	unsigned long long v, max_conns = DEFAULT_MAX_CONNS, timeout = DEFAULT_TIMEOUT_S;
	bool foreground = false;
	char err[512], dbpath[PATH_MAX];
	int c, ready = -1, sig;
	sigset_t set;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'r':
			if (parse_roles(&d, optarg))
				return 2;
			break;
		case 'd':
			db = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'a':
			ca = optarg;
			break;
		case 'b':
			if (number("--max-body", optarg, 1024, 64 << 20, &v))
				return 2;
			d.max_body = v;
			break;
		case 'B':
			if (number("--max-backup", optarg, 1024, CLOUD_BACKUP_MAX, &v))
				return 2;
			d.max_backup = v;
			break;
		case 'n':
			if (number("--max-connections", optarg, 1, 1024, &max_conns))
				return 2;
			break;
		case 't':
			if (number("--timeout", optarg, 1, 3600, &timeout))
				return 2;
			break;
		case 'f':
			foreground = true;
			break;
		case 'q':
			d.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "i62608-cloudd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!cert || !key || !ca) {
		fprintf(stderr, "i62608-cloudd: --cert, --key and --client-ca are required: clients authenticate with certificates\n");
		return 2;
	}
	/* The database path survives the chdir of detaching. */
	if (db[0] != '/' && realpath(".", dbpath) &&
	    strlen(dbpath) + strlen(db) + 2 < sizeof(dbpath)) {
		strcat(dbpath, "/");
		strcat(dbpath, db);
		db = dbpath;
	}

	if (!foreground)
		ready = detach();
	/* Signals go to sigwait below, not to libmicrohttpd's thread. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (cloudd_db_open(&d, db, err, sizeof(err))) {
		fprintf(stderr, "i62608-cloudd: %s\n", err);
		return 1;
	}
	if (cloudd_http_start(&d, listen, cert, key, ca, (unsigned int)max_conns,
			      (unsigned int)timeout, err, sizeof(err))) {
		fprintf(stderr, "i62608-cloudd: %s\n", err);
		cloudd_db_close(&d);
		return 1;
	}
	fprintf(stderr, "i62608-cloudd: pid %d listening on port %u, roles", (int)getpid(),
		cloudd_http_port(&d));
	for (c = 0; c < CLOUD_ROLE_COUNT; c++)
		if (d.roles[c])
			fprintf(stderr, " %s", cloud_role_name((enum cloud_role)c));
	fprintf(stderr, ", store %s\n", db);
	if (ready >= 0) {
		if (chdir("/") || write(ready, "r", 1) != 1)
			perror("i62608-cloudd: detaching");
		close(ready);
	}
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig != SIGHUP)
			break;
	}
	fprintf(stderr, "i62608-cloudd: %s, stopping\n", strsignal(sig));
	cloudd_http_stop(&d);
	cloudd_db_close(&d);
	return 0;
}
