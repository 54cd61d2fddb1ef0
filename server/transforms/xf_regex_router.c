/*
 * xf_regex_router — org.apache.kafka.connect.transforms.RegexRouter: when
 * the regex matches the whole topic, the topic becomes
 * Matcher.replaceFirst(replacement); otherwise the record is unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"
#include "jregex.h"
#include "record.h"
#include "transform.h"
#include "xf_util.h"

typedef struct {
        jregex_t *re;
        char *replacement;
} router_t;

/* RegexValidator: "Invalid regex: <message>". A missing value fails too
 * (Java's Pattern.compile(null) throws a NullPointerException). */
static int valid_regex(const char *name, const char *value, char *errstr,
                       size_t errstr_size)
{
        char msg[768];
        char *v;
        jregex_t *re;

        (void)name;
        if (!value) {
                snprintf(errstr, errstr_size, "Invalid regex: null");
                return -1;
        }
        if (!(v = java_trim_dup(value))) {
                snprintf(errstr, errstr_size, "Invalid regex: Out of memory");
                return -1;
        }
        re = jregex_compile(v, msg, sizeof msg);
        free(v);
        if (re) {
                jregex_free(re);
                return 0;
        }
        snprintf(errstr, errstr_size, "Invalid regex: %s", msg);
        return -1;
}

static const connectd_config_def_t router_defs[] = {
        {.name = "regex", .type = CONNECTD_CFG_STRING,
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "Regular expression to use for matching.",
         .order = -1, .validator = valid_regex},
        {.name = "replacement", .type = CONNECTD_CFG_STRING,
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "Replacement string.", .order = -1},
        {.name = NULL},
};

static void router_close(void *state)
{
        router_t *s = state;

        if (!s)
                return;
        jregex_free(s->re);
        free(s->replacement);
        free(s);
}

static int router_configure(const json_t *props, void **state, xerr_t *err)
{
        const char *regex = xf_prop(props, "regex");
        const char *repl = xf_prop(props, "replacement");
        router_t *s = NULL;
        char reason[1024];
        char *trimmed = NULL;

        *state = NULL;
        if (!regex) {
                xerr_set(err, XERR_CONFIG,
                         "Missing required configuration \"regex\" which has "
                         "no default value.");
                return -1;
        }
        if (!(trimmed = java_trim_dup(regex)))
                goto oom;
        if (valid_regex("regex", trimmed, reason, sizeof reason)) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration regex: %s",
                         trimmed, reason);
                goto fail;
        }
        if (!repl) {
                xerr_set(err, XERR_CONFIG,
                         "Missing required configuration \"replacement\" "
                         "which has no default value.");
                goto fail;
        }
        if (!(s = calloc(1, sizeof(*s))) ||
            !(s->replacement = java_trim_dup(repl)) ||
            !(s->re = jregex_compile(trimmed, reason, sizeof reason)))
                goto oom;
        free(trimmed);
        *state = s;
        return 0;
oom:
        xerr_set(err, XERR_CONFIG, "Out of memory");
fail:
        free(trimmed);
        router_close(s);
        return -1;
}

static int router_apply(void *state, xrecord_t *r, xerr_t *err)
{
        router_t *s = state;
        char msg[512], *out = NULL, *topic;
        int rc;

        if (!r->topic) {
                xerr_set(err, XERR_NPE, "%s", "");
                return -1;
        }
        if (!jregex_matches(s->re, r->topic, strlen(r->topic)))
                return XFORM_KEEP;
        rc = jregex_replace(s->re, r->topic, strlen(r->topic),
                            s->replacement, 0, &out, msg, sizeof msg);
        if (rc) {
                xerr_set(err, jregex_error_class(rc), "%s", msg);
                return -1;
        }
        topic = arena_strndup(r->arena, out, strlen(out));
        free(out);
        if (!topic) {
                xerr_set(err, "java.lang.OutOfMemoryError", "Out of memory");
                return -1;
        }
        r->topic = topic;
        return XFORM_KEEP;
}

const xform_class_t xf_regex_router = {
        .name = "org.apache.kafka.connect.transforms.RegexRouter",
        .alias = "RegexRouter",
        .kind = XFORM_TRANSFORMATION,
        .doc = "Update the record topic using the configured regular "
               "expression and replacement string.<p/>Under the hood, the "
               "regex is compiled to a <code>java.util.regex.Pattern</code>. "
               "If the pattern matches the input topic, "
               "<code>java.util.regex.Matcher#replaceFirst()</code> is used "
               "with the replacement string to obtain the new topic.",
        .defs = router_defs,
        .configure = router_configure,
        .apply = router_apply,
        .close = router_close,
};
