/*
 * sigv4 — AWS Signature Version 4 presigning (see sigv4.h).
 *
 * DESIGN
 * - SHA-256 (FIPS 180-4) and HMAC (RFC 2104) are implemented here so the
 *   worker needs no crypto library of its own; both are checked against
 *   the FIPS / RFC 4231 vectors in the unit tests.
 * - Presigning follows the SigV4 documentation: canonical request
 *   METHOD \n PATH \n SORTED-QUERY \n "host:" HOST \n \n "host" \n
 *   PAYLOAD-HASH; string to sign "AWS4-HMAC-SHA256" \n DATE \n SCOPE \n
 *   hex(SHA-256(canonical request)); key derived from "AWS4"+secret over
 *   date, region, service and "aws4_request". The query keeps every
 *   X-Amz-* parameter (the session token too, signed) so the result is a
 *   complete presigned query string.
 * - Fixed-size stack buffers only; everything is bounded by the caller's
 *   output size. Pure: any thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

/* ---------- SHA-256 ---------- */

typedef struct {
        uint32_t h[8];
        uint64_t bits;
        unsigned char block[64];
        size_t fill;
} sha256_ctx;

static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
        0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
        0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
        0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
        0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
        0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
        0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
        0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_ctx *c, const unsigned char *p)
{
        uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
        int i;

        for (i = 0; i < 16; i++)
                w[i] = (uint32_t)p[4 * i] << 24 |
                       (uint32_t)p[4 * i + 1] << 16 |
                       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
        for (i = 16; i < 64; i++) {
                uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
                              (w[i - 15] >> 3);
                uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
                              (w[i - 2] >> 10);

                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        a = c->h[0];
        b = c->h[1];
        cc = c->h[2];
        d = c->h[3];
        e = c->h[4];
        f = c->h[5];
        g = c->h[6];
        h = c->h[7];
        for (i = 0; i < 64; i++) {
                t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
                     ((e & f) ^ (~e & g)) + K[i] + w[i];
                t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
                     ((a & b) ^ (a & cc) ^ (b & cc));
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = cc;
                cc = b;
                b = a;
                a = t1 + t2;
        }
        c->h[0] += a;
        c->h[1] += b;
        c->h[2] += cc;
        c->h[3] += d;
        c->h[4] += e;
        c->h[5] += f;
        c->h[6] += g;
        c->h[7] += h;
}

static void sha256_init(sha256_ctx *c)
{
        static const uint32_t iv[8] = {
                0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        };

        memcpy(c->h, iv, sizeof(iv));
        c->bits = 0;
        c->fill = 0;
}

static void sha256_update(sha256_ctx *c, const void *data, size_t len)
{
        const unsigned char *p = data;

        c->bits += (uint64_t)len * 8;
        while (len) {
                size_t take = 64 - c->fill < len ? 64 - c->fill : len;

                memcpy(c->block + c->fill, p, take);
                c->fill += take;
                p += take;
                len -= take;
                if (c->fill == 64) {
                        sha256_block(c, c->block);
                        c->fill = 0;
                }
        }
}

static void sha256_final(sha256_ctx *c, unsigned char out[32])
{
        uint64_t bits = c->bits;
        int i;

        c->block[c->fill++] = 0x80;
        if (c->fill > 56) {
                memset(c->block + c->fill, 0, 64 - c->fill);
                sha256_block(c, c->block);
                c->fill = 0;
        }
        memset(c->block + c->fill, 0, 56 - c->fill);
        for (i = 0; i < 8; i++)
                c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
        sha256_block(c, c->block);
        for (i = 0; i < 8; i++) {
                out[4 * i] = (unsigned char)(c->h[i] >> 24);
                out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
                out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
                out[4 * i + 3] = (unsigned char)c->h[i];
        }
}

void sigv4_sha256(const void *data, size_t len, unsigned char out[32])
{
        sha256_ctx c;

        sha256_init(&c);
        sha256_update(&c, data, len);
        sha256_final(&c, out);
}

void sigv4_hmac_sha256(const void *key, size_t key_len, const void *data,
                       size_t len, unsigned char out[32])
{
        unsigned char k[64], pad[64], inner[32];
        sha256_ctx c;
        int i;

        memset(k, 0, sizeof(k));
        if (key_len > 64)
                sigv4_sha256(key, key_len, k);
        else
                memcpy(k, key, key_len);
        for (i = 0; i < 64; i++)
                pad[i] = k[i] ^ 0x36;
        sha256_init(&c);
        sha256_update(&c, pad, 64);
        sha256_update(&c, data, len);
        sha256_final(&c, inner);
        for (i = 0; i < 64; i++)
                pad[i] = k[i] ^ 0x5c;
        sha256_init(&c);
        sha256_update(&c, pad, 64);
        sha256_update(&c, inner, 32);
        sha256_final(&c, out);
}

void sigv4_hex(const unsigned char *p, size_t n, char *out)
{
        static const char hex[] = "0123456789abcdef";
        size_t i;

        for (i = 0; i < n; i++) {
                out[2 * i] = hex[p[i] >> 4];
                out[2 * i + 1] = hex[p[i] & 15];
        }
        out[2 * n] = '\0';
}

/* ---------- presigning ---------- */

int sigv4_uri_encode(char *out, size_t n, size_t *pos, const char *s,
                     int keep_slash)
{
        static const char hex[] = "0123456789ABCDEF";

        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;

                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.' || c == '~' || (keep_slash && c == '/')) {
                        if (*pos + 1 >= n)
                                return -1;
                        out[(*pos)++] = (char)c;
                } else {
                        if (*pos + 3 >= n)
                                return -1;
                        out[(*pos)++] = '%';
                        out[(*pos)++] = hex[c >> 4];
                        out[(*pos)++] = hex[c & 15];
                }
        }
        if (*pos >= n)
                return -1;
        out[*pos] = '\0';
        return 0;
}

#define MAX_PARAMS 32
#define PARAM_MAX 4096 /* one encoded key=value (session tokens are long) */

struct enc_param {
        char *kv;   /* "key=value", encoded */
        size_t klen;
};

static int enc_cmp(const void *a, const void *b)
{
        const struct enc_param *x = a, *y = b;
        size_t n = x->klen < y->klen ? x->klen : y->klen;
        int c = memcmp(x->kv, y->kv, n);

        if (c)
                return c;
        if (x->klen != y->klen)
                return x->klen < y->klen ? -1 : 1;
        return strcmp(x->kv + x->klen, y->kv + y->klen);
}

static int enc_one(struct enc_param *e, const char *k, const char *v)
{
        size_t pos = 0;

        e->kv = malloc(PARAM_MAX);
        if (!e->kv)
                return -1;
        if (sigv4_uri_encode(e->kv, PARAM_MAX, &pos, k, 0))
                return -1;
        e->klen = pos;
        if (pos + 1 >= PARAM_MAX)
                return -1;
        e->kv[pos++] = '=';
        return sigv4_uri_encode(e->kv, PARAM_MAX, &pos, v ? v : "", 0);
}

int sigv4_presign_query(const sigv4_presign_t *p, char *out, size_t n)
{
        struct enc_param ep[MAX_PARAMS];
        char date[9], amzdate[17], scope[256], cred[512], expires[32];
        char hash_hex[65], sig_hex[65], sts[512];
        unsigned char h[32], key[32];
        char keybuf[256];
        sha256_ctx c;
        struct tm tm;
        size_t np = 0, i, pos = 0, len, sts_len;
        int rc = -1, w;

        memset(ep, 0, sizeof(ep));
        if (!p->method || !p->host || !p->path || !p->region ||
            !p->service || !p->access_key_id || !p->secret_access_key ||
            !p->payload_hash || p->nparams + 6 > MAX_PARAMS)
                return -1;
        gmtime_r(&p->when, &tm);
        strftime(date, sizeof(date), "%Y%m%d", &tm);
        strftime(amzdate, sizeof(amzdate), "%Y%m%dT%H%M%SZ", &tm);
        w = snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date,
                     p->region, p->service);
        if (w < 0 || (size_t)w >= sizeof(scope))
                return -1;
        w = snprintf(cred, sizeof(cred), "%s/%s", p->access_key_id, scope);
        if (w < 0 || (size_t)w >= sizeof(cred))
                return -1;
        snprintf(expires, sizeof(expires), "%ld", p->expires);

        for (i = 0; i < p->nparams; i++)
                if (enc_one(&ep[np++], p->params[i].key, p->params[i].value))
                        goto out;
        if (enc_one(&ep[np++], "X-Amz-Algorithm", "AWS4-HMAC-SHA256") ||
            enc_one(&ep[np++], "X-Amz-Credential", cred) ||
            enc_one(&ep[np++], "X-Amz-Date", amzdate) ||
            enc_one(&ep[np++], "X-Amz-Expires", expires) ||
            enc_one(&ep[np++], "X-Amz-SignedHeaders", "host"))
                goto out;
        if (p->session_token && *p->session_token &&
            enc_one(&ep[np++], "X-Amz-Security-Token", p->session_token))
                goto out;
        qsort(ep, np, sizeof(ep[0]), enc_cmp);

        /* The canonical query string goes straight into out; it is also
         * the first part of the result. */
        for (i = 0; i < np; i++) {
                len = strlen(ep[i].kv);
                if (pos + len + 2 >= n)
                        goto out;
                if (i)
                        out[pos++] = '&';
                memcpy(out + pos, ep[i].kv, len);
                pos += len;
        }
        out[pos] = '\0';

        sha256_init(&c);
        sha256_update(&c, p->method, strlen(p->method));
        sha256_update(&c, "\n", 1);
        sha256_update(&c, p->path, strlen(p->path));
        sha256_update(&c, "\n", 1);
        sha256_update(&c, out, pos);
        sha256_update(&c, "\nhost:", 6);
        sha256_update(&c, p->host, strlen(p->host));
        sha256_update(&c, "\n\nhost\n", 7);
        sha256_update(&c, p->payload_hash, strlen(p->payload_hash));
        sha256_final(&c, h);
        sigv4_hex(h, 32, hash_hex);

        w = snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n%s\n%s\n%s",
                     amzdate, scope, hash_hex);
        if (w < 0 || (size_t)w >= sizeof(sts))
                goto out;
        sts_len = (size_t)w;
        w = snprintf(keybuf, sizeof(keybuf), "AWS4%s", p->secret_access_key);
        if (w < 0 || (size_t)w >= sizeof(keybuf))
                goto out;
        sigv4_hmac_sha256(keybuf, (size_t)w, date, strlen(date), key);
        sigv4_hmac_sha256(key, 32, p->region, strlen(p->region), key);
        sigv4_hmac_sha256(key, 32, p->service, strlen(p->service), key);
        sigv4_hmac_sha256(key, 32, "aws4_request", 12, key);
        sigv4_hmac_sha256(key, 32, sts, sts_len, h);
        sigv4_hex(h, 32, sig_hex);
        w = snprintf(out + pos, n - pos, "&X-Amz-Signature=%s", sig_hex);
        if (w < 0 || (size_t)w >= n - pos)
                goto out;
        rc = 0;
out:
        memset(keybuf, 0, sizeof(keybuf));
        memset(key, 0, sizeof(key));
        for (i = 0; i < np; i++)
                free(ep[i].kv);
        return rc;
}
