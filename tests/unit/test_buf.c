/* Unit tests for server/runtime/buf.c: growth, ceiling, printf, JSON escaping. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

static void expect(const buf_t *b, const char *s, size_t n)
{
        cr_assert_eq(b->len, n, "len %zu != %zu", b->len, n);
        cr_assert(memcmp(b->data, s, n) == 0, "got [%.*s]", (int)b->len,
                  b->data);
        cr_assert_eq(b->data[b->len], '\0');
}

Test(buf, append_grows_and_keeps_nul)
{
        buf_t b;
        char big[5000];
        size_t i;

        buf_init(&b, 0);
        cr_assert_eq(b.max, (size_t)64 * 1024 * 1024);
        cr_assert_eq(buf_puts(&b, "abc"), 0);
        cr_assert_eq(buf_putc(&b, 'd'), 0);
        expect(&b, "abcd", 4);
        for (i = 0; i < sizeof(big); i++)
                big[i] = (char)('a' + i % 26);
        cr_assert_eq(buf_append(&b, big, sizeof(big)), 0);
        cr_assert_eq(b.len, 4 + sizeof(big));
        cr_assert(memcmp(b.data + 4, big, sizeof(big)) == 0);
        buf_reset(&b);
        cr_assert_eq(b.len, 0);
        cr_assert_geq(b.cap, sizeof(big));
        buf_free(&b);
        cr_assert_null(b.data);
}

Test(buf, ceiling_refuses_and_leaves_buffer_unchanged)
{
        buf_t b;

        buf_init(&b, 8);
        cr_assert_eq(buf_puts(&b, "12345678"), 0);
        cr_assert_eq(buf_putc(&b, '9'), -1);
        cr_assert_eq(buf_append(&b, "x", 1), -1);
        cr_assert_eq(buf_printf(&b, "%d", 1), -1);
        expect(&b, "12345678", 8);
        buf_reset(&b);
        cr_assert_eq(buf_json_string(&b, "abcdefgh", 8), -1);
        expect(&b, "", 0);
        cr_assert_eq(buf_json_string(&b, "abcdef", 6), 0);
        expect(&b, "\"abcdef\"", 8);
        buf_free(&b);
}

Test(buf, printf_appends_and_grows)
{
        buf_t b;
        int i;

        buf_init(&b, 0);
        cr_assert_eq(buf_printf(&b, "%s=%d", "x", 42), 0);
        expect(&b, "x=42", 4);
        for (i = 0; i < 200; i++)
                cr_assert_eq(buf_printf(&b, "%05d", i), 0);
        cr_assert_eq(b.len, 4 + 200 * 5);
        cr_assert(memcmp(b.data + 4 + 199 * 5, "00199", 5) == 0);
        buf_free(&b);
}

Test(buf, json_string_escapes_like_jackson)
{
        buf_t b;
        const char in[] = "a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f" "\xc3\xa9\xe2\x82\xac";
        const char want[] = "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001F\x7f"
                            "\xc3\xa9\xe2\x82\xac\"";

        buf_init(&b, 0);
        cr_assert_eq(buf_json_string(&b, in, sizeof(in) - 1), 0);
        expect(&b, want, sizeof(want) - 1);
        buf_free(&b);
}

Test(buf, json_string_embedded_nul_and_empty)
{
        buf_t b;

        buf_init(&b, 0);
        cr_assert_eq(buf_json_string(&b, "", 0), 0);
        cr_assert_eq(buf_json_string(&b, "a\0b", 3), 0);
        expect(&b, "\"\"\"a\\u0000b\"", 12);
        buf_free(&b);
}

/* Jackson's escaping, one byte at a time: the reference for the fast
 * paths (whole words at once). */
static size_t ref_json_string(const unsigned char *s, size_t n, char *out)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t o = 0;

        out[o++] = '"';
        for (size_t i = 0; i < n; i++) {
                unsigned char c = s[i];
                const char *e = NULL;
                switch (c) {
                case '"': e = "\\\""; break;
                case '\\': e = "\\\\"; break;
                case '\b': e = "\\b"; break;
                case '\t': e = "\\t"; break;
                case '\n': e = "\\n"; break;
                case '\f': e = "\\f"; break;
                case '\r': e = "\\r"; break;
                }
                if (e) {
                        out[o++] = e[0];
                        out[o++] = e[1];
                } else if (c < 0x20) {
                        memcpy(out + o, "\\u00", 4);
                        out[o + 4] = hex[c >> 4];
                        out[o + 5] = hex[c & 15];
                        o += 6;
                } else {
                        out[o++] = (char)c;
                }
        }
        out[o++] = '"';
        return o;
}

Test(buf, json_string_matches_bytewise_reference)
{
        unsigned char in[64];
        char want[64 * 6 + 2];
        uint64_t seed = 42;
        buf_t b;

        buf_init(&b, 0);
        /* Every byte value at every offset of strings of 1 to 17 bytes
         * (short, one word, a word and a tail), then random mixes. */
        for (int c = 0; c < 256; c++) {
                for (size_t len = 1; len <= 17; len++) {
                        for (size_t at = 0; at < len; at++) {
                                memset(in, 'a', len);
                                in[at] = (unsigned char)c;
                                size_t wl = ref_json_string(in, len, want);
                                buf_reset(&b);
                                cr_assert_eq(buf_json_string(&b, (char *)in,
                                                             len), 0);
                                cr_assert_eq(b.len, wl, "byte %d at %zu of %zu",
                                             c, at, len);
                                cr_assert(memcmp(b.data, want, wl) == 0,
                                          "byte %d at %zu of %zu", c, at, len);
                        }
                }
        }
        for (int round = 0; round < 20000; round++) {
                size_t n;
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                n = (size_t)(seed >> 58); /* 0..63 */
                for (size_t i = 0; i < n; i++) {
                        seed = seed * 6364136223846793005ULL +
                               1442695040888963407ULL;
                        unsigned r = (unsigned)(seed >> 33);
                        /* mostly plain text, some escapes and high bytes */
                        in[i] = (r & 7) ? (unsigned char)('a' + r % 26)
                                        : (unsigned char)(r >> 8);
                }
                size_t wl = ref_json_string(in, n, want);
                buf_reset(&b);
                cr_assert_eq(buf_json_string(&b, (char *)in, n), 0);
                cr_assert_eq(b.len, wl);
                cr_assert(memcmp(b.data, want, wl) == 0, "round %d", round);
                cr_assert_eq(b.data[b.len], '\0');
        }
        buf_free(&b);
}
