# SPDX-License-Identifier: GPL-2.0
#
# testcfg: the minimal configurator selftests/agent/agent_proto.sh and
# agent_config.sh run against i62608-agent, built on kernel/wire.c, the
# REPORT decoder and the security core (kernel/noise.c over OpenSSL).

TESTCFG := $(BUILD)/selftests/agent/testcfg
USERSPACE_BINS += $(TESTCFG)

$(TESTCFG): $(call obj,selftests/agent/testcfg.c userspace/lib/report.c kernel/wire.c \
		kernel/noise.c userspace/lib/crypto_user.c)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(CRYPTO_LIBS)

# The agent's own tests need no kernel module: they run natively, as root,
# in network namespaces they create (once, not on every VM kernel).
AGENT_TESTS := selftests/agent/agent_proto.sh selftests/agent/agent_config.sh

.PHONY: agent-tests
agent-tests: userspace
	@scripts/run-stage --tap agent -- scripts/run-tests $(AGENT_TESTS)
