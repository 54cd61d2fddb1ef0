/* Unit tests for connectors/filestream: the plugin is driven through a host
 * table built from server/runtime/record.c plus small fakes (config maps, task
 * config lists, registry, offsets, log, sleep) that live in this file. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connect/plugin.h"
#include "record.h"
#include "converter.h"
#include "filestream/filestream.h"

/* ---- fakes ------------------------------------------------------------ */

#define MAXKV 32
struct connectd_config {
        size_t n;
        char *k[MAXKV], *v[MAXKV];
};

struct connectd_task_configs {
        size_t n;
        struct connectd_config cfg[16];
};

struct connectd_registry {
        size_t n;
        connectd_connector_desc_t desc[4];
};

static char fake_offset[256]; /* "" = no committed offset */
static char last_partition[256];
static int sleeps;
static char last_log[512];

static int fake_register(connectd_registry_t *reg,
                         const connectd_connector_desc_t *d)
{
        reg->desc[reg->n++] = *d;
        return 0;
}

static void fake_log(connectd_ctx_t *ctx, connectd_log_level_t lvl,
                     const char *fmt, ...)
{
        va_list ap;

        (void)ctx;
        (void)lvl;
        va_start(ap, fmt);
        vsnprintf(last_log, sizeof(last_log), fmt, ap);
        va_end(ap);
}

static const char *fake_config_get(const connectd_config_t *c, const char *key)
{
        for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->k[i], key) == 0)
                        return c->v[i];
        return NULL;
}

static size_t fake_config_count(const connectd_config_t *c)
{
        return c->n;
}

static int fake_config_entry(const connectd_config_t *c, size_t i,
                             const char **k, const char **v)
{
        if (i >= c->n)
                return -1;
        *k = c->k[i];
        *v = c->v[i];
        return 0;
}

static int fake_config_set(connectd_config_t *c, const char *key,
                           const char *value)
{
        for (size_t i = 0; i < c->n; i++) {
                if (strcmp(c->k[i], key) == 0) {
                        free(c->v[i]);
                        c->v[i] = strdup(value);
                        return 0;
                }
        }
        if (c->n == MAXKV)
                return -1;
        c->k[c->n] = strdup(key);
        c->v[c->n++] = strdup(value);
        return 0;
}

static void config_clear(connectd_config_t *c)
{
        for (size_t i = 0; i < c->n; i++) {
                free(c->k[i]);
                free(c->v[i]);
        }
        c->n = 0;
}

static connectd_config_t *fake_task_config_add(connectd_task_configs_t *out)
{
        connectd_config_t *c = &out->cfg[out->n++];

        c->n = 0;
        return c;
}

static int fake_sleep(connectd_ctx_t *ctx, int64_t ms)
{
        (void)ctx;
        (void)ms;
        sleeps++;
        return 0;
}

static int fake_should_stop(connectd_ctx_t *ctx)
{
        (void)ctx;
        return 0;
}

static int fake_offset_get(connectd_ctx_t *ctx, const char *partition,
                           char *buf, size_t size)
{
        (void)ctx;
        snprintf(last_partition, sizeof(last_partition), "%s", partition);
        if (!fake_offset[0])
                return -1;
        snprintf(buf, size, "%s", fake_offset);
        return (int)strlen(fake_offset);
}

static const connectd_host_t host = {
        .abi_version = CONNECTD_ABI_VERSION,
        .struct_size = sizeof(connectd_host_t),
        .register_connector = fake_register,
        .log = fake_log,
        .config_get = fake_config_get,
        .config_count = fake_config_count,
        .config_entry = fake_config_entry,
        .config_set = fake_config_set,
        .task_config_add = fake_task_config_add,
        .sleep = fake_sleep,
        .should_stop = fake_should_stop,
        .offset_get = fake_offset_get,
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
        .alloc = malloc,
        .free = free,
};

/* ---- fixture ---------------------------------------------------------- */

static struct connectd_registry reg;
static const connectd_connector_desc_t *src, *snk;
static char dir[256], path[300];
static connectd_config_t cfg;
static batch_t *batch;
static char err[512];

static void setup(void)
{
        const char *tmp = getenv("TMPDIR");

        memset(&reg, 0, sizeof(reg));
        cr_assert_eq(filestream_plugin_init(&host, &reg), 0);
        cr_assert_eq(reg.n, 2);
        src = &reg.desc[0];
        snk = &reg.desc[1];
        snprintf(dir, sizeof(dir), "%s/fstestXXXXXX", tmp ? tmp : "/tmp");
        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/in.txt", dir);
        cfg.n = 0;
        fake_offset[0] = '\0';
        sleeps = 0;
        batch = batch_new();
        err[0] = '\0';
}

static void teardown(void)
{
        char p[400];

        config_clear(&cfg);
        batch_destroy(batch);
        unlink(path);
        snprintf(p, sizeof(p), "%s/out.txt", dir);
        unlink(p);
        rmdir(dir);
}

TestSuite(filestream, .init = setup, .fini = teardown);

static void write_file(const char *mode, const char *text)
{
        FILE *f = fopen(path, mode);

        cr_assert_not_null(f);
        fputs(text, f);
        fclose(f);
}

static char *read_all(const char *p)
{
        static char out[4096];
        FILE *f = fopen(p, "r");
        size_t n;

        cr_assert_not_null(f);
        n = fread(out, 1, sizeof(out) - 1, f);
        out[n] = '\0';
        fclose(f);
        return out;
}

static void spit_file(const char *p, const char *text)
{
        FILE *f = fopen(p, "w");

        cr_assert_not_null(f);
        fputs(text, f);
        fclose(f);
}

static void *start_source_task(void)
{
        void *st = NULL;

        cr_assert_eq(src->task_start(NULL, &cfg, &st, err, sizeof(err)), 0,
                     "%s", err);
        return st;
}

/* Poll once; check the records against lines/positions. */
static void expect_poll(void *st, size_t n, const char *const *lines,
                        const long long *pos)
{
        connectd_record_t *r;
        size_t i = 0, len;
        char want[64];

        batch_reset(batch);
        int got = src->task_poll(st, batch, err, sizeof(err));
        cr_assert_eq(got, (int)n, "poll gave %d, want %zu (%s)", got, n, err);
        for (r = batch->head; r; r = r->next, i++) {
                const char *d = value_data(r->value, &len);

                cr_assert_str_eq(r->topic, "lines");
                cr_assert_null(r->key);
                cr_assert_eq(value_type(r->value), CONNECTD_VAL_STRING);
                cr_assert_eq(len, strlen(lines[i]), "line %zu: [%.*s]", i,
                             (int)len, d);
                cr_assert(memcmp(d, lines[i], len) == 0);
                snprintf(want, sizeof(want), "{\"position\":%lld}", pos[i]);
                cr_assert_str_eq(r->source_offset, want);
                cr_assert_not_null(r->source_partition);
        }
        cr_assert_eq(i, n);
}

/* ---- tests ------------------------------------------------------------ */

Test(filestream, descriptors)
{
        cr_assert_str_eq(src->class_name,
                         "org.apache.kafka.connect.file.FileStreamSourceConnector");
        cr_assert_eq(src->type, CONNECTD_SOURCE);
        cr_assert_str_eq(src->version, "3.9.0");
        cr_assert_str_eq(src->aliases[0], "FileStreamSourceConnector");
        cr_assert_str_eq(src->aliases[1], "FileStreamSource");
        cr_assert_null(src->aliases[2]);
        cr_assert_str_eq(snk->class_name,
                         "org.apache.kafka.connect.file.FileStreamSinkConnector");
        cr_assert_eq(snk->type, CONNECTD_SINK);
        cr_assert_str_eq(snk->aliases[1], "FileStreamSink");

        const connectd_config_def_t *d = src->config_defs;
        cr_assert_str_eq(d[0].name, "file");
        cr_assert_null(d[0].default_value);
        cr_assert_eq(d[0].optional, 1);
        cr_assert_str_eq(d[1].name, "topic");
        cr_assert_null(d[1].default_value);
        cr_assert_eq(d[1].optional, 0);
        cr_assert_eq(d[1].validator("topic", "", err, sizeof(err)), -1);
        cr_assert_str_eq(err, "String must be non-empty");
        cr_assert_eq(d[1].validator("topic", "t", err, sizeof(err)), 0);
        cr_assert_str_eq(d[2].name, "batch.size");
        cr_assert_eq(d[2].type, CONNECTD_CFG_INT);
        cr_assert_str_eq(d[2].default_value, "2000");
        cr_assert_null(d[3].name);
        cr_assert_str_eq(snk->config_defs[0].name, "file");
        cr_assert_eq(snk->config_defs[0].optional, 1);
        cr_assert_null(snk->config_defs[1].name);
}

Test(filestream, task_configs)
{
        struct connectd_task_configs out = { 0 };
        void *st = NULL;

        fake_config_set(&cfg, "name", "src");
        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        fake_config_set(&cfg, "tasks.max", "4");
        cr_assert_eq(src->start(NULL, &cfg, &st, err, sizeof(err)), 0);
        cr_assert(strstr(last_log, path) != NULL, "%s", last_log);
        cr_assert_eq(src->task_configs(st, 4, &out, err, sizeof(err)), 0);
        cr_assert_eq(out.n, 1);
        cr_assert_eq(out.cfg[0].n, 4);
        cr_assert_str_eq(fake_config_get(&out.cfg[0], "file"), path);
        cr_assert_str_eq(fake_config_get(&out.cfg[0], "topic"), "lines");
        src->stop(st);
        config_clear(&out.cfg[0]);

        out.n = 0;
        cr_assert_eq(snk->start(NULL, &cfg, &st, err, sizeof(err)), 0);
        cr_assert_eq(snk->task_configs(st, 3, &out, err, sizeof(err)), 0);
        cr_assert_eq(out.n, 3);
        for (size_t i = 0; i < 3; i++) {
                cr_assert_str_eq(fake_config_get(&out.cfg[i], "name"), "src");
                config_clear(&out.cfg[i]);
        }
        snk->stop(st);
}

Test(filestream, source_reads_lines_with_all_terminators)
{
        static const char *const l1[] = { "a", "bb", "c" };
        static const long long p1[] = { 2, 6, 8 };
        static const char *const l2[] = { "d", "é" };
        static const long long p2[] = { 10, 13 };
        void *st;

        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        write_file("w", "a\nbb\r\nc\rd");
        st = start_source_task();
        expect_poll(st, 3, l1, p1);
        cr_assert(strncmp(last_partition, "{\"filename\":\"", 13) == 0,
                  "%s", last_partition);
        /* The partial line "d" waits for its terminator. */
        sleeps = 0;
        expect_poll(st, 0, NULL, NULL);
        cr_assert_eq(sleeps, 1);
        write_file("a", "\n\xc3\xa9\r");
        /* "é\r": a trailing \r waits to see whether \n follows. */
        expect_poll(st, 1, l2, p2);
        write_file("a", "\n");
        static const long long p3[] = { 14 };
        expect_poll(st, 1, l2 + 1, p3);
        src->task_stop(st);
}

Test(filestream, source_partition_json)
{
        void *st;
        static const char *const l[] = { "x" };
        static const long long p[] = { 2 };
        char want[400];

        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        write_file("w", "x\n");
        st = start_source_task();
        expect_poll(st, 1, l, p);
        snprintf(want, sizeof(want), "{\"filename\":\"%s\"}", path);
        cr_assert_str_eq(last_partition, want);
        cr_assert_str_eq(batch->head->source_partition, want);
        src->task_stop(st);
}

Test(filestream, source_batch_size_limits_each_poll)
{
        static const char *const l[] = { "1", "2", "3", "4", "5" };
        static const long long p[] = { 2, 4, 6, 8, 10 };
        void *st;

        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        fake_config_set(&cfg, "batch.size", "2");
        write_file("w", "1\n2\n3\n4\n5\n");
        st = start_source_task();
        expect_poll(st, 2, l, p);
        expect_poll(st, 2, l + 2, p + 2);
        expect_poll(st, 1, l + 4, p + 4);
        src->task_stop(st);
}

Test(filestream, source_resumes_from_committed_offset)
{
        static const char *const l[] = { "third" };
        static const long long p[] = { 19 };
        void *st;

        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        write_file("w", "first\nsecond\nthird\n");
        snprintf(fake_offset, sizeof(fake_offset), "{\"position\":13}");
        st = start_source_task();
        expect_poll(st, 1, l, p);
        src->task_stop(st);
}

Test(filestream, source_bad_offset_type_fails)
{
        void *st;

        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        write_file("w", "x\n");
        snprintf(fake_offset, sizeof(fake_offset), "{\"position\":\"abc\"}");
        st = start_source_task();
        cr_assert_eq(src->task_poll(st, batch, err, sizeof(err)), -1);
        cr_assert_str_eq(err, "Offset position is the incorrect type");
        src->task_stop(st);
}

Test(filestream, source_waits_for_missing_file)
{
        static const char *const l[] = { "late" };
        static const long long p[] = { 5 };
        void *st;

        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        st = start_source_task();
        cr_assert_eq(src->task_poll(st, batch, err, sizeof(err)), 0);
        cr_assert_eq(sleeps, 1);
        cr_assert(strstr(last_log, "Couldn't find file") != NULL);
        write_file("w", "late\n");
        expect_poll(st, 1, l, p);
        src->task_stop(st);
}

Test(filestream, source_config_errors)
{
        void *st = NULL;

        fake_config_set(&cfg, "file", path);
        cr_assert_eq(src->task_start(NULL, &cfg, &st, err, sizeof(err)), -1);
        cr_assert_str_eq(err, "FileStreamSourceTask config missing topic setting");
        fake_config_set(&cfg, "topic", "lines");
        fake_config_set(&cfg, "batch.size", "many");
        cr_assert_eq(src->task_start(NULL, &cfg, &st, err, sizeof(err)), -1);
        cr_assert(strstr(err, "Invalid FileStreamSourceTask configuration") != NULL);
}

Test(filestream, source_long_lines_grow_the_buffer)
{
        static char line[200001];
        const char *l[1] = { line };
        long long p[1] = { 200001 };
        void *st;

        memset(line, 'q', sizeof(line) - 1);
        fake_config_set(&cfg, "file", path);
        fake_config_set(&cfg, "topic", "lines");
        write_file("w", line);
        write_file("a", "\n");
        st = start_source_task();
        expect_poll(st, 1, l, p);
        src->task_stop(st);
}

Test(filestream, sink_appends_text_lines_and_flushes)
{
        char out[400];
        void *st = NULL;
        connectd_record_t *r = record_add(batch, "t");
        connectd_value_t *s = value_struct(r, "S");
        connectd_sink_record_t recs[4] = { 0 };
        const connectd_sink_record_t *ptrs[4];

        snprintf(out, sizeof(out), "%s/out.txt", dir);
        FILE *f = fopen(out, "w");
        fputs("old\n", f);
        fclose(f);
        struct_put(r, s, "a", value_string(r, "x", 1));
        struct_put(r, s, "b", value_int64(r, 2));
        recs[0].value = value_string(r, "hello", 5);
        recs[1].value = s;
        recs[2].value = NULL;
        recs[3].value = value_float64(r, 1.5);
        for (int i = 0; i < 4; i++)
                ptrs[i] = &recs[i];
        fake_config_set(&cfg, "file", out);
        cr_assert_eq(snk->task_start(NULL, &cfg, &st, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(snk->task_put(st, ptrs, 4, err, sizeof(err)), 0);
        cr_assert_eq(snk->task_flush(st, err, sizeof(err)), 0);
        cr_assert_str_eq(read_all(out),
                         "old\nhello\nStruct{a=x,b=2}\nnull\n1.5\n");
        snk->task_stop(st);
}

/* Decode each JSON text with JsonConverter (schemas.enable as given), put
 * the values through the sink and compare the file with `want`. */
static void sink_json_lines(int schemas, const char *const *json, size_t n,
                            const char *want)
{
        char out[400];
        void *st = NULL;
        connectd_sink_record_t recs[16];
        const connectd_sink_record_t *ptrs[16];
        json_t *props = json_pack("{s:s}", "schemas.enable",
                                  schemas ? "true" : "false");
        converter_t *cv;

        cr_assert(n <= 16);
        cv = converter_new("JsonConverter", props, 0, err, sizeof(err));
        json_decref(props);
        cr_assert_not_null(cv, "%s", err);
        memset(recs, 0, sizeof(recs));
        for (size_t i = 0; i < n; i++) {
                recs[i].value = converter_to_connect(
                        cv, "t", json[i], strlen(json[i]), batch->arena,
                        err, sizeof(err));
                cr_assert_not_null(recs[i].value, "%s: %s", json[i], err);
                ptrs[i] = &recs[i];
        }
        converter_destroy(cv);
        snprintf(out, sizeof(out), "%s/out.txt", dir);
        fake_config_set(&cfg, "file", out);
        cr_assert_eq(snk->task_start(NULL, &cfg, &st, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(snk->task_put(st, ptrs, n, err, sizeof(err)), 0);
        cr_assert_eq(snk->task_flush(st, err, sizeof(err)), 0);
        cr_assert_str_eq(read_all(out), want);
        snk->task_stop(st);
}

/* A schemaless JSON object is a java.util.HashMap in Connect, and Java's
 * FileStreamSinkTask println()s it as AbstractMap.toString: "{k=v, k=v}",
 * null entries included, in HashMap iteration order. The expected lines
 * were printed by a JVM putting the same keys into a HashMap. */
Test(filestream, sink_schemaless_map_prints_like_java_hashmap)
{
        static const char *const json[] = {
                "{\"apple\":1,\"banana\":2,\"cherry\":3}",
                "{\"name\":1,\"age\":2,\"city\":3,\"b\":4,\"a\":5}",
                "{\"Aa\":1,\"BB\":2,\"z\":3}",
                "{\"\\ud83d\\ude00x\":1,\"a\":2,\"\u00e9\":3}",
                "{\"k0\":1,\"k1\":2,\"k2\":3,\"k3\":4,\"k4\":5,\"k5\":6,"
                "\"k6\":7,\"k7\":8,\"k8\":9,\"k9\":10,\"k10\":11,"
                "\"k11\":12,\"k12\":13}",
                "{\"a\":null,\"b\":1.5,\"c\":true,"
                "\"d\":{\"y\":1,\"x\":\"s\"},\"e\":{}}",
                "{}",
                "{\"l\":[1,\"a\",null,{\"y\":1,\"x\":[]}]}",
        };

        sink_json_lines(0, json, sizeof(json) / sizeof(json[0]),
                        "{banana=2, apple=1, cherry=3}\n"
                        "{a=5, b=4, city=3, name=1, age=2}\n"
                        "{Aa=1, BB=2, z=3}\n"
                        "{a=2, \xf0\x9f\x98\x80x=1, \u00e9=3}\n"
                        "{k0=1, k1=2, k2=3, k3=4, k4=5, k5=6, k11=12, k6=7, "
                        "k10=11, k7=8, k8=9, k12=13, k9=10}\n"
                        "{a=null, b=1.5, c=true, d={x=s, y=1}, e={}}\n"
                        "{}\n"
                        "{l=[1, a, null, {x=[], y=1}]}\n");
}

/* A schemaless JSON array is a java.util.ArrayList: "[1, 2]", elements
 * printed by their own toString (maps in HashMap order). */
Test(filestream, sink_schemaless_list_prints_like_java_arraylist)
{
        static const char *const json[] = {
                "[1,2.5,\"x\",true,null]",
                "[]",
                "[[1,[]],{\"banana\":1,\"apple\":2}]",
        };

        sink_json_lines(0, json, sizeof(json) / sizeof(json[0]),
                        "[1, 2.5, x, true, null]\n[]\n"
                        "[[1, []], {banana=1, apple=2}]\n");
}

/* Schemaless primitives and null: String as is, Long in decimal, Double
 * like Double.toString, Boolean, println(null) -> "null". */
Test(filestream, sink_schemaless_primitives_print_like_java)
{
        static const char *const json[] = {
                "\"text\"", "42", "-7", "1e7", "100.0", "0.001", "true",
                "false", "null",
        };

        sink_json_lines(0, json, sizeof(json) / sizeof(json[0]),
                        "text\n42\n-7\n1.0E7\n100.0\n0.001\ntrue\n"
                        "false\nnull\n");
}

/* With a schema an object is a Struct: Struct{name=value,...} in schema
 * order, null fields left out, no blanks; a nested Struct likewise. */
Test(filestream, sink_struct_prints_like_connect_struct)
{
        static const char *const json[] = {
                "{\"schema\":{\"type\":\"struct\",\"fields\":["
                "{\"field\":\"z\",\"type\":\"int64\"},"
                "{\"field\":\"n\",\"type\":\"string\",\"optional\":true},"
                "{\"field\":\"a\",\"type\":\"double\"},"
                "{\"field\":\"s\",\"type\":\"struct\",\"fields\":["
                "{\"field\":\"b\",\"type\":\"boolean\"}]}]},"
                "\"payload\":{\"a\":2.5,\"z\":1,\"n\":null,"
                "\"s\":{\"b\":true}}}",
        };

        sink_json_lines(1, json, 1, "Struct{z=1,a=2.5,s=Struct{b=true}}\n");
}

/* Arrays and maps that come with a schema print like Java's ArrayList and
 * HashMap too (they used to be written as their JSON text); an int32 and
 * a float print as Integer and Float. */
Test(filestream, sink_schema_array_map_and_narrow_types)
{
        static const char *const json[] = {
                "{\"schema\":{\"type\":\"array\",\"items\":"
                "{\"type\":\"int32\"}},\"payload\":[1,2,3]}",
                "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":"
                "\"int32\"},\"values\":{\"type\":\"string\"}},"
                "\"payload\":[[20,\"a\"],[17,\"b\"]]}",
                "{\"schema\":{\"type\":\"float\"},\"payload\":0.1}",
                "{\"schema\":{\"type\":\"struct\",\"fields\":["
                "{\"field\":\"m\",\"type\":\"map\",\"keys\":"
                "{\"type\":\"string\"},\"values\":{\"type\":\"int8\"}}]},"
                "\"payload\":{\"m\":{\"banana\":1,\"apple\":2}}}",
        };

        sink_json_lines(1, json, sizeof(json) / sizeof(json[0]),
                        "[1, 2, 3]\n{17=b, 20=a}\n0.1\n"
                        "Struct{m={banana=1, apple=2}}\n");
}

Test(filestream, sink_large_value)
{
        char out[400];
        static char big[10000];
        void *st = NULL;
        connectd_record_t *r = record_add(batch, "t");
        connectd_sink_record_t rec = { 0 };
        const connectd_sink_record_t *ptr = &rec;

        memset(big, 'z', sizeof(big));
        snprintf(out, sizeof(out), "%s/out.txt", dir);
        rec.value = value_string(r, big, sizeof(big));
        fake_config_set(&cfg, "file", out);
        cr_assert_eq(snk->task_start(NULL, &cfg, &st, err, sizeof(err)), 0);
        cr_assert_eq(snk->task_put(st, &ptr, 1, err, sizeof(err)), 0);
        snk->task_stop(st);
        const char *got = read_all(out);
        cr_assert_eq(strlen(got), 4095); /* read_all caps at 4095 */
        FILE *f = fopen(out, "r");
        fseek(f, 0, SEEK_END);
        cr_assert_eq(ftell(f), (long)sizeof(big) + 1);
        fclose(f);
}

/* Size of p, and whether it is empty or ends with '\n'. */
static long file_size_whole(const char *p, int *whole)
{
        FILE *f = fopen(p, "r");
        long n;

        cr_assert_not_null(f);
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        *whole = 1;
        if (n > 0) {
                fseek(f, n - 1, SEEK_SET);
                *whole = fgetc(f) == '\n';
        }
        fclose(f);
        return n;
}

static void sink_put_text(void *st, const char *text)
{
        connectd_record_t *r = record_add(batch, "t");
        connectd_sink_record_t rec = { 0 };
        const connectd_sink_record_t *ptr = &rec;

        rec.value = value_string(r, text, strlen(text));
        cr_assert_eq(snk->task_put(st, &ptr, 1, err, sizeof(err)), 0, "%s",
                     err);
}

/* A crash during a write leaves a partial last line; the task opening the
 * file again cuts it back to the last newline, so the re-delivered records
 * start on a line of their own instead of being glued to the torn bytes. */
Test(filestream, sink_reopen_cuts_torn_tail)
{
        static const struct {
                const char *before, *after;
                int torn;
        } cases[] = {
                { "0429\n0430\n0", "0429\n0430\n0431\n0432\n", 1 },
                { "04", "0431\n0432\n", 1 },             /* no newline */
                { "0429\n", "0429\n0431\n0432\n", 0 }, /* untouched */
                { "", "0431\n0432\n", 0 },
        };
        char out[400];

        snprintf(out, sizeof(out), "%s/out.txt", dir);
        fake_config_set(&cfg, "file", out);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                void *st = NULL;

                spit_file(out, cases[i].before);
                last_log[0] = '\0';
                cr_assert_eq(snk->task_start(NULL, &cfg, &st, err,
                                             sizeof(err)), 0, "%s", err);
                sink_put_text(st, "0431");
                sink_put_text(st, "0432");
                cr_assert_eq(snk->task_flush(st, err, sizeof(err)), 0);
                cr_assert_str_eq(read_all(out), cases[i].after,
                                 "case %zu", i);
                cr_assert_eq(strstr(last_log, "partial line") != NULL,
                             cases[i].torn, "case %zu: log [%s]", i,
                             last_log);
                snk->task_stop(st);
                unlink(out);
        }
}

/* Buffered output reaches the file in whole lines only, also around a
 * record larger than any buffer, so a kill -9 between two writes never
 * leaves half a line. */
Test(filestream, sink_writes_only_whole_lines)
{
        char out[400], line[64];
        static char big[200001];
        void *st = NULL;
        long size = 0, prev = -1;
        int whole, i, grew = 0;

        snprintf(out, sizeof(out), "%s/out.txt", dir);
        fake_config_set(&cfg, "file", out);
        memset(big, 'b', sizeof(big) - 1);
        cr_assert_eq(snk->task_start(NULL, &cfg, &st, err, sizeof(err)), 0,
                     "%s", err);
        for (i = 0; i < 6000; i++) {
                if (i == 3000)
                        sink_put_text(st, big);
                snprintf(line, sizeof(line), "record-%05d-%.*s", i, i % 23,
                         "xxxxxxxxxxxxxxxxxxxxxxx");
                sink_put_text(st, line);
                batch_reset(batch);
                size = file_size_whole(out, &whole);
                cr_assert(whole, "after record %d the file (%ld bytes) ends "
                          "inside a line", i, size);
                if (size != prev)
                        grew++;
                prev = size;
        }
        cr_assert_gt(grew, 2, "the buffer was never written before flush");
        cr_assert_eq(snk->task_flush(st, err, sizeof(err)), 0);
        size = file_size_whole(out, &whole);
        cr_assert(whole);
        snk->task_stop(st);
        /* Every line is whole and in order. */
        {
                FILE *f = fopen(out, "r");
                static char got[sizeof(big) + 100];
                int n = 0, saw_big = 0;

                cr_assert_not_null(f);
                while (fgets(got, sizeof(got), f)) {
                        if (n == 3000 && !saw_big) {
                                cr_assert_eq(strlen(got), sizeof(big));
                                cr_assert_eq(got[0], 'b');
                                saw_big = 1;
                                continue;
                        }
                        snprintf(line, sizeof(line), "record-%05d-%.*s\n", n,
                                 n % 23, "xxxxxxxxxxxxxxxxxxxxxxx");
                        cr_assert_str_eq(got, line);
                        n++;
                }
                fclose(f);
                cr_assert_eq(n, 6000);
                cr_assert(saw_big);
        }
}

Test(filestream, sink_unopenable_file_fails)
{
        char bad[400];
        void *st = NULL;

        snprintf(bad, sizeof(bad), "%s/no/such/dir/out.txt", dir);
        fake_config_set(&cfg, "file", bad);
        cr_assert_eq(snk->task_start(NULL, &cfg, &st, err, sizeof(err)), -1);
        cr_assert(strstr(err, "Couldn't find or create file") != NULL, "%s", err);
}

Test(filestream, source_stdin_without_offsets_never_blocks)
{
        int fds[2], saved = dup(STDIN_FILENO);
        void *st;
        size_t len;

        cr_assert_eq(pipe(fds), 0);
        cr_assert_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
        close(fds[0]);
        fake_config_set(&cfg, "topic", "lines");
        st = start_source_task();
        cr_assert_eq(write(fds[1], "one\ntw", 6), 6);
        batch_reset(batch);
        cr_assert_eq(src->task_poll(st, batch, err, sizeof(err)), 1, "%s", err);
        cr_assert(memcmp(value_data(batch->head->value, &len), "one", 3) == 0);
        cr_assert_eq(len, 3);
        cr_assert_null(batch->head->source_partition);
        cr_assert_null(batch->head->source_offset);
        /* Nothing complete and the pipe is still open: returns at once. */
        batch_reset(batch);
        cr_assert_eq(src->task_poll(st, batch, err, sizeof(err)), 0);
        cr_assert_eq(write(fds[1], "o\n", 2), 2);
        cr_assert_eq(src->task_poll(st, batch, err, sizeof(err)), 1);
        cr_assert(memcmp(value_data(batch->head->value, &len), "two", 3) == 0);
        src->task_stop(st);
        close(fds[1]);
        dup2(saved, STDIN_FILENO);
        close(saved);
}
