/*
 * bench_cluster — how fast a connectd cluster moves work, in one run:
 *
 * 1. Starts `connectd --embedded-kafka-only worker.properties` (the
 *    cluster, in its own process, with the internal topics created) and
 *    three workers with one group.id on ephemeral REST ports.
 * 2. New connector: once a 1-task warm-up connector was accepted (the
 *    group has formed), POSTs a generator source with tasks.max=12 and times
 *    from the POST until GET /connectors/N/status shows the connector and
 *    all 12 tasks RUNNING on live workers.
 * 3. kill -9 of the busiest worker: times from the signal until every task
 *    is RUNNING on one of the two others.
 * 4. A replacement worker joins (timed until it holds a task); then
 *    SIGTERM of the busiest worker that does not lead: times from the
 *    signal until every task is RUNNING elsewhere (the hand-over); then
 *    SIGTERM of the leader, timed the same way.
 *    Between the events the group settles (every worker logged a view
 *    of all live workers), so no event lands in the previous one's
 *    rebalance.
 * Rounds repeat 2-4 on a fresh cluster; medians are printed last, next to
 * what Java Connect's documented defaults give for the same events.
 *
 * usage: bench_cluster CONNECTD_BIN [rounds]
 *   BENCH_WORKER_PROPS: extra worker.properties lines (e.g. a smaller
 *   session.timeout.ms); by default connectd's defaults, which are Java's
 *   (session.timeout.ms=10000, heartbeat.interval.ms=3000).
 * Loopback only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bench_proc.h"

#define NW 4
#define TASKS 12
#define MAX_ROUNDS 9
#define DEADLINE_S 600.0

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

/* One request; the status code, and the parsed body in *out if asked. */
static long http(const char *url, const char *method, const char *body,
                 json_t **out)
{
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        acc_t a = { NULL, 0 };
        long status = 0;

        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        h = curl_slist_append(h, "Expect:");
        if (body) {
                h = curl_slist_append(h, "Content-Type: application/json");
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        }
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        if (curl_easy_perform(c) == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (out)
                *out = a.p ? json_loads(a.p, 0, NULL) : NULL;
        free(a.p);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        return status;
}

typedef struct worker {
        pid_t pid;
        int live;
        char url[256];
        char id[256];   /* host:port */
        char out[600], err[600];
} worker_t;

typedef struct cluster {
        char dir[256];
        char props[600];      /* common worker properties */
        char bootstrap[256];
        const char *bin;
        pid_t kpid;
        worker_t w[NW];
        int n;
} cluster_t;

static int worker_add(cluster_t *c)
{
        worker_t *w = &c->w[c->n];
        char props[700], *text = NULL;
        char *av[] = { (char *)c->bin, props, NULL };
        FILE *fp;

        /* The common properties plus the worker's own storage.path. */
        snprintf(props, sizeof(props), "%s/worker-%d.properties", c->dir,
                 c->n);
        fp = fopen(c->props, "r");
        if (fp) {
                size_t n = 0;
                text = calloc(1, 8192);
                if (text)
                        n = fread(text, 1, 8191, fp);
                (void)n;
                fclose(fp);
        }
        fp = fopen(props, "w");
        if (!fp || !text) {
                if (fp)
                        fclose(fp);
                free(text);
                return -1;
        }
        fprintf(fp, "%sstorage.path=%s/worker-%d.db\n", text, c->dir, c->n);
        fclose(fp);
        free(text);
        /* Built apart: w lies inside c, which gcc -O3 would take for
         * snprintf overlapping its own argument (-Werror=restrict). */
        {
                char out[600], err[600];
                snprintf(out, sizeof(out), "%s/worker-%d.out", c->dir, c->n);
                snprintf(err, sizeof(err), "%s/worker-%d.err", c->dir, c->n);
                memcpy(w->out, out, sizeof(out));
                memcpy(w->err, err, sizeof(err));
        }
        w->pid = spawn(av, w->out, w->err);
        w->live = 1;
        c->n++;
        return 0;
}

static int worker_ready(worker_t *w)
{
        const char *p;

        if (read_line(w->out, "connectd: REST API listening on ", w->url,
                      sizeof(w->url), 60)) {
                fprintf(stderr, "worker did not start, see %s\n", w->err);
                return -1;
        }
        p = strstr(w->url, "://");
        snprintf(w->id, sizeof(w->id), "%s", p ? p + 3 : w->url);
        return 0;
}

static int cluster_start(cluster_t *c, const char *bin, int n)
{
        char kout[600], kerr[600], kprops[600];
        const char *extra = getenv("BENCH_WORKER_PROPS");
        FILE *fp;
        int i;

        memset(c, 0, sizeof(*c));
        c->bin = bin;
        snprintf(c->dir, sizeof(c->dir), "%s/connectd-bench-cluster-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(c->dir)) {
                perror("mkdtemp");
                return -1;
        }
        snprintf(kprops, sizeof(kprops), "%s/kafka.properties", c->dir);
        fp = fopen(kprops, "w");
        if (!fp)
                return -1;
        fprintf(fp, "group.id=bench\nconfig.storage.topic=connect-configs\n"
                    "offset.storage.topic=connect-offsets\n"
                    "status.storage.topic=connect-status\n");
        fclose(fp);
        snprintf(kout, sizeof(kout), "%s/kafka.out", c->dir);
        snprintf(kerr, sizeof(kerr), "%s/kafka.err", c->dir);
        {
                char *av[] = { (char *)bin, "--embedded-kafka-only", kprops,
                               NULL };
                c->kpid = spawn(av, kout, kerr);
        }
        if (read_line(kout, "", c->bootstrap, sizeof(c->bootstrap), 60)) {
                fprintf(stderr, "embedded Kafka did not start\n");
                return -1;
        }
        {
                /* The first line ends with the bootstrap address. */
                char *sp = strrchr(c->bootstrap, ' ');
                if (sp)
                        memmove(c->bootstrap, sp + 1, strlen(sp + 1) + 1);
        }
        snprintf(c->props, sizeof(c->props), "%s/worker.properties", c->dir);
        fp = fopen(c->props, "w");
        if (!fp)
                return -1;
        fprintf(fp, "bootstrap.servers=%s\nlisteners=http://127.0.0.1:0\n"
                    "group.id=bench\nconfig.storage.topic=connect-configs\n"
                    "offset.storage.topic=connect-offsets\n"
                    "status.storage.topic=connect-status\n"
                    "config.storage.replication.factor=1\n"
                    "offset.storage.replication.factor=1\n"
                    "status.storage.replication.factor=1\n"
                    "%s\n",
                c->bootstrap, extra ? extra : "");
        fclose(fp);
        for (i = 0; i < n; i++)
                if (worker_add(c))
                        return -1;
        for (i = 0; i < n; i++)
                if (worker_ready(&c->w[i]))
                        return -1;
        return 0;
}

static void cluster_stop(cluster_t *c)
{
        char cmd[600];
        int i;

        for (i = 0; i < c->n; i++)
                if (c->w[i].pid > 0)
                        kill(c->w[i].pid, SIGTERM);
        for (i = 0; i < c->n; i++)
                if (c->w[i].pid > 0)
                        waitpid(c->w[i].pid, NULL, 0);
        if (c->kpid > 0) {
                kill(c->kpid, SIGTERM);
                waitpid(c->kpid, NULL, 0);
        }
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
        if (system(cmd))
                fprintf(stderr, "could not remove %s\n", c->dir);
}

static int live_index(const cluster_t *c, const char *id)
{
        int i;

        for (i = 0; id && i < c->n; i++)
                if (c->w[i].live && !strcmp(c->w[i].id, id))
                        return i;
        return -1;
}

/* Status of the connector from the first live worker: 1 when it and all
 * TASKS tasks are RUNNING on live workers; per-worker task counts. */
static int all_running(const cluster_t *c, const char *name, int *tasks)
{
        char url[512];
        json_t *s = NULL, *t;
        size_t k;
        int i, ok = 0;

        memset(tasks, 0, sizeof(int) * NW);
        for (i = 0; i < c->n && !c->w[i].live; i++)
                ;
        if (i == c->n)
                return 0;
        snprintf(url, sizeof(url), "%s/connectors/%s/status", c->w[i].url,
                 name);
        if (http(url, "GET", NULL, &s) != 200 || !s)
                goto out;
        if (strcmp(json_string_value(json_object_get(
                           json_object_get(s, "connector"), "state")) ?: "",
                   "RUNNING") ||
            live_index(c, json_string_value(json_object_get(
                                  json_object_get(s, "connector"),
                                  "worker_id"))) < 0)
                goto out;
        if (json_array_size(json_object_get(s, "tasks")) != TASKS)
                goto out;
        json_array_foreach(json_object_get(s, "tasks"), k, t) {
                if (strcmp(json_string_value(json_object_get(t, "state")) ?: "",
                           "RUNNING"))
                        goto out;
                i = live_index(c, json_string_value(json_object_get(
                                          t, "worker_id")));
                if (i < 0)
                        goto out;
                tasks[i]++;
        }
        ok = 1;
out:
        json_decref(s);
        return ok;
}

/* Seconds until all_running (and, if `holder` >= 0, that worker holds a
 * task), polling every 20 ms; -1 after DEADLINE_S. */
static double time_until_running(const cluster_t *c, const char *name,
                                 double t0, int holder)
{
        int tasks[NW];

        while (now_s() - t0 < DEADLINE_S) {
                if (all_running(c, name, tasks) &&
                    (holder < 0 || tasks[holder] > 0))
                        return now_s() - t0;
                nap_ms(20);
        }
        return -1;
}

/* The live worker with most tasks, other than `except`. */
static int busiest(const cluster_t *c, const char *name, int except)
{
        int tasks[NW], i, b = -1;

        if (!all_running(c, name, tasks))
                return -1;
        for (i = 0; i < c->n; i++)
                if (c->w[i].live && i != except &&
                    (b < 0 || tasks[i] > tasks[b]))
                        b = i;
        return b;
}

/* The last "Cluster view: N worker(s), leader ID" a live worker logged:
 * N (or -1) and the leader's index in *leader (or -1). */
static int last_view(const cluster_t *c, int i, int *leader)
{
        FILE *fp = fopen(c->w[i].err, "r");
        char line[2048], id[256] = "";
        int n = -1;

        *leader = -1;
        while (fp && fgets(line, sizeof(line), fp)) {
                char *p = strstr(line, "Cluster view: "), *q;
                if (!p)
                        continue;
                n = atoi(p + strlen("Cluster view: "));
                q = strstr(p, ", leader ");
                if (q) {
                        q += strlen(", leader ");
                        snprintf(id, sizeof(id), "%.*s",
                                 (int)strcspn(q, " \n"), q);
                }
        }
        if (fp)
                fclose(fp);
        *leader = live_index(c, id);
        return n;
}

/* Waits (up to 60 s) until every live worker's last view has all live
 * workers: the group's rebalance is over. The leader's index, or -1. */
static int settle(const cluster_t *c)
{
        double end = now_s() + 60;
        int i, live, ok, leader = -1;

        while (now_s() < end) {
                for (i = 0, live = 0; i < c->n; i++)
                        live += c->w[i].live;
                for (i = 0, ok = 1; i < c->n && ok; i++)
                        if (c->w[i].live)
                                ok = last_view(c, i, &leader) == live;
                if (ok && leader >= 0)
                        return leader;
                nap_ms(50);
        }
        return -1;
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

static int post(const cluster_t *c, const char *body)
{
        char url[512];
        double end = now_s() + 60;
        long st;

        /* Until the cluster has a leader a write may answer 409. */
        snprintf(url, sizeof(url), "%s/connectors", c->w[0].url);
        while ((st = http(url, "POST", body, NULL)) == 409 && now_s() < end)
                nap_ms(50);
        if (st != 201)
                fprintf(stderr, "POST /connectors answered %ld\n", st);
        return st == 201 ? 0 : -1;
}

static void stop_worker(cluster_t *c, int i, int sig, double *t0)
{
        *t0 = now_s();
        kill(c->w[i].pid, sig);
        c->w[i].live = 0;
}

/* One round on a fresh cluster: a warm-up connector (the group formed),
 * the timed 12-task connector, kill -9 of the busiest worker, a new
 * worker joining, SIGTERM of the busiest non-leader, SIGTERM of the
 * leader. The group settles between the events. */
static int run_round(const char *bin, double *create, double *failover,
                     double *join, double *handover, double *leader_leave)
{
        static const char warm[] =
                "{\"name\":\"warmup\",\"config\":{\"connector.class\":"
                "\"com.amazonaws.mskdatagen.GeneratorSourceConnector\","
                "\"tasks.max\":\"1\",\"genkp.warmup.with\":"
                "\"#{Internet.uuid}\",\"genv.warmup.name.with\":"
                "\"#{Name.username}\",\"global.throttle.ms\":\"1000\"}}";
        static const char body[] =
                "{\"name\":\"bench12\",\"config\":{\"connector.class\":"
                "\"com.amazonaws.mskdatagen.GeneratorSourceConnector\","
                "\"tasks.max\":\"12\",\"genkp.bench12.with\":"
                "\"#{Internet.uuid}\",\"genv.bench12.name.with\":"
                "\"#{Name.username}\",\"global.throttle.ms\":\"1000\"}}";
        cluster_t c;
        double t0;
        int b, lead, rc = -1;

        if (cluster_start(&c, bin, 3) || post(&c, warm) || settle(&c) < 0)
                goto out;
        t0 = now_s();
        if (post(&c, body))
                goto out;
        *create = time_until_running(&c, "bench12", t0, -1);
        if (*create < 0) {
                fprintf(stderr, "12 tasks never all RUNNING\n");
                goto out;
        }

        b = busiest(&c, "bench12", -1);
        stop_worker(&c, b, SIGKILL, &t0);
        waitpid(c.w[b].pid, NULL, 0);
        c.w[b].pid = 0;
        *failover = time_until_running(&c, "bench12", t0, -1);
        if (*failover < 0 || settle(&c) < 0) {
                fprintf(stderr, "no failover after kill -9\n");
                goto out;
        }

        t0 = now_s();
        if (worker_add(&c) || worker_ready(&c.w[c.n - 1]))
                goto out;
        *join = time_until_running(&c, "bench12", t0, c.n - 1);
        if (*join < 0 || (lead = settle(&c)) < 0) {
                fprintf(stderr, "the new worker never got a task\n");
                goto out;
        }

        b = busiest(&c, "bench12", lead);
        stop_worker(&c, b, SIGTERM, &t0);
        *handover = time_until_running(&c, "bench12", t0, -1);
        if (*handover < 0 || settle(&c) < 0) {
                fprintf(stderr, "no hand-over after SIGTERM\n");
                goto out;
        }

        stop_worker(&c, lead, SIGTERM, &t0);
        *leader_leave = time_until_running(&c, "bench12", t0, -1);
        if (*leader_leave < 0) {
                fprintf(stderr, "no hand-over after SIGTERM of the leader\n");
                goto out;
        }
        rc = 0;
out:
        cluster_stop(&c);
        return rc;
}

int main(int argc, char **argv)
{
        const char *bin = argc > 1 ? argv[1] : "build/connectd";
        int rounds = argc > 2 ? atoi(argv[2]) : 3, r;
        const char *extra = getenv("BENCH_WORKER_PROPS");
        double cr[MAX_ROUNDS], fo[MAX_ROUNDS], jo[MAX_ROUNDS],
                ho[MAX_ROUNDS], ll[MAX_ROUNDS];

        if (rounds < 1)
                rounds = 1;
        if (rounds > MAX_ROUNDS)
                rounds = MAX_ROUNDS;
        signal(SIGPIPE, SIG_IGN);
        curl_global_init(CURL_GLOBAL_ALL);
        printf("worker settings: %s\n",
               extra && *extra ? extra : "connectd defaults "
               "(session.timeout.ms=10000, heartbeat.interval.ms=3000)");
        for (r = 0; r < rounds; r++) {
                if (run_round(bin, &cr[r], &fo[r], &jo[r], &ho[r], &ll[r]))
                        return 1;
                printf("round %d: new 12-task connector %.2f s, kill -9 "
                       "failover %.2f s, join %.2f s, SIGTERM hand-over "
                       "%.2f s, SIGTERM of the leader %.2f s\n",
                       r + 1, cr[r], fo[r], jo[r], ho[r], ll[r]);
                fflush(stdout);
        }
        printf("\n3 workers, one embedded cluster, %d round(s), medians:\n",
               rounds);
        printf("%-46s %9s   %s\n", "event", "connectd",
               "Java Connect with its documented defaults");
        printf("%-46s %8.2fs   %s\n",
               "new connector, 12 tasks all RUNNING", median(cr, rounds),
               "one rebalance (no documented figure)");
        printf("%-46s %8.2fs   %s\n",
               "kill -9 of the busiest worker -> all RUNNING",
               median(fo, rounds),
               "session.timeout.ms 10 s + "
               "scheduled.rebalance.max.delay.ms 300 s: ~310 s");
        printf("%-46s %8.2fs   %s\n",
               "SIGTERM of a worker -> handed over", median(ho, rounds),
               "scheduled.rebalance.max.delay.ms: up to 300 s");
        printf("%-46s %8.2fs   %s\n",
               "SIGTERM of the leader -> handed over", median(ll, rounds),
               "scheduled.rebalance.max.delay.ms: up to 300 s");
        printf("%-46s %8.2fs   %s\n",
               "a new worker joins -> holds a task", median(jo, rounds),
               "two rebalance rounds (no documented figure)");
        printf("(the embedded cluster holds every group rebalance open for "
               "session.timeout.ms - 1 s;\n a real broker ends it once the "
               "members rejoined, about one heartbeat)\n");
        curl_global_cleanup();
        return 0;
}
