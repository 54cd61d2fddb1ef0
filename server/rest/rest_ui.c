#include "rest_ui.h"

void rest_ui_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out)
{
        (void)ctx;
        (void)x;
        rest_xresp_text(out, 404, "text/plain; charset=utf-8",
                        "the console is not built yet\n");
}
