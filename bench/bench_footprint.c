/*
 * bench_footprint — what many small connectors cost one worker:
 *
 * 1. Starts `connectd --embedded-kafka-only` (the cluster, in a process of
 *    its own so that its memory is not counted) and a standalone worker.
 * 2. Creates N datagen connectors (tasks.max=1, one record per 60 s), one
 *    POST after the other, timed; waits until all N and their tasks are
 *    RUNNING.
 * 3. Reports the worker's RSS and thread count (/proc/PID/status), and
 *    the time of GET /connectors?expand=status (median of 5).
 * 4. Restarts the worker (SIGTERM, start again on the same storage) and
 *    times from the start until all N connectors and tasks are RUNNING;
 *    RSS and threads again.
 *
 * usage: bench_footprint CONNECTD_BIN [N]
 *   BENCH_WORKER_PROPS: extra worker.properties lines.
 * Loopback only.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bench_proc.h"

typedef struct acc {
        char *p;
        size_t n;
} acc_t;

static size_t on_body(char *d, size_t sz, size_t nm, void *u)
{
        acc_t *a = u;
        size_t n = sz * nm;
        char *p = realloc(a->p, a->n + n + 1);

        if (!p)
                return 0;
        memcpy(p + a->n, d, n);
        a->n += n;
        p[a->n] = '\0';
        a->p = p;
        return n;
}

static CURL *curl;

/* One request on the reused handle; the status, the body in *out. */
static long http(const char *url, const char *method, const char *body,
                 char **out)
{
        struct curl_slist *h = NULL;
        acc_t a = { NULL, 0 };
        long status = 0;

        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 60000L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        h = curl_slist_append(h, "Expect:");
        if (body) {
                h = curl_slist_append(h, "Content-Type: application/json");
                curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        }
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
        if (curl_easy_perform(curl) == CURLE_OK)
                curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(h);
        if (out)
                *out = a.p;
        else
                free(a.p);
        return status;
}

/* VmRSS (kB) and Threads of pid. */
static void proc_status(pid_t pid, long *rss_kb, long *threads)
{
        char path[64], line[256];
        FILE *fp;

        *rss_kb = *threads = -1;
        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        fp = fopen(path, "r");
        if (!fp)
                return;
        while (fgets(line, sizeof(line), fp)) {
                if (!strncmp(line, "VmRSS:", 6))
                        *rss_kb = atol(line + 6);
                else if (!strncmp(line, "Threads:", 8))
                        *threads = atol(line + 8);
        }
        fclose(fp);
}

/* Connectors RUNNING with all their (>= 1) tasks RUNNING, per
 * ?expand=status; -1 when the worker does not answer. */
static long running(const char *url)
{
        char u[512], *body = NULL;
        json_t *j, *v;
        const char *k;
        long n = 0;

        snprintf(u, sizeof(u), "%s/connectors?expand=status", url);
        if (http(u, "GET", NULL, &body) != 200) {
                free(body);
                return -1;
        }
        j = json_loads(body, 0, NULL);
        free(body);
        json_object_foreach(j, k, v) {
                json_t *st = json_object_get(v, "status");
                json_t *tasks = json_object_get(st, "tasks"), *t;
                const char *cs = json_string_value(json_object_get(
                        json_object_get(st, "connector"), "state"));
                size_t i;
                int ok = cs && !strcmp(cs, "RUNNING") &&
                         json_array_size(tasks) > 0;

                json_array_foreach(tasks, i, t) {
                        const char *ts = json_string_value(
                                json_object_get(t, "state"));
                        if (!ts || strcmp(ts, "RUNNING"))
                                ok = 0;
                }
                n += ok;
        }
        json_decref(j);
        return n;
}

/* Waits until all n are RUNNING; the seconds it took from t0, or -1. */
static double wait_running(const char *url, long n, double t0,
                           double timeout_s)
{
        while (now_s() - t0 < timeout_s) {
                double a = now_s();

                if (running(url) >= n)
                        return now_s() - t0;
                /* Rest at least as long as the check took (parsing 10,000
                 * statuses here and writing them there), so that the
                 * polling takes at most half a core from what it times. */
                a = (now_s() - a) * 1000;
                nap_ms(a > 50 ? (long)a : 50);
        }
        return -1;
}

static int cmp_d(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static double status_ms(const char *url)
{
        char u[512];
        double t[5], t0;
        int i;

        snprintf(u, sizeof(u), "%s/connectors?expand=status", url);
        for (i = 0; i < 5; i++) {
                t0 = now_s();
                http(u, "GET", NULL, NULL);
                t[i] = (now_s() - t0) * 1000;
        }
        qsort(t, 5, sizeof(t[0]), cmp_d);
        return t[2];
}

static pid_t worker_start(const char *bin, const char *props,
                          const char *dir, char *url, size_t n)
{
        char out[600], err[600];
        char *av[] = { (char *)bin, (char *)props, NULL };
        pid_t pid;

        /* A fresh file each start: never the last start's address. */
        snprintf(out, sizeof(out), "%s/worker.out", dir);
        snprintf(err, sizeof(err), "%s/worker.err", dir);
        unlink(out);
        pid = spawn(av, out, err);
        if (read_line(out, "connectd: REST API listening on ", url, n, 120)) {
                fprintf(stderr, "worker did not start, see %s\n", err);
                return -1;
        }
        return pid;
}

int main(int argc, char **argv)
{
        const char *bin = argc > 1 ? argv[1] : "connectd";
        long n = argc > 2 ? atol(argv[2]) : 1000, i;
        char dir[] = "/tmp/connectd-bench-fp-XXXXXX";
        char kout[600], kerr[600], props[600], bootstrap[256], url[256];
        char u[512], body[1024];
        double t0, create_s, run_s, restart_s;
        long rss, thr;
        pid_t kpid, wpid;
        FILE *fp;
        int st;

        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl = curl_easy_init();
        snprintf(kout, sizeof(kout), "%s/kafka.out", dir);
        snprintf(kerr, sizeof(kerr), "%s/kafka.err", dir);
        {
                char *av[] = { (char *)bin, "--embedded-kafka-only", NULL };
                kpid = spawn(av, kout, kerr);
        }
        if (read_line(kout, "", bootstrap, sizeof(bootstrap), 30)) {
                fprintf(stderr, "embedded kafka did not start\n");
                return 1;
        }
        snprintf(props, sizeof(props), "%s/worker.properties", dir);
        fp = fopen(props, "w");
        if (!fp)
                return 1;
        fprintf(fp, "bootstrap.servers=%s\nlisteners=http://127.0.0.1:0\n"
                    "storage.path=%s/connectd.db\nlog.level=WARN\n%s\n",
                bootstrap, dir,
                getenv("BENCH_WORKER_PROPS") ? getenv("BENCH_WORKER_PROPS")
                                             : "");
        fclose(fp);
        wpid = worker_start(bin, props, dir, url, sizeof(url));
        if (wpid < 0)
                return 1;

        snprintf(u, sizeof(u), "%s/connectors", url);
        t0 = now_s();
        for (i = 0; i < n; i++) {
                snprintf(body, sizeof(body),
                         "{\"name\":\"fp-%ld\",\"config\":{"
                         "\"connector.class\":\"com.amazonaws.mskdatagen."
                         "GeneratorSourceConnector\","
                         "\"tasks.max\":\"1\","
                         "\"genkp.fp.with\":\"#{Internet.uuid}\","
                         "\"genv.fp.n.with\":\"#{number.number_between "
                         "'1','9'}\","
                         "\"global.throttle.ms\":\"60000\"}}", i);
                if (http(u, "POST", body, NULL) != 201) {
                        fprintf(stderr, "creating fp-%ld failed\n", i);
                        return 1;
                }
        }
        create_s = now_s() - t0;
        run_s = wait_running(url, n, t0, 600);
        nap_ms(3000);
        proc_status(wpid, &rss, &thr);
        printf("connectors %ld\n", n);
        printf("create_s %.2f\n", create_s);
        printf("all_running_after_create_s %.2f\n", run_s);
        printf("rss_mb %.1f\nthreads %ld\n", rss / 1024.0, thr);
        printf("expand_status_ms %.1f\n", status_ms(url));
        fflush(stdout);

        kill(wpid, SIGTERM);
        waitpid(wpid, &st, 0);
        t0 = now_s();
        wpid = worker_start(bin, props, dir, url, sizeof(url));
        if (wpid < 0)
                return 1;
        restart_s = wait_running(url, n, t0, 600);
        nap_ms(3000);
        proc_status(wpid, &rss, &thr);
        printf("restart_all_running_s %.2f\n", restart_s);
        printf("rss_mb_after_restart %.1f\nthreads_after_restart %ld\n",
               rss / 1024.0, thr);
        printf("expand_status_ms_after_restart %.1f\n", status_ms(url));
        fflush(stdout);
        /* BENCH_HOLD_S: keep the worker up that long, to profile it. */
        if (getenv("BENCH_HOLD_S")) {
                printf("holding %s (pid %d)\n", url, (int)wpid);
                fflush(stdout);
                nap_ms(atol(getenv("BENCH_HOLD_S")) * 1000);
        }

        kill(wpid, SIGTERM);
        waitpid(wpid, &st, 0);
        kill(kpid, SIGTERM);
        waitpid(kpid, &st, 0);
        curl_easy_cleanup(curl);
        curl_global_cleanup();
        {
                char cmd[700];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
                if (system(cmd) != 0)
                        fprintf(stderr, "could not remove %s\n", dir);
        }
        return 0;
}
