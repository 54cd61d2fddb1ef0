/*
 * The herder's reconciliation as a client sees it: config changes made
 * while a connector is paused, task restarts right after a config update,
 * and a bounded shutdown when the cluster cannot be reached.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static long long mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *source_config(const char *file, const char *topic)
{
        char *s = NULL;

        if (asprintf(&s,
                     "{\"connector.class\":\"FileStreamSource\","
                     "\"file\":\"%s\",\"topic\":\"%s\",\"tasks.max\":\"1\","
                     "\"value.converter\":\"org.apache.kafka.connect."
                     "storage.StringConverter\"}",
                     file, topic) < 0)
                cr_assert_fail("asprintf");
        return s;
}

static void put_config(const worker_t *w, const char *name, const char *cfg)
{
        char path[256];

        snprintf(path, sizeof(path), "/connectors/%s/config", name);
        json_decref(http_json(w, "PUT", path, cfg, 200));
}

/* The "topic" of task 0 in GET /tasks, or "" (static buffer). */
static const char *task0_topic(const worker_t *w, const char *name)
{
        static char topic[128];
        char path[256];
        json_t *j;

        snprintf(path, sizeof(path), "/connectors/%s/tasks", name);
        j = http_json(w, "GET", path, NULL, 200);
        snprintf(topic, sizeof(topic), "%s",
                 json_string_value(json_object_get(
                         json_object_get(json_array_get(j, 0), "config"),
                         "topic")) ?: "");
        json_decref(j);
        return topic;
}

typedef struct topic_wait {
        const worker_t *w;
        const char *topic;
        long long want;
} topic_wait_t;

static int topic_has(void *arg)
{
        topic_wait_t *tw = arg;
        return topic_count(tw->w->bootstrap, tw->topic) >= tw->want;
}

/* Pause a FileStream source, give it another topic, restart the worker
 * (kill -9 or SIGTERM), resume: the tasks use the new topic, as /config
 * says, because a connector that starts again regenerates its task
 * configs. */
static void paused_topic_change_survives_restart(int kill9)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[512], *cfg, *body;
        topic_wait_t tw;

        worker_path(w, "in.txt", in, sizeof(in));
        spit(in, "a\nb\nc\n", 0);
        cfg = source_config(in, "old-topic");
        cr_assert(asprintf(&body, "{\"name\":\"src\",\"config\":%s}", cfg) >
                  0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        free(cfg);
        cr_assert(wait_status(w, "src", "RUNNING", 1, "RUNNING", 20000));
        json_decref(http_json(w, "PUT", "/connectors/src/pause", NULL, 202));
        cr_assert(wait_status(w, "src", "PAUSED", 1, "PAUSED", 20000));

        cfg = source_config(in, "new-topic");
        put_config(w, "src", cfg);
        free(cfg);
        cr_assert(wait_status(w, "src", "PAUSED", 1, "PAUSED", 20000));
        if (kill9)
                worker_kill9(w);
        else
                cr_assert_eq(worker_stop(w), 0);
        worker_restart(w);
        cr_assert(wait_status(w, "src", "PAUSED", -1, NULL, 20000));
        {
                json_t *j = http_json(w, "GET", "/connectors/src/config",
                                      NULL, 200);
                cr_assert_str_eq(json_string_value(json_object_get(j,
                                                                   "topic")),
                                 "new-topic");
                json_decref(j);
        }
        json_decref(http_json(w, "PUT", "/connectors/src/resume", NULL, 202));
        cr_assert(wait_status(w, "src", "RUNNING", 1, "RUNNING", 20000));
        cr_assert_str_eq(task0_topic(w, "src"), "new-topic",
                         "tasks still use the topic from before the pause");
        /* The source resumes after what it had read (its offsets): new
         * lines go to the new topic. */
        spit(in, "d\ne\n", 1);
        tw = (topic_wait_t){ w, "new-topic", 2 };
        cr_assert(wait_until(topic_has, &tw, 20000),
                  "the records did not go to the new topic");
        worker_free(w);
}

Test(herder, paused_topic_change_survives_kill9, .timeout = 120)
{
        paused_topic_change_survives_restart(1);
}

Test(herder, paused_topic_change_survives_sigterm, .timeout = 120)
{
        paused_topic_change_survives_restart(0);
}

/* Tasks in GET /tasks and GET /status (counts). */
static void task_counts(const worker_t *w, const char *name, size_t *ntasks,
                        size_t *nstatus, char *state, size_t state_size)
{
        char path[256];
        json_t *j;

        snprintf(path, sizeof(path), "/connectors/%s/tasks", name);
        j = http_json(w, "GET", path, NULL, 200);
        *ntasks = json_array_size(j);
        json_decref(j);
        snprintf(path, sizeof(path), "/connectors/%s/status", name);
        j = http_json(w, "GET", path, NULL, 200);
        *nstatus = json_array_size(json_object_get(j, "tasks"));
        snprintf(state, state_size, "%s",
                 json_string_value(json_object_get(
                         json_object_get(j, "connector"), "state")) ?: "");
        json_decref(j);
}

typedef struct agree_wait {
        const worker_t *w;
        const char *name;
        const char *state;
} agree_wait_t;

/* The connector is in `state` and /tasks and /status list as many
 * tasks. */
static int tasks_agree(void *arg)
{
        agree_wait_t *aw = arg;
        size_t nt, ns;
        char state[32];

        task_counts(aw->w, aw->name, &nt, &ns, state, sizeof(state));
        return !strcmp(state, aw->state) && nt == ns;
}

/* A paused FileStream sink given a generator config: /tasks and /status
 * agree on the tasks while paused, before and after a restart, and the
 * resumed connector runs generator tasks. */
Test(herder, paused_class_change_keeps_tasks_and_status_consistent,
     .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char out[512], *body;
        agree_wait_t aw = { w, "cls", "PAUSED" };
        size_t nt, ns;
        char state[32];
        int i;
        json_t *j;

        worker_path(w, "out.txt", out, sizeof(out));
        cr_assert(asprintf(&body,
                           "{\"name\":\"cls\",\"config\":{\"connector."
                           "class\":\"FileStreamSink\",\"file\":\"%s\","
                           "\"topics\":\"sink-in\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(wait_status(w, "cls", "RUNNING", 1, "RUNNING", 20000));
        json_decref(http_json(w, "PUT", "/connectors/cls/pause", NULL, 202));
        cr_assert(wait_status(w, "cls", "PAUSED", 1, "PAUSED", 20000));

        put_config(w, "cls",
                   "{\"connector.class\":\"GeneratorSourceConnector\","
                   "\"tasks.max\":\"1\",\"genv.gen-out.n.with\":"
                   "\"#{Name.first_name}\","
                   "\"topic.gen-out.records.exactly\":\"5\"}");
        cr_assert(wait_until(tasks_agree, &aw, 20000));
        /* And they keep agreeing while it settles. */
        for (i = 0; i < 10; i++) {
                task_counts(w, "cls", &nt, &ns, state, sizeof(state));
                cr_assert_eq(nt, ns, "/tasks lists %zu tasks, /status %zu",
                             nt, ns);
        }

        worker_kill9(w);
        worker_restart(w);
        cr_assert(wait_until(tasks_agree, &aw, 20000),
                  "after a restart /tasks and /status disagree");

        json_decref(http_json(w, "PUT", "/connectors/cls/resume", NULL, 202));
        cr_assert(wait_status(w, "cls", "RUNNING", 1, "RUNNING", 20000));
        j = http_json(w, "GET", "/connectors/cls/tasks", NULL, 200);
        cr_assert_eq(json_array_size(j), 1);
        cr_assert(strstr(json_string_value(json_object_get(
                                 json_object_get(json_array_get(j, 0),
                                                 "config"),
                                 "task.class")) ?: "",
                         "GeneratorSourceTask"));
        json_decref(j);
        worker_free(w);
}

/* "Set the config, then restart task 0": the task exists in the task
 * configs the PUT answered with, so the restart is accepted every time,
 * and its status is there (not 404) right after the PUT. */
Test(herder, task_restart_right_after_config_update, .timeout = 180)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[512], topic[32], *cfg, *body;
        int i;

        worker_path(w, "in.txt", in, sizeof(in));
        spit(in, "a\n", 0);
        cfg = source_config(in, "t0");
        cr_assert(asprintf(&body, "{\"name\":\"rs\",\"config\":%s}", cfg) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        free(cfg);
        cr_assert(wait_status(w, "rs", "RUNNING", 1, "RUNNING", 20000));

        for (i = 0; i < 20; i++) {
                http_resp_t *r;
                json_t *info;

                snprintf(topic, sizeof(topic), "t%d", i + 1);
                cfg = source_config(in, topic);
                info = http_json(w, "PUT", "/connectors/rs/config", cfg, 200);
                free(cfg);
                cr_assert_eq(json_array_size(json_object_get(info, "tasks")),
                             1, "round %d: PUT listed no task 0", i);
                json_decref(info);

                if (i % 2) {
                        /* Its status, at once: not a 404. */
                        r = http_req(w, "GET",
                                     "/connectors/rs/tasks/0/status", NULL,
                                     NULL);
                        cr_assert_eq(r->status, 200,
                                     "round %d: task status %ld %s", i,
                                     r->status, r->body);
                        http_resp_free(r);
                }
                r = http_req(w, "POST", "/connectors/rs/tasks/0/restart",
                             NULL, NULL);
                cr_assert_eq(r->status, 204, "round %d: restart %ld %s", i,
                             r->status, r->body);
                http_resp_free(r);

                r = http_req(w, "GET", "/connectors/rs/tasks/0/status", NULL,
                             NULL);
                cr_assert_eq(r->status, 200, "round %d: task status %ld %s",
                             i, r->status, r->body);
                cr_assert_not_null(json_string_value(
                        json_object_get(r->json, "state")));
                http_resp_free(r);
        }
        cr_assert(wait_status(w, "rs", "RUNNING", 1, "RUNNING", 20000));
        cr_assert_str_eq(task0_topic(w, "rs"), "t20");
        /* Task 1 does not exist: still a 404. */
        json_decref(http_json(w, "POST", "/connectors/rs/tasks/1/restart",
                              NULL, 404));
        worker_free(w);
}

/* SIGTERM with the cluster unreachable (nothing listens on the port): the
 * source task cannot deliver, and the whole stop takes one graceful
 * timeout, not a flush and an offset commit waiting one after the other.
 * The log says what happened (an undelivered producer flush) and does not
 * blame a plugin call. */
Test(herder, shutdown_with_unreachable_cluster_is_bounded, .timeout = 120)
{
        /* Nothing listens on port 1. */
        worker_t *w = worker_start("bootstrap.servers=127.0.0.1:1\n"
                                   "task.shutdown.graceful.timeout.ms=2000\n"
                                   "offset.flush.timeout.ms=5000\n",
                                   NULL);
        char in[512], *cfg, *body, *log;
        long long t0, took;
        int rc;

        worker_path(w, "in.txt", in, sizeof(in));
        spit(in, "a\nb\nc\n", 0);
        cfg = source_config(in, "nowhere");
        cr_assert(asprintf(&body, "{\"name\":\"down\",\"config\":%s}", cfg) >
                  0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        free(cfg);
        cr_assert(wait_status(w, "down", "RUNNING", 1, "RUNNING", 20000));

        t0 = mono_ms();
        rc = worker_stop(w);
        took = mono_ms() - t0;
        log = worker_stderr(w);
        cr_assert_eq(rc, 0, "exit status %d", rc);
        /* The graceful timeout, plus a little for the rest of the stop. */
        cr_assert_leq(took, scaled_ms(2000 + 1500),
                      "stop took %lld ms (graceful timeout 2000 ms)", took);
        cr_assert_null(strstr(log, "plugin call is not returning"), "%s",
                       log);
        cr_assert_null(strstr(log, "abandoned"), "%s", log);
        cr_assert_not_null(strstr(log, "producer flush did not finish "
                                       "within"),
                           "%s", log);
        cr_assert_not_null(strstr(log, "undelivered"), "%s", log);
        free(log);
        worker_free(w);
}
