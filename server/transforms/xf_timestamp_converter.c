/*
 * xf_timestamp_converter —
 * org.apache.kafka.connect.transforms.TimestampConverter$Key/$Value:
 * converts a timestamp (the whole operating value, or one field of it)
 * between strings (SimpleDateFormat in UTC), unix numbers (with
 * unix.precision) and Connect's logical Date, Time and Timestamp.
 *
 * Everything goes input -> epoch milliseconds -> target. Without a schema,
 * Date/Time/Timestamp results are date objects (xf_date_value).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javadate.h"
#include "javafmt.h"
#include "record.h"
#include "transform.h"
#include "xf_util.h"

#define PURPOSE "converting timestamp formats"
#define DAY_MS 86400000LL

enum { T_STRING, T_UNIX, T_DATE, T_TIME, T_TIMESTAMP };
enum { P_SECONDS, P_MILLIS, P_MICROS, P_NANOS };

static const char *const TYPES[] = {"string", "unix", "Date", "Time",
                                    "Timestamp"};

typedef struct {
        int is_key;
        char *field;            /* "" = the whole value */
        int type;               /* T_* */
        javadate_t *fmt;        /* NULL when no format is set */
        int precision;          /* P_* */
        int replace_null_with_default;
} tsc_t;

/* ---- definitions ----------------------------------------------------- */

static int valid_target_type(const char *name, const char *value,
                             char *errstr, size_t errstr_size)
{
        size_t len;
        const char *v = value ? java_trim(value, &len) : NULL;

        (void)name;
        if (v)
                for (size_t i = 0; i < 5; i++)
                        if (strlen(TYPES[i]) == len && !memcmp(v, TYPES[i], len))
                                return 0;
        snprintf(errstr, errstr_size,
                 "String must be one of: string, unix, Date, Time, Timestamp");
        return -1;
}

static const char *const PRECISIONS[] = {"seconds", "milliseconds",
                                         "microseconds", "nanoseconds"};

static int valid_precision(const char *name, const char *value, char *errstr,
                           size_t errstr_size)
{
        size_t len;
        const char *v;

        (void)name;
        if (!value) /* absent: the default */
                return 0;
        v = java_trim(value, &len);
        for (size_t i = 0; i < 4; i++)
                if (strlen(PRECISIONS[i]) == len &&
                    !memcmp(v, PRECISIONS[i], len))
                        return 0;
        snprintf(errstr, errstr_size,
                 "String must be one of: nanoseconds, microseconds, "
                 "milliseconds, seconds");
        return -1;
}

static const connectd_config_def_t tsc_defs[] = {
        {.name = "field", .type = CONNECTD_CFG_STRING, .default_value = "",
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "The field containing the timestamp, or empty if "
                          "the entire value is a timestamp",
         .order = -1},
        {.name = "target.type", .type = CONNECTD_CFG_STRING,
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "The desired timestamp representation: string, "
                          "unix, Date, Time, or Timestamp",
         .order = -1, .validator = valid_target_type},
        {.name = "format", .type = CONNECTD_CFG_STRING, .default_value = "",
         .importance = CONNECTD_IMPORTANCE_MEDIUM,
         .documentation = "A SimpleDateFormat-compatible format for the "
                          "timestamp. Used to generate the output when "
                          "type=string or used to parse the input if the "
                          "input is a string.",
         .order = -1},
        {.name = "unix.precision", .type = CONNECTD_CFG_STRING,
         .default_value = "milliseconds",
         .importance = CONNECTD_IMPORTANCE_LOW,
         .documentation = "The desired Unix precision for the timestamp: "
                          "seconds, milliseconds, microseconds, or "
                          "nanoseconds. Used to generate the output when "
                          "type=unix or used to parse the input if the input "
                          "is a Long.Note: This SMT will cause precision loss "
                          "during conversions from, and to, values with "
                          "sub-millisecond components.",
         .order = -1, .validator = valid_precision},
        {.name = "replace.null.with.default", .type = CONNECTD_CFG_BOOLEAN,
         .default_value = "true", .importance = CONNECTD_IMPORTANCE_MEDIUM,
         .documentation = "Whether to replace fields that have a default "
                          "value and that are null to the default value. "
                          "When set to true, the default value is used, "
                          "otherwise null is used.",
         .order = -1},
        {.name = NULL},
};

/* ---- configure ------------------------------------------------------- */

static void tsc_close(void *state)
{
        tsc_t *s = state;

        if (!s)
                return;
        free(s->field);
        javadate_free(s->fmt);
        free(s);
}

static int configure(const json_t *props, void **state, xerr_t *err,
                     int is_key)
{
        const char *field = xf_prop(props, "field");
        const char *type = xf_prop(props, "target.type");
        const char *format = xf_prop(props, "format");
        const char *prec = xf_prop(props, "unix.precision");
        const char *rnwd = xf_prop(props, "replace.null.with.default");
        char reason[256], *tt = NULL, *pattern = NULL;
        tsc_t *s = calloc(1, sizeof(*s));
        size_t len;
        const char *v;

        *state = NULL;
        if (!s || !(s->field = java_trim_dup(field ? field : "")))
                goto oom;
        s->is_key = is_key;
        /* ConfigDef parses the keys in definition order */
        if (!type) {
                xerr_set(err, XERR_CONFIG,
                         "Missing required configuration \"target.type\" "
                         "which has no default value.");
                goto fail;
        }
        if (!(tt = java_trim_dup(type)))
                goto oom;
        if (valid_target_type("target.type", tt, reason, sizeof reason)) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration target.type: %s",
                         tt, reason);
                goto fail;
        }
        for (int i = 0; i < 5; i++)
                if (!strcmp(tt, TYPES[i]))
                        s->type = i;
        s->precision = P_MILLIS;
        if (prec) {
                if (valid_precision("unix.precision", prec, reason,
                                    sizeof reason)) {
                        char *p = java_trim_dup(prec);

                        xerr_set(err, XERR_CONFIG,
                                 "Invalid value %s for configuration "
                                 "unix.precision: %s",
                                 p ? p : prec, reason);
                        free(p);
                        goto fail;
                }
                v = java_trim(prec, &len);
                for (int i = 0; i < 4; i++)
                        if (strlen(PRECISIONS[i]) == len &&
                            !memcmp(v, PRECISIONS[i], len))
                                s->precision = i;
        }
        s->replace_null_with_default = 1;
        if (rnwd) {
                int b = java_parse_boolean(rnwd);

                if (b < 0) {
                        char *p = java_trim_dup(rnwd);

                        xerr_set(err, XERR_CONFIG,
                                 "Invalid value %s for configuration "
                                 "replace.null.with.default: Expected value "
                                 "to be either true or false",
                                 p ? p : rnwd);
                        free(p);
                        goto fail;
                }
                s->replace_null_with_default = b;
        }
        if (!(pattern = java_trim_dup(format ? format : "")))
                goto oom;
        if (s->type == T_STRING && !*pattern) {
                xerr_set(err, XERR_CONFIG,
                         "TimestampConverter requires format option to be "
                         "specified when using string timestamps");
                goto fail;
        }
        if (*pattern) {
                char why[128];

                if (!(s->fmt = javadate_new(pattern, why, sizeof why))) {
                        if (!strcmp(why, "Out of memory"))
                                goto oom;
                        xerr_set(err, XERR_CONFIG,
                                 "TimestampConverter requires a "
                                 "SimpleDateFormat-compatible pattern for "
                                 "string timestamps: %s",
                                 pattern);
                        goto fail;
                }
        }
        free(tt);
        free(pattern);
        *state = s;
        return 0;
oom:
        xerr_set(err, XERR_CONFIG, "Out of memory");
fail:
        free(tt);
        free(pattern);
        tsc_close(s);
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

/* ---- conversion ------------------------------------------------------ */

static const connect_schema_t sch_date = {
        .type = CONNECTD_VAL_INT32, .name = LOGICAL_DATE, .has_version = 1,
        .version = 1};
static const connect_schema_t sch_opt_date = {
        .type = CONNECTD_VAL_INT32, .optional = 1, .name = LOGICAL_DATE,
        .has_version = 1, .version = 1};
static const connect_schema_t sch_time = {
        .type = CONNECTD_VAL_INT32, .name = LOGICAL_TIME, .has_version = 1,
        .version = 1};
static const connect_schema_t sch_opt_time = {
        .type = CONNECTD_VAL_INT32, .optional = 1, .name = LOGICAL_TIME,
        .has_version = 1, .version = 1};
static const connect_schema_t sch_ts = {
        .type = CONNECTD_VAL_INT64, .name = LOGICAL_TIMESTAMP,
        .has_version = 1, .version = 1};
static const connect_schema_t sch_opt_ts = {
        .type = CONNECTD_VAL_INT64, .optional = 1, .name = LOGICAL_TIMESTAMP,
        .has_version = 1, .version = 1};

static const connect_schema_t *type_schema(int type, int optional)
{
        switch (type) {
        case T_STRING:
                return optional ? &schema_opt_string : &schema_string;
        case T_UNIX:
                return optional ? &schema_opt_int64 : &schema_int64;
        case T_DATE:
                return optional ? &sch_opt_date : &sch_date;
        case T_TIME:
                return optional ? &sch_opt_time : &sch_time;
        default:
                return optional ? &sch_opt_ts : &sch_ts;
        }
}

/* Java's Schema.toString(): "Schema{name:TYPE}" or "Schema{TYPE}". */
static void schema_text(const connect_schema_t *s, char *buf, size_t n)
{
        if (s->name)
                snprintf(buf, n, "Schema{%s:%s}", s->name,
                         schema_type_name(s->type));
        else
                snprintf(buf, n, "Schema{%s}", schema_type_name(s->type));
}

/* timestampTypeFromSchema: T_* or -1 with err set. */
static int type_from_schema(const connect_schema_t *s, xerr_t *err)
{
        char text[512];

        if (s->name && !strcmp(s->name, LOGICAL_TIMESTAMP))
                return T_TIMESTAMP;
        if (s->name && !strcmp(s->name, LOGICAL_DATE))
                return T_DATE;
        if (s->name && !strcmp(s->name, LOGICAL_TIME))
                return T_TIME;
        if (s->type == CONNECTD_VAL_STRING)
                return T_STRING;
        if (s->type == CONNECTD_VAL_INT64)
                return T_UNIX;
        schema_text(s, text, sizeof text);
        xerr_set(err, XERR_CONNECT,
                 "Schema %s does not correspond to a known timestamp type "
                 "format",
                 text);
        return -1;
}

/* TimeUnit conversions: multiplication saturates, division truncates. */
static int64_t sat_mul(int64_t v, int64_t m)
{
        int64_t r;

        if (__builtin_mul_overflow(v, m, &r))
                return v < 0 ? INT64_MIN : INT64_MAX;
        return r;
}

/* The value as epoch ms per its kind; `schema` is the value's own schema
 * (NULL: schemaless, then a date object counts as a Timestamp). */
static int to_raw(const tsc_t *s, const connectd_value_t *v, int kind,
                  int schemaless, int64_t *ms, xerr_t *err)
{
        const char *cls = value_java_class(v, NULL);
        int64_t dms;

        switch (kind) {
        case T_STRING: {
                char *text;
                int rc;

                if (v->type != CONNECTD_VAL_STRING) {
                        xerr_set(err, XERR_DATA,
                                 "Expected string timestamp to be a String, "
                                 "but found class %s",
                                 cls);
                        return -1;
                }
                if (!s->fmt) {
                        xerr_set(err, XERR_NPE, "%s", "");
                        return -1;
                }
                if (!(text = strndup(v->u.s.ptr, v->u.s.len))) {
                        xerr_set(err, "java.lang.OutOfMemoryError",
                                 "Out of memory");
                        return -1;
                }
                rc = javadate_parse(s->fmt, text, ms);
                if (rc)
                        xerr_set(err, XERR_DATA,
                                 "Could not parse timestamp: value (%s) does "
                                 "not match pattern (%s)",
                                 text, javadate_pattern(s->fmt));
                free(text);
                return rc;
        }
        case T_UNIX:
                if (v->type != CONNECTD_VAL_INT64 ||
                    (schemaless && xf_date_ms(v, &dms))) {
                        xerr_set(err, XERR_DATA,
                                 "Expected Unix timestamp to be a Long, but "
                                 "found class %s",
                                 schemaless && xf_date_ms(v, &dms)
                                         ? "java.util.Date"
                                         : cls);
                        return -1;
                }
                switch (s->precision) {
                case P_SECONDS:
                        *ms = sat_mul(v->u.i, 1000);
                        break;
                case P_MICROS:
                        *ms = v->u.i / 1000;
                        break;
                case P_NANOS:
                        *ms = v->u.i / 1000000;
                        break;
                default:
                        *ms = v->u.i;
                }
                return 0;
        default:
                if (schemaless) {
                        if (xf_date_ms(v, ms))
                                return 0;
                } else if (kind == T_DATE && v->type == CONNECTD_VAL_INT32) {
                        /* Java: int days * long ms (wrapping) */
                        *ms = (int64_t)((uint64_t)v->u.i * (uint64_t)DAY_MS);
                        return 0;
                } else if (kind == T_TIME && v->type == CONNECTD_VAL_INT32) {
                        if (v->u.i < 0 || v->u.i > DAY_MS) {
                                xerr_set(err, XERR_DATA,
                                         "Time values must use number of "
                                         "milliseconds greater than 0 and "
                                         "less than 86400000");
                                return -1;
                        }
                        *ms = v->u.i;
                        return 0;
                } else if (kind == T_TIMESTAMP &&
                           v->type == CONNECTD_VAL_INT64) {
                        *ms = v->u.i;
                        return 0;
                }
                xerr_set(err, XERR_DATA,
                         "Expected %s to be a java.util.Date, but found class "
                         "%s",
                         kind == T_DATE ? "Date"
                         : kind == T_TIME ? "Time"
                                          : "Timestamp",
                         cls);
                return -1;
        }
}

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;

        if ((a % b != 0) && ((a < 0) != (b < 0)))
                q--;
        return q;
}

/* The epoch ms as the target type. `schemaless`: dates become date
 * objects instead of logical values. NULL with err set on failure. */
static connectd_value_t *to_type(const tsc_t *s, arena_t *a, int64_t ms,
                                 int schemaless, xerr_t *err)
{
        connectd_value_t *out = NULL;

        switch (s->type) {
        case T_STRING: {
                char *text = javadate_format(s->fmt, ms);

                if (text)
                        out = val_string(a, text, strlen(text));
                free(text);
                break;
        }
        case T_UNIX: {
                int64_t u;

                switch (s->precision) {
                case P_SECONDS:
                        u = ms / 1000;
                        break;
                case P_MICROS:
                        u = sat_mul(ms, 1000);
                        break;
                case P_NANOS:
                        u = sat_mul(ms, 1000000);
                        break;
                default:
                        u = ms;
                }
                out = val_int(a, CONNECTD_VAL_INT64, u);
                break;
        }
        case T_DATE: {
                int64_t days = floor_div(ms, DAY_MS);

                out = schemaless
                              ? xf_date_value(a, LOGICAL_DATE,
                                              (int64_t)((uint64_t)days *
                                                        (uint64_t)DAY_MS))
                              : val_int(a, CONNECTD_VAL_INT32,
                                        (int32_t)(uint32_t)(uint64_t)days);
                break;
        }
        case T_TIME: {
                int64_t tod = (ms % DAY_MS + DAY_MS) % DAY_MS;

                out = schemaless ? xf_date_value(a, LOGICAL_TIME, tod)
                                 : val_int(a, CONNECTD_VAL_INT32, tod);
                break;
        }
        default:
                out = schemaless ? xf_date_value(a, LOGICAL_TIMESTAMP, ms)
                                 : val_int(a, CONNECTD_VAL_INT64, ms);
        }
        if (!out)
                xerr_set(err, "java.lang.OutOfMemoryError", "Out of memory");
        return out;
}

/* convertTimestamp(value, kind): kind -1 infers it (schemaless). A null
 * stays null (*out NULL). 0 or -1. */
static int convert(const tsc_t *s, arena_t *a, const connectd_value_t *v,
                   int kind, connectd_value_t **out, xerr_t *err)
{
        int schemaless = kind < 0;
        int64_t ms;

        *out = NULL;
        if (value_is_null(v))
                return 0;
        if (schemaless) {
                if (xf_date_ms(v, &ms))
                        kind = T_TIMESTAMP;
                else if (v->type == CONNECTD_VAL_INT64)
                        kind = T_UNIX;
                else if (v->type == CONNECTD_VAL_STRING)
                        kind = T_STRING;
                else {
                        xerr_set(err, XERR_DATA,
                                 "TimestampConverter does not support class "
                                 "%s objects as timestamps",
                                 value_java_class(v, NULL));
                        return -1;
                }
        }
        if (to_raw(s, v, kind, schemaless, &ms, err))
                return -1;
        return (*out = to_type(s, a, ms, schemaless, err)) ? 0 : -1;
}

/* applyValueWithSchema: `st` (non-null) rebuilt against `schema`. */
static connectd_value_t *convert_struct(const tsc_t *s, arena_t *a,
                                        const connectd_value_t *st,
                                        const connect_schema_t *schema,
                                        xerr_t *err)
{
        const connect_schema_t *old = st->schema;
        connectd_value_t *nv = val_struct(a, schema);

        if (!nv)
                goto oom;
        for (size_t i = 0; i < old->nfields; i++) {
                const schema_field_t *f = &old->fields[i];
                const schema_field_t *nf = schema_field(schema, f->name);
                connectd_value_t *fv = val_get(st, f->name, NULL);

                if (value_is_null(fv))
                        fv = NULL;
                if (!fv && s->replace_null_with_default &&
                    f->schema->default_value)
                        fv = (connectd_value_t *)f->schema->default_value;
                if (!strcmp(f->name, s->field)) {
                        int kind = type_from_schema(f->schema, err);

                        if (kind < 0 || convert(s, a, fv, kind, &fv, err))
                                return NULL;
                }
                if (!fv && nf && !nf->schema->optional) {
                        xerr_set(err, XERR_DATA,
                                 "Invalid value: null used for required "
                                 "field: \"%s\", schema type: %s",
                                 f->name, schema_type_name(nf->schema->type));
                        return NULL;
                }
                if (val_put(a, nv, f->name, fv))
                        goto oom;
        }
        return nv;
oom:
        xerr_set(err, "java.lang.OutOfMemoryError", "Out of memory");
        return NULL;
}

static int with_schema(const tsc_t *s, xrecord_t *r,
                       const connect_schema_t *schema, connectd_value_t *v,
                       xerr_t *err)
{
        connect_schema_t *ns;
        connectd_value_t *nv = NULL;

        if (!*s->field) {
                int kind = type_from_schema(schema, err);

                if (kind < 0 || convert(s, r->arena, v, kind, &nv, err))
                        return -1;
                xf_set(r, s->is_key, type_schema(s->type, schema->optional),
                       nv);
                return XFORM_KEEP;
        }
        if (v && !xf_is_struct(v)) {
                xf_require_struct(v, PURPOSE, err);
                return -1;
        }
        if (schema->type != CONNECTD_VAL_STRUCT) {
                xerr_set(err, XERR_DATA,
                         "Cannot list fields on non-struct type");
                return -1;
        }
        /* copySchemaBasics + the converted field's new schema */
        if (!(ns = schema_new(r->arena, CONNECTD_VAL_STRUCT)))
                goto oom;
        ns->name = schema->name;
        ns->has_version = schema->has_version;
        ns->version = schema->version;
        ns->doc = schema->doc;
        ns->params = schema->params;
        ns->nparams = schema->nparams;
        ns->optional = schema->optional;
        for (size_t i = 0; i < schema->nfields; i++) {
                const schema_field_t *f = &schema->fields[i];
                const connect_schema_t *fs = f->schema;
                int rc;

                if (!strcmp(f->name, s->field))
                        fs = type_schema(s->type, fs->optional);
                rc = schema_add_field(r->arena, ns, f->name, fs);
                if (rc == -2) {
                        xerr_set(err, XERR_SCHEMA_BUILDER,
                                 "Cannot create field because of field name "
                                 "duplication %s",
                                 f->name);
                        return -1;
                }
                if (rc)
                        goto oom;
        }
        if (schema->default_value && !value_is_null(schema->default_value) &&
            xf_is_struct(schema->default_value)) {
                connectd_value_t *d = convert_struct(
                        s, r->arena, schema->default_value, ns, err);

                if (!d)
                        return -1;
                ns->default_value = d;
        }
        if (v && !(nv = convert_struct(s, r->arena, v, ns, err)))
                return -1;
        xf_set(r, s->is_key, ns, nv);
        return XFORM_KEEP;
oom:
        xerr_set(err, "java.lang.OutOfMemoryError", "Out of memory");
        return -1;
}

static int schemaless(const tsc_t *s, xrecord_t *r, connectd_value_t *v,
                      xerr_t *err)
{
        connectd_value_t *nv, *fv;

        if (!v || !*s->field) {
                if (convert(s, r->arena, v, -1, &nv, err))
                        return -1;
                xf_set(r, s->is_key, NULL, nv);
                return XFORM_KEEP;
        }
        if (xf_require_map(v, PURPOSE, err))
                return -1;
        if (v->type == CONNECTD_VAL_MAP) {
                /* a MAP value without a schema: entries keyed by strings */
                xerr_set(err, XERR_DATA,
                         "Only Map objects supported in absence of schema for "
                         "[%s], found: %s",
                         PURPOSE, value_java_class(v, NULL));
                return -1;
        }
        if (convert(s, r->arena, val_get(v, s->field, NULL), -1, &fv, err))
                return -1;
        if (!(nv = val_shallow_copy(r->arena, v)) ||
            val_put(r->arena, nv, s->field, fv)) {
                xerr_set(err, "java.lang.OutOfMemoryError", "Out of memory");
                return -1;
        }
        xf_set(r, s->is_key, NULL, nv);
        return XFORM_KEEP;
}

static int tsc_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const tsc_t *s = state;
        const connect_schema_t *schema;
        connectd_value_t *v;

        xf_get(r, s->is_key, &schema, &v);
        if (!schema)
                return schemaless(s, r, v, err);
        return with_schema(s, r, schema, v, err);
}

#define TSC_DOC                                                             \
        "Convert timestamps between different formats such as Unix epoch, " \
        "strings, and Connect Date/Timestamp types.Applies to individual "  \
        "fields or to the entire value.<p/>Use the concrete transformation " \
        "type designed for the record key (<code>"                          \
        "org.apache.kafka.connect.transforms.TimestampConverter$Key"        \
        "</code>) or value (<code>"                                         \
        "org.apache.kafka.connect.transforms.TimestampConverter$Value"      \
        "</code>)."

const xform_class_t xf_timestamp_converter_key = {
        .name = "org.apache.kafka.connect.transforms.TimestampConverter$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = TSC_DOC,
        .defs = tsc_defs,
        .configure = configure_key,
        .apply = tsc_apply,
        .close = tsc_close,
};

const xform_class_t xf_timestamp_converter_value = {
        .name = "org.apache.kafka.connect.transforms.TimestampConverter$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = TSC_DOC,
        .defs = tsc_defs,
        .configure = configure_value,
        .apply = tsc_apply,
        .close = tsc_close,
};
