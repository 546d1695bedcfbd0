// SPDX-License-Identifier: GPL-2.0
/*
 * i62608-cloudd: every path of the API (docs/cloud-api.md), in one table.
 * Patterns are after /v1/<role>/; where two fit a path, the first listed
 * wins (literals before captures).
 */
#include "cloudd.h"
#include "schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const q_page[] = { "limit", "after_id", NULL };
static const char *const q_gateways[] = { "limit", "after", NULL };
static const char *const q_failures[] = {
	"kind", "mac", "limit", "after_id", NULL
};
static const char *const q_all_failures[] = {
	"gateway", "kind", "mac", "limit", "after_id", NULL
};
static const char *const q_diag[] = { "state", "limit", "after_id", NULL };

#define SVC CLOUD_ROLE_SERVICE
#define QUA CLOUD_ROLE_QUALITY
#define FAI CLOUD_ROLE_FAILURE
#define DIA CLOUD_ROLE_DIAGNOSIS

const struct route cloudd_routes[] = {
	{ "GET", -1, "", WHO_ANY, NULL, NULL, h_health },

	{ "POST", SVC, "gateways/{gw}/registration", WHO_GATEWAY,
	  &cloud_schema_register, NULL, h_register },
	{ "GET", SVC, "gateways/{gw}/overrides", WHO_ANY, NULL, NULL,
	  h_overrides_get },
	{ "PUT", SVC, "gateways/{gw}/overrides/{mac}", WHO_OPERATOR,
	  &cloud_schema_config_put, NULL, h_override_put },
	{ "DELETE", SVC, "gateways/{gw}/overrides/{mac}", WHO_OPERATOR, NULL,
	  NULL, h_override_delete },
	{ "GET", SVC, "templates", WHO_ANY, NULL, NULL, h_templates_get },
	{ "PUT", SVC, "templates/{type}", WHO_OPERATOR, &cloud_schema_config_put,
	  NULL, h_template_put },
	{ "DELETE", SVC, "templates/{type}", WHO_OPERATOR, NULL, NULL,
	  h_template_delete },
	{ "GET", SVC, "gateways", WHO_OPERATOR, NULL, q_gateways,
	  h_gateways_list },
	{ "GET", SVC, "gateways/{gw}", WHO_ANY, NULL, NULL, h_gateway_get },
	{ "POST", SVC, "gateways/{gw}/backups", WHO_GATEWAY,
	  &cloud_schema_backup, NULL, h_backup_post },
	{ "GET", SVC, "gateways/{gw}/backups", WHO_ANY, NULL, NULL,
	  h_backups_list },
	{ "GET", SVC, "gateways/{gw}/backups/latest", WHO_ANY, NULL, NULL,
	  h_backup_get },
	{ "GET", SVC, "gateways/{gw}/backups/{id}", WHO_ANY, NULL, NULL,
	  h_backup_get },

	{ "POST", QUA, "gateways/{gw}/reports", WHO_GATEWAY,
	  &cloud_schema_quality, NULL, h_quality_post },
	{ "GET", QUA, "gateways/{gw}/reports", WHO_ANY, NULL, q_page,
	  h_quality_list },

	{ "POST", FAI, "gateways/{gw}/failures", WHO_GATEWAY,
	  &cloud_schema_failure, NULL, h_failure_post },
	{ "GET", FAI, "gateways/{gw}/failures", WHO_ANY, NULL, q_failures,
	  h_failures_of_gateway },
	{ "GET", FAI, "gateways/{gw}/failures/{id}", WHO_ANY, NULL, NULL,
	  h_failure_get },
	{ "GET", FAI, "failures", WHO_OPERATOR, NULL, q_all_failures,
	  h_failures_list },
	{ "GET", FAI, "failures/{id}", WHO_OPERATOR, NULL, NULL, h_failure_get },

	{ "POST", DIA, "gateways/{gw}/requests", WHO_OPERATOR,
	  &cloud_schema_diag_request, NULL, h_diag_create },
	{ "GET", DIA, "gateways/{gw}/requests", WHO_ANY, NULL, q_diag,
	  h_diag_list },
	{ "GET", DIA, "gateways/{gw}/requests/{id}", WHO_ANY, NULL, NULL,
	  h_diag_get },
	{ "POST", DIA, "gateways/{gw}/requests/{id}/result", WHO_GATEWAY,
	  &cloud_schema_diag_result, NULL, h_diag_result },
};

const unsigned int cloudd_n_routes = N(cloudd_routes);
