/*
 * rest_metrics — GET /metrics, the worker's metrics in the Prometheus text
 * exposition format (rest_ext.h handler; ctx is the herder).
 */
#ifndef CONNECTD_REST_METRICS_H
#define CONNECTD_REST_METRICS_H

#include "rest_ext.h"

void rest_metrics_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out);

#endif
