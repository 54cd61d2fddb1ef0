/*
 * log — named loggers, levels, line format, dispatch to appenders.
 *
 * DESIGN
 * - Loggers live in one hash table (chained, grows by doubling) guarded by
 *   a rwlock: log_get takes the read lock for a lookup, the write lock only
 *   to create a logger. Loggers are never freed (callers keep pointers).
 * - Levels follow log4j's hierarchy by dots: a logger without an explicit
 *   level takes the level of its nearest existing ancestor that has one
 *   ("a.b.c" -> "a.b" -> "a"), else root's. The effective level is cached
 *   in an atomic int per logger, so log_enabled is one relaxed load; a level
 *   change (rare: config, REST) recomputes every logger under the write
 *   lock.
 * - log_level_set follows Kafka Connect's Loggers.setLevel: the namespace
 *   logger (created if missing) and every existing logger whose name starts
 *   with the namespace, or everything for "root"; a logger whose current
 *   (explicit, else effective) level already equals the new one is left
 *   untouched, last_modified included; loggers are visited in name order
 *   so a parent is changed before its children.
 * - A line is formatted once per call in the caller's thread (stack buffer;
 *   heap only for messages over 4 KiB) and handed to each appender: stderr
 *   (one write(2) under a mutex), the rotating file (log_file.c), the S3
 *   sink (log_s3.c: memcpy into a bounded buffer). The appender set is
 *   swapped by log_configure under the appender rwlock; dispatch holds it
 *   for reading.
 * - Context ("bookstore|task-1") is thread-local.
 * - Per-connector S3 appenders (log_ctx_s3_add; MSK Connect log delivery)
 *   sit in a list next to the configured appenders, guarded by the same
 *   rwlock; dispatch hands a line to those whose connector the line's
 *   context names. log_configure leaves them alone.
 * - Log injection: whatever a message or the context holds (a connector
 *   name, a header, a record), one call writes one line. The plain format
 *   escapes control characters (\n \r \t, else \xNN for the C0 controls,
 *   DEL, the C1 controls U+0080..U+009F and bytes that are not UTF-8), so
 *   a plain line is always valid UTF-8 without controls; backslashes are
 *   left alone. The JSON format escapes them as JSON does (\n, \u0001,
 *   \u007f, \u0085) and replaces invalid UTF-8 with U+FFFD.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log_int.h"
#include "s3_object.h"

#define LOG_CTX_MAX 320 /* a 255-character connector name and "|task-N" */
#define LOG_STACK_MSG 4096
#define LOG_STACK_LINE 8192
#define LOG_S3_STOP_MS 5000

static const char *const level_names[] = {
        "OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL"
};

/* ---------- registry ---------- */

static pthread_rwlock_t reg_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct logger **reg_tab;     /* @locks reg_lock */
static size_t reg_size;             /* buckets (power of two) */
static size_t reg_count;
static struct logger root_logger = {
        .name = "root", .eff = LOG_LVL_INFO, .level = LOG_LVL_INFO,
        .last_modified = -1,
};

/* ---------- appenders ---------- */

static pthread_rwlock_t app_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t stderr_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        int stderr_on;
        int json;
        log_file_t *file;
        log_s3_t *s3;
} app = { .stderr_on = 1 };

static __thread char tl_ctx[LOG_CTX_MAX];

struct log_ctx_s3 {
        char *connector;
        log_s3_t *s3;
        struct log_ctx_s3 *next;
};
static struct log_ctx_s3 *ctx_sinks; /* @locks app_lock */

static unsigned name_hash(const char *s)
{
        unsigned h = 2166136261u; /* FNV-1a */
        for (; *s; s++) {
                h ^= (unsigned char)*s;
                h *= 16777619u;
        }
        return h;
}

/* @locks reg_lock held (read or write) */
static struct logger *reg_find(const char *name, unsigned h)
{
        struct logger *lg;

        if (!reg_tab)
                return NULL;
        for (lg = reg_tab[h & (reg_size - 1)]; lg; lg = lg->next)
                if (lg->hash == h && !strcmp(lg->name, name))
                        return lg;
        return NULL;
}

/* Nearest ancestor's explicit level, else root's.
 * @locks reg_lock held */
static int inherited_level(const char *name)
{
        char tmp[512];
        char *dot;
        size_t n = strlen(name);
        struct logger *a;

        if (n >= sizeof(tmp))
                n = sizeof(tmp) - 1;
        memcpy(tmp, name, n);
        tmp[n] = '\0';
        while ((dot = strrchr(tmp, '.')) != NULL) {
                *dot = '\0';
                a = reg_find(tmp, name_hash(tmp));
                if (a && a->level >= 0)
                        return a->level;
        }
        return root_logger.level;
}

/* @locks reg_lock held */
static int effective_level(const struct logger *lg)
{
        if (lg == &root_logger || lg->level >= 0)
                return lg->level;
        return inherited_level(lg->name);
}

/* @locks reg_lock held for writing */
static void recompute_all(void)
{
        size_t i;
        struct logger *lg;

        atomic_store_explicit(&root_logger.eff, root_logger.level,
                              memory_order_relaxed);
        for (i = 0; i < reg_size; i++)
                for (lg = reg_tab[i]; lg; lg = lg->next)
                        atomic_store_explicit(&lg->eff, effective_level(lg),
                                              memory_order_relaxed);
}

/* @locks reg_lock held for writing. Aborts on out of memory: a logger
 * handle can not be NULL. */
static struct logger *reg_create(const char *name, unsigned h)
{
        struct logger *lg;

        if (reg_count + 1 > reg_size * 2 || !reg_tab) {
                size_t nsize = reg_size ? reg_size * 2 : 256;
                struct logger **nt = calloc(nsize, sizeof(*nt));
                size_t i;

                if (!nt)
                        abort();
                for (i = 0; i < reg_size; i++) {
                        while (reg_tab[i]) {
                                struct logger *x = reg_tab[i];
                                reg_tab[i] = x->next;
                                x->next = nt[x->hash & (nsize - 1)];
                                nt[x->hash & (nsize - 1)] = x;
                        }
                }
                free(reg_tab);
                reg_tab = nt;
                reg_size = nsize;
        }
        lg = calloc(1, sizeof(*lg));
        if (!lg || !(lg->name = strdup(name)))
                abort();
        lg->hash = h;
        lg->level = -1;
        lg->last_modified = -1;
        atomic_init(&lg->eff, inherited_level(name));
        lg->next = reg_tab[h & (reg_size - 1)];
        reg_tab[h & (reg_size - 1)] = lg;
        reg_count++;
        return lg;
}

static struct logger *get_locked_write(const char *name)
{
        unsigned h;
        struct logger *lg;

        if (!strcmp(name, "root"))
                return &root_logger;
        h = name_hash(name);
        lg = reg_find(name, h);
        return lg ? lg : reg_create(name, h);
}

logger_t *log_get(const char *name)
{
        unsigned h;
        struct logger *lg;

        if (!name || !*name || !strcmp(name, "root"))
                return &root_logger;
        h = name_hash(name);
        pthread_rwlock_rdlock(&reg_lock);
        lg = reg_find(name, h);
        pthread_rwlock_unlock(&reg_lock);
        if (lg)
                return lg;
        pthread_rwlock_wrlock(&reg_lock);
        lg = reg_find(name, h);
        if (!lg)
                lg = reg_create(name, h);
        pthread_rwlock_unlock(&reg_lock);
        return lg;
}

logger_t *log_get_cached(logger_t *_Atomic *slot, const char *name)
{
        logger_t *lg = atomic_load_explicit(slot, memory_order_acquire);

        if (!lg) {
                lg = log_get(name);
                atomic_store_explicit(slot, lg, memory_order_release);
        }
        return lg;
}

int log_enabled(const logger_t *lg, log_level_t level)
{
        if (!lg)
                lg = &root_logger;
        return level != LOG_LVL_OFF &&
               (int)level <= atomic_load_explicit(&lg->eff,
                                                  memory_order_relaxed);
}

int log_level_parse(const char *s)
{
        size_t i;

        if (!s)
                return -1;
        for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
                if (!strcasecmp(s, level_names[i]))
                        return (int)i;
        return -1;
}

const char *log_level_name(log_level_t level)
{
        if ((int)level < 0 || level > LOG_LVL_ALL)
                return "UNKNOWN";
        return level_names[level];
}

/* ---------- time ---------- */

long long log_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long log_mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_fmt_time(char *out, size_t n, long long epoch_ms)
{
        time_t secs = (time_t)(epoch_ms / 1000);
        struct tm tm;

        char date[24];

        /* strftime keeps -O3's truncation analysis quiet about tm fields
         * it cannot bound; only the milliseconds are formatted by hand. */
        gmtime_r(&secs, &tm);
        if (!strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
                date[0] = '\0';
        snprintf(out, n, "%s.%03uZ", date,
                 (unsigned)((epoch_ms % 1000 + 1000) % 1000));
}

/* ---------- formatting ---------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
        size_t len, i;
        unsigned cp;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf) {
                len = 2;
                cp = s[0] & 0x1f;
        } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                len = 3;
                cp = s[0] & 0x0f;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                len = 4;
                cp = s[0] & 0x07;
        } else {
                return 0;
        }
        if (len > n)
                return 0;
        for (i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
                return 0;
        return len;
}

int log_json_escape(char *out, size_t cap, size_t *pos, const char *s,
                    size_t n)
{
        size_t p = *pos, i = 0;
        const unsigned char *u = (const unsigned char *)s;

#define PUT(c) do { if (p + 1 >= cap) goto full; out[p++] = (char)(c); } while (0)
        PUT('"');
        while (i < n) {
                unsigned char c = u[i];
                size_t k;

                if (c == '"' || c == '\\') {
                        PUT('\\');
                        PUT(c);
                        i++;
                } else if (c < 0x20) {
                        const char *esc = NULL;
                        char tmp[8];

                        switch (c) {
                        case '\n': esc = "\\n"; break;
                        case '\r': esc = "\\r"; break;
                        case '\t': esc = "\\t"; break;
                        case '\b': esc = "\\b"; break;
                        case '\f': esc = "\\f"; break;
                        default:
                                snprintf(tmp, sizeof(tmp), "\\u%04x", c);
                                esc = tmp;
                        }
                        for (; *esc; esc++)
                                PUT(*esc);
                        i++;
                } else if (c == 0x7f) {
                        /* Valid JSON raw, but a terminal control: escaped
                         * like the C1 controls below (lossless). */
                        for (const char *e = "\\u007f"; *e; e++)
                                PUT(*e);
                        i++;
                } else if (c < 0x80) {
                        PUT(c);
                        i++;
                } else if (c == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 &&
                           u[i + 1] <= 0x9f) {
                        /* U+0080..U+009F (C1 controls, NEL among them). */
                        char tmp[8];

                        snprintf(tmp, sizeof(tmp), "\\u%04x", u[i + 1]);
                        for (const char *e = tmp; *e; e++)
                                PUT(*e);
                        i += 2;
                } else if ((k = utf8_seq(u + i, n - i)) > 0) {
                        if (p + k >= cap)
                                goto full;
                        memcpy(out + p, u + i, k);
                        p += k;
                        i += k;
                } else {
                        /* Invalid byte: U+FFFD keeps the line valid JSON. */
                        PUT(0xef);
                        PUT(0xbf);
                        PUT(0xbd);
                        i++;
                }
        }
        PUT('"');
#undef PUT
        out[p] = '\0';
        *pos = p;
        return 0;
full:
        if (*pos < cap)
                out[*pos] = '\0';
        return -1;
}

int log_plain_escape(char *out, size_t cap, size_t *pos, const char *s,
                     size_t n)
{
        static const char hex[] = "0123456789abcdef";
        const unsigned char *u = (const unsigned char *)s;
        size_t p = *pos, i = 0;
        int rc = 0;

        if (p >= cap)
                return -1;
        while (i < n) {
                unsigned char c = u[i];
                char esc[8];
                size_t elen = 0, take = 1, k = 0, b;
                int c1 = c == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 &&
                         u[i + 1] <= 0x9f;

                if (c >= 0x20 && c < 0x7f) {
                        /* A run of printable ASCII: one copy. */
                        size_t j = i + 1, room = cap - 1 - p;

                        while (j < n && u[j] >= 0x20 && u[j] < 0x7f)
                                j++;
                        if (j - i > room) {
                                memcpy(out + p, u + i, room);
                                p += room;
                                rc = -1;
                                break;
                        }
                        memcpy(out + p, u + i, j - i);
                        p += j - i;
                        i = j;
                        continue;
                } else if (c == '\n' || c == '\r' || c == '\t') {
                        esc[elen++] = '\\';
                        esc[elen++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
                } else if (c < 0x80 || c1 ||
                           (k = utf8_seq(u + i, n - i)) == 0) {
                        /* Other C0 controls, DEL, a byte that is not valid
                         * UTF-8: \xNN. A C1 control (U+0080..U+009F, NEL
                         * among them) is two of them, one per byte. */
                        take = c1 ? 2 : 1;
                        for (b = 0; b < take; b++) {
                                esc[elen++] = '\\';
                                esc[elen++] = 'x';
                                esc[elen++] = hex[u[i + b] >> 4];
                                esc[elen++] = hex[u[i + b] & 0xf];
                        }
                } else {
                        memcpy(esc, u + i, k);
                        elen = k;
                        take = k;
                }
                if (p + elen > cap - 1) {
                        rc = -1; /* whole escapes or characters only */
                        break;
                }
                memcpy(out + p, esc, elen);
                p += elen;
                i += take;
        }
        out[p] = '\0';
        *pos = p;
        return rc;
}

static void append_raw(char *out, size_t cap, size_t *pos, const char *s,
                       size_t n)
{
        if (*pos >= cap - 1)
                return;
        if (n > cap - 1 - *pos)
                n = cap - 1 - *pos;
        memcpy(out + *pos, s, n);
        *pos += n;
        out[*pos] = '\0';
}

size_t log_format_line(char *out, size_t n, int json, long long epoch_ms,
                       log_level_t level, const char *logger,
                       const char *ctx, const char *thread,
                       const char *msg, size_t msg_len)
{
        char ts[32];
        size_t pos = 0;
        const char *lname = log_level_name(level);

        if (n < 2) {
                if (n)
                        out[0] = '\0';
                return 0;
        }
        if (!msg)
                msg = "";
        if (ctx && !*ctx)
                ctx = NULL;
        log_fmt_time(ts, sizeof(ts), epoch_ms);
        n--; /* room for the final '\n' */
        if (!json) {
                char head[64];
                int hl = snprintf(head, sizeof(head), "%s %-5s ", ts, lname);

                /* Every piece that comes from outside (context with the
                 * connector name, logger name, message) is escaped: one
                 * call is one line, whatever it holds. */
                append_raw(out, n, &pos, head, (size_t)hl);
                if (ctx) {
                        append_raw(out, n, &pos, "[", 1);
                        log_plain_escape(out, n, &pos, ctx, strlen(ctx));
                        append_raw(out, n, &pos, "] ", 2);
                }
                log_plain_escape(out, n, &pos, logger, strlen(logger));
                append_raw(out, n, &pos, " - ", 3);
                log_plain_escape(out, n, &pos, msg, msg_len);
        } else {
                /* Fields in a fixed order; the message goes last so a cut
                 * only ever shortens it. */
                size_t save;

                append_raw(out, n, &pos, "{\"ts\":\"", 7);
                append_raw(out, n, &pos, ts, strlen(ts));
                append_raw(out, n, &pos, "\",\"level\":\"", 11);
                append_raw(out, n, &pos, lname, strlen(lname));
                append_raw(out, n, &pos, "\",\"logger\":", 11);
                log_json_escape(out, n, &pos, logger, strlen(logger));
                append_raw(out, n, &pos, ",\"context\":", 11);
                if (ctx)
                        log_json_escape(out, n, &pos, ctx, strlen(ctx));
                else
                        append_raw(out, n, &pos, "null", 4);
                append_raw(out, n, &pos, ",\"thread\":", 10);
                log_json_escape(out, n, &pos, thread ? thread : "",
                                thread ? strlen(thread) : 0);
                append_raw(out, n, &pos, ",\"message\":", 11);
                save = pos;
                if (log_json_escape(out, n, &pos, msg, msg_len) < 0) {
                        /* Too long: escape a prefix that fits, then close. */
                        size_t lo = 0, hi = msg_len;

                        while (lo < hi) {
                                size_t mid = lo + (hi - lo + 1) / 2;
                                size_t p2 = save;

                                if (log_json_escape(out, n, &p2, msg, mid) == 0)
                                        lo = mid;
                                else
                                        hi = mid - 1;
                        }
                        pos = save;
                        log_json_escape(out, n, &pos, msg, lo);
                }
                append_raw(out, n, &pos, "}", 1);
        }
        out[pos++] = '\n';
        out[pos] = '\0';
        return pos;
}

int log_format_is_json(void)
{
        int j;

        pthread_rwlock_rdlock(&app_lock);
        j = app.json;
        pthread_rwlock_unlock(&app_lock);
        return j;
}

/* ---------- dispatch ---------- */

static void write_stderr(const char *line, size_t len)
{
        pthread_mutex_lock(&stderr_lock);
        while (len > 0) {
                ssize_t w = write(STDERR_FILENO, line, len);

                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                line += w;
                len -= (size_t)w;
        }
        pthread_mutex_unlock(&stderr_lock);
}

void log_write_local(const char *line, size_t len)
{
        pthread_rwlock_rdlock(&app_lock);
        if (app.stderr_on)
                write_stderr(line, len);
        if (app.file)
                log_file_write(app.file, line, len);
        pthread_rwlock_unlock(&app_lock);
}

void log_vwrite(logger_t *lg, log_level_t level, const char *fmt, va_list ap)
{
        char msg_stack[LOG_STACK_MSG], line_stack[LOG_STACK_LINE];
        char *msg = msg_stack, *line = line_stack, *hmsg = NULL, *hline = NULL;
        char thread[17] = "";
        size_t msg_len, line_cap, len;
        va_list ap2;
        int n;

        if (!lg)
                lg = &root_logger;
        if (!log_enabled(lg, level))
                return;
        va_copy(ap2, ap);
        n = vsnprintf(msg_stack, sizeof(msg_stack), fmt, ap);
        if (n < 0) {
                va_end(ap2);
                return;
        }
        msg_len = (size_t)n;
        if (msg_len >= sizeof(msg_stack)) {
                size_t cap = msg_len + 1;

                if (cap > LOG_MSG_MAX)
                        cap = LOG_MSG_MAX;
                hmsg = malloc(cap);
                if (hmsg) {
                        vsnprintf(hmsg, cap, fmt, ap2);
                        msg = hmsg;
                        msg_len = cap - 1;
                } else {
                        msg_len = sizeof(msg_stack) - 1;
                }
        }
        va_end(ap2);

        pthread_rwlock_rdlock(&app_lock);
        if (app.json)
                prctl(PR_GET_NAME, thread, 0, 0, 0);
        /* Worst case escaping: JSON 6 bytes per byte, plain 4 (\xNN). */
        line_cap = 512 + strlen(lg->name) * 6 + LOG_CTX_MAX * 6 +
                   msg_len * (app.json ? 6 : 4);
        if (line_cap > sizeof(line_stack)) {
                hline = malloc(line_cap);
                if (hline)
                        line = hline;
                else
                        line_cap = sizeof(line_stack);
        } else {
                line_cap = sizeof(line_stack);
        }
        len = log_format_line(line, line_cap, app.json, log_now_ms(), level,
                              lg->name, tl_ctx, thread, msg, msg_len);
        if (app.stderr_on)
                write_stderr(line, len);
        if (app.file)
                log_file_write(app.file, line, len);
        if (app.s3)
                log_s3_append(app.s3, line, len);
        if (ctx_sinks && tl_ctx[0]) {
                struct log_ctx_s3 *cs;

                for (cs = ctx_sinks; cs; cs = cs->next)
                        if (log_ctx_is_connector(tl_ctx, cs->connector))
                                log_s3_append(cs->s3, line, len);
        }
        pthread_rwlock_unlock(&app_lock);
        free(hline);
        free(hmsg);
}

void log_write(logger_t *lg, log_level_t level, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vwrite(lg, level, fmt, ap);
        va_end(ap);
}

void log_context_set(const char *ctx)
{
        if (!ctx) {
                tl_ctx[0] = '\0';
                return;
        }
        snprintf(tl_ctx, sizeof(tl_ctx), "%s", ctx);
}

/* ---------- REST /admin/loggers ---------- */

static json_t *logger_level_obj(const struct logger *lg, int level)
{
        return json_pack("{s:s,s:o}", "level",
                         log_level_name((log_level_t)level), "last_modified",
                         lg->last_modified >= 0
                                 ? json_integer(lg->last_modified)
                                 : json_null());
}

json_t *log_levels_json(void)
{
        json_t *out = json_object();
        size_t i;
        struct logger *lg;

        if (!out)
                return NULL;
        pthread_rwlock_rdlock(&reg_lock);
        json_object_set_new(out, "root",
                            logger_level_obj(&root_logger, root_logger.level));
        for (i = 0; i < reg_size; i++)
                for (lg = reg_tab[i]; lg; lg = lg->next)
                        if (lg->level >= 0)
                                json_object_set_new(
                                        out, lg->name,
                                        logger_level_obj(lg, lg->level));
        pthread_rwlock_unlock(&reg_lock);
        return out;
}

json_t *log_level_json(const char *name)
{
        const struct logger *lg;
        json_t *out = NULL;

        if (!name)
                return NULL;
        pthread_rwlock_rdlock(&reg_lock);
        if (!strcasecmp(name, "root"))
                lg = &root_logger;
        else
                lg = reg_find(name, name_hash(name));
        if (lg)
                out = logger_level_obj(lg, effective_level(lg));
        pthread_rwlock_unlock(&reg_lock);
        return out;
}

static int cmp_logger_name(const void *a, const void *b)
{
        const struct logger *x = *(const struct logger *const *)a;
        const struct logger *y = *(const struct logger *const *)b;

        return strcmp(x->name, y->name);
}

/* Set one logger unless its current level already matches (Connect).
 * @locks reg_lock held for writing */
static int set_one(struct logger *lg, int level, long long now)
{
        if (effective_level(lg) == level)
                return 0;
        lg->level = level;
        lg->last_modified = now;
        return 1;
}

/* Shared by REST (stamp=1) and config (stamp=0: last_modified stays). */
static json_t *level_set(const char *ns, log_level_t level, int stamp)
{
        struct logger **v = NULL;
        char *changed = NULL;
        json_t *names = json_array();
        size_t nv = 0, i;
        long long now = stamp ? log_now_ms() : -1;
        int is_root, root_changed = 0;
        logger_t *self = stamp ? log_get("connectd.log") : NULL;

        if (!names || !ns)
                goto out;
        is_root = !strcasecmp(ns, "root");
        pthread_rwlock_wrlock(&reg_lock);
        if (!is_root)
                get_locked_write(ns); /* the namespace logger exists now */
        v = malloc((reg_count + 1) * sizeof(*v));
        changed = calloc(reg_count + 1, 1);
        if (!v || !changed) {
                pthread_rwlock_unlock(&reg_lock);
                goto out;
        }
        for (i = 0; i < reg_size; i++) {
                struct logger *lg;

                for (lg = reg_tab[i]; lg; lg = lg->next)
                        if (is_root || !strncmp(lg->name, ns, strlen(ns)))
                                v[nv++] = lg;
        }
        qsort(v, nv, sizeof(*v), cmp_logger_name);
        if (is_root) {
                /* Connect visits the root after the others. */
                if (stamp) {
                        for (i = 0; i < nv; i++)
                                changed[i] = (char)set_one(v[i], (int)level,
                                                           now);
                        root_changed = set_one(&root_logger, (int)level, now);
                } else {
                        root_logger.level = (int)level;
                }
        } else {
                for (i = 0; i < nv; i++) {
                        if (stamp) {
                                changed[i] = (char)set_one(v[i], (int)level,
                                                           now);
                        } else if (!strcmp(v[i]->name, ns)) {
                                v[i]->level = (int)level;
                        }
                }
        }
        recompute_all();
        pthread_rwlock_unlock(&reg_lock);
        for (i = 0; i < nv; i++)
                json_array_append_new(names, json_string(v[i]->name));
        if (is_root) {
                /* Sorted position of "root" among the names. */
                size_t at = 0;

                while (at < nv && strcmp(v[at]->name, "root") < 0)
                        at++;
                json_array_insert_new(names, at, json_string("root"));
        }
        if (stamp) {
                /* Logged after the change, as Connect's Loggers does. */
                LOG_INFO(self, "Setting level of namespace %s and children "
                         "to %s", ns, log_level_name(level));
                for (i = 0; i < nv + (size_t)is_root; i++) {
                        const char *nm = i < nv ? v[i]->name : "root";
                        int ch = i < nv ? changed[i] : root_changed;

                        if (ch)
                                LOG_DEBUG(self, "Setting level of logger %s "
                                          "(excluding children) to %s", nm,
                                          log_level_name(level));
                        else
                                LOG_DEBUG(self, "Skipping update for logger "
                                          "%s since its level is already %s",
                                          nm, log_level_name(level));
                }
        }
out:
        free(changed);
        free(v);
        return names;
}

json_t *log_level_set(const char *ns, log_level_t level)
{
        return level_set(ns, level, 1);
}

/* ---------- secrets ---------- */

/* Like Connect's PASSWORD-typed keys: anything naming a password, secret,
 * token or credential, JAAS configs, and keys whose last part is "key". An
 * access key *id* is not a secret. */
static int key_is_secret(const char *key)
{
        static const char *const words[] = {
                "password", "secret", "token", "credential",
                "sasl.jaas.config", "basic.auth.user.info", "private.key",
        };
        char low[256];
        size_t i, n = strlen(key);
        const char *last;

        if (n >= sizeof(low))
                n = sizeof(low) - 1;
        for (i = 0; i < n; i++)
                low[i] = (char)tolower((unsigned char)key[i]);
        low[n] = '\0';
        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strstr(low, words[i]))
                        return 1;
        last = strrchr(low, '.');
        last = last ? last + 1 : low;
        return !strcmp(last, "key") || !strcmp(last, "keys");
}

json_t *log_mask_config(const json_t *config)
{
        json_t *out;
        const char *key;
        json_t *val;

        if (!json_is_object(config))
                return json_object();
        out = json_object();
        if (!out)
                return NULL;
        json_object_foreach((json_t *)config, key, val) {
                if (key_is_secret(key))
                        json_object_set_new(out, key, json_string("[hidden]"));
                else
                        json_object_set(out, key, val);
        }
        return out;
}

/* ---------- configuration ---------- */

/* Value or default of a log.* key: the defaults live in the one worker
 * config table (server/config/config.c). json_object_get copes with NULL props. */
static const char *cfg_given(const json_t *props, const char *key)
{
        const json_t *v = props ? json_object_get(props, key) : NULL;

        return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *cfg_str(const json_t *props, const char *key)
{
        return wc_get(props, key);
}

static int cfg_ll(const json_t *props, const char *key, long long min,
                  long long *out, char *errstr, size_t errstr_size)
{
        const char *v = cfg_str(props, key);
        char *end;
        long long x;

        if (!v)
                v = "0";
        errno = 0;
        x = strtoll(v, &end, 10);
        if (errno || end == v || *end || x < min) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration %s: expected an "
                         "integer >= %lld", v, key, min);
                return -1;
        }
        *out = x;
        return 0;
}

static int cfg_bool(const json_t *props, const char *key, int *out,
                    char *errstr, size_t errstr_size)
{
        const char *v = cfg_str(props, key);

        if (v && !strcasecmp(v, "true"))
                *out = 1;
        else if (v && !strcasecmp(v, "false"))
                *out = 0;
        else {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration %s: expected "
                         "true or false", v ? v : "(null)", key);
                return -1;
        }
        return 0;
}

static const char *nonempty(const char *a, const char *b)
{
        if (a && *a)
                return a;
        return (b && *b) ? b : NULL;
}

static int configure_s3(const json_t *props, const char *worker_id, int json,
                        log_s3_t **out, char *errstr, size_t errstr_size)
{
        log_s3_conf_t c;
        const char *env_region = nonempty(getenv("AWS_REGION"),
                                          getenv("AWS_DEFAULT_REGION"));

        memset(&c, 0, sizeof(c));
        c.bucket = cfg_str(props, "log.s3.bucket");
        c.endpoint = cfg_str(props, "log.s3.endpoint");
        c.region = nonempty(cfg_given(props, "log.s3.region"),
                            nonempty(env_region,
                                     cfg_str(props, "log.s3.region")));
        c.prefix = cfg_str(props, "log.s3.prefix");
        c.access_key_id = nonempty(cfg_given(props, "log.s3.access.key.id"),
                                   getenv("AWS_ACCESS_KEY_ID"));
        c.secret_access_key =
                nonempty(cfg_given(props, "log.s3.secret.access.key"),
                         getenv("AWS_SECRET_ACCESS_KEY"));
        c.session_token = nonempty(cfg_given(props, "log.s3.session.token"),
                                   getenv("AWS_SESSION_TOKEN"));
        c.worker_id = worker_id && *worker_id ? worker_id : "connectd";
        c.json = json;
        if (!c.access_key_id || !c.secret_access_key) {
                snprintf(errstr, errstr_size,
                         "log.s3.bucket is set but no credentials were found: "
                         "set log.s3.access.key.id and "
                         "log.s3.secret.access.key (or AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY)");
                return -1;
        }
        if (cfg_bool(props, "log.s3.path.style", &c.path_style, errstr,
                     errstr_size) ||
            cfg_ll(props, "log.s3.batch.max.bytes", 1024, &c.batch_max_bytes,
                   errstr, errstr_size) ||
            cfg_ll(props, "log.s3.batch.interval.ms", 1,
                   &c.batch_interval_ms, errstr, errstr_size) ||
            cfg_ll(props, "log.s3.buffer.max.bytes", 4096,
                   &c.buffer_max_bytes, errstr, errstr_size) ||
            cfg_ll(props, "log.s3.retry.backoff.ms", 1, &c.retry_backoff_ms,
                   errstr, errstr_size) ||
            cfg_ll(props, "log.s3.retry.backoff.max.ms", 1,
                   &c.retry_backoff_max_ms, errstr, errstr_size) ||
            cfg_ll(props, "log.s3.timeout.ms", 1, &c.timeout_ms, errstr,
                   errstr_size))
                return -1;
        *out = log_s3_start(&c, errstr, errstr_size);
        return *out ? 0 : -1;
}

void log_init(void)
{
        /* Everything has static initialisers; this only resets to the
         * documented start: stderr appender, root at INFO. */
        pthread_rwlock_wrlock(&app_lock);
        app.stderr_on = 1;
        pthread_rwlock_unlock(&app_lock);
}

int log_configure(const json_t *worker_props, const char *worker_id,
                  char *errstr, size_t errstr_size)
{
        const char *v, *key, *path;
        const json_t *val;
        int root_level, json_fmt, stderr_on, rc = -1;
        long long fmax, fint, fret;
        log_file_t *file = NULL, *old_file;
        log_s3_t *s3 = NULL, *old_s3;

        v = cfg_str(worker_props, "log.level");
        root_level = log_level_parse(v);
        if (root_level < 0) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration log.level: "
                         "expected one of OFF, FATAL, ERROR, WARN, INFO, "
                         "DEBUG, TRACE, ALL", v ? v : "(null)");
                goto out;
        }
        v = cfg_str(worker_props, "log.format");
        if (v && !strcasecmp(v, "plain"))
                json_fmt = 0;
        else if (v && !strcasecmp(v, "json"))
                json_fmt = 1;
        else {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration log.format: "
                         "expected plain or json", v ? v : "(null)");
                goto out;
        }
        if (cfg_bool(worker_props, "log.stderr.enable", &stderr_on, errstr,
                     errstr_size))
                goto out;
        /* Per-logger levels: check all before applying any. */
        if (worker_props) {
                json_object_foreach((json_t *)worker_props, key, val) {
                        if (strncmp(key, "log.logger.", 11))
                                continue;
                        if (!key[11] || !json_is_string(val) ||
                            log_level_parse(json_string_value(val)) < 0) {
                                snprintf(errstr, errstr_size,
                                         "Invalid value %s for configuration "
                                         "%s: expected a log level",
                                         json_is_string(val)
                                                 ? json_string_value(val)
                                                 : "(not a string)",
                                         key);
                                goto out;
                        }
                }
        }
        path = cfg_str(worker_props, "log.file.path");
        if (path && *path) {
                if (cfg_ll(worker_props, "log.file.max.bytes", 0, &fmax,
                           errstr, errstr_size) ||
                    cfg_ll(worker_props, "log.file.rotate.interval.ms", 0,
                           &fint, errstr, errstr_size) ||
                    cfg_ll(worker_props, "log.file.retention.count", 0, &fret,
                           errstr, errstr_size))
                        goto out;
                if (fret > 1000)
                        fret = 1000;
                file = log_file_open(path, fmax, fint, (int)fret, errstr,
                                     errstr_size);
                if (!file)
                        goto out;
        }
        v = cfg_str(worker_props, "log.s3.bucket");
        if (v && *v && configure_s3(worker_props, worker_id, json_fmt, &s3,
                                    errstr, errstr_size))
                goto out;

        /* Levels. */
        json_decref(level_set("root", (log_level_t)root_level, 0));
        if (worker_props) {
                json_object_foreach((json_t *)worker_props, key, val) {
                        if (!strncmp(key, "log.logger.", 11))
                                json_decref(level_set(
                                        key + 11,
                                        (log_level_t)log_level_parse(
                                                json_string_value(val)),
                                        0));
                }
        }

        /* Swap appenders; the old ones stop outside the lock (the S3
         * thread writes its reports through log_write_local). */
        pthread_rwlock_wrlock(&app_lock);
        old_file = app.file;
        old_s3 = app.s3;
        app.file = file;
        app.s3 = s3;
        app.json = json_fmt;
        app.stderr_on = stderr_on;
        pthread_rwlock_unlock(&app_lock);
        file = NULL;
        s3 = NULL;
        if (old_s3)
                log_s3_stop(old_s3, LOG_S3_STOP_MS);
        if (old_file)
                log_file_close(old_file);
        rc = 0;
out:
        if (s3)
                log_s3_stop(s3, 0);
        if (file)
                log_file_close(file);
        return rc;
}

void log_shutdown(void)
{
        log_file_t *file;
        log_s3_t *s3;

        pthread_rwlock_wrlock(&app_lock);
        s3 = app.s3;
        app.s3 = NULL;
        pthread_rwlock_unlock(&app_lock);
        if (s3)
                log_s3_stop(s3, LOG_S3_STOP_MS);
        pthread_rwlock_wrlock(&app_lock);
        file = app.file;
        app.file = NULL;
        pthread_rwlock_unlock(&app_lock);
        if (file)
                log_file_close(file);
}

/* ---------- per-connector S3 appenders ---------- */

int log_ctx_is_connector(const char *ctx, const char *connector)
{
        size_t n = strlen(connector);
        const char *p;

        if (!ctx || strncmp(ctx, connector, n) || ctx[n] != '|')
                return 0;
        p = ctx + n + 1;
        if (!strcmp(p, "worker"))
                return 1;
        if (strncmp(p, "task-", 5) || !p[5])
                return 0;
        for (p += 5; *p; p++)
                if (*p < '0' || *p > '9')
                        return 0;
        return 1;
}

log_ctx_s3_t *log_ctx_s3_add(const json_t *props, const char *connector,
                             const s3_client_t *client, const char *bucket,
                             const char *prefix, const char *object_name,
                             char *errstr, size_t errstr_size)
{
        struct log_ctx_s3 *cs = calloc(1, sizeof(*cs));
        log_s3_conf_t c;

        if (!cs || !(cs->connector = strdup(connector))) {
                snprintf(errstr, errstr_size, "out of memory");
                goto fail;
        }
        memset(&c, 0, sizeof(c));
        c.bucket = bucket;
        c.endpoint = client->endpoint;
        c.region = client->region;
        c.prefix = prefix;
        c.access_key_id = client->access_key_id;
        c.secret_access_key = client->secret_access_key;
        c.session_token = client->session_token;
        c.worker_id = object_name;
        c.path_style = client->path_style;
        c.json = log_format_is_json();
        if (cfg_ll(props, "log.s3.batch.max.bytes", 1024, &c.batch_max_bytes,
                   errstr, errstr_size) ||
            cfg_ll(props, "log.s3.batch.interval.ms", 1,
                   &c.batch_interval_ms, errstr, errstr_size) ||
            cfg_ll(props, "log.s3.buffer.max.bytes", 4096,
                   &c.buffer_max_bytes, errstr, errstr_size) ||
            cfg_ll(props, "log.s3.retry.backoff.ms", 1, &c.retry_backoff_ms,
                   errstr, errstr_size) ||
            cfg_ll(props, "log.s3.retry.backoff.max.ms", 1,
                   &c.retry_backoff_max_ms, errstr, errstr_size) ||
            cfg_ll(props, "log.s3.timeout.ms", 1, &c.timeout_ms, errstr,
                   errstr_size))
                goto fail;
        if (!(cs->s3 = log_s3_start(&c, errstr, errstr_size)))
                goto fail;
        pthread_rwlock_wrlock(&app_lock);
        cs->next = ctx_sinks;
        ctx_sinks = cs;
        pthread_rwlock_unlock(&app_lock);
        return cs;
fail:
        if (cs)
                free(cs->connector);
        free(cs);
        return NULL;
}

void log_ctx_s3_remove(log_ctx_s3_t *sink)
{
        struct log_ctx_s3 **pp;

        if (!sink)
                return;
        pthread_rwlock_wrlock(&app_lock);
        for (pp = &ctx_sinks; *pp; pp = &(*pp)->next)
                if (*pp == sink) {
                        *pp = sink->next;
                        break;
                }
        pthread_rwlock_unlock(&app_lock);
        log_s3_stop(sink->s3, LOG_S3_STOP_MS);
        free(sink->connector);
        free(sink);
}
