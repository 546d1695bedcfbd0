/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the gateway backends: helpers the backends share, and the pure
 * halves of each backend (what they write, how they read it back), kept
 * apart from the system calls so the unit tests can run them
 * (selftests/gateway/gw_unit_test.c).
 */
#ifndef I62608_GW_PRIV_H
#define I62608_GW_PRIV_H

#include <stdarg.h>
#include <stdio.h>

#include "gw.h"

#define GW_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Write the sentence into @err (if any) and return @rc. */
int gw_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int gw_verr(char *err, size_t errlen, int rc, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/*
 * A string as it may be shown in a message: printable, shortened to fit
 * @len; gw_show_n() reads at most @max bytes of @s (which then need not
 * be NUL-terminated).
 */
const char *gw_show(const char *s, char *buf, size_t len);
const char *gw_show_n(const char *s, size_t max, char *buf, size_t len);

/* A growing string. On allocation failure @failed is set and later adds
 * do nothing: check once at the end. */
struct gw_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

void gw_buf_add(struct gw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gw_buf_free(struct gw_buf *b);

/*
 * Replace @path with @len bytes of @data: a temporary file beside it,
 * fsync, rename over @path, fsync of the directory. @mode for a new file.
 */
int gw_write_atomic(const char *path, const char *data, size_t len,
		    mode_t mode, char *err, size_t errlen);
/*
 * Read a whole (small) file into a NUL-terminated malloc()ed buffer, at
 * most @max bytes (-EFBIG beyond). -ENOENT passes through quietly for the
 * caller to decide.
 */
int gw_read_file(const char *path, size_t max, char **data, size_t *len,
		 char *err, size_t errlen);

/*
 * The pid in a pidfile: one decimal number > 1, an optional newline.
 * -ENOENT, -EBADMSG, other -errno.
 */
int gw_pidfile_read(const char *path, pid_t *pid, char *err, size_t errlen);
/* /proc/PID/comm is @comm (the process exists and is that program). */
bool gw_proc_is(pid_t pid, const char *comm);
/* The NUL-separated /proc/PID/cmdline has an argument equal to @arg. */
bool gw_proc_has_arg(pid_t pid, const char *arg);

/* Ascending order, for deterministic output and set comparison. */
int gw_forward_cmp(const void *a, const void *b);
int gw_qos_cmp(const void *a, const void *b);
int gw_dhcp_host_cmp(const void *a, const void *b);

/* Addresses a device may have: not 0/8, 127/8, multicast, 240/4, ones. */
bool gw_ipv4_host_ok(struct in_addr a);

/* ---- nftables ----------------------------------------------------------- */

/*
 * The transaction that makes our table @want in @family (GW_NFT_INET or
 * GW_NFT_IP): our table of that family created if missing, deleted and
 * created again with its content, then our table of the other family
 * deleted. @want must have been validated.
 */
int gw_nft_render(struct gw_buf *b, const char *table,
		  enum gw_nft_family family, const struct gw_nft_state *want);
/*
 * Parse libnftables' JSON listing of our table (numeric output) into @d.
 * @d is reset first; on success the caller frees it.
 */
int gw_nft_parse(const char *json, const char *table, struct gw_nft_dump *d,
		 char *err, size_t errlen);

/* ---- dnsmasq ------------------------------------------------------------ */

/* The hosts file for @h (validated), sorted by MAC. */
int gw_dnsmasq_render(struct gw_buf *b, const struct gw_dhcp_host *h,
		      size_t n);
int gw_dnsmasq_parse(const char *text, struct gw_dhcp_host **h, size_t *n,
		     char *err, size_t errlen);

/* ---- igmpproxy ---------------------------------------------------------- */

/*
 * The configuration file for @c (validated); @disabled: the other
 * interfaces to list as disabled (NULL-terminated; may be NULL).
 */
int gw_igmp_render(struct gw_buf *b, const struct gw_igmp_config *c,
		   const char *const *disabled);
/*
 * The interfaces in the text of /proc/net/ip_mr_vif, in VIF order, as a
 * NULL-terminated malloc()ed array of malloc()ed names.
 */
char **gw_igmp_parse_vifs(const char *text);
void gw_strv_free(char **v);

/* ---- UPnP --------------------------------------------------------------- */

/*
 * The owner tag in a mapping's description if it is ours
 * (GW_UPNP_DESC_PREFIX and a valid tag), else NULL.
 */
const char *gw_upnp_desc_tag(const char *desc);

#endif /* I62608_GW_PRIV_H */
