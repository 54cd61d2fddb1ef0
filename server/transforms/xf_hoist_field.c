/*
 * xf_hoist_field — HoistField$Key / HoistField$Value: wraps the key or
 * value in a one-field struct (with a schema) or map (without).
 *
 * Threads: state is per task instance and read-only after configure().
 */
#include <stdlib.h>
#include <string.h>

#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

typedef struct hoist {
        int is_key;
        char *field;
} hoist_t;

static int configure(const json_t *props, void **state, xerr_t *err,
                     int is_key)
{
        hoist_t *h = calloc(1, sizeof(*h));

        *state = NULL;
        if (!h)
                return xf_oom(err);
        h->is_key = is_key;
        if (xf_cfg_string(props, "field", 1, &h->field, err) < 0) {
                free(h);
                return -1;
        }
        *state = h;
        return 0;
}

static int configure_key(const json_t *props, void **state, xerr_t *err)
{
        return configure(props, state, err, 1);
}

static int configure_value(const json_t *props, void **state, xerr_t *err)
{
        return configure(props, state, err, 0);
}

static int apply(void *state, xrecord_t *r, xerr_t *err)
{
        const hoist_t *h = state;
        const connect_schema_t *schema;
        connectd_value_t *value, *nv;
        connect_schema_t *ns;
        arena_t *a = r->arena;
        const char *name;

        xf_get(r, h->is_key, &schema, &value);
        if (!schema) {
                if (!(nv = val_struct(a, NULL)) ||
                    val_put(a, nv, h->field, value) < 0)
                        return xf_oom(err);
                xf_set(r, h->is_key, NULL, nv);
                return XFORM_KEEP;
        }
        /* names in the schema live in the arena: the state may go first */
        if (!(ns = schema_new(a, CONNECTD_VAL_STRUCT)) ||
            !(name = arena_strndup(a, h->field, strlen(h->field))) ||
            schema_add_field(a, ns, name, schema) < 0 ||
            !(nv = val_struct(a, ns)))
                return xf_oom(err);
        if (xf_field_put(a, nv, &ns->fields[0], value, err) < 0)
                return -1;
        xf_set(r, h->is_key, ns, nv);
        return XFORM_KEEP;
}

static void close_hoist(void *state)
{
        hoist_t *h = state;

        if (h)
                free(h->field);
        free(h);
}

#define OVERVIEW                                                               \
        "Wrap data using the specified field name in a Struct when schema "   \
        "present, or a Map in the case of schemaless data.<p/>Use the "       \
        "concrete transformation type designed for the record key (<code>"   \
        "org.apache.kafka.connect.transforms.HoistField$Key</code>) or value " \
        "(<code>org.apache.kafka.connect.transforms.HoistField$Value</code>)."

static const connectd_config_def_t defs[] = {
        { .name = "field", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "Field name for the single field that will be "
                           "created in the resulting Struct or Map.",
          .order = -1 },
        { .name = NULL }
};

const xform_class_t xf_hoist_field_key = {
        .name = "org.apache.kafka.connect.transforms.HoistField$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_key,
        .apply = apply,
        .close = close_hoist,
};

const xform_class_t xf_hoist_field_value = {
        .name = "org.apache.kafka.connect.transforms.HoistField$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_value,
        .apply = apply,
        .close = close_hoist,
};
