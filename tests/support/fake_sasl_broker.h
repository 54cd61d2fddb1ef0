/*
 * fake_sasl_broker.h — test support shared by the unit and integration tests
 * of MSK IAM: a loopback listener, and a fake broker that speaks just enough
 * Kafka for librdkafka's SASL/OAUTHBEARER start. Included by one test file
 * per program (static functions); needs Criterion, pthreads and poll.
 */
#ifndef CONNECTD_TEST_FAKE_SASL_BROKER_H
#define CONNECTD_TEST_FAKE_SASL_BROKER_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_loopback(int *port)
{
        struct sockaddr_in a;
        socklen_t al = sizeof(a);
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

        cr_assert_geq(fd, 0);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
        cr_assert_eq(listen(fd, 16), 0);
        getsockname(fd, (struct sockaddr *)&a, &al);
        *port = ntohs(a.sin_port);
        return fd;
}

/* ---------- the whole handshake against a fake broker ---------- */

/* Speaks just enough Kafka for librdkafka's SASL/OAUTHBEARER start:
 * ApiVersions (v3), SaslHandshake (v0-1), SaslAuthenticate (v0-1); then
 * hangs up. Records each authentication's client id and bytes. */
#define MAX_AUTH 64

struct fake_broker {
        int fd, port;
        pthread_t th;
        atomic_int stop;
        pthread_mutex_t lock;
        int nauth;
        char client[MAX_AUTH][64];
        char *auth[MAX_AUTH];
        char mechanisms[MAX_AUTH][32];
};

static int read_full(int fd, void *p, size_t n, atomic_int *stop)
{
        size_t got = 0;

        while (got < n) {
                struct pollfd pf = { fd, POLLIN, 0 };
                ssize_t r;

                if (*stop)
                        return -1;
                if (poll(&pf, 1, 100) <= 0)
                        continue;
                r = read(fd, (char *)p + got, n - got);
                if (r <= 0)
                        return -1;
                got += (size_t)r;
        }
        return 0;
}

static uint16_t rd16(const unsigned char *p)
{
        return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const unsigned char *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
               (uint32_t)p[2] << 8 | p[3];
}

static size_t put16(unsigned char *p, int v)
{
        p[0] = (unsigned char)(v >> 8);
        p[1] = (unsigned char)v;
        return 2;
}

static size_t put32(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)(v >> 24);
        p[1] = (unsigned char)(v >> 16);
        p[2] = (unsigned char)(v >> 8);
        p[3] = (unsigned char)v;
        return 4;
}

static int send_resp(int fd, unsigned char *resp, size_t len)
{
        put32(resp, (uint32_t)(len - 4));
        return write(fd, resp, len) == (ssize_t)len ? 0 : -1;
}

static void serve_conn(struct fake_broker *b, int c)
{
        unsigned char hdr[4], *req = NULL, resp[256];

        for (;;) {
                uint32_t len, corr;
                int key, ver;
                size_t pos, o = 4;
                int clen;

                if (read_full(c, hdr, 4, &b->stop))
                        break;
                len = rd32(hdr);
                if (len < 8 || len > 1 << 20)
                        break;
                free(req);
                req = malloc(len);
                if (read_full(c, req, len, &b->stop))
                        break;
                key = rd16(req);
                ver = rd16(req + 2);
                corr = rd32(req + 4);
                clen = (int16_t)rd16(req + 8);
                pos = 10 + (clen > 0 ? (size_t)clen : 0);
                o += put32(resp + o, corr);
                if (key == 18) { /* ApiVersions: v0 header always */
                        static const int apis[][3] = {
                                { 18, 0, 3 }, { 17, 0, 1 }, { 36, 0, 1 },
                                { 3, 0, 4 },
                        };
                        int i;

                        o += put16(resp + o, 0);
                        if (ver >= 3) {
                                resp[o++] = 4 + 1; /* compact array */
                        } else {
                                o += put32(resp + o, 4);
                        }
                        for (i = 0; i < 4; i++) {
                                o += put16(resp + o, apis[i][0]);
                                o += put16(resp + o, apis[i][1]);
                                o += put16(resp + o, apis[i][2]);
                                if (ver >= 3)
                                        resp[o++] = 0;
                        }
                        if (ver >= 1)
                                o += put32(resp + o, 0);
                        if (ver >= 3)
                                resp[o++] = 0;
                } else if (key == 17) { /* SaslHandshake */
                        int ml = (int16_t)rd16(req + pos);

                        pthread_mutex_lock(&b->lock);
                        if (b->nauth < MAX_AUTH)
                                snprintf(b->mechanisms[b->nauth], 32, "%.*s",
                                         ml, (char *)req + pos + 2);
                        pthread_mutex_unlock(&b->lock);
                        o += put16(resp + o, 0);
                        o += put32(resp + o, 1);
                        o += put16(resp + o, 11);
                        memcpy(resp + o, "OAUTHBEARER", 11);
                        o += 11;
                } else if (key == 36) { /* SaslAuthenticate */
                        uint32_t al = rd32(req + pos);

                        pthread_mutex_lock(&b->lock);
                        if (b->nauth < MAX_AUTH &&
                            pos + 4 + al <= len) {
                                b->auth[b->nauth] = strndup(
                                        (char *)req + pos + 4, al);
                                snprintf(b->client[b->nauth], 64, "%.*s",
                                         clen > 0 ? clen : 0,
                                         (char *)req + 10);
                                b->nauth++;
                        }
                        pthread_mutex_unlock(&b->lock);
                        o += put16(resp + o, 0);
                        o += put16(resp + o, -1);
                        o += put32(resp + o, 0);
                        if (ver >= 1) {
                                o += put32(resp + o, 0);
                                o += put32(resp + o, 0);
                        }
                        send_resp(c, resp, o);
                        break; /* the test has what it wants */
                } else {
                        break;
                }
                if (send_resp(c, resp, o))
                        break;
        }
        free(req);
        close(c);
}

static void *broker_main(void *arg)
{
        struct fake_broker *b = arg;

        while (!b->stop) {
                struct pollfd pf = { b->fd, POLLIN, 0 };
                int c;

                if (poll(&pf, 1, 100) <= 0)
                        continue;
                c = accept(b->fd, NULL, NULL);
                if (c >= 0)
                        serve_conn(b, c);
        }
        return NULL;
}

#endif
