/*
 * Unit tests of server/log_s3.c: gzip round trip, object key layout, URLs,
 * and the shipping thread against a tiny HTTP server on loopback that
 * records every request: SigV4 request shape, retry with the same key,
 * overflow counting and its report, drain on stop, appends that never
 * wait for the network.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "log_int.h"

/* ---------- helpers ---------- */

static char *gunzip(const unsigned char *p, size_t n, size_t *out_len)
{
        z_stream zs;
        size_t cap = 1 << 20;
        char *out = malloc(cap);
        int rc;

        memset(&zs, 0, sizeof(zs));
        cr_assert_eq(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
        zs.next_in = (Bytef *)p;
        zs.avail_in = (uInt)n;
        zs.next_out = (Bytef *)out;
        zs.avail_out = (uInt)cap - 1;
        rc = inflate(&zs, Z_FINISH);
        cr_assert_eq(rc, Z_STREAM_END, "inflate rc %d", rc);
        *out_len = cap - 1 - zs.avail_out;
        out[*out_len] = '\0';
        inflateEnd(&zs);
        return out;
}

static void sleep_ms(int ms)
{
        struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

        nanosleep(&ts, NULL);
}

/* ---------- fake S3 ---------- */

#define MAXREQ 64

struct req {
        char method[8];
        char path[1024];
        char *headers; /* raw header block */
        unsigned char *body;
        size_t body_len;
};

static struct {
        int fd;
        int port;
        pthread_t thr;
        pthread_mutex_t lock;
        struct req reqs[MAXREQ];
        int nreq;
        atomic_int fail_first;   /* answer 503 to this many requests */
        atomic_int fail_always;  /* answer 500 while set */
        atomic_int hang;         /* hold the response while set */
        atomic_int in_request;   /* a request is being held */
        atomic_int stop;
} srv;

static int read_request(int c, struct req *r)
{
        char buf[65536];
        size_t got = 0, hlen, clen = 0;
        char *end, *cl;
        ssize_t n;

        for (;;) {
                n = recv(c, buf + got, sizeof(buf) - 1 - got, 0);
                if (n <= 0)
                        return -1;
                got += (size_t)n;
                buf[got] = '\0';
                if ((end = strstr(buf, "\r\n\r\n")))
                        break;
                if (got >= sizeof(buf) - 1)
                        return -1;
        }
        hlen = (size_t)(end - buf) + 4;
        sscanf(buf, "%7s %1023s", r->method, r->path);
        r->headers = strndup(buf, hlen);
        cl = strcasestr(r->headers, "\r\ncontent-length:");
        if (cl)
                clen = strtoul(cl + 17, NULL, 10);
        r->body = malloc(clen + 1);
        r->body_len = got - hlen < clen ? got - hlen : clen;
        memcpy(r->body, buf + hlen, r->body_len);
        while (r->body_len < clen) {
                n = recv(c, r->body + r->body_len, clen - r->body_len, 0);
                if (n <= 0)
                        return -1;
                r->body_len += (size_t)n;
        }
        return 0;
}

static void *srv_main(void *arg)
{
        (void)arg;
        while (!atomic_load(&srv.stop)) {
                struct req r;
                int c = accept(srv.fd, NULL, NULL), status = 200;
                char resp[256];
                int n;

                if (c < 0)
                        continue;
                memset(&r, 0, sizeof(r));
                if (read_request(c, &r) != 0) {
                        free(r.headers);
                        free(r.body);
                        close(c);
                        continue;
                }
                atomic_store(&srv.in_request, 1);
                while (atomic_load(&srv.hang) && !atomic_load(&srv.stop))
                        sleep_ms(5);
                atomic_store(&srv.in_request, 0);
                if (atomic_load(&srv.fail_always))
                        status = 500;
                else if (atomic_load(&srv.fail_first) > 0) {
                        atomic_fetch_sub(&srv.fail_first, 1);
                        status = 503;
                }
                pthread_mutex_lock(&srv.lock);
                if (srv.nreq < MAXREQ)
                        srv.reqs[srv.nreq++] = r;
                else {
                        free(r.headers);
                        free(r.body);
                }
                pthread_mutex_unlock(&srv.lock);
                n = snprintf(resp, sizeof(resp),
                             "HTTP/1.1 %d X\r\nContent-Length: 0\r\n"
                             "Connection: close\r\n\r\n", status);
                if (send(c, resp, (size_t)n, MSG_NOSIGNAL) < 0)
                        cr_log_warn("send failed");
                close(c);
        }
        return NULL;
}

static void srv_start(void)
{
        struct sockaddr_in a;
        socklen_t al = sizeof(a);
        int one = 1;
        struct timeval tv = { 0, 100000 };

        memset(&srv, 0, sizeof(srv));
        pthread_mutex_init(&srv.lock, NULL);
        srv.fd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(srv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        /* accept() wakes up now and then to see the stop flag. */
        setsockopt(srv.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert_eq(bind(srv.fd, (struct sockaddr *)&a, sizeof(a)), 0);
        cr_assert_eq(listen(srv.fd, 16), 0);
        getsockname(srv.fd, (struct sockaddr *)&a, &al);
        srv.port = ntohs(a.sin_port);
        pthread_create(&srv.thr, NULL, srv_main, NULL);
}

static void srv_stop(void)
{
        int i;

        atomic_store(&srv.stop, 1);
        pthread_join(srv.thr, NULL);
        close(srv.fd);
        for (i = 0; i < srv.nreq; i++) {
                free(srv.reqs[i].headers);
                free(srv.reqs[i].body);
        }
}

static int srv_count(void)
{
        int n;

        pthread_mutex_lock(&srv.lock);
        n = srv.nreq;
        pthread_mutex_unlock(&srv.lock);
        return n;
}

static log_s3_t *start_sink(long long batch, long long interval,
                            long long buffer, const char *token)
{
        char ep[64], err[256] = "";
        log_s3_conf_t c;
        log_s3_t *s3;

        snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", srv.port);
        memset(&c, 0, sizeof(c));
        c.bucket = "logs";
        c.endpoint = ep;
        c.region = "eu-west-3";
        c.prefix = "pre/";
        c.access_key_id = "AKIDTEST";
        c.secret_access_key = "s3cr3t";
        c.session_token = token;
        c.worker_id = "127.0.0.1:8083";
        c.path_style = 1;
        c.batch_max_bytes = batch;
        c.batch_interval_ms = interval;
        c.buffer_max_bytes = buffer;
        c.retry_backoff_ms = 20;
        c.retry_backoff_max_ms = 80;
        c.timeout_ms = 5000;
        s3 = log_s3_start(&c, err, sizeof(err));
        cr_assert_not_null(s3, "%s", err);
        return s3;
}

static int wait_for(log_s3_t *s3, unsigned long long objects, int ms)
{
        long long end = log_mono_ms() + ms;
        log_s3_stats_t st;

        while (log_mono_ms() < end) {
                log_s3_stats(s3, &st);
                if (st.objects_put >= objects)
                        return 1;
                sleep_ms(10);
        }
        return 0;
}

static void append_numbered(log_s3_t *s3, int from, int to, size_t width)
{
        char line[512];
        int i;

        for (i = from; i < to; i++) {
                memset(line, '.', width);
                snprintf(line, sizeof(line), "numbered line %06d ", i);
                line[strlen(line)] = '.';
                line[width - 1] = '\n';
                log_s3_append(s3, line, width);
        }
}

/* ---------- pure helpers ---------- */

Test(log_s3, gzip_round_trip)
{
        const char *pieces[3] = { "first piece\n", "", "third \xc3\xa9 piece\n" };
        size_t lens[3] = { strlen(pieces[0]), 0, strlen(pieces[2]) };
        unsigned char *gz;
        size_t gz_len, n;
        char *plain;

        cr_assert_eq(log_s3_gzip(pieces, lens, 3, &gz, &gz_len), 0);
        cr_assert_eq(gz[0], 0x1f); /* gzip magic */
        cr_assert_eq(gz[1], 0x8b);
        plain = gunzip(gz, gz_len, &n);
        cr_assert_str_eq(plain, "first piece\nthird \xc3\xa9 piece\n");
        free(plain);
        free(gz);

        /* Bigger, compressible input. */
        {
                char *big = malloc(300000);
                const char *p1[1] = { big };
                size_t l1[1] = { 300000 };

                for (int i = 0; i < 300000; i++)
                        big[i] = (char)('a' + i % 7);
                cr_assert_eq(log_s3_gzip(p1, l1, 1, &gz, &gz_len), 0);
                cr_assert_lt(gz_len, 30000);
                plain = gunzip(gz, gz_len, &n);
                cr_assert_eq(n, 300000);
                cr_assert_eq(memcmp(plain, big, n), 0);
                free(plain);
                free(gz);
                free(big);
        }
}

Test(log_s3, object_key_layout)
{
        char key[256];

        cr_assert_eq(log_s3_object_key(key, sizeof(key), "connectd/",
                                       "127.0.0.1:8083", 1795629781123LL, 7),
                     0);
        cr_assert_str_eq(key, "connectd/127.0.0.1_8083/2026/11/25/18/"
                              "1795629781123-000007.log.gz");
        cr_assert_eq(log_s3_object_key(key, sizeof(key), "", "a b/c", 0, 1), 0);
        cr_assert_str_eq(key, "a_b_c/1970/01/01/00/0-000001.log.gz");
        cr_assert_eq(log_s3_object_key(key, 10, "x", "y", 0, 1), -1);
}

Test(log_s3, urls)
{
        char url[512];

        cr_assert_eq(log_s3_object_url(url, sizeof(url), NULL, "eu-west-1",
                                       "bk", 1, "p/a b.log.gz"), 0);
        cr_assert_str_eq(url,
                         "https://s3.eu-west-1.amazonaws.com/bk/p/a%20b.log.gz");
        cr_assert_eq(log_s3_object_url(url, sizeof(url), NULL, "eu-west-1",
                                       "bk", 0, "k"), 0);
        cr_assert_str_eq(url, "https://bk.s3.eu-west-1.amazonaws.com/k");
        cr_assert_eq(log_s3_object_url(url, sizeof(url),
                                       "http://127.0.0.1:4569/", "us-east-1",
                                       "logs", 1, "x/y.gz"), 0);
        cr_assert_str_eq(url, "http://127.0.0.1:4569/logs/x/y.gz");
        cr_assert_eq(log_s3_object_url(url, sizeof(url), "http://minio:9000",
                                       "us-east-1", "logs", 0, "k"), 0);
        cr_assert_str_eq(url, "http://logs.minio:9000/k");
        cr_assert_eq(log_s3_object_url(url, sizeof(url), "no-scheme",
                                       "us-east-1", "logs", 0, "k"), -1);
}

/* ---------- the shipping thread ---------- */

Test(log_s3, put_request_shape, .init = srv_start, .fini = srv_stop)
{
        log_s3_t *s3 = start_sink(1 << 20, 100, 1 << 20, "SESSIONTOKEN");
        const char *lines = "2026-11-25T18:03:01.123Z INFO  a - one\n"
                            "2026-11-25T18:03:01.124Z INFO  b - two\n";
        struct req *r;
        char *plain, *auth;
        size_t n;

        log_s3_append(s3, lines, 39);
        log_s3_append(s3, lines + 39, 39);
        cr_assert(wait_for(s3, 1, 5000), "no PUT within 5 s");
        log_s3_stop(s3, 1000);

        cr_assert_eq(srv_count(), 1);
        r = &srv.reqs[0];
        cr_assert_str_eq(r->method, "PUT");
        cr_assert_eq(strncmp(r->path, "/logs/pre/127.0.0.1_8083/", 25), 0,
                     "%s", r->path);
        cr_assert_not_null(strstr(r->path, "-000001.log.gz"), "%s", r->path);
        auth = strcasestr(r->headers, "\r\nAuthorization: ");
        cr_assert_not_null(auth, "%s", r->headers);
        cr_assert_eq(strncmp(auth + 17, "AWS4-HMAC-SHA256 Credential=AKIDTEST/",
                             37), 0, "%s", auth);
        cr_assert_not_null(strstr(auth, "/eu-west-3/s3/aws4_request"));
        cr_assert_not_null(strstr(auth, "SignedHeaders="));
        cr_assert_not_null(strstr(auth, "x-amz-content-sha256"));
        cr_assert_not_null(strstr(auth, "x-amz-date"));
        cr_assert_not_null(strstr(auth, "x-amz-security-token"));
        cr_assert_not_null(strstr(auth, "Signature="));
        cr_assert_not_null(strcasestr(r->headers, "\r\nX-Amz-Date: "));
        cr_assert_not_null(strcasestr(r->headers,
                                      "\r\nx-amz-security-token: SESSIONTOKEN"));
        cr_assert_not_null(strcasestr(r->headers, "\r\nContent-Encoding: gzip"));
        cr_assert_not_null(strcasestr(r->headers,
                                      "\r\nContent-Type: text/plain"));
        cr_assert_null(strcasestr(r->headers, "s3cr3t"));
        plain = gunzip(r->body, r->body_len, &n);
        cr_assert_str_eq(plain, lines);
        free(plain);
}

Test(log_s3, retry_keeps_key_and_body, .init = srv_start, .fini = srv_stop)
{
        log_s3_t *s3;
        log_s3_stats_t st;
        int i;

        atomic_store(&srv.fail_first, 3);
        s3 = start_sink(1 << 20, 50, 1 << 20, NULL);
        append_numbered(s3, 0, 10, 64);
        cr_assert(wait_for(s3, 1, 10000), "not delivered after retries");
        log_s3_stats(s3, &st);
        log_s3_stop(s3, 1000);
        cr_assert_eq(st.put_failures, 3);
        cr_assert_eq(srv_count(), 4);
        for (i = 1; i < 4; i++) {
                cr_assert_str_eq(srv.reqs[i].path, srv.reqs[0].path);
                cr_assert_eq(srv.reqs[i].body_len, srv.reqs[0].body_len);
                cr_assert_eq(memcmp(srv.reqs[i].body, srv.reqs[0].body,
                                    srv.reqs[0].body_len), 0);
        }
        cr_assert_null(strcasestr(srv.reqs[0].headers, "x-amz-security-token"));
}

Test(log_s3, overflow_is_counted_and_reported, .init = srv_start,
     .fini = srv_stop)
{
        log_s3_t *s3;
        log_s3_stats_t st;
        int i, next = 0, notices = 0; /* lines reported dropped */

        atomic_store(&srv.fail_always, 1);
        /* 4096-byte buffer, 100-byte lines: 40 fit, 60 are dropped. */
        s3 = start_sink(1024, 50, 4096, NULL);
        append_numbered(s3, 0, 100, 100);
        log_s3_stats(s3, &st);
        cr_assert_eq(st.dropped_total, 60);
        cr_assert_eq(st.buffered, 4000);

        atomic_store(&srv.fail_always, 0);
        {
                long long end = log_mono_ms() + 10000;

                do {
                        log_s3_stats(s3, &st);
                        if (st.buffered == 0 && st.objects_put > 0)
                                break;
                        sleep_ms(10);
                } while (log_mono_ms() < end);
        }
        cr_assert_eq(st.buffered, 0);
        log_s3_stop(s3, 2000);

        /* Every kept line arrived once, in order; the drop report came once
         * with the right count. */
        for (i = 0; i < srv.nreq; i++) {
                size_t n;
                char *plain, *line, *save = NULL;

                /* Only successful deliveries count: failed attempts were
                 * answered 500 and are retried with the same key. */
                if (i + 1 < srv.nreq &&
                    !strcmp(srv.reqs[i + 1].path, srv.reqs[i].path))
                        continue;
                plain = gunzip(srv.reqs[i].body, srv.reqs[i].body_len, &n);
                for (line = strtok_r(plain, "\n", &save); line;
                     line = strtok_r(NULL, "\n", &save)) {
                        const char *d = strstr(line, "S3 log shipping "
                                                     "dropped ");

                        if (d) {
                                cr_assert_not_null(strstr(line, "WARN"));
                                cr_assert_not_null(
                                        strstr(line, "connectd.log.s3"));
                                cr_assert_not_null(
                                        strstr(line, " lines (buffer full)"));
                                notices += atoi(d + 24);
                        } else {
                                cr_assert_eq(atoi(line + 14), next,
                                             "line %s", line);
                                next++;
                        }
                }
                free(plain);
        }
        cr_assert_eq(next, 40);
        /* The appends race the first batch, so the report may come in one
         * or two parts; the counts add up to what was dropped. */
        cr_assert_eq(notices, 60);
}

Test(log_s3, stop_ships_what_is_left, .init = srv_start, .fini = srv_stop)
{
        /* A long interval: only the stop can ship these. */
        log_s3_t *s3 = start_sink(1 << 20, 600000, 1 << 20, NULL);
        size_t n;
        char *plain;

        append_numbered(s3, 0, 5, 50);
        cr_assert_eq(srv_count(), 0);
        log_s3_stop(s3, 3000);
        cr_assert_eq(srv_count(), 1);
        plain = gunzip(srv.reqs[0].body, srv.reqs[0].body_len, &n);
        cr_assert_eq(n, 250);
        cr_assert_not_null(strstr(plain, "numbered line 000004"));
        free(plain);
}

Test(log_s3, stop_is_bounded_when_s3_is_down, .init = srv_start,
     .fini = srv_stop)
{
        log_s3_t *s3;
        long long t0;

        atomic_store(&srv.fail_always, 1);
        s3 = start_sink(1 << 20, 600000, 1 << 20, NULL);
        append_numbered(s3, 0, 5, 50);
        t0 = log_mono_ms();
        log_s3_stop(s3, 500);
        cr_assert_lt(log_mono_ms() - t0, 3000);
        cr_assert_geq(srv_count(), 1);
}

Test(log_s3, append_does_not_wait_for_network, .init = srv_start,
     .fini = srv_stop)
{
        log_s3_t *s3;
        long long t0, spent, end;
        log_s3_stats_t st;

        atomic_store(&srv.hang, 1);
        s3 = start_sink(1024, 20, 1 << 20, NULL);
        append_numbered(s3, 0, 20, 100); /* over batch_max: a PUT starts */
        end = log_mono_ms() + 5000;
        while (!atomic_load(&srv.in_request) && log_mono_ms() < end)
                sleep_ms(5);
        cr_assert(atomic_load(&srv.in_request), "no PUT in flight");
        t0 = log_mono_ms();
        append_numbered(s3, 20, 5020, 100);
        spent = log_mono_ms() - t0;
        cr_assert_lt(spent, 1000, "5000 appends took %lld ms", spent);
        log_s3_stats(s3, &st);
        cr_assert_eq(st.dropped_total, 0);
        cr_assert_eq(st.buffered, 502000);
        atomic_store(&srv.hang, 0);
        cr_assert(wait_for(s3, 2, 10000));
        log_s3_stop(s3, 5000);
}

Test(log_s3, configure_starts_sink_from_env_credentials, .init = srv_start,
     .fini = srv_stop)
{
        char ep[64], err[256] = "";
        json_t *p;
        long long end;

        snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", srv.port);
        setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
        setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
        setenv("AWS_REGION", "ap-south-1", 1);
        p = json_pack("{s:s,s:s,s:s,s:s}", "log.s3.bucket", "b",
                      "log.s3.endpoint", ep, "log.s3.batch.interval.ms", "50",
                      "log.stderr.enable", "false");
        cr_assert_eq(log_configure(p, "w1", err, sizeof(err)), 0, "%s", err);
        json_decref(p);
        log_context_set("conn|task-0");
        LOG_INFO(log_get("connectd.s3test"), "hello s3");
        end = log_mono_ms() + 5000;
        while (srv_count() == 0 && log_mono_ms() < end)
                sleep_ms(10);
        log_shutdown();
        cr_assert_geq(srv_count(), 1);
        cr_assert_not_null(strstr(srv.reqs[0].headers,
                                  "Credential=ENVKEY/"));
        cr_assert_not_null(strstr(srv.reqs[0].headers,
                                  "/ap-south-1/s3/aws4_request"));
        cr_assert_eq(strncmp(srv.reqs[0].path, "/b/connectd/w1/", 15), 0,
                     "%s", srv.reqs[0].path);
        {
                size_t n;
                char *plain = gunzip(srv.reqs[0].body, srv.reqs[0].body_len,
                                     &n);

                cr_assert_not_null(strstr(plain, "INFO  [conn|task-0] "
                                                 "connectd.s3test - hello s3\n"),
                                   "%s", plain);
                free(plain);
        }
}
