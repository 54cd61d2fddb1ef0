/*
 * kafka — the worker's link to a Kafka cluster: client configs built from
 * the worker config (producer.*, consumer.*, admin.* and per-connector
 * *.override.*), and the embedded Kafka-protocol cluster (librdkafka's mock
 * cluster) started when no bootstrap.servers is given.
 */
#ifndef CONNECTD_KAFKA_H
#define CONNECTD_KAFKA_H

#include <stddef.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

typedef struct kafka kafka_t;

kafka_t *kafka_new(const json_t *worker_props, char *errstr, size_t errstr_size);
void kafka_destroy(kafka_t *kf);

const char *kafka_bootstrap(const kafka_t *kf);
int kafka_is_embedded(const kafka_t *kf);
/* Cluster id as reported by the brokers (fetched once, cached). */
const char *kafka_cluster_id(kafka_t *kf);

/* New client configs; connector_config may be NULL. Caller owns (or hands
 * them to rd_kafka_new). */
rd_kafka_conf_t *kafka_producer_conf(kafka_t *kf, const json_t *connector_config,
                                     char *errstr, size_t errstr_size);
rd_kafka_conf_t *kafka_consumer_conf(kafka_t *kf, const json_t *connector_config,
                                     const char *group_id, char *errstr,
                                     size_t errstr_size);

/* Embedded cluster only: make sure `topic` exists (1 partition, as Kafka's
 * num.partitions default) before first use. No-op otherwise. */
void kafka_topic_ensure(kafka_t *kf, const char *topic);

/* Creates `topic` with `partitions` partitions and replication factor
 * `rf` unless it exists, through client rk (any client of this cluster).
 * The embedded cluster has one broker and refuses rf > 1 as Kafka would.
 * 0 created, 1 existed already, -1 with errstr (Kafka's error text). */
int kafka_topic_create(kafka_t *kf, rd_kafka_t *rk, const char *topic,
                       int partitions, int rf, int timeout_ms, char *errstr,
                       size_t errstr_size);

/* Committed offsets of a consumer group for the partitions of the
 * comma-separated topics, as a Connect sink offsets array (caller owns).
 * 0 or -1 with errstr. */
int kafka_group_offsets(kafka_t *kf, const char *group, const char *topics,
                        json_t **out, char *errstr, size_t errstr_size);

/* Embedded cluster only: create `topic` with `partitions` partitions
 * unless it exists (an existing topic keeps its partitions). For topics
 * whose partition count matters (a distributed worker's internal topics
 * are created this way by kafka_new, before the address is handed out).
 * 0, or -1 with errstr (not embedded, or the cluster refused). */
int kafka_embedded_topic_create(kafka_t *kf, const char *topic,
                                int partitions, char *errstr,
                                size_t errstr_size);

/* `connectd --embedded-kafka-only` options. */
typedef struct kafka_embedded_topic {
        const char *name;
        int partitions;
} kafka_embedded_topic_t;

typedef struct kafka_embedded_opts {
        int brokers;                   /* <= 0: 1 */
        const char *listen;            /* HOST:PORT of the first broker, or
                                        * NULL for a free port */
        const json_t *worker_props;    /* a distributed worker config whose
                                        * internal topics to create, or NULL */
        const kafka_embedded_topic_t *topics; /* more topics to create */
        size_t ntopics;
} kafka_embedded_opts_t;

/* Run only an embedded cluster: create the topics, print its bootstrap
 * address on stdout and serve until SIGTERM/SIGINT. Returns the exit
 * code (1 with a message on stderr when it cannot start). */
int kafka_embedded_only_main(const kafka_embedded_opts_t *o);

#endif
