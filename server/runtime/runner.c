/*
 * runner — one thread per task: the record loops.
 *
 * DESIGN
 * Source: poll the plugin into a per-batch arena -> key/value converters
 * write straight into one reusable payload buffer (chunks of ~4 MiB) ->
 * each topic's records are placed (keyed ones by the producer's own
 * murmur2 partitioner, given the topic's partition count), ordered by
 * partition (per-partition order kept) and handed to librdkafka one
 * rd_kafka_produce_batch call per partition (RD_KAFKA_MSG_F_COPY), so once
 * warm the loop allocates nothing per record of its own.
 * Source offsets of polled records go into a small map (partition ->
 * latest offset); every offset.flush.interval.ms, and at stop,
 * the producer is flushed and, once every record before it was delivered,
 * the map is written to the store: an offset is never committed before its
 * record is acknowledged by Kafka.
 * Sink: consumer group "connect-<name>", converters into an arena, plugin
 * put(), periodic flush(); consumer offsets are committed only after the
 * plugin's flush succeeded (also before partitions are revoked).
 *
 * Threads: everything here runs on the task's own thread, except
 * runner_task_stop/pause/wait_paused, which the connector thread calls.
 * A task that does not stop within task.shutdown.graceful.timeout.ms is
 * abandoned: marked FAILED, detached, and it frees itself if it ever
 * returns (reference count).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include "buf.h"
#include "cfgmap.h"
#include "config.h"
#include "converter.h"
#include "errors.h"
#include "header_converter.h"
#include "transform.h"
#include "runtime.h"
#include "topic_creation.h"
#include "record.h"
#include "kafka_log.h"
#include "mem.h"
#include "producers.h"
#include "canonical_json.h"

#define MAX_TOPIC_HANDLES 64
#define SINK_BATCH_MAX 500
/* How long a pausing source task waits for its delivery reports. */
#define PAUSE_FLUSH_MS 1000

LOG_MODULE_LOGGER(lg, "connectd.runner")

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long realtime_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void doing(task_t *t, const char *what)
{
        atomic_store_explicit(&t->doing, what, memory_order_relaxed);
}

/* Kept from the stop deadline for what follows the last flush: the
 * plugin's task_stop and closing the Kafka client. */
static long long stop_reserve_ms(const task_t *t)
{
        long long r = t->h->graceful_ms / 4;
        return r > 500 ? 500 : r;
}

/* `want` ms, or less when a stop deadline leaves less (never < 0). */
static long long stop_budget_ms(task_t *t, long long want)
{
        long long by = atomic_load(&t->stop_by_ms), left;

        if (!by)
                return want;
        left = by - realtime_ms() - stop_reserve_ms(t);
        if (left < 0)
                left = 0;
        return left < want ? left : want;
}

void task_release(task_t *t)
{
        if (!t || atomic_fetch_sub(&t->refcnt, 1) != 1)
                return;
        json_decref(t->config);
        json_decref(t->conn_config);
        json_decref(t->raw_config);
        json_decref(t->raw_conn_config);
        free(t->conn_name);
        free(t->trace);
        pthread_mutex_destroy(&t->mtx);
        pthread_cond_destroy(&t->cond);
        free(t);
}

static void task_signal(task_t *t)
{
        pthread_mutex_lock(&t->mtx);
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->mtx);
}

/* Parks the task while paused. Returns 1 if it should stop. */
static int pause_point(task_t *t)
{
        if (!atomic_load(&t->paused))
                return atomic_load(&t->stop);
        herder_task_set_state(t, "PAUSED", NULL);
        mem_thread_idle();
        pthread_mutex_lock(&t->mtx);
        atomic_store(&t->paused_ack, 1);
        pthread_cond_broadcast(&t->cond);
        while (atomic_load(&t->paused) && !atomic_load(&t->stop))
                pthread_cond_wait(&t->cond, &t->mtx);
        atomic_store(&t->paused_ack, 0);
        pthread_mutex_unlock(&t->mtx);
        mem_thread_busy();
        if (atomic_load(&t->stop))
                return 1;
        herder_task_set_state(t, "RUNNING", NULL);
        return 0;
}

/* Converter for key (is_key=1) or value: the connector's own setting wins,
 * with its own prefixed settings; else the worker's. */
static converter_t *make_converter(task_t *t, int is_key, char *errstr,
                                   size_t errstr_size)
{
        const char *which = is_key ? "key.converter" : "value.converter";
        const json_t *src = t->conn_config;
        const char *cls = json_string_value(json_object_get(src, which));
        char prefix[32];
        size_t plen;
        json_t *props = json_object();
        const char *key;
        json_t *val;
        converter_t *cv;

        if (!cls || !*cls) {
                src = t->h->props;
                cls = wc_get(src, which);
        }
        plen = (size_t)snprintf(prefix, sizeof(prefix), "%s.", which);
        json_object_foreach((json_t *)src, key, val) {
                if (!strncmp(key, prefix, plen) && json_is_string(val))
                        json_object_set(props, key + plen, val);
        }
        cv = converter_new(cls, props, is_key, errstr, errstr_size);
        json_decref(props);
        return cv;
}

/* The full Java class name of a configured converter (as error reports
 * name it): a simple name is resolved to its full name. */
static const char *converter_class(task_t *t, const char *which)
{
        const char *cls = json_string_value(json_object_get(t->conn_config,
                                                            which));
        size_t i, n;

        if (!cls || !*cls)
                cls = wc_get(t->h->props, which);
        if (!cls)
                return "null";
        while (*cls == ' ' || *cls == '\t')
                cls++;
        for (i = 0; converter_classes[i]; i++) {
                const char *full = converter_classes[i];
                const char *simple = strrchr(full, '.') + 1;

                n = strlen(simple);
                if (!strcmp(cls, full) ||
                    (!strncmp(cls, simple, n) &&
                     (cls[n] == '\0' || cls[n] == ' ' || cls[n] == '\t')))
                        return full;
        }
        return cls;
}

/* The header converter: header.converter of the connector with its
 * header.converter.* keys, else the worker's. Its class name into *cls. */
static hconv_t *make_hconv(task_t *t, const char **cls, char *errstr,
                           size_t errstr_size)
{
        const json_t *src = t->conn_config;
        const char *name = json_string_value(
                json_object_get(src, "header.converter"));
        json_t *props = json_object(), *val;
        const char *key;
        hconv_t *hc;
        size_t i, n;

        if (!name || !*name) {
                src = t->h->props;
                name = wc_get(src, "header.converter");
        }
        *cls = ERRORS_CLASS_SIMPLE_HEADER_CONVERTER;
        if (name && *name) {
                *cls = name;
                for (i = 0; converter_classes[i]; i++) {
                        const char *simple =
                                strrchr(converter_classes[i], '.') + 1;
                        n = strlen(simple);
                        if (!strncmp(name, simple, n) && !name[n])
                                *cls = converter_classes[i];
                }
        }
        json_object_foreach((json_t *)src, key, val) {
                if (!strncmp(key, "header.converter.", 17) &&
                    json_is_string(val))
                        json_object_set(props, key + 17, val);
        }
        hc = hconv_new(name && *name ? name : NULL, props, errstr,
                       errstr_size);
        json_decref(props);
        return hc;
}

/* The clock of a task's error handling: waits end early on a stop. */
static long long eclock_now(void *arg)
{
        (void)arg;
        return now_ms();
}

static int eclock_wait(void *arg, long long ms)
{
        task_t *t = arg;
        struct timespec ts;

        deadline_in(&ts, ms);
        pthread_mutex_lock(&t->mtx);
        while (!atomic_load(&t->stop) &&
               pthread_cond_timedwait(&t->cond, &t->mtx, &ts) != ETIMEDOUT)
                ;
        pthread_mutex_unlock(&t->mtx);
        return atomic_load(&t->stop);
}

/* The task's chain and error handling (trace set on failure: the task
 * goes FAILED with it). */
static int pipeline_start(task_t *t, int is_sink, xchain_t **chain,
                          errors_t **eo, char *trace, size_t trace_size)
{
        errors_config_t ecfg;
        errors_clock_t clk = { eclock_now, eclock_wait, t };
        char errstr[512];
        xerr_t xe;

        if (errors_config_parse(t->conn_config, is_sink, &ecfg, errstr,
                                sizeof(errstr))) {
                snprintf(trace, trace_size, XERR_CONFIG ": %s", errstr);
                return -1;
        }
        if (!(*eo = errors_new(&ecfg, t->conn_name, t->id, &clk))) {
                snprintf(trace, trace_size, "out of memory");
                return -1;
        }
        memset(&xe, 0, sizeof(xe));
        *chain = xchain_new(t->conn_config, &xe);
        if (!*chain) {
                if (xe.msg[0])
                        snprintf(trace, trace_size, "%s: %s",
                                 xe.cls[0] ? xe.cls : XERR_CONNECT, xe.msg);
                else
                        snprintf(trace, trace_size, XERR_CONNECT
                                 ": could not create the transformation "
                                 "chain");
                return -1;
        }
        return 0;
}

/* The chain as an error-handled operation: each attempt starts from the
 * record as the converters made it. */
typedef struct chain_call {
        xchain_t *chain;
        xrecord_t *x;
        xrecord_t orig;
        connect_header_t *hcopy; /* the original headers, in order */
        size_t nh;
        int attempts;
} chain_call_t;

static int chain_prepare(chain_call_t *cc, xchain_t *chain, xrecord_t *x)
{
        const connect_header_t *h;
        size_t i = 0;

        cc->chain = chain;
        cc->x = x;
        cc->orig = *x;
        cc->attempts = 0;
        cc->nh = x->headers.count;
        cc->hcopy = NULL;
        if (!cc->nh)
                return 0;
        cc->hcopy = arena_alloc(x->arena, cc->nh * sizeof(*cc->hcopy));
        if (!cc->hcopy)
                return -1;
        for (h = x->headers.head; h && i < cc->nh; h = h->next)
                cc->hcopy[i++] = *h;
        cc->nh = i;
        return 0;
}

static int chain_op(void *arg, const char **cls, xerr_t *err)
{
        chain_call_t *cc = arg;
        size_t i;

        if (cc->attempts++) {
                /* A retry: start again from the original record. */
                *cc->x = cc->orig;
                cc->x->headers.head = cc->x->headers.tail = NULL;
                cc->x->headers.count = 0;
                for (i = 0; i < cc->nh; i++) {
                        cc->hcopy[i].next = NULL;
                        if (cc->x->headers.tail)
                                cc->x->headers.tail->next = &cc->hcopy[i];
                        else
                                cc->x->headers.head = &cc->hcopy[i];
                        cc->x->headers.tail = &cc->hcopy[i];
                        cc->x->headers.count++;
                }
        }
        return xchain_apply(cc->chain, cc->x, cls, err);
}

static const connectd_value_t null_value = { .type = CONNECTD_VAL_NULL };

static void data_error(xerr_t *e, const char *msg)
{
        xerr_set(e, XERR_DATA, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* Source                                                              */

typedef struct topic_handle {
        char *name;
        rd_kafka_topic_t *rkt;
        int32_t nparts;           /* as the cluster last said; 0: unknown */
        int64_t parts_due;        /* when to ask again (now_ms) */
} topic_handle_t;

/* How long a task waits for a topic's partition count, and how soon it
 * asks again when it got none. */
#define PARTS_ASK_MS 500
#define PARTS_RETRY_MS 2000

typedef struct source {
        task_t *t;
        prod_task_t *pt;          /* the task's share of its producer */
        rd_kafka_t *rk;           /* that producer (maybe shared) */
        topic_handle_t topics[MAX_TOPIC_HANDLES];
        int ntopics;
        /* Written by the delivery reports (the producer's poll thread),
         * under the share's lock (prod_locked): */
        unsigned seen_gen;
        char *seen[8];            /* topics reported as used lately */
        int nseen;
        json_t *tolerated;        /* tolerated delivery failures, to log */
        converter_t *kc, *vc;
        hconv_t *hc;
        const char *kc_class, *vc_class, *hc_class;
        xchain_t *chain;          /* empty: no transforms (fast path) */
        errors_t *eo;
        buf_t hbuf;               /* one converted header value */
        batch_t *batch;
        buf_t pay;                /* converted keys and values of a chunk */
        struct pmsg *pm;          /* the chunk's records */
        rd_kafka_message_t *msgv; /* one topic's records, for librdkafka */
        struct pmsg **owners;     /* msgv[i] belongs to owners[i] */
        size_t chunk_cap;
        int *gstart;              /* per bucket, while grouping */
        int32_t gstart_cap;
        json_t *offsets;          /* canonical partition -> offset text */
        char *last_part_raw;      /* cache for canonicalisation */
        char *last_part_canon;
        char delivery_err[512];
        topic_creation_t *tc;     /* NULL: no topic creation */
        char tc_err[1024];        /* why topic_get gave NULL, if it did */
        int flushed_at_stop;
        void *state;
} source_t;

/* A delivery report of one of the task's records, on the producer's poll
 * thread with the share's lock held: only the fields marked above. */
static void dr_cb(void *arg, const rd_kafka_message_t *m)
{
        source_t *s = arg;
        const char *topic = rd_kafka_topic_name(m->rkt);
        int i;

        if (m->err) {
                xerr_t e;

                metrics_delivery_failed(&s->t->m, m->err);
                xerr_set(&e, "org.apache.kafka.common.KafkaException",
                         "Delivery to topic %s failed: %s", topic,
                         rd_kafka_err2str(m->err));
                if (errors_tolerate_all(s->eo)) {
                        /* Logged by the task thread; the record counts as
                         * done and its offset is committed. */
                        if (s->tolerated &&
                            json_array_size(s->tolerated) < 1000)
                                json_array_append_new(s->tolerated,
                                                      json_string(e.msg));
                        return;
                }
                LOG_ERROR(lg(), "Task %s-%d failed to send record to %s: %s",
                          s->t->conn_name, s->t->id, topic, e.msg);
                if (!s->delivery_err[0])
                        snprintf(s->delivery_err, sizeof(s->delivery_err),
                                 XERR_CONNECT ": Unrecoverable exception "
                                 "from producer send callback\n"
                                 "Caused by: %s: %s", e.cls, e.msg);
                /* Out of the plugin's sleep, to fail now. */
                atomic_store(&s->t->doomed, 1);
                task_signal(s->t);
                return;
        }
        metrics_delivered(&s->t->m);
        if (atomic_load(&s->t->h->topics_gen) != s->seen_gen) {
                /* A topics reset: report topics again as they are used. */
                s->seen_gen = atomic_load(&s->t->h->topics_gen);
                for (i = 0; i < s->nseen; i++)
                        free(s->seen[i]);
                s->nseen = 0;
        }
        for (i = 0; i < s->nseen; i++)
                if (!strcmp(s->seen[i], topic))
                        return;
        herder_topic_seen(s->t, topic);
        if (s->nseen == (int)(sizeof(s->seen) / sizeof(s->seen[0]))) {
                free(s->seen[0]);
                memmove(&s->seen[0], &s->seen[1],
                        (size_t)(s->nseen - 1) * sizeof(s->seen[0]));
                s->nseen--;
        }
        if ((s->seen[s->nseen] = strdup(topic)))
                s->nseen++;
}

/* The delivery failure that fails the task, if any (copied under the
 * share's lock); tolerated failures are logged here, on the task's
 * thread. */
typedef struct dr_take {
        source_t *s;
        char err[512];
        json_t *tolerated;
} dr_take_t;

static void dr_take_locked(void *arg)
{
        dr_take_t *d = arg;

        snprintf(d->err, sizeof(d->err), "%s", d->s->delivery_err);
        if (json_array_size(d->s->tolerated)) {
                d->tolerated = d->s->tolerated;
                d->s->tolerated = json_array();
        }
}

static int delivery_failed(source_t *s, char *errstr, size_t errstr_size)
{
        dr_take_t d = { .s = s };
        size_t i;
        json_t *v;

        if (!s->pt)
                return 0;
        prod_locked(s->pt, dr_take_locked, &d);
        json_array_foreach(d.tolerated, i, v) {
                xerr_t e;

                xerr_set(&e, "org.apache.kafka.common.KafkaException", "%s",
                         json_string_value(v));
                errors_begin_source(s->eo, NULL);
                errors_fail(s->eo, STAGE_KAFKA_PRODUCE,
                            ERRORS_CLASS_SOURCE_TASK, &e);
        }
        json_decref(d.tolerated);
        if (!d.err[0])
                return 0;
        if (errstr)
                snprintf(errstr, errstr_size, "%s", d.err);
        return 1;
}

static topic_handle_t *topic_get(source_t *s, const char *name)
{
        topic_handle_t *th;
        int i;

        for (i = 0; i < s->ntopics; i++)
                if (!strcmp(s->topics[i].name, name))
                        return &s->topics[i];
        if (s->ntopics == MAX_TOPIC_HANDLES) {
                /* Recycle the oldest handle; rare. */
                rd_kafka_topic_destroy(s->topics[0].rkt);
                free(s->topics[0].name);
                memmove(&s->topics[0], &s->topics[1],
                        (MAX_TOPIC_HANDLES - 1) * sizeof(s->topics[0]));
                s->ntopics--;
        }
        /* Topic creation (KIP-158) before any handle could auto-create. */
        if (topic_creation_ensure(s->tc, name, s->tc_err,
                                  sizeof(s->tc_err)))
                return NULL;
        kafka_topic_ensure(s->t->h->kf, name);
        th = &s->topics[s->ntopics];
        memset(th, 0, sizeof(*th));
        th->rkt = rd_kafka_topic_new(s->rk, name, NULL);
        if (!th->rkt)
                return NULL;
        th->name = strdup(name);
        if (!th->name) {
                rd_kafka_topic_destroy(th->rkt);
                return NULL;
        }
        s->ntopics++;
        return th;
}

/* Why topic_get gave no handle for `name`, in errstr. Returns -1. */
static int no_topic(const source_t *s, const char *name, char *errstr,
                    size_t errstr_size)
{
        if (s->tc_err[0])
                snprintf(errstr, errstr_size, "%s", s->tc_err);
        else
                snprintf(errstr, errstr_size, "cannot produce to topic %s: %s",
                         name, rd_kafka_err2str(rd_kafka_last_error()));
        return -1;
}

/* The topic's partition count as the cluster last said (0: not known,
 * librdkafka's partitioner places the records meanwhile), asked for again
 * once it is as old as the producer lets metadata get. */
static int32_t topic_partitions(source_t *s, topic_handle_t *th)
{
        const struct rd_kafka_metadata *md = NULL;
        int64_t now = now_ms();

        if (now < th->parts_due)
                return th->nparts;
        th->nparts = 0;
        th->parts_due = now + PARTS_RETRY_MS;
        if (rd_kafka_metadata(s->rk, 0, th->rkt, &md, PARTS_ASK_MS))
                return 0;
        if (md->topic_cnt == 1 && !md->topics[0].err &&
            md->topics[0].partition_cnt > 0) {
                th->nparts = md->topics[0].partition_cnt;
                th->parts_due = now + prod_metadata_age_ms(s->pt);
        }
        rd_kafka_metadata_destroy(md);
        return th->nparts;
}

static void remember_offset(source_t *s, const char *part, const char *off)
{
        if (!s->last_part_raw || strcmp(s->last_part_raw, part)) {
                char *canon = canonical_json(part);
                if (!canon)
                        return;
                free(s->last_part_raw);
                free(s->last_part_canon);
                s->last_part_raw = strdup(part);
                s->last_part_canon = canon;
        }
        /* A NULL offset deletes the partition's offset, as in Connect. */
        json_object_set_new(s->offsets, s->last_part_canon,
                            off ? json_string(off) : json_null());
}

/* Waits up to ms for the producer to deliver what it holds, in short
 * slices so that a stop (if `stoppable`) cuts it short. Returns the number
 * of records still undelivered. */
static int flush_for(source_t *s, long long ms, int stoppable)
{
        doing(s->t, "flushing the producer");
        /* The task's own records only: a shared producer's other tasks
         * are none of its business. */
        return prod_flush(s->pt, ms, stoppable ? &s->t->stop : NULL);
}

/* Flush the producer (up to flush_ms; < 0: flushed already), then commit
 * the offsets of everything delivered. Returns 0, or -1 (not committed: a
 * delivery failed, did not finish, or a stop came first). */
static int commit_offsets(source_t *s, long long flush_ms)
{
        task_t *t = s->t;
        struct timespec t0;
        int left;

        if (!json_object_size(s->offsets))
                return 0;
        left = flush_ms < 0 ? prod_inflight(s->pt)
                            : flush_for(s, flush_ms, 1);
        if (left > 0) {
                /* A stop cut the flush short: the stop's own flush and
                 * commit follow. */
                if (flush_ms >= 0 && !atomic_load(&t->stop))
                        LOG_WARN(lg(), "Task %s-%d: offset commit skipped: "
                                 "producer flush did not finish within "
                                 "%lld ms: %d records undelivered (Kafka at "
                                 "%s)",
                                 t->conn_name, t->id, flush_ms, left,
                                 kafka_bootstrap(t->h->kf));
                return -1;
        }
        if (delivery_failed(s, NULL, 0))
                return -1;
        doing(t, "committing source offsets");
        metrics_clock(&t0);
        if (herder_offsets_commit(t, s->offsets)) {
                metrics_commit(&t->m, 0, metrics_us_since(&t0));
                return -1;
        }
        metrics_commit(&t->m, 1, metrics_us_since(&t0));
        json_object_clear(s->offsets);
        if (t->desc->task_commit && s->state) {
                doing(t, "in the plugin's task_commit call");
                t->desc->task_commit(s->state);
        }
        return 0;
}

/* One record of a chunk: where its converted key and value sit in the
 * chunk's payload buffer, and whether librdkafka has taken it. */
typedef struct pmsg {
        connectd_record_t *rec;
        size_t koff, klen, voff, vlen;
        int knull, vnull, sent;
        int skip;                 /* dropped or failed: not produced, its
                                   * offset committable all the same */
        /* Records produced one by one (a chunk with transforms, headers
         * or timestamps): where they go; partition also for the others
         * (place, in produce_chunk). */
        const char *topic;
        int32_t partition;
        int64_t ts;               /* -1: none */
        rd_kafka_headers_t *hdrs; /* owned until librdkafka takes it */
} pmsg_t;

/* Bytes of converted records gathered before a chunk is handed over. */
#define CHUNK_BYTES ((size_t)4 << 20)

/* Topics of up to this many partitions are grouped (produce_chunk). */
#define GROUP_PARTS_MAX 65536

/* Hands msgs[0..k) to librdkafka, each run of one partition in one call;
 * runs without a partition go through its partitioner. Returns how many
 * it took (the others have their err set). */
static int hand_over(rd_kafka_topic_t *rkt, rd_kafka_message_t *msgs, int k)
{
        int a = 0, b, good = 0;

        while (a < k) {
                int32_t p = msgs[a].partition;

                for (b = a + 1; b < k && msgs[b].partition == p; b++)
                        ;
                good += rd_kafka_produce_batch(rkt,
                                               p >= 0 ? p
                                                      : RD_KAFKA_PARTITION_UA,
                                               RD_KAFKA_MSG_F_COPY, msgs + a,
                                               b - a);
                a = b;
        }
        return good;
}

/* Hands msgs[0..n) (all of one topic) to librdkafka a run of one
 * partition per call (see produce_chunk). Queue full: serve delivery
 * reports and retry the failed and the rest, in order (librdkafka fails a
 * suffix of a call). A partition the topic no longer has (it was made
 * again with fewer): forget the count, let the partitioner place the
 * records we placed. Returns 0, 1 when a stop interrupted, -1 with
 * errstr. */
static int produce_topic(source_t *s, topic_handle_t *th,
                         rd_kafka_message_t *msgs, pmsg_t **owners, int n,
                         char *errstr, size_t errstr_size)
{
        int i, left;
        /* At most a quarter of what the task may hold in flight per call,
         * so that the cap never stalls the pipeline. */
        int slice = prod_cap_slice(s->pt);

        while (n > 0) {
                int k = n < slice ? n : slice, good, gone = 0;

                if (prod_reserve(s->pt, k, &s->t->stop))
                        return 1;
                for (i = 0; i < k; i++)
                        msgs[i]._private = s->pt;
                good = hand_over(th->rkt, msgs, k);
                if (good < k)
                        prod_unreserve(s->pt, k - good);
                metrics_produced(&s->t->m, good);
                if (good == k) {
                        for (i = 0; i < k; i++)
                                owners[i]->sent = 1;
                        msgs += k;
                        owners += k;
                        n -= k;
                        continue;
                }
                for (i = 0, left = 0; i < k; i++) {
                        rd_kafka_resp_err_t err = msgs[i].err;
                        if (!err) {
                                owners[i]->sent = 1;
                                continue;
                        }
                        if (err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION &&
                            owners[i]->rec->partition < 0 &&
                            msgs[i].partition >= 0) {
                                th->nparts = 0;
                                th->parts_due = now_ms() + PARTS_RETRY_MS;
                                gone = 1;
                        } else if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                metrics_produce_error(&s->t->m);
                                snprintf(errstr, errstr_size,
                                         "produce to %s failed: %s", th->name,
                                         rd_kafka_err2str(err));
                                return -1;
                        }
                        msgs[left] = msgs[i];
                        owners[left++] = owners[i];
                }
                /* The untried rest follows the failed ones, in order. */
                for (i = k; i < n; i++) {
                        msgs[left] = msgs[i];
                        owners[left++] = owners[i];
                }
                n = left;
                if (gone) {
                        /* What we placed goes back to the partitioner. */
                        for (i = 0; i < n; i++)
                                if (owners[i]->rec->partition < 0)
                                        msgs[i].partition =
                                                RD_KAFKA_PARTITION_UA;
                        continue;
                }
                /* Queue full: wait for a delivery report, but give way to
                 * a stop (unsent records' offsets stay behind). */
                prod_wait(s->pt, 50, &s->t->stop);
                if (atomic_load(&s->t->stop))
                        return 1;
        }
        return 0;
}

static void fill_msg(const source_t *s, const pmsg_t *m,
                     rd_kafka_message_t *km)
{
        memset(km, 0, sizeof(*km));
        km->partition = m->partition;
        km->payload = m->vnull ? NULL : s->pay.data + m->voff;
        km->len = m->vnull ? 0 : m->vlen;
        km->key = m->knull ? NULL : s->pay.data + m->koff;
        km->key_len = m->knull ? 0 : m->klen;
}

/* The partition pm goes to: its own, or, for a keyed record without one
 * in a topic of np partitions (np > 0: grouped), Java's murmur2 of its key
 * as the producer's partitioner would place it. */
static int32_t place(const source_t *s, const pmsg_t *pm, int32_t np)
{
        int32_t p = pm->rec->partition;

        if (p < 0 && np > 0 && !pm->knull)
                p = kafka_murmur2_partition(s->pay.data + pm->koff, pm->klen,
                                            np);
        return p;
}

/* pm's bucket: one per partition of a grouped topic and one more for the
 * unplaced records and partitions the topic does not have; one per
 * ungrouped topic; the last for the records not slotted. */
static int bucket(const int *base, const int32_t *np, int slot, int32_t p)
{
        if (slot >= BATCH_TOPICS || !np[slot])
                return base[slot];
        return base[slot] + (p >= 0 && p < np[slot] ? p : np[slot]);
}

/*
 * Produces pm[0..n) (converted into s->pay). One counting sort puts the
 * records into msgv by the batch's topic slot and, within a topic, by
 * partition, keeping their order within each: then every run of one
 * partition goes to librdkafka in one call down its short path (one
 * partition lookup and one clock read per call) instead of through its
 * partitioner (a lookup, a clock read and reference counting per record,
 * and the partitions' locks taken in turn). The partitions come from
 * place(); a topic is grouped when the producer's partitioner is Java's
 * murmur2 (which place repeats) and the topic's partition count is known;
 * otherwise its records stay in order for the partitioner. Records of
 * topics beyond the slots go one by one.
 */
static int produce_chunk(source_t *s, pmsg_t *pm, int n, char *errstr,
                         size_t errstr_size)
{
        const batch_t *b = s->batch;
        topic_handle_t *th[BATCH_TOPICS];
        int32_t np[BATCH_TOPICS];
        int cnt[BATCH_TOPICS + 1] = { 0 }, base[BATCH_TOPICS + 1];
        int first[BATCH_TOPICS + 1], *at;
        int slot, i, k, nb = 0, rc;
        int murmur2 = prod_places_murmur2(s->pt);

        for (i = 0; i < n; i++)
                cnt[pm[i].rec->topic_slot]++;
        for (slot = 0; slot < b->ntopics; slot++) {
                np[slot] = 0;
                base[slot] = nb;
                if (!cnt[slot]) {
                        nb++;
                        continue;
                }
                th[slot] = topic_get(s, b->topics[slot]);
                if (!th[slot])
                        return no_topic(s, b->topics[slot], errstr,
                                        errstr_size);
                if (murmur2)
                        np[slot] = topic_partitions(s, th[slot]);
                if (np[slot] < 0 || np[slot] > GROUP_PARTS_MAX)
                        np[slot] = 0;
                nb += np[slot] ? np[slot] + 1 : 1;
        }
        base[BATCH_TOPICS] = nb++;
        if (nb + 1 > s->gstart_cap) {
                at = realloc(s->gstart, (size_t)(nb + 1) * sizeof(*at));
                if (!at) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                s->gstart = at;
                s->gstart_cap = nb + 1;
        }
        at = s->gstart;
        memset(at, 0, (size_t)(nb + 1) * sizeof(*at));
        for (i = 0; i < n; i++) {
                slot = pm[i].rec->topic_slot;
                pm[i].partition = slot < BATCH_TOPICS
                                          ? place(s, &pm[i], np[slot])
                                          : pm[i].rec->partition;
                at[bucket(base, np, slot, pm[i].partition) + 1]++;
        }
        for (k = 0; k < nb; k++)
                at[k + 1] += at[k];
        for (slot = 0; slot < b->ntopics; slot++)
                first[slot] = at[base[slot]];
        first[BATCH_TOPICS] = at[base[BATCH_TOPICS]];
        for (i = 0; i < n; i++) {
                slot = pm[i].rec->topic_slot;
                k = at[bucket(base, np, slot, pm[i].partition)]++;
                fill_msg(s, &pm[i], &s->msgv[k]);
                s->owners[k] = &pm[i];
        }
        for (slot = 0; slot < b->ntopics; slot++) {
                if (!cnt[slot])
                        continue;
                rc = produce_topic(s, th[slot], s->msgv + first[slot],
                                   s->owners + first[slot], cnt[slot], errstr,
                                   errstr_size);
                if (rc)
                        return rc;
        }
        /* Not slotted (many topics in one batch): one by one. */
        for (i = first[BATCH_TOPICS]; i < n; i++) {
                const char *topic = s->owners[i]->rec->topic;
                topic_handle_t *t = topic_get(s, topic);

                if (!t)
                        return no_topic(s, topic, errstr, errstr_size);
                rc = produce_topic(s, t, s->msgv + i, s->owners + i, 1,
                                   errstr, errstr_size);
                if (rc)
                        return rc;
        }
        return 0;
}

/* Remembers the source offsets of pm[0..n) in order, up to the first
 * record librdkafka did not take: a later offset is never remembered
 * before an earlier record is on its way. */
static void remember_chunk(source_t *s, const pmsg_t *pm, int n)
{
        /* Only the last offset of each partition counts: walk back from
         * the last record sent and set each partition once (a chunk of a
         * few partitions costs a few sets, not one per record). */
        const char *done[16];
        int i, j, ndone = 0, sent = 0;

        while (sent < n && pm[sent].sent)
                sent++;
        for (i = sent - 1; i >= 0; i--) {
                const char *part = pm[i].rec->source_partition;

                if (!part)
                        continue;
                for (j = 0; j < ndone; j++)
                        if (done[j] == part || !strcmp(done[j], part))
                                break;
                if (j < ndone)
                        continue;
                if (ndone == (int)(sizeof(done) / sizeof(done[0]))) {
                        /* Many partitions: in order, every record. */
                        for (j = 0; j < sent; j++)
                                if (pm[j].rec->source_partition)
                                        remember_offset(
                                                s,
                                                pm[j].rec->source_partition,
                                                pm[j].rec->source_offset);
                        return;
                }
                done[ndone++] = part;
                remember_offset(s, part, pm[i].rec->source_offset);
        }
}

/* Grows the per-chunk arrays to hold n records. */
static int chunk_reserve(source_t *s, size_t n)
{
#define GROW(field)                                                           \
        do {                                                                  \
                void *q_ = realloc(s->field, n * sizeof(*s->field));          \
                if (!q_)                                                      \
                        return -1;                                            \
                s->field = q_;                                                \
        } while (0)
        if (n <= s->chunk_cap)
                return 0;
        GROW(pm);
        GROW(msgv);
        GROW(owners);
#undef GROW
        s->chunk_cap = n;
        return 0;
}

/* Hands m (one record) to librdkafka with its topic, partition,
 * timestamp and headers. Queue full: serve delivery reports and retry.
 * 0, 1 when a stop interrupted, -1 with errstr. */
static int produce_one(source_t *s, pmsg_t *m, char *errstr,
                       size_t errstr_size)
{
        topic_handle_t *th = topic_get(s, m->topic);
        rd_kafka_topic_t *rkt;
        rd_kafka_resp_err_t err;

        if (!th)
                return no_topic(s, m->topic, errstr, errstr_size);
        rkt = th->rkt;
        for (;;) {
                /* The payload pointers are taken now: pay does not move
                 * while a chunk is produced. */
                if (prod_reserve(s->pt, 1, &s->t->stop))
                        return 1;
                const void *k = m->knull ? NULL : s->pay.data + m->koff;
                void *v = m->vnull ? NULL : s->pay.data + m->voff;

                if (m->hdrs)
                        err = rd_kafka_producev(
                                s->rk, RD_KAFKA_V_RKT(rkt),
                                RD_KAFKA_V_PARTITION(m->partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(k, m->knull ? 0 : m->klen),
                                RD_KAFKA_V_VALUE(v, m->vnull ? 0 : m->vlen),
                                RD_KAFKA_V_TIMESTAMP(m->ts > 0 ? m->ts : 0),
                                RD_KAFKA_V_HEADERS(m->hdrs),
                                RD_KAFKA_V_OPAQUE(s->pt), RD_KAFKA_V_END);
                else
                        err = rd_kafka_producev(
                                s->rk, RD_KAFKA_V_RKT(rkt),
                                RD_KAFKA_V_PARTITION(m->partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(k, m->knull ? 0 : m->klen),
                                RD_KAFKA_V_VALUE(v, m->vnull ? 0 : m->vlen),
                                RD_KAFKA_V_TIMESTAMP(m->ts > 0 ? m->ts : 0),
                                RD_KAFKA_V_OPAQUE(s->pt), RD_KAFKA_V_END);
                if (err)
                        prod_unreserve(s->pt, 1);
                if (!err) {
                        m->hdrs = NULL; /* librdkafka's now */
                        m->sent = 1;
                        metrics_produced(&s->t->m, 1);
                        return 0;
                }
                if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                        metrics_produce_error(&s->t->m);
                        snprintf(errstr, errstr_size,
                                 "produce to %s failed: %s", m->topic,
                                 rd_kafka_err2str(err));
                        return -1;
                }
                prod_wait(s->pt, 50, &s->t->stop);
                if (atomic_load(&s->t->stop))
                        return 1;
        }
}

/* Produces pm[0..n) one by one, in order (skipped records left out). */
static int produce_ordered(source_t *s, pmsg_t *pm, int n, char *errstr,
                           size_t errstr_size)
{
        int i, rc;

        for (i = 0; i < n; i++) {
                if (pm[i].skip)
                        continue;
                rc = produce_one(s, &pm[i], errstr, errstr_size);
                if (rc)
                        return rc;
        }
        return 0;
}

/* Frees what librdkafka did not take. */
static void chunk_release(pmsg_t *pm, int n)
{
        int i;

        for (i = 0; i < n; i++)
                if (pm[i].hdrs) {
                        rd_kafka_headers_destroy(pm[i].hdrs);
                        pm[i].hdrs = NULL;
                }
}

/* Converts rec's headers into m->hdrs. 0, 1 (record failed, tolerated)
 * or -1 with errstr (the task fails). */
static int convert_headers(source_t *s, pmsg_t *m, const char *topic,
                           const header_list_t *hl, char *errstr,
                           size_t errstr_size)
{
        const connect_header_t *h;
        char cerr[1024];

        m->hdrs = rd_kafka_headers_new(hl->count);
        if (!m->hdrs) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        for (h = hl->head; h; h = h->next) {
                int is_null = 0;

                buf_reset(&s->hbuf);
                cerr[0] = '\0';
                if (hconv_from_connect(s->hc, topic, h->name, h->schema,
                                       h->value, &s->hbuf, &is_null, cerr,
                                       sizeof(cerr))) {
                        xerr_t e;
                        int rc;

                        data_error(&e, cerr);
                        rc = errors_fail(s->eo, STAGE_HEADER_CONVERTER,
                                         s->hc_class, &e);
                        if (rc == ERRORS_FATAL) {
                                snprintf(errstr, errstr_size, "%s",
                                         errors_trace(s->eo));
                                return -1;
                        }
                        return 1;
                }
                rd_kafka_header_add(m->hdrs, h->name, -1,
                                    is_null ? NULL : s->hbuf.data,
                                    is_null ? 0 : (ssize_t)s->hbuf.len);
        }
        return 0;
}

/* One polled record into m: transforms (when any), header, key and value
 * converters. 0 (m ready, or m->skip set for a dropped or tolerated
 * record), or -1 with errstr (the task fails). */
static int convert_record(source_t *s, pmsg_t *m, int plain, char *errstr,
                          size_t errstr_size)
{
        connectd_record_t *rec = m->rec;
        xrecord_t x;
        const xrecord_t *r = &x;
        char cerr[1024];
        xerr_t e;
        int rc;

        errors_begin_source(s->eo, rec);
        x.topic = rec->topic;
        x.partition = rec->partition;
        x.key_schema = rec->key_schema;
        x.key = rec->key;
        x.value_schema = rec->value_schema;
        x.value = rec->value;
        x.has_timestamp = rec->has_timestamp;
        x.timestamp = rec->timestamp;
        x.headers = rec->headers;
        if (!plain) {
                chain_call_t cc;

                x.is_sink = 0;
                x.offset = -1;
                x.timestamp_type = 0;
                x.arena = s->batch->arena;
                if (chain_prepare(&cc, s->chain, &x)) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                rc = errors_execute(s->eo, STAGE_TRANSFORMATION, NULL,
                                    chain_op, &cc);
                if (rc == ERRORS_FATAL) {
                        snprintf(errstr, errstr_size, "%s",
                                 errors_trace(s->eo));
                        return -1;
                }
                if (rc < 0 || rc == XFORM_DROP)
                        goto skip;
        }
        m->topic = r->topic;
        m->partition = r->partition >= 0 ? r->partition
                                         : RD_KAFKA_PARTITION_UA;
        m->ts = r->has_timestamp && r->timestamp >= 0 ? r->timestamp : -1;
        if (r->headers.count) {
                rc = convert_headers(s, m, r->topic, &r->headers, errstr,
                                     errstr_size);
                if (rc < 0)
                        return -1;
                if (rc)
                        goto skip;
        }
        m->koff = s->pay.len;
        cerr[0] = '\0';
        if (converter_from_connect_schema(s->kc, r->topic, r->key_schema,
                                          r->key, &s->pay, &m->knull, cerr,
                                          sizeof(cerr))) {
                s->pay.len = m->koff;
                data_error(&e, cerr);
                rc = errors_fail(s->eo, STAGE_KEY_CONVERTER, s->kc_class, &e);
                goto failed;
        }
        m->klen = s->pay.len - m->koff;
        m->voff = s->pay.len;
        if (rec->value_json && plain) {
                /* Written by the plugin as the schemaless JsonConverter
                 * would (the batch's value_json_ok): no value tree. */
                m->vnull = 0;
                if (buf_append(&s->pay, rec->value_json,
                               rec->value_json_len)) {
                        s->pay.len = m->koff;
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
        } else if (converter_from_connect_schema(
                           s->vc, r->topic, r->value_schema, r->value,
                           &s->pay, &m->vnull, cerr, sizeof(cerr))) {
                s->pay.len = m->koff;
                data_error(&e, cerr);
                rc = errors_fail(s->eo, STAGE_VALUE_CONVERTER, s->vc_class,
                                 &e);
                goto failed;
        }
        m->vlen = s->pay.len - m->voff;
        return 0;
failed:
        if (rc == ERRORS_FATAL) {
                snprintf(errstr, errstr_size, "%s", errors_trace(s->eo));
                return -1;
        }
skip:
        if (m->hdrs) {
                rd_kafka_headers_destroy(m->hdrs);
                m->hdrs = NULL;
        }
        /* Not produced; its offset is committable in order all the
         * same. */
        m->skip = 1;
        m->sent = 1;
        metrics_skipped(&s->t->m, 1);
        return 0;
}

/* Sends one polled batch: converts records into one payload buffer and
 * hands them over in chunks of about CHUNK_BYTES. Without transforms,
 * headers and timestamps, a chunk goes per topic in one
 * rd_kafka_produce_batch call; otherwise record by record, in order.
 * Returns 0, 1 when interrupted by a stop, or -1 with errstr. */
static int produce_batch(source_t *s, char *errstr, size_t errstr_size)
{
        const batch_t *b = s->batch;
        connectd_record_t *rec = b->head;
        int plain = xchain_empty(s->chain);

        if (chunk_reserve(s, b->count)) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        while (rec) {
                int n = 0, rc, ordered = !plain;

                buf_reset(&s->pay);
                for (; rec && (n == 0 || s->pay.len < CHUNK_BYTES);
                     rec = rec->next) {
                        pmsg_t *m = &s->pm[n++];

                        m->rec = rec;
                        m->sent = 0;
                        m->skip = 0;
                        m->hdrs = NULL;
                        if (convert_record(s, m, plain, errstr,
                                           errstr_size)) {
                                char perr[512];

                                /* The records before it still go out, as
                                 * Java sends each one as it comes. */
                                n--;
                                if (ordered)
                                        produce_ordered(s, s->pm, n, perr,
                                                        sizeof(perr));
                                else
                                        produce_chunk(s, s->pm, n, perr,
                                                      sizeof(perr));
                                chunk_release(s->pm, n + 1);
                                remember_chunk(s, s->pm, n);
                                return -1;
                        }
                        if (m->hdrs || m->ts >= 0 || m->skip)
                                ordered = 1;
                }
                if (ordered)
                        rc = produce_ordered(s, s->pm, n, errstr,
                                             errstr_size);
                else
                        rc = produce_chunk(s, s->pm, n, errstr, errstr_size);
                chunk_release(s->pm, n);
                remember_chunk(s, s->pm, n);
                if (rc)
                        return rc;
        }
        return 0;
}

/* Before a pause parks the task: serve the delivery reports of what was
 * produced (a short wait), so that its metrics and health are final while
 * it is paused. Returns 0. */
static int pause_flush(source_t *s)
{
        if (s->pt && prod_inflight(s->pt) > 0)
                flush_for(s, stop_budget_ms(s->t, PAUSE_FLUSH_MS), 1);
        return 0;
}

/* The producer's statistics (a shared producer's cover every task on it). */
static void source_stats_cb(void *arg, const client_stats_t *cs)
{
        source_t *s = arg;

        metrics_stats_apply(&s->t->m, cs);
}

static void source_run(task_t *t)
{
        source_t s;
        char errstr[1024] = "";
        char client_id[300];
        int64_t last_commit;
        struct timespec pt;
        int i, failed = 0, started = 0;

        memset(&s, 0, sizeof(s));
        s.t = t;
        s.offsets = json_object();
        s.tolerated = json_array();
        buf_init(&s.pay, 0);
        s.batch = batch_new();
        if (!s.batch || !s.offsets) {
                snprintf(errstr, sizeof(errstr), "out of memory");
                goto fail;
        }
        buf_init(&s.hbuf, 0);
        if (!(s.kc = make_converter(t, 1, errstr, sizeof(errstr))) ||
            !(s.vc = make_converter(t, 0, errstr, sizeof(errstr))) ||
            !(s.hc = make_hconv(t, &s.hc_class, errstr, sizeof(errstr))))
                goto fail;
        s.kc_class = converter_class(t, "key.converter");
        s.vc_class = converter_class(t, "value.converter");
        if (pipeline_start(t, 0, &s.chain, &s.eo, errstr, sizeof(errstr)))
                goto fail;
        /* Values as JSON text only where nothing else reads them: no
         * transforms, and no error log that prints the record. */
        s.batch->value_json_ok = xchain_empty(s.chain) &&
                                 converter_is_schemaless_json(s.vc) &&
                                 !errors_logs_messages(s.eo);
        if (topic_creation_new(t->h->kf, t->h->props, t->conn_config,
                               &s.tc, errstr, sizeof(errstr)))
                goto fail;
        snprintf(client_id, sizeof(client_id), "connector-producer-%s-%d",
                 t->conn_name, t->id);
        s.pt = prod_acquire(t->h->kf, t->conn_config, client_id, dr_cb, &s,
                            errstr, sizeof(errstr));
        if (!s.pt)
                goto fail;
        s.rk = prod_rk(s.pt);
        if (metrics_on)
                prod_on_stats(s.pt, source_stats_cb);
        doing(t, "in the plugin's task_start call");
        if (t->desc->task_start(&t->ctx, cfgmap_of(t->config), &s.state,
                                errstr, sizeof(errstr))) {
                if (!*errstr)
                        snprintf(errstr, sizeof(errstr), "task start failed");
                goto fail;
        }
        started = 1;
        herder_task_set_state(t, "RUNNING", NULL);
        last_commit = now_ms();

        while (!(atomic_load(&t->paused) && pause_flush(&s)) &&
               !pause_point(t)) {
                int n;
                int64_t polled_at = now_ms();

                batch_reset(s.batch);
                doing(t, "in the plugin's task_poll call");
                metrics_clock(&pt);
                n = t->desc->task_poll(s.state, s.batch, errstr,
                                       sizeof(errstr));
                metrics_source_polled(&t->m, n, metrics_us_since(&pt));
                if (n < 0) {
                        if (!*errstr)
                                snprintf(errstr, sizeof(errstr),
                                         "poll failed");
                        failed = 1;
                        break;
                }
                if (s.batch->count) {
                        int prc;
                        doing(t, "handing records to the producer");
                        prc = produce_batch(&s, errstr, sizeof(errstr));
                        if (prc < 0)
                                failed = 1;
                        if (prc)
                                break;
                }
                /* Nothing polled and the plugin did not rest itself: a
                 * short rest (a delivery report or a stop ends it). */
                if (!s.batch->count && now_ms() - polled_at < 5)
                        prod_wait(s.pt, 5, &t->stop);
                if (delivery_failed(&s, errstr, sizeof(errstr))) {
                        failed = 1;
                        break;
                }
                metrics_tick(&t->m, s.eo);
                if (now_ms() - last_commit >= t->h->flush_interval_ms) {
                        commit_offsets(&s, t->h->flush_timeout_ms);
                        last_commit = now_ms();
                }
        }
        /* Stop: deliver what was produced, commit, then stop the plugin;
         * the flush gets what the stop deadline leaves (one flush, one
         * wait, never one per step). */
        if (!failed || !delivery_failed(&s, NULL, 0)) {
                long long budget = stop_budget_ms(t, t->h->flush_timeout_ms);
                int left = flush_for(&s, budget, 0);

                s.flushed_at_stop = 1;
                if (left > 0)
                        LOG_WARN(lg(), "Task %s-%d: producer flush did not "
                                 "finish within %lld ms: %d records "
                                 "undelivered (Kafka at %s); their source "
                                 "offsets are not committed",
                                 t->conn_name, t->id, budget, left,
                                 kafka_bootstrap(t->h->kf));
                else
                        commit_offsets(&s, -1);
        }
        doing(t, "in the plugin's task_stop call");
        t->desc->task_stop(s.state);
        started = 0;
        if (failed)
                goto fail;
        goto out;
fail:
        if (started) {
                doing(t, "in the plugin's task_stop call");
                t->desc->task_stop(s.state);
        }
        herder_task_set_state(t, "FAILED", errstr);
out:
        /* Deliver (or give up on) what is in flight while the topic
         * handles the delivery callback looks at still exist. A commit at
         * stop has flushed already; never wait twice. */
        if (s.pt && !s.flushed_at_stop)
                flush_for(&s, stop_budget_ms(t, t->h->flush_timeout_ms), 0);
        doing(t, "closing the producer");
        /* No more reports for this task from here on; what is still in
         * flight is given up (its offsets stay uncommitted): a producer of
         * its own is purged, a shared one is left alone. */
        for (i = 0; i < s.ntopics; i++) {
                rd_kafka_topic_destroy(s.topics[i].rkt);
                free(s.topics[i].name);
        }
        prod_release(s.pt);
        topic_creation_free(s.tc);
        converter_destroy(s.kc);
        converter_destroy(s.vc);
        hconv_destroy(s.hc);
        xchain_free(s.chain);
        errors_free(s.eo, 0);
        buf_free(&s.hbuf);
        batch_destroy(s.batch);
        buf_free(&s.pay);
        free(s.pm);
        free(s.msgv);
        free(s.owners);
        free(s.gstart);
        json_decref(s.offsets);
        free(s.last_part_raw);
        free(s.last_part_canon);
        for (i = 0; i < s.nseen; i++)
                free(s.seen[i]);
        json_decref(s.tolerated);
}

/* ------------------------------------------------------------------ */
/* Sink                                                                */

typedef struct sink {
        task_t *t;
        rd_kafka_t *rk;
        converter_t *kc, *vc;
        hconv_t *hc;
        const char *kc_class, *vc_class, *hc_class;
        xchain_t *chain;
        errors_t *eo;
        arena_t *arena;
        rd_kafka_topic_partition_list_t *pending; /* next offsets */
        void *state;
        int failed;
        int tolerance_failed; /* failed by errors.tolerance */
        int overrides;        /* REST-set offsets applied, not committed */
        char errstr[1024];
        json_t *seen;
} sink_t;

/* Flush the plugin, then commit. 0 or -1 (s->failed set). */
static int sink_commit(sink_t *s)
{
        rd_kafka_resp_err_t err;
        struct timespec t0;

        if (!s->pending || s->pending->cnt == 0 || !s->state)
                return 0;
        doing(s->t, "in the plugin's task_flush call");
        if (s->t->desc->task_flush &&
            s->t->desc->task_flush(s->state, s->errstr, sizeof(s->errstr))) {
                if (!s->errstr[0])
                        snprintf(s->errstr, sizeof(s->errstr),
                                 "flush failed");
                s->failed = 1;
                return -1;
        }
        /* Failed records sent to the DLQ are there before the offsets
         * move past them. */
        doing(s->t, "flushing the dead letter queue producer");
        if (errors_dlq_flush(s->eo, (int)stop_budget_ms(
                                            s->t, s->t->h->flush_timeout_ms)))
                LOG_WARN(lg(), "Task %s-%d: records for the dead letter "
                         "queue still undelivered at the offset commit",
                         s->t->conn_name, s->t->id);
        doing(s->t, "committing consumer offsets");
        metrics_clock(&t0);
        err = rd_kafka_commit(s->rk, s->pending, 0);
        if (metrics_on) {
                MADD(s->t->m.commit_seq, 1);
                metrics_commit(&s->t->m, !err ||
                                       err == RD_KAFKA_RESP_ERR__NO_OFFSET,
                               metrics_us_since(&t0));
        }
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
                LOG_WARN(lg(), "Committing consumer offsets failed: %s",
                         rd_kafka_err2str(err));
        else if (!err && s->overrides) {
                /* The group now holds what REST asked for. */
                char errstr[256];
                if (offset_store_delete_all(s->t->h->os, s->t->conn_name,
                                            errstr, sizeof(errstr)) == 0)
                        s->overrides = 0;
        }
        rd_kafka_topic_partition_list_destroy(s->pending);
        s->pending = rd_kafka_topic_partition_list_new(16);
        return 0;
}

/* Offsets set over REST while the connector was stopped (herder.c keeps
 * them in the store): start the assigned partitions there. */
static void apply_offset_overrides(sink_t *s, rd_kafka_topic_partition_list_t *parts)
{
        char errstr[256];
        int i;

        for (i = 0; i < parts->cnt; i++) {
                rd_kafka_topic_partition_t *p = &parts->elems[i];
                json_t *key = json_pack("{s:s, s:i}", "kafka_topic", p->topic,
                                        "kafka_partition", (int)p->partition);
                char *k = json_dumps(key, JSON_COMPACT | JSON_SORT_KEYS);
                char *off = NULL;

                json_decref(key);
                if (k && offset_store_get(s->t->h->os, s->t->conn_name, k,
                                          &off, errstr, sizeof(errstr)) == 0 &&
                    off) {
                        json_t *o = json_loads(off, 0, NULL);
                        json_int_t v = json_integer_value(
                                json_object_get(o, "kafka_offset"));
                        p->offset = v < 0 ? RD_KAFKA_OFFSET_BEGINNING : v;
                        s->overrides = 1;
                        LOG_INFO(lg(), "Starting %s-%d at offset %lld (set "
                                 "over REST)", p->topic, (int)p->partition,
                                 (long long)v);
                        json_decref(o);
                }
                free(off);
                free(k);
        }
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
        sink_t *s = opaque;

        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                LOG_INFO(lg(), "Task %s-%d: %d partition(s) assigned",
                         s->t->conn_name, s->t->id, parts->cnt);
                apply_offset_overrides(s, parts);
                rd_kafka_assign(rk, parts);
                if (metrics_on)
                        MSET(s->t->m.partition_count, parts->cnt);
                if (atomic_load(&s->t->paused))
                        rd_kafka_pause_partitions(rk, parts);
        } else {
                if (!s->failed)
                        sink_commit(s);
                rd_kafka_assign(rk, NULL);
                if (metrics_on)
                        MSET(s->t->m.partition_count, 0);
        }
}

static int sink_stats_cb(rd_kafka_t *rk, char *json, size_t len,
                         void *opaque)
{
        sink_t *s = opaque;

        (void)rk;
        metrics_stats(&s->t->m, json, len);
        return 0;
}

static int subscribe(sink_t *s, char *errstr, size_t errstr_size)
{
        const char *topics = json_string_value(
                json_object_get(s->t->conn_config, "topics"));
        const char *regex = json_string_value(
                json_object_get(s->t->conn_config, "topics.regex"));
        rd_kafka_topic_partition_list_t *l =
                rd_kafka_topic_partition_list_new(4);
        rd_kafka_resp_err_t err;

        if (topics && *topics) {
                char *copy = strdup(topics), *save = NULL, *tok;
                for (tok = strtok_r(copy, ",", &save); tok;
                     tok = strtok_r(NULL, ",", &save)) {
                        while (*tok == ' ')
                                tok++;
                        size_t len = strlen(tok);
                        while (len && tok[len - 1] == ' ')
                                tok[--len] = '\0';
                        if (*tok) {
                                kafka_topic_ensure(s->t->h->kf, tok);
                                rd_kafka_topic_partition_list_add(
                                        l, tok, RD_KAFKA_PARTITION_UA);
                        }
                }
                free(copy);
        } else if (regex && *regex) {
                size_t len = strlen(regex) + 2;
                char *re = malloc(len);
                snprintf(re, len, "^%s", regex);
                rd_kafka_topic_partition_list_add(l, re,
                                                  RD_KAFKA_PARTITION_UA);
                free(re);
        }
        err = rd_kafka_subscribe(s->rk, l);
        rd_kafka_topic_partition_list_destroy(l);
        if (err) {
                snprintf(errstr, errstr_size, "subscribe failed: %s",
                         rd_kafka_err2str(err));
                return -1;
        }
        return 0;
}

static void pending_set(sink_t *s, const char *topic, int32_t partition,
                        int64_t next)
{
        rd_kafka_topic_partition_t *p =
                rd_kafka_topic_partition_list_find(s->pending, topic,
                                                   partition);
        if (!p)
                p = rd_kafka_topic_partition_list_add(s->pending, topic,
                                                      partition);
        p->offset = next;
}

static void sink_set_paused(sink_t *s, int paused)
{
        rd_kafka_topic_partition_list_t *a = NULL;

        if (rd_kafka_assignment(s->rk, &a) || !a)
                return;
        if (paused)
                rd_kafka_pause_partitions(s->rk, a);
        else
                rd_kafka_resume_partitions(s->rk, a);
        rd_kafka_topic_partition_list_destroy(a);
}

/* Consumed message -> key, value, header converters -> transforms ->
 * *r. 0: r is to be put; 1: dropped or failed and tolerated; -1: the
 * task fails (s->errstr holds the trace). */
static int sink_record_make(sink_t *s, const rd_kafka_message_t *m,
                            struct connectd_sink_record *r)
{
        const char *topic = rd_kafka_topic_name(m->rkt);
        const connect_schema_t *ks = NULL, *vs = NULL;
        connectd_value_t *key, *value;
        rd_kafka_headers_t *mh = NULL;
        rd_kafka_timestamp_type_t tst;
        xrecord_t x;
        xerr_t e;
        char errstr[1024];
        int rc;

        errors_begin_sink(s->eo, m);
        memset(&x, 0, sizeof(x));
        errstr[0] = '\0';
        key = converter_to_connect_schema(s->kc, topic, m->key, m->key_len,
                                          s->arena, &ks, errstr,
                                          sizeof(errstr));
        if (!key) {
                data_error(&e, errstr);
                rc = errors_fail(s->eo, STAGE_KEY_CONVERTER, s->kc_class, &e);
                goto failed;
        }
        value = converter_to_connect_schema(s->vc, topic, m->payload, m->len,
                                            s->arena, &vs, errstr,
                                            sizeof(errstr));
        if (!value) {
                data_error(&e, errstr);
                rc = errors_fail(s->eo, STAGE_VALUE_CONVERTER, s->vc_class,
                                 &e);
                goto failed;
        }
        if (rd_kafka_message_headers(m, &mh) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            mh) {
                const char *name;
                const void *val;
                size_t size, idx;

                for (idx = 0; !rd_kafka_header_get_all(mh, idx, &name, &val,
                                                        &size);
                     idx++) {
                        const connect_schema_t *hs = NULL;
                        connectd_value_t *hv = NULL;
                        const char *hname;

                        if (hconv_to_connect(s->hc, topic, name, val, size,
                                             s->arena, &hs, &hv, errstr,
                                             sizeof(errstr))) {
                                data_error(&e, errstr);
                                rc = errors_fail(s->eo,
                                                 STAGE_HEADER_CONVERTER,
                                                 s->hc_class, &e);
                                goto failed;
                        }
                        hname = arena_strndup(s->arena, name, strlen(name));
                        if (!hname || headers_add(s->arena, &x.headers, hname,
                                                  hs, hv)) {
                                snprintf(s->errstr, sizeof(s->errstr),
                                         "out of memory");
                                return -1;
                        }
                }
        }
        x.topic = topic;
        x.partition = m->partition;
        x.key_schema = ks;
        x.key = value_is_null(key) ? NULL : key;
        x.value_schema = vs;
        x.value = value_is_null(value) ? NULL : value;
        x.timestamp = rd_kafka_message_timestamp(m, &tst);
        x.has_timestamp = x.timestamp >= 0;
        x.timestamp_type = tst == RD_KAFKA_TIMESTAMP_CREATE_TIME ? 1
                           : tst == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 2
                                                                       : 0;
        x.is_sink = 1;
        x.offset = m->offset;
        x.arena = s->arena;
        if (!xchain_empty(s->chain)) {
                chain_call_t cc;

                if (chain_prepare(&cc, s->chain, &x)) {
                        snprintf(s->errstr, sizeof(s->errstr),
                                 "out of memory");
                        return -1;
                }
                rc = errors_execute(s->eo, STAGE_TRANSFORMATION, NULL,
                                    chain_op, &cc);
                if (rc == XFORM_DROP)
                        return 1;
                if (rc < 0)
                        goto failed;
        }
        r->topic = x.topic;
        r->partition = x.partition;
        r->offset = m->offset;
        r->timestamp = x.has_timestamp ? x.timestamp : -1;
        r->timestamp_type = x.timestamp_type;
        r->key_schema = x.key_schema;
        r->value_schema = x.value_schema;
        /* Plugins get a NULL-typed value for a null, as before. */
        r->key = x.key ? x.key : &null_value;
        r->value = x.value ? x.value : &null_value;
        r->headers = x.headers;
        return 0;
failed:
        if (rc == ERRORS_FATAL) {
                snprintf(s->errstr, sizeof(s->errstr), "%s",
                         errors_trace(s->eo));
                return -1;
        }
        return 1;
}

/* Creates the DLQ topic through the DLQ producer's connection. */
static int dlq_topic_create(void *arg, rd_kafka_t *rk, const char *topic,
                            int rf, char *errstr, size_t errstr_size)
{
        task_t *t = arg;

        return kafka_topic_create(t->h->kf, rk, topic, 1, rf, 30000, errstr,
                                  errstr_size);
}

static void sink_run(task_t *t)
{
        sink_t s;
        rd_kafka_conf_t *conf = NULL;
        char group[512], client_id[300];
        rd_kafka_message_t *msgs[SINK_BATCH_MAX];
        const connectd_sink_record_t **recs = NULL;
        struct connectd_sink_record *recbuf = NULL;
        int64_t last_commit;
        struct timespec pt;
        int started = 0, paused = 0;
        unsigned seen_gen = 0;

        memset(&s, 0, sizeof(s));
        s.t = t;
        s.pending = rd_kafka_topic_partition_list_new(16);
        s.arena = arena_new(64 * 1024);
        s.seen = json_object();
        recs = calloc(SINK_BATCH_MAX, sizeof(*recs));
        recbuf = calloc(SINK_BATCH_MAX, sizeof(*recbuf));
        if (!s.arena || !recs || !recbuf) {
                snprintf(s.errstr, sizeof(s.errstr), "out of memory");
                goto fail;
        }
        if (!(s.kc = make_converter(t, 1, s.errstr, sizeof(s.errstr))) ||
            !(s.vc = make_converter(t, 0, s.errstr, sizeof(s.errstr))) ||
            !(s.hc = make_hconv(t, &s.hc_class, s.errstr,
                                sizeof(s.errstr))))
                goto fail;
        s.kc_class = converter_class(t, "key.converter");
        s.vc_class = converter_class(t, "value.converter");
        if (pipeline_start(t, 1, &s.chain, &s.eo, s.errstr,
                           sizeof(s.errstr)))
                goto fail;
        {
                rd_kafka_conf_t *dconf;

                doing(t, "initializing the dead letter queue");
                dconf = kafka_producer_conf(t->h->kf, t->conn_config,
                                            s.errstr, sizeof(s.errstr));
                if (!dconf ||
                    errors_dlq_start(s.eo, dconf, dlq_topic_create, t,
                                     s.errstr, sizeof(s.errstr)))
                        goto fail;
        }
        snprintf(group, sizeof(group), "connect-%s", t->conn_name);
        conf = kafka_consumer_conf(t->h->kf, t->conn_config, group, s.errstr,
                                   sizeof(s.errstr));
        if (!conf)
                goto fail;
        snprintf(client_id, sizeof(client_id), "connector-consumer-%s-%d",
                 t->conn_name, t->id);
        rd_kafka_conf_set(conf, "client.id", client_id, NULL, 0);
        rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
        rd_kafka_conf_set_stats_cb(conf, sink_stats_cb);
        metrics_client_conf(conf);
        rd_kafka_conf_set_opaque(conf, &s);
        s.rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, s.errstr,
                            sizeof(s.errstr));
        if (!s.rk) {
                rd_kafka_conf_destroy(conf);
                goto fail;
        }
        rd_kafka_poll_set_consumer(s.rk);
        doing(t, "in the plugin's task_start call");
        if (t->desc->task_start(&t->ctx, cfgmap_of(t->config), &s.state,
                                s.errstr, sizeof(s.errstr))) {
                if (!s.errstr[0])
                        snprintf(s.errstr, sizeof(s.errstr),
                                 "task start failed");
                goto fail;
        }
        started = 1;
        if (subscribe(&s, s.errstr, sizeof(s.errstr)))
                goto fail;
        herder_task_set_state(t, "RUNNING", NULL);
        last_commit = now_ms();

        while (!atomic_load(&t->stop) && !s.failed) {
                int n = 0, i, k;

                if (atomic_load(&t->paused) != paused) {
                        paused = atomic_load(&t->paused);
                        sink_set_paused(&s, paused);
                        if (paused) {
                                herder_task_set_state(t, "PAUSED", NULL);
                                pthread_mutex_lock(&t->mtx);
                                atomic_store(&t->paused_ack, 1);
                                pthread_cond_broadcast(&t->cond);
                                pthread_mutex_unlock(&t->mtx);
                        } else {
                                atomic_store(&t->paused_ack, 0);
                                herder_task_set_state(t, "RUNNING", NULL);
                        }
                }
                /* Keep polling while paused: the group needs it. */
                doing(t, "polling the consumer");
                while (n < SINK_BATCH_MAX) {
                        rd_kafka_message_t *m = rd_kafka_consumer_poll(
                                s.rk, n ? 0 : 100);
                        if (!m)
                                break;
                        if (m->err) {
                                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                                        LOG_WARN(lg(), "Consumer: %s",
                                                 rd_kafka_message_errstr(m));
                                rd_kafka_message_destroy(m);
                                continue;
                        }
                        msgs[n++] = m;
                }
                metrics_sink_read(&t->m, n);
                for (i = 0, k = 0; i < n && !s.failed; i++) {
                        rd_kafka_message_t *m = msgs[i];
                        const char *topic = rd_kafka_topic_name(m->rkt);
                        int rc;

                        doing(t, "converting and transforming records");
                        rc = sink_record_make(&s, m, &recbuf[k]);
                        if (rc < 0) {
                                s.failed = s.tolerance_failed = 1;
                                break;
                        }
                        if (rc == 0) {
                                recs[k] = &recbuf[k];
                                k++;
                        }
                        if (atomic_load(&t->h->topics_gen) != seen_gen) {
                                seen_gen = atomic_load(&t->h->topics_gen);
                                json_object_clear(s.seen);
                        }
                        if (!json_object_get(s.seen, topic)) {
                                json_object_set_new(s.seen, topic,
                                                    json_true());
                                herder_topic_seen(t, topic);
                        }
                }
                doing(t, "in the plugin's task_put call");
                metrics_clock(&pt);
                if (!s.failed && k &&
                    t->desc->task_put(s.state, recs, (size_t)k, s.errstr,
                                      sizeof(s.errstr))) {
                        char cause[sizeof(s.errstr)];

                        /* Not covered by errors.tolerance (Java's
                         * WorkerSinkTask#deliverMessages). */
                        snprintf(cause, sizeof(cause), "%s",
                                 s.errstr[0] ? s.errstr : "put failed");
                        LOG_ERROR(lg(), "Task %s-%d threw an uncaught and "
                                  "unrecoverable exception. Task is being "
                                  "killed and will not recover until "
                                  "manually restarted. Error: %s",
                                  t->conn_name, t->id, cause);
                        snprintf(s.errstr, sizeof(s.errstr),
                                 XERR_CONNECT ": Exiting WorkerSinkTask due "
                                 "to unrecoverable exception.\nCaused by: "
                                 XERR_CONNECT ": %.900s", cause);
                        s.failed = 1;
                }
                if (k)
                        metrics_sink_put(&t->m, k, metrics_us_since(&pt));
                metrics_tick(&t->m, s.eo);
                /* Offsets advance past dropped and tolerated records
                 * too. */
                if (!s.failed)
                        for (i = 0; i < n; i++)
                                pending_set(&s, rd_kafka_topic_name(msgs[i]->rkt),
                                            msgs[i]->partition,
                                            msgs[i]->offset + 1);
                for (i = 0; i < n; i++)
                        rd_kafka_message_destroy(msgs[i]);
                arena_reset(s.arena);
                if (!s.failed &&
                    now_ms() - last_commit >= t->h->flush_interval_ms) {
                        sink_commit(&s);
                        last_commit = now_ms();
                }
        }
        /* After an intolerable record error, what was put before it is
         * still committed on the way out (as Java's closing of the
         * partitions does). */
        if (!s.failed || s.tolerance_failed)
                sink_commit(&s);
        if (s.failed)
                goto fail;
        goto out;
fail:
        herder_task_set_state(t, "FAILED", s.errstr);
out:
        if (started) {
                doing(t, "in the plugin's task_stop call");
                t->desc->task_stop(s.state);
        }
        doing(t, "closing the consumer");
        if (s.rk) {
                rd_kafka_consumer_close(s.rk);
                rd_kafka_destroy(s.rk);
        }
        converter_destroy(s.kc);
        converter_destroy(s.vc);
        hconv_destroy(s.hc);
        xchain_free(s.chain);
        doing(t, "flushing the dead letter queue producer");
        errors_free(s.eo, (int)stop_budget_ms(t, t->h->flush_timeout_ms));
        arena_destroy(s.arena);
        if (s.pending)
                rd_kafka_topic_partition_list_destroy(s.pending);
        json_decref(s.seen);
        free(recs);
        free(recbuf);
}

/* ------------------------------------------------------------------ */
/* Thread control                                                      */

static void *task_main(void *arg)
{
        task_t *t = arg;
        char ctxname[512];

        snprintf(ctxname, sizeof(ctxname), "%s|task-%d", t->conn_name, t->id);
        log_context_set(ctxname);
        {
                /* Visible in top -H and profilers (15 chars at most). */
                char tname[16];
                snprintf(tname, sizeof(tname), "task-%d:%s", t->id,
                         t->conn_name);
                pthread_setname_np(pthread_self(), tname);
        }
        {
                char perr[1024] = "";
                if (runtime_task_resolve(t, perr, sizeof(perr)))
                        herder_task_set_state(t, "FAILED", perr);
                else if (t->desc->type == CONNECTD_SINK)
                        sink_run(t);
                else
                        source_run(t);
        }
        pthread_mutex_lock(&t->mtx);
        atomic_store(&t->finished, 1);
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->mtx);
        log_context_set(NULL);
        if (atomic_load(&t->abandoned))
                LOG_WARN(lg(), "Abandoned task %s-%d finally returned",
                         t->conn_name, t->id);
        {
                herder_t *h = t->h;
                task_release(t);
                atomic_fetch_sub(&h->live_tasks, 1);
        }
        return NULL;
}

task_t *runner_task_start(herder_t *h, connector_t *c,
                          const connectd_connector_desc_t *desc,
                          const json_t *conn_config, int id,
                          json_t *task_config, int paused)
{
        task_t *t = calloc(1, sizeof(*t));

        if (!t)
                return NULL;
        t->conn = c;
        t->h = h;
        t->id = id;
        t->conn_name = strdup(c->name);
        t->config = json_incref(task_config);
        t->conn_config = json_deep_copy(conn_config);
        t->raw_config = json_incref(task_config);
        t->raw_conn_config = json_incref(t->conn_config);
        t->desc = desc;
        t->ctx.conn = c;
        t->ctx.task = t;
        t->ctx.lg = log_get(t->desc->class_name);
        pthread_mutex_init(&t->mtx, NULL);
        pthread_cond_init(&t->cond, NULL);
        snprintf(t->state, sizeof(t->state), "UNASSIGNED");
        metrics_task_created(t);
        atomic_store(&t->paused, paused ? 1 : 0);
        atomic_store(&t->refcnt, 2);
        atomic_fetch_add(&h->live_tasks, 1);
        if (pthread_create(&t->thread, NULL, task_main, t)) {
                atomic_fetch_sub(&h->live_tasks, 1);
                t->thread = 0; /* glibc may have written it */
                atomic_store(&t->refcnt, 1);
                atomic_store(&t->finished, 1);
                snprintf(t->state, sizeof(t->state), "FAILED");
                t->trace = strdup("could not create the task thread");
        }
        return t;
}

void runner_task_pause(task_t *t, int paused)
{
        atomic_store(&t->paused, paused);
        task_signal(t);
}

/* Marks t FAILED and lets its thread go; `what` is "stop" or "pause".
 * The reason says where the thread is (a plugin call, or our own
 * flush/commit/close), not a guess. */
static void abandon(task_t *t, const char *what)
{
        char trace[512];
        const char *where = atomic_load(&t->doing);

        snprintf(trace, sizeof(trace),
                 "Task did not %s within task.shutdown.graceful.timeout.ms "
                 "(%lld ms) and was abandoned; it was still %s",
                 what, t->h->graceful_ms,
                 where ? where : "starting");
        herder_task_set_state(t, "FAILED", trace);
        /* Under the herder lock: from now on the thread can neither write
         * a status nor commit an offset (herder.c checks the flag). */
        pthread_mutex_lock(&t->h->lock);
        atomic_store(&t->abandoned, 1);
        pthread_mutex_unlock(&t->h->lock);
        /* It must still stop for good when its plugin call returns. */
        atomic_store(&t->stop, 1);
        task_signal(t);
        pthread_detach(t->thread);
}

int runner_task_stop(task_t *t)
{
        struct timespec ts;

        deadline_in(&ts, t->h->graceful_ms);
        return runner_task_stop_until(t, &ts);
}

void runner_task_request_stop(task_t *t, const struct timespec *deadline)
{
        long long by = (long long)deadline->tv_sec * 1000 +
                       deadline->tv_nsec / 1000000;
        long long none = 0;

        if (!by)
                by = 1;
        atomic_compare_exchange_strong(&t->stop_by_ms, &none, by);
        atomic_store(&t->stop, 1);
        task_signal(t);
}

int runner_task_stop_until(task_t *t, const struct timespec *deadline)
{
        int done;

        if (atomic_load(&t->abandoned))
                return 0;
        runner_task_request_stop(t, deadline);
        pthread_mutex_lock(&t->mtx);
        while (!atomic_load(&t->finished) &&
               pthread_cond_timedwait(&t->cond, &t->mtx, deadline) !=
                       ETIMEDOUT)
                ;
        done = atomic_load(&t->finished);
        pthread_mutex_unlock(&t->mtx);
        if (done) {
                if (t->thread)
                        pthread_join(t->thread, NULL);
                t->thread = 0;
                return 0;
        }
        abandon(t, "stop");
        return -1;
}

int runner_task_wait_paused(task_t *t)
{
        struct timespec ts;

        deadline_in(&ts, t->h->graceful_ms);
        return runner_task_wait_paused_until(t, &ts);
}

int runner_task_wait_paused_until(task_t *t, const struct timespec *deadline)
{
        int ok;

        if (atomic_load(&t->abandoned))
                return 0;
        pthread_mutex_lock(&t->mtx);
        while (!atomic_load(&t->paused_ack) && !atomic_load(&t->finished) &&
               atomic_load(&t->paused) &&
               pthread_cond_timedwait(&t->cond, &t->mtx, deadline) !=
                       ETIMEDOUT)
                ;
        ok = atomic_load(&t->paused_ack) || atomic_load(&t->finished) ||
             !atomic_load(&t->paused);
        pthread_mutex_unlock(&t->mtx);
        if (ok)
                return 0;
        abandon(t, "pause");
        return -1;
}
