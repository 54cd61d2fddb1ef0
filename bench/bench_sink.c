/*
 * bench_sink — sink throughput: the same records consumed by a sink task
 * (FileStream sink, and the null sink of bench/null_sink.c) and by
 * `kcat -C`, in the same run.
 *
 * 1. Starts `connectd --embedded-kafka-only --topic sinkbench:P` and a
 *    worker with plugin.path at the null sink. The embedded cluster keeps
 *    at most 5 MiB per partition, so the records are spread over P
 *    partitions (32 by default); the program checks that every partition
 *    still starts at offset 0 (nothing trimmed) before it measures.
 * 2. Fills the topic with N bookstore `book` records from the built-in
 *    generator (StringConverter keys, schemaless JSON values), and reads
 *    them once with kcat (the reference size, and a warm-up).
 * 3. Rounds, alternating which side goes first:
 *    - FileStream sink (tasks.max=1, StringConverter): timed from the
 *      task's partition assignment (the worker's "partition(s) assigned"
 *      log line; the group join before it, about 3 s on the embedded
 *      cluster, is not the sink's cost) until the file holds every record
 *      (within its last 64 KiB buffer, which the FileStream sink writes at
 *      its next flush);
 *    - null sink: the same, until its count.file shows N records;
 *    - `kcat -C -o beginning -e -f '%s\n'` into a file and into /dev/null,
 *      timed from start to exit.
 * Prints records/s of each, the ratios sink/kcat, and the medians.
 * Loopback only.
 *
 * usage: bench_sink CONNECTD_BIN [records] [rounds] [partitions]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <librdkafka/rdkafka.h>

#include "bench_proc.h"

#define MAX_ROUNDS 15
#define TOPIC "sinkbench"
#define FS_SINK_BUF (64 * 1024)

static double real_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sum of high watermarks; *trimmed set when a partition's low one is > 0. */
static int64_t topic_count(rd_kafka_t *rk, const char *topic, int *trimmed)
{
        const struct rd_kafka_metadata *md;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        int64_t sum = 0;
        int i;

        if (trimmed)
                *trimmed = 0;
        if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == 0) {
                for (i = 0; md->topic_cnt == 1 &&
                            i < md->topics[0].partition_cnt;
                     i++) {
                        int64_t lo, hi;
                        if (rd_kafka_query_watermark_offsets(
                                    rk, topic, md->topics[0].partitions[i].id,
                                    &lo, &hi, 5000) == 0) {
                                sum += hi;
                                if (lo > 0 && trimmed)
                                        *trimmed = 1;
                        }
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

static long http(CURL *c, const char *method, const char *url,
                 const char *body)
{
        long status = 0;
        FILE *fp = fopen("/dev/null", "w");

        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        if (!body)
                curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, fp);
        curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
        fclose(fp);
        return status;
}

static long long file_size(const char *path)
{
        struct stat st;
        return stat(path, &st) ? -1 : (long long)st.st_size;
}

/* Epoch seconds of the worker log line "... Task NAME-0: N partition(s)
 * assigned" (ISO UTC timestamp with ms first on the line), or -1. */
static double assigned_at(const char *log, const char *name, double timeout)
{
        char want[256], line[4096];
        double end = now_s() + timeout;

        snprintf(want, sizeof(want), "Task %s-0: ", name);
        while (now_s() < end) {
                FILE *fp = fopen(log, "r");

                while (fp && fgets(line, sizeof(line), fp)) {
                        struct tm tm;
                        int ms = 0;
                        char *p;

                        if (!strstr(line, want) ||
                            !strstr(line, "partition(s) assigned"))
                                continue;
                        memset(&tm, 0, sizeof(tm));
                        p = strptime(line, "%Y-%m-%dT%H:%M:%S", &tm);
                        if (!p)
                                continue;
                        if (*p == '.')
                                ms = atoi(p + 1);
                        fclose(fp);
                        return (double)timegm(&tm) + ms / 1000.0;
                }
                if (fp)
                        fclose(fp);
                nap_ms(5);
        }
        return -1;
}

/* One sink connector over the topic; returns records/s from assignment
 * to the last record, and the join time (POST to assignment) in *join. */
static double run_sink(CURL *c, const char *url, const char *log,
                       const char *dir, const char *kind, int r, long n,
                       long long want_bytes, double *join)
{
        char name[64], body[2048], path[512], u[512], cnt[64];
        double t_post, t_assign, t_done = 0;
        int is_null = !strcmp(kind, "null");

        snprintf(name, sizeof(name), "%s-%d", kind, r);
        snprintf(path, sizeof(path), "%s/%s.out", dir, name);
        unlink(path);
        snprintf(body, sizeof(body),
                 "{\"name\":\"%s\",\"config\":{"
                 "\"connector.class\":\"%s\",\"tasks.max\":\"1\","
                 "\"topics\":\"" TOPIC "\",\"%s\":\"%s\","
                 "\"key.converter\":\"org.apache.kafka.connect.storage.StringConverter\","
                 "\"value.converter\":\"org.apache.kafka.connect.storage.StringConverter\"}}",
                 name,
                 is_null ? "connectd.bench.NullSinkConnector"
                         : "org.apache.kafka.connect.file.FileStreamSinkConnector",
                 is_null ? "count.file" : "file", path);
        snprintf(u, sizeof(u), "%s/connectors", url);
        t_post = real_s();
        if (http(c, "POST", u, body) != 201) {
                fprintf(stderr, "POST %s failed\n", name);
                return -1;
        }
        t_assign = assigned_at(log, name, 120);
        if (t_assign < 0) {
                fprintf(stderr, "%s: no assignment logged\n", name);
                return -1;
        }
        for (double end = now_s() + 600; now_s() < end; nap_ms(1)) {
                if (is_null) {
                        FILE *fp = fopen(path, "r");
                        long long got = 0;

                        if (fp && fgets(cnt, sizeof(cnt), fp))
                                got = atoll(cnt);
                        if (fp)
                                fclose(fp);
                        if (got >= n) {
                                t_done = real_s();
                                break;
                        }
                } else if (file_size(path) >= want_bytes - FS_SINK_BUF) {
                        t_done = real_s();
                        break;
                }
        }
        snprintf(u, sizeof(u), "%s/connectors/%s", url, name);
        http(c, "DELETE", u, NULL);
        if (!t_done) {
                fprintf(stderr, "%s: not every record arrived\n", name);
                return -1;
        }
        *join = t_assign - t_post;
        return n / (t_done - t_assign);
}

static double run_kcat(const char *bootstrap, const char *out, long n)
{
        char cmd[1024];
        double t0, t1;

        snprintf(cmd, sizeof(cmd),
                 "kcat -C -q -b %s -t " TOPIC " -o beginning -e -f '%%s\\n' > %s",
                 bootstrap, out);
        t0 = now_s();
        if (system(cmd)) {
                fprintf(stderr, "kcat -C failed\n");
                return -1;
        }
        t1 = now_s();
        return n / (t1 - t0);
}

int main(int argc, char **argv)
{
        const char *bin = argc > 1 ? argv[1] : "build/connectd";
        long n = argc > 2 ? atol(argv[2]) : 600000;
        int rounds = argc > 3 ? atoi(argv[3]) : 3;
        int parts = argc > 4 ? atoi(argv[4]) : 32;
        char dir[] = "/tmp/connectd-bench-sink-XXXXXX";
        char p_out[512], p_err[512], w_out[512], w_err[512], props[512];
        char bootstrap[256], url[256], cmd[2048], errstr[512], body[4096];
        char topic_arg[64], plugdir[1024], ref[600], kout[600];
        double fs[MAX_ROUNDS], nul[MAX_ROUNDS], kf[MAX_ROUNDS],
                kn[MAX_ROUNDS], rfs[MAX_ROUNDS], rnul[MAX_ROUNDS];
        double join_max = 0;
        long long want_bytes;
        int trimmed = 0, r;
        pid_t kpid, wpid;
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        CURL *c;
        struct curl_slist *h = NULL;
        FILE *fp;

        if (rounds < 1)
                rounds = 1;
        if (rounds > MAX_ROUNDS)
                rounds = MAX_ROUNDS;
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        /* The null sink sits next to the worker binary's build tree. */
        snprintf(plugdir, sizeof(plugdir), "%s", bin);
        if (strrchr(plugdir, '/'))
                strcpy(strrchr(plugdir, '/'), "/bench-plugins");
        else
                snprintf(plugdir, sizeof(plugdir), "bench-plugins");
        if (getenv("BENCH_PLUGIN_DIR"))
                snprintf(plugdir, sizeof(plugdir), "%s",
                         getenv("BENCH_PLUGIN_DIR"));

        snprintf(p_out, sizeof(p_out), "%s/kafka.out", dir);
        snprintf(p_err, sizeof(p_err), "%s/kafka.err", dir);
        snprintf(topic_arg, sizeof(topic_arg), TOPIC ":%d", parts);
        {
                char *av[] = { (char *)bin, "--embedded-kafka-only",
                               "--topic", topic_arg, NULL };
                kpid = spawn(av, p_out, p_err);
        }
        if (read_line(p_out, "", bootstrap, sizeof(bootstrap), 30)) {
                fprintf(stderr, "embedded kafka did not start\n");
                return 1;
        }
        snprintf(props, sizeof(props), "%s/worker.properties", dir);
        fp = fopen(props, "w");
        fprintf(fp, "bootstrap.servers=%s\nlisteners=http://127.0.0.1:0\n"
                    "storage.path=%s/connectd.db\nlog.level=INFO\n"
                    "plugin.path=%s\n%s\n",
                bootstrap, dir, plugdir,
                getenv("BENCH_WORKER_PROPS") ? getenv("BENCH_WORKER_PROPS")
                                             : "");
        fclose(fp);
        snprintf(w_out, sizeof(w_out), "%s/worker.out", dir);
        snprintf(w_err, sizeof(w_err), "%s/worker.err", dir);
        {
                char *av[] = { (char *)bin, props, NULL };
                wpid = spawn(av, w_out, w_err);
        }
        if (read_line(w_out, "connectd: REST API listening on ", url,
                      sizeof(url), 30)) {
                fprintf(stderr, "worker did not start\n");
                return 1;
        }
        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        c = curl_easy_init();
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);

        /* Fill the topic with the bookstore's book records. */
        snprintf(body, sizeof(body),
                 "{\"name\":\"fill\",\"config\":{"
                 "\"connector.class\":\"com.amazonaws.mskdatagen.GeneratorSourceConnector\","
                 "\"tasks.max\":\"1\","
                 "\"key.converter\":\"org.apache.kafka.connect.storage.StringConverter\","
                 "\"value.converter\":\"org.apache.kafka.connect.json.JsonConverter\","
                 "\"value.converter.schemas.enable\":\"false\","
                 "\"genkp." TOPIC ".with\":\"#{Internet.uuid}\","
                 "\"genv." TOPIC ".title.with\":\"#{Book.title}\","
                 "\"genv." TOPIC ".genre.with\":\"#{Book.genre}\","
                 "\"genv." TOPIC ".author.with\":\"#{Book.author}\","
                 "\"topic." TOPIC ".records.exactly\":\"%ld\","
                 "\"global.throttle.ms\":\"0\"}}",
                 n);
        snprintf(cmd, sizeof(cmd), "%s/connectors", url);
        if (http(c, "POST", cmd, body) != 201) {
                fprintf(stderr, "POST fill failed\n");
                return 1;
        }
        for (double end = now_s() + 600; now_s() < end; nap_ms(50))
                if (topic_count(rk, TOPIC, &trimmed) >= n)
                        break;
        snprintf(cmd, sizeof(cmd), "%s/connectors/fill", url);
        http(c, "DELETE", cmd, NULL);
        if (topic_count(rk, TOPIC, &trimmed) < n || trimmed) {
                fprintf(stderr,
                        "the topic does not hold all %ld records (the "
                        "embedded cluster keeps 5 MiB per partition): use "
                        "fewer records or more partitions\n",
                        n);
                return 1;
        }
        snprintf(ref, sizeof(ref), "%s/ref.txt", dir);
        run_kcat(bootstrap, ref, n);
        want_bytes = file_size(ref);

        for (r = 1; r <= rounds; r++) {
                double join = 0;
                int sink_first = r % 2;

                snprintf(kout, sizeof(kout), "%s/kcat.out", dir);
                if (!sink_first) {
                        kf[r - 1] = run_kcat(bootstrap, kout, n);
                        kn[r - 1] = run_kcat(bootstrap, "/dev/null", n);
                }
                fs[r - 1] = run_sink(c, url, w_err, dir, "fs", r, n,
                                     want_bytes, &join);
                if (join > join_max)
                        join_max = join;
                nul[r - 1] = run_sink(c, url, w_err, dir, "null", r, n,
                                      want_bytes, &join);
                if (join > join_max)
                        join_max = join;
                if (sink_first) {
                        kf[r - 1] = run_kcat(bootstrap, kout, n);
                        kn[r - 1] = run_kcat(bootstrap, "/dev/null", n);
                }
                if (fs[r - 1] < 0 || nul[r - 1] < 0 || kf[r - 1] < 0 ||
                    kn[r - 1] < 0)
                        return 1;
                rfs[r - 1] = fs[r - 1] / kf[r - 1];
                rnul[r - 1] = nul[r - 1] / kn[r - 1];
                printf("round %d: FileStream sink %.0f/s, kcat -C >file "
                       "%.0f/s (%.2f); null sink %.0f/s, kcat -C "
                       ">/dev/null %.0f/s (%.2f)\n",
                       r, fs[r - 1], kf[r - 1], rfs[r - 1], nul[r - 1],
                       kn[r - 1], rnul[r - 1]);
                fflush(stdout);
        }
        printf("records: %ld (%lld bytes of values) in %d partitions, %d "
               "rounds; group join before assignment (not timed): up to "
               "%.1f s\n",
               n, want_bytes, parts, rounds, join_max);
        printf("FileStream sink:     %.0f records/s (median)\n",
               median(fs, rounds));
        printf("kcat -C > file:      %.0f records/s (median)\n",
               median(kf, rounds));
        printf("null sink:           %.0f records/s (median)\n",
               median(nul, rounds));
        printf("kcat -C > /dev/null: %.0f records/s (median)\n",
               median(kn, rounds));
        printf("ratio FileStream/kcat: %.2f, null/kcat: %.2f (medians of "
               "the rounds' ratios)\n",
               median(rfs, rounds), median(rnul, rounds));
        curl_easy_cleanup(c);
        curl_slist_free_all(h);
        rd_kafka_destroy(rk);
        kill(wpid, SIGTERM);
        waitpid(wpid, NULL, 0);
        kill(kpid, SIGTERM);
        waitpid(kpid, NULL, 0);
        if (!getenv("BENCH_KEEP")) {
                snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
                if (system(cmd))
                        return 1;
        }
        return 0;
}
