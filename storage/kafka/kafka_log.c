/*
 * kafka_log — one internal topic as a replicated log (Java's KafkaBasedLog).
 *
 * DESIGN
 * Owns a producer and a reader (consumer) handle for one topic, and the
 * reader thread. The reader assign()s every partition from the beginning
 * (its group.id is its own and never committed; librdkafka's assign()
 * wants one), hands each record to the callback in partition order, and
 * publishes how far it got per partition (pos[], the offset of the next
 * record, under mu; waiters on cond). "Read to end" takes the low and high
 * watermarks now and waits until every partition's position has reached
 * its high watermark (an empty partition counts as read); it never waits
 * for a record at hwm-1, since control records and compaction leave gaps.
 *
 * Sends: partition -1 is Java's murmur2 partition, computed here (the
 * producer's partitioner=murmur2_random agrees). A waited send carries a
 * heap waiter (refcount: the caller plus one per record in flight) that the
 * delivery report callback completes, so a caller that gives up on its
 * deadline never leaves a dangling pointer behind. Delivery reports are
 * served by whichever thread polls the producer: waiting senders and the
 * reader thread (for the unwaited sends, whose failures are logged).
 *
 * Threads: kafka_log_new/start/destroy on one owner thread; send and
 * read_to_end from any thread; the callback on the reader thread only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "kafka_log.h"
#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.kafka.log")

#define READER_POLL_MS 100
#define DESTROY_FLUSH_MS 10000

struct send_waiter {
        int refs;                      /* caller + records in flight */
        int pending;                   /* records not yet reported */
        rd_kafka_resp_err_t err;       /* first failure */
        int64_t *last_offset;          /* per partition, -1 none */
};

struct kafka_log {
        char *topic;
        rd_kafka_t *producer;
        rd_kafka_t *consumer;
        rd_kafka_conf_t *consumer_conf; /* until start */
        int32_t partitions;
        kafka_log_record_cb cb;
        void *opaque;

        pthread_t reader;
        int reader_started;
        atomic_int stopping;

        pthread_mutex_t mu;
        pthread_cond_t cond;            /* pos advanced, delivery reported */
        int64_t *pos;                   /* next offset per partition, -1 */
};

int32_t kafka_murmur2_partition(const void *key, size_t keylen, int32_t n)
{
        const unsigned char *data = key;
        const uint32_t m = 0x5bd1e995;
        const int r = 24;
        uint32_t h = 0x9747b28cu ^ (uint32_t)keylen;
        size_t len4 = keylen / 4, i;

        if (n <= 0)
                return -1;
        for (i = 0; i < len4; i++) {
                size_t i4 = i * 4;
                uint32_t k = (uint32_t)data[i4] |
                             ((uint32_t)data[i4 + 1] << 8) |
                             ((uint32_t)data[i4 + 2] << 16) |
                             ((uint32_t)data[i4 + 3] << 24);
                k *= m;
                k ^= k >> r;
                k *= m;
                h *= m;
                h ^= k;
        }
        switch (keylen % 4) {
        case 3:
                h ^= (uint32_t)data[(keylen & ~(size_t)3) + 2] << 16;
                /* fall through */
        case 2:
                h ^= (uint32_t)data[(keylen & ~(size_t)3) + 1] << 8;
                /* fall through */
        case 1:
                h ^= (uint32_t)data[keylen & ~(size_t)3];
                h *= m;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int32_t)((h & 0x7fffffffu) % (uint32_t)n);
}

static int conf_set(rd_kafka_conf_t *conf, const char *key, const char *val,
                    char *errstr, size_t errstr_size)
{
        char err[256];

        if (rd_kafka_conf_set(conf, key, val, err, sizeof(err)) !=
            RD_KAFKA_CONF_OK) {
                snprintf(errstr, errstr_size, "Kafka client setting %s: %s",
                         key, err);
                return -1;
        }
        return 0;
}

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Absolute CLOCK_REALTIME deadline for pthread_cond_timedwait, at most
 * step_ms from now. */
static void wait_step(pthread_cond_t *cond, pthread_mutex_t *mu, int step_ms)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += step_ms / 1000;
        ts.tv_nsec += (long)(step_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(cond, mu, &ts);
}

/* @locality any thread polling the producer */
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        kafka_log_t *kl = opaque;
        struct send_waiter *w = m->_private;
        int free_it = 0;

        (void)rk;
        if (!w) {
                if (m->err)
                        LOG_ERROR(lg(), "Failed to write to topic %s: %s",
                                  kl->topic, rd_kafka_err2str(m->err));
                return;
        }
        pthread_mutex_lock(&kl->mu);
        w->pending--;
        if (m->err) {
                if (!w->err)
                        w->err = m->err;
        } else if (m->partition >= 0 && m->partition < kl->partitions &&
                   m->offset > w->last_offset[m->partition]) {
                w->last_offset[m->partition] = m->offset;
        }
        free_it = --w->refs == 0;
        pthread_cond_broadcast(&kl->cond);
        pthread_mutex_unlock(&kl->mu);
        if (free_it) {
                free(w->last_offset);
                free(w);
        }
}

kafka_log_t *kafka_log_new(const char *topic, rd_kafka_conf_t *producer_conf,
                           rd_kafka_conf_t *consumer_conf,
                           kafka_log_record_cb cb, void *opaque,
                           char *errstr, size_t errstr_size)
{
        kafka_log_t *kl = calloc(1, sizeof(*kl));
        char gid[512];
        char err[256];

        if (!kl) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out_confs;
        }
        pthread_mutex_init(&kl->mu, NULL);
        pthread_cond_init(&kl->cond, NULL);
        kl->cb = cb;
        kl->opaque = opaque;
        kl->topic = strdup(topic);
        if (!kl->topic) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out_confs;
        }
        snprintf(gid, sizeof(gid), "connectd-log-reader-%s", topic);
        if (conf_set(producer_conf, "acks", "all", errstr, errstr_size) ||
            conf_set(producer_conf, "max.in.flight.requests.per.connection",
                     "1", errstr, errstr_size) ||
            conf_set(producer_conf, "enable.idempotence", "false", errstr,
                     errstr_size) ||
            conf_set(producer_conf, "partitioner", "murmur2_random", errstr,
                     errstr_size) ||
            conf_set(producer_conf, "allow.auto.create.topics", "false",
                     errstr, errstr_size) ||
            conf_set(consumer_conf, "group.id", gid, errstr, errstr_size) ||
            conf_set(consumer_conf, "enable.auto.commit", "false", errstr,
                     errstr_size) ||
            conf_set(consumer_conf, "enable.auto.offset.store", "false",
                     errstr, errstr_size) ||
            conf_set(consumer_conf, "isolation.level", "read_committed",
                     errstr, errstr_size) ||
            conf_set(consumer_conf, "allow.auto.create.topics", "false",
                     errstr, errstr_size) ||
            conf_set(consumer_conf, "fetch.wait.max.ms", "100", errstr,
                     errstr_size))
                goto out_confs;
        rd_kafka_conf_set_dr_msg_cb(producer_conf, dr_cb);
        rd_kafka_conf_set_opaque(producer_conf, kl);
        kl->producer = rd_kafka_new(RD_KAFKA_PRODUCER, producer_conf, err,
                                    sizeof(err));
        if (!kl->producer) {
                snprintf(errstr, errstr_size,
                         "Kafka producer for topic %s: %s", topic, err);
                goto out_confs;
        }
        producer_conf = NULL;
        kl->consumer_conf = consumer_conf;
        return kl;

out_confs:
        if (producer_conf)
                rd_kafka_conf_destroy(producer_conf);
        if (consumer_conf)
                rd_kafka_conf_destroy(consumer_conf);
        kafka_log_destroy(kl);
        return NULL;
}

/* Partition count of `topic` from a Metadata request for all topics (one
 * naming the topic would auto-create it on clusters that do that). 0 when
 * missing, -1 on error. */
static int topic_partitions(rd_kafka_t *rk, const char *topic,
                            int timeout_ms, char *errstr, size_t errstr_size)
{
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err;
        int i, n = 0;

        err = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
        if (err) {
                snprintf(errstr, errstr_size,
                         "Could not read the metadata of topic %s: %s", topic,
                         rd_kafka_err2str(err));
                return -1;
        }
        for (i = 0; i < md->topic_cnt; i++) {
                if (strcmp(md->topics[i].topic, topic) == 0 &&
                    md->topics[i].err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
                        n = md->topics[i].partition_cnt;
                        break;
                }
        }
        rd_kafka_metadata_destroy(md);
        return n;
}

/* @locality reader thread */
static void *reader_main(void *arg)
{
        kafka_log_t *kl = arg;
        rd_kafka_topic_partition_list_t *parts;
        int32_t p;

        parts = rd_kafka_topic_partition_list_new(kl->partitions);
        for (p = 0; p < kl->partitions; p++)
                rd_kafka_topic_partition_list_add(parts, kl->topic, p);
        while (!atomic_load(&kl->stopping)) {
                rd_kafka_message_t *m;
                int i;

                m = rd_kafka_consumer_poll(kl->consumer, READER_POLL_MS);
                rd_kafka_poll(kl->producer, 0);
                if (m) {
                        if (m->err) {
                                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                                        LOG_WARN(lg(),
                                                 "Reading topic %s: %s",
                                                 kl->topic,
                                                 rd_kafka_message_errstr(m));
                        } else if (m->partition >= 0 &&
                                   m->partition < kl->partitions) {
                                if (kl->cb)
                                        kl->cb(kl->opaque, m->partition,
                                               m->offset, m->key, m->key_len,
                                               m->payload, m->len);
                                pthread_mutex_lock(&kl->mu);
                                if (m->offset + 1 > kl->pos[m->partition])
                                        kl->pos[m->partition] = m->offset + 1;
                                pthread_cond_broadcast(&kl->cond);
                                pthread_mutex_unlock(&kl->mu);
                        }
                        rd_kafka_message_destroy(m);
                }
                /* The consumer's own position also moves past control
                 * records and aborted transactions. */
                if (rd_kafka_position(kl->consumer, parts))
                        continue;
                pthread_mutex_lock(&kl->mu);
                for (i = 0; i < parts->cnt; i++) {
                        int64_t off = parts->elems[i].offset;
                        int32_t pp = parts->elems[i].partition;

                        if (off >= 0 && off > kl->pos[pp]) {
                                kl->pos[pp] = off;
                                pthread_cond_broadcast(&kl->cond);
                        }
                }
                pthread_mutex_unlock(&kl->mu);
        }
        rd_kafka_topic_partition_list_destroy(parts);
        return NULL;
}

int kafka_log_start(kafka_log_t *kl, int timeout_ms, char *errstr,
                    size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *parts = NULL;
        rd_kafka_resp_err_t err;
        int64_t deadline = now_ms() + timeout_ms;
        char e[256];
        int n, rc = -1;
        int32_t p;

        if (kl->reader_started || !kl->consumer_conf) {
                snprintf(errstr, errstr_size, "topic %s: already started",
                         kl->topic);
                return -1;
        }
        kl->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, kl->consumer_conf, e,
                                    sizeof(e));
        if (!kl->consumer) {
                snprintf(errstr, errstr_size,
                         "Kafka consumer for topic %s: %s", kl->topic, e);
                goto out;
        }
        kl->consumer_conf = NULL;
        rd_kafka_poll_set_consumer(kl->consumer);
        n = topic_partitions(kl->consumer, kl->topic, timeout_ms, errstr,
                             errstr_size);
        if (n < 0)
                goto out;
        if (n == 0) {
                snprintf(errstr, errstr_size, "Topic '%s' does not exist",
                         kl->topic);
                goto out;
        }
        kl->pos = malloc(sizeof(*kl->pos) * (size_t)n);
        if (!kl->pos) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        for (p = 0; p < n; p++)
                kl->pos[p] = -1;
        kl->partitions = n;
        parts = rd_kafka_topic_partition_list_new(n);
        for (p = 0; p < n; p++)
                rd_kafka_topic_partition_list_add(parts, kl->topic, p)
                        ->offset = RD_KAFKA_OFFSET_BEGINNING;
        err = rd_kafka_assign(kl->consumer, parts);
        if (err) {
                snprintf(errstr, errstr_size,
                         "Could not assign topic %s: %s", kl->topic,
                         rd_kafka_err2str(err));
                goto out;
        }
        if (pthread_create(&kl->reader, NULL, reader_main, kl)) {
                snprintf(errstr, errstr_size,
                         "Could not start the reader of topic %s", kl->topic);
                goto out;
        }
        kl->reader_started = 1;
        n = (int)(deadline - now_ms());
        rc = kafka_log_read_to_end(kl, n > 0 ? n : 1, errstr, errstr_size);
out:
        if (parts)
                rd_kafka_topic_partition_list_destroy(parts);
        return rc;
}

int32_t kafka_log_partitions(const kafka_log_t *kl)
{
        return kl->partitions;
}

/* Sends n records and waits (until deadline_ms, -1: none) for their
 * delivery reports and, with read_back, for the reader to pass them. */
static int send_records(kafka_log_t *kl, int n, const int32_t *partitions,
                        const void *const *keys, const size_t *keylens,
                        const void *const *values, const size_t *valuelens,
                        int wait, int timeout_ms, char *errstr,
                        size_t errstr_size)
{
        struct send_waiter *w = NULL;
        int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
        int rc = -1, i, sent = 0, free_it;
        int32_t p;

        if (kl->partitions <= 0) {
                snprintf(errstr, errstr_size, "topic %s: log not started",
                         kl->topic);
                return -1;
        }
        if (wait) {
                w = calloc(1, sizeof(*w));
                if (!w || !(w->last_offset = malloc(sizeof(int64_t) *
                                                    (size_t)kl->partitions))) {
                        free(w);
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                for (p = 0; p < kl->partitions; p++)
                        w->last_offset[p] = -1;
                w->refs = 1;
        }
        for (i = 0; i < n; i++) {
                rd_kafka_resp_err_t err;
                int32_t part = partitions ? partitions[i] : -1;

                if (part < 0)
                        part = kafka_murmur2_partition(
                                keys[i], keylens[i], kl->partitions);
                if (part >= kl->partitions) {
                        snprintf(errstr, errstr_size,
                                 "topic %s has no partition %d", kl->topic,
                                 (int)part);
                        goto out;
                }
                if (w) {
                        pthread_mutex_lock(&kl->mu);
                        w->refs++;
                        w->pending++;
                        pthread_mutex_unlock(&kl->mu);
                }
                for (;;) {
                        err = rd_kafka_producev(
                                kl->producer, RD_KAFKA_V_TOPIC(kl->topic),
                                RD_KAFKA_V_PARTITION(part),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY((void *)keys[i], keylens[i]),
                                RD_KAFKA_V_VALUE((void *)values[i],
                                                 values[i] ? valuelens[i] : 0),
                                RD_KAFKA_V_OPAQUE(w), RD_KAFKA_V_END);
                        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL ||
                            (deadline >= 0 && now_ms() >= deadline))
                                break;
                        rd_kafka_poll(kl->producer, 10);
                }
                if (err) {
                        if (w) {
                                pthread_mutex_lock(&kl->mu);
                                w->refs--;
                                w->pending--;
                                pthread_mutex_unlock(&kl->mu);
                        }
                        snprintf(errstr, errstr_size,
                                 "Failed to write to topic %s: %s", kl->topic,
                                 rd_kafka_err2str(err));
                        goto out;
                }
                sent++;
        }
        if (!w) {
                rd_kafka_poll(kl->producer, 0);
                return 0;
        }
        /* Delivery reports. */
        for (;;) {
                int pending;

                pthread_mutex_lock(&kl->mu);
                pending = w->pending;
                pthread_mutex_unlock(&kl->mu);
                if (!pending)
                        break;
                if (deadline >= 0 && now_ms() >= deadline) {
                        snprintf(errstr, errstr_size,
                                 "Timed out writing to topic %s", kl->topic);
                        goto out;
                }
                rd_kafka_poll(kl->producer, 20);
        }
        if (w->err) {
                snprintf(errstr, errstr_size,
                         "Failed to write to topic %s: %s", kl->topic,
                         rd_kafka_err2str(w->err));
                goto out;
        }
        if (wait > 1) {
                /* Read back: the reader has passed every acked record. */
                pthread_mutex_lock(&kl->mu);
                for (;;) {
                        int behind = 0;

                        for (p = 0; p < kl->partitions; p++)
                                if (w->last_offset[p] >= 0 &&
                                    kl->pos[p] <= w->last_offset[p])
                                        behind = 1;
                        if (!behind)
                                break;
                        if (deadline >= 0 && now_ms() >= deadline) {
                                pthread_mutex_unlock(&kl->mu);
                                snprintf(errstr, errstr_size,
                                         "Timed out reading back topic %s",
                                         kl->topic);
                                goto out;
                        }
                        wait_step(&kl->cond, &kl->mu, 50);
                }
                pthread_mutex_unlock(&kl->mu);
        }
        rc = 0;
out:
        (void)sent;
        if (w) {
                pthread_mutex_lock(&kl->mu);
                free_it = --w->refs == 0;
                pthread_mutex_unlock(&kl->mu);
                if (free_it) {
                        free(w->last_offset);
                        free(w);
                }
        }
        return rc;
}

int kafka_log_send(kafka_log_t *kl, int32_t partition, const void *key,
                   size_t keylen, const void *value, size_t valuelen,
                   int wait, char *errstr, size_t errstr_size)
{
        return send_records(kl, 1, &partition, &key, &keylen, &value,
                            &valuelen, wait ? 1 : 0, -1, errstr,
                            errstr_size);
}

int kafka_log_send_all(kafka_log_t *kl, int n, const void *const *keys,
                       const size_t *keylens, const void *const *values,
                       const size_t *valuelens, int read_back, int timeout_ms,
                       char *errstr, size_t errstr_size)
{
        if (n <= 0)
                return 0;
        return send_records(kl, n, NULL, keys, keylens, values, valuelens,
                            read_back ? 2 : 1, timeout_ms, errstr,
                            errstr_size);
}

/* Log start and end offsets of every partition, in one ListOffsets request
 * each (per leader). Asked through the producer's connections: the
 * reader's may be held up by a fetch waiting for data. */
static int end_offsets(kafka_log_t *kl, int64_t *lo, int64_t *hi,
                       int timeout_ms, char *errstr, size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *parts;
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        int64_t *out[2] = {lo, hi};
        int64_t which[2] = {RD_KAFKA_OFFSET_BEGINNING, RD_KAFKA_OFFSET_END};
        int64_t deadline = now_ms() + timeout_ms;
        int w, i;
        int32_t p;

        for (w = 0; w < 2 && !err; w++) {
                int left = (int)(deadline - now_ms());

                parts = rd_kafka_topic_partition_list_new(kl->partitions);
                for (p = 0; p < kl->partitions; p++)
                        rd_kafka_topic_partition_list_add(parts, kl->topic, p)
                                ->offset = which[w];
                err = rd_kafka_offsets_for_times(kl->producer, parts,
                                                 left > 0 ? left : 1);
                for (i = 0; i < parts->cnt && !err; i++) {
                        rd_kafka_topic_partition_t *tp = &parts->elems[i];

                        if (tp->err)
                                err = tp->err;
                        else if (tp->partition >= 0 &&
                                 tp->partition < kl->partitions)
                                out[w][tp->partition] = tp->offset;
                }
                rd_kafka_topic_partition_list_destroy(parts);
        }
        if (err) {
                snprintf(errstr, errstr_size,
                         "Could not read the end offsets of topic %s: %s",
                         kl->topic, rd_kafka_err2str(err));
                return -1;
        }
        return 0;
}

int kafka_log_read_to_end(kafka_log_t *kl, int timeout_ms, char *errstr,
                          size_t errstr_size)
{
        int64_t deadline = now_ms() + timeout_ms;
        int64_t *lo = NULL, *hi = NULL;
        int rc = -1;
        int32_t p;

        if (!kl->reader_started) {
                snprintf(errstr, errstr_size, "topic %s: log not started",
                         kl->topic);
                return -1;
        }
        lo = calloc((size_t)kl->partitions, sizeof(*lo));
        hi = calloc((size_t)kl->partitions, sizeof(*hi));
        if (!lo || !hi) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        if (end_offsets(kl, lo, hi, (int)(deadline - now_ms()), errstr,
                        errstr_size))
                goto out;
        pthread_mutex_lock(&kl->mu);
        for (;;) {
                int behind = 0;

                for (p = 0; p < kl->partitions && !behind; p++)
                        if (hi[p] > lo[p] && kl->pos[p] < hi[p])
                                behind = 1;
                if (!behind) {
                        rc = 0;
                        break;
                }
                if (now_ms() >= deadline) {
                        snprintf(errstr, errstr_size,
                                 "Timed out reading topic %s to its end",
                                 kl->topic);
                        break;
                }
                wait_step(&kl->cond, &kl->mu, 50);
        }
        pthread_mutex_unlock(&kl->mu);
out:
        free(lo);
        free(hi);
        return rc;
}

void kafka_log_destroy(kafka_log_t *kl)
{
        if (!kl)
                return;
        if (kl->reader_started) {
                atomic_store(&kl->stopping, 1);
                pthread_join(kl->reader, NULL);
        }
        if (kl->consumer) {
                rd_kafka_consumer_close(kl->consumer);
                rd_kafka_destroy(kl->consumer);
        }
        if (kl->consumer_conf)
                rd_kafka_conf_destroy(kl->consumer_conf);
        if (kl->producer) {
                if (rd_kafka_flush(kl->producer, DESTROY_FLUSH_MS)) {
                        LOG_WARN(lg(),
                                 "%d record(s) to topic %s not delivered at "
                                 "shutdown",
                                 rd_kafka_outq_len(kl->producer), kl->topic);
                        /* Their delivery reports (purged) release the
                         * waiters of senders that gave up. */
                        rd_kafka_purge(kl->producer,
                                       RD_KAFKA_PURGE_F_QUEUE |
                                               RD_KAFKA_PURGE_F_INFLIGHT);
                        rd_kafka_flush(kl->producer, 1000);
                }
                rd_kafka_destroy(kl->producer);
        }
        pthread_cond_destroy(&kl->cond);
        pthread_mutex_destroy(&kl->mu);
        free(kl->pos);
        free(kl->topic);
        free(kl);
}

/* ---------- topic creation and checks ---------- */

static const char *config_topic_key = "config.storage.topic";

/* CreateTopics; 0 created, 1 exists already or cannot be created here
 * (reason in why), -1 a definite failure. */
static int create_topic(rd_kafka_t *rk, const char *topic, int partitions,
                        int replication_factor, const json_t *configs,
                        int timeout_ms, char *why, size_t why_size)
{
        rd_kafka_NewTopic_t *nt = NULL;
        rd_kafka_AdminOptions_t *opts = NULL;
        rd_kafka_queue_t *q = NULL;
        rd_kafka_event_t *ev = NULL;
        const rd_kafka_CreateTopics_result_t *res;
        const rd_kafka_topic_result_t **tr;
        size_t ntr;
        char e[256];
        int rc = 1;

        why[0] = '\0';
        nt = rd_kafka_NewTopic_new(topic, partitions, replication_factor, e,
                                   sizeof(e));
        if (!nt) {
                snprintf(why, why_size, "%s", e);
                return -1;
        }
        if (rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact"))
                goto out;
        if (configs && json_is_object(configs)) {
                const char *k;
                json_t *v;

                json_object_foreach((json_t *)configs, k, v) {
                        char num[32];
                        const char *val = json_string_value(v);

                        if (json_is_integer(v)) {
                                snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                                         json_integer_value(v));
                                val = num;
                        }
                        if (strcmp(k, "cleanup.policy") == 0 || !val)
                                continue;
                        rd_kafka_NewTopic_set_config(nt, k, val);
                }
        }
        opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, e,
                                                  sizeof(e));
        rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, e,
                                                    sizeof(e));
        q = rd_kafka_queue_new(rk);
        rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
        ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
        if (!ev) {
                snprintf(why, why_size, "CreateTopics timed out");
                goto out;
        }
        if (rd_kafka_event_error(ev)) {
                snprintf(why, why_size, "%s", rd_kafka_event_error_string(ev));
                goto out;
        }
        res = rd_kafka_event_CreateTopics_result(ev);
        tr = res ? rd_kafka_CreateTopics_result_topics(res, &ntr) : NULL;
        if (!tr || ntr < 1) {
                snprintf(why, why_size, "no CreateTopics result");
                goto out;
        }
        switch (rd_kafka_topic_result_error(tr[0])) {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
                rc = 0;
                LOG_INFO(lg(), "Created topic %s (%d partitions)", topic,
                         partitions);
                break;
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
                break;
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
        case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
                snprintf(why, why_size, "%s",
                         rd_kafka_topic_result_error_string(tr[0]));
                rc = -1;
                break;
        default:
                snprintf(why, why_size, "%s",
                         rd_kafka_topic_result_error_string(tr[0]));
                break;
        }
out:
        if (ev)
                rd_kafka_event_destroy(ev);
        if (q)
                rd_kafka_queue_destroy(q);
        if (opts)
                rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_NewTopic_destroy(nt);
        return rc;
}

/* The topic's cleanup.policy into out; 0, or -1 when it can not be read. */
static int describe_cleanup_policy(rd_kafka_t *rk, const char *topic,
                                   int timeout_ms, char *out, size_t out_size)
{
        rd_kafka_ConfigResource_t *cr;
        rd_kafka_AdminOptions_t *opts;
        rd_kafka_queue_t *q;
        rd_kafka_event_t *ev;
        const rd_kafka_DescribeConfigs_result_t *res;
        const rd_kafka_ConfigResource_t **rs;
        size_t nrs, nent, i;
        char e[256];
        int rc = -1;

        cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
        opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
        rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, e,
                                                  sizeof(e));
        q = rd_kafka_queue_new(rk);
        rd_kafka_DescribeConfigs(rk, &cr, 1, opts, q);
        ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
        if (!ev || rd_kafka_event_error(ev)) {
                LOG_DEBUG(lg(), "cleanup.policy of topic %s not readable: %s",
                          topic,
                          ev ? rd_kafka_event_error_string(ev) : "timeout");
                goto out;
        }
        res = rd_kafka_event_DescribeConfigs_result(ev);
        rs = res ? rd_kafka_DescribeConfigs_result_resources(res, &nrs) : NULL;
        if (!rs || nrs < 1 || rd_kafka_ConfigResource_error(rs[0]))
                goto out;
        {
                const rd_kafka_ConfigEntry_t **ents =
                        rd_kafka_ConfigResource_configs(rs[0], &nent);

                for (i = 0; i < nent; i++) {
                        const char *v;

                        if (strcmp(rd_kafka_ConfigEntry_name(ents[i]),
                                   "cleanup.policy"))
                                continue;
                        v = rd_kafka_ConfigEntry_value(ents[i]);
                        snprintf(out, out_size, "%s", v ? v : "");
                        rc = 0;
                        break;
                }
        }
out:
        if (ev)
                rd_kafka_event_destroy(ev);
        rd_kafka_queue_destroy(q);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_ConfigResource_destroy(cr);
        return rc;
}

/* Whether the cluster names a controller among its brokers: the Admin
 * requests go there. The embedded mock cluster names none (and serves no
 * CreateTopics or DescribeConfigs), so there the Admin API is skipped
 * instead of waiting out the timeout. */
static int cluster_has_controller(rd_kafka_t *rk, int timeout_ms)
{
        const struct rd_kafka_metadata *md = NULL;
        int32_t ctrl = rd_kafka_controllerid(rk, timeout_ms);
        int i, found = 0;

        if (ctrl < 0 || rd_kafka_metadata(rk, 0, NULL, &md, timeout_ms))
                return 0;
        for (i = 0; i < md->broker_cnt; i++)
                if (md->brokers[i].id == ctrl)
                        found = 1;
        rd_kafka_metadata_destroy(md);
        return found;
}

int kafka_log_topic_ensure(rd_kafka_conf_t *admin_conf, const char *topic,
                           int partitions, int replication_factor,
                           const void *configs, int exactly_one_partition,
                           int timeout_ms, char *errstr, size_t errstr_size)
{
        rd_kafka_t *rk;
        char e[512], why[512] = "", policy[256];
        int admin, n, rc = -1;

        rk = rd_kafka_new(RD_KAFKA_PRODUCER, admin_conf, e, sizeof(e));
        if (!rk) {
                rd_kafka_conf_destroy(admin_conf);
                snprintf(errstr, errstr_size,
                         "Kafka admin client for topic %s: %s", topic, e);
                return -1;
        }
        n = topic_partitions(rk, topic, timeout_ms, errstr, errstr_size);
        if (n < 0)
                goto out;
        admin = cluster_has_controller(rk, timeout_ms);
        if (n == 0) {
                int created;

                if (!admin) {
                        snprintf(errstr, errstr_size,
                                 "Topic '%s' does not exist and the cluster "
                                 "can not create topics (no Admin API): "
                                 "create it with %d partition(s) and "
                                 "cleanup.policy=compact",
                                 topic, partitions);
                        goto out;
                }
                created = create_topic(rk, topic, partitions,
                                       replication_factor, configs,
                                       timeout_ms, why, sizeof(why));
                if (created < 0) {
                        snprintf(errstr, errstr_size,
                                 "Could not create topic '%s': %s", topic,
                                 why);
                        goto out;
                }
                if (created == 0) {
                        rc = 0;
                        goto out;
                }
                /* Created meanwhile by another worker, or not creatable. */
                n = topic_partitions(rk, topic, timeout_ms, errstr,
                                     errstr_size);
                if (n < 0)
                        goto out;
                if (n == 0) {
                        snprintf(errstr, errstr_size,
                                 "Topic '%s' does not exist and could not be "
                                 "created: %s",
                                 topic, why);
                        goto out;
                }
        }
        if (exactly_one_partition && n != 1) {
                snprintf(errstr, errstr_size,
                         "Topic '%s' supplied via the '%s' property is "
                         "required to have a single partition in order to "
                         "guarantee consistency of connector configurations, "
                         "but found %d partitions.",
                         topic, config_topic_key, n);
                goto out;
        }
        if (admin &&
            describe_cleanup_policy(rk, topic, timeout_ms, policy,
                                    sizeof(policy)) == 0 &&
            strcmp(policy, "compact") != 0) {
                snprintf(errstr, errstr_size,
                         "Topic '%s' is required to have "
                         "'cleanup.policy=compact' to guarantee consistency "
                         "and durability of the data it holds, but found the "
                         "topic currently has 'cleanup.policy=%s'.",
                         topic, policy);
                goto out;
        }
        rc = 0;
out:
        rd_kafka_destroy(rk);
        return rc;
}
