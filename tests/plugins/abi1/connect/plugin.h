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
 * errstr and return -1. `value` is NULL when the key is absent. */
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
        /* Only on maps the plugin obtained from task_config_add. Copies. */
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
        /* -- add new functions at the end only -- */
} connectd_host_t;

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
