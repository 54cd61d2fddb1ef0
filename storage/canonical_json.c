#include "canonical_json.h"

#include <stdlib.h>

#include <jansson.h>

char *canonical_json(const char *json)
{
        json_t *v;
        char *out = NULL;

        if (!json)
                return NULL;
        v = json_loads(json, 0, NULL);
        if (v && json_is_object(v))
                out = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(v);
        return out;
}
