/*
 * membership — who is in the cluster, who leads, and when a worker is
 * gone, decided by the Kafka group coordinator (group.id) through
 * librdkafka's consumer-group machinery; nothing home-made decides it.
 *
 * Mechanism (the distributed spec, section 7.3): every worker's membership
 * consumer joins group.id subscribed to a compacted coordination topic of
 * P partitions (roundrobin, so every live member owns >= 1 partition while
 * members <= P). After each assignment a worker writes a claim on each
 * partition it owns:
 *   key "claim", value {"member":ID,"nonce":N,"worker_id":W,"url":U,
 *                       "partitions":[...]}
 * where N is fresh per assignment. A separate reader (assign()ed to every
 * partition from the beginning) keeps the latest claim per partition. A
 * claim (member, nonce) is complete when every partition it lists holds
 * it as latest claim; when the complete claims cover all P partitions
 * exactly once, they are a consistent view: its members are the live
 * workers and the owner of partition 0 is the leader.
 *
 * Partition 0 also carries the leader's assignments and the workers'
 * acknowledgements:
 *   key "assignment", value {"leader":ID,"nonce":N, ...caller's fields}
 *     valid only if, at its position in partition 0, the latest claim on
 *     partition 0 is that same (leader, nonce): a deposed leader's late
 *     write is ignored by everybody in the same way.
 *   key "ack-<worker_id>", value: the caller's JSON.
 *
 * Losing the membership (session lapsed, librdkafka's "assignment lost")
 * is reported at once, so the caller stops all its work before the
 * cluster hands it on. A clean leave (membership_leave) sends LeaveGroup,
 * which makes the coordinator rebalance at once.
 *
 * Threads: one poll thread for the membership consumer (never runs caller
 * code that may block on plugins) and the reader thread; the listener is
 * called from them and must not block for long.
 */
#ifndef CONNECTD_MEMBERSHIP_H
#define CONNECTD_MEMBERSHIP_H

#include <stddef.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

typedef struct membership membership_t;

typedef struct membership_listener {
        void *opaque;
        /* A new consistent view: {"leader":"w1:8083","self_leader":true,
         * "members":{"w1:8083":"http://w1:8083/",...}} (worker_id -> URL). */
        void (*view)(void *opaque, const json_t *view);
        /* The membership was lost: stop every task and connector now. */
        void (*lost)(void *opaque);
        /* A valid assignment record (the leader's JSON, as published). */
        void (*assignment)(void *opaque, const json_t *assignment);
        /* A worker's acknowledgement (latest per worker). */
        void (*ack)(void *opaque, const char *worker_id, const json_t *ack);
} membership_listener_t;

typedef struct membership_config {
        const char *group_id;
        const char *topic;          /* coordination topic */
        int partitions;             /* its partition count (P) */
        int session_timeout_ms;
        int heartbeat_interval_ms;
        int rebalance_timeout_ms;
        const char *worker_id;      /* advertised host:port */
        const char *url;            /* advertised URL */
} membership_config_t;

/* Client configs are consumed (connection and security settings only;
 * membership adds its own). */
membership_t *membership_new(const membership_config_t *cfg,
                             rd_kafka_conf_t *group_conf,
                             rd_kafka_conf_t *reader_conf,
                             rd_kafka_conf_t *producer_conf,
                             const membership_listener_t *listener,
                             char *errstr, size_t errstr_size);
int membership_start(membership_t *m, char *errstr, size_t errstr_size);
/* Only while this worker leads the current view: writes the assignment
 * (leader and nonce added) and waits for its acknowledgement. -1 if not
 * the leader or on error. */
int membership_publish_assignment(membership_t *m, const json_t *assignment,
                                  char *errstr, size_t errstr_size);
int membership_publish_ack(membership_t *m, const json_t *ack, char *errstr,
                           size_t errstr_size);
/* 1 if this worker leads the current consistent view. */
int membership_is_leader(membership_t *m);
/* Leaves the group cleanly (LeaveGroup) and stops the threads. */
void membership_leave(membership_t *m);
void membership_destroy(membership_t *m);

#endif
