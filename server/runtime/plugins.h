/*
 * plugins — the registry of connector descriptors, built-in and loaded.
 *
 * Owns: a copy of every registered descriptor and the dlopen handles of
 * plugin shared objects (kept open until exit). Written only at start-up
 * (built-ins, then plugin.path), read-only afterwards, so lookups need no
 * lock.
 */
#ifndef CONNECTD_PLUGINS_H
#define CONNECTD_PLUGINS_H

#include <jansson.h>
#include "connect/plugin.h"

/* The host table every plugin receives (server/runtime/host.c). */
extern const connectd_host_t connectd_host;

/* Register the built-in connectors (FileStream, datagen). 0 or -1. */
int plugins_register_builtins(void);

/* Load every .so in each directory of a comma-separated plugin.path (and one
 * level of subdirectories). A bad plugin is logged with file and reason and
 * skipped; returns the number loaded. */
int plugins_load_path(const char *plugin_path);

/* plugin.path.allow.insecure: plugins_load_path refuses an entry or a .so
 * that users other than root and the worker's own could change (writable
 * by group or others, or owned by another user), unless this is set, when
 * it loads them with a warning. Call before plugins_load_path. */
void plugins_set_allow_insecure(int allow);

/* Load one shared object. 0, or -1 with the reason in errstr. */
int plugins_load_file(const char *path, char *errstr, size_t errstr_size);

/* Descriptor by full class name or alias (simple class name, or simple name
 * without a trailing "Connector"); NULL if unknown. Unscoped classes only
 * (built-ins and plugin.path). */
const connectd_connector_desc_t *plugins_find(const char *class_or_alias);

/* All unscoped descriptors in registration order; NULL past the end. */
const connectd_connector_desc_t *plugins_at(size_t i);

/* --- Scopes: MSK Connect custom plugin revisions, side by side. ---
 * A hidden connector config key: the scope (a custom plugin revision's
 * directory relative to mskconnect.plugin.dir, "<plugin id>/rev-<N>")
 * whose classes the connector's connector.class names first. */
#define PLUGINS_SCOPE_KEY "connectd.plugin.revision.dir"

/* Load one shared object into `scope` (NULL: unscoped, as
 * plugins_load_file): its classes clash only with classes of the same
 * scope. Any thread. 0, or -1 with the reason in errstr. */
int plugins_load_scoped(const char *path, const char *scope, char *errstr,
                        size_t errstr_size);
/* The class in `scope` (NULL: none), else the unscoped lookup. */
const connectd_connector_desc_t *plugins_find_in(const char *class_or_alias,
                                                 const char *scope);
/* The class a connector config names: connector.class, looked up in the
 * scope PLUGINS_SCOPE_KEY names (if any). */
const connectd_connector_desc_t *plugins_find_for_config(const json_t *config);
/* Connector class names registered in `scope` (a new JSON array). */
json_t *plugins_scope_classes(const char *scope);

/* Forget everything (tests). */
void plugins_reset(void);

/* Implementation of host->register_connector. */
int plugins_register(connectd_registry_t *reg,
                     const connectd_connector_desc_t *desc);

/* Implementation of host->register_config_provider. */
int plugins_register_provider(connectd_registry_t *reg,
                              const connectd_config_provider_desc_t *desc);
/* A config provider plugin by class name, alias, simple name, or simple
 * name without "ConfigProvider"; NULL if none. */
const connectd_config_provider_desc_t *plugins_find_provider(const char *cls);
/* Implementation of host->register_transform: the class joins the class
 * table of server/transforms (xform_lookup) once the plugin has loaded. */
int plugins_register_transform(connectd_registry_t *reg,
                               const connectd_transform_desc_t *desc);

#endif
