/*
 * mskc_logs — logDelivery.workerLogDelivery.s3 of an MSK Connect connector.
 *
 * DESIGN
 * - One per-connector S3 appender of the log module (log_ctx_s3_add):
 *   the lines whose context is "<connector>|worker" or
 *   "<connector>|task-N" go, as gzip batches like log shipping's, to
 *     s3://<bucket>/<prefix>/<connector>-<worker>/YYYY/MM/DD/HH/<ms>-<seq>.log.gz
 *   (<worker> is the worker id with every character other than
 *   [A-Za-z0-9.-] as '_', or the host name without one: two workers of
 *   a cluster, even on one host, never write the same key), on the
 *   mskconnect.s3.* endpoint with its credentials.
 * - mskc_logs_stop detaches the appender and ships what it holds (bounded
 *   by the log module's stop deadline).
 * Owns the appender handle; any thread; blocks only in stop.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mskc_logs.h"
#include "mskc_s3.h"

struct mskc_logs {
        log_ctx_s3_t *sink;
};

mskc_logs_t *mskc_logs_start(const json_t *worker_props, const char *connector,
                             const char *worker_id, const char *bucket,
                             const char *prefix, char *err, size_t errsz)
{
        s3_client_t c;
        char pre[1100], name[400], host[128] = "";
        mskc_logs_t *l;
        size_t pl;

        if (!connector || !*connector || !bucket || !*bucket) {
                snprintf(err, errsz, "log delivery needs a connector and a "
                         "bucket");
                return NULL;
        }
        if (mskc_s3_client(worker_props, &c, err, errsz))
                return NULL;
        /* The prefix is a folder: "logs" and "logs/" both mean logs/... */
        pl = prefix ? strlen(prefix) : 0;
        snprintf(pre, sizeof(pre), "%s%s", pl ? prefix : "",
                 pl && prefix[pl - 1] != '/' ? "/" : "");
        if (worker_id && *worker_id) {
                size_t i;

                /* host:port -> host_port: one safe key segment. */
                snprintf(host, sizeof(host), "%s", worker_id);
                for (i = 0; host[i]; i++)
                        if (!isalnum((unsigned char)host[i]) &&
                            host[i] != '.' && host[i] != '-')
                                host[i] = '_';
        } else if (gethostname(host, sizeof(host) - 1)) {
                snprintf(host, sizeof(host), "connectd");
        }
        snprintf(name, sizeof(name), "%s-%s", connector, host);
        if (!(l = calloc(1, sizeof(*l)))) {
                snprintf(err, errsz, "out of memory");
                return NULL;
        }
        l->sink = log_ctx_s3_add(worker_props, connector, &c, bucket, pre,
                                 name, err, errsz);
        if (!l->sink) {
                free(l);
                return NULL;
        }
        return l;
}

void mskc_logs_stop(mskc_logs_t *l)
{
        if (!l)
                return;
        log_ctx_s3_remove(l->sink);
        free(l);
}
