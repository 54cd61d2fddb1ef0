/*
 * validate — Kafka Connect's config validation (ConfigDef semantics, spec
 * section 6): framework keys for sources and sinks, the keys of every
 * transform and predicate alias (their type and their class's own keys,
 * embedded), the connector's own definition table, its validate()
 * callback, converter keys. Produces the
 * ConfigInfos JSON that /config/validate returns and that create/update
 * use to decide on 400.
 */
#ifndef CONNECTD_VALIDATE_H
#define CONNECTD_VALIDATE_H

#include <jansson.h>
#include "connect/plugin.h"
#include "transform.h"

/* ConfigInfos for `config` (a JSON object whose values are strings or null)
 * validated against desc. `class_as_given` becomes ConfigInfos.name.
 * *error_count gets the total number of errors. Caller owns the result. */
json_t *validate_config(const connectd_connector_desc_t *desc,
                        const char *class_as_given, const json_t *config,
                        int *error_count);

/* Collects every error string of a ConfigInfos into Connect's create/update
 * message: "Connector configuration is invalid and contains the following N
 * error(s):\n...". malloc'd, caller frees. */
char *validate_error_message(const json_t *config_infos, const char *class_name);

/* ConfigKeyInfo array for GET /connector-plugins/{p}/config: the plugin's
 * own keys, then the framework keys of its kind it did not define. */
json_t *validate_plugin_config_defs(const connectd_connector_desc_t *desc);

/* ConfigKeyInfo array for GET /connector-plugins/{p}/config of a
 * transformation or predicate class: its own keys in definition order. */
json_t *validate_xform_config_defs(const xform_class_t *cls);

/* host->validation_error implementation. */
void validate_report(connectd_validation_t *v, const char *key,
                     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
