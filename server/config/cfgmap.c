/*
 * cfgmap — host-table accessors over config maps (jansson objects of
 * strings). Read-only maps are shared between threads; config_set is only
 * used on maps the plugin was given to fill (task configs), on one thread.
 */
#include <string.h>

#include "cfgmap.h"

const char *cfgmap_get(const connectd_config_t *cfg, const char *key)
{
        if (!cfg || !key)
                return NULL;
        return json_string_value(json_object_get(cfgmap_json(cfg), key));
}

size_t cfgmap_count(const connectd_config_t *cfg)
{
        return cfg ? json_object_size(cfgmap_json(cfg)) : 0;
}

/* jansson keeps insertion order for iteration; walk to the i-th entry. */
int cfgmap_entry(const connectd_config_t *cfg, size_t i, const char **key,
                 const char **value)
{
        json_t *obj = cfg ? cfgmap_json(cfg) : NULL;
        void *it;

        if (!obj)
                return -1;
        for (it = json_object_iter(obj); it && i; i--)
                it = json_object_iter_next(obj, it);
        if (!it)
                return -1;
        if (key)
                *key = json_object_iter_key(it);
        if (value)
                *value = json_string_value(json_object_iter_value(it));
        return 0;
}

int cfgmap_set(connectd_config_t *cfg, const char *key, const char *value)
{
        if (!cfg || !key)
                return -1;
        if (!value)
                return json_object_del(cfgmap_json(cfg), key) ? -1 : 0;
        return json_object_set_new(cfgmap_json(cfg), key, json_string(value));
}
