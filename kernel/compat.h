/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels i62608 supports (6.1 to the newest), in
 * one place. Each entry names the kernel version that changed the API.
 */
#ifndef _I62608_COMPAT_H
#define _I62608_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* 6.12 moved the unaligned access helpers from asm/ to linux/. */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.7 made struct genl_dumpit_info carry a whole struct genl_info
 * (genl_info_dump()); before, it held the parsed attributes directly.
 */
static inline struct nlattr **i62608_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.19 renamed struct blake2s_state, the BLAKE2s hashing state, to blake2s_ctx. */
#if KERNEL_VERSION(6, 19, 0) > LINUX_VERSION_CODE
#define blake2s_ctx blake2s_state
#endif

#endif /* _I62608_COMPAT_H */
