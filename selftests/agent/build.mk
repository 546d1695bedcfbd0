# SPDX-License-Identifier: GPL-2.0
#
# testcfg: the minimal configurator selftests/agent/agent_proto.sh runs
# against i62608-agent, built on kernel/wire.c and the REPORT decoder.

TESTCFG := $(BUILD)/selftests/agent/testcfg
USERSPACE_BINS += $(TESTCFG)

$(TESTCFG): $(call obj,selftests/agent/testcfg.c userspace/lib/report.c kernel/wire.c)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^
