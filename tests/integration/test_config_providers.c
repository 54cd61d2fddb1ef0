/*
 * Config providers end to end: ${provider:[path:]key} references resolved
 * for the task (File, Directory, EnvVar and a provider plugin), the REST API
 * showing the raw config everywhere (config, info, expand=info, tasks),
 * references that stay literal (unknown provider or key, allowlist,
 * allowed.paths), lookup errors (500 on validate/create, FAILED at start),
 * the worker file using its own providers, bad provider settings stopping
 * the worker, config.action.reload values, and distributed mode.
 *
 * The test plugin's ConfigEchoSource writes one record per key of the
 * config its task was started with (key = config key, value = its value),
 * so the resolved values are read back from the topic with kcat.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define ECHO "com.example.test.ConfigEchoSourceConnector"
#define STRCONV "org.apache.kafka.connect.storage.StringConverter"

static const char *build_dir(void)
{
        const char *b = getenv("CONNECTD_BUILD_DIR");
#ifdef CONNECTD_BUILD_DIR_DEFAULT
        if (!b)
                b = CONNECTD_BUILD_DIR_DEFAULT;
#endif
        cr_assert_not_null(b, "CONNECTD_BUILD_DIR not set");
        return b;
}

typedef struct fx {
        char *dir;       /* secrets: s.properties, d/token */
        char *outside;   /* a properties file outside allowed.paths */
        worker_t *w;
} fx_t;

static void secrets(fx_t *f)
{
        char p[1024];

        f->dir = tmpdir_new("prov");
        f->outside = tmpdir_new("prov-out");
        snprintf(p, sizeof(p), "%s/s.properties", f->dir);
        cr_assert(spit(p, "password = s3cr3t-file\nhost=resolved.example\n"
                          "flush=250\n",
                       0) == 0);
        snprintf(p, sizeof(p), "%s/d", f->dir);
        cr_assert(mkdir(p, 0700) == 0);
        snprintf(p, sizeof(p), "%s/d/token", f->dir);
        cr_assert(spit(p, "s3cr3t-dir\n", 0) == 0);
        snprintf(p, sizeof(p), "%s/s.properties", f->outside);
        cr_assert(spit(p, "password=s3cr3t-outside\n", 0) == 0);
        setenv("CT_VISIBLE", "s3cr3t-env", 1);
        setenv("HIDDEN_VAR", "s3cr3t-hidden", 1);
}

/* Worker properties declaring file, dir, env and the plugin provider. */
static char *provider_props(const fx_t *f, const char *extra)
{
        char *s = NULL;

        cr_assert(asprintf(&s,
                           "plugin.path=%s/test-provider-plugins\n"
                           "config.providers=file,dir,env,static,unset\n"
                           "config.providers.file.class="
                           "org.apache.kafka.common.config.provider."
                           "FileConfigProvider\n"
                           "config.providers.file.param.allowed.paths=%s\n"
                           "config.providers.dir.class=DirectoryConfigProvider\n"
                           "config.providers.env.class=EnvVar\n"
                           "config.providers.env.param.allowlist.pattern="
                           "CT_.*|OTHER\n"
                           "config.providers.static.class=Static\n"
                           "config.providers.static.param.prefix=pre-\n"
                           "%s",
                           build_dir(), f->dir, extra ? extra : "") > 0);
        return s;
}

static void fx_start(fx_t *f, const char *extra)
{
        char *props;

        secrets(f);
        props = provider_props(f, extra);
        f->w = worker_start(props, NULL);
        free(props);
}

static void fx_free(fx_t *f)
{
        worker_free(f->w);
        rm_rf(f->dir);
        rm_rf(f->outside);
        free(f->dir);
        free(f->outside);
}

/* The echo connector's config: every kind of reference. */
static json_t *echo_config(const fx_t *f, const char *name, const char *topic)
{
        char file_ref[1024], dir_ref[1024], out_ref[1024], miss_ref[1024];

        snprintf(file_ref, sizeof(file_ref), "${file:%s/s.properties:password}",
                 f->dir);
        snprintf(dir_ref, sizeof(dir_ref), "${dir:%s/d:token}", f->dir);
        snprintf(out_ref, sizeof(out_ref), "${file:%s/s.properties:password}",
                 f->outside);
        snprintf(miss_ref, sizeof(miss_ref), "${file:%s/s.properties:nokey}",
                 f->dir);
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
                         " s:s, s:s, s:s, s:s, s:s, s:s}",
                         "name", name, "connector.class", ECHO, "tasks.max",
                         "1", "topic", topic, "key.converter", STRCONV,
                         "value.converter", STRCONV, "a.file", file_ref,
                         "a.dir",
                         dir_ref, "a.env", "${env:CT_VISIBLE}", "a.mixed",
                         "x-${env:CT_VISIBLE}-${static:p:k}-y", "a.plugin",
                         "${static:some/path:key}", "a.hidden",
                         "${env:HIDDEN_VAR}", "a.unknown",
                         "${nope:whatever}", "a.unset", "${unset:k}",
                         "a.missing", miss_ref, "a.outside", out_ref);
}

typedef struct post {
        const worker_t *w;
        const char *body;
        long status;
} post_t;

/* POST until it is not a 409 (distributed: no leader known yet). */
static int posted(void *arg)
{
        post_t *p = arg;
        http_resp_t *r = http_req(p->w, "POST", "/connectors", p->body, NULL);

        p->status = r->status;
        http_resp_free(r);
        return p->status != 409;
}

static void create(const worker_t *w, const json_t *config)
{
        json_t *body = json_pack("{s:s, s:O}", "name",
                                 json_string_value(json_object_get(config,
                                                                   "name")),
                                 "config", config);
        char *text = json_dumps(body, 0);
        post_t p = { w, text, 0 };

        cr_assert(wait_until(posted, &p, 30000), "POST kept answering 409");
        cr_assert_eq(p.status, 201);
        free(text);
        json_decref(body);
}

/* The echoed task config, as {key: value}, read from `topic`. */
static json_t *echoed(const char *bootstrap, const char *topic, int count)
{
        char *out = kcat_consume(bootstrap, topic, count, "%k\x1f%s\x1e",
                                 30000);
        json_t *m = json_object();
        char *rec, *save = NULL;

        for (rec = strtok_r(out, "\x1e", &save); rec;
             rec = strtok_r(NULL, "\x1e", &save)) {
                char *sep = strchr(rec, '\x1f');
                cr_assert_not_null(sep, "bad record %s", rec);
                *sep = '\0';
                json_object_set_new(m, rec, json_string(sep + 1));
        }
        free(out);
        return m;
}

#define GET_S(obj, key) json_string_value(json_object_get((obj), (key)))

/* Every value of `config` is shown as sent (references, not values). */
static void assert_raw(const json_t *shown, const json_t *config)
{
        const char *k;
        json_t *v;

        json_object_foreach((json_t *)config, k, v)
                cr_assert_str_eq(GET_S(shown, k), json_string_value(v),
                                 "%s shown as %s", k, GET_S(shown, k));
}

static void check_resolved(const fx_t *f, const json_t *config,
                           const char *bootstrap, const char *topic)
{
        /* Every key of the config plus task.class. */
        json_t *m = echoed(bootstrap, topic,
                           (int)json_object_size(config) + 1);

        (void)f;
        {
                char *d = json_dumps(m, 0);
                cr_assert_not_null(GET_S(m, "a.file"), "echoed: %s", d);
                free(d);
        }
        cr_assert_str_eq(GET_S(m, "a.file"), "s3cr3t-file");
        /* A Directory value is the whole file: its newline stays. */
        cr_assert_str_eq(GET_S(m, "a.dir"), "s3cr3t-dir\n");
        cr_assert_str_eq(GET_S(m, "a.env"), "s3cr3t-env");
        cr_assert_str_eq(GET_S(m, "a.plugin"), "pre-some/path/key");
        cr_assert_str_eq(GET_S(m, "a.mixed"), "x-s3cr3t-env-pre-p/k-y");
        /* Left as written: the allowlist hides the variable, no such
         * provider, a provider name without a class, no such key, a path
         * outside allowed.paths. */
        cr_assert_str_eq(GET_S(m, "a.hidden"), "${env:HIDDEN_VAR}");
        cr_assert_str_eq(GET_S(m, "a.unknown"), "${nope:whatever}");
        cr_assert_str_eq(GET_S(m, "a.unset"), "${unset:k}");
        cr_assert_str_eq(GET_S(m, "a.missing"),
                         GET_S(config, "a.missing"));
        cr_assert_str_eq(GET_S(m, "a.outside"), GET_S(config, "a.outside"));
        json_decref(m);
}

static void check_rest_raw(const worker_t *w, const char *name,
                           const json_t *config)
{
        char path[256];
        json_t *j, *tasks;

        snprintf(path, sizeof(path), "/connectors/%s/config", name);
        j = http_json(w, "GET", path, NULL, 200);
        assert_raw(j, config);
        json_decref(j);
        snprintf(path, sizeof(path), "/connectors/%s", name);
        j = http_json(w, "GET", path, NULL, 200);
        assert_raw(json_object_get(j, "config"), config);
        json_decref(j);
        j = http_json(w, "GET", "/connectors?expand=info", NULL, 200);
        assert_raw(json_object_get(json_object_get(json_object_get(j, name),
                                                   "info"),
                                   "config"),
                   config);
        json_decref(j);
        /* The task config the connector made from resolved values gets
         * the references back. */
        snprintf(path, sizeof(path), "/connectors/%s/tasks", name);
        j = http_json(w, "GET", path, NULL, 200);
        tasks = json_object_get(json_array_get(j, 0), "config");
        cr_assert_not_null(tasks, "no task config");
        assert_raw(tasks, config);
        json_decref(j);
}

Test(config_providers, resolved_in_the_task_raw_in_the_rest_api,
     .timeout = 120)
{
        fx_t f;
        json_t *config;
        char *log;

        fx_start(&f, NULL);
        config = echo_config(&f, "echo", "echo-out");
        create(f.w, config);
        cr_assert(wait_status(f.w, "echo", "RUNNING", 1, "RUNNING", 20000));
        check_resolved(&f, config, f.w->bootstrap, "echo-out");
        check_rest_raw(f.w, "echo", config);

        /* Restarting resolves again: a changed secret is picked up. */
        {
                char p[1024];
                snprintf(p, sizeof(p), "%s/d/token", f.dir);
                cr_assert(spit(p, "rotated\n", 0) == 0);
        }
        json_decref(http_json(f.w, "POST",
                              "/connectors/echo/restart?includeTasks=true",
                              NULL, 202));
        {
                char *out = kcat_consume(f.w->bootstrap, "echo-out",
                                         2 * ((int)json_object_size(config) + 1),
                                         "%k=%s|", 30000);
                cr_assert(strstr(out, "a.dir=rotated\n|"), "%s", out);
                free(out);
        }
        /* No secret in the log. */
        log = worker_stderr(f.w);
        cr_assert_null(strstr(log, "s3cr3t"), "a secret was logged");
        free(log);
        json_decref(config);
        fx_free(&f);
}

static void expect_500(const worker_t *w, const char *method,
                       const char *path, const char *body, const char *want)
{
        http_resp_t *r = http_req(w, method, path, body, NULL);

        cr_assert_eq(r->status, 500, "%s %s: %ld %s", method, path,
                     r->status, r->body);
        cr_assert(strstr(GET_S(r->json, "message") ?: "", want),
                  "message: %s", r->body);
        http_resp_free(r);
}

Test(config_providers, lookup_errors, .timeout = 120)
{
        fx_t f;
        char body[2048], p[1024];
        http_resp_t *r;
        json_t *st;
        const char *trace;

        fx_start(&f, NULL);
        /* validate and create: 500 with the provider's message. */
        snprintf(body, sizeof(body),
                 "{\"connector.class\":\"" ECHO "\",\"name\":\"bad\","
                 "\"topic\":\"t\",\"x\":\"${file:%s/gone.properties:k}\"}",
                 f.dir);
        snprintf(p, sizeof(p), "Could not read properties from file %s/"
                 "gone.properties", f.dir);
        expect_500(f.w, "PUT",
                   "/connector-plugins/ConfigEchoSourceConnector/config/"
                   "validate", body, p);
        expect_500(f.w, "PUT", "/connectors/bad/config", body, p);
        expect_500(f.w, "PUT", "/connectors/bad/config",
                   "{\"connector.class\":\"" ECHO "\",\"topic\":\"t\","
                   "\"x\":\"${static:p:fail}\"}",
                   "static provider: asked to fail");
        expect_500(f.w, "PUT", "/connectors/bad/config",
                   "{\"connector.class\":\"" ECHO "\",\"topic\":\"t\","
                   "\"x\":\"${env:some/path:CT_VISIBLE}\"}",
                   "Path is not supported for EnvVarConfigProvider, invalid "
                   "value 'some/path'");
        r = http_req(f.w, "GET", "/connectors/bad", NULL, NULL);
        cr_assert_eq(r->status, 404, "nothing was stored");
        http_resp_free(r);

        /* validate with references that resolve: 200, values as sent. */
        snprintf(body, sizeof(body),
                 "{\"connector.class\":\"" ECHO "\",\"name\":\"ok\","
                 "\"topic\":\"${env:CT_VISIBLE}\"}");
        r = http_req(f.w, "PUT",
                     "/connector-plugins/ConfigEchoSourceConnector/config/"
                     "validate", body, NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert_null(strstr(r->body, "s3cr3t"), "%s", r->body);
        http_resp_free(r);

        /* A file that disappears: the next start fails the connector. */
        snprintf(p, sizeof(p), "%s/later.properties", f.dir);
        cr_assert(spit(p, "k=v\n", 0) == 0);
        snprintf(body, sizeof(body),
                 "{\"name\":\"later\",\"config\":{\"connector.class\":\""
                 ECHO "\",\"topic\":\"later\",\"tasks.max\":\"1\","
                 "\"x\":\"${file:%s:k}\"}}", p);
        json_decref(http_json(f.w, "POST", "/connectors", body, 201));
        cr_assert(wait_status(f.w, "later", "RUNNING", 1, "RUNNING", 20000));
        cr_assert(unlink(p) == 0);
        /* The task started again fails ... */
        json_decref(http_json(f.w, "POST", "/connectors/later/tasks/0/restart",
                              NULL, 204));
        cr_assert(wait_status(f.w, "later", "RUNNING", 1, "FAILED", 20000));
        st = http_json(f.w, "GET", "/connectors/later/tasks/0/status", NULL,
                       200);
        trace = GET_S(st, "trace");
        cr_assert(trace && strstr(trace, "Could not read properties from "
                                         "file"), "%s", trace);
        json_decref(st);
        /* ... and so does the connector. */
        json_decref(http_json(f.w, "POST", "/connectors/later/restart", NULL,
                              204));
        cr_assert(wait_status(f.w, "later", "FAILED", -1, NULL, 20000));
        st = http_json(f.w, "GET", "/connectors/later/status", NULL, 200);
        trace = GET_S(json_object_get(st, "connector"), "trace");
        cr_assert(trace && strstr(trace, "Could not read properties from "
                                         "file"), "%s", trace);
        json_decref(st);
        fx_free(&f);
}

Test(config_providers, worker_file_uses_its_providers, .timeout = 60)
{
        fx_t f;
        char extra[1024];
        json_t *st;

        secrets(&f);
        free(f.outside);
        f.outside = tmpdir_new("prov-out");
        /* A STRING key and a typed one (checked after resolving). */
        snprintf(extra, sizeof(extra),
                 "rest.advertised.host.name=${file:%s/s.properties:host}\n"
                 "offset.flush.interval.ms=${file:%s/s.properties:flush}\n",
                 f.dir, f.dir);
        {
                char *props = provider_props(&f, extra);
                f.w = worker_start(props, NULL);
                free(props);
        }
        json_decref(http_json(f.w, "POST", "/connectors",
                              "{\"name\":\"e\",\"config\":{\"connector.class\":"
                              "\"" ECHO "\",\"topic\":\"e\"}}", 201));
        cr_assert(wait_status(f.w, "e", "RUNNING", 1, "RUNNING", 20000));
        st = http_json(f.w, "GET", "/connectors/e/status", NULL, 200);
        cr_assert(!strncmp(GET_S(json_object_get(st, "connector"),
                                 "worker_id"),
                           "resolved.example:", 17),
                  "worker_id %s",
                  GET_S(json_object_get(st, "connector"), "worker_id"));
        json_decref(st);
        fx_free(&f);
}

Test(config_providers, bad_provider_settings_stop_the_worker, .timeout = 60)
{
        char *err = NULL;

        cr_assert_neq(run_worker_config(
                              "config.providers=file\n"
                              "config.providers.file.class=FileConfigProvider\n"
                              "config.providers.file.param.allowed.paths="
                              "relative/dir\n",
                              &err),
                      0);
        cr_assert(strstr(err, "Path relative/dir is not absolute"), "%s",
                  err);
        free(err);
        cr_assert_neq(run_worker_config(
                              "config.providers=x\n"
                              "config.providers.x.class=NoSuchProvider\n",
                              &err),
                      0);
        cr_assert(strstr(err, "Class NoSuchProvider could not be found"),
                  "%s", err);
        free(err);
        cr_assert_neq(run_worker_config("config.providers.x.nonsense=1\n",
                                        &err),
                      0);
        cr_assert(strstr(err, "config.providers.x.nonsense"), "%s", err);
        free(err);
}

Test(config_providers, reload_none_and_restart_accepted, .timeout = 60)
{
        worker_t *w = worker_start(NULL, NULL);
        http_resp_t *r;

        json_decref(http_json(w, "PUT", "/connectors/r1/config",
                              "{\"connector.class\":\"FileStreamSource\","
                              "\"topic\":\"r\",\"config.action.reload\":"
                              "\"none\"}", 201));
        json_decref(http_json(w, "PUT", "/connectors/r2/config",
                              "{\"connector.class\":\"FileStreamSource\","
                              "\"topic\":\"r\",\"config.action.reload\":"
                              "\"restart\"}", 201));
        r = http_req(w, "PUT", "/connectors/r3/config",
                     "{\"connector.class\":\"FileStreamSource\","
                     "\"topic\":\"r\",\"config.action.reload\":\"later\"}",
                     NULL);
        cr_assert_eq(r->status, 400, "%s", r->body);
        cr_assert(strstr(r->body, "config.action.reload"), "%s", r->body);
        http_resp_free(r);
        /* The built-ins never give a TTL: nothing restarts by itself. */
        cr_assert(wait_status(w, "r1", "RUNNING", 1, "RUNNING", 20000));
        worker_free(w);
}

Test(config_providers, distributed_mode, .timeout = 120)
{
        fx_t f;
        json_t *config;

        fx_start(&f, "group.id=prov-it\n"
                     "config.storage.topic=prov-configs\n"
                     "offset.storage.topic=prov-offsets\n"
                     "status.storage.topic=prov-status\n");
        config = echo_config(&f, "decho", "decho-out");
        create(f.w, config);
        cr_assert(wait_status(f.w, "decho", "RUNNING", 1, "RUNNING", 30000));
        check_resolved(&f, config, f.w->bootstrap, "decho-out");
        check_rest_raw(f.w, "decho", config);
        /* The config topic holds the references, never the secrets. */
        {
                char *dump = kcat_dump(f.w->bootstrap, "prov-configs", "%s\n",
                                       20000);
                cr_assert(strstr(dump, "${env:CT_VISIBLE}"), "%s", dump);
                cr_assert_null(strstr(dump, "s3cr3t"), "%s", dump);
                free(dump);
        }
        json_decref(config);
        fx_free(&f);
}
