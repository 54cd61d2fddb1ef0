/* Unit tests for server/transforms/javadate.c: SimpleDateFormat in UTC.
 * Expected texts are what Java's SimpleDateFormat (en_US, UTC) produces;
 * the examples of its class documentation are rendered in UTC. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "javadate.h"

/* 2001-07-04T12:08:56.235Z, the instant of the Javadoc examples */
#define DOC_MS 994248536235LL
#define NOV14 1700000000000LL /* 2023-11-14T22:13:20Z, a Tuesday */
/* "now" for two-digit years: 2026-11-30T12:00:00Z */
#define NOW 1796040000000LL

static char *fmt(const char *pattern, int64_t ms)
{
        char err[128];
        javadate_t *f = javadate_new(pattern, err, sizeof err);
        char *s;

        cr_assert_not_null(f, "%s: %s", pattern, err);
        s = javadate_format(f, ms);
        cr_assert_not_null(s);
        javadate_free(f);
        return s;
}

#define EXPECT_FMT(p, ms, want)                                             \
        do {                                                                \
                char *got_ = fmt(p, ms);                                    \
                cr_expect_str_eq(got_, want, "format %s", p);               \
                free(got_);                                                 \
        } while (0)

/* 0 and *ms, or -1 */
static int prs(const char *pattern, const char *text, int64_t *ms)
{
        char err[128];
        javadate_t *f = javadate_new(pattern, err, sizeof err);
        int rc;

        cr_assert_not_null(f, "%s: %s", pattern, err);
        rc = javadate_parse_at(f, text, NOW, ms);
        javadate_free(f);
        return rc;
}

#define EXPECT_PARSE(p, text, want)                                         \
        do {                                                                \
                int64_t ms_ = 0;                                            \
                cr_expect_eq(prs(p, text, &ms_), 0, "parse %s with %s",     \
                             text, p);                                      \
                cr_expect_eq(ms_, (int64_t)(want),                          \
                             "parse %s with %s: %lld", text, p,             \
                             (long long)ms_);                               \
        } while (0)

#define EXPECT_NOPARSE(p, text)                                             \
        do {                                                                \
                int64_t ms_ = 0;                                            \
                cr_expect_eq(prs(p, text, &ms_), -1, "parse %s with %s",    \
                             text, p);                                      \
        } while (0)

static void expect_bad(const char *pattern, const char *msg)
{
        char err[128];
        javadate_t *f = javadate_new(pattern, err, sizeof err);

        cr_expect_null(f, "%s compiled", pattern);
        javadate_free(f);
        cr_expect_str_eq(err, msg, "%s", pattern);
}

Test(javadate, javadoc_examples_in_utc)
{
        EXPECT_FMT("yyyy.MM.dd G 'at' HH:mm:ss z", DOC_MS,
                   "2001.07.04 AD at 12:08:56 UTC");
        EXPECT_FMT("EEE, MMM d, ''yy", DOC_MS, "Wed, Jul 4, '01");
        EXPECT_FMT("h:mm a", DOC_MS, "12:08 PM");
        EXPECT_FMT("hh 'o''clock' a, zzzz", DOC_MS,
                   "12 o'clock PM, Coordinated Universal Time");
        EXPECT_FMT("K:mm a, z", DOC_MS, "0:08 PM, UTC");
        EXPECT_FMT("yyyyy.MMMMM.dd GGG hh:mm aaa", DOC_MS,
                   "02001.July.04 AD 12:08 PM");
        EXPECT_FMT("EEE, d MMM yyyy HH:mm:ss Z", DOC_MS,
                   "Wed, 4 Jul 2001 12:08:56 +0000");
        EXPECT_FMT("yyMMddHHmmssZ", DOC_MS, "010704120856+0000");
        EXPECT_FMT("yyyy-MM-dd'T'HH:mm:ss.SSSZ", DOC_MS,
                   "2001-07-04T12:08:56.235+0000");
        EXPECT_FMT("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", DOC_MS,
                   "2001-07-04T12:08:56.235Z");
        EXPECT_FMT("YYYY-'W'ww-u", DOC_MS, "2001-W27-3");
}

Test(javadate, format_fields)
{
        EXPECT_FMT("yyyy-MM-dd", 0, "1970-01-01");
        EXPECT_FMT("yyyyMMdd", 0, "19700101");
        EXPECT_FMT("yyyy-MM-dd HH:mm:ss.SSS", -1, "1969-12-31 23:59:59.999");
        EXPECT_FMT("EEEE MMMM EEE MMM M", NOV14, "Tuesday November Tue Nov 11");
        EXPECT_FMT("y yy yyy yyyyy", NOV14, "2023 23 2023 02023");
        EXPECT_FMT("D DDDD w W F u", NOV14, "318 0318 46 3 2 2");
        EXPECT_FMT("k K h H a", 0, "24 0 12 0 AM");
        EXPECT_FMT("k K h H a", NOV14, "22 10 10 22 PM");
        EXPECT_FMT("S SS SSS SSSSSS", 123, "123 123 123 000123");
        EXPECT_FMT("S SSS", 5, "5 005");
        EXPECT_FMT("X XX XXX Z z zzzz", 0,
                   "Z Z Z +0000 UTC Coordinated Universal Time");
        EXPECT_FMT("G", 0, "AD");
        /* non-letters are literal, '' is a quote inside and outside quotes */
        EXPECT_FMT("'It''s' yyyy", 0, "It's 1970");
        EXPECT_FMT("''yyyy''", 0, "'1970'");
        EXPECT_FMT("yyyy'T'HH", 0, "1970T00");
        EXPECT_FMT("[yyyy] \xc3\xa9 #", 0, "[1970] \xc3\xa9 #");
        EXPECT_FMT("", 0, "");
        /* week year: 2023-12-31 is in week 1 of 2024 */
        EXPECT_FMT("YYYY ww yyyy", 1703980800000LL, "2024 01 2023");
}

Test(javadate, julian_calendar_and_eras)
{
        /* the Gregorian cutover: the day before 1582-10-15 is 10-04 */
        EXPECT_FMT("yyyy-MM-dd", -12219292800000LL, "1582-10-15");
        EXPECT_FMT("yyyy-MM-dd", -12219292800000LL - 86400000, "1582-10-04");
        /* ISO 0001-01-01 is Julian 0001-01-03 */
        EXPECT_FMT("yyyy-MM-dd G", -62135596800000LL, "0001-01-03 AD");
        EXPECT_FMT("yyyy-MM-dd G", -62135596800000LL - 3 * 86400000LL,
                   "0001-12-31 BC");
        /* extremes do not crash */
        char *s = fmt("yyyy-MM-dd HH:mm:ss.SSS G", INT64_MIN);
        free(s);
        s = fmt("yyyy-MM-dd HH:mm:ss.SSS G", INT64_MAX);
        free(s);
}

Test(javadate, pattern_errors)
{
        expect_bad("yyyy-MM-ddTHH:mm", "Illegal pattern character 'T'");
        expect_bad("c", "Illegal pattern character 'c'");
        expect_bad("yyyy 'T", "Unterminated quote");
        expect_bad("XXXX", "invalid ISO 8601 format: length=4");
        /* quoted letters are fine */
        javadate_t *f = javadate_new("'abc T c'", NULL, 0);
        cr_expect_not_null(f);
        javadate_free(f);
}

Test(javadate, parse_basic_and_lenient)
{
        EXPECT_PARSE("yyyy-MM-dd", "1970-01-01", 0);
        EXPECT_PARSE("yyyy-MM-dd", "2023-07-04", 1688428800000LL);
        /* trailing input is ignored */
        EXPECT_PARSE("yyyy-MM-dd", "2023-07-04 and more", 1688428800000LL);
        /* fewer digits than letters, and blanks before a number */
        EXPECT_PARSE("yyyy-MM-dd", "2023-7-4", 1688428800000LL);
        EXPECT_PARSE("yyyy-MM-dd", " 2023-\t7- 4", 1688428800000LL);
        /* lenient rolling */
        EXPECT_PARSE("yyyy-MM-dd", "2023-13-01", 1704067200000LL);
        EXPECT_PARSE("yyyy-MM-dd", "2023-02-30", 1677715200000LL);
        EXPECT_PARSE("yyyy-MM-dd", "2020--1-01", 1572566400000LL);
        EXPECT_PARSE("HH:mm", "25:61", 26 * 3600000LL + 60000);
        /* adjacent numeric fields take exactly their letter count */
        EXPECT_PARSE("yyyyMMdd", "20230704", 1688428800000LL);
        EXPECT_PARSE("yyyyMMddHHmmss", "20231114221320", NOV14);
        /* the last numeric field takes every digit */
        EXPECT_PARSE("yyyyMMd", "2023070400", 1688428800000LL + 396 * 86400000LL);
        /* the day takes what is left: "0" is June 30 */
        EXPECT_PARSE("yyyyMMdd", "2023070", 1688428800000LL - 4 * 86400000LL);
        EXPECT_NOPARSE("yyyyMMdd", "202307");
        EXPECT_NOPARSE("yyyy-MM-dd", "2023/07/04");
        EXPECT_NOPARSE("yyyy-MM-dd", "abc");
        EXPECT_NOPARSE("yyyy-MM-dd", "");
        EXPECT_NOPARSE("yyyy-MM-dd", "2023-07");
        EXPECT_NOPARSE("", "2023");
        EXPECT_NOPARSE("yyyy", "+2023");
}

Test(javadate, parse_names_times_and_zones)
{
        EXPECT_PARSE("EEE, d MMM yyyy HH:mm:ss z",
                     "Tue, 14 Nov 2023 22:13:20 GMT", NOV14);
        EXPECT_PARSE("EEE, d MMM yyyy HH:mm:ss z",
                     "tue, 14 nov 2023 22:13:20 utc", NOV14);
        EXPECT_PARSE("MMM d, yyyy", "January 5, 2020", 1578182400000LL);
        EXPECT_PARSE("MMMM d, yyyy", "Jan 5, 2020", 1578182400000LL);
        EXPECT_NOPARSE("MMM d, yyyy", "Jnu 5, 2020");
        EXPECT_PARSE("yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                     "2023-11-14T22:13:20.000+0100", NOV14 - 3600000);
        EXPECT_PARSE("yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                     "2023-11-14T22:13:20.000-0130", NOV14 + 5400000);
        EXPECT_PARSE("yyyy-MM-dd'T'HH:mm:ss z", "2023-11-14T22:13:20 GMT+1:00",
                     NOV14 - 3600000);
        EXPECT_PARSE("yyyy-MM-dd'T'HH:mm:ssX", "2023-11-14T22:13:20Z", NOV14);
        EXPECT_PARSE("yyyy-MM-dd'T'HH:mm:ssX", "2023-11-14T22:13:20+01",
                     NOV14 - 3600000);
        EXPECT_PARSE("yyyy-MM-dd'T'HH:mm:ssXXX",
                     "2023-11-14T22:13:20+01:00", NOV14 - 3600000);
        EXPECT_NOPARSE("yyyy-MM-dd'T'HH:mm:ssXXX", "2023-11-14T22:13:20+0100");
        EXPECT_NOPARSE("yyyy-MM-dd'T'HH:mm:ssZ", "2023-11-14T22:13:20+1");
        EXPECT_PARSE("hh:mm a", "12:30 PM", 45000000);
        EXPECT_PARSE("hh:mm a", "12:30 am", 1800000);
        EXPECT_PARSE("hh:mm a", "01:30 PM", 48600000);
        EXPECT_PARSE("kk:mm", "24:00", 0);
        EXPECT_PARSE("s.SSS", "1.5", 1005);
        EXPECT_PARSE("SSSSSS", "123456", 123456);
        EXPECT_PARSE("yyyy G", "1 BC", -62135596800000LL - 368 * 86400000LL);
        EXPECT_PARSE("yyyy DDD", "2023 032", 1675209600000LL);
        EXPECT_PARSE("yyyy-MM-dd", "1582-10-04", -12219292800000LL - 86400000);
        /* names are matched where the field starts (no blank skipping) */
        EXPECT_NOPARSE("MMM", " Jan");
}

Test(javadate, parse_years)
{
        /* "now" is 2026-11-30: two-digit years fall in 1946-11-30 .. 2046 */
        EXPECT_PARSE("yy-MM-dd", "24-01-01", 1704067200000LL);
        EXPECT_PARSE("yy-MM-dd", "50-01-01", -631152000000LL);
        EXPECT_PARSE("yy-MM-dd", "46-12-01", -728524800000LL);
        EXPECT_PARSE("yy-MM-dd", "46-01-01", 2398377600000LL);
        EXPECT_PARSE("y-MM-dd", "24-01-01", 1704067200000LL);
        /* no century for four letters or three digits */
        EXPECT_PARSE("yyyy-MM-dd", "24-01-01", -61410009600000LL);
        EXPECT_PARSE("yy-MM-dd", "2024-01-01", 1704067200000LL);
        /* YYYY with MM-dd: Java's week-year trap */
        EXPECT_PARSE("YYYY-MM-dd", "2020-05-05", 1577577600000LL);
        EXPECT_PARSE("YYYY-'W'ww-u", "2001-W27-3", DOC_MS - 43736235LL);
}

Test(javadate, round_trips)
{
        static const char *const pats[] = {
                "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyyMMddHHmmssSSS",
                "EEE, d MMM yyyy HH:mm:ss.SSS Z", "yyyy DDD HH:mm:ss.SSS z",
        };
        static const int64_t ms[] = {0, 1, -1, NOV14, DOC_MS, 951782400000LL,
                                     4102444799999LL, -12219292800000LL};

        for (size_t i = 0; i < sizeof pats / sizeof *pats; i++)
                for (size_t j = 0; j < sizeof ms / sizeof *ms; j++) {
                        char *s = fmt(pats[i], ms[j]);
                        int64_t back = 0;

                        cr_expect_eq(prs(pats[i], s, &back), 0, "%s", s);
                        cr_expect_eq(back, ms[j], "%s: %lld", s,
                                     (long long)back);
                        free(s);
                }
}

/* Found by fuzz_javadate: a huge negative ISO day of week in a week date
 * was normalised one week at a time (hundreds of millions of loops). */
Test(javadate, week_date_with_huge_negative_day_is_fast, .timeout = 1)
{
        /* dow -2147483647 -> Saturday, 306783379 weeks back */
        for (int i = 0; i < 5; i++)
                EXPECT_PARSE("YYYY u", "2001 -2147483647",
                             -185541608880000000LL);
        /* ISO 0 is the Sunday before week 1's Sunday */
        EXPECT_PARSE("YYYY u", "2001 0", 978220800000LL - 7 * 86400000LL);
        EXPECT_PARSE("YYYY u", "2001 8", 978220800000LL + 8 * 86400000LL);
}
