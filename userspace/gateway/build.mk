# SPDX-License-Identifier: GPL-2.0
#
# The gateway backends (docs/gateway.md): a library i62608d links, free of
# its policy. nftables through libnftables (its JSON read back with
# json-c), dnsmasq and igmpproxy through their files and signals, UPnP IGD
# through libminiupnpc. A program that links it adds $(GW_SRCS) (or their
# objects) and $(GW_LIBS), and -I$(top)/userspace/gateway for gw.h.

GW_SRCS := $(wildcard userspace/gateway/*.c)
GW_CFLAGS := $(shell pkg-config --cflags libnftables json-c miniupnpc 2>/dev/null)
GW_LIBS := $(shell pkg-config --libs libnftables json-c 2>/dev/null || echo -lnftables -ljson-c) \
	$(shell pkg-config --libs miniupnpc 2>/dev/null || echo -lminiupnpc)

$(call obj,$(GW_SRCS)) $(call asan_obj,$(GW_SRCS)): USER_CFLAGS += $(GW_CFLAGS)

# No program of this tree links the library yet (i62608d will): build its
# objects with the userspace so that they stay warning-free.
userspace: $(call obj,$(GW_SRCS))
