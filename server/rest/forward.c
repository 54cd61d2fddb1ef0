/*
 * forward — the REST client a worker uses to pass a request on to another
 * worker (the leader, or a connector's owner), and the signatures of
 * internal requests.
 *
 * DESIGN
 * - forward_request() is one blocking libcurl easy call per request: no
 *   shared handle, no connection cache, no global state beyond libcurl's
 *   own one-time initialisation. Any thread may call it (a REST handler
 *   thread does); it blocks at most timeout_ms.
 * - What goes out follows Java Connect's RestClient: the caller's method,
 *   the peer's base URL + the same path and query, the body as given, only
 *   Authorization copied from the incoming request, Accept and
 *   Content-Type application/json, User-Agent kafka-connect, plus the
 *   caller's extra header lines (internal-request signatures). No
 *   redirects, no proxies, no Expect: 100-continue. https peers are
 *   verified (certificate and host name) against the caller's CAs or the
 *   system's; the caller's client certificate goes along when given.
 * - What comes back is relayed as Java relays it: 204 without a body; 2xx
 *   and >= 400 with the peer's status and JSON body; any other status, or a
 *   body that is not JSON, or a transport failure becomes a 500 with
 *   Connect's {"error_code","message"} body, made here. The caller owns
 *   out->body either way (forward_result_free).
 * - Signatures are HMAC-SHA256 (GnuTLS) in standard base64 with padding,
 *   as java.util.Base64 writes them; verification decodes and compares in
 *   constant time.
 */
#include "forward.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <jansson.h>

#define FORWARD_IO_PREFIX "IO Error trying to forward REST request: "
/* Java's REST request timeout, when the caller gives none. */
#define FORWARD_DEFAULT_TIMEOUT_MS 90000
/* Ceiling of a relayed answer: Connect answers are small JSON documents. */
#define FORWARD_BODY_MAX (16u << 20)
#define FORWARD_HMAC_LEN 32

/* ---- the answer made here ---------------------------------------------- */

/* {"error_code":500,"message":<prefix><detail>} as a JSON-correct string;
 * NULL only when out of memory. */
static char *error_body(const char *prefix, const char *detail)
{
        char *msg = NULL, *text = NULL;
        json_t *j = NULL, *jmsg;

        if (asprintf(&msg, "%s%s", prefix, detail ? detail : "") < 0)
                return NULL;
        jmsg = json_string(msg);
        if (!jmsg) /* not UTF-8: say what happened without the detail */
                jmsg = json_string(prefix);
        j = json_object();
        if (!j || !jmsg)
                goto out;
        json_object_set_new(j, "error_code", json_integer(500));
        json_object_set_new(j, "message", jmsg);
        jmsg = NULL;
        text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
        json_decref(jmsg);
        json_decref(j);
        free(msg);
        return text;
}

static void fail(forward_result_t *out, const char *prefix, const char *detail)
{
        free(out->body);
        out->status = 500;
        out->body = error_body(prefix, detail);
}

/* ---- the request ------------------------------------------------------- */

struct answer {
        char *data;
        size_t len, cap;
        int too_big;
};

static size_t answer_cb(char *src, size_t size, size_t nmemb, void *arg)
{
        struct answer *a = arg;
        size_t n = size * nmemb;

        if (n > FORWARD_BODY_MAX - a->len) {
                a->too_big = 1;
                return 0;
        }
        if (a->len + n + 1 > a->cap) {
                size_t cap = a->cap ? a->cap : 1024;
                char *p;

                while (cap < a->len + n + 1)
                        cap *= 2;
                p = realloc(a->data, cap);
                if (!p)
                        return 0;
                a->data = p;
                a->cap = cap;
        }
        memcpy(a->data + a->len, src, n);
        a->len += n;
        a->data[a->len] = '\0';
        return n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void curl_init_once(void)
{
        curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

/* base_url without its trailing slashes + "/" + path without its leading
 * ones, so that "http://h:1/" + "/connectors" and "http://h:1" +
 * "connectors" both give "http://h:1/connectors". */
static char *join_url(const char *base_url, const char *path)
{
        size_t blen = strlen(base_url);
        char *url = NULL;

        while (blen > 0 && base_url[blen - 1] == '/')
                blen--;
        while (*path == '/')
                path++;
        if (asprintf(&url, "%.*s/%s", (int)blen, base_url, path) < 0)
                return NULL;
        return url;
}

static int has_ctl(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 && *s != '\t')
                        return 1;
        return 0;
}

/* Appends the "Name: value" lines of extra (separated by LF or CRLF, empty
 * lines skipped) to *hdrs. 0, or -1 with errstr on a malformed line. */
static int add_extra_headers(struct curl_slist **hdrs, const char *extra,
                             char *errstr, size_t errstr_size)
{
        const char *p = extra;

        while (*p) {
                const char *eol = strchr(p, '\n');
                size_t n = eol ? (size_t)(eol - p) : strlen(p);
                const char *colon;
                char *line;
                struct curl_slist *l;
                size_t i;

                if (n > 0 && p[n - 1] == '\r')
                        n--;
                if (n == 0)
                        goto next;
                colon = memchr(p, ':', n);
                if (!colon || colon == p) {
                        snprintf(errstr, errstr_size,
                                 "malformed extra header line");
                        return -1;
                }
                for (i = 0; i < n; i++) {
                        unsigned char c = (unsigned char)p[i];

                        if ((c < 0x20 && c != '\t') || c == 0x7f ||
                            (p + i < colon && (isspace(c) || c == '\t'))) {
                                snprintf(errstr, errstr_size,
                                         "malformed extra header line");
                                return -1;
                        }
                }
                line = strndup(p, n);
                if (!line) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                l = curl_slist_append(*hdrs, line);
                free(line);
                if (!l) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                *hdrs = l;
next:
                if (!eol)
                        break;
                p = eol + 1;
        }
        return 0;
}

static struct curl_slist *build_headers(const char *authorization,
                                        const char *extra, char *errstr,
                                        size_t errstr_size)
{
        static const char *const fixed[] = {
                "Accept: application/json",
                "Content-Type: application/json",
                "User-Agent: kafka-connect",
                /* curl waits up to a second for "100 Continue" on large
                 * bodies; Java's client sends the body at once. */
                "Expect:",
                NULL,
        };
        struct curl_slist *hdrs = NULL, *l;
        char *auth = NULL;
        int i;

        for (i = 0; fixed[i]; i++) {
                l = curl_slist_append(hdrs, fixed[i]);
                if (!l)
                        goto oom;
                hdrs = l;
        }
        if (authorization) {
                if (has_ctl(authorization)) {
                        snprintf(errstr, errstr_size,
                                 "malformed Authorization header");
                        goto fail;
                }
                if (asprintf(&auth, "Authorization: %s", authorization) < 0) {
                        auth = NULL;
                        goto oom;
                }
                l = curl_slist_append(hdrs, auth);
                free(auth);
                if (!l)
                        goto oom;
                hdrs = l;
        }
        if (extra && add_extra_headers(&hdrs, extra, errstr, errstr_size))
                goto fail;
        return hdrs;
oom:
        snprintf(errstr, errstr_size, "out of memory");
fail:
        curl_slist_free_all(hdrs);
        return NULL;
}

static int method_ok(const char *method)
{
        const char *p;

        if (!*method)
                return 0;
        for (p = method; *p; p++)
                if (!isupper((unsigned char)*p))
                        return 0;
        return 1;
}

/* What Java does with the peer's answer (RestClient.httpRequest): 0 when
 * relayed as is, -1 when replaced by a 500 made here. */
static int relay(forward_result_t *out, long status, struct answer *a)
{
        char detail[256];
        json_error_t jerr;
        json_t *j;

        out->status = status;
        out->body = a->data ? a->data : strdup("");
        a->data = NULL;
        if (!out->body) {
                out->status = 500;
                return -1;
        }
        if (status == 204)
                return 0;
        if (status < 200 || (status >= 300 && status < 400)) {
                snprintf(detail, sizeof(detail), "%ld", status);
                fail(out, "Unexpected status code when handling forwarded "
                          "request: ", detail);
                return -1;
        }
        /* A 2xx without a body (202 of stop, pause, resume) stays as is. */
        if (status < 300 && a->len == 0)
                return 0;
        j = json_loadb(out->body, a->len, JSON_DECODE_ANY, &jerr);
        if (!j || (status >= 400 && !json_is_object(j))) {
                snprintf(detail, sizeof(detail),
                         "unreadable answer (HTTP %ld): %s", status,
                         j ? "not a JSON object" : jerr.text);
                json_decref(j);
                fail(out, FORWARD_IO_PREFIX, detail);
                return -1;
        }
        json_decref(j);
        return 0;
}

/* A PEM text as a curl blob (curl copies it). */
static void set_blob(CURL *c, CURLoption opt, const char *pem)
{
        struct curl_blob blob = {
                .data = (void *)pem,
                .len = strlen(pem),
                .flags = CURL_BLOB_COPY,
        };

        curl_easy_setopt(c, opt, &blob);
}

static void set_tls(CURL *c, const forward_tls_t *tls)
{
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!tls)
                return;
        if (tls->ca_pem)
                set_blob(c, CURLOPT_CAINFO_BLOB, tls->ca_pem);
        if (tls->cert_pem) {
                set_blob(c, CURLOPT_SSLCERT_BLOB, tls->cert_pem);
                curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
                set_blob(c, CURLOPT_SSLKEY_BLOB,
                         tls->key_pem ? tls->key_pem : tls->cert_pem);
                curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
                if (tls->key_password)
                        curl_easy_setopt(c, CURLOPT_KEYPASSWD,
                                         tls->key_password);
        }
}

int forward_request(const char *base_url, const char *method,
                    const char *path_and_query, const char *body,
                    const char *authorization, const char *extra_headers,
                    int timeout_ms, forward_result_t *out)
{
        return forward_request_tls(base_url, method, path_and_query, body,
                                   authorization, extra_headers, NULL,
                                   timeout_ms, out);
}

int forward_request_tls(const char *base_url, const char *method,
                        const char *path_and_query, const char *body,
                        const char *authorization, const char *extra_headers,
                        const forward_tls_t *tls, int timeout_ms,
                        forward_result_t *out)
{
        char errstr[CURL_ERROR_SIZE + 64] = "";
        char cerr[CURL_ERROR_SIZE] = "";
        struct answer a = { 0 };
        struct curl_slist *hdrs = NULL;
        char *url = NULL;
        CURL *c = NULL;
        CURLcode cc;
        long status = 0;
        int rc = -1;

        if (!out)
                return -1;
        out->status = 500;
        out->body = NULL;
        if (!base_url || !method || !path_and_query || !method_ok(method)) {
                snprintf(errstr, sizeof(errstr), "invalid request");
                goto fail;
        }
        if (timeout_ms <= 0)
                timeout_ms = FORWARD_DEFAULT_TIMEOUT_MS;
        pthread_once(&curl_once, curl_init_once);
        if (!curl_ready) {
                snprintf(errstr, sizeof(errstr), "curl_global_init failed");
                goto fail;
        }
        url = join_url(base_url, path_and_query);
        if (!url) {
                snprintf(errstr, sizeof(errstr), "out of memory");
                goto fail;
        }
        hdrs = build_headers(authorization, extra_headers, errstr,
                             sizeof(errstr));
        if (!hdrs)
                goto fail;
        c = curl_easy_init();
        if (!c) {
                snprintf(errstr, sizeof(errstr), "curl_easy_init failed");
                goto fail;
        }
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, answer_cb);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
        set_tls(c, tls);
        if (body) {
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)strlen(body));
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        } else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                   strcmp(method, "PATCH") == 0) {
                /* An empty body with its Content-Length: 0. */
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)0);
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        }
        if (strcmp(method, "HEAD") == 0)
                curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        else
                curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        cc = curl_easy_perform(c);
        if (cc != CURLE_OK) {
                snprintf(errstr, sizeof(errstr), "%s",
                         a.too_big  ? "answer larger than the limit"
                         : cerr[0]  ? cerr
                                    : curl_easy_strerror(cc));
                goto fail;
        }
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        rc = relay(out, status, &a);
        goto out;
fail:
        fail(out, FORWARD_IO_PREFIX, errstr);
        rc = -1;
out:
        if (c)
                curl_easy_cleanup(c);
        curl_slist_free_all(hdrs);
        free(url);
        free(a.data);
        return rc;
}

void forward_result_free(forward_result_t *r)
{
        if (!r)
                return;
        free(r->body);
        r->body = NULL;
}

/* ---- the next hop ------------------------------------------------------ */

char *forward_next_path(const char *path_and_query)
{
        const char *q, *p;
        int seen = 0, state = -1; /* -1 absent/empty, 0 false, 1 true */
        int first = 1;
        size_t cap, len;
        char *out;

        if (!path_and_query)
                return NULL;
        q = strchr(path_and_query, '?');
        cap = strlen(path_and_query) + sizeof("?forward=false");
        out = malloc(cap);
        if (!out)
                return NULL;
        len = q ? (size_t)(q - path_and_query) : strlen(path_and_query);
        memcpy(out, path_and_query, len);
        out[len] = '\0';
        /* Every parameter but forward, in its order and spelling. JAX-RS
         * reads the first forward as a Boolean: empty is absent (null),
         * else "true" in any case is true and all else false. */
        for (p = q ? q + 1 : NULL; p && *p;) {
                const char *amp = strchr(p, '&');
                size_t n = amp ? (size_t)(amp - p) : strlen(p);

                if (n >= 7 && strncmp(p, "forward", 7) == 0 &&
                    (n == 7 || p[7] == '=')) {
                        if (!seen && n > 8)
                                state = n == 12 &&
                                        strncasecmp(p + 8, "true", 4) == 0;
                        seen = 1;
                } else if (n > 0) {
                        out[len++] = first ? '?' : '&';
                        first = 0;
                        memcpy(out + len, p, n);
                        len += n;
                        out[len] = '\0';
                }
                p = amp ? amp + 1 : NULL;
        }
        if (state == 0) {
                free(out);
                return NULL;
        }
        snprintf(out + len, cap - len, "%sforward=%s", first ? "?" : "&",
                 state == 1 ? "false" : "true");
        return out;
}

/* ---- signatures and the session key ------------------------------------ */

static const char b64_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 with padding; -1 when out is too small. */
static int b64_encode(const unsigned char *in, size_t inlen, char *out,
                      size_t out_size)
{
        size_t i, o = 0;

        if (!out || out_size < 4 * ((inlen + 2) / 3) + 1)
                return -1;
        for (i = 0; i + 2 < inlen; i += 3) {
                uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
                             in[i + 2];

                out[o++] = b64_alphabet[v >> 18 & 63];
                out[o++] = b64_alphabet[v >> 12 & 63];
                out[o++] = b64_alphabet[v >> 6 & 63];
                out[o++] = b64_alphabet[v & 63];
        }
        if (i < inlen) {
                uint32_t v = (uint32_t)in[i] << 16;

                if (i + 1 < inlen)
                        v |= (uint32_t)in[i + 1] << 8;
                out[o++] = b64_alphabet[v >> 18 & 63];
                out[o++] = b64_alphabet[v >> 12 & 63];
                out[o++] = i + 1 < inlen ? b64_alphabet[v >> 6 & 63] : '=';
                out[o++] = '=';
        }
        out[o] = '\0';
        return 0;
}

static int b64_value(char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

/* Strict standard base64 as java.util.Base64.getDecoder() reads it
 * (padding optional at the end, nothing else). -1 when malformed or when
 * the result does not fit out_size. */
static int b64_decode(const char *in, unsigned char *out, size_t out_size,
                      size_t *outlen)
{
        size_t n = strlen(in), i, o = 0, pad = 0;
        uint32_t acc = 0;
        int bits = 0;

        while (n > 0 && in[n - 1] == '=' && pad < 2) {
                n--;
                pad++;
        }
        if (n % 4 == 1 || (pad && (n + pad) % 4 != 0))
                return -1;
        for (i = 0; i < n; i++) {
                int v = b64_value(in[i]);

                if (v < 0)
                        return -1;
                acc = (acc << 6 | (uint32_t)v) & 0xffffff;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        if (o >= out_size)
                                return -1;
                        out[o++] = (unsigned char)(acc >> bits & 0xff);
                }
        }
        /* The bits left over must be zero, as Java's decoder insists. */
        if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
                return -1;
        *outlen = o;
        return 0;
}

static int hmac(const unsigned char *key, size_t keylen, const void *body,
                size_t bodylen, unsigned char digest[FORWARD_HMAC_LEN])
{
        if ((!key && keylen) || (!body && bodylen))
                return -1;
        return gnutls_hmac_fast(GNUTLS_MAC_SHA256, key ? (const void *)key : "",
                                keylen, body ? body : "", bodylen,
                                digest) == 0 ? 0 : -1;
}

int forward_sign(const unsigned char *key, size_t keylen, const void *body,
                 size_t bodylen, char *out_b64, size_t out_size)
{
        unsigned char digest[FORWARD_HMAC_LEN];
        int rc;

        if (hmac(key, keylen, body, bodylen, digest))
                return -1;
        rc = b64_encode(digest, sizeof(digest), out_b64, out_size);
        gnutls_memset(digest, 0, sizeof(digest));
        return rc;
}

int forward_sign_headers(const unsigned char *key, size_t keylen,
                         const void *body, size_t bodylen, char *out,
                         size_t out_size)
{
        char sig[4 * ((FORWARD_HMAC_LEN + 2) / 3) + 1];
        int n;

        if (!out || forward_sign(key, keylen, body, bodylen, sig, sizeof(sig)))
                return -1;
        n = snprintf(out, out_size, "%s: %s\n%s: %s\n",
                     FORWARD_SIGNATURE_HEADER, sig,
                     FORWARD_SIGNATURE_ALGORITHM_HEADER,
                     FORWARD_SIGNATURE_ALGORITHM);
        return n > 0 && (size_t)n < out_size ? 0 : -1;
}

int forward_verify(const unsigned char *key, size_t keylen, const void *body,
                   size_t bodylen, const char *signature_b64)
{
        unsigned char want[FORWARD_HMAC_LEN], got[FORWARD_HMAC_LEN + 1];
        volatile unsigned char diff = 0;
        size_t gotlen = 0, i;

        if (!signature_b64 ||
            b64_decode(signature_b64, got, sizeof(got), &gotlen) ||
            gotlen != sizeof(want))
                return 0;
        if (hmac(key, keylen, body, bodylen, want))
                return 0;
        for (i = 0; i < sizeof(want); i++)
                diff |= want[i] ^ got[i];
        return diff == 0;
}

int forward_session_key_new(unsigned char key[FORWARD_SESSION_KEY_LEN])
{
        return gnutls_rnd(GNUTLS_RND_KEY, key, FORWARD_SESSION_KEY_LEN) == 0
                       ? 0 : -1;
}

int forward_key_encode(const unsigned char *key, size_t keylen, char *out_b64,
                       size_t out_size)
{
        if (!key && keylen)
                return -1;
        return b64_encode(key ? key : (const unsigned char *)"", keylen,
                          out_b64, out_size);
}

int forward_key_decode(const char *b64, unsigned char *key, size_t key_size,
                       size_t *keylen)
{
        if (!b64 || !key || !keylen)
                return -1;
        return b64_decode(b64, key, key_size, keylen);
}
