/*
 * rest — the Kafka Connect REST API (spec connect-rest-api.md) on
 * libmicrohttpd.
 *
 * DESIGN
 *   - One MHD daemon per listener, each with an internal pool of
 *     REST_THREADS epoll threads. Handlers run on those threads and only
 *     ever call the herder (thread-safe, never blocks on plugin code), the
 *     plugin registry (read-only after start-up), the validator (pure) and
 *     the logger. No state of ours is shared between requests except the
 *     immutable rest_t.
 *   - Routes are rows of `routes[]` (method, pattern, handler). Patterns
 *     have literal segments and `{name}` captures. We take the raw URL
 *     (MHD's unescaping is switched off) so that a `%2F` inside a connector
 *     name cannot split the path; each segment is percent-decoded after
 *     matching. A trailing slash is tolerated. Unknown path → 404, known
 *     path with another method → 405, both with Connect's error body.
 *   - Bodies are accumulated up to rest.request.max.bytes; a bigger body is
 *     drained (or refused before upload when the client asked for
 *     100-continue) and answered 413. A body without the Content-Type
 *     application/json is 415 (so a page cannot post a "simple" body).
 *     Cross-origin requests: see cors_check. Malformed JSON is 400 with jansson's message and position.
 *   - Denial of service: the soft RLIMIT_NOFILE is raised to the hard one
 *     and the listeners take as many connections as descriptors allow (at
 *     most REST_MAX_CONNECTIONS, half of them from one address); idle ones
 *     close after REST_IDLE_TIMEOUT_S. The query is parsed here, not in
 *     libmicrohttpd's per-connection memory (on_uri); a request target over
 *     REST_MAX_URI is 414, headers over REST_MAX_HEADER_BYTES /
 *     REST_MAX_HEADERS are 431, always answered (answer_oversized).
 *   - Only this file turns herder_err_t into HTTP statuses.
 *   - Every answer is application/json; every error is
 *     {"error_code":N,"message":"..."} with N = the HTTP status. The
 *     message is never lost: bytes that are not UTF-8 (a %FF in a name, a
 *     sentence cut mid-character) become U+FFFD, as Java's decoders do.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "rest.h"
#include "config.h"
#include "config_providers.h"
#include "connector_check.h"
#include "converter.h"
#include "forward.h"
#include "javafmt.h"
#include "log.h"
#include "plugins.h"
#include "rest_auth.h"
#include "rest_ext.h"
#include "metrics.h"
#include "rest_tls.h"
#include "transform.h"
#include "validate.h"

#define REST_MAX_LISTENERS 4
#define REST_THREADS       4
#define REST_MAX_SEGS      8
#define REST_MAX_QUERY     64
#define REST_DEFAULT_LISTENER "http://127.0.0.1:8083"
#define REST_DEFAULT_MAX_BODY (1024 * 1024)
/* A body over the limit is drained (so the client can read our 413) but
 * only up to this many times the limit; then the connection is dropped. */
#define REST_DRAIN_FACTOR  64
/* Request line and headers: we answer 414 / 431 past these (Jetty does
 * too). libmicrohttpd reads both into a per-connection memory pool and
 * answers 414/431 itself when they do not fit; but a request that just
 * fits leaves no room in the pool for any answer, and the connection is
 * closed unanswered. So the pool is several times what we accept, and our
 * own 414/431 is written straight to the socket (see answer_oversized). */
#define REST_MAX_URI          (16 * 1024)
#define REST_MAX_HEADER_BYTES (32 * 1024)
#define REST_MAX_HEADERS      128
#define REST_CONN_MEMORY      (160 * 1024)
/* Connections: as many as the descriptor limit allows (minus a reserve for
 * Kafka, SQLite, plugins), at most this; half of them from one address. */
#define REST_MAX_CONNECTIONS  16384
#define REST_FD_RESERVE       512
/* Idle connections are closed after this (Jetty's default idle timeout). */
#define REST_IDLE_TIMEOUT_S   30
#define CONNECT_VERSION    "3.9.0"

#ifndef CONNECTD_COMMIT
#define CONNECTD_COMMIT "unknown"
#endif
#ifndef CONNECTD_VERSION
#define CONNECTD_VERSION "0.0.0"
#endif

struct rest {
        struct MHD_Daemon *d[REST_MAX_LISTENERS];
        int nd;
        int port;
        herder_t *h;
        const json_t *props;
        size_t max_body;
        int tracking, tracking_reset;
        logger_t *lg;
        rest_auth_t *auth;         /* NULL: no authentication */
        rest_tls_t *tls;           /* NULL: no https listener */
        /* access.control.allow.origin / .methods (NULL: CORS off) */
        const char *cors_origins;
        const char *cors_methods;
        /* rest_ext.h: written before next is published (release) */
        rest_ext_t ext[REST_MAX_EXT];
        int next;
};

#define REST_MAX_RESP_HEADERS 8
/* A forwarded request waits for the leader's durable write. */
#define REST_FORWARD_TIMEOUT_MS 60000

typedef struct req {
        rest_t *rest;
        struct MHD_Connection *conn;
        const char *method;
        char *url;                 /* raw path */
        char *query;               /* raw query (after '?'), or NULL */
        int started;               /* the handler saw this request */
        int uri_len;               /* length of the request target */
        /* body */
        char *body;
        size_t body_len, body_cap, seen;
        int too_big;
        int responded;             /* answered early (413 before upload) */
        /* routing */
        char *cap[REST_MAX_SEGS];  /* decoded captures */
        int ncap;
        unsigned cap_bad;          /* bit i: capture i was not UTF-8 */
        char *qk[REST_MAX_QUERY], *qv[REST_MAX_QUERY];
        int nq;
        /* answer */
        unsigned status;
        json_t *resp;              /* body, or NULL for none */
        char *resp_text;           /* or a JSON body already written */
        size_t resp_len;
        char *location;
        /* extra answer headers (CORS); names static, values owned */
        const char *rh_name[REST_MAX_RESP_HEADERS];
        char *rh_value[REST_MAX_RESP_HEADERS];
        int nrh;
        /* without a connection (rest_handle): request headers, name/value
         * pairs, NULL-terminated; not owned */
        const char *const *hdrs;
        /* a path of rest_ext.h: its handler and answer */
        const rest_ext_t *ext;
        int basic_ok;
        rest_xresp_t xr;
} req_t;

typedef void (*handler_fn)(req_t *q);

typedef struct route {
        const char *method;
        const char *pattern;
        handler_fn fn;
        int needs_herder;
        /* distributed mode: who serves it (spec section 5.1); for
         * HERDER_ROUTE_OWNER, the {task} capture names the task */
        herder_route_t where;
} route_t;

/* ------------------------------------------------------------------ */
/* Helpers */

/* A request header (case-insensitive name), or NULL. */
static const char *req_header(const req_t *q, const char *name)
{
        if (q->conn)
                return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
                                                   name);
        for (const char *const *h = q->hdrs; h && h[0] && h[1]; h += 2)
                if (!strcasecmp(h[0], name))
                        return h[1];
        return NULL;
}

/* Add an answer header; the value is copied. */
static void req_add_header(req_t *q, const char *name, const char *value)
{
        if (q->nrh == REST_MAX_RESP_HEADERS)
                return;
        char *v = strdup(value);
        if (!v)
                return;
        q->rh_name[q->nrh] = name;
        q->rh_value[q->nrh++] = v;
}

int rest_java_bool(const char *v)
{
        return v && !strcasecmp(v, "true");
}

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c = tolower(c);
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

char *rest_percent_decode(const char *s, size_t n, int plus_is_space)
{
        char *out = malloc(n + 1);
        size_t o = 0;

        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                int c = (unsigned char)s[i];
                if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
                    hexval(s[i + 2]) >= 0) {
                        c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
                        i += 2;
                } else if (c == '+' && plus_is_space) {
                        c = ' ';
                }
                if (c == 0) {
                        free(out);
                        return NULL;
                }
                out[o++] = (char)c;
        }
        out[o] = '\0';
        return out;
}

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0
 * when it is not one (overlong, surrogate, past U+10FFFF, cut short) --
 * the same rules jansson applies to strings. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
        unsigned c = s[0], cp;
        size_t len;

        if (c < 0x80)
                return 1;
        if (c >= 0xC2 && c <= 0xDF) {
                len = 2;
                cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
                len = 3;
                cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
                len = 4;
                cp = c & 0x07;
        } else {
                return 0;
        }
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
                return 0;
        return len;
}

char *rest_utf8_sanitize(const char *s, size_t n, int *replaced)
{
        /* each bad byte grows into 3 (U+FFFD) */
        char *out = malloc(n * 3 + 1);
        size_t o = 0;

        if (replaced)
                *replaced = 0;
        if (!out)
                return NULL;
        for (size_t i = 0; i < n;) {
                size_t len = utf8_seq_len((const unsigned char *)s + i, n - i);
                if (len && s[i]) {
                        memcpy(out + o, s + i, len);
                        o += len;
                        i += len;
                } else {
                        memcpy(out + o, "\xEF\xBF\xBD", 3);
                        o += 3;
                        i++;
                        if (replaced)
                                *replaced = 1;
                }
        }
        out[o] = '\0';
        return out;
}

char *rest_url_escape(const char *s)
{
        size_t n = strlen(s);
        char *out = malloc(n * 3 + 1);
        size_t o = 0;

        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
                        out[o++] = (char)c;
                } else {
                        snprintf(out + o, 4, "%%%02X", c);
                        o += 3;
                }
        }
        out[o] = '\0';
        return out;
}

/* A scalar JSON value as Jackson would coerce it into a String; NULL for
 * null/object/array. */
static json_t *coerce_scalar(const json_t *v)
{
        char buf[64];
        switch (json_typeof(v)) {
        case JSON_STRING:
                return json_incref((json_t *)v);
        case JSON_INTEGER:
                snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(v));
                return json_string(buf);
        case JSON_REAL:
                /* Jackson keeps the number's text as written; jansson
                 * keeps only the double, so Double.toString of it (the
                 * same as connector files, config.c). */
                java_double_str(json_real_value(v), buf, sizeof(buf));
                return json_string(buf);
        case JSON_TRUE:
                return json_string("true");
        case JSON_FALSE:
                return json_string("false");
        default:
                return NULL;
        }
}

static const char *jackson_token(const json_t *v)
{
        return json_is_object(v) ? "Object value (token `JsonToken.START_OBJECT`)"
                                 : "Array value (token `JsonToken.START_ARRAY`)";
}

json_t *rest_config_coerce(const json_t *in, int keep_null, char *errstr,
                           size_t errstr_size)
{
        json_t *out = NULL, *v;
        const char *k;

        if (!json_is_object(in)) {
                snprintf(errstr, errstr_size,
                         "Cannot deserialize value of type `java.util.Map` "
                         "from %s",
                         json_is_array(in) ? "Array value (token "
                                             "`JsonToken.START_ARRAY`)"
                                           : "a non-object value");
                return NULL;
        }
        out = json_object();
        if (!out)
                goto fail;
        json_object_foreach((json_t *)in, k, v) {
                if (json_is_null(v)) {
                        if (!keep_null) {
                                snprintf(errstr, errstr_size,
                                         "Null value for configuration %s", k);
                                goto fail;
                        }
                        json_object_set_new(out, k, json_null());
                        continue;
                }
                json_t *s = coerce_scalar(v);
                if (!s) {
                        snprintf(errstr, errstr_size,
                                 "Cannot deserialize value of type "
                                 "`java.lang.String` from %s (configuration %s)",
                                 jackson_token(v), k);
                        goto fail;
                }
                json_object_set_new(out, k, s);
        }
        return out;
fail:
        json_decref(out);
        return NULL;
}

/* ------------------------------------------------------------------ */
/* Answers */

static void q_json(req_t *q, unsigned status, json_t *body /* stolen */)
{
        json_decref(q->resp);
        free(q->resp_text);
        q->resp_text = NULL;
        q->status = status;
        q->resp = body;
}

/* An answer whose JSON text is written already (stolen). */
static void q_json_text(req_t *q, unsigned status, char *text, size_t len)
{
        q_json(q, status, NULL);
        q->resp_text = text;
        q->resp_len = len;
}

static void q_empty(req_t *q, unsigned status)
{
        q_json(q, status, NULL);
}

json_t *rest_error_body(unsigned status, const char *fmt, va_list ap)
{
        char *msg = NULL, *clean = NULL;
        json_t *o = json_object(), *m = NULL;

        if (!o)
                return NULL;
        json_object_set_new(o, "error_code", json_integer(status));
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        /* A name from the URL or a herder sentence cut short may hold bytes
         * that are not UTF-8; jansson refuses those, so clean them first
         * and never lose the message. */
        if (msg)
                clean = rest_utf8_sanitize(msg, strlen(msg), NULL);
        if (clean)
                m = json_string(clean);
        json_object_set_new(o, "message", m ? m : json_string("Error"));
        free(clean);
        free(msg);
        return o;
}

static void q_error(req_t *q, unsigned status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void q_error(req_t *q, unsigned status, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        json_t *o = rest_error_body(status, fmt, ap);
        va_end(ap);
        q_json(q, status, o);
}

static unsigned herr_status(herder_err_t e)
{
        switch (e) {
        case HERDER_OK: return 200;
        case HERDER_NOT_FOUND: return 404;
        case HERDER_EXISTS: return 409;
        case HERDER_BAD_REQUEST: return 400;
        case HERDER_FORBIDDEN: return 403;
        case HERDER_CONFLICT: return 409;
        case HERDER_ERROR:
        default: return 500;
        }
}

/* Error answer for a herder failure: the herder's sentence if it wrote
 * one, else `fallback`. */
static void q_herr(req_t *q, herder_err_t e, const char *errstr,
                   const char *fallback)
{
        q_error(q, herr_status(e), "%s",
                errstr && *errstr ? errstr
                : fallback ? fallback : "Internal error");
}

static const char *query(const req_t *q, const char *key)
{
        for (int i = 0; i < q->nq; i++)
                if (!strcmp(q->qk[i], key))
                        return q->qv[i];
        return NULL;
}

/* ------------------------------------------------------------------ */
/* Bodies */

/* Parse the body as JSON. NULL after answering 400 (or when absent and
 * !required: then *absent = 1). */
static json_t *q_body(req_t *q)
{
        json_error_t err;
        json_t *j;

        if (!q->body_len) {
                q_error(q, 400, "Request body is missing; a JSON body is "
                                "required");
                return NULL;
        }
        j = json_loadb(q->body, q->body_len, 0, &err);
        if (!j) {
                q_error(q, 400, "Malformed JSON body: %s (line %d, column %d)",
                        err.text, err.line, err.column);
                return NULL;
        }
        return j;
}

/* Body that must be a JSON object. */
static json_t *q_body_object(req_t *q)
{
        json_t *j = q_body(q);
        if (j && !json_is_object(j)) {
                q_error(q, 400, "Cannot deserialize request body: expected a "
                                "JSON object but got %s",
                        json_is_array(j) ? "an array" : "a scalar");
                json_decref(j);
                return NULL;
        }
        return j;
}

/* checkAndPutConnectorConfigName: 0, or -1 after answering 400. */
static int put_name(req_t *q, const char *name, json_t *config)
{
        json_t *inc = json_object_get(config, "name");
        if (inc && json_is_string(inc)) {
                if (strcmp(json_string_value(inc), name)) {
                        q_error(q, 400, "Connector name configuration (%s) "
                                        "doesn't match connector name in the "
                                        "URL (%s)",
                                json_string_value(inc), name);
                        return -1;
                }
                return 0;
        }
        json_object_set_new(config, "name", json_string(name));
        return 0;
}

static void unknown_class(req_t *q, const char *cls)
{
        char *m = connector_check_unknown_class_msg(cls);

        q_error(q, 400, "%s", m ? m : "Failed to find any class that "
                "implements Connector");
        free(m);
}

static void no_connector_type(req_t *q, const json_t *config)
{
        char *m = connector_check_no_type_msg(config);

        q_error(q, 400, "%s", m ? m : "Connector config contains no "
                "connector type");
        free(m);
}

/* Validate a connector config for create/update. 0 when it may be stored,
 * else -1 after answering. */
static int check_config(req_t *q, const json_t *config)
{
        char *m = NULL;
        herder_err_t rc = connector_config_check(config, &m);

        if (rc == HERDER_OK)
                return 0;
        if (rc == HERDER_BAD_REQUEST)
                q_error(q, 400, "%s", m ? m : "Connector configuration is "
                        "invalid");
        else
                q_error(q, 500, "%s", m ? m : "Could not validate the "
                        "connector configuration");
        free(m);
        return -1;
}

static void set_location(req_t *q, const char *name)
{
        const char *host = req_header(q, MHD_HTTP_HEADER_HOST);
        char hostbuf[64];
        char *esc = rest_url_escape(name);
        char *loc = NULL;

        if (!host) {
                snprintf(hostbuf, sizeof(hostbuf), "127.0.0.1:%d", q->rest->port);
                host = hostbuf;
        }
        if (esc && asprintf(&loc, "%s://%s/connectors/%s",
                            rest_tls_is_tls(q->conn) ? "https" : "http", host,
                            esc) < 0)
                loc = NULL;
        free(esc);
        free(q->location);
        q->location = loc;
}

/* ------------------------------------------------------------------ */
/* Handlers: root, health */

static void h_root(req_t *q)
{
        const char *cid = q->rest->h ? herder_kafka_cluster_id(q->rest->h) : NULL;
        json_t *o = json_object();
        json_object_set_new(o, "version", json_string(CONNECT_VERSION));
        json_object_set_new(o, "commit", json_string(CONNECTD_COMMIT));
        json_object_set_new(o, "kafka_cluster_id", json_string(cid ? cid : ""));
        q_json(q, 200, o);
}

static void h_health(req_t *q)
{
        int st = q->rest->h ? herder_health(q->rest->h) : 0;
        json_t *o = json_object();
        unsigned status;
        char why[2048];

        if (st > 0 && metrics_health_problem(q->rest->h, why, sizeof(why))) {
                /* The cluster is unreachable or a task cannot deliver
                 * (metrics.h): unhealthy, as KIP-1017 answers it. */
                status = 500;
                json_object_set_new(o, "status", json_string("unhealthy"));
                json_object_set_new(o, "message", json_string(why));
        } else if (st > 0) {
                status = 200;
                json_object_set_new(o, "status", json_string("healthy"));
                json_object_set_new(o, "message",
                                    json_string("Worker has completed startup "
                                                "and is ready to handle "
                                                "requests."));
        } else if (st == 0) {
                status = 503;
                json_object_set_new(o, "status", json_string("starting"));
                json_object_set_new(o, "message",
                                    json_string("Worker is still starting up."));
        } else {
                status = 500;
                json_object_set_new(o, "status", json_string("unhealthy"));
                json_object_set_new(o, "message",
                                    json_string("Worker was unable to handle "
                                                "this request and may be "
                                                "unable to handle other "
                                                "requests."));
        }
        q_json(q, status, o);
}

/* ------------------------------------------------------------------ */
/* Handlers: connectors collection */

/* ?expand=status and no other expansion. */
static int expand_only_status(const req_t *q)
{
        int status = 0;

        for (int i = 0; i < q->nq; i++)
                if (!strcmp(q->qk[i], "expand")) {
                        if (strcmp(q->qv[i], "status"))
                                return 0;
                        status = 1;
                }
        return status;
}

static void h_list(req_t *q)
{
        herder_t *h = q->rest->h;
        json_t *names;
        int expand = 0;

        if (expand_only_status(q)) {
                size_t len;
                char *text = herder_statuses_text(h, &len);

                if (text) {
                        q_json_text(q, 200, text, len);
                        return;
                }
        }
        names = herder_connector_names(h);
        if (!names) {
                q_error(q, 500, "Could not list connectors");
                return;
        }
        for (int i = 0; i < q->nq; i++)
                if (!strcmp(q->qk[i], "expand"))
                        expand = 1;
        if (!expand) {
                q_json(q, 200, names);
                return;
        }
        json_t *out = json_object();
        size_t i;
        json_t *n;
        json_array_foreach(names, i, n) {
                const char *name = json_string_value(n);
                json_t *x = json_object();
                int gone = 0;
                for (int k = 0; k < q->nq && !gone; k++) {
                        if (strcmp(q->qk[k], "expand"))
                                continue;
                        json_t *v = NULL;
                        if (!strcmp(q->qv[k], "status"))
                                v = herder_connector_status(h, name);
                        else if (!strcmp(q->qv[k], "info"))
                                v = herder_connector_info(h, name);
                        else
                                continue; /* unknown expansion: ignored */
                        if (!v)
                                gone = 1;
                        else
                                json_object_set_new(x, q->qv[k], v);
                }
                if (gone)
                        json_decref(x);
                else
                        json_object_set_new(out, name, x);
        }
        json_decref(names);
        q_json(q, 200, out);
}

static void h_create(req_t *q)
{
        json_t *body = q_body_object(q), *config = NULL, *info = NULL;
        char *name = NULL;
        const char *target = NULL; /* no initial_state: STARTED */
        char err[1024] = "";
        int created = 0;

        if (!body)
                return;
        json_t *jn = json_object_get(body, "name");
        if (jn && !json_is_null(jn)) {
                json_t *s = coerce_scalar(jn);
                if (!s) {
                        q_error(q, 400, "Cannot deserialize value of type "
                                        "`java.lang.String` from %s (field name)",
                                jackson_token(jn));
                        goto out;
                }
                name = java_trim_dup(json_string_value(s));
                json_decref(s);
        } else {
                name = strdup("");
        }
        json_t *jc = json_object_get(body, "config");
        if (!jc || json_is_null(jc)) {
                q_error(q, 400, "Connector config is missing: the request body "
                                "must contain a \"config\" object");
                goto out;
        }
        config = rest_config_coerce(jc, 1, err, sizeof(err));
        if (!config) {
                q_error(q, 400, "%s", err);
                goto out;
        }
        json_t *js = json_object_get(body, "initial_state");
        if (js && !json_is_null(js)) {
                const char *s = json_string_value(js);
                if (s && !strcasecmp(s, "RUNNING"))
                        target = "STARTED";
                else if (s && !strcasecmp(s, "PAUSED"))
                        target = "PAUSED";
                else if (s && !strcasecmp(s, "STOPPED"))
                        target = "STOPPED";
                else {
                        q_error(q, 400, "Cannot deserialize value of type "
                                        "`org.apache.kafka.connect.runtime.rest."
                                        "entities.CreateConnectorRequest$"
                                        "InitialState` from String \"%s\": not "
                                        "one of the values accepted for Enum "
                                        "class: [RUNNING, PAUSED, STOPPED]",
                                s ? s : "(non-string)");
                        goto out;
                }
        }
        if (put_name(q, name, config) || check_config(q, config))
                goto out;
        err[0] = '\0';
        herder_err_t e = herder_connector_put(q->rest->h, name, config, target,
                                              0, &created, &info, err,
                                              sizeof(err));
        if (e == HERDER_EXISTS) {
                q_error(q, 409, "Connector %s already exists", name);
        } else if (e != HERDER_OK) {
                q_herr(q, e, err, NULL);
        } else {
                if (!info)
                        info = herder_connector_info(q->rest->h, name);
                set_location(q, name);
                q_json(q, 201, info ? info : json_object());
                info = NULL;
        }
out:
        json_decref(info);
        json_decref(config);
        json_decref(body);
        free(name);
}

/* ------------------------------------------------------------------ */
/* Handlers: one connector */

#define CNAME (q->cap[0])

static void not_found(req_t *q)
{
        q_error(q, 404, "Connector %s not found", CNAME);
}

static void h_info(req_t *q)
{
        json_t *j = herder_connector_info(q->rest->h, CNAME);
        if (j)
                q_json(q, 200, j);
        else
                not_found(q);
}

static void h_delete(req_t *q)
{
        char err[1024] = "";
        herder_err_t e = herder_connector_delete(q->rest->h, CNAME, err,
                                                 sizeof(err));
        if (e == HERDER_OK)
                q_empty(q, 204);
        else if (e == HERDER_NOT_FOUND)
                not_found(q);
        else
                q_herr(q, e, err, NULL);
}

static void h_config_get(req_t *q)
{
        json_t *j = herder_connector_config(q->rest->h, CNAME);
        if (j)
                q_json(q, 200, j);
        else
                not_found(q);
}

/* Store a validated config (PUT/PATCH). */
static void store_config(req_t *q, json_t *config, int patch)
{
        char err[1024] = "";
        int created = 0;
        json_t *info = NULL;

        if (check_config(q, config))
                return;
        herder_err_t e = herder_connector_put(q->rest->h, CNAME, config,
                                              "STARTED", 1, &created, &info,
                                              err, sizeof(err));
        if (e != HERDER_OK) {
                if (e == HERDER_NOT_FOUND)
                        not_found(q);
                else
                        q_herr(q, e, err, NULL);
                json_decref(info);
                return;
        }
        if (!info)
                info = herder_connector_info(q->rest->h, CNAME);
        if (created && !patch) {
                set_location(q, CNAME);
                q_json(q, 201, info ? info : json_object());
        } else {
                q_json(q, 200, info ? info : json_object());
        }
}

static void h_config_put(req_t *q)
{
        char err[1024] = "";
        json_t *body = q_body_object(q), *config;

        if (!body)
                return;
        config = rest_config_coerce(body, 1, err, sizeof(err));
        json_decref(body);
        if (!config) {
                q_error(q, 400, "%s", err);
                return;
        }
        if (q->cap_bad & 1)
                q_error(q, 400, "Connector name in the URL (%s) is not valid: "
                                "its percent-encoded bytes are not UTF-8",
                        CNAME);
        else if (!put_name(q, CNAME, config))
                store_config(q, config, 0);
        json_decref(config);
}

static void h_config_patch(req_t *q)
{
        char err[1024] = "";
        json_t *body = q_body_object(q), *patch = NULL, *config = NULL;
        const char *k;
        json_t *v;
        int tries;

        if (!body)
                return;
        patch = rest_config_coerce(body, 1, err, sizeof(err));
        if (!patch) {
                q_error(q, 400, "%s", err);
                goto out;
        }
        /* Read, merge, validate, then compare-and-set: a concurrent PATCH
         * or PUT makes us merge again; a concurrent DELETE is a 404, never
         * a resurrection. */
        for (tries = 0; tries < 5; tries++) {
                json_t *base = herder_connector_config(q->rest->h, CNAME);
                json_t *info = NULL;
                herder_err_t e;

                json_decref(config);
                config = NULL;
                if (!base) {
                        not_found(q);
                        goto out;
                }
                config = json_deep_copy(base);
                json_object_foreach(patch, k, v) {
                        if (json_is_null(v))
                                json_object_del(config, k);
                        else
                                json_object_set(config, k, v);
                }
                /* A patch may not rename the connector. */
                if (put_name(q, CNAME, config) || check_config(q, config)) {
                        json_decref(base);
                        goto out;
                }
                e = herder_connector_update_if(q->rest->h, CNAME, base,
                                               config, &info, err,
                                               sizeof(err));
                json_decref(base);
                if (e == HERDER_CONFLICT)
                        continue;
                if (e == HERDER_OK)
                        q_json(q, 200, info ? info : json_object());
                else if (e == HERDER_NOT_FOUND)
                        not_found(q);
                else
                        q_herr(q, e, err, NULL);
                if (e != HERDER_OK)
                        json_decref(info);
                goto out;
        }
        q_error(q, 409, "The config of connector %s kept changing during "
                "the request; try again", CNAME);
out:
        json_decref(config);
        json_decref(patch);
        json_decref(body);
}

static void h_status(req_t *q)
{
        json_t *j = herder_connector_status(q->rest->h, CNAME);
        if (j)
                q_json(q, 200, j);
        else
                q_error(q, 404, "No status found for connector %s", CNAME);
}

static void h_tasks(req_t *q)
{
        json_t *j = herder_tasks(q->rest->h, CNAME);
        if (j)
                q_json(q, 200, j);
        else
                not_found(q);
}

static void h_tasks_config(req_t *q)
{
        json_t *j = herder_tasks_config(q->rest->h, CNAME);
        if (j && json_object_size(j) > 0) {
                q_json(q, 200, j);
        } else {
                json_decref(j);
                not_found(q);
        }
}

/* The {task} capture as a non-negative int, or -1 after answering 404. */
static int task_id(req_t *q)
{
        long long v;

        /* Integer.valueOf(String), as JAX-RS converts the path param */
        if (java_parse_long(q->cap[1], INT32_MIN, INT32_MAX, &v) || v < 0) {
                q_error(q, 404, "HTTP 404 Not Found");
                return -1;
        }
        return (int)v;
}

static void h_task_status(req_t *q)
{
        int t = task_id(q);
        if (t < 0)
                return;
        json_t *j = herder_task_status(q->rest->h, CNAME, t);
        if (j)
                q_json(q, 200, j);
        else
                q_error(q, 404, "No status found for task %s-%d", CNAME, t);
}

static void h_task_restart(req_t *q)
{
        char err[1024] = "", dflt[1024];
        int t = task_id(q);
        if (t < 0)
                return;
        herder_err_t e = herder_task_restart(q->rest->h, CNAME, t, err,
                                             sizeof(err));
        if (e == HERDER_OK) {
                q_empty(q, 204);
                return;
        }
        snprintf(dflt, sizeof(dflt), "Task %s-%d not found", CNAME, t);
        q_herr(q, e, err, dflt);
}

static void h_restart(req_t *q)
{
        char err[1024] = "", dflt[1024];
        int include = rest_java_bool(query(q, "includeTasks"));
        int only = rest_java_bool(query(q, "onlyFailed"));
        json_t *st = NULL;
        herder_err_t e;

        snprintf(dflt, sizeof(dflt), "Unknown connector: %s", CNAME);
        if (!include && !only) {
                e = herder_restart(q->rest->h, CNAME, 0, 0, NULL, err,
                                   sizeof(err));
                if (e == HERDER_OK)
                        q_empty(q, 204);
                else
                        q_herr(q, e, err, dflt);
                return;
        }
        e = herder_restart(q->rest->h, CNAME, include, only, &st, err,
                           sizeof(err));
        if (e == HERDER_OK) {
                q_json(q, 202, st ? st : json_object());
        } else {
                json_decref(st);
                q_herr(q, e, err, dflt);
        }
}

typedef herder_err_t (*state_fn)(herder_t *, const char *, char *, size_t);

static void state_change(req_t *q, state_fn fn, unsigned ok)
{
        char err[1024] = "", dflt[1024];
        herder_err_t e = fn(q->rest->h, CNAME, err, sizeof(err));
        if (e == HERDER_OK) {
                q_empty(q, ok);
                return;
        }
        snprintf(dflt, sizeof(dflt), "Unknown connector %s", CNAME);
        q_herr(q, e, err, dflt);
}

static void h_pause(req_t *q) { state_change(q, herder_pause, 202); }
static void h_resume(req_t *q) { state_change(q, herder_resume, 202); }
static void h_stop(req_t *q) { state_change(q, herder_stop_connector, 204); }

static void h_topics(req_t *q)
{
        if (!q->rest->tracking) {
                q_error(q, 403, "Topic tracking is disabled.");
                return;
        }
        json_t *j = herder_topics(q->rest->h, CNAME);
        if (j)
                q_json(q, 200, j);
        else
                not_found(q);
}

static void h_topics_reset(req_t *q)
{
        char err[1024] = "";
        if (!q->rest->tracking) {
                q_error(q, 403, "Topic tracking is disabled.");
                return;
        }
        if (!q->rest->tracking_reset) {
                q_error(q, 403, "Topic tracking reset is disabled.");
                return;
        }
        herder_err_t e = herder_topics_reset(q->rest->h, CNAME, err,
                                             sizeof(err));
        if (e == HERDER_OK)
                q_empty(q, 202);
        else if (e == HERDER_NOT_FOUND)
                not_found(q);
        else
                q_herr(q, e, err, NULL);
}

static void h_offsets_get(req_t *q)
{
        char err[1024] = "";
        json_t *out = NULL;
        herder_err_t e = herder_offsets_get(q->rest->h, CNAME, &out, err,
                                            sizeof(err));
        if (e == HERDER_OK) {
                q_json(q, 200, out ? out : json_pack("{s:[]}", "offsets"));
                return;
        }
        json_decref(out);
        if (e == HERDER_NOT_FOUND)
                not_found(q);
        else
                q_herr(q, e, err, NULL);
}

/* Shape checks of ConnectorOffsets (Jackson's job in Kafka). 0 or -1
 * after answering 400. */
static int check_offsets_shape(req_t *q, const json_t *offsets)
{
        size_t i;
        json_t *it;

        json_array_foreach(offsets, i, it) {
                const char *k;
                json_t *v;
                if (!json_is_object(it)) {
                        q_error(q, 400, "Cannot deserialize value of type "
                                        "`org.apache.kafka.connect.runtime.rest."
                                        "entities.ConnectorOffset` from a "
                                        "non-object value (offsets[%zu])", i);
                        return -1;
                }
                json_object_foreach(it, k, v) {
                        if (strcmp(k, "partition") && strcmp(k, "offset")) {
                                q_error(q, 400, "Unrecognized field \"%s\" "
                                                "(class org.apache.kafka."
                                                "connect.runtime.rest.entities."
                                                "ConnectorOffset), not marked "
                                                "as ignorable", k);
                                return -1;
                        }
                        if (!json_is_object(v) && !json_is_null(v)) {
                                q_error(q, 400, "Cannot deserialize value of "
                                                "type `java.util.Map` for "
                                                "\"%s\" (offsets[%zu]): a JSON "
                                                "object or null is required",
                                        k, i);
                                return -1;
                        }
                }
        }
        return 0;
}

static void offsets_modify(req_t *q, const json_t *offsets)
{
        char err[1024] = "", msg[1024] = "";
        herder_err_t e = herder_offsets_modify(q->rest->h, CNAME, offsets,
                                               msg, sizeof(msg), err,
                                               sizeof(err));
        if (e == HERDER_OK)
                q_json(q, 200, json_pack("{s:s}", "message", msg));
        else if (e == HERDER_NOT_FOUND)
                not_found(q);
        else
                q_herr(q, e, err, NULL);
}

static void h_offsets_patch(req_t *q)
{
        json_t *body = q_body_object(q);
        if (!body)
                return;
        json_t *offsets = json_object_get(body, "offsets");
        const char *k;
        json_t *v;
        json_object_foreach(body, k, v)
                if (strcmp(k, "offsets")) {
                        q_error(q, 400, "Unrecognized field \"%s\" (class "
                                        "org.apache.kafka.connect.runtime.rest."
                                        "entities.ConnectorOffsets), not marked "
                                        "as ignorable", k);
                        goto out;
                }
        if (!offsets || json_is_null(offsets) ||
            (json_is_array(offsets) && json_array_size(offsets) == 0)) {
                q_error(q, 400, "Partitions / offsets need to be provided for "
                                "an alter offsets request");
                goto out;
        }
        if (!json_is_array(offsets)) {
                q_error(q, 400, "Cannot deserialize value of type "
                                "`java.util.ArrayList` from a non-array value "
                                "(field offsets)");
                goto out;
        }
        if (check_offsets_shape(q, offsets))
                goto out;
        offsets_modify(q, offsets);
out:
        json_decref(body);
}

static void h_offsets_delete(req_t *q)
{
        offsets_modify(q, NULL);
}

/* ------------------------------------------------------------------ */
/* Handlers: plugins */

static json_t *plugin_info(const char *cls, const char *type,
                           const char *version)
{
        json_t *o = json_object();
        json_object_set_new(o, "class", json_string(cls));
        json_object_set_new(o, "type", json_string(type));
        /* PluginInfo leaves out Java's "undefined" version. */
        if (version && strcmp(version, "undefined"))
                json_object_set_new(o, "version", json_string(version));
        return o;
}

static int cmp_class(const void *a, const void *b)
{
        const connectd_connector_desc_t *x = *(const connectd_connector_desc_t *const *)a;
        const connectd_connector_desc_t *y = *(const connectd_connector_desc_t *const *)b;
        return strcmp(x->class_name, y->class_name);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void h_plugins(req_t *q)
{
        const char *co = query(q, "connectorsOnly");
        int connectors_only = co ? rest_java_bool(co) : 1;
        const connectd_connector_desc_t *list[1024];
        size_t n = 0;
        json_t *out = json_array();

        for (size_t i = 0; n < 1024; i++) {
                const connectd_connector_desc_t *d = plugins_at(i);
                if (!d)
                        break;
                list[n++] = d;
        }
        qsort(list, n, sizeof(list[0]), cmp_class);
        for (int pass = 0; pass < 2; pass++) /* sinks first, then sources */
                for (size_t i = 0; i < n; i++)
                        if ((pass == 0) == (list[i]->type == CONNECTD_SINK))
                                json_array_append_new(
                                        out, plugin_info(list[i]->class_name,
                                                         pass == 0 ? "sink"
                                                                   : "source",
                                                         list[i]->version));
        /* Java's order: sinks, sources, transformations, predicates,
         * converters (ConnectorPluginsResource). */
        for (int kind = XFORM_TRANSFORMATION;
             !connectors_only && kind <= XFORM_PREDICATE; kind++) {
                size_t nx = 0;
                const xform_class_t *const *xl = xform_list(kind, &nx);

                for (size_t i = 0; xl && i < nx; i++)
                        json_array_append_new(
                                out, plugin_info(xl[i]->name,
                                                 kind == XFORM_TRANSFORMATION
                                                         ? "transformation"
                                                         : "predicate",
                                                 xl[i]->version
                                                         ? xl[i]->version
                                                         : CONNECT_VERSION));
        }
        if (!connectors_only)
                for (size_t i = 0; converter_classes[i]; i++)
                        json_array_append_new(out,
                                              plugin_info(converter_classes[i],
                                                          "converter",
                                                          CONNECT_VERSION));
        /* Header converters: every converter (they all implement
         * HeaderConverter) and SimpleHeaderConverter, sorted by name. */
        if (!connectors_only) {
                const char *hc[64];
                size_t nh = 0;

                for (size_t i = 0; converter_classes[i] && nh < 63; i++)
                        hc[nh++] = converter_classes[i];
                hc[nh++] = "org.apache.kafka.connect.storage."
                           "SimpleHeaderConverter";
                qsort(hc, nh, sizeof(hc[0]), cmp_str);
                for (size_t i = 0; i < nh; i++)
                        json_array_append_new(out,
                                              plugin_info(hc[i],
                                                          "header_converter",
                                                          CONNECT_VERSION));
        }
        q_json(q, 200, out);
}

static void h_plugin_config(req_t *q)
{
        const connectd_connector_desc_t *d = plugins_find(q->cap[0]);
        const xform_class_t *x = d ? NULL : xform_lookup(q->cap[0]);

        if (x) {
                q_json(q, 200, validate_xform_config_defs(x));
                return;
        }
        if (!d) {
                q_error(q, 404, "Unknown plugin %s.", q->cap[0]);
                return;
        }
        q_json(q, 200, validate_plugin_config_defs(d));
}

/* normalizedPluginName: strip a trailing "Connector". */
static size_t normalized_len(const char *s)
{
        size_t n = strlen(s);
        if (n >= 9 && !strcmp(s + n - 9, "Connector"))
                n -= 9;
        return n;
}

static void h_plugin_validate(req_t *q)
{
        char err[1024] = "";
        json_t *body = q_body_object(q), *config = NULL;
        const char *p = q->cap[0];

        if (!body)
                return;
        config = rest_config_coerce(body, 1, err, sizeof(err));
        if (!config) {
                q_error(q, 400, "%s", err);
                goto out;
        }
        const char *cls = json_string_value(json_object_get(config,
                                                            "connector.class"));
        if (cls) {
                size_t cn = normalized_len(cls), pn = normalized_len(p);
                if (pn > cn || strncmp(cls + cn - pn, p, pn)) {
                        q_error(q, 400, "Included connector type %s does not "
                                        "match request type %s", cls, p);
                        goto out;
                }
        } else {
                no_connector_type(q, config);
                goto out;
        }
        const connectd_connector_desc_t *d = plugins_find(cls);
        if (!d) {
                unknown_class(q, cls);
                goto out;
        }
        /* Validated with the providers' values; the answer shows the
         * values as sent (references, never the secrets). */
        json_t *resolved = cfg_providers_resolve(cfg_providers_worker(),
                                                 config, err, sizeof(err));
        if (!resolved) {
                q_error(q, 500, "%s", err);
                goto out;
        }
        json_t *infos = validate_config(d, cls, resolved, NULL);
        json_decref(resolved);
        if (infos)
                cfg_providers_unresolve_infos(infos, config);
        if (infos)
                q_json(q, 200, infos);
        else
                q_error(q, 500, "Could not validate the connector configuration");
out:
        json_decref(config);
        json_decref(body);
}

/* ------------------------------------------------------------------ */
/* Handlers: loggers */

static void h_loggers(req_t *q)
{
        json_t *j = log_levels_json();
        q_json(q, 200, j ? j : json_object());
}

static void h_logger_get(req_t *q)
{
        json_t *j = log_level_json(q->cap[0]);
        if (j)
                q_json(q, 200, j);
        else
                q_error(q, 404, "Logger %s not found.", q->cap[0]);
}

static void h_logger_put(req_t *q)
{
        json_t *body = q_body_object(q);
        const char *scope = query(q, "scope");
        if (!body)
                return;
        json_t *lv = json_object_get(body, "level");
        json_t *s = lv && !json_is_null(lv) ? coerce_scalar(lv) : NULL;
        if (!s) {
                q_error(q, 400, "Desired 'level' parameter was not specified "
                                "in request.");
                goto out;
        }
        int level = log_level_parse(json_string_value(s));
        if (level < 0) {
                q_error(q, 404, "invalid log level '%s'.", json_string_value(s));
                goto out;
        }
        json_t *affected = log_level_set(q->cap[0], (log_level_t)level);
        if (scope && !strcasecmp(scope, "cluster")) {
                json_decref(affected);
                q_empty(q, 204);
        } else {
                q_json(q, 200, affected ? affected : json_array());
        }
out:
        json_decref(s);
        json_decref(body);
}

/* ------------------------------------------------------------------ */
/* The route table */

static const route_t routes[] = {
        { "GET", "/", h_root, 0, HERDER_ROUTE_HERE },
        { "GET", "/health", h_health, 0, HERDER_ROUTE_HERE },
        { "GET", "/connectors", h_list, 1, HERDER_ROUTE_HERE },
        { "POST", "/connectors", h_create, 1, HERDER_ROUTE_LEADER },
        { "GET", "/connectors/{connector}", h_info, 1, HERDER_ROUTE_HERE },
        { "DELETE", "/connectors/{connector}", h_delete, 1, HERDER_ROUTE_LEADER },
        { "GET", "/connectors/{connector}/config", h_config_get, 1, HERDER_ROUTE_HERE },
        { "PUT", "/connectors/{connector}/config", h_config_put, 1, HERDER_ROUTE_LEADER },
        { "PATCH", "/connectors/{connector}/config", h_config_patch, 1, HERDER_ROUTE_LEADER },
        { "GET", "/connectors/{connector}/status", h_status, 1, HERDER_ROUTE_HERE },
        { "GET", "/connectors/{connector}/tasks", h_tasks, 1, HERDER_ROUTE_HERE },
        { "GET", "/connectors/{connector}/tasks-config", h_tasks_config, 1, HERDER_ROUTE_HERE },
        { "GET", "/connectors/{connector}/tasks/{task}/status", h_task_status, 1, HERDER_ROUTE_HERE },
        { "POST", "/connectors/{connector}/tasks/{task}/restart", h_task_restart, 1, HERDER_ROUTE_OWNER },
        { "POST", "/connectors/{connector}/restart", h_restart, 1, HERDER_ROUTE_LEADER },
        { "PUT", "/connectors/{connector}/pause", h_pause, 1, HERDER_ROUTE_HERE },
        { "PUT", "/connectors/{connector}/resume", h_resume, 1, HERDER_ROUTE_HERE },
        { "PUT", "/connectors/{connector}/stop", h_stop, 1, HERDER_ROUTE_LEADER },
        { "GET", "/connectors/{connector}/topics", h_topics, 1, HERDER_ROUTE_HERE },
        { "PUT", "/connectors/{connector}/topics/reset", h_topics_reset, 1, HERDER_ROUTE_HERE },
        { "GET", "/connectors/{connector}/offsets", h_offsets_get, 1, HERDER_ROUTE_HERE },
        { "PATCH", "/connectors/{connector}/offsets", h_offsets_patch, 1, HERDER_ROUTE_LEADER },
        { "DELETE", "/connectors/{connector}/offsets", h_offsets_delete, 1, HERDER_ROUTE_LEADER },
        { "GET", "/connector-plugins", h_plugins, 0, HERDER_ROUTE_HERE },
        { "GET", "/connector-plugins/{plugin}/config", h_plugin_config, 0, HERDER_ROUTE_HERE },
        { "PUT", "/connector-plugins/{plugin}/config/validate", h_plugin_validate, 0, HERDER_ROUTE_HERE },
        { "GET", "/admin/loggers", h_loggers, 0, HERDER_ROUTE_HERE },
        { "GET", "/admin/loggers/{logger}", h_logger_get, 0, HERDER_ROUTE_HERE },
        { "PUT", "/admin/loggers/{logger}", h_logger_put, 0, HERDER_ROUTE_HERE },
        { NULL, NULL, NULL, 0, HERDER_ROUTE_HERE }
};

int rest_route_at(size_t i, const char **method, const char **pattern)
{
        if (i >= sizeof(routes) / sizeof(routes[0]) - 1)
                return -1;
        *method = routes[i].method;
        *pattern = routes[i].pattern;
        return 0;
}

/* Split a path ("/a/b/") into segments [start,len); trailing slash
 * ignored. Returns the count, or -1 when there are too many. */
static int split_path(const char *p, const char **seg, size_t *len, int max)
{
        int n = 0;
        size_t plen = strlen(p);

        if (plen > 1 && p[plen - 1] == '/')
                plen--;
        if (plen == 0 || (plen == 1 && p[0] == '/'))
                return 0;
        size_t i = p[0] == '/' ? 1 : 0;
        while (i <= plen) {
                size_t j = i;
                while (j < plen && p[j] != '/')
                        j++;
                if (n == max)
                        return -1;
                seg[n] = p + i;
                len[n] = j - i;
                n++;
                i = j + 1;
        }
        return n;
}

/* ------------------------------------------------------------------ */
/* Cross-origin requests
 *
 * A browser sends Origin on every cross-origin request that is not a plain
 * GET/HEAD (and on same-origin ones too); curl and other clients send none.
 * Connect's CORS filter is on when access.control.allow.origin is set (a
 * comma list; '*' matches anything, also inside a pattern); its methods
 * default to GET,POST,HEAD. On top of Java, a request that could change
 * state (any method but GET, HEAD, OPTIONS) from an origin that is neither
 * ours nor allowed is refused with 403 -- a no-cors fetch would otherwise
 * reach the handler. Sec-Fetch-Site: cross-site or same-site without an
 * allowed Origin counts as cross-origin too. */

#define CORS_DEFAULT_METHODS "GET,POST,HEAD"
#define CORS_ALLOW_HEADERS   "X-Requested-With,Content-Type,Accept,Origin"
#define CORS_MAX_AGE         "1800"

/* application/json with optional parameters (charset=...). */
static int is_json_type(const char *ct)
{
        if (!ct)
                return 0;
        while (*ct == ' ' || *ct == '\t')
                ct++;
        size_t l = strcspn(ct, ";");
        while (l && isspace((unsigned char)ct[l - 1]))
                l--;
        return l == 16 && !strncasecmp(ct, "application/json", 16);
}

/* Glob match, '*' = any run of characters, case-insensitive. */
static int glob_match(const char *pat, size_t pn, const char *s)
{
        if (!pn)
                return !*s;
        if (*pat == '*') {
                for (;; s++) {
                        if (glob_match(pat + 1, pn - 1, s))
                                return 1;
                        if (!*s)
                                return 0;
                }
        }
        return *s && tolower((unsigned char)*pat) == tolower((unsigned char)*s) &&
               glob_match(pat + 1, pn - 1, s + 1);
}

/* Is `item` one of the comma-separated `list` (items trimmed; glob when
 * `glob`, else case-insensitive equality)? */
static int in_list(const char *list, const char *item, int glob)
{
        const char *p = list;
        while (p && *p) {
                size_t n = strcspn(p, ",");
                const char *a = p, *e = p + n;
                while (a < e && isspace((unsigned char)*a))
                        a++;
                while (e > a && isspace((unsigned char)e[-1]))
                        e--;
                size_t l = (size_t)(e - a);
                /* a pattern has at most a few stars; cap the work anyway */
                if (l && (glob ? l <= 256 && glob_match(a, l, item)
                               : strlen(item) == l && !strncasecmp(a, item, l)))
                        return 1;
                p += n;
                if (*p == ',')
                        p++;
        }
        return 0;
}

/* Does Origin (scheme://host[:port]) name this server, as reached through
 * the Host header? */
static int same_origin(const char *origin, const char *host)
{
        const char *sep = strstr(origin, "://");
        if (!sep || !host || !*host)
                return 0;
        const char *auth = sep + 3;
        int https = (size_t)(sep - origin) == 5 &&
                    !strncasecmp(origin, "https", 5);
        if (!https && !((size_t)(sep - origin) == 4 &&
                        !strncasecmp(origin, "http", 4)))
                return 0;
        if (!strcasecmp(auth, host))
                return 1;
        /* the default port may be written in one and left out in the other */
        const char *dflt = https ? ":443" : ":80";
        size_t al = strlen(auth), hl = strlen(host), dl = strlen(dflt);
        if (al + dl == hl && !strncasecmp(auth, host, al) &&
            !strcasecmp(host + al, dflt))
                return 1;
        if (hl + dl == al && !strncasecmp(auth, host, hl) &&
            !strcasecmp(auth + hl, dflt))
                return 1;
        return 0;
}

static int safe_method(const char *m)
{
        return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

/* Every header named in Access-Control-Request-Headers may be sent. */
static int headers_allowed(const char *req_headers)
{
        char *copy = req_headers ? strdup(req_headers) : NULL, *save = NULL;
        int ok = 1;

        if (!copy)
                return req_headers == NULL;
        for (char *t = strtok_r(copy, ",", &save); t && ok;
             t = strtok_r(NULL, ",", &save)) {
                while (isspace((unsigned char)*t))
                        t++;
                char *e = t + strlen(t);
                while (e > t && isspace((unsigned char)e[-1]))
                        *--e = '\0';
                if (*t && !in_list(CORS_ALLOW_HEADERS, t, 0))
                        ok = 0;
        }
        free(copy);
        return ok;
}

/* 0: go on; 1: answered (preflight or 403). */
static int cors_check(req_t *q)
{
        const rest_t *r = q->rest;
        const char *origin = req_header(q, "Origin");
        const char *site = req_header(q, "Sec-Fetch-Site");
        const char *methods = r->cors_methods && *r->cors_methods
                                      ? r->cors_methods
                                      : CORS_DEFAULT_METHODS;
        int cross, allowed;

        if (origin)
                cross = !same_origin(origin, req_header(q, MHD_HTTP_HEADER_HOST));
        else
                cross = site && (!strcasecmp(site, "cross-site") ||
                                 !strcasecmp(site, "same-site"));
        if (origin && !cross && site && !strcasecmp(site, "cross-site"))
                cross = 1;
        if (!cross)
                return 0;
        allowed = origin && r->cors_origins && *r->cors_origins &&
                  in_list(r->cors_origins, origin, 1);
        const char *want = req_header(q, "Access-Control-Request-Method");
        if (!strcmp(q->method, "OPTIONS") && origin && want) {
                /* preflight */
                if (!allowed || !in_list(methods, want, 0) ||
                    !headers_allowed(req_header(q, "Access-Control-Request-Headers")))
                        goto refuse;
                req_add_header(q, "Access-Control-Allow-Origin", origin);
                req_add_header(q, "Access-Control-Allow-Credentials", "true");
                req_add_header(q, "Access-Control-Allow-Methods", methods);
                req_add_header(q, "Access-Control-Allow-Headers",
                               CORS_ALLOW_HEADERS);
                req_add_header(q, "Access-Control-Max-Age", CORS_MAX_AGE);
                req_add_header(q, "Vary", "Origin");
                q_empty(q, 200);
                return 1;
        }
        if (allowed) {
                if (!safe_method(q->method) && !in_list(methods, q->method, 0))
                        goto refuse;
                req_add_header(q, "Access-Control-Allow-Origin", origin);
                req_add_header(q, "Access-Control-Allow-Credentials", "true");
                req_add_header(q, "Vary", "Origin");
                return 0;
        }
        if (safe_method(q->method))
                return 0; /* answered; the browser keeps it from the page */
refuse:
        q_error(q, 403, "Cross-origin %s request from %s is not allowed; see "
                        "access.control.allow.origin and "
                        "access.control.allow.methods",
                q->method, origin ? origin : "another site");
        return 1;
}

/* Distributed mode: a request another worker must serve goes there (the
 * leader, or the worker running the task), as Java Connect forwards it:
 * same method, path, query and body, the Authorization header, and
 * forward=true/false so it makes at most two hops. 1 if answered. */
static int forwarded(req_t *q, const route_t *r)
{
        char err[512] = "", *url = NULL, *target = NULL, *path = NULL;
        forward_result_t res = { 0, NULL };
        herder_err_t e;
        int task = -1;
        json_t *body;

        if (r->where == HERDER_ROUTE_OWNER && q->ncap > 1) {
                char *end;
                long v = strtol(q->cap[1], &end, 10);
                if (*end || end == q->cap[1] || v < 0 || v > INT32_MAX)
                        return 0; /* the handler refuses it */
                task = (int)v;
        }
        e = herder_route(q->rest->h, r->where, q->ncap ? q->cap[0] : NULL,
                         task, &url, err, sizeof(err));
        if (e != HERDER_OK) {
                q_herr(q, e, err, NULL);
                return 1;
        }
        if (!url)
                return 0;
        if (asprintf(&target, "%s%s%s", q->url, q->query ? "?" : "",
                     q->query ? q->query : "") < 0)
                target = NULL;
        path = target ? forward_next_path(target) : NULL;
        if (!path) {
                /* forward=false: this was the last hop. */
                q_error(q, 409, "Cannot complete request because of a "
                                "conflicting operation (e.g. worker "
                                "rebalance)");
                goto out;
        }
        if (forward_request(url, q->method, path,
                            q->body_len ? q->body : NULL,
                            req_header(q, MHD_HTTP_HEADER_AUTHORIZATION),
                            NULL, REST_FORWARD_TIMEOUT_MS, &res)) {
                /* The worker that must answer is gone or broken: a
                 * rebalance is (or will be) under way. Retry later, the
                 * client is told, as for an unknown leader. */
                LOG_WARN(q->rest->lg, "Forwarding %s %s to %s failed: %s",
                         q->method, q->url, url, res.body ? res.body : "");
                q_error(q, 409, "%s", r->where == HERDER_ROUTE_LEADER ?
                        "Cannot complete request momentarily due to no "
                        "known leader URL, likely because a rebalance was "
                        "underway." :
                        "Cannot complete request because of a conflicting "
                        "operation (e.g. worker rebalance)");
                goto out;
        }
        body = res.body && *res.body ? json_loads(res.body, 0, NULL) : NULL;
        if (res.body && *res.body && !body)
                q_error(q, 500, "IO Error trying to forward REST request: "
                                "unreadable answer");
        else
                q_json(q, (unsigned)res.status, body);
out:
        forward_result_free(&res);
        free(path);
        free(target);
        free(url);
        return 1;
}

static void dispatch(req_t *q)
{
        const char *seg[REST_MAX_SEGS], *pseg[REST_MAX_SEGS];
        size_t slen[REST_MAX_SEGS], plen[REST_MAX_SEGS];
        int n = split_path(q->url, seg, slen, REST_MAX_SEGS);
        int path_known = 0;
        const route_t *hit = NULL;

        if (cors_check(q))
                return;
        for (const route_t *r = routes; r->method && n >= 0; r++) {
                int pn = split_path(r->pattern, pseg, plen, REST_MAX_SEGS);
                int ok = pn == n;
                for (int i = 0; ok && i < n; i++)
                        if (pseg[i][0] != '{' &&
                            (plen[i] != slen[i] ||
                             memcmp(pseg[i], seg[i], slen[i])))
                                ok = 0;
                if (!ok)
                        continue;
                path_known = 1;
                if (!strcmp(r->method, q->method)) {
                        hit = r;
                        break;
                }
        }
        if (!hit) {
                if (path_known)
                        q_error(q, 405, "HTTP 405 Method Not Allowed");
                else
                        q_error(q, 404, "HTTP 404 Not Found");
                return;
        }
        if (q->body_len && !is_json_type(req_header(q,
                                        MHD_HTTP_HEADER_CONTENT_TYPE))) {
                q_error(q, 415, "HTTP 415 Unsupported Media Type");
                return;
        }
        /* captures, decoded */
        int pn = split_path(hit->pattern, pseg, plen, REST_MAX_SEGS);
        for (int i = 0; i < pn; i++) {
                if (pseg[i][0] != '{')
                        continue;
                char *d = rest_percent_decode(seg[i], slen[i], 0);
                if (!d) {
                        q_error(q, 400, "Invalid path segment: percent-encoded "
                                        "NUL bytes are not allowed");
                        return;
                }
                /* Bytes that are not UTF-8 become U+FFFD, as in Java. */
                int bad = 0;
                char *u = rest_utf8_sanitize(d, strlen(d), &bad);
                free(d);
                if (!u) {
                        q_error(q, 500, "Out of memory");
                        return;
                }
                if (bad)
                        q->cap_bad |= 1u << q->ncap;
                q->cap[q->ncap++] = u;
        }
        if (hit->needs_herder && !q->rest->h) {
                q_error(q, 503, "Worker is still starting up.");
                return;
        }
        if (hit->where != HERDER_ROUTE_HERE && forwarded(q, hit))
                return;
        hit->fn(q);
}

/* ------------------------------------------------------------------ */
/* MHD glue */

static size_t unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
        (void)cls;
        (void)c;
        return strlen(s);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
        req_t *q = cls;
        (void)kind;
        if (q->nq >= REST_MAX_QUERY || !key)
                return MHD_YES;
        char *k = rest_percent_decode(key, strlen(key), 1);
        char *v = rest_percent_decode(value ? value : "",
                                      value ? strlen(value) : 0, 1);
        char *ku = k ? rest_utf8_sanitize(k, strlen(k), NULL) : NULL;
        char *vu = v ? rest_utf8_sanitize(v, strlen(v), NULL) : NULL;
        free(k);
        free(v);
        k = ku;
        v = vu;
        if (!k || !v) {
                free(k);
                free(v);
                return MHD_YES;
        }
        q->qk[q->nq] = k;
        q->qv[q->nq] = v;
        q->nq++;
        return MHD_YES;
}

/* Split a raw query string as libmicrohttpd does ("k=v&k2&..."). */
static void query_parse(req_t *q, const char *qs)
{
        while (qs && *qs && q->nq < REST_MAX_QUERY) {
                size_t n = strcspn(qs, "&");
                if (n) {
                        char *part = strndup(qs, n);
                        if (!part)
                                return;
                        char *eq = strchr(part, '=');
                        if (eq)
                                *eq++ = '\0';
                        collect_query(q, MHD_GET_ARGUMENT_KIND, part, eq);
                        free(part);
                }
                qs += n;
                if (*qs == '&')
                        qs++;
        }
}

/* libmicrohttpd calls this with the request target before it parses the
 * query into the connection's memory pool -- where a few hundred
 * parameters fill the pool and leave no room for any answer. We take the
 * query and hide it from libmicrohttpd: the target is its read buffer,
 * writable, and is cut right after the '?'. The req_t made here is the
 * request's context (freed by on_completed). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
        req_t *q = calloc(1, sizeof(*q));
        size_t n = strlen(uri);
        char *qm = strchr(uri, '?');

        if (!q)
                return NULL;
        q->rest = cls;
        q->conn = conn;
        q->uri_len = n > INT32_MAX ? INT32_MAX : (int)n;
        if (qm) {
                if (n <= REST_MAX_URI)
                        q->query = strdup(qm + 1);
                qm[1] = '\0';
        }
        return q;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value)
{
        size_t *sz = cls;
        (void)kind;
        sz[0]++;
        sz[1] += (key ? strlen(key) : 0) + (value ? strlen(value) : 0) + 4;
        return MHD_YES;
}

/* 414 for a request target over REST_MAX_URI, 431 for headers over
 * REST_MAX_HEADER_BYTES or REST_MAX_HEADERS (as Jetty does). 1 when
 * answered. */
static int check_request_size(req_t *q)
{
        size_t sz[2] = { 0, 0 };

        if (q->uri_len > REST_MAX_URI) {
                q_error(q, 414, "URI Too Long: the request target is longer "
                                "than %d bytes", REST_MAX_URI);
                return 1;
        }
        if (q->conn)
                MHD_get_connection_values(q->conn, MHD_HEADER_KIND,
                                          count_header, sz);
        else
                for (const char *const *h = q->hdrs; h && h[0] && h[1]; h += 2)
                        count_header(sz, MHD_HEADER_KIND, h[0], h[1]);
        if (sz[0] > REST_MAX_HEADERS || sz[1] > REST_MAX_HEADER_BYTES) {
                q_error(q, 431, "Request Header Fields Too Large: at most %d "
                                "headers and %d bytes",
                        REST_MAX_HEADERS, REST_MAX_HEADER_BYTES);
                return 1;
        }
        return 0;
}

static enum MHD_Result send_answer(req_t *q);
static void req_free(req_t *q);

/* The 414/431 for a request over our limits. The request may fill the
 * connection's memory pool so that libmicrohttpd could not build the
 * answer's header; on a plain-HTTP listener the (small) answer is written
 * to the socket directly and the connection closed, as Jetty closes after
 * these. Over TLS the usual path is taken. */
static enum MHD_Result answer_oversized(req_t *q)
{
        const union MHD_ConnectionInfo *ci, *fi;
        const union MHD_DaemonInfo *di = NULL;
        char *body = NULL, *text = NULL;
        int n;

        if (!q->conn)
                return send_answer(q);
        ci = MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_DAEMON);
        fi = MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci)
                di = MHD_get_daemon_info(ci->daemon, MHD_DAEMON_INFO_FLAGS);
        if (!fi || !di || (di->flags & MHD_USE_TLS))
                return send_answer(q);
        body = json_dumps(q->resp, JSON_COMPACT);
        n = body ? asprintf(&text,
                            "HTTP/1.1 %u %s\r\n"
                            "Content-Type: application/json\r\n"
                            "Content-Length: %zu\r\n"
                            "Connection: close\r\n\r\n%s",
                            q->status,
                            q->status == 414 ? "URI Too Long"
                                             : "Request Header Fields Too Large",
                            strlen(body), body)
                  : -1;
        free(body);
        if (n < 0)
                return MHD_NO;
        /* a few hundred bytes into an idle socket's send buffer */
        ssize_t w = send(fi->connect_fd, text, (size_t)n,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)w;
        free(text);
        LOG_DEBUG(q->rest->lg, "%s (%d bytes) -> %u", q->method, q->uri_len,
                  q->status);
        shutdown(fi->connect_fd, SHUT_WR);
        return MHD_NO; /* libmicrohttpd closes the connection */
}

static enum MHD_Result send_answer(req_t *q)
{
        struct MHD_Response *resp;
        enum MHD_Result ret;
        char *text = NULL;
        size_t len = 0;

        if (q->resp_text) {
                text = q->resp_text;
                len = q->resp_len;
                q->resp_text = NULL;
        } else if (q->resp) {
                text = json_dumps(q->resp, JSON_COMPACT | JSON_ENCODE_ANY);
                len = text ? strlen(text) : 0;
        }
        resp = MHD_create_response_from_buffer(len, text ? text : (void *)"",
                                               text ? MHD_RESPMEM_MUST_FREE
                                                    : MHD_RESPMEM_PERSISTENT);
        if (!resp) {
                free(text);
                return MHD_NO;
        }
        if (text)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                        "application/json");
        if (q->location)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
                                        q->location);
        for (int i = 0; i < q->nrh; i++)
                MHD_add_response_header(resp, q->rh_name[i], q->rh_value[i]);
        MHD_add_response_header(resp, "X-Connectd-Version", CONNECTD_VERSION);
        if (q->status == 401)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                        REST_AUTH_CHALLENGE);
        ret = MHD_queue_response(q->conn, q->status, resp);
        MHD_destroy_response(resp);
        LOG_DEBUG(q->rest->lg, "%s %s -> %u", q->method, q->url, q->status);
        return ret;
}

/* ------------------------------------------------------------------ */
/* Extensions (rest_ext.h) */

int rest_add_ext(rest_t *r, const rest_ext_t *e)
{
        int n = __atomic_load_n(&r->next, __ATOMIC_RELAXED);

        if (n >= REST_MAX_EXT)
                return -1;
        r->ext[n] = *e;
        __atomic_store_n(&r->next, n + 1, __ATOMIC_RELEASE);
        return 0;
}

static const rest_ext_t *find_ext(const rest_t *r, const char *url)
{
        int n = __atomic_load_n(&r->next, __ATOMIC_ACQUIRE);

        for (int i = 0; i < n; i++) {
                const char *p = r->ext[i].prefix;
                size_t l = strlen(p);
                if (strncmp(url, p, l))
                        continue;
                if (l && p[l - 1] == '/')
                        return &r->ext[i];
                if (url[l] == '\0' || url[l] == '/')
                        return &r->ext[i];
        }
        return NULL;
}

void rest_xresp_json(rest_xresp_t *out, unsigned status, json_t *body)
{
        free(out->body);
        out->status = status;
        out->body = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY)
                         : NULL;
        out->body_len = out->body ? strlen(out->body) : 0;
        out->static_body = NULL;
        out->content_type = body ? "application/json" : NULL;
        json_decref(body);
}

void rest_xresp_text(rest_xresp_t *out, unsigned status,
                     const char *content_type, const char *fmt, ...)
{
        va_list ap;
        char *t = NULL;

        va_start(ap, fmt);
        if (vasprintf(&t, fmt, ap) < 0)
                t = NULL;
        va_end(ap);
        free(out->body);
        out->status = status;
        out->body = t;
        out->body_len = t ? strlen(t) : 0;
        out->static_body = NULL;
        out->content_type = content_type;
}

void rest_xresp_header(rest_xresp_t *out, const char *name,
                       const char *value)
{
        char *v;

        if (out->nh >= REST_XRESP_MAX_HEADERS || !(v = strdup(value)))
                return;
        out->hname[out->nh] = name;
        out->hvalue[out->nh++] = v;
}

int rest_xreq_query_at(const rest_xreq_t *x, int i, char **key, char **value)
{
        const char *qs = x->query;

        *key = *value = NULL;
        while (qs && *qs) {
                size_t n = strcspn(qs, "&");
                if (n && i-- == 0) {
                        const char *eq = memchr(qs, '=', n);
                        size_t kl = eq ? (size_t)(eq - qs) : n;
                        *key = rest_percent_decode(qs, kl, 1);
                        *value = eq ? rest_percent_decode(eq + 1,
                                                          n - kl - 1, 1)
                                    : strdup("");
                        if (!*key || !*value) {
                                /* a NUL byte: empty, but keep counting */
                                free(*key);
                                free(*value);
                                *key = strdup("");
                                *value = strdup("");
                        }
                        return *key && *value ? 0 : -1;
                }
                qs += n;
                if (*qs == '&')
                        qs++;
        }
        return -1;
}

static const char *xreq_header(const rest_xreq_t *x, const char *name)
{
        return req_header(x->priv, name);
}

static void xresp_clear(rest_xresp_t *xr)
{
        free(xr->body);
        for (int i = 0; i < xr->nh; i++)
                free(xr->hvalue[i]);
        memset(xr, 0, sizeof(*xr));
}

/* 1 when the handler answered (else rest.c's JSON answer stands). */
static int ext_dispatch(req_t *q)
{
        rest_xreq_t x = {
                .method = q->method,
                .path = q->url,
                .query = q->query,
                .body = q->body_len ? q->body : NULL,
                .body_len = q->body_len,
                .basic_ok = q->basic_ok,
                .header = xreq_header,
                .priv = q,
        };

        if (cors_check(q))
                return 0;
        q->ext->fn(q->ext->ctx, &x, &q->xr);
        if (!q->xr.status)
                q->xr.status = 404;
        return 1;
}

static enum MHD_Result send_xanswer(req_t *q)
{
        rest_xresp_t *xr = &q->xr;
        struct MHD_Response *resp;
        enum MHD_Result ret;
        const void *body = xr->body ? (const void *)xr->body : xr->static_body;

        resp = MHD_create_response_from_buffer(
                body ? xr->body_len : 0, body ? (void *)body : (void *)"",
                MHD_RESPMEM_PERSISTENT); /* req_free frees xr->body */
        if (!resp)
                return MHD_NO;
        if (xr->content_type)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                        xr->content_type);
        for (int i = 0; i < q->nrh; i++)
                MHD_add_response_header(resp, q->rh_name[i], q->rh_value[i]);
        for (int i = 0; i < xr->nh; i++)
                MHD_add_response_header(resp, xr->hname[i], xr->hvalue[i]);
        MHD_add_response_header(resp, "X-Connectd-Version", CONNECTD_VERSION);
        ret = MHD_queue_response(q->conn, xr->status, resp);
        MHD_destroy_response(resp);
        LOG_DEBUG(q->rest->lg, "%s %s -> %u", q->method, q->url, xr->status);
        return ret;
}

static void too_big(req_t *q)
{
        q_error(q, 413, "Request body is larger than the limit of %zu bytes "
                        "(rest.request.max.bytes)",
                q->rest->max_body);
}

/* HTTP Basic, when configured. GET /health stays open for probes. */
static int auth_ok(const rest_t *r, struct MHD_Connection *conn,
                   const char *method, const char *url)
{
        if (!r->auth)
                return 1;
        if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
            (!strcmp(url, "/health") || !strcmp(url, "/health/")))
                return 1;
        return rest_auth_header_ok(
                r->auth, MHD_lookup_connection_value(
                                 conn, MHD_HEADER_KIND,
                                 MHD_HTTP_HEADER_AUTHORIZATION));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
        rest_t *r = cls;
        req_t *q = *con_cls;
        (void)version;

        if (!q || !q->started) {
                if (!q) {
                        /* on_uri could not allocate, or did not run */
                        q = calloc(1, sizeof(*q));
                        if (!q)
                                return MHD_NO;
                        q->rest = r;
                        q->conn = conn;
                        q->uri_len = (int)strnlen(url, REST_MAX_URI + 1);
                        *con_cls = q;
                }
                /* A client certificate that ssl.client.auth refuses: drop
                 * the connection, as a failed handshake would. */
                if (!rest_tls_connection_ok(r->tls, conn))
                        return MHD_NO;
                q->started = 1;
                q->method = method;
                q->url = strdup(url);
                if (!q->url)
                        return MHD_NO;
                q->ext = find_ext(r, url);
                q->basic_ok = auth_ok(r, conn, method, url);
                if (!q->basic_ok && !(q->ext && q->ext->own_auth)) {
                        q_error(q, 401, "%s", REST_AUTH_DENIED);
                        q->responded = 1;
                        return send_answer(q);
                }
                if (check_request_size(q)) {
                        q->responded = 1;
                        return answer_oversized(q);
                }
                query_parse(q, q->query);
                MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND,
                                          collect_query, q);
                const char *cl = MHD_lookup_connection_value(
                        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
                const char *ex = MHD_lookup_connection_value(
                        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
                if (cl && ex && !strcasecmp(ex, "100-continue")) {
                        char *end = NULL;
                        unsigned long long n = strtoull(cl, &end, 10);
                        if (end && !*end && n > r->max_body) {
                                too_big(q);
                                q->responded = 1;
                                return send_answer(q);
                        }
                }
                return MHD_YES;
        }
        if (q->responded) {
                *upload_size = 0;
                return MHD_YES;
        }
        if (*upload_size) {
                size_t n = *upload_size;
                q->seen += n;
                if (!q->too_big && q->body_len + n > r->max_body) {
                        q->too_big = 1;
                        free(q->body);
                        q->body = NULL;
                        q->body_len = q->body_cap = 0;
                }
                if (q->too_big) {
                        if (q->seen / REST_DRAIN_FACTOR > r->max_body)
                                return MHD_NO; /* stop draining, drop it */
                } else {
                        if (q->body_len + n + 1 > q->body_cap) {
                                size_t cap = q->body_cap ? q->body_cap : 4096;
                                while (cap < q->body_len + n + 1)
                                        cap *= 2;
                                char *p = realloc(q->body, cap);
                                if (!p)
                                        return MHD_NO;
                                q->body = p;
                                q->body_cap = cap;
                        }
                        memcpy(q->body + q->body_len, upload, n);
                        q->body_len += n;
                        q->body[q->body_len] = '\0';
                }
                *upload_size = 0;
                return MHD_YES;
        }
        q->responded = 1;
        if (q->too_big) {
                too_big(q);
        } else if (q->ext) {
                if (ext_dispatch(q))
                        return send_xanswer(q);
        } else {
                dispatch(q);
        }
        return send_answer(q);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
        (void)cls;
        (void)conn;
        (void)toe;
        req_free(*con_cls);
        *con_cls = NULL;
}

/* ------------------------------------------------------------------ */
/* Without a connection: one request straight through the router */

unsigned rest_handle(rest_t *r, const char *method, const char *target,
                     const char *const *headers, const char *body,
                     size_t body_len, char **out)
{
        req_t *q = calloc(1, sizeof(*q));
        unsigned status = 500;
        const char *qm = strchr(target, '?');
        size_t n = strlen(target);

        *out = NULL;
        if (!q)
                return status;
        q->rest = r;
        q->hdrs = headers;
        q->method = method;
        q->started = 1;
        q->uri_len = n > INT32_MAX ? INT32_MAX : (int)n;
        q->url = strndup(target, qm ? (size_t)(qm - target) : n);
        if (qm && n <= REST_MAX_URI)
                q->query = strdup(qm + 1);
        if (!q->url)
                goto out;
        if (!check_request_size(q)) {
                query_parse(q, q->query);
                if (body_len > r->max_body) {
                        too_big(q);
                } else {
                        if (body_len) {
                                q->body = malloc(body_len + 1);
                                if (!q->body)
                                        goto out;
                                memcpy(q->body, body, body_len);
                                q->body[body_len] = '\0';
                                q->body_len = q->body_cap = body_len;
                        }
                        dispatch(q);
                }
        }
        status = q->status;
        if (q->resp_text) {
                *out = q->resp_text;
                q->resp_text = NULL;
        } else if (q->resp) {
                *out = json_dumps(q->resp, JSON_COMPACT | JSON_ENCODE_ANY);
        }
out:
        req_free(q);
        return status;
}

static void req_free(req_t *q)
{
        if (!q)
                return;
        for (int i = 0; i < q->ncap; i++)
                free(q->cap[i]);
        for (int i = 0; i < q->nq; i++) {
                free(q->qk[i]);
                free(q->qv[i]);
        }
        json_decref(q->resp);
        free(q->resp_text);
        free(q->location);
        for (int i = 0; i < q->nrh; i++)
                free(q->rh_value[i]);
        xresp_clear(&q->xr);
        free(q->query);
        free(q->body);
        free(q->url);
        free(q);
}

/* Bind one listener URL. Returns the listening socket or -1. */
static int bind_listener(const char *url, int *port_out, int *v6_out,
                         char *errstr, size_t errstr_size)
{
        char host[256] = "", port[16] = "8083";
        const char *p;
        struct addrinfo hints, *res = NULL;
        int fd = -1, rc;

        if (!strncasecmp(url, "http://", 7)) {
                p = url + 7;
        } else if (!strncasecmp(url, "https://", 8)) {
                p = url + 8;
        } else {
                snprintf(errstr, errstr_size, "listener %s: expected "
                         "http://host:port", url);
                return -1;
        }
        if (*p == '[') {
                const char *e = strchr(p, ']');
                if (!e || (size_t)(e - p - 1) >= sizeof(host)) {
                        snprintf(errstr, errstr_size, "listener %s: bad IPv6 "
                                 "address", url);
                        return -1;
                }
                snprintf(host, sizeof(host), "%.*s", (int)(e - p - 1), p + 1);
                p = e + 1;
        } else {
                size_t hl = strcspn(p, ":/");
                if (hl >= sizeof(host)) {
                        snprintf(errstr, errstr_size, "listener %s: host too "
                                 "long", url);
                        return -1;
                }
                snprintf(host, sizeof(host), "%.*s", (int)hl, p);
                p += hl;
        }
        if (*p == ':') {
                size_t pl = strcspn(p + 1, "/");
                snprintf(port, sizeof(port), "%.*s", (int)(pl < 15 ? pl : 15),
                         p + 1);
                if (port[0] == '+' || port[0] == '-' ||
                    java_parse_long(port, 0, 65535, NULL)) {
                        snprintf(errstr, errstr_size, "listener %s: bad port",
                                 url);
                        return -1;
                }
        }
        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        rc = getaddrinfo(*host ? host : "0.0.0.0", port, &hints, &res);
        if (rc) {
                snprintf(errstr, errstr_size, "Invalid value %s for "
                         "configuration listeners: cannot resolve host "
                         "'%s': %s", url, host, gai_strerror(rc));
                return -1;
        }
        fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                snprintf(errstr, errstr_size, "listener %s: socket: %s", url,
                         strerror(errno));
                goto out;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, res->ai_addr, res->ai_addrlen) ||
            listen(fd, SOMAXCONN)) {
                snprintf(errstr, errstr_size, "listener %s: %s", url,
                         strerror(errno));
                close(fd);
                fd = -1;
                goto out;
        }
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        getsockname(fd, (struct sockaddr *)&ss, &sl);
        *v6_out = ss.ss_family == AF_INET6;
        *port_out = ntohs(ss.ss_family == AF_INET6
                                  ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                  : ((struct sockaddr_in *)&ss)->sin_port);
out:
        freeaddrinfo(res);
        return fd;
}

/* Raise the soft RLIMIT_NOFILE to the hard one (every REST connection is a
 * descriptor) and return how many connections the listeners may hold in
 * all. */
static unsigned connection_budget(logger_t *lg)
{
        struct rlimit rl;
        rlim_t fds = 1024;

        if (!getrlimit(RLIMIT_NOFILE, &rl)) {
                if (rl.rlim_cur < rl.rlim_max) {
                        rlim_t old = rl.rlim_cur;
                        rl.rlim_cur = rl.rlim_max;
                        if (setrlimit(RLIMIT_NOFILE, &rl))
                                rl.rlim_cur = old;
                        else
                                LOG_DEBUG(lg, "open files limit raised from "
                                          "%llu to %llu",
                                          (unsigned long long)old,
                                          (unsigned long long)rl.rlim_cur);
                }
                fds = rl.rlim_cur;
        }
        if (fds == RLIM_INFINITY || fds > REST_MAX_CONNECTIONS + REST_FD_RESERVE)
                return REST_MAX_CONNECTIONS;
        if (fds < 2 * REST_FD_RESERVE)
                return (unsigned)(fds / 2);
        return (unsigned)(fds - REST_FD_RESERVE);
}

static int prop_bool(const json_t *props, const char *key, int dflt)
{
        const char *v = props ? wc_get(props, key) : NULL;
        if (!v)
                return dflt;
        return java_parse_boolean(v) == 1;
}

/* Authentication and TLS, before anything is bound: the listener rule
 * (rest_auth_check_listeners), the credentials file, the https keystore. */
static int security_setup(rest_t *r, const json_t *props,
                          const char *listeners, char *errstr,
                          size_t errstr_size)
{
        char open[300];
        const char *cred;

        if (!props)
                return 0;
        if (rest_auth_check_listeners(props, open, sizeof(open), errstr,
                                      errstr_size))
                return -1;
        if (open[0])
                LOG_WARN(r->lg, "REST listener %s is reachable from other "
                         "hosts without authentication "
                         "(rest.allow.unauthenticated.nonloopback=true)",
                         open);
        cred = wc_get(props, "rest.auth.basic.credentials.file");
        if (cred && *cred) {
                char sub[512];
                r->auth = rest_auth_load(cred, sub, sizeof(sub));
                if (!r->auth) {
                        snprintf(errstr, errstr_size,
                                 "rest.auth.basic.credentials.file: %s", sub);
                        return -1;
                }
                if (!rest_auth_count(r->auth))
                        LOG_WARN(r->lg, "rest.auth.basic.credentials.file %s "
                                 "has no users: every request but GET "
                                 "/health is refused", cred);
        }
        if (strcasestr(listeners, "https://")) {
                r->tls = rest_tls_load(props, errstr, errstr_size);
                if (!r->tls)
                        return -1;
        }
        return 0;
}

rest_t *rest_start(herder_t *h, const json_t *worker_props, char *errstr,
                   size_t errstr_size)
{
        rest_t *r = calloc(1, sizeof(*r));
        const char *listeners = worker_props ? wc_get(worker_props, "listeners")
                                             : NULL;
        const char *maxb = worker_props ? wc_get(worker_props,
                                                 "rest.request.max.bytes")
                                        : NULL;
        char *list = NULL, *save = NULL;

        if (!r) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        r->h = h;
        r->props = worker_props;
        r->lg = log_get("connectd.rest");
        r->max_body = REST_DEFAULT_MAX_BODY;
        if (maxb) {
                char *t = java_trim_dup(maxb);
                long long v = 0;
                int bad = !t || java_parse_long(t, 1, LLONG_MAX, &v);

                free(t);
                if (bad) {
                        snprintf(errstr, errstr_size, "rest.request.max.bytes: "
                                 "invalid value '%s'", maxb);
                        goto fail;
                }
                r->max_body = (size_t)v;
        }
        r->cors_origins = worker_props ? wc_get(worker_props,
                                                "access.control.allow.origin")
                                       : NULL;
        r->cors_methods = worker_props ? wc_get(worker_props,
                                                "access.control.allow.methods")
                                       : NULL;
        r->tracking = prop_bool(worker_props, "topic.tracking.enable", 1);
        r->tracking_reset = prop_bool(worker_props, "topic.tracking.allow.reset",
                                      1);
        unsigned conn_limit = connection_budget(r->lg), nlist = 1;
        list = strdup(listeners && *listeners ? listeners : REST_DEFAULT_LISTENER);
        if (!list)
                goto fail;
        if (security_setup(r, worker_props, list, errstr, errstr_size))
                goto fail;
        for (const char *c = list; *c; c++)
                nlist += *c == ',';
        conn_limit = conn_limit / nlist ? conn_limit / nlist : 1;
        for (char *tok = strtok_r(list, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                while (isspace((unsigned char)*tok))
                        tok++;
                char *e = tok + strlen(tok);
                while (e > tok && isspace((unsigned char)e[-1]))
                        *--e = '\0';
                if (!*tok)
                        continue;
                if (r->nd == REST_MAX_LISTENERS) {
                        snprintf(errstr, errstr_size, "at most %d listeners are "
                                 "supported", REST_MAX_LISTENERS);
                        goto fail;
                }
                int port = 0, v6 = 0;
                int fd = bind_listener(tok, &port, &v6, errstr, errstr_size);
                if (fd < 0)
                        goto fail;
                unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
                if (v6)
                        flags |= MHD_USE_IPv6;
                struct MHD_OptionItem tls_opts[REST_TLS_MAX_OPTIONS];
                tls_opts[0] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
                if (!strncasecmp(tok, "https://", 8)) {
                        flags |= MHD_USE_TLS;
                        rest_tls_mhd_options(r->tls, tls_opts);
                }
                r->d[r->nd] = MHD_start_daemon(
                        flags, 0, NULL, NULL, on_request, r,
                        MHD_OPTION_LISTEN_SOCKET, fd,
                        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)REST_THREADS,
                        MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, NULL,
                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, r,
                        MHD_OPTION_CONNECTION_TIMEOUT,
                        (unsigned)REST_IDLE_TIMEOUT_S,
                        MHD_OPTION_URI_LOG_CALLBACK, on_uri, r,
                        MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                        (size_t)REST_CONN_MEMORY,
                        MHD_OPTION_CONNECTION_LIMIT, conn_limit,
                        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                        conn_limit / 2,
                        MHD_OPTION_ARRAY, tls_opts,
                        MHD_OPTION_END);
                if (!r->d[r->nd]) {
                        close(fd);
                        snprintf(errstr, errstr_size, "listener %s: could not "
                                 "start the HTTP server", tok);
                        goto fail;
                }
                if (r->nd == 0)
                        r->port = port;
                r->nd++;
                LOG_INFO(r->lg, "REST server listening on %s (port %d)", tok,
                         port);
        }
        if (!r->nd) {
                snprintf(errstr, errstr_size, "no listener configured");
                goto fail;
        }
        free(list);
        return r;
fail:
        free(list);
        rest_stop(r);
        return NULL;
}

int rest_port(const rest_t *r)
{
        return r ? r->port : -1;
}

void rest_stop(rest_t *r)
{
        if (!r)
                return;
        for (int i = 0; i < r->nd; i++)
                MHD_stop_daemon(r->d[i]);
        rest_auth_free(r->auth);
        rest_tls_free(r->tls);
        free(r);
}
