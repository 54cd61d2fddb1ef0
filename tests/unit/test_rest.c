/*
 * Unit tests for server/rest/rest.c: the REST layer on an ephemeral loopback
 * port, driven with libcurl, with the herder/plugins/log stand-ins of
 * test_rest_stubs.h. Checks routing, decoding, status codes, error bodies
 * and request checks; the real worker is covered by the integration tests.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "rest.h"
#include "test_rest_stubs.h"
#include "transform.h"

static rest_t *srv;
static json_t *props;
static char base[64];

typedef struct resp {
        long status;
        char *body;
        size_t len;
        json_t *json;
        char location[512];
        char ctype[128];
        char hdrs[4096];    /* all answer headers */
} resp_t;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
        resp_t *r = ud;
        char *b = realloc(r->body, r->len + sz * n + 1);
        cr_assert_not_null(b);
        memcpy(b + r->len, p, sz * n);
        r->len += sz * n;
        b[r->len] = '\0';
        r->body = b;
        return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
        resp_t *r = ud;
        size_t len = sz * n;
        size_t have = strlen(r->hdrs);
        snprintf(r->hdrs + have, sizeof(r->hdrs) - have, "%.*s", (int)len, p);
        if (len > 10 && !strncasecmp(p, "Location: ", 10))
                snprintf(r->location, sizeof(r->location), "%.*s",
                         (int)(len - 12), p + 10);
        if (len > 14 && !strncasecmp(p, "Content-Type: ", 14))
                snprintf(r->ctype, sizeof(r->ctype), "%.*s", (int)(len - 16),
                         p + 14);
        return len;
}

/* ctype "" sends no Content-Type; hdrs: extra header lines, NULL-ended */
static resp_t *reqh(const char *method, const char *path, const char *body,
                    const char *ctype, const char *const *hdrs)
{
        resp_t *r = calloc(1, sizeof(*r));
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        char *url = NULL, hdr[256];

        cr_assert(asprintf(&url, "%s%s", base, path) > 0);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
        if (body) {
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
                snprintf(hdr, sizeof(hdr), ctype && !*ctype ? "Content-Type:"
                                                            : "Content-Type: %s",
                         ctype ? ctype : "application/json");
                h = curl_slist_append(h, hdr);
                /* big bodies ask for 100-continue: the early-413 path */
                h = curl_slist_append(h, strlen(body) > 8192
                                                 ? "Expect: 100-continue"
                                                 : "Expect:");
        }
        for (int i = 0; hdrs && hdrs[i]; i++)
                h = curl_slist_append(h, hdrs[i]);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        CURLcode rc = curl_easy_perform(c);
        cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, path,
                     curl_easy_strerror(rc));
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        free(url);
        if (!r->body)
                r->body = strdup("");
        r->json = json_loads(r->body, JSON_DECODE_ANY, NULL);
        return r;
}

static resp_t *req(const char *method, const char *path, const char *body,
                   const char *ctype)
{
        return reqh(method, path, body, ctype, NULL);
}

static void resp_free(resp_t *r)
{
        json_decref(r->json);
        free(r->body);
        free(r);
}

/* Expect an error answer with that status and message. */
static void expect_error(const char *method, const char *path, const char *body,
                         const char *ctype, long status, const char *msg)
{
        resp_t *r = req(method, path, body, ctype);
        cr_assert_eq(r->status, status, "%s %s: %ld %s", method, path,
                     r->status, r->body);
        cr_assert_not_null(r->json, "error body not JSON: %s", r->body);
        cr_assert_eq(json_integer_value(json_object_get(r->json, "error_code")),
                     status);
        const char *m = json_string_value(json_object_get(r->json, "message"));
        cr_assert_not_null(m);
        if (msg)
                cr_assert_str_eq(m, msg);
        cr_assert_str_eq(r->ctype, "application/json");
        resp_free(r);
}

static long status_of(const char *method, const char *path, const char *body)
{
        resp_t *r = req(method, path, body, NULL);
        long s = r->status;
        resp_free(r);
        return s;
}

static void setup(void)
{
        char err[256];
        static int dummy;
        stub_reset();
        props = json_pack("{s:s,s:s}", "listeners", "http://127.0.0.1:0",
                          "rest.request.max.bytes", "4096");
        srv = rest_start((herder_t *)&dummy, props, err, sizeof(err));
        cr_assert_not_null(srv, "rest_start: %s", err);
        cr_assert_gt(rest_port(srv), 0);
        snprintf(base, sizeof(base), "http://127.0.0.1:%d", rest_port(srv));
}

static void teardown(void)
{
        rest_stop(srv);
        json_decref(props);
}

TestSuite(rest, .init = setup, .fini = teardown);

#define SRC "org.apache.kafka.connect.file.FileStreamSourceConnector"

static void create(const char *name)
{
        char body[1024];
        snprintf(body, sizeof(body),
                 "{\"name\":\"%s\",\"config\":{\"connector.class\":\"%s\","
                 "\"topic\":\"t\",\"tasks.max\":1}}", name, SRC);
        resp_t *r = req("POST", "/connectors", body, NULL);
        cr_assert_eq(r->status, 201, "%s", r->body);
        resp_free(r);
}

Test(rest, helpers)
{
        char *s = rest_percent_decode("a%2Fb+c%20%e2%82%AC", 19, 0);
        cr_assert_str_eq(s, "a/b+c \xe2\x82\xac");
        free(s);
        s = rest_percent_decode("a+b%zz", 6, 1);
        cr_assert_str_eq(s, "a b%zz");
        free(s);
        cr_assert_null(rest_percent_decode("a%00b", 5, 0));
        s = rest_url_escape("a b/c\xc3\xa9");
        cr_assert_str_eq(s, "a%20b%2Fc%C3%A9");
        free(s);
        cr_assert(rest_java_bool("TRUE"));
        cr_assert(!rest_java_bool("1"));
        cr_assert(!rest_java_bool("yes"));
        cr_assert(!rest_java_bool(""));
        cr_assert(!rest_java_bool(NULL));

        char err[256];
        json_t *in = json_loads("{\"a\":1,\"b\":false,\"c\":null,\"d\":1.5,"
                                "\"e\":\"x\",\"f\":1e20}", 0, NULL);
        json_t *out = rest_config_coerce(in, 1, err, sizeof(err));
        json_t *want = json_loads("{\"a\":\"1\",\"b\":\"false\",\"c\":null,"
                                  "\"d\":\"1.5\",\"e\":\"x\",\"f\":\"1.0E20\"}",
                                  0, NULL);
        cr_assert(json_equal(out, want), "%s", json_dumps(out, 0));
        json_decref(in);
        json_decref(out);
        json_decref(want);
        in = json_loads("{\"a\":{\"b\":1}}", 0, NULL);
        cr_assert_null(rest_config_coerce(in, 1, err, sizeof(err)));
        cr_assert(strstr(err, "START_OBJECT"), "%s", err);
        json_decref(in);
}

Test(rest, root_and_health)
{
        resp_t *r = req("GET", "/", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "version")),
                         "3.9.0");
        cr_assert_str_eq(json_string_value(json_object_get(r->json,
                                                           "kafka_cluster_id")),
                         "stub-cluster");
        cr_assert(json_is_string(json_object_get(r->json, "commit")));
        resp_free(r);

        r = req("GET", "/health", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")),
                         "healthy");
        resp_free(r);
        stub_health = 0;
        r = req("GET", "/health", NULL, NULL);
        cr_assert_eq(r->status, 503);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")),
                         "starting");
        resp_free(r);
        stub_health = -1;
        cr_assert_eq(status_of("GET", "/health", NULL), 500);
}

Test(rest, unknown_route_and_method)
{
        expect_error("GET", "/nope", NULL, NULL, 404, "HTTP 404 Not Found");
        expect_error("GET", "/connectors/a/b/c/d/e/f/g/h/i", NULL, NULL, 404,
                     "HTTP 404 Not Found");
        expect_error("DELETE", "/connectors", NULL, NULL, 405,
                     "HTTP 405 Method Not Allowed");
        expect_error("POST", "/connectors/x/pause", NULL, NULL, 405,
                     "HTTP 405 Method Not Allowed");
        cr_assert_eq(status_of("GET", "/connectors/", NULL), 200);
        cr_assert_eq(status_of("GET", "/connector-plugins/", NULL), 200);
}

Test(rest, create_and_read)
{
        resp_t *r = req("POST", "/connectors",
                        "{\"name\":\"  a b/c\xc3\xa9  \",\"config\":{"
                        "\"connector.class\":\"FileStreamSource\","
                        "\"topic\":\"t\",\"tasks.max\":2}}", NULL);
        cr_assert_eq(r->status, 201, "%s", r->body);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")),
                         "a b/c\xc3\xa9");
        json_t *cfg = json_object_get(r->json, "config");
        cr_assert_str_eq(json_string_value(json_object_get(cfg, "tasks.max")), "2");
        cr_assert_str_eq(json_string_value(json_object_get(cfg, "name")),
                         "a b/c\xc3\xa9");
        char want[256];
        snprintf(want, sizeof(want), "%s/connectors/a%%20b%%2Fc%%C3%%A9", base);
        cr_assert_str_eq(r->location, want);
        resp_free(r);

        r = req("GET", "/connectors/a%20b%2Fc%C3%A9", NULL, NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")),
                         "source");
        resp_free(r);
        cr_assert_eq(status_of("GET", "/connectors/a%20b%2Fc%C3%A9/status/", NULL),
                     200);

        r = req("GET", "/connectors", NULL, NULL);
        cr_assert(json_is_array(r->json));
        cr_assert_eq(json_array_size(r->json), 1);
        resp_free(r);

        r = req("GET", "/connectors?expand=status&expand=info&expand=bogus",
                NULL, NULL);
        json_t *x = json_object_get(r->json, "a b/c\xc3\xa9");
        cr_assert(json_is_object(json_object_get(x, "status")));
        cr_assert(json_is_object(json_object_get(x, "info")));
        cr_assert_eq(json_object_size(x), 2);
        resp_free(r);
        r = req("GET", "/connectors?expand=status,info", NULL, NULL);
        cr_assert_eq(json_object_size(json_object_get(r->json, "a b/c\xc3\xa9")), 0);
        resp_free(r);
}

Test(rest, create_errors)
{
        create("dup");
        expect_error("POST", "/connectors",
                     "{\"name\":\"dup\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\"}}", NULL, 409,
                     "Connector dup already exists");
        /* validation before existence */
        expect_error("POST", "/connectors",
                     "{\"name\":\"dup\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\",\"tasks.max\":\"0\"}}", NULL, 400,
                     "Connector configuration is invalid and contains the "
                     "following 1 error(s):\nInvalid value 0 for configuration "
                     "tasks.max: Value must be at least 1\nYou can also find the "
                     "above list of errors at the endpoint "
                     "`/connector-plugins/{connectorType}/config/validate`");
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"name\":\"b\","
                     "\"connector.class\":\"" SRC "\"}}", NULL, 400,
                     "Connector name configuration (b) doesn't match connector "
                     "name in the URL (a)");
        expect_error("POST", "/connectors",
                     "{\"config\":{\"name\":\"b\",\"connector.class\":\"" SRC
                     "\"}}", NULL, 400,
                     "Connector name configuration (b) doesn't match connector "
                     "name in the URL ()");
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"tasks.max\":\"1\"}}", NULL,
                     400, "Connector config {tasks.max=1, name=a} contains no "
                     "connector type");
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"Nope\"}}",
                     NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"   \",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\"}}", NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\\u0007b\",\"config\":{\"connector.class\":\""
                     SRC "\",\"topic\":\"t\"}}", NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\",\"tasks.max\":\"x\"}}", NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":{\"x\":1}}}", NULL, 400, NULL);
        expect_error("POST", "/connectors",
                     "{\"name\":\"a\",\"config\":{\"connector.class\":\"" SRC
                     "\",\"topic\":\"t\"},\"initial_state\":\"FLYING\"}", NULL,
                     400, NULL);
        expect_error("POST", "/connectors", "{\"name\":\"a\",", NULL, 400, NULL);
        expect_error("POST", "/connectors", "{\"name\":\"a\"}", NULL, 400, NULL);
        expect_error("POST", "/connectors", "{\"name\":\"a\"}", "text/plain",
                     415, "HTTP 415 Unsupported Media Type");
        /* over the 4096-byte limit of this server */
        char *big = malloc(10000);
        memset(big, ' ', 9999);
        big[9999] = '\0';
        big[0] = '{';
        big[9998] = '}';
        expect_error("POST", "/connectors", big, NULL, 413, NULL);
        big[5000] = '\0'; /* drained path: no 100-continue */
        big[4999] = '}';
        expect_error("POST", "/connectors", big, NULL, 413, NULL);
        free(big);
        /* the server still serves */
        cr_assert_eq(status_of("GET", "/connectors", NULL), 200);
}

Test(rest, initial_state_and_lifecycle)
{
        resp_t *r = req("POST", "/connectors",
                        "{\"name\":\"s\",\"config\":{\"connector.class\":\"" SRC
                        "\",\"topic\":\"t\"},\"initial_state\":\"stopped\"}",
                        NULL);
        cr_assert_eq(r->status, 201, "%s", r->body);
        cr_assert_eq(json_array_size(json_object_get(r->json, "tasks")), 0);
        resp_free(r);

        r = req("PUT", "/connectors/s/resume", NULL, NULL);
        cr_assert_eq(r->status, 202);
        cr_assert_str_eq(r->body, "");
        resp_free(r);
        cr_assert_eq(status_of("PUT", "/connectors/s/pause", NULL), 202);
        cr_assert_eq(status_of("PUT", "/connectors/s/stop", NULL), 204);
        cr_assert_eq(status_of("POST", "/connectors/s/restart", NULL), 204);
        cr_assert_eq(status_of("POST",
                               "/connectors/s/restart?includeTasks=false&onlyFailed=false",
                               NULL), 204);
        cr_assert_eq(status_of("POST", "/connectors/s/restart?includeTasks=1",
                               NULL), 204);
        r = req("POST", "/connectors/s/restart?includeTasks=TRUE", NULL, NULL);
        cr_assert_eq(r->status, 202);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(r->json, "connector"), "state")),
                         "RESTARTING");
        resp_free(r);
        cr_assert_eq(status_of("POST", "/connectors/s/restart?onlyFailed=true",
                               NULL), 202);

        expect_error("PUT", "/connectors/zz/pause", NULL, NULL, 404,
                     "Unknown connector zz");
        expect_error("PUT", "/connectors/zz/resume", NULL, NULL, 404, NULL);
        expect_error("PUT", "/connectors/zz/stop", NULL, NULL, 404, NULL);
        expect_error("POST", "/connectors/zz/restart", NULL, NULL, 404,
                     "Unknown connector: zz");
        expect_error("POST", "/connectors/zz/restart?includeTasks=true", NULL,
                     NULL, 404, "Unknown connector: zz");
        expect_error("GET", "/connectors/zz", NULL, NULL, 404,
                     "Connector zz not found");
        expect_error("GET", "/connectors/zz/status", NULL, NULL, 404,
                     "No status found for connector zz");
        expect_error("GET", "/connectors/zz/tasks/0/status", NULL, NULL, 404,
                     "No status found for task zz-0");
        expect_error("GET", "/connectors/s/tasks/x/status", NULL, NULL, 404,
                     "HTTP 404 Not Found");
        expect_error("POST", "/connectors/zz/tasks/0/restart", NULL, NULL, 404,
                     "Task zz-0 not found");
        expect_error("DELETE", "/connectors/zz", NULL, NULL, 404,
                     "Connector zz not found");

        cr_assert_eq(status_of("DELETE", "/connectors/s", NULL), 204);
        cr_assert_eq(status_of("GET", "/connectors/s", NULL), 404);
}

Test(rest, config_put_patch)
{
        resp_t *r = req("PUT", "/connectors/p/config",
                        "{\"connector.class\":\"" SRC "\",\"topic\":\"t\"}", NULL);
        cr_assert_eq(r->status, 201, "%s", r->body);
        cr_assert_neq(r->location[0], '\0');
        resp_free(r);
        r = req("PUT", "/connectors/p/config",
                "{\"connector.class\":\"" SRC "\",\"topic\":\"u\",\"name\":\"p\"}",
                NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        resp_free(r);
        expect_error("PUT", "/connectors/p/config",
                     "{\"connector.class\":\"" SRC "\",\"name\":\" p\"}", NULL,
                     400, "Connector name configuration ( p) doesn't match "
                     "connector name in the URL (p)");
        expect_error("PUT", "/connectors/p/config", "{}", NULL, 400,
                     "Connector config {name=p} contains no connector type");
        expect_error("PUT", "/connectors/p/config",
                     "{\"connector.class\":\"" SRC "\",\"topic\":null}", NULL,
                     400, NULL);

        r = req("PATCH", "/connectors/p/config",
                "{\"tasks.max\":3,\"file\":\"x.txt\"}", NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        json_t *cfg = json_object_get(r->json, "config");
        cr_assert_str_eq(json_string_value(json_object_get(cfg, "tasks.max")), "3");
        cr_assert_str_eq(json_string_value(json_object_get(cfg, "topic")), "u");
        resp_free(r);
        r = req("PATCH", "/connectors/p/config", "{\"file\":null}", NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert_null(json_object_get(json_object_get(r->json, "config"), "file"));
        resp_free(r);
        expect_error("PATCH", "/connectors/p/config", "{\"topic\":null}", NULL,
                     400, NULL);
        expect_error("PATCH", "/connectors/nope/config", "{\"a\":\"b\"}", NULL,
                     404, "Connector nope not found");
        r = req("GET", "/connectors/p/config", NULL, NULL);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "topic")), "u");
        resp_free(r);
}

Test(rest, offsets)
{
        create("o");
        expect_error("PATCH", "/connectors/o/offsets", "{\"offsets\":[]}", NULL,
                     400, "Partitions / offsets need to be provided for an alter "
                     "offsets request");
        expect_error("PATCH", "/connectors/nope/offsets", "{}", NULL, 400,
                     "Partitions / offsets need to be provided for an alter "
                     "offsets request");
        const char *body = "{\"offsets\":[{\"partition\":{\"filename\":\"a\"},"
                           "\"offset\":{\"position\":1}}]}";
        expect_error("PATCH", "/connectors/nope/offsets", body, NULL, 404,
                     "Connector nope not found");
        expect_error("PATCH", "/connectors/o/offsets", body, NULL, 400,
                     "Connectors must be in the STOPPED state before their "
                     "offsets can be modified. This can be done for the "
                     "specified connector by issuing a 'PUT' request to the "
                     "'/connectors/o/stop' endpoint");
        expect_error("PATCH", "/connectors/o/offsets",
                     "{\"offsets\":[{\"partition\":{},\"bogus\":1}]}", NULL, 400,
                     NULL);
        resp_t *r = req("GET", "/connectors/o/offsets", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert(json_is_array(json_object_get(r->json, "offsets")));
        resp_free(r);
        cr_assert_eq(status_of("PUT", "/connectors/o/stop", NULL), 204);
        r = req("PATCH", "/connectors/o/offsets", body, NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert(strstr(json_string_value(json_object_get(r->json, "message")),
                         "altered successfully"));
        resp_free(r);
        r = req("DELETE", "/connectors/o/offsets", NULL, NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert(strstr(json_string_value(json_object_get(r->json, "message")),
                         "reset successfully"));
        resp_free(r);
}

Test(rest, topics)
{
        create("t");
        resp_t *r = req("GET", "/connectors/t/topics", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert(json_is_array(json_object_get(json_object_get(r->json, "t"),
                                                "topics")));
        resp_free(r);
        cr_assert_eq(status_of("PUT", "/connectors/t/topics/reset", NULL), 202);
        expect_error("GET", "/connectors/zz/topics", NULL, NULL, 404, NULL);
}

Test(rest, topic_tracking_disabled)
{
        char err[256];
        static int dummy;
        json_t *p = json_pack("{s:s,s:s}", "listeners", "http://127.0.0.1:0",
                              "topic.tracking.allow.reset", "false");
        rest_t *s2 = rest_start((herder_t *)&dummy, p, err, sizeof(err));
        cr_assert_not_null(s2, "%s", err);
        char saved[64];
        snprintf(saved, sizeof(saved), "%s", base);
        snprintf(base, sizeof(base), "http://127.0.0.1:%d", rest_port(s2));
        create("t");
        expect_error("PUT", "/connectors/t/topics/reset", NULL, NULL, 403,
                     "Topic tracking reset is disabled.");
        cr_assert_eq(status_of("GET", "/connectors/t/topics", NULL), 200);
        snprintf(base, sizeof(base), "%s", saved);
        rest_stop(s2);
        json_decref(p);

        p = json_pack("{s:s,s:s}", "listeners", "http://127.0.0.1:0",
                      "topic.tracking.enable", "false");
        s2 = rest_start((herder_t *)&dummy, p, err, sizeof(err));
        cr_assert_not_null(s2, "%s", err);
        snprintf(base, sizeof(base), "http://127.0.0.1:%d", rest_port(s2));
        expect_error("GET", "/connectors/t/topics", NULL, NULL, 403,
                     "Topic tracking is disabled.");
        expect_error("PUT", "/connectors/t/topics/reset", NULL, NULL, 403,
                     "Topic tracking is disabled.");
        snprintf(base, sizeof(base), "%s", saved);
        rest_stop(s2);
        json_decref(p);
}

/* A transformation without a version (a plugin's: "undefined") is listed
 * without one, as Connect's PluginInfo; built-ins carry the worker's. */
Test(rest, plugins_undefined_version_left_out)
{
        static const xform_class_t nover = {
                .name = "com.example.NoVersion",
                .kind = XFORM_TRANSFORMATION,
                .version = "undefined",
        };
        resp_t *r;
        size_t i;
        json_t *p;
        int seen = 0;

        cr_assert_eq(xform_register(&nover), 0);
        r = req("GET", "/connector-plugins?connectorsOnly=false", NULL, NULL);
        json_array_foreach(r->json, i, p) {
                const char *cls = json_string_value(json_object_get(p, "class"));

                if (!strcmp(cls, "com.example.NoVersion")) {
                        cr_assert_null(json_object_get(p, "version"));
                        seen++;
                } else if (!strcmp(cls, "org.apache.kafka.connect."
                                        "transforms.Filter")) {
                        cr_assert_str_eq(json_string_value(json_object_get(
                                                 p, "version")), "3.9.0");
                        seen++;
                }
        }
        cr_assert_eq(seen, 2);
        resp_free(r);
}

Test(rest, plugins)
{
        resp_t *r = req("GET", "/connector-plugins", NULL, NULL);
        cr_assert_eq(json_array_size(r->json), 2);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(r->json, 0), "type")), "sink");
        resp_free(r);
        /* Java's order: sinks, sources, the 26 transformations, the 3
         * predicates, the converters, the header converters */
        r = req("GET", "/connector-plugins?connectorsOnly=false", NULL, NULL);
        cr_assert_eq(json_array_size(r->json), 2 + 26 + 3 + 3 + 4);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(r->json, 36), "class")),
                         "org.apache.kafka.connect.storage."
                         "SimpleHeaderConverter");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(r->json, 37), "type")),
                         "header_converter");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(r->json, 2), "type")),
                         "transformation");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(r->json, 28), "type")),
                         "predicate");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(r->json, 31), "type")), "converter");
        resp_free(r);
        r = req("GET", "/connector-plugins?connectorsOnly=TRUE", NULL, NULL);
        cr_assert_eq(json_array_size(r->json), 2);
        resp_free(r);

        r = req("GET", "/connector-plugins/FileStreamSource/config", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert_eq(json_array_size(r->json), 22);
        resp_free(r);
        expect_error("GET", "/connector-plugins/Nope/config", NULL, NULL, 404,
                     "Unknown plugin Nope.");

        r = req("PUT", "/connector-plugins/FileStreamSourceConnector/config/validate",
                "{\"connector.class\":\"" SRC "\",\"tasks.max\":\"0\"}", NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert_eq(json_integer_value(json_object_get(r->json, "error_count")), 3);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")), SRC);
        resp_free(r);
        cr_assert_eq(status_of("PUT", "/connector-plugins/FileStreamSource/config/validate",
                               "{\"connector.class\":\"" SRC "\"}"), 200);
        expect_error("PUT", "/connector-plugins/FileStreamSink/config/validate",
                     "{\"connector.class\":\"" SRC "\"}", NULL, 400,
                     "Included connector type " SRC " does not match request "
                     "type FileStreamSink");
        expect_error("PUT", "/connector-plugins/FileStreamSource/config/validate",
                     "{\"name\":\"x\"}", NULL, 400,
                     "Connector config {name=x} contains no connector type");
        expect_error("PUT", "/connector-plugins/Nope/config/validate",
                     "{\"connector.class\":\"org.x.Nope\"}", NULL, 400, NULL);
}

Test(rest, loggers)
{
        resp_t *r = req("GET", "/admin/loggers", NULL, NULL);
        cr_assert_eq(r->status, 200);
        cr_assert(json_is_object(json_object_get(r->json, "root")));
        resp_free(r);
        expect_error("GET", "/admin/loggers/not.there", NULL, NULL, 404,
                     "Logger not.there not found.");
        r = req("PUT", "/admin/loggers/org.foo", "{\"level\":\"debug\"}", NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert_str_eq(json_string_value(json_array_get(r->json, 0)), "org.foo");
        resp_free(r);
        cr_assert_eq(status_of("GET", "/admin/loggers/org.foo", NULL), 200);
        cr_assert_eq(status_of("PUT", "/admin/loggers/org.foo?scope=CLUSTER",
                               "{\"level\":\"INFO\"}"), 204);
        expect_error("PUT", "/admin/loggers/org.foo", "{\"level\":\"LOUD\"}",
                     NULL, 404, "invalid log level 'LOUD'.");
        expect_error("PUT", "/admin/loggers/org.foo", "{}", NULL, 400,
                     "Desired 'level' parameter was not specified in request.");
}

Test(rest, no_herder_means_starting)
{
        char err[256];
        json_t *p = json_pack("{s:s}", "listeners", "http://127.0.0.1:0");
        rest_t *s2 = rest_start(NULL, p, err, sizeof(err));
        cr_assert_not_null(s2, "%s", err);
        char saved[64];
        snprintf(saved, sizeof(saved), "%s", base);
        snprintf(base, sizeof(base), "http://127.0.0.1:%d", rest_port(s2));
        cr_assert_eq(status_of("GET", "/health", NULL), 503);
        expect_error("GET", "/connectors", NULL, NULL, 503, NULL);
        snprintf(base, sizeof(base), "%s", saved);
        rest_stop(s2);
        json_decref(p);
}

Test(rest, bad_listener)
{
        char err[256] = "";
        json_t *p = json_pack("{s:s}", "listeners", "https://127.0.0.1:0");
        cr_assert_null(rest_start(NULL, p, err, sizeof(err)));
        cr_assert(strstr(err, "ssl.keystore.location"), "%s", err);
        json_decref(p);
}

/* ------------------------------------------------------------------ */
/* Hardening: error bodies always carry a message */

static json_t *error_body(unsigned status, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        json_t *o = rest_error_body(status, fmt, ap);
        va_end(ap);
        return o;
}

Test(rest, utf8_sanitize)
{
        int bad = 0;
        char *s = rest_utf8_sanitize("a\xc3\xa9" "b", 4, &bad);
        cr_assert_str_eq(s, "a\xc3\xa9" "b");
        cr_assert_eq(bad, 0);
        free(s);
        /* lone byte, cut sequence, overlong, surrogate, past U+10FFFF */
        s = rest_utf8_sanitize("\xff" "x\xc3", 3, &bad);
        cr_assert_str_eq(s, "\xef\xbf\xbd" "x\xef\xbf\xbd");
        cr_assert_eq(bad, 1);
        free(s);
        s = rest_utf8_sanitize("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", 9, NULL);
        json_t *js = json_string(s);
        cr_assert_not_null(js, "%s", s);
        json_decref(js);
        cr_assert_eq(strncmp(s, "\xef\xbf\xbd", 3), 0);
        free(s);
}

Test(rest, error_body_never_drops_the_message)
{
        json_t *o = error_body(404, "Connector %s not found", "\xff");
        cr_assert_str_eq(json_string_value(json_object_get(o, "message")),
                         "Connector \xef\xbf\xbd not found");
        cr_assert_eq(json_integer_value(json_object_get(o, "error_code")), 404);
        json_decref(o);
}

Test(rest, invalid_utf8_connector_name)
{
        expect_error("GET", "/connectors/%FF", NULL, NULL, 404,
                     "Connector \xef\xbf\xbd not found");
        expect_error("GET", "/connectors/%C3/status", NULL, NULL, 404, NULL);
        expect_error("DELETE", "/connectors/a%FFb", NULL, NULL, 404,
                     "Connector a\xef\xbf\xbd" "b not found");
        resp_t *r = req("PUT", "/connectors/%FF/config",
                        "{\"connector.class\":\"FileStreamSource\","
                        "\"topic\":\"t\"}", NULL);
        cr_assert_eq(r->status, 400, "%s", r->body);
        const char *m = json_string_value(json_object_get(r->json, "message"));
        cr_assert_not_null(m, "%s", r->body);
        cr_assert(strstr(m, "name in the URL"), "%s", m);
        cr_assert(!strstr(m, "Missing required"), "%s", m);
        resp_free(r);
        /* nothing was created under the replacement name */
        expect_error("GET", "/connectors/%EF%BF%BD", NULL, NULL, 404, NULL);
}

Test(rest, long_name_cut_mid_character)
{
        /* "Connector " + name fills a 4 KiB message exactly up to the first
         * byte of a two-byte character */
        size_t na = 4084;
        char *path = malloc(na + 64);
        memcpy(path, "/connectors/", 12);
        memset(path + 12, 'a', na);
        strcpy(path + 12 + na, "%C3%A9%C3%A9");
        expect_error("GET", path, NULL, NULL, 404, NULL);
        expect_error("DELETE", path, NULL, NULL, 404, NULL);
        free(path);
}

/* ------------------------------------------------------------------ */
/* Hardening: request forgery from web pages */

#define BODY_S(n) "{\"name\":\"" n "\",\"config\":{\"connector.class\":" \
                  "\"FileStreamSource\",\"topic\":\"t\"}}"

static int has_header(const resp_t *r, const char *line)
{
        return strcasestr(r->hdrs, line) != NULL;
}

Test(rest, body_needs_json_content_type)
{
        expect_error("POST", "/connectors", BODY_S("a"), "", 415,
                     "HTTP 415 Unsupported Media Type");
        expect_error("POST", "/connectors", BODY_S("a"), "text/plain", 415,
                     NULL);
        expect_error("POST", "/connectors", BODY_S("a"),
                     "application/x-www-form-urlencoded", 415, NULL);
        expect_error("POST", "/connectors", BODY_S("a"), "multipart/form-data",
                     415, NULL);
        expect_error("POST", "/connectors", BODY_S("a"), "application/jsonx",
                     415, NULL);
        cr_assert_eq(status_of("GET", "/connectors/a", NULL), 404);
        create("x");
        expect_error("PUT", "/connectors/x/config", "{\"topic\":\"u\"}", "",
                     415, NULL);
        expect_error("PATCH", "/connectors/x/config", "{\"topic\":\"u\"}",
                     "text/plain;charset=utf-8", 415, NULL);
        expect_error("PUT", "/connector-plugins/FileStreamSource/config/validate",
                     "{\"connector.class\":\"FileStreamSource\"}", "", 415,
                     NULL);
        /* parameters and case are fine; no body needs no type */
        resp_t *r = req("POST", "/connectors", BODY_S("b"),
                        "Application/JSON ; charset=UTF-8");
        cr_assert_eq(r->status, 201, "%s", r->body);
        resp_free(r);
        r = req("PUT", "/connectors/b/pause", NULL, NULL);
        cr_assert_eq(r->status, 202, "%s", r->body);
        resp_free(r);
}

static resp_t *with_origin(const char *method, const char *path,
                           const char *body, const char *origin,
                           const char *site)
{
        char o[256], f[256];
        const char *h[3] = { NULL, NULL, NULL };
        int n = 0;
        if (origin) {
                snprintf(o, sizeof(o), "Origin: %s", origin);
                h[n++] = o;
        }
        if (site) {
                snprintf(f, sizeof(f), "Sec-Fetch-Site: %s", site);
                h[n++] = f;
        }
        return reqh(method, path, body, NULL, h);
}

static void expect_origin(const char *method, const char *path,
                          const char *body, const char *origin,
                          const char *site, long status)
{
        resp_t *r = with_origin(method, path, body, origin, site);
        cr_assert_eq(r->status, status, "%s %s from %s/%s: %ld %s", method,
                     path, origin ? origin : "-", site ? site : "-", r->status,
                     r->body);
        if (status == 403) {
                const char *m = json_string_value(json_object_get(r->json,
                                                                  "message"));
                cr_assert(m && strstr(m, "access.control.allow.origin"), "%s",
                          r->body);
                cr_assert_eq(json_integer_value(json_object_get(r->json,
                                                                "error_code")),
                             403);
        }
        cr_assert(!has_header(r, "Access-Control-Allow-Origin"), "%s", r->hdrs);
        resp_free(r);
}

Test(rest, cross_origin_writes_refused)
{
        char self[96];
        snprintf(self, sizeof(self), "http://127.0.0.1:%d", rest_port(srv));
        /* a page elsewhere cannot create, change or delete */
        expect_origin("POST", "/connectors", BODY_S("e"), "http://evil.example",
                      NULL, 403);
        expect_origin("POST", "/connectors", BODY_S("e"), "null", NULL, 403);
        expect_origin("POST", "/connectors", BODY_S("e"),
                      "http://127.0.0.1:1", NULL, 403);
        expect_origin("POST", "/connectors", BODY_S("e"), "http://localhost",
                      NULL, 403);
        cr_assert_eq(status_of("GET", "/connectors/e", NULL), 404);
        create("x");
        expect_origin("DELETE", "/connectors/x", NULL, "http://evil.example",
                      NULL, 403);
        expect_origin("PUT", "/connectors/x/pause", NULL, "http://evil.example",
                      NULL, 403);
        expect_origin("POST", "/connectors/x/restart", NULL,
                      "http://evil.example", NULL, 403);
        /* fetch metadata alone is enough */
        expect_origin("POST", "/connectors/x/restart", NULL, NULL, "cross-site",
                      403);
        expect_origin("POST", "/connectors/x/restart", NULL, NULL, "same-site",
                      403);
        expect_origin("POST", "/connectors/x/restart", NULL, self, "cross-site",
                      403);
        /* reads are answered (without CORS headers the page cannot see
         * them); a preflight from elsewhere is refused */
        expect_origin("GET", "/connectors", NULL, "http://evil.example", NULL,
                      200);
        expect_origin("OPTIONS", "/connectors", NULL, "http://evil.example",
                      NULL, 405);
        resp_t *r = reqh("OPTIONS", "/connectors", NULL, NULL,
                         (const char *const[]){
                                 "Origin: http://evil.example",
                                 "Access-Control-Request-Method: POST", NULL });
        cr_assert_eq(r->status, 403, "%s", r->body);
        cr_assert(!has_header(r, "Access-Control-Allow"), "%s", r->hdrs);
        resp_free(r);
        cr_assert_eq(status_of("GET", "/connectors/x", NULL), 200);
        /* same origin (a UI served by this worker), curl, fetch metadata
         * that says so: all fine */
        expect_origin("POST", "/connectors/x/restart", NULL, self, NULL, 204);
        expect_origin("POST", "/connectors/x/restart", NULL, self, "same-origin",
                      204);
        expect_origin("POST", "/connectors/x/restart", NULL, NULL, "none", 204);
        expect_origin("POST", "/connectors", BODY_S("s"), self, NULL, 201);
        expect_origin("DELETE", "/connectors/s", NULL, NULL, NULL, 204);
}

static rest_t *cors_server(const char *origins, const char *methods)
{
        char err[256];
        static json_t *p;
        json_decref(p);
        p = json_pack("{s:s,s:s}", "listeners", "http://127.0.0.1:0",
                      "access.control.allow.origin", origins);
        if (methods)
                json_object_set_new(p, "access.control.allow.methods",
                                    json_string(methods));
        static int dummy;
        rest_t *s2 = rest_start((herder_t *)&dummy, p, err, sizeof(err));
        cr_assert_not_null(s2, "%s", err);
        snprintf(base, sizeof(base), "http://127.0.0.1:%d", rest_port(s2));
        return s2;
}

Test(rest, cors_allowed_origins)
{
        rest_t *s2 = cors_server("http://ui.example, http://*.corp.example",
                                 NULL);
        /* preflight: Jetty's CrossOriginFilter headers */
        resp_t *r = reqh("OPTIONS", "/connectors", NULL, NULL,
                         (const char *const[]){
                                 "Origin: http://ui.example",
                                 "Access-Control-Request-Method: POST",
                                 "Access-Control-Request-Headers: content-type",
                                 NULL });
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert(has_header(r, "Access-Control-Allow-Origin: http://ui.example\r\n"),
                  "%s", r->hdrs);
        cr_assert(has_header(r, "Access-Control-Allow-Methods: GET,POST,HEAD\r\n"),
                  "%s", r->hdrs);
        cr_assert(has_header(r, "Access-Control-Allow-Headers: "), "%s", r->hdrs);
        cr_assert(has_header(r, "Access-Control-Max-Age: 1800"), "%s", r->hdrs);
        resp_free(r);
        /* a method or header outside the lists */
        r = reqh("OPTIONS", "/connectors/x", NULL, NULL,
                 (const char *const[]){ "Origin: http://ui.example",
                                        "Access-Control-Request-Method: DELETE",
                                        NULL });
        cr_assert_eq(r->status, 403, "%s", r->body);
        resp_free(r);
        r = reqh("OPTIONS", "/connectors", NULL, NULL,
                 (const char *const[]){ "Origin: http://ui.example",
                                        "Access-Control-Request-Method: POST",
                                        "Access-Control-Request-Headers: X-Evil",
                                        NULL });
        cr_assert_eq(r->status, 403, "%s", r->body);
        resp_free(r);
        /* the real requests */
        r = with_origin("POST", "/connectors", BODY_S("c"), "http://ui.example",
                        "cross-site");
        cr_assert_eq(r->status, 201, "%s", r->body);
        cr_assert(has_header(r, "Access-Control-Allow-Origin: http://ui.example"),
                  "%s", r->hdrs);
        resp_free(r);
        r = with_origin("GET", "/connectors", NULL, "http://a.corp.example",
                        NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cr_assert(has_header(r, "Access-Control-Allow-Origin: "
                                "http://a.corp.example"), "%s", r->hdrs);
        resp_free(r);
        expect_origin("DELETE", "/connectors/c", NULL, "http://ui.example", NULL,
                      403);
        expect_origin("POST", "/connectors", BODY_S("d"), "http://corp.example",
                      NULL, 403);
        expect_origin("GET", "/connectors", NULL, "http://evil.example", NULL,
                      200);
        rest_stop(s2);

        s2 = cors_server("*", "GET,POST,PUT,DELETE");
        r = with_origin("DELETE", "/connectors/c", NULL, "http://any.example",
                        NULL);
        cr_assert_eq(r->status, 204, "%s", r->body);
        cr_assert(has_header(r, "Access-Control-Allow-Origin: http://any.example"),
                  "%s", r->hdrs);
        resp_free(r);
        expect_origin("PATCH", "/connectors/c/config", "{}", "http://any.example",
                      NULL, 403);
        rest_stop(s2);
}

/* ------------------------------------------------------------------ */
/* The connection-less entry point the fuzz target drives */

Test(rest, handle_without_connection)
{
        char *out = NULL;
        const char *json_ct[] = { "content-type", "application/json", NULL };
        const char *evil[] = { "Origin", "http://evil.example", "Host",
                               "127.0.0.1:1", NULL };

        cr_assert_eq(rest_handle(srv, "GET", "/connectors/%FF?expand=status",
                                 NULL, NULL, 0, &out), 404);
        cr_assert(strstr(out, "Connector \xef\xbf\xbd not found"), "%s", out);
        free(out);
        cr_assert_eq(rest_handle(srv, "POST", "/connectors", NULL, BODY_S("h"),
                                 strlen(BODY_S("h")), &out), 415);
        free(out);
        cr_assert_eq(rest_handle(srv, "POST", "/connectors", evil, BODY_S("h"),
                                 strlen(BODY_S("h")), &out), 403);
        free(out);
        cr_assert_eq(rest_handle(srv, "POST", "/connectors", json_ct,
                                 BODY_S("h"), strlen(BODY_S("h")), &out), 201);
        free(out);
        cr_assert_eq(rest_handle(srv, "GET", "/connectors?expand=info&expand=status",
                                 NULL, NULL, 0, &out), 200);
        cr_assert(strstr(out, "\"h\""), "%s", out);
        free(out);
        char *big = malloc(20000);
        memset(big, 'a', 19999);
        big[0] = '/';
        big[19999] = '\0';
        cr_assert_eq(rest_handle(srv, "GET", big, NULL, NULL, 0, &out), 414);
        free(out);
        free(big);
        big = calloc(1, 5000);
        cr_assert_eq(rest_handle(srv, "PUT", "/connectors/h/config", json_ct,
                                 big, 5000, &out), 413);
        free(out);
        free(big);
}
