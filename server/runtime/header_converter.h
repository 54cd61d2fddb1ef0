/*
 * header_converter — Connect's HeaderConverter: header values between
 * Connect data and bytes. `header.converter` (connector or worker key)
 * names the class; the default is
 * org.apache.kafka.connect.storage.SimpleHeaderConverter. StringConverter,
 * JsonConverter and ByteArrayConverter work as header converters too.
 * One instance per task, used by that task's thread only.
 */
#ifndef CONNECTD_HEADER_CONVERTER_H
#define CONNECTD_HEADER_CONVERTER_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "data.h"
#include "record.h"

typedef struct hconv hconv_t;

/* class_name NULL: SimpleHeaderConverter. props: the converter's keys
 * without the `header.converter.` prefix (may be NULL). NULL with errstr
 * on an unknown class or a bad setting. */
hconv_t *hconv_new(const char *class_name, const json_t *props, char *errstr,
                   size_t errstr_size);
void hconv_destroy(hconv_t *hc);

/* Appends the bytes of header `header` (value v under schema, either may
 * be NULL) to out; *is_null = 1 for a null header value. 0 or -1. */
int hconv_from_connect(hconv_t *hc, const char *topic, const char *header,
                       const connect_schema_t *schema,
                       const connectd_value_t *v, buf_t *out, int *is_null,
                       char *errstr, size_t errstr_size);

/* Decodes a header's bytes (data NULL: a null value) into arena. 0 with
 * *schema_out (may be NULL) and *value_out (NULL for null), or -1. */
int hconv_to_connect(hconv_t *hc, const char *topic, const char *header,
                     const void *data, size_t len, arena_t *arena,
                     const connect_schema_t **schema_out,
                     connectd_value_t **value_out, char *errstr,
                     size_t errstr_size);

#endif
