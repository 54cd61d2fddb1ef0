/*
 * record — the Connect data model in C: values, records and batches.
 *
 * Owns: the per-batch arena. A source task fills one batch per poll through
 * the host functions (record_add, value_*, struct_put); every value, string
 * and record lives in the batch's arena and is released all at once by
 * batch_reset(), so the hot path does no per-record malloc once the arena
 * has grown to its working size. A batch is used by one thread at a time.
 *
 * The struct bodies are internal: plugins see only the opaque handles of
 * api/connect/plugin.h and the host accessors implemented here.
 */
#ifndef CONNECTD_RECORD_H
#define CONNECTD_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "connect/plugin.h"
#include "data.h"

/* Bump allocator made of chunks; reset keeps the first chunk(s) for reuse. */
typedef struct arena arena_t;
arena_t *arena_new(size_t chunk_size);
void *arena_alloc(arena_t *a, size_t size);   /* 8-byte aligned; NULL on OOM */
char *arena_strndup(arena_t *a, const char *s, size_t len); /* NUL-ended */
void arena_reset(arena_t *a);
void arena_destroy(arena_t *a);

/* A STRUCT's field, a MAP's entry (key set; name too when the key is a
 * string) or an ARRAY's item (name and key NULL). See data.h. */
typedef struct value_field {
        const char *name;
        size_t name_len;
        connectd_value_t *key;             /* MAP only */
        connectd_value_t *value;
        struct value_field *next;
} value_field_t;

struct connectd_value {
        connectd_value_type_t type;
        const char *schema_name;           /* STRUCT built by a plugin, may
                                            * be NULL */
        const connect_schema_t *schema;    /* STRUCT: its schema, NULL for a
                                            * schemaless object */
        union {
                struct { const char *ptr; size_t len; } s; /* STRING, BYTES */
                int64_t i;          /* INT8..INT64, BOOLEAN */
                double d;           /* FLOAT32, FLOAT64 */
                struct { value_field_t *head, *tail; size_t count; } st;
                                    /* STRUCT, MAP, ARRAY */
        } u;
};

struct connectd_record {
        const char *topic;
        int topic_slot;                     /* index in batch->topics, or
                                             * BATCH_TOPICS: not slotted */
        int32_t partition;                  /* -1: partitioner decides */
        connectd_value_t *key;              /* NULL means a null key */
        connectd_value_t *value;            /* NULL means a null value */
        const char *value_json;             /* value as JSON text (the
                                             * batch's value_json_ok), or
                                             * NULL: value above */
        size_t value_json_len;
        const connect_schema_t *key_schema; /* NULL: schemaless */
        const connect_schema_t *value_schema;
        int has_timestamp;
        int64_t timestamp;                  /* ms since the epoch */
        header_list_t headers;
        const char *source_partition;       /* JSON text or NULL */
        const char *source_offset;          /* JSON text or NULL */
        struct connectd_record *next;
        struct connectd_batch *batch;
};

#define BATCH_TOPICS 8

struct connectd_batch {
        arena_t *arena;
        struct connectd_record *head, *tail;
        size_t count;
        /* The batch's topic names, each copied once: records of one topic
         * share a pointer, so the runner can match them by address. */
        const char *topics[BATCH_TOPICS];
        int ntopics;
        /* Set by the runner (kept across batch_reset): values may be given
         * as JSON text, which goes to Kafka as it is (the value converter
         * is JsonConverter with schemas.enable=false, no transforms). */
        int value_json_ok;
};

typedef struct connectd_batch batch_t;
batch_t *batch_new(void);
void batch_reset(batch_t *b);
void batch_destroy(batch_t *b);

/* Sink records: decoded by the converters into an arena. */
struct connectd_sink_record {
        const char *topic;
        int32_t partition;
        int64_t offset;
        int64_t timestamp;                  /* -1: none */
        int timestamp_type;                 /* 0 none, 1 CreateTime,
                                             * 2 LogAppendTime */
        const connect_schema_t *key_schema; /* NULL: schemaless */
        const connect_schema_t *value_schema;
        const connectd_value_t *key;
        const connectd_value_t *value;
        header_list_t headers;
};

/* Host-table entries (see plugin.h for their contracts). */
connectd_record_t *record_add(connectd_batch_t *batch, const char *topic);
void record_set_partition(connectd_record_t *rec, int32_t partition);
int record_set_source(connectd_record_t *rec, const char *partition_json,
                      const char *offset_json);
void record_set_key(connectd_record_t *rec, connectd_value_t *key);
void record_set_value(connectd_record_t *rec, connectd_value_t *value);
int batch_value_json_ok(const connectd_batch_t *batch);
/* The value as JSON text (copied into the batch's arena); only when the
 * batch's value_json_ok. 0, or -1 (not allowed, or out of memory). */
int record_set_value_json(connectd_record_t *rec, const char *json,
                          size_t len);
connectd_value_t *value_null(connectd_record_t *rec);
connectd_value_t *value_string(connectd_record_t *rec, const char *s, size_t len);
connectd_value_t *value_bytes(connectd_record_t *rec, const void *p, size_t len);
connectd_value_t *value_int64(connectd_record_t *rec, int64_t v);
connectd_value_t *value_float64(connectd_record_t *rec, double v);
connectd_value_t *value_boolean(connectd_record_t *rec, int v);
connectd_value_t *value_struct(connectd_record_t *rec, const char *schema_name);
int struct_put(connectd_record_t *rec, connectd_value_t *st, const char *field,
               connectd_value_t *v);
connectd_value_type_t value_type(const connectd_value_t *v);
const char *value_data(const connectd_value_t *v, size_t *len);
int64_t value_int(const connectd_value_t *v);
double value_double(const connectd_value_t *v);
size_t struct_count(const connectd_value_t *v);
const connectd_value_t *struct_field(const connectd_value_t *v, size_t i,
                                     const char **name);
size_t value_to_text(const connectd_value_t *v, char *buf, size_t bufsize);
/* value_to_text with the value's schema (NULL: none), which tells logical
 * types apart (Date/Time/Timestamp print like java.util.Date.toString in
 * UTC, Decimal like BigDecimal.toString) and gives a STRUCT without its
 * own schema one. */
size_t value_to_text_schema(const connect_schema_t *schema,
                            const connectd_value_t *v, char *buf,
                            size_t bufsize);
const char *sink_record_topic(const connectd_sink_record_t *r);
int32_t sink_record_partition(const connectd_sink_record_t *r);
int64_t sink_record_offset(const connectd_sink_record_t *r);
int64_t sink_record_timestamp(const connectd_sink_record_t *r);
const connectd_value_t *sink_record_key(const connectd_sink_record_t *r);
const connectd_value_t *sink_record_value(const connectd_sink_record_t *r);

#endif
