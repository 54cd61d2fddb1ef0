/*
 * Transforms and predicates in connector validation and the plugin listing,
 * against the real worker: PUT /connector-plugins/{p}/config/validate
 * (type keys, embedded keys, groups, recommended classes, the chain's
 * config errors, the DLQ rule), POST /connectors answering 400 with those
 * errors, GET /connector-plugins?connectorsOnly=false and
 * GET /connector-plugins/{transform}/config.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SINK "org.apache.kafka.connect.file.FileStreamSinkConnector"
#define XF "org.apache.kafka.connect.transforms."
#define VALIDATE "/connector-plugins/FileStreamSinkConnector/config/validate"

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

TestSuite(xform_validate, .init = start, .fini = stop, .timeout = 240);

/* The ConfigInfo of `key` in a ConfigInfos, or NULL. */
static json_t *find(json_t *infos, const char *key)
{
        size_t i;
        json_t *ci;

        json_array_foreach(json_object_get(infos, "configs"), i, ci) {
                json_t *v = json_object_get(ci, "value");

                if (!strcmp(json_string_value(json_object_get(v, "name")),
                            key))
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

static int has_error(json_t *infos, const char *key, const char *msg)
{
        size_t i;
        json_t *e;

        json_array_foreach(errors_of(infos, key), i, e)
                if (!strcmp(json_string_value(e), msg))
                        return 1;
        return 0;
}

static const char *def_str(json_t *infos, const char *key, const char *field)
{
        json_t *ci = find(infos, key);

        cr_assert_not_null(ci, "no ConfigInfo for %s", key);
        return json_string_value(json_object_get(
                json_object_get(ci, "definition"), field));
}

static json_int_t def_order(json_t *infos, const char *key)
{
        json_t *ci = find(infos, key);

        cr_assert_not_null(ci, "no ConfigInfo for %s", key);
        return json_integer_value(json_object_get(
                json_object_get(ci, "definition"), "order"));
}

/* Checklist 19/20: the keys of a transform and a predicate alias, their
 * groups and orders, recommended classes, and the chain's config errors. */
Test(xform_validate, validate_shows_transform_keys_and_errors)
{
        static const char *const want_groups[] = {
                "Common", "Transforms", "Predicates", "Error Handling",
                "Transforms: f", "Transforms: c", "Transforms: n",
                "Transforms: u", "Predicates: p"
        };
        json_t *r = http_json(
                w, "PUT", VALIDATE,
                "{\"connector.class\":\"" SINK "\",\"name\":\"v\","
                "\"topics\":\"in,dlq\","
                "\"errors.deadletterqueue.topic.name\":\"dlq\","
                "\"transforms\":\"f, c, n, u\","
                "\"transforms.f.type\":\"Filter\","
                "\"transforms.f.predicate\":\"p\","
                "\"transforms.f.negate\":\"true\","
                "\"transforms.c.type\":\"" XF "Cast\","
                "\"transforms.n.type\":\"" XF "RegexRouter\","
                "\"transforms.n.negate\":\"true\","
                "\"transforms.u.type\":\"org.example.Nope\","
                "\"predicates\":\"p\","
                "\"predicates.p.type\":\"RecordIsTombstone\"}", 200);
        json_t *groups = json_object_get(r, "groups");
        json_t *rv;
        size_t i;

        /* groups: framework, then one per alias, then the connector's */
        cr_assert_geq(json_array_size(groups), 9);
        for (i = 0; i < 9; i++)
                cr_assert_str_eq(json_string_value(json_array_get(groups, i)),
                                 want_groups[i]);

        /* the type key, then the embedded keys (implicit ones included) */
        cr_assert_str_eq(def_str(r, "transforms.f.type", "type"), "CLASS");
        cr_assert_str_eq(def_str(r, "transforms.f.type", "display_name"),
                         "Transformation type for f");
        cr_assert_eq(def_order(r, "transforms.f.type"), 0);
        cr_assert_str_eq(def_str(r, "transforms.f.negate", "group"),
                         "Transforms: f");
        cr_assert_eq(def_order(r, "transforms.f.negate"), 1);
        cr_assert_eq(def_order(r, "transforms.f.predicate"), 2);
        cr_assert_str_eq(def_str(r, "transforms.f.negate", "display_name"),
                         "negate");
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
                                 find(r, "transforms.f.type"), "value"),
                                 "value")),
                         XF "Filter");
        cr_assert_str_eq(def_str(r, "predicates.p.type", "display_name"),
                         "Predicate type for p");
        cr_assert_str_eq(def_str(r, "predicates.p.type", "group"),
                         "Predicates: p");

        rv = json_object_get(json_object_get(find(r, "transforms.f.type"),
                                             "value"), "recommended_values");
        cr_assert_eq(json_array_size(rv), 26);
        cr_assert_str_eq(json_string_value(json_array_get(rv, 0)),
                         XF "Cast$Key");
        cr_assert_str_eq(json_string_value(json_array_get(rv, 25)),
                         XF "ValueToKey");
        rv = json_object_get(json_object_get(find(r, "predicates.p.type"),
                                             "value"), "recommended_values");
        cr_assert_eq(json_array_size(rv), 3);

        /* errors */
        cr_assert_eq(json_array_size(errors_of(r, "transforms.f.type")), 0);
        cr_assert(has_error(r, "transforms.c.type",
                            "This class is abstract and cannot be created. "
                            "Did you mean " XF "Cast$Key, " XF "Cast$Value?"));
        cr_assert(has_error(r, "transforms.n.type",
                            "Config 'transforms.n.negate' was provided but "
                            "there is no config 'transforms.n.predicate' "
                            "defining a predicate to be negated."));
        cr_assert(has_error(r, "transforms.u.type",
                            "Invalid value org.example.Nope for "
                            "configuration transforms.u.type: Class "
                            "org.example.Nope could not be found."));
        cr_assert_null(find(r, "transforms.u.negate"), "nothing embedded");
        cr_assert(has_error(r, "topics",
                            "The DLQ topic 'dlq' may not be included in the "
                            "list of topics ('topics=[in, dlq]') consumed by "
                            "the connector"));
        cr_assert_geq(json_integer_value(json_object_get(r, "error_count")),
                      4);
        json_decref(r);

        /* duplicate aliases */
        r = http_json(w, "PUT", VALIDATE,
                      "{\"connector.class\":\"" SINK "\",\"name\":\"v\","
                      "\"topics\":\"in\",\"transforms\":\"a,a\","
                      "\"transforms.a.type\":\"Filter\"}", 200);
        cr_assert(has_error(r, "transforms",
                            "Invalid value [a, a] for configuration "
                            "transforms: Duplicate alias provided."));
        cr_assert_eq(json_integer_value(json_object_get(r, "error_count")),
                     1);
        json_decref(r);
}

/* A connector class (one Java would load) as a transform or predicate. */
Test(xform_validate, connector_class_is_no_transformation)
{
        json_t *r = http_json(
                w, "PUT", VALIDATE,
                "{\"connector.class\":\"" SINK "\",\"name\":\"v\","
                "\"topics\":\"in\",\"transforms\":\"x\","
                "\"transforms.x.type\":\"FileStreamSource\","
                "\"predicates\":\"p\","
                "\"predicates.p.type\":\"" SINK "\"}", 200);

        cr_assert(has_error(r, "transforms.x.type",
                            "Class class org.apache.kafka.connect.file."
                            "FileStreamSourceConnector does not implement the "
                            "Transformation interface"));
        cr_assert(has_error(r, "predicates.p.type",
                            "Class class " SINK " does not implement the "
                            "Predicate interface"));
        cr_assert_eq(json_integer_value(json_object_get(r, "error_count")),
                     2);
        json_decref(r);
}

/* Create and update answer 400 with the transform errors listed. */
Test(xform_validate, create_and_update_refuse_transform_errors)
{
        http_resp_t *h = http_req(
                w, "POST", "/connectors",
                "{\"name\":\"bad\",\"config\":{\"connector.class\":\"" SINK
                "\",\"topics\":\"in\",\"transforms\":\"c\","
                "\"transforms.c.type\":\"" XF "Cast\"}}", NULL);
        const char *m;

        cr_assert_eq(h->status, 400, "%ld %s", h->status, h->body);
        m = json_string_value(json_object_get(h->json, "message"));
        cr_assert_not_null(m, "%s", h->body);
        cr_assert_str_eq(m, "Connector configuration is invalid and contains "
                            "the following 1 error(s):\n"
                            "This class is abstract and cannot be created. "
                            "Did you mean " XF "Cast$Key, " XF "Cast$Value?\n"
                            "You can also find the above list of errors at "
                            "the endpoint `/connector-plugins/"
                            "{connectorType}/config/validate`");
        http_resp_free(h);

        h = http_req(w, "PUT", "/connectors/bad2/config",
                     "{\"connector.class\":\"" SINK "\",\"topics\":\"in\","
                     "\"transforms\":\"f\",\"transforms.f.type\":\"Filter\","
                     "\"transforms.f.negate\":\"true\"}", NULL);
        cr_assert_eq(h->status, 400, "%ld %s", h->status, h->body);
        cr_assert_not_null(strstr(json_string_value(json_object_get(
                                          h->json, "message")),
                                  "\nConfig 'transforms.f.negate' was "
                                  "provided but there is no config "
                                  "'transforms.f.predicate' defining a "
                                  "predicate to be negated.\n"));
        http_resp_free(h);
        json_t *names = http_json(w, "GET", "/connectors", NULL, 200);
        cr_assert_eq(json_array_size(names), 0, "nothing was stored");
        json_decref(names);
}

/* Checklist 19: a predicate alias that `predicates` does not list passes
 * validation; the task fails at start with Java's trace. */
Test(xform_validate, unknown_predicate_alias_fails_the_task)
{
        char fbuf[512], *body = NULL;
        const char *file = worker_path(w, "in.txt", fbuf, sizeof(fbuf));
        json_t *st, *task;
        const char *trace;

        spit(file, "", 1);
        cr_assert_neq(asprintf(&body,
                               "{\"connector.class\":\"org.apache.kafka."
                               "connect.file.FileStreamSourceConnector\","
                               "\"tasks.max\":\"1\",\"topic\":\"t\","
                               "\"file\":\"%s\",\"transforms\":\"f\","
                               "\"transforms.f.type\":\"Filter\","
                               "\"transforms.f.predicate\":\"nope\","
                               "\"predicates\":\"p\","
                               "\"predicates.p.type\":"
                               "\"RecordIsTombstone\","
                               "\"predicates.nope.type\":"
                               "\"RecordIsTombstone\"}", file), -1);
        json_decref(http_json(w, "PUT", "/connectors/up/config", body, 201));
        free(body);
        cr_assert(wait_status(w, "up", "RUNNING", 1, "FAILED", 30000),
                  "the task did not fail");
        st = http_json(w, "GET", "/connectors/up/status", NULL, 200);
        task = json_array_get(json_object_get(st, "tasks"), 0);
        trace = json_string_value(json_object_get(task, "trace"));
        cr_assert_not_null(trace);
        cr_assert_eq(strncmp(trace, "org.apache.kafka.connect.errors."
                                    "ConnectException: org.apache.kafka."
                                    "common.config.ConfigException: Unknown "
                                    "configuration 'predicates.nope.type'",
                             strlen("org.apache.kafka.connect.errors."
                                    "ConnectException: org.apache.kafka."
                                    "common.config.ConfigException: Unknown "
                                    "configuration 'predicates.nope.type'")),
                     0, "%s", trace);
        json_decref(st);
}

/* Checklist 20: a required key of a built-in missing → 400 on create
 * (RegexRouter's `regex` is required). */
Test(xform_validate, missing_regex_is_400_on_create)
{
        json_t *defs = http_json(w, "GET",
                                 "/connector-plugins/" XF "RegexRouter/config",
                                 NULL, 200);
        size_t ndefs = json_array_size(defs);
        http_resp_t *h;

        json_decref(defs);
        cr_assert_gt(ndefs, 0, "RegexRouter lists no keys");
        h = http_req(w, "POST", "/connectors",
                     "{\"name\":\"rr\",\"config\":{\"connector.class\":\""
                     SINK "\",\"topics\":\"in\",\"transforms\":\"r\","
                     "\"transforms.r.type\":\"RegexRouter\","
                     "\"transforms.r.replacement\":\"$1\"}}", NULL);
        cr_assert_eq(h->status, 400, "%ld %s", h->status, h->body);
        cr_assert_not_null(strstr(json_string_value(json_object_get(
                                          h->json, "message")),
                                  "Missing required configuration "
                                  "\"transforms.r.regex\" which has no "
                                  "default value."),
                           "%s", h->body);
        http_resp_free(h);
}

/* GET /connector-plugins?connectorsOnly=false: sinks, sources, the 26
 * transformations, the 3 predicates, converters, header converters; each
 * with a version. */
Test(xform_validate, plugin_listing)
{
        json_t *all = http_json(w, "GET",
                                "/connector-plugins?connectorsOnly=false",
                                NULL, 200);
        json_t *p, *only;
        size_t i, nt = 0, np = 0;
        int stage = 0; /* 0 connectors, 1 transformations, 2 predicates,
                        * 3 the rest */

        json_array_foreach(all, i, p) {
                const char *type = json_string_value(json_object_get(p,
                                                                     "type"));
                const char *cls = json_string_value(json_object_get(p,
                                                                    "class"));
                int s = !strcmp(type, "transformation") ? 1
                      : !strcmp(type, "predicate")      ? 2
                      : !strcmp(type, "sink") || !strcmp(type, "source")
                              ? 0 : 3;

                cr_assert_geq(s, stage, "%s out of order", cls);
                stage = s;
                if (s == 1) {
                        nt++;
                        cr_assert_eq(strncmp(cls, XF, strlen(XF)), 0);
                        cr_assert_str_eq(json_string_value(json_object_get(
                                                 p, "version")), "3.9.0");
                }
                if (s == 2) {
                        np++;
                        cr_assert_eq(strncmp(cls, XF "predicates.",
                                             strlen(XF "predicates.")), 0);
                }
        }
        cr_assert_eq(nt, 26);
        cr_assert_eq(np, 3);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(all, json_array_size(all) - 1),
                                 "type")),
                         "header_converter");
        only = http_json(w, "GET", "/connector-plugins", NULL, 200);
        json_array_foreach(only, i, p) {
                const char *type = json_string_value(json_object_get(p,
                                                                     "type"));
                cr_assert(!strcmp(type, "sink") || !strcmp(type, "source"));
        }
        json_decref(only);
        json_decref(all);

        /* a transformation's and a predicate's own keys */
        all = http_json(w, "GET", "/connector-plugins/" XF "Filter/config",
                        NULL, 200);
        cr_assert(json_is_array(all));
        json_array_foreach(all, i, p)
                cr_assert_str_neq(json_string_value(json_object_get(p, "name")),
                                  "negate", "no implicit keys");
        json_decref(all);
        all = http_json(w, "GET", "/connector-plugins/TopicNameMatches/config",
                        NULL, 200);
        cr_assert(json_is_array(all));
        json_decref(all);
        all = http_json(w, "GET", "/connector-plugins/" XF "Cast/config", NULL,
                        404);
        json_decref(all);
}
