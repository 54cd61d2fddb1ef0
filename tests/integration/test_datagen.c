/*
 * Integration: the MSK Data Generator bookstore demo through a real worker.
 *
 * - POST examples/msk-datagen-bookstore.json (throttle lowered, every topic
 *   bounded by topic.<t>.records.exactly) -> 201, connector and 3 tasks
 *   RUNNING. The test polls the topics' watermarks until each holds exactly
 *   tasks x records.exactly records, then reads exactly that many with kcat,
 *   so every record is seen: every key a purchase references must be among
 *   the book and bookstore keys (each task matches only its own history,
 *   which it produced before the purchase), and no topic holds more.
 * - The same config as a properties file on the command line.
 * - The seed throttle: the Kafka timestamps of the first books are spread
 *   as far apart as one book per 2 s per task demands.
 * - An unresolvable expression: 400 at POST and an error in
 *   /connector-plugins/.../config/validate, naming the key and expression.
 *
 * Nothing waits for a timeout to expire: waits poll topic_count() with a
 * deadline and kcat returns as soon as it has read the count asked for.
 */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define UUID_RE "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
#define DATE_RE                                                                \
        "^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) "                                      \
        "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "                   \
        "[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] [A-Za-z]+ [0-9]{4}$"

static int re_ok(const char *re, const char *s)
{
        regex_t r;
        int ok;
        cr_assert_eq(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
        ok = regexec(&r, s, 0, NULL, 0) == 0;
        regfree(&r);
        return ok;
}

static json_t *bookstore_config(const char *throttle)
{
        char path[1024];
        const char *src = getenv("CONNECTD_SOURCE_DIR");
        cr_assert_not_null(src, "CONNECTD_SOURCE_DIR not set");
        snprintf(path, sizeof(path), "%s/examples/msk-datagen-bookstore.json",
                 src);
        char *text = slurp(path);
        cr_assert_not_null(text, "cannot read %s", path);
        json_error_t je;
        json_t *j = json_loads(text, 0, &je);
        free(text);
        cr_assert_not_null(j, "%s", je.text);
        json_object_set_new(json_object_get(j, "config"), "global.throttle.ms",
                            json_string(throttle));
        return j;
}

/* Java Date.toString() in UTC (the worker runs with TZ unset or UTC) to ms. */
static int64_t parse_date_ms(const char *s)
{
        static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
        char dow[8], m[8], zone[16];
        int d, hh, mm, ss, y, mi;
        struct tm tm;
        if (sscanf(s, "%7s %7s %d %d:%d:%d %15s %d", dow, m, &d, &hh, &mm, &ss,
                   zone, &y) != 8)
                return -1;
        for (mi = 0; mi < 12 && strcmp(mon[mi], m); mi++)
                ;
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = y - 1900;
        tm.tm_mon = mi;
        tm.tm_mday = d;
        tm.tm_hour = hh;
        tm.tm_min = mm;
        tm.tm_sec = ss;
        if (strcmp(zone, "UTC") && strcmp(zone, "GMT"))
                return -2; /* other zones: skip the window check */
        return (int64_t)timegm(&tm) * 1000;
}

typedef struct keyset {
        char **k;
        size_t n, cap;
} keyset_t;

static void keyset_add(keyset_t *s, const char *k)
{
        if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 1024;
                s->k = realloc(s->k, s->cap * sizeof(char *));
                cr_assert_not_null(s->k);
        }
        s->k[s->n++] = strdup(k);
}

static int cmpstr(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int keyset_has(keyset_t *s, const char *k)
{
        return bsearch(&k, s->k, s->n, sizeof(char *), cmpstr) != NULL;
}

static void keyset_free(keyset_t *s)
{
        for (size_t i = 0; i < s->n; i++)
                free(s->k[i]);
        free(s->k);
}

/* Check every line "key \t value \t kafka-ts" of a topic; collect keys. */
static size_t check_topic(const char *out, const char *topic,
                          const char *const *fields, size_t nfields,
                          keyset_t *keys, keyset_t *book_refs,
                          keyset_t *store_refs)
{
        size_t n = 0;
        char *dup = strdup(out), *save = NULL;
        for (char *line = strtok_r(dup, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                char *t1 = strchr(line, '\t');
                cr_assert_not_null(t1, "%s: bad line %s", topic, line);
                *t1 = '\0';
                char *val = t1 + 1, *t2 = strrchr(val, '\t');
                cr_assert_not_null(t2, "%s: no timestamp in %s", topic, val);
                *t2 = '\0';
                int64_t kts = strtoll(t2 + 1, NULL, 10);
                cr_assert(re_ok(UUID_RE, line), "%s key %s", topic, line);
                json_error_t je;
                json_t *j = json_loads(val, 0, &je);
                cr_assert(json_is_object(j), "%s value %s", topic, val);
                cr_assert_eq(json_object_size(j), nfields, "%s", val);
                /* field order as MSK writes it (Java HashMap order) */
                char first[64];
                snprintf(first, sizeof(first), "{\"%s\":\"", fields[0]);
                cr_assert(!strncmp(val, first, strlen(first)), "%s", val);
                for (size_t f = 0; f < nfields; f++) {
                        json_t *v = json_object_get(j, fields[f]);
                        cr_assert(json_is_string(v), "%s.%s in %s", topic,
                                  fields[f], val);
                }
                if (book_refs) {
                        const char *q = json_string_value(
                                json_object_get(j, "quantity"));
                        const char *p = json_string_value(
                                json_object_get(j, "unit_price"));
                        const char *ts = json_string_value(
                                json_object_get(j, "timestamp"));
                        const char *cu = json_string_value(
                                json_object_get(j, "customer"));
                        long qv = strtol(q, NULL, 10), pv = strtol(p, NULL, 10);
                        cr_assert(re_ok("^[1-4]$", q), "quantity %s", q);
                        cr_assert(re_ok("^[1-9][0-9]$", p) && pv >= 10 &&
                                  pv <= 74, "unit_price %s", p);
                        cr_assert(qv >= 1 && qv <= 4);
                        cr_assert(re_ok("^[a-z-]+\\.[a-z-]+$", cu), "%s", cu);
                        cr_assert(re_ok(DATE_RE, ts), "timestamp %s", ts);
                        int64_t tms = parse_date_ms(ts);
                        if (tms >= 0 && kts > 0) {
                                int64_t age = kts - tms;
                                cr_assert(age >= 0 && age <= 13000,
                                          "timestamp %s is %lld ms before the "
                                          "record's Kafka time",
                                          ts, (long long)age);
                        }
                        const char *b = json_string_value(
                                json_object_get(j, "book_id"));
                        const char *s = json_string_value(
                                json_object_get(j, "bookstore_id"));
                        cr_assert(re_ok(UUID_RE, b) && re_ok(UUID_RE, s));
                        keyset_add(book_refs, b);
                        keyset_add(store_refs, s);
                }
                if (keys)
                        keyset_add(keys, line);
                json_decref(j);
                n++;
        }
        free(dup);
        return n;
}

static const char *BOOK_F[] = { "title", "author", "genre" };
static const char *STORE_F[] = { "city", "name", "state" };
static const char *PURCHASE_F[] = { "quantity",  "bookstore_id", "book_id",
                                    "customer",  "timestamp",    "unit_price" };

#define NTASKS 3

typedef struct count_wait {
        const char *bootstrap;
        const char *topic;
        long long want;
        long long seen;
} count_wait_t;

static int count_reached(void *arg)
{
        count_wait_t *c = arg;
        c->seen = topic_count(c->bootstrap, c->topic);
        return c->seen >= c->want;
}

/* Poll until `topic` holds at least `want` records; returns how many. */
static long long wait_count(const worker_t *w, const char *topic,
                            long long want, int timeout_ms)
{
        count_wait_t c = { w->bootstrap, topic, want, -1 };
        cr_assert(wait_until(count_reached, &c, timeout_ms),
                  "%s holds %lld records, want %lld", topic, c.seen, want);
        return c.seen;
}

/* Every task produces exactly `per_task` records of each topic. Wait until
 * all of them are in Kafka, then read them all and check them. */
static void check_bookstore_stream(const worker_t *w, int per_task)
{
        static const char *const topics[] = { "purchase", "book", "bookstore" };
        const long long total = (long long)per_task * NTASKS;
        keyset_t books = { 0 }, stores = { 0 }, brefs = { 0 }, srefs = { 0 };

        for (size_t i = 0; i < 3; i++) {
                long long n = wait_count(w, topics[i], total, 60000);
                cr_assert_eq(n, total, "%s holds %lld records, records.exactly "
                             "allows %lld", topics[i], n, total);
        }
        char *p = kcat_consume(w->bootstrap, "purchase", (int)total,
                               "%k\t%s\t%T\n", 60000);
        char *b = kcat_consume(w->bootstrap, "book", (int)total,
                               "%k\t%s\t%T\n", 60000);
        char *s = kcat_consume(w->bootstrap, "bookstore", (int)total,
                               "%k\t%s\t%T\n", 60000);
        size_t np = check_topic(p, "purchase", PURCHASE_F, 6, NULL, &brefs,
                                &srefs);
        size_t nb = check_topic(b, "book", BOOK_F, 3, &books, NULL, NULL);
        size_t ns = check_topic(s, "bookstore", STORE_F, 3, &stores, NULL, NULL);
        free(p);
        free(b);
        free(s);
        cr_assert_eq(np, (size_t)total, "read %zu purchases", np);
        cr_assert_eq(nb, (size_t)total, "read %zu books", nb);
        cr_assert_eq(ns, (size_t)total, "read %zu bookstores", ns);
        qsort(books.k, books.n, sizeof(char *), cmpstr);
        qsort(stores.k, stores.n, sizeof(char *), cmpstr);
        for (size_t i = 0; i < brefs.n; i++) {
                cr_assert(keyset_has(&books, brefs.k[i]),
                          "purchase.book_id %s is no book key", brefs.k[i]);
                cr_assert(keyset_has(&stores, srefs.k[i]),
                          "purchase.bookstore_id %s is no bookstore key",
                          srefs.k[i]);
        }
        /* every topic is retired: nothing more was produced meanwhile */
        for (size_t i = 0; i < 3; i++)
                cr_assert_eq(topic_count(w->bootstrap, topics[i]), total,
                             "%s grew past records.exactly", topics[i]);
        keyset_free(&books);
        keyset_free(&stores);
        keyset_free(&brefs);
        keyset_free(&srefs);
}

static void set_exactly(json_t *cfg, int per_task)
{
        static const char *const topics[] = { "purchase", "book", "bookstore" };
        json_t *c = json_object_get(cfg, "config");
        char key[64], val[32];
        snprintf(val, sizeof(val), "%d", per_task);
        for (size_t i = 0; i < 3; i++) {
                snprintf(key, sizeof(key), "topic.%s.records.exactly",
                         topics[i]);
                json_object_set_new(c, key, json_string(val));
        }
}

Test(datagen, bookstore_over_rest, .timeout = 300)
{
        worker_t *w = worker_start(NULL, NULL);
        json_t *cfg = bookstore_config("1");
        set_exactly(cfg, 1000); /* 3000 records per topic */
        char *body = json_dumps(cfg, JSON_COMPACT);
        json_t *r = http_json(w, "POST", "/connectors", body, 201);
        cr_assert_str_eq(json_string_value(json_object_get(r, "name")),
                         "bookstore");
        json_decref(r);
        cr_assert(wait_status(w, "bookstore", "RUNNING", 3, "RUNNING", 30000),
                  "connector or tasks not RUNNING");
        check_bookstore_stream(w, 1000);
        /* still healthy afterwards, with every topic retired */
        cr_assert(wait_status(w, "bookstore", "RUNNING", 3, "RUNNING", 5000));
        free(body);
        json_decref(cfg);
        worker_free(w);
}

Test(datagen, bookstore_from_properties_file, .timeout = 300)
{
        char src_path[1024], *dir = tmpdir_new("datagen-props");
        char props[1100];
        const char *src = getenv("CONNECTD_SOURCE_DIR");
        cr_assert_not_null(src);
        snprintf(src_path, sizeof(src_path),
                 "%s/examples/msk-datagen-bookstore.properties", src);
        char *text = slurp(src_path);
        cr_assert_not_null(text);
        char *t = strstr(text, "global.throttle.ms=2000");
        cr_assert_not_null(t, "example lost its throttle line");
        /* unthrottled here; the REST test runs with a 1 ms throttle */
        memcpy(t, "global.throttle.ms=0000", strlen("global.throttle.ms=2000"));
        snprintf(props, sizeof(props), "%s/bookstore.properties", dir);
        cr_assert_eq(spit(props, text, 0), 0);
        free(text);
        cr_assert_eq(spit(props,
                          "\ntopic.purchase.records.exactly=400\n"
                          "topic.book.records.exactly=400\n"
                          "topic.bookstore.records.exactly=400\n", 1), 0);
        const char *args[] = { props, NULL };
        worker_t *w = worker_start(NULL, args);
        cr_assert(wait_status(w, "bookstore", "RUNNING", 3, "RUNNING", 30000));
        check_bookstore_stream(w, 400);
        worker_free(w);
        rm_rf(dir);
        free(dir);
}

static int cmpll(const void *a, const void *b)
{
        long long x = *(const long long *)a, y = *(const long long *)b;
        return x < y ? -1 : x > y;
}

Test(datagen, seed_throttle_is_respected, .timeout = 120)
{
        /* The original 2000 ms config: at most one book per 2 s per task.
         * Each task's first book comes no earlier than the first book of
         * all, so within d ms of it a task makes at most 1 + d/2000 books;
         * 9 books from 3 tasks need d >= 4000 ms (unthrottled they would
         * take a few ms). Kafka CreateTime is set as the worker produces,
         * which follows generation closely: allow 500 ms of jitter. */
        enum { NBOOKS = 9 };
        worker_t *w = worker_start(NULL, NULL);
        json_t *cfg = bookstore_config("2000");
        char *body = json_dumps(cfg, JSON_COMPACT);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        cr_assert(wait_status(w, "bookstore", "RUNNING", 3, "RUNNING", 30000));
        wait_count(w, "book", NBOOKS, 30000);
        char *out = kcat_consume(w->bootstrap, "book", NBOOKS, "%T\n", 30000);
        long long ts[NBOOKS];
        size_t n = 0;
        char *save = NULL;
        for (char *l = strtok_r(out, "\n", &save); l;
             l = strtok_r(NULL, "\n", &save)) {
                cr_assert_lt(n, (size_t)NBOOKS, "more lines than asked for");
                char *end;
                ts[n] = strtoll(l, &end, 10);
                cr_assert(end != l && *end == '\0' && ts[n] > 0,
                          "bad timestamp %s", l);
                n++;
        }
        free(out);
        cr_assert_eq(n, (size_t)NBOOKS, "read %zu books", n);
        /* kcat reads partitions interleaved: sort before taking the span */
        qsort(ts, n, sizeof(ts[0]), cmpll);
        long long span = ts[n - 1] - ts[0];
        cr_assert_geq(span, 3500, "%d books within %lld ms", NBOOKS, span);
        free(body);
        json_decref(cfg);
        worker_free(w);
}

/* One poll batch spans more topics than a batch has topic slots (8): the
 * runner hands slotted topics over per topic and the rest one record at a
 * time, and a producer queue of 50 messages makes librdkafka refuse most
 * of every hand-over (queue full, retried). Every topic gets exactly its
 * records, none lost, none twice. */
Test(datagen, many_topics_in_one_batch, .timeout = 180)
{
        enum { NT = 11, PER = 300 };
        worker_t *w = worker_start(
                "producer.queue.buffering.max.messages=50\n", NULL);
        json_t *cfg = json_object(), *c = json_object();
        char key[64], topic[32];

        json_object_set_new(cfg, "name", json_string("wide"));
        json_object_set_new(c, "connector.class",
                            json_string("GeneratorSourceConnector"));
        json_object_set_new(c, "tasks.max", json_string("1"));
        json_object_set_new(c, "key.converter",
                            json_string("org.apache.kafka.connect.storage."
                                        "StringConverter"));
        json_object_set_new(c, "global.throttle.ms", json_string("0"));
        for (int i = 0; i < NT; i++) {
                snprintf(topic, sizeof(topic), "wide%02d", i);
                snprintf(key, sizeof(key), "genkp.%s.with", topic);
                json_object_set_new(c, key, json_string("#{Internet.uuid}"));
                snprintf(key, sizeof(key), "genv.%s.n.with", topic);
                json_object_set_new(c, key, json_string("#{Name.first_name}"));
                snprintf(key, sizeof(key), "topic.%s.records.exactly", topic);
                json_object_set_new(c, key, json_sprintf("%d", PER));
        }
        json_object_set_new(cfg, "config", c);
        char *body = json_dumps(cfg, JSON_COMPACT);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        for (int i = 0; i < NT; i++) {
                snprintf(topic, sizeof(topic), "wide%02d", i);
                cr_assert_eq(wait_count(w, topic, PER, 60000), PER);
        }
        /* Retired at PER each: nothing beyond, nothing lost. */
        for (int i = 0; i < NT; i++) {
                snprintf(topic, sizeof(topic), "wide%02d", i);
                cr_assert_eq(topic_count(w->bootstrap, topic), PER,
                             "%s grew past records.exactly", topic);
                char *out = kcat_consume(w->bootstrap, topic, PER, "%k\n",
                                         60000);
                size_t lines = 0;
                for (const char *q = out; (q = strchr(q, '\n')); q++)
                        lines++;
                cr_assert_eq(lines, (size_t)PER, "%s: read %zu keys", topic,
                             lines);
                free(out);
        }
        free(body);
        json_decref(cfg);
        worker_free(w);
}

Test(datagen, unresolvable_expression_rejected, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        json_t *cfg = bookstore_config("10");
        json_t *c = json_object_get(cfg, "config");
        json_object_set_new(c, "genv.book.title.with",
                            json_string("#{Book.nope}"));
        char *body = json_dumps(cfg, JSON_COMPACT);
        http_resp_t *r = http_req(w, "POST", "/connectors", body, NULL);
        cr_assert_eq(r->status, 400, "%ld %s", r->status, r->body);
        cr_assert(strstr(r->body, "genv.book.title.with"), "%s", r->body);
        cr_assert(strstr(r->body, "#{Book.nope}"), "%s", r->body);
        http_resp_free(r);

        char *vbody = json_dumps(c, JSON_COMPACT);
        r = http_req(w, "PUT",
                     "/connector-plugins/GeneratorSourceConnector/config/validate",
                     vbody, NULL);
        cr_assert_eq(r->status, 200, "%ld %s", r->status, r->body);
        cr_assert_not_null(r->json);
        cr_assert_geq(json_integer_value(json_object_get(r->json, "error_count")),
                      1);
        cr_assert(strstr(r->body, "Unable to resolve #{Book.nope} directive."),
                  "%s", r->body);
        http_resp_free(r);

        /* a §4 error also shows at POST */
        json_object_set_new(c, "genv.book.title.with", json_string("#{Book.title}"));
        json_object_set_new(c, "topic.nosuch.throttle.ms", json_string("5"));
        free(body);
        body = json_dumps(cfg, JSON_COMPACT);
        r = http_req(w, "POST", "/connectors", body, NULL);
        cr_assert_eq(r->status, 400, "%ld %s", r->status, r->body);
        cr_assert(strstr(r->body, "Topic configuration is supplied for topic(s) "
                                  "nosuch"), "%s", r->body);
        http_resp_free(r);
        free(vbody);
        free(body);
        json_decref(cfg);
        worker_free(w);
}

/* One unauthenticated validate request used to smash the worker's stack
 * (\d inside a regexify class), and numbers out of range were undefined
 * behaviour at validate and on every start. Now: a valid pattern validates,
 * bad numbers are errors naming the key, and the worker stays up. */
Test(datagen, validate_survives_hostile_expressions, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        const char *path =
                "/connector-plugins/GeneratorSourceConnector/config/validate";
        char set[128] = "";
        for (int i = 0; i < 26; i++)
                strcat(set, "\\d");
        char expr[256];
        snprintf(expr, sizeof(expr), "#{regexify '[%s]'}", set);

        json_t *c = json_pack("{s:s, s:s, s:s, s:s}", "name", "hostile",
                              "connector.class", "GeneratorSourceConnector",
                              "genkp.t.with",
                              "#{Internet.uuid}", "genv.t.a.with", expr);
        char *body = json_dumps(c, JSON_COMPACT);
        http_resp_t *r = http_req(w, "PUT", path, body, NULL);
        cr_assert_eq(r->status, 200, "%ld %s", r->status, r->body);
        cr_assert_not_null(r->json);
        cr_assert_eq(json_integer_value(json_object_get(r->json, "error_count")),
                     0, "%s", r->body);
        http_resp_free(r);
        free(body);

        const char *bad[][2] = {
                { "genv.t.a.with", "#{regexify 'a{9223372036854775807,}'}" },
                { "genv.t.a.with",
                  "#{date.between 'Sun Mar 22 01:59:02 UTC 999999999999',"
                  "'Sun Mar 22 01:59:02 UTC 2020'}" },
                { "topic.t.throttle.ms", "9223372036854775807x" },
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                json_object_set_new(c, bad[i][0], json_string(bad[i][1]));
                body = json_dumps(c, JSON_COMPACT);
                r = http_req(w, "PUT", path, body, NULL);
                cr_assert_eq(r->status, 200, "%ld %s", r->status, r->body);
                cr_assert_geq(json_integer_value(json_object_get(r->json,
                                                                 "error_count")),
                              1, "%s", r->body);
                cr_assert(strstr(r->body, bad[i][0]), "%s", r->body);
                http_resp_free(r);
                free(body);
                json_object_set_new(c, "genv.t.a.with",
                                    json_string("#{Internet.uuid}"));
                json_object_del(c, "topic.t.throttle.ms");
        }
        r = http_req(w, "GET", "/", NULL, NULL);
        cr_assert_eq(r->status, 200, "worker gone: %ld", r->status);
        http_resp_free(r);
        json_decref(c);
        worker_free(w);
}
