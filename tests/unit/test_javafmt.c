/*
 * Unit tests for server/config/javafmt.c against outputs of Java itself
 * (Double.toString, Long.parseLong / Integer.parseInt, Double.parseDouble,
 * ConfigDef's boolean parsing).
 */
#include <criterion/criterion.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "javafmt.h"

static const char *dstr(double d)
{
        static char buf[JAVA_DOUBLE_BUFSZ];

        java_double_str(d, buf, sizeof(buf));
        return buf;
}

Test(javafmt, double_to_string_known_java_outputs)
{
        static const struct {
                double d;
                const char *java;
        } cases[] = {
                { 1e100, "1.0E100" },
                { 1e-5, "1.0E-5" },
                { 0.1 + 0.2, "0.30000000000000004" },
                { 1e7, "1.0E7" },
                { 1234567.0, "1234567.0" },
                { 100.0, "100.0" },
                { 4.9e-324, "4.9E-324" },           /* Double.MIN_VALUE */
                { DBL_MAX, "1.7976931348623157E308" },
                { DBL_MIN, "2.2250738585072014E-308" }, /* MIN_NORMAL */
                { 0.001, "0.001" },
                { 0.0001, "1.0E-4" },
                { 9999999.0, "9999999.0" },
                { 9999999.999, "9999999.999" },
                { 12345678.9, "1.23456789E7" },
                { 0.5, "0.5" },
                { 1.0, "1.0" },
                { -1.5, "-1.5" },
                { 0.1, "0.1" },
                { 1.0 / 3, "0.3333333333333333" },
                { 2.0 / 3, "0.6666666666666666" },
                { 1e23, "1.0E23" },
                { 2e23, "2.0E23" },
                { 2.82879384806159e17, "2.82879384806159E17" },
                { 123456789012.0, "1.23456789012E11" },
                { 9.999999999999998e-4, "9.999999999999998E-4" },
                { -0.0, "-0.0" },
                { 0.0, "0.0" },
                { 3.141592653589793, "3.141592653589793" },
                { 1e21, "1.0E21" },
                { 1e-300, "1.0E-300" },
                { 5e-324 * 3, "1.5E-323" },
                { 65536.0, "65536.0" },
                { 0.015625, "0.015625" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                cr_expect_str_eq(dstr(cases[i].d), cases[i].java,
                                 "Double.toString(%.17g)", cases[i].d);
}

Test(javafmt, double_to_string_specials)
{
        cr_expect_str_eq(dstr(NAN), "NaN");
        cr_expect_str_eq(dstr(INFINITY), "Infinity");
        cr_expect_str_eq(dstr(-INFINITY), "-Infinity");
}

/* JDK 19+ picks, among the shortest decimals that round back, the one
 * closest to the value, with at least two digits considered: 2 *
 * Double.MIN_VALUE (9.88e-324) is 9.9E-324, not 1.0E-323. */
Test(javafmt, double_to_string_two_digit_minimum_closest)
{
        cr_expect_str_eq(dstr(2 * 4.9e-324), "9.9E-324");
}

/* Every result reads back as the same double, and the length contract
 * (return value = full length, truncation like snprintf) holds. */
Test(javafmt, double_to_string_round_trips)
{
        uint64_t x = 0x9e3779b97f4a7c15ull;
        char buf[JAVA_DOUBLE_BUFSZ], small[5];

        for (int i = 0; i < 200000; i++) {
                double d, back;
                size_t n;

                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                memcpy(&d, &x, sizeof(d));
                if (!isfinite(d))
                        continue;
                n = java_double_str(d, buf, sizeof(buf));
                cr_assert_eq(n, strlen(buf));
                cr_assert(n < JAVA_DOUBLE_BUFSZ);
                cr_assert_eq(java_parse_double(buf, &back), 0, "%s", buf);
                cr_assert(memcmp(&back, &d, sizeof(d)) == 0, "%s", buf);
        }
        cr_assert_eq(java_double_str(1e100, small, sizeof(small)), 7);
        cr_assert_str_eq(small, "1.0E");
}

Test(javafmt, parse_long_java_semantics)
{
        long long v = 0;

        cr_assert_eq(java_parse_long("42", LLONG_MIN, LLONG_MAX, &v), 0);
        cr_assert_eq(v, 42);
        cr_assert_eq(java_parse_long("+7", LLONG_MIN, LLONG_MAX, &v), 0);
        cr_assert_eq(v, 7);
        cr_assert_eq(java_parse_long("-0", LLONG_MIN, LLONG_MAX, &v), 0);
        cr_assert_eq(v, 0);
        cr_assert_eq(java_parse_long("007", LLONG_MIN, LLONG_MAX, &v), 0);
        cr_assert_eq(v, 7);
        cr_assert_eq(java_parse_long("9223372036854775807", LLONG_MIN,
                                     LLONG_MAX, &v), 0);
        cr_assert_eq(v, LLONG_MAX);
        cr_assert_eq(java_parse_long("-9223372036854775808", LLONG_MIN,
                                     LLONG_MAX, &v), 0);
        cr_assert_eq(v, LLONG_MIN);
        /* NumberFormatException in Java */
        static const char *const bad[] = {
                "", "+", "-", " 1", "1 ", "1.0", "0x10", "1_000", "++1",
                "+-1", "9223372036854775808", "-9223372036854775809",
                "99999999999999999999999", "1e3", "abc", "zz", NULL
        };
        for (int i = 0; bad[i]; i++)
                cr_expect_eq(java_parse_long(bad[i], LLONG_MIN, LLONG_MAX,
                                             &v), -1, "'%s'", bad[i]);
        cr_expect_eq(java_parse_long(NULL, LLONG_MIN, LLONG_MAX, &v), -1);
        /* Integer.parseInt / Short.parseShort ranges */
        cr_assert_eq(java_parse_long("2147483647", INT32_MIN, INT32_MAX, &v),
                     0);
        cr_assert_eq(java_parse_long("2147483648", INT32_MIN, INT32_MAX, &v),
                     -1);
        cr_assert_eq(java_parse_long("-2147483648", INT32_MIN, INT32_MAX, &v),
                     0);
        cr_assert_eq(v, INT32_MIN);
        cr_assert_eq(java_parse_long("32768", INT16_MIN, INT16_MAX, &v), -1);
}

Test(javafmt, parse_double_java_grammar)
{
        static const struct {
                const char *s;
                double d;
        } good[] = {
                { "1", 1 }, { "1.", 1 }, { ".5", 0.5 }, { "-2.5", -2.5 },
                { "+3", 3 }, { "1e3", 1000 }, { "1E-3", 0.001 },
                { "1.5e+2", 150 }, { "2d", 2 }, { "2.5F", 2.5 },
                { "0x1p3", 8 }, { "0X1.8P1", 3 }, { "0x.8p1d", 1 },
                { "1e400", INFINITY }, { "Infinity", INFINITY },
                { "-Infinity", -INFINITY },
        };
        double d;

        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                cr_assert_eq(java_parse_double(good[i].s, &d), 0, "'%s'",
                             good[i].s);
                cr_expect(d == good[i].d, "'%s' -> %g", good[i].s, d);
        }
        cr_assert_eq(java_parse_double("NaN", &d), 0);
        cr_assert(isnan(d));
        cr_assert_eq(java_parse_double("-NaN", &d), 0);
        cr_assert(isnan(d));
        static const char *const bad[] = {
                "", ".", "e3", "1e", "1e+", "nan", "inf", "infinity",
                "0x1", "0x", "0xp3", "1.0.0", "1f2", "1 ", " 1", "1dd",
                "--1", "1,5", "Infinityd", NULL
        };
        for (int i = 0; bad[i]; i++)
                cr_expect_eq(java_parse_double(bad[i], &d), -1, "'%s'",
                             bad[i]);
}

Test(javafmt, parse_boolean_like_configdef)
{
        cr_expect_eq(java_parse_boolean("true"), 1);
        cr_expect_eq(java_parse_boolean("TRUE"), 1);
        cr_expect_eq(java_parse_boolean(" True\t"), 1);
        cr_expect_eq(java_parse_boolean("false"), 0);
        cr_expect_eq(java_parse_boolean("FaLsE\n"), 0);
        cr_expect_eq(java_parse_boolean("yes"), -1);
        cr_expect_eq(java_parse_boolean("1"), -1);
        cr_expect_eq(java_parse_boolean(""), -1);
        cr_expect_eq(java_parse_boolean("t rue"), -1);
        cr_expect_eq(java_parse_boolean(NULL), -1);
}

Test(javafmt, trim_like_string_trim)
{
        size_t n;
        const char *t = java_trim("\x01 \t a b \r\n\x1f", &n);
        char *dup = java_trim_dup("  x ");

        cr_assert_eq(n, 3);
        cr_assert(!strncmp(t, "a b", 3));
        cr_assert_str_eq(dup, "x");
        free(dup);
        t = java_trim("   ", &n);
        cr_assert_eq(n, 0);
}
