/*
 * Unit tests for the structural built-in transforms: DropHeaders, Flatten,
 * HeaderFrom, InsertField, InsertHeader, SetSchemaMetadata, ValueToKey.
 * Records are built in an arena and the classes' configure/apply/close
 * are called directly.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "record.h"
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

TestSuite(xf, .init = setup, .fini = teardown);

/* ---- helpers --------------------------------------------------------- */

static xrecord_t rec(void)
{
        xrecord_t r;

        memset(&r, 0, sizeof(r));
        r.topic = "orders";
        r.partition = 3;
        r.has_timestamp = 1;
        r.timestamp = 1700000000000LL;
        r.arena = A;
        return r;
}

static xrecord_t sink_rec(void)
{
        xrecord_t r = rec();

        r.is_sink = 1;
        r.offset = 42;
        r.timestamp_type = 1;
        return r;
}

/* configure() that must succeed; props is consumed. */
static void *cfg(const xform_class_t *c, json_t *props)
{
        void *st = NULL;
        xerr_t e;
        int rc;

        memset(&e, 0, sizeof(e));
        cr_assert_not_null(props);
        rc = c->configure(props, &st, &e);
        json_decref(props);
        cr_assert_eq(rc, 0, "%s: configure failed: %s: %s", c->name, e.cls,
                     e.msg);
        return st;
}

/* configure() that must fail with cls and msg; props is consumed. */
static void cfg_fail(const xform_class_t *c, json_t *props, const char *cls,
                     const char *msg)
{
        void *st = NULL;
        xerr_t e;
        int rc;

        memset(&e, 0, sizeof(e));
        rc = c->configure(props, &st, &e);
        json_decref(props);
        cr_assert_eq(rc, -1, "%s: configure should fail", c->name);
        cr_assert_null(st);
        cr_assert_str_eq(e.cls, cls);
        cr_assert_str_eq(e.msg, msg);
}

static void apply_ok(const xform_class_t *c, void *st, xrecord_t *r)
{
        xerr_t e;
        int rc;

        memset(&e, 0, sizeof(e));
        rc = c->apply(st, r, &e);
        cr_assert_eq(rc, XFORM_KEEP, "%s: apply failed: %s: %s", c->name,
                     e.cls, e.msg);
}

static void apply_fail(const xform_class_t *c, void *st, xrecord_t *r,
                       const char *cls, const char *msg)
{
        xerr_t e;
        int rc;

        memset(&e, 0, sizeof(e));
        rc = c->apply(st, r, &e);
        cr_assert_eq(rc, -1, "%s: apply should fail", c->name);
        cr_assert_str_eq(e.cls, cls);
        cr_assert_str_eq(e.msg, msg);
}

/* A definition's validator on value (NULL: absent); its reason or NULL. */
static const char *validate(const xform_class_t *c, const char *key,
                            const char *value)
{
        static char buf[512];
        const connectd_config_def_t *d;

        for (d = c->defs; d->name; d++) {
                if (strcmp(d->name, key) != 0)
                        continue;
                if (!d->validator || d->validator(key, value, buf,
                                                  sizeof(buf)) == 0)
                        return NULL;
                return buf;
        }
        cr_assert_fail("%s has no key %s", c->name, key);
        return NULL;
}

static const connectd_config_def_t *def(const xform_class_t *c,
                                        const char *key)
{
        const connectd_config_def_t *d;

        for (d = c->defs; d->name; d++)
                if (strcmp(d->name, key) == 0)
                        return d;
        return NULL;
}

static connectd_value_t *i32(int32_t v)
{
        return val_int(A, CONNECTD_VAL_INT32, v);
}

static connectd_value_t *str(const char *s)
{
        return val_string(A, s, strlen(s));
}

static connectd_value_t *obj(void)
{
        return val_struct(A, NULL);
}

static connectd_value_t *put(connectd_value_t *o, const char *k,
                             connectd_value_t *v)
{
        cr_assert_eq(val_put(A, o, k, v), 0);
        return o;
}

static connect_schema_t *sstruct(void)
{
        return schema_new(A, CONNECTD_VAL_STRUCT);
}

static connect_schema_t *field(connect_schema_t *s, const char *name,
                               const connect_schema_t *fs)
{
        cr_assert_eq(schema_add_field(A, s, name, fs), 0);
        return s;
}

/* Names of a value's members, joined with ','. */
static const char *names(const connectd_value_t *v)
{
        static char buf[512];
        const value_field_t *f;

        buf[0] = '\0';
        for (f = v->u.st.head; f; f = f->next) {
                if (buf[0])
                        strcat(buf, ",");
                strcat(buf, f->name);
        }
        return buf;
}

static const char *schema_names(const connect_schema_t *s)
{
        static char buf[512];
        size_t i;

        buf[0] = '\0';
        for (i = 0; i < s->nfields; i++) {
                if (i)
                        strcat(buf, ",");
                strcat(buf, s->fields[i].name);
        }
        return buf;
}

static const char *header_names(const xrecord_t *r)
{
        static char buf[512];
        const connect_header_t *h;

        buf[0] = '\0';
        for (h = r->headers.head; h; h = h->next) {
                if (buf[0])
                        strcat(buf, ",");
                strcat(buf, h->name);
        }
        return buf;
}

static int64_t ival(const connectd_value_t *o, const char *k)
{
        int found;
        connectd_value_t *v = val_get(o, k, &found);

        cr_assert(found, "no field %s", k);
        cr_assert_not_null(v, "field %s is null", k);
        return v->u.i;
}

static const char *sval(const connectd_value_t *o, const char *k)
{
        connectd_value_t *v = val_get(o, k, NULL);

        cr_assert_not_null(v, "field %s is null", k);
        cr_assert_eq(v->type, CONNECTD_VAL_STRING);
        return v->u.s.ptr;
}

/* ---- DropHeaders (§2.2, checklist 3) --------------------------------- */

Test(xf, drop_headers_removes_listed_keeps_order)
{
        const xform_class_t *c = &xf_drop_headers;
        void *st = cfg(c, json_pack("{s:s}", "headers", " h , x "));
        xrecord_t r = rec();

        headers_add(A, &r.headers, "a", NULL, str("1"));
        headers_add(A, &r.headers, "h", NULL, str("2"));
        headers_add(A, &r.headers, "b", NULL, NULL);
        headers_add(A, &r.headers, "H", NULL, str("3"));
        headers_add(A, &r.headers, "h", NULL, str("4"));
        headers_add(A, &r.headers, "c", NULL, str("5"));
        apply_ok(c, st, &r);
        cr_assert_str_eq(header_names(&r), "a,b,H,c");
        cr_assert_eq(r.headers.count, 4);
        cr_assert_str_eq(r.headers.tail->name, "c");
        c->close(st);
}

Test(xf, drop_headers_tombstone_and_no_headers)
{
        const xform_class_t *c = &xf_drop_headers;
        void *st = cfg(c, json_pack("{s:s}", "headers", "h"));
        xrecord_t r = rec();

        apply_ok(c, st, &r);
        cr_assert_eq(r.headers.count, 0);
        headers_add(A, &r.headers, "h", NULL, NULL);
        apply_ok(c, st, &r);
        cr_assert_null(r.headers.head);
        cr_assert_null(r.headers.tail);
        cr_assert_null(r.value);
        c->close(st);
}

Test(xf, drop_headers_empty_list)
{
        const xform_class_t *c = &xf_drop_headers;

        cr_assert_str_eq(validate(c, "headers", ""), "Empty list");
        cr_assert_null(validate(c, "headers", "h"));
        cfg_fail(c, json_pack("{s:s}", "headers", " "), XERR_CONFIG,
                 "Invalid value [] for configuration headers: Empty list");
        cfg_fail(c, json_object(), XERR_CONFIG,
                 "Missing required configuration \"headers\" which has no "
                 "default value.");
        cr_assert_eq(def(c, "headers")->importance, CONNECTD_IMPORTANCE_HIGH);
        cr_assert_str_eq(c->alias, "DropHeaders");
}

/* ---- Flatten (§2.5, checklist 6) ------------------------------------- */

Test(xf, flatten_schemaless_map)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connectd_value_t *arr = val_array(A), *in, *inner;

        val_append(A, arr, NULL, i32(1));
        inner = put(obj(), "b", i32(1));
        put(inner, "n", NULL);
        put(inner, "d", put(obj(), "e", str("x")));
        in = put(put(obj(), "a", inner), "c", arr);
        put(in, "z", NULL);
        r.value = in;
        apply_ok(c, st, &r);
        cr_assert_null(r.value_schema);
        cr_assert_str_eq(names(r.value), "a.b,a.n,a.d.e,c,z");
        cr_assert_eq(ival(r.value, "a.b"), 1);
        cr_assert_eq(val_get(r.value, "c", NULL), arr, "arrays are copied");
        cr_assert_str_eq(sval(r.value, "a.d.e"), "x");
        /* The input is untouched. */
        cr_assert_str_eq(names(in), "a,c,z");
        cr_assert_str_eq(names(inner), "b,n,d");
        c->close(st);
}

Test(xf, flatten_schemaless_delimiter_and_key)
{
        const xform_class_t *c = &xf_flatten_key;
        void *st = cfg(c, json_pack("{s:s}", "delimiter", "_"));
        xrecord_t r = rec();

        r.key = put(obj(), "a", put(obj(), "b", i32(2)));
        r.value = str("untouched");
        apply_ok(c, st, &r);
        cr_assert_str_eq(names(r.key), "a_b");
        cr_assert_str_eq(r.value->u.s.ptr, "untouched");
        c->close(st);
}

Test(xf, flatten_null_and_wrong_types)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        apply_ok(c, st, &r);
        cr_assert_null(r.value);
        r.value = str("s");
        apply_fail(c, st, &r, XERR_DATA,
                   "Only Map objects supported in absence of schema for "
                   "[flattening], found: java.lang.String");
        r.value_schema = &schema_string;
        apply_fail(c, st, &r, XERR_DATA,
                   "Only Struct objects supported for [flattening], found: "
                   "java.lang.String");
        field(s, "x", &schema_int32);
        r.value_schema = NULL;
        r.value = put(obj(), "a", put(val_struct(A, s), "x", i32(1)));
        apply_fail(c, st, &r, XERR_DATA,
                   "Flatten transformation does not support class "
                   "org.apache.kafka.connect.data.Struct for record without "
                   "schemas (for field a).");
        {
                connectd_value_t *d = val_int(A, CONNECTD_VAL_INT64, 0);

                d->schema_name = LOGICAL_TIMESTAMP;
                r.value = put(obj(), "a", d);
                apply_fail(c, st, &r, XERR_DATA,
                           "Flatten transformation was passed a value of "
                           "type class java.util.Date which is not supported "
                           "by Connect's data API");
        }
        /* A null with a schema passes unchanged. */
        r.value_schema = s;
        r.value = NULL;
        apply_ok(c, st, &r);
        cr_assert_eq(r.value_schema, s);
        c->close(st);
}

Test(xf, flatten_struct)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connect_schema_t *inner = sstruct(), *deep = sstruct(), *top;
        connect_schema_t *arr = schema_new(A, CONNECTD_VAL_ARRAY);
        connectd_value_t *v, *iv, *items = val_array(A);
        const schema_field_t *f;

        arr->value_schema = &schema_int32;
        field(deep, "q", &schema_string);
        inner->optional = 1;
        field(inner, "b", &schema_int32);
        field(inner, "deep", deep);
        top = sstruct();
        top->name = "top";
        top->has_version = 1;
        top->version = 7;
        top->doc = "doc";
        schema_add_param(A, top, "k", "v");
        field(top, "a", inner);
        field(top, "c", arr);
        field(top, "s", &schema_opt_string);
        iv = put(val_struct(A, inner), "b", i32(1));
        put(iv, "deep", put(val_struct(A, deep), "q", str("x")));
        val_append(A, items, NULL, i32(5));
        v = put(put(val_struct(A, top), "a", iv), "c", items);
        r.value_schema = top;
        r.value = v;
        apply_ok(c, st, &r);
        cr_assert_str_eq(schema_names(r.value_schema), "a.b,a.deep.q,c,s");
        cr_assert_str_eq(r.value_schema->name, "top");
        cr_assert_eq(r.value_schema->version, 7);
        cr_assert_str_eq(r.value_schema->doc, "doc");
        cr_assert_str_eq(schema_param(r.value_schema, "k"), "v");
        cr_assert_eq(r.value->schema, r.value_schema);
        /* Leaves under an optional struct become optional. */
        f = schema_field(r.value_schema, "a.b");
        cr_assert(f->schema->optional);
        cr_assert_eq(f->schema->type, CONNECTD_VAL_INT32);
        cr_assert(schema_field(r.value_schema, "a.deep.q")->schema->optional);
        f = schema_field(r.value_schema, "c");
        cr_assert_not(f->schema->optional);
        cr_assert_eq(f->schema->type, CONNECTD_VAL_ARRAY);
        cr_assert_eq(f->schema->value_schema, &schema_int32);
        cr_assert_eq(ival(r.value, "a.b"), 1);
        cr_assert_str_eq(sval(r.value, "a.deep.q"), "x");
        cr_assert_eq(val_get(r.value, "c", NULL), items);
        cr_assert_null(val_get(r.value, "s", NULL));
        /* Inputs untouched. */
        cr_assert_str_eq(schema_names(top), "a,c,s");
        cr_assert_eq(v->schema, top);
        c->close(st);
}

Test(xf, flatten_struct_null_nested_and_defaults)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connect_schema_t *inner = sstruct(), *top = sstruct();
        connect_schema_t *b = schema_copy(A, &schema_int32);
        connectd_value_t *dflt;

        field(inner, "b", &schema_int32);
        field(inner, "c", b);
        b->default_value = i32(9);
        dflt = put(put(val_struct(A, inner), "b", i32(4)), "c", i32(5));
        inner->optional = 1;
        inner->default_value = dflt;
        field(top, "a", inner);
        field(top, "x", &schema_int32);
        /* A null nested struct with a default struct: its values. */
        r.value_schema = top;
        r.value = put(val_struct(A, top), "x", i32(1));
        apply_ok(c, st, &r);
        cr_assert_eq(ival(r.value, "a.b"), 4);
        cr_assert_eq(ival(r.value, "a.c"), 5);
        /* Defaults: own one first, else the ancestor default's value. */
        cr_assert_eq(schema_field(r.value_schema, "a.b")->schema
                             ->default_value->u.i, 4);
        cr_assert_eq(schema_field(r.value_schema, "a.c")->schema
                             ->default_value->u.i, 9);
        c->close(st);
}

Test(xf, flatten_struct_null_nested_leaves_unset)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connect_schema_t *inner = sstruct(), *top = sstruct();

        field(inner, "b", &schema_int32);
        inner->optional = 1;
        field(top, "a", inner);
        field(top, "x", &schema_int32);
        r.value_schema = top;
        r.value = put(val_struct(A, top), "x", i32(1));
        apply_ok(c, st, &r);
        cr_assert_str_eq(schema_names(r.value_schema), "a.b,x");
        cr_assert_null(val_get(r.value, "a.b", NULL));
        cr_assert_eq(ival(r.value, "x"), 1);
        c->close(st);
}

Test(xf, flatten_struct_map_field_and_collision)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connect_schema_t *m = schema_new(A, CONNECTD_VAL_MAP);
        connect_schema_t *inner = sstruct(), *top = sstruct(), *t2 = sstruct();

        m->key_schema = &schema_string;
        m->value_schema = &schema_string;
        field(inner, "m", m);
        field(top, "a", inner);
        r.value_schema = top;
        r.value = put(val_struct(A, top), "a", val_struct(A, inner));
        apply_fail(c, st, &r, XERR_DATA,
                   "Flatten transformation does not support MAP for record "
                   "with schemas (for field a.m).");
        inner = sstruct();
        field(inner, "b", &schema_int32);
        field(t2, "a", inner);
        field(t2, "a.b", &schema_int32);
        r.value_schema = t2;
        r.value = val_struct(A, t2);
        apply_fail(c, st, &r, XERR_SCHEMA_BUILDER,
                   "Cannot create field because of field name duplication "
                   "a.b");
        c->close(st);
}

Test(xf, flatten_struct_required_null)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connect_schema_t *inner = sstruct(), *top = sstruct();

        field(inner, "b", &schema_int32);
        field(top, "a", inner);
        r.value_schema = top;
        r.value = put(val_struct(A, top), "a", val_struct(A, inner));
        apply_fail(c, st, &r, XERR_DATA,
                   "Invalid value: null used for required field: \"a.b\", "
                   "schema type: INT32");
        c->close(st);
}

Test(xf, flatten_defs)
{
        const connectd_config_def_t *d = def(&xf_flatten_key, "delimiter");

        cr_assert_str_eq(d->default_value, ".");
        cr_assert_eq(d->type, CONNECTD_CFG_STRING);
        cr_assert_null(xf_flatten_key.alias);
}

/* ---- HeaderFrom (§2.6, checklist 7) ---------------------------------- */

Test(xf, header_from_move_schemaless)
{
        const xform_class_t *c = &xf_header_from_value;
        void *st = cfg(c, json_pack("{s:s,s:s,s:s}", "fields", "id,missing",
                                    "headers", "h,h2", "operation", "move"));
        xrecord_t r = rec();
        connectd_value_t *in = put(put(obj(), "id", i32(5)), "x", str("y"));
        const connect_header_t *h;

        headers_add(A, &r.headers, "h", NULL, str("old"));
        r.value = in;
        apply_ok(c, st, &r);
        cr_assert_str_eq(names(r.value), "x");
        cr_assert_str_eq(names(in), "id,x", "input untouched");
        cr_assert_str_eq(header_names(&r), "h,h,h2");
        h = headers_last(&r.headers, "h");
        cr_assert_eq(h->value->u.i, 5);
        cr_assert_null(h->schema);
        cr_assert_null(headers_last(&r.headers, "h2")->value);
        c->close(st);
}

Test(xf, header_from_copy_struct_key)
{
        const xform_class_t *c = &xf_header_from_key;
        void *st = cfg(c, json_pack("{s:s,s:s,s:s}", "fields", "id",
                                    "headers", "h", "operation", "copy"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();
        connectd_value_t *k;

        field(field(s, "id", &schema_int32), "n", &schema_string);
        k = put(put(val_struct(A, s), "id", i32(7)), "n", str("a"));
        r.key_schema = s;
        r.key = k;
        apply_ok(c, st, &r);
        cr_assert_eq(r.key, k);
        cr_assert_eq(r.key_schema, s);
        cr_assert_eq(headers_last(&r.headers, "h")->schema, &schema_int32);
        cr_assert_eq(headers_last(&r.headers, "h")->value->u.i, 7);
        c->close(st);
}

Test(xf, header_from_move_struct)
{
        const xform_class_t *c = &xf_header_from_value;
        void *st = cfg(c, json_pack("{s:s,s:s,s:s}", "fields", "id",
                                    "headers", "h", "operation", "move"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        s->name = "rec";
        field(field(s, "id", &schema_int32), "n", &schema_string);
        r.value_schema = s;
        r.value = put(put(val_struct(A, s), "id", i32(7)), "n", str("a"));
        apply_ok(c, st, &r);
        cr_assert_str_eq(schema_names(r.value_schema), "n");
        cr_assert_str_eq(r.value_schema->name, "rec");
        cr_assert_str_eq(names(r.value), "n");
        cr_assert_eq(r.value->schema, r.value_schema);
        cr_assert_str_eq(schema_names(s), "id,n");
        cr_assert_eq(headers_last(&r.headers, "h")->value->u.i, 7);
        cr_assert_eq(headers_last(&r.headers, "h")->schema, &schema_int32);
        c->close(st);
}

Test(xf, header_from_tombstone_and_missing_field)
{
        const xform_class_t *mv = &xf_header_from_value;
        void *st = cfg(mv, json_pack("{s:s,s:s,s:s}", "fields", "id",
                                     "headers", "h", "operation", "move"));
        void *cp = cfg(mv, json_pack("{s:s,s:s,s:s}", "fields", "zz",
                                     "headers", "h", "operation", "copy"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        apply_fail(mv, st, &r, XERR_DATA,
                   "Only Map objects supported in absence of schema for "
                   "[header move], found: null");
        field(s, "id", &schema_int32);
        r.value_schema = s;
        apply_fail(mv, cp, &r, XERR_DATA,
                   "Only Struct objects supported for [header copy], found: "
                   "null");
        r.value = put(val_struct(A, s), "id", i32(1));
        apply_fail(mv, cp, &r, XERR_NPE,
                   "Cannot invoke \"org.apache.kafka.connect.data.Field."
                   "schema()\" because the return value of \"org.apache."
                   "kafka.connect.data.Schema.field(String)\" is null");
        cr_assert_eq(r.headers.count, 0, "no header on failure");
        mv->close(st);
        mv->close(cp);
}

Test(xf, header_from_replace_null_with_default)
{
        const xform_class_t *c = &xf_header_from_value;
        void *on = cfg(c, json_pack("{s:s,s:s,s:s}", "fields", "d",
                                    "headers", "h", "operation", "copy"));
        void *off = cfg(c, json_pack("{s:s,s:s,s:s,s:s}", "fields", "d",
                                     "headers", "h", "operation", "copy",
                                     "replace.null.with.default", "FALSE"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct(), *d = schema_copy(A, &schema_opt_int32);

        d->default_value = i32(3);
        field(s, "d", d);
        r.value_schema = s;
        r.value = val_struct(A, s);
        apply_ok(c, on, &r);
        cr_assert_eq(headers_last(&r.headers, "h")->value->u.i, 3);
        r.headers.head = r.headers.tail = NULL;
        r.headers.count = 0;
        apply_ok(c, off, &r);
        cr_assert_null(headers_last(&r.headers, "h")->value);
        c->close(on);
        c->close(off);
}

Test(xf, header_from_config)
{
        const xform_class_t *c = &xf_header_from_key;

        cfg_fail(c, json_pack("{s:s,s:s,s:s}", "fields", "a,b", "headers",
                              "h", "operation", "move"),
                 XERR_CONFIG,
                 "'fields' config must have the same number of elements as "
                 "'headers' config.");
        cfg_fail(c, json_pack("{s:s,s:s,s:s}", "fields", "a", "headers", "h",
                              "operation", "Move"),
                 XERR_CONFIG,
                 "Invalid value Move for configuration operation: String "
                 "must be one of: move, copy");
        cfg_fail(c, json_pack("{s:s,s:s}", "fields", "a", "headers", "h"),
                 XERR_CONFIG,
                 "Missing required configuration \"operation\" which has no "
                 "default value.");
        cr_assert_str_eq(validate(c, "operation", "cut"),
                         "String must be one of: move, copy");
        cr_assert_str_eq(validate(c, "operation", NULL),
                         "String must be one of: move, copy");
        cr_assert_null(validate(c, "operation", "copy"));
        cr_assert_str_eq(validate(c, "fields", ""), "Empty list");
        cr_assert_str_eq(def(c, "replace.null.with.default")->default_value,
                         "true");
}

/* ---- InsertField (§2.8, checklist 9) --------------------------------- */

Test(xf, insert_field_struct_all)
{
        const xform_class_t *c = &xf_insert_field_value;
        void *st = cfg(c, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
                                    "topic.field", "t!",
                                    "partition.field", "p?",
                                    "offset.field", "o",
                                    "timestamp.field", " ts ",
                                    "static.field", "sf!",
                                    "static.value", "sv"));
        xrecord_t r = sink_rec();
        connect_schema_t *s = sstruct();
        const connect_schema_t *ns;

        s->name = "v";
        field(s, "id", &schema_int32);
        r.value_schema = s;
        r.value = put(val_struct(A, s), "id", i32(1));
        apply_ok(c, st, &r);
        ns = r.value_schema;
        cr_assert_str_eq(schema_names(ns), "id,t,p,o,ts,sf");
        cr_assert_str_eq(ns->name, "v");
        cr_assert_eq(schema_field(ns, "t")->schema, &schema_string);
        cr_assert_eq(schema_field(ns, "p")->schema, &schema_opt_int32);
        cr_assert_eq(schema_field(ns, "o")->schema, &schema_opt_int64);
        cr_assert(schema_is_logical(schema_field(ns, "ts")->schema,
                                    LOGICAL_TIMESTAMP));
        cr_assert(schema_field(ns, "ts")->schema->optional);
        cr_assert_eq(schema_field(ns, "ts")->schema->version, 1);
        cr_assert_eq(schema_field(ns, "sf")->schema, &schema_string);
        cr_assert_eq(r.value->schema, ns);
        cr_assert_eq(ival(r.value, "id"), 1);
        cr_assert_str_eq(sval(r.value, "t"), "orders");
        cr_assert_eq(ival(r.value, "p"), 3);
        cr_assert_eq(ival(r.value, "o"), 42);
        cr_assert_eq(ival(r.value, "ts"), 1700000000000LL);
        cr_assert_str_eq(sval(r.value, "sf"), "sv");
        cr_assert_str_eq(schema_names(s), "id", "input schema untouched");
        c->close(st);
}

Test(xf, insert_field_required_topic_and_missing_metadata)
{
        const xform_class_t *c = &xf_insert_field_value;
        void *st = cfg(c, json_pack("{s:s,s:s,s:s}", "topic.field", "t!",
                                    "partition.field", "p",
                                    "timestamp.field", "ts"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        r.partition = -1;
        r.has_timestamp = 0;
        field(s, "id", &schema_int32);
        r.value_schema = s;
        r.value = put(val_struct(A, s), "id", i32(1));
        apply_ok(c, st, &r);
        cr_assert_eq(schema_field(r.value_schema, "t")->schema->type,
                     CONNECTD_VAL_STRING);
        cr_assert_not(schema_field(r.value_schema, "t")->schema->optional);
        cr_assert_null(val_get(r.value, "p", NULL));
        cr_assert_null(val_get(r.value, "ts", NULL));
        c->close(st);
}

Test(xf, insert_field_schemaless)
{
        const xform_class_t *c = &xf_insert_field_value;
        void *st = cfg(c, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
                                    "topic.field", "t",
                                    "partition.field", "p",
                                    "offset.field", "o!",
                                    "timestamp.field", "ts",
                                    "static.field", "id",
                                    "static.value", "sv"));
        xrecord_t r = sink_rec();
        connectd_value_t *in = put(obj(), "id", i32(1));

        r.value = in;
        apply_ok(c, st, &r);
        cr_assert_null(r.value_schema);
        cr_assert_str_eq(names(r.value), "id,t,p,o,ts");
        cr_assert_str_eq(sval(r.value, "id"), "sv", "overwritten");
        cr_assert_eq(val_get(r.value, "p", NULL)->type, CONNECTD_VAL_INT32);
        cr_assert_eq(val_get(r.value, "o", NULL)->type, CONNECTD_VAL_INT64);
        cr_assert_eq(val_get(r.value, "ts", NULL)->type, CONNECTD_VAL_INT64);
        cr_assert_eq(ival(r.value, "o"), 42);
        cr_assert_str_eq(names(in), "id", "input untouched");
        cr_assert_eq(ival(in, "id"), 1);
        c->close(st);
}

Test(xf, insert_field_offset_on_source)
{
        const xform_class_t *c = &xf_insert_field_key;
        void *st = cfg(c, json_pack("{s:s}", "offset.field", "o"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        r.key = put(obj(), "a", i32(1));
        apply_fail(c, st, &r, XERR_DATA,
                   "Only SinkRecord supported for [field insertion], found: "
                   "org.apache.kafka.connect.source.SourceRecord");
        field(s, "a", &schema_int32);
        r.key_schema = s;
        r.key = put(val_struct(A, s), "a", i32(1));
        apply_fail(c, st, &r, XERR_DATA,
                   "Only SinkRecord supported for [field insertion], found: "
                   "org.apache.kafka.connect.source.SourceRecord");
        c->close(st);
}

Test(xf, insert_field_null_wrong_type_and_clash)
{
        const xform_class_t *c = &xf_insert_field_value;
        void *st = cfg(c, json_pack("{s:s}", "topic.field", "id"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        apply_ok(c, st, &r);
        cr_assert_null(r.value);
        field(s, "id", &schema_int32);
        r.value_schema = s;
        apply_ok(c, st, &r);
        cr_assert_eq(r.value_schema, s);
        cr_assert_null(r.value);
        r.value = put(val_struct(A, s), "id", i32(1));
        apply_fail(c, st, &r, XERR_SCHEMA_BUILDER,
                   "Cannot create field because of field name duplication "
                   "id");
        r.value_schema = NULL;
        r.value = val_int(A, CONNECTD_VAL_INT64, 5);
        apply_fail(c, st, &r, XERR_DATA,
                   "Only Map objects supported in absence of schema for "
                   "[field insertion], found: java.lang.Long");
        r.value_schema = &schema_int64;
        apply_fail(c, st, &r, XERR_DATA,
                   "Only Struct objects supported for [field insertion], "
                   "found: java.lang.Long");
        c->close(st);
}

Test(xf, insert_field_replace_null_with_default)
{
        const xform_class_t *c = &xf_insert_field_value;
        void *on = cfg(c, json_pack("{s:s}", "topic.field", "t"));
        void *off = cfg(c, json_pack("{s:s,s:s}", "topic.field", "t",
                                     "replace.null.with.default", "false"));
        xrecord_t r = rec(), r2;
        connect_schema_t *s = sstruct(), *d = schema_copy(A, &schema_opt_int32);

        d->default_value = i32(3);
        field(s, "d", d);
        r.value_schema = s;
        r.value = val_struct(A, s);
        r2 = r;
        apply_ok(c, on, &r);
        cr_assert_eq(ival(r.value, "d"), 3);
        apply_ok(c, off, &r2);
        cr_assert_null(val_get(r2.value, "d", NULL));
        c->close(on);
        c->close(off);
}

Test(xf, insert_field_config)
{
        const xform_class_t *c = &xf_insert_field_value;
        void *st = NULL;
        xerr_t e;
        json_t *p = json_pack("{s:s}", "static.field", "s");

        cfg_fail(c, json_object(), XERR_CONFIG,
                 "No field insertion configured");
        cfg_fail(c, json_pack("{s:s}", "static.value", "v"), XERR_CONFIG,
                 "No field insertion configured");
        cfg_fail(c, json_pack("{s:s,s:s}", "topic.field", "t",
                              "replace.null.with.default", "yes"),
                 XERR_CONFIG,
                 "Invalid value yes for configuration "
                 "replace.null.with.default: Expected value to be either "
                 "true or false");
        memset(&e, 0, sizeof(e));
        cr_assert_eq(c->configure(p, &st, &e), -1);
        json_decref(p);
        cr_assert_str_eq(e.cls, XERR_CONFIG);
        cr_assert(strncmp(e.msg,
                          "Invalid value null for configuration static.value: "
                          "No value specified for static field: "
                          "org.apache.kafka.connect.transforms."
                          "InsertField$InsertionSpec@",
                          strlen("Invalid value null for configuration "
                                 "static.value: No value specified for "
                                 "static field: org.apache.kafka.connect."
                                 "transforms.InsertField$InsertionSpec@")) ==
                  0, "%s", e.msg);
        cr_assert(def(c, "static.value")->optional);
        cr_assert_null(def(c, "topic.field")->default_value);
}

/* ---- SetSchemaMetadata (§2.13, checklist 14) ------------------------- */

Test(xf, set_schema_metadata_renames_struct)
{
        const xform_class_t *c = &xf_set_schema_metadata_value;
        void *st = cfg(c, json_pack("{s:s}", "schema.name", "n"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();
        connectd_value_t *v;

        s->name = "old";
        s->has_version = 1;
        s->version = 2;
        s->doc = "d";
        s->optional = 1;
        field(s, "id", &schema_int32);
        v = put(val_struct(A, s), "id", i32(1));
        r.value_schema = s;
        r.value = v;
        apply_ok(c, st, &r);
        cr_assert_str_eq(r.value_schema->name, "n");
        cr_assert_eq(r.value_schema->version, 2);
        cr_assert_str_eq(r.value_schema->doc, "d");
        cr_assert(r.value_schema->optional);
        cr_assert_str_eq(schema_names(r.value_schema), "id");
        cr_assert_eq(r.value->schema, r.value_schema, "struct rebuilt");
        cr_assert_eq(ival(r.value, "id"), 1);
        cr_assert_str_eq(s->name, "old");
        cr_assert_eq(v->schema, s);
        c->close(st);
}

Test(xf, set_schema_metadata_version_key_and_primitives)
{
        const xform_class_t *c = &xf_set_schema_metadata_key;
        void *st = cfg(c, json_pack("{s:s}", "schema.version", " 5 "));
        xrecord_t r = rec();
        connectd_value_t *k = str("k");

        r.key_schema = &schema_string;
        r.key = k;
        apply_ok(c, st, &r);
        cr_assert_eq(r.key_schema->type, CONNECTD_VAL_STRING);
        cr_assert(r.key_schema->has_version);
        cr_assert_eq(r.key_schema->version, 5);
        cr_assert_null(r.key_schema->name);
        cr_assert_eq(r.key, k);
        /* A null with a schema: the schema changes, the value stays. */
        r.key = NULL;
        apply_ok(c, st, &r);
        cr_assert_eq(r.key_schema->version, 5);
        cr_assert_null(r.key);
        c->close(st);
}

Test(xf, set_schema_metadata_schemaless)
{
        const xform_class_t *c = &xf_set_schema_metadata_value;
        void *st = cfg(c, json_pack("{s:s,s:s}", "schema.name", "n",
                                    "schema.version", "1"));
        xrecord_t r = rec();

        apply_ok(c, st, &r);
        cr_assert_null(r.value_schema);
        cr_assert_null(r.value);
        r.value = put(obj(), "a", i32(1));
        apply_fail(c, st, &r, XERR_DATA,
                   "Schema required for [updating schema metadata]");
        c->close(st);
}

Test(xf, set_schema_metadata_config)
{
        const xform_class_t *c = &xf_set_schema_metadata_value;

        cfg_fail(c, json_object(), XERR_CONFIG,
                 "Neither schema name nor version configured");
        cfg_fail(c, json_pack("{s:s}", "schema.version", "x1"), XERR_CONFIG,
                 "Invalid value x1 for configuration schema.version: Not a "
                 "number of type INT");
        cfg_fail(c, json_pack("{s:s}", "schema.version", "2147483648"),
                 XERR_CONFIG,
                 "Invalid value 2147483648 for configuration schema.version: "
                 "Not a number of type INT");
        cr_assert_eq(def(c, "schema.version")->type, CONNECTD_CFG_INT);
        cr_assert(def(c, "schema.name")->optional);
}

Test(xf, set_schema_metadata_replace_null_with_default)
{
        const xform_class_t *c = &xf_set_schema_metadata_value;
        void *off = cfg(c, json_pack("{s:s,s:s}", "schema.name", "n",
                                     "replace.null.with.default", "false"));
        void *on = cfg(c, json_pack("{s:s}", "schema.name", "n"));
        xrecord_t r = rec(), r2;
        connect_schema_t *s = sstruct(), *d = schema_copy(A, &schema_opt_int32);

        d->default_value = i32(3);
        field(s, "d", d);
        r.value_schema = s;
        r.value = val_struct(A, s);
        r2 = r;
        apply_ok(c, off, &r);
        cr_assert_null(val_get(r.value, "d", NULL));
        apply_ok(c, on, &r2);
        cr_assert_eq(ival(r2.value, "d"), 3);
        c->close(on);
        c->close(off);
}

/* ---- ValueToKey (§2.16, checklist 17, 18) ---------------------------- */

Test(xf, value_to_key_struct)
{
        const xform_class_t *c = &xf_value_to_key;
        void *st = cfg(c, json_pack("{s:s}", "fields", "id,n"));
        xrecord_t r = sink_rec();
        connect_schema_t *s = sstruct();
        connectd_value_t *v;

        s->name = "val";
        field(field(field(s, "x", &schema_string), "n", &schema_opt_string),
              "id", &schema_int32);
        v = put(put(val_struct(A, s), "x", str("a")), "id", i32(9));
        r.value_schema = s;
        r.value = v;
        r.key = str("old");
        apply_ok(c, st, &r);
        cr_assert_str_eq(schema_names(r.key_schema), "id,n");
        cr_assert_null(r.key_schema->name);
        cr_assert_not(r.key_schema->optional);
        cr_assert_eq(schema_field(r.key_schema, "id")->schema, &schema_int32);
        cr_assert_eq(r.key->schema, r.key_schema);
        cr_assert_eq(ival(r.key, "id"), 9);
        cr_assert_null(val_get(r.key, "n", NULL));
        cr_assert_eq(r.value, v);
        cr_assert_eq(r.value_schema, s);
        c->close(st);
}

Test(xf, value_to_key_missing_and_null)
{
        const xform_class_t *c = &xf_value_to_key;
        void *st = cfg(c, json_pack("{s:s}", "fields", "id,x"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        field(s, "id", &schema_int32);
        r.value_schema = s;
        r.value = put(val_struct(A, s), "id", i32(1));
        apply_fail(c, st, &r, XERR_DATA, "Field does not exist: x");
        r.value = NULL;
        apply_fail(c, st, &r, XERR_DATA,
                   "Only Struct objects supported for [copying fields from "
                   "value to key], found: null");
        r.value_schema = NULL;
        apply_fail(c, st, &r, XERR_DATA,
                   "Only Map objects supported in absence of schema for "
                   "[copying fields from value to key], found: null");
        c->close(st);
}

Test(xf, value_to_key_schemaless)
{
        const xform_class_t *c = &xf_value_to_key;
        void *st = cfg(c, json_pack("{s:s}", "fields", "id, x"));
        xrecord_t r = rec();

        r.key_schema = &schema_string;
        r.key = str("old");
        r.value = put(put(obj(), "id", i32(1)), "y", i32(2));
        apply_ok(c, st, &r);
        cr_assert_null(r.key_schema);
        cr_assert_str_eq(names(r.key), "id,x");
        cr_assert_eq(ival(r.key, "id"), 1);
        cr_assert_null(val_get(r.key, "x", NULL));
        c->close(st);
}

Test(xf, value_to_key_replace_null_with_default)
{
        const xform_class_t *c = &xf_value_to_key;
        void *off = cfg(c, json_pack("{s:s,s:s}", "fields", "d",
                                     "replace.null.with.default", "false"));
        void *on = cfg(c, json_pack("{s:s}", "fields", "d"));
        void *req = cfg(c, json_pack("{s:s,s:s}", "fields", "r",
                                     "replace.null.with.default", "false"));
        xrecord_t r = rec(), r2, r3;
        connect_schema_t *s = sstruct(), *d = schema_copy(A, &schema_opt_int32);
        connect_schema_t *rq = schema_copy(A, &schema_int32);

        d->default_value = i32(3);
        rq->default_value = i32(4);
        field(field(s, "d", d), "r", rq);
        r.value_schema = s;
        r.value = val_struct(A, s);
        r2 = r;
        r3 = r;
        apply_ok(c, off, &r);
        cr_assert_null(val_get(r.key, "d", NULL));
        apply_ok(c, on, &r2);
        cr_assert_eq(ival(r2.key, "d"), 3);
        /* Java's Struct.put refuses the null for a required field. */
        apply_fail(c, req, &r3, XERR_DATA,
                   "Invalid value: null used for required field: \"r\", "
                   "schema type: INT32");
        c->close(on);
        c->close(off);
        c->close(req);
}

Test(xf, value_to_key_config)
{
        const xform_class_t *c = &xf_value_to_key;

        cfg_fail(c, json_pack("{s:s}", "fields", ""), XERR_CONFIG,
                 "Invalid value [] for configuration fields: Empty list");
        cr_assert_str_eq(validate(c, "fields", ""), "Empty list");
        c->close(cfg(c, json_pack("{s:s}", "fields", "a,a")));
        cr_assert_str_eq(c->alias, "ValueToKey");
}

Test(xf, value_to_key_duplicate_field)
{
        const xform_class_t *c = &xf_value_to_key;
        void *st = cfg(c, json_pack("{s:s}", "fields", "id,id"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        field(s, "id", &schema_int32);
        r.value_schema = s;
        r.value = put(val_struct(A, s), "id", i32(1));
        apply_fail(c, st, &r, XERR_SCHEMA_BUILDER,
                   "Cannot create field because of field name duplication "
                   "id");
        c->close(st);
}

/* ---- InsertHeader (§2.9, checklist 10) ------------------------------- */

#if defined(__has_include)
#if __has_include("runtime/values.h") /* not libc's <values.h> */
#include "values.h"
#define HAVE_VALUES 1
#endif
#endif

Test(xf, insert_header_appends_on_tombstones)
{
        const xform_class_t *c = &xf_insert_header;
        void *st = cfg(c, json_pack("{s:s,s:s}", "header", " h ",
                                    "value.literal", "text value"));
        xrecord_t r = rec();
        const connect_header_t *h;

        headers_add(A, &r.headers, "h", NULL, str("old"));
        apply_ok(c, st, &r);
        cr_assert_null(r.value);
        cr_assert_str_eq(header_names(&r), "h,h");
        h = headers_last(&r.headers, "h");
        cr_assert_eq(h->schema->type, CONNECTD_VAL_STRING);
        cr_assert_str_eq(h->value->u.s.ptr, "text value");
        c->close(st);
}

Test(xf, insert_header_config)
{
        const xform_class_t *c = &xf_insert_header;

        cfg_fail(c, json_pack("{s:s}", "value.literal", "x"), XERR_CONFIG,
                 "Missing required configuration \"header\" which has no "
                 "default value.");
        cfg_fail(c, json_pack("{s:s}", "header", "h"), XERR_CONFIG,
                 "Missing required configuration \"value.literal\" which has "
                 "no default value.");
        cr_assert_str_eq(validate(c, "header", NULL),
                         "entry must be non null");
        cr_assert_str_eq(validate(c, "value.literal", NULL),
                         "entry must be non null");
        cr_assert_null(validate(c, "value.literal", ""));
        cr_assert_str_eq(c->alias, "InsertHeader");
}

#ifdef HAVE_VALUES
/* The literal as Values.parseString reads it, once, at configure time. */
static const connect_header_t *literal_header(const char *lit, void **st)
{
        xrecord_t r = rec();

        *st = cfg(&xf_insert_header,
                  json_pack("{s:s,s:s}", "header", "h", "value.literal", lit));
        apply_ok(&xf_insert_header, *st, &r);
        return headers_last(&r.headers, "h");
}

Test(xf, insert_header_parses_literal)
{
        void *st;
        const connect_header_t *h;
        char *text;

        h = literal_header("007", &st);
        cr_assert_eq(h->schema->type, CONNECTD_VAL_INT8);
        cr_assert_eq(h->value->u.i, 7);
        text = values_to_string(h->schema, h->value);
        cr_assert_str_eq(text, "7");
        free(text);
        xf_insert_header.close(st);
        h = literal_header(" true ", &st);
        cr_assert_eq(h->schema->type, CONNECTD_VAL_BOOLEAN);
        cr_assert_eq(h->value->u.i, 1);
        xf_insert_header.close(st);
        h = literal_header("null", &st);
        cr_assert_null(h->schema);
        cr_assert(value_is_null(h->value));
        xf_insert_header.close(st);
        h = literal_header("70000", &st);
        cr_assert_eq(h->schema->type, CONNECTD_VAL_INT32);
        xf_insert_header.close(st);
        h = literal_header("1.5", &st);
        cr_assert_eq(h->schema->type, CONNECTD_VAL_FLOAT32);
        xf_insert_header.close(st);
        h = literal_header("", &st);
        cr_assert_eq(h->schema->type, CONNECTD_VAL_STRING);
        cr_assert_str_eq(h->value->u.s.ptr, "");
        xf_insert_header.close(st);
}
#endif

/* ---- struct members out of schema order ------------------------------ */

Test(xf, struct_members_out_of_schema_order)
{
        const xform_class_t *c = &xf_set_schema_metadata_value;
        const xform_class_t *hf = &xf_header_from_value;
        void *st = cfg(c, json_pack("{s:s}", "schema.name", "n"));
        void *mv = cfg(hf, json_pack("{s:s,s:s,s:s}", "fields", "b",
                                     "headers", "h", "operation", "move"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct();

        field(field(field(s, "a", &schema_int32), "b", &schema_int32), "c",
              &schema_int32);
        r.value_schema = s;
        r.value = put(put(put(val_struct(A, s), "c", i32(3)), "a", i32(1)),
                      "b", i32(2));
        apply_ok(c, st, &r);
        cr_assert_str_eq(names(r.value), "a,b,c");
        cr_assert_eq(ival(r.value, "a"), 1);
        cr_assert_eq(ival(r.value, "b"), 2);
        cr_assert_eq(ival(r.value, "c"), 3);
        r.value = put(put(put(val_struct(A, s), "b", i32(2)), "c", i32(3)),
                      "a", i32(1));
        apply_ok(hf, mv, &r);
        cr_assert_str_eq(names(r.value), "a,c");
        cr_assert_eq(ival(r.value, "a"), 1);
        cr_assert_eq(ival(r.value, "c"), 3);
        cr_assert_eq(headers_last(&r.headers, "h")->value->u.i, 2);
        c->close(st);
        hf->close(mv);
}

Test(xf, header_from_null_needs_optional_schema)
{
        const xform_class_t *c = &xf_header_from_value;
        void *off = cfg(c, json_pack("{s:s,s:s,s:s,s:s}", "fields", "r",
                                     "headers", "h", "operation", "copy",
                                     "replace.null.with.default", "false"));
        xrecord_t r = rec();
        connect_schema_t *s = sstruct(), *rq = schema_copy(A, &schema_int32);

        rq->default_value = i32(4);
        rq->name = "n";
        field(s, "r", rq);
        r.value_schema = s;
        r.value = val_struct(A, s);
        apply_fail(c, off, &r, XERR_DATA,
                   "A null value requires an optional schema but was "
                   "Schema{n:INT32}");
        cr_assert_eq(r.headers.count, 0);
        c->close(off);
}

Test(xf, flatten_struct_member_of_wrong_type)
{
        const xform_class_t *c = &xf_flatten_value;
        void *st = cfg(c, json_object());
        xrecord_t r = rec();
        connect_schema_t *inner = sstruct(), *top = sstruct();

        field(inner, "b", &schema_int32);
        field(top, "a", inner);
        r.value_schema = top;
        r.value = put(val_struct(A, top), "a", i32(1));
        apply_fail(c, st, &r, XERR_DATA,
                   "Invalid Java object for schema with type STRUCT: class "
                   "java.lang.Integer for field: \"a\"");
        c->close(st);
}
