# SPDX-License-Identifier: GPL-2.0
#
# i62608d's native tests (make daemon-tests; stage "daemon" of make check
# and make test): the policy parser, the planner, the database, the
# control socket against hostile clients, i62608ctl's renderers of the
# daemon's answers, under ASan and UBSan, and the daemon itself (ASan)
# in network namespaces: its cloud client against i62608-cloudd
# (daemon_cloud.sh), its port forwards on a real miniupnpd
# (daemon_upnp.sh). As root (the socket test becomes another user),
# without the kernel module.
# Each test links the instrumented objects it needs (asan_obj), built once.
#
# This file is read before userspace/daemon/build.mk and userspace/lib/
# build.mk (sorted include): the sources are named here.

DAEMON_TEST_NAMES := policy_test plan_test db_test ctlsock_test ctl_device_test
DAEMON_TESTS := $(addprefix $(BUILD)/selftests/daemon/,$(DAEMON_TEST_NAMES))

# What every test links: the wire format, the REPORT codec, the config
# items of i62608ctl (whose argument parsers know the kernel's parameter
# names: proto_nl.c), the log.
DAEMON_TEST_COMMON := kernel/wire.c userspace/lib/report.c \
	userspace/lib/proto_nl.c userspace/ctl/cfgparse.c userspace/ctl/args.c \
	userspace/daemon/log.c
DAEMON_TEST_LIBS := $(shell pkg-config --libs sqlite3 json-c libcurl 2>/dev/null || \
	echo -lsqlite3 -ljson-c -lcurl) -pthread

$(call asan_obj,$(addprefix selftests/daemon/,$(addsuffix .c,$(DAEMON_TEST_NAMES)))): \
	USER_CFLAGS += -I$(top)/userspace/daemon -I$(top)/userspace/ctl \
	-I$(top)/userspace/gateway -I$(top)/userspace/cloud

# The policy takes the cloud client's settings (conf.c), the database
# migrates its tables (store.c), the daemon runs its worker (client.c).
DAEMON_TEST_CONF := userspace/cloud/conf.c userspace/cloud/cjson.c \
	userspace/cloud/schema.c
DAEMON_TEST_CLOUD := $(DAEMON_TEST_CONF) userspace/cloud/store.c \
	userspace/cloud/client.c userspace/cloud/http.c

$(BUILD)/selftests/daemon/policy_test: $(call asan_obj,selftests/daemon/policy_test.c \
		userspace/daemon/policy.c $(DAEMON_TEST_CONF) $(DAEMON_TEST_COMMON))
$(BUILD)/selftests/daemon/plan_test: $(call asan_obj,selftests/daemon/plan_test.c \
		userspace/daemon/plan.c userspace/daemon/policy.c $(DAEMON_TEST_CONF) \
		$(DAEMON_TEST_COMMON))
$(BUILD)/selftests/daemon/db_test: $(call asan_obj,selftests/daemon/db_test.c \
		userspace/daemon/db.c userspace/lib/sqldb.c $(DAEMON_TEST_CLOUD) \
		$(DAEMON_TEST_COMMON))
# The whole daemon but main.c, with the gateway backends it links.
$(BUILD)/selftests/daemon/ctlsock_test: $(call asan_obj,selftests/daemon/ctlsock_test.c \
		$(filter-out userspace/daemon/main.c,$(wildcard userspace/daemon/*.c)) \
		userspace/lib/sqldb.c userspace/lib/cfgntf.c userspace/lib/nl.c \
		$(wildcard userspace/gateway/*.c) $(DAEMON_TEST_CLOUD) \
		$(DAEMON_TEST_COMMON))
$(BUILD)/selftests/daemon/ctlsock_test: DAEMON_TEST_LIBS += $(GW_LIBS)
$(BUILD)/selftests/daemon/ctl_device_test: $(call asan_obj,selftests/daemon/ctl_device_test.c \
		userspace/ctl/devrender.c userspace/lib/output.c)

$(DAEMON_TESTS):
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(DAEMON_TEST_LIBS) $(NL_LIBS)

# The whole daemon under ASan/UBSan, for daemon_cloud.sh: its cloud client
# against i62608-cloudd (built by make userspace), without the module.
DAEMON_ASAN := $(BUILD)/selftests/daemon/i62608d
$(DAEMON_ASAN): $(call asan_obj,$(sort $(wildcard userspace/daemon/*.c) \
		userspace/lib/sqldb.c userspace/lib/cfgntf.c userspace/lib/nl.c \
		$(wildcard userspace/gateway/*.c) $(DAEMON_TEST_CLOUD) \
		$(DAEMON_TEST_COMMON)))
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(DAEMON_TEST_LIBS) $(GW_LIBS) $(NL_LIBS)

DAEMON_TEST_SCRIPTS := selftests/daemon/daemon_cloud.sh selftests/daemon/daemon_upnp.sh

# daemon_upnp.sh reads the IGD's mappings with the gateway tests' gwtool.
.PHONY: daemon-tests
daemon-tests: $(DAEMON_TESTS) $(DAEMON_ASAN) $(BUILD)/bin/i62608ctl \
		$(BUILD)/bin/i62608-cloudd $(BUILD)/selftests/gateway/gwtool
	@scripts/run-stage --tap daemon -- scripts/run-tests $(DAEMON_TESTS) \
		$(DAEMON_TEST_SCRIPTS)

NATIVE_STAGES += daemon-tests
