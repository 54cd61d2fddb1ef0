/*
 * mskc_valid — see mskc_valid.h. The ranges are AWS's (the model's and
 * the MSK Connect documentation's where the model is silent).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mskc_valid.h"

#define IAM_MODULE "software.amazon.msk.auth.iam.IAMLoginModule required;"
#define IAM_HANDLER "software.amazon.msk.auth.iam.IAMClientCallbackHandler"

static int bad(char *err, size_t errsz, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errsz, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err, errsz, fmt, ap);
        va_end(ap);
        return -1;
}

/* Characters, not bytes (UTF-8). */
static size_t ulen(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                if (((unsigned char)*s & 0xC0) != 0x80)
                        n++;
        return n;
}

int mskc_valid_name(const char *member, const json_t *v, char *err,
                    size_t errsz)
{
        const char *s = json_string_value(v);
        size_t n;

        if (!s)
                return bad(err, errsz, "%s is required and must be a string.",
                           member);
        n = strlen(s);
        if (n < 1 || n > 128)
                return bad(err, errsz, "%s must be 1 to 128 characters long.",
                           member);
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
                    *s != '.')
                        return bad(err, errsz, "%s may contain only letters, "
                                   "digits, '-', '_' and '.'.", member);
        return 0;
}

int mskc_valid_description(const char *member, const json_t *v, char *err,
                           size_t errsz)
{
        if (!v)
                return 0;
        if (!json_is_string(v))
                return bad(err, errsz, "%s must be a string.", member);
        if (ulen(json_string_value(v)) > 1024)
                return bad(err, errsz, "%s must be at most 1024 characters "
                           "long.", member);
        return 0;
}

/* An integer member in [lo, hi]; absent is an error when required. *out
 * keeps the value. 1 present, 0 absent (not required), -1 error. */
static int int_member(const json_t *obj, const char *path, const char *key,
                      int required, long long lo, long long hi,
                      long long *out, char *err, size_t errsz)
{
        const json_t *v = json_object_get(obj, key);

        if (!v) {
                if (required)
                        return bad(err, errsz, "%s.%s is required.", path,
                                   key);
                return 0;
        }
        if (!json_is_integer(v))
                return bad(err, errsz, "%s.%s must be an integer.", path, key);
        *out = json_integer_value(v);
        if (*out < lo || *out > hi)
                return bad(err, errsz, "%s.%s must be between %lld and %lld; "
                           "got %lld.", path, key, lo, hi, *out);
        return 1;
}

static int mcu_count(const json_t *obj, const char *path, long long *mcu,
                     char *err, size_t errsz)
{
        if (int_member(obj, path, "mcuCount", 1, 1, 8, mcu, err, errsz) < 0)
                return -1;
        if (*mcu != 1 && *mcu != 2 && *mcu != 4 && *mcu != 8)
                return bad(err, errsz, "%s.mcuCount must be 1, 2, 4 or 8; "
                           "got %lld.", path, *mcu);
        return 0;
}

static int policy(const json_t *as, const char *path, const char *key,
                  int required, long long dflt, json_t *out, char *err,
                  size_t errsz)
{
        const json_t *p = json_object_get(as, key);
        char sub[96];
        long long pct = dflt;

        snprintf(sub, sizeof(sub), "%s.%s", path, key);
        if (!p) {
                if (required)
                        return bad(err, errsz, "%s is required.", sub);
        } else if (!json_is_object(p)) {
                return bad(err, errsz, "%s must be an object.", sub);
        } else if (int_member(p, sub, "cpuUtilizationPercentage", 1, 1, 100,
                              &pct, err, errsz) < 0) {
                return -1;
        }
        json_object_set_new(out, key, json_pack("{s:I}",
                                                "cpuUtilizationPercentage",
                                                (json_int_t)pct));
        return 0;
}

int mskc_valid_capacity(const json_t *v, int update, json_t **out, char *err,
                        size_t errsz)
{
        const json_t *as, *pc;
        json_t *d = NULL, *b = NULL;
        long long mcu = 0, w = 0, lo = 0, hi = 0, tasks = 0;
        int r;

        *out = NULL;
        if (!json_is_object(v))
                return bad(err, errsz, "capacity is required and must be an "
                           "object.");
        as = json_object_get(v, "autoScaling");
        pc = json_object_get(v, "provisionedCapacity");
        if (!!as == !!pc)
                return bad(err, errsz, "capacity must have exactly one of "
                           "autoScaling and provisionedCapacity.");
        if (pc) {
                if (!json_is_object(pc))
                        return bad(err, errsz, "capacity.provisionedCapacity "
                                   "must be an object.");
                if (mcu_count(pc, "capacity.provisionedCapacity", &mcu, err,
                              errsz) ||
                    int_member(pc, "capacity.provisionedCapacity",
                               "workerCount", 1, 1, 10, &w, err, errsz) < 0)
                        return -1;
                *out = json_pack("{s:{s:I,s:I}}", "provisionedCapacity",
                                 "mcuCount", (json_int_t)mcu, "workerCount",
                                 (json_int_t)w);
                return 0;
        }
        if (!json_is_object(as))
                return bad(err, errsz, "capacity.autoScaling must be an "
                           "object.");
        if (mcu_count(as, "capacity.autoScaling", &mcu, err, errsz) ||
            int_member(as, "capacity.autoScaling", "minWorkerCount", 1, 1, 10,
                       &lo, err, errsz) < 0 ||
            int_member(as, "capacity.autoScaling", "maxWorkerCount", 1, 1, 10,
                       &hi, err, errsz) < 0)
                return -1;
        if (lo > hi)
                return bad(err, errsz, "capacity.autoScaling.minWorkerCount "
                           "(%lld) must not exceed maxWorkerCount (%lld).",
                           lo, hi);
        r = int_member(as, "capacity.autoScaling", "maxAutoscalingTaskCount",
                       0, 1, 1000, &tasks, err, errsz);
        if (r < 0)
                return -1;
        if (r > 0 && tasks < hi)
                return bad(err, errsz, "capacity.autoScaling."
                           "maxAutoscalingTaskCount (%lld) must be at least "
                           "maxWorkerCount (%lld).", tasks, hi);
        b = json_pack("{s:I,s:I,s:I}", "mcuCount", (json_int_t)mcu,
                      "minWorkerCount", (json_int_t)lo, "maxWorkerCount",
                      (json_int_t)hi);
        if (r > 0)
                json_object_set_new(b, "maxAutoscalingTaskCount",
                                    json_integer(tasks));
        if (policy(as, "capacity.autoScaling", "scaleInPolicy", update, 20, b,
                   err, errsz) ||
            policy(as, "capacity.autoScaling", "scaleOutPolicy", update, 80,
                   b, err, errsz)) {
                json_decref(b);
                return -1;
        }
        d = json_object();
        json_object_set_new(d, "autoScaling", b);
        *out = d;
        return 0;
}

int mskc_valid_tags(const json_t *v, int required, char *err, size_t errsz)
{
        const char *k;
        json_t *val;

        if (!v) {
                if (required)
                        return bad(err, errsz, "tags is required.");
                return 0;
        }
        if (!json_is_object(v))
                return bad(err, errsz, "tags must be a map of strings.");
        if (json_object_size(v) > 200)
                return bad(err, errsz, "tags may hold at most 200 tags.");
        json_object_foreach((json_t *)v, k, val) {
                if (ulen(k) < 1 || ulen(k) > 128)
                        return bad(err, errsz, "A tag key must be 1 to 128 "
                                   "characters long.");
                if (!json_is_string(val))
                        return bad(err, errsz, "The value of tag %s must be "
                                   "a string.", k);
                if (ulen(json_string_value(val)) > 256)
                        return bad(err, errsz, "The value of tag %s must be "
                                   "at most 256 characters long.", k);
        }
        return 0;
}

int mskc_valid_max_results(const char *s, int *out, char *err, size_t errsz)
{
        char *end;
        long v;

        *out = 100;
        if (!s)
                return 0;
        errno = 0;
        v = strtol(s, &end, 10);
        if (!*s || *end || errno || v < 1 || v > 100)
                return bad(err, errsz, "maxResults must be an integer from 1 "
                           "to 100.");
        *out = (int)v;
        return 0;
}

/* Is target `key` of workerLogDelivery enabled? -1 malformed. */
static int target_enabled(const json_t *wld, const char *key, char *err,
                          size_t errsz)
{
        const json_t *t = json_object_get(wld, key), *en;

        if (!t)
                return 0;
        en = json_object_get(t, "enabled");
        if (!json_is_object(t) || !json_is_boolean(en))
                return bad(err, errsz, "logDelivery.workerLogDelivery.%s."
                           "enabled is required and must be a boolean.", key);
        return json_is_true(en);
}

int mskc_valid_log_delivery(const json_t *v, const json_t **s3, char *err,
                            size_t errsz)
{
        const json_t *wld;
        int r;

        *s3 = NULL;
        if (!v)
                return 0;
        wld = json_object_get(v, "workerLogDelivery");
        if (!json_is_object(v) || !json_is_object(wld))
                return bad(err, errsz, "logDelivery.workerLogDelivery is "
                           "required and must be an object.");
        if ((r = target_enabled(wld, "cloudWatchLogs", err, errsz)) < 0)
                return -1;
        if (r)
                return bad(err, errsz, "connectd cannot deliver logs to "
                           "CloudWatch Logs; use logDelivery.workerLogDelivery"
                           ".s3 (or set cloudWatchLogs.enabled to false).");
        if ((r = target_enabled(wld, "firehose", err, errsz)) < 0)
                return -1;
        if (r)
                return bad(err, errsz, "connectd cannot deliver logs to "
                           "Kinesis Data Firehose; use logDelivery."
                           "workerLogDelivery.s3 (or set firehose.enabled to "
                           "false).");
        if ((r = target_enabled(wld, "s3", err, errsz)) < 0)
                return -1;
        if (r) {
                const json_t *s = json_object_get(wld, "s3");
                const json_t *bucket = json_object_get(s, "bucket");
                const json_t *prefix = json_object_get(s, "prefix");

                if (!json_is_string(bucket) || !*json_string_value(bucket))
                        return bad(err, errsz, "logDelivery.workerLogDelivery"
                                   ".s3.bucket is required when S3 delivery "
                                   "is enabled.");
                if (prefix && !json_is_string(prefix))
                        return bad(err, errsz, "logDelivery.workerLogDelivery"
                                   ".s3.prefix must be a string.");
                *s3 = s;
        }
        return 0;
}

static void set3(json_t *cfg, const char *key, const char *val)
{
        static const char *const pfx[] = { "producer.override.",
                                           "consumer.override.",
                                           "admin.override.", NULL };
        char k[128];
        int i;

        for (i = 0; pfx[i]; i++) {
                snprintf(k, sizeof(k), "%s%s", pfx[i], key);
                json_object_set_new(cfg, k, json_string(val));
        }
}

static const char *enum_member(const json_t *obj, const char *path,
                               const char *key, const char *a, const char *b,
                               char *err, size_t errsz)
{
        const char *s = json_string_value(json_object_get(obj, key));

        if (!json_is_object(obj)) {
                bad(err, errsz, "%s is required and must be an object.", path);
                return NULL;
        }
        if (!s) {
                bad(err, errsz, "%s.%s is required.", path, key);
                return NULL;
        }
        if (strcmp(s, a) && strcmp(s, b)) {
                bad(err, errsz, "%s.%s must be %s or %s; got %s.", path, key,
                    a, b, s);
                return NULL;
        }
        return s;
}

int mskc_valid_cluster(const json_t *cluster, const json_t *auth,
                       const json_t *enc, json_t *cfg, char *err,
                       size_t errsz)
{
        const json_t *akc = json_object_get(cluster, "apacheKafkaCluster");
        const json_t *bs = json_object_get(akc, "bootstrapServers");
        const json_t *vpc = json_object_get(akc, "vpc");
        const json_t *subnets = json_object_get(vpc, "subnets");
        const json_t *sgs = json_object_get(vpc, "securityGroups");
        const char *at, *et;
        size_t i;

        if (!json_is_object(cluster) || !json_is_object(akc))
                return bad(err, errsz, "kafkaCluster.apacheKafkaCluster is "
                           "required.");
        if (!json_is_string(bs) || !*json_string_value(bs))
                return bad(err, errsz, "kafkaCluster.apacheKafkaCluster."
                           "bootstrapServers is required.");
        for (i = 0; json_string_value(bs)[i]; i++)
                if (isspace((unsigned char)json_string_value(bs)[i]) &&
                    json_string_value(bs)[i] != ' ')
                        return bad(err, errsz, "kafkaCluster."
                                   "apacheKafkaCluster.bootstrapServers must "
                                   "be a comma-separated host:port list.");
        if (!json_is_object(vpc) || !json_is_array(subnets))
                return bad(err, errsz, "kafkaCluster.apacheKafkaCluster.vpc."
                           "subnets is required.");
        if (sgs && !json_is_array(sgs))
                return bad(err, errsz, "kafkaCluster.apacheKafkaCluster.vpc."
                           "securityGroups must be a list.");
        at = enum_member(auth, "kafkaClusterClientAuthentication",
                         "authenticationType", "NONE", "IAM", err, errsz);
        if (!at)
                return -1;
        et = enum_member(enc, "kafkaClusterEncryptionInTransit",
                         "encryptionType", "PLAINTEXT", "TLS", err, errsz);
        if (!et)
                return -1;
        if (!strcmp(at, "IAM") && strcmp(et, "TLS"))
                return bad(err, errsz, "IAM client authentication requires "
                           "kafkaClusterEncryptionInTransit.encryptionType "
                           "TLS (MSK serves IAM on its TLS listener only).");
        set3(cfg, "bootstrap.servers", json_string_value(bs));
        if (!strcmp(at, "IAM")) {
                set3(cfg, "security.protocol", "SASL_SSL");
                set3(cfg, "sasl.mechanism", "AWS_MSK_IAM");
                set3(cfg, "sasl.jaas.config", IAM_MODULE);
                set3(cfg, "sasl.client.callback.handler.class", IAM_HANDLER);
        } else {
                set3(cfg, "security.protocol",
                     strcmp(et, "TLS") ? "PLAINTEXT" : "SSL");
        }
        return 0;
}

int mskc_valid_connector_config(const json_t *v, const char *name, char *err,
                                size_t errsz)
{
        const char *k, *nm;
        json_t *val;

        if (!json_is_object(v))
                return bad(err, errsz, "connectorConfiguration is required "
                           "and must be a map of strings.");
        json_object_foreach((json_t *)v, k, val)
                if (!json_is_string(val))
                        return bad(err, errsz, "connectorConfiguration: the "
                                   "value of %s must be a string.", k);
        if (!json_string_value(json_object_get(v, "connector.class")) ||
            !*json_string_value(json_object_get(v, "connector.class")))
                return bad(err, errsz, "connectorConfiguration must set "
                           "connector.class.");
        nm = json_string_value(json_object_get(v, "name"));
        if (nm && strcmp(nm, name))
                return bad(err, errsz, "connectorConfiguration.name (%s) must "
                           "equal connectorName (%s) or be left out.", nm,
                           name);
        return 0;
}
