/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bodies of the cloud API (docs/cloud-api.md, docs/cloud-api.yaml) as
 * cjson schemas: what the gateway sends (checked by i62608-cloudd on
 * receipt and by the client on enqueue), what the operator sends, and
 * what the servers answer (checked by the client, leniently about members
 * it does not know).
 */
#ifndef I62608_CLOUD_SCHEMA_H
#define I62608_CLOUD_SCHEMA_H

#include "api.h"
#include "cjson.h"

/* Requests of the gateway, by kind. */
extern const struct cj_schema cloud_schema_register;
extern const struct cj_schema cloud_schema_backup;
extern const struct cj_schema cloud_schema_quality;
extern const struct cj_schema cloud_schema_failure;
extern const struct cj_schema cloud_schema_diag_result;
const struct cj_schema *cloud_kind_schema(enum cloud_kind kind);

/* Requests of the operator. */
extern const struct cj_schema cloud_schema_config_put;	/* override, template */
extern const struct cj_schema cloud_schema_diag_request;

/* Answers, as the client reads them. */
extern const struct cj_schema cloud_schema_snapshot;	/* registration, overrides */
extern const struct cj_schema cloud_schema_verdict;
extern const struct cj_schema cloud_schema_created;	/* failure, backup, result */
extern const struct cj_schema cloud_schema_diag_list;
extern const struct cj_schema cloud_schema_error;

/*
 * A device configuration (an override or a template): the object of
 * `i62608ctl config send -f` (docs/i62608ctl.md), checked by the same
 * parser, which must also fit one CONFIG_REQUEST.
 */
int cloud_check_config(json_object *v, char *why, size_t len);

/* A device type name ("stb") or its number as a decimal string ("9"). */
bool cloud_device_type_ok(const char *s);

/* A diagnosis request kind this version runs. */
bool cloud_diag_kind_known(const char *s);

/* The Idempotency-Key rule. */
bool cloud_key_ok(const char *s);

#endif /* I62608_CLOUD_SCHEMA_H */
