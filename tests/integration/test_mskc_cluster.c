/*
 * Integration: the MSK Connect API on a distributed cluster of two
 * workers (one embedded Kafka cluster in its own process, s3rver for the
 * custom plugin). The resources live in mskconnect.storage.topic and every
 * worker serves them:
 * - a worker configuration, a custom plugin (the example sequence source,
 *   zipped and uploaded) and a connector running the plugin's class,
 *   created through worker A, are listed and described through worker B;
 * - the connector's four tasks run RUNNING on both workers (so B loaded
 *   the plugin revision itself);
 * - A stopped (SIGTERM) and started again: everything listed with the same
 *   ARNs and versions (A read them back from the topic and loaded its copy
 *   of the plugin again), the tasks RUNNING;
 * - through B, an update with a stale currentVersion is refused and one
 *   with the current one is taken (the new version is seen on A);
 * - deleted through B: gone on A, on the MSK API and on Connect's.
 * Plain HTTP without SigV4 (the workers have no mskconnect.access.key.id).
 * With MSK credentials (sigv4_writes_reach_the_leader): SigV4-signed writes
 * through either worker reach the leader (the forward proves itself with
 * the secret), the error type comes back in x-amzn-ErrorType, and a forged
 * forward header is refused.
 * Every wait polls with a deadline.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define PBUCKET "mskc-plugins"
#define SEQ_CLASS "com.example.connectd.SequenceSourceConnector"

static const char BASE_PROPS[] =
        "group.id=connectd-mskc-it\n"
        "config.storage.topic=connect-configs\n"
        "offset.storage.topic=connect-offsets\n"
        "status.storage.topic=connect-status\n"
        "config.storage.replication.factor=1\n"
        "offset.storage.replication.factor=1\n"
        "status.storage.replication.factor=1\n"
        "heartbeat.interval.ms=1000\n"
        "session.timeout.ms=6000\n";

static s3srv_t s3;
static char tmp[512];
static ekafka_t *ek;
static worker_t *wa, *wb;

static int sh(const char *cmd)
{
        int st = system(cmd);

        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *build_dir(void)
{
        const char *d = getenv("CONNECTD_BUILD_DIR");
        return d && *d ? d : ".";
}

static void setup(void)
{
        const char *src = getenv("CONNECTD_SOURCE_DIR");
        const char *t = getenv("TMPDIR");

        snprintf(tmp, sizeof(tmp), "%s/connectd-mskccl-XXXXXX",
                 t && *t ? t : "/tmp");
        cr_assert_not_null(mkdtemp(tmp));
        cr_assert_not_null(src, "CONNECTD_SOURCE_DIR not set");
        if (sh("command -v python3 >/dev/null 2>&1") != 0)
                cr_skip_test("python3 not installed");
        {
                static const char *const buckets[] = { PBUCKET, NULL };

                s3srv_start(&s3, tmp, buckets);
        }
}

static void teardown(void)
{
        char cmd[700];

        if (wa && wa->pid > 0)
                kill(wa->pid, SIGTERM);
        if (wb && wb->pid > 0)
                kill(wb->pid, SIGTERM);
        worker_free(wa);
        worker_free(wb);
        wa = wb = NULL;
        if (ek)
                ekafka_stop(ek);
        ek = NULL;
        s3srv_stop(&s3);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        if (sh(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmp);
}

TestSuite(mskc_cluster, .init = setup, .fini = teardown, .timeout = 180);

/* PUT a file to s3rver, SigV4-signed by curl. */
static void s3_put(const char *key, const char *file)
{
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        char url[1024];
        long status = 0;
        FILE *f = fopen(file, "rb");
        struct stat st;

        cr_assert_not_null(f);
        cr_assert_eq(fstat(fileno(f), &st), 0);
        snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s/%s", s3.port,
                 PBUCKET, key);
        h = curl_slist_append(h, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READDATA, f);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
        curl_easy_setopt(c, CURLOPT_USERNAME, "S3RVER");
        curl_easy_setopt(c, CURLOPT_PASSWORD, "S3RVER");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
        cr_assert_eq(curl_easy_perform(c), CURLE_OK);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        cr_assert_eq(status, 200);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        fclose(f);
}

/* A write, retried while the cluster has no leader yet (503, which the
 * AWS SDKs retry too). */
static http_resp_t *write_req(const worker_t *w, const char *method,
                              const char *path, const char *body)
{
        char last[512] = "";
        int i;

        for (i = 0; i < 100; i++) {
                http_resp_t *r = http_req(w, method, path, body, NULL);
                struct timespec ts = { 0, 200 * 1000000L };

                if (r->status != 503)
                        return r;
                snprintf(last, sizeof(last), "%ld %s", r->status, r->body);
                http_resp_free(r);
                nanosleep(&ts, NULL); /* a client's back-off */
        }
        cr_assert_fail("%s %s: the cluster never took it: %s", method, path,
                       last);
        return NULL;
}

static json_t *get_json(const worker_t *w, const char *path)
{
        http_resp_t *r = http_req(w, "GET", path, NULL, NULL);
        json_t *j = r->status == 200 ? json_incref(r->json) : NULL;

        http_resp_free(r);
        return j;
}

static char *arn_path(const char *kind, const char *arn)
{
        char *e = url_escape(arn), *p = NULL;

        cr_assert(asprintf(&p, "/v1/%s/%s", kind, e) > 0);
        free(e);
        return p;
}

typedef struct {
        const worker_t *w;
        const char *path, *member, *want;
} poll_t;

static int member_is(void *arg)
{
        poll_t *p = arg;
        json_t *j = get_json(p->w, p->path);
        int ok = j && json_string_value(json_object_get(j, p->member)) &&
                 !strcmp(json_string_value(json_object_get(j, p->member)),
                         p->want);

        json_decref(j);
        return ok;
}

static void wait_member(const worker_t *w, const char *path,
                        const char *member, const char *want, int ms)
{
        poll_t p = { w, path, member, want };

        cr_assert(wait_until(member_is, &p, ms), "%s %s never became %s",
                  path, member, want);
}

static char last_status[4096];
static int need_spread;

/* Every task RUNNING (need_spread: on two different workers). */
static int tasks_running(void *arg)
{
        json_t *st = get_json(arg, "/connectors/seq/status"), *t;
        const char *first = NULL;
        size_t i;
        int n = 0, other = 0;

        json_array_foreach(json_object_get(st, "tasks"), i, t) {
                const char *wid = json_string_value(json_object_get(t,
                                                                    "worker_id"));

                if (strcmp(json_string_value(json_object_get(t, "state")),
                           "RUNNING") || !wid)
                        goto out;
                if (!first)
                        first = wid;
                else if (strcmp(first, wid))
                        other = 1;
                n++;
        }
out:
        if (st) {
                char *d = json_dumps(st, JSON_COMPACT);

                snprintf(last_status, sizeof(last_status), "%s", d ? d : "");
                free(d);
        }
        json_decref(st);
        return n == 4 && (other || !need_spread) && i == 4;
}

static int listed(const worker_t *w, const char *path, const char *arr,
                  const char *member, const char *arn)
{
        json_t *j = get_json(w, path), *e;
        size_t i;
        int found = 0;

        json_array_foreach(json_object_get(j, arr), i, e)
                if (!strcmp(json_string_value(json_object_get(e, member)),
                            arn))
                        found = 1;
        json_decref(j);
        return found;
}

/* How often worker w logged that it loaded plugin arn. */
static int loads(const worker_t *w, const char *arn)
{
        char *log = worker_stderr(w), *p, needle[600];
        int n = 0;

        snprintf(needle, sizeof(needle), "Custom plugin %s loaded on this "
                 "worker", arn);
        for (p = log; p && (p = strstr(p, needle)); p += strlen(needle))
                n++;
        free(log);
        return n;
}

static int answers(void *arg)
{
        http_resp_t *r = http_req(arg, "GET", "/connectors", NULL, NULL);
        int ok = r->status == 200;

        http_resp_free(r);
        return ok;
}

Test(mskc_cluster, resources_shared_by_every_worker)
{
        char props[2048], cmd[1500], so[600], zip[700], body[4096];
        char *wcarn, *plarn, *carn, *ver, *p_pl, *p_wc, *p_c, *path;
        /* key.converter=StringConverter, value.converter=JsonConverter,
         * value.converter.schemas.enable=false */
        const char *b64 = "a2V5LmNvbnZlcnRlcj1vcmcuYXBhY2hlLmthZmthLmNvbm5lY3"
                          "Quc3RvcmFnZS5TdHJpbmdDb252ZXJ0ZXIKdmFsdWUuY29udmVy"
                          "dGVyPW9yZy5hcGFjaGUua2Fma2EuY29ubmVjdC5qc29uLkpzb2"
                          "5Db252ZXJ0ZXIKdmFsdWUuY29udmVydGVyLnNjaGVtYXMuZW5h"
                          "YmxlPWZhbHNlCg==";
        http_resp_t *r;
        json_t *j;
        int n_loads;

        ek = ekafka_start_props(BASE_PROPS);
        snprintf(props, sizeof(props),
                 "%sbootstrap.servers=%s\n"
                 "mskconnect.s3.endpoint=http://127.0.0.1:%d\n"
                 "mskconnect.s3.access.key.id=S3RVER\n"
                 "mskconnect.s3.secret.access.key=S3RVER\n",
                 BASE_PROPS, ek->bootstrap, s3.port);
        wa = worker_spawn(props, NULL);
        wb = worker_spawn(props, NULL);
        worker_wait_ready(wa);
        worker_wait_ready(wb);
        cr_assert(wait_until(answers, wa, 30000));
        cr_assert(wait_until(answers, wb, 30000));

        /* Created through A ... */
        snprintf(body, sizeof(body), "{\"name\": \"converters\", "
                 "\"propertiesFileContent\": \"%s\"}", b64);
        r = write_req(wa, "POST", "/v1/worker-configurations", body);
        cr_assert_eq(r->status, 200, "%s", r->body);
        wcarn = strdup(json_string_value(json_object_get(
                r->json, "workerConfigurationArn")));
        http_resp_free(r);

        snprintf(so, sizeof(so), "%s/plugins/sequence_source.so", build_dir());
        snprintf(zip, sizeof(zip), "%s/seq.zip", tmp);
        snprintf(cmd, sizeof(cmd), "python3 -m zipfile -c '%s' '%s'", zip,
                 so);
        cr_assert_eq(sh(cmd), 0, "%s", cmd);
        s3_put("plugins/seq.zip", zip);
        r = write_req(wa, "POST", "/v1/custom-plugins",
                      "{\"name\": \"seq\", \"contentType\": \"ZIP\", "
                      "\"location\": {\"s3Location\": {\"bucketArn\": "
                      "\"arn:aws:s3:::" PBUCKET "\", \"fileKey\": "
                      "\"plugins/seq.zip\"}}}");
        cr_assert_eq(r->status, 200, "%s", r->body);
        plarn = strdup(json_string_value(json_object_get(r->json,
                                                         "customPluginArn")));
        http_resp_free(r);

        /* ... seen through B. */
        p_pl = arn_path("custom-plugins", plarn);
        p_wc = arn_path("worker-configurations", wcarn);
        wait_member(wb, p_pl, "customPluginState", "ACTIVE", 30000);
        j = get_json(wb, p_wc);
        cr_assert_not_null(j, "B does not describe %s", wcarn);
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
                                 j, "latestRevision"), "propertiesFileContent")),
                         b64);
        json_decref(j);
        cr_assert(listed(wb, "/v1/custom-plugins", "customPlugins",
                         "customPluginArn", plarn));
        cr_assert(listed(wb, "/v1/worker-configurations",
                         "workerConfigurations", "workerConfigurationArn",
                         wcarn));

        /* A connector of the plugin's class, created through A. */
        snprintf(body, sizeof(body),
                 "{\"connectorName\": \"seq\","
                 " \"kafkaConnectVersion\": \"2.7.1\","
                 " \"serviceExecutionRoleArn\": "
                 "\"arn:aws:iam::123456789012:role/connectd\","
                 " \"capacity\": {\"provisionedCapacity\": {\"mcuCount\": 1,"
                 " \"workerCount\": 2}},"
                 " \"connectorConfiguration\": {\"connector.class\": \""
                 SEQ_CLASS "\", \"tasks.max\": \"4\", \"topic\": \"seq-out\","
                 " \"interval.ms\": \"200\"},"
                 " \"kafkaCluster\": {\"apacheKafkaCluster\": "
                 "{\"bootstrapServers\": \"%s\", \"vpc\": {\"subnets\": "
                 "[\"subnet-1\"]}}},"
                 " \"kafkaClusterClientAuthentication\": "
                 "{\"authenticationType\": \"NONE\"},"
                 " \"kafkaClusterEncryptionInTransit\": "
                 "{\"encryptionType\": \"PLAINTEXT\"},"
                 " \"workerConfiguration\": {\"workerConfigurationArn\": "
                 "\"%s\", \"revision\": 1},"
                 " \"plugins\": [{\"customPlugin\": {\"customPluginArn\": "
                 "\"%s\", \"revision\": 1}}]}",
                 ek->bootstrap, wcarn, plarn);
        r = write_req(wa, "POST", "/v1/connectors", body);
        cr_assert_eq(r->status, 200, "%s", r->body);
        carn = strdup(json_string_value(json_object_get(r->json,
                                                        "connectorArn")));
        http_resp_free(r);
        p_c = arn_path("connectors", carn);
        wait_member(wb, p_c, "connectorState", "RUNNING", 60000);
        need_spread = 1;
        cr_assert(wait_until(tasks_running, wb, 60000),
                  "the tasks do not run on both workers: %s", last_status);
        cr_assert(listed(wb, "/v1/connectors", "connectors", "connectorArn",
                         carn));
        j = get_json(wb, p_c);
        ver = strdup(json_string_value(json_object_get(j, "currentVersion")));
        json_decref(j);
        j = get_json(wa, p_c);
        cr_assert_str_eq(json_string_value(json_object_get(j,
                                                           "currentVersion")),
                         ver);
        json_decref(j);

        /* A stops and starts again: everything is still there. */
        n_loads = loads(wa, plarn);
        cr_assert_eq(worker_stop(wa), 0);
        worker_restart(wa);
        cr_assert(wait_until(answers, wa, 30000));
        /* Its copy of the revision, loaded before it took requests. */
        cr_assert_eq(loads(wa, plarn), n_loads + 1);
        j = get_json(wa, p_c);
        cr_assert_not_null(j);
        cr_assert_str_eq(json_string_value(json_object_get(j,
                                                           "currentVersion")),
                         ver);
        json_decref(j);
        wait_member(wa, p_pl, "customPluginState", "ACTIVE", 5000);
        cr_assert(listed(wa, "/v1/worker-configurations",
                         "workerConfigurations", "workerConfigurationArn",
                         wcarn));
        /* Where the tasks run after the restart is the group's business
         * (A rejoins, or B keeps them): they run. */
        need_spread = 0;
        cr_assert(wait_until(tasks_running, wa, 60000),
                  "the tasks do not run after the restart: %s", last_status);
        wait_member(wa, p_c, "connectorState", "RUNNING", 30000);

        /* Through B: a stale currentVersion is refused. */
        cr_assert(asprintf(&path, "%s?currentVersion=STALEVERSION1", p_c) > 0);
        r = write_req(wb, "PUT", path,
                      "{\"capacity\": {\"provisionedCapacity\": "
                      "{\"mcuCount\": 2, \"workerCount\": 2}}}");
        cr_assert_eq(r->status, 400, "%s", r->body);
        cr_assert(strstr(r->body, "currentVersion"), "%s", r->body);
        http_resp_free(r);
        free(path);
        cr_assert(asprintf(&path, "%s?currentVersion=%s", p_c, ver) > 0);
        r = write_req(wb, "PUT", path,
                      "{\"capacity\": {\"provisionedCapacity\": "
                      "{\"mcuCount\": 2, \"workerCount\": 2}}}");
        cr_assert_eq(r->status, 200, "%s", r->body);
        http_resp_free(r);
        free(path);
        j = get_json(wa, p_c);
        cr_assert_str_neq(json_string_value(json_object_get(j,
                                                            "currentVersion")),
                          ver);
        cr_assert_eq(json_integer_value(json_object_get(json_object_get(
                             json_object_get(j, "capacity"),
                             "provisionedCapacity"), "mcuCount")), 2);
        json_decref(j);
        /* The old version is stale now, on either worker. */
        cr_assert(asprintf(&path, "%s?currentVersion=%s", p_c, ver) > 0);
        r = write_req(wa, "PUT", path,
                      "{\"capacity\": {\"provisionedCapacity\": "
                      "{\"mcuCount\": 4, \"workerCount\": 2}}}");
        cr_assert_eq(r->status, 400, "%s", r->body);
        http_resp_free(r);
        free(path);

        /* Deleted through B: gone on A. */
        r = write_req(wb, "DELETE", p_c, NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        http_resp_free(r);
        r = http_req(wa, "GET", p_c, NULL, NULL);
        cr_assert_eq(r->status, 404, "%s", r->body);
        http_resp_free(r);
        cr_assert(!listed(wa, "/v1/connectors", "connectors", "connectorArn",
                          carn));
        r = write_req(wb, "DELETE", p_pl, NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        http_resp_free(r);
        r = http_req(wa, "GET", p_pl, NULL, NULL);
        cr_assert_eq(r->status, 404, "%s", r->body);
        http_resp_free(r);
        /* A name is taken once in the cluster. */
        snprintf(body, sizeof(body), "{\"name\": \"converters\", "
                 "\"propertiesFileContent\": \"%s\"}", b64);
        r = write_req(wb, "POST", "/v1/worker-configurations", body);
        cr_assert_eq(r->status, 409, "%s", r->body);
        http_resp_free(r);

        free(wcarn);
        free(plarn);
        free(carn);
        free(ver);
        free(p_pl);
        free(p_wc);
        free(p_c);
}

/* ---------------------------------------------------------- SigV4 */

#define AKID "AKIDCONNECTDTEST"
#define SECRET "connectd-test-secret"

typedef struct {
        long status;
        char body[4096];
        char type[128];
} sresp_t;

static size_t body_cb(char *d, size_t sz, size_t nm, void *arg)
{
        sresp_t *r = arg;
        size_t n = sz * nm, have = strlen(r->body);

        if (have + n < sizeof(r->body)) {
                memcpy(r->body + have, d, n);
                r->body[have + n] = '\0';
        }
        return n;
}

static size_t hdr_cb(char *d, size_t sz, size_t nm, void *arg)
{
        sresp_t *r = arg;
        size_t n = sz * nm;
        static const char name[] = "x-amzn-ErrorType:";

        if (n > sizeof(name) && !strncasecmp(d, name, sizeof(name) - 1)) {
                size_t l = n - (sizeof(name) - 1);
                const char *v = d + sizeof(name) - 1;

                while (l && (*v == ' ')) {
                        v++;
                        l--;
                }
                while (l && (v[l - 1] == '\r' || v[l - 1] == '\n'))
                        l--;
                snprintf(r->type, sizeof(r->type), "%.*s", (int)l, v);
        }
        return n;
}

/* A request signed by curl's SigV4 (service kafkaconnect) with secret,
 * plus an optional extra header line. */
static void signed_req(const worker_t *w, const char *method, const char *path,
                       const char *body, const char *secret,
                       const char *extra, sresp_t *out)
{
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        char url[1024];

        memset(out, 0, sizeof(*out));
        snprintf(url, sizeof(url), "%s%s", w->url, path);
        h = curl_slist_append(h, "Content-Type: application/json");
        if (extra)
                h = curl_slist_append(h, extra);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (body)
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        if (secret) {
                curl_easy_setopt(c, CURLOPT_AWS_SIGV4,
                                 "aws:amz:us-east-1:kafkaconnect");
                curl_easy_setopt(c, CURLOPT_USERNAME, AKID);
                curl_easy_setopt(c, CURLOPT_PASSWORD, secret);
        }
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, hdr_cb);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 70000L);
        cr_assert_eq(curl_easy_perform(c), CURLE_OK);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
}

/* signed_req, retried while the cluster has no leader (503). */
static void signed_write(const worker_t *w, const char *method,
                         const char *path, const char *body, sresp_t *out)
{
        int i;

        for (i = 0; i < 100; i++) {
                struct timespec ts = { 0, 200 * 1000000L };

                signed_req(w, method, path, body, SECRET, NULL, out);
                if (out->status != 503)
                        return;
                nanosleep(&ts, NULL); /* a client's back-off */
        }
        cr_assert_fail("%s %s: the cluster never took it: %s", method, path,
                       out->body);
}

static const char WCFG_B64[] = "a2V5LmNvbnZlcnRlcj1vcmcuYXBhY2hlLmthZmthLmNvbm5lY3"
        "Quc3RvcmFnZS5TdHJpbmdDb252ZXJ0ZXIK";

Test(mskc_cluster, sigv4_writes_reach_the_leader)
{
        char props[2048], body[512];
        const worker_t *ws[2];
        sresp_t r;
        int i;

        ek = ekafka_start_props(BASE_PROPS);
        snprintf(props, sizeof(props),
                 "%sbootstrap.servers=%s\n"
                 "mskconnect.access.key.id=" AKID "\n"
                 "mskconnect.secret.access.key=" SECRET "\n",
                 BASE_PROPS, ek->bootstrap);
        wa = worker_spawn(props, NULL);
        wb = worker_spawn(props, NULL);
        worker_wait_ready(wa);
        worker_wait_ready(wb);
        ws[0] = wa;
        ws[1] = wb;
        /* One create through each worker: one of them is not the leader
         * and forwards it. */
        for (i = 0; i < 2; i++) {
                snprintf(body, sizeof(body), "{\"name\": \"wc%d\", "
                         "\"propertiesFileContent\": \"%s\"}", i, WCFG_B64);
                signed_write(ws[i], "POST", "/v1/worker-configurations",
                             body, &r);
                cr_assert_eq(r.status, 200, "via %d: %s", i, r.body);
        }
        /* The same names again: a ConflictException through either, its
         * type in the header (the forwarded one's too), no "__type". */
        for (i = 0; i < 2; i++) {
                snprintf(body, sizeof(body), "{\"name\": \"wc%d\", "
                         "\"propertiesFileContent\": \"%s\"}", 1 - i,
                         WCFG_B64);
                signed_write(ws[i], "POST", "/v1/worker-configurations",
                             body, &r);
                cr_assert_eq(r.status, 409, "via %d: %s", i, r.body);
                cr_assert_str_eq(r.type, "ConflictException", "via %d", i);
                cr_assert_null(strstr(r.body, "__type"), "%s", r.body);
        }
        /* Both listed through either worker. */
        for (i = 0; i < 2; i++) {
                signed_req(ws[i], "GET", "/v1/worker-configurations", NULL,
                           SECRET, NULL, &r);
                cr_assert_eq(r.status, 200, "%s", r.body);
                cr_assert(strstr(r.body, "\"wc0\"") &&
                          strstr(r.body, "\"wc1\""), "%s", r.body);
        }
        /* A wrong secret is refused before anything is forwarded. */
        for (i = 0; i < 2; i++) {
                signed_req(ws[i], "POST", "/v1/worker-configurations",
                           "{\"name\": \"x\"}", "wrong-secret", NULL, &r);
                cr_assert_eq(r.status, 403, "%s", r.body);
                cr_assert_str_eq(r.type, "InvalidSignatureException");
        }
        /* A forward header without the secret's proof proves nothing. */
        for (i = 0; i < 2; i++) {
                snprintf(body, sizeof(body), "{\"name\": \"forged%d\", "
                         "\"propertiesFileContent\": \"%s\"}", i, WCFG_B64);
                signed_req(ws[i], "POST", "/v1/worker-configurations", body,
                           NULL,
                           "X-Connectd-Mskc-Forward: 1767225600:"
                           "00000000000000000000000000000000"
                           "00000000000000000000000000000000", &r);
                cr_assert_eq(r.status, 403, "%s", r.body);
        }
}
