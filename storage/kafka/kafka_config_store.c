/*
 * kafka_config_store — config_store_t on Connect's config topic.
 *
 * DESIGN
 *
 * Owns one kafka_log_t on the (single-partition) config topic and one
 * config_reader_t holding everything read from it. The log's reader thread
 * feeds each record to the reader under `lock`; every other thread only
 * reads the reader's state under `lock` (copying what it hands out), so the
 * view is always a prefix of the topic.
 *
 * Listener: while feeding, the reader's callbacks only queue events (deep
 * copies); the reader thread delivers them after releasing `lock`, so a
 * listener may call back into the store.
 *
 * Writes are serialised by `write_lock` (never taken by the reader thread):
 * each sends its records (section 2.2's order, partition 0, each waiting
 * for its acknowledgement) and then reads to the end, so on return this
 * worker's own view contains the change. tasks_put compares with the stored
 * set after a read to the end and writes nothing when it is unchanged.
 *
 * History: restart records are reported only when read after the start.
 * "After the start" is decided by offset: the topic's end offset taken
 * before the reader starts; records at or past it are new.
 */
#include "kafka_stores.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config_records.h"
#include "kafka_log.h"
#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.storage.config")

/* Java's KafkaConfigBackingStore READ_WRITE_TOTAL_TIMEOUT_MS. */
#define KCS_IO_TIMEOUT_MS 30000
#define KCS_START_TIMEOUT_MS 60000

enum ev_kind { EV_CONNECTOR, EV_TARGET, EV_TASKS, EV_RESTART };

typedef struct kcs_event {
        enum ev_kind kind;
        char *name;
        json_t *json;       /* connector config / tasks (deep copy) */
        const char *target; /* static string */
        int include_tasks, only_failed;
} kcs_event_t;

typedef struct kcs {
        config_store_t base; /* first: config_store_t * <-> kcs_t * */
        pthread_mutex_t lock;
        pthread_cond_t cond; /* signalled when the read offset advances */
        pthread_mutex_t write_lock;
        config_reader_t *cr;
        kafka_log_t *kl;
        char *topic;
        int64_t live_from; /* first offset read "after the start" */
        config_listener_t user;
        int has_user;
        /* Reader thread only: events queued during one feed. */
        kcs_event_t *evs;
        size_t evcnt, evsize;
} kcs_t;

/* ---------------------------- events ---------------------------- */

static kcs_event_t *ev_new(kcs_t *k, enum ev_kind kind, const char *name)
{
        kcs_event_t *e;

        if (!k->has_user)
                return NULL;
        if (k->evcnt == k->evsize) {
                size_t n = k->evsize ? k->evsize * 2 : 8;
                kcs_event_t *v = realloc(k->evs, n * sizeof(*v));

                if (!v)
                        goto oom;
                k->evs = v;
                k->evsize = n;
        }
        e = &k->evs[k->evcnt];
        memset(e, 0, sizeof(*e));
        e->kind = kind;
        e->name = strdup(name);
        if (!e->name)
                goto oom;
        k->evcnt++;
        return e;
oom:
        LOG_ERROR(lg(), "out of memory: config change of %s not reported",
                  name);
        return NULL;
}

static void q_connector(void *o, const char *name, const json_t *config)
{
        kcs_event_t *e = ev_new(o, EV_CONNECTOR, name);

        if (e && config)
                e->json = json_deep_copy(config);
}

static void q_target(void *o, const char *name, const char *target)
{
        kcs_event_t *e = ev_new(o, EV_TARGET, name);

        if (e)
                e->target = target; /* static strings of config_records */
}

static void q_tasks(void *o, const char *name, const json_t *tasks)
{
        kcs_event_t *e = ev_new(o, EV_TASKS, name);

        if (e && tasks)
                e->json = json_deep_copy(tasks);
}

static void q_restart(void *o, const char *name, int it, int of)
{
        kcs_event_t *e = ev_new(o, EV_RESTART, name);

        if (e) {
                e->include_tasks = it;
                e->only_failed = of;
        }
}

static void deliver(kcs_t *k)
{
        const config_listener_t *u = &k->user;
        size_t i;

        for (i = 0; i < k->evcnt; i++) {
                kcs_event_t *e = &k->evs[i];

                switch (e->kind) {
                case EV_CONNECTOR:
                        if (u->connector)
                                u->connector(u->opaque, e->name, e->json);
                        break;
                case EV_TARGET:
                        if (u->target)
                                u->target(u->opaque, e->name, e->target);
                        break;
                case EV_TASKS:
                        if (u->tasks)
                                u->tasks(u->opaque, e->name, e->json);
                        break;
                case EV_RESTART:
                        if (u->restart)
                                u->restart(u->opaque, e->name,
                                           e->include_tasks, e->only_failed);
                        break;
                }
                free(e->name);
                json_decref(e->json);
        }
        k->evcnt = 0;
}

/* Reader thread. */
static void on_record(void *opaque, int32_t partition, int64_t offset,
                      const void *key, size_t keylen, const void *value,
                      size_t valuelen)
{
        kcs_t *k = opaque;

        if (partition != 0) {
                LOG_ERROR(lg(),
                          "Config topic %s has a record in partition %d: "
                          "ignored (the config topic must have exactly one "
                          "partition)",
                          k->topic, (int)partition);
                return;
        }
        pthread_mutex_lock(&k->lock);
        if (offset >= k->live_from)
                config_reader_set_started(k->cr);
        config_reader_feed(k->cr, key, keylen, value, valuelen, offset);
        pthread_cond_broadcast(&k->cond);
        pthread_mutex_unlock(&k->lock);
        deliver(k);
}

/* ---------------------------- writes ---------------------------- */

static int read_to_end(kcs_t *k, char *errstr, size_t errstr_size)
{
        char e[256] = "";

        if (kafka_log_read_to_end(k->kl, KCS_IO_TIMEOUT_MS, e, sizeof(e))) {
                snprintf(errstr, errstr_size,
                         "reading config topic %s to its end: %s", k->topic,
                         e);
                return -1;
        }
        return 0;
}

/* Sends recs[from, to) in order, each acknowledged before the next. */
static int send_range(kcs_t *k, const config_recs_t *l, size_t from,
                      size_t to, char *errstr, size_t errstr_size)
{
        char e[256];
        size_t i;

        for (i = from; i < to; i++) {
                const config_rec_t *r = &l->recs[i];

                e[0] = '\0';
                if (kafka_log_send(k->kl, 0, r->key, strlen(r->key),
                                   r->value,
                                   r->value ? strlen(r->value) : 0, 1, e,
                                   sizeof(e))) {
                        snprintf(errstr, errstr_size,
                                 "writing %s to config topic %s: %s", r->key,
                                 k->topic, e);
                        return -1;
                }
        }
        return 0;
}

/* The whole list, then a read to the end. Caller holds write_lock. */
static int send_all(kcs_t *k, const config_recs_t *l, char *errstr,
                    size_t errstr_size)
{
        if (send_range(k, l, 0, l->cnt, errstr, errstr_size))
                return -1;
        return read_to_end(k, errstr, errstr_size);
}

static kcs_t *K(config_store_t *cs)
{
        return (kcs_t *)cs;
}

/* One writer at a time: sends the records of one operation, in order,
 * and frees them. */
static int send_locked(kcs_t *k, config_recs_t *l, char *errstr,
                       size_t errstr_size)
{
        int rc;

        pthread_mutex_lock(&k->write_lock);
        rc = send_all(k, l, errstr, errstr_size);
        pthread_mutex_unlock(&k->write_lock);
        config_recs_clear(l);
        return rc;
}

static int kcs_connector_put(config_store_t *cs, const char *name,
                             const json_t *config, const char *target,
                             char *errstr, size_t errstr_size)
{
        kcs_t *k = K(cs);
        config_recs_t l = { 0 };

        if (config_recs_create(&l, name, config, target, errstr,
                               errstr_size))
                return -1;
        return send_locked(k, &l, errstr, errstr_size);
}

static int kcs_target_put(config_store_t *cs, const char *name,
                          const char *target, char *errstr,
                          size_t errstr_size)
{
        kcs_t *k = K(cs);
        config_recs_t l = { 0 };
        int rc;

        /* stop = commit {"tasks":0} then STOPPED (section 2.2). */
        if (target && !strcmp(target, "STOPPED"))
                rc = config_recs_stop(&l, name, errstr, errstr_size);
        else
                rc = config_recs_target(&l, name, target, errstr,
                                        errstr_size);
        if (rc)
                return -1;
        return send_locked(k, &l, errstr, errstr_size);
}

static int kcs_connector_delete(config_store_t *cs, const char *name,
                                char *errstr, size_t errstr_size)
{
        kcs_t *k = K(cs);
        config_recs_t l = { 0 };

        if (config_recs_delete(&l, name, errstr, errstr_size))
                return -1;
        return send_locked(k, &l, errstr, errstr_size);
}

static int kcs_tasks_put(config_store_t *cs, const char *name,
                         const json_t *tasks, char *errstr,
                         size_t errstr_size)
{
        kcs_t *k = K(cs);
        config_recs_t l = { 0 };
        int rc = -1, differ;

        if (config_recs_tasks(&l, name, tasks, errstr, errstr_size))
                return -1;
        pthread_mutex_lock(&k->write_lock);
        if (read_to_end(k, errstr, errstr_size))
                goto out;
        pthread_mutex_lock(&k->lock);
        differ = config_reader_tasks_differ(k->cr, name, tasks);
        pthread_mutex_unlock(&k->lock);
        if (!differ) {
                LOG_DEBUG(lg(), "Task configs of %s unchanged: not written",
                          name);
                rc = 0;
                goto out;
        }
        /* task-N-0 .. task-N-(k-1), read to end (if k > 0), commit-N. */
        if (send_range(k, &l, 0, l.cnt - 1, errstr, errstr_size))
                goto out;
        if (l.cnt > 1 && read_to_end(k, errstr, errstr_size))
                goto out;
        if (send_range(k, &l, l.cnt - 1, l.cnt, errstr, errstr_size))
                goto out;
        rc = read_to_end(k, errstr, errstr_size);
out:
        pthread_mutex_unlock(&k->write_lock);
        config_recs_clear(&l);
        return rc;
}

int kafka_config_store_restart(config_store_t *cs, const char *name,
                               int include_tasks, int only_failed,
                               char *errstr, size_t errstr_size)
{
        kcs_t *k = K(cs);
        config_recs_t l = { 0 };

        if (config_recs_restart(&l, name, include_tasks, only_failed, errstr,
                                errstr_size))
                return -1;
        return send_locked(k, &l, errstr, errstr_size);
}

/* ---------------------------- reads ----------------------------- */

typedef struct snap_ent {
        char *name;
        json_t *config;
        char *target;
} snap_ent_t;

typedef struct snap {
        snap_ent_t *v;
        size_t cnt, size;
        int failed;
} snap_t;

static int snap_add(void *opaque, const char *name, const json_t *config,
                    const char *target)
{
        snap_t *s = opaque;
        snap_ent_t *e;

        if (s->cnt == s->size) {
                size_t n = s->size ? s->size * 2 : 16;
                snap_ent_t *v = realloc(s->v, n * sizeof(*v));

                if (!v)
                        goto oom;
                s->v = v;
                s->size = n;
        }
        e = &s->v[s->cnt];
        e->name = strdup(name);
        e->config = json_deep_copy(config);
        e->target = strdup(target);
        s->cnt++;
        if (!e->name || !e->config || !e->target)
                goto oom;
        return 0;
oom:
        s->failed = 1;
        return 1;
}

static int kcs_connector_each(config_store_t *cs,
                              config_store_connector_cb cb, void *opaque,
                              char *errstr, size_t errstr_size)
{
        kcs_t *k = K(cs);
        snap_t s = { 0 };
        size_t i;
        int rc = 0;

        pthread_mutex_lock(&k->lock);
        config_reader_connector_each(k->cr, snap_add, &s);
        pthread_mutex_unlock(&k->lock);
        if (s.failed) {
                snprintf(errstr, errstr_size, "out of memory");
                rc = -1;
                goto out;
        }
        for (i = 0; i < s.cnt && !rc; i++)
                rc = cb(opaque, s.v[i].name, s.v[i].config, s.v[i].target);
out:
        for (i = 0; i < s.cnt; i++) {
                free(s.v[i].name);
                json_decref(s.v[i].config);
                free(s.v[i].target);
        }
        free(s.v);
        return rc;
}

static int kcs_tasks_get(config_store_t *cs, const char *name,
                         json_t **tasks, char *errstr, size_t errstr_size)
{
        kcs_t *k = K(cs);
        const json_t *t;

        pthread_mutex_lock(&k->lock);
        t = config_reader_tasks(k->cr, name, NULL);
        *tasks = t ? json_deep_copy(t) : json_array();
        pthread_mutex_unlock(&k->lock);
        if (!*tasks) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

/* --------------------------- lifecycle --------------------------- */

static void kcs_close(config_store_t *cs)
{
        kcs_t *k = K(cs);
        size_t i;

        if (!k)
                return;
        /* Stops the reader thread first: nothing feeds after this. */
        if (k->kl)
                kafka_log_destroy(k->kl);
        config_reader_destroy(k->cr);
        for (i = 0; i < k->evcnt; i++) {
                free(k->evs[i].name);
                json_decref(k->evs[i].json);
        }
        free(k->evs);
        free(k->topic);
        pthread_cond_destroy(&k->cond);
        pthread_mutex_destroy(&k->lock);
        pthread_mutex_destroy(&k->write_lock);
        free(k);
}

static const struct config_store_ops kcs_ops = {
        .connector_put = kcs_connector_put,
        .target_put = kcs_target_put,
        .connector_delete = kcs_connector_delete,
        .tasks_put = kcs_tasks_put,
        .connector_each = kcs_connector_each,
        .tasks_get = kcs_tasks_get,
        .close = kcs_close,
};

/* End offset of partition 0 now, through a short-lived client built from
 * a copy of conf; -1 when it can not be had (then only records read after
 * the start returns count as new). */
static int64_t end_offset_now(const char *topic, rd_kafka_conf_t *conf)
{
        rd_kafka_conf_t *c = rd_kafka_conf_dup(conf);
        char e[256];
        rd_kafka_t *rk;
        int64_t lo = -1, hi = -1;
        rd_kafka_resp_err_t err;
        rd_kafka_error_t *serr;

        if (!c)
                return -1;
        /* A plain client for one ListOffsets: no delivery reports. */
        rd_kafka_conf_set_dr_msg_cb(c, NULL);
        /* Looking the topic up must not create it (broker defaults). */
        rd_kafka_conf_set(c, "allow.auto.create.topics", "false", e,
                          sizeof(e));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, e, sizeof(e));
        if (!rk) {
                rd_kafka_conf_destroy(c);
                LOG_WARN(lg(), "config topic %s: end offset: %s", topic, e);
                return -1;
        }
        /* A SASL/OAUTHBEARER token callback (MSK IAM) must run while
         * this thread blocks in the query below; harmless without one. */
        serr = rd_kafka_sasl_background_callbacks_enable(rk);
        if (serr)
                rd_kafka_error_destroy(serr);
        err = rd_kafka_query_watermark_offsets(rk, topic, 0, &lo, &hi,
                                               KCS_IO_TIMEOUT_MS);
        rd_kafka_destroy(rk);
        if (err) {
                LOG_WARN(lg(), "config topic %s: end offset: %s", topic,
                         rd_kafka_err2str(err));
                return -1;
        }
        return hi;
}

config_store_t *kafka_config_store_open(const char *topic,
                                        rd_kafka_conf_t *producer_conf,
                                        rd_kafka_conf_t *consumer_conf,
                                        const config_listener_t *listener,
                                        char *errstr, size_t errstr_size)
{
        config_listener_t q = { 0 };
        pthread_condattr_t ca;
        kcs_t *k = NULL;
        int64_t end;

        k = calloc(1, sizeof(*k));
        if (!k || !(k->topic = strdup(topic))) {
                snprintf(errstr, errstr_size, "out of memory");
                free(k);
                rd_kafka_conf_destroy(producer_conf);
                rd_kafka_conf_destroy(consumer_conf);
                return NULL;
        }
        k->base.ops = &kcs_ops;
        pthread_mutex_init(&k->lock, NULL);
        pthread_mutex_init(&k->write_lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&k->cond, &ca);
        pthread_condattr_destroy(&ca);
        if (listener) {
                k->user = *listener;
                k->has_user = 1;
        }
        q.opaque = k;
        q.connector = q_connector;
        q.target = q_target;
        q.tasks = q_tasks;
        q.restart = q_restart;
        k->cr = config_reader_new(&q);
        if (!k->cr) {
                snprintf(errstr, errstr_size, "out of memory");
                rd_kafka_conf_destroy(producer_conf);
                rd_kafka_conf_destroy(consumer_conf);
                goto fail;
        }
        end = end_offset_now(topic, producer_conf);
        k->live_from = end >= 0 ? end : INT64_MAX;
        /* kafka_log_new consumes both configs, also on failure. */
        k->kl = kafka_log_new(topic, producer_conf, consumer_conf, on_record,
                              k, errstr, errstr_size);
        if (!k->kl)
                goto fail;
        if (kafka_log_start(k->kl, KCS_START_TIMEOUT_MS, errstr,
                            errstr_size))
                goto fail;
        pthread_mutex_lock(&k->lock);
        config_reader_set_started(k->cr);
        LOG_INFO(lg(), "Finished reading config topic %s up to offset %lld",
                 topic, (long long)config_reader_offset(k->cr));
        pthread_mutex_unlock(&k->lock);
        return &k->base;
fail:
        kcs_close(&k->base);
        return NULL;
}

int64_t kafka_config_store_offset(config_store_t *cs)
{
        kcs_t *k = K(cs);
        int64_t o;

        pthread_mutex_lock(&k->lock);
        o = config_reader_offset(k->cr);
        pthread_mutex_unlock(&k->lock);
        return o;
}

int kafka_config_store_sync(config_store_t *cs, int timeout_ms, char *errstr,
                            size_t errstr_size)
{
        kcs_t *k = K(cs);
        char e[256] = "";

        if (kafka_log_read_to_end(k->kl, timeout_ms, e, sizeof(e))) {
                snprintf(errstr, errstr_size,
                         "reading config topic %s to its end: %s", k->topic,
                         e);
                return -1;
        }
        return 0;
}

int kafka_config_store_wait_offset(config_store_t *cs, int64_t offset,
                                   int timeout_ms)
{
        kcs_t *k = K(cs);
        struct timespec dl;
        int rc = 0;

        clock_gettime(CLOCK_MONOTONIC, &dl);
        dl.tv_sec += timeout_ms / 1000;
        dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (dl.tv_nsec >= 1000000000L) {
                dl.tv_sec++;
                dl.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&k->lock);
        while (config_reader_offset(k->cr) < offset) {
                if (pthread_cond_timedwait(&k->cond, &k->lock, &dl) ==
                    ETIMEDOUT) {
                        if (config_reader_offset(k->cr) < offset)
                                rc = -1;
                        break;
                }
        }
        pthread_mutex_unlock(&k->lock);
        return rc;
}
