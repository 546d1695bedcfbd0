# SPDX-License-Identifier: GPL-2.0
#
# Tests of the gateway backends (userspace/gateway, docs/gateway.md),
# natively, as root: the unit test and gwtool are built once from objects
# instrumented with ASan/UBSan; the shell tests run nftables, dnsmasq,
# igmpproxy and miniupnpd for real, in network namespaces they create.

GWTOOL := $(BUILD)/selftests/gateway/gwtool
GW_UNIT := $(BUILD)/selftests/gateway/gw_unit_test
# Read before userspace/gateway/build.mk (the includes are sorted): the
# prerequisites below name the library's sources themselves. GW_LIBS is
# only used in recipes, which are expanded later.
GW_TEST_SRCS := $(wildcard userspace/gateway/*.c)
GW_TEST_CFLAGS := -I$(top)/userspace/gateway \
	$(shell pkg-config --cflags libnftables json-c miniupnpc 2>/dev/null)

$(call asan_obj,selftests/gateway/gwtool.c selftests/gateway/gw_unit_test.c): \
	USER_CFLAGS += $(GW_TEST_CFLAGS)

$(GWTOOL): $(call asan_obj,selftests/gateway/gwtool.c $(GW_TEST_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(GW_LIBS)

$(GW_UNIT): $(call asan_obj,selftests/gateway/gw_unit_test.c $(GW_TEST_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(GW_LIBS)

GATEWAY_TESTS := $(GW_UNIT) $(addprefix selftests/gateway/,gw_nft.sh \
	gw_dnsmasq.sh gw_igmpproxy.sh gw_upnp.sh)

NATIVE_STAGES += gateway-tests

.PHONY: gateway-tests
gateway-tests: $(GWTOOL) $(GW_UNIT)
	@scripts/run-stage --tap gateway -- scripts/run-tests $(GATEWAY_TESTS)
