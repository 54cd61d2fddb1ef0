/*
 * Unit tests of server/rest/forward.c:
 * - forward_request against a small libmicrohttpd server in this file on
 *   127.0.0.1 (ephemeral port) that records what it got (method, path,
 *   query, headers, body) and answers a status and body chosen per test;
 *   a closed port for the transport failure, a socket that listens and
 *   never answers for the timeout;
 * - forward_next_path;
 * - forward_sign / forward_verify against RFC 4231 test cases 1 and 2,
 *   and the session-key helpers.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "forward.h"

#define IO_PREFIX "IO Error trying to forward REST request: "

/* ---- the recording server ---------------------------------------------- */

static struct {
        /* the answer */
        unsigned status;
        const char *body;
        /* what came in (the last request) */
        pthread_mutex_t mu;
        int count;
        char method[16];
        char path[256];
        char query[512];
        json_t *headers; /* lower-case name -> value */
        char *req_body;
        size_t req_body_len;
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

static struct MHD_Daemon *daemon_;
static char base_url[64];

struct upload {
        char *data;
        size_t len;
};

static enum MHD_Result header_it(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
        json_t *h = cls;
        char name[128];
        size_t i;

        (void)kind;
        snprintf(name, sizeof(name), "%s", key);
        for (i = 0; name[i]; i++)
                name[i] = (char)tolower((unsigned char)name[i]);
        json_object_set_new(h, name, json_string(value ? value : ""));
        return MHD_YES;
}

static enum MHD_Result query_it(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
        char *q = cls;
        size_t n = strlen(q);

        (void)kind;
        snprintf(q + n, sizeof(srv.query) - n, "%s%s%s%s", n ? "&" : "", key,
                 value ? "=" : "", value ? value : "");
        return MHD_YES;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn,
                               const char *url, const char *method,
                               const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls)
{
        struct upload *up = *con_cls;
        struct MHD_Response *resp;
        enum MHD_Result ret;

        (void)cls;
        (void)version;
        if (!up) {
                up = calloc(1, sizeof(*up));
                *con_cls = up;
                return MHD_YES;
        }
        if (*upload_data_size) {
                up->data = realloc(up->data, up->len + *upload_data_size + 1);
                memcpy(up->data + up->len, upload_data, *upload_data_size);
                up->len += *upload_data_size;
                up->data[up->len] = '\0';
                *upload_data_size = 0;
                return MHD_YES;
        }
        pthread_mutex_lock(&srv.mu);
        srv.count++;
        snprintf(srv.method, sizeof(srv.method), "%s", method);
        snprintf(srv.path, sizeof(srv.path), "%s", url);
        srv.query[0] = '\0';
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_it,
                                  srv.query);
        json_decref(srv.headers);
        srv.headers = json_object();
        MHD_get_connection_values(conn, MHD_HEADER_KIND, header_it,
                                  srv.headers);
        free(srv.req_body);
        srv.req_body = up->data;
        srv.req_body_len = up->len;
        up->data = NULL;
        pthread_mutex_unlock(&srv.mu);
        resp = MHD_create_response_from_buffer(strlen(srv.body),
                                               (void *)srv.body,
                                               MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(resp, "Content-Type", "application/json");
        ret = MHD_queue_response(conn, srv.status, resp);
        MHD_destroy_response(resp);
        return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
        struct upload *up = *con_cls;

        (void)cls;
        (void)conn;
        (void)toe;
        if (up) {
                free(up->data);
                free(up);
        }
        *con_cls = NULL;
}

static void start_server(void)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        const union MHD_DaemonInfo *di;

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = 0;
        srv.status = 200;
        srv.body = "{}";
        daemon_ = MHD_start_daemon(
                MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
                NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
        cr_assert_not_null(daemon_);
        di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
        cr_assert_not_null(di);
        snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%u/",
                 (unsigned)di->port);
}

static void stop_server(void)
{
        if (daemon_)
                MHD_stop_daemon(daemon_);
        daemon_ = NULL;
        json_decref(srv.headers);
        srv.headers = NULL;
        free(srv.req_body);
        srv.req_body = NULL;
}

TestSuite(forward, .init = start_server, .fini = stop_server);

static const char *hdr(const char *lname)
{
        return json_string_value(json_object_get(srv.headers, lname));
}

static double now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double timeout_mult(void)
{
        const char *m = getenv("CONNECTD_TEST_TIMEOUT_MULT");
        double f = m ? atof(m) : 1;

        return f >= 1 ? f : 1;
}

/* The message of a 500 made by forward_request, after checking the body's
 * exact shape: {"error_code":500,"message":"IO Error ...: <detail>"}. */
static const char *io_error_detail(const forward_result_t *r, json_t **keep)
{
        static const char head[] =
                "{\"error_code\":500,\"message\":\"" IO_PREFIX;
        json_error_t jerr;
        json_t *j;
        const char *msg;

        cr_assert_eq(r->status, 500);
        cr_assert_not_null(r->body);
        cr_assert_eq(strncmp(r->body, head, strlen(head)), 0, "body: %s",
                     r->body);
        cr_assert_eq(strcmp(r->body + strlen(r->body) - 2, "\"}"), 0);
        j = json_loads(r->body, 0, &jerr);
        cr_assert_not_null(j, "not JSON: %s", jerr.text);
        cr_assert_eq(json_object_size(j), 2);
        cr_assert_eq(json_integer_value(json_object_get(j, "error_code")), 500);
        msg = json_string_value(json_object_get(j, "message"));
        cr_assert_not_null(msg);
        cr_assert_eq(strncmp(msg, IO_PREFIX, strlen(IO_PREFIX)), 0);
        cr_assert_gt(strlen(msg), strlen(IO_PREFIX), "no detail");
        *keep = j;
        return msg + strlen(IO_PREFIX);
}

/* ---- forward_request: what goes out ------------------------------------ */

Test(forward, post_sends_method_path_query_body_and_headers)
{
        const char *body = "{\"name\":\"a\",\"config\":{\"k\":\"v\"}}";
        forward_result_t r;
        const char *allowed[] = { "host", "accept", "content-type",
                                  "user-agent", "content-length",
                                  "authorization", NULL };
        const char *key;
        json_t *v;

        srv.status = 201;
        srv.body = "{\"name\":\"a\",\"config\":{\"k\":\"v\"},\"tasks\":[]}";
        cr_assert_eq(forward_request(base_url, "POST",
                                     "/connectors?forward=true", body,
                                     "Basic dXNlcjpwYXNz", NULL, 5000, &r),
                     0);
        cr_assert_eq(r.status, 201);
        cr_assert_str_eq(r.body, srv.body);
        forward_result_free(&r);
        cr_assert_null(r.body);

        cr_assert_eq(srv.count, 1);
        cr_assert_str_eq(srv.method, "POST");
        cr_assert_str_eq(srv.path, "/connectors");
        cr_assert_str_eq(srv.query, "forward=true");
        cr_assert_eq(srv.req_body_len, strlen(body));
        cr_assert_str_eq(srv.req_body, body);
        cr_assert_str_eq(hdr("authorization"), "Basic dXNlcjpwYXNz");
        cr_assert_str_eq(hdr("accept"), "application/json");
        cr_assert_str_eq(hdr("content-type"), "application/json");
        cr_assert_str_eq(hdr("user-agent"), "kafka-connect");
        /* Nothing else: no Expect, no cookies, no proxy headers. */
        json_object_foreach(srv.headers, key, v) {
                int i, ok = 0;

                for (i = 0; allowed[i]; i++)
                        ok |= strcmp(key, allowed[i]) == 0;
                cr_assert(ok, "unexpected header %s: %s", key,
                          json_string_value(v));
        }
}

Test(forward, no_authorization_when_not_given_and_extra_headers_added)
{
        forward_result_t r;
        const char *extra = "X-Connect-Authorization: c2ln\r\n"
                            "\n"
                            "X-Connect-Request-Signature-Algorithm: HmacSHA256\n";

        srv.status = 204;
        srv.body = "";
        cr_assert_eq(forward_request(base_url, "POST",
                                     "/connectors/a/tasks?forward=true",
                                     "[{\"k\":\"v\"}]", NULL, extra, 5000, &r),
                     0);
        cr_assert_eq(r.status, 204);
        cr_assert_str_eq(r.body, "");
        forward_result_free(&r);
        cr_assert_null(hdr("authorization"));
        cr_assert_str_eq(hdr("x-connect-authorization"), "c2ln");
        cr_assert_str_eq(hdr("x-connect-request-signature-algorithm"),
                         "HmacSHA256");
        cr_assert_str_eq(hdr("user-agent"), "kafka-connect");
        cr_assert_str_eq(srv.path, "/connectors/a/tasks");
}

Test(forward, base_url_and_path_join_with_one_slash)
{
        forward_result_t r;
        char base[80];

        /* base without its slash, path without its slash */
        snprintf(base, sizeof(base), "%.*s", (int)strlen(base_url) - 1,
                 base_url);
        cr_assert_eq(forward_request(base, "GET", "connectors/x/status", NULL,
                                     NULL, NULL, 5000, &r), 0);
        forward_result_free(&r);
        cr_assert_str_eq(srv.path, "/connectors/x/status");
        cr_assert_str_eq(srv.method, "GET");
        cr_assert_eq(srv.req_body_len, 0);
        /* base with its slash, path with its slash */
        cr_assert_eq(forward_request(base_url, "GET", "/connectors", NULL,
                                     NULL, NULL, 5000, &r), 0);
        forward_result_free(&r);
        cr_assert_str_eq(srv.path, "/connectors");
}

Test(forward, restart_keeps_every_query_parameter)
{
        forward_result_t r;

        srv.status = 202;
        srv.body = "{\"name\":\"a\",\"connector\":{\"state\":\"RESTARTING\"}}";
        cr_assert_eq(forward_request(base_url, "POST",
                                     "/connectors/a/restart?includeTasks=true&"
                                     "onlyFailed=false&forward=false",
                                     NULL, NULL, NULL, 5000, &r), 0);
        cr_assert_eq(r.status, 202);
        cr_assert_str_eq(r.body, srv.body);
        forward_result_free(&r);
        cr_assert_str_eq(srv.method, "POST");
        cr_assert_str_eq(srv.query,
                         "includeTasks=true&onlyFailed=false&forward=false");
        /* No body: an empty one with its length. */
        cr_assert_eq(srv.req_body_len, 0);
        cr_assert_str_eq(hdr("content-length"), "0");
}

Test(forward, put_patch_delete_methods)
{
        static const char *const methods[] = { "PUT", "PATCH", "DELETE" };
        forward_result_t r;
        size_t i;

        for (i = 0; i < 3; i++) {
                const char *b = i < 2 ? "{\"k\":\"v\"}" : NULL;

                cr_assert_eq(forward_request(base_url, methods[i],
                                             "/connectors/a/config", b, NULL,
                                             NULL, 5000, &r), 0);
                forward_result_free(&r);
                cr_assert_str_eq(srv.method, methods[i]);
                if (b)
                        cr_assert_str_eq(srv.req_body, b);
                else
                        cr_assert_eq(srv.req_body_len, 0);
        }
}

Test(forward, large_body_goes_at_once, .timeout = 60)
{
        size_t n = 2u << 20, i; /* above curl's 1 MiB Expect threshold */
        char *body = malloc(n + 3);
        forward_result_t r;
        double t0;

        body[0] = '"';
        for (i = 1; i <= n; i++)
                body[i] = (char)('a' + i % 26);
        body[n + 1] = '"';
        body[n + 2] = '\0';
        t0 = now_ms();
        cr_assert_eq(forward_request(base_url, "PUT", "/connectors/a/config",
                                     body, NULL, NULL, 5000, &r), 0);
        /* curl would wait a second for "100 Continue" without "Expect:". */
        cr_assert_lt(now_ms() - t0, 900 * timeout_mult());
        forward_result_free(&r);
        cr_assert_null(hdr("expect"));
        cr_assert_eq(srv.req_body_len, n + 2);
        cr_assert_eq(memcmp(srv.req_body, body, n + 2), 0);
        free(body);
}

Test(forward, malformed_header_input_is_refused_without_a_request)
{
        forward_result_t r;
        json_t *j = NULL;

        cr_assert_eq(forward_request(base_url, "GET", "/", NULL,
                                     "Basic x\r\nX-Evil: 1", NULL, 5000, &r),
                     -1);
        io_error_detail(&r, &j);
        json_decref(j);
        forward_result_free(&r);
        cr_assert_eq(forward_request(base_url, "GET", "/", NULL, NULL,
                                     "no colon here", 5000, &r), -1);
        io_error_detail(&r, &j);
        json_decref(j);
        forward_result_free(&r);
        cr_assert_eq(forward_request(base_url, "GE T", "/", NULL, NULL, NULL,
                                     5000, &r), -1);
        forward_result_free(&r);
        cr_assert_eq(srv.count, 0);
}

/* A signed internal request end to end: the receiver verifies the exact
 * body bytes it got against the header it got. */
Test(forward, signed_internal_request_verifies_on_arrival)
{
        static const char body[] = "[{\"k\":\"v\",\"n\":\"\\u00e9\"}]";
        unsigned char key[FORWARD_SESSION_KEY_LEN];
        forward_result_t r;
        char extra[128];

        srv.status = 204;
        srv.body = "";
        cr_assert_eq(forward_session_key_new(key), 0);
        cr_assert_eq(forward_sign_headers(key, sizeof(key), body,
                                          strlen(body), extra, sizeof(extra)),
                     0);
        cr_assert_eq(forward_request(base_url, "POST",
                                     "/connectors/a/tasks?forward=true", body,
                                     NULL, extra, 5000, &r), 0);
        forward_result_free(&r);
        cr_assert_str_eq(hdr("x-connect-request-signature-algorithm"),
                         "HmacSHA256");
        cr_assert_not_null(hdr("x-connect-authorization"));
        cr_assert_eq(forward_verify(key, sizeof(key), srv.req_body,
                                    srv.req_body_len,
                                    hdr("x-connect-authorization")), 1);
        key[0] ^= 1;
        cr_assert_eq(forward_verify(key, sizeof(key), srv.req_body,
                                    srv.req_body_len,
                                    hdr("x-connect-authorization")), 0);
        /* Too small a buffer for both lines. */
        cr_assert_eq(forward_sign_headers(key, sizeof(key), body,
                                          strlen(body), extra, 60), -1);
}

/* ---- forward_request: what comes back ---------------------------------- */

Test(forward, relays_status_and_body)
{
        static const struct {
                unsigned status;
                const char *body;
        } cases[] = {
                { 201, "{\"name\":\"a\",\"config\":{},\"tasks\":[],"
                       "\"type\":\"source\"}" },
                { 200, "{\"name\":\"a\",\"config\":{},\"tasks\":[]}" },
                { 404, "{\"error_code\":404,\"message\":\"Connector a not "
                       "found\"}" },
                { 409, "{\"error_code\":409,\"message\":\"Connector a already "
                       "exists\"}" },
                { 400, "{\"error_code\":400,\"message\":\"bad\"}" },
                { 500, "{\"error_code\":500,\"message\":\"boom\"}" },
                { 202, "" },
        };
        forward_result_t r;
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                srv.status = cases[i].status;
                srv.body = cases[i].body;
                cr_assert_eq(forward_request(base_url, "POST", "/connectors",
                                             "{}", NULL, NULL, 5000, &r), 0);
                cr_assert_eq(r.status, (long)cases[i].status);
                cr_assert_str_eq(r.body, cases[i].body);
                forward_result_free(&r);
        }
}

Test(forward, error_answer_that_is_not_json_becomes_io_error)
{
        forward_result_t r;
        json_t *j = NULL;

        srv.status = 502;
        srv.body = "<html>Bad gateway</html>";
        cr_assert_eq(forward_request(base_url, "DELETE", "/connectors/a",
                                     NULL, NULL, NULL, 5000, &r), -1);
        io_error_detail(&r, &j);
        json_decref(j);
        forward_result_free(&r);
}

/* A detail with quotes and a backslash stays a JSON string. */
Test(forward, io_error_detail_is_escaped)
{
        forward_result_t r;
        const char *detail;
        json_t *j = NULL;

        srv.status = 409;
        srv.body = "\"a\\b";
        cr_assert_eq(forward_request(base_url, "POST", "/connectors", "{}",
                                     NULL, NULL, 5000, &r), -1);
        detail = io_error_detail(&r, &j);
        cr_assert(strstr(detail, "\"a\\b") != NULL, "detail: %s", detail);
        /* ... escaped in the body text */
        cr_assert(strstr(r.body, "\\\"a\\\\b") != NULL, "body: %s", r.body);
        json_decref(j);
        forward_result_free(&r);
}

Test(forward, unexpected_status_becomes_500)
{
        forward_result_t r;

        srv.status = 302;
        srv.body = "{}";
        cr_assert_eq(forward_request(base_url, "POST", "/connectors", "{}",
                                     NULL, NULL, 5000, &r), -1);
        cr_assert_eq(r.status, 500);
        cr_assert_str_eq(r.body, "{\"error_code\":500,\"message\":\"Unexpected "
                                 "status code when handling forwarded "
                                 "request: 302\"}");
        forward_result_free(&r);
}

Test(forward, closed_port_gives_io_error_500)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        socklen_t len = sizeof(sa);
        forward_result_t r;
        char url[64];
        const char *detail;
        json_t *j = NULL;
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
        close(fd);
        snprintf(url, sizeof(url), "http://127.0.0.1:%u/",
                 (unsigned)ntohs(sa.sin_port));
        cr_assert_eq(forward_request(url, "POST", "/connectors?forward=true",
                                     "{}", "Basic x", NULL, 5000, &r), -1);
        detail = io_error_detail(&r, &j);
        cr_assert(strstr(detail, "onnect") != NULL, "detail: %s", detail);
        json_decref(j);
        forward_result_free(&r);
}

Test(forward, unanswered_request_times_out_as_io_error_500, .timeout = 60)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        socklen_t len = sizeof(sa);
        forward_result_t r;
        char url[64];
        const char *detail;
        json_t *j = NULL;
        double t0, took;
        int timeout = 300;
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        /* Listens, never accepts: the connection is made by the kernel and
         * the request is never answered. */
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        cr_assert_eq(listen(fd, 4), 0);
        cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
        snprintf(url, sizeof(url), "http://127.0.0.1:%u",
                 (unsigned)ntohs(sa.sin_port));
        t0 = now_ms();
        cr_assert_eq(forward_request(url, "PUT", "/connectors/a/config",
                                     "{}", NULL, NULL, timeout, &r), -1);
        took = now_ms() - t0;
        detail = io_error_detail(&r, &j);
        cr_assert(strstr(detail, "timed out") != NULL, "detail: %s", detail);
        cr_assert_geq(took, timeout - 10);
        cr_assert_lt(took, timeout + 1000 * timeout_mult(), "took %.0f ms",
                     took);
        json_decref(j);
        forward_result_free(&r);
        close(fd);
}

/* ---- forward_next_path ------------------------------------------------- */

static void next_is(const char *in, const char *want)
{
        char *got = forward_next_path(in);

        if (!want) {
                cr_assert_null(got, "%s -> %s, want NULL", in, got);
                return;
        }
        cr_assert_not_null(got, "%s -> NULL, want %s", in, want);
        cr_assert_str_eq(got, want, "%s", in);
        free(got);
}

Test(forward_next_path, adds_flips_or_stops)
{
        next_is("/connectors", "/connectors?forward=true");
        next_is("/connectors?forward=true", "/connectors?forward=false");
        next_is("/connectors?forward=false", NULL);
        next_is("/connectors/a/restart?includeTasks=true&onlyFailed=true",
                "/connectors/a/restart?includeTasks=true&onlyFailed=true"
                "&forward=true");
        next_is("/connectors/a/restart?forward=true&includeTasks=true"
                "&onlyFailed=false",
                "/connectors/a/restart?includeTasks=true&onlyFailed=false"
                "&forward=false");
        next_is("/connectors/a/restart?includeTasks=true&forward=false"
                "&onlyFailed=true", NULL);
        /* Boolean.valueOf: any case; anything else is false. */
        next_is("/connectors?forward=TRUE", "/connectors?forward=false");
        next_is("/connectors?forward=yes", NULL);
        /* The first one counts; an empty one is absent. */
        next_is("/c?forward=true&forward=false", "/c?forward=false");
        next_is("/c?forward=&a=1", "/c?a=1&forward=true");
        next_is("/c?forward", "/c?forward=true");
        /* Other names that begin with forward are kept. */
        next_is("/c?forwarded=1", "/c?forwarded=1&forward=true");
        next_is("/c?", "/c?forward=true");
        next_is("/c?a=1&&b=2", "/c?a=1&b=2&forward=true");
        cr_assert_null(forward_next_path(NULL));
}

/* ---- signatures and session keys --------------------------------------- */

Test(forward_sign, rfc4231_test_cases)
{
        static const char data2[] = "what do ya want for nothing?";
        unsigned char key1[20];
        char sig[64];

        /* Test case 2: 5bdcc146bf60754e6a042426089575c7
         *              5a003f089d2739839dec58b964ec3843 */
        cr_assert_eq(forward_sign((const unsigned char *)"Jefe", 4, data2,
                                  strlen(data2), sig, sizeof(sig)), 0);
        cr_assert_str_eq(sig, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
        /* Test case 1: b0344c61d8db38535ca8afceaf0bf12b
         *              881dc200c9833da726e9376c2e32cff7 */
        memset(key1, 0x0b, sizeof(key1));
        cr_assert_eq(forward_sign(key1, sizeof(key1), "Hi There", 8, sig,
                                  sizeof(sig)), 0);
        cr_assert_str_eq(sig, "sDRMYdjbOFNcqK/OrwvxK4gdwgDJgz2nJuk3bC4yz/c=");
        /* 44 characters and the NUL: 45 bytes, not one less. */
        cr_assert_eq(forward_sign(key1, sizeof(key1), "Hi There", 8, sig, 45),
                     0);
        cr_assert_eq(forward_sign(key1, sizeof(key1), "Hi There", 8, sig, 44),
                     -1);
}

Test(forward_sign, verify_accepts_the_signature_and_rejects_any_change)
{
        static const char data[] = "what do ya want for nothing?";
        const unsigned char *key = (const unsigned char *)"Jefe";
        char sig[] = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";
        char flipped[sizeof(sig)];
        unsigned char raw[33];
        size_t rawlen = 0;
        char body2[sizeof(data)];

        cr_assert_eq(forward_verify(key, 4, data, strlen(data), sig), 1);
        /* one byte of the HMAC flipped */
        cr_assert_eq(forward_key_decode(sig, raw, sizeof(raw), &rawlen), 0);
        cr_assert_eq(rawlen, 32);
        raw[17] ^= 0x01;
        cr_assert_eq(forward_key_encode(raw, rawlen, flipped, sizeof(flipped)),
                     0);
        cr_assert_str_neq(flipped, sig);
        cr_assert_eq(forward_verify(key, 4, data, strlen(data), flipped), 0);
        /* one byte of the body flipped, or the key */
        memcpy(body2, data, sizeof(data));
        body2[0] ^= 0x20;
        cr_assert_eq(forward_verify(key, 4, body2, strlen(body2), sig), 0);
        cr_assert_eq(forward_verify((const unsigned char *)"Jeff", 4, data,
                                    strlen(data), sig), 0);
        /* malformed, truncated, missing */
        cr_assert_eq(forward_verify(key, 4, data, strlen(data),
                                    "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOE"),
                     0);
        cr_assert_eq(forward_verify(key, 4, data, strlen(data), "!!!!"), 0);
        cr_assert_eq(forward_verify(key, 4, data, strlen(data), ""), 0);
        cr_assert_eq(forward_verify(key, 4, data, strlen(data), NULL), 0);
}

Test(forward_sign, session_key_round_trip)
{
        unsigned char k1[FORWARD_SESSION_KEY_LEN], k2[FORWARD_SESSION_KEY_LEN];
        unsigned char back[FORWARD_SESSION_KEY_LEN];
        char text[45], sig1[45], sig2[45];
        size_t n = 0;

        cr_assert_eq(forward_session_key_new(k1), 0);
        cr_assert_eq(forward_session_key_new(k2), 0);
        cr_assert_neq(memcmp(k1, k2, sizeof(k1)), 0);
        cr_assert_eq(forward_key_encode(k1, sizeof(k1), text, sizeof(text)), 0);
        cr_assert_eq(strlen(text), 44);
        cr_assert_eq(forward_key_decode(text, back, sizeof(back), &n), 0);
        cr_assert_eq(n, sizeof(k1));
        cr_assert_eq(memcmp(back, k1, sizeof(k1)), 0);
        /* The decoded key signs as the original does. */
        cr_assert_eq(forward_sign(k1, sizeof(k1), "[]", 2, sig1, sizeof(sig1)),
                     0);
        cr_assert_eq(forward_sign(back, n, "[]", 2, sig2, sizeof(sig2)), 0);
        cr_assert_str_eq(sig1, sig2);
        cr_assert_eq(forward_verify(back, n, "[]", 2, sig1), 1);
        /* Too long for the buffer, bad padding, bad characters. */
        cr_assert_eq(forward_key_decode(text, back, sizeof(back) - 1, &n), -1);
        cr_assert_eq(forward_key_decode("QQ=", back, sizeof(back), &n), -1);
        cr_assert_eq(forward_key_decode("QQ==", back, sizeof(back), &n), 0);
        cr_assert_eq(n, 1);
        cr_assert_eq(back[0], 'A');
        cr_assert_eq(forward_key_decode("Q=Q=", back, sizeof(back), &n), -1);
        cr_assert_eq(forward_key_decode("QR==", back, sizeof(back), &n), -1);
}

/* ---- https ------------------------------------------------------------- */

static char pki[256];
static char *ca_pem, *srv_pem, *srv_key, *cli_pem, *cli_key, *cli_enc_key;

static void sh(const char *fmt, ...)
{
        char cmd[2048];
        va_list ap;
        int rc;

        va_start(ap, fmt);
        vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        rc = system(cmd);
        cr_assert_eq(rc, 0, "command failed (%d): %s", rc, cmd);
}

static char *slurp(const char *name)
{
        char path[512], *text;
        FILE *f;
        long n;

        snprintf(path, sizeof(path), "%s/%s", pki, name);
        f = fopen(path, "rb");
        cr_assert_not_null(f, "%s", path);
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        text = calloc(1, (size_t)n + 1);
        cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
        fclose(f);
        return text;
}

/* A CA, a server certificate for 127.0.0.1 and a client certificate
 * (EC keys: quick to make), and a TLS server that asks for a client
 * certificate and records whether one came. */
static int got_client_cert;

static enum MHD_Result tls_handler(void *cls, struct MHD_Connection *conn,
                                   const char *url, const char *method,
                                   const char *version,
                                   const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
        const union MHD_ConnectionInfo *ci;
        unsigned int n = 0;

        if (*con_cls == NULL) {
                ci = MHD_get_connection_info(conn,
                                             MHD_CONNECTION_INFO_GNUTLS_SESSION);
                if (ci && ci->tls_session &&
                    gnutls_certificate_get_peers(ci->tls_session, &n) && n)
                        got_client_cert = 1;
        }
        return handler(cls, conn, url, method, version, upload_data,
                       upload_data_size, con_cls);
}

static void start_tls_server(void)
{
        const char *q = "2>/dev/null";
        const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
        const char *tmp = getenv("TMPDIR");
        struct sockaddr_in sa = { .sin_family = AF_INET };
        const union MHD_DaemonInfo *di;

        snprintf(pki, sizeof(pki), "%s/forward_pki.XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        cr_assert_not_null(mkdtemp(pki));
        sh("cd '%s' && openssl req -x509 %s -nodes -days 2 "
           "-subj /CN=forward-test-ca -keyout ca.key -out ca.pem %s",
           pki, ec, q);
        sh("cd '%s' && printf 'subjectAltName=IP:127.0.0.1\\n' > san.cnf && "
           "openssl req %s -nodes -subj /CN=127.0.0.1 -keyout srv.key "
           "-out srv.csr %s && openssl x509 -req -in srv.csr -CA ca.pem "
           "-CAkey ca.key -CAcreateserial -days 2 -extfile san.cnf "
           "-out srv.pem %s", pki, ec, q, q);
        sh("cd '%s' && openssl req %s -nodes -subj /CN=client -keyout cli.key "
           "-out cli.csr %s && openssl x509 -req -in cli.csr -CA ca.pem "
           "-CAkey ca.key -CAcreateserial -days 2 -out cli.pem %s && "
           "openssl pkcs8 -topk8 -in cli.key -passout pass:s3cret "
           "-out cli.enc.key %s", pki, ec, q, q, q);
        ca_pem = slurp("ca.pem");
        srv_pem = slurp("srv.pem");
        srv_key = slurp("srv.key");
        cli_pem = slurp("cli.pem");
        cli_key = slurp("cli.key");
        cli_enc_key = slurp("cli.enc.key");

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        srv.status = 200;
        srv.body = "{\"ok\":true}";
        daemon_ = MHD_start_daemon(
                MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS, 0, NULL, NULL, tls_handler, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                MHD_OPTION_HTTPS_MEM_KEY, srv_key, MHD_OPTION_HTTPS_MEM_CERT,
                srv_pem, MHD_OPTION_HTTPS_MEM_TRUST, ca_pem,
                MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
        cr_assert_not_null(daemon_);
        di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
        snprintf(base_url, sizeof(base_url), "https://127.0.0.1:%u/",
                 (unsigned)di->port);
}

static void stop_tls_server(void)
{
        stop_server();
        sh("rm -rf '%s'", pki);
        free(ca_pem);
        free(srv_pem);
        free(srv_key);
        free(cli_pem);
        free(cli_key);
        free(cli_enc_key);
}

TestSuite(forward_tls, .init = start_tls_server, .fini = stop_tls_server,
          .timeout = 60);

Test(forward_tls, verified_against_the_given_ca)
{
        forward_tls_t tls = { .ca_pem = ca_pem };
        forward_result_t r;

        cr_assert_eq(forward_request_tls(base_url, "POST", "/connectors",
                                         "{}", "Basic x", NULL, &tls, 5000,
                                         &r), 0, "%s", r.body);
        cr_assert_eq(r.status, 200);
        cr_assert_str_eq(r.body, "{\"ok\":true}");
        forward_result_free(&r);
        cr_assert_str_eq(hdr("authorization"), "Basic x");
        cr_assert_eq(got_client_cert, 0);
}

Test(forward_tls, unknown_ca_is_an_io_error)
{
        forward_result_t r;
        json_t *j = NULL;

        /* The system's CAs do not know the test CA. */
        cr_assert_eq(forward_request(base_url, "POST", "/connectors", "{}",
                                     NULL, NULL, 5000, &r), -1);
        io_error_detail(&r, &j);
        json_decref(j);
        forward_result_free(&r);
        cr_assert_eq(srv.count, 0);
}

Test(forward_tls, client_certificate_sent)
{
        forward_tls_t tls = { .ca_pem = ca_pem, .cert_pem = cli_pem,
                              .key_pem = cli_key };
        forward_result_t r;

        cr_assert_eq(forward_request_tls(base_url, "GET", "/", NULL, NULL,
                                         NULL, &tls, 5000, &r), 0, "%s",
                     r.body);
        forward_result_free(&r);
        cr_assert_eq(got_client_cert, 1);
}

Test(forward_tls, client_keystore_in_one_pem_with_encrypted_key)
{
        char *keystore = NULL;
        forward_tls_t tls = { .ca_pem = ca_pem, .key_password = "s3cret" };
        forward_result_t r;

        cr_assert_gt(asprintf(&keystore, "%s%s", cli_pem, cli_enc_key), 0);
        tls.cert_pem = keystore;
        cr_assert_eq(forward_request_tls(base_url, "GET", "/", NULL, NULL,
                                         NULL, &tls, 5000, &r), 0, "%s",
                     r.body);
        forward_result_free(&r);
        cr_assert_eq(got_client_cert, 1);
        /* A wrong password: no request. */
        tls.key_password = "wrong";
        srv.count = 0;
        cr_assert_eq(forward_request_tls(base_url, "GET", "/", NULL, NULL,
                                         NULL, &tls, 5000, &r), -1);
        cr_assert_eq(r.status, 500);
        forward_result_free(&r);
        cr_assert_eq(srv.count, 0);
        free(keystore);
}
