// SPDX-License-Identifier: GPL-2.0
/*
 * i62608ctl's parsers of command line values: MAC addresses, interface
 * names, numbers, durations and parameter values. Strict: anything but
 * the documented syntax is refused with a message saying what is wanted.
 */

#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../userspace/ctl/args.h"
#include "nl.h"

TEST(mac_accepted)
{
	uint8_t mac[6];

	ASSERT_EQ(0, ctl_parse_mac("02:00:00:00:00:a1", mac));
	EXPECT_EQ(0, memcmp(mac, "\x02\x00\x00\x00\x00\xa1", 6));
	ASSERT_EQ(0, ctl_parse_mac("AA:bb:Cc:dD:0f:F0", mac));
	EXPECT_EQ(0, memcmp(mac, "\xaa\xbb\xcc\xdd\x0f\xf0", 6));
	ASSERT_EQ(0, ctl_parse_mac("ff:ff:ff:ff:ff:ff", mac));
	EXPECT_EQ(0, memcmp(mac, "\xff\xff\xff\xff\xff\xff", 6));
}

TEST(mac_refused)
{
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:a1:", "02:00:00:00:00:a1 ",
		" 02:00:00:00:00:a1", "2:0:0:0:0:a1", "02-00-00-00-00-a1",
		"0200.0000.00a1", "02:00:00:00:00:g1", "02:00:00:00:00:a",
		"02:00:00:00:00:a10", "02::00:00:00:00a1", "+2:00:00:00:00:a1",
		"0x:00:00:00:00:a1", "02:00:00:00:00:a1\n",
	};
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, ctl_parse_mac(bad[i], mac)) {
			TH_LOG("'%s' was accepted", bad[i]);
		}
	}
	/* A refused string leaves the output alone. */
	EXPECT_EQ(0, memcmp(mac, "\x01\x02\x03\x04\x05\x06", 6));
}

TEST(ifname)
{
	char err[CTL_ERR_LEN];

	EXPECT_EQ(0, ctl_parse_ifname("br-lan", err, sizeof(err)));
	EXPECT_EQ(0, ctl_parse_ifname("aaaaaaaaaaaaaaa", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_ifname("aaaaaaaaaaaaaaaa", err, sizeof(err)));
	EXPECT_STREQ("'aaaaaaaaaaaaaaaa' is not a valid interface name (1 to 15 characters)",
		     err);
	EXPECT_EQ(-EINVAL, ctl_parse_ifname("", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_ifname("a/b", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no '/'"));
	EXPECT_EQ(-EINVAL, ctl_parse_ifname("a b", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_ifname("a\tb", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_ifname("eth0:1", err, sizeof(err)));
}

TEST(numbers)
{
	char err[CTL_ERR_LEN];
	uint64_t v = 7;

	EXPECT_EQ(0, ctl_parse_u64("0", 10, &v, err, sizeof(err)));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, ctl_parse_u64("4294967295", UINT32_MAX, &v, err, sizeof(err)));
	EXPECT_EQ(UINT32_MAX, v);
	EXPECT_EQ(-ERANGE, ctl_parse_u64("4294967296", UINT32_MAX, &v, err,
					  sizeof(err)));
	EXPECT_STREQ("'4294967296' is too large (at most 4294967295)", err);
	EXPECT_EQ(-ERANGE, ctl_parse_u64("99999999999999999999999", UINT64_MAX,
					  &v, err, sizeof(err)));
	EXPECT_EQ(0, ctl_parse_u64("18446744073709551615", UINT64_MAX, &v, err,
				    sizeof(err)));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(-ERANGE, ctl_parse_u64("18446744073709551616", UINT64_MAX, &v,
					  err, sizeof(err)));
	v = 7;
	EXPECT_EQ(-EINVAL, ctl_parse_u64("", 10, &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_u64("-1", 10, &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_u64("+1", 10, &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_u64("0x10", 100, &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_u64("1e3", 10000, &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_u64(" 1", 10, &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_u64("1 ", 10, &v, err, sizeof(err)));
	EXPECT_STREQ("'1 ' is not a number (decimal digits only)", err);
	EXPECT_EQ(7, v);
}

TEST(durations)
{
	char err[CTL_ERR_LEN];
	uint64_t ms;

	ASSERT_EQ(0, ctl_parse_duration("1500ms", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(1500, ms);
	ASSERT_EQ(0, ctl_parse_duration("2s", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(2000, ms);
	ASSERT_EQ(0, ctl_parse_duration("3m", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(180000, ms);
	ASSERT_EQ(0, ctl_parse_duration("1h", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(3600000, ms);
	ASSERT_EQ(0, ctl_parse_duration("0", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(0, ms);
	/* Without a unit: the caller's. */
	ASSERT_EQ(0, ctl_parse_duration("250", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(250, ms);
	ASSERT_EQ(0, ctl_parse_duration("10", 1000, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(10000, ms);

	EXPECT_EQ(-EINVAL, ctl_parse_duration("1.5s", 1, UINT32_MAX, &ms, err,
					      sizeof(err)));
	EXPECT_STREQ("'1.5s' is not a duration: the unit is ms, s, m or h (e.g. 1500ms, 2s)",
		     err);
	EXPECT_EQ(-EINVAL, ctl_parse_duration("s", 1, UINT32_MAX, &ms, err,
					      sizeof(err)));
	EXPECT_STREQ("'s' is not a duration: a whole number with an optional unit ms, s, m or h (e.g. 1500ms, 2s)",
		     err);
	EXPECT_EQ(-EINVAL, ctl_parse_duration("", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_duration("2 s", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_duration("2S", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_duration("2sec", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_duration("1m30s", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_duration("-1s", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(-ERANGE, ctl_parse_duration("4294967296", 1, UINT32_MAX, &ms, err,
					      sizeof(err)));
	EXPECT_EQ(-ERANGE, ctl_parse_duration("1194h", 1, UINT32_MAX, &ms, err,
					      sizeof(err)));
	EXPECT_STREQ("'1194h' is too long (at most 4294967295ms)", err);
	EXPECT_EQ(-ERANGE, ctl_parse_duration("99999999999999999999h", 1,
					      UINT64_MAX, &ms, err, sizeof(err)));
	/* Just fits: 1193h is 4294800000 ms. */
	EXPECT_EQ(0, ctl_parse_duration("1193h", 1, UINT32_MAX, &ms, err, sizeof(err)));
	EXPECT_EQ(4294800000ULL, ms);
}

TEST(param_values)
{
	char err[CTL_ERR_LEN];
	uint32_t v;

	/* Counts. */
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_MAX_AGENTS, "4096", &v, err,
				     sizeof(err)));
	EXPECT_EQ(4096, v);
	EXPECT_EQ(-EINVAL, ctl_parse_param(I62608_PARAM_A_RATE, "50/s", &v, err,
					   sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_param(I62608_PARAM_A_BURST, "1s", &v, err,
					   sizeof(err)));
	/* The kernel checks ranges; a u32 is all the client insists on. */
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_MAX_AGENTS, "0", &v, err,
				     sizeof(err)));
	EXPECT_EQ(-ERANGE, ctl_parse_param(I62608_PARAM_A_MAX_AGENTS, "4294967296",
					   &v, err, sizeof(err)));

	/* Milliseconds. */
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_AGING_INTERVAL_MS, "2s", &v,
				     err, sizeof(err)));
	EXPECT_EQ(2000, v);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_LOST_LINGER_MS, "1500", &v,
				     err, sizeof(err)));
	EXPECT_EQ(1500, v);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_ADV_INTERVAL_MS, "1h", &v,
				     err, sizeof(err)));
	EXPECT_EQ(3600000, v);

	/* Seconds: whole ones only, a bare number is seconds. */
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_HEARTBEAT_INTERVAL_S, "10",
				     &v, err, sizeof(err)));
	EXPECT_EQ(10, v);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_HEARTBEAT_INTERVAL_S, "2000ms",
				     &v, err, sizeof(err)));
	EXPECT_EQ(2, v);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_MAX_TTL_S, "24h", &v, err,
				     sizeof(err)));
	EXPECT_EQ(86400, v);
	EXPECT_EQ(-EINVAL, ctl_parse_param(I62608_PARAM_A_MAX_TTL_S, "1500ms", &v,
					   err, sizeof(err)));
	EXPECT_STREQ("'1500ms' is not a whole number of seconds, the unit of max_ttl",
		     err);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_MAX_TTL_S, "4294967295", &v,
				     err, sizeof(err)));
	EXPECT_EQ(UINT32_MAX, v);
	EXPECT_EQ(-ERANGE, ctl_parse_param(I62608_PARAM_A_MAX_TTL_S, "4294967296",
					   &v, err, sizeof(err)));

	/* Yes or no. */
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_REQUIRE_AUTH, "yes", &v, err,
				     sizeof(err)));
	EXPECT_EQ(1, v);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_REQUIRE_AUTH, "off", &v, err,
				     sizeof(err)));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_REQUIRE_AUTH, "1", &v, err,
				     sizeof(err)));
	EXPECT_EQ(1, v);
	EXPECT_EQ(-EINVAL, ctl_parse_param(I62608_PARAM_A_REQUIRE_AUTH, "2", &v,
					   err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_param(I62608_PARAM_A_REQUIRE_AUTH, "YES", &v,
					   err, sizeof(err)));
	EXPECT_STREQ("'YES' is not a yes/no value (yes, no, on, off, 1, 0)", err);
	ASSERT_EQ(0, ctl_parse_param(I62608_PARAM_A_REJECT_AFTER_S, "15m", &v,
				     err, sizeof(err)));
	EXPECT_EQ(900, v);

	EXPECT_EQ(-EINVAL, ctl_parse_param(0, "1", &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, ctl_parse_param(I62608_PARAM_A_MAX + 1, "1", &v, err,
					   sizeof(err)));
}

TEST(messages_fit_small_buffers)
{
	char err[8];
	uint64_t v;

	EXPECT_EQ(-EINVAL, ctl_parse_u64("nonsense-and-more", 10, &v, err,
					 sizeof(err)));
	EXPECT_EQ(7, strlen(err));
}

TEST_HARNESS_MAIN
