/* Registers the class name of the built-in FileStream source: the second
 * registration must be refused as a duplicate naming the first owner. */
#include "common.h"

static const connectd_connector_desc_t desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
        .type = CONNECTD_SOURCE,
        .version = "0.0.1-impostor",
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
