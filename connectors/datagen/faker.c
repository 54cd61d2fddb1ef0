/*
 * faker — Java Faker compatible expressions over ruby-faker data (spec §7).
 *
 * DESIGN
 * A `with` value is compiled ONCE, when a connector or task starts, into a
 * template: an array of parts, each a literal, a programmatic method (a
 * function pointer with its arguments already converted) or a compiled YAML
 * key (fk_list_t: the key's list flattened into items, each a plain string,
 * a nested template or a regex program). Compiled keys are memoised per
 * faker_t, so `name.first_name` is flattened once however many templates
 * name it. Evaluation walks these trees, draws from the task's xoshiro
 * generator and appends to the caller's reusable buffer: no parsing, no
 * lookup and no allocation per record.
 *
 * Resolution order for NAME (spec §7.2): literal YAML path, programmatic
 * table (provider/method compared lower-case without `_`, overloads by
 * argument count and convertibility), normalised YAML path; an undotted
 * NAME inside a YAML template resolves against the key's provider first.
 * Anything else is "Unable to resolve #{...} directive." at compile time.
 *
 * Bounds: every number in an expression is checked when it is compiled
 * (counts, repetitions, time spans and dates; no arithmetic on them can
 * overflow at run time), and every compiled part knows how many bytes one
 * evaluation can append at most. An expression that could make more than
 * DG_BUF_MAX bytes, or a regexify pattern that could take more than
 * RE_MAX_STEPS steps, is refused with the reason after "Unable to resolve
 * #{...} directive.", so evaluation is bounded in time and memory.
 *
 * Ownership: every node a faker_t makes is tracked in its allocation list
 * and freed by faker_destroy(). A faker_t is used by one thread at a time;
 * compiled expressions are immutable and may be evaluated concurrently
 * with distinct faker_rt_t.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "datagen_int.h"
#include "faker_int.h"

#define MAX_ARGS 3
#define MAX_CHARS_ARG 100000 /* ceiling for Lorem.characters / digits */
#define MAX_AGE 100000       /* ceiling for date.birthday ages (years) */
/* Largest date.past/future span: now +- span stays far inside a long. */
#define DATE_SPAN_MAX_MS (INT64_C(1) << 62)
#define DATE_TEXT_MAX 63     /* put_date writes at most this much */

typedef struct fk_part fk_part_t;
typedef struct fk_list fk_list_t;
typedef struct re_seq re_seq_t;
typedef void (*fk_fn)(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out);

typedef struct fk_tmpl {
        int n;
        fk_part_t *parts;
        size_t max;     /* bytes one evaluation can append (saturating) */
} fk_tmpl_t;

typedef struct fk_item {
        const char *s;
        size_t len;
        fk_tmpl_t *t;   /* template, or NULL */
        re_seq_t *re;   /* regexify program, or NULL */
} fk_item_t;

struct fk_list {
        const ynode_t *node;
        int state;      /* 0 new, 1 compiling, 2 ready */
        size_t n;
        fk_item_t *items;
        /* A list of short plain strings also as slots of `slot` bytes,
         * each its length and its text (see pack_strings), or NULL. */
        unsigned char *packed;
        size_t slot;
        size_t max;     /* longest item's bound */
        fk_list_t *next;
};

enum { P_LIT = 1, P_FN, P_LIST };

struct fk_part {
        int kind;
        const char *s;   /* literal, or a string argument */
        size_t len;
        fk_fn fn;
        int64_t a[MAX_ARGS];
        fk_list_t *l[4];
        re_seq_t *re;
        re_seq_t ***cards; /* credit card: per type, NULL-terminated */
        int ncards;
        int *ncard_pat;
        size_t max;        /* bytes one evaluation can append */
};

struct faker_expr {
        fk_tmpl_t t;
};

struct faker {
        const faker_data_t *data;
        const ynode_t *root;
        fk_list_t *lists;
        void **allocs;
        size_t nallocs, capallocs;
        size_t bytes;
};

/* ------------------------------------------------------------------ */
/* allocation tracking                                                */

/* Takes p (n bytes, from malloc) into f's allocations; frees it and
 * returns -1 when out of memory. */
static int fk_track(faker_t *f, void *p, size_t n)
{
        if (f->nallocs == f->capallocs) {
                size_t cap = f->capallocs ? f->capallocs * 2 : 64;
                void **a = realloc(f->allocs, cap * sizeof(*a));
                if (!a) {
                        free(p);
                        return -1;
                }
                f->allocs = a;
                f->capallocs = cap;
        }
        f->allocs[f->nallocs++] = p;
        f->bytes += n;
        return 0;
}

static void *fk_alloc(faker_t *f, size_t n)
{
        void *p = calloc(1, n ? n : 1);

        if (p && fk_track(f, p, n))
                return NULL;
        return p;
}

static char *fk_strndup(faker_t *f, const char *s, size_t n)
{
        char *p = fk_alloc(f, n + 1);
        if (p)
                memcpy(p, s, n);
        return p;
}

faker_t *faker_new(const faker_data_t *d)
{
        faker_t *f = calloc(1, sizeof(*f));
        if (!f)
                return NULL;
        f->data = d;
        f->root = faker_data_root(d);
        return f;
}

void faker_destroy(faker_t *f)
{
        if (!f)
                return;
        for (size_t i = 0; i < f->nallocs; i++)
                free(f->allocs[i]);
        free(f->allocs);
        free(f);
}

/* ------------------------------------------------------------------ */
/* buffers, rng, clocks                                               */

void dg_buf_init(dg_buf_t *b, size_t initial)
{
        memset(b, 0, sizeof(*b));
        b->p = malloc(initial);
        b->cap = b->p ? initial : 0;
}

void dg_buf_free(dg_buf_t *b)
{
        free(b->p);
        memset(b, 0, sizeof(*b));
}

int dg_buf_grow(dg_buf_t *b, size_t need)
{
        size_t cap = b->cap ? b->cap : 256;
        char *p;

        if (need > DG_BUF_MAX) {
                b->overflow = 1;
                return -1;
        }
        while (cap < need)
                cap *= 2;
        if (cap > DG_BUF_MAX)
                cap = DG_BUF_MAX;
        p = realloc(b->p, cap);
        if (!p) {
                b->overflow = 1;
                return -1;
        }
        b->p = p;
        b->cap = cap;
        return 0;
}

static uint64_t splitmix64(uint64_t *x)
{
        uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
}

void dg_rng_seed(dg_rng_t *r, uint64_t seed)
{
        for (int i = 0; i < 4; i++)
                r->s[i] = splitmix64(&seed);
}

void dg_rng_seed_random(dg_rng_t *r)
{
        uint64_t seed;
        struct timespec ts;

        if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
                clock_gettime(CLOCK_REALTIME, &ts);
                seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
                       (uint64_t)(uintptr_t)r;
        }
        dg_rng_seed(r, seed);
}

int64_t dg_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dg_mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void faker_rt_init(faker_rt_t *rt, uint64_t seed)
{
        memset(rt, 0, sizeof(*rt));
        dg_rng_seed(&rt->rng, seed);
        for (int i = 0; i < 4; i++)
                rt->dcache[i].minute = INT64_MIN;
        dg_buf_init(&rt->tmp, 256);
        rt->now_ms = dg_now_ms();
}

void faker_rt_free(faker_rt_t *rt)
{
        dg_buf_free(&rt->tmp);
}

/* ------------------------------------------------------------------ */
/* dates: Java Date.toString(), "EEE MMM dd HH:mm:ss zzz yyyy"        */

static const char *const DAYS[] = { "Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat" };
static const char *const MONTHS[] = { "Jan", "Feb", "Mar", "Apr",
                                      "May", "Jun", "Jul", "Aug",
                                      "Sep", "Oct", "Nov", "Dec" };

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;
        if ((a % b) != 0 && ((a < 0) != (b < 0)))
                q--;
        return q;
}

/* Fill a cache entry for the minute starting at epoch second m*60. */
static void dcache_fill(faker_rt_t *rt, int slot, int64_t minute)
{
        time_t t = (time_t)(minute * 60);
        struct tm tm;

        if (!localtime_r(&t, &tm)) { /* not reached for a long of ms */
                memset(&tm, 0, sizeof(tm));
                tm.tm_year = 70;
                tm.tm_mday = 1;
        }
        rt->dcache[slot].minute = minute;
        rt->dcache[slot].sec0 = tm.tm_sec;
        /* head: "Wed Nov 25 17:32:" ; text holds head then tail after a NUL */
        int h = snprintf(rt->dcache[slot].text, sizeof(rt->dcache[slot].text),
                         "%s %s %02d %02d:%02d:", DAYS[tm.tm_wday % 7],
                         MONTHS[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
                         tm.tm_min);
        rt->dcache[slot].head = (size_t)h;
        snprintf(rt->dcache[slot].text + h + 1,
                 sizeof(rt->dcache[slot].text) - (size_t)h - 1, " %s %d",
                 tm.tm_zone ? tm.tm_zone : "UTC", tm.tm_year + 1900);
}

size_t dg_format_date(faker_rt_t *rt, int64_t ms, char *out, size_t n)
{
        int64_t sec = floor_div(ms, 1000);
        int64_t minute = floor_div(sec, 60);
        int slot = (int)(minute & 3);
        int s;

        if (rt->dcache[slot].minute != minute)
                dcache_fill(rt, slot, minute);
        s = rt->dcache[slot].sec0 + (int)(sec - minute * 60);
        if (s >= 60) { /* odd zone offset with seconds: no shortcut */
                time_t t = (time_t)sec;
                struct tm tm;
                if (!localtime_r(&t, &tm)) {
                        memset(&tm, 0, sizeof(tm));
                        tm.tm_year = 70;
                        tm.tm_mday = 1;
                }
                return (size_t)snprintf(out, n, "%s %s %02d %02d:%02d:%02d %s %d",
                                        DAYS[tm.tm_wday % 7],
                                        MONTHS[tm.tm_mon % 12], tm.tm_mday,
                                        tm.tm_hour, tm.tm_min, tm.tm_sec,
                                        tm.tm_zone ? tm.tm_zone : "UTC",
                                        tm.tm_year + 1900);
        }
        /* head (up to the minute), two digits of seconds, tail (zone and
         * year): no printf per record. */
        const char *head = rt->dcache[slot].text;
        size_t hl = rt->dcache[slot].head;
        const char *tail = head + hl + 1;
        size_t tl = strlen(tail), len = hl + 2 + tl;
        if (len >= n)
                return (size_t)snprintf(out, n, "%.*s%02d%s", (int)hl, head,
                                        s, tail);
        memcpy(out, head, hl);
        out[hl] = (char)('0' + s / 10);
        out[hl + 1] = (char)('0' + s % 10);
        memcpy(out + hl + 2, tail, tl + 1);
        return len;
}

static void put_date(faker_rt_t *rt, int64_t ms, dg_buf_t *out)
{
        char tmp[DATE_TEXT_MAX + 1];
        size_t len = dg_format_date(rt, ms, tmp, sizeof(tmp));
        dg_buf_put(out, tmp, len < sizeof(tmp) ? len : sizeof(tmp) - 1);
}

/* Up to maxd decimal digits at *pp (at least one); 0, or -1. */
static int date_num(const char **pp, int maxd, int *v)
{
        const char *p = *pp;
        int acc = 0, d = 0;
        while (*p >= '0' && *p <= '9') {
                if (++d > maxd)
                        return -1;
                acc = acc * 10 + (*p++ - '0');
        }
        if (!d)
                return -1;
        *v = acc;
        *pp = p;
        return 0;
}

/* A word of 1..n-1 non-space bytes at *pp into out. 0, or -1. */
static int date_word(const char **pp, char *out, size_t n)
{
        const char *p = *pp;
        size_t k = 0;
        while (*p && *p != ' ') {
                if (k + 1 >= n)
                        return -1;
                out[k++] = *p++;
        }
        out[k] = '\0';
        *pp = p;
        return k ? 0 : -1;
}

static int date_lit(const char **pp, char c)
{
        if (**pp != c)
                return -1;
        (*pp)++;
        return 0;
}

/* "EEE MMM dd HH:mm:ss zzz yyyy". 0 ok, -1 not that form, -2 a date out
 * of the range of a long count of milliseconds (Java's Date). Fields are
 * lenient as Java's parser is (Feb 30 is Mar 2), but each is at most two
 * digits (the year nine), so no arithmetic below can overflow. */
int dg_parse_date(const char *s, int64_t *ms)
{
        char dow[8], mon[8], zone[16];
        int day, hh, mm, ss, year, m;
        struct tm tm;
        time_t t;
        const char *p = s;

        if (date_word(&p, dow, sizeof(dow)) || date_lit(&p, ' ') ||
            date_word(&p, mon, sizeof(mon)) || date_lit(&p, ' ') ||
            date_num(&p, 2, &day) || date_lit(&p, ' ') ||
            date_num(&p, 2, &hh) || date_lit(&p, ':') ||
            date_num(&p, 2, &mm) || date_lit(&p, ':') ||
            date_num(&p, 2, &ss) || date_lit(&p, ' ') ||
            date_word(&p, zone, sizeof(zone)) || date_lit(&p, ' '))
                return -1;
        if (date_num(&p, 9, &year))
                return *p >= '0' && *p <= '9' ? -2 : -1;
        if (*p)
                return -1;
        for (m = 0; m < 12; m++)
                if (!strcmp(mon, MONTHS[m]))
                        break;
        if (m == 12)
                return -1;
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = year - 1900;
        tm.tm_mon = m;
        tm.tm_mday = day;
        tm.tm_hour = hh;
        tm.tm_min = mm;
        tm.tm_sec = ss;
        errno = 0;
        if (!strcmp(zone, "UTC") || !strcmp(zone, "GMT")) {
                t = timegm(&tm);
        } else {
                tzset();
                if (strcmp(zone, tzname[0]) && strcmp(zone, tzname[1]))
                        return -1;
                tm.tm_isdst = !strcmp(zone, tzname[1]) &&
                              strcmp(tzname[0], tzname[1]) ? 1 : 0;
                t = mktime(&tm);
        }
        if (t == (time_t)-1 && errno)
                return -2;
        if (__builtin_mul_overflow((int64_t)t, 1000, ms))
                return -2;
        return 0;
}

/* ------------------------------------------------------------------ */
/* regexify: a tiny generator for the data's /.../ values             */

enum { RE_LIT = 1, RE_SET, RE_GROUP, RE_LUHN };

#define RE_MAX_REPEAT 1000 /* largest count in {n} / {n,m} */
#define RE_MAX_DEPTH 16    /* groups nested deeper are refused */
/* Steps (node visits) one evaluation may take: bounds patterns that
 * repeat a lot but output little, e.g. nested repetitions of (). */
#define RE_MAX_STEPS ((uint64_t)DG_BUF_MAX * 4)

typedef struct re_node {
        int type;
        int min, max;
        char lit[8];           /* one (UTF-8) character */
        int litlen;
        char *set;             /* RE_SET: distinct bytes, ascending */
        int nset;              /* 1..256 */
        re_seq_t **alts;       /* RE_GROUP */
        int nalts;
} re_node_t;

struct re_seq {
        int n, cap;
        re_node_t *nodes;
        size_t out_max;        /* top level only: bytes one value can have */
};

typedef struct re_parser {
        faker_t *f;
        const char *start, *end;
        int card;              /* credit-card data: # digit, L Luhn */
        char *err;
        size_t errsz;
} re_parser_t;

static uint64_t sat_add_u64(uint64_t a, uint64_t b)
{
        uint64_t r;
        return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_mul_u64(uint64_t a, uint64_t b)
{
        uint64_t r;
        return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static size_t sat_add(size_t a, size_t b)
{
        size_t r;
        return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

static size_t sat_mul(size_t a, size_t b)
{
        size_t r;
        return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static re_seq_t *re_parse_alt(re_parser_t *rp, const char **pp, int depth);

static void *re_fail(re_parser_t *rp, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void *re_fail(re_parser_t *rp, const char *fmt, ...)
{
        va_list ap;
        if (rp->err && !rp->err[0]) { /* the innermost reason wins */
                va_start(ap, fmt);
                vsnprintf(rp->err, rp->errsz, fmt, ap);
                va_end(ap);
        }
        return NULL;
}

/* Append a node; the array doubles (replaced arrays stay tracked by the
 * faker_t until it is destroyed, so the total is at most twice the last). */
static int re_add(faker_t *f, re_seq_t *sq, const re_node_t *nd)
{
        if (sq->n == sq->cap) {
                int cap = sq->cap ? sq->cap * 2 : 4;
                re_node_t *nn = fk_alloc(f, (size_t)cap * sizeof(*nn));
                if (!nn)
                        return -1;
                if (sq->n)
                        memcpy(nn, sq->nodes, (size_t)sq->n * sizeof(*nn));
                sq->nodes = nn;
                sq->cap = cap;
        }
        sq->nodes[sq->n++] = *nd;
        return 0;
}

static void set_range(unsigned char *in, unsigned lo, unsigned hi)
{
        for (unsigned x = lo; x <= hi && x < 256; x++)
                in[x] = 1;
}

/* The distinct bytes of a class body ("a-z\d_"): at most 256 whatever the
 * text repeats. NULL (and *nset 0) for an empty class. */
static char *re_set_from_range(faker_t *f, const char *spec, size_t n,
                               int *nset)
{
        unsigned char in[256];
        char set[256];
        int k = 0;

        memset(in, 0, sizeof(in));
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)spec[i];
                if (c == '\\' && i + 1 < n) {
                        i++;
                        if (spec[i] == 'd') {
                                set_range(in, '0', '9');
                        } else if (spec[i] == 'w') {
                                set_range(in, 'a', 'z');
                                set_range(in, 'A', 'Z');
                                set_range(in, '0', '9');
                                in['_'] = 1;
                        } else {
                                in[(unsigned char)spec[i]] = 1;
                        }
                } else if (i + 2 < n && spec[i + 1] == '-') {
                        set_range(in, c, (unsigned char)spec[i + 2]);
                        i += 2;
                } else {
                        in[c] = 1;
                }
        }
        for (int x = 0; x < 256; x++)
                if (in[x])
                        set[k++] = (char)x;
        *nset = k;
        return k ? fk_strndup(f, set, (size_t)k) : NULL;
}

/* Decimal digits at *pp (no sign, no space): 0 with the value, 1 when there
 * are none, 2 when the value is above RE_MAX_REPEAT (all digits consumed). */
static int re_count(const char **pp, const char *end, int *v)
{
        const char *p = *pp;
        long acc = 0;
        int big = 0;

        if (p >= end || *p < '0' || *p > '9')
                return 1;
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
                if (!big)
                        acc = acc * 10 + (*p - '0');
                if (acc > RE_MAX_REPEAT)
                        big = 1;
        }
        *pp = p;
        *v = big ? RE_MAX_REPEAT + 1 : (int)acc;
        return big ? 2 : 0;
}

/* A quantifier at *pp for nd: 0 (none, or literal braces), 1 parsed,
 * -1 error. */
static int re_quant(re_parser_t *rp, const char **pp, re_node_t *nd)
{
        const char *p = *pp, *end = rp->end, *q;
        int a, b, ra, rb = 0, open = 0;

        if (p >= end)
                return 0;
        switch (*p) {
        case '?':
                nd->min = 0;
                nd->max = 1;
                break;
        case '*':
                nd->min = 0;
                nd->max = 4;
                break;
        case '+':
                nd->min = 1;
                nd->max = 4;
                break;
        case '{':
                q = p + 1;
                ra = re_count(&q, end, &a);
                if (ra == 1)
                        return 0; /* "{x": literal text */
                b = a;
                if (q < end && *q == ',') {
                        q++;
                        rb = re_count(&q, end, &b);
                        if (rb == 1) {
                                open = 1;
                                rb = 0;
                        }
                }
                if (q >= end || *q != '}')
                        return 0;
                if (ra == 2 || rb == 2) {
                        re_fail(rp, "The repetition %.*s is above the limit "
                                    "of %d.",
                                (int)(q + 1 - p), p, RE_MAX_REPEAT);
                        return -1;
                }
                if (open)
                        b = a + 4;
                if (b < a) {
                        re_fail(rp, "The repetition %.*s has its maximum "
                                    "below its minimum.",
                                (int)(q + 1 - p), p);
                        return -1;
                }
                nd->min = a;
                nd->max = b;
                *pp = q + 1;
                return 1;
        default:
                return 0;
        }
        *pp = p + 1;
        return 1;
}

static re_seq_t *re_parse_seq(re_parser_t *rp, const char **pp, int depth)
{
        faker_t *f = rp->f;
        const char *end = rp->end;
        re_seq_t *sq = fk_alloc(f, sizeof(*sq));
        const char *p = *pp;

        if (!sq)
                return re_fail(rp, "out of memory");
        while (p < end && *p != '|' && *p != ')') {
                re_node_t nd;
                memset(&nd, 0, sizeof(nd));
                nd.min = nd.max = 1;
                if (*p == '(') {
                        p++;
                        if (depth >= RE_MAX_DEPTH)
                                return re_fail(rp, "Groups are nested deeper "
                                                   "than %d.",
                                               RE_MAX_DEPTH);
                        if (p + 1 < end && p[0] == '?' && p[1] == ':')
                                p += 2;
                        re_seq_t *g = re_parse_alt(rp, &p, depth + 1);
                        if (!g)
                                return NULL;
                        if (p >= end || *p != ')')
                                return re_fail(rp, "A group is not closed.");
                        p++;
                        nd.type = RE_GROUP;
                        nd.alts = g->nodes[0].alts;
                        nd.nalts = g->nodes[0].nalts;
                } else if (*p == '[') {
                        const char *q = p + 1;
                        while (q < end && *q != ']')
                                q += (*q == '\\' && q + 1 < end) ? 2 : 1;
                        if (q >= end)
                                return re_fail(rp, "A [class] is not "
                                                   "closed.");
                        nd.type = RE_SET;
                        nd.set = re_set_from_range(f, p + 1, (size_t)(q - p - 1),
                                                   &nd.nset);
                        if (!nd.set)
                                return re_fail(rp, "A [class] is empty.");
                        p = q + 1;
                } else if (*p == '\\' && p + 1 < end) {
                        p++;
                        if (*p == 'd' || *p == 'w') {
                                nd.type = RE_SET;
                                nd.set = re_set_from_range(
                                        f, *p == 'd' ? "0-9" : "a-zA-Z0-9_",
                                        *p == 'd' ? 3 : 10, &nd.nset);
                        } else {
                                nd.type = RE_LIT;
                                nd.lit[0] = *p;
                                nd.litlen = 1;
                        }
                        p++;
                } else if (*p == '.') {
                        nd.type = RE_SET;
                        nd.set = re_set_from_range(f, "a-zA-Z0-9", 9, &nd.nset);
                        p++;
                } else if (*p == '^' || *p == '$') {
                        p++;
                        continue;
                } else if (rp->card && *p == '#') {
                        nd.type = RE_SET;
                        nd.set = re_set_from_range(f, "0-9", 3, &nd.nset);
                        p++;
                } else if (rp->card && *p == 'L') {
                        nd.type = RE_LUHN;
                        p++;
                } else {
                        /* one UTF-8 character */
                        int l = 1;
                        unsigned char c = (unsigned char)*p;
                        if (c >= 0xf0)
                                l = 4;
                        else if (c >= 0xe0)
                                l = 3;
                        else if (c >= 0xc0)
                                l = 2;
                        if (p + l > end)
                                l = (int)(end - p);
                        nd.type = RE_LIT;
                        memcpy(nd.lit, p, (size_t)l);
                        nd.litlen = l;
                        p += l;
                }
                if (nd.type == RE_SET && !nd.set)
                        return re_fail(rp, "out of memory");
                if (re_quant(rp, &p, &nd) < 0)
                        return NULL;
                if (re_add(f, sq, &nd))
                        return re_fail(rp, "out of memory");
        }
        *pp = p;
        return sq;
}

/* Alternatives a|b|c: returns a one-node sequence holding a RE_GROUP. */
static re_seq_t *re_parse_alt(re_parser_t *rp, const char **pp, int depth)
{
        faker_t *f = rp->f;
        re_seq_t *wrap = fk_alloc(f, sizeof(*wrap));
        re_node_t g;
        re_seq_t **alts = NULL;
        int n = 0, cap = 0;

        if (!wrap)
                return re_fail(rp, "out of memory");
        memset(&g, 0, sizeof(g));
        for (;;) {
                re_seq_t *s = re_parse_seq(rp, pp, depth);
                if (!s)
                        return NULL;
                if (n == cap) { /* doubling, as re_add */
                        int nc = cap ? cap * 2 : 2;
                        re_seq_t **na = fk_alloc(f, (size_t)nc * sizeof(*na));
                        if (!na)
                                return re_fail(rp, "out of memory");
                        if (n)
                                memcpy(na, alts, (size_t)n * sizeof(*na));
                        alts = na;
                        cap = nc;
                }
                alts[n++] = s;
                if (*pp < rp->end && **pp == '|') {
                        (*pp)++;
                        continue;
                }
                break;
        }
        g.type = RE_GROUP;
        g.min = g.max = 1;
        g.alts = alts;
        g.nalts = n;
        if (re_add(f, wrap, &g))
                return re_fail(rp, "out of memory");
        return wrap;
}

/* Upper bounds of one evaluation of sq: bytes out and steps taken. */
static void re_bounds(const re_seq_t *sq, uint64_t *out, uint64_t *steps)
{
        *out = 0;
        *steps = 0;
        for (int i = 0; i < sq->n; i++) {
                const re_node_t *nd = &sq->nodes[i];
                uint64_t o = 0, s = 0;
                switch (nd->type) {
                case RE_LIT:
                        o = (uint64_t)nd->litlen;
                        break;
                case RE_SET:
                case RE_LUHN:
                        o = 1;
                        break;
                case RE_GROUP:
                        for (int a = 0; a < nd->nalts; a++) {
                                uint64_t ao, as;
                                re_bounds(nd->alts[a], &ao, &as);
                                if (ao > o)
                                        o = ao;
                                if (as > s)
                                        s = as;
                        }
                        break;
                }
                *out = sat_add_u64(*out, sat_mul_u64((uint64_t)nd->max, o));
                *steps = sat_add_u64(*steps, sat_mul_u64((uint64_t)nd->max,
                                                         sat_add_u64(s, 1)));
        }
}

/* Compile pattern s (n bytes). NULL with the reason in err (may be NULL). */
static re_seq_t *re_compile(faker_t *f, const char *s, size_t n, int card,
                            char *err, size_t errsz)
{
        re_parser_t rp = { f, s, s + n, card, err, errsz };
        const char *p = s;
        uint64_t out, steps;
        re_seq_t *r;

        if (err && errsz)
                err[0] = '\0';
        r = re_parse_alt(&rp, &p, 0);
        if (!r)
                return NULL;
        if (p != s + n)
                return re_fail(&rp, "Unbalanced ')' in the pattern.");
        re_bounds(r, &out, &steps);
        if (out > DG_BUF_MAX)
                return re_fail(&rp, "The pattern can produce more than %u "
                                    "bytes per value.",
                               (unsigned)DG_BUF_MAX);
        if (steps > RE_MAX_STEPS)
                return re_fail(&rp, "The pattern repeats too often: more "
                                    "than %llu steps per value.",
                               (unsigned long long)RE_MAX_STEPS);
        r->out_max = (size_t)out;
        return r;
}

static void re_gen(const re_seq_t *sq, faker_rt_t *rt, dg_buf_t *out)
{
        for (int i = 0; i < sq->n; i++) {
                const re_node_t *nd = &sq->nodes[i];
                int reps = nd->min;
                if (nd->max > nd->min)
                        reps += (int)dg_rng_below(&rt->rng,
                                                  (uint64_t)(nd->max - nd->min + 1));
                for (int k = 0; k < reps; k++) {
                        switch (nd->type) {
                        case RE_LIT:
                                dg_buf_put(out, nd->lit, (size_t)nd->litlen);
                                break;
                        case RE_SET:
                                dg_buf_putc(out, nd->set[dg_rng_below(
                                                         &rt->rng,
                                                         (uint64_t)nd->nset)]);
                                break;
                        case RE_LUHN:
                                dg_buf_putc(out, 'L');
                                break;
                        case RE_GROUP:
                                re_gen(nd->alts[dg_rng_below(&rt->rng,
                                                             (uint64_t)nd->nalts)],
                                       rt, out);
                                break;
                        }
                }
        }
}

/* ------------------------------------------------------------------ */
/* evaluation                                                         */

static void eval_tmpl(const fk_tmpl_t *t, faker_rt_t *rt, dg_buf_t *out);

static void eval_list(const fk_list_t *l, faker_rt_t *rt, dg_buf_t *out)
{
        size_t i = l->n == 1 ? 0 : dg_rng_below(&rt->rng, (uint64_t)l->n);
        const fk_item_t *it;

        if (l->packed) {
                const unsigned char *e = l->packed + i * l->slot;

                dg_buf_put(out, (const char *)e + 1, e[0]);
                return;
        }
        it = &l->items[i];
        if (it->t)
                eval_tmpl(it->t, rt, out);
        else if (it->re)
                re_gen(it->re, rt, out);
        else
                dg_buf_put(out, it->s, it->len);
}

static void eval_tmpl(const fk_tmpl_t *t, faker_rt_t *rt, dg_buf_t *out)
{
        for (int i = 0; i < t->n; i++) {
                const fk_part_t *p = &t->parts[i];
                switch (p->kind) {
                case P_LIT:
                        dg_buf_put(out, p->s, p->len);
                        break;
                case P_FN:
                        p->fn(p, rt, out);
                        break;
                case P_LIST:
                        eval_list(p->l[0], rt, out);
                        break;
                }
        }
}

void faker_eval(const faker_expr_t *e, faker_rt_t *rt, dg_buf_t *out)
{
        eval_tmpl(&e->t, rt, out);
}

/* ------------------------------------------------------------------ */
/* programmatic methods (spec §7.5)                                   */

static const char HEX[] = "0123456789abcdef";
static const char ALNUM[] = "abcdefghijklmnopqrstuvwxyz0123456789";

static void put_i64(dg_buf_t *out, int64_t v)
{
        char tmp[24];
        int n = 0;
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        do {
                tmp[n++] = (char)('0' + u % 10);
                u /= 10;
        } while (u);
        if (v < 0)
                tmp[n++] = '-';
        if (out->len + (size_t)n > out->cap && dg_buf_grow(out, out->len + (size_t)n))
                return;
        while (n)
                out->p[out->len++] = tmp[--n];
}

static void fn_uuid(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        uint64_t a = dg_rng_next(&rt->rng), b = dg_rng_next(&rt->rng);
        unsigned char by[16];
        (void)p;
        for (int i = 0; i < 8; i++) {
                by[i] = (unsigned char)(a >> (i * 8));
                by[8 + i] = (unsigned char)(b >> (i * 8));
        }
        by[6] = (unsigned char)((by[6] & 0x0f) | 0x40);
        by[8] = (unsigned char)((by[8] & 0x3f) | 0x80);
        if (out->len + 36 > out->cap && dg_buf_grow(out, out->len + 36))
                return;
        char *o = out->p + out->len;
        for (int i = 0; i < 16; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10)
                        *o++ = '-';
                *o++ = HEX[by[i] >> 4];
                *o++ = HEX[by[i] & 15];
        }
        out->len += 36;
}

static void fn_between(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        int64_t a = p->a[0], b = p->a[1];
        if (b <= a) {
                put_i64(out, a);
                return;
        }
        /* b - a and a + offset in unsigned arithmetic: the span of two
         * longs does not fit a long, the result (< b) does. */
        put_i64(out, (int64_t)((uint64_t)a +
                               dg_rng_below(&rt->rng,
                                            (uint64_t)b - (uint64_t)a)));
}

static void fn_digits(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        for (int64_t i = 0; i < p->a[0]; i++)
                dg_buf_putc(out, (char)('0' + dg_rng_below(&rt->rng, 10)));
}

static void fn_digit_nz(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        (void)p;
        dg_buf_putc(out, (char)('1' + dg_rng_below(&rt->rng, 9)));
}

static void fn_random_number(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        uint64_t lim = 1;
        int d = 1 + (int)dg_rng_below(&rt->rng, 9);
        (void)p;
        while (d--)
                lim *= 10;
        put_i64(out, (int64_t)dg_rng_below(&rt->rng, lim));
}

/* a[0]: upper ms, a[1]: lower ms, a[2]: +1 future / -1 past */
static void fn_past_future(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        int64_t off;
        if (p->a[1] < 0) { /* two-argument form: 1000 + 1 + [0, n-2] */
                int64_t span = p->a[0] - 1;
                off = 1000 + 1 + (span > 0 ? (int64_t)dg_rng_below(&rt->rng,
                                                                   (uint64_t)span)
                                           : 0);
        } else {
                int64_t span = p->a[0] - p->a[1];
                off = p->a[1] + (span > 0 ? (int64_t)dg_rng_below(&rt->rng,
                                                                  (uint64_t)span + 1)
                                          : 0);
        }
        put_date(rt, rt->now_ms + p->a[2] * off, out);
}

static void fn_between_dates(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        int64_t from = p->a[0], to = p->a[1], t = from;
        if (to > from) /* unsigned: the span of two longs may not fit */
                t = (int64_t)((uint64_t)from +
                              dg_rng_below(&rt->rng,
                                           (uint64_t)to - (uint64_t)from));
        put_date(rt, t, out);
}

static void fn_birthday(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        time_t now = (time_t)(rt->now_ms / 1000);
        struct tm tm, a, b;
        int64_t from, to, t;

        localtime_r(&now, &tm);
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        a = tm;
        b = tm;
        a.tm_year -= (int)p->a[1]; /* oldest */
        b.tm_year -= (int)p->a[0]; /* youngest */
        /* ages are at most MAX_AGE years: both instants are a few
         * thousand million seconds from now, far inside a long of ms */
        from = (int64_t)mktime(&a) * 1000;
        to = (int64_t)mktime(&b) * 1000;
        t = from;
        if (to > from) /* unsigned: the span of two longs may not fit */
                t = (int64_t)((uint64_t)from +
                              dg_rng_below(&rt->rng,
                                           (uint64_t)to - (uint64_t)from));
        put_date(rt, t, out);
}

/* Lower-case ASCII, drop `'` and whitespace, in place from `mark`. */
static void squash_lower(dg_buf_t *out, size_t mark, int drop_space)
{
        /* ASCII only, as the C locale's isspace/tolower: no locale
         * calls per byte. */
        char *p = out->p;
        size_t w = mark, end = out->len;
        for (size_t r = mark; r < end; r++) {
                char c = p[r];
                if (c == '\'' ||
                    (drop_space && (c == ' ' || (c >= '\t' && c <= '\r'))))
                        continue;
                p[w++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        out->len = w;
}

static void fn_username(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        size_t mark = out->len;
        eval_list(p->l[0], rt, out);
        dg_buf_putc(out, '.');
        eval_list(p->l[1], rt, out);
        squash_lower(out, mark, 1);
}

/* Strip Latin-1 accents from UTF-8 (C3 xx) in place from mark. */
static void strip_accents(dg_buf_t *out, size_t mark)
{
        static const char map[64] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
        size_t w = mark;
        for (size_t r = mark; r < out->len; r++) {
                unsigned char c = (unsigned char)out->p[r];
                if (c == 0xc3 && r + 1 < out->len) {
                        unsigned char d = (unsigned char)out->p[r + 1];
                        if (d >= 0x80 && d <= 0xbf) {
                                out->p[w++] = (char)tolower(
                                        (unsigned char)map[d - 0x80]);
                                r++;
                                continue;
                        }
                }
                out->p[w++] = (char)c;
        }
        out->len = w;
}

static void fn_email(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        size_t mark = out->len;
        fn_username(p, rt, out);
        strip_accents(out, mark);
        dg_buf_putc(out, '@');
        if (p->l[2])
                eval_list(p->l[2], rt, out);
        else
                dg_buf_put(out, "example.com", 11);
}

static void fn_domain_word(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        size_t mark = out->len;
        eval_list(p->l[1], rt, out);
        squash_lower(out, mark, 1);
        if (p->l[2]) {
                dg_buf_putc(out, '.');
                eval_list(p->l[2], rt, out);
        }
}

static void fn_chars(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        for (int64_t i = 0; i < p->a[0]; i++)
                dg_buf_putc(out, ALNUM[dg_rng_below(&rt->rng, 36)]);
}

static void put_words(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out,
                      int n, int cap_first)
{
        for (int i = 0; i < n; i++) {
                if (i)
                        dg_buf_putc(out, ' ');
                size_t mark = out->len;
                eval_list(p->l[0], rt, out);
                if (i == 0 && cap_first && out->len > mark)
                        out->p[mark] = (char)toupper((unsigned char)out->p[mark]);
        }
}

static void fn_words(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        dg_buf_putc(out, '[');
        for (int i = 0; i < 3; i++) {
                if (i)
                        dg_buf_put(out, ", ", 2);
                eval_list(p->l[0], rt, out);
        }
        dg_buf_putc(out, ']');
}

static void fn_sentence(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        put_words(p, rt, out, 3 + (int)dg_rng_below(&rt->rng, 6), 1);
        dg_buf_putc(out, '.');
}

static void fn_paragraph(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        int n = 3 + (int)dg_rng_below(&rt->rng, 3);
        for (int i = 0; i < n; i++) {
                if (i)
                        dg_buf_putc(out, ' ');
                fn_sentence(p, rt, out);
        }
}

static void fn_isbn10(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        static const struct {
                int len;
                int64_t lo, hi;
        } shapes[] = { { 2, 0, 9 },          { 3, 200, 698 },
                       { 4, 7000, 8498 },    { 5, 85000, 89998 },
                       { 6, 900000, 949998 }, { 7, 9500000, 9999998 } };
        char d[11];
        int s = (int)dg_rng_below(&rt->rng, 6), k = 0, sum = 0;
        int64_t reg = shapes[s].lo +
                      (int64_t)dg_rng_below(&rt->rng,
                                            (uint64_t)(shapes[s].hi - shapes[s].lo + 1));
        char tmp[16];
        (void)p;
        d[k++] = (char)('0' + dg_rng_below(&rt->rng, 2));
        snprintf(tmp, sizeof(tmp), "%0*lld", shapes[s].len, (long long)reg);
        for (int i = 0; i < shapes[s].len; i++)
                d[k++] = tmp[i];
        while (k < 9)
                d[k++] = (char)('0' + dg_rng_below(&rt->rng, 10));
        for (int i = 0; i < 9; i++)
                sum += (i + 1) * (d[i] - '0');
        sum %= 11;
        d[9] = sum == 10 ? 'X' : (char)('0' + sum);
        dg_buf_put(out, d, 10);
}

static void fn_product_name(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        eval_list(p->l[0], rt, out);
        dg_buf_putc(out, ' ');
        eval_list(p->l[1], rt, out);
        dg_buf_putc(out, ' ');
        eval_list(p->l[2], rt, out);
}

static void fn_credit_card(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        int ty = (int)dg_rng_below(&rt->rng, (uint64_t)p->ncards);
        re_seq_t *re = p->cards[ty][dg_rng_below(&rt->rng,
                                                 (uint64_t)p->ncard_pat[ty])];
        size_t mark = out->len, lpos = SIZE_MAX;
        int sum = 0, pos = 0;

        re_gen(re, rt, out);
        for (size_t i = mark; i < out->len; i++)
                if (out->p[i] == 'L')
                        lpos = i;
        if (lpos == SIZE_MAX)
                return;
        /* Luhn: double every second digit counting from the check digit */
        for (size_t i = lpos; i-- > mark;) {
                char c = out->p[i];
                if (c < '0' || c > '9')
                        continue;
                int v = c - '0';
                if (pos % 2 == 0) {
                        v *= 2;
                        if (v > 9)
                                v -= 9;
                }
                sum += v;
                pos++;
        }
        out->p[lpos] = (char)('0' + (10 - sum % 10) % 10);
}

static void fn_bool(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        (void)p;
        if (dg_rng_next(&rt->rng) >> 63)
                dg_buf_put(out, "true", 4);
        else
                dg_buf_put(out, "false", 5);
}

/* Replace # and ? from mark on: mode 1 numerify, 2 letterify, 3 both. */
static void ify(dg_buf_t *out, size_t mark, int mode, faker_rt_t *rt)
{
        for (size_t i = mark; i < out->len; i++) {
                if ((mode & 1) && out->p[i] == '#')
                        out->p[i] = (char)('0' + dg_rng_below(&rt->rng, 10));
                else if ((mode & 2) && out->p[i] == '?')
                        out->p[i] = (char)('a' + dg_rng_below(&rt->rng, 26));
        }
}

/* a[0]: mode; l[0]: list, or s: the literal argument */
static void fn_ify(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        size_t mark = out->len;
        if (p->l[0])
                eval_list(p->l[0], rt, out);
        else
                dg_buf_put(out, p->s, p->len);
        ify(out, mark, (int)p->a[0], rt);
}

static void fn_regexify(const fk_part_t *p, faker_rt_t *rt, dg_buf_t *out)
{
        re_gen(p->re, rt, out);
}

/* Bytes one call of p->fn can append, from its arguments and lists. */
static size_t lmax(const fk_list_t *l)
{
        return l ? l->max : 0;
}

static size_t fn_bound(const fk_part_t *p)
{
        fk_fn fn = p->fn;
        size_t w = lmax(p->l[0]);

        if (fn == fn_uuid)
                return 36;
        if (fn == fn_between || fn == fn_random_number)
                return 20;
        if (fn == fn_digits || fn == fn_chars)
                return (size_t)p->a[0];
        if (fn == fn_digit_nz)
                return 1;
        if (fn == fn_bool)
                return 5;
        if (fn == fn_isbn10)
                return 10;
        if (fn == fn_past_future || fn == fn_between_dates ||
            fn == fn_birthday)
                return DATE_TEXT_MAX;
        if (fn == fn_username)
                return sat_add(sat_add(w, 1), lmax(p->l[1]));
        if (fn == fn_email)
                return sat_add(sat_add(sat_add(w, 2), lmax(p->l[1])),
                               p->l[2] ? lmax(p->l[2]) : 11);
        if (fn == fn_domain_word)
                return sat_add(lmax(p->l[1]),
                               p->l[2] ? sat_add(1, lmax(p->l[2])) : 0);
        if (fn == fn_words) /* [a, b, c] */
                return sat_add(sat_mul(3, w), 6);
        if (fn == fn_sentence) /* up to 8 words, 7 spaces and a '.' */
                return sat_add(sat_mul(8, w), 8);
        if (fn == fn_paragraph) /* up to 5 sentences and 4 spaces */
                return sat_add(sat_mul(5, sat_add(sat_mul(8, w), 8)), 4);
        if (fn == fn_product_name)
                return sat_add(sat_add(sat_add(w, lmax(p->l[1])),
                                       lmax(p->l[2])), 2);
        if (fn == fn_ify)
                return p->l[0] ? w : p->len;
        if (fn == fn_regexify || fn == fn_credit_card)
                return p->max;
        return SIZE_MAX; /* a method without a bound is refused */
}

/* ------------------------------------------------------------------ */
/* the method table                                                   */

/* Argument types: i = long, u = TimeUnit, d = Date.toString() text,
 * s = string. */
typedef struct fk_method {
        const char *prov;   /* normalised: lower-case, no `_` */
        const char *meth;
        const char *argt;
        fk_fn fn;
        const char *yaml;   /* a plain YAML read under another name */
        int setup;          /* which setup (below) */
        int64_t k;          /* constant for the setup */
} fk_method_t;

enum { S_NONE = 0, S_NAMES, S_EMAIL, S_SAFE_EMAIL, S_DOMAIN_WORD,
       S_DOMAIN_NAME, S_LOREM, S_PRODUCT, S_CARD, S_IFY_YAML, S_IFY_ARG,
       S_REGEX_ARG, S_PAST, S_FUTURE, S_DATES, S_BIRTHDAY, S_CHARS,
       S_DIGITS, S_BETWEEN, S_CONST };

static const fk_method_t METHODS[] = {
        { "internet", "uuid", "", fn_uuid, NULL, S_NONE, 0 },
        { "internet", "emailaddress", "", fn_email, NULL, S_EMAIL, 0 },
        { "internet", "safeemailaddress", "", fn_email, NULL, S_SAFE_EMAIL, 0 },
        { "internet", "domainword", "", fn_domain_word, NULL, S_DOMAIN_WORD, 0 },
        { "internet", "domainname", "", fn_domain_word, NULL, S_DOMAIN_NAME, 0 },
        { "number", "numberbetween", "ii", fn_between, NULL, S_BETWEEN, 0 },
        { "number", "digits", "i", fn_digits, NULL, S_DIGITS, 0 },
        { "number", "digit", "", fn_digits, NULL, S_CONST, 1 },
        { "number", "randomdigit", "", fn_digits, NULL, S_CONST, 1 },
        { "number", "randomdigitnotzero", "", fn_digit_nz, NULL, S_NONE, 0 },
        { "number", "randomnumber", "", fn_random_number, NULL, S_NONE, 0 },
        { "dateandtime", "past", "iu", fn_past_future, NULL, S_PAST, 0 },
        { "dateandtime", "past", "iiu", fn_past_future, NULL, S_PAST, 0 },
        { "dateandtime", "future", "iu", fn_past_future, NULL, S_FUTURE, 0 },
        { "dateandtime", "future", "iiu", fn_past_future, NULL, S_FUTURE, 0 },
        { "dateandtime", "between", "dd", fn_between_dates, NULL, S_DATES, 0 },
        { "dateandtime", "birthday", "", fn_birthday, NULL, S_BIRTHDAY, 0 },
        { "dateandtime", "birthday", "ii", fn_birthday, NULL, S_BIRTHDAY, 0 },
        { "name", "username", "", fn_username, NULL, S_NAMES, 0 },
        { "name", "fullname", "", NULL, "name.name", S_NONE, 0 },
        { "name", "bloodgroup", "", NULL, "blood.group", S_NONE, 0 },
        { "lorem", "characters", "i", fn_chars, NULL, S_CHARS, 0 },
        { "lorem", "characters", "", fn_chars, NULL, S_CONST, 255 },
        { "lorem", "word", "", NULL, "lorem.words", S_NONE, 0 },
        { "lorem", "words", "", fn_words, NULL, S_LOREM, 0 },
        { "lorem", "sentence", "", fn_sentence, NULL, S_LOREM, 0 },
        { "lorem", "paragraph", "", fn_paragraph, NULL, S_LOREM, 0 },
        { "code", "isbn10", "", fn_isbn10, NULL, S_NONE, 0 },
        { "commerce", "productname", "", fn_product_name, NULL, S_PRODUCT, 0 },
        { "finance", "creditcard", "", fn_credit_card, NULL, S_CARD, 0 },
        { "bool", "bool", "", fn_bool, NULL, S_NONE, 0 },
        { "address", "zipcode", "", fn_ify, "address.postcode", S_IFY_YAML, 3 },
        { "address", "buildingnumber", "", fn_ify, "address.building_number",
          S_IFY_YAML, 1 },
        { "address", "secondaryaddress", "", fn_ify,
          "address.secondary_address", S_IFY_YAML, 1 },
        /* root helpers: provider "" */
        { "", "numerify", "s", fn_ify, NULL, S_IFY_ARG, 1 },
        { "", "letterify", "s", fn_ify, NULL, S_IFY_ARG, 2 },
        { "", "bothify", "s", fn_ify, NULL, S_IFY_ARG, 3 },
        { "", "regexify", "s", fn_regexify, NULL, S_REGEX_ARG, 0 },
};

static const char *const CARD_TYPES[] = {
        "visa", "mastercard", "discover", "american_express", "diners_club",
        "jcb", "switch", "solo", "dankort", "forbrugsforeningen", "laser",
};

/* ------------------------------------------------------------------ */
/* compilation                                                        */

static void norm(const char *s, size_t n, char *out, size_t outsz)
{
        size_t k = 0;
        for (size_t i = 0; i < n && k + 1 < outsz; i++) {
                if (s[i] == '_')
                        continue;
                out[k++] = (char)tolower((unsigned char)s[i]);
        }
        out[k] = '\0';
}

/* Child of a map whose normalised key equals the normalised name. */
static const ynode_t *ynode_get_norm(const ynode_t *n, const char *s, size_t len)
{
        char want[128], have[128];
        if (!n || n->type != Y_MAP)
                return NULL;
        norm(s, len, want, sizeof(want));
        for (size_t i = 0; i < n->n; i++) {
                norm(n->keys[i], strlen(n->keys[i]), have, sizeof(have));
                if (!strcmp(want, have))
                        return n->kids[i];
        }
        return NULL;
}

static fk_tmpl_t *compile_tmpl(faker_t *f, const char *s, size_t n,
                               const char *ctx, char *errstr, size_t errsz);

/* The largest slot of a packed list, and the alignment of its slots: a
 * slot (16, 32 or 64 bytes, the smallest that holds the longest string and
 * its length byte) never crosses a cache line. */
#define PACK_SLOT_MAX 64

/* A list of plain strings of up to 63 bytes is also kept as one array of
 * slots, each its length byte and its text: a random pick then touches
 * one cache line, not an item and, elsewhere, its text. Returns -1 when
 * out of memory. */
static int pack_strings(faker_t *f, fk_list_t *l)
{
        size_t slot = 16, i;
        void *p;

        for (i = 0; i < l->n; i++)
                if (l->items[i].t || l->items[i].re ||
                    l->items[i].len >= PACK_SLOT_MAX)
                        return 0;
        while (slot < l->max + 1)
                slot *= 2;
        if (posix_memalign(&p, PACK_SLOT_MAX, l->n * slot))
                return -1;
        if (fk_track(f, p, l->n * slot))
                return -1;
        for (i = 0; i < l->n; i++) {
                unsigned char *e = (unsigned char *)p + i * slot;

                e[0] = (unsigned char)l->items[i].len;
                memcpy(e + 1, l->items[i].s, l->items[i].len);
        }
        l->packed = p;
        l->slot = slot;
        return 0;
}

static fk_list_t *get_list(faker_t *f, const ynode_t *node, const char *ctx,
                           char *errstr, size_t errsz);

/* YAML path "a.b" from the root, exact keys. */
static const ynode_t *ypath(faker_t *f, const char *path)
{
        const ynode_t *n = f->root;
        const char *p = path;
        while (n && *p) {
                const char *dot = strchr(p, '.');
                size_t l = dot ? (size_t)(dot - p) : strlen(p);
                n = ynode_get(n, p, l);
                p += l;
                if (*p == '.')
                        p++;
        }
        return n;
}

static fk_list_t *list_at(faker_t *f, const char *path, char *errstr,
                          size_t errsz)
{
        const ynode_t *n = ypath(f, path);
        char ctx[64];
        const char *dot = strchr(path, '.');
        size_t l = dot ? (size_t)(dot - path) : strlen(path);

        if (!n) {
                snprintf(errstr, errsz, "no key %s in the ruby-faker data",
                         path);
                return NULL;
        }
        snprintf(ctx, sizeof(ctx), "%.*s", (int)l, path);
        return get_list(f, n, ctx, errstr, errsz);
}

/* Render a YAML sequence as Java's List.toString(). */
static int render_java_list(faker_t *f, const ynode_t *n, fk_item_t *it)
{
        dg_buf_t b;
        dg_buf_init(&b, 256);
        dg_buf_putc(&b, '[');
        for (size_t i = 0; i < n->n; i++) {
                if (i)
                        dg_buf_put(&b, ", ", 2);
                if (n->kids[i]->type == Y_STR)
                        dg_buf_put(&b, n->kids[i]->str, n->kids[i]->len);
        }
        dg_buf_putc(&b, ']');
        it->s = fk_strndup(f, b.p, b.len);
        it->len = b.len;
        dg_buf_free(&b);
        return it->s ? 0 : -1;
}

static int compile_item(faker_t *f, const ynode_t *v, const char *ctx,
                        int in_list, fk_item_t *it, char *errstr, size_t errsz)
{
        if (v->type == Y_SEQ)
                return render_java_list(f, v, it);
        if (v->type != Y_STR) {
                snprintf(errstr, errsz, "a map is not a value");
                return -1;
        }
        it->s = v->str;
        it->len = v->len;
        if (!in_list && v->len >= 2 && v->str[0] == '/' &&
            v->str[v->len - 1] == '/') {
                char why[256];
                it->re = re_compile(f, v->str + 1, v->len - 2, 0, why,
                                    sizeof(why));
                if (!it->re) {
                        snprintf(errstr, errsz, "bad regex %s: %s", v->str,
                                 why);
                        return -1;
                }
                return 0;
        }
        if (strstr(v->str, "#{")) {
                fk_tmpl_t *t = compile_tmpl(f, v->str, v->len, ctx, errstr,
                                            errsz);
                if (!t)
                        return -1;
                if (t->n == 1 && t->parts[0].kind == P_LIT) {
                        it->s = t->parts[0].s;
                        it->len = t->parts[0].len;
                } else {
                        it->t = t;
                }
        }
        return 0;
}

/* Copies the list's plain strings next to each other: a random pick then
 * touches the item and one neighbourhood of text instead of a YAML node
 * anywhere in the heap. */
static int pool_strings(faker_t *f, fk_list_t *l)
{
        size_t total = 0, off = 0, i;
        char *pool;

        for (i = 0; i < l->n; i++)
                if (!l->items[i].t && !l->items[i].re)
                        total += l->items[i].len;
        if (!total)
                return 0;
        pool = fk_alloc(f, total);
        if (!pool)
                return -1;
        for (i = 0; i < l->n; i++) {
                fk_item_t *it = &l->items[i];
                if (it->t || it->re)
                        continue;
                memcpy(pool + off, it->s, it->len);
                it->s = pool + off;
                off += it->len;
        }
        return 0;
}

static fk_list_t *get_list(faker_t *f, const ynode_t *node, const char *ctx,
                           char *errstr, size_t errsz)
{
        fk_list_t *l;

        for (l = f->lists; l; l = l->next) {
                if (l->node != node)
                        continue;
                if (l->state == 1) {
                        snprintf(errstr, errsz, "cyclic template");
                        return NULL;
                }
                return l;
        }
        if (node->type == Y_MAP || (node->type == Y_SEQ && node->n == 0)) {
                snprintf(errstr, errsz, "not a value");
                return NULL;
        }
        l = fk_alloc(f, sizeof(*l));
        if (!l)
                return NULL;
        l->node = node;
        l->state = 1;
        l->next = f->lists;
        f->lists = l;
        l->n = node->type == Y_SEQ ? node->n : 1;
        l->items = fk_alloc(f, l->n * sizeof(*l->items));
        if (!l->items)
                return NULL;
        for (size_t i = 0; i < l->n; i++) {
                const ynode_t *v = node->type == Y_SEQ ? node->kids[i] : node;
                if (compile_item(f, v, ctx, node->type == Y_SEQ, &l->items[i],
                                 errstr, errsz)) {
                        l->state = 1; /* stays poisoned: compile fails */
                        return NULL;
                }
        }
        for (size_t i = 0; i < l->n; i++) {
                const fk_item_t *it = &l->items[i];
                size_t m = it->t ? it->t->max : it->re ? it->re->out_max
                                                       : it->len;
                if (m > l->max)
                        l->max = m;
        }
        if (pool_strings(f, l) || pack_strings(f, l)) {
                snprintf(errstr, errsz, "out of memory");
                return NULL;
        }
        l->state = 2;
        return l;
}

static int parse_long(const char *s, size_t n, int64_t *out)
{
        char tmp[32];
        char *end;
        size_t i = 0;

        if (n == 0 || n >= sizeof(tmp))
                return -1;
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        if (tmp[0] == '+' || tmp[0] == '-')
                i = 1;
        if (!tmp[i])
                return -1;
        for (; tmp[i]; i++)
                if (!isdigit((unsigned char)tmp[i]))
                        return -1;
        errno = 0;
        long long v = strtoll(tmp, &end, 10);
        if (errno || *end)
                return -1;
        *out = v;
        return 0;
}

static int parse_unit(const char *s, size_t n, int64_t *num, int64_t *den)
{
        static const struct {
                const char *name;
                int64_t num, den;
        } units[] = { { "NANOSECONDS", 1, 1000000 },
                      { "MICROSECONDS", 1, 1000 },
                      { "MILLISECONDS", 1, 1 },
                      { "SECONDS", 1000, 1 },
                      { "MINUTES", 60000, 1 },
                      { "HOURS", 3600000, 1 },
                      { "DAYS", 86400000, 1 } };
        const char *dot = memchr(s, '.', n);
        if (dot) {
                n -= (size_t)(dot + 1 - s);
                s = dot + 1;
        }
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                if (strlen(units[i].name) == n && !memcmp(units[i].name, s, n)) {
                        *num = units[i].num;
                        *den = units[i].den;
                        return 0;
                }
        return -1;
}

/* n units in ms, checked: 0, or -1 when n is negative or the span is
 * above DATE_SPAN_MAX_MS (now plus or minus the span must stay a long). */
static int to_ms(int64_t v, int64_t num, int64_t den, int64_t *ms)
{
        int64_t r;
        if (v < 0 || __builtin_mul_overflow(v, num, &r) ||
            r / den > DATE_SPAN_MAX_MS)
                return -1;
        *ms = r / den;
        return 0;
}

/* Convert args and set up a part. 0 ok, 1 "no such overload", -1 error. */
static int setup_method(faker_t *f, const fk_method_t *m, int argc,
                        const char *const *args, const size_t *lens,
                        fk_part_t *p, char *errstr, size_t errsz)
{
        int64_t v[MAX_ARGS] = { 0, 0, 0 }, num = 1, den = 1;

        for (int i = 0; i < argc; i++) {
                char t = m->argt[i];
                if (t == 'i' && parse_long(args[i], lens[i], &v[i]))
                        return 1;
                if (t == 'u' && parse_unit(args[i], lens[i], &num, &den))
                        return 1;
                if (t == 'd') {
                        char tmp[64];
                        if (lens[i] >= sizeof(tmp))
                                return 1;
                        memcpy(tmp, args[i], lens[i]);
                        tmp[lens[i]] = '\0';
                        int rc = dg_parse_date(tmp, &v[i]);
                        if (rc == -2) {
                                snprintf(errstr, errsz,
                                         "The date '%s' is out of range.", tmp);
                                return -1;
                        }
                        if (rc)
                                return 1;
                }
        }
        if (m->yaml && m->setup == S_NONE) {
                p->kind = P_LIST;
                p->l[0] = list_at(f, m->yaml, errstr, errsz);
                return p->l[0] ? 0 : -1;
        }
        p->kind = P_FN;
        p->fn = m->fn;
        switch (m->setup) {
        case S_NONE:
                break;
        case S_CONST:
                p->a[0] = m->k;
                break;
        case S_BETWEEN:
                p->a[0] = v[0];
                p->a[1] = v[1];
                break;
        case S_DIGITS:
        case S_CHARS:
                if (v[0] < 0 || v[0] > MAX_CHARS_ARG) {
                        snprintf(errstr, errsz,
                                 "The count %lld is not between 0 and %d.",
                                 (long long)v[0], MAX_CHARS_ARG);
                        return -1;
                }
                p->a[0] = v[0];
                break;
        case S_PAST:
        case S_FUTURE:
                if (to_ms(v[0], num, den, &p->a[0]) ||
                    (argc == 3 && to_ms(v[1], num, den, &p->a[1]))) {
                        snprintf(errstr, errsz,
                                 "The amounts of time must be between 0 and "
                                 "%lld milliseconds.",
                                 (long long)DATE_SPAN_MAX_MS);
                        return -1;
                }
                if (argc == 2) {
                        p->a[1] = -1;
                } else if (p->a[1] > p->a[0]) {
                        int64_t x = p->a[0];
                        p->a[0] = p->a[1];
                        p->a[1] = x;
                }
                p->a[2] = m->setup == S_PAST ? -1 : 1;
                break;
        case S_DATES:
                p->a[0] = v[0];
                p->a[1] = v[1];
                break;
        case S_BIRTHDAY:
                p->a[0] = argc ? v[0] : 18;
                p->a[1] = argc ? v[1] : 65;
                if (p->a[0] < 0 || p->a[0] > MAX_AGE || p->a[1] < 0 ||
                    p->a[1] > MAX_AGE) {
                        snprintf(errstr, errsz,
                                 "The ages must be between 0 and %d.", MAX_AGE);
                        return -1;
                }
                break;
        case S_NAMES:
        case S_EMAIL:
        case S_SAFE_EMAIL:
                if (!(p->l[0] = list_at(f, "name.first_name", errstr, errsz)) ||
                    !(p->l[1] = list_at(f, "name.last_name", errstr, errsz)))
                        return -1;
                if (m->setup == S_EMAIL &&
                    !(p->l[2] = list_at(f, "internet.free_email", errstr, errsz)))
                        return -1;
                break;
        case S_DOMAIN_WORD:
        case S_DOMAIN_NAME:
                if (!(p->l[1] = list_at(f, "name.last_name", errstr, errsz)))
                        return -1;
                if (m->setup == S_DOMAIN_NAME &&
                    !(p->l[2] = list_at(f, "internet.domain_suffix", errstr,
                                        errsz)))
                        return -1;
                break;
        case S_LOREM:
                if (!(p->l[0] = list_at(f, "lorem.words", errstr, errsz)))
                        return -1;
                break;
        case S_PRODUCT:
                if (!(p->l[0] = list_at(f, "commerce.product_name.adjective",
                                        errstr, errsz)) ||
                    !(p->l[1] = list_at(f, "commerce.product_name.material",
                                        errstr, errsz)) ||
                    !(p->l[2] = list_at(f, "commerce.product_name.product",
                                        errstr, errsz)))
                        return -1;
                break;
        case S_IFY_YAML:
                if (!(p->l[0] = list_at(f, m->yaml, errstr, errsz)))
                        return -1;
                p->a[0] = m->k;
                break;
        case S_IFY_ARG:
                p->s = fk_strndup(f, args[0], lens[0]);
                p->len = lens[0];
                p->a[0] = m->k;
                if (!p->s)
                        return -1;
                break;
        case S_REGEX_ARG: {
                const char *s = args[0];
                size_t n = lens[0];
                if (n >= 2 && s[0] == '/' && s[n - 1] == '/') {
                        s++;
                        n -= 2;
                }
                p->re = re_compile(f, s, n, 0, errstr, errsz);
                if (!p->re)
                        return -1;
                p->max = p->re->out_max;
                break;
        }
        case S_CARD: {
                const ynode_t *cc = ypath(f, "finance.credit_card");
                int nt = (int)(sizeof(CARD_TYPES) / sizeof(CARD_TYPES[0]));
                p->cards = fk_alloc(f, (size_t)nt * sizeof(*p->cards));
                p->ncard_pat = fk_alloc(f, (size_t)nt * sizeof(int));
                if (!cc || !p->cards || !p->ncard_pat) {
                        snprintf(errstr, errsz, "no finance.credit_card data");
                        return -1;
                }
                for (int i = 0; i < nt; i++) {
                        const ynode_t *ty = ynode_get(cc, CARD_TYPES[i],
                                                      strlen(CARD_TYPES[i]));
                        size_t np;
                        if (!ty)
                                continue;
                        np = ty->type == Y_SEQ ? ty->n : 1;
                        re_seq_t **pats = fk_alloc(f, np * sizeof(*pats));
                        int k = 0;
                        if (!pats)
                                return -1;
                        for (size_t j = 0; j < np; j++) {
                                const ynode_t *s = ty->type == Y_SEQ
                                                           ? ty->kids[j] : ty;
                                const char *txt;
                                size_t len;
                                if (s->type != Y_STR)
                                        continue;
                                txt = s->str;
                                len = s->len;
                                if (len >= 2 && txt[0] == '/' &&
                                    txt[len - 1] == '/') {
                                        txt++;
                                        len -= 2;
                                }
                                re_seq_t *re = re_compile(f, txt, len, 1,
                                                          NULL, 0);
                                if (re) {
                                        pats[k++] = re;
                                        if (re->out_max > p->max)
                                                p->max = re->out_max;
                                }
                        }
                        if (k) {
                                p->cards[p->ncards] = pats;
                                p->ncard_pat[p->ncards] = k;
                                p->ncards++;
                        }
                }
                if (!p->ncards) {
                        snprintf(errstr, errsz, "no usable credit card data");
                        return -1;
                }
                break;
        }
        }
        if (p->kind == P_FN)
                p->max = fn_bound(p);
        return 0;
}

/* Programmatic lookup; 0 found, 1 none, -1 error. */
static int lookup_method(faker_t *f, const char *prov, size_t plen,
                         const char *meth, size_t mlen, int argc,
                         const char *const *args, const size_t *lens,
                         fk_part_t *p, char *errstr, size_t errsz)
{
        char np[64], nm[64];

        norm(prov, plen, np, sizeof(np));
        norm(meth, mlen, nm, sizeof(nm));
        if (!strcmp(np, "date"))
                snprintf(np, sizeof(np), "dateandtime");
        for (size_t i = 0; i < sizeof(METHODS) / sizeof(METHODS[0]); i++) {
                const fk_method_t *m = &METHODS[i];
                if (strcmp(m->prov, np) || strcmp(m->meth, nm) ||
                    (int)strlen(m->argt) != argc)
                        continue;
                memset(p, 0, sizeof(*p));
                int rc = setup_method(f, m, argc, args, lens, p, errstr, errsz);
                if (rc <= 0)
                        return rc;
        }
        return 1;
}

/* Resolve NAME with args into part p. 0, or -1. */
static int resolve(faker_t *f, const char *name, size_t nlen, int argc,
                   const char *const *args, const size_t *lens,
                   const char *ctx, fk_part_t *p, char *errstr, size_t errsz)
{
        const char *dot = memchr(name, '.', nlen);
        char sub[256] = "";
        int rc;

        if (!dot) {
                if (ctx) {
                        rc = lookup_method(f, ctx, strlen(ctx), name, nlen, argc,
                                           args, lens, p, sub, sizeof(sub));
                        if (rc == 0)
                                return 0;
                        if (rc < 0)
                                goto fail;
                        if (argc == 0) {
                                const ynode_t *c = ynode_get(f->root, ctx,
                                                             strlen(ctx));
                                const ynode_t *v = ynode_get(c, name, nlen);
                                if (!v)
                                        v = ynode_get_norm(c, name, nlen);
                                if (v) {
                                        memset(p, 0, sizeof(*p));
                                        p->kind = P_LIST;
                                        p->l[0] = get_list(f, v, ctx, sub,
                                                           sizeof(sub));
                                        if (p->l[0])
                                                return 0;
                                        goto fail;
                                }
                        }
                }
                rc = lookup_method(f, "", 0, name, nlen, argc, args, lens, p,
                                   sub, sizeof(sub));
                if (rc == 0)
                        return 0;
                goto fail;
        }

        /* dotted: 1. literal YAML path */
        if (argc == 0) {
                const ynode_t *n = f->root;
                const char *s = name, *end = name + nlen;
                while (n && s < end) {
                        const char *d = memchr(s, '.', (size_t)(end - s));
                        size_t l = d ? (size_t)(d - s) : (size_t)(end - s);
                        n = ynode_get(n, s, l);
                        s += l + (d ? 1 : 0);
                }
                if (n && n->type != Y_MAP) {
                        char c[64];
                        snprintf(c, sizeof(c), "%.*s", (int)(dot - name), name);
                        memset(p, 0, sizeof(*p));
                        p->kind = P_LIST;
                        p->l[0] = get_list(f, n, c, sub, sizeof(sub));
                        if (p->l[0])
                                return 0;
                        goto fail;
                }
        }
        /* 2. programmatic */
        if (!memchr(dot + 1, '.', (size_t)(name + nlen - dot - 1))) {
                rc = lookup_method(f, name, (size_t)(dot - name), dot + 1,
                                   (size_t)(name + nlen - dot - 1), argc, args,
                                   lens, p, sub, sizeof(sub));
                if (rc == 0)
                        return 0;
                if (rc < 0)
                        goto fail;
        }
        /* 3. normalised YAML path */
        if (argc == 0) {
                const ynode_t *n = f->root;
                const char *s = name, *end = name + nlen;
                char c[64] = "";
                int first = 1;
                while (n && s < end) {
                        const char *d = memchr(s, '.', (size_t)(end - s));
                        size_t l = d ? (size_t)(d - s) : (size_t)(end - s);
                        const ynode_t *parent = n;
                        n = ynode_get_norm(n, s, l);
                        if (n && first) {
                                for (size_t i = 0; i < parent->n; i++)
                                        if (parent->kids[i] == n)
                                                snprintf(c, sizeof(c), "%s",
                                                         parent->keys[i]);
                                first = 0;
                        }
                        s += l + (d ? 1 : 0);
                }
                if (n && n->type != Y_MAP) {
                        memset(p, 0, sizeof(*p));
                        p->kind = P_LIST;
                        p->l[0] = get_list(f, n, c, sub, sizeof(sub));
                        if (p->l[0])
                                return 0;
                }
        }
fail:
        /* the caller words the error; this is the reason, if any */
        snprintf(errstr, errsz, "%s", sub);
        return -1;
}

/* Try to parse a directive at s (pointing at "#{"). Returns its length, or
 * 0 when the text there does not have the directive shape (literal). */
static size_t parse_directive(const char *s, const char *end, const char **name,
                              size_t *nlen, int *argc, const char **args,
                              size_t *lens)
{
        const char *p = s + 2;

        *name = p;
        while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '.'))
                p++;
        *nlen = (size_t)(p - *name);
        if (*nlen == 0)
                return 0;
        if (p < end && isspace((unsigned char)*p))
                p++;
        *argc = 0;
        while (p < end && (*p == ',' || *p == '\'')) {
                if (*p == ',')
                        p++;
                if (p >= end || *p != '\'')
                        return 0;
                const char *a = ++p;
                while (p < end && *p != '\'')
                        p++;
                if (p >= end || p == a)
                        return 0;
                if (*argc < MAX_ARGS) {
                        args[*argc] = a;
                        lens[*argc] = (size_t)(p - a);
                }
                (*argc)++;
                p++;
        }
        if (p >= end || *p != '}')
                return 0;
        return (size_t)(p + 1 - s);
}

static size_t part_max(const fk_part_t *p)
{
        switch (p->kind) {
        case P_LIT:
                return p->len;
        case P_LIST:
                return lmax(p->l[0]);
        case P_FN:
                return p->max;
        }
        return SIZE_MAX;
}

static int tmpl_add(faker_t *f, fk_part_t **parts, int *n, int *cap,
                    const fk_part_t *p)
{
        if (*n == *cap) {
                int nc = *cap ? *cap * 2 : 4;
                fk_part_t *np = fk_alloc(f, (size_t)nc * sizeof(*np));
                if (!np)
                        return -1;
                if (*n)
                        memcpy(np, *parts, (size_t)*n * sizeof(*np));
                *parts = np;
                *cap = nc;
        }
        (*parts)[(*n)++] = *p;
        return 0;
}

static fk_tmpl_t *compile_tmpl(faker_t *f, const char *s, size_t n,
                               const char *ctx, char *errstr, size_t errsz)
{
        fk_tmpl_t *t = fk_alloc(f, sizeof(*t));
        fk_part_t *parts = NULL;
        int np = 0, cap = 0;
        const char *end = s + n, *lit = s, *p = s;
        char why[256];

        if (!t)
                return NULL;
        while (p < end) {
                const char *h = memmem(p, (size_t)(end - p), "#{", 2);
                const char *name, *args[MAX_ARGS];
                size_t nlen, lens[MAX_ARGS], dl;
                int argc;
                fk_part_t part;

                if (!h)
                        break;
                dl = parse_directive(h, end, &name, &nlen, &argc, args, lens);
                if (!dl) {
                        p = h + 2;
                        continue;
                }
                if (h > lit) {
                        memset(&part, 0, sizeof(part));
                        part.kind = P_LIT;
                        part.s = fk_strndup(f, lit, (size_t)(h - lit));
                        part.len = (size_t)(h - lit);
                        if (!part.s || tmpl_add(f, &parts, &np, &cap, &part))
                                return NULL;
                        t->max = sat_add(t->max, part.len);
                }
                memset(&part, 0, sizeof(part));
                why[0] = '\0';
                if (argc > MAX_ARGS ||
                    resolve(f, name, nlen, argc, args, lens, ctx, &part, why,
                            sizeof(why))) {
                        snprintf(errstr, errsz,
                                 "Unable to resolve %.*s directive.%s%s",
                                 (int)dl, h, why[0] ? " " : "", why);
                        return NULL;
                }
                t->max = sat_add(t->max, part_max(&part));
                if (tmpl_add(f, &parts, &np, &cap, &part))
                        return NULL;
                p = lit = h + dl;
        }
        if (end > lit) {
                fk_part_t part;
                memset(&part, 0, sizeof(part));
                part.kind = P_LIT;
                part.s = fk_strndup(f, lit, (size_t)(end - lit));
                part.len = (size_t)(end - lit);
                if (!part.s || tmpl_add(f, &parts, &np, &cap, &part))
                        return NULL;
                t->max = sat_add(t->max, part.len);
        }
        t->n = np;
        t->parts = parts;
        return t;
}

faker_expr_t *faker_compile(faker_t *f, const char *text, char *errstr,
                            size_t errstr_size)
{
        faker_expr_t *e = fk_alloc(f, sizeof(*e));
        fk_tmpl_t *t;

        if (!e) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        t = compile_tmpl(f, text, strlen(text), NULL, errstr, errstr_size);
        if (!t)
                return NULL;
        if (t->max > DG_BUF_MAX) {
                if (t->max == SIZE_MAX)
                        snprintf(errstr, errstr_size,
                                 "The expression can produce more than %u "
                                 "bytes per value, the limit.",
                                 (unsigned)DG_BUF_MAX);
                else
                        snprintf(errstr, errstr_size,
                                 "The expression can produce up to %zu bytes "
                                 "per value, more than the limit of %u bytes.",
                                 t->max, (unsigned)DG_BUF_MAX);
                return NULL;
        }
        e->t = *t;
        return e;
}

size_t faker_alloc_bytes(const faker_t *f)
{
        return f->bytes;
}

size_t faker_expr_max_len(const faker_expr_t *e)
{
        return e->t.max;
}
