/* One plugin, several classes, most of them broken: the good one must stay
 * registered and every bad one be refused with its own reason:
 *  - GoodSourceConnector (alias "MixedGood"): fine;
 *  - a descriptor whose struct_size is smaller than ABI 1's;
 *  - a source without task_poll, a sink without task_put;
 *  - a class whose alias collides with the good class's alias;
 *  - the good class registered a second time. */
#include <stddef.h>

#include "common.h"

static const char *const good_aliases[] = {"MixedGood", NULL};

static const connectd_config_def_t good_defs[] = {
        {.name = "topic", .type = CONNECTD_CFG_STRING, .default_value = "t",
         .importance = CONNECTD_IMPORTANCE_HIGH, .documentation = "topic",
         .order = -1},
        {.name = NULL}};

static const connectd_connector_desc_t good = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.GoodSourceConnector",
        .aliases = good_aliases,
        .type = CONNECTD_SOURCE,
        .version = "1.2.3",
        .config_defs = good_defs,
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = tp_task_start,
        .task_poll = tp_poll_nothing,
};

static const connectd_connector_desc_t too_small = {
        .abi_version = CONNECTD_ABI_VERSION,
        .struct_size = offsetof(connectd_connector_desc_t, start),
        .class_name = "com.example.test.TooSmallSourceConnector",
        .type = CONNECTD_SOURCE,
};

static const connectd_connector_desc_t no_poll = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.NoPollSourceConnector",
        .type = CONNECTD_SOURCE,
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = tp_task_start,
        .task_put = tp_put_nothing, /* a sink callback does not count */
};

static const connectd_connector_desc_t no_put = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.NoPutSinkConnector",
        .type = CONNECTD_SINK,
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = tp_task_start,
};

static const char *const clash_aliases[] = {"MixedGood", NULL};

static const connectd_connector_desc_t alias_clash = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.AliasClashSinkConnector",
        .aliases = clash_aliases,
        .type = CONNECTD_SINK,
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = tp_task_start,
        .task_put = tp_put_nothing,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        host->register_connector(reg, &good);
        host->register_connector(reg, &too_small);
        host->register_connector(reg, &no_poll);
        host->register_connector(reg, &no_put);
        host->register_connector(reg, &alias_clash);
        host->register_connector(reg, &good);
        return 0;
}
