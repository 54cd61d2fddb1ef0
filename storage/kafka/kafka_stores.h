/*
 * kafka_stores — the config, offset and status stores of distributed mode,
 * kept in Connect's three internal topics in Java Connect's exact record
 * formats (keys, compact JSON values without schema envelope, tombstones,
 * murmur2 partitioning). See the distributed spec, sections 1-4.
 *
 * Each store owns one kafka_log_t (built from the given client configs,
 * consumed) and keeps the latest state it has read in memory; reads are
 * served from that memory. Threads: any; each store has its own mutex.
 */
#ifndef CONNECTD_KAFKA_STORES_H
#define CONNECTD_KAFKA_STORES_H

#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

#include "config_store.h"
#include "offset_store.h"
#include "status_store.h"

/* The listener may be NULL; it is called on the store's reader thread, for
 * every record read (this worker's own writes too, once read back, and the
 * topic's history during the open: connector, target and tasks; restart
 * requests only when written after the open began). It may read from the
 * store, but must not write to it or sync/wait_offset: those wait for the
 * very thread that runs the listener. */
config_store_t *kafka_config_store_open(const char *topic,
                                        rd_kafka_conf_t *producer_conf,
                                        rd_kafka_conf_t *consumer_conf,
                                        const config_listener_t *listener,
                                        char *errstr, size_t errstr_size);
/* Offset of the next record the store will read (last read + 1): what an
 * assignment names so a worker knows when it has caught up. */
int64_t kafka_config_store_offset(config_store_t *cs);
/* Waits until the store has read every record written before the call. */
int kafka_config_store_sync(config_store_t *cs, int timeout_ms, char *errstr,
                            size_t errstr_size);
/* Waits until the store has read up to `offset` (exclusive). */
int kafka_config_store_wait_offset(config_store_t *cs, int64_t offset,
                                   int timeout_ms);
/* Writes restart-connector-NAME (the leader's part of a restart request,
 * section 2.2); every store's listener reports it once read. */
int kafka_config_store_restart(config_store_t *cs, const char *name,
                               int include_tasks, int only_failed,
                               char *errstr, size_t errstr_size);

offset_store_t *kafka_offset_store_open(const char *topic,
                                        rd_kafka_conf_t *producer_conf,
                                        rd_kafka_conf_t *consumer_conf,
                                        char *errstr, size_t errstr_size);

status_store_t *kafka_status_store_open(const char *topic,
                                        rd_kafka_conf_t *producer_conf,
                                        rd_kafka_conf_t *consumer_conf,
                                        char *errstr, size_t errstr_size);
/* Highest generation seen in the topic (so a new cluster epoch starts
 * above it). */
int kafka_status_store_max_generation(status_store_t *ss);

#endif
