/*
 * header_converter — see header_converter.h.
 *
 * DESIGN
 *  - SimpleHeaderConverter (the default) is Values both ways: a header's
 *    bytes are read as UTF-8 text and parsed with Values.parseString (so
 *    "42" is an INT8, "true" a BOOLEAN, "[1,2]" an ARRAY, "" an empty
 *    string), and a header is written as Values.convertToString's text (a
 *    null value is a null header). Java falls back to the raw bytes (BYTES
 *    schema) when parsing throws; our parser never throws.
 *  - StringConverter, JsonConverter and ByteArrayConverter used as header
 *    converters are the value converters (converter.c) with the header's
 *    schema: what Java's classes do as HeaderConverter, since each
 *    implements fromConnectHeader / toConnectHeader with its data methods.
 *  - One instance per task, used by that task's thread only.
 */
#include "header_converter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter.h"
#include "javafmt.h"
#include "values.h"

struct hconv {
        converter_t *cv; /* NULL: SimpleHeaderConverter */
};

static int is_simple(const char *class_name)
{
        size_t n;
        const char *t;

        if (!class_name)
                return 1;
        t = java_trim(class_name, &n);
        return (n == strlen("org.apache.kafka.connect.storage."
                            "SimpleHeaderConverter") &&
                !memcmp(t, "org.apache.kafka.connect.storage."
                           "SimpleHeaderConverter", n)) ||
               (n == strlen("SimpleHeaderConverter") &&
                !memcmp(t, "SimpleHeaderConverter", n));
}

hconv_t *hconv_new(const char *class_name, const json_t *props, char *errstr,
                   size_t errstr_size)
{
        hconv_t *hc = calloc(1, sizeof(*hc));

        if (!hc) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (is_simple(class_name))
                return hc;
        hc->cv = converter_new(class_name, props, 0, errstr, errstr_size);
        if (!hc->cv) {
                free(hc);
                return NULL;
        }
        return hc;
}

void hconv_destroy(hconv_t *hc)
{
        if (!hc)
                return;
        converter_destroy(hc->cv);
        free(hc);
}

int hconv_from_connect(hconv_t *hc, const char *topic, const char *header,
                       const connect_schema_t *schema,
                       const connectd_value_t *v, buf_t *out, int *is_null,
                       char *errstr, size_t errstr_size)
{
        char *text;
        int rc;

        (void)header;
        *is_null = 0;
        if (hc->cv)
                return converter_from_connect_schema(hc->cv, topic, schema, v,
                                                     out, is_null, errstr,
                                                     errstr_size);
        if (value_is_null(v)) {
                *is_null = 1;
                return 0;
        }
        text = values_to_string(schema, v);
        if (!text) {
                snprintf(errstr, errstr_size,
                         "Failed to serialize header '%s': out of memory or "
                         "nested too deep", header ? header : "");
                return -1;
        }
        rc = buf_append(out, text, strlen(text));
        free(text);
        if (rc)
                snprintf(errstr, errstr_size,
                         "Failed to serialize header '%s': larger than the "
                         "buffer limit", header ? header : "");
        return rc;
}

int hconv_to_connect(hconv_t *hc, const char *topic, const char *header,
                     const void *data, size_t len, arena_t *arena,
                     const connect_schema_t **schema_out,
                     connectd_value_t **value_out, char *errstr,
                     size_t errstr_size)
{
        const connect_schema_t *s = NULL;
        connectd_value_t *v;

        if (schema_out)
                *schema_out = NULL;
        *value_out = NULL;
        if (hc->cv) {
                v = converter_to_connect_schema(hc->cv, topic, data, len,
                                                arena, &s, errstr,
                                                errstr_size);
                if (!v)
                        return -1;
        } else {
                if (!data)
                        return 0;
                if (values_parse_string(arena, data, len, &s, &v)) {
                        snprintf(errstr, errstr_size,
                                 "Failed to deserialize value for header "
                                 "'%s' on topic '%s': out of memory",
                                 header ? header : "", topic ? topic : "");
                        return -1;
                }
        }
        if (schema_out)
                *schema_out = s;
        *value_out = value_is_null(v) ? NULL : v;
        return 0;
}
