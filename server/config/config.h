/*
 * config — worker configuration and Java .properties files.
 *
 * The worker config is a JSON object of strings, checked against one table
 * of known keys (Kafka Connect's names plus ours); unknown or malformed keys
 * are an error naming the key. Prefixes producer.*, consumer.*, admin.* pass
 * through to librdkafka.
 */
#ifndef CONNECTD_CONFIG_H
#define CONNECTD_CONFIG_H

#include <stddef.h>
#include <jansson.h>

/* Parse a Java-style .properties file (comments, '=', ':' or blank
 * separators, backslash continuation and escapes) into a JSON object of
 * strings. NULL with errstr on error. */
json_t *props_parse_file(const char *path, char *errstr, size_t errstr_size);
json_t *props_parse_string(const char *text, char *errstr, size_t errstr_size);

/* Load a connector config file: .json (either a flat map or Connect's
 * {"name":..,"config":{..}}) or .properties. Returns a flat map. */
json_t *connector_file_load(const char *path, char *errstr, size_t errstr_size);
/* The same from memory: text[0..n) (any bytes), read as JSON when is_json,
 * else as .properties. `source` names the input in errors (NULL: "(text)"). */
json_t *connector_file_parse(const char *text, size_t n, int is_json,
                             const char *source, char *errstr,
                             size_t errstr_size);

/* Validate worker props in place: unknown keys and bad values are errors
 * naming the key. Defaults are not inserted. */
int worker_config_check(const json_t *props, char *errstr, size_t errstr_size);

/* Value or the table's default (NULL if neither). */
const char *wc_get(const json_t *props, const char *key);
long long wc_get_ll(const json_t *props, const char *key);
int wc_get_bool(const json_t *props, const char *key);
/* 1 if the worker config sets `key` itself (a default does not count):
 * for keys whose default applies only when asked for, such as
 * scheduled.rebalance.max.delay.ms. */
int wc_is_set(const json_t *props, const char *key);
/* 1 if the worker runs distributed (group.id set), as connect-distributed;
 * worker_config_check has then checked the distributed keys together. */
int wc_is_distributed(const json_t *props);
/* The coordination topic's name: coordination.storage.topic, else
 * connectd-coordination-<group.id>. */
void wc_coordination_topic(const json_t *props, char *buf, size_t n);
/* connector.client.config.override.policy as "All", "None" or "Principal"
 * (aliases and class names both accepted by the check). */
const char *wc_override_policy(const json_t *props);

/* --- The table of known worker keys (additive: for docs, /config tooling,
 * log masking). One row per key; worker_config_check and wc_get* read the
 * same rows. --- */
typedef enum {
        WC_TYPE_STRING = 0,
        WC_TYPE_INT,      /* 32-bit */
        WC_TYPE_LONG,     /* 64-bit */
        WC_TYPE_BOOLEAN,
        WC_TYPE_LIST,     /* comma-separated */
        WC_TYPE_CLASS,
        WC_TYPE_PASSWORD  /* a secret: never log the value */
} wc_type_t;

typedef struct wc_def {
        const char *name;
        wc_type_t type;
        const char *default_value; /* NULL: no default */
        const char *doc;
        /* Extra check after the type's own (NULL if none): 0, or -1 with
         * Connect's "Invalid value V for configuration K: ..." in errstr. */
        int (*check)(const char *name, const char *value, char *errstr,
                     size_t errstr_size);
} wc_def_t;

/* All rows (static storage); *n receives the count. */
const wc_def_t *wc_defs(size_t *n);
/* The row for `key`, or NULL if it is not a known key. */
const wc_def_t *wc_def_find(const char *key);
/* Connect's type names: "STRING", "INT", "LONG", "BOOLEAN", "LIST",
 * "CLASS", "PASSWORD". */
const char *wc_type_name(wc_type_t type);
/* Check one value as worker_config_check would for `key`'s row (type and
 * the row's own check); 0 as well for a key the table does not have.
 * 0, or -1 with Connect's "Invalid value V for configuration K: ..." */
int wc_check_value(const char *key, const char *value, char *errstr,
                   size_t errstr_size);
/* NULL-terminated list of key prefixes that pass unchecked ("producer.",
 * "consumer.", "admin.", "key.converter.", ...). */
const char *const *wc_prefixes(void);

#endif
