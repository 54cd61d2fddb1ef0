/*
 * mskc_sigv4 — verifying the AWS SigV4 signature of an MSK Connect API
 * request (Authorization header form, as the AWS CLI and SDKs sign it for
 * service "kafkaconnect"). Pure: no I/O, any thread.
 */
#ifndef CONNECTD_MSKC_SIGV4_H
#define CONNECTD_MSKC_SIGV4_H

#include <stddef.h>
#include <time.h>

/* How far X-Amz-Date may be from the worker's clock. */
#define MSKC_SIGV4_MAX_SKEW_S (15 * 60)

typedef struct mskc_sigv4_req {
        const char *method;
        const char *path;        /* raw, as sent (still percent-encoded) */
        const char *query;       /* raw, after '?'; NULL or "" for none */
        const char *body;        /* NULL for none */
        size_t body_len;
        /* A header by lower-case name, or NULL. */
        const char *(*header)(void *ctx, const char *name);
        void *ctx;
} mskc_sigv4_req_t;

typedef enum {
        MSKC_SIGV4_OK = 0,
        MSKC_SIGV4_MISSING,      /* no Authorization header */
        MSKC_SIGV4_INCOMPLETE,   /* malformed Authorization or X-Amz-Date */
        MSKC_SIGV4_UNKNOWN_KEY,  /* access key id not ours */
        MSKC_SIGV4_EXPIRED,      /* clock skew too large */
        MSKC_SIGV4_MISMATCH      /* signature differs */
} mskc_sigv4_rc_t;

/* Checks r against (akid, secret) at `now`. msg (AWS's wording) says why
 * when the result is not MSKC_SIGV4_OK. */
mskc_sigv4_rc_t mskc_sigv4_verify(const mskc_sigv4_req_t *r, const char *akid,
                                  const char *secret, time_t now, char *msg,
                                  size_t msgsz);

/* The canonical request r would have with `signed_headers` (";"-joined,
 * lower case), malloc'd; NULL when a signed header is missing. */
char *mskc_sigv4_canonical(const mskc_sigv4_req_t *r,
                           const char *signed_headers);

#endif
