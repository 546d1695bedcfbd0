# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the VM tests, built with the userspace programs (they share
# the REPORT codec and kernel/wire.c): l2report sends one rich REPORT
# (selftests/i62608/ctl_agent.sh).

L2REPORT := $(BUILD)/selftests/tools/l2report
USERSPACE_BINS += $(L2REPORT)

$(L2REPORT): $(call obj,selftests/tools/l2report.c userspace/lib/report.c kernel/wire.c)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^
