/*
 * null_sink.so — a sink connector that drops every record, for measuring
 * the sink path itself (bench_sink, bench/run.sh soak).
 *
 * connector.class=connectd.bench.NullSinkConnector. With `count.file` set,
 * each task rewrites that file after every put with the number of records
 * it has received so far (decimal, space-padded), so a benchmark can see
 * the last record arrive without any offset commit. Written only against
 * api/connect/plugin.h, like any plugin.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connect/plugin.h"

static const connectd_host_t *host;

typedef struct ns_conn {
        char *count_file;
} ns_conn_t;

typedef struct ns_task {
        int fd;            /* count.file, or -1 */
        long long count;
} ns_task_t;

static int ns_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                    void **statep, char *errstr, size_t errstr_size)
{
        ns_conn_t *c = calloc(1, sizeof(*c));
        const char *f = host->config_get(cfg, "count.file");

        (void)ctx;
        if (!c || (f && *f && !(c->count_file = strdup(f)))) {
                free(c);
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        *statep = c;
        return 0;
}

static void ns_stop(void *state)
{
        ns_conn_t *c = state;

        if (c)
                free(c->count_file);
        free(c);
}

static int ns_task_configs(void *state, int max_tasks,
                           connectd_task_configs_t *out, char *errstr,
                           size_t errstr_size)
{
        ns_conn_t *c = state;
        int i;

        for (i = 0; i < max_tasks; i++) {
                connectd_config_t *tc = host->task_config_add(out);

                if (!tc || (c->count_file &&
                            host->config_set(tc, "count.file",
                                             c->count_file))) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
        }
        return 0;
}

static int ns_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                         void **statep, char *errstr, size_t errstr_size)
{
        ns_task_t *t = calloc(1, sizeof(*t));
        const char *f = host->config_get(cfg, "count.file");

        (void)ctx;
        if (!t) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        t->fd = -1;
        if (f && *f) {
                t->fd = open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                             0644);
                if (t->fd < 0) {
                        snprintf(errstr, errstr_size, "cannot open %s", f);
                        free(t);
                        return -1;
                }
        }
        *statep = t;
        return 0;
}

static int ns_put(void *state, const connectd_sink_record_t *const *recs,
                  size_t n, char *errstr, size_t errstr_size)
{
        ns_task_t *t = state;
        char line[32];
        int len;

        (void)recs;
        t->count += (long long)n;
        if (t->fd >= 0 && n) {
                len = snprintf(line, sizeof(line), "%20lld\n", t->count);
                if (pwrite(t->fd, line, (size_t)len, 0) != len) {
                        snprintf(errstr, errstr_size,
                                 "cannot write count.file");
                        return -1;
                }
        }
        return 0;
}

static void ns_task_stop(void *state)
{
        ns_task_t *t = state;

        if (!t)
                return;
        if (t->fd >= 0)
                close(t->fd);
        free(t);
}

static const connectd_connector_desc_t ns_desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "connectd.bench.NullSinkConnector",
        .type = CONNECTD_SINK,
        .version = "1",
        .start = ns_start,
        .task_configs = ns_task_configs,
        .stop = ns_stop,
        .task_start = ns_task_start,
        .task_put = ns_put,
        .task_stop = ns_task_stop,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        return host->register_connector(reg, &ns_desc);
}
