/*
 * mskc_s3 — see mskc_s3.h. No state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mskc_s3.h"

static const char *given(const json_t *props, const char *key)
{
        const char *v = json_string_value(json_object_get(props, key));

        return v && *v ? v : NULL;
}

static const char *env(const char *name)
{
        const char *v = getenv(name);

        return v && *v ? v : NULL;
}

int mskc_s3_client(const json_t *props, s3_client_t *c, char *err,
                   size_t errsz)
{
        const char *akid = given(props, "mskconnect.s3.access.key.id");
        const char *secret = given(props, "mskconnect.s3.secret.access.key");

        memset(c, 0, sizeof(*c));
        c->endpoint = given(props, "mskconnect.s3.endpoint");
        c->region = given(props, "mskconnect.s3.region");
        if (!c->region)
                c->region = env("AWS_REGION");
        if (!c->region)
                c->region = env("AWS_DEFAULT_REGION");
        if (!c->region)
                c->region = wc_get(props, "mskconnect.s3.region");
        if (akid || secret) {
                c->access_key_id = akid;
                c->secret_access_key = secret;
        } else {
                /* A session token belongs to the environment's keys. */
                c->access_key_id = env("AWS_ACCESS_KEY_ID");
                c->secret_access_key = env("AWS_SECRET_ACCESS_KEY");
                c->session_token = env("AWS_SESSION_TOKEN");
        }
        c->path_style = 1;
        c->timeout_ms = 30000;
        if (!c->access_key_id || !c->secret_access_key) {
                snprintf(err, errsz,
                         "no S3 credentials: set mskconnect.s3.access.key.id "
                         "and mskconnect.s3.secret.access.key in the worker "
                         "config (or AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY)");
                return -1;
        }
        return 0;
}

int mskc_s3_bucket_of_arn(const char *arn, char *out, size_t n, char *err,
                          size_t errsz)
{
        const char *p, *b;
        size_t i, len;

        if (!arn || strncmp(arn, "arn:", 4) || !(p = strchr(arn + 4, ':')) ||
            strncmp(p, ":s3:::", 6))
                goto bad;
        b = p + 6;
        len = strlen(b);
        /* S3 bucket names: 3..63 of [a-z0-9.-] (older buckets allowed
         * upper case and '_'; accept those too). */
        if (len < 3 || len > 255 || len >= n)
                goto bad;
        for (i = 0; i < len; i++) {
                char ch = b[i];

                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
                      ch == '_'))
                        goto bad;
        }
        memcpy(out, b, len + 1);
        return 0;
bad:
        snprintf(err, errsz, "Invalid bucketArn %s: expected "
                 "arn:aws:s3:::BUCKET", arn ? arn : "(none)");
        return -1;
}
