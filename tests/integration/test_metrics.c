/*
 * Integration: GET /metrics and /health with the real binary.
 *
 * - The bookstore datagen connector runs; /metrics is scraped while it
 *   writes (names, labels, counters rising), then it is paused and, once
 *   the figures settle, each task's source-record-write-total summed
 *   equals what kcat reads from the three topics.
 * - metrics.enabled=false: /metrics is 404, /health still healthy.
 * - A broker outage: the embedded cluster runs as its own process and is
 *   stopped (SIGSTOP) for 15 s: /health turns 500 "unhealthy" with the
 *   reason and connectd_kafka_cluster_reachable 0 within 10 s, and both
 *   clear by themselves after SIGCONT.
 *
 * Every wait polls with a deadline.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static const char *const TOPICS[] = { "book", "bookstore", "purchase" };

static json_t *bookstore_config(const char *throttle)
{
        char path[1024];
        const char *src = getenv("CONNECTD_SOURCE_DIR");
        json_error_t je;
        json_t *j;
        char *text;

        cr_assert_not_null(src, "CONNECTD_SOURCE_DIR not set");
        snprintf(path, sizeof(path), "%s/examples/msk-datagen-bookstore.json",
                 src);
        text = slurp(path);
        cr_assert_not_null(text, "cannot read %s", path);
        j = json_loads(text, 0, &je);
        free(text);
        cr_assert_not_null(j, "%s", je.text);
        json_object_set_new(json_object_get(j, "config"), "global.throttle.ms",
                            json_string(throttle));
        return j;
}

static void post_bookstore(worker_t *w, const char *throttle)
{
        json_t *j = bookstore_config(throttle);
        char *body = json_dumps(j, JSON_COMPACT);

        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        json_decref(j);
}

static char *scrape(const worker_t *w)
{
        http_resp_t *r = http_req(w, "GET", "/metrics", NULL, NULL);
        char *s;

        cr_assert_eq(r->status, 200, "GET /metrics: %ld %s", r->status,
                     r->body);
        cr_assert_not_null(r->content_type);
        cr_assert(strstr(r->content_type, "text/plain") &&
                  strstr(r->content_type, "version=0.0.4"), "%s",
                  r->content_type);
        s = strdup(r->body);
        http_resp_free(r);
        return s;
}

/* The value of the sample whose name-and-labels text is exactly `series`
 * (as "name{a=\"b\"}"), or -1 when there is none. */
static double sample(const char *text, const char *series)
{
        size_t n = strlen(series);
        const char *p = text;

        while ((p = strstr(p, series))) {
                if ((p == text || p[-1] == '\n') && p[n] == ' ')
                        return strtod(p + n + 1, NULL);
                p += n;
        }
        return -1;
}

static double task_value(const char *text, const char *name, int task)
{
        char series[512];

        snprintf(series, sizeof(series),
                 "%s{connector=\"bookstore\",task=\"%d\"}", name, task);
        return sample(text, series);
}

static const char WRITE[] =
        "kafka_connect_source_task_metrics_source_record_write_total";
static const char POLL[] =
        "kafka_connect_source_task_metrics_source_record_poll_total";

static double write_sum(const worker_t *w)
{
        char *text = scrape(w);
        double sum = 0;
        int i;

        for (i = 0; i < 3; i++) {
                double v = task_value(text, WRITE, i);

                cr_assert_geq(v, 0, "no %s for task %d", WRITE, i);
                sum += v;
        }
        free(text);
        return sum;
}

typedef struct rising {
        worker_t *w;
        double first[3];
} rising_t;

static int all_rising(void *arg)
{
        rising_t *r = arg;
        char *text = scrape(r->w);
        int i, ok = 1;

        for (i = 0; i < 3; i++)
                if (!(task_value(text, WRITE, i) > r->first[i]))
                        ok = 0;
        free(text);
        return ok;
}

typedef struct settled {
        worker_t *w;
        char bootstrap[256];
        double writes;
        long long kafka;
} settled_t;

/* Paused: the writes counted and the topics' records agree, and stay so
 * for a second scrape. */
static int counts_settled(void *arg)
{
        settled_t *s = arg;
        double a = write_sum(s->w), b;
        long long k = 0;
        int i;

        for (i = 0; i < 3; i++) {
                long long n = topic_count(s->bootstrap, TOPICS[i]);

                if (n < 0)
                        return 0;
                k += n;
        }
        b = write_sum(s->w);
        s->writes = b;
        s->kafka = k;
        return a == b && (long long)b == k;
}

static int count_lines(const char *s)
{
        int n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

Test(metrics, bookstore_counters_match_kcat, .timeout = 180)
{
        worker_t *w = worker_start(NULL, NULL);
        rising_t r = { .w = w };
        settled_t st = { .w = w };
        char *text;
        long long kcat_total = 0;
        int i;

        post_bookstore(w, "20");
        cr_assert(wait_status(w, "bookstore", "RUNNING", 3, "RUNNING",
                              30000));

        text = scrape(w);
        /* Families announced with HELP and TYPE; labels as the JMX
         * exporter's Kafka Connect rules make them. */
        cr_assert(strstr(text, "# TYPE kafka_connect_source_task_metrics_"
                               "source_record_poll_total gauge\n"), "%s",
                  text);
        cr_assert(strstr(text, "# HELP kafka_connect_source_task_metrics_"
                               "source_record_write_total "));
        cr_assert_eq(sample(text, "kafka_connect_connect_worker_metrics_"
                                  "connector_count"), 1);
        cr_assert_eq(sample(text, "kafka_connect_connect_worker_metrics_"
                                  "task_count"), 3);
        cr_assert_eq(sample(text, "kafka_connect_connector_metrics_status{"
                                  "connector=\"bookstore\",status="
                                  "\"running\"}"), 1);
        cr_assert_eq(sample(text, "kafka_connect_connector_metrics_"
                                  "connector_type{connector=\"bookstore\","
                                  "connector_type=\"source\"}"), 1);
        cr_assert_eq(sample(text, "kafka_connect_connector_metrics_"
                                  "connector_class{connector=\"bookstore\","
                                  "connector_class=\"com.amazonaws."
                                  "mskdatagen.GeneratorSourceConnector\"}"),
                     1);
        cr_assert_eq(sample(text, "connectd_kafka_cluster_reachable"), 1,
                     "%s", text);
        for (i = 0; i < 3; i++) {
                char series[256];

                snprintf(series, sizeof(series),
                         "kafka_connect_connector_task_metrics_status{"
                         "connector=\"bookstore\",task=\"%d\",status="
                         "\"running\"}", i);
                cr_assert_eq(sample(text, series), 1, "%s", series);
                cr_assert_geq(task_value(text, POLL, i), 0);
                cr_assert_geq(task_value(text, "kafka_connect_task_error_"
                                               "metrics_total_record_errors",
                                         i), 0);
                cr_assert_geq(task_value(text, "connectd_task_produce_"
                                               "errors_total", i), 0);
                cr_assert_eq(task_value(text, "connectd_task_delivery_"
                                              "healthy", i), 1);
                r.first[i] = task_value(text, WRITE, i);
        }
        free(text);
        /* The per-task counters rise while the connector runs. */
        cr_assert(wait_until(all_rising, &r, 20000),
                  "source-record-write-total did not rise on every task");

        json_decref(http_json(w, "PUT", "/connectors/bookstore/pause", NULL,
                              202));
        cr_assert(wait_status(w, "bookstore", "PAUSED", 3, "PAUSED", 30000));
        snprintf(st.bootstrap, sizeof(st.bootstrap), "%s", w->bootstrap);
        cr_assert(wait_until(counts_settled, &st, 20000),
                  "written %.0f, the topics hold %lld", st.writes, st.kafka);
        for (i = 0; i < 3; i++) {
                char *dump = kcat_dump(w->bootstrap, TOPICS[i], "%o\n",
                                       30000);

                kcat_total += count_lines(dump);
                free(dump);
        }
        cr_assert_gt(kcat_total, 0);
        cr_assert_eq((long long)write_sum(w), kcat_total,
                     "source-record-write-total summed %.0f, kcat read %lld",
                     write_sum(w), kcat_total);
        text = scrape(w);
        cr_assert_eq(sample(text, "kafka_connect_connector_metrics_status{"
                                  "connector=\"bookstore\",status="
                                  "\"paused\"}"), 1);
        for (i = 0; i < 3; i++)
                cr_assert_geq(task_value(text, POLL, i),
                              task_value(text, WRITE, i));
        free(text);
        worker_free(w);
}

Test(metrics, disabled_is_404, .timeout = 60)
{
        worker_t *w = worker_start("metrics.enabled=false\n", NULL);
        http_resp_t *r = http_req(w, "GET", "/metrics", NULL, NULL);

        cr_assert_eq(r->status, 404, "%ld %s", r->status, r->body);
        http_resp_free(r);
        r = http_req(w, "GET", "/health", NULL, NULL);
        cr_assert_eq(r->status, 200, "%ld %s", r->status, r->body);
        http_resp_free(r);
        worker_free(w);
}

typedef struct health {
        worker_t *w;
        long want;
        long got;
        char body[2048];
} health_t;

static int health_is(void *arg)
{
        health_t *h = arg;
        http_resp_t *r = http_req(h->w, "GET", "/health", NULL, NULL);

        h->got = r->status;
        snprintf(h->body, sizeof(h->body), "%s", r->body);
        http_resp_free(r);
        return h->got == h->want;
}

static double ms_since(const struct timespec *t0)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)(t.tv_sec - t0->tv_sec) * 1000 +
               (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

Test(metrics, broker_outage_shows_and_clears, .timeout = 180)
{
        ekafka_t *k = ekafka_start();
        char props[512], *text;
        health_t h;
        worker_t *w;
        struct timespec t0;
        double took;

        snprintf(props, sizeof(props), "bootstrap.servers=%s\n",
                 k->bootstrap);
        w = worker_start(props, NULL);
        post_bookstore(w, "50");
        cr_assert(wait_status(w, "bookstore", "RUNNING", 3, "RUNNING",
                              30000));
        h.w = w;
        h.want = 200;
        cr_assert(wait_until(health_is, &h, 20000), "%ld %s", h.got, h.body);

        cr_assert_eq(kill(k->pid, SIGSTOP), 0);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        h.want = 500;
        /* Within 10 s of the outage (not scaled: it is the promise):
         * /health, the cluster gauge and a task's delivery gauge. */
        text = NULL;
        for (;;) {
                int unhealthy = health_is(&h);

                free(text);
                text = scrape(w);
                if ((unhealthy &&
                     sample(text, "connectd_kafka_cluster_reachable") == 0 &&
                     task_value(text, "connectd_task_delivery_healthy", 0) ==
                             0) ||
                    ms_since(&t0) >= 10000)
                        break;
                struct timespec ts = { 0, 100 * 1000000L };
                nanosleep(&ts, NULL);
        }
        took = ms_since(&t0);
        /* Keep it stopped for 15 s in all, then judge. */
        while (ms_since(&t0) < 15000) {
                struct timespec ts = { 0, 100 * 1000000L };
                nanosleep(&ts, NULL);
        }
        cr_assert_eq(kill(k->pid, SIGCONT), 0);
        cr_assert_eq(h.got, 500, "/health still %ld after %.0f ms: %s",
                     h.got, took, h.body);
        cr_assert(strstr(h.body, "\"status\":\"unhealthy\""), "%s", h.body);
        cr_assert(strstr(h.body, "unreachable") ||
                  strstr(h.body, "cannot deliver"), "%s", h.body);
        cr_assert_eq(sample(text, "connectd_kafka_cluster_reachable"), 0,
                     "%s", text);
        cr_assert_eq(task_value(text, "connectd_task_delivery_healthy", 0),
                     0, "%s", text);
        cr_assert(strstr(text, "connectd_worker_health_problem{reason="
                               "\"Kafka cluster at "), "%s", text);
        cr_assert(strstr(text, "connectd_worker_health_problem{reason="
                               "\"Task bookstore-0 cannot deliver"), "%s",
                  text);
        free(text);

        h.want = 200;
        cr_assert(wait_until(health_is, &h, 30000),
                  "/health did not clear: %ld %s", h.got, h.body);
        text = scrape(w);
        cr_assert_eq(sample(text, "connectd_kafka_cluster_reachable"), 1,
                     "%s", text);
        cr_assert_null(strstr(text, "connectd_worker_health_problem{"),
                       "%s", text);
        cr_assert_eq(task_value(text, "connectd_task_delivery_healthy", 0),
                     1, "%s", text);
        free(text);
        worker_free(w);
        ekafka_stop(k);
}
