# SPDX-License-Identifier: GPL-2.0
#
# The discovery benchmark (docs/benchmarks.md): numbers only, no verdict.
#
#   make bench-discovery             build, boot $(KERNEL) once, run
#                                    bench/discovery.sh in it
#
# disclat times agents from start to their events, l2rate samples frame
# counters and CPU time over windows, l2recv is the userspace receiver the
# module is compared with. They are built with the other userspace
# programs so that they never rot.

BENCH_DIR := $(BUILD)/bench
BENCH_BINS := $(addprefix $(BENCH_DIR)/,disclat l2rate l2recv)
BENCH_LIB_SRCS := bench/bench.c userspace/lib/output.c userspace/lib/nl.c \
	userspace/lib/proto_nl.c
USERSPACE_BINS += $(BENCH_BINS)

$(BENCH_DIR)/disclat: $(call obj,bench/disclat.c $(BENCH_LIB_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(NL_LIBS)

$(BENCH_DIR)/l2rate: $(call obj,bench/l2rate.c $(BENCH_LIB_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(NL_LIBS)

$(BENCH_DIR)/l2recv: $(call obj,bench/l2recv.c $(BENCH_LIB_SRCS) kernel/wire.c)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(NL_LIBS)

# The frame generator of the VM suite.
$(BUILD)/selftests/l2gen: FORCE
	$(MAKE) -C selftests/i62608 OUTPUT=$(BUILD)/selftests TOOLS=$(TOOLS) \
		TOP=$(top) CC=$(CC) $@

.PHONY: bench-discovery
bench-discovery: module-$(KERNEL) $(BENCH_BINS) $(BUILD)/bin/i62608ctl \
		$(BUILD)/bin/i62608-agent $(BUILD)/selftests/l2gen
	scripts/vm-run --kernel $(KERNEL) --cpus 2 -- bench/discovery.sh --kernel $(KERNEL)
include bench/config.mk
include bench/sec.mk
