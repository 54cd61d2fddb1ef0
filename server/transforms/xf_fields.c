/*
 * xf_fields — shared pieces of the field transforms (see xf_fields.h).
 *
 * DESIGN
 * BigDecimal arithmetic is done on decimal digit strings: the transforms
 * only need the integer part modulo 2^64 (unsigned arithmetic wraps
 * exactly like BigInteger.longValue), text, correctly rounded doubles
 * (strtod on the decimal text) and conversion to and from two's-complement
 * bytes (schoolbook base 256 <-> base 10, quadratic but on config-sized or
 * record-sized numbers).
 */
#include "xf_fields.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"
#include "xf_util.h"

/* ---- configure() ---------------------------------------------------- */

static int missing(const char *key, xerr_t *err)
{
        xerr_set(err, XERR_CONFIG,
                 "Missing required configuration \"%s\" which has no "
                 "default value.",
                 key);
        return -1;
}

int xf_cfg_string(const json_t *props, const char *key, int required,
                  char **out, xerr_t *err)
{
        const char *s = xf_prop(props, key);

        *out = NULL;
        if (!s)
                return required ? missing(key, err) : 0;
        if (!(*out = java_trim_dup(s)))
                return xf_oom(err);
        return 0;
}

int xf_cfg_list(const json_t *props, const char *key, int required,
                char ***items, size_t *n, int *present, xerr_t *err)
{
        const char *s = xf_prop(props, key);

        *items = NULL;
        *n = 0;
        if (present)
                *present = s != NULL;
        if (!s)
                return required ? missing(key, err) : 0;
        if (xf_list(s, items, n) < 0)
                return xf_oom(err);
        return 0;
}

int xf_cfg_bool(const json_t *props, const char *key, int def, int *out,
                xerr_t *err)
{
        const char *s = xf_prop(props, key);
        int b;

        *out = def;
        if (!s)
                return 0;
        if ((b = java_parse_boolean(s)) < 0) {
                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration %s: Expected "
                         "value to be either true or false",
                         s, key);
                return -1;
        }
        *out = b;
        return 0;
}

/* ---- struct fields --------------------------------------------------- */

connectd_value_t *xf_field_get(const connectd_value_t *st,
                               const schema_field_t *f, int rnwd)
{
        connectd_value_t *v = val_get(st, f->name, NULL);

        if (!v && rnwd && f->schema && !value_is_null(f->schema->default_value))
                return (connectd_value_t *)f->schema->default_value;
        return v;
}

int xf_field_put(arena_t *a, connectd_value_t *st, const schema_field_t *f,
                 connectd_value_t *v, xerr_t *err)
{
        if (value_is_null(v) && f->schema && !f->schema->optional) {
                xerr_set(err, XERR_DATA,
                         "Invalid value: null used for required field: "
                         "\"%s\", schema type: %s",
                         f->name, schema_type_name(f->schema->type));
                return -1;
        }
        if (val_put(a, st, f->name, v) < 0)
                return xf_oom(err);
        return 0;
}

int xf_map_put(arena_t *a, connectd_value_t *m, const char *name,
               connectd_value_t *v)
{
        int found;
        connectd_value_t *k;

        if (m->type != CONNECTD_VAL_MAP)
                return val_put(a, m, name, v);
        (void)val_get(m, name, &found);
        if (found)
                return val_put(a, m, name, v);
        if (!(k = val_string(a, name, strlen(name))))
                return -1;
        return val_append(a, m, k, v);
}

connectd_value_t *xf_map_copy(arena_t *a, const connectd_value_t *m)
{
        connectd_value_t *c = val_shallow_copy(a, m);

        if (c && c->type == CONNECTD_VAL_STRUCT)
                c->schema = NULL;
        return c;
}

connect_schema_t *xf_schema_basics(arena_t *a, const connect_schema_t *from,
                                   connectd_value_type_t type)
{
        connect_schema_t *s = schema_new(a, type);

        if (!s)
                return NULL;
        s->name = from->name;
        s->has_version = from->has_version;
        s->version = from->version;
        s->doc = from->doc;
        s->params = from->params;
        s->nparams = from->nparams;
        return s;
}

float xf_d2f(double d)
{
        if (isfinite(d) && fabs(d) > FLT_MAX) {
                /* FLT_MAX plus half an ulp and more round to infinity */
                if (fabs(d) >= 0x1.ffffffp+127)
                        return d < 0 ? -INFINITY : INFINITY;
                return d < 0 ? -FLT_MAX : FLT_MAX;
        }
        return (float)d;
}

int xf_oom(xerr_t *err)
{
        xerr_set(err, XERR_DATA, "out of memory");
        return -1;
}

/* ---- String.split(":") ------------------------------------------------ */

int xf_split_colon(const char *s, char ***parts, size_t *n)
{
        size_t cnt = 1, i, keep;
        const char *p;
        char **l;

        *parts = NULL;
        *n = 0;
        for (p = s; *p; p++)
                cnt += *p == ':';
        if (!(l = calloc(cnt, sizeof(*l))))
                return -1;
        for (i = 0, p = s; i < cnt; i++) {
                const char *c = strchr(p, ':');
                size_t len = c ? (size_t)(c - p) : strlen(p);

                if (!(l[i] = strndup(p, len))) {
                        xf_list_free(l, i);
                        return -1;
                }
                p = c ? c + 1 : p + len;
        }
        /* "".split(":") is [""]; otherwise trailing empties go */
        keep = cnt;
        if (*s)
                while (keep > 0 && !*l[keep - 1])
                        free(l[--keep]);
        *parts = l;
        *n = keep;
        return 0;
}

/* ---- BigDecimal -------------------------------------------------------- */

static int is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* digits[0..len) without leading zeros (at least "0"), malloc'd. */
static char *norm_digits(const char *p, size_t len)
{
        while (len > 1 && *p == '0') {
                p++;
                len--;
        }
        return len ? strndup(p, len) : strdup("0");
}

int xf_bigdec_parse(const char *s, size_t len, xf_bigdec_t *d)
{
        const char *p = s, *end = s + len;
        char *buf;
        size_t nd = 0, frac = 0;
        int64_t exp = 0;
        int seen_dot = 0;

        memset(d, 0, sizeof(*d));
        if (p < end && (*p == '+' || *p == '-'))
                d->neg = *p++ == '-';
        if (!(buf = malloc(len + 1)))
                return -2;
        for (; p < end; p++) {
                if (is_digit(*p)) {
                        buf[nd++] = *p;
                        frac += seen_dot;
                } else if (*p == '.' && !seen_dot) {
                        seen_dot = 1;
                } else {
                        break;
                }
        }
        if (!nd)
                goto bad;
        if (p < end && (*p == 'e' || *p == 'E')) {
                int eneg = 0;
                size_t ed = 0;

                p++;
                if (p < end && (*p == '+' || *p == '-'))
                        eneg = *p++ == '-';
                for (; p < end && is_digit(*p); p++, ed++) {
                        if (exp > 1000000000)
                                goto bad;
                        exp = exp * 10 + (*p - '0');
                }
                if (!ed)
                        goto bad;
                if (eneg)
                        exp = -exp;
        }
        if (p != end)
                goto bad;
        d->scale = (int64_t)frac - exp;
        if (d->scale > INT32_MAX || d->scale < INT32_MIN)
                goto bad;
        d->digits = norm_digits(buf, nd);
        free(buf);
        if (!d->digits)
                return -2;
        if (strcmp(d->digits, "0") == 0) /* BigDecimal has no -0 */
                d->neg = 0;
        return 0;
bad:
        free(buf);
        return -1;
}

int xf_bigdec_from_bytes(const unsigned char *p, size_t len, int64_t scale,
                         xf_bigdec_t *d)
{
        unsigned char *mag = NULL;
        char *dig = NULL;
        size_t i, nd = 0, cap = len * 3 + 2;
        int nonzero;

        memset(d, 0, sizeof(*d));
        d->scale = scale;
        d->neg = len && (p[0] & 0x80);
        if (!(mag = malloc(len + 1)) || !(dig = malloc(cap)))
                goto oom;
        /* magnitude: two's complement negated when negative */
        for (i = 0; i < len; i++)
                mag[i] = d->neg ? (unsigned char)~p[i] : p[i];
        if (d->neg)
                for (i = len; i-- > 0;)
                        if (++mag[i] != 0)
                                break;
        /* repeated division by 10, least significant digit first */
        do {
                unsigned rem = 0;

                nonzero = 0;
                for (i = 0; i < len; i++) {
                        unsigned cur = rem * 256 + mag[i];

                        mag[i] = (unsigned char)(cur / 10);
                        rem = cur % 10;
                        nonzero |= mag[i];
                }
                dig[nd++] = (char)('0' + rem);
        } while (nonzero);
        for (i = 0; i < nd / 2; i++) {
                char t = dig[i];

                dig[i] = dig[nd - 1 - i];
                dig[nd - 1 - i] = t;
        }
        d->digits = norm_digits(dig, nd);
        free(mag);
        free(dig);
        if (!d->digits)
                return -2;
        if (strcmp(d->digits, "0") == 0)
                d->neg = 0;
        return 0;
oom:
        free(mag);
        free(dig);
        return -2;
}

void xf_bigdec_free(xf_bigdec_t *d)
{
        free(d->digits);
        d->digits = NULL;
}

int64_t xf_bigdec_long(const xf_bigdec_t *d)
{
        size_t nd = strlen(d->digits), use = nd, i;
        uint64_t acc = 0;

        if (d->scale > 0)
                use = (uint64_t)d->scale >= nd ? 0 : nd - (size_t)d->scale;
        for (i = 0; i < use; i++)
                acc = acc * 10 + (uint64_t)(d->digits[i] - '0');
        if (d->scale < 0 && acc) {
                /* 10^64 is a multiple of 2^64: more zeros change nothing */
                int64_t z = -d->scale > 64 ? 64 : -d->scale;

                while (z-- > 0)
                        acc *= 10;
        }
        if (d->neg)
                acc = 0 - acc;
        return (int64_t)acc;
}

static char *sci_text(const xf_bigdec_t *d)
{
        char *s;

        if (asprintf(&s, "%s%se%" PRId64, d->neg ? "-" : "", d->digits,
                     -d->scale) < 0)
                return NULL;
        return s;
}

double xf_bigdec_double(const xf_bigdec_t *d)
{
        char *s = sci_text(d);
        double r = s ? strtod(s, NULL) : 0;

        free(s);
        return r;
}

float xf_bigdec_float(const xf_bigdec_t *d)
{
        char *s = sci_text(d);
        float r = s ? strtof(s, NULL) : 0;

        free(s);
        return r;
}

char *xf_bigdec_str(const xf_bigdec_t *d)
{
        const char *c = d->digits, *sign = d->neg ? "-" : "";
        int64_t n = (int64_t)strlen(c), adjusted = -d->scale + (n - 1);
        char *s = NULL;
        int rc;

        if (d->scale == 0) {
                rc = asprintf(&s, "%s%s", sign, c);
        } else if (d->scale > 0 && adjusted >= -6) {
                int64_t pad = d->scale - n;

                if (pad >= 0) {
                        size_t sl = strlen(sign);

                        rc = -1;
                        if ((s = malloc(sl + 2 + (size_t)pad + (size_t)n + 1))) {
                                memcpy(s, sign, sl);
                                memcpy(s + sl, "0.", 2);
                                memset(s + sl + 2, '0', (size_t)pad);
                                strcpy(s + sl + 2 + pad, c);
                                rc = 0;
                        }
                } else {
                        rc = asprintf(&s, "%s%.*s.%s", sign,
                                      (int)(n - d->scale), c,
                                      c + (n - d->scale));
                }
        } else {
                rc = asprintf(&s, "%s%c%s%s%s%" PRId64, sign, c[0],
                              n > 1 ? "." : "", c + 1,
                              adjusted > 0 ? "E+" : "E", adjusted);
        }
        return rc < 0 ? NULL : s;
}

int xf_bigdec_bytes(arena_t *a, const xf_bigdec_t *d, int64_t scale,
                    const unsigned char **out, size_t *len)
{
        size_t nd = strlen(d->digits), use = nd, zeros = 0, i, nb, start;
        unsigned char *b;
        int neg = d->neg;

        if (d->scale > scale) {
                /* dropping digits: only zeros may go */
                uint64_t drop = (uint64_t)(d->scale - scale);

                for (i = 0; i < nd && i < drop; i++)
                        if (d->digits[nd - 1 - i] != '0')
                                return -1;
                use = drop >= nd ? 0 : nd - (size_t)drop;
        } else if (d->scale < scale) {
                if (scale - d->scale > 100000)
                        return -1;
                zeros = (size_t)(scale - d->scale);
        }
        if (use == 0 || (use == 1 && d->digits[0] == '0'))
                neg = 0, use = 0, zeros = 0;
        nb = (use + zeros) / 2 + 2;
        if (!(b = arena_alloc(a, nb)))
                return -2;
        memset(b, 0, nb);
        for (i = 0; i < use + zeros; i++) {
                unsigned carry = i < use ? (unsigned)(d->digits[i] - '0') : 0;
                size_t j;

                for (j = nb; j-- > 0;) {
                        unsigned v = b[j] * 10u + carry;

                        b[j] = (unsigned char)(v & 0xff);
                        carry = v >> 8;
                }
        }
        if (neg) {
                for (i = 0; i < nb; i++)
                        b[i] = (unsigned char)~b[i];
                for (i = nb; i-- > 0;)
                        if (++b[i] != 0)
                                break;
        }
        /* minimal two's complement, at least one byte */
        for (start = 0; start + 1 < nb; start++) {
                if (b[start] == 0x00 && !(b[start + 1] & 0x80))
                        continue;
                if (b[start] == 0xff && (b[start + 1] & 0x80))
                        continue;
                break;
        }
        *out = b + start;
        *len = nb - start;
        return 0;
}

int64_t xf_decimal_scale(const connect_schema_t *s)
{
        const char *p = schema_param(s, "scale");
        long long v;

        if (!p || java_parse_long(p, INT32_MIN, INT32_MAX, &v) < 0)
                return 0;
        return v;
}
