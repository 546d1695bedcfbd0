// SPDX-License-Identifier: GPL-2.0
/*
 * When to send DISCOVER (docs/protocol.md sections 5 and 8): after a random
 * 0-200 ms at start and link-up, so that devices powered up together do
 * not speak at once; then min, 2 min, 4 min ... capped at max, each with
 * +-25 % jitter so that they do not stay in step; forever.
 */

#include "agent.h"

u32 agent_backoff_ms(unsigned int step, u32 min_ms, u32 max_ms, u32 rnd)
{
	u64 base = min_ms;

	/* Doubling stops at the cap: no shift overflows, whatever @step. */
	while (step-- && base < max_ms)
		base *= 2;
	if (base > max_ms)
		base = max_ms;
	/* Uniform in [base - 25 %, base + 25 %]. */
	return (u32)(base - base / 4 + rnd % (base / 2 + 1));
}

u32 agent_start_delay_ms(u32 rnd)
{
	return rnd % (AGENT_START_DELAY_MS + 1);
}
