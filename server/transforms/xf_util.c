/*
 * xf_util — shared pieces of the built-in transforms (see xf_util.h).
 */
#include "xf_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"

void xf_get(const xrecord_t *r, int is_key, const connect_schema_t **schema,
            connectd_value_t **value)
{
        *schema = is_key ? r->key_schema : r->value_schema;
        *value = is_key ? r->key : r->value;
        if (value_is_null(*value))
                *value = NULL;
}

void xf_set(xrecord_t *r, int is_key, const connect_schema_t *schema,
            connectd_value_t *value)
{
        if (is_key) {
                r->key_schema = schema;
                r->key = value;
        } else {
                r->value_schema = schema;
                r->value = value;
        }
}

const char *xf_prop(const json_t *props, const char *key)
{
        return json_string_value(json_object_get(props, key));
}

static int java_ws(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
               c == '\f' || c == '\r';
}

int xf_list(const char *s, char ***items, size_t *n)
{
        size_t len, cap = 0;
        const char *p, *end;
        char **l = NULL;

        *items = NULL;
        *n = 0;
        if (!s)
                return 0;
        p = java_trim(s, &len);
        end = p + len;
        if (!len)
                return 0;
        for (;;) {
                const char *c = memchr(p, ',', (size_t)(end - p));
                const char *e = c ? c : end, *b = p;

                while (b < e && java_ws(*b))
                        b++;
                while (e > b && java_ws(e[-1]))
                        e--;
                if (*n == cap) {
                        char **g = realloc(l, (cap = cap ? 2 * cap : 4) *
                                                      sizeof(*l));
                        if (!g)
                                goto oom;
                        l = g;
                }
                if (!(l[*n] = strndup(b, (size_t)(e - b))))
                        goto oom;
                (*n)++;
                if (!c)
                        break;
                p = c + 1;
        }
        *items = l;
        return 0;
oom:
        xf_list_free(l, *n);
        *n = 0;
        return -1;
}

void xf_list_free(char **items, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++)
                free(items[i]);
        free(items);
}

char *xf_list_text(char *const *items, size_t n)
{
        size_t i, len = 3;
        char *s;

        for (i = 0; i < n; i++)
                len += strlen(items[i]) + 2;
        if (!(s = malloc(len)))
                return NULL;
        strcpy(s, "[");
        for (i = 0; i < n; i++) {
                if (i)
                        strcat(s, ", ");
                strcat(s, items[i]);
        }
        strcat(s, "]");
        return s;
}

int xf_is_map(const connectd_value_t *v)
{
        return v && ((v->type == CONNECTD_VAL_STRUCT && !v->schema) ||
                     v->type == CONNECTD_VAL_MAP);
}

int xf_is_struct(const connectd_value_t *v)
{
        return v && v->type == CONNECTD_VAL_STRUCT && v->schema;
}

int xf_require_map(const connectd_value_t *v, const char *purpose,
                   xerr_t *err)
{
        if (xf_is_map(v))
                return 0;
        xerr_set(err, XERR_DATA,
                 "Only Map objects supported in absence of schema for [%s], "
                 "found: %s",
                 purpose, value_java_class(v, NULL));
        return -1;
}

int xf_require_struct(const connectd_value_t *v, const char *purpose,
                      xerr_t *err)
{
        if (xf_is_struct(v))
                return 0;
        xerr_set(err, XERR_DATA,
                 "Only Struct objects supported for [%s], found: %s", purpose,
                 value_java_class(v, NULL));
        return -1;
}

int xf_require_schema(const connect_schema_t *s, const char *purpose,
                      xerr_t *err)
{
        if (s)
                return 0;
        xerr_set(err, XERR_DATA, "Schema required for [%s]", purpose);
        return -1;
}

int xf_require_sink(const xrecord_t *r, const char *purpose, xerr_t *err)
{
        if (r->is_sink)
                return 0;
        xerr_set(err, XERR_DATA,
                 "Only SinkRecord supported for [%s], found: "
                 "org.apache.kafka.connect.source.SourceRecord",
                 purpose);
        return -1;
}

int xf_valid_nonempty_list(const char *name, const char *value, char *errstr,
                           size_t errstr_size)
{
        size_t len;

        (void)name;
        if (value && (java_trim(value, &len), len))
                return 0;
        snprintf(errstr, errstr_size, "Empty list");
        return -1;
}

int xf_valid_nonempty_string(const char *name, const char *value,
                             char *errstr, size_t errstr_size)
{
        (void)name;
        if (!value || *value)
                return 0;
        snprintf(errstr, errstr_size, "String must be non-empty");
        return -1;
}

/* ---- struct fields, schemas and config values ------------------------ */

connectd_value_t *xf_struct_next(const connectd_value_t *st,
                                 const value_field_t **cur,
                                 const schema_field_t *f,
                                 int replace_default)
{
        const value_field_t *m = *cur;
        size_t n = strlen(f->name);
        connectd_value_t *v;

        if (m && m->name && m->name_len == n &&
            memcmp(m->name, f->name, n) == 0) {
                v = value_is_null(m->value) ? NULL : m->value;
                *cur = m->next;
        } else {
                v = st ? val_get(st, f->name, NULL) : NULL;
        }
        if (!v && replace_default && f->schema &&
            !value_is_null(f->schema->default_value))
                v = (connectd_value_t *)f->schema->default_value;
        return v;
}

int xf_check_put(const char *field, const connect_schema_t *s,
                 const connectd_value_t *v, xerr_t *err)
{
        if (!value_is_null(v) || !s || s->optional)
                return 0;
        xerr_set(err, XERR_DATA,
                 "Invalid value: null used for required field: \"%s\", "
                 "schema type: %s",
                 field, schema_type_name(s->type));
        return -1;
}

int xf_schema_fields(arena_t *a, connect_schema_t *s, size_t cap,
                     xerr_t *err)
{
        schema_field_t *f = arena_alloc(a, (cap ? cap : 1) * sizeof(*f));

        if (!f) {
                xerr_set(err, XERR_DATA, "out of memory");
                return -1;
        }
        s->fields = f;
        s->nfields = 0;
        return 0;
}

int xf_push_field(connect_schema_t *s, const char *name,
                  const connect_schema_t *fs, int check_dups, xerr_t *err)
{
        schema_field_t *f = (schema_field_t *)s->fields;

        if (check_dups && schema_field(s, name)) {
                xerr_set(err, XERR_SCHEMA_BUILDER,
                         "Cannot create field because of field name "
                         "duplication %s",
                         name);
                return -1;
        }
        f[s->nfields].name = name;
        f[s->nfields].schema = fs;
        s->nfields++;
        return 0;
}

int xf_struct_append(arena_t *a, connectd_value_t *st, const char *name,
                     connectd_value_t *v)
{
        value_field_t *f = arena_alloc(a, sizeof(*f));

        if (!f)
                return -1;
        f->name = name;
        f->name_len = strlen(name);
        f->key = NULL;
        f->value = v;
        f->next = NULL;
        if (st->u.st.tail)
                st->u.st.tail->next = f;
        else
                st->u.st.head = f;
        st->u.st.tail = f;
        st->u.st.count++;
        return 0;
}

int xf_require_struct_of(const connectd_value_t *v,
                         const connect_schema_t *schema, const char *purpose,
                         xerr_t *err)
{
        if (xf_is_struct(v))
                return 0;
        xerr_set(err, XERR_DATA,
                 "Only Struct objects supported for [%s], found: %s", purpose,
                 value_java_class(v, schema));
        return -1;
}

int xf_conf_nonempty_list(const json_t *props, const char *key,
                          char ***items, size_t *n, xerr_t *err)
{
        const char *v = xf_prop(props, key);

        *items = NULL;
        *n = 0;
        if (!v) {
                xerr_set(err, XERR_CONFIG,
                         "Missing required configuration \"%s\" which has "
                         "no default value.",
                         key);
                return -1;
        }
        if (xf_list(v, items, n) < 0) {
                xerr_set(err, XERR_DATA, "out of memory");
                return -1;
        }
        if (!*n) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value [] for configuration %s: Empty list",
                         key);
                return -1;
        }
        return 0;
}

connectd_value_t *xf_date_value(arena_t *a, const char *logical, int64_t ms)
{
        connectd_value_t *v = val_int(a, CONNECTD_VAL_INT64, ms);

        if (v)
                v->schema_name = logical;
        return v;
}

int xf_date_ms(const connectd_value_t *v, int64_t *ms)
{
        if (!v || v->type != CONNECTD_VAL_INT64 || !v->schema_name ||
            (strcmp(v->schema_name, LOGICAL_DATE) &&
             strcmp(v->schema_name, LOGICAL_TIME) &&
             strcmp(v->schema_name, LOGICAL_TIMESTAMP)))
                return 0;
        *ms = v->u.i;
        return 1;
}
