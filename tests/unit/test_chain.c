/*
 * The transformation chain (transform.h): declaration order, duplicates,
 * predicates and negate, per-transform predicate instances, drop, errors
 * and their class, start-time failures. Uses test-only classes registered
 * through xform_register.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transform.h"
#include "record.h"
#include "xf_util.h"

/* ---- test-only classes ----------------------------------------------- */

/* "t.Append": appends its `suffix` to the topic; `fail=true` fails. */
typedef struct {
        char suffix[32];
        int fail;
        int drop;
} app_t;

static int live_instances;   /* configured and not yet closed */

static int app_configure(const json_t *props, void **state, xerr_t *err)
{
        app_t *a;
        const char *s = xf_prop(props, "suffix");

        if (xf_prop(props, "bad")) {
                xerr_set(err, XERR_CONFIG, "bad is bad");
                return -1;
        }
        /* predicate and negate never reach the transform */
        if (xf_prop(props, "predicate") || xf_prop(props, "negate")) {
                xerr_set(err, XERR_CONFIG, "implicit key leaked");
                return -1;
        }
        a = calloc(1, sizeof(*a));
        snprintf(a->suffix, sizeof(a->suffix), "%s", s ? s : "");
        a->fail = xf_prop(props, "fail") != NULL;
        a->drop = xf_prop(props, "drop") != NULL;
        *state = a;
        live_instances++;
        return 0;
}

static int app_apply(void *state, xrecord_t *r, xerr_t *err)
{
        app_t *a = state;
        size_t n = strlen(r->topic) + strlen(a->suffix) + 1;
        char *t;

        if (a->fail) {
                xerr_set(err, XERR_DATA, "append failed");
                return -1;
        }
        if (a->drop)
                return XFORM_DROP;
        t = arena_alloc(r->arena, n);
        snprintf(t, n, "%s%s", r->topic, a->suffix);
        r->topic = t;
        return XFORM_KEEP;
}

static void app_close(void *state)
{
        free(state);
        live_instances--;
}

static int req_valid(const char *name, const char *value, char *errstr,
                     size_t size)
{
        (void)name;
        if (value && !strcmp(value, "no")) {
                snprintf(errstr, size, "no is not allowed");
                return -1;
        }
        return 0;
}

static int whole_valid(const char *name, const char *value, char *errstr,
                       size_t size)
{
        (void)name;
        if (value && !strcmp(value, "whole")) {
                snprintf(errstr, size, "A whole message.");
                return CONNECTD_VALIDATOR_MESSAGE;
        }
        return 0;
}

static const connectd_config_def_t app_defs[] = {
        { .name = "suffix", .type = CONNECTD_CFG_STRING,
          .default_value = "", .importance = CONNECTD_IMPORTANCE_HIGH },
        { .name = "req", .type = CONNECTD_CFG_STRING,
          .default_value = "x", .importance = CONNECTD_IMPORTANCE_LOW,
          .validator = req_valid },
        { .name = "whole", .type = CONNECTD_CFG_STRING,
          .default_value = "", .importance = CONNECTD_IMPORTANCE_LOW,
          .validator = whole_valid },
        { 0 }
};

static const xform_class_t t_append = {
        .name = "t.Append", .kind = XFORM_TRANSFORMATION,
        .defs = app_defs,
        .configure = app_configure, .apply = app_apply, .close = app_close,
};

/* "t.Needs": a transform with a required key `must`. */
static const connectd_config_def_t needs_defs[] = {
        { .name = "must", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_HIGH },
        { 0 }
};

static const xform_class_t t_needs = {
        .name = "t.Needs", .kind = XFORM_TRANSFORMATION,
        .defs = needs_defs,
        .configure = app_configure, .apply = app_apply, .close = app_close,
};

/* "t.TopicIs": true when the topic equals `topic`; counts its calls per
 * instance; `boom` makes it fail. */
typedef struct {
        char topic[32];
        int calls;
        int boom;
} pred_t;

static pred_t *last_pred[8];
static int npred;

static int pred_configure(const json_t *props, void **state, xerr_t *err)
{
        pred_t *p;
        const char *t = xf_prop(props, "topic");

        if (!xf_prop(props, "type")) {
                xerr_set(err, XERR_CONFIG, "type missing");
                return -1;
        }
        if (xf_prop(props, "bad")) {
                xerr_set(err, XERR_CONFIG, "predicate bad");
                return -1;
        }
        p = calloc(1, sizeof(*p));
        snprintf(p->topic, sizeof(p->topic), "%s", t ? t : "");
        p->boom = xf_prop(props, "boom") != NULL;
        if (npred < 8)
                last_pred[npred++] = p;
        *state = p;
        live_instances++;
        return 0;
}

static int pred_apply(void *state, xrecord_t *r, xerr_t *err)
{
        pred_t *p = state;

        p->calls++;
        if (p->boom) {
                xerr_set(err, XERR_DATA, "predicate failed");
                return -1;
        }
        return strcmp(r->topic, p->topic) == 0;
}

static const xform_class_t t_topic_is = {
        .name = "t.TopicIs", .kind = XFORM_PREDICATE,
        .configure = pred_configure, .apply = pred_apply, .close = app_close,
};

static void setup(void)
{
        static int done;

        if (!done) {
                cr_assert_eq(xform_register(&t_append), 0);
                cr_assert_eq(xform_register(&t_needs), 0);
                cr_assert_eq(xform_register(&t_topic_is), 0);
                done = 1;
        }
        live_instances = 0;
        npred = 0;
}

TestSuite(chain, .init = setup);

/* ---- helpers ---------------------------------------------------------- */

static json_t *cfg(const char *json)
{
        json_error_t e;
        json_t *j = json_loads(json, 0, &e);

        cr_assert_not_null(j, "bad test json: %s", e.text);
        return j;
}

static xchain_t *build(const char *json, xerr_t *err)
{
        json_t *c = cfg(json);
        xchain_t *ch;

        memset(err, 0, sizeof(*err));
        ch = xchain_new(c, err);
        json_decref(c);
        return ch;
}

/* Runs the chain on a record with `topic`; the topic after it in out. */
static int run(xchain_t *ch, const char *topic, char *out, size_t outsz,
               const char **failed, xerr_t *err)
{
        arena_t *a = arena_new(4096);
        xrecord_t r;
        int rc;

        memset(&r, 0, sizeof(r));
        r.topic = topic;
        r.partition = -1;
        r.arena = a;
        rc = xchain_apply(ch, &r, failed, err);
        snprintf(out, outsz, "%s", r.topic);
        arena_destroy(a);
        return rc;
}

/* ---- tests ------------------------------------------------------------ */

Test(chain, unset_transforms_is_an_empty_chain)
{
        xerr_t err;
        char out[64];
        xchain_t *ch = build("{\"connector.class\":\"x\"}", &err);

        cr_assert_not_null(ch, "%s", err.msg);
        cr_assert(xchain_empty(ch));
        cr_assert_eq(run(ch, "t", out, sizeof(out), NULL, &err), XFORM_KEEP);
        cr_assert_str_eq(out, "t");
        xchain_free(ch);

        ch = build("{\"transforms\":\"  \"}", &err);
        cr_assert_not_null(ch);
        cr_assert(xchain_empty(ch));
        xchain_free(ch);
}

Test(chain, runs_in_declared_order)
{
        xerr_t err;
        char out[64];
        xchain_t *ch = build(
                "{\"transforms\":\" b , a \","
                "\"transforms.a.type\":\"t.Append\","
                "\"transforms.a.suffix\":\"-A\","
                "\"transforms.b.type\":\" t.Append \","
                "\"transforms.b.suffix\":\"-B\"}", &err);

        cr_assert_not_null(ch, "%s", err.msg);
        cr_assert_not(xchain_empty(ch));
        cr_assert_eq(live_instances, 2);
        cr_assert_eq(run(ch, "t", out, sizeof(out), NULL, &err), XFORM_KEEP);
        cr_assert_str_eq(out, "t-B-A");
        xchain_free(ch);
        cr_assert_eq(live_instances, 0, "every instance closed");
}

Test(chain, duplicate_alias_is_rejected)
{
        xerr_t err;
        xchain_t *ch = build(
                "{\"transforms\":\"a,a\","
                "\"transforms.a.type\":\"t.Append\"}", &err);

        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONFIG);
        cr_assert_str_eq(err.msg, "Invalid value [a, a] for configuration "
                                  "transforms: Duplicate alias provided.");

        ch = build("{\"predicates\":\"p, p\","
                   "\"predicates.p.type\":\"t.TopicIs\"}", &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.msg, "Invalid value [p, p] for configuration "
                                  "predicates: Duplicate alias provided.");
}

Test(chain, type_errors)
{
        xerr_t err;
        xchain_t *ch = build("{\"transforms\":\"a\"}", &err);

        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONFIG);
        cr_assert_str_eq(err.msg, "Missing required configuration "
                                  "\"transforms.a.type\" which has no "
                                  "default value.");

        ch = build("{\"transforms\":\"a\",\"transforms.a.type\":\"t.Nope\"}",
                   &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.msg, "Invalid value t.Nope for configuration "
                                  "transforms.a.type: Class t.Nope could not "
                                  "be found.");

        ch = build("{\"transforms\":\"a\",\"transforms.a.type\":"
                   "\"org.apache.kafka.connect.transforms.Cast\"}", &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.msg,
                         "This class is abstract and cannot be created. Did "
                         "you mean org.apache.kafka.connect.transforms."
                         "Cast$Key, org.apache.kafka.connect.transforms."
                         "Cast$Value?");

        ch = build("{\"transforms\":\"a\",\"transforms.a.type\":"
                   "\"t.TopicIs\"}", &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.msg, "Class class t.TopicIs does not implement "
                                  "the Transformation interface");
        cr_assert_eq(live_instances, 0);
}

Test(chain, definition_table_is_checked_before_configure)
{
        xerr_t err;
        xchain_t *ch = build("{\"transforms\":\"a\","
                             "\"transforms.a.type\":\"t.Needs\"}", &err);

        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONFIG);
        cr_assert_str_eq(err.msg, "Missing required configuration "
                                  "\"transforms.a.must\" which has no "
                                  "default value.");

        ch = build("{\"transforms\":\"a\",\"transforms.a.type\":\"t.Append\","
                   "\"transforms.a.req\":\" no \"}", &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.msg, "Invalid value no for configuration req: "
                                  "no is not allowed");

        ch = build("{\"transforms\":\"a\",\"transforms.a.type\":\"t.Append\","
                   "\"transforms.a.whole\":\"whole\"}", &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONFIG);
        cr_assert_str_eq(err.msg, "A whole message.");
        cr_assert_eq(live_instances, 0);
}

Test(chain, configure_failure_is_wrapped_in_connect_exception)
{
        xerr_t err;
        xchain_t *ch = build("{\"transforms\":\"a,b\","
                             "\"transforms.a.type\":\"t.Append\","
                             "\"transforms.b.type\":\"t.Append\","
                             "\"transforms.b.bad\":\"1\"}", &err);

        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONNECT);
        cr_assert_str_eq(err.msg, XERR_CONFIG ": bad is bad");
        cr_assert_eq(live_instances, 0, "a was closed again");
}

Test(chain, unknown_predicate_alias_fails_at_start)
{
        xerr_t err;
        /* predicates.q.type is set but q is not listed in `predicates` */
        xchain_t *ch = build("{\"transforms\":\"a\","
                             "\"transforms.a.type\":\"t.Append\","
                             "\"transforms.a.predicate\":\"q\","
                             "\"predicates\":\"p\","
                             "\"predicates.p.type\":\"t.TopicIs\","
                             "\"predicates.q.type\":\"t.TopicIs\"}", &err);

        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONNECT);
        cr_assert_str_eq(err.msg, XERR_CONFIG ": Unknown configuration "
                                  "'predicates.q.type'");
        cr_assert_eq(live_instances, 0);
}

Test(chain, predicate_selects_and_negate_inverts)
{
        xerr_t err;
        char out[64];
        xchain_t *ch = build("{\"transforms\":\"a,n\","
                             "\"transforms.a.type\":\"t.Append\","
                             "\"transforms.a.suffix\":\"-A\","
                             "\"transforms.a.predicate\":\"p\","
                             "\"transforms.n.type\":\"t.Append\","
                             "\"transforms.n.suffix\":\"-N\","
                             "\"transforms.n.predicate\":\"p\","
                             "\"transforms.n.negate\":\"TRUE\","
                             "\"predicates\":\"p\","
                             "\"predicates.p.type\":\"t.TopicIs\","
                             "\"predicates.p.topic\":\"orders\"}", &err);

        cr_assert_not_null(ch, "%s", err.msg);
        /* each transform has its own predicate instance */
        cr_assert_eq(npred, 2);
        cr_assert_neq(last_pred[0], last_pred[1]);
        /* orders: a runs (-A), then topic is orders-A: p false, n runs */
        cr_assert_eq(run(ch, "orders", out, sizeof(out), NULL, &err),
                     XFORM_KEEP);
        cr_assert_str_eq(out, "orders-A-N");
        /* other: a skipped, n (negated) runs */
        cr_assert_eq(run(ch, "other", out, sizeof(out), NULL, &err),
                     XFORM_KEEP);
        cr_assert_str_eq(out, "other-N");
        cr_assert_eq(last_pred[0]->calls, 2);
        cr_assert_eq(last_pred[1]->calls, 2);
        xchain_free(ch);
        cr_assert_eq(live_instances, 0);
}

Test(chain, negate_is_true_only_for_true)
{
        static const char *const vals[] = { "yes", "1", " true", "false" };
        size_t i;

        for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
                char json[512], out[64];
                xerr_t err;
                xchain_t *ch;

                snprintf(json, sizeof(json),
                         "{\"transforms\":\"a\","
                         "\"transforms.a.type\":\"t.Append\","
                         "\"transforms.a.suffix\":\"-A\","
                         "\"transforms.a.predicate\":\"p\","
                         "\"transforms.a.negate\":\"%s\","
                         "\"predicates\":\"p\","
                         "\"predicates.p.type\":\"t.TopicIs\","
                         "\"predicates.p.topic\":\"x\"}", vals[i]);
                ch = build(json, &err);
                cr_assert_not_null(ch, "%s", err.msg);
                run(ch, "x", out, sizeof(out), NULL, &err);
                cr_assert_str_eq(out, "x-A", "negate=%s", vals[i]);
                xchain_free(ch);
        }
}

Test(chain, drop_stops_the_chain)
{
        xerr_t err;
        char out[64];
        xchain_t *ch = build("{\"transforms\":\"d,a\","
                             "\"transforms.d.type\":\"t.Append\","
                             "\"transforms.d.drop\":\"1\","
                             "\"transforms.a.type\":\"t.Append\","
                             "\"transforms.a.fail\":\"1\"}", &err);

        cr_assert_not_null(ch, "%s", err.msg);
        cr_assert_eq(run(ch, "t", out, sizeof(out), NULL, &err), XFORM_DROP);
        xchain_free(ch);
}

Test(chain, error_names_the_transform_class)
{
        xerr_t err;
        char out[64];
        const char *failed = NULL;
        xchain_t *ch = build("{\"transforms\":\"a,f\","
                             "\"transforms.a.type\":\"t.Append\","
                             "\"transforms.f.type\":\"t.Append\","
                             "\"transforms.f.fail\":\"1\"}", &err);

        cr_assert_not_null(ch, "%s", err.msg);
        cr_assert_eq(run(ch, "t", out, sizeof(out), &failed, &err), -1);
        cr_assert_str_eq(failed, "t.Append");
        cr_assert_str_eq(err.cls, XERR_DATA);
        cr_assert_str_eq(err.msg, "append failed");
        xchain_free(ch);

        /* a failing predicate: the stage's transform class is reported, as
         * Java's TransformationStage#transformClass */
        ch = build("{\"transforms\":\"a\","
                   "\"transforms.a.type\":\"t.Append\","
                   "\"transforms.a.predicate\":\"p\","
                   "\"predicates\":\"p\","
                   "\"predicates.p.type\":\"t.TopicIs\","
                   "\"predicates.p.boom\":\"1\"}", &err);
        cr_assert_not_null(ch, "%s", err.msg);
        failed = NULL;
        cr_assert_eq(run(ch, "t", out, sizeof(out), &failed, &err), -1);
        cr_assert_str_eq(failed, "t.Append");
        cr_assert_str_eq(err.msg, "predicate failed");
        xchain_free(ch);
}

Test(chain, predicate_configure_failure_and_keys)
{
        xerr_t err;
        xchain_t *ch = build("{\"transforms\":\"a\","
                             "\"transforms.a.type\":\"t.Append\","
                             "\"transforms.a.predicate\":\"p\","
                             "\"predicates\":\"p\","
                             "\"predicates.p.type\":\"t.TopicIs\","
                             "\"predicates.p.bad\":\"1\"}", &err);

        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONNECT);
        cr_assert_str_eq(err.msg, XERR_CONFIG ": predicate bad");
        cr_assert_eq(live_instances, 0);

        ch = build("{\"predicates\":\"p\"}", &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.msg, "Missing required configuration "
                                  "\"predicates.p.type\" which has no "
                                  "default value.");

        /* a listed but unused predicate is resolved, not instantiated */
        ch = build("{\"predicates\":\"p\","
                   "\"predicates.p.type\":\"t.TopicIs\"}", &err);
        cr_assert_not_null(ch, "%s", err.msg);
        cr_assert(xchain_empty(ch));
        cr_assert_eq(npred, 0);
        xchain_free(ch);
}

Test(chain, builtin_simple_names_resolve)
{
        cr_assert_not_null(xform_lookup("RegexRouter"));
        cr_assert_eq(xform_lookup("RegexRouter"),
                     xform_lookup("org.apache.kafka.connect.transforms."
                                  "RegexRouter"));
        cr_assert_null(xform_lookup("Cast$Value"));
        cr_assert_not_null(xform_lookup("org.apache.kafka.connect.transforms."
                                        "Cast$Value"));
        cr_assert_not_null(xform_lookup("TopicNameMatches"));
}

/* Built-in validators whose Java error is a whole message (Cast spec,
 * ReplaceField renames) fail the chain with that message as is. */
Test(chain, builtin_whole_message_validators)
{
        xerr_t err;
        xchain_t *ch = build("{\"transforms\":\"c\","
                             "\"transforms.c.type\":\"org.apache.kafka."
                             "connect.transforms.Cast$Value\","
                             "\"transforms.c.spec\":\"a:bytes\"}", &err);

        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONFIG);
        cr_assert_str_eq(err.msg, "Cast transformation does not support "
                                  "casting to BYTES; supported types are "
                                  "[INT8, INT16, INT32, INT64, FLOAT32, "
                                  "FLOAT64, BOOLEAN, STRING]");
        ch = build("{\"transforms\":\"r\","
                   "\"transforms.r.type\":\"org.apache.kafka.connect."
                   "transforms.ReplaceField$Key\","
                   "\"transforms.r.renames\":\"a:b,c\"}", &err);
        cr_assert_null(ch);
        cr_assert_str_eq(err.cls, XERR_CONFIG);
        cr_assert_str_eq(err.msg, "Invalid value [a:b, c] for configuration "
                                  "renames: Invalid rename mapping: c");
}
