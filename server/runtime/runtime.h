/*
 * runtime.h — connector and task internals shared by the herder
 * (server/herder: REST-facing state), connector.c (the connector list and
 * the connector threads), runner.c (task threads) and host.c (the plugin
 * host table). Another herder reuses the same runtime through the calls
 * declared here.
 *
 * Locking: h->lock guards the connector list, every connector's desired
 * state and every status field below marked (H). A task's own mutex guards
 * only its wake-up flags (T). Plugin code is never called with h->lock held.
 */
#ifndef CONNECTD_RUNTIME_H
#define CONNECTD_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <jansson.h>

#include "connect/plugin.h"
#include "herder.h"
#include "kafka.h"
#include "log.h"
#include "config_store.h"
#include "offset_store.h"
#include "status_store.h"
#include "metrics.h"

typedef struct connector connector_t;
typedef struct task task_t;
typedef struct conn_run conn_run_t;

/* What a plugin's ctx handle points at. */
struct connectd_ctx {
        connector_t *conn;
        task_t *task;   /* NULL for the connector itself */
        logger_t *lg;   /* logger named after the connector class */
};

struct task {
        connector_t *conn;    /* only valid while !abandoned */
        herder_t *h;
        int id;
        char *conn_name;      /* own copy: survives the connector */
        json_t *config;       /* task config (own reference); the task
                               * thread swaps in the resolved copy (config
                               * providers) before it starts the plugin */
        json_t *conn_config;  /* connector config at task creation; the
                               * same */
        /* The raw configs, as stored (references, not their values):
         * immutable, what the connector thread compares. */
        json_t *raw_config;
        json_t *raw_conn_config;
        const connectd_connector_desc_t *desc;
        struct connectd_ctx ctx;

        pthread_t thread;
        atomic_int refcnt;    /* connector's reference + thread's */

        pthread_mutex_t mtx;  /* (T) */
        pthread_cond_t cond;  /* (T) signalled on any flag change */
        atomic_int stop;      /* asked to stop */
        atomic_int paused;    /* asked to pause */
        atomic_int paused_ack; /* the thread is parked in its pause */
        atomic_int finished;  /* the thread has left its loop for good */
        atomic_int abandoned; /* stop timed out: the thread cleans up alone */
        /* When the stop must be over (CLOCK_REALTIME ms; 0: no stop asked
         * yet), so that the task's own last steps (the producer flush,
         * the offset commit) fit in the one graceful timeout. */
        atomic_llong stop_by_ms;
        /* A delivery failed that fails the task: it ends a plugin's
         * host->sleep (a throttled task may sleep for a minute), so the
         * task fails now, not at its next record. */
        atomic_int doomed;
        /* What the thread is doing now (a static string), for the reason
         * given when it has to be abandoned. */
        _Atomic(const char *) doing;

        /* (H) status */
        char state[16];
        char *trace;

        task_metrics_t m;     /* metrics.h: the task thread counts */
};

typedef enum { TARGET_STARTED = 0, TARGET_PAUSED, TARGET_STOPPED } target_t;

struct connector {
        herder_t *h;
        char *name;
        connector_t *next;
        connector_t *same_hash;   /* next in h->index's chain (H) */

        /* (H) desired state, written by REST calls */
        json_t *config;
        target_t target;
        unsigned config_gen;      /* bumped by every config put */
        int restart_conn;         /* restart the connector instance */
        int *task_restarts;       /* task ids to restart (no duplicates) */
        int ntask_restarts;
        int deleted;
        int dirty;                /* something above changed */
        int scheduled;            /* its job is queued or running on the
                                   * shared pool (pool.h) */
        pthread_cond_t cond;      /* wakes its plugin's host->sleep */

        /* (H) observed state, written by the connector thread */
        char state[16];
        char *trace;
        const connectd_connector_desc_t *desc; /* NULL: class unknown */
        json_t *task_configs;     /* array; NULL until generated */
        unsigned tasks_gen;       /* bumped when task_configs change */
        task_t **tasks;           /* running task threads */
        int ntasks;
        json_t *topics;           /* active topics: object used as a set */
        int finished;             /* the thread has exited */

        /* (H) distributed mode only: this worker's share of the connector
         * (from the assignment), and what it runs or is busy starting or
         * stopping (what it acknowledges). task_configs then are the
         * config topic's, and tasks[] has NULL slots for tasks that run
         * on other workers. */
        int own_conn;             /* run the connector instance here */
        json_t *own_tasks;        /* array of task ids to run here */
        int inst_running;         /* the instance is started (or starting) */
        json_t *busy;             /* task ids being started or stopped */

        conn_run_t *run;          /* the reconcile job's own state */
};

struct herder {
        config_store_t *cs;
        offset_store_t *os;
        status_store_t *ss;
        kafka_t *kf;
        json_t *props;
        char *worker_id;
        long long graceful_ms;
        long long flush_interval_ms;
        long long flush_timeout_ms;
        int topic_tracking;
        int topic_tracking_reset;
        atomic_uint topics_gen;   /* bumped by a topics reset */
        atomic_int live_tasks;    /* task threads not yet returned */

        pthread_mutex_t lock;
        pthread_cond_t cond;      /* broadcast when task configs appear */
        connector_t *conns;       /* includes deleted ones until reaped */
        /* The same connectors by name (connector.c): a lookup must not
         * walk ten thousand of them. */
        connector_t **index;
        size_t index_size, index_count;
        int started;
        int stopping;
        struct timespec stop_by; /* the worker's stop deadline (stopping) */

        /* Distributed mode (NULL/unused standalone). */
        struct dist *dist;
        pthread_mutex_t write_lock; /* one config write at a time (leader) */
        json_t *dist_mine;        /* (H) this worker's items, assigned */
        json_t *dist_targets;     /* (H) target states as the topic says */
        atomic_int generation;    /* statuses are written with it */
};

/* CLOCK_REALTIME time `ms` from now, for pthread_cond_timedwait. */
static inline void deadline_in(struct timespec *ts, long long ms)
{
        clock_gettime(CLOCK_REALTIME, ts);
        ts->tv_sec += ms / 1000;
        ts->tv_nsec += (ms % 1000) * 1000000L;
        if (ts->tv_nsec >= 1000000000L) {
                ts->tv_sec++;
                ts->tv_nsec -= 1000000000L;
        }
}

/* runner.c */
/* Starts task `id` of c running plugin `desc` (the connector instance's,
 * which may differ from c->desc while a class change is pending), paused
 * from its first instant if `paused` (it starts, then waits before its
 * first poll). Never NULL but on OOM; a thread that cannot start leaves
 * the task FAILED. */
task_t *runner_task_start(herder_t *h, connector_t *c,
                          const connectd_connector_desc_t *desc,
                          const json_t *conn_config, int id,
                          json_t *task_config, int paused);
/* Ask to stop, to be done by `deadline` (CLOCK_REALTIME); does not wait.
 * The first deadline given stays. */
void runner_task_request_stop(task_t *t, const struct timespec *deadline);
/* Ask to stop; wait up to the graceful timeout. Returns 0 when the thread
 * ended (or was abandoned before), -1 when it is abandoned now (status
 * FAILED with the reason). The caller keeps its reference. */
int runner_task_stop(task_t *t);
/* The same with an absolute deadline (CLOCK_REALTIME), so that stopping
 * several tasks costs one graceful timeout in all, not one each. */
int runner_task_stop_until(task_t *t, const struct timespec *deadline);
/* Set or clear the pause request; does not wait. */
void runner_task_pause(task_t *t, int paused);
/* Wait up to the graceful timeout for a pause to be acknowledged; a task
 * that does not is abandoned (FAILED). 0 or -1. */
int runner_task_wait_paused(task_t *t);
int runner_task_wait_paused_until(task_t *t, const struct timespec *deadline);
void task_release(task_t *t);
/* Task thread, before anything else: t->config and t->conn_config become
 * the resolved copies (config providers). 0, or -1 with the provider's
 * message. */
int runtime_task_resolve(task_t *t, char *errstr, size_t errstr_size);

/* connector.c: the connector list (h->lock held). */
connector_t *conn_find_locked(herder_t *h, const char *name);
/* Creates the in-memory connector and starts its thread; takes its own
 * reference to config. NULL on failure. */
connector_t *conn_new_locked(herder_t *h, const char *name, json_t *config,
                             target_t target);
/* Marks the desired state changed and wakes the connector's thread. */
void conn_wake_locked(connector_t *c);
/* Joins and frees deleted connectors whose thread has finished. */
void conn_reap_locked(herder_t *h);
/* Frees every connector (their threads have finished) and the index. */
void conn_free_all_locked(herder_t *h);
/* The first connector named `name`, deleted ones included (h->lock
 * held); the next of the same name with conn_next_named_locked. */
connector_t *conn_named_locked(herder_t *h, const char *name);
connector_t *conn_next_named_locked(connector_t *c);
/* Frees a connector whose thread has finished (or never started). */
void conn_free(connector_t *c);
void conn_set_state_locked(connector_t *c, const char *state,
                           const char *trace);
/* Adds a task id to the connector's restart list once. 0 or -1 (OOM). */
int conn_queue_task_restart_locked(connector_t *c, int id);
/* Distributed mode: c's share per h->dist_mine; wakes c if it changed. */
void conn_own_from_assignment_locked(connector_t *c);
/* "STARTED", "PAUSED", "STOPPED" (anything else: STARTED). */
target_t target_parse(const char *s);

/* connector.c helpers used by runner.c and host.c (take h->lock). */
void herder_task_set_state(task_t *t, const char *state, const char *trace);
void herder_topic_seen(task_t *t, const char *topic);
/* Offsets committed by a source task (one transaction). */
int herder_offsets_commit(task_t *t, json_t *offsets /* partition->offset */);

const char *target_name(target_t t);

#endif
