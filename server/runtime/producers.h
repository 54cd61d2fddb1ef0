/*
 * producers — the source tasks' Kafka producers.
 *
 * Tasks whose producer settings are the worker's (no producer.override.*
 * key) share one librdkafka producer per cluster connection; a task with
 * overrides gets one of its own. Either way a task talks to its producer
 * through a prod_task_t, its share of it:
 *  - every message it hands over carries the share as its per-message
 *    opaque (rd_kafka_produce_batch: _private; producev: V_OPAQUE), so a
 *    delivery report finds its task;
 *  - one thread per producer serves the delivery reports (rd_kafka_poll)
 *    and hands each to the share's callback; tasks never call
 *    rd_kafka_poll or rd_kafka_flush on a shared producer;
 *  - a task waits for its own messages only (in-flight counter), never
 *    for the others', and never purges anything but a producer of its own;
 *  - a task may hold at most `cap` undelivered messages (a quarter of the
 *    producer's queue.buffering.max.messages): a task whose records do not
 *    get delivered blocks itself, never the shared queue.
 * A share outlives its task while messages of it are in flight (the
 * reports then only count down); the producer goes when its last task has
 * released it.
 */
#ifndef CONNECTD_PRODUCERS_H
#define CONNECTD_PRODUCERS_H

#include <stdatomic.h>

#include <librdkafka/rdkafka.h>
#include <jansson.h>

#include "kafka.h"

typedef struct prod_task prod_task_t;

/* Called on the producer's poll thread for each delivery report of the
 * share's messages, with the share's lock held, until the share is
 * released. Must not call back into the share. */
typedef void (*prod_dr_fn)(void *arg, const rd_kafka_message_t *m);

/* Called on the producer's poll thread with librdkafka's statistics of
 * the whole producer (metrics.enabled sets statistics.interval.ms),
 * parsed once for all its shares, with the share's lock held. */
struct client_stats;
typedef void (*prod_stats_fn)(void *arg, const struct client_stats *cs);

/* The share of a producer for a task whose connector config is `cc`
 * (resolved). client_id names a producer of the task's own. NULL with
 * errstr on failure. */
prod_task_t *prod_acquire(kafka_t *kf, const json_t *cc,
                          const char *client_id, prod_dr_fn dr, void *arg,
                          char *errstr, size_t errstr_size);
rd_kafka_t *prod_rk(const prod_task_t *pt);
/* 1 when the producer places keyed records with Java's murmur2 (its
 * partitioner is murmur2_random or murmur2), so that a task given the
 * topic's partition count may place them itself, exactly alike. */
int prod_places_murmur2(const prod_task_t *pt);
/* How long a topic's partition count may be trusted (the producer's
 * topic.metadata.refresh.interval.ms). */
long long prod_metadata_age_ms(const prod_task_t *pt);
/* 1 when the producer is shared with other tasks' shares (or may be). */
int prod_shared(const prod_task_t *pt);
/* Takes n more messages in flight: waits while the task's cap would be
 * passed (at least one message is always allowed when none is in flight)
 * or until *stop is set. 0, or 1 when stopped. */
int prod_reserve(prod_task_t *pt, int n, const atomic_int *stop);
/* How many messages to reserve at once at most (a quarter of the cap). */
int prod_cap_slice(const prod_task_t *pt);
/* n reserved messages were not taken by librdkafka after all. */
void prod_unreserve(prod_task_t *pt, int n);
/* The task's messages in flight. */
int prod_inflight(prod_task_t *pt);
/* Waits up to ms for a delivery report of the task's (or *stop). */
void prod_wait(prod_task_t *pt, long long ms, const atomic_int *stop);
/* Waits up to ms until every message of the task was reported (or *stop,
 * if stop is not NULL); returns the messages still in flight. */
int prod_flush(prod_task_t *pt, long long ms, const atomic_int *stop);
/* Runs fn(arg) under the share's lock (the state the callback writes). */
void prod_locked(prod_task_t *pt, void (*fn)(void *arg), void *arg);
/* Asks for the producer's statistics (see prod_stats_fn). */
void prod_on_stats(prod_task_t *pt, prod_stats_fn fn);
/* The task is done with its share: no more callbacks; a producer of its
 * own purges what is left and goes; a shared one goes with its last
 * task. */
void prod_release(prod_task_t *pt);
/* Producers alive in this process (tests, benchmarks). */
int prod_count(void);

#endif
