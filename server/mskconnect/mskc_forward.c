/*
 * mskc_forward — see mskc_forward.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mskc_forward.h"
#include "sigv4.h"

static int sign(const char *secret, long long ts, const char *method,
                const char *path, const char *query, const char *body,
                size_t body_len, char hex[2 * SIGV4_SHA256_LEN + 1])
{
        unsigned char h[SIGV4_SHA256_LEN];
        char bh[2 * SIGV4_SHA256_LEN + 1], *sts = NULL;
        int len;

        sigv4_sha256(body ? body : "", body ? body_len : 0, h);
        sigv4_hex(h, sizeof(h), bh);
        len = asprintf(&sts, "connectd-mskc-forward\n%lld\n%s\n%s\n%s\n%s",
                       ts, method ? method : "", path ? path : "",
                       query ? query : "", bh);
        if (len < 0)
                return -1;
        sigv4_hmac_sha256(secret, strlen(secret), sts, (size_t)len, h);
        sigv4_hex(h, sizeof(h), hex);
        free(sts);
        return 0;
}

int mskc_forward_value(const char *secret, time_t now, const char *method,
                       const char *path, const char *query, const char *body,
                       size_t body_len, char *out, size_t n)
{
        char hex[2 * SIGV4_SHA256_LEN + 1];
        int w;

        if (!secret) {
                w = snprintf(out, n, "%lld", (long long)now);
        } else {
                if (sign(secret, (long long)now, method, path, query, body,
                         body_len, hex))
                        return -1;
                w = snprintf(out, n, "%lld:%s", (long long)now, hex);
        }
        return w < 0 || (size_t)w >= n ? -1 : 0;
}

int mskc_forward_verify(const char *secret, const char *value, time_t now,
                        const char *method, const char *path,
                        const char *query, const char *body,
                        size_t body_len)
{
        char hex[2 * SIGV4_SHA256_LEN + 1], *end;
        long long ts;
        size_t i;
        int diff = 0;

        if (!value || !*value)
                return 0;
        ts = strtoll(value, &end, 10);
        if (end == value)
                return 0;
        if (!secret)
                return *end == '\0' || *end == ':';
        if (*end != ':' || strlen(end + 1) != sizeof(hex) - 1)
                return 0;
        if (ts > (long long)now + MSKC_FORWARD_MAX_SKEW_S ||
            ts < (long long)now - MSKC_FORWARD_MAX_SKEW_S)
                return 0;
        if (sign(secret, ts, method, path, query, body, body_len, hex))
                return 0;
        for (i = 0; i < sizeof(hex) - 1; i++)
                diff |= hex[i] ^ end[1 + i];
        return diff == 0;
}
