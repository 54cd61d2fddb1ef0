/*
 * rest_ui — the web console: its static files, carried inside the binary,
 * under /ui/ (rest_ext.h handler; ctx unused).
 */
#ifndef CONNECTD_REST_UI_H
#define CONNECTD_REST_UI_H

#include "rest_ext.h"

void rest_ui_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out);

#endif
