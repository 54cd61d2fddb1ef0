/*
 * buf — a growable byte buffer with a ceiling (curl's dynbuf idea).
 * Owner: whoever declared it; buf_free releases the memory.
 */
#ifndef CONNECTD_BUF_H
#define CONNECTD_BUF_H

#include <stddef.h>

typedef struct buf {
        char *data;
        size_t len;
        size_t cap;
        size_t max; /* ceiling; 0 means 64 MiB */
} buf_t;

void buf_init(buf_t *b, size_t max);
void buf_reset(buf_t *b);   /* len = 0, keeps memory */
void buf_free(buf_t *b);
/* Return 0, or -1 when the ceiling would be passed (buffer unchanged). */
int buf_append(buf_t *b, const void *p, size_t n);
int buf_putc(buf_t *b, char c);
int buf_puts(buf_t *b, const char *s);
int buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes, escapes as Jackson does:
 * '"' '\\' and control chars; '/' and non-ASCII kept raw). */
int buf_json_string(buf_t *b, const char *s, size_t n);

#endif
