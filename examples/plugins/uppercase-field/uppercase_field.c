/*
 * uppercase_field — an example connectd transform plugin: a single message
 * transform and a predicate, used in connector configs like the built-ins.
 *
 * com.example.connectd.UppercaseField (transformation)
 *   field   the record value's field to upper-case (ASCII letters); empty
 *           (the default): the whole value, when it is a string.
 *   header  optional: also append a header of this name holding the
 *           field's original text (a STRING header).
 *   Works on a struct value (with a schema, as JsonConverter with
 *   schemas.enable=true gives, or schemaless: a JSON object). A null value
 *   (tombstone) or a record without the field passes unchanged; a field
 *   that is not a string fails the record, which errors.tolerance governs.
 *
 * com.example.connectd.TopicPrefix (predicate)
 *   prefix  true for records whose topic starts with it.
 *
 *   "transforms": "up",
 *   "transforms.up.type": "com.example.connectd.UppercaseField",
 *   "transforms.up.field": "title",
 *   "transforms.up.predicate": "books",
 *   "predicates": "books",
 *   "predicates.books.type": "com.example.connectd.TopicPrefix",
 *   "predicates.books.prefix": "book"
 *
 * Written only against connect/plugin.h; build it out of tree with
 *   cc -shared -fPIC $(pkg-config --cflags connectd-plugin) \
 *      -o uppercase_field.so uppercase_field.c
 *
 * Memory: the instance state is ours (configure allocates it, close frees
 * it); everything a record gets (the copied struct, the new string, the
 * header) is allocated in the record's arena and never freed by us.
 * Threads: apply runs on one task's thread per instance; the only global
 * is the host table pointer, set once in init.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect/plugin.h"

#define UP_VERSION "1.0.0"

static const connectd_host_t *host;

/* --- UppercaseField --- */

static const connectd_config_def_t up_defs[] = {
        {.name = "field", .type = CONNECTD_CFG_STRING, .default_value = "",
         .importance = CONNECTD_IMPORTANCE_MEDIUM,
         .documentation = "Field of the record value to upper-case; empty "
                          "for the whole value when it is a string.",
         .order = -1},
        {.name = "header", .type = CONNECTD_CFG_STRING, .optional = 1,
         .importance = CONNECTD_IMPORTANCE_LOW,
         .documentation = "If set, a header of this name is appended with "
                          "the field's original text.",
         .order = -1},
        {.name = NULL}};

typedef struct up_state {
        char *field;  /* "" : the whole value */
        char *header; /* NULL: no header */
} up_state_t;

static void up_close(void *state)
{
        up_state_t *st = state;

        if (!st)
                return;
        free(st->field);
        free(st->header);
        free(st);
}

static int up_configure(const connectd_config_t *cfg, void **statep,
                        char *errstr, size_t errstr_size)
{
        const char *field = host->config_get(cfg, "field");
        const char *header = host->config_get(cfg, "header");
        up_state_t *st = calloc(1, sizeof(*st));

        if (!st || !(st->field = strdup(field ? field : "")) ||
            (header && *header && !(st->header = strdup(header)))) {
                up_close(st);
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        *statep = st;
        return 0;
}

/* A new STRING value: `v`'s text upper-cased, in the record's arena. */
static connectd_value_t *upper(connectd_arena_t *a,
                               const connectd_value_t *v)
{
        size_t len, i;
        const char *s = host->value_data(v, &len);
        connectd_value_t *out;
        char *buf;

        if (!(buf = malloc(len + 1)))
                return NULL;
        for (i = 0; i < len; i++)
                buf[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32)
                                                    : s[i];
        out = host->value_of_string(a, buf, len);
        free(buf);
        return out;
}

static int up_apply(void *state, connectd_xrecord_t *r, char *errstr,
                    size_t errstr_size)
{
        up_state_t *st = state;
        connectd_arena_t *a = host->xrecord_arena(r);
        const connectd_schema_t *schema;
        const connectd_value_t *value = host->xrecord_value(r, &schema);
        const connectd_value_t *old;
        connectd_value_t *copy, *up;

        if (host->value_type(value) == CONNECTD_VAL_NULL)
                return CONNECTD_XFORM_KEEP; /* tombstones pass */
        if (!*st->field) {
                old = value;
        } else if (host->value_type(value) == CONNECTD_VAL_STRUCT) {
                old = host->value_get(value, st->field);
                if (!old)
                        return CONNECTD_XFORM_KEEP;
        } else {
                snprintf(errstr, errstr_size,
                         "UppercaseField: field '%s' needs a struct value",
                         st->field);
                return -1;
        }
        if (host->value_type(old) != CONNECTD_VAL_STRING) {
                snprintf(errstr, errstr_size,
                         "UppercaseField: '%s' is not a string",
                         *st->field ? st->field : "the value");
                return -1;
        }
        if (!(up = upper(a, old)))
                goto nomem;
        if (st->header &&
            host->xrecord_header_add(r, st->header,
                                     host->schema_primitive(
                                             CONNECTD_VAL_STRING, 1),
                                     (connectd_value_t *)old) != 0)
                goto nomem;
        if (!*st->field) {
                host->xrecord_set_value(r, schema, up);
                return CONNECTD_XFORM_KEEP;
        }
        /* Never change the value we were given: copy, then replace. The
         * struct keeps its schema, so the schema stays as it was. */
        if (!(copy = host->value_copy(a, value)) ||
            host->value_put(a, copy, st->field, up) != 0)
                goto nomem;
        host->xrecord_set_value(r, schema, copy);
        return CONNECTD_XFORM_KEEP;
nomem:
        snprintf(errstr, errstr_size, "UppercaseField: out of memory");
        return -1;
}

static const connectd_transform_desc_t up_desc = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.connectd.UppercaseField",
        .kind = CONNECTD_TRANSFORMATION,
        .version = UP_VERSION,
        .doc = "Upper-cases a string field of the record value.",
        .config_defs = up_defs,
        .configure = up_configure,
        .apply = up_apply,
        .close = up_close,
};

/* --- TopicPrefix --- */

static const connectd_config_def_t prefix_defs[] = {
        {.name = "prefix", .type = CONNECTD_CFG_STRING,
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "Records whose topic starts with this match.",
         .order = -1},
        {.name = NULL}};

static int prefix_configure(const connectd_config_t *cfg, void **statep,
                            char *errstr, size_t errstr_size)
{
        const char *prefix = host->config_get(cfg, "prefix");

        if (!prefix) {
                snprintf(errstr, errstr_size, "Missing required "
                         "configuration \"prefix\" which has no default "
                         "value.");
                return -1;
        }
        if (!(*statep = strdup(prefix))) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

static int prefix_apply(void *state, connectd_xrecord_t *r, char *errstr,
                        size_t errstr_size)
{
        const char *prefix = state, *topic = host->xrecord_topic(r);

        (void)errstr;
        (void)errstr_size;
        return topic && strncmp(topic, prefix, strlen(prefix)) == 0;
}

static const connectd_transform_desc_t prefix_desc = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.connectd.TopicPrefix",
        .kind = CONNECTD_PREDICATE,
        .version = UP_VERSION,
        .doc = "Matches records whose topic starts with a prefix.",
        .config_defs = prefix_defs,
        .configure = prefix_configure,
        .apply = prefix_apply,
        .close = free,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        /* Refuse to load on a worker older than the record pipeline: its
         * table ends before the functions used here. */
        if (!CONNECTD_HOST_HAS(h, xrecord_timestamp_type)) {
                h->log(NULL, CONNECTD_LOG_ERROR, "uppercase_field needs a "
                       "worker with custom transform support");
                return -1;
        }
        host = h;
        if (host->register_transform(reg, &up_desc) != 0 ||
            host->register_transform(reg, &prefix_desc) != 0)
                return -1;
        return 0;
}
