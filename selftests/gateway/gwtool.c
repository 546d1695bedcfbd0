// SPDX-License-Identifier: GPL-2.0
/*
 * gwtool: the gateway backends (userspace/gateway) from the command line,
 * for the tests in this directory. A test tool, not a product: i62608d is
 * the program that drives the backends.
 *
 *   gwtool nft sync|check|dump|remove [--table T] [--family auto|inet|ip]
 *   gwtool dnsmasq sync|read --hostsfile F [--pidfile P] [--reload]
 *   gwtool dnsmasq pid --pidfile P
 *   gwtool igmp enable|status|disable --conf F --pidfile P [--binary B]
 *          [--log L] [--up IF --down IF... [--altnet NET/LEN]...
 *          [--quickleave]]
 *   gwtool upnp sync|list|remove (--url URL | --discover [--if IF])
 *          [--lease S] [--wait MS]
 *
 * "sync" and "check" read the desired state from standard input, one item
 * a line, the format "dump" and "read" print:
 *
 *   wan IF
 *   lan IF
 *   forward tcp|udp EXTPORT ADDRESS PORT TAG
 *   qos ADDRESS DSCP PRIORITY|none TAG
 *   host MAC ADDRESS [HOSTNAME]
 *
 * Values go to the library as they are (an overlong tag is not cut, a DSCP
 * of 99 is passed on), so its checks are what the tests see. Exit status:
 * 0 done (check: in sync), 1 error (the library's sentence on stderr),
 * 2 usage, 3 check: drifted.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"

#define MAX_LINES	(GW_MAX_HOSTS + 16)

struct state {
	struct gw_nft_state nft;
	struct gw_forward *fwd;
	struct gw_qos *qos;
	struct gw_dhcp_host *hosts;
	size_t nhosts;
};

static const char *prog = "gwtool";

static int __attribute__((format(printf, 1, 2))) usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static int fail(const char *err)
{
	fprintf(stderr, "%s: %s\n", prog, err);
	return 1;
}

/* Copy without cutting: an overlong value keeps no NUL in @dst. */
static void put(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		memcpy(dst, src, size);
	} else {
		memcpy(dst, src, n + 1);
	}
}

static int number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoul(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static int parse_line(struct state *st, char *line, unsigned int no)
{
	char *w[8], *save = NULL, *tok;
	unsigned long port, iport, dscp;
	int n = 0;

	for (tok = strtok_r(line, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (n == 8)
			return usage("line %u: too many words", no);
		w[n++] = tok;
	}
	if (!n || w[0][0] == '#')
		return 0;
	if (!strcmp(w[0], "wan") && n == 2) {
		put(st->nft.wan, IFNAMSIZ, w[1]);
	} else if (!strcmp(w[0], "lan") && n == 2) {
		put(st->nft.lan, IFNAMSIZ, w[1]);
	} else if (!strcmp(w[0], "forward") && n == 6) {
		struct gw_forward *f = &st->fwd[st->nft.nfwd];

		if (st->nft.nfwd == MAX_LINES)
			return usage("line %u: too many forwards", no);
		if (gw_parse_proto(w[1], &f->proto))
			return usage("line %u: \"%s\" is not tcp or udp", no, w[1]);
		if (number(w[2], 65535, &port) || number(w[4], 65535, &iport))
			return usage("line %u: a port is not a number 0..65535", no);
		if (gw_parse_ipv4(w[3], &f->addr))
			return usage("line %u: \"%s\" is not an IPv4 address", no, w[3]);
		f->ext_port = port;
		f->int_port = iport;
		put(f->tag, GW_TAG_LEN, w[5]);
		st->nft.nfwd++;
	} else if (!strcmp(w[0], "qos") && n == 5) {
		struct gw_qos *q = &st->qos[st->nft.nqos];

		if (st->nft.nqos == MAX_LINES)
			return usage("line %u: too many QoS entries", no);
		if (gw_parse_ipv4(w[1], &q->addr))
			return usage("line %u: \"%s\" is not an IPv4 address", no, w[1]);
		if (number(w[2], 255, &dscp))
			return usage("line %u: DSCP \"%s\" is not a number 0..255", no, w[2]);
		if (gw_parse_priority(w[3], &q->priority))
			return usage("line %u: \"%s\" is not a priority", no, w[3]);
		q->dscp = dscp;
		put(q->tag, GW_TAG_LEN, w[4]);
		st->nft.nqos++;
	} else if (!strcmp(w[0], "host") && (n == 3 || n == 4)) {
		struct gw_dhcp_host *h = &st->hosts[st->nhosts];

		if (st->nhosts == MAX_LINES)
			return usage("line %u: too many hosts", no);
		if (gw_parse_mac(w[1], h->mac))
			return usage("line %u: \"%s\" is not a MAC address", no, w[1]);
		if (gw_parse_ipv4(w[2], &h->addr))
			return usage("line %u: \"%s\" is not an IPv4 address", no, w[2]);
		if (n == 4)
			put(h->hostname, GW_HOSTNAME_LEN, w[3]);
		st->nhosts++;
	} else {
		return usage("line %u: not a state line: %s", no, w[0]);
	}
	return 0;
}

static int read_state(struct state *st)
{
	char line[1024];
	unsigned int no = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	st->fwd = calloc(MAX_LINES + 1, sizeof(*st->fwd));
	st->qos = calloc(MAX_LINES + 1, sizeof(*st->qos));
	st->hosts = calloc(MAX_LINES + 1, sizeof(*st->hosts));
	if (!st->fwd || !st->qos || !st->hosts)
		return fail("out of memory");
	st->nft.fwd = st->fwd;
	st->nft.qos = st->qos;
	while (fgets(line, sizeof(line), stdin)) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		rc = parse_line(st, line, no);
		if (rc)
			return rc;
	}
	return 0;
}

static void free_state(struct state *st)
{
	free(st->fwd);
	free(st->qos);
	free(st->hosts);
}

static void print_forward(const struct gw_forward *f)
{
	char a[INET_ADDRSTRLEN];

	printf("forward %s %u %s %u %s\n", gw_proto_name(f->proto), f->ext_port,
	       inet_ntop(AF_INET, &f->addr, a, sizeof(a)), f->int_port, f->tag);
}

static int cmp_fwd(const void *pa, const void *pb)
{
	const struct gw_forward *a = pa, *b = pb;

	return a->proto != b->proto ? a->proto - b->proto :
	       a->ext_port - b->ext_port;
}

static int cmp_qos(const void *pa, const void *pb)
{
	const struct gw_qos *a = pa, *b = pb;
	uint32_t x = ntohl(a->addr.s_addr), y = ntohl(b->addr.s_addr);

	return x < y ? -1 : x > y;
}

/* ---- nft ---------------------------------------------------------------- */

static int cmd_nft(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "table", required_argument, NULL, 't' },
		{ "family", required_argument, NULL, 'f' },
		{ 0 }
	};
	enum gw_nft_family fam = GW_NFT_AUTO;
	const char *table = NULL;
	char err[GW_ERRLEN], a[INET_ADDRSTRLEN], p[16];
	struct gw_nft_dump d;
	struct gw_nft *nft;
	struct state st;
	int c, rc = 0;
	size_t i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			table = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "auto"))
				fam = GW_NFT_AUTO;
			else if (!strcmp(optarg, "inet"))
				fam = GW_NFT_INET;
			else if (!strcmp(optarg, "ip"))
				fam = GW_NFT_IP;
			else
				return usage("unknown family %s", optarg);
			break;
		default:
			return 2;
		}
	}
	nft = gw_nft_new(table, fam, err, sizeof(err));
	if (!nft)
		return fail(err);

	if (!strcmp(cmd, "sync") || !strcmp(cmd, "check")) {
		rc = read_state(&st);
		if (!rc && !strcmp(cmd, "sync")) {
			if (gw_nft_sync(nft, &st.nft, err, sizeof(err)))
				rc = fail(err);
			else
				printf("family %s\n",
				       gw_nft_family_name(gw_nft_family(nft)));
		} else if (!rc) {
			rc = gw_nft_check(nft, &st.nft, err, sizeof(err));
			if (rc < 0) {
				rc = fail(err);
			} else if (rc == 0) {
				printf("drift: %s\n", err);
				rc = 3;
			} else {
				printf("in sync\n");
				rc = 0;
			}
		}
		free_state(&st);
	} else if (!strcmp(cmd, "dump")) {
		if (gw_nft_dump(nft, &d, err, sizeof(err))) {
			rc = fail(err);
		} else {
			printf("present %s\nfamily %s\n", d.present ? "yes" : "no",
			       gw_nft_family_name(d.family));
			if (d.wan[0])
				printf("wan %s\n", d.wan);
			if (d.lan[0])
				printf("lan %s\n", d.lan);
			if (d.nfwd)
				qsort(d.fwd, d.nfwd, sizeof(*d.fwd), cmp_fwd);
			if (d.nqos)
				qsort(d.qos, d.nqos, sizeof(*d.qos), cmp_qos);
			for (i = 0; i < d.nfwd; i++)
				print_forward(&d.fwd[i]);
			for (i = 0; i < d.nqos; i++) {
				gw_fmt_priority(p, sizeof(p), d.qos[i].priority);
				printf("qos %s %u %s %s\n",
				       inet_ntop(AF_INET, &d.qos[i].addr, a, sizeof(a)),
				       d.qos[i].dscp, p, d.qos[i].tag);
			}
			if (d.foreign)
				printf("foreign %u: %s\n", d.foreign, d.foreign_desc);
			gw_nft_dump_free(&d);
		}
	} else if (!strcmp(cmd, "remove")) {
		if (gw_nft_remove(nft, err, sizeof(err)))
			rc = fail(err);
	} else {
		rc = usage("unknown nft command %s", cmd);
	}
	gw_nft_free(nft);
	return rc;
}

/* ---- dnsmasq ------------------------------------------------------------ */

static int cmd_dnsmasq(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hostsfile", required_argument, NULL, 'h' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "reload", no_argument, NULL, 'r' },
		{ 0 }
	};
	struct gw_dnsmasq d = { 0 };
	struct gw_dhcp_host *h;
	unsigned int flags = 0;
	char err[GW_ERRLEN], a[INET_ADDRSTRLEN], m[18];
	struct state st;
	size_t n, i;
	pid_t pid;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			d.hostsfile = optarg;
			break;
		case 'p':
			d.pidfile = optarg;
			break;
		case 'r':
			flags |= GW_DNSMASQ_RELOAD;
			break;
		default:
			return 2;
		}
	}
	if (!strcmp(cmd, "sync")) {
		rc = read_state(&st);
		if (rc)
			return rc;
		rc = gw_dnsmasq_sync(&d, st.hosts, st.nhosts, flags, err,
				     sizeof(err));
		free_state(&st);
		if (rc < 0)
			return fail(err);
		printf("%s\n", rc ? "reloaded" : "unchanged");
		return 0;
	}
	if (!strcmp(cmd, "read")) {
		if (gw_dnsmasq_read(&d, &h, &n, err, sizeof(err)))
			return fail(err);
		for (i = 0; i < n; i++) {
			gw_fmt_mac(m, sizeof(m), h[i].mac);
			printf("host %s %s%s%s\n", m,
			       inet_ntop(AF_INET, &h[i].addr, a, sizeof(a)),
			       h[i].hostname[0] ? " " : "", h[i].hostname);
		}
		free(h);
		return 0;
	}
	if (!strcmp(cmd, "pid")) {
		if (gw_dnsmasq_pid(d.pidfile, &pid, err, sizeof(err)))
			return fail(err);
		printf("%d\n", (int)pid);
		return 0;
	}
	return usage("unknown dnsmasq command %s", cmd);
}

/* ---- igmp --------------------------------------------------------------- */

static int cmd_igmp(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "binary", required_argument, NULL, 'b' },
		{ "log", required_argument, NULL, 'l' },
		{ "up", required_argument, NULL, 'u' },
		{ "down", required_argument, NULL, 'd' },
		{ "altnet", required_argument, NULL, 'a' },
		{ "quickleave", no_argument, NULL, 'q' },
		{ 0 }
	};
	struct gw_igmp_paths p = { 0 };
	struct gw_igmp_config cfg = { 0 };
	struct gw_igmp_status st;
	char err[GW_ERRLEN], *slash;
	unsigned long len;
	bool have_cfg = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			p.conffile = optarg;
			break;
		case 'p':
			p.pidfile = optarg;
			break;
		case 'b':
			p.binary = optarg;
			break;
		case 'l':
			p.logfile = optarg;
			break;
		case 'u':
			put(cfg.upstream, IFNAMSIZ, optarg);
			have_cfg = true;
			break;
		case 'd':
			if (cfg.ndownstream < GW_IGMP_MAX_DOWNSTREAM)
				put(cfg.downstream[cfg.ndownstream], IFNAMSIZ,
				    optarg);
			/* Beyond the array only counted: the library refuses. */
			if (cfg.ndownstream <= GW_IGMP_MAX_DOWNSTREAM)
				cfg.ndownstream++;
			have_cfg = true;
			break;
		case 'a':
			if (cfg.naltnet == GW_IGMP_MAX_ALTNET)
				return usage("too many --altnet");
			slash = strchr(optarg, '/');
			if (!slash)
				return usage("--altnet %s: no /LEN", optarg);
			*slash = '\0';
			if (gw_parse_ipv4(optarg, &cfg.altnet[cfg.naltnet].net) ||
			    number(slash + 1, 255, &len))
				return usage("--altnet: not NET/LEN");
			cfg.altnet[cfg.naltnet++].len = len;
			break;
		case 'q':
			cfg.quickleave = true;
			break;
		default:
			return 2;
		}
	}
	if (!strcmp(cmd, "enable")) {
		rc = gw_igmp_enable(&p, &cfg, err, sizeof(err));
		if (rc < 0)
			return fail(err);
		printf("%s\n", rc ? "started" : "running");
		return 0;
	}
	if (!strcmp(cmd, "status")) {
		if (gw_igmp_status(&p, have_cfg ? &cfg : NULL, &st, err,
				   sizeof(err)))
			return fail(err);
		printf("running %s\npid %d\nconfig_matches %s\nvifs_match %s\n",
		       st.running ? "yes" : "no", (int)st.pid,
		       st.config_matches ? "yes" : "no",
		       st.vifs_match ? "yes" : "no");
		if (st.why[0])
			printf("why %s\n", st.why);
		return 0;
	}
	if (!strcmp(cmd, "disable")) {
		rc = gw_igmp_disable(&p, err, sizeof(err));
		if (rc < 0)
			return fail(err);
		printf("%s\n", rc ? "stopped" : "not running");
		return 0;
	}
	return usage("unknown igmp command %s", cmd);
}

/* ---- upnp --------------------------------------------------------------- */

static int cmd_upnp(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "discover", no_argument, NULL, 'd' },
		{ "if", required_argument, NULL, 'i' },
		{ "lease", required_argument, NULL, 'l' },
		{ "wait", required_argument, NULL, 'w' },
		{ 0 }
	};
	struct gw_upnp_opts o = { 0 };
	struct gw_upnp_mapping *m;
	bool discover = false;
	char err[GW_ERRLEN], a[INET_ADDRSTRLEN];
	struct gw_upnp *u;
	unsigned long v;
	struct state st;
	size_t n, i;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.url = optarg;
			break;
		case 'd':
			discover = true;
			break;
		case 'i':
			o.ifname = optarg;
			break;
		case 'l':
			if (number(optarg, UINT32_MAX, &v))
				return usage("--lease: not a number of seconds");
			o.lease_s = v;
			break;
		case 'w':
			if (number(optarg, 1000000, &v))
				return usage("--wait: not a number of ms");
			o.discover_ms = v;
			break;
		default:
			return 2;
		}
	}
	if (!o.url == !discover)
		return usage("give --url or --discover");
	if (!strcmp(cmd, "sync")) {
		rc = read_state(&st);
		if (rc)
			return rc;
	}
	u = gw_upnp_open(&o, err, sizeof(err));
	if (!u) {
		if (!strcmp(cmd, "sync"))
			free_state(&st);
		return fail(err);
	}
	if (!strcmp(cmd, "sync")) {
		rc = gw_upnp_sync(u, st.fwd, st.nft.nfwd, err, sizeof(err));
		free_state(&st);
		if (rc < 0) {
			rc = fail(err);
		} else {
			printf("changes %d\n", rc);
			rc = 0;
		}
	} else if (!strcmp(cmd, "list")) {
		if (gw_upnp_list(u, &m, &n, err, sizeof(err))) {
			rc = fail(err);
		} else {
			printf("lanaddr %s\n", gw_upnp_lan_addr(u));
			for (i = 0; i < n; i++) {
				printf("mapping %s %u %s %u %s lease %u desc %s\n",
				       gw_proto_name(m[i].f.proto),
				       m[i].f.ext_port,
				       inet_ntop(AF_INET, &m[i].f.addr, a, sizeof(a)),
				       m[i].f.int_port,
				       m[i].ours ? "ours" : "theirs",
				       m[i].lease_s, m[i].desc);
			}
			free(m);
		}
	} else if (!strcmp(cmd, "remove")) {
		rc = gw_upnp_remove(u, err, sizeof(err));
		if (rc < 0) {
			rc = fail(err);
		} else {
			printf("changes %d\n", rc);
			rc = 0;
		}
	} else {
		rc = usage("unknown upnp command %s", cmd);
	}
	gw_upnp_close(u);
	return rc;
}

int main(int argc, char **argv)
{
	const char *backend, *cmd;

	if (argc < 3)
		return usage("usage: gwtool nft|dnsmasq|igmp|upnp COMMAND [OPTIONS]");
	backend = argv[1];
	cmd = argv[2];
	argc -= 2;
	argv += 2;
	if (!strcmp(backend, "nft"))
		return cmd_nft(cmd, argc, argv);
	if (!strcmp(backend, "dnsmasq"))
		return cmd_dnsmasq(cmd, argc, argv);
	if (!strcmp(backend, "igmp"))
		return cmd_igmp(cmd, argc, argv);
	if (!strcmp(backend, "upnp"))
		return cmd_upnp(cmd, argc, argv);
	return usage("unknown backend %s", backend);
}
