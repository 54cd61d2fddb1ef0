/* A java.util.Date outside a schema (TimestampConverter to Date, Time or
 * Timestamp on a schemaless value): its Java class in messages, the
 * converters (JsonConverter refuses it, StringConverter prints
 * Date.toString, ByteArrayConverter refuses it, SimpleHeaderConverter
 * prints Values' ISO text) and the transforms that meet one later in a
 * chain (Cast refuses it, MaskField masks it to epoch 0). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "converter.h"
#include "header_converter.h"
#include "record.h"
#include "transform.h"
#include "xf_util.h"

#define NO_SCHEMA_TYPE                                                         \
        "Java class class java.util.Date does not have corresponding schema "  \
        "type."

static arena_t *A;
static buf_t out;
static char err[512];

static void setup(void)
{
        A = arena_new(0);
        cr_assert_not_null(A);
        buf_init(&out, 0);
        err[0] = '\0';
}

static void teardown(void)
{
        buf_free(&out);
        arena_destroy(A);
}

TestSuite(date_object, .init = setup, .fini = teardown);

static xrecord_t rec(connectd_value_t *v)
{
        xrecord_t r;

        memset(&r, 0, sizeof r);
        r.topic = "t";
        r.partition = -1;
        r.value = v;
        r.arena = A;
        return r;
}

/* configure from "k", "v", ..., NULL */
static void *conf(const xform_class_t *c, ...)
{
        json_t *props = json_object();
        va_list ap;
        const char *k;
        void *state = NULL;
        xerr_t e;

        va_start(ap, c);
        while ((k = va_arg(ap, const char *)))
                json_object_set_new(props, k,
                                    json_string(va_arg(ap, const char *)));
        va_end(ap);
        memset(&e, 0, sizeof e);
        cr_assert_eq(c->configure(props, &state, &e), 0, "%s", e.msg);
        json_decref(props);
        return state;
}

/* TimestampConverter$Value to `type` on a schemaless epoch-ms value. */
static connectd_value_t *date_object(const char *type, int64_t ms)
{
        const xform_class_t *c = &xf_timestamp_converter_value;
        void *s = conf(c, "target.type", type, NULL);
        xrecord_t r = rec(val_int(A, CONNECTD_VAL_INT64, ms));
        xerr_t e;

        cr_assert_eq(c->apply(s, &r, &e), XFORM_KEEP, "%s", e.msg);
        c->close(s);
        cr_assert_null(r.value_schema);
        cr_assert(value_is_date_object(r.value));
        return r.value;
}

static converter_t *mk(const char *cls, const char *props_json)
{
        json_t *props = props_json ? json_loads(props_json, 0, NULL) : NULL;
        converter_t *cv = converter_new(cls, props, 0, err, sizeof(err));

        json_decref(props);
        cr_assert_not_null(cv, "converter_new(%s): %s", cls, err);
        return cv;
}

Test(date_object, java_class_is_java_util_date)
{
        connectd_value_t *d = date_object("Timestamp", 1700000000000LL);

        cr_expect_str_eq(value_java_class(d, NULL), "java.util.Date");
        cr_expect_str_eq(value_java_class(date_object("Date", 0), NULL),
                         "java.util.Date");
        cr_expect_str_eq(value_java_class(date_object("Time", 0), NULL),
                         "java.util.Date");
        /* a plain long stays a Long */
        cr_expect_str_eq(value_java_class(val_int(A, CONNECTD_VAL_INT64, 0),
                                          NULL),
                         "java.lang.Long");
}

/* The type guards of a later transform name the class (§1.3). */
Test(date_object, type_guard_names_java_util_date)
{
        const xform_class_t *c = &xf_extract_field_value;
        void *s = conf(c, "field", "a", NULL);
        xrecord_t r = rec(date_object("Timestamp", 0));
        xerr_t e;

        cr_expect_eq(c->apply(s, &r, &e), -1);
        cr_expect_str_eq(e.cls, XERR_DATA);
        cr_expect_str_eq(e.msg, "Only Map objects supported in absence of "
                                "schema for [field extraction], found: "
                                "java.util.Date");
        c->close(s);
}

Test(date_object, json_converter_refuses_it)
{
        const char *const modes[] = { "{\"schemas.enable\":\"false\"}",
                                      NULL };
        size_t i;

        for (i = 0; i < 2; i++) {
                converter_t *cv = mk("JsonConverter", modes[i]);
                connectd_value_t *m = val_struct(A, NULL);
                int is_null = -1;

                cr_expect_eq(converter_from_connect_schema(
                                     cv, "t", NULL,
                                     date_object("Timestamp", 0), &out,
                                     &is_null, err, sizeof(err)),
                             -1, "%s", out.data ? out.data : "");
                cr_expect_str_eq(err, NO_SCHEMA_TYPE);
                cr_expect_eq(out.len, 0);
                /* also inside a schemaless object */
                cr_assert_eq(val_put(A, m, "a", val_int(A, CONNECTD_VAL_INT64,
                                                        1)), 0);
                cr_assert_eq(val_put(A, m, "d", date_object("Date", 0)), 0);
                err[0] = '\0';
                cr_expect_eq(converter_from_connect_schema(
                                     cv, "t", NULL, m, &out, &is_null, err,
                                     sizeof(err)),
                             -1);
                cr_expect_str_eq(err, NO_SCHEMA_TYPE);
                cr_expect_eq(out.len, 0);
                converter_destroy(cv);
        }
}

Test(date_object, string_and_bytearray_converters)
{
        converter_t *cv = mk("StringConverter", NULL);
        int is_null = -1;

        /* StringConverter: value.toString(), Date.toString in UTC */
        cr_assert_eq(converter_from_connect_schema(
                             cv, "t", NULL, date_object("Timestamp",
                                                        1700000000000LL),
                             &out, &is_null, err, sizeof(err)),
                     0, "%s", err);
        cr_expect_eq(is_null, 0);
        cr_assert_not_null(out.data);
        cr_expect_str_eq(out.data, "Tue Nov 14 22:13:20 UTC 2023");
        converter_destroy(cv);

        cv = mk("ByteArrayConverter", NULL);
        cr_expect_eq(converter_from_connect_schema(
                             cv, "t", NULL, date_object("Date", 0), &out,
                             &is_null, err, sizeof(err)),
                     -1);
        cr_expect_str_eq(err, "ByteArrayConverter is not compatible with "
                              "objects of type class java.util.Date");
        converter_destroy(cv);
}

/* SimpleHeaderConverter: Values.convertToString, dateFormatFor by value */
Test(date_object, simple_header_converter_prints_iso_text)
{
        static const struct {
                const char *type;
                int64_t ms;
                const char *want;
        } cases[] = {
                { "Time", 45296789, "12:34:56.789Z" },
                { "Date", 1700000000000LL, "2023-11-14" },
                { "Timestamp", 1700000000123LL, "2023-11-14T22:13:20.123Z" },
        };
        hconv_t *hc = hconv_new(NULL, NULL, err, sizeof(err));
        size_t i;

        cr_assert_not_null(hc, "%s", err);
        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int is_null = -1;

                out.len = 0;
                cr_assert_eq(hconv_from_connect(hc, "t", "h", NULL,
                                                date_object(cases[i].type,
                                                            cases[i].ms),
                                                &out, &is_null, err,
                                                sizeof(err)),
                             0, "%s", err);
                cr_expect_eq(out.len, strlen(cases[i].want));
                cr_expect(!memcmp(out.data, cases[i].want, out.len),
                          "%s: %.*s", cases[i].type, (int)out.len, out.data);
        }
        hconv_destroy(hc);
}

/* Cast: ConnectSchema.schemaType(java.util.Date.class) is null. */
Test(date_object, cast_refuses_it)
{
        const xform_class_t *c = &xf_cast_value;
        void *whole = conf(c, "spec", "string", NULL);
        void *field = conf(c, "spec", "d:int64", NULL);
        connectd_value_t *m = val_struct(A, NULL);
        xrecord_t r = rec(date_object("Timestamp", 0));
        xerr_t e;

        cr_expect_eq(c->apply(whole, &r, &e), -1);
        cr_expect_str_eq(e.cls, XERR_DATA);
        cr_expect_str_eq(e.msg, "Cast transformation was passed a value of "
                                "type class java.util.Date which is not "
                                "supported by Connect's data API");
        cr_assert_eq(val_put(A, m, "d", date_object("Date", 0)), 0);
        r = rec(m);
        cr_expect_eq(c->apply(field, &r, &e), -1);
        cr_expect_str_eq(e.msg, "Cast transformation was passed a value of "
                                "type class java.util.Date which is not "
                                "supported by Connect's data API");
        c->close(whole);
        c->close(field);
}

/* MaskField: new Date(0) without a replacement; no custom replacement. */
Test(date_object, mask_field)
{
        const xform_class_t *c = &xf_mask_field_value;
        void *plain = conf(c, "fields", "d", NULL);
        void *custom = conf(c, "fields", "d", "replacement", "5", NULL);
        connectd_value_t *m = val_struct(A, NULL), *got;
        xrecord_t r;
        xerr_t e;

        cr_assert_eq(val_put(A, m, "d", date_object("Timestamp", 12345)), 0);
        r = rec(m);
        cr_assert_eq(c->apply(plain, &r, &e), XFORM_KEEP, "%s", e.msg);
        got = val_get(r.value, "d", NULL);
        cr_assert_not_null(got);
        cr_expect(value_is_date_object(got));
        cr_expect_eq(got->u.i, 0);
        r = rec(m);
        cr_expect_eq(c->apply(custom, &r, &e), -1);
        cr_expect_str_eq(e.cls, XERR_DATA);
        cr_expect_str_eq(e.msg, "Cannot mask value of type class "
                                "java.util.Date with custom replacement.");
        c->close(plain);
        c->close(custom);
}
