/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608ctl: parsing of command line values, apart from the commands so
 * that the unit tests exercise it directly. Every parser is strict: the
 * whole string must match, and a failure leaves a sentence in @err saying
 * what was expected.
 */
#ifndef I62608_CTL_ARGS_H
#define I62608_CTL_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* The longest message a parser leaves in @err. */
#define CTL_ERR_LEN 160

/* xx:xx:xx:xx:xx:xx, hex digits in either case. Returns 0 or -EINVAL. */
int ctl_parse_mac(const char *s, uint8_t mac[6]);

/* An interface name: 1 to IF_NAMESIZE - 1 bytes, no '/' or white space. */
int ctl_parse_ifname(const char *s, char *err, size_t errlen);

/* A decimal number without sign. Returns 0, -EINVAL or -ERANGE. */
int ctl_parse_u64(const char *s, uint64_t max, uint64_t *v, char *err,
		  size_t errlen);

/*
 * A duration: a whole number and a unit, ms, s, m or h ("1500ms", "2s");
 * without a unit the number is in @bare_ms_per_unit milliseconds (1: ms,
 * 1000: s). Returns 0, -EINVAL or -ERANGE (more than @max_ms).
 */
int ctl_parse_duration(const char *s, uint64_t bare_ms_per_unit,
		       uint64_t max_ms, uint64_t *ms, char *err, size_t errlen);

/*
 * The value of the parameter @attr (enum i62608_param_attr) as the kernel
 * takes it: a count; a duration converted to the attribute's unit
 * (milliseconds, or whole seconds); or yes/no (on/off, true/false, 1/0)
 * as 1 or 0. Range checks are the kernel's; this only checks the syntax
 * and that the value fits a u32.
 */
int ctl_parse_param(unsigned int attr, const char *s, uint32_t *v, char *err,
		    size_t errlen);

#endif /* I62608_CTL_ARGS_H */
