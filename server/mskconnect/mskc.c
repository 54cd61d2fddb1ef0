/*
 * mskc — the MSK Connect control-plane API (see mskc.h).
 *
 * DESIGN
 * Every resource is one JSON record: its API members as the API reports
 * them, plus members of our own that start with '_' (never sent). The
 * records live in three arrays (connectors, custom plugins, worker
 * configurations) guarded by one mutex, which a request holds from start
 * to end: the MSK Connect API is a control plane, one request at a time is
 * plenty, and the herder never calls back into this module. Every change
 * is written to the store before the answer, and applied to the arrays
 * only once it is durable (a failed write is a 500 that changed nothing):
 * standalone mskc_store (the worker's SQLite file), distributed
 * mskc_kafka_store (mskconnect.storage.topic).
 *
 * Distributed mode: every worker reads the topic from the beginning; the
 * reader thread only queues each record in `inbox` (its own mutex, so a
 * writer holding `lock` while it waits for its record to be read back
 * never blocks the reader); whoever takes `lock` drains the inbox first
 * (apply), so the arrays are the topic's state. A request reads the topic
 * to its end before it is served, so an answer shows every write
 * acknowledged before it. Writes (any method but GET) are served by the
 * leader alone, one at a time under its lock: another worker checks the
 * caller, then forwards the request (mskc_forward.h). Name uniqueness and
 * currentVersion are thus checked against one current state. A derived
 * change (a connector leaving CREATING/UPDATING) is written by the leader
 * only; other workers work it out for their own answers.
 * Every worker installs each ACTIVE custom plugin revision in its own
 * plugin directory (the installer thread; at start-up before the herder
 * starts) and ships the log lines of every MSK connector's tasks it runs.
 *
 * A connector is a connectd connector of the same name: its Connect config
 * is connectorConfiguration plus the client overrides its kafkaCluster
 * settings make, the worker configuration's settings (mskc_workercfg) and
 * the custom plugin revision's scope (mskc_plugin). connectorState is
 * worked out from the herder's status at each read.
 *
 * Custom plugins are fetched and loaded by one installer thread (network
 * and plugin code stay off the REST threads).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "mskc.h"
#include "mskc_logs.h"
#include "mskc_plugin.h"
#include "mskc_sigv4.h"
#include "mskc_valid.h"
#include "mskc_workercfg.h"
#include "sqlite/mskc_store.h"
#include "kafka/mskc_kafka_store.h"
#include "forward.h"
#include "kafka.h"
#include "kafka_log.h"
#include "mskc_forward.h"

LOG_MODULE_LOGGER(lg, "connectd.mskconnect")

#define K_CONN "connector"
#define K_PLUGIN "custom-plugin"
#define K_WCFG "worker-configuration"

typedef struct logs_ent {
        char *name;
        mskc_logs_t *logs;
        struct logs_ent *next;
} logs_ent_t;

struct mskc {
        herder_t *h;
        json_t *props;
        char region[64];
        char account[64];
        const char *akid;     /* in props */
        const char *secret;   /* in props */
        mskc_store_t *store;  /* NULL: memory only */
        mskc_kstore_t *kstore; /* distributed mode; else NULL */
        char store_err[512];  /* the last write's failure (under lock) */

        pthread_mutex_t lock;
        json_t *conns;        /* arrays of records, creation order */
        json_t *plugins;
        json_t *wcfgs;
        logs_ent_t *logs;

        /* The installer: plugin ARNs to install, in order. */
        pthread_cond_t cond;
        json_t *queue;
        int stopping;
        pthread_t thread;
        int thread_started;

        /* Distributed: records read from the topic, not applied yet:
         * [[arn, kind or null, doc or null], ...]. */
        pthread_mutex_t inbox_lock;
        json_t *inbox;
        /* Distributed: custom plugin ARN -> this worker's revision dir,
         * for the revisions loaded here. */
        json_t *local;
};

/* A forwarded request's error answers carry their type in the body too
 * ("__type"), since the forwarding worker sees no headers. */
static __thread int tl_forwarded;

/* ---------------------------------------------------------------- helpers */

static void now_rfc3339(char *out, size_t n)
{
        struct timeval tv;
        struct tm tm;
        char base[32];

        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(out, n, "%s.%03dZ", base, (int)(tv.tv_usec / 1000));
}

static void uuid4(char out[37])
{
        unsigned char b[16];
        size_t i, o = 0;

        if (getrandom(b, sizeof(b), 0) != sizeof(b))
                for (i = 0; i < sizeof(b); i++)
                        b[i] = (unsigned char)rand();
        b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
        b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
        for (i = 0; i < 16; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10)
                        out[o++] = '-';
                o += (size_t)sprintf(out + o, "%02x", b[i]);
        }
        out[o] = '\0';
}

/* An opaque version token like AWS's ("K3AEJ7S2WUSZJ"). */
static void new_version(char out[14])
{
        static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        unsigned char b[13];
        int i;

        if (getrandom(b, sizeof(b), 0) != sizeof(b))
                for (i = 0; i < 13; i++)
                        b[i] = (unsigned char)rand();
        for (i = 0; i < 13; i++)
                out[i] = al[b[i] & 31];
        out[13] = '\0';
}

static const char *sget(const json_t *o, const char *k)
{
        return json_string_value(json_object_get(o, k));
}

static int send_error(rest_xresp_t *out, unsigned status, const char *type,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int send_error(rest_xresp_t *out, unsigned status, const char *type,
                      const char *fmt, ...)
{
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (!out)
                return -1;
        rest_xresp_json(out, status,
                        tl_forwarded ? json_pack("{s:s,s:s}", "message", msg,
                                                 "__type", type)
                                     : json_pack("{s:s}", "message", msg));
        rest_xresp_header(out, "x-amzn-ErrorType", type);
        return -1;
}

#define BAD(out, ...) send_error(out, 400, "BadRequestException", __VA_ARGS__)
#define NOTFOUND(out, ...) send_error(out, 404, "NotFoundException", __VA_ARGS__)
#define CONFLICT(out, ...) send_error(out, 409, "ConflictException", __VA_ARGS__)
#define INTERNAL(out, ...) \
        send_error(out, 500, "InternalServerErrorException", __VA_ARGS__)

/* A copy of rec without our own '_' members (and without `drop`, a
 * NULL-terminated list). */
static json_t *public_copy(const json_t *rec, const char *const *drop)
{
        json_t *o = json_object();
        const char *k;
        json_t *v;
        int i, skip;

        json_object_foreach((json_t *)rec, k, v) {
                if (k[0] == '_')
                        continue;
                for (skip = 0, i = 0; drop && drop[i]; i++)
                        if (!strcmp(drop[i], k))
                                skip = 1;
                if (!skip)
                        json_object_set(o, k, v);
        }
        return o;
}

/* Writes rec durably. 0, or -1 with the reason in m->store_err. */
static int persist(mskc_t *m, const char *kind, json_t *rec)
{
        char *doc;
        int rc;

        if (!m->store && !m->kstore)
                return 0;
        doc = json_dumps(rec, JSON_COMPACT);
        if (!doc) {
                snprintf(m->store_err, sizeof(m->store_err), "out of memory");
                return -1;
        }
        rc = m->kstore ? mskc_kstore_put(m->kstore, sget(rec, "_arn"), kind,
                                         doc, m->store_err,
                                         sizeof(m->store_err))
                       : mskc_store_put(m->store, sget(rec, "_arn"), kind,
                                        doc, m->store_err,
                                        sizeof(m->store_err));
        free(doc);
        if (rc)
                LOG_ERROR(lg(), "%s", m->store_err);
        return rc;
}

static int unpersist(mskc_t *m, const char *arn)
{
        int rc = 0;

        if (m->kstore)
                rc = mskc_kstore_delete(m->kstore, arn, m->store_err,
                                        sizeof(m->store_err));
        else if (m->store)
                rc = mskc_store_delete(m->store, arn, m->store_err,
                                       sizeof(m->store_err));
        if (rc)
                LOG_ERROR(lg(), "%s", m->store_err);
        return rc;
}

/* The leader writes; standalone, this worker is it. */
static int is_leader(mskc_t *m)
{
        char err[256], *url = NULL;
        herder_err_t e;

        if (!m->kstore)
                return 1;
        e = herder_route(m->h, HERDER_ROUTE_LEADER, NULL, -1, &url, err,
                         sizeof(err));
        free(url);
        return e == HERDER_OK && !url;
}

static json_t *find(json_t *arr, const char *arn, size_t *idx)
{
        size_t i;
        json_t *r;

        json_array_foreach(arr, i, r)
                if (!strcmp(sget(r, "_arn"), arn)) {
                        if (idx)
                                *idx = i;
                        return r;
                }
        return NULL;
}

static json_t *find_by_name(json_t *arr, const char *name)
{
        size_t i;
        json_t *r;

        json_array_foreach(arr, i, r)
                if (!strcmp(sget(r, "_name"), name))
                        return r;
        return NULL;
}

static void make_arn(mskc_t *m, const char *type, const char *name,
                     char *out, size_t n)
{
        char u[37];

        uuid4(u);
        snprintf(out, n, "arn:aws:kafkaconnect:%s:%s:%s/%s/%s-1", m->region,
                 m->account, type, name, u);
}

/* Percent-decodes s (a path label) into a new string. */
static char *pct_decode(const char *s, size_t n)
{
        char *o = malloc(n + 1);
        size_t i, j = 0;

        if (!o)
                return NULL;
        for (i = 0; i < n; i++) {
                if (s[i] == '%' && i + 2 < n &&
                    isxdigit((unsigned char)s[i + 1]) &&
                    isxdigit((unsigned char)s[i + 2])) {
                        char h[3] = { s[i + 1], s[i + 2], 0 };

                        o[j++] = (char)strtol(h, NULL, 16);
                        i += 2;
                } else {
                        o[j++] = s[i];
                }
        }
        o[j] = '\0';
        return o;
}

/* One query parameter's value (first occurrence, decoded), malloc'd. */
static char *query_get(const rest_xreq_t *x, const char *name)
{
        char *k, *v, *res = NULL;
        int i;

        for (i = 0; rest_xreq_query_at(x, i, &k, &v) == 0; i++) {
                if (!res && !strcmp(k, name)) {
                        res = v;
                        v = NULL;
                }
                free(k);
                free(v);
        }
        return res;
}

/* ------------------------------------------------------------- pagination */

/* Serves a page of items (an array of objects already in their stable
 * order; item_key(item) is increasing along it) as `member` + nextToken.
 * The token is the hex of the last key served. */
static void hexenc(const char *s, char *out)
{
        for (; *s; s++, out += 2)
                sprintf(out, "%02x", (unsigned char)*s);
        *out = '\0';
}

static char *hexdec(const char *s)
{
        size_t n = strlen(s), i;
        char *o;

        if (n % 2 || n == 0)
                return NULL;
        o = malloc(n / 2 + 1);
        if (!o)
                return NULL;
        for (i = 0; i < n / 2; i++) {
                char h[3] = { s[2 * i], s[2 * i + 1], 0 };

                if (!isxdigit((unsigned char)h[0]) ||
                    !isxdigit((unsigned char)h[1])) {
                        free(o);
                        return NULL;
                }
                o[i] = (char)strtol(h, NULL, 16);
        }
        o[n / 2] = '\0';
        if (strlen(o) != n / 2) {
                free(o);
                return NULL;
        }
        return o;
}

static int key_cmp(const void *a, const void *b)
{
        const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

        return strcmp(sget(x, "_key"), sget(y, "_key"));
}

/* items: array of objects each with a "_key" (removed when served). */
static int paginate(const rest_xreq_t *x, rest_xresp_t *out, json_t *items,
                    const char *member)
{
        char *mr = query_get(x, "maxResults"), *tok = query_get(x, "nextToken");
        char *after = NULL, err[256];
        int max, rc = -1;
        size_t n = json_array_size(items), i;
        json_t **v = NULL, *page = NULL, *body = NULL;

        if (mskc_valid_max_results(mr, &max, err, sizeof(err))) {
                BAD(out, "%s", err);
                goto cleanup;
        }
        if (tok && *tok && !(after = hexdec(tok))) {
                BAD(out, "Invalid nextToken.");
                goto cleanup;
        }
        v = calloc(n + 1, sizeof(*v));
        for (i = 0; i < n; i++)
                v[i] = json_array_get(items, i);
        qsort(v, n, sizeof(*v), key_cmp);
        page = json_array();
        for (i = 0; i < n && json_array_size(page) < (size_t)max; i++) {
                if (after && strcmp(sget(v[i], "_key"), after) <= 0)
                        continue;
                json_array_append(page, v[i]);
        }
        body = json_object();
        /* More after the page's last item? */
        if (json_array_size(page) == (size_t)max) {
                const char *last = sget(json_array_get(page, max - 1), "_key");

                for (; i < n; i++)
                        if (strcmp(sget(v[i], "_key"), last) > 0) {
                                char *hex = malloc(2 * strlen(last) + 1);

                                hexenc(last, hex);
                                json_object_set_new(body, "nextToken",
                                                    json_string(hex));
                                free(hex);
                                break;
                        }
        }
        for (i = 0; i < json_array_size(page); i++)
                json_object_del(json_array_get(page, i), "_key");
        json_object_set(body, member, page);
        rest_xresp_json(out, 200, body);
        body = NULL;
        rc = 0;
cleanup:
        json_decref(page);
        json_decref(body);
        free(v);
        free(after);
        free(mr);
        free(tok);
        return rc;
}

/* Does `s` start with the (decoded) query parameter `param`? */
static int prefix_ok(const char *pfx, const char *s)
{
        return !pfx || !strncmp(s, pfx, strlen(pfx));
}

/* -------------------------------------------------------------- logs */

static void logs_stop(mskc_t *m, const char *name)
{
        logs_ent_t **pp = &m->logs, *e;

        while ((e = *pp)) {
                if (!strcmp(e->name, name)) {
                        *pp = e->next;
                        mskc_logs_stop(e->logs);
                        free(e->name);
                        free(e);
                        return;
                }
                pp = &e->next;
        }
}

/* Starts S3 log delivery for a connector record when it asks for it. */
static int logs_start(mskc_t *m, const json_t *rec, char *err, size_t errsz)
{
        const json_t *s3 = NULL;
        mskc_logs_t *l;
        logs_ent_t *e;

        if (mskc_valid_log_delivery(json_object_get(rec, "logDelivery"), &s3,
                                    err, errsz))
                return -1;
        if (!s3)
                return 0;
        l = mskc_logs_start(m->props, sget(rec, "connectorName"),
                            herder_worker_id(m->h), sget(s3, "bucket"),
                            sget(s3, "prefix") ? sget(s3, "prefix") : "", err,
                            errsz);
        if (!l)
                return -1;
        e = calloc(1, sizeof(*e));
        e->name = strdup(sget(rec, "connectorName"));
        e->logs = l;
        e->next = m->logs;
        m->logs = e;
        return 0;
}

/* ------------------------------------------------------ state changes */

static logs_ent_t *logs_find(mskc_t *m, const char *name)
{
        logs_ent_t *e;

        for (e = m->logs; e; e = e->next)
                if (!strcmp(e->name, name))
                        return e;
        return NULL;
}

static json_t *array_of(mskc_t *m, const char *kind)
{
        if (!kind)
                return NULL;
        if (!strcmp(kind, K_CONN))
                return m->conns;
        if (!strcmp(kind, K_PLUGIN))
                return m->plugins;
        if (!strcmp(kind, K_WCFG))
                return m->wcfgs;
        return NULL;
}

static int queued(mskc_t *m, const char *arn)
{
        size_t i;
        json_t *q;

        json_array_foreach(m->queue, i, q)
                if (!strcmp(json_string_value(q), arn))
                        return 1;
        return 0;
}

/* Distributed: what a record read from the topic means for this worker:
 * log delivery for the connectors, a custom plugin revision loaded here. */
static void side_effects(mskc_t *m, json_t *oarr, const json_t *old,
                         json_t *tarr, const json_t *rec)
{
        char err[1024];

        if (old && oarr == m->conns && !rec)
                logs_stop(m, sget(old, "connectorName"));
        if (rec && tarr == m->conns &&
            !logs_find(m, sget(rec, "connectorName")) &&
            logs_start(m, rec, err, sizeof(err)))
                LOG_ERROR(lg(), "Log delivery of connector %s: %s",
                          sget(rec, "connectorName"), err);
        if (old && oarr == m->plugins && !rec) {
                const char *dir = json_string_value(
                        json_object_get(m->local, sget(old, "_arn")));

                if (dir) {
                        mskc_plugin_rev_t rev = { .dir = (char *)dir };

                        mskc_plugin_remove(&rev);
                        json_object_del(m->local, sget(old, "_arn"));
                }
        }
        if (rec && tarr == m->plugins &&
            !strcmp(sget(rec, "customPluginState"), "ACTIVE") &&
            !json_object_get(m->local, sget(rec, "_arn")) &&
            !queued(m, sget(rec, "_arn"))) {
                json_array_append_new(m->queue, json_string(sget(rec, "_arn")));
                pthread_cond_signal(&m->cond);
        }
}

/* The arrays take a stored change: rec (borrowed) of `kind` under arn, or
 * with rec NULL its deletion. Lock held. */
static void apply(mskc_t *m, const char *arn, const char *kind, json_t *rec)
{
        json_t *arrs[3] = { m->conns, m->plugins, m->wcfgs };
        json_t *old = NULL, *oarr = NULL, *tarr = rec ? array_of(m, kind)
                                                      : NULL;
        size_t idx = 0;
        int i;

        if (rec && !tarr)
                return; /* a kind this version does not know */
        for (i = 0; i < 3 && !old; i++)
                if ((old = find(arrs[i], arn, &idx)))
                        oarr = arrs[i];
        json_incref(old);
        if (old && oarr != tarr)
                json_array_remove(oarr, idx);
        if (rec && old && oarr == tarr)
                json_array_set(tarr, idx, rec);
        else if (rec)
                json_array_append(tarr, rec);
        if (m->kstore)
                side_effects(m, oarr, old, tarr, rec);
        json_decref(old);
}

/* Distributed: the records the reader queued, applied in their order.
 * Lock held. */
static void drain(mskc_t *m)
{
        json_t *batch, *e;
        size_t i;

        if (!m->kstore)
                return;
        pthread_mutex_lock(&m->inbox_lock);
        batch = m->inbox;
        m->inbox = json_array();
        pthread_mutex_unlock(&m->inbox_lock);
        json_array_foreach(batch, i, e) {
                json_t *rec = json_array_get(e, 2);

                apply(m, json_string_value(json_array_get(e, 0)),
                      json_string_value(json_array_get(e, 1)),
                      json_is_object(rec) ? rec : NULL);
        }
        json_decref(batch);
}

/* The reader thread: queue it (never m->lock, which a writer waiting for
 * this very record may hold). */
static void on_stored(void *opaque, const char *arn, const char *kind,
                      const char *json)
{
        mskc_t *m = opaque;
        json_t *rec = json ? json_loads(json, 0, NULL) : NULL;

        if (json && !json_is_object(rec)) {
                json_decref(rec);
                return;
        }
        pthread_mutex_lock(&m->inbox_lock);
        json_array_append_new(m->inbox,
                              json_pack("[s,s?,o?]", arn, kind, rec));
        pthread_mutex_unlock(&m->inbox_lock);
        /* The installer looks at it soon (it also wakes on its own). */
        pthread_cond_signal(&m->cond);
}

/* Store nrec (borrowed), then apply it. 0, or -1 with a 500 in out (may
 * be NULL) and nothing changed. */
static int commit(mskc_t *m, const char *kind, json_t *nrec,
                  rest_xresp_t *out)
{
        if (persist(m, kind, nrec))
                return INTERNAL(out, "The change could not be stored: %s",
                                m->store_err);
        apply(m, sget(nrec, "_arn"), kind, nrec);
        return 0;
}

static int commit_delete(mskc_t *m, const char *arn, rest_xresp_t *out)
{
        if (unpersist(m, arn))
                return INTERNAL(out, "The deletion could not be stored: %s",
                                m->store_err);
        apply(m, arn, NULL, NULL);
        return 0;
}

/* ------------------------------------------------------------ plugins */

static void rev_from_rec(const json_t *prec, mskc_plugin_rev_t *rev)
{
        const json_t *r = json_object_get(prec, "_rev");

        memset(rev, 0, sizeof(*rev));
        snprintf(rev->md5_hex, sizeof(rev->md5_hex), "%s",
                 sget(r, "md5") ? sget(r, "md5") : "");
        rev->size = json_integer_value(json_object_get(r, "size"));
        rev->classes = json_incref(json_object_get(r, "classes"));
        rev->dir = sget(r, "dir") ? strdup(sget(r, "dir")) : NULL;
}

/* Distributed: a revision installed by another worker, here: loaded
 * again from this worker's plugin directory when it is there (a
 * restart), else fetched and unpacked like the first install. */
static int local_install(const json_t *props, const char *id, const char *ct,
                         const char *bucket, const char *key, const char *ver,
                         mskc_plugin_rev_t *rev, char *err, size_t errsz)
{
        char dir[4096];
        struct stat st;

        memset(rev, 0, sizeof(*rev));
        if (mskc_plugin_local_dir(props, id, 1, dir, sizeof(dir), err, errsz))
                return -1;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
                rev->dir = strdup(dir);
                if (rev->dir && !mskc_plugin_reload(props, rev, err, errsz))
                        return 0;
                LOG_WARN(lg(), "Custom plugin %s: %s; fetching it again", id,
                         err);
                mskc_plugin_rev_free(rev);
        }
        return mskc_plugin_install(props, id, 1, ct, bucket, key, ver, rev,
                                   err, errsz);
}

/* Takes the first job off the queue and does it (without the lock while
 * it fetches and loads). Lock held. */
static void install_one(mskc_t *m)
{
        json_t *job, *prec, *s3, *nrec;
        char *arn, *id, *ct, *bucket, *key, *ver;
        mskc_plugin_rev_t rev = { 0 };
        char err[1024] = "";
        int rc, here;

        job = json_incref(json_array_get(m->queue, 0));
        json_array_remove(m->queue, 0);
        prec = find(m->plugins, json_string_value(job), NULL);
        /* here: a revision another worker installed, for this worker. */
        here = prec && m->kstore &&
               !strcmp(sget(prec, "customPluginState"), "ACTIVE");
        if (!prec || (here && json_object_get(m->local, sget(prec, "_arn"))) ||
            (!here && strcmp(sget(prec, "customPluginState"), "CREATING"))) {
                json_decref(job);
                return;
        }
        s3 = json_object_get(json_object_get(prec, "_location"),
                             "s3Location");
        arn = strdup(json_string_value(job));
        id = strdup(sget(prec, "_id"));
        ct = strdup(sget(prec, "_contentType"));
        bucket = strdup(sget(s3, "bucketArn"));
        key = strdup(sget(s3, "fileKey"));
        ver = sget(s3, "objectVersion") ? strdup(sget(s3, "objectVersion"))
                                        : NULL;
        json_decref(job);
        pthread_mutex_unlock(&m->lock);

        rc = here ? local_install(m->props, id, ct, bucket, key, ver, &rev,
                                  err, sizeof(err))
                  : mskc_plugin_install(m->props, id, 1, ct, bucket, key, ver,
                                        &rev, err, sizeof(err));

        pthread_mutex_lock(&m->lock);
        drain(m);
        prec = find(m->plugins, arn, NULL);
        if (!prec) {
                /* Deleted meanwhile. */
                if (!rc)
                        mskc_plugin_remove(&rev);
        } else if (here) {
                if (rc) {
                        LOG_ERROR(lg(), "Custom plugin %s could not be loaded "
                                  "on this worker: %s", arn, err);
                } else {
                        json_object_set_new(m->local, arn,
                                            json_string(rev.dir));
                        LOG_INFO(lg(), "Custom plugin %s loaded on this "
                                 "worker", arn);
                }
        } else if (rc) {
                nrec = json_deep_copy(prec);
                json_object_set_new(nrec, "customPluginState",
                                    json_string("CREATE_FAILED"));
                json_object_set_new(nrec, "stateDescription",
                                    json_pack("{s:s,s:s}", "code",
                                              "CREATE_FAILED", "message",
                                              err));
                LOG_WARN(lg(), "Custom plugin %s: %s", arn, err);
                commit(m, K_PLUGIN, nrec, NULL);
                json_decref(nrec);
        } else {
                nrec = json_deep_copy(prec);
                json_object_set_new(nrec, "customPluginState",
                                    json_string("ACTIVE"));
                json_object_set_new(
                        nrec, "_rev",
                        json_pack("{s:s,s:I,s:o,s:s}", "md5", rev.md5_hex,
                                  "size", (json_int_t)rev.size, "classes",
                                  rev.classes ? json_incref(rev.classes)
                                              : json_array(),
                                  "dir", rev.dir ? rev.dir : ""));
                if (m->kstore)
                        json_object_set_new(m->local, arn,
                                            json_string(rev.dir));
                if (commit(m, K_PLUGIN, nrec, NULL) == 0)
                        LOG_INFO(lg(), "Custom plugin %s is ACTIVE", arn);
                json_decref(nrec);
        }
        mskc_plugin_rev_free(&rev);
        free(arn);
        free(id);
        free(ct);
        free(bucket);
        free(key);
        free(ver);
}

/* Distributed leader: connectors leaving CREATING / UPDATING are written
 * even when nobody asks, and a custom plugin a former leader did not
 * finish installing is installed here (only this thread installs, so
 * none is in progress now). Lock held. */
static const char *conn_state(mskc_t *m, json_t *rec, json_t **desc);
static void settle(mskc_t *m)
{
        json_t *r, *d;
        size_t i;

        if (!m->kstore || !is_leader(m))
                return;
        json_array_foreach(m->plugins, i, r)
                if (!strcmp(sget(r, "customPluginState"), "CREATING") &&
                    !queued(m, sget(r, "_arn")))
                        json_array_append_new(m->queue,
                                              json_string(sget(r, "_arn")));
        json_array_foreach(m->conns, i, r) {
                const char *ph = sget(r, "_phase");

                if (ph && (!strcmp(ph, "CREATING") ||
                           !strcmp(ph, "UPDATING"))) {
                        conn_state(m, r, &d);
                        json_decref(d);
                }
        }
}

static void *installer(void *arg)
{
        mskc_t *m = arg;

        pthread_mutex_lock(&m->lock);
        for (;;) {
                drain(m);
                if (m->stopping)
                        break;
                if (json_array_size(m->queue) > 0) {
                        install_one(m);
                        continue;
                }
                settle(m);
                if (json_array_size(m->queue) > 0)
                        continue;
                if (m->kstore) {
                        /* The reader signals without the lock: wake up
                         * anyway now and then. */
                        struct timespec ts;

                        clock_gettime(CLOCK_REALTIME, &ts);
                        ts.tv_nsec += 500 * 1000000L;
                        if (ts.tv_nsec >= 1000000000L) {
                                ts.tv_sec++;
                                ts.tv_nsec -= 1000000000L;
                        }
                        pthread_cond_timedwait(&m->cond, &m->lock, &ts);
                } else {
                        pthread_cond_wait(&m->cond, &m->lock);
                }
        }
        pthread_mutex_unlock(&m->lock);
        return NULL;
}

static json_t *plugin_rev_summary(const json_t *p)
{
        const json_t *r = json_object_get(p, "_rev");
        json_t *s;

        if (strcmp(sget(p, "customPluginState"), "ACTIVE") || !r)
                return NULL;
        s = json_pack("{s:s,s:O,s:{s:s,s:O},s:O,s:I}", "contentType",
                      sget(p, "_contentType"), "creationTime",
                      json_object_get(p, "creationTime"), "fileDescription",
                      "fileMd5", sget(r, "md5"), "fileSize",
                      json_object_get(r, "size"), "location",
                      json_object_get(p, "_location"), "revision",
                      (json_int_t)1);
        if (json_object_get(p, "description"))
                json_object_set(s, "description",
                                json_object_get(p, "description"));
        return s;
}

static json_t *plugin_out(const json_t *p)
{
        static const char *const drop[] = { "tags", NULL };
        json_t *o = public_copy(p, drop), *rs = plugin_rev_summary(p);

        if (rs)
                json_object_set_new(o, "latestRevision", rs);
        return o;
}

/* ------------------------------------------------- worker configurations */

static json_t *wcfg_out(const json_t *w, int with_content, int full)
{
        static const char *const drop[] = { "tags", NULL };
        json_t *o = public_copy(w, drop);
        json_t *lr = json_object_get(o, "latestRevision");

        if (lr && !with_content) {
                lr = json_deep_copy(lr);
                json_object_del(lr, "propertiesFileContent");
                json_object_set_new(o, "latestRevision", lr);
        }
        (void)full;
        return o;
}

/* --------------------------------------------------------- connectors */

/* Settles a connector's state from its tasks; may finish its pending
 * operation. *desc: a StateDescription (new reference) or NULL. */
static const char *conn_state(mskc_t *m, json_t *rec, json_t **desc)
{
        const char *phase = sget(rec, "_phase");
        const char *name = sget(rec, "connectorName");
        json_t *st = herder_connector_status(m->h, name);
        const char *cs = sget(json_object_get(st, "connector"), "state");
        json_t *tasks = json_object_get(st, "tasks"), *t, *ops, *op;
        const char *state = phase;
        char msg[1024] = "";
        size_t i;
        int running = 0, failed = 0;

        *desc = NULL;
        if (!st) {
                if (strcmp(phase, "CREATING") && strcmp(phase, "UPDATING")) {
                        state = "FAILED";
                        snprintf(msg, sizeof(msg), "Connector %s is not on "
                                 "the worker any more (deleted through the "
                                 "Connect REST API?).", name);
                }
                goto done;
        }
        if (cs && !strcmp(cs, "FAILED")) {
                const char *tr = sget(json_object_get(st, "connector"),
                                      "trace");

                failed = 1;
                snprintf(msg, sizeof(msg), "Connector %s failed: %.900s",
                         name, tr ? tr : "(no trace)");
        }
        json_array_foreach(tasks, i, t) {
                const char *ts = sget(t, "state");

                if (ts && !strcmp(ts, "RUNNING"))
                        running++;
                if (!failed && ts && !strcmp(ts, "FAILED")) {
                        const char *tr = sget(t, "trace");

                        failed = 1;
                        snprintf(msg, sizeof(msg), "Task %lld of connector %s "
                                 "failed: %.900s",
                                 (long long)json_integer_value(
                                         json_object_get(t, "id")),
                                 name, tr ? tr : "(no trace)");
                }
        }
        if (failed)
                state = "FAILED";
        else if (cs && !strcmp(cs, "RUNNING") && running > 0 &&
                 (size_t)running == json_array_size(tasks))
                state = "RUNNING";
        else if (!strcmp(phase, "FAILED") || !strcmp(phase, "RUNNING"))
                state = phase;
done:
        if (msg[0]) {
                char *nl = strchr(msg, '\n');

                if (nl)
                        *nl = '\0';
                *desc = json_pack("{s:s,s:s}", "code",
                                  st ? "TASK_FAILED" : "CONNECTOR_MISSING",
                                  "message", msg);
        }
        /* Leaving CREATING / UPDATING: record it, finish the operation. */
        if (strcmp(state, phase) &&
            (!strcmp(state, "RUNNING") || !strcmp(state, "FAILED"))) {
                ops = json_object_get(rec, "_operations");
                op = json_array_get(ops, json_array_size(ops) - 1);
                if (!strcmp(phase, "UPDATING") && op &&
                    !strcmp(sget(op, "connectorOperationState"),
                            "UPDATE_IN_PROGRESS")) {
                        char ts[40];
                        int ok = !strcmp(state, "RUNNING");
                        json_t *steps = json_object_get(op, "operationSteps");

                        now_rfc3339(ts, sizeof(ts));
                        json_object_set_new(op, "connectorOperationState",
                                            json_string(ok ? "UPDATE_COMPLETE"
                                                           : "UPDATE_FAILED"));
                        json_object_set_new(op, "endTime", json_string(ts));
                        json_array_foreach(steps, i, t)
                                if (!strcmp(sget(t, "stepState"),
                                            "IN_PROGRESS") ||
                                    !strcmp(sget(t, "stepState"), "PENDING"))
                                        json_object_set_new(
                                                t, "stepState",
                                                json_string(ok ? "COMPLETED"
                                                               : "FAILED"));
                        if (!ok && *desc)
                                json_object_set(op, "errorInfo", *desc);
                }
                json_object_set_new(rec, "_phase", json_string(state));
                /* Derived: a failed write is tried again at the next
                 * look. Distributed, the leader alone writes it. */
                if (is_leader(m))
                        persist(m, K_CONN, rec);
        }
        json_decref(st);
        return state;
}

static json_t *conn_out(mskc_t *m, json_t *rec, int full)
{
        static const char *const drop_full[] = { "tags", NULL };
        static const char *const drop_sum[] = { "tags",
                                                "connectorConfiguration",
                                                NULL };
        json_t *o = public_copy(rec, full ? drop_full : drop_sum), *desc;
        const char *state = conn_state(m, rec, &desc);

        json_object_set_new(o, "connectorState", json_string(state));
        if (full && desc)
                json_object_set(o, "stateDescription", desc);
        json_decref(desc);
        return o;
}

/* The Connect config of a connector record with user config `ucfg`. */
static json_t *connect_config(mskc_t *m, const json_t *rec, const json_t *ucfg,
                              rest_xresp_t *out)
{
        json_t *cfg = json_deep_copy(ucfg), *wprops = NULL;
        const json_t *wref = json_object_get(rec, "workerConfiguration");
        const json_t *pref = json_object_get(json_array_get(
                json_object_get(rec, "plugins"), 0), "customPlugin");
        const json_t *prec;
        mskc_plugin_rev_t rev;
        char err[1024];

        json_object_set_new(cfg, "name",
                            json_string(sget(rec, "connectorName")));
        if (mskc_valid_cluster(json_object_get(rec, "kafkaCluster"),
                               json_object_get(rec,
                                               "kafkaClusterClientAuthentication"),
                               json_object_get(rec,
                                               "kafkaClusterEncryptionInTransit"),
                               cfg, err, sizeof(err))) {
                BAD(out, "%s", err);
                goto fail;
        }
        if (wref) {
                const json_t *w = find(m->wcfgs,
                                       sget(wref, "workerConfigurationArn"),
                                       NULL);

                if (!w) {
                        BAD(out, "Worker configuration %s does not exist.",
                            sget(wref, "workerConfigurationArn"));
                        goto fail;
                }
                wprops = mskc_workercfg_parse(
                        sget(json_object_get(w, "latestRevision"),
                             "propertiesFileContent"), err, sizeof(err));
                if (!wprops ||
                    mskc_workercfg_apply(cfg, wprops, err, sizeof(err))) {
                        BAD(out, "Worker configuration %s: %s",
                            sget(wref, "workerConfigurationArn"), err);
                        goto fail;
                }
        }
        prec = find(m->plugins, sget(pref, "customPluginArn"), NULL);
        if (!prec) {
                BAD(out, "Custom plugin %s does not exist.",
                    sget(pref, "customPluginArn"));
                goto fail;
        }
        rev_from_rec(prec, &rev);
        if (mskc_plugin_bind(cfg, &rev, err, sizeof(err))) {
                mskc_plugin_rev_free(&rev);
                BAD(out, "Custom plugin %s: %s", sget(pref, "customPluginArn"),
                    err);
                goto fail;
        }
        mskc_plugin_rev_free(&rev);
        json_decref(wprops);
        return cfg;
fail:
        json_decref(wprops);
        json_decref(cfg);
        return NULL;
}

/* Checks the plugins member (exactly one ACTIVE custom plugin revision)
 * and the workerConfiguration member against what exists. */
static int check_refs(mskc_t *m, const json_t *body, rest_xresp_t *out)
{
        const json_t *pl = json_object_get(body, "plugins");
        const json_t *cp = json_object_get(json_array_get(pl, 0),
                                           "customPlugin");
        const json_t *wc = json_object_get(body, "workerConfiguration");
        const json_t *prec;

        if (!json_is_array(pl) || json_array_size(pl) != 1 ||
            !json_is_object(cp) ||
            !json_is_string(json_object_get(cp, "customPluginArn")) ||
            !json_is_integer(json_object_get(cp, "revision")))
                return BAD(out, "plugins must hold exactly one customPlugin "
                           "with customPluginArn and revision.");
        prec = find(m->plugins, sget(cp, "customPluginArn"), NULL);
        if (!prec)
                return BAD(out, "Custom plugin %s does not exist.",
                           sget(cp, "customPluginArn"));
        if (strcmp(sget(prec, "customPluginState"), "ACTIVE"))
                return BAD(out, "Custom plugin %s is %s; a connector needs an "
                           "ACTIVE custom plugin.", sget(cp, "customPluginArn"),
                           sget(prec, "customPluginState"));
        if (json_integer_value(json_object_get(cp, "revision")) != 1)
                return BAD(out, "Custom plugin %s has no revision %lld.",
                           sget(cp, "customPluginArn"),
                           (long long)json_integer_value(
                                   json_object_get(cp, "revision")));
        if (wc) {
                const json_t *w;

                if (!json_is_object(wc) ||
                    !json_is_string(json_object_get(wc,
                                                    "workerConfigurationArn")) ||
                    !json_is_integer(json_object_get(wc, "revision")))
                        return BAD(out, "workerConfiguration must have "
                                   "workerConfigurationArn and revision.");
                w = find(m->wcfgs, sget(wc, "workerConfigurationArn"), NULL);
                if (!w)
                        return BAD(out, "Worker configuration %s does not "
                                   "exist.",
                                   sget(wc, "workerConfigurationArn"));
                if (json_integer_value(json_object_get(wc, "revision")) != 1)
                        return BAD(out, "Worker configuration %s has no "
                                   "revision %lld.",
                                   sget(wc, "workerConfigurationArn"),
                                   (long long)json_integer_value(
                                           json_object_get(wc, "revision")));
        }
        return 0;
}

static int herder_fail(rest_xresp_t *out, herder_err_t e, const char *err)
{
        switch (e) {
        case HERDER_OK:
                return 0;
        case HERDER_BAD_REQUEST:
        case HERDER_NOT_FOUND:
        case HERDER_FORBIDDEN:
                return BAD(out, "%s", err);
        case HERDER_EXISTS:
        case HERDER_CONFLICT:
                return CONFLICT(out, "%s", err);
        default:
                return INTERNAL(out, "%s", err);
        }
}

static void conn_create(mskc_t *m, const rest_xreq_t *x, const json_t *b,
                        rest_xresp_t *out)
{
        const json_t *name = json_object_get(b, "connectorName");
        const json_t *ucfg = json_object_get(b, "connectorConfiguration");
        const json_t *s3 = NULL;
        json_t *cap = NULL, *rec = NULL, *cfg = NULL, *probe = NULL;
        char err[1024], arn[512], ts[40], ver[14];
        const char *nt;
        herder_err_t e;
        int created = 0;
        static const char *const req[] = {
                "kafkaCluster", "kafkaClusterClientAuthentication",
                "kafkaClusterEncryptionInTransit", "kafkaConnectVersion",
                "plugins", "serviceExecutionRoleArn", NULL };
        int i;

        (void)x;
        if (mskc_valid_name("connectorName", name, err, sizeof(err)) ||
            mskc_valid_description("connectorDescription",
                                   json_object_get(b, "connectorDescription"),
                                   err, sizeof(err)) ||
            mskc_valid_connector_config(ucfg, json_string_value(name), err,
                                        sizeof(err)) ||
            mskc_valid_capacity(json_object_get(b, "capacity"), 0, &cap, err,
                                sizeof(err)) ||
            mskc_valid_log_delivery(json_object_get(b, "logDelivery"), &s3,
                                    err, sizeof(err)) ||
            mskc_valid_tags(json_object_get(b, "tags"), 0, err,
                            sizeof(err))) {
                BAD(out, "%s", err);
                goto cleanup;
        }
        for (i = 0; req[i]; i++)
                if (!json_object_get(b, req[i])) {
                        BAD(out, "%s is required.", req[i]);
                        goto cleanup;
                }
        if (!json_is_string(json_object_get(b, "kafkaConnectVersion")) ||
            !json_is_string(json_object_get(b, "serviceExecutionRoleArn")) ||
            strncmp(sget(b, "serviceExecutionRoleArn"), "arn:", 4)) {
                BAD(out, "kafkaConnectVersion must be a string and "
                    "serviceExecutionRoleArn an IAM role ARN.");
                goto cleanup;
        }
        nt = sget(b, "networkType") ? sget(b, "networkType") : "IPV4";
        if (strcmp(nt, "IPV4") && strcmp(nt, "DUAL")) {
                BAD(out, "networkType must be IPV4 or DUAL; got %s.", nt);
                goto cleanup;
        }
        if (strcmp(wc_override_policy(m->props), "All")) {
                BAD(out, "This worker's connector.client.config.override."
                    "policy is %s; MSK Connect connectors need All (their "
                    "kafkaCluster becomes per-connector client overrides).",
                    wc_override_policy(m->props));
                goto cleanup;
        }
        if (check_refs(m, b, out))
                goto cleanup;
        if (find_by_name(m->conns, json_string_value(name)) ||
            (probe = herder_connector_config(m->h, json_string_value(name)))) {
                if (!find_by_name(m->conns, json_string_value(name)))
                        json_decref(probe);
                CONFLICT(out, "A connector named %s already exists.",
                         json_string_value(name));
                goto cleanup;
        }
        make_arn(m, "connector", json_string_value(name), arn, sizeof(arn));
        now_rfc3339(ts, sizeof(ts));
        new_version(ver);
        rec = json_pack("{s:s,s:s,s:s,s:O,s:O,s:s,s:s,s:O,s:O,s:O,s:O,s:O,"
                        "s:s,s:O,s:s,s:s,s:[]}",
                        "_arn", arn, "_name", json_string_value(name),
                        "connectorArn", arn, "connectorName", name,
                        "capacity", cap, "creationTime", ts,
                        "currentVersion", ver, "kafkaCluster",
                        json_object_get(b, "kafkaCluster"),
                        "kafkaClusterClientAuthentication",
                        json_object_get(b,
                                        "kafkaClusterClientAuthentication"),
                        "kafkaClusterEncryptionInTransit",
                        json_object_get(b, "kafkaClusterEncryptionInTransit"),
                        "kafkaConnectVersion",
                        json_object_get(b, "kafkaConnectVersion"), "plugins",
                        json_object_get(b, "plugins"), "networkType", nt,
                        "connectorConfiguration", ucfg,
                        "serviceExecutionRoleArn",
                        sget(b, "serviceExecutionRoleArn"), "_phase",
                        "CREATING", "_operations");
        if (!rec) {
                INTERNAL(out, "out of memory");
                goto cleanup;
        }
        if (json_object_get(b, "connectorDescription"))
                json_object_set(rec, "connectorDescription",
                                json_object_get(b, "connectorDescription"));
        if (json_object_get(b, "logDelivery"))
                json_object_set(rec, "logDelivery",
                                json_object_get(b, "logDelivery"));
        if (json_object_get(b, "workerConfiguration"))
                json_object_set(rec, "workerConfiguration",
                                json_object_get(b, "workerConfiguration"));
        json_object_set_new(rec, "tags", json_object_get(b, "tags")
                                ? json_deep_copy(json_object_get(b, "tags"))
                                : json_object());
        cfg = connect_config(m, rec, ucfg, out);
        if (!cfg)
                goto cleanup;
        if (logs_start(m, rec, err, sizeof(err))) {
                BAD(out, "Log delivery to S3: %s", err);
                goto cleanup;
        }
        e = herder_connector_put(m->h, json_string_value(name), cfg, NULL, 0,
                                 &created, NULL, err, sizeof(err));
        if (e != HERDER_OK) {
                logs_stop(m, json_string_value(name));
                herder_fail(out, e, err);
                goto cleanup;
        }
        if (commit(m, K_CONN, rec, out)) {
                /* Not stored: no MSK connector, so no connectd one. */
                logs_stop(m, json_string_value(name));
                herder_connector_delete(m->h, json_string_value(name), err,
                                        sizeof(err));
                goto cleanup;
        }
        LOG_INFO(lg(), "Created connector %s (%s)", json_string_value(name),
                 arn);
        rest_xresp_json(out, 200, json_pack("{s:s,s:O,s:s}", "connectorArn",
                                            arn, "connectorName", name,
                                            "connectorState", "CREATING"));
cleanup:
        json_decref(cap);
        json_decref(rec);
        json_decref(cfg);
}

static json_t *op_step_list(const char *update_step, const char *state)
{
        return json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]",
                         "stepType", "INITIALIZE_UPDATE", "stepState",
                         "COMPLETED", "stepType", "VALIDATE_UPDATE",
                         "stepState", "COMPLETED", "stepType", update_step,
                         "stepState", state, "stepType", "FINALIZE_UPDATE",
                         "stepState", !strcmp(state, "COMPLETED")
                                 ? "COMPLETED" : "PENDING");
}

static void conn_update(mskc_t *m, const rest_xreq_t *x, json_t *rec,
                        const json_t *b, rest_xresp_t *out)
{
        char *cv = query_get(x, "currentVersion");
        const json_t *capin = json_object_get(b, "capacity");
        const json_t *ucfg = json_object_get(b, "connectorConfiguration");
        json_t *cap = NULL, *cfg = NULL, *op = NULL, *desc = NULL;
        json_t *nrec = NULL, *oldcfg = NULL;
        char err[1024], ts[40], ver[14], oparn[700], u[37], state[32];
        const char *name = sget(rec, "connectorName");
        herder_err_t e;
        int created;

        if (!cv || !*cv) {
                BAD(out, "currentVersion is required.");
                goto cleanup;
        }
        if (strcmp(cv, sget(rec, "currentVersion"))) {
                BAD(out, "The currentVersion %s does not match the "
                    "connector's current version %s.", cv,
                    sget(rec, "currentVersion"));
                goto cleanup;
        }
        if (!json_is_object(b) || !!capin == !!ucfg) {
                BAD(out, "UpdateConnector takes exactly one of capacity and "
                    "connectorConfiguration.");
                goto cleanup;
        }
        snprintf(state, sizeof(state), "%s", conn_state(m, rec, &desc));
        if (strcmp(state, "RUNNING") && strcmp(state, "FAILED")) {
                BAD(out, "Connector %s is %s; it can be updated when RUNNING "
                    "or FAILED.", name, state);
                goto cleanup;
        }
        if (capin && mskc_valid_capacity(capin, 1, &cap, err, sizeof(err))) {
                BAD(out, "%s", err);
                goto cleanup;
        }
        if (ucfg && mskc_valid_connector_config(ucfg, name, err,
                                                sizeof(err))) {
                BAD(out, "%s", err);
                goto cleanup;
        }
        now_rfc3339(ts, sizeof(ts));
        uuid4(u);
        {
                /* connector/NAME/UUID → connector-operation/NAME/UUID/OP */
                const char *tail = strstr(sget(rec, "_arn"), ":connector/");

                snprintf(oparn, sizeof(oparn), "%.*s:connector-operation/%s/%s",
                         (int)(tail - sget(rec, "_arn")), sget(rec, "_arn"),
                         tail + strlen(":connector/"), u);
        }
        if (cap) {
                op = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:O},s:{s:O}}",
                               "connectorOperationArn", oparn,
                               "connectorOperationType",
                               "UPDATE_WORKER_SETTING",
                               "connectorOperationState", "UPDATE_COMPLETE",
                               "creationTime", ts, "endTime", ts,
                               "originWorkerSetting", "capacity",
                               json_object_get(rec, "capacity"),
                               "targetWorkerSetting", "capacity", cap);
                /* connectd does not resize workers: stored at once. */
                json_object_set_new(op, "operationSteps",
                                    op_step_list("UPDATE_WORKER_SETTING",
                                                 "COMPLETED"));
                nrec = json_deep_copy(rec);
                json_object_set(nrec, "capacity", cap);
        } else {
                json_t *trial = json_deep_copy(rec);

                json_object_set(trial, "connectorConfiguration", (json_t *)ucfg);
                cfg = connect_config(m, trial, ucfg, out);
                json_decref(trial);
                if (!cfg)
                        goto cleanup;
                oldcfg = herder_connector_config(m->h, name);
                e = herder_connector_put(m->h, name, cfg, NULL, 1, &created,
                                         NULL, err, sizeof(err));
                if (e != HERDER_OK) {
                        herder_fail(out, e, err);
                        goto cleanup;
                }
                op = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O}",
                               "connectorOperationArn", oparn,
                               "connectorOperationType",
                               "UPDATE_CONNECTOR_CONFIGURATION",
                               "connectorOperationState", "UPDATE_IN_PROGRESS",
                               "creationTime", ts,
                               "originConnectorConfiguration",
                               json_object_get(rec, "connectorConfiguration"),
                               "targetConnectorConfiguration", ucfg);
                json_object_set_new(op, "operationSteps",
                                    op_step_list("UPDATE_CONNECTOR_CONFIGURATION",
                                                 "IN_PROGRESS"));
                nrec = json_deep_copy(rec);
                json_object_set(nrec, "connectorConfiguration",
                                (json_t *)ucfg);
                json_object_set_new(nrec, "_phase", json_string("UPDATING"));
        }
        json_array_append(json_object_get(nrec, "_operations"), op);
        new_version(ver);
        json_object_set_new(nrec, "currentVersion", json_string(ver));
        if (commit(m, K_CONN, nrec, out)) {
                /* Not stored: the connector goes back to what it ran. */
                if (oldcfg && herder_connector_put(m->h, name, oldcfg, NULL, 1,
                                                   &created, NULL, err,
                                                   sizeof(err)) != HERDER_OK)
                        LOG_ERROR(lg(), "Connector %s: could not restore "
                                  "its configuration: %s", name, err);
                goto cleanup;
        }
        /* rec (and name) may be gone: nrec is the record now. */
        rest_xresp_json(out, 200, json_pack("{s:s,s:s,s:s}", "connectorArn",
                                            sget(nrec, "_arn"),
                                            "connectorState",
                                            cap ? state : "UPDATING",
                                            "connectorOperationArn", oparn));
cleanup:
        json_decref(nrec);
        json_decref(oldcfg);
        json_decref(desc);
        json_decref(cap);
        json_decref(cfg);
        json_decref(op);
        free(cv);
}

static void conn_delete(mskc_t *m, const rest_xreq_t *x, json_t *rec,
                        size_t idx, rest_xresp_t *out)
{
        char *cv = query_get(x, "currentVersion");
        char err[512], *arn = NULL, *cname = NULL;
        const char *name = sget(rec, "connectorName");
        herder_err_t e;

        (void)idx;
        if (cv && strcmp(cv, sget(rec, "currentVersion"))) {
                BAD(out, "The currentVersion %s does not match the "
                    "connector's current version %s.", cv,
                    sget(rec, "currentVersion"));
                goto cleanup;
        }
        e = herder_connector_delete(m->h, name, err, sizeof(err));
        if (e != HERDER_OK && e != HERDER_NOT_FOUND) {
                herder_fail(out, e, err);
                goto cleanup;
        }
        arn = strdup(sget(rec, "_arn"));
        cname = strdup(name);
        /* rec (and name, which points into it) goes here. */
        if (commit_delete(m, arn, out))
                goto cleanup;
        logs_stop(m, cname);
        LOG_INFO(lg(), "Deleted connector %s (%s)", cname, arn);
        rest_xresp_json(out, 200, json_pack("{s:s,s:s}", "connectorArn", arn,
                                            "connectorState", "DELETING"));
cleanup:
        free(cname);
        free(arn);
        free(cv);
}

/* ---------------------------------------------------------- handlers */

static void list_connectors(mskc_t *m, const rest_xreq_t *x,
                            rest_xresp_t *out)
{
        char *pfx = query_get(x, "connectorNamePrefix");
        json_t *items = json_array(), *r;
        size_t i;

        json_array_foreach(m->conns, i, r) {
                json_t *o;

                if (!prefix_ok(pfx, sget(r, "_name")))
                        continue;
                o = conn_out(m, r, 0);
                json_object_set(o, "_key", json_object_get(r, "_arn"));
                json_array_append_new(items, o);
        }
        paginate(x, out, items, "connectors");
        json_decref(items);
        free(pfx);
}

static void list_plugins_or_wcfgs(mskc_t *m, const rest_xreq_t *x,
                                  rest_xresp_t *out, int plugins)
{
        char *pfx = query_get(x, "namePrefix");
        json_t *items = json_array(), *r;
        size_t i;

        json_array_foreach(plugins ? m->plugins : m->wcfgs, i, r) {
                json_t *o;

                if (!prefix_ok(pfx, sget(r, "_name")))
                        continue;
                o = plugins ? plugin_out(r) : wcfg_out(r, 0, 0);
                json_object_del(o, "stateDescription");
                json_object_set(o, "_key", json_object_get(r, "_arn"));
                json_array_append_new(items, o);
        }
        paginate(x, out, items, plugins ? "customPlugins"
                                        : "workerConfigurations");
        json_decref(items);
        free(pfx);
}

static void plugin_create(mskc_t *m, const json_t *b, rest_xresp_t *out)
{
        const json_t *name = json_object_get(b, "name");
        const json_t *loc = json_object_get(b, "location");
        const json_t *s3 = json_object_get(loc, "s3Location");
        const char *ct = sget(b, "contentType");
        char err[512], arn[512], ts[40];
        json_t *rec;
        const char *u;

        if (mskc_valid_name("name", name, err, sizeof(err)) ||
            mskc_valid_description("description",
                                   json_object_get(b, "description"), err,
                                   sizeof(err)) ||
            mskc_valid_tags(json_object_get(b, "tags"), 0, err,
                            sizeof(err))) {
                BAD(out, "%s", err);
                return;
        }
        if (!ct || (strcmp(ct, "ZIP") && strcmp(ct, "JAR"))) {
                BAD(out, "contentType is required and must be ZIP or JAR.");
                return;
        }
        if (!json_is_object(s3) || !sget(s3, "bucketArn") ||
            !sget(s3, "fileKey") || !*sget(s3, "fileKey")) {
                BAD(out, "location.s3Location with bucketArn and fileKey is "
                    "required.");
                return;
        }
        if (strncmp(sget(s3, "bucketArn"), "arn:aws:s3:::", 13) ||
            !sget(s3, "bucketArn")[13]) {
                BAD(out, "location.s3Location.bucketArn must be an S3 bucket "
                    "ARN (arn:aws:s3:::BUCKET); got %s.",
                    sget(s3, "bucketArn"));
                return;
        }
        if (find_by_name(m->plugins, json_string_value(name))) {
                CONFLICT(out, "A custom plugin named %s already exists.",
                         json_string_value(name));
                return;
        }
        make_arn(m, "custom-plugin", json_string_value(name), arn,
                 sizeof(arn));
        now_rfc3339(ts, sizeof(ts));
        u = strrchr(arn, '/') + 1;
        rec = json_pack("{s:s,s:O,s:s,s:s,s:O,s:s,s:s,s:o,s:s,s:{s:O}}",
                        "_arn", arn, "_name", name, "_id", u,
                        "customPluginArn", arn, "name", name, "creationTime",
                        ts, "customPluginState", "CREATING", "tags",
                        json_object_get(b, "tags")
                                ? json_deep_copy(json_object_get(b, "tags"))
                                : json_object(),
                        "_contentType", ct, "_location", "s3Location", s3);
        if (json_object_get(b, "description"))
                json_object_set(rec, "description",
                                json_object_get(b, "description"));
        if (commit(m, K_PLUGIN, rec, out)) {
                json_decref(rec);
                return;
        }
        json_array_append_new(m->queue, json_string(arn));
        pthread_cond_signal(&m->cond);
        rest_xresp_json(out, 200, json_pack("{s:s,s:s,s:O,s:I}",
                                            "customPluginArn", arn,
                                            "customPluginState", "CREATING",
                                            "name", name, "revision",
                                            (json_int_t)1));
        json_decref(rec);
}

static void plugin_delete(mskc_t *m, json_t *p, size_t idx, rest_xresp_t *out)
{
        size_t i;
        json_t *c;
        mskc_plugin_rev_t rev;
        char *arn;

        json_array_foreach(m->conns, i, c) {
                const json_t *cp = json_object_get(json_array_get(
                        json_object_get(c, "plugins"), 0), "customPlugin");

                if (!strcmp(sget(cp, "customPluginArn"), sget(p, "_arn"))) {
                        BAD(out, "Custom plugin %s is in use by connector %s.",
                            sget(p, "_arn"), sget(c, "connectorName"));
                        return;
                }
        }
        (void)idx;
        arn = strdup(sget(p, "_arn"));
        /* Distributed, each worker removes its own copy (apply). */
        rev_from_rec(p, &rev);
        if (commit_delete(m, arn, out)) {
                mskc_plugin_rev_free(&rev);
                free(arn);
                return;
        }
        if (!m->kstore && rev.dir && *rev.dir)
                mskc_plugin_remove(&rev);
        mskc_plugin_rev_free(&rev);
        rest_xresp_json(out, 200, json_pack("{s:s,s:s}", "customPluginArn",
                                            arn, "customPluginState",
                                            "DELETING"));
        free(arn);
}

static void wcfg_create(mskc_t *m, const json_t *b, rest_xresp_t *out)
{
        const json_t *name = json_object_get(b, "name");
        const char *content = sget(b, "propertiesFileContent");
        char err[1024], arn[512], ts[40];
        json_t *props, *rec, *lr;

        if (mskc_valid_name("name", name, err, sizeof(err)) ||
            mskc_valid_description("description",
                                   json_object_get(b, "description"), err,
                                   sizeof(err)) ||
            mskc_valid_tags(json_object_get(b, "tags"), 0, err,
                            sizeof(err))) {
                BAD(out, "%s", err);
                return;
        }
        if (!content) {
                BAD(out, "propertiesFileContent is required.");
                return;
        }
        props = mskc_workercfg_parse(content, err, sizeof(err));
        if (!props) {
                BAD(out, "%s", err);
                return;
        }
        json_decref(props);
        if (find_by_name(m->wcfgs, json_string_value(name))) {
                CONFLICT(out, "A worker configuration named %s already "
                         "exists.", json_string_value(name));
                return;
        }
        make_arn(m, "worker-configuration", json_string_value(name), arn,
                 sizeof(arn));
        now_rfc3339(ts, sizeof(ts));
        lr = json_pack("{s:s,s:I,s:s}", "creationTime", ts, "revision",
                       (json_int_t)1, "propertiesFileContent", content);
        if (json_object_get(b, "description"))
                json_object_set(lr, "description",
                                json_object_get(b, "description"));
        rec = json_pack("{s:s,s:O,s:s,s:O,s:s,s:s,s:o}", "_arn", arn, "_name",
                        name, "workerConfigurationArn", arn, "name", name,
                        "creationTime", ts, "workerConfigurationState",
                        "ACTIVE", "latestRevision", lr);
        if (json_object_get(b, "description"))
                json_object_set(rec, "description",
                                json_object_get(b, "description"));
        json_object_set_new(rec, "tags", json_object_get(b, "tags")
                                ? json_deep_copy(json_object_get(b, "tags"))
                                : json_object());
        if (commit(m, K_WCFG, rec, out) == 0)
                rest_xresp_json(out, 200, wcfg_out(rec, 0, 1));
        json_decref(rec);
}

static void wcfg_delete(mskc_t *m, json_t *w, size_t idx, rest_xresp_t *out)
{
        size_t i;
        json_t *c;
        char *arn;

        json_array_foreach(m->conns, i, c)
                if (!strcmp(sget(json_object_get(c, "workerConfiguration"),
                                 "workerConfigurationArn") ?: "",
                            sget(w, "_arn"))) {
                        BAD(out, "Worker configuration %s is in use by "
                            "connector %s.", sget(w, "_arn"),
                            sget(c, "connectorName"));
                        return;
                }
        (void)idx;
        arn = strdup(sget(w, "_arn"));
        if (commit_delete(m, arn, out)) {
                free(arn);
                return;
        }
        rest_xresp_json(out, 200, json_pack("{s:s,s:s}",
                                            "workerConfigurationArn", arn,
                                            "workerConfigurationState",
                                            "DELETING"));
        free(arn);
}

/* The record behind a taggable ARN, and its kind. */
static json_t *find_any(mskc_t *m, const char *arn, const char **kind)
{
        json_t *r;

        if ((r = find(m->conns, arn, NULL))) {
                *kind = K_CONN;
                return r;
        }
        if ((r = find(m->plugins, arn, NULL))) {
                *kind = K_PLUGIN;
                return r;
        }
        if ((r = find(m->wcfgs, arn, NULL))) {
                *kind = K_WCFG;
                return r;
        }
        return NULL;
}

static void tags_op(mskc_t *m, const rest_xreq_t *x, const char *arn,
                    const json_t *b, rest_xresp_t *out)
{
        const char *kind;
        json_t *r = find_any(m, arn, &kind), *tags, *nrec = NULL;
        char err[512], *k, *v;
        int i, n = 0;

        if (!r) {
                NOTFOUND(out, "Resource %s does not exist.", arn);
                return;
        }
        if (!strcmp(x->method, "GET")) {
                rest_xresp_json(out, 200, json_pack("{s:O}", "tags",
                                                    json_object_get(r,
                                                                    "tags")));
                return;
        }
        /* A copy: the record changes only once the change is stored. */
        nrec = json_deep_copy(r);
        tags = json_object_get(nrec, "tags");
        if (!strcmp(x->method, "POST")) {
                json_t *merged;

                if (mskc_valid_tags(json_object_get(b, "tags"), 1, err,
                                    sizeof(err))) {
                        BAD(out, "%s", err);
                        goto cleanup;
                }
                merged = json_deep_copy(tags);
                json_object_update(merged, json_object_get(b, "tags"));
                if (json_object_size(merged) > 200) {
                        json_decref(merged);
                        BAD(out, "A resource may hold at most 200 tags.");
                        goto cleanup;
                }
                json_object_set_new(nrec, "tags", merged);
        } else {
                for (i = 0; rest_xreq_query_at(x, i, &k, &v) == 0; i++) {
                        if (!strcmp(k, "tagKeys")) {
                                n++;
                                json_object_del(tags, v);
                        }
                        free(k);
                        free(v);
                }
                if (!n) {
                        BAD(out, "tagKeys is required.");
                        goto cleanup;
                }
        }
        if (commit(m, kind, nrec, out) == 0)
                rest_xresp_json(out, 200, json_object());
cleanup:
        json_decref(nrec);
}

static void list_operations(mskc_t *m, const rest_xreq_t *x, json_t *rec,
                            rest_xresp_t *out)
{
        json_t *items = json_array(), *op, *d;
        size_t i;
        char key[32];

        json_decref(conn_out(m, rec, 0)); /* settles a pending operation */
        json_array_foreach(json_object_get(rec, "_operations"), i, op) {
                json_t *o = json_object();
                static const char *const k[] = {
                        "connectorOperationArn", "connectorOperationType",
                        "connectorOperationState", "creationTime", "endTime",
                        NULL };
                int j;

                for (j = 0; k[j]; j++)
                        if ((d = json_object_get(op, k[j])))
                                json_object_set(o, k[j], d);
                /* Newest first. */
                snprintf(key, sizeof(key), "%010zu",
                         (size_t)1000000000 - i);
                json_object_set_new(o, "_key", json_string(key));
                json_array_append_new(items, o);
        }
        paginate(x, out, items, "connectorOperations");
        json_decref(items);
}

static void describe_operation(mskc_t *m, const char *arn, rest_xresp_t *out)
{
        size_t i, j;
        json_t *c, *op;

        json_array_foreach(m->conns, i, c) {
                json_decref(conn_out(m, c, 0));
                json_array_foreach(json_object_get(c, "_operations"), j, op)
                        if (!strcmp(sget(op, "connectorOperationArn"), arn)) {
                                json_t *o = json_deep_copy(op);

                                json_object_set(o, "connectorArn",
                                                json_object_get(c, "_arn"));
                                rest_xresp_json(out, 200, o);
                                return;
                        }
        }
        NOTFOUND(out, "Connector operation %s does not exist.", arn);
}

/* ------------------------------------------------------------- routing */

static const char *xhdr(void *ctx, const char *name)
{
        const rest_xreq_t *x = ctx;

        return x->header(x, name);
}

static int authenticate(mskc_t *m, const rest_xreq_t *x, rest_xresp_t *out)
{
        mskc_sigv4_req_t r = { x->method, x->path, x->query, x->body,
                               x->body_len, xhdr, (void *)x };
        const char *fwd = x->header(x, MSKC_FORWARD_HEADER);
        char msg[512];

        if (fwd && m->akid && tl_forwarded) {
                /* Another worker of the cluster checked the caller. */
                if (!mskc_forward_verify(m->secret, fwd, time(NULL),
                                         x->method, x->path, x->query,
                                         x->body, x->body_len))
                        return send_error(out, 403,
                                          "InvalidSignatureException",
                                          "The forwarded request's "
                                          "signature does not match.");
                return 0;
        }
        if (!m->akid) {
                if (!x->basic_ok)
                        return send_error(out, 401, "UnauthorizedException",
                                          "The REST listener's HTTP Basic "
                                          "authentication failed.");
                return 0;
        }
        switch (mskc_sigv4_verify(&r, m->akid, m->secret, time(NULL), msg,
                                  sizeof(msg))) {
        case MSKC_SIGV4_OK:
                return 0;
        case MSKC_SIGV4_MISSING:
                return send_error(out, 403,
                                  "MissingAuthenticationTokenException",
                                  "%s", msg);
        case MSKC_SIGV4_INCOMPLETE:
                return send_error(out, 403, "IncompleteSignatureException",
                                  "%s", msg);
        case MSKC_SIGV4_UNKNOWN_KEY:
                return send_error(out, 403, "UnrecognizedClientException",
                                  "%s", msg);
        case MSKC_SIGV4_EXPIRED:
        case MSKC_SIGV4_MISMATCH:
        default:
                return send_error(out, 403, "InvalidSignatureException", "%s",
                                  msg);
        }
}

/* Splits "/v1/a/b/c" into up to 4 raw labels. */
static int split(const char *path, const char *lab[4], size_t len[4])
{
        const char *p = path + 4; /* after "/v1/" */
        int n = 0;

        while (*p && n < 4) {
                size_t l = strcspn(p, "/");

                lab[n] = p;
                len[n] = l;
                n++;
                p += l;
                if (*p == '/')
                        p++;
                else
                        break;
        }
        if (*p)
                return -1;
        return n;
}

static int is(const char *lab, size_t len, const char *s)
{
        return strlen(s) == len && !strncmp(lab, s, len);
}

static void route(mskc_t *m, const rest_xreq_t *x, const json_t *body,
                  rest_xresp_t *out)
{
        const char *lab[4] = { 0 };
        size_t len[4] = { 0 }, idx;
        int n = split(x->path, lab, len);
        const char *meth = x->method;
        char *arn = NULL;
        json_t *r;

        if (n < 1)
                goto unknown;
        if (n >= 2) {
                arn = pct_decode(lab[1], len[1]);
                if (!arn)
                        goto unknown;
        }
        if (is(lab[0], len[0], "connectors")) {
                if (n == 1 && !strcmp(meth, "GET"))
                        list_connectors(m, x, out);
                else if (n == 1 && !strcmp(meth, "POST"))
                        conn_create(m, x, body, out);
                else if (n == 2 || (n == 3 && is(lab[2], len[2],
                                                  "operations"))) {
                        r = find(m->conns, arn, &idx);
                        if (!r) {
                                NOTFOUND(out, "Connector %s does not exist.",
                                         arn);
                        } else if (n == 3 && !strcmp(meth, "GET")) {
                                list_operations(m, x, r, out);
                        } else if (n == 3) {
                                goto unknown;
                        } else if (!strcmp(meth, "GET")) {
                                rest_xresp_json(out, 200, conn_out(m, r, 1));
                        } else if (!strcmp(meth, "PUT")) {
                                conn_update(m, x, r, body, out);
                        } else if (!strcmp(meth, "DELETE")) {
                                conn_delete(m, x, r, idx, out);
                        } else {
                                goto unknown;
                        }
                } else {
                        goto unknown;
                }
        } else if (is(lab[0], len[0], "connectorOperations") && n == 2 &&
                   !strcmp(meth, "GET")) {
                describe_operation(m, arn, out);
        } else if (is(lab[0], len[0], "custom-plugins")) {
                if (n == 1 && !strcmp(meth, "GET"))
                        list_plugins_or_wcfgs(m, x, out, 1);
                else if (n == 1 && !strcmp(meth, "POST"))
                        plugin_create(m, body, out);
                else if (n == 2 && (!strcmp(meth, "GET") ||
                                    !strcmp(meth, "DELETE"))) {
                        r = find(m->plugins, arn, &idx);
                        if (!r)
                                NOTFOUND(out, "Custom plugin %s does not "
                                         "exist.", arn);
                        else if (!strcmp(meth, "GET"))
                                rest_xresp_json(out, 200, plugin_out(r));
                        else
                                plugin_delete(m, r, idx, out);
                } else {
                        goto unknown;
                }
        } else if (is(lab[0], len[0], "worker-configurations")) {
                if (n == 1 && !strcmp(meth, "GET"))
                        list_plugins_or_wcfgs(m, x, out, 0);
                else if (n == 1 && !strcmp(meth, "POST"))
                        wcfg_create(m, body, out);
                else if (n == 2 && (!strcmp(meth, "GET") ||
                                    !strcmp(meth, "DELETE"))) {
                        r = find(m->wcfgs, arn, &idx);
                        if (!r)
                                NOTFOUND(out, "Worker configuration %s does "
                                         "not exist.", arn);
                        else if (!strcmp(meth, "GET"))
                                rest_xresp_json(out, 200, wcfg_out(r, 1, 1));
                        else
                                wcfg_delete(m, r, idx, out);
                } else {
                        goto unknown;
                }
        } else if (is(lab[0], len[0], "tags") && n == 2 &&
                   (!strcmp(meth, "GET") || !strcmp(meth, "POST") ||
                    !strcmp(meth, "DELETE"))) {
                tags_op(m, x, arn, body, out);
        } else {
                goto unknown;
        }
        free(arn);
        return;
unknown:
        free(arn);
        send_error(out, 404, "UnknownOperationException",
                   "No MSK Connect operation is %s %s.", meth, x->path);
}

/* Distributed: a write goes to the leader, the answer comes back as the
 * leader gave it. */
static void forward_to_leader(mskc_t *m, const char *url, const rest_xreq_t *x,
                              rest_xresp_t *out)
{
        forward_result_t res = { 0, NULL };
        char val[160], extra[256], *pq = NULL;
        json_t *body;
        const char *type;

        if (mskc_forward_value(m->akid ? m->secret : NULL, time(NULL),
                               x->method, x->path, x->query, x->body,
                               x->body_len, val, sizeof(val)) ||
            asprintf(&pq, "%s%s%s", x->path, x->query ? "?" : "",
                     x->query ? x->query : "") < 0) {
                pq = NULL;
                INTERNAL(out, "out of memory");
                goto out;
        }
        snprintf(extra, sizeof(extra), "%s: %s\n", MSKC_FORWARD_HEADER, val);
        if (forward_request(url, x->method, pq,
                            x->body_len ? x->body : NULL,
                            m->akid ? NULL : x->header(x, "Authorization"),
                            extra, 60000, &res)) {
                LOG_WARN(lg(), "Forwarding %s %s to the leader %s failed: %s",
                         x->method, x->path, url, res.body ? res.body : "");
                send_error(out, 503, "ServiceUnavailableException",
                           "The cluster's leader (%s) could not be reached; "
                           "try again.", url);
                goto out;
        }
        body = res.body && *res.body ? json_loads(res.body, 0, NULL) : NULL;
        if (!body)
                body = json_object();
        type = res.status >= 400 ? sget(body, "__type") : NULL;
        if (type)
                rest_xresp_header(out, "x-amzn-ErrorType", type);
        /* After the header: type points into body. */
        json_object_del(body, "__type");
        rest_xresp_json(out, (unsigned)res.status, body);
out:
        forward_result_free(&res);
        free(pq);
}

/* Distributed: 1 when the request was forwarded or refused here. */
static int route_cluster(mskc_t *m, const rest_xreq_t *x, rest_xresp_t *out)
{
        char err[512] = "", *url = NULL;
        int write = strcmp(x->method, "GET") != 0;
        herder_err_t e;

        if (!m->kstore)
                return 0;
        if (write) {
                e = herder_route(m->h, HERDER_ROUTE_LEADER, NULL, -1, &url,
                                 err, sizeof(err));
                if (e != HERDER_OK) {
                        send_error(out, 503, "ServiceUnavailableException",
                                   "%s", err);
                        return 1;
                }
                if (url && tl_forwarded) {
                        /* The leader changed on the way: one hop only. */
                        free(url);
                        send_error(out, 503, "ServiceUnavailableException",
                                   "The cluster's leader changed; try "
                                   "again.");
                        return 1;
                }
                if (url) {
                        forward_to_leader(m, url, x, out);
                        free(url);
                        return 1;
                }
        }
        /* Every write acknowledged before this request is in the answer. */
        if (mskc_kstore_sync(m->kstore, 15000, err, sizeof(err))) {
                if (write) {
                        INTERNAL(out, "The MSK Connect resources could not "
                                 "be read: %s", err);
                        return 1;
                }
                LOG_WARN(lg(), "Answering from what was read: %s", err);
        }
        return 0;
}

void mskc_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out)
{
        mskc_t *m = ctx;
        json_t *body = NULL;
        json_error_t je;
        char rid[37];

        uuid4(rid);
        tl_forwarded = m->kstore && x->header(x, MSKC_FORWARD_HEADER);
        if (authenticate(m, x, out))
                goto done;
        if (x->body && x->body_len > 0 &&
            (!strcmp(x->method, "POST") || !strcmp(x->method, "PUT"))) {
                body = json_loadb(x->body, x->body_len, 0, &je);
                if (!json_is_object(body)) {
                        BAD(out, "The request body is not a JSON object: %s",
                            body ? "not an object" : je.text);
                        goto done;
                }
        } else if (!strcmp(x->method, "POST") || !strcmp(x->method, "PUT")) {
                body = json_object();
        }
        if (route_cluster(m, x, out))
                goto done;
        pthread_mutex_lock(&m->lock);
        drain(m);
        route(m, x, body, out);
        pthread_mutex_unlock(&m->lock);
done:
        tl_forwarded = 0;
        rest_xresp_header(out, "x-amzn-RequestId", rid);
        json_decref(body);
}

/* ------------------------------------------------------------ lifecycle */

static int load_cb(void *opaque, const char *arn, const char *kind,
                   const char *doc)
{
        mskc_t *m = opaque;
        json_t *rec = json_loads(doc, 0, NULL);

        (void)arn;
        if (!rec)
                return 0;
        if (!strcmp(kind, K_CONN))
                json_array_append(m->conns, rec);
        else if (!strcmp(kind, K_PLUGIN))
                json_array_append(m->plugins, rec);
        else if (!strcmp(kind, K_WCFG))
                json_array_append(m->wcfgs, rec);
        json_decref(rec);
        return 0;
}

/* After a restart: plugin revisions loaded again (before the herder
 * starts the connectors that run them), unfinished installs queued, log
 * delivery started again. */
static void restore(mskc_t *m)
{
        size_t i;
        json_t *r;
        char err[1024];

        json_array_foreach(m->plugins, i, r) {
                const char *st = sget(r, "customPluginState");

                if (!strcmp(st, "CREATING")) {
                        json_array_append_new(m->queue,
                                              json_string(sget(r, "_arn")));
                } else if (!strcmp(st, "ACTIVE")) {
                        mskc_plugin_rev_t rev;

                        rev_from_rec(r, &rev);
                        if (mskc_plugin_reload(m->props, &rev, err,
                                               sizeof(err)))
                                LOG_ERROR(lg(), "Custom plugin %s: %s",
                                          sget(r, "_arn"), err);
                        mskc_plugin_rev_free(&rev);
                }
        }
        json_array_foreach(m->conns, i, r)
                if (logs_start(m, r, err, sizeof(err)))
                        LOG_ERROR(lg(), "Log delivery of connector %s: %s",
                                  sget(r, "connectorName"), err);
}

/* Distributed: the topic, created where the cluster allows it (like
 * Connect's internal topics: compacted, config.storage.replication.factor)
 * with one partition, read to its end; then every ACTIVE custom plugin
 * revision loaded here before the herder starts connectors that run it. */
static int open_cluster_store(mskc_t *m, struct kafka *kf, char *errstr,
                              size_t errstr_size)
{
        const char *topic = wc_get(m->props, "mskconnect.storage.topic");
        rd_kafka_conf_t *ac = NULL, *pc = NULL, *cc = NULL;
        char group[512];
        int rf = (int)wc_get_ll(m->props, "config.storage.replication.factor");

        if (!topic || !*topic)
                topic = "connect-mskconnect";
        if (kafka_is_embedded(kf))
                rf = 1;
        ac = kafka_producer_conf(kf, NULL, errstr, errstr_size);
        if (!ac || kafka_log_topic_ensure(ac, topic, 1, rf, NULL, 1, 30000,
                                          errstr, errstr_size))
                return -1;
        snprintf(group, sizeof(group), "%s-mskconnect-reader",
                 wc_get(m->props, "group.id"));
        pc = kafka_producer_conf(kf, NULL, errstr, errstr_size);
        cc = kafka_consumer_conf(kf, NULL, group, errstr, errstr_size);
        if (!pc || !cc) {
                if (pc)
                        rd_kafka_conf_destroy(pc);
                if (cc)
                        rd_kafka_conf_destroy(cc);
                return -1;
        }
        m->kstore = mskc_kstore_open(topic, pc, cc, on_stored, m, errstr,
                                     errstr_size);
        if (!m->kstore)
                return -1;
        pthread_mutex_lock(&m->lock);
        drain(m);   /* queues the ACTIVE plugin revisions */
        while (json_array_size(m->queue) > 0)
                install_one(m);
        pthread_mutex_unlock(&m->lock);
        LOG_INFO(lg(), "MSK Connect resources from topic %s: %zu "
                 "connector(s), %zu custom plugin(s), %zu worker "
                 "configuration(s)", topic, json_array_size(m->conns),
                 json_array_size(m->plugins), json_array_size(m->wcfgs));
        return 0;
}

mskc_t *mskc_start(herder_t *h, struct kafka *kf, const json_t *worker_props,
                   char *errstr, size_t errstr_size)
{
        mskc_t *m = calloc(1, sizeof(*m));
        const char *v;

        if (!m) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        m->h = h;
        m->props = json_incref((json_t *)worker_props);
        pthread_mutex_init(&m->lock, NULL);
        pthread_mutex_init(&m->inbox_lock, NULL);
        pthread_cond_init(&m->cond, NULL);
        m->inbox = json_array();
        m->local = json_object();
        m->conns = json_array();
        m->plugins = json_array();
        m->wcfgs = json_array();
        m->queue = json_array();
        v = wc_get(worker_props, "mskconnect.region");
        snprintf(m->region, sizeof(m->region), "%s", v ? v : "us-east-1");
        v = wc_get(worker_props, "mskconnect.account.id");
        snprintf(m->account, sizeof(m->account), "%s",
                 v ? v : "123456789012");
        m->akid = wc_get(worker_props, "mskconnect.access.key.id");
        m->secret = wc_get(worker_props, "mskconnect.secret.access.key");
        if (m->akid && !*m->akid)
                m->akid = NULL;
        if (m->akid && !m->secret) {
                snprintf(errstr, errstr_size, "mskconnect.access.key.id is "
                         "set without mskconnect.secret.access.key");
                goto fail;
        }
        if (!wc_is_distributed(worker_props) &&
            (v = wc_get(worker_props, "storage.path")) && *v) {
                m->store = mskc_store_open(v, errstr, errstr_size);
                if (!m->store)
                        goto fail;
                if (mskc_store_each(m->store, load_cb, m, errstr,
                                    errstr_size))
                        goto fail;
        }
        if (wc_is_distributed(worker_props) && kf) {
                if (open_cluster_store(m, kf, errstr, errstr_size))
                        goto fail;
        } else {
                restore(m);
        }
        if (pthread_create(&m->thread, NULL, installer, m)) {
                snprintf(errstr, errstr_size, "cannot start a thread");
                goto fail;
        }
        m->thread_started = 1;
        return m;
fail:
        mskc_stop(m);
        return NULL;
}

void mskc_stop(mskc_t *m)
{
        if (!m)
                return;
        if (m->thread_started) {
                pthread_mutex_lock(&m->lock);
                m->stopping = 1;
                pthread_cond_broadcast(&m->cond);
                pthread_mutex_unlock(&m->lock);
                pthread_join(m->thread, NULL);
        }
        while (m->logs)
                logs_stop(m, m->logs->name);
        /* The reader first: it queues into inbox. */
        mskc_kstore_close(m->kstore);
        mskc_store_close(m->store);
        json_decref(m->inbox);
        json_decref(m->local);
        json_decref(m->conns);
        json_decref(m->plugins);
        json_decref(m->wcfgs);
        json_decref(m->queue);
        json_decref(m->props);
        pthread_cond_destroy(&m->cond);
        pthread_mutex_destroy(&m->inbox_lock);
        pthread_mutex_destroy(&m->lock);
        free(m);
}
