/* Unit tests for server/runtime/header_converter.c: SimpleHeaderConverter
 * (Values both ways) and the value converters used for headers. */
#include <criterion/criterion.h>
#include <string.h>

#include "header_converter.h"
#include "values.h"

static arena_t *A;
static buf_t out;
static char err[512];

static void setup(void)
{
        A = arena_new(0);
        buf_init(&out, 0);
        err[0] = '\0';
}

static void teardown(void)
{
        buf_free(&out);
        arena_destroy(A);
}

TestSuite(hconv, .init = setup, .fini = teardown);

static hconv_t *mk(const char *cls, const char *props_json)
{
        json_t *props = props_json ? json_loads(props_json, 0, NULL) : NULL;
        hconv_t *hc = hconv_new(cls, props, err, sizeof(err));

        json_decref(props);
        cr_assert_not_null(hc, "hconv_new(%s): %s", cls ? cls : "null", err);
        return hc;
}

static void to(hconv_t *hc, const char *bytes, const connect_schema_t **s,
               connectd_value_t **v)
{
        cr_assert_eq(hconv_to_connect(hc, "t", "h", bytes,
                                      bytes ? strlen(bytes) : 0, A, s, v, err,
                                      sizeof(err)), 0, "%s", err);
}

static void from(hconv_t *hc, const connect_schema_t *s,
                 const connectd_value_t *v, const char *want)
{
        int is_null = -1;

        buf_reset(&out);
        cr_assert_eq(hconv_from_connect(hc, "t", "h", s, v, &out, &is_null,
                                        err, sizeof(err)), 0, "%s", err);
        if (!want) {
                cr_assert_eq(is_null, 1);
                return;
        }
        cr_assert_eq(is_null, 0);
        cr_assert_eq(out.len, strlen(want), "got [%.*s]", (int)out.len,
                     out.data);
        cr_assert(memcmp(out.data, want, out.len) == 0, "got [%.*s]",
                  (int)out.len, out.data);
}

Test(hconv, simple_is_the_default_and_parses_values)
{
        hconv_t *hc = mk(NULL, NULL);
        const connect_schema_t *s;
        connectd_value_t *v;

        to(hc, "42", &s, &v);
        cr_assert_eq(s, &schema_int8);
        cr_assert_eq(v->type, CONNECTD_VAL_INT8);
        cr_assert_eq(v->u.i, 42);
        to(hc, "true", &s, &v);
        cr_assert_eq(s, &schema_boolean);
        to(hc, "", &s, &v);
        cr_assert_eq(s, &schema_string);
        cr_assert_eq(v->u.s.len, 0);
        to(hc, "hello", &s, &v);
        cr_assert_eq(s, &schema_string);
        to(hc, "[1,2]", &s, &v);
        cr_assert_eq(s->type, CONNECTD_VAL_ARRAY);
        to(hc, NULL, &s, &v);
        cr_assert_null(s);
        cr_assert_null(v);
        /* a "null" literal is a null */
        to(hc, "null", &s, &v);
        cr_assert_null(v);
        hconv_destroy(hc);
}

Test(hconv, simple_writes_convert_to_string)
{
        hconv_t *hc = mk("org.apache.kafka.connect.storage.SimpleHeaderConverter",
                         NULL);
        const connect_schema_t *s;
        connectd_value_t *v;

        /* spec 2.9: InsertHeader value.literal=007 goes out as 7 */
        cr_assert_eq(values_parse_string(A, "007", 3, &s, &v), 0);
        from(hc, s, v, "7");
        from(hc, &schema_string, val_string(A, "a b", 3), "a b");
        from(hc, NULL, NULL, NULL);
        from(hc, &schema_bytes, val_bytes(A, "hi!", 3), "aGkh");
        cr_assert_eq(values_parse_string(A, "{\"a\": [1, 2]}", 13, &s, &v), 0);
        from(hc, s, v, "{\"a\":[1,2]}");
        hconv_destroy(hc);
        hconv_destroy(mk(" SimpleHeaderConverter ", NULL));
}

Test(hconv, value_converters_as_header_converters)
{
        hconv_t *hc = mk("StringConverter", NULL);
        const connect_schema_t *s;
        connectd_value_t *v;

        to(hc, "42", &s, &v);
        cr_assert_eq(s, &schema_opt_string);
        cr_assert_eq(v->type, CONNECTD_VAL_STRING);
        from(hc, &schema_int32, val_int(A, CONNECTD_VAL_INT32, 5), "5");
        hconv_destroy(hc);

        hc = mk("org.apache.kafka.connect.json.JsonConverter",
                "{\"schemas.enable\":\"false\"}");
        to(hc, "{\"a\":1}", &s, &v);
        cr_assert_null(s);
        cr_assert_eq(v->type, CONNECTD_VAL_STRUCT);
        from(hc, &schema_int32, val_int(A, CONNECTD_VAL_INT32, 5), "5");
        hconv_destroy(hc);

        hc = mk("JsonConverter", NULL);
        from(hc, &schema_int32, val_int(A, CONNECTD_VAL_INT32, 5),
             "{\"schema\":{\"type\":\"int32\",\"optional\":false},"
             "\"payload\":5}");
        hconv_destroy(hc);

        hc = mk("ByteArrayConverter", NULL);
        to(hc, "xy", &s, &v);
        cr_assert_eq(s, &schema_opt_bytes);
        cr_assert_eq(v->type, CONNECTD_VAL_BYTES);
        hconv_destroy(hc);
}

Test(hconv, unknown_class)
{
        cr_assert_null(hconv_new("org.example.Nope", NULL, err, sizeof(err)));
        cr_assert_str_eq(err, "Class org.example.Nope could not be found.");
}
