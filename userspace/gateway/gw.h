/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Gateway backends (docs/gateway.md): make the gateway match a desired
 * state that the caller (i62608d) computed in full.
 *
 *   nftables   port forwards (DNAT) and QoS marking, in one table of ours,
 *              replaced in one transaction;
 *   dnsmasq    static DHCP reservations, in a dhcp-hostsfile of ours;
 *   igmpproxy  its configuration file and the one process we started;
 *   UPnP IGD   port mappings on a separate gateway, ours told apart by
 *              their description.
 *
 * Every sync is declarative and idempotent: it takes the whole desired
 * state, not a change, so a caller killed at any moment converges by
 * syncing again after its restart. Nothing here holds policy; nothing
 * touches what the backend does not own.
 *
 * Errors: functions return 0 (or a documented positive value) on success
 * and a negative errno on failure, and then leave one sentence naming the
 * cause in the caller's @err buffer (@errlen bytes, GW_ERRLEN is enough);
 * @err may be NULL.
 *
 * Nothing here is thread-safe on the same handle; different handles are
 * independent.
 */
#ifndef I62608_GW_H
#define I62608_GW_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GW_ERRLEN		512

/*
 * Owner tag of a forward or a QoS entry (the device's MAC, for i62608d):
 * 1 to GW_TAG_LEN - 1 characters of [A-Za-z0-9:._-]. It becomes the nft
 * rule's comment and the UPnP mapping's description, and tells ours apart.
 */
#define GW_TAG_LEN		48
/* Hard caps: a desired state beyond them is refused, not truncated. */
#define GW_MAX_FORWARDS		1024
#define GW_MAX_QOS		1024
#define GW_MAX_HOSTS		4096

/* ---------------------------------------------------------- the state -- */

struct gw_forward {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t ext_port;		/* 1..65535 */
	struct in_addr addr;		/* internal host: unicast, not 0/8, 127/8 */
	uint16_t int_port;		/* 1..65535 */
	char tag[GW_TAG_LEN];
};

/*
 * Marking of the traffic from and to one device, as it is forwarded:
 * DSCP (the IP header) and skb->priority (what the egress qdiscs classify
 * by, as a tc class id major:minor).
 */
struct gw_qos {
	struct in_addr addr;		/* the device */
	uint8_t dscp;			/* 0..63 */
	uint32_t priority;		/* (major << 16) | minor; 0: not set */
	char tag[GW_TAG_LEN];
};

/*
 * Checks of one element and of a list (each element, the cap, and no
 * duplicates: one forward per protocol and external port, one QoS entry
 * per address). -EINVAL (or -E2BIG over the cap) with the reason; list
 * errors name the element by its index.
 */
int gw_forward_check(const struct gw_forward *f, char *err, size_t errlen);
int gw_forwards_check(const struct gw_forward *f, size_t n,
		      char *err, size_t errlen);
int gw_qos_check(const struct gw_qos *q, char *err, size_t errlen);
int gw_qos_list_check(const struct gw_qos *q, size_t n,
		      char *err, size_t errlen);
int gw_tag_check(const char *tag, char *err, size_t errlen);
/* An interface name the kernel would take, without quotes or backslashes. */
int gw_ifname_check(const char *name, char *err, size_t errlen);

/*
 * Set equality (order does not matter) of what is (@a) and what is wanted
 * (@b). Both lists must have passed their list check (no duplicates). If
 * they differ and @why is not NULL, it gets the first difference: an
 * element of @a "is not wanted", or one of @b "is missing".
 */
bool gw_forwards_equal(const struct gw_forward *a, size_t na,
		       const struct gw_forward *b, size_t nb,
		       char *why, size_t whylen);
bool gw_qos_equal(const struct gw_qos *a, size_t na,
		  const struct gw_qos *b, size_t nb, char *why, size_t whylen);

/*
 * Parsers and formatters shared with the callers. The parsers take the
 * whole string and return 0 or -EINVAL: "tcp"/"udp", a port 1..65535
 * ("8080", no sign, no leading zeros), a dotted quad, a MAC
 * "02:11:22:33:44:55" (either case), a priority "none" or "1:6" (hex, as
 * tc prints class ids).
 */
int gw_parse_proto(const char *s, uint8_t *proto);
const char *gw_proto_name(uint8_t proto);
int gw_parse_port(const char *s, uint16_t *port);
int gw_parse_ipv4(const char *s, struct in_addr *a);
int gw_parse_mac(const char *s, uint8_t mac[6]);
int gw_parse_priority(const char *s, uint32_t *prio);
/* "1:6" or "none"; @buf of at least 16 bytes. */
void gw_fmt_priority(char *buf, size_t len, uint32_t prio);
/* Lower case "02:11:22:33:44:55"; @buf of at least 18 bytes. */
void gw_fmt_mac(char *buf, size_t len, const uint8_t mac[6]);

/* ----------------------------------------------------------- nftables -- */

/*
 * One table of ours, "inet NAME" where the kernel has NAT in the inet
 * family (Linux 5.2 and later), else "ip NAME". A sync replaces the whole
 * table in one transaction: it is either all the new state or all the old
 * one, never a mix; and it deletes our table of the other family, so a
 * change of family leaves no stale rules. No other table is read or
 * written.
 */
#define GW_NFT_TABLE		"i62608"

enum gw_nft_family {
	GW_NFT_AUTO,			/* inet if the kernel takes inet NAT */
	GW_NFT_INET,
	GW_NFT_IP,
};

/*
 * The desired (or, in struct gw_nft_dump, the found) state. @wan is where
 * forwarded connections come in (required if there is a forward), @lan
 * where the devices are (required if there is a QoS entry).
 */
struct gw_nft_state {
	char wan[IFNAMSIZ];
	char lan[IFNAMSIZ];
	const struct gw_forward *fwd;
	size_t nfwd;
	const struct gw_qos *qos;
	size_t nqos;
};

struct gw_nft;

/*
 * @table: NULL for GW_NFT_TABLE, else 1..31 characters of [a-z0-9_].
 * GW_NFT_AUTO probes the kernel on the first sync (a dry run that commits
 * nothing) and keeps the answer for the life of the handle; a dump before
 * any sync reads whichever of our tables exists. The handle works in the
 * network namespace it was created in.
 */
struct gw_nft *gw_nft_new(const char *table, enum gw_nft_family family,
			  char *err, size_t errlen);
void gw_nft_free(struct gw_nft *nft);
/* The family in use (GW_NFT_AUTO before the first sync, check or dump). */
enum gw_nft_family gw_nft_family(const struct gw_nft *nft);
const char *gw_nft_family_name(enum gw_nft_family family);

/*
 * Validate @want completely, then replace our table with it in one
 * transaction. -EINVAL: @want is invalid, nothing was sent; another
 * negative errno: nftables refused the transaction, which changed
 * nothing.
 */
int gw_nft_sync(struct gw_nft *nft, const struct gw_nft_state *want,
		char *err, size_t errlen);

/* Delete our table(s), if any (the uninstall path). */
int gw_nft_remove(struct gw_nft *nft, char *err, size_t errlen);

/*
 * What our table does now. Rules of the shapes a sync writes become
 * forwards and QoS entries again; anything else in our table (a rule,
 * chain, set or other object a sync would not have written, a changed
 * chain definition, our table in the other family) is counted in
 * @foreign and the first one described, so that drift shows.
 */
struct gw_nft_dump {
	bool present;			/* our table exists */
	enum gw_nft_family family;
	char wan[IFNAMSIZ];		/* "" without forwards */
	char lan[IFNAMSIZ];		/* "" without QoS entries */
	struct gw_forward *fwd;
	size_t nfwd;
	struct gw_qos *qos;
	size_t nqos;
	unsigned int foreign;
	char foreign_desc[160];
};

int gw_nft_dump(struct gw_nft *nft, struct gw_nft_dump *d,
		char *err, size_t errlen);
void gw_nft_dump_free(struct gw_nft_dump *d);

/*
 * Whether @d is exactly @want: 1 if so, 0 if not (@why says how they
 * differ).
 */
int gw_nft_dump_matches(const struct gw_nft_dump *d,
			const struct gw_nft_state *want,
			char *why, size_t whylen);

/* Dump and compare: 1 in sync, 0 drifted (@err says how), < 0 error. */
int gw_nft_check(struct gw_nft *nft, const struct gw_nft_state *want,
		 char *err, size_t errlen);

/* ------------------------------------------------------------ dnsmasq -- */

#define GW_HOSTNAME_LEN		64	/* one DNS label and its NUL */

/* A static DHCP reservation: dnsmasq gives @addr to @mac. */
struct gw_dhcp_host {
	uint8_t mac[6];			/* unicast, not all zeros */
	struct in_addr addr;		/* unicast, not 0/8, 127/8 */
	char hostname[GW_HOSTNAME_LEN];	/* "" or an RFC 1123 label */
};

/*
 * @hostsfile is ours alone: dnsmasq reads it with
 * --dhcp-hostsfile=@hostsfile, we rewrite it whole (temporary file in the
 * same directory, fsync, rename, fsync of the directory). @pidfile is
 * dnsmasq's own (--pid-file); a sync that changed the file sends SIGHUP
 * to that process, which makes dnsmasq read the file again.
 */
struct gw_dnsmasq {
	const char *hostsfile;
	const char *pidfile;
};

int gw_dhcp_host_check(const struct gw_dhcp_host *h, char *err,
		       size_t errlen);
/* Each, the cap, and no MAC, address or host name twice. */
int gw_dhcp_hosts_check(const struct gw_dhcp_host *h, size_t n,
			char *err, size_t errlen);

/* Signal dnsmasq even if the file already had the desired content. */
#define GW_DNSMASQ_RELOAD	0x1

/*
 * Make @d->hostsfile hold exactly @h (in MAC order), and have dnsmasq read
 * it. 1: the file changed (or GW_DNSMASQ_RELOAD) and dnsmasq was told;
 * 0: the file was already so and dnsmasq was left alone. A caller that
 * restarts does one sync with GW_DNSMASQ_RELOAD: it may have died between
 * the rename and the signal. -ESRCH (or another -errno of the pidfile): the
 * file is written but no dnsmasq was told.
 */
int gw_dnsmasq_sync(const struct gw_dnsmasq *d, const struct gw_dhcp_host *h,
		    size_t n, unsigned int flags, char *err, size_t errlen);

/*
 * The reservations in @d->hostsfile (a missing file: none). A line this
 * backend would not have written is an error: -EBADMSG with its number.
 * @h is malloc()ed (NULL if none), for the caller to free().
 */
int gw_dnsmasq_read(const struct gw_dnsmasq *d, struct gw_dhcp_host **h,
		    size_t *n, char *err, size_t errlen);

/*
 * The pid in dnsmasq's @pidfile, checked to be a running dnsmasq (so a
 * stale pidfile does not make us signal a stranger). -ENOENT: no pidfile;
 * -EBADMSG: no pid in it; -ESRCH: no such process, or not dnsmasq.
 */
int gw_dnsmasq_pid(const char *pidfile, pid_t *pid, char *err, size_t errlen);

/* ---------------------------------------------------------- igmpproxy -- */

#define GW_IGMP_MAX_DOWNSTREAM	8
#define GW_IGMP_MAX_ALTNET	8

/*
 * Where igmpproxy's files are, absolute paths: @conffile is ours alone, so
 * is @pidfile, which records the igmpproxy we started (igmpproxy 0.3
 * writes none).
 * @binary: NULL for "/usr/sbin/igmpproxy". @logfile: NULL to let it log
 * to syslog (-n), else its debug messages (-d) are appended there.
 */
struct gw_igmp_paths {
	const char *conffile;
	const char *pidfile;
	const char *binary;
	const char *logfile;
};

struct gw_igmp_altnet {
	struct in_addr net;
	uint8_t len;			/* 0..32, no host bits set */
};

/*
 * The proxy: IGMP membership from the @downstream interfaces is proxied to
 * @upstream, multicast from @upstream (whose sources are on its subnet or
 * in an @altnet) forwarded down. Every other interface with an IPv4
 * address when it starts is listed as disabled (igmpproxy 0.3 makes an
 * interface it is not told about downstream).
 */
struct gw_igmp_config {
	char upstream[IFNAMSIZ];
	char downstream[GW_IGMP_MAX_DOWNSTREAM][IFNAMSIZ];
	size_t ndownstream;
	struct gw_igmp_altnet altnet[GW_IGMP_MAX_ALTNET];
	size_t naltnet;
	bool quickleave;
};

int gw_igmp_config_check(const struct gw_igmp_config *c, char *err,
			 size_t errlen);

struct gw_igmp_status {
	bool running;			/* our igmpproxy, on our conffile */
	pid_t pid;			/* its pid, or 0 */
	bool config_matches;		/* conffile is what enable writes now */
	/* The kernel's multicast VIFs (this netns) are exactly ours. */
	bool vifs_match;
	char why[256];			/* if not all three: the first reason */
};

/*
 * Write the configuration (if it differs) and make sure our igmpproxy
 * runs on it and has its VIFs: 0 if it already did, 1 if it was (re)
 * started. igmpproxy is started detached (its own session, double fork:
 * never a child to reap); its pid goes to @p->pidfile. A start waits up to
 * 3 s for its VIFs and reports an igmpproxy that exits instead (another
 * multicast router in the netns, a missing interface).
 */
int gw_igmp_enable(const struct gw_igmp_paths *p,
		   const struct gw_igmp_config *c, char *err, size_t errlen);

/*
 * @want NULL: only whether ours runs; config_matches is then false and
 * vifs_match says only whether the netns has multicast VIFs at all.
 */
int gw_igmp_status(const struct gw_igmp_paths *p,
		   const struct gw_igmp_config *want,
		   struct gw_igmp_status *st, char *err, size_t errlen);

/*
 * Stop our igmpproxy (SIGTERM, SIGKILL after 3 s) and remove the pidfile
 * and the configuration file: the uninstall path. 1 if it was stopped, 0
 * if none of ours ran (a process a stale pidfile names is left alone).
 */
int gw_igmp_disable(const struct gw_igmp_paths *p, char *err, size_t errlen);

/* ------------------------------------------------------------ UPnP IGD -- */

/*
 * Port mappings on a separate gateway through UPnP IGD
 * (WANIPConnection/WANPPPConnection). Ours carry the description
 * GW_UPNP_DESC_PREFIX + tag; a mapping with any other description is never
 * deleted or replaced.
 */
#define GW_UPNP_DESC_PREFIX	"i62608 "

struct gw_upnp_opts {
	/* The IGD's root description URL; NULL: discover by SSDP. */
	const char *url;
	/* Interface (name or address) discovery sends on; NULL: default. */
	const char *ifname;
	/* How long discovery waits for answers, in ms; 0: 2000. */
	unsigned int discover_ms;
	/* Lease of our mappings in seconds; 0: permanent. */
	uint32_t lease_s;
};

struct gw_upnp;

/*
 * Find the IGD: -ENODEV if none answered (or none at @url), -ENETDOWN if
 * it is not connected to its WAN.
 */
struct gw_upnp *gw_upnp_open(const struct gw_upnp_opts *o, char *err,
			     size_t errlen);
void gw_upnp_close(struct gw_upnp *u);
/* The IGD's control URL and our address on its LAN. */
const char *gw_upnp_control_url(const struct gw_upnp *u);
const char *gw_upnp_lan_addr(const struct gw_upnp *u);

struct gw_upnp_mapping {
	struct gw_forward f;		/* tag: ours only, else "" */
	bool ours;
	bool enabled;
	uint32_t lease_s;		/* remaining; 0: permanent */
	char desc[96];			/* as the IGD reports it */
	char remote_host[64];		/* "" for any */
};

/* All mappings of the IGD, ours and others'. @m: malloc()ed, or NULL. */
int gw_upnp_list(struct gw_upnp *u, struct gw_upnp_mapping **m, size_t *n,
		 char *err, size_t errlen);

/*
 * Make our mappings exactly @f: delete ours that are not wanted (or
 * differ), add the missing ones, renew those whose lease has run below
 * half of lease_s (below a day, if we asked for a permanent lease and the
 * IGD gave a finite one, as IGDv2 does). Call it again before the leases
 * run out: the IGD forgets what is not renewed. Returns the number of mappings added or deleted. UPnP has no
 * transactions: on errors the sync goes on with the other mappings, and
 * returns the first error (-EADDRINUSE when someone else's mapping holds
 * the port) with all of them counted in @err.
 */
int gw_upnp_sync(struct gw_upnp *u, const struct gw_forward *f, size_t n,
		 char *err, size_t errlen);

/* Delete all our mappings (the uninstall path). */
int gw_upnp_remove(struct gw_upnp *u, char *err, size_t errlen);

#endif /* I62608_GW_H */
