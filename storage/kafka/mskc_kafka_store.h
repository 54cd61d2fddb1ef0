/*
 * mskc_kafka_store — the MSK Connect API's resources of a distributed
 * cluster in one compacted topic (mskconnect.storage.topic), the Kafka
 * counterpart of storage/sqlite/mskc_store: one record per resource, key
 * its ARN, value {"kind":KIND,"resource":{...}}, a tombstone when it is
 * deleted. Every worker reads the topic from the beginning (kafka_log) and
 * hands each record to the callback, on the reader thread, in log order.
 *
 * The topic has exactly one partition: every record of the cluster is in
 * one order, which the workers all see.
 */
#ifndef CONNECTD_MSKC_KAFKA_STORE_H
#define CONNECTD_MSKC_KAFKA_STORE_H

#include <stddef.h>
#include <librdkafka/rdkafka.h>

typedef struct mskc_kstore mskc_kstore_t;

/* json NULL: the resource was deleted. kind NULL then too. Called on the
 * reader thread: it must not block on anything a writer holds. */
typedef void (*mskc_kstore_cb)(void *opaque, const char *arn,
                               const char *kind, const char *json);

/* Opens the topic (which must exist), reads it to its end (every record
 * passed to cb) and keeps reading. The client configs are consumed.
 * NULL with err on error. */
mskc_kstore_t *mskc_kstore_open(const char *topic, rd_kafka_conf_t *pc,
                                rd_kafka_conf_t *cc, mskc_kstore_cb cb,
                                void *opaque, char *err, size_t errsz);
void mskc_kstore_close(mskc_kstore_t *s);

/* Writes and waits until the record is acknowledged and read back (cb has
 * seen it). 0, or -1 with err. */
int mskc_kstore_put(mskc_kstore_t *s, const char *arn, const char *kind,
                    const char *json, char *err, size_t errsz);
/* A tombstone, the same way. */
int mskc_kstore_delete(mskc_kstore_t *s, const char *arn, char *err,
                       size_t errsz);
/* Blocks until every record written before the call has reached cb. */
int mskc_kstore_sync(mskc_kstore_t *s, int timeout_ms, char *err,
                     size_t errsz);

/* The record value of a resource (malloc'd), and back: 0 with *kind and
 * *json malloc'd, -1 for a value that is not one. Pure. */
char *mskc_kstore_encode(const char *kind, const char *json);
int mskc_kstore_decode(const void *value, size_t len, char **kind,
                       char **json);

#endif
