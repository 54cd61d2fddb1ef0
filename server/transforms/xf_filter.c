/*
 * xf_filter — (not implemented yet: a placeholder class).
 */
#include "transform.h"

static int todo_configure(const json_t *props, void **state, xerr_t *err)
{
        (void)props;
        (void)state;
        xerr_set(err, XERR_CONFIG, "not implemented yet");
        return -1;
}

const xform_class_t xf_filter = {
        .name = "org.apache.kafka.connect.transforms.Filter",
        .alias = "Filter",
        .kind = XFORM_TRANSFORMATION,
        .configure = todo_configure,
};
