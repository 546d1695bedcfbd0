# SPDX-License-Identifier: GPL-2.0
#
# i62608d: the policy daemon (docs/i62608d.md). Its tests run natively
# under ASan/UBSan from objects built once (selftests/daemon/build.mk).
#
# Besides LIB_SRCS it links the SQLite databases of userspace/lib
# (sqldb.c), the configuration notifications' decoders (cfgntf.c),
# i62608ctl's configuration items (userspace/ctl/cfgparse.c: the encoder
# of a CONFIG_REQUEST, the override's JSON, the names of results), the
# gateway backends (userspace/gateway, through gwsync.c only) and the
# cloud client (userspace/cloud: its tables, its worker thread, the
# schemas it checks with; through cloudlink.c, quality.c, diag.c and the
# overrides of engine.c). They are listed here by name: the variables of
# the build.mk files read after this one are empty here (GW_LIBS is read
# when the link runs; CLOUD_LIBS, of userspace/cloud/build.mk, too).

DAEMON_SRCS := $(filter-out userspace/daemon/main.c,$(wildcard userspace/daemon/*.c))
DAEMON_LIB_SRCS := userspace/lib/sqldb.c userspace/lib/cfgntf.c \
	userspace/ctl/cfgparse.c userspace/ctl/args.c \
	$(wildcard userspace/gateway/*.c) \
	userspace/cloud/store.c userspace/cloud/cjson.c userspace/cloud/schema.c \
	userspace/cloud/client.c userspace/cloud/conf.c userspace/cloud/http.c
DAEMON_LIBS := $(shell pkg-config --libs sqlite3 json-c 2>/dev/null || echo -lsqlite3 -ljson-c)
DAEMON := $(BUILD)/bin/i62608d

USERSPACE_BINS += $(DAEMON)

# cfgparse.h lives with i62608ctl, gw.h with the backends, cloud.h with
# the cloud client.
$(call obj,$(DAEMON_SRCS) userspace/daemon/main.c) \
$(call asan_obj,$(DAEMON_SRCS) userspace/daemon/main.c): \
	USER_CFLAGS += -I$(top)/userspace/ctl -I$(top)/userspace/gateway \
	-I$(top)/userspace/cloud

$(DAEMON): $(call obj,userspace/daemon/main.c $(DAEMON_SRCS) $(DAEMON_LIB_SRCS) \
		$(LIB_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(NL_LIBS) $(DAEMON_LIBS) $(GW_LIBS) \
		$(CLOUD_LIBS)
