/*
 * Unit: the Prometheus text exposition (metrics.c): label and HELP
 * escaping, HELP/TYPE lines, names from JMX groups, one family per name
 * with all of its samples together, librdkafka statistics parsing, and
 * the task delivery health rule.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "metrics.h"
#include "runtime.h"

static char *text_of(buf_t *b)
{
        buf_putc(b, '\0');
        return b->data;
}

Test(metrics, label_values_are_escaped)
{
        buf_t b;

        buf_init(&b, 0);
        prom_sample(&b, "m", (const char *const[]){
                "connector", "a\"b\\c\nd", "task", "0", NULL }, 3);
        cr_assert_str_eq(text_of(&b),
                         "m{connector=\"a\\\"b\\\\c\\nd\",task=\"0\"} 3\n");
        buf_free(&b);
}

Test(metrics, help_and_type_lines)
{
        buf_t b;

        buf_init(&b, 0);
        prom_family(&b, "x_total", "gauge", "line \\ one\nline \"two\"");
        cr_assert_str_eq(text_of(&b),
                         "# HELP x_total line \\\\ one\\nline \"two\"\n"
                         "# TYPE x_total gauge\n");
        buf_free(&b);
}

Test(metrics, sample_values)
{
        buf_t b;

        buf_init(&b, 0);
        prom_sample(&b, "a", NULL, 0.25);
        prom_sample(&b, "b", NULL, 12345678);
        prom_sample(&b, "c", NULL, NAN);
        prom_sample(&b, "d", NULL, -INFINITY);
        cr_assert_str_eq(text_of(&b), "a 0.25\nb 12345678\nc NaN\nd -Inf\n");
        buf_free(&b);
}

Test(metrics, names_as_the_jmx_exporter_makes_them)
{
        char n[128];

        prom_name(n, sizeof(n), "source-task-metrics",
                  "source-record-poll-total");
        cr_assert_str_eq(n, "kafka_connect_source_task_metrics_"
                            "source_record_poll_total");
        prom_name(n, sizeof(n), "connect-worker-metrics", "connector-count");
        cr_assert_str_eq(n, "kafka_connect_connect_worker_metrics_"
                            "connector_count");
}

Test(metrics, librdkafka_statistics)
{
        static const char js[] =
                "{ \"name\": \"p\", \"msg_cnt\":12, \"msg_size\":3456, "
                "\"msg_max\":100000, \"brokers\":{ "
                "\"b1\": { \"rtt\": { \"min\":10, \"max\":90, \"avg\":40 },"
                " \"throttle\": { \"avg\":999999 } }, "
                "\"b2\": { \"rtt\": { \"min\":10, \"max\":900, \"avg\":70 } "
                "} } }";
        task_metrics_t m;

        memset(&m, 0, sizeof(m));
        metrics_stats(&m, js, strlen(js));
        cr_assert_eq(MGET(m.q_msgs), 12);
        cr_assert_eq(MGET(m.q_bytes), 3456);
        cr_assert_eq(MGET(m.rtt_us), 70);
}

/* A herder with connectors and tasks as the runtime keeps them, enough
 * for metrics_render (it reads the list under h->lock). */
typedef struct fake {
        herder_t h;
        connector_t c[2];
        task_t t[3];
        task_t *tp0[2], *tp1[1];
        connectd_connector_desc_t src, snk;
} fake_t;

static void fake_init(fake_t *f)
{
        int i;

        memset(f, 0, sizeof(*f));
        pthread_mutex_init(&f->h.lock, NULL);
        f->src.type = CONNECTD_SOURCE;
        f->snk.type = CONNECTD_SINK;
        f->c[0].name = "src\"one";
        f->c[0].config = json_pack("{s:s}", "connector.class", "Gen");
        f->c[0].desc = &f->src;
        strcpy(f->c[0].state, "RUNNING");
        f->c[0].tasks = f->tp0;
        f->c[0].ntasks = 2;
        f->c[0].next = &f->c[1];
        f->c[1].name = "snk";
        f->c[1].config = json_pack("{s:s}", "connector.class", "Sink");
        f->c[1].desc = &f->snk;
        strcpy(f->c[1].state, "PAUSED");
        f->c[1].tasks = f->tp1;
        f->c[1].ntasks = 1;
        f->h.conns = &f->c[0];
        for (i = 0; i < 3; i++) {
                f->t[i].id = i < 2 ? i : 0;
                f->t[i].desc = i < 2 ? &f->src : &f->snk;
                atomic_store(&f->t[i].refcnt, 100);
                strcpy(f->t[i].state, "RUNNING");
                metrics_task_created(&f->t[i]);
        }
        f->tp0[0] = &f->t[0];
        f->tp0[1] = &f->t[1];
        f->tp1[0] = &f->t[2];
}

static void fake_free(fake_t *f)
{
        json_decref(f->c[0].config);
        json_decref(f->c[1].config);
        pthread_mutex_destroy(&f->h.lock);
}

Test(metrics, one_family_per_name_samples_together)
{
        fake_t f;
        buf_t b;
        char *text, *line, *save = NULL;
        json_t *typed = json_object();
        char current[256] = "";

        fake_init(&f);
        metrics_source_polled(&f.t[0].m, 7, 10);
        metrics_produced(&f.t[0].m, 7);
        metrics_delivered(&f.t[0].m);
        metrics_sink_read(&f.t[2].m, 4);
        buf_init(&b, 0);
        cr_assert_eq(metrics_render(&f.h, &b), 0);
        text = strdup(text_of(&b));
        cr_assert(strstr(text, "kafka_connect_source_task_metrics_"
                               "source_record_poll_total{connector=\"src\\\""
                               "one\",task=\"0\"} 7\n"), "%s", text);
        cr_assert(strstr(text, "kafka_connect_source_task_metrics_"
                               "source_record_write_total{connector=\"src\\\""
                               "one\",task=\"0\"} 1\n"));
        cr_assert(strstr(text, "kafka_connect_sink_task_metrics_"
                               "sink_record_read_total{connector=\"snk\","
                               "task=\"0\"} 4\n"));
        cr_assert(strstr(text, "kafka_connect_connector_metrics_status{"
                               "connector=\"snk\",status=\"paused\"} 1\n"));
        cr_assert(strstr(text, "kafka_connect_connector_metrics_connector_"
                               "type{connector=\"snk\",connector_type="
                               "\"sink\"} 1\n"));
        cr_assert(strstr(text, "kafka_connect_connect_worker_metrics_"
                               "task_count 3\n"));
        /* A sink task has no source figures and the other way round. */
        cr_assert_null(strstr(text, "source_record_poll_total{connector="
                                    "\"snk\""));
        cr_assert_null(strstr(text, "sink_record_read_total{connector="
                                    "\"src"));
        /* Every sample belongs to the family whose HELP/TYPE came last;
         * every family is announced once. */
        for (line = strtok_r(text, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                if (!strncmp(line, "# HELP ", 7))
                        continue;
                if (!strncmp(line, "# TYPE ", 7)) {
                        char *sp = strchr(line + 7, ' ');

                        cr_assert_not_null(sp);
                        *sp = 0;
                        cr_assert_null(json_object_get(typed, line + 7),
                                       "family %s twice", line + 7);
                        json_object_set_new(typed, line + 7, json_true());
                        snprintf(current, sizeof(current), "%s", line + 7);
                        cr_assert_str_eq(sp + 1, "gauge");
                        continue;
                }
                size_t n = strcspn(line, "{ ");
                cr_assert(strlen(current) == n &&
                          !strncmp(line, current, n),
                          "sample %s outside its family %s", line, current);
        }
        free(text);
        json_decref(typed);
        buf_free(&b);
        fake_free(&f);
}

Test(metrics, task_delivery_health)
{
        fake_t f;
        char why[512];

        fake_init(&f);
        /* Healthy: nothing waits. */
        cr_assert_eq(metrics_health_problem(&f.h, why, sizeof(why)), 0);
        /* Records waiting, the last progress long ago: unhealthy. */
        metrics_produced(&f.t[1].m, 5);
        MSET(f.t[1].m.last_progress_ms, metrics_now_ms() - 60000);
        cr_assert_eq(metrics_health_problem(&f.h, why, sizeof(why)), 1);
        cr_assert(strstr(why, "Task src\"one-1 cannot deliver: 5 records "
                              "undelivered"), "%s", why);
        /* Delivered: healthy again by itself. */
        for (int i = 0; i < 5; i++)
                metrics_delivered(&f.t[1].m);
        cr_assert_eq(metrics_health_problem(&f.h, why, sizeof(why)), 0);
        /* A failed delivery just now: unhealthy with the reason. */
        metrics_delivery_failed(&f.t[0].m, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
        cr_assert_eq(metrics_health_problem(&f.h, why, sizeof(why)), 1);
        cr_assert(strstr(why, "Task src\"one-0 cannot deliver: last delivery "
                              "failed"), "%s", why);
        fake_free(&f);
}
