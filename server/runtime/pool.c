/*
 * pool — see pool.h. One mutex guards everything here; jobs run without
 * it. The watchdog thread sleeps while the queue is empty.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "mem.h"
#include "pool.h"

LOG_MODULE_LOGGER(lg, "connectd.pool")

/* A thread beyond the first few leaves after this long idle. */
#define POOL_IDLE_MS 5000
/* Pool threads run control code, not record loops. */
#define POOL_STACK ((size_t)512 << 10)

typedef struct job {
        void (*fn)(void *arg);
        void *arg;
        struct job *next;
} job_t;

typedef struct worker {
        long long started_ms;  /* its job's start; 0: idle */
        struct worker *next;
} worker_t;

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t watch = PTHREAD_COND_INITIALIZER;
static job_t *head, *tail;
static worker_t *workers;
static int nthreads, idle, watchdog_up;

static long long mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void abs_in(struct timespec *ts, long long ms)
{
        clock_gettime(CLOCK_REALTIME, ts);
        ts->tv_sec += ms / 1000;
        ts->tv_nsec += (ms % 1000) * 1000000L;
        if (ts->tv_nsec >= 1000000000L) {
                ts->tv_sec++;
                ts->tv_nsec -= 1000000000L;
        }
}

static void *worker_main(void *arg)
{
        worker_t *me = arg, **pp;
        struct timespec ts;

        pthread_setname_np(pthread_self(), "pool");
        pthread_mutex_lock(&mtx);
        for (;;) {
                job_t *j;
                int rested = 0;

                if (!head) {
                        /* Nothing queued: give the thread cache back
                         * (mem.h) before the wait, not under the lock. */
                        pthread_mutex_unlock(&mtx);
                        mem_thread_idle();
                        rested = 1;
                        pthread_mutex_lock(&mtx);
                }
                while (!head) {
                        int rc;

                        idle++;
                        abs_in(&ts, POOL_IDLE_MS);
                        rc = pthread_cond_timedwait(&work, &mtx, &ts);
                        idle--;
                        if (rc == ETIMEDOUT && !head &&
                            nthreads > POOL_THREADS)
                                goto leave;
                }
                j = head;
                head = j->next;
                if (!head)
                        tail = NULL;
                me->started_ms = mono_ms();
                pthread_mutex_unlock(&mtx);
                if (rested)
                        mem_thread_busy();
                j->fn(j->arg);
                free(j);
                pthread_mutex_lock(&mtx);
                me->started_ms = 0;
        }
leave:
        for (pp = &workers; *pp != me; pp = &(*pp)->next)
                ;
        *pp = me->next;
        nthreads--;
        pthread_mutex_unlock(&mtx);
        free(me);
        return NULL;
}

/* mtx held. */
static int spawn_locked(void)
{
        worker_t *w = calloc(1, sizeof(*w));
        pthread_attr_t attr;
        pthread_t th;
        int rc;

        if (!w)
                return -1;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, POOL_STACK);
        rc = pthread_create(&th, &attr, worker_main, w);
        pthread_attr_destroy(&attr);
        if (rc) {
                free(w);
                return -1;
        }
        w->next = workers;
        workers = w;
        nthreads++;
        return 0;
}

/* Threads not stuck in a long job (mtx held). */
static int live_locked(long long now)
{
        const worker_t *w;
        int n = 0;

        for (w = workers; w; w = w->next)
                if (!w->started_ms || now - w->started_ms < POOL_STUCK_MS)
                        n++;
        return n;
}

static void *watchdog_main(void *arg)
{
        struct timespec ts;

        (void)arg;
        pthread_setname_np(pthread_self(), "pool-watch");
        pthread_mutex_lock(&mtx);
        for (;;) {
                while (!head)
                        pthread_cond_wait(&watch, &mtx);
                abs_in(&ts, POOL_STUCK_MS / 4);
                pthread_cond_timedwait(&watch, &mtx, &ts);
                if (head && !idle && live_locked(mono_ms()) < POOL_THREADS) {
                        if (spawn_locked())
                                LOG_WARN(lg(), "cannot start a pool thread");
                        else
                                LOG_INFO(lg(), "a pool job runs long; %d "
                                         "pool threads now", nthreads);
                }
        }
        return NULL;
}

int pool_submit(void (*fn)(void *arg), void *arg)
{
        job_t *j = malloc(sizeof(*j));
        int rc = 0;

        if (!j)
                return -1;
        j->fn = fn;
        j->arg = arg;
        j->next = NULL;
        pthread_mutex_lock(&mtx);
        if (!watchdog_up) {
                pthread_attr_t attr;
                pthread_t th;

                pthread_attr_init(&attr);
                pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                pthread_attr_setstacksize(&attr, (size_t)128 << 10);
                if (pthread_create(&th, &attr, watchdog_main, NULL) == 0)
                        watchdog_up = 1;
                pthread_attr_destroy(&attr);
        }
        if (!idle && live_locked(mono_ms()) < POOL_THREADS &&
            spawn_locked() && !nthreads)
                rc = -1;
        if (rc) {
                pthread_mutex_unlock(&mtx);
                free(j);
                return -1;
        }
        if (tail)
                tail->next = j;
        else
                head = j;
        tail = j;
        pthread_cond_signal(&work);
        pthread_cond_signal(&watch);
        pthread_mutex_unlock(&mtx);
        return 0;
}

int pool_threads(void)
{
        int n;

        pthread_mutex_lock(&mtx);
        n = nthreads;
        pthread_mutex_unlock(&mtx);
        return n;
}
