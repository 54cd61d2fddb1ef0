/*
 * Transform validators whose Java error is a whole message (Java's
 * `new ConfigException(message)`), seen through the real worker's
 * PUT /connector-plugins/{p}/config/validate and POST /connectors: Cast
 * `spec` and ReplaceField `renames` errors are reported verbatim, not as
 * "Invalid value <v> for configuration <k>: <message>". And a message a
 * running pipeline gives: a schemaless java.util.Date (TimestampConverter
 * to Date) refused by the schemaless JsonConverter.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SINK "org.apache.kafka.connect.file.FileStreamSinkConnector"
#define XF "org.apache.kafka.connect.transforms."
#define VALIDATE "/connector-plugins/FileStreamSinkConnector/config/validate"
#define OUT_TYPES                                                              \
        "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"

static worker_t *w;

static void start(void)
{
        w = worker_start(NULL, NULL);
        cr_assert_not_null(w);
}

static void stop(void)
{
        worker_free(w);
        w = NULL;
}

TestSuite(xform_messages, .init = start, .fini = stop, .timeout = 240);

/* The errors array of `key` in a ConfigInfos. */
static json_t *errors_of(json_t *infos, const char *key)
{
        size_t i;
        json_t *ci;

        json_array_foreach(json_object_get(infos, "configs"), i, ci) {
                json_t *v = json_object_get(ci, "value");

                if (!strcmp(json_string_value(json_object_get(v, "name")),
                            key))
                        return json_object_get(v, "errors");
        }
        cr_assert_fail("no ConfigInfo for %s", key);
        return NULL;
}

/* `key` has exactly the one error `msg`. */
static void only_error(json_t *infos, const char *key, const char *msg)
{
        json_t *errs = errors_of(infos, key);
        char *dump = json_dumps(errs, 0);

        cr_expect_eq(json_array_size(errs), 1, "%s: %s", key, dump);
        cr_expect_str_eq(json_string_value(json_array_get(errs, 0)), msg,
                         "%s: %s", key, dump);
        free(dump);
}

Test(xform_messages, cast_and_replace_field_errors_are_whole_messages)
{
        json_t *r = http_json(
                w, "PUT", VALIDATE,
                "{\"connector.class\":\"" SINK "\",\"name\":\"v\","
                "\"topics\":\"in\","
                "\"transforms\":\"b, t, e, w, n, m, r, ok\","
                "\"transforms.b.type\":\"" XF "Cast$Value\","
                "\"transforms.b.spec\":\"a:bytes\","
                "\"transforms.t.type\":\"" XF "Cast$Key\","
                "\"transforms.t.spec\":\"a:int8,b:foo\","
                "\"transforms.e.type\":\"" XF "Cast$Value\","
                "\"transforms.e.spec\":\"\","
                "\"transforms.w.type\":\"" XF "Cast$Value\","
                "\"transforms.w.spec\":\"int8,a:int16\","
                "\"transforms.n.type\":\"" XF "Cast$Value\","
                "\"transforms.n.spec\":\"x:int8, a:b:c\","
                "\"transforms.m.type\":\"" XF "Cast$Value\","
                "\"transforms.r.type\":\"" XF "ReplaceField$Value\","
                "\"transforms.r.renames\":\"a:b, c:d:e\","
                "\"transforms.ok.type\":\"" XF "Cast$Value\","
                "\"transforms.ok.spec\":\"a:int8, b : STRING\"}",
                200);

        only_error(r, "transforms.b.spec",
                   "Cast transformation does not support casting to BYTES; "
                   "supported types are " OUT_TYPES);
        only_error(r, "transforms.t.spec",
                   "Invalid type found in casting spec: foo");
        only_error(r, "transforms.e.spec",
                   "Must specify at least one field to cast.");
        /* Java's text, typo included */
        only_error(r, "transforms.w.spec",
                   "Cast transformations that specify a type to cast the "
                   "entire value to may only specify a single cast in their "
                   "spec");
        /* Cast reuses ReplaceField's key name in this one */
        only_error(r, "transforms.n.spec",
                   "Invalid value [x:int8, a:b:c] for configuration renames: "
                   "Invalid rename mapping: a:b:c");
        only_error(r, "transforms.r.renames",
                   "Invalid value [a:b, c:d:e] for configuration renames: "
                   "Invalid rename mapping: c:d:e");
        cr_expect_eq(json_array_size(errors_of(r, "transforms.ok.spec")), 0);

        /* A missing spec: the parse error and the validator's, as Java */
        {
                json_t *errs = errors_of(r, "transforms.m.spec");

                cr_expect_eq(json_array_size(errs), 2);
                cr_expect_str_eq(json_string_value(json_array_get(errs, 0)),
                                 "Missing required configuration "
                                 "\"transforms.m.spec\" which has no default "
                                 "value.");
                cr_expect_str_eq(json_string_value(json_array_get(errs, 1)),
                                 "Must specify at least one field to cast.");
        }
        cr_expect_eq(json_integer_value(json_object_get(r, "error_count")), 8);
        json_decref(r);
}

/* Create answers 400 and lists the message as is. */
Test(xform_messages, create_lists_the_whole_message)
{
        http_resp_t *h = http_req(
                w, "POST", "/connectors",
                "{\"name\":\"bad\",\"config\":{\"connector.class\":\"" SINK
                "\",\"topics\":\"in\",\"transforms\":\"c\","
                "\"transforms.c.type\":\"" XF "Cast$Value\","
                "\"transforms.c.spec\":\"a:map\"}}", NULL);
        const char *m;

        cr_assert_eq(h->status, 400, "%ld %s", h->status, h->body);
        m = json_string_value(json_object_get(h->json, "message"));
        cr_assert_not_null(m, "%s", h->body);
        cr_expect_str_eq(m, "Connector configuration is invalid and contains "
                            "the following 1 error(s):\n"
                            "Cast transformation does not support casting to "
                            "MAP; supported types are " OUT_TYPES "\n"
                            "You can also find the above list of errors at "
                            "the endpoint `/connector-plugins/"
                            "{connectorType}/config/validate`");
        http_resp_free(h);
}

/* TimestampConverter to Date on a field of a schemaless value (the
 * generator's values are maps) gives a java.util.Date, which the
 * schemaless JsonConverter cannot write (§2.14): the VALUE_CONVERTER stage
 * fails the task with Java's DataException. (A FileStream line would not
 * do: it carries a string schema, so the Date gets one too.) */
Test(xform_messages, json_converter_refuses_a_schemaless_date)
{
        char *body, path[128];
        json_t *st;
        const char *trace;

        cr_assert(asprintf(
                          &body,
                          "{\"name\":\"src\",\"config\":{"
                          "\"connector.class\":\"GeneratorSourceConnector\","
                          "\"tasks.max\":\"1\","
                          "\"genv.dates.d.with\":"
                          "\"#{date.past '10','SECONDS'}\","
                          "\"value.converter\":\"org.apache.kafka.connect."
                          "json.JsonConverter\","
                          "\"value.converter.schemas.enable\":\"false\","
                          "\"transforms\":\"d\","
                          "\"transforms.d.type\":\"" XF
                          "TimestampConverter$Value\","
                          "\"transforms.d.field\":\"d\","
                          "\"transforms.d.target.type\":\"Date\","
                          "\"transforms.d.format\":"
                          "\"EEE MMM dd HH:mm:ss zzz yyyy\"}}") > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(wait_status(w, "src", "RUNNING", 1, "FAILED", 30000),
                  "the task did not fail");
        snprintf(path, sizeof(path), "/connectors/src/status");
        st = http_json(w, "GET", path, NULL, 200);
        trace = json_string_value(json_object_get(
                json_array_get(json_object_get(st, "tasks"), 0), "trace"));
        cr_assert_not_null(trace);
        cr_expect(strstr(trace, "Caused by: org.apache.kafka.connect.errors."
                                "DataException: Java class class "
                                "java.util.Date does not have corresponding "
                                "schema type."),
                  "trace: %s", trace);
        json_decref(st);
}
