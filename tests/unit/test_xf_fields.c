/* Unit tests for the field transforms: Cast, ExtractField, HoistField,
 * MaskField, ReplaceField (server/transforms/xf_*.c), their shared helpers
 * (xf_fields.c, xf_path.c), on schemaless and schema'd keys and values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "record.h"
#include "transform.h"
#include "xf_fields.h"
#include "xf_path.h"
#include "xf_util.h"

static arena_t *A;

static void setup(void)
{
        A = arena_new(4096);
}

static void teardown(void)
{
        arena_destroy(A);
}

/* ---- building blocks ------------------------------------------------- */

/* A props object from key, value pairs ended by NULL. */
static json_t *P(const char *k, ...)
{
        json_t *o = json_object();
        va_list ap;

        va_start(ap, k);
        while (k) {
                json_object_set_new(o, k, json_string(va_arg(ap, const char *)));
                k = va_arg(ap, const char *);
        }
        va_end(ap);
        return o;
}

static connectd_value_t *S(const char *s)
{
        return val_string(A, s, strlen(s));
}

static connectd_value_t *I(connectd_value_type_t t, int64_t i)
{
        return val_int(A, t, i);
}

static connectd_value_t *F(connectd_value_type_t t, double d)
{
        return val_float(A, t, d);
}

/* A schemaless object from name, value pairs ended by NULL. */
static connectd_value_t *M(const char *k, ...)
{
        connectd_value_t *m = val_struct(A, NULL);
        va_list ap;

        va_start(ap, k);
        while (k) {
                val_put(A, m, k, va_arg(ap, connectd_value_t *));
                k = va_arg(ap, const char *);
        }
        va_end(ap);
        return m;
}

/* A STRUCT schema from name, schema pairs ended by NULL. */
static connect_schema_t *SCH(const char *k, ...)
{
        connect_schema_t *s = schema_new(A, CONNECTD_VAL_STRUCT);
        va_list ap;

        va_start(ap, k);
        while (k) {
                schema_add_field(A, s, k, va_arg(ap, const connect_schema_t *));
                k = va_arg(ap, const char *);
        }
        va_end(ap);
        return s;
}

/* A struct of schema s from values in field order. */
static connectd_value_t *ST(const connect_schema_t *s, ...)
{
        connectd_value_t *v = val_struct(A, s);
        va_list ap;
        size_t i;

        va_start(ap, s);
        for (i = 0; i < s->nfields; i++)
                val_put(A, v, s->fields[i].name,
                        va_arg(ap, connectd_value_t *));
        va_end(ap);
        return v;
}

static xrecord_t rec(const connect_schema_t *ks, connectd_value_t *k,
                     const connect_schema_t *vs, connectd_value_t *v)
{
        xrecord_t r;

        memset(&r, 0, sizeof(r));
        r.topic = "t";
        r.partition = -1;
        r.key_schema = ks;
        r.key = k;
        r.value_schema = vs;
        r.value = v;
        r.arena = A;
        return r;
}

/* configure + apply + close; -2 when configure failed. Takes props. */
static int run(const xform_class_t *cls, json_t *props, xrecord_t *r,
               xerr_t *err)
{
        void *st = NULL;
        int rc;

        memset(err, 0, sizeof(*err));
        rc = cls->configure(props, &st, err);
        json_decref(props);
        if (rc < 0)
                return -2;
        rc = cls->apply(st, r, err);
        cls->close(st);
        return rc;
}

/* configure only: 0, or -1 with err set. */
static int conf(const xform_class_t *cls, json_t *props, xerr_t *err)
{
        void *st = NULL;
        int rc;

        memset(err, 0, sizeof(*err));
        rc = cls->configure(props, &st, err);
        json_decref(props);
        if (rc == 0)
                cls->close(st);
        return rc;
}

/* The validator of key `k` in a class's table on `value`. */
static int validate(const xform_class_t *cls, const char *k,
                    const char *value, char *reason, size_t n)
{
        const connectd_config_def_t *d;

        reason[0] = '\0';
        for (d = cls->defs; d->name; d++)
                if (strcmp(d->name, k) == 0)
                        return d->validator ? d->validator(k, value, reason, n)
                                            : 0;
        cr_assert_fail("no key %s", k);
        return 0;
}

static const connectd_config_def_t *def(const xform_class_t *cls,
                                        const char *k)
{
        const connectd_config_def_t *d;

        for (d = cls->defs; d->name; d++)
                if (strcmp(d->name, k) == 0)
                        return d;
        return NULL;
}

static void assert_err(const xerr_t *e, const char *cls, const char *msg)
{
        cr_assert_str_eq(e->cls, cls);
        cr_assert_str_eq(e->msg, msg);
}

static void assert_str(const connectd_value_t *v, const char *s)
{
        cr_assert_not_null(v);
        cr_assert_eq(v->type, CONNECTD_VAL_STRING);
        cr_assert_eq(v->u.s.len, strlen(s), "got '%.*s' want '%s'",
                     (int)v->u.s.len, v->u.s.ptr, s);
        cr_assert_eq(memcmp(v->u.s.ptr, s, v->u.s.len), 0, "got '%.*s' want '%s'",
                     (int)v->u.s.len, v->u.s.ptr, s);
}

static void assert_int(const connectd_value_t *v, connectd_value_type_t t,
                       int64_t i)
{
        cr_assert_not_null(v);
        cr_assert_eq(v->type, t, "type %d want %d", v->type, t);
        cr_assert_eq(v->u.i, i, "got %lld want %lld", (long long)v->u.i,
                     (long long)i);
}

static connectd_value_t *get(const connectd_value_t *st, const char *k)
{
        int found;
        connectd_value_t *v = val_get(st, k, &found);

        cr_assert(found, "no field %s", k);
        return v;
}

/* Casts one schemaless value to `spec` (a bare type). */
static connectd_value_t *cast1(connectd_value_t *v, const char *type)
{
        xrecord_t r = rec(NULL, NULL, NULL, v);
        xerr_t e;

        cr_assert_eq(run(&xf_cast_value, P("spec", type, NULL), &r, &e), 0,
                     "%s: %s", e.cls, e.msg);
        return r.value;
}

static const char *cast1_err(connectd_value_t *v, const connect_schema_t *s,
                             const char *type, xerr_t *e)
{
        xrecord_t r = rec(NULL, NULL, s, v);

        cr_assert_eq(run(&xf_cast_value, P("spec", type, NULL), &r, e), -1);
        return e->msg;
}

/* ---- Cast -------------------------------------------------------------- */

TestSuite(cast, .init = setup, .fini = teardown);

Test(cast, checklist_string_to_int32_in_a_map)
{
        xrecord_t r = rec(NULL, NULL, NULL, M("a", S("42"), "b", S("x"), NULL));
        connectd_value_t *in = r.value;
        xerr_t e;

        cr_assert_eq(run(&xf_cast_value, P("spec", "a:int32", NULL), &r, &e),
                     XFORM_KEEP);
        cr_assert_null(r.value_schema);
        assert_int(get(r.value, "a"), CONNECTD_VAL_INT32, 42);
        assert_str(get(r.value, "b"), "x");
        /* the incoming map is untouched */
        assert_str(get(in, "a"), "42");
}

Test(cast, checklist_missing_field_is_added_as_null)
{
        xrecord_t r = rec(NULL, NULL, NULL, M(NULL));
        xerr_t e;

        cr_assert_eq(run(&xf_cast_value, P("spec", "x:string", NULL), &r, &e),
                     0);
        cr_assert_null(get(r.value, "x"));
        cr_assert_eq(r.value->u.st.count, 1);
}

Test(cast, checklist_300_to_int8_wraps_to_44)
{
        assert_int(cast1(I(CONNECTD_VAL_INT64, 300), "int8"),
                   CONNECTD_VAL_INT8, 44);
        assert_int(cast1(I(CONNECTD_VAL_INT32, 70000), "int16"),
                   CONNECTD_VAL_INT16, 4464);
        assert_int(cast1(I(CONNECTD_VAL_INT64, 4294967297LL), "int32"),
                   CONNECTD_VAL_INT32, 1);
}

Test(cast, checklist_bytes_target_is_a_validate_error)
{
        char why[512];
        xerr_t e;

        cr_assert_eq(validate(&xf_cast_value, "spec", "a:bytes", why,
                              sizeof(why)), CONNECTD_VALIDATOR_MESSAGE);
        cr_assert_str_eq(why, "Cast transformation does not support casting "
                              "to BYTES; supported types are [INT8, INT16, "
                              "INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, "
                              "STRING]");
        cr_assert_eq(conf(&xf_cast_value, P("spec", "a:bytes", NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, why);
        cr_assert_eq(conf(&xf_cast_value, P("spec", "struct", NULL), &e), -1);
        cr_assert(strstr(e.msg, "casting to STRUCT;"));
}

Test(cast, spec_errors)
{
        char why[512];
        xerr_t e;

        cr_assert_eq(validate(&xf_cast_value, "spec", NULL, why, sizeof(why)),
                     CONNECTD_VALIDATOR_MESSAGE);
        cr_assert_str_eq(why, "Must specify at least one field to cast.");
        cr_assert_eq(validate(&xf_cast_value, "spec", "", why, sizeof(why)),
                     CONNECTD_VALIDATOR_MESSAGE);
        cr_assert_str_eq(why, "Must specify at least one field to cast.");
        cr_assert_eq(validate(&xf_cast_value, "spec", "a:int8, b : INT64",
                              why, sizeof(why)), 0);
        /* every parseFieldTypes error is a whole message (no
         * "Invalid value ... for configuration spec: " around it) */
        cr_assert_eq(validate(&xf_cast_value, "spec", "a:foo", why,
                              sizeof(why)), CONNECTD_VALIDATOR_MESSAGE);
        cr_assert_str_eq(why, "Invalid type found in casting spec: foo");
        cr_assert_eq(validate(&xf_cast_value, "spec", "x:int8,a:b:c", why,
                              sizeof(why)), CONNECTD_VALIDATOR_MESSAGE);
        cr_assert_str_eq(why, "Invalid value [x:int8, a:b:c] for "
                              "configuration renames: Invalid rename "
                              "mapping: a:b:c");
        cr_assert_eq(validate(&xf_cast_value, "spec", "int8,a:int16", why,
                              sizeof(why)), CONNECTD_VALIDATOR_MESSAGE);
        cr_assert_str_eq(why, "Cast transformations that specify a type to "
                              "cast the entire value to may only specify a "
                              "single cast in their spec");

        cr_assert_eq(conf(&xf_cast_value, P(NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Missing required configuration \"spec\" "
                                    "which has no default value.");
        cr_assert_eq(conf(&xf_cast_value, P("spec", " ", NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Must specify at least one field to cast.");
        cr_assert_eq(conf(&xf_cast_value, P("spec", "a:foo", NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Invalid type found in casting spec: foo");
        cr_assert_eq(conf(&xf_cast_value, P("spec", "x:int8,a:b:c", NULL), &e),
                     -1);
        assert_err(&e, XERR_CONFIG, "Invalid value [x:int8, a:b:c] for "
                                    "configuration renames: Invalid rename "
                                    "mapping: a:b:c");
        cr_assert_eq(conf(&xf_cast_value, P("spec", "int8,a:int16", NULL), &e),
                     -1);
        assert_err(&e, XERR_CONFIG,
                   "Cast transformations that specify a type to cast the "
                   "entire value to may only specify a single cast in their "
                   "spec");
        cr_assert_eq(conf(&xf_cast_value, P("spec", "nope", NULL), &e), -1);
        assert_err(&e, XERR_IAE, "No enum constant "
                                 "org.apache.kafka.connect.data.Schema.Type."
                                 "NOPE");
        /* a long name is not cut short */
        cr_assert_eq(conf(&xf_cast_value,
                          P("spec", "abcdefghijklmnopqrstuvwxyzabcdefghijklm"
                                    "nopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
                            NULL), &e), -1);
        assert_err(&e, XERR_IAE, "No enum constant "
                                 "org.apache.kafka.connect.data.Schema.Type."
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLM"
                                 "NOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ");
        cr_assert_eq(conf(&xf_cast_value,
                          P("spec", "a:int8", XF_RNWD_KEY, "maybe", NULL), &e),
                     -1);
        assert_err(&e, XERR_CONFIG,
                   "Invalid value maybe for configuration "
                   "replace.null.with.default: Expected value to be either "
                   "true or false");
}

Test(cast, definition_table)
{
        const connectd_config_def_t *d = def(&xf_cast_key, "spec");

        cr_assert_not_null(d);
        cr_assert_eq(d->type, CONNECTD_CFG_LIST);
        cr_assert_null(d->default_value);
        cr_assert_eq(d->importance, CONNECTD_IMPORTANCE_HIGH);
        d = def(&xf_cast_key, XF_RNWD_KEY);
        cr_assert_not_null(d);
        cr_assert_eq(d->type, CONNECTD_CFG_BOOLEAN);
        cr_assert_str_eq(d->default_value, "true");
        cr_assert_eq(d->importance, CONNECTD_IMPORTANCE_MEDIUM);
}

Test(cast, floats_to_integers_truncate_saturate_and_wrap)
{
        assert_int(cast1(F(CONNECTD_VAL_FLOAT64, 1e10), "int32"),
                   CONNECTD_VAL_INT32, INT32_MAX);
        assert_int(cast1(F(CONNECTD_VAL_FLOAT64, -1e30), "int64"),
                   CONNECTD_VAL_INT64, INT64_MIN);
        assert_int(cast1(F(CONNECTD_VAL_FLOAT64, NAN), "int8"),
                   CONNECTD_VAL_INT8, 0);
        assert_int(cast1(F(CONNECTD_VAL_FLOAT64, -1.9), "int64"),
                   CONNECTD_VAL_INT64, -1);
        /* (short)(int) 3.9e9 = (short) Integer.MAX_VALUE = -1 */
        assert_int(cast1(F(CONNECTD_VAL_FLOAT64, 3.9e9), "int16"),
                   CONNECTD_VAL_INT16, -1);
        assert_int(cast1(F(CONNECTD_VAL_FLOAT32, 300.7), "int8"),
                   CONNECTD_VAL_INT8, 44);
}

Test(cast, booleans_and_numbers)
{
        assert_int(cast1(val_bool(A, 1), "int16"), CONNECTD_VAL_INT16, 1);
        assert_int(cast1(F(CONNECTD_VAL_FLOAT64, 0.5), "boolean"),
                   CONNECTD_VAL_BOOLEAN, 0);
        assert_int(cast1(F(CONNECTD_VAL_FLOAT64, -2.0), "boolean"),
                   CONNECTD_VAL_BOOLEAN, 1);
        assert_int(cast1(I(CONNECTD_VAL_INT8, 0), "boolean"),
                   CONNECTD_VAL_BOOLEAN, 0);
        assert_int(cast1(S("TrUe"), "boolean"), CONNECTD_VAL_BOOLEAN, 1);
        assert_int(cast1(S("yes"), "boolean"), CONNECTD_VAL_BOOLEAN, 0);
        cr_assert_eq(cast1(val_bool(A, 0), "float64")->u.d, 0.0);
}

Test(cast, strings_to_numbers)
{
        xerr_t e;
        connectd_value_t *v;

        assert_int(cast1(S("-128"), "int8"), CONNECTD_VAL_INT8, -128);
        assert_int(cast1(S("+9223372036854775807"), "int64"),
                   CONNECTD_VAL_INT64, INT64_MAX);
        cr_assert_str_eq(cast1_err(S("128"), NULL, "int8", &e),
                         "Value (128) was out of range for requested data "
                         "type");
        cr_assert_str_eq(e.cls, XERR_DATA);
        cr_assert_str_eq(cast1_err(S(" 1"), NULL, "int32", &e),
                         "Value ( 1) was out of range for requested data "
                         "type");
        cr_assert_str_eq(cast1_err(S("1.5"), NULL, "int64", &e),
                         "Value (1.5) was out of range for requested data "
                         "type");
        cr_assert_str_eq(cast1_err(S("abc"), NULL, "float64", &e),
                         "Value (abc) was out of range for requested data "
                         "type");
        v = cast1(S(" 1.5e3 "), "float64");
        cr_assert_eq(v->type, CONNECTD_VAL_FLOAT64);
        cr_assert_eq(v->u.d, 1500.0);
        v = cast1(S("0.1"), "float32");
        cr_assert_eq(v->type, CONNECTD_VAL_FLOAT32);
        cr_assert_eq(v->u.d, (double)0.1f);
        v = cast1(S("1e40"), "float32");
        cr_assert(isinf(v->u.d));
}

Test(cast, strings_need_not_be_nul_terminated)
{
        connectd_value_t *v = S("42");
        static const char buf[] = "1.5xyz";

        /* a converter may point a value into a larger buffer */
        v->u.s.ptr = buf;
        v->u.s.len = 3;
        cr_assert_eq(cast1(v, "float64")->u.d, 1.5);
        v = S("42");
        v->u.s.ptr = buf;
        v->u.s.len = 1;
        assert_int(cast1(v, "int32"), CONNECTD_VAL_INT32, 1);
}

Test(cast, to_string_uses_java_text)
{
        static const unsigned char raw[] = { 0xde, 0xad, 0xbe, 0xef };

        assert_str(cast1(F(CONNECTD_VAL_FLOAT64, 1e7), "string"), "1.0E7");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT64, 100), "string"), "100.0");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT64, -0.0), "string"), "-0.0");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 0.1), "string"), "0.1");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 1e10), "string"), "1.0E10");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 3.4028234663852886e38),
                         "string"), "3.4028235E38");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 1.0e-5), "string"),
                   "1.0E-5");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 123456.7), "string"),
                   "123456.7");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 1.4e-45), "string"),
                   "1.4E-45");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 16777216.0), "string"),
                   "1.6777216E7");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 9999999.0), "string"),
                   "9999999.0");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 0.001), "string"), "0.001");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 1.17549435e-38), "string"),
                   "1.1754944E-38"); /* JDK 19+: shortest */
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, -2.5), "string"), "-2.5");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT32, 1.0 / 3), "string"),
                   "0.33333334");
        assert_str(cast1(F(CONNECTD_VAL_FLOAT64, NAN), "string"), "NaN");
        assert_str(cast1(I(CONNECTD_VAL_INT64, INT64_MIN), "string"),
                   "-9223372036854775808");
        assert_str(cast1(val_bool(A, 1), "string"), "true");
        assert_str(cast1(val_bytes(A, raw, 4), "string"), "3q2+7w==");
        assert_str(cast1(val_bytes(A, raw, 3), "string"), "3q2+");
        assert_str(cast1(val_bytes(A, raw, 2), "string"), "3q0=");
}

Test(cast, unsupported_inputs)
{
        xerr_t e;

        cr_assert_str_eq(cast1_err(val_bytes(A, "ab", 2), &schema_bytes,
                                   "int32", &e),
                         "Unexpected type in Cast transformation: class [B");
        cr_assert_str_eq(cast1_err(val_array(A), NULL, "string", &e),
                         "Cast transformation does not support casting from "
                         "ARRAY; supported types are [INT8, INT16, INT32, "
                         "INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]");
        cr_assert_str_eq(cast1_err(M(NULL), NULL, "string", &e),
                         "Cast transformation does not support casting from "
                         "MAP; supported types are [INT8, INT16, INT32, "
                         "INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]");
        cr_assert_str_eq(e.cls, XERR_DATA);
}

Test(cast, field_cast_needs_a_map_or_struct)
{
        xrecord_t r = rec(NULL, NULL, NULL, S("x"));
        xerr_t e;

        cr_assert_eq(run(&xf_cast_value, P("spec", "a:int8", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Only Map objects supported in absence of "
                                  "schema for [cast types], found: "
                                  "java.lang.String");
        r = rec(NULL, NULL, &schema_string, S("x"));
        cr_assert_eq(run(&xf_cast_value, P("spec", "a:int8", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Only Struct objects supported for [cast "
                                  "types], found: java.lang.String");
}

Test(cast, tombstone_unchanged)
{
        xrecord_t r = rec(NULL, NULL, &schema_opt_string, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_cast_value, P("spec", "a:int8", NULL), &r, &e),
                     0);
        cr_assert_null(r.value);
        cr_assert_eq(r.value_schema, &schema_opt_string);
}

Test(cast, struct_schema_is_rebuilt)
{
        connect_schema_t *fa = schema_copy(A, &schema_opt_int64);
        connect_schema_t *s;
        const connect_schema_t *ns;
        xrecord_t r;
        xerr_t e;

        fa->default_value = I(CONNECTD_VAL_INT64, 5);
        s = SCH("a", fa, "b", &schema_string, "c", &schema_float64, NULL);
        s->name = "rec";
        s->has_version = 1;
        s->version = 3;
        s->doc = "a doc";
        schema_add_param(A, s, "p", "v");
        r = rec(NULL, NULL, s,
                ST(s, I(CONNECTD_VAL_INT64, 7), S("x"),
                   F(CONNECTD_VAL_FLOAT64, 2.5)));
        cr_assert_eq(run(&xf_cast_value,
                         P("spec", "a:int32,c:string,zz:int8", NULL), &r, &e),
                     0, "%s", e.msg);
        ns = r.value_schema;
        cr_assert_neq(ns, s);
        cr_assert_str_eq(ns->name, "rec");
        cr_assert_eq(ns->version, 3);
        cr_assert_str_eq(ns->doc, "a doc");
        cr_assert_str_eq(schema_param(ns, "p"), "v");
        cr_assert_eq(ns->nfields, 3);
        cr_assert_eq(ns->fields[0].schema->type, CONNECTD_VAL_INT32);
        cr_assert(ns->fields[0].schema->optional);
        assert_int(ns->fields[0].schema->default_value, CONNECTD_VAL_INT32, 5);
        cr_assert_eq(ns->fields[1].schema, &schema_string);
        cr_assert_eq(ns->fields[2].schema->type, CONNECTD_VAL_STRING);
        cr_assert_not(ns->fields[2].schema->optional);
        cr_assert_eq(r.value->schema, ns);
        assert_int(get(r.value, "a"), CONNECTD_VAL_INT32, 7);
        assert_str(get(r.value, "c"), "2.5");
        /* the incoming schema is untouched */
        cr_assert_eq(s->fields[0].schema, fa);
}

Test(cast, whole_value_with_schema_keeps_basics_on_the_key)
{
        connect_schema_t *s = schema_copy(A, &schema_opt_int64);
        xrecord_t r;
        xerr_t e;

        s->name = "n";
        s->default_value = I(CONNECTD_VAL_INT64, 12);
        r = rec(s, I(CONNECTD_VAL_INT64, 300), &schema_string, S("v"));
        cr_assert_eq(run(&xf_cast_key, P("spec", "string", NULL), &r, &e), 0);
        cr_assert_eq(r.key_schema->type, CONNECTD_VAL_STRING);
        cr_assert_str_eq(r.key_schema->name, "n");
        cr_assert(r.key_schema->optional);
        assert_str(r.key_schema->default_value, "12");
        assert_str(r.key, "300");
        assert_str(r.value, "v");
        cr_assert_eq(r.value_schema, &schema_string);
}

Test(cast, struct_default_value_cannot_be_cast)
{
        connect_schema_t *s = SCH("a", &schema_int32, NULL);
        xrecord_t r;
        xerr_t e;

        s->default_value = ST(SCH("a", &schema_int32, NULL),
                              I(CONNECTD_VAL_INT32, 1));
        r = rec(NULL, NULL, s, ST(s, I(CONNECTD_VAL_INT32, 2)));
        cr_assert_eq(run(&xf_cast_value, P("spec", "a:int8", NULL), &r, &e),
                     -1);
        cr_assert(strstr(e.msg, "does not support casting from STRUCT"));
}

Test(cast, logical_types)
{
        connect_schema_t *date = schema_copy(A, &schema_int32),
                         *time = schema_copy(A, &schema_int32),
                         *ts = schema_copy(A, &schema_int64),
                         *dec = schema_copy(A, &schema_bytes);
        static const unsigned char d150[] = { 0x00, 0x96 }; /* 150 */
        static const unsigned char dm1[] = { 0xff };        /* -1 */
        xrecord_t r;
        xerr_t e;

        date->name = LOGICAL_DATE;
        time->name = LOGICAL_TIME;
        ts->name = LOGICAL_TIMESTAMP;
        dec->name = LOGICAL_DECIMAL;
        schema_add_param(A, dec, "scale", "2");

        r = rec(NULL, NULL, date, I(CONNECTD_VAL_INT32, 1));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "1970-01-02");
        r = rec(NULL, NULL, date, I(CONNECTD_VAL_INT32, 0));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "00:00:00.000Z");
        r = rec(NULL, NULL, date, I(CONNECTD_VAL_INT32, 19000));
        cr_assert_eq(run(&xf_cast_value, P("spec", "int64", NULL), &r, &e), 0);
        assert_int(r.value, CONNECTD_VAL_INT64, 19000);
        r = rec(NULL, NULL, time, I(CONNECTD_VAL_INT32, 3723004));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "01:02:03.004Z");
        r = rec(NULL, NULL, ts, I(CONNECTD_VAL_INT64, 1700000000123LL));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "2023-11-14T22:13:20.123Z");
        /* Java formats every instant before 1970-01-02 as a time */
        r = rec(NULL, NULL, ts, I(CONNECTD_VAL_INT64, -1));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "23:59:59.999Z");
        r = rec(NULL, NULL, ts, I(CONNECTD_VAL_INT64, -86400000LL * 400));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "00:00:00.000Z");
        r = rec(NULL, NULL, ts, I(CONNECTD_VAL_INT64, 253402300800000LL));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "10000-01-01");
        r = rec(NULL, NULL, dec, val_bytes(A, d150, 2));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "1.50");
        r = rec(NULL, NULL, dec, val_bytes(A, d150, 2));
        cr_assert_eq(run(&xf_cast_value, P("spec", "int32", NULL), &r, &e), 0);
        assert_int(r.value, CONNECTD_VAL_INT32, 1);
        r = rec(NULL, NULL, dec, val_bytes(A, d150, 2));
        cr_assert_eq(run(&xf_cast_value, P("spec", "float64", NULL), &r, &e),
                     0);
        cr_assert_eq(r.value->u.d, 1.5);
        r = rec(NULL, NULL, dec, val_bytes(A, dm1, 1));
        cr_assert_eq(run(&xf_cast_value, P("spec", "string", NULL), &r, &e), 0);
        assert_str(r.value, "-0.01");
        r = rec(NULL, NULL, dec, val_bytes(A, dm1, 1));
        cr_assert_eq(run(&xf_cast_value, P("spec", "boolean", NULL), &r, &e),
                     0);
        assert_int(r.value, CONNECTD_VAL_BOOLEAN, 0);
}

Test(cast, checklist_replace_null_with_default)
{
        connect_schema_t *fa = schema_copy(A, &schema_opt_int64);
        connect_schema_t *s;
        xrecord_t r;
        xerr_t e;

        fa->default_value = I(CONNECTD_VAL_INT64, 5);
        s = SCH("a", fa, NULL);
        r = rec(NULL, NULL, s, ST(s, NULL));
        cr_assert_eq(run(&xf_cast_value, P("spec", "a:string", NULL), &r, &e),
                     0);
        assert_str(get(r.value, "a"), "5");
        r = rec(NULL, NULL, s, ST(s, NULL));
        cr_assert_eq(run(&xf_cast_value,
                         P("spec", "a:string", XF_RNWD_KEY, "false", NULL), &r,
                         &e),
                     0);
        cr_assert_null(get(r.value, "a"));
}

/* ---- ExtractField ------------------------------------------------------ */

TestSuite(extract, .init = setup, .fini = teardown);

Test(extract, checklist_struct_field_with_its_schema)
{
        connect_schema_t *s = SCH("id", &schema_int64, "n", &schema_string,
                                  NULL);
        xrecord_t r = rec(s, ST(s, I(CONNECTD_VAL_INT64, 9), S("x")), NULL,
                          NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_extract_field_key, P("field", "id", NULL), &r,
                         &e), 0);
        cr_assert_eq(r.key_schema, &schema_int64);
        assert_int(r.key, CONNECTD_VAL_INT64, 9);
}

Test(extract, checklist_unknown_field_is_iae_even_for_null)
{
        connect_schema_t *s = SCH("id", &schema_int64, NULL);
        xrecord_t r = rec(NULL, NULL, s, ST(s, I(CONNECTD_VAL_INT64, 9)));
        xerr_t e;

        cr_assert_eq(run(&xf_extract_field_value, P("field", "x", NULL), &r,
                         &e), -1);
        assert_err(&e, XERR_IAE, "Unknown field: x");
        r = rec(NULL, NULL, s, NULL);
        cr_assert_eq(run(&xf_extract_field_value, P("field", "x", NULL), &r,
                         &e), -1);
        assert_err(&e, XERR_IAE, "Unknown field: x");
        /* a known field on a null struct: null with the field's schema */
        r = rec(NULL, NULL, s, NULL);
        cr_assert_eq(run(&xf_extract_field_value, P("field", "id", NULL), &r,
                         &e), 0);
        cr_assert_null(r.value);
        cr_assert_eq(r.value_schema, &schema_int64);
}

Test(extract, checklist_v2_nested_map)
{
        xrecord_t r = rec(NULL, NULL, NULL,
                          M("a", M("b", I(CONNECTD_VAL_INT64, 1), NULL), NULL));
        xerr_t e;

        cr_assert_eq(run(&xf_extract_field_value,
                         P("field", "a.b", "field.syntax.version", "v2", NULL),
                         &r, &e), 0);
        assert_int(r.value, CONNECTD_VAL_INT64, 1);
        /* V1: "a.b" is one name */
        r = rec(NULL, NULL, NULL,
                M("a", M("b", I(CONNECTD_VAL_INT64, 1), NULL), "a.b",
                  I(CONNECTD_VAL_INT64, 2), NULL));
        cr_assert_eq(run(&xf_extract_field_value, P("field", "a.b", NULL), &r,
                         &e), 0);
        assert_int(r.value, CONNECTD_VAL_INT64, 2);
}

Test(extract, v2_backticks_and_nested_structs)
{
        connect_schema_t *in = SCH("c", &schema_string, NULL);
        connect_schema_t *s = SCH("a.b", in, NULL);
        xrecord_t r = rec(NULL, NULL, s, ST(s, ST(in, S("deep"))));
        xerr_t e;

        cr_assert_eq(run(&xf_extract_field_value,
                         P("field", "`a.b`.c", "field.syntax.version", "V2",
                           NULL),
                         &r, &e), 0, "%s", e.msg);
        cr_assert_eq(r.value_schema, &schema_string);
        assert_str(r.value, "deep");
        r = rec(NULL, NULL, s, ST(s, ST(in, S("deep"))));
        cr_assert_eq(run(&xf_extract_field_value,
                         P("field", "`a.b`.c.d", "field.syntax.version", "V2",
                           NULL),
                         &r, &e), -1);
        assert_err(&e, XERR_DATA, "Cannot look up fields on non-struct type");
}

Test(extract, map_edge_cases)
{
        xrecord_t r = rec(NULL, NULL, NULL, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_extract_field_value, P("field", "a", NULL), &r,
                         &e), 0);
        cr_assert_null(r.value);
        r = rec(NULL, NULL, NULL, M(NULL));
        cr_assert_eq(run(&xf_extract_field_value, P("field", "a", NULL), &r,
                         &e), 0);
        cr_assert_null(r.value);
        r = rec(NULL, NULL, NULL, M("a", I(CONNECTD_VAL_INT32, 1), NULL));
        cr_assert_eq(run(&xf_extract_field_value,
                         P("field", "a.b", "field.syntax.version", "V2", NULL),
                         &r, &e), -1);
        assert_err(&e, XERR_DATA, "Only Map objects supported in absence of "
                                  "schema for [nested field access], found: "
                                  "java.lang.Integer");
        r = rec(NULL, NULL, NULL, S("s"));
        cr_assert_eq(run(&xf_extract_field_value, P("field", "a", NULL), &r,
                         &e), -1);
        assert_err(&e, XERR_DATA, "Only Map objects supported in absence of "
                                  "schema for [field extraction], found: "
                                  "java.lang.String");
        r = rec(NULL, NULL, &schema_string, S("s"));
        cr_assert_eq(run(&xf_extract_field_value, P("field", "a", NULL), &r,
                         &e), -1);
        assert_err(&e, XERR_DATA, "Only Struct objects supported for [field "
                                  "extraction], found: java.lang.String");
}

Test(extract, config_errors)
{
        char why[256];
        xerr_t e;

        cr_assert_eq(conf(&xf_extract_field_value, P(NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Missing required configuration \"field\" "
                                    "which has no default value.");
        cr_assert_eq(conf(&xf_extract_field_value,
                          P("field", "a", "field.syntax.version", "v3", NULL),
                          &e), -1);
        assert_err(&e, XERR_CONFIG, "Invalid value v3 for configuration "
                                    "field.syntax.version: String must be one "
                                    "of (case insensitive): V1, V2");
        cr_assert_eq(validate(&xf_extract_field_value, "field.syntax.version",
                              "v3", why, sizeof(why)), -1);
        cr_assert_str_eq(why, "String must be one of (case insensitive): V1, "
                              "V2");
        cr_assert_eq(validate(&xf_extract_field_value, "field.syntax.version",
                              "v2", why, sizeof(why)), 0);
        /* absent: the default V1 */
        cr_assert_eq(validate(&xf_extract_field_value, "field.syntax.version",
                              NULL, why, sizeof(why)), 0);
        cr_assert_eq(conf(&xf_extract_field_value,
                          P("field", "`a.b", "field.syntax.version", "V2",
                            NULL),
                          &e), -1);
        assert_err(&e, XERR_CONFIG, "Incomplete backtick pair in path: [`a.b], "
                                    "consider adding a backslash before "
                                    "backtick at position 0 to escape it");
        cr_assert_eq(conf(&xf_extract_field_value, P("field", "", NULL), &e),
                     0);
        cr_assert_str_eq(def(&xf_extract_field_value, "field.syntax.version")
                                 ->default_value, "V1");
}

Test(extract, checklist_replace_null_with_default)
{
        connect_schema_t *fa = schema_copy(A, &schema_opt_string);
        connect_schema_t *s;
        xrecord_t r;
        xerr_t e;

        fa->default_value = S("dflt");
        s = SCH("a", fa, NULL);
        r = rec(NULL, NULL, s, ST(s, NULL));
        cr_assert_eq(run(&xf_extract_field_value, P("field", "a", NULL), &r,
                         &e), 0);
        assert_str(r.value, "dflt");
        r = rec(NULL, NULL, s, ST(s, NULL));
        cr_assert_eq(run(&xf_extract_field_value,
                         P("field", "a", XF_RNWD_KEY, "false", NULL), &r, &e),
                     0);
        cr_assert_null(r.value);
        cr_assert_eq(r.value_schema, fa);
}

TestSuite(path);

static void assert_steps(const char *text, size_t n, ...)
{
        xf_path_t p;
        xerr_t e;
        va_list ap;
        size_t i;

        cr_assert_eq(xf_path_parse(text, 2, &p, &e), 0, "%s", e.msg);
        cr_assert_eq(p.n, n, "%s: %zu steps", text, p.n);
        va_start(ap, n);
        for (i = 0; i < n; i++)
                cr_assert_str_eq(p.steps[i], va_arg(ap, const char *), "%s",
                                 text);
        va_end(ap);
        xf_path_free(&p);
}

Test(path, v2_steps_as_java)
{
        assert_steps("a.b.c", 3, "a", "b", "c");
        assert_steps("a.", 2, "a", "");
        assert_steps("`a.b`.c", 2, "a.b", "c");
        assert_steps("`a.b`", 1, "a.b");
        assert_steps("a`b.c", 2, "a`b", "c");
        assert_steps("`a`b`.c", 2, "a`b", "c");
        assert_steps("`a\\`.b`", 1, "a`.b");
        assert_steps("`a.b`.", 2, "a.b", "");
        assert_steps("", 1, "");
}

Test(path, v2_incomplete_backticks)
{
        xf_path_t p;
        xerr_t e;

        cr_assert_eq(xf_path_parse("a.`b", 2, &p, &e), -1);
        cr_assert_str_eq(e.msg, "Incomplete backtick pair in path: [a.`b], "
                                "consider adding a backslash before backtick "
                                "at position 2 to escape it");
        cr_assert_eq(xf_path_parse("`a\\`", 2, &p, &e), -1);
        cr_assert_eq(xf_path_parse("`a.b", 1, &p, &e), 0);
        cr_assert_eq(p.n, 1);
        xf_path_free(&p);
}

/* ---- HoistField -------------------------------------------------------- */

TestSuite(hoist, .init = setup, .fini = teardown);

Test(hoist, checklist_schemaless_string)
{
        xrecord_t r = rec(NULL, NULL, NULL, S("s"));
        xerr_t e;

        cr_assert_eq(run(&xf_hoist_field_value, P("field", "x", NULL), &r, &e),
                     0);
        cr_assert_null(r.value_schema);
        cr_assert(xf_is_map(r.value));
        assert_str(get(r.value, "x"), "s");
        r = rec(NULL, NULL, NULL, NULL);
        cr_assert_eq(run(&xf_hoist_field_value, P("field", "x", NULL), &r, &e),
                     0);
        cr_assert_null(get(r.value, "x"));
}

Test(hoist, with_schema_on_the_key)
{
        xrecord_t r = rec(&schema_int32, I(CONNECTD_VAL_INT32, 4), NULL, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_hoist_field_key, P("field", "k", NULL), &r, &e),
                     0);
        cr_assert_eq(r.key_schema->type, CONNECTD_VAL_STRUCT);
        cr_assert_null(r.key_schema->name);
        cr_assert_not(r.key_schema->optional);
        cr_assert_eq(r.key_schema->nfields, 1);
        cr_assert_str_eq(r.key_schema->fields[0].name, "k");
        cr_assert_eq(r.key_schema->fields[0].schema, &schema_int32);
        cr_assert_eq(r.key->schema, r.key_schema);
        assert_int(get(r.key, "k"), CONNECTD_VAL_INT32, 4);
        cr_assert_null(r.value);
}

Test(hoist, null_under_required_schema)
{
        xrecord_t r = rec(NULL, NULL, &schema_string, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_hoist_field_value, P("field", "x", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Invalid value: null used for required "
                                  "field: \"x\", schema type: STRING");
        r = rec(NULL, NULL, &schema_opt_string, NULL);
        cr_assert_eq(run(&xf_hoist_field_value, P("field", "x", NULL), &r, &e),
                     0);
        cr_assert_null(get(r.value, "x"));
        cr_assert_eq(conf(&xf_hoist_field_value, P(NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Missing required configuration \"field\" "
                                    "which has no default value.");
}

/* ---- MaskField --------------------------------------------------------- */

TestSuite(mask, .init = setup, .fini = teardown);

Test(mask, checklist_int_and_string_schemaless)
{
        xrecord_t r = rec(NULL, NULL, NULL,
                          M("i", I(CONNECTD_VAL_INT32, 7), "s", S("secret"),
                            "k", S("keep"), "n", NULL, NULL));
        xerr_t e;

        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "i,s,n,missing", NULL), &r, &e), 0);
        assert_int(get(r.value, "i"), CONNECTD_VAL_INT32, 0);
        assert_str(get(r.value, "s"), "");
        assert_str(get(r.value, "k"), "keep");
        cr_assert_null(get(r.value, "n"));
        cr_assert_null(get(r.value, "missing"));
}

Test(mask, checklist_struct_keeps_schema)
{
        connect_schema_t *s = SCH("i", &schema_int64, "b", &schema_boolean,
                                  "f", &schema_float32, "s", &schema_string,
                                  "k", &schema_string, NULL);
        xrecord_t r = rec(s, ST(s, I(CONNECTD_VAL_INT64, 9), val_bool(A, 1),
                                F(CONNECTD_VAL_FLOAT32, 1.5), S("x"), S("y")),
                          NULL, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_mask_field_key, P("fields", "i,b,f,s", NULL), &r,
                         &e), 0, "%s", e.msg);
        cr_assert_eq(r.key_schema, s);
        cr_assert_eq(r.key->schema, s);
        assert_int(get(r.key, "i"), CONNECTD_VAL_INT64, 0);
        assert_int(get(r.key, "b"), CONNECTD_VAL_BOOLEAN, 0);
        cr_assert_eq(get(r.key, "f")->u.d, 0.0);
        assert_str(get(r.key, "s"), "");
        assert_str(get(r.key, "k"), "y");
}

Test(mask, checklist_tombstone_is_an_error)
{
        xrecord_t r = rec(NULL, NULL, NULL, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_mask_field_value, P("fields", "a", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Only Map objects supported in absence of "
                                  "schema for [mask fields], found: null");
        r = rec(NULL, NULL, SCH("a", &schema_opt_string, NULL), NULL);
        cr_assert_eq(run(&xf_mask_field_value, P("fields", "a", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Only Struct objects supported for [mask "
                                  "fields], found: null");
}

Test(mask, checklist_bad_replacement)
{
        xrecord_t r = rec(NULL, NULL, NULL, M("i", I(CONNECTD_VAL_INT32, 7),
                                              NULL));
        connect_schema_t *dec = schema_copy(A, &schema_bytes), *s;
        static const unsigned char one = 1;
        xerr_t e;

        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "i", "replacement", "abc", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Unable to convert abc (class "
                                  "java.lang.String) to a number");
        dec->name = LOGICAL_DECIMAL;
        schema_add_param(A, dec, "scale", "0");
        s = SCH("d", dec, NULL);
        r = rec(NULL, NULL, s, ST(s, val_bytes(A, &one, 1)));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "d", "replacement", "x1", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Unable to convert x1 (class "
                                  "java.lang.String) to number");
}

Test(mask, replacements_by_type)
{
        xrecord_t r = rec(NULL, NULL, NULL,
                          M("i", I(CONNECTD_VAL_INT32, 7), "b",
                            I(CONNECTD_VAL_INT8, 1), "d",
                            F(CONNECTD_VAL_FLOAT64, 2.0), "s", S("x"), NULL));
        xerr_t e;

        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "i,d,s", "replacement", "1.9", NULL), &r,
                         &e), 0, "%s", e.msg);
        assert_int(get(r.value, "i"), CONNECTD_VAL_INT32, 1);
        cr_assert_eq(get(r.value, "d")->u.d, 1.9);
        assert_str(get(r.value, "s"), "1.9");
        r = rec(NULL, NULL, NULL, M("b", I(CONNECTD_VAL_INT8, 1), NULL));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "b", "replacement", "300", NULL), &r, &e),
                     0);
        assert_int(get(r.value, "b"), CONNECTD_VAL_INT8, 44);
        r = rec(NULL, NULL, NULL, M("b", I(CONNECTD_VAL_INT64, 1), NULL));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "b", "replacement", "-1.5e2", NULL), &r,
                         &e), 0);
        assert_int(get(r.value, "b"), CONNECTD_VAL_INT64, -150);
        r = rec(NULL, NULL, NULL, M("b", val_bool(A, 1), NULL));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "b", "replacement", "1", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Cannot mask value of type class "
                                  "java.lang.Boolean with custom "
                                  "replacement.");
}

Test(mask, what_cannot_be_masked)
{
        xrecord_t r = rec(NULL, NULL, NULL, M("b", val_bytes(A, "x", 1), NULL));
        connect_schema_t *in = SCH("z", &schema_int32, NULL), *s;
        xerr_t e;

        cr_assert_eq(run(&xf_mask_field_value, P("fields", "b", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Cannot mask value of type: class [B");
        s = SCH("st", in, NULL);
        r = rec(NULL, NULL, s, ST(s, ST(in, I(CONNECTD_VAL_INT32, 1))));
        cr_assert_eq(run(&xf_mask_field_value, P("fields", "st", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Cannot mask value of type: class "
                                  "org.apache.kafka.connect.data.Struct");
}

Test(mask, containers_dates_decimals)
{
        connect_schema_t *date = schema_copy(A, &schema_int32),
                         *dec = schema_copy(A, &schema_bytes), *s;
        connectd_value_t *arr = val_array(A);
        static const unsigned char big[] = { 0x12, 0x34 };
        const connectd_value_t *d;
        xrecord_t r;
        xerr_t e;

        date->name = LOGICAL_DATE;
        dec->name = LOGICAL_DECIMAL;
        schema_add_param(A, dec, "scale", "2");
        val_append(A, arr, NULL, I(CONNECTD_VAL_INT32, 1));
        r = rec(NULL, NULL, NULL, M("a", arr, "m", M("x", S("y"), NULL), NULL));
        cr_assert_eq(run(&xf_mask_field_value, P("fields", "a,m", NULL), &r,
                         &e), 0);
        cr_assert_eq(get(r.value, "a")->type, CONNECTD_VAL_ARRAY);
        cr_assert_eq(get(r.value, "a")->u.st.count, 0);
        cr_assert(xf_is_map(get(r.value, "m")));
        cr_assert_eq(get(r.value, "m")->u.st.count, 0);

        s = SCH("dt", date, "dc", dec, NULL);
        r = rec(NULL, NULL, s,
                ST(s, I(CONNECTD_VAL_INT32, 19000), val_bytes(A, big, 2)));
        cr_assert_eq(run(&xf_mask_field_value, P("fields", "dt,dc", NULL), &r,
                         &e), 0);
        assert_int(get(r.value, "dt"), CONNECTD_VAL_INT32, 0);
        d = get(r.value, "dc");
        cr_assert_eq(d->u.s.len, 1);
        cr_assert_eq(d->u.s.ptr[0], 0);

        r = rec(NULL, NULL, s,
                ST(s, I(CONNECTD_VAL_INT32, 19000), val_bytes(A, big, 2)));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "dc", "replacement", "-2.5", NULL), &r,
                         &e), 0);
        d = get(r.value, "dc"); /* -250 = 0xff06 */
        cr_assert_eq(d->u.s.len, 2);
        cr_assert_eq((unsigned char)d->u.s.ptr[0], 0xff);
        cr_assert_eq((unsigned char)d->u.s.ptr[1], 0x06);
        r = rec(NULL, NULL, s,
                ST(s, I(CONNECTD_VAL_INT32, 19000), val_bytes(A, big, 2)));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "dc", "replacement", "0.125", NULL), &r,
                         &e), -1);
        assert_err(&e, XERR_DATA, "BigDecimal has mismatching scale value for "
                                  "given Decimal schema");
        r = rec(NULL, NULL, s,
                ST(s, I(CONNECTD_VAL_INT32, 19000), val_bytes(A, big, 2)));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "dt", "replacement", "5", NULL), &r, &e),
                     -1);
        assert_err(&e, XERR_DATA, "Cannot mask value of type class "
                                  "java.util.Date with custom replacement.");
}

Test(mask, config_errors)
{
        char why[256];
        xerr_t e;

        cr_assert_eq(conf(&xf_mask_field_value, P("fields", "", NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Invalid value [] for configuration "
                                    "fields: Empty list");
        cr_assert_eq(conf(&xf_mask_field_value, P(NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Missing required configuration "
                                    "\"fields\" which has no default value.");
        cr_assert_eq(conf(&xf_mask_field_value,
                          P("fields", "a", "replacement", " ", NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Invalid value  for configuration "
                                    "replacement: String must be non-empty");
        cr_assert_eq(validate(&xf_mask_field_value, "fields", "", why,
                              sizeof(why)), -1);
        cr_assert_str_eq(why, "Empty list");
        cr_assert_eq(validate(&xf_mask_field_value, "replacement", NULL, why,
                              sizeof(why)), 0);
        cr_assert(def(&xf_mask_field_value, "replacement")->optional);
}

Test(mask, checklist_replace_null_with_default)
{
        connect_schema_t *fa = schema_copy(A, &schema_opt_int32);
        connect_schema_t *s;
        xrecord_t r;
        xerr_t e;

        fa->default_value = I(CONNECTD_VAL_INT32, 5);
        s = SCH("a", fa, "b", fa, NULL);
        r = rec(NULL, NULL, s, ST(s, NULL, NULL));
        cr_assert_eq(run(&xf_mask_field_value, P("fields", "a", NULL), &r, &e),
                     0);
        assert_int(get(r.value, "a"), CONNECTD_VAL_INT32, 0);
        assert_int(get(r.value, "b"), CONNECTD_VAL_INT32, 5);
        r = rec(NULL, NULL, s, ST(s, NULL, NULL));
        cr_assert_eq(run(&xf_mask_field_value,
                         P("fields", "a", XF_RNWD_KEY, "FALSE", NULL), &r, &e),
                     0);
        cr_assert_null(get(r.value, "a"));
        cr_assert_null(get(r.value, "b"));
}

/* ---- ReplaceField ------------------------------------------------------ */

TestSuite(replace, .init = setup, .fini = teardown);

Test(replace, checklist_exclude_and_rename_struct)
{
        connect_schema_t *s = SCH("a", &schema_int32, "b", &schema_string,
                                  "c", &schema_boolean, NULL);
        xrecord_t r;
        xerr_t e;

        s->name = "n";
        s->doc = "d";
        r = rec(NULL, NULL, s,
                ST(s, I(CONNECTD_VAL_INT32, 1), S("bee"), val_bool(A, 1)));
        cr_assert_eq(run(&xf_replace_field_value,
                         P("exclude", "b", "renames", "a:x", NULL), &r, &e),
                     0, "%s", e.msg);
        cr_assert_eq(r.value_schema->nfields, 2);
        cr_assert_str_eq(r.value_schema->fields[0].name, "x");
        cr_assert_str_eq(r.value_schema->fields[1].name, "c");
        cr_assert_str_eq(r.value_schema->name, "n");
        cr_assert_str_eq(r.value_schema->doc, "d");
        assert_int(get(r.value, "x"), CONNECTD_VAL_INT32, 1);
        assert_int(get(r.value, "c"), CONNECTD_VAL_BOOLEAN, 1);
        cr_assert_eq(r.value->u.st.count, 2);
}

Test(replace, checklist_exclude_and_rename_map)
{
        xrecord_t r = rec(NULL, NULL, NULL,
                          M("a", I(CONNECTD_VAL_INT32, 1), "b", S("bee"), "c",
                            NULL, NULL));
        xerr_t e;

        cr_assert_eq(run(&xf_replace_field_value,
                         P("exclude", "b", "renames", "a:x", NULL), &r, &e), 0);
        cr_assert_eq(r.value->u.st.count, 2);
        assert_int(get(r.value, "x"), CONNECTD_VAL_INT32, 1);
        cr_assert_null(get(r.value, "c"));
}

Test(replace, checklist_blacklist_is_exclude_3x)
{
        xrecord_t r = rec(NULL, M("a", S("1"), "b", S("2"), NULL), NULL, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_replace_field_key, P("blacklist", "b", NULL), &r,
                         &e), 0);
        cr_assert_eq(r.key->u.st.count, 1);
        assert_str(get(r.key, "a"), "1");
        /* the new key wins */
        r = rec(NULL, M("a", S("1"), "b", S("2"), NULL), NULL, NULL);
        cr_assert_eq(run(&xf_replace_field_key,
                         P("blacklist", "b", "exclude", "a", NULL), &r, &e),
                     0);
        cr_assert_eq(r.key->u.st.count, 1);
        assert_str(get(r.key, "b"), "2");
        r = rec(NULL, M("a", S("1"), "b", S("2"), NULL), NULL, NULL);
        cr_assert_eq(run(&xf_replace_field_key, P("whitelist", "b", NULL), &r,
                         &e), 0);
        cr_assert_eq(r.key->u.st.count, 1);
        assert_str(get(r.key, "b"), "2");
}

Test(replace, include_and_exclude)
{
        connect_schema_t *s = SCH("a", &schema_int32, "b", &schema_string,
                                  "c", &schema_boolean, NULL);
        xrecord_t r = rec(NULL, NULL, s,
                          ST(s, I(CONNECTD_VAL_INT32, 1), S("bee"),
                             val_bool(A, 1)));
        xerr_t e;

        cr_assert_eq(run(&xf_replace_field_value,
                         P("include", "a,b", "exclude", "b", NULL), &r, &e),
                     0);
        cr_assert_eq(r.value_schema->nfields, 1);
        cr_assert_str_eq(r.value_schema->fields[0].name, "a");
}

Test(replace, rename_collision)
{
        connect_schema_t *s = SCH("a", &schema_int32, "c", &schema_string,
                                  NULL);
        xrecord_t r = rec(NULL, NULL, s,
                          ST(s, I(CONNECTD_VAL_INT32, 1), S("x")));
        xerr_t e;

        cr_assert_eq(run(&xf_replace_field_value, P("renames", "a:c", NULL), &r,
                         &e), -1);
        assert_err(&e, XERR_SCHEMA_BUILDER, "Cannot create field because of "
                                            "field name duplication c");
}

Test(replace, renames_config)
{
        char why[256];
        xerr_t e;

        cr_assert_eq(conf(&xf_replace_field_value,
                          P("renames", "a:b,c:d:e", NULL), &e), -1);
        assert_err(&e, XERR_CONFIG, "Invalid value [a:b, c:d:e] for "
                                    "configuration renames: Invalid rename "
                                    "mapping: c:d:e");
        cr_assert_eq(conf(&xf_replace_field_value, P("renames", "a:", NULL),
                          &e), -1);
        cr_assert_eq(conf(&xf_replace_field_value, P("renames", "a:b:", NULL),
                          &e), 0);
        cr_assert_eq(conf(&xf_replace_field_value, P(NULL), &e), 0);
        cr_assert_eq(validate(&xf_replace_field_value, "renames", "a:b, x",
                              why, sizeof(why)), CONNECTD_VALIDATOR_MESSAGE);
        cr_assert_str_eq(why, "Invalid value [a:b, x] for configuration "
                              "renames: Invalid rename mapping: x");
        cr_assert_eq(validate(&xf_replace_field_value, "renames", NULL, why,
                              sizeof(why)), 0);
        cr_assert_str_eq(def(&xf_replace_field_value, "exclude")->default_value,
                         "");
        cr_assert(def(&xf_replace_field_value, "blacklist")->optional);
}

Test(replace, tombstone_unchanged_and_non_map)
{
        xrecord_t r = rec(NULL, NULL, NULL, NULL);
        xerr_t e;

        cr_assert_eq(run(&xf_replace_field_value, P("exclude", "a", NULL), &r,
                         &e), 0);
        cr_assert_null(r.value);
        r = rec(NULL, NULL, NULL, I(CONNECTD_VAL_INT64, 1));
        cr_assert_eq(run(&xf_replace_field_value, P("exclude", "a", NULL), &r,
                         &e), -1);
        assert_err(&e, XERR_DATA, "Only Map objects supported in absence of "
                                  "schema for [field replacement], found: "
                                  "java.lang.Long");
}

Test(replace, checklist_replace_null_with_default)
{
        connect_schema_t *fa = schema_copy(A, &schema_opt_int32);
        connect_schema_t *s;
        xrecord_t r;
        xerr_t e;

        fa->default_value = I(CONNECTD_VAL_INT32, 5);
        s = SCH("a", fa, NULL);
        r = rec(NULL, NULL, s, ST(s, NULL));
        cr_assert_eq(run(&xf_replace_field_value, P("renames", "a:b", NULL), &r,
                         &e), 0);
        assert_int(get(r.value, "b"), CONNECTD_VAL_INT32, 5);
        r = rec(NULL, NULL, s, ST(s, NULL));
        cr_assert_eq(run(&xf_replace_field_value,
                         P("renames", "a:b", XF_RNWD_KEY, "false", NULL), &r,
                         &e), 0);
        cr_assert_null(get(r.value, "b"));
}

/* ---- helpers ------------------------------------------------------------ */

TestSuite(bigdec, .init = setup, .fini = teardown);

static void assert_bigdec_str(const char *in, const char *want)
{
        xf_bigdec_t d;
        char *s;

        cr_assert_eq(xf_bigdec_parse(in, strlen(in), &d), 0, "%s", in);
        s = xf_bigdec_str(&d);
        cr_assert_str_eq(s, want, "%s", in);
        free(s);
        xf_bigdec_free(&d);
}

Test(bigdec, text_as_java)
{
        assert_bigdec_str("123", "123");
        assert_bigdec_str("-1.50", "-1.50");
        assert_bigdec_str("0.000001", "0.000001");
        assert_bigdec_str("0.0000001", "1E-7");
        assert_bigdec_str("1e3", "1E+3");
        assert_bigdec_str("12.5e1", "125");
        assert_bigdec_str("1.5e-10", "1.5E-10");
        assert_bigdec_str("007", "7");
        assert_bigdec_str(".5", "0.5");
        /* no negative zero (found by fuzz_xf_fields) */
        assert_bigdec_str("-00e3", "0E+3");
        assert_bigdec_str("-0.0", "0.0");
}

Test(bigdec, parse_errors_and_long_value)
{
        static const char *bad[] = { "", "-", ".", "1e", "1.2.3", " 1", "1 ",
                                     "NaN", "0x10", "1e+", "--1" };
        xf_bigdec_t d;
        size_t i;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_assert_eq(xf_bigdec_parse(bad[i], strlen(bad[i]), &d), -1,
                             "'%s'", bad[i]);
        cr_assert_eq(xf_bigdec_parse("18446744073709551617", 20, &d), 0);
        cr_assert_eq(xf_bigdec_long(&d), 1); /* low 64 bits */
        xf_bigdec_free(&d);
        cr_assert_eq(xf_bigdec_parse("-9.99", 5, &d), 0);
        cr_assert_eq(xf_bigdec_long(&d), -9);
        xf_bigdec_free(&d);
        cr_assert_eq(xf_bigdec_parse("1e100", 5, &d), 0);
        cr_assert_eq(xf_bigdec_long(&d), 0);
        xf_bigdec_free(&d);
}

Test(bigdec, bytes_round_trip)
{
        static const char *nums[] = { "0", "1", "-1", "127", "128", "-128",
                                      "-129", "255", "65536",
                                      "-123456789012345678901234567890" };
        size_t i;

        for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
                xf_bigdec_t d, back;
                const unsigned char *b;
                size_t len;
                char *s;

                cr_assert_eq(xf_bigdec_parse(nums[i], strlen(nums[i]), &d), 0);
                cr_assert_eq(xf_bigdec_bytes(A, &d, 0, &b, &len), 0);
                cr_assert_eq(xf_bigdec_from_bytes(b, len, 0, &back), 0);
                s = xf_bigdec_str(&back);
                cr_assert_str_eq(s, nums[i]);
                free(s);
                xf_bigdec_free(&d);
                xf_bigdec_free(&back);
        }
}

Test(split, java_split_colon)
{
        char **p;
        size_t n;

        cr_assert_eq(xf_split_colon("a:b", &p, &n), 0);
        cr_assert_eq(n, 2);
        xf_list_free(p, n);
        cr_assert_eq(xf_split_colon("a:b::", &p, &n), 0);
        cr_assert_eq(n, 2);
        xf_list_free(p, n);
        cr_assert_eq(xf_split_colon(":b", &p, &n), 0);
        cr_assert_eq(n, 2);
        cr_assert_str_eq(p[0], "");
        xf_list_free(p, n);
        cr_assert_eq(xf_split_colon(":", &p, &n), 0);
        cr_assert_eq(n, 0);
        xf_list_free(p, n);
        cr_assert_eq(xf_split_colon("", &p, &n), 0);
        cr_assert_eq(n, 1);
        xf_list_free(p, n);
}

/* ---- through the chain (connector config keys) -------------------------- */

TestSuite(chain, .init = setup, .fini = teardown);

Test(chain, cast_replace_extract_from_a_connector_config)
{
        json_error_t je;
        json_t *cfg = json_loads(
                "{\"transforms\":\"c,r,x\","
                "\"transforms.c.type\":"
                "\"org.apache.kafka.connect.transforms.Cast$Value\","
                "\"transforms.c.spec\":\"a:int32\","
                "\"transforms.r.type\":"
                "\"org.apache.kafka.connect.transforms.ReplaceField$Value\","
                "\"transforms.r.renames\":\"a:id\","
                "\"transforms.x.type\":"
                "\"org.apache.kafka.connect.transforms.ExtractField$Value\","
                "\"transforms.x.field\":\"id\"}",
                0, &je);
        const char *failed = NULL;
        xrecord_t r = rec(NULL, NULL, NULL, M("a", S("42"), NULL));
        xchain_t *ch;
        xerr_t e;

        cr_assert_not_null(cfg);
        memset(&e, 0, sizeof(e));
        ch = xchain_new(cfg, &e);
        json_decref(cfg);
        cr_assert_not_null(ch, "%s: %s", e.cls, e.msg);
        cr_assert_eq(xchain_apply(ch, &r, &failed, &e), XFORM_KEEP, "%s",
                     e.msg);
        assert_int(r.value, CONNECTD_VAL_INT32, 42);
        xchain_free(ch);
}

Test(chain, configure_failure_fails_the_task_start)
{
        json_t *cfg = json_pack(
                "{ssssss}", "transforms", "m", "transforms.m.type",
                "org.apache.kafka.connect.transforms.MaskField$Value",
                "transforms.m.fields", "");
        xchain_t *ch;
        xerr_t e;

        memset(&e, 0, sizeof(e));
        ch = xchain_new(cfg, &e);
        json_decref(cfg);
        cr_assert_null(ch);
        cr_assert(strstr(e.msg, "Invalid value [] for configuration fields: "
                                "Empty list"),
                  "%s: %s", e.cls, e.msg);
}
