/*
 * buf — growable byte buffer with a ceiling.
 *
 * DESIGN: capacity doubles (from 256 bytes) up to b->max (64 MiB when 0).
 * An append that would pass the ceiling fails with -1 and leaves the
 * buffer exactly as it was, so callers can report "too big" and carry on.
 * The data is always kept NUL-terminated (one spare byte beyond len) so a
 * text buffer can be handed to C string functions; the NUL is not counted
 * in len and does not count against the ceiling.
 *
 * buf_json_string writes JSON string literals the way Jackson (and so
 * Kafka Connect's JsonConverter) does: '"' and '\\' escaped, control
 * characters below 0x20 as \b \t \n \f \r or \u00XX with upper-case hex,
 * everything else — '/', DEL, non-ASCII UTF-8 — copied raw.
 *
 * Threads: a buf belongs to one thread at a time; no locking.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)
#define BUF_MIN_CAP 256

void buf_init(buf_t *b, size_t max)
{
        b->data = NULL;
        b->len = 0;
        b->cap = 0;
        b->max = max ? max : BUF_DEFAULT_MAX;
}

void buf_reset(buf_t *b)
{
        b->len = 0;
        if (b->data)
                b->data[0] = '\0';
}

void buf_free(buf_t *b)
{
        free(b->data);
        b->data = NULL;
        b->len = 0;
        b->cap = 0;
}

/* Make room for n more bytes (plus the NUL). 0 or -1. */
static int buf_reserve(buf_t *b, size_t n)
{
        size_t max = b->max ? b->max : BUF_DEFAULT_MAX;
        size_t need, cap;
        char *p;

        if (n > max || b->len > max - n)
                return -1;
        need = b->len + n + 1;
        if (need <= b->cap)
                return 0;
        cap = b->cap ? b->cap : BUF_MIN_CAP;
        while (cap < need)
                cap *= 2;
        if (cap > max + 1)
                cap = max + 1;
        p = realloc(b->data, cap);
        if (!p)
                return -1;
        b->data = p;
        b->cap = cap;
        return 0;
}

int buf_append(buf_t *b, const void *p, size_t n)
{
        if (buf_reserve(b, n))
                return -1;
        if (n)
                memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

int buf_putc(buf_t *b, char c)
{
        if (b->len + 1 < b->cap) { /* fast path: room for c and NUL */
                b->data[b->len++] = c;
                b->data[b->len] = '\0';
                return 0;
        }
        return buf_append(b, &c, 1);
}

int buf_puts(buf_t *b, const char *s)
{
        return buf_append(b, s, strlen(s));
}

int buf_printf(buf_t *b, const char *fmt, ...)
{
        va_list ap;
        int n;
        size_t avail = b->cap > b->len ? b->cap - b->len : 0;

        va_start(ap, fmt);
        n = vsnprintf(avail ? b->data + b->len : NULL, avail, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -1;
        if ((size_t)n < avail) {
                b->len += (size_t)n;
                return 0;
        }
        if (buf_reserve(b, (size_t)n))
                return -1;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return 0;
}

/* 1 for bytes that need an escape in a JSON string. */
static const unsigned char json_needs_escape[256] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
};

/* Non-zero when any of the 8 bytes of x needs an escape: below 0x20, '"'
 * or '\\' (bit tricks on the whole word; exact as to "any"). */
static inline uint64_t word_needs_escape(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ULL;
        const uint64_t high = 0x8080808080808080ULL;
        uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');

        return ((x - ones * 0x20) & ~x & high) | ((q - ones) & ~q & high) |
               ((bs - ones) & ~bs & high);
}

int buf_json_string(buf_t *b, const char *s, size_t n)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t save = b->len, i, run;
        char esc[6];

        /* Fast path, the common case: nothing to escape, one copy. */
        if (n < (size_t)-3 && buf_reserve(b, n + 2) == 0) {
                char *d = b->data + b->len;
                uint64_t x;
                int clean = 1;
                *d++ = '"';
                for (i = 0; i + 8 <= n; i += 8) {
                        memcpy(&x, s + i, 8);
                        if (word_needs_escape(x)) {
                                clean = 0;
                                break;
                        }
                        memcpy(d + i, &x, 8);
                }
                /* The last 1..7 bytes as one word too: the 8 ending at n
                 * (overlapping what is copied), or for 4..7-byte strings
                 * two overlapping halves; 1..3 bytes go byte by byte. */
                if (clean && i < n) {
                        if (n >= 8) {
                                memcpy(&x, s + n - 8, 8);
                                if (!word_needs_escape(x)) {
                                        memcpy(d + n - 8, &x, 8);
                                        i = n;
                                }
                        } else if (n >= 4) {
                                /* Two 4-byte words, overlapping: fixed-size
                                 * loads, no call and no stall. */
                                uint32_t lo, hi;
                                memcpy(&lo, s, 4);
                                memcpy(&hi, s + n - 4, 4);
                                if (!word_needs_escape(
                                            ((uint64_t)hi << 32) | lo)) {
                                        memcpy(d, &lo, 4);
                                        memcpy(d + n - 4, &hi, 4);
                                        i = n;
                                }
                        }
                }
                for (; i < n; i++) {
                        if (json_needs_escape[(unsigned char)s[i]])
                                break;
                        d[i] = s[i];
                }
                if (i == n) {
                        d[n] = '"';
                        b->len += n + 2;
                        b->data[b->len] = '\0';
                        return 0;
                }
        }
        if (buf_putc(b, '"'))
                goto fail;
        i = 0;
        while (i < n) {
                /* Copy the longest run of bytes that need no escape. */
                run = i;
                while (run < n && !json_needs_escape[(unsigned char)s[run]])
                        run++;
                if (run > i && buf_append(b, s + i, run - i))
                        goto fail;
                if (run >= n)
                        break;
                unsigned char c = (unsigned char)s[run];
                size_t elen = 2;
                esc[0] = '\\';
                switch (c) {
                case '"': esc[1] = '"'; break;
                case '\\': esc[1] = '\\'; break;
                case '\b': esc[1] = 'b'; break;
                case '\t': esc[1] = 't'; break;
                case '\n': esc[1] = 'n'; break;
                case '\f': esc[1] = 'f'; break;
                case '\r': esc[1] = 'r'; break;
                default:
                        esc[1] = 'u';
                        esc[2] = '0';
                        esc[3] = '0';
                        esc[4] = hex[c >> 4];
                        esc[5] = hex[c & 0xF];
                        elen = 6;
                        break;
                }
                if (buf_append(b, esc, elen))
                        goto fail;
                i = run + 1;
        }
        if (buf_putc(b, '"'))
                goto fail;
        return 0;
fail:
        b->len = save;
        if (b->data)
                b->data[save] = '\0';
        return -1;
}
