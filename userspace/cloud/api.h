/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cloud API's constants (docs/cloud-api.md), shared by i62608-cloudd
 * and the cloud client: the four roles, the messages a gateway sends, and
 * the limits both ends enforce.
 */
#ifndef I62608_CLOUD_API_H
#define I62608_CLOUD_API_H

/* The servers of IEC 62608 outside the home. Paths start /v1/<name>/. */
enum cloud_role {
	CLOUD_ROLE_SERVICE,	/* equipment and configuration management */
	CLOUD_ROLE_QUALITY,	/* quality check */
	CLOUD_ROLE_FAILURE,	/* service failure information */
	CLOUD_ROLE_DIAGNOSIS,	/* diagnosis */
	CLOUD_ROLE_COUNT
};

/* What the gateway sends, each to one role (cloud_kind_role()). */
enum cloud_kind {
	CLOUD_KIND_REGISTER,	/* service: the gateway and its devices */
	CLOUD_KIND_BACKUP,	/* service: a copy of the configuration database */
	CLOUD_KIND_QUALITY,	/* quality: home network conditions */
	CLOUD_KIND_FAILURE,	/* failure: one failure */
	CLOUD_KIND_DIAG_RESULT,	/* diagnosis: the answer to a request */
	CLOUD_KIND_COUNT
};

/* "service", ..., or NULL. */
const char *cloud_role_name(enum cloud_role role);
/* The role named @name, or -1. */
int cloud_role_parse(const char *name);
/* "register", "backup", "quality", "failure", "diag_result", or NULL. */
const char *cloud_kind_name(enum cloud_kind kind);
int cloud_kind_parse(const char *name);
enum cloud_role cloud_kind_role(enum cloud_kind kind);

/* A gateway id: the CN of its certificate. */
#define CLOUD_GATEWAY_ID_MAX	64
/* An Idempotency-Key: 1 to 64 of A-Z a-z 0-9 . _ : - */
#define CLOUD_KEY_MAX		64
/* Times are milliseconds since the Unix epoch, at most 2^53 - 1. */
#define CLOUD_MS_MAX		9007199254740991LL
/* Devices in one registration, in one quality report. */
#define CLOUD_DEVICES_MAX	256
/* Overrides of one gateway; templates (one per device type). */
#define CLOUD_OVERRIDES_MAX	1024
#define CLOUD_TEMPLATES_MAX	64
/* A diagnosis result object, as compact JSON. */
#define CLOUD_DIAG_RESULT_MAX	16384
/* Diagnosis requests open (not answered) for one gateway. */
#define CLOUD_DIAG_OPEN_MAX	100
/* A backup's decoded size, at most. */
#define CLOUD_BACKUP_MAX	(16 * 1024 * 1024)

#endif /* I62608_CLOUD_API_H */
