/*
 * REST hardening against the real worker: many slow connections must not
 * starve other clients, every oversized request is answered 414/431, and
 * the request-forgery and error-body rules hold end to end. Raw sockets
 * where libcurl would refuse to send what we want.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "harness.h"

#define SRC "org.apache.kafka.connect.file.FileStreamSourceConnector"
#define NSLOW 2000

static worker_t *w;

static void start(void)
{
        /* the slow clients need descriptors; so may the worker */
        struct rlimit rl;
        if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
        w = worker_start(NULL, NULL);
        cr_assert_not_null(w);
}

static void stop(void)
{
        worker_free(w);
        w = NULL;
}

TestSuite(rest_hardening, .init = start, .fini = stop, .timeout = 300);

static int port_of(const worker_t *wk)
{
        const char *c = strrchr(wk->url, ':');
        cr_assert_not_null(c, "%s", wk->url);
        return atoi(c + 1);
}

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_nb(int port)
{
        struct sockaddr_in sa = { .sin_family = AF_INET,
                                  .sin_port = htons((uint16_t)port) };
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
            errno != EINPROGRESS) {
                close(fd);
                return -1;
        }
        return fd;
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
        (void)p;
        (void)ud;
        return sz * n;
}

/* GET / by another client, with a hard 1 s deadline (not scaled: this is
 * the requirement). The HTTP status, or 0 when not answered in time. */
static long get_root_within_1s(void)
{
        char url[300];
        long status = 0;
        CURL *c = curl_easy_init();
        snprintf(url, sizeof(url), "%s/", w->url);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        if (curl_easy_perform(c) == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
        return status;
}

/* Open n connections that each send the start of a request and stop
 * there. Returns how many got connected within the deadline. */
static int open_slow(int *fds, int n, int port)
{
        int connected = 0;
        for (int i = 0; i < n; i++) {
                fds[i] = connect_nb(port);
                cr_assert(fds[i] >= 0, "socket %d: %s", i, strerror(errno));
        }
        struct pollfd *p = calloc((size_t)n, sizeof(*p));
        int *sent = calloc((size_t)n, sizeof(*sent));
        long long end = now_ms() + scaled_ms(5000);
        while (connected < n && now_ms() < end) {
                int m = 0;
                for (int i = 0; i < n; i++)
                        if (!sent[i])
                                p[m++] = (struct pollfd){ .fd = fds[i],
                                                          .events = POLLOUT };
                if (poll(p, (nfds_t)m, 100) <= 0)
                        continue;
                for (int j = 0; j < m; j++) {
                        if (!(p[j].revents & POLLOUT))
                                continue;
                        for (int i = 0; i < n; i++)
                                if (fds[i] == p[j].fd && !sent[i]) {
                                        sent[i] = 1;
                                        if (send(fds[i], "GET / HTTP/1.1\r\nHo",
                                                 18, MSG_NOSIGNAL) == 18)
                                                connected++;
                                        break;
                                }
                }
        }
        free(p);
        free(sent);
        return connected;
}

/* Sockets of the worker's port in CLOSE-WAIT (/proc/net/tcp, state 08). */
static int close_wait_count(int port)
{
        char *t = slurp("/proc/net/tcp");
        int n = 0;
        char needle[16];
        snprintf(needle, sizeof(needle), ":%04X ", port);
        for (char *line = t ? strchr(t, '\n') : NULL; line && line[1];
             line = strchr(line + 1, '\n')) {
                char *local = line + 1;
                while (*local == ' ')
                        local++;
                local = strchr(local, ' '); /* past "sl:" */
                if (!local)
                        break;
                local++;
                /* local address is the first field after sl */
                char *rem = strchr(local, ' ');
                if (!rem)
                        break;
                char *st = strchr(rem + 1, ' ');
                if (!st)
                        break;
                if (!strncmp(local + 8, needle, 6) && !strncmp(st + 1, "08", 2))
                        n++;
        }
        free(t);
        return n;
}

static int port_for_wait;
static int no_close_wait(void *arg)
{
        (void)arg;
        return close_wait_count(port_for_wait) == 0;
}

Test(rest_hardening, slow_connections_do_not_starve_others)
{
        int port = port_of(w);
        int fds[NSLOW];
        int got = open_slow(fds, NSLOW, port);

        cr_assert_eq(got, NSLOW, "only %d of %d slow connections accepted", got,
                     NSLOW);
        cr_assert_eq(get_root_within_1s(), 200,
                     "GET / not answered within 1 s next to %d idle "
                     "connections", NSLOW);
        /* half of them trickle another byte */
        for (int i = 0; i < NSLOW; i += 2)
                cr_assert_eq(send(fds[i], "s", 1, MSG_NOSIGNAL), 1);
        cr_assert_eq(get_root_within_1s(), 200,
                     "GET / not answered within 1 s next to trickling "
                     "connections");
        /* all closed at once, mid-request */
        for (int i = 0; i < NSLOW; i++)
                close(fds[i]);
        cr_assert_eq(get_root_within_1s(), 200);
        port_for_wait = port;
        cr_assert(wait_until(no_close_wait, NULL, 10000),
                  "%d sockets left in CLOSE-WAIT", close_wait_count(port));
        json_decref(http_json(w, "GET", "/connectors", NULL, 200));
}

Test(rest_hardening, burst_of_abandoned_requests)
{
        int port = port_of(w);
        for (int round = 0; round < 2; round++) {
                int fds[NSLOW];
                int got = open_slow(fds, NSLOW, port);
                cr_assert_eq(got, NSLOW, "round %d: %d accepted", round, got);
                for (int i = 0; i < NSLOW; i++)
                        close(fds[i]);
                cr_assert_eq(get_root_within_1s(), 200, "round %d", round);
        }
        port_for_wait = port;
        cr_assert(wait_until(no_close_wait, NULL, 10000),
                  "%d sockets left in CLOSE-WAIT", close_wait_count(port));
}

/* Send a whole request on a fresh connection and read the answer (until
 * the worker closes or the answer is complete). The status, 0 when the
 * connection closed without an answer, -1 on timeout. *body (may be NULL)
 * gets the answer body (malloc'd). */
static long raw_request(int port, const char *req, size_t len, char **body)
{
        int fd = connect_nb(port);
        size_t off = 0, have = 0, cap = 65536;
        char *in = malloc(cap);
        long long end = now_ms() + scaled_ms(10000);
        int wr_done = 0;
        long status = -1;

        cr_assert(fd >= 0);
        if (body)
                *body = NULL;
        while (now_ms() < end) {
                struct pollfd p = { .fd = fd,
                                    .events = POLLIN | (wr_done ? 0 : POLLOUT) };
                if (poll(&p, 1, 100) <= 0)
                        continue;
                if (!wr_done && (p.revents & POLLOUT)) {
                        ssize_t n = send(fd, req + off, len - off,
                                         MSG_NOSIGNAL | MSG_DONTWAIT);
                        if (n > 0)
                                off += (size_t)n;
                        if (off == len || (n < 0 && errno != EAGAIN))
                                wr_done = 1;
                }
                if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
                        if (have + 4096 > cap)
                                in = realloc(in, cap *= 2);
                        ssize_t n = recv(fd, in + have, cap - have - 1,
                                         MSG_DONTWAIT);
                        if (n > 0) {
                                have += (size_t)n;
                                continue;
                        }
                        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                                status = 0;
                                break;
                        }
                }
        }
        close(fd);
        in[have] = '\0';
        if (status == 0 && have > 12 && !strncmp(in, "HTTP/1.", 7))
                status = atol(in + 9);
        if (body && status > 0) {
                char *b = strstr(in, "\r\n\r\n");
                *body = strdup(b ? b + 4 : "");
        }
        free(in);
        return status;
}

static char *make_line(size_t n)
{
        char *s = malloc(n + 128);
        int h = sprintf(s, "GET /");
        memset(s + h, 'a', n);
        strcpy(s + h + n, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        return s;
}

static char *make_header(size_t n)
{
        char *s = malloc(n + 128);
        int h = sprintf(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
        memset(s + h, 'b', n);
        strcpy(s + h + n, "\r\nConnection: close\r\n\r\n");
        return s;
}

static void expect_json_error(long status, const char *body, long want)
{
        cr_assert_eq(status, want, "status %ld", status);
        json_t *j = json_loads(body, 0, NULL);
        cr_assert_not_null(j, "not JSON: %s", body);
        cr_assert_eq(json_integer_value(json_object_get(j, "error_code")), want);
        cr_assert(json_is_string(json_object_get(j, "message")), "%s", body);
        json_decref(j);
}

/* Status and whether the body is Connect's error JSON (ours) rather than
 * libmicrohttpd's own answer. */
static long probe(int port, int shape, size_t n, int *ours)
{
        char *body = NULL;
        char *req = shape ? make_header(n) : make_line(n);
        long st = raw_request(port, req, strlen(req), &body);
        json_t *j = body ? json_loads(body, 0, NULL) : NULL;
        *ours = j != NULL;
        json_decref(j);
        free(body);
        free(req);
        return st;
}

static int answered_ok(size_t n, long st)
{
        /* small enough: served; large: 414 or 431 */
        return n < 33000 ? st > 0 : (st == 414 || st == 431);
}

/* Request lines (shape 0) or one header (shape 1) from 8 KB to 1 MB: all
 * answered. Most closely where our answers give way to libmicrohttpd's (the
 * request no longer fits its memory): just below, a request used to fill
 * the memory so that no answer could be built. */
static void sweep_sizes(int port, int shape)
{
        const char *what = shape ? "header" : "request line";
        size_t lo = 8000, hi = 1000000;
        int ours;
        long st;

        for (size_t n = lo; n < hi; n += 49999) {
                st = probe(port, shape, n, &ours);
                cr_assert(answered_ok(n, st), "%s of %zu bytes: %ld", what, n,
                          st);
        }
        /* the first size answered by libmicrohttpd itself */
        st = probe(port, shape, hi, &ours);
        cr_assert(!ours, "%s of %zu bytes: %ld from the handler", what, hi, st);
        while (hi - lo > 16) {
                size_t mid = lo + (hi - lo) / 2;
                st = probe(port, shape, mid, &ours);
                if (ours)
                        lo = mid;
                else
                        hi = mid;
        }
        for (size_t n = hi > 3000 ? hi - 3000 : 0; n < hi + 600; n += 17) {
                st = probe(port, shape, n, &ours);
                cr_assert(answered_ok(n, st), "%s of %zu bytes (limit near %zu): "
                          "%ld", what, n, hi, st);
        }
}

Test(rest_hardening, oversized_requests_are_answered)
{
        int port = port_of(w);
        char *body = NULL, *req;
        long st;

        /* a query of 490 parameters used to fill libmicrohttpd's memory */
        size_t cap = 16384, len = 0;
        req = malloc(cap);
        len += (size_t)sprintf(req, "GET /health?");
        for (int i = 0; i < 490; i++)
                len += (size_t)sprintf(req + len, "%sa%d=1", i ? "&" : "", i);
        len += (size_t)sprintf(req + len, " HTTP/1.1\r\nHost: x\r\n"
                                          "Connection: close\r\n\r\n");
        st = raw_request(port, req, len, NULL);
        cr_assert_eq(st, 200, "490 parameters: %ld", st);
        free(req);

        /* 20000 parameters */
        req = malloc(64 * 1024);
        len = (size_t)sprintf(req, "GET /health?");
        for (int i = 0; i < 20000; i++)
                len += (size_t)sprintf(req + len, "a&");
        len += (size_t)sprintf(req + len, " HTTP/1.1\r\nHost: x\r\n"
                                          "Connection: close\r\n\r\n");
        st = raw_request(port, req, len, &body);
        expect_json_error(st, body, 414);
        free(body);
        free(req);

        /* a 25 KB request line, a 40 KB header, 300 headers */
        req = make_line(25000);
        st = raw_request(port, req, strlen(req), &body);
        expect_json_error(st, body, 414);
        free(body);
        free(req);
        req = make_header(40000);
        st = raw_request(port, req, strlen(req), &body);
        expect_json_error(st, body, 431);
        free(body);
        free(req);
        req = malloc(16384);
        len = (size_t)sprintf(req, "GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 300; i++)
                len += (size_t)sprintf(req + len, "X-H%d: v\r\n", i);
        len += (size_t)sprintf(req + len, "Connection: close\r\n\r\n");
        st = raw_request(port, req, len, &body);
        expect_json_error(st, body, 431);
        free(body);
        free(req);

        /* every size, up to well past the per-connection memory: an answer,
         * never a closed connection */
        for (int shape = 0; shape < 2; shape++)
                sweep_sizes(port, shape);
        json_decref(http_json(w, "GET", "/connectors", NULL, 200));
}

Test(rest_hardening, forged_requests_and_error_bodies)
{
        /* a no-cors fetch sends text/plain or no type at all */
        const char *body = "{\"name\":\"fs\",\"config\":{\"connector.class\":\""
                           SRC "\",\"topic\":\"t\",\"file\":\"/dev/null\"}}";
        http_resp_t *r = http_req(w, "POST", "/connectors", body, "text/plain");
        cr_assert_eq(r->status, 415, "%s", r->body);
        http_resp_free(r);

        int port = port_of(w);
        char *req = NULL, *ans = NULL;
        int n = asprintf(&req, "POST /connectors HTTP/1.1\r\nHost: x\r\n"
                               "Content-Length: %zu\r\nConnection: close\r\n"
                               "\r\n%s", strlen(body), body);
        long st = raw_request(port, req, (size_t)n, &ans);
        expect_json_error(st, ans, 415);
        free(ans);
        free(req);
        /* JSON from another origin */
        n = asprintf(&req, "POST /connectors HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                           "Origin: http://evil.example\r\n"
                           "Sec-Fetch-Site: cross-site\r\n"
                           "Content-Type: application/json\r\n"
                           "Content-Length: %zu\r\nConnection: close\r\n"
                           "\r\n%s", port, strlen(body), body);
        st = raw_request(port, req, (size_t)n, &ans);
        expect_json_error(st, ans, 403);
        free(ans);
        free(req);
        r = http_req(w, "GET", "/connectors/fs", NULL, NULL);
        cr_assert_eq(r->status, 404, "forged request created it: %s", r->body);
        http_resp_free(r);

        /* names that are not UTF-8 */
        r = http_req(w, "GET", "/connectors/%FF", NULL, NULL);
        cr_assert_eq(r->status, 404);
        cr_assert_str_eq(json_string_value(json_object_get(r->json, "message")),
                         "Connector \xef\xbf\xbd not found");
        http_resp_free(r);
        r = http_req(w, "PUT", "/connectors/%FF/config",
                     "{\"connector.class\":\"" SRC "\",\"topic\":\"t\"}", NULL);
        cr_assert_eq(r->status, 400, "%s", r->body);
        const char *m = json_string_value(json_object_get(r->json, "message"));
        cr_assert(m && strstr(m, "name in the URL"), "%s", r->body);
        http_resp_free(r);
}
