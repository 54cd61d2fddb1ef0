/*
 * Unit tests for the host-table functions added with the record pipeline
 * (server/runtime/record_abi.c) and for plugin transforms (plugins.c's
 * wrapper), driven through real plugins against the worker's real host
 * table: a plugin built against the first edition of the header, the
 * records test plugin (headers, timestamps, schemas, every value type,
 * transforms and predicates), and the example uppercase_field plugin.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins.h"
#include "record.h"
#include "record_abi.h"
#include "transform.h"

#ifndef CONNECTD_BUILD_DIR_DEFAULT
#define CONNECTD_BUILD_DIR_DEFAULT "."
#endif

static const connectd_host_t *H = &connectd_host;

static const char *so_path(const char *sub, const char *name)
{
        static char buf[4][1024];
        static int i;
        const char *d = getenv("CONNECTD_BUILD_DIR");
        char *p = buf[i++ % 4];

        snprintf(p, sizeof(buf[0]), "%s/%s/%s.so",
                 d && *d ? d : CONNECTD_BUILD_DIR_DEFAULT, sub, name);
        return p;
}

static void load(const char *sub, const char *name)
{
        char errstr[1024] = "";

        cr_assert_eq(plugins_load_file(so_path(sub, name), errstr,
                                       sizeof(errstr)),
                     0, "%s.so: %s", name, errstr);
}

/* A config map from "k", "v", ..., NULL. */
static json_t *cfg_of(const char *k, ...)
{
        json_t *o = json_object();
        va_list ap;

        va_start(ap, k);
        for (; k; k = va_arg(ap, const char *))
                json_object_set_new(o, k,
                                    json_string(va_arg(ap, const char *)));
        va_end(ap);
        return o;
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "r");
        char *buf = calloc(1, 1 << 16);

        cr_assert_not_null(f, "%s", path);
        cr_assert_not_null(buf);
        fread(buf, 1, (1 << 16) - 1, f);
        fclose(f);
        return buf;
}

static void tmp_file(char *buf, size_t n)
{
        const char *t = getenv("TMPDIR");
        int fd;

        snprintf(buf, n, "%s/connectd-abi-XXXXXX", t && *t ? t : "/tmp");
        fd = mkstemp(buf);
        cr_assert_geq(fd, 0);
        close(fd);
}

static void teardown(void)
{
        plugins_reset();
}

TestSuite(record_abi, .fini = teardown);

/* ---- old plugins ----------------------------------------------------- */

/* A plugin compiled against the first edition of plugin.h polls and puts
 * through today's table (whose first part is laid out as it was). */
Test(record_abi, abi1_plugin_polls_and_puts_through_todays_table)
{
        const connectd_connector_desc_t *src, *snk;
        json_t *cfg = cfg_of("topic", "old", "count", "3", NULL);
        batch_t *b = batch_new();
        connectd_record_t *r;
        connectd_sink_record_t sr = {0};
        const connectd_sink_record_t *recs[1] = {&sr};
        connectd_value_t *k, *v;
        void *st = NULL;
        char err[256] = "", path[256], *out;
        arena_t *a = arena_new(0);

        load("test-plugins", "abi1_source");
        src = plugins_find("com.example.test.Abi1SourceConnector");
        cr_assert_not_null(src);
        cr_assert_eq(src->task_start(NULL, (connectd_config_t *)cfg, &st, err,
                                     sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(src->task_poll(st, b, err, sizeof(err)), 3, "%s", err);
        src->task_stop(st);
        r = b->head;
        cr_assert_str_eq(r->topic, "old");
        cr_assert_eq(r->key->type, CONNECTD_VAL_STRING);
        cr_assert_str_eq(r->key->u.s.ptr, "k0");
        cr_assert_eq(r->value->type, CONNECTD_VAL_STRUCT);
        cr_assert_eq(val_get(r->value, "n", NULL)->u.i, 0);
        cr_assert_str_eq(r->source_offset, "{\"n\":0}");
        cr_assert_eq(r->has_timestamp, 0);
        cr_assert_eq(r->headers.count, 0);
        cr_assert_null(r->value_schema);
        cr_assert_str_eq(b->tail->key->u.s.ptr, "k2");

        tmp_file(path, sizeof(path));
        json_object_set_new(cfg, "file", json_string(path));
        snk = plugins_find("Abi1Sink");
        cr_assert_eq(snk->task_start(NULL, (connectd_config_t *)cfg, &st, err,
                                     sizeof(err)),
                     0);
        k = val_string(a, "key", 3);
        v = val_struct(a, NULL);
        val_put(a, v, "a", val_int(a, CONNECTD_VAL_INT64, 5));
        sr = (connectd_sink_record_t){.topic = "t", .partition = 1,
                                      .offset = 42, .key = k, .value = v};
        cr_assert_eq(snk->task_put(st, recs, 1, err, sizeof(err)), 0, "%s",
                     err);
        snk->task_stop(st);
        out = slurp(path);
        /* (the value's text is value_to_text's: Java's toString) */
        cr_assert(!strncmp(out, "t|1|42|key|", 11), "%s", out);
        cr_assert(strstr(out, "a=5"), "%s", out);
        free(out);
        unlink(path);
        batch_destroy(b);
        arena_destroy(a);
        json_decref(cfg);
}

/* ---- source records -------------------------------------------------- */

Test(record_abi, source_sets_headers_timestamp_schemas_and_all_types)
{
        const connectd_connector_desc_t *src;
        json_t *cfg = cfg_of("topic", "recs", "count", "2", NULL);
        batch_t *b = batch_new();
        const connectd_record_t *r;
        const connect_schema_t *s;
        const connect_header_t *h;
        const connectd_value_t *v, *m;
        const connectd_value_t *key;
        const char *name;
        int32_t ver;
        void *st = NULL;
        char err[256] = "";

        load("test-plugins", "records");
        src = plugins_find("RecordsSource");
        cr_assert_eq(src->task_start(NULL, (connectd_config_t *)cfg, &st, err,
                                     sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(src->task_poll(st, b, err, sizeof(err)), 2, "%s", err);
        r = b->tail; /* record 1 */

        cr_assert_eq(r->has_timestamp, 1);
        cr_assert_eq(r->timestamp, 1700000000001LL);
        cr_assert_eq(r->key_schema, &schema_int32);
        cr_assert_eq(r->key->type, CONNECTD_VAL_INT32);
        cr_assert_eq(r->key->u.i, 1);

        /* headers in order, a name repeated */
        cr_assert_eq(r->headers.count, 3);
        h = r->headers.head;
        cr_assert_str_eq(h->name, "h");
        cr_assert_str_eq(h->value->u.s.ptr, "a");
        cr_assert_eq(h->schema, &schema_string);
        h = h->next;
        cr_assert_str_eq(h->name, "h");
        cr_assert_str_eq(h->value->u.s.ptr, "b");
        h = h->next;
        cr_assert_str_eq(h->name, "n");
        cr_assert_eq(h->value->type, CONNECTD_VAL_INT32);
        cr_assert_eq(headers_last(&r->headers, "h"), r->headers.head->next);

        /* the value schema, as built once in the plugin's own arena */
        s = r->value_schema;
        cr_assert_not_null(s);
        cr_assert_eq(s, b->head->value_schema, "one schema, reused");
        cr_assert_str_eq(s->name, "com.example.Rec");
        cr_assert(s->has_version && s->version == 2);
        cr_assert_eq(s->nfields, 7);
        cr_assert_str_eq(s->fields[0].name, "i8");
        cr_assert_eq(s->fields[0].schema, &schema_int8);
        cr_assert_eq(schema_field(s, "tags")->schema->type,
                     CONNECTD_VAL_ARRAY);
        cr_assert_eq(schema_field(s, "tags")->schema->value_schema,
                     &schema_string);
        cr_assert_eq(schema_field(s, "attrs")->schema->key_schema,
                     &schema_string);
        cr_assert_eq(schema_field(s, "opt")->schema, &schema_opt_string);
        /* ... and read back through the table */
        cr_assert_eq(H->schema_field_count((const connectd_schema_t *)s), 7);
        cr_assert_eq(H->schema_type(H->schema_field(
                             (const connectd_schema_t *)s, 3, &name)),
                     CONNECTD_VAL_FLOAT32);
        cr_assert_str_eq(name, "f32");
        cr_assert_null(H->schema_field((const connectd_schema_t *)s, 7,
                                       &name));
        cr_assert_eq(H->schema_version((const connectd_schema_t *)s, &ver), 1);
        cr_assert_eq(ver, 2);

        /* values of every new type */
        v = r->value;
        cr_assert_eq(v->schema, s);
        cr_assert_eq(val_get(v, "i8", NULL)->type, CONNECTD_VAL_INT8);
        cr_assert_eq(H->value_int(val_get(v, "i8", NULL)), 1);
        cr_assert_eq(val_get(v, "i16", NULL)->type, CONNECTD_VAL_INT16);
        cr_assert_eq(H->value_int(val_get(v, "i16", NULL)), 301);
        cr_assert_eq(H->value_int(val_get(v, "i32", NULL)), 70001);
        cr_assert_eq(val_get(v, "f32", NULL)->type, CONNECTD_VAL_FLOAT32);
        cr_assert_float_eq(H->value_double(val_get(v, "f32", NULL)), 1.5,
                           1e-9);
        m = val_get(v, "tags", NULL);
        cr_assert_eq(H->value_count(m), 2);
        cr_assert_str_eq(H->value_member(m, 1, &name, &key)->u.s.ptr, "b");
        cr_assert_null(name);
        cr_assert_null(key);
        m = val_get(v, "attrs", NULL);
        cr_assert_eq(m->type, CONNECTD_VAL_MAP);
        cr_assert_eq(H->value_int(H->value_member(m, 0, &name, &key)), 1);
        cr_assert_str_eq(name, "x");
        cr_assert_eq(key->type, CONNECTD_VAL_STRING);
        cr_assert_eq(H->value_count(v), 7);
        cr_assert_null(H->value_get(v, "opt"), "null field");
        cr_assert_eq(H->value_struct_schema(v), (const connectd_schema_t *)s);

        src->task_stop(st); /* frees the plugin's schema arena */
        batch_destroy(b);
        json_decref(cfg);
}

/* ---- sink records ---------------------------------------------------- */

Test(record_abi, sink_reads_headers_timestamp_type_and_schemas)
{
        const connectd_connector_desc_t *snk;
        arena_t *a = arena_new(0);
        connect_schema_t *vs = schema_new(a, CONNECTD_VAL_STRUCT);
        connectd_sink_record_t sr = {0}, sr2 = {0};
        const connectd_sink_record_t *recs[2] = {&sr, &sr2};
        json_t *cfg;
        void *st = NULL;
        char err[256] = "", path[256], *out;

        tmp_file(path, sizeof(path));
        cfg = cfg_of("file", path, NULL);
        vs->name = "com.example.V";
        sr = (connectd_sink_record_t){
                .topic = "in", .partition = 0, .offset = 7,
                .timestamp = 1234, .timestamp_type = 1,
                .key_schema = &schema_int32,
                .key = val_int(a, CONNECTD_VAL_INT32, 9),
                .value_schema = vs, .value = val_struct(a, vs)};
        headers_add(a, &sr.headers, "h", &schema_string,
                    val_string(a, "a", 1));
        headers_add(a, &sr.headers, "n", &schema_int32,
                    val_int(a, CONNECTD_VAL_INT64, 5));
        headers_add(a, &sr.headers, "h", NULL, NULL);
        sr2 = (connectd_sink_record_t){.topic = "in", .offset = 8,
                                       .timestamp = -1};

        load("test-plugins", "records");
        snk = plugins_find("RecordsSink");
        cr_assert_eq(snk->task_start(NULL, (connectd_config_t *)cfg, &st, err,
                                     sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(snk->task_put(st, recs, 2, err, sizeof(err)), 0, "%s",
                     err);
        snk->task_stop(st);
        out = slurp(path);
        cr_assert_str_eq(out, "in|7|1234|1|9|com.example.V|h=a,n=5,h=null\n"
                              "in|8|-1|0|0|-|\n");
        free(out);

        /* past the end, and NULL records, answer without crashing */
        cr_assert_null(H->sink_record_header(&sr, 3, NULL, NULL));
        cr_assert_eq(H->sink_record_header_count(NULL), 0);
        cr_assert_null(H->sink_record_header(NULL, 0, NULL, NULL));
        cr_assert_eq(H->sink_record_timestamp_type(NULL), CONNECTD_TS_NONE);

        unlink(path);
        json_decref(cfg);
        arena_destroy(a);
}

/* ---- schemas and values ---------------------------------------------- */

Test(record_abi, constructors_check_their_arguments)
{
        connectd_arena_t *a = H->arena_new();
        connectd_schema_t *s = H->schema_new(a, CONNECTD_VAL_STRUCT);
        connectd_schema_t *arr = H->schema_new(a, CONNECTD_VAL_ARRAY);
        const connectd_schema_t *i8 = H->schema_primitive(CONNECTD_VAL_INT8,
                                                          0);
        connectd_value_t *m, *st;
        char name[8] = "f";

        cr_assert_null(H->schema_new(a, CONNECTD_VAL_NULL));
        cr_assert_null(H->schema_primitive(CONNECTD_VAL_STRUCT, 0));
        cr_assert_eq(H->schema_add_field(a, s, name, i8), 0);
        name[0] = 'g'; /* the host copied the name */
        cr_assert_eq(H->schema_add_field(a, s, "f", i8), -2);
        cr_assert_eq(H->schema_add_field(a, arr, "f", i8), -1, "not STRUCT");
        cr_assert_eq(H->schema_set_items(arr, i8, i8), -1, "array + key");
        cr_assert_eq(H->schema_set_items(s, NULL, i8), -1, "struct");
        cr_assert_eq(H->schema_set_items(arr, NULL, i8), 0);
        cr_assert_eq(H->schema_set_param(a, s, "scale", "2"), 0);
        cr_assert_eq(H->schema_set_param(a, s, "scale", "3"), 0);
        cr_assert_str_eq(H->schema_param(s, "scale"), "3");
        cr_assert_eq(((connect_schema_t *)s)->nparams, 1);
        cr_assert_eq(H->schema_version(s, NULL), 0);
        H->schema_set_optional(s, 5);
        cr_assert_eq(H->schema_optional(s), 1);

        cr_assert_null(H->value_of_int(a, CONNECTD_VAL_INT8, 128));
        cr_assert_null(H->value_of_int(a, CONNECTD_VAL_INT16, -32769));
        cr_assert_null(H->value_of_int(a, CONNECTD_VAL_INT32, 1LL << 31));
        cr_assert_null(H->value_of_int(a, CONNECTD_VAL_STRING, 1));
        cr_assert_eq(H->value_int(H->value_of_int(a, CONNECTD_VAL_INT8,
                                                  -128)),
                     -128);
        cr_assert_eq(H->value_int(H->value_of_int(a, CONNECTD_VAL_BOOLEAN,
                                                  7)),
                     1);
        cr_assert_null(H->value_of_float(a, CONNECTD_VAL_INT64, 1.0));
        cr_assert_float_eq(H->value_double(H->value_of_float(
                                   a, CONNECTD_VAL_FLOAT32, 0.1)),
                           (double)0.1f, 0);
        cr_assert_null(H->value_of_struct(a, arr), "not a STRUCT schema");
        cr_assert_null(H->value_of_string(a, NULL, 3));

        m = H->value_of_map(a);
        st = H->value_of_struct(a, NULL);
        cr_assert_eq(H->value_put(a, m, "x", NULL), -1, "put on a map");
        cr_assert_eq(H->value_append(a, st, NULL, NULL), -1, "append struct");
        cr_assert_eq(H->value_append(a, H->value_of_array(a),
                                     H->value_of_null(a), NULL),
                     -1, "array item with a key");
        cr_assert_eq(H->value_put(a, st, "x", H->value_of_int(
                                              a, CONNECTD_VAL_INT64, 1)),
                     0);
        cr_assert_eq(H->value_put(a, st, "x", NULL), 0, "replaces");
        cr_assert_eq(H->value_count(st), 1);
        cr_assert_null(H->value_get(st, "x"));
        cr_assert_null(H->value_member(st, 1, NULL, NULL));
        cr_assert_null(H->value_struct_schema(st));
        H->arena_destroy(a);
}

/* ---- plugin transforms ----------------------------------------------- */

/* A record as the runner would hand it to a chain. */
static xrecord_t *xrec(arena_t *a, const char *topic)
{
        xrecord_t *r = arena_alloc(a, sizeof(*r));
        connect_schema_t *s = schema_new(a, CONNECTD_VAL_STRUCT);

        memset(r, 0, sizeof(*r));
        schema_add_field(a, s, "title", &schema_string);
        schema_add_field(a, s, "n", &schema_int32);
        s->name = "com.example.Book";
        r->arena = a;
        r->topic = topic;
        r->partition = 3;
        r->has_timestamp = 1;
        r->timestamp = 100;
        r->key = val_string(a, "k", 1);
        r->value_schema = s;
        r->value = val_struct(a, s);
        val_put(a, r->value, "title", val_string(a, "dune", 4));
        val_put(a, r->value, "n", val_int(a, CONNECTD_VAL_INT32, 1));
        headers_add(a, &r->headers, "h", &schema_string,
                    val_string(a, "a", 1));
        headers_add(a, &r->headers, "keep", NULL, NULL);
        return r;
}

static void *configure(const xform_class_t *c, json_t *props, xerr_t *err)
{
        void *st = NULL;
        int rc = c->configure(props, &st, err);

        json_decref(props);
        cr_assert_eq(rc, 0, "%s: %s", err->cls, err->msg);
        return st;
}

Test(record_abi, plugin_transform_changes_every_part_of_the_record)
{
        arena_t *a = arena_new(0);
        xrecord_t *r = xrec(a, "books");
        connectd_value_t *orig = r->value;
        const connect_schema_t *vs = r->value_schema;
        const xform_class_t *c;
        xerr_t err = {0};
        void *st;

        load("test-plugins", "records");
        c = xform_lookup("com.example.test.Everything");
        cr_assert_not_null(c);
        /* `tag` is absent: its default "t" reaches configure() */
        st = configure(c, cfg_of("drop", "h", NULL), &err);
        cr_assert_eq(c->apply(st, r, &err), XFORM_KEEP, "%s", err.msg);
        c->close(st);

        cr_assert_str_eq(r->topic, "books-x");
        cr_assert_eq(r->partition, 0);
        cr_assert_eq(r->timestamp, 101);
        cr_assert_eq(r->headers.count, 2);
        cr_assert_str_eq(r->headers.head->name, "keep");
        cr_assert_str_eq(r->headers.tail->name, "x");
        cr_assert_eq(r->headers.tail->value->type, CONNECTD_VAL_INT8);
        cr_assert_eq(r->headers.tail->schema, &schema_int8);
        cr_assert_eq(r->key_schema, &schema_string);
        cr_assert_str_eq(r->key->u.s.ptr, "books");
        cr_assert_neq(r->value, orig, "a copy");
        cr_assert_eq(r->value_schema, vs);
        cr_assert_str_eq(val_get(r->value, "tag", NULL)->u.s.ptr, "t");
        cr_assert_str_eq(val_get(r->value, "title", NULL)->u.s.ptr, "dune");
        cr_assert_eq(orig->u.st.count, 2, "the original is untouched");
        cr_assert_null(val_get(orig, "tag", NULL));
        arena_destroy(a);
}

Test(record_abi, plugin_failures_map_to_java_exceptions)
{
        arena_t *a = arena_new(0);
        xrecord_t *r = xrec(a, "bad");
        const xform_class_t *c;
        xerr_t err = {0};
        void *st = (void *)1;
        json_t *props;

        load("test-plugins", "records");
        /* configure() refusing: ConfigException with the plugin's text */
        c = xform_lookup("com.example.test.Everything");
        props = cfg_of("tag", "bad", NULL);
        cr_assert_eq(c->configure(props, &st, &err), -1);
        json_decref(props);
        cr_assert_null(st);
        cr_assert_str_eq(err.cls, XERR_CONFIG);
        cr_assert_str_eq(err.msg, "tag must not be 'bad'");

        c = xform_lookup("com.example.test.FailOn");
        st = configure(c, cfg_of("topic", "bad", NULL), &err);
        cr_assert_eq(c->apply(st, r, &err), -1);
        cr_assert_str_eq(err.cls, XERR_DATA);
        cr_assert_str_eq(err.msg, "FailOn: record of topic bad");
        cr_assert_eq(err.retriable, 0);
        c->close(st);
        memset(&err, 0, sizeof(err));
        st = configure(c, cfg_of("topic", "bad", "retriable", "true", NULL),
                       &err);
        cr_assert_eq(c->apply(st, r, &err), -1);
        cr_assert_str_eq(err.cls, XERR_RETRIABLE);
        cr_assert_eq(err.retriable, 1);
        c->close(st);
        r->topic = "good";
        st = configure(c, cfg_of("topic", "bad", NULL), &err);
        cr_assert_eq(c->apply(st, r, &err), XFORM_KEEP);
        c->close(st);
        arena_destroy(a);
}

Test(record_abi, plugin_predicate_answers_true_and_false)
{
        arena_t *a = arena_new(0);
        xrecord_t *r = xrec(a, "books");
        const xform_class_t *c;
        xerr_t err = {0};
        void *yes, *no;

        load("test-plugins", "records");
        c = xform_lookup("com.example.test.HasHeader");
        cr_assert_eq(c->kind, XFORM_PREDICATE);
        yes = configure(c, cfg_of("name", "keep", NULL), &err);
        no = configure(c, cfg_of("name", "nope", NULL), &err);
        cr_assert_eq(c->apply(yes, r, &err), 1);
        cr_assert_eq(c->apply(no, r, &err), 0);
        c->close(yes);
        c->close(no);
        arena_destroy(a);
}

/* The example plugin: a struct field upper-cased in a copy, the original
 * text in a header; schemaless objects and whole string values too;
 * tombstones pass; a non-string field fails the record. */
Test(record_abi, example_uppercase_field)
{
        arena_t *a = arena_new(0);
        xrecord_t *r = xrec(a, "books");
        connectd_value_t *orig = r->value;
        const xform_class_t *c, *p;
        xerr_t err = {0};
        void *st, *whole, *bad, *pst;

        load("plugins", "uppercase_field");
        c = xform_lookup("com.example.connectd.UppercaseField");
        cr_assert_not_null(c);
        st = configure(c, cfg_of("field", "title", "header", "orig", NULL),
                       &err);
        cr_assert_eq(c->apply(st, r, &err), XFORM_KEEP, "%s", err.msg);
        cr_assert_str_eq(val_get(r->value, "title", NULL)->u.s.ptr, "DUNE");
        cr_assert_eq(r->value->schema, orig->schema, "schema kept");
        cr_assert_str_eq(val_get(orig, "title", NULL)->u.s.ptr, "dune");
        cr_assert_str_eq(headers_last(&r->headers, "orig")->value->u.s.ptr,
                         "dune");

        /* schemaless object */
        r->value_schema = NULL;
        r->value = val_struct(a, NULL);
        val_put(a, r->value, "title", val_string(a, "a-b c", 5));
        cr_assert_eq(c->apply(st, r, &err), XFORM_KEEP);
        cr_assert_str_eq(val_get(r->value, "title", NULL)->u.s.ptr, "A-B C");

        /* missing field, tombstone: unchanged */
        val_del(r->value, "title");
        cr_assert_eq(c->apply(st, r, &err), XFORM_KEEP);
        r->value = NULL;
        cr_assert_eq(c->apply(st, r, &err), XFORM_KEEP);
        cr_assert_null(r->value);

        /* the whole value (no field configured: its default "") */
        whole = configure(c, cfg_of(NULL), &err);
        r->value = val_string(a, "x1y", 3);
        r->value_schema = &schema_string;
        cr_assert_eq(c->apply(whole, r, &err), XFORM_KEEP);
        cr_assert_str_eq(r->value->u.s.ptr, "X1Y");
        cr_assert_eq(r->value_schema, &schema_string);

        /* a field that is not a string */
        bad = configure(c, cfg_of("field", "n", NULL), &err);
        r->value = val_struct(a, NULL);
        val_put(a, r->value, "n", val_int(a, CONNECTD_VAL_INT32, 1));
        cr_assert_eq(c->apply(bad, r, &err), -1);
        cr_assert_str_eq(err.cls, XERR_DATA);
        cr_assert_str_eq(err.msg, "UppercaseField: 'n' is not a string");

        c->close(st);
        c->close(whole);
        c->close(bad);

        /* the predicate */
        p = xform_lookup("com.example.connectd.TopicPrefix");
        pst = configure(p, cfg_of("prefix", "boo", NULL), &err);
        cr_assert_eq(p->apply(pst, r, &err), 1);
        r->topic = "bo";
        cr_assert_eq(p->apply(pst, r, &err), 0);
        p->close(pst);
        {
                json_t *none = cfg_of(NULL);

                cr_assert_eq(p->configure(none, &pst, &err), -1);
                json_decref(none);
        }
        cr_assert(strstr(err.msg, "\"prefix\""), "%s", err.msg);
        arena_destroy(a);
}
