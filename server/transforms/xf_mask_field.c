/*
 * xf_mask_field — MaskField$Key / MaskField$Value: replaces listed fields
 * with their type's "empty" value (false, 0, "", [], {}, epoch 0) or a
 * configured replacement converted to the field's type.
 *
 * DESIGN
 * Java picks the mask by the field value's Java class; here the class is
 * the value's type, refined by the field schema's logical name (Decimal
 * is java.math.BigDecimal, Date/Time/Timestamp are java.util.Date), which
 * is what value_java_class() reports for messages. A replacement for an
 * integer is read as a BigDecimal, truncated toward zero and wrapped to
 * the width (Values.convertToX); for a float, BigDecimal.doubleValue
 * (narrowed for FLOAT32); for a Decimal, the exact number at the schema's
 * scale.
 *
 * Threads: state is per task instance and read-only after configure().
 */
#include <stdlib.h>
#include <string.h>

#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#define PURPOSE "mask fields"

typedef struct mask {
        int is_key;
        int rnwd;
        char **fields;
        size_t nfields;
        char *replacement;      /* NULL: mask with the empty value */
} mask_t;

static void mask_free(mask_t *m)
{
        if (!m)
                return;
        xf_list_free(m->fields, m->nfields);
        free(m->replacement);
        free(m);
}

static int configure(const json_t *props, void **state, xerr_t *err,
                     int is_key)
{
        mask_t *m = calloc(1, sizeof(*m));

        *state = NULL;
        if (!m)
                return xf_oom(err);
        m->is_key = is_key;
        if (xf_cfg_list(props, "fields", 1, &m->fields, &m->nfields, NULL,
                        err) < 0)
                goto fail;
        if (!m->nfields) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value [] for configuration fields: Empty "
                         "list");
                goto fail;
        }
        if (xf_cfg_string(props, "replacement", 0, &m->replacement, err) < 0)
                goto fail;
        if (m->replacement && !*m->replacement) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value  for configuration replacement: "
                         "String must be non-empty");
                goto fail;
        }
        if (xf_cfg_bool(props, XF_RNWD_KEY, 1, &m->rnwd, err) < 0)
                goto fail;
        *state = m;
        return 0;
fail:
        mask_free(m);
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

static int is_date(const connect_schema_t *s)
{
        return schema_is_logical(s, LOGICAL_DATE) ||
               schema_is_logical(s, LOGICAL_TIME) ||
               schema_is_logical(s, LOGICAL_TIMESTAMP);
}

/* maskWithNullValue */
static int mask_empty(arena_t *a, const connect_schema_t *s,
                      const connectd_value_t *v, connectd_value_t **out,
                      xerr_t *err)
{
        connectd_value_t *r = NULL;
        int is_dec = s && schema_is_logical(s, LOGICAL_DECIMAL);

        switch (v->type) {
        case CONNECTD_VAL_BOOLEAN:
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64: /* also Date/Time/Timestamp: epoch 0 */
                r = val_int(a, v->type, 0);
                if (r) /* a java.util.Date stays one: new Date(0) */
                        r->schema_name = v->schema_name;
                break;
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                r = val_float(a, v->type, 0);
                break;
        case CONNECTD_VAL_STRING:
                r = val_string(a, "", 0);
                break;
        case CONNECTD_VAL_ARRAY:
                r = val_array(a);
                break;
        case CONNECTD_VAL_MAP:
                r = val_map(a);
                break;
        case CONNECTD_VAL_STRUCT:
                if (!v->schema) { /* a schemaless object is a HashMap */
                        r = val_struct(a, NULL);
                        break;
                }
                goto cannot;
        case CONNECTD_VAL_BYTES:
                if (is_dec) { /* BigDecimal.ZERO: unscaled 0 */
                        static const unsigned char zero;

                        r = val_bytes(a, &zero, 1);
                        break;
                }
                goto cannot;
        default:
                goto cannot;
        }
        if (!r)
                return xf_oom(err);
        *out = r;
        return 0;
cannot:
        xerr_set(err, XERR_DATA, "Cannot mask value of type: class %s",
                 value_java_class(v, s));
        return -1;
}

static int not_a_number(const char *rep, int decimal, xerr_t *err)
{
        xerr_set(err, XERR_DATA,
                 "Unable to convert %s (class java.lang.String) to %s", rep,
                 decimal ? "number" : "a number");
        return -1;
}

/* maskWithCustomReplacement */
static int mask_custom(arena_t *a, const connect_schema_t *s,
                       const connectd_value_t *v, const char *rep,
                       connectd_value_t **out, xerr_t *err)
{
        xf_bigdec_t d;
        connectd_value_t *r = NULL;
        int is_dec = s && v->type == CONNECTD_VAL_BYTES &&
                     schema_is_logical(s, LOGICAL_DECIMAL);
        int rc;

        if (v->type == CONNECTD_VAL_STRING) {
                if (!(*out = val_string(a, rep, strlen(rep))))
                        return xf_oom(err);
                return 0;
        }
        if (!is_dec && (is_date(s) || value_is_date_object(v) ||
                        (v->type != CONNECTD_VAL_INT8 &&
                         v->type != CONNECTD_VAL_INT16 &&
                         v->type != CONNECTD_VAL_INT32 &&
                         v->type != CONNECTD_VAL_INT64 &&
                         v->type != CONNECTD_VAL_FLOAT32 &&
                         v->type != CONNECTD_VAL_FLOAT64))) {
                xerr_set(err, XERR_DATA,
                         "Cannot mask value of type class %s with custom "
                         "replacement.",
                         value_java_class(v, s));
                return -1;
        }
        rc = xf_bigdec_parse(rep, strlen(rep), &d);
        if (rc == -2)
                return xf_oom(err);
        if (rc < 0)
                return not_a_number(rep, is_dec, err);
        if (is_dec) {
                const unsigned char *b;
                size_t len;

                rc = xf_bigdec_bytes(a, &d, xf_decimal_scale(s), &b, &len);
                if (rc == 0)
                        r = val_bytes(a, b, len);
        } else if (v->type == CONNECTD_VAL_FLOAT32 ||
                   v->type == CONNECTD_VAL_FLOAT64) {
                /* (float) asDouble(): via the double, as Java does */
                r = val_float(a, v->type,
                              v->type == CONNECTD_VAL_FLOAT32
                                      ? (double)xf_d2f(xf_bigdec_double(&d))
                                      : xf_bigdec_double(&d));
        } else {
                int64_t i = xf_bigdec_long(&d);
                uint64_t u = (uint64_t)i;

                if (v->type == CONNECTD_VAL_INT8)
                        i = (int8_t)(uint8_t)u;
                else if (v->type == CONNECTD_VAL_INT16)
                        i = (int16_t)(uint16_t)u;
                else if (v->type == CONNECTD_VAL_INT32)
                        i = (int32_t)(uint32_t)u;
                r = val_int(a, v->type, i);
        }
        xf_bigdec_free(&d);
        if (rc == -1) {
                xerr_set(err, XERR_DATA,
                         "BigDecimal has mismatching scale value for given "
                         "Decimal schema");
                return -1;
        }
        if (!r)
                return xf_oom(err);
        *out = r;
        return 0;
}

static int masked(const mask_t *m, arena_t *a, const connect_schema_t *s,
                  connectd_value_t *v, connectd_value_t **out, xerr_t *err)
{
        *out = NULL;
        if (value_is_null(v))
                return 0;
        return m->replacement ? mask_custom(a, s, v, m->replacement, out, err)
                              : mask_empty(a, s, v, out, err);
}

static int listed(const mask_t *m, const char *name)
{
        size_t i;

        for (i = 0; i < m->nfields; i++)
                if (strcmp(m->fields[i], name) == 0)
                        return 1;
        return 0;
}

static int apply(void *state, xrecord_t *r, xerr_t *err)
{
        const mask_t *m = state;
        const connect_schema_t *schema;
        connectd_value_t *value, *nv;
        arena_t *a = r->arena;
        size_t i;

        xf_get(r, m->is_key, &schema, &value);
        if (!schema) {
                if (xf_require_map(value, PURPOSE, err) < 0)
                        return -1;
                if (!(nv = xf_map_copy(a, value)))
                        return xf_oom(err);
                for (i = 0; i < m->nfields; i++) {
                        connectd_value_t *fv;

                        if (masked(m, a, NULL,
                                   val_get(value, m->fields[i], NULL), &fv,
                                   err) < 0)
                                return -1;
                        if (xf_map_put(a, nv, m->fields[i], fv) < 0)
                                return xf_oom(err);
                }
                xf_set(r, m->is_key, NULL, nv);
                return XFORM_KEEP;
        }
        if (xf_require_struct(value, PURPOSE, err) < 0)
                return -1;
        if (!(nv = val_struct(a, value->schema)))
                return xf_oom(err);
        for (i = 0; i < value->schema->nfields; i++) {
                const schema_field_t *f = &value->schema->fields[i];
                connectd_value_t *fv = xf_field_get(value, f, m->rnwd);

                if (listed(m, f->name) &&
                    masked(m, a, f->schema, fv, &fv, err) < 0)
                        return -1;
                if (xf_field_put(a, nv, f, fv, err) < 0)
                        return -1;
        }
        xf_set(r, m->is_key, schema, nv);
        return XFORM_KEEP;
}

static void close_mask(void *state)
{
        mask_free(state);
}

#define OVERVIEW                                                               \
        "Mask specified fields with a valid null value for the field type "   \
        "(i.e. 0, false, empty string, and so on).<p/>For numeric and "       \
        "string fields, an optional replacement value can be specified that " \
        "is converted to the correct type.<p/>Use the concrete "              \
        "transformation type designed for the record key (<code>"             \
        "org.apache.kafka.connect.transforms.MaskField$Key</code>) or value " \
        "(<code>org.apache.kafka.connect.transforms.MaskField$Value</code>)."

static const connectd_config_def_t defs[] = {
        { .name = "fields", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Names of fields to mask.", .order = -1,
          .validator = xf_valid_nonempty_list },
        { .name = "replacement", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_LOW,
          .documentation = "Custom value replacement, that will be applied "
                           "to all 'fields' values (numeric or non-empty "
                           "string values only).",
          .order = -1, .validator = xf_valid_nonempty_string,
          .optional = 1 },
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true", .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = NULL }
};

const xform_class_t xf_mask_field_key = {
        .name = "org.apache.kafka.connect.transforms.MaskField$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_key,
        .apply = apply,
        .close = close_mask,
};

const xform_class_t xf_mask_field_value = {
        .name = "org.apache.kafka.connect.transforms.MaskField$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_value,
        .apply = apply,
        .close = close_mask,
};
