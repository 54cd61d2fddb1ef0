/*
 * status_store — last known states of connectors and tasks: a SQLite file
 * (standalone) or Connect's status topic (distributed, where every worker
 * sees every worker's statuses).
 *
 * task = -1 means the connector itself. worker_id is the advertised
 * host:port; generation the writer's group generation (0 standalone).
 * A safe put follows Java's putSafe: it is dropped if the cached status
 * of the key is another worker's with a higher generation.
 */
#ifndef CONNECTD_STATUS_STORE_H
#define CONNECTD_STATUS_STORE_H

#include <stddef.h>

typedef struct status_store status_store_t;

typedef int (*status_store_cb)(void *opaque, const char *connector, int task,
                               const char *state, const char *trace,
                               const char *worker_id, int generation);

struct status_store_ops {
        int (*put)(status_store_t *ss, const char *connector, int task,
                   const char *state, const char *trace,
                   const char *worker_id, int generation, int safe,
                   char *errstr, size_t errstr_size);
        /* The status is gone (Java's DESTROYED: a tombstone). */
        int (*remove)(status_store_t *ss, const char *connector, int task,
                      char *errstr, size_t errstr_size);
        /* Every known status (connectors and tasks). */
        int (*each)(status_store_t *ss, status_store_cb cb, void *opaque,
                    char *errstr, size_t errstr_size);
        void (*close)(status_store_t *ss);
};

struct status_store {
        const struct status_store_ops *ops;
};

static inline int status_store_put(status_store_t *ss, const char *connector,
                                   int task, const char *state,
                                   const char *trace, const char *worker_id,
                                   int generation, int safe, char *e,
                                   size_t n)
{
        return ss->ops->put(ss, connector, task, state, trace, worker_id,
                            generation, safe, e, n);
}
static inline int status_store_remove(status_store_t *ss,
                                      const char *connector, int task,
                                      char *e, size_t n)
{
        return ss->ops->remove(ss, connector, task, e, n);
}
static inline int status_store_each(status_store_t *ss, status_store_cb cb,
                                    void *opaque, char *e, size_t n)
{
        return ss->ops->each(ss, cb, opaque, e, n);
}
static inline void status_store_close(status_store_t *ss)
{
        if (ss)
                ss->ops->close(ss);
}

#endif
