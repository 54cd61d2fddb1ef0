/*
 * xf_filter — org.apache.kafka.connect.transforms.Filter: drops every
 * record it is applied to (normally guarded by a predicate).
 */
#include "transform.h"

static const connectd_config_def_t filter_defs[] = {
        {.name = NULL},
};

static int filter_configure(const json_t *props, void **state, xerr_t *err)
{
        (void)props;
        (void)err;
        *state = NULL;
        return 0;
}

static int filter_apply(void *state, xrecord_t *r, xerr_t *err)
{
        (void)state;
        (void)r;
        (void)err;
        return XFORM_DROP;
}

static void filter_close(void *state)
{
        (void)state;
}

const xform_class_t xf_filter = {
        .name = "org.apache.kafka.connect.transforms.Filter",
        .alias = "Filter",
        .kind = XFORM_TRANSFORMATION,
        .doc = "Drops all records, filtering them from subsequent "
               "transformations in the chain. This is intended to be used "
               "conditionally to filter out records matching (or not "
               "matching) a particular Predicate.",
        .defs = filter_defs,
        .configure = filter_configure,
        .apply = filter_apply,
        .close = filter_close,
};
