/*
 * producers — shared and own producers of source tasks (see producers.h).
 *
 * Locking: reg_mtx guards the registry of shared producers and every
 * producer's `users`; p->mtx guards p's list of shares; a share's own
 * mutex guards its counters and its callback. Order: p->mtx before a
 * share's mutex; the delivery callback takes only the share's. The
 * thread serving delivery reports keeps the share's lock from one report
 * to the next while they belong to the same share (a produce response
 * reports a run of one task's records), and lets it go when the run ends,
 * when it wakes the task, and when rd_kafka_poll/flush returns.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"
#include "producers.h"

LOG_MODULE_LOGGER(lg, "connectd.producers")

typedef struct producer producer_t;

/* Records a task may have in flight on a shared producer, at most. With
 * producers lingering 1 ms, 6,000 keeps the pipeline full; more only leaves
 * each record's memory cold by its delivery report (bench/RESULTS.md
 * (b'') and (b'''): at 25,000 the bookstore end to end made 0.55 M/s where
 * 8,192-12,288 made 0.7-0.8 M/s). */
#define SHARE_INFLIGHT_MAX 6000

struct prod_task {
        producer_t *p;
        pthread_mutex_t mtx;
        pthread_cond_t cond;
        int inflight;          /* messages handed over, not yet reported */
        int waiters;           /* threads waiting on cond */
        int wake_at;           /* wake them once inflight <= this */
        int detached;          /* the task released it */
        prod_dr_fn dr;
        prod_stats_fn stats;   /* may be NULL */
        void *arg;
        prod_task_t *prev, *next; /* p->shares (p->mtx) */
};

struct producer {
        kafka_t *kf;
        int shared;
        rd_kafka_t *rk;
        int cap;               /* per task in flight */
        int murmur2;           /* see prod_places_murmur2 */
        long long md_age_ms;   /* topic.metadata.refresh.interval.ms */
        int users;             /* attached shares (reg_mtx) */
        pthread_t poller;
        atomic_int quit;
        pthread_mutex_t mtx;
        prod_task_t *shares;   /* live shares, detached ones included */
        producer_t *next;      /* registry (reg_mtx) */
};

static pthread_mutex_t reg_mtx = PTHREAD_MUTEX_INITIALIZER;
static producer_t *registry;   /* shared producers */
static atomic_int alive;

int prod_count(void)
{
        return atomic_load(&alive);
}

static void share_free(prod_task_t *pt)
{
        producer_t *p = pt->p;

        pthread_mutex_lock(&p->mtx);
        if (pt->prev)
                pt->prev->next = pt->next;
        else
                p->shares = pt->next;
        if (pt->next)
                pt->next->prev = pt->prev;
        pthread_mutex_unlock(&p->mtx);
        pthread_mutex_destroy(&pt->mtx);
        pthread_cond_destroy(&pt->cond);
        free(pt);
}

/* The share whose lock this thread holds between delivery reports, if
 * any (see the top of the file). */
static __thread prod_task_t *dr_held;

static void dr_let_go(void)
{
        prod_task_t *pt = dr_held;

        if (pt) {
                dr_held = NULL;
                pthread_mutex_unlock(&pt->mtx);
        }
}

/* The producer's delivery report callback: finds the share by the
 * message's opaque. */
static void dr_msg(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        prod_task_t *pt = m->_private;
        int gone, woke = 0;

        (void)rk;
        (void)opaque;
        if (!pt)
                return;
        if (dr_held != pt) {
                dr_let_go();
                pthread_mutex_lock(&pt->mtx);
                dr_held = pt;
        }
        if (!pt->detached && pt->dr)
                pt->dr(pt->arg, m);
        pt->inflight--;
        gone = pt->detached && pt->inflight <= 0;
        /* Only when a waiter's condition may hold: a task at its cap
         * would otherwise be woken by every single report. */
        if (pt->waiters && pt->inflight <= pt->wake_at) {
                pt->wake_at = -1;
                pthread_cond_broadcast(&pt->cond);
                woke = 1;
        }
        /* A woken task wants the lock now, not after this poll. */
        if (gone || woke)
                dr_let_go();
        if (gone)
                share_free(pt);
}

/* librdkafka's statistics (metrics): the producer's figures go to every
 * share that asked for them. Called on the poll thread. */
static int stats_msg(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
        producer_t *p = opaque;
        prod_task_t *pt;
        client_stats_t cs;

        (void)rk;
        dr_let_go(); /* p->mtx comes before a share's lock */
        metrics_stats_parse(json, len, &cs);
        pthread_mutex_lock(&p->mtx);
        for (pt = p->shares; pt; pt = pt->next) {
                pthread_mutex_lock(&pt->mtx);
                if (!pt->detached && pt->stats)
                        pt->stats(pt->arg, &cs);
                pthread_mutex_unlock(&pt->mtx);
        }
        pthread_mutex_unlock(&p->mtx);
        return 0;
}

static void *poll_main(void *arg)
{
        producer_t *p = arg;

        pthread_setname_np(pthread_self(), p->shared ? "producer" :
                                                       "producer-own");
        while (!atomic_load(&p->quit)) {
                rd_kafka_poll(p->rk, 100);
                dr_let_go();
        }
        return NULL;
}

/* A connector config that sets producer.override.* needs its own. */
static int wants_own(const json_t *cc)
{
        const char *key;
        json_t *val;

        json_object_foreach((json_t *)cc, key, val)
                if (!strncmp(key, "producer.override.", 18))
                        return 1;
        return 0;
}

/* 1 when the partitioner places a keyed record by Java's murmur2 (both
 * murmur2 and murmur2_random do). */
static int places_murmur2(rd_kafka_conf_t *conf)
{
        rd_kafka_topic_conf_t *tc = rd_kafka_conf_get_default_topic_conf(conf);
        char v[64];
        size_t n = sizeof(v);

        return tc && rd_kafka_topic_conf_get(tc, "partitioner", v, &n) ==
                             RD_KAFKA_CONF_OK &&
               (!strcmp(v, "murmur2_random") || !strcmp(v, "murmur2"));
}

static producer_t *producer_new(kafka_t *kf, const json_t *cc, int shared,
                                const char *client_id, char *errstr,
                                size_t errstr_size)
{
        producer_t *p = calloc(1, sizeof(*p));
        rd_kafka_conf_t *conf;
        char qmax[32], v[32];
        size_t qlen = sizeof(qmax), vlen;
        long q;

        if (!p) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        conf = kafka_producer_conf(kf, shared ? NULL : cc, errstr,
                                   errstr_size);
        if (!conf) {
                free(p);
                return NULL;
        }
        rd_kafka_conf_set(conf, "client.id", client_id, NULL, 0);
        rd_kafka_conf_set_dr_msg_cb(conf, dr_msg);
        rd_kafka_conf_set_stats_cb(conf, stats_msg);
        rd_kafka_conf_set_opaque(conf, p);
        metrics_client_conf(conf);
        p->murmur2 = places_murmur2(conf);
        p->md_age_ms = 300000;
        vlen = sizeof(v);
        if (rd_kafka_conf_get(conf, "topic.metadata.refresh.interval.ms", v,
                              &vlen) == RD_KAFKA_CONF_OK &&
            strtol(v, NULL, 10) > 0)
                p->md_age_ms = strtol(v, NULL, 10);
        q = 100000;
        if (rd_kafka_conf_get(conf, "queue.buffering.max.messages", qmax,
                              &qlen) == RD_KAFKA_CONF_OK)
                q = strtol(qmax, NULL, 10);
        /* A task may hold a quarter of a shared queue: one that cannot
         * deliver blocks itself, the others still find room. And at most
         * SHARE_INFLIGHT_MAX: more keeps no more records moving, only
         * more of them out of the caches by the time their delivery
         * report comes (bench/RESULTS.md (b'')). */
        p->cap = shared ? (int)(q / 4) : (int)q;
        if (shared && p->cap > SHARE_INFLIGHT_MAX)
                p->cap = SHARE_INFLIGHT_MAX;
        if (p->cap < 1)
                p->cap = 1;
        p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
        if (!p->rk) {
                rd_kafka_conf_destroy(conf);
                free(p);
                return NULL;
        }
        p->kf = kf;
        p->shared = shared;
        pthread_mutex_init(&p->mtx, NULL);
        if (pthread_create(&p->poller, NULL, poll_main, p)) {
                snprintf(errstr, errstr_size, "cannot start a thread: %s",
                         strerror(errno));
                rd_kafka_destroy(p->rk);
                pthread_mutex_destroy(&p->mtx);
                free(p);
                return NULL;
        }
        atomic_fetch_add(&alive, 1);
        return p;
}

/* Its last task is gone: what is still in flight belongs to tasks that
 * gave up on it (their offsets stay uncommitted). */
static void producer_destroy(producer_t *p)
{
        prod_task_t *pt;

        atomic_store(&p->quit, 1);
        pthread_join(p->poller, NULL);
        if (rd_kafka_outq_len(p->rk) > 0)
                rd_kafka_purge(p->rk, RD_KAFKA_PURGE_F_QUEUE |
                                              RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(p->rk, 1000);
        rd_kafka_poll(p->rk, 0);
        dr_let_go();
        rd_kafka_destroy(p->rk);
        dr_let_go();
        /* Shares whose reports never came (none, normally). */
        while ((pt = p->shares)) {
                p->shares = pt->next;
                pthread_mutex_destroy(&pt->mtx);
                pthread_cond_destroy(&pt->cond);
                free(pt);
        }
        pthread_mutex_destroy(&p->mtx);
        free(p);
        atomic_fetch_sub(&alive, 1);
}

prod_task_t *prod_acquire(kafka_t *kf, const json_t *cc,
                          const char *client_id, prod_dr_fn dr, void *arg,
                          char *errstr, size_t errstr_size)
{
        prod_task_t *pt = calloc(1, sizeof(*pt));
        producer_t *p = NULL;

        if (!pt) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (wants_own(cc)) {
                p = producer_new(kf, cc, 0, client_id, errstr, errstr_size);
                if (!p)
                        goto fail;
                p->users = 1;
        } else {
                pthread_mutex_lock(&reg_mtx);
                for (p = registry; p && p->kf != kf; p = p->next)
                        ;
                if (!p) {
                        /* Created under the registry lock: one producer
                         * per cluster, however many tasks start at once. */
                        p = producer_new(kf, NULL, 1, "connector-producer",
                                         errstr, errstr_size);
                        if (p) {
                                p->next = registry;
                                registry = p;
                        }
                }
                if (p)
                        p->users++;
                pthread_mutex_unlock(&reg_mtx);
                if (!p)
                        goto fail;
        }
        pt->p = p;
        pt->dr = dr;
        pt->arg = arg;
        pthread_mutex_init(&pt->mtx, NULL);
        pthread_cond_init(&pt->cond, NULL);
        pthread_mutex_lock(&p->mtx);
        pt->next = p->shares;
        if (p->shares)
                p->shares->prev = pt;
        p->shares = pt;
        pthread_mutex_unlock(&p->mtx);
        return pt;
fail:
        free(pt);
        return NULL;
}

int prod_places_murmur2(const prod_task_t *pt)
{
        return pt->p->murmur2;
}

long long prod_metadata_age_ms(const prod_task_t *pt)
{
        return pt->p->md_age_ms;
}

rd_kafka_t *prod_rk(const prod_task_t *pt)
{
        return pt->p->rk;
}

int prod_shared(const prod_task_t *pt)
{
        return pt->p->shared;
}

int prod_cap_slice(const prod_task_t *pt)
{
        int k = pt->p->cap / 4;

        return k > 0 ? k : 1;
}

/* Waits up to ms, or until a delivery report brings the task's messages
 * in flight down to `level` (INT_MAX: any report). */
static void wait_slice(prod_task_t *pt, long long ms, int level)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += ms / 1000;
        ts.tv_nsec += (ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
        }
        if (level > pt->wake_at)
                pt->wake_at = level;
        pt->waiters++;
        pthread_cond_timedwait(&pt->cond, &pt->mtx, &ts);
        pt->waiters--;
}

int prod_reserve(prod_task_t *pt, int n, const atomic_int *stop)
{
        int cap = pt->p->cap;

        pthread_mutex_lock(&pt->mtx);
        while (pt->inflight > 0 && pt->inflight + n > cap) {
                if (stop && atomic_load(stop)) {
                        pthread_mutex_unlock(&pt->mtx);
                        return 1;
                }
                wait_slice(pt, 50, cap - n);
        }
        pt->inflight += n;
        pthread_mutex_unlock(&pt->mtx);
        return 0;
}

void prod_unreserve(prod_task_t *pt, int n)
{
        pthread_mutex_lock(&pt->mtx);
        pt->inflight -= n;
        if (pt->waiters)
                pthread_cond_broadcast(&pt->cond);
        pthread_mutex_unlock(&pt->mtx);
}

int prod_inflight(prod_task_t *pt)
{
        int n;

        pthread_mutex_lock(&pt->mtx);
        n = pt->inflight;
        pthread_mutex_unlock(&pt->mtx);
        return n;
}

void prod_wait(prod_task_t *pt, long long ms, const atomic_int *stop)
{
        if (ms <= 0 || (stop && atomic_load(stop)))
                return;
        pthread_mutex_lock(&pt->mtx);
        wait_slice(pt, ms, INT_MAX);
        pthread_mutex_unlock(&pt->mtx);
}

static long long mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int prod_flush(prod_task_t *pt, long long ms, const atomic_int *stop)
{
        long long end = mono_ms() + (ms > 0 ? ms : 0);
        int n;

        pthread_mutex_lock(&pt->mtx);
        for (;;) {
                long long left = end - mono_ms();

                if (pt->inflight <= 0 || left <= 0 ||
                    (stop && atomic_load(stop)))
                        break;
                wait_slice(pt, left < 100 ? left : 100, 0);
        }
        n = pt->inflight;
        pthread_mutex_unlock(&pt->mtx);
        return n;
}

void prod_locked(prod_task_t *pt, void (*fn)(void *arg), void *arg)
{
        pthread_mutex_lock(&pt->mtx);
        fn(arg);
        pthread_mutex_unlock(&pt->mtx);
}

void prod_on_stats(prod_task_t *pt, prod_stats_fn fn)
{
        pthread_mutex_lock(&pt->mtx);
        pt->stats = fn;
        pthread_mutex_unlock(&pt->mtx);
}

void prod_release(prod_task_t *pt)
{
        producer_t *p;
        int gone, last;

        if (!pt)
                return;
        p = pt->p;
        pthread_mutex_lock(&pt->mtx);
        pt->detached = 1;
        pt->dr = NULL;
        pt->stats = NULL;
        gone = pt->inflight <= 0;
        pthread_mutex_unlock(&pt->mtx);
        if (gone)
                share_free(pt);
        pthread_mutex_lock(&reg_mtx);
        last = --p->users == 0;
        if (last && p->shared) {
                producer_t **pp = &registry;
                while (*pp != p)
                        pp = &(*pp)->next;
                *pp = p->next;
        }
        pthread_mutex_unlock(&reg_mtx);
        if (last) {
                LOG_DEBUG(lg(), "closing a %s producer",
                          p->shared ? "shared" : "task's own");
                producer_destroy(p);
        }
}
