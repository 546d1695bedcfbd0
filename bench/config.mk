# SPDX-License-Identifier: GPL-2.0
#
# The configuration benchmark (docs/benchmarks.md): numbers only, no verdict.
#
#   make bench-config        build, boot $(KERNEL) once, run bench/config.sh
#
# cfgload sends configuration requests through the module (CONFIG_SEND)
# to 1,000 virtual agents of one i62608-agent, and times each to its
# CONFIG_RESULT_NTF. It builds its requests with i62608ctl's own item
# parser and encoder (userspace/ctl/cfgparse.c over kernel/wire.c), and is
# built with the other userspace programs so that it never rots.

CFGLOAD := $(BUILD)/bench/cfgload
USERSPACE_BINS += $(CFGLOAD)

$(call obj,bench/cfgload.c): USER_CFLAGS += -I$(top)/userspace/ctl

$(CFGLOAD): $(call obj,bench/cfgload.c bench/bench.c userspace/ctl/cfgparse.c \
		userspace/ctl/args.c userspace/lib/output.c userspace/lib/nl.c \
		userspace/lib/proto_nl.c kernel/wire.c)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(NL_LIBS)

.PHONY: bench-config
bench-config: module-$(KERNEL) $(CFGLOAD) $(BUILD)/bin/i62608ctl \
		$(BUILD)/bin/i62608-agent
	scripts/vm-run --kernel $(KERNEL) --cpus 2 -- bench/config.sh --kernel $(KERNEL)
