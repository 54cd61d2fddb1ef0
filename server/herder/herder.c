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
 *  - Each connector has its own thread (conn_main in
 *    server/runtime/connector.c) that reconciles the observed state with
 *    the desired one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfgmap.h"
#include "config.h"
#include "buf.h"
#include "distributed.h"
#include "kafka_stores.h"
#include "plugins.h"
#include "runtime.h"

#define HEALTH_LOCK_MS 2000

LOG_MODULE_LOGGER(lg, "connectd.herder")

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

static int state_text(buf_t *b, const char *state, const char *trace,
                      const char *worker_id, int id)
{
        int r = 0;

        if (id >= 0)
                r |= buf_printf(b, "{\"id\":%d,", id);
        else
                r |= buf_putc(b, '{');
        r |= buf_puts(b, "\"state\":");
        r |= buf_json_string(b, state, strlen(state));
        r |= buf_puts(b, ",\"worker_id\":");
        r |= buf_json_string(b, worker_id, strlen(worker_id));
        if (trace && *trace) {
                r |= buf_puts(b, ",\"trace\":");
                r |= buf_json_string(b, trace, strlen(trace));
        }
        return r | buf_putc(b, '}');
}

/* status_locked's object as text. */
static int status_text_locked(buf_t *b, const connector_t *c)
{
        int i, r, ncfg = (int)json_array_size(c->task_configs);
        const char *w = c->h->worker_id;

        r = buf_puts(b, "{\"name\":");
        r |= buf_json_string(b, c->name, strlen(c->name));
        r |= buf_puts(b, ",\"connector\":");
        r |= state_text(b, c->state, c->trace, w, -1);
        r |= buf_puts(b, ",\"tasks\":[");
        for (i = 0; i < c->ntasks; i++)
                r |= (i ? buf_putc(b, ',') : 0) |
                     state_text(b, c->tasks[i]->state, c->tasks[i]->trace, w,
                                c->tasks[i]->id);
        for (; i < ncfg; i++)
                r |= (i ? buf_putc(b, ',') : 0) |
                     state_text(b, "UNASSIGNED", NULL, w, i);
        r |= buf_puts(b, "],\"type\":\"");
        r |= buf_puts(b, conn_type(c));
        return r | buf_puts(b, "\"}");
}

char *herder_statuses_text(herder_t *h, size_t *len)
{
        buf_t b;
        connector_t *c;
        int r, first = 1;

        if (h->dist)
                return NULL;
        buf_init(&b, 0);
        r = buf_putc(&b, '{');
        pthread_mutex_lock(&h->lock);
        conn_reap_locked(h);
        for (c = h->conns; c && !r; c = c->next) {
                if (c->deleted)
                        continue;
                r |= (first ? 0 : buf_putc(&b, ','));
                first = 0;
                r |= buf_json_string(&b, c->name, strlen(c->name));
                r |= buf_puts(&b, ":{\"status\":");
                r |= status_text_locked(&b, c);
                r |= buf_putc(&b, '}');
        }
        pthread_mutex_unlock(&h->lock);
        r |= buf_putc(&b, '}');
        if (r) {
                buf_free(&b);
                return NULL;
        }
        *len = b.len;
        return b.data;
}

/* Distributed mode: the statuses every worker wrote to the status
 * topic, with this worker's own items taken from memory (fresher). */
typedef struct st_collect {
        const char *name;
        json_t *conn;   /* the connector's state object, or NULL */
        json_t *tasks;  /* "id" -> state object */
} st_collect_t;

static int st_collect_cb(void *opaque, const char *connector, int task,
                         const char *state, const char *trace,
                         const char *worker_id, int generation)
{
        st_collect_t *sc = opaque;
        char key[32];

        (void)generation;
        if (strcmp(connector, sc->name))
                return 0;
        if (task < 0) {
                json_decref(sc->conn);
                sc->conn = state_obj(state, trace, worker_id ?: "", -1);
        } else {
                snprintf(key, sizeof(key), "%d", task);
                json_object_set_new(sc->tasks, key,
                                    state_obj(state, trace, worker_id ?: "",
                                              task));
        }
        return 0;
}

/* c's status in a cluster (h->lock held; sc collected before). */
static json_t *dist_status_locked(const connector_t *c, st_collect_t *sc)
{
        json_t *tasks = json_array(), *conn;
        int i, ncfg = (int)json_array_size(c->task_configs);
        char key[32];

        if (c->own_conn)
                conn = state_obj(c->state, c->trace, c->h->worker_id, -1);
        else if (sc->conn)
                conn = json_incref(sc->conn);
        else
                conn = state_obj("UNASSIGNED", NULL, "", -1);
        for (i = 0; i < ncfg; i++) {
                const task_t *t = i < c->ntasks ? c->tasks[i] : NULL;
                json_t *o;
                snprintf(key, sizeof(key), "%d", i);
                if (t)
                        o = state_obj(t->state, t->trace, c->h->worker_id, i);
                else if ((o = json_object_get(sc->tasks, key)))
                        json_incref(o);
                else
                        o = state_obj("UNASSIGNED", NULL, "", i);
                json_array_append_new(tasks, o);
        }
        return json_pack("{s:s, s:o, s:o, s:s}", "name", c->name, "connector",
                         conn, "tasks", tasks, "type", conn_type(c));
}

static json_t *dist_status(herder_t *h, const char *name, int task)
{
        st_collect_t sc = { name, NULL, json_object() };
        json_t *r = NULL;
        connector_t *c;
        char err[256];

        /* The status store is read without h->lock held. */
        if (status_store_each(h->ss, st_collect_cb, &sc, err, sizeof(err)))
                LOG_WARN(lg(), "statuses not read: %s", err);
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        if (c)
                r = dist_status_locked(c, &sc);
        pthread_mutex_unlock(&h->lock);
        json_decref(sc.conn);
        json_decref(sc.tasks);
        if (r && task >= 0) {
                json_t *t = json_incref(json_array_get(
                        json_object_get(r, "tasks"), (size_t)task));
                json_decref(r);
                r = t;
        }
        return r;
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
        pthread_mutex_init(&h->write_lock, NULL);
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
        if (conn_find_locked(h, name))
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

void herder_set_dist(herder_t *h, struct dist *d)
{
        h->dist = d;
        h->dist_mine = json_pack("{s:[],s:{}}", "connectors", "tasks");
        h->dist_targets = json_object();
}

int herder_start(herder_t *h, char *errstr, size_t errstr_size)
{
        if (h->dist) {
                /* The view comes from the config topic, the work from the
                 * cluster's assignments. */
                if (dist_start(h->dist, h, errstr, errstr_size))
                        return -1;
        } else if (config_store_connector_each(h->cs, restore_cb, h, errstr,
                                               errstr_size)) {
                return -1;
        }
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
                conn_wake_locked(c);
        pthread_mutex_unlock(&h->lock);
        /* The connectors' jobs stop their tasks in parallel. */
        pthread_mutex_lock(&h->lock);
        for (c = h->conns; c; c = c->next)
                while (!c->finished)
                        pthread_cond_wait(&h->cond, &h->lock);
        conn_free_all_locked(h);
        pthread_mutex_unlock(&h->lock);
}

void herder_destroy(herder_t *h)
{
        if (!h)
                return;
        json_decref(h->props);
        json_decref(h->dist_mine);
        json_decref(h->dist_targets);
        free(h->worker_id);
        pthread_mutex_destroy(&h->lock);
        pthread_mutex_destroy(&h->write_lock);
        pthread_cond_destroy(&h->cond);
        free(h);
}

herder_err_t herder_route(herder_t *h, herder_route_t kind, const char *name,
                          int task, char **url, char *errstr, size_t n)
{
        connector_t *c;
        int here = 0, known;

        *url = NULL;
        if (!h->dist || kind == HERDER_ROUTE_HERE)
                return HERDER_OK;
        if (kind == HERDER_ROUTE_LEADER) {
                if (dist_is_leader(h->dist))
                        return HERDER_OK;
                *url = dist_leader_url(h->dist);
                if (*url)
                        return HERDER_OK;
                snprintf(errstr, n, "Cannot complete request momentarily due "
                         "to no known leader URL, likely because a rebalance "
                         "was underway.");
                return HERDER_CONFLICT;
        }
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        /* Unknown connector or task: the handler answers 404 here. */
        known = c && (task < 0 ||
                      (size_t)task < json_array_size(c->task_configs));
        if (c && task < 0)
                here = c->own_conn;
        else if (c && task < c->ntasks)
                here = c->tasks[task] != NULL;
        pthread_mutex_unlock(&h->lock);
        if (!known || here)
                return HERDER_OK;
        *url = dist_owner_url(h->dist, name, task);
        if (*url && !strcmp(*url, dist_url(h->dist))) {
                free(*url);     /* ours, just not started yet */
                *url = NULL;
                return HERDER_OK;
        }
        if (!*url) {
                snprintf(errstr, n, "Cannot complete request because of a "
                         "conflicting operation (e.g. worker rebalance)");
                return HERDER_CONFLICT;
        }
        return HERDER_OK;
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

/* ------------------------------------------------------------------ */
/* Distributed mode: writes go to the config topic (REST has forwarded
 * what only the leader may write); the view follows when the topic is
 * read back.                                                           */

static const char NOT_LEADER[] =
        "Cannot complete request momentarily due to no known leader URL, "
        "likely because a rebalance was underway.";
static const char STALE_CONFIG[] =
        "Cannot complete request momentarily due to stale configuration "
        "(typically caused by a concurrent config change)";
static const char CONFLICTING[] =
        "Cannot complete request because of a conflicting operation (e.g. "
        "worker rebalance)";

static herder_err_t dist_put_config(herder_t *h, const char *name,
                                    const json_t *config,
                                    const char *target_state,
                                    int allow_update, const json_t *expected,
                                    int *created, json_t **info_out,
                                    char *errstr, size_t errstr_size)
{
        herder_err_t rc = HERDER_ERROR;
        const connectd_connector_desc_t *d;
        connector_t *c;
        int exists;

        if (!dist_is_leader(h->dist)) {
                snprintf(errstr, errstr_size, "%s", NOT_LEADER);
                return HERDER_CONFLICT;
        }
        /* One writer at a time: check and write are one step. */
        pthread_mutex_lock(&h->write_lock);
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        exists = c != NULL;
        if (c && !allow_update) {
                snprintf(errstr, errstr_size, "Connector %s already exists",
                         name);
                rc = HERDER_EXISTS;
        } else if (expected && !c) {
                snprintf(errstr, errstr_size, "Connector %s not found", name);
                rc = HERDER_NOT_FOUND;
        } else if (expected && !json_equal(c->config, (json_t *)expected)) {
                snprintf(errstr, errstr_size, "The config of connector %s "
                         "changed during the request; try again", name);
                rc = HERDER_CONFLICT;
        } else {
                rc = HERDER_OK;
        }
        pthread_mutex_unlock(&h->lock);
        if (rc != HERDER_OK)
                goto out;
        /* A new connector's initial state goes first (as Java writes it);
         * an update keeps the target state. */
        if (config_store_connector_put(h->cs, name, config,
                                       exists ? NULL : target_state, errstr,
                                       errstr_size)) {
                rc = HERDER_ERROR;
                goto out;
        }
        *created = !exists;
        LOG_INFO(lg(), "Connector %s %s", name, exists ? "updated" :
                 "created");
        if (info_out) {
                json_t *tasks = NULL;
                pthread_mutex_lock(&h->lock);
                c = conn_find_locked(h, name);
                if (c && json_equal(c->config, (json_t *)config))
                        *info_out = info_locked(c);
                else
                        c = NULL;
                pthread_mutex_unlock(&h->lock);
                if (!c) {
                        /* Written and read back by the store; the herder's
                         * view is a moment behind. */
                        d = plugins_find_for_config(config);
                        tasks = json_array();
                        *info_out = json_pack(
                                "{s:s, s:O, s:o, s:s}", "name", name,
                                "config", config, "tasks", tasks, "type",
                                !d ? "unknown" : d->type == CONNECTD_SINK ?
                                "sink" : "source");
                }
        }
out:
        pthread_mutex_unlock(&h->write_lock);
        return rc;
}

static herder_err_t dist_delete(herder_t *h, const char *name, char *errstr,
                                size_t errstr_size)
{
        herder_err_t rc = HERDER_OK;
        connector_t *c;
        int ntasks = 0, i;
        char err[256];

        if (!dist_is_leader(h->dist)) {
                snprintf(errstr, errstr_size, "%s", NOT_LEADER);
                return HERDER_CONFLICT;
        }
        pthread_mutex_lock(&h->write_lock);
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        if (c)
                ntasks = (int)json_array_size(c->task_configs);
        pthread_mutex_unlock(&h->lock);
        if (!c) {
                snprintf(errstr, errstr_size, "Connector %s not found", name);
                rc = HERDER_NOT_FOUND;
        } else if (config_store_connector_delete(h->cs, name, errstr,
                                                 errstr_size)) {
                rc = HERDER_ERROR;
        } else {
                /* Gone from the config: its statuses go too (tasks, then
                 * the connector), as Java's leader does: every task
                 * status the topic holds (a stopped connector has no task
                 * configs left, its tasks' statuses remain), and every
                 * task of the current configs. */
                st_collect_t sc = { name, NULL, json_object() };
                const char *key;
                json_t *v;
                char id[32];

                if (status_store_each(h->ss, st_collect_cb, &sc, err,
                                      sizeof(err)))
                        LOG_WARN(lg(), "statuses not read: %s", err);
                for (i = 0; i < ntasks; i++) {
                        snprintf(id, sizeof(id), "%d", i);
                        json_object_set_new(sc.tasks, id, json_null());
                }
                json_object_foreach(sc.tasks, key, v)
                        if (status_store_remove(h->ss, name, atoi(key), err,
                                                sizeof(err)))
                                LOG_WARN(lg(), "status not removed: %s", err);
                json_decref(sc.conn);
                json_decref(sc.tasks);
                if (status_store_remove(h->ss, name, -1, err, sizeof(err)))
                        LOG_WARN(lg(), "status not removed: %s", err);
                LOG_INFO(lg(), "Connector %s deleted", name);
        }
        pthread_mutex_unlock(&h->write_lock);
        return rc;
}

static herder_err_t dist_set_target(herder_t *h, const char *name,
                                    target_t t, char *errstr, size_t n)
{
        herder_err_t rc = HERDER_OK;
        int known;

        /* Stopping is the leader's (it writes the empty task set too);
         * pause and resume may be written by any worker. */
        if (t == TARGET_STOPPED && !dist_is_leader(h->dist)) {
                snprintf(errstr, n, "%s", NOT_LEADER);
                return HERDER_CONFLICT;
        }
        pthread_mutex_lock(&h->lock);
        known = conn_find_locked(h, name) != NULL;
        pthread_mutex_unlock(&h->lock);
        if (!known) {
                snprintf(errstr, n, "Unknown connector %s", name);
                return HERDER_NOT_FOUND;
        }
        if (config_store_target_put(h->cs, name, target_name(t), errstr, n))
                rc = HERDER_ERROR;
        return rc;
}

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

        if (h->dist)
                return dist_put_config(h, name, config, target_state,
                                       allow_update, expected, created,
                                       info_out, errstr, errstr_size);
        txt = json_dumps(config, JSON_COMPACT);
        if (!txt) {
                snprintf(errstr, errstr_size, "config is not serializable");
                return HERDER_ERROR;
        }
        pthread_mutex_lock(&h->lock);
        conn_reap_locked(h);
        c = conn_find_locked(h, name);
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
                c->desc = plugins_find_for_config(config);
                conn_wake_locked(c);
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
                                 "could not schedule the connector");
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

        if (h->dist)
                return dist_delete(h, name, errstr, errstr_size);
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        if (!c) {
                snprintf(errstr, errstr_size, "Connector %s not found", name);
                rc = HERDER_NOT_FOUND;
        } else if (config_store_connector_delete(h->cs, name, errstr,
                                                 errstr_size)) {
                rc = HERDER_ERROR;
        } else {
                c->deleted = 1;
                conn_wake_locked(c);
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
        conn_reap_locked(h);
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
        c = conn_find_locked(h, name);
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
        if (h->dist)
                return dist_status(h, name, -1);
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

        if (h->dist)
                return task >= 0 ? dist_status(h, name, task) : NULL;
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
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

        if (h->dist)
                return dist_set_target(h, name, t, errstr, n);
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        if (!c) {
                snprintf(errstr, n, "Unknown connector %s", name);
                rc = HERDER_NOT_FOUND;
        } else if (config_store_target_put(h->cs, name, target_name(t),
                                           errstr, n)) {
                rc = HERDER_ERROR;
        } else {
                c->target = t;
                conn_wake_locked(c);
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

/* A restart in a cluster: the leader writes restart-connector-NAME and
 * every worker restarts what it runs of the connector when it reads it.
 * The answer shows the plan, as Java's does. */
static herder_err_t dist_restart(herder_t *h, const char *name,
                                 int include_tasks, int only_failed,
                                 json_t **status_out, char *errstr, size_t n)
{
        json_t *st, *o;
        size_t i;

        if (status_out)
                *status_out = NULL;
        if (!dist_is_leader(h->dist)) {
                snprintf(errstr, n, "%s", NOT_LEADER);
                return HERDER_CONFLICT;
        }
        if (dist_rebalance_pending(h->dist)) {
                snprintf(errstr, n, "%s", STALE_CONFIG);
                return HERDER_CONFLICT;
        }
        st = dist_status(h, name, -1);
        if (!st) {
                snprintf(errstr, n, "Unknown connector: %s", name);
                return HERDER_NOT_FOUND;
        }
        if (kafka_config_store_restart(h->cs, name, include_tasks, only_failed,
                                       errstr, n)) {
                json_decref(st);
                return HERDER_ERROR;
        }
        if (!include_tasks && !only_failed) {
                json_decref(st);
                return HERDER_OK;
        }
        o = json_object_get(st, "connector");
        if (!only_failed || !strcmp(json_string_value(json_object_get(
                                            o, "state")) ?: "", "FAILED")) {
                json_object_set_new(o, "state", json_string("RESTARTING"));
                json_object_del(o, "trace");
        }
        json_array_foreach(json_object_get(st, "tasks"), i, o) {
                if (!include_tasks ||
                    (only_failed && strcmp(json_string_value(json_object_get(
                                           o, "state")) ?: "", "FAILED")))
                        continue;
                json_object_set_new(o, "state", json_string("RESTARTING"));
                json_object_del(o, "trace");
        }
        if (status_out)
                *status_out = st;
        else
                json_decref(st);
        return HERDER_OK;
}

herder_err_t herder_restart(herder_t *h, const char *name, int include_tasks,
                            int only_failed, json_t **status_out,
                            char *errstr, size_t n)
{
        connector_t *c;
        int i, conn_restart;

        if (h->dist)
                return dist_restart(h, name, include_tasks, only_failed,
                                    status_out, errstr, n);
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        if (!c) {
                pthread_mutex_unlock(&h->lock);
                snprintf(errstr, n, "Unknown connector: %s", name);
                return HERDER_NOT_FOUND;
        }
        if (!include_tasks && !only_failed) {
                /* Visible at once, so a client polling /status after the
                 * 204 sees the restart before it sees RUNNING again. */
                conn_set_state_locked(c, "RESTARTING", NULL);
                c->restart_conn = 1;
                conn_wake_locked(c);
                if (status_out)
                        *status_out = NULL;
                pthread_mutex_unlock(&h->lock);
                return HERDER_OK;
        }
        conn_restart = !only_failed || !strcmp(c->state, "FAILED");
        if (conn_restart) {
                conn_set_state_locked(c, "RESTARTING", NULL);
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
                        if (conn_queue_task_restart_locked(c, t->id)) {
                                pthread_mutex_unlock(&h->lock);
                                snprintf(errstr, n, "out of memory");
                                return HERDER_ERROR;
                        }
                }
        }
        if (status_out)
                *status_out = status_locked(c);
        conn_wake_locked(c);
        pthread_mutex_unlock(&h->lock);
        return HERDER_OK;
}

herder_err_t herder_task_restart(herder_t *h, const char *name, int task,
                                 char *errstr, size_t n)
{
        connector_t *c;

        if (h->dist) {
                herder_err_t rc = HERDER_OK;
                task_t *t;
                pthread_mutex_lock(&h->lock);
                c = conn_find_locked(h, name);
                t = c && task >= 0 && task < c->ntasks ? c->tasks[task] : NULL;
                if (!c || task < 0 ||
                    (size_t)task >= json_array_size(c->task_configs)) {
                        snprintf(errstr, n, "Task %s-%d not found", name,
                                 task);
                        rc = HERDER_NOT_FOUND;
                } else if (!t) {
                        /* Runs elsewhere, or nowhere yet: REST forwards
                         * to the owner; a race with a rebalance ends
                         * here. */
                        snprintf(errstr, n, "%s", CONFLICTING);
                        rc = HERDER_CONFLICT;
                } else if (conn_queue_task_restart_locked(c, task)) {
                        snprintf(errstr, n, "out of memory");
                        rc = HERDER_ERROR;
                } else {
                        snprintf(t->state, sizeof(t->state), "RESTARTING");
                        free(t->trace);
                        t->trace = NULL;
                        conn_wake_locked(c);
                }
                pthread_mutex_unlock(&h->lock);
                return rc;
        }
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        /* The task configs decide, as in Connect, not the task threads:
         * right after a config update the tasks are being started again
         * and the restart applies to the new ones. */
        if (!c || task < 0 ||
            (size_t)task >= json_array_size(c->task_configs)) {
                pthread_mutex_unlock(&h->lock);
                snprintf(errstr, n, "Task %s-%d not found", name, task);
                return HERDER_NOT_FOUND;
        }
        if (conn_queue_task_restart_locked(c, task)) {
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
        conn_wake_locked(c);
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
        c = conn_find_locked(h, name);
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
        c = conn_find_locked(h, name);
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
        c = conn_find_locked(h, name);
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
        /* In a cluster other workers commit too: read up to now. */
        if (offset_store_sync(h->os, errstr, n))
                return HERDER_ERROR;
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
                c = conn_find_locked(h, name);
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
        connector_t *c = conn_find_locked(h, name);

        /* In a cluster the connector may be another worker's: the config
         * topic decides (stopped, and no task configs), as in Java. */
        if (h->dist)
                return c && c->target == TARGET_STOPPED &&
                       json_array_size(c->task_configs) == 0;

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

        if (h->dist && dist_rebalance_pending(h->dist)) {
                snprintf(errstr, n, "%s", STALE_CONFIG);
                return HERDER_CONFLICT;
        }
        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        stopped = c && still_stopped_locked(h, name);
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
