/*
 * xf_header_from — org.apache.kafka.connect.transforms.HeaderFrom$Key /
 * $Value: field i of the key/value goes to header i (appended; headers of
 * the same name stay). `move` also removes the fields, `copy` keeps them.
 * A null operating value is an error (Java's Requirements), so tombstones
 * fail unless a predicate guards them.
 */
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"

typedef struct {
        int is_key;
        int move;
        int replace_default;
        char **fields, **headers;
        size_t nfields, nheaders;
} header_from_t;

static int valid_operation(const char *name, const char *value, char *errstr,
                           size_t errstr_size)
{
        size_t len;
        const char *v;

        (void)name;
        if (value) {
                v = java_trim(value, &len);
                if ((len == 4 && memcmp(v, "move", 4) == 0) ||
                    (len == 4 && memcmp(v, "copy", 4) == 0))
                        return 0;
        }
        snprintf(errstr, errstr_size, "String must be one of: move, copy");
        return -1;
}

static const connectd_config_def_t defs[] = {
        { .name = "fields", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Field names in the record whose values are to "
                           "be copied or moved to headers.",
          .order = -1, .validator = xf_valid_nonempty_list },
        { .name = "headers", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Header names, in the same order as the field "
                           "names listed in the fields configuration "
                           "property.",
          .order = -1, .validator = xf_valid_nonempty_list },
        { .name = "operation", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Either <code>move</code> if the fields are to "
                           "be moved to the headers (removed from the "
                           "key/value), or <code>copy</code> if the fields "
                           "are to be copied to the headers (retained in "
                           "the key/value).",
          .order = -1, .validator = valid_operation },
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true",
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = NULL }
};

#define DOC "Moves or copies fields in the key/value of a record into that " \
        "record's headers. Corresponding elements of <code>fields</code> " \
        "and <code>headers</code> together identify a field and the header " \
        "it should be moved or copied to. Use the concrete transformation " \
        "type designed for the record key (<code>org.apache.kafka.connect." \
        "transforms.HeaderFrom$Key</code>) or value (<code>org.apache." \
        "kafka.connect.transforms.HeaderFrom$Value</code>)."

static void hf_close(void *state)
{
        header_from_t *h = state;

        if (!h)
                return;
        xf_list_free(h->fields, h->nfields);
        xf_list_free(h->headers, h->nheaders);
        free(h);
}

static int hf_configure(int is_key, const json_t *props, void **state,
                        xerr_t *err)
{
        header_from_t *h = calloc(1, sizeof(*h));
        char *op = NULL;

        *state = NULL;
        if (!h)
                return xf_oom(err);
        h->is_key = is_key;
        if (xf_conf_nonempty_list(props, "fields", &h->fields, &h->nfields,
                                  err) < 0 ||
            xf_conf_nonempty_list(props, "headers", &h->headers,
                                  &h->nheaders, err) < 0 ||
            xf_cfg_string(props, "operation", 1, &op, err) < 0)
                goto fail;
        if (strcmp(op, "move") != 0 && strcmp(op, "copy") != 0) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration operation: "
                         "String must be one of: move, copy",
                         op);
                goto fail;
        }
        h->move = strcmp(op, "move") == 0;
        if (xf_cfg_bool(props, XF_RNWD_KEY, 1,
                         &h->replace_default, err) < 0)
                goto fail;
        if (h->nfields != h->nheaders) {
                xerr_set(err, XERR_CONFIG,
                         "'fields' config must have the same number of "
                         "elements as 'headers' config.");
                goto fail;
        }
        free(op);
        *state = h;
        return 0;
fail:
        free(op);
        hf_close(h);
        return -1;
}

static int hf_configure_key(const json_t *props, void **state, xerr_t *err)
{
        return hf_configure(1, props, state, err);
}

static int hf_configure_value(const json_t *props, void **state,
                              xerr_t *err)
{
        return hf_configure(0, props, state, err);
}

static int listed(const header_from_t *h, const char *name)
{
        size_t i;

        for (i = 0; i < h->nfields; i++)
                if (strcmp(h->fields[i], name) == 0)
                        return 1;
        return 0;
}

/* ConnectHeaders.add(key, value, schema): a null needs an optional
 * schema. */
static int check_header(const connect_schema_t *s, const connectd_value_t *v,
                        xerr_t *err)
{
        if (!s || s->optional || !value_is_null(v))
                return 0;
        if (s->name)
                xerr_set(err, XERR_DATA,
                         "A null value requires an optional schema but was "
                         "Schema{%s:%s}",
                         s->name, schema_type_name(s->type));
        else
                xerr_set(err, XERR_DATA,
                         "A null value requires an optional schema but was "
                         "Schema{%s}",
                         schema_type_name(s->type));
        return -1;
}

static int apply_schemaless(const header_from_t *h, xrecord_t *r,
                            connectd_value_t *v, xerr_t *err)
{
        connectd_value_t *nv = v;
        size_t i;

        if (xf_require_map(v, h->move ? "header move" : "header copy", err) <
            0)
                return -1;
        if (h->move && !(nv = val_shallow_copy(r->arena, v)))
                return xf_oom(err);
        for (i = 0; i < h->nfields; i++) {
                connectd_value_t *fv = val_get(v, h->fields[i], NULL);

                if (h->move)
                        val_del(nv, h->fields[i]);
                if (headers_add(r->arena, &r->headers, h->headers[i], NULL,
                                fv) < 0)
                        return xf_oom(err);
        }
        xf_set(r, h->is_key, NULL, nv);
        return XFORM_KEEP;
}

static int apply_schema(const header_from_t *h, xrecord_t *r,
                        const connect_schema_t *s, connectd_value_t *v,
                        xerr_t *err)
{
        const connect_schema_t *ns = s;
        connectd_value_t *nv = v;
        connectd_value_t **hv;
        size_t i;

        if (xf_require_struct_of(v, s,
                                 h->move ? "header move" : "header copy",
                                 err) < 0)
                return -1;
        if (h->move) {
                connect_schema_t *ms =
                        xf_schema_basics(r->arena, s, CONNECTD_VAL_STRUCT);
                const value_field_t *cur = v->u.st.head;

                if (!ms)
                        return xf_oom(err);
                if (xf_schema_fields(r->arena, ms, s->nfields, err) < 0)
                        return -1;
                if (!(nv = val_struct(r->arena, ms)))
                        return xf_oom(err);
                /* The value is read with the schema's own fields: the
                 * defaults are the same and the walk stays in order. */
                for (i = 0; i < s->nfields; i++) {
                        const schema_field_t *f = &s->fields[i];
                        connectd_value_t *fv;

                        fv = xf_struct_next(v, &cur, f, h->replace_default);
                        if (listed(h, f->name))
                                continue;
                        xf_push_field(ms, f->name, f->schema, 0, err);
                        if (xf_check_put(f->name, f->schema, fv, err) < 0)
                                return -1;
                        if (fv && xf_struct_append(r->arena, nv, f->name,
                                                   fv) < 0)
                                return xf_oom(err);
                }
                ns = ms;
        }
        /* Every header is checked before the list changes. */
        if (!(hv = arena_alloc(r->arena, h->nfields * sizeof(*hv))))
                return xf_oom(err);
        for (i = 0; i < h->nfields; i++) {
                const schema_field_t *vf = schema_field(v->schema,
                                                        h->fields[i]);
                const schema_field_t *of = schema_field(s, h->fields[i]);

                hv[i] = vf ? xf_field_get(v, vf, h->replace_default) : NULL;
                if (!of) {
                        xerr_set(err, XERR_NPE,
                                 "Cannot invoke \"org.apache.kafka.connect."
                                 "data.Field.schema()\" because the return "
                                 "value of \"org.apache.kafka.connect.data."
                                 "Schema.field(String)\" is null");
                        return -1;
                }
                if (check_header(of->schema, hv[i], err) < 0)
                        return -1;
        }
        for (i = 0; i < h->nfields; i++)
                if (headers_add(r->arena, &r->headers, h->headers[i],
                                schema_field(s, h->fields[i])->schema,
                                hv[i]) < 0)
                        return xf_oom(err);
        xf_set(r, h->is_key, ns, nv);
        return XFORM_KEEP;
}

static int hf_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const header_from_t *h = state;
        const connect_schema_t *s;
        connectd_value_t *v;

        xf_get(r, h->is_key, &s, &v);
        if (!s)
                return apply_schemaless(h, r, v, err);
        return apply_schema(h, r, s, v, err);
}

const xform_class_t xf_header_from_key = {
        .name = "org.apache.kafka.connect.transforms.HeaderFrom$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = hf_configure_key,
        .apply = hf_apply,
        .close = hf_close,
};

const xform_class_t xf_header_from_value = {
        .name = "org.apache.kafka.connect.transforms.HeaderFrom$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = hf_configure_value,
        .apply = hf_apply,
        .close = hf_close,
};
