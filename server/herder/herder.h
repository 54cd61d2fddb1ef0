/*
 * herder — the one owner of connector state.
 *
 * REST handlers call these functions; each takes the herder lock briefly,
 * writes the change to the store (durable first), records the new desired
 * state and wakes the connector's own thread, which does the slow work
 * (plugin start/stop, task threads) without the lock. No function here ever
 * waits on plugin code while holding the lock, so a connector whose start()
 * hangs cannot slow any REST call.
 *
 * JSON results follow the Kafka Connect REST entities (spec section 3);
 * the caller owns every returned json_t.
 */
#ifndef CONNECTD_HERDER_H
#define CONNECTD_HERDER_H

#include <stddef.h>
#include <jansson.h>

typedef struct herder herder_t;
struct config_store;
struct offset_store;
struct status_store;
struct kafka;

/* Every call below that returns a herder_err_t and takes an `errstr`
 * writes a sentence there for every code other than HERDER_OK (the code,
 * not the text, says whether it failed); on HERDER_OK it leaves errstr
 * alone. */
typedef enum {
        HERDER_OK = 0,
        HERDER_NOT_FOUND,     /* 404 */
        HERDER_EXISTS,        /* 409 */
        HERDER_BAD_REQUEST,   /* 400 */
        HERDER_FORBIDDEN,     /* 403 */
        HERDER_CONFLICT,      /* 409: changed concurrently */
        HERDER_ERROR          /* 500 */
} herder_err_t;

/* The herder uses the stores but does not own them (the caller closes
 * them after herder_free). */
herder_t *herder_new(struct config_store *cs, struct offset_store *os,
                     struct status_store *ss, struct kafka *kf,
                     const json_t *worker_props, const char *worker_id,
                     char *errstr, size_t errstr_size);
/* Distributed mode (before herder_start): the view and the work follow
 * the cluster (server/herder/distributed.h), not a local file. */
struct dist;
void herder_set_dist(herder_t *h, struct dist *d);

/* Where a request must be served (distributed spec, section 5.1): here,
 * at the leader, or at the worker running the connector (task < 0) or
 * one of its tasks. */
typedef enum {
        HERDER_ROUTE_HERE = 0,
        HERDER_ROUTE_LEADER,
        HERDER_ROUTE_OWNER
} herder_route_t;
/* *url: NULL to serve here (always so standalone), else the base URL of
 * the worker to forward to (malloc'd). HERDER_CONFLICT with Java's 409
 * text when that worker is unknown right now (a rebalance). */
herder_err_t herder_route(herder_t *h, herder_route_t kind, const char *name,
                          int task, char **url, char *errstr, size_t n);

/* Bring back every stored connector in its target state. */
int herder_start(herder_t *h, char *errstr, size_t errstr_size);
/* Stop all connectors and tasks, flush producers and commit offsets, all
 * within one graceful timeout (task.shutdown.graceful.timeout.ms) counted
 * from this call. */
void herder_stop(herder_t *h);
void herder_destroy(herder_t *h);
/* Task threads that have not returned yet (after herder_stop: the
 * abandoned ones, whose plugin call never came back). */
int herder_live_tasks(herder_t *h);

const char *herder_worker_id(const herder_t *h);
const char *herder_kafka_cluster_id(const herder_t *h);
/* 1 once herder_start finished; 0 while starting; -1 if the herder thread
 * is stuck (lock not obtainable within a short timeout). */
int herder_health(herder_t *h);

/* Create or replace. `config` is an already validated JSON object of
 * strings including "name". target_state: "STARTED", "PAUSED", "STOPPED"
 * or NULL (none given: STARTED)
 * (only used on creation; an update keeps the current one). allow_update=0
 * (POST) gives HERDER_EXISTS for an existing name. *created says which it
 * was. On success *info_out (if non-NULL) gets the ConnectorInfo, after
 * waiting a bounded moment (without the lock) for task configs. */
herder_err_t herder_connector_put(herder_t *h, const char *name,
                                  const json_t *config,
                                  const char *target_state, int allow_update,
                                  int *created, json_t **info_out,
                                  char *errstr, size_t errstr_size);
/* PATCH's compare-and-set: replace the config of an existing connector
 * only if it still equals `expected` (HERDER_CONFLICT otherwise,
 * HERDER_NOT_FOUND if it is gone, so a concurrent DELETE is never undone). */
herder_err_t herder_connector_update_if(herder_t *h, const char *name,
                                        const json_t *expected,
                                        const json_t *config,
                                        json_t **info_out, char *errstr,
                                        size_t errstr_size);
herder_err_t herder_connector_delete(herder_t *h, const char *name,
                                     char *errstr, size_t errstr_size);

json_t *herder_connector_names(herder_t *h);           /* array */
json_t *herder_connector_info(herder_t *h, const char *name);   /* or NULL */
json_t *herder_connector_config(herder_t *h, const char *name); /* or NULL */
json_t *herder_connector_status(herder_t *h, const char *name); /* or NULL */
/* GET /connectors?expand=status as JSON text, written in one pass under
 * the lock (10,000 connectors in milliseconds, where a tree of them took
 * a tenth of a second): a malloc'd string and its length in *len, or NULL
 * in distributed mode or when out of memory (build it the other way). */
char *herder_statuses_text(herder_t *h, size_t *len);
/* NULL if the connector or the task is unknown; a task in the task
 * configs that is not running right now (being started again after a
 * config update) is UNASSIGNED. */
json_t *herder_task_status(herder_t *h, const char *name, int task);
json_t *herder_tasks(herder_t *h, const char *name);   /* TaskInfo array */
json_t *herder_tasks_config(herder_t *h, const char *name); /* {"X-0":{}} */

herder_err_t herder_pause(herder_t *h, const char *name, char *errstr, size_t n);
herder_err_t herder_resume(herder_t *h, const char *name, char *errstr, size_t n);
herder_err_t herder_stop_connector(herder_t *h, const char *name, char *errstr, size_t n);
/* include_tasks/only_failed as in Connect. *status_out (may be NULL) gets
 * the ConnectorStateInfo computed before the restart (202 form). */
herder_err_t herder_restart(herder_t *h, const char *name, int include_tasks,
                            int only_failed, json_t **status_out,
                            char *errstr, size_t n);
/* HERDER_NOT_FOUND unless `task` is in the connector's task configs (as
 * the latest ConnectorInfo lists them), whether or not its thread runs at
 * this instant. */
herder_err_t herder_task_restart(herder_t *h, const char *name, int task,
                                 char *errstr, size_t n);

/* {"name":{"topics":[...]}} */
json_t *herder_topics(herder_t *h, const char *name);
herder_err_t herder_topics_reset(herder_t *h, const char *name, char *errstr, size_t n);

/* Offsets (spec section 7). */
herder_err_t herder_offsets_get(herder_t *h, const char *name, json_t **out,
                                char *errstr, size_t n);
/* offsets: the parsed "offsets" array of a PATCH body; NULL = reset all.
 * On HERDER_OK, msg receives the success Message text for the answer (and
 * errstr is left alone); on any other code, errstr receives the reason
 * (and msg is left alone). */
herder_err_t herder_offsets_modify(herder_t *h, const char *name,
                                   const json_t *offsets, char *msg,
                                   size_t msg_size, char *errstr, size_t n);

#endif
