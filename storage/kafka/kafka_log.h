/*
 * kafka_log — one Kafka topic used as a replicated log, the way Java
 * Connect's KafkaBasedLog uses its internal topics: every record is read
 * from the beginning by every worker, and "read to end" means: take the
 * end offsets now, consume until the position of every partition has
 * reached them.
 *
 * Producer: acks=all, one request in flight, no idempotence,
 * partitioner murmur2_random (Java's key -> partition mapping). Reader:
 * assign()s every partition from the beginning on its own thread, never
 * commits, and hands each record to the callback in partition order.
 *
 * The caller builds both client configs (connection and security
 * settings); kafka_log adds the settings above and owns them from then on.
 */
#ifndef CONNECTD_KAFKA_LOG_H
#define CONNECTD_KAFKA_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

typedef struct kafka_log kafka_log_t;

/* value NULL: a tombstone. Called on the reader thread only. */
typedef void (*kafka_log_record_cb)(void *opaque, int32_t partition,
                                    int64_t offset, const void *key,
                                    size_t keylen, const void *value,
                                    size_t valuelen);

kafka_log_t *kafka_log_new(const char *topic, rd_kafka_conf_t *producer_conf,
                           rd_kafka_conf_t *consumer_conf,
                           kafka_log_record_cb cb, void *opaque,
                           char *errstr, size_t errstr_size);
/* Starts the reader and returns after the first read to the end
 * (timeout_ms), so the caller's state is complete. */
int kafka_log_start(kafka_log_t *kl, int timeout_ms, char *errstr,
                    size_t errstr_size);
/* partition -1: murmur2 of the key, as Java's producer. value NULL is a
 * tombstone. wait: block until acknowledged (0) or failed (-1, errstr);
 * without wait, failures are logged. */
int kafka_log_send(kafka_log_t *kl, int32_t partition, const void *key,
                   size_t keylen, const void *value, size_t valuelen,
                   int wait, char *errstr, size_t errstr_size);
/* Sends n records (each to its key's murmur2 partition; values[i] NULL is
 * a tombstone) and waits until all are acknowledged, and with read_back
 * also until the reader has passed them to the callback (so the caller's
 * own writes are visible in its state). 0, or -1 with errstr when one
 * failed or timeout_ms (-1: none) passed. */
int kafka_log_send_all(kafka_log_t *kl, int n, const void *const *keys,
                       const size_t *keylens, const void *const *values,
                       const size_t *valuelens, int read_back, int timeout_ms,
                       char *errstr, size_t errstr_size);
/* Blocks until every record written before the call has been passed to
 * the callback (or timeout_ms: -1 with errstr). */
int kafka_log_read_to_end(kafka_log_t *kl, int timeout_ms, char *errstr,
                          size_t errstr_size);
int32_t kafka_log_partitions(const kafka_log_t *kl);
/* Stops the reader, flushes the producer (bounded), frees. */
void kafka_log_destroy(kafka_log_t *kl);

/* Java's partition of a key: (murmur2(key) & 0x7fffffff) % n. */
int32_t kafka_murmur2_partition(const void *key, size_t keylen, int32_t n);

/* Makes sure `topic` exists: creates it (partitions, replication factor;
 * -1 = broker default; cleanup.policy=compact forced, plus `configs`, an
 * object of string topic configs, may be NULL) where the cluster can
 * create topics; checks an existing one has cleanup.policy=compact (when
 * readable) and, if `exactly_one_partition`, exactly one partition.
 * conf is consumed. 0, or -1 with a message naming topic and key. */
int kafka_log_topic_ensure(rd_kafka_conf_t *admin_conf, const char *topic,
                           int partitions, int replication_factor,
                           const void *configs /* json_t *, may be NULL */,
                           int exactly_one_partition, int timeout_ms,
                           char *errstr, size_t errstr_size);

#endif
