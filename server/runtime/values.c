/*
 * values — Connect's Values.parseString / convertToString (see values.h).
 *
 * DESIGN
 * parseString is a port of Java's Values.Parser and Values.parse: the text
 * is cut into tokens at the delimiters : , { } [ ] " (a backslash escapes
 * the next delimiter), and parse() reads literals, quoted strings, arrays,
 * maps, temporal values and numbers from them exactly as Java does,
 * including its corners: an array or map that fails to parse (a
 * DataException inside Java's try) is read again as plain text, items are
 * made to fit the common schema the way Java's alignListEntriesWithSchema
 * does, and a top-level text that is nothing else comes back whole as a
 * STRING. Strings are bytes: the delimiters are ASCII, so cutting UTF-8
 * at them is the same as cutting Java's UTF-16; String.trim's "chars <=
 * ' '" is applied to bytes.
 *
 * Java's SimpleDateFormat parses leniently in the JVM zone; here the three
 * ISO forms are read leniently (fields may overflow: month 13 is January
 * of the next year) in UTC on the proleptic Gregorian calendar.
 *
 * Deliberate limits: a Decimal (an integer beyond int64, or a number that
 * overflows double) keeps at most VALUES_MAX_DIGITS digits, longer ones
 * stay text; items of an array that would need a Decimal rescaled, or a
 * Date moved to a Time, make the array text (Java would keep the odd
 * object). Depth is capped at VALUES_MAX_DEPTH (deeper: text).
 *
 * Threads: no state; everything is reentrant.
 */
#include "values.h"
#include "javafmt.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define VALUES_MAX_DIGITS 1000
#define VALUES_MAX_DEPTH 64
#define MS_PER_DAY 86400000LL

const connect_schema_t values_date_schema = {
        .type = CONNECTD_VAL_INT32, .name = LOGICAL_DATE,
        .has_version = 1, .version = 1
};
const connect_schema_t values_time_schema = {
        .type = CONNECTD_VAL_INT32, .name = LOGICAL_TIME,
        .has_version = 1, .version = 1
};
const connect_schema_t values_timestamp_schema = {
        .type = CONNECTD_VAL_INT64, .name = LOGICAL_TIMESTAMP,
        .has_version = 1, .version = 1
};

/* ---- the tokenizer (Java's Values.Parser) ----------------------------- */

typedef struct {
        const char *s;
        size_t len, pos;
        int has_next;            /* a token read ahead (nextToken) */
        size_t next_start, next_len;
        int has_prev;            /* previousToken */
        size_t prev_start, prev_len;
} parser_t;

typedef struct {
        const connect_schema_t *schema;
        connectd_value_t *value;
} sv_t;

/* Return codes: 0 a value (sv filled), 1 Java's null, -1 out of memory,
 * -2 a DataException. */
#define P_OK 0
#define P_NULL 1
#define P_OOM (-1)
#define P_ERR (-2)

static int is_delim(char c)
{
        return c == ':' || c == ',' || c == '{' || c == '}' || c == '[' ||
               c == ']' || c == '"';
}

static void consume_next(parser_t *p, size_t *start, size_t *len)
{
        int escaped = 0;
        size_t b = p->pos;

        while (p->pos < p->len) {
                char c = p->s[p->pos];

                if (c == '\\') {
                        escaped = !escaped;
                } else if (is_delim(c)) {
                        if (!escaped) {
                                if (b < p->pos) {
                                        *start = b;
                                        *len = p->pos - b;
                                        return;
                                }
                                p->pos++;
                                *start = b;
                                *len = 1;
                                return;
                        }
                        escaped = 0;
                } else {
                        escaped = 0;
                }
                p->pos++;
        }
        *start = b;
        *len = p->pos - b;
}

static size_t p_mark(const parser_t *p)
{
        return p->pos - (p->has_next ? p->next_len : 0);
}

static void p_rewind(parser_t *p, size_t pos)
{
        p->pos = pos;
        p->has_next = 0;
        p->has_prev = 0;
}

static int p_has_next(const parser_t *p)
{
        return p->has_next || p->pos < p->len;
}

static void p_next(parser_t *p, size_t *start, size_t *len)
{
        if (p->has_next) {
                p->prev_start = p->next_start;
                p->prev_len = p->next_len;
                p->has_next = 0;
        } else {
                consume_next(p, &p->prev_start, &p->prev_len);
        }
        p->has_prev = 1;
        *start = p->prev_start;
        *len = p->prev_len;
}

/* String.trim on a span. */
static void trim_span(const char *s, size_t *start, size_t *len)
{
        while (*len && (unsigned char)s[*start] <= ' ') {
                (*start)++;
                (*len)--;
        }
        while (*len && (unsigned char)s[*start + *len - 1] <= ' ')
                (*len)--;
}

static int span_eq(const char *s, size_t start, size_t len, const char *lit)
{
        trim_span(s, &start, &len);
        return len == strlen(lit) && memcmp(s + start, lit, len) == 0;
}

static int span_blank(const char *s, size_t start, size_t len)
{
        trim_span(s, &start, &len);
        return len == 0;
}

static int p_can_consume(parser_t *p, const char *expected)
{
        if (!p->has_next) {
                if (!p_has_next(p))
                        return 0;
                consume_next(p, &p->next_start, &p->next_len);
                p->has_next = 1;
        }
        while (span_blank(p->s, p->next_start, p->next_len) &&
               p->pos < p->len)
                consume_next(p, &p->next_start, &p->next_len);
        if (span_eq(p->s, p->next_start, p->next_len, expected)) {
                p->has_next = 0;
                return 1;
        }
        return 0;
}

/* next(n): the text of the next n tokens, or 0 (rewound) if fewer. */
static int p_next_n(parser_t *p, int n, size_t *start, size_t *len)
{
        size_t cur = p_mark(p), s, l;
        int i;

        for (i = 0; i < n; i++) {
                if (!p_has_next(p)) {
                        p_rewind(p, cur);
                        return 0;
                }
                p_next(p, &s, &l);
        }
        *start = cur;
        *len = p->pos - cur;
        return 1;
}

/* ---- numbers ---------------------------------------------------------- */

typedef struct {
        int neg;
        char digits[VALUES_MAX_DIGITS + 1]; /* unscaled, leading zeros kept */
        size_t ndigits;
        long long scale;
} bigdec_t;

/* new BigDecimal(s): sign, digits with an optional point (at least one
 * digit), optional exponent. 0, or -1 (NumberFormatException; also more
 * than VALUES_MAX_DIGITS digits). */
static int bigdec_parse(const char *s, size_t n, bigdec_t *d)
{
        size_t i = 0, frac = 0;
        int seen_point = 0;
        long long exp = 0;

        d->neg = 0;
        d->ndigits = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
                d->neg = s[i++] == '-';
        for (; i < n; i++) {
                if (s[i] >= '0' && s[i] <= '9') {
                        if (d->ndigits >= VALUES_MAX_DIGITS)
                                return -1;
                        d->digits[d->ndigits++] = s[i];
                        if (seen_point)
                                frac++;
                } else if (s[i] == '.' && !seen_point) {
                        seen_point = 1;
                } else {
                        break;
                }
        }
        if (!d->ndigits)
                return -1;
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
                int eneg = 0, any = 0;

                i++;
                if (i < n && (s[i] == '+' || s[i] == '-'))
                        eneg = s[i++] == '-';
                for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
                        any = 1;
                        exp = exp * 10 + (s[i] - '0');
                        if (exp > 2147483647LL)
                                return -1;
                }
                if (!any)
                        return -1;
                if (eneg)
                        exp = -exp;
        }
        if (i != n)
                return -1;
        d->digits[d->ndigits] = '\0';
        d->scale = (long long)frac - exp;
        if (d->scale > 2147483647LL || d->scale < -2147483648LL)
                return -1;
        return 0;
}

/* The value as an exact int64 if it has no fraction and fits. */
static int bigdec_exact_long(const bigdec_t *d, int64_t *out)
{
        unsigned long long m = 0;
        size_t i, keep = d->ndigits;
        long long zeros = 0;

        if (d->scale > 0) {
                /* the last `scale` digits must be zero */
                if ((unsigned long long)d->scale > d->ndigits) {
                        for (i = 0; i < d->ndigits; i++)
                                if (d->digits[i] != '0')
                                        return -1;
                        *out = 0;
                        return 0;
                }
                keep = d->ndigits - (size_t)d->scale;
                for (i = keep; i < d->ndigits; i++)
                        if (d->digits[i] != '0')
                                return -1;
        } else {
                zeros = -d->scale;
        }
        for (i = 0; i < keep; i++) {
                unsigned dig = (unsigned)(d->digits[i] - '0');

                if (m > (ULLONG_MAX - dig) / 10)
                        return -1;
                m = m * 10 + dig;
        }
        if (m) {
                for (; zeros > 0; zeros--) {
                        if (m > ULLONG_MAX / 10)
                                return -1;
                        m *= 10;
                }
        }
        if (d->neg) {
                if (m > 9223372036854775808ULL)
                        return -1;
                *out = m == 9223372036854775808ULL ? INT64_MIN
                                                   : -(int64_t)m;
        } else {
                if (m > 9223372036854775807ULL)
                        return -1;
                *out = (int64_t)m;
        }
        return 0;
}

static void bigdec_text(const bigdec_t *d, char *buf, size_t size)
{
        snprintf(buf, size, "%s%se%lld", d->neg ? "-" : "", d->digits,
                 -d->scale);
}

connectd_value_t *values_decimal_bytes(arena_t *a, const char *digits,
                                       size_t n, int neg, int *too_large)
{
        size_t m = 0, i, k;
        uint32_t *w = calloc(n / 9 + 2, sizeof(*w));
        unsigned char *b = NULL;
        connectd_value_t *v = NULL;
        unsigned carry;

        if (too_large)
                *too_large = 0;
        if (!w)
                return NULL;
        /* the magnitude in 32-bit words, little-endian, nine digits at a
         * time: w = w * 10^k + chunk */
        for (i = 0; i < n;) {
                uint32_t chunk = 0, mul = 1;

                for (k = 0; k < 9 && i < n; k++, i++) {
                        chunk = chunk * 10 + (uint32_t)(digits[i] - '0');
                        mul *= 10;
                }
                for (k = 0; k < m; k++) {
                        uint64_t t = (uint64_t)w[k] * mul + chunk;

                        w[k] = (uint32_t)t;
                        chunk = (uint32_t)(t >> 32);
                }
                if (chunk)
                        w[m++] = chunk;
        }
        /* bytes, least significant first, one spare for the sign */
        b = malloc(m * 4 + 1);
        if (!b)
                goto out;
        for (k = 0; k < m * 4; k++)
                b[k] = (unsigned char)(w[k / 4] >> (8 * (k % 4)));
        b[k++] = 0;
        if (neg)
                for (i = 0, carry = 1; i < k; i++) {
                        unsigned t = (unsigned char)~b[i] + carry;

                        b[i] = (unsigned char)t;
                        carry = t >> 8;
                }
        /* the shortest form that keeps the sign */
        while (k > 1 && ((b[k - 1] == 0 && !(b[k - 2] & 0x80)) ||
                         (b[k - 1] == 0xFF && (b[k - 2] & 0x80))))
                k--;
        if (k > VALUES_MAX_DECIMAL_BYTES) {
                if (too_large)
                        *too_large = 1;
                goto out;
        }
        for (i = 0; i < k / 2; i++) {
                unsigned char t = b[i];

                b[i] = b[k - 1 - i];
                b[k - 1 - i] = t;
        }
        v = val_bytes(a, b, k);
out:
        free(w);
        free(b);
        return v;
}

static connectd_value_t *bigdec_bytes(arena_t *a, const bigdec_t *d)
{
        return values_decimal_bytes(a, d->digits, d->ndigits, d->neg, NULL);
}

static connect_schema_t *decimal_schema(arena_t *a, long long scale)
{
        connect_schema_t *s = schema_new(a, CONNECTD_VAL_BYTES);
        char num[24], *t;

        if (!s)
                return NULL;
        s->name = LOGICAL_DECIMAL;
        s->has_version = 1;
        s->version = 1;
        snprintf(num, sizeof(num), "%lld", scale);
        if (!(t = arena_strndup(a, num, strlen(num))) ||
            schema_add_param(a, s, "scale", t))
                return NULL;
        return s;
}

/* ---- temporal --------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
        int64_t era, yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = y - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

/* A lenient SimpleDateFormat parse of the fixed pattern `pat` where 'y',
 * 'M', 'd', 'H', 'm', 's', 'S' are number fields (any count of digits) and
 * other chars must match; input left over is ignored. 0 with *ms, or -1. */
static int lenient_parse(const char *s, size_t n, const char *pat,
                         int64_t *ms)
{
        int64_t f[7] = { 1970, 1, 1, 0, 0, 0, 0 }; /* y M d H m s S */
        static const char letters[] = "yMdHmsS";
        size_t i = 0;
        int64_t months;

        while (*pat) {
                const char *l = strchr(letters, *pat);

                if (l) {
                        int64_t v = 0;
                        size_t st = i;
                        char c = *pat;

                        while (*pat == c)
                                pat++;
                        while (i < n && s[i] >= '0' && s[i] <= '9' &&
                               i - st < 9)
                                v = v * 10 + (s[i++] - '0');
                        if (i == st)
                                return -1;
                        f[l - letters] = v;
                } else {
                        if (i >= n || s[i] != *pat)
                                return -1;
                        i++;
                        pat++;
                }
        }
        if (f[0] > 99999999) /* keeps the epoch ms inside int64 */
                return -1;
        months = f[0] * 12 + (f[1] - 1);
        *ms = (days_from_civil(months >= 0 ? months / 12
                                           : (months - 11) / 12,
                               (months % 12 + 12) % 12 + 1, 1) +
               f[2] - 1) * MS_PER_DAY +
              f[3] * 3600000LL + f[4] * 60000LL + f[5] * 1000LL + f[6];
        return 0;
}

/* parseAsTemporal: "\:" read as ":", then by length. */
static int parse_temporal(arena_t *a, const char *s, size_t n, sv_t *out)
{
        char tmp[32];
        size_t i, m = 0;
        int64_t ms;

        for (i = 0; i < n; i++) {
                if (m >= sizeof(tmp))
                        return 0;
                if (s[i] == '\\' && i + 1 < n && s[i + 1] == ':')
                        i++;
                tmp[m++] = s[i];
        }
        if (m == 13 && !lenient_parse(tmp, m, "HH:mm:ss.SSSZ", &ms)) {
                if (ms > INT32_MAX || ms < INT32_MIN)
                        return 0;
                out->schema = &values_time_schema;
                out->value = val_int(a, CONNECTD_VAL_INT32, ms);
        } else if (m == 24 &&
                   !lenient_parse(tmp, m, "yyyy-MM-ddTHH:mm:ss.SSSZ", &ms)) {
                out->schema = &values_timestamp_schema;
                out->value = val_int(a, CONNECTD_VAL_INT64, ms);
        } else if (m == 10 && !lenient_parse(tmp, m, "yyyy-MM-dd", &ms)) {
                int64_t days = ms / MS_PER_DAY;

                if (days > INT32_MAX || days < INT32_MIN)
                        return 0;
                out->schema = &values_date_schema;
                out->value = val_int(a, CONNECTD_VAL_INT32, days);
        } else {
                return 0;
        }
        return out->value ? 1 : -1;
}

/* ---- schemas ---------------------------------------------------------- */

static int is_temporal(const connect_schema_t *s)
{
        return schema_is_logical(s, LOGICAL_DATE) ||
               schema_is_logical(s, LOGICAL_TIME) ||
               schema_is_logical(s, LOGICAL_TIMESTAMP);
}

static int type_rank(connectd_value_type_t t)
{
        switch (t) {
        case CONNECTD_VAL_INT8: return 1;
        case CONNECTD_VAL_INT16: return 2;
        case CONNECTD_VAL_INT32: return 3;
        case CONNECTD_VAL_INT64: return 4;
        case CONNECTD_VAL_FLOAT32: return 5;
        case CONNECTD_VAL_FLOAT64: return 6;
        default: return 0;
        }
}

/* Java's commonSchemaFor(previous, latest); latest NULL for a null. */
static const connect_schema_t *common_schema(const connect_schema_t *prev,
                                             const sv_t *latest,
                                             int latest_null)
{
        const connect_schema_t *ns;
        int rp, rn;

        if (latest_null)
                return prev;
        ns = latest->schema;
        if (!prev)
                return ns;
        if (prev->type != ns->type) {
                rp = type_rank(prev->type);
                rn = type_rank(ns->type);
                if (!rp || !rn)
                        return NULL;
                return rn > rp ? ns : prev;
        }
        if (prev->optional == ns->optional)
                return prev->optional ? prev : ns;
        return NULL; /* Schema.equals differs on optional */
}

/* ---- convertTo for aligning items ------------------------------------- */

/* Long value of a Java Number (or a String through BigDecimal). P_ERR
 * when Java's asLong throws. */
static int as_long(const sv_t *x, int64_t *out)
{
        const connectd_value_t *v = x->value;
        bigdec_t *d;
        int rc;

        if (is_temporal(x->schema) ||
            schema_is_logical(x->schema, LOGICAL_DECIMAL))
                return P_ERR;
        switch (v->type) {
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
                *out = v->u.i;
                return P_OK;
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                if (isnan(v->u.d))
                        *out = 0;
                else if (v->u.d >= 9223372036854775807.0)
                        *out = INT64_MAX;
                else if (v->u.d <= -9223372036854775808.0)
                        *out = INT64_MIN;
                else
                        *out = (int64_t)v->u.d;
                return P_OK;
        case CONNECTD_VAL_STRING:
                if (!(d = malloc(sizeof(*d))))
                        return P_OOM;
                rc = bigdec_parse(v->u.s.ptr, v->u.s.len, d) ||
                     bigdec_exact_long(d, out) ? P_ERR : P_OK;
                free(d);
                return rc;
        default:
                return P_ERR;
        }
}

static int as_double(const sv_t *x, double *out)
{
        const connectd_value_t *v = x->value;
        bigdec_t *d;
        char txt[VALUES_MAX_DIGITS + 32];
        int64_t l;
        int rc;

        if (!is_temporal(x->schema) &&
            !schema_is_logical(x->schema, LOGICAL_DECIMAL)) {
                if (v->type == CONNECTD_VAL_FLOAT32 ||
                    v->type == CONNECTD_VAL_FLOAT64) {
                        *out = v->u.d;
                        return P_OK;
                }
                if (v->type == CONNECTD_VAL_STRING) {
                        if (!(d = malloc(sizeof(*d))))
                                return P_OOM;
                        rc = bigdec_parse(v->u.s.ptr, v->u.s.len, d) ? P_ERR
                                                                     : P_OK;
                        if (rc == P_OK) {
                                bigdec_text(d, txt, sizeof(txt));
                                *out = strtod(txt, NULL);
                        }
                        free(d);
                        return rc;
                }
        }
        if ((rc = as_long(x, &l)))
                return rc;
        *out = (double)l;
        return P_OK;
}

/* convertTo(to, null, x.value) for the schemas parse() can produce. */
static int convert_to(arena_t *a, const connect_schema_t *to, const sv_t *x,
                      int x_null, connectd_value_t **out)
{
        int64_t l;
        double d;
        int rc;

        if (x_null)
                return to->optional ? (*out = NULL, P_OK) : P_ERR;
        if (is_temporal(to) || schema_is_logical(to, LOGICAL_DECIMAL)) {
                /* a value of that very logical type stays; a number
                 * becomes one; anything else is left to Java's oddities,
                 * which we do not copy */
                if (x->schema == to || (x->schema->name && to->name &&
                                        !strcmp(x->schema->name, to->name) &&
                                        !schema_is_logical(
                                                to, LOGICAL_DECIMAL))) {
                        *out = x->value;
                        return P_OK;
                }
                if (schema_is_logical(to, LOGICAL_DECIMAL) ||
                    is_temporal(x->schema))
                        return P_ERR;
                if ((rc = as_long(x, &l)))
                        return rc;
                if (schema_is_logical(to, LOGICAL_TIMESTAMP))
                        *out = val_int(a, CONNECTD_VAL_INT64, l);
                else
                        *out = val_int(a, CONNECTD_VAL_INT32, (int32_t)l);
                return *out ? P_OK : P_OOM;
        }
        if (x->value->type == to->type && !is_temporal(x->schema) &&
            !schema_is_logical(x->schema, LOGICAL_DECIMAL)) {
                *out = x->value;
                return P_OK;
        }
        switch (to->type) {
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
                if ((rc = as_long(x, &l)))
                        return rc;
                if (to->type == CONNECTD_VAL_INT8)
                        l = (int8_t)l;
                else if (to->type == CONNECTD_VAL_INT16)
                        l = (int16_t)l;
                else if (to->type == CONNECTD_VAL_INT32)
                        l = (int32_t)l;
                *out = val_int(a, to->type, l);
                return *out ? P_OK : P_OOM;
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                if ((rc = as_double(x, &d)))
                        return rc;
                *out = val_float(a, to->type, d);
                return *out ? P_OK : P_OOM;
        default:
                return P_ERR;
        }
}

/* ---- parse ------------------------------------------------------------ */

static int parse_top(arena_t *a, const char *s, size_t len, sv_t *out,
                     int depth);
static int parse(arena_t *a, parser_t *p, int embedded, sv_t *out,
                 int depth);

static int single_literal(parser_t *p, int embedded, const char *lit)
{
        size_t start = p_mark(p);

        if (p_can_consume(p, lit) && (embedded || !p_has_next(p)))
                return 1;
        p_rewind(p, start);
        return 0;
}

typedef struct {
        sv_t *items;
        int *nulls;
        size_t n, cap;
} svlist_t;

static int svlist_add(arena_t *a, svlist_t *l, const sv_t *x, int is_null)
{
        if (l->n == l->cap) {
                size_t nc = l->cap ? l->cap * 2 : 8;
                sv_t *ni = arena_alloc(a, nc * sizeof(*ni));
                int *nn = arena_alloc(a, nc * sizeof(*nn));

                if (!ni || !nn)
                        return P_OOM;
                if (l->n) {
                        memcpy(ni, l->items, l->n * sizeof(*ni));
                        memcpy(nn, l->nulls, l->n * sizeof(*nn));
                }
                l->items = ni;
                l->nulls = nn;
                l->cap = nc;
        }
        if (x)
                l->items[l->n] = *x;
        else
                memset(&l->items[l->n], 0, sizeof(l->items[0]));
        l->nulls[l->n++] = is_null;
        return P_OK;
}

static int parse_array(arena_t *a, parser_t *p, sv_t *out, int depth)
{
        svlist_t l = { 0 };
        const connect_schema_t *elem = NULL;
        connect_schema_t *as;
        connectd_value_t *arr, *item;
        sv_t e;
        size_t i, cur;
        int rc;

        while (p_has_next(p)) {
                if (p_can_consume(p, "]")) {
                        if (!(arr = val_array(a)) ||
                            !(as = schema_new(a, CONNECTD_VAL_ARRAY)))
                                return P_OOM;
                        as->value_schema = elem;
                        for (i = 0; i < l.n; i++) {
                                item = l.nulls[i] ? NULL : l.items[i].value;
                                if (elem && (rc = convert_to(a, elem,
                                                             &l.items[i],
                                                             l.nulls[i],
                                                             &item)))
                                        return rc;
                                if (val_append(a, arr, NULL, item))
                                        return P_OOM;
                        }
                        out->schema = as;
                        out->value = arr;
                        return P_OK;
                }
                if (p_can_consume(p, ","))
                        return P_ERR;
                rc = parse(a, p, 1, &e, depth + 1);
                if (rc < 0)
                        return rc;
                elem = common_schema(elem, &e, rc == P_NULL);
                if (svlist_add(a, &l, rc == P_NULL ? NULL : &e,
                               rc == P_NULL))
                        return P_OOM;
                cur = p_mark(p);
                if (p_can_consume(p, "]"))
                        p_rewind(p, cur);
                else if (!p_can_consume(p, ","))
                        return P_ERR;
        }
        return P_ERR;
}

static int parse_map(arena_t *a, parser_t *p, sv_t *out, int depth)
{
        svlist_t keys = { 0 }, vals = { 0 };
        const connect_schema_t *ks = NULL, *vs = NULL;
        connect_schema_t *ms;
        connectd_value_t *map, *k, *v;
        sv_t key, val;
        size_t i, j;
        int rc, vnull;

        while (p_has_next(p)) {
                if (p_can_consume(p, "}")) {
                        if (!(map = val_map(a)) ||
                            !(ms = schema_new(a, CONNECTD_VAL_MAP)))
                                return P_OOM;
                        ms->key_schema = ks;
                        ms->value_schema = ks ? vs : NULL;
                        for (i = 0; i < keys.n; i++) {
                                k = keys.items[i].value;
                                v = vals.nulls[i] ? NULL
                                                  : vals.items[i].value;
                                if (ks && (rc = convert_to(a, ks,
                                                           &keys.items[i], 0,
                                                           &k)))
                                        return rc;
                                if (ks && vs &&
                                    (rc = convert_to(a, vs, &vals.items[i],
                                                     vals.nulls[i], &v)))
                                        return rc;
                                if (val_append(a, map, k, v))
                                        return P_OOM;
                        }
                        out->schema = ms;
                        out->value = map;
                        return P_OK;
                }
                if (p_can_consume(p, ","))
                        return P_ERR;
                rc = parse(a, p, 1, &key, depth + 1);
                if (rc < 0)
                        return rc;
                if (rc == P_NULL || value_is_null(key.value))
                        return P_ERR;
                if (!p_can_consume(p, ":"))
                        return P_ERR;
                rc = parse(a, p, 1, &val, depth + 1);
                if (rc < 0)
                        return rc;
                vnull = rc == P_NULL;
                /* LinkedHashMap.put: an equal key keeps its place */
                for (j = 0; j < keys.n; j++)
                        if (val_equal(keys.items[j].value, key.value))
                                break;
                if (j < keys.n) {
                        if (vnull)
                                memset(&vals.items[j], 0,
                                       sizeof(vals.items[j]));
                        else
                                vals.items[j] = val;
                        vals.nulls[j] = vnull;
                } else if (svlist_add(a, &keys, &key, 0) ||
                           svlist_add(a, &vals, vnull ? NULL : &val,
                                      vnull)) {
                        return P_OOM;
                }
                p_can_consume(p, ",");
                ks = common_schema(ks, &key, 0);
                vs = common_schema(vs, &val, vnull);
        }
        return P_ERR;
}

static int parse(arena_t *a, parser_t *p, int embedded, sv_t *out,
                 int depth)
{
        size_t start, ts, tl, rs, rl, pos;
        char first;
        int rc;

        if (!p_has_next(p))
                return P_NULL;
        if (depth > VALUES_MAX_DEPTH)
                return P_ERR;
        if (embedded && p_can_consume(p, "\"")) {
                buf_t sb = { 0 };
                sv_t parsed;

                while (p_has_next(p)) {
                        if (p_can_consume(p, "\""))
                                break;
                        p_next(p, &ts, &tl);
                        if (buf_append(&sb, p->s + ts, tl)) {
                                buf_free(&sb);
                                return P_OOM;
                        }
                }
                rc = parse_top(a, sb.data ? sb.data : "", sb.len, &parsed,
                               depth + 1);
                if (rc == P_OK && is_temporal(parsed.schema)) {
                        *out = parsed;
                } else if (rc == P_OOM) {
                        buf_free(&sb);
                        return P_OOM;
                } else {
                        out->schema = &schema_string;
                        out->value = val_string(a, sb.data ? sb.data : "",
                                                sb.len);
                }
                buf_free(&sb);
                return out->value ? P_OK : P_OOM;
        }
        if (single_literal(p, embedded, "null"))
                return P_NULL;
        if ((rc = single_literal(p, embedded, "true")) ||
            single_literal(p, embedded, "false")) {
                out->schema = &schema_boolean;
                out->value = val_bool(a, rc);
                return out->value ? P_OK : P_OOM;
        }
        start = p_mark(p);
        rc = P_ERR;
        if (p_can_consume(p, "["))
                rc = parse_array(a, p, out, depth);
        else if (p_can_consume(p, "{"))
                rc = parse_map(a, p, out, depth);
        else
                rc = 1; /* neither: go on with the token */
        if (rc == P_OK || rc == P_OOM)
                return rc;
        if (rc == P_ERR)
                p_rewind(p, start);

        p_next(p, &ts, &tl);
        if (span_blank(p->s, ts, tl)) {
                out->schema = &schema_string;
                out->value = val_string(a, p->s + ts, tl);
                return out->value ? P_OK : P_OOM;
        }
        trim_span(p->s, &ts, &tl);
        first = p->s[ts];
        if (first >= '0' && first <= '9') {
                pos = p_mark(p);
                if (p_next_n(p, 4, &rs, &rl)) {
                        char *both = malloc(tl + rl + 1);

                        if (!both)
                                return P_OOM;
                        memcpy(both, p->s + ts, tl);
                        memcpy(both + tl, p->s + rs, rl);
                        rc = parse_temporal(a, both, tl + rl, out);
                        free(both);
                        if (rc)
                                return rc > 0 ? P_OK : P_OOM;
                }
                p_rewind(p, pos);
                rc = parse_temporal(a, p->s + ts, tl, out);
                if (rc)
                        return rc > 0 ? P_OK : P_OOM;
        }
        if ((first >= '0' && first <= '9') || first == '+' || first == '-') {
                bigdec_t *d = malloc(sizeof(*d));
                char txt[VALUES_MAX_DIGITS + 32];
                int64_t l;

                if (!d)
                        return P_OOM;
                if (bigdec_parse(p->s + ts, tl, d) == 0) {
                        rc = P_OK;
                        if (bigdec_exact_long(d, &l) == 0) {
                                connectd_value_type_t t =
                                        l == (int8_t)l ? CONNECTD_VAL_INT8
                                        : l == (int16_t)l ? CONNECTD_VAL_INT16
                                        : l == (int32_t)l ? CONNECTD_VAL_INT32
                                                          : CONNECTD_VAL_INT64;

                                out->schema = schema_primitive(t, 0);
                                out->value = val_int(a, t, l);
                        } else {
                                float f;
                                double dv;

                                bigdec_text(d, txt, sizeof(txt));
                                f = strtof(txt, NULL);
                                dv = strtod(txt, NULL);
                                if (!isinf(f) && d->scale != 0) {
                                        out->schema = &schema_float32;
                                        out->value = val_float(
                                                a, CONNECTD_VAL_FLOAT32, f);
                                } else if (!isinf(dv) && d->scale != 0) {
                                        out->schema = &schema_float64;
                                        out->value = val_float(
                                                a, CONNECTD_VAL_FLOAT64, dv);
                                } else {
                                        out->schema =
                                                decimal_schema(a, d->scale);
                                        out->value = out->schema
                                                ? bigdec_bytes(a, d) : NULL;
                                }
                        }
                        free(d);
                        return out->value ? P_OK : P_OOM;
                }
                free(d);
        }
        if (embedded)
                return P_ERR;
        out->schema = &schema_string;
        out->value = val_string(a, p->s, p->len);
        return out->value ? P_OK : P_OOM;
}

static int parse_top(arena_t *a, const char *s, size_t len, sv_t *out,
                     int depth)
{
        parser_t p = { 0 };

        if (len == 0) {
                out->schema = &schema_string;
                out->value = val_string(a, "", 0);
                return out->value ? P_OK : P_OOM;
        }
        p.s = s;
        p.len = len;
        return parse(a, &p, 0, out, depth);
}

int values_parse_string(arena_t *a, const char *s, size_t len,
                        const connect_schema_t **schema,
                        connectd_value_t **value)
{
        sv_t out = { 0 };
        int rc = parse_top(a, s ? s : "", s ? len : 0, &out, 0);

        *schema = NULL;
        *value = NULL;
        if (rc == P_OOM)
                return -1;
        if (rc == P_OK) {
                *schema = out.schema;
                *value = out.value;
                return 0;
        }
        if (rc == P_NULL)
                return 0;
        /* P_ERR only escapes for text nested beyond the depth cap: text */
        *schema = &schema_string;
        *value = val_string(a, s ? s : "", s ? len : 0);
        return *value ? 0 : -1;
}

/* ---- text helpers shared with value_to_text ---------------------------- */

/* String.hashCode of UTF-8 text: h = 31*h + c over its UTF-16 code units
 * (a code point above U+FFFF counts as its surrogate pair); a byte that
 * does not start a valid UTF-8 sequence counts as one unit of its value. */
static uint32_t java_string_hash(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s;
        uint32_t h = 0, cp;
        size_t i = 0, n, k;

        while (i < len) {
                cp = p[i];
                n = 1;
                if (cp >= 0xC2 && cp <= 0xDF)
                        n = 2, cp &= 0x1F;
                else if (cp >= 0xE0 && cp <= 0xEF)
                        n = 3, cp &= 0x0F;
                else if (cp >= 0xF0 && cp <= 0xF4)
                        n = 4, cp &= 0x07;
                if (n > 1) {
                        if (i + n > len)
                                n = 0;
                        for (k = 1; n && k < n; k++) {
                                if ((p[i + k] & 0xC0) != 0x80)
                                        n = 0;
                                else
                                        cp = (cp << 6) | (p[i + k] & 0x3F);
                        }
                        if (!n) { /* malformed: the lead byte alone */
                                cp = p[i];
                                n = 1;
                        }
                }
                i += n;
                if (cp > 0xFFFF) {
                        cp -= 0x10000;
                        h = 31 * h + (0xD800 + (cp >> 10));
                        h = 31 * h + (0xDC00 + (cp & 0x3FF));
                } else {
                        h = 31 * h + cp;
                }
        }
        return h;
}

/* hashCode() of a map key as Java holds it. */
static uint32_t java_hash(const connectd_value_t *k)
{
        uint64_t bits;
        float f;
        uint32_t fb;

        if (value_is_null(k))
                return 0;
        switch (k->type) {
        case CONNECTD_VAL_STRING:
                return java_string_hash(k->u.s.ptr, k->u.s.len);
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
                return (uint32_t)(int32_t)k->u.i;
        case CONNECTD_VAL_INT64:
                return (uint32_t)((uint64_t)k->u.i ^
                                  ((uint64_t)k->u.i >> 32));
        case CONNECTD_VAL_BOOLEAN:
                return k->u.i ? 1231 : 1237;
        case CONNECTD_VAL_FLOAT32:
                f = (float)k->u.d;
                if (isnan(f))
                        return 0x7fc00000u;
                memcpy(&fb, &f, sizeof(fb));
                return fb;
        case CONNECTD_VAL_FLOAT64:
                if (isnan(k->u.d))
                        bits = 0x7ff8000000000000ULL;
                else
                        memcpy(&bits, &k->u.d, sizeof(bits));
                return (uint32_t)(bits ^ (bits >> 32));
        default:
                return 0; /* identity hashes: no order to match */
        }
}

typedef struct {
        uint32_t bucket;
        size_t seq;
        const value_field_t *f;
} map_slot_t;

static int map_slot_cmp(const void *a, const void *b)
{
        const map_slot_t *x = a, *y = b;

        if (x->bucket != y->bucket)
                return x->bucket < y->bucket ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

const value_field_t **values_hashmap_order(const connectd_value_t *v,
                                           size_t *np)
{
        const value_field_t *f, **order;
        map_slot_t *slots;
        size_t n = 0, cap = 16, i;
        uint32_t h;

        for (f = v->u.st.head; f; f = f->next)
                n++;
        *np = n;
        slots = malloc((n ? n : 1) * sizeof(*slots));
        order = malloc((n ? n : 1) * sizeof(*order));
        if (!slots || !order) {
                free(slots);
                free(order);
                return NULL;
        }
        while (n > cap / 4 * 3 && cap < ((size_t)1 << 30))
                cap *= 2;
        for (f = v->u.st.head, i = 0; f; f = f->next, i++) {
                h = f->key ? java_hash(f->key)
                           : java_string_hash(f->name ? f->name : "",
                                              f->name_len);
                slots[i].bucket = (h ^ (h >> 16)) & (uint32_t)(cap - 1);
                slots[i].seq = i;
                slots[i].f = f;
        }
        qsort(slots, n, sizeof(*slots), map_slot_cmp);
        for (i = 0; i < n; i++)
                order[i] = slots[i].f;
        free(slots);
        return order;
}

size_t values_decimal_text(const void *bytes, size_t len, int32_t scale,
                           char *buf, size_t bufsize)
{
        const unsigned char *b = bytes;
        uint32_t *words = NULL;
        char *dig = NULL, *out = NULL, *o;
        size_t n = len, nd = 0, nw, i, total = 0;
        int neg = len && (b[0] & 0x80);
        long long adjusted;

        if (len > VALUES_MAX_DECIMAL_BYTES)
                goto out;
        words = malloc((n / 4 + 1) * sizeof(*words));
        dig = malloc(n * 3 + 11);
        out = malloc(n * 3 + 48);
        if (!words || !dig || !out)
                goto out;
        /* the value as 32-bit words, most significant first, its sign
         * extended through the top word; a negative one negated (two's
         * complement) into its magnitude */
        nw = (n + 3) / 4;
        for (i = 0; i < nw; i++)
                words[i] = neg ? UINT32_MAX : 0;
        for (i = 0; i < n; i++)
                words[(i + nw * 4 - n) / 4] =
                        words[(i + nw * 4 - n) / 4] << 8 | b[i];
        if (neg) {
                uint64_t carry = 1;

                for (i = nw; i-- > 0;) {
                        uint64_t t = (uint64_t)(uint32_t)~words[i] + carry;

                        words[i] = (uint32_t)t;
                        carry = t >> 32;
                }
        }
        /* repeated division by 10^9, nine digits a pass, least significant
         * first */
        for (;;) {
                uint64_t rem = 0;
                uint32_t nonzero = 0;
                int k;

                for (i = 0; i < nw; i++) {
                        uint64_t cur = rem << 32 | words[i];

                        words[i] = (uint32_t)(cur / 1000000000u);
                        rem = cur % 1000000000u;
                        nonzero |= words[i];
                }
                for (k = 0; k < 9 && (nonzero || rem || !k); k++) {
                        dig[nd++] = (char)('0' + rem % 10);
                        rem /= 10;
                }
                if (!nonzero)
                        break;
        }
        /* reverse into most significant first */
        for (i = 0; i < nd / 2; i++) {
                char t = dig[i];

                dig[i] = dig[nd - 1 - i];
                dig[nd - 1 - i] = t;
        }
        o = out;
        if (neg)
                *o++ = '-';
        adjusted = (long long)nd - 1 - scale;
        if (scale == 0) {
                memcpy(o, dig, nd);
                o += nd;
        } else if (scale > 0 && adjusted >= -6) {
                if ((long long)nd > scale) {
                        memcpy(o, dig, nd - (size_t)scale);
                        o += nd - (size_t)scale;
                        *o++ = '.';
                        memcpy(o, dig + nd - (size_t)scale, (size_t)scale);
                        o += scale;
                } else {
                        *o++ = '0';
                        *o++ = '.';
                        for (i = nd; i < (size_t)scale; i++)
                                *o++ = '0';
                        memcpy(o, dig, nd);
                        o += nd;
                }
        } else {
                *o++ = dig[0];
                if (nd > 1) {
                        *o++ = '.';
                        memcpy(o, dig + 1, nd - 1);
                        o += nd - 1;
                }
                o += sprintf(o, "E%s%lld", adjusted > 0 ? "+" : "",
                             adjusted);
        }
        total = (size_t)(o - out);
        if (bufsize) {
                size_t c = total < bufsize - 1 ? total : bufsize - 1;

                memcpy(buf, out, c);
                buf[c] = '\0';
        }
out:
        if (!total && bufsize)
                buf[0] = '\0';
        free(words);
        free(dig);
        free(out);
        return total;
}

void values_civil_from_days(int64_t z, int64_t *y, unsigned *m,
                            unsigned *d)
{
        int64_t era, yoe, doy, mp;
        uint64_t doe;

        z += 719468;
        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = (uint64_t)(z - era * 146097);
        yoe = (int64_t)((doe - doe / 1460 + doe / 36524 - doe / 146096) /
                        365);
        *y = yoe + era * 400;
        doy = (int64_t)doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
        *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
        *y += *m <= 2;
}

size_t values_date_text(int64_t ms, char *buf, size_t bufsize)
{
        int64_t days, rem, y;
        unsigned mo, d;
        int n;

        days = ms / MS_PER_DAY;
        rem = ms % MS_PER_DAY;
        if (rem < 0) {
                rem += MS_PER_DAY;
                days--;
        }
        values_civil_from_days(days, &y, &mo, &d);
        if (ms < MS_PER_DAY)
                n = snprintf(buf, bufsize, "%02d:%02d:%02d.%03dZ",
                             (int)(rem / 3600000), (int)(rem / 60000 % 60),
                             (int)(rem / 1000 % 60), (int)(rem % 1000));
        else if (ms % MS_PER_DAY == 0)
                n = snprintf(buf, bufsize, "%04lld-%02u-%02u", (long long)y,
                             mo, d);
        else
                n = snprintf(buf, bufsize,
                             "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                             (long long)y, mo, d, (int)(rem / 3600000),
                             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                             (int)(rem % 1000));
        return n < 0 ? 0 : (size_t)n;
}

int32_t values_decimal_scale(const connect_schema_t *s)
{
        const char *sc = schema_param(s, "scale");
        long long v;

        if (!sc)
                return 0;
        v = strtoll(sc, NULL, 10);
        if (v > INT32_MAX)
                return INT32_MAX;
        if (v < INT32_MIN)
                return INT32_MIN;
        return (int32_t)v;
}

int64_t values_logical_ms(const connect_schema_t *s,
                          const connectd_value_t *v)
{
        /* Days to ms in Java's long arithmetic: a day count past what
         * fits wraps, as Date.toLogical's multiplication does, instead of
         * being undefined in C. */
        if (schema_is_logical(s, LOGICAL_DATE))
                return (int64_t)((uint64_t)v->u.i * (uint64_t)MS_PER_DAY);
        return v->u.i;
}

/* ---- convertToString -------------------------------------------------- */

static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int values_base64(buf_t *out, const void *data, size_t n)
{
        const unsigned char *p = data;
        char q[4];
        size_t i;

        for (i = 0; i + 2 < n; i += 3) {
                q[0] = b64[p[i] >> 2];
                q[1] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
                q[2] = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
                q[3] = b64[p[i + 2] & 63];
                if (buf_append(out, q, 4))
                        return -1;
        }
        if (i < n) {
                q[0] = b64[p[i] >> 2];
                if (i + 1 < n) {
                        q[1] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
                        q[2] = b64[(p[i + 1] & 15) << 2];
                } else {
                        q[1] = b64[(p[i] & 3) << 4];
                        q[2] = '=';
                }
                q[3] = '=';
                if (buf_append(out, q, 4))
                        return -1;
        }
        return 0;
}

static int append_escaped(buf_t *out, const char *s, size_t n)
{
        size_t i;

        if (buf_putc(out, '"'))
                return -1;
        for (i = 0; i < n; i++) {
                if ((s[i] == '\\' || s[i] == '"') && buf_putc(out, '\\'))
                        return -1;
                if (buf_putc(out, s[i]))
                        return -1;
        }
        return buf_putc(out, '"');
}

static int append_value(buf_t *out, const connect_schema_t *s,
                        const connectd_value_t *v, int embedded, int depth);

static int append_entry(buf_t *out, const connect_schema_t *ks,
                        const connect_schema_t *vs, const value_field_t *f,
                        int depth)
{
        connectd_value_t tmp;

        if (f->key) {
                if (append_value(out, ks, f->key, 1, depth + 1))
                        return -1;
        } else {
                memset(&tmp, 0, sizeof(tmp));
                tmp.type = CONNECTD_VAL_STRING;
                tmp.u.s.ptr = f->name ? f->name : "";
                tmp.u.s.len = f->name_len;
                if (append_value(out, NULL, &tmp, 1, depth + 1))
                        return -1;
        }
        return buf_putc(out, ':') ||
               append_value(out, vs, f->value, 1, depth + 1);
}

static int append_value(buf_t *out, const connect_schema_t *s,
                        const connectd_value_t *v, int embedded, int depth)
{
        const value_field_t *f, **order;
        char num[64];
        size_t n, i;
        int rc;

        if (depth > VALUES_MAX_DEPTH)
                return -1;
        if (value_is_null(v))
                return buf_puts(out, "null");
        if (s && (schema_is_logical(s, LOGICAL_DATE) ||
                  schema_is_logical(s, LOGICAL_TIME) ||
                  schema_is_logical(s, LOGICAL_TIMESTAMP))) {
                n = values_date_text(values_logical_ms(s, v), num,
                                     sizeof(num));
                return buf_append(out, num, n);
        }
        if (!s && value_is_date_object(v)) { /* a java.util.Date */
                n = values_date_text(v->u.i, num, sizeof(num));
                return buf_append(out, num, n);
        }
        if (s && schema_is_logical(s, LOGICAL_DECIMAL) &&
            v->type == CONNECTD_VAL_BYTES &&
            v->u.s.len <= VALUES_MAX_DECIMAL_BYTES) {
                char *dec;

                n = values_decimal_text(v->u.s.ptr, v->u.s.len,
                                        values_decimal_scale(s), NULL, 0);
                if (!(dec = malloc(n + 1)))
                        return -1;
                values_decimal_text(v->u.s.ptr, v->u.s.len,
                                    values_decimal_scale(s), dec, n + 1);
                rc = buf_append(out, dec, n);
                free(dec);
                return rc;
        }
        switch (v->type) {
        case CONNECTD_VAL_STRING:
                if (embedded)
                        return append_escaped(out, v->u.s.ptr, v->u.s.len);
                return buf_append(out, v->u.s.ptr, v->u.s.len);
        case CONNECTD_VAL_BYTES:
                if (embedded && buf_putc(out, '"'))
                        return -1;
                if (values_base64(out, v->u.s.ptr, v->u.s.len))
                        return -1;
                return embedded ? buf_putc(out, '"') : 0;
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
                return buf_printf(out, "%lld", (long long)v->u.i);
        case CONNECTD_VAL_FLOAT32:
                n = java_float_str((float)v->u.d, num, sizeof(num));
                return buf_append(out, num, n);
        case CONNECTD_VAL_FLOAT64:
                n = java_double_str(v->u.d, num, sizeof(num));
                return buf_append(out, num, n);
        case CONNECTD_VAL_BOOLEAN:
                return buf_puts(out, v->u.i ? "true" : "false");
        case CONNECTD_VAL_ARRAY:
                if (buf_putc(out, '['))
                        return -1;
                for (f = v->u.st.head; f; f = f->next) {
                        if (f != v->u.st.head && buf_putc(out, ','))
                                return -1;
                        if (append_value(out, s ? s->value_schema : NULL,
                                         f->value, 1, depth + 1))
                                return -1;
                }
                return buf_putc(out, ']');
        case CONNECTD_VAL_MAP:
                if (buf_putc(out, '{'))
                        return -1;
                for (f = v->u.st.head; f; f = f->next) {
                        if (f != v->u.st.head && buf_putc(out, ','))
                                return -1;
                        if (append_entry(out, s ? s->key_schema : NULL,
                                         s ? s->value_schema : NULL, f,
                                         depth))
                                return -1;
                }
                return buf_putc(out, '}');
        case CONNECTD_VAL_STRUCT:
                if (buf_putc(out, '{'))
                        return -1;
                if (v->schema || (s && s->type == CONNECTD_VAL_STRUCT)) {
                        /* a Struct: schema order, defaults for nulls */
                        const connect_schema_t *ss = v->schema ? v->schema
                                                               : s;

                        f = NULL;
                        for (i = 0; i < ss->nfields; i++) {
                                const schema_field_t *sf = &ss->fields[i];
                                const connectd_value_t *fv =
                                        val_get_next(v, sf->name, &f);

                                if (!fv)
                                        fv = sf->schema->default_value;
                                if (i && buf_putc(out, ','))
                                        return -1;
                                if (append_escaped(out, sf->name,
                                                   strlen(sf->name)) ||
                                    buf_putc(out, ':') ||
                                    append_value(out, sf->schema, fv, 1,
                                                 depth + 1))
                                        return -1;
                        }
                        return buf_putc(out, '}');
                }
                /* a schemaless object: a java.util.HashMap */
                if (!(order = values_hashmap_order(v, &n)))
                        return -1;
                rc = 0;
                for (i = 0; i < n && !rc; i++) {
                        if (i && buf_putc(out, ','))
                                rc = -1;
                        else
                                rc = append_entry(out, NULL, NULL, order[i],
                                                  depth);
                }
                free(order);
                return rc ? -1 : buf_putc(out, '}');
        default:
                return buf_puts(out, "null");
        }
}

char *values_to_string(const connect_schema_t *schema,
                       const connectd_value_t *v)
{
        buf_t out = { 0 };

        if (value_is_null(v))
                return NULL;
        if (append_value(&out, schema, v, 0, 0) || buf_putc(&out, '\0')) {
                buf_free(&out);
                return NULL;
        }
        return out.data;
}
