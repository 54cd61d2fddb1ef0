/*
 * mem — what the worker asks of its memory allocator.
 *
 * Release and Debug builds link jemalloc (bench/RESULTS.md (l): its
 * per-thread caches take the librdkafka messages a task thread allocates
 * and the producer's poll thread frees without the arena-lock contention
 * glibc's malloc has there). A thread cache costs memory in every thread
 * that has one, and a worker hosting thousands of throttled connectors
 * has a thread per task, asleep nearly always: such a thread gives its
 * cache back while it idles.
 *
 * Built without jemalloc (the sanitizer and fuzz builds, or
 * -DCONNECTD_JEMALLOC=OFF) every call here does nothing.
 */
#ifndef CONNECTD_MEM_H
#define CONNECTD_MEM_H

#include <stddef.h>

/* A wait at least this long counts as idle. */
#define MEM_IDLE_MS 1000

/* The calling thread is about to wait for a while (MEM_IDLE_MS or more):
 * its thread cache goes back to the allocator. */
void mem_thread_idle(void);
/* The calling thread works again: it gets a thread cache on its next
 * allocation. Harmless without a preceding mem_thread_idle. */
void mem_thread_busy(void);
/* "jemalloc 5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c" or
 * "libc malloc", for the startup log line. */
const char *mem_allocator(char *buf, size_t size);

#endif
