/*
 * fuzz_rest — the REST request path without sockets: size checks, query
 * parsing, routing, percent-decoding of captures, cross-origin rules,
 * Content-Type and body parsing, every handler against the in-memory
 * herder stand-in of the unit tests, and the error-body builder.
 *
 * Input: one flag byte (bit 0: a server with access.control.allow.origin
 * set), then "METHOD TARGET\n", header lines "Name: value\n", an empty
 * line, and the body (any bytes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rest.h"
#include "../unit/test_rest_stubs.h"

#define MAX_HEADERS 32

static rest_t *servers[2];
static json_t *props[2];

static void init(void)
{
        static int dummy;
        char err[256];
        props[0] = json_pack("{s:s,s:s}", "listeners", "http://127.0.0.1:0",
                             "rest.request.max.bytes", "65536");
        props[1] = json_pack("{s:s,s:s,s:s,s:s}", "listeners",
                             "http://127.0.0.1:0", "rest.request.max.bytes",
                             "65536", "access.control.allow.origin",
                             "http://ui.example,http://*.corp.example",
                             "access.control.allow.methods",
                             "GET,POST,PUT,DELETE,PATCH");
        for (int i = 0; i < 2; i++) {
                servers[i] = rest_start((herder_t *)&dummy, props[i], err,
                                        sizeof(err));
                if (!servers[i])
                        abort();
        }
        stub_reset();
}

/* Cut the next '\n'-terminated line off [*p, end); NUL-terminates it in
 * place (the buffer is ours). */
static char *next_line(char **p, char *end)
{
        char *s = *p;
        if (s >= end)
                return NULL;
        char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
                nl = end;
        *nl = '\0';
        if (nl > s && nl[-1] == '\r')
                nl[-1] = '\0';
        *p = nl < end ? nl + 1 : end;
        return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static unsigned runs;
        if (!servers[0])
                init();
        if (size < 1)
                return 0;
        if (++runs % 64 == 0)
                stub_reset();
        rest_t *r = servers[data[0] & 1];
        char *buf = malloc(size);
        if (!buf)
                return 0;
        memcpy(buf, data + 1, size - 1);
        buf[size - 1] = '\0';
        char *p = buf, *end = buf + size - 1;

        char *line = next_line(&p, end);
        const char *method = "GET", *target = "/";
        if (line && *line) {
                char *sp = strchr(line, ' ');
                method = line;
                if (sp) {
                        *sp = '\0';
                        target = sp + 1;
                }
        }
        const char *hdrs[2 * MAX_HEADERS + 2];
        int nh = 0;
        while ((line = next_line(&p, end)) && *line && nh < MAX_HEADERS) {
                char *colon = strchr(line, ':');
                if (!colon)
                        continue;
                *colon++ = '\0';
                while (*colon == ' ')
                        colon++;
                hdrs[2 * nh] = line;
                hdrs[2 * nh + 1] = colon;
                nh++;
        }
        hdrs[2 * nh] = hdrs[2 * nh + 1] = NULL;

        char *out = NULL;
        unsigned status = rest_handle(r, method, target, hdrs, p,
                                      (size_t)(end - p), &out);
        /* every answer is a status, and every error carries a message */
        if (status < 100 || status > 599)
                abort();
        if (status >= 400) {
                json_t *j = out ? json_loads(out, 0, NULL) : NULL;
                if (!j || !json_is_string(json_object_get(j, "message")) ||
                    json_integer_value(json_object_get(j, "error_code")) !=
                            (json_int_t)status)
                        abort();
                json_decref(j);
        }
        free(out);
        free(buf);
        return 0;
}
