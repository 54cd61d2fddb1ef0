/*
 * Integration tests of the MSK Connect API's S3 parts against a real
 * S3-compatible server (s3rver, as the log shipping test runs it), driven
 * in-process through the modules' own interfaces:
 * - custom plugins: the example sequence-source plugin, zipped here and
 *   uploaded, is fetched, unpacked, loaded and reported with its class;
 *   two revisions live side by side; a revision loads again after a
 *   "restart" (registry reset); a missing object and a ZIP of JARs fail
 *   with a reason;
 * - log delivery: lines of connector A reach the bucket under the prefix,
 *   lines of connector B (and of a connector named "A|x") do not.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>
#include <gnutls/crypto.h>

#include "harness.h"
#include "log.h"
#include "mskc_logs.h"
#include "mskc_plugin.h"
#include "plugins.h"

#define PBUCKET "mskc-plugins"
#define LBUCKET "mskc-logs"
#define SEQ_CLASS "com.example.connectd.SequenceSourceConnector"

static s3srv_t s3;
static char tmp[512];
static char err[2048];

static int sh(const char *cmd)
{
        int st = system(cmd);

        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *build_dir(void)
{
        const char *d = getenv("CONNECTD_BUILD_DIR");
        return d && *d ? d : CONNECTD_BUILD_DIR_DEFAULT;
}

static void setup(void)
{
        const char *src = getenv("CONNECTD_SOURCE_DIR");
        const char *t = getenv("TMPDIR");

        snprintf(tmp, sizeof(tmp), "%s/connectd-mskcs3-XXXXXX",
                 t && *t ? t : "/tmp");
        cr_assert_not_null(mkdtemp(tmp));
        cr_assert_not_null(src, "CONNECTD_SOURCE_DIR not set");
        {
                static const char *const buckets[] = { PBUCKET, LBUCKET, NULL };

                s3srv_start(&s3, tmp, buckets);
        }
}

static void teardown(void)
{
        char cmd[700];

        s3srv_stop(&s3);
        plugins_reset();
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        if (sh(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmp);
}

TestSuite(mskc_s3, .init = setup, .fini = teardown, .timeout = 120);

/* ---------- S3 client for the test's own uploads and reads ---------- */

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

static long s3_req(const char *method, const char *path_query,
                   const void *body, size_t blen, struct mem *m)
{
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        char url[2048];
        long status = 0;

        memset(m, 0, sizeof(*m));
        snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", s3.port,
                 path_query);
        h = curl_slist_append(h, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)blen);
        }
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

static unsigned char *read_all(const char *path, size_t *n)
{
        FILE *f = fopen(path, "rb");
        unsigned char *buf;
        long sz;

        cr_assert_not_null(f, "open %s: %s", path, strerror(errno));
        fseek(f, 0, SEEK_END);
        sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)sz + 1);
        cr_assert_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
        fclose(f);
        *n = (size_t)sz;
        return buf;
}

/* Zip `file` as entry `name` (or a small text as `name` when file is
 * NULL) and upload it as PBUCKET/key; the bytes go to *zip, *zn. */
static void upload_zip(const char *key, const char *name, const char *file,
                       unsigned char **zip, size_t *zn)
{
        char path[700], q[700];
        struct mem m;
        zip_t *za;
        zip_source_t *src;
        int zerr;

        snprintf(path, sizeof(path), "%s/upload.zip", tmp);
        unlink(path);
        za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
        cr_assert_not_null(za);
        src = file ? zip_source_file(za, file, 0, -1)
                   : zip_source_buffer(za, "PK-not-really", 13, 0);
        cr_assert_not_null(src);
        cr_assert_geq(zip_file_add(za, name, src, 0), 0);
        cr_assert_eq(zip_close(za), 0);
        *zip = read_all(path, zn);
        snprintf(q, sizeof(q), "%s/%s", PBUCKET, key);
        cr_assert_eq(s3_req("PUT", q, *zip, *zn, &m), 200, "PUT: %s", m.p);
        free(m.p);
}

static json_t *worker_props(void)
{
        char ep[64], pdir[700];

        snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", s3.port);
        snprintf(pdir, sizeof(pdir), "%s/plugins", tmp);
        return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
                         "mskconnect.s3.endpoint", ep,
                         "mskconnect.s3.access.key.id", "S3RVER",
                         "mskconnect.s3.secret.access.key", "S3RVER",
                         "mskconnect.plugin.dir", pdir,
                         "log.s3.batch.interval.ms", "200",
                         "log.s3.retry.backoff.ms", "100");
}

static int has_class(const json_t *arr, const char *cls)
{
        size_t i;
        json_t *v;

        json_array_foreach(arr, i, v)
                if (!strcmp(json_string_value(v), cls))
                        return 1;
        return 0;
}

Test(mskc_s3, custom_plugin_installs_from_s3_with_revisions_side_by_side)
{
        json_t *props = worker_props();
        mskc_plugin_rev_t r1, r2, again;
        unsigned char *zip, md5[16];
        char so[700], hex[33], expect_dir[800];
        size_t zn, i;
        struct stat st;

        snprintf(so, sizeof(so), "%s/plugins/sequence_source.so", build_dir());
        upload_zip("custom/seq.zip", "lib/sequence_source.so", so, &zip, &zn);
        gnutls_hash_fast(GNUTLS_DIG_MD5, zip, zn, md5);
        for (i = 0; i < 16; i++)
                snprintf(hex + 2 * i, 3, "%02x", md5[i]);

        cr_assert_eq(mskc_plugin_install(props, "seq-abc", 1, "ZIP",
                                         "arn:aws:s3:::" PBUCKET,
                                         "custom/seq.zip", NULL, &r1, err,
                                         sizeof(err)), 0, "%s", err);
        cr_assert_str_eq(r1.md5_hex, hex);
        cr_assert_eq(r1.size, (long long)zn);
        cr_assert(has_class(r1.classes, SEQ_CLASS));
        snprintf(expect_dir, sizeof(expect_dir), "/plugins/seq-abc/rev-1");
        cr_assert(strstr(r1.dir, expect_dir), "%s", r1.dir);
        cr_assert_eq(stat(r1.dir, &st), 0);

        /* A second revision with the same class loads beside the first. */
        cr_assert_eq(mskc_plugin_install(props, "seq-abc", 2, "ZIP",
                                         "arn:aws:s3:::" PBUCKET,
                                         "custom/seq.zip", NULL, &r2, err,
                                         sizeof(err)), 0, "%s", err);
        cr_assert(has_class(r2.classes, SEQ_CLASS));
        cr_assert_neq(plugins_find_in(SEQ_CLASS, "seq-abc/rev-1"),
                      plugins_find_in(SEQ_CLASS, "seq-abc/rev-2"));
        {
                json_t *cfg = json_pack("{s:s}", "connector.class",
                                        "SequenceSource");

                cr_assert_eq(mskc_plugin_bind(cfg, &r1, err, sizeof(err)), 0);
                cr_assert_str_eq(json_string_value(json_object_get(
                                         cfg, PLUGINS_SCOPE_KEY)),
                                 "seq-abc/rev-1");
                cr_assert_eq(plugins_find_for_config(cfg),
                             plugins_find_in(SEQ_CLASS, "seq-abc/rev-1"));
                json_decref(cfg);
        }

        /* After a restart (registry emptied) the revision loads again. */
        plugins_reset();
        cr_assert_null(plugins_find_in(SEQ_CLASS, "seq-abc/rev-1"));
        memset(&again, 0, sizeof(again));
        again.dir = strdup(r1.dir);
        cr_assert_eq(mskc_plugin_reload(props, &again, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert(has_class(again.classes, SEQ_CLASS));
        cr_assert_not_null(plugins_find_in(SEQ_CLASS, "seq-abc/rev-1"));

        mskc_plugin_remove(&r2);
        cr_assert_neq(stat(r2.dir, &st), 0, "revision 2 removed");
        mskc_plugin_rev_free(&again);
        mskc_plugin_rev_free(&r1);
        mskc_plugin_rev_free(&r2);
        free(zip);
        json_decref(props);
}

Test(mskc_s3, missing_object_and_zip_of_jars_fail_with_a_reason)
{
        json_t *props = worker_props();
        mskc_plugin_rev_t r;
        unsigned char *zip;
        size_t zn;

        cr_assert_eq(mskc_plugin_install(props, "nope", 1, "ZIP",
                                         "arn:aws:s3:::" PBUCKET,
                                         "custom/missing.zip", NULL, &r, err,
                                         sizeof(err)), -1);
        cr_assert(strstr(err, "HTTP 404"), "%s", err);
        cr_assert(strstr(err, "custom/missing.zip"), "%s", err);

        upload_zip("custom/java.zip", "lib/connector.jar", NULL, &zip, &zn);
        cr_assert_eq(mskc_plugin_install(props, "java", 1, "ZIP",
                                         "arn:aws:s3:::" PBUCKET,
                                         "custom/java.zip", NULL, &r, err,
                                         sizeof(err)), -1);
        cr_assert(strstr(err, "Java Kafka Connect worker"), "%s", err);
        free(zip);

        cr_assert_eq(mskc_plugin_install(props, "badarn", 1, "ZIP",
                                         "arn:aws:s3:::bad/bucket", "x.zip",
                                         NULL, &r, err, sizeof(err)), -1);
        cr_assert(strstr(err, "bucketArn"), "%s", err);
        json_decref(props);
}

static char *gunzip(const char *p, size_t n)
{
        z_stream zs;
        size_t cap = 16 << 20;
        char *out = malloc(cap);

        memset(&zs, 0, sizeof(zs));
        cr_assert_eq(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
        zs.next_in = (Bytef *)p;
        zs.avail_in = (uInt)n;
        zs.next_out = (Bytef *)out;
        zs.avail_out = (uInt)cap - 1;
        cr_assert_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
        out[cap - 1 - zs.avail_out] = '\0';
        inflateEnd(&zs);
        return out;
}

/* Every line delivered under prefix, and the keys, concatenated. */
static char *delivered(const char *prefix, char *keys, size_t keysz)
{
        struct mem list, obj;
        char q[512], *p, *all = calloc(1, 1);
        size_t len = 0;

        keys[0] = '\0';
        snprintf(q, sizeof(q), "%s?list-type=2&prefix=%s", LBUCKET, prefix);
        cr_assert_eq(s3_req("GET", q, NULL, 0, &list), 200);
        for (p = list.p; (p = strstr(p, "<Key>"));) {
                char key[1024], path[1100], *end = strstr(p, "</Key>"), *t;

                snprintf(key, sizeof(key), "%.*s", (int)(end - p - 5), p + 5);
                p = end;
                strncat(keys, key, keysz - strlen(keys) - 2);
                strcat(keys, "\n");
                snprintf(path, sizeof(path), "%s/%s", LBUCKET, key);
                cr_assert_eq(s3_req("GET", path, NULL, 0, &obj), 200);
                t = gunzip(obj.p, obj.n);
                all = realloc(all, len + strlen(t) + 1);
                memcpy(all + len, t, strlen(t) + 1);
                len += strlen(t);
                free(t);
                free(obj.p);
        }
        free(list.p);
        return all;
}

Test(mskc_s3, log_delivery_ships_only_that_connectors_lines)
{
        json_t *props = worker_props();
        logger_t *lg = log_get("com.example.Test");
        mskc_logs_t *l;
        char keys[8192], *all;

        l = mskc_logs_start(props, "conn-a", "127.0.0.1:8083", LBUCKET,
                            "delivery", err, sizeof(err));
        cr_assert_not_null(l, "%s", err);
        log_context_set("conn-a|task-0");
        LOG_INFO(lg, "alpha line one");
        log_context_set("conn-b|task-0");
        LOG_INFO(lg, "bravo line");
        log_context_set("conn-a|b|task-0");
        LOG_INFO(lg, "lookalike line");
        log_context_set("conn-a|worker");
        LOG_INFO(lg, "alpha worker line");
        log_context_set("conn-a|task-12");
        LOG_INFO(lg, "alpha line two");
        log_context_set(NULL);
        LOG_INFO(lg, "no context line");
        mskc_logs_stop(l); /* flushes */

        all = delivered("delivery/", keys, sizeof(keys));
        cr_assert(strstr(all, "[conn-a|task-0] com.example.Test - alpha line one"), "%s", all);
        cr_assert(strstr(all, "[conn-a|worker] com.example.Test - alpha worker line"), "%s",
                  all);
        cr_assert(strstr(all, "[conn-a|task-12] com.example.Test - alpha line two"), "%s", all);
        cr_assert_null(strstr(all, "bravo"), "%s", all);
        cr_assert_null(strstr(all, "lookalike"), "%s", all);
        cr_assert_null(strstr(all, "no context"), "%s", all);
        /* The worker id names the writer: two workers never collide. */
        cr_assert(!strncmp(keys, "delivery/conn-a-127.0.0.1_8083/", 31), "%s",
                  keys);
        cr_assert(strstr(keys, ".log.gz"), "%s", keys);
        free(all);
        json_decref(props);
}
