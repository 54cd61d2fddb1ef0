/*
 * data — Kafka Connect's data model for the record pipeline: schemas,
 * values of every Connect type, headers, and the record view that
 * transforms, predicates and converters work on.
 *
 * DESIGN
 * Everything here lives in an arena (record.h): the batch's for source
 * records, the sink task's per-poll arena for sink records. Nothing is
 * freed one by one and nothing is shared between records, so a transform
 * builds its result (new values, new schemas) in the record's arena and
 * never copies what it does not change: values and schemas are immutable
 * once they are reachable from a record.
 *
 * Values (struct connectd_value, record.h) keep the plugin ABI's shape:
 *  - INT8/16/32/64 and BOOLEAN in u.i, FLOAT32/64 in u.d (a FLOAT32 holds
 *    a value that is exactly a float);
 *  - STRING and BYTES in u.s (BYTES also for logical Decimal);
 *  - STRUCT, MAP and ARRAY as a list of value_field_t in u.st: a STRUCT's
 *    fields by name (in its schema's order when it has one), a MAP's
 *    entries with a key value (`key`; `name` also set when the key is a
 *    string), an ARRAY's items (name and key NULL);
 *  - a null is a NULL pointer or a CONNECTD_VAL_NULL value (value_is_null).
 * A STRUCT with `schema` NULL is a schemaless object (what Java holds as a
 * java.util.Map: JsonConverter with schemas.enable=false, or a struct a
 * plugin built without a schema); the transforms' "map" rules apply to it.
 * A STRUCT with a schema is a Connect Struct. MAP values appear only under
 * a MAP schema.
 *
 * Logical types are schemas with their Java name on INT32 (Date: days
 * since the epoch; Time: ms of the day), INT64 (Timestamp: epoch ms) and
 * BYTES (Decimal: two's-complement big-endian unscaled value, parameter
 * "scale").
 *
 * Threads: like the arena, one thread at a time.
 */
#ifndef CONNECTD_DATA_H
#define CONNECTD_DATA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "connect/plugin.h"

typedef struct arena arena_t;
typedef struct connect_schema connect_schema_t;
typedef struct value_field value_field_t;

#define LOGICAL_DATE "org.apache.kafka.connect.data.Date"
#define LOGICAL_TIME "org.apache.kafka.connect.data.Time"
#define LOGICAL_TIMESTAMP "org.apache.kafka.connect.data.Timestamp"
#define LOGICAL_DECIMAL "org.apache.kafka.connect.data.Decimal"

typedef struct schema_field {
        const char *name;
        const connect_schema_t *schema;
} schema_field_t;

typedef struct schema_param {
        const char *key, *value;
} schema_param_t;

struct connect_schema {
        connectd_value_type_t type;   /* never CONNECTD_VAL_NULL */
        int optional;
        const char *name;             /* NULL: none */
        int has_version;
        int32_t version;
        const char *doc;              /* NULL: none */
        const schema_param_t *params; /* in insertion order */
        size_t nparams;
        const connectd_value_t *default_value; /* NULL: no default */
        const schema_field_t *fields; /* STRUCT, in order */
        size_t nfields;
        const connect_schema_t *key_schema;   /* MAP */
        const connect_schema_t *value_schema; /* MAP and ARRAY */
};

/* Java's Schema constants: static, never freed. */
extern const connect_schema_t schema_int8, schema_int16, schema_int32,
        schema_int64, schema_float32, schema_float64, schema_boolean,
        schema_string, schema_bytes;
extern const connect_schema_t schema_opt_int8, schema_opt_int16,
        schema_opt_int32, schema_opt_int64, schema_opt_float32,
        schema_opt_float64, schema_opt_boolean, schema_opt_string,
        schema_opt_bytes;
/* The primitive schema of a type, required or optional; NULL for STRUCT,
 * MAP, ARRAY. */
const connect_schema_t *schema_primitive(connectd_value_type_t type,
                                         int optional);

/* ---- schemas -------------------------------------------------------- */

/* A new schema of `type`, all else zero (required, no name), in arena. */
connect_schema_t *schema_new(arena_t *a, connectd_value_type_t type);
/* A shallow copy (fields, params and default shared) to change. */
connect_schema_t *schema_copy(arena_t *a, const connect_schema_t *s);
/* Appends a field to a STRUCT schema being built (grows `fields`; the
 * field list is copied on growth, so build before sharing). 0, -1 out of
 * memory, -2 a duplicate name (Java's SchemaBuilderException "Cannot
 * create field because of field name duplication <f>"). */
int schema_add_field(arena_t *a, connect_schema_t *s, const char *name,
                     const connect_schema_t *field_schema);
int schema_add_param(arena_t *a, connect_schema_t *s, const char *key,
                     const char *value);
/* The field named `name` of a STRUCT schema, or NULL. */
const schema_field_t *schema_field(const connect_schema_t *s,
                                   const char *name);
const char *schema_param(const connect_schema_t *s, const char *key);
/* Java's Schema.Type name: "INT8" ... "STRUCT". */
const char *schema_type_name(connectd_value_type_t type);
/* 1 when s is the logical type `name` (LOGICAL_*). */
int schema_is_logical(const connect_schema_t *s, const char *name);

/* ---- values --------------------------------------------------------- */

int value_is_null(const connectd_value_t *v);
connectd_value_t *val_null(arena_t *a);
connectd_value_t *val_string(arena_t *a, const char *s, size_t len);
connectd_value_t *val_bytes(arena_t *a, const void *p, size_t len);
/* INT8/16/32/64 or BOOLEAN (i is stored as given; callers wrap). */
connectd_value_t *val_int(arena_t *a, connectd_value_type_t type,
                          int64_t i);
/* FLOAT32 (d rounded to float) or FLOAT64. */
connectd_value_t *val_float(arena_t *a, connectd_value_type_t type,
                            double d);
connectd_value_t *val_bool(arena_t *a, int b);
/* A STRUCT (schema may be NULL: a schemaless object), MAP or ARRAY with
 * no members yet. */
connectd_value_t *val_struct(arena_t *a, const connect_schema_t *schema);
connectd_value_t *val_map(arena_t *a);
connectd_value_t *val_array(arena_t *a);
/* STRUCT/schemaless object: sets field `name` (replacing an existing one
 * in place, else appending). v NULL stores a null. 0 or -1 (OOM). */
int val_put(arena_t *a, connectd_value_t *st, const char *name,
            connectd_value_t *v);
/* Removes field `name` if present. */
void val_del(connectd_value_t *st, const char *name);
/* MAP: appends an entry. ARRAY: appends an item (key must be NULL). */
int val_append(arena_t *a, connectd_value_t *c, connectd_value_t *key,
               connectd_value_t *v);
/* STRUCT/schemaless object: the field's value (NULL when missing or
 * null); *found (may be NULL) tells the two apart. */
connectd_value_t *val_get(const connectd_value_t *st, const char *name,
                          int *found);
/* val_get for reading a STRUCT's fields in schema order: *cursor (NULL at
 * the start) is tried first and moves past the member found, so a struct
 * whose members are in schema order is read in linear time. Returns what
 * val_get returns (NULL when missing or null). */
connectd_value_t *val_get_next(const connectd_value_t *st, const char *name,
                               const value_field_t **cursor);
/* A copy of a STRUCT/MAP/ARRAY's member list (members shared), to change
 * without touching the original. */
connectd_value_t *val_shallow_copy(arena_t *a, const connectd_value_t *v);
/* Deep equality (type, members, bytes; doubles by bit pattern). */
int val_equal(const connectd_value_t *x, const connectd_value_t *y);

/* Java's class name of a value as Connect hands it to a transform:
 * "java.lang.String", "java.lang.Long", "java.lang.Integer",
 * "java.lang.Short", "java.lang.Byte", "java.lang.Float",
 * "java.lang.Double", "java.lang.Boolean", "[B", "java.util.HashMap"
 * (schemaless object / MAP), "java.util.ArrayList",
 * "org.apache.kafka.connect.data.Struct", "java.util.Date" (a logical
 * Date/Time/Timestamp under `schema`, or value_is_date_object); "null"
 * for a null. */
const char *value_java_class(const connectd_value_t *v,
                             const connect_schema_t *schema);
/* 1 when v is a java.util.Date outside any schema: an INT64 (epoch ms)
 * tagged with the logical Date/Time/Timestamp name in schema_name, as
 * TimestampConverter produces without a schema. Connect's data API has
 * no schema type for it (converters refuse or print it as Java does). */
int value_is_date_object(const connectd_value_t *v);

/* ---- headers -------------------------------------------------------- */

typedef struct connect_header {
        const char *name;
        const connect_schema_t *schema; /* NULL: none */
        connectd_value_t *value;        /* NULL: null */
        struct connect_header *next;
} connect_header_t;

typedef struct header_list {
        connect_header_t *head, *tail;
        size_t count;
} header_list_t;

/* Appends (names may repeat). 0 or -1 (OOM). */
int headers_add(arena_t *a, header_list_t *h, const char *name,
                const connect_schema_t *schema, connectd_value_t *value);
/* Removes every header named `name`. */
void headers_remove(header_list_t *h, const char *name);
/* The last header named `name` (Java's lastWithName), or NULL. */
const connect_header_t *headers_last(const header_list_t *h,
                                     const char *name);

/* ---- the record as transforms see it -------------------------------- */

/* A record between the connector and Kafka: what Java's ConnectRecord
 * holds. The runner fills it from a source record or a consumed message,
 * runs the chain on it and uses what comes out. Everything hangs off
 * `arena`. */
typedef struct xrecord {
        const char *topic;
        int32_t partition;              /* -1: none */
        const connect_schema_t *key_schema;   /* NULL: schemaless */
        connectd_value_t *key;                /* NULL: null */
        const connect_schema_t *value_schema;
        connectd_value_t *value;
        int has_timestamp;
        int64_t timestamp;              /* ms since the epoch */
        header_list_t headers;
        int is_sink;                    /* a SinkRecord (else SourceRecord) */
        int64_t offset;                 /* sink: the Kafka offset */
        int timestamp_type;             /* sink: 0 none, 1 CreateTime,
                                         * 2 LogAppendTime */
        arena_t *arena;
        /* For xrecord_text only (may stay unset): a source record's
         * partition and offset maps as JSON text (NULL: null); a sink
         * record's topic, partition and offset before any transform
         * (original_topic NULL: the current ones). */
        const char *source_partition, *source_offset;
        const char *original_topic;
        int32_t original_partition;
        int64_t original_offset;
} xrecord_t;

/* Java's toString of the record, for messages ("Timestamp missing on
 * record: ...", the error log's source record text): SourceRecord's
 * "SourceRecord{sourcePartition={..}, sourceOffset={..}} ConnectRecord{
 * topic='t', kafkaPartition=null, key=.., value=.., timestamp=..,
 * headers=ConnectHeaders(headers=..)}" or SinkRecord's "SinkRecord{
 * kafkaOffset=5, timestampType=CreateTime, originalTopic=t,
 * originalKafkaPartition=0, originalKafkaOffset=5} ConnectRecord{...}",
 * values as value_to_text_schema prints them. malloc'd; NULL if out of
 * memory. */
char *xrecord_text(const xrecord_t *r);

/* ---- errors ---------------------------------------------------------- */

#define XERR_DATA "org.apache.kafka.connect.errors.DataException"
#define XERR_CONNECT "org.apache.kafka.connect.errors.ConnectException"
#define XERR_RETRIABLE "org.apache.kafka.connect.errors.RetriableException"
#define XERR_SCHEMA_BUILDER \
        "org.apache.kafka.connect.errors.SchemaBuilderException"
#define XERR_CONFIG "org.apache.kafka.common.config.ConfigException"
#define XERR_IAE "java.lang.IllegalArgumentException"
#define XERR_NPE "java.lang.NullPointerException"

/* An error as Java would have thrown it: the exception class, its message,
 * and whether it is retriable (RetriableException and subclasses). */
typedef struct xerr {
        char cls[128];
        char msg[1024];
        int retriable;
} xerr_t;

void xerr_set(xerr_t *e, const char *cls, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
void xerr_vset(xerr_t *e, const char *cls, const char *fmt, va_list ap);

#endif
