/*
 * config_providers — Kafka's config providers (ConfigTransformer and the
 * built-in FileConfigProvider, DirectoryConfigProvider and
 * EnvVarConfigProvider).
 *
 * Worker keys:
 *   config.providers=file,dir,env
 *   config.providers.NAME.class=<FQCN | simple name | simple name without
 *                               "ConfigProvider">
 *   config.providers.NAME.param.K=V    (allowed.paths, allowlist.pattern)
 *
 * A connector config value may hold references ${PROVIDER:KEY} or
 * ${PROVIDER:PATH:KEY}; cfg_providers_resolve() returns a new map with the
 * references the providers answered replaced, and every other reference
 * left as written (there is no escape syntax). The stored map is never
 * changed.
 *
 * A cfg_providers_t is immutable after cfg_providers_new(); resolving from
 * several threads at once is safe.
 */
#ifndef CONNECTD_CONFIG_PROVIDERS_H
#define CONNECTD_CONFIG_PROVIDERS_H

#include <stddef.h>
#include <jansson.h>

#include "connect/plugin.h"

typedef struct cfg_providers cfg_providers_t;

/* Build the providers a worker config names. A config without
 * config.providers gives an empty set (resolving then copies). NULL with a
 * ConfigException-style message in errstr when a class is unknown, an
 * allowed.paths entry is not absolute or does not exist, or an allowlist
 * pattern does not compile. EnvVar providers snapshot the environment
 * here. */
cfg_providers_t *cfg_providers_new(const json_t *worker_props, char *errstr,
                                   size_t errstr_size);
void cfg_providers_free(cfg_providers_t *cp);

/* Where provider classes that are not built in are found (config
 * provider plugins): set by the worker before it builds its providers, so
 * this module does not depend on the plugin registry. NULL: built-ins
 * only. */
typedef const connectd_config_provider_desc_t *(*cfg_provider_lookup_fn)(
        const char *cls);
void cfg_providers_set_plugin_lookup(cfg_provider_lookup_fn fn);

/* Number of configured providers (names with a .class). */
size_t cfg_providers_count(const cfg_providers_t *cp);

/* A new map: `config` with every resolvable reference replaced (one pass,
 * no re-scan). Non-string values are copied as they are. NULL with the
 * provider's message in errstr when a lookup fails (unreadable file, a
 * path given to EnvVar). cp may be NULL (plain copy). */
json_t *cfg_providers_resolve(const cfg_providers_t *cp, const json_t *config,
                              char *errstr, size_t errstr_size);

/* 1 if `value` holds text of the reference shape (whether or not a
 * provider of that name is configured). */
int cfg_providers_has_reference(const char *value);

/* Java's AbstractHerder#reverseTransform on one task config: for every key
 * whose value in the raw connector config holds a reference, a key of the
 * task config with that name gets the raw value back (in place). */
void cfg_providers_reverse(const json_t *raw_conn_config, json_t *task_config);

/* A ConfigInfos answer of a validation of the resolved config: every
 * configs[].value.value whose raw value in `raw_config` holds a reference
 * gets the raw value back (in place). */
void cfg_providers_unresolve_infos(json_t *config_infos,
                                   const json_t *raw_config);

/* The worker file using its own providers (WorkerConfig resolves itself
 * with the providers it declares): a new map, NULL with errstr when the
 * providers cannot be built or a lookup fails. */
json_t *cfg_providers_resolve_worker(const json_t *worker_props, char *errstr,
                                     size_t errstr_size);

/* The worker's providers, process-wide: set once at start before any
 * connector runs (ownership passes; NULL frees the current set at
 * shutdown). cfg_providers_worker() is NULL when none was set, which
 * resolves as a plain copy. */
void cfg_providers_set_worker(cfg_providers_t *cp);
const cfg_providers_t *cfg_providers_worker(void);

#endif
