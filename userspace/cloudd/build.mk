# SPDX-License-Identifier: GPL-2.0
#
# i62608-cloudd, the reference cloud servers (docs/cloud-api.md): the
# four roles over libmicrohttpd's GnuTLS HTTPS, json-c, SQLite (sqldb).
# The bodies are checked with the client's own schemas (userspace/cloud).

CLOUDD_SRCS := $(wildcard userspace/cloudd/*.c) $(CLOUD_JSON_SRCS) \
	$(CLOUD_DEP_SRCS)
CLOUDD_LIBS = $(shell pkg-config --libs libmicrohttpd gnutls 2>/dev/null || \
	echo -lmicrohttpd -lgnutls) $(CLOUD_JSON_LIBS) $(NL_LIBS) $(SQLITE_LIBS) \
	-pthread
CLOUDD := $(BUILD)/bin/i62608-cloudd
USERSPACE_BINS += $(CLOUDD)

$(call obj,$(wildcard userspace/cloudd/*.c)) $(call asan_obj,$(wildcard userspace/cloudd/*.c)): \
	USER_CFLAGS += $(CLOUD_CFLAGS)

$(CLOUDD): $(call obj,$(CLOUDD_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(CLOUDD_LIBS)
