/*
 * distributed_view — how a distributed worker's herder follows the
 * cluster: the connectors, target states and task configs the config
 * topic holds become the herder's connectors (on every worker), and the
 * assignment decides which of them this worker runs. Called by
 * distributed.c from the store and dist threads; each call takes h->lock
 * briefly and wakes the connector threads that have something to do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "distributed.h"
#include "plugins.h"
#include "runtime.h"

LOG_MODULE_LOGGER(lg, "connectd.herder")

static int json_int_in(const json_t *arr, int v)
{
        size_t i;
        json_t *o;

        json_array_foreach(arr, i, o)
                if (json_integer_value(o) == v)
                        return 1;
        return 0;
}

static int str_in(const json_t *arr, const char *s)
{
        size_t i;
        json_t *o;

        json_array_foreach(arr, i, o)
                if (json_is_string(o) && !strcmp(json_string_value(o), s))
                        return 1;
        return 0;
}

void herder_dist_connector(herder_t *h, const char *name,
                           const json_t *config)
{
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        if (h->stopping)
                goto out;
        conn_reap_locked(h);
        c = conn_find_locked(h, name);
        if (!config) {
                if (c) {
                        c->deleted = 1;
                        conn_wake_locked(c);
                        LOG_INFO(lg(), "Connector %s deleted", name);
                }
        } else if (c) {
                if (!json_equal(c->config, (json_t *)config)) {
                        json_decref(c->config);
                        c->config = json_deep_copy(config);
                        c->config_gen++;
                        c->desc = plugins_find_for_config(config);
                        conn_wake_locked(c);
                }
        } else {
                json_t *copy = json_deep_copy(config);
                c = conn_new_locked(h, name, copy, target_parse(
                        json_string_value(json_object_get(h->dist_targets,
                                                          name))));
                json_decref(copy);
                if (!c)
                        LOG_ERROR(lg(), "Could not create connector %s",
                                  name);
        }
out:
        pthread_mutex_unlock(&h->lock);
}

void herder_dist_target(herder_t *h, const char *name, const char *target)
{
        connector_t *c;
        target_t t = target_parse(target);

        pthread_mutex_lock(&h->lock);
        if (target)
                json_object_set_new(h->dist_targets, name,
                                    json_string(target));
        else
                json_object_del(h->dist_targets, name);
        c = conn_find_locked(h, name);
        if (c && c->target != t) {
                c->target = t;
                conn_wake_locked(c);
        }
        pthread_mutex_unlock(&h->lock);
}

void herder_dist_tasks(herder_t *h, const char *name, const json_t *tasks)
{
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        if (c && !(tasks && c->task_configs &&
                   json_equal(c->task_configs, (json_t *)tasks))) {
                json_decref(c->task_configs);
                c->task_configs = tasks ? json_deep_copy(tasks) : NULL;
                c->tasks_gen++;
                conn_wake_locked(c);
                pthread_cond_broadcast(&h->cond);
        }
        pthread_mutex_unlock(&h->lock);
}

void herder_dist_restart(herder_t *h, const char *name, int include_tasks,
                         int only_failed)
{
        connector_t *c;
        int i;

        pthread_mutex_lock(&h->lock);
        c = conn_find_locked(h, name);
        if (!c)
                goto out;
        if (c->own_conn && (!only_failed || !strcmp(c->state, "FAILED")))
                c->restart_conn = 1;
        for (i = 0; include_tasks && i < c->ntasks; i++) {
                task_t *t = c->tasks[i];
                if (t && (!only_failed || !strcmp(t->state, "FAILED")))
                        conn_queue_task_restart_locked(c, i);
        }
        conn_wake_locked(c);
out:
        pthread_mutex_unlock(&h->lock);
}

void herder_dist_assign(herder_t *h, const json_t *mine, int generation)
{
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        atomic_store(&h->generation, generation);
        if (!h->stopping) {
                json_decref(h->dist_mine);
                h->dist_mine = json_deep_copy(mine);
                for (c = h->conns; c; c = c->next)
                        if (!c->deleted)
                                conn_own_from_assignment_locked(c);
        }
        pthread_mutex_unlock(&h->lock);
}

json_t *herder_dist_running(herder_t *h)
{
        json_t *out = json_pack("{s:[],s:{}}", "connectors", "tasks");
        json_t *conns = json_object_get(out, "connectors");
        json_t *tasks = json_object_get(out, "tasks");
        connector_t *c;
        int i;

        pthread_mutex_lock(&h->lock);
        for (c = h->conns; c; c = c->next) {
                json_t *ids;
                if (c->inst_running && !str_in(conns, c->name))
                        json_array_append_new(conns, json_string(c->name));
                for (i = 0; i < c->ntasks + (int)json_array_size(c->busy);
                     i++) {
                        int id = i;
                        /* Tasks being started or stopped count as
                         * running: nobody else may start them yet. */
                        if (i >= c->ntasks)
                                id = (int)json_integer_value(json_array_get(
                                        c->busy, (size_t)(i - c->ntasks)));
                        else if (!c->tasks[i])
                                continue;
                        ids = json_object_get(tasks, c->name);
                        if (!ids) {
                                ids = json_array();
                                json_object_set_new(tasks, c->name, ids);
                        }
                        if (!json_int_in(ids, id))
                                json_array_append_new(ids, json_integer(id));
                }
        }
        pthread_mutex_unlock(&h->lock);
        return out;
}

json_t *herder_dist_work(herder_t *h)
{
        json_t *out = json_object();
        connector_t *c;

        pthread_mutex_lock(&h->lock);
        for (c = h->conns; c; c = c->next) {
                int n = 0;
                if (c->deleted)
                        continue;
                if (c->target != TARGET_STOPPED && c->task_configs)
                        n = (int)json_array_size(c->task_configs);
                json_object_set_new(out, c->name, json_integer(n));
        }
        pthread_mutex_unlock(&h->lock);
        return out;
}

