/* A source whose task fails on every poll with "boom": the task must go
 * FAILED with "boom" in its /status trace, the worker must keep serving, and
 * a task restart must run it (and fail it) again. */
#include "common.h"

static int boom_poll(void *state, connectd_batch_t *batch, char *errstr,
                     size_t errstr_size)
{
        (void)state;
        (void)batch;
        snprintf(errstr, errstr_size, "boom");
        return -1;
}

/* Logs a line per start so a test can see a restart really ran it again. */
static int boom_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                           void **statep, char *errstr, size_t errstr_size)
{
        host->log(ctx, CONNECTD_LOG_INFO, "boom task started");
        return tp_task_start(ctx, cfg, statep, errstr, errstr_size);
}

static const char *const aliases[] = {"BoomSource", NULL};

static const connectd_connector_desc_t desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.BoomSourceConnector",
        .aliases = aliases,
        .type = CONNECTD_SOURCE,
        .version = "0.0.1",
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = boom_task_start,
        .task_poll = boom_poll,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        return host->register_connector(reg, &desc);
}
