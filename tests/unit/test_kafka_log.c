/*
 * Unit tests for storage/kafka/kafka_log.c: Java's murmur2 partitioning
 * (the distributed spec's byte examples), and real round trips against an
 * in-process mock cluster: sends land in the key's partition, a second log
 * on the same topic sees them after read-to-end, tombstones are null
 * values, and topic_ensure refuses a missing or multi-partition config
 * topic without creating anything.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kafka_log.h"
#include "kmock.h"

static const char offkey[] = "[\"file-source\",{\"filename\":\"/tmp/in.txt\"}]";

Test(kafka_murmur2, java_examples)
{
        cr_assert_eq(strlen(offkey), 42);
        /* murmur2 0x7b4a1b90: positive already, below INT32_MAX. */
        cr_assert_eq(kafka_murmur2_partition(offkey, 42, INT32_MAX),
                     0x7b4a1b90);
        cr_assert_eq(kafka_murmur2_partition(offkey, 42, 25), 13);
        cr_assert_eq(kafka_murmur2_partition("status-connector-file-source",
                                             28, 5), 0);
        cr_assert_eq(kafka_murmur2_partition("status-task-file-source-0", 25,
                                             5), 3);
        /* Every tail length (0..3 bytes after the 4-byte blocks). */
        cr_assert_eq(kafka_murmur2_partition("", 0, 1), 0);
        cr_assert(kafka_murmur2_partition("a", 1, 7) >= 0);
        cr_assert(kafka_murmur2_partition("ab", 2, 7) >= 0);
        cr_assert(kafka_murmur2_partition("abc", 3, 7) >= 0);
        cr_assert_eq(kafka_murmur2_partition("abc", 3, 0), -1);
}

/* Java's Utils.murmur2 of a few strings (values computed with Java's
 * algorithm, signed int as Java prints it). */
Test(kafka_murmur2, tails)
{
        /* Known Kafka test vectors (UtilsTest.testMurmur2). */
        static const struct {
                const char *s;
                int32_t h;
        } v[] = {
                {"21", -973932308},
                {"foobar", -790332482},
                {"a-little-bit-long-string", -985981536},
                {"a-little-bit-longer-string", -1486304829},
                {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
                {"abc", 479470107},
        };
        size_t i;

        for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
                int32_t want = (int32_t)((uint32_t)v[i].h & 0x7fffffffu);

                if (want == INT32_MAX)
                        continue;
                cr_expect_eq(kafka_murmur2_partition(v[i].s, strlen(v[i].s),
                                                     INT32_MAX),
                             want, "%s", v[i].s);
        }
}

/* ---------- against the mock cluster ---------- */

static kmock_t km;

struct seen {
        pthread_mutex_t mu;
        int n;
        int32_t part[64];
        int64_t off[64];
        char key[64][64];
        char val[64][64];
        int tomb[64];
};

static void seen_cb(void *opaque, int32_t partition, int64_t offset,
                    const void *key, size_t keylen, const void *value,
                    size_t valuelen)
{
        struct seen *s = opaque;

        pthread_mutex_lock(&s->mu);
        if (s->n < 64) {
                s->part[s->n] = partition;
                s->off[s->n] = offset;
                snprintf(s->key[s->n], 64, "%.*s", (int)keylen,
                         (const char *)key);
                snprintf(s->val[s->n], 64, "%.*s", (int)valuelen,
                         value ? (const char *)value : "");
                s->tomb[s->n] = value == NULL;
                s->n++;
        }
        pthread_mutex_unlock(&s->mu);
}

static void setup(void)
{
        cr_assert_eq(kmock_start(&km), 0);
        rd_kafka_mock_topic_create(km.mc, "t5", 5, 1);
        rd_kafka_mock_topic_create(km.mc, "cfg4", 4, 1);
        rd_kafka_mock_topic_create(km.mc, "cfg1", 1, 1);
}

static void teardown(void)
{
        kmock_stop(&km);
}

static kafka_log_t *open_log(const char *topic, struct seen *s)
{
        char err[512] = "";
        kafka_log_t *kl = kafka_log_new(topic, kmock_conf(&km),
                                        kmock_conf(&km), seen_cb, s, err,
                                        sizeof(err));

        cr_assert_not_null(kl, "%s", err);
        cr_assert_eq(kafka_log_start(kl, 20000, err, sizeof(err)), 0, "%s",
                     err);
        return kl;
}

Test(kafka_log, send_read_back_and_second_reader, .init = setup,
     .fini = teardown, .timeout = 120)
{
        struct seen s1 = {.mu = PTHREAD_MUTEX_INITIALIZER};
        struct seen s2 = {.mu = PTHREAD_MUTEX_INITIALIZER};
        kafka_log_t *a = open_log("t5", &s1), *b;
        const char *k1 = "status-connector-file-source";
        const char *k2 = "status-task-file-source-0";
        char err[512] = "";
        kmock_rec_t *recs;
        int n, i;

        cr_assert_eq(kafka_log_partitions(a), 5);
        cr_assert_eq(s1.n, 0);
        cr_assert_eq(kafka_log_send(a, -1, k1, strlen(k1), "v1", 2, 1, err,
                                    sizeof(err)), 0, "%s", err);
        cr_assert_eq(kafka_log_send(a, -1, k2, strlen(k2), "v2", 2, 1, err,
                                    sizeof(err)), 0, "%s", err);
        cr_assert_eq(kafka_log_send(a, -1, k2, strlen(k2), NULL, 0, 1, err,
                                    sizeof(err)), 0, "%s", err);
        /* Zero-length non-null value is not a tombstone. */
        cr_assert_eq(kafka_log_send(a, 2, "x", 1, "", 0, 1, err,
                                    sizeof(err)), 0, "%s", err);
        cr_assert_eq(kafka_log_read_to_end(a, 20000, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(s1.n, 4);

        /* A second "worker" sees everything at start. */
        b = open_log("t5", &s2);
        cr_assert_eq(s2.n, 4);
        for (i = 0; i < 4; i++) {
                if (strcmp(s2.key[i], k1) == 0) {
                        cr_assert_eq(s2.part[i], 0);
                        cr_assert_str_eq(s2.val[i], "v1");
                }
        }
        /* Writes of one are seen by the other after read-to-end. */
        cr_assert_eq(kafka_log_send(b, -1, k1, strlen(k1), "v3", 2, 1, err,
                                    sizeof(err)), 0, "%s", err);
        cr_assert_eq(kafka_log_read_to_end(a, 20000, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(s1.n, 5);
        cr_assert_str_eq(s1.key[4], k1);
        cr_assert_str_eq(s1.val[4], "v3");
        cr_assert_eq(s1.part[4], 0);

        /* send_all with read_back: visible in the callback on return. */
        {
                const void *keys[2] = {"kx", "ky"};
                size_t kls[2] = {2, 2};
                const void *vals[2] = {"1", NULL};
                size_t vls[2] = {1, 0};

                cr_assert_eq(kafka_log_send_all(a, 2, keys, kls, vals, vls,
                                                1, 20000, err, sizeof(err)),
                             0, "%s", err);
                pthread_mutex_lock(&s1.mu);
                cr_assert_eq(s1.n, 7);
                pthread_mutex_unlock(&s1.mu);
        }
        kafka_log_destroy(a);
        kafka_log_destroy(b);

        /* Raw: partitions and null values as sent. */
        recs = kmock_read_all(&km, "t5", 5, &n);
        cr_assert_eq(n, 7);
        for (i = 0; i < n; i++) {
                if (recs[i].key && strcmp(recs[i].key, k1) == 0)
                        cr_assert_eq(recs[i].partition, 0);
                if (recs[i].key && strcmp(recs[i].key, k2) == 0)
                        cr_assert_eq(recs[i].partition, 3);
                if (recs[i].key && strcmp(recs[i].key, "x") == 0) {
                        cr_assert_eq(recs[i].partition, 2);
                        cr_assert_not_null(recs[i].value);
                        cr_assert_eq(recs[i].valuelen, 0);
                }
                if (recs[i].key && strcmp(recs[i].key, "ky") == 0)
                        cr_assert_null(recs[i].value);
        }
        /* k2's second record is the tombstone */
        {
                int seen_v2 = 0, seen_tomb = 0;

                for (i = 0; i < n; i++)
                        if (recs[i].key && strcmp(recs[i].key, k2) == 0) {
                                if (recs[i].value)
                                        seen_v2 = 1;
                                else
                                        seen_tomb = seen_v2;
                        }
                cr_assert(seen_tomb);
        }
        kmock_recs_free(recs, n);
}

Test(kafka_log, read_to_end_of_empty_topic, .init = setup, .fini = teardown,
     .timeout = 60)
{
        struct seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
        kafka_log_t *kl = open_log("cfg1", &s);
        char err[512] = "";

        cr_assert_eq(kafka_log_read_to_end(kl, 5000, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(s.n, 0);
        kafka_log_destroy(kl);
}

Test(kafka_log, start_refuses_missing_topic, .init = setup,
     .fini = teardown, .timeout = 60)
{
        char err[512] = "";
        kafka_log_t *kl = kafka_log_new("nope", kmock_conf(&km),
                                        kmock_conf(&km), NULL, NULL, err,
                                        sizeof(err));

        cr_assert_not_null(kl, "%s", err);
        cr_assert_eq(kafka_log_start(kl, 10000, err, sizeof(err)), -1);
        cr_assert(strstr(err, "nope"), "%s", err);
        kafka_log_destroy(kl);
}

/* Partition count as a plain client sees it, by an all-topics Metadata
 * request (0: missing). */
static int partitions_of(const char *topic)
{
        rd_kafka_conf_t *conf = kmock_conf(&km);
        const struct rd_kafka_metadata *md;
        char err[256];
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err,
                                      sizeof(err));
        int i, n = 0;

        cr_assert_eq(rd_kafka_metadata(rk, 1, NULL, &md, 10000), 0);
        for (i = 0; i < md->topic_cnt; i++)
                if (strcmp(md->topics[i].topic, topic) == 0)
                        n = md->topics[i].partition_cnt;
        rd_kafka_metadata_destroy(md);
        rd_kafka_destroy(rk);
        return n;
}

Test(kafka_log_topic_ensure, config_topic_with_4_partitions, .init = setup,
     .fini = teardown, .timeout = 60)
{
        char err[1024] = "";

        cr_assert_eq(kafka_log_topic_ensure(kmock_conf(&km), "cfg4", 1, 1,
                                            NULL, 1, 10000, err,
                                            sizeof(err)), -1);
        cr_assert_str_eq(err,
                         "Topic 'cfg4' supplied via the 'config.storage.topic' "
                         "property is required to have a single partition in "
                         "order to guarantee consistency of connector "
                         "configurations, but found 4 partitions.");
        /* Partition count of other topics is not checked. */
        cr_assert_eq(kafka_log_topic_ensure(kmock_conf(&km), "cfg4", 25, 1,
                                            NULL, 0, 10000, err,
                                            sizeof(err)), 0, "%s", err);
        cr_assert_eq(kafka_log_topic_ensure(kmock_conf(&km), "cfg1", 1, 1,
                                            NULL, 1, 10000, err,
                                            sizeof(err)), 0, "%s", err);
}

Test(kafka_log_topic_ensure, missing_topic_is_not_auto_created,
     .init = setup, .fini = teardown, .timeout = 60)
{
        char err[1024] = "";
        json_t *cfg = json_pack("{s:s}", "retention.ms", "-1");

        cr_assert_eq(kafka_log_topic_ensure(kmock_conf(&km), "offsets-x", 25,
                                            1, cfg, 0, 10000, err,
                                            sizeof(err)), -1);
        json_decref(cfg);
        cr_assert(strstr(err, "Topic 'offsets-x' does not exist"), "%s", err);
        cr_assert_eq(partitions_of("offsets-x"), 0);
        cr_assert_eq(partitions_of("t5"), 5);
}

/* Records of a transactional writer (a leader writing the config topic with
 * exactly.once.source.support) are read once committed (read_committed),
 * and read to end finishes after them. (The embedded cluster writes no
 * commit markers, so the gap they leave in a real log can not be shown
 * here; read to end waits for the reader's position, never for a record at
 * hwm-1, which covers it.) */
Test(kafka_log, read_to_end_after_transactions, .init = setup,
     .fini = teardown, .timeout = 120)
{
        struct seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
        kafka_log_t *kl = open_log("cfg1", &s);
        rd_kafka_conf_t *conf = kmock_conf(&km);
        rd_kafka_error_t *txerr;
        char err[512] = "";
        rd_kafka_t *tx;
        int i;

        cr_assert_eq(rd_kafka_conf_set(conf, "transactional.id", "tx-1", err,
                                       sizeof(err)), RD_KAFKA_CONF_OK);
        tx = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        cr_assert_not_null(tx, "%s", err);
        txerr = rd_kafka_init_transactions(tx, 20000);
        cr_assert_null(txerr, "%s", rd_kafka_error_string(txerr));
        for (i = 0; i < 2; i++) {
                cr_assert_null(rd_kafka_begin_transaction(tx));
                cr_assert_eq(rd_kafka_producev(
                                     tx, RD_KAFKA_V_TOPIC("cfg1"),
                                     RD_KAFKA_V_PARTITION(0),
                                     RD_KAFKA_V_KEY("k", 1),
                                     RD_KAFKA_V_VALUE("v", 1),
                                     RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                     RD_KAFKA_V_END),
                             0);
                txerr = rd_kafka_commit_transaction(tx, 20000);
                cr_assert_null(txerr, "%s", rd_kafka_error_string(txerr));
        }
        rd_kafka_destroy(tx);
        cr_assert_eq(kafka_log_read_to_end(kl, 20000, err, sizeof(err)), 0,
                     "%s", err);
        pthread_mutex_lock(&s.mu);
        cr_assert_eq(s.n, 2);
        pthread_mutex_unlock(&s.mu);
        kafka_log_destroy(kl);

        /* And a reader started afterwards. */
        memset(&s, 0, sizeof(s));
        pthread_mutex_init(&s.mu, NULL);
        kl = open_log("cfg1", &s);
        cr_assert_eq(s.n, 2);
        kafka_log_destroy(kl);
}

/* A sender that gives up on its deadline (cluster down) gets an error; its
 * records' delivery reports still arrive later (or are purged at destroy)
 * without touching freed memory (ASan build). */
Test(kafka_log, send_all_times_out_while_cluster_is_down, .init = setup,
     .fini = teardown, .timeout = 120)
{
        struct seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
        kafka_log_t *kl = open_log("t5", &s);
        const void *keys[1] = {"k"};
        size_t kls[1] = {1};
        const void *vals[1] = {"v"};
        size_t vls[1] = {1};
        char err[512] = "";

        rd_kafka_mock_broker_set_down(km.mc, 1);
        cr_assert_eq(kafka_log_send_all(kl, 1, keys, kls, vals, vls, 1, 500,
                                        err, sizeof(err)), -1);
        cr_assert(strstr(err, "Timed out"), "%s", err);
        rd_kafka_mock_broker_set_up(km.mc, 1);
        cr_assert_eq(kafka_log_send_all(kl, 1, keys, kls, vals, vls, 1, 20000,
                                        err, sizeof(err)), 0, "%s", err);
        kafka_log_destroy(kl);
}

/* Still down at destroy: the flush gives up, the purge's delivery reports
 * free the abandoned waiter (LSan would report it otherwise). */
Test(kafka_log, destroy_with_undelivered_records, .init = setup,
     .fini = teardown, .timeout = 120)
{
        struct seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
        kafka_log_t *kl = open_log("t5", &s);
        const void *keys[1] = {"k"};
        size_t kls[1] = {1};
        const void *vals[1] = {"v"};
        size_t vls[1] = {1};
        char err[512] = "";

        rd_kafka_mock_broker_set_down(km.mc, 1);
        cr_assert_eq(kafka_log_send_all(kl, 1, keys, kls, vals, vls, 1, 200,
                                        err, sizeof(err)), -1);
        kafka_log_destroy(kl);
}

struct hammer {
        kafka_log_t *kl;
        int id;
        int failures;
};

static void *hammer_main(void *arg)
{
        struct hammer *h = arg;
        char key[32], err[256];
        int i;

        for (i = 0; i < 20; i++) {
                snprintf(key, sizeof(key), "h%d-%d", h->id, i);
                if (kafka_log_send(h->kl, -1, key, strlen(key), "v", 1,
                                   i % 2, err, sizeof(err)))
                        h->failures++;
        }
        return NULL;
}

/* Senders on four threads, waiting and not: every record arrives once. */
Test(kafka_log, concurrent_senders, .init = setup, .fini = teardown,
     .timeout = 120)
{
        static struct seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
        kafka_log_t *kl = open_log("t5", &s);
        struct hammer h[4];
        pthread_t th[4];
        char err[512] = "";
        kmock_rec_t *recs;
        int i, n;

        for (i = 0; i < 4; i++) {
                h[i] = (struct hammer){.kl = kl, .id = i};
                cr_assert_eq(pthread_create(&th[i], NULL, hammer_main, &h[i]),
                             0);
        }
        for (i = 0; i < 4; i++) {
                pthread_join(th[i], NULL);
                cr_assert_eq(h[i].failures, 0);
        }
        kafka_log_destroy(kl); /* flushes the unwaited ones */
        recs = kmock_read_all(&km, "t5", 5, &n);
        cr_assert_eq(n, 80);
        for (i = 0; i < n; i++)
                cr_assert_eq(recs[i].partition,
                             kafka_murmur2_partition(recs[i].key,
                                                     recs[i].keylen, 5));
        kmock_recs_free(recs, n);
        (void)err;
}
