/*
 * distributed — see distributed.h.
 *
 * State owned here (d->mtx): the latest consistent view, the newest valid
 * assignment, every worker's latest acknowledgement, and this worker's
 * progress (the assignment version applied, what it last acknowledged).
 * The herder owns the connectors; this file tells it what to run through
 * herder_dist_assign and asks what runs through herder_dist_running.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assignor.h"
#include "config.h"
#include "distributed.h"
#include "kafka.h"
#include "kafka_log.h"
#include "kafka_stores.h"
#include "log.h"
#include "membership.h"

LOG_MODULE_LOGGER(lg, "connectd.distributed")

/* How often the dist thread looks again without being woken: acks of
 * tasks that finished stopping, retries of pending task configs. */
#define TICK_MS 200
#define STORE_START_TIMEOUT_MS 30000
/* How long a leaving leader waits to have published its own hand-over. */
#define LEAVE_HANDOVER_MS 3000

struct dist {
        struct herder *h;
        struct kafka *kf;
        char *worker_id;
        char *url;
        config_listener_t listener;
        config_store_t *cs;
        offset_store_t *os;
        status_store_t *ss;
        membership_t *m;
        membership_config_t mcfg;
        char *group_id;
        char *coord_topic;
        long long sync_timeout_ms;
        long long delay_ms;      /* scheduled.rebalance.max.delay.ms */
        int delay_set;           /* ...only honoured when set */

        /* Guards h for the listeners (store and membership threads), so
         * that none calls into a herder being replayed or gone. */
        pthread_mutex_t hook_mtx;

        pthread_t thread;
        int thread_started;
        pthread_mutex_t mtx;
        pthread_cond_t cond;
        int stop;
        int wake;

        /* (mtx) */
        json_t *view;            /* {"leader","self_leader","members"} */
        json_t *assignment;      /* newest valid assignment */
        json_t *published;       /* the last one this worker published */
        json_t *acks;            /* worker_id -> ack */
        json_t *pending_tasks;   /* connector -> task configs to publish */
        json_t *departed;        /* worker_id -> ms it left (delay) */
        long long applied;       /* assignment version applied here */
        long long skip_upto;     /* versions made stale by a lost session */
        json_t *acked;           /* what we last acknowledged */
        long long acked_version;
        int lost;
        int leaving;             /* shutting down: hand everything over */
        json_t *leaving_work;    /* the work as it was when leaving began
                                  * (the herder's list empties as it stops) */

        atomic_int generation;
};

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wake(dist_t *d)
{
        pthread_mutex_lock(&d->mtx);
        d->wake = 1;
        pthread_cond_signal(&d->cond);
        pthread_mutex_unlock(&d->mtx);
}

/* ------------------------------------------------------------------ */
/* Listeners (store and membership threads): record and signal         */

static void on_connector(void *opaque, const char *name, const json_t *config)
{
        dist_t *d = opaque;
        pthread_mutex_lock(&d->hook_mtx);
        if (d->h)
                herder_dist_connector(d->h, name, config);
        pthread_mutex_unlock(&d->hook_mtx);
        wake(d);
}

static void on_target(void *opaque, const char *name, const char *target)
{
        dist_t *d = opaque;
        pthread_mutex_lock(&d->hook_mtx);
        if (d->h)
                herder_dist_target(d->h, name, target);
        pthread_mutex_unlock(&d->hook_mtx);
        wake(d);
}

static void on_tasks(void *opaque, const char *name, const json_t *tasks)
{
        dist_t *d = opaque;
        pthread_mutex_lock(&d->hook_mtx);
        if (d->h)
                herder_dist_tasks(d->h, name, tasks);
        pthread_mutex_unlock(&d->hook_mtx);
        wake(d);
}

static void on_restart(void *opaque, const char *name, int include_tasks,
                       int only_failed)
{
        dist_t *d = opaque;
        pthread_mutex_lock(&d->hook_mtx);
        if (d->h)
                herder_dist_restart(d->h, name, include_tasks, only_failed);
        pthread_mutex_unlock(&d->hook_mtx);
}

static void on_view(void *opaque, const json_t *view)
{
        dist_t *d = opaque;
        json_t *old_members, *members = json_object_get(view, "members");
        const char *w;
        json_t *v;

        pthread_mutex_lock(&d->mtx);
        old_members = json_object_get(d->view, "members");
        /* Who left: their work waits out the delay, if one was set. */
        if (d->delay_set && old_members) {
                json_object_foreach(old_members, w, v)
                        if (!json_object_get(members, w))
                                json_object_set_new(d->departed, w,
                                                    json_integer(now_ms()));
        }
        json_object_foreach(members, w, v)
                json_object_del(d->departed, w);
        json_decref(d->view);
        d->view = json_deep_copy(view);
        /* A view holds this worker's current claim: it is a member again
         * and may run what the newest assignment gives it. */
        d->lost = 0;
        d->skip_upto = 0;
        d->wake = 1;
        pthread_cond_signal(&d->cond);
        pthread_mutex_unlock(&d->mtx);
        LOG_INFO(lg(), "Cluster view: %d worker(s), leader %s%s",
                 (int)json_object_size(members),
                 json_string_value(json_object_get(view, "leader")) ?: "?",
                 json_is_true(json_object_get(view, "self_leader")) ?
                 " (this worker)" : "");
}

static void on_lost(void *opaque)
{
        dist_t *d = opaque;
        json_t *none = json_pack("{s:[],s:{}}", "connectors", "tasks");

        LOG_WARN(lg(), "Group membership lost: stopping all local work until "
                 "the cluster assigns it again");
        pthread_mutex_lock(&d->mtx);
        d->lost = 1;
        /* Whatever the last assignment said is not ours any more. */
        d->skip_upto = json_integer_value(json_object_get(d->assignment,
                                                          "version"));
        d->applied = d->skip_upto;
        pthread_mutex_unlock(&d->mtx);
        pthread_mutex_lock(&d->hook_mtx);
        if (d->h)
                herder_dist_assign(d->h, none, atomic_load(&d->generation));
        pthread_mutex_unlock(&d->hook_mtx);
        json_decref(none);
        wake(d);
}

static void on_assignment(void *opaque, const json_t *a)
{
        dist_t *d = opaque;
        long long v = json_integer_value(json_object_get(a, "version"));

        pthread_mutex_lock(&d->mtx);
        if (!d->assignment ||
            v > json_integer_value(json_object_get(d->assignment,
                                                   "version"))) {
                json_decref(d->assignment);
                d->assignment = json_deep_copy(a);
                d->wake = 1;
                pthread_cond_signal(&d->cond);
        }
        pthread_mutex_unlock(&d->mtx);
}

static void on_ack(void *opaque, const char *worker_id, const json_t *ack)
{
        dist_t *d = opaque;

        pthread_mutex_lock(&d->mtx);
        json_object_set_new(d->acks, worker_id, json_deep_copy(ack));
        d->wake = 1;
        pthread_cond_signal(&d->cond);
        pthread_mutex_unlock(&d->mtx);
}

/* ------------------------------------------------------------------ */
/* The leader: compute and publish                                     */

/* The newest assignment this worker knows (d->mtx held): what it read,
 * or what it published itself and has not read back yet. */
static json_t *newest_locked(dist_t *d)
{
        json_t *base = d->assignment;

        if (d->published &&
            (!base || json_integer_value(json_object_get(d->published,
                                                         "version")) >
                      json_integer_value(json_object_get(base, "version"))))
                base = d->published;
        return base;
}

/* While a departed worker's grace period runs (only when the user set
 * scheduled.rebalance.max.delay.ms), its items stay its own: they are
 * taken out of the work given to the assignor and put back after. */
static void hold_departed(dist_t *d, json_t *work, const json_t *prev,
                          json_t **held)
{
        const char *w, *name;
        json_t *t, *v;
        long long now = now_ms();
        void *it;

        *held = NULL;
        if (!d->delay_set || !prev)
                return;
        for (it = json_object_iter(d->departed); it;) {
                w = json_object_iter_key(it);
                t = json_object_iter_value(it);
                it = json_object_iter_next(d->departed, it);
                if (now - json_integer_value(t) >= d->delay_ms)
                        json_object_del(d->departed, w);
        }
        if (!json_object_size(d->departed))
                return;
        *held = json_pack("{s:{},s:{}}", "connectors", "tasks");
        json_object_foreach(json_object_get(prev, "connectors"), name, v)
                if (json_is_string(v) &&
                    json_object_get(d->departed, json_string_value(v)) &&
                    json_object_get(work, name))
                        json_object_set(json_object_get(*held, "connectors"),
                                        name, v);
        json_object_foreach(json_object_get(prev, "tasks"), name, v) {
                size_t i;
                json_t *o;
                json_array_foreach(v, i, o)
                        if (json_is_string(o) &&
                            json_object_get(d->departed,
                                            json_string_value(o)) &&
                            json_object_get(work, name)) {
                                json_t *arr = json_object_get(
                                        json_object_get(*held, "tasks"), name);
                                if (!arr) {
                                        arr = json_array();
                                        json_object_set_new(json_object_get(
                                                *held, "tasks"), name, arr);
                                }
                                while (json_array_size(arr) <= i)
                                        json_array_append_new(arr,
                                                              json_null());
                                json_array_set(arr, i, o);
                        }
        }
}

static void put_back_held(json_t *result, const json_t *held)
{
        const char *name;
        json_t *v, *o;
        size_t i;

        if (!held)
                return;
        json_object_foreach(json_object_get(held, "connectors"), name, v)
                if (json_object_get(json_object_get(result, "connectors"),
                                    name))
                        json_object_set(json_object_get(result, "connectors"),
                                        name, v);
        json_object_foreach(json_object_get(held, "tasks"), name, v) {
                json_t *arr = json_object_get(json_object_get(result, "tasks"),
                                              name);
                json_array_foreach(v, i, o)
                        if (json_is_string(o) && arr &&
                            i < json_array_size(arr))
                                json_array_set(arr, i, o);
        }
}

static void lead(dist_t *d)
{
        json_t *workers = NULL, *work = NULL, *prev = NULL, *running = NULL;
        json_t *result = NULL, *held = NULL, *a = NULL, *base;
        const char *w;
        json_t *v;
        long long version;
        char errstr[256];
        int changed;

        if (!membership_is_leader(d->m))
                return;
        pthread_mutex_lock(&d->mtx);
        work = json_incref(d->leaving_work);
        pthread_mutex_unlock(&d->mtx);
        if (!work)
                work = herder_dist_work(d->h);
        pthread_mutex_lock(&d->mtx);
        if (!d->view || !json_is_true(json_object_get(d->view,
                                                      "self_leader"))) {
                pthread_mutex_unlock(&d->mtx);
                goto out;
        }
        workers = json_array();
        running = json_object();
        json_object_foreach(json_object_get(d->view, "members"), w, v) {
                json_t *ack = json_object_get(d->acks, w);
                /* A worker shutting down takes nothing new; what it still
                 * runs is given away once it says it has stopped. */
                if (!json_is_true(json_object_get(ack, "leaving")))
                        json_array_append_new(workers, json_string(w));
                if (ack)
                        json_object_set(running, w, ack);
        }
        if (!json_array_size(workers)) {
                pthread_mutex_unlock(&d->mtx);
                goto out;
        }
        /* What we published last may not be read back yet: build on the
         * newer of the two, so one change is published once. */
        base = newest_locked(d);
        if (base)
                prev = json_pack("{s:O,s:O}", "connectors",
                                 json_object_get(base, "connectors"),
                                 "tasks", json_object_get(base, "tasks"));
        hold_departed(d, work, prev, &held);
        version = base ? json_integer_value(json_object_get(base, "version"))
                       : 0;
        pthread_mutex_unlock(&d->mtx);

        result = assignor_compute(workers, work, prev, running);
        if (!result) {
                LOG_ERROR(lg(), "Assignment could not be computed");
                goto out;
        }
        put_back_held(result, held);
        pthread_mutex_lock(&d->mtx);
        base = newest_locked(d);
        changed = !base ||
                  !json_equal(json_object_get(result, "connectors"),
                              json_object_get(base, "connectors")) ||
                  !json_equal(json_object_get(result, "tasks"),
                              json_object_get(base, "tasks")) ||
                  !json_equal(json_object_get(d->view, "members"),
                              json_object_get(base, "members"));
        if (changed) {
                /* Generations only grow, also across a whole-cluster
                 * restart that lost the coordination topic. */
                int gen = kafka_status_store_max_generation(d->ss);
                if (version < gen)
                        version = gen;
                a = json_pack("{s:I,s:I,s:O,s:O,s:O}",
                              "version", (json_int_t)(version + 1),
                              "config_offset",
                              (json_int_t)kafka_config_store_offset(d->cs),
                              "members", json_object_get(d->view, "members"),
                              "connectors",
                              json_object_get(result, "connectors"),
                              "tasks", json_object_get(result, "tasks"));
        }
        pthread_mutex_unlock(&d->mtx);
        if (a && membership_publish_assignment(d->m, a, errstr,
                                               sizeof(errstr))) {
                LOG_WARN(lg(), "Assignment not published: %s", errstr);
        } else if (a) {
                LOG_INFO(lg(), "Published assignment %lld over %d worker(s)",
                         version + 1, (int)json_array_size(workers));
                pthread_mutex_lock(&d->mtx);
                json_decref(d->published);
                d->published = json_incref(a);
                pthread_mutex_unlock(&d->mtx);
        }
out:
        json_decref(a);
        json_decref(result);
        json_decref(held);
        json_decref(prev);
        json_decref(running);
        json_decref(work);
        json_decref(workers);
}

/* ------------------------------------------------------------------ */
/* Every worker: apply, acknowledge, publish task configs              */

static void apply(dist_t *d)
{
        json_t *a = NULL, *mine;
        long long v, off;

        pthread_mutex_lock(&d->mtx);
        if (d->assignment && !d->lost && !d->leaving) {
                v = json_integer_value(json_object_get(d->assignment,
                                                       "version"));
                if (v > d->applied && v > d->skip_upto)
                        a = json_incref(d->assignment);
        }
        pthread_mutex_unlock(&d->mtx);
        if (!a)
                return;
        v = json_integer_value(json_object_get(a, "version"));
        off = json_integer_value(json_object_get(a, "config_offset"));
        /* Start nothing on configs older than the leader's. */
        if (kafka_config_store_wait_offset(d->cs, off,
                                           (int)d->sync_timeout_ms))
                LOG_WARN(lg(), "Config topic not read up to offset %lld "
                         "within worker.sync.timeout.ms; applying "
                         "assignment %lld with what is known", off, v);
        mine = assignor_for_worker(a, d->worker_id);
        if (!mine) {
                json_decref(a);
                return;
        }
        atomic_store(&d->generation, (int)v);
        herder_dist_assign(d->h, mine, (int)v);
        json_decref(mine);
        pthread_mutex_lock(&d->mtx);
        if (v > d->applied)
                d->applied = v;
        pthread_mutex_unlock(&d->mtx);
        json_decref(a);
}

static void acknowledge(dist_t *d)
{
        json_t *running = herder_dist_running(d->h), *ack;
        long long v;
        char errstr[256];
        int same;

        pthread_mutex_lock(&d->mtx);
        v = d->applied;
        json_object_set_new(running, "leaving", json_boolean(d->leaving));
        same = (d->acked && json_equal(d->acked, running) &&
                d->acked_version == v) || !d->view;
        pthread_mutex_unlock(&d->mtx);
        if (same) {
                json_decref(running);
                return;
        }
        ack = json_pack("{s:s,s:I,s:O,s:O,s:O}", "worker_id", d->worker_id,
                        "version", (json_int_t)v,
                        "connectors", json_object_get(running, "connectors"),
                        "tasks", json_object_get(running, "tasks"),
                        "leaving", json_object_get(running, "leaving"));
        if (membership_publish_ack(d->m, ack, errstr, sizeof(errstr))) {
                LOG_WARN(lg(), "Acknowledgement not published: %s", errstr);
        } else {
                pthread_mutex_lock(&d->mtx);
                json_decref(d->acked);
                d->acked = json_incref(running);
                d->acked_version = v;
                pthread_mutex_unlock(&d->mtx);
        }
        json_decref(ack);
        json_decref(running);
}

/* Task configs generated by a connector this worker owns go to the config
 * topic (the store writes only what differs from what it holds). Retried
 * until written or replaced by newer ones. */
static void publish_pending(dist_t *d)
{
        json_t *pending;
        const char *name;
        json_t *tasks;
        char errstr[256];

        pthread_mutex_lock(&d->mtx);
        pending = d->pending_tasks;
        d->pending_tasks = json_object();
        pthread_mutex_unlock(&d->mtx);
        json_object_foreach(pending, name, tasks) {
                if (!config_store_tasks_put(d->cs, name, tasks, errstr,
                                            sizeof(errstr)))
                        continue;
                LOG_WARN(lg(), "Task configs of %s not written (%s); "
                         "retrying", name, errstr);
                pthread_mutex_lock(&d->mtx);
                if (!json_object_get(d->pending_tasks, name))
                        json_object_set(d->pending_tasks, name, tasks);
                pthread_mutex_unlock(&d->mtx);
        }
        json_decref(pending);
}

static void *dist_main(void *arg)
{
        dist_t *d = arg;
        struct timespec ts;

        pthread_setname_np(pthread_self(), "dist");
        pthread_mutex_lock(&d->mtx);
        while (!d->stop) {
                d->wake = 0;
                pthread_mutex_unlock(&d->mtx);
                publish_pending(d);
                lead(d);
                apply(d);
                acknowledge(d);
                pthread_mutex_lock(&d->mtx);
                if (d->wake || d->stop)
                        continue;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += TICK_MS * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&d->cond, &d->mtx, &ts);
        }
        pthread_mutex_unlock(&d->mtx);
        return NULL;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

static const config_listener_t *listener_for(dist_t *d)
{
        d->listener.opaque = d;
        d->listener.connector = on_connector;
        d->listener.target = on_target;
        d->listener.tasks = on_tasks;
        d->listener.restart = on_restart;
        return &d->listener;
}

static int ensure_topic(struct kafka *kf, const json_t *props,
                        const char *topic, const char *parts_key,
                        const char *rf_key, int one_partition, char *errstr,
                        size_t errstr_size)
{
        rd_kafka_conf_t *conf = kafka_producer_conf(kf, NULL, errstr,
                                                    errstr_size);
        int parts = parts_key ? (int)wc_get_ll(props, parts_key) : 1;
        int rf = rf_key ? (int)wc_get_ll(props, rf_key) : -1;

        if (!conf)
                return -1;
        if (kafka_is_embedded(kf))
                rf = 1;
        return kafka_log_topic_ensure(conf, topic, parts, rf, NULL,
                                      one_partition, STORE_START_TIMEOUT_MS,
                                      errstr, errstr_size);
}

dist_t *dist_new(struct kafka *kf, const json_t *props, const char *worker_id,
                 const char *url, char *errstr, size_t errstr_size)
{
        dist_t *d = calloc(1, sizeof(*d));
        rd_kafka_conf_t *pc = NULL, *cc = NULL;
        char group[512], coord[512];

        if (!d) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        pthread_mutex_init(&d->mtx, NULL);
        pthread_mutex_init(&d->hook_mtx, NULL);
        pthread_cond_init(&d->cond, NULL);
        d->kf = kf;
        d->worker_id = strdup(worker_id);
        d->url = strdup(url);
        d->group_id = strdup(wc_get(props, "group.id"));
        d->acks = json_object();
        d->pending_tasks = json_object();
        d->departed = json_object();
        d->sync_timeout_ms = wc_get_ll(props, "worker.sync.timeout.ms");
        d->delay_ms = wc_get_ll(props, "scheduled.rebalance.max.delay.ms");
        d->delay_set = wc_is_set(props, "scheduled.rebalance.max.delay.ms");
        wc_coordination_topic(props, coord, sizeof(coord));
        d->coord_topic = strdup(coord);

        if (ensure_topic(kf, props, wc_get(props, "config.storage.topic"),
                         NULL, "config.storage.replication.factor", 1,
                         errstr, errstr_size) ||
            ensure_topic(kf, props, wc_get(props, "offset.storage.topic"),
                         "offset.storage.partitions",
                         "offset.storage.replication.factor", 0, errstr,
                         errstr_size) ||
            ensure_topic(kf, props, wc_get(props, "status.storage.topic"),
                         "status.storage.partitions",
                         "status.storage.replication.factor", 0, errstr,
                         errstr_size) ||
            ensure_topic(kf, props, d->coord_topic,
                         "coordination.storage.partitions",
                         "config.storage.replication.factor", 0, errstr,
                         errstr_size))
                goto fail;

        /* Store readers: a group id of their own, never committed. */
        snprintf(group, sizeof(group), "%s-reader", d->group_id);
#define CONFS()                                                            \
        do {                                                               \
                pc = kafka_producer_conf(kf, NULL, errstr, errstr_size);   \
                cc = kafka_consumer_conf(kf, NULL, group, errstr,          \
                                         errstr_size);                     \
                if (!pc || !cc)                                            \
                        goto fail;                                         \
        } while (0)
        CONFS();
        d->cs = kafka_config_store_open(wc_get(props, "config.storage.topic"),
                                        pc, cc, listener_for(d), errstr,
                                        errstr_size);
        pc = cc = NULL;
        if (!d->cs)
                goto fail;
        CONFS();
        d->os = kafka_offset_store_open(wc_get(props, "offset.storage.topic"),
                                        pc, cc, errstr, errstr_size);
        pc = cc = NULL;
        if (!d->os)
                goto fail;
        CONFS();
        d->ss = kafka_status_store_open(wc_get(props, "status.storage.topic"),
                                        pc, cc, errstr, errstr_size);
        pc = cc = NULL;
        if (!d->ss)
                goto fail;
#undef CONFS

        d->mcfg.group_id = d->group_id;
        d->mcfg.topic = d->coord_topic;
        d->mcfg.partitions = (int)wc_get_ll(props,
                                            "coordination.storage.partitions");
        d->mcfg.session_timeout_ms = (int)wc_get_ll(props,
                                                    "session.timeout.ms");
        d->mcfg.heartbeat_interval_ms = (int)wc_get_ll(props,
                                                       "heartbeat.interval.ms");
        d->mcfg.rebalance_timeout_ms = (int)wc_get_ll(props,
                                                      "rebalance.timeout.ms");
        d->mcfg.worker_id = d->worker_id;
        d->mcfg.url = d->url;
        return d;
fail:
        if (pc)
                rd_kafka_conf_destroy(pc);
        if (cc)
                rd_kafka_conf_destroy(cc);
        dist_destroy(d);
        return NULL;
}

config_store_t *dist_config_store(dist_t *d) { return d->cs; }
offset_store_t *dist_offset_store(dist_t *d) { return d->os; }
status_store_t *dist_status_store(dist_t *d) { return d->ss; }
const char *dist_url(dist_t *d) { return d->url; }
int dist_generation(dist_t *d) { return atomic_load(&d->generation); }

/* The herder's view starts as the store's state; from then on the
 * listeners keep it current (hook_mtx held: nothing in between). */
static int replay_cb(void *opaque, const char *name, const json_t *config,
                     const char *target)
{
        dist_t *d = opaque;
        json_t *tasks = NULL;
        char errstr[256];

        herder_dist_target(d->h, name, target);
        herder_dist_connector(d->h, name, config);
        if (config_store_tasks_get(d->cs, name, &tasks, errstr,
                                   sizeof(errstr)) == 0)
                herder_dist_tasks(d->h, name, tasks);
        json_decref(tasks);
        return 0;
}

int dist_start(dist_t *d, struct herder *h, char *errstr, size_t errstr_size)
{
        membership_listener_t ml = {
                .opaque = d, .view = on_view, .lost = on_lost,
                .assignment = on_assignment, .ack = on_ack,
        };
        rd_kafka_conf_t *gc = NULL, *rc = NULL, *pc = NULL;
        char group[512];

        pthread_mutex_lock(&d->hook_mtx);
        d->h = h;
        if (config_store_connector_each(d->cs, replay_cb, d, errstr,
                                        errstr_size)) {
                d->h = NULL;
                pthread_mutex_unlock(&d->hook_mtx);
                return -1;
        }
        pthread_mutex_unlock(&d->hook_mtx);
        atomic_store(&d->generation,
                     kafka_status_store_max_generation(d->ss));
        snprintf(group, sizeof(group), "%s-coordination-reader", d->group_id);
        gc = kafka_consumer_conf(d->kf, NULL, d->group_id, errstr,
                                 errstr_size);
        rc = kafka_consumer_conf(d->kf, NULL, group, errstr, errstr_size);
        pc = kafka_producer_conf(d->kf, NULL, errstr, errstr_size);
        if (!gc || !rc || !pc)
                goto fail;
        d->m = membership_new(&d->mcfg, gc, rc, pc, &ml, errstr,
                              errstr_size);
        gc = rc = pc = NULL;
        if (!d->m)
                goto fail;
        if (pthread_create(&d->thread, NULL, dist_main, d)) {
                snprintf(errstr, errstr_size, "cannot start a thread");
                goto fail;
        }
        d->thread_started = 1;
        if (membership_start(d->m, errstr, errstr_size))
                goto fail;
        LOG_INFO(lg(), "Joining cluster %s as %s (%s)", d->group_id,
                 d->worker_id, d->url);
        return 0;
fail:
        if (gc)
                rd_kafka_conf_destroy(gc);
        if (rc)
                rd_kafka_conf_destroy(rc);
        if (pc)
                rd_kafka_conf_destroy(pc);
        return -1;
}

void dist_prepare_leave(dist_t *d)
{
        json_t *work;

        if (!d)
                return;
        work = d->h ? herder_dist_work(d->h) : NULL;
        pthread_mutex_lock(&d->mtx);
        d->leaving = 1;
        d->leaving_work = work;
        d->wake = 1;
        pthread_cond_signal(&d->cond);
        pthread_mutex_unlock(&d->mtx);
}

/* 1 while the newest assignment this worker knows still gives it work. */
static int still_assigned(dist_t *d)
{
        json_t *base, *mine;
        int r;

        pthread_mutex_lock(&d->mtx);
        base = newest_locked(d);
        mine = base ? assignor_for_worker(base, d->worker_id) : NULL;
        /* Work in the middle of a move (null: its old owner, maybe this
         * worker, has not released it yet) is not handed over either. */
        r = mine && (json_array_size(json_object_get(mine, "connectors")) ||
                     json_object_size(json_object_get(mine, "tasks")));
        if (base && !r) {
                const char *name;
                json_t *v, *o;
                size_t i;
                json_object_foreach(json_object_get(base, "connectors"),
                                    name, v)
                        if (json_is_null(v))
                                r = 1;
                json_object_foreach(json_object_get(base, "tasks"), name, v)
                        json_array_foreach(v, i, o)
                                if (json_is_null(o))
                                        r = 1;
        }
        pthread_mutex_unlock(&d->mtx);
        json_decref(mine);
        return r;
}

void dist_leave(dist_t *d)
{
        if (!d)
                return;
        /* A leaving leader is the one who must give its own work away:
         * it says it runs nothing any more and stays until it has
         * published the assignment that moves it (bounded), instead of
         * leaving that to the next leader after a group round. */
        if (d->thread_started && d->h) {
                long long until = now_ms() + LEAVE_HANDOVER_MS;
                acknowledge(d);
                while (now_ms() < until && dist_is_leader(d) &&
                       still_assigned(d)) {
                        struct timespec ts;
                        wake(d);
                        clock_gettime(CLOCK_REALTIME, &ts);
                        ts.tv_nsec += 50 * 1000000L;
                        if (ts.tv_nsec >= 1000000000L) {
                                ts.tv_sec++;
                                ts.tv_nsec -= 1000000000L;
                        }
                        pthread_mutex_lock(&d->mtx);
                        pthread_cond_timedwait(&d->cond, &d->mtx, &ts);
                        pthread_mutex_unlock(&d->mtx);
                }
        }
        if (d->thread_started) {
                pthread_mutex_lock(&d->mtx);
                d->stop = 1;
                pthread_cond_signal(&d->cond);
                pthread_mutex_unlock(&d->mtx);
                pthread_join(d->thread, NULL);
                d->thread_started = 0;
                /* The last word: nothing runs here any more. */
                if (d->h)
                        acknowledge(d);
        }
        /* Now the group may rebalance without us. */
        if (d->m)
                membership_leave(d->m);
        pthread_mutex_lock(&d->hook_mtx);
        d->h = NULL;
        pthread_mutex_unlock(&d->hook_mtx);
}

void dist_destroy(dist_t *d)
{
        if (!d)
                return;
        dist_leave(d);
        membership_destroy(d->m);
        config_store_close(d->cs);
        offset_store_close(d->os);
        status_store_close(d->ss);
        json_decref(d->view);
        json_decref(d->assignment);
        json_decref(d->published);
        json_decref(d->leaving_work);
        json_decref(d->acks);
        json_decref(d->pending_tasks);
        json_decref(d->departed);
        json_decref(d->acked);
        free(d->worker_id);
        free(d->url);
        free(d->group_id);
        free(d->coord_topic);
        pthread_mutex_destroy(&d->mtx);
        pthread_mutex_destroy(&d->hook_mtx);
        pthread_cond_destroy(&d->cond);
        free(d);
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

int dist_is_leader(dist_t *d)
{
        return d->m && membership_is_leader(d->m);
}

static char *member_url(dist_t *d, const char *w)
{
        const char *u = json_string_value(json_object_get(
                json_object_get(d->view, "members"), w));
        return u ? strdup(u) : NULL;
}

char *dist_leader_url(dist_t *d)
{
        char *u = NULL;
        const char *w;

        pthread_mutex_lock(&d->mtx);
        w = json_string_value(json_object_get(d->view, "leader"));
        if (w)
                u = member_url(d, w);
        pthread_mutex_unlock(&d->mtx);
        return u;
}

char *dist_owner_url(dist_t *d, const char *connector, int task)
{
        char *u = NULL;
        json_t *o;

        pthread_mutex_lock(&d->mtx);
        if (task < 0)
                o = json_object_get(json_object_get(d->assignment,
                                                    "connectors"), connector);
        else
                o = json_array_get(json_object_get(json_object_get(
                        d->assignment, "tasks"), connector), (size_t)task);
        if (json_is_string(o))
                u = member_url(d, json_string_value(o));
        pthread_mutex_unlock(&d->mtx);
        return u;
}

void dist_poke(dist_t *d)
{
        wake(d);
}

void dist_publish_tasks(dist_t *d, const char *connector,
                        const json_t *tasks)
{
        pthread_mutex_lock(&d->mtx);
        json_object_set_new(d->pending_tasks, connector,
                            json_deep_copy(tasks));
        d->wake = 1;
        pthread_cond_signal(&d->cond);
        pthread_mutex_unlock(&d->mtx);
}

int dist_rebalance_pending(dist_t *d)
{
        json_t *work = herder_dist_work(d->h), *n, *conns, *tasks;
        const char *name;
        int pending = 0;

        pthread_mutex_lock(&d->mtx);
        conns = json_object_get(d->assignment, "connectors");
        tasks = json_object_get(d->assignment, "tasks");
        if (json_object_size(work) != json_object_size(conns))
                pending = 1;
        json_object_foreach(work, name, n)
                if (!json_object_get(conns, name) ||
                    json_array_size(json_object_get(tasks, name)) !=
                    (size_t)json_integer_value(n))
                        pending = 1;
        pthread_mutex_unlock(&d->mtx);
        json_decref(work);
        return pending;
}
