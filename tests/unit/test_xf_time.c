/* Unit tests for TimestampConverter$Key/$Value and TimestampRouter
 * (server/transforms/xf_timestamp_*.c): definitions, validators,
 * configure() checks and apply() on records built in an arena. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "record.h"
#include "transform.h"
#include "xf_util.h"

static arena_t *A;

static void setup(void)
{
        A = arena_new(0);
        cr_assert_not_null(A);
}

static void teardown(void)
{
        arena_destroy(A);
}

TestSuite(xf_time, .init = setup, .fini = teardown);

static xrecord_t rec(const connect_schema_t *vs, connectd_value_t *v)
{
        xrecord_t r;

        memset(&r, 0, sizeof r);
        r.topic = "t";
        r.partition = -1;
        r.value_schema = vs;
        r.value = v;
        r.arena = A;
        return r;
}

/* configure from "k", "v", ..., NULL; the state, or NULL with *err */
static void *conf(const xform_class_t *c, xerr_t *err, ...)
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
        if (rc) {
                cr_assert_null(state);
                return NULL;
        }
        return state;
}

#define TSV (&xf_timestamp_converter_value)

static void *tsv(const char *type, const char *format)
{
        xerr_t err;
        void *s = format ? conf(TSV, &err, "target.type", type, "format",
                                format, NULL)
                         : conf(TSV, &err, "target.type", type, NULL);

        cr_assert_not_null(s, "%s", err.msg);
        return s;
}

static const char *str(const connectd_value_t *v)
{
        cr_assert_not_null(v);
        cr_assert_eq(v->type, CONNECTD_VAL_STRING);
        return arena_strndup(A, v->u.s.ptr, v->u.s.len);
}

static const connectd_config_def_t *def(const xform_class_t *c,
                                        const char *name)
{
        for (const connectd_config_def_t *d = c->defs; d->name; d++)
                if (!strcmp(d->name, name))
                        return d;
        return NULL;
}

/* ---- definitions ---------------------------------------------------- */

Test(xf_time, converter_definitions_match_java)
{
        static const char *const order[] = {
                "field", "target.type", "format", "unix.precision",
                "replace.null.with.default"};
        const connectd_config_def_t *d;
        char why[256];
        size_t n = 0;

        for (d = TSV->defs; d->name; d++)
                cr_expect_str_eq(d->name, order[n++]);
        cr_expect_eq(n, 5);
        d = def(TSV, "target.type");
        cr_expect_null(d->default_value);
        cr_expect_eq(d->importance, CONNECTD_IMPORTANCE_HIGH);
        cr_expect_str_eq(d->documentation,
                         "The desired timestamp representation: string, "
                         "unix, Date, Time, or Timestamp");
        cr_expect_eq(d->validator("target.type", "Date", why, sizeof why), 0);
        cr_expect_eq(d->validator("target.type", "date", why, sizeof why), -1);
        cr_expect_str_eq(why, "String must be one of: string, unix, Date, "
                              "Time, Timestamp");
        /* a missing value fails the validator too (Java's second error) */
        cr_expect_eq(d->validator("target.type", NULL, why, sizeof why), -1);
        d = def(TSV, "unix.precision");
        cr_expect_str_eq(d->default_value, "milliseconds");
        cr_expect_eq(d->importance, CONNECTD_IMPORTANCE_LOW);
        cr_expect_eq(d->validator("unix.precision", "secs", why, sizeof why),
                     -1);
        cr_expect_str_eq(why, "String must be one of: nanoseconds, "
                              "microseconds, milliseconds, seconds");
        cr_expect_eq(d->validator("unix.precision", NULL, why, sizeof why), 0);
        d = def(TSV, "format");
        cr_expect_str_eq(d->default_value, "");
        cr_expect_eq(d->importance, CONNECTD_IMPORTANCE_MEDIUM);
        cr_expect_null(d->validator); /* a bad pattern is a start error */
        d = def(TSV, "replace.null.with.default");
        cr_expect_eq(d->type, CONNECTD_CFG_BOOLEAN);
        cr_expect_str_eq(d->default_value, "true");
        cr_expect_str_eq(xf_timestamp_converter_key.name,
                         "org.apache.kafka.connect.transforms."
                         "TimestampConverter$Key");
        cr_expect_null(xf_timestamp_converter_key.alias);
}

Test(xf_time, converter_start_errors)
{
        xerr_t err;

        cr_expect_null(conf(TSV, &err, "target.type", "string", NULL));
        cr_expect_str_eq(err.cls, XERR_CONFIG);
        cr_expect_str_eq(err.msg, "TimestampConverter requires format option "
                                  "to be specified when using string "
                                  "timestamps");
        cr_expect_null(conf(TSV, &err, "target.type", "string", "format",
                            "   ", NULL));
        cr_expect_str_eq(err.msg, "TimestampConverter requires format option "
                                  "to be specified when using string "
                                  "timestamps");
        cr_expect_null(conf(TSV, &err, "target.type", "unix", "format",
                            "yyyy-MM-ddTHH", NULL));
        cr_expect_str_eq(err.msg, "TimestampConverter requires a "
                                  "SimpleDateFormat-compatible pattern for "
                                  "string timestamps: yyyy-MM-ddTHH");
        cr_expect_null(conf(TSV, &err, "format", "yyyy", NULL));
        cr_expect_str_eq(err.msg, "Missing required configuration "
                                  "\"target.type\" which has no default "
                                  "value.");
        cr_expect_null(conf(TSV, &err, "target.type", "date", NULL));
        cr_expect_str_eq(err.msg, "Invalid value date for configuration "
                                  "target.type: String must be one of: "
                                  "string, unix, Date, Time, Timestamp");
        cr_expect_null(conf(TSV, &err, "target.type", "unix",
                            "unix.precision", "ms", NULL));
        cr_expect_str_eq(err.msg, "Invalid value ms for configuration "
                                  "unix.precision: String must be one of: "
                                  "nanoseconds, microseconds, milliseconds, "
                                  "seconds");
        cr_expect_null(conf(TSV, &err, "target.type", "unix",
                            "replace.null.with.default", "yes", NULL));
        cr_expect_str_eq(err.msg, "Invalid value yes for configuration "
                                  "replace.null.with.default: Expected value "
                                  "to be either true or false");
}

/* ---- whole values --------------------------------------------------- */

Test(xf_time, unix_zero_to_string_schemaless_and_with_schema)
{
        void *s = tsv("string", "yyyy-MM-dd");
        xerr_t err;
        xrecord_t r = rec(NULL, val_int(A, CONNECTD_VAL_INT64, 0));

        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_null(r.value_schema);
        cr_expect_str_eq(str(r.value), "1970-01-01");

        r = rec(&schema_opt_int64, val_int(A, CONNECTD_VAL_INT64, 0));
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_eq(r.value_schema, &schema_opt_string);
        cr_expect_str_eq(str(r.value), "1970-01-01");

        /* null stays null; with a schema the record gets the new schema */
        r = rec(&schema_int64, NULL);
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP);
        cr_expect_null(r.value);
        cr_expect_eq(r.value_schema, &schema_string);
        r = rec(NULL, NULL);
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP);
        cr_expect_null(r.value);
        cr_expect_null(r.value_schema);
        TSV->close(s);
}

Test(xf_time, seconds_both_ways)
{
        xerr_t err;
        void *to_unix = conf(TSV, &err, "target.type", "unix",
                             "unix.precision", "seconds", "format",
                             "yyyy-MM-dd", NULL);
        void *to_str = conf(TSV, &err, "target.type", "string",
                            "unix.precision", "seconds", "format",
                            "yyyy-MM-dd HH:mm:ss", NULL);
        xrecord_t r = rec(&schema_string, val_string(A, "2023-11-14", 10));

        cr_assert_not_null(to_unix);
        cr_assert_not_null(to_str);
        cr_assert_eq(TSV->apply(to_unix, &r, &err), XFORM_KEEP, "%s",
                     err.msg);
        cr_expect_eq(r.value_schema, &schema_int64);
        cr_expect_eq(r.value->u.i, 1699920000);
        r = rec(NULL, val_int(A, CONNECTD_VAL_INT64, 1700000000));
        cr_assert_eq(TSV->apply(to_str, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(str(r.value), "2023-11-14 22:13:20");
        TSV->close(to_unix);
        TSV->close(to_str);
}

Test(xf_time, sub_millisecond_precisions_truncate)
{
        xerr_t err;
        void *micros = conf(TSV, &err, "target.type", "Timestamp",
                            "unix.precision", "microseconds", NULL);
        void *nanos = conf(TSV, &err, "target.type", "unix", "unix.precision",
                           "nanoseconds", NULL);
        xrecord_t r = rec(&schema_int64, val_int(A, CONNECTD_VAL_INT64, -1500));

        cr_assert_eq(TSV->apply(micros, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(r.value_schema->name, LOGICAL_TIMESTAMP);
        cr_expect_eq(r.value->u.i, -1);
        /* ms -> ns multiplies; ns -> ms divides toward zero */
        r = rec(&schema_int64, val_int(A, CONNECTD_VAL_INT64, 1999999));
        cr_assert_eq(TSV->apply(nanos, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_eq(r.value->u.i, 1000000);
        TSV->close(micros);
        TSV->close(nanos);
}

Test(xf_time, logical_targets_with_and_without_schema)
{
        void *date = tsv("Date", NULL), *time = tsv("Time", NULL);
        const int64_t ms = 1700000000000LL; /* 2023-11-14T22:13:20Z */
        connect_schema_t *ts = schema_new(A, CONNECTD_VAL_INT64);
        xerr_t err;
        int64_t got;

        ts->name = LOGICAL_TIMESTAMP;
        xrecord_t r = rec(ts, val_int(A, CONNECTD_VAL_INT64, ms));
        cr_assert_eq(TSV->apply(date, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(r.value_schema->name, LOGICAL_DATE);
        cr_expect_eq(r.value_schema->type, CONNECTD_VAL_INT32);
        cr_expect_eq(r.value_schema->version, 1);
        cr_expect_eq(r.value->u.i, 19675);
        r = rec(ts, val_int(A, CONNECTD_VAL_INT64, ms));
        cr_assert_eq(TSV->apply(time, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(r.value_schema->name, LOGICAL_TIME);
        cr_expect_eq(r.value->u.i, 80000000);
        /* the logical Date back to a Time: midnight */
        connectd_value_t *days = val_int(A, CONNECTD_VAL_INT32, 19675);
        r = rec(r.value_schema, days);
        r.value_schema = schema_new(A, CONNECTD_VAL_INT32);
        ((connect_schema_t *)r.value_schema)->name = LOGICAL_DATE;
        cr_assert_eq(TSV->apply(time, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_eq(r.value->u.i, 0);
        /* schemaless: a date object; before 1970 the day still floors */
        r = rec(NULL, val_int(A, CONNECTD_VAL_INT64, -1));
        cr_assert_eq(TSV->apply(date, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_null(r.value_schema);
        cr_assert(xf_date_ms(r.value, &got));
        cr_expect_eq(got, -86400000);
        cr_expect_str_eq(r.value->schema_name, LOGICAL_DATE);
        /* and a date object is read as a Timestamp */
        void *to_unix = tsv("unix", NULL);
        cr_assert_eq(TSV->apply(to_unix, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_eq(r.value->type, CONNECTD_VAL_INT64);
        cr_expect_eq(r.value->u.i, -86400000);
        cr_expect(!xf_date_ms(r.value, &got));
        TSV->close(date);
        TSV->close(time);
        TSV->close(to_unix);
}

Test(xf_time, input_kind_errors)
{
        void *s = tsv("string", "yyyy-MM-dd");
        void *u = tsv("unix", NULL);
        xerr_t err;
        xrecord_t r = rec(&schema_int32, NULL);

        /* the schema is checked even for a null value */
        cr_expect_eq(TSV->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_CONNECT);
        cr_expect_str_eq(err.msg, "Schema Schema{INT32} does not correspond "
                                  "to a known timestamp type format");
        connect_schema_t *named = schema_new(A, CONNECTD_VAL_STRUCT);
        named->name = "x.Y";
        r = rec(named, NULL);
        cr_expect_eq(TSV->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.msg, "Schema Schema{x.Y:STRUCT} does not "
                                  "correspond to a known timestamp type "
                                  "format");
        r = rec(NULL, val_int(A, CONNECTD_VAL_INT32, 5));
        cr_expect_eq(TSV->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_DATA);
        cr_expect_str_eq(err.msg, "TimestampConverter does not support class "
                                  "java.lang.Integer objects as timestamps");
        r = rec(NULL, val_string(A, "14/11/2023", 10));
        cr_expect_eq(TSV->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_DATA);
        cr_expect_str_eq(err.msg, "Could not parse timestamp: value "
                                  "(14/11/2023) does not match pattern "
                                  "(yyyy-MM-dd)");
        /* a string input without a format: Java's NullPointerException */
        r = rec(NULL, val_string(A, "2023", 4));
        cr_expect_eq(TSV->apply(u, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_NPE);
        /* lenient parsing and ignored trailing text */
        r = rec(NULL, val_string(A, "2023-13-01 junk", 15));
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(str(r.value), "2024-01-01");
        TSV->close(s);
        TSV->close(u);
}

/* ---- fields ---------------------------------------------------------- */

Test(xf_time, map_field)
{
        xerr_t err;
        void *s = conf(TSV, &err, "field", "ts", "target.type", "string",
                       "format", "yyyy", NULL);
        connectd_value_t *m = val_struct(A, NULL);
        int found;

        cr_assert_not_null(s, "%s", err.msg);
        val_put(A, m, "id", val_int(A, CONNECTD_VAL_INT64, 7));
        val_put(A, m, "ts", val_int(A, CONNECTD_VAL_INT64, 0));
        xrecord_t r = rec(NULL, m);
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_neq(r.value, m);
        cr_expect_str_eq(str(val_get(r.value, "ts", NULL)), "1970");
        cr_expect_eq(val_get(r.value, "id", NULL)->u.i, 7);
        /* the incoming value is untouched */
        cr_expect_eq(val_get(m, "ts", NULL)->type, CONNECTD_VAL_INT64);
        /* a missing field is added as null */
        m = val_struct(A, NULL);
        r = rec(NULL, m);
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_null(val_get(r.value, "ts", &found));
        cr_expect(found);
        /* not a map */
        r = rec(NULL, val_string(A, "x", 1));
        cr_expect_eq(TSV->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.msg, "Only Map objects supported in absence of "
                                  "schema for [converting timestamp formats], "
                                  "found: java.lang.String");
        TSV->close(s);
}

static connect_schema_t *row_schema(int ts_optional,
                                    const connectd_value_t *ts_default)
{
        connect_schema_t *s = schema_new(A, CONNECTD_VAL_STRUCT);
        connect_schema_t *ts = schema_new(A, CONNECTD_VAL_INT64);

        ts->optional = ts_optional;
        ts->default_value = ts_default;
        s->name = "com.example.Row";
        s->has_version = 3;
        s->version = 3;
        s->doc = "a row";
        cr_assert_eq(schema_add_field(A, s, "id", &schema_int32), 0);
        cr_assert_eq(schema_add_field(A, s, "ts", ts), 0);
        return s;
}

Test(xf_time, struct_field)
{
        xerr_t err;
        void *s = conf(TSV, &err, "field", "ts", "target.type", "Timestamp",
                       NULL);
        connect_schema_t *sch = row_schema(1, NULL);
        connectd_value_t *v = val_struct(A, sch);

        cr_assert_not_null(s, "%s", err.msg);
        val_put(A, v, "id", val_int(A, CONNECTD_VAL_INT32, 1));
        val_put(A, v, "ts", val_int(A, CONNECTD_VAL_INT64, 1234));
        xrecord_t r = rec(sch, v);
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_assert_neq(r.value_schema, sch);
        cr_expect_str_eq(r.value_schema->name, "com.example.Row");
        cr_expect_eq(r.value_schema->version, 3);
        cr_expect_str_eq(r.value_schema->doc, "a row");
        cr_assert_eq(r.value_schema->nfields, 2);
        cr_expect_eq(r.value_schema->fields[0].schema, &schema_int32);
        cr_expect_str_eq(r.value_schema->fields[1].schema->name,
                         LOGICAL_TIMESTAMP);
        cr_expect(r.value_schema->fields[1].schema->optional);
        cr_expect_eq(r.value->schema, r.value_schema);
        cr_expect_eq(val_get(r.value, "ts", NULL)->u.i, 1234);
        cr_expect_eq(val_get(r.value, "id", NULL)->u.i, 1);
        /* a null struct keeps null but gets the new schema */
        r = rec(sch, NULL);
        cr_assert_eq(TSV->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_null(r.value);
        cr_expect_str_eq(r.value_schema->fields[1].schema->name,
                         LOGICAL_TIMESTAMP);
        /* not a struct */
        r = rec(sch, val_string(A, "x", 1));
        cr_expect_eq(TSV->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.msg, "Only Struct objects supported for "
                                  "[converting timestamp formats], found: "
                                  "java.lang.String");
        /* the field's schema is not a timestamp type */
        void *bad = conf(TSV, &err, "field", "id", "target.type", "unix",
                         NULL);
        r = rec(sch, v);
        cr_expect_eq(TSV->apply(bad, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_CONNECT);
        cr_expect_str_eq(err.msg, "Schema Schema{INT32} does not correspond "
                                  "to a known timestamp type format");
        TSV->close(s);
        TSV->close(bad);
}

Test(xf_time, struct_defaults_and_replace_null_with_default)
{
        xerr_t err;
        void *dflt = conf(TSV, &err, "field", "ts", "target.type", "string",
                          "format", "yyyy", NULL);
        void *keep = conf(TSV, &err, "field", "ts", "target.type", "string",
                          "format", "yyyy", "replace.null.with.default",
                          "FALSE", NULL);
        connect_schema_t *sch = row_schema(0, val_int(A, CONNECTD_VAL_INT64,
                                                      0));
        connect_schema_t *osch = row_schema(1, val_int(A, CONNECTD_VAL_INT64,
                                                       0));
        connectd_value_t *v = val_struct(A, sch), *ov = val_struct(A, osch);

        cr_assert_not_null(dflt);
        cr_assert_not_null(keep);
        val_put(A, v, "id", val_int(A, CONNECTD_VAL_INT32, 1));
        val_put(A, ov, "id", val_int(A, CONNECTD_VAL_INT32, 1));
        /* true: the null field reads its default, then converts it */
        xrecord_t r = rec(sch, v);
        cr_assert_eq(TSV->apply(dflt, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(str(val_get(r.value, "ts", NULL)), "1970");
        /* false: null, which a required field refuses */
        r = rec(sch, v);
        cr_expect_eq(TSV->apply(keep, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_DATA);
        cr_expect_str_eq(err.msg, "Invalid value: null used for required "
                                  "field: \"ts\", schema type: STRING");
        /* ... and an optional one keeps */
        r = rec(osch, ov);
        cr_assert_eq(TSV->apply(keep, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_null(val_get(r.value, "ts", NULL));
        /* a struct default is converted with the schema */
        connect_schema_t *withdef = row_schema(1, NULL);
        connectd_value_t *d = val_struct(A, withdef);
        val_put(A, d, "id", val_int(A, CONNECTD_VAL_INT32, 9));
        val_put(A, d, "ts", val_int(A, CONNECTD_VAL_INT64, 0));
        withdef->default_value = d;
        withdef->optional = 1;
        r = rec(withdef, NULL);
        cr_assert_eq(TSV->apply(dflt, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect(r.value_schema->optional);
        cr_assert_not_null(r.value_schema->default_value);
        cr_expect_str_eq(str(val_get(r.value_schema->default_value, "ts",
                                     NULL)),
                         "1970");
        cr_expect_eq(r.value_schema->default_value->schema, r.value_schema);
        TSV->close(dflt);
        TSV->close(keep);
}

Test(xf_time, key_variant_works_on_the_key)
{
        xerr_t err;
        const xform_class_t *k = &xf_timestamp_converter_key;
        void *s = conf(k, &err, "target.type", "string", "format", "yyyy",
                       NULL);
        xrecord_t r = rec(NULL, val_int(A, CONNECTD_VAL_INT64, 0));

        r.key = val_int(A, CONNECTD_VAL_INT64, 1700000000000LL);
        cr_assert_eq(k->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(str(r.key), "2023");
        cr_expect_eq(r.value->u.i, 0);
        k->close(s);
}

/* ---- TimestampRouter -------------------------------------------------- */

#define TSR (&xf_timestamp_router)

Test(xf_time, router_definitions)
{
        const connectd_config_def_t *d = def(TSR, "topic.format");

        cr_expect_str_eq(d->default_value, "${topic}-${timestamp}");
        cr_expect_eq(d->importance, CONNECTD_IMPORTANCE_HIGH);
        d = def(TSR, "timestamp.format");
        cr_expect_str_eq(d->default_value, "yyyyMMdd");
        cr_expect_null(d->validator);
        cr_expect_str_eq(TSR->alias, "TimestampRouter");
}

Test(xf_time, router_defaults_and_formats)
{
        xerr_t err;
        void *s = conf(TSR, &err, NULL);
        xrecord_t r = rec(NULL, NULL);

        cr_assert_not_null(s, "%s", err.msg);
        r.has_timestamp = 1;
        r.timestamp = 0;
        cr_assert_eq(TSR->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        cr_expect_str_eq(r.topic, "t-19700101");
        TSR->close(s);

        s = conf(TSR, &err, "topic.format", " ${timestamp}/${topic}.${topic} ",
                 "timestamp.format", "yyyy-MM-dd'T'HH", NULL);
        cr_assert_not_null(s, "%s", err.msg);
        r = rec(NULL, NULL);
        r.topic = "a${timestamp}";
        r.has_timestamp = 1;
        r.timestamp = 1700000000000LL;
        cr_assert_eq(TSR->apply(s, &r, &err), XFORM_KEEP, "%s", err.msg);
        /* ${topic} first, then ${timestamp} everywhere (the topic too) */
        cr_expect_str_eq(r.topic, "2023-11-14T22/a2023-11-14T22.a2023-11-14T22");
        TSR->close(s);
}

Test(xf_time, router_errors)
{
        xerr_t err;
        void *s = conf(TSR, &err, NULL);
        xrecord_t r = rec(NULL, NULL);

        cr_assert_not_null(s);
        cr_expect_eq(TSR->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_DATA);
        cr_expect_str_eq(err.msg,
                         "Timestamp missing on record: SourceRecord{"
                         "sourcePartition=null, sourceOffset=null} "
                         "ConnectRecord{topic='t', kafkaPartition=null, "
                         "key=null, value=null, timestamp=null, "
                         "headers=ConnectHeaders(headers=)}");
        /* the record text is Java's ConnectRecord/SinkRecord toString
         * (xrecord_text): sink position, key, value, headers */
        r = rec(NULL, val_string(A, "v", 1));
        r.is_sink = 1;
        r.partition = 2;
        r.offset = 5;
        r.timestamp_type = 0;
        r.key = val_int(A, CONNECTD_VAL_INT64, 7);
        cr_assert_eq(headers_add(A, &r.headers, "h", NULL,
                                 val_string(A, "x", 1)), 0);
        cr_expect_eq(TSR->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_DATA);
        cr_expect_str_eq(err.msg,
                         "Timestamp missing on record: SinkRecord{"
                         "kafkaOffset=5, timestampType=NoTimestampType, "
                         "originalTopic=t, originalKafkaPartition=2, "
                         "originalKafkaOffset=5} ConnectRecord{topic='t', "
                         "kafkaPartition=2, key=7, value=v, timestamp=null, "
                         "headers=ConnectHeaders(headers=[ConnectHeader("
                         "key=h, value=x, schema=null)])}");
        TSR->close(s);
        r = rec(NULL, NULL);
        /* a bad pattern is accepted at start and fails every record */
        s = conf(TSR, &err, "timestamp.format", "yyyyc", NULL);
        cr_assert_not_null(s, "%s", err.msg);
        r.has_timestamp = 1;
        cr_expect_eq(TSR->apply(s, &r, &err), -1);
        cr_expect_str_eq(err.cls, XERR_IAE);
        cr_expect_str_eq(err.msg, "Illegal pattern character 'c'");
        cr_expect_str_eq(r.topic, "t");
        TSR->close(s);
}
