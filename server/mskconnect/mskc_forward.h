/*
 * mskc_forward — how one worker of a cluster hands an MSK Connect API
 * write to the leader. The receiving worker has checked the caller
 * (SigV4, or the listener's HTTP Basic, whose Authorization header goes
 * along); it adds MSKC_FORWARD_HEADER, which tells the leader the request
 * was forwarded (serve it here, never forward it again) and, when the
 * workers have mskconnect.secret.access.key, proves it: the value is
 * "<unix time>:<hex HMAC-SHA256(secret, string to sign)>" over the time,
 * method, path, query and the body's SHA-256. Pure, any thread.
 */
#ifndef CONNECTD_MSKC_FORWARD_H
#define CONNECTD_MSKC_FORWARD_H

#include <stddef.h>
#include <time.h>

#define MSKC_FORWARD_HEADER "X-Connectd-Mskc-Forward"
/* How far the forwarded request's time may be from the leader's clock. */
#define MSKC_FORWARD_MAX_SKEW_S 300

/* The header value ("<now>" without a secret). 0, or -1 when out (n
 * bytes, >= 96 is enough) is too small. query/body may be NULL. */
int mskc_forward_value(const char *secret, time_t now, const char *method,
                       const char *path, const char *query, const char *body,
                       size_t body_len, char *out, size_t n);
/* 1 when value is a valid forward signature of the request at `now`
 * (with secret NULL: any well-formed value), else 0. */
int mskc_forward_verify(const char *secret, const char *value, time_t now,
                        const char *method, const char *path,
                        const char *query, const char *body,
                        size_t body_len);

#endif
