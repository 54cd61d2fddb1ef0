/* Unit tests for server/runtime/record.c: arena, batches, values, value_to_text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "record.h"

Test(arena, aligned_and_reused_after_reset)
{
        arena_t *a = arena_new(1024);
        void *first[100];
        int i;

        cr_assert_not_null(a);
        for (i = 0; i < 100; i++) {
                first[i] = arena_alloc(a, (size_t)(i % 13) + 1);
                cr_assert_not_null(first[i]);
                cr_assert_eq((uintptr_t)first[i] % 8, 0);
                memset(first[i], 0xAB, (size_t)(i % 13) + 1);
        }
        arena_reset(a);
        /* Same sizes after a reset land on the same memory: no new chunks. */
        for (i = 0; i < 100; i++)
                cr_assert_eq(arena_alloc(a, (size_t)(i % 13) + 1), first[i],
                             "allocation %d moved after reset", i);
        arena_destroy(a);
}

Test(arena, big_allocations_get_their_own_chunk)
{
        arena_t *a = arena_new(256);
        char *small1, *big, *small2;

        small1 = arena_alloc(a, 16);
        big = arena_alloc(a, 100000);
        cr_assert_not_null(big);
        memset(big, 'x', 100000);
        small2 = arena_alloc(a, 16);
        /* The big chunk does not waste the current chunk's free space. */
        cr_assert_eq(small2, small1 + 16);
        arena_reset(a);
        cr_assert_eq(arena_alloc(a, 16), small1);
        big = arena_alloc(a, 300000);
        cr_assert_not_null(big);
        big[299999] = 1;
        arena_destroy(a);
}

/* arena_new(0) starts with a small chunk and doubles them: a chunk kept
 * from before the growth must not take an allocation bigger than itself
 * (ASan, or glibc's heap checks at free, catch the overflow). */
Test(arena, growing_chunks_never_overflow_a_kept_small_one)
{
        arena_t *a = arena_new(0);
        char *p[8], *q;
        int round, i;

        cr_assert_not_null(a);
        for (round = 0; round < 3; round++) {
                for (i = 0; i < 8; i++) {
                        p[i] = arena_alloc(a, 7000);
                        cr_assert_not_null(p[i]);
                        memset(p[i], 'a' + i, 7000);
                }
                for (i = 0; i < 8; i++)
                        cr_assert_eq(p[i][6999], 'a' + i,
                                     "allocation %d was overwritten", i);
                arena_reset(a);
                q = arena_alloc(a, 40000);
                cr_assert_not_null(q);
                memset(q, 'z', 40000);
                cr_assert_not_null(arena_alloc(a, 16));
                arena_reset(a);
        }
        arena_destroy(a);
}

Test(arena, strndup_copies_and_terminates)
{
        arena_t *a = arena_new(0);
        char src[] = "hello world";
        char *s = arena_strndup(a, src, 5);

        src[0] = 'J';
        cr_assert_str_eq(s, "hello");
        cr_assert_str_eq(arena_strndup(a, "", 0), "");
        arena_destroy(a);
}

Test(batch, records_in_order_with_copied_topics)
{
        batch_t *b = batch_new();
        char topic[16] = "orders";
        connectd_record_t *r1, *r2, *r3;

        r1 = record_add(b, topic);
        r2 = record_add(b, topic);
        strcpy(topic, "other");
        r3 = record_add(b, topic);
        cr_assert_eq(b->count, 3);
        cr_assert_eq(b->head, r1);
        cr_assert_eq(r1->next, r2);
        cr_assert_eq(r2->next, r3);
        cr_assert_eq(b->tail, r3);
        cr_assert_str_eq(r1->topic, "orders");
        cr_assert_str_eq(r2->topic, "orders");
        cr_assert_str_eq(r3->topic, "other");
        cr_assert_eq(r1->partition, -1);
        cr_assert_null(r1->key);
        cr_assert_null(r1->value);
        record_set_partition(r1, 3);
        cr_assert_eq(r1->partition, 3);

        char part[] = "{\"filename\":\"a.txt\"}";
        cr_assert_eq(record_set_source(r1, part, "{\"position\":4}"), 0);
        cr_assert_eq(record_set_source(r2, part, "{\"position\":9}"), 0);
        part[2] = 'X';
        cr_assert_str_eq(r1->source_partition, "{\"filename\":\"a.txt\"}");
        cr_assert_str_eq(r2->source_offset, "{\"position\":9}");
        cr_assert_eq(r2->source_partition, r1->source_partition); /* shared */
        cr_assert_eq(record_set_source(r3, "{\"f\":1}", NULL), 0);
        cr_assert_str_eq(r3->source_partition, "{\"f\":1}");
        cr_assert_null(r3->source_offset);

        batch_reset(b);
        cr_assert_eq(b->count, 0);
        cr_assert_null(b->head);
        cr_assert_null(b->tail);
        cr_assert_not_null(record_add(b, "t"));
        cr_assert_eq(b->count, 1);
        batch_destroy(b);
}

Test(batch, topics_are_copied_once_per_batch)
{
        batch_t *b = batch_new();
        connectd_record_t *r[12];
        char name[16];
        int i;

        /* Round robin over 12 topics: the first BATCH_TOPICS get one shared
         * copy each (the runner matches them by address), the rest their
         * own copy per record; every name stays right. */
        for (i = 0; i < 12; i++) {
                snprintf(name, sizeof(name), "t%d", i);
                r[i] = record_add(b, name);
        }
        cr_assert_eq(b->ntopics, BATCH_TOPICS);
        for (i = 0; i < 12; i++) {
                snprintf(name, sizeof(name), "t%d", i);
                connectd_record_t *again = record_add(b, name);
                cr_assert_str_eq(again->topic, name);
                if (i < BATCH_TOPICS) {
                        cr_assert_eq(again->topic, r[i]->topic);
                        cr_assert_eq(b->topics[i], r[i]->topic);
                } else {
                        cr_assert_str_eq(r[i]->topic, name);
                }
        }
        batch_reset(b);
        cr_assert_eq(b->ntopics, 0);
        cr_assert_str_eq(record_add(b, "fresh")->topic, "fresh");
        cr_assert_eq(b->ntopics, 1);
        batch_destroy(b);
}

Test(batch, values_and_readers)
{
        batch_t *b = batch_new();
        connectd_record_t *r = record_add(b, "t");
        char s[] = "abc";
        size_t len = 99;
        connectd_value_t *v;

        v = value_string(r, s, 3);
        s[0] = 'z';
        cr_assert_eq(value_type(v), CONNECTD_VAL_STRING);
        cr_assert(memcmp(value_data(v, &len), "abc", 3) == 0);
        cr_assert_eq(len, 3);
        v = value_bytes(r, "\0\1\2", 3);
        cr_assert_eq(value_type(v), CONNECTD_VAL_BYTES);
        cr_assert(memcmp(value_data(v, &len), "\0\1\2", 3) == 0);
        cr_assert_eq(len, 3);
        v = value_int64(r, -42);
        cr_assert_eq(value_int(v), -42);
        cr_assert_float_eq(value_double(v), -42.0, 1e-9);
        cr_assert_null(value_data(v, &len));
        cr_assert_eq(len, 0);
        v = value_float64(r, 2.5);
        cr_assert_float_eq(value_double(v), 2.5, 1e-12);
        cr_assert_eq(value_int(v), 2);
        v = value_boolean(r, 7);
        cr_assert_eq(value_int(v), 1);
        cr_assert_eq(value_type(value_null(r)), CONNECTD_VAL_NULL);
        cr_assert_eq(value_type(NULL), CONNECTD_VAL_NULL);
        cr_assert_null(value_string(NULL, "x", 1));

        record_set_key(r, value_string(r, "k", 1));
        record_set_value(r, v);
        cr_assert_eq(r->value, v);
        cr_assert_eq(value_type(r->key), CONNECTD_VAL_STRING);
        batch_destroy(b);
}

Test(batch, struct_put_appends_and_replaces)
{
        batch_t *b = batch_new();
        connectd_record_t *r = record_add(b, "t");
        connectd_value_t *st = value_struct(r, "com.example.Gen0");
        const char *name = NULL;
        const connectd_value_t *f;

        cr_assert_str_eq(st->schema_name, "com.example.Gen0");
        cr_assert_eq(struct_put(r, st, "a", value_string(r, "1", 1)), 0);
        cr_assert_eq(struct_put(r, st, "b", value_string(r, "2", 1)), 0);
        cr_assert_eq(struct_put(r, st, "a", value_int64(r, 3)), 0);
        cr_assert_eq(struct_count(st), 2);
        f = struct_field(st, 0, &name);
        cr_assert_str_eq(name, "a");
        cr_assert_eq(value_type(f), CONNECTD_VAL_INT64);
        cr_assert_eq(value_int(f), 3);
        f = struct_field(st, 1, &name);
        cr_assert_str_eq(name, "b");
        cr_assert_null(struct_field(st, 2, &name));
        /* Not a struct. */
        cr_assert_eq(struct_put(r, value_int64(r, 1), "x", NULL), -1);
        cr_assert_eq(struct_count(value_int64(r, 1)), 0);
        batch_destroy(b);
}

static const char *text(const connectd_value_t *v)
{
        static char out[512];
        size_t n = value_to_text(v, out, sizeof(out));

        cr_assert_eq(n, strlen(out));
        return out;
}

Test(text, primitives_like_java_tostring)
{
        batch_t *b = batch_new();
        connectd_record_t *r = record_add(b, "t");

        cr_assert_str_eq(text(value_string(r, "héllo", strlen("héllo"))),
                         "héllo");
        cr_assert_str_eq(text(value_int64(r, INT64_MIN)),
                         "-9223372036854775808");
        cr_assert_str_eq(text(value_boolean(r, 1)), "true");
        cr_assert_str_eq(text(value_boolean(r, 0)), "false");
        cr_assert_str_eq(text(value_null(r)), "null");
        cr_assert_str_eq(text(NULL), "null");
        batch_destroy(b);
}

Test(text, doubles_like_java_double_tostring)
{
        static const struct { double d; const char *want; } cases[] = {
                { 1.0, "1.0" },
                { -1.5, "-1.5" },
                { 0.0, "0.0" },
                { 100.0, "100.0" },
                { 0.1, "0.1" },
                { 3.14159, "3.14159" },
                { 0.001, "0.001" },
                { 0.0001, "1.0E-4" },
                { 1234567.0, "1234567.0" },
                { 9999999.0, "9999999.0" },
                { 1e7, "1.0E7" },
                { 12345678.9, "1.23456789E7" },
                { 1e100, "1.0E100" },
                { -2.5e-10, "-2.5E-10" },
                { 123.456, "123.456" },
                { 1.0 / 3.0, "0.3333333333333333" },
                { 4.9e-324, "4.9E-324" },
                { 1.7976931348623157e308, "1.7976931348623157E308" },
                { 0.1 + 0.2, "0.30000000000000004" },
                { 2 * 4.9e-324, "9.9E-324" },
                { 100.0, "100.0" },
                { 1e-5, "1.0E-5" },
        };
        batch_t *b = batch_new();
        connectd_record_t *r = record_add(b, "t");
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                cr_assert_str_eq(text(value_float64(r, cases[i].d)),
                                 cases[i].want, "case %zu", i);
        cr_assert_str_eq(text(value_float64(r, -0.0)), "-0.0");
        cr_assert_str_eq(text(value_float64(r, 1.0 / 0.0)), "Infinity");
        cr_assert_str_eq(text(value_float64(r, -1.0 / 0.0)), "-Infinity");
        cr_assert_str_eq(text(value_float64(r, 0.0 / 0.0)), "NaN");
        batch_destroy(b);
}

Test(text, struct_like_connect_struct_tostring)
{
        batch_t *b = batch_new();
        connectd_record_t *r = record_add(b, "t");
        connectd_value_t *st = value_struct(r, "Gen0");
        connectd_value_t *in = value_struct(r, "Gen1");

        struct_put(r, st, "title", value_string(r, "Vanity Fair", 11));
        struct_put(r, st, "missing", value_null(r));
        struct_put(r, st, "absent", NULL);
        struct_put(r, in, "x", value_int64(r, 1));
        struct_put(r, in, "y", value_float64(r, 2.0));
        struct_put(r, st, "inner", in);
        struct_put(r, st, "ok", value_boolean(r, 1));
        cr_assert_str_eq(text(st),
                         "Struct{title=Vanity Fair,inner=Struct{x=1,y=2.0},"
                         "ok=true}");
        cr_assert_str_eq(text(value_struct(r, "N")), "Struct{}");
        /* without a schema or a name it is a schemaless object (a Map) */
        cr_assert_str_eq(text(value_struct(r, NULL)), "{}");
        batch_destroy(b);
}

Test(text, truncates_but_reports_full_length)
{
        batch_t *b = batch_new();
        connectd_record_t *r = record_add(b, "t");
        connectd_value_t *v = value_string(r, "abcdefgh", 8);
        char out[4];

        cr_assert_eq(value_to_text(v, out, sizeof(out)), 8);
        cr_assert_str_eq(out, "abc");
        cr_assert_eq(value_to_text(v, NULL, 0), 8);
        cr_assert_eq(value_to_text(v, out, 1), 8);
        cr_assert_str_eq(out, "");
        batch_destroy(b);
}

Test(sink, accessors)
{
        connectd_sink_record_t sr = { .topic = "topic", .partition = 2,
                                      .offset = 77, .timestamp = 1000 };

        cr_assert_str_eq(sink_record_topic(&sr), "topic");
        cr_assert_eq(sink_record_partition(&sr), 2);
        cr_assert_eq(sink_record_offset(&sr), 77);
        cr_assert_eq(sink_record_timestamp(&sr), 1000);
        cr_assert_null(sink_record_key(&sr));
        cr_assert_null(sink_record_value(&sr));
}

Test(batch, warm_batch_reuses_memory)
{
        batch_t *b = batch_new();
        connectd_record_t *first = NULL;
        int round, i;

        for (round = 0; round < 3; round++) {
                for (i = 0; i < 2000; i++) {
                        connectd_record_t *r = record_add(b, "topic");
                        connectd_value_t *st = value_struct(r, "Gen0");

                        struct_put(r, st, "a", value_string(r, "xxxxxxxxxx", 10));
                        record_set_value(r, st);
                        if (i == 0 && round == 1)
                                first = r;
                        if (i == 0 && round == 2)
                                cr_assert_eq(r, first);
                }
                batch_reset(b);
        }
        batch_destroy(b);
}

Test(text, cyclic_struct_does_not_recurse_forever)
{
        batch_t *b = batch_new();
        connectd_record_t *r = record_add(b, "t");
        connectd_value_t *st = value_struct(r, "S");
        connectd_value_t *m = value_struct(r, NULL);
        char out[64];

        struct_put(r, st, "self", st);
        cr_assert_gt(value_to_text(st, out, sizeof(out)), 64 * 7);
        cr_assert(strncmp(out, "Struct{self=Struct{self=", 24) == 0);
        struct_put(r, m, "self", m);
        cr_assert_gt(value_to_text(m, out, sizeof(out)), 64 * 6);
        cr_assert(strncmp(out, "{self={self=", 12) == 0);
        batch_destroy(b);
}

/* ---- Java toString of every value kind ---- */

static char *text_s(const connect_schema_t *s, const connectd_value_t *v)
{
        static char buf[4096];

        value_to_text_schema(s, v, buf, sizeof(buf));
        return buf;
}

Test(text, narrow_ints_and_float32)
{
        arena_t *a = arena_new(0);

        cr_assert_str_eq(text(val_int(a, CONNECTD_VAL_INT8, -8)), "-8");
        cr_assert_str_eq(text(val_int(a, CONNECTD_VAL_INT16, 300)), "300");
        cr_assert_str_eq(text(val_int(a, CONNECTD_VAL_INT32, 70000)),
                         "70000");
        /* Float.toString, not the double's digits */
        cr_assert_str_eq(text(val_float(a, CONNECTD_VAL_FLOAT32, 0.1)),
                         "0.1");
        cr_assert_str_eq(text(val_float(a, CONNECTD_VAL_FLOAT32, 3.4e38)),
                         "3.4E38");
        cr_assert_str_eq(text(val_float(a, CONNECTD_VAL_FLOAT32, 1e7)),
                         "1.0E7");
        cr_assert_str_eq(text(val_float(a, CONNECTD_VAL_FLOAT32, 100)),
                         "100.0");
        arena_destroy(a);
}

Test(text, schemaless_object_like_hashmap)
{
        arena_t *a = arena_new(0);
        connectd_value_t *m = val_struct(a, NULL), *l = val_array(a);
        connectd_value_t *inner = val_struct(a, NULL);

        /* HashMap order of these keys: banana, apple, cherry */
        val_put(a, m, "apple", val_int(a, CONNECTD_VAL_INT64, 1));
        val_put(a, m, "banana", val_int(a, CONNECTD_VAL_INT64, 2));
        val_put(a, m, "cherry", val_int(a, CONNECTD_VAL_INT64, 3));
        cr_assert_str_eq(text(m), "{banana=2, apple=1, cherry=3}");
        val_append(a, l, NULL, val_int(a, CONNECTD_VAL_INT64, 1));
        val_append(a, l, NULL, val_string(a, "x", 1));
        val_put(a, inner, "a", NULL);
        val_put(a, inner, "b", val_bool(a, 1));
        val_append(a, l, NULL, inner);
        val_append(a, l, NULL, NULL);
        cr_assert_str_eq(text(l), "[1, x, {a=null, b=true}, null]");
        arena_destroy(a);
}

Test(text, map_keys_hash_like_java)
{
        arena_t *a = arena_new(0);
        connectd_value_t *m = val_map(a);
        connect_schema_t *ms = schema_new(a, CONNECTD_VAL_MAP);
        int i;

        ms->key_schema = &schema_int32;
        ms->value_schema = &schema_string;
        /* Integer keys 20..16 go by value into 16 buckets: 16, 17, 20 */
        for (i = 20; i >= 16; i -= 2)
                val_append(a, m, val_int(a, CONNECTD_VAL_INT32, i),
                           val_string(a, "v", 1));
        val_append(a, m, val_int(a, CONNECTD_VAL_INT32, 17),
                   val_string(a, "w", 1));
        cr_assert_str_eq(text_s(ms, m), "{16=v, 17=w, 18=v, 20=v}");
        arena_destroy(a);
}

Test(text, struct_with_schema_in_schema_order)
{
        arena_t *a = arena_new(0);
        connect_schema_t *s = schema_new(a, CONNECTD_VAL_STRUCT);
        connect_schema_t *as = schema_new(a, CONNECTD_VAL_ARRAY);
        connectd_value_t *st, *arr = val_array(a);

        as->value_schema = &schema_int32;
        schema_add_field(a, s, "a", &schema_int32);
        schema_add_field(a, s, "b", &schema_opt_string);
        schema_add_field(a, s, "c", as);
        schema_add_field(a, s, "d", &schema_opt_float32);
        st = val_struct(a, s);
        /* put out of order: printing follows the schema */
        val_put(a, st, "c", arr);
        val_put(a, st, "a", val_int(a, CONNECTD_VAL_INT32, 1));
        val_put(a, st, "d", NULL);
        val_append(a, arr, NULL, val_int(a, CONNECTD_VAL_INT32, 5));
        val_append(a, arr, NULL, val_int(a, CONNECTD_VAL_INT32, 6));
        cr_assert_str_eq(text(st), "Struct{a=1,c=[5, 6]}");
        arena_destroy(a);
}

Test(text, logical_types)
{
        arena_t *a = arena_new(0);
        connect_schema_t *date = schema_new(a, CONNECTD_VAL_INT32);
        connect_schema_t *ts = schema_new(a, CONNECTD_VAL_INT64);
        connect_schema_t *dec = schema_new(a, CONNECTD_VAL_BYTES);
        static const unsigned char u[] = { 0x30, 0x39 };

        date->name = LOGICAL_DATE;
        ts->name = LOGICAL_TIMESTAMP;
        dec->name = LOGICAL_DECIMAL;
        schema_add_param(a, dec, "scale", "2");
        /* java.util.Date.toString, in UTC */
        cr_assert_str_eq(text_s(date, val_int(a, CONNECTD_VAL_INT32, 19737)),
                         "Mon Jan 15 00:00:00 UTC 2024");
        cr_assert_str_eq(text_s(ts, val_int(a, CONNECTD_VAL_INT64, -1000)),
                         "Wed Dec 31 23:59:59 UTC 1969");
        cr_assert_str_eq(text_s(dec, val_bytes(a, u, 2)), "123.45");
        arena_destroy(a);
}

/* ---- xrecord_text: Java's SourceRecord / SinkRecord toString ---- */

Test(xrecord, source_record_text)
{
        arena_t *a = arena_new(0);
        xrecord_t x = { 0 };
        char *t;

        x.arena = a;
        x.topic = "orders";
        x.partition = -1;
        x.key = val_string(a, "k1", 2);
        x.key_schema = &schema_opt_string;
        x.value = val_int(a, CONNECTD_VAL_INT32, 7);
        x.value_schema = &schema_int32;
        x.source_partition = "{\"filename\":\"/data/in.txt\"}";
        x.source_offset = "{\"position\":42}";
        t = xrecord_text(&x);
        cr_assert_str_eq(t, "SourceRecord{sourcePartition={filename=/data/in.txt}, "
                            "sourceOffset={position=42}} ConnectRecord{"
                            "topic='orders', kafkaPartition=null, key=k1, "
                            "value=7, timestamp=null, "
                            "headers=ConnectHeaders(headers=)}");
        free(t);
        x.has_timestamp = 1;
        x.timestamp = 1700000000000LL;
        x.partition = 3;
        x.source_partition = NULL;
        x.source_offset = NULL;
        headers_add(a, &x.headers, "h", &schema_int8,
                    val_int(a, CONNECTD_VAL_INT8, 1));
        headers_add(a, &x.headers, "n", NULL, NULL);
        t = xrecord_text(&x);
        cr_assert_str_eq(t, "SourceRecord{sourcePartition=null, sourceOffset=null} "
                            "ConnectRecord{topic='orders', kafkaPartition=3, "
                            "key=k1, value=7, timestamp=1700000000000, "
                            "headers=ConnectHeaders(headers=["
                            "ConnectHeader(key=h, value=1, schema=Schema{INT8}), "
                            "ConnectHeader(key=n, value=null, schema=null)])}");
        free(t);
        arena_destroy(a);
}

Test(xrecord, sink_record_text)
{
        arena_t *a = arena_new(0);
        xrecord_t x = { 0 };
        connect_schema_t *s = schema_new(a, CONNECTD_VAL_STRUCT);
        char *t;

        s->name = "Order";
        schema_add_field(a, s, "id", &schema_int64);
        x.arena = a;
        x.is_sink = 1;
        x.topic = "t2";
        x.partition = 0;
        x.offset = 5;
        x.timestamp_type = 1;
        x.has_timestamp = 1;
        x.timestamp = 10;
        x.value_schema = s;
        x.value = val_struct(a, s);
        val_put(a, x.value, "id", val_int(a, CONNECTD_VAL_INT64, 9));
        x.original_topic = "t";
        x.original_partition = 1;
        x.original_offset = 4;
        headers_add(a, &x.headers, "d", s, x.value);
        t = xrecord_text(&x);
        cr_assert_str_eq(t, "SinkRecord{kafkaOffset=5, timestampType=CreateTime, "
                            "originalTopic=t, originalKafkaPartition=1, "
                            "originalKafkaOffset=4} ConnectRecord{topic='t2', "
                            "kafkaPartition=0, key=null, value=Struct{id=9}, "
                            "timestamp=10, headers=ConnectHeaders(headers=["
                            "ConnectHeader(key=d, value=Struct{id=9}, "
                            "schema=Schema{Order:STRUCT})])}");
        free(t);
        arena_destroy(a);
}
