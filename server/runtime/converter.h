/*
 * converter — Kafka Connect's converters between Connect values and bytes:
 *   org.apache.kafka.connect.storage.StringConverter
 *   org.apache.kafka.connect.json.JsonConverter (schemas.enable true/false,
 *     the exact envelope Connect writes)
 *   org.apache.kafka.connect.converters.ByteArrayConverter
 * A converter is created per task for keys and one for values; it is used by
 * that task's thread only.
 */
#ifndef CONNECTD_CONVERTER_H
#define CONNECTD_CONVERTER_H

#include <stddef.h>
#include <jansson.h>
#include "connect/plugin.h"
#include "record.h"
#include "buf.h"

typedef struct converter converter_t;

/* class_name: full name or simple name. props: the converter's own settings
 * with the prefix already removed (e.g. {"schemas.enable":"false"}); may be
 * NULL. NULL on error (unknown class, bad setting) with errstr. */
converter_t *converter_new(const char *class_name, const json_t *props,
                           int is_key, char *errstr, size_t errstr_size);
void converter_destroy(converter_t *cv);

/* Appends the serialized form of v (NULL = null value) to out. *is_null is
 * set to 1 when the result is a Kafka null (no bytes at all). 0 or -1. */
int converter_from_connect(converter_t *cv, const char *topic,
                           const connectd_value_t *v, buf_t *out,
                           int *is_null, char *errstr, size_t errstr_size);

/* Decodes bytes (data NULL = Kafka null) into a value allocated in arena.
 * Returns the value (a CONNECTD_VAL_NULL value for null), NULL on error. */
connectd_value_t *converter_to_connect(converter_t *cv, const char *topic,
                                       const void *data, size_t len,
                                       arena_t *arena, char *errstr,
                                       size_t errstr_size);

/* 1 when cv is JsonConverter with schemas.enable=false: a value given as
 * JSON text (record_set_value_json) is what it would write. */
int converter_is_schemaless_json(const converter_t *cv);

/* The same with the Connect schema: `schema` (NULL: schemaless, the
 * converter infers what it needs) describes v; *schema_out gets the
 * schema the converter read (JsonConverter with schemas.enable=true: the
 * envelope's; StringConverter: optional string; ByteArrayConverter:
 * optional bytes; schemaless JSON: NULL). */
int converter_from_connect_schema(converter_t *cv, const char *topic,
                                  const connect_schema_t *schema,
                                  const connectd_value_t *v, buf_t *out,
                                  int *is_null, char *errstr,
                                  size_t errstr_size);
connectd_value_t *converter_to_connect_schema(
        converter_t *cv, const char *topic, const void *data, size_t len,
        arena_t *arena, const connect_schema_t **schema_out, char *errstr,
        size_t errstr_size);

/* 1 if class_name names a known converter (full or simple name, blanks
 * around it ignored). */
int converter_known(const char *class_name);
/* 1 if class_name is usable as header.converter: a known converter or
 * Connect's default SimpleHeaderConverter (headers are not converted). */
int converter_header_known(const char *class_name);
/* The full class names, NULL-terminated, for /connector-plugins. */
extern const char *const converter_classes[];

#endif
