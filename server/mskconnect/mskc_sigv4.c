/*
 * mskc_sigv4 — see mskc_sigv4.h. The canonical request is built as
 * botocore's SigV4Auth builds it for a rest-json request: the raw path
 * encoded once more, the raw query pairs sorted, the signed headers
 * trimmed, the hex SHA-256 of the body.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mskc_sigv4.h"
#include "sigv4.h"

#define SERVICE "kafkaconnect"

typedef struct qpair {
        char *k;
        char *v;
} qpair_t;

static int qpair_cmp(const void *a, const void *b)
{
        const qpair_t *x = a, *y = b;
        int c = strcmp(x->k, y->k);

        return c ? c : strcmp(x->v, y->v);
}

static int put_query(buf_t *b, const char *query)
{
        qpair_t *p = NULL;
        size_t n = 0, i;
        char *copy, *save = NULL, *tok;
        int rc = -1;

        if (!query || !*query)
                return 0;
        copy = strdup(query);
        if (!copy)
                return -1;
        for (tok = strtok_r(copy, "&", &save); tok;
             tok = strtok_r(NULL, "&", &save)) {
                qpair_t *np = realloc(p, (n + 1) * sizeof(*p));
                char *eq = strchr(tok, '=');

                if (!np)
                        goto cleanup;
                p = np;
                if (eq)
                        *eq = '\0';
                p[n].k = tok;
                p[n].v = eq ? eq + 1 : (char *)"";
                n++;
        }
        qsort(p, n, sizeof(*p), qpair_cmp);
        for (i = 0; i < n; i++)
                if (buf_printf(b, "%s%s=%s", i ? "&" : "", p[i].k, p[i].v))
                        goto cleanup;
        rc = 0;
cleanup:
        free(p);
        free(copy);
        return rc;
}

/* The header value trimmed, inner runs of blanks collapsed. */
static int put_header_value(buf_t *b, const char *v)
{
        int space = 0;

        while (*v == ' ' || *v == '\t')
                v++;
        for (; *v; v++) {
                if (*v == ' ' || *v == '\t') {
                        space = 1;
                        continue;
                }
                if (space && buf_putc(b, ' '))
                        return -1;
                space = 0;
                if (buf_putc(b, *v))
                        return -1;
        }
        return 0;
}

char *mskc_sigv4_canonical(const mskc_sigv4_req_t *r,
                           const char *signed_headers)
{
        buf_t b;
        char *enc = NULL, *hdrs = NULL, *save = NULL, *h;
        size_t enc_sz, pos = 0;
        const char *path = r->path && *r->path ? r->path : "/";
        unsigned char sum[SIGV4_SHA256_LEN];
        char hex[2 * SIGV4_SHA256_LEN + 1];
        const char *ph;

        buf_init(&b, 1 << 20);
        enc_sz = 3 * strlen(path) + 1;
        enc = malloc(enc_sz);
        hdrs = strdup(signed_headers);
        if (!enc || !hdrs || sigv4_uri_encode(enc, enc_sz, &pos, path, 1))
                goto fail;
        enc[pos] = '\0';
        if (buf_printf(&b, "%s\n%s\n", r->method, enc) ||
            put_query(&b, r->query) || buf_putc(&b, '\n'))
                goto fail;
        for (h = strtok_r(hdrs, ";", &save); h; h = strtok_r(NULL, ";", &save)) {
                const char *v = r->header(r->ctx, h);

                if (!v || buf_printf(&b, "%s:", h) || put_header_value(&b, v) ||
                    buf_putc(&b, '\n'))
                        goto fail;
        }
        ph = r->header(r->ctx, "x-amz-content-sha256");
        if (!ph) {
                sigv4_sha256(r->body ? r->body : "", r->body ? r->body_len : 0,
                             sum);
                sigv4_hex(sum, sizeof(sum), hex);
                ph = hex;
        }
        if (buf_printf(&b, "\n%s\n%s", signed_headers, ph) || buf_putc(&b, '\0'))
                goto fail;
        free(enc);
        free(hdrs);
        return b.data;
fail:
        free(enc);
        free(hdrs);
        buf_free(&b);
        return NULL;
}

/* Copies the value of "Name=" up to ',' (or the end) of an Authorization
 * header into out. 0, or -1 when absent or too long. */
static int auth_field(const char *auth, const char *name, char *out, size_t n)
{
        const char *p = auth;
        size_t nl = strlen(name), len;

        while ((p = strstr(p, name))) {
                if ((p == auth || p[-1] == ' ' || p[-1] == ',') &&
                    p[nl] == '=') {
                        p += nl + 1;
                        len = strcspn(p, ", ");
                        if (len == 0 || len >= n)
                                return -1;
                        memcpy(out, p, len);
                        out[len] = '\0';
                        return 0;
                }
                p += nl;
        }
        return -1;
}

static time_t amz_date_parse(const char *s)
{
        struct tm tm = { 0 };
        int i;

        if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
                return (time_t)-1;
        for (i = 0; i < 15; i++)
                if (i != 8 && !isdigit((unsigned char)s[i]))
                        return (time_t)-1;
        if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon,
                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
                return (time_t)-1;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        return timegm(&tm);
}

/* Is `tok` one of the ';'-separated names of list? */
static int has_token(const char *list, const char *tok)
{
        size_t n = strlen(tok);
        const char *p = list;

        while (*p) {
                size_t len = strcspn(p, ";");

                if (len == n && !strncmp(p, tok, n))
                        return 1;
                p += len;
                if (*p == ';')
                        p++;
        }
        return 0;
}

static int ct_equal(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b), i;
        unsigned char d = 0;

        if (la != lb)
                return 0;
        for (i = 0; i < la; i++)
                d |= (unsigned char)(a[i] ^ b[i]);
        return d == 0;
}

static void fmt_utc(time_t t, char *out, size_t n)
{
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
}

mskc_sigv4_rc_t mskc_sigv4_verify(const mskc_sigv4_req_t *r, const char *akid,
                                  const char *secret, time_t now, char *msg,
                                  size_t msgsz)
{
        const char *auth = r->header(r->ctx, "authorization");
        const char *date = r->header(r->ctx, "x-amz-date");
        char cred[512], sh[1024], sig[128], ak[256], day[16], region[64],
                svc[64], term[32], scope[256], hex[2 * SIGV4_SHA256_LEN + 1],
                now_s[32];
        unsigned char k[SIGV4_SHA256_LEN], sum[SIGV4_SHA256_LEN];
        char *canon = NULL, *sts = NULL, *keyseed = NULL;
        time_t t;
        mskc_sigv4_rc_t rc;

        if (!auth) {
                snprintf(msg, msgsz, "Missing Authentication Token");
                return MSKC_SIGV4_MISSING;
        }
        if (strncmp(auth, "AWS4-HMAC-SHA256 ", 17) ||
            auth_field(auth + 17, "Credential", cred, sizeof(cred)) ||
            auth_field(auth + 17, "SignedHeaders", sh, sizeof(sh)) ||
            auth_field(auth + 17, "Signature", sig, sizeof(sig))) {
                snprintf(msg, msgsz, "Authorization header requires "
                         "'Credential', 'Signature' and 'SignedHeaders' "
                         "parameters. Authorization=%.200s", auth);
                return MSKC_SIGV4_INCOMPLETE;
        }
        if (sscanf(cred, "%255[^/]/%15[^/]/%63[^/]/%63[^/]/%31s", ak, day,
                   region, svc, term) != 5 || strcmp(term, "aws4_request")) {
                snprintf(msg, msgsz, "Credential should be scoped to a valid "
                         "region, service and terminated by 'aws4_request'. "
                         "Credential=%.200s", cred);
                return MSKC_SIGV4_INCOMPLETE;
        }
        if (strcmp(svc, SERVICE)) {
                snprintf(msg, msgsz, "Credential should be scoped to correct "
                         "service: '%s'.", SERVICE);
                return MSKC_SIGV4_INCOMPLETE;
        }
        if (!date || (t = amz_date_parse(date)) == (time_t)-1) {
                snprintf(msg, msgsz, "Authorization header requires existence "
                         "of either a 'X-Amz-Date' or a 'Date' header.");
                return MSKC_SIGV4_INCOMPLETE;
        }
        if (strncmp(day, date, 8) || strlen(day) != 8) {
                snprintf(msg, msgsz, "Date in Credential scope does not match "
                         "YYYYMMDD from ISO-8601 version of date from HTTP: "
                         "'%s' != '%.8s'", day, date);
                return MSKC_SIGV4_MISMATCH;
        }
        if (!has_token(sh, "host") || !has_token(sh, "x-amz-date")) {
                snprintf(msg, msgsz, "'Host' and 'X-Amz-Date' must be signed "
                         "headers. SignedHeaders=%.200s", sh);
                return MSKC_SIGV4_INCOMPLETE;
        }
        if (!akid || strcmp(ak, akid)) {
                snprintf(msg, msgsz, "The security token included in the "
                         "request is invalid.");
                return MSKC_SIGV4_UNKNOWN_KEY;
        }
        if (t > now + MSKC_SIGV4_MAX_SKEW_S || t < now - MSKC_SIGV4_MAX_SKEW_S) {
                char lo[32], hi[32];

                fmt_utc(now, now_s, sizeof(now_s));
                fmt_utc(now - MSKC_SIGV4_MAX_SKEW_S, lo, sizeof(lo));
                fmt_utc(now + MSKC_SIGV4_MAX_SKEW_S, hi, sizeof(hi));
                snprintf(msg, msgsz, "Signature expired: %s is now %s %s "
                         "(%s - 15 min.)", date,
                         t < now ? "earlier than" : "later than",
                         t < now ? lo : hi, now_s);
                return MSKC_SIGV4_EXPIRED;
        }
        canon = mskc_sigv4_canonical(r, sh);
        if (!canon) {
                snprintf(msg, msgsz, "The request signature we calculated "
                         "does not match the signature you provided: a signed "
                         "header is missing.");
                return MSKC_SIGV4_INCOMPLETE;
        }
        sigv4_sha256(canon, strlen(canon), sum);
        sigv4_hex(sum, sizeof(sum), hex);
        snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", day, region,
                 SERVICE);
        if (asprintf(&sts, "AWS4-HMAC-SHA256\n%s\n%s\n%s", date, scope,
                     hex) < 0 ||
            asprintf(&keyseed, "AWS4%s", secret ? secret : "") < 0) {
                sts = keyseed = NULL;
                snprintf(msg, msgsz, "out of memory");
                rc = MSKC_SIGV4_MISMATCH;
                goto cleanup;
        }
        sigv4_hmac_sha256(keyseed, strlen(keyseed), day, strlen(day), k);
        sigv4_hmac_sha256(k, sizeof(k), region, strlen(region), k);
        sigv4_hmac_sha256(k, sizeof(k), SERVICE, strlen(SERVICE), k);
        sigv4_hmac_sha256(k, sizeof(k), "aws4_request", 12, k);
        sigv4_hmac_sha256(k, sizeof(k), sts, strlen(sts), sum);
        sigv4_hex(sum, sizeof(sum), hex);
        if (!ct_equal(hex, sig)) {
                snprintf(msg, msgsz, "The request signature we calculated "
                         "does not match the signature you provided. Check "
                         "your AWS Secret Access Key and signing method. "
                         "Consult the service documentation for details.");
                rc = MSKC_SIGV4_MISMATCH;
                goto cleanup;
        }
        rc = MSKC_SIGV4_OK;
cleanup:
        if (keyseed)
                memset(keyseed, 0, strlen(keyseed));
        free(keyseed);
        free(sts);
        free(canon);
        return rc;
}
