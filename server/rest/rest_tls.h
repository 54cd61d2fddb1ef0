/*
 * rest_tls — HTTPS for the REST listeners: reads Kafka's PEM keystore and
 * truststore settings, checks them at start-up (errors name the key), hands
 * them to libmicrohttpd (GnuTLS) and enforces ssl.client.auth.
 */
#ifndef CONNECTD_REST_TLS_H
#define CONNECTD_REST_TLS_H

#include <stddef.h>
#include <jansson.h>
#include <microhttpd.h>

typedef enum {
        REST_TLS_CLIENT_AUTH_NONE = 0,
        REST_TLS_CLIENT_AUTH_REQUESTED,
        REST_TLS_CLIENT_AUTH_REQUIRED
} rest_tls_client_auth_t;

typedef struct rest_tls rest_tls_t;

/* An https listener setting, named without prefix ("ssl.keystore.location").
 * Kafka Connect's precedence (SSLUtils, valuesWithPrefixAllOrNothing): when
 * any key starting "listeners.https." is set, only the prefixed keys are
 * read; otherwise only the un-prefixed ssl.* keys. *used (may be NULL)
 * receives the name of the key consulted, for messages (static storage,
 * valid until the next call on this thread). Value, the row's default, or
 * NULL. */
const char *rest_tls_setting(const json_t *props, const char *ssl_key,
                             const char **used);
/* ssl.client.auth resolved as above; -1 when the value is not one of
 * none, requested, required. */
int rest_tls_client_auth(const json_t *props);

/* Load and check the keystore (PEM file or inline chain + key, optional
 * key password) and the truststore. NULL with errstr naming the key on
 * error. Free with rest_tls_free (after the daemons using it stopped). */
rest_tls_t *rest_tls_load(const json_t *props, char *errstr,
                          size_t errstr_size);
void rest_tls_free(rest_tls_t *t);

#define REST_TLS_MAX_OPTIONS 8
/* Fill `opts` (REST_TLS_MAX_OPTIONS items) with the daemon options of an
 * https listener, terminated by MHD_OPTION_END, for MHD_OPTION_ARRAY; the
 * daemon also needs MHD_USE_TLS. `t` must outlive the daemon. */
void rest_tls_mhd_options(rest_tls_t *t, struct MHD_OptionItem *opts);

/* 1 when the connection may be served: not TLS, or its client
 * certificate meets ssl.client.auth (a second check after the handshake's
 * own). @locality MHD request threads. */
int rest_tls_connection_ok(const rest_tls_t *t, struct MHD_Connection *conn);

/* 1 when the connection came in over TLS. */
int rest_tls_is_tls(struct MHD_Connection *conn);

#endif
