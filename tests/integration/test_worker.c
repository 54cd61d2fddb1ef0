/*
 * The worker process itself: bad worker configs stop the start with a
 * message naming the key; a missing broker does not stop the REST API;
 * --version and the config reference.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"

Test(worker, unknown_setting_is_refused_naming_the_key)
{
        char *err;
        int rc = run_worker_config("listeners=http://127.0.0.1:0\n"
                                   "bootstrap.server=localhost:9092\n",
                                   &err);
        cr_assert_eq(rc, 1, "exit %d", rc);
        cr_assert(strstr(err, "Unknown worker configuration "
                              "'bootstrap.server'"),
                  "%s", err);
        free(err);
}

Test(worker, malformed_values_are_refused_naming_the_key)
{
        char *err;
        int rc = run_worker_config("listeners=http://127.0.0.1:0\n"
                                   "offset.flush.interval.ms=soon\n",
                                   &err);
        cr_assert_eq(rc, 1);
        cr_assert(strstr(err, "Invalid value soon for configuration "
                              "offset.flush.interval.ms"),
                  "%s", err);
        free(err);
        rc = run_worker_config("listeners=https://127.0.0.1:8443\n", &err);
        cr_assert_eq(rc, 1);
        cr_assert(strstr(err, "listeners"), "%s", err);
        free(err);
        rc = run_worker_config("listeners=http://127.0.0.1:0\n"
                               "topic.tracking.enable=maybe\n",
                               &err);
        cr_assert_eq(rc, 1);
        cr_assert(strstr(err, "Expected value to be either true or false"),
                  "%s", err);
        free(err);
}

Test(worker, unusable_store_is_a_clear_error)
{
        char *err;
        int rc = run_worker_config("listeners=http://127.0.0.1:0\n"
                                   "storage.path=/\n",
                                   &err);
        cr_assert_eq(rc, 1);
        cr_assert(strstr(err, "cannot open store"), "%s", err);
        free(err);
}

Test(worker, busy_port_is_a_clear_error)
{
        worker_t *w = worker_start(NULL, NULL);
        const char *port = strrchr(w->url, ':') + 1;
        char props[256], *err;
        int rc;

        snprintf(props, sizeof(props), "listeners=http://127.0.0.1:%s\n",
                 port);
        rc = run_worker_config(props, &err);
        cr_assert_eq(rc, 1);
        cr_assert(strstr(err, "REST server"), "%s", err);
        free(err);
        /* The first worker is unaffected. */
        json_decref(http_json(w, "GET", "/connectors", NULL, 200));
        worker_free(w);
}

static long long mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Test(worker, missing_broker_keeps_rest_serving, .timeout = 120)
{
        /* Nothing listens on port 1. */
        worker_t *w = worker_start("bootstrap.servers=127.0.0.1:1\n", NULL);
        char in[512], *body;
        long long t0;
        json_t *j;
        http_resp_t *r;

        t0 = mono_ms();
        j = http_json(w, "GET", "/", NULL, 200);
        cr_assert(mono_ms() - t0 < 2000, "GET / took %lld ms",
                  mono_ms() - t0);
        cr_assert(json_is_null(json_object_get(j, "kafka_cluster_id")) ||
                  json_is_string(json_object_get(j, "kafka_cluster_id")));
        json_decref(j);

        worker_path(w, "in.txt", in, sizeof(in));
        spit(in, "a\nb\n", 0);
        cr_assert(asprintf(&body,
                           "{\"name\":\"nobroker\",\"config\":{\"connector."
                           "class\":\"FileStreamSource\",\"file\":\"%s\","
                           "\"topic\":\"t\"}}",
                           in) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(wait_status(w, "nobroker", "RUNNING", 1, "RUNNING", 20000));
        /* Still serving, quickly, while the producer cannot connect. */
        t0 = mono_ms();
        r = http_req(w, "GET", "/connectors/nobroker/status", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert(mono_ms() - t0 < 2000);
        http_resp_free(r);
        {
                char *log = worker_stderr(w);
                int named = strstr(log, "127.0.0.1:1") != NULL;
                free(log);
                cr_assert(named, "the unreachable broker is named in the log");
        }
        json_decref(http_json(w, "DELETE", "/connectors/nobroker", NULL,
                              204));
        worker_free(w);
}

Test(worker, version_and_config_reference)
{
        char cmd[1024];
        FILE *fp;
        char line[512];
        int saw_row = 0;

        snprintf(cmd, sizeof(cmd), "'%s' --version", getenv("CONNECTD_BIN"));
        fp = popen(cmd, "r");
        cr_assert(fgets(line, sizeof(line), fp));
        cr_assert(!strncmp(line, "connectd ", 9), "%s", line);
        pclose(fp);
        snprintf(cmd, sizeof(cmd), "'%s' --worker-config-reference",
                 getenv("CONNECTD_BIN"));
        fp = popen(cmd, "r");
        while (fgets(line, sizeof(line), fp))
                if (strstr(line, "| `offset.flush.interval.ms` | LONG | "
                                 "`10000` |"))
                        saw_row = 1;
        pclose(fp);
        cr_assert(saw_row);
}

/* README's worker configuration reference is the binary's own table: every
 * line `--worker-config-reference` prints stands in README.md, in order. */
Test(worker, readme_config_reference_is_current)
{
        char cmd[1024], path[1024], *readme, *at, *nl;
        char line[4096];
        FILE *fp;
        int rows = 0;

        snprintf(path, sizeof(path), "%s/README.md",
                 getenv("CONNECTD_SOURCE_DIR"));
        readme = slurp(path);
        cr_assert_not_null(readme, "cannot read %s", path);
        at = strstr(readme, "\n## Worker configuration reference\n");
        cr_assert_not_null(at, "README has no worker configuration reference");
        snprintf(cmd, sizeof(cmd), "'%s' --worker-config-reference",
                 getenv("CONNECTD_BIN"));
        fp = popen(cmd, "r");
        cr_assert_not_null(fp);
        while (fgets(line, sizeof(line), fp)) {
                char *hit;

                if ((nl = strchr(line, '\n')))
                        *nl = '\0';
                if (!*line)
                        continue;
                hit = strstr(at, line);
                cr_assert(hit && (hit[-1] == '\n') &&
                                  (hit[strlen(line)] == '\n'),
                          "README's worker configuration reference lacks (or "
                          "misorders) this line; paste the output of "
                          "`connectd --worker-config-reference`:\n%s",
                          line);
                at = hit + strlen(line);
                rows++;
        }
        pclose(fp);
        cr_assert_gt(rows, 40);
        free(readme);
}

static char *source_body(const worker_t *w, const char *name, size_t filler)
{
        char in[512], *body, *pad = malloc(filler + 1);

        cr_assert_not_null(pad);
        memset(pad, 'x', filler);
        pad[filler] = '\0';
        worker_path(w, "in.txt", in, sizeof(in));
        cr_assert(asprintf(&body,
                           "{\"name\":\"%s\",\"config\":{\"connector.class\":"
                           "\"FileStreamSource\",\"file\":\"%s\","
                           "\"topic\":\"t-%s\",\"padding\":\"%s\"}}",
                           name, in, name, pad) > 0);
        free(pad);
        return body;
}

/* A connector paused before a restart comes back PAUSED with its tasks,
 * paused too (from the stored task configs), as Connect shows them. */
Test(worker, paused_connector_restores_with_paused_tasks, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char *body = source_body(w, "held", 0);

        json_decref(http_json(w, "POST", "/connectors", body, 201));
        cr_assert(wait_status(w, "held", "RUNNING", 1, "RUNNING", 20000));
        json_decref(http_json(w, "PUT", "/connectors/held/pause", NULL, 202));
        cr_assert(wait_status(w, "held", "PAUSED", 1, "PAUSED", 20000));
        worker_kill9(w);
        worker_restart(w);
        cr_assert(wait_status(w, "held", "PAUSED", 1, "PAUSED", 20000),
                  "restored paused connector without its paused task");
        json_t *t = http_json(w, "GET", "/connectors/held/tasks", NULL, 200);
        cr_assert_eq(json_array_size(t), 1);
        json_decref(t);
        json_decref(http_json(w, "PUT", "/connectors/held/resume", NULL, 202));
        cr_assert(wait_status(w, "held", "RUNNING", 1, "RUNNING", 20000));
        free(body);
        worker_free(w);
}

/* The store's files cannot grow (a per-file size limit: the kernel fails
 * the write as on a full disk). A create that cannot be stored is a 500
 * naming the store file; the worker keeps serving; after a restart with
 * room again, every connector that was acknowledged is there and the
 * refused one is not. */
Test(worker, full_disk_refuses_clearly_and_loses_nothing, .timeout = 180)
{
        worker_t *w = worker_start(NULL, NULL);
        char name[32], *body;
        int acked = 0, refused = 0, i;
        json_t *j;

        body = source_body(w, "before", 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        json_decref(http_json(w, "PUT", "/connectors/before/pause", NULL, 202));
        cr_assert(wait_status(w, "before", "PAUSED", -1, NULL, 20000));
        cr_assert_eq(worker_stop(w), 0);

        w->fsize_limit = 512 * 1024;
        worker_restart(w);
        for (i = 0; i < 100 && !refused; i++) {
                snprintf(name, sizeof(name), "big%d", i);
                body = source_body(w, name, 40 * 1024);
                http_resp_t *r = http_req(w, "POST", "/connectors", body, NULL);
                free(body);
                if (r->status == 201) {
                        acked++;
                } else {
                        refused = 1;
                        cr_assert_eq(r->status, 500, "%ld %s", r->status,
                                     r->body);
                        cr_assert_not_null(r->json, "%s", r->body);
                        cr_assert_eq(json_integer_value(json_object_get(
                                             r->json, "error_code")),
                                     500);
                        cr_assert(strstr(r->body, "connectd.db") &&
                                          strstr(r->body, "disk full"),
                                  "%s", r->body);
                }
                http_resp_free(r);
        }
        cr_assert(refused, "%d creates, none refused at the size limit",
                  acked);
        /* Still serving; the refused connector does not exist. */
        j = http_json(w, "GET", "/connectors", NULL, 200);
        cr_assert_eq(json_array_size(j), (size_t)acked + 1);
        json_decref(j);
        snprintf(name, sizeof(name), "/connectors/big%d", acked);
        json_decref(http_json(w, "GET", name, NULL, 404));
        json_decref(http_json(w, "GET", "/connectors/before/status", NULL,
                              200));

        worker_kill9(w);
        w->fsize_limit = 0;
        worker_restart(w);
        j = http_json(w, "GET", "/connectors", NULL, 200);
        cr_assert_eq(json_array_size(j), (size_t)acked + 1,
                     "acknowledged connectors lost");
        json_decref(j);
        for (i = 0; i < acked; i++) {
                snprintf(name, sizeof(name), "/connectors/big%d/config", i);
                j = http_json(w, "GET", name, NULL, 200);
                cr_assert_eq(strlen(json_string_value(
                                     json_object_get(j, "padding"))),
                             40 * 1024);
                json_decref(j);
        }
        snprintf(name, sizeof(name), "/connectors/big%d", acked);
        json_decref(http_json(w, "GET", name, NULL, 404));
        cr_assert(wait_status(w, "before", "PAUSED", -1, NULL, 20000));
        worker_free(w);
}
