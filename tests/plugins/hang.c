/* A plugin that hangs, ignoring host->sleep and host->should_stop, in the
 * callback named by `hang.in` (task_poll by default; also start,
 * task_start, task_stop) for `hang.seconds` (default 600). The worker must
 * abandon it after task.shutdown.graceful.timeout.ms on pause/stop/delete,
 * mark it FAILED or remove it, and keep every other REST call fast. */
#include <errno.h>
#include <time.h>

#include "common.h"

typedef struct hang_conf {
        char in[32];
        long seconds;
} hang_conf_t;

static void hang_conf_read(const connectd_config_t *cfg, hang_conf_t *hc)
{
        const char *in = host->config_get(cfg, "hang.in");
        const char *secs = host->config_get(cfg, "hang.seconds");
        char *end;
        long v;

        snprintf(hc->in, sizeof(hc->in), "%s", in ? in : "task_poll");
        hc->seconds = 600;
        if (secs) {
                errno = 0;
                v = strtol(secs, &end, 10);
                if (!errno && !*end && v >= 0)
                        hc->seconds = v;
        }
}

/* Block without looking at the host: what a badly written plugin stuck in
 * a network call looks like. */
static void hang(const hang_conf_t *hc, const char *where)
{
        struct timespec ts = {0, 100 * 1000 * 1000};
        long i;

        if (strcmp(hc->in, where))
                return;
        for (i = 0; i < hc->seconds * 10; i++)
                nanosleep(&ts, NULL);
}

static int hang_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                      void **statep, char *errstr, size_t errstr_size)
{
        hang_conf_t hc;

        hang_conf_read(cfg, &hc);
        hang(&hc, "start");
        return tp_start(ctx, cfg, statep, errstr, errstr_size);
}

typedef struct hang_task {
        hang_conf_t hc;
} hang_task_t;

static int hang_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                           void **statep, char *errstr, size_t errstr_size)
{
        hang_task_t *ht = calloc(1, sizeof(*ht));

        (void)ctx;
        if (!ht) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        hang_conf_read(cfg, &ht->hc);
        hang(&ht->hc, "task_start");
        *statep = ht;
        return 0;
}

static int hang_task_poll(void *state, connectd_batch_t *batch, char *errstr,
                          size_t errstr_size)
{
        hang_task_t *ht = state;
        struct timespec ts = {0, 50 * 1000 * 1000};

        (void)batch;
        (void)errstr;
        (void)errstr_size;
        hang(&ht->hc, "task_poll");
        nanosleep(&ts, NULL);
        return 0;
}

static void hang_task_stop(void *state)
{
        hang_task_t *ht = state;

        hang(&ht->hc, "task_stop");
        free(ht);
}

static const connectd_config_def_t defs[] = {
        {.name = "hang.in", .type = CONNECTD_CFG_STRING,
         .default_value = "task_poll",
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "Callback that hangs: start, task_start, "
                          "task_poll or task_stop.",
         .order = -1},
        {.name = "hang.seconds", .type = CONNECTD_CFG_LONG,
         .default_value = "600", .importance = CONNECTD_IMPORTANCE_LOW,
         .documentation = "How long it hangs.", .order = -1},
        {.name = NULL}};

static const char *const aliases[] = {"HangSource", NULL};

static const connectd_connector_desc_t desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.HangSourceConnector",
        .aliases = aliases,
        .type = CONNECTD_SOURCE,
        .version = "0.0.1",
        .config_defs = defs,
        .start = hang_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = hang_task_start,
        .task_poll = hang_task_poll,
        .task_stop = hang_task_stop,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        return host->register_connector(reg, &desc);
}
