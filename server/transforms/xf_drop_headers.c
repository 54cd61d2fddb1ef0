/*
 * xf_drop_headers — org.apache.kafka.connect.transforms.DropHeaders:
 * removes every header whose name is listed (exact, case-sensitive) and
 * keeps the others in their order. Works on tombstones, never fails.
 */
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#include <stdlib.h>

typedef struct {
        char **names;
        size_t n;
} drop_headers_t;

static const connectd_config_def_t defs[] = {
        { .name = "headers", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "The name of the headers to be removed.",
          .order = -1, .validator = xf_valid_nonempty_list },
        { .name = NULL }
};

static void drop_close(void *state)
{
        drop_headers_t *d = state;

        if (!d)
                return;
        xf_list_free(d->names, d->n);
        free(d);
}

static int drop_configure(const json_t *props, void **state, xerr_t *err)
{
        drop_headers_t *d = calloc(1, sizeof(*d));

        *state = NULL;
        if (!d)
                return xf_oom(err);
        if (xf_conf_nonempty_list(props, "headers", &d->names, &d->n, err) <
            0) {
                drop_close(d);
                return -1;
        }
        *state = d;
        return 0;
}

static int drop_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const drop_headers_t *d = state;
        size_t i;

        (void)err;
        for (i = 0; i < d->n && r->headers.count; i++)
                headers_remove(&r->headers, d->names[i]);
        return XFORM_KEEP;
}

const xform_class_t xf_drop_headers = {
        .name = "org.apache.kafka.connect.transforms.DropHeaders",
        .alias = "DropHeaders",
        .kind = XFORM_TRANSFORMATION,
        .doc = "Removes one or more headers from each record.",
        .defs = defs,
        .configure = drop_configure,
        .apply = drop_apply,
        .close = drop_close,
};
