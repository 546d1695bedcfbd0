// SPDX-License-Identifier: GPL-2.0
/*
 * i62608_fault: plants one fault on load, so that the debug lane proves its
 * detectors catch what they are there to catch (selftests/i62608/detectors.sh):
 *
 *   fault=leak     an allocation is dropped: kmemleak must report it
 *   fault=lockdep  two locks taken in both orders: lockdep must report it
 *   fault=uaf      freed memory is read: KASAN must report it
 *
 * Test code only: never part of the product.
 */

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static char *fault = "none";
module_param(fault, charp, 0444);
MODULE_PARM_DESC(fault, "leak, lockdep or uaf");

static DEFINE_MUTEX(fault_a);
static DEFINE_MUTEX(fault_b);

/* Out of line, so the compiler cannot prove the access away. */
static noinline u8 fault_read(const u8 *p, size_t i)
{
	return READ_ONCE(p[i]);
}

static int __init i62608_fault_init(void)
{
	u8 *p;

	if (!strcmp(fault, "leak")) {
		p = kmalloc(96, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		memset(p, 0x62, 96);
		/* Forgotten on purpose: no reference to it remains. */
		p = NULL;
		pr_info("planted a leak of 96 bytes\n");
	} else if (!strcmp(fault, "lockdep")) {
		mutex_lock(&fault_a);
		mutex_lock(&fault_b);
		mutex_unlock(&fault_b);
		mutex_unlock(&fault_a);
		/* The other order: a possible deadlock. */
		mutex_lock(&fault_b);
		mutex_lock(&fault_a);
		mutex_unlock(&fault_a);
		mutex_unlock(&fault_b);
		pr_info("planted an inverted lock order\n");
	} else if (!strcmp(fault, "uaf")) {
		p = kmalloc(64, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		kfree(p);
		pr_info("planted a use after free: %u\n", fault_read(p, 8));
	} else if (strcmp(fault, "none")) {
		return -EINVAL;
	}
	return 0;
}

static void __exit i62608_fault_exit(void)
{
}

module_init(i62608_fault_init);
module_exit(i62608_fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("i62608 debug lane self-check: planted faults (test only)");
