/*
 * fuzz_msk_iam — the SASL settings mapping: a sasl.jaas.config line (first
 * line of the input) and a bootstrap list (the rest) through
 * msk_iam_opts_apply with sasl.mechanism=AWS_MSK_IAM, then the JAAS line
 * again with a SCRAM mechanism; the region parser on the bootstrap list.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "msk_iam.h"

static void one(const char *mech, const char *jaas, const char *bs)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        msk_iam_opts_t mo = { 0 };
        char err[512];

        rd_kafka_conf_set(conf, "bootstrap.servers", bs, err, sizeof err);
        msk_iam_opts_take(&mo, "sasl.mechanism", mech, err, sizeof err);
        msk_iam_opts_take(&mo, "sasl.jaas.config", jaas, err, sizeof err);
        msk_iam_opts_apply(&mo, conf, NULL, err, sizeof err);
        msk_iam_opts_clear(&mo);
        rd_kafka_conf_destroy(conf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1), *nl, region[64];
        const char *bs = "";

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if ((nl = strchr(text, '\n'))) {
                *nl = '\0';
                bs = nl + 1;
        }
        msk_iam_region_from_bootstrap(bs, region, sizeof region);
        one("AWS_MSK_IAM", text, bs);
        one("SCRAM-SHA-512", text, bs);
        free(text);
        return 0;
}
