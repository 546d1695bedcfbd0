# SPDX-License-Identifier: GPL-2.0
#
# i62608-agent: the configured agent (docs/i62608-agent.md). Everything but
# main.c is linked into the unit tests too (selftests/unit/agent_*.c).

AGENT_SRCS := $(filter-out userspace/agent/main.c,$(wildcard userspace/agent/*.c))
# The agent speaks rtnetlink with libmnl, and no generic netlink: it needs
# only the output layer, the REPORT codec and the wire format of LIB_SRCS,
# and the security core (kernel/noise.c over OpenSSL: $(CRYPTO_SRCS) of
# userspace/lib/build.mk, which is read after this file).
AGENT_LIB_SRCS := userspace/lib/output.c userspace/lib/report.c kernel/wire.c \
	kernel/noise.c userspace/lib/crypto_user.c

USERSPACE_BINS += $(BUILD)/bin/i62608-agent
UNIT_EXTRA_SRCS += $(AGENT_SRCS)
UNIT_EXTRA_LIBS += $(MNL_LIBS)

$(BUILD)/bin/i62608-agent: $(call obj,userspace/agent/main.c $(AGENT_SRCS) $(AGENT_LIB_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(MNL_LIBS) $(CRYPTO_LIBS)
