# SPDX-License-Identifier: GPL-2.0
#
# The security benchmark (docs/benchmarks.md): numbers only, no verdict.
#
#   make bench-security      build, boot $(KERNEL) once, run bench/security.sh
#
# secload plays many agents through kernel/noise.c and kernel/wire.c (the
# code the module runs), over the OpenSSL primitives of
# userspace/lib/crypto_user.c ($(CRYPTO_SRCS), userspace/lib/build.mk).
# Built with the other userspace programs so that it never rots.

SECLOAD := $(BUILD)/bench/secload
USERSPACE_BINS += $(SECLOAD)

$(SECLOAD): $(call obj,bench/secload.c $(CRYPTO_SRCS) kernel/wire.c)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(CRYPTO_LIBS)

.PHONY: bench-security
bench-security: module-$(KERNEL) $(SECLOAD) $(BUILD)/bin/i62608ctl
	scripts/vm-run --kernel $(KERNEL) --cpus 2 -- bench/security.sh --kernel $(KERNEL)
