/*
 * The web console's files, served from the binary under /ui/: the right
 * Content-Type, an ETag that a conditional request turns into a 304, HEAD,
 * /ui redirecting to /ui/, 404 for an unknown file, 400 for a path that
 * climbs out (sent as is, not normalised by the client), and / still
 * Connect's JSON. The pages themselves are driven in a real browser by
 * tests/browser/console.test.mjs.
 */
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <criterion/criterion.h>

#include "harness.h"

typedef struct raw {
        long status;
        char etag[128];
        char ctype[128];
        char cache[128];
        size_t body_len;
} raw_t;

static size_t on_raw_body(char *d, size_t sz, size_t n, void *u)
{
        ((raw_t *)u)->body_len += sz * n;
        (void)d;
        return sz * n;
}

static void grab(const char *d, size_t len, const char *name, char *out,
                 size_t outn)
{
        size_t l = strlen(name);
        if (len > l && !strncasecmp(d, name, l) && d[l] == ':') {
                const char *v = d + l + 1;
                while (*v == ' ')
                        v++;
                size_t vl = len - (size_t)(v - d);
                while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
                        vl--;
                snprintf(out, outn, "%.*s", (int)vl, v);
        }
}

static size_t on_raw_header(char *d, size_t sz, size_t n, void *u)
{
        raw_t *r = u;
        grab(d, sz * n, "ETag", r->etag, sizeof(r->etag));
        grab(d, sz * n, "Content-Type", r->ctype, sizeof(r->ctype));
        grab(d, sz * n, "Cache-Control", r->cache, sizeof(r->cache));
        return sz * n;
}

/* A request with the path exactly as given and one optional header. */
static raw_t raw_req(const worker_t *w, const char *method, const char *path,
                     const char *header)
{
        raw_t r = { 0 };
        char url[1024];
        struct curl_slist *h = NULL;
        CURL *c = curl_easy_init();

        snprintf(url, sizeof(url), "%s%s", w->url, path);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)scaled_ms(30000));
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_raw_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_raw_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
        if (!strcmp(method, "HEAD"))
                curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        else
                curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (header) {
                h = curl_slist_append(h, header);
                curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        }
        if (curl_easy_perform(c) == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        return r;
}

static worker_t *w;
static void setup(void) { w = worker_start(NULL, NULL); }
static void teardown(void) { worker_free(w); }

TestSuite(ui, .init = setup, .fini = teardown, .timeout = 120);

Test(ui, files_have_their_content_type_and_an_etag)
{
        static const char *const files[][2] = {
                { "/ui/", "text/html; charset=utf-8" },
                { "/ui/index.html", "text/html; charset=utf-8" },
                { "/ui/app.js", "text/javascript; charset=utf-8" },
                { "/ui/style.css", "text/css; charset=utf-8" },
                { "/ui/favicon.svg", "image/svg+xml" },
        };
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                raw_t r = raw_req(w, "GET", files[i][0], NULL);
                cr_assert_eq(r.status, 200, "%s: %ld", files[i][0], r.status);
                cr_assert_str_eq(r.ctype, files[i][1], "%s", files[i][0]);
                cr_assert(r.etag[0] == '"', "%s: etag %s", files[i][0], r.etag);
                cr_assert_str_eq(r.cache, "no-cache");
                cr_assert_gt(r.body_len, 100, "%s", files[i][0]);
        }
        http_resp_t *h = http_req(w, "GET", "/ui/", NULL, NULL);
        cr_assert(strstr(h->body, "<script type=\"module\" src=\"app.js\">"),
                  "%s", h->body);
        http_resp_free(h);
}

Test(ui, a_matching_if_none_match_is_304_and_head_has_no_body)
{
        raw_t r = raw_req(w, "GET", "/ui/app.js", NULL);
        char inm[200];
        cr_assert_eq(r.status, 200);
        snprintf(inm, sizeof(inm), "If-None-Match: %s", r.etag);
        raw_t c = raw_req(w, "GET", "/ui/app.js", inm);
        cr_assert_eq(c.status, 304);
        cr_assert_eq(c.body_len, 0);
        cr_assert_str_eq(c.etag, r.etag);
        c = raw_req(w, "GET", "/ui/app.js", "If-None-Match: \"other\", W/\"x\"");
        cr_assert_eq(c.status, 200);
        raw_t h = raw_req(w, "HEAD", "/ui/app.js", NULL);
        cr_assert_eq(h.status, 200);
        cr_assert_eq(h.body_len, 0);
        cr_assert_str_eq(h.etag, r.etag);
        cr_assert_str_eq(h.ctype, "text/javascript; charset=utf-8");
        raw_t p = raw_req(w, "POST", "/ui/app.js", NULL);
        cr_assert_eq(p.status, 405);
}

Test(ui, ui_redirects_unknown_is_404_climbing_out_is_400)
{
        http_resp_t *r = http_req(w, "GET", "/ui", NULL, NULL);
        cr_assert_eq(r->status, 301);
        cr_assert_str_eq(r->location, "/ui/");
        http_resp_free(r);
        cr_assert_eq(raw_req(w, "GET", "/ui/nope.js", NULL).status, 404);
        cr_assert_eq(raw_req(w, "GET", "/ui/index.html/x", NULL).status, 404);
        cr_assert_eq(raw_req(w, "GET", "/uix", NULL).status, 404);
        static const char *const bad[] = {
                "/ui/../etc/passwd", "/ui/%2e%2e/etc/passwd",
                "/ui/a/..%2f..%2fx", "/ui/./index.html", "/ui/..",
                "/ui/%00", "/ui/a%5c..%5cb", "/ui/%zz",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_assert_eq(raw_req(w, "GET", bad[i], NULL).status, 400,
                             "%s", bad[i]);
}

Test(ui, the_rest_root_stays_connect_json)
{
        json_t *j = http_json(w, "GET", "/", NULL, 200);
        cr_assert(json_is_string(json_object_get(j, "version")));
        cr_assert(json_is_string(json_object_get(j, "commit")));
        json_decref(j);
}
