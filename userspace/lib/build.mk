# SPDX-License-Identifier: GPL-2.0
#
# The security core (docs/security.md) in userspace: kernel/noise.c, the
# handshake, frame protection and replay window the module runs too, over
# userspace/lib/crypto_user.c, the crypto.h primitives on OpenSSL 3's
# libcrypto. Both join LIB_SRCS, so every unit test links them (and
# libcrypto); a program that needs them adds $(CRYPTO_SRCS) and
# $(CRYPTO_LIBS) to its own rule.
#
#   make bench      run build/bench/crypto_bench (numbers only, no verdict)

CRYPTO_CFLAGS := $(shell pkg-config --cflags libcrypto 2>/dev/null)
CRYPTO_LIBS := $(shell pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)
CRYPTO_SRCS := kernel/noise.c userspace/lib/crypto_user.c
CRYPTO_HDRS := kernel/crypto.h kernel/noise.h kernel/noise_test.h

USER_CFLAGS += $(CRYPTO_CFLAGS)
LIB_SRCS += $(CRYPTO_SRCS)
UNIT_EXTRA_LIBS += $(CRYPTO_LIBS)

CRYPTO_BENCH := $(BUILD)/bench/crypto_bench
USERSPACE_BINS += $(CRYPTO_BENCH)

$(CRYPTO_BENCH): $(call obj,bench/crypto_bench.c userspace/lib/output.c \
		$(CRYPTO_SRCS) kernel/wire.c)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(CRYPTO_LIBS)

.PHONY: bench
bench: $(CRYPTO_BENCH)
	$(CRYPTO_BENCH)

# SQLite databases (sqldb.c): the daemon, the cloud client and the cloud
# server open and migrate theirs through it.
SQLITE_LIBS := $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
SQLDB_SRCS := userspace/lib/sqldb.c

$(BUILD)/unit/sqldb_test: UNIT_EXTRA_LIBS += $(SQLITE_LIBS)
$(BUILD)/unit/sqldb_test: $(call asan_obj,$(SQLDB_SRCS))
