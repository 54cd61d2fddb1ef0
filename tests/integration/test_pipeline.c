/*
 * The record pipeline through the real binary: transforms on the source
 * path (before the converters) and on the sink path (after them, before
 * put), the order of the stages as error reports name them, and the
 * offsets of dropped and tolerated records.
 */
#include <criterion/criterion.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define STRK "\"key.converter\":\"org.apache.kafka.connect.storage." \
             "StringConverter\""
#define JSONV "\"value.converter\":\"org.apache.kafka.connect.json." \
              "JsonConverter\",\"value.converter.schemas.enable\":\"false\""

/* Produces values (keys k0, k1, ...) to partition 0 of topic. */
static void produce(const char *bootstrap, const char *topic,
                    const char *const *values, int n)
{
        char errstr[256], key[16];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *rk;
        int i;

        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        cr_assert(rk, "%s", errstr);
        for (i = 0; i < n; i++) {
                snprintf(key, sizeof(key), "k%d", i);
                cr_assert_eq(rd_kafka_producev(
                                     rk, RD_KAFKA_V_TOPIC(topic),
                                     RD_KAFKA_V_PARTITION(0),
                                     RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                     RD_KAFKA_V_KEY(key, strlen(key)),
                                     RD_KAFKA_V_VALUE((void *)values[i],
                                                      strlen(values[i])),
                                     RD_KAFKA_V_END),
                             0);
        }
        cr_assert_eq(rd_kafka_flush(rk, 20000), 0);
        rd_kafka_destroy(rk);
}

typedef struct {
        const char *path;
        const char *want;
} file_wait_t;

static int file_is(void *arg)
{
        file_wait_t *fw = arg;
        char *s = slurp(fw->path);
        int ok = s && !strcmp(s, fw->want);

        free(s);
        return ok;
}

typedef struct {
        const worker_t *w;
        const char *name;
        const char *field; /* "position" (source) or "kafka_offset" */
        long long want;
} offset_wait_t;

static int offset_is(void *arg)
{
        offset_wait_t *ow = arg;
        char path[256];
        http_resp_t *r;
        json_t *off;
        int ok;

        snprintf(path, sizeof(path), "/connectors/%s/offsets", ow->name);
        r = http_req(ow->w, "GET", path, NULL, NULL);
        off = json_object_get(json_object_get(json_array_get(json_object_get(
                                      r->json, "offsets"), 0), "offset"),
                              ow->field);
        ok = r->status == 200 && off && json_integer_value(off) == ow->want;
        http_resp_free(r);
        return ok;
}

typedef struct {
        const worker_t *w;
        const char *text;
} log_wait_t;

static int log_has(void *arg)
{
        log_wait_t *lw = arg;
        char *s = worker_stderr(lw->w);
        int ok = s && strstr(s, lw->text) != NULL;

        free(s);
        return ok;
}

static char *task_trace(const worker_t *w, const char *name)
{
        char path[256];
        json_t *j;
        const char *t;
        char *trace;

        snprintf(path, sizeof(path), "/connectors/%s/status", name);
        j = http_json(w, "GET", path, NULL, 200);
        t = json_string_value(json_object_get(
                json_array_get(json_object_get(j, "tasks"), 0), "trace"));
        trace = strdup(t ? t : "");
        json_decref(j);
        return trace;
}

static void post(const worker_t *w, const char *fmt, const char *a)
{
        char *body;

        cr_assert(asprintf(&body, fmt, a) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
}

/* Stops the worker and checks it exited cleanly: under the sanitizer
 * build a leak or a memory error shows as a non-zero exit. */
static void stop_clean(worker_t *w)
{
        int rc = worker_stop(w);
        char *log = NULL;

        if (rc != 0) {
                log = worker_stderr(w);
                cr_assert_eq(rc, 0, "worker exit status %d: %s", rc,
                             log ? log + (strlen(log) > 4000
                                                  ? strlen(log) - 4000
                                                  : 0)
                                 : "");
        }
        free(log);
        worker_free(w);
}

Test(pipeline, source_transform_runs_before_the_converters, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[300], *got;

        worker_path(w, "in.txt", in, sizeof(in));
        cr_assert_eq(spit(in, "a\nb\n", 0), 0);
        post(w,
             "{\"name\":\"src\",\"config\":{\"connector.class\":"
             "\"FileStreamSource\",\"file\":\"%s\",\"topic\":\"hoisted\","
             STRK "," JSONV ",\"transforms\":\"h\","
             "\"transforms.h.type\":\"org.apache.kafka.connect.transforms."
             "HoistField$Value\",\"transforms.h.field\":\"line\"}}",
             in);
        got = kcat_consume(w->bootstrap, "hoisted", 2, "%s\n", 30000);
        cr_assert_str_eq(got, "{\"line\":\"a\"}\n{\"line\":\"b\"}\n");
        free(got);
        stop_clean(w);
}

Test(pipeline, source_transform_error_tolerated_offsets_still_advance,
     .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[300];
        offset_wait_t ow = { w, "src", "position", 4 };
        log_wait_t lw = {
                w, "Error encountered in task src-0. Executing stage "
                   "'TRANSFORMATION' with class 'org.apache.kafka.connect."
                   "transforms.Cast$Value'."
        };

        worker_path(w, "in.txt", in, sizeof(in));
        cr_assert_eq(spit(in, "a\nb\n", 0), 0);
        /* Cast on a string value: a DataException in every record. */
        post(w,
             "{\"name\":\"src\",\"config\":{\"connector.class\":"
             "\"FileStreamSource\",\"file\":\"%s\",\"topic\":\"cast\","
             STRK "," JSONV ",\"transforms\":\"c\","
             "\"transforms.c.type\":\"org.apache.kafka.connect.transforms."
             "Cast$Value\",\"transforms.c.spec\":\"a:int32\","
             "\"errors.tolerance\":\"all\",\"errors.log.enable\":\"true\"}}",
             in);
        cr_assert(wait_until(log_has, &lw, 30000), "no error line");
        /* Nothing produced, yet the source offsets pass both lines. */
        cr_assert(wait_until(offset_is, &ow, 30000),
                  "source offset did not reach 4");
        cr_assert(topic_count(w->bootstrap, "cast") <= 0);
        cr_assert(wait_status(w, "src", "RUNNING", 1, "RUNNING", 5000));
        stop_clean(w);
}

Test(pipeline, source_transform_error_fails_with_none, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[300], *trace;

        worker_path(w, "in.txt", in, sizeof(in));
        cr_assert_eq(spit(in, "a\n", 0), 0);
        post(w,
             "{\"name\":\"src\",\"config\":{\"connector.class\":"
             "\"FileStreamSource\",\"file\":\"%s\",\"topic\":\"cast\","
             STRK "," JSONV ",\"transforms\":\"c\","
             "\"transforms.c.type\":\"org.apache.kafka.connect.transforms."
             "Cast$Value\",\"transforms.c.spec\":\"a:int32\"}}",
             in);
        cr_assert(wait_status(w, "src", "RUNNING", 1, "FAILED", 30000));
        trace = task_trace(w, "src");
        cr_assert(!strncmp(trace,
                           "org.apache.kafka.connect.errors."
                           "ConnectException: Tolerance exceeded in error "
                           "handler\n",
                           60),
                  "trace: %s", trace);
        cr_assert(strstr(trace, "Caused by: org.apache.kafka.connect.errors."
                                "DataException: Only Struct objects "
                                "supported for [cast types], found: "
                                "java.lang.String"),
                  "trace: %s", trace);
        free(trace);
        stop_clean(w);
}

Test(pipeline, sink_put_sees_the_transformed_record_and_stages_in_order,
     .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char out[300];
        static const char *const values[] = {
                "{\"a\":\"one\",\"b\":1}", "{bad", "\"str\"",
                "{\"b\":2,\"a\":\"two\"}"
        };
        file_wait_t fw;
        offset_wait_t ow = { w, "snk", "kafka_offset", 4 };
        log_wait_t conv = {
                w, "Error encountered in task snk-0. Executing stage "
                   "'VALUE_CONVERTER' with class 'org.apache.kafka.connect."
                   "json.JsonConverter'."
        };
        log_wait_t xf = {
                w, "Error encountered in task snk-0. Executing stage "
                   "'TRANSFORMATION' with class 'org.apache.kafka.connect."
                   "transforms.ReplaceField$Value'."
        };

        produce(w->bootstrap, "pin", values, 4);
        worker_path(w, "out.txt", out, sizeof(out));
        post(w,
             "{\"name\":\"snk\",\"config\":{\"connector.class\":"
             "\"FileStreamSink\",\"file\":\"%s\",\"topics\":\"pin\","
             STRK "," JSONV ",\"transforms\":\"e\","
             "\"transforms.e.type\":\"org.apache.kafka.connect.transforms."
             "ReplaceField$Value\",\"transforms.e.include\":\"a\","
             "\"errors.tolerance\":\"all\",\"errors.log.enable\":\"true\"}}",
             out);
        fw.path = out;
        fw.want = "{a=one}\n{a=two}\n";
        cr_assert(wait_until(file_is, &fw, 30000), "sink file: %s",
                  slurp(out));
        /* The malformed record failed in the converter (the transform
         * never saw it); the string value failed in the transform. */
        cr_assert(wait_until(log_has, &conv, 10000));
        cr_assert(wait_until(log_has, &xf, 10000));
        cr_assert(wait_until(offset_is, &ow, 30000),
                  "sink offsets did not pass the failed records");
        cr_assert(wait_status(w, "snk", "RUNNING", 1, "RUNNING", 5000));
        stop_clean(w);
}

Test(pipeline, put_failure_fails_the_task_even_with_tolerance_all,
     .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char *big = malloc(100001), *trace;
        const char *values[1];

        /* Longer than the FileStream sink's buffer: put writes it at once,
         * and /dev/full refuses it. */
        memset(big, 'x', 100000);
        big[100000] = '\0';
        values[0] = big;
        produce(w->bootstrap, "full", values, 1);
        post(w,
             "{\"name\":\"f\",\"config\":{\"connector.class\":"
             "\"FileStreamSink\",\"file\":\"%s\",\"topics\":\"full\","
             STRK ",\"value.converter\":\"org.apache.kafka.connect.storage."
             "StringConverter\",\"errors.tolerance\":\"all\"}}",
             "/dev/full");
        cr_assert(wait_status(w, "f", "RUNNING", 1, "FAILED", 30000));
        trace = task_trace(w, "f");
        cr_assert(!strncmp(trace,
                           "org.apache.kafka.connect.errors."
                           "ConnectException: Exiting WorkerSinkTask due to "
                           "unrecoverable exception.\nCaused by: ",
                           strlen("org.apache.kafka.connect.errors."
                                  "ConnectException: Exiting WorkerSinkTask "
                                  "due to unrecoverable exception.\nCaused "
                                  "by: ")),
                  "trace: %s", trace);
        free(trace);
        free(big);
        stop_clean(w);
}

/* ---- with the real transforms and the test plugin `records` ---------- */

/* A worker whose plugin.path holds only the test plugin records.so. */
static worker_t *start_records(char **plugdir)
{
        const char *b = getenv("CONNECTD_BUILD_DIR");
        char props[1024], cmd[2048];

        cr_assert(b && *b, "CONNECTD_BUILD_DIR is not set");
        *plugdir = tmpdir_new("recplug");
        snprintf(cmd, sizeof(cmd), "cp '%s/test-plugins/records.so' '%s/'",
                 b, *plugdir);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        snprintf(props, sizeof(props), "plugin.path=%s\n", *plugdir);
        return worker_start(props, NULL);
}

Test(pipeline, source_records_carry_timestamps_and_headers, .timeout = 120)
{
        char *plugdir, *got;
        worker_t *w = start_records(&plugdir);

        post(w,
             "{\"name\":\"rs\",\"config\":{\"connector.class\":"
             "\"com.example.test.RecordsSourceConnector\",\"topic\":\"%s\","
             "\"count\":\"3\"," STRK ",\"value.converter\":"
             "\"org.apache.kafka.connect.storage.StringConverter\"}}",
             "recs");
        got = kcat_consume(w->bootstrap, "recs", 3, "%k|%T|%h\n", 30000);
        cr_assert_str_eq(got, "0|1700000000000|h=a,h=b,n=0\n"
                              "1|1700000000001|h=a,h=b,n=1\n"
                              "2|1700000000002|h=a,h=b,n=2\n");
        free(got);
        stop_clean(w);
        rm_rf(plugdir);
        free(plugdir);
}

Test(pipeline, source_chain_routes_and_inserts, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[300], *got, *line, *save = NULL;
        const char *want_line[] = {"a", "b"};
        int i = 0;

        worker_path(w, "in.txt", in, sizeof(in));
        cr_assert_eq(spit(in, "a\nb\n", 0), 0);
        /* Four transforms by their class names: HoistField makes a struct
         * of the line, InsertField adds a static field and the topic,
         * ValueToKey makes the key from the line, RegexRouter renames the
         * topic afterwards. */
        post(w,
             "{\"name\":\"src\",\"config\":{\"connector.class\":"
             "\"FileStreamSource\",\"file\":\"%s\",\"topic\":\"lines-raw\","
             STRK "," JSONV ",\"transforms\":\"h,i,k,r\","
             "\"transforms.h.type\":\"org.apache.kafka.connect.transforms."
             "HoistField$Value\",\"transforms.h.field\":\"line\","
             "\"transforms.i.type\":\"org.apache.kafka.connect.transforms."
             "InsertField$Value\",\"transforms.i.static.field\":\"src\","
             "\"transforms.i.static.value\":\"file\","
             "\"transforms.i.topic.field\":\"t\","
             "\"transforms.k.type\":\"org.apache.kafka.connect.transforms."
             "ValueToKey\",\"transforms.k.fields\":\"line\","
             "\"transforms.r.type\":\"org.apache.kafka.connect.transforms."
             "RegexRouter\","
             "\"transforms.r.regex\":\"(.*)-raw\","
             "\"transforms.r.replacement\":\"$1\"}}",
             in);
        got = kcat_consume(w->bootstrap, "lines", 2, "%k\t%s\n", 30000);
        cr_assert_not_null(got);
        for (line = strtok_r(got, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save), i++) {
                /* key TAB value; the value compared as JSON (the member
                 * order is the converter's). */
                char *tab = strchr(line, '\t'), wantkey[64];
                json_t *v, *want;

                cr_assert(i < 2, "extra record: %s", line);
                cr_assert(tab, "no key: %s", line);
                *tab = '\0';
                /* StringConverter writes the key struct's toString. */
                snprintf(wantkey, sizeof(wantkey), "Struct{line=%s}",
                         want_line[i]);
                cr_assert_str_eq(line, wantkey);
                v = json_loads(tab + 1, 0, NULL);
                want = json_pack("{s:s,s:s,s:s}", "line", want_line[i],
                                 "src", "file", "t", "lines-raw");
                cr_assert(json_equal(v, want), "value %d: %s", i, tab + 1);
                json_decref(v);
                json_decref(want);
        }
        cr_assert_eq(i, 2);
        free(got);
        cr_assert(topic_count(w->bootstrap, "lines-raw") <= 0);
        stop_clean(w);
}

/* A Filter with a TopicNameMatches predicate on two sources sharing the
 * chain: the records of the matching topic are dropped, every other one
 * reaches Kafka, and the dropped ones' source offsets still advance. */
Test(pipeline, filter_with_predicate_drops_exactly_the_matching_records,
     .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char keep[300], drop[300], *got;
        offset_wait_t ow = { w, "drop-src", "position", 6 };
        static const char chain[] =
                "\"value.converter\":\"org.apache.kafka.connect.storage."
                "StringConverter\",\"transforms\":\"f\","
                "\"transforms.f.type\":\"org.apache.kafka.connect."
                "transforms.Filter\","
                "\"transforms.f.predicate\":\"isTest\","
                "\"predicates\":\"isTest\","
                "\"predicates.isTest.type\":\"org.apache.kafka.connect."
                "transforms.predicates.TopicNameMatches\","
                "\"predicates.isTest.pattern\":\".*-test\"";
        char *body;

        worker_path(w, "keep.txt", keep, sizeof(keep));
        worker_path(w, "drop.txt", drop, sizeof(drop));
        cr_assert_eq(spit(drop, "d1\nd2\n", 0), 0);
        cr_assert_eq(spit(keep, "k1\nk2\nk3\n", 0), 0);
        cr_assert(asprintf(&body,
                           "{\"name\":\"drop-src\",\"config\":{"
                           "\"connector.class\":\"FileStreamSource\","
                           "\"file\":\"%s\",\"topic\":\"orders-test\",%s}}",
                           drop, chain) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(asprintf(&body,
                           "{\"name\":\"keep-src\",\"config\":{"
                           "\"connector.class\":\"FileStreamSource\","
                           "\"file\":\"%s\",\"topic\":\"orders\",%s}}",
                           keep, chain) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        got = kcat_consume(w->bootstrap, "orders", 3, "%s\n", 30000);
        cr_assert_str_eq(got, "k1\nk2\nk3\n");
        free(got);
        /* Both lines of the other file were read and dropped... */
        cr_assert(wait_until(offset_is, &ow, 30000),
                  "drop-src did not pass its two lines");
        /* ...and none of them reached Kafka. */
        cr_assert(topic_count(w->bootstrap, "orders-test") <= 0);
        cr_assert_eq(topic_count(w->bootstrap, "orders"), 3);
        stop_clean(w);
}

/* Produces to partition 0: values (NULL: a tombstone), keys k0, k1, ... */
static void produce_nullable(const char *bootstrap, const char *topic,
                             const char *const *values, int n)
{
        char errstr[256], key[16];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *rk;
        int i;

        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        cr_assert(rk, "%s", errstr);
        for (i = 0; i < n; i++) {
                snprintf(key, sizeof(key), "k%d", i);
                cr_assert_eq(rd_kafka_producev(
                                     rk, RD_KAFKA_V_TOPIC(topic),
                                     RD_KAFKA_V_PARTITION(0),
                                     RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                     RD_KAFKA_V_KEY(key, strlen(key)),
                                     RD_KAFKA_V_VALUE((void *)values[i],
                                                      values[i]
                                                              ? strlen(values[i])
                                                              : 0),
                                     RD_KAFKA_V_TIMESTAMP(1700000000000LL + i),
                                     RD_KAFKA_V_END),
                             0);
        }
        cr_assert_eq(rd_kafka_flush(rk, 20000), 0);
        rd_kafka_destroy(rk);
}

Test(pipeline, sink_chain_filters_routes_and_adds_headers, .timeout = 120)
{
        char *plugdir;
        worker_t *w = start_records(&plugdir);
        char out[300];
        static const char *const values[] = { "\"a\"", NULL, "\"b\"" };
        file_wait_t fw;
        offset_wait_t ow = { w, "rsk", "kafka_offset", 3 };

        produce_nullable(w->bootstrap, "orders-raw", values, 3);
        worker_path(w, "out.txt", out, sizeof(out));
        /* Filter drops tombstones (predicate), RegexRouter renames the
         * topic, InsertHeader adds a header: put sees all of it, at the
         * original offsets. */
        post(w,
             "{\"name\":\"rsk\",\"config\":{\"connector.class\":"
             "\"com.example.test.RecordsSinkConnector\",\"file\":\"%s\","
             "\"topics\":\"orders-raw\"," STRK "," JSONV ","
             "\"transforms\":\"f,r,h\","
             "\"transforms.f.type\":\"Filter\","
             "\"transforms.f.predicate\":\"tomb\","
             "\"transforms.r.type\":\"RegexRouter\","
             "\"transforms.r.regex\":\"(.*)-raw\","
             "\"transforms.r.replacement\":\"$1\","
             "\"transforms.h.type\":\"InsertHeader\","
             "\"transforms.h.header\":\"via\","
             "\"transforms.h.value.literal\":\"connectd\","
             "\"predicates\":\"tomb\","
             "\"predicates.tomb.type\":\"org.apache.kafka.connect."
             "transforms.predicates.RecordIsTombstone\"}}",
             out);
        fw.path = out;
        fw.want = "orders|0|1700000000000|1|1|-|via=connectd\n"
                  "orders|2|1700000000002|1|1|-|via=connectd\n";
        cr_assert(wait_until(file_is, &fw, 30000), "sink file: %s",
                  slurp(out));
        /* The dropped tombstone's offset is committed too. */
        cr_assert(wait_until(offset_is, &ow, 30000));
        stop_clean(w);
        rm_rf(plugdir);
        free(plugdir);
}

static long long mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Test(pipeline, retriable_transform_error_retried_until_the_timeout,
     .timeout = 120)
{
        char *plugdir;
        worker_t *w = start_records(&plugdir);
        char out[300];
        static const char *const values[] = { "\"a\"" };
        offset_wait_t ow = { w, "rt", "kafka_offset", 1 };
        log_wait_t lw = {
                w, "Error encountered in task rt-0. Executing stage "
                   "'TRANSFORMATION' with class 'com.example.test.FailOn'."
        };
        long long t0;

        produce_nullable(w->bootstrap, "flaky", values, 1);
        worker_path(w, "out.txt", out, sizeof(out));
        t0 = mono_ms();
        /* Retriable failures are retried for errors.retry.timeout (waits
         * 300, 600, then what is left of 1500 ms), then the record is
         * skipped even with errors.tolerance=none. */
        post(w,
             "{\"name\":\"rt\",\"config\":{\"connector.class\":"
             "\"FileStreamSink\",\"file\":\"%s\",\"topics\":\"flaky\","
             STRK "," JSONV ",\"transforms\":\"x\","
             "\"transforms.x.type\":\"com.example.test.FailOn\","
             "\"transforms.x.topic\":\"flaky\","
             "\"transforms.x.retriable\":\"true\","
             "\"errors.retry.timeout\":\"1500\","
             "\"errors.log.enable\":\"true\"}}",
             out);
        cr_assert(wait_until(log_has, &lw, 30000), "no error line");
        cr_assert_geq(mono_ms() - t0, 1500);
        cr_assert(wait_until(offset_is, &ow, 30000));
        cr_assert(wait_status(w, "rt", "RUNNING", 1, "RUNNING", 5000));
        stop_clean(w);
        rm_rf(plugdir);
        free(plugdir);
}
