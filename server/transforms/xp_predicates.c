/*
 * xp_predicates — the built-in predicates of
 * org.apache.kafka.connect.transforms.predicates: HasHeaderKey,
 * RecordIsTombstone, TopicNameMatches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"
#include "jregex.h"
#include "transform.h"
#include "xf_util.h"

/* ---- HasHeaderKey ---------------------------------------------------- */

/* Java defines `name` with a null default (not required) and
 * NonEmptyString. */
static const connectd_config_def_t has_header_defs[] = {
        {.name = "name", .type = CONNECTD_CFG_STRING,
         .importance = CONNECTD_IMPORTANCE_MEDIUM,
         .documentation = "The header name.", .order = -1,
         .validator = xf_valid_nonempty_string, .optional = 1},
        {.name = NULL},
};

typedef struct {
        char *name; /* NULL: not configured */
} has_header_t;

static void has_header_close(void *state)
{
        has_header_t *s = state;

        if (!s)
                return;
        free(s->name);
        free(s);
}

static int has_header_configure(const json_t *props, void **state,
                                xerr_t *err)
{
        const char *name = xf_prop(props, "name");
        has_header_t *s = calloc(1, sizeof(*s));
        char reason[256];

        *state = NULL;
        if (!s || (name && !(s->name = java_trim_dup(name)))) {
                has_header_close(s);
                xerr_set(err, XERR_CONFIG, "Out of memory");
                return -1;
        }
        if (xf_valid_nonempty_string("name", s->name, reason, sizeof reason)) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration name: %s",
                         s->name, reason);
                has_header_close(s);
                return -1;
        }
        *state = s;
        return 0;
}

static int has_header_apply(void *state, xrecord_t *r, xerr_t *err)
{
        has_header_t *s = state;

        if (!s->name) {
                /* Java: allWithName(null) compares null.equals(...) */
                if (!r->headers.head)
                        return 0;
                xerr_set(err, XERR_NPE, "%s", "");
                return -1;
        }
        return headers_last(&r->headers, s->name) != NULL;
}

const xform_class_t xp_has_header_key = {
        .name = "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        .alias = "HasHeaderKey",
        .kind = XFORM_PREDICATE,
        .doc = "A predicate which is true for records with at least one "
               "header with the configured name.",
        .defs = has_header_defs,
        .configure = has_header_configure,
        .apply = has_header_apply,
        .close = has_header_close,
};

/* ---- RecordIsTombstone ----------------------------------------------- */

static const connectd_config_def_t tombstone_defs[] = {
        {.name = NULL},
};

static int tombstone_configure(const json_t *props, void **state,
                               xerr_t *err)
{
        (void)props;
        (void)err;
        *state = NULL;
        return 0;
}

static int tombstone_apply(void *state, xrecord_t *r, xerr_t *err)
{
        (void)state;
        (void)err;
        return value_is_null(r->value);
}

static void tombstone_close(void *state)
{
        (void)state;
}

const xform_class_t xp_record_is_tombstone = {
        .name = "org.apache.kafka.connect.transforms.predicates."
                "RecordIsTombstone",
        .alias = "RecordIsTombstone",
        .kind = XFORM_PREDICATE,
        .doc = "A predicate which is true for records which are tombstones "
               "(i.e. have null value).",
        .defs = tombstone_defs,
        .configure = tombstone_configure,
        .apply = tombstone_apply,
        .close = tombstone_close,
};

/* ---- TopicNameMatches ------------------------------------------------ */

/* CompositeValidator.of(NonEmptyString, RegexValidator). */
static int valid_pattern(const char *name, const char *value, char *errstr,
                         size_t errstr_size)
{
        char msg[768];
        char *v;
        jregex_t *re;

        if (xf_valid_nonempty_string(name, value, errstr, errstr_size))
                return -1;
        if (!value) {
                snprintf(errstr, errstr_size, "Invalid regex: null");
                return -1;
        }
        if (!(v = java_trim_dup(value))) {
                snprintf(errstr, errstr_size, "Invalid regex: Out of memory");
                return -1;
        }
        if (!*v) {
                free(v);
                snprintf(errstr, errstr_size, "String must be non-empty");
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

static const connectd_config_def_t topic_matches_defs[] = {
        {.name = "pattern", .type = CONNECTD_CFG_STRING,
         .importance = CONNECTD_IMPORTANCE_MEDIUM,
         .documentation = "A Java regular expression for matching against "
                          "the name of a record's topic.",
         .order = -1, .validator = valid_pattern},
        {.name = NULL},
};

static int topic_matches_configure(const json_t *props, void **state,
                                   xerr_t *err)
{
        const char *pattern = xf_prop(props, "pattern");
        char reason[1024], *v;
        jregex_t *re;

        *state = NULL;
        if (!pattern) {
                xerr_set(err, XERR_CONFIG,
                         "Missing required configuration \"pattern\" which "
                         "has no default value.");
                return -1;
        }
        if (!(v = java_trim_dup(pattern))) {
                xerr_set(err, XERR_CONFIG, "Out of memory");
                return -1;
        }
        if (valid_pattern("pattern", v, reason, sizeof reason)) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration pattern: %s", v,
                         reason);
                free(v);
                return -1;
        }
        re = jregex_compile(v, reason, sizeof reason);
        free(v);
        if (!re) {
                xerr_set(err, XERR_CONFIG, "Out of memory");
                return -1;
        }
        *state = re;
        return 0;
}

static int topic_matches_apply(void *state, xrecord_t *r, xerr_t *err)
{
        (void)err;
        return r->topic && jregex_matches(state, r->topic, strlen(r->topic));
}

static void topic_matches_close(void *state)
{
        jregex_free(state);
}

const xform_class_t xp_topic_name_matches = {
        .name = "org.apache.kafka.connect.transforms.predicates."
                "TopicNameMatches",
        .alias = "TopicNameMatches",
        .kind = XFORM_PREDICATE,
        .doc = "A predicate which is true for records with a topic name "
               "that matches the configured regular expression.",
        .defs = topic_matches_defs,
        .configure = topic_matches_configure,
        .apply = topic_matches_apply,
        .close = topic_matches_close,
};
