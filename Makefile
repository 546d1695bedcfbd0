# SPDX-License-Identifier: GPL-2.0
#
# i62608 - IEC 62608 home network configuration.
#
#   make                    kernel module (default kernel) and userspace
#   make KDIR=/lib/modules/$(uname -r)/build module
#                           the module for a gateway's own kernel
#   make modules-all        the module for every test kernel
#   make check              style, layout, unit and agent tests, VM suite
#                           (6.12)
#   make check-matrix       VM suite on 6.1, 6.12 and next
#   make check-debug        VM suite on the debug kernel (KASAN, kmemleak,
#                           lockdep) with the detectors' self-check
#   make test               what CI runs (README's test command): checks,
#                           unit, agent and fuzz tests, the suite on 6.12,
#                           its kernel contract tests on 6.1 and next
#   make vm-6.1 TESTS=netns.sh    some VM tests on one kernel
#   make bench-discovery    discovery benchmark, one VM (docs/benchmarks.md)
#   make bench              crypto benchmark, natively
#
# Kernels and tools come from scripts/setup.sh, into $(CACHE).

top := $(CURDIR)
CACHE ?= $(if $(I62608_CACHE),$(I62608_CACHE),$(top)/.cache)
BUILD := $(top)/build
RESULTS := $(BUILD)/results
TOOLS := $(CACHE)/tools

# Test kernels: names of $(CACHE)/kernels/NAME/kernel.env.
KERNEL ?= 6.12
MATRIX := 6.1 6.12 next

VERSION := $(shell git -C $(top) describe --always --dirty 2>/dev/null || echo 0.1.0)

.PHONY: all module modules-all userspace selftests unit unit-bins style layout debug-kernel \
	check check-matrix check-debug test test-jobs native clean help \
	vm-% vm-compat-% vm-split1 vm-split2 build-stage-% module-% FORCE
.DEFAULT_GOAL := all

all: module userspace

help:
	@sed -n '3,/^[^#]/{/^#/p}' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- module --
#
# Every kernel gets its own shadow tree of symlinks under build/k/NAME, so
# objects of different kernels never mix and kbuild's external-module clean
# (which recurses through M=) never runs over the repository.

kenv = $(CACHE)/kernels/$(1)/kernel.env
kval = $(shell sed -n 's/^$(2)=//p' $(call kenv,$(1)) 2>/dev/null)
KSRC := Kbuild kernel include

define build_module
	@mkdir -p $(BUILD)/k/$(1)
	@cp -asf $(addprefix $(top)/,$(KSRC)) $(BUILD)/k/$(1)/
	@test -f "$(2)/Makefile" || { echo "no kernel tree at '$(2)' (run scripts/setup.sh, or give KDIR=)"; exit 1; }
	+$(MAKE) -C $(2) M=$(BUILD)/k/$(1) W=1 I62608_WERROR=y $(3) modules
endef

ifneq ($(KDIR),)
module: FORCE
	$(call build_module,custom,$(KDIR),)
	@echo "built $(BUILD)/k/custom/i62608.ko"
else
module: module-$(KERNEL)
endif

module-%: FORCE
	$(call build_module,$*,$(call kval,$*,KDIR),$(call kval,$*,KMAKE_ARGS))

modules-all: $(addprefix module-,$(MATRIX))

# ------------------------------------------------------------- userspace --

CC ?= gcc
NPROC := $(shell nproc 2>/dev/null || echo 1)
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
USER_CFLAGS := -std=gnu11 -g -O2 $(WARN) -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 \
	-fstack-protector-strong -I$(top)/include/uapi -I$(top)/userspace/lib \
	-I$(top)/kernel \
	-DI62608_TOOL_VERSION='"$(VERSION)"' $(NL_CFLAGS)
# Unit tests run natively under AddressSanitizer and UBSan.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

LIB_SRCS := userspace/lib/output.c userspace/lib/nl.c userspace/lib/proto_nl.c \
	userspace/lib/report.c kernel/wire.c
CTL_SRCS := $(wildcard userspace/ctl/*.c)
MNL_LIBS := $(shell pkg-config --libs libmnl 2>/dev/null)

# Programs beyond i62608ctl add themselves here from their build.mk;
# UNIT_EXTRA_SRCS are linked into every unit test.
USERSPACE_BINS := $(BUILD)/bin/i62608ctl
UNIT_EXTRA_SRCS :=
UNIT_EXTRA_LIBS :=
# Native test stages (phony targets) a build.mk adds to make check/test.
NATIVE_STAGES :=

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

# The same sources, instrumented, for native tests that link objects once
# instead of compiling every source into every test (daemon, cloud).
asan_obj = $(patsubst %.c,$(BUILD)/asan/%.o,$(1))

$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -O1 $(SAN_FLAGS) -isystem $(TOOLS) -MMD -MP -c $< -o $@

$(BUILD)/bin/i62608ctl: $(call obj,$(CTL_SRCS) $(LIB_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(NL_LIBS)

include $(sort $(wildcard userspace/*/build.mk selftests/*/build.mk)) bench/build.mk

userspace: $(USERSPACE_BINS)

-include $(shell find $(BUILD)/obj $(BUILD)/asan $(BUILD)/asan-nt $(BUILD)/unit -name '*.d' 2>/dev/null)

# ------------------------------------------------------------- selftests --

selftests: userspace
	@test -f $(TOOLS)/kselftest_harness.h || { echo "missing $(TOOLS)/kselftest_harness.h: run scripts/setup.sh"; exit 1; }
	$(MAKE) -C selftests/i62608 OUTPUT=$(BUILD)/selftests TOOLS=$(TOOLS) \
		TOP=$(top) CC=$(CC)

# Unit tests: userspace code, natively, under ASan/UBSan. Every source is
# compiled once ($(BUILD)/asan) and each test links the objects it needs;
# the test hooks of kernel/noise.c and crypto_user.c (kernel/noise_test.h:
# fixed ephemeral keys, raw nonces) exist only in the objects of
# $(BUILD)/asan-nt, linked into the two tests that use them.
UNIT_SRCS := $(wildcard selftests/unit/*.c)
UNIT_BINS := $(patsubst selftests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
UNIT_DEFS := -DDOC_PATH='"$(top)/docs/protocol.md"' -DSRC_TOP='"$(top)"'
UNIT_OBJS := $(call asan_obj,$(LIB_SRCS) $(UNIT_EXTRA_SRCS))
NOISE_TEST_UNITS := $(BUILD)/unit/crypto_test $(BUILD)/unit/noise_test

$(BUILD)/unit/%.o: selftests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -O1 $(SAN_FLAGS) -isystem $(TOOLS) $(UNIT_DEFS) \
		-MMD -MP -c $< -o $@

$(BUILD)/asan-nt/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -DI62608_NOISE_TEST -O1 $(SAN_FLAGS) -isystem $(TOOLS) \
		$(UNIT_DEFS) -MMD -MP -c $< -o $@

unit_link = $(CC) $(USER_CFLAGS) -O1 $(SAN_FLAGS) -o $@ $(filter %.o,$^) \
	$(NL_LIBS) $(UNIT_EXTRA_LIBS)

$(BUILD)/unit/%: $(BUILD)/unit/%.o $(UNIT_OBJS)
	$(unit_link)

NOISE_TEST_SRCS := kernel/noise.c userspace/lib/crypto_user.c

$(NOISE_TEST_UNITS): $(BUILD)/unit/%: $(BUILD)/asan-nt/selftests/unit/%.o \
		$(patsubst %.c,$(BUILD)/asan-nt/%.o,$(NOISE_TEST_SRCS)) \
		$(filter-out $(call asan_obj,$(NOISE_TEST_SRCS)),$(UNIT_OBJS))
	$(unit_link)

# Objects are never intermediate files to be deleted after a link.
.SECONDARY:

# Built in parallel (objects, then links); run one after another.
unit-bins: $(UNIT_BINS)

unit:
	@$(MAKE) --no-print-directory -j$(NPROC) unit-bins
	@scripts/run-stage --tap unit -- scripts/run-tests $(UNIT_BINS)

# ---------------------------------------------------------------- checks --

style:
	@scripts/run-stage --tap style -- scripts/check-style

layout: module
	@scripts/run-stage --tap layout -- scripts/check-layout $(BUILD)/k/$(KERNEL)/i62608.ko

# ------------------------------------------------------------ VM suites --
#
# One boot per kernel runs the whole suite (selftests/i62608/run_vm.sh).

build-stage-%: FORCE
	@scripts/run-stage --single "module builds for $* (W=1, no warnings)" build-$* -- \
		$(MAKE) --no-print-directory module-$*

vm-%: build-stage-% FORCE
	@scripts/run-stage --tap vm-$* -- scripts/vm-run --kernel $* -- \
		selftests/i62608/run_vm.sh --kernel $* $(TESTS)

# The debug lane: VM tests on the KASAN/kmemleak/lockdep kernel booted with
# panic_on_warn=1 (scripts/check-debug), then the detectors' self-check.
FAULT_KO := $(BUILD)/k/debug-fault/i62608_fault.ko

# Copies, not links: a link into another clone's tree would dangle.
$(FAULT_KO): selftests/i62608/faultmod/i62608_fault.c selftests/i62608/faultmod/Kbuild
	@mkdir -p $(dir $@)
	@cp -f $^ $(dir $@)
	$(MAKE) -C $(call kval,debug,KDIR) M=$(dir $@) W=1 I62608_WERROR=y modules

# Built on first use (27 minutes cold on 2 cores, a minute or two with a
# warm ccache; an up-to-date tree returns at once); scripts/setup.sh
# --debug-kernel builds it ahead.
debug-kernel: FORCE
	@test -f $(CACHE)/src/linux-6.12/Makefile || { echo "no linux-6.12 source in $(CACHE)/src: run scripts/setup.sh"; exit 1; }
	scripts/build-debug-kernel $(CACHE)/src/linux-6.12 $(CACHE)/kernels/debug

build-stage-debug: FORCE
	@scripts/run-stage --single "debug kernel, module and fault module build (W=1)" build-debug -- \
		$(MAKE) --no-print-directory debug-kernel module-debug $(FAULT_KO)

# The whole suite and the detectors' self-check in one boot; with TESTS,
# those tests only. (Two boots at once, as for 6.12, gained nothing here:
# each ran about twice as slow.)
vm-debug: build-stage-debug FORCE
	@scripts/run-stage --tap vm-debug -- scripts/check-debug $(if $(TESTS),,--detectors) $(TESTS)

check-debug: userspace selftests
	@rm -rf $(RESULTS)
	@$(MAKE) --no-print-directory vm-debug
	@scripts/summarize $(RESULTS)

check: userspace selftests
	@rm -rf $(RESULTS)
	@$(MAKE) --no-print-directory style unit agent-tests $(NATIVE_STAGES) fuzz layout vm-$(KERNEL)
	@scripts/summarize $(RESULTS)

check-matrix: userspace selftests
	@rm -rf $(RESULTS)
	@$(MAKE) --no-print-directory $(addprefix vm-,$(MATRIX))
	@scripts/summarize $(RESULTS)

# What differs between kernels is the module's contract with them: generic
# netlink and dumps, the packet handler, the crypto library, the module's
# life cycle. make test runs the tests of that contract on the other
# kernels of the matrix, and the whole suite on the default kernel;
# make check-matrix runs the whole suite everywhere.
COMPAT_TESTS := iface_nl agents_nl genl_family.sh iface_ctl.sh config_e2e.sh \
	module_load.sh

# make test splits the default kernel's suite over two boots: the second
# runs these, the first every other test (run_vm.sh --except), so a new
# test always runs. The two halves take about the same time.
SPLIT_TESTS := security.sh netns.sh discovery.sh module_load.sh endurance.sh

vm-compat-%: build-stage-% FORCE
	@scripts/run-stage --tap vm-$* -- scripts/vm-run --kernel $* -- \
		selftests/i62608/run_vm.sh --kernel $* $(COMPAT_TESTS)

# These two expect the module built (make test's build-$(KERNEL) stage).
vm-split1: FORCE
	@scripts/run-stage --tap vm-$(KERNEL).1 -- scripts/vm-run --kernel $(KERNEL) -- \
		selftests/i62608/run_vm.sh --kernel $(KERNEL) --except "$(SPLIT_TESTS)"

vm-split2: FORCE
	@scripts/run-stage --tap vm-$(KERNEL).2 -- scripts/vm-run --kernel $(KERNEL) -- \
		selftests/i62608/run_vm.sh --kernel $(KERNEL) $(SPLIT_TESTS)

# The native stages, one after another (each builds what it runs); a
# stage whose build fails does not keep the others from running.
NATIVE := style unit agent-tests $(NATIVE_STAGES) fuzz layout

native: FORCE
	@rc=0; for s in $(NATIVE); do \
		$(MAKE) --no-print-directory $$s || rc=1; \
	done; exit $$rc

# Under TCG a guest keeps about one host CPU busy and the stages are
# independent: make test runs them two at a time (this machine and CI's
# have 2 CPUs), the longest first: the two halves of the default kernel's
# suite, the native stages, the other kernels' contract tests. Each
# stage's output goes to its log and its verdicts are printed when it
# ends (RUN_STAGE_QUIET).
TEST_JOBS := vm-split1 vm-split2 native \
	$(addprefix vm-compat-,$(filter-out $(KERNEL),$(MATRIX)))

test-jobs: $(TEST_JOBS)

# The README's test command: one closing line. The debug lane is not in it:
# under TCG the debug kernel runs the suite many times slower than the
# others, and its first build takes half an hour, beyond CI's budget; make
# check-debug runs it (docs/testing.md).
test: FORCE
	@rm -rf $(RESULTS)
	@$(MAKE) --no-print-directory -j$(NPROC) userspace selftests
	@$(MAKE) --no-print-directory build-stage-$(KERNEL)
	@$(MAKE) --no-print-directory -j2 test-jobs RUN_STAGE_QUIET=1
	@scripts/summarize $(RESULTS)

clean:
	rm -rf $(BUILD)

FORCE:
