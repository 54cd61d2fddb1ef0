/*
 * kafka_offset_store — source offsets in Connect's offsets topic.
 *
 * DESIGN
 * Records as Java's KafkaOffsetBackingStore writes them: key the JSON bytes
 * of [connector, partition] (compact, fields in the order given), value the
 * offset JSON, a null value = no offset. Each record goes to murmur2(key) %
 * partitions (kafka_log). Key bytes are identity for Java, so a write for a
 * partition that already has a record reuses that record's key bytes;
 * lookups match on the parsed JSON (a canonical spelling: compact, sorted
 * keys).
 *
 * Owns one kafka_log_t and `index`: canonical [connector, partition] ->
 * [connector, partition object, key bytes, value text or null], the latest
 * record per key as the reader saw it. The reader thread fills the index
 * (under mu); get/each serve from it. A put returns once every record is
 * acknowledged (acks=all) and read back, so the writer sees its own offsets
 * at once; other workers' writes are seen after sync (read to end).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <jansson.h>

#include "kafka_log.h"
#include "kafka_stores.h"
#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.kafka.offsets")

#define KOS_TIMEOUT_MS 30000

typedef struct kafka_offset_store {
        offset_store_t base;
        kafka_log_t *kl;
        pthread_mutex_t mu;
        json_t *index;          /* guarded by mu */
} kos_t;

enum { E_CONNECTOR, E_PARTITION, E_KEY, E_VALUE };

/* Canonical spelling of [connector, partition]: malloc'd. */
static char *canon_key(const char *connector, const json_t *partition)
{
        json_t *a = json_pack("[sO]", connector, partition);
        char *s;

        if (!a)
                return NULL;
        s = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(a);
        return s;
}

/* @locality reader thread */
static void on_record(void *opaque, int32_t partition, int64_t offset,
                      const void *key, size_t keylen, const void *value,
                      size_t valuelen)
{
        kos_t *os = opaque;
        json_t *k = NULL, *v = NULL, *entry = NULL;
        json_error_t jerr;
        char *canon = NULL;

        (void)partition;
        (void)offset;
        if (!key)
                return;
        k = json_loadb(key, keylen, 0, &jerr);
        if (!k || !json_is_array(k) || json_array_size(k) != 2 ||
            !json_is_string(json_array_get(k, 0)) ||
            !json_is_object(json_array_get(k, 1))) {
                LOG_DEBUG(lg(), "Ignoring offsets record %d/%lld: key is not "
                          "[connector, partition]", (int)partition,
                          (long long)offset);
                goto out;
        }
        if (value) {
                v = json_loadb(value, valuelen, JSON_DECODE_ANY, &jerr);
                if (!v) {
                        LOG_WARN(lg(), "Ignoring offsets record %d/%lld: "
                                 "value is not JSON: %s", (int)partition,
                                 (long long)offset, jerr.text);
                        goto out;
                }
                json_decref(v);
        }
        canon = canon_key(json_string_value(json_array_get(k, 0)),
                          json_array_get(k, 1));
        entry = json_pack("[OOs%]", json_array_get(k, 0),
                          json_array_get(k, 1), (const char *)key, keylen);
        if (!canon || !entry)
                goto out;
        json_array_append_new(entry, value ? json_stringn(value, valuelen)
                                           : json_null());
        if (json_array_size(entry) != 4)
                goto out;
        pthread_mutex_lock(&os->mu);
        json_object_set(os->index, canon, entry);
        pthread_mutex_unlock(&os->mu);
out:
        json_decref(entry);
        json_decref(k);
        free(canon);
}

/* Key bytes for [connector, partition]: the existing record's, else new
 * compact JSON. *canon_out the lookup spelling. Both malloc'd. */
static int key_for(kos_t *os, const char *connector, const char *part_json,
                   char **key_out, char *errstr, size_t errstr_size)
{
        json_error_t jerr;
        json_t *part = json_loads(part_json ? part_json : "", 0, &jerr);
        json_t *entry, *a;
        char *canon = NULL;
        int rc = -1;

        *key_out = NULL;
        if (!part || !json_is_object(part)) {
                snprintf(errstr, errstr_size,
                         "source partition is not a JSON object: %s",
                         part ? "not an object" : jerr.text);
                goto out;
        }
        canon = canon_key(connector, part);
        if (!canon) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        pthread_mutex_lock(&os->mu);
        entry = json_object_get(os->index, canon);
        if (entry)
                *key_out = strdup(json_string_value(
                        json_array_get(entry, E_KEY)));
        pthread_mutex_unlock(&os->mu);
        if (!*key_out) {
                a = json_pack("[sO]", connector, part);
                *key_out = a ? json_dumps(a, JSON_COMPACT) : NULL;
                json_decref(a);
        }
        if (!*key_out) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        rc = 0;
out:
        free(canon);
        json_decref(part);
        return rc;
}

static int send_batch(kos_t *os, int n, char **keys, char **values,
                      char *errstr, size_t errstr_size)
{
        const void **kp = calloc((size_t)n, sizeof(*kp));
        const void **vp = calloc((size_t)n, sizeof(*vp));
        size_t *kl = calloc((size_t)n, sizeof(*kl));
        size_t *vl = calloc((size_t)n, sizeof(*vl));
        int i, rc = -1;

        if (!kp || !vp || !kl || !vl) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        for (i = 0; i < n; i++) {
                kp[i] = keys[i];
                kl[i] = strlen(keys[i]);
                vp[i] = values[i];
                vl[i] = values[i] ? strlen(values[i]) : 0;
        }
        rc = kafka_log_send_all(os->kl, n, kp, kl, vp, vl, 1, KOS_TIMEOUT_MS,
                                errstr, errstr_size);
out:
        free(kp);
        free(vp);
        free(kl);
        free(vl);
        return rc;
}

static void free_strs(char **v, int n)
{
        int i;

        if (!v)
                return;
        for (i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

static int kos_put(offset_store_t *base, const char *connector, int n,
                   const char *const *partition_jsons,
                   const char *const *offset_jsons, char *errstr,
                   size_t errstr_size)
{
        kos_t *os = (kos_t *)base;
        char **keys = NULL, **values = NULL;
        int i, rc = -1;

        if (n <= 0)
                return 0;
        keys = calloc((size_t)n, sizeof(*keys));
        values = calloc((size_t)n, sizeof(*values));
        if (!keys || !values) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        for (i = 0; i < n; i++) {
                if (key_for(os, connector ? connector : "", partition_jsons[i],
                            &keys[i], errstr, errstr_size))
                        goto out;
                if (offset_jsons && offset_jsons[i]) {
                        json_error_t jerr;
                        json_t *off = json_loads(offset_jsons[i],
                                                 JSON_DECODE_ANY, &jerr);

                        if (!off) {
                                snprintf(errstr, errstr_size,
                                         "source offset is not JSON: %s",
                                         jerr.text);
                                goto out;
                        }
                        values[i] = json_dumps(off, JSON_COMPACT |
                                                            JSON_ENCODE_ANY);
                        json_decref(off);
                        if (!values[i]) {
                                snprintf(errstr, errstr_size,
                                         "out of memory");
                                goto out;
                        }
                }
        }
        rc = send_batch(os, n, keys, values, errstr, errstr_size);
out:
        free_strs(keys, n);
        free_strs(values, n);
        return rc;
}

static int kos_get(offset_store_t *base, const char *connector,
                   const char *partition_json, char **offset_json,
                   char *errstr, size_t errstr_size)
{
        kos_t *os = (kos_t *)base;
        json_error_t jerr;
        json_t *part, *entry, *v;
        char *canon;
        int rc = -1;

        *offset_json = NULL;
        part = json_loads(partition_json ? partition_json : "", 0, &jerr);
        if (!part || !json_is_object(part)) {
                snprintf(errstr, errstr_size,
                         "source partition is not a JSON object");
                json_decref(part);
                return -1;
        }
        canon = canon_key(connector ? connector : "", part);
        json_decref(part);
        if (!canon) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        pthread_mutex_lock(&os->mu);
        entry = json_object_get(os->index, canon);
        v = entry ? json_array_get(entry, E_VALUE) : NULL;
        if (v && json_is_string(v)) {
                *offset_json = strdup(json_string_value(v));
                if (!*offset_json) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out_unlock;
                }
        }
        rc = 0;
out_unlock:
        pthread_mutex_unlock(&os->mu);
        free(canon);
        return rc;
}

/* [partition text, key bytes, value text] of the connector's entries with
 * an offset, sorted by canonical key; new reference. */
static json_t *snapshot(kos_t *os, const char *connector)
{
        json_t *out = json_array(), *entry;
        const char *canon;
        const char **order = NULL;
        size_t n = 0, i;

        pthread_mutex_lock(&os->mu);
        order = calloc(json_object_size(os->index) + 1, sizeof(*order));
        if (!order)
                goto out_unlock;
        json_object_foreach(os->index, canon, entry) {
                if (strcmp(json_string_value(
                                   json_array_get(entry, E_CONNECTOR)),
                           connector) ||
                    !json_is_string(json_array_get(entry, E_VALUE)))
                        continue;
                order[n++] = canon;
        }
        /* insertion sort: few partitions per connector */
        for (i = 1; i < n; i++) {
                const char *c = order[i];
                size_t j = i;

                while (j > 0 && strcmp(order[j - 1], c) > 0) {
                        order[j] = order[j - 1];
                        j--;
                }
                order[j] = c;
        }
        for (i = 0; i < n; i++) {
                json_t *row = json_array();
                char *pt;

                entry = json_object_get(os->index, order[i]);
                pt = json_dumps(json_array_get(entry, E_PARTITION),
                                JSON_COMPACT);
                if (!row || !pt) {
                        free(pt);
                        json_decref(row);
                        continue;
                }
                json_array_append_new(row, json_string(pt));
                json_array_append(row, json_array_get(entry, E_KEY));
                json_array_append(row, json_array_get(entry, E_VALUE));
                free(pt);
                json_array_append_new(out, row);
        }
out_unlock:
        pthread_mutex_unlock(&os->mu);
        free(order);
        return out;
}

static int kos_each(offset_store_t *base, const char *connector,
                    offset_store_cb cb, void *opaque, char *errstr,
                    size_t errstr_size)
{
        kos_t *os = (kos_t *)base;
        json_t *rows = snapshot(os, connector ? connector : ""), *row;
        size_t i;

        (void)errstr;
        (void)errstr_size;
        json_array_foreach(rows, i, row) {
                if (cb(opaque, json_string_value(json_array_get(row, 0)),
                       json_string_value(json_array_get(row, 2))))
                        break;
        }
        json_decref(rows);
        return 0;
}

static int kos_delete_all(offset_store_t *base, const char *connector,
                          char *errstr, size_t errstr_size)
{
        kos_t *os = (kos_t *)base;
        json_t *rows = snapshot(os, connector ? connector : ""), *row;
        size_t i, n = json_array_size(rows);
        char **keys = NULL, **values = NULL;
        int rc = -1;

        if (n == 0) {
                rc = 0;
                goto out;
        }
        keys = calloc(n, sizeof(*keys));
        values = calloc(n, sizeof(*values));
        if (!keys || !values) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        json_array_foreach(rows, i, row) {
                keys[i] = strdup(json_string_value(json_array_get(row, 1)));
                if (!keys[i]) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out;
                }
        }
        rc = send_batch(os, (int)n, keys, values, errstr, errstr_size);
out:
        free_strs(keys, (int)n);
        free(values);
        json_decref(rows);
        return rc;
}

static int kos_sync(offset_store_t *base, char *errstr, size_t errstr_size)
{
        kos_t *os = (kos_t *)base;

        return kafka_log_read_to_end(os->kl, KOS_TIMEOUT_MS, errstr,
                                     errstr_size);
}

static void kos_close(offset_store_t *base)
{
        kos_t *os = (kos_t *)base;

        if (!os)
                return;
        kafka_log_destroy(os->kl);
        json_decref(os->index);
        pthread_mutex_destroy(&os->mu);
        free(os);
}

static const struct offset_store_ops kos_ops = {
        .put = kos_put,
        .get = kos_get,
        .each = kos_each,
        .delete_all = kos_delete_all,
        .sync = kos_sync,
        .close = kos_close,
};

offset_store_t *kafka_offset_store_open(const char *topic,
                                        rd_kafka_conf_t *producer_conf,
                                        rd_kafka_conf_t *consumer_conf,
                                        char *errstr, size_t errstr_size)
{
        kos_t *os = calloc(1, sizeof(*os));

        if (!os || !(os->index = json_object())) {
                snprintf(errstr, errstr_size, "out of memory");
                free(os);
                rd_kafka_conf_destroy(producer_conf);
                rd_kafka_conf_destroy(consumer_conf);
                return NULL;
        }
        os->base.ops = &kos_ops;
        pthread_mutex_init(&os->mu, NULL);
        os->kl = kafka_log_new(topic, producer_conf, consumer_conf, on_record,
                               os, errstr, errstr_size);
        if (!os->kl || kafka_log_start(os->kl, KOS_TIMEOUT_MS, errstr,
                                       errstr_size)) {
                kos_close(&os->base);
                return NULL;
        }
        return &os->base;
}
