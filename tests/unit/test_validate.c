/*
 * Unit tests for server/herder/validate.c: framework keys, ConfigDef parse and
 * validator messages, sink topic rules, aliases, the connector's own table
 * and validate() callback, and the JSON entity shapes.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "validate.h"

/* Weak stand-in so this test links before (and keeps working after) the
 * converter module is merged into the core library. */
__attribute__((weak)) int converter_known(const char *c)
{
        static const char *const known[] = {
                "org.apache.kafka.connect.storage.StringConverter",
                "org.apache.kafka.connect.json.JsonConverter",
                "org.apache.kafka.connect.converters.ByteArrayConverter",
                "StringConverter", "JsonConverter", "ByteArrayConverter", NULL
        };
        for (int i = 0; known[i]; i++)
                if (!strcmp(c, known[i]))
                        return 1;
        return 0;
}

static int not_negative(const char *name, const char *value, char *errstr,
                        size_t n)
{
        (void)name;
        if (value && value[0] == '-') {
                snprintf(errstr, n, "Value must be at least 0");
                return -1;
        }
        return 0;
}

static const connectd_config_def_t file_defs[] = {
        { .name = "file", .type = CONNECTD_CFG_STRING, .default_value = NULL,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Source filename.", .order = -1,
          .optional = 1 },
        { .name = "topic", .type = CONNECTD_CFG_LIST, .default_value = NULL,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "The topic to publish data to", .order = -1 },
        { .name = "batch.size", .type = CONNECTD_CFG_INT,
          .default_value = "2000", .importance = CONNECTD_IMPORTANCE_LOW,
          .documentation = "Max records per poll", .order = -1,
          .validator = not_negative },
        { .name = "secret", .type = CONNECTD_CFG_PASSWORD,
          .default_value = "", .importance = CONNECTD_IMPORTANCE_LOW,
          .documentation = "A password", .group = "Auth", .order = 1,
          .width = CONNECTD_WIDTH_SHORT, .display_name = "Secret" },
        { .name = NULL }
};

static void src_validate(const connectd_config_t *cfg, connectd_validation_t *v)
{
        const json_t *o = (const json_t *)cfg;
        const char *f = json_string_value(json_object_get(o, "file"));
        if (f && !strcmp(f, "forbidden.txt"))
                validate_report(v, "file", "File %s is forbidden", f);
        if (f && !strcmp(f, "extra"))
                validate_report(v, "no.such.key", "undefined %d", 42);
}

static const connectd_connector_desc_t src_desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "org.example.TestSourceConnector",
        .type = CONNECTD_SOURCE,
        .version = "1.0",
        .config_defs = file_defs,
        .validate = src_validate,
};

static const connectd_config_def_t no_defs[] = { { .name = NULL } };

static const connectd_connector_desc_t empty_src = {
        CONNECTD_DESC_HEADER,
        .class_name = "org.example.EmptySourceConnector",
        .type = CONNECTD_SOURCE, .config_defs = no_defs,
};
static const connectd_connector_desc_t empty_sink = {
        CONNECTD_DESC_HEADER,
        .class_name = "org.example.EmptySinkConnector",
        .type = CONNECTD_SINK, .config_defs = NULL,
};

static json_t *cfg(const char *text)
{
        json_error_t err;
        json_t *j = json_loads(text, 0, &err);
        cr_assert_not_null(j, "bad test JSON: %s", err.text);
        return j;
}

/* The ConfigInfo of `key`, or NULL. */
static json_t *find(json_t *infos, const char *key)
{
        size_t i;
        json_t *ci;
        json_array_foreach(json_object_get(infos, "configs"), i, ci) {
                json_t *v = json_object_get(ci, "value");
                if (!strcmp(json_string_value(json_object_get(v, "name")), key))
                        return ci;
        }
        return NULL;
}

static json_t *errors_of(json_t *infos, const char *key)
{
        json_t *ci = find(infos, key);
        cr_assert_not_null(ci, "no ConfigInfo for %s", key);
        return json_object_get(json_object_get(ci, "value"), "errors");
}

static const char *value_of(json_t *infos, const char *key)
{
        json_t *ci = find(infos, key);
        cr_assert_not_null(ci, "no ConfigInfo for %s", key);
        return json_string_value(json_object_get(json_object_get(ci, "value"),
                                                 "value"));
}

static int has_error(json_t *infos, const char *key, const char *msg)
{
        size_t i;
        json_t *e;
        json_array_foreach(errors_of(infos, key), i, e)
                if (!strcmp(json_string_value(e), msg))
                        return 1;
        return 0;
}

static json_t *run(const connectd_connector_desc_t *d, const char *text,
                   int *n)
{
        json_t *c = cfg(text);
        json_t *r = validate_config(d, d->class_name, c, n);
        json_decref(c);
        cr_assert_not_null(r);
        return r;
}

Test(validate, source_framework_keys_are_twenty)
{
        int n = -1;
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\"}", &n);
        json_t *configs = json_object_get(r, "configs");
        cr_assert_eq(json_array_size(configs), 20);
        cr_assert_eq(n, 0);
        cr_assert_eq(json_integer_value(json_object_get(r, "error_count")), 0);
        cr_assert_str_eq(json_string_value(json_object_get(r, "name")),
                         "org.example.EmptySourceConnector");
        const char *want_groups[] = { "Common", "Transforms", "Predicates",
                                      "Error Handling", "Topic Creation",
                                      "Exactly Once Support", "offsets.topic" };
        json_t *groups = json_object_get(r, "groups");
        cr_assert_eq(json_array_size(groups), 7);
        for (size_t i = 0; i < 7; i++)
                cr_assert_str_eq(json_string_value(json_array_get(groups, i)),
                                 want_groups[i]);
        cr_assert_str_eq(value_of(r, "tasks.max"), "1");
        cr_assert_str_eq(value_of(r, "exactly.once.support"), "requested");
        cr_assert_null(value_of(r, "transaction.boundary.interval.ms"));
        json_decref(r);
}

Test(validate, sink_framework_keys_are_twenty)
{
        int n = -1;
        json_t *r = run(&empty_sink,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"topics\":\"t\"}", &n);
        cr_assert_eq(json_array_size(json_object_get(r, "configs")), 20);
        cr_assert_eq(n, 0);
        cr_assert_eq(json_array_size(json_object_get(r, "groups")), 4);
        json_decref(r);
}

Test(validate, own_keys_follow_framework_keys)
{
        int n;
        json_t *r = run(&src_desc,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"topic\":\"t\"}", &n);
        json_t *configs = json_object_get(r, "configs");
        cr_assert_eq(json_array_size(configs), 24);
        json_t *c20 = json_array_get(configs, 20);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(c20, "definition"), "name")),
                         "file");
        cr_assert_eq(n, 0, "file is optional, topic given");
        /* group of the plugin key appended */
        json_t *groups = json_object_get(r, "groups");
        cr_assert_str_eq(json_string_value(json_array_get(groups, 7)), "Auth");
        json_decref(r);
}

Test(validate, config_key_info_shape)
{
        json_t *r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\"}",
                        NULL);
        json_t *d = json_object_get(find(r, "tasks.max"), "definition");
        json_t *want = cfg("{\"name\":\"tasks.max\",\"type\":\"INT\","
                           "\"required\":false,\"default_value\":\"1\","
                           "\"importance\":\"HIGH\",\"documentation\":"
                           "\"Maximum number of tasks to use for this connector.\","
                           "\"group\":\"Common\",\"width\":\"SHORT\","
                           "\"display_name\":\"Tasks max\",\"dependents\":[],"
                           "\"order\":3}");
        cr_assert(json_equal(d, want));
        json_decref(want);

        d = json_object_get(find(r, "connector.class"), "definition");
        cr_assert_str_eq(json_string_value(json_object_get(d, "type")), "STRING");
        cr_assert(json_is_true(json_object_get(d, "required")));
        cr_assert(json_is_null(json_object_get(d, "default_value")));

        d = json_object_get(find(r, "key.converter"), "definition");
        cr_assert(json_is_false(json_object_get(d, "required")));
        cr_assert(json_is_null(json_object_get(d, "default_value")));
        cr_assert_eq(json_integer_value(json_object_get(d, "order")), 5);

        d = json_object_get(find(r, "transforms"), "definition");
        cr_assert_str_eq(json_string_value(json_object_get(d, "default_value")), "");
        cr_assert_null(json_object_get(d, "order_in_group"));

        json_t *v = json_object_get(find(r, "name"), "value");
        want = cfg("{\"name\":\"name\",\"value\":\"a\",\"recommended_values\":[],"
                   "\"errors\":[],\"visible\":true}");
        cr_assert(json_equal(v, want));
        json_decref(want);
        json_decref(r);
}

Test(validate, tasks_max_errors)
{
        int n;
        json_t *r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                                    "\"tasks.max\":\"abc\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "tasks.max", "Invalid value abc for configuration "
                                            "tasks.max: Not a number of type INT"));
        /* Only the parse error: no second "Invalid value null" one. */
        cr_assert_eq(json_array_size(errors_of(r, "tasks.max")), 1);
        cr_assert_null(value_of(r, "tasks.max"));
        json_decref(r);

        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"tasks.max\":\" 0 \"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "tasks.max", "Invalid value 0 for configuration "
                                            "tasks.max: Value must be at least 1"));
        cr_assert_str_eq(value_of(r, "tasks.max"), "0");
        json_decref(r);

        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"tasks.max\":\"99999999999\"}", &n);
        cr_assert_eq(n, 1, "out of INT range");
        cr_assert_eq(json_array_size(errors_of(r, "tasks.max")), 1);
        json_decref(r);

        /* The case: exactly Connect's one message. */
        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"tasks.max\":\"zz\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert_str_eq(json_string_value(json_array_get(
                                 errors_of(r, "tasks.max"), 0)),
                         "Invalid value zz for configuration tasks.max: Not "
                         "a number of type INT");
        json_decref(r);
}

/* A plugin key whose value does not parse gets the parse error only; its
 * validator is not run on the missing value. */
Test(validate, plugin_key_parse_error_is_the_only_error)
{
        int n;
        json_t *r = run(&src_desc, "{\"name\":\"a\",\"connector.class\":\"x\","
                                   "\"topic\":\"t\",\"batch.size\":\"-x\"}",
                        &n);

        cr_assert_eq(json_array_size(errors_of(r, "batch.size")), 1);
        cr_assert(has_error(r, "batch.size", "Invalid value -x for "
                                             "configuration batch.size: Not "
                                             "a number of type INT"));
        json_decref(r);
}

/* Found by fuzz_connector_file: "ic" and 34 '+' made glibc's regcomp
 * allocate gigabytes (it copies each repetition's operand). Such a
 * pattern is refused up front; ordinary patterns still compile. */
Test(validate, topics_regex_nested_repetitions_refused)
{
        char cfgtext[512], pat[64];
        json_t *r;
        int n;

        snprintf(pat, sizeof(pat), "ic%.34s", "++++++++++++++++++++++++++++++++++++++++");
        snprintf(cfgtext, sizeof(cfgtext),
                 "{\"name\":\"a\",\"connector.class\":\"x\","
                 "\"topics.regex\":\"%s\","
                 "\"errors.deadletterqueue.topic.name\":\"dlq\"}", pat);
        r = run(&empty_sink, cfgtext, &n);
        cr_assert_eq(n, 1);
        cr_assert_str_eq(json_string_value(json_array_get(
                                 errors_of(r, "topics.regex"), 0)),
                         "Invalid value ic++++++++++++++++++++++++++++++++++ "
                         "for configuration topics.regex: Invalid regex: too "
                         "many nested repetitions");
        json_decref(r);

        r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\","
                             "\"topics.regex\":\"((((a{100}){100}){100}))\"}",
                &n);
        cr_assert(has_error(r, "topics.regex", "Invalid value "
                            "((((a{100}){100}){100})) for configuration "
                            "topics.regex: Invalid regex: too many nested "
                            "repetitions"));
        json_decref(r);

        /* Found by fuzz_connector_file: a short run of stacked operators
         * (cheap by the size bound) kept glibc's regcomp busy for minutes.
         * Java refuses a third repetition operator in a row too. */
        r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\","
                             "\"topics.regex\":\"ic++*++++++++++++x)+cat\"}",
                &n);
        cr_assert(has_error(r, "topics.regex", "Invalid value "
                            "ic++*++++++++++++x)+cat for configuration "
                            "topics.regex: Invalid regex: too many nested "
                            "repetitions"));
        json_decref(r);

        static const char *const fine[] = {
                "topic-.*", "(orders|payments)-[0-9]{1,5}", "[[:alpha:]]+_v[0-9]+",
                "[]a-z]+\\\\.x{2,3}", "a{1000}", "(ab+c*)?d", "a+?b", "x{2}+",
        };
        for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
                snprintf(cfgtext, sizeof(cfgtext),
                         "{\"name\":\"a\",\"connector.class\":\"x\","
                         "\"topics.regex\":\"%s\"}", fine[i]);
                r = run(&empty_sink, cfgtext, &n);
                cr_expect_eq(n, 0, "'%s': %s", fine[i],
                             json_string_value(json_array_get(
                                     errors_of(r, "topics.regex"), 0)));
                json_decref(r);
        }
}

Test(validate, name_rules)
{
        int n;
        json_t *r = run(&empty_src, "{\"name\":\"\",\"connector.class\":\"x\"}",
                        &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "name", "Invalid value  for configuration name: "
                                       "String may not be empty"));
        json_decref(r);

        r = run(&empty_src, "{\"name\":\"a\\nb\",\"connector.class\":\"x\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "name",
                            "Invalid value a\nb for configuration name: String "
                            "may not contain control sequences but had the "
                            "following ASCII chars: 10"));
        json_decref(r);

        r = run(&empty_src, "{\"name\":\"a\\u0001b\\u0085\",\"connector.class\":\"x\"}",
                &n);
        cr_assert_eq(n, 1);
        json_t *e = json_array_get(errors_of(r, "name"), 0);
        cr_assert(strstr(json_string_value(e), "ASCII chars: 1, 133"),
                  "%s", json_string_value(e));
        json_decref(r);

        r = run(&empty_src, "{\"connector.class\":\"x\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "name", "Missing required configuration \"name\" "
                                       "which has no default value."));
        json_decref(r);

        r = run(&empty_src,
                "{\"name\":\"a/b c \xc3\xa9\",\"connector.class\":\"x\"}", &n);
        cr_assert_eq(n, 0, "slash, space and unicode are legal");
        json_decref(r);
}

Test(validate, null_values)
{
        int n;
        json_t *r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                                    "\"tasks.max\":null,\"whatever\":null}", &n);
        cr_assert(has_error(r, "tasks.max", "Null value can not be supplied as "
                                            "the configuration value."));
        cr_assert(has_error(r, "tasks.max", "Invalid value null for configuration "
                                            "tasks.max: Value must be non-null"));
        cr_assert(has_error(r, "whatever", "Null value can not be supplied as "
                                           "the configuration value."));
        cr_assert(json_is_null(json_object_get(find(r, "whatever"), "definition")));
        cr_assert_eq(n, 3);
        json_decref(r);
}

Test(validate, booleans_strings_enums)
{
        int n;
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"errors.log.enable\":\"TRUE\","
                        "\"tasks.max.enforce\":\"yes\","
                        "\"errors.tolerance\":\"some\","
                        "\"exactly.once.support\":\"REQUIRED\","
                        "\"config.action.reload\":\"None\"}", &n);
        cr_assert_str_eq(value_of(r, "errors.log.enable"), "true");
        cr_assert(has_error(r, "tasks.max.enforce",
                            "Invalid value yes for configuration "
                            "tasks.max.enforce: Expected value to be either "
                            "true or false"));
        cr_assert(has_error(r, "errors.tolerance",
                            "Invalid value some for configuration "
                            "errors.tolerance: String must be one of: none, all"));
        cr_assert_eq(json_array_size(errors_of(r, "exactly.once.support")), 0);
        cr_assert(has_error(r, "config.action.reload",
                            "Invalid value None for configuration "
                            "config.action.reload: String must be one of: "
                            "none, restart"));
        cr_assert_eq(n, 3);
        json_decref(r);
}

Test(validate, converters)
{
        int n;
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"key.converter\":\"org.apache.kafka.connect.storage.StringConverter\","
                        "\"value.converter\":\"com.nope.AvroConverter\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "value.converter",
                            "Invalid value com.nope.AvroConverter for "
                            "configuration value.converter: Class "
                            "com.nope.AvroConverter could not be found."));
        cr_assert_str_eq(value_of(r, "key.converter"),
                         "org.apache.kafka.connect.storage.StringConverter");
        json_decref(r);

        /* A Java class that is no Converter of ours. */
        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"key.converter\":\"java.lang.String\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "key.converter",
                            "Invalid value java.lang.String for "
                            "configuration key.converter: Class "
                            "java.lang.String could not be found."));
        json_decref(r);

        /* Connect's default header converter is accepted; a Converter
         * is one too (they all implement HeaderConverter). */
        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"header.converter\":\"org.apache.kafka.connect."
                            "storage.SimpleHeaderConverter\"}", &n);
        cr_assert_eq(n, 0);
        json_decref(r);
        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"header.converter\":\"StringConverter\","
                            "\"value.converter\":\"java.lang.Object\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "value.converter",
                            "Invalid value java.lang.Object for "
                            "configuration value.converter: Class "
                            "java.lang.Object could not be found."));
        json_decref(r);
}

Test(validate, transforms_aliases)
{
        int n;
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"transforms\":\"a, b\","
                        "\"transforms.a.type\":\"org.x.Mask\"}", &n);
        cr_assert_eq(n, 2);
        cr_assert(has_error(r, "transforms.a.type",
                            "Invalid value org.x.Mask for configuration "
                            "transforms.a.type: Class org.x.Mask could not be "
                            "found."));
        cr_assert(has_error(r, "transforms.b.type",
                            "Missing required configuration \"transforms.b.type\" "
                            "which has no default value."));
        cr_assert_str_eq(value_of(r, "transforms"), "a,b");
        json_t *d = json_object_get(find(r, "transforms.a.type"), "definition");
        cr_assert_str_eq(json_string_value(json_object_get(d, "group")),
                         "Transforms: a");
        json_decref(r);

        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"transforms\":\"a,a\",\"transforms.a.type\":\"x\"}",
                &n);
        cr_assert(has_error(r, "transforms", "Invalid value [a, a] for "
                                             "configuration transforms: "
                                             "Duplicate alias provided."));
        json_decref(r);

        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"transforms\":\"\"}", &n);
        cr_assert_eq(n, 0, "empty transforms list is fine");
        json_decref(r);
}

Test(validate, sink_topics_rules)
{
        int n;
        json_t *r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\"}",
                        &n);
        cr_assert_eq(n, 2);
        cr_assert(has_error(r, "topics", "Must configure one of topics or "
                                         "topics.regex"));
        cr_assert(has_error(r, "topics.regex", "Must configure one of topics or "
                                               "topics.regex"));
        json_decref(r);

        r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\","
                             "\"topics\":\"t\",\"topics.regex\":\"t.*\"}", &n);
        cr_assert_eq(n, 2);
        cr_assert(has_error(r, "topics", "topics and topics.regex are mutually "
                                         "exclusive options, but both are set."));
        json_decref(r);

        r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\","
                             "\"topics\":\"t1,dlq\","
                             "\"errors.deadletterqueue.topic.name\":\"dlq\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "topics", "The DLQ topic 'dlq' may not be included "
                                         "in the list of topics ('topics=[t1, "
                                         "dlq]') consumed by the connector"));
        json_decref(r);

        r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\","
                             "\"topics.regex\":\"d.*\","
                             "\"errors.deadletterqueue.topic.name\":\"dlq\"}", &n);
        cr_assert_eq(n, 1);
        json_decref(r);
}

Test(validate, plugin_table_and_callback)
{
        int n;
        json_t *r = run(&src_desc, "{\"name\":\"a\",\"connector.class\":\"x\"}",
                        &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "topic", "Missing required configuration \"topic\" "
                                        "which has no default value."));
        cr_assert_str_eq(value_of(r, "batch.size"), "2000");
        cr_assert_null(value_of(r, "file"));
        json_decref(r);

        r = run(&src_desc, "{\"name\":\"a\",\"connector.class\":\"x\","
                           "\"topic\":\"t\",\"batch.size\":\"-5\","
                           "\"file\":\"forbidden.txt\",\"secret\":\"s3cr3t\"}", &n);
        cr_assert_eq(n, 2);
        cr_assert(has_error(r, "batch.size", "Invalid value -5 for configuration "
                                             "batch.size: Value must be at least 0"));
        cr_assert(has_error(r, "file", "File forbidden.txt is forbidden"));
        cr_assert_str_eq(value_of(r, "secret"), "[hidden]");
        json_decref(r);

        r = run(&src_desc, "{\"name\":\"a\",\"connector.class\":\"x\","
                           "\"topic\":\"t\",\"file\":\"extra\"}", &n);
        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "no.such.key", "undefined 42"));
        cr_assert(json_is_null(json_object_get(find(r, "no.such.key"),
                                               "definition")));
        json_decref(r);
}

Test(validate, error_message)
{
        int n;
        json_t *r = run(&empty_src, "{\"name\":\"\",\"connector.class\":\"x\","
                                    "\"tasks.max\":\"0\"}", &n);
        cr_assert_eq(n, 2);
        char *m = validate_error_message(r, "x");
        cr_assert_str_eq(m, "Connector configuration is invalid and contains the "
                            "following 2 error(s):\n"
                            "Invalid value  for configuration name: String may "
                            "not be empty\n"
                            "Invalid value 0 for configuration tasks.max: Value "
                            "must be at least 1\n"
                            "You can also find the above list of errors at the "
                            "endpoint `/connector-plugins/{connectorType}/config/"
                            "validate`");
        free(m);
        json_decref(r);
}

Test(validate, plugin_config_defs_own_keys_first)
{
        json_t *a = validate_plugin_config_defs(&src_desc);
        cr_assert_eq(json_array_size(a), 24);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0),
                                                           "name")), "file");
        json_t *file = json_array_get(a, 0);
        cr_assert(json_is_false(json_object_get(file, "required")));
        cr_assert(json_is_null(json_object_get(file, "group")));
        cr_assert_eq(json_integer_value(json_object_get(file, "order")), -1);
        cr_assert_str_eq(json_string_value(json_object_get(file, "width")), "NONE");
        cr_assert_str_eq(json_string_value(json_object_get(file, "display_name")),
                         "file");
        cr_assert(json_is_true(json_object_get(json_array_get(a, 1), "required")));
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 4),
                                                           "name")), "name");
        json_decref(a);

        a = validate_plugin_config_defs(&empty_sink);
        cr_assert_eq(json_array_size(a), 20);
        json_decref(a);
}

Test(validate, doubles_and_lists)
{
        static const connectd_config_def_t defs[] = {
                { .name = "ratio", .type = CONNECTD_CFG_DOUBLE,
                  .default_value = "0.5", .order = -1 },
                { .name = "hosts", .type = CONNECTD_CFG_LIST,
                  .default_value = "", .order = -1 },
                { .name = "small", .type = CONNECTD_CFG_SHORT,
                  .default_value = "1", .order = -1 },
                { .name = NULL }
        };
        connectd_connector_desc_t d = empty_src;
        d.config_defs = defs;
        int n;
        json_t *r = run(&d, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"ratio\":\"2\",\"hosts\":\" a ,b,  c \","
                            "\"small\":\"40000\"}", &n);
        cr_assert_str_eq(value_of(r, "ratio"), "2.0");
        cr_assert_str_eq(value_of(r, "hosts"), "a,b,c");
        cr_assert(has_error(r, "small", "Invalid value 40000 for configuration "
                                        "small: Not a number of type SHORT"));
        json_decref(r);
        r = run(&d, "{\"name\":\"a\",\"connector.class\":\"x\","
                    "\"ratio\":\"x1\"}", &n);
        cr_assert(has_error(r, "ratio", "Invalid value x1 for configuration "
                                        "ratio: Not a number of type DOUBLE"));
        json_decref(r);
}

/* DOUBLE values re-rendered with Java's Double.toString; parsed with
 * Double.parseDouble's grammar. */
Test(validate, doubles_java_tostring_and_grammar)
{
        static const connectd_config_def_t defs[] = {
                { .name = "ratio", .type = CONNECTD_CFG_DOUBLE,
                  .default_value = "0.5", .order = -1 },
                { .name = NULL }
        };
        static const struct {
                const char *in, *out;
        } ok[] = {
                { "4.9E-324", "4.9E-324" },       /* Double.MIN_VALUE */
                { "1e100", "1.0E100" },
                { " 1e-5 ", "1.0E-5" },
                { "12345678", "1.2345678E7" },
                { "0x1p3", "8.0" },
                { "2.5f", "2.5" },
                { "NaN", "NaN" },
                { "-Infinity", "-Infinity" },
        };
        static const char *const bad[] = { "nan", "inf", "infinity", "1e",
                                           "0x10", "1,5" };
        connectd_connector_desc_t d = empty_src;
        char cfgtext[256], want[256];
        json_t *r;
        int n;

        d.config_defs = defs;
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                snprintf(cfgtext, sizeof(cfgtext),
                         "{\"name\":\"a\",\"connector.class\":\"x\","
                         "\"ratio\":\"%s\"}", ok[i].in);
                r = run(&d, cfgtext, &n);
                cr_expect_str_eq(value_of(r, "ratio"), ok[i].out, "'%s'",
                                 ok[i].in);
                json_decref(r);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                snprintf(cfgtext, sizeof(cfgtext),
                         "{\"name\":\"a\",\"connector.class\":\"x\","
                         "\"ratio\":\"%s\"}", bad[i]);
                snprintf(want, sizeof(want), "Invalid value %s for "
                         "configuration ratio: Not a number of type DOUBLE",
                         bad[i]);
                r = run(&d, cfgtext, &n);
                cr_expect(has_error(r, "ratio", want), "'%s'", bad[i]);
                json_decref(r);
        }
}

/* ---- transforms and predicates (ConnectorConfig.enrich) --------------- */

static int v_nonempty_list(const char *name, const char *value, char *errstr,
                           size_t n)
{
        (void)name;
        if (value && *value)
                return 0;
        snprintf(errstr, n, "Empty list");
        return -1;
}

static int v_nonempty_string(const char *name, const char *value,
                             char *errstr, size_t n)
{
        (void)name;
        if (!value || *value)
                return 0;
        snprintf(errstr, n, "String must be non-empty");
        return -1;
}

static int x_configure(const json_t *props, void **state, xerr_t *err)
{
        (void)props;
        (void)err;
        *state = NULL;
        return 0;
}

static int x_apply(void *state, xrecord_t *r, xerr_t *err)
{
        (void)state;
        (void)r;
        (void)err;
        return 0;
}

/* Defined out of ConfigDef.sortedConfigs order on purpose; its own
 * `negate` is masked by the implicit key. */
static const connectd_config_def_t mask_defs[] = {
        { .name = "alpha", .type = CONNECTD_CFG_INT, .default_value = "1",
          .importance = CONNECTD_IMPORTANCE_LOW, .documentation = "Alpha.",
          .order = -1 },
        { .name = "replacement", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_MEDIUM, .optional = 1,
          .documentation = "Replacement.", .order = -1,
          .validator = v_nonempty_string },
        { .name = "negate", .type = CONNECTD_CFG_STRING,
          .default_value = "x", .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Hidden.", .order = -1 },
        { .name = "zeta", .type = CONNECTD_CFG_STRING, .default_value = "z",
          .importance = CONNECTD_IMPORTANCE_HIGH, .documentation = "Zeta.",
          .order = -1 },
        { .name = "fields", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Names of fields to mask.", .order = -1,
          .validator = v_nonempty_list },
        { .name = NULL }
};

static const xform_class_t t_mask = {
        .name = "t.Mask", .kind = XFORM_TRANSFORMATION, .defs = mask_defs,
        .configure = x_configure, .apply = x_apply,
};

/* A validator that writes Java's whole message (ConfigException(msg)). */
static int v_whole(const char *name, const char *value, char *errstr,
                   size_t n)
{
        (void)name;
        if (!value || strcmp(value, "bad"))
                return 0;
        snprintf(errstr, n, "Must specify at least one field to cast.");
        return CONNECTD_VALIDATOR_MESSAGE;
}

static const connectd_config_def_t whole_defs[] = {
        { .name = "spec", .type = CONNECTD_CFG_STRING, .default_value = "",
          .importance = CONNECTD_IMPORTANCE_HIGH, .order = -1,
          .validator = v_whole },
        { .name = NULL }
};

static const xform_class_t t_whole = {
        .name = "t.Whole", .kind = XFORM_TRANSFORMATION, .defs = whole_defs,
        .configure = x_configure, .apply = x_apply,
};

static const connectd_config_def_t match_defs[] = {
        { .name = "pattern", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "A regex.", .order = -1,
          .validator = v_nonempty_string },
        { .name = NULL }
};

static const xform_class_t t_match = {
        .name = "t.Match", .kind = XFORM_PREDICATE, .defs = match_defs,
        .configure = x_configure, .apply = x_apply,
};

static void reg_classes(void)
{
        cr_assert_eq(xform_register(&t_mask), 0);
        cr_assert_eq(xform_register(&t_match), 0);
        cr_assert_eq(xform_register(&t_whole), 0);
}

static const char *def_name(json_t *configs, size_t i)
{
        return json_string_value(json_object_get(
                json_object_get(json_array_get(configs, i), "definition"),
                "name"));
}

TestSuite(validate_xform, .init = reg_classes);

/* §4.2: keys, their order, groups, orders, shapes. */
Test(validate_xform, embedded_keys_order_groups_shapes)
{
        static const char *const want[] = {
                "transforms.m.type", "transforms.m.fields", "transforms.m.zeta",
                "transforms.m.negate", "transforms.m.predicate",
                "transforms.m.replacement", "transforms.m.alpha",
                "predicates.p.type", "predicates.p.pattern",
                "file", "topic", "batch.size", "secret"
        };
        static const char *const want_groups[] = {
                "Common", "Transforms", "Predicates", "Error Handling",
                "Topic Creation", "Exactly Once Support", "offsets.topic",
                "Transforms: m", "Predicates: p", "Auth"
        };
        int n = -1;
        json_t *r = run(&src_desc,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"topic\":\"t\",\"transforms\":\"m\","
                        "\"transforms.m.type\":\" t.Mask \","
                        "\"transforms.m.fields\":\"a, b\","
                        "\"predicates\":\"p\","
                        "\"predicates.p.type\":\"t.Match\","
                        "\"predicates.p.pattern\":\"x.*\"}", &n);
        json_t *configs = json_object_get(r, "configs");
        json_t *groups = json_object_get(r, "groups");
        size_t i;

        cr_assert_eq(n, 0, "%s", json_dumps(r, 0));
        cr_assert_eq(json_array_size(configs), 20 + 13);
        for (i = 0; i < 13; i++)
                cr_assert_str_eq(def_name(configs, 20 + i), want[i]);
        cr_assert_eq(json_array_size(groups), 10);
        for (i = 0; i < 10; i++)
                cr_assert_str_eq(json_string_value(json_array_get(groups, i)),
                                 want_groups[i]);
        for (i = 0; i < 7; i++) {
                json_t *d = json_object_get(json_array_get(configs, 20 + i),
                                            "definition");
                cr_assert_eq(json_integer_value(json_object_get(d, "order")),
                             (json_int_t)i, "%s", want[i]);
                cr_assert_str_eq(json_string_value(json_object_get(d, "group")),
                                 "Transforms: m");
        }

        json_t *w = cfg("{\"name\":\"transforms.m.type\",\"type\":\"CLASS\","
                        "\"required\":true,\"default_value\":null,"
                        "\"importance\":\"HIGH\",\"documentation\":"
                        "\"Class for the 'm' transformation.\","
                        "\"group\":\"Transforms: m\",\"width\":\"LONG\","
                        "\"display_name\":\"Transformation type for m\","
                        "\"dependents\":[],\"order\":0}");
        cr_assert(json_equal(json_object_get(find(r, "transforms.m.type"),
                                             "definition"), w));
        json_decref(w);
        w = cfg("{\"name\":\"transforms.m.fields\",\"type\":\"LIST\","
                "\"required\":true,\"default_value\":null,"
                "\"importance\":\"HIGH\",\"documentation\":"
                "\"Names of fields to mask.\",\"group\":\"Transforms: m\","
                "\"width\":\"NONE\",\"display_name\":\"fields\","
                "\"dependents\":[],\"order\":1}");
        cr_assert(json_equal(json_object_get(find(r, "transforms.m.fields"),
                                             "definition"), w));
        json_decref(w);
        w = cfg("{\"name\":\"transforms.m.negate\",\"type\":\"BOOLEAN\","
                "\"required\":false,\"default_value\":\"false\","
                "\"importance\":\"MEDIUM\",\"documentation\":"
                "\"Whether the configured predicate should be negated.\","
                "\"group\":\"Transforms: m\",\"width\":\"NONE\","
                "\"display_name\":\"negate\",\"dependents\":[],\"order\":3}");
        cr_assert(json_equal(json_object_get(find(r, "transforms.m.negate"),
                                             "definition"), w));
        json_decref(w);
        w = cfg("{\"name\":\"transforms.m.predicate\",\"type\":\"STRING\","
                "\"required\":false,\"default_value\":null,"
                "\"importance\":\"MEDIUM\",\"documentation\":"
                "\"The alias of a predicate used to determine whether to "
                "apply this transformation.\","
                "\"group\":\"Transforms: m\",\"width\":\"NONE\","
                "\"display_name\":\"predicate\",\"dependents\":[],"
                "\"order\":4}");
        cr_assert(json_equal(json_object_get(find(r, "transforms.m.predicate"),
                                             "definition"), w));
        json_decref(w);
        w = cfg("{\"name\":\"predicates.p.type\",\"type\":\"CLASS\","
                "\"required\":true,\"default_value\":null,"
                "\"importance\":\"HIGH\",\"documentation\":"
                "\"Class for the 'p' predicate.\","
                "\"group\":\"Predicates: p\",\"width\":\"LONG\","
                "\"display_name\":\"Predicate type for p\","
                "\"dependents\":[],\"order\":0}");
        cr_assert(json_equal(json_object_get(find(r, "predicates.p.type"),
                                             "definition"), w));
        json_decref(w);

        /* values: the class name trimmed, defaults, lists */
        cr_assert_str_eq(value_of(r, "transforms.m.type"), "t.Mask");
        cr_assert_str_eq(value_of(r, "transforms.m.fields"), "a,b");
        cr_assert_str_eq(value_of(r, "transforms.m.negate"), "false");
        cr_assert_str_eq(value_of(r, "transforms.m.alpha"), "1");
        cr_assert_null(value_of(r, "transforms.m.predicate"));
        json_decref(r);
}

/* recommended_values of type keys: every class of the kind, sorted; the
 * 26 built-in transformations and 3 predicates among them. */
Test(validate_xform, recommended_values)
{
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"transforms\":\"m\",\"predicates\":\"p\"}", NULL);
        json_t *rv = json_object_get(json_object_get(find(r,
                                     "transforms.m.type"), "value"),
                                     "recommended_values");
        size_t i, builtin = 0;
        json_t *it;

        json_array_foreach(rv, i, it) {
                const char *s = json_string_value(it);

                if (i)
                        cr_assert_lt(strcmp(json_string_value(
                                             json_array_get(rv, i - 1)), s),
                                     0, "sorted");
                if (!strncmp(s, "org.apache.kafka.connect.transforms.", 36)) {
                        cr_assert_null(strstr(s, ".predicates."));
                        builtin++;
                }
        }
        cr_assert_eq(builtin, 26);
        cr_assert_eq(json_array_size(rv), 28, "26 + t.Mask + t.Whole");
        cr_assert_str_eq(json_string_value(json_array_get(rv, 0)),
                         "org.apache.kafka.connect.transforms.Cast$Key");

        rv = json_object_get(json_object_get(find(r, "predicates.p.type"),
                                             "value"), "recommended_values");
        cr_assert_eq(json_array_size(rv), 4, "3 + t.Match");
        cr_assert_str_eq(json_string_value(json_array_get(rv, 0)),
                         "org.apache.kafka.connect.transforms.predicates."
                         "HasHeaderKey");
        cr_assert_str_eq(json_string_value(json_array_get(rv, 3)), "t.Match");
        /* other keys recommend nothing */
        cr_assert_eq(json_array_size(json_object_get(json_object_get(
                             find(r, "transforms"), "value"),
                             "recommended_values")), 0);
        json_decref(r);
}

/* §1.2: parse errors name the full key, the class's validators the
 * unprefixed one; a missing required key gives two errors. */
Test(validate_xform, embedded_value_errors)
{
        int n = -1;
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"transforms\":\"m\","
                        "\"transforms.m.type\":\"t.Mask\","
                        "\"transforms.m.alpha\":\"x\","
                        "\"transforms.m.negate\":\"maybe\","
                        "\"transforms.m.predicate\":\"undeclared\","
                        "\"transforms.m.replacement\":\"\","
                        "\"transforms.m.unknown\":\"ignored\"}", &n);

        cr_assert_eq(n, 5, "%s", json_dumps(r, JSON_INDENT(1)));
        cr_assert(has_error(r, "transforms.m.fields",
                            "Missing required configuration "
                            "\"transforms.m.fields\" which has no default "
                            "value."));
        cr_assert(has_error(r, "transforms.m.fields",
                            "Invalid value null for configuration fields: "
                            "Empty list"));
        cr_assert(has_error(r, "transforms.m.alpha",
                            "Invalid value x for configuration "
                            "transforms.m.alpha: Not a number of type INT"));
        cr_assert(has_error(r, "transforms.m.negate",
                            "Invalid value maybe for configuration "
                            "transforms.m.negate: Expected value to be either "
                            "true or false"));
        cr_assert(has_error(r, "transforms.m.replacement",
                            "Invalid value  for configuration replacement: "
                            "String must be non-empty"));
        /* an undeclared predicate alias is not a validation error (§3) */
        cr_assert_eq(json_array_size(errors_of(r, "transforms.m.type")), 0);
        cr_assert_null(find(r, "transforms.m.unknown"));

        char *msg = validate_error_message(r, "x");
        cr_assert_not_null(strstr(msg, "contains the following 5 error(s):"));
        cr_assert_not_null(strstr(msg, "\nInvalid value x for configuration "
                                       "transforms.m.alpha: Not a number of "
                                       "type INT\n"));
        free(msg);
        json_decref(r);
}

/* §4.2 errors on the type key. */
Test(validate_xform, type_key_errors)
{
        int n = -1;
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"transforms\":\"c,w,n,u,r,k\","
                        "\"transforms.k.type\":\"org.apache.kafka.connect."
                        "storage.StringConverter\","
                        "\"transforms.c.type\":"
                        "\"org.apache.kafka.connect.transforms.Cast\","
                        "\"transforms.w.type\":\"t.Match\","
                        "\"transforms.n.type\":\"t.Mask\","
                        "\"transforms.n.fields\":\"f\","
                        "\"transforms.n.negate\":\"true\","
                        "\"transforms.u.type\":\"org.x.Nope\","
                        "\"transforms.u.negate\":\"false\","
                        "\"transforms.r.type\":\"RegexRouter\","
                        "\"predicates\":\"q\","
                        "\"predicates.q.type\":\"t.Mask\"}", &n);

        cr_assert(has_error(r, "transforms.c.type",
                            "This class is abstract and cannot be created. "
                            "Did you mean "
                            "org.apache.kafka.connect.transforms.Cast$Key, "
                            "org.apache.kafka.connect.transforms.Cast$Value?"));
        cr_assert_str_eq(value_of(r, "transforms.c.type"),
                         "org.apache.kafka.connect.transforms.Cast");
        cr_assert_null(find(r, "transforms.c.negate"), "nothing embedded");

        cr_assert(has_error(r, "transforms.w.type",
                            "Class class t.Match does not implement the "
                            "Transformation interface"));
        cr_assert_null(find(r, "transforms.w.pattern"));
        cr_assert(has_error(r, "predicates.q.type",
                            "Class class t.Mask does not implement the "
                            "Predicate interface"));
        /* a converter class loads in Java too, and is no transformation */
        cr_assert(has_error(r, "transforms.k.type",
                            "Class class org.apache.kafka.connect.storage."
                            "StringConverter does not implement the "
                            "Transformation interface"));

        cr_assert(has_error(r, "transforms.n.type",
                            "Config 'transforms.n.negate' was provided but "
                            "there is no config 'transforms.n.predicate' "
                            "defining a predicate to be negated."));
        cr_assert_not_null(find(r, "transforms.n.fields"), "still embedded");

        /* an unknown class: its parse error, then the negate check */
        cr_assert_eq(json_array_size(errors_of(r, "transforms.u.type")), 2);
        cr_assert(has_error(r, "transforms.u.type",
                            "Invalid value org.x.Nope for configuration "
                            "transforms.u.type: Class org.x.Nope could not be "
                            "found."));
        cr_assert(has_error(r, "transforms.u.type",
                            "Config 'transforms.u.negate' was provided but "
                            "there is no config 'transforms.u.predicate' "
                            "defining a predicate to be negated."));
        cr_assert_null(value_of(r, "transforms.u.type"));
        cr_assert_null(find(r, "transforms.u.predicate"));

        /* a simple name resolves to the class */
        cr_assert_eq(json_array_size(errors_of(r, "transforms.r.type")), 0);
        cr_assert_str_eq(value_of(r, "transforms.r.type"),
                         "org.apache.kafka.connect.transforms.RegexRouter");
        /* Cast$Value has no simple name (§1.1) */
        json_decref(r);
        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"transforms\":\"v\","
                            "\"transforms.v.type\":\"Cast$Value\"}", &n);
        cr_assert(has_error(r, "transforms.v.type",
                            "Invalid value Cast$Value for configuration "
                            "transforms.v.type: Class Cast$Value could not be "
                            "found."));
        cr_assert_eq(n, 1);
        json_decref(r);
}

/* GET /connector-plugins/{p}/config of a transformation: its own keys as
 * defined (ConfigDef.configKeys order), no prefix, no implicit keys. */
Test(validate_xform, plugin_config_defs)
{
        json_t *a = validate_xform_config_defs(&t_mask);

        cr_assert_eq(json_array_size(a), 5);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(a, 0), "name")), "alpha");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(a, 2), "name")), "negate");
        json_t *w = cfg("{\"name\":\"fields\",\"type\":\"LIST\","
                        "\"required\":true,\"default_value\":null,"
                        "\"importance\":\"HIGH\",\"documentation\":"
                        "\"Names of fields to mask.\",\"group\":null,"
                        "\"width\":\"NONE\",\"display_name\":\"fields\","
                        "\"dependents\":[],\"order\":-1}");
        cr_assert(json_equal(json_array_get(a, 4), w));
        json_decref(w);
        json_decref(a);
}

/* §5.1: the DLQ topic may not match topics.regex, read with Java's regex
 * syntax (\d is a digit; POSIX would read it as a literal d). */
Test(validate, dlq_matched_by_java_regex)
{
        int n;
        json_t *r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\","
                                     "\"topics.regex\":\"dlq-\\\\d+\","
                                     "\"errors.deadletterqueue.topic.name\":"
                                     "\" dlq-1 \"}", &n);
        cr_assert_eq(n, 1, "%s", json_dumps(r, 0));
        cr_assert(has_error(r, "topics.regex",
                            "The DLQ topic 'dlq-1' may not be matched by the "
                            "regex for the topics ('topics.regex=dlq-\\d+') "
                            "consumed by the connector"));
        json_decref(r);

        /* a full match is needed */
        r = run(&empty_sink, "{\"name\":\"a\",\"connector.class\":\"x\","
                             "\"topics.regex\":\"dlq\","
                             "\"errors.deadletterqueue.topic.name\":"
                             "\"dlq-1\"}", &n);
        cr_assert_eq(n, 0);
        json_decref(r);
}

/* §5.1 and §7.1: the error-handling keys (DLQ keys for sinks only) and,
 * of the topic-creation keys, only topic.creation.groups. */
Test(validate, error_handling_and_topic_creation_keys)
{
        int n;
        json_t *r = run(&empty_sink,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"topics\":\"t\","
                        "\"errors.retry.timeout\":\"-1\","
                        "\"errors.retry.delay.max.ms\":\"soon\","
                        "\"errors.deadletterqueue.topic.replication.factor\":"
                        "\"70000\"}", &n);

        cr_assert_str_eq(value_of(r, "errors.retry.timeout"), "-1");
        cr_assert(has_error(r, "errors.retry.delay.max.ms",
                            "Invalid value soon for configuration "
                            "errors.retry.delay.max.ms: Not a number of type "
                            "LONG"));
        cr_assert(has_error(r, "errors.deadletterqueue.topic.replication."
                               "factor",
                            "Invalid value 70000 for configuration "
                            "errors.deadletterqueue.topic.replication.factor: "
                            "Not a number of type SHORT"));
        cr_assert_eq(n, 2);
        cr_assert_str_eq(value_of(r, "errors.tolerance"), "none");
        cr_assert_str_eq(value_of(r, "errors.deadletterqueue.topic.name"), "");
        cr_assert_str_eq(value_of(r, "errors.deadletterqueue.context.headers."
                                     "enable"), "false");
        json_t *d = json_object_get(find(r, "errors.deadletterqueue.topic."
                                            "replication.factor"),
                                    "definition");
        cr_assert_str_eq(json_string_value(json_object_get(d, "type")),
                         "SHORT");
        cr_assert_str_eq(json_string_value(json_object_get(d, "group")),
                         "Error Handling");
        cr_assert_eq(json_integer_value(json_object_get(d, "order")), 7);
        cr_assert_null(find(r, "topic.creation.groups"), "sources only");
        json_decref(r);

        r = run(&empty_src, "{\"name\":\"a\",\"connector.class\":\"x\","
                            "\"topic.creation.groups\":\"g, g\","
                            "\"topic.creation.default.partitions\":\"0\","
                            "\"topic.creation.g.include\":\"x\","
                            "\"errors.deadletterqueue.topic.name\":\"d\"}", &n);
        cr_assert(has_error(r, "topic.creation.groups",
                            "Invalid value [g, g] for configuration "
                            "topic.creation.groups: Duplicate alias "
                            "provided."));
        cr_assert_eq(n, 1);
        cr_assert_null(find(r, "topic.creation.default.partitions"));
        cr_assert_null(find(r, "topic.creation.g.include"));
        cr_assert_null(find(r, "errors.deadletterqueue.topic.name"),
                       "the DLQ keys are for sinks only");
        json_decref(r);
}

/* §4.2's examples of embedded-key order on the built-ins (each checked
 * once the class has its definition table). */
Test(validate_xform, builtin_embedded_key_order)
{
        static const struct {
                const char *cls;
                const char *keys[10];
        } ex[] = {
                { "org.apache.kafka.connect.transforms.Cast$Value",
                  { "spec", "negate", "predicate",
                    "replace.null.with.default" } },
                { "org.apache.kafka.connect.transforms.InsertField$Value",
                  { "negate", "offset.field", "partition.field", "predicate",
                    "replace.null.with.default", "static.field",
                    "static.value", "timestamp.field", "topic.field" } },
                { "org.apache.kafka.connect.transforms."
                  "TimestampConverter$Value",
                  { "target.type", "field", "format", "negate", "predicate",
                    "replace.null.with.default", "unix.precision" } },
                { "org.apache.kafka.connect.transforms.Filter",
                  { "negate", "predicate" } },
        };
        size_t i, j;

        for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
                const xform_class_t *c = xform_lookup(ex[i].cls);
                char text[512];
                json_t *r, *configs;
                size_t nkeys = 0;

                cr_assert_not_null(c, "%s", ex[i].cls);
                while (nkeys < 10 && ex[i].keys[nkeys])
                        nkeys++;
                if (!c->defs && nkeys > 2)
                        continue; /* not implemented yet */
                snprintf(text, sizeof(text),
                         "{\"name\":\"a\",\"connector.class\":\"x\","
                         "\"transforms\":\"t\",\"transforms.t.type\":\"%s\"}",
                         ex[i].cls);
                r = run(&empty_src, text, NULL);
                configs = json_object_get(r, "configs");
                cr_assert_eq(json_array_size(configs), 20 + 1 + nkeys,
                             "%s", ex[i].cls);
                for (j = 0; j < nkeys; j++) {
                        char want[128];

                        snprintf(want, sizeof(want), "transforms.t.%s",
                                 ex[i].keys[j]);
                        cr_assert_str_eq(def_name(configs, 21 + j), want,
                                         "%s", ex[i].cls);
                }
                json_decref(r);
        }
}

/* A validator's whole message (CONNECTD_VALIDATOR_MESSAGE) is the error
 * as is, as Java's `new ConfigException(message)` in a validator. */
Test(validate_xform, validator_whole_message)
{
        int n = -1;
        json_t *r = run(&empty_src,
                        "{\"name\":\"a\",\"connector.class\":\"x\","
                        "\"transforms\":\"w\","
                        "\"transforms.w.type\":\"t.Whole\","
                        "\"transforms.w.spec\":\" bad \"}", &n);

        cr_assert_eq(n, 1);
        cr_assert(has_error(r, "transforms.w.spec",
                            "Must specify at least one field to cast."));
        json_decref(r);
}
