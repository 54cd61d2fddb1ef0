#include <stdlib.h>
#include "mskc.h"

struct mskc {
        herder_t *h;
};

mskc_t *mskc_start(herder_t *h, const json_t *worker_props, char *errstr,
                   size_t errstr_size)
{
        mskc_t *m = calloc(1, sizeof(*m));
        (void)worker_props;
        (void)errstr;
        (void)errstr_size;
        if (m)
                m->h = h;
        return m;
}

void mskc_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out)
{
        (void)ctx;
        (void)x;
        rest_xresp_text(out, 404, "application/json",
                        "{\"message\":\"Not found\"}");
}

void mskc_stop(mskc_t *m)
{
        free(m);
}
