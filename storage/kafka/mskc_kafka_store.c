/*
 * mskc_kafka_store — see mskc_kafka_store.h.
 *
 * Owns one kafka_log_t. Writes go through kafka_log_send_all with
 * read_back, so a writer's own record has reached the callback when the
 * write returns (the caller's in-memory view is then current). Records
 * that are not ours (a foreign key, an unreadable value) are skipped with
 * a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kafka_log.h"
#include "log.h"
#include "mskc_kafka_store.h"

LOG_MODULE_LOGGER(lg, "connectd.kafka.mskconnect")

#define MKS_TIMEOUT_MS 30000

struct mskc_kstore {
        kafka_log_t *kl;
        mskc_kstore_cb cb;
        void *opaque;
};

char *mskc_kstore_encode(const char *kind, const char *json)
{
        json_t *res = json_loads(json, 0, NULL), *v;
        char *out = NULL;

        if (!json_is_object(res) || !kind) {
                json_decref(res);
                return NULL;
        }
        v = json_pack("{s:s,s:o}", "kind", kind, "resource", res);
        if (v)
                out = json_dumps(v, JSON_COMPACT);
        json_decref(v);
        return out;
}

int mskc_kstore_decode(const void *value, size_t len, char **kind,
                       char **json)
{
        json_t *v = json_loadb(value, len, 0, NULL);
        const char *k = json_string_value(json_object_get(v, "kind"));
        json_t *res = json_object_get(v, "resource");
        int rc = -1;

        *kind = *json = NULL;
        if (!k || !json_is_object(res))
                goto out;
        *kind = strdup(k);
        *json = json_dumps(res, JSON_COMPACT);
        if (!*kind || !*json) {
                free(*kind);
                free(*json);
                *kind = *json = NULL;
                goto out;
        }
        rc = 0;
out:
        json_decref(v);
        return rc;
}

static void on_record(void *opaque, int32_t partition, int64_t offset,
                      const void *key, size_t keylen, const void *value,
                      size_t valuelen)
{
        mskc_kstore_t *s = opaque;
        char *arn, *kind = NULL, *json = NULL;

        if (!key || !keylen)
                return;
        arn = strndup(key, keylen);
        if (!arn)
                return;
        if (!value) {
                s->cb(s->opaque, arn, NULL, NULL);
        } else if (mskc_kstore_decode(value, valuelen, &kind, &json)) {
                LOG_WARN(lg(), "Skipping record %d/%lld (%s): not an MSK "
                         "Connect resource", (int)partition,
                         (long long)offset, arn);
        } else {
                s->cb(s->opaque, arn, kind, json);
        }
        free(arn);
        free(kind);
        free(json);
}

mskc_kstore_t *mskc_kstore_open(const char *topic, rd_kafka_conf_t *pc,
                                rd_kafka_conf_t *cc, mskc_kstore_cb cb,
                                void *opaque, char *err, size_t errsz)
{
        mskc_kstore_t *s = calloc(1, sizeof(*s));

        if (!s) {
                snprintf(err, errsz, "out of memory");
                if (pc)
                        rd_kafka_conf_destroy(pc);
                if (cc)
                        rd_kafka_conf_destroy(cc);
                return NULL;
        }
        s->cb = cb;
        s->opaque = opaque;
        s->kl = kafka_log_new(topic, pc, cc, on_record, s, err, errsz);
        if (!s->kl || kafka_log_start(s->kl, MKS_TIMEOUT_MS, err, errsz)) {
                mskc_kstore_close(s);
                return NULL;
        }
        return s;
}

void mskc_kstore_close(mskc_kstore_t *s)
{
        if (!s)
                return;
        kafka_log_destroy(s->kl);
        free(s);
}

static int send_one(mskc_kstore_t *s, const char *arn, const char *value,
                char *err, size_t errsz)
{
        const void *keys[1] = { arn }, *values[1] = { value };
        size_t kl[1] = { strlen(arn) }, vl[1] = { value ? strlen(value) : 0 };

        return kafka_log_send_all(s->kl, 1, keys, kl, values, vl, 1,
                                  MKS_TIMEOUT_MS, err, errsz);
}

int mskc_kstore_put(mskc_kstore_t *s, const char *arn, const char *kind,
                    const char *json, char *err, size_t errsz)
{
        char *v = mskc_kstore_encode(kind, json);
        int rc;

        if (!v) {
                snprintf(err, errsz, "mskconnect store: %s is not a JSON "
                         "object", arn);
                return -1;
        }
        rc = send_one(s, arn, v, err, errsz);
        free(v);
        return rc;
}

int mskc_kstore_delete(mskc_kstore_t *s, const char *arn, char *err,
                       size_t errsz)
{
        return send_one(s, arn, NULL, err, errsz);
}

int mskc_kstore_sync(mskc_kstore_t *s, int timeout_ms, char *err,
                     size_t errsz)
{
        return kafka_log_read_to_end(s->kl, timeout_ms, err, errsz);
}
