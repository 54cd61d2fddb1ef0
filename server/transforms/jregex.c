/*
 * jregex — Java regular expressions through PCRE2 (see jregex.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "jregex.h"

#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jregex {
        pcre2_code *code;
        char *pattern;
        int ngroups;
};

/* ---- Java pattern -> PCRE2 pattern ----------------------------------- */

typedef struct {
        char *s;
        size_t *map;    /* original byte offset of every output byte */
        size_t len, cap;
} tbuf_t;

static int tb_put(tbuf_t *b, const char *p, size_t n, size_t orig)
{
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                char *s;
                size_t *m;

                while (b->len + n + 1 > cap)
                        cap *= 2;
                if (!(s = realloc(b->s, cap)))
                        return -1;
                b->s = s;
                if (!(m = realloc(b->map, cap * sizeof(*m))))
                        return -1;
                b->map = m;
                b->cap = cap;
        }
        memcpy(b->s + b->len, p, n);
        for (size_t i = 0; i < n; i++)
                b->map[b->len + i] = orig;
        b->len += n;
        b->s[b->len] = '\0';
        return 0;
}

static const char *const posix_names[][2] = {
        {"Lower", "lower"}, {"Upper", "upper"}, {"ASCII", "ascii"},
        {"Alpha", "alpha"}, {"Digit", "digit"}, {"Alnum", "alnum"},
        {"Punct", "punct"}, {"Graph", "graph"}, {"Print", "print"},
        {"Blank", "blank"}, {"Cntrl", "cntrl"}, {"XDigit", "xdigit"},
        {"Space", "space"},
};

static const char *posix_class(const char *name, size_t n)
{
        for (size_t i = 0; i < sizeof posix_names / sizeof *posix_names; i++)
                if (strlen(posix_names[i][0]) == n &&
                    !memcmp(posix_names[i][0], name, n))
                        return posix_names[i][1];
        return NULL;
}

static int is_hex(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
               (c >= 'A' && c <= 'F');
}

/* Rewrites the Java pattern p. 0, -1 out of memory, or -2 with *bad the
 * offset of an unsupported construct. *ucp set when (?U) was seen. */
static int translate(const char *p, tbuf_t *b, int *ucp, size_t *bad)
{
        size_t i = 0, n = strlen(p);
        int in_class = 0; /* inside [...]; first: just after [ or [^ */
        size_t class_start = 0;

        *ucp = 0;
        while (i < n) {
                char c = p[i];

                if (c == '\\' && i + 1 < n) {
                        char e = p[i + 1];

                        if (e == 'Q') {
                                const char *q = strstr(p + i + 2, "\\E");
                                size_t end = q ? (size_t)(q - p) + 2 : n;

                                if (tb_put(b, p + i, end - i, i))
                                        return -1;
                                i = end;
                                if (in_class)
                                        in_class = 1;
                                continue;
                        }
                        if (e == 'u' && i + 6 <= n &&
                            is_hex(p[i + 2]) && is_hex(p[i + 3]) &&
                            is_hex(p[i + 4]) && is_hex(p[i + 5])) {
                                char t[16];

                                snprintf(t, sizeof t, "\\x{%.4s}", p + i + 2);
                                if (tb_put(b, t, strlen(t), i))
                                        return -1;
                                i += 6;
                                continue;
                        }
                        if (e == '0' && i + 2 < n && p[i + 2] >= '0' &&
                            p[i + 2] <= '7') {
                                /* Java: \0n, \0nn, \0mnn (m <= 3). */
                                size_t k = i + 2, digits = 0;
                                char t[16];

                                while (k < n && digits < 3 && p[k] >= '0' &&
                                       p[k] <= '7') {
                                        if (digits == 2 && p[i + 2] > '3')
                                                break;
                                        k++;
                                        digits++;
                                }
                                snprintf(t, sizeof t, "\\o{%.*s}", (int)digits,
                                         p + i + 2);
                                if (tb_put(b, t, strlen(t), i))
                                        return -1;
                                i = k;
                                continue;
                        }
                        if ((e == 'p' || e == 'P') && i + 2 < n &&
                            p[i + 2] == '{') {
                                const char *close = strchr(p + i + 3, '}');
                                const char *name = p + i + 3;
                                size_t nl;
                                const char *px;

                                if (close) {
                                        nl = (size_t)(close - name);
                                        if (nl > 2 && name[0] == 'I' &&
                                            name[1] == 's') {
                                                name += 2;
                                                nl -= 2;
                                        }
                                        px = posix_class(name, nl);
                                        if (px) {
                                                char t[32];
                                                int neg = e == 'P';

                                                snprintf(t, sizeof t,
                                                         in_class ? "[:%s%s:]"
                                                                  : "[[:%s%s:]]",
                                                         neg ? "^" : "", px);
                                                if (tb_put(b, t, strlen(t), i))
                                                        return -1;
                                        } else {
                                                char t[8];

                                                snprintf(t, sizeof t, "\\%c{",
                                                         e);
                                                if (tb_put(b, t, 3, i) ||
                                                    tb_put(b, name, nl + 1,
                                                           i + 3))
                                                        return -1;
                                        }
                                        i = (size_t)(close - p) + 1;
                                        if (in_class)
                                                in_class = 1;
                                        continue;
                                }
                        }
                        if (tb_put(b, p + i, 2, i))
                                return -1;
                        i += 2;
                        if (in_class)
                                in_class = 1;
                        continue;
                }
                if (in_class) {
                        /* Java: a nested class (union); "[:alpha:]"
                         * would mean a POSIX class to PCRE2 but the
                         * characters ":alph" to Java */
                        if (c == '[') {
                                *bad = i;
                                return -2;
                        }
                        if (c == '&' && i + 1 < n && p[i + 1] == '&') {
                                *bad = i;
                                return -2;
                        }
                        if (c == ']' && in_class != 2) {
                                in_class = 0;
                        } else if (in_class == 2 && c == '^' &&
                                   i == class_start + 1) {
                                /* stays "first" */
                        } else {
                                in_class = 1;
                        }
                        if (tb_put(b, p + i, 1, i))
                                return -1;
                        i++;
                        continue;
                }
                if (c == '[') {
                        in_class = 2;
                        class_start = i;
                        if (tb_put(b, p + i, 1, i))
                                return -1;
                        i++;
                        continue;
                }
                if (c == '(' && i + 1 < n && p[i + 1] == '?') {
                        /* Inline flags: (?idmsuxU-idmsuxU) or (?..: */
                        size_t k = i + 2;
                        int flags = 0;

                        while (k < n && strchr("idmsuxU-", p[k]))
                                k++;
                        if (k > i + 2 && k < n && (p[k] == ')' || p[k] == ':')) {
                                char t[32];
                                size_t tl = 0;

                                t[tl++] = '(';
                                t[tl++] = '?';
                                for (size_t j = i + 2; j < k; j++) {
                                        char f = p[j];

                                        if (f == 'U') {
                                                *ucp = 1;
                                                continue;
                                        }
                                        if (f == 'd' || f == 'u')
                                                continue;
                                        if (tl < sizeof t - 2) {
                                                t[tl++] = f;
                                                if (f != '-')
                                                        flags++;
                                        }
                                }
                                if (!flags && p[k] == ')') {
                                        /* nothing left: drop the group */
                                        i = k + 1;
                                        continue;
                                }
                                if (!flags) /* (?: */
                                        tl = 2;
                                t[tl++] = p[k];
                                if (tb_put(b, t, tl, i))
                                        return -1;
                                i = k + 1;
                                continue;
                        }
                }
                if (tb_put(b, p + i, 1, i))
                        return -1;
                i++;
        }
        if (tb_put(b, "", 0, n))
                return -1;
        b->map[b->len] = n;
        return 0;
}

/* Java's index: characters (not bytes) of the pattern before `off`. */
static size_t char_index(const char *p, size_t off)
{
        size_t n = 0;

        for (size_t i = 0; i < off && p[i]; i++)
                if (((unsigned char)p[i] & 0xC0) != 0x80)
                        n++;
        return n;
}

static void syntax_error(char *err, size_t errsize, const char *desc,
                         const char *pattern, size_t off)
{
        size_t idx = char_index(pattern, off);
        size_t plen = char_index(pattern, strlen(pattern));
        int w;

        if (!err || !errsize)
                return;
        w = snprintf(err, errsize, "%s near index %zu\n%s", desc, idx,
                     pattern);
        if (w < 0 || (size_t)w >= errsize || idx >= plen)
                return;
        size_t used = (size_t)w;
        if (used + 1 < errsize)
                err[used++] = '\n';
        for (size_t i = 0; i < idx && used + 1 < errsize; i++)
                err[used++] = ' ';
        if (used + 1 < errsize)
                err[used++] = '^';
        err[used] = '\0';
}

jregex_t *jregex_compile(const char *pattern, char *err, size_t errsize)
{
        tbuf_t b = {0};
        jregex_t *re = NULL;
        pcre2_compile_context *cc = NULL;
        int ucp = 0, rc, ecode;
        size_t bad = 0, eoff = 0;
        uint32_t cnt = 0;

        if (err && errsize)
                err[0] = '\0';
        rc = translate(pattern, &b, &ucp, &bad);
        if (rc == -2) {
                syntax_error(err, errsize,
                             "Character class union and intersection are "
                             "not supported",
                             pattern, bad);
                goto cleanup;
        }
        if (rc < 0)
                goto oom;
        if (!(re = calloc(1, sizeof(*re))) ||
            !(re->pattern = strdup(pattern)) ||
            !(cc = pcre2_compile_context_create(NULL)))
                goto oom;
        pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
        re->code = pcre2_compile((PCRE2_SPTR)b.s, b.len,
                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
                                         (ucp ? PCRE2_UCP : 0),
                                 &ecode, &eoff, cc);
        if (!re->code) {
                PCRE2_UCHAR msg[256];
                size_t orig;

                if (pcre2_get_error_message(ecode, msg, sizeof msg) < 0)
                        snprintf((char *)msg, sizeof msg, "error %d", ecode);
                orig = eoff <= b.len ? b.map[eoff] : strlen(pattern);
                syntax_error(err, errsize, (const char *)msg, pattern, orig);
                goto cleanup_re;
        }
        (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
        pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &cnt);
        re->ngroups = (int)cnt;
        free(b.s);
        free(b.map);
        pcre2_compile_context_free(cc);
        return re;
oom:
        if (err && errsize)
                snprintf(err, errsize, "Out of memory");
cleanup_re:
        jregex_free(re);
        re = NULL;
cleanup:
        free(b.s);
        free(b.map);
        pcre2_compile_context_free(cc);
        return NULL;
}

void jregex_free(jregex_t *re)
{
        if (!re)
                return;
        pcre2_code_free(re->code);
        free(re->pattern);
        free(re);
}

const char *jregex_pattern(const jregex_t *re)
{
        return re->pattern;
}

int jregex_groups(const jregex_t *re)
{
        return re->ngroups;
}

/* ---- matching -------------------------------------------------------- */

static int run(const jregex_t *re, const char *s, size_t len, size_t from,
               uint32_t opts, pcre2_match_data *md)
{
        if (from > len)
                return 0;
        return pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), len, from,
                           opts, md, NULL) > 0;
}

int jregex_matches(const jregex_t *re, const char *s, size_t len)
{
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code,
                                                                    NULL);
        int ok;

        if (!md)
                return 0;
        ok = run(re, s, len, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, md);
        pcre2_match_data_free(md);
        return ok;
}

int jregex_find(const jregex_t *re, const char *s, size_t len, size_t from,
                size_t *start, size_t *end)
{
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code,
                                                                    NULL);
        int ok;

        if (!md)
                return 0;
        ok = run(re, s, len, from, 0, md);
        if (ok) {
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

                *start = ov[0];
                *end = ov[1];
        }
        pcre2_match_data_free(md);
        return ok;
}

/* ---- replacement ----------------------------------------------------- */

typedef struct {
        char *s;
        size_t len, cap;
} sbuf_t;

static int sb_put(sbuf_t *b, const char *p, size_t n)
{
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                char *s;

                while (b->len + n + 1 > cap)
                        cap *= 2;
                if (!(s = realloc(b->s, cap)))
                        return -1;
                b->s = s;
                b->cap = cap;
        }
        if (n)
                memcpy(b->s + b->len, p, n);
        b->len += n;
        b->s[b->len] = '\0';
        return 0;
}

static int fail(char *err, size_t errsize, int code, const char *fmt, ...)
{
        va_list ap;

        if (err && errsize) {
                va_start(ap, fmt);
                vsnprintf(err, errsize, fmt, ap);
                va_end(ap);
        }
        return code;
}

static int ascii_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9');
}

/* Matcher.appendExpandedReplacement. */
static int expand(const jregex_t *re, const char *s, PCRE2_SIZE *ov,
                  const char *rep, sbuf_t *out, char *err, size_t errsize)
{
        size_t i = 0, n = strlen(rep);

        while (i < n) {
                char c = rep[i];
                long ref;

                if (c == '\\') {
                        size_t cl = 1;

                        if (++i == n)
                                return fail(err, errsize, JREGEX_EIAE,
                                            "character to be escaped is "
                                            "missing");
                        /* one (UTF-8) character, as Java takes one char */
                        while (i + cl < n &&
                               ((unsigned char)rep[i + cl] & 0xC0) == 0x80)
                                cl++;
                        if (sb_put(out, rep + i, cl))
                                return JREGEX_ENOMEM;
                        i += cl;
                        continue;
                }
                if (c != '$') {
                        size_t j = i;

                        while (j < n && rep[j] != '\\' && rep[j] != '$')
                                j++;
                        if (sb_put(out, rep + i, j - i))
                                return JREGEX_ENOMEM;
                        i = j;
                        continue;
                }
                if (++i == n)
                        return fail(err, errsize, JREGEX_EIAE,
                                    "Illegal group reference: group index "
                                    "is missing");
                if (rep[i] == '{') {
                        size_t b = ++i;
                        int num;

                        while (i < n && ascii_alnum(rep[i]))
                                i++;
                        if (i == b)
                                return fail(err, errsize, JREGEX_EIAE,
                                            "named capturing group has 0 "
                                            "length name");
                        if (i == n || rep[i] != '}')
                                return fail(err, errsize, JREGEX_EIAE,
                                            "named capturing group is "
                                            "missing trailing '}'");
                        if (rep[b] >= '0' && rep[b] <= '9')
                                return fail(err, errsize, JREGEX_EIAE,
                                            "capturing group name {%.*s} "
                                            "starts with digit character",
                                            (int)(i - b), rep + b);
                        {
                                char name[256];

                                snprintf(name, sizeof name, "%.*s",
                                         (int)(i - b), rep + b);
                                num = pcre2_substring_number_from_name(
                                        re->code, (PCRE2_SPTR)name);
                        }
                        if (num <= 0)
                                return fail(err, errsize, JREGEX_EIAE,
                                            "No group with name {%.*s}",
                                            (int)(i - b), rep + b);
                        ref = num;
                        i++;
                } else {
                        if (rep[i] < '0' || rep[i] > '9')
                                return fail(err, errsize, JREGEX_EIAE,
                                            "Illegal group reference");
                        ref = rep[i++] - '0';
                        while (i < n && rep[i] >= '0' && rep[i] <= '9') {
                                long nr = ref * 10 + (rep[i] - '0');

                                if (nr > re->ngroups)
                                        break;
                                ref = nr;
                                i++;
                        }
                        if (ref > re->ngroups)
                                return fail(err, errsize, JREGEX_EINDEX,
                                            "No group %ld", ref);
                }
                if (ov[2 * ref] != PCRE2_UNSET &&
                    sb_put(out, s + ov[2 * ref],
                           ov[2 * ref + 1] - ov[2 * ref]))
                        return JREGEX_ENOMEM;
        }
        return 0;
}

int jregex_replace(const jregex_t *re, const char *s, size_t len,
                   const char *replacement, int all, char **out, char *err,
                   size_t errsize)
{
        pcre2_match_data *md = NULL;
        sbuf_t b = {0};
        size_t from = 0, copied = 0;
        size_t first = (size_t)-1, last = 0;
        int rc = 0;

        *out = NULL;
        if (!s)
                s = "";
        if (!(md = pcre2_match_data_create_from_pattern(re->code, NULL)))
                goto oom;
        for (;;) {
                PCRE2_SIZE *ov;

                if (first != (size_t)-1) {
                        from = last;
                        if (last == first) {
                                /* an empty match: move one character on */
                                if (from >= len)
                                        break;
                                from++;
                                while (from < len &&
                                       ((unsigned char)s[from] & 0xC0) == 0x80)
                                        from++;
                        }
                }
                if (!run(re, s, len, from, 0, md))
                        break;
                ov = pcre2_get_ovector_pointer(md);
                if (sb_put(&b, s + copied, ov[0] - copied))
                        goto oom;
                rc = expand(re, s, ov, replacement, &b, err, errsize);
                if (rc == JREGEX_ENOMEM)
                        goto oom;
                if (rc)
                        goto cleanup;
                first = ov[0];
                last = ov[1];
                copied = ov[1];
                if (!all)
                        break;
        }
        if (sb_put(&b, s + copied, len - copied))
                goto oom;
        *out = b.s;
        b.s = NULL;
        goto cleanup;
oom:
        rc = fail(err, errsize, JREGEX_ENOMEM, "Out of memory");
cleanup:
        free(b.s);
        pcre2_match_data_free(md);
        return rc;
}

const char *jregex_error_class(int code)
{
        switch (code) {
        case JREGEX_EIAE:
                return "java.lang.IllegalArgumentException";
        case JREGEX_EINDEX:
                return "java.lang.IndexOutOfBoundsException";
        default:
                return "java.lang.OutOfMemoryError";
        }
}
