/*
 * Unit tests: datagen config grammar, validation messages (spec §2, §4),
 * the per-task state machine (§5), output shape and order (§6), and the
 * plugin adapter against a fake host table.
 */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen/datagen.h"
#include "datagen/datagen_int.h"

#define MAXKV 64

/* Build a dg_kv_t array from "key", "value", ..., NULL. */
static size_t kvs(dg_kv_t *kv, va_list ap)
{
        size_t n = 0;
        const char *k;
        while ((k = va_arg(ap, const char *)) && n < MAXKV) {
                kv[n].key = k;
                kv[n].value = va_arg(ap, const char *);
                n++;
        }
        return n;
}

static dg_config_t *cfg_ok(const char *first, ...)
{
        dg_kv_t kv[MAXKV];
        va_list ap;
        char err[2048];
        const char *bad;
        size_t n;
        kv[0].key = first;
        va_start(ap, first);
        kv[0].value = va_arg(ap, const char *);
        n = 1 + kvs(kv + 1, ap);
        va_end(ap);
        dg_config_t *c = dg_config_new(kv, n, &bad, err, sizeof(err));
        cr_assert_not_null(c, "config rejected: %s (key %s)", err,
                           bad ? bad : "-");
        return c;
}

/* Expect an error; returns the message (static) and checks the key. */
static const char *cfg_err(const char *want_key, const char *first, ...)
{
        static char err[2048];
        dg_kv_t kv[MAXKV];
        va_list ap;
        const char *bad = NULL;
        size_t n;
        kv[0].key = first;
        va_start(ap, first);
        kv[0].value = va_arg(ap, const char *);
        n = 1 + kvs(kv + 1, ap);
        va_end(ap);
        dg_config_t *c = dg_config_new(kv, n, &bad, err, sizeof(err));
        cr_assert_null(c, "config accepted, expected an error on %s",
                       want_key ? want_key : "-");
        if (want_key) {
                cr_assert_not_null(bad, "no key named for: %s", err);
                cr_assert_str_eq(bad, want_key, "%s", err);
        }
        return err;
}

#define SEED_KV                                                                \
        "genkp.book.with", "#{Internet.uuid}", "genv.book.title.with",         \
                "#{Book.title}", "genv.book.genre.with", "#{Book.genre}",      \
                "genv.book.author.with", "#{Book.author}",                     \
                "genkp.bookstore.with", "#{Internet.uuid}",                    \
                "genv.bookstore.name.with", "#{Company.name}",                 \
                "genv.bookstore.city.with", "#{Address.city}",                 \
                "genv.bookstore.state.with", "#{Address.state}",               \
                "genkp.purchase.with", "#{Internet.uuid}",                     \
                "genv.purchase.book_id.matching", "book.key",                  \
                "genv.purchase.bookstore_id.matching", "bookstore.key",        \
                "genv.purchase.customer.with", "#{Name.username}",             \
                "genv.purchase.quantity.with",                                 \
                "#{number.number_between '1','5'}",                            \
                "genv.purchase.unit_price.with",                               \
                "#{number.number_between '10','75'}",                          \
                "genv.purchase.timestamp.with", "#{date.past '10','SECONDS'}"

/* ---- collecting events ---- */

#define MAXREC 20000

typedef struct rec {
        char topic[32];
        char key[128];
        int key_null;
        char json[1024];
        int value_null;
} rec_t;

typedef struct sink {
        rec_t *r;
        int n;
} sink_t;

static int collect(void *arg, const dg_event_t *ev)
{
        sink_t *s = arg;
        rec_t *r;
        size_t len;
        const char *k;
        if (s->n >= MAXREC)
                return 0;
        r = &s->r[s->n++];
        snprintf(r->topic, sizeof(r->topic), "%s", ev->topic->name);
        k = dg_event_field(ev, DG_NS_KEY, "", &len);
        r->key_null = !k;
        snprintf(r->key, sizeof(r->key), "%.*s", k ? (int)len : 0, k ? k : "");
        dg_event_json(ev, DG_NS_VALUE, r->json, sizeof(r->json));
        r->value_null = ev->ns_null[DG_NS_VALUE];
        return 0;
}

static sink_t *sink_new(void)
{
        sink_t *s = calloc(1, sizeof(*s));
        s->r = calloc(MAXREC, sizeof(rec_t));
        return s;
}

static void sink_free(sink_t *s)
{
        free(s->r);
        free(s);
}

/* Poll until n records or the task drains/fails. Returns poll's last rc. */
static int run(dg_task_t *t, sink_t *s, int n, char *err, size_t errsz)
{
        int drained = 0, rc = 0, guard = 0;
        while (s->n < n && guard++ < 100000) {
                rc = dg_task_poll(t, n - s->n, collect, s, NULL, NULL, &drained,
                                  err, errsz);
                if (rc < 0 || drained)
                        break;
        }
        return rc;
}

/* JSON field value (strings only, no escapes in our data). */
static int jfield(const char *json, const char *name, char *out, size_t n)
{
        char pat[64];
        const char *p, *e;
        snprintf(pat, sizeof(pat), "\"%s\":\"", name);
        p = strstr(json, pat);
        if (!p)
                return -1;
        p += strlen(pat);
        e = strchr(p, '"');
        if (!e)
                return -1;
        snprintf(out, n, "%.*s", (int)(e - p), p);
        return 0;
}

/* ---- §6 order and shape ---- */

Test(datagen, hashmap_order_of_seed)
{
        dg_config_t *c = cfg_ok(SEED_KV, "global.throttle.ms", "0", NULL);
        dg_task_t *t = dg_task_new(c, 1);
        sink_t *s = sink_new();
        char err[256];
        cr_assert_geq(run(t, s, 300, err, sizeof(err)), 0, "%s", err);
        regex_t book, store, purchase;
        cr_assert_eq(regcomp(&book,
                             "^\\{\"title\":\"[^\"]+\",\"author\":\"[^\"]+\","
                             "\"genre\":\"[^\"]+\"\\}$",
                             REG_EXTENDED | REG_NOSUB), 0);
        cr_assert_eq(regcomp(&store,
                             "^\\{\"city\":\"[^\"]+\",\"name\":\"[^\"]+\","
                             "\"state\":\"[^\"]+\"\\}$",
                             REG_EXTENDED | REG_NOSUB), 0);
        cr_assert_eq(regcomp(&purchase,
                             "^\\{\"quantity\":\"[1-4]\",\"bookstore_id\":\""
                             "[0-9a-f-]{36}\",\"book_id\":\"[0-9a-f-]{36}\","
                             "\"customer\":\"[a-z-]+\\.[a-z-]+\",\"timestamp\":"
                             "\"[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} "
                             "[0-9:]{8} [A-Z]+ [0-9]{4}\",\"unit_price\":\""
                             "([1-6][0-9]|7[0-4])\"\\}$",
                             REG_EXTENDED | REG_NOSUB), 0);
        int seen[3] = { 0 };
        for (int i = 0; i < s->n; i++) {
                rec_t *r = &s->r[i];
                cr_assert_eq(strlen(r->key), 36, "%s", r->key);
                regex_t *re = !strcmp(r->topic, "book")        ? &book
                              : !strcmp(r->topic, "bookstore") ? &store
                                                               : &purchase;
                seen[re == &book ? 0 : re == &store ? 1 : 2]++;
                cr_assert_eq(regexec(re, r->json, 0, NULL, 0), 0, "%s %s",
                             r->topic, r->json);
        }
        cr_assert(seen[0] && seen[1] && seen[2]);
        regfree(&book);
        regfree(&store);
        regfree(&purchase);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

Test(datagen, hashmap_index)
{
        /* h = 31 + String.hashCode, spread, 16 buckets (spec §6) */
        cr_assert_lt(dg_hashmap_index("title", 16),
                     dg_hashmap_index("author", 16) + 1);
        cr_assert_leq(dg_hashmap_index("author", 16),
                      dg_hashmap_index("genre", 16));
        cr_assert_eq(dg_hashmap_index("customer", 16),
                     dg_hashmap_index("timestamp", 16));
}

Test(datagen, nested_attributes_merge)
{
        dg_config_t *c = cfg_ok("genv.owners.name->full.with", "#{Name.name}",
                                "genv.owners.name->first.with",
                                "#{Name.first_name}", "genv.owners.age.with",
                                "#{number.number_between '1','9'}", NULL);
        dg_task_t *t = dg_task_new(c, 3);
        sink_t *s = sink_new();
        char err[256];
        run(t, s, 5, err, sizeof(err));
        cr_assert_eq(s->n, 5);
        for (int i = 0; i < s->n; i++) {
                cr_assert(s->r[i].key_null);
                cr_assert(strstr(s->r[i].json, "\"name\":{\"") != NULL, "%s",
                          s->r[i].json);
                cr_assert(strstr(s->r[i].json, "\"full\":\""), "%s",
                          s->r[i].json);
                cr_assert(strstr(s->r[i].json, "\"first\":\""), "%s",
                          s->r[i].json);
                cr_assert(strstr(s->r[i].json, "\"age\":\""), "%s",
                          s->r[i].json);
        }
        int o = dg_config_topic(c, "owners");
        cr_assert_eq(c->topics[o].plan[1]->n, 2);
        int k = c->topics[o].plan[1]->f[0].sub ? 0 : 1;
        cr_assert_eq(c->topics[o].plan[1]->f[k].sub->depth, 1);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

Test(datagen, primitive_value_and_constant)
{
        dg_config_t *c = cfg_ok("genvp.x.with", "hello", "name", "n",
                                "connector.class", "GeneratorSource",
                                "topic.creation.default.partitions", "3",
                                "transforms", "", NULL);
        dg_task_t *t = dg_task_new(c, 3);
        sink_t *s = sink_new();
        char err[256];
        run(t, s, 3, err, sizeof(err));
        cr_assert_eq(s->n, 3);
        cr_assert(s->r[0].key_null);
        cr_assert_str_eq(s->r[0].json, "\"hello\"");
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

/* ---- §5 runtime ---- */

Test(datagen, referential_integrity_and_history_bound)
{
        dg_config_t *c = cfg_ok(SEED_KV, "global.throttle.ms", "0",
                                "topic.book.history.records.max", "20",
                                "global.history.records.max", "1000", NULL);
        dg_task_t *t = dg_task_new(c, 99);
        sink_t *s = sink_new();
        char err[256];
        /* all book keys in order, to check "among the last 20" */
        static char books[MAXREC][128];
        static char stores[MAXREC][128];
        int nb = 0, ns = 0, np = 0;

        cr_assert_geq(run(t, s, 9000, err, sizeof(err)), 0, "%s", err);
        for (int i = 0; i < s->n; i++) {
                rec_t *r = &s->r[i];
                if (!strcmp(r->topic, "book")) {
                        snprintf(books[nb++], 128, "%s", r->key);
                } else if (!strcmp(r->topic, "bookstore")) {
                        snprintf(stores[ns++], 128, "%s", r->key);
                } else {
                        char b[64], st[64];
                        int found = 0;
                        np++;
                        cr_assert_eq(jfield(r->json, "book_id", b, sizeof(b)), 0);
                        cr_assert_eq(jfield(r->json, "bookstore_id", st,
                                            sizeof(st)), 0);
                        for (int k = nb - 1; k >= 0 && k >= nb - 20; k--)
                                if (!strcmp(books[k], b))
                                        found = 1;
                        cr_assert(found, "book_id %s not among the last 20",
                                  b);
                        found = 0;
                        for (int k = ns - 1; k >= 0; k--)
                                if (!strcmp(stores[k], st))
                                        found = 1;
                        cr_assert(found, "bookstore_id %s unknown", st);
                }
        }
        cr_assert_gt(np, 2000);
        int b = dg_config_topic(c, "book");
        cr_assert_eq(dg_task_history_len(t, b), 20);
        cr_assert_eq(dg_task_history_len(t, dg_config_topic(c, "bookstore")),
                     1000);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

Test(datagen, records_exactly_retires)
{
        dg_config_t *c = cfg_ok("genkp.a.with", "#{Internet.uuid}",
                                "topic.a.records.exactly", "10", "genkp.b.with",
                                "x", "topic.b.records.exactly", "3", NULL);
        dg_task_t *t = dg_task_new(c, 5);
        sink_t *s = sink_new();
        char err[256];
        int drained = 0, n;
        run(t, s, 1000, err, sizeof(err));
        cr_assert_eq(s->n, 13);
        n = dg_task_poll(t, 10, collect, s, NULL, NULL, &drained, err,
                         sizeof(err));
        cr_assert_eq(n, 0);
        cr_assert_eq(drained, 1);
        cr_assert_eq(dg_task_produced(t, dg_config_topic(c, "a")), 10);
        cr_assert_eq(dg_task_produced(t, dg_config_topic(c, "b")), 3);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

static int count_null_title(sink_t *s)
{
        int n = 0;
        for (int i = 0; i < s->n; i++)
                if (strstr(s->r[i].json, "\"title\":null"))
                        n++;
        return n;
}

Test(datagen, null_rate_statistics)
{
        dg_config_t *c = cfg_ok("genv.book.title.with", "#{Book.title}",
                                "genv.book.genre.with", "#{Book.genre}",
                                "attrv.book.title.null.rate", "0.3", NULL);
        dg_task_t *t = dg_task_new(c, 11);
        sink_t *s = sink_new();
        char err[256];
        run(t, s, 5000, err, sizeof(err));
        int nn = count_null_title(s);
        cr_assert(nn > 1200 && nn < 1800, "%d nulls of 5000", nn);
        for (int i = 0; i < s->n; i++)
                cr_assert(strstr(s->r[i].json, "\"genre\":\""));
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);

        /* primitive key null rate */
        c = cfg_ok("genkp.k.with", "#{Internet.uuid}", "attrkp.k.null.rate",
                   "0.5", NULL);
        t = dg_task_new(c, 12);
        s = sink_new();
        run(t, s, 4000, err, sizeof(err));
        int kn = 0;
        for (int i = 0; i < s->n; i++)
                kn += s->r[i].key_null;
        cr_assert(kn > 1600 && kn < 2400, "%d null keys", kn);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

Test(datagen, tombstone_rate_statistics)
{
        dg_config_t *c = cfg_ok("genkp.t.with", "#{Internet.uuid}",
                                "genv.t.a.with", "#{Book.title}",
                                "topic.t.tombstone.rate", "0.25", NULL);
        dg_task_t *t = dg_task_new(c, 13);
        sink_t *s = sink_new();
        char err[256];
        run(t, s, 4000, err, sizeof(err));
        int tn = 0;
        for (int i = 0; i < s->n; i++) {
                cr_assert(!s->r[i].key_null);
                if (s->r[i].value_null) {
                        tn++;
                        cr_assert_str_eq(s->r[i].json, "null");
                }
        }
        cr_assert(tn > 800 && tn < 1200, "%d tombstones", tn);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

/* Fraction of keys of topic `t` that are keys of topic `src`. */
static double match_fraction(const char *rate_key, const char *rate)
{
        dg_config_t *c = cfg_ok("genkp.src.with", "#{Internet.uuid}",
                                "genkp.t.sometimes.with", "#{Internet.uuid}",
                                "genkp.t.sometimes.matching", "src.key",
                                rate_key ? rate_key : "name",
                                rate ? rate : "x", NULL);
        dg_task_t *t = dg_task_new(c, 21);
        sink_t *s = sink_new();
        char err[256];
        int total = 0, hit = 0;
        run(t, s, 8000, err, sizeof(err));
        for (int i = 0; i < s->n; i++) {
                if (strcmp(s->r[i].topic, "t"))
                        continue;
                total++;
                for (int k = i - 1; k >= 0; k--)
                        if (!strcmp(s->r[k].topic, "src") &&
                            !strcmp(s->r[k].key, s->r[i].key)) {
                                hit++;
                                break;
                        }
        }
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
        return (double)hit / total;
}

Test(datagen, matching_rate_statistics)
{
        double f = match_fraction(NULL, NULL);
        cr_assert(f > 0.06 && f < 0.14, "default 0.1 gave %f", f);
        f = match_fraction("global.matching.rate", "0.5");
        cr_assert(f > 0.44 && f < 0.56, "global 0.5 gave %f", f);
        /* the attribute option is looked up at the source slot */
        f = match_fraction("attrkp.src.matching.rate", "0.9");
        cr_assert(f > 0.85 && f < 0.95, "source 0.9 gave %f", f);
        f = match_fraction("attrkp.t.matching.rate", "0.9");
        cr_assert(f > 0.06 && f < 0.14, "generated-slot option used: %f", f);
}

Test(datagen, self_dependency_livelocks)
{
        dg_config_t *c = cfg_ok("genkp.x.matching", "x.key", NULL);
        dg_task_t *t = dg_task_new(c, 1);
        char err[256];
        int drained;
        int n = dg_task_poll(t, 10, NULL, NULL, NULL, NULL, &drained, err,
                             sizeof(err));
        cr_assert_eq(n, -1);
        cr_assert_str_eq(err, "Couldn't generate another event. State machine "
                              "may be livelocked.");
        dg_task_destroy(t);
        dg_config_destroy(c);
}

static int64_t slept_ms;
static int fake_sleep(void *arg, int64_t ms)
{
        (void)arg;
        slept_ms = ms;
        return 1; /* "stopping" */
}

Test(datagen, throttle_sleeps_until_due)
{
        dg_config_t *c = cfg_ok(SEED_KV, "global.throttle.ms", "800",
                                "topic.book.throttle.ms", "500", NULL);
        dg_task_t *t = dg_task_new(c, 1);
        sink_t *s = sink_new();
        char err[256];
        int drained;
        int n = dg_task_poll(t, 100, collect, s, fake_sleep, NULL, &drained,
                             err, sizeof(err));
        cr_assert_eq(n, 3, "first poll: one record per topic, got %d", n);
        slept_ms = 0;
        n = dg_task_poll(t, 100, collect, s, fake_sleep, NULL, &drained, err,
                         sizeof(err));
        cr_assert_eq(n, 0);
        cr_assert(slept_ms > 400 && slept_ms <= 500, "slept %lld",
                  (long long)slept_ms);
        int b = dg_config_topic(c, "book");
        cr_assert_eq(c->topics[b].throttle_ms, 500);
        cr_assert_eq(c->topics[dg_config_topic(c, "bookstore")].throttle_ms,
                     800);
        /* history fallback is not touched by a topic option (spec §5.3) */
        cr_assert_eq(c->topics[b].hist_max, 1000000);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

Test(datagen, tasks_differ)
{
        dg_config_t *c = cfg_ok("genkp.a.with", "#{Internet.uuid}", NULL);
        dg_task_t *t1 = dg_task_new(c, 1), *t2 = dg_task_new(c, 2);
        sink_t *s1 = sink_new(), *s2 = sink_new();
        char err[256];
        run(t1, s1, 5, err, sizeof(err));
        run(t2, s2, 5, err, sizeof(err));
        cr_assert_str_neq(s1->r[0].key, s2->r[0].key);
        sink_free(s1);
        sink_free(s2);
        dg_task_destroy(t1);
        dg_task_destroy(t2);
        dg_config_destroy(c);
}

Test(datagen, sometimes_case_insensitive_and_either)
{
        dg_config_t *c = cfg_ok("genkp.a.with", "#{Internet.uuid}",
                                "genv.b.x.SomeTimes.with", "lit",
                                "genv.b.x.sometimes.matching", "a.key", NULL);
        int b = dg_config_topic(c, "b");
        cr_assert_eq(c->slots[c->topics[b].slots[1][0]].strategy, DG_EITHER);
        cr_assert_eq(c->topics[b].ndeps, 1);
        dg_config_destroy(c);
}

/* ---- §2 / §4 errors ---- */

static int starts(const char *m, const char *prefix)
{
        return !strncmp(m, prefix, strlen(prefix));
}

Test(datagen, option_errors)
{
        cr_assert_str_eq(cfg_err("global.foo", "genkp.a.with", "x",
                                 "global.foo", "1", NULL),
                         "Unrecognized global configuration: global.foo");
        cr_assert_str_eq(cfg_err("topic.a.foo", "genkp.a.with", "x",
                                 "topic.a.foo", "1", NULL),
                         "Unrecognized topic configuration: topic.a.foo");
        cr_assert_str_eq(cfg_err("attrkp.a.sparsity", "genkp.a.with", "x",
                                 "attrkp.a.sparsity", "1", NULL),
                         "Unrecognized attribute configuration: "
                         "attrkp.a.sparsity");
        cr_assert_str_eq(cfg_err("topic.a.records.exactly", "genkp.a.with",
                                 "x", "topic.a.records.exactly", "0", NULL),
                         "records.exactly must be greater than 0");
        cfg_err("global.throttle.ms", "genkp.a.with", "x",
                "global.throttle.ms", "1.5", NULL);
        cfg_err("global.throttle.ms", "genkp.a.with", "x",
                "global.throttle.ms", " 10", NULL);
        cfg_err("global.matching.rate", "genkp.a.with", "x",
                "global.matching.rate", "abc", NULL);
        cfg_err("topic.a.tombstone.rate", "genkp.a.with", "x",
                "topic.a.tombstone.rate", "", NULL);
        /* rates are not range-checked: clamped */
        dg_config_t *c = cfg_ok("genkp.a.with", "x", "attrkp.a.null.rate",
                                "7", "global.throttle.ms", "+5", NULL);
        cr_assert_eq(c->slots[0].null_rate, 1.0);
        cr_assert_eq(c->topics[0].throttle_ms, 5);
        dg_config_destroy(c);
}

Test(datagen, generator_key_errors)
{
        cfg_err("genkp.a", "genkp.a", "x", NULL);
        cfg_err("genv.a.with", "genv.a.with", "x", NULL);
        cfg_err("genkp.a.using", "genkp.a.using", "x", NULL);
        cfg_err("genv.a.b.c.d.with", "genv.a.b.c.d.with", "x", NULL);
        cfg_err("genkp.a.matching", "genkp.b.with", "x", "genkp.a.matching",
                "b", NULL);
        cfg_err("genkp.a.matching", "genkp.b.with", "x", "genkp.a.matching",
                "b.keys", NULL);
        cfg_err("genkp.a.matching", "genkp.b.with", "x", "genkp.a.matching",
                "b.key.x.y", NULL);
        /* mixes */
        cfg_err("genkp.a.with", "genkp.b.with", "x", "genkp.a.with", "x",
                "genkp.a.matching", "b.key", NULL);
        cfg_err("genkp.a.sometimes.with", "genkp.a.sometimes.with", "x", NULL);
}

Test(datagen, validation_messages_in_order)
{
        const char *m;
        m = cfg_err("topic.zz.throttle.ms", "genkp.a.with", "x",
                    "topic.zz.throttle.ms", "5", "attrkp.yy.null.rate", "1",
                    NULL);
        cr_assert_str_eq(m, "Topic configuration is supplied for topic(s) zz, "
                            "but no generators are specified for them. "
                            "Stopping because these topic configurations "
                            "don't do anything. Either add generators for "
                            "these topics or remove these topic "
                            "configurations.");
        m = cfg_err("attrkp.yy.null.rate", "genkp.a.with", "x",
                    "attrkp.yy.null.rate", "1", NULL);
        cr_assert(starts(m, "Attribute configuration is supplied for "
                              "topic(s) yy, but no generators are specified "
                              "for them. Stopping because"), "%s", m);
        m = cfg_err("attrk.a.f.null.rate", "genkp.a.with", "x",
                    "attrk.a.f.null.rate", "1", NULL);
        cr_assert(starts(m, "Complex attribute configuration is supplied "
                              "for topic a, but its generated key is a "
                              "primitive type. Stopping because"), "%s", m);
        m = cfg_err("attrvp.a.null.rate", "genv.a.f.with", "x",
                    "attrvp.a.null.rate", "1", NULL);
        cr_assert(starts(m, "Primitive attribute configuration is supplied "
                              "for topic a, but its generated value is a "
                              "complex type. Stopping because"), "%s", m);
        m = cfg_err("attrv.a.g.null.rate", "genv.a.f.with", "x",
                    "attrv.a.g.null.rate", "1", NULL);
        cr_assert(starts(m, "Complex attribute configuration is supplied "
                              "for topic a, but there is no generator that "
                              "creates this attribute. Stopping because"), "%s", m);
        m = cfg_err("genvp.a.with", "genvp.a.with", "x", "genv.a.f.with", "y",
                    NULL);
        cr_assert(starts(m, "Both primitive and complex generator value "
                              "configurations were supplied for topic a. "
                              "Stopping because"), "%s", m);
        m = cfg_err("topic.b.throttle.ms", "genkp.a.matching", "b.key",
                    "topic.b.throttle.ms", "1", NULL);
        cr_assert(strstr(m, "Topic configuration is supplied for topic(s) b"),
                  "%s", m); /* check 1 runs first */
        m = cfg_err("genkp.a.matching", "genkp.a.matching", "b.key", NULL);
        cr_assert(starts(m, "Found a generator for topic a that is dependent "
                              "on topic b, but no generator is defined for b. "
                              "Stopping because"), "%s", m);
        m = cfg_err("genkp.a.matching", "genkp.a.matching", "b.value.q",
                    "genv.b.r.with", "x", NULL);
        cr_assert(starts(m, "Found a generator for topic a that is dependent "
                              "on attribute q in topic b's value, but no "
                              "generator is defined for that attribute."), "%s", m);
        m = cfg_err("genkp.a.matching", "genkp.a.matching", "b.value",
                    "genv.b.r.with", "x", NULL);
        cr_assert(starts(m, "Found a generator for topic a that is dependent "
                              "on topic b's value, but there's no primitive "
                              "generator defined for the value."), "%s", m);
        /* self and cyclic references pass validation */
        dg_config_t *c = cfg_ok("genkp.x.matching", "x.key", NULL);
        dg_config_destroy(c);
        c = cfg_ok("genv.adopters.name.sometimes.with", "#{Name.name}",
                   "genv.adopters.name.sometimes.matching",
                   "adopters.value.name", "attrv.adopters.name.matching.rate",
                   "0.2", NULL);
        cr_assert_eq(c->slots[0].matching_rate, 0.2);
        dg_config_destroy(c);
}

Test(datagen, unresolvable_expression_names_key_and_value)
{
        const char *m = cfg_err("genv.b.t.with", "genkp.b.with",
                                "#{Internet.uuid}", "genv.b.t.with",
                                "#{Book.nope}", NULL);
        cr_assert(strstr(m, "Unable to resolve #{Book.nope} directive."), "%s",
                  m);
        cr_assert(strstr(m, "genv.b.t.with = #{Book.nope}"), "%s", m);
}

/* ---- the adapter against a fake host ---- */

struct connectd_config {
        const char *k[MAXKV], *v[MAXKV];
        size_t n;
};
struct connectd_validation {
        char key[128];
        char msg[2048];
        int n;
};
struct connectd_value {
        int type;
        char s[256];
        char name[64];
        struct connectd_value *f[16];
        char fname[16][32];
        int nf;
};
struct connectd_record {
        char topic[32];
        struct connectd_value *k, *v;
};
struct connectd_batch {
        struct connectd_record r[64];
        struct connectd_value vals[1024];
        int nr, nv;
};
struct connectd_registry {
        const connectd_connector_desc_t *desc;
};

static const connectd_connector_desc_t *registered;
static struct connectd_batch *cur_batch;

static int h_register(connectd_registry_t *reg,
                      const connectd_connector_desc_t *d)
{
        reg->desc = d;
        registered = d;
        return 0;
}
static const char *h_get(const connectd_config_t *c, const char *k)
{
        for (size_t i = 0; i < c->n; i++)
                if (!strcmp(c->k[i], k))
                        return c->v[i];
        return NULL;
}
static size_t h_count(const connectd_config_t *c)
{
        return c->n;
}
static int h_entry(const connectd_config_t *c, size_t i, const char **k,
                   const char **v)
{
        if (i >= c->n)
                return -1;
        *k = c->k[i];
        *v = c->v[i];
        return 0;
}
static void h_verr(connectd_validation_t *v, const char *key, const char *fmt,
                   ...)
{
        va_list ap;
        snprintf(v->key, sizeof(v->key), "%s", key);
        va_start(ap, fmt);
        vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
        va_end(ap);
        v->n++;
}
static int h_sleep(connectd_ctx_t *ctx, int64_t ms)
{
        (void)ctx;
        (void)ms;
        return 1;
}
static connectd_record_t *h_record_add(connectd_batch_t *b, const char *topic)
{
        cur_batch = b;
        if (b->nr >= 64)
                return NULL;
        struct connectd_record *r = &b->r[b->nr++];
        snprintf(r->topic, sizeof(r->topic), "%s", topic);
        return r;
}
static void h_set_key(connectd_record_t *r, connectd_value_t *k)
{
        r->k = k;
}
static void h_set_value(connectd_record_t *r, connectd_value_t *v)
{
        r->v = v;
}
static connectd_value_t *newval(int type)
{
        struct connectd_value *v = &cur_batch->vals[cur_batch->nv++];
        memset(v, 0, sizeof(*v));
        v->type = type;
        return v;
}
static connectd_value_t *h_null(connectd_record_t *r)
{
        (void)r;
        return newval(CONNECTD_VAL_NULL);
}
static connectd_value_t *h_string(connectd_record_t *r, const char *s,
                                  size_t n)
{
        (void)r;
        struct connectd_value *v = newval(CONNECTD_VAL_STRING);
        snprintf(v->s, sizeof(v->s), "%.*s", (int)n, s);
        return v;
}
static connectd_value_t *h_struct(connectd_record_t *r, const char *name)
{
        (void)r;
        struct connectd_value *v = newval(CONNECTD_VAL_STRUCT);
        snprintf(v->name, sizeof(v->name), "%s", name);
        return v;
}
static int h_put(connectd_record_t *r, connectd_value_t *st, const char *f,
                 connectd_value_t *v)
{
        (void)r;
        snprintf(st->fname[st->nf], 32, "%s", f);
        st->f[st->nf++] = v;
        return 0;
}

static connectd_host_t fake_host = {
        .abi_version = CONNECTD_ABI_VERSION,
        .struct_size = sizeof(connectd_host_t),
        .register_connector = h_register,
        .config_get = h_get,
        .config_count = h_count,
        .config_entry = h_entry,
        .validation_error = h_verr,
        .sleep = h_sleep,
        .record_add = h_record_add,
        .record_set_key = h_set_key,
        .record_set_value = h_set_value,
        .value_null = h_null,
        .value_string = h_string,
        .value_struct = h_struct,
        .struct_put = h_put,
};

static const connectd_connector_desc_t *init_plugin(void)
{
        struct connectd_registry reg = { 0 };
        cr_assert_eq(datagen_plugin_init(&fake_host, &reg), 0);
        cr_assert_not_null(reg.desc);
        return reg.desc;
}

Test(datagen_plugin, descriptor)
{
        const connectd_connector_desc_t *d = init_plugin();
        cr_assert_str_eq(d->class_name,
                         "com.amazonaws.mskdatagen.GeneratorSourceConnector");
        cr_assert_eq(d->type, CONNECTD_SOURCE);
        cr_assert_not_null(d->version);
        cr_assert_null(d->config_defs[0].name);
        int found = 0;
        for (int i = 0; d->aliases[i]; i++)
                found += !strcmp(d->aliases[i], "datagen") ||
                         !strcmp(d->aliases[i], "GeneratorSource") ||
                         !strcmp(d->aliases[i], "GeneratorSourceConnector");
        cr_assert_eq(found, 3);
}

Test(datagen_plugin, empty_task_config_refused)
{
        const connectd_connector_desc_t *d = init_plugin();
        struct connectd_config empty = { .n = 0 };
        void *st = NULL;
        char err[512];
        cr_assert_eq(d->task_start(NULL, &empty, &st, err, sizeof(err)), -1);
        cr_assert_str_eq(err, "No usable properties - refusing to start since "
                              "there is no work to do.");
}

Test(datagen_plugin, validate_reports_key_and_expression)
{
        const connectd_connector_desc_t *d = init_plugin();
        struct connectd_config c = {
                .k = { "connector.class", "genkp.a.with", "genv.a.b.with" },
                .v = { "datagen", "#{Internet.uuid}", "#{Name.nope 'x'}" },
                .n = 3
        };
        struct connectd_validation v = { .n = 0 };
        d->validate(&c, &v);
        cr_assert_eq(v.n, 1);
        cr_assert_str_eq(v.key, "genv.a.b.with");
        cr_assert(strstr(v.msg, "#{Name.nope 'x'}"), "%s", v.msg);
        c.v[2] = "#{Book.title}";
        memset(&v, 0, sizeof(v));
        d->validate(&c, &v);
        cr_assert_eq(v.n, 0, "%s", v.msg);
}

Test(datagen_plugin, poll_builds_structs)
{
        const connectd_connector_desc_t *d = init_plugin();
        struct connectd_config c = {
                .k = { "genkp.book.with", "genv.book.title.with",
                       "genv.book.genre.with", "genv.book.author.with",
                       "genv.book.n->x.with" },
                .v = { "#{Internet.uuid}", "#{Book.title}", "#{Book.genre}",
                       "#{Book.author}", "deep" },
                .n = 5
        };
        void *st = NULL;
        char err[512];
        static struct connectd_batch batch;
        memset(&batch, 0, sizeof(batch));
        cur_batch = &batch;
        cr_assert_eq(d->task_start(NULL, &c, &st, err, sizeof(err)), 0, "%s",
                     err);
        int n = d->task_poll(st, &batch, err, sizeof(err));
        cr_assert_geq(n, 1, "%s", err);
        cr_assert_eq(batch.nr, n);
        struct connectd_record *r = &batch.r[0];
        cr_assert_str_eq(r->topic, "book");
        cr_assert_eq(r->k->type, CONNECTD_VAL_STRING);
        cr_assert_eq(strlen(r->k->s), 36);
        cr_assert_eq(r->v->type, CONNECTD_VAL_STRUCT);
        cr_assert_str_eq(r->v->name, "com.amazonaws.mskdatagen.Gen0");
        cr_assert_eq(r->v->nf, 4);
        int sub = -1;
        for (int i = 0; i < 4; i++)
                if (!strcmp(r->v->fname[i], "n"))
                        sub = i;
        cr_assert_geq(sub, 0);
        cr_assert_str_eq(r->v->f[sub]->name, "com.amazonaws.mskdatagen.Gen1");
        cr_assert_str_eq(r->v->f[sub]->f[0]->s, "deep");
        d->task_stop(st);
}

/* ---- hardening (regressions) ---- */

/* An empty primitive read by a matching used to reach memcpy(NULL, ..., 0)
 * when its history entry had no buffer yet. */
Test(datagen, empty_value_in_history)
{
        dg_config_t *c = cfg_ok("genkp.a.with", "", "genv.b.s.matching",
                                "a.key", NULL);
        dg_task_t *t = dg_task_new(c, 3);
        sink_t *s = sink_new();
        char err[256];
        cr_assert_geq(run(t, s, 50, err, sizeof(err)), 0, "%s", err);
        int b = 0;
        for (int i = 0; i < s->n; i++)
                if (!strcmp(s->r[i].topic, "b")) {
                        cr_assert_str_eq(s->r[i].json, "{\"s\":\"\"}");
                        b++;
                }
        cr_assert_gt(b, 0);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

/* throttle.ms = Long.MAX_VALUE used to overflow last + throttle. */
Test(datagen, huge_throttle_is_never_due_again)
{
        dg_config_t *c = cfg_ok("genkp.a.with", "x", "topic.a.throttle.ms",
                                "9223372036854775807", "genkp.b.with", "y",
                                "global.throttle.ms", "9223372036854775807",
                                NULL);
        dg_task_t *t = dg_task_new(c, 3);
        sink_t *s = sink_new();
        char err[256];
        int drained;
        for (int i = 0; i < 3; i++)
                cr_assert_geq(dg_task_poll(t, 10, collect, s, fake_sleep, NULL,
                                           &drained, err, sizeof(err)),
                              0, "%s", err);
        cr_assert_eq(s->n, 2);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

/* Bad numbers in expressions are config errors that name the key. */
Test(datagen, expression_number_errors_name_the_key)
{
        const char *m = cfg_err("genv.t.a.with", "genkp.t.with", "x",
                                "genv.t.a.with",
                                "#{regexify 'a{9223372036854775807,}'}", NULL);
        cr_assert(strstr(m, "repetition"), "%s", m);
        m = cfg_err("genv.t.b.with", "genv.t.a.with", "x", "genv.t.b.with",
                    "#{date.between 'Sun Mar 22 01:59:02 UTC 999999999999',"
                    "'Sun Mar 22 01:59:02 UTC 2020'}", NULL);
        cr_assert(strstr(m, "Unable to resolve #{date.between"), "%s", m);
}

/* A record is generated into one buffer of at most 1 MiB: a topic whose
 * fields together could exceed it is refused at config time instead of
 * failing every event (and the task) at run time. */
Test(datagen, record_size_bound_checked_at_config_time)
{
        const char *m = cfg_err(
                "genv.t.j.with", "genv.t.a.with", "#{Lorem.characters '100000'}",
                "genv.t.b.with", "#{Lorem.characters '100000'}", "genv.t.c.with",
                "#{Lorem.characters '100000'}", "genv.t.d.with",
                "#{Lorem.characters '100000'}", "genv.t.e.with",
                "#{Lorem.characters '100000'}", "genkp.t.with",
                "#{Lorem.characters '100000'}", "genv.t.f.with",
                "#{Lorem.characters '100000'}", "genv.t.g.with",
                "#{Lorem.characters '100000'}", "genv.t.h.with",
                "#{Lorem.characters '100000'}", "genv.t.i.with",
                "#{Lorem.characters '100000'}", "genv.t.j.with",
                "#{Lorem.characters '100000'}", "genv.t.k.with",
                "#{Lorem.characters '100000'}", NULL);
        cr_assert(strstr(m, "topic t"), "%s", m);
        cr_assert(strstr(m, "1048576"), "%s", m);
        dg_config_t *c = cfg_ok("genv.t.a.with", "#{Lorem.characters '100000'}",
                                "genv.t.b.with", "#{Lorem.characters '100000'}",
                                NULL);
        dg_task_t *t = dg_task_new(c, 3);
        sink_t *s = sink_new();
        char err[256];
        cr_assert_geq(run(t, s, 3, err, sizeof(err)), 0, "%s", err);
        cr_assert_eq(s->n, 3);
        sink_free(s);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

/* Keys of 1024 bytes or more used to be ignored without a word. */
Test(datagen, long_keys_are_parsed)
{
        size_t n = 2000;
        char *attr = malloc(n + 1), *key = malloc(n + 32),
             *bad = malloc(n + 32), *ref = malloc(n + 32);
        memset(attr, 'a', n);
        attr[n] = '\0';
        snprintf(key, n + 32, "genv.t.%s.with", attr);
        snprintf(bad, n + 32, "genv.t.%s.nope", attr);
        snprintf(ref, n + 32, "t.value.%s", attr);
        const char *m = cfg_err(bad, bad, "x", NULL);
        cr_assert(strstr(m, "Invalid generator configuration"), "%s", m);
        /* and a long matching reference is not cut short */
        dg_config_t *c = cfg_ok(key, "#{Book.title}", "genv.u.b.matching", ref,
                                NULL);
        int t = dg_config_topic(c, "u");
        cr_assert_geq(t, 0);
        cr_assert_eq(c->topics[t].ndeps, 1);
        dg_config_destroy(c);
        free(attr);
        free(key);
        free(bad);
        free(ref);
}

/* Only the first 256 topic options used to be checked (§4 check 1). */
Test(datagen, every_topic_option_is_checked)
{
        enum { N = 300 };
        dg_kv_t kv[N + 2];
        static char keys[N][48];
        char err[2048];
        const char *bad = NULL;
        kv[0].key = "genkp.t.with";
        kv[0].value = "x";
        for (int i = 0; i < N; i++) {
                snprintf(keys[i], sizeof(keys[i]), "topic.t.throttle.ms");
                kv[1 + i].key = keys[i];
                kv[1 + i].value = "5";
        }
        kv[N + 1].key = "topic.nosuch.throttle.ms";
        kv[N + 1].value = "5";
        dg_config_t *c = dg_config_new(kv, N + 2, &bad, err, sizeof(err));
        cr_assert_null(c, "config accepted");
        cr_assert(strstr(err, "topic(s) nosuch"), "%s", err);
        cr_assert_str_eq(bad, "topic.nosuch.throttle.ms");
}

/* A poll used to make up to 2000 records whatever their size: with 1 MiB
 * records that is 2 GB, past the worker's batch arena, and the task failed.
 * A poll stops after about 16 MiB of generated text. */
Test(datagen_plugin, poll_bounded_by_bytes, .timeout = 120)
{
        const connectd_connector_desc_t *d = init_plugin();
        struct connectd_config c = { .n = 10 };
        static char keys[10][32];
        for (int i = 0; i < 10; i++) {
                snprintf(keys[i], sizeof(keys[i]), "genv.big.f%d.with", i);
                c.k[i] = keys[i];
                c.v[i] = "#{Lorem.characters '100000'}";
        }
        void *st = NULL;
        char err[512];
        static struct connectd_batch batch;
        memset(&batch, 0, sizeof(batch));
        cur_batch = &batch;
        cr_assert_eq(d->task_start(NULL, &c, &st, err, sizeof(err)), 0, "%s",
                     err);
        int n = d->task_poll(st, &batch, err, sizeof(err));
        cr_assert_geq(n, 1, "%s", err);
        cr_assert_leq(n, 17, "%d records of 1 MB in one poll", n);
        d->task_stop(st);
}

/* history.records.max defaults to a million; with 100 KB keys the history
 * of one topic grew without a byte bound (100 GB at the default). It now
 * stops at 64 MiB per topic and task and evicts the oldest. */
Test(datagen, history_bounded_by_bytes, .timeout = 300)
{
        dg_config_t *c = cfg_ok("genkp.a.with", "#{Lorem.characters '100000'}",
                                "genkp.b.matching", "a.key", NULL);
        dg_task_t *t = dg_task_new(c, 5);
        char err[256];
        int drained, a = dg_config_topic(c, "a"), b = dg_config_topic(c, "b");
        for (int i = 0; i < 100; i++)
                cr_assert_geq(dg_task_poll(t, 8, NULL, NULL, NULL, NULL,
                                           &drained, err, sizeof(err)),
                              0, "%s", err);
        cr_assert_eq(dg_task_produced(t, a), 400);
        cr_assert_eq(dg_task_produced(t, b), 400);
        size_t bytes = dg_task_history_bytes(t, a);
        cr_assert_leq(bytes, (size_t)(64 << 20) + 2 * 100000, "%zu", bytes);
        cr_assert_lt(dg_task_history_len(t, a), 400);
        cr_assert_gt(dg_task_history_len(t, a), 100);
        dg_task_destroy(t);
        dg_config_destroy(c);
}

/* Topics, slots, options and output fields used to be found by linear
 * search in loops over all of them: a 1 MiB config (tens of thousands of
 * keys, one unauthenticated validate request) took minutes of CPU. Now
 * linear: 30000 topics with attributes, options and references parse in
 * seconds (under ASan), far inside the timeout. */
Test(datagen, large_configs_parse_in_linear_time, .timeout = 60)
{
        enum { N = 30000, PER = 4 };
        dg_kv_t *kv = calloc(N * PER, sizeof(*kv));
        char (*keys)[40] = calloc(N * PER, 40);
        char (*vals)[40] = calloc(N * PER, 40);
        char err[512];
        const char *bad = NULL;
        int k = 0;
        for (int i = 0; i < N; i++) {
                snprintf(keys[k], 40, "genv.t%d.a.with", i);
                snprintf(vals[k], 40, "x");
                k++;
                snprintf(keys[k], 40, "genv.big.f%d.matching", i);
                snprintf(vals[k], 40, "t%d.value.a", i);
                k++;
                snprintf(keys[k], 40, "attrv.t%d.a.null.rate", i);
                snprintf(vals[k], 40, "0.5");
                k++;
                snprintf(keys[k], 40, "topic.t%d.throttle.ms", i);
                snprintf(vals[k], 40, "5");
                k++;
        }
        for (int i = 0; i < k; i++) {
                kv[i].key = keys[i];
                kv[i].value = vals[i];
        }
        dg_config_t *c = dg_config_new(kv, (size_t)k, &bad, err, sizeof(err));
        cr_assert_not_null(c, "%s", err);
        int big = dg_config_topic(c, "big");
        cr_assert_geq(big, 0);
        cr_assert_eq(c->topics[big].ndeps, N);
        cr_assert_eq(c->topics[big].plan[DG_NS_VALUE]->n, N);
        dg_config_destroy(c);
        /* and the same size refused (§4 check 1) on its last key */
        snprintf(keys[k - 1], 40, "topic.nosuch.throttle.ms");
        c = dg_config_new(kv, (size_t)k, &bad, err, sizeof(err));
        cr_assert_null(c);
        cr_assert_str_eq(bad, "topic.nosuch.throttle.ms", "%s", err);
        free(kv);
        free(keys);
        free(vals);
}
