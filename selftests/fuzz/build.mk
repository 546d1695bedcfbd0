# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets for the wire format and the security core
# (docs/fuzzing.md).
#
#   make fuzz                    build, then run each target FUZZ_SECONDS
#                                (default 60) from a scratch copy of its seed
#                                corpus; TAP recorded as stage "fuzz"
#   make fuzz FUZZ_SECONDS=600   longer
#   make fuzz-corpus             regenerate selftests/fuzz/corpus/
#   make fuzz FUZZ_TARGETS=frame_fuzz   some targets only
#
# Targets are clang-only (-fsanitize=fuzzer). The code under test is built
# with -fsanitize=integer on top of ASan and UBSan: a truncating or wrapping
# length computation is the classic parser bug, and UBSan alone does not
# see it. Test scaffolding is not (its PRNG wraps on purpose).

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_TARGETS ?= wire_fuzz encode_fuzz noise_fuzz frame_fuzz
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
FUZZ_LIB_SRCS := kernel/wire.c userspace/lib/report.c
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_LIB_HDRS := kernel/wire.h kernel/wire_types.h userspace/lib/report.h \
	userspace/lib/wire_types_user.h include/uapi/linux/i62608.h
FUZZ_HDRS := $(FUZZ_LIB_HDRS) $(addprefix selftests/unit/,wire_gen.h \
	wire_check.h wire_examples.h)
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE \
	-fno-omit-frame-pointer -I$(top)/include/uapi -I$(top)/userspace/lib \
	-I$(top)/kernel -I$(top)/selftests/unit
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: fuzz fuzz-build fuzz-corpus

$(FUZZ_LIB_OBJS): $(FUZZ_DIR)/obj/%.o: %.c $(FUZZ_LIB_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=integer \
		-fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/wire_fuzz $(FUZZ_DIR)/encode_fuzz: $(FUZZ_DIR)/%: \
		selftests/fuzz/%.c $(FUZZ_LIB_OBJS) $(FUZZ_HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer \
		-o $@ $< $(FUZZ_LIB_OBJS)

# The security targets run kernel/noise.c over the OpenSSL primitives of
# userspace/lib/crypto_user.c (userspace/lib/build.mk), with the test hook
# of kernel/noise_test.h that fixes ephemeral keys, so that a run is
# deterministic: these objects are built apart, with I62608_NOISE_TEST, and
# linked into the fuzzers only. OpenSSL itself is not instrumented.
FUZZ_SEC_SRCS := kernel/noise.c userspace/lib/crypto_user.c
FUZZ_SEC_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj-sec/%.o,$(FUZZ_SEC_SRCS))
FUZZ_SEC_HDRS := $(FUZZ_LIB_HDRS) kernel/crypto.h kernel/noise.h \
	kernel/noise_test.h selftests/fuzz/sec_fuzz.h

$(FUZZ_SEC_OBJS): $(FUZZ_DIR)/obj-sec/%.o: %.c $(FUZZ_SEC_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CRYPTO_CFLAGS) -DI62608_NOISE_TEST \
		$(FUZZ_SAN) -fsanitize=integer -fsanitize=fuzzer-no-link \
		-c $< -o $@

$(FUZZ_DIR)/noise_fuzz $(FUZZ_DIR)/frame_fuzz: $(FUZZ_DIR)/%: \
		selftests/fuzz/%.c $(FUZZ_SEC_OBJS) $(FUZZ_LIB_OBJS) $(FUZZ_SEC_HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CRYPTO_CFLAGS) -DI62608_NOISE_TEST \
		$(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_SEC_OBJS) \
		$(FUZZ_LIB_OBJS) $(CRYPTO_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@scripts/run-stage --tap fuzz -- selftests/fuzz/run-fuzz.sh \
		--seconds $(FUZZ_SECONDS) --work $(FUZZ_DIR) $(FUZZ_BINS)

# The corpus generator is plain userspace C, built like the unit tests.
$(FUZZ_DIR)/mkcorpus: selftests/fuzz/mkcorpus.c $(FUZZ_LIB_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(top)/selftests/unit -o $@ $< $(FUZZ_LIB_SRCS)

# The security seeds are sealed with the real code: it links libcrypto.
$(FUZZ_DIR)/mkcorpus_sec: selftests/fuzz/mkcorpus_sec.c kernel/wire.c \
		$(FUZZ_SEC_SRCS) $(FUZZ_SEC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $< kernel/wire.c $(FUZZ_SEC_SRCS) $(CRYPTO_LIBS)

fuzz-corpus: $(FUZZ_DIR)/mkcorpus $(FUZZ_DIR)/mkcorpus_sec
	$(FUZZ_DIR)/mkcorpus selftests/fuzz/corpus
	$(FUZZ_DIR)/mkcorpus_sec selftests/fuzz/corpus
