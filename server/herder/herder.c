/*
 * herder — the one owner of connector state (standalone mode).
 *
 * DESIGN
 * Two halves meet at h->lock:
 *  - REST-facing calls (this file's public functions) run on REST threads.
 *    They take the lock, write the change to the store first (so an
 *    acknowledged change survives kill -9), record the desired state on the
 *    connector, set `dirty` and signal the connector's thread. They never
 *    call plugin code and never wait for it while holding the lock.
 *  - Each connector has its own thread (conn_main) that reconciles the
 *    observed state with the desired one: it starts/stops the plugin's
 *    connector instance, generates task configs and starts/stops/pauses task
 *    threads (runner.c). It drops the lock around every plugin call, so a
 *    connector whose start() hangs only ever blocks its own thread.
 * Statuses live in memory under the lock and are copied to the store as the
 * last known status. A deleted connector stays on the list, flagged, until
 * its thread has finished; then it is reaped by the next REST call or at
 * shutdown.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfgmap.h"
#include "config.h"
#include "herder_int.h"
#include "plugins.h"

#define HEALTH_LOCK_MS 2000

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

static target_t target_parse(const char *s)
{
        if (s && !strcmp(s, "PAUSED"))
                return TARGET_PAUSED;
        if (s && !strcmp(s, "STOPPED"))
                return TARGET_STOPPED;
        return TARGET_STARTED;
}

/* ------------------------------------------------------------------ */
/* Connector list (h->lock held)                                       */

static connector_t *find_locked(herder_t *h, const char *name)
{
        connector_t *c;

        for (c = h->conns; c; c = c->next)
                if (!c->deleted && !strcmp(c->name, name))
                        return c;
        return NULL;
}

static void conn_free(connector_t *c)
{
        int i;

        for (i = 0; i < c->ntasks; i++)
                task_release(c->tasks[i]);
        free(c->tasks);
        free(c->task_restarts);
        json_decref(c->config);
        json_decref(c->task_configs);
        json_decref(c->topics);
        free(c->trace);
        free(c->name);
        pthread_cond_destroy(&c->cond);
        free(c);
}

/* Join and free deleted connectors whose thread has finished. */
static void reap_locked(herder_t *h)
{
        connector_t **pp = &h->conns, *c;

        while ((c = *pp)) {
                if (c->deleted && c->finished) {
                        *pp = c->next;
                        pthread_join(c->thread, NULL);
                        conn_free(c);
                } else {
                        pp = &c->next;
                }
        }
}

static void set_conn_state_locked(connector_t *c, const char *state,
                                  const char *trace)
{
        snprintf(c->state, sizeof(c->state), "%s", state);
        free(c->trace);
        c->trace = trace && *trace ? strdup(trace) : NULL;
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
        set_conn_state_locked(c, state, trace);
        pthread_mutex_unlock(&h->lock);
        if (status_store_put(h->ss, c->name, -1, state, trace, h->worker_id,
                             0, 0, errstr, sizeof(errstr)))
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
        free(t->trace);
        t->trace = trace && *trace ? strdup(trace) : NULL;
        pthread_mutex_unlock(&h->lock);
        if (status_store_put(h->ss, t->conn_name, t->id, state, trace,
                             h->worker_id, 0, 0, errstr, sizeof(errstr)))
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
/* JSON views (h->lock held)                                           */

static const char *conn_type(const connector_t *c)
{
        if (!c->desc)
                return "unknown";
        return c->desc->type == CONNECTD_SINK ? "sink" : "source";
}

static json_t *info_locked(const connector_t *c)
{
        json_t *tasks = json_array();
        size_t i, n = c->task_configs ? json_array_size(c->task_configs) : 0;

        for (i = 0; i < n; i++)
                json_array_append_new(tasks, json_pack("{s:s, s:i}",
                                                       "connector", c->name,
                                                       "task", (int)i));
        return json_pack("{s:s, s:O, s:o, s:s}", "name", c->name, "config",
                         c->config, "tasks", tasks, "type", conn_type(c));
}

static json_t *state_obj(const char *state, const char *trace,
                         const char *worker_id, int id)
{
        json_t *o = json_object();

        if (id >= 0)
                json_object_set_new(o, "id", json_integer(id));
        json_object_set_new(o, "state", json_string(state));
        json_object_set_new(o, "worker_id", json_string(worker_id));
        if (trace && *trace)
                json_object_set_new(o, "trace", json_string(trace));
        return o;
}

static json_t *status_locked(const connector_t *c)
{
        json_t *tasks = json_array();
        int i, ncfg = (int)json_array_size(c->task_configs);

        for (i = 0; i < c->ntasks; i++) {
                const task_t *t = c->tasks[i];
                json_array_append_new(tasks,
                                      state_obj(t->state, t->trace,
                                                c->h->worker_id, t->id));
        }
        /* Configured tasks not running right now (being started again
         * after a config update) have no status yet: UNASSIGNED, as in
         * Connect, and as /tasks/{id}/status shows them. */
        for (; i < ncfg; i++)
                json_array_append_new(tasks,
                                      state_obj("UNASSIGNED", NULL,
                                                c->h->worker_id, i));
        return json_pack("{s:s, s:o, s:o, s:s}", "name", c->name, "connector",
                         state_obj(c->state, c->trace, c->h->worker_id, -1),
                         "tasks", tasks, "type", conn_type(c));
}

/* ------------------------------------------------------------------ */
/* The connector thread                                                */

/* The running plugin connector; `desc` is the one it was started with (a
 * config update may change the class under it). */
typedef struct instance {
        const connectd_connector_desc_t *desc;
        void *state;
        int running;
        struct connectd_ctx ctx;
} instance_t;

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
        const connectd_connector_desc_t *desc = plugins_find(cls ? cls : "");

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
        if (desc->start(&in->ctx, cfgmap_of(config), &in->state, errstr,
                        sizeof(errstr))) {
                if (!*errstr)
                        snprintf(errstr, sizeof(errstr),
                                 "connector start failed");
                set_conn_state(c, "FAILED", errstr);
                return -1;
        }
        in->running = 1;
        return 0;
}

/* Removes and stops every task thread. */
static void stop_all_tasks(connector_t *c)
{
        herder_t *h = c->h;
        struct timespec deadline;
        task_t **tasks;
        int n, i;

        pthread_mutex_lock(&h->lock);
        tasks = c->tasks;
        n = c->ntasks;
        c->tasks = NULL;
        c->ntasks = 0;
        pthread_mutex_unlock(&h->lock);
        /* Ask all first, then wait: the timeouts run in parallel. At
         * shutdown, every connector's tasks share the worker's one
         * deadline. */
        pthread_mutex_lock(&h->lock);
        if (h->stopping)
                deadline = h->stop_by;
        else
                deadline_in(&deadline, h->graceful_ms);
        pthread_mutex_unlock(&h->lock);
        for (i = 0; i < n; i++)
                runner_task_request_stop(tasks[i], &deadline);
        for (i = 0; i < n; i++) {
                if (runner_task_stop_until(tasks[i], &deadline))
                        LOG_WARN(lg(), "Task %s-%d did not stop in time and "
                                 "was abandoned", c->name, tasks[i]->id);
                task_release(tasks[i]);
        }
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
        nt = runner_task_start(h, c, old->desc, old->conn_config, id, cfg,
                               paused);
        json_decref(cfg);
        if (!nt)
                return; /* out of memory: keep the old one */
        pthread_mutex_lock(&h->lock);
        c->tasks[id] = nt;
        pthread_mutex_unlock(&h->lock);
        task_release(old);
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
                    !json_equal(c->tasks[i]->conn_config, (json_t *)config))
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
                atomic_fetch_add(&tasks[i]->refcnt, 1);
        }
        pthread_mutex_unlock(&h->lock);
        for (i = 0; i < n; i++)
                runner_task_pause(tasks[i], 1);
        deadline_in(&deadline, h->graceful_ms);
        for (i = 0; i < n; i++) {
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
                runner_task_pause(c->tasks[i], 0);
        pthread_mutex_unlock(&h->lock);
}

/* 1 if a deleted connector of the same name has not finished stopping
 * (h->lock held). */
static int predecessor_running_locked(const connector_t *c)
{
        const connector_t *o;

        for (o = c->h->conns; o; o = o->next)
                if (o != c && o->deleted && !o->finished &&
                    !strcmp(o->name, c->name))
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

static void *conn_main(void *arg)
{
        connector_t *c = arg;
        herder_t *h = c->h;
        instance_t in;
        unsigned applied_gen = 0;
        int have_configs = 0;
        char ctxname[512];

        memset(&in, 0, sizeof(in));
        snprintf(ctxname, sizeof(ctxname), "%s|worker", c->name);
        log_context_set(ctxname);
        {
                char tname[16];
                snprintf(tname, sizeof(tname), "conn:%s", c->name);
                pthread_setname_np(pthread_self(), tname);
        }

        /* A connector of the same name that was deleted may still be
         * stopping: let it finish (final offset commit, statuses) first. */
        pthread_mutex_lock(&h->lock);
        while (predecessor_running_locked(c) && !c->deleted && !h->stopping)
                pthread_cond_wait(&h->cond, &h->lock);
        pthread_mutex_unlock(&h->lock);

        for (;;) {
                json_t *config;
                target_t target;
                unsigned gen;
                int deleted, restart_conn, fresh, started_now = 0;
                int *task_restarts, ntask_restarts, i;

                pthread_mutex_lock(&h->lock);
                while (!c->dirty)
                        pthread_cond_wait(&c->cond, &h->lock);
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
                        instance_stop(c, &in);
                        json_decref(config);
                        free(task_restarts);
                        break;
                }
                if (gen != applied_gen) {
                        /* New config: everything starts over. While
                         * paused, as in Connect, the tasks stay as they
                         * are (paused) until the connector starts again,
                         * which regenerates their configs. */
                        if (applied_gen) {
                                if (target != TARGET_PAUSED) {
                                        stop_all_tasks(c);
                                        have_configs = 0;
                                }
                                instance_stop(c, &in);
                        }
                        applied_gen = gen;
                }
                if (restart_conn) {
                        if (in.running || target == TARGET_STARTED)
                                set_conn_state(c, "RESTARTING", NULL);
                        instance_stop(c, &in);
                }

                switch (target) {
                case TARGET_STOPPED:
                        stop_all_tasks(c);
                        instance_stop(c, &in);
                        if (have_configs || applied_gen) {
                                store_task_configs(c, NULL);
                                publish_task_configs(c, json_array());
                        }
                        have_configs = 0;
                        set_conn_state(c, "STOPPED", NULL);
                        break;
                case TARGET_PAUSED:
                        instance_stop(c, &in);
                        /* Restored paused (first cycle, config unchanged):
                         * its tasks come back paused from the stored task
                         * configs, as Connect shows them, without starting
                         * the connector. */
                        if (!have_configs && gen == 1 && c->desc) {
                                json_t *arr = stored_task_configs(c, c->desc);
                                if (arr && json_array_size(arr)) {
                                        start_tasks(c, c->desc, config, arr,
                                                    1);
                                        publish_task_configs(c, arr);
                                        have_configs = 1;
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
                        fresh = !in.running;
                        if (!in.running) {
                                if (instance_start(c, &in, config)) {
                                        stop_all_tasks(c);
                                        have_configs = 0;
                                        break;
                                }
                        }
                        /* A delete or shutdown may have come while the
                         * plugin's start() ran: do no more work for it. */
                        if (interrupted(c))
                                break;
                        set_conn_state(c, "RUNNING", NULL);
                        if (!have_configs || restart_conn || fresh) {
                                json_t *arr = generate_task_configs(c, &in,
                                                                    config);
                                int same;
                                if (!arr) {
                                        stop_all_tasks(c);
                                        instance_stop(c, &in);
                                        have_configs = 0;
                                        break;
                                }
                                if (interrupted(c)) {
                                        json_decref(arr);
                                        break;
                                }
                                pthread_mutex_lock(&h->lock);
                                same = have_configs &&
                                       tasks_current_locked(c, in.desc,
                                                            config, arr);
                                pthread_mutex_unlock(&h->lock);
                                if (!same) {
                                        stop_all_tasks(c);
                                        store_task_configs(c, arr);
                                        publish_task_configs(c, json_incref(arr));
                                        start_tasks(c, in.desc, config, arr,
                                                    0);
                                        started_now = 1;
                                } else {
                                        publish_task_configs(c, json_incref(arr));
                                }
                                json_decref(arr);
                                have_configs = 1;
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
        }

        pthread_mutex_lock(&h->lock);
        c->finished = 1;
        pthread_cond_broadcast(&h->cond);
        pthread_mutex_unlock(&h->lock);
        log_context_set(NULL);
        return NULL;
}

/* Creates the in-memory connector and its thread (h->lock held). */
static connector_t *conn_new_locked(herder_t *h, const char *name,
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
        c->desc = plugins_find(json_string_value(
                json_object_get(config, "connector.class")) ?: "");
        pthread_cond_init(&c->cond, NULL);
        if (pthread_create(&c->thread, NULL, conn_main, c)) {
                conn_free(c);
                return NULL;
        }
        c->next = h->conns;
        h->conns = c;
        return c;
}

static void wake_locked(connector_t *c)
{
        c->dirty = 1;
        pthread_cond_signal(&c->cond);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

herder_t *herder_new(config_store_t *cs, offset_store_t *os,
                     status_store_t *ss, struct kafka *kf,
                     const json_t *props, const char *worker_id,
                     char *errstr, size_t errstr_size)
{
        herder_t *h = calloc(1, sizeof(*h));

        if (!h) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        h->cs = cs;
        h->os = os;
        h->ss = ss;
        h->kf = kf;
        h->props = json_incref((json_t *)props);
        h->worker_id = strdup(worker_id);
        h->graceful_ms = wc_get_ll(props, "task.shutdown.graceful.timeout.ms");
        h->flush_interval_ms = wc_get_ll(props, "offset.flush.interval.ms");
        h->flush_timeout_ms = wc_get_ll(props, "offset.flush.timeout.ms");
        h->topic_tracking = wc_get_bool(props, "topic.tracking.enable");
        h->topic_tracking_reset = wc_get_bool(props,
                                              "topic.tracking.allow.reset");
        pthread_mutex_init(&h->lock, NULL);
        pthread_cond_init(&h->cond, NULL);
        return h;
}

static int restore_cb(void *opaque, const char *name, const json_t *stored,
                      const char *target_state)
{
        herder_t *h = opaque;
        json_t *config = json_deep_copy(stored);

        if (!config) {
                LOG_ERROR(lg(), "Could not restore connector %s", name);
                return 0;
        }
        pthread_mutex_lock(&h->lock);
        if (find_locked(h, name))
                ; /* created over REST while we were restoring */
        else if (!conn_new_locked(h, name, config, target_parse(target_state)))
                LOG_ERROR(lg(), "Could not restore connector %s", name);
        else
                LOG_INFO(lg(), "Restored connector %s (target state %s)",
                         name, target_state);
        pthread_mutex_unlock(&h->lock);
        json_decref(config);
        return 0;
}

int herder_start(herder_t *h, char *errstr, size_t errstr_size)
{
        if (config_store_connector_each(h->cs, restore_cb, h, errstr, errstr_size))
                return -1;
        pthread_mutex_lock(&h->lock);
        h->started = 1;
        pthread_mutex_unlock(&h->lock);
        return 0;
}

void herder_stop(herder_t *h)
{
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        h->stopping = 1;
        deadline_in(&h->stop_by, h->graceful_ms);
        for (c = h->conns; c; c = c->next)
                wake_locked(c);
        pthread_mutex_unlock(&h->lock);
        /* Connector threads stop their tasks in parallel. */
        for (c = h->conns; c; c = c->next)
                pthread_join(c->thread, NULL);
        pthread_mutex_lock(&h->lock);
        while ((c = h->conns)) {
                h->conns = c->next;
                conn_free(c);
        }
        pthread_mutex_unlock(&h->lock);
}

void herder_destroy(herder_t *h)
{
        if (!h)
                return;
        json_decref(h->props);
        free(h->worker_id);
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->cond);
        free(h);
}

int herder_live_tasks(herder_t *h)
{
        return atomic_load(&h->live_tasks);
}

const char *herder_worker_id(const herder_t *h)
{
        return h->worker_id;
}

const char *herder_kafka_cluster_id(const herder_t *h)
{
        return kafka_cluster_id(h->kf);
}

int herder_health(herder_t *h)
{
        struct timespec ts;
        int started;

        deadline_in(&ts, HEALTH_LOCK_MS);
        if (pthread_mutex_timedlock(&h->lock, &ts))
                return -1;
        started = h->started;
        pthread_mutex_unlock(&h->lock);
        return started ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* REST-facing calls                                                   */

/* allow_update: 0 create only, 1 create or update; with `expected` set,
 * update only, and only while the stored config still equals it. */
static herder_err_t put_config(herder_t *h, const char *name,
                               const json_t *config, const char *target_state,
                               int allow_update, const json_t *expected,
                               int *created, json_t **info_out, char *errstr,
                               size_t errstr_size)
{
        herder_err_t rc = HERDER_ERROR;
        connector_t *c;
        char *txt = NULL;

        txt = json_dumps(config, JSON_COMPACT);
        if (!txt) {
                snprintf(errstr, errstr_size, "config is not serializable");
                return HERDER_ERROR;
        }
        pthread_mutex_lock(&h->lock);
        reap_locked(h);
        c = find_locked(h, name);
        if (c && !allow_update) {
                snprintf(errstr, errstr_size, "Connector %s already exists",
                         name);
                rc = HERDER_EXISTS;
                goto out;
        }
        if (expected && !c) {
                snprintf(errstr, errstr_size, "Connector %s not found", name);
                rc = HERDER_NOT_FOUND;
                goto out;
        }
        if (expected && !json_equal(c->config, (json_t *)expected)) {
                snprintf(errstr, errstr_size, "The config of connector %s "
                         "changed during the request; try again", name);
                rc = HERDER_CONFLICT;
                goto out;
        }
        if (c) {
                if (config_store_connector_put(h->cs, name, config,
                                               target_name(c->target), errstr,
                                               errstr_size))
                        goto out;
                json_decref(c->config);
                c->config = json_deep_copy(config);
                c->config_gen++;
                c->desc = plugins_find(json_string_value(json_object_get(
                        config, "connector.class")) ?: "");
                wake_locked(c);
                *created = 0;
        } else {
                target_t t = target_parse(target_state);
                json_t *copy;
                if (config_store_connector_put(h->cs, name, config,
                                               target_name(t), errstr,
                                               errstr_size))
                        goto out;
                copy = json_deep_copy(config);
                c = conn_new_locked(h, name, copy, t);
                json_decref(copy);
                if (!c) {
                        snprintf(errstr, errstr_size,
                                 "could not start connector thread");
                        goto out;
                }
                *created = 1;
        }
        LOG_INFO(lg(), "Connector %s %s", name, *created ? "created" :
                 "updated");
        /* No waiting for the connector to generate task configs: that is
         * plugin code, and a hanging start() must not slow this answer.
         * `tasks` shows what is known now (clients must not rely on it). */
        if (info_out)
                *info_out = info_locked(c);
        rc = HERDER_OK;
out:
        pthread_mutex_unlock(&h->lock);
        free(txt);
        return rc;
}

herder_err_t herder_connector_put(herder_t *h, const char *name,
                                  const json_t *config,
                                  const char *target_state, int allow_update,
                                  int *created, json_t **info_out,
                                  char *errstr, size_t errstr_size)
{
        return put_config(h, name, config, target_state, allow_update, NULL,
                          created, info_out, errstr, errstr_size);
}

herder_err_t herder_connector_update_if(herder_t *h, const char *name,
                                        const json_t *expected,
                                        const json_t *config,
                                        json_t **info_out, char *errstr,
                                        size_t errstr_size)
{
        int created = 0;

        return put_config(h, name, config, NULL, 1, expected, &created,
                          info_out, errstr, errstr_size);
}

herder_err_t herder_connector_delete(herder_t *h, const char *name,
                                     char *errstr, size_t errstr_size)
{
        herder_err_t rc = HERDER_OK;
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        if (!c) {
                snprintf(errstr, errstr_size, "Connector %s not found", name);
                rc = HERDER_NOT_FOUND;
        } else if (config_store_connector_delete(h->cs, name, errstr,
                                                 errstr_size)) {
                rc = HERDER_ERROR;
        } else {
                c->deleted = 1;
                wake_locked(c);
                LOG_INFO(lg(), "Connector %s deleted", name);
        }
        pthread_mutex_unlock(&h->lock);
        return rc;
}

json_t *herder_connector_names(herder_t *h)
{
        json_t *arr = json_array();
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        reap_locked(h);
        for (c = h->conns; c; c = c->next)
                if (!c->deleted)
                        json_array_append_new(arr, json_string(c->name));
        pthread_mutex_unlock(&h->lock);
        return arr;
}

/* Runs fn on the named connector under the lock; NULL if unknown. */
static json_t *with_conn(herder_t *h, const char *name,
                         json_t *(*fn)(const connector_t *c))
{
        json_t *r = NULL;
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        if (c)
                r = fn(c);
        pthread_mutex_unlock(&h->lock);
        return r;
}

static json_t *config_of(const connector_t *c)
{
        return json_deep_copy(c->config);
}

static json_t *tasks_of(const connector_t *c)
{
        json_t *arr = json_array();
        size_t i, n = c->task_configs ? json_array_size(c->task_configs) : 0;

        for (i = 0; i < n; i++)
                json_array_append_new(
                        arr, json_pack("{s:{s:s, s:i}, s:O}", "id",
                                       "connector", c->name, "task", (int)i,
                                       "config",
                                       json_array_get(c->task_configs, i)));
        return arr;
}

static json_t *tasks_config_of(const connector_t *c)
{
        json_t *obj = json_object();
        size_t i, n = c->task_configs ? json_array_size(c->task_configs) : 0;
        char key[64];

        for (i = 0; i < n; i++) {
                snprintf(key, sizeof(key), "-%zu", i);
                {
                        size_t len = strlen(c->name) + strlen(key) + 1;
                        char *k = malloc(len);
                        snprintf(k, len, "%s%s", c->name, key);
                        json_object_set(obj, k,
                                        json_array_get(c->task_configs, i));
                        free(k);
                }
        }
        return obj;
}

json_t *herder_connector_info(herder_t *h, const char *name)
{
        return with_conn(h, name, info_locked);
}

json_t *herder_connector_config(herder_t *h, const char *name)
{
        return with_conn(h, name, config_of);
}

json_t *herder_connector_status(herder_t *h, const char *name)
{
        return with_conn(h, name, status_locked);
}

json_t *herder_tasks(herder_t *h, const char *name)
{
        return with_conn(h, name, tasks_of);
}

json_t *herder_tasks_config(herder_t *h, const char *name)
{
        return with_conn(h, name, tasks_config_of);
}

json_t *herder_task_status(herder_t *h, const char *name, int task)
{
        json_t *r = NULL;
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        if (c && task >= 0 && task < c->ntasks)
                r = state_obj(c->tasks[task]->state, c->tasks[task]->trace,
                              h->worker_id, task);
        else if (c && task >= 0 &&
                 (size_t)task < json_array_size(c->task_configs))
                /* Configured but not running right now (being started
                 * after a config update): no status yet, as Connect shows
                 * such a task. */
                r = state_obj("UNASSIGNED", NULL, h->worker_id, task);
        pthread_mutex_unlock(&h->lock);
        return r;
}

static herder_err_t set_target(herder_t *h, const char *name, target_t t,
                               char *errstr, size_t n)
{
        herder_err_t rc = HERDER_OK;
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        if (!c) {
                snprintf(errstr, n, "Unknown connector %s", name);
                rc = HERDER_NOT_FOUND;
        } else if (config_store_target_put(h->cs, name, target_name(t),
                                           errstr, n)) {
                rc = HERDER_ERROR;
        } else {
                c->target = t;
                wake_locked(c);
        }
        pthread_mutex_unlock(&h->lock);
        return rc;
}

herder_err_t herder_pause(herder_t *h, const char *name, char *errstr,
                          size_t n)
{
        return set_target(h, name, TARGET_PAUSED, errstr, n);
}

herder_err_t herder_resume(herder_t *h, const char *name, char *errstr,
                           size_t n)
{
        return set_target(h, name, TARGET_STARTED, errstr, n);
}

herder_err_t herder_stop_connector(herder_t *h, const char *name,
                                   char *errstr, size_t n)
{
        return set_target(h, name, TARGET_STOPPED, errstr, n);
}

/* Adds a task id to the connector's restart list once (h->lock held). */
static int queue_task_restart_locked(connector_t *c, int id)
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

herder_err_t herder_restart(herder_t *h, const char *name, int include_tasks,
                            int only_failed, json_t **status_out,
                            char *errstr, size_t n)
{
        connector_t *c;
        int i, conn_restart;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        if (!c) {
                pthread_mutex_unlock(&h->lock);
                snprintf(errstr, n, "Unknown connector: %s", name);
                return HERDER_NOT_FOUND;
        }
        if (!include_tasks && !only_failed) {
                /* Visible at once, so a client polling /status after the
                 * 204 sees the restart before it sees RUNNING again. */
                set_conn_state_locked(c, "RESTARTING", NULL);
                c->restart_conn = 1;
                wake_locked(c);
                if (status_out)
                        *status_out = NULL;
                pthread_mutex_unlock(&h->lock);
                return HERDER_OK;
        }
        conn_restart = !only_failed || !strcmp(c->state, "FAILED");
        if (conn_restart) {
                set_conn_state_locked(c, "RESTARTING", NULL);
                c->restart_conn = 1;
        }
        if (include_tasks) {
                for (i = 0; i < c->ntasks; i++) {
                        task_t *t = c->tasks[i];
                        if (only_failed && strcmp(t->state, "FAILED"))
                                continue;
                        snprintf(t->state, sizeof(t->state), "RESTARTING");
                        free(t->trace);
                        t->trace = NULL;
                        /* The ids chosen now, not states read later: the
                         * task may overwrite its state meanwhile. */
                        if (queue_task_restart_locked(c, t->id)) {
                                pthread_mutex_unlock(&h->lock);
                                snprintf(errstr, n, "out of memory");
                                return HERDER_ERROR;
                        }
                }
        }
        if (status_out)
                *status_out = status_locked(c);
        wake_locked(c);
        pthread_mutex_unlock(&h->lock);
        return HERDER_OK;
}

herder_err_t herder_task_restart(herder_t *h, const char *name, int task,
                                 char *errstr, size_t n)
{
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        /* The task configs decide, as in Connect, not the task threads:
         * right after a config update the tasks are being started again
         * and the restart applies to the new ones. */
        if (!c || task < 0 ||
            (size_t)task >= json_array_size(c->task_configs)) {
                pthread_mutex_unlock(&h->lock);
                snprintf(errstr, n, "Task %s-%d not found", name, task);
                return HERDER_NOT_FOUND;
        }
        if (queue_task_restart_locked(c, task)) {
                pthread_mutex_unlock(&h->lock);
                snprintf(errstr, n, "out of memory");
                return HERDER_ERROR;
        }
        if (task < c->ntasks) {
                snprintf(c->tasks[task]->state,
                         sizeof(c->tasks[task]->state), "RESTARTING");
                free(c->tasks[task]->trace);
                c->tasks[task]->trace = NULL;
        }
        wake_locked(c);
        pthread_mutex_unlock(&h->lock);
        return HERDER_OK;
}

json_t *herder_topics(herder_t *h, const char *name)
{
        json_t *r = NULL, *arr;
        connector_t *c;
        const char *topic;
        json_t *v;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        if (c) {
                arr = json_array();
                json_object_foreach(c->topics, topic, v)
                        json_array_append_new(arr, json_string(topic));
                r = json_pack("{s:{s:o}}", name, "topics", arr);
        }
        pthread_mutex_unlock(&h->lock);
        return r;
}

herder_err_t herder_topics_reset(herder_t *h, const char *name, char *errstr,
                                 size_t n)
{
        connector_t *c;
        herder_err_t rc = HERDER_OK;

        if (!h->topic_tracking_reset || !h->topic_tracking) {
                snprintf(errstr, n, "Topic tracking reset is disabled.");
                return HERDER_FORBIDDEN;
        }
        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        if (!c) {
                snprintf(errstr, n, "Connector %s not found", name);
                rc = HERDER_NOT_FOUND;
        } else {
                json_object_clear(c->topics);
                atomic_fetch_add(&h->topics_gen, 1);
        }
        pthread_mutex_unlock(&h->lock);
        return rc;
}

/* ------------------------------------------------------------------ */
/* Offsets                                                             */

static herder_err_t sink_offsets_get(herder_t *h, const char *name,
                                     const char *topics, json_t **out,
                                     char *errstr, size_t n);

static int offsets_collect(void *opaque, const char *partition_json,
                           const char *offset_json)
{
        json_t *arr = opaque;
        json_t *p = json_loads(partition_json, 0, NULL);
        json_t *o = json_loads(offset_json, 0, NULL);

        if (p && o)
                json_array_append_new(arr, json_pack("{s:o, s:o}", "partition",
                                                     p, "offset", o));
        else {
                json_decref(p);
                json_decref(o);
        }
        return 0;
}

herder_err_t herder_offsets_get(herder_t *h, const char *name, json_t **out,
                                char *errstr, size_t n)
{
        connector_t *c;
        json_t *arr;
        char *topics = NULL;
        int sink;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        sink = c && c->desc && c->desc->type == CONNECTD_SINK;
        if (sink)
                topics = strdup(json_string_value(json_object_get(
                                        c->config, "topics")) ?: "");
        pthread_mutex_unlock(&h->lock);
        if (!c) {
                snprintf(errstr, n, "Connector %s not found", name);
                return HERDER_NOT_FOUND;
        }
        if (sink) {
                /* Kafka calls: no herder lock held. */
                herder_err_t rc = sink_offsets_get(h, name, topics, out,
                                                   errstr, n);
                free(topics);
                return rc;
        }
        arr = json_array();
        if (offset_store_each(h->os, name, offsets_collect, arr, errstr, n)) {
                json_decref(arr);
                return HERDER_ERROR;
        }
        *out = json_pack("{s:o}", "offsets", arr);
        return HERDER_OK;
}

/* A source partition or offset: an object of string keys and primitive
 * values. Returns NULL if fine, else the reason. */
static const char *check_flat(const json_t *obj, const char *what)
{
        const char *key;
        json_t *v;

        (void)what;
        if (!json_is_object(obj))
                return "must be a JSON object";
        json_object_foreach((json_t *)obj, key, v) {
                if (json_is_object(v) || json_is_array(v))
                        return "Offsets may only contain primitive types as "
                               "values, but field contains a non-primitive "
                               "value";
        }
        return NULL;
}

static int still_stopped_locked(herder_t *h, const char *name);

/* The Message of a successful offsets PATCH ("altered") or DELETE
 * ("reset"), Connect's words. */
static void offsets_done_msg(char *msg, size_t msg_size, const char *verb)
{
        snprintf(msg, msg_size,
                 "The Connect framework-managed offsets for this connector "
                 "have been %s successfully. However, if this connector "
                 "manages offsets externally, they will need to be manually "
                 "%s in the system that the connector uses.",
                 verb, verb);
}

/* Sink offsets (spec section 7) live in the consumer group
 * connect-<name>. A PATCH or DELETE (only while STOPPED) does not touch the
 * group: it records overrides in the store, under the partition
 * {"kafka_partition":P,"kafka_topic":T} and the offset {"kafka_offset":N}
 * (N = -2: back to the earliest offset, i.e. "no committed offset"). The
 * sink task applies them when it is assigned the partition and drops them
 * after its first commit (runner.c). GET shows the group's offsets with
 * the overrides laid over them. This works the same on any cluster,
 * including the embedded one, which refuses commits from outside a group. */
#define SINK_OFFSET_EARLIEST -2

static char *sink_partition_key(const char *topic, long long part)
{
        json_t *p = json_pack("{s:s, s:I}", "kafka_topic", topic,
                              "kafka_partition", (json_int_t)part);
        char *k = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);

        json_decref(p);
        return k;
}

static int overlay_cb(void *opaque, const char *partition_json,
                      const char *offset_json)
{
        json_t *by_part = opaque;

        json_object_set_new(by_part, partition_json,
                            json_loads(offset_json, 0, NULL) ?: json_null());
        return 0;
}

/* The group's committed offsets with the stored overrides laid over. */
static herder_err_t sink_offsets_get(herder_t *h, const char *name,
                                     const char *topics, json_t **out,
                                     char *errstr, size_t n)
{
        json_t *committed = NULL, *by_part = json_object(), *arr;
        char *group = NULL;
        const char *key;
        json_t *val;
        size_t i;

        if (asprintf(&group, "connect-%s", name) < 0) {
                snprintf(errstr, n, "out of memory");
                json_decref(by_part);
                return HERDER_ERROR;
        }
        if (kafka_group_offsets(h->kf, group, topics, &committed, errstr,
                                n)) {
                free(group);
                json_decref(by_part);
                return HERDER_ERROR;
        }
        free(group);
        for (i = 0; i < json_array_size(committed); i++) {
                json_t *e = json_array_get(committed, i);
                char *k = json_dumps(json_object_get(e, "partition"),
                                     JSON_COMPACT | JSON_SORT_KEYS);
                json_object_set(by_part, k, json_object_get(e, "offset"));
                free(k);
        }
        json_decref(committed);
        if (offset_store_each(h->os, name, overlay_cb, by_part, errstr, n)) {
                json_decref(by_part);
                return HERDER_ERROR;
        }
        arr = json_array();
        json_object_foreach(by_part, key, val) {
                json_t *p = json_loads(key, 0, NULL);
                if (!p || json_integer_value(json_object_get(
                                  val, "kafka_offset")) ==
                                  SINK_OFFSET_EARLIEST) {
                        json_decref(p);
                        continue;
                }
                json_array_append_new(arr, json_pack("{s:o, s:O}",
                                                     "partition", p,
                                                     "offset", val));
        }
        json_decref(by_part);
        *out = json_pack("{s:o}", "offsets", arr);
        return HERDER_OK;
}

/* An integer given as a JSON number or a numeric string (Connect accepts
 * both in sink offsets). 0 or -1. */
static int json_int_like(const json_t *v, long long *out)
{
        char *end;

        if (json_is_integer(v)) {
                *out = json_integer_value(v);
                return 0;
        }
        if (json_is_string(v) && *json_string_value(v)) {
                *out = strtoll(json_string_value(v), &end, 10);
                return *end ? -1 : 0;
        }
        return -1;
}

static herder_err_t sink_offsets_modify(herder_t *h, const char *name,
                                        const json_t *offsets, char *msg,
                                        size_t msg_size, char *errstr,
                                        size_t n)
{
        herder_err_t rc = HERDER_BAD_REQUEST;
        json_t *current = NULL, *list;
        char *topics = NULL;
        const char **parts = NULL, **offs = NULL;
        char **keys = NULL, **vals = NULL;
        size_t i, cnt = 0;

        if (!offsets) {
                /* Reset: every partition with a committed offset. */
                connector_t *c;
                pthread_mutex_lock(&h->lock);
                c = find_locked(h, name);
                topics = strdup(c ? json_string_value(json_object_get(
                                            c->config, "topics")) ?: ""
                                  : "");
                pthread_mutex_unlock(&h->lock);
                if (sink_offsets_get(h, name, topics, &current, errstr, n)) {
                        rc = HERDER_ERROR;
                        goto out;
                }
        }
        list = current ? json_object_get(current, "offsets")
                       : (json_t *)offsets;
        cnt = json_array_size(list);
        parts = calloc(cnt + 1, sizeof(*parts));
        offs = calloc(cnt + 1, sizeof(*offs));
        keys = calloc(cnt + 1, sizeof(*keys));
        vals = calloc(cnt + 1, sizeof(*vals));
        if (!parts || !offs || !keys || !vals) {
                snprintf(errstr, n, "out of memory");
                rc = HERDER_ERROR;
                goto out;
        }
        for (i = 0; i < cnt; i++) {
                json_t *e = json_array_get(list, i);
                json_t *p = json_object_get(e, "partition");
                json_t *o = json_object_get(e, "offset");
                const char *topic =
                        json_string_value(json_object_get(p, "kafka_topic"));
                long long part, off = SINK_OFFSET_EARLIEST;

                if (!topic || !*topic ||
                    json_int_like(json_object_get(p, "kafka_partition"),
                                  &part) ||
                    part < 0 || part > INT32_MAX) {
                        snprintf(errstr, n,
                                 "A sink connector's offset partition must "
                                 "name a \"kafka_topic\" (string) and a "
                                 "\"kafka_partition\" (integer >= 0)");
                        goto out;
                }
                if (!current && o && !json_is_null(o) &&
                    (json_int_like(json_object_get(o, "kafka_offset"),
                                   &off) ||
                     off < 0)) {
                        snprintf(errstr, n,
                                 "A sink connector's offset must be "
                                 "{\"kafka_offset\": integer >= 0} or null");
                        goto out;
                }
                keys[i] = sink_partition_key(topic, part);
                if (asprintf(&vals[i], "{\"kafka_offset\":%lld}", off) < 0)
                        vals[i] = NULL;
                parts[i] = keys[i];
                offs[i] = vals[i];
        }
        pthread_mutex_lock(&h->lock);
        if (!still_stopped_locked(h, name)) {
                pthread_mutex_unlock(&h->lock);
                snprintf(errstr, n, "Connector %s changed state during the "
                         "request; try again", name);
                goto out;
        }
        if (cnt && offset_store_put(h->os, name, (int)cnt, parts, offs,
                                    errstr, n)) {
                pthread_mutex_unlock(&h->lock);
                rc = HERDER_ERROR;
                goto out;
        }
        pthread_mutex_unlock(&h->lock);
        offsets_done_msg(msg, msg_size, offsets ? "altered" : "reset");
        rc = HERDER_OK;
out:
        for (i = 0; keys && vals && i < cnt; i++) {
                free(keys[i]);
                free(vals[i]);
        }
        free(keys);
        free(vals);
        free(parts);
        free(offs);
        json_decref(current);
        free(topics);
        return rc;
}

static int still_stopped_locked(herder_t *h, const char *name)
{
        connector_t *c = find_locked(h, name);

        return c && c->target == TARGET_STOPPED && c->ntasks == 0 &&
               !strcmp(c->state, "STOPPED");
}

herder_err_t herder_offsets_modify(herder_t *h, const char *name,
                                   const json_t *offsets, char *msg,
                                   size_t msg_size, char *errstr, size_t n)
{
        connector_t *c;
        int stopped, sink;
        size_t i, cnt;
        const char **parts = NULL, **offs = NULL;
        char **texts = NULL;
        herder_err_t rc = HERDER_ERROR;

        pthread_mutex_lock(&h->lock);
        c = find_locked(h, name);
        stopped = c && c->target == TARGET_STOPPED && c->ntasks == 0 &&
                  !strcmp(c->state, "STOPPED");
        sink = c && c->desc && c->desc->type == CONNECTD_SINK;
        pthread_mutex_unlock(&h->lock);
        if (!c) {
                snprintf(errstr, n, "Connector %s not found", name);
                return HERDER_NOT_FOUND;
        }
        if (!stopped) {
                snprintf(errstr, n,
                         "Connectors must be in the STOPPED state before "
                         "their offsets can be modified. This can be done for "
                         "the specified connector by issuing a 'PUT' request "
                         "to the '/connectors/%s/stop' endpoint",
                         name);
                return HERDER_BAD_REQUEST;
        }
        if (sink)
                return sink_offsets_modify(h, name, offsets, msg, msg_size,
                                           errstr, n);
        if (!offsets) {
                int rc2;
                pthread_mutex_lock(&h->lock);
                rc2 = still_stopped_locked(h, name)
                              ? offset_store_delete_all(h->os, name, errstr, n)
                              : 1;
                pthread_mutex_unlock(&h->lock);
                if (rc2 > 0) {
                        snprintf(errstr, n, "Connector %s changed state "
                                 "during the request; try again", name);
                        return HERDER_BAD_REQUEST;
                }
                if (rc2)
                        return HERDER_ERROR;
                offsets_done_msg(msg, msg_size, "reset");
                return HERDER_OK;
        }
        cnt = json_array_size(offsets);
        parts = calloc(cnt + 1, sizeof(*parts));
        offs = calloc(cnt + 1, sizeof(*offs));
        texts = calloc(2 * cnt + 1, sizeof(*texts));
        if (!parts || !offs || !texts) {
                snprintf(errstr, n, "out of memory");
                goto out;
        }
        for (i = 0; i < cnt; i++) {
                json_t *e = json_array_get(offsets, i);
                json_t *p = json_object_get(e, "partition");
                json_t *o = json_object_get(e, "offset");
                const char *why;
                if (!json_is_object(e) || !p) {
                        snprintf(errstr, n, "Every offset entry needs a "
                                 "\"partition\" object");
                        rc = HERDER_BAD_REQUEST;
                        goto out;
                }
                if ((why = check_flat(p, "partition")) ||
                    (!json_is_null(o) && o && (why = check_flat(o, "offset")))) {
                        snprintf(errstr, n, "%s", why);
                        rc = HERDER_BAD_REQUEST;
                        goto out;
                }
                texts[2 * i] = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
                parts[i] = texts[2 * i];
                if (o && !json_is_null(o)) {
                        texts[2 * i + 1] = json_dumps(o, JSON_COMPACT);
                        offs[i] = texts[2 * i + 1];
                }
        }
        /* Write under the lock, re-checking: a resume may have come in
         * since the check above. */
        pthread_mutex_lock(&h->lock);
        if (!still_stopped_locked(h, name)) {
                pthread_mutex_unlock(&h->lock);
                snprintf(errstr, n, "Connector %s changed state during the "
                         "request; try again", name);
                rc = HERDER_BAD_REQUEST;
                goto out;
        }
        if (offset_store_put(h->os, name, (int)cnt, parts, offs, errstr,
                             n)) {
                pthread_mutex_unlock(&h->lock);
                goto out;
        }
        pthread_mutex_unlock(&h->lock);
        offsets_done_msg(msg, msg_size, "altered");
        rc = HERDER_OK;
out:
        if (texts)
                for (i = 0; i < 2 * cnt; i++)
                        free(texts[i]);
        free(texts);
        free(parts);
        free(offs);
        return rc;
}
