// SPDX-License-Identifier: GPL-2.0
/*
 * The DISCOVER schedule (docs/protocol.md sections 5 and 8): 0-200 ms at
 * start, then min, 2 min, 4 min ... capped at max, each +-25 %, and the
 * jitter really spreads over that whole range.
 */

#include <stdlib.h>

#include "kselftest_harness.h"
#include "agent_util.h"

/* splitmix64, for reproducible random inputs. */
static u32 rnd(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (u32)((z ^ (z >> 31)) >> 32);
}

TEST(doubling_capped_with_bounds)
{
	/* The protocol's defaults: 1 s .. 60 s. */
	static const u32 base[] = {
		1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
	};
	u64 seed = 1;
	unsigned int step, i;

	for (step = 0; step < sizeof(base) / sizeof(base[0]); step++) {
		u32 lo = UINT32_MAX, hi = 0;

		for (i = 0; i < 20000; i++) {
			u32 d = agent_backoff_ms(step, 1000, 60000, rnd(&seed));

			ASSERT_GE(d, base[step] - base[step] / 4);
			ASSERT_LE(d, base[step] + base[step] / 4);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		/* Jitter is used: both ends of the range are reached. */
		EXPECT_LE(lo, base[step] - base[step] / 4 + base[step] / 50);
		EXPECT_GE(hi, base[step] + base[step] / 4 - base[step] / 50);
	}
}

TEST(jitter_is_uniform_enough)
{
	unsigned int bins[10] = { 0 }, i;
	u64 seed = 7;

	/* 2 s +-25 %: ten bins of 100 ms between 1.5 s and 2.5 s. */
	for (i = 0; i < 100000; i++) {
		u32 d = agent_backoff_ms(1, 1000, 60000, rnd(&seed));

		bins[d >= 2500 ? 9 : (d - 1500) / 100]++;
	}
	for (i = 0; i < 10; i++) {
		EXPECT_GT(bins[i], 9000);
		EXPECT_LT(bins[i], 11000);
	}
}

TEST(extreme_steps_and_ranges)
{
	/* Far beyond the cap: no overflow, still the cap. */
	EXPECT_GE(agent_backoff_ms(255, 1000, 60000, 0), 45000);
	EXPECT_LE(agent_backoff_ms(255, 1000, 60000, UINT32_MAX), 75000);
	EXPECT_EQ(45000, agent_backoff_ms(1000000, 1000, 60000, 0));
	/* The largest configurable: 1 h, within u32 with jitter. */
	EXPECT_EQ(3600000 + 900000,
		  agent_backoff_ms(40, 100, 3600000, 1800000));
	/* min == max: constant base. */
	EXPECT_EQ(300, agent_backoff_ms(0, 400, 400, 0));
	EXPECT_EQ(300, agent_backoff_ms(9, 400, 400, 0));
	/* A cap that is not a power-of-two multiple of min. */
	EXPECT_EQ(750, agent_backoff_ms(0, 1000, 1000, 0));
	EXPECT_EQ(3000 * 3 / 4, agent_backoff_ms(2, 1000, 3000, 0));
}

TEST(start_delay)
{
	unsigned int i, lo = 1000, hi = 0;
	u64 seed = 3;

	EXPECT_EQ(0, agent_start_delay_ms(0));
	EXPECT_EQ(200, agent_start_delay_ms(200));
	for (i = 0; i < 10000; i++) {
		u32 d = agent_start_delay_ms(rnd(&seed));

		ASSERT_LE(d, AGENT_START_DELAY_MS);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	EXPECT_LE(lo, 5);
	EXPECT_GE(hi, 195);
}

/* The state machine follows the schedule, and forever. */
TEST(searching_forever)
{
	struct capture *c = calloc(1, sizeof(*c));
	u8 buf[NL_BUF], mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct agent a = { 0 };
	unsigned int i, n;
	u64 prev;

	cap = c;
	agent_config_init(&a.cfg);
	agent_log_set_level(AGENT_LOG_WARNING);
	agent_init(&a, &capture_ops, 1, 99);
	a.now = 5000;
	host_msg(&a, nl_link(buf, RTM_NEWLINK, 2, "eth0", mac, LINK_UP, 0));
	ASSERT_EQ(1, a.n_ifs);
	/* 24 h of silence. */
	advance_to(&a, 5000 + 24ULL * 3600 * 1000);
	n = count_type(c, I62608_MSG_DISCOVER, 0);
	/* 1+2+4+8+16+32 s, then one every 60 s +-25 %. */
	EXPECT_GT(n, 1100);
	EXPECT_LT(n, 1900);
	ASSERT_EQ(n, c->n);
	EXPECT_LE(c->f[0].at, 5000 + AGENT_START_DELAY_MS);
	prev = c->f[0].at;
	for (i = 1; i < c->n; i++) {
		u64 base = i <= 6 ? 1000ULL << (i - 1) : 60000;
		u64 d = c->f[i].at - prev;

		ASSERT_GE(d, base - base / 4);
		ASSERT_LE(d, base + base / 4);
		/* A new message id and the next counter every time. */
		ASSERT_EQ(c->f[i - 1].m.msg_id + 1, c->f[i].m.msg_id);
		ASSERT_EQ(c->f[i - 1].m.counter + 1, c->f[i].m.counter);
		ASSERT_EQ(0, memcmp(c->f[i].dst, (u8[])I62608_GROUP_ADDR, 6));
		prev = c->f[i].at;
	}
	agent_free(&a);
	free(c);
}

TEST_HARNESS_MAIN
