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

/* Validate worker props in place: unknown keys and bad values are errors
 * naming the key. Defaults are not inserted. */
int worker_config_check(const json_t *props, char *errstr, size_t errstr_size);

/* Value or the table's default (NULL if neither). */
const char *wc_get(const json_t *props, const char *key);
long long wc_get_ll(const json_t *props, const char *key);
int wc_get_bool(const json_t *props, const char *key);

#endif
