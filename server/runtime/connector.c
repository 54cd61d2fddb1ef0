/*
 * connector — the runtime of one connector (shared by every herder): the
 * connector list, the statuses, and the connector's reconcile job
 * (conn_job) that brings the observed state to the desired one. It
 * starts/stops the plugin's connector instance, generates task configs
 * and starts/stops/pauses task threads (runner.c). The job runs on the
 * small shared pool (pool.c) only while something changed: an idle
 * connector has no thread. It drops h->lock around every plugin call, so
 * a connector whose start() hangs only ever holds one pool thread, and
 * the pool starts another for the rest. Statuses live in memory under the lock and are copied to the
 * status store as the last known status. A deleted connector stays on the
 * list, flagged, until its thread has finished; then it is reaped by the
 * next REST call or at shutdown.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfgmap.h"
#include "config.h"
#include "config_providers.h"
#include "topic_creation.h"
#include "distributed.h"
#include "plugins.h"
#include "pool.h"
#include "runtime.h"

LOG_MODULE_LOGGER(lg, "connectd.herder")

const char *target_name(target_t t)
{
        switch (t) {
        case TARGET_PAUSED:
                return "PAUSED";
        case TARGET_STOPPED:
                return "STOPPED";
        default:
                return "STARTED";
        }
}

target_t target_parse(const char *s)
{
        if (s && !strcmp(s, "PAUSED"))
                return TARGET_PAUSED;
        if (s && !strcmp(s, "STOPPED"))
                return TARGET_STOPPED;
        return TARGET_STARTED;
}

/* ------------------------------------------------------------------ */
/* Connector list (h->lock held)                                       */

/* The name index: every connector of h->conns, deleted ones included,
 * in chains by the name's hash. Grows to keep chains short. */
static size_t name_hash(const char *s)
{
        uint64_t x = 14695981039346656037ULL;

        while (*s)
                x = (x ^ (unsigned char)*s++) * 1099511628211ULL;
        return (size_t)x;
}

static int index_grow_locked(herder_t *h)
{
        size_t n = h->index_size ? h->index_size * 2 : 64, i;
        connector_t **t = calloc(n, sizeof(*t)), *c, *next;

        if (!t)
                return -1;
        for (i = 0; i < h->index_size; i++)
                for (c = h->index[i]; c; c = next) {
                        connector_t **slot = &t[name_hash(c->name) & (n - 1)];

                        next = c->same_hash;
                        c->same_hash = *slot;
                        *slot = c;
                }
        free(h->index);
        h->index = t;
        h->index_size = n;
        return 0;
}

static int index_add_locked(herder_t *h, connector_t *c)
{
        connector_t **slot;

        if (h->index_count >= h->index_size && index_grow_locked(h))
                return -1;
        slot = &h->index[name_hash(c->name) & (h->index_size - 1)];
        c->same_hash = *slot;
        *slot = c;
        h->index_count++;
        return 0;
}

static void index_del_locked(herder_t *h, connector_t *c)
{
        connector_t **pp;

        if (!h->index_size)
                return;
        pp = &h->index[name_hash(c->name) & (h->index_size - 1)];
        for (; *pp; pp = &(*pp)->same_hash)
                if (*pp == c) {
                        *pp = c->same_hash;
                        h->index_count--;
                        return;
                }
}

connector_t *conn_named_locked(herder_t *h, const char *name)
{
        connector_t *c;

        if (!h->index_size)
                return NULL;
        for (c = h->index[name_hash(name) & (h->index_size - 1)]; c;
             c = c->same_hash)
                if (!strcmp(c->name, name))
                        return c;
        return NULL;
}

connector_t *conn_next_named_locked(connector_t *c)
{
        connector_t *o;

        for (o = c->same_hash; o; o = o->same_hash)
                if (!strcmp(o->name, c->name))
                        return o;
        return NULL;
}

connector_t *conn_find_locked(herder_t *h, const char *name)
{
        connector_t *c;

        for (c = conn_named_locked(h, name); c; c = conn_next_named_locked(c))
                if (!c->deleted)
                        return c;
        return NULL;
}

void conn_free(connector_t *c)
{
        int i;

        for (i = 0; i < c->ntasks; i++)
                if (c->tasks[i])
                        task_release(c->tasks[i]);
        free(c->tasks);
        free(c->task_restarts);
        json_decref(c->own_tasks);
        json_decref(c->busy);
        json_decref(c->config);
        json_decref(c->task_configs);
        json_decref(c->topics);
        free(c->trace);
        free(c->name);
        free(c->run);
        pthread_cond_destroy(&c->cond);
        free(c);
}

/* Join and free deleted connectors whose thread has finished. */
void conn_reap_locked(herder_t *h)
{
        connector_t **pp = &h->conns, *c;

        while ((c = *pp)) {
                if (c->deleted && c->finished) {
                        *pp = c->next;
                        index_del_locked(h, c);
                        conn_free(c);
                } else {
                        pp = &c->next;
                }
        }
}

void conn_free_all_locked(herder_t *h)
{
        connector_t *c;

        while ((c = h->conns)) {
                h->conns = c->next;
                conn_free(c);
        }
        free(h->index);
        h->index = NULL;
        h->index_size = h->index_count = 0;
}

void conn_set_state_locked(connector_t *c, const char *state,
                           const char *trace)
{
        snprintf(c->state, sizeof(c->state), "%s", state);
        free(c->trace);
        c->trace = trace && *trace ? strdup(trace) : NULL;
}

/* As Java: FAILED and UNASSIGNED never overwrite a newer generation's
 * status of another worker; the others are written blind. */
static int put_safe(const char *state)
{
        return !strcmp(state, "FAILED") || !strcmp(state, "UNASSIGNED");
}

static void set_conn_state(connector_t *c, const char *state,
                           const char *trace)
{
        herder_t *h = c->h;
        char errstr[256];

        pthread_mutex_lock(&h->lock);
        /* A restart asked for while this cycle ran keeps the connector
         * RESTARTING until the next cycle has carried it out. */
        if (!strcmp(state, "RUNNING") && c->restart_conn) {
                pthread_mutex_unlock(&h->lock);
                return;
        }
        conn_set_state_locked(c, state, trace);
        pthread_mutex_unlock(&h->lock);
        if (status_store_put(h->ss, c->name, -1, state, trace, h->worker_id,
                             atomic_load(&h->generation), put_safe(state),
                             errstr, sizeof(errstr)))
                LOG_WARN(lg(), "status not stored: %s", errstr);
        if (trace && *trace)
                LOG_ERROR(lg(), "Connector %s is %s: %s", c->name, state,
                          trace);
        else
                LOG_INFO(lg(), "Connector %s is %s", c->name, state);
}

void herder_task_set_state(task_t *t, const char *state, const char *trace)
{
        herder_t *h = t->h;
        char errstr[256];

        pthread_mutex_lock(&h->lock);
        if (atomic_load(&t->abandoned)) {
                pthread_mutex_unlock(&h->lock);
                return;
        }
        snprintf(t->state, sizeof(t->state), "%s", state);
        metrics_task_state(t, state);
        free(t->trace);
        t->trace = trace && *trace ? strdup(trace) : NULL;
        pthread_mutex_unlock(&h->lock);
        if (status_store_put(h->ss, t->conn_name, t->id, state, trace,
                             h->worker_id, atomic_load(&h->generation),
                             put_safe(state), errstr, sizeof(errstr)))
                LOG_WARN(lg(), "status not stored: %s", errstr);
        if (trace && *trace)
                LOG_ERROR(lg(), "Task %s-%d is %s: %s", t->conn_name, t->id,
                          state, trace);
        else
                LOG_INFO(lg(), "Task %s-%d is %s", t->conn_name, t->id, state);
}

void herder_topic_seen(task_t *t, const char *topic)
{
        herder_t *h = t->h;

        if (!h->topic_tracking)
                return;
        pthread_mutex_lock(&h->lock);
        if (!atomic_load(&t->abandoned) && t->conn && t->conn->topics &&
            !json_object_get(t->conn->topics, topic))
                json_object_set_new(t->conn->topics, topic, json_true());
        pthread_mutex_unlock(&h->lock);
}

int herder_offsets_commit(task_t *t, json_t *offsets)
{
        size_t n = json_object_size(offsets), i = 0;
        const char **parts, **offs;
        const char *key;
        json_t *val;
        char errstr[256];
        int rc = -1;

        if (!n)
                return 0;
        parts = calloc(n, sizeof(*parts));
        offs = calloc(n, sizeof(*offs));
        if (!parts || !offs)
                goto out;
        json_object_foreach(offsets, key, val) {
                parts[i] = key;
                offs[i] = json_string_value(val);
                i++;
        }
        /* Under the lock: an abandoned task must never commit (its
         * connector may be stopped and its offsets reset meanwhile). */
        pthread_mutex_lock(&t->h->lock);
        if (atomic_load(&t->abandoned)) {
                pthread_mutex_unlock(&t->h->lock);
                goto out;
        }
        if (offset_store_put(t->h->os, t->conn_name, (int)n, parts, offs,
                              errstr, sizeof(errstr))) {
                pthread_mutex_unlock(&t->h->lock);
                LOG_ERROR(lg(), "Task %s-%d: committing offsets failed: %s",
                          t->conn_name, t->id, errstr);
                goto out;
        }
        pthread_mutex_unlock(&t->h->lock);
        rc = 0;
out:
        free(parts);
        free(offs);
        return rc;
}


/* ------------------------------------------------------------------ */
/* The reconcile cycle                                                 */

/* The running plugin connector; `desc` is the one it was started with (a
 * config update may change the class under it). */
typedef struct instance {
        const connectd_connector_desc_t *desc;
        void *state;
        int running;
        struct connectd_ctx ctx;
} instance_t;

/* What the reconcile cycles of a connector keep between them (only its
 * pool job touches it: one job per connector at a time). */
struct conn_run {
        instance_t in;
        unsigned applied_gen;
        int have_configs;     /* standalone: task configs generated */
        int published;        /* distributed: task configs published */
        int start_failed;     /* distributed: until a new config/restart */
};

static void instance_stop(connector_t *c, instance_t *in)
{
        (void)c;
        if (!in->running)
                return;
        if (in->desc && in->desc->stop)
                in->desc->stop(in->state);
        in->running = 0;
        in->state = NULL;
}

/* Starts the plugin's connector. 0, or -1 with the connector FAILED. */
static int instance_start(connector_t *c, instance_t *in, json_t *config)
{
        char errstr[1024] = "";
        const char *cls = json_string_value(json_object_get(config,
                                                            "connector.class"));
        const connectd_connector_desc_t *desc =
                cls ? plugins_find_for_config(config) : NULL;
        json_t *resolved;

        pthread_mutex_lock(&c->h->lock);
        c->desc = desc;
        pthread_mutex_unlock(&c->h->lock);
        if (!desc) {
                snprintf(errstr, sizeof(errstr),
                         "Failed to find any class that implements Connector "
                         "and which name matches %s",
                         cls ? cls : "(none)");
                set_conn_state(c, "FAILED", errstr);
                return -1;
        }
        in->desc = desc;
        in->ctx.conn = c;
        in->ctx.task = NULL;
        in->ctx.lg = log_get(desc->class_name);
        in->state = NULL;
        /* Every start resolves the references again (a changed secret is
         * picked up); the resolved copy lives only for this call. */
        resolved = cfg_providers_resolve(cfg_providers_worker(), config,
                                         errstr, sizeof(errstr));
        if (!resolved) {
                set_conn_state(c, "FAILED", errstr);
                return -1;
        }
        if (desc->type == CONNECTD_SOURCE &&
            topic_creation_check(c->h->props, resolved, errstr,
                                 sizeof(errstr))) {
                json_decref(resolved);
                set_conn_state(c, "FAILED", errstr);
                return -1;
        }
        if (desc->start(&in->ctx, cfgmap_of(resolved), &in->state, errstr,
                        sizeof(errstr))) {
                json_decref(resolved);
                if (!*errstr)
                        snprintf(errstr, sizeof(errstr),
                                 "connector start failed");
                set_conn_state(c, "FAILED", errstr);
                return -1;
        }
        json_decref(resolved);
        in->running = 1;
        return 0;
}

/* Stops tasks already taken out of c->tasks (NULL slots skipped) and
 * drops the connector's references; `unassign`: say so in their status
 * (distributed mode: they run elsewhere next, or nowhere). All are asked
 * first, then waited for, so the timeouts run in parallel; at shutdown
 * every connector's tasks share the worker's one deadline. */
static void stop_tasks(connector_t *c, task_t **tasks, int n, int unassign)
{
        herder_t *h = c->h;
        struct timespec deadline;
        int i;

        if (!n)
                return;
        pthread_mutex_lock(&h->lock);
        if (h->stopping)
                deadline = h->stop_by;
        else
                deadline_in(&deadline, h->graceful_ms);
        pthread_mutex_unlock(&h->lock);
        for (i = 0; i < n; i++)
                if (tasks[i])
                        runner_task_request_stop(tasks[i], &deadline);
        for (i = 0; i < n; i++) {
                if (!tasks[i])
                        continue;
                if (runner_task_stop_until(tasks[i], &deadline))
                        LOG_WARN(lg(), "Task %s-%d did not stop in time and "
                                 "was abandoned", c->name, tasks[i]->id);
                else if (unassign)
                        herder_task_set_state(tasks[i], "UNASSIGNED", NULL);
                task_release(tasks[i]);
        }
}

/* Removes and stops every task thread. */
static void stop_all_tasks(connector_t *c)
{
        herder_t *h = c->h;
        task_t **tasks;
        int n;

        pthread_mutex_lock(&h->lock);
        tasks = c->tasks;
        n = c->ntasks;
        c->tasks = NULL;
        c->ntasks = 0;
        pthread_mutex_unlock(&h->lock);
        stop_tasks(c, tasks, n, 0);
        free(tasks);
}

/* Starts one task thread per config; the connector owns the references. */
static void start_tasks(connector_t *c, const connectd_connector_desc_t *desc,
                        json_t *config, json_t *task_configs, int paused)
{
        herder_t *h = c->h;
        size_t i, n = json_array_size(task_configs);
        task_t **tasks = calloc(n ? n : 1, sizeof(*tasks));

        for (i = 0; i < n; i++) {
                tasks[i] = runner_task_start(h, c, desc, config, (int)i,
                                             json_array_get(task_configs, i),
                                             paused);
                if (!tasks[i])
                        break; /* out of memory */
        }
        n = i;
        pthread_mutex_lock(&h->lock);
        free(c->tasks);
        c->tasks = tasks;
        c->ntasks = (int)n;
        pthread_mutex_unlock(&h->lock);
}

/* Restarts the task with id `id` in place (the new one starts paused if
 * `paused`). */
static void restart_task(connector_t *c, int id, int paused)
{
        herder_t *h = c->h;
        task_t *old = NULL, *nt;
        json_t *cfg = NULL;

        pthread_mutex_lock(&h->lock);
        if (id >= 0 && id < c->ntasks && c->task_configs) {
                old = c->tasks[id];
                cfg = json_incref(json_array_get(c->task_configs, id));
        }
        pthread_mutex_unlock(&h->lock);
        if (!old || !cfg) {
                json_decref(cfg);
                return;
        }
        herder_task_set_state(old, "RESTARTING", NULL);
        if (runner_task_stop(old) != 0) {
                /* It stays in its slot as FAILED with the reason; the next
                 * restart replaces it. */
                json_decref(cfg);
                return;
        }
        nt = runner_task_start(h, c, old->desc, old->raw_conn_config, id, cfg,
                               paused);
        json_decref(cfg);
        if (!nt)
                return; /* out of memory: keep the old one */
        pthread_mutex_lock(&h->lock);
        c->tasks[id] = nt;
        pthread_mutex_unlock(&h->lock);
        task_release(old);
}

int runtime_task_resolve(task_t *t, char *errstr, size_t errstr_size)
{
        const cfg_providers_t *cp = cfg_providers_worker();
        json_t *cfg, *conn_cfg;

        if (!cfg_providers_count(cp))
                return 0;
        cfg = cfg_providers_resolve(cp, t->raw_config, errstr, errstr_size);
        if (!cfg)
                return -1;
        conn_cfg = cfg_providers_resolve(cp, t->raw_conn_config, errstr,
                                         errstr_size);
        if (!conn_cfg) {
                json_decref(cfg);
                return -1;
        }
        json_decref(t->config);
        json_decref(t->conn_config);
        t->config = cfg;
        t->conn_config = conn_cfg;
        return 0;
}

/* "task.class" as Connect shows it for tasks of connector plugin d:
 * the class name with "Connector" at its end replaced by "Task". */
static void task_class_of(const connectd_connector_desc_t *d, char *buf,
                          size_t n)
{
        size_t len;

        snprintf(buf, n, "%s", d->class_name);
        len = strlen(buf);
        if (len > 9 && !strcmp(buf + len - 9, "Connector"))
                snprintf(buf + len - 9, n - len + 9, "Task");
}

/* Asks the connector for task configs; 0 or -1 (connector FAILED). */
static json_t *generate_task_configs(connector_t *c, instance_t *in,
                                     json_t *config)
{
        const connectd_connector_desc_t *d = in->desc;
        const char *tm = json_string_value(json_object_get(config,
                                                           "tasks.max"));
        long long max = tm ? strtoll(tm, NULL, 10) : 1;
        json_t *arr = json_array();
        char errstr[1024] = "";
        char task_class[512];
        size_t i;

        if (max < 1)
                max = 1;
        if (d->task_configs(in->state, (int)max,
                            (connectd_task_configs_t *)arr, errstr,
                            sizeof(errstr))) {
                if (!*errstr)
                        snprintf(errstr, sizeof(errstr),
                                 "task_configs failed");
                set_conn_state(c, "FAILED", errstr);
                json_decref(arr);
                return NULL;
        }
        if ((long long)json_array_size(arr) > max) {
                snprintf(errstr, sizeof(errstr),
                         "The connector %s has generated %zu tasks, which is "
                         "greater than %lld, the maximum number of tasks it "
                         "is configured to create.",
                         c->name, json_array_size(arr), max);
                set_conn_state(c, "FAILED", errstr);
                json_decref(arr);
                return NULL;
        }
        /* task.class as Connect shows it; topics copied for sinks. */
        task_class_of(d, task_class, sizeof(task_class));
        for (i = 0; i < json_array_size(arr); i++) {
                json_t *tc = json_array_get(arr, i);
                /* The connector saw resolved values: keys that hold a
                 * reference in the connector config get it back, so the
                 * stored and shown task configs are raw (Connect's
                 * reverseTransform); the task resolves them at start. */
                cfg_providers_reverse(config, tc);
                json_object_set_new(tc, "task.class", json_string(task_class));
                if (d->type == CONNECTD_SINK) {
                        json_t *v = json_object_get(config, "topics");
                        if (v)
                                json_object_set(tc, "topics", v);
                        v = json_object_get(config, "topics.regex");
                        if (v)
                                json_object_set(tc, "topics.regex", v);
                }
        }
        return arr;
}

static void store_task_configs(connector_t *c, json_t *arr)
{
        json_t *none = arr ? NULL : json_array();
        char errstr[256];

        if (config_store_tasks_put(c->h->cs, c->name, arr ? arr : none,
                                   errstr, sizeof(errstr)))
                LOG_ERROR(lg(), "Connector %s: storing task configs failed: "
                          "%s", c->name, errstr);
        json_decref(none);
}

/* The task configs the store holds for c (an array, maybe empty), if
 * they were made for tasks of plugin d: a config changed to another
 * connector class while paused leaves the old class's task configs
 * behind, which d's tasks could not run. */
static json_t *stored_task_configs(connector_t *c,
                                   const connectd_connector_desc_t *d)
{
        json_t *arr = NULL;
        char errstr[256], task_class[512];
        size_t i;

        if (config_store_tasks_get(c->h->cs, c->name, &arr, errstr,
                                   sizeof(errstr))) {
                LOG_WARN(lg(), "Connector %s: stored task configs not read: "
                         "%s", c->name, errstr);
                arr = json_array();
        }
        task_class_of(d, task_class, sizeof(task_class));
        for (i = 0; i < json_array_size(arr); i++) {
                const char *tc = json_string_value(json_object_get(
                        json_array_get(arr, i), "task.class"));
                if (!tc || strcmp(tc, task_class)) {
                        LOG_INFO(lg(), "Connector %s: stored task configs "
                                 "are for %s, not %s; not restored",
                                 c->name, tc ? tc : "(no task.class)",
                                 task_class);
                        json_array_clear(arr);
                        break;
                }
        }
        return arr;
}

/* 1 if the running tasks are exactly `arr`, started from connector config
 * `config` with plugin `d` (h->lock held): then a regeneration that gives
 * the same task configs leaves them running, as Connect does. */
static int tasks_current_locked(const connector_t *c,
                                const connectd_connector_desc_t *d,
                                const json_t *config, const json_t *arr)
{
        int i;

        if (!c->task_configs || !json_equal(c->task_configs, (json_t *)arr) ||
            c->ntasks != (int)json_array_size(arr))
                return 0;
        for (i = 0; i < c->ntasks; i++)
                if (c->tasks[i]->desc != d ||
                    !json_equal(c->tasks[i]->raw_conn_config,
                                (json_t *)config))
                        return 0;
        return 1;
}

static void publish_task_configs(connector_t *c, json_t *arr)
{
        herder_t *h = c->h;

        pthread_mutex_lock(&h->lock);
        json_decref(c->task_configs);
        c->task_configs = arr; /* steals */
        c->tasks_gen++;
        pthread_cond_broadcast(&h->cond);
        pthread_mutex_unlock(&h->lock);
}

/* Asks every task to pause; each acknowledges by going PAUSED. */
static void pause_tasks(connector_t *c)
{
        herder_t *h = c->h;
        struct timespec deadline;
        int i, n;
        task_t **tasks;

        pthread_mutex_lock(&h->lock);
        n = c->ntasks;
        tasks = calloc(n ? n : 1, sizeof(*tasks));
        for (i = 0; i < n; i++) {
                tasks[i] = c->tasks[i];
                if (tasks[i])
                        atomic_fetch_add(&tasks[i]->refcnt, 1);
        }
        pthread_mutex_unlock(&h->lock);
        for (i = 0; i < n; i++)
                if (tasks[i])
                        runner_task_pause(tasks[i], 1);
        deadline_in(&deadline, h->graceful_ms);
        for (i = 0; i < n; i++) {
                if (!tasks[i])
                        continue;
                runner_task_wait_paused_until(tasks[i], &deadline);
                task_release(tasks[i]);
        }
        free(tasks);
}

static void resume_tasks(connector_t *c)
{
        herder_t *h = c->h;
        int i;

        pthread_mutex_lock(&h->lock);
        for (i = 0; i < c->ntasks; i++)
                if (c->tasks[i])
                        runner_task_pause(c->tasks[i], 0);
        pthread_mutex_unlock(&h->lock);
}

/* 1 if a deleted connector of the same name has not finished stopping
 * (h->lock held). */
static int predecessor_running_locked(const connector_t *c)
{
        const connector_t *o;

        for (o = conn_named_locked(c->h, c->name); o;
             o = conn_next_named_locked((connector_t *)o))
                if (o != c && o->deleted && !o->finished)
                        return 1;
        return 0;
}

/* 1 if the connector was deleted or the worker is stopping. */
static int interrupted(connector_t *c)
{
        int r;

        pthread_mutex_lock(&c->h->lock);
        r = c->deleted || c->h->stopping;
        pthread_mutex_unlock(&c->h->lock);
        return r;
}

/* ------------------------------------------------------------------ */
/* Distributed mode: the connector thread runs this worker's share       */

static int json_int_in(const json_t *arr, int v)
{
        size_t i;
        json_t *o;

        json_array_foreach(arr, i, o)
                if (json_integer_value(o) == v)
                        return 1;
        return 0;
}

int conn_queue_task_restart_locked(connector_t *c, int id)
{
        int i, *tr;

        for (i = 0; i < c->ntask_restarts; i++)
                if (c->task_restarts[i] == id)
                        return 0;
        tr = realloc(c->task_restarts, (c->ntask_restarts + 1) * sizeof(*tr));
        if (!tr)
                return -1;
        c->task_restarts = tr;
        c->task_restarts[c->ntask_restarts++] = id;
        return 0;
}

void conn_own_from_assignment_locked(connector_t *c)
{
        herder_t *h = c->h;
        json_t *conns = json_object_get(h->dist_mine, "connectors");
        json_t *t = json_object_get(json_object_get(h->dist_mine, "tasks"),
                                    c->name);
        int own = 0;
        size_t i;
        json_t *o;

        json_array_foreach(conns, i, o)
                if (json_is_string(o) && !strcmp(json_string_value(o),
                                                 c->name))
                        own = 1;
        if (!t)
                t = json_array();
        else
                json_incref(t);
        if (own != c->own_conn || !json_equal(t, c->own_tasks)) {
                c->own_conn = own;
                json_decref(c->own_tasks);
                c->own_tasks = json_deep_copy(t);
                conn_wake_locked(c);
        }
        json_decref(t);
}

/* set_conn_state, but only when the state is another. */
static void set_conn_state_changed(connector_t *c, const char *state)
{
        int same;

        pthread_mutex_lock(&c->h->lock);
        same = !strcmp(c->state, state);
        pthread_mutex_unlock(&c->h->lock);
        if (!same)
                set_conn_state(c, state, NULL);
}

/* The tasks this worker must run, from the config topic's task configs
 * and the assignment; everything else stops. */
static void reconcile_tasks_dist(connector_t *c, json_t *config,
                                 target_t target, json_t *own,
                                 json_t *topic_tasks, int *restarts,
                                 int nrestarts, int unassign)
{
        herder_t *h = c->h;
        const connectd_connector_desc_t *desc;
        int n = topic_tasks && target != TARGET_STOPPED ?
                (int)json_array_size(topic_tasks) : 0;
        task_t **stop = NULL, **nt;
        int nstop = 0, i;

        pthread_mutex_lock(&h->lock);
        desc = c->desc;
        if (!desc || h->stopping || c->deleted)
                n = 0;
        stop = calloc(c->ntasks ? c->ntasks : 1, sizeof(*stop));
        for (i = 0; i < c->ntasks; i++) {
                task_t *t = c->tasks[i];
                if (!t)
                        continue;
                if (i >= n || !json_int_in(own, i) || t->desc != desc ||
                    !json_equal(t->raw_config,
                                json_array_get(topic_tasks, i)) ||
                    !json_equal(t->raw_conn_config, config)) {
                        stop[nstop++] = t;
                        c->tasks[i] = NULL;
                        json_array_append_new(c->busy, json_integer(i));
                }
        }
        pthread_mutex_unlock(&h->lock);
        stop_tasks(c, stop, nstop, unassign);
        free(stop);
        pthread_mutex_lock(&h->lock);
        json_array_clear(c->busy);
        pthread_mutex_unlock(&h->lock);

        pthread_mutex_lock(&h->lock);
        if (n > c->ntasks) {
                /* ntasks is never negative; saying so keeps gcc -O3 from
                 * seeing a negative start (-Werror=stringop-overflow). */
                int from = c->ntasks > 0 ? c->ntasks : 0;
                nt = realloc(c->tasks, (size_t)n * sizeof(*nt));
                if (nt) {
                        for (i = from; i < n; i++)
                                nt[i] = NULL;
                        c->tasks = nt;
                        c->ntasks = n;
                }
        } else {
                c->ntasks = n; /* every slot >= n was emptied above */
        }
        n = c->ntasks;
        pthread_mutex_unlock(&h->lock);

        for (i = 0; i < n; i++) {
                task_t *t;
                int have;
                if (!json_int_in(own, i))
                        continue;
                pthread_mutex_lock(&h->lock);
                have = c->tasks[i] != NULL;
                if (!have)
                        json_array_append_new(c->busy, json_integer(i));
                pthread_mutex_unlock(&h->lock);
                if (have)
                        continue;
                t = runner_task_start(h, c, desc, config, i,
                                      json_array_get(topic_tasks, i),
                                      target == TARGET_PAUSED);
                pthread_mutex_lock(&h->lock);
                c->tasks[i] = t;
                json_array_clear(c->busy);
                pthread_mutex_unlock(&h->lock);
        }
        for (i = 0; i < nrestarts; i++)
                if (json_int_in(own, restarts[i]))
                        restart_task(c, restarts[i],
                                     target == TARGET_PAUSED);
        if (target == TARGET_PAUSED)
                pause_tasks(c);
        else
                resume_tasks(c);
}

static void set_inst_running(connector_t *c, int running)
{
        pthread_mutex_lock(&c->h->lock);
        c->inst_running = running;
        pthread_mutex_unlock(&c->h->lock);
}

/* One reconcile cycle in distributed mode; 1 when the connector is done
 * (deleted, or the worker stops). */
static int conn_cycle_dist(connector_t *c, conn_run_t *r)
{
        herder_t *h = c->h;
        json_t *config, *own, *topic_tasks;
        target_t target;
        unsigned gen;
        int deleted, stopping, restart_conn, own_conn, fresh;
        int *task_restarts, ntask_restarts;

        pthread_mutex_lock(&h->lock);
        c->dirty = 0;
        deleted = c->deleted;
        stopping = h->stopping;
        config = json_incref(c->config);
        target = c->target;
        gen = c->config_gen;
        restart_conn = c->restart_conn;
        own_conn = c->own_conn;
        own = json_incref(c->own_tasks);
        topic_tasks = json_incref(c->task_configs);
        task_restarts = c->task_restarts;
        ntask_restarts = c->ntask_restarts;
        c->restart_conn = 0;
        c->task_restarts = NULL;
        c->ntask_restarts = 0;
        pthread_mutex_unlock(&h->lock);

        if (deleted || stopping) {
                json_t *none = json_array();
                reconcile_tasks_dist(c, config, target, none, NULL,
                                     NULL, 0, !deleted);
                json_decref(none);
                if (r->in.running) {
                        instance_stop(c, &r->in);
                        set_inst_running(c, 0);
                        if (!deleted)
                                set_conn_state(c, "UNASSIGNED", NULL);
                }
                json_decref(config);
                json_decref(own);
                json_decref(topic_tasks);
                free(task_restarts);
                dist_poke(h->dist);
                return 1;
        }
        if (gen != r->applied_gen) {
                instance_stop(c, &r->in);
                r->applied_gen = gen;
                r->published = 0;
                r->start_failed = 0;
        }
        if (restart_conn) {
                r->start_failed = 0;
                if (r->in.running) {
                        set_conn_state(c, "RESTARTING", NULL);
                        instance_stop(c, &r->in);
                }
        }
        if (!own_conn) {
                if (r->in.running) {
                        instance_stop(c, &r->in);
                        set_conn_state(c, "UNASSIGNED", NULL);
                }
        } else if (target != TARGET_STARTED) {
                instance_stop(c, &r->in);
                set_conn_state_changed(c, target == TARGET_PAUSED ?
                                       "PAUSED" : "STOPPED");
        } else {
                /* A connector that failed to start stays FAILED
                 * until its config changes or it is restarted,
                 * however often the assignment wakes it. */
                fresh = !r->in.running && !r->start_failed;
                if (fresh)
                        set_inst_running(c, 1); /* starting */
                if (fresh) {
                        if (metrics_connector_startup(
                                    instance_start(c, &r->in, config)) == 0)
                                set_conn_state(c, "RUNNING", NULL);
                        else
                                r->start_failed = 1;
                }
                if (r->in.running && (fresh || !r->published)) {
                        json_t *arr = generate_task_configs(c, &r->in,
                                                            config);
                        if (arr) {
                                dist_publish_tasks(h->dist, c->name,
                                                   arr);
                                r->published = 1;
                                json_decref(arr);
                        } else {
                                instance_stop(c, &r->in);
                                r->start_failed = 1;
                        }
                }
        }
        set_inst_running(c, r->in.running);
        reconcile_tasks_dist(c, config, target, own, topic_tasks,
                             task_restarts, ntask_restarts, 1);
        dist_poke(h->dist);
        free(task_restarts);
        json_decref(config);
        json_decref(own);
        json_decref(topic_tasks);
        dist_poke(h->dist);
        return 0;
}

/* One reconcile cycle (standalone); 1 when the connector is done. */
static int conn_cycle(connector_t *c, conn_run_t *r)
{
        herder_t *h = c->h;
        json_t *config;
        target_t target;
        unsigned gen;
        int deleted, restart_conn, fresh, started_now = 0;
        int *task_restarts, ntask_restarts, i;

        pthread_mutex_lock(&h->lock);
        c->dirty = 0;
        deleted = c->deleted || h->stopping;
        config = json_incref(c->config);
        target = c->target;
        gen = c->config_gen;
        restart_conn = c->restart_conn;
        task_restarts = c->task_restarts;
        ntask_restarts = c->ntask_restarts;
        c->restart_conn = 0;
        c->task_restarts = NULL;
        c->ntask_restarts = 0;
        pthread_mutex_unlock(&h->lock);

        if (deleted) {
                stop_all_tasks(c);
                instance_stop(c, &r->in);
                json_decref(config);
                free(task_restarts);
                return 1;
        }
        if (gen != r->applied_gen) {
                /* New config: everything starts over. While
                 * paused, as in Connect, the tasks stay as they
                 * are (paused) until the connector starts again,
                 * which regenerates their configs. */
                if (r->applied_gen) {
                        if (target != TARGET_PAUSED) {
                                stop_all_tasks(c);
                                r->have_configs = 0;
                        }
                        instance_stop(c, &r->in);
                }
                r->applied_gen = gen;
        }
        if (restart_conn) {
                if (r->in.running || target == TARGET_STARTED)
                        set_conn_state(c, "RESTARTING", NULL);
                instance_stop(c, &r->in);
        }

        switch (target) {
        case TARGET_STOPPED:
                stop_all_tasks(c);
                instance_stop(c, &r->in);
                if (r->have_configs || r->applied_gen) {
                        store_task_configs(c, NULL);
                        publish_task_configs(c, json_array());
                }
                r->have_configs = 0;
                set_conn_state(c, "STOPPED", NULL);
                break;
        case TARGET_PAUSED:
                instance_stop(c, &r->in);
                /* Restored paused (first cycle, config unchanged):
                 * its tasks come back paused from the stored task
                 * configs, as Connect shows them, without starting
                 * the connector. */
                if (!r->have_configs && gen == 1 && c->desc) {
                        json_t *arr = stored_task_configs(c, c->desc);
                        if (arr && json_array_size(arr)) {
                                start_tasks(c, c->desc, config, arr,
                                            1);
                                publish_task_configs(c, arr);
                                r->have_configs = 1;
                        } else {
                                json_decref(arr);
                        }
                }
                /* Restarted tasks come back paused. */
                for (i = 0; i < ntask_restarts; i++)
                        restart_task(c, task_restarts[i], 1);
                pause_tasks(c);
                set_conn_state(c, "PAUSED", NULL);
                break;
        case TARGET_STARTED:
                /* Every start of the connector (creation, resume,
                 * restart, new config, worker start) asks it for
                 * task configs again, as Connect does; tasks whose
                 * configs come out the same keep running. */
                fresh = !r->in.running;
                if (!r->in.running) {
                        if (metrics_connector_startup(
                                    instance_start(c, &r->in, config))) {
                                stop_all_tasks(c);
                                r->have_configs = 0;
                                break;
                        }
                }
                /* A delete or shutdown may have come while the
                 * plugin's start() ran: do no more work for it. */
                if (interrupted(c))
                        break;
                set_conn_state(c, "RUNNING", NULL);
                if (!r->have_configs || restart_conn || fresh) {
                        json_t *arr = generate_task_configs(c, &r->in,
                                                            config);
                        int same;
                        if (!arr) {
                                stop_all_tasks(c);
                                instance_stop(c, &r->in);
                                r->have_configs = 0;
                                break;
                        }
                        if (interrupted(c)) {
                                json_decref(arr);
                                break;
                        }
                        pthread_mutex_lock(&h->lock);
                        same = r->have_configs &&
                               tasks_current_locked(c, r->in.desc,
                                                    config, arr);
                        pthread_mutex_unlock(&h->lock);
                        if (!same) {
                                stop_all_tasks(c);
                                store_task_configs(c, arr);
                                publish_task_configs(c, json_incref(arr));
                                start_tasks(c, r->in.desc, config, arr,
                                            0);
                                started_now = 1;
                        } else {
                                publish_task_configs(c, json_incref(arr));
                        }
                        json_decref(arr);
                        r->have_configs = 1;
                }
                /* Tasks started just now already are restarted
                 * ones (a restart asked for right after a config
                 * update). */
                for (i = 0; i < ntask_restarts && !started_now; i++)
                        restart_task(c, task_restarts[i], 0);
                resume_tasks(c);
                break;
        }
        free(task_restarts);
        json_decref(config);
        return 0;
}


/* The pool job of a connector: cycles while something changed, then
 * gives its thread back. A connector of the same name that was deleted
 * and still stops goes first (final offset commit, statuses): this one
 * waits, unscheduled, until that one's end wakes it. */
static void conn_job(void *arg)
{
        connector_t *c = arg;
        herder_t *h = c->h;
        char ctxname[512];
        connector_t *o;
        int done;

        snprintf(ctxname, sizeof(ctxname), "%s|worker", c->name);
        log_context_set(ctxname);
        for (;;) {
                pthread_mutex_lock(&h->lock);
                if (!c->dirty ||
                    (predecessor_running_locked(c) && !c->deleted &&
                     !h->stopping)) {
                        c->scheduled = 0;
                        pthread_mutex_unlock(&h->lock);
                        break;
                }
                pthread_mutex_unlock(&h->lock);
                done = h->dist ? conn_cycle_dist(c, c->run)
                               : conn_cycle(c, c->run);
                if (!done)
                        continue;
                pthread_mutex_lock(&h->lock);
                c->finished = 1;
                c->scheduled = 0;
                /* A successor of the same name may start now. */
                for (o = conn_named_locked(h, c->name); o;
                     o = conn_next_named_locked(o))
                        if (o != c && !o->deleted && !o->finished)
                                conn_wake_locked(o);
                pthread_cond_broadcast(&h->cond);
                pthread_mutex_unlock(&h->lock);
                break;
        }
        log_context_set(NULL);
}


/* Creates the in-memory connector and schedules its first cycle (h->lock
 * held). */
connector_t *conn_new_locked(herder_t *h, const char *name,
                             json_t *config, target_t target)
{
        connector_t *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        c->h = h;
        c->name = strdup(name);
        c->config = json_incref(config);
        c->target = target;
        c->config_gen = 1;
        c->dirty = 1;
        c->topics = json_object();
        snprintf(c->state, sizeof(c->state), "UNASSIGNED");
        c->desc = plugins_find_for_config(config);
        c->own_tasks = json_array();
        c->busy = json_array();
        pthread_cond_init(&c->cond, NULL);
        c->run = calloc(1, sizeof(*c->run));
        if (!c->name || !c->run) {
                conn_free(c);
                return NULL;
        }
        if (h->dist)
                conn_own_from_assignment_locked(c);
        if (index_add_locked(h, c)) {
                conn_free(c);
                return NULL;
        }
        c->scheduled = 1;
        if (pool_submit(conn_job, c)) {
                index_del_locked(h, c);
                conn_free(c);
                return NULL;
        }
        c->next = h->conns;
        h->conns = c;
        return c;
}

void conn_wake_locked(connector_t *c)
{
        c->dirty = 1;
        pthread_cond_signal(&c->cond);
        if (c->scheduled || c->finished)
                return;
        if (pool_submit(conn_job, c)) {
                /* Out of memory: the next wake tries again. */
                LOG_ERROR(lg(), "Connector %s: cannot schedule its work",
                          c->name);
                return;
        }
        c->scheduled = 1;
}

