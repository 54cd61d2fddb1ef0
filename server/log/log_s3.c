/*
 * log_s3 — ships log lines to an S3-compatible object store.
 *
 * DESIGN
 * - Logging threads call log_s3_append: under a short mutex the line is
 *   copied into one ring buffer of buffer_max bytes. If it does not fit it
 *   is dropped and counted; nothing ever waits for the network.
 * - One shipping thread ("log-s3") takes a batch: the oldest whole lines, up
 *   to batch_max bytes, once batch_max bytes are waiting or batch_interval
 *   has passed since the oldest waiting line arrived. It reads the ring
 *   without the lock (producers only write the free part; only this thread
 *   moves head), gzips the batch and PUTs it, signed with AWS SigV4 by
 *   libcurl (CURLOPT_AWS_SIGV4), to
 *     <prefix><worker-id-sanitized>/<YYYY>/<MM>/<DD>/<HH>/<epoch-ms>-<seq>.log.gz
 *   (UTC; seq counts objects of this process, zero-padded to 6 digits).
 *   The lines stay in the ring until the PUT succeeds, so the ring bound
 *   covers the batch in flight too; a failed PUT is retried with the same
 *   key and body after an exponential backoff (retry_backoff_ms doubling
 *   up to retry_backoff_max_ms) while new lines keep filling the ring.
 * - Dropped lines are reported: when the next batch is built, a WARN line
 *   "S3 log shipping dropped N lines (buffer full)" goes first into that
 *   batch and to the local appenders (stderr, file).
 * - log_s3_stop ships what is left, retrying until a deadline, then reports
 *   what could not be delivered on stderr.
 * @locks s3->lock: ring indexes, counters, stop flag. Never held across
 *   curl, gzip or logging.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "log_int.h"
#include "s3_object.h"

#define S3_LOGGER "connectd.log.s3"

struct log_s3 {
        /* configuration (owned copies) */
        char *bucket, *endpoint, *region, *prefix, *akid, *secret, *token,
             *worker_id;
        int path_style, json;
        long long batch_max, interval_ms, backoff_ms, backoff_max_ms,
                timeout_ms;

        pthread_mutex_t lock;
        pthread_cond_t cond;     /* CLOCK_MONOTONIC */
        pthread_t thread;
        char *ring;
        size_t cap, head, len;   /* @locks lock */
        long long first_ms;      /* mono time the oldest waiting line came */
        unsigned long long dropped, dropped_total, objects_put, put_failures;
        int stopping;
        long long stop_deadline; /* mono */

        /* shipping thread only */
        CURL *curl;
        unsigned long long seq;
        int have_batch;
        size_t batch_bytes;      /* ring bytes the batch covers */
        unsigned char *gz;
        size_t gz_len;
        char key[1024];
        char url[2048];
        int attempts;
};

/* ---------- pure helpers (also unit-tested) ---------- */

int log_s3_object_key(char *out, size_t n, const char *prefix,
                      const char *worker_id, long long epoch_ms,
                      unsigned long long seq)
{
        char wid[256];
        size_t i;
        time_t secs = (time_t)(epoch_ms / 1000);
        struct tm tm;
        int w;

        if (!worker_id || !*worker_id)
                worker_id = "connectd";
        for (i = 0; worker_id[i] && i < sizeof(wid) - 1; i++) {
                char c = worker_id[i];

                wid[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                          c == '_')
                                 ? c
                                 : '_';
        }
        wid[i] = '\0';
        gmtime_r(&secs, &tm);
        w = snprintf(out, n, "%s%s/%04d/%02d/%02d/%02d/%lld-%06llu.log.gz",
                     prefix ? prefix : "", wid, tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, epoch_ms, seq);
        return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

static int key_escape(char *out, size_t n, size_t *pos, const char *key)
{
        static const char hex[] = "0123456789ABCDEF";

        for (; *key; key++) {
                unsigned char c = (unsigned char)*key;

                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.' || c == '~' || c == '/') {
                        if (*pos + 1 >= n)
                                return -1;
                        out[(*pos)++] = (char)c;
                } else {
                        if (*pos + 3 >= n)
                                return -1;
                        out[(*pos)++] = '%';
                        out[(*pos)++] = hex[c >> 4];
                        out[(*pos)++] = hex[c & 15];
                }
        }
        out[*pos] = '\0';
        return 0;
}

int log_s3_object_url(char *out, size_t n, const char *endpoint,
                      const char *region, const char *bucket, int path_style,
                      const char *key)
{
        char def[256], ep[1024];
        const char *sep;
        size_t pos, el;
        int w;

        if (!endpoint || !*endpoint) {
                snprintf(def, sizeof(def), "https://s3.%s.amazonaws.com",
                         region && *region ? region : "us-east-1");
                endpoint = def;
        }
        el = strlen(endpoint);
        while (el > 0 && endpoint[el - 1] == '/')
                el--;
        if (el >= sizeof(ep))
                return -1;
        memcpy(ep, endpoint, el);
        ep[el] = '\0';
        if (path_style) {
                w = snprintf(out, n, "%s/%s/", ep, bucket);
        } else {
                sep = strstr(ep, "://");
                if (!sep)
                        return -1;
                w = snprintf(out, n, "%.*s://%s.%s/", (int)(sep - ep), ep,
                             bucket, sep + 3);
        }
        if (w < 0 || (size_t)w >= n)
                return -1;
        pos = (size_t)w;
        return key_escape(out, n, &pos, key);
}

int log_s3_gzip(const char *const *pieces, const size_t *lens, int npieces,
                unsigned char **out, size_t *out_len)
{
        z_stream zs;
        size_t total = 0, bound;
        unsigned char *buf = NULL;
        int i, rc = -1;

        memset(&zs, 0, sizeof(zs));
        for (i = 0; i < npieces; i++)
                total += lens[i];
        /* windowBits 15 + 16: gzip wrapper (RFC 1952). */
        if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK)
                return -1;
        bound = deflateBound(&zs, (uLong)total) + 64;
        buf = malloc(bound);
        if (!buf)
                goto out;
        zs.next_out = buf;
        zs.avail_out = (uInt)bound;
        for (i = 0; i < npieces; i++) {
                if (!lens[i])
                        continue;
                zs.next_in = (Bytef *)(uintptr_t)pieces[i];
                zs.avail_in = (uInt)lens[i];
                if (deflate(&zs, Z_NO_FLUSH) != Z_OK || zs.avail_in)
                        goto out;
        }
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
                goto out;
        *out = buf;
        *out_len = bound - zs.avail_out;
        buf = NULL;
        rc = 0;
out:
        deflateEnd(&zs);
        free(buf);
        return rc;
}

/* ---------- producer side ---------- */

void log_s3_append(log_s3_t *s3, const char *line, size_t len)
{
        size_t tail, first;
        int was_below;

        pthread_mutex_lock(&s3->lock);
        if (s3->stopping > 1 || len > s3->cap - s3->len) {
                s3->dropped++;
                s3->dropped_total++;
                pthread_mutex_unlock(&s3->lock);
                return;
        }
        tail = (s3->head + s3->len) % s3->cap;
        first = s3->cap - tail < len ? s3->cap - tail : len;
        memcpy(s3->ring + tail, line, first);
        memcpy(s3->ring, line + first, len - first);
        if (s3->len == 0)
                s3->first_ms = log_mono_ms();
        was_below = s3->len < (size_t)s3->batch_max;
        s3->len += len;
        if (was_below && s3->len >= (size_t)s3->batch_max)
                pthread_cond_signal(&s3->cond);
        pthread_mutex_unlock(&s3->lock);
}

void log_s3_stats(log_s3_t *s3, log_s3_stats_t *st)
{
        pthread_mutex_lock(&s3->lock);
        st->dropped_total = s3->dropped_total;
        st->objects_put = s3->objects_put;
        st->put_failures = s3->put_failures;
        st->buffered = s3->len;
        pthread_mutex_unlock(&s3->lock);
}

/* ---------- shipping thread ---------- */

static void local_report(log_s3_t *s3, log_level_t level, const char *msg)
{
        char line[1024];
        size_t n = log_format_line(line, sizeof(line), s3->json, log_now_ms(),
                                   level, S3_LOGGER, NULL, "log-s3", msg,
                                   strlen(msg));

        log_write_local(line, n);
}

struct upload {
        const unsigned char *p;
        size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
        struct upload *up = arg;
        size_t n = size * nmemb;

        if (n > up->left)
                n = up->left;
        memcpy(dst, up->p, n);
        up->p += n;
        up->left -= n;
        return n;
}

struct resp {
        char text[512];
        size_t len;
};

static size_t write_cb(char *src, size_t size, size_t nmemb, void *arg)
{
        struct resp *r = arg;
        size_t n = size * nmemb, room = sizeof(r->text) - 1 - r->len;

        if (room > n)
                room = n;
        memcpy(r->text + r->len, src, room);
        r->len += room;
        r->text[r->len] = '\0';
        return size * nmemb;
}

/* SigV4 signing of the request on curl (set up by the caller) for region
 * with these credentials; the token header goes into *hdrs. 0, or -1 (out
 * of memory). Shared by the log PUTs and s3_get_object. */
static int s3_sign(CURL *curl, const char *region, const char *akid,
                   const char *secret, const char *token,
                   struct curl_slist **hdrs)
{
        char sigv4[128], tokhdr[4096];
        struct curl_slist *h;

        snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", region);
        if (token && *token) {
                snprintf(tokhdr, sizeof(tokhdr), "x-amz-security-token: %s",
                         token);
                if (!(h = curl_slist_append(*hdrs, tokhdr)))
                        return -1;
                *hdrs = h;
        }
        curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4);
        curl_easy_setopt(curl, CURLOPT_USERNAME, akid);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, secret);
        return 0;
}

/* One PUT of the current batch. Returns 0 on HTTP 200, else -1 with a
 * sentence in errstr. */
static int put_batch(log_s3_t *s3, long long timeout_ms, char *errstr,
                     size_t errstr_size)
{
        struct curl_slist *hdrs = NULL;
        struct upload up = { s3->gz, s3->gz_len };
        struct resp resp;
        char cerr[CURL_ERROR_SIZE] = "";
        long status = 0;
        CURLcode cc;
        int rc = -1;

        memset(&resp, 0, sizeof(resp));
        if (!s3->curl && !(s3->curl = curl_easy_init())) {
                snprintf(errstr, errstr_size, "curl_easy_init failed");
                return -1;
        }
        curl_easy_reset(s3->curl);
        hdrs = curl_slist_append(hdrs, "Content-Encoding: gzip");
        hdrs = curl_slist_append(hdrs, s3->json
                                 ? "Content-Type: application/x-ndjson"
                                 : "Content-Type: text/plain; charset=utf-8");
        hdrs = curl_slist_append(hdrs, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
        hdrs = curl_slist_append(hdrs, "Expect:");
        if (!hdrs || s3_sign(s3->curl, s3->region, s3->akid, s3->secret,
                             s3->token, &hdrs)) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        curl_easy_setopt(s3->curl, CURLOPT_URL, s3->url);
        curl_easy_setopt(s3->curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(s3->curl, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(s3->curl, CURLOPT_READDATA, &up);
        curl_easy_setopt(s3->curl, CURLOPT_INFILESIZE_LARGE,
                         (curl_off_t)s3->gz_len);
        curl_easy_setopt(s3->curl, CURLOPT_WRITEFUNCTION, write_cb);
        curl_easy_setopt(s3->curl, CURLOPT_WRITEDATA, &resp);
        curl_easy_setopt(s3->curl, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(s3->curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(s3->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(s3->curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s3->curl, CURLOPT_ERRORBUFFER, cerr);
        cc = curl_easy_perform(s3->curl);
        if (cc != CURLE_OK) {
                snprintf(errstr, errstr_size, "%s", cerr[0] ? cerr
                         : curl_easy_strerror(cc));
                goto out;
        }
        curl_easy_getinfo(s3->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) {
                char *c;

                for (c = resp.text; *c; c++)
                        if (*c == '\n' || *c == '\r')
                                *c = ' ';
                snprintf(errstr, errstr_size, "HTTP %ld: %.300s", status,
                         resp.text);
                goto out;
        }
        rc = 0;
out:
        curl_easy_setopt(s3->curl, CURLOPT_ERRORBUFFER, NULL);
        curl_slist_free_all(hdrs);
        return rc;
}

/* Find where the batch ends: the last '\n' within batch_max bytes, or the
 * end of the first line if one line is longer than that. */
static size_t batch_cut(const log_s3_t *s3, size_t head, size_t avail)
{
        size_t n = avail < (size_t)s3->batch_max ? avail
                                                 : (size_t)s3->batch_max;
        size_t i;

        if (n == avail)
                return avail; /* the ring always ends at a line end */
        for (i = n; i > 0; i--)
                if (s3->ring[(head + i - 1) % s3->cap] == '\n')
                        return i;
        for (i = n; i < avail; i++)
                if (s3->ring[(head + i) % s3->cap] == '\n')
                        return i + 1;
        return avail;
}

/* Build the gzip body and key of a new batch from ring bytes [head,
 * head+cut) plus the drop notice. Returns 0 or -1. */
static int build_batch(log_s3_t *s3, size_t head, size_t cut,
                       unsigned long long dropped)
{
        char notice[1024];
        const char *pieces[3];
        size_t lens[3], first;
        int np = 0;
        long long now = log_now_ms();

        if (dropped) {
                char msg[128];

                snprintf(msg, sizeof(msg),
                         "S3 log shipping dropped %llu lines (buffer full)",
                         dropped);
                lens[np] = log_format_line(notice, sizeof(notice), s3->json,
                                           now, LOG_LVL_WARN, S3_LOGGER, NULL,
                                           "log-s3", msg, strlen(msg));
                pieces[np++] = notice;
                log_write_local(notice, lens[0]);
        }
        first = s3->cap - head < cut ? s3->cap - head : cut;
        pieces[np] = s3->ring + head;
        lens[np++] = first;
        pieces[np] = s3->ring;
        lens[np++] = cut - first;
        free(s3->gz);
        s3->gz = NULL;
        if (log_s3_gzip(pieces, lens, np, &s3->gz, &s3->gz_len))
                return -1;
        if (log_s3_object_key(s3->key, sizeof(s3->key), s3->prefix,
                              s3->worker_id, now, ++s3->seq) ||
            log_s3_object_url(s3->url, sizeof(s3->url), s3->endpoint,
                              s3->region, s3->bucket, s3->path_style,
                              s3->key))
                return -1;
        s3->batch_bytes = cut;
        s3->have_batch = 1;
        s3->attempts = 0;
        return 0;
}

static void cond_wait_until(log_s3_t *s3, long long mono_deadline)
{
        struct timespec ts;

        ts.tv_sec = (time_t)(mono_deadline / 1000);
        ts.tv_nsec = (long)(mono_deadline % 1000) * 1000000L;
        pthread_cond_timedwait(&s3->cond, &s3->lock, &ts);
}

static void *ship_main(void *arg)
{
        log_s3_t *s3 = arg;
        logger_t *lg = log_get(S3_LOGGER);
        long long backoff = s3->backoff_ms, retry_at = 0;
        char err[512], msg[3072];
        int stop_seen = 0;

        pthread_setname_np(pthread_self(), "log-s3");
        for (;;) {
                size_t head = 0, avail = 0;
                unsigned long long dropped = 0;
                long long now, timeout;
                int stopping;

                pthread_mutex_lock(&s3->lock);
                for (;;) {
                        now = log_mono_ms();
                        if (s3->stopping) {
                                if (!stop_seen) {
                                        /* Try once more right away. */
                                        stop_seen = 1;
                                        retry_at = now;
                                        backoff = s3->backoff_ms;
                                }
                                if (now >= s3->stop_deadline ||
                                    !s3->have_batch || now >= retry_at)
                                        break;
                                cond_wait_until(s3,
                                                retry_at < s3->stop_deadline
                                                        ? retry_at
                                                        : s3->stop_deadline);
                                continue;
                        }
                        if (s3->have_batch) {
                                if (now >= retry_at)
                                        break;
                                cond_wait_until(s3, retry_at);
                        } else if (s3->len >= (size_t)s3->batch_max) {
                                break;
                        } else if (s3->len > 0 || s3->dropped) {
                                long long due = s3->first_ms + s3->interval_ms;

                                if (s3->len == 0)
                                        due = now; /* only a drop report */
                                if (now >= due)
                                        break;
                                cond_wait_until(s3, due);
                        } else {
                                cond_wait_until(s3, now + s3->interval_ms);
                        }
                }
                stopping = s3->stopping;
                if (!s3->have_batch) {
                        head = s3->head;
                        avail = s3->len;
                        dropped = s3->dropped;
                        s3->dropped = 0;
                }
                pthread_mutex_unlock(&s3->lock);

                if (stopping && now >= s3->stop_deadline)
                        break;
                if (!s3->have_batch) {
                        if (!avail && !dropped) {
                                if (stopping)
                                        break;
                                continue;
                        }
                        if (build_batch(s3, head, batch_cut(s3, head, avail),
                                        dropped)) {
                                local_report(s3, LOG_LVL_ERROR,
                                             "S3 log shipping: cannot build "
                                             "a batch (out of memory?); "
                                             "retrying");
                                retry_at = log_mono_ms() + backoff;
                                continue;
                        }
                }
                timeout = s3->timeout_ms;
                if (stopping && s3->stop_deadline - now < timeout)
                        timeout = s3->stop_deadline - now > 100
                                          ? s3->stop_deadline - now
                                          : 100;
                s3->attempts++;
                if (put_batch(s3, timeout, err, sizeof(err)) == 0) {
                        pthread_mutex_lock(&s3->lock);
                        s3->head = (s3->head + s3->batch_bytes) % s3->cap;
                        s3->len -= s3->batch_bytes;
                        if (s3->len > 0)
                                s3->first_ms = log_mono_ms();
                        s3->objects_put++;
                        pthread_mutex_unlock(&s3->lock);
                        if (s3->attempts > 1)
                                LOG_INFO(lg, "S3 log shipping recovered: "
                                         "delivered %s after %d attempts",
                                         s3->key, s3->attempts);
                        s3->have_batch = 0;
                        backoff = s3->backoff_ms;
                        continue;
                }
                pthread_mutex_lock(&s3->lock);
                s3->put_failures++;
                pthread_mutex_unlock(&s3->lock);
                snprintf(msg, sizeof(msg),
                         "S3 log shipping: PUT %s failed (attempt %d): %s; "
                         "retrying in %lld ms", s3->url, s3->attempts, err,
                         backoff);
                if (s3->attempts == 1)
                        local_report(s3, LOG_LVL_WARN, msg);
                else
                        LOG_DEBUG(lg, "%s", msg);
                retry_at = log_mono_ms() + backoff;
                backoff = backoff * 2 > s3->backoff_max_ms
                                  ? s3->backoff_max_ms
                                  : backoff * 2;
        }
        pthread_mutex_lock(&s3->lock);
        s3->stopping = 2; /* appends from now on are dropped */
        if (s3->len > 0 || s3->dropped) {
                snprintf(msg, sizeof(msg),
                         "S3 log shipping stopped with %zu bytes of log lines "
                         "not delivered and %llu lines dropped", s3->len,
                         s3->dropped);
                pthread_mutex_unlock(&s3->lock);
                local_report(s3, LOG_LVL_WARN, msg);
        } else {
                pthread_mutex_unlock(&s3->lock);
        }
        return NULL;
}

/* ---------- life cycle ---------- */

static void s3_free(log_s3_t *s3)
{
        if (!s3)
                return;
        if (s3->curl)
                curl_easy_cleanup(s3->curl);
        free(s3->bucket);
        free(s3->endpoint);
        free(s3->region);
        free(s3->prefix);
        free(s3->akid);
        free(s3->secret);
        free(s3->token);
        free(s3->worker_id);
        free(s3->ring);
        free(s3->gz);
        free(s3);
}

static int dup_opt(char **dst, const char *src)
{
        if (!src || !*src) {
                *dst = NULL;
                return 0;
        }
        *dst = strdup(src);
        return *dst ? 0 : -1;
}

log_s3_t *log_s3_start(const log_s3_conf_t *c, char *errstr,
                       size_t errstr_size)
{
        log_s3_t *s3 = calloc(1, sizeof(*s3));
        pthread_condattr_t ca;
        char probe[2048];

        if (!s3)
                goto out_oom;
        if (!c->bucket || !*c->bucket || !c->access_key_id ||
            !c->secret_access_key) {
                snprintf(errstr, errstr_size,
                         "S3 log shipping needs a bucket and credentials");
                goto out_free;
        }
        if (dup_opt(&s3->bucket, c->bucket) ||
            dup_opt(&s3->endpoint, c->endpoint) ||
            dup_opt(&s3->region, c->region && *c->region ? c->region
                                                        : "us-east-1") ||
            dup_opt(&s3->prefix, c->prefix ? c->prefix : "") ||
            dup_opt(&s3->akid, c->access_key_id) ||
            dup_opt(&s3->secret, c->secret_access_key) ||
            dup_opt(&s3->token, c->session_token) ||
            dup_opt(&s3->worker_id, c->worker_id))
                goto out_oom;
        if (!s3->prefix && !(s3->prefix = strdup("")))
                goto out_oom;
        if (log_s3_object_url(probe, sizeof(probe), s3->endpoint, s3->region,
                              s3->bucket, c->path_style, "probe")) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration log.s3.endpoint: "
                         "expected scheme://host[:port]",
                         s3->endpoint ? s3->endpoint : "");
                goto out_free;
        }
        s3->path_style = c->path_style;
        s3->json = c->json;
        s3->batch_max = c->batch_max_bytes > 0 ? c->batch_max_bytes : 1048576;
        s3->interval_ms = c->batch_interval_ms > 0 ? c->batch_interval_ms
                                                   : 10000;
        s3->backoff_ms = c->retry_backoff_ms > 0 ? c->retry_backoff_ms : 500;
        s3->backoff_max_ms = c->retry_backoff_max_ms >= s3->backoff_ms
                                     ? c->retry_backoff_max_ms
                                     : s3->backoff_ms;
        s3->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 10000;
        s3->cap = c->buffer_max_bytes > 0 ? (size_t)c->buffer_max_bytes
                                          : 16777216;
        s3->ring = malloc(s3->cap);
        if (!s3->ring)
                goto out_oom;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                snprintf(errstr, errstr_size, "curl_global_init failed");
                goto out_free;
        }
        pthread_mutex_init(&s3->lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&s3->cond, &ca);
        pthread_condattr_destroy(&ca);
        if (pthread_create(&s3->thread, NULL, ship_main, s3) != 0) {
                snprintf(errstr, errstr_size,
                         "cannot start the S3 log shipping thread: %s",
                         strerror(errno));
                pthread_cond_destroy(&s3->cond);
                pthread_mutex_destroy(&s3->lock);
                curl_global_cleanup();
                goto out_free;
        }
        return s3;
out_oom:
        snprintf(errstr, errstr_size, "S3 log shipping: out of memory");
out_free:
        s3_free(s3);
        return NULL;
}

void log_s3_stop(log_s3_t *s3, long long deadline_ms)
{
        if (!s3)
                return;
        pthread_mutex_lock(&s3->lock);
        s3->stopping = 1;
        s3->stop_deadline = log_mono_ms() + deadline_ms;
        pthread_cond_signal(&s3->cond);
        pthread_mutex_unlock(&s3->lock);
        pthread_join(s3->thread, NULL);
        pthread_cond_destroy(&s3->cond);
        pthread_mutex_destroy(&s3->lock);
        s3_free(s3);
        curl_global_cleanup();
}

/* ---------- one-shot GET (s3_object.h) ---------- */

struct get_body {
        unsigned char *p;
        size_t len, cap, max;
        int too_big;
};

static size_t get_write_cb(char *src, size_t size, size_t nmemb, void *arg)
{
        struct get_body *b = arg;
        size_t n = size * nmemb;

        if (n > b->max - b->len) {
                b->too_big = 1;
                return 0; /* aborts the transfer */
        }
        if (b->len + n > b->cap) {
                size_t cap = b->cap ? b->cap : 65536;
                unsigned char *q;

                while (cap < b->len + n)
                        cap *= 2;
                if (cap > b->max)
                        cap = b->max;
                if (!(q = realloc(b->p, cap)))
                        return 0;
                b->p = q;
                b->cap = cap;
        }
        memcpy(b->p + b->len, src, n);
        b->len += n;
        return n;
}

int s3_get_object(const s3_client_t *c, const char *bucket, const char *key,
                  const char *version_id, size_t max_bytes,
                  unsigned char **out, size_t *out_len, char *errstr,
                  size_t errstr_size)
{
        struct get_body body = { NULL, 0, 0, max_bytes, 0 };
        struct curl_slist *hdrs = NULL;
        const char *region = c->region && *c->region ? c->region
                                                     : "us-east-1";
        char url[4096], cerr[CURL_ERROR_SIZE] = "";
        long status = 0, timeout = c->timeout_ms > 0 ? (long)c->timeout_ms
                                                     : 30000L;
        CURL *curl = NULL;
        CURLcode cc;
        int rc = -1;

        if (!c->access_key_id || !*c->access_key_id ||
            !c->secret_access_key || !*c->secret_access_key) {
                snprintf(errstr, errstr_size, "no S3 credentials configured");
                return -1;
        }
        if (log_s3_object_url(url, sizeof(url), c->endpoint, region, bucket,
                              c->path_style, key)) {
                snprintf(errstr, errstr_size, "invalid S3 endpoint %s or "
                         "object name too long",
                         c->endpoint ? c->endpoint : "");
                return -1;
        }
        if (version_id && *version_id) {
                size_t pos = strlen(url);

                if (pos + 11 >= sizeof(url)) {
                        snprintf(errstr, errstr_size, "object name too long");
                        return -1;
                }
                memcpy(url + pos, "?versionId=", 12);
                pos += 11;
                if (key_escape(url, sizeof(url), &pos, version_id)) {
                        snprintf(errstr, errstr_size, "object version too "
                                 "long");
                        return -1;
                }
        }
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                snprintf(errstr, errstr_size, "curl_global_init failed");
                return -1;
        }
        if (!(curl = curl_easy_init()) ||
            !(hdrs = curl_slist_append(NULL,
                                       "x-amz-content-sha256: "
                                       "UNSIGNED-PAYLOAD")) ||
            s3_sign(curl, region, c->access_key_id, c->secret_access_key,
                    c->session_token, &hdrs)) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, get_write_cb);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr);
        cc = curl_easy_perform(curl);
        if (body.too_big) {
                snprintf(errstr, errstr_size, "s3://%s/%s is larger than "
                         "%zu bytes", bucket, key, max_bytes);
                goto out;
        }
        if (cc != CURLE_OK) {
                snprintf(errstr, errstr_size, "GET s3://%s/%s from %s: %s",
                         bucket, key, url,
                         cerr[0] ? cerr : curl_easy_strerror(cc));
                goto out;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) {
                char text[300];
                size_t i, n = body.len < sizeof(text) - 1 ? body.len
                                                          : sizeof(text) - 1;

                for (i = 0; i < n; i++)
                        text[i] = (body.p[i] >= ' ' && body.p[i] < 0x7f)
                                          ? (char)body.p[i]
                                          : ' ';
                text[n] = '\0';
                snprintf(errstr, errstr_size, "GET s3://%s/%s: HTTP %ld%s%s",
                         bucket, key, status, n ? ": " : "", text);
                goto out;
        }
        *out = body.p ? body.p : malloc(1);
        if (!*out) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        *out_len = body.len;
        body.p = NULL;
        rc = 0;
out:
        free(body.p);
        curl_slist_free_all(hdrs);
        if (curl)
                curl_easy_cleanup(curl);
        curl_global_cleanup();
        return rc;
}
