/* Unit tests for server/transforms/jregex.c (Java regex through PCRE2);
 * expectations are what java.util.regex does. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jregex.h"

static jregex_t *comp(const char *p)
{
        char err[512];
        jregex_t *re = jregex_compile(p, err, sizeof err);

        cr_assert_not_null(re, "compile %s: %s", p, err);
        return re;
}

static int matches(const char *p, const char *s)
{
        jregex_t *re = comp(p);
        int m = jregex_matches(re, s, strlen(s));

        jregex_free(re);
        return m;
}

/* replaceFirst/replaceAll result, or "!<code>:<message>". */
static char *repl(const char *p, const char *s, const char *r, int all)
{
        jregex_t *re = comp(p);
        char err[256], *out = NULL;
        int rc = jregex_replace(re, s, strlen(s), r, all, &out, err,
                                sizeof err);

        jregex_free(re);
        if (rc) {
                cr_assert_null(out);
                cr_assert(asprintf(&out, "!%d:%s", rc, err) > 0);
        }
        return out;
}

#define EXPECT_REPL(p, s, r, all, want)                                     \
        do {                                                                \
                char *got_ = repl(p, s, r, all);                            \
                cr_expect_str_eq(got_, want, "%s on %s with %s", p, s, r);  \
                free(got_);                                                 \
        } while (0)

Test(jregex, matches_is_a_full_match)
{
        cr_expect(matches("(.*)-raw", "orders-raw"));
        cr_expect(!matches("(.*)-raw", "orders-raw2"));
        cr_expect(!matches("raw", "orders-raw"));
        /* the whole subject must match, backtracking into alternatives */
        cr_expect(matches("a|ab", "ab"));
        cr_expect(!matches("ab$", "ab\n"));
        cr_expect(matches("", ""));
        cr_expect(!matches("a", ""));
}

Test(jregex, find_and_line_terminators)
{
        jregex_t *re = comp("b$");
        size_t s, e;

        /* $ also matches before a final line terminator */
        cr_expect(jregex_find(re, "ab\n", 3, 0, &s, &e));
        cr_expect_eq(s, 1);
        cr_expect_eq(e, 2);
        cr_expect(!jregex_find(re, "abc", 3, 0, &s, &e));
        jregex_free(re);
        /* Java's . does not match \r, \n, U+0085, U+2028, U+2029 */
        cr_expect(!matches(".", "\r"));
        cr_expect(!matches(".", "\n"));
        cr_expect(!matches(".", "\xe2\x80\xa8"));
        cr_expect(matches(".", "\xc3\xa9")); /* one character: é */
        cr_expect(matches("(?s).", "\n"));
}

Test(jregex, java_spellings_are_translated)
{
        cr_expect(matches("\\u0041\\u00e9", "A\xc3\xa9"));
        cr_expect(matches("\\0101\\012", "A\n"));
        cr_expect(matches("\\0377", "\xc3\xbf"));
        cr_expect(matches("\\p{Alpha}+", "abcXYZ"));
        cr_expect(!matches("\\p{Alpha}+", "ab1"));
        cr_expect(matches("[\\p{Digit}x]+", "1x2"));
        cr_expect(matches("\\P{Digit}+", "ab"));
        cr_expect(matches("[^\\p{Punct}]+", "ab"));
        cr_expect(matches("\\p{IsLatin}+", "abc"));
        cr_expect(matches("\\p{Lu}\\p{L}*", "Abc"));
        cr_expect(matches("(?iu)ABC", "abc"));
        cr_expect(matches("(?d)a.c", "abc"));
        cr_expect(matches("(?u:AB)c", "ABc"));
        cr_expect(matches("(?U)\\w+", "\xc3\xa9t\xc3\xa9"));
        cr_expect(!matches("\\w+", "\xc3\xa9t\xc3\xa9"));
        cr_expect(matches("\\Q[a.b]\\E", "[a.b]"));
        cr_expect(matches("[\\Q]\\E]", "]"));
        /* the same in both */
        cr_expect(matches("a*+b", "aab"));
        cr_expect(!matches("a*+a", "aa"));
        cr_expect(matches("(?>a|ab)c", "ac"));
        cr_expect(matches("(?<y>\\d{4})-\\k<y>", "2024-2024"));
        cr_expect(matches("(?<=a)b|ab", "ab"));
        cr_expect(matches("\\x41\\x{42}", "AB"));
}

Test(jregex, syntax_errors_have_java_shape)
{
        char err[512];

        cr_assert_null(jregex_compile("(ab", err, sizeof err));
        cr_expect_str_eq(err, "missing closing parenthesis near index 3\n(ab");
        cr_assert_null(jregex_compile("a)b", err, sizeof err));
        cr_expect_str_eq(err,
                         "unmatched closing parenthesis near index 1\na)b\n"
                         " ^");
        cr_assert_null(jregex_compile("*a", err, sizeof err));
        cr_expect(strstr(err, "quantifier does not follow a repeatable item"
                              " near index 0\n*a\n^") == err,
                  "%s", err);
        /* offsets count characters of the pattern as written */
        cr_assert_null(jregex_compile("\\u00e9(", err, sizeof err));
        cr_expect(strstr(err, "near index 7\n"), "%s", err);
        /* Java's class algebra is refused instead of meaning something
         * else */
        cr_assert_null(jregex_compile("[a-z&&[def]]", err, sizeof err));
        cr_expect_str_eq(err,
                         "Character class union and intersection are not "
                         "supported near index 4\n[a-z&&[def]]\n    ^");
        cr_assert_null(jregex_compile("[a[b]]", err, sizeof err));
        cr_expect(strstr(err, "near index 2"), "%s", err);
        /* Java reads [[:alpha:]] as a nested class of ":alph", PCRE2 as
         * POSIX: refused rather than silently different */
        cr_assert_null(jregex_compile("[[:alpha:]]", err, sizeof err));
        /* escaped brackets are fine, and a class closes after \Q..\E */
        cr_expect(matches("[\\[\\]]+", "[]"));
        cr_expect(matches("[\\Q]\\E][a]", "]a"));
}

Test(jregex, replace_first_and_all_like_java)
{
        EXPECT_REPL("(.*)-raw", "orders-raw", "$1", 0, "orders");
        EXPECT_REPL("(.*)-raw", "orders-raw2", "$1", 0, "orders2");
        EXPECT_REPL("a*", "baaa", "X", 1, "XbXX");
        EXPECT_REPL("", "abc", "-", 1, "-a-b-c-");
        EXPECT_REPL("", "\xc3\xa9", "-", 1, "-\xc3\xa9-");
        EXPECT_REPL("o", "foo", "0", 0, "f0o");
        EXPECT_REPL("o", "foo", "0", 1, "f00");
        EXPECT_REPL("(?<t>[a-z]+)\\.(\\d+)", "db.42", "${t}_$2", 0, "db_42");
        EXPECT_REPL("x", "axb", "\\$\\\\", 0, "a$\\b");
        /* $10 with one group is group 1 then a literal 0 */
        EXPECT_REPL("(x)", "x", "$10", 0, "x0");
        /* a group that did not take part adds nothing */
        EXPECT_REPL("(a)|(b)", "b", "[$1|$2]", 0, "[|b]");
        EXPECT_REPL("(x)", "x", "$0$0", 0, "xx");
}

Test(jregex, replacement_errors_like_java)
{
        EXPECT_REPL("(x)", "x", "$2", 0, "!-2:No group 2");
        EXPECT_REPL("(x)", "x", "$a", 0, "!-1:Illegal group reference");
        EXPECT_REPL("(x)", "x", "a\\", 0,
                    "!-1:character to be escaped is missing");
        EXPECT_REPL("(x)", "x", "${nope}", 0, "!-1:No group with name {nope}");
        EXPECT_REPL("(x)", "x", "${}", 0,
                    "!-1:named capturing group has 0 length name");
        EXPECT_REPL("(x)", "x", "${a", 0,
                    "!-1:named capturing group is missing trailing '}'");
        EXPECT_REPL("(x)", "x", "${1a}", 0,
                    "!-1:capturing group name {1a} starts with digit "
                    "character");
        /* the replacement is only read when something matches */
        EXPECT_REPL("(x)", "y", "$9", 0, "y");
        cr_expect_str_eq(jregex_error_class(JREGEX_EIAE),
                         "java.lang.IllegalArgumentException");
        cr_expect_str_eq(jregex_error_class(JREGEX_EINDEX),
                         "java.lang.IndexOutOfBoundsException");
}

Test(jregex, invalid_utf8_subject_is_no_error)
{
        jregex_t *re = comp(".*");
        size_t s, e;

        /* Java would see U+FFFD there; no crash, no engine error */
        (void)jregex_matches(re, "a\xff", 2);
        (void)jregex_find(re, "a\xff", 2, 1, &s, &e);
        cr_expect(jregex_matches(re, "ab", 2));
        cr_expect_eq(jregex_groups(re), 0);
        cr_expect_str_eq(jregex_pattern(re), ".*");
        jregex_free(re);
}

static void *worker(void *arg)
{
        const jregex_t *re = arg;
        long ok = 0;

        for (int i = 0; i < 2000; i++) {
                char *out = NULL;

                ok += jregex_matches(re, "orders-raw", 10);
                if (jregex_replace(re, "orders-raw", 10, "$1", 0, &out, NULL,
                                   0) == 0 &&
                    strcmp(out, "orders") == 0)
                        ok++;
                free(out);
        }
        return (void *)ok;
}

Test(jregex, shared_pattern_across_threads)
{
        jregex_t *re = comp("(.*)-raw");
        pthread_t t[4];

        for (int i = 0; i < 4; i++)
                cr_assert_eq(pthread_create(&t[i], NULL, worker, re), 0);
        for (int i = 0; i < 4; i++) {
                void *r;

                pthread_join(t[i], &r);
                cr_expect_eq((long)r, 4000);
        }
        jregex_free(re);
}

/* ---- RegexRouter, Filter and the predicates ------------------------- */

#include <stdarg.h>

#include "builtins.h"
#include "record.h"
#include "transform.h"

static void *xconf(const xform_class_t *c, xerr_t *err, ...)
{
        json_t *props = json_object();
        va_list ap;
        const char *k;
        void *state = NULL;
        int rc;

        va_start(ap, err);
        while ((k = va_arg(ap, const char *)))
                json_object_set_new(props, k,
                                    json_string(va_arg(ap, const char *)));
        va_end(ap);
        memset(err, 0, sizeof *err);
        rc = c->configure(props, &state, err);
        json_decref(props);
        if (rc)
                cr_assert_null(state);
        return rc ? NULL : state;
}

static xrecord_t xrec(arena_t *a, const char *topic)
{
        xrecord_t r;

        memset(&r, 0, sizeof r);
        r.topic = topic;
        r.partition = -1;
        r.arena = a;
        return r;
}

static const connectd_config_def_t *xdef(const xform_class_t *c,
                                         const char *name)
{
        for (const connectd_config_def_t *d = c->defs; d->name; d++)
                if (!strcmp(d->name, name))
                        return d;
        return NULL;
}

Test(regex_router, renames_only_full_matches)
{
        arena_t *a = arena_new(0);
        xerr_t err;
        void *s = xconf(&xf_regex_router, &err, "regex", "(.*)-raw",
                        "replacement", "$1", NULL);
        xrecord_t r = xrec(a, "orders-raw");
        const char *before;

        cr_assert_not_null(s, "%s", err.msg);
        cr_assert_eq(xf_regex_router.apply(s, &r, &err), XFORM_KEEP);
        cr_expect_str_eq(r.topic, "orders");
        r = xrec(a, "orders-raw2");
        before = r.topic;
        cr_assert_eq(xf_regex_router.apply(s, &r, &err), XFORM_KEEP);
        cr_expect_eq(r.topic, before);
        xf_regex_router.close(s);

        /* named groups, escapes, and values trimmed like ConfigDef does */
        s = xconf(&xf_regex_router, &err, "regex", " (?<db>\\w+)\\.(\\w+) ",
                  "replacement", "${db}_$2\\$", NULL);
        cr_assert_not_null(s, "%s", err.msg);
        r = xrec(a, "shop.orders");
        cr_assert_eq(xf_regex_router.apply(s, &r, &err), XFORM_KEEP);
        cr_expect_str_eq(r.topic, "shop_orders$");
        xf_regex_router.close(s);

        /* a bad group reference fails the record like Java */
        s = xconf(&xf_regex_router, &err, "regex", "(a)", "replacement", "$2",
                  NULL);
        cr_assert_not_null(s, "%s", err.msg);
        r = xrec(a, "a");
        cr_expect_eq(xf_regex_router.apply(s, &r, &err), -1);
        cr_expect_str_eq(err.cls, "java.lang.IndexOutOfBoundsException");
        cr_expect_str_eq(err.msg, "No group 2");
        cr_expect_str_eq(r.topic, "a");
        xf_regex_router.close(s);
        arena_destroy(a);
}

Test(regex_router, definitions_and_errors)
{
        const connectd_config_def_t *d = xdef(&xf_regex_router, "regex");
        xerr_t err;
        char why[512];

        cr_assert_not_null(d);
        cr_expect_null(d->default_value);
        cr_expect(!d->optional);
        cr_expect_eq(d->importance, CONNECTD_IMPORTANCE_HIGH);
        cr_expect_str_eq(d->documentation,
                         "Regular expression to use for matching.");
        cr_expect_eq(d->validator("regex", "(a", why, sizeof why), -1);
        cr_expect_str_eq(why, "Invalid regex: missing closing parenthesis "
                              "near index 2\n(a");
        cr_expect_eq(d->validator("regex", NULL, why, sizeof why), -1);
        cr_expect_str_eq(why, "Invalid regex: null");
        cr_expect_eq(d->validator("regex", "a.*", why, sizeof why), 0);
        d = xdef(&xf_regex_router, "replacement");
        cr_expect_str_eq(d->documentation, "Replacement string.");
        cr_expect_null(d->validator);

        cr_expect_null(xconf(&xf_regex_router, &err, "regex", "(a",
                             "replacement", "x", NULL));
        cr_expect_str_eq(err.cls, XERR_CONFIG);
        cr_expect_str_eq(err.msg, "Invalid value (a for configuration regex: "
                                  "Invalid regex: missing closing "
                                  "parenthesis near index 2\n(a");
        cr_expect_null(xconf(&xf_regex_router, &err, "replacement", "x",
                             NULL));
        cr_expect_str_eq(err.msg, "Missing required configuration \"regex\" "
                                  "which has no default value.");
        cr_expect_null(xconf(&xf_regex_router, &err, "regex", "a", NULL));
        cr_expect_str_eq(err.msg, "Missing required configuration "
                                  "\"replacement\" which has no default "
                                  "value.");
}

Test(regex_router, class_names)
{
        /* checklist row 1: simple name and full name; $Key/$Value only by
         * full name */
        cr_expect_eq(xform_lookup("RegexRouter"), &xf_regex_router);
        cr_expect_eq(
                xform_lookup("org.apache.kafka.connect.transforms.RegexRouter"),
                &xf_regex_router);
        cr_expect_eq(xform_lookup("Filter"), &xf_filter);
        cr_expect_eq(xform_lookup("TimestampRouter"), &xf_timestamp_router);
        cr_expect_eq(xform_lookup("TopicNameMatches"), &xp_topic_name_matches);
        cr_expect_eq(xform_lookup("HasHeaderKey"), &xp_has_header_key);
        cr_expect_eq(xform_lookup("RecordIsTombstone"),
                     &xp_record_is_tombstone);
        cr_expect_null(xform_lookup("TimestampConverter$Value"));
        /* the other unique simple names (§1.1: 9 in all) */
        cr_expect_eq(xform_lookup("ValueToKey"), &xf_value_to_key);
        cr_expect_eq(xform_lookup("InsertHeader"), &xf_insert_header);
        cr_expect_eq(xform_lookup("DropHeaders"), &xf_drop_headers);
        /* abstract and ambiguous names do not resolve */
        cr_expect_null(xform_lookup("Cast"));
        cr_expect_null(xform_lookup("Value"));
        cr_expect_null(xform_lookup("Key"));
        cr_expect_null(xform_lookup("Cast$Value"));
        cr_expect_eq(xform_lookup("org.apache.kafka.connect.transforms."
                                  "TimestampConverter$Value"),
                     &xf_timestamp_converter_value);
        cr_expect_eq(xp_topic_name_matches.kind, XFORM_PREDICATE);
        cr_expect_eq(xf_filter.kind, XFORM_TRANSFORMATION);
}

/* Filter guarded by a predicate, as the chain runs it: the transform runs
 * when predicate XOR negate. */
static int filtered(void *pstate, const xform_class_t *pred, int negate,
                    xrecord_t *r)
{
        xerr_t err;
        int t = pred->apply(pstate, r, &err);

        cr_assert_geq(t, 0, "%s", err.msg);
        if (t ^ negate)
                return xf_filter.apply(NULL, r, &err) == XFORM_DROP;
        return 0;
}

Test(predicates, filter_with_record_is_tombstone)
{
        arena_t *a = arena_new(0);
        xerr_t err;
        void *fs = xconf(&xf_filter, &err, NULL);
        void *p = xconf(&xp_record_is_tombstone, &err, NULL);
        xrecord_t tomb = xrec(a, "t"), rec = xrec(a, "t");

        cr_assert_eq(xf_filter.defs[0].name, NULL); /* no keys */
        cr_assert_eq(xp_record_is_tombstone.defs[0].name, NULL);
        xf_filter.close(fs);
        rec.value = val_string(a, "v", 1);
        /* a null key does not matter; a VAL_NULL value is a tombstone */
        tomb.key = val_string(a, "k", 1);
        cr_expect(filtered(p, &xp_record_is_tombstone, 0, &tomb));
        cr_expect(!filtered(p, &xp_record_is_tombstone, 0, &rec));
        tomb.value = val_null(a);
        tomb.value_schema = &schema_opt_string;
        cr_expect(filtered(p, &xp_record_is_tombstone, 0, &tomb));
        /* negate=true keeps only tombstones */
        cr_expect(!filtered(p, &xp_record_is_tombstone, 1, &tomb));
        cr_expect(filtered(p, &xp_record_is_tombstone, 1, &rec));
        xp_record_is_tombstone.close(p);
        arena_destroy(a);
}

Test(predicates, has_header_key)
{
        arena_t *a = arena_new(0);
        xerr_t err;
        void *p = xconf(&xp_has_header_key, &err, "name", "trace", NULL);
        xrecord_t r = xrec(a, "t");
        const connectd_config_def_t *d = xdef(&xp_has_header_key, "name");
        char why[128];

        cr_assert_not_null(p, "%s", err.msg);
        cr_expect_eq(xp_has_header_key.apply(p, &r, &err), 0);
        headers_add(a, &r.headers, "Trace", NULL, NULL);
        headers_add(a, &r.headers, "other", NULL, NULL);
        cr_expect_eq(xp_has_header_key.apply(p, &r, &err), 0);
        /* a header with a null value still counts */
        headers_add(a, &r.headers, "trace", NULL, NULL);
        cr_expect_eq(xp_has_header_key.apply(p, &r, &err), 1);
        cr_expect(!filtered(p, &xp_has_header_key, 1, &r));
        xp_has_header_key.close(p);

        cr_expect_eq(d->importance, CONNECTD_IMPORTANCE_MEDIUM);
        cr_expect_str_eq(d->documentation, "The header name.");
        cr_expect_eq(d->validator("name", "", why, sizeof why), -1);
        cr_expect_str_eq(why, "String must be non-empty");
        cr_expect_null(xconf(&xp_has_header_key, &err, "name", "", NULL));
        cr_expect_str_eq(err.msg, "Invalid value  for configuration name: "
                                  "String must be non-empty");
        arena_destroy(a);
}

Test(predicates, topic_name_matches)
{
        arena_t *a = arena_new(0);
        xerr_t err;
        void *p = xconf(&xp_topic_name_matches, &err, "pattern", "orders-.*",
                        NULL);
        xrecord_t r = xrec(a, "orders-eu");
        const connectd_config_def_t *d = xdef(&xp_topic_name_matches,
                                              "pattern");
        char why[512];

        cr_assert_not_null(p, "%s", err.msg);
        cr_expect_eq(xp_topic_name_matches.apply(p, &r, &err), 1);
        r.topic = "old-orders-eu"; /* a full match is needed */
        cr_expect_eq(xp_topic_name_matches.apply(p, &r, &err), 0);
        r.topic = NULL;
        cr_expect_eq(xp_topic_name_matches.apply(p, &r, &err), 0);
        r.topic = "orders-us";
        cr_expect(filtered(p, &xp_topic_name_matches, 0, &r));
        cr_expect(!filtered(p, &xp_topic_name_matches, 1, &r));
        xp_topic_name_matches.close(p);

        cr_expect_null(d->default_value);
        cr_expect(!d->optional);
        cr_expect_str_eq(d->documentation, "A Java regular expression for "
                                           "matching against the name of a "
                                           "record's topic.");
        cr_expect_eq(d->validator("pattern", "", why, sizeof why), -1);
        cr_expect_str_eq(why, "String must be non-empty");
        cr_expect_eq(d->validator("pattern", "[", why, sizeof why), -1);
        cr_expect(!strncmp(why, "Invalid regex: ", 15), "%s", why);
        cr_expect_null(xconf(&xp_topic_name_matches, &err, "pattern", "a)",
                             NULL));
        cr_expect_str_eq(err.msg, "Invalid value a) for configuration "
                                  "pattern: Invalid regex: unmatched closing "
                                  "parenthesis near index 1\na)\n ^");
        cr_expect_null(xconf(&xp_topic_name_matches, &err, NULL));
        cr_expect_str_eq(err.msg, "Missing required configuration "
                                  "\"pattern\" which has no default value.");
        arena_destroy(a);
}
