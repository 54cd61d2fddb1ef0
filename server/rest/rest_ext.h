/*
 * rest_ext — what the REST listener serves besides Connect's API, each
 * behind one path prefix and owned by its own module: the Prometheus
 * exposition at /metrics, the console's files under /ui/, the MSK Connect
 * control-plane API under /v1/. rest.c keeps the HTTP part (listeners, TLS,
 * size limits, CORS, reading the body, HTTP Basic) and hands the finished
 * request to the handler, which answers with any content type.
 */
#ifndef CONNECTD_REST_EXT_H
#define CONNECTD_REST_EXT_H

#include <stddef.h>
#include <jansson.h>

typedef struct rest rest_t;

typedef struct rest_xreq {
        const char *method;
        const char *path;      /* as sent, still percent-encoded */
        const char *query;     /* raw, after the '?'; NULL without one */
        const char *body;      /* NUL-terminated; NULL without a body */
        size_t body_len;
        /* The listener's HTTP Basic check passed, or none is configured. */
        int basic_ok;
        /* A request header by name (case-insensitive), or NULL. */
        const char *(*header)(const struct rest_xreq *x, const char *name);
        const void *priv;      /* rest.c's, for header() */
} rest_xreq_t;

#define REST_XRESP_MAX_HEADERS 8

typedef struct rest_xresp {
        unsigned status;           /* 0 = 404 */
        const char *content_type;  /* static string, NULL for none */
        char *body;                /* malloc'd, rest frees it ... */
        const void *static_body;   /* ... or one that outlives the answer */
        size_t body_len;
        const char *hname[REST_XRESP_MAX_HEADERS]; /* static names */
        char *hvalue[REST_XRESP_MAX_HEADERS];      /* malloc'd */
        int nh;
} rest_xresp_t;

/* Runs on a REST thread, many at once. It must not wait on plugin code. */
typedef void (*rest_ext_fn)(void *ctx, const rest_xreq_t *x,
                            rest_xresp_t *out);

typedef struct rest_ext {
        /* "/metrics" takes "/metrics" and "/metrics/..."; a prefix that
         * ends in '/' ("/v1/") takes every path that starts with it. */
        const char *prefix;
        /* 0: a request that fails HTTP Basic gets rest.c's 401 first.
         * 1: the handler is called anyway and decides (x->basic_ok). */
        int own_auth;
        rest_ext_fn fn;
        void *ctx;
} rest_ext_t;

/* Serve `e` (copied) from now on; before, its paths answer 404 like any
 * unknown path. At most REST_MAX_EXT. 0, or -1 when full.
 * @locality main thread, at start-up; ctx must outlive rest_stop */
#define REST_MAX_EXT 8
int rest_add_ext(rest_t *r, const rest_ext_t *e);

/* --- answers --- */
/* A JSON body (stolen) with a status. */
void rest_xresp_json(rest_xresp_t *out, unsigned status, json_t *body);
/* A text body, printf-style, with a content type (static). */
void rest_xresp_text(rest_xresp_t *out, unsigned status,
                     const char *content_type, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* An extra answer header (name static, value copied). */
void rest_xresp_header(rest_xresp_t *out, const char *name,
                       const char *value);
/* The i-th query parameter, percent-decoded ("+" is a space), as key and
 * value (malloc'd, the caller frees both); -1 past the end. */
int rest_xreq_query_at(const rest_xreq_t *x, int i, char **key, char **value);

#endif
