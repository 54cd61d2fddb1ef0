/*
 * kmock — an in-process librdkafka mock cluster for unit tests of the Kafka
 * stores, client configs pointing at it, and a plain consumer that reads a
 * topic's records back raw (partition, offset, key and value bytes).
 */
#ifndef CONNECTD_TEST_KMOCK_H
#define CONNECTD_TEST_KMOCK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

typedef struct kmock {
        rd_kafka_t *rk; /* owner of the cluster */
        rd_kafka_mock_cluster_t *mc;
        char bootstraps[256];
} kmock_t;

typedef struct kmock_rec {
        int32_t partition;
        int64_t offset;
        char *key;      /* NUL-terminated copy, NULL when the key is null */
        size_t keylen;
        char *value;    /* NULL: tombstone */
        size_t valuelen;
} kmock_rec_t;

static inline int kmock_start(kmock_t *km)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[256];

        memset(km, 0, sizeof(*km));
        rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
        km->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!km->rk)
                return -1;
        km->mc = rd_kafka_mock_cluster_new(km->rk, 1);
        if (!km->mc)
                return -1;
        snprintf(km->bootstraps, sizeof(km->bootstraps), "%s",
                 rd_kafka_mock_cluster_bootstraps(km->mc));
        return 0;
}

static inline void kmock_stop(kmock_t *km)
{
        if (km->mc)
                rd_kafka_mock_cluster_destroy(km->mc);
        if (km->rk)
                rd_kafka_destroy(km->rk);
        memset(km, 0, sizeof(*km));
}

static inline rd_kafka_conf_t *kmock_conf(const kmock_t *km)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[256];

        rd_kafka_conf_set(conf, "bootstrap.servers", km->bootstraps, err,
                          sizeof(err));
        rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
        return conf;
}

static inline void kmock_recs_free(kmock_rec_t *recs, int n)
{
        int i;

        for (i = 0; i < n; i++) {
                free(recs[i].key);
                free(recs[i].value);
        }
        free(recs);
}

static inline char *kmock_dup(const void *p, size_t n)
{
        char *s;

        if (!p)
                return NULL;
        s = malloc(n + 1);
        memcpy(s, p, n);
        s[n] = '\0';
        return s;
}

/* Every record of `topic` (partitions 0..nparts-1) in partition, offset
 * order; reads until each partition reached its high watermark. *n set. */
static inline kmock_rec_t *kmock_read_all(const kmock_t *km,
                                          const char *topic, int nparts,
                                          int *n)
{
        rd_kafka_conf_t *conf = kmock_conf(km);
        rd_kafka_topic_partition_list_t *tp;
        kmock_rec_t *recs = NULL;
        int64_t *hi = calloc((size_t)nparts, sizeof(*hi));
        int64_t *next = calloc((size_t)nparts, sizeof(*next));
        int cap = 0, cnt = 0, p, left;
        char err[256];
        rd_kafka_t *rk;
        time_t deadline = time(NULL) + 30;

        rd_kafka_conf_set(conf, "group.id", "kmock-raw-reader", err,
                          sizeof(err));
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", err,
                          sizeof(err));
        rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
        rd_kafka_poll_set_consumer(rk);
        tp = rd_kafka_topic_partition_list_new(nparts);
        left = 0;
        for (p = 0; p < nparts; p++) {
                int64_t lo;

                rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi[p],
                                                 10000);
                next[p] = lo;
                if (hi[p] > lo)
                        left++;
                rd_kafka_topic_partition_list_add(tp, topic, p)->offset =
                        RD_KAFKA_OFFSET_BEGINNING;
        }
        rd_kafka_assign(rk, tp);
        rd_kafka_topic_partition_list_destroy(tp);
        while (left > 0 && time(NULL) < deadline) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);

                if (!m)
                        continue;
                if (!m->err) {
                        if (cnt == cap) {
                                cap = cap ? cap * 2 : 16;
                                recs = realloc(recs, sizeof(*recs) *
                                                             (size_t)cap);
                        }
                        recs[cnt].partition = m->partition;
                        recs[cnt].offset = m->offset;
                        recs[cnt].key = kmock_dup(m->key, m->key_len);
                        recs[cnt].keylen = m->key_len;
                        recs[cnt].value = kmock_dup(m->payload, m->len);
                        recs[cnt].valuelen = m->len;
                        cnt++;
                        if (m->offset + 1 >= hi[m->partition] &&
                            next[m->partition] < hi[m->partition])
                                left--;
                        next[m->partition] = m->offset + 1;
                }
                rd_kafka_message_destroy(m);
        }
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        free(hi);
        free(next);
        /* partition, offset order */
        for (p = 1; p < cnt; p++) {
                kmock_rec_t r = recs[p];
                int q = p - 1;

                while (q >= 0 &&
                       (recs[q].partition > r.partition ||
                        (recs[q].partition == r.partition &&
                         recs[q].offset > r.offset))) {
                        recs[q + 1] = recs[q];
                        q--;
                }
                recs[q + 1] = r;
        }
        *n = cnt;
        return recs;
}

#endif
