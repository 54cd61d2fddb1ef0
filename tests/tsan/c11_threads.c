/*
 * c11_threads — linked into the worker binary of the ThreadSanitizer build
 * only (CONNECTD_TSAN).
 *
 * librdkafka uses C11 threads: thrd_create/thrd_join, mtx_*, cnd_*,
 * call_once. glibc implements them on its internal pthread functions, which
 * the TSan runtimes of this toolchain do not see: librdkafka's threads get
 * no TSan thread state (the first intercepted call in one, malloc or
 * getaddrinfo, crashes the runtime), their joins are missed ("dup thread"),
 * and its locks order nothing, so every hand-over through its queues
 * (delivery reports, callbacks on its threads) looks like a race in our
 * code. These definitions take precedence over libc's for the whole process
 * (as the runtime's own interceptors do) and forward to the pthread
 * functions TSan intercepts. glibc lays mtx_t, cnd_t, once_flag and thrd_t
 * out as pthread_mutex_t, pthread_cond_t, pthread_once_t and pthread_t, and
 * its thrd_join is pthread_join of an int carried in the pointer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

_Static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t), "mtx_t layout");
_Static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t), "cnd_t layout");
_Static_assert(sizeof(once_flag) == sizeof(pthread_once_t), "once layout");
_Static_assert(sizeof(thrd_t) == sizeof(pthread_t), "thrd_t layout");

#define PM(m) ((pthread_mutex_t *)(void *)(m))
#define PC(c) ((pthread_cond_t *)(void *)(c))

static int thrd_rc(int rc)
{
        if (!rc)
                return thrd_success;
        if (rc == ENOMEM)
                return thrd_nomem;
        if (rc == EBUSY)
                return thrd_busy;
        if (rc == ETIMEDOUT)
                return thrd_timedout;
        return thrd_error;
}

struct tramp {
        thrd_start_t fn;
        void *arg;
};

static void *tramp_run(void *p)
{
        struct tramp t = *(struct tramp *)p;

        free(p);
        return (void *)(intptr_t)t.fn(t.arg);
}

int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg)
{
        struct tramp *t = malloc(sizeof(*t));
        int rc;

        if (!t)
                return thrd_nomem;
        t->fn = fn;
        t->arg = arg;
        rc = pthread_create((pthread_t *)thr, NULL, tramp_run, t);
        if (rc) {
                free(t);
                return rc == EAGAIN ? thrd_nomem : thrd_rc(rc);
        }
        return thrd_success;
}

int thrd_join(thrd_t thr, int *res)
{
        void *ret = NULL;
        int rc = pthread_join((pthread_t)thr, &ret);

        if (!rc && res)
                *res = (int)(intptr_t)ret;
        return thrd_rc(rc);
}

int thrd_detach(thrd_t thr)
{
        return thrd_rc(pthread_detach((pthread_t)thr));
}

int mtx_init(mtx_t *m, int type)
{
        pthread_mutexattr_t a;
        int rc;

        pthread_mutexattr_init(&a);
        if (type & mtx_recursive)
                pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
        rc = pthread_mutex_init(PM(m), &a);
        pthread_mutexattr_destroy(&a);
        return thrd_rc(rc);
}

int mtx_lock(mtx_t *m)
{
        return thrd_rc(pthread_mutex_lock(PM(m)));
}

int mtx_trylock(mtx_t *m)
{
        return thrd_rc(pthread_mutex_trylock(PM(m)));
}

int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict ts)
{
        return thrd_rc(pthread_mutex_timedlock(PM(m), ts));
}

int mtx_unlock(mtx_t *m)
{
        return thrd_rc(pthread_mutex_unlock(PM(m)));
}

void mtx_destroy(mtx_t *m)
{
        pthread_mutex_destroy(PM(m));
}

int cnd_init(cnd_t *c)
{
        return thrd_rc(pthread_cond_init(PC(c), NULL));
}

int cnd_signal(cnd_t *c)
{
        return thrd_rc(pthread_cond_signal(PC(c)));
}

int cnd_broadcast(cnd_t *c)
{
        return thrd_rc(pthread_cond_broadcast(PC(c)));
}

int cnd_wait(cnd_t *c, mtx_t *m)
{
        return thrd_rc(pthread_cond_wait(PC(c), PM(m)));
}

int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m,
                  const struct timespec *restrict ts)
{
        return thrd_rc(pthread_cond_timedwait(PC(c), PM(m), ts));
}

void cnd_destroy(cnd_t *c)
{
        pthread_cond_destroy(PC(c));
}

void call_once(once_flag *flag, void (*fn)(void))
{
        pthread_once((pthread_once_t *)(void *)flag, fn);
}
