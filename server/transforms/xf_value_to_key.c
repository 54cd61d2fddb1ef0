/*
 * xf_value_to_key — org.apache.kafka.connect.transforms.ValueToKey: the
 * key becomes the listed fields of the value. Schemaless: a map of them
 * (null when missing), no key schema. With a schema: a new unnamed struct
 * of those fields with their value schemas ("Field does not exist" for a
 * missing one). The value is unchanged; a null value is an error.
 */
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#include <stdlib.h>
#include <string.h>

#define PURPOSE "copying fields from value to key"

typedef struct {
        int replace_default;
        char **fields;
        size_t n;
} value_to_key_t;

static const connectd_config_def_t defs[] = {
        { .name = "fields", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Field names on the record value to extract as "
                           "the record key.",
          .order = -1, .validator = xf_valid_nonempty_list },
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true",
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = NULL }
};

static void vtk_close(void *state)
{
        value_to_key_t *t = state;

        if (!t)
                return;
        xf_list_free(t->fields, t->n);
        free(t);
}

static int vtk_configure(const json_t *props, void **state, xerr_t *err)
{
        value_to_key_t *t = calloc(1, sizeof(*t));

        *state = NULL;
        if (!t)
                return xf_oom(err);
        if (xf_conf_nonempty_list(props, "fields", &t->fields, &t->n, err) <
                    0 ||
            xf_cfg_bool(props, XF_RNWD_KEY, 1,
                         &t->replace_default, err) < 0) {
                vtk_close(t);
                return -1;
        }
        *state = t;
        return 0;
}

static int vtk_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const value_to_key_t *t = state;
        const connect_schema_t *s;
        connectd_value_t *v, *key;
        connect_schema_t *ks;
        size_t i;

        xf_get(r, 0, &s, &v);
        if (!s) {
                if (xf_require_map(v, PURPOSE, err) < 0)
                        return -1;
                if (!(key = val_struct(r->arena, NULL)))
                        return xf_oom(err);
                for (i = 0; i < t->n; i++)
                        if (val_put(r->arena, key, t->fields[i],
                                    val_get(v, t->fields[i], NULL)) < 0)
                                return xf_oom(err);
                r->key_schema = NULL;
                r->key = key;
                return XFORM_KEEP;
        }
        if (xf_require_struct_of(v, s, PURPOSE, err) < 0)
                return -1;
        if (!(ks = schema_new(r->arena, CONNECTD_VAL_STRUCT)) ||
            xf_schema_fields(r->arena, ks, t->n, err) < 0)
                return xf_oom(err);
        for (i = 0; i < t->n; i++) {
                const schema_field_t *f = schema_field(v->schema,
                                                       t->fields[i]);
                const char *name;

                if (!f) {
                        xerr_set(err, XERR_DATA, "Field does not exist: %s",
                                 t->fields[i]);
                        return -1;
                }
                /* The field's own name: it lives as long as the record. */
                name = f->name;
                if (xf_push_field(ks, name, f->schema, 1, err) < 0)
                        return -1;
        }
        if (!(key = val_struct(r->arena, ks)))
                return xf_oom(err);
        for (i = 0; i < ks->nfields; i++) {
                const schema_field_t *f = schema_field(v->schema,
                                                       ks->fields[i].name);
                connectd_value_t *fv = xf_field_get(v, f,
                                                     t->replace_default);

                if (xf_check_put(f->name, f->schema, fv, err) < 0)
                        return -1;
                if (fv && xf_struct_append(r->arena, key, f->name, fv) < 0)
                        return xf_oom(err);
        }
        r->key_schema = ks;
        r->key = key;
        return XFORM_KEEP;
}

const xform_class_t xf_value_to_key = {
        .name = "org.apache.kafka.connect.transforms.ValueToKey",
        .alias = "ValueToKey",
        .kind = XFORM_TRANSFORMATION,
        .doc = "Replace the record key with a new key formed from a subset "
               "of fields in the record value.",
        .defs = defs,
        .configure = vtk_configure,
        .apply = vtk_apply,
        .close = vtk_close,
};
