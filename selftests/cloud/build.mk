# SPDX-License-Identifier: GPL-2.0
#
# The cloud tests (make cloud-tests, a stage of make check and make test),
# natively on loopback, no root needed:
#
#   cloud_json_test    the strict JSON layer and the API's schemas against
#                      hostile bodies (kselftest harness)
#   cloudd_server.sh   i62608-cloudd with curl: every role, mTLS, 4xx bodies,
#                      idempotency, restart
#   cloud_client.sh    the cloud client (through cloud_driver, playing the
#                      daemon) against i62608-cloudd: outage and exactly once,
#                      certificates, overrides, diagnosis
#
# Everything they run is built with ASan and UBSan: the test driver, the
# unit test, and a second i62608-cloudd.

CLOUD_TEST_DIR := $(BUILD)/selftests/cloud
CLOUD_DRIVER := $(CLOUD_TEST_DIR)/cloud_driver
CLOUD_JSON_TEST := $(CLOUD_TEST_DIR)/cloud_json_test
CLOUDD_ASAN := $(CLOUD_TEST_DIR)/i62608-cloudd

$(call asan_obj,selftests/cloud/cloud_driver.c selftests/cloud/cloud_json_test.c): \
	USER_CFLAGS += $(CLOUD_CFLAGS)

# selftests/ is read before userspace/, where CLOUD_SRCS and CLOUDD_SRCS are
# set: these prerequisites are expanded a second time, once all is read.
.SECONDEXPANSION:

$(CLOUD_DRIVER): $$(call asan_obj,$$(sort selftests/cloud/cloud_driver.c \
		userspace/lib/output.c $$(CLOUD_SRCS) $$(CLOUD_DEP_SRCS)))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(CLOUD_LIBS)

$(CLOUD_JSON_TEST): $$(call asan_obj,$$(sort selftests/cloud/cloud_json_test.c \
		$$(CLOUD_JSON_SRCS) $$(CLOUD_DEP_SRCS)))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(CLOUD_JSON_LIBS) $(NL_LIBS) \
		$(SQLITE_LIBS)

$(CLOUDD_ASAN): $$(call asan_obj,$$(CLOUDD_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(CLOUDD_LIBS)

CLOUD_TESTS := $(CLOUD_JSON_TEST) selftests/cloud/cloudd_server.sh \
	selftests/cloud/cloud_client.sh

.PHONY: cloud-tests
cloud-tests: $(CLOUD_DRIVER) $(CLOUD_JSON_TEST) $(CLOUDD_ASAN)
	@scripts/run-stage --tap cloud -- scripts/run-tests $(CLOUD_TESTS)

NATIVE_STAGES += cloud-tests
