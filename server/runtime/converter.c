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
 * Null handling, matching Connect:
 *  - A NULL value pointer is Connect's (schema null, value null): every
 *    converter returns a Kafka null (JsonConverter.fromConnectData returns
 *    null when both schema and value are null).
 *  - A CONNECTD_VAL_NULL value is a null that carries a schema (our values
 *    have no declared schema; every value counts as an optional one, and a
 *    null as an optional string): StringConverter and ByteArrayConverter
 *    still give a Kafka null, JsonConverter writes `null` schemaless and
 *    {"schema":{"type":"string","optional":true},"payload":null} with
 *    schemas — what Connect writes for a null of an optional string schema.
 *
 * JsonConverter schemas for our values: STRING and NULL "string", INT64
 * "int64", FLOAT64 "double", BOOLEAN "boolean", BYTES "bytes" (payload in
 * base64, as Jackson writes binary), STRUCT "struct" with "fields" (each a
 * field schema plus "field"), "optional":true, then "name" when the struct
 * has a schema name. Struct payload fields appear in field order, nulls
 * included, as Connect writes them.
 *
 * JsonConverter to_connect: with schemas.enable the message must be the
 * two-field envelope; a non-null schema then guides the conversion (bytes
 * decoded from base64, int8..int64 to INT64, float/double to FLOAT64,
 * struct fields in schema order with the schema name). Without a schema the
 * type is inferred: string, integer -> INT64, real -> FLOAT64, boolean,
 * object -> STRUCT without a name (Connect would give a Map; our data model
 * has no map), and arrays -> a STRING holding the array's compact JSON text
 * (our data model has no array type). Schemas of type "array" or "map" are
 * rendered the same way: their payload as compact JSON text in a STRING.
 */
#include "converter.h"
#include "javafmt.h"

#include <limits.h>
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
        int schemas_enable; /* JSON only */
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

        if (cv->kind == CV_JSON) {
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

static const char *type_name(connectd_value_type_t t)
{
        return schema_type_name(t);
}

/* Append value_to_text(v) to out without a temporary copy. */
static int put_text(buf_t *out, const connectd_value_t *v)
{
        size_t save = out->len, avail, n;

        avail = out->cap > out->len ? out->cap - out->len : 0;
        n = value_to_text(v, avail ? out->data + out->len : NULL, avail);
        if (n < avail) {
                out->len += n;
                return 0;
        }
        if (n >= INT_MAX)
                return -1;
        /* Grow by n bytes (respecting the ceiling), then render again. */
        if (buf_printf(out, "%*s", (int)n, ""))
                return -1;
        value_to_text(v, out->data + save, n + 1);
        out->len = save + n;
        return 0;
}

static const char b64chars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int put_base64_string(buf_t *out, const unsigned char *p, size_t n)
{
        char q[4];
        size_t i;

        if (buf_putc(out, '"'))
                return -1;
        for (i = 0; i + 2 < n; i += 3) {
                q[0] = b64chars[p[i] >> 2];
                q[1] = b64chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
                q[2] = b64chars[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
                q[3] = b64chars[p[i + 2] & 63];
                if (buf_append(out, q, 4))
                        return -1;
        }
        if (i < n) {
                q[0] = b64chars[p[i] >> 2];
                if (i + 1 < n) {
                        q[1] = b64chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
                        q[2] = b64chars[(p[i + 1] & 15) << 2];
                } else {
                        q[1] = b64chars[(p[i] & 3) << 4];
                        q[2] = '=';
                }
                q[3] = '=';
                if (buf_append(out, q, 4))
                        return -1;
        }
        return buf_putc(out, '"');
}

static int put_json_value(buf_t *out, const connectd_value_t *v, int depth)
{
        const value_field_t *f;
        char num[48];
        size_t n;

        if (depth > CV_MAX_DEPTH)
                return -2;
        if (!v)
                return buf_append(out, "null", 4);
        switch (v->type) {
        case CONNECTD_VAL_NULL:
                return buf_append(out, "null", 4);
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
                n = value_to_text(v, num, sizeof(num));
                /* Jackson writes NaN and infinities as strings. */
                if (num[0] == 'N' || num[0] == 'I' || num[1] == 'I')
                        return buf_json_string(out, num, n);
                return buf_append(out, num, n);
        case CONNECTD_VAL_BOOLEAN:
                return v->u.i ? buf_append(out, "true", 4)
                              : buf_append(out, "false", 5);
        case CONNECTD_VAL_STRUCT:
                if (buf_putc(out, '{'))
                        return -1;
                for (f = v->u.st.head; f; f = f->next) {
                        int rc;

                        if (f != v->u.st.head && buf_putc(out, ','))
                                return -1;
                        if (buf_json_string(out, f->name, f->name_len) ||
                            buf_putc(out, ':'))
                                return -1;
                        if ((rc = put_json_value(out, f->value, depth + 1)))
                                return rc;
                }
                return buf_putc(out, '}');
        case CONNECTD_VAL_ARRAY:
        case CONNECTD_VAL_MAP:
                if (buf_putc(out, v->type == CONNECTD_VAL_ARRAY ? '[' : '{'))
                        return -1;
                for (f = v->u.st.head; f; f = f->next) {
                        int rc;

                        if (f != v->u.st.head && buf_putc(out, ','))
                                return -1;
                        if (v->type == CONNECTD_VAL_MAP &&
                            (!f->name ||
                             buf_json_string(out, f->name, f->name_len) ||
                             buf_putc(out, ':')))
                                return -1;
                        if ((rc = put_json_value(out, f->value, depth + 1)))
                                return rc;
                }
                return buf_putc(out, v->type == CONNECTD_VAL_ARRAY ? ']'
                                                                  : '}');
        }
        return -1;
}

/* Writes the schema object of v without its closing brace, so a struct
 * field can append ,"field":"name" before closing it. */
static int put_schema_open(buf_t *out, const connectd_value_t *v, int depth)
{
        const value_field_t *f;
        const char *t = "string";
        int rc;

        if (depth > CV_MAX_DEPTH)
                return -2;
        if (v) {
                switch (v->type) {
                case CONNECTD_VAL_INT64: t = "int64"; break;
                case CONNECTD_VAL_FLOAT64: t = "double"; break;
                case CONNECTD_VAL_BOOLEAN: t = "boolean"; break;
                case CONNECTD_VAL_BYTES: t = "bytes"; break;
                case CONNECTD_VAL_STRUCT: t = NULL; break;
                default: break;
                }
        }
        if (t) {
                if (buf_puts(out, "{\"type\":\"") || buf_puts(out, t) ||
                    buf_puts(out, "\",\"optional\":true"))
                        return -1;
                return 0;
        }
        if (buf_puts(out, "{\"type\":\"struct\",\"fields\":["))
                return -1;
        for (f = v->u.st.head; f; f = f->next) {
                if (f != v->u.st.head && buf_putc(out, ','))
                        return -1;
                if ((rc = put_schema_open(out, f->value, depth + 1)))
                        return rc;
                if (buf_puts(out, ",\"field\":") ||
                    buf_json_string(out, f->name, f->name_len) ||
                    buf_putc(out, '}'))
                        return -1;
        }
        if (buf_puts(out, "],\"optional\":true"))
                return -1;
        if (v->schema_name &&
            (buf_puts(out, ",\"name\":") ||
             buf_json_string(out, v->schema_name, strlen(v->schema_name))))
                return -1;
        return 0;
}

int converter_from_connect(converter_t *cv, const char *topic,
                           const connectd_value_t *v, buf_t *out,
                           int *is_null, char *errstr, size_t errstr_size)
{
        size_t save = out->len;
        int rc = -1, wrc = 0;

        (void)topic;
        *is_null = 0;
        switch (cv->kind) {
        case CV_STRING:
                if (!v || v->type == CONNECTD_VAL_NULL) {
                        *is_null = 1;
                } else if (v->type == CONNECTD_VAL_STRING ||
                           v->type == CONNECTD_VAL_BYTES) {
                        wrc = buf_append(out, v->u.s.ptr, v->u.s.len);
                } else {
                        wrc = put_text(out, v);
                }
                break;
        case CV_BYTEARRAY:
                if (!v || v->type == CONNECTD_VAL_NULL) {
                        *is_null = 1;
                } else if (v->type == CONNECTD_VAL_STRING ||
                           v->type == CONNECTD_VAL_BYTES) {
                        wrc = buf_append(out, v->u.s.ptr, v->u.s.len);
                } else {
                        snprintf(errstr, errstr_size,
                                 "Invalid schema type for ByteArrayConverter: "
                                 "%s", type_name(v->type));
                        goto out;
                }
                break;
        case CV_JSON:
                if (!v) {
                        *is_null = 1;
                        break;
                }
                if (!cv->schemas_enable) {
                        wrc = put_json_value(out, v, 0);
                        break;
                }
                if (!(wrc = buf_puts(out, "{\"schema\":")) &&
                    !(wrc = put_schema_open(out, v, 0)) &&
                    !(wrc = buf_puts(out, "},\"payload\":")) &&
                    !(wrc = put_json_value(out, v, 0)))
                        wrc = buf_putc(out, '}');
                break;
        }
        if (wrc == -2) {
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

/* ---- to_connect ------------------------------------------------------- */

static connectd_value_t *new_value(arena_t *arena, connectd_value_type_t t)
{
        connectd_value_t *v = arena_alloc(arena, sizeof(*v));

        if (v) {
                memset(v, 0, sizeof(*v));
                v->type = t;
        }
        return v;
}

static connectd_value_t *new_blob(arena_t *arena, connectd_value_type_t t,
                                  const char *p, size_t len)
{
        connectd_value_t *v = new_value(arena, t);

        if (!v)
                return NULL;
        v->u.s.ptr = arena_strndup(arena, p ? p : "", len);
        if (!v->u.s.ptr)
                return NULL;
        v->u.s.len = len;
        return v;
}

static int field_append(arena_t *arena, connectd_value_t *st,
                        const char *name, connectd_value_t *fv)
{
        value_field_t *f = arena_alloc(arena, sizeof(*f));

        if (!f)
                return -1;
        f->name_len = strlen(name);
        f->name = arena_strndup(arena, name, f->name_len);
        if (!f->name)
                return -1;
        f->key = NULL;
        f->value = fv;
        f->next = NULL;
        if (st->u.st.tail)
                st->u.st.tail->next = f;
        else
                st->u.st.head = f;
        st->u.st.tail = f;
        st->u.st.count++;
        return 0;
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

/* Base64 (standard or URL alphabet, padding optional) into the arena. */
static connectd_value_t *b64_decode(arena_t *arena, const char *s, size_t n)
{
        connectd_value_t *v;
        unsigned char *o;
        size_t olen = 0, i;
        unsigned acc = 0;
        int bits = 0, d;

        while (n > 0 && s[n - 1] == '=')
                n--;
        o = arena_alloc(arena, n * 3 / 4 + 1);
        if (!o)
                return NULL;
        for (i = 0; i < n; i++) {
                if ((d = b64val((unsigned char)s[i])) < 0)
                        return NULL;
                acc = (acc << 6) | (unsigned)d;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        o[olen++] = (unsigned char)(acc >> bits);
                        acc &= (1u << bits) - 1;
                }
        }
        o[olen] = '\0';
        v = new_value(arena, CONNECTD_VAL_BYTES);
        if (!v)
                return NULL;
        v->u.s.ptr = (const char *)o;
        v->u.s.len = olen;
        return v;
}

static connectd_value_t *json_text_value(arena_t *arena, const json_t *j)
{
        char *txt = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY |
                                          JSON_PRESERVE_ORDER);
        connectd_value_t *v;

        if (!txt)
                return NULL;
        v = new_blob(arena, CONNECTD_VAL_STRING, txt, strlen(txt));
        free(txt);
        return v;
}

static connectd_value_t *to_value(arena_t *arena, const json_t *j,
                                  const json_t *schema, int depth,
                                  char *errstr, size_t errstr_size);

/* Schemaless: type inferred from the JSON. */
static connectd_value_t *infer_value(arena_t *arena, const json_t *j,
                                     int depth, char *errstr,
                                     size_t errstr_size)
{
        connectd_value_t *v = NULL, *fv;
        const char *key;
        json_t *m;

        if (depth > CV_MAX_DEPTH) {
                snprintf(errstr, errstr_size,
                         "JSON nested deeper than %d levels", CV_MAX_DEPTH);
                return NULL;
        }
        switch (json_typeof(j)) {
        case JSON_NULL:
                return new_value(arena, CONNECTD_VAL_NULL);
        case JSON_STRING:
                return new_blob(arena, CONNECTD_VAL_STRING,
                                json_string_value(j), json_string_length(j));
        case JSON_INTEGER:
                if ((v = new_value(arena, CONNECTD_VAL_INT64)))
                        v->u.i = json_integer_value(j);
                return v;
        case JSON_REAL:
                if ((v = new_value(arena, CONNECTD_VAL_FLOAT64)))
                        v->u.d = json_real_value(j);
                return v;
        case JSON_TRUE:
        case JSON_FALSE:
                if ((v = new_value(arena, CONNECTD_VAL_BOOLEAN)))
                        v->u.i = json_is_true(j);
                return v;
        case JSON_OBJECT:
                if (!(v = new_value(arena, CONNECTD_VAL_STRUCT)))
                        return NULL;
                json_object_foreach((json_t *)j, key, m) {
                        fv = infer_value(arena, m, depth + 1, errstr,
                                         errstr_size);
                        if (!fv || field_append(arena, v, key, fv))
                                return NULL;
                }
                return v;
        case JSON_ARRAY:
                return json_text_value(arena, j);
        }
        return NULL;
}

static connectd_value_t *to_value(arena_t *arena, const json_t *j,
                                  const json_t *schema, int depth,
                                  char *errstr, size_t errstr_size)
{
        const char *t;
        connectd_value_t *v = NULL, *fv;
        json_t *jt, *fields, *f, *jname, *seen;
        size_t i;

        if (!schema || json_is_null(schema))
                return infer_value(arena, j, depth, errstr, errstr_size);
        if (depth > CV_MAX_DEPTH) {
                snprintf(errstr, errstr_size,
                         "JSON nested deeper than %d levels", CV_MAX_DEPTH);
                return NULL;
        }
        if (!json_is_object(schema) ||
            !(jt = json_object_get(schema, "type")) || !json_is_string(jt)) {
                snprintf(errstr, errstr_size,
                         "Schema must contain 'type' field");
                return NULL;
        }
        t = json_string_value(jt);
        if (!j || json_is_null(j))
                return new_value(arena, CONNECTD_VAL_NULL);

        if (strcmp(t, "string") == 0) {
                if (!json_is_string(j))
                        goto mismatch;
                return new_blob(arena, CONNECTD_VAL_STRING,
                                json_string_value(j), json_string_length(j));
        }
        if (strcmp(t, "bytes") == 0) {
                if (!json_is_string(j))
                        goto mismatch;
                v = b64_decode(arena, json_string_value(j),
                               json_string_length(j));
                if (!v)
                        snprintf(errstr, errstr_size,
                                 "Invalid bytes field: not valid base64");
                return v;
        }
        if (strcmp(t, "int8") == 0 || strcmp(t, "int16") == 0 ||
            strcmp(t, "int32") == 0 || strcmp(t, "int64") == 0) {
                if (!json_is_integer(j))
                        goto mismatch;
                if ((v = new_value(arena, CONNECTD_VAL_INT64)))
                        v->u.i = json_integer_value(j);
                return v;
        }
        if (strcmp(t, "float") == 0 || strcmp(t, "double") == 0) {
                if (!json_is_number(j))
                        goto mismatch;
                if ((v = new_value(arena, CONNECTD_VAL_FLOAT64)))
                        v->u.d = json_number_value(j);
                return v;
        }
        if (strcmp(t, "boolean") == 0) {
                if (!json_is_boolean(j))
                        goto mismatch;
                if ((v = new_value(arena, CONNECTD_VAL_BOOLEAN)))
                        v->u.i = json_is_true(j);
                return v;
        }
        if (strcmp(t, "array") == 0 || strcmp(t, "map") == 0)
                return json_text_value(arena, j);
        if (strcmp(t, "struct") == 0) {
                fields = json_object_get(schema, "fields");
                if (!json_is_array(fields)) {
                        snprintf(errstr, errstr_size,
                                 "Struct schema's \"fields\" argument is not "
                                 "an array.");
                        return NULL;
                }
                if (!json_is_object(j))
                        goto mismatch;
                if (!(v = new_value(arena, CONNECTD_VAL_STRUCT)))
                        return NULL;
                jname = json_object_get(schema, "name");
                if (json_is_string(jname) &&
                    !(v->schema_name = arena_strndup(
                              arena, json_string_value(jname),
                              json_string_length(jname))))
                        return NULL;
                /* Connect's SchemaBuilder refuses a field name twice. */
                if (!(seen = json_object()))
                        return NULL;
                json_array_foreach(fields, i, f) {
                        json_t *fn = json_object_get(f, "field");
                        const char *name;

                        if (!json_is_string(fn)) {
                                snprintf(errstr, errstr_size,
                                         "Struct schema's field name not "
                                         "specified properly");
                                goto struct_fail;
                        }
                        name = json_string_value(fn);
                        if (json_object_get(seen, name)) {
                                snprintf(errstr, errstr_size,
                                         "Cannot create field because of "
                                         "field name duplication %s", name);
                                goto struct_fail;
                        }
                        if (json_object_set(seen, name, json_true()))
                                goto struct_fail;
                        fv = to_value(arena, json_object_get(j, name), f,
                                      depth + 1, errstr, errstr_size);
                        if (!fv || field_append(arena, v, name, fv))
                                goto struct_fail;
                }
                json_decref(seen);
                return v;
struct_fail:
                json_decref(seen);
                return NULL;
        }
        snprintf(errstr, errstr_size, "Unknown schema type: %s", t);
        return NULL;
mismatch:
        snprintf(errstr, errstr_size,
                 "Invalid JSON for schema type %s: got a JSON %s", t,
                 json_is_object(j) ? "object" : json_is_array(j) ? "array"
                 : json_is_string(j) ? "string" : json_is_number(j) ? "number"
                 : "boolean");
        return NULL;
}

connectd_value_t *converter_to_connect(converter_t *cv, const char *topic,
                                       const void *data, size_t len,
                                       arena_t *arena, char *errstr,
                                       size_t errstr_size)
{
        connectd_value_t *v = NULL;
        json_t *root = NULL;
        json_error_t jerr;

        (void)topic;
        errstr[0] = '\0';
        if (!data)
                return new_value(arena, CONNECTD_VAL_NULL);
        switch (cv->kind) {
        case CV_STRING:
                v = new_blob(arena, CONNECTD_VAL_STRING, data, len);
                break;
        case CV_BYTEARRAY:
                v = new_blob(arena, CONNECTD_VAL_BYTES, data, len);
                break;
        case CV_JSON:
                root = json_loadb(data, len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                                  &jerr);
                if (!root) {
                        snprintf(errstr, errstr_size,
                                 "Converting byte[] to Kafka Connect data "
                                 "failed due to serialization error: %s "
                                 "(line %d, column %d)",
                                 jerr.text, jerr.line, jerr.column);
                        goto out;
                }
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
                        v = to_value(arena, json_object_get(root, "payload"),
                                     json_object_get(root, "schema"), 0,
                                     errstr, errstr_size);
                } else {
                        v = infer_value(arena, root, 0, errstr, errstr_size);
                }
                break;
        }
out:
        if (!v && !errstr[0])
                snprintf(errstr, errstr_size,
                         "Converting byte[] to Kafka Connect data failed: "
                         "out of memory (arena limit)");
        json_decref(root);
        return v;
}

/* Placeholders until the converters carry schemas: the schema is ignored
 * on the way out and not reported on the way in. */
int converter_from_connect_schema(converter_t *cv, const char *topic,
                                  const connect_schema_t *schema,
                                  const connectd_value_t *v, buf_t *out,
                                  int *is_null, char *errstr,
                                  size_t errstr_size)
{
        (void)schema;
        return converter_from_connect(cv, topic, v, out, is_null, errstr,
                                      errstr_size);
}

connectd_value_t *converter_to_connect_schema(
        converter_t *cv, const char *topic, const void *data, size_t len,
        arena_t *arena, const connect_schema_t **schema_out, char *errstr,
        size_t errstr_size)
{
        *schema_out = NULL;
        return converter_to_connect(cv, topic, data, len, arena, errstr,
                                    errstr_size);
}
