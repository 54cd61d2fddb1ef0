/*
 * mem — see mem.h. jemalloc is found at run time through its mallctl
 * entry point, declared weak: NULL when the process has no jemalloc.
 */
#include <stdbool.h>
#include <stdio.h>

#include "mem.h"

extern int mallctl(const char *name, void *oldp, size_t *oldlenp,
                   void *newp, size_t newlen) __attribute__((weak));

/* Read by jemalloc at its start ($MALLOC_CONF still overrides): a
 * background thread returns freed pages to the system within about a
 * second, where jemalloc would otherwise purge only while the process
 * allocates, and an idle worker does not. (With thousands of idle
 * connectors that was 24 MB of dirty pages kept after a restart.) */
extern const char *malloc_conf;
const char *malloc_conf =
        "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";

static void tcache_enable(bool on)
{
        if (mallctl)
                mallctl("thread.tcache.enabled", NULL, NULL, &on, sizeof(on));
}

void mem_thread_idle(void)
{
        /* Disabling flushes the cache and frees it. */
        tcache_enable(false);
}

void mem_thread_busy(void)
{
        tcache_enable(true);
}

const char *mem_allocator(char *buf, size_t size)
{
        const char *v = NULL;
        size_t n = sizeof(v);

        if (mallctl && !mallctl("version", &v, &n, NULL, 0) && v)
                snprintf(buf, size, "jemalloc %s", v);
        else
                snprintf(buf, size, "libc malloc");
        return buf;
}
