// SPDX-License-Identifier: GPL-2.0
/*
 * Source addresses of --instances: instance 0 is the interface's address,
 * the others are unicast, locally administered, all distinct, the same
 * every time, and map back to their instance.
 */

#include <stdlib.h>

#include "kselftest_harness.h"
#include "agent_util.h"

static int cmp_mac(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

static void check_base(struct __test_metadata *_metadata, const u8 *base)
{
	static u8 macs[AGENT_MAX_INSTANCES][6];
	u8 again[6];
	u32 i;

	for (i = 0; i < AGENT_MAX_INSTANCES; i++) {
		u8 *m = macs[i];

		agent_inst_mac(base, i, m);
		agent_inst_mac(base, i, again);
		ASSERT_EQ(0, memcmp(m, again, 6));	/* deterministic */
		if (!i) {
			ASSERT_EQ(0, memcmp(m, base, 6));
		} else {
			ASSERT_EQ(0, m[0] & 0x01);	/* unicast */
			ASSERT_EQ(0x02, m[0] & 0x02);	/* locally administered */
			ASSERT_NE(0, memcmp(m, base, 6));
		}
		ASSERT_EQ((int)i, agent_inst_of_mac(base, AGENT_MAX_INSTANCES, m));
		/* Beyond the instances running: not ours. */
		ASSERT_EQ(i < 10 ? (int)i : -1, agent_inst_of_mac(base, 10, m));
	}
	qsort(macs, AGENT_MAX_INSTANCES, 6, cmp_mac);
	for (i = 1; i < AGENT_MAX_INSTANCES; i++)
		ASSERT_NE(0, memcmp(macs[i - 1], macs[i], 6));
}

TEST(global_base)
{
	static const u8 base[6] = { 0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e };

	check_base(_metadata, base);
}

TEST(local_base)
{
	/* veth and other virtual interfaces have local addresses. */
	static const u8 base[6] = { 0x7a, 0xb6, 0xd1, 0xf9, 0xc2, 0xfa };

	check_base(_metadata, base);
}

TEST(edge_bases)
{
	static const u8 b1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const u8 b2[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 b3[6] = { 0x00, 0, 0, 0, 0x0f, 0xff };

	check_base(_metadata, b1);
	check_base(_metadata, b2);
	check_base(_metadata, b3);
}

TEST(others_are_not_ours)
{
	static const u8 base[6] = { 0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e };
	static const u8 group[6] = I62608_GROUP_ADDR;
	u8 m[6];

	EXPECT_EQ(-1, agent_inst_of_mac(base, AGENT_MAX_INSTANCES, group));
	/* The base with only the local bit set: not an instance (index 0). */
	memcpy(m, base, 6);
	m[0] |= 0x02;
	EXPECT_EQ(-1, agent_inst_of_mac(base, AGENT_MAX_INSTANCES, m));
	/* A different prefix. */
	agent_inst_mac(base, 5, m);
	m[2] ^= 1;
	EXPECT_EQ(-1, agent_inst_of_mac(base, AGENT_MAX_INSTANCES, m));
	/* Index 4096 and beyond never exists. */
	agent_inst_mac(base, 4096, m);
	EXPECT_EQ(-1, agent_inst_of_mac(base, AGENT_MAX_INSTANCES, m));
	agent_inst_mac(base, 0xffff, m);
	EXPECT_EQ(-1, agent_inst_of_mac(base, AGENT_MAX_INSTANCES, m));
}

TEST(documented_example)
{
	/* docs/i62608-agent.md, "Instances". */
	static const u8 base[6] = { 0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e };
	static const u8 want[6] = { 0x02, 0x1b, 0x21, 0x3c, 0x4c, 0x55 };
	u8 m[6];

	agent_inst_mac(base, 267, m);	/* 0x010b */
	EXPECT_EQ(0, memcmp(want, m, 6));
}

TEST_HARNESS_MAIN
