/*
 * metrics — the worker's counters and their Prometheus text exposition
 * (GET /metrics, rest_metrics.c), and the health signal (/health): a
 * probe of the Kafka cluster and each task's delivery progress.
 *
 * Counting: each task carries a task_metrics_t. Its record-path fields
 * have one writer, the task thread (librdkafka's delivery and statistics
 * callbacks run on it too, from rd_kafka_poll/flush), which adds with a
 * relaxed load and store: no locked instruction, no lock. A scrape reads
 * them relaxed; figures of one task may be a few records apart from each
 * other, never torn. With metrics.enabled=false the hooks return at once.
 */
#ifndef CONNECTD_METRICS_H
#define CONNECTD_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "buf.h"

typedef _Atomic long long mctr_t;

typedef struct task_metrics {
        /* source */
        mctr_t poll_total;        /* records returned by task_poll */
        mctr_t write_total;       /* records acknowledged by Kafka */
        mctr_t skip_total;        /* dropped (transforms) or tolerated */
        mctr_t produced_total;    /* records handed to librdkafka */
        mctr_t acked_total;       /* delivery reports, good or bad */
        mctr_t produce_errors;    /* produce calls and deliveries failed */
        /* sink */
        mctr_t read_total;        /* records read from Kafka */
        mctr_t send_total;        /* records given to task_put */
        mctr_t partition_count;
        mctr_t commit_seq;        /* sink offset commits attempted */
        /* poll (source) or put (sink) batches */
        mctr_t batches, batch_records, batch_max;
        mctr_t batch_time_us, batch_time_max_us;
        /* offset commits */
        mctr_t commit_ok, commit_fail, commit_time_us, commit_time_max_us;
        /* errors_t's counters, copied by the task thread */
        mctr_t err_failures, err_retries, err_dlq_sent, err_dlq_failed;
        mctr_t err_skipped, err_logged;
        /* librdkafka statistics (statistics.interval.ms) */
        mctr_t q_msgs, q_bytes, rtt_us;
        /* delivery progress (CLOCK_MONOTONIC ms) */
        mctr_t last_progress_ms;  /* last delivery, or when the queue
                                   * went from empty to busy */
        mctr_t last_err_ms;       /* last failed delivery */
        _Atomic int last_err;     /* its rd_kafka_resp_err_t */
        /* rates: two samples, rotated by the task thread every 5 s */
        mctr_t rw_ms[2], rw_a[2], rw_b[2];
        /* state times (written under h->lock by herder_task_set_state) */
        mctr_t created_ms, state_since_ms, run_ms, pause_ms;
        _Atomic int cur;          /* 1 RUNNING, 2 PAUSED, 0 else */
        _Atomic int ever_running; /* startup counted */
} task_metrics_t;

/* Set at start-up (before any task runs) from the worker config. */
extern int metrics_on;
void metrics_configure(const json_t *worker_props);

int64_t metrics_now_ms(void); /* CLOCK_MONOTONIC_COARSE */

#define MADD(f, n) atomic_store_explicit(&(f), \
        atomic_load_explicit(&(f), memory_order_relaxed) + (n), \
        memory_order_relaxed)
#define MSET(f, v) atomic_store_explicit(&(f), (v), memory_order_relaxed)
#define MGET(f) atomic_load_explicit(&(f), memory_order_relaxed)

static inline void mmax(mctr_t *f, long long v)
{
        if (v > atomic_load_explicit(f, memory_order_relaxed))
                atomic_store_explicit(f, v, memory_order_relaxed);
}

/* --- hooks (task thread) --- */
static inline void metrics_source_polled(task_metrics_t *m, int n,
                                         long long us)
{
        if (!metrics_on || n <= 0)
                return;
        MADD(m->poll_total, n);
        MADD(m->batches, 1);
        MADD(m->batch_records, n);
        mmax(&m->batch_max, n);
        MADD(m->batch_time_us, us);
        mmax(&m->batch_time_max_us, us);
}

/* n records handed to librdkafka (call before they can be reported) */
static inline void metrics_produced(task_metrics_t *m, int n)
{
        if (!metrics_on || n <= 0)
                return;
        if (MGET(m->produced_total) == MGET(m->acked_total))
                MSET(m->last_progress_ms, metrics_now_ms());
        MADD(m->produced_total, n);
}

static inline void metrics_delivered(task_metrics_t *m)
{
        if (!metrics_on)
                return;
        MADD(m->write_total, 1);
        MADD(m->acked_total, 1);
        MSET(m->last_progress_ms, metrics_now_ms());
}

void metrics_delivery_failed(task_metrics_t *m, int err);
/* A produce call refused a record (never handed over). */
static inline void metrics_produce_error(task_metrics_t *m)
{
        if (metrics_on)
                MADD(m->produce_errors, 1);
}

static inline void metrics_skipped(task_metrics_t *m, int n)
{
        if (metrics_on && n > 0)
                MADD(m->skip_total, n);
}

static inline void metrics_sink_read(task_metrics_t *m, int n)
{
        if (metrics_on && n > 0)
                MADD(m->read_total, n);
}

static inline void metrics_sink_put(task_metrics_t *m, int n, long long us)
{
        if (!metrics_on)
                return;
        MADD(m->send_total, n);
        MADD(m->batches, 1);
        MADD(m->batch_records, n);
        mmax(&m->batch_max, n);
        MADD(m->batch_time_us, us);
        mmax(&m->batch_time_max_us, us);
}

void metrics_commit(task_metrics_t *m, int ok, long long us);
/* Once per loop turn: rotates the rate window, copies error counters. */
struct errors;
void metrics_tick(task_metrics_t *m, const struct errors *eo);
/* Producer/consumer conf: statistics every few seconds, into m. The
 * client's opaque must be something metrics_stats_cb's caller maps to m:
 * the runner's own stats callback calls metrics_stats(). */
void metrics_client_conf(rd_kafka_conf_t *conf);
void metrics_stats(task_metrics_t *m, const char *json, size_t len);
/* The same in two steps, for a client shared by many tasks: parse its
 * statistics once, apply them to each task. -1: not in the JSON. */
typedef struct client_stats {
        long long q_msgs, q_bytes, rtt_us;
} client_stats_t;
void metrics_stats_parse(const char *json, size_t len, client_stats_t *cs);
void metrics_stats_apply(task_metrics_t *m, const client_stats_t *cs);

long long metrics_us_since(const struct timespec *t0);
void metrics_clock(struct timespec *t);

/* --- herder side --- */
struct task;
struct herder;
struct kafka;
void metrics_task_created(struct task *t);
void metrics_task_state(struct task *t, const char *state);
/* Returns rc (0 = started) after counting it. */
int metrics_connector_startup(int rc);

/* --- health --- */
/* Starts the probe thread (no-op when the interval is 0). 0 or -1. */
int metrics_probe_start(struct kafka *kf, const json_t *worker_props);
void metrics_probe_stop(void);
/* 1 and a reason in buf when the worker is unhealthy: the cluster is
 * unreachable, or a task does not deliver. 0 otherwise. */
int metrics_health_problem(struct herder *h, char *buf, size_t size);

/* --- exposition --- */
/* The whole /metrics page into b. 0, or -1 (out of memory). */
int metrics_render(struct herder *h, buf_t *b);

/* Prometheus text format writer (exposed for tests). */
void prom_family(buf_t *b, const char *name, const char *type,
                 const char *help);
/* labels: name, value, name, value, ..., NULL */
void prom_sample(buf_t *b, const char *name, const char *const *labels,
                 double v);
void prom_escape_label(buf_t *b, const char *s);
void prom_escape_help(buf_t *b, const char *s);
/* Metric name from a JMX group and attribute, as the JMX exporter's
 * Kafka Connect rules make it: prefix_group_attr with [-.] -> _. */
void prom_name(char *out, size_t size, const char *group, const char *attr);

#endif
