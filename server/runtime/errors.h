/*
 * errors — Kafka Connect's error handling for the record pipeline
 * (RetryWithToleranceOperator, LogReporter, DeadLetterQueueReporter):
 * retries of retriable failures, errors.tolerance, the error log line and
 * the sink dead letter queue.
 *
 * DESIGN
 * One errors_t per task, used by the task's thread only. The runner tells
 * it which record is being processed (errors_begin_sink/_source), runs
 * each stage (converters, the transformation chain) and hands every
 * failure to errors_fail(), or runs a stage that may fail retriably
 * through errors_execute(). A failure is reported (log line, DLQ record)
 * before the verdict is returned: skip the record (tolerated, or retries
 * exhausted) or fail the task (the trace is then errors_trace()).
 * The clock and the wait between retries are functions so that tests can
 * run the backoff without sleeping; the task's wait returns early on a
 * stop request.
 */
#ifndef CONNECTD_ERRORS_H
#define CONNECTD_ERRORS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "data.h"
#include "record.h"

typedef enum {
        STAGE_KEY_CONVERTER = 0,
        STAGE_VALUE_CONVERTER,
        STAGE_HEADER_CONVERTER,
        STAGE_TRANSFORMATION,
        STAGE_KAFKA_PRODUCE,
        STAGE_KAFKA_CONSUME,
        STAGE_TASK_PUT,
        STAGE_TASK_POLL
} err_stage_t;

/* Java's Stage name: "KEY_CONVERTER", ... */
const char *errors_stage_name(err_stage_t stage);

#define ERRORS_RETRY_DELAY_MIN_MS 300
#define ERRORS_CLASS_SINK_TASK "org.apache.kafka.connect.sink.SinkTask"
#define ERRORS_CLASS_SOURCE_TASK \
        "org.apache.kafka.connect.runtime.WorkerSourceTask"
#define ERRORS_CLASS_SIMPLE_HEADER_CONVERTER \
        "org.apache.kafka.connect.storage.SimpleHeaderConverter"

/* The errors.* keys of a connector config. */
typedef struct errors_config {
        long long retry_timeout_ms;   /* 0: no retries; < 0: forever */
        long long retry_delay_max_ms;
        int tolerance_all;            /* errors.tolerance=all */
        int log_enable;
        int log_include_messages;
        char dlq_topic[256];          /* trimmed; "" = no DLQ (sinks only) */
        int dlq_replication_factor;
        int dlq_context_headers;
} errors_config_t;

/* Reads the errors.* keys (strings) of conn_config; the DLQ keys only when
 * is_sink. 0, or -1 with errstr in Java's ConfigException wording for a
 * value validation would have refused. */
int errors_config_parse(const json_t *conn_config, int is_sink,
                        errors_config_t *cfg, char *errstr,
                        size_t errstr_size);

/* The wait before the retry that follows failed attempt number `attempt`
 * (1 = the first call failed): 300 * 2^(attempt-1) ms, or rnd % max_delay
 * once that exceeds max_delay, never past deadline_ms (times in ms on one
 * clock). Never negative. */
long long errors_backoff_ms(int attempt, long long max_delay_ms,
                            long long now_ms, long long deadline_ms,
                            uint64_t rnd);

typedef struct errors errors_t;

/* Clock (ms) and wait (returns 1 when a stop request cut it short). */
typedef struct errors_clock {
        long long (*now_ms)(void *arg);
        int (*wait_ms)(void *arg, long long ms);
        void *arg;
} errors_clock_t;

/* cfg is copied. clock NULL: the monotonic clock and nanosleep. The DLQ is
 * off until errors_dlq_start. NULL on OOM. */
errors_t *errors_new(const errors_config_t *cfg, const char *conn_name,
                     int task_id, const errors_clock_t *clock);
/* Flushes the DLQ producer (up to flush_ms) and frees everything. */
void errors_free(errors_t *op, int flush_ms);

/* Sinks with a DLQ topic: creates the topic when missing (1 partition,
 * the configured replication factor) through `admin_check` and starts the
 * DLQ producer (conf is taken, also on failure). create(arg, topic, rf,
 * errstr) returns 0 created, 1 existed, -1 failed. 0, or -1 with the
 * task's FAILED trace in trace (Java's "Could not initialize dead letter
 * queue with topic=<t>"). */
typedef int (*errors_topic_create_fn)(void *arg, rd_kafka_t *rk,
                                      const char *topic, int rf,
                                      char *errstr, size_t errstr_size);
int errors_dlq_start(errors_t *op, rd_kafka_conf_t *conf,
                     errors_topic_create_fn create, void *create_arg,
                     char *trace, size_t trace_size);
/* Waits up to timeout_ms for the DLQ producer to deliver what it holds
 * (a sink commits its offsets past failed records only after that).
 * Returns the number of records still undelivered (0 without a DLQ). */
int errors_dlq_flush(errors_t *op, int timeout_ms);
/* 1 when errors go anywhere (a log or a DLQ): the sink's errant record
 * reporter exists only then. */
int errors_has_reporter(const errors_t *op);
/* 1 with tolerance all. */
int errors_tolerate_all(const errors_t *op);
/* errors.log.include.messages: failures log the record itself. */
int errors_logs_messages(const errors_t *op);

/* A new record: a consumed message (sink), or a polled record before the
 * transforms (source). Clears the failed state. The record must outlive
 * the processing of that record. */
void errors_begin_sink(errors_t *op, const rd_kafka_message_t *m);
void errors_begin_source(errors_t *op, const connectd_record_t *rec);
/* 1 when the current record has failed. */
int errors_failed(const errors_t *op);

#define ERRORS_FATAL (-1)
#define ERRORS_SKIP (-2)

/* Reports a non-retriable failure of the current record at `stage` by
 * class `cls` and decides: ERRORS_SKIP (tolerated) or ERRORS_FATAL (the
 * trace is in errors_trace). For KAFKA_PRODUCE and TASK_PUT (KIP-610)
 * too: those stages are tolerated only with errors.tolerance=all. */
int errors_fail(errors_t *op, err_stage_t stage, const char *cls,
                const xerr_t *err);

/* Runs fn (0 or more: its result; -1: failed with err, *cls possibly set
 * to the failing class) with retries of retriable errors until
 * errors.retry.timeout. Returns fn's result, ERRORS_SKIP or ERRORS_FATAL.
 * Skips fn (ERRORS_SKIP) when the record has already failed. */
typedef int (*errors_op_fn)(void *arg, const char **cls, xerr_t *err);
int errors_execute(errors_t *op, err_stage_t stage, const char *cls,
                   errors_op_fn fn, void *arg);

/* The FAILED trace after ERRORS_FATAL ("org.apache.kafka.connect.errors.
 * ConnectException: Tolerance exceeded in error handler" ... "Caused by:
 * <class>: <message>"), owned by op. */
const char *errors_trace(const errors_t *op);

/* Counters, for tests and logs. */
typedef struct errors_stats {
        long long failures;     /* failed records (reported) */
        long long retries;      /* waits between attempts */
        long long dlq_sent;     /* records handed to the DLQ producer */
        long long dlq_failed;   /* DLQ sends that failed */
        long long logged;       /* failures written to the log */
} errors_stats_t;
void errors_stats(const errors_t *op, errors_stats_t *out);

/* The error log line (without the trace): "Error encountered in task
 * <conn>-<task>. Executing stage '<STAGE>' with class '<cls>'<details>."
 * into buf. Exposed for tests. */
void errors_log_message(const errors_t *op, err_stage_t stage,
                        const char *cls, char *buf, size_t size);

/* The DLQ context headers (§ "Dead letter queue") for a failure of the
 * current sink record, appended to hdrs (created when *hdrs is NULL).
 * Exposed for tests. 0 or -1. */
int errors_context_headers(const errors_t *op, err_stage_t stage,
                           const char *cls, const xerr_t *err,
                           rd_kafka_headers_t **hdrs);

/* A source record as Java's SourceRecord.toString (for the error log).
 * malloc'd. */
char *errors_source_record_text(const connectd_record_t *rec);

#endif
