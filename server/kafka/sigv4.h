/*
 * sigv4 — AWS Signature Version 4 pieces: SHA-256, HMAC-SHA256, SigV4's URI
 * encoding, and query-string presigning (the "presigned URL" form, every
 * auth parameter in the query, as aws-sdk PresignHTTP / botocore
 * SigV4QueryAuth produce it). Pure functions, no I/O, any thread.
 *
 * (S3 log shipping signs its PUTs with libcurl's CURLOPT_AWS_SIGV4, header
 * form; curl has no presigning, hence this file.)
 */
#ifndef CONNECTD_SIGV4_H
#define CONNECTD_SIGV4_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIGV4_SHA256_LEN 32

void sigv4_sha256(const void *data, size_t len,
                  unsigned char out[SIGV4_SHA256_LEN]);
void sigv4_hmac_sha256(const void *key, size_t key_len, const void *data,
                       size_t len, unsigned char out[SIGV4_SHA256_LEN]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void sigv4_hex(const unsigned char *p, size_t n, char *out);

/* SigV4 URI encoding of s (unreserved A-Z a-z 0-9 - _ . ~ kept, the rest
 * %XX upper-case; '/' kept only when keep_slash) appended to out at *pos.
 * 0, or -1 when out (n bytes) is too small. */
int sigv4_uri_encode(char *out, size_t n, size_t *pos, const char *s,
                     int keep_slash);

typedef struct sigv4_param {
        const char *key;
        const char *value;
} sigv4_param_t;

typedef struct sigv4_presign {
        const char *method;       /* "GET" */
        const char *host;         /* signed as the only header, "host" */
        const char *path;         /* absolute, already URI-encoded: "/" */
        const sigv4_param_t *params; /* the request's own query params */
        size_t nparams;
        const char *region;
        const char *service;
        const char *access_key_id;
        const char *secret_access_key;
        const char *session_token; /* NULL or "": none */
        time_t when;              /* signing time, UTC epoch seconds */
        long expires;             /* X-Amz-Expires, seconds */
        const char *payload_hash; /* hex SHA-256, or "UNSIGNED-PAYLOAD" */
} sigv4_presign_t;

/* Presigns p: writes into out the query string, the request's params and
 * the X-Amz-* ones sorted and encoded as in the canonical request, with
 * "&X-Amz-Signature=<hex>" last. 0, or -1 when out (n bytes) is too small
 * or an input is missing. */
int sigv4_presign_query(const sigv4_presign_t *p, char *out, size_t n);

#endif
