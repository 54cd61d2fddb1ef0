/* A plugin built against the FIRST edition of connect/plugin.h (the copy in
 * tests/plugins/abi1/, as it was before the record pipeline appended to
 * connectd_host_t): it must keep loading and running on today's worker.
 *  - com.example.test.Abi1SourceConnector: `count` records (default 10) to
 *    `topic`, key "k<n>", value struct {n, s}, source offset {"n":n};
 *  - com.example.test.Abi1SinkConnector: appends one line per record to
 *    `file`: "<topic>|<partition>|<offset>|<key>|<value>".
 * Only the functions of the old table are called, through the old layout. */
#include <stddef.h>

#include "common.h"

/* The table this plugin was compiled against ends with `free`. */
#define ABI1_HOST_SIZE                                                         \
        (offsetof(connectd_host_t, free) + sizeof(((connectd_host_t *)0)->free))

typedef struct a1_task {
        connectd_ctx_t *ctx;
        char topic[256];
        char file[1024];
        long long next, count;
} a1_task_t;

static int a1_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                         void **statep, char *errstr, size_t errstr_size)
{
        a1_task_t *t = calloc(1, sizeof(*t));
        const char *topic = host->config_get(cfg, "topic");
        const char *count = host->config_get(cfg, "count");
        const char *file = host->config_get(cfg, "file");
        char off[64];

        if (!t) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        t->ctx = ctx;
        snprintf(t->topic, sizeof(t->topic), "%s", topic ? topic : "abi1");
        snprintf(t->file, sizeof(t->file), "%s", file ? file : "");
        t->count = count ? atoll(count) : 10;
        /* Resume after the last committed record. */
        if (host->offset_get(ctx, "{\"abi\":\"1\"}", off, sizeof(off)) > 0) {
                const char *n = strstr(off, "\"n\":");
                if (n)
                        t->next = atoll(n + 4) + 1;
        }
        *statep = t;
        return 0;
}

static int a1_poll(void *state, connectd_batch_t *batch, char *errstr,
                   size_t errstr_size)
{
        a1_task_t *t = state;
        int added = 0;

        while (t->next < t->count && added < 5) {
                connectd_record_t *r = host->record_add(batch, t->topic);
                connectd_value_t *st;
                char key[32], off[64];
                int klen;

                if (!r) {
                        snprintf(errstr, errstr_size, "record_add failed");
                        return -1;
                }
                klen = snprintf(key, sizeof(key), "k%lld", t->next);
                snprintf(off, sizeof(off), "{\"n\":%lld}", t->next);
                host->record_set_key(r, host->value_string(r, key,
                                                           (size_t)klen));
                st = host->value_struct(r, NULL);
                host->struct_put(r, st, "n", host->value_int64(r, t->next));
                host->struct_put(r, st, "s",
                                 host->value_string(r, "old", 3));
                host->record_set_value(r, st);
                host->record_set_source(r, "{\"abi\":\"1\"}", off);
                t->next++;
                added++;
        }
        if (!added)
                host->sleep(t->ctx, 100);
        return added;
}

static int a1_put(void *state, const connectd_sink_record_t *const *recs,
                  size_t n, char *errstr, size_t errstr_size)
{
        a1_task_t *t = state;
        FILE *f = fopen(t->file, "a");
        size_t i;

        if (!f) {
                snprintf(errstr, errstr_size, "cannot open %s", t->file);
                return -1;
        }
        for (i = 0; i < n; i++) {
                char k[256], v[1024];

                host->value_to_text(host->sink_record_key(recs[i]), k,
                                    sizeof(k));
                host->value_to_text(host->sink_record_value(recs[i]), v,
                                    sizeof(v));
                fprintf(f, "%s|%d|%lld|%s|%s\n",
                        host->sink_record_topic(recs[i]),
                        (int)host->sink_record_partition(recs[i]),
                        (long long)host->sink_record_offset(recs[i]), k, v);
        }
        fclose(f);
        return 0;
}

static const connectd_connector_desc_t a1_source = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.Abi1SourceConnector",
        .type = CONNECTD_SOURCE,
        .version = "abi1",
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = a1_task_start,
        .task_poll = a1_poll,
        .task_stop = free,
};

static const connectd_connector_desc_t a1_sink = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.Abi1SinkConnector",
        .type = CONNECTD_SINK,
        .version = "abi1",
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = a1_task_start,
        .task_put = a1_put,
        .task_stop = free,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        if (h->struct_size < ABI1_HOST_SIZE)
                return -1;
        host = h;
        if (host->register_connector(reg, &a1_source) != 0 ||
            host->register_connector(reg, &a1_sink) != 0)
                return -1;
        return 0;
}
