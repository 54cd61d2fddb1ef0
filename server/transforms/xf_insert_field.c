/*
 * xf_insert_field — org.apache.kafka.connect.transforms.InsertField$Key /
 * $Value: fields from the record's metadata (topic, partition, offset,
 * timestamp) and a static string, added to a map or struct.
 *
 * A field name ending in '!' is a required field in the schema, '?' or no
 * suffix an optional one (the suffix is stripped). Schemaless: a copy of
 * the map with the fields set (overwriting). With a schema: the old fields,
 * then topic, partition, offset, timestamp, static, typed STRING, INT32,
 * INT64, logical Timestamp, STRING. A null operating value passes
 * unchanged.
 */
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PURPOSE "field insertion"

enum { F_TOPIC, F_PARTITION, F_OFFSET, F_TIMESTAMP, F_STATIC, NF };

static const char *const keys[NF] = {
        "topic.field", "partition.field", "offset.field", "timestamp.field",
        "static.field"
};

typedef struct {
        char *name;     /* NULL: not configured */
        int optional;
} spec_t;

typedef struct {
        int is_key;
        int replace_default;
        spec_t f[NF];
        char *static_value;
} insert_field_t;

static const connect_schema_t timestamp_schema = {
        .type = CONNECTD_VAL_INT64, .name = LOGICAL_TIMESTAMP,
        .has_version = 1, .version = 1
};
static const connect_schema_t opt_timestamp_schema = {
        .type = CONNECTD_VAL_INT64, .optional = 1, .name = LOGICAL_TIMESTAMP,
        .has_version = 1, .version = 1
};

#define OPTIONALITY_DOC "Suffix with <code>!</code> to make this a " \
        "required field, or <code>?</code> to keep it optional (the " \
        "default)."

#define FIELD_DEF(key, text) \
        { .name = key, .type = CONNECTD_CFG_STRING, \
          .importance = CONNECTD_IMPORTANCE_MEDIUM, .documentation = text, \
          .order = -1, .optional = 1 }

static const connectd_config_def_t defs[] = {
        FIELD_DEF("topic.field", "Field name for Kafka topic. "
                  OPTIONALITY_DOC),
        FIELD_DEF("partition.field", "Field name for Kafka partition. "
                  OPTIONALITY_DOC),
        FIELD_DEF("offset.field", "Field name for Kafka offset - only "
                  "applicable to sink connectors.<br/>" OPTIONALITY_DOC),
        FIELD_DEF("timestamp.field", "Field name for record timestamp. "
                  OPTIONALITY_DOC),
        FIELD_DEF("static.field", "Field name for static data field. "
                  OPTIONALITY_DOC),
        FIELD_DEF("static.value", "Static field value, if field name "
                  "configured."),
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true",
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = NULL }
};

#define DOC "Insert field(s) using attributes from the record metadata or " \
        "a configured static value.<p/>Use the concrete transformation " \
        "type designed for the record key (<code>org.apache.kafka.connect." \
        "transforms.InsertField$Key</code>) or value (<code>org.apache." \
        "kafka.connect.transforms.InsertField$Value</code>)."

static void if_close(void *state)
{
        insert_field_t *x = state;
        int i;

        if (!x)
                return;
        for (i = 0; i < NF; i++)
                free(x->f[i].name);
        free(x->static_value);
        free(x);
}

/* Object.hashCode-like text for the InsertionSpec in a message. */
static unsigned spec_hash(const char *s)
{
        unsigned h = 0;

        while (*s)
                h = 31 * h + (unsigned char)*s++;
        return h;
}

static int if_configure(int is_key, const json_t *props, void **state,
                        xerr_t *err)
{
        insert_field_t *x = calloc(1, sizeof(*x));
        int i, any = 0;

        *state = NULL;
        if (!x)
                return xf_oom(err);
        x->is_key = is_key;
        for (i = 0; i < NF; i++) {
                size_t len;

                if (xf_cfg_string(props, keys[i], 0, &x->f[i].name, err) <
                    0)
                        goto fail;
                if (!x->f[i].name)
                        continue;
                any = 1;
                len = strlen(x->f[i].name);
                x->f[i].optional = 1;
                if (len && x->f[i].name[len - 1] == '?') {
                        x->f[i].name[len - 1] = '\0';
                } else if (len && x->f[i].name[len - 1] == '!') {
                        x->f[i].name[len - 1] = '\0';
                        x->f[i].optional = 0;
                }
        }
        if (xf_cfg_string(props, "static.value", 0, &x->static_value,
                           err) < 0 ||
            xf_cfg_bool(props, XF_RNWD_KEY, 1,
                         &x->replace_default, err) < 0)
                goto fail;
        if (!any) {
                xerr_set(err, XERR_CONFIG, "No field insertion configured");
                goto fail;
        }
        if (x->f[F_STATIC].name && !x->static_value) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value null for configuration static.value: "
                         "No value specified for static field: "
                         "org.apache.kafka.connect.transforms."
                         "InsertField$InsertionSpec@%x",
                         spec_hash(x->f[F_STATIC].name));
                goto fail;
        }
        *state = x;
        return 0;
fail:
        if_close(x);
        return -1;
}

static int if_configure_key(const json_t *props, void **state, xerr_t *err)
{
        return if_configure(1, props, state, err);
}

static int if_configure_value(const json_t *props, void **state,
                              xerr_t *err)
{
        return if_configure(0, props, state, err);
}

/* The value of inserted field i for r (NULL: leave unset), or -1 on
 * error. */
static int field_value(const insert_field_t *x, int i, xrecord_t *r,
                       connectd_value_t **out, xerr_t *err)
{
        arena_t *a = r->arena;

        *out = NULL;
        switch (i) {
        case F_TOPIC:
                if (r->topic &&
                    !(*out = val_string(a, r->topic, strlen(r->topic))))
                        return xf_oom(err);
                return 0;
        case F_PARTITION:
                if (r->partition >= 0 &&
                    !(*out = val_int(a, CONNECTD_VAL_INT32, r->partition)))
                        return xf_oom(err);
                return 0;
        case F_OFFSET:
                if (xf_require_sink(r, PURPOSE, err) < 0)
                        return -1;
                if (!(*out = val_int(a, CONNECTD_VAL_INT64, r->offset)))
                        return xf_oom(err);
                return 0;
        case F_TIMESTAMP:
                if (r->has_timestamp &&
                    !(*out = val_int(a, CONNECTD_VAL_INT64, r->timestamp)))
                        return xf_oom(err);
                return 0;
        default:
                if (!(*out = val_string(a, x->static_value,
                                        strlen(x->static_value))))
                        return xf_oom(err);
                return 0;
        }
}

static const connect_schema_t *field_schema(const insert_field_t *x, int i)
{
        int opt = x->f[i].optional;

        switch (i) {
        case F_PARTITION:
                return opt ? &schema_opt_int32 : &schema_int32;
        case F_OFFSET:
                return opt ? &schema_opt_int64 : &schema_int64;
        case F_TIMESTAMP:
                return opt ? &opt_timestamp_schema : &timestamp_schema;
        default:
                return opt ? &schema_opt_string : &schema_string;
        }
}

static int apply_schemaless(const insert_field_t *x, xrecord_t *r,
                            connectd_value_t *v, xerr_t *err)
{
        connectd_value_t *nv;
        int i;

        if (xf_require_map(v, PURPOSE, err) < 0)
                return -1;
        if (!(nv = val_shallow_copy(r->arena, v)))
                return xf_oom(err);
        for (i = 0; i < NF; i++) {
                connectd_value_t *fv;

                if (!x->f[i].name)
                        continue;
                if (field_value(x, i, r, &fv, err) < 0)
                        return -1;
                if (fv && xf_map_put(r->arena, nv, x->f[i].name, fv) < 0)
                        return xf_oom(err);
        }
        xf_set(r, x->is_key, NULL, nv);
        return XFORM_KEEP;
}

static int apply_schema(const insert_field_t *x, xrecord_t *r,
                        const connect_schema_t *s, connectd_value_t *v,
                        xerr_t *err)
{
        connect_schema_t *ns;
        connectd_value_t *nv;
        const value_field_t *cur;
        size_t k, nins = 0;
        int i;

        if (xf_require_struct_of(v, s, PURPOSE, err) < 0)
                return -1;
        s = v->schema;
        if (!(ns = xf_schema_basics(r->arena, s, CONNECTD_VAL_STRUCT)))
                return xf_oom(err);
        if (xf_schema_fields(r->arena, ns, s->nfields + NF, err) < 0)
                return -1;
        for (k = 0; k < s->nfields; k++)
                xf_push_field(ns, s->fields[k].name, s->fields[k].schema, 0,
                              err);
        for (i = 0; i < NF; i++) {
                const char *name;

                if (!x->f[i].name)
                        continue;
                /* Copied: the record may outlive this instance. */
                if (!(name = arena_strndup(r->arena, x->f[i].name,
                                           strlen(x->f[i].name))))
                        return xf_oom(err);
                if (xf_push_field(ns, name, field_schema(x, i), 1, err) < 0)
                        return -1;
        }
        if (!(nv = val_struct(r->arena, ns)))
                return xf_oom(err);
        cur = v->u.st.head;
        for (k = 0; k < s->nfields; k++) {
                connectd_value_t *fv = xf_struct_next(v, &cur, &s->fields[k],
                                                      x->replace_default);

                if (xf_check_put(s->fields[k].name, s->fields[k].schema, fv,
                                 err) < 0)
                        return -1;
                if (fv && xf_struct_append(r->arena, nv, s->fields[k].name,
                                           fv) < 0)
                        return xf_oom(err);
        }
        for (i = 0; i < NF; i++) {
                connectd_value_t *fv;

                if (!x->f[i].name)
                        continue;
                if (field_value(x, i, r, &fv, err) < 0)
                        return -1;
                nins++;
                if (!fv)
                        continue;
                if (xf_struct_append(r->arena, nv,
                                     ns->fields[s->nfields + nins - 1].name,
                                     fv) < 0)
                        return xf_oom(err);
        }
        xf_set(r, x->is_key, ns, nv);
        return XFORM_KEEP;
}

static int if_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const insert_field_t *x = state;
        const connect_schema_t *s;
        connectd_value_t *v;

        xf_get(r, x->is_key, &s, &v);
        if (!v)
                return XFORM_KEEP;
        if (!s)
                return apply_schemaless(x, r, v, err);
        return apply_schema(x, r, s, v, err);
}

const xform_class_t xf_insert_field_key = {
        .name = "org.apache.kafka.connect.transforms.InsertField$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = if_configure_key,
        .apply = if_apply,
        .close = if_close,
};

const xform_class_t xf_insert_field_value = {
        .name = "org.apache.kafka.connect.transforms.InsertField$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = if_configure_value,
        .apply = if_apply,
        .close = if_close,
};
