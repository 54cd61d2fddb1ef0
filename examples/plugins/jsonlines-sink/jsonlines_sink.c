/*
 * jsonlines_sink — an example connectd sink plugin: one JSON line per record.
 *
 * Class com.example.connectd.JsonLinesSinkConnector (alias JsonLinesSink).
 * Each record becomes {"topic":..,"partition":..,"offset":..,"key":..,
 * "value":..} on its own line of `file`. Strings, numbers, booleans and
 * null map to JSON directly, structs to objects, bytes to base64 strings
 * (as Kafka's JsonConverter writes them).
 *
 * Durability: put() only formats into a buffer (written out when it passes
 * 1 MiB); flush() writes the rest and fsync()s, and the worker commits the
 * consumer offsets only after flush() returned 0. So after a crash the file
 * holds at least everything committed (at-least-once; lines after the last
 * commit may repeat).
 *
 * Several tasks may share the file: it is opened O_APPEND and written in
 * whole lines, so lines of different tasks do not interleave.
 *
 * Written only against connect/plugin.h; build it out of tree with
 *   cc -shared -fPIC $(pkg-config --cflags connectd-plugin) \
 *      -o jsonlines_sink.so jsonlines_sink.c
 */
/* POSIX.1-2008 for O_CLOEXEC and fsync when built with plain -std=c11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connect/plugin.h"

#define JL_CLASS "com.example.connectd.JsonLinesSinkConnector"
#define JL_VERSION "1.0.0"
#define JL_WRITE_AT (1u << 20)        /* write out past 1 MiB */
#define JL_MAX_BUF (64u << 20)        /* ceiling: a 63 MiB record fails */
#define JL_MAX_DEPTH 32               /* nested structs */
#define JL_PATH_MAX 4096

static const connectd_host_t *host;

static const connectd_config_def_t jl_config_defs[] = {
        {.name = "file", .type = CONNECTD_CFG_STRING, .default_value = NULL,
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "File the JSON lines are appended to.",
         .order = -1, .width = CONNECTD_WIDTH_NONE},
        {.name = NULL}};

/* --- a small growable buffer with a ceiling --- */

typedef struct jbuf {
        char *p;
        size_t len, cap;
        int toobig;
} jbuf_t;

static int jb_reserve(jbuf_t *b, size_t more)
{
        size_t cap;
        char *p;

        if (b->toobig)
                return -1;
        if (b->len + more <= b->cap)
                return 0;
        if (b->len + more > JL_MAX_BUF) {
                b->toobig = 1;
                return -1;
        }
        cap = b->cap ? b->cap : 4096;
        while (cap < b->len + more)
                cap *= 2;
        if (cap > JL_MAX_BUF)
                cap = JL_MAX_BUF;
        if (!(p = realloc(b->p, cap))) {
                b->toobig = 1;
                return -1;
        }
        b->p = p;
        b->cap = cap;
        return 0;
}

static void jb_put(jbuf_t *b, const char *s, size_t n)
{
        if (jb_reserve(b, n) == 0) {
                memcpy(b->p + b->len, s, n);
                b->len += n;
        }
}

static void jb_puts(jbuf_t *b, const char *s)
{
        jb_put(b, s, strlen(s));
}

static void jb_printf(jbuf_t *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void jb_printf(jbuf_t *b, const char *fmt, ...)
{
        char tmp[128]; /* longest use: the partition/offset prefix, ~62 */
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        if (n > 0)
                jb_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n
                                                       : sizeof(tmp) - 1);
}

static void jb_string(jbuf_t *b, const char *s, size_t n)
{
        static const char hex[] = "0123456789abcdef";
        size_t i, run = 0;

        jb_put(b, "\"", 1);
        for (i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                char esc[6];

                if (c >= 0x20 && c != '"' && c != '\\')
                        continue;
                jb_put(b, s + run, i - run);
                run = i + 1;
                switch (c) {
                case '"': jb_put(b, "\\\"", 2); break;
                case '\\': jb_put(b, "\\\\", 2); break;
                case '\n': jb_put(b, "\\n", 2); break;
                case '\r': jb_put(b, "\\r", 2); break;
                case '\t': jb_put(b, "\\t", 2); break;
                default:
                        memcpy(esc, "\\u00", 4);
                        esc[4] = hex[c >> 4];
                        esc[5] = hex[c & 15];
                        jb_put(b, esc, 6);
                }
        }
        jb_put(b, s + run, n - run);
        jb_put(b, "\"", 1);
}

static void jb_base64(jbuf_t *b, const unsigned char *p, size_t n)
{
        static const char tbl[] =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t i;

        jb_put(b, "\"", 1);
        for (i = 0; i + 2 < n; i += 3) {
                char o[4] = {tbl[p[i] >> 2],
                             tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
                             tbl[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)],
                             tbl[p[i + 2] & 63]};
                jb_put(b, o, 4);
        }
        if (n - i == 1) {
                char o[4] = {tbl[p[i] >> 2], tbl[(p[i] & 3) << 4], '=', '='};
                jb_put(b, o, 4);
        } else if (n - i == 2) {
                char o[4] = {tbl[p[i] >> 2],
                             tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
                             tbl[(p[i + 1] & 15) << 2], '='};
                jb_put(b, o, 4);
        }
        jb_put(b, "\"", 1);
}

static void jb_value(jbuf_t *b, const connectd_value_t *v, int depth)
{
        const char *data;
        size_t len, i, cnt;
        double d;

        if (!v) {
                jb_puts(b, "null");
                return;
        }
        switch (host->value_type(v)) {
        case CONNECTD_VAL_STRING:
                data = host->value_data(v, &len);
                jb_string(b, data ? data : "", data ? len : 0);
                break;
        case CONNECTD_VAL_BYTES:
                data = host->value_data(v, &len);
                jb_base64(b, (const unsigned char *)data, data ? len : 0);
                break;
        case CONNECTD_VAL_INT64:
                jb_printf(b, "%" PRId64, host->value_int(v));
                break;
        case CONNECTD_VAL_FLOAT64:
                d = host->value_double(v);
                if (isnan(d))
                        jb_puts(b, "\"NaN\"");
                else if (isinf(d))
                        jb_puts(b, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
                else
                        jb_printf(b, "%.17g", d);
                break;
        case CONNECTD_VAL_BOOLEAN:
                jb_puts(b, host->value_int(v) ? "true" : "false");
                break;
        case CONNECTD_VAL_STRUCT:
                if (depth >= JL_MAX_DEPTH) {
                        jb_puts(b, "null");
                        break;
                }
                jb_put(b, "{", 1);
                cnt = host->struct_count(v);
                for (i = 0; i < cnt; i++) {
                        const char *name = NULL;
                        const connectd_value_t *f =
                                host->struct_field(v, i, &name);
                        if (i)
                                jb_put(b, ",", 1);
                        jb_string(b, name ? name : "",
                                  name ? strlen(name) : 0);
                        jb_put(b, ":", 1);
                        jb_value(b, f, depth + 1);
                }
                jb_put(b, "}", 1);
                break;
        case CONNECTD_VAL_NULL:
        default:
                jb_puts(b, "null");
        }
}

/* --- connector --- */

typedef struct jl_connector {
        char file[JL_PATH_MAX];
} jl_connector_t;

static int jl_read_file(const connectd_config_t *cfg, char *out, size_t n,
                        char *errstr, size_t errstr_size)
{
        const char *file = host->config_get(cfg, "file");

        if (!file || !*file) {
                snprintf(errstr, errstr_size, "Missing required configuration "
                         "\"file\" which has no default value.");
                return -1;
        }
        if (strlen(file) >= n) {
                snprintf(errstr, errstr_size, "file name is too long");
                return -1;
        }
        snprintf(out, n, "%s", file);
        return 0;
}

static int jl_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                    void **statep, char *errstr, size_t errstr_size)
{
        jl_connector_t *jc = calloc(1, sizeof(*jc));

        if (!jc) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (jl_read_file(cfg, jc->file, sizeof(jc->file), errstr,
                         errstr_size) == -1) {
                free(jc);
                return -1;
        }
        host->log(ctx, CONNECTD_LOG_INFO, "Writing JSON lines to %s",
                  jc->file);
        *statep = jc;
        return 0;
}

static int jl_task_configs(void *state, int max_tasks,
                           connectd_task_configs_t *out, char *errstr,
                           size_t errstr_size)
{
        jl_connector_t *jc = state;
        int i;

        for (i = 0; i < max_tasks; i++) {
                connectd_config_t *tc = host->task_config_add(out);
                if (!tc || host->config_set(tc, "file", jc->file) != 0) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
        }
        return 0;
}

static void jl_stop(void *state)
{
        free(state);
}

/* --- task --- */

typedef struct jl_task {
        connectd_ctx_t *ctx;
        char file[JL_PATH_MAX];
        int fd;
        jbuf_t buf;  /* formatted lines not yet written */
} jl_task_t;

static int jl_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                         void **statep, char *errstr, size_t errstr_size)
{
        jl_task_t *jt = calloc(1, sizeof(*jt));

        if (!jt) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        jt->ctx = ctx;
        if (jl_read_file(cfg, jt->file, sizeof(jt->file), errstr,
                         errstr_size) == -1)
                goto fail;
        jt->fd = open(jt->file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                      0644);
        if (jt->fd == -1) {
                snprintf(errstr, errstr_size, "cannot open %s: %s", jt->file,
                         strerror(errno));
                goto fail;
        }
        *statep = jt;
        return 0;
fail:
        free(jt);
        return -1;
}

/* Write out the buffered lines. */
static int jl_write_out(jl_task_t *jt, char *errstr, size_t errstr_size)
{
        size_t off = 0;

        while (off < jt->buf.len) {
                ssize_t n = write(jt->fd, jt->buf.p + off, jt->buf.len - off);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        snprintf(errstr, errstr_size, "write %s: %s", jt->file,
                                 strerror(errno));
                        /* keep what was not written for the next attempt */
                        memmove(jt->buf.p, jt->buf.p + off,
                                jt->buf.len - off);
                        jt->buf.len -= off;
                        return -1;
                }
                off += (size_t)n;
        }
        jt->buf.len = 0;
        return 0;
}

static int jl_task_put(void *state, const connectd_sink_record_t *const *recs,
                       size_t n, char *errstr, size_t errstr_size)
{
        jl_task_t *jt = state;
        size_t i;

        for (i = 0; i < n; i++) {
                const connectd_sink_record_t *r = recs[i];
                const char *topic = host->sink_record_topic(r);
                size_t mark = jt->buf.len;

                jb_puts(&jt->buf, "{\"topic\":");
                jb_string(&jt->buf, topic ? topic : "",
                          topic ? strlen(topic) : 0);
                jb_printf(&jt->buf, ",\"partition\":%" PRId32
                                    ",\"offset\":%" PRId64 ",\"key\":",
                          host->sink_record_partition(r),
                          host->sink_record_offset(r));
                jb_value(&jt->buf, host->sink_record_key(r), 0);
                jb_puts(&jt->buf, ",\"value\":");
                jb_value(&jt->buf, host->sink_record_value(r), 0);
                jb_puts(&jt->buf, "}\n");
                if (jt->buf.toobig) {
                        jt->buf.len = mark;
                        jt->buf.toobig = 0;
                        snprintf(errstr, errstr_size, "record %s-%" PRId32
                                 "@%" PRId64 " does not fit in %u MiB of JSON",
                                 topic ? topic : "",
                                 host->sink_record_partition(r),
                                 host->sink_record_offset(r),
                                 JL_MAX_BUF >> 20);
                        return -1;
                }
                if (jt->buf.len >= JL_WRITE_AT &&
                    jl_write_out(jt, errstr, errstr_size) == -1)
                        return -1;
        }
        return 0;
}

static int jl_task_flush(void *state, char *errstr, size_t errstr_size)
{
        jl_task_t *jt = state;

        if (jl_write_out(jt, errstr, errstr_size) == -1)
                return -1;
        if (fsync(jt->fd) == -1) {
                snprintf(errstr, errstr_size, "fsync %s: %s", jt->file,
                         strerror(errno));
                return -1;
        }
        return 0;
}

static void jl_task_stop(void *state)
{
        jl_task_t *jt = state;
        char errstr[256];

        /* Lines put after the last flush are written but not promised:
         * their offsets were not committed, so they will be delivered again. */
        if (jl_write_out(jt, errstr, sizeof(errstr)) == -1)
                host->log(jt->ctx, CONNECTD_LOG_WARN, "%s", errstr);
        close(jt->fd);
        free(jt->buf.p);
        free(jt);
}

static const char *const jl_aliases[] = {"JsonLinesSink", NULL};

static const connectd_connector_desc_t jl_desc = {
        CONNECTD_DESC_HEADER,
        .class_name = JL_CLASS,
        .aliases = jl_aliases,
        .type = CONNECTD_SINK,
        .version = JL_VERSION,
        .config_defs = jl_config_defs,
        .start = jl_start,
        .task_configs = jl_task_configs,
        .stop = jl_stop,
        .task_start = jl_task_start,
        .task_put = jl_task_put,
        .task_flush = jl_task_flush,
        .task_stop = jl_task_stop,
};

#define HOST_HAS(h, fn)                                                        \
        ((h)->struct_size >= offsetof(connectd_host_t, fn) + sizeof((h)->fn))

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        if (!HOST_HAS(h, sink_record_value))
                return -1;
        host = h;
        return host->register_connector(reg, &jl_desc);
}
