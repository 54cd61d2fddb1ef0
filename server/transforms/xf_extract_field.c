/*
 * xf_extract_field — ExtractField$Key / ExtractField$Value: replaces the
 * key or value with one of its fields (KIP-821 paths with
 * field.syntax.version=V2).
 *
 * Threads: state is per task instance and read-only after configure().
 */
#include <stdlib.h>
#include <strings.h>

#include "transform.h"
#include "xf_fields.h"
#include "xf_path.h"
#include "xf_util.h"

#define PURPOSE "field extraction"

typedef struct extract {
        int is_key;
        int rnwd;
        char *original;         /* the configured path, for messages */
        xf_path_t path;
} extract_t;

static void extract_free(extract_t *x)
{
        if (!x)
                return;
        free(x->original);
        xf_path_free(&x->path);
        free(x);
}

static int configure(const json_t *props, void **state, xerr_t *err,
                     int is_key)
{
        extract_t *x = calloc(1, sizeof(*x));
        char *version = NULL, reason[128];

        *state = NULL;
        if (!x)
                return xf_oom(err);
        x->is_key = is_key;
        if (xf_cfg_string(props, "field", 1, &x->original, err) < 0 ||
            xf_cfg_string(props, XF_PATH_VERSION_KEY, 0, &version, err) < 0)
                goto fail;
        if (version && xf_path_valid_version(XF_PATH_VERSION_KEY, version,
                                             reason, sizeof(reason)) < 0) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration %s: %s", version,
                         XF_PATH_VERSION_KEY, reason);
                goto fail;
        }
        if (xf_cfg_bool(props, XF_RNWD_KEY, 1, &x->rnwd, err) < 0)
                goto fail;
        if (xf_path_parse(x->original,
                          version && !strcasecmp(version, "V2") ? 2 : 1,
                          &x->path, err) < 0)
                goto fail;
        free(version);
        *state = x;
        return 0;
fail:
        free(version);
        extract_free(x);
        return -1;
}

static int configure_key(const json_t *props, void **state, xerr_t *err)
{
        return configure(props, state, err, 1);
}

static int configure_value(const json_t *props, void **state, xerr_t *err)
{
        return configure(props, state, err, 0);
}

static int apply(void *state, xrecord_t *r, xerr_t *err)
{
        const extract_t *x = state;
        const connect_schema_t *schema;
        const schema_field_t *f;
        connectd_value_t *value, *out = NULL;

        xf_get(r, x->is_key, &schema, &value);
        if (!schema) {
                if (value && xf_require_map(value, PURPOSE, err) < 0)
                        return -1;
                if (value && xf_path_map_value(&x->path, value, &out, err) < 0)
                        return -1;
                xf_set(r, x->is_key, NULL, out);
                return XFORM_KEEP;
        }
        if (value && xf_require_struct(value, PURPOSE, err) < 0)
                return -1;
        if (xf_path_field(&x->path, schema, &f, err) < 0)
                return -1;
        if (!f) {
                xerr_set(err, XERR_IAE, "Unknown field: %s", x->original);
                return -1;
        }
        if (value &&
            xf_path_struct_value(&x->path, value, x->rnwd, &out, err) < 0)
                return -1;
        xf_set(r, x->is_key, f->schema, out);
        return XFORM_KEEP;
}

static void close_extract(void *state)
{
        extract_free(state);
}

#define OVERVIEW                                                               \
        "Extract the specified field from a Struct when schema present, or a " \
        "Map in the case of schemaless data. Any null values are passed "     \
        "through unmodified.<p/>Use the concrete transformation type "        \
        "designed for the record key (<code>"                                 \
        "org.apache.kafka.connect.transforms.ExtractField$Key</code>) or "    \
        "value (<code>org.apache.kafka.connect.transforms.ExtractField$Value"  \
        "</code>)."

static const connectd_config_def_t defs[] = {
        { .name = "field", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "Field name to extract.", .order = -1 },
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true", .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = XF_PATH_VERSION_KEY, .type = CONNECTD_CFG_STRING,
          .default_value = "V1", .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = XF_PATH_VERSION_DOC, .order = -1,
          .validator = xf_path_valid_version },
        { .name = NULL }
};

const xform_class_t xf_extract_field_key = {
        .name = "org.apache.kafka.connect.transforms.ExtractField$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_key,
        .apply = apply,
        .close = close_extract,
};

const xform_class_t xf_extract_field_value = {
        .name = "org.apache.kafka.connect.transforms.ExtractField$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_value,
        .apply = apply,
        .close = close_extract,
};
