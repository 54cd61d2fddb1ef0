/* Keeps the registry handle and registers another class (a connector, and
 * a transform) from its connector's start(), long after init returned:
 * both registrations must be refused (the registry is only open during
 * init), without crashing. */
#include "common.h"

static connectd_registry_t *saved_reg;

static const connectd_connector_desc_t late = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.TooLateSourceConnector",
        .type = CONNECTD_SOURCE,
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = tp_task_start,
        .task_poll = tp_poll_nothing,
};

static int x_configure(const connectd_config_t *cfg, void **statep,
                       char *errstr, size_t errstr_size)
{
        (void)cfg;
        (void)errstr;
        (void)errstr_size;
        *statep = NULL;
        return 0;
}

static int x_apply(void *state, connectd_xrecord_t *r, char *errstr,
                   size_t errstr_size)
{
        (void)state;
        (void)r;
        (void)errstr;
        (void)errstr_size;
        return CONNECTD_XFORM_KEEP;
}

static const connectd_transform_desc_t late_x = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.test.TooLateTransform",
        .kind = CONNECTD_TRANSFORMATION,
        .configure = x_configure,
        .apply = x_apply,
};

static int late_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                      void **statep, char *errstr, size_t errstr_size)
{
        int rc = host->register_connector(saved_reg, &late);

        if (rc != 0 && CONNECTD_HOST_HAS(host, register_transform) &&
            host->register_transform)
                rc = host->register_transform(saved_reg, &late_x) == 0
                             ? 0
                             : rc;

        (void)ctx;
        (void)cfg;
        *statep = NULL;
        snprintf(errstr, errstr_size, "register_connector returned %d", rc);
        return rc == 0 ? 0 : -1;
}

static const connectd_connector_desc_t desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.LateRegisterSourceConnector",
        .type = CONNECTD_SOURCE,
        .start = late_start,
        .task_configs = tp_task_configs,
        .task_start = tp_task_start,
        .task_poll = tp_poll_nothing,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        saved_reg = reg;
        return host->register_connector(reg, &desc);
}
