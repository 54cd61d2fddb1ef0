/*
 * Integration tests for custom transforms and predicates from plugins: the
 * example plugin uppercase_field.so (UppercaseField, TopicPrefix) loaded
 * from plugin.path is listed and described over REST, validated in
 * connector configs like a built-in, and runs end to end: FileStreamSource
 * lines -> the plugin transform (guarded by the plugin predicate) ->
 * Kafka, read back with kcat, with the header the transform adds.
 *
 * Needs $CONNECTD_BUILD_DIR (set by ctest) for <build>/plugins.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define UP "com.example.connectd.UppercaseField"
#define PREFIX "com.example.connectd.TopicPrefix"
#define SRC "org.apache.kafka.connect.file.FileStreamSourceConnector"
#define STRING_CONVERTER "org.apache.kafka.connect.storage.StringConverter"

static worker_t *start(void)
{
        const char *b = getenv("CONNECTD_BUILD_DIR");
        char props[2048];

        cr_assert(b && *b, "CONNECTD_BUILD_DIR is not set");
        snprintf(props, sizeof(props), "plugin.path=%s/plugins\n", b);
        return worker_start(props, NULL);
}

static json_t *find_plugin(json_t *plugins, const char *cls)
{
        size_t i;
        json_t *p;

        json_array_foreach(plugins, i, p) {
                const char *c = json_string_value(json_object_get(p, "class"));
                if (c && !strcmp(c, cls))
                        return p;
        }
        return NULL;
}

/* Error count of a validate response for a FileStreamSource config with
 * the extra keys `extra` (JSON members, leading comma included). */
static json_int_t validate_errors(worker_t *w, const char *extra,
                                  char **text)
{
        char body[4096];
        json_t *r;
        json_int_t n;

        snprintf(body, sizeof(body),
                 "{\"connector.class\":\"" SRC "\",\"name\":\"v\","
                 "\"topic\":\"t\",\"file\":\"/dev/null\"%s}",
                 extra);
        r = http_json(w, "PUT",
                      "/connector-plugins/FileStreamSourceConnector/config/"
                      "validate",
                      body, 200);
        n = json_integer_value(json_object_get(r, "error_count"));
        if (text)
                *text = json_dumps(r, 0);
        json_decref(r);
        return n;
}

Test(custom_transform, listed_described_and_validated, .timeout = 120)
{
        worker_t *w = start();
        json_t *plugins, *p, *defs;
        char *text;
        int seen = 0;
        size_t i;

        plugins = http_json(w, "GET", "/connector-plugins?connectorsOnly=false",
                            NULL, 200);
        p = find_plugin(plugins, UP);
        cr_assert_not_null(p, "UppercaseField not listed");
        cr_assert_str_eq(json_string_value(json_object_get(p, "type")),
                         "transformation");
        cr_assert_str_eq(json_string_value(json_object_get(p, "version")),
                         "1.0.0");
        p = find_plugin(plugins, PREFIX);
        cr_assert_not_null(p, "TopicPrefix not listed");
        cr_assert_str_eq(json_string_value(json_object_get(p, "type")),
                         "predicate");
        json_decref(plugins);

        defs = http_json(w, "GET", "/connector-plugins/" UP "/config", NULL,
                         200);
        json_array_foreach(defs, i, p) {
                const char *n = json_string_value(json_object_get(p, "name"));
                seen |= (n && !strcmp(n, "field")) |
                        (n && !strcmp(n, "header")) << 1;
        }
        cr_assert_eq(seen, 3, "field and header keys");
        json_decref(defs);

        /* named in a connector config: accepted like a built-in ... */
        cr_assert_eq(validate_errors(w,
                                     ",\"transforms\":\"up\","
                                     "\"transforms.up.type\":\"" UP "\","
                                     "\"transforms.up.predicate\":\"p\","
                                     "\"predicates\":\"p\","
                                     "\"predicates.p.type\":\"" PREFIX "\","
                                     "\"predicates.p.prefix\":\"t\"",
                                     &text),
                     0, "%s", text);
        free(text);
        /* ... and its definition table applies: `prefix` is required */
        cr_assert_geq(validate_errors(w,
                                      ",\"transforms\":\"up\","
                                      "\"transforms.up.type\":\"" UP "\","
                                      "\"transforms.up.predicate\":\"p\","
                                      "\"predicates\":\"p\","
                                      "\"predicates.p.type\":\"" PREFIX "\"",
                                      &text),
                      1, "%s", text);
        cr_assert(strstr(text, "predicates.p.prefix"), "%s", text);
        free(text);
        worker_free(w);
}

/* Two FileStreamSource connectors share one chain config: the plugin
 * transform upper-cases the line and adds the original as a header, but
 * only where the plugin predicate matches the topic. */
Test(custom_transform, runs_end_to_end_with_a_plugin_predicate,
     .timeout = 180)
{
        worker_t *w = start();
        char in[512], body[4096], *got;
        static const char *const names[][2] = {{"up-src", "up-topic"},
                                               {"other-src", "other-topic"}};
        size_t i;

        worker_path(w, "input.txt", in, sizeof(in));
        cr_assert_eq(spit(in, "hello\nMixed Case 42\n", 0), 0);
        for (i = 0; i < 2; i++) {
                snprintf(body, sizeof(body),
                         "{\"name\":\"%s\",\"config\":{"
                         "\"connector.class\":\"" SRC "\","
                         "\"tasks.max\":\"1\",\"file\":\"%s\","
                         "\"topic\":\"%s\","
                         "\"key.converter\":\"" STRING_CONVERTER "\","
                         "\"value.converter\":\"" STRING_CONVERTER "\","
                         "\"transforms\":\"up\","
                         "\"transforms.up.type\":\"" UP "\","
                         "\"transforms.up.header\":\"orig\","
                         "\"transforms.up.predicate\":\"isup\","
                         "\"predicates\":\"isup\","
                         "\"predicates.isup.type\":\"" PREFIX "\","
                         "\"predicates.isup.prefix\":\"up-\"}}",
                         names[i][0], in, names[i][1]);
                json_decref(http_json(w, "POST", "/connectors", body, 201));
                cr_assert(wait_status(w, names[i][0], "RUNNING", 1,
                                      "RUNNING", 20000));
        }

        got = kcat_consume(w->bootstrap, "up-topic", 2, "%s|%h\n", 30000);
        cr_assert_str_eq(got, "HELLO|orig=hello\n"
                              "MIXED CASE 42|orig=Mixed Case 42\n");
        free(got);
        got = kcat_consume(w->bootstrap, "other-topic", 2, "%s|%h\n", 30000);
        cr_assert_str_eq(got, "hello|\nMixed Case 42|\n");
        free(got);
        worker_free(w);
}

/* The trace of task 0 once it is FAILED (malloc'd), or NULL. */
static char *failed_trace(const worker_t *w, const char *name)
{
        char path[256];
        http_resp_t *r;
        json_t *t;
        char *trace = NULL;

        snprintf(path, sizeof(path), "/connectors/%s/status", name);
        r = http_req(w, "GET", path, NULL, NULL);
        if (r->status == 200 && r->json &&
            (t = json_array_get(json_object_get(r->json, "tasks"), 0)) &&
            !strcmp(json_string_value(json_object_get(t, "state")) ?: "",
                    "FAILED"))
                trace = strdup(json_string_value(json_object_get(t, "trace"))
                                       ?: "");
        http_resp_free(r);
        return trace;
}

typedef struct trace_wait {
        const worker_t *w;
        const char *name;
        char *trace;
} trace_wait_t;

static int task_failed(void *arg)
{
        trace_wait_t *tw = arg;

        free(tw->trace);
        tw->trace = failed_trace(tw->w, tw->name);
        return tw->trace != NULL;
}

/* A plugin transform's failure goes through the worker's error handling
 * as Java's DataException: with errors.tolerance=none the task fails with
 * "Tolerance exceeded" caused by the plugin's message. */
Test(custom_transform, plugin_failure_fails_the_task_with_its_message,
     .timeout = 180)
{
        const char *b = getenv("CONNECTD_BUILD_DIR");
        char *dir = tmpdir_new("xform-plugins");
        char cmd[4096], props[4096], in[512], body[4096];
        worker_t *w;
        trace_wait_t tw;

        cr_assert(b && *b && dir);
        snprintf(cmd, sizeof(cmd), "cp '%s/test-plugins/records.so' '%s/'", b,
                 dir);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        snprintf(props, sizeof(props), "plugin.path=%s/plugins,%s\n", b, dir);
        w = worker_start(props, NULL);
        worker_path(w, "input.txt", in, sizeof(in));
        cr_assert_eq(spit(in, "one\n", 0), 0);
        snprintf(body, sizeof(body),
                 "{\"name\":\"failing\",\"config\":{"
                 "\"connector.class\":\"" SRC "\","
                 "\"tasks.max\":\"1\",\"file\":\"%s\",\"topic\":\"t-fail\","
                 "\"transforms\":\"f\","
                 "\"transforms.f.type\":\"com.example.test.FailOn\","
                 "\"transforms.f.topic\":\"t-fail\"}}",
                 in);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        tw = (trace_wait_t){w, "failing", NULL};
        cr_assert(wait_until(task_failed, &tw, 20000), "task never FAILED");
        cr_assert(strstr(tw.trace, "Tolerance exceeded in error handler"),
                  "%s", tw.trace);
        cr_assert(strstr(tw.trace, "org.apache.kafka.connect.errors."
                                   "DataException: FailOn: record of topic "
                                   "t-fail"),
                  "%s", tw.trace);
        free(tw.trace);
        worker_free(w);
        rm_rf(dir);
        free(dir);
}
