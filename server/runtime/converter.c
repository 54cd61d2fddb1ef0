/*
 * converter — Connect values <-> bytes, as Kafka Connect's converters do.
 *
 * DESIGN
 *  - One converter_t per task and role (key or value); used by that task's
 *    thread only, so it holds no lock and no per-call state.
 *  - from_connect (the produce path) writes straight into the caller's buf:
 *    no jansson, no malloc once the buf has grown. JSON text is written by
 *    hand with buf_json_string (Jackson's escaping) and Java's number forms
 *    (value_to_text renders doubles like Double.toString).
 *  - to_connect (the sink path) parses with jansson and builds values in
 *    the caller's arena.
 *
 * Schemas (the _schema entry points; the old two pass schema NULL):
 *  - JsonConverter decodes the envelope's schema exactly as Java's
 *    asConnectSchema does (every type, optional, name, version, doc,
 *    parameters, default; duplicate struct fields refused) into the arena
 *    and the payload into values of that exact type (int32 stays INT32,
 *    "float" is FLOAT32, Date/Time are INT32, Timestamp INT64, Decimal
 *    BYTES; a map with non-string keys is read from [[k, v], ...]). A null
 *    payload takes the schema's default (replace.null.with.default=true,
 *    the default) or must be optional. Encoding with a schema writes Java's
 *    asJsonSchema / convertToJson bytes: "type", "items" / "keys" "values" /
 *    "fields" (each field's schema then "field"), "optional", "name",
 *    "version", "doc", "parameters", "default"; Struct fields in schema
 *    order; maps in java.util.HashMap order; Decimal as Base64 bytes or,
 *    with decimal.format=NUMERIC, as BigDecimal.toString. schemas.cache.size
 *    is accepted and ignored. Jackson's laxness (a string read as 0 under
 *    an int schema) is not copied: a payload that does not fit its schema
 *    is an error. A Decimal read from a JSON number keeps every digit of
 *    the number's text, as Java's exact BigDecimal does (jansson keeps a
 *    real as a double only; see real_text_t), up to the bytes a written
 *    Decimal may take. A number beyond int64 or a double's range is
 *    refused (jansson cannot read it).
 *  - Schemaless JSON (schemas.enable=false, or "schema":null): an object
 *    is a STRUCT without schema (Java's HashMap), an array an ARRAY, an
 *    integer INT64, a fraction FLOAT64.
 *  - Encoding without a schema keeps the older inference: a value gets an
 *    all-optional schema (a Struct that carries its schema uses it; a
 *    plugin's struct becomes "struct" with its name); when the value holds
 *    an ARRAY or MAP that inference cannot describe, the envelope is
 *    Java's {"schema":null,"payload":...}.
 *  - StringConverter reads as an optional string, ByteArrayConverter as
 *    optional bytes; StringConverter writes value_to_text_schema (Java's
 *    toString); ByteArrayConverter refuses a non-BYTES schema.
 *
 * Null handling, matching Connect:
 *  - A NULL value pointer is Connect's (schema null, value null): every
 *    converter returns a Kafka null (JsonConverter.fromConnectData returns
 *    null when both schema and value are null).
 *  - A CONNECTD_VAL_NULL value without a schema counts as a null of an
 *    optional string: StringConverter and ByteArrayConverter give a Kafka
 *    null, JsonConverter writes `null` schemaless and
 *    {"schema":{"type":"string","optional":true},"payload":null} with
 *    schemas.
 */
#include "converter.h"
#include "javafmt.h"
#include "values.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CV_MAX_DEPTH 64

typedef enum {
        CV_STRING = 0,
        CV_JSON,
        CV_BYTEARRAY
} cv_kind_t;

struct converter {
        cv_kind_t kind;
        int is_key;
        int schemas_enable;  /* JSON only */
        int decimal_numeric; /* JSON: decimal.format=NUMERIC */
        int replace_null;    /* JSON: replace.null.with.default */
};

static const struct {
        const char *full;
        const char *simple;
        cv_kind_t kind;
} cv_classes[] = {
        { "org.apache.kafka.connect.storage.StringConverter",
          "StringConverter", CV_STRING },
        { "org.apache.kafka.connect.json.JsonConverter", "JsonConverter",
          CV_JSON },
        { "org.apache.kafka.connect.converters.ByteArrayConverter",
          "ByteArrayConverter", CV_BYTEARRAY },
};

#define CV_NCLASSES (sizeof(cv_classes) / sizeof(cv_classes[0]))

const char *const converter_classes[] = {
        "org.apache.kafka.connect.converters.ByteArrayConverter",
        "org.apache.kafka.connect.json.JsonConverter",
        "org.apache.kafka.connect.storage.StringConverter",
        NULL
};

static int name_is(const char *s, size_t n, const char *name)
{
        return strlen(name) == n && !memcmp(s, name, n);
}

/* The class name trimmed as ConfigDef trims a CLASS value. */
static int cv_lookup(const char *class_name)
{
        size_t i, n;
        const char *t;

        if (!class_name)
                return -1;
        t = java_trim(class_name, &n);
        for (i = 0; i < CV_NCLASSES; i++)
                if (name_is(t, n, cv_classes[i].full) ||
                    name_is(t, n, cv_classes[i].simple))
                        return (int)i;
        return -1;
}

int converter_header_known(const char *class_name)
{
        size_t n;
        const char *t;

        if (!class_name)
                return 0;
        t = java_trim(class_name, &n);
        return cv_lookup(class_name) >= 0 ||
               name_is(t, n,
                       "org.apache.kafka.connect.storage.SimpleHeaderConverter") ||
               name_is(t, n, "SimpleHeaderConverter");
}

int converter_known(const char *class_name)
{
        return cv_lookup(class_name) >= 0;
}

/* A setting's value as text: strings as is, JSON booleans/numbers as their
 * text (so {"schemas.enable":false} works too). NULL when absent. */
static const char *prop_text(const json_t *props, const char *key,
                             char *tmp, size_t tmpsize)
{
        json_t *v;

        if (!props || !json_is_object(props))
                return NULL;
        v = json_object_get(props, key);
        if (!v || json_is_null(v))
                return NULL;
        if (json_is_string(v))
                return json_string_value(v);
        if (json_is_true(v))
                return "true";
        if (json_is_false(v))
                return "false";
        if (json_is_integer(v)) {
                snprintf(tmp, tmpsize, "%" JSON_INTEGER_FORMAT,
                         json_integer_value(v));
                return tmp;
        }
        if (json_is_real(v)) {
                java_double_str(json_real_value(v), tmp, tmpsize);
                return tmp;
        }
        return "";
}

static int trimmed_equals(const char *s, const char *word)
{
        size_t n = strlen(word);

        while (*s == ' ' || *s == '\t')
                s++;
        if (strncasecmp(s, word, n) != 0)
                return 0;
        s += n;
        while (*s == ' ' || *s == '\t')
                s++;
        return *s == '\0';
}

converter_t *converter_new(const char *class_name, const json_t *props,
                           int is_key, char *errstr, size_t errstr_size)
{
        converter_t *cv = NULL;
        const char *val;
        char tmp[32];
        int idx = cv_lookup(class_name);

        if (idx < 0) {
                snprintf(errstr, errstr_size, "Class %s could not be found.",
                         class_name ? class_name : "null");
                goto out;
        }
        cv = calloc(1, sizeof(*cv));
        if (!cv) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        cv->kind = cv_classes[idx].kind;
        cv->is_key = is_key ? 1 : 0;
        cv->schemas_enable = 1;
        cv->replace_null = 1;

        if (cv->kind == CV_JSON) {
                long long cache;
                size_t tn;
                const char *t;

                /* schemas.cache.size: an INT, read and ignored (nothing is
                 * cached) */
                val = prop_text(props, "schemas.cache.size", tmp, sizeof(tmp));
                if (val) {
                        char *trimmed = java_trim_dup(val);
                        int bad = !trimmed ||
                                  java_parse_long(trimmed, INT32_MIN,
                                                  INT32_MAX, &cache);

                        free(trimmed);
                        if (bad) {
                                snprintf(errstr, errstr_size,
                                         "Invalid value %s for configuration "
                                         "schemas.cache.size: Not a number "
                                         "of type INT", val);
                                goto fail;
                        }
                }
                val = prop_text(props, "decimal.format", tmp, sizeof(tmp));
                if (val) {
                        t = java_trim(val, &tn);
                        if (tn == 6 && !strncasecmp(t, "BASE64", 6)) {
                                cv->decimal_numeric = 0;
                        } else if (tn == 7 && !strncasecmp(t, "NUMERIC", 7)) {
                                cv->decimal_numeric = 1;
                        } else {
                                snprintf(errstr, errstr_size,
                                         "Invalid value %s for configuration "
                                         "decimal.format: String must be one "
                                         "of (case insensitive): BASE64, "
                                         "NUMERIC", val);
                                goto fail;
                        }
                }
                val = prop_text(props, "replace.null.with.default", tmp,
                                sizeof(tmp));
                if (val) {
                        int b = java_parse_boolean(val);

                        if (b < 0) {
                                snprintf(errstr, errstr_size,
                                         "Invalid value %s for configuration "
                                         "replace.null.with.default: Expected "
                                         "value to be either true or false",
                                         val);
                                goto fail;
                        }
                        cv->replace_null = b;
                }
                val = prop_text(props, "schemas.enable", tmp, sizeof(tmp));
                if (val) {
                        int b = java_parse_boolean(val);

                        if (b >= 0) {
                                cv->schemas_enable = b;
                        } else {
                                snprintf(errstr, errstr_size,
                                         "Invalid value %s for configuration "
                                         "schemas.enable: Expected value to "
                                         "be either true or false",
                                         val);
                                goto fail;
                        }
                }
        } else if (cv->kind == CV_STRING) {
                /* converter.encoding, and the role-specific forms Connect
                 * also reads; we only speak UTF-8. */
                static const char *const keys[] = {
                        "converter.encoding", "serializer.encoding",
                        "deserializer.encoding", NULL
                };
                size_t i;

                for (i = 0; keys[i]; i++) {
                        val = prop_text(props, keys[i], tmp, sizeof(tmp));
                        if (val && !trimmed_equals(val, "UTF-8") &&
                            !trimmed_equals(val, "UTF8")) {
                                snprintf(errstr, errstr_size,
                                         "Invalid value %s for configuration "
                                         "%s: only UTF-8 is supported",
                                         val, keys[i]);
                                goto fail;
                        }
                }
        }
        return cv;
fail:
        free(cv);
        cv = NULL;
out:
        return cv;
}

void converter_destroy(converter_t *cv)
{
        free(cv);
}

/* ---- from_connect ----------------------------------------------------- */

/* ---- from_connect ----------------------------------------------------- */

/* An encoding in progress. Return codes of the writers: 0, -1 the buffer
 * ceiling, -2 nested too deep, -3 a DataException (msg in err). */
typedef struct {
        const converter_t *cv;
        buf_t *out;
        char *err;
        size_t errsz;
} enc_t;

#define E_CEIL (-1)
#define E_DEPTH (-2)
#define E_DATA (-3)

static int enc_fail(enc_t *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static int enc_fail(enc_t *e, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(e->err, e->errsz, fmt, ap);
        va_end(ap);
        return E_DATA;
}

static int put_base64_string(buf_t *out, const unsigned char *p, size_t n)
{
        if (buf_putc(out, '"') || values_base64(out, p, n))
                return -1;
        return buf_putc(out, '"');
}

/* Jackson's number forms: Float/Double.toString; NaN and infinities as
 * strings (QUOTE_NON_NUMERIC_NUMBERS). */
static int put_fp(buf_t *out, const connectd_value_t *v)
{
        char num[48];
        size_t n;

        if (v->type == CONNECTD_VAL_FLOAT32)
                n = java_float_str((float)v->u.d, num, sizeof(num));
        else
                n = java_double_str(v->u.d, num, sizeof(num));
        if (isnan(v->u.d) || isinf(v->u.d))
                return buf_json_string(out, num, n);
        return buf_append(out, num, n);
}

static int put_data(enc_t *e, const connect_schema_t *s,
                    const connectd_value_t *v, int depth);

/* JSON without a schema (JsonConverter.convertToJson(null, value)), for
 * schemaless data: a Struct that carries its schema is written with it;
 * a schemaless object in its member order; a MAP in HashMap order, as an
 * object when every key is a string, else as [key, value] pairs. */
static int put_json_value(enc_t *e, const connectd_value_t *v, int depth)
{
        buf_t *out = e->out;
        const value_field_t *f, **order;
        size_t i, n;
        int rc, object_mode;

        if (depth > CV_MAX_DEPTH)
                return E_DEPTH;
        if (value_is_null(v))
                return buf_append(out, "null", 4);
        /* ConnectSchema.schemaType(value.getClass()) is null for it */
        if (value_is_date_object(v))
                return enc_fail(e, "Java class class java.util.Date does not "
                                   "have corresponding schema type.");
        switch (v->type) {
        case CONNECTD_VAL_STRING:
                return buf_json_string(out, v->u.s.ptr, v->u.s.len);
        case CONNECTD_VAL_BYTES:
                return put_base64_string(out, (const unsigned char *)v->u.s.ptr,
                                         v->u.s.len);
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
                return buf_printf(out, "%lld", (long long)v->u.i);
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                return put_fp(out, v);
        case CONNECTD_VAL_BOOLEAN:
                return v->u.i ? buf_append(out, "true", 4)
                              : buf_append(out, "false", 5);
        case CONNECTD_VAL_STRUCT:
                if (v->schema)
                        return put_data(e, v->schema, v, depth);
                if (buf_putc(out, '{'))
                        return E_CEIL;
                for (f = v->u.st.head; f; f = f->next) {
                        if (f != v->u.st.head && buf_putc(out, ','))
                                return E_CEIL;
                        if (buf_json_string(out, f->name, f->name_len) ||
                            buf_putc(out, ':'))
                                return E_CEIL;
                        if ((rc = put_json_value(e, f->value, depth + 1)))
                                return rc;
                }
                return buf_putc(out, '}');
        case CONNECTD_VAL_ARRAY:
                if (buf_putc(out, '['))
                        return E_CEIL;
                for (f = v->u.st.head; f; f = f->next) {
                        if (f != v->u.st.head && buf_putc(out, ','))
                                return E_CEIL;
                        if ((rc = put_json_value(e, f->value, depth + 1)))
                                return rc;
                }
                return buf_putc(out, ']');
        case CONNECTD_VAL_MAP:
                object_mode = 1;
                for (f = v->u.st.head; f; f = f->next)
                        if (!f->name)
                                object_mode = 0;
                if (!(order = values_hashmap_order(v, &n)))
                        return E_CEIL;
                rc = buf_putc(out, object_mode ? '{' : '[');
                for (i = 0; i < n && !rc; i++) {
                        f = order[i];
                        if (i && buf_putc(out, ',')) {
                                rc = E_CEIL;
                                break;
                        }
                        if (object_mode)
                                rc = buf_json_string(out, f->name,
                                                     f->name_len) ||
                                     buf_putc(out, ':')
                                             ? E_CEIL
                                             : put_json_value(e, f->value,
                                                              depth + 1);
                        else if (buf_putc(out, '['))
                                rc = E_CEIL;
                        else if (!(rc = put_json_value(e, f->key,
                                                       depth + 1)) &&
                                 !(rc = buf_putc(out, ',') ? E_CEIL : 0) &&
                                 !(rc = put_json_value(e, f->value,
                                                       depth + 1)))
                                rc = buf_putc(out, ']') ? E_CEIL : 0;
                }
                free(order);
                if (rc)
                        return rc;
                return buf_putc(out, object_mode ? '}' : ']');
        default:
                return buf_append(out, "null", 4);
        }
}

static const char *json_type_name(connectd_value_type_t t)
{
        switch (t) {
        case CONNECTD_VAL_INT8: return "int8";
        case CONNECTD_VAL_INT16: return "int16";
        case CONNECTD_VAL_INT32: return "int32";
        case CONNECTD_VAL_INT64: return "int64";
        case CONNECTD_VAL_FLOAT32: return "float";
        case CONNECTD_VAL_FLOAT64: return "double";
        case CONNECTD_VAL_BOOLEAN: return "boolean";
        case CONNECTD_VAL_BYTES: return "bytes";
        case CONNECTD_VAL_ARRAY: return "array";
        case CONNECTD_VAL_MAP: return "map";
        case CONNECTD_VAL_STRUCT: return "struct";
        default: return "string";
        }
}

/* JsonConverter.asJsonSchema(s): "type", then "items" / "keys","values" /
 * "fields" (each field's schema plus "field"), "optional", "name",
 * "version", "doc", "parameters", "default". `open` leaves the closing
 * brace off (for a struct field's "field"). */
static int put_schema(enc_t *e, const connect_schema_t *s, int open,
                      int depth)
{
        buf_t *out = e->out;
        size_t i;
        int rc;

        if (depth > CV_MAX_DEPTH)
                return E_DEPTH;
        if (!s)
                return buf_puts(out, "null");
        if (buf_puts(out, "{\"type\":\"") ||
            buf_puts(out, json_type_name(s->type)) || buf_putc(out, '"'))
                return E_CEIL;
        switch (s->type) {
        case CONNECTD_VAL_ARRAY:
                if (buf_puts(out, ",\"items\":"))
                        return E_CEIL;
                if ((rc = put_schema(e, s->value_schema, 0, depth + 1)))
                        return rc;
                break;
        case CONNECTD_VAL_MAP:
                if (buf_puts(out, ",\"keys\":"))
                        return E_CEIL;
                if ((rc = put_schema(e, s->key_schema, 0, depth + 1)))
                        return rc;
                if (buf_puts(out, ",\"values\":"))
                        return E_CEIL;
                if ((rc = put_schema(e, s->value_schema, 0, depth + 1)))
                        return rc;
                break;
        case CONNECTD_VAL_STRUCT:
                if (buf_puts(out, ",\"fields\":["))
                        return E_CEIL;
                for (i = 0; i < s->nfields; i++) {
                        if (i && buf_putc(out, ','))
                                return E_CEIL;
                        if (!s->fields[i].schema)
                                return enc_fail(e, "Couldn't translate "
                                                "unsupported schema type "
                                                "null.");
                        if ((rc = put_schema(e, s->fields[i].schema, 1,
                                             depth + 1)))
                                return rc;
                        if (buf_puts(out, ",\"field\":") ||
                            buf_json_string(out, s->fields[i].name,
                                            strlen(s->fields[i].name)) ||
                            buf_putc(out, '}'))
                                return E_CEIL;
                }
                if (buf_putc(out, ']'))
                        return E_CEIL;
                break;
        default:
                break;
        }
        if (buf_puts(out, s->optional ? ",\"optional\":true"
                                      : ",\"optional\":false"))
                return E_CEIL;
        if (s->name && (buf_puts(out, ",\"name\":") ||
                        buf_json_string(out, s->name, strlen(s->name))))
                return E_CEIL;
        if (s->has_version &&
            buf_printf(out, ",\"version\":%ld", (long)s->version))
                return E_CEIL;
        if (s->doc && (buf_puts(out, ",\"doc\":") ||
                       buf_json_string(out, s->doc, strlen(s->doc))))
                return E_CEIL;
        if (s->nparams) {
                if (buf_puts(out, ",\"parameters\":{"))
                        return E_CEIL;
                for (i = 0; i < s->nparams; i++)
                        if ((i && buf_putc(out, ',')) ||
                            buf_json_string(out, s->params[i].key,
                                            strlen(s->params[i].key)) ||
                            buf_putc(out, ':') ||
                            buf_json_string(out, s->params[i].value,
                                            strlen(s->params[i].value)))
                                return E_CEIL;
                if (buf_putc(out, '}'))
                        return E_CEIL;
        }
        if (!value_is_null(s->default_value)) {
                if (buf_puts(out, ",\"default\":"))
                        return E_CEIL;
                if ((rc = put_data(e, s, s->default_value, depth + 1)))
                        return rc;
        }
        return open ? 0 : buf_putc(out, '}');
}

/* Java's class name of a value, for "Invalid type for X: class Y". */
static const char *java_class(const connectd_value_t *v)
{
        return value_java_class(v, NULL);
}

static int type_mismatch(enc_t *e, const connect_schema_t *s,
                         const connectd_value_t *v)
{
        return enc_fail(e, "Invalid type for %s: class %s",
                        schema_type_name(s->type), java_class(v));
}

/* JsonConverter.convertToJson(s, v): the value as s describes it. */
static int put_data(enc_t *e, const connect_schema_t *s,
                    const connectd_value_t *v, int depth)
{
        buf_t *out = e->out;
        const value_field_t *f, **order;
        const connectd_value_t *fv;
        size_t i, n;
        int rc, object_mode;

        if (depth > CV_MAX_DEPTH)
                return E_DEPTH;
        if (!s)
                return put_json_value(e, v, depth);
        if (value_is_null(v)) {
                if (!value_is_null(s->default_value) && e->cv->replace_null)
                        return put_data(e, s, s->default_value, depth + 1);
                if (s->optional)
                        return buf_puts(out, "null");
                return enc_fail(e, "Conversion error: null value for field "
                                   "that is required and has no default "
                                   "value");
        }
        if (schema_is_logical(s, LOGICAL_DECIMAL) &&
            e->cv->decimal_numeric && v->type == CONNECTD_VAL_BYTES) {
                char *t;

                n = values_decimal_text(v->u.s.ptr, v->u.s.len,
                                        values_decimal_scale(s), NULL, 0);
                if (!n)
                        return enc_fail(e, "Invalid type for Decimal: "
                                           "unscaled value too large");
                if (!(t = malloc(n + 1)))
                        return E_CEIL;
                values_decimal_text(v->u.s.ptr, v->u.s.len,
                                    values_decimal_scale(s), t, n + 1);
                rc = buf_append(out, t, n);
                free(t);
                return rc;
        }
        switch (s->type) {
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
                if (v->type != s->type)
                        return type_mismatch(e, s, v);
                return buf_printf(out, "%lld", (long long)v->u.i);
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                if (v->type != s->type)
                        return type_mismatch(e, s, v);
                return put_fp(out, v);
        case CONNECTD_VAL_BOOLEAN:
                if (v->type != s->type)
                        return type_mismatch(e, s, v);
                return buf_puts(out, v->u.i ? "true" : "false");
        case CONNECTD_VAL_STRING:
                if (v->type != s->type)
                        return type_mismatch(e, s, v);
                return buf_json_string(out, v->u.s.ptr, v->u.s.len);
        case CONNECTD_VAL_BYTES:
                if (v->type != CONNECTD_VAL_BYTES)
                        return enc_fail(e, "Invalid type for bytes type: "
                                           "class %s", java_class(v));
                return put_base64_string(out, (const unsigned char *)v->u.s.ptr,
                                         v->u.s.len);
        case CONNECTD_VAL_ARRAY:
                if (v->type != CONNECTD_VAL_ARRAY)
                        return type_mismatch(e, s, v);
                if (buf_putc(out, '['))
                        return E_CEIL;
                for (f = v->u.st.head; f; f = f->next) {
                        if (f != v->u.st.head && buf_putc(out, ','))
                                return E_CEIL;
                        if ((rc = put_data(e, s->value_schema, f->value,
                                           depth + 1)))
                                return rc;
                }
                return buf_putc(out, ']');
        case CONNECTD_VAL_MAP:
                if (v->type != CONNECTD_VAL_MAP &&
                    !(v->type == CONNECTD_VAL_STRUCT && !v->schema))
                        return type_mismatch(e, s, v);
                object_mode = s->key_schema &&
                              s->key_schema->type == CONNECTD_VAL_STRING;
                if (!(order = values_hashmap_order(v, &n)))
                        return E_CEIL;
                rc = buf_putc(out, object_mode ? '{' : '[') ? E_CEIL : 0;
                for (i = 0; i < n && !rc; i++) {
                        connectd_value_t kv;
                        const connectd_value_t *k;

                        f = order[i];
                        k = f->key;
                        if (!k) {
                                memset(&kv, 0, sizeof(kv));
                                kv.type = CONNECTD_VAL_STRING;
                                kv.u.s.ptr = f->name;
                                kv.u.s.len = f->name_len;
                                k = &kv;
                        }
                        if (i && buf_putc(out, ',')) {
                                rc = E_CEIL;
                                break;
                        }
                        if (object_mode) {
                                /* mapKey.asText() */
                                if (value_is_null(k) ||
                                    k->type != CONNECTD_VAL_STRING) {
                                        rc = type_mismatch(e, s->key_schema,
                                                           k);
                                        break;
                                }
                                if (buf_json_string(out, k->u.s.ptr,
                                                    k->u.s.len) ||
                                    buf_putc(out, ':')) {
                                        rc = E_CEIL;
                                        break;
                                }
                                rc = put_data(e, s->value_schema, f->value,
                                              depth + 1);
                        } else {
                                if (buf_putc(out, '[')) {
                                        rc = E_CEIL;
                                        break;
                                }
                                if ((rc = put_data(e, s->key_schema, k,
                                                   depth + 1)))
                                        break;
                                if (buf_putc(out, ',')) {
                                        rc = E_CEIL;
                                        break;
                                }
                                if ((rc = put_data(e, s->value_schema,
                                                   f->value, depth + 1)))
                                        break;
                                rc = buf_putc(out, ']') ? E_CEIL : 0;
                        }
                }
                free(order);
                if (rc)
                        return rc;
                return buf_putc(out, object_mode ? '}' : ']');
        case CONNECTD_VAL_STRUCT:
                if (v->type != CONNECTD_VAL_STRUCT)
                        return type_mismatch(e, s, v);
                if (buf_putc(out, '{'))
                        return E_CEIL;
                f = NULL;
                for (i = 0; i < s->nfields; i++) {
                        const schema_field_t *sf = &s->fields[i];

                        fv = val_get_next(v, sf->name, &f);
                        if (!fv && e->cv->replace_null && sf->schema)
                                fv = sf->schema->default_value;
                        if ((i && buf_putc(out, ',')) ||
                            buf_json_string(out, sf->name,
                                            strlen(sf->name)) ||
                            buf_putc(out, ':'))
                                return E_CEIL;
                        if ((rc = put_data(e, sf->schema, fv, depth + 1)))
                                return rc;
                }
                return buf_putc(out, '}');
        default:
                return enc_fail(e, "Couldn't translate unsupported schema "
                                   "type %s.", schema_type_name(s->type));
        }
}

/* 1 when the legacy schema inference can describe v: no ARRAY or MAP
 * outside a Struct that carries its schema. */
static int inferable(const connectd_value_t *v, int depth)
{
        const value_field_t *f;

        if (value_is_null(v) || depth > CV_MAX_DEPTH)
                return 1;
        if (v->type == CONNECTD_VAL_ARRAY || v->type == CONNECTD_VAL_MAP)
                return 0;
        if (v->type == CONNECTD_VAL_STRUCT && !v->schema)
                for (f = v->u.st.head; f; f = f->next)
                        if (!inferable(f->value, depth + 1))
                                return 0;
        return 1;
}

/* The schema connectd infers for a value without one (every part
 * optional; a null as an optional string; a Struct that carries its
 * schema with that schema), without its closing brace, so a struct field
 * can append ,"field":"name" before closing it. */
static int put_schema_open(enc_t *e, const connectd_value_t *v, int depth)
{
        buf_t *out = e->out;
        const value_field_t *f;
        int rc;

        if (depth > CV_MAX_DEPTH)
                return E_DEPTH;
        if (!value_is_null(v) && v->type == CONNECTD_VAL_STRUCT && v->schema)
                return put_schema(e, v->schema, 1, depth);
        if (value_is_null(v) || v->type != CONNECTD_VAL_STRUCT) {
                if (buf_puts(out, "{\"type\":\"") ||
                    buf_puts(out, value_is_null(v)
                                          ? "string"
                                          : json_type_name(v->type)) ||
                    buf_puts(out, "\",\"optional\":true"))
                        return E_CEIL;
                return 0;
        }
        if (buf_puts(out, "{\"type\":\"struct\",\"fields\":["))
                return E_CEIL;
        for (f = v->u.st.head; f; f = f->next) {
                if (f != v->u.st.head && buf_putc(out, ','))
                        return E_CEIL;
                if ((rc = put_schema_open(e, f->value, depth + 1)))
                        return rc;
                if (buf_puts(out, ",\"field\":") ||
                    buf_json_string(out, f->name, f->name_len) ||
                    buf_putc(out, '}'))
                        return E_CEIL;
        }
        if (buf_puts(out, "],\"optional\":true"))
                return E_CEIL;
        if (v->schema_name &&
            (buf_puts(out, ",\"name\":") ||
             buf_json_string(out, v->schema_name, strlen(v->schema_name))))
                return E_CEIL;
        return 0;
}

/* Append value_to_text_schema(s, v) to out without a temporary copy. */
static int put_text(buf_t *out, const connect_schema_t *s,
                    const connectd_value_t *v)
{
        size_t save = out->len, avail, n;

        avail = out->cap > out->len ? out->cap - out->len : 0;
        n = value_to_text_schema(s, v, avail ? out->data + out->len : NULL,
                                 avail);
        if (n < avail) {
                out->len += n;
                return 0;
        }
        if (n >= INT_MAX)
                return -1;
        /* Grow by n bytes (respecting the ceiling), then render again. */
        if (buf_printf(out, "%*s", (int)n, ""))
                return -1;
        value_to_text_schema(s, v, out->data + save, n + 1);
        out->len = save + n;
        return 0;
}

int converter_is_schemaless_json(const converter_t *cv)
{
        return cv && cv->kind == CV_JSON && !cv->schemas_enable;
}

int converter_from_connect_schema(converter_t *cv, const char *topic,
                                  const connect_schema_t *schema,
                                  const connectd_value_t *v, buf_t *out,
                                  int *is_null, char *errstr,
                                  size_t errstr_size)
{
        enc_t e = { cv, out, errstr, errstr_size };
        size_t save = out->len;
        int rc = -1, wrc = 0;

        (void)topic;
        *is_null = 0;
        switch (cv->kind) {
        case CV_STRING:
                if (value_is_null(v))
                        *is_null = 1;
                else if (v->type == CONNECTD_VAL_STRING ||
                         v->type == CONNECTD_VAL_BYTES)
                        wrc = buf_append(out, v->u.s.ptr, v->u.s.len);
                else
                        wrc = put_text(out, schema, v);
                break;
        case CV_BYTEARRAY:
                if (schema && schema->type != CONNECTD_VAL_BYTES) {
                        snprintf(errstr, errstr_size,
                                 "Invalid schema type for ByteArrayConverter: "
                                 "%s", schema_type_name(schema->type));
                        goto out;
                }
                if (value_is_null(v)) {
                        *is_null = 1;
                } else if (v->type == CONNECTD_VAL_BYTES ||
                           (!schema && v->type == CONNECTD_VAL_STRING)) {
                        wrc = buf_append(out, v->u.s.ptr, v->u.s.len);
                } else if (schema || value_is_date_object(v)) {
                        snprintf(errstr, errstr_size,
                                 "ByteArrayConverter is not compatible with "
                                 "objects of type class %s",
                                 java_class(v));
                        goto out;
                } else {
                        snprintf(errstr, errstr_size,
                                 "Invalid schema type for ByteArrayConverter: "
                                 "%s", schema_type_name(v->type));
                        goto out;
                }
                break;
        case CV_JSON:
                if (!schema && !v) {
                        *is_null = 1;
                        break;
                }
                if (!cv->schemas_enable) {
                        wrc = schema ? put_data(&e, schema, v, 0)
                                     : put_json_value(&e, v, 0);
                        break;
                }
                if ((wrc = buf_puts(out, "{\"schema\":") ? E_CEIL : 0))
                        break;
                if (schema) {
                        if (!(wrc = put_schema(&e, schema, 0, 0)) &&
                            !(wrc = buf_puts(out, ",\"payload\":") ? E_CEIL
                                                                   : 0))
                                wrc = put_data(&e, schema, v, 0);
                } else if (!inferable(v, 0)) {
                        /* Java's form for schemaless data */
                        if (!(wrc = buf_puts(out, "null,\"payload\":")
                                            ? E_CEIL : 0))
                                wrc = put_json_value(&e, v, 0);
                } else {
                        if (!(wrc = put_schema_open(&e, v, 0)) &&
                            !(wrc = buf_puts(out, "},\"payload\":") ? E_CEIL
                                                                    : 0))
                                wrc = put_json_value(&e, v, 0);
                }
                if (!wrc)
                        wrc = buf_putc(out, '}') ? E_CEIL : 0;
                break;
        }
        if (wrc == E_DATA)
                goto out;
        if (wrc == E_DEPTH) {
                snprintf(errstr, errstr_size,
                         "Converting Kafka Connect data to byte[] failed: "
                         "value nested deeper than %d levels", CV_MAX_DEPTH);
                goto out;
        }
        if (wrc) {
                snprintf(errstr, errstr_size,
                         "Converting Kafka Connect data to byte[] failed: "
                         "serialized %s is larger than the buffer limit "
                         "(%zu bytes)", cv->is_key ? "key" : "value",
                         out->max);
                goto out;
        }
        rc = 0;
out:
        if (rc) {
                out->len = save;
                if (out->data)
                        out->data[save] = '\0';
        }
        return rc;
}

int converter_from_connect(converter_t *cv, const char *topic,
                           const connectd_value_t *v, buf_t *out,
                           int *is_null, char *errstr, size_t errstr_size)
{
        return converter_from_connect_schema(cv, topic, NULL, v, out,
                                             is_null, errstr, errstr_size);
}

/* ---- to_connect ------------------------------------------------------- */

/* A JSON real and its text in the input. */
typedef struct {
        const json_t *j;
        const char *txt;
        size_t len;
} real_text_t;

typedef struct {
        const converter_t *cv;
        arena_t *arena;
        char *err;
        size_t errsz;
        /* the input and its tree, for a Decimal's exact digits */
        const char *src;
        size_t srclen;
        const json_t *root;
        real_text_t *reals; /* sorted by j; built on first need */
        size_t nreals;
        int reals_built;
} dec_t;

static void *dec_fail(dec_t *d, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void *dec_fail(dec_t *d, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(d->err, d->errsz, fmt, ap);
        va_end(ap);
        return NULL;
}

static int b64val(int c)
{
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
}

/* Base64 (standard or URL alphabet, padding optional) into the arena;
 * NULL with *bad set when it is not Base64. */
static connectd_value_t *b64_decode(arena_t *arena, const char *s, size_t n,
                                    int *bad)
{
        unsigned char *o;
        size_t olen = 0, i;
        unsigned acc = 0;
        int bits = 0, d;

        *bad = 0;
        while (n > 0 && s[n - 1] == '=')
                n--;
        o = malloc(n * 3 / 4 + 1);
        if (!o)
                return NULL;
        for (i = 0; i < n; i++) {
                if ((d = b64val((unsigned char)s[i])) < 0) {
                        free(o);
                        *bad = 1;
                        return NULL;
                }
                acc = (acc << 6) | (unsigned)d;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        o[olen++] = (unsigned char)(acc >> bits);
                        acc &= (1u << bits) - 1;
                }
        }
        {
                connectd_value_t *v = val_bytes(arena, o, olen);

                free(o);
                return v;
        }
}

static const char *node_type(const json_t *j)
{
        switch (json_typeof(j)) {
        case JSON_OBJECT: return "OBJECT";
        case JSON_ARRAY: return "ARRAY";
        case JSON_STRING: return "STRING";
        case JSON_INTEGER:
        case JSON_REAL: return "NUMBER";
        case JSON_TRUE:
        case JSON_FALSE: return "BOOLEAN";
        default: return "NULL";
        }
}

static connectd_value_t *infer_value(dec_t *d, const json_t *j, int depth);

/* JsonConverter.asConnectSchema: the envelope's schema into the arena.
 * NULL with *is_null for a JSON null; NULL with err on error. */
static connect_schema_t *to_schema(dec_t *d, const json_t *js, int depth,
                                   int *is_null);
static connectd_value_t *to_value(dec_t *d, const json_t *j,
                                  const connect_schema_t *s, int depth);

static const connect_schema_t *to_schema_nn(dec_t *d, const json_t *js,
                                            int depth, int *fail)
{
        int is_null = 0;
        connect_schema_t *s = to_schema(d, js, depth, &is_null);

        *fail = !s && !is_null;
        return s;
}

static char *adup(dec_t *d, const json_t *str)
{
        return arena_strndup(d->arena, json_string_value(str),
                             json_string_length(str));
}

static connect_schema_t *to_schema(dec_t *d, const json_t *js, int depth,
                                   int *is_null)
{
        connect_schema_t *s;
        const char *t;
        json_t *jt, *x, *y, *f;
        const char *key;
        size_t i;
        int fail = 0;

        *is_null = 0;
        if (!js || json_is_null(js)) {
                *is_null = 1;
                return NULL;
        }
        if (depth > CV_MAX_DEPTH)
                return dec_fail(d, "JSON nested deeper than %d levels",
                                CV_MAX_DEPTH);
        jt = json_is_object(js) ? json_object_get(js, "type") : NULL;
        if (!jt || !json_is_string(jt))
                return dec_fail(d, "Schema must contain 'type' field");
        t = json_string_value(jt);
        if (!strcmp(t, "boolean")) s = schema_new(d->arena, CONNECTD_VAL_BOOLEAN);
        else if (!strcmp(t, "int8")) s = schema_new(d->arena, CONNECTD_VAL_INT8);
        else if (!strcmp(t, "int16")) s = schema_new(d->arena, CONNECTD_VAL_INT16);
        else if (!strcmp(t, "int32")) s = schema_new(d->arena, CONNECTD_VAL_INT32);
        else if (!strcmp(t, "int64")) s = schema_new(d->arena, CONNECTD_VAL_INT64);
        else if (!strcmp(t, "float")) s = schema_new(d->arena, CONNECTD_VAL_FLOAT32);
        else if (!strcmp(t, "double")) s = schema_new(d->arena, CONNECTD_VAL_FLOAT64);
        else if (!strcmp(t, "bytes")) s = schema_new(d->arena, CONNECTD_VAL_BYTES);
        else if (!strcmp(t, "string")) s = schema_new(d->arena, CONNECTD_VAL_STRING);
        else if (!strcmp(t, "array")) s = schema_new(d->arena, CONNECTD_VAL_ARRAY);
        else if (!strcmp(t, "map")) s = schema_new(d->arena, CONNECTD_VAL_MAP);
        else if (!strcmp(t, "struct")) s = schema_new(d->arena, CONNECTD_VAL_STRUCT);
        else
                return dec_fail(d, "Unknown schema type: %s", t);
        if (!s)
                return NULL;
        switch (s->type) {
        case CONNECTD_VAL_ARRAY:
                x = json_object_get(js, "items");
                if (!x || json_is_null(x))
                        return dec_fail(d, "Array schema did not specify "
                                           "the element type");
                s->value_schema = to_schema_nn(d, x, depth + 1, &fail);
                if (fail)
                        return NULL;
                break;
        case CONNECTD_VAL_MAP:
                x = json_object_get(js, "keys");
                if (!x)
                        return dec_fail(d, "Map schema did not specify the "
                                           "key type");
                y = json_object_get(js, "values");
                if (!y)
                        return dec_fail(d, "Map schema did not specify the "
                                           "value type");
                s->key_schema = to_schema_nn(d, x, depth + 1, &fail);
                if (fail)
                        return NULL;
                if (!s->key_schema) /* SchemaBuilder.map */
                        return dec_fail(d, "keySchema cannot be null.");
                s->value_schema = to_schema_nn(d, y, depth + 1, &fail);
                if (fail)
                        return NULL;
                if (!s->value_schema)
                        return dec_fail(d, "valueSchema cannot be null.");
                break;
        case CONNECTD_VAL_STRUCT:
                x = json_object_get(js, "fields");
                if (!x || !json_is_array(x))
                        return dec_fail(d, "Struct schema's \"fields\" "
                                           "argument is not an array.");
                json_array_foreach(x, i, f) {
                        json_t *fn = json_is_object(f)
                                             ? json_object_get(f, "field")
                                             : NULL;
                        const connect_schema_t *fs;
                        char *name;
                        int rc;

                        if (!fn || !json_is_string(fn))
                                return dec_fail(d, "Struct schema's field "
                                                   "name not specified "
                                                   "properly");
                        fs = to_schema_nn(d, f, depth + 1, &fail);
                        if (fail)
                                return NULL;
                        if (!fs) /* SchemaBuilder: null field schema */
                                return dec_fail(d, "Schema must contain "
                                                   "'type' field");
                        if (!(name = adup(d, fn)))
                                return NULL;
                        rc = schema_add_field(d->arena, s, name, fs);
                        if (rc == -2)
                                return dec_fail(d, "Cannot create field "
                                                   "because of field name "
                                                   "duplication %s", name);
                        if (rc)
                                return NULL;
                }
                break;
        default:
                break;
        }
        s->optional = json_is_true(json_object_get(js, "optional"));
        x = json_object_get(js, "name");
        if (json_is_string(x) && !(s->name = adup(d, x)))
                return NULL;
        x = json_object_get(js, "version");
        if (json_is_integer(x)) {
                s->has_version = 1;
                s->version = (int32_t)json_integer_value(x);
        }
        x = json_object_get(js, "doc");
        if (json_is_string(x) && !(s->doc = adup(d, x)))
                return NULL;
        x = json_object_get(js, "parameters");
        if (json_is_object(x)) {
                json_object_foreach(x, key, y) {
                        char *k, *v;

                        if (!json_is_string(y))
                                return dec_fail(d, "Schema parameters must "
                                                   "have string values.");
                        if (!(k = arena_strndup(d->arena, key, strlen(key))) ||
                            !(v = adup(d, y)) ||
                            schema_add_param(d->arena, s, k, v))
                                return NULL;
                }
        }
        x = json_object_get(js, "default");
        if (x) {
                connectd_value_t *dv = to_value(d, x, s, depth + 1);

                if (!dv)
                        return NULL;
                if (!value_is_null(dv))
                        s->default_value = dv;
        }
        return s;
}

static connectd_value_t *mismatch(dec_t *d, const connect_schema_t *s,
                                  const json_t *j)
{
        return dec_fail(d, "Invalid JSON for schema type %s: got a JSON %s",
                        json_type_name(s->type),
                        json_is_object(j) ? "object"
                        : json_is_array(j) ? "array"
                        : json_is_string(j) ? "string"
                        : json_is_number(j) ? "number" : "boolean");
}

/*
 * A Decimal read from a JSON real needs the real's digits, which jansson
 * does not keep. The input's text is scanned for its reals (number tokens
 * with '.', 'e' or 'E', exactly jansson's reals) and they are paired in
 * document order with the tree's reals: arrays in order, objects in
 * insertion order (jansson keeps it). A duplicate key would break the
 * pairing (its later value takes the first one's place), so an input with
 * one is checked for first and keeps the double's digits. Only a Decimal
 * read from a real pays for this.
 */
static int is_num_char(char c)
{
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
               c == 'e' || c == 'E';
}

static size_t scan_reals(const char *s, size_t n, real_text_t *out)
{
        size_t i = 0, k = 0, b;
        int real;

        while (i < n) {
                if (s[i] == '"') {
                        for (i++; i < n && s[i] != '"'; i++)
                                if (s[i] == '\\')
                                        i++;
                        i++;
                } else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
                        for (b = i, real = 0; i < n && is_num_char(s[i]); i++)
                                real |= s[i] == '.' || s[i] == 'e' ||
                                        s[i] == 'E';
                        if (real && out) {
                                out[k].txt = s + b;
                                out[k].len = i - b;
                        }
                        k += (size_t)real;
                } else {
                        i++;
                }
        }
        return k;
}

static void pair_reals(const json_t *j, real_text_t *out, size_t cap,
                       size_t *k)
{
        const char *key;
        json_t *m;
        size_t i;

        if (json_is_real(j)) {
                if (*k < cap)
                        out[*k].j = j;
                (*k)++;
        } else if (json_is_array(j)) {
                json_array_foreach(j, i, m)
                        pair_reals(m, out, cap, k);
        } else if (json_is_object(j)) {
                json_object_foreach((json_t *)j, key, m)
                        pair_reals(m, out, cap, k);
        }
}

static int real_cmp(const void *a, const void *b)
{
        const json_t *x = ((const real_text_t *)a)->j;
        const json_t *y = ((const real_text_t *)b)->j;

        return x < y ? -1 : x > y;
}

static void reals_build(dec_t *d)
{
        json_error_t jerr;
        json_t *strict;
        size_t n, k = 0;

        d->reals_built = 1;
        if (!d->src || !d->root)
                return;
        n = scan_reals(d->src, d->srclen, NULL);
        if (!n)
                return;
        strict = json_loadb(d->src, d->srclen, JSON_DECODE_ANY |
                            JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
        if (!strict)
                return; /* a duplicate key */
        json_decref(strict);
        d->reals = calloc(n, sizeof(*d->reals));
        if (!d->reals)
                return;
        scan_reals(d->src, d->srclen, d->reals);
        pair_reals(d->root, d->reals, n, &k);
        if (k != n) { /* cannot happen without duplicates; stay safe */
                free(d->reals);
                d->reals = NULL;
                return;
        }
        qsort(d->reals, n, sizeof(*d->reals), real_cmp);
        d->nreals = n;
}

/* The text of the real j in the input, or NULL. */
static const real_text_t *real_text(dec_t *d, const json_t *j)
{
        real_text_t key = { j, NULL, 0 };

        if (!d->reals_built)
                reals_build(d);
        if (!d->nreals)
                return NULL;
        return bsearch(&key, d->reals, d->nreals, sizeof(*d->reals),
                       real_cmp);
}

/* The unscaled value of a Decimal read from a number may take as many
 * bytes as one written (values_decimal_text's limit), which is at most this
 * many digits: 2^(8 * 4096 - 1) < 10^9865. */
#define DEC_MAX_DIGITS 9865

/* A JSON number as a Decimal of the schema's scale: integers and reals
 * (through their text in the input) rescaled without loss. */
static connectd_value_t *decimal_from_number(dec_t *d, const json_t *j,
                                             const connect_schema_t *s)
{
        long scale = values_decimal_scale(s);
        char txt[64], *digits;
        size_t n = 0, len;
        int neg = 0, eneg = 0, too_large;
        long long frac = -1, exp = 0, have;
        const char *p, *end;
        const real_text_t *rt;
        connectd_value_t *v;

        if (json_is_integer(j)) {
                snprintf(txt, sizeof(txt), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(j));
                p = txt;
                len = strlen(txt);
        } else if ((rt = real_text(d, j))) {
                p = rt->txt;
                len = rt->len;
        } else {
                java_double_str(json_real_value(j), txt, sizeof(txt));
                p = txt;
                len = strlen(txt);
        }
        digits = malloc(DEC_MAX_DIGITS);
        if (!digits)
                return dec_fail(d, "out of memory");
        /* digits (leading zeros dropped) and the scale of the text */
        for (end = p + len; p < end && *p != 'E' && *p != 'e'; p++) {
                if (*p == '-') {
                        neg = 1;
                } else if (*p == '.') {
                        frac = 0;
                } else {
                        if (frac >= 0)
                                frac++;
                        if (n == 0 && *p == '0')
                                continue;
                        if (n == DEC_MAX_DIGITS)
                                goto too_many;
                        digits[n++] = *p;
                }
        }
        if (p < end) { /* the exponent (BigDecimal's reach a scale of
                        * 2^31 - 1 and more digits), clamped far past it */
                for (p++; p < end && (*p == '+' || *p == '-'); p++)
                        eneg = *p == '-';
                for (; p < end && exp < 1000000000000LL; p++)
                        exp = exp * 10 + (*p - '0');
                if (eneg)
                        exp = -exp;
        }
        have = (frac < 0 ? 0 : frac) - exp;
        if (n == 0) /* zero fits every scale */
                have = scale;
        /* drop trailing zeros while above the wanted scale */
        while (have > scale && n > 1 && digits[n - 1] == '0') {
                n--;
                have--;
        }
        if (have > scale) {
                free(digits);
                return dec_fail(d, "BigDecimal has mismatching scale value "
                                   "for given Decimal schema");
        }
        for (; have < scale; have++) {
                if (n == DEC_MAX_DIGITS)
                        goto too_many;
                digits[n++] = '0';
        }
        v = values_decimal_bytes(d->arena, digits, n, neg, &too_large);
        free(digits);
        if (!v && too_large)
                return dec_fail(d, "Decimal too large: its unscaled value "
                                   "takes more than %d bytes",
                                VALUES_MAX_DECIMAL_BYTES);
        return v ? v : dec_fail(d, "out of memory");
too_many:
        free(digits);
        return dec_fail(d, "Decimal too large: more than %d digits at scale "
                           "%ld", DEC_MAX_DIGITS, scale);
}

/* JsonConverter.convertToConnect(s, j) with s not NULL. */
static connectd_value_t *to_value(dec_t *d, const json_t *j,
                                  const connect_schema_t *s, int depth)
{
        connectd_value_t *v = NULL, *fv, *kv;
        const char *key;
        json_t *m;
        size_t i;
        double x;

        if (!s)
                return infer_value(d, j, depth);
        if (depth > CV_MAX_DEPTH)
                return dec_fail(d, "JSON nested deeper than %d levels",
                                CV_MAX_DEPTH);
        if (!j || json_is_null(j)) {
                if (s->default_value && d->cv->replace_null)
                        return (connectd_value_t *)s->default_value;
                if (s->optional)
                        return val_null(d->arena);
                return dec_fail(d, "Invalid null value for required %s "
                                   "field", schema_type_name(s->type));
        }
        if (schema_is_logical(s, LOGICAL_DECIMAL) && json_is_number(j))
                return decimal_from_number(d, j, s);
        switch (s->type) {
        case CONNECTD_VAL_BOOLEAN:
                if (!json_is_boolean(j))
                        return mismatch(d, s, j);
                return val_bool(d->arena, json_is_true(j));
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64: {
                int64_t i64;

                if (json_is_integer(j)) {
                        i64 = json_integer_value(j);
                } else if (json_is_real(j)) {
                        /* Jackson's intValue/longValue of a real */
                        x = json_real_value(j);
                        i64 = x >= 9223372036854775807.0 ? INT64_MAX
                              : x <= -9223372036854775808.0 ? INT64_MIN
                              : (int64_t)x;
                        if (s->type != CONNECTD_VAL_INT64)
                                i64 = x >= 2147483647.0 ? INT32_MAX
                                      : x <= -2147483648.0 ? INT32_MIN
                                      : (int32_t)x;
                } else {
                        return mismatch(d, s, j);
                }
                if (s->type == CONNECTD_VAL_INT8)
                        i64 = (int8_t)(int32_t)i64;
                else if (s->type == CONNECTD_VAL_INT16)
                        i64 = (int16_t)(int32_t)i64;
                else if (s->type == CONNECTD_VAL_INT32)
                        i64 = (int32_t)i64;
                v = val_int(d->arena, s->type, i64);
                break;
        }
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                if (json_is_number(j)) {
                        x = json_number_value(j);
                } else if (json_is_string(j) &&
                           (!strcmp(json_string_value(j), "NaN") ||
                            !strcmp(json_string_value(j), "Infinity") ||
                            !strcmp(json_string_value(j), "-Infinity"))) {
                        /* what Jackson writes for them */
                        x = strtod(json_string_value(j), NULL);
                } else {
                        return mismatch(d, s, j);
                }
                v = val_float(d->arena, s->type, x);
                break;
        case CONNECTD_VAL_STRING:
                if (!json_is_string(j))
                        return mismatch(d, s, j);
                v = val_string(d->arena, json_string_value(j),
                               json_string_length(j));
                break;
        case CONNECTD_VAL_BYTES: {
                int bad;

                if (!json_is_string(j))
                        return mismatch(d, s, j);
                v = b64_decode(d->arena, json_string_value(j),
                               json_string_length(j), &bad);
                if (bad)
                        return dec_fail(d, "Invalid bytes field");
                break;
        }
        case CONNECTD_VAL_ARRAY:
                if (!json_is_array(j))
                        return mismatch(d, s, j);
                if (!(v = val_array(d->arena)))
                        return NULL;
                json_array_foreach(j, i, m) {
                        if (!(fv = to_value(d, m, s->value_schema,
                                            depth + 1)) ||
                            val_append(d->arena, v, NULL, fv))
                                return NULL;
                }
                return v;
        case CONNECTD_VAL_MAP:
                if (!(v = val_map(d->arena)))
                        return NULL;
                if (!s->key_schema ||
                    s->key_schema->type == CONNECTD_VAL_STRING) {
                        if (!json_is_object(j))
                                return dec_fail(d, "Maps with string fields "
                                                   "should be encoded as JSON "
                                                   "objects, but found %s",
                                                node_type(j));
                        json_object_foreach((json_t *)j, key, m) {
                                if (!(kv = val_string(d->arena, key,
                                                      strlen(key))) ||
                                    !(fv = to_value(d, m, s->value_schema,
                                                    depth + 1)) ||
                                    val_append(d->arena, v, kv, fv))
                                        return NULL;
                        }
                        return v;
                }
                if (!json_is_array(j))
                        return dec_fail(d, "Maps with non-string fields "
                                           "should be encoded as JSON array "
                                           "of tuples, but found %s",
                                        node_type(j));
                json_array_foreach(j, i, m) {
                        if (!json_is_array(m))
                                return dec_fail(d, "Found invalid map entry "
                                                   "instead of array tuple: "
                                                   "%s", node_type(m));
                        if (json_array_size(m) != 2)
                                return dec_fail(d, "Found invalid map entry, "
                                                   "expected length 2 but "
                                                   "found :%zu",
                                                json_array_size(m));
                        if (!(kv = to_value(d, json_array_get(m, 0),
                                            s->key_schema, depth + 1)) ||
                            !(fv = to_value(d, json_array_get(m, 1),
                                            s->value_schema, depth + 1)))
                                return NULL;
                        /* HashMap.put: an equal key is replaced */
                        {
                                value_field_t *e;

                                for (e = v->u.st.head; e; e = e->next)
                                        if (val_equal(e->key, kv))
                                                break;
                                if (e) {
                                        e->value = fv;
                                        continue;
                                }
                        }
                        if (val_append(d->arena, v, kv, fv))
                                return NULL;
                }
                return v;
        case CONNECTD_VAL_STRUCT:
                if (!json_is_object(j))
                        return dec_fail(d, "Structs should be encoded as JSON "
                                           "objects, but found %s",
                                        node_type(j));
                if (!(v = val_struct(d->arena, s)))
                        return NULL;
                v->schema_name = s->name;
                for (i = 0; i < s->nfields; i++) {
                        fv = to_value(d, json_object_get(j, s->fields[i].name),
                                      s->fields[i].schema, depth + 1);
                        if (!fv || val_put(d->arena, v, s->fields[i].name,
                                           fv))
                                return NULL;
                }
                return v;
        default:
                return dec_fail(d, "Unknown schema type: %s",
                                schema_type_name(s->type));
        }
        if (!v)
                return NULL;
        /* logical types: the underlying type must be the right one */
        if ((schema_is_logical(s, LOGICAL_DATE) ||
             schema_is_logical(s, LOGICAL_TIME)) &&
            v->type != CONNECTD_VAL_INT32)
                return dec_fail(d, "Invalid type for %s, underlying "
                                   "representation should be int32 but was "
                                   "class %s",
                                schema_is_logical(s, LOGICAL_DATE) ? "Date"
                                                                   : "Time",
                                java_class(v));
        if (schema_is_logical(s, LOGICAL_TIMESTAMP) &&
            v->type != CONNECTD_VAL_INT64)
                return dec_fail(d, "Invalid type for Timestamp, underlying "
                                   "representation should be int64 but was "
                                   "class %s", java_class(v));
        if (schema_is_logical(s, LOGICAL_DECIMAL) &&
            v->type != CONNECTD_VAL_BYTES)
                return dec_fail(d, "Invalid type for Decimal, underlying "
                                   "representation should be numeric or "
                                   "bytes but was %s", node_type(j));
        return v;
}

/* Schemaless: the type comes from the JSON (JsonConverter with schema
 * null): integer -> INT64, real -> FLOAT64, object -> a schemaless object
 * (STRUCT without schema), array -> ARRAY. */
static connectd_value_t *infer_value(dec_t *d, const json_t *j, int depth)
{
        connectd_value_t *v = NULL, *fv;
        const char *key;
        json_t *m;
        size_t i;

        if (depth > CV_MAX_DEPTH)
                return dec_fail(d, "JSON nested deeper than %d levels",
                                CV_MAX_DEPTH);
        if (!j)
                return val_null(d->arena);
        switch (json_typeof(j)) {
        case JSON_NULL:
                return val_null(d->arena);
        case JSON_STRING:
                return val_string(d->arena, json_string_value(j),
                                  json_string_length(j));
        case JSON_INTEGER:
                return val_int(d->arena, CONNECTD_VAL_INT64,
                               json_integer_value(j));
        case JSON_REAL:
                return val_float(d->arena, CONNECTD_VAL_FLOAT64,
                                 json_real_value(j));
        case JSON_TRUE:
        case JSON_FALSE:
                return val_bool(d->arena, json_is_true(j));
        case JSON_OBJECT:
                if (!(v = val_struct(d->arena, NULL)))
                        return NULL;
                json_object_foreach((json_t *)j, key, m) {
                        fv = infer_value(d, m, depth + 1);
                        if (!fv || val_put(d->arena, v, key, fv))
                                return NULL;
                }
                return v;
        case JSON_ARRAY:
                if (!(v = val_array(d->arena)))
                        return NULL;
                json_array_foreach(j, i, m) {
                        fv = infer_value(d, m, depth + 1);
                        if (!fv || val_append(d->arena, v, NULL, fv))
                                return NULL;
                }
                return v;
        }
        return NULL;
}

connectd_value_t *converter_to_connect_schema(
        converter_t *cv, const char *topic, const void *data, size_t len,
        arena_t *arena, const connect_schema_t **schema_out, char *errstr,
        size_t errstr_size)
{
        dec_t d = { cv, arena, errstr, errstr_size, data, len, NULL, NULL,
                    0, 0 };
        connectd_value_t *v = NULL;
        const connect_schema_t *schema = NULL;
        json_t *root = NULL;
        json_error_t jerr;
        int is_null = 0;

        (void)topic;
        errstr[0] = '\0';
        *schema_out = NULL;
        switch (cv->kind) {
        case CV_STRING:
                *schema_out = &schema_opt_string;
                return data ? val_string(arena, data, len) : val_null(arena);
        case CV_BYTEARRAY:
                *schema_out = &schema_opt_bytes;
                return data ? val_bytes(arena, data, len) : val_null(arena);
        case CV_JSON:
                break;
        }
        if (!data) /* a tombstone */
                return val_null(arena);
        if (len == 0 && !cv->schemas_enable) /* JsonDeserializer: null */
                return val_null(arena);
        root = json_loadb(data, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!root) {
                snprintf(errstr, errstr_size,
                         "Converting byte[] to Kafka Connect data "
                         "failed due to serialization error: %s "
                         "(line %d, column %d)",
                         jerr.text, jerr.line, jerr.column);
                goto out;
        }
        d.root = root;
        if (cv->schemas_enable) {
                if (!json_is_object(root) || json_object_size(root) != 2 ||
                    !json_object_get(root, "schema") ||
                    !json_object_get(root, "payload")) {
                        snprintf(errstr, errstr_size,
                                 "JsonConverter with schemas.enable "
                                 "requires \"schema\" and \"payload\" "
                                 "fields and may not contain "
                                 "additional fields. If you are "
                                 "trying to deserialize plain JSON "
                                 "data, set schemas.enable=false in "
                                 "your converter configuration.");
                        goto out;
                }
                schema = to_schema(&d, json_object_get(root, "schema"), 0,
                                   &is_null);
                if (!schema && !is_null)
                        goto out;
                v = to_value(&d, json_object_get(root, "payload"), schema, 0);
        } else {
                v = infer_value(&d, root, 0);
        }
        if (v)
                *schema_out = schema;
out:
        if (!v && !errstr[0])
                snprintf(errstr, errstr_size,
                         "Converting byte[] to Kafka Connect data failed: "
                         "out of memory (arena limit)");
        free(d.reals);
        json_decref(root);
        return v;
}

connectd_value_t *converter_to_connect(converter_t *cv, const char *topic,
                                       const void *data, size_t len,
                                       arena_t *arena, char *errstr,
                                       size_t errstr_size)
{
        const connect_schema_t *s;

        return converter_to_connect_schema(cv, topic, data, len, arena, &s,
                                           errstr, errstr_size);
}
