/* Unit tests for server/runtime/converter.c: exact bytes of String, Json (with and
 * without schemas) and ByteArray converters, round trips and errors. */
#include <criterion/criterion.h>
#include <string.h>

#include "converter.h"

static batch_t *b;
static connectd_record_t *r;
static buf_t out;
static char err[512];

static void setup(void)
{
        b = batch_new();
        r = record_add(b, "t");
        buf_init(&out, 0);
        err[0] = '\0';
}

static void teardown(void)
{
        buf_free(&out);
        batch_destroy(b);
}

TestSuite(converter, .init = setup, .fini = teardown);

static converter_t *mk(const char *cls, const char *props_json)
{
        json_t *props = props_json ? json_loads(props_json, 0, NULL) : NULL;
        converter_t *cv = converter_new(cls, props, 0, err, sizeof(err));

        json_decref(props);
        cr_assert_not_null(cv, "converter_new(%s): %s", cls, err);
        return cv;
}

/* Serialize v and compare with want (NULL: expect a Kafka null). */
static void expect_bytes(converter_t *cv, const connectd_value_t *v,
                         const char *want, size_t wantlen)
{
        int is_null = -1;

        buf_reset(&out);
        cr_assert_eq(converter_from_connect(cv, "t", v, &out, &is_null, err,
                                            sizeof(err)), 0, "%s", err);
        if (!want) {
                cr_assert_eq(is_null, 1);
                cr_assert_eq(out.len, 0);
                return;
        }
        cr_assert_eq(is_null, 0);
        cr_assert_eq(out.len, wantlen, "got [%.*s]", (int)out.len, out.data);
        cr_assert(memcmp(out.data, want, wantlen) == 0, "got [%.*s] want [%s]",
                  (int)out.len, out.data, want);
}

#define EXPECT(cv, v, s) expect_bytes(cv, v, s, sizeof(s) - 1)

static connectd_value_t *str(const char *s)
{
        return value_string(r, s, strlen(s));
}

static connectd_value_t *book(void)
{
        connectd_value_t *st = value_struct(r, "com.amazonaws.mskdatagen.Gen0");

        struct_put(r, st, "title", str("Vanity Fair"));
        struct_put(r, st, "author", str("Edna Veum"));
        struct_put(r, st, "genre", str("Fable"));
        return st;
}

Test(converter, known_names)
{
        cr_assert(converter_known("StringConverter"));
        cr_assert(converter_known("org.apache.kafka.connect.json.JsonConverter"));
        cr_assert(converter_known("ByteArrayConverter"));
        cr_assert(converter_known(
                "org.apache.kafka.connect.converters.ByteArrayConverter"));
        cr_assert_not(converter_known("org.example.Nope"));
        cr_assert_not(converter_known(NULL));
        int n = 0;
        for (const char *const *c = converter_classes; *c; c++, n++)
                cr_assert(converter_known(*c));
        cr_assert_eq(n, 3);
        cr_assert_null(converter_new("Nope", NULL, 0, err, sizeof(err)));
        cr_assert_str_eq(err, "Class Nope could not be found.");
}

Test(converter, string_converter)
{
        converter_t *cv = mk("org.apache.kafka.connect.storage.StringConverter",
                             NULL);

        EXPECT(cv, str("héllo \"x\"\n"), "héllo \"x\"\n");
        expect_bytes(cv, NULL, NULL, 0);
        expect_bytes(cv, value_null(r), NULL, 0);
        EXPECT(cv, value_int64(r, -7), "-7");
        EXPECT(cv, value_float64(r, 1e7), "1.0E7");
        EXPECT(cv, value_boolean(r, 1), "true");
        EXPECT(cv, book(),
               "Struct{title=Vanity Fair,author=Edna Veum,genre=Fable}");
        EXPECT(cv, value_string(r, "", 0), "");
        converter_destroy(cv);
}

Test(converter, string_converter_large_struct_text_grows_buffer)
{
        converter_t *cv = mk("StringConverter", NULL);
        connectd_value_t *st = value_struct(r, NULL);
        char name[16];
        int i, is_null;

        for (i = 0; i < 500; i++) {
                snprintf(name, sizeof(name), "f%d", i);
                struct_put(r, st, name, str("value-value-value"));
        }
        cr_assert_eq(converter_from_connect(cv, "t", st, &out, &is_null, err,
                                            sizeof(err)), 0);
        char want[32768];
        size_t n = value_to_text(st, want, sizeof(want));
        cr_assert_eq(out.len, n);
        cr_assert(memcmp(out.data, want, n) == 0);
        converter_destroy(cv);
}

Test(converter, string_converter_encoding)
{
        converter_t *cv = mk("StringConverter", "{\"converter.encoding\":\"utf-8\"}");
        converter_destroy(cv);
        json_t *p = json_loads("{\"converter.encoding\":\"UTF-16\"}", 0, NULL);
        cr_assert_null(converter_new("StringConverter", p, 0, err, sizeof(err)));
        cr_assert(strstr(err, "UTF-16") != NULL);
        json_decref(p);
}

Test(converter, string_to_connect)
{
        converter_t *cv = mk("StringConverter", NULL);
        connectd_value_t *v;
        size_t len;

        v = converter_to_connect(cv, "t", "abc", 3, b->arena, err, sizeof(err));
        cr_assert_eq(value_type(v), CONNECTD_VAL_STRING);
        cr_assert(memcmp(value_data(v, &len), "abc", 3) == 0);
        cr_assert_eq(len, 3);
        v = converter_to_connect(cv, "t", NULL, 0, b->arena, err, sizeof(err));
        cr_assert_eq(value_type(v), CONNECTD_VAL_NULL);
        converter_destroy(cv);
}

Test(converter, json_schemaless_exact_bytes)
{
        converter_t *cv = mk("JsonConverter", "{\"schemas.enable\":\"false\"}");
        connectd_value_t *st;

        EXPECT(cv, book(),
               "{\"title\":\"Vanity Fair\",\"author\":\"Edna Veum\","
               "\"genre\":\"Fable\"}");
        EXPECT(cv, str("a\"b\\c/d\n\t\x01é"),
               "\"a\\\"b\\\\c/d\\n\\t\\u0001é\"");
        EXPECT(cv, value_null(r), "null");
        expect_bytes(cv, NULL, NULL, 0); /* no schema, no value: Kafka null */
        EXPECT(cv, value_int64(r, 42), "42");
        EXPECT(cv, value_float64(r, 2.5), "2.5");
        EXPECT(cv, value_float64(r, 1e-5), "1.0E-5");
        EXPECT(cv, value_float64(r, 0.0 / 0.0), "\"NaN\"");
        EXPECT(cv, value_boolean(r, 0), "false");
        EXPECT(cv, value_bytes(r, "hello", 5), "\"aGVsbG8=\"");
        EXPECT(cv, value_bytes(r, "hi", 2), "\"aGk=\"");
        EXPECT(cv, value_bytes(r, "abc", 3), "\"YWJj\"");
        EXPECT(cv, value_bytes(r, "", 0), "\"\"");

        st = value_struct(r, NULL);
        connectd_value_t *in = value_struct(r, "Gen1");
        struct_put(r, in, "x", value_int64(r, 1));
        struct_put(r, st, "in", in);
        struct_put(r, st, "n", value_null(r));
        struct_put(r, st, "e", value_struct(r, NULL));
        EXPECT(cv, st, "{\"in\":{\"x\":1},\"n\":null,\"e\":{}}");
        converter_destroy(cv);
}

Test(converter, json_schemas_exact_bytes)
{
        converter_t *cv = mk("org.apache.kafka.connect.json.JsonConverter",
                             NULL); /* schemas.enable defaults to true */

        EXPECT(cv, str("x"),
               "{\"schema\":{\"type\":\"string\",\"optional\":true},"
               "\"payload\":\"x\"}");
        EXPECT(cv, value_null(r),
               "{\"schema\":{\"type\":\"string\",\"optional\":true},"
               "\"payload\":null}");
        expect_bytes(cv, NULL, NULL, 0);
        EXPECT(cv, value_int64(r, -1),
               "{\"schema\":{\"type\":\"int64\",\"optional\":true},"
               "\"payload\":-1}");
        EXPECT(cv, value_float64(r, 1.0),
               "{\"schema\":{\"type\":\"double\",\"optional\":true},"
               "\"payload\":1.0}");
        EXPECT(cv, value_boolean(r, 1),
               "{\"schema\":{\"type\":\"boolean\",\"optional\":true},"
               "\"payload\":true}");
        EXPECT(cv, value_bytes(r, "hello", 5),
               "{\"schema\":{\"type\":\"bytes\",\"optional\":true},"
               "\"payload\":\"aGVsbG8=\"}");
        EXPECT(cv, book(),
               "{\"schema\":{\"type\":\"struct\",\"fields\":["
               "{\"type\":\"string\",\"optional\":true,\"field\":\"title\"},"
               "{\"type\":\"string\",\"optional\":true,\"field\":\"author\"},"
               "{\"type\":\"string\",\"optional\":true,\"field\":\"genre\"}],"
               "\"optional\":true,\"name\":\"com.amazonaws.mskdatagen.Gen0\"},"
               "\"payload\":{\"title\":\"Vanity Fair\",\"author\":\"Edna Veum\","
               "\"genre\":\"Fable\"}}");

        connectd_value_t *st = value_struct(r, "com.amazonaws.mskdatagen.Gen0");
        connectd_value_t *in = value_struct(r, "com.amazonaws.mskdatagen.Gen1");
        connectd_value_t *anon = value_struct(r, NULL);
        struct_put(r, in, "x", str("1"));
        struct_put(r, st, "a", in);
        struct_put(r, st, "n", value_null(r));
        struct_put(r, anon, "i", value_int64(r, 5));
        struct_put(r, st, "b", anon);
        EXPECT(cv, st,
               "{\"schema\":{\"type\":\"struct\",\"fields\":["
               "{\"type\":\"struct\",\"fields\":["
               "{\"type\":\"string\",\"optional\":true,\"field\":\"x\"}],"
               "\"optional\":true,\"name\":\"com.amazonaws.mskdatagen.Gen1\","
               "\"field\":\"a\"},"
               "{\"type\":\"string\",\"optional\":true,\"field\":\"n\"},"
               "{\"type\":\"struct\",\"fields\":["
               "{\"type\":\"int64\",\"optional\":true,\"field\":\"i\"}],"
               "\"optional\":true,\"field\":\"b\"}],"
               "\"optional\":true,\"name\":\"com.amazonaws.mskdatagen.Gen0\"},"
               "\"payload\":{\"a\":{\"x\":\"1\"},\"n\":null,\"b\":{\"i\":5}}}");
        converter_destroy(cv);
}

Test(converter, json_schemas_enable_setting)
{
        converter_t *cv = mk("JsonConverter", "{\"schemas.enable\":\" FALSE \"}");
        EXPECT(cv, str("x"), "\"x\"");
        converter_destroy(cv);
        cv = mk("JsonConverter", "{\"schemas.enable\":\"True\"}");
        EXPECT(cv, value_int64(r, 1),
               "{\"schema\":{\"type\":\"int64\",\"optional\":true},"
               "\"payload\":1}");
        converter_destroy(cv);
        cv = mk("JsonConverter", "{\"schemas.enable\":false}");
        EXPECT(cv, value_int64(r, 1), "1");
        converter_destroy(cv);

        json_t *p = json_loads("{\"schemas.enable\":\"yes\"}", 0, NULL);
        cr_assert_null(converter_new("JsonConverter", p, 0, err, sizeof(err)));
        cr_assert_str_eq(err, "Invalid value yes for configuration "
                              "schemas.enable: Expected value to be either "
                              "true or false");
        json_decref(p);
}

/* schemas.enable is read like ConfigDef's BOOLEAN (String.trim: any char
 * <= ' '), and a JSON real is named in the error as Double.toString. */
Test(converter, json_schemas_enable_java_boolean)
{
        converter_t *cv = mk("JsonConverter",
                             "{\"schemas.enable\":\"\\r\\n false\\t\\f\"}");
        EXPECT(cv, value_int64(r, 1), "1");
        converter_destroy(cv);

        json_t *p = json_loads("{\"schemas.enable\":1e100}", 0, NULL);
        cr_assert_null(converter_new("JsonConverter", p, 0, err, sizeof(err)));
        cr_assert_str_eq(err, "Invalid value 1.0E100 for configuration "
                              "schemas.enable: Expected value to be either "
                              "true or false");
        json_decref(p);
}

/* Doubles leave the JSON converter as Jackson writes them
 * (Double.toString) and come back as the same double. */
Test(converter, json_doubles_java_tostring_round_trip)
{
        converter_t *cv = mk("JsonConverter", "{\"schemas.enable\":\"false\"}");
        static const struct {
                double d;
                const char *json;
        } cases[] = {
                { 0.1 + 0.2, "0.30000000000000004" },
                { 1e100, "1.0E100" },
                { 4.9e-324, "4.9E-324" },
                { 2 * 4.9e-324, "9.9E-324" },
                { 100.0, "100.0" },
                { -0.0, "-0.0" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                connectd_value_t *v;

                expect_bytes(cv, value_float64(r, cases[i].d), cases[i].json,
                             strlen(cases[i].json));
                v = converter_to_connect(cv, "t", cases[i].json,
                                         strlen(cases[i].json), b->arena, err,
                                         sizeof(err));
                cr_assert_not_null(v, "%s: %s", cases[i].json, err);
                cr_assert_eq(value_type(v), CONNECTD_VAL_FLOAT64);
                cr_assert(memcmp(&(double){ value_double(v) }, &cases[i].d,
                                 sizeof(double)) == 0, "%s", cases[i].json);
        }
        converter_destroy(cv);
}

/* Class names are trimmed as ConfigDef trims a CLASS value (a .properties
 * line keeps trailing blanks); header converters include Connect's
 * SimpleHeaderConverter. */
Test(converter, class_names_trimmed_and_header_converters)
{
        converter_t *cv = converter_new(" JsonConverter\t ", NULL, 0, err,
                                        sizeof(err));

        cr_assert_not_null(cv, "%s", err);
        converter_destroy(cv);
        cr_assert(converter_known("org.apache.kafka.connect.storage."
                                  "StringConverter \r"));
        cr_assert_not(converter_known("java.lang.String"));
        cr_assert_not(converter_known("SimpleHeaderConverter"));
        cr_assert(converter_header_known("SimpleHeaderConverter"));
        cr_assert(converter_header_known("org.apache.kafka.connect.storage."
                                         "SimpleHeaderConverter "));
        cr_assert(converter_header_known("ByteArrayConverter"));
        cr_assert_not(converter_header_known("java.lang.String"));
        cr_assert_not(converter_header_known(NULL));
}

/* Found by fuzz_json_converter: a struct schema naming a field twice was
 * accepted, and what we wrote then read back differently. Connect's
 * SchemaBuilder refuses it. */
Test(converter, json_struct_schema_duplicate_field_refused)
{
        converter_t *cv = mk("JsonConverter", NULL);
        static const char in[] =
                "{\"schema\":{\"type\":\"struct\",\"fields\":["
                "{\"type\":\"string\",\"optional\":true,\"field\":\"b\"},"
                "{\"type\":\"bytes\",\"optional\":true,\"field\":\"b\"}],"
                "\"optional\":true},\"payload\":{\"b\":\"QUJD\"}}";

        cr_assert_null(converter_to_connect(cv, "t", in, strlen(in),
                                            b->arena, err, sizeof(err)));
        cr_assert_str_eq(err, "Cannot create field because of field name "
                              "duplication b");
        /* Nested too. */
        static const char nested[] =
                "{\"schema\":{\"type\":\"struct\",\"fields\":["
                "{\"type\":\"struct\",\"field\":\"s\",\"fields\":["
                "{\"type\":\"int64\",\"field\":\"x\"},"
                "{\"type\":\"int64\",\"field\":\"x\"}]}]},"
                "\"payload\":{\"s\":{\"x\":1}}}";
        cr_assert_null(converter_to_connect(cv, "t", nested, strlen(nested),
                                            b->arena, err, sizeof(err)));
        cr_assert(strstr(err, "duplication x"), "%s", err);
        converter_destroy(cv);
}

Test(converter, json_output_respects_ceiling)
{
        converter_t *cv = mk("JsonConverter", NULL);
        int is_null;

        buf_free(&out);
        buf_init(&out, 20);
        buf_puts(&out, "keep");
        cr_assert_eq(converter_from_connect(cv, "t", book(), &out, &is_null,
                                            err, sizeof(err)), -1);
        cr_assert_eq(out.len, 4);
        cr_assert_str_eq(out.data, "keep");
        cr_assert(strlen(err) > 0);
        converter_destroy(cv);
}

static connectd_value_t *parse(converter_t *cv, const char *s)
{
        return converter_to_connect(cv, "t", s, strlen(s), b->arena, err,
                                    sizeof(err));
}

Test(converter, json_round_trip_schemas)
{
        converter_t *cv = mk("JsonConverter", NULL);
        connectd_value_t *st = value_struct(r, "com.amazonaws.mskdatagen.Gen0");
        connectd_value_t *in = value_struct(r, "Gen1");
        connectd_value_t *back;
        int is_null;
        buf_t again;

        struct_put(r, in, "f", value_float64(r, 0.25));
        struct_put(r, st, "s", str("q\"uote\n"));
        struct_put(r, st, "i", value_int64(r, 123456789012345LL));
        struct_put(r, st, "bo", value_boolean(r, 1));
        struct_put(r, st, "by", value_bytes(r, "\0\xff", 2));
        struct_put(r, st, "nu", value_null(r));
        struct_put(r, st, "in", in);
        cr_assert_eq(converter_from_connect(cv, "t", st, &out, &is_null, err,
                                            sizeof(err)), 0);
        back = converter_to_connect(cv, "t", out.data, out.len, b->arena, err,
                                    sizeof(err));
        cr_assert_not_null(back, "%s", err);
        cr_assert_eq(value_type(back), CONNECTD_VAL_STRUCT);
        cr_assert_str_eq(back->schema_name, "com.amazonaws.mskdatagen.Gen0");
        const char *name;
        size_t len;
        const connectd_value_t *by = struct_field(back, 3, &name);
        cr_assert_str_eq(name, "by");
        cr_assert_eq(value_type(by), CONNECTD_VAL_BYTES);
        cr_assert(memcmp(value_data(by, &len), "\0\xff", 2) == 0);
        cr_assert_eq(len, 2);
        /* Serializing the decoded value gives the same bytes again. */
        buf_init(&again, 0);
        cr_assert_eq(converter_from_connect(cv, "t", back, &again, &is_null,
                                            err, sizeof(err)), 0);
        cr_assert_eq(again.len, out.len);
        cr_assert(memcmp(again.data, out.data, out.len) == 0, "%s\n%s",
                  again.data, out.data);
        buf_free(&again);
        converter_destroy(cv);
}

Test(converter, json_schemaless_to_connect_infers_types)
{
        converter_t *cv = mk("JsonConverter", "{\"schemas.enable\":\"false\"}");
        connectd_value_t *v;
        const char *name;
        size_t len;

        v = parse(cv, "{\"a\":1,\"b\":1.5,\"c\":\"s\",\"d\":true,\"e\":null,"
                      "\"f\":[1, \"x\"],\"g\":{\"h\":false}}");
        cr_assert_not_null(v, "%s", err);
        cr_assert_eq(value_type(v), CONNECTD_VAL_STRUCT);
        cr_assert_null(v->schema_name);
        cr_assert_eq(struct_count(v), 7);
        cr_assert_eq(value_type(struct_field(v, 0, &name)), CONNECTD_VAL_INT64);
        cr_assert_str_eq(name, "a");
        cr_assert_eq(value_type(struct_field(v, 1, &name)), CONNECTD_VAL_FLOAT64);
        cr_assert_eq(value_type(struct_field(v, 2, &name)), CONNECTD_VAL_STRING);
        cr_assert_eq(value_type(struct_field(v, 3, &name)), CONNECTD_VAL_BOOLEAN);
        cr_assert_eq(value_type(struct_field(v, 4, &name)), CONNECTD_VAL_NULL);
        /* An array is an ARRAY (it used to be a STRING of its JSON text,
         * when the data model had no arrays). */
        const connectd_value_t *arr = struct_field(v, 5, &name);
        cr_assert_eq(value_type(arr), CONNECTD_VAL_ARRAY);
        cr_assert_eq(arr->u.st.count, 2);
        cr_assert_eq(value_type(arr->u.st.head->value), CONNECTD_VAL_INT64);
        const char *txt = value_data(arr->u.st.tail->value, &len);
        cr_assert_eq(len, 1);
        cr_assert(memcmp(txt, "x", len) == 0);
        cr_assert_eq(value_type(struct_field(v, 6, &name)), CONNECTD_VAL_STRUCT);
        cr_assert_str_eq(name, "g");

        v = parse(cv, "\"plain\"");
        cr_assert_eq(value_type(v), CONNECTD_VAL_STRING);
        v = parse(cv, "null");
        cr_assert_eq(value_type(v), CONNECTD_VAL_NULL);
        v = converter_to_connect(cv, "t", NULL, 0, b->arena, err, sizeof(err));
        cr_assert_eq(value_type(v), CONNECTD_VAL_NULL);
        converter_destroy(cv);
}

Test(converter, json_errors)
{
        converter_t *cv = mk("JsonConverter", NULL);

        cr_assert_null(parse(cv, "{\"a\":1}"));
        cr_assert_str_eq(err,
                "JsonConverter with schemas.enable requires \"schema\" and "
                "\"payload\" fields and may not contain additional fields. If "
                "you are trying to deserialize plain JSON data, set "
                "schemas.enable=false in your converter configuration.");
        cr_assert_null(parse(cv, "{\"schema\":null,\"payload\":1,\"x\":2}"));
        cr_assert(strstr(err, "schemas.enable") != NULL);
        cr_assert_null(parse(cv, "{not json"));
        cr_assert(strstr(err, "serialization error") != NULL, "%s", err);
        cr_assert_null(parse(cv, "{\"schema\":{\"type\":\"int64\"},"
                                 "\"payload\":\"x\"}"));
        cr_assert_null(parse(cv, "{\"schema\":{\"type\":\"wat\"},"
                                 "\"payload\":1}"));
        cr_assert_str_eq(err, "Unknown schema type: wat");
        cr_assert_null(parse(cv, "{\"schema\":{},\"payload\":1}"));
        cr_assert_str_eq(err, "Schema must contain 'type' field");

        connectd_value_t *v = parse(cv, "{\"schema\":null,\"payload\":7}");
        cr_assert_eq(value_type(v), CONNECTD_VAL_INT64);
        cr_assert_eq(value_int(v), 7);
        v = parse(cv, "{\"schema\":{\"type\":\"int32\",\"optional\":false},"
                      "\"payload\":3}");
        cr_assert_eq(value_int(v), 3);
        converter_destroy(cv);
}

Test(converter, bytearray_converter)
{
        converter_t *cv = mk("org.apache.kafka.connect.converters.ByteArrayConverter",
                             NULL);
        int is_null;

        expect_bytes(cv, value_bytes(r, "a\0b", 3), "a\0b", 3);
        EXPECT(cv, str("text"), "text");
        expect_bytes(cv, NULL, NULL, 0);
        expect_bytes(cv, value_null(r), NULL, 0);
        cr_assert_eq(converter_from_connect(cv, "t", value_int64(r, 1), &out,
                                            &is_null, err, sizeof(err)), -1);
        cr_assert_str_eq(err, "Invalid schema type for ByteArrayConverter: INT64");
        connectd_value_t *v = converter_to_connect(cv, "t", "\x01\x02", 2,
                                                   b->arena, err, sizeof(err));
        cr_assert_eq(value_type(v), CONNECTD_VAL_BYTES);
        v = converter_to_connect(cv, "t", NULL, 0, b->arena, err, sizeof(err));
        cr_assert_eq(value_type(v), CONNECTD_VAL_NULL);
        converter_destroy(cv);
}

Test(converter, json_cyclic_struct_is_an_error)
{
        converter_t *cv = mk("JsonConverter", NULL);
        connectd_value_t *st = value_struct(r, NULL);
        int is_null;

        struct_put(r, st, "self", st);
        cr_assert_eq(converter_from_connect(cv, "t", st, &out, &is_null, err,
                                            sizeof(err)), -1);
        cr_assert(strstr(err, "nested deeper") != NULL, "%s", err);
        cr_assert_eq(out.len, 0);
        converter_destroy(cv);
}

/* ---- schemas (JsonConverter.asConnectSchema / asJsonSchema) ---- */

/* Decode with the schema, encode with the schema that came out, and
 * compare with Java's bytes (key order as Jackson writes the ObjectNodes
 * JsonConverter builds). */
static void json_round(converter_t *cv, const char *in, const char *want)
{
        const connect_schema_t *s = NULL;
        connectd_value_t *v;
        int is_null = -1;

        v = converter_to_connect_schema(cv, "t", in, strlen(in), b->arena, &s,
                                        err, sizeof(err));
        cr_assert_not_null(v, "%s: %s", in, err);
        buf_reset(&out);
        cr_assert_eq(converter_from_connect_schema(cv, "t", s, v, &out,
                                                   &is_null, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(is_null, 0);
        cr_assert_eq(out.len, strlen(want), "got [%.*s]\nwant [%s]",
                     (int)out.len, out.data, want);
        cr_assert(memcmp(out.data, want, out.len) == 0,
                  "got [%.*s]\nwant [%s]", (int)out.len, out.data, want);
}

static connectd_value_t *decode(converter_t *cv, const char *in,
                                const connect_schema_t **s)
{
        return converter_to_connect_schema(cv, "t", in, strlen(in), b->arena,
                                           s, err, sizeof(err));
}

Test(converter, json_schema_struct_round_trip_java_bytes)
{
        converter_t *cv = mk("JsonConverter", NULL);
        const connect_schema_t *s;
        connectd_value_t *v;

        /* JsonConverterTest.structToConnect / structToJson */
        json_round(cv,
                   "{ \"schema\": { \"type\": \"struct\", \"fields\": [{ "
                   "\"field\": \"field1\", \"type\": \"boolean\" }, { "
                   "\"field\": \"field2\", \"type\": \"string\" }] }, "
                   "\"payload\": { \"field1\": true, \"field2\": \"string\" } }",
                   "{\"schema\":{\"type\":\"struct\",\"fields\":["
                   "{\"type\":\"boolean\",\"optional\":false,\"field\":\"field1\"},"
                   "{\"type\":\"string\",\"optional\":false,\"field\":\"field2\"}],"
                   "\"optional\":false},"
                   "\"payload\":{\"field1\":true,\"field2\":\"string\"}}");
        v = decode(cv, "{ \"schema\": { \"type\": \"struct\", \"fields\": [{ "
                       "\"field\": \"field1\", \"type\": \"boolean\" }] }, "
                       "\"payload\": { \"field1\": true } }", &s);
        cr_assert_eq(s->type, CONNECTD_VAL_STRUCT);
        cr_assert_eq(v->schema, s);
        cr_assert_eq(s->nfields, 1);
        cr_assert_str_eq(s->fields[0].name, "field1");
        cr_assert_eq(s->fields[0].schema->type, CONNECTD_VAL_BOOLEAN);
        cr_assert_not(s->optional);
        /* structWithOptionalFieldToConnect: the missing field is null */
        v = decode(cv, "{ \"schema\": { \"type\": \"struct\", \"fields\": [{ "
                       "\"field\":\"optional\", \"type\": \"string\", "
                       "\"optional\": true }, {  \"field\": \"required\", "
                       "\"type\": \"string\" }] }, \"payload\": { "
                       "\"required\": \"required\" } }", &s);
        cr_assert_not_null(v, "%s", err);
        cr_assert_null(val_get(v, "optional", NULL));
        converter_destroy(cv);
}

Test(converter, json_schema_metadata_round_trip)
{
        converter_t *cv = mk("JsonConverter", NULL);
        const connect_schema_t *s;
        connectd_value_t *v;

        json_round(cv,
                   "{ \"schema\": { \"type\": \"boolean\", \"optional\": false, "
                   "\"name\": \"bool\", \"version\": 2, \"doc\": \"the "
                   "documentation\", \"parameters\": { \"foo\": \"bar\" }}, "
                   "\"payload\": true }",
                   "{\"schema\":{\"type\":\"boolean\",\"optional\":false,"
                   "\"name\":\"bool\",\"version\":2,\"doc\":\"the "
                   "documentation\",\"parameters\":{\"foo\":\"bar\"}},"
                   "\"payload\":true}");
        /* a null payload takes the schema default */
        v = decode(cv, "{ \"schema\": { \"type\": \"boolean\", \"default\": "
                       "true }, \"payload\": null }", &s);
        cr_assert_eq(v->type, CONNECTD_VAL_BOOLEAN);
        cr_assert_eq(v->u.i, 1);
        json_round(cv, "{ \"schema\": { \"type\": \"boolean\", \"default\": "
                       "true }, \"payload\": null }",
                   "{\"schema\":{\"type\":\"boolean\",\"optional\":false,"
                   "\"default\":true},\"payload\":true}");
        converter_destroy(cv);
}

Test(converter, json_schema_exact_types)
{
        converter_t *cv = mk("JsonConverter", NULL);
        const connect_schema_t *s;
        connectd_value_t *v;

        v = decode(cv, "{ \"schema\": { \"type\": \"int8\" }, \"payload\": 12 }",
                   &s);
        cr_assert_eq(v->type, CONNECTD_VAL_INT8);
        v = decode(cv, "{ \"schema\": { \"type\": \"int16\" }, \"payload\": 12 }",
                   &s);
        cr_assert_eq(v->type, CONNECTD_VAL_INT16);
        v = decode(cv, "{ \"schema\": { \"type\": \"int32\" }, \"payload\": 12 }",
                   &s);
        cr_assert_eq(v->type, CONNECTD_VAL_INT32);
        cr_assert_eq(s->type, CONNECTD_VAL_INT32);
        v = decode(cv, "{ \"schema\": { \"type\": \"float\" }, \"payload\": "
                       "12.34 }", &s);
        cr_assert_eq(v->type, CONNECTD_VAL_FLOAT32);
        cr_assert_eq(v->u.d, (double)12.34f);
        json_round(cv, "{ \"schema\": { \"type\": \"float\" }, \"payload\": "
                       "12.34 }",
                   "{\"schema\":{\"type\":\"float\",\"optional\":false},"
                   "\"payload\":12.34}");
        json_round(cv, "{ \"schema\": { \"type\": \"int64\" }, \"payload\": "
                       "4398046511104 }",
                   "{\"schema\":{\"type\":\"int64\",\"optional\":false},"
                   "\"payload\":4398046511104}");
        json_round(cv, "{ \"schema\": { \"type\": \"bytes\" }, \"payload\": "
                       "\"dGVzdC1zdHJpbmc=\" }",
                   "{\"schema\":{\"type\":\"bytes\",\"optional\":false},"
                   "\"payload\":\"dGVzdC1zdHJpbmc=\"}");
        json_round(cv, "{ \"schema\": { \"type\": \"array\", \"items\": { "
                       "\"type\" : \"int32\" } }, \"payload\": [1, 2, 3] }",
                   "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":"
                   "\"int32\",\"optional\":false},\"optional\":false},"
                   "\"payload\":[1,2,3]}");
        json_round(cv, "{ \"schema\": { \"type\": \"map\", \"keys\": { "
                       "\"type\" : \"string\" }, \"values\": { \"type\" : "
                       "\"int32\" } }, \"payload\": { \"key2\": 15, "
                       "\"key1\": 12} }",
                   "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":"
                   "\"string\",\"optional\":false},\"values\":{\"type\":"
                   "\"int32\",\"optional\":false},\"optional\":false},"
                   "\"payload\":{\"key1\":12,\"key2\":15}}");
        /* maps with other keys: [key, value] pairs */
        v = decode(cv, "{ \"schema\": { \"type\": \"map\", \"keys\": { "
                       "\"type\" : \"int32\" }, \"values\": { \"type\" : "
                       "\"int32\" } }, \"payload\": [ [2, 15], [1, 12] ] }",
                   &s);
        cr_assert_eq(v->type, CONNECTD_VAL_MAP);
        cr_assert_eq(v->u.st.head->key->type, CONNECTD_VAL_INT32);
        json_round(cv, "{ \"schema\": { \"type\": \"map\", \"keys\": { "
                       "\"type\" : \"int32\" }, \"values\": { \"type\" : "
                       "\"int32\" } }, \"payload\": [ [2, 15], [1, 12] ] }",
                   "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":"
                   "\"int32\",\"optional\":false},\"values\":{\"type\":"
                   "\"int32\",\"optional\":false},\"optional\":false},"
                   "\"payload\":[[1,12],[2,15]]}");
        converter_destroy(cv);
}

Test(converter, json_schema_logical_types)
{
        converter_t *cv = mk("JsonConverter", NULL);
        const connect_schema_t *s;
        connectd_value_t *v;

        /* decimalToConnect: AJw= is {0, -100}, 156 unscaled */
        json_round(cv, "{ \"schema\": { \"type\": \"bytes\", \"name\": "
                       "\"org.apache.kafka.connect.data.Decimal\", \"version\": "
                       "1, \"parameters\": { \"scale\": \"2\" } }, "
                       "\"payload\": \"AJw=\" }",
                   "{\"schema\":{\"type\":\"bytes\",\"optional\":false,"
                   "\"name\":\"org.apache.kafka.connect.data.Decimal\","
                   "\"version\":1,\"parameters\":{\"scale\":\"2\"}},"
                   "\"payload\":\"AJw=\"}");
        json_round(cv, "{ \"schema\": { \"type\": \"int32\", \"name\": "
                       "\"org.apache.kafka.connect.data.Date\", \"version\": 1 "
                       "}, \"payload\": 10000 }",
                   "{\"schema\":{\"type\":\"int32\",\"optional\":false,"
                   "\"name\":\"org.apache.kafka.connect.data.Date\","
                   "\"version\":1},\"payload\":10000}");
        json_round(cv, "{ \"schema\": { \"type\": \"int64\", \"name\": "
                       "\"org.apache.kafka.connect.data.Timestamp\", "
                       "\"version\": 1, \"default\": 42 }, \"payload\": null }",
                   "{\"schema\":{\"type\":\"int64\",\"optional\":false,"
                   "\"name\":\"org.apache.kafka.connect.data.Timestamp\","
                   "\"version\":1,\"default\":42},\"payload\":42}");
        cr_assert_null(decode(cv, "{ \"schema\": { \"type\": \"int64\", "
                                  "\"name\": \"org.apache.kafka.connect.data."
                                  "Date\" }, \"payload\": 1 }", &s));
        cr_assert_str_eq(err, "Invalid type for Date, underlying "
                              "representation should be int32 but was class "
                              "java.lang.Long");
        /* SchemaBuilder.map refuses a null key or value schema */
        cr_assert_null(decode(cv, "{ \"schema\": { \"type\": \"map\", "
                                  "\"keys\": null, \"values\": { \"type\": "
                                  "\"int8\" } }, \"payload\": [] }", &s));
        cr_assert_str_eq(err, "keySchema cannot be null.");
        cr_assert_null(decode(cv, "{ \"schema\": { \"type\": \"map\", "
                                  "\"keys\": { \"type\": \"int8\" }, "
                                  "\"values\": null }, \"payload\": [] }",
                              &s));
        cr_assert_str_eq(err, "valueSchema cannot be null.");
        converter_destroy(cv);

        /* decimal.format=NUMERIC writes BigDecimal.toString and reads a
         * number back at the schema's scale */
        cv = mk("JsonConverter", "{\"decimal.format\":\"numeric\"}");
        json_round(cv, "{ \"schema\": { \"type\": \"bytes\", \"name\": "
                       "\"org.apache.kafka.connect.data.Decimal\", \"version\": "
                       "1, \"parameters\": { \"scale\": \"4\" } }, "
                       "\"payload\": \"Ozg=\" }",
                   "{\"schema\":{\"type\":\"bytes\",\"optional\":false,"
                   "\"name\":\"org.apache.kafka.connect.data.Decimal\","
                   "\"version\":1,\"parameters\":{\"scale\":\"4\"}},"
                   "\"payload\":1.5160}");
        v = decode(cv, "{ \"schema\": { \"type\": \"bytes\", \"name\": "
                       "\"org.apache.kafka.connect.data.Decimal\", \"version\": "
                       "1, \"parameters\": { \"scale\": \"2\" } }, "
                       "\"payload\": 1.56 }", &s);
        cr_assert_not_null(v, "%s", err);
        cr_assert_eq(v->u.s.len, 2);
        cr_assert_eq((unsigned char)v->u.s.ptr[0], 0);
        cr_assert_eq((unsigned char)v->u.s.ptr[1], 156);
        converter_destroy(cv);
        json_t *p = json_pack("{ss}", "decimal.format", "x");
        cr_assert_null(converter_new("JsonConverter", p, 0, err, sizeof(err)));
        json_decref(p);
        cr_assert_str_eq(err, "Invalid value x for configuration "
                              "decimal.format: String must be one of (case "
                              "insensitive): BASE64, NUMERIC");
        converter_destroy(mk("JsonConverter", "{\"schemas.cache.size\":\"5\"}"));
}

#define DEC_SCHEMA(scale)                                                  \
        "{\"type\":\"bytes\",\"optional\":false,\"name\":"                 \
        "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"           \
        "\"parameters\":{\"scale\":\"" scale "\"}}"

/* Java reads a number as an exact BigDecimal; jansson keeps a double. The
 * digits come from the input's text (fuzz_json_converter found the loss). */
Test(converter, json_numeric_decimal_keeps_every_digit)
{
        converter_t *cv = mk("JsonConverter", "{\"decimal.format\":\"NUMERIC\"}");
        const connect_schema_t *s;
        connectd_value_t *v;

        json_round(cv, "{\"schema\":" DEC_SCHEMA("3") ",\"payload\":"
                       "2344444444444444456.000}",
                   "{\"schema\":" DEC_SCHEMA("3") ",\"payload\":"
                   "2344444444444444456.000}");
        /* an exponent; the scale reached by trailing zeros both ways */
        json_round(cv, "{\"schema\":" DEC_SCHEMA("2") ",\"payload\":"
                       "-1.2345678901234567890123E+22}",
                   "{\"schema\":" DEC_SCHEMA("2") ",\"payload\":"
                   "-12345678901234567890123.00}");
        json_round(cv, "{\"schema\":" DEC_SCHEMA("1") ",\"payload\":"
                       "0.1000000000000000000000}",
                   "{\"schema\":" DEC_SCHEMA("1") ",\"payload\":0.1}");
        json_round(cv, "{\"schema\":" DEC_SCHEMA("2") ",\"payload\":"
                       "-0.0000e-3}",
                   "{\"schema\":" DEC_SCHEMA("2") ",\"payload\":0.00}");
        /* an exponent as far as a scale of 2^31 - 1 takes it */
        json_round(cv, "{\"schema\":" DEC_SCHEMA("2147483647")
                       ",\"payload\":1.5E-2147483646}",
                   "{\"schema\":" DEC_SCHEMA("2147483647")
                   ",\"payload\":1.5E-2147483646}");
        /* reals before it in strings, keys, other fields and the schema's
         * default; the payload's keys out of the schema's order */
        json_round(cv,
                   "{\"schema\":{\"type\":\"struct\",\"fields\":["
                   "{\"field\":\"x\",\"type\":\"double\",\"default\":2.5},"
                   "{\"field\":\"d\",\"type\":\"bytes\",\"name\":"
                   "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                   "\"parameters\":{\"scale\":\"24\"}},"
                   "{\"field\":\"n\",\"type\":\"string\"}]},"
                   "\"payload\":{\"n\":\"1.5 \\\" 2.5e3\",\"d\":"
                   "0.123456789012345678901234,\"x\":1.25}}",
                   "{\"schema\":{\"type\":\"struct\",\"fields\":["
                   "{\"type\":\"double\",\"optional\":false,\"default\":2.5,"
                   "\"field\":\"x\"},"
                   "{\"type\":\"bytes\",\"optional\":false,\"name\":"
                   "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                   "\"parameters\":{\"scale\":\"24\"},\"field\":\"d\"},"
                   "{\"type\":\"string\",\"optional\":false,\"field\":\"n\"}"
                   "],\"optional\":false},"
                   "\"payload\":{\"x\":1.25,\"d\":0.123456789012345678901234,"
                   "\"n\":\"1.5 \\\" 2.5e3\"}}");
        /* a duplicate key moves a value to the first one's place, so the
         * pairing is not trusted: the double's 17 digits, as before */
        json_round(cv,
                   "{\"schema\":{\"type\":\"struct\",\"fields\":["
                   "{\"field\":\"d\",\"type\":\"bytes\",\"name\":"
                   "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                   "\"parameters\":{\"scale\":\"24\"}},"
                   "{\"field\":\"x\",\"type\":\"double\"}]},"
                   "\"payload\":{\"d\":\"x\",\"x\":1.25,\"d\":"
                   "0.123456789012345678901234}}",
                   "{\"schema\":{\"type\":\"struct\",\"fields\":["
                   "{\"type\":\"bytes\",\"optional\":false,\"name\":"
                   "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                   "\"parameters\":{\"scale\":\"24\"},\"field\":\"d\"},"
                   "{\"type\":\"double\",\"optional\":false,\"field\":\"x\"}"
                   "],\"optional\":false},"
                   "\"payload\":{\"d\":0.123456789012345680000000,"
                   "\"x\":1.25}}");
        /* digits past the wanted scale are refused, not rounded */
        cr_assert_null(decode(cv, "{\"schema\":" DEC_SCHEMA("2")
                                  ",\"payload\":1.2345678901234567891}", &s));
        cr_assert_str_eq(err, "BigDecimal has mismatching scale value for "
                              "given Decimal schema");
        /* As large as a Decimal written (4,096 bytes unscaled), no
         * larger: 0.777... at its own scale, and 0.1 at a scale that pads
         * it past the digits such bytes can hold */
        {
                static const struct {
                        int digits, scale;
                        const char *err; /* NULL: read */
                } cases[] = {
                        { 9863, 9863, NULL },
                        { 9865, 9865, "Decimal too large: its unscaled "
                                      "value takes more than 4096 bytes" },
                        { 9866, 9866, "Decimal too large: more than 9865 "
                                      "digits at scale 9866" },
                        { 1, 9866, "Decimal too large: more than 9865 "
                                   "digits at scale 9866" },
                };
                size_t cap = 10100, c;
                char *in = malloc(cap);

                cr_assert_not_null(in);
                for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                        int n = snprintf(in, cap, "{\"schema\":{\"type\":"
                                         "\"bytes\",\"name\":\"org.apache."
                                         "kafka.connect.data.Decimal\","
                                         "\"parameters\":{\"scale\":\"%d\"}},"
                                         "\"payload\":0.", cases[c].scale);

                        memset(in + n, cases[c].digits > 1 ? '7' : '1',
                               (size_t)cases[c].digits);
                        snprintf(in + n + cases[c].digits,
                                 cap - (size_t)(n + cases[c].digits), "}");
                        v = decode(cv, in, &s);
                        if (!cases[c].err) {
                                cr_assert_not_null(v, "%s", err);
                                cr_assert_eq(v->u.s.len, 4096);
                        } else {
                                cr_assert_null(v);
                                cr_assert_str_eq(err, cases[c].err);
                        }
                }
                free(in);
        }
        converter_destroy(cv);
}

Test(converter, json_schema_null_rules)
{
        converter_t *cv = mk("JsonConverter", NULL);
        const connect_schema_t *s;
        int is_null;

        cr_assert_null(decode(cv, "{ \"schema\": { \"type\": \"int32\" }, "
                                  "\"payload\": null }", &s));
        cr_assert_str_eq(err, "Invalid null value for required INT32 field");
        cr_assert_eq(converter_from_connect_schema(cv, "t", &schema_int32,
                                                   NULL, &out, &is_null, err,
                                                   sizeof(err)), -1);
        cr_assert_str_eq(err, "Conversion error: null value for field that is "
                              "required and has no default value");
        /* the wrong type for the schema */
        cr_assert_eq(converter_from_connect_schema(
                             cv, "t", &schema_int32,
                             value_int64(r, 1), &out, &is_null, err,
                             sizeof(err)), -1);
        cr_assert_str_eq(err, "Invalid type for INT32: class java.lang.Long");
        /* an optional null */
        buf_reset(&out);
        cr_assert_eq(converter_from_connect_schema(cv, "t", &schema_opt_int32,
                                                   NULL, &out, &is_null, err,
                                                   sizeof(err)), 0);
        cr_assert_eq(is_null, 0);
        cr_assert_eq(strncmp(out.data, "{\"schema\":{\"type\":\"int32\","
                                       "\"optional\":true},\"payload\":null}",
                             out.len), 0);
        /* a tombstone has neither schema nor value */
        cr_assert_not_null(converter_to_connect_schema(cv, "t", NULL, 0,
                                                       b->arena, &s, err,
                                                       sizeof(err)));
        cr_assert_null(s);
        converter_destroy(cv);
}

Test(converter, json_schemaless_arrays_and_maps)
{
        converter_t *cv = mk("JsonConverter", NULL);
        const connect_schema_t *s = &schema_int8;
        connectd_value_t *v;

        /* nullSchemaPrimitiveToConnect */
        v = decode(cv, "{ \"schema\": null, \"payload\": [1, \"2\", 3] }", &s);
        cr_assert_null(s);
        cr_assert_eq(v->type, CONNECTD_VAL_ARRAY);
        cr_assert_eq(v->u.st.head->value->type, CONNECTD_VAL_INT64);
        /* written back as Java writes schemaless data */
        EXPECT(cv, v, "{\"schema\":null,\"payload\":[1,\"2\",3]}");
        converter_destroy(cv);
        cv = mk("JsonConverter", "{\"schemas.enable\":\"false\"}");
        v = decode(cv, "{ \"a\": \"\", \"b\": null}", &s);
        cr_assert_eq(v->type, CONNECTD_VAL_STRUCT);
        cr_assert_null(v->schema);
        /* empty bytes are a null (JsonDeserializer) */
        v = decode(cv, "", &s);
        cr_assert(value_is_null(v));
        converter_destroy(cv);
}

Test(converter, string_and_bytearray_schemas)
{
        converter_t *cv = mk("StringConverter", NULL);
        const connect_schema_t *s = NULL;
        connectd_value_t *v;
        int is_null;

        v = decode(cv, "12", &s);
        cr_assert_eq(s, &schema_opt_string);
        cr_assert_eq(v->type, CONNECTD_VAL_STRING);
        s = NULL;
        v = converter_to_connect_schema(cv, "t", NULL, 0, b->arena, &s, err,
                                        sizeof(err));
        cr_assert(value_is_null(v));
        cr_assert_eq(s, &schema_opt_string);
        /* encode: Java's toString */
        buf_reset(&out);
        cr_assert_eq(converter_from_connect_schema(
                             cv, "t", &schema_float32,
                             val_float(b->arena, CONNECTD_VAL_FLOAT32, 0.1),
                             &out, &is_null, err, sizeof(err)), 0);
        cr_assert_eq(out.len, 3);
        cr_assert(memcmp(out.data, "0.1", 3) == 0);
        converter_destroy(cv);

        cv = mk("ByteArrayConverter", NULL);
        v = decode(cv, "ab", &s);
        cr_assert_eq(s, &schema_opt_bytes);
        cr_assert_eq(v->type, CONNECTD_VAL_BYTES);
        cr_assert_eq(converter_from_connect_schema(cv, "t", &schema_string,
                                                   str("x"), &out, &is_null,
                                                   err, sizeof(err)), -1);
        cr_assert_str_eq(err, "Invalid schema type for ByteArrayConverter: "
                              "STRING");
        converter_destroy(cv);
}
