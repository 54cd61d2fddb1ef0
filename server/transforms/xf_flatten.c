/*
 * xf_flatten — org.apache.kafka.connect.transforms.Flatten$Key / $Value:
 * nested maps and structs become one level whose names join the path
 * with `delimiter`. Arrays are copied, not flattened.
 *
 * Schemaless: a new object; nested objects are walked, nulls, primitives,
 * bytes and arrays copied (a later duplicate name wins, in the earlier
 * position). With a schema: a new struct schema with the top-level name,
 * version, doc and parameters; a leaf is optional when it or an ancestor
 * is, and its default is its own or the one taken from the ancestor's
 * default struct. A null operating value passes unchanged.
 */
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#include <stdlib.h>
#include <string.h>

#define PURPOSE "flattening"

typedef struct {
        int is_key;
        char *delim;
        size_t delim_len;
} flatten_t;

static const connectd_config_def_t defs[] = {
        { .name = "delimiter", .type = CONNECTD_CFG_STRING,
          .default_value = ".", .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "Delimiter to insert between field names from "
                           "the input record when generating field names "
                           "for the output record",
          .order = -1 },
        { .name = NULL }
};

#define DOC "Flatten a nested data structure, generating names for each " \
        "field by concatenating the field names at each level with a " \
        "configurable delimiter character. Applies to Struct when schema " \
        "present, or a Map in the case of schemaless data. Array fields " \
        "and their contents are not modified. The default delimiter is " \
        "'.'.<p/>Use the concrete transformation type designed for the " \
        "record key (<code>org.apache.kafka.connect.transforms.Flatten$Key" \
        "</code>) or value (<code>org.apache.kafka.connect.transforms." \
        "Flatten$Value</code>)."

static void flatten_close(void *state)
{
        flatten_t *f = state;

        if (!f)
                return;
        free(f->delim);
        free(f);
}

static int flatten_configure(int is_key, const json_t *props, void **state,
                             xerr_t *err)
{
        flatten_t *f = calloc(1, sizeof(*f));

        *state = NULL;
        if (!f)
                return xf_oom(err);
        f->is_key = is_key;
        if (xf_cfg_string(props, "delimiter", 0, &f->delim, err) < 0)
                goto fail;
        if (!f->delim && !(f->delim = strdup(".")))
                goto oom;
        f->delim_len = strlen(f->delim);
        *state = f;
        return 0;
oom:
        xf_oom(err);
fail:
        flatten_close(f);
        return -1;
}

static int flatten_configure_key(const json_t *props, void **state,
                                 xerr_t *err)
{
        return flatten_configure(1, props, state, err);
}

static int flatten_configure_value(const json_t *props, void **state,
                                   xerr_t *err)
{
        return flatten_configure(0, props, state, err);
}

/* prefix + delimiter + name in the arena; just name when prefix is "". */
static const char *join(const flatten_t *f, arena_t *a, const char *prefix,
                        const char *name, size_t name_len)
{
        size_t pl = strlen(prefix);
        char *s;

        if (!pl)
                return arena_strndup(a, name, name_len);
        s = arena_alloc(a, pl + f->delim_len + name_len + 1);
        if (!s)
                return NULL;
        memcpy(s, prefix, pl);
        memcpy(s + pl, f->delim, f->delim_len);
        memcpy(s + pl + f->delim_len, name, name_len);
        s[pl + f->delim_len + name_len] = '\0';
        return s;
}

/* The name of a schemaless object's member (a MAP key that is not a
 * string is written as text). */
static const char *member_name(arena_t *a, const value_field_t *m,
                               size_t *len)
{
        char buf[256], *s;
        size_t n;

        if (m->name) {
                *len = m->name_len;
                return m->name;
        }
        n = value_to_text(m->key, buf, sizeof(buf));
        if (n >= sizeof(buf)) {
                if (!(s = arena_alloc(a, n + 1)))
                        return NULL;
                value_to_text(m->key, s, n + 1);
        } else if (!(s = arena_strndup(a, buf, n))) {
                return NULL;
        }
        *len = n;
        return s;
}

static int flat_map(const flatten_t *f, arena_t *a,
                    const connectd_value_t *m, const char *prefix,
                    connectd_value_t *out, xerr_t *err)
{
        const value_field_t *e;

        for (e = m->u.st.head; e; e = e->next) {
                connectd_value_t *v = e->value;
                const char *name, *full;
                size_t len;

                if (!(name = member_name(a, e, &len)) ||
                    !(full = join(f, a, prefix, name, len)))
                        return xf_oom(err);
                if (value_is_null(v)) {
                        if (val_put(a, out, full, NULL) < 0)
                                return xf_oom(err);
                        continue;
                }
                if (value_is_date_object(v)) {
                        xerr_set(err, XERR_DATA,
                                 "Flatten transformation was passed a value "
                                 "of type class java.util.Date which is not "
                                 "supported by Connect's data API");
                        return -1;
                }
                switch (v->type) {
                case CONNECTD_VAL_INT8:
                case CONNECTD_VAL_INT16:
                case CONNECTD_VAL_INT32:
                case CONNECTD_VAL_INT64:
                case CONNECTD_VAL_FLOAT32:
                case CONNECTD_VAL_FLOAT64:
                case CONNECTD_VAL_BOOLEAN:
                case CONNECTD_VAL_STRING:
                case CONNECTD_VAL_BYTES:
                case CONNECTD_VAL_ARRAY:
                        if (val_put(a, out, full, v) < 0)
                                return xf_oom(err);
                        break;
                case CONNECTD_VAL_MAP:
                        if (flat_map(f, a, v, full, out, err) < 0)
                                return -1;
                        break;
                case CONNECTD_VAL_STRUCT:
                        if (!v->schema) {
                                if (flat_map(f, a, v, full, out, err) < 0)
                                        return -1;
                                break;
                        }
                        /* a Struct inside a Map */
                        __attribute__((fallthrough));
                default:
                        xerr_set(err, XERR_DATA,
                                 "Flatten transformation does not support "
                                 "class %s for record without schemas (for "
                                 "field %s).",
                                 value_java_class(v, NULL), full);
                        return -1;
                }
        }
        return 0;
}

static int is_leaf(connectd_value_type_t t)
{
        switch (t) {
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
        case CONNECTD_VAL_BOOLEAN:
        case CONNECTD_VAL_STRING:
        case CONNECTD_VAL_BYTES:
        case CONNECTD_VAL_ARRAY:
                return 1;
        default:
                return 0;
        }
}

static int unsupported(const char *type, const char *full, xerr_t *err)
{
        xerr_set(err, XERR_DATA,
                 "Flatten transformation does not support %s for record "
                 "with schemas (for field %s).",
                 type, full);
        return -1;
}

/* The number of leaves flat_schema gives s (MAP fields count for none:
 * they fail). */
static size_t count_leaves(const connect_schema_t *s)
{
        size_t i, n = 0;

        for (i = 0; i < s->nfields; i++) {
                if (is_leaf(s->fields[i].schema->type))
                        n++;
                else if (s->fields[i].schema->type == CONNECTD_VAL_STRUCT)
                        n += count_leaves(s->fields[i].schema);
        }
        return n;
}

static int flat_schema(const flatten_t *f, arena_t *a,
                       const connect_schema_t *s, const char *prefix,
                       connect_schema_t *out, int optional,
                       const connectd_value_t *parent_default, xerr_t *err)
{
        size_t i;

        for (i = 0; i < s->nfields; i++) {
                const schema_field_t *fd = &s->fields[i];
                const connect_schema_t *fs = fd->schema;
                const char *full;
                int fopt = optional || fs->optional;
                const connectd_value_t *fdef = NULL;

                if (!(full = join(f, a, prefix, fd->name, strlen(fd->name))))
                        return xf_oom(err);
                if (!value_is_null(fs->default_value))
                        fdef = fs->default_value;
                else if (parent_default)
                        fdef = val_get(parent_default, fd->name, NULL);
                if (is_leaf(fs->type)) {
                        connect_schema_t *ns =
                                xf_schema_basics(a, fs, fs->type);

                        if (!ns)
                                return xf_oom(err);
                        if (fs->type == CONNECTD_VAL_ARRAY)
                                ns->value_schema = fs->value_schema;
                        ns->optional = fopt;
                        ns->default_value = fdef;
                        if (xf_push_field(out, full, ns, 1, err) < 0)
                                return -1;
                } else if (fs->type == CONNECTD_VAL_STRUCT) {
                        if (flat_schema(f, a, fs, full, out, fopt, fdef,
                                        err) < 0)
                                return -1;
                } else {
                        return unsupported(schema_type_name(fs->type), full,
                                           err);
                }
        }
        return 0;
}

/* Fills out (of schema out->schema) from st (of schema s); *k is the
 * index of the next leaf in out->schema. */
static int flat_values(const flatten_t *f, arena_t *a,
                       const connect_schema_t *s,
                       const connectd_value_t *st, size_t *k,
                       connectd_value_t *out, xerr_t *err)
{
        const value_field_t *cur;
        size_t i;

        if (!st) {
                /* A null nested struct leaves its leaves unset. */
                *k += count_leaves(s);
                return 0;
        }
        cur = st->u.st.head;
        for (i = 0; i < s->nfields; i++) {
                const schema_field_t *fd = &s->fields[i];
                connectd_value_t *v = xf_struct_next(st, &cur, fd, 1);

                if (is_leaf(fd->schema->type)) {
                        const schema_field_t *nf = &out->schema->fields[*k];

                        (*k)++;
                        if (xf_check_put(nf->name, nf->schema, v, err) < 0)
                                return -1;
                        if (!value_is_null(v) &&
                            xf_struct_append(a, out, nf->name, v) < 0)
                                return xf_oom(err);
                } else if (fd->schema->type == CONNECTD_VAL_STRUCT) {
                        if (v && v->type != CONNECTD_VAL_STRUCT) {
                                /* Java's Struct never holds one (put
                                 * validates); a plugin's value might. */
                                xerr_set(err, XERR_DATA,
                                         "Invalid Java object for schema "
                                         "with type STRUCT: class %s for "
                                         "field: \"%s\"",
                                         value_java_class(v, NULL),
                                         fd->name);
                                return -1;
                        }
                        if (flat_values(f, a, fd->schema, v, k, out, err) < 0)
                                return -1;
                } else {
                        /* flat_schema has failed on it already. */
                        return unsupported(
                                schema_type_name(fd->schema->type), fd->name,
                                err);
                }
        }
        return 0;
}

static int flatten_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const flatten_t *f = state;
        const connect_schema_t *s;
        connectd_value_t *v, *out;
        connect_schema_t *ns;
        size_t k;

        xf_get(r, f->is_key, &s, &v);
        if (!v)
                return XFORM_KEEP;
        if (!s) {
                if (xf_require_map(v, PURPOSE, err) < 0)
                        return -1;
                if (!(out = val_struct(r->arena, NULL)))
                        return xf_oom(err);
                if (flat_map(f, r->arena, v, "", out, err) < 0)
                        return -1;
                xf_set(r, f->is_key, NULL, out);
                return XFORM_KEEP;
        }
        if (xf_require_struct_of(v, s, PURPOSE, err) < 0)
                return -1;
        s = v->schema;
        if (!(ns = xf_schema_basics(r->arena, s, CONNECTD_VAL_STRUCT)))
                return xf_oom(err);
        if (xf_schema_fields(r->arena, ns, count_leaves(s), err) < 0)
                return -1;
        if (flat_schema(f, r->arena, s, "", ns, s->optional,
                        s->default_value, err) < 0)
                return -1;
        if (!(out = val_struct(r->arena, ns)))
                return xf_oom(err);
        k = 0;
        if (flat_values(f, r->arena, s, v, &k, out, err) < 0)
                return -1;
        xf_set(r, f->is_key, ns, out);
        return XFORM_KEEP;
}

const xform_class_t xf_flatten_key = {
        .name = "org.apache.kafka.connect.transforms.Flatten$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = flatten_configure_key,
        .apply = flatten_apply,
        .close = flatten_close,
};

const xform_class_t xf_flatten_value = {
        .name = "org.apache.kafka.connect.transforms.Flatten$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = flatten_configure_value,
        .apply = flatten_apply,
        .close = flatten_close,
};
