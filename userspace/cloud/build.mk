# SPDX-License-Identifier: GPL-2.0
#
# The cloud client (cloud.h), linked into i62608d, and the strict JSON and
# message schemas it shares with i62608-cloudd (cjson.h, schema.h).
#
# A program that links the client adds, to its objects and link line:
#
#   $(call obj,$(sort MY_SRCS $(CLOUD_SRCS) $(CLOUD_DEP_SRCS)))  $(CLOUD_LIBS)
#
# and $(CLOUD_CFLAGS) to the flags of its own sources that include
# cloud.h. CLOUD_DEP_SRCS are the sources of other components the client
# uses (the configuration parser of `config send`, the device type names,
# the wire encoder, sqldb): $(sort) drops those the program links already.
# (userspace/ctl/args.c, for ctl_parse_mac(), brings proto_nl.c and libnl
# with its ctl_parse_param().)

CLOUD_CFLAGS := -I$(top)/userspace/cloud
CLOUD_JSON_SRCS := userspace/cloud/cjson.c userspace/cloud/schema.c
CLOUD_SRCS := $(CLOUD_JSON_SRCS) userspace/cloud/client.c \
	userspace/cloud/conf.c userspace/cloud/http.c userspace/cloud/store.c
CLOUD_DEP_SRCS := userspace/ctl/cfgparse.c userspace/ctl/args.c \
	userspace/lib/proto_nl.c userspace/lib/report.c kernel/wire.c \
	userspace/lib/sqldb.c
CLOUD_JSON_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)
CLOUD_LIBS = $(CLOUD_JSON_LIBS) $(NL_LIBS) \
	$(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl) \
	$(SQLITE_LIBS) -pthread

# schema.c checks device configurations with `config send`'s own parser.
$(call obj,$(CLOUD_SRCS)) $(call asan_obj,$(CLOUD_SRCS)): \
	USER_CFLAGS += -I$(top)/userspace/ctl $(CLOUD_CFLAGS)
