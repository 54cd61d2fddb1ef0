/* Unit tests for server/runtime/errors.c: the errors.* keys, the retry
 * backoff (a fake clock: no sleeping), tolerance, the error log line and
 * the DLQ context headers. */
#include <criterion/criterion.h>
#include <librdkafka/rdkafka.h>
#include <string.h>

#include "errors.h"

/* ---- settings ------------------------------------------------------- */

static errors_config_t parse_ok(const char *json, int is_sink)
{
        json_t *cc = json_loads(json, 0, NULL);
        errors_config_t cfg;
        char err[256] = "";

        cr_assert_not_null(cc);
        cr_assert_eq(errors_config_parse(cc, is_sink, &cfg, err, sizeof(err)),
                     0, "%s", err);
        json_decref(cc);
        return cfg;
}

static void parse_bad(const char *json, const char *want)
{
        json_t *cc = json_loads(json, 0, NULL);
        errors_config_t cfg;
        char err[256] = "";

        cr_assert_eq(errors_config_parse(cc, 1, &cfg, err, sizeof(err)), -1);
        cr_assert_str_eq(err, want);
        json_decref(cc);
}

Test(errors_config, defaults)
{
        errors_config_t c = parse_ok("{}", 1);

        cr_assert_eq(c.retry_timeout_ms, 0);
        cr_assert_eq(c.retry_delay_max_ms, 60000);
        cr_assert_eq(c.tolerance_all, 0);
        cr_assert_eq(c.log_enable, 0);
        cr_assert_eq(c.log_include_messages, 0);
        cr_assert_str_eq(c.dlq_topic, "");
        cr_assert_eq(c.dlq_replication_factor, 3);
        cr_assert_eq(c.dlq_context_headers, 0);
}

Test(errors_config, values)
{
        errors_config_t c = parse_ok(
                "{\"errors.retry.timeout\":\"-1\","
                "\"errors.retry.delay.max.ms\":\" 500 \","
                "\"errors.tolerance\":\"all\",\"errors.log.enable\":\"TRUE\","
                "\"errors.log.include.messages\":\"true\","
                "\"errors.deadletterqueue.topic.name\":\" d \","
                "\"errors.deadletterqueue.topic.replication.factor\":\"1\","
                "\"errors.deadletterqueue.context.headers.enable\":\"true\"}",
                1);

        cr_assert_eq(c.retry_timeout_ms, -1);
        cr_assert_eq(c.retry_delay_max_ms, 500);
        cr_assert_eq(c.tolerance_all, 1);
        cr_assert_eq(c.log_enable, 1);
        cr_assert_eq(c.log_include_messages, 1);
        cr_assert_str_eq(c.dlq_topic, "d");
        cr_assert_eq(c.dlq_replication_factor, 1);
        cr_assert_eq(c.dlq_context_headers, 1);
}

Test(errors_config, source_ignores_dlq_keys)
{
        errors_config_t c = parse_ok(
                "{\"errors.deadletterqueue.topic.name\":\"d\","
                "\"errors.deadletterqueue.topic.replication.factor\":\"x\"}",
                0);

        cr_assert_str_eq(c.dlq_topic, "");
}

Test(errors_config, bad_values)
{
        parse_bad("{\"errors.tolerance\":\"ALL\"}",
                  "Invalid value ALL for configuration errors.tolerance: "
                  "String must be one of: none, all");
        parse_bad("{\"errors.retry.timeout\":\"1s\"}",
                  "Invalid value 1s for configuration errors.retry.timeout: "
                  "Not a number of type LONG");
        parse_bad("{\"errors.log.enable\":\"yes\"}",
                  "Invalid value yes for configuration errors.log.enable: "
                  "Expected value to be either true or false");
        parse_bad("{\"errors.deadletterqueue.topic.replication.factor\":"
                  "\"40000\"}",
                  "Invalid value 40000 for configuration "
                  "errors.deadletterqueue.topic.replication.factor: Not a "
                  "number of type SHORT");
}

/* ---- backoff -------------------------------------------------------- */

Test(errors_backoff, doubles_from_300)
{
        cr_assert_eq(errors_backoff_ms(1, 60000, 0, 1000000, 0), 300);
        cr_assert_eq(errors_backoff_ms(2, 60000, 0, 1000000, 0), 600);
        cr_assert_eq(errors_backoff_ms(3, 60000, 0, 1000000, 0), 1200);
        cr_assert_eq(errors_backoff_ms(8, 60000, 0, 1000000, 0), 38400);
}

Test(errors_backoff, random_under_the_cap_once_exceeded)
{
        /* 300 << 8 = 76800 > 60000: random in [0, 60000). */
        cr_assert_eq(errors_backoff_ms(9, 60000, 0, 1000000, 12345), 12345);
        cr_assert_eq(errors_backoff_ms(9, 60000, 0, 1000000, 60000), 0);
        cr_assert_eq(errors_backoff_ms(9, 60000, 0, 1000000, 60001), 1);
        /* 600 > 500 already on the second retry. */
        cr_assert_eq(errors_backoff_ms(2, 500, 0, 1000000, 777), 277);
        /* 300 is not above 300: no randomness. */
        cr_assert_eq(errors_backoff_ms(1, 300, 0, 1000000, 7), 300);
        /* A huge attempt number does not overflow. */
        cr_assert_eq(errors_backoff_ms(200, 60000, 0, 1000000, 5), 5);
        /* Cap 0: no wait (Java would throw here). */
        cr_assert_eq(errors_backoff_ms(1, 0, 0, 1000000, 5), 0);
}

Test(errors_backoff, never_past_the_deadline)
{
        cr_assert_eq(errors_backoff_ms(3, 60000, 1000, 1500, 0), 500);
        cr_assert_eq(errors_backoff_ms(1, 60000, 1000, 1000, 0), 0);
        cr_assert_eq(errors_backoff_ms(1, 60000, 2000, 1000, 0), 0);
}

/* ---- the operator, on a fake clock ---------------------------------- */

typedef struct fake {
        long long now;
        long long waits[64];
        int nwaits;
        int stop_after; /* the n-th wait reports a stop (0: never) */
        int calls;
        int fail_times; /* fn fails this many times (-1: always) */
        int retriable;
} fake_t;

static long long fake_now(void *arg)
{
        return ((fake_t *)arg)->now;
}

static int fake_wait(void *arg, long long ms)
{
        fake_t *f = arg;

        f->waits[f->nwaits++] = ms;
        f->now += ms;
        return f->stop_after && f->nwaits >= f->stop_after;
}

static int fake_op(void *arg, const char **cls, xerr_t *err)
{
        fake_t *f = arg;

        f->calls++;
        f->now += 10; /* each attempt takes 10 ms */
        if (f->fail_times < 0 || f->calls <= f->fail_times) {
                *cls = "org.example.Flaky";
                if (f->retriable)
                        xerr_set(err, XERR_RETRIABLE, "try again %d",
                                 f->calls);
                else
                        xerr_set(err, XERR_DATA, "bad record");
                return -1;
        }
        return 7;
}

static errors_t *mk_op(const char *json, fake_t *f)
{
        errors_config_t cfg = parse_ok(json, 1);
        errors_clock_t clk = { fake_now, fake_wait, f };
        errors_t *op = errors_new(&cfg, "c", 0, &clk);

        cr_assert_not_null(op);
        return op;
}

Test(errors_execute, success_passes_the_result)
{
        fake_t f = { .fail_times = 0 };
        errors_t *op = mk_op("{}", &f);

        errors_begin_source(op, NULL);
        cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x", fake_op,
                                    &f),
                     7);
        cr_assert_eq(f.nwaits, 0);
        cr_assert_eq(errors_failed(op), 0);
        errors_free(op, 0);
}

Test(errors_execute, retries_until_the_timeout_then_skips_even_with_none)
{
        fake_t f = { .fail_times = -1, .retriable = 1 };
        errors_t *op = mk_op("{\"errors.retry.timeout\":\"1000\"}", &f);
        errors_stats_t st;

        errors_begin_source(op, NULL);
        cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x", fake_op,
                                    &f),
                     ERRORS_SKIP);
        /* t=10 fail, wait 300; t=320 fail, wait 600; t=930 fail, the
         * deadline (1000) leaves 70; t=1010 fail, out of time. */
        cr_assert_eq(f.nwaits, 3);
        cr_assert_eq(f.waits[0], 300);
        cr_assert_eq(f.waits[1], 600);
        cr_assert_eq(f.waits[2], 70);
        cr_assert_eq(f.calls, 4);
        cr_assert_eq(errors_failed(op), 1);
        errors_stats(op, &st);
        cr_assert_eq(st.failures, 1);
        cr_assert_eq(st.retries, 3);
        /* The record has failed: later stages are skipped. */
        f.calls = 0;
        cr_assert_eq(errors_execute(op, STAGE_KEY_CONVERTER, "x", fake_op,
                                    &f),
                     ERRORS_SKIP);
        cr_assert_eq(f.calls, 0);
        errors_free(op, 0);
}

Test(errors_execute, no_retry_with_timeout_zero)
{
        fake_t f = { .fail_times = -1, .retriable = 1 };
        errors_t *op = mk_op("{}", &f);

        errors_begin_source(op, NULL);
        cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x", fake_op,
                                    &f),
                     ERRORS_SKIP);
        cr_assert_eq(f.calls, 1);
        cr_assert_eq(f.nwaits, 0);
        errors_free(op, 0);
}

Test(errors_execute, negative_timeout_retries_forever_with_random_cap)
{
        fake_t f = { .fail_times = 12, .retriable = 1 };
        errors_t *op = mk_op("{\"errors.retry.timeout\":\"-1\","
                             "\"errors.retry.delay.max.ms\":\"1000\"}",
                             &f);
        int i;

        errors_begin_source(op, NULL);
        cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x", fake_op,
                                    &f),
                     7);
        cr_assert_eq(f.nwaits, 12);
        cr_assert_eq(f.waits[0], 300);
        cr_assert_eq(f.waits[1], 600);
        for (i = 2; i < 12; i++)
                cr_assert(f.waits[i] >= 0 && f.waits[i] < 1000,
                          "wait %d = %lld", i, f.waits[i]);
        cr_assert_eq(errors_failed(op), 0);
        errors_free(op, 0);
}

Test(errors_execute, a_stop_cuts_the_retries_short)
{
        fake_t f = { .fail_times = -1, .retriable = 1, .stop_after = 2 };
        errors_t *op = mk_op("{\"errors.retry.timeout\":\"-1\"}", &f);

        errors_begin_source(op, NULL);
        cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x", fake_op,
                                    &f),
                     ERRORS_SKIP);
        cr_assert_eq(f.nwaits, 2);
        cr_assert_eq(f.calls, 2);
        errors_free(op, 0);
}

Test(errors_execute, non_retriable_with_none_is_fatal)
{
        fake_t f = { .fail_times = -1 };
        errors_t *op = mk_op("{\"errors.retry.timeout\":\"10000\"}", &f);

        errors_begin_source(op, NULL);
        cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x", fake_op,
                                    &f),
                     ERRORS_FATAL);
        cr_assert_eq(f.calls, 1);
        cr_assert_str_eq(errors_trace(op),
                         "org.apache.kafka.connect.errors.ConnectException: "
                         "Tolerance exceeded in error handler\n"
                         "Caused by: org.apache.kafka.connect.errors."
                         "DataException: bad record");
        errors_free(op, 0);
}

Test(errors_execute, non_retriable_with_all_is_skipped)
{
        fake_t f = { .fail_times = -1 };
        errors_t *op = mk_op("{\"errors.tolerance\":\"all\"}", &f);
        errors_stats_t st;
        int i;

        for (i = 0; i < 3; i++) {
                errors_begin_source(op, NULL);
                cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x",
                                            fake_op, &f),
                             ERRORS_SKIP);
        }
        errors_stats(op, &st);
        cr_assert_eq(st.failures, 3);
        cr_assert_eq(st.logged, 0); /* errors.log.enable is off */
        /* A new record starts clean. */
        f.fail_times = 0;
        errors_begin_source(op, NULL);
        cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x", fake_op,
                                    &f),
                     7);
        errors_free(op, 0);
}

Test(errors_fail, put_failure_follows_the_tolerance)
{
        fake_t f = { 0 };
        errors_t *all = mk_op("{\"errors.tolerance\":\"all\"}", &f);
        errors_t *none = mk_op("{}", &f);
        xerr_t e;

        xerr_set(&e, XERR_CONNECT, "nope");
        cr_assert_eq(errors_fail(all, STAGE_TASK_PUT, ERRORS_CLASS_SINK_TASK,
                                 &e),
                     ERRORS_SKIP);
        cr_assert_eq(errors_fail(none, STAGE_TASK_PUT,
                                 ERRORS_CLASS_SINK_TASK, &e),
                     ERRORS_FATAL);
        errors_free(all, 0);
        errors_free(none, 0);
}

/* ---- the log line and the context headers ----------------------------- */

static errors_t *dr_op;
static char dr_line[2048];
static char dr_headers[4096];
static int dr_done;
static long long dr_ts;
static rd_kafka_timestamp_type_t dr_tst;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        rd_kafka_headers_t *h = NULL;
        xerr_t e;
        size_t i;
        const char *name;
        const void *val;
        size_t size;
        size_t at = 0;

        (void)rk;
        (void)opaque;
        cr_assert_eq(m->err, 0, "%s", rd_kafka_err2str(m->err));
        dr_ts = rd_kafka_message_timestamp(m, &dr_tst);
        errors_begin_sink(dr_op, m);
        errors_log_message(dr_op, STAGE_VALUE_CONVERTER,
                           "org.apache.kafka.connect.json.JsonConverter",
                           dr_line, sizeof(dr_line));
        xerr_set(&e, XERR_DATA, "boom");
        cr_assert_eq(errors_context_headers(
                             dr_op, STAGE_VALUE_CONVERTER,
                             "org.apache.kafka.connect.json.JsonConverter",
                             &e, &h),
                     0);
        for (i = 0; !rd_kafka_header_get_all(h, i, &name, &val, &size); i++)
                at += (size_t)snprintf(dr_headers + at,
                                       sizeof(dr_headers) - at, "%s=%.*s|",
                                       name, (int)size,
                                       val ? (const char *)val : "(null)");
        rd_kafka_headers_destroy(h);
        dr_done = 1;
}

Test(errors_report, sink_log_line_and_context_headers, .timeout = 60)
{
        char errstr[256];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *rk;
        fake_t f = { 0 };
        rd_kafka_resp_err_t err;
        char want[1024];

        dr_op = mk_op("{\"errors.log.include.messages\":\"true\"}", &f);
        cr_assert_eq(rd_kafka_conf_set(conf, "test.mock.num.brokers", "1",
                                       errstr, sizeof(errstr)),
                     RD_KAFKA_CONF_OK, "%s", errstr);
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        cr_assert_not_null(rk, "%s", errstr);
        err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("orders"),
                                RD_KAFKA_V_PARTITION(0),
                                RD_KAFKA_V_VALUE("v", 1),
                                RD_KAFKA_V_TIMESTAMP(1700000000000LL),
                                RD_KAFKA_V_END);
        cr_assert_eq(err, 0);
        rd_kafka_flush(rk, 30000);
        cr_assert(dr_done);
        rd_kafka_destroy(rk);

        /* (The mock broker acknowledges with a LogAppendTime.) */
        snprintf(want, sizeof(want),
                 "Error encountered in task c-0. Executing stage "
                 "'VALUE_CONVERTER' with class "
                 "'org.apache.kafka.connect.json.JsonConverter', "
                 "where consumed record is {topic='orders', "
                 "partition=0, offset=0, timestamp=%lld, "
                 "timestampType=%s}.", dr_ts,
                 dr_tst == RD_KAFKA_TIMESTAMP_CREATE_TIME ? "CreateTime"
                                                          : "LogAppendTime");
        cr_assert_neq(dr_tst, RD_KAFKA_TIMESTAMP_NOT_AVAILABLE);
        cr_assert_str_eq(dr_line, want);
        cr_assert_str_eq(dr_headers,
                         "__connect.errors.topic=orders|"
                         "__connect.errors.partition=0|"
                         "__connect.errors.offset=0|"
                         "__connect.errors.connector.name=c|"
                         "__connect.errors.task.id=0|"
                         "__connect.errors.stage=VALUE_CONVERTER|"
                         "__connect.errors.class.name=org.apache.kafka."
                         "connect.json.JsonConverter|"
                         "__connect.errors.exception.class.name=org.apache."
                         "kafka.connect.errors.DataException|"
                         "__connect.errors.exception.message=boom|"
                         "__connect.errors.exception.stacktrace=org.apache."
                         "kafka.connect.errors.DataException: boom\n|");
        errors_free(dr_op, 0);
}

Test(errors_report, log_line_without_messages_and_for_sources)
{
        fake_t f = { 0 };
        errors_t *op = mk_op("{}", &f);
        errors_t *opm = mk_op("{\"errors.log.include.messages\":\"true\"}",
                              &f);
        batch_t *b = batch_new();
        connectd_record_t *rec = record_add(b, "t");
        char line[1024];

        record_set_value(rec, value_string(rec, "hi", 2));
        record_set_source(rec, "{\"f\":\"a\"}", "{\"pos\":1}");
        errors_begin_source(op, rec);
        errors_log_message(op, STAGE_TRANSFORMATION, "org.example.T", line,
                           sizeof(line));
        cr_assert_str_eq(line, "Error encountered in task c-0. Executing "
                               "stage 'TRANSFORMATION' with class "
                               "'org.example.T'.");
        errors_begin_source(opm, rec);
        errors_log_message(opm, STAGE_KEY_CONVERTER, "K", line,
                           sizeof(line));
        cr_assert_str_eq(line,
                         "Error encountered in task c-0. Executing stage "
                         "'KEY_CONVERTER' with class 'K', where source "
                         "record is = SourceRecord{sourcePartition="
                         "{\"f\":\"a\"}, sourceOffset={\"pos\":1}} "
                         "ConnectRecord{topic='t', kafkaPartition=null, "
                         "key=null, keySchema=null, value=hi, "
                         "valueSchema=null, timestamp=null, "
                         "headers=ConnectHeaders(headers=)}.");
        /* Schemas as Java prints them. */
        rec->value_schema = &schema_opt_string;
        errors_log_message(opm, STAGE_KEY_CONVERTER, "K", line,
                           sizeof(line));
        cr_assert(strstr(line, ", valueSchema=Schema{STRING}, "), "%s",
                  line);
        batch_destroy(b);
        errors_free(op, 0);
        errors_free(opm, 0);
}

Test(errors_report, stage_names)
{
        cr_assert_str_eq(errors_stage_name(STAGE_KEY_CONVERTER),
                         "KEY_CONVERTER");
        cr_assert_str_eq(errors_stage_name(STAGE_HEADER_CONVERTER),
                         "HEADER_CONVERTER");
        cr_assert_str_eq(errors_stage_name(STAGE_KAFKA_PRODUCE),
                         "KAFKA_PRODUCE");
        cr_assert_str_eq(errors_stage_name(STAGE_TASK_PUT), "TASK_PUT");
}

/* The task-error-metrics total-errors-logged figure: failures written to
 * the log, only with errors.log.enable. */
Test(errors_execute, logged_failures_are_counted)
{
        fake_t f = { .fail_times = -1 };
        errors_t *op = mk_op("{\"errors.tolerance\":\"all\","
                             "\"errors.log.enable\":\"true\"}", &f);
        errors_stats_t st;
        int i;

        for (i = 0; i < 2; i++) {
                errors_begin_source(op, NULL);
                cr_assert_eq(errors_execute(op, STAGE_TRANSFORMATION, "x",
                                            fake_op, &f),
                             ERRORS_SKIP);
        }
        errors_stats(op, &st);
        cr_assert_eq(st.failures, 2);
        cr_assert_eq(st.logged, 2);
        errors_free(op, 0);
}
