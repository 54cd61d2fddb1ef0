/*
 * fuzz_ui_path — the console's file server (rest_ui.c) on any path below
 * /ui and any If-None-Match: it never reads past its table, and a 200 is
 * always one of the embedded files, never for a path with a ".." segment.
 * The input is "path\nIf-None-Match value" (no newline: no header).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rest_ui.h"
#include "rest_ui_assets.h"

static const char *fuzz_header(const rest_xreq_t *x, const char *name)
{
        return strcasecmp(name, "If-None-Match") ? NULL : x->priv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *buf = malloc(size + 4);
        if (!buf)
                return 0;
        memcpy(buf, "/ui", 3);
        memcpy(buf + 3, data, size);
        buf[size + 3] = '\0';
        char *nl = strchr(buf, '\n');
        if (nl)
                *nl = '\0';
        rest_xreq_t x = {
                .method = (size & 1) ? "HEAD" : "GET",
                .path = buf,
                .header = fuzz_header,
                .priv = nl ? nl + 1 : NULL,
        };
        rest_xresp_t out;
        memset(&out, 0, sizeof(out));
        rest_ui_serve(NULL, &x, &out);
        if (out.status == 200) {
                int known = 0;
                for (const ui_asset_t *a = ui_assets; a->path; a++)
                        known |= out.static_body == a->data &&
                                 out.body_len == a->len;
                if (!known || strstr(buf, "/../") || strstr(buf, "%2e%2e") ||
                    strstr(buf, "%2E%2E"))
                        abort();
        }
        free(out.body);
        for (int i = 0; i < out.nh; i++)
                free(out.hvalue[i]);
        free(buf);
        return 0;
}
