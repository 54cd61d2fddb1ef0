/*
 * metrics — counters, the health probe and the Prometheus exposition.
 * See metrics.h.
 */

#include "metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "errors.h"
#include "kafka.h"
#include "runtime.h"

int metrics_on = 1;
static long long delivery_timeout_ms = 5000;

/* worker-wide startup counters (any thread) */
static atomic_llong conn_start_ok, conn_start_fail;
static atomic_llong task_start_ok, task_start_fail;

void metrics_configure(const json_t *worker_props)
{
        if (!worker_props)
                return;
        metrics_on = wc_get_bool(worker_props, "metrics.enabled") != 0;
        delivery_timeout_ms = wc_get_ll(worker_props,
                                        "health.delivery.timeout.ms");
        if (delivery_timeout_ms <= 0)
                delivery_timeout_ms = 5000;
}

int64_t metrics_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void metrics_clock(struct timespec *t)
{
        if (metrics_on)
                clock_gettime(CLOCK_MONOTONIC, t);
}

long long metrics_us_since(const struct timespec *t0)
{
        struct timespec t;

        if (!metrics_on)
                return 0;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (long long)(t.tv_sec - t0->tv_sec) * 1000000 +
               (t.tv_nsec - t0->tv_nsec) / 1000;
}

void metrics_delivery_failed(task_metrics_t *m, int err)
{
        if (!metrics_on)
                return;
        MADD(m->produce_errors, 1);
        MADD(m->acked_total, 1);
        MSET(m->last_err_ms, metrics_now_ms());
        atomic_store_explicit(&m->last_err, err, memory_order_relaxed);
}

void metrics_commit(task_metrics_t *m, int ok, long long us)
{
        if (!metrics_on)
                return;
        if (ok)
                MADD(m->commit_ok, 1);
        else
                MADD(m->commit_fail, 1);
        MADD(m->commit_time_us, us);
        mmax(&m->commit_time_max_us, us);
}

#define RATE_WINDOW_MS 5000

void metrics_tick(task_metrics_t *m, const struct errors *eo)
{
        int64_t now;

        if (!metrics_on)
                return;
        now = metrics_now_ms();
        if (now - MGET(m->rw_ms[1]) >= RATE_WINDOW_MS) {
                MSET(m->rw_ms[0], MGET(m->rw_ms[1]));
                MSET(m->rw_a[0], MGET(m->rw_a[1]));
                MSET(m->rw_b[0], MGET(m->rw_b[1]));
                MSET(m->rw_ms[1], now);
                MSET(m->rw_a[1], MGET(m->poll_total) + MGET(m->read_total));
                MSET(m->rw_b[1], MGET(m->write_total) + MGET(m->send_total));
        }
        if (eo) {
                errors_stats_t st;

                errors_stats(eo, &st);
                MSET(m->err_failures, st.failures);
                MSET(m->err_retries, st.retries);
                MSET(m->err_dlq_sent, st.dlq_sent);
                MSET(m->err_dlq_failed, st.dlq_failed);
                MSET(m->err_logged, st.logged);
                MSET(m->err_skipped, errors_tolerate_all(eo) ? st.failures
                                                            : 0);
        }
}

void metrics_client_conf(rd_kafka_conf_t *conf)
{
        char v[32];
        size_t n = sizeof(v);

        if (!metrics_on)
                return;
        /* A user's own interval wins. */
        if (rd_kafka_conf_get(conf, "statistics.interval.ms", v, &n) ==
                    RD_KAFKA_CONF_OK && strcmp(v, "0") != 0)
                return;
        rd_kafka_conf_set(conf, "statistics.interval.ms", "5000", NULL, 0);
}

/* The integer after `"key":` at or after p, or -1. */
static long long stat_int(const char *p, const char *end, const char *key,
                          const char **after)
{
        size_t kl = strlen(key);
        const char *q = p;

        while ((q = memmem(q, (size_t)(end - q), key, kl))) {
                q += kl;
                while (q < end && (*q == ' ' || *q == ':'))
                        q++;
                if (after)
                        *after = q;
                return strtoll(q, NULL, 10);
        }
        return -1;
}

void metrics_stats_parse(const char *json, size_t len, client_stats_t *cs)
{
        const char *end = json + len, *p = json, *after;
        long long v;

        cs->q_msgs = cs->q_bytes = -1;
        cs->rtt_us = 0;
        if (!json)
                return;
        /* Top-level fields come before "brokers". */
        cs->q_msgs = stat_int(json, end, "\"msg_cnt\"", NULL);
        cs->q_bytes = stat_int(json, end, "\"msg_size\"", NULL);
        /* Each broker's "rtt": { "min":.., "max":.., "avg":.. }: the
         * largest average among them (microseconds). */
        while ((p = memmem(p, (size_t)(end - p), "\"rtt\"", 5))) {
                v = stat_int(p, end, "\"avg\"", &after);
                if (v < 0)
                        break;
                if (v > cs->rtt_us)
                        cs->rtt_us = v;
                p = after;
        }
}

void metrics_stats_apply(task_metrics_t *m, const client_stats_t *cs)
{
        if (!metrics_on)
                return;
        if (cs->q_msgs >= 0)
                MSET(m->q_msgs, cs->q_msgs);
        if (cs->q_bytes >= 0)
                MSET(m->q_bytes, cs->q_bytes);
        MSET(m->rtt_us, cs->rtt_us);
}

void metrics_stats(task_metrics_t *m, const char *json, size_t len)
{
        client_stats_t cs;

        if (!metrics_on || !json)
                return;
        metrics_stats_parse(json, len, &cs);
        metrics_stats_apply(m, &cs);
}

void metrics_task_created(task_t *t)
{
        task_metrics_t *m = &t->m;
        int64_t now = metrics_now_ms();

        MSET(m->created_ms, now);
        MSET(m->state_since_ms, now);
        MSET(m->rw_ms[0], now);
        MSET(m->rw_ms[1], now);
}

/* h->lock held by the caller or not: the state fields have one writer at
 * a time (herder_task_set_state's lock). */
void metrics_task_state(task_t *t, const char *state)
{
        task_metrics_t *m = &t->m;
        int64_t now = metrics_now_ms();
        int cur = atomic_load(&m->cur), nxt = 0;
        long long spent = now - MGET(m->state_since_ms);

        if (cur == 1)
                MADD(m->run_ms, spent);
        else if (cur == 2)
                MADD(m->pause_ms, spent);
        MSET(m->state_since_ms, now);
        if (!strcmp(state, "RUNNING"))
                nxt = 1;
        else if (!strcmp(state, "PAUSED"))
                nxt = 2;
        atomic_store(&m->cur, nxt);
        if (!atomic_load(&m->ever_running)) {
                if (nxt) {
                        atomic_store(&m->ever_running, 1);
                        atomic_fetch_add(&task_start_ok, 1);
                } else if (!strcmp(state, "FAILED")) {
                        atomic_store(&m->ever_running, 1);
                        atomic_fetch_add(&task_start_fail, 1);
                }
        }
}

int metrics_connector_startup(int rc)
{
        atomic_fetch_add(rc == 0 ? &conn_start_ok : &conn_start_fail, 1);
        return rc;
}

/* ------------------------------------------------------------------ */
/* Cluster probe                                                       */

static struct {
        pthread_mutex_t mtx;
        pthread_cond_t cond;
        pthread_t thread;
        int running, stop;
        long long interval_ms;
        rd_kafka_t *rk;
        char bootstrap[256];
        /* (mtx) */
        int known, reachable;
        char reason[512];
} probe = { .mtx = PTHREAD_MUTEX_INITIALIZER,
            .cond = PTHREAD_COND_INITIALIZER };

static void *probe_main(void *arg)
{
        (void)arg;
        pthread_mutex_lock(&probe.mtx);
        while (!probe.stop) {
                const struct rd_kafka_metadata *md = NULL;
                rd_kafka_resp_err_t err;
                struct timespec ts;
                int ok;
                char why[512] = "";
                long long tmo = probe.interval_ms < 1000 ? 1000
                              : probe.interval_ms > 3000 ? 3000
                              : probe.interval_ms;

                pthread_mutex_unlock(&probe.mtx);
                err = rd_kafka_metadata(probe.rk, 0, NULL, &md, (int)tmo);
                ok = !err && md && md->broker_cnt > 0;
                if (!ok)
                        snprintf(why, sizeof(why),
                                 "Kafka cluster at %s unreachable: metadata "
                                 "request failed: %s", probe.bootstrap,
                                 err ? rd_kafka_err2str(err) : "no brokers");
                if (md)
                        rd_kafka_metadata_destroy(md);
                pthread_mutex_lock(&probe.mtx);
                if (ok != probe.reachable || !probe.known) {
                        if (ok)
                                LOG_INFO(log_get("connectd.metrics"),
                                         "Kafka cluster at %s is reachable",
                                         probe.bootstrap);
                        else
                                LOG_WARN(log_get("connectd.metrics"), "%s",
                                         why);
                }
                probe.known = 1;
                probe.reachable = ok;
                snprintf(probe.reason, sizeof(probe.reason), "%s", why);
                if (probe.stop)
                        break;
                deadline_in(&ts, probe.interval_ms);
                pthread_cond_timedwait(&probe.cond, &probe.mtx, &ts);
        }
        pthread_mutex_unlock(&probe.mtx);
        return NULL;
}

int metrics_probe_start(struct kafka *kf, const json_t *worker_props)
{
        char errstr[512];
        rd_kafka_conf_t *conf;

        probe.interval_ms = worker_props
                ? wc_get_ll(worker_props, "health.kafka.probe.interval.ms")
                : 2000;
        if (probe.interval_ms <= 0 || probe.running)
                return 0;
        conf = kafka_producer_conf(kf, NULL, errstr, sizeof(errstr));
        if (!conf)
                return -1;
        rd_kafka_conf_set(conf, "client.id", "connectd-health-probe", NULL,
                          0);
        probe.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
                                sizeof(errstr));
        if (!probe.rk) {
                rd_kafka_conf_destroy(conf);
                return -1;
        }
        snprintf(probe.bootstrap, sizeof(probe.bootstrap), "%s",
                 kafka_bootstrap(kf) ? kafka_bootstrap(kf) : "?");
        probe.stop = 0;
        probe.known = 0;
        if (pthread_create(&probe.thread, NULL, probe_main, NULL)) {
                rd_kafka_destroy(probe.rk);
                probe.rk = NULL;
                return -1;
        }
        probe.running = 1;
        return 0;
}

void metrics_probe_stop(void)
{
        if (!probe.running)
                return;
        pthread_mutex_lock(&probe.mtx);
        probe.stop = 1;
        pthread_cond_broadcast(&probe.cond);
        pthread_mutex_unlock(&probe.mtx);
        pthread_join(probe.thread, NULL);
        rd_kafka_destroy(probe.rk);
        probe.rk = NULL;
        probe.running = 0;
}

/* 1 known reachable, 0 unreachable (reason copied), -1 not probed. */
static int probe_state(char *reason, size_t size)
{
        int st;

        pthread_mutex_lock(&probe.mtx);
        st = !probe.running || !probe.known ? -1 : probe.reachable;
        if (reason && size)
                snprintf(reason, size, "%s", st == 0 ? probe.reason : "");
        pthread_mutex_unlock(&probe.mtx);
        return st;
}

/* ------------------------------------------------------------------ */
/* Snapshot of the herder's connectors and tasks                       */

typedef struct tsnap {
        int conn;            /* index into csnap */
        int id;
        char idstr[16];
        char state[16];
        int is_sink;
        task_metrics_t *m;   /* the task's, held by a reference */
        task_t *t;
} tsnap_t;

typedef struct csnap {
        char *name;
        char *cls;
        const char *type;
        char state[16];
        int here;            /* the connector instance runs on this worker
                              * (distributed mode: its assignment) */
} csnap_t;

typedef struct snap {
        csnap_t *c;
        int nc;
        tsnap_t *t;
        int nt;
} snap_t;

static void snap_free(snap_t *s)
{
        int i;

        for (i = 0; i < s->nc; i++) {
                free(s->c[i].name);
                free(s->c[i].cls);
        }
        for (i = 0; i < s->nt; i++)
                task_release(s->t[i].t);
        free(s->c);
        free(s->t);
        memset(s, 0, sizeof(*s));
}

static int snap_take(herder_t *h, snap_t *s)
{
        connector_t *c;
        int nc = 0, nt = 0, i;
        struct timespec ts;

        memset(s, 0, sizeof(*s));
        deadline_in(&ts, 2000);
        if (pthread_mutex_timedlock(&h->lock, &ts))
                return -1;
        for (c = h->conns; c; c = c->next) {
                if (c->deleted)
                        continue;
                nc++;
                nt += c->ntasks;
        }
        s->c = calloc(nc ? nc : 1, sizeof(*s->c));
        s->t = calloc(nt ? nt : 1, sizeof(*s->t));
        if (!s->c || !s->t) {
                pthread_mutex_unlock(&h->lock);
                snap_free(s);
                return -1;
        }
        for (c = h->conns; c; c = c->next) {
                const char *cls;
                csnap_t *cs;

                if (c->deleted)
                        continue;
                cs = &s->c[s->nc];
                cls = json_string_value(json_object_get(c->config,
                                                        "connector.class"));
                cs->name = strdup(c->name);
                cs->cls = strdup(cls ? cls : "");
                cs->type = !c->desc ? "unknown"
                         : c->desc->type == CONNECTD_SOURCE ? "source"
                                                             : "sink";
                snprintf(cs->state, sizeof(cs->state), "%s", c->state);
                cs->here = !h->dist || c->own_conn;
                if (!cs->name || !cs->cls) {
                        free(cs->name);
                        free(cs->cls);
                        break;
                }
                for (i = 0; i < c->ntasks; i++) {
                        task_t *t = c->tasks[i];
                        tsnap_t *q;

                        if (!t)
                                continue;
                        q = &s->t[s->nt++];
                        q->conn = s->nc;
                        q->id = t->id;
                        snprintf(q->idstr, sizeof(q->idstr), "%d", t->id);
                        snprintf(q->state, sizeof(q->state), "%s", t->state);
                        q->is_sink = t->desc && t->desc->type == CONNECTD_SINK;
                        atomic_fetch_add(&t->refcnt, 1);
                        q->t = t;
                        q->m = &t->m;
                }
                s->nc++;
        }
        pthread_mutex_unlock(&h->lock);
        return 0;
}

/* ------------------------------------------------------------------ */
/* Health                                                              */

/* A task that does not deliver: 1 with the reason. */
static int task_problem(const tsnap_t *q, const char *conn, int64_t now,
                        char *buf, size_t size)
{
        const task_metrics_t *m = q->m;
        long long inflight = MGET(m->produced_total) - MGET(m->acked_total);
        long long stalled = now - MGET(m->last_progress_ms);
        long long since_err = now - MGET(m->last_err_ms);

        if (!metrics_on || q->is_sink)
                return 0;
        if (MGET(m->last_err_ms) && since_err < delivery_timeout_ms) {
                snprintf(buf, size, "Task %s-%d cannot deliver: last "
                         "delivery failed %lld ms ago: %s", conn, q->id,
                         since_err,
                         rd_kafka_err2str((rd_kafka_resp_err_t)
                                          atomic_load(&m->last_err)));
                return 1;
        }
        if (inflight > 0 && stalled >= delivery_timeout_ms) {
                snprintf(buf, size, "Task %s-%d cannot deliver: %lld "
                         "records undelivered, none delivered for %lld ms",
                         conn, q->id, inflight, stalled);
                return 1;
        }
        return 0;
}

int metrics_health_problem(herder_t *h, char *buf, size_t size)
{
        snap_t s;
        int i, bad = 0;
        size_t len = 0;
        int64_t now = metrics_now_ms();

        buf[0] = 0;
        if (probe_state(buf, size) == 0)
                return 1;
        if (!h || snap_take(h, &s))
                return 0;
        for (i = 0; i < s.nt; i++) {
                char one[512];

                if (!task_problem(&s.t[i], s.c[s.t[i].conn].name, now, one,
                                  sizeof(one)))
                        continue;
                if (len < size)
                        len += (size_t)snprintf(buf + len, size - len,
                                                "%s%s", bad ? "; " : "",
                                                one);
                bad = 1;
        }
        snap_free(&s);
        return bad;
}

/* ------------------------------------------------------------------ */
/* Exposition                                                          */

void prom_escape_label(buf_t *b, const char *s)
{
        for (; *s; s++) {
                if (*s == '\\')
                        buf_puts(b, "\\\\");
                else if (*s == '"')
                        buf_puts(b, "\\\"");
                else if (*s == '\n')
                        buf_puts(b, "\\n");
                else
                        buf_putc(b, *s);
        }
}

void prom_escape_help(buf_t *b, const char *s)
{
        for (; *s; s++) {
                if (*s == '\\')
                        buf_puts(b, "\\\\");
                else if (*s == '\n')
                        buf_puts(b, "\\n");
                else
                        buf_putc(b, *s);
        }
}

void prom_family(buf_t *b, const char *name, const char *type,
                 const char *help)
{
        buf_printf(b, "# HELP %s ", name);
        prom_escape_help(b, help);
        buf_printf(b, "\n# TYPE %s %s\n", name, type);
}

void prom_sample(buf_t *b, const char *name, const char *const *labels,
                 double v)
{
        int i;

        buf_puts(b, name);
        if (labels && labels[0]) {
                buf_putc(b, '{');
                for (i = 0; labels[i] && labels[i + 1]; i += 2) {
                        if (i)
                                buf_putc(b, ',');
                        buf_printf(b, "%s=\"", labels[i]);
                        prom_escape_label(b, labels[i + 1]);
                        buf_putc(b, '"');
                }
                buf_putc(b, '}');
        }
        if (isnan(v))
                buf_puts(b, " NaN\n");
        else if (isinf(v))
                buf_puts(b, v > 0 ? " +Inf\n" : " -Inf\n");
        else if (v == (double)(long long)v && fabs(v) < 1e15)
                buf_printf(b, " %lld\n", (long long)v);
        else
                buf_printf(b, " %.15g\n", v);
}

void prom_name(char *out, size_t size, const char *group, const char *attr)
{
        size_t n = 0;
        const char *parts[3] = { "kafka_connect_", group, attr };
        int i;

        for (i = 0; i < 3 && n + 1 < size; i++) {
                const char *p;

                if (i == 2 && n + 1 < size)
                        out[n++] = '_';
                for (p = parts[i]; *p && n + 1 < size; p++)
                        out[n++] = (*p == '-' || *p == '.') ? '_' : *p;
        }
        out[n] = 0;
}

/* Per-task figure: value of task q, or NAN to leave the sample out. */
typedef double (*tval_fn)(const tsnap_t *q, int64_t now);

typedef struct tdef {
        const char *group;   /* JMX type, without the kafka.connect prefix */
        const char *attr;    /* JMX attribute; NULL: `name` is used */
        const char *name;    /* connectd_ name when attr is NULL */
        const char *help;
        int only;            /* 0 any task, 1 source only, 2 sink only */
        tval_fn fn;
} tdef_t;

#define M(q, f) ((double)MGET((q)->m->f))

static double ratio_of(const tsnap_t *q, int64_t now, int want)
{
        const task_metrics_t *m = q->m;
        double run = (double)MGET(m->run_ms), pause = (double)MGET(m->pause_ms);
        double total = (double)(now - MGET(m->created_ms));
        int cur = atomic_load(&m->cur);
        double cur_spent = (double)(now - MGET(m->state_since_ms));

        if (cur == 1)
                run += cur_spent;
        else if (cur == 2)
                pause += cur_spent;
        if (total <= 0)
                return 0;
        return (want == 1 ? run : pause) / total;
}
static double f_running_ratio(const tsnap_t *q, int64_t now)
{ return ratio_of(q, now, 1); }
static double f_pause_ratio(const tsnap_t *q, int64_t now)
{ return ratio_of(q, now, 2); }
static double commit_pct(const tsnap_t *q, int ok)
{
        double a = M(q, commit_ok), b = M(q, commit_fail);

        if (a + b == 0)
                return 0;
        return (ok ? a : b) / (a + b);
}
static double f_commit_ok_pct(const tsnap_t *q, int64_t now)
{ (void)now; return commit_pct(q, 1); }
static double f_commit_fail_pct(const tsnap_t *q, int64_t now)
{ (void)now; return commit_pct(q, 0); }
static double f_commit_avg(const tsnap_t *q, int64_t now)
{
        double n = M(q, commit_ok) + M(q, commit_fail);

        (void)now;
        return n ? M(q, commit_time_us) / n / 1000.0 : NAN;
}
static double f_commit_max(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, commit_time_max_us) / 1000.0; }
static double f_batch_avg(const tsnap_t *q, int64_t now)
{
        (void)now;
        return M(q, batches) ? M(q, batch_records) / M(q, batches) : 0;
}
static double f_batch_max(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, batch_max); }
static double f_time_avg(const tsnap_t *q, int64_t now)
{
        (void)now;
        return M(q, batches) ? M(q, batch_time_us) / M(q, batches) / 1000.0
                             : NAN;
}
static double f_time_max(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, batch_time_max_us) / 1000.0; }
static double rate_of(const tsnap_t *q, int64_t now, int b)
{
        const task_metrics_t *m = q->m;
        double dt = (double)(now - MGET(m->rw_ms[0])) / 1000.0;
        double cur = b ? M(q, write_total) + M(q, send_total)
                       : M(q, poll_total) + M(q, read_total);
        double base = b ? (double)MGET(m->rw_b[0]) : (double)MGET(m->rw_a[0]);

        return dt > 0 ? (cur - base) / dt : 0;
}
static double f_rate_a(const tsnap_t *q, int64_t now)
{ return rate_of(q, now, 0); }
static double f_rate_b(const tsnap_t *q, int64_t now)
{ return rate_of(q, now, 1); }
static double f_poll_total(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, poll_total); }
static double f_write_total(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, write_total); }
static double f_active(const tsnap_t *q, int64_t now)
{
        double v = M(q, poll_total) - M(q, write_total) - M(q, skip_total) -
                   (M(q, acked_total) - M(q, write_total));

        (void)now;
        return v > 0 ? v : 0;
}
static double f_read_total(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, read_total); }
static double f_send_total(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, send_total); }
static double f_partitions(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, partition_count); }
static double f_seq(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, commit_seq); }
static double f_err_failures(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, err_failures); }
static double f_err_skipped(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, err_skipped); }
static double f_err_logged(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, err_logged); }
static double f_dlq_sent(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, err_dlq_sent); }
static double f_dlq_failed(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, err_dlq_failed); }
static double f_retries(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, err_retries); }
static double f_produce_errors(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, produce_errors); }
static double f_q_msgs(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, q_msgs); }
static double f_q_bytes(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, q_bytes); }
static double f_rtt(const tsnap_t *q, int64_t now)
{ (void)now; return M(q, rtt_us) / 1e6; }
static double f_undelivered(const tsnap_t *q, int64_t now)
{
        (void)now;
        return M(q, produced_total) - M(q, acked_total);
}
static double f_stalled(const tsnap_t *q, int64_t now)
{
        if (M(q, produced_total) - M(q, acked_total) <= 0)
                return 0;
        return (double)(now - MGET(q->m->last_progress_ms)) / 1000.0;
}

static const char CTM[] = "connector-task-metrics";
static const char STM[] = "source-task-metrics";
static const char KTM[] = "sink-task-metrics";
static const char ETM[] = "task-error-metrics";

static const tdef_t TDEFS[] = {
        { CTM, "running-ratio", NULL, "The fraction of time this task has "
          "spent in the running state (since the task started).", 0,
          f_running_ratio },
        { CTM, "pause-ratio", NULL, "The fraction of time this task has "
          "spent in the pause state (since the task started).", 0,
          f_pause_ratio },
        { CTM, "offset-commit-success-percentage", NULL, "The average "
          "percentage of this task's offset commit attempts that "
          "succeeded.", 0, f_commit_ok_pct },
        { CTM, "offset-commit-failure-percentage", NULL, "The average "
          "percentage of this task's offset commit attempts that failed.",
          0, f_commit_fail_pct },
        { CTM, "offset-commit-avg-time-ms", NULL, "The average time in "
          "milliseconds taken by this task to commit offsets.", 0,
          f_commit_avg },
        { CTM, "offset-commit-max-time-ms", NULL, "The maximum time in "
          "milliseconds taken by this task to commit offsets.", 0,
          f_commit_max },
        { CTM, "batch-size-avg", NULL, "The average number of records in "
          "the batches the task has processed so far.", 0, f_batch_avg },
        { CTM, "batch-size-max", NULL, "The number of records in the "
          "largest batch the task has processed so far.", 0, f_batch_max },
        { STM, "source-record-poll-total", NULL, "The total number of "
          "records produced/polled (before transformation) by this task.",
          1, f_poll_total },
        { STM, "source-record-poll-rate", NULL, "The average per-second "
          "number of records produced/polled (before transformation) by "
          "this task.", 1, f_rate_a },
        { STM, "source-record-write-total", NULL, "The number of records "
          "output from the transformations and written to Kafka for this "
          "task.", 1, f_write_total },
        { STM, "source-record-write-rate", NULL, "The average per-second "
          "number of records output from the transformations and written "
          "to Kafka for this task.", 1, f_rate_b },
        { STM, "poll-batch-avg-time-ms", NULL, "The average time in "
          "milliseconds taken by this task to poll for a batch of source "
          "records.", 1, f_time_avg },
        { STM, "poll-batch-max-time-ms", NULL, "The maximum time in "
          "milliseconds taken by this task to poll for a batch of source "
          "records.", 1, f_time_max },
        { STM, "source-record-active-count", NULL, "The number of records "
          "that have been produced by this task but not yet completely "
          "written to Kafka.", 1, f_active },
        { KTM, "sink-record-read-total", NULL, "The total number of "
          "records read from Kafka by this task.", 2, f_read_total },
        { KTM, "sink-record-read-rate", NULL, "The average per-second "
          "number of records read from Kafka for this task.", 2,
          f_rate_a },
        { KTM, "sink-record-send-total", NULL, "The total number of "
          "records output from the transformations and sent/put to this "
          "task.", 2, f_send_total },
        { KTM, "sink-record-send-rate", NULL, "The average per-second "
          "number of records output from the transformations and sent/put "
          "to this task.", 2, f_rate_b },
        { KTM, "put-batch-avg-time-ms", NULL, "The average time taken by "
          "this task to put a batch of sinks records.", 2, f_time_avg },
        { KTM, "put-batch-max-time-ms", NULL, "The maximum time taken by "
          "this task to put a batch of sinks records.", 2, f_time_max },
        { KTM, "partition-count", NULL, "The number of topic partitions "
          "assigned to this task.", 2, f_partitions },
        { KTM, "offset-commit-seq-no", NULL, "The current sequence number "
          "for offset commits.", 2, f_seq },
        { ETM, "total-record-errors", NULL, "The number of record "
          "processing errors in this task.", 0, f_err_failures },
        { ETM, "total-record-failures", NULL, "The number of record "
          "processing failures in this task.", 0, f_err_failures },
        { ETM, "total-records-skipped", NULL, "The number of records "
          "skipped due to errors.", 0, f_err_skipped },
        { ETM, "total-errors-logged", NULL, "The number of errors that "
          "were logged.", 0, f_err_logged },
        { ETM, "deadletterqueue-produce-requests", NULL, "The number of "
          "attempted writes to the dead letter queue.", 0, f_dlq_sent },
        { ETM, "deadletterqueue-produce-failures", NULL, "The number of "
          "failed writes to the dead letter queue.", 0, f_dlq_failed },
        { ETM, "total-retries", NULL, "The number of operations retried.",
          0, f_retries },
        { NULL, NULL, "connectd_task_produce_errors_total", "Records the "
          "task's producer could not deliver (refused or failed delivery "
          "reports).", 1, f_produce_errors },
        { NULL, NULL, "connectd_task_producer_queue_messages", "Messages "
          "in the queue of the task's producer, in flight included; a "
          "shared producer's whole queue (librdkafka statistics msg_cnt)."
          , 1, f_q_msgs },
        { NULL, NULL, "connectd_task_producer_queue_bytes", "Bytes of the "
          "messages in the queue of the task's producer; a shared "
          "producer's whole queue (librdkafka statistics msg_size).", 1,
          f_q_bytes },
        { NULL, NULL, "connectd_task_broker_rtt_avg_seconds", "Average "
          "broker round-trip time of the task's client, the largest among "
          "its brokers (librdkafka statistics rtt.avg).", 0, f_rtt },
        { NULL, NULL, "connectd_task_undelivered_records", "Records handed "
          "to the producer with no delivery report yet.", 1,
          f_undelivered },
        { NULL, NULL, "connectd_task_delivery_stalled_seconds", "While "
          "records are undelivered: seconds since the producer last "
          "delivered one (or since it had none to deliver); 0 otherwise.",
          1, f_stalled },
};


static void worker_metrics(buf_t *b, const snap_t *s)
{
        static const char G[] = "connect-worker-metrics";
        struct { const char *attr, *help; double v; } w[12];
        long long cok = atomic_load(&conn_start_ok);
        long long cfail = atomic_load(&conn_start_fail);
        long long tok = atomic_load(&task_start_ok);
        long long tfail = atomic_load(&task_start_fail);
        int n = 0, i, nc = 0;
        char name[160];

        for (i = 0; i < s->nc; i++)
                nc += s->c[i].here;

#define W(a, hlp, val) do { w[n].attr = (a); w[n].help = (hlp); \
                            w[n].v = (val); n++; } while (0)
        W("connector-count", "The number of connectors run in this "
          "worker.", nc);
        W("task-count", "The number of tasks run in this worker.", s->nt);
        W("connector-startup-attempts-total", "The total number of "
          "connector startups that this worker has attempted.", cok + cfail);
        W("connector-startup-success-total", "The total number of "
          "connector starts that succeeded.", cok);
        W("connector-startup-failure-total", "The total number of "
          "connector starts that failed.", cfail);
        W("connector-startup-success-percentage", "The average percentage "
          "of this worker's connectors starts that succeeded.",
          cok + cfail ? (double)cok / (double)(cok + cfail) : 0);
        W("connector-startup-failure-percentage", "The average percentage "
          "of this worker's connectors starts that failed.",
          cok + cfail ? (double)cfail / (double)(cok + cfail) : 0);
        W("task-startup-attempts-total", "The total number of task "
          "startups that this worker has attempted.", tok + tfail);
        W("task-startup-success-total", "The total number of task starts "
          "that succeeded.", tok);
        W("task-startup-failure-total", "The total number of task starts "
          "that failed.", tfail);
        W("task-startup-success-percentage", "The average percentage of "
          "this worker's tasks starts that succeeded.",
          tok + tfail ? (double)tok / (double)(tok + tfail) : 0);
        W("task-startup-failure-percentage", "The average percentage of "
          "this worker's tasks starts that failed.",
          tok + tfail ? (double)tfail / (double)(tok + tfail) : 0);
#undef W
        for (i = 0; i < n; i++) {
                prom_name(name, sizeof(name), G, w[i].attr);
                prom_family(b, name, "gauge", w[i].help);
                prom_sample(b, name, NULL, w[i].v);
        }
}

static void connector_metrics(buf_t *b, const snap_t *s)
{
        char name[160];
        int i;

        prom_name(name, sizeof(name), "connector-metrics", "status");
        prom_family(b, name, "gauge", "The status of the connector (as "
                    "the label status; the value is 1).");
        for (i = 0; i < s->nc; i++) {
                char lower[16];
                size_t k;

                if (!s->c[i].here)
                        continue;
                for (k = 0; s->c[i].state[k] && k + 1 < sizeof(lower); k++)
                        lower[k] = (char)(s->c[i].state[k] | 0x20);
                lower[k] = 0;
                prom_sample(b, name, (const char *const[]){
                        "connector", s->c[i].name, "status", lower, NULL },
                        1);
        }
        prom_name(name, sizeof(name), "connector-metrics", "connector-class");
        prom_family(b, name, "gauge", "The name of the connector class (as "
                    "the label connector_class; the value is 1).");
        for (i = 0; i < s->nc; i++)
                if (s->c[i].here)
                        prom_sample(b, name, (const char *const[]){
                                "connector", s->c[i].name, "connector_class",
                                s->c[i].cls, NULL }, 1);
        prom_name(name, sizeof(name), "connector-metrics", "connector-type");
        prom_family(b, name, "gauge", "The type of the connector, source "
                    "or sink (as the label connector_type; the value is 1).");
        for (i = 0; i < s->nc; i++)
                if (s->c[i].here)
                        prom_sample(b, name, (const char *const[]){
                                "connector", s->c[i].name, "connector_type",
                                s->c[i].type, NULL }, 1);
}

static void task_metrics(buf_t *b, const snap_t *s, int64_t now)
{
        char name[160];
        size_t d;
        int i;

        prom_name(name, sizeof(name), CTM, "status");
        prom_family(b, name, "gauge", "The status of the connector task (as "
                    "the label status; the value is 1).");
        for (i = 0; i < s->nt; i++) {
                char lower[16];
                size_t k;

                for (k = 0; s->t[i].state[k] && k + 1 < sizeof(lower); k++)
                        lower[k] = (char)(s->t[i].state[k] | 0x20);
                lower[k] = 0;
                prom_sample(b, name, (const char *const[]){
                        "connector", s->c[s->t[i].conn].name,
                        "task", s->t[i].idstr, "status", lower, NULL }, 1);
        }
        for (d = 0; d < sizeof(TDEFS) / sizeof(TDEFS[0]); d++) {
                const tdef_t *td = &TDEFS[d];

                if (td->group)
                        prom_name(name, sizeof(name), td->group, td->attr);
                else
                        snprintf(name, sizeof(name), "%s", td->name);
                prom_family(b, name, "gauge", td->help);
                for (i = 0; i < s->nt; i++) {
                        const tsnap_t *q = &s->t[i];
                        double v;

                        if ((td->only == 1 && q->is_sink) ||
                            (td->only == 2 && !q->is_sink))
                                continue;
                        v = td->fn(q, now);
                        if (isnan(v))
                                continue;
                        prom_sample(b, name, (const char *const[]){
                                "connector", s->c[q->conn].name,
                                "task", q->idstr, NULL }, v);
                }
        }
}

static void health_metrics(buf_t *b, const snap_t *s, int64_t now)
{
        char reason[512];
        int st = probe_state(reason, sizeof(reason)), i;

        prom_family(b, "connectd_kafka_cluster_reachable", "gauge",
                    "1 while the worker's Kafka cluster answers its metadata "
                    "probe, 0 while it does not (absent when the probe is "
                    "off or has not answered yet).");
        if (st >= 0)
                prom_sample(b, "connectd_kafka_cluster_reachable", NULL, st);
        prom_family(b, "connectd_task_delivery_healthy", "gauge",
                    "0 while a source task cannot deliver (a delivery "
                    "failed, or none for health.delivery.timeout.ms while "
                    "records wait), 1 otherwise.");
        for (i = 0; i < s->nt; i++) {
                char one[512];

                if (s->t[i].is_sink)
                        continue;
                prom_sample(b, "connectd_task_delivery_healthy",
                            (const char *const[]){
                                    "connector", s->c[s->t[i].conn].name,
                                    "task", s->t[i].idstr, NULL },
                            !task_problem(&s->t[i], s->c[s->t[i].conn].name,
                                          now, one, sizeof(one)));
        }
        prom_family(b, "connectd_worker_health_problem", "gauge",
                    "One sample (value 1) per reason /health is unhealthy, "
                    "the reason as a label; none while healthy.");
        if (st == 0)
                prom_sample(b, "connectd_worker_health_problem",
                            (const char *const[]){ "reason", reason, NULL },
                            1);
        for (i = 0; i < s->nt; i++) {
                char one[512];

                if (task_problem(&s->t[i], s->c[s->t[i].conn].name, now, one,
                                 sizeof(one)))
                        prom_sample(b, "connectd_worker_health_problem",
                                    (const char *const[]){
                                            "reason", one, NULL }, 1);
        }
        prom_family(b, "connectd_info", "gauge",
                    "The worker's version (label version; the value is 1).");
        prom_sample(b, "connectd_info",
                    (const char *const[]){ "version", CONNECTD_VERSION, NULL },
                    1);
}

int metrics_render(herder_t *h, buf_t *b)
{
        snap_t s;
        int64_t now = metrics_now_ms();

        if (snap_take(h, &s))
                return -1;
        worker_metrics(b, &s);
        connector_metrics(b, &s);
        task_metrics(b, &s, now);
        health_metrics(b, &s, now);
        snap_free(&s);
        return 0;
}
