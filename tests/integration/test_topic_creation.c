/*
 * Topic creation by source connectors (KIP-158) against the embedded
 * cluster: the first record to a new topic creates it with the settings of
 * the first matching topic.creation group (partitions checked with
 * kcat -L), exclude beats include, topic.creation.enable=false leaves the
 * topic to the old behaviour (1 partition), and a bad group setting fails
 * the connector at start with Java's message.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A FileStreamSource reading one line from its own file into `topic`. */
static void create_source(worker_t *w, const char *name, const char *topic,
                          const char *extra)
{
        char in[512], *body = NULL;
        json_t *j;

        snprintf(in, sizeof(in), "%s/%s.txt", w->dir, name);
        cr_assert(spit(in, "hello\n", 0) == 0);
        cr_assert(asprintf(&body,
                           "{\"name\":\"%s\",\"config\":{"
                           "\"connector.class\":\"FileStreamSource\","
                           "\"file\":\"%s\",\"topic\":\"%s\","
                           "\"tasks.max\":\"1\"%s}}",
                           name, in, topic, extra ? extra : "") > 0);
        j = http_json(w, "POST", "/connectors", body, 201);
        json_decref(j);
        free(body);
}

typedef struct {
        worker_t *w;
        const char *conn;
        const char *topic;
} tw_t;

/* The connector's active topics (GET /connectors/N/topics) name `topic`:
 * a record was delivered there. Asking the embedded cluster itself would
 * create the topic (its Metadata creates what it is asked about). */
static int topic_in_use(void *arg)
{
        tw_t *t = arg;
        char path[256];
        http_resp_t *r;
        int ok;

        snprintf(path, sizeof(path), "/connectors/%s/topics", t->conn);
        r = http_req(t->w, "GET", path, NULL, NULL);
        ok = r->status == 200 && strstr(r->body, t->topic) != NULL;
        http_resp_free(r);
        return ok;
}

/* Partitions of an existing topic as kcat -L reports them. */
static int kcat_partitions(const char *bootstrap, const char *topic)
{
        char cmd[1024], line[1024];
        FILE *fp;
        int n = -1;

        snprintf(cmd, sizeof(cmd),
                 "kcat -L -b '%s' -t '%s' -X allow.auto.create.topics=false "
                 "-m 10 2>/dev/null",
                 bootstrap, topic);
        fp = popen(cmd, "r");
        cr_assert_not_null(fp);
        while (fgets(line, sizeof(line), fp)) {
                const char *p = strstr(line, "with ");
                /*   topic "orders-raw" with 3 partitions: */
                if (strstr(line, "topic \"") && p)
                        n = atoi(p + 5);
        }
        pclose(fp);
        return n;
}

static void wait_records(worker_t *w, const char *conn, const char *topic)
{
        tw_t t = { w, conn, topic };
        cr_assert(wait_until(topic_in_use, &t, 30000),
                  "no records in %s", topic);
}

#define TC_DEFAULT                                                            \
        ",\"topic.creation.default.replication.factor\":\"1\","              \
        "\"topic.creation.default.partitions\":\"2\""

Test(topic_creation, first_record_creates_with_group_settings, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);

        /* Two groups match: the first in topic.creation.groups wins. */
        create_source(w, "tc-a", "orders-raw",
                      TC_DEFAULT
                      ",\"topic.creation.groups\":\"g1,g2\","
                      "\"topic.creation.g1.include\":\"orders-.*\","
                      "\"topic.creation.g1.partitions\":\"3\","
                      "\"topic.creation.g2.include\":\"orders-raw\","
                      "\"topic.creation.g2.partitions\":\"5\"");
        cr_assert(wait_status(w, "tc-a", "RUNNING", 1, "RUNNING", 20000));
        wait_records(w, "tc-a", "orders-raw");
        cr_assert_eq(kcat_partitions(w->bootstrap, "orders-raw"), 3);

        /* No group matches: default (2 partitions). */
        create_source(w, "tc-b", "payments",
                      TC_DEFAULT
                      ",\"topic.creation.groups\":\"g1\","
                      "\"topic.creation.g1.include\":\"orders-.*\","
                      "\"topic.creation.g1.partitions\":\"3\"");
        wait_records(w, "tc-b", "payments");
        cr_assert_eq(kcat_partitions(w->bootstrap, "payments"), 2);
        worker_free(w);
}

Test(topic_creation, exclude_beats_include, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);

        create_source(w, "tc-x", "orders-secret",
                      TC_DEFAULT
                      ",\"topic.creation.groups\":\"g1, g2\","
                      "\"topic.creation.g1.include\":\"orders-.*\","
                      "\"topic.creation.g1.exclude\":\".*-secret\","
                      "\"topic.creation.g1.partitions\":\"3\","
                      "\"topic.creation.g2.include\":\"orders-s.*\","
                      "\"topic.creation.g2.partitions\":\"4\"");
        wait_records(w, "tc-x", "orders-secret");
        /* g1 excluded it, g2 (next in order) takes it. */
        cr_assert_eq(kcat_partitions(w->bootstrap, "orders-secret"), 4);
        worker_free(w);
}

Test(topic_creation, worker_disabled_means_no_creation_by_us, .timeout = 120)
{
        worker_t *w = worker_start("topic.creation.enable=false\n", NULL);

        /* Even partitions=0, which would fail the connector when enabled,
         * is ignored. */
        create_source(w, "tc-off", "quiet",
                      ",\"topic.creation.default.replication.factor\":\"1\","
                      "\"topic.creation.default.partitions\":\"0\","
                      "\"topic.creation.groups\":\"g1\","
                      "\"topic.creation.g1.include\":\".*\","
                      "\"topic.creation.g1.partitions\":\"6\"");
        cr_assert(wait_status(w, "tc-off", "RUNNING", 1, "RUNNING", 20000));
        wait_records(w, "tc-off", "quiet");
        /* The embedded cluster's own default (1), not the group's 6. */
        cr_assert_eq(kcat_partitions(w->bootstrap, "quiet"), 1);
        worker_free(w);
}

static void assert_failed_with(worker_t *w, const char *name,
                               const char *want)
{
        char path[256];
        json_t *st;
        const char *trace;

        cr_assert(wait_status(w, name, "FAILED", -1, NULL, 20000),
                  "%s did not fail", name);
        snprintf(path, sizeof(path), "/connectors/%s/status", name);
        st = http_json(w, "GET", path, NULL, 200);
        trace = json_string_value(json_object_get(
                json_object_get(st, "connector"), "trace"));
        cr_assert(trace && strstr(trace, want), "trace: %s",
                  trace ? trace : "(none)");
        json_decref(st);
}

Test(topic_creation, bad_settings_fail_the_connector_at_start, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);

        create_source(w, "tc-zero", "never",
                      ",\"topic.creation.default.replication.factor\":\"1\","
                      "\"topic.creation.default.partitions\":\"0\"");
        assert_failed_with(w, "tc-zero",
                           "Invalid value 0 for configuration partitions: "
                           "Number of partitions must be positive, or -1 to "
                           "use the broker's default");
        create_source(w, "tc-missing", "never",
                      ",\"topic.creation.groups\":\"g1\"");
        assert_failed_with(w, "tc-missing",
                           "Missing required configuration "
                           "\"topic.creation.default.replication.factor\" "
                           "which has no default value.");
        create_source(w, "tc-short", "never",
                      ",\"topic.creation.default.replication.factor\":"
                      "\"40000\","
                      "\"topic.creation.default.partitions\":\"1\"");
        assert_failed_with(w, "tc-short",
                           "Invalid value 40000 for configuration "
                           "topic.creation.default.replication.factor: Not "
                           "a number of type SHORT");
        create_source(w, "tc-rf", "never",
                      TC_DEFAULT ",\"topic.creation.groups\":\"g1\","
                      "\"topic.creation.g1.replication.factor\":\"0\"");
        assert_failed_with(w, "tc-rf",
                           "Invalid value 0 for configuration "
                           "replication.factor: Replication factor must be "
                           "positive");
        create_source(w, "tc-re", "never",
                      TC_DEFAULT ",\"topic.creation.groups\":\"g1\","
                      "\"topic.creation.g1.include\":\"a(\"");
        assert_failed_with(w, "tc-re",
                           "Invalid value [a(] for configuration include: "
                           "Syntax error in regular expression");
        worker_free(w);
}

/* A worker pointed at a separate embedded cluster goes through the Kafka
 * client path (describe by Metadata, CreateTopics when missing). That
 * cluster's Metadata creates what it is asked about (4 partitions), so the
 * topic is found, not created with the group's settings, and the task
 * runs on (documented). */
Test(topic_creation, separate_embedded_cluster_uses_the_client_path,
     .timeout = 120)
{
        ekafka_t *k = ekafka_start();
        char props[512];
        worker_t *w;

        snprintf(props, sizeof(props), "bootstrap.servers=%s\n",
                 k->bootstrap);
        w = worker_start(props, NULL);
        create_source(w, "tc-ext", "ext-topic", TC_DEFAULT);
        wait_records(w, "tc-ext", "ext-topic");
        cr_assert(wait_status(w, "tc-ext", "RUNNING", 1, "RUNNING", 5000));
        cr_assert_eq(kcat_partitions(k->bootstrap, "ext-topic"), 4);
        worker_free(w);
        ekafka_stop(k);
}

/* The topic is the one after the transforms: RegexRouter renames it, and
 * the new name is created with the group that matches it. */
Test(topic_creation, name_after_the_transforms, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);

        create_source(w, "tc-route", "orders-raw",
                      TC_DEFAULT
                      ",\"transforms\":\"route\","
                      "\"transforms.route.type\":"
                      "\"org.apache.kafka.connect.transforms.RegexRouter\","
                      "\"transforms.route.regex\":\"(.*)-raw\","
                      "\"transforms.route.replacement\":\"$1-clean\","
                      "\"topic.creation.groups\":\"raw,clean\","
                      "\"topic.creation.raw.include\":\".*-raw\","
                      "\"topic.creation.raw.partitions\":\"5\","
                      "\"topic.creation.clean.include\":\".*-clean\","
                      "\"topic.creation.clean.partitions\":\"3\"");
        wait_records(w, "tc-route", "orders-clean");
        cr_assert_eq(kcat_partitions(w->bootstrap, "orders-clean"), 3);
        worker_free(w);
}
