/*
 * fuzz_config_records — the config topic reader fed arbitrary records.
 * Input: one record per line, "key<TAB>value"; a line without a TAB is a
 * tombstone of that key. The reader is marked started halfway through.
 * Every query is run over the resulting state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_records.h"
#include "log.h"

static int each_cb(void *opaque, const char *name, const json_t *config,
                   const char *target)
{
        config_reader_t *cr = opaque;
        json_t *t;

        (void)config;
        (void)target;
        t = json_array();
        config_reader_tasks_differ(cr, name, t);
        config_reader_tasks(cr, name, NULL);
        json_decref(t);
        return 0;
}

static void noop_restart(void *o, const char *n, int a, int b)
{
        (void)o;
        (void)n;
        (void)a;
        (void)b;
}

/* Malformed records are logged; the log is not what is fuzzed here. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        json_decref(log_level_set("root", LOG_LVL_OFF));
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        config_listener_t l = { NULL, NULL, NULL, NULL, noop_restart };
        config_reader_t *cr = config_reader_new(&l);
        const char *p = (const char *)data, *end = p + size;
        int64_t off = 0;

        if (!cr)
                return 0;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *le = nl ? nl : end;
                const char *tab = memchr(p, '\t', (size_t)(le - p));

                if (tab)
                        config_reader_feed(cr, p, (size_t)(tab - p), tab + 1,
                                           (size_t)(le - tab - 1), off++);
                else
                        config_reader_feed(cr, p, (size_t)(le - p), NULL, 0,
                                           off++);
                if (p - (const char *)data > (ptrdiff_t)(size / 2))
                        config_reader_set_started(cr);
                p = le + 1;
        }
        config_reader_connector_each(cr, each_cb, cr);
        config_reader_target(cr, "c");
        config_reader_session_key(cr);
        config_reader_destroy(cr);
        return 0;
}
