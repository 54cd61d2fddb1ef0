/*
 * forward — the REST client one worker uses to pass a request to another
 * (the leader, or a connector's owner), as Java Connect's RestClient does
 * (distributed spec, section 5.2), and the signatures of internal requests
 * (section 5.4).
 */
#ifndef CONNECTD_FORWARD_H
#define CONNECTD_FORWARD_H

#include <stddef.h>

typedef struct forward_result {
        long status;    /* HTTP status; 500 on transport failure */
        char *body;     /* malloc'd response body (JSON), never NULL */
} forward_result_t;

/* Calls base_url (e.g. "http://w2:8083/") + path_and_query with method and
 * body (may be NULL). Headers: Authorization (if non-NULL) copied,
 * Accept and Content-Type application/json, User-Agent kafka-connect, and
 * any extra "Name: value" lines in extra_headers (may be NULL). A
 * transport failure gives status 500 and the body
 * {"error_code":500,"message":"IO Error trying to forward REST request: <detail>"}.
 * TLS settings: forward_request_tls. timeout_ms bounds the whole call.
 * Returns 0 when out holds the peer's answer, -1 when it holds a 500 made
 * here (transport failure, an answer Java would not accept, bad
 * arguments); out must be freed with forward_result_free either way. */
int forward_request(const char *base_url, const char *method,
                    const char *path_and_query, const char *body,
                    const char *authorization, const char *extra_headers,
                    int timeout_ms, forward_result_t *out);
void forward_result_free(forward_result_t *r);

/* TLS of an https base_url (Java: the worker's ssl.* settings on its REST
 * client). PEM text in memory, as rest_tls reads the keystore and
 * truststore. The peer's certificate and host name are always verified. */
typedef struct forward_tls {
        const char *ca_pem;       /* trusted CAs; NULL: the system's */
        const char *cert_pem;     /* client certificate chain; NULL: none */
        const char *key_pem;      /* its private key; NULL: in cert_pem */
        const char *key_password; /* of an encrypted key; may be NULL */
} forward_tls_t;
/* forward_request with tls (may be NULL: forward_request itself). */
int forward_request_tls(const char *base_url, const char *method,
                        const char *path_and_query, const char *body,
                        const char *authorization, const char *extra_headers,
                        const forward_tls_t *tls, int timeout_ms,
                        forward_result_t *out);

/* Adds forward=true (no forward parameter yet) or forward=false (it was
 * true) to a path+query; NULL when the request must not hop again
 * (forward=false given). malloc'd. */
char *forward_next_path(const char *path_and_query);

/* Internal request signatures: base64 of HMAC-SHA256(key, body). 0/-1. */
int forward_sign(const unsigned char *key, size_t keylen, const void *body,
                 size_t bodylen, char *out_b64, size_t out_size);
/* The headers of a signed internal request (Java's
 * InternalRequestSignature) and the one algorithm connectd signs with. */
#define FORWARD_SIGNATURE_HEADER "X-Connect-Authorization"
#define FORWARD_SIGNATURE_ALGORITHM_HEADER \
        "X-Connect-Request-Signature-Algorithm"
#define FORWARD_SIGNATURE_ALGORITHM "HmacSHA256"
/* Both header lines for forward_request's extra_headers, signing body:
 * "X-Connect-Authorization: <b64>\nX-Connect-Request-Signature-Algorithm:
 * HmacSHA256\n". out_size >= 128 is enough. 0/-1. */
int forward_sign_headers(const unsigned char *key, size_t keylen,
                         const void *body, size_t bodylen, char *out,
                         size_t out_size);
/* 1 valid, 0 invalid. Constant-time comparison. */
int forward_verify(const unsigned char *key, size_t keylen, const void *body,
                   size_t bodylen, const char *signature_b64);

/* The session key of internal requests (the config topic's `session-key`
 * record, HmacSHA256): 32 random bytes, and its base64 text. 0/-1. */
#define FORWARD_SESSION_KEY_LEN 32
int forward_session_key_new(unsigned char key[FORWARD_SESSION_KEY_LEN]);
/* out_size >= 4 * ceil(keylen / 3) + 1 (45 for a 32-byte key). */
int forward_key_encode(const unsigned char *key, size_t keylen, char *out_b64,
                       size_t out_size);
/* Strict standard base64; -1 when malformed or longer than key_size. */
int forward_key_decode(const char *b64, unsigned char *key, size_t key_size,
                       size_t *keylen);

#endif
