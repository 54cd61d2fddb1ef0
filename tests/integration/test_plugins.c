/*
 * Integration tests for custom plugins: a plugin built out of tree against
 * the installed headers (cmake --install + pkg-config) is loaded from
 * plugin.path, listed and described over REST, runs, keeps its source
 * offsets across a worker restart, and obeys pause/resume/restart/stop/
 * delete; broken plugins are logged and skipped while the worker keeps
 * serving; a task that fails is FAILED with its trace and restartable; a
 * task that hangs is abandoned after task.shutdown.graceful.timeout.ms
 * without slowing the REST API.
 *
 * Needs $CONNECTD_BUILD_DIR (set by ctest) for `cmake --install` and the
 * test plugins in <build>/test-plugins, and a C compiler plus pkg-config on
 * PATH for the out-of-tree build.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connect/plugin.h"
#include "harness.h"

#define SEQ_CLASS "com.example.connectd.SequenceSourceConnector"
#define JL_CLASS "com.example.connectd.JsonLinesSinkConnector"
#define SEQ_MAX_KEY (1 << 20) /* far more than a test produces */
#define STRING_CONVERTER "org.apache.kafka.connect.storage.StringConverter"

static const char *build_dir(void)
{
        const char *d = getenv("CONNECTD_BUILD_DIR");

        cr_assert(d && *d, "CONNECTD_BUILD_DIR is not set");
        return d;
}

static void run(const char *cmd)
{
        int rc = system(cmd);

        cr_assert_eq(rc, 0, "command failed (%d): %s", rc, cmd);
}

/* Install connectd into a fresh prefix and build both example plugins from
 * the installed sources against the installed headers, each into its own
 * subdirectory of <prefix>/plugins. Returns the prefix (malloc'd). */
static char *install_and_build_plugins(void)
{
        char *prefix = tmpdir_new("plugins-prefix");
        char cmd[4096];
        static const char *const names[][2] = {
                {"sequence-source", "sequence_source"},
                {"jsonlines-sink", "jsonlines_sink"},
        };
        size_t i;

        cr_assert_not_null(prefix);
        snprintf(cmd, sizeof(cmd), "cmake --install '%s' --prefix '%s' "
                 ">/dev/null", build_dir(), prefix);
        run(cmd);
        for (i = 0; i < 2; i++) {
                snprintf(cmd, sizeof(cmd),
                         "mkdir -p '%s/plugins/%s' && "
                         "PKG_CONFIG_PATH='%s/share/pkgconfig' && "
                         "export PKG_CONFIG_PATH && "
                         "cc -std=c11 -Wall -Wextra -Werror -shared -fPIC "
                         "$(pkg-config --cflags connectd-plugin) "
                         "-o '%s/plugins/%s/%s.so' "
                         "'%s/share/doc/connectd/examples/plugins/%s/%s.c'",
                         prefix, names[i][0], prefix, prefix, names[i][0],
                         names[i][1], prefix, names[i][0], names[i][1]);
                run(cmd);
        }
        return prefix;
}

static worker_t *start_with_plugin_path(const char *path, const char *extra)
{
        char props[4096];

        snprintf(props, sizeof(props),
                 "plugin.path=%s\n"
                 "offset.flush.interval.ms=200\n"
                 "task.shutdown.graceful.timeout.ms=1000\n%s",
                 path, extra ? extra : "");
        return worker_start(props, NULL);
}

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A request that must answer quickly even while a plugin misbehaves. */
static long timed_req(const worker_t *w, const char *method, const char *path,
                      const char *body, int64_t max_ms)
{
        int64_t t0 = now_ms(), took;
        http_resp_t *r = http_req(w, method, path, body, NULL);
        long status = r->status;

        took = now_ms() - t0;
        http_resp_free(r);
        cr_assert_lt(took, scaled_ms((int)max_ms), "%s %s took %lld ms",
                     method, path, (long long)took);
        return status;
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

static json_t *find_key(json_t *defs, const char *name)
{
        size_t i;
        json_t *d;

        json_array_foreach(defs, i, d) {
                const char *n = json_string_value(json_object_get(d, "name"));
                if (n && !strcmp(n, name))
                        return d;
        }
        return NULL;
}

/* --- sequence helpers --- */

/* Committed sequence number of task 0 from GET /offsets, or -1. */
static long long committed_seq(const worker_t *w, const char *name)
{
        char path[256];
        http_resp_t *r;
        json_t *offs, *o;
        long long seq = -1;
        size_t i;

        snprintf(path, sizeof(path), "/connectors/%s/offsets", name);
        r = http_req(w, "GET", path, NULL, NULL);
        if (r->status == 200 && r->json &&
            (offs = json_object_get(r->json, "offsets")))
                json_array_foreach(offs, i, o) {
                        json_t *p = json_object_get(o, "partition");
                        json_t *v = json_object_get(json_object_get(o,
                                                                    "offset"),
                                                    "seq");
                        const char *t =
                                json_string_value(json_object_get(p, "task"));
                        if (t && !strcmp(t, "0") && json_is_integer(v))
                                seq = json_integer_value(v);
                }
        http_resp_free(r);
        return seq;
}

typedef struct seq_wait {
        const worker_t *w;
        const char *name;
        long long at_least;
} seq_wait_t;

static int seq_committed_past(void *arg)
{
        seq_wait_t *sw = arg;
        return committed_seq(sw->w, sw->name) >= sw->at_least;
}

/* Consume up to `count` keys; check each appears once and, when
 * `contiguous` (all records consumed), that they are exactly 0..n-1.
 * Returns n. (The topic may have several partitions, so a prefix of the
 * consumed records need not be contiguous.) */
static long long check_keys(const char *bootstrap, const char *topic,
                            int count, int contiguous, int timeout_ms)
{
        char *out = kcat_consume(bootstrap, topic, count, "%k\n", timeout_ms);
        char *line, *save = NULL;
        unsigned char *seen = calloc(SEQ_MAX_KEY, 1);
        long long n = 0, max = -1, i;

        cr_assert_not_null(out);
        cr_assert_not_null(seen);
        for (line = strtok_r(out, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                char *end;
                long long k = strtoll(line, &end, 10);

                cr_assert(*line && !*end, "key '%s' is not a number", line);
                cr_assert(k >= 0 && k < SEQ_MAX_KEY, "key %lld out of range", k);
                cr_assert_eq(seen[k], 0, "key %lld appears twice", k);
                seen[k] = 1;
                n++;
                if (k > max)
                        max = k;
        }
        for (i = 0; contiguous && i <= max; i++)
                cr_assert_eq(seen[i], 1, "key %lld is missing (max %lld)", i,
                             max);
        free(seen);
        free(out);
        return n;
}

/* --- tests --- */

Test(plugins, out_of_tree_plugin_listed_described_and_runs, .timeout = 300)
{
        ekafka_t *k;
        char extra[300];
        char *prefix = install_and_build_plugins();
        char path[1024];
        worker_t *w;
        json_t *plugins, *p, *defs, *d;
        seq_wait_t sw;
        long long first, last, n;
        const char *body =
                "{\"name\":\"seq\",\"config\":{"
                "\"connector.class\":\"SequenceSource\",\"tasks.max\":\"1\","
                "\"topic\":\"seq-topic\",\"records.per.poll\":\"5\","
                "\"interval.ms\":\"50\","
                "\"key.converter\":\"" STRING_CONVERTER "\","
                "\"value.converter\":\"org.apache.kafka.connect.json."
                "JsonConverter\",\"value.converter.schemas.enable\":\"false\""
                "}}";

        /* A cluster of its own, so the topic outlives the worker restart
         * below. */
        snprintf(path, sizeof(path), "%s/plugins", prefix);
        k = ekafka_start();
        snprintf(extra, sizeof(extra), "bootstrap.servers=%s\n",
                 k->bootstrap);
        w = start_with_plugin_path(path, extra);

        /* listed with class, type and version */
        plugins = http_json(w, "GET", "/connector-plugins", NULL, 200);
        p = find_plugin(plugins, SEQ_CLASS);
        cr_assert_not_null(p, "sequence source not listed");
        cr_assert_str_eq(json_string_value(json_object_get(p, "type")),
                         "source");
        cr_assert_str_eq(json_string_value(json_object_get(p, "version")),
                         "1.0.0");
        p = find_plugin(plugins, JL_CLASS);
        cr_assert_not_null(p, "JSON lines sink not listed");
        cr_assert_str_eq(json_string_value(json_object_get(p, "type")),
                         "sink");
        json_decref(plugins);

        /* its config definition, by alias and by full name */
        defs = http_json(w, "GET", "/connector-plugins/SequenceSource/config",
                         NULL, 200);
        d = find_key(defs, "topic");
        cr_assert_not_null(d);
        cr_assert(json_is_true(json_object_get(d, "required")));
        cr_assert_str_eq(json_string_value(json_object_get(d, "type")),
                         "STRING");
        d = find_key(defs, "start");
        cr_assert_not_null(d);
        cr_assert_str_eq(json_string_value(json_object_get(d, "type")),
                         "LONG");
        cr_assert_str_eq(json_string_value(json_object_get(d,
                                                           "default_value")),
                         "0");
        cr_assert_not_null(find_key(defs, "records.per.poll"));
        json_decref(defs);
        defs = http_json(w, "GET", "/connector-plugins/" SEQ_CLASS "/config",
                         NULL, 200);
        cr_assert_not_null(find_key(defs, "interval.ms"));
        json_decref(defs);

        /* runs, records in Kafka */
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        cr_assert(wait_status(w, "seq", "RUNNING", 1, "RUNNING", 10000));
        n = check_keys(w->bootstrap, "seq-topic", 20, 0, 10000);
        cr_assert_eq(n, 20);

        /* pause / resume / restart over REST */
        cr_assert_eq(timed_req(w, "PUT", "/connectors/seq/pause", NULL, 2000),
                     202);
        cr_assert(wait_status(w, "seq", "PAUSED", 1, "PAUSED", 10000));
        cr_assert_eq(timed_req(w, "PUT", "/connectors/seq/resume", NULL,
                               2000),
                     202);
        cr_assert(wait_status(w, "seq", "RUNNING", 1, "RUNNING", 10000));
        cr_assert_lt(timed_req(w, "POST",
                               "/connectors/seq/restart?includeTasks=true",
                               NULL, 2000),
                     300);
        cr_assert(wait_status(w, "seq", "RUNNING", 1, "RUNNING", 10000));

        /* restart the worker: the sequence continues from its offsets */
        sw = (seq_wait_t){w, "seq", 30};
        cr_assert(wait_until(seq_committed_past, &sw, 10000),
                  "offsets never committed");
        cr_assert_eq(worker_stop(w), 0);
        worker_restart(w);
        cr_assert(wait_status(w, "seq", "RUNNING", 1, "RUNNING", 10000));
        first = committed_seq(w, "seq");
        cr_assert_geq(first, 30);
        sw = (seq_wait_t){w, "seq", first + 20};
        cr_assert(wait_until(seq_committed_past, &sw, 10000),
                  "no progress after restart");

        /* stop: tasks go away, offsets are final; the topic holds exactly
         * 0..last, each once */
        cr_assert_eq(timed_req(w, "PUT", "/connectors/seq/stop", NULL, 5000),
                     204);
        cr_assert(wait_status(w, "seq", "STOPPED", 0, "RUNNING", 10000));
        last = committed_seq(w, "seq");
        cr_assert_geq(last, first + 20);
        /* ask for more than there should be: duplicates would show */
        n = check_keys(w->bootstrap, "seq-topic", (int)last + 51, 1, 10000);
        cr_assert_eq(n, last + 1, "topic has %lld records, offset says %lld",
                     n, last + 1);

        cr_assert_eq(timed_req(w, "DELETE", "/connectors/seq", NULL, 5000),
                     204);
        cr_assert_eq(timed_req(w, "GET", "/connectors/seq", NULL, 2000), 404);

        worker_free(w);
        ekafka_stop(k);
        rm_rf(prefix);
        free(prefix);
}

typedef struct file_lines {
        const char *path;
        int want;
} file_lines_t;

static int file_has_lines(void *arg)
{
        file_lines_t *fl = arg;
        char *s = slurp(fl->path);
        int n = 0;
        const char *p;

        if (!s)
                return 0;
        for (p = s; *p; p++)
                n += *p == '\n';
        free(s);
        return n >= fl->want;
}

Test(plugins, out_of_tree_sink_writes_json_lines, .timeout = 300)
{
        char *prefix = install_and_build_plugins();
        char path[1024], out[1200], body[2048];
        worker_t *w;
        file_lines_t fl;
        char *text, *line, *save = NULL;
        int seen = 0;

        snprintf(path, sizeof(path), "%s/plugins", prefix);
        snprintf(out, sizeof(out), "%s/out.jsonl", prefix);
        w = start_with_plugin_path(path, NULL);

        cr_assert_eq(kcat_produce(w->bootstrap, "jl-in", "k1:v1\nk2:v2\nk3:v3\n",
                                  ':'),
                     0);
        snprintf(body, sizeof(body),
                 "{\"name\":\"jl\",\"config\":{"
                 "\"connector.class\":\"JsonLinesSink\",\"tasks.max\":\"1\","
                 "\"topics\":\"jl-in\",\"file\":\"%s\","
                 "\"key.converter\":\"" STRING_CONVERTER "\","
                 "\"value.converter\":\"" STRING_CONVERTER "\"}}",
                 out);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        cr_assert(wait_status(w, "jl", "RUNNING", 1, "RUNNING", 10000));
        fl = (file_lines_t){out, 3};
        cr_assert(wait_until(file_has_lines, &fl, 20000),
                  "sink file never got 3 lines");

        text = slurp(out);
        cr_assert_not_null(text);
        for (line = strtok_r(text, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                json_error_t jerr;
                json_t *j = json_loads(line, 0, &jerr);
                const char *k, *v;

                cr_assert_not_null(j, "not JSON: %s (%s)", line, jerr.text);
                cr_assert_str_eq(json_string_value(json_object_get(j, "topic")),
                                 "jl-in");
                cr_assert(json_is_integer(json_object_get(j, "partition")));
                cr_assert(json_is_integer(json_object_get(j, "offset")));
                k = json_string_value(json_object_get(j, "key"));
                v = json_string_value(json_object_get(j, "value"));
                cr_assert(k && v, "%s", line);
                cr_assert_eq(k[0], 'k');
                cr_assert_eq(v[0], 'v');
                cr_assert_str_eq(k + 1, v + 1, "%s", line);
                seen |= 1 << (k[1] - '0');
                json_decref(j);
        }
        cr_assert_eq(seen, (1 << 1) | (1 << 2) | (1 << 3), "lines: %s",
                     text);
        free(text);

        worker_free(w);
        rm_rf(prefix);
        free(prefix);
}

typedef struct log_wait {
        const worker_t *w;
        const char *a, *b;
} log_wait_t;

/* Number of stderr lines holding both a and b. */
static int log_lines(const worker_t *w, const char *a, const char *b)
{
        char *s = worker_stderr(w), *line, *save = NULL;
        int n = 0;

        if (!s)
                return 0;
        for (line = strtok_r(s, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save))
                if (strstr(line, a) && (!b || strstr(line, b)))
                        n++;
        free(s);
        return n;
}

static int log_has(void *arg)
{
        log_wait_t *lw = arg;
        return log_lines(lw->w, lw->a, lw->b) > 0;
}

Test(plugins, broken_plugins_logged_and_worker_serves, .timeout = 120)
{
        char path[2048], want[128];
        worker_t *w;
        json_t *plugins, *p;
        log_wait_t lw;
        static const char *const cases[][2] = {
                {"no_entry.so", "no connectd_plugin_init entry point"},
                {"dup_class.so", "duplicate connector class "
                                 "org.apache.kafka.connect.file."
                                 "FileStreamSourceConnector (already "
                                 "registered by built-in)"},
                {"undefined_symbol.so", "connectd_test_no_such_function"},
                {"init_fails.so", "connectd_plugin_init returned an error"},
                {"mixed.so", "NoPollSourceConnector has no task_poll"},
        };
        size_t i;

        snprintf(path, sizeof(path), "%s/test-plugins,%s/plugins",
                 build_dir(), build_dir());
        w = start_with_plugin_path(path, NULL);

        snprintf(want, sizeof(want),
                 "built for plugin ABI %d, this worker supports up to %d",
                 CONNECTD_ABI_VERSION + 1,
                 CONNECTD_ABI_VERSION);
        lw = (log_wait_t){w, "bad_abi.so", want};
        cr_assert(wait_until(log_has, &lw, 5000), "no ABI refusal logged");
        cr_assert_eq(log_lines(w, "bad_abi.so", NULL), 1,
                     "one line per broken plugin");
        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                cr_assert_geq(log_lines(w, cases[i][0], cases[i][1]), 1,
                              "%s: no '%s' in the log", cases[i][0],
                              cases[i][1]);
                if (strcmp(cases[i][0], "mixed.so"))
                        cr_assert_eq(log_lines(w, cases[i][0], NULL), 1,
                                     "%s: more than one line",
                                     cases[i][0]);
        }
        cr_assert_eq(log_lines(w, "Loaded plugin", "boom.so"), 1);
        cr_assert_eq(log_lines(w, "Loaded plugin", "sequence_source.so"), 1);

        /* the worker serves; good plugins listed, bad ones not */
        cr_assert_eq(timed_req(w, "GET", "/", NULL, 2000), 200);
        plugins = http_json(w, "GET", "/connector-plugins", NULL, 200);
        cr_assert_not_null(find_plugin(plugins,
                                       "com.example.test.BoomSourceConnector"));
        cr_assert_not_null(find_plugin(plugins,
                                       "com.example.test.GoodSourceConnector"));
        cr_assert_not_null(find_plugin(plugins, SEQ_CLASS));
        cr_assert_null(find_plugin(plugins,
                                   "com.example.test.FutureSourceConnector"));
        cr_assert_null(find_plugin(plugins,
                                   "com.example.test.HalfInitSourceConnector"));
        cr_assert_null(find_plugin(plugins,
                                   "com.example.test.NoPollSourceConnector"));
        p = find_plugin(plugins,
                        "org.apache.kafka.connect.file.FileStreamSourceConnector");
        cr_assert_not_null(p);
        cr_assert_str_neq(json_string_value(json_object_get(p, "version")),
                          "0.0.1-impostor");
        json_decref(plugins);

        worker_free(w);
}

/* Status of task 0: its state and trace (malloc'd, "" if none). */
static char *task_state(const worker_t *w, const char *name, char **trace)
{
        char path[256];
        http_resp_t *r;
        json_t *t;
        char *state = NULL;

        *trace = strdup("");
        snprintf(path, sizeof(path), "/connectors/%s/status", name);
        r = http_req(w, "GET", path, NULL, NULL);
        if (r->status == 200 && r->json &&
            (t = json_array_get(json_object_get(r->json, "tasks"), 0))) {
                const char *s = json_string_value(json_object_get(t, "state"));
                const char *tr =
                        json_string_value(json_object_get(t, "trace"));
                state = s ? strdup(s) : NULL;
                if (tr) {
                        free(*trace);
                        *trace = strdup(tr);
                }
        }
        http_resp_free(r);
        return state;
}

typedef struct boom_wait {
        const worker_t *w;
        int starts;
} boom_wait_t;

static int boom_failed_after(void *arg)
{
        boom_wait_t *bw = arg;
        char *trace, *state = task_state(bw->w, "boom", &trace);
        int ok = state && !strcmp(state, "FAILED") && strstr(trace, "boom") &&
                 log_lines(bw->w, "boom task started", NULL) >= bw->starts;

        free(state);
        free(trace);
        return ok;
}

Test(plugins, failing_task_is_failed_with_trace_and_restartable,
     .timeout = 120)
{
        char path[2048];
        worker_t *w;
        boom_wait_t bw;

        snprintf(path, sizeof(path), "%s/test-plugins", build_dir());
        w = start_with_plugin_path(path, NULL);
        json_decref(http_json(w, "POST", "/connectors",
                              "{\"name\":\"boom\",\"config\":{"
                              "\"connector.class\":\"BoomSource\","
                              "\"tasks.max\":\"1\",\"topic\":\"boom\"}}",
                              201));
        bw = (boom_wait_t){w, 1};
        cr_assert(wait_until(boom_failed_after, &bw, 10000),
                  "task never FAILED with 'boom'");
        /* the connector itself keeps running, the worker keeps serving */
        cr_assert(wait_status(w, "boom", "RUNNING", 1, "FAILED", 5000));
        cr_assert_eq(timed_req(w, "GET", "/connectors", NULL, 2000), 200);

        cr_assert_eq(timed_req(w, "POST", "/connectors/boom/tasks/0/restart",
                               NULL, 2000),
                     204);
        bw = (boom_wait_t){w, 2};
        cr_assert(wait_until(boom_failed_after, &bw, 10000),
                  "restart did not run the task again");

        cr_assert_eq(timed_req(w, "DELETE", "/connectors/boom", NULL, 5000),
                     204);
        worker_free(w);
}

static const char *hang_body(const char *name, const char *in)
{
        static char body[512];

        snprintf(body, sizeof(body),
                 "{\"name\":\"%s\",\"config\":{"
                 "\"connector.class\":\"HangSource\",\"tasks.max\":\"1\","
                 "\"hang.in\":\"%s\",\"hang.seconds\":\"600\"}}",
                 name, in);
        return body;
}

typedef struct gone_wait {
        const worker_t *w;
        const char *name;
        const char *want; /* "FAILED", "GONE" (no task), "404" */
} gone_wait_t;

static int hang_settled(void *arg)
{
        gone_wait_t *gw = arg;
        char path[256], *trace, *state;
        http_resp_t *r;
        int ok;

        if (!strcmp(gw->want, "404")) {
                snprintf(path, sizeof(path), "/connectors/%s", gw->name);
                r = http_req(gw->w, "GET", path, NULL, NULL);
                ok = r->status == 404;
                http_resp_free(r);
                return ok;
        }
        state = task_state(gw->w, gw->name, &trace);
        ok = !strcmp(gw->want, "GONE") ? state == NULL
                                         : state && !strcmp(state, gw->want);
        free(state);
        free(trace);
        return ok;
}

/* While a task hangs, the REST API stays fast. */
static void rest_stays_fast(const worker_t *w, const char *name)
{
        char path[256];

        cr_assert_eq(timed_req(w, "GET", "/connectors", NULL, 1000), 200);
        snprintf(path, sizeof(path), "/connectors/%s/status", name);
        cr_assert_eq(timed_req(w, "GET", path, NULL, 1000), 200);
        cr_assert_eq(timed_req(w, "GET", "/connector-plugins", NULL, 1000),
                     200);
}

Test(plugins, hanging_task_is_abandoned_without_slowing_rest,
     .timeout = 180)
{
        char path[2048];
        worker_t *w;
        gone_wait_t gw;
        int64_t t0;

        snprintf(path, sizeof(path), "%s/test-plugins", build_dir());
        w = start_with_plugin_path(path, NULL);

        /* pause: the task cannot pause; after the graceful timeout it is
         * abandoned and FAILED */
        json_decref(http_json(w, "POST", "/connectors",
                              hang_body("h-pause", "task_poll"), 201));
        cr_assert(wait_status(w, "h-pause", "RUNNING", 1, "RUNNING", 10000));
        rest_stays_fast(w, "h-pause");
        t0 = now_ms();
        cr_assert_eq(timed_req(w, "PUT", "/connectors/h-pause/pause", NULL,
                               1000),
                     202);
        rest_stays_fast(w, "h-pause");
        gw = (gone_wait_t){w, "h-pause", "FAILED"};
        cr_assert(wait_until(hang_settled, &gw, 1000 + 2000),
                  "hung task not FAILED after pause");
        cr_assert_geq(now_ms() - t0, 900, "FAILED before the timeout");

        /* stop: tasks removed */
        json_decref(http_json(w, "POST", "/connectors",
                              hang_body("h-stop", "task_poll"), 201));
        cr_assert(wait_status(w, "h-stop", "RUNNING", 1, "RUNNING", 10000));
        cr_assert_eq(timed_req(w, "PUT", "/connectors/h-stop/stop", NULL,
                               1000 + 2000),
                     204);
        rest_stays_fast(w, "h-stop");
        gw = (gone_wait_t){w, "h-stop", "GONE"};
        cr_assert(wait_until(hang_settled, &gw, 1000 + 2000),
                  "hung task still listed after stop");
        cr_assert(wait_status(w, "h-stop", "STOPPED", 0, "RUNNING", 3000));

        /* delete: connector gone */
        json_decref(http_json(w, "POST", "/connectors",
                              hang_body("h-del", "task_poll"), 201));
        cr_assert(wait_status(w, "h-del", "RUNNING", 1, "RUNNING", 10000));
        cr_assert_eq(timed_req(w, "DELETE", "/connectors/h-del", NULL,
                               1000 + 2000),
                     204);
        rest_stays_fast(w, "h-pause");
        gw = (gone_wait_t){w, "h-del", "404"};
        cr_assert(wait_until(hang_settled, &gw, 1000 + 2000),
                  "deleted connector still there");

        /* a connector whose start hangs does not block REST either */
        cr_assert_eq(timed_req(w, "POST", "/connectors",
                               hang_body("h-start", "start"), 2000),
                     201);
        rest_stays_fast(w, "h-start");
        cr_assert_eq(timed_req(w, "DELETE", "/connectors/h-start", NULL,
                               1000 + 2000),
                     204);
        rest_stays_fast(w, "h-pause");

        worker_free(w);
}

/* A plugin.path directory anyone can write is refused at start-up, naming
 * it and the reason, and the worker serves without its plugins; with
 * plugin.path.allow.insecure=true they load and the worker warns. */
Test(plugins, writable_plugin_path_refused_unless_allowed, .timeout = 120)
{
        char *dir = tmpdir_new("open-plugins");
        char link[2048], target[2048];
        worker_t *w;
        json_t *plugins;
        log_wait_t lw;

        cr_assert_not_null(dir);
        snprintf(link, sizeof(link), "%s/seq.so", dir);
        snprintf(target, sizeof(target), "%s/plugins/sequence_source.so",
                 build_dir());
        cr_assert_eq(symlink(target, link), 0);
        cr_assert_eq(chmod(dir, 0777), 0);

        w = start_with_plugin_path(dir, NULL);
        lw = (log_wait_t){w, "Refusing plugin.path entry", dir};
        cr_assert(wait_until(log_has, &lw, 5000), "no refusal logged");
        cr_assert_eq(log_lines(w, dir, "is writable by group and others "
                                       "(mode 0777)"),
                     1);
        cr_assert_eq(log_lines(w, "ERROR", "plugin.path.allow.insecure=true"),
                     1);
        plugins = http_json(w, "GET", "/connector-plugins", NULL, 200);
        cr_assert_null(find_plugin(plugins, SEQ_CLASS));
        json_decref(plugins);
        worker_free(w);

        w = start_with_plugin_path(dir, "plugin.path.allow.insecure=true\n");
        plugins = http_json(w, "GET", "/connector-plugins", NULL, 200);
        cr_assert_not_null(find_plugin(plugins, SEQ_CLASS));
        json_decref(plugins);
        cr_assert_eq(log_lines(w, "WARN", "Using plugin.path entry"), 1);
        cr_assert_eq(log_lines(w, "Refusing", NULL), 0);
        worker_free(w);
        rm_rf(dir);
        free(dir);
}

/* A plugin compiled against the first edition of connect/plugin.h (before
 * the record pipeline appended to the host table) loads, is listed, and
 * its source and sink run end to end on today's worker. */
Test(plugins, plugin_built_against_abi1_header_runs, .timeout = 180)
{
        char *dir = tmpdir_new("abi1-plugins");
        char cmd[4096], out[1200], body[2048];
        worker_t *w;
        json_t *plugins, *p;
        file_lines_t fl;
        char *got, *text;
        int i;

        cr_assert_not_null(dir);
        snprintf(cmd, sizeof(cmd), "cp '%s/test-plugins/abi1_source.so' '%s/'",
                 build_dir(), dir);
        run(cmd);
        snprintf(out, sizeof(out), "%s/out.txt", dir);
        w = start_with_plugin_path(dir, NULL);

        plugins = http_json(w, "GET", "/connector-plugins", NULL, 200);
        p = find_plugin(plugins, "com.example.test.Abi1SourceConnector");
        cr_assert_not_null(p, "old plugin not listed");
        cr_assert_str_eq(json_string_value(json_object_get(p, "version")),
                         "abi1");
        json_decref(plugins);

        json_decref(http_json(
                w, "POST", "/connectors",
                "{\"name\":\"old-src\",\"config\":{"
                "\"connector.class\":\"Abi1Source\",\"tasks.max\":\"1\","
                "\"topic\":\"abi1-topic\",\"count\":\"10\","
                "\"key.converter\":\"" STRING_CONVERTER "\","
                "\"value.converter\":\"org.apache.kafka.connect.json."
                "JsonConverter\",\"value.converter.schemas.enable\":\"false\""
                "}}",
                201));
        cr_assert(wait_status(w, "old-src", "RUNNING", 1, "RUNNING", 10000));
        got = kcat_consume(w->bootstrap, "abi1-topic", 10, "%k=%s\n", 15000);
        cr_assert_not_null(got);
        for (i = 0; i < 10; i++) {
                char want[64];

                snprintf(want, sizeof(want), "k%d={\"n\":%d,\"s\":\"old\"}\n",
                         i, i);
                cr_assert(strstr(got, want), "no %s in:\n%s", want, got);
        }
        free(got);

        snprintf(body, sizeof(body),
                 "{\"name\":\"old-sink\",\"config\":{"
                 "\"connector.class\":\"Abi1Sink\",\"tasks.max\":\"1\","
                 "\"topics\":\"abi1-topic\",\"file\":\"%s\","
                 "\"key.converter\":\"" STRING_CONVERTER "\","
                 "\"value.converter\":\"" STRING_CONVERTER "\"}}",
                 out);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        fl = (file_lines_t){out, 10};
        cr_assert(wait_until(file_has_lines, &fl, 20000),
                  "old sink never wrote 10 lines");
        text = slurp(out);
        /* "<topic>|<partition>|<offset>|<key>|<value>" (the partition
         * count of an auto-created topic is the cluster's) */
        cr_assert(!strncmp(text, "abi1-topic|", 11), "%s", text);
        cr_assert(strstr(text, "|k0|{\"n\":0,\"s\":\"old\"}\n"), "%s", text);
        cr_assert(strstr(text, "|k9|{\"n\":9,\"s\":\"old\"}\n"), "%s", text);
        free(text);

        worker_free(w);
        rm_rf(dir);
        free(dir);
}

/* What a source plugin sets through the record-pipeline functions reaches
 * Kafka (timestamp, headers in order with a repeated name, the value's
 * schema in the JSON envelope), and a sink plugin reads it all back
 * (timestamp and its type, headers, key and value schemas). */
Test(plugins, records_carry_headers_timestamps_and_schemas,
     .timeout = 180)
{
        char *dir = tmpdir_new("records-plugins");
        char cmd[4096], out[1200], body[2048];
        worker_t *w;
        file_lines_t fl;
        char *got, *text;
        json_t *env;
        json_error_t jerr;
        static const char *const json_conv =
                "\"key.converter\":\"org.apache.kafka.connect.json."
                "JsonConverter\",\"value.converter\":\"org.apache.kafka."
                "connect.json.JsonConverter\"";

        cr_assert_not_null(dir);
        snprintf(cmd, sizeof(cmd), "cp '%s/test-plugins/records.so' '%s/'",
                 build_dir(), dir);
        run(cmd);
        snprintf(out, sizeof(out), "%s/out.txt", dir);
        w = start_with_plugin_path(dir, NULL);

        snprintf(body, sizeof(body),
                 "{\"name\":\"recs-src\",\"config\":{"
                 "\"connector.class\":\"RecordsSource\",\"tasks.max\":\"1\","
                 "\"topic\":\"recs\",\"count\":\"3\",%s}}",
                 json_conv);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        got = kcat_consume(w->bootstrap, "recs", 3, "%T|%h|%s\n", 20000);
        cr_assert_not_null(got);
        cr_assert(!strncmp(got, "1700000000000|h=a,h=b,n=0|{", 27), "%s",
                  got);
        cr_assert(strstr(got, "\n1700000000002|h=a,h=b,n=2|{"), "%s", got);
        env = json_loadb(strchr(got, '{'), strcspn(strchr(got, '{'), "\n"),
                         0, &jerr);
        cr_assert_not_null(env, "%s: %s", jerr.text, got);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(env, "schema"), "name")),
                         "com.example.Rec");
        cr_assert_eq(json_integer_value(json_object_get(
                             json_object_get(env, "schema"), "version")),
                     2);
        cr_assert_eq(json_integer_value(json_object_get(
                             json_object_get(env, "payload"), "i16")),
                     300);
        json_decref(env);
        free(got);

        snprintf(body, sizeof(body),
                 "{\"name\":\"recs-sink\",\"config\":{"
                 "\"connector.class\":\"RecordsSink\",\"tasks.max\":\"1\","
                 "\"topics\":\"recs\",\"file\":\"%s\",%s}}",
                 out, json_conv);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        fl = (file_lines_t){out, 3};
        cr_assert(wait_until(file_has_lines, &fl, 20000),
                  "records sink never wrote 3 lines");
        text = slurp(out);
        /* topic|offset|timestamp|CreateTime|INT32 key schema|value schema
         * name|headers (SimpleHeaderConverter reads "0" as a number) */
        snprintf(cmd, sizeof(cmd), "|1700000000001|1|%d|com.example.Rec|"
                 "h=a,h=b,n=1\n", (int)CONNECTD_VAL_INT32);
        cr_assert(strstr(text, cmd), "no [%s] in:\n%s", cmd, text);
        free(text);

        worker_free(w);
        rm_rf(dir);
        free(dir);
}
