/*
 * javadate — SimpleDateFormat in UTC (see javadate.h). The calendar
 * arithmetic follows java.util.GregorianCalendar and sun.util.calendar:
 * dates are "fixed dates" (days since 0001-01-01 Gregorian = 1).
 */
#include "javadate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- compiled pattern ------------------------------------------------ */

static const char PATTERN_CHARS[] = "GyMdkHmsSEDFwWahKzZYuXL";

enum {
        P_ERA, P_YEAR, P_MONTH, P_DOM, P_HOUR_OF_DAY1, P_HOUR_OF_DAY0,
        P_MINUTE, P_SECOND, P_MILLI, P_DOW, P_DOY, P_DOWIM, P_WOY, P_WOM,
        P_AMPM, P_HOUR1, P_HOUR0, P_ZONE_NAME, P_ZONE_VALUE, P_WEEK_YEAR,
        P_ISO_DOW, P_ISO_ZONE, P_MONTH_STANDALONE
};

/* Calendar field indices */
enum {
        F_ERA, F_YEAR, F_MONTH, F_WOY, F_WOM, F_DOM, F_DOY, F_DOW, F_DOWIM,
        F_AMPM, F_HOUR, F_HOUR_OF_DAY, F_MINUTE, F_SECOND, F_MILLI,
        F_ZONE_OFFSET, F_DST_OFFSET, F_WEEK_YEAR, F_COUNT
};

static const int P_TO_FIELD[] = {
        F_ERA, F_YEAR, F_MONTH, F_DOM, F_HOUR_OF_DAY, F_HOUR_OF_DAY,
        F_MINUTE, F_SECOND, F_MILLI, F_DOW, F_DOY, F_DOWIM, F_WOY, F_WOM,
        F_AMPM, F_HOUR, F_HOUR, F_ZONE_OFFSET, F_ZONE_OFFSET, F_WEEK_YEAR,
        F_DOW, F_ZONE_OFFSET, F_MONTH
};

typedef struct {
        int tag;          /* P_*, or -1 for literal text */
        int count;
        const char *text; /* literal: into javadate.lits */
        size_t len;
} elem_t;

struct javadate {
        char *pattern;
        char *lits;
        elem_t *elems;
        size_t nelems;
};

static const char *const MONTHS[] = {
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
static const char *const SHORT_MONTHS[] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* index = Calendar.DAY_OF_WEEK (1 = Sunday); [0] unused */
static const char *const WEEKDAYS[] = {
        "", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
        "Friday", "Saturday"};
static const char *const SHORT_WEEKDAYS[] = {
        "", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const ERAS[] = {"BC", "AD"};
static const char *const AMPM[] = {"AM", "PM"};

static void set_err(char *err, size_t errsize, const char *fmt, char c)
{
        if (err && errsize)
                snprintf(err, errsize, fmt, c);
}

javadate_t *javadate_new(const char *pattern, char *err, size_t errsize)
{
        javadate_t *f = calloc(1, sizeof(*f));
        size_t n = strlen(pattern), i, lpos = 0, ne = 0;
        int last = -1, count = 0, in_quote = 0;
        size_t qstart = 0;

        if (err && errsize)
                err[0] = '\0';
        if (!f || !(f->pattern = strdup(pattern)) ||
            !(f->lits = malloc(n + 1)) ||
            !(f->elems = calloc(n + 1, sizeof(*f->elems))))
                goto oom;

#define FLUSH_FIELD()                                                       \
        do {                                                                \
                if (count) {                                                \
                        if (last == P_ISO_ZONE && count >= 4) {             \
                                if (err && errsize)                         \
                                        snprintf(err, errsize,              \
                                                 "invalid ISO 8601 format: " \
                                                 "length=%d", count);       \
                                goto fail;                                  \
                        }                                                   \
                        f->elems[ne].tag = last;                            \
                        f->elems[ne++].count = count;                       \
                        last = -1;                                          \
                        count = 0;                                          \
                }                                                           \
        } while (0)
#define ADD_LIT(p, l)                                                       \
        do {                                                                \
                memcpy(f->lits + lpos, (p), (l));                           \
                f->elems[ne].tag = -1;                                      \
                f->elems[ne].text = f->lits + lpos;                         \
                f->elems[ne++].len = (l);                                   \
                lpos += (l);                                                \
        } while (0)

        for (i = 0; i < n; i++) {
                char c = pattern[i];
                const char *pc;

                if (c == '\'') {
                        if (i + 1 < n && pattern[i + 1] == '\'') {
                                i++;
                                FLUSH_FIELD();
                                if (in_quote) {
                                        /* a quote inside quoted text:
                                         * keep it with the text */
                                        f->lits[lpos++] = '\'';
                                } else {
                                        ADD_LIT("'", 1);
                                }
                                continue;
                        }
                        if (!in_quote) {
                                FLUSH_FIELD();
                                in_quote = 1;
                                qstart = lpos;
                        } else {
                                in_quote = 0;
                                if (lpos > qstart) {
                                        f->elems[ne].tag = -1;
                                        f->elems[ne].text = f->lits + qstart;
                                        f->elems[ne++].len = lpos - qstart;
                                }
                        }
                        continue;
                }
                if (in_quote) {
                        f->lits[lpos++] = c;
                        continue;
                }
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                        FLUSH_FIELD();
                        ADD_LIT(&c, 1);
                        continue;
                }
                if (!(pc = strchr(PATTERN_CHARS, c))) {
                        set_err(err, errsize, "Illegal pattern character '%c'",
                                c);
                        goto fail;
                }
                if (last == -1 || last == pc - PATTERN_CHARS) {
                        last = (int)(pc - PATTERN_CHARS);
                        count++;
                        continue;
                }
                FLUSH_FIELD();
                last = (int)(pc - PATTERN_CHARS);
                count = 1;
        }
        if (in_quote) {
                set_err(err, errsize, "Unterminated quote%c", '\0');
                goto fail;
        }
        FLUSH_FIELD();
#undef FLUSH_FIELD
#undef ADD_LIT
        f->nelems = ne;
        return f;
oom:
        set_err(err, errsize, "Out of memory%c", '\0');
fail:
        javadate_free(f);
        return NULL;
}

void javadate_free(javadate_t *f)
{
        if (!f)
                return;
        free(f->pattern);
        free(f->lits);
        free(f->elems);
        free(f);
}

const char *javadate_pattern(const javadate_t *f)
{
        return f->pattern;
}

/* ---- calendar arithmetic --------------------------------------------- */

#define ONE_DAY 86400000LL
#define EPOCH_OFFSET 719163LL        /* fixed date of 1970-01-01 */
#define CUTOVER 577736LL             /* fixed date of 1582-10-15 */
#define CUTOVER_YEAR 1582
#define SUNDAY 1

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;

        if ((a % b != 0) && ((a < 0) != (b < 0)))
                q--;
        return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
        int64_t r = a % b; /* never overflows, unlike floor_div(a, b) * b */

        if (r != 0 && ((r < 0) != (b < 0)))
                r += b;
        return r;
}

static int greg_leap(int64_t y)
{
        return (y % 4 == 0) && ((y % 100 != 0) || (y % 400 == 0));
}

static int jul_leap(int64_t y)
{
        return y % 4 == 0;
}

/* month 1..12 */
static int64_t greg_fixed(int64_t year, int64_t month, int64_t dom)
{
        int64_t py = year - 1;
        int64_t d = dom + 365 * py + floor_div(py, 4) - floor_div(py, 100) +
                    floor_div(py, 400) + floor_div(367 * month - 362, 12);

        if (month > 2)
                d -= greg_leap(year) ? 1 : 2;
        return d;
}

static int64_t jul_fixed(int64_t year, int64_t month, int64_t dom)
{
        int64_t d = -1 - 1 + 365 * (year - 1) + dom + floor_div(year - 1, 4) +
                    floor_div(367 * month - 362, 12);

        if (month > 2)
                d -= jul_leap(year) ? 1 : 2;
        return d;
}

static int64_t cal_fixed(int julian, int64_t y, int64_t m, int64_t d)
{
        return julian ? jul_fixed(y, m, d) : greg_fixed(y, m, d);
}

static int64_t greg_year(int64_t fixed)
{
        int64_t d0 = fixed - 1;
        int64_t n400 = floor_div(d0, 146097), d1 = floor_mod(d0, 146097);
        int64_t n100 = d1 / 36524, d2 = d1 % 36524;
        int64_t n4 = d2 / 1461, d3 = d2 % 1461;
        int64_t n1 = d3 / 365;
        int64_t year = 400 * n400 + 100 * n100 + 4 * n4 + n1;

        if (!(n100 == 4 || n1 == 4))
                year++;
        return year;
}

static int64_t jul_year(int64_t fixed)
{
        return floor_div(4 * (fixed - -1) + 1464, 1461);
}

/* year/month(1..12)/day of a fixed date in the given calendar */
static void ymd(int julian, int64_t fixed, int64_t *y, int *m, int *d)
{
        int64_t year = julian ? jul_year(fixed) : greg_year(fixed);
        int leap = julian ? jul_leap(year) : greg_leap(year);
        int64_t prior = fixed - cal_fixed(julian, year, 1, 1);
        int64_t month;

        if (fixed >= cal_fixed(julian, year, 3, 1))
                prior += leap ? 1 : 2;
        month = floor_div(12 * prior + 373, 367);
        *y = year;
        *m = (int)month;
        *d = (int)(fixed - cal_fixed(julian, year, month, 1) + 1);
}

static int dow_of(int64_t fixed)
{
        return (int)floor_mod(fixed, 7) + SUNDAY;
}

static int64_t dow_on_or_before(int64_t fixed, int64_t dow)
{
        return fixed - floor_mod(fixed - (dow - 1), 7);
}

/* Java's getWeekNumber (first day Sunday, 1 minimal day). */
static int64_t week_number(int64_t day1, int64_t fixed)
{
        int64_t first = dow_on_or_before(day1 + 6, SUNDAY);

        if (first - day1 >= 1)
                first -= 7;
        return floor_div(fixed - first, 7) + 1;
}

static int month_len(int64_t year, int month /* 0..11 */)
{
        static const int len[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
        int leap = year > CUTOVER_YEAR   ? greg_leap(year)
                   : year < CUTOVER_YEAR ? jul_leap(year)
                                         : 0;

        return month == 1 ? 28 + leap : len[month];
}

typedef struct {
        int64_t year;     /* normalized (1 BC = 0) */
        int month;        /* 0..11 */
        int dom, doy, dow, dowim, woy, wom;
        int64_t week_year;
        int hour, minute, second, milli;
} fields_t;

static void compute_fields(int64_t ms, fields_t *fl)
{
        int64_t fixed = floor_div(ms, ONE_DAY) + EPOCH_OFFSET;
        int64_t tod = floor_mod(ms, ONE_DAY);
        int julian = fixed < CUTOVER;
        int64_t y, jan1, next_jan1;
        int m, d;

        ymd(julian, fixed, &y, &m, &d);
        fl->year = y;
        fl->month = m - 1;
        fl->dom = d;
        jan1 = y == CUTOVER_YEAR ? jul_fixed(y, 1, 1)
                                 : cal_fixed(julian, y, 1, 1);
        fl->doy = (int)(fixed - jan1 + 1);
        fl->dow = dow_of(fixed);
        fl->dowim = (d - 1) / 7 + 1;
        fl->wom = (int)week_number(fixed - d + 1, fixed);
        fl->woy = (int)week_number(jan1, fixed);
        if (fl->woy >= 52) {
                int64_t nj1st;

                next_jan1 = jan1 + 365 +
                            ((julian ? jul_leap(y) : greg_leap(y)) ? 1 : 0);
                nj1st = dow_on_or_before(next_jan1 + 6, SUNDAY);
                if (nj1st - next_jan1 >= 1 && fixed >= nj1st - 7)
                        fl->woy = 1;
        }
        fl->week_year = y;
        if (fl->month == 0) {
                if (fl->woy >= 52)
                        fl->week_year--;
        } else if (fl->woy == 1) {
                fl->week_year++;
        }
        fl->hour = (int)(tod / 3600000);
        fl->minute = (int)(tod / 60000 % 60);
        fl->second = (int)(tod / 1000 % 60);
        fl->milli = (int)(tod % 1000);
}

/* ---- format ---------------------------------------------------------- */

typedef struct {
        char *s;
        size_t len, cap;
        int oom;
} out_t;

static void put(out_t *o, const char *p, size_t n)
{
        if (o->oom)
                return;
        if (o->len + n + 1 > o->cap) {
                size_t cap = o->cap ? o->cap : 32;
                char *s;

                while (o->len + n + 1 > cap)
                        cap *= 2;
                if (!(s = realloc(o->s, cap))) {
                        o->oom = 1;
                        return;
                }
                o->s = s;
                o->cap = cap;
        }
        memcpy(o->s + o->len, p, n);
        o->len += n;
        o->s[o->len] = '\0';
}

/* zeroPaddingNumber(value, min, max): DecimalFormat caps the digit counts
 * at 309; a max below the digit count keeps the low digits. */
static void put_num(out_t *o, int64_t value, int min, int max)
{
        char digits[32];
        int n, neg = value < 0;
        uint64_t u = neg ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;

        if (min > 309)
                min = 309;
        if (max > 309)
                max = 309;
        n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
        if (neg)
                put(o, "-", 1);
        const char *p = digits;
        if (n > max) {
                p += n - max;
                n = max;
        }
        for (int i = n; i < min; i++)
                put(o, "0", 1);
        put(o, p, (size_t)n);
}

static void put_str(out_t *o, const char *s)
{
        put(o, s, strlen(s));
}

char *javadate_format(const javadate_t *f, int64_t ms)
{
        out_t o = {0};
        fields_t fl;
        int era = 1;
        int64_t era_year;

        compute_fields(ms, &fl);
        era_year = fl.year;
        if (fl.year <= 0) {
                era = 0;
                era_year = 1 - fl.year;
        }
        put(&o, "", 0);
        for (size_t i = 0; i < f->nelems; i++) {
                const elem_t *e = &f->elems[i];
                int c = e->count;

                if (e->tag < 0) {
                        put(&o, e->text, e->len);
                        continue;
                }
                switch (e->tag) {
                case P_ERA:
                        put_str(&o, ERAS[era]);
                        break;
                case P_YEAR:
                case P_WEEK_YEAR: {
                        int64_t v = e->tag == P_YEAR ? era_year : fl.week_year;

                        if (c != 2)
                                put_num(&o, v, c, 309);
                        else
                                put_num(&o, v, 2, 2);
                        break;
                }
                case P_MONTH:
                case P_MONTH_STANDALONE:
                        if (c >= 4)
                                put_str(&o, MONTHS[fl.month]);
                        else if (c == 3)
                                put_str(&o, SHORT_MONTHS[fl.month]);
                        else
                                put_num(&o, fl.month + 1, c, 309);
                        break;
                case P_DOM:
                        put_num(&o, fl.dom, c, 309);
                        break;
                case P_HOUR_OF_DAY1:
                        put_num(&o, fl.hour ? fl.hour : 24, c, 309);
                        break;
                case P_HOUR_OF_DAY0:
                        put_num(&o, fl.hour, c, 309);
                        break;
                case P_MINUTE:
                        put_num(&o, fl.minute, c, 309);
                        break;
                case P_SECOND:
                        put_num(&o, fl.second, c, 309);
                        break;
                case P_MILLI:
                        put_num(&o, fl.milli, c, 309);
                        break;
                case P_DOW:
                        put_str(&o, c >= 4 ? WEEKDAYS[fl.dow]
                                           : SHORT_WEEKDAYS[fl.dow]);
                        break;
                case P_DOY:
                        put_num(&o, fl.doy, c, 309);
                        break;
                case P_DOWIM:
                        put_num(&o, fl.dowim, c, 309);
                        break;
                case P_WOY:
                        put_num(&o, fl.woy, c, 309);
                        break;
                case P_WOM:
                        put_num(&o, fl.wom, c, 309);
                        break;
                case P_AMPM:
                        put_str(&o, AMPM[fl.hour >= 12]);
                        break;
                case P_HOUR1: {
                        int h = fl.hour % 12;

                        put_num(&o, h ? h : 12, c, 309);
                        break;
                }
                case P_HOUR0:
                        put_num(&o, fl.hour % 12, c, 309);
                        break;
                case P_ZONE_NAME:
                        put_str(&o, c < 4 ? "UTC" : "Coordinated Universal Time");
                        break;
                case P_ZONE_VALUE:
                        put_str(&o, "+0000");
                        break;
                case P_ISO_ZONE:
                        put_str(&o, "Z");
                        break;
                case P_ISO_DOW:
                        put_num(&o, fl.dow == SUNDAY ? 7 : fl.dow - 1, c, 309);
                        break;
                }
        }
        if (o.oom) {
                free(o.s);
                return NULL;
        }
        return o.s;
}

/* ---- parse ----------------------------------------------------------- */

typedef struct {
        int stamp[F_COUNT];
        int value[F_COUNT];
        int next;
} calb_t;

static void cb_set(calb_t *cb, int field, int value)
{
        cb->stamp[field] = cb->next++;
        cb->value[field] = value;
}

static int is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* DecimalFormat.parse (integer only, no grouping) on text[pos, limit):
 * 1 with *v (Long.intValue / Double.intValue) and *pos moved, or 0. */
static int parse_number(const char *t, size_t limit, size_t *pos, int *v)
{
        size_t i = *pos;
        int neg = 0, big = 0;
        uint64_t acc = 0;
        size_t start;

        if (i < limit && t[i] == '-') {
                neg = 1;
                i++;
        }
        start = i;
        while (i < limit && is_digit(t[i])) {
                unsigned d = (unsigned)(t[i] - '0');

                if (!big) {
                        if (acc > (UINT64_MAX - d) / 10)
                                big = 1;
                        else
                                acc = acc * 10 + d;
                }
                i++;
        }
        if (i == start)
                return 0;
        /* fits in a long? */
        if (!big && (neg ? acc <= (uint64_t)INT64_MAX + 1 : acc <= INT64_MAX)) {
                uint64_t u = neg ? (uint64_t)0 - acc : acc;

                *v = (int)(int32_t)(uint32_t)u; /* Long.intValue wraps */
        } else {
                *v = neg ? INT32_MIN : INT32_MAX; /* Double.intValue */
        }
        *pos = i;
        return 1;
}

static int region_ieq(const char *t, size_t len, size_t at, const char *s)
{
        size_t n = strlen(s);

        if (at > len || len - at < n)
                return 0;
        for (size_t i = 0; i < n; i++) {
                char a = t[at + i], b = s[i];

                if (a >= 'A' && a <= 'Z')
                        a = (char)(a - 'A' + 'a');
                if (b >= 'A' && b <= 'Z')
                        b = (char)(b - 'A' + 'a');
                if (a != b)
                        return 0;
        }
        return 1;
}

/* matchString: the longest entry matching at `at`; 1 with *idx, *end. */
static int match_names(const char *t, size_t len, size_t at,
                       const char *const *names, int from, int n, int *idx,
                       size_t *end)
{
        size_t best = 0;
        int bi = -1;

        for (int i = from; i < n; i++) {
                size_t l = strlen(names[i]);

                if (l > best && region_ieq(t, len, at, names[i])) {
                        best = l;
                        bi = i;
                }
        }
        if (bi < 0)
                return 0;
        *idx = bi;
        *end = at + best;
        return 1;
}

/* subParseNumericZone: 1 with *end, or 0. */
static int parse_numeric_zone(const char *t, size_t len, size_t i, int sign,
                              int count, int colon, calb_t *cb, size_t *end)
{
        int hours, minutes = 0;

        if (i >= len || !is_digit(t[i]))
                return 0;
        hours = t[i++] - '0';
        if (i >= len)
                return 0;
        if (is_digit(t[i])) {
                hours = hours * 10 + (t[i++] - '0');
        } else if (count > 0 || !colon) {
                return 0;
        }
        if (hours > 23)
                return 0;
        if (count != 1) {
                if (i >= len)
                        return 0;
                if (colon) {
                        if (t[i++] != ':' || i >= len)
                                return 0;
                }
                if (!is_digit(t[i]))
                        return 0;
                minutes = t[i++] - '0';
                if (i >= len || !is_digit(t[i]))
                        return 0;
                minutes = minutes * 10 + (t[i++] - '0');
                if (minutes > 59)
                        return 0;
        }
        minutes += hours * 60;
        cb_set(cb, F_ZONE_OFFSET, minutes * 60000 * sign);
        cb_set(cb, F_DST_OFFSET, 0);
        *end = i;
        return 1;
}

static int obey_count(int tag)
{
        switch (tag) {
        case P_YEAR: case P_DOM: case P_HOUR_OF_DAY1: case P_HOUR_OF_DAY0:
        case P_MINUTE: case P_SECOND: case P_MILLI: case P_DOY: case P_DOWIM:
        case P_WOY: case P_WOM: case P_HOUR1: case P_HOUR0: case P_WEEK_YEAR:
        case P_ISO_DOW:
                return 1;
        default:
                return 0;
        }
}

/* subParse: 1 with *next, or 0 (the whole parse fails). */
static int sub_parse(const char *t, size_t len, size_t start, int tag,
                     int count, int obey, int *ambiguous, int century_year,
                     calb_t *cb, size_t *next)
{
        size_t pos = start, actual;
        int value = 0, idx;

        while (1) {
                if (pos >= len)
                        return 0;
                if (t[pos] != ' ' && t[pos] != '\t')
                        break;
                pos++;
        }
        actual = pos;
        if (tag == P_HOUR_OF_DAY1 || tag == P_HOUR1 ||
            ((tag == P_MONTH || tag == P_MONTH_STANDALONE) && count <= 2) ||
            tag == P_YEAR || tag == P_WEEK_YEAR) {
                size_t limit = len;

                if (obey) {
                        if (start + (size_t)count > len)
                                return 0;
                        limit = start + (size_t)count;
                }
                if (!parse_number(t, limit, &pos, &value))
                        return 0;
        }
        switch (tag) {
        case P_ERA:
                if (!match_names(t, len, start, ERAS, 0, 2, &idx, next))
                        return 0;
                cb_set(cb, F_ERA, idx);
                return 1;
        case P_YEAR:
        case P_WEEK_YEAR:
                if (count <= 2 && pos - actual == 2 && is_digit(t[actual]) &&
                    is_digit(t[actual + 1])) {
                        int amb = century_year % 100;

                        *ambiguous = value == amb;
                        value += (century_year / 100) * 100 +
                                 (value < amb ? 100 : 0);
                }
                cb_set(cb, P_TO_FIELD[tag], value);
                *next = pos;
                return 1;
        case P_MONTH:
        case P_MONTH_STANDALONE:
                if (count <= 2) {
                        cb_set(cb, F_MONTH, (int)((int64_t)value - 1));
                        *next = pos;
                        return 1;
                }
                if (match_names(t, len, start, MONTHS, 0, 12, &idx, next) ||
                    match_names(t, len, start, SHORT_MONTHS, 0, 12, &idx,
                                next)) {
                        cb_set(cb, F_MONTH, idx);
                        return 1;
                }
                return 0;
        case P_HOUR_OF_DAY1:
                cb_set(cb, F_HOUR_OF_DAY, value == 24 ? 0 : value);
                *next = pos;
                return 1;
        case P_HOUR1:
                cb_set(cb, F_HOUR, value == 12 ? 0 : value);
                *next = pos;
                return 1;
        case P_DOW:
                if (match_names(t, len, start, WEEKDAYS, 1, 8, &idx, next) ||
                    match_names(t, len, start, SHORT_WEEKDAYS, 1, 8, &idx,
                                next)) {
                        cb_set(cb, F_DOW, idx);
                        return 1;
                }
                return 0;
        case P_AMPM:
                if (!match_names(t, len, start, AMPM, 0, 2, &idx, next))
                        return 0;
                cb_set(cb, F_AMPM, idx);
                return 1;
        case P_ZONE_NAME:
        case P_ZONE_VALUE: {
                char c = t[pos];
                int sign = c == '+' ? 1 : c == '-' ? -1 : 0;
                static const char *const zone_names[] = {
                        "Coordinated Universal Time", "UTC",
                        "Greenwich Mean Time", "GMT"};

                if (sign)
                        return parse_numeric_zone(t, len, pos + 1, sign, 0, 0,
                                                  cb, next);
                if ((c == 'G' || c == 'g') && region_ieq(t, len, start, "GMT")) {
                        pos = start + 3;
                        if (pos < len)
                                sign = t[pos] == '+' ? 1 : t[pos] == '-' ? -1 : 0;
                        if (!sign) {
                                cb_set(cb, F_ZONE_OFFSET, 0);
                                cb_set(cb, F_DST_OFFSET, 0);
                                *next = pos;
                                return 1;
                        }
                        return parse_numeric_zone(t, len, pos + 1, sign, 0, 1,
                                                  cb, next);
                }
                for (int i = 0; i < 4; i++)
                        if (region_ieq(t, len, pos, zone_names[i])) {
                                cb_set(cb, F_ZONE_OFFSET, 0);
                                cb_set(cb, F_DST_OFFSET, 0);
                                *next = pos + strlen(zone_names[i]);
                                return 1;
                        }
                return 0;
        }
        case P_ISO_ZONE: {
                char c = t[pos];

                if (c == 'Z') {
                        cb_set(cb, F_ZONE_OFFSET, 0);
                        cb_set(cb, F_DST_OFFSET, 0);
                        *next = pos + 1;
                        return 1;
                }
                if (c != '+' && c != '-')
                        return 0;
                return parse_numeric_zone(t, len, pos + 1, c == '+' ? 1 : -1,
                                          count, count == 3, cb, next);
        }
        default: {
                size_t limit = len;

                if (obey) {
                        if (start + (size_t)count > len)
                                return 0;
                        limit = start + (size_t)count;
                }
                if (!parse_number(t, limit, &pos, &value))
                        return 0;
                if (tag == P_ISO_DOW && value >= 1 && value <= 7)
                        value = value == 7 ? SUNDAY : value + 1;
                cb_set(cb, P_TO_FIELD[tag], value);
                *next = pos;
                return 1;
        }
        }
}

static int64_t aggregate(int a, int b)
{
        return (a == 0 || b == 0) ? 0 : (a > b ? a : b);
}

#define M(f) (1u << (f))

static unsigned select_fields(const calb_t *cb)
{
        const int *st = cb->stamp;
        unsigned mask = M(F_YEAR);
        int64_t dow = st[F_DOW], month = st[F_MONTH], dom = st[F_DOM];
        int64_t wom = aggregate(st[F_WOM], st[F_DOW]);
        int64_t dowim = aggregate(st[F_DOWIM], st[F_DOW]);
        int64_t doy = st[F_DOY];
        int64_t woy = aggregate(st[F_WOY], st[F_DOW]);
        int64_t best = dom, hod, h;

        if (st[F_ERA])
                mask |= M(F_ERA);
        if (wom > best)
                best = wom;
        if (dowim > best)
                best = dowim;
        if (doy > best)
                best = doy;
        if (woy > best)
                best = woy;
        if (best == 0) {
                wom = st[F_WOM];
                dowim = st[F_DOWIM] > dow ? st[F_DOWIM] : dow;
                woy = st[F_WOY];
                best = wom > dowim ? wom : dowim;
                if (woy > best)
                        best = woy;
                if (best == 0)
                        best = dom = month;
        }
        if (best == dom || (best == wom && st[F_WOM] >= st[F_WOY]) ||
            (best == dowim && st[F_DOWIM] >= st[F_WOY])) {
                mask |= M(F_MONTH);
                if (best == dom) {
                        mask |= M(F_DOM);
                } else {
                        if (dow)
                                mask |= M(F_DOW);
                        if (wom == dowim) {
                                mask |= st[F_WOM] >= st[F_DOWIM] ? M(F_WOM)
                                                                 : M(F_DOWIM);
                        } else if (best == wom) {
                                mask |= M(F_WOM);
                        } else if (st[F_DOWIM]) {
                                mask |= M(F_DOWIM);
                        }
                }
        } else if (best == doy) {
                mask |= M(F_DOY);
        } else {
                if (dow)
                        mask |= M(F_DOW);
                mask |= M(F_WOY);
        }
        hod = st[F_HOUR_OF_DAY];
        h = aggregate(st[F_HOUR], st[F_AMPM]);
        best = h > hod ? h : hod;
        if (best == 0)
                best = st[F_HOUR] > st[F_AMPM] ? st[F_HOUR] : st[F_AMPM];
        if (best) {
                if (best == hod) {
                        mask |= M(F_HOUR_OF_DAY);
                } else {
                        mask |= M(F_HOUR);
                        if (st[F_AMPM])
                                mask |= M(F_AMPM);
                }
        }
        return mask;
}

/* GregorianCalendar.getFixedDate(cal, year, fieldMask). */
static int64_t fixed_for(int julian, int64_t year, unsigned mask,
                         const calb_t *cb)
{
        const int *v = cb->value;
        int64_t month = 0, fixed;

        if (mask & M(F_MONTH)) {
                month = v[F_MONTH];
                if (month > 11) {
                        year += month / 12;
                        month %= 12;
                } else if (month < 0) {
                        year += floor_div(month, 12);
                        month = floor_mod(month, 12);
                }
        }
        fixed = cal_fixed(julian, year, month + 1, 1);
        if (mask & M(F_MONTH)) {
                if (mask & M(F_DOM)) {
                        if (cb->stamp[F_DOM])
                                fixed += (int64_t)v[F_DOM] - 1;
                } else if (mask & M(F_WOM)) {
                        int64_t first = dow_on_or_before(fixed + 6, SUNDAY);

                        if (first - fixed >= 1)
                                first -= 7;
                        if (mask & M(F_DOW))
                                first = dow_on_or_before(first + 6, v[F_DOW]);
                        fixed = first + 7 * ((int64_t)v[F_WOM] - 1);
                } else {
                        int64_t dow = (mask & M(F_DOW)) ? v[F_DOW] : SUNDAY;
                        int64_t dowim = (mask & M(F_DOWIM)) ? v[F_DOWIM] : 1;

                        if (dowim >= 0) {
                                fixed = dow_on_or_before(fixed + 7 * dowim - 1,
                                                         dow);
                        } else {
                                int64_t last = month_len(year, (int)month) +
                                               7 * (dowim + 1);

                                fixed = dow_on_or_before(fixed + last - 1, dow);
                        }
                }
        } else {
                if (mask & M(F_DOY)) {
                        fixed += (int64_t)v[F_DOY] - 1;
                } else {
                        int64_t first = dow_on_or_before(fixed + 6, SUNDAY);

                        if (first - fixed >= 1)
                                first -= 7;
                        if ((mask & M(F_DOW)) && v[F_DOW] != SUNDAY)
                                first = dow_on_or_before(first + 6, v[F_DOW]);
                        fixed = first + 7 * ((int64_t)v[F_WOY] - 1);
                }
        }
        return fixed;
}

static int64_t establish(const calb_t *cb)
{
        const int *st = cb->stamp, *v = cb->value;
        unsigned mask = select_fields(cb);
        int64_t year = st[F_YEAR] ? v[F_YEAR] : 1970;
        int64_t tod, fixed, zone = 0;
        uint64_t ms;

        if (st[F_ERA] && v[F_ERA] == 0)
                year = 1 - year;
        if (mask & M(F_HOUR_OF_DAY)) {
                tod = v[F_HOUR_OF_DAY];
        } else {
                tod = v[F_HOUR];
                if (mask & M(F_AMPM))
                        tod += 12 * (int64_t)v[F_AMPM];
        }
        tod = tod * 60 + v[F_MINUTE];
        tod = tod * 60 + v[F_SECOND];
        tod = tod * 1000 + v[F_MILLI];
        fixed = floor_div(tod, ONE_DAY);
        tod = floor_mod(tod, ONE_DAY);

        if (st[F_WEEK_YEAR] && st[F_WEEK_YEAR] > st[F_YEAR]) {
                /* CalendarBuilder.establish + setWeekDate */
                int64_t woy = st[F_WOY] ? v[F_WOY] : 1;
                int64_t dow = st[F_DOW] ? v[F_DOW] : SUNDAY;
                int64_t wy = v[F_WEEK_YEAR], jan1, first, days;
                int julian;

                if (dow < 1 || dow > 7) {
                        if (dow >= 8) {
                                dow--;
                                woy += dow / 7;
                                dow = dow % 7 + 1;
                        } else {
                                /* Java adds 7 and steps back a week until
                                 * dow > 0; in one step */
                                int64_t k = (7 - dow) / 7;

                                dow += 7 * k;
                                woy -= k;
                        }
                        /* toCalendarDayOfWeek on an ISO number */
                        dow = dow == 7 ? SUNDAY : dow + 1;
                }
                julian = wy < CUTOVER_YEAR;
                jan1 = cal_fixed(julian, wy, 1, 1);
                first = dow_on_or_before(jan1 + 6, SUNDAY);
                if (first - jan1 >= 1)
                        first -= 7;
                days = dow - SUNDAY;
                if (days < 0)
                        days += 7;
                days += 7 * (woy - 1);
                fixed += first + days;
        } else {
                int64_t gfd, jfd;

                if (year > CUTOVER_YEAR) {
                        gfd = fixed + fixed_for(0, year, mask, cb);
                        if (gfd >= CUTOVER) {
                                fixed = gfd;
                                goto done;
                        }
                        jfd = fixed + fixed_for(1, year, mask, cb);
                } else if (year < CUTOVER_YEAR) {
                        jfd = fixed + fixed_for(1, year, mask, cb);
                        if (jfd < CUTOVER) {
                                fixed = jfd;
                                goto done;
                        }
                        gfd = jfd;
                } else {
                        jfd = fixed + fixed_for(1, year, mask, cb);
                        gfd = fixed + fixed_for(0, year, mask, cb);
                }
                if (mask & (M(F_DOY) | M(F_WOY))) {
                        fixed = jfd;
                        goto done;
                }
                if (gfd >= CUTOVER)
                        fixed = gfd;
                else
                        fixed = jfd;
        }
done:
        if (st[F_ZONE_OFFSET])
                zone += v[F_ZONE_OFFSET];
        if (st[F_DST_OFFSET])
                zone += v[F_DST_OFFSET];
        /* Java's long arithmetic wraps */
        ms = (uint64_t)(fixed - EPOCH_OFFSET) * (uint64_t)ONE_DAY +
             (uint64_t)tod - (uint64_t)zone;
        return (int64_t)ms;
}

/* The default century start: now minus 80 years (Calendar.add keeps the
 * month and day, clamping the day). *year its year. */
static int64_t century_start(int64_t now, int *year)
{
        fields_t fl;
        int64_t y, fixed, tod = floor_mod(now, ONE_DAY);
        int dom;

        compute_fields(now, &fl);
        y = fl.year - 80;
        dom = fl.dom;
        if (dom > month_len(y, fl.month))
                dom = month_len(y, fl.month);
        fixed = cal_fixed(y < CUTOVER_YEAR, y, fl.month + 1, dom);
        *year = (int)(y <= 0 ? 1 - y : y);
        return (int64_t)((uint64_t)(fixed - EPOCH_OFFSET) * (uint64_t)ONE_DAY +
                         (uint64_t)tod);
}

int javadate_parse_at(const javadate_t *f, const char *text, int64_t now_ms,
                      int64_t *ms)
{
        size_t len = strlen(text), start = 0;
        calb_t cb;
        int ambiguous = 0, cyear;
        int64_t cstart = century_start(now_ms, &cyear), r;

        memset(&cb, 0, sizeof cb);
        cb.next = 2;
        for (size_t i = 0; i < f->nelems; i++) {
                const elem_t *e = &f->elems[i];
                int obey = 0;

                if (e->tag < 0) {
                        if (len - start < e->len ||
                            memcmp(text + start, e->text, e->len))
                                return -1;
                        start += e->len;
                        continue;
                }
                if (i + 1 < f->nelems) {
                        const elem_t *n = &f->elems[i + 1];

                        if (n->tag == P_MONTH || n->tag == P_MONTH_STANDALONE)
                                obey = n->count <= 2;
                        else if (n->tag >= 0)
                                obey = obey_count(n->tag);
                }
                if (!sub_parse(text, len, start, e->tag, e->count, obey,
                               &ambiguous, cyear, &cb, &start))
                        return -1;
        }
        if (start == 0)
                return -1;
        r = establish(&cb);
        if (ambiguous && r < cstart) {
                /* int arithmetic, wrapping like Java's */
                cb.value[F_YEAR] = (int)((uint32_t)cb.value[F_YEAR] + 100u);
                cb.value[F_WEEK_YEAR] =
                        (int)((uint32_t)cb.value[F_WEEK_YEAR] + 100u);
                r = establish(&cb);
        }
        *ms = r;
        return 0;
}

int javadate_parse(const javadate_t *f, const char *text, int64_t *ms)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return javadate_parse_at(f, text,
                                 (int64_t)ts.tv_sec * 1000 +
                                         ts.tv_nsec / 1000000,
                                 ms);
}
