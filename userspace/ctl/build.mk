# SPDX-License-Identifier: GPL-2.0
#
# i62608ctl is built by the top Makefile (every userspace/ctl/*.c). Its
# argument parsers and renderers are free of I/O and commands: the unit
# tests (selftests/unit/ctl_*.c) link them.

UNIT_EXTRA_SRCS += userspace/ctl/args.c userspace/ctl/render.c \
	userspace/ctl/cfgparse.c userspace/ctl/cfgnl.c userspace/lib/cfgntf.c

# The configuration notifications' decoders (userspace/lib/cfgntf.c) are
# shared with i62608d.
$(BUILD)/bin/i62608ctl: $(call obj,userspace/lib/cfgntf.c)

# `key` and `pair` read and write the configurator's key file and print
# keys and pairing codes with the agent's key code (userspace/agent/keys.c),
# which needs the security core (kernel/noise.c over OpenSSL).
CTL_KEY_SRCS := userspace/agent/keys.c kernel/noise.c userspace/lib/crypto_user.c

$(BUILD)/bin/i62608ctl: $(call obj,$(CTL_KEY_SRCS))

# `device` and `daemon` talk JSON to i62608d's control socket (json-c).
CTL_JSON_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

# Read when the link runs: $(CRYPTO_LIBS) comes from userspace/lib/build.mk.
$(BUILD)/bin/i62608ctl: private NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null) $(CRYPTO_LIBS) $(CTL_JSON_LIBS)
