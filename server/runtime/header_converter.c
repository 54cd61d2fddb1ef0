/*
 * header_converter — see header_converter.h. (Placeholder: every header is
 * text both ways until SimpleHeaderConverter is in.)
 */
#include "header_converter.h"

#include <stdio.h>
#include <stdlib.h>

struct hconv {
        int unused;
};

hconv_t *hconv_new(const char *class_name, const json_t *props, char *errstr,
                   size_t errstr_size)
{
        (void)class_name;
        (void)props;
        (void)errstr;
        (void)errstr_size;
        return calloc(1, sizeof(hconv_t));
}

void hconv_destroy(hconv_t *hc)
{
        free(hc);
}

int hconv_from_connect(hconv_t *hc, const char *topic, const char *header,
                       const connect_schema_t *schema,
                       const connectd_value_t *v, buf_t *out, int *is_null,
                       char *errstr, size_t errstr_size)
{
        (void)hc;
        (void)topic;
        (void)header;
        (void)schema;
        (void)errstr;
        (void)errstr_size;
        *is_null = value_is_null(v);
        if (*is_null)
                return 0;
        if (v->type == CONNECTD_VAL_STRING || v->type == CONNECTD_VAL_BYTES)
                return buf_append(out, v->u.s.ptr, v->u.s.len);
        return 0;
}

int hconv_to_connect(hconv_t *hc, const char *topic, const char *header,
                     const void *data, size_t len, arena_t *arena,
                     const connect_schema_t **schema_out,
                     connectd_value_t **value_out, char *errstr,
                     size_t errstr_size)
{
        (void)hc;
        (void)topic;
        (void)header;
        *schema_out = NULL;
        *value_out = NULL;
        if (!data)
                return 0;
        *value_out = val_string(arena, data, len);
        if (!*value_out) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        *schema_out = &schema_opt_string;
        return 0;
}
