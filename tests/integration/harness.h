/*
 * harness — what integration tests share: start the real connectd binary
 * (or a stand-alone embedded Kafka cluster) on ephemeral loopback ports,
 * talk to it with libcurl, read topics with kcat, wait on conditions with
 * deadlines (scaled by CONNECTD_TEST_TIMEOUT_MULT on slow machines).
 *
 * The binary comes from $CONNECTD_BIN, the source tree from
 * $CONNECTD_SOURCE_DIR, the build tree from $CONNECTD_BUILD_DIR (set by
 * ctest). Each worker runs in a fresh temporary directory that holds its
 * worker.properties, SQLite file, stdout.log and stderr.log.
 */
#ifndef CONNECTD_HARNESS_H
#define CONNECTD_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

typedef struct worker {
        pid_t pid;
        char dir[256];        /* temp dir: worker.properties, connectd.db, logs */
        char url[256];        /* http://127.0.0.1:PORT */
        char bootstrap[256];  /* Kafka bootstrap the worker uses */
        char props_path[300];
        char **extra_args;    /* connector files given on the command line */
        int embedded;         /* in-process cluster: new address per start */
        long long fsize_limit; /* > 0: RLIMIT_FSIZE of the next start, a
                                * per-file size cap (writes past it fail as
                                * on a full disk) */
} worker_t;

/* Start a worker. `props` is extra worker.properties text (may be NULL);
 * listeners is set to an ephemeral port unless given; storage.path points
 * into the temp dir. extra_args: NULL-terminated connector config files (may
 * be NULL). Waits (deadline) until GET /health answers 200; aborts the test
 * with the worker's stderr tail on failure. */
worker_t *worker_start(const char *props, const char *const *extra_args);
/* Start a worker like worker_start without waiting for it: several then
 * start (and join their cluster) side by side. worker_wait_ready waits. */
worker_t *worker_spawn(const char *props, const char *const *extra_args);
void worker_wait_ready(worker_t *w);
/* Start again with the same dir/props (same SQLite file, same cluster). */
void worker_restart(worker_t *w);
/* SIGTERM and wait (bounded); returns the exit status (or -1). */
int worker_stop(worker_t *w);
/* SIGKILL and reap. */
void worker_kill9(worker_t *w);
/* Stop if running, remove the temp dir, free. */
void worker_free(worker_t *w);
/* Path of a file inside the worker's dir (static buffer per call site ok). */
const char *worker_path(const worker_t *w, const char *name, char *buf, size_t n);
/* The whole stderr (logs) of the worker so far; malloc'd. */
char *worker_stderr(const worker_t *w);

/* A stand-alone embedded cluster: `connectd --embedded-kafka-only`. */
typedef struct ekafka {
        pid_t pid;
        char bootstrap[256];
        char dir[256];
} ekafka_t;
ekafka_t *ekafka_start(void);
/* `connectd --embedded-kafka-only worker.properties` with that text: the
 * cluster pre-creates the internal topics the properties name. */
ekafka_t *ekafka_start_props(const char *worker_props);
void ekafka_stop(ekafka_t *k);

/* HTTP. path is relative to the worker URL ("/connectors"). body may be
 * NULL; content_type NULL means application/json when a body is given. */
typedef struct http_resp {
        long status;
        char *body;          /* NUL-terminated, never NULL */
        json_t *json;        /* parsed body or NULL */
        char *location;      /* Location header or NULL */
        char *content_type;  /* Content-Type header or NULL */
} http_resp_t;
http_resp_t *http_req(const worker_t *w, const char *method, const char *path,
                      const char *body, const char *content_type);
void http_resp_free(http_resp_t *r);
/* Convenience: request, check status, return parsed JSON (caller owns) or
 * NULL when the body was empty. Fails the test on a different status. */
json_t *http_json(const worker_t *w, const char *method, const char *path,
                  const char *body, long expect_status);
/* Percent-encode one path segment (malloc'd). */
char *url_escape(const char *s);

/* Wait until fn(arg) returns non-zero, polling every 50 ms, at most
 * timeout_ms (scaled). Returns 1 if it did, 0 on timeout. */
int wait_until(int (*fn)(void *arg), void *arg, int timeout_ms);
int scaled_ms(int ms);
/* Wait until GET /connectors/{name}/status shows the connector in `state`
 * and (ntasks >= 0) exactly ntasks tasks all in `task_state`. */
int wait_status(const worker_t *w, const char *name, const char *state,
                int ntasks, const char *task_state, int timeout_ms);

/* kcat: consume up to `count` records of `topic` from the beginning, waiting
 * at most timeout_ms (first for the cluster to list the topic: kcat asking
 * earlier would create it); fmt is a kcat -f format (NULL: "%k\t%s\n").
 * Returns kcat's stdout (malloc'd; "" when the topic never appeared). */
char *kcat_consume(const char *bootstrap, const char *topic, int count,
                   const char *fmt, int timeout_ms);
/* kcat -C -e -Z: every record of `topic` from the beginning until the end
 * of each partition, in format fmt (NULL: "%p|%o|%k|%S|%s\n": partition,
 * offset, key, value size (-1 for a tombstone), value). malloc'd; "" when
 * the cluster does not list the topic (kcat is not run: it would create
 * it). */
char *kcat_dump(const char *bootstrap, const char *topic, const char *fmt,
                int timeout_ms);
/* Records in `topic` (sum of high watermarks over its partitions), via
 * librdkafka metadata and watermark queries; -1 if the topic is unknown.
 * Cheap enough to poll with wait_until. */
long long topic_count(const char *bootstrap, const char *topic);

/* kcat: produce the lines of `data` (key and value split by `delim` if
 * non-zero) to topic. Returns kcat's exit status. */
int kcat_produce(const char *bootstrap, const char *topic, const char *data,
                 char delim);

/* Files. */
char *slurp(const char *path);          /* malloc'd or NULL */
/* Runs connectd with a worker.properties holding `props` (in a temporary
 * directory, 30 s at most); returns the exit code and the stderr text
 * (*err, malloc'd). For configs that must stop the start. */
int run_worker_config(const char *props, char **err);
int spit(const char *path, const char *data, int append);
char *tmpdir_new(const char *tag);      /* mkdtemp under $TMPDIR; malloc'd */
void rm_rf(const char *path);

/* s3rver: the real S3-compatible server of the S3 tests
 * (tests/integration/s3, from npm, pinned by its lockfile), on loopback. */
typedef struct s3srv {
        pid_t pid;
        int port;
        char data_dir[512];   /* its objects */
        char out_path[600];   /* its stdout (the port it took) */
        char app_dir[512];    /* the installed app, in the build tree */
} s3srv_t;
/* Installs s3rver into the build tree once (npm ci; skips the test when
 * node or npm is missing) and starts it with its objects under dir
 * (dir/s3data) and `buckets` (NULL-terminated) created. */
void s3srv_start(s3srv_t *s, const char *dir, const char *const *buckets);
/* Starts it again after s3srv_stop, on the same port and objects. */
void s3srv_restart(s3srv_t *s, const char *const *buckets);
void s3srv_stop(s3srv_t *s);

/* Java's Utils.murmur2, and the partition Java's (and librdkafka's
 * murmur2) partitioner gives a key among `parts`. */
uint32_t java_murmur2(const char *data, size_t len);
int java_partition(const char *key, int parts);

#endif
