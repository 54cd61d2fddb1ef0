#include "rest_metrics.h"

#include <string.h>

#include "buf.h"
#include "metrics.h"

void rest_metrics_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out)
{
        buf_t b;

        if (!metrics_on || strcmp(x->path, "/metrics") != 0) {
                rest_xresp_json(out, 404, json_pack(
                        "{s:i, s:s}", "error_code", 404, "message",
                        "HTTP 404 Not Found"));
                return;
        }
        if (strcmp(x->method, "GET") != 0) {
                rest_xresp_json(out, 405, json_pack(
                        "{s:i, s:s}", "error_code", 405, "message",
                        "HTTP 405 Method Not Allowed"));
                return;
        }
        buf_init(&b, 0);
        if (metrics_render(ctx, &b) || buf_putc(&b, '\0')) {
                buf_free(&b);
                rest_xresp_text(out, 503, "text/plain; charset=utf-8",
                                "metrics unavailable: the worker is busy\n");
                return;
        }
        out->status = 200;
        out->content_type = "text/plain; version=0.0.4; charset=utf-8";
        out->body = b.data; /* rest frees it */
        out->body_len = b.len - 1;
}
