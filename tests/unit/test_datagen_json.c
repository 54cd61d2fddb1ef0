/*
 * The datagen JSON fast path: a value written straight as JSON text
 * (dg_event_json_buf, used when the batch allows record_set_value_json)
 * must be byte for byte what JsonConverter (schemas.enable=false) writes
 * for the value tree the plugin builds otherwise.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "converter.h"
#include "datagen/datagen.h"
#include "datagen/datagen_int.h"
#include "plugins.h"
#include "record.h"

static connectd_host_t test_host;

static int capture(connectd_registry_t *reg,
                   const struct connectd_connector_desc *desc)
{
        (void)reg;
        (void)desc;
        return 0;
}

typedef struct cmp {
        converter_t *cv;
        batch_t *batch;
        dg_buf_t fast;
        buf_t slow;
        int compared, escaped, non_ascii, nulls;
} cmp_t;

static int compare(void *arg, const dg_event_t *ev)
{
        cmp_t *c = arg;
        connectd_record_t *rec = record_add(c->batch, ev->topic->name);
        connectd_value_t *v;
        char err[512] = "";
        int is_null = 0;

        cr_assert_not_null(rec);
        v = dg_event_value(rec, ev, DG_NS_VALUE);
        cr_assert_not_null(v);
        buf_reset(&c->slow);
        cr_assert_eq(converter_from_connect_schema(c->cv, ev->topic->name,
                                                   NULL, v, &c->slow,
                                                   &is_null, err,
                                                   sizeof(err)),
                     0, "%s", err);
        if (dg_event_null(ev, DG_NS_VALUE)) {
                c->nulls++; /* the plugin builds the tree for these */
                return 0;
        }
        cr_assert_eq(dg_event_json_buf(ev, DG_NS_VALUE, &c->fast), 0);
        cr_assert_not(is_null);
        cr_assert_eq(c->fast.len, c->slow.len,
                     "length: fast %zu, tree %zu:\n%.*s\n%s", c->fast.len,
                     c->slow.len, (int)c->fast.len, c->fast.p,
                     c->slow.data);
        cr_assert_eq(memcmp(c->fast.p, c->slow.data, c->fast.len), 0,
                     "fast: %.*s\ntree: %s", (int)c->fast.len, c->fast.p,
                     c->slow.data);
        if (memchr(c->fast.p, '\\', c->fast.len))
                c->escaped++;
        for (size_t i = 0; i < c->fast.len; i++)
                if ((unsigned char)c->fast.p[i] >= 0x80) {
                        c->non_ascii++;
                        break;
                }
        c->compared++;
        batch_reset(c->batch);
        return 0;
}

static void run_config(const dg_kv_t *kv, size_t n, int records, cmp_t *c)
{
        json_t *props = json_pack("{s:s}", "schemas.enable", "false");
        char err[2048];
        const char *bad = NULL;
        dg_config_t *cfg;
        dg_task_t *t;
        int drained = 0, guard = 0;

        test_host = connectd_host;
        test_host.register_connector = capture;
        cr_assert_eq(datagen_plugin_init(&test_host, NULL), 0);
        c->cv = converter_new("org.apache.kafka.connect.json.JsonConverter",
                              props, 0, err, sizeof(err));
        json_decref(props);
        cr_assert_not_null(c->cv, "%s", err);
        c->batch = batch_new();
        cr_assert_not_null(c->batch);
        dg_buf_init(&c->fast, 16);
        buf_init(&c->slow, 0);
        cfg = dg_config_new(kv, n, &bad, err, sizeof(err));
        cr_assert_not_null(cfg, "%s (%s)", err, bad ? bad : "-");
        t = dg_task_new(cfg, 42);
        cr_assert_not_null(t);
        while (c->compared + c->nulls < records && !drained &&
               guard++ < 10000)
                cr_assert_geq(dg_task_poll(t, 500, compare, c, NULL, NULL,
                                           &drained, err, sizeof(err)),
                              0, "%s", err);
        dg_task_destroy(t);
        dg_config_destroy(cfg);
        dg_buf_free(&c->fast);
        buf_free(&c->slow);
        batch_destroy(c->batch);
        converter_destroy(c->cv);
}

Test(datagen_json, bookstore_values_are_the_converters_bytes)
{
        static const dg_kv_t kv[] = {
                { "genkp.book.with", "#{Internet.uuid}" },
                { "genv.book.title.with", "#{Book.title}" },
                { "genv.book.genre.with", "#{Book.genre}" },
                { "genv.book.author.with", "#{Book.author}" },
                { "genkp.bookstore.with", "#{Internet.uuid}" },
                { "genv.bookstore.name.with", "#{Company.name}" },
                { "genv.bookstore.city.with", "#{Address.city}" },
                { "genv.bookstore.state.with", "#{Address.state}" },
                { "genkp.purchase.with", "#{Internet.uuid}" },
                { "genv.purchase.book_id.matching", "book.key" },
                { "genv.purchase.bookstore_id.matching", "bookstore.key" },
                { "genv.purchase.customer.with", "#{Name.username}" },
                { "genv.purchase.quantity.with",
                  "#{number.number_between '1','5'}" },
                { "genv.purchase.timestamp.with",
                  "#{date.past '10','SECONDS'}" },
                { "attrv.purchase.unit_price.null.rate", "0.2" },
                { "genv.purchase.unit_price.with",
                  "#{number.number_between '10','75'}" },
        };
        cmp_t c = { 0 };

        run_config(kv, sizeof(kv) / sizeof(kv[0]), 3000, &c);
        cr_assert_geq(c.compared, 2000);
}

Test(datagen_json, escapes_and_non_ascii_are_the_converters_bytes)
{
        static const dg_kv_t kv[] = {
                { "genkp.t.with", "#{Internet.uuid}" },
                /* quote, backslash, every kind of control character, DEL,
                 * '/', 2-, 3- and 4-byte UTF-8 */
                { "genv.t.q.with", "say \"#{Name.first_name}\" \\ /" },
                { "genv.t.c.with",
                  "\t\n\r\b\f\x01\x1f\x7f #{Name.last_name}" },
                { "genv.t.u.with", "Zoë € 😀 #{Address.city}" },
                { "genv.t.n\"a\\me.with", "#{Book.title}" },
                { "genv.t.sub->x.with", "#{Book.genre}\x02" },
                { "genv.t.sub->y.with", "ü#{Book.author}" },
                { "attrv.t.sub->y.null.rate", "0.3" },
                { "topic.t.tombstone.rate", "0.1" },
                { "genvp.p.with", "\"#{Name.username}\"\x1b" },
                { "genkp.p.with", "#{Internet.uuid}" },
        };
        cmp_t c = { 0 };

        run_config(kv, sizeof(kv) / sizeof(kv[0]), 2000, &c);
        cr_assert_geq(c.compared, 1000);
        cr_assert_eq(c.escaped, c.compared);
        cr_assert_geq(c.non_ascii, c.compared / 4); /* topic t */
        cr_assert_gt(c.nulls, 0);
}

Test(datagen_json, value_json_only_when_the_batch_allows_it)
{
        batch_t *b = batch_new();
        connectd_record_t *rec;

        cr_assert_not_null(b);
        rec = record_add(b, "t");
        cr_assert_not_null(rec);
        cr_assert_eq(record_set_value_json(rec, "{\"a\":\"b\"}", 9), -1);
        cr_assert_null(rec->value_json);
        b->value_json_ok = 1;
        cr_assert_eq(record_set_value_json(rec, "{\"a\":\"b\"}", 9), 0);
        cr_assert_eq(rec->value_json_len, 9);
        cr_assert_eq(memcmp(rec->value_json, "{\"a\":\"b\"}", 9), 0);
        record_set_value(rec, NULL);
        cr_assert_null(rec->value_json);
        batch_reset(b);
        cr_assert_eq(b->value_json_ok, 1);
        batch_destroy(b);
}

/* Long strings: past the size where the worst-case reserve fits, the text
 * is still the converter's; a text longer than the event buffer once
 * escaped reports an overflow (the plugin then builds the tree). */
Test(datagen_json, long_strings)
{
        static const dg_kv_t kv[] = {
                { "genvp.t.with", "#{Name.first_name}" },
        };
        json_t *props = json_pack("{s:s}", "schemas.enable", "false");
        size_t sizes[] = { 7,  8,  9,  10, 11, 12,     13,     15,    16,
                           17, 20, 23, 24, 25, 150000, 200000, 600000 };
        char err[2048];
        const char *bad = NULL;
        dg_config_t *cfg = dg_config_new(kv, 1, &bad, err, sizeof(err));
        converter_t *cv = converter_new(
                "org.apache.kafka.connect.json.JsonConverter", props, 0, err,
                sizeof(err));
        batch_t *b = batch_new();
        dg_val_t vals[4];
        dg_buf_t fast;
        buf_t slow;
        char *text = malloc(DG_BUF_MAX);

        json_decref(props);
        cr_assert_not_null(cfg, "%s", err);
        cr_assert_not_null(cv, "%s", err);
        cr_assert_not_null(text);
        test_host = connectd_host;
        test_host.register_connector = capture;
        cr_assert_eq(datagen_plugin_init(&test_host, NULL), 0);
        dg_buf_init(&fast, 16);
        buf_init(&slow, 0);
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
                size_t n = sizes[k];
                dg_event_t ev = { 0 };
                connectd_record_t *rec;
                int is_null = 0;

                for (size_t i = 0; i < n; i++)
                        text[i] = i % 1000 == 999 ? '\x01'
                                  : i % 97 == 3   ? '"'
                                                  : (char)('a' + i % 26);
                /* an escape near the end, where the last word is read */
                if (n > 4)
                        text[n - 1 - k % 5] = k % 2 ? '\\' : '\n';
                memset(vals, 0, sizeof(vals));
                vals[cfg->topics[0].slots[DG_NS_VALUE][0]].len =
                        (uint32_t)n;
                ev.cfg = cfg;
                ev.topic = &cfg->topics[0];
                ev.vals = vals;
                ev.buf = text;
                cr_assert_eq(dg_event_json_buf(&ev, DG_NS_VALUE, &fast), 0,
                             "size %zu", n);
                rec = record_add(b, "t");
                buf_reset(&slow);
                cr_assert_eq(converter_from_connect_schema(
                                     cv, "t", NULL,
                                     dg_event_value(rec, &ev, DG_NS_VALUE),
                                     &slow, &is_null, err, sizeof(err)),
                             0, "%s", err);
                cr_assert_eq(fast.len, slow.len, "size %zu", n);
                cr_assert_eq(memcmp(fast.p, slow.data, fast.len), 0,
                             "size %zu", n);
                batch_reset(b);
        }
        /* 300,000 control characters: 1.8 MB escaped. */
        {
                dg_event_t ev = { 0 };

                memset(text, '\x02', 300000);
                vals[cfg->topics[0].slots[DG_NS_VALUE][0]].len = 300000;
                ev.cfg = cfg;
                ev.topic = &cfg->topics[0];
                ev.vals = vals;
                ev.buf = text;
                cr_assert_eq(dg_event_json_buf(&ev, DG_NS_VALUE, &fast), -1);
        }
        free(text);
        dg_buf_free(&fast);
        buf_free(&slow);
        batch_destroy(b);
        converter_destroy(cv);
        dg_config_destroy(cfg);
}
