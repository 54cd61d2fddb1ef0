/*
 * Unit tests for storage/kafka/kafka_config_store.c against an in-process
 * librdkafka mock cluster whose config topic is pre-created with one
 * partition: the bytes each write puts on the topic (distributed spec 2.2),
 * what a store reads back (2.1, 2.3), and two stores (two workers) seeing
 * each other's writes.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka_stores.h"

#define TOPIC "connect-configs"

static rd_kafka_t *owner;
static rd_kafka_mock_cluster_t *mc;
static char bootstraps[256];
static char err[512];

static void setup(void)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char e[256];

        rd_kafka_conf_set(conf, "log_level", "3", e, sizeof(e));
        owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof(e));
        cr_assert_not_null(owner, "%s", e);
        mc = rd_kafka_mock_cluster_new(owner, 1);
        cr_assert_not_null(mc);
        cr_assert_eq(rd_kafka_mock_topic_create(mc, TOPIC, 1, 1), 0);
        snprintf(bootstraps, sizeof(bootstraps), "%s",
                 rd_kafka_mock_cluster_bootstraps(mc));
        err[0] = '\0';
}

static void teardown(void)
{
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(owner);
}

TestSuite(kafka_config_store, .init = setup, .fini = teardown,
          .timeout = 120);

static rd_kafka_conf_t *conf_new(int consumer)
{
        rd_kafka_conf_t *c = rd_kafka_conf_new();
        char e[256];

        cr_assert_eq(rd_kafka_conf_set(c, "bootstrap.servers", bootstraps, e,
                                       sizeof(e)),
                     RD_KAFKA_CONF_OK, "%s", e);
        rd_kafka_conf_set(c, "log_level", "3", e, sizeof(e));
        if (consumer)
                rd_kafka_conf_set(c, "group.id", "test-config-reader", e,
                                  sizeof(e));
        return c;
}

/* ---- a listener that records what it is told ---- */

typedef struct rec_listener {
        pthread_mutex_t lock;
        char text[16384];
} rec_listener_t;

static void rl_add(rec_listener_t *rl, const char *a, const char *b,
                   const char *c)
{
        size_t n;

        pthread_mutex_lock(&rl->lock);
        n = strlen(rl->text);
        snprintf(rl->text + n, sizeof(rl->text) - n, "%s %s %s\n", a, b, c);
        pthread_mutex_unlock(&rl->lock);
}

static void rl_connector(void *o, const char *name, const json_t *config)
{
        char *s = config ? json_dumps(config, JSON_COMPACT) : NULL;

        rl_add(o, "connector", name, s ? s : "null");
        free(s);
}

static void rl_target(void *o, const char *name, const char *target)
{
        rl_add(o, "target", name, target ? target : "null");
}

static void rl_tasks(void *o, const char *name, const json_t *tasks)
{
        char *s = tasks ? json_dumps(tasks, JSON_COMPACT) : NULL;

        rl_add(o, "tasks", name, s ? s : "null");
        free(s);
}

static void rl_restart(void *o, const char *name, int it, int of)
{
        char b[32];

        snprintf(b, sizeof(b), "%d,%d", it, of);
        rl_add(o, "restart", name, b);
}

static config_listener_t rl_listener(rec_listener_t *rl)
{
        config_listener_t l = { rl, rl_connector, rl_target, rl_tasks,
                                rl_restart };

        pthread_mutex_init(&rl->lock, NULL);
        rl->text[0] = '\0';
        return l;
}

static int rl_contains(rec_listener_t *rl, const char *s)
{
        int r;

        pthread_mutex_lock(&rl->lock);
        r = strstr(rl->text, s) != NULL;
        pthread_mutex_unlock(&rl->lock);
        return r;
}

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls the listener for s until a deadline. */
static int rl_wait(rec_listener_t *rl, const char *s, int timeout_ms)
{
        int64_t dl = now_ms() + timeout_ms;

        while (now_ms() < dl) {
                if (rl_contains(rl, s))
                        return 1;
                struct timespec ts = { 0, 10 * 1000000L };
                nanosleep(&ts, NULL);
        }
        return rl_contains(rl, s);
}

static config_store_t *open_store(const config_listener_t *l)
{
        config_store_t *cs = kafka_config_store_open(TOPIC, conf_new(0),
                                                     conf_new(1), l, err,
                                                     sizeof(err));

        cr_assert_not_null(cs, "open: %s", err);
        return cs;
}

/* ---- raw access to the topic ---- */

/* Every record as "key value\n" (value "NULL" for a tombstone). */
static char *topic_dump(void)
{
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf_new(1), err,
                                      sizeof(err));
        rd_kafka_topic_partition_list_t *tp =
                rd_kafka_topic_partition_list_new(1);
        int64_t lo, hi, next = 0;
        size_t size = 65536, n = 0;
        char *out = calloc(1, size);

        cr_assert_not_null(rk, "%s", err);
        cr_assert_eq(rd_kafka_query_watermark_offsets(rk, TOPIC, 0, &lo, &hi,
                                                      10000),
                     0);
        rd_kafka_topic_partition_list_add(tp, TOPIC, 0)->offset =
                RD_KAFKA_OFFSET_BEGINNING;
        cr_assert_eq(rd_kafka_assign(rk, tp), 0);
        rd_kafka_topic_partition_list_destroy(tp);
        while (next < hi) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 5000);

                cr_assert_not_null(m, "topic dump timed out at %lld/%lld",
                                   (long long)next, (long long)hi);
                if (!m->err) {
                        n += (size_t)snprintf(
                                out + n, size - n, "%.*s %.*s\n",
                                (int)m->key_len, (const char *)m->key,
                                m->payload ? (int)m->len : 4,
                                m->payload ? (const char *)m->payload
                                           : "NULL");
                        next = m->offset + 1;
                }
                rd_kafka_message_destroy(m);
        }
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return out;
}

static void produce(const char *key, const char *value)
{
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf_new(0), err,
                                      sizeof(err));

        cr_assert_not_null(rk, "%s", err);
        cr_assert_eq(rd_kafka_producev(
                             rk, RD_KAFKA_V_TOPIC(TOPIC),
                             RD_KAFKA_V_PARTITION(0),
                             RD_KAFKA_V_KEY(key, strlen(key)),
                             RD_KAFKA_V_VALUE((void *)value,
                                              value ? strlen(value) : 0),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_END),
                     0);
        cr_assert_eq(rd_kafka_flush(rk, 10000), 0);
        rd_kafka_destroy(rk);
}

static json_t *j(const char *s)
{
        json_t *v = json_loads(s, 0, NULL);

        cr_assert_not_null(v, "bad test json %s", s);
        return v;
}

static char *tasks_str(config_store_t *cs, const char *name)
{
        json_t *t = NULL;
        char *s;

        cr_assert_eq(config_store_tasks_get(cs, name, &t, err, sizeof(err)),
                     0, "%s", err);
        s = json_dumps(t, JSON_COMPACT);
        json_decref(t);
        return s;
}

typedef struct each_out {
        char text[1024];
} each_out_t;

static int each_cb(void *o, const char *name, const json_t *config,
                   const char *target)
{
        each_out_t *e = o;
        size_t n = strlen(e->text);

        (void)config;
        snprintf(e->text + n, sizeof(e->text) - n, "%s:%s ", name, target);
        return 0;
}

static void each_expect(config_store_t *cs, const char *want)
{
        each_out_t e = { "" };

        cr_assert_eq(config_store_connector_each(cs, each_cb, &e, err,
                                                 sizeof(err)),
                     0, "%s", err);
        cr_assert_str_eq(e.text, want);
}

#define FILE_SOURCE_PROPS                                                    \
        "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/"       \
        "in.txt\",\"topic\":\"lines\",\"tasks.max\":\"1\",\"name\":"        \
        "\"file-source\"}"
#define FILE_SOURCE_TASK                                                     \
        "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/"       \
        "in.txt\",\"topic\":\"lines\",\"tasks.max\":\"1\",\"name\":"        \
        "\"file-source\",\"task.class\":\"org.apache.kafka.connect.file."   \
        "FileStreamSourceTask\"}"

/* ------------------------------------------------------------------ */

Test(kafka_config_store, create_writes_the_bytes_kcat_shows)
{
        config_store_t *cs = open_store(NULL);
        json_t *cfg = j(FILE_SOURCE_PROPS);
        json_t *tasks = j("[" FILE_SOURCE_TASK "]");
        char *dump, *s;

        cr_assert_eq(kafka_config_store_offset(cs), 0);
        cr_assert_eq(config_store_connector_put(cs, "file-source", cfg, NULL,
                                                err, sizeof(err)),
                     0, "%s", err);
        /* own view already holds it */
        each_expect(cs, "file-source:STARTED ");
        cr_assert_eq(config_store_tasks_put(cs, "file-source", tasks, err,
                                            sizeof(err)),
                     0, "%s", err);
        s = tasks_str(cs, "file-source");
        cr_assert_str_eq(s, "[" FILE_SOURCE_TASK "]");
        free(s);
        dump = topic_dump();
        cr_assert_str_eq(dump,
                         "connector-file-source {\"properties\":"
                         FILE_SOURCE_PROPS "}\n"
                         "task-file-source-0 {\"properties\":"
                         FILE_SOURCE_TASK "}\n"
                         "commit-file-source {\"tasks\":1}\n");
        free(dump);
        cr_assert_eq(kafka_config_store_offset(cs), 3);
        json_decref(cfg);
        json_decref(tasks);
        config_store_close(cs);
}

Test(kafka_config_store, tasks_put_writes_only_changes)
{
        config_store_t *cs = open_store(NULL);
        json_t *cfg = j("{\"connector.class\":\"X\"}");
        json_t *t1 = j("[{\"t\":\"0\"},{\"t\":\"1\"}]");
        json_t *t2 = j("[{\"t\":\"0\"},{\"t\":\"changed\"}]");
        json_t *empty = json_array();

        cr_assert_eq(config_store_connector_put(cs, "c", cfg, NULL, err,
                                                sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(config_store_tasks_put(cs, "c", t1, err, sizeof(err)),
                     0);
        cr_assert_eq(kafka_config_store_offset(cs), 4);
        /* same set: nothing written */
        cr_assert_eq(config_store_tasks_put(cs, "c", t1, err, sizeof(err)),
                     0);
        cr_assert_eq(kafka_config_store_offset(cs), 4);
        /* one map differs: full set + commit */
        cr_assert_eq(config_store_tasks_put(cs, "c", t2, err, sizeof(err)),
                     0);
        cr_assert_eq(kafka_config_store_offset(cs), 7);
        /* connector reconfigured since the commit: rewritten */
        cr_assert_eq(config_store_connector_put(cs, "c", cfg, NULL, err,
                                                sizeof(err)),
                     0);
        cr_assert_eq(config_store_tasks_put(cs, "c", t2, err, sizeof(err)),
                     0);
        cr_assert_eq(kafka_config_store_offset(cs), 11);
        /* zero tasks: just the commit */
        cr_assert_eq(config_store_tasks_put(cs, "c", empty, err,
                                            sizeof(err)),
                     0);
        cr_assert_eq(kafka_config_store_offset(cs), 12);
        json_decref(cfg);
        json_decref(t1);
        json_decref(t2);
        json_decref(empty);
        config_store_close(cs);
}

Test(kafka_config_store, target_states_and_initial_state)
{
        config_store_t *cs = open_store(NULL);
        json_t *cfg = j("{\"connector.class\":\"X\"}");
        char *dump;

        cr_assert_eq(config_store_connector_put(cs, "c", cfg, "PAUSED", err,
                                                sizeof(err)),
                     0, "%s", err);
        each_expect(cs, "c:PAUSED ");
        cr_assert_eq(config_store_target_put(cs, "c", "STOPPED", err,
                                             sizeof(err)),
                     0, "%s", err);
        each_expect(cs, "c:STOPPED ");
        cr_assert_eq(config_store_target_put(cs, "c", "STARTED", err,
                                             sizeof(err)),
                     0, "%s", err);
        each_expect(cs, "c:STARTED ");
        cr_assert_neq(config_store_target_put(cs, "c", "BOGUS", err,
                                              sizeof(err)),
                      0);
        dump = topic_dump();
        cr_assert_str_eq(dump,
                         "target-state-c {\"state\":\"PAUSED\",\"state.v2\":"
                         "\"PAUSED\"}\n"
                         "connector-c {\"properties\":{\"connector.class\":"
                         "\"X\"}}\n"
                         "commit-c {\"tasks\":0}\n"
                         "target-state-c {\"state\":\"PAUSED\",\"state.v2\":"
                         "\"STOPPED\"}\n"
                         "target-state-c {\"state\":\"STARTED\",\"state.v2\":"
                         "\"STARTED\"}\n");
        free(dump);
        /* an old writer without state.v2, then a tombstone */
        produce("target-state-c", "{\"state\":\"PAUSED\"}");
        cr_assert_eq(kafka_config_store_sync(cs, 10000, err, sizeof(err)), 0,
                     "%s", err);
        each_expect(cs, "c:PAUSED ");
        produce("target-state-c", NULL);
        cr_assert_eq(kafka_config_store_sync(cs, 10000, err, sizeof(err)), 0);
        each_expect(cs, "c:STARTED ");
        json_decref(cfg);
        config_store_close(cs);
}

Test(kafka_config_store, delete_writes_two_tombstones)
{
        config_store_t *cs = open_store(NULL);
        json_t *cfg = j("{\"connector.class\":\"X\"}");
        json_t *t1 = j("[{\"t\":\"0\"}]");
        char *dump, *s;

        cr_assert_eq(config_store_connector_put(cs, "a", cfg, NULL, err,
                                                sizeof(err)),
                     0);
        cr_assert_eq(config_store_connector_put(cs, "b", cfg, NULL, err,
                                                sizeof(err)),
                     0);
        cr_assert_eq(config_store_tasks_put(cs, "a", t1, err, sizeof(err)),
                     0);
        cr_assert_eq(config_store_connector_delete(cs, "a", err,
                                                   sizeof(err)),
                     0, "%s", err);
        each_expect(cs, "b:STARTED ");
        s = tasks_str(cs, "a");
        cr_assert_str_eq(s, "[]");
        free(s);
        dump = topic_dump();
        cr_assert(strstr(dump, "commit-a {\"tasks\":1}\n"
                               "connector-a NULL\n"
                               "target-state-a NULL\n"),
                  "%s", dump);
        free(dump);
        json_decref(cfg);
        json_decref(t1);
        config_store_close(cs);
}

Test(kafka_config_store, two_workers_see_each_others_writes)
{
        rec_listener_t rla, rlb;
        config_listener_t la = rl_listener(&rla), lb = rl_listener(&rlb);
        config_store_t *a = open_store(&la);
        config_store_t *b = open_store(&lb);
        json_t *cfg = j("{\"connector.class\":\"X\"}");
        json_t *t1 = j("[{\"t\":\"0\"}]");
        char *s;
        int64_t off;

        cr_assert_eq(config_store_connector_put(a, "c", cfg, NULL, err,
                                                sizeof(err)),
                     0);
        cr_assert_eq(config_store_tasks_put(a, "c", t1, err, sizeof(err)),
                     0);
        off = kafka_config_store_offset(a);
        cr_assert_eq(off, 3);
        /* b catches up to the offset an assignment would carry */
        cr_assert_eq(kafka_config_store_wait_offset(b, off, 10000), 0);
        each_expect(b, "c:STARTED ");
        s = tasks_str(b, "c");
        cr_assert_str_eq(s, "[{\"t\":\"0\"}]");
        free(s);
        cr_assert(rl_wait(&rlb, "connector c {\"connector.class\":\"X\"}\n"
                                "tasks c [{\"t\":\"0\"}]\n",
                          10000),
                  "%s", rlb.text);
        /* and the other way round */
        cr_assert_eq(config_store_target_put(b, "c", "PAUSED", err,
                                             sizeof(err)),
                     0);
        cr_assert_eq(kafka_config_store_sync(a, 10000, err, sizeof(err)), 0);
        each_expect(a, "c:PAUSED ");
        cr_assert(rl_wait(&rla, "target c PAUSED\n", 10000), "%s",
                  rla.text);
        /* a restart request written by one is reported by both */
        cr_assert_eq(kafka_config_store_restart(a, "c", 1, 0, err,
                                                sizeof(err)),
                     0, "%s", err);
        cr_assert(rl_wait(&rla, "restart c 1,0\n", 10000), "%s", rla.text);
        cr_assert(rl_wait(&rlb, "restart c 1,0\n", 10000), "%s", rlb.text);
        /* nothing new: waiting for a later offset times out */
        cr_assert_eq(kafka_config_store_wait_offset(a, 100, 200), -1);
        cr_assert_eq(kafka_config_store_offset(a), 5);
        json_decref(cfg);
        json_decref(t1);
        config_store_close(a);
        config_store_close(b);
}

Test(kafka_config_store, inconsistent_task_set_reads_as_none)
{
        rec_listener_t rl;
        config_listener_t l = rl_listener(&rl);
        config_store_t *cs;
        json_t *t = j("[{\"v\":\"1\"},{\"v\":\"1\"}]");
        char *s;

        /* what compaction plus a dying leader can leave */
        produce("connector-c", "{\"properties\":{}}");
        produce("task-c-0", "{\"properties\":{\"v\":\"1\"}}");
        produce("task-c-1", "{\"properties\":{\"v\":\"1\"}}");
        produce("commit-c", "{\"tasks\":2}");
        produce("task-c-1", "{\"properties\":{\"v\":\"2\"}}");
        produce("commit-c", "{\"tasks\":2}");
        cs = open_store(&l);
        cr_assert_eq(kafka_config_store_offset(cs), 6);
        s = tasks_str(cs, "c");
        cr_assert_str_eq(s, "[]");
        free(s);
        cr_assert(rl_contains(&rl, "tasks c null\n"), "%s", rl.text);
        /* the same set as the last complete one is written again */
        cr_assert_eq(config_store_tasks_put(cs, "c", t, err, sizeof(err)),
                     0);
        cr_assert_eq(kafka_config_store_offset(cs), 9);
        s = tasks_str(cs, "c");
        cr_assert_str_eq(s, "[{\"v\":\"1\"},{\"v\":\"1\"}]");
        free(s);
        json_decref(t);
        config_store_close(cs);
}

Test(kafka_config_store, restart_records_not_replayed)
{
        rec_listener_t rl;
        config_listener_t l = rl_listener(&rl);
        config_store_t *cs;

        produce("connector-c", "{\"properties\":{}}");
        produce("restart-connector-c",
                "{\"include-tasks\":true,\"only-failed\":false}");
        cs = open_store(&l);
        cr_assert(rl_contains(&rl, "connector c {}\n"), "%s", rl.text);
        cr_assert_not(rl_contains(&rl, "restart"), "%s", rl.text);
        produce("restart-connector-c",
                "{\"include-tasks\":false,\"only-failed\":true}");
        cr_assert(rl_wait(&rl, "restart c 0,1\n", 10000), "%s", rl.text);
        cr_assert_not(rl_contains(&rl, "restart c 1,0"), "%s", rl.text);
        config_store_close(cs);
}
