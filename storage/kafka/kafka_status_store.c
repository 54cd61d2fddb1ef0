/*
 * kafka_status_store — connector and task statuses in Connect's status
 * topic.
 *
 * DESIGN
 * Records as Java's KafkaStatusBackingStore writes them: keys
 * `status-connector-NAME` and `status-task-NAME-N` (the task id follows the
 * last '-', names may contain '-'), values
 * {"state":..,"trace":..|null,"worker_id":..,"generation":..} in that
 * order, a null value for a status that is gone (a connector's tombstone
 * also drops its tasks' statuses, as Java's cache does). Other keys
 * (status-topic-*) are ignored.
 *
 * Owns one kafka_log_t and `cache`: record key -> {"c":connector,"t":task,
 * "v":value object}, the status as the reader last accepted it: the last
 * record per key wins, except a task's UNASSIGNED while the cached status
 * is RUNNING with a generation >= its own, and a connector's UNASSIGNED
 * while the cached status is another worker's RUNNING with a generation
 * >= its own (the old owner's late write after a hand-over). Writes do not touch the cache;
 * the reader applies them when it reads them back, as in Java.
 *
 * Puts and removals are sent without waiting, as Java does (failures are
 * logged by kafka_log; a worker shutting down with the cluster gone is not
 * held up by them); a safe put (Java's putSafe) is dropped when the cached
 * status is another worker's with a higher generation.
 * max_generation: the highest generation of any record read.
 *
 * Threads: any caller; the cache under mu; the reader thread fills it.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kafka_log.h"
#include "kafka_stores.h"
#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.kafka.status")

#define KSS_TIMEOUT_MS 30000

static const char conn_prefix[] = "status-connector-";
static const char task_prefix[] = "status-task-";

typedef struct kafka_status_store {
        status_store_t base;
        kafka_log_t *kl;
        pthread_mutex_t mu;
        json_t *cache;          /* guarded by mu */
        int max_generation;     /* guarded by mu */
} kss_t;

/* The record key of a status: malloc'd. */
static char *status_key(const char *connector, int task)
{
        char *k = NULL;

        if (task < 0) {
                if (asprintf(&k, "%s%s", conn_prefix, connector) < 0)
                        return NULL;
        } else if (asprintf(&k, "%s%s-%d", task_prefix, connector, task) < 0) {
                return NULL;
        }
        return k;
}

/* Splits a record key: 0 with *connector (malloc'd) and *task (-1 for a
 * connector), -1 for keys that are not statuses. */
static int parse_key(const char *key, char **connector, int *task)
{
        size_t cl = sizeof(conn_prefix) - 1, tl = sizeof(task_prefix) - 1;

        *connector = NULL;
        if (strncmp(key, conn_prefix, cl) == 0) {
                *task = -1;
                *connector = strdup(key + cl);
                return *connector ? 0 : -1;
        }
        if (strncmp(key, task_prefix, tl) == 0) {
                const char *dash = strrchr(key + tl, '-');
                char *end;
                long id;

                if (!dash || dash == key + tl || !dash[1])
                        return -1;
                id = strtol(dash + 1, &end, 10);
                if (*end || id < 0 || id > INT_MAX || dash[1] == '+' ||
                    dash[1] == ' ')
                        return -1;
                *task = (int)id;
                *connector = strndup(key + tl, (size_t)(dash - (key + tl)));
                return *connector ? 0 : -1;
        }
        return -1;
}

/* Drops the connector's status and its tasks'. @locks mu held */
static void drop_connector(kss_t *ss, const char *connector)
{
        const char *k;
        json_t *e;
        void *it;

        json_object_foreach_safe(ss->cache, it, k, e) {
                if (strcmp(json_string_value(json_object_get(e, "c")),
                           connector) == 0)
                        json_object_del(ss->cache, k);
        }
}

/* @locality reader thread */
static void on_record(void *opaque, int32_t partition, int64_t offset,
                      const void *key, size_t keylen, const void *value,
                      size_t valuelen)
{
        kss_t *ss = opaque;
        char *k = NULL, *connector = NULL;
        json_t *v = NULL, *gen, *cur;
        json_error_t jerr;
        int task, g;

        if (!key || memchr(key, '\0', keylen))
                return;
        k = strndup(key, keylen);
        if (!k || parse_key(k, &connector, &task))
                goto out;
        if (!value) {
                pthread_mutex_lock(&ss->mu);
                if (task < 0)
                        drop_connector(ss, connector);
                else
                        json_object_del(ss->cache, k);
                pthread_mutex_unlock(&ss->mu);
                goto out;
        }
        v = json_loadb(value, valuelen, 0, &jerr);
        gen = v ? json_object_get(v, "generation") : NULL;
        if (!v || !json_is_object(v) ||
            !json_is_string(json_object_get(v, "state")) ||
            (gen && !json_is_integer(gen))) {
                LOG_WARN(lg(), "Ignoring status record %d/%lld (%s): not a "
                         "status", (int)partition, (long long)offset, k);
                goto out;
        }
        g = gen ? (int)json_integer_value(gen) : 0;
        pthread_mutex_lock(&ss->mu);
        if (g > ss->max_generation)
                ss->max_generation = g;
        cur = json_object_get(json_object_get(ss->cache, k), "v");
        /* A late UNASSIGNED of the previous owner must not hide that the
         * new owner runs it: a task's, or a connector's that another
         * worker now runs (a connector's own UNASSIGNED, at shutdown,
         * stands). */
        if (cur &&
            strcmp(json_string_value(json_object_get(v, "state")),
                   "UNASSIGNED") == 0 &&
            strcmp(json_string_value(json_object_get(cur, "state")),
                   "RUNNING") == 0 &&
            json_integer_value(json_object_get(cur, "generation")) >= g &&
            (task >= 0 ||
             !json_equal(json_object_get(cur, "worker_id"),
                         json_object_get(v, "worker_id")))) {
                LOG_DEBUG(lg(), "Ignoring stale status of %s-%d: "
                          "UNASSIGNED at generation %d after RUNNING",
                          connector, task, g);
        } else {
                json_object_set_new(ss->cache, k,
                                    json_pack("{s:s,s:i,s:O}", "c", connector,
                                              "t", task, "v", v));
        }
        pthread_mutex_unlock(&ss->mu);
out:
        json_decref(v);
        free(connector);
        free(k);
}

/* Java's value: field order fixed, trace null when absent. malloc'd. */
static char *status_value(const char *state, const char *trace,
                          const char *worker_id, int generation)
{
        json_t *v = json_object();
        char *s = NULL;

        if (!v)
                return NULL;
        if (json_object_set_new(v, "state", json_string(state ? state : "")) ||
            json_object_set_new(v, "trace",
                                trace ? json_string(trace) : json_null()) ||
            json_object_set_new(v, "worker_id",
                                json_string(worker_id ? worker_id : "")) ||
            json_object_set_new(v, "generation", json_integer(generation)))
                goto out;
        s = json_dumps(v, JSON_COMPACT);
out:
        json_decref(v);
        return s;
}

static int kss_put(status_store_t *base, const char *connector, int task,
                   const char *state, const char *trace,
                   const char *worker_id, int generation, int safe,
                   char *errstr, size_t errstr_size)
{
        kss_t *ss = (kss_t *)base;
        char *key = status_key(connector, task);
        char *value = status_value(state, trace, worker_id, generation);
        int rc = -1;

        if (!key || !value) {
                snprintf(errstr, errstr_size,
                         "status of %s could not be encoded (out of memory, "
                         "or text that is not UTF-8)",
                         connector);
                goto out;
        }
        if (safe) {
                json_t *cur;
                int write = 1;

                pthread_mutex_lock(&ss->mu);
                cur = json_object_get(json_object_get(ss->cache, key), "v");
                if (cur) {
                        const char *w = json_string_value(
                                json_object_get(cur, "worker_id"));
                        json_int_t g = json_integer_value(
                                json_object_get(cur, "generation"));

                        write = (w && worker_id && strcmp(w, worker_id) == 0) ||
                                g <= generation;
                }
                pthread_mutex_unlock(&ss->mu);
                if (!write) {
                        LOG_DEBUG(lg(), "Not writing %s for %s: another "
                                  "worker's status has a higher generation",
                                  state, key);
                        rc = 0;
                        goto out;
                }
        }
        rc = kafka_log_send(ss->kl, -1, key, strlen(key), value,
                            strlen(value), 0, errstr, errstr_size);
out:
        free(key);
        free(value);
        return rc;
}

static int kss_remove(status_store_t *base, const char *connector, int task,
                      char *errstr, size_t errstr_size)
{
        kss_t *ss = (kss_t *)base;
        char *key = status_key(connector, task);
        int rc;

        if (!key) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        rc = kafka_log_send(ss->kl, -1, key, strlen(key), NULL, 0, 0, errstr,
                            errstr_size);
        free(key);
        return rc;
}

static int row_cmp(const void *a, const void *b)
{
        const json_t *x = *(const json_t *const *)a;
        const json_t *y = *(const json_t *const *)b;
        int c = strcmp(json_string_value(json_object_get(x, "c")),
                       json_string_value(json_object_get(y, "c")));
        json_int_t tx = json_integer_value(json_object_get(x, "t"));
        json_int_t ty = json_integer_value(json_object_get(y, "t"));

        if (c)
                return c;
        return tx < ty ? -1 : tx > ty;
}

/* Statuses by connector, then task (the connector's own first). */
static int kss_each(status_store_t *base, status_store_cb cb, void *opaque,
                    char *errstr, size_t errstr_size)
{
        kss_t *ss = (kss_t *)base;
        json_t *snap, *e, **rows = NULL;
        const char *k;
        size_t n = 0, i;
        int rc = -1;

        pthread_mutex_lock(&ss->mu);
        snap = json_deep_copy(ss->cache);
        pthread_mutex_unlock(&ss->mu);
        if (!snap ||
            !(rows = calloc(json_object_size(snap) + 1, sizeof(*rows)))) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        json_object_foreach(snap, k, e)
                rows[n++] = e;
        qsort(rows, n, sizeof(*rows), row_cmp);
        for (i = 0; i < n; i++) {
                json_t *v = json_object_get(rows[i], "v");

                if (cb(opaque, json_string_value(json_object_get(rows[i], "c")),
                       (int)json_integer_value(json_object_get(rows[i], "t")),
                       json_string_value(json_object_get(v, "state")),
                       json_string_value(json_object_get(v, "trace")),
                       json_string_value(json_object_get(v, "worker_id")),
                       (int)json_integer_value(
                               json_object_get(v, "generation"))))
                        break;
        }
        rc = 0;
out:
        free(rows);
        json_decref(snap);
        return rc;
}

static void kss_close(status_store_t *base)
{
        kss_t *ss = (kss_t *)base;

        if (!ss)
                return;
        kafka_log_destroy(ss->kl);
        json_decref(ss->cache);
        pthread_mutex_destroy(&ss->mu);
        free(ss);
}

static const struct status_store_ops kss_ops = {
        .put = kss_put,
        .remove = kss_remove,
        .each = kss_each,
        .close = kss_close,
};

status_store_t *kafka_status_store_open(const char *topic,
                                        rd_kafka_conf_t *producer_conf,
                                        rd_kafka_conf_t *consumer_conf,
                                        char *errstr, size_t errstr_size)
{
        kss_t *ss = calloc(1, sizeof(*ss));

        if (!ss || !(ss->cache = json_object())) {
                snprintf(errstr, errstr_size, "out of memory");
                free(ss);
                rd_kafka_conf_destroy(producer_conf);
                rd_kafka_conf_destroy(consumer_conf);
                return NULL;
        }
        ss->base.ops = &kss_ops;
        pthread_mutex_init(&ss->mu, NULL);
        ss->kl = kafka_log_new(topic, producer_conf, consumer_conf, on_record,
                               ss, errstr, errstr_size);
        if (!ss->kl || kafka_log_start(ss->kl, KSS_TIMEOUT_MS, errstr,
                                       errstr_size)) {
                kss_close(&ss->base);
                return NULL;
        }
        return &ss->base;
}

int kafka_status_store_max_generation(status_store_t *base)
{
        kss_t *ss = (kss_t *)base;
        int g;

        pthread_mutex_lock(&ss->mu);
        g = ss->max_generation;
        pthread_mutex_unlock(&ss->mu);
        return g;
}
