/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What wire.c needs from its environment: fixed-size integer types,
 * memcpy/memset, static_assert and big-endian unaligned access. In the
 * kernel they come from the kernel; in userspace from
 * userspace/lib/wire_types_user.h.
 */
#ifndef _I62608_WIRE_TYPES_H
#define _I62608_WIRE_TYPES_H

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/string.h>
#include <linux/types.h>
#include "compat.h"
#else
#include "wire_types_user.h"
#endif

#include <linux/i62608.h>

#endif /* _I62608_WIRE_TYPES_H */
