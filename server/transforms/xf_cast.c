/*
 * xf_cast — Cast$Key / Cast$Value: casts fields of a map or struct, or
 * the whole key/value, to a primitive type (Java's Cast transformation).
 *
 * DESIGN
 * The spec is parsed once at configure() into (field, type) pairs, or one
 * whole-value type. apply() builds the new value (and, with a schema, the
 * new schema) in the record's arena; nothing incoming is modified.
 * Conversions follow Java's Number/Boolean/String semantics exactly and
 * never rely on C's undefined conversions: floating values are saturated
 * (NaN -> 0) before they become integers, integers wrap by width, doubles
 * outside float's range become infinities by rounding, not by casting.
 * Float.toString and Double.toString come from javafmt.
 *
 * Threads: state is per task instance and read-only after configure().
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "javafmt.h"
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#define PURPOSE "cast types"
#define IN_TYPES "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, " \
                 "STRING, BYTES]"
#define OUT_TYPES "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, " \
                  "STRING]"

typedef struct cast_spec {
        char *field;
        connectd_value_type_t type;
} cast_spec_t;

typedef struct cast {
        int is_key;
        int rnwd;
        int whole;                      /* whole-value cast */
        connectd_value_type_t whole_type;
        cast_spec_t *casts;             /* field casts, later wins */
        size_t ncasts;
} cast_t;

/* ---- the spec -------------------------------------------------------- */

static const struct {
        const char *name;
        connectd_value_type_t type;
        int out;
} type_names[] = {
        { "INT8", CONNECTD_VAL_INT8, 1 },
        { "INT16", CONNECTD_VAL_INT16, 1 },
        { "INT32", CONNECTD_VAL_INT32, 1 },
        { "INT64", CONNECTD_VAL_INT64, 1 },
        { "FLOAT32", CONNECTD_VAL_FLOAT32, 1 },
        { "FLOAT64", CONNECTD_VAL_FLOAT64, 1 },
        { "BOOLEAN", CONNECTD_VAL_BOOLEAN, 1 },
        { "STRING", CONNECTD_VAL_STRING, 1 },
        { "BYTES", CONNECTD_VAL_BYTES, 0 },
        { "ARRAY", CONNECTD_VAL_ARRAY, 0 },
        { "MAP", CONNECTD_VAL_MAP, 0 },
        { "STRUCT", CONNECTD_VAL_STRUCT, 0 },
};

/* Schema.Type.valueOf(s.trim().toUpperCase()): index or -1. */
static int type_index(const char *s, char *upper, size_t upsz)
{
        size_t len, i;
        const char *t = java_trim(s, &len);

        if (len >= upsz)
                len = upsz - 1;
        for (i = 0; i < len; i++)
                upper[i] = (t[i] >= 'a' && t[i] <= 'z') ? (char)(t[i] - 32)
                                                        : t[i];
        upper[len] = '\0';
        for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
                if (strcmp(upper, type_names[i].name) == 0)
                        return (int)i;
        return -1;
}

/* parseFieldTypes: fills c (may be NULL: only check). 0, or -1 with err
 * set to the exception Java throws (class and message). */
static int parse_spec(char *const *items, size_t n, cast_t *c, xerr_t *err)
{
        int whole = 0, rc = -1;
        size_t i;

        for (i = 0; i < n; i++) {
                char **parts = NULL, up[512];
                size_t np = 0;
                int ti;

                if (xf_split_colon(items[i], &parts, &np) < 0)
                        return xf_oom(err);
                if (np > 2) {
                        char *l = xf_list_text(items, n);

                        xerr_set(err, XERR_CONFIG,
                                 "Invalid value %s for configuration renames: "
                                 "Invalid rename mapping: %s",
                                 l ? l : "", items[i]);
                        free(l);
                        goto part_fail;
                }
                if (np <= 1) {
                        ti = type_index(np ? parts[0] : "", up, sizeof(up));
                        if (ti < 0) {
                                xerr_set(err, XERR_IAE,
                                         "No enum constant org.apache.kafka."
                                         "connect.data.Schema.Type.%s",
                                         up);
                                goto part_fail;
                        }
                        whole = 1;
                } else {
                        ti = type_index(parts[1], up, sizeof(up));
                        if (ti < 0) {
                                size_t tl;
                                const char *t = java_trim(parts[1], &tl);

                                xerr_set(err, XERR_CONFIG,
                                         "Invalid type found in casting spec: "
                                         "%.*s",
                                         (int)tl, t);
                                goto part_fail;
                        }
                }
                if (!type_names[ti].out) {
                        xerr_set(err, XERR_CONFIG,
                                 "Cast transformation does not support "
                                 "casting to %s; supported types are " OUT_TYPES,
                                 type_names[ti].name);
                        goto part_fail;
                }
                if (c && np <= 1) {
                        c->whole = 1;
                        c->whole_type = type_names[ti].type;
                } else if (c) {
                        size_t fl;
                        const char *f = java_trim(parts[0], &fl);
                        cast_spec_t *g = realloc(c->casts, (c->ncasts + 1) *
                                                                   sizeof(*g));

                        if (!g) {
                                xf_oom(err);
                                goto part_fail;
                        }
                        c->casts = g;
                        if (!(g[c->ncasts].field = strndup(f, fl))) {
                                xf_oom(err);
                                goto part_fail;
                        }
                        g[c->ncasts++].type = type_names[ti].type;
                }
                xf_list_free(parts, np);
                continue;
part_fail:
                xf_list_free(parts, np);
                return -1;
        }
        if (whole && n > 1) {
                /* Java 3.9 has the typo "may ony"; the text here is the
                 * contract's (spec 2.1), which corrects it. */
                xerr_set(err, XERR_CONFIG,
                         "Cast transformations that specify a type to cast "
                         "the entire value to may only specify a single cast "
                         "in their spec");
                goto out;
        }
        rc = 0;
out:
        return rc;
}

static int valid_spec(const char *name, const char *value, char *errstr,
                      size_t errstr_size)
{
        char **items = NULL;
        size_t n = 0;
        xerr_t err;
        int rc = 0;

        /* Every exception parseFieldTypes throws carries its whole text
         * (`new ConfigException(message)`, or the renames error built
         * with its own key name), so the message is passed as is. */
        (void)name;
        if (value && xf_list(value, &items, &n) < 0) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (!n) {
                snprintf(errstr, errstr_size,
                         "Must specify at least one field to cast.");
                rc = CONNECTD_VALIDATOR_MESSAGE;
        } else if (parse_spec(items, n, NULL, &err) < 0) {
                snprintf(errstr, errstr_size, "%s", err.msg);
                rc = CONNECTD_VALIDATOR_MESSAGE;
        }
        xf_list_free(items, n);
        return rc;
}

/* ---- Java numbers ---------------------------------------------------- */

/* (int) d and (long) d in Java: truncation, saturation, NaN -> 0. */
static int32_t d2i(double d)
{
        if (isnan(d))
                return 0;
        if (d >= 2147483647.0)
                return INT32_MAX;
        if (d <= -2147483648.0)
                return INT32_MIN;
        return (int32_t)d;
}

static int64_t d2l(double d)
{
        if (isnan(d))
                return 0;
        if (d >= 9223372036854775807.0) /* 2^63 */
                return INT64_MAX;
        if (d <= -9223372036854775808.0)
                return INT64_MIN;
        return (int64_t)d;
}

/* Integer narrowing (byteValue, shortValue, intValue of a long). */
static int64_t wrap(int64_t i, connectd_value_type_t t)
{
        uint64_t u = (uint64_t)i;

        switch (t) {
        case CONNECTD_VAL_INT8: return (int8_t)(uint8_t)u;
        case CONNECTD_VAL_INT16: return (int16_t)(uint16_t)u;
        case CONNECTD_VAL_INT32: return (int32_t)(uint32_t)u;
        default: return i;
        }
}


/* ---- dates as text (Values.dateFormatFor, in UTC) -------------------- */

/* The Gregorian date of an epoch day (only days after 1970 get here:
 * Java formats every earlier instant as a time of day). */
static void civil(int64_t day, int64_t *y, int *m, int *d)
{
        int64_t z = day + 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;

        *d = (int)(doy - (153 * mp + 2) / 5 + 1);
        *m = (int)(mp < 10 ? mp + 3 : mp - 9);
        *y = yoe + era * 400 + (*m <= 2);
}

static char *date_text(arena_t *a, int64_t ms, size_t *len)
{
        const int64_t DAY = 86400000;
        int64_t day = ms / DAY, rem = ms % DAY, y;
        int m, d;
        char buf[96], ybuf[32];
        int n;

        if (rem < 0) {
                rem += DAY;
                day--;
        }
        civil(day, &y, &m, &d);
        snprintf(ybuf, sizeof(ybuf), "%04" PRId64, y);
        if (ms < DAY)
                n = snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03dZ",
                             (int)(rem / 3600000), (int)(rem / 60000 % 60),
                             (int)(rem / 1000 % 60), (int)(rem % 1000));
        else if (ms % DAY == 0)
                n = snprintf(buf, sizeof(buf), "%s-%02d-%02d", ybuf, m, d);
        else
                n = snprintf(buf, sizeof(buf),
                             "%s-%02d-%02dT%02d:%02d:%02d.%03dZ", ybuf, m, d,
                             (int)(rem / 3600000), (int)(rem / 60000 % 60),
                             (int)(rem / 1000 % 60), (int)(rem % 1000));
        *len = (size_t)n;
        return arena_strndup(a, buf, (size_t)n);
}

/* ---- castValueToType ------------------------------------------------- */

static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static connectd_value_t *base64(arena_t *a, const unsigned char *p,
                                size_t len)
{
        size_t n = (len + 2) / 3 * 4, i, o = 0;
        char *s = arena_alloc(a, n + 1);
        connectd_value_t *v;

        if (!s)
                return NULL;
        for (i = 0; i + 2 < len; i += 3) {
                uint32_t w = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
                             p[i + 2];

                s[o++] = b64[w >> 18];
                s[o++] = b64[(w >> 12) & 63];
                s[o++] = b64[(w >> 6) & 63];
                s[o++] = b64[w & 63];
        }
        if (i < len) {
                uint32_t w = (uint32_t)p[i] << 16 |
                             (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);

                s[o++] = b64[w >> 18];
                s[o++] = b64[(w >> 12) & 63];
                s[o++] = i + 1 < len ? b64[(w >> 6) & 63] : '=';
                s[o++] = '=';
        }
        s[o] = '\0';
        if (!(v = val_string(a, "", 0)))
                return NULL;
        v->u.s.ptr = s;
        v->u.s.len = o;
        return v;
}

static int out_of_range(const connectd_value_t *v, xerr_t *err)
{
        xerr_set(err, XERR_DATA,
                 "Value (%.*s) was out of range for requested data type",
                 (int)v->u.s.len, v->u.s.ptr);
        return -1;
}

/* The text of a STRING value for the Java parsers, NUL-terminated in the
 * arena (a value's bytes need not be); NULL when it holds a NUL byte
 * (never a number) or out of memory. */
static const char *cstr(arena_t *a, const connectd_value_t *v)
{
        if (memchr(v->u.s.ptr, 0, v->u.s.len))
                return NULL;
        return arena_strndup(a, v->u.s.ptr, v->u.s.len);
}

static int is_int_type(connectd_value_type_t t)
{
        return t == CONNECTD_VAL_INT8 || t == CONNECTD_VAL_INT16 ||
               t == CONNECTD_VAL_INT32 || t == CONNECTD_VAL_INT64;
}

/* Casts v (under `schema`, NULL when schemaless) to `target`. *out NULL
 * for a null v. 0, or -1 with err set. */
static int cast_value(arena_t *a, const connect_schema_t *schema,
                      const connectd_value_t *v,
                      connectd_value_type_t target, connectd_value_t **out,
                      xerr_t *err)
{
        connectd_value_type_t in;
        int is_dec = 0, is_date = 0, rc = -1;
        xf_bigdec_t dec = { 0 };
        connectd_value_t *r = NULL;

        *out = NULL;
        if (value_is_null(v))
                return 0;
        if (!schema && value_is_date_object(v)) {
                /* ConnectSchema.schemaType(java.util.Date.class) is null */
                xerr_set(err, XERR_DATA,
                         "Cast transformation was passed a value of type "
                         "class java.util.Date which is not supported by "
                         "Connect's data API");
                return -1;
        }
        in = schema ? schema->type
                    : v->type == CONNECTD_VAL_STRUCT && !v->schema
                            ? CONNECTD_VAL_MAP
                            : v->type;
        switch (in) {
        case CONNECTD_VAL_ARRAY:
        case CONNECTD_VAL_MAP:
        case CONNECTD_VAL_STRUCT:
        case CONNECTD_VAL_NULL:
                xerr_set(err, XERR_DATA,
                         "Cast transformation does not support casting from "
                         "%s; supported types are " IN_TYPES,
                         schema_type_name(in));
                return -1;
        default:
                break;
        }
        if (schema && v->type == CONNECTD_VAL_BYTES &&
            schema_is_logical(schema, LOGICAL_DECIMAL)) {
                is_dec = 1;
                if (xf_bigdec_from_bytes((const unsigned char *)v->u.s.ptr,
                                         v->u.s.len, xf_decimal_scale(schema),
                                         &dec) < 0)
                        return xf_oom(err);
        }
        is_date = schema && is_int_type(v->type) &&
                  (schema_is_logical(schema, LOGICAL_DATE) ||
                   schema_is_logical(schema, LOGICAL_TIME) ||
                   schema_is_logical(schema, LOGICAL_TIMESTAMP));

        if (v->type == CONNECTD_VAL_BYTES && !is_dec &&
            target != CONNECTD_VAL_STRING) {
                xerr_set(err, XERR_DATA,
                         "Unexpected type in Cast transformation: class [B");
                goto out;
        }
        switch (target) {
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64: {
                int64_t i;

                if (is_dec) {
                        i = xf_bigdec_long(&dec);
                } else if (is_int_type(v->type)) {
                        i = v->u.i;
                } else if (v->type == CONNECTD_VAL_FLOAT32 ||
                           v->type == CONNECTD_VAL_FLOAT64) {
                        i = target == CONNECTD_VAL_INT64 ? d2l(v->u.d)
                                                         : d2i(v->u.d);
                } else if (v->type == CONNECTD_VAL_BOOLEAN) {
                        i = v->u.i != 0;
                } else {
                        /* Byte/Short/Integer/Long.parseX */
                        static const long long lo[] = { INT8_MIN, INT16_MIN,
                                                        INT32_MIN, INT64_MIN };
                        static const long long hi[] = { INT8_MAX, INT16_MAX,
                                                        INT32_MAX, INT64_MAX };
                        int k = target == CONNECTD_VAL_INT8    ? 0
                                : target == CONNECTD_VAL_INT16 ? 1
                                : target == CONNECTD_VAL_INT32 ? 2
                                                               : 3;
                        const char *s = cstr(a, v);
                        long long ll;

                        if (!s || java_parse_long(s, lo[k], hi[k], &ll) < 0) {
                                out_of_range(v, err);
                                goto out;
                        }
                        i = ll;
                }
                r = val_int(a, target, wrap(i, target));
                break;
        }
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64: {
                int f32 = target == CONNECTD_VAL_FLOAT32;
                double d;

                if (is_dec) {
                        d = f32 ? (double)xf_bigdec_float(&dec)
                                : xf_bigdec_double(&dec);
                } else if (is_int_type(v->type)) {
                        d = f32 ? (double)(float)v->u.i : (double)v->u.i;
                } else if (v->type == CONNECTD_VAL_FLOAT32 ||
                           v->type == CONNECTD_VAL_FLOAT64) {
                        d = f32 ? (double)xf_d2f(v->u.d) : v->u.d;
                } else if (v->type == CONNECTD_VAL_BOOLEAN) {
                        d = v->u.i != 0;
                } else {
                        /* Float.parseFloat / Double.parseDouble (they trim) */
                        const char *s = cstr(a, v);
                        char *t = s ? java_trim_dup(s) : NULL;

                        if (s && !t) {
                                xf_oom(err);
                                goto out;
                        }
                        if (!t || java_parse_double(t, &d) < 0) {
                                free(t);
                                out_of_range(v, err);
                                goto out;
                        }
                        if (f32) /* straight to float: no double rounding */
                                d = (double)strtof(t, NULL);
                        free(t);
                }
                r = val_float(a, target, d);
                break;
        }
        case CONNECTD_VAL_BOOLEAN: {
                int b;

                if (is_dec)
                        b = xf_bigdec_long(&dec) != 0;
                else if (is_int_type(v->type) ||
                         v->type == CONNECTD_VAL_BOOLEAN)
                        b = v->u.i != 0;
                else if (v->type == CONNECTD_VAL_FLOAT32 ||
                         v->type == CONNECTD_VAL_FLOAT64)
                        b = d2l(v->u.d) != 0;
                else /* Boolean.parseBoolean */
                        b = v->u.s.len == 4 &&
                            strncasecmp(v->u.s.ptr, "true", 4) == 0;
                r = val_bool(a, b);
                break;
        }
        case CONNECTD_VAL_STRING: {
                char buf[64];
                size_t len;

                if (is_dec) {
                        char *s = xf_bigdec_str(&dec);

                        if (!s) {
                                xf_oom(err);
                                goto out;
                        }
                        r = val_string(a, s, strlen(s));
                        free(s);
                } else if (is_date) {
                        int64_t ms = v->u.i;
                        char *s;

                        if (schema_is_logical(schema, LOGICAL_DATE))
                                ms = (int64_t)(int32_t)v->u.i * 86400000;
                        if (!(s = date_text(a, ms, &len))) {
                                xf_oom(err);
                                goto out;
                        }
                        r = val_string(a, s, len);
                } else if (is_int_type(v->type)) {
                        len = (size_t)snprintf(buf, sizeof(buf), "%" PRId64,
                                               v->u.i);
                        r = val_string(a, buf, len);
                } else if (v->type == CONNECTD_VAL_FLOAT32) {
                        len = java_float_str((float)v->u.d, buf, sizeof(buf));
                        r = val_string(a, buf, len);
                } else if (v->type == CONNECTD_VAL_FLOAT64) {
                        len = java_double_str(v->u.d, buf, sizeof(buf));
                        r = val_string(a, buf, len);
                } else if (v->type == CONNECTD_VAL_BOOLEAN) {
                        r = val_string(a, v->u.i ? "true" : "false",
                                       v->u.i ? 4 : 5);
                } else if (v->type == CONNECTD_VAL_BYTES) {
                        r = base64(a, (const unsigned char *)v->u.s.ptr,
                                   v->u.s.len);
                } else {
                        r = (connectd_value_t *)v; /* a String stays */
                }
                break;
        }
        default:
                xerr_set(err, XERR_DATA,
                         "%s is not supported in the Cast transformation.",
                         schema_type_name(target));
                goto out;
        }
        if (!r) {
                xf_oom(err);
                goto out;
        }
        *out = r;
        rc = 0;
out:
        xf_bigdec_free(&dec);
        return rc;
}

/* ---- the transformation ---------------------------------------------- */

static const cast_spec_t *find_cast(const cast_t *c, const char *field)
{
        const cast_spec_t *hit = NULL;
        size_t i;

        for (i = 0; i < c->ncasts; i++)
                if (strcmp(c->casts[i].field, field) == 0)
                        hit = &c->casts[i];
        return hit;
}

static void cast_free(cast_t *c)
{
        size_t i;

        if (!c)
                return;
        for (i = 0; i < c->ncasts; i++)
                free(c->casts[i].field);
        free(c->casts);
        free(c);
}

static int configure(const json_t *props, void **state, xerr_t *err,
                     int is_key)
{
        cast_t *c = calloc(1, sizeof(*c));
        char **items = NULL;
        size_t n = 0;

        *state = NULL;
        if (!c)
                return xf_oom(err);
        c->is_key = is_key;
        if (xf_cfg_list(props, "spec", 1, &items, &n, NULL, err) < 0)
                goto fail;
        if (!n) {
                xerr_set(err, XERR_CONFIG,
                         "Must specify at least one field to cast.");
                goto fail;
        }
        if (parse_spec(items, n, c, err) < 0)
                goto fail;
        if (xf_cfg_bool(props, XF_RNWD_KEY, 1, &c->rnwd, err) < 0)
                goto fail;
        xf_list_free(items, n);
        *state = c;
        return 0;
fail:
        xf_list_free(items, n);
        cast_free(c);
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

/* getOrBuildSchema */
static int build_schema(const cast_t *c, arena_t *a,
                        const connect_schema_t *s,
                        const connect_schema_t **out, xerr_t *err)
{
        connect_schema_t *ns;
        size_t i;

        if (c->whole) {
                if (!(ns = xf_schema_basics(a, s, c->whole_type)))
                        return xf_oom(err);
        } else {
                if (!(ns = xf_schema_basics(a, s, CONNECTD_VAL_STRUCT)))
                        return xf_oom(err);
                for (i = 0; i < s->nfields; i++) {
                        const schema_field_t *f = &s->fields[i];
                        const cast_spec_t *cs = find_cast(c, f->name);
                        const connect_schema_t *fs = f->schema;

                        if (cs) {
                                connect_schema_t *t = schema_new(a, cs->type);
                                connectd_value_t *dv;

                                if (!t)
                                        return xf_oom(err);
                                t->optional = f->schema->optional;
                                if (!value_is_null(f->schema->default_value)) {
                                        if (cast_value(a, f->schema,
                                                       f->schema->default_value,
                                                       cs->type, &dv, err) < 0)
                                                return -1;
                                        t->default_value = dv;
                                }
                                fs = t;
                        }
                        if (schema_add_field(a, ns, f->name, fs) == -1)
                                return xf_oom(err);
                }
        }
        ns->optional = s->optional;
        if (!value_is_null(s->default_value)) {
                connectd_value_t *dv;

                if (cast_value(a, s, s->default_value, ns->type, &dv, err) < 0)
                        return -1;
                ns->default_value = dv;
        }
        *out = ns;
        return 0;
}

static int apply(void *state, xrecord_t *r, xerr_t *err)
{
        const cast_t *c = state;
        const connect_schema_t *schema, *ns = NULL;
        connectd_value_t *value, *nv;
        arena_t *a = r->arena;
        size_t i;

        xf_get(r, c->is_key, &schema, &value);
        if (!value)
                return XFORM_KEEP;
        if (!schema) {
                if (c->whole) {
                        if (cast_value(a, NULL, value, c->whole_type, &nv,
                                       err) < 0)
                                return -1;
                        xf_set(r, c->is_key, NULL, nv);
                        return XFORM_KEEP;
                }
                if (xf_require_map(value, PURPOSE, err) < 0)
                        return -1;
                if (!(nv = xf_map_copy(a, value)))
                        return xf_oom(err);
                for (i = 0; i < c->ncasts; i++) {
                        connectd_value_t *fv;

                        if (cast_value(a, NULL,
                                       val_get(value, c->casts[i].field, NULL),
                                       c->casts[i].type, &fv, err) < 0)
                                return -1;
                        if (xf_map_put(a, nv, c->casts[i].field, fv) < 0)
                                return xf_oom(err);
                }
                xf_set(r, c->is_key, NULL, nv);
                return XFORM_KEEP;
        }
        if (build_schema(c, a, schema, &ns, err) < 0)
                return -1;
        if (c->whole) {
                if (cast_value(a, schema, value, c->whole_type, &nv, err) < 0)
                        return -1;
                xf_set(r, c->is_key, ns, nv);
                return XFORM_KEEP;
        }
        if (xf_require_struct(value, PURPOSE, err) < 0)
                return -1;
        if (!(nv = val_struct(a, ns)))
                return xf_oom(err);
        for (i = 0; i < schema->nfields; i++) {
                const schema_field_t *f = &schema->fields[i];
                const cast_spec_t *cs = find_cast(c, f->name);
                connectd_value_t *fv = xf_field_get(value, f, c->rnwd);

                if (cs && cast_value(a, f->schema, fv, cs->type, &fv, err) < 0)
                        return -1;
                if (xf_field_put(a, nv, &ns->fields[i], fv, err) < 0)
                        return -1;
        }
        xf_set(r, c->is_key, ns, nv);
        return XFORM_KEEP;
}

static void close_cast(void *state)
{
        cast_free(state);
}

#define OVERVIEW(variant)                                                      \
        "Cast fields or the entire key or value to a specific type, e.g. to "  \
        "force an integer field to a smaller width. Cast from integers, "      \
        "floats, boolean and string to any other type, and cast binary to "    \
        "string (base64 encoded).<p/>Use the concrete transformation type "    \
        "designed for the record key (<code>"                                  \
        "org.apache.kafka.connect.transforms.Cast$Key</code>) or value "       \
        "(<code>org.apache.kafka.connect.transforms.Cast$Value</code>)."

static const connectd_config_def_t defs[] = {
        { .name = "spec", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation =
                  "List of fields and the type to cast them to of the form "
                  "field1:type,field2:type to cast fields of Maps or Structs. "
                  "A single type to cast the entire value. Valid types are "
                  "int8, int16, int32, int64, float32, float64, boolean, and "
                  "string. Note that binary fields can only be cast to "
                  "string.",
          .order = -1, .validator = valid_spec },
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true", .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = NULL }
};

const xform_class_t xf_cast_key = {
        .name = "org.apache.kafka.connect.transforms.Cast$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW(Key),
        .defs = defs,
        .configure = configure_key,
        .apply = apply,
        .close = close_cast,
};

const xform_class_t xf_cast_value = {
        .name = "org.apache.kafka.connect.transforms.Cast$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW(Value),
        .defs = defs,
        .configure = configure_value,
        .apply = apply,
        .close = close_cast,
};
