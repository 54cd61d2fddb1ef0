/*
 * javafmt — Java's number and boolean text forms (see javafmt.h).
 *
 * DESIGN
 *   Double.toString follows the JDK 19+ specification (Raffaello
 *   Giulietti's): let R be the decimals that round to d; among those of the
 *   smallest length n (n taken as at least 2) pick the one closest to d,
 *   ties to an even last digit. We find it with the C library, which rounds
 *   correctly: for n = 2, 3, ... 17, printf("%.*e") gives the n-digit
 *   decimal closest to d (ties to even). If it reads back as d (strtod,
 *   also correct rounding) it is the answer. If not, the only other n-digit
 *   decimal that can lie in R is its neighbour on the other side of d (R is
 *   an interval around d, lopsided at powers of two), so that one is tried
 *   too before going to n + 1. 17 digits always round-trip.
 *   Layout is Java's: plain for decimal exponents -3..6, else "d.dddE[-]n",
 *   always with a fraction digit.
 *
 *   The parsers are whole-string and never skip blanks: ConfigDef trims
 *   (String.trim) before parsing, so callers do too (java_trim).
 *   Integer parsing accumulates in unsigned arithmetic and checks for
 *   overflow before each step, so "9223372036854775808" is an error and not
 *   a wrapped value. Java also accepts non-ASCII Unicode decimal digits in
 *   Long.parseLong; we accept ASCII digits only.
 *
 * Threads: no state; everything is reentrant.
 */
#include "javafmt.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Double.toString ---------------------------------------------------- */

/* Digits of "%.*e" output (sign dropped) into dig; *exp10 = its exponent.
 * Returns the digit count. */
static int split_e(const char *s, char *dig, int *exp10)
{
        int n = 0;

        for (; *s && *s != 'e'; s++)
                if (*s >= '0' && *s <= '9')
                        dig[n++] = *s;
        dig[n] = '\0';
        *exp10 = *s == 'e' ? atoi(s + 1) : 0;
        return n;
}

/* The Double.toString digits of a > 0 (finite): dig gets the significant
 * digits without trailing zeros, *exp10 the exponent of the first one
 * (a = d.ddd x 10^exp10). Returns the digit count. */
/* Whether the decimal text reads back as a (a float when is_float). */
static int reads_back(const char *tmp, double a, int is_float)
{
        return is_float ? strtof(tmp, NULL) == (float)a
                        : strtod(tmp, NULL) == a;
}

static int shortest_digits(double a, char *dig, int *exp10, int is_float)
{
        char tmp[48];
        int p, n = 0, maxp = is_float ? 9 : 17;

        for (p = 2; p <= maxp; p++) {
                unsigned long long m = 0, pow = 1;
                int e, i;

                snprintf(tmp, sizeof(tmp), "%.*e", p - 1, a);
                if (reads_back(tmp, a, is_float)) {
                        n = split_e(tmp, dig, exp10);
                        break;
                }
                /* The closest p-digit decimal is outside R: try the
                 * p-digit decimal next to it on the other side of a. */
                n = split_e(tmp, dig, &e);
                for (i = 0; i < n; i++) {
                        m = m * 10 + (unsigned long long)(dig[i] - '0');
                        pow *= 10;
                }
                if ((is_float ? (double)strtof(tmp, NULL)
                              : strtod(tmp, NULL)) > a) {
                        m--;
                        if (m < pow / 10) { /* 1000 -> 9999 one decade down */
                                m = pow - 1;
                                e--;
                        }
                } else {
                        m++;
                        if (m == pow) { /* 9999 -> 1000 one decade up */
                                m = pow / 10;
                                e++;
                        }
                }
                snprintf(tmp, sizeof(tmp), "%llue%d", m, e - (p - 1));
                if (reads_back(tmp, a, is_float)) {
                        snprintf(dig, 20, "%llu", m);
                        n = (int)strlen(dig);
                        *exp10 = e;
                        break;
                }
        }
        while (n > 1 && dig[n - 1] == '0')
                dig[--n] = '\0';
        return n;
}

static size_t java_fp_str(double d, int is_float, char *buf,
                          size_t bufsize)
{
        char out[JAVA_DOUBLE_BUFSZ + 16], dig[24];
        char *o = out;
        int n, x = 0, i;
        size_t len;

        if (isnan(d)) {
                strcpy(out, "NaN");
        } else if (isinf(d)) {
                strcpy(out, d < 0 ? "-Infinity" : "Infinity");
        } else if (d == 0) {
                strcpy(out, signbit(d) ? "-0.0" : "0.0");
        } else {
                if (d < 0)
                        *o++ = '-';
                n = shortest_digits(fabs(d), dig, &x, is_float);
                if (x >= 0 && x < 7) {
                        /* ddd.ddd: the integer part, padded with zeros */
                        for (i = 0; i <= x; i++)
                                *o++ = i < n ? dig[i] : '0';
                        *o++ = '.';
                        if (n > x + 1)
                                for (i = x + 1; i < n; i++)
                                        *o++ = dig[i];
                        else
                                *o++ = '0';
                } else if (x < 0 && x >= -3) {
                        /* 0.00ddd */
                        *o++ = '0';
                        *o++ = '.';
                        for (i = -1; i > x; i--)
                                *o++ = '0';
                        for (i = 0; i < n; i++)
                                *o++ = dig[i];
                } else {
                        *o++ = dig[0];
                        *o++ = '.';
                        if (n > 1)
                                for (i = 1; i < n; i++)
                                        *o++ = dig[i];
                        else
                                *o++ = '0';
                        o += sprintf(o, "E%d", x);
                }
                *o = '\0';
        }
        len = strlen(out);
        if (bufsize) {
                size_t c = len < bufsize - 1 ? len : bufsize - 1;

                memcpy(buf, out, c);
                buf[c] = '\0';
        }
        return len;
}

size_t java_double_str(double d, char *buf, size_t bufsize)
{
        return java_fp_str(d, 0, buf, bufsize);
}

size_t java_float_str(float f, char *buf, size_t bufsize)
{
        return java_fp_str((double)f, 1, buf, bufsize);
}

/* ---- parsing ------------------------------------------------------------ */

int java_parse_long(const char *s, long long lo, long long hi,
                    long long *out)
{
        unsigned long long acc = 0, limit;
        int neg = 0;
        long long v;

        if (!s)
                return -1;
        if (*s == '+' || *s == '-')
                neg = *s++ == '-';
        if (!*s)
                return -1;
        limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
        for (; *s; s++) {
                unsigned dgt;

                if (*s < '0' || *s > '9')
                        return -1;
                dgt = (unsigned)(*s - '0');
                if (acc > (limit - dgt) / 10)
                        return -1;
                acc = acc * 10 + dgt;
        }
        if (!neg)
                v = (long long)acc;
        else if (acc == (unsigned long long)LLONG_MAX + 1)
                v = LLONG_MIN;
        else
                v = -(long long)acc;
        if (v < lo || v > hi)
                return -1;
        if (out)
                *out = v;
        return 0;
}

static int is_hex(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
               (c >= 'A' && c <= 'F');
}

static int is_dec(char c)
{
        return c >= '0' && c <= '9';
}

/* Skips a run of chars for which `is` holds; returns how many. */
static size_t skip(const char **p, int (*is)(char))
{
        const char *s = *p;

        while (is(**p))
                (*p)++;
        return (size_t)(*p - s);
}

int java_parse_double(const char *s, double *out)
{
        const char *p = s;
        char *end = NULL;
        double v;

        if (!s)
                return -1;
        if (*p == '+' || *p == '-')
                p++;
        if (!strcmp(p, "NaN") || !strcmp(p, "Infinity")) {
                v = *p == 'N' ? NAN : INFINITY;
                if (*s == '-')
                        v = -v;
                goto done;
        }
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
                size_t digits;

                p += 2;
                digits = skip(&p, is_hex);
                if (*p == '.') {
                        p++;
                        digits += skip(&p, is_hex);
                }
                if (!digits || (*p != 'p' && *p != 'P'))
                        return -1;
                p++;
                if (*p == '+' || *p == '-')
                        p++;
                if (!skip(&p, is_dec))
                        return -1;
        } else {
                size_t digits = skip(&p, is_dec);

                if (*p == '.') {
                        p++;
                        digits += skip(&p, is_dec);
                }
                if (!digits)
                        return -1;
                if (*p == 'e' || *p == 'E') {
                        p++;
                        if (*p == '+' || *p == '-')
                                p++;
                        if (!skip(&p, is_dec))
                                return -1;
                }
        }
        if (*p == 'f' || *p == 'F' || *p == 'd' || *p == 'D')
                p++;
        if (*p)
                return -1;
        /* The grammar is checked; strtod reads the same text (it stops at
         * a suffix letter) with correct rounding. */
        v = strtod(s, &end);
        if (end == s)
                return -1;
done:
        if (out)
                *out = v;
        return 0;
}

const char *java_trim(const char *s, size_t *len)
{
        size_t n;

        while (*s && (unsigned char)*s <= ' ')
                s++;
        n = strlen(s);
        while (n && (unsigned char)s[n - 1] <= ' ')
                n--;
        if (len)
                *len = n;
        return s;
}

char *java_trim_dup(const char *s)
{
        size_t n;
        const char *t = java_trim(s, &n);

        return strndup(t, n);
}

int java_parse_boolean(const char *s)
{
        size_t n;
        const char *t;

        if (!s)
                return -1;
        t = java_trim(s, &n);
        if (n == 4 && !strncasecmp(t, "true", 4))
                return 1;
        if (n == 5 && !strncasecmp(t, "false", 5))
                return 0;
        return -1;
}
