/*
 * rest_auth — who may talk to the REST API: HTTP Basic authentication
 * against a credentials file (in the spirit of Kafka Connect's
 * BasicAuthSecurityRestExtension with a JAAS PropertyFileLoginModule file),
 * and the start-up rule that a listener reachable from other hosts needs
 * some authentication.
 */
#ifndef CONNECTD_REST_AUTH_H
#define CONNECTD_REST_AUTH_H

#include <stddef.h>
#include <jansson.h>

/* The realm sent in WWW-Authenticate. */
#define REST_AUTH_CHALLENGE "Basic realm=\"connectd\""
/* Connect's JaasBasicAuthFilter message for a refused request. */
#define REST_AUTH_DENIED "User cannot access the resource."

typedef struct rest_auth rest_auth_t;

/* Parse a credentials file's text: one `user: password` or
 * `user=password` per line (the first ':' or '=' separates; blanks around
 * both parts are dropped), `#` or `!` starts a comment line, blank lines
 * are skipped. A password written `sha256:<64 hex digits>` is the SHA-256
 * of the real password. A later line for the same user replaces the
 * earlier one. NULL with errstr (naming the line) on a malformed line.
 * The caller frees with rest_auth_free. */
rest_auth_t *rest_auth_parse(const char *text, size_t len, char *errstr,
                             size_t errstr_size);
/* Read and parse the file at path (at most 1 MiB). */
rest_auth_t *rest_auth_load(const char *path, char *errstr,
                            size_t errstr_size);
void rest_auth_free(rest_auth_t *a);
/* Number of users. */
size_t rest_auth_count(const rest_auth_t *a);
/* 1 when user/password match an entry. Compares SHA-256 digests in
 * constant time against every entry (no early exit). */
int rest_auth_check(const rest_auth_t *a, const char *user,
                    const char *password);

/* Decode an Authorization header value "Basic <base64(user:password)>"
 * (scheme case-insensitive; padding optional). On success 0 and malloc'd
 * *user and *password (the caller frees both); -1 for anything else: other
 * scheme, bad base64, no ':', a NUL byte in the decoded text. */
int rest_auth_decode_basic(const char *header, char **user, char **password);

/* 1 when the Authorization header value carries credentials accepted by
 * `a`. */
int rest_auth_header_ok(const rest_auth_t *a, const char *header);

/* --- listeners --- */

/* Split one listener URL "http://HOST:PORT" or "https://HOST:PORT" (HOST
 * may be empty = all interfaces, or a bracketed IPv6 literal; a trailing
 * '/' is tolerated). 0, or -1 when malformed. */
int rest_listener_parse(const char *url, int *https, char *host,
                        size_t host_size, int *port);
/* 1 when a listener on `host` is reachable only from this machine:
 * 127.0.0.0/8, ::1, ::ffff:127.x.x.x, "localhost". Empty, 0.0.0.0, :: and
 * every other name are not. */
int rest_host_is_loopback(const char *host);

/* The start-up rule: every listener on a non-loopback address must have
 * authentication (rest.auth.basic.credentials.file, or https with
 * ssl.client.auth=required) unless rest.allow.unauthenticated.nonloopback
 * is true. Does not bind or resolve anything. 0 when the listeners may
 * start (*open_listener then names the first unauthenticated
 * non-loopback listener allowed by the opt-out, or is empty); -1 with
 * errstr otherwise. */
int rest_auth_check_listeners(const json_t *props, char *open_listener,
                              size_t open_listener_size, char *errstr,
                              size_t errstr_size);

/* Everything the REST server will refuse at start, checked without
 * binding: rest_auth_check_listeners, the credentials file, and the https
 * keystore/truststore when a listener is https. For a clear error before
 * the rest of the worker starts. 0, or -1 with errstr. */
int rest_security_preflight(const json_t *props, char *errstr,
                            size_t errstr_size);

#endif
