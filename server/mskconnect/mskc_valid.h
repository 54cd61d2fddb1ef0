/*
 * mskc_valid — the MSK Connect API's request checks that need no state:
 * names, capacity, tags, maxResults, log delivery, and the pieces of a
 * connector's Connect config that its kafkaCluster settings make. Pure
 * functions; every error is a BadRequestException message in err.
 */
#ifndef CONNECTD_MSKC_VALID_H
#define CONNECTD_MSKC_VALID_H

#include <stddef.h>
#include <jansson.h>

/* A resource name: 1..128 characters of letters, digits, '-', '_', '.'
 * (no '/' or ':', which the ARN separates with). 0 or -1. */
int mskc_valid_name(const char *member, const json_t *v, char *err,
                    size_t errsz);
/* An optional description of at most 1024 characters. */
int mskc_valid_description(const char *member, const json_t *v, char *err,
                           size_t errsz);

/* Capacity (update: CapacityUpdate, whose autoScaling needs both
 * policies). *out: the CapacityDescription to store and report, with
 * AWS's default policies filled in. 0 or -1. */
int mskc_valid_capacity(const json_t *v, int update, json_t **out, char *err,
                        size_t errsz);

/* Tags: an object of 0..200 string values, keys 1..128, values 0..256
 * characters. NULL is fine when !required. 0 or -1. */
int mskc_valid_tags(const json_t *v, int required, char *err, size_t errsz);

/* The maxResults query value (NULL: absent → 100). 0 or -1. */
int mskc_valid_max_results(const char *s, int *out, char *err, size_t errsz);

/* logDelivery: *s3 is set (borrowed) when S3 delivery is enabled; the
 * other targets are refused when enabled. NULL is fine. 0 or -1. */
int mskc_valid_log_delivery(const json_t *v, const json_t **s3, char *err,
                            size_t errsz);

/* kafkaCluster, kafkaClusterClientAuthentication and
 * kafkaClusterEncryptionInTransit checked, and their client settings
 * written into cfg as producer.override.*, consumer.override.* and
 * admin.override.* (they win over the same keys in the connector's own
 * configuration). 0 or -1. */
int mskc_valid_cluster(const json_t *cluster, const json_t *auth,
                       const json_t *enc, json_t *cfg, char *err,
                       size_t errsz);

/* The connectorConfiguration map: an object of strings with a
 * connector.class, and a "name" (if any) equal to `name`. 0 or -1. */
int mskc_valid_connector_config(const json_t *v, const char *name, char *err,
                                size_t errsz);

#endif
