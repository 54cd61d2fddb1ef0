/*
 * harness — process, HTTP, kcat and waiting helpers for integration tests.
 * Failures abort the running Criterion test with a message that includes
 * the tail of the worker's log, so a red test says why.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <librdkafka/rdkafka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *env_or(const char *name, const char *dflt)
{
        const char *v = getenv(name);
        return v && *v ? v : dflt;
}

int scaled_ms(int ms)
{
        double f = atof(env_or("CONNECTD_TEST_TIMEOUT_MULT", "1"));
        if (f < 1)
                f = 1;
        return (int)(ms * f);
}

static long long mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) && errno == EINTR)
                ;
}

int wait_until(int (*fn)(void *arg), void *arg, int timeout_ms)
{
        long long end = mono_ms() + scaled_ms(timeout_ms);

        for (;;) {
                if (fn(arg))
                        return 1;
                if (mono_ms() > end)
                        return 0;
                nap_ms(50);
        }
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

char *slurp(const char *path)
{
        FILE *fp = fopen(path, "rb");
        char *buf = NULL;
        long n;

        if (!fp)
                return NULL;
        if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
            fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
                size_t got = fread(buf, 1, (size_t)n, fp);
                buf[got] = '\0';
        }
        fclose(fp);
        return buf;
}

int spit(const char *path, const char *data, int append)
{
        FILE *fp = fopen(path, append ? "ab" : "wb");
        int rc;

        if (!fp)
                return -1;
        rc = fputs(data, fp) < 0 ? -1 : 0;
        if (fclose(fp))
                rc = -1;
        return rc;
}

char *tmpdir_new(const char *tag)
{
        char tmpl[512];

        snprintf(tmpl, sizeof(tmpl), "%s/connectd-%s-XXXXXX",
                 env_or("TMPDIR", "/tmp"), tag);
        if (!mkdtemp(tmpl))
                cr_assert_fail("mkdtemp: %s", strerror(errno));
        return strdup(tmpl);
}

void rm_rf(const char *path)
{
        DIR *d = opendir(path);
        struct dirent *e;
        char p[1024];

        if (!d) {
                unlink(path);
                return;
        }
        while ((e = readdir(d))) {
                struct stat sb;
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                        continue;
                snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
                if (!lstat(p, &sb) && S_ISDIR(sb.st_mode))
                        rm_rf(p);
                else
                        unlink(p);
        }
        closedir(d);
        rmdir(path);
}

const char *worker_path(const worker_t *w, const char *name, char *buf,
                        size_t n)
{
        snprintf(buf, n, "%s/%s", w->dir, name);
        return buf;
}

char *worker_stderr(const worker_t *w)
{
        char p[512];
        char *s = slurp(worker_path(w, "stderr.log", p, sizeof(p)));
        return s ? s : strdup("");
}

static const char *tail(const char *s, size_t n)
{
        size_t len = strlen(s);
        return len > n ? s + len - n : s;
}

/* ------------------------------------------------------------------ */
/* Processes                                                           */

static pid_t spawn(const char *dir, char *const argv[], int trunc_stdout,
                   long long fsize_limit)
{
        char out[512], err[512];
        pid_t pid;

        snprintf(out, sizeof(out), "%s/stdout.log", dir);
        snprintf(err, sizeof(err), "%s/stderr.log", dir);
        /* The parent reads stdout.log next: never let it see the previous
         * run's lines (the child's O_TRUNC could come too late). */
        if (trunc_stdout)
                unlink(out);
        pid = fork();
        if (pid == 0) {
                /* A test that fails half-way must not leave its worker
                 * (or cluster) running: die with the test process. */
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                int fo = open(out, O_WRONLY | O_CREAT |
                                           (trunc_stdout ? O_TRUNC : O_APPEND),
                              0644);
                int fe = open(err, O_WRONLY | O_CREAT | O_APPEND, 0644);
                int fi = open("/dev/null", O_RDONLY);
                if (fo < 0 || fe < 0 || fi < 0)
                        _exit(127);
                dup2(fi, 0);
                dup2(fo, 1);
                dup2(fe, 2);
                if (chdir(dir))
                        _exit(127);
                if (fsize_limit > 0) {
                        struct rlimit rl = { (rlim_t)fsize_limit,
                                             (rlim_t)fsize_limit };
                        if (setrlimit(RLIMIT_FSIZE, &rl))
                                _exit(127);
                }
                execv(argv[0], argv);
                _exit(127);
        }
        return pid;
}

static const char *bin(void)
{
        const char *b = getenv("CONNECTD_BIN");
        cr_assert(b && *b, "CONNECTD_BIN is not set (run through ctest)");
        return b;
}

/* Waits for a line "prefix<value>" on the process's stdout. */
static int wait_stdout_line(const char *dir, pid_t pid, const char *prefix,
                            char *val, size_t valsz, int timeout_ms)
{
        char path[512];
        long long end = mono_ms() + scaled_ms(timeout_ms);

        snprintf(path, sizeof(path), "%s/stdout.log", dir);
        for (;;) {
                char *s = slurp(path), *p;
                int status;
                if (s && (p = strstr(s, prefix))) {
                        char *nl;
                        p += strlen(prefix);
                        nl = strchr(p, '\n');
                        if (nl) {
                                snprintf(val, valsz, "%.*s", (int)(nl - p), p);
                                free(s);
                                return 1;
                        }
                }
                free(s);
                if (waitpid(pid, &status, WNOHANG) == pid)
                        return -1; /* exited */
                if (mono_ms() > end)
                        return 0;
                nap_ms(20);
        }
}

static int health_ok(void *arg)
{
        worker_t *w = arg;
        http_resp_t *r = http_req(w, "GET", "/health", NULL, NULL);
        int ok = r->status == 200;
        http_resp_free(r);
        return ok;
}

static void worker_launch_begin(worker_t *w)
{
        char *argv[64];
        int n = 0, i;

        argv[n++] = (char *)bin();
        argv[n++] = w->props_path;
        for (i = 0; w->extra_args && w->extra_args[i] && n < 62; i++)
                argv[n++] = w->extra_args[i];
        argv[n] = NULL;
        w->pid = spawn(w->dir, argv, 1, w->fsize_limit);
        cr_assert(w->pid > 0, "fork failed");
}

static void worker_launch_end(worker_t *w)
{
        int got;
        char val[256];

        got = wait_stdout_line(w->dir, w->pid, "REST API listening on ", val,
                               sizeof(val), 30000);
        if (got != 1) {
                char *e = worker_stderr(w);
                if (got == 0)
                        kill(w->pid, SIGKILL);
                waitpid(w->pid, NULL, 0);
                w->pid = 0;
                cr_assert_fail("worker did not start (%s); stderr tail:\n%s",
                               got < 0 ? "exited" : "timeout", tail(e, 3000));
        }
        snprintf(w->url, sizeof(w->url), "%s", val);
        /* An in-process embedded cluster is new on every start. */
        if ((w->embedded || !w->bootstrap[0]) &&
            wait_stdout_line(w->dir, w->pid, "embedded Kafka cluster at ",
                             val, sizeof(val), 2000) == 1)
                snprintf(w->bootstrap, sizeof(w->bootstrap), "%s", val);
        if (!w->bootstrap[0])
                cr_assert_fail("no bootstrap address on the worker's stdout");
        if (!wait_until(health_ok, w, 30000)) {
                char *e = worker_stderr(w);
                cr_assert_fail("worker /health never 200; stderr tail:\n%s",
                               tail(e, 3000));
        }
}

static void worker_launch(worker_t *w)
{
        worker_launch_begin(w);
        worker_launch_end(w);
}

static worker_t *worker_prepare(const char *props,
                                const char *const *extra_args)
{
        worker_t *w = calloc(1, sizeof(*w));
        char *dir = tmpdir_new("worker");
        char text[8192];
        const char *bs;
        int i, n = 0;

        snprintf(w->dir, sizeof(w->dir), "%s", dir);
        free(dir);
        snprintf(w->props_path, sizeof(w->props_path), "%s/worker.properties",
                 w->dir);
        snprintf(text, sizeof(text),
                 "listeners=http://127.0.0.1:0\n"
                 "storage.path=%s/connectd.db\n"
                 "offset.flush.interval.ms=500\n"
                 "task.shutdown.graceful.timeout.ms=3000\n"
                 "%s\n",
                 w->dir, props ? props : "");
        cr_assert(spit(w->props_path, text, 0) == 0);
        w->embedded = !(props && strstr(props, "bootstrap.servers="));
        if (props && (bs = strstr(props, "bootstrap.servers="))) {
                bs += strlen("bootstrap.servers=");
                snprintf(w->bootstrap, sizeof(w->bootstrap), "%.*s",
                         (int)strcspn(bs, "\r\n"), bs);
        }
        if (extra_args) {
                while (extra_args[n])
                        n++;
                w->extra_args = calloc((size_t)n + 1, sizeof(char *));
                for (i = 0; i < n; i++)
                        w->extra_args[i] = strdup(extra_args[i]);
        }
        return w;
}

worker_t *worker_start(const char *props, const char *const *extra_args)
{
        worker_t *w = worker_prepare(props, extra_args);

        worker_launch(w);
        return w;
}

worker_t *worker_spawn(const char *props, const char *const *extra_args)
{
        worker_t *w = worker_prepare(props, extra_args);

        worker_launch_begin(w);
        return w;
}

void worker_wait_ready(worker_t *w)
{
        cr_assert(w->pid > 0, "worker_wait_ready on a worker not spawned");
        worker_launch_end(w);
}

void worker_restart(worker_t *w)
{
        cr_assert(w->pid == 0, "worker_restart on a running worker");
        worker_launch(w);
}

int worker_stop(worker_t *w)
{
        int status = 0;
        long long end;

        if (!w->pid)
                return -1;
        kill(w->pid, SIGTERM);
        end = mono_ms() + scaled_ms(30000);
        while (waitpid(w->pid, &status, WNOHANG) == 0) {
                if (mono_ms() > end) {
                        kill(w->pid, SIGKILL);
                        waitpid(w->pid, &status, 0);
                        w->pid = 0;
                        return -1;
                }
                nap_ms(20);
        }
        w->pid = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void worker_kill9(worker_t *w)
{
        if (!w->pid)
                return;
        kill(w->pid, SIGKILL);
        waitpid(w->pid, NULL, 0);
        w->pid = 0;
}

void worker_free(worker_t *w)
{
        int i;

        if (!w)
                return;
        if (w->pid)
                worker_stop(w);
        if (!getenv("CONNECTD_TEST_KEEP"))
                rm_rf(w->dir);
        for (i = 0; w->extra_args && w->extra_args[i]; i++)
                free(w->extra_args[i]);
        free(w->extra_args);
        free(w);
}

ekafka_t *ekafka_start(void)
{
        return ekafka_start_props(NULL);
}

ekafka_t *ekafka_start_props(const char *worker_props)
{
        ekafka_t *k = calloc(1, sizeof(*k));
        char *dir = tmpdir_new("kafka");
        char props[512];
        char *argv[] = { (char *)bin(), "--embedded-kafka-only", props, NULL };
        char val[256];
        const char *sp;

        snprintf(k->dir, sizeof(k->dir), "%s", dir);
        free(dir);
        snprintf(props, sizeof(props), "%s/worker.properties", k->dir);
        if (worker_props)
                cr_assert(spit(props, worker_props, 0) == 0);
        else
                argv[2] = NULL;
        k->pid = spawn(k->dir, argv, 1, 0);
        /* The first line on stdout ends with the bootstrap address. */
        if (wait_stdout_line(k->dir, k->pid, "", val, sizeof(val), 20000) !=
            1) {
                char p[512], *e;
                snprintf(p, sizeof(p), "%s/stderr.log", k->dir);
                e = slurp(p);
                cr_assert_fail("embedded Kafka did not start; stderr tail:\n%s",
                               tail(e ? e : "", 3000));
        }
        sp = strrchr(val, ' ');
        snprintf(k->bootstrap, sizeof(k->bootstrap), "%s", sp ? sp + 1 : val);
        return k;
}

void ekafka_stop(ekafka_t *k)
{
        if (!k)
                return;
        if (k->pid) {
                kill(k->pid, SIGTERM);
                waitpid(k->pid, NULL, 0);
        }
        rm_rf(k->dir);
        free(k);
}

/* ------------------------------------------------------------------ */
/* HTTP                                                                */

typedef struct {
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

static size_t on_header(char *d, size_t sz, size_t nm, void *u)
{
        http_resp_t *r = u;
        size_t n = sz * nm, len = n;
        char **slot = NULL;
        size_t skip = 0;

        if (n > 9 && !strncasecmp(d, "Location:", 9)) {
                slot = &r->location;
                skip = 9;
        } else if (n > 13 && !strncasecmp(d, "Content-Type:", 13)) {
                slot = &r->content_type;
                skip = 13;
        }
        if (slot) {
                while (skip < len && d[skip] == ' ')
                        skip++;
                while (len > skip && (d[len - 1] == '\r' || d[len - 1] == '\n'))
                        len--;
                free(*slot);
                *slot = strndup(d + skip, len - skip);
        }
        return n;
}

http_resp_t *http_req(const worker_t *w, const char *method, const char *path,
                      const char *body, const char *content_type)
{
        http_resp_t *r = calloc(1, sizeof(*r));
        CURL *c = curl_easy_init();
        struct curl_slist *hdrs = NULL;
        acc_t acc = { NULL, 0 };
        char url[2048], ct[256];

        snprintf(url, sizeof(url), "%s%s", w->url, path);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &acc);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)scaled_ms(30000));
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        hdrs = curl_slist_append(hdrs, "Expect:");
        if (body) {
                snprintf(ct, sizeof(ct), "Content-Type: %s",
                         content_type ? content_type : "application/json");
                hdrs = curl_slist_append(hdrs, ct);
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        } else if (!strcmp(method, "HEAD")) {
                curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        }
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        if (curl_easy_perform(c) == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        else
                r->status = 0;
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        r->body = acc.p ? acc.p : strdup("");
        if (*r->body)
                r->json = json_loads(r->body, JSON_DECODE_ANY, NULL);
        return r;
}

void http_resp_free(http_resp_t *r)
{
        if (!r)
                return;
        free(r->body);
        json_decref(r->json);
        free(r->location);
        free(r->content_type);
        free(r);
}

json_t *http_json(const worker_t *w, const char *method, const char *path,
                  const char *body, long expect_status)
{
        http_resp_t *r = http_req(w, method, path, body, NULL);
        json_t *j;

        cr_assert_eq(r->status, expect_status, "%s %s: expected %ld, got %ld: %s",
                     method, path, expect_status, r->status, r->body);
        j = json_incref(r->json);
        http_resp_free(r);
        return j;
}

char *url_escape(const char *s)
{
        CURL *c = curl_easy_init();
        char *e = curl_easy_escape(c, s, 0);
        char *r = strdup(e);
        curl_free(e);
        curl_easy_cleanup(c);
        return r;
}

typedef struct {
        const worker_t *w;
        const char *name;
        const char *state;
        int ntasks;
        const char *task_state;
} status_wait_t;

static int status_matches(void *arg)
{
        status_wait_t *s = arg;
        char *esc = url_escape(s->name);
        char path[1024];
        http_resp_t *r;
        json_t *tasks;
        size_t i;
        int ok = 0;

        snprintf(path, sizeof(path), "/connectors/%s/status", esc);
        free(esc);
        r = http_req(s->w, "GET", path, NULL, NULL);
        if (r->status != 200 || !r->json)
                goto out;
        if (strcmp(json_string_value(json_object_get(
                           json_object_get(r->json, "connector"), "state")) ?:
                           "",
                   s->state))
                goto out;
        if (s->ntasks < 0) {
                ok = 1;
                goto out;
        }
        tasks = json_object_get(r->json, "tasks");
        if ((int)json_array_size(tasks) != s->ntasks)
                goto out;
        for (i = 0; i < json_array_size(tasks); i++)
                if (strcmp(json_string_value(json_object_get(
                                   json_array_get(tasks, i), "state")) ?: "",
                           s->task_state))
                        goto out;
        ok = 1;
out:
        http_resp_free(r);
        return ok;
}

int wait_status(const worker_t *w, const char *name, const char *state,
                int ntasks, const char *task_state, int timeout_ms)
{
        status_wait_t s = { w, name, state, ntasks,
                            task_state ? task_state : "RUNNING" };
        return wait_until(status_matches, &s, timeout_ms);
}

/* ------------------------------------------------------------------ */
/* kcat                                                                */

static char *run_capture(char *const argv[], const char *input, int *rc)
{
        int out[2], in[2];
        pid_t pid;
        acc_t acc = { NULL, 0 };
        char buf[65536];
        ssize_t n;

        if (pipe(out) || pipe(in))
                cr_assert_fail("pipe: %s", strerror(errno));
        pid = fork();
        if (pid == 0) {
                int devnull = open("/dev/null", O_WRONLY);
                dup2(in[0], 0);
                dup2(out[1], 1);
                if (devnull >= 0)
                        dup2(devnull, 2);
                close(in[1]);
                close(out[0]);
                execvp(argv[0], argv);
                _exit(127);
        }
        close(in[0]);
        close(out[1]);
        if (input) {
                size_t len = strlen(input), off = 0;
                while (off < len) {
                        n = write(in[1], input + off, len - off);
                        if (n <= 0)
                                break;
                        off += (size_t)n;
                }
        }
        close(in[1]);
        while ((n = read(out[0], buf, sizeof(buf))) > 0)
                on_body(buf, 1, (size_t)n, &acc);
        close(out[0]);
        {
                int status;
                waitpid(pid, &status, 0);
                if (!acc.p)
                        acc.p = strdup("");
                if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                        cr_assert_fail("could not run %s", argv[0]);
                if (rc)
                        *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        return acc.p;
}

typedef struct {
        const char *bootstrap, *topic;
} topic_ref_t;

static int topic_listed(void *arg)
{
        const topic_ref_t *t = arg;

        return topic_count(t->bootstrap, t->topic) >= 0;
}

/* A consumer asking for a topic that does not exist yet makes the embedded
 * cluster create it, with 4 partitions where the worker would make 1 (and
 * keyed records then spread over them): kcat starts once the cluster
 * lists the topic (asking that never creates it), and not at all when it
 * never does (no records, as kcat would have found). */
char *kcat_consume(const char *bootstrap, const char *topic, int count,
                   const char *fmt, int timeout_ms)
{
        char secs[32], cnt[32];
        char *argv[20];
        int n = 0;
        long long end = mono_ms() + scaled_ms(timeout_ms);
        topic_ref_t ref = { bootstrap, topic };

        if (!wait_until(topic_listed, &ref, timeout_ms))
                return strdup("");
        snprintf(secs, sizeof(secs), "%.1f",
                 (double)(end > mono_ms() + 1000 ? end - mono_ms() : 1000) /
                         1000.0);
        snprintf(cnt, sizeof(cnt), "%d", count);
        argv[n++] = "timeout";
        argv[n++] = secs;
        argv[n++] = "kcat";
        argv[n++] = "-C";
        argv[n++] = "-q";
        argv[n++] = "-b";
        argv[n++] = (char *)bootstrap;
        argv[n++] = "-t";
        argv[n++] = (char *)topic;
        argv[n++] = "-o";
        argv[n++] = "beginning";
        argv[n++] = "-c";
        argv[n++] = cnt;
        argv[n++] = "-f";
        argv[n++] = (char *)(fmt ? fmt : "%k\t%s\n");
        argv[n] = NULL;
        return run_capture(argv, NULL, NULL);
}

char *kcat_dump(const char *bootstrap, const char *topic, const char *fmt,
                int timeout_ms)
{
        char secs[32];
        char *argv[20];
        int n = 0;

        /* What the topic holds now; a topic not there holds nothing (and
         * kcat asking would create it, see kcat_consume). */
        if (topic_count(bootstrap, topic) < 0)
                return strdup("");

        snprintf(secs, sizeof(secs), "%.1f", scaled_ms(timeout_ms) / 1000.0);
        argv[n++] = "timeout";
        argv[n++] = secs;
        argv[n++] = "kcat";
        argv[n++] = "-C";
        argv[n++] = "-e";
        argv[n++] = "-q";
        argv[n++] = "-Z";
        argv[n++] = "-b";
        argv[n++] = (char *)bootstrap;
        argv[n++] = "-t";
        argv[n++] = (char *)topic;
        argv[n++] = "-o";
        argv[n++] = "beginning";
        argv[n++] = "-f";
        argv[n++] = (char *)(fmt ? fmt : "%p|%o|%k|%S|%s\n");
        argv[n] = NULL;
        return run_capture(argv, NULL, NULL);
}

int kcat_produce(const char *bootstrap, const char *topic, const char *data,
                 char delim)
{
        char d[8];
        char *argv[16];
        int n = 0, status;
        char *out;

        argv[n++] = "kcat";
        argv[n++] = "-P";
        argv[n++] = "-q";
        argv[n++] = "-b";
        argv[n++] = (char *)bootstrap;
        argv[n++] = "-t";
        argv[n++] = (char *)topic;
        if (delim) {
                snprintf(d, sizeof(d), "%c", delim);
                argv[n++] = "-K";
                argv[n++] = d;
        }
        argv[n] = NULL;
        out = run_capture(argv, data, &status);
        free(out);
        return status;
}

long long topic_count(const char *bootstrap, const char *topic)
{
        char errstr[256];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_t *rk;
        long long sum = -1;
        int i, t = 0;

        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof(errstr));
        rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof(errstr));
        /* Asking must not create the topic. */
        rd_kafka_conf_set(conf, "allow.auto.create.topics", "false", errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk)
                return -1;
        /* All topics: the embedded cluster creates a topic named in a
         * metadata request whatever the request's allow-auto-create says
         * (it reads Metadata v0-v2 only). */
        if (rd_kafka_metadata(rk, 1, NULL, &md, scaled_ms(5000)) == 0) {
                for (t = 0; t < md->topic_cnt; t++)
                        if (!strcmp(md->topics[t].topic, topic) &&
                            !md->topics[t].err)
                                break;
                if (t < md->topic_cnt && md->topics[t].partition_cnt > 0) {
                        const rd_kafka_metadata_topic_t *mt = &md->topics[t];

                        sum = 0;
                        for (i = 0; i < mt->partition_cnt; i++) {
                                int64_t lo, hi;

                                if (rd_kafka_query_watermark_offsets(
                                            rk, topic, mt->partitions[i].id,
                                            &lo, &hi, scaled_ms(5000)) == 0)
                                        sum += hi;
                        }
                }
        }
        if (md)
                rd_kafka_metadata_destroy(md);
        rd_kafka_destroy(rk);
        return sum;
}

/* Runs connectd with a worker.properties holding `props`; returns the exit
 * code and the stderr text (*err, malloc'd). */
int run_worker_config(const char *props, char **err)
{
        char *dir = tmpdir_new("cfg");
        char path[512], errp[512], cmd[2048];
        int status;

        snprintf(path, sizeof(path), "%s/worker.properties", dir);
        snprintf(errp, sizeof(errp), "%s/stderr.log", dir);
        cr_assert(spit(path, props, 0) == 0);
        snprintf(cmd, sizeof(cmd), "cd '%s' && timeout 30 '%s' '%s' "
                 ">/dev/null 2>'%s'", dir, getenv("CONNECTD_BIN"), path, errp);
        status = system(cmd);
        *err = slurp(errp);
        rm_rf(dir);
        free(dir);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---------- s3rver ---------- */

static int sh_status(const char *cmd)
{
        int st = system(cmd);

        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void s3srv_install(s3srv_t *s)
{
        const char *src = getenv("CONNECTD_SOURCE_DIR");
        const char *bld = getenv("CONNECTD_BUILD_DIR");
        char cmd[2048], probe[600];
        struct stat st;

        cr_assert_not_null(src, "CONNECTD_SOURCE_DIR not set");
        if (sh_status("command -v node >/dev/null 2>&1 && "
                      "command -v npm >/dev/null 2>&1") != 0)
                cr_skip_test("node/npm not installed: cannot run s3rver");
        snprintf(s->app_dir, sizeof(s->app_dir), "%s/s3rver",
                 bld && *bld ? bld : ".");
        snprintf(cmd, sizeof(cmd),
                 "mkdir -p '%s' && cp '%s/tests/integration/s3/package.json' "
                 "'%s/tests/integration/s3/package-lock.json' "
                 "'%s/tests/integration/s3/run-s3rver.js' '%s/'",
                 s->app_dir, src, src, src, s->app_dir);
        cr_assert_eq(sh_status(cmd), 0, "copying the s3rver app failed");
        snprintf(probe, sizeof(probe), "%s/node_modules/s3rver/package.json",
                 s->app_dir);
        if (stat(probe, &st) == 0)
                return;
        snprintf(cmd, sizeof(cmd),
                 "cd '%s' && npm ci --no-audit --no-fund --loglevel=error "
                 ">npm-install.log 2>&1", s->app_dir);
        cr_assert_eq(sh_status(cmd), 0,
                     "npm ci of s3rver failed (see %s/npm-install.log)",
                     s->app_dir);
}

static int s3srv_ready(void *arg)
{
        s3srv_t *s = arg;
        char *out = slurp(s->out_path);
        char *p;
        int ok = 0;

        if (out && (p = strstr(out, "S3RVER_PORT="))) {
                s->port = atoi(p + 12);
                ok = s->port > 0;
        }
        free(out);
        return ok;
}

/* port 0: pick one. */
static void s3srv_run(s3srv_t *s, int port, const char *const *buckets)
{
        const char *argv[64];
        char script[600], portstr[16];
        int n = 0, i;

        snprintf(script, sizeof(script), "%s/run-s3rver.js", s->app_dir);
        snprintf(portstr, sizeof(portstr), "%d", port);
        argv[n++] = "node";
        argv[n++] = script;
        argv[n++] = "--dir";
        argv[n++] = s->data_dir;
        argv[n++] = "--port";
        argv[n++] = portstr;
        for (i = 0; buckets && buckets[i] && n < 61; i++) {
                argv[n++] = "--bucket";
                argv[n++] = buckets[i];
        }
        argv[n] = NULL;
        unlink(s->out_path);
        s->pid = fork();
        cr_assert_geq(s->pid, 0);
        if (s->pid == 0) {
                FILE *o = freopen(s->out_path, "w", stdout);

                (void)o;
                execvp("node", (char *const *)argv);
                _exit(127);
        }
        cr_assert(wait_until(s3srv_ready, s, 20000), "s3rver did not start");
        if (port)
                cr_assert_eq(s->port, port);
}

void s3srv_start(s3srv_t *s, const char *dir, const char *const *buckets)
{
        memset(s, 0, sizeof(*s));
        s3srv_install(s);
        snprintf(s->data_dir, sizeof(s->data_dir), "%s/s3data", dir);
        snprintf(s->out_path, sizeof(s->out_path), "%s/s3rver.out", dir);
        cr_assert(mkdir(s->data_dir, 0700) == 0 || errno == EEXIST,
                  "cannot make %s", s->data_dir);
        s3srv_run(s, 0, buckets);
}

void s3srv_restart(s3srv_t *s, const char *const *buckets)
{
        s3srv_run(s, s->port, buckets);
}

void s3srv_stop(s3srv_t *s)
{
        int st;

        if (s->pid <= 0)
                return;
        kill(s->pid, SIGTERM);
        waitpid(s->pid, &st, 0);
        s->pid = 0;
}

/* Java's Utils.murmur2, as the producer's default partitioner uses it. */
uint32_t java_murmur2(const char *data, size_t len)
{
        const uint32_t m = 0x5bd1e995;
        uint32_t h = 0x9747b28c ^ (uint32_t)len;
        const unsigned char *d = (const unsigned char *)data;
        size_t i, n4 = len / 4;

        for (i = 0; i < n4; i++) {
                uint32_t k = d[4 * i] | (uint32_t)d[4 * i + 1] << 8 |
                             (uint32_t)d[4 * i + 2] << 16 |
                             (uint32_t)d[4 * i + 3] << 24;
                k *= m;
                k ^= k >> 24;
                k *= m;
                h *= m;
                h ^= k;
        }
        switch (len % 4) {
        case 3:
                h ^= (uint32_t)d[(len & ~(size_t)3) + 2] << 16;
                /* fall through */
        case 2:
                h ^= (uint32_t)d[(len & ~(size_t)3) + 1] << 8;
                /* fall through */
        case 1:
                h ^= d[len & ~(size_t)3];
                h *= m;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return h;
}

int java_partition(const char *key, int parts)
{
        return (int)((java_murmur2(key, strlen(key)) & 0x7fffffff) % (uint32_t)parts);
}
