/*
 * rest_ui — the web console's static files (ui/ in the source tree, carried
 * in the binary by cmake/embed_ui.cmake) under /ui/.
 *
 * /ui redirects to /ui/, /ui/ is index.html, every other path names one
 * file of the table exactly; anything else is 404, a path that tries to
 * climb out (a ".." segment, a backslash, an encoded NUL) 400. GET and HEAD
 * only (libmicrohttpd leaves the body out of a HEAD answer). Every answer
 * carries the file's build-time ETag and "Cache-Control: no-cache": the
 * browser keeps its copy and revalidates it (a 304) on each load, so a new
 * binary's console is picked up at once.
 */
#include <stdlib.h>
#include <string.h>

#include "rest_ui.h"
#include "rest_ui_assets.h"

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Percent-decode `s` (malloc'd); NULL on a bad or NUL escape. */
static char *path_decode(const char *s)
{
        size_t n = strlen(s), j = 0;
        char *d = malloc(n + 1);

        if (!d)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '%') {
                        int hi = hexval(s[i + 1]); /* '\0' is -1 */
                        int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
                        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                                free(d);
                                return NULL;
                        }
                        d[j++] = (char)(hi * 16 + lo);
                        i += 2;
                } else {
                        d[j++] = s[i];
                }
        }
        d[j] = '\0';
        return d;
}

/* 1 when a segment of `p` is "." or "..", or it holds a backslash. */
static int climbs(const char *p)
{
        if (strchr(p, '\\'))
                return 1;
        for (const char *s = p; s; s = strchr(s + 1, '/')) {
                const char *seg = *s == '/' ? s + 1 : s;
                size_t l = strcspn(seg, "/");
                if ((l == 1 && seg[0] == '.') ||
                    (l == 2 && seg[0] == '.' && seg[1] == '.'))
                        return 1;
        }
        return 0;
}

static const ui_asset_t *find_asset(const char *name)
{
        for (const ui_asset_t *a = ui_assets; a->path; a++)
                if (!strcmp(a->path, name))
                        return a;
        return NULL;
}

/* If-None-Match holds `etag` (or "*"): a list, weak forms count too. */
static int etag_matches(const char *inm, const char *etag)
{
        size_t el = strlen(etag);

        if (!inm)
                return 0;
        for (const char *p = inm; *p;) {
                p += strspn(p, " \t,");
                if (!*p)
                        break;
                size_t l = strcspn(p, ",");
                const char *t = p;
                size_t tl = l;
                while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
                        tl--;
                if (tl >= 2 && t[0] == 'W' && t[1] == '/') {
                        t += 2;
                        tl -= 2;
                }
                if ((tl == 1 && t[0] == '*') ||
                    (tl == el && !memcmp(t, etag, el)))
                        return 1;
                p += l;
        }
        return 0;
}

void rest_ui_serve(void *ctx, const rest_xreq_t *x, rest_xresp_t *out)
{
        const char *rest = x->path + strlen("/ui");
        const ui_asset_t *a;
        char *name = NULL;
        (void)ctx;

        if (strcmp(x->method, "GET") && strcmp(x->method, "HEAD")) {
                rest_xresp_text(out, 405, "text/plain; charset=utf-8",
                                "method not allowed\n");
                rest_xresp_header(out, "Allow", "GET, HEAD");
                return;
        }
        if (!*rest) {
                rest_xresp_text(out, 301, "text/plain; charset=utf-8",
                                "moved to /ui/\n");
                rest_xresp_header(out, "Location", "/ui/");
                return;
        }
        name = path_decode(rest);
        if (!name || climbs(name)) {
                rest_xresp_text(out, 400, "text/plain; charset=utf-8",
                                "bad path\n");
                goto cleanup;
        }
        a = find_asset(!strcmp(name, "/") ? "/index.html" : name);
        if (!a) {
                rest_xresp_text(out, 404, "text/plain; charset=utf-8",
                                "not found\n");
                goto cleanup;
        }
        rest_xresp_header(out, "ETag", a->etag);
        rest_xresp_header(out, "Cache-Control", "no-cache");
        rest_xresp_header(out, "X-Content-Type-Options", "nosniff");
        rest_xresp_header(out, "Content-Security-Policy",
                          "default-src 'self'; img-src 'self' data:; "
                          "style-src 'self' 'unsafe-inline'; "
                          "object-src 'none'; frame-ancestors 'none'");
        if (etag_matches(x->header(x, "If-None-Match"), a->etag)) {
                out->status = 304;
                goto cleanup;
        }
        out->status = 200;
        out->content_type = a->content_type;
        out->static_body = a->data;
        out->body_len = a->len;
cleanup:
        free(name);
}
