/*
 * errors — see errors.h.
 *
 * DESIGN
 * Owns the task's error-handling state: the errors.* settings, the
 * current record's processing context (stage, class, error, the consumed
 * message or the polled source record), the failure count that
 * errors.tolerance=none looks at, and the DLQ producer. Touched by the
 * task's thread only; the DLQ producer's delivery callback runs on that
 * thread too (it is served by rd_kafka_poll/flush calls made here).
 * What must stay true: every failure is reported (log line, DLQ record)
 * before its verdict is returned, so a poison record reaches the DLQ even
 * when it then fails the task.
 */
#include "errors.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.errors")

static const char *const stage_names[] = {
        [STAGE_KEY_CONVERTER] = "KEY_CONVERTER",
        [STAGE_VALUE_CONVERTER] = "VALUE_CONVERTER",
        [STAGE_HEADER_CONVERTER] = "HEADER_CONVERTER",
        [STAGE_TRANSFORMATION] = "TRANSFORMATION",
        [STAGE_KAFKA_PRODUCE] = "KAFKA_PRODUCE",
        [STAGE_KAFKA_CONSUME] = "KAFKA_CONSUME",
        [STAGE_TASK_PUT] = "TASK_PUT",
        [STAGE_TASK_POLL] = "TASK_POLL",
};

const char *errors_stage_name(err_stage_t stage)
{
        if ((unsigned)stage >= sizeof(stage_names) / sizeof(stage_names[0]))
                return "UNKNOWN";
        return stage_names[stage];
}

/* ---- settings ------------------------------------------------------- */

static const char *trimmed(const char *s, char *buf, size_t size)
{
        size_t n;

        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
        n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
                     s[n - 1] == '\n' || s[n - 1] == '\r'))
                n--;
        if (n >= size)
                n = size - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
        return buf;
}

/* The trimmed string value of key, or NULL when unset. */
static const char *cfg_str(const json_t *cc, const char *key, char *buf,
                           size_t size)
{
        const char *v = json_string_value(json_object_get(cc, key));

        return v ? trimmed(v, buf, size) : NULL;
}

static int cfg_long(const json_t *cc, const char *key, long long def,
                    long long min, long long max, const char *type,
                    long long *out, char *errstr, size_t errstr_size)
{
        char buf[64], *end;
        const char *v = cfg_str(cc, key, buf, sizeof(buf));
        long long n;

        *out = def;
        if (!v)
                return 0;
        errno = 0;
        n = strtoll(v, &end, 10);
        if (!*v || *end || errno || n < min || n > max) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration %s: Not a "
                         "number of type %s", v, key, type);
                return -1;
        }
        *out = n;
        return 0;
}

static int cfg_bool(const json_t *cc, const char *key, int *out,
                    char *errstr, size_t errstr_size)
{
        char buf[16];
        const char *v = cfg_str(cc, key, buf, sizeof(buf));

        *out = 0;
        if (!v)
                return 0;
        if (!strcasecmp(v, "true"))
                *out = 1;
        else if (strcasecmp(v, "false")) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration %s: Expected "
                         "value to be either true or false", v, key);
                return -1;
        }
        return 0;
}

int errors_config_parse(const json_t *cc, int is_sink, errors_config_t *cfg,
                        char *errstr, size_t errstr_size)
{
        char buf[64];
        const char *tol;
        long long rf;

        memset(cfg, 0, sizeof(*cfg));
        if (cfg_long(cc, "errors.retry.timeout", 0, LLONG_MIN, LLONG_MAX,
                     "LONG", &cfg->retry_timeout_ms, errstr, errstr_size) ||
            cfg_long(cc, "errors.retry.delay.max.ms", 60000, LLONG_MIN,
                     LLONG_MAX, "LONG", &cfg->retry_delay_max_ms, errstr,
                     errstr_size) ||
            cfg_bool(cc, "errors.log.enable", &cfg->log_enable, errstr,
                     errstr_size) ||
            cfg_bool(cc, "errors.log.include.messages",
                     &cfg->log_include_messages, errstr, errstr_size))
                return -1;
        tol = cfg_str(cc, "errors.tolerance", buf, sizeof(buf));
        if (tol && strcmp(tol, "none") && strcmp(tol, "all")) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration "
                         "errors.tolerance: String must be one of: none, all",
                         tol);
                return -1;
        }
        cfg->tolerance_all = tol && !strcmp(tol, "all");
        cfg->dlq_replication_factor = 3;
        if (!is_sink)
                return 0;
        cfg_str(cc, "errors.deadletterqueue.topic.name", cfg->dlq_topic,
                sizeof(cfg->dlq_topic));
        if (cfg_long(cc, "errors.deadletterqueue.topic.replication.factor", 3,
                     SHRT_MIN, SHRT_MAX, "SHORT", &rf, errstr, errstr_size) ||
            cfg_bool(cc, "errors.deadletterqueue.context.headers.enable",
                     &cfg->dlq_context_headers, errstr, errstr_size))
                return -1;
        cfg->dlq_replication_factor = (int)rf;
        return 0;
}

/* ---- backoff -------------------------------------------------------- */

long long errors_backoff_ms(int attempt, long long max_delay_ms,
                            long long now_ms, long long deadline_ms,
                            uint64_t rnd)
{
        int shift = attempt > 1 ? attempt - 1 : 0;
        long long delay;

        /* 300 << 40 is far past any sane maximum; avoid the overflow. */
        if (shift > 40)
                delay = LLONG_MAX;
        else
                delay = (long long)ERRORS_RETRY_DELAY_MIN_MS << shift;
        if (delay > max_delay_ms)
                delay = max_delay_ms > 0
                                ? (long long)(rnd % (uint64_t)max_delay_ms)
                                : 0;
        if (deadline_ms - now_ms < delay)
                delay = deadline_ms - now_ms;
        return delay < 0 ? 0 : delay;
}

/* ---- the operator --------------------------------------------------- */

struct errors {
        errors_config_t cfg;
        char *conn;
        int task;
        errors_clock_t clock;
        long long total_failures;
        errors_stats_t stats;
        uint64_t rnd;

        /* the current record */
        int failed;
        const rd_kafka_message_t *consumed;
        const connectd_record_t *source;

        char *trace;
        rd_kafka_t *dlq;
};

static long long mono_ms(void *arg)
{
        struct timespec ts;

        (void)arg;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sleep_ms(void *arg, long long ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

        (void)arg;
        while (nanosleep(&ts, &ts) && errno == EINTR)
                ;
        return 0;
}

errors_t *errors_new(const errors_config_t *cfg, const char *conn_name,
                     int task_id, const errors_clock_t *clock)
{
        errors_t *op = calloc(1, sizeof(*op));

        if (!op)
                return NULL;
        op->cfg = *cfg;
        op->conn = strdup(conn_name ? conn_name : "");
        if (!op->conn) {
                free(op);
                return NULL;
        }
        op->task = task_id;
        if (clock) {
                op->clock = *clock;
        } else {
                op->clock.now_ms = mono_ms;
                op->clock.wait_ms = sleep_ms;
        }
        op->rnd = (uint64_t)mono_ms(NULL) * 6364136223846793005ULL +
                  (uint64_t)(uintptr_t)op;
        return op;
}

void errors_free(errors_t *op, int flush_ms)
{
        if (!op)
                return;
        if (op->dlq) {
                rd_kafka_flush(op->dlq, flush_ms);
                if (rd_kafka_outq_len(op->dlq) > 0) {
                        LOG_WARN(lg(), "Task %s-%d: %d records for the dead "
                                 "letter queue %s not delivered",
                                 op->conn, op->task,
                                 rd_kafka_outq_len(op->dlq),
                                 op->cfg.dlq_topic);
                        rd_kafka_purge(op->dlq, RD_KAFKA_PURGE_F_QUEUE |
                                                        RD_KAFKA_PURGE_F_INFLIGHT);
                        rd_kafka_poll(op->dlq, 0);
                }
                rd_kafka_destroy(op->dlq);
        }
        free(op->trace);
        free(op->conn);
        free(op);
}

static void dlq_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m,
                      void *opaque)
{
        errors_t *op = opaque;

        (void)rk;
        if (!m->err)
                return;
        op->stats.dlq_failed++;
        LOG_ERROR(lg(), "Could not produce message to dead letter queue. "
                  "topic=%s: %s", op->cfg.dlq_topic, rd_kafka_err2str(m->err));
}

int errors_dlq_start(errors_t *op, rd_kafka_conf_t *conf,
                     errors_topic_create_fn create, void *create_arg,
                     char *trace, size_t trace_size)
{
        char client_id[300], errstr[512];
        int rc;

        if (!op->cfg.dlq_topic[0]) {
                rd_kafka_conf_destroy(conf);
                return 0;
        }
        snprintf(client_id, sizeof(client_id),
                 "connector-dlq-producer-%s-%d", op->conn, op->task);
        rd_kafka_conf_set(conf, "client.id", client_id, NULL, 0);
        rd_kafka_conf_set_dr_msg_cb(conf, dlq_dr_cb);
        rd_kafka_conf_set_opaque(conf, op);
        op->dlq = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
                               sizeof(errstr));
        if (!op->dlq) {
                rd_kafka_conf_destroy(conf);
                snprintf(trace, trace_size,
                         XERR_CONNECT ": Could not initialize dead letter "
                         "queue with topic=%s\nCaused by: "
                         "org.apache.kafka.common.KafkaException: %s",
                         op->cfg.dlq_topic, errstr);
                return -1;
        }
        errstr[0] = '\0';
        rc = create(create_arg, op->dlq, op->cfg.dlq_topic,
                    op->cfg.dlq_replication_factor, errstr, sizeof(errstr));
        if (rc < 0) {
                snprintf(trace, trace_size,
                         XERR_CONNECT ": Could not initialize dead letter "
                         "queue with topic=%s\nCaused by: %s",
                         op->cfg.dlq_topic, errstr);
                return -1;
        }
        if (rc == 0)
                LOG_INFO(lg(), "Created dead letter queue topic %s (1 "
                         "partition, replication factor %d)",
                         op->cfg.dlq_topic, op->cfg.dlq_replication_factor);
        return 0;
}

int errors_dlq_flush(errors_t *op, int timeout_ms)
{
        if (!op || !op->dlq)
                return 0;
        if (rd_kafka_outq_len(op->dlq) > 0)
                rd_kafka_flush(op->dlq, timeout_ms);
        else
                rd_kafka_poll(op->dlq, 0);
        return rd_kafka_outq_len(op->dlq);
}

int errors_has_reporter(const errors_t *op)
{
        return op->cfg.log_enable || op->dlq;
}

int errors_tolerate_all(const errors_t *op)
{
        return op->cfg.tolerance_all;
}

int errors_logs_messages(const errors_t *op)
{
        return op->cfg.log_include_messages;
}

void errors_begin_sink(errors_t *op, const rd_kafka_message_t *m)
{
        op->failed = 0;
        op->consumed = m;
        op->source = NULL;
}

void errors_begin_source(errors_t *op, const connectd_record_t *rec)
{
        op->failed = 0;
        op->consumed = NULL;
        op->source = rec;
}

int errors_failed(const errors_t *op)
{
        return op->failed;
}

const char *errors_trace(const errors_t *op)
{
        return op->trace ? op->trace : "";
}

void errors_stats(const errors_t *op, errors_stats_t *out)
{
        *out = op->stats;
}

/* ---- reporting ------------------------------------------------------ */

static void value_text(buf_t *b, const connectd_value_t *v)
{
        char small[256];
        size_t n;

        if (value_is_null(v)) {
                buf_puts(b, "null");
                return;
        }
        n = value_to_text(v, small, sizeof(small));
        if (n < sizeof(small)) {
                buf_append(b, small, n);
        } else {
                char *big = malloc(n + 1);
                if (big) {
                        value_to_text(v, big, n + 1);
                        buf_append(b, big, n);
                        free(big);
                }
        }
}

static void schema_text(buf_t *b, const connect_schema_t *s)
{
        /* Java's ConnectSchema#toString. */
        if (!s)
                buf_puts(b, "null");
        else if (s->name)
                buf_printf(b, "Schema{%s:%s}", s->name,
                           schema_type_name(s->type));
        else
                buf_printf(b, "Schema{%s}", schema_type_name(s->type));
}

char *errors_source_record_text(const connectd_record_t *rec)
{
        buf_t b;
        const connect_header_t *h;
        char *out;

        buf_init(&b, 0);
        buf_printf(&b, "SourceRecord{sourcePartition=%s, sourceOffset=%s} "
                   "ConnectRecord{topic='%s', kafkaPartition=",
                   rec->source_partition ? rec->source_partition : "null",
                   rec->source_offset ? rec->source_offset : "null",
                   rec->topic ? rec->topic : "null");
        if (rec->partition >= 0)
                buf_printf(&b, "%d", (int)rec->partition);
        else
                buf_puts(&b, "null");
        buf_puts(&b, ", key=");
        value_text(&b, rec->key);
        buf_puts(&b, ", keySchema=");
        schema_text(&b, rec->key_schema);
        buf_puts(&b, ", value=");
        value_text(&b, rec->value);
        buf_puts(&b, ", valueSchema=");
        schema_text(&b, rec->value_schema);
        if (rec->has_timestamp)
                buf_printf(&b, ", timestamp=%lld",
                           (long long)rec->timestamp);
        else
                buf_puts(&b, ", timestamp=null");
        buf_puts(&b, ", headers=ConnectHeaders(headers=");
        for (h = rec->headers.head; h; h = h->next) {
                buf_printf(&b, "%sConnectHeader(key=%s, value=",
                           h == rec->headers.head ? "" : ", ", h->name);
                value_text(&b, h->value);
                buf_puts(&b, ", schema=");
                schema_text(&b, h->schema);
                buf_puts(&b, ")");
        }
        buf_puts(&b, ")}");
        out = b.data ? strndup(b.data, b.len) : strdup("");
        buf_free(&b);
        return out;
}

void errors_log_message(const errors_t *op, err_stage_t stage,
                        const char *cls, char *buf, size_t size)
{
        int n = snprintf(buf, size,
                         "Error encountered in task %s-%d. Executing stage "
                         "'%s' with class '%s'",
                         op->conn, op->task, errors_stage_name(stage),
                         cls ? cls : "null");
        size_t at = n < 0 ? 0 : (size_t)n;

        if (at >= size)
                return;
        if (op->cfg.log_include_messages && op->source) {
                char *text = errors_source_record_text(op->source);
                n = snprintf(buf + at, size - at,
                             ", where source record is = %s",
                             text ? text : "");
                free(text);
                at += n < 0 ? 0 : (size_t)n;
        } else if (op->cfg.log_include_messages && op->consumed) {
                const rd_kafka_message_t *m = op->consumed;
                rd_kafka_timestamp_type_t tst;
                int64_t ts = rd_kafka_message_timestamp(m, &tst);

                n = snprintf(buf + at, size - at,
                             ", where consumed record is {topic='%s', "
                             "partition=%d, offset=%lld",
                             rd_kafka_topic_name(m->rkt), (int)m->partition,
                             (long long)m->offset);
                at += n < 0 ? 0 : (size_t)n;
                if (at < size &&
                    (tst == RD_KAFKA_TIMESTAMP_CREATE_TIME ||
                     tst == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME)) {
                        n = snprintf(buf + at, size - at,
                                     ", timestamp=%lld, timestampType=%s",
                                     (long long)ts,
                                     tst == RD_KAFKA_TIMESTAMP_CREATE_TIME
                                             ? "CreateTime"
                                             : "LogAppendTime");
                        at += n < 0 ? 0 : (size_t)n;
                }
                if (at < size) {
                        n = snprintf(buf + at, size - at, "}");
                        at += n < 0 ? 0 : (size_t)n;
                }
        }
        if (at < size)
                snprintf(buf + at, size - at, ".");
}

static int hdr_add(rd_kafka_headers_t *h, const char *name, const char *v)
{
        return rd_kafka_header_add(h, name, -1, v, v ? -1 : 0) ? -1 : 0;
}

int errors_context_headers(const errors_t *op, err_stage_t stage,
                           const char *cls, const xerr_t *err,
                           rd_kafka_headers_t **hdrs)
{
        char num[32], *trace = NULL;
        rd_kafka_headers_t *h = *hdrs;
        int rc = -1;

        if (!h && !(h = *hdrs = rd_kafka_headers_new(10)))
                return -1;
        if (op->consumed) {
                const rd_kafka_message_t *m = op->consumed;

                if (hdr_add(h, "__connect.errors.topic",
                            rd_kafka_topic_name(m->rkt)))
                        goto out;
                snprintf(num, sizeof(num), "%d", (int)m->partition);
                if (hdr_add(h, "__connect.errors.partition", num))
                        goto out;
                snprintf(num, sizeof(num), "%lld", (long long)m->offset);
                if (hdr_add(h, "__connect.errors.offset", num))
                        goto out;
        }
        snprintf(num, sizeof(num), "%d", op->task);
        if (hdr_add(h, "__connect.errors.connector.name", op->conn) ||
            hdr_add(h, "__connect.errors.task.id", num) ||
            hdr_add(h, "__connect.errors.stage", errors_stage_name(stage)) ||
            hdr_add(h, "__connect.errors.class.name", cls ? cls : "null"))
                goto out;
        if (err) {
                size_t n = strlen(err->cls) + strlen(err->msg) + 4;

                if (!(trace = malloc(n)))
                        goto out;
                if (err->msg[0])
                        snprintf(trace, n, "%s: %s\n", err->cls, err->msg);
                else
                        snprintf(trace, n, "%s\n", err->cls);
                if (hdr_add(h, "__connect.errors.exception.class.name",
                            err->cls) ||
                    hdr_add(h, "__connect.errors.exception.message",
                            err->msg[0] ? err->msg : NULL) ||
                    hdr_add(h, "__connect.errors.exception.stacktrace",
                            trace))
                        goto out;
        }
        rc = 0;
out:
        free(trace);
        return rc;
}

static void dlq_report(errors_t *op, err_stage_t stage, const char *cls,
                       const xerr_t *err)
{
        const rd_kafka_message_t *m = op->consumed;
        rd_kafka_headers_t *orig = NULL, *h = NULL;
        rd_kafka_timestamp_type_t tst;
        int64_t ts;
        rd_kafka_resp_err_t e;
        int tries;

        if (!op->dlq || !m)
                return;
        if (rd_kafka_message_headers(m, &orig) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            orig)
                h = rd_kafka_headers_copy(orig);
        if (op->cfg.dlq_context_headers &&
            errors_context_headers(op, stage, cls, err, &h)) {
                LOG_ERROR(lg(), "Could not produce message to dead letter "
                          "queue. topic=%s: out of memory",
                          op->cfg.dlq_topic);
                op->stats.dlq_failed++;
                goto out;
        }
        ts = rd_kafka_message_timestamp(m, &tst);
        for (tries = 0;; tries++) {
                /* Timestamp 0: librdkafka stamps the current time, as
                 * Java's producer does for a record without one. */
                if (h)
                        e = rd_kafka_producev(
                                op->dlq, RD_KAFKA_V_TOPIC(op->cfg.dlq_topic),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(m->key, m->key_len),
                                RD_KAFKA_V_VALUE(m->payload, m->len),
                                RD_KAFKA_V_TIMESTAMP(ts >= 0 ? ts : 0),
                                RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
                else
                        e = rd_kafka_producev(
                                op->dlq, RD_KAFKA_V_TOPIC(op->cfg.dlq_topic),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(m->key, m->key_len),
                                RD_KAFKA_V_VALUE(m->payload, m->len),
                                RD_KAFKA_V_TIMESTAMP(ts >= 0 ? ts : 0),
                                RD_KAFKA_V_END);
                if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || tries >= 100)
                        break;
                rd_kafka_poll(op->dlq, 50);
        }
        if (e) {
                op->stats.dlq_failed++;
                LOG_ERROR(lg(), "Could not produce message to dead letter "
                          "queue. topic=%s: %s", op->cfg.dlq_topic,
                          rd_kafka_err2str(e));
                goto out;
        }
        h = NULL; /* the producer owns it now */
        op->stats.dlq_sent++;
        rd_kafka_poll(op->dlq, 0);
out:
        if (h)
                rd_kafka_headers_destroy(h);
}

static void report(errors_t *op, err_stage_t stage, const char *cls,
                   const xerr_t *err)
{
        op->stats.failures++;
        if (op->cfg.log_enable) {
                char msg[4096];

                op->stats.logged++;
                errors_log_message(op, stage, cls, msg, sizeof(msg));
                if (err->msg[0])
                        LOG_ERROR(lg(), "%s\n%s: %s", msg, err->cls,
                                  err->msg);
                else
                        LOG_ERROR(lg(), "%s\n%s", msg, err->cls);
        }
        dlq_report(op, stage, cls, err);
}

static int fatal(errors_t *op, const char *what, const xerr_t *err)
{
        size_t n = strlen(what) + strlen(err->cls) + strlen(err->msg) + 128;

        free(op->trace);
        op->trace = malloc(n);
        if (op->trace) {
                if (err->msg[0])
                        snprintf(op->trace, n,
                                 XERR_CONNECT ": %s\nCaused by: %s: %s",
                                 what, err->cls, err->msg);
                else
                        snprintf(op->trace, n,
                                 XERR_CONNECT ": %s\nCaused by: %s", what,
                                 err->cls);
        }
        return ERRORS_FATAL;
}

int errors_fail(errors_t *op, err_stage_t stage, const char *cls,
                const xerr_t *err)
{
        op->failed = 1;
        op->total_failures++;
        report(op, stage, cls, err);
        if (!op->cfg.tolerance_all)
                return fatal(op, "Tolerance exceeded in error handler", err);
        return ERRORS_SKIP;
}

int errors_execute(errors_t *op, err_stage_t stage, const char *cls,
                   errors_op_fn fn, void *arg)
{
        long long start, deadline;
        int attempt = 0;

        if (op->failed)
                return ERRORS_SKIP;
        start = op->clock.now_ms(op->clock.arg);
        deadline = op->cfg.retry_timeout_ms >= 0
                           ? start + op->cfg.retry_timeout_ms
                           : LLONG_MAX;
        for (;;) {
                const char *failing = cls;
                xerr_t err;
                long long now, delay;
                int rc;

                attempt++;
                memset(&err, 0, sizeof(err));
                rc = fn(arg, &failing, &err);
                if (rc >= 0)
                        return rc;
                if (!err.cls[0])
                        snprintf(err.cls, sizeof(err.cls), "%s",
                                 XERR_CONNECT);
                if (!err.retriable)
                        return errors_fail(op, stage, failing, &err);
                now = op->clock.now_ms(op->clock.arg);
                if (now < deadline) {
                        op->rnd = op->rnd * 6364136223846793005ULL +
                                  1442695040888963407ULL;
                        delay = errors_backoff_ms(attempt,
                                                  op->cfg.retry_delay_max_ms,
                                                  now, deadline,
                                                  op->rnd >> 11);
                        op->stats.retries++;
                        if (!op->clock.wait_ms(op->clock.arg, delay))
                                continue;
                }
                /* Out of time, or asked to stop: the record fails and is
                 * skipped, whatever the tolerance (as Java does). */
                op->failed = 1;
                op->total_failures++;
                report(op, stage, failing, &err);
                return ERRORS_SKIP;
        }
}
