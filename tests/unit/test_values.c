/* Unit tests for server/runtime/values.c: Values.parseString and
 * Values.convertToString (cases from Java's ValuesTest and the spec). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"

static arena_t *A;

static void setup(void)
{
        A = arena_new(0);
}

static void teardown(void)
{
        arena_destroy(A);
}

TestSuite(values, .init = setup, .fini = teardown);

static void parse(const char *s, const connect_schema_t **sc,
                  connectd_value_t **v)
{
        cr_assert_eq(values_parse_string(A, s, strlen(s), sc, v), 0);
}

/* parse then convertToString */
static void round_trip(const char *in, const char *want)
{
        const connect_schema_t *sc;
        connectd_value_t *v;
        char *out;

        parse(in, &sc, &v);
        out = values_to_string(sc, v);
        cr_assert_not_null(out, "%s", in);
        cr_assert_str_eq(out, want, "parse(%s) printed %s, want %s", in, out,
                         want);
        free(out);
}

static void expect_int(const char *s, connectd_value_type_t t, int64_t i)
{
        const connect_schema_t *sc;
        connectd_value_t *v;

        parse(s, &sc, &v);
        cr_assert_not_null(v, "%s", s);
        cr_assert_eq(v->type, t, "%s: type %d", s, v->type);
        cr_assert_eq(sc->type, t);
        cr_assert_null(sc->name);
        cr_assert_eq(v->u.i, i, "%s", s);
}

static void expect_string(const char *s)
{
        const connect_schema_t *sc;
        connectd_value_t *v;

        parse(s, &sc, &v);
        cr_assert_not_null(v, "%s", s);
        cr_assert_eq(sc, &schema_string, "%s is not a string", s);
        cr_assert_eq(v->type, CONNECTD_VAL_STRING);
        cr_assert_eq(v->u.s.len, strlen(s));
        cr_assert_eq(memcmp(v->u.s.ptr, s, strlen(s)), 0);
}

Test(values, literals)
{
        const connect_schema_t *sc;
        connectd_value_t *v;

        parse("true", &sc, &v);
        cr_assert_eq(sc, &schema_boolean);
        cr_assert_eq(v->u.i, 1);
        parse("false", &sc, &v);
        cr_assert_eq(v->type, CONNECTD_VAL_BOOLEAN);
        cr_assert_eq(v->u.i, 0);
        parse("null", &sc, &v);
        cr_assert_null(sc);
        cr_assert_null(v);
        /* a literal followed by more text is text */
        expect_string("true}");
        expect_string("null,");
}

Test(values, integers_take_the_smallest_type)
{
        expect_int("1", CONNECTD_VAL_INT8, 1);
        expect_int("-128", CONNECTD_VAL_INT8, -128);
        expect_int("128", CONNECTD_VAL_INT16, 128);
        expect_int("-32769", CONNECTD_VAL_INT32, -32769);
        expect_int("2147483648", CONNECTD_VAL_INT64, 2147483648LL);
        expect_int("007", CONNECTD_VAL_INT8, 7);
        expect_int("+5", CONNECTD_VAL_INT8, 5);
        expect_int(" 42 ", CONNECTD_VAL_INT8, 42);
        /* BigDecimal.byteValueExact accepts a zero fraction */
        expect_int("1.0", CONNECTD_VAL_INT8, 1);
        expect_int("1e3", CONNECTD_VAL_INT16, 1000);
        round_trip("007", "7");
}

Test(values, decimals_float32_then_float64_then_decimal)
{
        const connect_schema_t *sc;
        connectd_value_t *v;
        char txt[64];

        parse("1.5", &sc, &v);
        cr_assert_eq(sc, &schema_float32);
        cr_assert_eq(v->type, CONNECTD_VAL_FLOAT32);
        cr_assert_float_eq(v->u.d, 1.5, 0);
        round_trip("3.14", "3.14");
        parse("1.5e300", &sc, &v);
        cr_assert_eq(sc, &schema_float64);
        round_trip("1.5e300", "1.5E300");
        /* an integer beyond int64: Decimal with scale 0 */
        parse("99999999999999999999", &sc, &v);
        cr_assert(schema_is_logical(sc, LOGICAL_DECIMAL));
        cr_assert_str_eq(schema_param(sc, "scale"), "0");
        cr_assert_eq(v->type, CONNECTD_VAL_BYTES);
        values_decimal_text(v->u.s.ptr, v->u.s.len, 0, txt, sizeof(txt));
        cr_assert_str_eq(txt, "99999999999999999999");
        round_trip("-99999999999999999999", "-99999999999999999999");
}

Test(values, temporal)
{
        const connect_schema_t *sc;
        connectd_value_t *v;

        parse("2024-01-15", &sc, &v);
        cr_assert_eq(sc, &values_date_schema);
        cr_assert_eq(v->type, CONNECTD_VAL_INT32);
        cr_assert_eq(v->u.i, 19737);
        parse("12:34:56.789Z", &sc, &v);
        cr_assert_eq(sc, &values_time_schema);
        cr_assert_eq(v->u.i, 45296789);
        parse("2024-01-15T12:34:56.789Z", &sc, &v);
        cr_assert_eq(sc, &values_timestamp_schema);
        cr_assert_eq(v->type, CONNECTD_VAL_INT64);
        cr_assert_eq(v->u.i, 19737LL * 86400000 + 45296789);
        round_trip("2024-01-15", "2024-01-15");
        round_trip("12:34:56.789Z", "12:34:56.789Z");
        round_trip("2024-01-15T12:34:56.789Z", "2024-01-15T12:34:56.789Z");
        /* lenient: month 13 rolls into the next year */
        round_trip("2023-13-15", "2024-01-15");
}

Test(values, arrays)
{
        const connect_schema_t *sc;
        connectd_value_t *v;

        parse("[1, 2, 3]", &sc, &v);
        cr_assert_eq(sc->type, CONNECTD_VAL_ARRAY);
        cr_assert_eq(sc->value_schema->type, CONNECTD_VAL_INT8);
        cr_assert_eq(v->type, CONNECTD_VAL_ARRAY);
        cr_assert_eq(v->u.st.count, 3);
        /* items are widened to the common schema */
        parse("[1, 300]", &sc, &v);
        cr_assert_eq(sc->value_schema->type, CONNECTD_VAL_INT16);
        cr_assert_eq(v->u.st.head->value->type, CONNECTD_VAL_INT16);
        round_trip("[1, 300]", "[1,300]");
        round_trip("[1, 2.5]", "[1.0,2.5]");
        round_trip("[\"a\", \"b\"]", "[\"a\",\"b\"]");
        round_trip("[]", "[]");
        parse("[]", &sc, &v);
        cr_assert_null(sc->value_schema);
        /* a quoted date inside an array is a Date */
        parse("[\"2024-01-15\"]", &sc, &v);
        cr_assert_eq(sc->value_schema, &values_date_schema);
        /* malformed: the text itself */
        expect_string("[1, 2");
        expect_string("[1,,2]");
        expect_string("[a]");
}

Test(values, maps)
{
        const connect_schema_t *sc;
        connectd_value_t *v;

        parse("{\"a\": 1, \"b\": 2}", &sc, &v);
        cr_assert_eq(sc->type, CONNECTD_VAL_MAP);
        cr_assert_eq(sc->key_schema->type, CONNECTD_VAL_STRING);
        cr_assert_eq(sc->value_schema->type, CONNECTD_VAL_INT8);
        cr_assert_eq(v->type, CONNECTD_VAL_MAP);
        cr_assert_str_eq(v->u.st.head->name, "a");
        round_trip("{\"a\": 1, \"b\": 2}", "{\"a\":1,\"b\":2}");
        /* entry order is the text's (LinkedHashMap) */
        round_trip("{\"zz\":true,\"a\":false}", "{\"zz\":true,\"a\":false}");
        /* Java keeps the backslashes it read and escapes them again */
        round_trip("{\"k\":\"say \\\"hi\\\"\"}",
                   "{\"k\":\"say \\\\\\\"hi\\\\\\\"\"}");
        /* unquoted keys are not Values syntax: text */
        expect_string("{a:1}");
        expect_string("{\"a\":1");
}

Test(values, anything_else_is_the_text)
{
        expect_string("");
        expect_string("hello");
        expect_string("hello world, again");
        expect_string("1abc");
        expect_string("-");
}

Test(values, to_string_of_plain_values)
{
        connectd_value_t *v;
        char *s;

        cr_assert_null(values_to_string(NULL, NULL));
        v = val_float(A, CONNECTD_VAL_FLOAT32, 0.1);
        s = values_to_string(&schema_float32, v);
        cr_assert_str_eq(s, "0.1");
        free(s);
        v = val_float(A, CONNECTD_VAL_FLOAT64, 1e7);
        s = values_to_string(NULL, v);
        cr_assert_str_eq(s, "1.0E7");
        free(s);
        v = val_bytes(A, "hi!", 3);
        s = values_to_string(&schema_bytes, v);
        cr_assert_str_eq(s, "aGkh");
        free(s);
        v = val_int(A, CONNECTD_VAL_INT32, 1);
        s = values_to_string(&values_date_schema, v);
        cr_assert_str_eq(s, "1970-01-02");
        free(s);
}

Test(values, to_string_of_a_struct_and_a_schemaless_object)
{
        connect_schema_t *ss = schema_new(A, CONNECTD_VAL_STRUCT);
        connectd_value_t *st, *obj;
        char *s;

        cr_assert_eq(schema_add_field(A, ss, "b", &schema_string), 0);
        cr_assert_eq(schema_add_field(A, ss, "a", &schema_opt_int32), 0);
        st = val_struct(A, ss);
        cr_assert_eq(val_put(A, st, "b", val_string(A, "x", 1)), 0);
        s = values_to_string(ss, st);
        cr_assert_str_eq(s, "{\"b\":\"x\",\"a\":null}");
        free(s);
        /* a schemaless object prints in java.util.HashMap order */
        obj = val_struct(A, NULL);
        cr_assert_eq(val_put(A, obj, "banana", val_int(A, CONNECTD_VAL_INT64, 2)), 0);
        cr_assert_eq(val_put(A, obj, "apple", val_int(A, CONNECTD_VAL_INT64, 1)), 0);
        cr_assert_eq(val_put(A, obj, "cherry", val_int(A, CONNECTD_VAL_INT64, 3)), 0);
        s = values_to_string(NULL, obj);
        cr_assert_str_eq(s, "{\"banana\":2,\"apple\":1,\"cherry\":3}");
        free(s);
}

Test(values, decimal_text_like_bigdecimal)
{
        static const unsigned char m1[] = { 0xff };
        static const unsigned char big[] = { 0x30, 0x39 }; /* 12345 */
        char t[64];

        values_decimal_text(m1, 1, 0, t, sizeof(t));
        cr_assert_str_eq(t, "-1");
        values_decimal_text(big, 2, 2, t, sizeof(t));
        cr_assert_str_eq(t, "123.45");
        values_decimal_text(big, 2, 7, t, sizeof(t));
        cr_assert_str_eq(t, "0.0012345");
        values_decimal_text(big, 2, 11, t, sizeof(t));
        cr_assert_str_eq(t, "1.2345E-7");
        values_decimal_text(big, 2, -3, t, sizeof(t));
        cr_assert_str_eq(t, "1.2345E+7");
}

/* Cases from Java's ValuesTest. */
Test(values, java_values_test_table)
{
        const connect_schema_t *sc;
        connectd_value_t *v;

        expect_string("{foo: 3}");
        expect_string("{3: foo}");
        expect_string("[foo]");
        expect_string("null=");
        expect_string("false]");
        expect_string("{6:9 4:20}");
        expect_string("[0 1 2]");
        expect_string("{null: 3}");
        expect_string("\xef\xbf\xbf");
        parse("\n \t \t\ntrue\n \t \t\n", &sc, &v);
        cr_assert_eq(sc, &schema_boolean);
        cr_assert_eq(v->u.i, 1);
        parse("\n \t \t\nnull\n \t \t\n", &sc, &v);
        cr_assert_null(v);
        parse("[true, false]", &sc, &v);
        cr_assert_eq(sc->value_schema->type, CONNECTD_VAL_BOOLEAN);
        parse("{true: false, false: true}", &sc, &v);
        cr_assert_eq(sc->key_schema->type, CONNECTD_VAL_BOOLEAN);
        cr_assert_eq(sc->value_schema->type, CONNECTD_VAL_BOOLEAN);
        cr_assert_eq(v->u.st.count, 2);
        parse("{}", &sc, &v);
        cr_assert_eq(sc->type, CONNECTD_VAL_MAP);
        cr_assert_eq(v->u.st.count, 0);
        parse("{3: null}", &sc, &v);
        cr_assert_eq(sc->key_schema->type, CONNECTD_VAL_INT8);
        cr_assert_null(sc->value_schema);
        cr_assert_null(v->u.st.head->value);
        parse("[null]", &sc, &v);
        cr_assert_null(sc->value_schema);
        cr_assert_eq(v->u.st.count, 1);
        parse("[1, 2, 32768]", &sc, &v);
        cr_assert_eq(sc->value_schema->type, CONNECTD_VAL_INT32);
        cr_assert_eq(v->u.st.head->value->type, CONNECTD_VAL_INT32);
        parse("[1, 2, 3, \"four\"]", &sc, &v);
        cr_assert_null(sc->value_schema);
        cr_assert_eq(v->u.st.head->value->type, CONNECTD_VAL_INT8);
        cr_assert_eq(v->u.st.tail->value->type, CONNECTD_VAL_STRING);
        parse("{ \"foo\" : \"123\", \n\"bar\" : \"baz\" } ", &sc, &v);
        cr_assert_eq(sc->key_schema, &schema_string);
        cr_assert_eq(sc->value_schema, &schema_string);
        cr_assert_eq(v->u.st.head->value->type, CONNECTD_VAL_STRING);
        round_trip(" { \"foo\" :  12345 , \"bar\" : 0,  \"baz\" : -4321 }  ",
                   "{\"foo\":12345,\"bar\":0,\"baz\":-4321}");
        parse(" { \"foo\" :  12345 , \"bar\" : 0,  \"baz\" : -4321 }  ", &sc,
              &v);
        cr_assert_eq(sc->value_schema->type, CONNECTD_VAL_INT16);
        round_trip("{\"foo\":\"123\",\"bar\":\"baz\"}",
                   "{\"foo\":\"123\",\"bar\":\"baz\"}");
}

/* Float.toString (JDK 19+), through convertToString of FLOAT32 values. */
Test(values, float32_like_float_tostring)
{
        static const struct {
                float f;
                const char *want;
        } cases[] = {
                { 1.0e10f, "1.0E10" },   { 0.001f, "0.001" },
                { 1.4e-45f, "1.4E-45" }, { 3.4028235e38f, "3.4028235E38" },
                { 0.3f, "0.3" },         { 16777216.0f, "1.6777216E7" },
                { -2.5f, "-2.5" },       { 1234567.0f, "1234567.0" },
                { 1.17549435e-38f, "1.1754944E-38" }, /* JDK 19+ */
        };
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *s = values_to_string(
                        &schema_float32,
                        val_float(A, CONNECTD_VAL_FLOAT32, cases[i].f));

                cr_assert_str_eq(s, cases[i].want, "case %zu", i);
                free(s);
        }
}

/* A lenient timestamp with a nine-digit year overflowed the epoch ms
 * (signed overflow): such text stays text. */
Test(values, huge_year_stays_text)
{
        expect_string("999999999-01-1T0:0:0.00Z");
        round_trip("99999999-1-01T1:0:0.000Z", "99999999-01-01T01:00:00.000Z");
}

/* A Date whose day count is past what fits in milliseconds wraps as Java's
 * long multiplication does (Date.toLogical) instead of being undefined
 * (found by fuzz_values; UBSan stops this test without the fix). */
Test(values, date_days_past_the_ms_range_wrap_as_in_java)
{
        const int64_t days = INT64_MAX / 86400000 + 1;
        connectd_value_t *v = val_int(A, CONNECTD_VAL_INT64, days);
        int64_t want = (int64_t)((uint64_t)days * 86400000u);

        cr_assert_lt(want, 0);
        cr_assert_eq(values_logical_ms(&values_date_schema, v), want);
        v = val_int(A, CONNECTD_VAL_INT32, -3);
        cr_assert_eq(values_logical_ms(&values_date_schema, v),
                     -3 * 86400000LL);
}
