/*
 * mskc — the MSK Connect control-plane API (spec mskconnect-api.md) under
 * /v1/ on the REST listener: connectors, custom plugins, worker
 * configurations, connector operations and tags, over the same herder as
 * Connect's REST API.
 */
#ifndef CONNECTD_MSKC_H
#define CONNECTD_MSKC_H

#include <stddef.h>
#include <jansson.h>
#include "herder.h"
#include "rest_ext.h"

typedef struct mskc mskc_t;

struct kafka;
/* Reads the mskconnect.* worker keys; standalone, the resources stored
 * in the SQLite file; distributed (kf needed), those in
 * mskconnect.storage.topic, with every ACTIVE custom plugin revision
 * loaded on this worker before it returns. NULL with errstr on error.
 * @locality main thread, after herder_new, before herder_start */
mskc_t *mskc_start(herder_t *h, struct kafka *kf, const json_t *worker_props,
                   char *errstr, size_t errstr_size);
/* The rest_ext.h handler; ctx is the mskc_t. */
void mskc_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out);
/* After rest_stop. NULL is fine. */
void mskc_stop(mskc_t *m);

#endif
