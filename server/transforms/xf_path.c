/*
 * xf_path — KIP-821 field paths (see xf_path.h). The V2 parser follows
 * SingleFieldPath.buildFieldPathV2 step by step, so odd inputs (a
 * backtick inside a step, an escaped backtick not followed by a dot) come
 * out as they do in Java.
 */
#include "xf_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xf_fields.h"
#include "xf_util.h"

int xf_path_valid_version(const char *name, const char *value, char *errstr,
                          size_t errstr_size)
{
        (void)name;
        /* NULL: absent, so the default V1 */
        if (!value || !strcasecmp(value, "V1") || !strcasecmp(value, "V2"))
                return 0;
        snprintf(errstr, errstr_size,
                 "String must be one of (case insensitive): V1, V2");
        return -1;
}

static int add_step(xf_path_t *p, const char *s, size_t len)
{
        char **g = realloc(p->steps, (p->n + 1) * sizeof(*g));

        if (!g)
                return -1;
        p->steps = g;
        if (!(g[p->n] = strndup(s, len)))
                return -1;
        p->n++;
        return 0;
}

/* Appends s[0..len) to the growing step in *buf. */
static int buf_add(char **buf, size_t *blen, const char *s, size_t len)
{
        char *g = realloc(*buf, *blen + len + 1);

        if (!g)
                return -1;
        memcpy(g + *blen, s, len);
        *blen += len;
        g[*blen] = '\0';
        *buf = g;
        return 0;
}

static int incomplete(const char *path, size_t at, xerr_t *err)
{
        xerr_set(err, XERR_CONFIG,
                 "Incomplete backtick pair in path: [%s], consider adding a "
                 "backslash before backtick at position %zu to escape it",
                 path, at);
        return -1;
}

static int parse_v2(const char *path, xf_path_t *p, xerr_t *err)
{
        size_t len = strlen(path), idx = 0;
        char *field = NULL;
        size_t flen = 0;

        while (idx < len) {
                if (path[idx] != '`') {
                        const char *dot = strchr(path + idx, '.');
                        size_t end = dot ? (size_t)(dot - path) : len;

                        if (add_step(p, path + idx, end - idx) < 0)
                                goto oom;
                        if (!dot)
                                break;
                        idx = end + 1;
                        continue;
                }
                size_t at = idx++, start = idx;

                free(field);
                field = NULL;
                flen = 0;
                if (buf_add(&field, &flen, "", 0) < 0)
                        goto oom;
                for (;;) {
                        const char *bt = strchr(path + idx, '`');
                        int escaped;

                        if (!bt) {
                                free(field);
                                return incomplete(path, at, err);
                        }
                        idx = (size_t)(bt - path);
                        escaped = path[idx - 1] == '\\';
                        if (idx + 1 >= len) {
                                if (escaped) {
                                        free(field);
                                        return incomplete(path, at, err);
                                }
                                if (buf_add(&field, &flen, path + start,
                                            idx - start) < 0 ||
                                    add_step(p, field, flen) < 0)
                                        goto oom;
                                idx++;
                                break;
                        }
                        if (path[idx + 1] != '.') {
                                idx++;
                                continue;
                        }
                        if (escaped) {
                                if (buf_add(&field, &flen, path + start,
                                            idx - 1 - start) < 0 ||
                                    buf_add(&field, &flen, "`", 1) < 0)
                                        goto oom;
                                start = ++idx;
                                continue;
                        }
                        if (buf_add(&field, &flen, path + start,
                                    idx - start) < 0 ||
                            add_step(p, field, flen) < 0)
                                goto oom;
                        idx += 2;
                        break;
                }
        }
        free(field);
        if (len && path[len - 1] == '.' && add_step(p, "", 0) < 0)
                goto oom_nofield;
        return 0;
oom:
        free(field);
oom_nofield:
        xerr_set(err, XERR_DATA, "out of memory");
        return -1;
}

int xf_path_parse(const char *text, int version, xf_path_t *p, xerr_t *err)
{
        memset(p, 0, sizeof(*p));
        if (version == 2 && parse_v2(text, p, err) < 0)
                goto fail;
        /* V1, and a V2 path without steps (""), is one step */
        if (!p->n && add_step(p, text, strlen(text)) < 0) {
                xerr_set(err, XERR_DATA, "out of memory");
                goto fail;
        }
        return 0;
fail:
        xf_path_free(p);
        return -1;
}

void xf_path_free(xf_path_t *p)
{
        xf_list_free(p->steps, p->n);
        p->steps = NULL;
        p->n = 0;
}

static int lookup(const connect_schema_t *s, const char *step,
                  const schema_field_t **out, xerr_t *err)
{
        if (s->type != CONNECTD_VAL_STRUCT) {
                xerr_set(err, XERR_DATA,
                         "Cannot look up fields on non-struct type");
                return -1;
        }
        *out = schema_field(s, step);
        return 0;
}

int xf_path_field(const xf_path_t *p, const connect_schema_t *s,
                  const schema_field_t **out, xerr_t *err)
{
        const schema_field_t *f = NULL;
        size_t i;

        *out = NULL;
        for (i = 0; i < p->n; i++) {
                if (lookup(s, p->steps[i], &f, err) < 0)
                        return -1;
                if (!f)
                        return 0;
                s = f->schema;
        }
        *out = f;
        return 0;
}

int xf_path_struct_value(const xf_path_t *p, const connectd_value_t *st,
                         int rnwd, connectd_value_t **out, xerr_t *err)
{
        size_t i;

        *out = NULL;
        for (i = 0; st && i < p->n; i++) {
                const schema_field_t *f = schema_field(st->schema,
                                                       p->steps[i]);
                connectd_value_t *v;

                if (!f)
                        return 0;
                v = xf_field_get(st, f, rnwd);
                if (i + 1 == p->n) {
                        *out = v;
                        return 0;
                }
                if (v && xf_require_struct(v, "nested field access", err) < 0)
                        return -1;
                st = v;
        }
        return 0;
}

int xf_path_map_value(const xf_path_t *p, const connectd_value_t *m,
                      connectd_value_t **out, xerr_t *err)
{
        size_t i;

        *out = NULL;
        for (i = 0; m && i < p->n; i++) {
                connectd_value_t *v = val_get(m, p->steps[i], NULL);

                if (i + 1 == p->n) {
                        *out = v;
                        return 0;
                }
                if (v && xf_require_map(v, "nested field access", err) < 0)
                        return -1;
                m = v;
        }
        return 0;
}
