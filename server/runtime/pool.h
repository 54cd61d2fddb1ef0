/*
 * pool — a small shared pool of threads for short control work (the
 * connectors' reconcile cycles), instead of a thread per connector.
 *
 * A few threads (POOL_THREADS) serve a FIFO queue. A job may call plugin
 * code that hangs: a watchdog counts a thread whose job has run for more
 * than POOL_STUCK_MS as stuck and starts another, so queued work never
 * waits behind a hung call; threads beyond the few leave again after a
 * while idle. Jobs are never cancelled.
 */
#ifndef CONNECTD_POOL_H
#define CONNECTD_POOL_H

#define POOL_THREADS 4
#define POOL_STUCK_MS 1000

/* Queues fn(arg). 0, or -1 (out of memory or no thread could start). */
int pool_submit(void (*fn)(void *arg), void *arg);
/* Threads the pool has now (tests, metrics). */
int pool_threads(void);

#endif
