/*
 * bench_xform — what a transform chain costs end to end: the bookstore
 * generator with and without a 3-transform chain, in the same run, against
 * the same worker and cluster.
 *
 * 1. Starts `connectd --embedded-kafka-only` and a worker pointing at it.
 * 2. Each round runs the bookstore config twice, unthrottled, tasks.max=T,
 *    records.exactly=N/T per topic per task, timed from the POST's 201
 *    until the three topics' high watermarks add up to 3N (every record
 *    acknowledged by the cluster):
 *     - plain: topics book_pR, bookstore_pR, purchase_pR;
 *     - chain: topics book_xR, ... through
 *         InsertField$Value   static.field=source, static.value=bench
 *         ReplaceField$Value  renames=title:book_title
 *         RegexRouter         (.*)_x([0-9]+) -> $1-routed-$2
 *       so the records land in book-routed-R, bookstore-routed-R,
 *       purchase-routed-R (which is where they are counted).
 *    The order alternates between rounds (plain first in odd rounds) so
 *    neither side always runs on a warmer worker.
 * 3. Checks one routed book record carries the inserted and renamed
 *    fields (the chain really ran), then prints records/s both ways and
 *    the ratio per round, and the medians. Loopback only.
 *
 * usage: bench_xform CONNECTD_BIN [records_per_topic] [tasks] [rounds]
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

static const char chain_cfg[] =
        "\"transforms\":\"ins,ren,route\","
        "\"transforms.ins.type\":"
        "\"org.apache.kafka.connect.transforms.InsertField$Value\","
        "\"transforms.ins.static.field\":\"source\","
        "\"transforms.ins.static.value\":\"bench\","
        "\"transforms.ren.type\":"
        "\"org.apache.kafka.connect.transforms.ReplaceField$Value\","
        "\"transforms.ren.renames\":\"title:book_title\","
        "\"transforms.route.type\":"
        "\"org.apache.kafka.connect.transforms.RegexRouter\","
        "\"transforms.route.regex\":\"(.*)_x([0-9]+)\","
        "\"transforms.route.replacement\":\"$1-routed-$2\",";

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

/* One run of the bookstore connector `name` on topics book_<tag>,
 * bookstore_<tag>, purchase_<tag>, with the chain when `chain`; counted on
 * the topics its records land in. records/s in *rate. */
static int run_one(CURL *c, struct curl_slist *h, const char *url,
                   rd_kafka_t *rk, const char *name, const char *tag,
                   int chain, int r, long tasks, long per_task, double *rate)
{
        char body[8192], path[512], book[32], store[32], purchase[32];
        char out[3][48];
        long n = per_task * tasks, status = 0;
        double t0, t1, last_t;
        int64_t total = 0, last = 0;

        snprintf(book, sizeof(book), "book_%s", tag);
        snprintf(store, sizeof(store), "bookstore_%s", tag);
        snprintf(purchase, sizeof(purchase), "purchase_%s", tag);
        if (chain) {
                snprintf(out[0], sizeof(out[0]), "book-routed-%d", r);
                snprintf(out[1], sizeof(out[1]), "bookstore-routed-%d", r);
                snprintf(out[2], sizeof(out[2]), "purchase-routed-%d", r);
        } else {
                snprintf(out[0], sizeof(out[0]), "%s", book);
                snprintf(out[1], sizeof(out[1]), "%s", store);
                snprintf(out[2], sizeof(out[2]), "%s", purchase);
        }
        snprintf(body, sizeof(body),
                 "{\"name\":\"%s\",\"config\":{%s"
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
                 name, chain ? chain_cfg : "", tasks, book, book, book, book,
                 store, store, store, store, purchase, purchase, book,
                 purchase, store, purchase, purchase, purchase, purchase,
                 book, per_task, store, per_task, purchase, per_task);
        snprintf(path, sizeof(path), "%s/connectors", url);
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
                nap_ms(20);
        }
        t1 = now_s();
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

/* One routed book record has the inserted and the renamed field. */
static int chain_ran(const char *bootstrap, int r)
{
        char cmd[512], line[4096] = "";
        FILE *p;
        int ok;

        snprintf(cmd, sizeof(cmd),
                 "kcat -C -q -b %s -t book-routed-%d -o beginning -c 1 "
                 "-e -f '%%s\\n'",
                 bootstrap, r);
        if (!(p = popen(cmd, "r")))
                return 0;
        if (!fgets(line, sizeof(line), p))
                line[0] = '\0';
        pclose(p);
        ok = strstr(line, "\"source\":\"bench\"") &&
             strstr(line, "\"book_title\":") && !strstr(line, "\"title\":");
        if (!ok)
                fprintf(stderr, "routed record lacks the chain's changes: "
                        "%s\n", line);
        return ok;
}

int main(int argc, char **argv)
{
        const char *bin = argc > 1 ? argv[1] : "build/connectd";
        long n = argc > 2 ? atol(argv[2]) : 100000;
        long tasks = argc > 3 ? atol(argv[3]) : 3;
        int rounds = argc > 4 ? atoi(argv[4]) : 3, r, rc = 1;
        long per_task;
        char dir[] = "/tmp/connectd-bench-XXXXXX";
        char p_out[512], p_err[512], w_out[512], w_err[512], props[512];
        char bootstrap[256], url[256], cmd[2048], errstr[512];
        pid_t kpid, wpid;
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        CURL *c;
        struct curl_slist *h = NULL;
        double rp[MAX_ROUNDS], rx[MAX_ROUNDS], rr[MAX_ROUNDS];
        FILE *fp;

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
        }
        if (read_line(w_out, "connectd: REST API listening on ", url,
                      sizeof(url), 30)) {
                fprintf(stderr, "worker did not start\n");
                goto out_kill;
        }

        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        c = curl_easy_init();
        h = curl_slist_append(h, "Content-Type: application/json");
        for (r = 1; r <= rounds; r++) {
                char pname[32], xname[32], ptag[16], xtag[16];
                double p = 0, x = 0;
                int first;

                snprintf(pname, sizeof(pname), "plain-%d", r);
                snprintf(xname, sizeof(xname), "chain-%d", r);
                snprintf(ptag, sizeof(ptag), "p%d", r);
                snprintf(xtag, sizeof(xtag), "x%d", r);
                for (first = 0; first < 2; first++) {
                        int chain = (first == 0) == (r % 2 == 0);

                        if (run_one(c, h, url, rk, chain ? xname : pname,
                                    chain ? xtag : ptag, chain, r, tasks,
                                    per_task, chain ? &x : &p))
                                goto out;
                }
                if (!chain_ran(bootstrap, r))
                        goto out;
                rp[r - 1] = p;
                rx[r - 1] = x;
                rr[r - 1] = x / p;
                printf("round %d: plain %.0f records/s, 3-transform chain "
                       "%.0f records/s, ratio chain/plain %.2f\n",
                       r, p, x, x / p);
                fflush(stdout);
        }
        printf("records: %ld per run (3 topics x %ld, %ld tasks), %d rounds "
               "of both\n",
               3 * n, n, tasks, rounds);
        printf("plain end-to-end:          %.0f records/s (median)\n",
               median(rp, rounds));
        printf("with 3-transform chain:    %.0f records/s (median)\n",
               median(rx, rounds));
        printf("ratio chain/plain:         %.2f (median of the rounds' "
               "ratios)\n",
               median(rr, rounds));
        rc = 0;
out:
        curl_easy_cleanup(c);
        curl_slist_free_all(h);
        rd_kafka_destroy(rk);
out_kill:
        kill(wpid, SIGTERM);
        waitpid(wpid, NULL, 0);
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
