/* Registers a class, then its init returns -1: the plugin is refused as a
 * whole and the class it registered must not stay behind. */
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

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        host->register_connector(reg, &desc);
        host->log(NULL, CONNECTD_LOG_ERROR, "init_fails: giving up on purpose");
        return -1;
}
