/*
 * connectd plugin ABI — the one header a connector plugin is written against.
 *
 * A plugin is a shared object in a `plugin.path` directory that exports one
 * function, CONNECTD_PLUGIN_ENTRY ("connectd_plugin_init"). The worker calls
 * it once with the host's function table; the plugin keeps the table pointer
 * and registers one or more connector descriptors through it. Built-in
 * connectors register through the very same descriptor type, only their init
 * function has another name and is called directly.
 *
 * Compatibility promise (see README "Writing a plugin"):
 *  - CONNECTD_ABI_VERSION grows only when a change would break an existing
 *    plugin; a plugin whose descriptor names a newer ABI than the worker's is
 *    refused with a clear message, an older one keeps loading.
 *  - Structs crossing the boundary start with abi_version and struct_size
 *    and only ever grow at the end ("added in ABI N" comments). The host reads
 *    a field only when struct_size says the plugin's struct has it.
 *  - Host functions are only ever appended to connectd_host_t.
 *
 * Ownership: plugins never free anything the host hands them and never keep
 * pointers into host memory past the call that gave them, unless a comment
 * says otherwise. Plugin state (`void *state`) is the plugin's own.
 *
 * Threads: a connector's start/task_configs/stop run on the connector's own
 * thread; each task's callbacks run on that task's thread, never two at once.
 * Callbacks may block, but a task's poll/put should return within about a
 * second (use host->sleep, which wakes early when the task is asked to stop);
 * one that does not return within task.shutdown.graceful.timeout.ms of a stop
 * request is abandoned and the task marked FAILED.
 */
#ifndef CONNECTD_PLUGIN_H
#define CONNECTD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CONNECTD_ABI_VERSION 1

/* Name of the symbol a plugin shared object must export. */
#define CONNECTD_PLUGIN_ENTRY "connectd_plugin_init"

/* Opaque handles. */
typedef struct connectd_ctx connectd_ctx_t;       /* a connector or task */
typedef struct connectd_config connectd_config_t; /* string -> string map */
typedef struct connectd_registry connectd_registry_t;
typedef struct connectd_task_configs connectd_task_configs_t;
typedef struct connectd_validation connectd_validation_t;
typedef struct connectd_batch connectd_batch_t;   /* records being produced */
typedef struct connectd_record connectd_record_t; /* one record in a batch */
typedef struct connectd_value connectd_value_t;   /* Connect data value */
typedef struct connectd_sink_record connectd_sink_record_t;
struct connectd_connector_desc;
/* added with the record pipeline (host struct_size tells, see
 * CONNECTD_HOST_HAS): */
typedef struct connectd_schema connectd_schema_t; /* Connect schema */
typedef struct connectd_arena connectd_arena_t;   /* where values live */
typedef struct connectd_xrecord connectd_xrecord_t; /* record in a transform */
struct connectd_transform_desc;
struct connectd_config_provider_desc;

typedef enum {
        CONNECTD_SOURCE = 1,
        CONNECTD_SINK   = 2
} connectd_connector_type_t;

typedef enum {
        CONNECTD_LOG_ERROR = 3,
        CONNECTD_LOG_WARN  = 4,
        CONNECTD_LOG_INFO  = 6,
        CONNECTD_LOG_DEBUG = 7,
        CONNECTD_LOG_TRACE = 8
} connectd_log_level_t;

/* Config definition table: feeds /connector-plugins/{p}/config, validation
 * and defaults. Types and importance use Kafka's ConfigDef names. */
typedef enum {
        CONNECTD_CFG_STRING = 0,
        CONNECTD_CFG_BOOLEAN,
        CONNECTD_CFG_INT,
        CONNECTD_CFG_SHORT,
        CONNECTD_CFG_LONG,
        CONNECTD_CFG_DOUBLE,
        CONNECTD_CFG_LIST,
        CONNECTD_CFG_CLASS,
        CONNECTD_CFG_PASSWORD
} connectd_cfg_type_t;

typedef enum {
        CONNECTD_IMPORTANCE_HIGH = 0,
        CONNECTD_IMPORTANCE_MEDIUM,
        CONNECTD_IMPORTANCE_LOW
} connectd_importance_t;

typedef enum {
        CONNECTD_WIDTH_NONE = 0,
        CONNECTD_WIDTH_SHORT,
        CONNECTD_WIDTH_MEDIUM,
        CONNECTD_WIDTH_LONG
} connectd_width_t;

/* Optional per-key validator, run after the type check. Return 0 when the
 * value is fine, else write the reason ("Value must be at least 1") to
 * errstr and return -1: the error reads "Invalid value <v> for
 * configuration <name>: <reason>". Return CONNECTD_VALIDATOR_MESSAGE
 * instead when errstr is the whole error message (Java's
 * `new ConfigException(message)`). `value` is NULL when the key is
 * absent. */
#define CONNECTD_VALIDATOR_MESSAGE (-2)
typedef int (*connectd_validator_fn)(const char *name, const char *value,
                                     char *errstr, size_t errstr_size);

typedef struct connectd_config_def {
        const char *name;              /* NULL terminates a table */
        connectd_cfg_type_t type;
        const char *default_value;     /* NULL: required unless optional */
        connectd_importance_t importance;
        const char *documentation;
        const char *group;             /* may be NULL */
        int order;                     /* order in group, -1 if none */
        connectd_width_t width;
        const char *display_name;      /* NULL: the key name */
        connectd_validator_fn validator; /* may be NULL */
        /* 1: not required although default_value is NULL (Kafka's
         * `define(name, type, null, ...)`: the default is null). */
        int optional;
} connectd_config_def_t;

/* Value types of the Connect data model the converters understand. */
typedef enum {
        CONNECTD_VAL_NULL = 0,
        CONNECTD_VAL_STRING,
        CONNECTD_VAL_BYTES,
        CONNECTD_VAL_INT64,
        CONNECTD_VAL_FLOAT64,
        CONNECTD_VAL_BOOLEAN,
        CONNECTD_VAL_STRUCT,
        /* added in ABI 1, second edition (host struct_size tells): */
        CONNECTD_VAL_INT8,
        CONNECTD_VAL_INT16,
        CONNECTD_VAL_INT32,
        CONNECTD_VAL_FLOAT32,
        CONNECTD_VAL_ARRAY,
        CONNECTD_VAL_MAP
} connectd_value_type_t;

/* A sink record's timestamp type (Kafka's TimestampType). */
typedef enum {
        CONNECTD_TS_NONE = 0,
        CONNECTD_TS_CREATE_TIME = 1,
        CONNECTD_TS_LOG_APPEND_TIME = 2
} connectd_timestamp_type_t;

/*
 * The host's function table. Handed to the plugin's init function; valid for
 * the life of the process. Every function is thread-safe unless noted.
 */
typedef struct connectd_host {
        uint32_t abi_version; /* the worker's CONNECTD_ABI_VERSION */
        uint32_t struct_size; /* sizeof(connectd_host_t) in the worker */

        /* Register a descriptor (copied; `desc` may be static). Returns 0, or
         * -1 with the reason logged (wrong ABI, duplicate class name, ...). */
        int (*register_connector)(connectd_registry_t *reg,
                                  const struct connectd_connector_desc *desc);

        /* Logging, with the connector/task context of `ctx` (may be NULL). */
        void (*log)(connectd_ctx_t *ctx, connectd_log_level_t level,
                    const char *fmt, ...)
#if defined(__GNUC__)
                __attribute__((format(printf, 3, 4)))
#endif
                ;
        /* The connector name and task id (-1 for the connector) of ctx. */
        const char *(*ctx_name)(connectd_ctx_t *ctx);
        int (*ctx_task_id)(connectd_ctx_t *ctx);

        /* Config maps. Values returned stay valid while the map does. */
        const char *(*config_get)(const connectd_config_t *cfg,
                                  const char *key);
        size_t (*config_count)(const connectd_config_t *cfg);
        /* i-th entry in insertion order; returns -1 past the end. */
        int (*config_entry)(const connectd_config_t *cfg, size_t i,
                            const char **key, const char **value);
        /* Only on maps the plugin obtained from task_config_add, or the
         * `out` map of a config provider's get. Copies. */
        int (*config_set)(connectd_config_t *cfg, const char *key,
                          const char *value);

        /* task_configs(): append one task config (an empty map, owned by
         * the host) and return it for the plugin to fill with config_set. */
        connectd_config_t *(*task_config_add)(connectd_task_configs_t *out);

        /* validate(): report an error on a config key. */
        void (*validation_error)(connectd_validation_t *v, const char *key,
                                 const char *fmt, ...)
#if defined(__GNUC__)
                __attribute__((format(printf, 3, 4)))
#endif
                ;

        /* Sleep up to `ms`; returns early with 1 when the task or connector
         * is being stopped or paused, else 0. Use it instead of sleep(). */
        int (*sleep)(connectd_ctx_t *ctx, int64_t ms);
        /* 1 when the task/connector has been asked to stop. */
        int (*should_stop)(connectd_ctx_t *ctx);

        /* Source offsets: copy the last committed offset (a flat JSON object
         * text) for `partition_json` into buf. Returns its length (which may
         * be >= bufsize: then it was truncated), or -1 when there is none. */
        int (*offset_get)(connectd_ctx_t *ctx, const char *partition_json,
                          char *buf, size_t bufsize);

        /* Source poll(): records. All memory belongs to the batch and lives
         * until the batch has been produced; the plugin frees none of it. */
        connectd_record_t *(*record_add)(connectd_batch_t *batch,
                                         const char *topic);
        /* Kafka partition, or -1 (default) for the producer's partitioner. */
        void (*record_set_partition)(connectd_record_t *rec,
                                     int32_t partition);
        /* Source partition and offset as flat JSON objects (copied), e.g.
         * {"filename":"a.txt"} and {"position":42}. Optional. */
        int (*record_set_source)(connectd_record_t *rec,
                                 const char *partition_json,
                                 const char *offset_json);
        void (*record_set_key)(connectd_record_t *rec,
                               connectd_value_t *key);
        void (*record_set_value)(connectd_record_t *rec,
                                 connectd_value_t *value);

        /* Values, allocated in the batch of `rec`. Strings are copied. A
         * struct is built by value_struct() then struct_put() per field, in
         * the order the fields should be written. */
        connectd_value_t *(*value_null)(connectd_record_t *rec);
        connectd_value_t *(*value_string)(connectd_record_t *rec,
                                          const char *s, size_t len);
        connectd_value_t *(*value_bytes)(connectd_record_t *rec,
                                         const void *p, size_t len);
        connectd_value_t *(*value_int64)(connectd_record_t *rec, int64_t v);
        connectd_value_t *(*value_float64)(connectd_record_t *rec, double v);
        connectd_value_t *(*value_boolean)(connectd_record_t *rec, int v);
        connectd_value_t *(*value_struct)(connectd_record_t *rec,
                                          const char *schema_name);
        int (*struct_put)(connectd_record_t *rec, connectd_value_t *st,
                          const char *field, connectd_value_t *v);

        /* Reading values (sink put(), or a value the plugin built). */
        connectd_value_type_t (*value_type)(const connectd_value_t *v);
        /* STRING/BYTES: pointer and length; NULL for other types. */
        const char *(*value_data)(const connectd_value_t *v, size_t *len);
        int64_t (*value_int)(const connectd_value_t *v);
        double (*value_double)(const connectd_value_t *v);
        size_t (*struct_count)(const connectd_value_t *v);
        const connectd_value_t *(*struct_field)(const connectd_value_t *v,
                                                size_t i,
                                                const char **name);
        /* Text form like Java's toString(): strings as is, numbers in
         * decimal, Struct{a=x,b=y}, "null". Returns the full length;
         * writes at most bufsize-1 bytes plus a NUL. */
        size_t (*value_to_text)(const connectd_value_t *v, char *buf,
                                size_t bufsize);

        /* Sink records handed to put(). */
        const char *(*sink_record_topic)(const connectd_sink_record_t *r);
        int32_t (*sink_record_partition)(const connectd_sink_record_t *r);
        int64_t (*sink_record_offset)(const connectd_sink_record_t *r);
        int64_t (*sink_record_timestamp)(const connectd_sink_record_t *r);
        const connectd_value_t *(*sink_record_key)(
                const connectd_sink_record_t *r);
        const connectd_value_t *(*sink_record_value)(
                const connectd_sink_record_t *r);

        /* Memory for plugin use that the host may also free (e.g. nothing
         * today); provided so plugins need not agree with us on a libc. */
        void *(*alloc)(size_t size);
        void (*free)(void *p);

        /* records: headers, timestamps, schemas (added with the record pipeline) */

        /* Arenas. Every value, schema and header of a record lives in an
         * arena and is freed with it, never one by one. record_arena is
         * the batch's (source poll: lives until the batch is produced);
         * xrecord_arena the record's in a transform. A plugin may own an
         * arena too, for schemas it builds once and reuses across batches
         * (arena_new at task_start, arena_destroy at task_stop). */
        connectd_arena_t *(*record_arena)(connectd_record_t *rec);
        connectd_arena_t *(*arena_new)(void);
        void (*arena_destroy)(connectd_arena_t *a);

        /* Schemas (Java's Schema/SchemaBuilder). schema_primitive returns
         * a static schema (INT8..FLOAT64, BOOLEAN, STRING, BYTES; NULL for
         * STRUCT, ARRAY, MAP). schema_new starts a schema of any type in
         * `a` (required, no name); set it up, add a STRUCT's fields in
         * order, then use it: a schema is not changed once a record or
         * value refers to it. ARRAY: schema_new then schema_set_items
         * (key NULL); MAP: both. -1 on a bad argument or out of memory;
         * schema_add_field -2 on a duplicate field name. */
        const connectd_schema_t *(*schema_primitive)(
                connectd_value_type_t type, int optional);
        connectd_schema_t *(*schema_new)(connectd_arena_t *a,
                                         connectd_value_type_t type);
        int (*schema_set_name)(connectd_arena_t *a, connectd_schema_t *s,
                               const char *name);
        void (*schema_set_version)(connectd_schema_t *s, int32_t version);
        void (*schema_set_optional)(connectd_schema_t *s, int optional);
        int (*schema_set_param)(connectd_arena_t *a, connectd_schema_t *s,
                                const char *key, const char *value);
        int (*schema_add_field)(connectd_arena_t *a, connectd_schema_t *s,
                                const char *name,
                                const connectd_schema_t *field_schema);
        int (*schema_set_items)(connectd_schema_t *s,
                                const connectd_schema_t *key_schema,
                                const connectd_schema_t *value_schema);
        /* Reading schemas. schema_version returns 1 and sets *version
         * when the schema has one, else 0. schema_field: the i-th field's
         * schema and name, NULL past the end. schema_items: an ARRAY's
         * item schema or a MAP's value schema, *key_schema (may be NULL)
         * a MAP's key schema. */
        connectd_value_type_t (*schema_type)(const connectd_schema_t *s);
        const char *(*schema_name)(const connectd_schema_t *s);
        int (*schema_optional)(const connectd_schema_t *s);
        int (*schema_version)(const connectd_schema_t *s, int32_t *version);
        const char *(*schema_param)(const connectd_schema_t *s,
                                    const char *key);
        size_t (*schema_field_count)(const connectd_schema_t *s);
        const connectd_schema_t *(*schema_field)(const connectd_schema_t *s,
                                                 size_t i,
                                                 const char **name);
        const connectd_schema_t *(*schema_items)(
                const connectd_schema_t *s,
                const connectd_schema_t **key_schema);

        /* Values in an arena, every type. value_of_int: INT8, INT16, INT32,
         * INT64 or BOOLEAN (the value must fit the type); value_of_float:
         * FLOAT32 (rounded to float) or FLOAT64. value_of_struct: a STRUCT
         * with `schema` (NULL: a schemaless object, what JSON without
         * schemas gives), filled with value_put in the schema's field
         * order. value_of_array/value_of_map, filled with value_append
         * (key NULL for an array item). value_put replaces a field of that
         * name in place, else appends; a NULL value stores a null. */
        connectd_value_t *(*value_of_null)(connectd_arena_t *a);
        connectd_value_t *(*value_of_string)(connectd_arena_t *a,
                                             const char *s, size_t len);
        connectd_value_t *(*value_of_bytes)(connectd_arena_t *a,
                                            const void *p, size_t len);
        connectd_value_t *(*value_of_int)(connectd_arena_t *a,
                                          connectd_value_type_t type,
                                          int64_t v);
        connectd_value_t *(*value_of_float)(connectd_arena_t *a,
                                            connectd_value_type_t type,
                                            double v);
        connectd_value_t *(*value_of_struct)(connectd_arena_t *a,
                                             const connectd_schema_t *schema);
        connectd_value_t *(*value_of_array)(connectd_arena_t *a);
        connectd_value_t *(*value_of_map)(connectd_arena_t *a);
        int (*value_put)(connectd_arena_t *a, connectd_value_t *st,
                         const char *field, connectd_value_t *v);
        int (*value_append)(connectd_arena_t *a, connectd_value_t *c,
                            connectd_value_t *key, connectd_value_t *v);
        /* A copy of a STRUCT/ARRAY/MAP whose members may be changed with
         * value_put/value_append without touching the original (members
         * are shared); other values are returned as they are. A transform
         * changes a field this way: never modify a value it was given. */
        connectd_value_t *(*value_copy)(connectd_arena_t *a,
                                        const connectd_value_t *v);

        /* Reading values of every type. value_int above also reads INT8,
         * INT16, INT32 and value_double FLOAT32 (this table's entries do;
         * a host without this section returns 0 for them). value_count:
         * the members of a STRUCT, ARRAY or MAP (0 otherwise);
         * value_member: the i-th, with *name (a STRUCT's field, a MAP's
         * string key) and *key (a MAP's key), each may be NULL; NULL past
         * the end. value_get: a STRUCT's field by name (NULL when absent
         * or null). value_struct_schema: a STRUCT's schema (NULL for a
         * schemaless object). */
        size_t (*value_count)(const connectd_value_t *v);
        const connectd_value_t *(*value_member)(const connectd_value_t *v,
                                                size_t i, const char **name,
                                                const connectd_value_t **key);
        const connectd_value_t *(*value_get)(const connectd_value_t *st,
                                             const char *field);
        const connectd_schema_t *(*value_struct_schema)(
                const connectd_value_t *v);

        /* Source records (poll): timestamp (ms since the epoch; < 0: none,
         * the default, and Kafka stamps the produce time), headers
         * (appended in order, names may repeat; the name is copied, schema
         * may be NULL), and the schemas the converters write with the key
         * and value (NULL, the default: schemaless). */
        void (*record_set_timestamp)(connectd_record_t *rec, int64_t ms);
        int (*record_add_header)(connectd_record_t *rec, const char *name,
                                 const connectd_schema_t *schema,
                                 connectd_value_t *value);
        void (*record_set_key_schema)(connectd_record_t *rec,
                                      const connectd_schema_t *schema);
        void (*record_set_value_schema)(connectd_record_t *rec,
                                        const connectd_schema_t *schema);

        /* Sink records (put): headers in order (the i-th: its name, and
         * *schema and *value, each may be NULL; NULL past the end), the
         * timestamp type, and the schemas the converters read (NULL:
         * schemaless). */
        size_t (*sink_record_header_count)(const connectd_sink_record_t *r);
        const char *(*sink_record_header)(const connectd_sink_record_t *r,
                                          size_t i,
                                          const connectd_schema_t **schema,
                                          const connectd_value_t **value);
        connectd_timestamp_type_t (*sink_record_timestamp_type)(
                const connectd_sink_record_t *r);
        const connectd_schema_t *(*sink_record_key_schema)(
                const connectd_sink_record_t *r);
        const connectd_schema_t *(*sink_record_value_schema)(
                const connectd_sink_record_t *r);

        /* Custom transforms and predicates: register a descriptor (copied;
         * `desc` may be static), from the plugin's init function only, like
         * register_connector. 0, or -1 with the reason logged. */
        int (*register_transform)(connectd_registry_t *reg,
                                  const struct connectd_transform_desc *desc);

        /* The record a transform or predicate works on (Java's
         * ConnectRecord), during apply() only. Getters return what the
         * record holds now; setters replace it (a topic is copied; values,
         * schemas and header values must live in xrecord_arena(r) or
         * longer). Partition -1 and a timestamp < 0 mean none. Headers:
         * the i-th (as sink_record_header), add appends, remove drops
         * every header of that name. A sink record also has its Kafka
         * offset and timestamp type (read only); a source record offset -1
         * and CONNECTD_TS_NONE. */
        connectd_arena_t *(*xrecord_arena)(connectd_xrecord_t *r);
        const char *(*xrecord_topic)(const connectd_xrecord_t *r);
        int (*xrecord_set_topic)(connectd_xrecord_t *r, const char *topic);
        int32_t (*xrecord_partition)(const connectd_xrecord_t *r);
        void (*xrecord_set_partition)(connectd_xrecord_t *r,
                                      int32_t partition);
        const connectd_value_t *(*xrecord_key)(
                const connectd_xrecord_t *r,
                const connectd_schema_t **schema);
        const connectd_value_t *(*xrecord_value)(
                const connectd_xrecord_t *r,
                const connectd_schema_t **schema);
        void (*xrecord_set_key)(connectd_xrecord_t *r,
                                const connectd_schema_t *schema,
                                connectd_value_t *key);
        void (*xrecord_set_value)(connectd_xrecord_t *r,
                                  const connectd_schema_t *schema,
                                  connectd_value_t *value);
        int (*xrecord_timestamp)(const connectd_xrecord_t *r, int64_t *ms);
        void (*xrecord_set_timestamp)(connectd_xrecord_t *r, int64_t ms);
        size_t (*xrecord_header_count)(const connectd_xrecord_t *r);
        const char *(*xrecord_header)(const connectd_xrecord_t *r, size_t i,
                                      const connectd_schema_t **schema,
                                      const connectd_value_t **value);
        int (*xrecord_header_add)(connectd_xrecord_t *r, const char *name,
                                  const connectd_schema_t *schema,
                                  connectd_value_t *value);
        void (*xrecord_header_remove)(connectd_xrecord_t *r,
                                      const char *name);
        int (*xrecord_is_sink)(const connectd_xrecord_t *r);
        int64_t (*xrecord_offset)(const connectd_xrecord_t *r);
        connectd_timestamp_type_t (*xrecord_timestamp_type)(
                const connectd_xrecord_t *r);
        /* config providers (added with the record pipeline) */
        /* Register a config provider (copied; `desc` may be static), named
         * in a worker's config.providers.NAME.class by its class name, an
         * alias, its simple name, or the simple name without
         * "ConfigProvider". Check struct_size before calling: a worker
         * without it has a smaller table. Returns 0, or -1 with the reason
         * logged. */
        int (*register_config_provider)(
                connectd_registry_t *reg,
                const struct connectd_config_provider_desc *desc);
        /* schemaless JSON values (added for the produce fast path) */
        /* 1 when this poll's values may be given as JSON text with
         * record_set_value_json: the value converter is JsonConverter with
         * schemas.enable=false and no transform reads the record, so the
         * text goes to Kafka as it is, without a value tree. 0: build the
         * value as usual. Check struct_size before calling. */
        int (*batch_value_json_ok)(const connectd_batch_t *batch);
        /* The record's value as JSON text, written exactly as
         * JsonConverter would write the value (copied). Only when
         * batch_value_json_ok; replaces a value set before. 0 or -1. */
        int (*record_set_value_json)(connectd_record_t *rec, const char *json,
                                     size_t len);
        /* -- add new functions at the end only -- */
} connectd_host_t;

/* 1 when the worker's table has `fn` (a plugin built against a newer
 * header may run on an older worker): CONNECTD_HOST_HAS(host, record_arena). */
#define CONNECTD_HOST_HAS(host, fn)                                            \
        ((host)->struct_size >= offsetof(connectd_host_t, fn) +                \
                                        sizeof((host)->fn))

/*
 * A connector descriptor. Callbacks return 0 on success; on failure -1 with
 * a sentence in errstr (it becomes the connector's or task's trace).
 */
typedef struct connectd_connector_desc {
        uint32_t abi_version; /* CONNECTD_ABI_VERSION the plugin was built for */
        uint32_t struct_size; /* sizeof(connectd_connector_desc_t) */

        const char *class_name;      /* e.g. "com.example.MySourceConnector" */
        const char *const *aliases;  /* NULL-terminated, may be NULL */
        connectd_connector_type_t type;
        const char *version;         /* NULL: no version */
        const connectd_config_def_t *config_defs; /* name==NULL ends it */

        /* Extra validation beyond the definition table (may be NULL):
         * report problems with host->validation_error. */
        void (*validate)(const connectd_config_t *cfg,
                         connectd_validation_t *v);

        /* Connector lifecycle. */
        int (*start)(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                     void **statep, char *errstr, size_t errstr_size);
        int (*task_configs)(void *state, int max_tasks,
                            connectd_task_configs_t *out, char *errstr,
                            size_t errstr_size);
        void (*stop)(void *state);

        /* Task lifecycle. */
        int (*task_start)(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                          void **statep, char *errstr, size_t errstr_size);
        /* Source: add records to `batch`; return how many were added (0 is
         * fine: nothing now), or -1 on error. */
        int (*task_poll)(void *state, connectd_batch_t *batch, char *errstr,
                         size_t errstr_size);
        /* Source, optional: offsets up to the last delivered batch are now
         * committed. */
        void (*task_commit)(void *state);
        /* Sink: take `n` records; they live only during the call. */
        int (*task_put)(void *state, const connectd_sink_record_t *const *recs,
                        size_t n, char *errstr, size_t errstr_size);
        /* Sink: make everything put so far durable; offsets are committed to
         * Kafka only after this returns 0. */
        int (*task_flush)(void *state, char *errstr, size_t errstr_size);
        void (*task_stop)(void *state);
        /* -- added in ABI 1 end here; add new fields at the end only -- */
} connectd_connector_desc_t;

/*
 * A custom transformation (Java's Transformation) or predicate (Java's
 * Predicate), registered with host->register_transform; added with the
 * record pipeline. Connector configs name it by class_name in
 * `transforms.NAME.type` / `predicates.NAME.type`, like a built-in.
 *
 * configure() runs at task start for each use in a connector config, with
 * that use's own keys as Java passes them (the `transforms.NAME.` prefix
 * removed, `type` kept, `predicate` and `negate` left out) plus the
 * defaults of config_defs for absent keys, after the config_defs checks;
 * it returns 0 and its per-instance state in *statep, or -1 with the
 * reason in errstr (the task fails with it, as Java's ConfigException).
 * apply() runs on the task's thread for every record:
 *   transformation: CONNECTD_XFORM_KEEP (the record, possibly changed
 *                   through the xrecord setters), CONNECTD_XFORM_DROP;
 *   predicate:      1 (true) or 0 (false);
 *   either:         -1 with errstr set: the record fails (Java's
 *                   DataException, under errors.tolerance), or
 *                   CONNECTD_XFORM_RETRY: a retriable failure (Java's
 *                   RetriableException, retried under errors.retry.*).
 * close() ends the instance (task stop). apply() never sees another
 * instance's state, so state needs no locks.
 */
#define CONNECTD_XFORM_KEEP 0
#define CONNECTD_XFORM_DROP 1
#define CONNECTD_XFORM_RETRY (-2)

typedef enum {
        CONNECTD_TRANSFORMATION = 1,
        CONNECTD_PREDICATE = 2
} connectd_transform_kind_t;

typedef struct connectd_transform_desc {
        uint32_t abi_version; /* CONNECTD_ABI_VERSION the plugin was built for */
        uint32_t struct_size; /* sizeof(connectd_transform_desc_t) */

        const char *class_name;     /* e.g. "com.example.Uppercase" */
        connectd_transform_kind_t kind;
        const char *version;        /* NULL: no version */
        const char *doc;            /* overview text, may be NULL */
        const connectd_config_def_t *config_defs; /* name==NULL ends it */

        int (*configure)(const connectd_config_t *cfg, void **statep,
                         char *errstr, size_t errstr_size);
        int (*apply)(void *state, connectd_xrecord_t *r, char *errstr,
                     size_t errstr_size);
        void (*close)(void *state); /* may be NULL */
        /* -- add new fields at the end only -- */
} connectd_transform_desc_t;

#define CONNECTD_TRANSFORM_DESC_HEADER                                         \
        .abi_version = CONNECTD_ABI_VERSION,                                   \
        .struct_size = sizeof(connectd_transform_desc_t)

/*
 * A config provider (Kafka's ConfigProvider): resolves ${NAME:[PATH:]KEY}
 * references in connector configs and in the worker file. Registered with
 * host->register_config_provider from the plugin's init function.
 * configure and close run on the worker's main thread; get may run on any
 * thread, several at once (REST validation, connector and task starts), so
 * it must be thread-safe. Values are secrets: never log them.
 */
typedef struct connectd_config_provider_desc {
        uint32_t abi_version; /* CONNECTD_ABI_VERSION the plugin was built for */
        uint32_t struct_size; /* sizeof(connectd_config_provider_desc_t) */

        const char *class_name;      /* e.g. "com.example.VaultConfigProvider" */
        const char *const *aliases;  /* NULL-terminated, may be NULL */

        /* Once per configured name at worker start, with its
         * config.providers.NAME.param.* keys (prefix removed). A failure
         * stops the worker with errstr. */
        int (*configure)(const connectd_config_t *params, void **statep,
                         char *errstr, size_t errstr_size);
        /* The values of keys[0..nkeys) under `path` ("" when the reference
         * has none): host->config_set(out, key, value) for each key it
         * knows; a key left out keeps its reference as written. -1 with
         * errstr fails the validation or start that asked. */
        int (*get)(void *state, const char *path, const char *const *keys,
                   size_t nkeys, connectd_config_t *out, char *errstr,
                   size_t errstr_size);
        /* At worker shutdown (may be NULL). */
        void (*close)(void *state);
        /* -- add new fields at the end only -- */
} connectd_config_provider_desc_t;

#define CONNECTD_CONFIG_PROVIDER_DESC_HEADER                                   \
        .abi_version = CONNECTD_ABI_VERSION,                                   \
        .struct_size = sizeof(connectd_config_provider_desc_t)

/* The entry point every plugin exports under CONNECTD_PLUGIN_ENTRY.
 * Return 0, or -1 to refuse loading (log why through host->log). */
typedef int (*connectd_plugin_init_fn)(const connectd_host_t *host,
                                       connectd_registry_t *reg);

/* Convenience for filling a descriptor's header. */
#define CONNECTD_DESC_HEADER                                                   \
        .abi_version = CONNECTD_ABI_VERSION,                                   \
        .struct_size = sizeof(connectd_connector_desc_t)

#ifdef __cplusplus
}
#endif
#endif /* CONNECTD_PLUGIN_H */
