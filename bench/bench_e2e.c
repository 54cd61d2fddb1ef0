/*
 * bench_e2e — end-to-end throughput of the bookstore generator, against
 * kcat producing the same records in the same run.
 *
 * 1. Starts `connectd --embedded-kafka-only` (the cluster both sides use)
 *    and a worker pointing at it.
 * 2. POSTs the bookstore config unthrottled, tasks.max=T (3, as the demo
 *    config) with records.exactly=N/T per topic per task, and times from
 *    the POST until the three topics' high watermarks (read every 5 ms)
 *    add up to 3N: every record acknowledged by the cluster.
 * 3. Reads those records back with kcat into a file (cycling what the
 *    embedded cluster still holds up to 3N lines) and times
 *    `kcat -P -K<TAB>` producing the same keys and values to a fresh topic
 *    (kcat exits once every record is acknowledged).
 * Prints records/s for both and the ratio. Loopback only.
 *
 * Rounds: steps 2 and 3 run ROUNDS times, alternating, against the same
 * worker and cluster (round r uses topics book_r, bookstore_r, purchase_r
 * and bench-kcat-r), and the medians are printed last: on a shared machine
 * one pair of runs says little, the median of alternating pairs more.
 *
 * usage: bench_e2e CONNECTD_BIN [records_per_topic] [tasks] [rounds]
 * BENCH_CPU_SPLIT=1 also prints, per round, when the first and the last
 * record were acknowledged and the CPU per record of each process.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <librdkafka/rdkafka.h>

#include "bench_proc.h"

/* A topic's partition count (0: the cluster does not list it yet). */
static int32_t partitions_of(rd_kafka_t *rk, const char *topic)
{
        const struct rd_kafka_metadata *md;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        int32_t n = 0;

        if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == 0) {
                if (md->topic_cnt == 1 && !md->topics[0].err)
                        n = md->topics[0].partition_cnt;
                rd_kafka_metadata_destroy(md);
        }
        rd_kafka_topic_destroy(rkt);
        return n;
}

/* Records in a topic: the sum of its partitions' high watermarks. */
static int64_t topic_count(rd_kafka_t *rk, const char *topic)
{
        int32_t i, n = partitions_of(rk, topic);
        int64_t sum = 0, lo, hi;

        for (i = 0; i < n; i++)
                if (rd_kafka_query_watermark_offsets(rk, topic, i, &lo, &hi,
                                                     5000) == 0)
                        sum += hi;
        return sum;
}

/* A topic the connectd phase watches, and its partition count once the
 * topic exists (0 until then). */
typedef struct {
        const char *name;
        int32_t parts;
} watched_t;

/* Records acknowledged in the watched topics: the sum of their high
 * watermarks, asked in one ListOffsets request (timestamp -1: the latest
 * offset). The observer runs while connectd works and shares its cores, so
 * it must cost next to nothing: one request per look, where topic_count
 * would make two per partition and a metadata request per topic. */
static int64_t acked(rd_kafka_t *rk, watched_t *w, int n)
{
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
        int64_t sum = 0;
        int i, j;

        for (i = 0; i < n; i++) {
                if (!w[i].parts)
                        w[i].parts = partitions_of(rk, w[i].name);
                for (j = 0; j < w[i].parts; j++)
                        rd_kafka_topic_partition_list_add(l, w[i].name, j)
                                ->offset = RD_KAFKA_OFFSET_END;
        }
        if (l->cnt && rd_kafka_offsets_for_times(rk, l, 5000) == 0)
                for (i = 0; i < l->cnt; i++)
                        if (!l->elems[i].err && l->elems[i].offset > 0)
                                sum += l->elems[i].offset;
        rd_kafka_topic_partition_list_destroy(l);
        return sum;
}

#define MAX_ROUNDS 15

/* CPU seconds (user + system) a process has used so far, or 0. */
static double proc_cpu_s(pid_t pid)
{
        char path[64], buf[2048], *p;
        unsigned long long ut = 0, st = 0;
        FILE *fp;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        fp = fopen(path, "r");
        if (!fp)
                return 0;
        if (!fgets(buf, sizeof(buf), fp))
                buf[0] = '\0';
        fclose(fp);
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
                                "%*u %llu %llu", &ut, &st) != 2)
                return 0;
        return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

/* CPU seconds of waited-for children (kcat and its shell). */
static double children_cpu_s(void)
{
        struct rusage ru;

        getrusage(RUSAGE_CHILDREN, &ru);
        return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
               ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds of this process (the observer). */
static double self_cpu_s(void)
{
        struct rusage ru;

        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
               ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Processes whose CPU a round accounts: the cluster and the worker. */
static pid_t cluster_pid, worker_pid;

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

/* One round: the bookstore connector bench_r on topics *_r, timed from the
 * POST's 201 until every record is acknowledged; then the same records by
 * kcat -P to bench-kcat-r. Rates in *a (connectd) and *b (kcat). */
static int run_round(CURL *c, struct curl_slist *h, const char *url,
                     const char *bootstrap, const char *dir, rd_kafka_t *rk,
                     int r, long tasks, long per_task, double *a, double *b,
                     double *ca, double *cb)
{
        double c0, c1, k0, k1, w0, w1, q0, q1;
        char body[4096], cmd[2048], book[32], store[32], purchase[32];
        long n = per_task * tasks, status = 0;
        double t0, t1, t2, t3, tf = 0;
        int64_t total = 0, ref;
        watched_t watch[3] = { { book, 0 }, { store, 0 }, { purchase, 0 } };
        double o0, o1;
        FILE *fp;

        snprintf(book, sizeof(book), "book_%d", r);
        snprintf(store, sizeof(store), "bookstore_%d", r);
        snprintf(purchase, sizeof(purchase), "purchase_%d", r);
        snprintf(body, sizeof(body),
                 "{\"name\":\"bench-%d\",\"config\":{"
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
                 r, tasks, book, book, book, book, store, store, store, store,
                 purchase, purchase, book, purchase, store, purchase,
                 purchase, purchase, purchase, book, per_task, store,
                 per_task, purchase, per_task);
        snprintf(cmd, sizeof(cmd), "%s/connectors", url);
        curl_easy_setopt(c, CURLOPT_URL, cmd);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        fp = fopen("/dev/null", "w");
        curl_easy_setopt(c, CURLOPT_WRITEDATA, fp);
        w0 = proc_cpu_s(worker_pid);
        c0 = proc_cpu_s(cluster_pid) + w0;
        o0 = self_cpu_s();
        t0 = now_s();
        curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        fclose(fp);
        if (status != 201) {
                fprintf(stderr, "POST answered %ld\n", status);
                return -1;
        }
        for (;;) {
                total = acked(rk, watch, 3);
                if (total > 0 && tf == 0)
                        tf = now_s();
                if (total >= 3 * n || now_s() - t0 > 600)
                        break;
                usleep(5000);
        }
        t1 = now_s();
        w1 = proc_cpu_s(worker_pid);
        c1 = proc_cpu_s(cluster_pid) + w1;
        o1 = self_cpu_s();
        if (total < 3 * n) {
                fprintf(stderr, "only %lld of %ld records arrived\n",
                        (long long)total, 3 * n);
                return -1;
        }
        /* The round's connector has retired every topic; remove it so the
         * next round's tasks have the cores to themselves. */
        snprintf(cmd, sizeof(cmd), "%s/connectors/bench-%d", url, r);
        curl_easy_setopt(c, CURLOPT_URL, cmd);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
        fp = fopen("/dev/null", "w");
        curl_easy_setopt(c, CURLOPT_WRITEDATA, fp);
        curl_easy_perform(c);
        fclose(fp);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);

        /* The same records, produced by kcat. The embedded cluster keeps a
         * bounded log per partition, so read what is still there and cycle
         * it up to the same count. */
        snprintf(cmd, sizeof(cmd),
                 "for t in %s %s %s; do kcat -C -q -b %s -t $t"
                 " -o beginning -e -f '%%k\\t%%s\\n'; done > %s/read.tsv && "
                 "awk -v n=%ld '{ a[NR] = $0 } END { for (i = 0; i < n; i++)"
                 " print a[i %% NR + 1] }' %s/read.tsv > %s/records.tsv",
                 book, store, purchase, bootstrap, dir, 3 * n, dir, dir);
        if (system(cmd)) {
                fprintf(stderr, "kcat -C failed\n");
                return -1;
        }
        snprintf(cmd, sizeof(cmd),
                 "kcat -P -q -b %s -t bench-kcat-%d -K '\t' "
                 "-X acks=all -X partitioner=murmur2_random < %s/records.tsv",
                 bootstrap, r, dir);
        q0 = children_cpu_s();
        k0 = proc_cpu_s(cluster_pid) + q0;
        t2 = now_s();
        if (system(cmd)) {
                fprintf(stderr, "kcat -P failed\n");
                return -1;
        }
        t3 = now_s();
        q1 = children_cpu_s();
        k1 = proc_cpu_s(cluster_pid) + q1;
        snprintf(cmd, sizeof(cmd), "bench-kcat-%d", r);
        ref = topic_count(rk, cmd);
        *a = 3.0 * n / (t1 - t0);
        *b = ref / (t3 - t2);
        /* CPU per record, cluster included: on a busy machine a steadier
         * figure than the rate (2 cores: rate <= 2 / cpu). */
        *ca = (c1 - c0) / (3.0 * n) * 1e6;
        *cb = (k1 - k0) / ref * 1e6;
        if (getenv("BENCH_CPU_SPLIT")) {
                printf("  first record acknowledged %.0f ms after the POST, "
                       "the last %.0f ms after it\n",
                       (tf - t0) * 1e3, (t1 - t0) * 1e3);
                printf("  CPU us/record: worker %.2f + cluster %.2f (the "
                       "bench watching: %.3f); kcat %.2f + cluster %.2f\n",
                       (w1 - w0) / (3.0 * n) * 1e6,
                       ((c1 - c0) - (w1 - w0)) / (3.0 * n) * 1e6,
                       (o1 - o0) / (3.0 * n) * 1e6,
                       (q1 - q0) / ref * 1e6, ((k1 - k0) - (q1 - q0)) / ref * 1e6);
        }
        return 0;
}

int main(int argc, char **argv)
{
        const char *bin = argc > 1 ? argv[1] : "build/connectd";
        long n = argc > 2 ? atol(argv[2]) : 200000;
        long tasks = argc > 3 ? atol(argv[3]) : 3;
        int rounds = argc > 4 ? atoi(argv[4]) : 3, r;
        long per_task;
        char dir[] = "/tmp/connectd-bench-XXXXXX";
        char p_out[512], p_err[512], w_out[512], w_err[512], props[512];
        char bootstrap[256], url[256], cmd[2048], errstr[512];
        pid_t kpid, wpid;
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        CURL *c;
        struct curl_slist *h = NULL;
        double ra[MAX_ROUNDS], rb[MAX_ROUNDS], rr[MAX_ROUNDS];
        double cpa[MAX_ROUNDS], cpb[MAX_ROUNDS];
        FILE *fp;

        if (rounds < 1)
                rounds = 1;
        if (rounds > MAX_ROUNDS)
                rounds = MAX_ROUNDS;

        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        snprintf(p_out, sizeof(p_out), "%s/kafka.out", dir);
        snprintf(p_err, sizeof(p_err), "%s/kafka.err", dir);
        {
                char *av[] = { (char *)bin, "--embedded-kafka-only", NULL };
                kpid = spawn(av, p_out, p_err);
                cluster_pid = kpid;
        }
        if (read_line(p_out, "", bootstrap, sizeof(bootstrap), 30)) {
                fprintf(stderr, "embedded kafka did not start\n");
                return 1;
        }
        snprintf(props, sizeof(props), "%s/worker.properties", dir);
        fp = fopen(props, "w");
        fprintf(fp, "bootstrap.servers=%s\nlisteners=http://127.0.0.1:0\n"
                    "storage.path=%s/connectd.db\nlog.level=WARN\n%s\n",
                bootstrap, dir,
                getenv("BENCH_WORKER_PROPS") ? getenv("BENCH_WORKER_PROPS")
                                             : "");
        fclose(fp);
        snprintf(w_out, sizeof(w_out), "%s/worker.out", dir);
        snprintf(w_err, sizeof(w_err), "%s/worker.err", dir);
        {
                char *av[] = { (char *)bin, props, NULL };
                wpid = spawn(av, w_out, w_err);
                worker_pid = wpid;
        }
        if (read_line(w_out, "connectd: REST API listening on ", url,
                      sizeof(url), 30)) {
                fprintf(stderr, "worker did not start\n");
                return 1;
        }

        if (tasks < 1)
                tasks = 1;
        per_task = n / tasks;
        n = per_task * tasks;
        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));

        c = curl_easy_init();
        h = curl_slist_append(h, "Content-Type: application/json");
        for (r = 1; r <= rounds; r++) {
                double a, b, ca, cb;
                if (run_round(c, h, url, bootstrap, dir, rk, r, tasks,
                              per_task, &a, &b, &ca, &cb))
                        return 1;
                cpa[r - 1] = ca;
                cpb[r - 1] = cb;
                ra[r - 1] = a;
                rb[r - 1] = b;
                rr[r - 1] = a / b;
                printf("round %d: connectd %.0f records/s, kcat -P %.0f "
                       "records/s, ratio %.2f; CPU per record (cluster "
                       "included) %.2f us vs %.2f us\n",
                       r, a, b, a / b, ca, cb);
                fflush(stdout);
        }
        printf("records: %ld per round (3 topics x %ld, %ld tasks), %d "
               "rounds\n",
               3 * n, n, tasks, rounds);
        printf("connectd end-to-end: %.0f records/s (median)\n",
               median(ra, rounds));
        printf("kcat -P reference:   %.0f records/s (median)\n",
               median(rb, rounds));
        printf("ratio connectd/kcat: %.2f (median of the rounds' ratios)\n",
               median(rr, rounds));
        printf("CPU per record, cluster included: connectd %.2f us, kcat "
               "-P %.2f us (medians)\n",
               median(cpa, rounds), median(cpb, rounds));
        curl_easy_cleanup(c);
        curl_slist_free_all(h);
        rd_kafka_destroy(rk);
        kill(wpid, SIGTERM);
        waitpid(wpid, NULL, 0);
        kill(kpid, SIGTERM);
        waitpid(kpid, NULL, 0);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd))
                return 1;
        return 0;
}
