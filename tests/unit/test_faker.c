/*
 * Unit tests: faker expressions (spec §7, §8) over the installed ruby-faker
 * data. Every check draws many samples and asserts the format.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "datagen/datagen_int.h"

static faker_t *fk;
static faker_rt_t rt;
static dg_buf_t out;

static void setup(void)
{
        char err[512];
        const faker_data_t *d = faker_data_get(err, sizeof(err));
        cr_assert_not_null(d, "faker data: %s", err);
        fk = faker_new(d);
        faker_rt_init(&rt, 12345);
        dg_buf_init(&out, 256);
}

static void teardown(void)
{
        faker_destroy(fk);
        faker_rt_free(&rt);
        dg_buf_free(&out);
}

TestSuite(faker, .init = setup, .fini = teardown);

static faker_expr_t *compile_ok(const char *text)
{
        char err[512];
        faker_expr_t *e = faker_compile(fk, text, err, sizeof(err));
        cr_assert_not_null(e, "%s: %s", text, err);
        return e;
}

/* Evaluate once; returns a NUL-terminated copy in a static buffer. */
static const char *ev(const faker_expr_t *e)
{
        static char s[8192];
        out.len = 0;
        rt.now_ms = dg_now_ms();
        faker_eval(e, &rt, &out);
        cr_assert(out.len < sizeof(s));
        memcpy(s, out.p, out.len);
        s[out.len] = '\0';
        return s;
}

static int matches(const char *re, const char *s)
{
        regex_t r;
        int ok;
        cr_assert_eq(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0, "%s", re);
        ok = regexec(&r, s, 0, NULL, 0) == 0;
        regfree(&r);
        return ok;
}

static void all_match(const char *expr, const char *re, int n)
{
        faker_expr_t *e = compile_ok(expr);
        for (int i = 0; i < n; i++) {
                const char *s = ev(e);
                cr_assert(matches(re, s), "%s gave '%s', not /%s/", expr, s, re);
        }
}

#define DATE_RE                                                                \
        "^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) "                                      \
        "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "                   \
        "[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] [A-Za-z+0-9-]+ "          \
        "[0-9]{4}$"

Test(faker, uuid_v4_shape)
{
        all_match("#{Internet.uuid}",
                  "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                  "[0-9a-f]{12}$",
                  2000);
        /* distinct */
        faker_expr_t *e = compile_ok("#{Internet.uuid}");
        char a[64];
        snprintf(a, sizeof(a), "%s", ev(e));
        cr_assert_str_neq(a, ev(e));
}

static void between_range(const char *expr, long lo, long hi)
{
        faker_expr_t *e = compile_ok(expr);
        int seen[256] = { 0 };
        for (int i = 0; i < 20000; i++) {
                const char *s = ev(e);
                char *end;
                long v = strtol(s, &end, 10);
                cr_assert(*s && !*end, "'%s'", s);
                cr_assert(v >= lo && v <= hi, "%s gave %ld", expr, v);
                cr_assert(s[0] != '0' || s[1] == '\0', "leading zero '%s'", s);
                seen[v - lo] = 1;
        }
        for (long v = lo; v <= hi; v++)
                cr_assert(seen[v - lo], "%s never gave %ld", expr, v);
}

Test(faker, number_between_exclusive_upper)
{
        between_range("#{number.number_between '1','5'}", 1, 4);
        between_range("#{number.number_between '10','75'}", 10, 74);
        between_range("#{Number.numberBetween '101','109'}", 101, 108);
        between_range("#{number.number_between '-3','2'}", -3, 1);
        between_range("#{number.number_between '1''5'}", 1, 4);
        cr_assert_str_eq(ev(compile_ok("#{number.number_between '7','7'}")),
                         "7");
}

Test(faker, date_past_window_and_format)
{
        faker_expr_t *e = compile_ok("#{date.past '10','SECONDS'}");
        for (int i = 0; i < 2000; i++) {
                int64_t now = dg_now_ms(), t;
                const char *s = ev(e);
                cr_assert(matches(DATE_RE, s), "'%s'", s);
                cr_assert_eq(dg_parse_date(s, &t), 0, "'%s'", s);
                /* second precision: the text truncates the instant */
                cr_assert(t <= now - 1000, "%s too recent", s);
                cr_assert(t >= now - 11000 - 1000, "%s too old", s);
        }
        all_match("#{date.past '5','MINUTES'}", DATE_RE, 100);
        all_match("#{date.past '10','TimeUnit.SECONDS'}", DATE_RE, 10);
        all_match("#{date.future '10','DAYS'}", DATE_RE, 100);
        all_match("#{date.past '10','2','HOURS'}", DATE_RE, 100);
        all_match("#{date.birthday}", DATE_RE, 100);
        all_match("#{date.birthday '20','30'}", DATE_RE, 100);
}

Test(faker, date_future_and_between)
{
        faker_expr_t *e = compile_ok("#{date.future '1','HOURS'}");
        for (int i = 0; i < 500; i++) {
                int64_t now = dg_now_ms(), t;
                cr_assert_eq(dg_parse_date(ev(e), &t), 0);
                cr_assert(t >= now - 1000 && t <= now + 3600000 + 2000);
        }
        e = compile_ok("#{date.between 'Sun Mar 22 01:59:02 UTC 2020',"
                       "'Mon Mar 23 01:59:02 UTC 2020'}");
        for (int i = 0; i < 500; i++) {
                int64_t t;
                const char *s = ev(e);
                cr_assert_eq(dg_parse_date(s, &t), 0, "%s", s);
                cr_assert(t >= 1584842342000LL && t < 1584928742000LL, "%s", s);
        }
}

Test(faker, date_tostring_local_zone)
{
        char buf[64];
        faker_rt_t r;
        const char *old = getenv("TZ");
        char saved[128] = "";

        if (old)
                snprintf(saved, sizeof(saved), "%s", old);
        setenv("TZ", "America/Los_Angeles", 1);
        tzset();
        faker_rt_init(&r, 1);
        dg_format_date(&r, 1584867542000LL, buf, sizeof(buf));
        cr_expect_str_eq(buf, "Sun Mar 22 01:59:02 PDT 2020");
        dg_format_date(&r, 1577836800000LL, buf, sizeof(buf));
        cr_expect_str_eq(buf, "Tue Dec 31 16:00:00 PST 2019");
        faker_rt_free(&r);
        setenv("TZ", "UTC", 1);
        tzset();
        faker_rt_init(&r, 1);
        dg_format_date(&r, 1795627947000LL, buf, sizeof(buf));
        cr_expect_str_eq(buf, "Wed Nov 25 17:32:27 UTC 2026");
        /* the per-minute cache must not leak across seconds or minutes */
        dg_format_date(&r, 1795627979000LL, buf, sizeof(buf));
        cr_expect_str_eq(buf, "Wed Nov 25 17:32:59 UTC 2026");
        dg_format_date(&r, 1795627980000LL, buf, sizeof(buf));
        cr_expect_str_eq(buf, "Wed Nov 25 17:33:00 UTC 2026");
        faker_rt_free(&r);
        if (old)
                setenv("TZ", saved, 1);
        else
                unsetenv("TZ");
        tzset();
}

Test(faker, username_shape)
{
        all_match("#{Name.username}", "^[a-z-]+\\.[a-z-]+$", 5000);
}

Test(faker, email_and_domains)
{
        all_match("#{Internet.email_address}",
                  "^[a-z-]+\\.[a-z-]+@[a-z]+\\.[a-z]+$", 2000);
        all_match("#{Internet.safe_email_address}",
                  "^[a-z-]+\\.[a-z-]+@example\\.com$", 500);
        all_match("#{Internet.domain_word}", "^[a-z-]+$", 500);
        all_match("#{Internet.domain_name}", "^[a-z-]+\\.[a-z]+$", 500);
}

Test(faker, isbn10_check_digit)
{
        faker_expr_t *e = compile_ok("#{Code.isbn10}");
        for (int i = 0; i < 5000; i++) {
                const char *s = ev(e);
                int sum = 0;
                cr_assert(matches("^[01][0-9]{8}[0-9X]$", s), "'%s'", s);
                for (int k = 0; k < 9; k++)
                        sum += (k + 1) * (s[k] - '0');
                sum %= 11;
                cr_assert_eq(s[9], sum == 10 ? 'X' : '0' + sum, "'%s'", s);
        }
}

Test(faker, credit_card_luhn)
{
        faker_expr_t *e = compile_ok("#{Finance.credit_card}");
        for (int i = 0; i < 5000; i++) {
                const char *s = ev(e);
                int sum = 0, pos = 0;
                cr_assert(matches("^[0-9][0-9-]+[0-9]$", s), "'%s'", s);
                for (int k = (int)strlen(s) - 1; k >= 0; k--) {
                        if (s[k] == '-')
                                continue;
                        int v = s[k] - '0';
                        if (pos++ % 2 == 1) {
                                v *= 2;
                                if (v > 9)
                                        v -= 9;
                        }
                        sum += v;
                }
                cr_assert_eq(sum % 10, 0, "Luhn fails for %s", s);
        }
}

Test(faker, yaml_nested_templates_and_context)
{
        const char *re = "^([A-Za-z' -]+ (Inc|and Sons|LLC|Group)|"
                         "[A-Za-z' ]+-[A-Za-z' ]+|"
                         "[A-Za-z' ]+, [A-Za-z' ]+ and [A-Za-z' ]+)$";
        all_match("#{Company.name}", re, 3000);
        all_match("#{company.name}", re, 3000); /* context resolves #{suffix} */
        all_match("#{Book.author}", "^[^#{}]+ [^#{}]+$", 3000);
        all_match("#{Address.city}", "^[^#{}]+$", 3000);
        all_match("#{Address.state}", "^[A-Z][A-Za-z ]+$", 500);
        all_match("#{Name.name}", "^[^#{}]+ [^#{}]+$", 1000);
        all_match("#{Name.name_with_middle}", "^[^#{}]+ [^#{}]+ [^#{}]+$", 500);
        all_match("#{Team.name}", "^[^#{}]+$", 500);
        all_match("#{Job.title}", "^[^#{}]+$", 500);
        all_match("#{Address.full_address}", "[0-9]{5}", 500);
}

Test(faker, yaml_lookups_of_spec_table)
{
        const char *exprs[] = {
                "#{Book.title}", "#{Book.genre}", "#{Book.publisher}",
                "#{Address.countryCode}", "#{Name.blood_group}",
                "#{Demographic.sex}", "#{Beer.name}", "#{Code.asin}",
                "#{Color.name}", "#{FunnyName.name}", "#{Funny_Name.name}",
                "#{Food.vegetables}", "#{Food.measurements}",
                "#{Food.measurement_sizes}", "#{Name.first_name}",
                "#{Name.last_name}", "#{Name.prefix}", "#{Name.suffix}",
                "#{Lorem.word}", "#{book.title}", NULL
        };
        for (int i = 0; exprs[i]; i++) {
                faker_expr_t *e = compile_ok(exprs[i]);
                for (int k = 0; k < 200; k++) {
                        const char *s = ev(e);
                        cr_assert(*s, "%s empty", exprs[i]);
                        cr_assert_null(strstr(s, "#{"), "%s gave %s", exprs[i],
                                       s);
                }
        }
        all_match("#{Name.blood_group}", "^(A|B|AB|O)[+-]$", 500);
}

Test(faker, method_name_variants)
{
        const char *names[] = { "#{Name.full_name}", "#{Name.fullName}",
                                "#{Name.FULLNAME}", "#{name.full_name}",
                                "#{NAME.fullname}", NULL };
        for (int i = 0; names[i]; i++)
                all_match(names[i], "^[^#{}]+ [^#{}]+$", 50);
}

Test(faker, literal_text_kept)
{
        cr_assert_str_eq(ev(compile_ok("#{number.number_between '1', '5'}")),
                         "#{number.number_between '1', '5'}");
        cr_assert_str_eq(ev(compile_ok("hello")), "hello");
        cr_assert_str_eq(ev(compile_ok("If Not Now, When?")),
                         "If Not Now, When?");
        cr_assert_str_eq(ev(compile_ok("Françoise Sagan #")),
                         "Françoise Sagan #");
        cr_assert_str_eq(ev(compile_ok("#{")), "#{");
        cr_assert_str_eq(ev(compile_ok("#{}")), "#{}");
        all_match("#{Name.first_name} and #{Name.last_name}",
                  "^[^#{}]+ and [^#{}]+$", 200);
        all_match("id-#{number.number_between '1','5'}-x", "^id-[1-4]-x$",
                  200);
}

Test(faker, unresolvable_is_an_error)
{
        const char *bad[] = {
                "#{Foo.bar}", "#{Internet.avatar}",
                "#{number.number_between '1.5','5'}",
                "#{date.past '10','seconds'}", "#{Internet.uuid '1'}",
                "#{first_name}", "#{Name.nope}", "x #{Book.nothing} y", NULL
        };
        for (int i = 0; bad[i]; i++) {
                char err[512] = "";
                faker_expr_t *e = faker_compile(fk, bad[i], err, sizeof(err));
                cr_assert_null(e, "%s compiled", bad[i]);
                cr_assert(strstr(err, "Unable to resolve #{"), "%s: %s", bad[i],
                          err);
                cr_assert(strstr(err, "directive."), "%s", err);
        }
        char err[512];
        faker_compile(fk, "#{Foo.bar}", err, sizeof(err));
        cr_assert_str_eq(err, "Unable to resolve #{Foo.bar} directive.");
}

Test(faker, programmatic_formats)
{
        all_match("#{Lorem.characters '15'}", "^[a-z0-9]{15}$", 500);
        all_match("#{Lorem.characters}", "^[a-z0-9]{255}$", 50);
        all_match("#{Lorem.words}", "^\\[[a-z]+, [a-z]+, [a-z]+\\]$", 200);
        all_match("#{Lorem.sentence}", "^[A-Z][a-z]*( [a-z]+){2,7}\\.$", 500);
        all_match("#{Lorem.paragraph}",
                  "^[A-Z][^.]*\\.( [A-Z][^.]*\\.){2,4}$", 200);
        all_match("#{Number.digits '6'}", "^[0-9]{6}$", 200);
        all_match("#{Number.digit}", "^[0-9]$", 200);
        all_match("#{Number.random_digit}", "^[0-9]$", 200);
        all_match("#{Number.random_digit_not_zero}", "^[1-9]$", 200);
        all_match("#{Number.random_number}", "^(0|[1-9][0-9]{0,8})$", 500);
        all_match("#{Bool.bool}", "^(true|false)$", 100);
        all_match("#{Address.zip_code}", "^[0-9]{5}(-[0-9]{4})?$", 500);
        all_match("#{Address.building_number}", "^[0-9]{3,5}$", 200);
        all_match("#{Address.secondary_address}", "^(Apt\\.|Suite) [0-9]{3}$",
                  200);
        all_match("#{Commerce.product_name}", "^[A-Za-z]+( [A-Za-z]+){2,}$",
                  200);
        all_match("#{bothify 'ab##?" "?'}", "^ab[0-9]{2}[a-z]{2}$", 100);
        all_match("#{numerify 'x###'}", "^x[0-9]{3}$", 100);
        all_match("#{letterify '?" "?-#'}", "^[a-z]{2}-#$", 100);
        all_match("#{regexify '[a-c]{3}\\d{2}(x|y)'}", "^[a-c]{3}[0-9]{2}[xy]$",
                  200);
}

Test(faker, missing_ruby_faker_names_the_package)
{
        char err[512];
        const char *old = getenv("CONNECTD_FAKER_LOCALES");
        setenv("CONNECTD_FAKER_LOCALES", "/nonexistent/faker/locales", 1);
        const faker_data_t *d = faker_data_get(err, sizeof(err));
        if (old)
                setenv("CONNECTD_FAKER_LOCALES", old, 1);
        else
                unsetenv("CONNECTD_FAKER_LOCALES");
        cr_assert_null(d);
        cr_assert(strstr(err, "install the Debian package ruby-faker"), "%s",
                  err);
}

Test(faker, seeded_streams_differ_and_repeat)
{
        faker_expr_t *e = compile_ok("#{Internet.uuid} #{Book.title}");
        faker_rt_t a, b, c;
        dg_buf_t x, y, z;
        faker_rt_init(&a, 7);
        faker_rt_init(&b, 7);
        faker_rt_init(&c, 8);
        dg_buf_init(&x, 64);
        dg_buf_init(&y, 64);
        dg_buf_init(&z, 64);
        for (int i = 0; i < 100; i++) {
                faker_eval(e, &a, &x);
                faker_eval(e, &b, &y);
                faker_eval(e, &c, &z);
        }
        cr_assert_eq(x.len, y.len);
        cr_assert_eq(memcmp(x.p, y.p, x.len), 0);
        cr_assert(x.len != z.len || memcmp(x.p, z.p, x.len));
        dg_buf_free(&x);
        dg_buf_free(&y);
        dg_buf_free(&z);
        faker_rt_free(&a);
        faker_rt_free(&b);
        faker_rt_free(&c);
}

/* ---- hardening: every numeric path is checked (regressions) ---- */

static const char *compile_err(const char *text)
{
        static char err[1024];
        err[0] = '\0';
        faker_expr_t *e = faker_compile(fk, text, err, sizeof(err));
        cr_assert_null(e, "%s compiled", text);
        cr_assert(err[0], "%s: no message", text);
        return err;
}

/* `\d` inside [...] used to append ten bytes per escape to a 256-byte stack
 * buffer without a bound: 26 of them smashed the stack. A set is at most
 * 256 distinct bytes. */
Test(faker, regexify_class_escapes_are_bounded)
{
        char expr[512] = "#{regexify '[";
        for (int i = 0; i < 40; i++)
                strcat(expr, "\\d");
        strcat(expr, "]{3}'}");
        all_match(expr, "^[0-9]{3}$", 200);
        /* every class and every byte range at once still fits */
        all_match("#{regexify '[\\w\\d\\w\\d\\w\\da-zA-Z0-9_\\d]'}",
                  "^[A-Za-z0-9_]$", 200);
        all_match("#{regexify '[ -~\\d\\w]{20}'}", "^[ -~]{20}$", 200);
}

/* A set keeps each byte once: [aaaaaaaaab] is a or b with even odds. */
Test(faker, regexify_set_is_distinct_bytes)
{
        faker_expr_t *e = compile_ok("#{regexify '[aaaaaaaaab]'}");
        int b = 0;
        for (int i = 0; i < 2000; i++)
                b += ev(e)[0] == 'b';
        cr_assert(b > 800 && b < 1200, "b drawn %d of 2000 times", b);
}

Test(faker, regexify_repetition_counts_are_checked)
{
        const char *bad[] = {
                "#{regexify 'a{9223372036854775807,}'}",
                "#{regexify 'a{9223372036854775807}'}",
                "#{regexify 'a{1,99999999999999999999}'}",
                "#{regexify 'a{1001}'}",
                "#{regexify 'a{5,2}'}",
                NULL
        };
        for (int i = 0; bad[i]; i++) {
                const char *err = compile_err(bad[i]);
                cr_assert(strstr(err, "Unable to resolve #{regexify"), "%s",
                          err);
                cr_assert(strstr(err, "repetition"), "%s: %s", bad[i], err);
        }
        all_match("#{regexify 'a{2,}'}", "^a{2,6}$", 100);
        all_match("#{regexify 'a{1000}'}", "^a{1000}$", 3);
        /* not a counted repetition: literal braces, as before */
        all_match("#{regexify 'a{x}'}", "^a\\{x\\}$", 3);
}

/* Nested repetitions multiply: 1000^3 iterations per value would loop for
 * ever (and 1000^16 with deeper nesting, even when nothing is output). */
Test(faker, regexify_nested_repetition_is_bounded, .timeout = 30)
{
        const char *bad[] = {
                "#{regexify '((a{1000}){1000}){1000}'}",
                "#{regexify '((((((){1000}){1000}){1000}){1000}){1000}){1000}'}",
                "#{regexify '(((((((((^){1000}){1000}){1000}){1000}){1000}){1000}){1000}){1000}){1000}'}",
                NULL
        };
        for (int i = 0; bad[i]; i++) {
                const char *err = compile_err(bad[i]);
                cr_assert(strstr(err, "bytes") || strstr(err, "steps"),
                          "%s: %s", bad[i], err);
        }
        all_match("#{regexify '(ab{10}){10}'}", "^(ab{10}){10}$", 5);
}

/* The regex compiler used to copy its node array on every node: a long
 * literal took quadratic memory (a 1 MiB request: terabytes). */
Test(faker, regexify_long_pattern_compiles_in_linear_memory)
{
        size_t n = 4000;
        char *expr = malloc(n + 32);
        strcpy(expr, "#{regexify '");
        memset(expr + strlen(expr), 'a', n);
        strcpy(expr + 12 + n, "|b'}");
        size_t before = faker_alloc_bytes(fk);
        faker_expr_t *e = compile_ok(expr);
        size_t used = faker_alloc_bytes(fk) - before;
        cr_assert(used < 64 * n * 4, "%zu bytes for a %zu-byte pattern", used,
                  n);
        const char *s = ev(e);
        cr_assert(strlen(s) == n || !strcmp(s, "b"));
        free(expr);
}

/* '-9223372036854775808','9223372036854775807' used to overflow a + offset. */
Test(faker, number_between_full_range)
{
        faker_expr_t *e = compile_ok("#{number.number_between "
                                     "'-9223372036854775808',"
                                     "'9223372036854775807'}");
        int neg = 0;
        for (int i = 0; i < 2000; i++) {
                const char *s = ev(e);
                char *end;
                errno = 0;
                long long v = strtoll(s, &end, 10);
                cr_assert(!errno && !*end && v < INT64_MAX, "%s", s);
                neg += v < 0;
        }
        cr_assert(neg > 800 && neg < 1200, "%d negatives of 2000", neg);
        all_match("#{number.number_between '9223372036854775806',"
                  "'9223372036854775807'}", "^9223372036854775806$", 10);
        all_match("#{number.number_between '-9223372036854775808',"
                  "'-9223372036854775807'}", "^-9223372036854775808$", 10);
}

/* A year like 999999999999 used to overflow the millisecond product. */
Test(faker, date_between_out_of_range_years_rejected)
{
        const char *bad[] = {
                "#{date.between 'Sun Mar 22 01:59:02 UTC 999999999999',"
                "'Sun Mar 22 01:59:02 UTC 2020'}",
                "#{date.between 'Sun Mar 22 01:59:02 UTC 2020',"
                "'Sun Mar 22 01:59:02 UTC 292278995'}",
                "#{date.between 'Sun Mar 22 01:59:02 UTC -999999999999',"
                "'Sun Mar 22 01:59:02 UTC 2020'}",
                "#{date.between 'Sun Mar 99999999999 01:59:02 UTC 2020',"
                "'Sun Mar 22 01:59:02 UTC 2020'}",
                NULL
        };
        for (int i = 0; bad[i]; i++) {
                const char *err = compile_err(bad[i]);
                cr_assert(strstr(err, "Unable to resolve #{date.between"),
                          "%s", err);
        }
        /* the widest accepted span evaluates without overflow */
        all_match("#{date.between 'Sun Mar 22 01:59:02 UTC 1000',"
                  "'Sun Mar 22 01:59:02 UTC 9999'}", DATE_RE, 200);
}

/* Negative or huge counts times the unit used to overflow (past/future),
 * and huge ages overflowed the calendar year (birthday). */
Test(faker, date_counts_are_checked)
{
        const char *bad[] = {
                "#{date.past '-9223372036854775807','DAYS'}",
                "#{date.future '9223372036854775807','DAYS'}",
                "#{date.past '10','-9223372036854775807','DAYS'}",
                "#{date.past '-5','SECONDS'}",
                "#{date.birthday '1','2147483648'}",
                "#{date.birthday '-9223372036854775807','1'}",
                NULL
        };
        for (int i = 0; bad[i]; i++)
                compile_err(bad[i]);
        all_match("#{date.past '100000','DAYS'}", DATE_RE, 50);
        all_match("#{date.future '100000','DAYS'}", DATE_RE, 50);
        all_match("#{date.birthday '0','200'}", DATE_RE, 50);
}

/* One value is at most 1 MiB: anything that could make more is refused
 * when compiled instead of failing every record at run time. */
Test(faker, expression_output_is_bounded)
{
        char expr[1024] = "";
        for (int i = 0; i < 11; i++)
                strcat(expr, "#{Lorem.characters '100000'}");
        const char *err = compile_err(expr);
        cr_assert(strstr(err, "bytes"), "%s", err);
        compile_err("#{Lorem.characters '100001'}");
        compile_err("#{Number.digits '-1'}");
        faker_expr_t *e = compile_ok("#{Lorem.characters '100000'}");
        cr_assert_eq(faker_expr_max_len(e), 100000);
        e = compile_ok("x#{Internet.uuid}");
        cr_assert_eq(faker_expr_max_len(e), 37);
}

/* Lists of short plain strings are evaluated from packed slots (16, 32 or
 * 64 bytes: a length byte and the text); a list with a longer string is
 * not packed. Either way a pick is one whole item, and the picks are
 * uniform, with the two lists evaluated in turn on one runtime. */
Test(faker_packed, picks_are_whole_items_at_every_slot_size)
{
        static const char *const sizes[] = {
                "a", "fifteen-chars-x", "sixteen-chars-xy",
                "thirty-one-characters-long-wxyz",
                "thirty-two-characters-long-vwxyz",
                "sixty-three-characters-long-abcdefghijklmnopqrstuvwxyz-01234567",
                NULL
        };
        static const char *const longer[] = {
                "sixty-four-characters-long-abcdefghijklmnopqrstuvwxyz-0123456789",
                "b", NULL
        };
        const struct { const char *expr; const char *const *items; } lists[] = {
                { "#{Pack.sizes}", sizes }, { "#{Pack.longer}", longer },
        };
        char dir[] = "/tmp/faker-packed-XXXXXX", sub[256], path[256],
             err[512];
        const faker_data_t *d;
        faker_t *f;
        faker_rt_t r;
        dg_buf_t b;
        FILE *fp;

        /* The loader wants en/name.yml with a name: the lists go there. */
        cr_assert_not_null(mkdtemp(dir));
        snprintf(sub, sizeof(sub), "%s/en", dir);
        cr_assert_eq(mkdir(sub, 0700), 0);
        snprintf(path, sizeof(path), "%s/name.yml", sub);
        fp = fopen(path, "w");
        cr_assert_not_null(fp);
        fprintf(fp, "en:\n  faker:\n    name:\n      first_name:\n"
                    "        - \"Ann\"\n    pack:\n      sizes:\n");
        for (int i = 0; sizes[i]; i++)
                fprintf(fp, "        - \"%s\"\n", sizes[i]);
        fprintf(fp, "      longer:\n");
        for (int i = 0; longer[i]; i++)
                fprintf(fp, "        - \"%s\"\n", longer[i]);
        fclose(fp);
        /* At and across each slot's limit: 15|16, 31|32, 63|64. */
        cr_assert_eq(strlen(sizes[1]), 15);
        cr_assert_eq(strlen(sizes[2]), 16);
        cr_assert_eq(strlen(sizes[3]), 31);
        cr_assert_eq(strlen(sizes[4]), 32);
        cr_assert_eq(strlen(sizes[5]), 63);
        cr_assert_eq(strlen(longer[0]), 64);
        setenv("CONNECTD_FAKER_LOCALES", dir, 1);
        d = faker_data_get(err, sizeof(err));
        cr_assert_not_null(d, "%s", err);
        f = faker_new(d);
        faker_rt_init(&r, 7);
        dg_buf_init(&b, 64);
        enum { NL = sizeof(lists) / sizeof(lists[0]), DRAWS = 6000 };
        faker_expr_t *e[NL];
        int seen[NL][8] = { { 0 } }, n[NL] = { 0 };

        for (size_t l = 0; l < NL; l++) {
                e[l] = faker_compile(f, lists[l].expr, err, sizeof(err));
                cr_assert_not_null(e[l], "%s: %s", lists[l].expr, err);
                while (lists[l].items[n[l]])
                        n[l]++;
        }
        for (int k = 0; k < DRAWS; k++) {
                for (size_t l = 0; l < NL; l++) {
                        int i;

                        b.len = 0;
                        faker_eval(e[l], &r, &b);
                        for (i = 0; i < n[l]; i++)
                                if (b.len == strlen(lists[l].items[i]) &&
                                    !memcmp(b.p, lists[l].items[i], b.len))
                                        break;
                        cr_assert_lt(i, n[l], "%s gave '%.*s'",
                                     lists[l].expr, (int)b.len, b.p);
                        seen[l][i]++;
                }
        }
        /* Each item DRAWS / n times, within six standard deviations. */
        for (size_t l = 0; l < NL; l++) {
                double p = 1.0 / n[l], want = DRAWS * p,
                       sd = sqrt(DRAWS * p * (1 - p));

                for (int i = 0; i < n[l]; i++)
                        cr_assert(fabs(seen[l][i] - want) < 6 * sd,
                                  "%s gave '%s' %d times in %d, not about "
                                  "%.0f", lists[l].expr, lists[l].items[i],
                                  seen[l][i], DRAWS, want);
        }
        dg_buf_free(&b);
        faker_rt_free(&r);
        faker_destroy(f);
        unlink(path);
        rmdir(sub);
        rmdir(dir);
}
