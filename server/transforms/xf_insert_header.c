/*
 * xf_insert_header — org.apache.kafka.connect.transforms.InsertHeader:
 * appends one header to every record, tombstones included. The literal
 * is parsed once, at configure time, the way Connect's
 * Values.parseString reads it (BOOLEAN, the smallest integer type, FLOAT32
 * or FLOAT64, Date/Time/Timestamp, ARRAY, MAP, null, else the text as a
 * STRING). The parsed schema and value live in the instance's arena and
 * are shared by the records it sees (values are immutable; the chain
 * closes the instance only after its records are done).
 */
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include("runtime/values.h") /* not libc's <values.h> */
#include "values.h"
#define XF_HAVE_VALUES 1
#endif
#endif

typedef struct {
        char *header;
        arena_t *arena;
        const connect_schema_t *schema;
        connectd_value_t *value;
} insert_header_t;

static int non_null(const char *name, const char *value, char *errstr,
                    size_t errstr_size)
{
        (void)name;
        if (value)
                return 0;
        snprintf(errstr, errstr_size, "entry must be non null");
        return -1;
}

static const connectd_config_def_t defs[] = {
        { .name = "header", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "The name of the header.",
          .order = -1, .validator = non_null },
        { .name = "value.literal", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "The literal value that is to be set as the "
                           "header value on all records.",
          .order = -1, .validator = non_null },
        { .name = NULL }
};

static void ih_close(void *state)
{
        insert_header_t *h = state;

        if (!h)
                return;
        free(h->header);
        if (h->arena)
                arena_destroy(h->arena);
        free(h);
}

static int parse_literal(insert_header_t *h, const char *s, xerr_t *err)
{
#ifdef XF_HAVE_VALUES
        if (values_parse_string(h->arena, s, strlen(s), &h->schema,
                                &h->value) < 0)
                return xf_oom(err);
#else
        /* Without the Values parser the literal stays text. */
        h->schema = &schema_string;
        if (!(h->value = val_string(h->arena, s, strlen(s))))
                return xf_oom(err);
#endif
        return 0;
}

static int ih_configure(const json_t *props, void **state, xerr_t *err)
{
        insert_header_t *h = calloc(1, sizeof(*h));
        char *literal = NULL;

        *state = NULL;
        if (!h)
                return xf_oom(err);
        if (xf_cfg_string(props, "header", 1, &h->header, err) < 0 ||
            xf_cfg_string(props, "value.literal", 1, &literal, err) < 0)
                goto fail;
        if (!(h->arena = arena_new(1024))) {
                xf_oom(err);
                goto fail;
        }
        if (parse_literal(h, literal, err) < 0)
                goto fail;
        free(literal);
        *state = h;
        return 0;
fail:
        free(literal);
        ih_close(h);
        return -1;
}

static int ih_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const insert_header_t *h = state;

        if (headers_add(r->arena, &r->headers, h->header, h->schema,
                        h->value) < 0)
                return xf_oom(err);
        return XFORM_KEEP;
}

const xform_class_t xf_insert_header = {
        .name = "org.apache.kafka.connect.transforms.InsertHeader",
        .alias = "InsertHeader",
        .kind = XFORM_TRANSFORMATION,
        .doc = "Add a header to each record.",
        .defs = defs,
        .configure = ih_configure,
        .apply = ih_apply,
        .close = ih_close,
};
