/*
 * mskc_logs — logDelivery.workerLogDelivery.s3 of an MSK Connect
 * connector: that connector's log lines (its [name|task-N] context) go to
 * the bucket and prefix given, through the S3 appender of log shipping
 * (mskconnect.s3.* endpoint and credentials).
 */
#ifndef CONNECTD_MSKC_LOGS_H
#define CONNECTD_MSKC_LOGS_H

#include <stddef.h>
#include <jansson.h>

typedef struct mskc_logs mskc_logs_t;

/* worker_id (may be NULL: the host name) names this worker in the object
 * keys. NULL with err on error. */
mskc_logs_t *mskc_logs_start(const json_t *worker_props, const char *connector,
                             const char *worker_id, const char *bucket,
                             const char *prefix, char *err, size_t errsz);
/* Flush what is pending and stop. NULL is fine. */
void mskc_logs_stop(mskc_logs_t *l);

#endif
