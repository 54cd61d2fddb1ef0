/*
 * bench_metrics — what counting costs end to end: the bookstore generator
 * on a worker with metrics.enabled=true (scraped once a second, as a
 * busy Prometheus would) against one with metrics.enabled=false, in the
 * same run, on the same embedded cluster.
 *
 * 1. Starts `connectd --embedded-kafka-only` and two workers pointing at
 *    it, one with metrics on, one with metrics off.
 * 2. Each round runs the bookstore config once on each worker (the order
 *    alternates between rounds), unthrottled, tasks.max=T,
 *    records.exactly=N/T per topic per task, timed from the POST's 201
 *    until the three topics' high watermarks add up to 3N (every record
 *    acknowledged by the cluster). While the metrics-on run goes, GET
 *    /metrics every second.
 * 3. Prints records/s both ways and the ratio per round, and the medians;
 *    and the worker's CPU time (user + system, /proc/PID/stat) per record
 *    both ways, which a busy shared machine disturbs less than the wall
 *    clock. Loopback only.
 *
 * usage: bench_metrics CONNECTD_BIN [records_per_topic] [tasks] [rounds]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <librdkafka/rdkafka.h>

#include "bench_proc.h"

#define MAX_ROUNDS 15

static int64_t topic_count(rd_kafka_t *rk, const char *topic)
{
        const struct rd_kafka_metadata *md;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        int64_t sum = 0;
        int i;

        if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == 0) {
                for (i = 0; md->topic_cnt == 1 &&
                            i < md->topics[0].partition_cnt;
                     i++) {
                        int64_t lo, hi;
                        if (rd_kafka_query_watermark_offsets(
                                    rk, topic, md->topics[0].partitions[i].id,
                                    &lo, &hi, 5000) == 0)
                                sum += hi;
                }
                rd_kafka_metadata_destroy(md);
        }
        rd_kafka_topic_destroy(rkt);
        return sum;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
        double s[MAX_ROUNDS];
        memcpy(s, v, (size_t)n * sizeof(*s));
        qsort(s, (size_t)n, sizeof(*s), cmp_double);
        return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void http(CURL *c, struct curl_slist *h, const char *method,
                 const char *url, const char *body, long *status)
{
        FILE *fp = fopen("/dev/null", "w");

        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_WRITEDATA, fp);
        curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
        fclose(fp);
}

/* CPU time (user + system, seconds) the process has used so far. */
static double cpu_s(pid_t pid)
{
        char path[64], buf[2048], *p;
        unsigned long ut = 0, st = 0;
        FILE *fp;
        size_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        fp = fopen(path, "r");
        if (!fp)
                return 0;
        n = fread(buf, 1, sizeof(buf) - 1, fp);
        fclose(fp);
        buf[n] = 0;
        p = strrchr(buf, ')');
        /* after "pid (comm)": state ppid pgrp session tty tpgid flags
         * minflt cminflt majflt cmajflt utime stime */
        if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
                                "%*u %lu %lu", &ut, &st) != 2)
                return 0;
        return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void scrape_once(CURL *c, const char *url, long *status)
{
        FILE *fp = fopen("/dev/null", "w");

        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, fp);
        curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        fclose(fp);
}

/* One run of the bookstore connector `name` on topics book_<tag>,
 * bookstore_<tag>, purchase_<tag> on the worker at `url`, scraping its
 * /metrics every second when `scrape`. records/s in *rate. */
static int run_one(CURL *c, struct curl_slist *h, const char *url,
                   rd_kafka_t *rk, const char *name, const char *tag,
                   int scrape, pid_t pid, long tasks, long per_task,
                   double *rate, double *cpu_us)
{
        char body[8192], path[512], book[32], store[32], purchase[32];
        char out[3][48], mpath[512];
        double last_scrape = 0;
        long n = per_task * tasks, status = 0;
        double t0, t1, last_t, c0;
        int64_t total = 0, last = 0;

        snprintf(book, sizeof(book), "book_%s", tag);
        snprintf(store, sizeof(store), "bookstore_%s", tag);
        snprintf(purchase, sizeof(purchase), "purchase_%s", tag);
        snprintf(out[0], sizeof(out[0]), "%s", book);
        snprintf(out[1], sizeof(out[1]), "%s", store);
        snprintf(out[2], sizeof(out[2]), "%s", purchase);
        snprintf(mpath, sizeof(mpath), "%s/metrics", url);
        snprintf(body, sizeof(body),
                 "{\"name\":\"%s\",\"config\":{"
                 "\"connector.class\":\"com.amazonaws.mskdatagen.GeneratorSourceConnector\","
                 "\"tasks.max\":\"%ld\","
                 "\"key.converter\":\"org.apache.kafka.connect.storage.StringConverter\","
                 "\"value.converter\":\"org.apache.kafka.connect.json.JsonConverter\","
                 "\"value.converter.schemas.enable\":\"false\","
                 "\"genkp.%s.with\":\"#{Internet.uuid}\","
                 "\"genv.%s.title.with\":\"#{Book.title}\","
                 "\"genv.%s.genre.with\":\"#{Book.genre}\","
                 "\"genv.%s.author.with\":\"#{Book.author}\","
                 "\"genkp.%s.with\":\"#{Internet.uuid}\","
                 "\"genv.%s.name.with\":\"#{Company.name}\","
                 "\"genv.%s.city.with\":\"#{Address.city}\","
                 "\"genv.%s.state.with\":\"#{Address.state}\","
                 "\"genkp.%s.with\":\"#{Internet.uuid}\","
                 "\"genv.%s.book_id.matching\":\"%s.key\","
                 "\"genv.%s.bookstore_id.matching\":\"%s.key\","
                 "\"genv.%s.customer.with\":\"#{Name.username}\","
                 "\"genv.%s.quantity.with\":\"#{number.number_between '1','5'}\","
                 "\"genv.%s.unit_price.with\":\"#{number.number_between '10','75'}\","
                 "\"genv.%s.timestamp.with\":\"#{date.past '10','SECONDS'}\","
                 "\"topic.%s.records.exactly\":\"%ld\","
                 "\"topic.%s.records.exactly\":\"%ld\","
                 "\"topic.%s.records.exactly\":\"%ld\","
                 "\"global.throttle.ms\":\"0\","
                 "\"global.history.records.max\":\"1000\"}}",
                 name, tasks, book, book, book, book,
                 store, store, store, store, purchase, purchase, book,
                 purchase, store, purchase, purchase, purchase, purchase,
                 book, per_task, store, per_task, purchase, per_task);
        snprintf(path, sizeof(path), "%s/connectors", url);
        c0 = cpu_s(pid);
        t0 = now_s();
        http(c, h, "POST", path, body, &status);
        if (status != 201) {
                fprintf(stderr, "POST %s answered %ld\n", name, status);
                return -1;
        }
        /* Until every record is in, or nothing new arrived for 30 s (a
         * chain that does not route, a failed task). */
        for (last_t = t0;;) {
                total = topic_count(rk, out[0]) + topic_count(rk, out[1]) +
                        topic_count(rk, out[2]);
                if (total > last) {
                        last = total;
                        last_t = now_s();
                }
                if (total >= 3 * n || now_s() - last_t > 30)
                        break;
                if (scrape && now_s() - last_scrape >= 1) {
                        long st = 0;

                        last_scrape = now_s();
                        scrape_once(c, mpath, &st);
                        if (st != 200) {
                                fprintf(stderr, "GET /metrics answered "
                                        "%ld\n", st);
                                return -1;
                        }
                }
                nap_ms(20);
        }
        t1 = now_s();
        *cpu_us = (cpu_s(pid) - c0) * 1e6 / (3.0 * n);
        if (total < 3 * n) {
                fprintf(stderr, "%s: only %lld of %ld records arrived\n",
                        name, (long long)total, 3 * n);
                return -1;
        }
        snprintf(path, sizeof(path), "%s/connectors/%s", url, name);
        http(c, h, "DELETE", path, NULL, &status);
        *rate = 3.0 * n / (t1 - t0);
        return 0;
}

/* Starts a worker on the cluster with `extra` worker properties; its
 * REST URL in url. The pid, or -1. */
static pid_t start_worker(const char *bin, const char *dir, const char *tag,
                          const char *bootstrap, const char *extra, char *url,
                          size_t url_size)
{
        char props[512], w_out[512], w_err[512];
        pid_t pid;
        FILE *fp;

        snprintf(props, sizeof(props), "%s/%s.properties", dir, tag);
        fp = fopen(props, "w");
        if (!fp)
                return -1;
        fprintf(fp, "bootstrap.servers=%s\nlisteners=http://127.0.0.1:0\n"
                    "storage.path=%s/%s.db\nlog.level=WARN\n%s\n%s\n",
                bootstrap, dir, tag, extra,
                getenv("BENCH_WORKER_PROPS") ? getenv("BENCH_WORKER_PROPS")
                                             : "");
        fclose(fp);
        snprintf(w_out, sizeof(w_out), "%s/%s.out", dir, tag);
        snprintf(w_err, sizeof(w_err), "%s/%s.err", dir, tag);
        {
                char *av[] = { (char *)bin, props, NULL };
                pid = spawn(av, w_out, w_err);
        }
        if (read_line(w_out, "connectd: REST API listening on ", url,
                      url_size, 30)) {
                fprintf(stderr, "worker %s did not start\n", tag);
                kill(pid, SIGTERM);
                waitpid(pid, NULL, 0);
                return -1;
        }
        return pid;
}

int main(int argc, char **argv)
{
        const char *bin = argc > 1 ? argv[1] : "build/connectd";
        long n = argc > 2 ? atol(argv[2]) : 100000;
        long tasks = argc > 3 ? atol(argv[3]) : 3;
        int rounds = argc > 4 ? atoi(argv[4]) : 5, r, rc = 1;
        long per_task;
        char dir[] = "/tmp/connectd-bench-XXXXXX";
        char p_out[512], p_err[512];
        char bootstrap[256], url_on[256], url_off[256], cmd[2048];
        char errstr[512];
        pid_t kpid, pid_on = -1, pid_off = -1;
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk = NULL;
        CURL *c = NULL;
        struct curl_slist *h = NULL;
        double ron[MAX_ROUNDS], roff[MAX_ROUNDS], rr[MAX_ROUNDS];
        double con[MAX_ROUNDS], coff[MAX_ROUNDS], cr[MAX_ROUNDS];

        if (rounds < 1)
                rounds = 1;
        if (rounds > MAX_ROUNDS)
                rounds = MAX_ROUNDS;
        if (tasks < 1)
                tasks = 1;
        per_task = n / tasks;
        n = per_task * tasks;

        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        snprintf(p_out, sizeof(p_out), "%s/kafka.out", dir);
        snprintf(p_err, sizeof(p_err), "%s/kafka.err", dir);
        {
                char *av[] = { (char *)bin, "--embedded-kafka-only", NULL };
                kpid = spawn(av, p_out, p_err);
        }
        if (read_line(p_out, "", bootstrap, sizeof(bootstrap), 30)) {
                fprintf(stderr, "embedded kafka did not start\n");
                return 1;
        }
        pid_on = start_worker(bin, dir, "on", bootstrap,
                              "metrics.enabled=true", url_on,
                              sizeof(url_on));
        pid_off = start_worker(bin, dir, "off", bootstrap,
                               "metrics.enabled=false", url_off,
                               sizeof(url_off));
        if (pid_on < 0 || pid_off < 0)
                goto out;

        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        c = curl_easy_init();
        h = curl_slist_append(h, "Content-Type: application/json");
        for (r = 1; r <= rounds; r++) {
                char name[32], tag[16];
                double on = 0, off = 0, c_on = 0, c_off = 0;
                int first;

                for (first = 0; first < 2; first++) {
                        int m_on = (first == 0) == (r % 2 == 1);

                        snprintf(name, sizeof(name), "%s-%d",
                                 m_on ? "on" : "off", r);
                        snprintf(tag, sizeof(tag), "%s%d", m_on ? "on" : "off",
                                 r);
                        if (run_one(c, h, m_on ? url_on : url_off, rk, name,
                                    tag, m_on, m_on ? pid_on : pid_off,
                                    tasks, per_task, m_on ? &on : &off,
                                    m_on ? &c_on : &c_off))
                                goto out;
                }
                ron[r - 1] = on;
                roff[r - 1] = off;
                rr[r - 1] = on / off;
                con[r - 1] = c_on;
                coff[r - 1] = c_off;
                cr[r - 1] = c_on / c_off;
                printf("round %d: metrics off %.0f records/s %.3f CPU-us/"
                       "record, metrics on (scraped 1/s) %.0f records/s "
                       "%.3f CPU-us/record, ratio on/off %.3f, CPU ratio "
                       "on/off %.3f\n",
                       r, off, c_off, on, c_on, on / off, c_on / c_off);
                fflush(stdout);
        }
        printf("records: %ld per run (3 topics x %ld, %ld tasks), %d rounds "
               "of both\n",
               3 * n, n, tasks, rounds);
        printf("metrics off:        %.0f records/s (median)\n",
               median(roff, rounds));
        printf("metrics on:         %.0f records/s (median)\n",
               median(ron, rounds));
        printf("ratio on/off:       %.3f (median of the rounds' ratios)\n",
               median(rr, rounds));
        printf("worker CPU per record: off %.3f us, on %.3f us "
               "(medians), ratio on/off %.3f (median of the rounds' "
               "ratios)\n",
               median(coff, rounds), median(con, rounds),
               median(cr, rounds));
        rc = 0;
out:
        if (c)
                curl_easy_cleanup(c);
        curl_slist_free_all(h);
        if (rk)
                rd_kafka_destroy(rk);
        if (pid_on > 0) {
                kill(pid_on, SIGTERM);
                waitpid(pid_on, NULL, 0);
        }
        if (pid_off > 0) {
                kill(pid_off, SIGTERM);
                waitpid(pid_off, NULL, 0);
        }
        kill(kpid, SIGTERM);
        waitpid(kpid, NULL, 0);
        if (rc == 0) {
                snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
                if (system(cmd))
                        return 1;
        } else {
                fprintf(stderr, "logs kept in %s\n", dir);
        }
        return rc;
}
