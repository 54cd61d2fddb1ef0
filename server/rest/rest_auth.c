/*
 * rest_auth — HTTP Basic authentication for the REST API and the rule that
 * keeps an unauthenticated API off the network.
 *
 * DESIGN
 *   - The credentials file is read once at start-up into an immutable
 *     table of (SHA-256(user), SHA-256(password)) pairs; a password given
 *     as `sha256:<hex>` is stored as is. Requests only read the table, so
 *     any number of MHD threads may call rest_auth_check at once.
 *   - A check hashes the presented user and password and compares them
 *     with every entry using a constant-time comparison, without an early
 *     exit, so timing tells neither the password nor whether the user
 *     exists.
 *   - rest_auth_check_listeners only looks at the listener strings (no
 *     resolving, no binding): it runs before anything listens.
 */
#include "rest_auth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "config.h"
#include "rest_tls.h"

#define AUTH_FILE_MAX (1024 * 1024)
#define DIGEST_LEN    32
#define HASH_PREFIX   "sha256:"

typedef struct auth_entry {
        unsigned char user[DIGEST_LEN];
        unsigned char pass[DIGEST_LEN];
} auth_entry_t;

struct rest_auth {
        auth_entry_t *e;
        size_t n;
};

static void sha256(const void *data, size_t len, unsigned char *out)
{
        gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, out);
}

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* "sha256:" + exactly 64 hex digits: 1 and the digest in out. */
static int parse_hashed(const char *p, size_t n, unsigned char *out)
{
        size_t pl = strlen(HASH_PREFIX), i;

        if (n != pl + 2 * DIGEST_LEN || strncasecmp(p, HASH_PREFIX, pl))
                return 0;
        p += pl;
        for (i = 0; i < DIGEST_LEN; i++) {
                int hi = hexval((unsigned char)p[2 * i]);
                int lo = hexval((unsigned char)p[2 * i + 1]);
                if (hi < 0 || lo < 0)
                        return 0;
                out[i] = (unsigned char)(hi << 4 | lo);
        }
        return 1;
}

static int is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\f' || c == '\r';
}

rest_auth_t *rest_auth_parse(const char *text, size_t len, char *errstr,
                             size_t errstr_size)
{
        rest_auth_t *a = calloc(1, sizeof(*a));
        const char *p = text, *end = text + len;
        size_t cap = 0, i;
        int line = 0;

        if (!a) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        while (p < end) {
                const char *eol = memchr(p, '\n', (size_t)(end - p));
                const char *s, *e, *sep, *u_end, *pw;
                auth_entry_t ent;

                if (!eol)
                        eol = end;
                line++;
                s = p;
                e = eol;
                p = eol < end ? eol + 1 : end;
                while (s < e && is_blank(*s))
                        s++;
                while (e > s && is_blank(e[-1]))
                        e--;
                if (s == e || *s == '#' || *s == '!')
                        continue;
                if (memchr(s, '\0', (size_t)(e - s))) {
                        snprintf(errstr, errstr_size, "line %d: NUL byte",
                                 line);
                        goto fail;
                }
                sep = s;
                while (sep < e && *sep != ':' && *sep != '=')
                        sep++;
                if (sep == e) {
                        snprintf(errstr, errstr_size, "line %d: expected "
                                 "'user: password' or 'user=password'",
                                 line);
                        goto fail;
                }
                u_end = sep;
                while (u_end > s && is_blank(u_end[-1]))
                        u_end--;
                if (u_end == s) {
                        snprintf(errstr, errstr_size, "line %d: empty user "
                                 "name", line);
                        goto fail;
                }
                pw = sep + 1;
                while (pw < e && is_blank(*pw))
                        pw++;
                if (pw == e) {
                        snprintf(errstr, errstr_size, "line %d: empty "
                                 "password for user '%.*s'", line,
                                 (int)(u_end - s), s);
                        goto fail;
                }
                sha256(s, (size_t)(u_end - s), ent.user);
                if (!parse_hashed(pw, (size_t)(e - pw), ent.pass))
                        sha256(pw, (size_t)(e - pw), ent.pass);
                /* A later line for the same user wins. */
                for (i = 0; i < a->n; i++)
                        if (!memcmp(a->e[i].user, ent.user, DIGEST_LEN))
                                break;
                if (i == a->n) {
                        if (a->n == cap) {
                                size_t nc = cap ? 2 * cap : 8;
                                auth_entry_t *ne =
                                        realloc(a->e, nc * sizeof(*ne));
                                if (!ne) {
                                        snprintf(errstr, errstr_size,
                                                 "out of memory");
                                        goto fail;
                                }
                                a->e = ne;
                                cap = nc;
                        }
                        a->n++;
                }
                a->e[i] = ent;
        }
        return a;
fail:
        rest_auth_free(a);
        return NULL;
}

rest_auth_t *rest_auth_load(const char *path, char *errstr,
                            size_t errstr_size)
{
        FILE *fp = fopen(path, "rb");
        char *buf = NULL, sub[256];
        size_t n;
        rest_auth_t *a = NULL;

        if (!fp) {
                snprintf(errstr, errstr_size, "cannot read %s: %s", path,
                         strerror(errno));
                return NULL;
        }
        buf = malloc(AUTH_FILE_MAX + 1);
        if (!buf) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        n = fread(buf, 1, AUTH_FILE_MAX + 1, fp);
        if (ferror(fp)) {
                snprintf(errstr, errstr_size, "cannot read %s: %s", path,
                         strerror(errno));
                goto out;
        }
        if (n > AUTH_FILE_MAX) {
                snprintf(errstr, errstr_size, "%s: larger than %d bytes",
                         path, AUTH_FILE_MAX);
                goto out;
        }
        a = rest_auth_parse(buf, n, sub, sizeof(sub));
        if (!a)
                snprintf(errstr, errstr_size, "%s: %s", path, sub);
out:
        free(buf);
        fclose(fp);
        return a;
}

void rest_auth_free(rest_auth_t *a)
{
        if (!a)
                return;
        if (a->e)
                memset(a->e, 0, a->n * sizeof(*a->e));
        free(a->e);
        free(a);
}

size_t rest_auth_count(const rest_auth_t *a)
{
        return a ? a->n : 0;
}

static unsigned ct_diff(const unsigned char *x, const unsigned char *y)
{
        unsigned d = 0;
        size_t i;

        for (i = 0; i < DIGEST_LEN; i++)
                d |= (unsigned)(x[i] ^ y[i]);
        return d;
}

int rest_auth_check(const rest_auth_t *a, const char *user,
                    const char *password)
{
        unsigned char u[DIGEST_LEN], p[DIGEST_LEN];
        unsigned ok = 0;
        size_t i;

        if (!a || !user || !password)
                return 0;
        sha256(user, strlen(user), u);
        sha256(password, strlen(password), p);
        for (i = 0; i < a->n; i++) {
                unsigned d = ct_diff(a->e[i].user, u) |
                             ct_diff(a->e[i].pass, p);
                /* 1 when d == 0, without a branch on d. */
                ok |= 1u & ((d - 1u) >> 8);
        }
        return (int)ok;
}

/* ------------------------------------------------------------------ */
/* Authorization: Basic */

static int b64val(int c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

/* Standard base64, '=' padding optional but, when present, correct.
 * malloc'd, NUL-terminated, length in *outlen; NULL when malformed. */
static char *b64_decode(const char *s, size_t n, size_t *outlen)
{
        char *out;
        size_t i, o = 0, pad = 0, data;
        unsigned acc = 0;
        int bits = 0;

        while (pad < n && pad < 2 && s[n - 1 - pad] == '=')
                pad++;
        data = n - pad;
        if (pad && n % 4)
                return NULL;
        if (data % 4 == 1)
                return NULL;
        out = malloc(data / 4 * 3 + 3 + 1);
        if (!out)
                return NULL;
        for (i = 0; i < data; i++) {
                int v = b64val((unsigned char)s[i]);
                if (v < 0) {
                        free(out);
                        return NULL;
                }
                acc = (acc << 6) | (unsigned)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[o++] = (char)((acc >> bits) & 0xff);
                }
        }
        /* Leftover bits must be zero (canonical encoding). */
        if (bits && (acc & ((1u << bits) - 1))) {
                free(out);
                return NULL;
        }
        out[o] = '\0';
        *outlen = o;
        return out;
}

int rest_auth_decode_basic(const char *header, char **user, char **password)
{
        const char *p = header, *e;
        char *dec, *colon;
        size_t n;

        *user = *password = NULL;
        if (!header)
                return -1;
        while (*p == ' ' || *p == '\t')
                p++;
        if (strncasecmp(p, "Basic", 5) || (p[5] != ' ' && p[5] != '\t'))
                return -1;
        p += 5;
        while (*p == ' ' || *p == '\t')
                p++;
        e = p + strlen(p);
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
        if (e == p)
                return -1;
        dec = b64_decode(p, (size_t)(e - p), &n);
        if (!dec)
                return -1;
        colon = memchr(dec, ':', n);
        if (!colon || memchr(dec, '\0', n)) {
                free(dec);
                return -1;
        }
        *user = strndup(dec, (size_t)(colon - dec));
        *password = strdup(colon + 1);
        memset(dec, 0, n);
        free(dec);
        if (!*user || !*password) {
                free(*user);
                free(*password);
                *user = *password = NULL;
                return -1;
        }
        return 0;
}

int rest_auth_header_ok(const rest_auth_t *a, const char *header)
{
        char *u = NULL, *p = NULL;
        int ok;

        if (rest_auth_decode_basic(header, &u, &p))
                return 0;
        ok = rest_auth_check(a, u, p);
        memset(p, 0, strlen(p));
        free(u);
        free(p);
        return ok;
}

/* ------------------------------------------------------------------ */
/* Listeners */

int rest_listener_parse(const char *url, int *https, char *host,
                        size_t host_size, int *port)
{
        const char *p = url, *colon, *end;
        char *pe;
        long v;

        while (*p == ' ' || *p == '\t')
                p++;
        if (!strncasecmp(p, "http://", 7)) {
                *https = 0;
                p += 7;
        } else if (!strncasecmp(p, "https://", 8)) {
                *https = 1;
                p += 8;
        } else {
                return -1;
        }
        if (*p == '[') {
                const char *rb = strchr(p, ']');
                if (!rb || rb[1] != ':' || (size_t)(rb - p - 1) >= host_size)
                        return -1;
                snprintf(host, host_size, "%.*s", (int)(rb - p - 1), p + 1);
                colon = rb + 1;
        } else {
                colon = strchr(p, ':');
                if (!colon || (size_t)(colon - p) >= host_size ||
                    memchr(p, '/', (size_t)(colon - p)))
                        return -1;
                snprintf(host, host_size, "%.*s", (int)(colon - p), p);
        }
        errno = 0;
        if (colon[1] < '0' || colon[1] > '9')
                return -1;
        v = strtol(colon + 1, &pe, 10);
        end = pe;
        if (*end == '/')
                end++;
        while (*end == ' ' || *end == '\t')
                end++;
        if (errno || *end || v < 0 || v > 65535)
                return -1;
        *port = (int)v;
        return 0;
}

int rest_host_is_loopback(const char *host)
{
        struct in_addr a4;
        struct in6_addr a6;

        if (!host || !*host)
                return 0;
        if (!strcasecmp(host, "localhost"))
                return 1;
        if (inet_pton(AF_INET, host, &a4) == 1)
                return (ntohl(a4.s_addr) >> 24) == 127;
        if (inet_pton(AF_INET6, host, &a6) == 1) {
                static const unsigned char lo[16] = {[15] = 1};
                static const unsigned char mapped[12] = {[10] = 0xff,
                                                         [11] = 0xff};
                if (!memcmp(a6.s6_addr, lo, 16))
                        return 1;
                return !memcmp(a6.s6_addr, mapped, 12) &&
                       a6.s6_addr[12] == 127;
        }
        return 0;
}

int rest_auth_check_listeners(const json_t *props, char *open_listener,
                              size_t open_listener_size, char *errstr,
                              size_t errstr_size)
{
        const char *listeners = wc_get(props, "listeners");
        const char *cred = wc_get(props, "rest.auth.basic.credentials.file");
        int basic = cred && *cred;
        int mtls = rest_tls_client_auth(props) ==
                   REST_TLS_CLIENT_AUTH_REQUIRED;
        int allow = wc_get_bool(props, "rest.allow.unauthenticated.nonloopback");
        char *list, *save = NULL, *tok;
        int rc = 0;

        if (open_listener_size)
                open_listener[0] = '\0';
        if (!listeners)
                return 0;
        list = strdup(listeners);
        if (!list) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        for (tok = strtok_r(list, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                char host[256];
                int https, port;

                while (*tok == ' ' || *tok == '\t')
                        tok++;
                if (!*tok)
                        continue;
                if (rest_listener_parse(tok, &https, host, sizeof(host),
                                        &port))
                        continue; /* the config check reports it */
                if (basic || (https && mtls) || rest_host_is_loopback(host))
                        continue;
                if (allow) {
                        if (open_listener_size && !open_listener[0])
                                snprintf(open_listener, open_listener_size,
                                         "%s", tok);
                        continue;
                }
                snprintf(errstr, errstr_size,
                         "listener %s is reachable from other hosts but the "
                         "REST API has no authentication: set "
                         "rest.auth.basic.credentials.file (or use https "
                         "with ssl.client.auth=required), listen on a "
                         "loopback address, or set "
                         "rest.allow.unauthenticated.nonloopback=true to "
                         "accept the risk",
                         tok);
                rc = -1;
                break;
        }
        free(list);
        return rc;
}

int rest_security_preflight(const json_t *props, char *errstr,
                            size_t errstr_size)
{
        const char *cred = wc_get(props, "rest.auth.basic.credentials.file");
        const char *listeners = wc_get(props, "listeners");
        char sub[512];

        if (rest_auth_check_listeners(props, NULL, 0, errstr, errstr_size))
                return -1;
        if (cred && *cred) {
                rest_auth_t *a = rest_auth_load(cred, sub, sizeof(sub));
                if (!a) {
                        snprintf(errstr, errstr_size,
                                 "rest.auth.basic.credentials.file: %s", sub);
                        return -1;
                }
                rest_auth_free(a);
        }
        if (listeners && strcasestr(listeners, "https://")) {
                rest_tls_t *t = rest_tls_load(props, errstr, errstr_size);
                if (!t)
                        return -1;
                rest_tls_free(t);
        }
        return 0;
}
