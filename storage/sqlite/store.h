/*
 * store — the worker's durable state in one SQLite file (WAL).
 *
 * Owns: connector configs and target states, task configs, source offsets,
 * last known statuses. Knows nothing of HTTP or Kafka. Every write is one
 * transaction that is durable (synchronous=FULL) when the call returns, so
 * the herder can acknowledge a REST request right after. Status writes are
 * the exception: nobody is answered on them, a worker writes every status
 * afresh when it starts, and 10,000 tasks starting would otherwise wait on
 * 20,000 fsyncs in a row; they commit with synchronous=NORMAL (WAL: safe
 * from a crash of the process, synced with the next durable write).
 *
 * Threads: any; one connection guarded by the store's own mutex.
 * Configs and offsets are passed as JSON text; partitions are compared by
 * their canonical form (keys sorted, compact), which the store computes.
 */
#ifndef CONNECTD_STORE_H
#define CONNECTD_STORE_H

#include <stddef.h>

typedef struct store store_t;

#define STORE_SCHEMA_VERSION 1

/* Opens (creating and migrating as needed). NULL on error with errstr. */
store_t *store_open(const char *path, char *errstr, size_t errstr_size);
void store_close(store_t *st);

/* Connectors. target_state: "STARTED", "PAUSED" or "STOPPED"; NULL in a
 * put keeps the connector's current one (STARTED for a new connector). */
int store_connector_put(store_t *st, const char *name, const char *config_json,
                        const char *target_state, char *errstr,
                        size_t errstr_size);
int store_connector_set_target(store_t *st, const char *name,
                               const char *target_state, char *errstr,
                               size_t errstr_size);
/* Removes config, task configs and statuses; keeps offsets (as Connect). */
int store_connector_delete(store_t *st, const char *name, char *errstr,
                           size_t errstr_size);
typedef int (*store_connector_cb)(void *opaque, const char *name,
                                  const char *config_json,
                                  const char *target_state);
/* Calls cb for every connector in creation order; cb returning non-zero
 * stops the walk. Returns 0 or -1 on error. */
int store_connector_each(store_t *st, store_connector_cb cb, void *opaque,
                         char *errstr, size_t errstr_size);

/* Task configs: replaces the whole set for a connector (n may be 0). */
int store_tasks_put(store_t *st, const char *connector, int n,
                    const char *const *task_config_jsons, char *errstr,
                    size_t errstr_size);
typedef int (*store_task_cb)(void *opaque, const char *connector, int task,
                             const char *config_json);
int store_tasks_each(store_t *st, const char *connector, store_task_cb cb,
                     void *opaque, char *errstr, size_t errstr_size);

/* Source offsets. offset_jsons[i] NULL deletes that partition. One txn. */
int store_offsets_put(store_t *st, const char *connector, int n,
                      const char *const *partition_jsons,
                      const char *const *offset_jsons, char *errstr,
                      size_t errstr_size);
typedef int (*store_offset_cb)(void *opaque, const char *partition_json,
                               const char *offset_json);
int store_offsets_each(store_t *st, const char *connector, store_offset_cb cb,
                       void *opaque, char *errstr, size_t errstr_size);
/* *offset_json: malloc'd copy (caller frees), NULL when absent. Returns 0
 * (found or not) or -1 on error. */
int store_offset_get(store_t *st, const char *connector,
                     const char *partition_json, char **offset_json,
                     char *errstr, size_t errstr_size);
int store_offsets_delete_all(store_t *st, const char *connector, char *errstr,
                             size_t errstr_size);

/* Status. task = -1 for the connector itself. trace may be NULL. */
int store_status_put(store_t *st, const char *connector, int task,
                     const char *state, const char *trace, char *errstr,
                     size_t errstr_size);
/* Removes one status (absent is fine). */
int store_status_remove(store_t *st, const char *connector, int task,
                        char *errstr, size_t errstr_size);
typedef int (*store_status_cb)(void *opaque, const char *connector, int task,
                               const char *state, const char *trace);
int store_status_each(store_t *st, store_status_cb cb, void *opaque,
                      char *errstr, size_t errstr_size);


#endif
