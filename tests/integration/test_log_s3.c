/*
 * Integration tests of log shipping and run-time log levels with the real
 * worker:
 * - S3: a real S3-compatible server (s3rver, from npm, installed into the
 *   build tree from tests/integration/s3/package-lock.json) on loopback.
 *   Lines with a task's context arrive as gzip objects; while the server is
 *   down lines are kept (within the buffer bound) and delivered after it
 *   comes back, with no gap in a numbered sequence; records keep flowing
 *   meanwhile.
 * - PUT /admin/loggers/{name} changes what the next lines show.
 * - The rotating file appender of a real worker.
 * The numbered lines come from the log module itself: every PUT
 * /admin/loggers/{ns} logs "Setting level of namespace {ns} and children
 * to {LEVEL}" (as Kafka Connect does), so a PUT of "seq.000042" is line 42.
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
#include <zlib.h>

#include "harness.h"

#define BUCKET "connectd-logs"

static const char *const buckets[] = { BUCKET, NULL };

/* ---------- S3 client (libcurl + SigV4) ---------- */

struct mem {
        char *p;
        size_t n;
};

static size_t mem_cb(char *d, size_t sz, size_t nm, void *arg)
{
        struct mem *m = arg;
        size_t n = sz * nm;

        m->p = realloc(m->p, m->n + n + 1);
        memcpy(m->p + m->n, d, n);
        m->n += n;
        m->p[m->n] = '\0';
        return n;
}

static long s3_get(int port, const char *path_query, struct mem *m)
{
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        char url[2048];
        long status = 0;

        memset(m, 0, sizeof(*m));
        snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", port, path_query);
        h = curl_slist_append(h, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
        curl_easy_setopt(c, CURLOPT_USERNAME, "S3RVER");
        curl_easy_setopt(c, CURLOPT_PASSWORD, "S3RVER");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mem_cb);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, m);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
        if (curl_easy_perform(c) == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        if (!m->p)
                m->p = calloc(1, 1);
        return status;
}

static char *gunzip(const char *p, size_t n)
{
        z_stream zs;
        size_t cap = 64 << 20;
        char *out = malloc(cap);

        memset(&zs, 0, sizeof(zs));
        cr_assert_eq(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
        zs.next_in = (Bytef *)p;
        zs.avail_in = (uInt)n;
        zs.next_out = (Bytef *)out;
        zs.avail_out = (uInt)cap - 1;
        cr_assert_eq(inflate(&zs, Z_FINISH), Z_STREAM_END,
                     "object is not gzip");
        out[cap - 1 - zs.avail_out] = '\0';
        inflateEnd(&zs);
        return out;
}

/* All log lines shipped under prefix, objects in key order (= time order),
 * concatenated; NULL if listing failed. *nobj gets the object count. */
static char *s3_all_lines(int port, const char *prefix, int *nobj)
{
        struct mem list, obj;
        char q[512], *p, *all = calloc(1, 1);
        size_t all_len = 0;

        *nobj = 0;
        snprintf(q, sizeof(q), "%s?list-type=2&max-keys=1000&prefix=%s",
                 BUCKET, prefix);
        if (s3_get(port, q, &list) != 200) {
                free(list.p);
                free(all);
                return NULL;
        }
        cr_assert_null(strstr(list.p, "<IsTruncated>true"));
        for (p = list.p; (p = strstr(p, "<Key>")); ) {
                char key[1024], path[1100], *end = strstr(p, "</Key>");
                char *text;
                size_t tl;

                cr_assert_not_null(end);
                snprintf(key, sizeof(key), "%.*s", (int)(end - p - 5), p + 5);
                p = end;
                cr_assert(strstr(key, ".log.gz") != NULL, "key %s", key);
                snprintf(path, sizeof(path), "%s/%s", BUCKET, key);
                cr_assert_eq(s3_get(port, path, &obj), 200, "GET %s", key);
                text = gunzip(obj.p, obj.n);
                tl = strlen(text);
                all = realloc(all, all_len + tl + 1);
                memcpy(all + all_len, text, tl + 1);
                all_len += tl;
                free(text);
                free(obj.p);
                (*nobj)++;
        }
        free(list.p);
        return all;
}

/* ---------- helpers ---------- */

static void put_level(const worker_t *w, const char *name, const char *level)
{
        char path[256], body[64];
        json_t *j;

        snprintf(path, sizeof(path), "/admin/loggers/%s", name);
        snprintf(body, sizeof(body), "{\"level\":\"%s\"}", level);
        j = http_json(w, "PUT", path, body, 200);
        cr_assert(json_is_array(j));
        json_decref(j);
}

static void put_seq(const worker_t *w, int from, int to)
{
        char name[64];
        int i;

        for (i = from; i < to; i++) {
                snprintf(name, sizeof(name), "seq.%06d", i);
                put_level(w, name, "DEBUG");
        }
}

/* Count of "namespace seq.NNNNNN" lines for each i in [0, n), all must be 1. */
static int seq_complete(const char *text, int n, int *first_missing)
{
        char needle[96];
        int i;

        for (i = 0; i < n; i++) {
                const char *p;

                snprintf(needle, sizeof(needle),
                         "Setting level of namespace seq.%06d and", i);
                p = strstr(text, needle);
                if (!p || strstr(p + 1, needle)) {
                        *first_missing = i;
                        return 0;
                }
        }
        return 1;
}

struct shipped {
        int port;
        const char *prefix;
        const char *must_contain;
        int seq_n;
        char *text;
};

static int shipped_ready(void *arg)
{
        struct shipped *s = arg;
        int nobj, miss;

        free(s->text);
        s->text = s3_all_lines(s->port, s->prefix, &nobj);
        if (!s->text)
                return 0;
        if (s->must_contain && !strstr(s->text, s->must_contain))
                return 0;
        return s->seq_n <= 0 || seq_complete(s->text, s->seq_n, &miss);
}

static int count_lines(const char *text)
{
        int n = 0;

        for (; text && *text; text++)
                n += *text == '\n';
        return n;
}

/* ---------- tests ---------- */

Test(log_s3, ships_with_task_context_and_survives_s3_outage,
     .timeout = 300)
{
        s3srv_t s3;
        char props[2048], *tmp, src_file[600], body[1024], data[8192];
        worker_t *w;
        struct shipped sh_ = { 0 };
        char *out;
        int i, miss = -1;

        tmp = tmpdir_new("log_s3");
        s3srv_start(&s3, tmp, buckets);

        snprintf(props, sizeof(props),
                 "log.s3.bucket=" BUCKET "\n"
                 "log.s3.endpoint=http://127.0.0.1:%d\n"
                 "log.s3.region=us-east-1\n"
                 "log.s3.prefix=it/\n"
                 "log.s3.access.key.id=S3RVER\n"
                 "log.s3.secret.access.key=S3RVER\n"
                 "log.s3.batch.interval.ms=500\n"
                 "log.s3.retry.backoff.ms=100\n"
                 "log.s3.retry.backoff.max.ms=1000\n"
                 "log.s3.timeout.ms=2000\n",
                 s3.port);
        w = worker_start(props, NULL);

        /* A connector whose task logs with its context. */
        snprintf(src_file, sizeof(src_file), "%s/input.txt", tmp);
        cr_assert_eq(spit(src_file, "first\nsecond\n", 0), 0);
        snprintf(body, sizeof(body),
                 "{\"name\":\"s3logsrc\",\"config\":{"
                 "\"connector.class\":\"FileStreamSource\","
                 "\"tasks.max\":\"1\",\"file\":\"%s\","
                 "\"topic\":\"s3-log-records\"}}", src_file);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        cr_assert(wait_status(w, "s3logsrc", "RUNNING", 1, "RUNNING", 30000));

        /* Phase 1: lines 0..19 and the task's context reach the bucket. */
        put_seq(w, 0, 20);
        sh_.port = s3.port;
        sh_.prefix = "it/";
        sh_.must_contain = "[s3logsrc|task-0]";
        sh_.seq_n = 20;
        cr_assert(wait_until(shipped_ready, &sh_, 30000),
                  "lines with the task context did not reach S3");

        /* Phase 2: S3 goes away; the worker keeps logging and working. */
        s3srv_stop(&s3);
        put_seq(w, 20, 220);
        data[0] = '\0';
        for (i = 0; i < 200; i++) {
                char l[32];

                snprintf(l, sizeof(l), "rec-%03d\n", i);
                strcat(data, l);
        }
        cr_assert_eq(spit(src_file, data, 1), 0);
        /* Records still flow while the sink retries: all 202 arrive. */
        out = kcat_consume(w->bootstrap, "s3-log-records", 202, "%s\n", 30000);
        cr_assert_eq(count_lines(out), 202, "records did not keep flowing: %s",
                     out);
        cr_assert_not_null(strstr(out, "rec-199"));
        free(out);
        put_seq(w, 220, 250);

        /* Phase 3: S3 back on the same port and data: nothing is missing. */
        s3srv_restart(&s3, buckets);
        sh_.seq_n = 250;
        if (!wait_until(shipped_ready, &sh_, 60000)) {
                if (sh_.text)
                        seq_complete(sh_.text, 250, &miss);
                cr_assert_fail("numbered lines missing after S3 came back "
                               "(first missing or duplicated: %d)", miss);
        }
        cr_assert_null(strstr(sh_.text, "S3 log shipping dropped"),
                       "lines were dropped although the buffer was large");
        /* The lines are ordinary log lines of the plain format. */
        cr_assert_not_null(strstr(sh_.text, " INFO  connectd.log - Setting "
                                            "level of namespace seq.000000"));

        free(sh_.text);
        worker_free(w);
        s3srv_stop(&s3);
        rm_rf(tmp);
        free(tmp);
}

static int stderr_has(const worker_t *w, const char *needle)
{
        char *e = worker_stderr(w);
        int ok = e && strstr(e, needle) != NULL;

        free(e);
        return ok;
}

struct has_arg {
        const worker_t *w;
        const char *needle;
};

static int has_cb(void *arg)
{
        struct has_arg *a = arg;

        return stderr_has(a->w, a->needle);
}

Test(log_levels, put_changes_next_lines, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        struct has_arg a = { w, NULL };
        json_t *j, *all;

        /* connectd.log at INFO (root): the namespace line shows, the
         * per-logger DEBUG line does not. */
        put_level(w, "it.first", "DEBUG");
        a.needle = "connectd.log - Setting level of namespace it.first";
        cr_assert(wait_until(has_cb, &a, 5000));
        cr_assert_not(stderr_has(w, "Setting level of logger it.first"));

        put_level(w, "connectd.log", "DEBUG");
        put_level(w, "it.second", "WARN");
        a.needle = "DEBUG connectd.log - Setting level of logger it.second "
                   "(excluding children) to WARN";
        cr_assert(wait_until(has_cb, &a, 5000));

        put_level(w, "connectd.log", "ERROR");
        put_level(w, "it.third", "DEBUG");
        /* A later line proves the third PUT's line would have been
         * written by now if it was going to be. */
        put_level(w, "connectd.log", "INFO");
        a.needle = "Setting level of namespace connectd.log and children "
                   "to INFO";
        cr_assert(wait_until(has_cb, &a, 5000));
        cr_assert_not(stderr_has(w, "namespace it.third"));

        /* The REST view agrees. */
        j = http_json(w, "GET", "/admin/loggers/it.second", NULL, 200);
        cr_assert_str_eq(json_string_value(json_object_get(j, "level")),
                         "WARN");
        cr_assert(json_is_integer(json_object_get(j, "last_modified")));
        json_decref(j);
        all = http_json(w, "GET", "/admin/loggers", NULL, 200);
        cr_assert_not_null(json_object_get(all, "root"));
        cr_assert_not_null(json_object_get(all, "it.first"));
        json_decref(all);
        worker_free(w);
}

Test(log_file, real_worker_rotates, .timeout = 120)
{
        char props[1024], *tmp, path[600], p1[620], p3[620];
        worker_t *w;
        struct stat st;
        char *text;

        tmp = tmpdir_new("log_file");
        snprintf(path, sizeof(path), "%s/connectd.log", tmp);
        snprintf(props, sizeof(props),
                 "log.file.path=%s\n"
                 "log.file.max.bytes=4096\n"
                 "log.file.retention.count=2\n", path);
        w = worker_start(props, NULL);
        put_seq(w, 0, 150); /* ~100 bytes each: several rotations */
        worker_stop(w);
        snprintf(p1, sizeof(p1), "%s.1", path);
        snprintf(p3, sizeof(p3), "%s.3", path);
        cr_assert_eq(stat(p1, &st), 0, "no rotated file");
        cr_assert_leq(st.st_size, 4096);
        cr_assert_neq(stat(p3, &st), 0, "retention not applied");
        text = slurp(path);
        cr_assert_not_null(text);
        cr_assert_leq(strlen(text), 4096);
        free(text);
        text = slurp(p1);
        cr_assert_not_null(strstr(text, "Setting level of namespace seq."));
        free(text);
        worker_free(w);
        rm_rf(tmp);
        free(tmp);
}
