/*
 * topic_creation: when it applies, the check at connector start (Java's
 * messages), and which group a topic falls in.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "topic_creation.h"

static json_t *worker(int enabled)
{
        return enabled ? json_object()
                       : json_pack("{s:s}", "topic.creation.enable", "false");
}

/* A config from "k=v" pairs (NULL-terminated). */
static json_t *cfg(const char *first, ...)
{
        json_t *o = json_object();
        va_list ap;
        const char *kv;

        va_start(ap, first);
        for (kv = first; kv; kv = va_arg(ap, const char *)) {
                const char *eq = strchr(kv, '=');
                char *k = strndup(kv, (size_t)(eq - kv));
                json_object_set_new(o, k, json_string(eq + 1));
                free(k);
        }
        va_end(ap);
        return o;
}

static char *check(json_t *w, json_t *c)
{
        static char err[1024];
        int rc;

        err[0] = '\0';
        rc = topic_creation_check(w, c, err, sizeof(err));
        json_decref(w);
        json_decref(c);
        return rc ? err : NULL;
}

Test(topic_creation, inactive_without_keys_or_when_disabled)
{
        json_t *w = worker(1), *c = cfg("topic=t", NULL);

        cr_assert_not(topic_creation_active(w, c));
        json_decref(c);
        c = cfg("topic.creation.groups=", NULL);
        cr_assert(topic_creation_active(w, c));
        json_decref(c);
        json_decref(w);
        w = worker(0);
        c = cfg("topic.creation.default.partitions=0", NULL);
        cr_assert_not(topic_creation_active(w, c));
        cr_assert_null(check(w, c), "disabled: every key ignored");
}

Test(topic_creation, required_defaults)
{
        cr_assert_str_eq(check(worker(1), cfg("topic.creation.groups=a",
                                              NULL)),
                         "Missing required configuration "
                         "\"topic.creation.default.replication.factor\" "
                         "which has no default value.");
        cr_assert_str_eq(
                check(worker(1),
                      cfg("topic.creation.default.replication.factor=1",
                          NULL)),
                "Missing required configuration "
                "\"topic.creation.default.partitions\" which has no default "
                "value.");
        cr_assert_null(check(worker(1),
                             cfg("topic.creation.default.replication.factor=-1",
                                 "topic.creation.default.partitions= -1 ",
                                 NULL)));
}

Test(topic_creation, ranges_and_types)
{
        cr_assert_str_eq(
                check(worker(1),
                      cfg("topic.creation.default.replication.factor=1",
                          "topic.creation.default.partitions=0", NULL)),
                "Invalid value 0 for configuration partitions: Number of "
                "partitions must be positive, or -1 to use the broker's "
                "default");
        cr_assert_str_eq(
                check(worker(1),
                      cfg("topic.creation.default.replication.factor=-2",
                          "topic.creation.default.partitions=1", NULL)),
                "Invalid value -2 for configuration replication.factor: "
                "Replication factor must be positive and not larger than the "
                "number of brokers in the Kafka cluster, or -1 to use the "
                "broker's default");
        cr_assert_str_eq(
                check(worker(1),
                      cfg("topic.creation.default.replication.factor=32768",
                          "topic.creation.default.partitions=1", NULL)),
                "Invalid value 32768 for configuration "
                "topic.creation.default.replication.factor: Not a number of "
                "type SHORT");
        cr_assert_str_eq(
                check(worker(1),
                      cfg("topic.creation.default.replication.factor=1",
                          "topic.creation.default.partitions=x", NULL)),
                "Invalid value x for configuration "
                "topic.creation.default.partitions: Not a number of type "
                "INT");
        /* A group's own value is checked with the same rule. */
        cr_assert_str_eq(
                check(worker(1),
                      cfg("topic.creation.default.replication.factor=1",
                          "topic.creation.default.partitions=1",
                          "topic.creation.groups=g",
                          "topic.creation.g.partitions=0", NULL)),
                "Invalid value 0 for configuration partitions: Number of "
                "partitions must be positive, or -1 to use the broker's "
                "default");
}

Test(topic_creation, regex_and_duplicate_groups)
{
        char *e = check(worker(1),
                        cfg("topic.creation.default.replication.factor=1",
                            "topic.creation.default.partitions=1",
                            "topic.creation.groups=g",
                            "topic.creation.g.include=ok, a(", NULL));

        cr_assert_not_null(e);
        cr_assert(strstr(e, "Invalid value [ok, a(] for configuration "
                            "include: Syntax error in regular expression: ") ==
                          e,
                  "%s", e);
        /* The default group's include/exclude are ignored. */
        cr_assert_null(check(worker(1),
                             cfg("topic.creation.default.replication.factor=1",
                                 "topic.creation.default.partitions=1",
                                 "topic.creation.default.include=a(", NULL)));
        cr_assert_str_eq(
                check(worker(1),
                      cfg("topic.creation.default.replication.factor=1",
                          "topic.creation.default.partitions=1",
                          "topic.creation.groups=a,b,a", NULL)),
                "Invalid value [a, b, a] for configuration "
                "topic.creation.groups: Duplicate alias provided.");
}

Test(topic_creation, first_matching_group_wins_exclude_beats_include)
{
        json_t *w = worker(1);
        json_t *c = cfg("topic.creation.default.replication.factor=1",
                        "topic.creation.default.partitions=1",
                        "topic.creation.groups=default, g1, g2, g3",
                        "topic.creation.g1.include=orders-.*, audit",
                        "topic.creation.g1.exclude=.*-secret",
                        "topic.creation.g2.include=orders-.*",
                        "topic.creation.g3.include=", NULL);
        topic_creation_t *tc = NULL;
        char err[256];

        cr_assert_eq(topic_creation_new(NULL, w, c, &tc, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_not_null(tc);
        cr_assert_str_eq(topic_creation_group_for(tc, "orders-raw"), "g1");
        cr_assert_str_eq(topic_creation_group_for(tc, "audit"), "g1");
        /* A full match is needed. */
        cr_assert_str_eq(topic_creation_group_for(tc, "audit2"), "default");
        cr_assert_str_eq(topic_creation_group_for(tc, "orders-secret"), "g2");
        /* An empty include list never matches. */
        cr_assert_str_eq(topic_creation_group_for(tc, "payments"), "default");
        topic_creation_free(tc);
        json_decref(c);

        /* Not active: no state. */
        c = cfg("topic=t", NULL);
        tc = (topic_creation_t *)1;
        cr_assert_eq(topic_creation_new(NULL, w, c, &tc, err, sizeof(err)), 0);
        cr_assert_null(tc);
        cr_assert_eq(topic_creation_ensure(NULL, "t", err, sizeof(err)), 0);
        json_decref(c);
        json_decref(w);
}

/* Group patterns are Java regexes (\d, inline flags), matched whole. */
Test(topic_creation, java_regex_patterns)
{
        json_t *w = worker(1);
        json_t *c = cfg("topic.creation.default.replication.factor=1",
                        "topic.creation.default.partitions=1",
                        "topic.creation.groups=g",
                        "topic.creation.g.include=(?i)events-\\d+", NULL);
        topic_creation_t *tc = NULL;
        char err[256];

        cr_assert_eq(topic_creation_new(NULL, w, c, &tc, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_str_eq(topic_creation_group_for(tc, "EVENTS-42"), "g");
        cr_assert_str_eq(topic_creation_group_for(tc, "events-x"), "default");
        cr_assert_str_eq(topic_creation_group_for(tc, "events-42-old"),
                         "default");
        topic_creation_free(tc);
        json_decref(c);
        json_decref(w);
}
