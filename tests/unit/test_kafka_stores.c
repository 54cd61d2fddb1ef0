/*
 * Unit tests for the offset and status stores over Connect's internal
 * topics (storage/kafka/kafka_offset_store.c, kafka_status_store.c), against
 * an in-process mock cluster with the topics pre-created (offsets 25,
 * status 5 partitions). Records are read back raw with a plain consumer to
 * check the exact key and value bytes and partitions of the distributed
 * spec (sections 3 and 4); two store instances on one topic play two
 * workers.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "kafka_log.h"
#include "kafka_stores.h"
#include "kmock.h"

static kmock_t km;
static char err[1024];

static void setup(void)
{
        cr_assert_eq(kmock_start(&km), 0);
        rd_kafka_mock_topic_create(km.mc, "connect-offsets", 25, 1);
        rd_kafka_mock_topic_create(km.mc, "connect-status", 5, 1);
        err[0] = '\0';
}

static void teardown(void)
{
        kmock_stop(&km);
}

/* A record written by "Java" (a plain producer), before a store reads it. */
static void produce_raw(const char *topic, int32_t partition,
                        const char *key, const char *value)
{
        rd_kafka_conf_t *conf = kmock_conf(&km);
        char e[256];
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof(e));

        cr_assert_not_null(rk, "%s", e);
        cr_assert_eq(rd_kafka_producev(
                             rk, RD_KAFKA_V_TOPIC(topic),
                             RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY((void *)key, strlen(key)),
                             RD_KAFKA_V_VALUE((void *)value,
                                              value ? strlen(value) : 0),
                             RD_KAFKA_V_END),
                     0);
        cr_assert_eq(rd_kafka_flush(rk, 10000), 0);
        rd_kafka_destroy(rk);
}

static offset_store_t *open_offsets(void)
{
        offset_store_t *os = kafka_offset_store_open(
                "connect-offsets", kmock_conf(&km), kmock_conf(&km), err,
                sizeof(err));

        cr_assert_not_null(os, "%s", err);
        return os;
}

static status_store_t *open_status(void)
{
        status_store_t *ss = kafka_status_store_open(
                "connect-status", kmock_conf(&km), kmock_conf(&km), err,
                sizeof(err));

        cr_assert_not_null(ss, "%s", err);
        return ss;
}

static char *get_off(offset_store_t *os, const char *conn, const char *part)
{
        char *v = NULL;

        cr_assert_eq(offset_store_get(os, conn, part, &v, err, sizeof(err)),
                     0, "%s", err);
        return v;
}

/* ---------- offsets ---------- */

static const char javakey[] =
        "[\"file-source\",{\"filename\":\"/tmp/in.txt\"}]";

Test(kafka_offsets, java_record_format, .init = setup, .fini = teardown,
     .timeout = 120)
{
        offset_store_t *os = open_offsets();
        const char *parts[] = {"{ \"filename\" : \"/tmp/in.txt\" }"};
        const char *offs[] = {"{ \"position\" : 1234 }"};
        kmock_rec_t *recs;
        char *v;
        int n;

        cr_assert_eq(offset_store_put(os, "file-source", 1, parts, offs, err,
                                      sizeof(err)), 0, "%s", err);
        /* The writer sees its own offsets at once. */
        v = get_off(os, "file-source", "{\"filename\":\"/tmp/in.txt\"}");
        cr_assert_str_eq(v, "{\"position\":1234}");
        free(v);
        offset_store_close(os);

        recs = kmock_read_all(&km, "connect-offsets", 25, &n);
        cr_assert_eq(n, 1);
        cr_assert_eq(recs[0].partition, 13);
        cr_assert_eq(recs[0].keylen, 42);
        cr_assert_eq(memcmp(recs[0].key, javakey, 42), 0, "%s", recs[0].key);
        cr_assert_str_eq(recs[0].value, "{\"position\":1234}");
        kmock_recs_free(recs, n);
}

struct each_acc {
        int n;
        char buf[1024];
};

static int each_cb(void *opaque, const char *part, const char *off)
{
        struct each_acc *a = opaque;
        size_t l = strlen(a->buf);

        snprintf(a->buf + l, sizeof(a->buf) - l, "%s=%s;", part, off);
        a->n++;
        return 0;
}

Test(kafka_offsets, two_workers_see_each_other_after_sync, .init = setup,
     .fini = teardown, .timeout = 120)
{
        offset_store_t *a = open_offsets(), *b = open_offsets();
        const char *p1[] = {"{\"f\":\"x\"}", "{\"f\":\"y\"}"};
        const char *o1[] = {"{\"pos\":1}", "{\"pos\":2}"};
        const char *o2[] = {"{\"pos\":10}"};
        struct each_acc acc = {0};
        char *v;

        cr_assert_eq(offset_store_put(a, "src", 2, p1, o1, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(offset_store_sync(b, err, sizeof(err)), 0, "%s", err);
        v = get_off(b, "src", "{\"f\":\"y\"}");
        cr_assert_str_eq(v, "{\"pos\":2}");
        free(v);
        cr_assert_null(get_off(b, "other", "{\"f\":\"y\"}"));

        cr_assert_eq(offset_store_put(b, "src", 1, p1, o2, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(offset_store_sync(a, err, sizeof(err)), 0, "%s", err);
        v = get_off(a, "src", "{\"f\":\"x\"}");
        cr_assert_str_eq(v, "{\"pos\":10}");
        free(v);
        cr_assert_eq(offset_store_each(a, "src", each_cb, &acc, err,
                                       sizeof(err)), 0);
        cr_assert_eq(acc.n, 2);
        cr_assert_str_eq(acc.buf,
                         "{\"f\":\"x\"}={\"pos\":10};{\"f\":\"y\"}={\"pos\":2};");

        /* A third worker started later reads it all at start. */
        {
                offset_store_t *c = open_offsets();

                v = get_off(c, "src", "{\"f\":\"x\"}");
                cr_assert_str_eq(v, "{\"pos\":10}");
                free(v);
                offset_store_close(c);
        }
        offset_store_close(a);
        offset_store_close(b);
}

Test(kafka_offsets, reuses_existing_key_bytes, .init = setup,
     .fini = teardown, .timeout = 120)
{
        /* Java's HashMap order, not ours: b before a. */
        const char *jkey = "[\"src\",{\"b\":1,\"a\":\"z\"}]";
        int32_t jpart = kafka_murmur2_partition(jkey, strlen(jkey), 25);
        const char *parts[] = {"{\"a\":\"z\",\"b\":1}"};
        const char *offs[] = {"{\"o\":2}"};
        offset_store_t *os;
        kmock_rec_t *recs;
        char *v;
        int n, i;

        produce_raw("connect-offsets", jpart, jkey, "{\"o\":1}");
        os = open_offsets();
        /* Matched on the parsed JSON. */
        v = get_off(os, "src", "{\"a\":\"z\",\"b\":1}");
        cr_assert_str_eq(v, "{\"o\":1}");
        free(v);
        cr_assert_eq(offset_store_put(os, "src", 1, parts, offs, err,
                                      sizeof(err)), 0, "%s", err);
        v = get_off(os, "src", "{\"b\":1,\"a\":\"z\"}");
        cr_assert_str_eq(v, "{\"o\":2}");
        free(v);
        offset_store_close(os);

        recs = kmock_read_all(&km, "connect-offsets", 25, &n);
        cr_assert_eq(n, 2);
        for (i = 0; i < n; i++) {
                cr_assert_str_eq(recs[i].key, jkey);
                cr_assert_eq(recs[i].partition, jpart);
        }
        cr_assert_str_eq(recs[1].value, "{\"o\":2}");
        kmock_recs_free(recs, n);
}

Test(kafka_offsets, tombstones_and_delete_all, .init = setup,
     .fini = teardown, .timeout = 120)
{
        offset_store_t *a, *b;
        const char *parts[] = {"{\"f\":1}", "{\"f\":2}", "{\"f\":3}"};
        const char *offs[] = {"{\"p\":1}", "{\"p\":2}", "{\"p\":3}"};
        const char *null1[] = {NULL};
        const char *keep[] = {"{\"f\":9}"};
        struct each_acc acc = {0};
        kmock_rec_t *recs;
        int n, i, tombs = 0;

        /* Junk keys (not [string, object]) are ignored. */
        produce_raw("connect-offsets", 0, "not json", "{\"p\":0}");
        produce_raw("connect-offsets", 1, "[\"x\",1]", "{\"p\":0}");
        a = open_offsets();
        b = open_offsets();
        cr_assert_eq(offset_store_put(a, "src", 3, parts, offs, err,
                                      sizeof(err)), 0, "%s", err);
        cr_assert_eq(offset_store_put(a, "other", 1, keep, offs, err,
                                      sizeof(err)), 0, "%s", err);
        /* A null offset: a tombstone for that partition. */
        cr_assert_eq(offset_store_put(a, "src", 1, &parts[2], null1, err,
                                      sizeof(err)), 0, "%s", err);
        cr_assert_null(get_off(a, "src", "{\"f\":3}"));
        cr_assert_eq(offset_store_sync(b, err, sizeof(err)), 0, "%s", err);
        cr_assert_null(get_off(b, "src", "{\"f\":3}"));
        cr_assert_eq(offset_store_each(b, "src", each_cb, &acc, err,
                                       sizeof(err)), 0);
        cr_assert_eq(acc.n, 2, "%s", acc.buf);

        /* Reset from the other worker: one tombstone per partition with a
         * value (f=1, f=2), none for f=3. */
        cr_assert_eq(offset_store_delete_all(b, "src", err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_null(get_off(b, "src", "{\"f\":1}"));
        cr_assert_eq(offset_store_sync(a, err, sizeof(err)), 0, "%s", err);
        cr_assert_null(get_off(a, "src", "{\"f\":2}"));
        {
                char *v = get_off(a, "other", "{\"f\":9}");

                cr_assert_str_eq(v, "{\"p\":1}");
                free(v);
        }
        offset_store_close(a);
        offset_store_close(b);

        recs = kmock_read_all(&km, "connect-offsets", 25, &n);
        cr_assert_eq(n, 2 + 3 + 1 + 1 + 2);
        for (i = 0; i < n; i++) {
                if (!recs[i].value) {
                        tombs++;
                        cr_assert_eq(recs[i].partition,
                                     kafka_murmur2_partition(
                                             recs[i].key, recs[i].keylen,
                                             25));
                        cr_assert(strncmp(recs[i].key, "[\"src\",{\"f\":",
                                          12) == 0, "%s", recs[i].key);
                }
        }
        cr_assert_eq(tombs, 3);
        kmock_recs_free(recs, n);
}

/* ---------- status ---------- */

struct st_row {
        char conn[64];
        int task;
        char state[32];
        char trace[64];
        int has_trace;
        char worker[32];
        int gen;
};

struct st_acc {
        int n;
        struct st_row r[32];
};

static int st_cb(void *opaque, const char *connector, int task,
                 const char *state, const char *trace, const char *worker_id,
                 int generation)
{
        struct st_acc *a = opaque;

        if (a->n < 32) {
                struct st_row *r = &a->r[a->n++];

                snprintf(r->conn, sizeof(r->conn), "%s", connector);
                r->task = task;
                snprintf(r->state, sizeof(r->state), "%s", state);
                r->has_trace = trace != NULL;
                snprintf(r->trace, sizeof(r->trace), "%s",
                         trace ? trace : "");
                snprintf(r->worker, sizeof(r->worker), "%s", worker_id);
                r->gen = generation;
        }
        return 0;
}

/* The store's status of (connector, task) as "STATE/worker/gen", or
 * "none". */
static void status_of(status_store_t *ss, const char *conn, int task,
                      char *out, size_t outsz)
{
        struct st_acc acc = {0};
        int i;

        snprintf(out, outsz, "none");
        cr_assert_eq(status_store_each(ss, st_cb, &acc, err, sizeof(err)), 0);
        for (i = 0; i < acc.n; i++)
                if (strcmp(acc.r[i].conn, conn) == 0 && acc.r[i].task == task)
                        snprintf(out, outsz, "%s/%s/%d", acc.r[i].state,
                                 acc.r[i].worker, acc.r[i].gen);
}

/* Polls until the store shows `want` for (connector, task). */
static void await_status(status_store_t *ss, const char *conn, int task,
                         const char *want)
{
        time_t deadline = time(NULL) + 30;
        char got[128];

        for (;;) {
                status_of(ss, conn, task, got, sizeof(got));
                if (strcmp(got, want) == 0)
                        return;
                cr_assert(time(NULL) < deadline, "%s-%d: got %s, want %s",
                          conn, task, got, want);
                usleep(20000);
        }
}

Test(kafka_status, java_record_format, .init = setup, .fini = teardown,
     .timeout = 120)
{
        status_store_t *ss = open_status();
        kmock_rec_t *recs;
        int n;

        cr_assert_eq(status_store_put(ss, "file-source", -1, "RUNNING", NULL,
                                      "10.0.0.5:8083", 7, 0, err,
                                      sizeof(err)), 0, "%s", err);
        cr_assert_eq(status_store_put(ss, "file-source", 0, "FAILED",
                                      "boom\n\tat x", "10.0.0.6:8083", 7, 1,
                                      err, sizeof(err)), 0, "%s", err);
        await_status(ss, "file-source", 0, "FAILED/10.0.0.6:8083/7");
        await_status(ss, "file-source", -1, "RUNNING/10.0.0.5:8083/7");
        cr_assert_eq(kafka_status_store_max_generation(ss), 7);
        status_store_close(ss);

        recs = kmock_read_all(&km, "connect-status", 5, &n);
        cr_assert_eq(n, 2);
        cr_assert_eq(recs[0].partition, 0);
        cr_assert_str_eq(recs[0].key, "status-connector-file-source");
        cr_assert_str_eq(recs[0].value,
                         "{\"state\":\"RUNNING\",\"trace\":null,"
                         "\"worker_id\":\"10.0.0.5:8083\",\"generation\":7}");
        cr_assert_eq(recs[1].partition, 3);
        cr_assert_str_eq(recs[1].key, "status-task-file-source-0");
        cr_assert_str_eq(recs[1].value,
                         "{\"state\":\"FAILED\",\"trace\":\"boom\\n\\tat x\","
                         "\"worker_id\":\"10.0.0.6:8083\",\"generation\":7}");
        kmock_recs_free(recs, n);
}

Test(kafka_status, two_workers_and_names_with_dashes, .init = setup,
     .fini = teardown, .timeout = 120)
{
        status_store_t *a = open_status(), *b = open_status();
        struct st_acc acc = {0};
        int i, found = 0;

        cr_assert_eq(status_store_put(a, "my-conn-2", 12, "RUNNING", NULL,
                                      "h1:1", 3, 0, err, sizeof(err)), 0);
        await_status(b, "my-conn-2", 12, "RUNNING/h1:1/3");
        cr_assert_eq(status_store_put(a, "my-conn-2", 2, "RUNNING", NULL,
                                      "h1:1", 3, 0, err, sizeof(err)), 0);
        cr_assert_eq(status_store_put(a, "my-conn-2", -1, "RUNNING", NULL,
                                      "h1:1", 3, 0, err, sizeof(err)), 0);
        cr_assert_eq(status_store_put(a, "a", 0, "PAUSED", NULL, "h1:1", 3, 0,
                                      err, sizeof(err)), 0);
        await_status(b, "my-conn-2", 2, "RUNNING/h1:1/3");
        await_status(b, "my-conn-2", -1, "RUNNING/h1:1/3");
        await_status(b, "a", 0, "PAUSED/h1:1/3");
        cr_assert_eq(status_store_each(b, st_cb, &acc, err, sizeof(err)), 0);
        /* Ordered by connector, then task, the connector first. */
        cr_assert_eq(acc.n, 4);
        cr_assert_str_eq(acc.r[0].conn, "a");
        cr_assert_eq(acc.r[1].task, -1);
        cr_assert_eq(acc.r[2].task, 2);
        cr_assert_eq(acc.r[3].task, 12);
        for (i = 0; i < acc.n; i++)
                if (strcmp(acc.r[i].conn, "my-conn-2") == 0 &&
                    acc.r[i].task == 12) {
                        found++;
                        cr_assert_eq(acc.r[i].task, 12);
                        cr_assert_eq(acc.r[i].has_trace, 0);
                }
        cr_assert_eq(found, 1);
        status_store_close(a);
        status_store_close(b);
}

Test(kafka_status, stale_unassigned_is_ignored, .init = setup,
     .fini = teardown, .timeout = 120)
{
        status_store_t *ss = open_status();
        char got[128];

        cr_assert_eq(status_store_put(ss, "c", 0, "RUNNING", NULL, "w2:1", 5,
                                      0, err, sizeof(err)), 0);
        await_status(ss, "c", 0, "RUNNING/w2:1/5");
        /* The old owner's UNASSIGNED of the same generation comes late. */
        cr_assert_eq(status_store_put(ss, "c", 0, "UNASSIGNED", NULL, "w1:1",
                                      5, 0, err, sizeof(err)), 0);
        /* A marker after it on the same partition: once seen, the
         * UNASSIGNED was read too. */
        {
                int32_t p0 = kafka_murmur2_partition("status-task-c-0", 15, 5);
                char key[64];
                int k;

                for (k = 1;; k++) {
                        snprintf(key, sizeof(key), "status-task-c-%d", k);
                        if (kafka_murmur2_partition(key, strlen(key), 5) == p0)
                                break;
                }
                cr_assert_eq(status_store_put(ss, "c", k, "RUNNING", NULL,
                                              "w1:1", 5, 0, err, sizeof(err)),
                             0);
                await_status(ss, "c", k, "RUNNING/w1:1/5");
        }
        status_of(ss, "c", 0, got, sizeof(got));
        cr_assert_str_eq(got, "RUNNING/w2:1/5");
        /* A newer generation's UNASSIGNED is taken. */
        cr_assert_eq(status_store_put(ss, "c", 0, "UNASSIGNED", NULL, "w1:1",
                                      6, 0, err, sizeof(err)), 0);
        await_status(ss, "c", 0, "UNASSIGNED/w1:1/6");
        cr_assert_eq(kafka_status_store_max_generation(ss), 6);
        status_store_close(ss);
}

/* A hand-over: the new owner's RUNNING is read before the old owner's late
 * UNASSIGNED of the connector; the connector still shows as running. Its
 * own UNASSIGNED (a worker stopping with nobody to take over) stands. */
Test(kafka_status, stale_connector_unassigned_is_ignored, .init = setup,
     .fini = teardown, .timeout = 120)
{
        status_store_t *ss = open_status();
        char got[128];

        cr_assert_eq(status_store_put(ss, "hc", -1, "RUNNING", NULL, "w2:1",
                                      7, 0, err, sizeof(err)), 0);
        await_status(ss, "hc", -1, "RUNNING/w2:1/7");
        cr_assert_eq(status_store_put(ss, "hc", -1, "UNASSIGNED", NULL,
                                      "w1:1", 6, 0, err, sizeof(err)), 0);
        /* A marker after it on the same partition: once seen, the
         * UNASSIGNED was read too. */
        {
                int32_t p0 = kafka_murmur2_partition("status-connector-hc",
                                                     19, 5);
                char key[64], name[32];
                int k;

                for (k = 1;; k++) {
                        snprintf(name, sizeof(name), "hc%d", k);
                        snprintf(key, sizeof(key), "status-connector-%s",
                                 name);
                        if (kafka_murmur2_partition(key, strlen(key), 5) ==
                            p0)
                                break;
                }
                cr_assert_eq(status_store_put(ss, name, -1, "RUNNING", NULL,
                                              "w1:1", 6, 0, err, sizeof(err)),
                             0);
                await_status(ss, name, -1, "RUNNING/w1:1/6");
        }
        status_of(ss, "hc", -1, got, sizeof(got));
        cr_assert_str_eq(got, "RUNNING/w2:1/7");
        /* The owner's own UNASSIGNED is taken. */
        cr_assert_eq(status_store_put(ss, "hc", -1, "UNASSIGNED", NULL,
                                      "w2:1", 7, 0, err, sizeof(err)), 0);
        await_status(ss, "hc", -1, "UNASSIGNED/w2:1/7");
        status_store_close(ss);
}

Test(kafka_status, put_safe_and_remove, .init = setup, .fini = teardown,
     .timeout = 120)
{
        status_store_t *a = open_status(), *b;
        kmock_rec_t *recs;
        int n, i, failed = 0, tombs = 0;

        cr_assert_eq(status_store_put(a, "s", 0, "RUNNING", NULL, "w1:1", 9,
                                      0, err, sizeof(err)), 0);
        cr_assert_eq(status_store_put(a, "s", 1, "RUNNING", NULL, "w1:1", 9,
                                      0, err, sizeof(err)), 0);
        cr_assert_eq(status_store_put(a, "s", -1, "RUNNING", NULL, "w1:1", 9,
                                      0, err, sizeof(err)), 0);
        b = open_status();
        await_status(b, "s", 0, "RUNNING/w1:1/9");
        /* Another worker, lower generation: dropped. */
        cr_assert_eq(status_store_put(b, "s", 0, "FAILED", "x", "w2:1", 8, 1,
                                      err, sizeof(err)), 0);
        /* Same worker, lower generation: written. */
        cr_assert_eq(status_store_put(b, "s", 0, "PAUSED", NULL, "w1:1", 2,
                                      1, err, sizeof(err)), 0);
        /* Another worker, same generation: written. */
        cr_assert_eq(status_store_put(b, "s", 1, "FAILED", "y", "w2:1", 9, 1,
                                      err, sizeof(err)), 0);
        /* Both readers have both records before the removal: the records
         * sit on other partitions than the tombstone, and a reader applies
         * partitions in no set order (a task status read after its
         * connector's tombstone comes back, in Java too). */
        await_status(a, "s", 0, "PAUSED/w1:1/2");
        await_status(b, "s", 0, "PAUSED/w1:1/2");
        await_status(a, "s", 1, "FAILED/w2:1/9");
        await_status(b, "s", 1, "FAILED/w2:1/9");

        /* Removing the connector drops its tasks too. */
        cr_assert_eq(status_store_remove(b, "s", -1, err, sizeof(err)), 0);
        await_status(a, "s", -1, "none");
        await_status(a, "s", 1, "none");
        await_status(b, "s", 0, "none");
        status_store_close(a);
        status_store_close(b);

        recs = kmock_read_all(&km, "connect-status", 5, &n);
        for (i = 0; i < n; i++) {
                if (recs[i].value && strstr(recs[i].value, "\"x\""))
                        failed++;
                if (!recs[i].value) {
                        tombs++;
                        cr_assert_str_eq(recs[i].key, "status-connector-s");
                }
        }
        cr_assert_eq(failed, 0);
        cr_assert_eq(tombs, 1);
        cr_assert_eq(n, 3 + 2 + 1);
        kmock_recs_free(recs, n);
}

/* Records a store can not use are skipped: other key kinds, keys without a
 * task number, values that are not status objects. */
Test(kafka_status, junk_records_are_ignored, .init = setup, .fini = teardown,
     .timeout = 120)
{
        static const char *junk[][2] = {
                {"status-topic-lines:connector-x",
                 "{\"topic\":{\"name\":\"lines\",\"connector\":\"x\","
                 "\"task\":0,\"discoverTimestamp\":1}}"},
                {"status-task-x", "{\"state\":\"RUNNING\"}"},
                {"status-task-x-", "{\"state\":\"RUNNING\"}"},
                {"status-task--3", "{\"state\":\"RUNNING\"}"},
                {"status-task-x-+1", "{\"state\":\"RUNNING\"}"},
                {"status-task-x-1a", "{\"state\":\"RUNNING\"}"},
                {"status-connector-y", "not json"},
                {"status-connector-y", "[1,2]"},
                {"status-connector-y", "{\"state\":5}"},
                {"status-connector-y",
                 "{\"state\":\"RUNNING\",\"generation\":\"7\"}"},
                {"other", "{\"state\":\"RUNNING\"}"},
        };
        struct st_acc acc = {0};
        status_store_t *ss;
        size_t i;

        for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
                produce_raw("connect-status", (int32_t)(i % 5), junk[i][0],
                            junk[i][1]);
        /* One good record, tolerant of a missing trace. */
        produce_raw("connect-status", 0, "status-task-x-y-7",
                    "{\"state\":\"PAUSED\",\"worker_id\":\"w:1\","
                    "\"generation\":4}");
        ss = open_status();
        cr_assert_eq(status_store_each(ss, st_cb, &acc, err, sizeof(err)), 0);
        cr_assert_eq(acc.n, 1);
        cr_assert_str_eq(acc.r[0].conn, "x-y");
        cr_assert_eq(acc.r[0].task, 7);
        cr_assert_str_eq(acc.r[0].state, "PAUSED");
        cr_assert_eq(acc.r[0].has_trace, 0);
        cr_assert_eq(kafka_status_store_max_generation(ss), 4);
        status_store_close(ss);
}
