/*
 * xf_hoist_field — (not implemented yet: a placeholder class).
 */
#include "transform.h"

static int todo_configure(const json_t *props, void **state, xerr_t *err)
{
        (void)props;
        (void)state;
        xerr_set(err, XERR_CONFIG, "not implemented yet");
        return -1;
}

const xform_class_t xf_hoist_field_key = {
        .name = "org.apache.kafka.connect.transforms.HoistField$Key",
        .kind = XFORM_TRANSFORMATION,
        .configure = todo_configure,
};

const xform_class_t xf_hoist_field_value = {
        .name = "org.apache.kafka.connect.transforms.HoistField$Value",
        .kind = XFORM_TRANSFORMATION,
        .configure = todo_configure,
};
