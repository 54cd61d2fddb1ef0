/*
 * record_abi — host-table entries for records, schemas and values added
 * with the record pipeline (contracts in api/connect/plugin.h).
 *
 * DESIGN
 *  - No state of its own: every function works on what it is handed, in
 *    the arena it is handed (a batch's, a record's, or one the plugin
 *    owns). The ABI's opaque handles are the internal types, cast.
 *  - Plugins are untrusted callers: every entry checks for NULL and for
 *    the type it needs and answers NULL / -1 / 0 instead of crashing, and
 *    names it keeps (schema names, field names, parameters, topics) are
 *    copied into the arena, since the plugin's buffers may not live as
 *    long as the schema.
 *  - Values and schemas reachable from a record are immutable (data.h):
 *    a transform changes a struct through value_copy, never in place.
 *
 * Threads: like the arenas, one thread at a time (the task's).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "record.h"
#include "record_abi.h"

#define ARENA(a) ((arena_t *)(a))
#define SCHEMA(s) ((connect_schema_t *)(s))
#define CSCHEMA(s) ((const connect_schema_t *)(s))
#define XREC(r) ((xrecord_t *)(r))
#define CXREC(r) ((const xrecord_t *)(r))

static int is_container(const connectd_value_t *v)
{
        return v && (v->type == CONNECTD_VAL_STRUCT ||
                     v->type == CONNECTD_VAL_ARRAY ||
                     v->type == CONNECTD_VAL_MAP);
}

static int type_known(connectd_value_type_t t)
{
        return (int)t >= CONNECTD_VAL_STRING && (int)t <= CONNECTD_VAL_MAP;
}

static char *copy_str(arena_t *a, const char *s)
{
        return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* ---- arenas ----------------------------------------------------------- */

connectd_arena_t *abi_record_arena(connectd_record_t *rec)
{
        return rec && rec->batch ? (connectd_arena_t *)rec->batch->arena
                                 : NULL;
}

connectd_arena_t *abi_arena_new(void)
{
        return (connectd_arena_t *)arena_new(0);
}

void abi_arena_destroy(connectd_arena_t *a)
{
        arena_destroy(ARENA(a));
}

/* ---- schemas ---------------------------------------------------------- */

const connectd_schema_t *abi_schema_primitive(connectd_value_type_t type,
                                              int optional)
{
        return (const connectd_schema_t *)schema_primitive(type, optional);
}

connectd_schema_t *abi_schema_new(connectd_arena_t *a,
                                  connectd_value_type_t type)
{
        if (!a || !type_known(type))
                return NULL;
        return (connectd_schema_t *)schema_new(ARENA(a), type);
}

int abi_schema_set_name(connectd_arena_t *a, connectd_schema_t *s,
                        const char *name)
{
        char *copy = NULL;

        if (!a || !s)
                return -1;
        if (name && !(copy = copy_str(ARENA(a), name)))
                return -1;
        SCHEMA(s)->name = copy;
        return 0;
}

void abi_schema_set_version(connectd_schema_t *s, int32_t version)
{
        if (s) {
                SCHEMA(s)->has_version = 1;
                SCHEMA(s)->version = version;
        }
}

void abi_schema_set_optional(connectd_schema_t *s, int optional)
{
        if (s)
                SCHEMA(s)->optional = optional != 0;
}

int abi_schema_set_param(connectd_arena_t *a, connectd_schema_t *s,
                         const char *key, const char *value)
{
        char *k, *v;
        size_t i;

        if (!a || !s || !key || !value)
                return -1;
        if (!(v = copy_str(ARENA(a), value)))
                return -1;
        /* Java's parameter map: setting a key again replaces its value. */
        for (i = 0; i < SCHEMA(s)->nparams; i++) {
                if (strcmp(SCHEMA(s)->params[i].key, key) == 0) {
                        schema_param_t *p = (schema_param_t *)
                                SCHEMA(s)->params;
                        p[i].value = v;
                        return 0;
                }
        }
        if (!(k = copy_str(ARENA(a), key)))
                return -1;
        return schema_add_param(ARENA(a), SCHEMA(s), k, v);
}

int abi_schema_add_field(connectd_arena_t *a, connectd_schema_t *s,
                         const char *name,
                         const connectd_schema_t *field_schema)
{
        char *copy;

        if (!a || !s || !name || !field_schema ||
            SCHEMA(s)->type != CONNECTD_VAL_STRUCT)
                return -1;
        if (schema_field(SCHEMA(s), name))
                return -2;
        if (!(copy = copy_str(ARENA(a), name)))
                return -1;
        return schema_add_field(ARENA(a), SCHEMA(s), copy,
                                CSCHEMA(field_schema));
}

int abi_schema_set_items(connectd_schema_t *s,
                         const connectd_schema_t *key_schema,
                         const connectd_schema_t *value_schema)
{
        if (!s || !value_schema)
                return -1;
        if (SCHEMA(s)->type == CONNECTD_VAL_ARRAY && !key_schema) {
                SCHEMA(s)->value_schema = CSCHEMA(value_schema);
                return 0;
        }
        if (SCHEMA(s)->type == CONNECTD_VAL_MAP && key_schema) {
                SCHEMA(s)->key_schema = CSCHEMA(key_schema);
                SCHEMA(s)->value_schema = CSCHEMA(value_schema);
                return 0;
        }
        return -1;
}

connectd_value_type_t abi_schema_type(const connectd_schema_t *s)
{
        return s ? CSCHEMA(s)->type : CONNECTD_VAL_NULL;
}

const char *abi_schema_name(const connectd_schema_t *s)
{
        return s ? CSCHEMA(s)->name : NULL;
}

int abi_schema_optional(const connectd_schema_t *s)
{
        return s ? CSCHEMA(s)->optional : 0;
}

int abi_schema_version(const connectd_schema_t *s, int32_t *version)
{
        if (!s || !CSCHEMA(s)->has_version)
                return 0;
        if (version)
                *version = CSCHEMA(s)->version;
        return 1;
}

const char *abi_schema_param(const connectd_schema_t *s, const char *key)
{
        return s && key ? schema_param(CSCHEMA(s), key) : NULL;
}

size_t abi_schema_field_count(const connectd_schema_t *s)
{
        return s && CSCHEMA(s)->type == CONNECTD_VAL_STRUCT
                       ? CSCHEMA(s)->nfields
                       : 0;
}

const connectd_schema_t *abi_schema_field(const connectd_schema_t *s,
                                          size_t i, const char **name)
{
        const schema_field_t *f;

        if (!s || i >= abi_schema_field_count(s))
                return NULL;
        f = &CSCHEMA(s)->fields[i];
        if (name)
                *name = f->name;
        return (const connectd_schema_t *)f->schema;
}

const connectd_schema_t *abi_schema_items(const connectd_schema_t *s,
                                          const connectd_schema_t **key)
{
        if (key)
                *key = NULL;
        if (!s || (CSCHEMA(s)->type != CONNECTD_VAL_ARRAY &&
                   CSCHEMA(s)->type != CONNECTD_VAL_MAP))
                return NULL;
        if (key)
                *key = (const connectd_schema_t *)CSCHEMA(s)->key_schema;
        return (const connectd_schema_t *)CSCHEMA(s)->value_schema;
}

/* ---- values ----------------------------------------------------------- */

connectd_value_t *abi_value_of_null(connectd_arena_t *a)
{
        return a ? val_null(ARENA(a)) : NULL;
}

connectd_value_t *abi_value_of_string(connectd_arena_t *a, const char *s,
                                      size_t len)
{
        if (!a || (!s && len))
                return NULL;
        return val_string(ARENA(a), s ? s : "", len);
}

connectd_value_t *abi_value_of_bytes(connectd_arena_t *a, const void *p,
                                     size_t len)
{
        if (!a || (!p && len))
                return NULL;
        return val_bytes(ARENA(a), p ? p : "", len);
}

connectd_value_t *abi_value_of_int(connectd_arena_t *a,
                                   connectd_value_type_t type, int64_t v)
{
        int64_t lo, hi;

        if (!a)
                return NULL;
        switch (type) {
        case CONNECTD_VAL_INT8:
                lo = INT8_MIN, hi = INT8_MAX;
                break;
        case CONNECTD_VAL_INT16:
                lo = INT16_MIN, hi = INT16_MAX;
                break;
        case CONNECTD_VAL_INT32:
                lo = INT32_MIN, hi = INT32_MAX;
                break;
        case CONNECTD_VAL_INT64:
                lo = INT64_MIN, hi = INT64_MAX;
                break;
        case CONNECTD_VAL_BOOLEAN:
                return val_bool(ARENA(a), v != 0);
        default:
                return NULL;
        }
        if (v < lo || v > hi)
                return NULL;
        return val_int(ARENA(a), type, v);
}

connectd_value_t *abi_value_of_float(connectd_arena_t *a,
                                     connectd_value_type_t type, double v)
{
        if (!a || (type != CONNECTD_VAL_FLOAT32 &&
                   type != CONNECTD_VAL_FLOAT64))
                return NULL;
        return val_float(ARENA(a), type, v);
}

connectd_value_t *abi_value_of_struct(connectd_arena_t *a,
                                      const connectd_schema_t *schema)
{
        if (!a || (schema && CSCHEMA(schema)->type != CONNECTD_VAL_STRUCT))
                return NULL;
        return val_struct(ARENA(a), CSCHEMA(schema));
}

connectd_value_t *abi_value_of_array(connectd_arena_t *a)
{
        return a ? val_array(ARENA(a)) : NULL;
}

connectd_value_t *abi_value_of_map(connectd_arena_t *a)
{
        return a ? val_map(ARENA(a)) : NULL;
}

int abi_value_put(connectd_arena_t *a, connectd_value_t *st,
                  const char *field, connectd_value_t *v)
{
        if (!a || !st || st->type != CONNECTD_VAL_STRUCT || !field)
                return -1;
        return val_put(ARENA(a), st, field, v);
}

int abi_value_append(connectd_arena_t *a, connectd_value_t *c,
                     connectd_value_t *key, connectd_value_t *v)
{
        if (!a || !c || (c->type == CONNECTD_VAL_ARRAY && key) ||
            (c->type != CONNECTD_VAL_ARRAY && c->type != CONNECTD_VAL_MAP))
                return -1;
        return val_append(ARENA(a), c, key, v);
}

connectd_value_t *abi_value_copy(connectd_arena_t *a,
                                 const connectd_value_t *v)
{
        if (!a || !v)
                return NULL;
        if (!is_container(v))
                return (connectd_value_t *)v;
        return val_shallow_copy(ARENA(a), v);
}

size_t abi_value_count(const connectd_value_t *v)
{
        return is_container(v) ? v->u.st.count : 0;
}

const connectd_value_t *abi_value_member(const connectd_value_t *v, size_t i,
                                         const char **name,
                                         const connectd_value_t **key)
{
        const value_field_t *f;

        if (name)
                *name = NULL;
        if (key)
                *key = NULL;
        if (!is_container(v) || i >= v->u.st.count)
                return NULL;
        for (f = v->u.st.head; f && i; f = f->next)
                i--;
        if (!f)
                return NULL;
        if (name)
                *name = f->name;
        if (key)
                *key = f->key;
        return f->value;
}

const connectd_value_t *abi_value_get(const connectd_value_t *st,
                                      const char *field)
{
        if (!st || !field || (st->type != CONNECTD_VAL_STRUCT &&
                              st->type != CONNECTD_VAL_MAP))
                return NULL;
        return val_get(st, field, NULL);
}

const connectd_schema_t *abi_value_struct_schema(const connectd_value_t *v)
{
        return v && v->type == CONNECTD_VAL_STRUCT
                       ? (const connectd_schema_t *)v->schema
                       : NULL;
}

/* ---- source records --------------------------------------------------- */

void abi_record_set_timestamp(connectd_record_t *rec, int64_t ms)
{
        if (!rec)
                return;
        rec->has_timestamp = ms >= 0;
        rec->timestamp = ms >= 0 ? ms : 0;
}

int abi_record_add_header(connectd_record_t *rec, const char *name,
                          const connectd_schema_t *schema,
                          connectd_value_t *value)
{
        if (!rec || !rec->batch || !name)
                return -1;
        return headers_add(rec->batch->arena, &rec->headers, name,
                           CSCHEMA(schema), value);
}

void abi_record_set_key_schema(connectd_record_t *rec,
                               const connectd_schema_t *schema)
{
        if (rec)
                rec->key_schema = CSCHEMA(schema);
}

void abi_record_set_value_schema(connectd_record_t *rec,
                                 const connectd_schema_t *schema)
{
        if (rec)
                rec->value_schema = CSCHEMA(schema);
}

/* ---- headers by index ------------------------------------------------- */

static const char *header_at(const header_list_t *h, size_t i,
                             const connectd_schema_t **schema,
                             const connectd_value_t **value)
{
        const connect_header_t *e;

        if (schema)
                *schema = NULL;
        if (value)
                *value = NULL;
        if (i >= h->count)
                return NULL;
        for (e = h->head; e && i; e = e->next)
                i--;
        if (!e)
                return NULL;
        if (schema)
                *schema = (const connectd_schema_t *)e->schema;
        if (value)
                *value = e->value;
        return e->name;
}

/* ---- sink records ----------------------------------------------------- */

size_t abi_sink_header_count(const connectd_sink_record_t *r)
{
        return r ? r->headers.count : 0;
}

const char *abi_sink_header(const connectd_sink_record_t *r, size_t i,
                            const connectd_schema_t **schema,
                            const connectd_value_t **value)
{
        static const header_list_t none;

        return header_at(r ? &r->headers : &none, i, schema, value);
}

connectd_timestamp_type_t abi_sink_timestamp_type(
        const connectd_sink_record_t *r)
{
        if (!r || r->timestamp_type < CONNECTD_TS_NONE ||
            r->timestamp_type > CONNECTD_TS_LOG_APPEND_TIME)
                return CONNECTD_TS_NONE;
        return (connectd_timestamp_type_t)r->timestamp_type;
}

const connectd_schema_t *abi_sink_key_schema(const connectd_sink_record_t *r)
{
        return r ? (const connectd_schema_t *)r->key_schema : NULL;
}

const connectd_schema_t *abi_sink_value_schema(
        const connectd_sink_record_t *r)
{
        return r ? (const connectd_schema_t *)r->value_schema : NULL;
}

/* ---- the record in a transform ---------------------------------------- */

connectd_arena_t *abi_xrecord_arena(connectd_xrecord_t *r)
{
        return r ? (connectd_arena_t *)XREC(r)->arena : NULL;
}

const char *abi_xrecord_topic(const connectd_xrecord_t *r)
{
        return r ? CXREC(r)->topic : NULL;
}

int abi_xrecord_set_topic(connectd_xrecord_t *r, const char *topic)
{
        char *copy;

        if (!r || !topic || !*topic)
                return -1;
        if (!(copy = copy_str(XREC(r)->arena, topic)))
                return -1;
        XREC(r)->topic = copy;
        return 0;
}

int32_t abi_xrecord_partition(const connectd_xrecord_t *r)
{
        return r ? CXREC(r)->partition : -1;
}

void abi_xrecord_set_partition(connectd_xrecord_t *r, int32_t partition)
{
        if (r)
                XREC(r)->partition = partition < 0 ? -1 : partition;
}

const connectd_value_t *abi_xrecord_key(const connectd_xrecord_t *r,
                                        const connectd_schema_t **schema)
{
        if (schema)
                *schema = r ? (const connectd_schema_t *)CXREC(r)->key_schema
                            : NULL;
        return r ? CXREC(r)->key : NULL;
}

const connectd_value_t *abi_xrecord_value(const connectd_xrecord_t *r,
                                          const connectd_schema_t **schema)
{
        if (schema)
                *schema = r ? (const connectd_schema_t *)
                                      CXREC(r)->value_schema
                            : NULL;
        return r ? CXREC(r)->value : NULL;
}

void abi_xrecord_set_key(connectd_xrecord_t *r,
                         const connectd_schema_t *schema,
                         connectd_value_t *key)
{
        if (r) {
                XREC(r)->key_schema = CSCHEMA(schema);
                XREC(r)->key = key;
        }
}

void abi_xrecord_set_value(connectd_xrecord_t *r,
                           const connectd_schema_t *schema,
                           connectd_value_t *value)
{
        if (r) {
                XREC(r)->value_schema = CSCHEMA(schema);
                XREC(r)->value = value;
        }
}

int abi_xrecord_timestamp(const connectd_xrecord_t *r, int64_t *ms)
{
        if (!r || !CXREC(r)->has_timestamp)
                return 0;
        if (ms)
                *ms = CXREC(r)->timestamp;
        return 1;
}

void abi_xrecord_set_timestamp(connectd_xrecord_t *r, int64_t ms)
{
        if (!r)
                return;
        XREC(r)->has_timestamp = ms >= 0;
        XREC(r)->timestamp = ms >= 0 ? ms : 0;
}

size_t abi_xrecord_header_count(const connectd_xrecord_t *r)
{
        return r ? CXREC(r)->headers.count : 0;
}

const char *abi_xrecord_header(const connectd_xrecord_t *r, size_t i,
                               const connectd_schema_t **schema,
                               const connectd_value_t **value)
{
        static const header_list_t none;

        return header_at(r ? &CXREC(r)->headers : &none, i, schema, value);
}

int abi_xrecord_header_add(connectd_xrecord_t *r, const char *name,
                           const connectd_schema_t *schema,
                           connectd_value_t *value)
{
        if (!r || !name)
                return -1;
        return headers_add(XREC(r)->arena, &XREC(r)->headers, name,
                           CSCHEMA(schema), value);
}

void abi_xrecord_header_remove(connectd_xrecord_t *r, const char *name)
{
        if (r && name)
                headers_remove(&XREC(r)->headers, name);
}

int abi_xrecord_is_sink(const connectd_xrecord_t *r)
{
        return r ? CXREC(r)->is_sink != 0 : 0;
}

int64_t abi_xrecord_offset(const connectd_xrecord_t *r)
{
        return r && CXREC(r)->is_sink ? CXREC(r)->offset : -1;
}

connectd_timestamp_type_t abi_xrecord_timestamp_type(
        const connectd_xrecord_t *r)
{
        if (!r || !CXREC(r)->is_sink ||
            CXREC(r)->timestamp_type < CONNECTD_TS_NONE ||
            CXREC(r)->timestamp_type > CONNECTD_TS_LOG_APPEND_TIME)
                return CONNECTD_TS_NONE;
        return (connectd_timestamp_type_t)CXREC(r)->timestamp_type;
}
