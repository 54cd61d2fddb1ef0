/*
 * data — schemas, values, headers and the record view (see data.h).
 */
#include "data.h"
#include "record.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define PRIM(n, t, o) const connect_schema_t n = { .type = (t), .optional = (o) }
PRIM(schema_int8, CONNECTD_VAL_INT8, 0);
PRIM(schema_int16, CONNECTD_VAL_INT16, 0);
PRIM(schema_int32, CONNECTD_VAL_INT32, 0);
PRIM(schema_int64, CONNECTD_VAL_INT64, 0);
PRIM(schema_float32, CONNECTD_VAL_FLOAT32, 0);
PRIM(schema_float64, CONNECTD_VAL_FLOAT64, 0);
PRIM(schema_boolean, CONNECTD_VAL_BOOLEAN, 0);
PRIM(schema_string, CONNECTD_VAL_STRING, 0);
PRIM(schema_bytes, CONNECTD_VAL_BYTES, 0);
PRIM(schema_opt_int8, CONNECTD_VAL_INT8, 1);
PRIM(schema_opt_int16, CONNECTD_VAL_INT16, 1);
PRIM(schema_opt_int32, CONNECTD_VAL_INT32, 1);
PRIM(schema_opt_int64, CONNECTD_VAL_INT64, 1);
PRIM(schema_opt_float32, CONNECTD_VAL_FLOAT32, 1);
PRIM(schema_opt_float64, CONNECTD_VAL_FLOAT64, 1);
PRIM(schema_opt_boolean, CONNECTD_VAL_BOOLEAN, 1);
PRIM(schema_opt_string, CONNECTD_VAL_STRING, 1);
PRIM(schema_opt_bytes, CONNECTD_VAL_BYTES, 1);
#undef PRIM

const connect_schema_t *schema_primitive(connectd_value_type_t type,
                                         int optional)
{
        switch (type) {
        case CONNECTD_VAL_INT8:
                return optional ? &schema_opt_int8 : &schema_int8;
        case CONNECTD_VAL_INT16:
                return optional ? &schema_opt_int16 : &schema_int16;
        case CONNECTD_VAL_INT32:
                return optional ? &schema_opt_int32 : &schema_int32;
        case CONNECTD_VAL_INT64:
                return optional ? &schema_opt_int64 : &schema_int64;
        case CONNECTD_VAL_FLOAT32:
                return optional ? &schema_opt_float32 : &schema_float32;
        case CONNECTD_VAL_FLOAT64:
                return optional ? &schema_opt_float64 : &schema_float64;
        case CONNECTD_VAL_BOOLEAN:
                return optional ? &schema_opt_boolean : &schema_boolean;
        case CONNECTD_VAL_STRING:
                return optional ? &schema_opt_string : &schema_string;
        case CONNECTD_VAL_BYTES:
                return optional ? &schema_opt_bytes : &schema_bytes;
        default:
                return NULL;
        }
}

/* ---- schemas -------------------------------------------------------- */

connect_schema_t *schema_new(arena_t *a, connectd_value_type_t type)
{
        connect_schema_t *s = arena_alloc(a, sizeof(*s));

        if (s) {
                memset(s, 0, sizeof(*s));
                s->type = type;
        }
        return s;
}

connect_schema_t *schema_copy(arena_t *a, const connect_schema_t *from)
{
        connect_schema_t *s = arena_alloc(a, sizeof(*s));

        if (s)
                *s = *from;
        return s;
}

/* Grows an arena array of n elements of `size` to n + 1 (copying). */
static void *grow(arena_t *a, const void *old, size_t n, size_t size)
{
        void *p = arena_alloc(a, (n + 1) * size);

        if (p && n)
                memcpy(p, old, n * size);
        return p;
}

int schema_add_field(arena_t *a, connect_schema_t *s, const char *name,
                     const connect_schema_t *field_schema)
{
        schema_field_t *f;

        if (schema_field(s, name))
                return -2;
        f = grow(a, s->fields, s->nfields, sizeof(*f));
        if (!f)
                return -1;
        f[s->nfields].name = name;
        f[s->nfields].schema = field_schema;
        s->fields = f;
        s->nfields++;
        return 0;
}

int schema_add_param(arena_t *a, connect_schema_t *s, const char *key,
                     const char *value)
{
        schema_param_t *p = grow(a, s->params, s->nparams, sizeof(*p));

        if (!p)
                return -1;
        p[s->nparams].key = key;
        p[s->nparams].value = value;
        s->params = p;
        s->nparams++;
        return 0;
}

const schema_field_t *schema_field(const connect_schema_t *s,
                                   const char *name)
{
        size_t i;

        if (!s)
                return NULL;
        for (i = 0; i < s->nfields; i++)
                if (strcmp(s->fields[i].name, name) == 0)
                        return &s->fields[i];
        return NULL;
}

const char *schema_param(const connect_schema_t *s, const char *key)
{
        size_t i;

        for (i = 0; s && i < s->nparams; i++)
                if (strcmp(s->params[i].key, key) == 0)
                        return s->params[i].value;
        return NULL;
}

const char *schema_type_name(connectd_value_type_t type)
{
        switch (type) {
        case CONNECTD_VAL_INT8: return "INT8";
        case CONNECTD_VAL_INT16: return "INT16";
        case CONNECTD_VAL_INT32: return "INT32";
        case CONNECTD_VAL_INT64: return "INT64";
        case CONNECTD_VAL_FLOAT32: return "FLOAT32";
        case CONNECTD_VAL_FLOAT64: return "FLOAT64";
        case CONNECTD_VAL_BOOLEAN: return "BOOLEAN";
        case CONNECTD_VAL_STRING: return "STRING";
        case CONNECTD_VAL_BYTES: return "BYTES";
        case CONNECTD_VAL_ARRAY: return "ARRAY";
        case CONNECTD_VAL_MAP: return "MAP";
        case CONNECTD_VAL_STRUCT: return "STRUCT";
        default: return "NULL";
        }
}

int schema_is_logical(const connect_schema_t *s, const char *name)
{
        return s && s->name && strcmp(s->name, name) == 0;
}

/* ---- values --------------------------------------------------------- */

int value_is_null(const connectd_value_t *v)
{
        return !v || v->type == CONNECTD_VAL_NULL;
}

static connectd_value_t *val_new(arena_t *a, connectd_value_type_t t)
{
        connectd_value_t *v = arena_alloc(a, sizeof(*v));

        if (v) {
                memset(v, 0, sizeof(*v));
                v->type = t;
        }
        return v;
}

connectd_value_t *val_null(arena_t *a)
{
        return val_new(a, CONNECTD_VAL_NULL);
}

static connectd_value_t *val_blob(arena_t *a, connectd_value_type_t t,
                                  const void *p, size_t len)
{
        connectd_value_t *v = val_new(a, t);
        char *d;

        if (!v)
                return NULL;
        d = arena_alloc(a, len + 1);
        if (!d)
                return NULL;
        if (len)
                memcpy(d, p, len);
        d[len] = '\0';
        v->u.s.ptr = d;
        v->u.s.len = len;
        return v;
}

connectd_value_t *val_string(arena_t *a, const char *s, size_t len)
{
        return val_blob(a, CONNECTD_VAL_STRING, s, len);
}

connectd_value_t *val_bytes(arena_t *a, const void *p, size_t len)
{
        return val_blob(a, CONNECTD_VAL_BYTES, p, len);
}

connectd_value_t *val_int(arena_t *a, connectd_value_type_t type, int64_t i)
{
        connectd_value_t *v = val_new(a, type);

        if (v)
                v->u.i = i;
        return v;
}

connectd_value_t *val_float(arena_t *a, connectd_value_type_t type,
                            double d)
{
        connectd_value_t *v = val_new(a, type);

        if (v)
                v->u.d = type == CONNECTD_VAL_FLOAT32 ? (double)(float)d : d;
        return v;
}

connectd_value_t *val_bool(arena_t *a, int b)
{
        return val_int(a, CONNECTD_VAL_BOOLEAN, b != 0);
}

connectd_value_t *val_struct(arena_t *a, const connect_schema_t *schema)
{
        connectd_value_t *v = val_new(a, CONNECTD_VAL_STRUCT);

        if (v)
                v->schema = schema;
        return v;
}

connectd_value_t *val_map(arena_t *a)
{
        return val_new(a, CONNECTD_VAL_MAP);
}

connectd_value_t *val_array(arena_t *a)
{
        return val_new(a, CONNECTD_VAL_ARRAY);
}

static value_field_t *find(const connectd_value_t *st, const char *name)
{
        value_field_t *f;
        size_t n = strlen(name);

        for (f = st->u.st.head; f; f = f->next)
                if (f->name && f->name_len == n &&
                    memcmp(f->name, name, n) == 0)
                        return f;
        return NULL;
}

static value_field_t *member_new(arena_t *a, connectd_value_t *c,
                                 const char *name, connectd_value_t *key,
                                 connectd_value_t *v)
{
        value_field_t *f = arena_alloc(a, sizeof(*f));

        if (!f)
                return NULL;
        f->name = name;
        f->name_len = name ? strlen(name) : 0;
        f->key = key;
        f->value = v;
        f->next = NULL;
        if (c->u.st.tail)
                c->u.st.tail->next = f;
        else
                c->u.st.head = f;
        c->u.st.tail = f;
        c->u.st.count++;
        return f;
}

int val_put(arena_t *a, connectd_value_t *st, const char *name,
            connectd_value_t *v)
{
        value_field_t *f = find(st, name);
        char *copy;

        if (f) {
                f->value = v;
                return 0;
        }
        copy = arena_strndup(a, name, strlen(name));
        if (!copy)
                return -1;
        return member_new(a, st, copy, NULL, v) ? 0 : -1;
}

void val_del(connectd_value_t *st, const char *name)
{
        value_field_t *f, *prev = NULL;
        size_t n = strlen(name);

        for (f = st->u.st.head; f; prev = f, f = f->next) {
                if (!f->name || f->name_len != n ||
                    memcmp(f->name, name, n) != 0)
                        continue;
                if (prev)
                        prev->next = f->next;
                else
                        st->u.st.head = f->next;
                if (st->u.st.tail == f)
                        st->u.st.tail = prev;
                st->u.st.count--;
                return;
        }
}

int val_append(arena_t *a, connectd_value_t *c, connectd_value_t *key,
               connectd_value_t *v)
{
        const char *name = NULL;

        if (key && key->type == CONNECTD_VAL_STRING)
                name = key->u.s.ptr;
        return member_new(a, c, name, key, v) ? 0 : -1;
}

connectd_value_t *val_get(const connectd_value_t *st, const char *name,
                          int *found)
{
        value_field_t *f = st ? find(st, name) : NULL;

        if (found)
                *found = f != NULL;
        return f && !value_is_null(f->value) ? f->value : NULL;
}

connectd_value_t *val_get_next(const connectd_value_t *st, const char *name,
                               const value_field_t **cursor)
{
        const value_field_t *f = *cursor;
        size_t n = strlen(name);

        if (!f || !f->name || f->name_len != n || memcmp(f->name, name, n))
                f = st ? find(st, name) : NULL;
        if (!f)
                return NULL;
        *cursor = f->next;
        return !value_is_null(f->value) ? f->value : NULL;
}

connectd_value_t *val_shallow_copy(arena_t *a, const connectd_value_t *v)
{
        connectd_value_t *c = val_new(a, v->type);
        value_field_t *f;

        if (!c)
                return NULL;
        *c = *v;
        if (v->type != CONNECTD_VAL_STRUCT && v->type != CONNECTD_VAL_MAP &&
            v->type != CONNECTD_VAL_ARRAY)
                return c;
        memset(&c->u.st, 0, sizeof(c->u.st));
        for (f = v->u.st.head; f; f = f->next)
                if (!member_new(a, c, f->name, f->key, f->value))
                        return NULL;
        return c;
}

int val_equal(const connectd_value_t *x, const connectd_value_t *y)
{
        const value_field_t *f, *g;

        if (value_is_null(x) || value_is_null(y))
                return value_is_null(x) && value_is_null(y);
        if (x->type != y->type)
                return 0;
        switch (x->type) {
        case CONNECTD_VAL_STRING:
        case CONNECTD_VAL_BYTES:
                return x->u.s.len == y->u.s.len &&
                       memcmp(x->u.s.ptr, y->u.s.ptr, x->u.s.len) == 0;
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                return memcmp(&x->u.d, &y->u.d, sizeof(double)) == 0;
        case CONNECTD_VAL_STRUCT:
        case CONNECTD_VAL_MAP:
        case CONNECTD_VAL_ARRAY:
                if (x->u.st.count != y->u.st.count)
                        return 0;
                for (f = x->u.st.head, g = y->u.st.head; f && g;
                     f = f->next, g = g->next) {
                        if ((f->name == NULL) != (g->name == NULL) ||
                            (f->name && (f->name_len != g->name_len ||
                                         memcmp(f->name, g->name,
                                                f->name_len) != 0)) ||
                            !val_equal(f->key, g->key) ||
                            !val_equal(f->value, g->value))
                                return 0;
                }
                return 1;
        default:
                return x->u.i == y->u.i;
        }
}

int value_is_date_object(const connectd_value_t *v)
{
        return v && v->type == CONNECTD_VAL_INT64 && v->schema_name &&
               (strcmp(v->schema_name, LOGICAL_DATE) == 0 ||
                strcmp(v->schema_name, LOGICAL_TIME) == 0 ||
                strcmp(v->schema_name, LOGICAL_TIMESTAMP) == 0);
}

const char *value_java_class(const connectd_value_t *v,
                             const connect_schema_t *schema)
{
        if (value_is_null(v))
                return "null";
        if (!schema && value_is_date_object(v))
                return "java.util.Date";
        if (schema && (schema_is_logical(schema, LOGICAL_DATE) ||
                       schema_is_logical(schema, LOGICAL_TIME) ||
                       schema_is_logical(schema, LOGICAL_TIMESTAMP)))
                return "java.util.Date";
        if (schema && schema_is_logical(schema, LOGICAL_DECIMAL))
                return "java.math.BigDecimal";
        switch (v->type) {
        case CONNECTD_VAL_STRING: return "java.lang.String";
        case CONNECTD_VAL_BYTES: return "[B";
        case CONNECTD_VAL_INT8: return "java.lang.Byte";
        case CONNECTD_VAL_INT16: return "java.lang.Short";
        case CONNECTD_VAL_INT32: return "java.lang.Integer";
        case CONNECTD_VAL_INT64: return "java.lang.Long";
        case CONNECTD_VAL_FLOAT32: return "java.lang.Float";
        case CONNECTD_VAL_FLOAT64: return "java.lang.Double";
        case CONNECTD_VAL_BOOLEAN: return "java.lang.Boolean";
        case CONNECTD_VAL_ARRAY: return "java.util.ArrayList";
        case CONNECTD_VAL_MAP: return "java.util.HashMap";
        case CONNECTD_VAL_STRUCT:
                return v->schema ? "org.apache.kafka.connect.data.Struct"
                                 : "java.util.HashMap";
        default: return "null";
        }
}

/* ---- headers -------------------------------------------------------- */

int headers_add(arena_t *a, header_list_t *h, const char *name,
                const connect_schema_t *schema, connectd_value_t *value)
{
        connect_header_t *e = arena_alloc(a, sizeof(*e));

        if (!e)
                return -1;
        e->name = arena_strndup(a, name, strlen(name));
        if (!e->name)
                return -1;
        e->schema = schema;
        e->value = value;
        e->next = NULL;
        if (h->tail)
                h->tail->next = e;
        else
                h->head = e;
        h->tail = e;
        h->count++;
        return 0;
}

void headers_remove(header_list_t *h, const char *name)
{
        connect_header_t *e = h->head, *prev = NULL;

        while (e) {
                connect_header_t *next = e->next;

                if (strcmp(e->name, name) == 0) {
                        if (prev)
                                prev->next = next;
                        else
                                h->head = next;
                        if (h->tail == e)
                                h->tail = prev;
                        h->count--;
                } else {
                        prev = e;
                }
                e = next;
        }
}

const connect_header_t *headers_last(const header_list_t *h,
                                     const char *name)
{
        const connect_header_t *e, *last = NULL;

        for (e = h->head; e; e = e->next)
                if (strcmp(e->name, name) == 0)
                        last = e;
        return last;
}

/* ---- errors ---------------------------------------------------------- */

void xerr_vset(xerr_t *e, const char *cls, const char *fmt, va_list ap)
{
        snprintf(e->cls, sizeof(e->cls), "%s", cls);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        e->retriable = strcmp(cls, XERR_RETRIABLE) == 0;
}

void xerr_set(xerr_t *e, const char *cls, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        xerr_vset(e, cls, fmt, ap);
        va_end(ap);
}

/* ---- record text ------------------------------------------------------ */

static int text_value(buf_t *b, const connect_schema_t *s,
                      const connectd_value_t *v)
{
        size_t n = value_to_text_schema(s, v, NULL, 0);
        char *t = malloc(n + 1);
        int rc;

        if (!t)
                return -1;
        value_to_text_schema(s, v, t, n + 1);
        rc = buf_append(b, t, n);
        free(t);
        return rc;
}

/* Schemaless JSON as Connect values (objects as schemaless objects). */
static connectd_value_t *val_from_json(arena_t *a, const json_t *j)
{
        connectd_value_t *v, *m;
        const char *key;
        json_t *x;
        size_t i;

        switch (json_typeof(j)) {
        case JSON_OBJECT:
                if (!(v = val_struct(a, NULL)))
                        return NULL;
                json_object_foreach((json_t *)j, key, x)
                        if (!(m = val_from_json(a, x)) || val_put(a, v, key, m))
                                return NULL;
                return v;
        case JSON_ARRAY:
                if (!(v = val_array(a)))
                        return NULL;
                json_array_foreach(j, i, x)
                        if (!(m = val_from_json(a, x)) ||
                            val_append(a, v, NULL, m))
                                return NULL;
                return v;
        case JSON_STRING:
                return val_string(a, json_string_value(j),
                                  json_string_length(j));
        case JSON_INTEGER:
                return val_int(a, CONNECTD_VAL_INT64, json_integer_value(j));
        case JSON_REAL:
                return val_float(a, CONNECTD_VAL_FLOAT64, json_real_value(j));
        case JSON_TRUE:
        case JSON_FALSE:
                return val_bool(a, json_is_true(j));
        default:
                return val_null(a);
        }
}

/* A JSON object as Java's Map.toString (HashMap order), "null" for
 * none. */
static int text_json_map(buf_t *b, const char *json)
{
        arena_t *a;
        json_t *root;
        int rc;

        if (!json)
                return buf_puts(b, "null");
        root = json_loads(json, JSON_DECODE_ANY, NULL);
        if (!root || !(a = arena_new(0))) {
                json_decref(root);
                return buf_puts(b, json);
        }
        {
                connectd_value_t *v = val_from_json(a, root);

                rc = v ? text_value(b, NULL, v) : buf_puts(b, json);
        }
        arena_destroy(a);
        json_decref(root);
        return rc;
}

static int text_schema(buf_t *b, const connect_schema_t *s)
{
        if (!s)
                return buf_puts(b, "null");
        if (s->name)
                return buf_printf(b, "Schema{%s:%s}", s->name,
                                  schema_type_name(s->type));
        return buf_printf(b, "Schema{%s}", schema_type_name(s->type));
}

char *xrecord_text(const xrecord_t *r)
{
        static const char *const ts_types[] = { "NoTimestampType",
                                                "CreateTime",
                                                "LogAppendTime" };
        buf_t b;
        const connect_header_t *h;
        int rc = 0;

        buf_init(&b, 0);
        if (r->is_sink) {
                const char *ot = r->original_topic ? r->original_topic
                                                   : r->topic;
                int32_t op = r->original_topic ? r->original_partition
                                               : r->partition;
                int64_t oo = r->original_topic ? r->original_offset
                                               : r->offset;

                rc |= buf_printf(&b, "SinkRecord{kafkaOffset=%lld, "
                                     "timestampType=%s, originalTopic=%s, "
                                     "originalKafkaPartition=",
                                 (long long)r->offset,
                                 ts_types[r->timestamp_type >= 0 &&
                                          r->timestamp_type <= 2
                                                  ? r->timestamp_type : 0],
                                 ot ? ot : "null");
                rc |= op < 0 ? buf_puts(&b, "null")
                             : buf_printf(&b, "%ld", (long)op);
                rc |= buf_printf(&b, ", originalKafkaOffset=%lld} ",
                                 (long long)oo);
        } else {
                rc |= buf_puts(&b, "SourceRecord{sourcePartition=");
                rc |= text_json_map(&b, r->source_partition);
                rc |= buf_puts(&b, ", sourceOffset=");
                rc |= text_json_map(&b, r->source_offset);
                rc |= buf_puts(&b, "} ");
        }
        rc |= buf_printf(&b, "ConnectRecord{topic='%s', kafkaPartition=",
                         r->topic ? r->topic : "null");
        rc |= r->partition < 0 ? buf_puts(&b, "null")
                               : buf_printf(&b, "%ld", (long)r->partition);
        rc |= buf_puts(&b, ", key=");
        rc |= text_value(&b, r->key_schema, r->key);
        rc |= buf_puts(&b, ", value=");
        rc |= text_value(&b, r->value_schema, r->value);
        rc |= r->has_timestamp
                      ? buf_printf(&b, ", timestamp=%lld",
                                   (long long)r->timestamp)
                      : buf_puts(&b, ", timestamp=null");
        rc |= buf_puts(&b, ", headers=ConnectHeaders(headers=");
        if (r->headers.count) {
                rc |= buf_putc(&b, '[');
                for (h = r->headers.head; h; h = h->next) {
                        if (h != r->headers.head)
                                rc |= buf_puts(&b, ", ");
                        rc |= buf_printf(&b, "ConnectHeader(key=%s, value=",
                                         h->name);
                        rc |= text_value(&b, h->schema, h->value);
                        rc |= buf_puts(&b, ", schema=");
                        rc |= text_schema(&b, h->schema);
                        rc |= buf_putc(&b, ')');
                }
                rc |= buf_putc(&b, ']');
        }
        rc |= buf_puts(&b, ")}");
        rc |= buf_putc(&b, '\0');
        if (rc) {
                buf_free(&b);
                return NULL;
        }
        return b.data;
}
