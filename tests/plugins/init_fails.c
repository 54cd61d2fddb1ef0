/* Registers a class and a transform, then its init returns -1: the plugin
 * is refused as a whole and neither class may stay behind. */
#include "common.h"

static const connectd_connector_desc_t desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.HalfInitSourceConnector",
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

static const connectd_transform_desc_t xdesc = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.test.HalfInitTransform",
        .kind = CONNECTD_TRANSFORMATION,
        .configure = x_configure,
        .apply = x_apply,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        host->register_connector(reg, &desc);
        if (CONNECTD_HOST_HAS(h, register_transform) && h->register_transform)
                host->register_transform(reg, &xdesc);
        host->log(NULL, CONNECTD_LOG_ERROR, "init_fails: giving up on purpose");
        return -1;
}
