/*
 * Error handling of sink tasks through the real binary: errors.tolerance,
 * the error log line, and the dead letter queue (auto-created topic,
 * original bytes and headers, the context headers) read back with kcat.
 */
#include <criterion/criterion.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Produces records to topic, each with the header h1=v1 (when hdr) and
 * the CreateTime timestamp ts + i. */
static void produce(const char *bootstrap, const char *topic,
                    const char *const *keys, const char *const *values,
                    int n, int hdr, long long ts)
{
        char errstr[256];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *rk;
        int i;

        cr_assert_eq(rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap,
                                       errstr, sizeof(errstr)),
                     RD_KAFKA_CONF_OK);
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        cr_assert(rk, "%s", errstr);
        for (i = 0; i < n; i++) {
                rd_kafka_headers_t *h = rd_kafka_headers_new(1);
                rd_kafka_resp_err_t err;

                if (hdr)
                        rd_kafka_header_add(h, "h1", -1, "v1", -1);
                err = rd_kafka_producev(
                        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_KEY(keys[i], strlen(keys[i])),
                        RD_KAFKA_V_VALUE((void *)values[i], strlen(values[i])),
                        RD_KAFKA_V_TIMESTAMP(ts + i), RD_KAFKA_V_HEADERS(h),
                        RD_KAFKA_V_END);
                cr_assert_eq(err, 0, "%s", rd_kafka_err2str(err));
        }
        cr_assert_eq(rd_kafka_flush(rk, 20000), 0);
        rd_kafka_destroy(rk);
}

/* Partition count of topic (-1 unknown). */
static int partitions_of(const char *bootstrap, const char *topic)
{
        char errstr[256];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *rk;
        const struct rd_kafka_metadata *md = NULL;
        int i, n = -1;

        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        cr_assert(rk);
        if (!rd_kafka_metadata(rk, 1, NULL, &md, 10000)) {
                for (i = 0; i < md->topic_cnt; i++)
                        if (!strcmp(md->topics[i].topic, topic))
                                n = md->topics[i].partition_cnt;
                rd_kafka_metadata_destroy(md);
        }
        rd_kafka_destroy(rk);
        return n;
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
        const char *bootstrap, *topic;
        long long n;
} count_wait_t;

static int topic_has(void *arg)
{
        count_wait_t *cw = arg;

        return topic_count(cw->bootstrap, cw->topic) >= cw->n;
}

typedef struct {
        const worker_t *w;
        const char *name;
        long long want;
} offset_wait_t;

static int sink_offset_is(void *arg)
{
        offset_wait_t *ow = arg;
        char path[256];
        http_resp_t *r;
        json_t *off;
        int ok = 0;

        snprintf(path, sizeof(path), "/connectors/%s/offsets", ow->name);
        r = http_req(ow->w, "GET", path, NULL, NULL);
        off = json_object_get(json_array_get(json_object_get(r->json,
                                                             "offsets"), 0),
                              "offset");
        if (r->status == 200 && off &&
            json_integer_value(json_object_get(off, "kafka_offset")) ==
                    ow->want)
                ok = 1;
        http_resp_free(r);
        return ok;
}

static char *task_trace(const worker_t *w, const char *name)
{
        char path[256];
        json_t *j, *t;
        char *trace;

        snprintf(path, sizeof(path), "/connectors/%s/status", name);
        j = http_json(w, "GET", path, NULL, 200);
        t = json_array_get(json_object_get(j, "tasks"), 0);
        trace = strdup(json_string_value(json_object_get(t, "trace"))
                               ? json_string_value(
                                         json_object_get(t, "trace"))
                               : "");
        json_decref(j);
        return trace;
}

static const char *const keys[] = { "k1", "k2", "k3", "k4" };
static const char *const values[] = { "\"good-1\"", "{not json",
                                      "\"good-2\"", "[1," };

#define JSONV "\"value.converter\":\"org.apache.kafka.connect.json." \
              "JsonConverter\",\"value.converter.schemas.enable\":\"false\"," \
              "\"key.converter\":\"org.apache.kafka.connect.storage." \
              "StringConverter\""

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

Test(dlq, tolerance_all_sends_bad_records_to_dlq_with_context,
     .timeout = 180)
{
        worker_t *w = worker_start(NULL, NULL);
        char out[300], *body, *got, *log;
        file_wait_t fw;
        count_wait_t cw = { w->bootstrap, "dlq", 2 };
        offset_wait_t ow = { w, "s", 4 };

        produce(w->bootstrap, "in", keys, values, 4, 1, 1700000000000LL);
        worker_path(w, "out.txt", out, sizeof(out));
        cr_assert(asprintf(&body,
                           "{\"name\":\"s\",\"config\":{"
                           "\"connector.class\":\"FileStreamSink\","
                           "\"file\":\"%s\",\"topics\":\"in\"," JSONV ","
                           "\"errors.tolerance\":\"all\","
                           "\"errors.log.enable\":\"true\","
                           "\"errors.log.include.messages\":\"true\","
                           "\"errors.deadletterqueue.topic.name\":\" dlq \","
                           "\"errors.deadletterqueue.topic.replication."
                           "factor\":\"1\","
                           "\"errors.deadletterqueue.context.headers."
                           "enable\":\"true\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);

        /* The good records reach the file, in order. */
        fw.path = out;
        fw.want = "good-1\ngood-2\n";
        cr_assert(wait_until(file_is, &fw, 30000), "sink file: %s",
                  slurp(out));
        /* The bad ones are in the DLQ: auto-created, 1 partition. */
        cr_assert(wait_until(topic_has, &cw, 30000), "DLQ not filled");
        cr_assert_eq(partitions_of(w->bootstrap, "dlq"), 1);
        got = kcat_consume(w->bootstrap, "dlq", 2, "%k|%s|%T\n", 30000);
        cr_assert_str_eq(got, "k2|{not json|1700000000001\n"
                              "k4|[1,|1700000000003\n");
        free(got);
        /* Original headers first, then the 10 context headers in order. */
        got = kcat_consume(w->bootstrap, "dlq", 1, "%h\n", 30000);
        cr_assert(!strncmp(got,
                           "h1=v1,"
                           "__connect.errors.topic=in,"
                           "__connect.errors.partition=0,"
                           "__connect.errors.offset=1,"
                           "__connect.errors.connector.name=s,"
                           "__connect.errors.task.id=0,"
                           "__connect.errors.stage=VALUE_CONVERTER,"
                           "__connect.errors.class.name=org.apache.kafka."
                           "connect.json.JsonConverter,"
                           "__connect.errors.exception.class.name=org."
                           "apache.kafka.connect.errors.DataException,"
                           "__connect.errors.exception.message=Converting "
                           "byte[] to Kafka Connect data failed due to "
                           "serialization error: ",
                           strlen("h1=v1,__connect.errors.topic=in,"
                                  "__connect.errors.partition=0,"
                                  "__connect.errors.offset=1,"
                                  "__connect.errors.connector.name=s,"
                                  "__connect.errors.task.id=0,"
                                  "__connect.errors.stage=VALUE_CONVERTER,"
                                  "__connect.errors.class.name=org.apache."
                                  "kafka.connect.json.JsonConverter,"
                                  "__connect.errors.exception.class.name="
                                  "org.apache.kafka.connect.errors."
                                  "DataException,"
                                  "__connect.errors.exception.message="
                                  "Converting byte[] to Kafka Connect data "
                                  "failed due to serialization error: ")),
                  "headers: %s", got);
        cr_assert(strstr(got, ",__connect.errors.exception.stacktrace=org."
                              "apache.kafka.connect.errors.DataException: "
                              "Converting byte[]"),
                  "headers: %s", got);
        free(got);
        /* The task keeps running and its offsets pass the bad records. */
        cr_assert(wait_status(w, "s", "RUNNING", 1, "RUNNING", 5000));
        cr_assert(wait_until(sink_offset_is, &ow, 30000),
                  "sink offsets did not reach 4");
        /* One error line per failure, with the consumed record. */
        log = worker_stderr(w);
        cr_assert(strstr(log, "Error encountered in task s-0. Executing "
                              "stage 'VALUE_CONVERTER' with class "
                              "'org.apache.kafka.connect.json.JsonConverter'"
                              ", where consumed record is {topic='in', "
                              "partition=0, offset=1, "
                              "timestamp=1700000000001, "
                              "timestampType=CreateTime}."),
                  "no error line in the log");
        free(log);
        stop_clean(w);
}

Test(dlq, tolerance_none_fails_the_task_with_the_trace, .timeout = 180)
{
        worker_t *w = worker_start(NULL, NULL);
        char out[300], *body, *trace;
        count_wait_t cw = { w->bootstrap, "dlq2", 1 };

        produce(w->bootstrap, "in2", keys, values, 2, 0, 1700000000000LL);
        worker_path(w, "out.txt", out, sizeof(out));
        /* none + a DLQ: the poison record still reaches the DLQ. */
        cr_assert(asprintf(&body,
                           "{\"name\":\"s2\",\"config\":{"
                           "\"connector.class\":\"FileStreamSink\","
                           "\"file\":\"%s\",\"topics\":\"in2\"," JSONV ","
                           "\"errors.deadletterqueue.topic.name\":\"dlq2\","
                           "\"errors.deadletterqueue.topic.replication."
                           "factor\":\"1\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(wait_status(w, "s2", "RUNNING", 1, "FAILED", 30000));
        trace = task_trace(w, "s2");
        cr_assert(!strncmp(trace,
                           "org.apache.kafka.connect.errors."
                           "ConnectException: Tolerance exceeded in error "
                           "handler\n",
                           strlen("org.apache.kafka.connect.errors."
                                  "ConnectException: Tolerance exceeded in "
                                  "error handler\n")),
                  "trace: %s", trace);
        cr_assert(strstr(trace, "Caused by: org.apache.kafka.connect.errors."
                                "DataException: Converting byte[] to Kafka "
                                "Connect data failed due to serialization "
                                "error"),
                  "trace: %s", trace);
        free(trace);
        cr_assert(wait_until(topic_has, &cw, 30000), "DLQ not filled");
        trace = kcat_consume(w->bootstrap, "dlq2", 1, "%k|%s|%h\n", 30000);
        /* No context headers unless enabled; no original headers here. */
        cr_assert_str_eq(trace, "k2|{not json|\n");
        free(trace);
        stop_clean(w);
}

Test(dlq, default_replication_factor_fails_on_one_broker, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char out[300], *body, *trace;

        worker_path(w, "out.txt", out, sizeof(out));
        cr_assert(asprintf(&body,
                           "{\"name\":\"s3\",\"config\":{"
                           "\"connector.class\":\"FileStreamSink\","
                           "\"file\":\"%s\",\"topics\":\"in3\","
                           "\"errors.deadletterqueue.topic.name\":\"dlq3\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(wait_status(w, "s3", "RUNNING", 1, "FAILED", 30000));
        trace = task_trace(w, "s3");
        cr_assert(!strncmp(trace,
                           "org.apache.kafka.connect.errors."
                           "ConnectException: Could not initialize dead "
                           "letter queue with topic=dlq3",
                           strlen("org.apache.kafka.connect.errors."
                                  "ConnectException: Could not initialize "
                                  "dead letter queue with topic=dlq3")),
                  "trace: %s", trace);
        free(trace);
        stop_clean(w);
}

Test(dlq, transform_failures_send_the_original_bytes, .timeout = 180)
{
        worker_t *w = worker_start(NULL, NULL);
        char out[300], *body, *got;
        static const char *const k[] = { "k1", "k2" };
        static const char *const v[] = { "{\"a\":\"x\",\"b\":1}", "\"str\"" };
        file_wait_t fw;
        count_wait_t cw = { w->bootstrap, "dlq4", 1 };

        produce(w->bootstrap, "in4", k, v, 2, 1, 1700000000000LL);
        worker_path(w, "out.txt", out, sizeof(out));
        cr_assert(asprintf(&body,
                           "{\"name\":\"s4\",\"config\":{"
                           "\"connector.class\":\"FileStreamSink\","
                           "\"file\":\"%s\",\"topics\":\"in4\"," JSONV ","
                           "\"transforms\":\"r\",\"transforms.r.type\":"
                           "\"org.apache.kafka.connect.transforms."
                           "ReplaceField$Value\","
                           "\"transforms.r.include\":\"a\","
                           "\"errors.tolerance\":\"all\","
                           "\"errors.deadletterqueue.topic.name\":\"dlq4\","
                           "\"errors.deadletterqueue.topic.replication."
                           "factor\":\"1\","
                           "\"errors.deadletterqueue.context.headers."
                           "enable\":\"true\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        fw.path = out;
        fw.want = "{a=x}\n";
        cr_assert(wait_until(file_is, &fw, 30000), "sink file: %s",
                  slurp(out));
        cr_assert(wait_until(topic_has, &cw, 30000), "DLQ not filled");
        /* The bytes as consumed, not as the converter or transform left
         * them; the failing step is the transform. */
        got = kcat_consume(w->bootstrap, "dlq4", 1, "%k|%s|%h\n", 30000);
        cr_assert(!strncmp(got,
                           "k2|\"str\"|h1=v1,__connect.errors.topic=in4,"
                           "__connect.errors.partition=0,"
                           "__connect.errors.offset=1,"
                           "__connect.errors.connector.name=s4,"
                           "__connect.errors.task.id=0,"
                           "__connect.errors.stage=TRANSFORMATION,"
                           "__connect.errors.class.name=org.apache.kafka."
                           "connect.transforms.ReplaceField$Value,"
                           "__connect.errors.exception.class.name=org."
                           "apache.kafka.connect.errors.DataException,",
                           strlen("k2|\"str\"|h1=v1,__connect.errors.topic="
                                  "in4,__connect.errors.partition=0,"
                                  "__connect.errors.offset=1,"
                                  "__connect.errors.connector.name=s4,"
                                  "__connect.errors.task.id=0,"
                                  "__connect.errors.stage=TRANSFORMATION,"
                                  "__connect.errors.class.name=org.apache."
                                  "kafka.connect.transforms.ReplaceField"
                                  "$Value,__connect.errors.exception.class."
                                  "name=org.apache.kafka.connect.errors."
                                  "DataException,")),
                  "got: %s", got);
        free(got);
        stop_clean(w);
}

Test(dlq, header_converter_failures_come_after_key_and_value,
     .timeout = 180)
{
        worker_t *w = worker_start(NULL, NULL);
        char out[300], *body, *got;
        count_wait_t cw = { w->bootstrap, "dlq5", 1 };
        offset_wait_t ow = { w, "s5", 1 };

        /* The header h1=v1 is not JSON: the header converter fails. */
        produce(w->bootstrap, "in5", keys, values, 1, 1, 1700000000000LL);
        worker_path(w, "out.txt", out, sizeof(out));
        cr_assert(asprintf(&body,
                           "{\"name\":\"s5\",\"config\":{"
                           "\"connector.class\":\"FileStreamSink\","
                           "\"file\":\"%s\",\"topics\":\"in5\"," JSONV ","
                           "\"header.converter\":\"org.apache.kafka.connect."
                           "json.JsonConverter\","
                           "\"header.converter.schemas.enable\":\"false\","
                           "\"errors.tolerance\":\"all\","
                           "\"errors.deadletterqueue.topic.name\":\"dlq5\","
                           "\"errors.deadletterqueue.topic.replication."
                           "factor\":\"1\","
                           "\"errors.deadletterqueue.context.headers."
                           "enable\":\"true\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(wait_until(topic_has, &cw, 30000), "DLQ not filled");
        got = kcat_consume(w->bootstrap, "dlq5", 1, "%h\n", 30000);
        cr_assert(strstr(got, ",__connect.errors.stage=HEADER_CONVERTER,"
                              "__connect.errors.class.name=org.apache."
                              "kafka.connect.json.JsonConverter,"),
                  "got: %s", got);
        free(got);
        cr_assert(wait_until(sink_offset_is, &ow, 30000));
        got = slurp(out);
        cr_assert(!got || !*got, "sink file: %s", got);
        free(got);
        stop_clean(w);
}
