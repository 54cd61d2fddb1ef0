/* A plugin of transforms only, most of them broken: the good one must load
 * (a plugin needs no connector) and every bad one be refused with its own
 * reason:
 *  - com.example.test.GoodTransform: fine (keeps every record);
 *  - a transformation without apply;
 *  - a class named like a built-in, and one named like a built-in alias;
 *  - a descriptor for a newer ABI, one shorter than the first edition;
 *  - an unknown kind;
 *  - the good class registered a second time. */
#include <stddef.h>

#include "common.h"

static int keep_configure(const connectd_config_t *cfg, void **statep,
                          char *errstr, size_t errstr_size)
{
        (void)cfg;
        (void)errstr;
        (void)errstr_size;
        *statep = NULL;
        return 0;
}

static int keep_apply(void *state, connectd_xrecord_t *r, char *errstr,
                      size_t errstr_size)
{
        (void)state;
        (void)r;
        (void)errstr;
        (void)errstr_size;
        return CONNECTD_XFORM_KEEP;
}

#define XDESC(cls)                                                             \
        {CONNECTD_TRANSFORM_DESC_HEADER, .class_name = (cls),                  \
         .kind = CONNECTD_TRANSFORMATION, .configure = keep_configure,         \
         .apply = keep_apply}

static const connectd_transform_desc_t good =
        XDESC("com.example.test.GoodTransform");
static const connectd_transform_desc_t no_apply = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.test.NoApplyTransform",
        .kind = CONNECTD_TRANSFORMATION,
        .configure = keep_configure,
};
static const connectd_transform_desc_t builtin_name =
        XDESC("org.apache.kafka.connect.transforms.RegexRouter");
static const connectd_transform_desc_t builtin_alias = XDESC("Filter");
static const connectd_transform_desc_t newer = {
        .abi_version = CONNECTD_ABI_VERSION + 1,
        .struct_size = sizeof(connectd_transform_desc_t),
        .class_name = "com.example.test.NewerTransform",
        .kind = CONNECTD_TRANSFORMATION,
        .configure = keep_configure,
        .apply = keep_apply,
};
static const connectd_transform_desc_t too_small = {
        .abi_version = CONNECTD_ABI_VERSION,
        .struct_size = offsetof(connectd_transform_desc_t, configure),
        .class_name = "com.example.test.TooSmallTransform",
        .kind = CONNECTD_TRANSFORMATION,
};
static const connectd_transform_desc_t bad_kind = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.test.BadKindTransform",
        .kind = (connectd_transform_kind_t)7,
        .configure = keep_configure,
        .apply = keep_apply,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        host->register_transform(reg, &good);
        host->register_transform(reg, &no_apply);
        host->register_transform(reg, &builtin_name);
        host->register_transform(reg, &builtin_alias);
        host->register_transform(reg, &newer);
        host->register_transform(reg, &too_small);
        host->register_transform(reg, &bad_kind);
        host->register_transform(reg, &good);
        return 0;
}
