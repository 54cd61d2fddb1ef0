/* Built for a plugin ABI newer than the worker's: must be refused with
 * "built for plugin ABI N, this worker supports up to M". */
#include "common.h"

static const connectd_connector_desc_t desc = {
        .abi_version = CONNECTD_ABI_VERSION + 1,
        .struct_size = sizeof(connectd_connector_desc_t) + 16,
        .class_name = "com.example.test.FutureSourceConnector",
        .type = CONNECTD_SOURCE,
        .version = "9.9.9",
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = tp_task_start,
        .task_poll = tp_poll_nothing,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        return host->register_connector(reg, &desc);
}
