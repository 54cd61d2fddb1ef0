/*
 * mskc_s3 — the S3-compatible endpoint and credentials of the MSK Connect
 * API's custom plugins and log delivery: worker keys mskconnect.s3.*, with
 * the environment defaults of log shipping (AWS_REGION /
 * AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN). Private to server/mskconnect.
 */
#ifndef CONNECTD_MSKC_S3_H
#define CONNECTD_MSKC_S3_H

#include <stddef.h>
#include <jansson.h>

#include "s3_object.h"

/* Fill *c from the worker config; the strings point into worker_props or
 * the environment (valid while those are). 0, or -1 with err (no
 * credentials). */
int mskc_s3_client(const json_t *worker_props, s3_client_t *c, char *err,
                   size_t errsz);

/* The bucket of "arn:PARTITION:s3:::BUCKET" into out. 0, or -1 with err. */
int mskc_s3_bucket_of_arn(const char *arn, char *out, size_t n, char *err,
                          size_t errsz);

#endif
