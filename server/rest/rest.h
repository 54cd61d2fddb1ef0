/*
 * rest — the Kafka Connect REST API over libmicrohttpd (spec
 * connect-rest-api.md). Parses and checks requests, asks the herder, maps
 * herder_err_t to HTTP status and Connect's {"error_code","message"}.
 * The only module that knows about HTTP.
 */
#ifndef CONNECTD_REST_H
#define CONNECTD_REST_H

#include <stdarg.h>
#include <stddef.h>
#include <jansson.h>
#include "herder.h"

typedef struct rest rest_t;

/* Start listening on every URL of the worker's `listeners` (default
 * http://127.0.0.1:8083; port 0 = ephemeral; a host in brackets or an IPv6
 * literal listens on IPv6; https:// with the ssl.* keys of rest_tls.h;
 * HTTP Basic when rest.auth.basic.credentials.file is set, and the
 * non-loopback rule of rest_auth.h). Also reads rest.request.max.bytes (default
 * 1 MiB), topic.tracking.enable and topic.tracking.allow.reset. `h` may be
 * NULL (GET /health then answers 503 "starting"); worker_props is kept by
 * reference and must outlive the server. NULL with errstr on error. */
rest_t *rest_start(herder_t *h, const json_t *worker_props, char *errstr,
                   size_t errstr_size);
/* The port the first listener actually bound. */
int rest_port(const rest_t *r);
/* Stop accepting, finish running requests, free. NULL is fine. */
void rest_stop(rest_t *r);

/* The route table, for the OpenAPI consistency test and docs: the i-th
 * route's method ("GET", ...) and pattern ("/connectors/{connector}");
 * returns -1 past the end. */
int rest_route_at(size_t i, const char **method, const char **pattern);

/* One request through the checks and the router without a connection (for
 * tests and fuzzing): method, raw request target (path?query), request
 * headers as name/value pairs ending with NULL (may be NULL), body. Returns
 * the HTTP status; *out gets the answer body (malloc'd, NULL for none).
 * @locality any thread, like a request handler */
unsigned rest_handle(rest_t *r, const char *method, const char *target,
                     const char *const *headers, const char *body,
                     size_t body_len, char **out);

/* --- helpers, exported for unit tests --- */

/* Percent-decode n bytes of s (path segment: '+' stays '+'; query:
 * plus_is_space=1). Returns a malloc'd NUL-terminated string, or NULL when
 * the result would contain a NUL byte. */
char *rest_percent_decode(const char *s, size_t n, int plus_is_space);
/* n bytes of s as valid UTF-8: a byte that does not start a well-formed
 * sequence (and a NUL) becomes U+FFFD. malloc'd; *replaced (may be NULL)
 * tells whether anything was replaced. */
char *rest_utf8_sanitize(const char *s, size_t n, int *replaced);
/* Connect's error body {"error_code":status,"message":...}; the message is
 * always there, made valid UTF-8 whatever the arguments hold. */
json_t *rest_error_body(unsigned status, const char *fmt, va_list ap);
/* Percent-encode one path segment (unreserved characters kept). */
char *rest_url_escape(const char *s);
/* Java-style boolean query value: only a case-insensitive "true" is true. */
int rest_java_bool(const char *v);
/* Connect's Map<String,String> from a JSON object: numbers and booleans
 * become strings, null is kept when keep_null (else: error), an object or
 * array is an error. NULL with a Jackson-like message in errstr. */
json_t *rest_config_coerce(const json_t *in, int keep_null, char *errstr,
                           size_t errstr_size);

#endif
