/*
 * s3_object — one-shot requests to an S3-compatible endpoint, signed with
 * AWS SigV4 the way log shipping signs its uploads (log_s3.c, which
 * implements this). For other modules that read from the same kind of
 * store (MSK Connect custom plugins).
 */
#ifndef CONNECTD_S3_OBJECT_H
#define CONNECTD_S3_OBJECT_H

#include <stddef.h>

typedef struct s3_client {
        const char *endpoint;      /* NULL/"": https://s3.<region>.amazonaws.com */
        const char *region;        /* NULL/"": us-east-1 */
        const char *access_key_id;
        const char *secret_access_key;
        const char *session_token; /* NULL/"": none */
        int path_style;
        long long timeout_ms;      /* <= 0: 30 s */
} s3_client_t;

/* GET s3://bucket/key (version_id NULL/"": the latest) into *out
 * (malloc'd, caller frees; *out_len bytes). An object larger than
 * max_bytes is refused. Blocks on the network. 0, or -1 with a sentence
 * in errstr. @locality any thread */
int s3_get_object(const s3_client_t *c, const char *bucket, const char *key,
                  const char *version_id, size_t max_bytes,
                  unsigned char **out, size_t *out_len, char *errstr,
                  size_t errstr_size);

#endif
