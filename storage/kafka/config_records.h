/*
 * config_records — Connect's config topic without Kafka: the record formats
 * (keys and exact value bytes, as Java's KafkaConfigBackingStore writes
 * them through JsonConverter with schemas disabled), the write sequence of
 * each herder operation, and the reader state machine that turns the
 * records, fed one by one in topic order, into configs, target states and
 * committed task sets. See the distributed spec, section 2.
 *
 * Pure code: no I/O, no threads, no locks. The caller serialises access.
 */
#ifndef CONNECTD_CONFIG_RECORDS_H
#define CONNECTD_CONFIG_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "config_store.h"

/* ---- values (compact JSON, malloc'd; caller frees; NULL on bad input) ---- */

/* {"properties":{...}}: connector-NAME and task-NAME-N. */
char *config_value_properties(const json_t *props);
/* {"tasks":k} */
char *config_value_commit(int k);
/* STARTED/RUNNING {"state":"STARTED","state.v2":"STARTED"}, PAUSED
 * {"state":"PAUSED","state.v2":"PAUSED"}, STOPPED
 * {"state":"PAUSED","state.v2":"STOPPED"}; anything else NULL. */
char *config_value_target(const char *target);
/* {"include-tasks":b,"only-failed":b} */
char *config_value_restart(int include_tasks, int only_failed);
/* {"key":"<base64>","algorithm":"HmacSHA256","creation-timestamp":ms} */
char *config_value_session_key(const char *key_b64, const char *algorithm,
                               int64_t creation_ms);
/* {"task-count":k} */
char *config_value_fencing(int task_count);
/* {"level":"DEBUG"} */
char *config_value_logger(const char *level);

/* ---- keys (malloc'd; caller frees) ---- */
char *config_key_connector(const char *name);
char *config_key_task(const char *name, int id);
char *config_key_commit(const char *name);
char *config_key_target(const char *name);
char *config_key_restart(const char *name);
char *config_key_fencing(const char *name);
char *config_key_logger(const char *ns);
#define CONFIG_KEY_SESSION "session-key"

/* ---- write sequences (section 2.2) ---- */

/* One record to produce; value NULL is a tombstone. */
typedef struct config_rec {
        char *key;
        char *value;
} config_rec_t;

/* An ordered list of records; owns the strings. Zero-initialise, then
 * config_recs_clear() frees. */
typedef struct config_recs {
        config_rec_t *recs;
        size_t cnt;
        size_t size;
} config_recs_t;

void config_recs_clear(config_recs_t *l);

/* Each appends the records of one operation to l, in the order they must be
 * written. 0, or -1 with errstr (bad input; l is left as it was). */

/* create: [target-state-N if initial_target] -> connector-N. */
int config_recs_create(config_recs_t *l, const char *name,
                       const json_t *config, const char *initial_target,
                       char *errstr, size_t errstr_size);
/* reconfigure: connector-N. */
int config_recs_reconfigure(config_recs_t *l, const char *name,
                            const json_t *config, char *errstr,
                            size_t errstr_size);
/* publish task configs: task-N-0 .. task-N-(k-1) -> commit-N {"tasks":k}
 * (the last record is always the commit). */
int config_recs_tasks(config_recs_t *l, const char *name,
                      const json_t *tasks, char *errstr, size_t errstr_size);
/* pause / resume (or any target): target-state-N. */
int config_recs_target(config_recs_t *l, const char *name,
                       const char *target, char *errstr, size_t errstr_size);
/* stop: commit-N {"tasks":0} -> target-state-N STOPPED. */
int config_recs_stop(config_recs_t *l, const char *name, char *errstr,
                     size_t errstr_size);
/* delete: connector-N null -> target-state-N null. */
int config_recs_delete(config_recs_t *l, const char *name, char *errstr,
                       size_t errstr_size);
/* restart: restart-connector-N. */
int config_recs_restart(config_recs_t *l, const char *name,
                        int include_tasks, int only_failed, char *errstr,
                        size_t errstr_size);

/* ---- reader (sections 2.1 and 2.3) ---- */

typedef struct config_reader config_reader_t;

/* listener (copied; may be NULL) is called from config_reader_feed, in
 * topic order: connector/target/tasks for every record that changes them,
 * restart only once the reader is started. */
config_reader_t *config_reader_new(const config_listener_t *listener);
void config_reader_destroy(config_reader_t *cr);

/* Marks the end of the initial read: from now on restart-connector records
 * are reported (history is not replayed). */
void config_reader_set_started(config_reader_t *cr);

/* One record: key (not NUL-terminated; NULL is logged and dropped), value
 * NULL for a tombstone, offset in the (single) partition. Malformed records
 * are logged and dropped; the offset always advances. */
void config_reader_feed(config_reader_t *cr, const void *key, size_t keylen,
                        const void *value, size_t valuelen, int64_t offset);

/* Offset of the next record to read (last fed + 1; 0 before any). */
int64_t config_reader_offset(const config_reader_t *cr);

/* Live connector's config (borrowed), or NULL. */
const json_t *config_reader_connector(const config_reader_t *cr,
                                      const char *name);
/* Target state of a live connector ("STARTED" without a record); NULL for
 * one that is not configured. Borrowed, static string. */
const char *config_reader_target(const config_reader_t *cr,
                                 const char *name);
/* Committed task configs (borrowed array), or NULL: none committed, or the
 * set is inconsistent (*inconsistent set, may be NULL). */
const json_t *config_reader_tasks(const config_reader_t *cr, const char *name,
                                  int *inconsistent);
/* Non-zero when publishing `tasks` for `name` would change what is stored
 * (section 2.2, row 2): no committed set, inconsistent, another count, any
 * map different, or a connector record read since the last commit. */
int config_reader_tasks_differ(const config_reader_t *cr, const char *name,
                               const json_t *tasks);
/* Latest session-key value (borrowed object), or NULL. */
const json_t *config_reader_session_key(const config_reader_t *cr);

/* Live connectors in creation order; cb non-zero stops (and is returned).
 * The callback must not feed the reader. */
int config_reader_connector_each(const config_reader_t *cr,
                                 config_store_connector_cb cb, void *opaque);

#endif
