/*
 * Unit tests for server/runtime/plugins.c and the example plugins.
 *
 * Links only plugins.o from the core: this file provides what it needs
 * from elsewhere — a capturing stand-in for log_get/log_enabled/log_write,
 * stub built-ins (filestream/datagen init) and a small in-memory host table
 * (`connectd_host`) good enough to drive the example plugins' connector
 * and task callbacks. The plugins are real shared objects from the build
 * tree ($CONNECTD_BUILD_DIR/plugins and .../test-plugins).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "plugins.h"
#include "transform.h"

#ifndef CONNECTD_BUILD_DIR_DEFAULT
#define CONNECTD_BUILD_DIR_DEFAULT "."
#endif

/* ------------------------------------------------------------------ */
/* log stand-in: every line is kept for assertions                     */

static char logbuf[1 << 16];
static size_t loglen;

logger_t *log_get(const char *name)
{
        (void)name;
        return (logger_t *)logbuf; /* any non-NULL token */
}

int log_enabled(const logger_t *lg, log_level_t level)
{
        (void)lg;
        (void)level;
        return 1;
}

void log_write(logger_t *lg, log_level_t level, const char *fmt, ...)
{
        static const char *names[] = {"OFF", "FATAL", "ERROR", "WARN",
                                      "INFO", "DEBUG", "TRACE", "ALL"};
        char line[2048];
        va_list ap;
        int n;

        (void)lg;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        fprintf(stderr, "%s %s\n", names[level], line);
        n = snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "%s %s\n",
                     names[level], line);
        if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
                loglen += (size_t)n;
}

static int log_count(const char *needle)
{
        const char *p = logbuf;
        int n = 0;

        while ((p = strstr(p, needle))) {
                n++;
                p += strlen(needle);
        }
        return n;
}

/* Lines containing both a and b. */
static int log_lines_with(const char *a, const char *b)
{
        const char *p = logbuf;
        int n = 0;

        while (*p) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                char line[2048];

                snprintf(line, sizeof(line), "%.*s", (int)len, p);
                if (strstr(line, a) && strstr(line, b))
                        n++;
                p += len + (nl ? 1 : 0);
        }
        return n;
}

static void log_clear(void)
{
        loglen = 0;
        logbuf[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* a small host table                                                  */

#define T_MAX_KEYS 64
#define T_MAX_RECS 256
#define T_MAX_FIELDS 16
#define T_MAX_TASKS 16

struct connectd_config {
        size_t n;
        char *key[T_MAX_KEYS];
        char *val[T_MAX_KEYS];
};

struct connectd_task_configs {
        size_t n;
        connectd_config_t cfg[T_MAX_TASKS];
};

struct connectd_ctx {
        const char *name;
        int task_id;
        int stop;
        int sleeps;
        const char *committed_partition; /* one committed offset */
        const char *committed_offset;
};

struct connectd_value {
        connectd_value_type_t type;
        char *s;
        size_t len;
        int64_t i;
        double d;
        size_t nfields;
        char *fname[T_MAX_FIELDS];
        connectd_value_t *fval[T_MAX_FIELDS];
        struct connectd_value *next_alloc;
};

struct connectd_record {
        char *topic;
        int32_t partition;
        char *spart, *soff;
        connectd_value_t *key, *value;
        struct connectd_batch *batch;
};

struct connectd_batch {
        size_t n;
        connectd_record_t rec[T_MAX_RECS];
        connectd_value_t *allocs;
};

struct connectd_sink_record {
        const char *topic;
        int32_t partition;
        int64_t offset;
        connectd_value_t *key, *value;
};

static void cfg_free(connectd_config_t *c)
{
        size_t i;

        for (i = 0; i < c->n; i++) {
                free(c->key[i]);
                free(c->val[i]);
        }
        c->n = 0;
}

static int t_config_set(connectd_config_t *c, const char *k, const char *v)
{
        size_t i;

        for (i = 0; i < c->n; i++)
                if (!strcmp(c->key[i], k)) {
                        free(c->val[i]);
                        c->val[i] = strdup(v);
                        return 0;
                }
        if (c->n >= T_MAX_KEYS)
                return -1;
        c->key[c->n] = strdup(k);
        c->val[c->n] = strdup(v);
        c->n++;
        return 0;
}

static const char *t_config_get(const connectd_config_t *c, const char *k)
{
        size_t i;

        for (i = 0; i < c->n; i++)
                if (!strcmp(c->key[i], k))
                        return c->val[i];
        return NULL;
}

static size_t t_config_count(const connectd_config_t *c)
{
        return c->n;
}

static int t_config_entry(const connectd_config_t *c, size_t i,
                          const char **k, const char **v)
{
        if (i >= c->n)
                return -1;
        *k = c->key[i];
        *v = c->val[i];
        return 0;
}

static connectd_config_t *t_task_config_add(connectd_task_configs_t *out)
{
        if (out->n >= T_MAX_TASKS)
                return NULL;
        return &out->cfg[out->n++];
}

static void t_log(connectd_ctx_t *ctx, connectd_log_level_t level,
                  const char *fmt, ...)
{
        va_list ap;

        (void)ctx;
        (void)level;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

static const char *t_ctx_name(connectd_ctx_t *ctx)
{
        return ctx ? ctx->name : NULL;
}

static int t_ctx_task_id(connectd_ctx_t *ctx)
{
        return ctx ? ctx->task_id : -1;
}

static void t_validation_error(connectd_validation_t *v, const char *key,
                               const char *fmt, ...)
{
        (void)v;
        (void)key;
        (void)fmt;
}

static int t_sleep(connectd_ctx_t *ctx, int64_t ms)
{
        (void)ms;
        ctx->sleeps++;
        return ctx->stop;
}

static int t_should_stop(connectd_ctx_t *ctx)
{
        return ctx->stop;
}

static int t_offset_get(connectd_ctx_t *ctx, const char *partition,
                        char *buf, size_t bufsize)
{
        if (!ctx->committed_partition ||
            strcmp(ctx->committed_partition, partition))
                return -1;
        return snprintf(buf, bufsize, "%s", ctx->committed_offset);
}

static connectd_record_t *t_record_add(connectd_batch_t *b, const char *topic)
{
        connectd_record_t *r;

        if (b->n >= T_MAX_RECS)
                return NULL;
        r = &b->rec[b->n++];
        memset(r, 0, sizeof(*r));
        r->topic = strdup(topic);
        r->partition = -1;
        r->batch = b;
        return r;
}

static void t_record_set_partition(connectd_record_t *r, int32_t p)
{
        r->partition = p;
}

static int t_record_set_source(connectd_record_t *r, const char *part,
                               const char *off)
{
        free(r->spart);
        free(r->soff);
        r->spart = strdup(part);
        r->soff = strdup(off);
        return 0;
}

static void t_record_set_key(connectd_record_t *r, connectd_value_t *v)
{
        r->key = v;
}

static void t_record_set_value(connectd_record_t *r, connectd_value_t *v)
{
        r->value = v;
}

static connectd_value_t *val_new(connectd_batch_t *b,
                                 connectd_value_type_t type)
{
        connectd_value_t *v = calloc(1, sizeof(*v));

        cr_assert_not_null(v);
        v->type = type;
        v->next_alloc = b->allocs;
        b->allocs = v;
        return v;
}

static connectd_value_t *t_value_null(connectd_record_t *r)
{
        return val_new(r->batch, CONNECTD_VAL_NULL);
}

static connectd_value_t *t_value_string(connectd_record_t *r, const char *s,
                                        size_t len)
{
        connectd_value_t *v = val_new(r->batch, CONNECTD_VAL_STRING);

        v->s = strndup(s, len);
        v->len = len;
        return v;
}

static connectd_value_t *t_value_bytes(connectd_record_t *r, const void *p,
                                       size_t len)
{
        connectd_value_t *v = val_new(r->batch, CONNECTD_VAL_BYTES);

        v->s = malloc(len + 1);
        memcpy(v->s, p, len);
        v->len = len;
        return v;
}

static connectd_value_t *t_value_int64(connectd_record_t *r, int64_t i)
{
        connectd_value_t *v = val_new(r->batch, CONNECTD_VAL_INT64);

        v->i = i;
        return v;
}

static connectd_value_t *t_value_float64(connectd_record_t *r, double d)
{
        connectd_value_t *v = val_new(r->batch, CONNECTD_VAL_FLOAT64);

        v->d = d;
        return v;
}

static connectd_value_t *t_value_boolean(connectd_record_t *r, int b)
{
        connectd_value_t *v = val_new(r->batch, CONNECTD_VAL_BOOLEAN);

        v->i = !!b;
        return v;
}

static connectd_value_t *t_value_struct(connectd_record_t *r,
                                        const char *schema)
{
        connectd_value_t *v = val_new(r->batch, CONNECTD_VAL_STRUCT);

        v->s = schema ? strdup(schema) : NULL;
        return v;
}

static int t_struct_put(connectd_record_t *r, connectd_value_t *st,
                        const char *field, connectd_value_t *v)
{
        (void)r;
        if (st->nfields >= T_MAX_FIELDS)
                return -1;
        st->fname[st->nfields] = strdup(field);
        st->fval[st->nfields++] = v;
        return 0;
}

static connectd_value_type_t t_value_type(const connectd_value_t *v)
{
        return v ? v->type : CONNECTD_VAL_NULL;
}

static const char *t_value_data(const connectd_value_t *v, size_t *len)
{
        if (v->type != CONNECTD_VAL_STRING && v->type != CONNECTD_VAL_BYTES)
                return NULL;
        *len = v->len;
        return v->s;
}

static int64_t t_value_int(const connectd_value_t *v)
{
        return v->i;
}

static double t_value_double(const connectd_value_t *v)
{
        return v->d;
}

static size_t t_struct_count(const connectd_value_t *v)
{
        return v->type == CONNECTD_VAL_STRUCT ? v->nfields : 0;
}

static const connectd_value_t *t_struct_field(const connectd_value_t *v,
                                              size_t i, const char **name)
{
        if (i >= v->nfields)
                return NULL;
        *name = v->fname[i];
        return v->fval[i];
}

static size_t t_value_to_text(const connectd_value_t *v, char *buf,
                              size_t bufsize)
{
        (void)v;
        return (size_t)snprintf(buf, bufsize, "?");
}

static const char *t_sr_topic(const connectd_sink_record_t *r)
{
        return r->topic;
}

static int32_t t_sr_partition(const connectd_sink_record_t *r)
{
        return r->partition;
}

static int64_t t_sr_offset(const connectd_sink_record_t *r)
{
        return r->offset;
}

static int64_t t_sr_timestamp(const connectd_sink_record_t *r)
{
        (void)r;
        return 0;
}

static const connectd_value_t *t_sr_key(const connectd_sink_record_t *r)
{
        return r->key;
}

static const connectd_value_t *t_sr_value(const connectd_sink_record_t *r)
{
        return r->value;
}

const connectd_host_t connectd_host = {
        .abi_version = CONNECTD_ABI_VERSION,
        .struct_size = sizeof(connectd_host_t),
        .register_connector = plugins_register,
        .log = t_log,
        .ctx_name = t_ctx_name,
        .ctx_task_id = t_ctx_task_id,
        .config_get = t_config_get,
        .config_count = t_config_count,
        .config_entry = t_config_entry,
        .config_set = t_config_set,
        .task_config_add = t_task_config_add,
        .validation_error = t_validation_error,
        .sleep = t_sleep,
        .should_stop = t_should_stop,
        .offset_get = t_offset_get,
        .record_add = t_record_add,
        .record_set_partition = t_record_set_partition,
        .record_set_source = t_record_set_source,
        .record_set_key = t_record_set_key,
        .record_set_value = t_record_set_value,
        .value_null = t_value_null,
        .value_string = t_value_string,
        .value_bytes = t_value_bytes,
        .value_int64 = t_value_int64,
        .value_float64 = t_value_float64,
        .value_boolean = t_value_boolean,
        .value_struct = t_value_struct,
        .struct_put = t_struct_put,
        .value_type = t_value_type,
        .value_data = t_value_data,
        .value_int = t_value_int,
        .value_double = t_value_double,
        .struct_count = t_struct_count,
        .struct_field = t_struct_field,
        .value_to_text = t_value_to_text,
        .sink_record_topic = t_sr_topic,
        .sink_record_partition = t_sr_partition,
        .sink_record_offset = t_sr_offset,
        .sink_record_timestamp = t_sr_timestamp,
        .sink_record_key = t_sr_key,
        .sink_record_value = t_sr_value,
        .alloc = malloc,
        .free = free,
        .register_transform = plugins_register_transform,
};

static void batch_free(connectd_batch_t *b)
{
        connectd_value_t *v, *next;
        size_t i;

        for (i = 0; i < b->n; i++) {
                free(b->rec[i].topic);
                free(b->rec[i].spart);
                free(b->rec[i].soff);
        }
        for (v = b->allocs; v; v = next) {
                next = v->next_alloc;
                for (i = 0; i < v->nfields; i++)
                        free(v->fname[i]);
                free(v->s);
                free(v);
        }
        memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------------ */
/* stub built-ins: the real class names, trivial callbacks             */

static int stub_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                      void **statep, char *errstr, size_t errstr_size)
{
        (void)ctx;
        (void)cfg;
        (void)errstr;
        (void)errstr_size;
        *statep = NULL;
        return 0;
}

static int stub_task_configs(void *state, int max_tasks,
                             connectd_task_configs_t *out, char *errstr,
                             size_t errstr_size)
{
        (void)state;
        (void)max_tasks;
        (void)out;
        (void)errstr;
        (void)errstr_size;
        return 0;
}

static int stub_poll(void *state, connectd_batch_t *batch, char *errstr,
                     size_t errstr_size)
{
        (void)state;
        (void)batch;
        (void)errstr;
        (void)errstr_size;
        return 0;
}

static int stub_put(void *state, const connectd_sink_record_t *const *recs,
                    size_t n, char *errstr, size_t errstr_size)
{
        (void)state;
        (void)recs;
        (void)n;
        (void)errstr;
        (void)errstr_size;
        return 0;
}

#define STUB_SOURCE(cls)                                                       \
        {CONNECTD_DESC_HEADER, .class_name = (cls), .type = CONNECTD_SOURCE,   \
         .version = "test", .start = stub_start,                               \
         .task_configs = stub_task_configs, .task_start = stub_start,          \
         .task_poll = stub_poll}
#define STUB_SINK(cls)                                                         \
        {CONNECTD_DESC_HEADER, .class_name = (cls), .type = CONNECTD_SINK,     \
         .start = stub_start, .task_configs = stub_task_configs,               \
         .task_start = stub_start, .task_put = stub_put}

#define FS_SOURCE "org.apache.kafka.connect.file.FileStreamSourceConnector"
#define FS_SINK "org.apache.kafka.connect.file.FileStreamSinkConnector"
#define DATAGEN "com.amazonaws.mskdatagen.GeneratorSourceConnector"

static const connectd_connector_desc_t fs_source = STUB_SOURCE(FS_SOURCE);
static const connectd_connector_desc_t fs_sink = STUB_SINK(FS_SINK);
static const connectd_connector_desc_t datagen = STUB_SOURCE(DATAGEN);

int filestream_plugin_init(const connectd_host_t *host,
                           connectd_registry_t *reg);
int datagen_plugin_init(const connectd_host_t *host,
                        connectd_registry_t *reg);

int filestream_plugin_init(const connectd_host_t *host,
                           connectd_registry_t *reg)
{
        if (host->register_connector(reg, &fs_source) ||
            host->register_connector(reg, &fs_sink))
                return -1;
        return 0;
}

/* Descriptors a test wants registered in-process (the registry handle is
 * opaque, so they ride along with the built-ins) and their results. */
static const connectd_connector_desc_t *extra[16];
static int extra_rc[16];

int datagen_plugin_init(const connectd_host_t *host, connectd_registry_t *reg)
{
        size_t i;

        for (i = 0; extra[i]; i++)
                extra_rc[i] = host->register_connector(reg, extra[i]);
        return host->register_connector(reg, &datagen);
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static const char *build_dir(void)
{
        const char *d = getenv("CONNECTD_BUILD_DIR");
        return d && *d ? d : CONNECTD_BUILD_DIR_DEFAULT;
}

static const char *so_path(const char *sub, const char *name)
{
        static char buf[8][1024];
        static int i;
        char *p = buf[i++ % 8];

        snprintf(p, sizeof(buf[0]), "%s/%s/%s.so", build_dir(), sub, name);
        return p;
}

/* mkdtemp template under $TMPDIR. */
static char *tmp_template(char *buf, size_t n, const char *tag)
{
        const char *t = getenv("TMPDIR");

        snprintf(buf, n, "%s/connectd-%s-XXXXXX", t && *t ? t : "/tmp", tag);
        return buf;
}

static void setup(void)
{
        memset(extra, 0, sizeof(extra));
        log_clear();
        plugins_reset();
}

static void teardown(void)
{
        plugins_reset();
}

/* Load a test plugin expecting failure; return the reason. */
static const char *load_fails(const char *name)
{
        static char errstr[1024];

        errstr[0] = '\0';
        cr_assert_eq(plugins_load_file(so_path("test-plugins", name), errstr,
                                       sizeof(errstr)),
                     -1, "%s.so loaded but should not", name);
        cr_assert(errstr[0], "no reason given for %s.so", name);
        return errstr;
}

static void load_ok(const char *sub, const char *name)
{
        char errstr[1024] = "";

        cr_assert_eq(plugins_load_file(so_path(sub, name), errstr,
                                       sizeof(errstr)),
                     0, "%s.so: %s", name, errstr);
}

static size_t registry_count(void)
{
        size_t n = 0;

        while (plugins_at(n))
                n++;
        return n;
}

TestSuite(plugins, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------ */
/* registry                                                            */

Test(plugins, builtins_register_and_resolve_by_alias)
{
        const connectd_connector_desc_t *d;

        cr_assert_eq(plugins_register_builtins(), 0);
        cr_assert_eq(registry_count(), 3);
        cr_assert_str_eq(plugins_at(0)->class_name, FS_SOURCE);
        cr_assert_str_eq(plugins_at(2)->class_name, DATAGEN);

        d = plugins_find(FS_SOURCE);
        cr_assert_not_null(d);
        cr_assert_eq(plugins_find("FileStreamSourceConnector"), d);
        cr_assert_eq(plugins_find("FileStreamSource"), d);
        cr_assert_eq(plugins_find("FileStreamSink"), plugins_at(1));
        cr_assert_eq(plugins_find("GeneratorSource"), plugins_at(2));
        cr_assert_null(plugins_find("FileStream"));
        cr_assert_null(plugins_find("filestreamsource")); /* case matters */
        cr_assert_null(plugins_find("Connector"));
        cr_assert_null(plugins_find(""));
        cr_assert_null(plugins_find(NULL));
        cr_assert_null(plugins_at(3));
}

Test(plugins, optional_callbacks_become_noops)
{
        const connectd_connector_desc_t *src, *snk;

        cr_assert_eq(plugins_register_builtins(), 0);
        src = plugins_find("FileStreamSource");
        snk = plugins_find("FileStreamSink");
        cr_assert_not_null(src->stop);
        cr_assert_not_null(src->validate);
        cr_assert_not_null(src->task_stop);
        cr_assert_not_null(src->task_commit);
        cr_assert_null(src->task_flush);
        cr_assert_not_null(snk->task_flush);
        cr_assert_null(snk->task_commit);
        cr_assert_eq(snk->task_flush(NULL, NULL, 0), 0);
        /* the registry holds a copy, not the plugin's struct */
        cr_assert_neq(src, &fs_source);
        cr_assert_null(fs_source.stop);
}

/* Register `d` in-process; returns plugins_register's result. */
static int reg_one(const connectd_connector_desc_t *d)
{
        extra[0] = d;
        extra[1] = NULL;
        extra_rc[0] = 99;
        plugins_register_builtins();
        return extra_rc[0];
}

Test(plugins, refuses_newer_abi_with_clear_message)
{
        connectd_connector_desc_t d = STUB_SOURCE("com.example.Future");
        char want[128];

        d.abi_version = CONNECTD_ABI_VERSION + 1;
        cr_assert_eq(reg_one(&d), -1);
        snprintf(want, sizeof(want),
                 "built for plugin ABI %d, this worker supports up to %d",
                 CONNECTD_ABI_VERSION + 1, CONNECTD_ABI_VERSION);
        cr_assert_eq(log_lines_with("ERROR", want), 1, "log: %s", logbuf);
        cr_assert_null(plugins_find("com.example.Future"));
}

Test(plugins, refuses_abi_zero_and_short_struct)
{
        connectd_connector_desc_t d = STUB_SOURCE("com.example.Zero");

        d.abi_version = 0;
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("invalid plugin ABI version 0"), 1);

        d.abi_version = CONNECTD_ABI_VERSION;
        d.struct_size = offsetof(connectd_connector_desc_t, task_stop);
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("is smaller than the"), 1, "%s", logbuf);
        cr_assert_null(plugins_find("com.example.Zero"));
}

Test(plugins, accepts_longer_struct_from_newer_header)
{
        /* A plugin compiled against a later header of the same ABI has
         * appended fields we do not know: copy only what we know. */
        struct {
                connectd_connector_desc_t d;
                void *appended[4];
        } big;

        memset(&big, 0xab, sizeof(big));
        big.d = (connectd_connector_desc_t)STUB_SOURCE("com.example.Newer");
        big.d.struct_size = sizeof(big);
        cr_assert_eq(reg_one(&big.d), 0, "%s", logbuf);
        cr_assert_not_null(plugins_find("Newer"));
}

Test(plugins, refuses_missing_name_type_and_callbacks)
{
        connectd_connector_desc_t d;
        static const struct {
                size_t off;
                connectd_connector_type_t type;
                const char *why;
        } cases[] = {
                {offsetof(connectd_connector_desc_t, start), CONNECTD_SOURCE,
                 "has no start callback"},
                {offsetof(connectd_connector_desc_t, task_configs),
                 CONNECTD_SOURCE, "has no task_configs callback"},
                {offsetof(connectd_connector_desc_t, task_start),
                 CONNECTD_SINK, "has no task_start callback"},
                {offsetof(connectd_connector_desc_t, task_poll),
                 CONNECTD_SOURCE, "source connector class com.example.X "
                                  "has no task_poll callback"},
                {offsetof(connectd_connector_desc_t, task_put), CONNECTD_SINK,
                 "sink connector class com.example.X has no task_put "
                 "callback"},
        };
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                void *null = NULL;

                d = cases[i].type == CONNECTD_SOURCE
                            ? (connectd_connector_desc_t)STUB_SOURCE(
                                      "com.example.X")
                            : (connectd_connector_desc_t)STUB_SINK(
                                      "com.example.X");
                memcpy((char *)&d + cases[i].off, &null, sizeof(null));
                log_clear();
                plugins_reset();
                cr_assert_eq(reg_one(&d), -1, "case %zu", i);
                cr_assert_eq(log_lines_with("ERROR", cases[i].why), 1,
                             "case %zu: %s", i, logbuf);
                cr_assert_null(plugins_find("com.example.X"));
        }

        d = (connectd_connector_desc_t)STUB_SOURCE(NULL);
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("descriptor has no class name"), 1);
        d = (connectd_connector_desc_t)STUB_SOURCE("has space");
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("invalid class name 'has space'"), 1);
        d = (connectd_connector_desc_t)STUB_SOURCE("com.example.T");
        d.type = 7;
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("has unknown type 7"), 1);
}

Test(plugins, refuses_bad_config_defs)
{
        static const connectd_config_def_t bad_type[] = {
                {.name = "a", .type = (connectd_cfg_type_t)42}, {.name = NULL}};
        static const connectd_config_def_t twice[] = {
                {.name = "a"}, {.name = "b"}, {.name = "a"}, {.name = NULL}};
        connectd_connector_desc_t d = STUB_SOURCE("com.example.Cfg");

        d.config_defs = bad_type;
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("config definition 'a' has unknown type 42"),
                     1, "%s", logbuf);
        d.config_defs = twice;
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("config key 'a' is defined twice"), 1);
}

Test(plugins, refuses_duplicates_naming_the_owner)
{
        static const char *const al1[] = {"Seq", NULL};
        static const char *const al_fs[] = {"Other", FS_SINK, NULL};
        connectd_connector_desc_t d = STUB_SOURCE(FS_SOURCE);
        connectd_connector_desc_t a = STUB_SOURCE("com.example.A");
        connectd_connector_desc_t b = STUB_SOURCE("com.example.B");
        connectd_connector_desc_t c = STUB_SOURCE("Seq");

        /* extras register after FileStream, before datagen */
        cr_assert_eq(reg_one(&d), -1);
        cr_assert_eq(log_count("duplicate connector class " FS_SOURCE
                               " (already registered by built-in)"),
                     1, "%s", logbuf);

        plugins_reset();
        log_clear();
        a.aliases = al1;
        b.aliases = al1;
        extra[0] = &a;
        extra[1] = &b;
        extra[2] = &c;
        extra[3] = NULL;
        plugins_register_builtins();
        cr_assert_eq(extra_rc[0], 0);
        cr_assert_eq(extra_rc[1], -1);
        cr_assert_eq(extra_rc[2], -1);
        cr_assert_eq(log_count("alias Seq is already taken by com.example.A"),
                     1, "%s", logbuf);
        cr_assert_eq(log_count("duplicate connector class Seq (already "
                               "registered by built-in as an alias of "
                               "com.example.A)"),
                     1, "%s", logbuf);
        cr_assert_eq(plugins_find("Seq"), plugins_find("com.example.A"));

        /* an alias equal to an existing class name */
        plugins_reset();
        log_clear();
        b.aliases = al_fs;
        cr_assert_eq(reg_one(&b), -1);
        cr_assert_eq(log_count("alias " FS_SINK " is already taken"), 1);
}

Test(plugins, ambiguous_simple_names_resolve_to_nothing)
{
        connectd_connector_desc_t a = STUB_SOURCE("com.one.TwinConnector");
        connectd_connector_desc_t b = STUB_SINK("com.two.TwinConnector");

        extra[0] = &a;
        extra[1] = &b;
        cr_assert_eq(plugins_register_builtins(), 0);
        cr_assert_null(plugins_find("TwinConnector"));
        cr_assert_null(plugins_find("Twin"));
        cr_assert_str_eq(plugins_find("com.two.TwinConnector")->class_name,
                         "com.two.TwinConnector");
}

/* ------------------------------------------------------------------ */
/* loading shared objects                                              */

Test(plugins, broken_plugins_are_refused_with_reasons)
{
        char want[128];
        const char *why;

        cr_assert_eq(plugins_register_builtins(), 0);

        why = load_fails("bad_abi");
        snprintf(want, sizeof(want),
                 "built for plugin ABI %d, this worker supports up to %d",
                 CONNECTD_ABI_VERSION + 1, CONNECTD_ABI_VERSION);
        cr_assert(strstr(why, want), "%s", why);
        cr_assert_null(plugins_find("com.example.test.FutureSourceConnector"));

        why = load_fails("no_entry");
        cr_assert(strstr(why, "no connectd_plugin_init entry point"), "%s",
                  why);

        why = load_fails("dup_class");
        cr_assert(strstr(why, "duplicate connector class " FS_SOURCE
                              " (already registered by built-in)"),
                  "%s", why);
        cr_assert_str_eq(plugins_find(FS_SOURCE)->version, "test");

        why = load_fails("undefined_symbol");
        cr_assert(strstr(why, "undefined symbol"), "%s", why);
        cr_assert(strstr(why, "connectd_test_no_such_function"), "%s", why);

        why = load_fails("init_fails");
        cr_assert(strstr(why, "connectd_plugin_init returned an error"), "%s",
                  why);
        cr_assert_null(plugins_find("HalfInitSource"));
        cr_assert_null(xform_lookup("com.example.test.HalfInitTransform"));

        why = load_fails("does_not_exist");
        cr_assert(strstr(why, "cannot load"), "%s", why);

        cr_assert_eq(registry_count(), 3, "only the built-ins remain");
}

Test(plugins, one_bad_class_does_not_sink_the_others)
{
        const connectd_connector_desc_t *d;
        const char *file = so_path("test-plugins", "mixed");

        load_ok("test-plugins", "mixed");
        d = plugins_find("MixedGood");
        cr_assert_not_null(d);
        cr_assert_str_eq(d->class_name, "com.example.test.GoodSourceConnector");
        cr_assert_eq(plugins_find("GoodSource"), d);
        cr_assert_eq(plugins_find("GoodSourceConnector"), d);
        cr_assert_str_eq(d->version, "1.2.3");
        cr_assert_str_eq(d->config_defs[0].name, "topic");
        cr_assert_eq(registry_count(), 1);

        cr_assert_eq(log_lines_with(file, "is smaller than the"), 1, "%s",
                     logbuf);
        cr_assert_eq(log_lines_with(file, "NoPollSourceConnector has no "
                                          "task_poll"),
                     1);
        cr_assert_eq(log_lines_with(file, "NoPutSinkConnector has no "
                                          "task_put"),
                     1);
        cr_assert_eq(log_lines_with(file, "alias MixedGood is already taken"),
                     1);
        cr_assert_eq(log_lines_with(file, "duplicate connector class "
                                          "com.example.test."
                                          "GoodSourceConnector"),
                     1);
        cr_assert_eq(log_lines_with("INFO", "Loaded plugin"), 1);
        cr_assert_eq(log_lines_with(file, ": com.example.test."
                                          "GoodSourceConnector (source, "
                                          "version 1.2.3)"),
                     1, "%s", logbuf);
}

/* Make `path` a symlink to the built test plugin `name`. */
static void link_plugin(const char *path, const char *sub, const char *name)
{
        cr_assert_eq(symlink(so_path(sub, name), path), 0, "symlink %s: %s",
                     path, strerror(errno));
}

Test(plugins, load_path_scans_dirs_sorted_and_keeps_going)
{
        char tmpl[1024];
        char *dir = mkdtemp(tmp_template(tmpl, sizeof(tmpl), "plugins"));
        char p[4096], path[9000];
        int loaded;

        cr_assert_not_null(dir);
        cr_assert_eq(plugins_register_builtins(), 0);

        /* dir/                 bad ones + one good one at top level
         * dir/sub/             one level down: loaded
         * dir/sub/deeper/      two levels down: ignored */
        snprintf(p, sizeof(p), "%s/sub", dir);
        cr_assert_eq(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/sub/deeper", dir);
        cr_assert_eq(mkdir(p, 0755), 0);
#define LINK(rel, sub, name)                                                   \
        do {                                                                   \
                snprintf(p, sizeof(p), "%s/%s", dir, rel);                     \
                link_plugin(p, sub, name);                                     \
        } while (0)
        LINK("a_bad_abi.so", "test-plugins", "bad_abi");
        LINK("b_no_entry.so", "test-plugins", "no_entry");
        LINK("c_dup.so", "test-plugins", "dup_class");
        LINK("d_undef.so", "test-plugins", "undefined_symbol");
        LINK("e_mixed.so", "test-plugins", "mixed");
        LINK("sub/boom.so", "test-plugins", "boom");
        LINK("sub/deeper/hang.so", "test-plugins", "hang");
#undef LINK
        snprintf(p, sizeof(p), "%s/README.txt", dir);
        cr_assert_eq(symlink(so_path("test-plugins", "boom"), p), 0);

        /* the second entry: the example plugins, with blanks around */
        snprintf(path, sizeof(path), " %s , %s/plugins/,,/nonexistent/dir",
                 dir, build_dir());
        loaded = plugins_load_path(path);
        cr_assert_eq(loaded, 5, "mixed, boom, sequence, jsonlines, "
                     "uppercase: %s", logbuf);

        cr_assert_not_null(plugins_find("BoomSource"));
        cr_assert_not_null(plugins_find("MixedGood"));
        cr_assert_not_null(plugins_find("SequenceSource"));
        cr_assert_not_null(plugins_find("JsonLinesSink"));
        cr_assert_null(plugins_find("HangSource"));

        /* exactly one ERROR line per bad file, naming it */
#define ONE_LINE(file, why)                                                    \
        do {                                                                   \
                snprintf(p, sizeof(p), "%s/%s", dir, file);                    \
                cr_assert_eq(log_lines_with(p, "ERROR"), 1, "%s: %s", file,    \
                             logbuf);                                          \
                cr_assert_eq(log_lines_with(p, why), 1, "%s", file);           \
        } while (0)
        ONE_LINE("a_bad_abi.so", "built for plugin ABI");
        ONE_LINE("b_no_entry.so", "no connectd_plugin_init entry point");
        ONE_LINE("c_dup.so", "duplicate connector class " FS_SOURCE);
        ONE_LINE("d_undef.so", "connectd_test_no_such_function");
#undef ONE_LINE
        cr_assert_eq(log_count("/nonexistent/dir"), 1);
        cr_assert_eq(log_count("README.txt"), 0);

        /* sorted by name: a_ before b_ ... before sub/ */
        cr_assert_lt(strstr(logbuf, "a_bad_abi.so"),
                     strstr(logbuf, "b_no_entry.so"));
        cr_assert_lt(strstr(logbuf, "e_mixed.so"), strstr(logbuf, "sub/boom"));
        snprintf(p, sizeof(p), "Loaded plugin %s/sub/boom.so: "
                 "com.example.test.BoomSourceConnector (source, version "
                 "0.0.1)", dir);
        cr_assert_eq(log_count(p), 1, "%s", logbuf);

        plugins_reset();
        snprintf(p, sizeof(p), "rm -rf '%s'", dir);
        cr_assert_eq(system(p), 0);
}

Test(plugins, reset_then_reload)
{
        load_ok("plugins", "sequence_source");
        cr_assert_not_null(plugins_find("SequenceSource"));
        plugins_reset();
        cr_assert_null(plugins_find("SequenceSource"));
        load_ok("plugins", "sequence_source");
        cr_assert_not_null(plugins_find("SequenceSource"));
}

/* ------------------------------------------------------------------ */
/* the example sequence source, driven through the test host           */

static void cfg_fill(connectd_config_t *c, const char *const *kv)
{
        for (; kv[0]; kv += 2)
                t_config_set(c, kv[0], kv[1]);
}

static const connectd_connector_desc_t *seq_desc(void)
{
        const connectd_connector_desc_t *d;

        load_ok("plugins", "sequence_source");
        d = plugins_find("SequenceSource");
        cr_assert_not_null(d);
        cr_assert_str_eq(d->class_name,
                         "com.example.connectd.SequenceSourceConnector");
        cr_assert_eq(d->type, CONNECTD_SOURCE);
        cr_assert_str_eq(d->version, "1.0.0");
        return d;
}

Test(plugins, sequence_source_counts_per_task)
{
        static const char *const kv[] = {
                "name", "seq", "topic", "numbers", "start", "5", "step", "2",
                "records.per.poll", "3", "interval.ms", "0", NULL};
        const connectd_connector_desc_t *d = seq_desc();
        connectd_config_t cfg = {0};
        connectd_task_configs_t tcs = {0};
        connectd_ctx_t cctx = {.name = "seq", .task_id = -1};
        connectd_ctx_t tctx = {.name = "seq", .task_id = 1};
        connectd_batch_t batch = {0};
        void *cst = NULL, *tst = NULL;
        char err[256] = "";
        size_t i;

        cfg_fill(&cfg, kv);
        cr_assert_eq(d->start(&cctx, &cfg, &cst, err, sizeof(err)), 0, "%s",
                     err);
        cr_assert_eq(d->task_configs(cst, 2, &tcs, err, sizeof(err)), 0);
        cr_assert_eq(tcs.n, 2);
        cr_assert_str_eq(t_config_get(&tcs.cfg[0], "task.index"), "0");
        cr_assert_str_eq(t_config_get(&tcs.cfg[1], "task.index"), "1");
        cr_assert_str_eq(t_config_get(&tcs.cfg[1], "topic"), "numbers");
        d->stop(cst);

        cr_assert_eq(d->task_start(&tctx, &tcs.cfg[1], &tst, err,
                                   sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(d->task_poll(tst, &batch, err, sizeof(err)), 3);
        cr_assert_eq(batch.n, 3);
        for (i = 0; i < 3; i++) {
                connectd_record_t *r = &batch.rec[i];
                char want[32];

                snprintf(want, sizeof(want), "%zu", 5 + 2 * i);
                cr_assert_str_eq(r->topic, "numbers");
                cr_assert_eq(r->key->type, CONNECTD_VAL_STRING);
                cr_assert_str_eq(r->key->s, want);
                cr_assert_str_eq(r->spart, "{\"task\":\"1\"}");
                snprintf(want, sizeof(want), "{\"seq\":%zu}", 5 + 2 * i);
                cr_assert_str_eq(r->soff, want);
                cr_assert_eq(r->value->type, CONNECTD_VAL_STRUCT);
                cr_assert_eq(r->value->nfields, 2);
                cr_assert_str_eq(r->value->fname[0], "task");
                cr_assert_eq(r->value->fval[0]->i, 1);
                cr_assert_str_eq(r->value->fname[1], "seq");
                cr_assert_eq(r->value->fval[1]->i, (int64_t)(5 + 2 * i));
        }
        batch_free(&batch);

        /* the next poll continues; interval.ms=0 never sleeps */
        cr_assert_eq(d->task_poll(tst, &batch, err, sizeof(err)), 3);
        cr_assert_str_eq(batch.rec[0].key->s, "11");
        cr_assert_eq(tctx.sleeps, 0);
        batch_free(&batch);
        d->task_stop(tst);

        for (i = 0; i < tcs.n; i++)
                cfg_free(&tcs.cfg[i]);
        cfg_free(&cfg);
}

Test(plugins, sequence_source_resumes_from_committed_offset)
{
        static const char *const kv[] = {
                "topic", "numbers", "records.per.poll", "2", "interval.ms",
                "1000", "task.index", "0", NULL};
        const connectd_connector_desc_t *d = seq_desc();
        connectd_config_t cfg = {0};
        connectd_ctx_t tctx = {.name = "seq", .task_id = 0,
                               .committed_partition = "{\"task\":\"0\"}",
                               .committed_offset = "{\"seq\":41}"};
        connectd_batch_t batch = {0};
        void *tst = NULL;
        char err[256] = "";

        cfg_fill(&cfg, kv);
        cr_assert_eq(d->task_start(&tctx, &cfg, &tst, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(d->task_poll(tst, &batch, err, sizeof(err)), 2);
        cr_assert_str_eq(batch.rec[0].key->s, "42");
        cr_assert_str_eq(batch.rec[1].key->s, "43");
        batch_free(&batch);

        /* second poll paces with host->sleep, and a stop request wins */
        tctx.stop = 1;
        cr_assert_eq(d->task_poll(tst, &batch, err, sizeof(err)), 0);
        cr_assert_eq(batch.n, 0);
        cr_assert_eq(tctx.sleeps, 1);
        d->task_stop(tst);

        /* an offset it cannot read fails the task with a reason */
        tctx.committed_offset = "{\"position\":3}";
        cr_assert_eq(d->task_start(&tctx, &cfg, &tst, err, sizeof(err)), -1);
        cr_assert(strstr(err, "cannot read committed offset"), "%s", err);
        cfg_free(&cfg);
}

Test(plugins, sequence_source_config_checks)
{
        const connectd_connector_desc_t *d = seq_desc();
        const connectd_config_def_t *def;
        connectd_ctx_t cctx = {.name = "seq", .task_id = -1};
        void *cst = NULL;
        char err[256];
        static const struct {
                const char *key, *value, *why;
        } bad[] = {
                {"step", "0", "Value must not be 0"},
                {"records.per.poll", "0", "Value must be at least 1"},
                {"records.per.poll", "10001", "no more than 10000"},
                {"interval.ms", "-1", "Value must be at least 0"},
                {"start", "12x", "Not a number"},
        };
        size_t i;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                connectd_config_t cfg = {0};

                t_config_set(&cfg, "topic", "t");
                t_config_set(&cfg, bad[i].key, bad[i].value);
                err[0] = '\0';
                cr_assert_eq(d->start(&cctx, &cfg, &cst, err, sizeof(err)),
                             -1, "%s=%s", bad[i].key, bad[i].value);
                cr_assert(strstr(err, bad[i].why), "%s", err);
                /* the same rule is in the config def's validator */
                for (def = d->config_defs; def->name; def++)
                        if (!strcmp(def->name, bad[i].key) && def->validator)
                                cr_assert_eq(def->validator(def->name,
                                                            bad[i].value, err,
                                                            sizeof(err)),
                                             -1);
                cfg_free(&cfg);
        }
        {
                connectd_config_t cfg = {0};
                cr_assert_eq(d->start(&cctx, &cfg, &cst, err, sizeof(err)),
                             -1);
                cr_assert(strstr(err, "\"topic\""), "%s", err);
        }
        cr_assert_str_eq(d->config_defs[0].name, "topic");
        cr_assert_null(d->config_defs[0].default_value);
}

/* ------------------------------------------------------------------ */
/* the example JSON-lines sink                                         */

static char *slurp_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        static char buf[8192];
        size_t n;

        if (!f)
                return NULL;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

Test(plugins, jsonlines_sink_writes_one_line_per_record)
{
        const connectd_connector_desc_t *d;
        char tmpl[1024];
        char *dir = mkdtemp(tmp_template(tmpl, sizeof(tmpl), "jsonl"));
        char file[4200], err[256] = "";
        connectd_config_t cfg = {0};
        connectd_task_configs_t tcs = {0};
        connectd_ctx_t cctx = {.name = "jl", .task_id = -1};
        connectd_ctx_t tctx = {.name = "jl", .task_id = 0};
        connectd_batch_t vals = {0};
        connectd_record_t *vr;
        connectd_value_t *st, *inner;
        connectd_sink_record_t r1, r2, r3;
        const connectd_sink_record_t *recs[2] = {&r1, &r2};
        const connectd_sink_record_t *more[1] = {&r3};
        void *cst = NULL, *tst = NULL;
        const char *text;

        cr_assert_not_null(dir);
        snprintf(file, sizeof(file), "%s/out.jsonl", dir);
        load_ok("plugins", "jsonlines_sink");
        d = plugins_find("JsonLinesSink");
        cr_assert_not_null(d);
        cr_assert_eq(d->type, CONNECTD_SINK);

        t_config_set(&cfg, "file", file);
        cr_assert_eq(d->start(&cctx, &cfg, &cst, err, sizeof(err)), 0, "%s",
                     err);
        cr_assert_eq(d->task_configs(cst, 1, &tcs, err, sizeof(err)), 0);
        cr_assert_str_eq(t_config_get(&tcs.cfg[0], "file"), file);
        d->stop(cst);
        cr_assert_eq(d->task_start(&tctx, &tcs.cfg[0], &tst, err,
                                   sizeof(err)),
                     0, "%s", err);

        /* values live in a scratch batch */
        vr = t_record_add(&vals, "scratch");
        st = t_value_struct(vr, "S");
        t_struct_put(vr, st, "name", t_value_string(vr, "a \"q\"\n", 6));
        t_struct_put(vr, st, "n", t_value_int64(vr, -7));
        t_struct_put(vr, st, "ok", t_value_boolean(vr, 1));
        t_struct_put(vr, st, "x", t_value_float64(vr, 0.5));
        t_struct_put(vr, st, "b", t_value_bytes(vr, "\x00\xff\x10", 3));
        inner = t_value_struct(vr, "I");
        t_struct_put(vr, inner, "z", t_value_null(vr));
        t_struct_put(vr, st, "in", inner);

        r1 = (connectd_sink_record_t){"t1", 0, 10, t_value_string(vr, "k1", 2),
                                      st};
        r2 = (connectd_sink_record_t){"t1", 3, 11, NULL,
                                      t_value_string(vr, "tab\there", 8)};
        r3 = (connectd_sink_record_t){"t2", 1, 0, t_value_int64(vr, 5),
                                      t_value_null(vr)};

        cr_assert_eq(d->task_put(tst, recs, 2, err, sizeof(err)), 0, "%s",
                     err);
        /* put only buffers; flush makes it durable */
        text = slurp_file(file);
        cr_assert_not_null(text);
        cr_assert_str_empty(text);
        cr_assert_eq(d->task_flush(tst, err, sizeof(err)), 0, "%s", err);
        text = slurp_file(file);
        cr_assert_str_eq(text,
                "{\"topic\":\"t1\",\"partition\":0,\"offset\":10,"
                "\"key\":\"k1\",\"value\":{\"name\":\"a \\\"q\\\"\\n\","
                "\"n\":-7,\"ok\":true,\"x\":0.5,\"b\":\"AP8Q\","
                "\"in\":{\"z\":null}}}\n"
                "{\"topic\":\"t1\",\"partition\":3,\"offset\":11,"
                "\"key\":null,\"value\":\"tab\\there\"}\n");

        /* stop writes what was put after the last flush; reopen appends */
        cr_assert_eq(d->task_put(tst, more, 1, err, sizeof(err)), 0);
        d->task_stop(tst);
        text = slurp_file(file);
        cr_assert(strstr(text, "\n{\"topic\":\"t2\",\"partition\":1,"
                               "\"offset\":0,\"key\":5,\"value\":null}\n"),
                  "%s", text);

        cr_assert_eq(d->task_start(&tctx, &tcs.cfg[0], &tst, err,
                                   sizeof(err)),
                     0);
        cr_assert_eq(d->task_put(tst, more, 1, err, sizeof(err)), 0);
        cr_assert_eq(d->task_flush(tst, err, sizeof(err)), 0);
        d->task_stop(tst);
        text = slurp_file(file);
        cr_assert_eq((int)(strlen(text) > 0), 1);
        {
                int lines = 0;
                const char *p;
                for (p = text; *p; p++)
                        lines += *p == '\n';
                cr_assert_eq(lines, 4, "%s", text);
        }

        batch_free(&vals);
        cfg_free(&tcs.cfg[0]);
        cfg_free(&cfg);
        unlink(file);
        rmdir(dir);
}

Test(plugins, jsonlines_sink_needs_a_writable_file)
{
        const connectd_connector_desc_t *d;
        connectd_config_t cfg = {0};
        connectd_ctx_t ctx = {.name = "jl", .task_id = 0};
        void *st = NULL;
        char err[256] = "";

        load_ok("plugins", "jsonlines_sink");
        d = plugins_find("com.example.connectd.JsonLinesSinkConnector");
        cr_assert_not_null(d);
        cr_assert_eq(d->start(&ctx, &cfg, &st, err, sizeof(err)), -1);
        cr_assert(strstr(err, "\"file\""), "%s", err);
        t_config_set(&cfg, "file", "/nonexistent-dir/x/out.jsonl");
        cr_assert_eq(d->task_start(&ctx, &cfg, &st, err, sizeof(err)), -1);
        cr_assert(strstr(err, "cannot open /nonexistent-dir/x/out.jsonl"),
                  "%s", err);
        cfg_free(&cfg);
}

Test(plugins, registering_after_init_is_refused)
{
        const connectd_connector_desc_t *d;
        connectd_ctx_t ctx = {.name = "late", .task_id = -1};
        connectd_config_t cfg = {0};
        void *st = NULL;
        char err[256] = "";

        load_ok("test-plugins", "late_register");
        d = plugins_find("LateRegisterSource");
        cr_assert_not_null(d);
        log_clear();
        cr_assert_eq(d->start(&ctx, &cfg, &st, err, sizeof(err)), -1);
        cr_assert_str_eq(err, "register_connector returned -1");
        cr_assert_eq(log_count("register_connector called after the "
                               "plugin's init function returned"),
                     1, "%s", logbuf);
        cr_assert_null(plugins_find("TooLateSource"));
        cr_assert_eq(log_count("register_transform called after the "
                               "plugin's init function returned"),
                     1, "%s", logbuf);
        cr_assert_null(xform_lookup("com.example.test.TooLateTransform"));
}

/* ------------------------------------------------------------------ */
/* custom transforms and predicates                                    */

/* A plugin of transforms only loads; each broken descriptor is refused
 * with one ERROR line giving its reason; the good class is in the class
 * table (once) and the bad ones are not. */
Test(plugins, transform_only_plugin_loads_and_bad_descriptors_refused)
{
        const xform_class_t *c;
        char want[160];
        size_t n, i, seen = 0;
        const xform_class_t *const *l;

        cr_assert_eq(plugins_register_builtins(), 0);
        load_ok("test-plugins", "bad_transforms");
        c = xform_lookup("com.example.test.GoodTransform");
        cr_assert_not_null(c);
        cr_assert_eq(c->kind, XFORM_TRANSFORMATION);
        cr_assert_not_null(c->plugin);
        l = xform_list(XFORM_TRANSFORMATION, &n);
        for (i = 0; i < n; i++)
                if (!strcmp(l[i]->name, "com.example.test.GoodTransform"))
                        seen++;
        cr_assert_eq(seen, 1);

#define REFUSED(cls, why)                                                      \
        cr_assert_eq(log_lines_with(cls, why), 1, "[%s] [%s] in:\n%s", cls,    \
                     why, logbuf)
        REFUSED("NoApplyTransform", "no apply callback");
        REFUSED("transformation class "
                "org.apache.kafka.connect.transforms.RegexRouter",
                "duplicate class name (already registered as a built-in)");
        REFUSED("transformation class Filter",
                "duplicate class name (already registered as a built-in "
                "alias)");
        snprintf(want, sizeof(want),
                 "built for plugin ABI %d, this worker supports up to %d",
                 CONNECTD_ABI_VERSION + 1, CONNECTD_ABI_VERSION);
        REFUSED("bad_transforms.so", want);
        REFUSED("bad_transforms.so", "transform descriptor struct_size");
        REFUSED("BadKindTransform", "unknown kind 7");
        REFUSED("transformation class com.example.test.GoodTransform",
                "duplicate class name");
#undef REFUSED
        cr_assert_null(xform_lookup("com.example.test.NoApplyTransform"));
        cr_assert_null(xform_lookup("com.example.test.NewerTransform"));
        cr_assert_null(xform_lookup("com.example.test.TooSmallTransform"));
        cr_assert_null(xform_lookup("com.example.test.BadKindTransform"));
        c = xform_lookup("org.apache.kafka.connect.transforms.RegexRouter");
        cr_assert_null(c->plugin, "the built-in stays");
}

/* Connectors and transforms from one plugin; the example plugin's classes
 * carry their kind, version, doc and definition table; a second plugin
 * may not take a name the first one has. */
Test(plugins, transforms_and_predicates_join_the_class_table)
{
        const xform_class_t *c;

        load_ok("test-plugins", "records");
        cr_assert_not_null(plugins_find("RecordsSource"));
        cr_assert_not_null(plugins_find("RecordsSink"));
        c = xform_lookup("com.example.test.Everything");
        cr_assert_not_null(c);
        cr_assert_eq(c->kind, XFORM_TRANSFORMATION);
        cr_assert_str_eq(c->version, "2");
        cr_assert_str_eq(c->defs[0].name, "drop");
        c = xform_lookup("com.example.test.HasHeader");
        cr_assert_not_null(c);
        cr_assert_eq(c->kind, XFORM_PREDICATE);
        cr_assert_str_eq(c->version, "undefined");

        load_ok("plugins", "uppercase_field");
        c = xform_lookup(" com.example.connectd.UppercaseField ");
        cr_assert_not_null(c);
        cr_assert_str_eq(c->version, "1.0.0");
        cr_assert_str_eq(c->doc, "Upper-cases a string field of the record "
                                 "value.");
        c = xform_lookup("com.example.connectd.TopicPrefix");
        cr_assert_not_null(c);
        cr_assert_eq(c->kind, XFORM_PREDICATE);

        /* loading the same classes again: refused, the plugin with them */
        log_clear();
        cr_assert_eq(plugins_load_file(so_path("plugins", "uppercase_field"),
                                       (char[256]){0}, 256),
                     -1);
        cr_assert_eq(log_count("duplicate class name"), 1, "%s", logbuf);
}

/* A plugin compiled against the first edition of the header (its host
 * table ends at `free`) registers on this worker like any other. */
Test(plugins, plugin_built_against_abi1_header_loads)
{
        const connectd_connector_desc_t *d;

        load_ok("test-plugins", "abi1_source");
        d = plugins_find("Abi1Source");
        cr_assert_not_null(d);
        cr_assert_str_eq(d->version, "abi1");
        cr_assert_not_null(plugins_find("Abi1Sink"));
}

/* ------------------------------------------------------------------ */
/* plugin.path permissions                                             */

static void copy_file(const char *from, const char *to, mode_t mode)
{
        char cmd[3000];

        snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        cr_assert_eq(chmod(to, mode), 0);
}

static void rm_rf_dir(const char *dir)
{
        char cmd[2100];

        snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", dir,
                 dir);
        cr_assert_eq(system(cmd), 0);
}

static void insecure_fini(void)
{
        plugins_set_allow_insecure(0);
        teardown();
}

/* The line about `name` says `why`, at `level`. */
static void assert_said(const char *level, const char *name, const char *why)
{
        cr_assert_eq(log_lines_with(name, why), 1, "want [%s] about %s in:\n%s",
                     why, name, logbuf);
        cr_assert(strstr(logbuf, level), "no %s in:\n%s", level, logbuf);
}

/* A plugin.path directory anyone can write is refused, naming it and the
 * reason; with plugin.path.allow.insecure it loads, with a warning. */
Test(plugins, world_writable_plugin_dir_is_refused, .init = setup,
     .fini = insecure_fini)
{
        char tmpl[1024], p[2048];
        char *dir = mkdtemp(tmp_template(tmpl, sizeof(tmpl), "insecure"));

        cr_assert_not_null(dir);
        snprintf(p, sizeof(p), "%s/seq.so", dir);
        link_plugin(p, "plugins", "sequence_source");
        cr_assert_eq(chmod(dir, 0777), 0);

        cr_assert_eq(plugins_load_path(dir), 0, "%s", logbuf);
        cr_assert_null(plugins_find("SequenceSource"));
        assert_said("ERROR", dir, "writable by group and others (mode 0777)");
        cr_assert(strstr(logbuf, "Refusing plugin.path entry"), "%s", logbuf);
        cr_assert(strstr(logbuf, "plugin.path.allow.insecure=true"));

        log_clear();
        plugins_set_allow_insecure(1);
        cr_assert_eq(plugins_load_path(dir), 1, "%s", logbuf);
        cr_assert_not_null(plugins_find("SequenceSource"));
        assert_said("WARN", dir, "writable by group and others (mode 0777)");
        cr_assert_eq(log_count("ERROR"), 0, "%s", logbuf);
        plugins_reset();
        rm_rf_dir(dir);
}

/* Each .so is checked too: the file itself, the subdirectory holding it,
 * the file a symlink leads to and the directories above that; the other
 * plugins of the entry still load. */
Test(plugins, unsafe_plugin_files_are_refused_one_by_one, .init = setup,
     .fini = insecure_fini)
{
        char tmpl[1024], tmpl2[1024], p[2048], q[2048];
        char *dir = mkdtemp(tmp_template(tmpl, sizeof(tmpl), "plugdir"));
        char *open_dir = mkdtemp(tmp_template(tmpl2, sizeof(tmpl2), "open"));

        cr_assert_not_null(dir);
        cr_assert_not_null(open_dir);
        /* dir/a.so          group-writable copy          refused
         * dir/b.so          symlink to open_dir/x.so     refused (open_dir)
         * dir/c.so          a safe copy                  loaded
         * dir/sub/d.so      in a group-writable subdir   refused (sub) */
        snprintf(p, sizeof(p), "%s/a.so", dir);
        copy_file(so_path("test-plugins", "boom"), p, 0664);
        snprintf(q, sizeof(q), "%s/x.so", open_dir);
        copy_file(so_path("test-plugins", "mixed"), q, 0755);
        cr_assert_eq(chmod(open_dir, 0757), 0);
        snprintf(p, sizeof(p), "%s/b.so", dir);
        cr_assert_eq(symlink(q, p), 0);
        snprintf(p, sizeof(p), "%s/c.so", dir);
        copy_file(so_path("plugins", "sequence_source"), p, 0755);
        snprintf(p, sizeof(p), "%s/sub", dir);
        cr_assert_eq(mkdir(p, 0700), 0);
        cr_assert_eq(chmod(p, 0770), 0);
        snprintf(p, sizeof(p), "%s/sub/d.so", dir);
        link_plugin(p, "plugins", "jsonlines_sink");

        cr_assert_eq(plugins_load_path(dir), 1, "%s", logbuf);
        cr_assert_not_null(plugins_find("SequenceSource"));
        cr_assert_null(plugins_find("BoomSource"));
        cr_assert_null(plugins_find("MixedGood"));
        cr_assert_null(plugins_find("JsonLinesSink"));
        cr_assert_eq(log_count("Refusing plugin "), 3, "%s", logbuf);
        snprintf(p, sizeof(p), "%s/a.so", dir);
        cr_assert_eq(log_lines_with(p, "writable by group (mode 0664)"), 1,
                     "%s", logbuf);
        snprintf(p, sizeof(p), "%s/b.so", dir);
        cr_assert_eq(log_lines_with(p, "writable by others (mode 0757)"), 1,
                     "%s", logbuf);
        cr_assert_eq(log_lines_with(p, open_dir), 1, "%s", logbuf);
        snprintf(p, sizeof(p), "%s/sub/d.so", dir);
        cr_assert_eq(log_lines_with(p, "writable by group (mode 0770)"), 1,
                     "%s", logbuf);

        /* Allowed: all four load, each with a warning. */
        plugins_reset();
        log_clear();
        plugins_set_allow_insecure(1);
        cr_assert_eq(plugins_load_path(dir), 4, "%s", logbuf);
        cr_assert_eq(log_lines_with("WARN", "allow.insecure=true"), 3, "%s",
                     logbuf);
        plugins_reset();
        rm_rf_dir(dir);
        rm_rf_dir(open_dir);
}

/* A sticky world-writable directory above the entry (like /tmp) is fine;
 * a plugin owned by another non-root user is not. */
Test(plugins, sticky_parent_ok_foreign_owner_refused, .init = setup,
     .fini = insecure_fini)
{
        char tmpl[1024], p[2048], dir[1100];
        char *top = mkdtemp(tmp_template(tmpl, sizeof(tmpl), "sticky"));

        cr_assert_not_null(top);
        cr_assert_eq(chmod(top, 01777), 0);
        snprintf(dir, sizeof(dir), "%s/plugins", top);
        cr_assert_eq(mkdir(dir, 0755), 0);
        snprintf(p, sizeof(p), "%s/seq.so", dir);
        copy_file(so_path("plugins", "sequence_source"), p, 0755);
        cr_assert_eq(plugins_load_path(dir), 1, "%s", logbuf);
        cr_assert_eq(log_count("ERROR"), 0, "%s", logbuf);

        if (geteuid() == 0) {
                plugins_reset();
                log_clear();
                cr_assert_eq(chown(p, 65534, 65534), 0);
                cr_assert_eq(plugins_load_path(dir), 0, "%s", logbuf);
                cr_assert_eq(log_lines_with(p, "is owned by uid 65534, "
                                               "neither root nor"),
                             1, "%s", logbuf);
        }
        plugins_reset();
        rm_rf_dir(top);
}
