/*
 * REST API conformance against the real worker (spec connect-rest-api.md),
 * with the built-in FileStream connectors as connectors under test.
 * Each test starts its own worker on an ephemeral loopback port; every
 * asynchronous transition is awaited with wait_status() (deadline polling).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SRC  "org.apache.kafka.connect.file.FileStreamSourceConnector"
#define SINK "org.apache.kafka.connect.file.FileStreamSinkConnector"
#define T_MS 30000

static worker_t *w;

static void start(void)
{
        w = worker_start(NULL, NULL);
        cr_assert_not_null(w);
}

static void stop(void)
{
        worker_free(w);
        w = NULL;
}

TestSuite(rest, .init = start, .fini = stop, .timeout = 240);

/* An error answer: status, Connect body, optional exact message. */
static void expect_error(const char *method, const char *path, const char *body,
                         const char *ctype, long status, const char *msg)
{
        http_resp_t *r = http_req(w, method, path, body, ctype);
        cr_assert_eq(r->status, status, "%s %s: %ld %s", method, path,
                     r->status, r->body);
        cr_assert_not_null(r->json, "%s %s: body not JSON: %s", method, path,
                           r->body);
        cr_assert(json_is_integer(json_object_get(r->json, "error_code")));
        cr_assert_eq(json_integer_value(json_object_get(r->json, "error_code")),
                     status);
        const char *m = json_string_value(json_object_get(r->json, "message"));
        cr_assert_not_null(m, "%s", r->body);
        if (msg)
                cr_assert_str_eq(m, msg);
        http_resp_free(r);
        /* after each bad request the worker still serves */
        json_decref(http_json(w, "GET", "/connectors", NULL, 200));
}

static long status_of(const char *method, const char *path, const char *body)
{
        http_resp_t *r = http_req(w, method, path, body, NULL);
        long s = r->status;
        http_resp_free(r);
        return s;
}

static char *path_of(const char *name, const char *suffix)
{
        char *esc = url_escape(name), *p = NULL;
        cr_assert_neq(asprintf(&p, "/connectors/%s%s", esc, suffix ? suffix : ""),
                      -1);
        free(esc);
        return p;
}

/* A FileStream source config body (flat map) reading a file of the worker. */
static char *source_config(const char *file_tag, const char *extra)
{
        char fbuf[512], *s = NULL;
        const char *file = worker_path(w, file_tag, fbuf, sizeof(fbuf));
        spit(file, "", 1);
        cr_assert_neq(asprintf(&s, "{\"connector.class\":\"" SRC "\","
                                   "\"tasks.max\":\"1\",\"topic\":\"rest-t\","
                                   "\"file\":\"%s\"%s%s}",
                               file, extra ? "," : "", extra ? extra : ""),
                      -1);
        return s;
}

static void create_source(const char *name, const char *initial_state)
{
        char *cfg = source_config("in.txt", NULL), *body = NULL;
        json_t *jn = json_string(name);
        char *qname = json_dumps(jn, JSON_ENCODE_ANY);
        cr_assert_neq(asprintf(&body, "{\"name\":%s,\"config\":%s%s%s%s}", qname,
                               cfg, initial_state ? ",\"initial_state\":\"" : "",
                               initial_state ? initial_state : "",
                               initial_state ? "\"" : ""), -1);
        http_resp_t *r = http_req(w, "POST", "/connectors", body, NULL);
        cr_assert_eq(r->status, 201, "create %s: %ld %s", name, r->status,
                     r->body);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")),
                         name);
        cr_assert_not_null(r->location);
        char *esc = url_escape(name);
        cr_assert(strstr(r->location, esc), "Location %s lacks %s", r->location,
                  esc);
        free(esc);
        http_resp_free(r);
        free(body);
        free(qname);
        json_decref(jn);
        free(cfg);
}

Test(rest, root_health_plugins)
{
        json_t *j = http_json(w, "GET", "/", NULL, 200);
        cr_assert_str_eq(json_string_value(json_object_get(j, "version")), "3.9.0");
        cr_assert(json_is_string(json_object_get(j, "commit")));
        cr_assert(json_is_string(json_object_get(j, "kafka_cluster_id")));
        json_decref(j);

        j = http_json(w, "GET", "/health", NULL, 200);
        cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "healthy");
        json_decref(j);

        http_resp_t *r = http_req(w, "GET", "/connector-plugins/", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert_str_eq(r->content_type, "application/json");
        size_t i;
        json_t *p;
        int saw_src = 0, saw_sink = 0, sources_started = 0;
        json_array_foreach(r->json, i, p) {
                const char *cls = json_string_value(json_object_get(p, "class"));
                const char *type = json_string_value(json_object_get(p, "type"));
                cr_assert(!strcmp(type, "source") || !strcmp(type, "sink"));
                if (!strcmp(type, "source"))
                        sources_started = 1;
                else
                        cr_assert(!sources_started, "sinks come first");
                saw_src |= !strcmp(cls, SRC);
                saw_sink |= !strcmp(cls, SINK);
        }
        cr_assert(saw_src && saw_sink);
        size_t nconn = json_array_size(r->json);
        http_resp_free(r);

        j = http_json(w, "GET", "/connector-plugins?connectorsOnly=false", NULL, 200);
        cr_assert_gt(json_array_size(j), nconn);
        int saw_conv = 0;
        json_array_foreach(j, i, p)
                if (!strcmp(json_string_value(json_object_get(p, "type")),
                            "converter"))
                        saw_conv = 1;
        cr_assert(saw_conv);
        json_decref(j);

        j = http_json(w, "GET", "/connector-plugins/FileStreamSource/config",
                      NULL, 200);
        cr_assert_eq(json_array_size(j), 23, "20 framework + file/topic/batch.size");
        json_decref(j);
        expect_error("GET", "/connector-plugins/NoSuchPlugin/config", NULL, NULL,
                     404, "Unknown plugin NoSuchPlugin.");

        /* validate: 200 with errors in the body */
        j = http_json(w, "PUT", "/connector-plugins/FileStreamSourceConnector/config/validate",
                      "{\"connector.class\":\"" SRC "\",\"tasks.max\":\"0\","
                      "\"topic\":\"t\",\"name\":\"v\"}", 200);
        cr_assert_eq(json_integer_value(json_object_get(j, "error_count")), 1);
        cr_assert_str_eq(json_string_value(json_object_get(j, "name")), SRC);
        json_decref(j);
        j = http_json(w, "PUT", "/connector-plugins/FileStreamSource/config/validate",
                      "{\"connector.class\":\"" SRC "\",\"topic\":\"t\"}", 200);
        cr_assert_eq(json_integer_value(json_object_get(j, "error_count")), 1,
                     "missing name is an error in the body");
        cr_assert_eq(json_array_size(json_object_get(j, "configs")), 23);
        json_decref(j);
        expect_error("PUT", "/connector-plugins/FileStreamSource/config/validate",
                     "{\"tasks.max\":\"1\"}", NULL, 400, NULL);
        expect_error("PUT", "/connector-plugins/FileStreamSink/config/validate",
                     "{\"connector.class\":\"" SRC "\"}", NULL, 400,
                     "Included connector type " SRC " does not match request "
                     "type FileStreamSink");
        expect_error("PUT", "/connector-plugins/Nope/config/validate",
                     "{\"connector.class\":\"com.example.Nope\"}", NULL, 400, NULL);
}

Test(rest, lifecycle)
{
        create_source("life", NULL);
        cr_assert(wait_status(w, "life", "RUNNING", 1, "RUNNING", T_MS));

        json_t *j = http_json(w, "GET", "/connectors/life", NULL, 200);
        cr_assert_str_eq(json_string_value(json_object_get(j, "type")), "source");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(j, "config"), "name")), "life");
        json_decref(j);
        j = http_json(w, "GET", "/connectors/life/tasks", NULL, 200);
        cr_assert_eq(json_array_size(j), 1);
        json_t *t0 = json_array_get(j, 0);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(t0, "id"), "connector")), "life");
        cr_assert(json_is_string(json_object_get(json_object_get(t0, "config"),
                                                 "task.class")));
        json_decref(j);
        j = http_json(w, "GET", "/connectors/life/tasks/0/status", NULL, 200);
        cr_assert_eq(json_integer_value(json_object_get(j, "id")), 0);
        json_decref(j);
        j = http_json(w, "GET", "/connectors?expand=status&expand=info", NULL, 200);
        json_t *x = json_object_get(j, "life");
        cr_assert(json_is_object(json_object_get(x, "status")));
        cr_assert(json_is_object(json_object_get(x, "info")));
        json_decref(j);
        /* ?expand=status alone is written straight from the connector
         * list: the same object as the connector's own status. */
        j = http_json(w, "GET", "/connectors?expand=status", NULL, 200);
        {
                json_t *one = http_json(w, "GET", "/connectors/life/status",
                                        NULL, 200);
                x = json_object_get(j, "life");
                cr_assert_eq(json_object_size(x), 1);
                cr_assert(json_equal(json_object_get(x, "status"), one),
                          "expand=status differs from /status");
                json_decref(one);
        }
        json_decref(j);
        j = http_json(w, "GET", "/connectors?expand=bogus", NULL, 200);
        cr_assert_eq(json_object_size(json_object_get(j, "life")), 0);
        json_decref(j);

        http_resp_t *r = http_req(w, "PUT", "/connectors/life/pause", NULL, NULL);
        cr_assert_eq(r->status, 202);
        cr_assert_str_eq(r->body, "");
        http_resp_free(r);
        cr_assert(wait_status(w, "life", "PAUSED", 1, "PAUSED", T_MS));
        cr_assert_eq(status_of("PUT", "/connectors/life/resume", NULL), 202);
        cr_assert(wait_status(w, "life", "RUNNING", 1, "RUNNING", T_MS));

        cr_assert_eq(status_of("PUT", "/connectors/life/stop", NULL), 204);
        cr_assert(wait_status(w, "life", "STOPPED", 0, NULL, T_MS));
        j = http_json(w, "GET", "/connectors/life/tasks", NULL, 200);
        cr_assert_eq(json_array_size(j), 0);
        json_decref(j);
        j = http_json(w, "GET", "/connectors/life", NULL, 200);
        cr_assert_eq(json_array_size(json_object_get(j, "tasks")), 0);
        json_decref(j);
        j = http_json(w, "GET", "/connectors/life/offsets", NULL, 200);
        cr_assert(json_is_array(json_object_get(j, "offsets")));
        json_decref(j);

        cr_assert_eq(status_of("PUT", "/connectors/life/resume", NULL), 202);
        cr_assert(wait_status(w, "life", "RUNNING", 1, "RUNNING", T_MS));

        /* restart variants */
        cr_assert_eq(status_of("POST", "/connectors/life/restart", NULL), 204);
        cr_assert_eq(status_of("POST", "/connectors/life/restart?includeTasks=false&onlyFailed=false",
                               NULL), 204);
        cr_assert(wait_status(w, "life", "RUNNING", 1, "RUNNING", T_MS));
        j = http_json(w, "POST", "/connectors/life/restart?onlyFailed=true", NULL,
                      202);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(j, "connector"), "state")),
                         "RUNNING", "healthy connector: no-op");
        json_decref(j);
        cr_assert(wait_status(w, "life", "RUNNING", 1, "RUNNING", T_MS));
        j = http_json(w, "POST", "/connectors/life/restart?includeTasks=true", NULL,
                      202);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(j, "connector"), "state")),
                         "RESTARTING");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(json_object_get(j, "tasks"), 0),
                                 "state")), "RESTARTING");
        json_decref(j);
        cr_assert(wait_status(w, "life", "RUNNING", 1, "RUNNING", T_MS));
        cr_assert_eq(status_of("POST", "/connectors/life/tasks/0/restart", NULL), 204);
        cr_assert(wait_status(w, "life", "RUNNING", 1, "RUNNING", T_MS));
        expect_error("POST", "/connectors/life/tasks/7/restart", NULL, NULL, 404,
                     NULL);
        expect_error("GET", "/connectors/life/tasks/7/status", NULL, NULL, 404,
                     "No status found for task life-7");
        expect_error("GET", "/connectors/life/tasks/x/status", NULL, NULL, 404,
                     NULL);

        /* delete: 404 everywhere afterwards */
        cr_assert_eq(status_of("DELETE", "/connectors/life", NULL), 204);
        expect_error("GET", "/connectors/life", NULL, NULL, 404,
                     "Connector life not found");
        expect_error("GET", "/connectors/life/config", NULL, NULL, 404,
                     "Connector life not found");
        expect_error("GET", "/connectors/life/status", NULL, NULL, 404,
                     "No status found for connector life");
        expect_error("GET", "/connectors/life/tasks", NULL, NULL, 404, NULL);
        expect_error("PUT", "/connectors/life/pause", NULL, NULL, 404,
                     "Unknown connector life");
        expect_error("PUT", "/connectors/life/resume", NULL, NULL, 404, NULL);
        expect_error("PUT", "/connectors/life/stop", NULL, NULL, 404, NULL);
        expect_error("POST", "/connectors/life/restart", NULL, NULL, 404, NULL);
        expect_error("POST", "/connectors/life/restart?includeTasks=true&onlyFailed=true",
                     NULL, NULL, 404, NULL);
        expect_error("POST", "/connectors/life/tasks/0/restart", NULL, NULL, 404,
                     NULL);
        expect_error("DELETE", "/connectors/life", NULL, NULL, 404,
                     "Connector life not found");
        expect_error("GET", "/connectors/life/offsets", NULL, NULL, 404, NULL);
}

Test(rest, initial_states)
{
        create_source("p0", "paused");
        cr_assert(wait_status(w, "p0", "PAUSED", 0, NULL, T_MS));
        create_source("s0", "STOPPED");
        cr_assert(wait_status(w, "s0", "STOPPED", 0, NULL, T_MS));
        cr_assert_eq(status_of("PUT", "/connectors/s0/resume", NULL), 202);
        cr_assert(wait_status(w, "s0", "RUNNING", 1, "RUNNING", T_MS));
        char *cfg = source_config("in.txt", NULL), *body = NULL;
        cr_assert_neq(asprintf(&body, "{\"name\":\"bad\",\"config\":%s,"
                                      "\"initial_state\":\"SLEEPING\"}", cfg), -1);
        expect_error("POST", "/connectors", body, NULL, 400, NULL);
        free(body);
        free(cfg);
}

Test(rest, create_errors)
{
        create_source("dup", NULL);
        char *cfg = source_config("in.txt", NULL), *body = NULL;
        cr_assert_neq(asprintf(&body, "{\"name\":\"dup\",\"config\":%s}", cfg), -1);
        expect_error("POST", "/connectors", body, NULL, 409,
                     "Connector dup already exists");
        free(body);
        /* invalid duplicate: 400 before 409 */
        char *bad = source_config("in.txt", "\"tasks.max\":\"0\"");
        /* the later tasks.max wins in the JSON object */
        cr_assert_neq(asprintf(&body, "{\"name\":\"dup\",\"config\":%s}", bad), -1);
        expect_error("POST", "/connectors", body, NULL, 400, NULL);
        free(body);
        free(bad);

        /* name mismatch, config.name only, empty and control-char names */
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"name\":\"b\","
                     "\"connector.class\":\"" SRC "\",\"topic\":\"t\"}}", NULL,
                     400, "Connector name configuration (b) doesn't match "
                     "connector name in the URL (a)");
        expect_error("POST", "/connectors",
                     "{\"config\":{\"name\":\"b\",\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\"}}", NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"  \",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\"}}", NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"x\\ny\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\"}}", NULL, 400, NULL);
        http_resp_t *r = http_req(w, "POST", "/connectors",
                                  "{\"name\":\"x\\ny\",\"config\":{"
                                  "\"connector.class\":\"" SRC "\","
                                  "\"topic\":\"t\"}}", NULL);
        cr_assert(strstr(json_string_value(json_object_get(r->json, "message")),
                         "String may not contain control sequences"),
                  "%s", r->body);
        http_resp_free(r);

        /* connector.class missing / unknown; tasks.max not an integer */
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"tasks.max\":\"1\"}}", NULL,
                     400, "Connector config {tasks.max=1, name=a} contains no "
                     "connector type");
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"com.x.Nope\"}}",
                     NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\",\"tasks.max\":\"two\"}}", NULL, 400,
                     NULL);
        r = http_req(w, "POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\",\"tasks.max\":\"two\"}}", NULL);
        cr_assert(strstr(json_string_value(json_object_get(r->json, "message")),
                         "Invalid value two for configuration tasks.max: Not a "
                         "number of type INT"), "%s", r->body);
        http_resp_free(r);

        /* malformed JSON, wrong content type, nested value, too big */
        expect_error("POST", "/connectors", "{\"name\":", NULL, 400, NULL);
        expect_error("POST", "/connectors", "{\"name\":\"a\",\"config\":{}}",
                     "text/plain", 415, "HTTP 415 Unsupported Media Type");
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":[\"t\"]}}", NULL, 400, NULL);
        size_t n = 2 * 1024 * 1024;
        char *big = malloc(n + 1);
        memset(big, ' ', n);
        big[0] = '{';
        big[n - 1] = '}';
        big[n] = '\0';
        expect_error("POST", "/connectors", big, NULL, 413, NULL);
        free(big);

        /* numbers and booleans are stored as strings */
        cr_assert_neq(asprintf(&body, "{\"name\":\"num\",\"config\":{"
                                      "\"connector.class\":\"" SRC "\","
                                      "\"topic\":\"t\",\"tasks.max\":1,"
                                      "\"errors.log.enable\":false}}"), -1);
        json_t *j = http_json(w, "POST", "/connectors", body, 201);
        json_t *c = json_object_get(j, "config");
        cr_assert_str_eq(json_string_value(json_object_get(c, "tasks.max")), "1");
        cr_assert_str_eq(json_string_value(json_object_get(c, "errors.log.enable")),
                         "false");
        json_decref(j);
        free(body);
        free(cfg);
}

Test(rest, routing_and_names)
{
        expect_error("GET", "/nope", NULL, NULL, 404, "HTTP 404 Not Found");
        expect_error("DELETE", "/connectors", NULL, NULL, 405,
                     "HTTP 405 Method Not Allowed");
        expect_error("GET", "/connectors/x/pause", NULL, NULL, 405,
                     "HTTP 405 Method Not Allowed");
        json_decref(http_json(w, "GET", "/connectors/", NULL, 200));

        const char *names[] = { "with/slash", "with space", "caf\xc3\xa9 \xe2\x98\x95",
                                "a+b&c?d=e", "100%", NULL };
        for (int i = 0; names[i]; i++) {
                create_source(names[i], NULL);
                char *p = path_of(names[i], NULL);
                json_t *j = http_json(w, "GET", p, NULL, 200);
                cr_assert_str_eq(json_string_value(json_object_get(j, "name")),
                                 names[i]);
                json_decref(j);
                free(p);
                cr_assert(wait_status(w, names[i], "RUNNING", 1, "RUNNING", T_MS),
                          "%s", names[i]);
                p = path_of(names[i], "/config");
                j = http_json(w, "GET", p, NULL, 200);
                cr_assert_str_eq(json_string_value(json_object_get(j, "name")),
                                 names[i]);
                json_decref(j);
                free(p);
        }
        json_t *all = http_json(w, "GET", "/connectors", NULL, 200);
        cr_assert_eq(json_array_size(all), 5);
        json_decref(all);
        for (int i = 0; names[i]; i++) {
                char *p = path_of(names[i], NULL);
                cr_assert_eq(status_of("DELETE", p, NULL), 204, "%s", names[i]);
                free(p);
        }
}

Test(rest, config_put_patch)
{
        char *cfg = source_config("in.txt", NULL);
        http_resp_t *r = http_req(w, "PUT", "/connectors/pc/config", cfg, NULL);
        cr_assert_eq(r->status, 201, "%s", r->body);
        cr_assert_not_null(r->location);
        http_resp_free(r);
        cr_assert(wait_status(w, "pc", "RUNNING", 1, "RUNNING", T_MS));
        json_t *j = http_json(w, "PUT", "/connectors/pc/config", cfg, 200);
        cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "pc");
        json_decref(j);
        expect_error("PUT", "/connectors/pc/config",
                     "{\"connector.class\":\"" SRC "\",\"topic\":\"t\","
                     "\"name\":\"other\"}", NULL, 400,
                     "Connector name configuration (other) doesn't match "
                     "connector name in the URL (pc)");
        expect_error("PUT", "/connectors/pc/config", "{}", NULL, 400,
                     "Connector config {name=pc} contains no connector type");

        /* update keeps the target state */
        cr_assert_eq(status_of("PUT", "/connectors/pc/pause", NULL), 202);
        cr_assert(wait_status(w, "pc", "PAUSED", -1, NULL, T_MS));
        j = http_json(w, "PATCH", "/connectors/pc/config",
                      "{\"batch.size\":100,\"topic\":\"rest-t2\"}", 200);
        json_t *c = json_object_get(j, "config");
        cr_assert_str_eq(json_string_value(json_object_get(c, "batch.size")), "100");
        cr_assert_str_eq(json_string_value(json_object_get(c, "topic")), "rest-t2");
        cr_assert_str_eq(json_string_value(json_object_get(c, "connector.class")),
                         SRC);
        json_decref(j);
        cr_assert(wait_status(w, "pc", "PAUSED", -1, NULL, T_MS));
        j = http_json(w, "PATCH", "/connectors/pc/config", "{\"batch.size\":null}",
                      200);
        cr_assert_null(json_object_get(json_object_get(j, "config"), "batch.size"));
        json_decref(j);
        expect_error("PATCH", "/connectors/pc/config", "{\"tasks.max\":\"0\"}",
                     NULL, 400, NULL);
        expect_error("PATCH", "/connectors/nope/config", "{\"a\":\"b\"}", NULL,
                     404, "Connector nope not found");
        j = http_json(w, "GET", "/connectors/pc/config", NULL, 200);
        cr_assert_str_eq(json_string_value(json_object_get(j, "tasks.max")), "1",
                         "a rejected PATCH leaves the config unchanged");
        json_decref(j);
        free(cfg);
}

Test(rest, offsets)
{
        char fbuf[512];
        const char *in = worker_path(w, "offsets-in.txt", fbuf, sizeof(fbuf));
        spit(in, "one\ntwo\nthree\n", 0);
        char *body = NULL;
        cr_assert_neq(asprintf(&body, "{\"name\":\"off\",\"config\":{"
                                      "\"connector.class\":\"" SRC "\","
                                      "\"topic\":\"rest-off\",\"file\":\"%s\"}}",
                               in), -1);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(wait_status(w, "off", "RUNNING", 1, "RUNNING", T_MS));

        const char *patch = "{\"offsets\":[{\"partition\":{\"filename\":\"x\"},"
                            "\"offset\":{\"position\":0}}]}";
        expect_error("PATCH", "/connectors/off/offsets", "{\"offsets\":[]}", NULL,
                     400, "Partitions / offsets need to be provided for an "
                     "alter offsets request");
        expect_error("PATCH", "/connectors/nope/offsets", "{\"offsets\":[]}", NULL,
                     400, "Partitions / offsets need to be provided for an "
                     "alter offsets request");
        expect_error("PATCH", "/connectors/nope/offsets", patch, NULL, 404, NULL);
        expect_error("PATCH", "/connectors/off/offsets", patch, NULL, 400,
                     "Connectors must be in the STOPPED state before their "
                     "offsets can be modified. This can be done for the "
                     "specified connector by issuing a 'PUT' request to the "
                     "'/connectors/off/stop' endpoint");
        expect_error("DELETE", "/connectors/off/offsets", NULL, NULL, 400,
                     "Connectors must be in the STOPPED state before their "
                     "offsets can be modified. This can be done for the "
                     "specified connector by issuing a 'PUT' request to the "
                     "'/connectors/off/stop' endpoint");
        json_t *j = http_json(w, "GET", "/connectors/off/offsets", NULL, 200);
        cr_assert(json_is_array(json_object_get(j, "offsets")));
        json_decref(j);

        cr_assert_eq(status_of("PUT", "/connectors/off/stop", NULL), 204);
        cr_assert(wait_status(w, "off", "STOPPED", 0, NULL, T_MS));
        j = http_json(w, "PATCH", "/connectors/off/offsets", patch, 200);
        cr_assert(strstr(json_string_value(json_object_get(j, "message")),
                         "altered successfully"));
        json_decref(j);
        j = http_json(w, "DELETE", "/connectors/off/offsets", NULL, 200);
        cr_assert(strstr(json_string_value(json_object_get(j, "message")),
                         "reset successfully"));
        json_decref(j);
        j = http_json(w, "GET", "/connectors/off/offsets", NULL, 200);
        cr_assert_eq(json_array_size(json_object_get(j, "offsets")), 0);
        json_decref(j);
}

Test(rest, topics)
{
        create_source("tp", NULL);
        cr_assert(wait_status(w, "tp", "RUNNING", 1, "RUNNING", T_MS));
        json_t *j = http_json(w, "GET", "/connectors/tp/topics", NULL, 200);
        cr_assert(json_is_array(json_object_get(json_object_get(j, "tp"), "topics")));
        json_decref(j);
        http_resp_t *r = http_req(w, "PUT", "/connectors/tp/topics/reset", NULL,
                                  NULL);
        cr_assert_eq(r->status, 202);
        cr_assert_str_eq(r->body, "");
        http_resp_free(r);
}

Test(rest, loggers)
{
        json_t *j = http_json(w, "GET", "/admin/loggers", NULL, 200);
        cr_assert(json_is_object(json_object_get(j, "root")));
        json_decref(j);
        j = http_json(w, "GET", "/admin/loggers/ROOT", NULL, 200);
        cr_assert(json_is_string(json_object_get(j, "level")));
        json_decref(j);
        expect_error("GET", "/admin/loggers/no.such.logger", NULL, NULL, 404,
                     "Logger no.such.logger not found.");
        j = http_json(w, "PUT", "/admin/loggers/org.example.rest",
                      "{\"level\":\"debug\"}", 200);
        cr_assert(json_is_array(j));
        json_decref(j);
        j = http_json(w, "GET", "/admin/loggers/org.example.rest", NULL, 200);
        cr_assert_str_eq(json_string_value(json_object_get(j, "level")), "DEBUG");
        cr_assert(json_is_integer(json_object_get(j, "last_modified")));
        json_decref(j);
        cr_assert_eq(status_of("PUT", "/admin/loggers/org.example.rest?scope=cluster",
                               "{\"level\":\"INFO\"}"), 204);
        expect_error("PUT", "/admin/loggers/org.example.rest",
                     "{\"level\":\"LOUD\"}", NULL, 404,
                     "invalid log level 'LOUD'.");
        expect_error("PUT", "/admin/loggers/org.example.rest", "{}", NULL, 400,
                     "Desired 'level' parameter was not specified in request.");
}

/* Worker configs gate the topics endpoints. */
Test(rest_tracking, disabled, .timeout = 120)
{
        w = worker_start("topic.tracking.enable=false\n", NULL);
        create_source("tt", NULL);
        expect_error("GET", "/connectors/tt/topics", NULL, NULL, 403,
                     "Topic tracking is disabled.");
        expect_error("PUT", "/connectors/tt/topics/reset", NULL, NULL, 403,
                     "Topic tracking is disabled.");
        worker_free(w);
        w = worker_start("topic.tracking.allow.reset=false\n", NULL);
        create_source("tt", NULL);
        json_decref(http_json(w, "GET", "/connectors/tt/topics", NULL, 200));
        expect_error("PUT", "/connectors/tt/topics/reset", NULL, NULL, 403,
                     "Topic tracking reset is disabled.");
        worker_free(w);
        w = NULL;
}
