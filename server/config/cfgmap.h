/*
 * cfgmap — config maps (string -> string) as the plugin ABI sees them.
 * Internally a connectd_config_t is a jansson object whose values are all
 * strings; these are the host-table accessors over it.
 */
#ifndef CONNECTD_CFGMAP_H
#define CONNECTD_CFGMAP_H

#include <jansson.h>
#include "connect/plugin.h"

static inline const connectd_config_t *cfgmap_of(const json_t *obj)
{
        return (const connectd_config_t *)obj;
}
static inline json_t *cfgmap_json(const connectd_config_t *cfg)
{
        return (json_t *)cfg;
}

const char *cfgmap_get(const connectd_config_t *cfg, const char *key);
size_t cfgmap_count(const connectd_config_t *cfg);
int cfgmap_entry(const connectd_config_t *cfg, size_t i, const char **key,
                 const char **value);
int cfgmap_set(connectd_config_t *cfg, const char *key, const char *value);

#endif
