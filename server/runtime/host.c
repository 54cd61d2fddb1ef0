/*
 * host — the function table every plugin receives (api/connect/plugin.h).
 *
 * Maps each entry to the module that owns the behaviour: records and values
 * (record.c), config maps (cfgmap.c), validation (validate.c), registration
 * (plugins.c; transforms too), the record pipeline's schemas, values,
 * headers and transform records (record_abi.c), and here the few that need a task or connector context:
 * logging with the connector's logger, sleep/should_stop, offset reads.
 * Everything is thread-safe; a ctx is used only by its own thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canonical_json.h"
#include "cfgmap.h"
#include "mem.h"
#include "runtime.h"
#include "plugins.h"
#include "record.h"
#include "record_abi.h"
#include "validate.h"

static const log_level_t level_map[] = {
        [CONNECTD_LOG_ERROR] = LOG_LVL_ERROR,
        [CONNECTD_LOG_WARN] = LOG_LVL_WARN,
        [CONNECTD_LOG_INFO] = LOG_LVL_INFO,
        [CONNECTD_LOG_DEBUG] = LOG_LVL_DEBUG,
        [CONNECTD_LOG_TRACE] = LOG_LVL_TRACE,
};

LOG_MODULE_LOGGER(plugin_lg, "connectd.plugin")

static void host_log(connectd_ctx_t *ctx, connectd_log_level_t level,
                     const char *fmt, ...)
{
        logger_t *lg;
        log_level_t lvl = LOG_LVL_INFO;
        va_list ap;

        if ((unsigned)level < sizeof(level_map) / sizeof(level_map[0]) &&
            level_map[level])
                lvl = level_map[level];
        lg = ctx && ctx->lg ? ctx->lg : plugin_lg();
        if (!log_enabled(lg, lvl))
                return;
        va_start(ap, fmt);
        log_vwrite(lg, lvl, fmt, ap);
        va_end(ap);
}

static const char *host_ctx_name(connectd_ctx_t *ctx)
{
        if (!ctx)
                return NULL;
        return ctx->task ? ctx->task->conn_name : ctx->conn->name;
}

static int host_ctx_task_id(connectd_ctx_t *ctx)
{
        return ctx && ctx->task ? ctx->task->id : -1;
}

static connectd_config_t *host_task_config_add(connectd_task_configs_t *out)
{
        json_t *arr = (json_t *)out, *obj = json_object();

        if (!arr || !obj || json_array_append_new(arr, obj))
                return NULL;
        return (connectd_config_t *)obj;
}

static int task_interrupted(task_t *t)
{
        return atomic_load(&t->stop) || atomic_load(&t->paused) ||
               atomic_load(&t->doomed);
}

/* A connector's own calls (start, task_configs) run on its thread; a
 * delete or shutdown wakes them. Any pending change also ends the sleep
 * early, but only delete/shutdown count as "stop". */
static int conn_stopping_locked(connector_t *c)
{
        return c->deleted || c->h->stopping;
}

static int conn_sleep(connector_t *c, int64_t ms)
{
        struct timespec ts;
        herder_t *h = c->h;
        int r;

        deadline_in(&ts, ms);
        pthread_mutex_lock(&h->lock);
        while (ms > 0 && !conn_stopping_locked(c) && !c->dirty &&
               pthread_cond_timedwait(&c->cond, &h->lock, &ts) != ETIMEDOUT)
                ;
        r = conn_stopping_locked(c);
        pthread_mutex_unlock(&h->lock);
        return r;
}

static int host_sleep(connectd_ctx_t *ctx, int64_t ms)
{
        struct timespec ts;
        task_t *t = ctx ? ctx->task : NULL;
        int r;

        if (!ctx)
                return 0;
        if (!t)
                return conn_sleep(ctx->conn, ms);
        if (ms <= 0)
                return task_interrupted(t);
        /* A throttled task sleeps most of the time (mem.h). */
        if (ms >= MEM_IDLE_MS)
                mem_thread_idle();
        deadline_in(&ts, ms);
        pthread_mutex_lock(&t->mtx);
        while (!task_interrupted(t) &&
               pthread_cond_timedwait(&t->cond, &t->mtx, &ts) != ETIMEDOUT)
                ;
        r = task_interrupted(t);
        pthread_mutex_unlock(&t->mtx);
        if (ms >= MEM_IDLE_MS)
                mem_thread_busy();
        return r;
}

static int host_should_stop(connectd_ctx_t *ctx)
{
        if (!ctx)
                return 0;
        if (ctx->task)
                return atomic_load(&ctx->task->stop);
        {
                int r;
                pthread_mutex_lock(&ctx->conn->h->lock);
                r = conn_stopping_locked(ctx->conn);
                pthread_mutex_unlock(&ctx->conn->h->lock);
                return r;
        }
}

static int host_offset_get(connectd_ctx_t *ctx, const char *partition_json,
                           char *buf, size_t bufsize)
{
        char errstr[256];
        char *canon, *off = NULL;
        const char *name = host_ctx_name(ctx);
        herder_t *h;
        int len = -1;

        if (!ctx || !partition_json)
                return -1;
        h = ctx->task ? ctx->task->h : ctx->conn->h;
        canon = canonical_json(partition_json);
        if (!canon)
                return -1;
        if (offset_store_get(h->os, name, canon, &off, errstr,
                             sizeof(errstr)) == 0 && off) {
                len = (int)strlen(off);
                if (buf && bufsize)
                        snprintf(buf, bufsize, "%s", off);
        }
        free(off);
        free(canon);
        return len;
}

static void *host_alloc(size_t size)
{
        return malloc(size);
}

static void host_free(void *p)
{
        free(p);
}

const connectd_host_t connectd_host = {
        .abi_version = CONNECTD_ABI_VERSION,
        .struct_size = sizeof(connectd_host_t),
        .register_connector = plugins_register,
        .log = host_log,
        .ctx_name = host_ctx_name,
        .ctx_task_id = host_ctx_task_id,
        .config_get = cfgmap_get,
        .config_count = cfgmap_count,
        .config_entry = cfgmap_entry,
        .config_set = cfgmap_set,
        .task_config_add = host_task_config_add,
        .validation_error = validate_report,
        .sleep = host_sleep,
        .should_stop = host_should_stop,
        .offset_get = host_offset_get,
        .record_add = record_add,
        .record_set_partition = record_set_partition,
        .record_set_source = record_set_source,
        .record_set_key = record_set_key,
        .record_set_value = record_set_value,
        .value_null = value_null,
        .value_string = value_string,
        .value_bytes = value_bytes,
        .value_int64 = value_int64,
        .value_float64 = value_float64,
        .value_boolean = value_boolean,
        .value_struct = value_struct,
        .struct_put = struct_put,
        .value_type = value_type,
        .value_data = value_data,
        /* Read every integer and float type (record.c's predate INT8..32
         * and FLOAT32). */
        .value_int = value_int,
        .value_double = value_double,
        .struct_count = struct_count,
        .struct_field = struct_field,
        .value_to_text = value_to_text,
        .sink_record_topic = sink_record_topic,
        .sink_record_partition = sink_record_partition,
        .sink_record_offset = sink_record_offset,
        .sink_record_timestamp = sink_record_timestamp,
        .sink_record_key = sink_record_key,
        .sink_record_value = sink_record_value,
        .alloc = host_alloc,
        .free = host_free,
        /* records: headers, timestamps, schemas (added with the record
         * pipeline) */
        .record_arena = abi_record_arena,
        .arena_new = abi_arena_new,
        .arena_destroy = abi_arena_destroy,
        .schema_primitive = abi_schema_primitive,
        .schema_new = abi_schema_new,
        .schema_set_name = abi_schema_set_name,
        .schema_set_version = abi_schema_set_version,
        .schema_set_optional = abi_schema_set_optional,
        .schema_set_param = abi_schema_set_param,
        .schema_add_field = abi_schema_add_field,
        .schema_set_items = abi_schema_set_items,
        .schema_type = abi_schema_type,
        .schema_name = abi_schema_name,
        .schema_optional = abi_schema_optional,
        .schema_version = abi_schema_version,
        .schema_param = abi_schema_param,
        .schema_field_count = abi_schema_field_count,
        .schema_field = abi_schema_field,
        .schema_items = abi_schema_items,
        .value_of_null = abi_value_of_null,
        .value_of_string = abi_value_of_string,
        .value_of_bytes = abi_value_of_bytes,
        .value_of_int = abi_value_of_int,
        .value_of_float = abi_value_of_float,
        .value_of_struct = abi_value_of_struct,
        .value_of_array = abi_value_of_array,
        .value_of_map = abi_value_of_map,
        .value_put = abi_value_put,
        .value_append = abi_value_append,
        .value_copy = abi_value_copy,
        .value_count = abi_value_count,
        .value_member = abi_value_member,
        .value_get = abi_value_get,
        .value_struct_schema = abi_value_struct_schema,
        .record_set_timestamp = abi_record_set_timestamp,
        .record_add_header = abi_record_add_header,
        .record_set_key_schema = abi_record_set_key_schema,
        .record_set_value_schema = abi_record_set_value_schema,
        .sink_record_header_count = abi_sink_header_count,
        .sink_record_header = abi_sink_header,
        .sink_record_timestamp_type = abi_sink_timestamp_type,
        .sink_record_key_schema = abi_sink_key_schema,
        .sink_record_value_schema = abi_sink_value_schema,
        .register_transform = plugins_register_transform,
        .xrecord_arena = abi_xrecord_arena,
        .xrecord_topic = abi_xrecord_topic,
        .xrecord_set_topic = abi_xrecord_set_topic,
        .xrecord_partition = abi_xrecord_partition,
        .xrecord_set_partition = abi_xrecord_set_partition,
        .xrecord_key = abi_xrecord_key,
        .xrecord_value = abi_xrecord_value,
        .xrecord_set_key = abi_xrecord_set_key,
        .xrecord_set_value = abi_xrecord_set_value,
        .xrecord_timestamp = abi_xrecord_timestamp,
        .xrecord_set_timestamp = abi_xrecord_set_timestamp,
        .xrecord_header_count = abi_xrecord_header_count,
        .xrecord_header = abi_xrecord_header,
        .xrecord_header_add = abi_xrecord_header_add,
        .xrecord_header_remove = abi_xrecord_header_remove,
        .xrecord_is_sink = abi_xrecord_is_sink,
        .xrecord_offset = abi_xrecord_offset,
        .xrecord_timestamp_type = abi_xrecord_timestamp_type,
        /* config providers (added with the record pipeline) */
        .register_config_provider = plugins_register_provider,
        .batch_value_json_ok = batch_value_json_ok,
        .record_set_value_json = record_set_value_json,
};
