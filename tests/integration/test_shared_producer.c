/*
 * Shared producers through the real binary: source tasks without
 * producer.override.* share one producer, and still keep apart — a task
 * that fails over and over, a paused task and a task that floods its
 * queue run next to healthy ones, and every connector's topic ends up
 * with each of its records exactly once up to its committed offset.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SEQ_MAX_KEY (1 << 20)

static const char *build_dir(void)
{
        const char *d = getenv("CONNECTD_BUILD_DIR");

        cr_assert(d && *d, "CONNECTD_BUILD_DIR is not set");
        return d;
}

static worker_t *start(const char *extra)
{
        char props[4096];

        snprintf(props, sizeof(props),
                 "plugin.path=%s/plugins,%s/test-plugins\n"
                 "offset.flush.interval.ms=200\n"
                 "task.shutdown.graceful.timeout.ms=3000\n%s",
                 build_dir(), build_dir(), extra ? extra : "");
        return worker_start(props, NULL);
}

/* librdkafka client instances in the worker: their main threads. */
static int rdk_mains(const worker_t *w)
{
        char path[300], comm[64];
        struct dirent *e;
        DIR *d;
        int n = 0;

        snprintf(path, sizeof(path), "/proc/%d/task", (int)w->pid);
        d = opendir(path);
        cr_assert_not_null(d);
        while ((e = readdir(d))) {
                FILE *fp;

                if (e->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "/proc/%d/task/%s/comm",
                         (int)w->pid, e->d_name);
                fp = fopen(path, "r");
                if (!fp)
                        continue;
                if (fgets(comm, sizeof(comm), fp) &&
                    !strncmp(comm, "rdk:main", 8))
                        n++;
                fclose(fp);
        }
        closedir(d);
        return n;
}

static void create_seq(const worker_t *w, const char *name, int per_poll,
                       int interval_ms)
{
        char body[1024];

        snprintf(body, sizeof(body),
                 "{\"name\":\"%s\",\"config\":{"
                 "\"connector.class\":\"SequenceSource\",\"tasks.max\":\"1\","
                 "\"topic\":\"%s\",\"records.per.poll\":\"%d\","
                 "\"interval.ms\":\"%d\","
                 "\"key.converter\":\"org.apache.kafka.connect.storage."
                 "StringConverter\"}}",
                 name, name, per_poll, interval_ms);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
}

/* Committed sequence number of task 0 (GET /offsets), or -1. */
static long long committed_seq(const worker_t *w, const char *name)
{
        char path[256];
        http_resp_t *r;
        json_t *offs, *o;
        long long seq = -1;
        size_t i;

        snprintf(path, sizeof(path), "/connectors/%s/offsets", name);
        r = http_req(w, "GET", path, NULL, NULL);
        if (r->status == 200 && r->json &&
            (offs = json_object_get(r->json, "offsets")))
                json_array_foreach(offs, i, o) {
                        json_t *v = json_object_get(
                                json_object_get(o, "offset"), "seq");
                        if (json_is_integer(v))
                                seq = json_integer_value(v);
                }
        http_resp_free(r);
        return seq;
}

typedef struct past {
        const worker_t *w;
        const char *name;
        long long at_least;
} past_t;

static int committed_past(void *arg)
{
        past_t *p = arg;

        return committed_seq(p->w, p->name) >= p->at_least;
}

static void wait_committed(const worker_t *w, const char *name, long long n)
{
        past_t p = { w, name, n };

        cr_assert(wait_until(committed_past, &p, 30000),
                  "%s never committed past %lld (at %lld)", name, n,
                  committed_seq(w, name));
}

/* Stops the connector (its last flush and commit), then checks that its
 * topic holds 0..committed exactly once each (`from_first`: from the
 * first record the topic still has: the embedded cluster's log is
 * bounded). */
static void stop_and_check_from(const worker_t *w, const char *name,
                                int from_first)
{
        char path[256], *out, *line, *save = NULL;
        unsigned char *seen = calloc(SEQ_MAX_KEY, 1);
        long long seq, n = 0, i, lo = -1;

        snprintf(path, sizeof(path), "/connectors/%s/stop", name);
        json_decref(http_json(w, "PUT", path, NULL, 204));
        cr_assert(wait_status(w, name, "STOPPED", 0, "RUNNING", 15000));
        seq = committed_seq(w, name);
        cr_assert_geq(seq, 0, "%s committed nothing", name);
        out = kcat_dump(w->bootstrap, name, "%k\n", 30000);
        cr_assert_not_null(out);
        cr_assert_not_null(seen);
        for (line = strtok_r(out, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                long long k = atoll(line);

                cr_assert(k >= 0 && k < SEQ_MAX_KEY, "key %s", line);
                cr_assert_eq(seen[k], 0, "%s: record %lld twice", name, k);
                seen[k] = 1;
                if (lo < 0 || k < lo)
                        lo = k;
                n++;
        }
        if (!from_first)
                lo = 0;
        cr_assert_geq(lo, 0, "%s: empty topic", name);
        for (i = lo; i <= seq; i++)
                cr_assert_eq(seen[i], 1, "%s: record %lld missing", name, i);
        cr_assert_eq(n, seq + 1 - lo, "%s: %lld records from %lld, offset "
                     "%lld", name, n, lo, seq);
        free(out);
        free(seen);
}

static void stop_and_check(const worker_t *w, const char *name)
{
        stop_and_check_from(w, name, 0);
}

typedef struct boom_wait {
        const worker_t *w;
        int starts;
} boom_wait_t;

static int boom_started(void *arg)
{
        boom_wait_t *b = arg;
        char *log = worker_stderr(b->w), *p = log;
        int n = 0;

        while (p && (p = strstr(p, "boom task started"))) {
                n++;
                p++;
        }
        free(log);
        return n >= b->starts;
}

Test(shared_producer, failing_and_paused_tasks_leave_the_others_exact,
     .timeout = 240)
{
        worker_t *w = start(NULL);
        int before = rdk_mains(w), i;
        boom_wait_t bw = { w, 1 };

        create_seq(w, "sp-a", 50, 10);
        create_seq(w, "sp-b", 50, 10);
        create_seq(w, "sp-paused", 50, 10);
        json_decref(http_json(w, "POST", "/connectors",
                              "{\"name\":\"sp-boom\",\"config\":{"
                              "\"connector.class\":\"BoomSource\","
                              "\"tasks.max\":\"1\",\"topic\":\"sp-boom\"}}",
                              201));
        cr_assert(wait_status(w, "sp-a", "RUNNING", 1, "RUNNING", 20000));
        cr_assert(wait_status(w, "sp-b", "RUNNING", 1, "RUNNING", 20000));
        cr_assert(wait_status(w, "sp-paused", "RUNNING", 1, "RUNNING",
                              20000));
        cr_assert(wait_status(w, "sp-boom", "RUNNING", 1, "FAILED", 20000));
        wait_committed(w, "sp-a", 100);
        /* Three running source tasks (and a failed one): one producer. */
        cr_assert_eq(rdk_mains(w) - before, 1,
                     "%d producers for 3 source tasks",
                     rdk_mains(w) - before);

        /* A neighbour that fails again and again, and one that pauses. */
        json_decref(http_json(w, "PUT", "/connectors/sp-paused/pause", NULL,
                              202));
        for (i = 2; i <= 4; i++) {
                json_decref(http_json(w, "POST",
                                      "/connectors/sp-boom/tasks/0/restart",
                                      NULL, 204));
                bw.starts = i;
                cr_assert(wait_until(boom_started, &bw, 15000));
        }
        cr_assert(wait_status(w, "sp-paused", "PAUSED", 1, "PAUSED", 15000));
        wait_committed(w, "sp-a", committed_seq(w, "sp-a") + 200);
        wait_committed(w, "sp-b", committed_seq(w, "sp-b") + 200);
        json_decref(http_json(w, "PUT", "/connectors/sp-paused/resume", NULL,
                              202));
        wait_committed(w, "sp-paused", committed_seq(w, "sp-paused") + 100);

        /* A stopped neighbour's last flush waits for its own records. */
        stop_and_check(w, "sp-paused");
        wait_committed(w, "sp-a", committed_seq(w, "sp-a") + 100);
        stop_and_check(w, "sp-a");
        stop_and_check(w, "sp-b");
        worker_free(w);
}

/* A task producing as fast as it can sits at its in-flight cap on a small
 * shared queue; its neighbour still gets its records through. */
Test(shared_producer, flooding_task_does_not_starve_its_neighbour,
     .timeout = 240)
{
        worker_t *w = start("producer.queue.buffering.max.messages=2000\n");

        create_seq(w, "sp-flood", 2000, 0);
        create_seq(w, "sp-calm", 10, 20);
        cr_assert(wait_status(w, "sp-flood", "RUNNING", 1, "RUNNING",
                              20000));
        cr_assert(wait_status(w, "sp-calm", "RUNNING", 1, "RUNNING", 20000));
        wait_committed(w, "sp-flood", 20000);
        wait_committed(w, "sp-calm", committed_seq(w, "sp-calm") + 300);
        stop_and_check(w, "sp-calm");
        stop_and_check_from(w, "sp-flood", 1);
        worker_free(w);
}

/* zlib's crc32 (librdkafka's consistent partitioner). */
static uint32_t crc32_of(const char *s)
{
        uint32_t c = 0xffffffffu;

        for (; *s; s++) {
                c ^= (unsigned char)*s;
                for (int i = 0; i < 8; i++)
                        c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
        }
        return ~c;
}

/* A sequence connector on a topic of 4 partitions (`extra`: more of its
 * config), 50 records a poll, slow enough for the embedded cluster's
 * bounded log to keep them all; stops it once it committed `n`, then
 * checks every record once and, per partition, in the order it was made.
 * Returns the dump of "partition<TAB>key" lines. */
static char *run_on_four(const worker_t *w, const char *name,
                         const char *extra, long long n)
{
        char body[2048], *out, *copy, *line, *save = NULL;
        long long last[4] = { -1, -1, -1, -1 };

        snprintf(body, sizeof(body),
                 "{\"name\":\"%s\",\"config\":{"
                 "\"connector.class\":\"SequenceSource\",\"tasks.max\":\"1\","
                 "\"topic\":\"%s\",\"records.per.poll\":\"50\","
                 "\"interval.ms\":\"10\","
                 "\"topic.creation.default.partitions\":\"4\","
                 "\"topic.creation.default.replication.factor\":\"1\","
                 "\"key.converter\":\"org.apache.kafka.connect.storage."
                 "StringConverter\"%s}}",
                 name, name, extra ? extra : "");
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        cr_assert(wait_status(w, name, "RUNNING", 1, "RUNNING", 20000));
        wait_committed(w, name, n);
        stop_and_check(w, name);
        out = kcat_dump(w->bootstrap, name, "%p\t%k\n", 30000);
        cr_assert_not_null(out);
        copy = strdup(out);
        for (line = strtok_r(copy, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                int p = atoi(line);
                long long k = atoll(strchr(line, '\t') + 1);

                cr_assert(p >= 0 && p < 4, "partition %d", p);
                cr_assert_gt(k, last[p], "%s: partition %d has %lld after "
                             "%lld", name, p, k, last[p]);
                last[p] = k;
        }
        for (int p = 0; p < 4; p++)
                cr_assert_geq(last[p], 0, "%s: partition %d is empty", name,
                              p);
        free(copy);
        return out;
}

/* Keyed records a task places itself land where the producer's murmur2
 * partitioner (Java's) puts them, in their order within each partition;
 * with another partitioner configured, that one places them. */
Test(shared_producer, keyed_records_land_in_the_partitioners_partition,
     .timeout = 240)
{
        worker_t *w = start(NULL);
        char *out, *line, *save = NULL;
        int n = 0, other = 0;

        out = run_on_four(w, "sp-keys", NULL, 5000);
        for (line = strtok_r(out, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save), n++) {
                const char *key = strchr(line, '\t') + 1;

                cr_assert_eq(atoi(line), java_partition(key, 4),
                             "key %s in partition %d, murmur2 says %d", key,
                             atoi(line), java_partition(key, 4));
        }
        cr_assert_geq(n, 5001);
        free(out);

        save = NULL;
        n = 0;
        out = run_on_four(w, "sp-crc",
                          ",\"producer.override.partitioner\":\"consistent\"",
                          2000);
        for (line = strtok_r(out, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save), n++) {
                const char *key = strchr(line, '\t') + 1;

                cr_assert_eq(atoi(line), (int)(crc32_of(key) % 4),
                             "key %s in partition %d, crc32 says %u", key,
                             atoi(line), crc32_of(key) % 4);
                other += atoi(line) != java_partition(key, 4);
        }
        cr_assert_geq(n, 2001);
        cr_assert_gt(other, 0, "crc32 and murmur2 agreed on every key");
        free(out);
        worker_free(w);
}
