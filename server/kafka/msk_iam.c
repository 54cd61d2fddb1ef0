/*
 * msk_iam — Amazon MSK IAM authentication as SASL/OAUTHBEARER.
 *
 * DESIGN
 * - The token is what aws-msk-iam-sasl-signer-{go,python} make: a GET of
 *   https://kafka.REGION.amazonaws.com/?Action=kafka-cluster%3AConnect
 *   presigned with SigV4 for service "kafka-cluster", X-Amz-Expires=900,
 *   payload hash SHA-256(""), then "&User-Agent=..." appended after
 *   signing, the whole URL base64url-encoded without padding. It expires
 *   900 s after its X-Amz-Date (sooner if the credentials do).
 * - librdkafka asks for a token through the refresh callback: once before
 *   the first connection and again at 80% of the token's lifetime. The
 *   callback runs on whichever thread serves the client's main (or SASL)
 *   queue; its only parameters come from the client's own
 *   sasl.oauthbearer.config ("region=R profile=P"), so it needs no opaque
 *   (the runner uses the opaque for itself).
 * - Credentials are looked up again on every refresh, so rotated
 *   environment or files are picked up; credentials from the container or
 *   instance endpoints are cached process-wide (cache_lock) until 15
 *   minutes before they expire.
 * - awsRoleArn: the chain's credentials assume the role with STS
 *   AssumeRole, presigned with sigv4 (a GET, as for the token); web
 *   identity (EKS IRSA) uses AssumeRoleWithWebIdentity. Both answers are
 *   cached like endpoint credentials.
 * @locks cache_lock: the credentials cache only.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "msk_iam.h"
#include "sigv4.h"

#define MSK_LOGGER "connectd.kafka.msk_iam"
#define IAM_MODULE "software.amazon.msk.auth.iam.IAMLoginModule"
#define IAM_HANDLER "software.amazon.msk.auth.iam.IAMClientCallbackHandler"
#define CONTAINER_HOST "http://169.254.170.2"
#define IMDS_HOST "http://169.254.169.254"
#define HTTP_BODY_MAX 16384

#ifndef CONNECTD_VERSION
#define CONNECTD_VERSION "0"
#endif

static logger_t *msk_lg(void)
{
        static logger_t *l;

        if (!l)
                l = log_get(MSK_LOGGER);
        return l;
}

/* ---------- token ---------- */

static char *b64url(const char *s, size_t n)
{
        static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "abcdefghijklmnopqrstuvwxyz0123456789-_";
        const unsigned char *p = (const unsigned char *)s;
        char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
        size_t i;

        if (!out)
                return NULL;
        for (i = 0; i + 2 < n; i += 3) {
                *o++ = tab[p[i] >> 2];
                *o++ = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
                *o++ = tab[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
                *o++ = tab[p[i + 2] & 63];
        }
        if (n - i == 1) {
                *o++ = tab[p[i] >> 2];
                *o++ = tab[(p[i] & 3) << 4];
        } else if (n - i == 2) {
                *o++ = tab[p[i] >> 2];
                *o++ = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
                *o++ = tab[(p[i + 1] & 15) << 2];
        }
        *o = '\0';
        return out;
}

int msk_iam_token(const char *region, const msk_iam_creds_t *cr, time_t now,
                  const char *user_agent, char **token, long long *expiry_ms,
                  char *errstr, size_t errstr_size)
{
        static const sigv4_param_t action = { "Action",
                                              "kafka-cluster:Connect" };
        char host[160], empty_hash[65], *url = NULL;
        unsigned char h[SIGV4_SHA256_LEN];
        size_t cap = 16384, pos;
        sigv4_presign_t p;
        int w;

        if (!region || !*region || !cr->access_key_id[0] ||
            !cr->secret_access_key[0]) {
                snprintf(errstr, errstr_size,
                         "MSK IAM: a region and AWS credentials are needed "
                         "to sign the token");
                return -1;
        }
        w = snprintf(host, sizeof(host), "kafka.%s.amazonaws.com", region);
        if (w < 0 || (size_t)w >= sizeof(host))
                goto too_long;
        sigv4_sha256("", 0, h);
        sigv4_hex(h, sizeof(h), empty_hash);
        memset(&p, 0, sizeof(p));
        p.method = "GET";
        p.host = host;
        p.path = "/";
        p.params = &action;
        p.nparams = 1;
        p.region = region;
        p.service = "kafka-cluster";
        p.access_key_id = cr->access_key_id;
        p.secret_access_key = cr->secret_access_key;
        p.session_token = cr->session_token;
        p.when = now;
        p.expires = MSK_IAM_TOKEN_LIFETIME_S;
        p.payload_hash = empty_hash;

        url = malloc(cap);
        if (!url) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        w = snprintf(url, cap, "https://%s/?", host);
        pos = (size_t)w;
        if (sigv4_presign_query(&p, url + pos, cap - pos))
                goto too_long;
        pos += strlen(url + pos);
        if (user_agent && *user_agent) {
                if (pos + 12 >= cap)
                        goto too_long;
                memcpy(url + pos, "&User-Agent=", 12);
                pos += 12;
                if (sigv4_uri_encode(url, cap, &pos, user_agent, 0))
                        goto too_long;
        }
        *token = b64url(url, pos);
        free(url);
        if (!*token) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        *expiry_ms = ((long long)now + MSK_IAM_TOKEN_LIFETIME_S) * 1000LL;
        return 0;
too_long:
        free(url);
        snprintf(errstr, errstr_size,
                 "MSK IAM: region or credentials too long to sign");
        return -1;
}

/* ---------- region ---------- */

int msk_iam_region_from_bootstrap(const char *bootstrap, char *out, size_t n)
{
        const char *p = bootstrap;

        /* Each entry: [proto://]host[:port]; the region is the label after
         * ".kafka." (or ".kafka-serverless.") when the name ends in
         * ".amazonaws.com[.cn]". */
        while (p && *p) {
                const char *end = p + strcspn(p, ", "), *h = p, *k, *r;
                size_t hl, rl;
                const char *colon;

                if ((k = strstr(h, "://")) && k < end)
                        h = k + 3;
                colon = memchr(h, ':', (size_t)(end - h));
                hl = (size_t)((colon ? colon : end) - h);
                for (k = h; k + 7 <= h + hl; k++) {
                        if (strncasecmp(k, ".kafka.", 7) &&
                            strncasecmp(k, ".kafka-serverless.", 18))
                                continue;
                        /* A cluster may be named "kafka" too: the region
                         * label is the one followed by .amazonaws.com. */
                        r = k + (strncasecmp(k, ".kafka.", 7) ? 18 : 7);
                        if (r >= h + hl)
                                break;
                        rl = strcspn(r, ".");
                        if (r + rl >= h + hl ||
                            strncasecmp(r + rl, ".amazonaws.com", 14) ||
                            rl == 0 || rl >= n)
                                continue;
                        for (hl = 0; hl < rl; hl++)
                                out[hl] = (char)tolower((unsigned char)r[hl]);
                        out[rl] = '\0';
                        return 1;
                }
                p = end;
                while (*p == ',' || *p == ' ')
                        p++;
        }
        return 0;
}

int msk_iam_region(const char *setting, const char *bootstrap, char *out,
                   size_t n)
{
        const char *env;

        if (setting && *setting) {
                snprintf(out, n, "%s", setting);
                return 1;
        }
        if (bootstrap && msk_iam_region_from_bootstrap(bootstrap, out, n))
                return 1;
        if (((env = getenv("AWS_REGION")) && *env) ||
            ((env = getenv("AWS_DEFAULT_REGION")) && *env)) {
                snprintf(out, n, "%s", env);
                return 1;
        }
        return 0;
}

/* ---------- credentials: files ---------- */

static char *trim(char *s)
{
        char *e;

        while (*s == ' ' || *s == '\t')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                         e[-1] == '\n'))
                *--e = '\0';
        return s;
}

static int copy_field(char *dst, size_t n, const char *src)
{
        size_t l = strlen(src);

        if (l >= n)
                return -1;
        memcpy(dst, src, l + 1);
        return 0;
}

int msk_iam_creds_from_file(const char *path, const char *profile,
                            int config_style, msk_iam_creds_t *cr,
                            char *errstr, size_t errstr_size)
{
        FILE *f = fopen(path, "r");
        char line[8192], want[300], alt[300];
        int in = 0, found = 0;

        if (!f) {
                if (errno == ENOENT)
                        return 0;
                snprintf(errstr, errstr_size, "cannot read %s: %s", path,
                         strerror(errno));
                return -1;
        }
        if (config_style && strcmp(profile, "default")) {
                snprintf(want, sizeof(want), "profile %s", profile);
                alt[0] = '\0';
        } else {
                snprintf(want, sizeof(want), "%s", profile);
                snprintf(alt, sizeof(alt), config_style ? "profile default"
                                                        : "%s", profile);
        }
        memset(cr, 0, sizeof(*cr));
        while (fgets(line, sizeof(line), f)) {
                char *s = trim(line), *eq, *k, *v;

                if (!*s || *s == '#' || *s == ';')
                        continue;
                if (*s == '[') {
                        char *e = strrchr(s, ']');

                        if (!e)
                                continue;
                        *e = '\0';
                        s = trim(s + 1);
                        /* "profile  x" has any run of blanks. */
                        if (config_style && !strncmp(s, "profile", 7) &&
                            (s[7] == ' ' || s[7] == '\t')) {
                                char *name = trim(s + 8);

                                memmove(s + 8, name, strlen(name) + 1);
                                s[7] = ' ';
                        }
                        in = !strcmp(s, want) || (*alt && !strcmp(s, alt));
                        continue;
                }
                if (!in || !(eq = strchr(s, '=')))
                        continue;
                *eq = '\0';
                k = trim(s);
                v = trim(eq + 1);
                if (!strcasecmp(k, "aws_access_key_id"))
                        found |= copy_field(cr->access_key_id,
                                            sizeof(cr->access_key_id), v)
                                         ? 8 : 1;
                else if (!strcasecmp(k, "aws_secret_access_key"))
                        found |= copy_field(cr->secret_access_key,
                                            sizeof(cr->secret_access_key), v)
                                         ? 8 : 2;
                else if (!strcasecmp(k, "aws_session_token"))
                        found |= copy_field(cr->session_token,
                                            sizeof(cr->session_token), v)
                                         ? 8 : 4;
        }
        fclose(f);
        if (found & 8) {
                snprintf(errstr, errstr_size,
                         "a value of profile %s in %s is too long", profile,
                         path);
                return -1;
        }
        if ((found & 3) != 3) {
                memset(cr, 0, sizeof(*cr));
                return 0;
        }
        snprintf(cr->source, sizeof(cr->source), "profile %s", profile);
        return 1;
}

static void home_path(char *out, size_t n, const char *env, const char *rel)
{
        const char *v = getenv(env), *home = getenv("HOME");

        if (v && *v)
                snprintf(out, n, "%s", v);
        else
                snprintf(out, n, "%s/%s", home && *home ? home : ".", rel);
}

/* 1 found, 0 not, -1 error. */
static int creds_from_profile(const char *profile, msk_iam_creds_t *cr,
                              char *errstr, size_t errstr_size)
{
        char path[1024];
        int rc;

        home_path(path, sizeof(path), "AWS_SHARED_CREDENTIALS_FILE",
                  ".aws/credentials");
        rc = msk_iam_creds_from_file(path, profile, 0, cr, errstr,
                                     errstr_size);
        if (rc)
                return rc;
        home_path(path, sizeof(path), "AWS_CONFIG_FILE", ".aws/config");
        return msk_iam_creds_from_file(path, profile, 1, cr, errstr,
                                       errstr_size);
}

static int creds_from_env(msk_iam_creds_t *cr)
{
        const char *a = getenv("AWS_ACCESS_KEY_ID"),
                   *s = getenv("AWS_SECRET_ACCESS_KEY"),
                   *t = getenv("AWS_SESSION_TOKEN");

        if (!a || !*a || !s || !*s)
                return 0;
        memset(cr, 0, sizeof(*cr));
        if (copy_field(cr->access_key_id, sizeof(cr->access_key_id), a) ||
            copy_field(cr->secret_access_key, sizeof(cr->secret_access_key),
                       s) ||
            (t && copy_field(cr->session_token, sizeof(cr->session_token),
                             t)))
                return 0;
        snprintf(cr->source, sizeof(cr->source), "environment");
        return 1;
}

/* ---------- credentials: endpoints ---------- */

struct body {
        char text[HTTP_BODY_MAX];
        size_t len;
        int overflow;
};

static size_t body_cb(char *src, size_t size, size_t nmemb, void *arg)
{
        struct body *b = arg;
        size_t n = size * nmemb;

        if (n >= sizeof(b->text) - b->len) {
                b->overflow = 1;
                return 0;
        }
        memcpy(b->text + b->len, src, n);
        b->len += n;
        b->text[b->len] = '\0';
        return n;
}

/* One request; 0 on HTTP 200 with the body in b, else -1 + errstr. */
static int http_do(const char *method, const char *url, const char *what,
                   struct curl_slist *hdrs, long timeout_ms, struct body *b,
                   char *errstr, size_t errstr_size)
{
        CURL *c = curl_easy_init();
        char cerr[CURL_ERROR_SIZE] = "";
        long status = 0;
        CURLcode cc;
        int rc = -1;

        memset(b, 0, sizeof(*b));
        if (!c) {
                snprintf(errstr, errstr_size, "curl_easy_init failed");
                return -1;
        }
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
        cc = curl_easy_perform(c);
        if (cc != CURLE_OK) {
                snprintf(errstr, errstr_size, "%s: %s", what ? what : url,
                         b->overflow ? "response too large"
                         : cerr[0]   ? cerr
                                     : curl_easy_strerror(cc));
                goto out;
        }
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) {
                snprintf(errstr, errstr_size, "%s: HTTP %ld",
                         what ? what : url, status);
                goto out;
        }
        rc = 0;
out:
        curl_easy_cleanup(c);
        return rc;
}

/* "2024-01-02T03:04:05Z" (fractions and offsets as the SDKs write them). */
static long long parse_iso8601(const char *s)
{
        struct tm tm;
        const char *rest;
        long long t;

        memset(&tm, 0, sizeof(tm));
        if (!s || !(rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
                return 0;
        t = (long long)timegm(&tm);
        if (*rest == '.')
                while (*++rest >= '0' && *rest <= '9')
                        ;
        if ((*rest == '+' || *rest == '-') && strlen(rest) >= 6) {
                long long off = ((rest[1] - '0') * 10 + (rest[2] - '0')) *
                                        3600 +
                                ((rest[4] - '0') * 10 + (rest[5] - '0')) * 60;
                t += *rest == '+' ? -off : off;
        }
        return t;
}

/* {"AccessKeyId":..,"SecretAccessKey":..,"Token":..,"Expiration":..} */
static int creds_from_json(const char *text, const char *source,
                           msk_iam_creds_t *cr, char *errstr,
                           size_t errstr_size)
{
        json_t *root = json_loads(text, 0, NULL);
        const char *a, *s, *t, *e;
        int rc = -1;

        a = json_string_value(json_object_get(root, "AccessKeyId"));
        s = json_string_value(json_object_get(root, "SecretAccessKey"));
        t = json_string_value(json_object_get(root, "Token"));
        e = json_string_value(json_object_get(root, "Expiration"));
        memset(cr, 0, sizeof(*cr));
        if (!a || !s || !*a || !*s ||
            copy_field(cr->access_key_id, sizeof(cr->access_key_id), a) ||
            copy_field(cr->secret_access_key, sizeof(cr->secret_access_key),
                       s) ||
            (t && copy_field(cr->session_token, sizeof(cr->session_token),
                             t))) {
                snprintf(errstr, errstr_size,
                         "%s: no usable AccessKeyId/SecretAccessKey in the "
                         "response", source);
                memset(cr, 0, sizeof(*cr));
                goto out;
        }
        cr->expiration = parse_iso8601(e);
        snprintf(cr->source, sizeof(cr->source), "%s", source);
        rc = 0;
out:
        json_decref(root);
        return rc;
}

static int read_small_file(const char *path, char *out, size_t n)
{
        FILE *f = fopen(path, "r");
        size_t l;

        if (!f)
                return -1;
        l = fread(out, 1, n - 1, f);
        fclose(f);
        out[l] = '\0';
        while (l && (out[l - 1] == '\n' || out[l - 1] == '\r'))
                out[--l] = '\0';
        return 0;
}

/* 1 got, 0 not configured, -1 error. */
static int creds_from_container(msk_iam_creds_t *cr, char *errstr,
                                size_t errstr_size)
{
        const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
                   *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
                   *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
                   *tokfile =
                           getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        struct curl_slist *hdrs = NULL;
        char url[2048], auth[4096], hdr[4200];
        struct body *b = NULL;
        int rc = -1;

        if (rel && *rel)
                snprintf(url, sizeof(url), "%s%s", CONTAINER_HOST, rel);
        else if (full && *full)
                snprintf(url, sizeof(url), "%s", full);
        else
                return 0;
        auth[0] = '\0';
        if (tokfile && *tokfile) {
                if (read_small_file(tokfile, auth, sizeof(auth))) {
                        snprintf(errstr, errstr_size,
                                 "container credentials: cannot read "
                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s",
                                 tokfile);
                        return -1;
                }
        } else if (tok && *tok) {
                snprintf(auth, sizeof(auth), "%s", tok);
        }
        if (auth[0]) {
                snprintf(hdr, sizeof(hdr), "Authorization: %s", auth);
                hdrs = curl_slist_append(hdrs, hdr);
        }
        hdrs = curl_slist_append(hdrs, "Accept: application/json");
        b = malloc(sizeof(*b));
        if (!hdrs || !b) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        if (http_do("GET", url, NULL, hdrs, 5000, b, errstr, errstr_size) ||
            creds_from_json(b->text, "container credentials", cr, errstr,
                            errstr_size))
                goto out;
        rc = 1;
out:
        free(b);
        curl_slist_free_all(hdrs);
        return rc;
}

/* IMDSv2. 1 got, 0 disabled, -1 error. */
static int creds_from_imds(msk_iam_creds_t *cr, char *errstr,
                           size_t errstr_size)
{
        const char *dis = getenv("AWS_EC2_METADATA_DISABLED"),
                   *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        struct curl_slist *hdrs = NULL;
        char base[512], url[1024], hdr[1200], role[256];
        struct body *b = NULL;
        size_t l;
        int rc = -1;

        if (dis && !strcasecmp(dis, "true"))
                return 0;
        snprintf(base, sizeof(base), "%s", ep && *ep ? ep : IMDS_HOST);
        l = strlen(base);
        while (l && base[l - 1] == '/')
                base[--l] = '\0';
        b = malloc(sizeof(*b));
        if (!b) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        hdrs = curl_slist_append(NULL,
                                 "X-aws-ec2-metadata-token-ttl-seconds: 300");
        snprintf(url, sizeof(url), "%s/latest/api/token", base);
        if (!hdrs ||
            http_do("PUT", url, NULL, hdrs, 1000, b, errstr, errstr_size))
                goto out;
        curl_slist_free_all(hdrs);
        snprintf(hdr, sizeof(hdr), "X-aws-ec2-metadata-token: %.1000s",
                 trim(b->text));
        hdrs = curl_slist_append(NULL, hdr);
        snprintf(url, sizeof(url),
                 "%s/latest/meta-data/iam/security-credentials/", base);
        if (!hdrs ||
            http_do("GET", url, NULL, hdrs, 1000, b, errstr, errstr_size))
                goto out;
        snprintf(role, sizeof(role), "%.*s", (int)strcspn(b->text, "\r\n"),
                 b->text);
        if (!role[0]) {
                snprintf(errstr, errstr_size,
                         "instance metadata: no IAM role attached");
                goto out;
        }
        snprintf(url, sizeof(url),
                 "%s/latest/meta-data/iam/security-credentials/%s", base,
                 role);
        if (http_do("GET", url, NULL, hdrs, 1000, b, errstr, errstr_size) ||
            creds_from_json(b->text, "instance metadata", cr, errstr,
                            errstr_size))
                goto out;
        rc = 1;
out:
        free(b);
        curl_slist_free_all(hdrs);
        return rc;
}

/* Credentials from endpoints and STS, reused until 15 minutes before they
 * expire. A few slots, each keyed by where the credentials came from. */
#define CACHE_SLOTS 8
#define CACHE_MARGIN_S (15 * 60)

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        char key[1200];
        msk_iam_creds_t cr;
} cache[CACHE_SLOTS];                  /* @locks cache_lock */
static int cache_next;                 /* @locks cache_lock */

static int cache_get(const char *key, msk_iam_creds_t *cr)
{
        int i, hit = 0;

        pthread_mutex_lock(&cache_lock);
        for (i = 0; i < CACHE_SLOTS; i++) {
                if (!cache[i].cr.access_key_id[0] ||
                    strcmp(cache[i].key, key))
                        continue;
                if (!cache[i].cr.expiration ||
                    cache[i].cr.expiration - (long long)time(NULL) >
                            CACHE_MARGIN_S) {
                        *cr = cache[i].cr;
                        hit = 1;
                }
                break;
        }
        pthread_mutex_unlock(&cache_lock);
        return hit;
}

static void cache_put(const char *key, const msk_iam_creds_t *cr)
{
        int i;

        pthread_mutex_lock(&cache_lock);
        for (i = 0; i < CACHE_SLOTS; i++)
                if (!strcmp(cache[i].key, key))
                        break;
        if (i == CACHE_SLOTS) {
                i = cache_next;
                cache_next = (cache_next + 1) % CACHE_SLOTS;
        }
        snprintf(cache[i].key, sizeof(cache[i].key), "%s", key);
        cache[i].cr = *cr;
        pthread_mutex_unlock(&cache_lock);
}

/* Container, then IMDS, through the cache. 1 got, 0 none, -1 error. */
static int creds_from_endpoints(msk_iam_creds_t *cr, char *errstr,
                                size_t errstr_size)
{
        const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
                   *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        char key[1200];
        int rc;

        snprintf(key, sizeof(key), "endpoint|%.500s|%.500s", rel ? rel : "",
                 full ? full : "");
        if (cache_get(key, cr))
                return 1;
        rc = creds_from_container(cr, errstr, errstr_size);
        if (rc == 0)
                rc = creds_from_imds(cr, errstr, errstr_size);
        if (rc == 1)
                cache_put(key, cr);
        return rc;
}

/* ---------- credentials: STS ---------- */

/* Text of the first <tag>...</tag> in xml into out; 0 or -1. */
static int xml_get(const char *xml, const char *tag, char *out, size_t n)
{
        char open[64], close[64];
        const char *a, *b;

        snprintf(open, sizeof(open), "<%s>", tag);
        snprintf(close, sizeof(close), "</%s>", tag);
        if (!(a = strstr(xml, open)))
                return -1;
        a += strlen(open);
        if (!(b = strstr(a, close)) || (size_t)(b - a) >= n)
                return -1;
        memcpy(out, a, (size_t)(b - a));
        out[b - a] = '\0';
        return 0;
}

/* The STS endpoint for region: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL,
 * else https://sts.REGION.amazonaws.com. base gets it without a trailing
 * '/', host its host[:port]. */
static int sts_endpoint(const char *region, char *base, size_t bn,
                        char *host, size_t hn)
{
        const char *e = getenv("AWS_ENDPOINT_URL_STS"), *h;
        size_t l;

        if (!e || !*e)
                e = getenv("AWS_ENDPOINT_URL");
        if (e && *e)
                snprintf(base, bn, "%s", e);
        else if (region && *region)
                snprintf(base, bn, "https://sts.%s.amazonaws.com", region);
        else
                snprintf(base, bn, "https://sts.amazonaws.com");
        l = strlen(base);
        while (l && base[l - 1] == '/')
                base[--l] = '\0';
        if (!(h = strstr(base, "://")))
                return -1;
        h += 3;
        l = strcspn(h, "/");
        if (!l || l >= hn)
                return -1;
        memcpy(host, h, l);
        host[l] = '\0';
        return 0;
}

/* GET url (an STS query) and read the <Credentials> of its answer. */
static int sts_get(const char *url, const char *source, msk_iam_creds_t *cr,
                   char *errstr, size_t errstr_size)
{
        struct body *b = malloc(sizeof(*b));
        char exp[64], msg[512];
        int rc = -1;

        if (!b) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        memset(cr, 0, sizeof(*cr));
        /* The query holds a token or signature: errors name the call,
         * not the URL, plus STS's own words when there are any. */
        if (http_do("GET", url, source, NULL, 10000, b, errstr,
                    errstr_size)) {
                if (!xml_get(b->text, "Message", msg, sizeof(msg)))
                        snprintf(errstr + strlen(errstr),
                                 errstr_size - strlen(errstr), " (%s)", msg);
                goto out;
        }
        if (xml_get(b->text, "AccessKeyId", cr->access_key_id,
                    sizeof(cr->access_key_id)) ||
            xml_get(b->text, "SecretAccessKey", cr->secret_access_key,
                    sizeof(cr->secret_access_key)) ||
            xml_get(b->text, "SessionToken", cr->session_token,
                    sizeof(cr->session_token))) {
                memset(cr, 0, sizeof(*cr));
                snprintf(errstr, errstr_size,
                         "%s: no credentials in the answer", source);
                goto out;
        }
        if (!xml_get(b->text, "Expiration", exp, sizeof(exp)))
                cr->expiration = parse_iso8601(exp);
        snprintf(cr->source, sizeof(cr->source), "%s", source);
        rc = 0;
out:
        memset(b, 0, sizeof(*b));
        free(b);
        return rc;
}

static int query_add(char *q, size_t n, size_t *pos, const char *k,
                     const char *v)
{
        if (*pos) {
                if (*pos + 1 >= n)
                        return -1;
                q[(*pos)++] = '&';
        }
        if (sigv4_uri_encode(q, n, pos, k, 0) || *pos + 1 >= n)
                return -1;
        q[(*pos)++] = '=';
        return sigv4_uri_encode(q, n, pos, v, 0);
}

int msk_iam_assume_role(const msk_iam_creds_t *base, const char *role_arn,
                        const char *session_name, const char *external_id,
                        const char *sts_region, msk_iam_creds_t *cr,
                        char *errstr, size_t errstr_size)
{
        sigv4_param_t params[5];
        sigv4_presign_t p;
        char ep[512], host[256], key[1200], empty_hash[65], *url = NULL;
        unsigned char h[SIGV4_SHA256_LEN];
        size_t cap = 16384, np = 0;
        const char *region = sts_region && *sts_region ? sts_region
                                                       : "us-east-1";
        int rc = -1, w;

        if (!session_name || !*session_name)
                session_name = MSK_IAM_SESSION_NAME;
        snprintf(key, sizeof(key), "role|%.400s|%.100s|%.200s|%s|%.100s",
                 role_arn, session_name, external_id ? external_id : "",
                 region, base->access_key_id);
        if (cache_get(key, cr))
                return 0;
        if (sts_endpoint(sts_region, ep, sizeof(ep), host, sizeof(host))) {
                snprintf(errstr, errstr_size, "invalid STS endpoint %s", ep);
                return -1;
        }
        params[np++] = (sigv4_param_t){ "Action", "AssumeRole" };
        params[np++] = (sigv4_param_t){ "Version", "2011-06-15" };
        params[np++] = (sigv4_param_t){ "RoleArn", role_arn };
        params[np++] = (sigv4_param_t){ "RoleSessionName", session_name };
        if (external_id && *external_id)
                params[np++] = (sigv4_param_t){ "ExternalId", external_id };
        sigv4_sha256("", 0, h);
        sigv4_hex(h, sizeof(h), empty_hash);
        memset(&p, 0, sizeof(p));
        p.method = "GET";
        p.host = host;
        p.path = "/";
        p.params = params;
        p.nparams = np;
        p.region = region;
        p.service = "sts";
        p.access_key_id = base->access_key_id;
        p.secret_access_key = base->secret_access_key;
        p.session_token = base->session_token;
        p.when = time(NULL);
        p.expires = 60;
        p.payload_hash = empty_hash;
        url = malloc(cap);
        if (!url) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        w = snprintf(url, cap, "%s/?", ep);
        if (w < 0 || (size_t)w >= cap ||
            sigv4_presign_query(&p, url + w, cap - (size_t)w)) {
                snprintf(errstr, errstr_size,
                         "AssumeRole %s: request too long", role_arn);
                goto out;
        }
        if (sts_get(url, "AssumeRole", cr, errstr, errstr_size))
                goto out;
        snprintf(cr->source, sizeof(cr->source), "role %.50s",
                 strrchr(role_arn, '/') ? strrchr(role_arn, '/') + 1
                                        : role_arn);
        cache_put(key, cr);
        rc = 0;
out:
        free(url);
        return rc;
}

/* EKS IAM roles for service accounts: AWS_WEB_IDENTITY_TOKEN_FILE and
 * AWS_ROLE_ARN, STS AssumeRoleWithWebIdentity (an unsigned call).
 * 1 got, 0 not configured, -1 error. */
static int creds_from_web_identity(const char *sts_region,
                                   msk_iam_creds_t *cr, char *errstr,
                                   size_t errstr_size)
{
        const char *file = getenv("AWS_WEB_IDENTITY_TOKEN_FILE"),
                   *role = getenv("AWS_ROLE_ARN"),
                   *sess = getenv("AWS_ROLE_SESSION_NAME");
        char ep[512], host[256], key[1200], *tok = NULL, *url = NULL;
        size_t cap = 16384, pos;
        int rc = -1, w;

        if (!file || !*file || !role || !*role)
                return 0;
        if (!sess || !*sess)
                sess = MSK_IAM_SESSION_NAME;
        snprintf(key, sizeof(key), "webid|%.400s|%.400s|%.100s", role, file,
                 sess);
        if (cache_get(key, cr))
                return 1;
        if (sts_endpoint(sts_region, ep, sizeof(ep), host, sizeof(host))) {
                snprintf(errstr, errstr_size, "invalid STS endpoint %s", ep);
                return -1;
        }
        tok = malloc(8192);
        url = malloc(cap);
        if (!tok || !url) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        if (read_small_file(file, tok, 8192) || !tok[0]) {
                snprintf(errstr, errstr_size,
                         "cannot read AWS_WEB_IDENTITY_TOKEN_FILE %s", file);
                goto out;
        }
        w = snprintf(url, cap, "%s/?", ep);
        pos = 0;
        if (w < 0 || (size_t)w >= cap ||
            query_add(url + w, cap - (size_t)w, &pos, "Action",
                      "AssumeRoleWithWebIdentity") ||
            query_add(url + w, cap - (size_t)w, &pos, "RoleArn", role) ||
            query_add(url + w, cap - (size_t)w, &pos, "RoleSessionName",
                      sess) ||
            query_add(url + w, cap - (size_t)w, &pos, "Version",
                      "2011-06-15") ||
            query_add(url + w, cap - (size_t)w, &pos, "WebIdentityToken",
                      tok)) {
                snprintf(errstr, errstr_size,
                         "AssumeRoleWithWebIdentity: request too long");
                goto out;
        }
        if (sts_get(url, "AssumeRoleWithWebIdentity", cr, errstr,
                    errstr_size))
                goto out;
        snprintf(cr->source, sizeof(cr->source), "web identity");
        cache_put(key, cr);
        rc = 1;
out:
        if (tok)
                memset(tok, 0, 8192);
        free(tok);
        free(url);
        return rc;
}

int msk_iam_credentials(const char *profile, const char *sts_region,
                        msk_iam_creds_t *cr, char *errstr,
                        size_t errstr_size)
{
        const char *envp = getenv("AWS_PROFILE");
        char err[512] = "";
        int rc;

        if (profile && *profile) {
                rc = creds_from_profile(profile, cr, err, sizeof(err));
                if (rc == 1)
                        return 0;
                snprintf(errstr, errstr_size,
                         "MSK IAM: no AWS credentials for profile %s in the "
                         "shared credentials or config file%s%s",
                         profile, err[0] ? ": " : "", err);
                return -1;
        }
        if (creds_from_env(cr))
                return 0;
        rc = creds_from_web_identity(sts_region, cr, err, sizeof(err));
        if (rc == 1)
                return 0;
        if (rc == 0)
                rc = creds_from_profile(envp && *envp ? envp : "default", cr,
                                        err, sizeof(err));
        if (rc == 1)
                return 0;
        if (rc == 0) {
                rc = creds_from_endpoints(cr, err, sizeof(err));
                if (rc == 1)
                        return 0;
        }
        snprintf(errstr, errstr_size,
                 "MSK IAM: no AWS credentials found (tried the environment, "
                 "web identity, profile %s in the shared files, the "
                 "container endpoint and instance metadata)%s%s",
                 envp && *envp ? envp : "default", err[0] ? ": " : "", err);
        return -1;
}

/* ---------- JAAS ---------- */

/* Parses "Module flag k=v k2="v2";" calling back per option. Returns 0, or
 * -1 when malformed. module gets the class name. */
static int jaas_parse(const char *s, char *module, size_t module_size,
                      int (*opt)(void *arg, const char *k, const char *v),
                      void *arg)
{
        char key[128], val[2048];
        size_t n;

        while (isspace((unsigned char)*s))
                s++;
        n = strcspn(s, " \t\r\n;");
        if (!n || n >= module_size)
                return -1;
        memcpy(module, s, n);
        module[n] = '\0';
        s += n;
        while (isspace((unsigned char)*s))
                s++;
        n = strcspn(s, " \t\r\n;");
        if (!n)
                return -1; /* control flag is required */
        s += n;
        for (;;) {
                while (isspace((unsigned char)*s))
                        s++;
                if (*s == ';' || !*s)
                        return 0;
                n = strcspn(s, " \t\r\n=;");
                if (!n || n >= sizeof(key) || s[n] != '=')
                        return -1;
                memcpy(key, s, n);
                key[n] = '\0';
                s += n + 1;
                n = 0;
                if (*s == '"') {
                        for (s++; *s && *s != '"'; s++) {
                                if (*s == '\\' && s[1])
                                        s++;
                                if (n + 1 >= sizeof(val))
                                        return -1;
                                val[n++] = *s;
                        }
                        if (*s != '"')
                                return -1;
                        s++;
                } else {
                        for (; *s && !isspace((unsigned char)*s) && *s != ';';
                             s++) {
                                if (n + 1 >= sizeof(val))
                                        return -1;
                                val[n++] = *s;
                        }
                }
                val[n] = '\0';
                if (opt(arg, key, val))
                        return -1;
        }
}

struct jaas_opts {
        char profile[256];
        char role[512];
        char session[128];
        char extid[256];
        char sts_region[64];
        char username[512];
        char password[1024];
        const char *bad;      /* an IAM option that cannot be used */
};

/* IAM options travel space-separated in sasl.oauthbearer.config. */
static void iam_opt(struct jaas_opts *j, const char *name, char *dst,
                    size_t n, const char *v)
{
        if (strlen(v) >= n || strcspn(v, " \t\r\n") != strlen(v))
                j->bad = name;
        else
                snprintf(dst, n, "%s", v);
}

static int jaas_opt(void *arg, const char *k, const char *v)
{
        struct jaas_opts *j = arg;

        if (!strcmp(k, "awsProfileName")) {
                iam_opt(j, "awsProfileName", j->profile, sizeof(j->profile),
                        v);
        } else if (!strcmp(k, "awsRoleArn")) {
                iam_opt(j, "awsRoleArn", j->role, sizeof(j->role), v);
        } else if (!strcmp(k, "awsRoleSessionName")) {
                iam_opt(j, "awsRoleSessionName", j->session,
                        sizeof(j->session), v);
        } else if (!strcmp(k, "awsRoleExternalId")) {
                iam_opt(j, "awsRoleExternalId", j->extid, sizeof(j->extid),
                        v);
        } else if (!strcmp(k, "awsStsRegion")) {
                iam_opt(j, "awsStsRegion", j->sts_region,
                        sizeof(j->sts_region), v);
        } else if (!strcmp(k, "username")) {
                snprintf(j->username, sizeof(j->username), "%s", v);
        } else if (!strcmp(k, "password")) {
                snprintf(j->password, sizeof(j->password), "%s", v);
        }
        return 0;
}

/* ---------- client configuration ---------- */

static int take(char **dst, const char *val)
{
        char *c = strdup(val ? val : "");

        if (!c)
                return -1;
        free(*dst);
        *dst = c;
        return 1;
}

int msk_iam_opts_take(msk_iam_opts_t *o, const char *key, const char *val,
                      char *errstr, size_t errstr_size)
{
        char **dst = NULL;

        if (!strcmp(key, "sasl.mechanism") ||
            !strcmp(key, "sasl.mechanisms")) /* librdkafka's alias */
                dst = &o->mechanism;
        else if (!strcmp(key, "sasl.jaas.config"))
                dst = &o->jaas;
        else if (!strcmp(key, "sasl.client.callback.handler.class"))
                dst = &o->handler;
        else
                return 0;
        if (take(dst, val) < 0) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 1;
}

void msk_iam_opts_clear(msk_iam_opts_t *o)
{
        free(o->mechanism);
        free(o->jaas);
        free(o->handler);
        memset(o, 0, sizeof(*o));
}

static int set(rd_kafka_conf_t *conf, const char *k, const char *v,
               char *errstr, size_t errstr_size)
{
        char err[256];

        if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) !=
            RD_KAFKA_CONF_OK) {
                snprintf(errstr, errstr_size, "Kafka client setting %s: %s",
                         k, err);
                return -1;
        }
        return 0;
}

int msk_iam_opts_apply(msk_iam_opts_t *o, rd_kafka_conf_t *conf,
                       const char *region_setting, char *errstr,
                       size_t errstr_size)
{
        struct jaas_opts j;
        char module[256] = "", region[64], bs[4096], cfg[1400];
        size_t bsl = sizeof(bs);
        int iam = o->mechanism && !strcasecmp(o->mechanism, "AWS_MSK_IAM");

        memset(&j, 0, sizeof(j));
        if (o->jaas && *o->jaas &&
            jaas_parse(o->jaas, module, sizeof(module), jaas_opt, &j)) {
                snprintf(errstr, errstr_size,
                         "Invalid value for configuration sasl.jaas.config: "
                         "expected 'LoginModuleClass required key=\"value\" "
                         "...;'");
                return -1;
        }
        if (o->handler && *o->handler && strcmp(o->handler, IAM_HANDLER)) {
                snprintf(errstr, errstr_size,
                         "sasl.client.callback.handler.class %s is a Java "
                         "class connectd cannot load; only %s (with "
                         "sasl.mechanism=AWS_MSK_IAM) is understood",
                         o->handler, IAM_HANDLER);
                return -1;
        }
        if (!iam) {
                if (o->mechanism &&
                    set(conf, "sasl.mechanism", o->mechanism, errstr,
                        errstr_size))
                        return -1;
                if (!module[0] || !strcmp(module, IAM_MODULE))
                        return 0; /* the IAM module alone changes nothing */
                if (strcmp(module, "org.apache.kafka.common.security.plain."
                                   "PlainLoginModule") &&
                    strcmp(module, "org.apache.kafka.common.security.scram."
                                   "ScramLoginModule")) {
                        snprintf(errstr, errstr_size,
                                 "sasl.jaas.config: login module %s is not "
                                 "supported; connectd understands "
                                 "PlainLoginModule, ScramLoginModule and "
                                 "%s (or set sasl.username/sasl.password)",
                                 module, IAM_MODULE);
                        return -1;
                }
                if ((j.username[0] && set(conf, "sasl.username", j.username,
                                          errstr, errstr_size)) ||
                    (j.password[0] && set(conf, "sasl.password", j.password,
                                          errstr, errstr_size)))
                        return -1;
                return 0;
        }

        /* sasl.mechanism=AWS_MSK_IAM */
        if (module[0] && strcmp(module, IAM_MODULE)) {
                snprintf(errstr, errstr_size,
                         "sasl.mechanism=AWS_MSK_IAM needs sasl.jaas.config="
                         "%s required; (got %s)", IAM_MODULE, module);
                return -1;
        }
        if (j.bad) {
                snprintf(errstr, errstr_size,
                         "sasl.jaas.config: invalid value of %s", j.bad);
                return -1;
        }
        if (rd_kafka_conf_get(conf, "bootstrap.servers", bs, &bsl) !=
            RD_KAFKA_CONF_OK)
                bs[0] = '\0';
        if (!msk_iam_region(region_setting, bs, region, sizeof(region))) {
                snprintf(errstr, errstr_size,
                         "sasl.mechanism=AWS_MSK_IAM: cannot tell the AWS "
                         "region of the cluster from bootstrap.servers; set "
                         "msk.iam.region (or AWS_REGION)");
                return -1;
        }
        if (strcspn(region, " \t") != strlen(region)) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration msk.iam.region",
                         region);
                return -1;
        }
        snprintf(cfg, sizeof(cfg), "region=%s%s%s%s%s%s%s%s%s%s%s", region,
                 j.profile[0] ? " profile=" : "", j.profile,
                 j.role[0] ? " role=" : "", j.role,
                 j.session[0] ? " session=" : "", j.session,
                 j.extid[0] ? " extid=" : "", j.extid,
                 j.sts_region[0] ? " stsregion=" : "", j.sts_region);
        if (set(conf, "sasl.mechanism", "OAUTHBEARER", errstr, errstr_size) ||
            set(conf, "sasl.oauthbearer.config", cfg, errstr, errstr_size))
                return -1;
        rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf,
                                                       msk_iam_refresh_cb);
        return 0;
}

/* ---------- refresh callback ---------- */

static void cfg_get(const char *cfg, const char *key, char *out, size_t n)
{
        size_t kl = strlen(key);
        const char *p = cfg;

        out[0] = '\0';
        while (p && *p) {
                while (*p == ' ')
                        p++;
                if (!strncmp(p, key, kl) && p[kl] == '=') {
                        size_t l = strcspn(p + kl + 1, " ");

                        snprintf(out, n, "%.*s", (int)l, p + kl + 1);
                        return;
                }
                p = strchr(p, ' ');
        }
}

void msk_iam_refresh_cb(rd_kafka_t *rk, const char *oauthbearer_config,
                        void *opaque)
{
        char region[64], profile[256], role[512], session[128], extid[256],
                sts_region[64], err[1024];
        msk_iam_creds_t *cr = calloc(2, sizeof(*cr));
        char *token = NULL;
        long long expiry_ms = 0;
        time_t now = time(NULL);

        (void)opaque;
        if (!cr) {
                rd_kafka_oauthbearer_set_token_failure(rk, "out of memory");
                return;
        }
        cfg_get(oauthbearer_config, "region", region, sizeof(region));
        cfg_get(oauthbearer_config, "profile", profile, sizeof(profile));
        cfg_get(oauthbearer_config, "role", role, sizeof(role));
        cfg_get(oauthbearer_config, "session", session, sizeof(session));
        cfg_get(oauthbearer_config, "extid", extid, sizeof(extid));
        cfg_get(oauthbearer_config, "stsregion", sts_region,
                sizeof(sts_region));
        if (!sts_region[0])
                snprintf(sts_region, sizeof(sts_region), "%s", region);
        /* awsRoleArn: the chain's credentials (or the profile's) assume
         * the role, and the role signs. */
        if (msk_iam_credentials(profile[0] ? profile : NULL, sts_region,
                                role[0] ? &cr[1] : cr, err, sizeof(err)) ||
            (role[0] && msk_iam_assume_role(&cr[1], role, session, extid,
                                            sts_region, cr, err,
                                            sizeof(err))) ||
            msk_iam_token(region, cr, now, "connectd/" CONNECTD_VERSION,
                          &token, &expiry_ms, err, sizeof(err)))
                goto fail;
        /* Temporary credentials may run out before the token would. */
        if (cr->expiration && cr->expiration * 1000LL < expiry_ms)
                expiry_ms = cr->expiration * 1000LL;
        if (rd_kafka_oauthbearer_set_token(rk, token, expiry_ms,
                                           cr->access_key_id, NULL, 0, err,
                                           sizeof(err)) !=
            RD_KAFKA_RESP_ERR_NO_ERROR)
                goto fail;
        LOG_DEBUG(msk_lg(),
                  "%s: MSK IAM token for %s signed with credentials from "
                  "%s, valid until %lld",
                  rd_kafka_name(rk), region, cr->source, expiry_ms / 1000);
        goto out;
fail:
        /* librdkafka logs the failure as an ERROR and retries. */
        LOG_DEBUG(msk_lg(), "%s: %s", rd_kafka_name(rk), err);
        rd_kafka_oauthbearer_set_token_failure(rk, err);
out:
        if (token) {
                memset(token, 0, strlen(token));
                free(token);
        }
        memset(cr, 0, 2 * sizeof(*cr));
        free(cr);
}
