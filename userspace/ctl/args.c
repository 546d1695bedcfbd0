// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl: parsing of command line values (see args.h).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "args.h"
#include "nl.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ctl_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, 6);
	return 0;
}

int ctl_parse_ifname(const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s), i;

	if (!n || n >= IF_NAMESIZE) {
		snprintf(err, errlen,
			 "'%s' is not a valid interface name (1 to %d characters)",
			 s, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == ':' || s[i] == ' ' ||
		    (unsigned char)s[i] < 0x21 || s[i] == 0x7f) {
			snprintf(err, errlen,
				 "'%s' is not a valid interface name (no '/', ':', space or control character)",
				 s);
			return -EINVAL;
		}
	}
	return 0;
}

/* Leading decimal digits of @s into @v; the number of digits, -ERANGE. */
static int digits(const char *s, uint64_t *v)
{
	uint64_t n = 0;
	int i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (n > (UINT64_MAX - d) / 10)
			return -ERANGE;
		n = n * 10 + d;
	}
	*v = n;
	return i;
}

int ctl_parse_u64(const char *s, uint64_t max, uint64_t *v, char *err,
		  size_t errlen)
{
	uint64_t n;
	int len = digits(s, &n);

	if (len == 0 || (len > 0 && s[len])) {
		snprintf(err, errlen, "'%s' is not a number (decimal digits only)",
			 s);
		return -EINVAL;
	}
	if (len < 0 || n > max) {
		snprintf(err, errlen, "'%s' is too large (at most %llu)", s,
			 (unsigned long long)max);
		return -ERANGE;
	}
	*v = n;
	return 0;
}

static const struct {
	const char *name;
	uint64_t ms;
} units[] = {
	{ "ms", 1 },
	{ "s", 1000 },
	{ "m", 60 * 1000 },
	{ "h", 60 * 60 * 1000 },
};

int ctl_parse_duration(const char *s, uint64_t bare_ms_per_unit,
		       uint64_t max_ms, uint64_t *ms, char *err, size_t errlen)
{
	uint64_t n, mul = 0;
	int len = digits(s, &n);
	size_t i;

	if (len == 0) {
		snprintf(err, errlen,
			 "'%s' is not a duration: a whole number with an optional unit ms, s, m or h (e.g. 1500ms, 2s)",
			 s);
		return -EINVAL;
	}
	if (len > 0 && !s[len]) {
		mul = bare_ms_per_unit;
	} else if (len > 0) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(s + len, units[i].name))
				mul = units[i].ms;
		if (!mul) {
			snprintf(err, errlen,
				 "'%s' is not a duration: the unit is ms, s, m or h (e.g. 1500ms, 2s)",
				 s);
			return -EINVAL;
		}
	}
	if (len < 0 || n > max_ms / mul) {
		snprintf(err, errlen, "'%s' is too long (at most %llums)", s,
			 (unsigned long long)max_ms);
		return -ERANGE;
	}
	*ms = n * mul;
	return 0;
}

int ctl_parse_param(unsigned int attr, const char *s, uint32_t *v, char *err,
		    size_t errlen)
{
	const struct i62608_param_desc *d;
	uint64_t n;
	int ret;

	if (!attr || attr > I62608_PARAM_A_MAX || !i62608_param_descs[attr].name) {
		snprintf(err, errlen, "unknown parameter");
		return -EINVAL;
	}
	d = &i62608_param_descs[attr];
	switch (d->unit) {
	case I62608_UNIT_BOOL:
		if (!strcmp(s, "1") || !strcmp(s, "yes") || !strcmp(s, "on") ||
		    !strcmp(s, "true")) {
			n = 1;
		} else if (!strcmp(s, "0") || !strcmp(s, "no") ||
			   !strcmp(s, "off") || !strcmp(s, "false")) {
			n = 0;
		} else {
			snprintf(err, errlen,
				 "'%s' is not a yes/no value (yes, no, on, off, 1, 0)",
				 s);
			return -EINVAL;
		}
		ret = 0;
		break;
	case I62608_UNIT_MS:
		ret = ctl_parse_duration(s, 1, UINT32_MAX, &n, err, errlen);
		break;
	case I62608_UNIT_S:
		ret = ctl_parse_duration(s, 1000, UINT32_MAX * 1000ULL, &n, err,
					 errlen);
		if (!ret && n % 1000) {
			snprintf(err, errlen,
				 "'%s' is not a whole number of seconds, the unit of %s",
				 s, d->name);
			return -EINVAL;
		}
		n /= 1000;
		break;
	default:
		ret = ctl_parse_u64(s, UINT32_MAX, &n, err, errlen);
		break;
	}
	if (ret)
		return ret;
	*v = (uint32_t)n;
	return 0;
}
