/*
 * producers: tasks that share one librdkafka producer keep apart — each
 * delivery report reaches its own task, a task waits only for its own
 * records, a task whose records cannot be delivered blocks itself before
 * it fills the shared queue, and a task's release leaves the others'
 * records alone. Also the thread pool's growth past a hung job.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "kafka.h"
#include "pool.h"
#include "producers.h"

static long long mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct counts {
        int ok, failed;
} counts_t;

static void count_dr(void *arg, const rd_kafka_message_t *m)
{
        counts_t *c = arg;

        if (m->err)
                c->failed++;
        else
                c->ok++;
}

/* Hands n records of share pt to its producer, as the runner does. */
static void produce(prod_task_t *pt, rd_kafka_topic_t *rkt, int n)
{
        static atomic_int no_stop;
        int i;

        for (i = 0; i < n; i++) {
                rd_kafka_resp_err_t err;

                cr_assert_eq(prod_reserve(pt, 1, &no_stop), 0);
                err = rd_kafka_producev(prod_rk(pt), RD_KAFKA_V_RKT(rkt),
                                        RD_KAFKA_V_VALUE("v", 1),
                                        RD_KAFKA_V_MSGFLAGS(
                                                RD_KAFKA_MSG_F_COPY),
                                        RD_KAFKA_V_OPAQUE(pt),
                                        RD_KAFKA_V_END);
                cr_assert_eq(err, 0, "produce: %s", rd_kafka_err2str(err));
        }
}

Test(producers, reports_reach_their_own_task)
{
        json_t *props = json_object(), *cc = json_object();
        char err[256] = "";
        kafka_t *kf = kafka_new(props, err, sizeof(err)); /* embedded */
        counts_t ca = { 0, 0 }, cb = { 0, 0 };
        prod_task_t *a, *b;
        rd_kafka_topic_t *rkt;

        cr_assert_not_null(kf, "%s", err);
        a = prod_acquire(kf, cc, "a", count_dr, &ca, err, sizeof(err));
        b = prod_acquire(kf, cc, "b", count_dr, &cb, err, sizeof(err));
        cr_assert(a && b, "%s", err);
        cr_assert_eq(prod_rk(a), prod_rk(b), "not shared");
        cr_assert(prod_shared(a));
        cr_assert_eq(prod_count(), 1);
        rkt = rd_kafka_topic_new(prod_rk(a), "shared", NULL);
        produce(a, rkt, 5);
        produce(b, rkt, 7);
        cr_assert_eq(prod_flush(a, 10000, NULL), 0);
        cr_assert_eq(prod_flush(b, 10000, NULL), 0);
        cr_assert_eq(ca.ok, 5);
        cr_assert_eq(cb.ok, 7);
        cr_assert_eq(ca.failed + cb.failed, 0);
        rd_kafka_topic_destroy(rkt);
        prod_release(a);
        prod_release(b);
        cr_assert_eq(prod_count(), 0, "the last release closes it");
        kafka_destroy(kf);
        json_decref(props);
        json_decref(cc);
}

Test(producers, overrides_get_their_own)
{
        json_t *props = json_pack("{s:s}", "bootstrap.servers",
                                  "127.0.0.1:1");
        json_t *plain = json_object();
        json_t *over = json_pack("{s:s}", "producer.override.linger.ms",
                                 "7");
        char err[256] = "";
        kafka_t *kf = kafka_new(props, err, sizeof(err));
        prod_task_t *a, *b, *c;

        cr_assert_not_null(kf, "%s", err);
        a = prod_acquire(kf, plain, "a", NULL, NULL, err, sizeof(err));
        b = prod_acquire(kf, plain, "b", NULL, NULL, err, sizeof(err));
        c = prod_acquire(kf, over, "c", NULL, NULL, err, sizeof(err));
        cr_assert(a && b && c, "%s", err);
        cr_assert_eq(prod_rk(a), prod_rk(b));
        cr_assert_neq(prod_rk(a), prod_rk(c));
        cr_assert(!prod_shared(c));
        cr_assert_eq(prod_count(), 2);
        prod_release(c);
        prod_release(b);
        prod_release(a);
        cr_assert_eq(prod_count(), 0);
        kafka_destroy(kf);
        json_decref(props);
        json_decref(plain);
        json_decref(over);
}

/* Nothing listens on port 1: every record stays queued. */
Test(producers, stuck_task_blocks_itself_not_the_queue, .timeout = 60)
{
        json_t *props = json_pack("{s:s,s:s}", "bootstrap.servers",
                                  "127.0.0.1:1",
                                  "producer.queue.buffering.max.messages",
                                  "40");
        json_t *cc = json_object();
        char err[256] = "";
        kafka_t *kf = kafka_new(props, err, sizeof(err));
        prod_task_t *stuck, *other, *idle;
        rd_kafka_topic_t *rkt;
        atomic_int stop = 1;
        long long t0;

        cr_assert_not_null(kf, "%s", err);
        stuck = prod_acquire(kf, cc, "s", NULL, NULL, err, sizeof(err));
        other = prod_acquire(kf, cc, "o", NULL, NULL, err, sizeof(err));
        idle = prod_acquire(kf, cc, "i", NULL, NULL, err, sizeof(err));
        cr_assert(stuck && other && idle, "%s", err);
        rkt = rd_kafka_topic_new(prod_rk(stuck), "nowhere", NULL);
        /* A quarter of the queue (10 of 40) is all one task may hold. */
        produce(stuck, rkt, 10);
        cr_assert_eq(prod_reserve(stuck, 1, &stop), 1,
                     "a task past its cap was not held back");
        /* The others still find room in the shared queue. */
        produce(other, rkt, 10);
        cr_assert_eq(prod_inflight(other), 10);
        /* A task waits for its own records only: nothing in flight, no
         * wait, whatever the others hold. */
        t0 = mono_ms();
        cr_assert_eq(prod_flush(idle, 5000, NULL), 0);
        cr_assert_lt(mono_ms() - t0, 1000, "flush waited for others");
        /* Giving up on its records purges none of the others'. */
        prod_release(stuck);
        cr_assert_eq(prod_inflight(other), 10);
        /* Both tasks' 20 records are still queued (outq_len also counts
         * the "brokers are down" events the poll thread has not served
         * yet, so at least 20; a purge would leave fewer). */
        cr_assert_geq(rd_kafka_outq_len(prod_rk(other)), 20);
        rd_kafka_topic_destroy(rkt);
        prod_release(other);
        prod_release(idle);
        cr_assert_eq(prod_count(), 0);
        kafka_destroy(kf);
        json_decref(props);
        json_decref(cc);
}

/* --- pool --- */

static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static int released, done;

static void hang_job(void *arg)
{
        (void)arg;
        pthread_mutex_lock(&pm);
        while (!released)
                pthread_cond_wait(&pc, &pm);
        pthread_mutex_unlock(&pm);
}

static void quick_job(void *arg)
{
        (void)arg;
        pthread_mutex_lock(&pm);
        done++;
        pthread_cond_broadcast(&pc);
        pthread_mutex_unlock(&pm);
}

Test(pool, hung_jobs_do_not_hold_up_the_queue, .timeout = 60)
{
        struct timespec ts;
        int i, n;

        /* More hung jobs than the pool has threads at first. */
        for (i = 0; i < POOL_THREADS + 2; i++)
                cr_assert_eq(pool_submit(hang_job, NULL), 0);
        for (i = 0; i < 3; i++)
                cr_assert_eq(pool_submit(quick_job, NULL), 0);
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 20;
        pthread_mutex_lock(&pm);
        while (done < 3 &&
               pthread_cond_timedwait(&pc, &pm, &ts) == 0)
                ;
        n = done;
        released = 1;
        pthread_cond_broadcast(&pc);
        pthread_mutex_unlock(&pm);
        cr_assert_eq(n, 3, "queued jobs waited behind hung ones");
        cr_assert_gt(pool_threads(), POOL_THREADS);
}
