/*
 * filestream — Kafka's FileStreamSourceConnector and FileStreamSinkConnector,
 * written only against the plugin ABI (connect/plugin.h), exactly as an
 * external plugin would be.
 *
 * DESIGN
 *  - Source: one task whatever tasks.max says (one input stream). The task
 *    reads the file (stdin when `file` is unset or empty) in chunks, splits
 *    lines on "\n", "\r" or "\r\n" (a trailing "\r" waits for the next byte
 *    to tell "\r\n" apart), and emits each line as a STRING value with a
 *    null key to `topic`. Source partition {"filename":"<file>"}, offset
 *    {"position":<byte offset just after the line's terminator>}, so a
 *    restarted task seeks to the committed position and resumes. (Kafka
 *    counts UTF-16 chars there, which differs from bytes for non-ASCII
 *    text; bytes are what a seek needs.) stdin has no offsets.
 *    A file that does not exist yet is waited for; a partial last line is
 *    kept until its terminator arrives. When a poll finds nothing new it
 *    sleeps FS_IDLE_MS through host->sleep (Kafka waits 1 s; shorter keeps
 *    the pipeline responsive and host->sleep returns early on stop).
 *  - Sink: appends value_to_text(value) + "\n" per record (Java's
 *    println(record.value())) to `file` (created, append mode) or stdout;
 *    flush() writes what is buffered and fsyncs. Each value prints as
 *    Java's toString() of the Connect value, so the file matches a Java
 *    worker's: a String as is, integers in decimal, a Double/Float like
 *    Double/Float.toString ("1.0E7"), true/false, a null value "null", a
 *    Struct as Struct{a=x,b=y} (schema order, null fields left out), a
 *    schemaless map or a MAP as {a=x, b=y} (java.util.HashMap: every
 *    entry, in HashMap iteration order) and an array as [x, y]. Bytes are
 *    written raw: Java prints a byte[] as "[B@<identity hash>", which no
 *    reader can use or reproduce. The file only ever grows by whole lines,
 *    and a
 *    partial last line left by a crash is cut off when the task opens the
 *    file again (see "sink task" below).
 *  - Connector task_configs copy every key of the connector config, as
 *    Kafka hands `props` to its tasks: one config for the source,
 *    max_tasks for the sink.
 *
 * Threads: connector callbacks on the connector thread, task callbacks on
 * the task's thread; each state struct is touched by one thread at a time.
 * Memory: states are the plugin's own (malloc/free); nothing the host hands
 * us is kept past the call, except the host table itself.
 */
#include "filestream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define FS_VERSION "3.9.0"
#define FS_DEFAULT_BATCH 2000
#define FS_IDLE_MS 100
#define FS_MISSING_MS 250
#define FS_READ_CHUNK (64 * 1024)
#define FS_LINE_MAX ((size_t)64 * 1024 * 1024) /* longest line we buffer */

static const connectd_host_t *fs_host;

/* ---- helpers ---------------------------------------------------------- */

/* A copy of a config map (key/value pairs in insertion order). */
typedef struct {
        size_t n;
        char **keys;
        char **vals;
} fs_props_t;

static void props_free(fs_props_t *p)
{
        size_t i;

        for (i = 0; i < p->n; i++) {
                free(p->keys[i]);
                free(p->vals[i]);
        }
        free(p->keys);
        free(p->vals);
        p->n = 0;
        p->keys = p->vals = NULL;
}

static int props_copy(fs_props_t *p, const connectd_config_t *cfg)
{
        size_t n = fs_host->config_count(cfg), i;
        const char *k, *v;

        p->n = 0;
        p->keys = calloc(n ? n : 1, sizeof(char *));
        p->vals = calloc(n ? n : 1, sizeof(char *));
        if (!p->keys || !p->vals)
                goto fail;
        for (i = 0; i < n; i++) {
                if (fs_host->config_entry(cfg, i, &k, &v))
                        break;
                p->keys[p->n] = strdup(k);
                p->vals[p->n] = strdup(v ? v : "");
                if (!p->keys[p->n] || !p->vals[p->n]) {
                        free(p->keys[p->n]);
                        free(p->vals[p->n]);
                        goto fail;
                }
                p->n++;
        }
        return 0;
fail:
        props_free(p);
        return -1;
}

static int props_emit(const fs_props_t *p, connectd_task_configs_t *out,
                      char *errstr, size_t errstr_size)
{
        connectd_config_t *tc = fs_host->task_config_add(out);
        size_t i;

        if (!tc) {
                snprintf(errstr, errstr_size, "could not add a task config");
                return -1;
        }
        for (i = 0; i < p->n; i++) {
                if (fs_host->config_set(tc, p->keys[i], p->vals[i])) {
                        snprintf(errstr, errstr_size,
                                 "could not set task config %s", p->keys[i]);
                        return -1;
                }
        }
        return 0;
}

/* JSON string literal of s into out (which has room for 6*len+3). */
static void json_quote(char *out, const char *s)
{
        static const char hex[] = "0123456789ABCDEF";
        char *o = out;

        *o++ = '"';
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;

                if (c == '"' || c == '\\') {
                        *o++ = '\\';
                        *o++ = (char)c;
                } else if (c == '\n') {
                        *o++ = '\\';
                        *o++ = 'n';
                } else if (c == '\t') {
                        *o++ = '\\';
                        *o++ = 't';
                } else if (c == '\r') {
                        *o++ = '\\';
                        *o++ = 'r';
                } else if (c < 0x20) {
                        memcpy(o, "\\u00", 4);
                        o[4] = hex[c >> 4];
                        o[5] = hex[c & 15];
                        o += 6;
                } else {
                        *o++ = (char)c;
                }
        }
        *o++ = '"';
        *o = '\0';
}

/* Parse a decimal integer (surrounding blanks allowed). 0 or -1. */
static int parse_long(const char *s, long long *out)
{
        char *end;
        long long v;

        if (!s)
                return -1;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || end == s)
                return -1;
        while (*end == ' ' || *end == '\t')
                end++;
        if (*end)
                return -1;
        *out = v;
        return 0;
}

/* Find "position" in a flat JSON object text. 1 found (integer in *pos),
 * 0 absent or null, -1 present but not an integer. */
static int offset_position(const char *json, long long *pos)
{
        const char *p = strstr(json, "\"position\"");
        char *end;

        if (!p)
                return 0;
        p += strlen("\"position\"");
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
        if (*p++ != ':')
                return -1;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
        if (strncmp(p, "null", 4) == 0)
                return 0;
        errno = 0;
        *pos = strtoll(p, &end, 10);
        if (errno || end == p || *end == '.' || *end == 'e' || *end == 'E')
                return -1;
        return 1;
}

static int validate_non_empty(const char *name, const char *value,
                              char *errstr, size_t errstr_size)
{
        (void)name;
        if (value && !*value) {
                snprintf(errstr, errstr_size, "String must be non-empty");
                return -1;
        }
        return 0;
}

/* ---- connectors ------------------------------------------------------- */

typedef struct {
        connectd_ctx_t *ctx;
        fs_props_t props;
} fs_connector_t;

static int fs_connector_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                              void **statep, char *errstr, size_t errstr_size)
{
        fs_connector_t *c = calloc(1, sizeof(*c));

        if (!c || props_copy(&c->props, cfg)) {
                free(c);
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        c->ctx = ctx;
        *statep = c;
        return 0;
}

static int fs_source_connector_start(connectd_ctx_t *ctx,
                                     const connectd_config_t *cfg,
                                     void **statep, char *errstr,
                                     size_t errstr_size)
{
        const char *file = fs_host->config_get(cfg, "file");

        if (fs_connector_start(ctx, cfg, statep, errstr, errstr_size))
                return -1;
        fs_host->log(ctx, CONNECTD_LOG_INFO,
                     "Starting file source connector reading from %s",
                     file && *file ? file : "standard input");
        return 0;
}

static int fs_source_task_configs(void *state, int max_tasks,
                                  connectd_task_configs_t *out, char *errstr,
                                  size_t errstr_size)
{
        fs_connector_t *c = state;

        (void)max_tasks; /* only one input stream makes sense */
        return props_emit(&c->props, out, errstr, errstr_size);
}

static int fs_sink_task_configs(void *state, int max_tasks,
                                connectd_task_configs_t *out, char *errstr,
                                size_t errstr_size)
{
        fs_connector_t *c = state;
        int i;

        for (i = 0; i < max_tasks; i++)
                if (props_emit(&c->props, out, errstr, errstr_size))
                        return -1;
        return 0;
}

static void fs_connector_stop(void *state)
{
        fs_connector_t *c = state;

        if (!c)
                return;
        props_free(&c->props);
        free(c);
}

/* ---- source task ------------------------------------------------------ */

typedef struct {
        connectd_ctx_t *ctx;
        char *filename;       /* NULL: stdin */
        char *topic;
        int batch_size;
        int fd;               /* -1 until opened */
        int warned_missing;
        char *partition_json; /* {"filename":"..."} or NULL for stdin */
        long long position;   /* byte offset of buf[start] in the file */
        char *buf;
        size_t cap, start, end; /* unread bytes are buf[start..end) */
        int eof;              /* last read hit end of data */
} fs_source_t;

static void fs_source_free(fs_source_t *s)
{
        if (!s)
                return;
        if (s->fd >= 0 && s->filename)
                close(s->fd);
        free(s->filename);
        free(s->topic);
        free(s->partition_json);
        free(s->buf);
        free(s);
}

static int fs_source_task_start(connectd_ctx_t *ctx,
                                const connectd_config_t *cfg, void **statep,
                                char *errstr, size_t errstr_size)
{
        const char *file = fs_host->config_get(cfg, "file");
        const char *topic = fs_host->config_get(cfg, "topic");
        const char *bs = fs_host->config_get(cfg, "batch.size");
        fs_source_t *s = NULL;
        long long n;
        int rc = -1;

        if (!topic) {
                snprintf(errstr, errstr_size,
                         "FileStreamSourceTask config missing topic setting");
                goto out;
        }
        s = calloc(1, sizeof(*s));
        if (!s)
                goto oom;
        s->ctx = ctx;
        s->fd = -1;
        s->batch_size = FS_DEFAULT_BATCH;
        if (bs) {
                if (parse_long(bs, &n) || n < 1 || n > 1000000000) {
                        snprintf(errstr, errstr_size,
                                 "Invalid FileStreamSourceTask configuration: "
                                 "batch.size '%s' is not a positive INT", bs);
                        goto out;
                }
                s->batch_size = (int)n;
        }
        if (!(s->topic = strdup(topic)))
                goto oom;
        if (file && *file) {
                if (!(s->filename = strdup(file)))
                        goto oom;
                s->partition_json = malloc(strlen(file) * 6 + 16);
                if (!s->partition_json)
                        goto oom;
                memcpy(s->partition_json, "{\"filename\":", 12);
                json_quote(s->partition_json + 12, file);
                strcat(s->partition_json, "}");
        } else {
                s->fd = STDIN_FILENO;
        }
        s->cap = FS_READ_CHUNK;
        if (!(s->buf = malloc(s->cap)))
                goto oom;
        *statep = s;
        s = NULL;
        rc = 0;
        goto out;
oom:
        snprintf(errstr, errstr_size, "out of memory");
out:
        fs_source_free(s);
        return rc;
}

/* Open the file and seek to the committed position. 1 opened, 0 not there
 * yet, -1 error. */
static int fs_source_open(fs_source_t *s, char *errstr, size_t errstr_size)
{
        char off[256];
        long long pos = 0;
        int n, fd, found;

        fd = open(s->filename, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT) {
                        if (!s->warned_missing)
                                fs_host->log(s->ctx, CONNECTD_LOG_WARN,
                                             "Couldn't find file %s for "
                                             "FileStreamSourceTask, sleeping "
                                             "to wait for it to be created",
                                             s->filename);
                        s->warned_missing = 1;
                        return 0;
                }
                snprintf(errstr, errstr_size, "Couldn't open file %s: %s",
                         s->filename, strerror(errno));
                return -1;
        }
        n = fs_host->offset_get(s->ctx, s->partition_json, off, sizeof(off));
        if (n >= (int)sizeof(off)) {
                snprintf(errstr, errstr_size,
                         "Offset for %s is unexpectedly long", s->filename);
                goto fail;
        }
        if (n >= 0) {
                found = offset_position(off, &pos);
                if (found < 0 || pos < 0) {
                        snprintf(errstr, errstr_size,
                                 "Offset position is the incorrect type");
                        goto fail;
                }
                if (found) {
                        fs_host->log(s->ctx, CONNECTD_LOG_DEBUG,
                                     "Found previous offset, trying to skip "
                                     "to file offset %lld", pos);
                        if (lseek(fd, (off_t)pos, SEEK_SET) < 0) {
                                snprintf(errstr, errstr_size,
                                         "Error while trying to seek to "
                                         "previous offset in file: %s",
                                         strerror(errno));
                                goto fail;
                        }
                } else {
                        pos = 0;
                }
        }
        s->fd = fd;
        s->position = pos;
        s->start = s->end = 0;
        s->warned_missing = 0;
        fs_host->log(s->ctx, CONNECTD_LOG_DEBUG, "Opened %s for reading",
                     s->filename);
        return 1;
fail:
        close(fd);
        return -1;
}

/* Read more bytes into the buffer. >0 bytes read, 0 nothing available now,
 * -1 error. */
static int fs_source_fill(fs_source_t *s, char *errstr, size_t errstr_size)
{
        ssize_t n;
        size_t want;

        if (s->start > 0 && (s->start == s->end || s->end == s->cap)) {
                memmove(s->buf, s->buf + s->start, s->end - s->start);
                s->end -= s->start;
                s->start = 0;
        }
        if (s->end == s->cap) {
                size_t ncap = s->cap * 2;
                char *nb;

                if (ncap > FS_LINE_MAX) {
                        snprintf(errstr, errstr_size,
                                 "Line in %s is longer than %zu bytes",
                                 s->filename ? s->filename : "stdin",
                                 (size_t)FS_LINE_MAX);
                        return -1;
                }
                if (!(nb = realloc(s->buf, ncap))) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                s->buf = nb;
                s->cap = ncap;
        }
        if (!s->filename) {
                /* stdin may be a pipe or terminal: never block on it. */
                struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

                if (poll(&pfd, 1, 0) <= 0)
                        return 0;
                if (!(pfd.revents & (POLLIN | POLLHUP)))
                        return 0;
        }
        want = s->cap - s->end;
        do {
                n = read(s->fd, s->buf + s->end, want);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                        return 0;
                snprintf(errstr, errstr_size, "Error reading %s: %s",
                         s->filename ? s->filename : "stdin",
                         strerror(errno));
                return -1;
        }
        s->end += (size_t)n;
        return (int)n;
}

/* Next complete line: 1 with *line and *len set, 0 when none is complete yet. */
static int fs_extract_line(fs_source_t *s, const char **line, size_t *len)
{
        char *p = s->buf + s->start, *e = s->buf + s->end, *q;
        size_t skip;

        for (q = p; q < e; q++) {
                if (*q == '\n') {
                        skip = 1;
                        break;
                }
                if (*q == '\r') {
                        if (q + 1 >= e)
                                return 0; /* need the next byte */
                        skip = q[1] == '\n' ? 2 : 1;
                        break;
                }
        }
        if (q >= e)
                return 0;
        *line = p;
        *len = (size_t)(q - p);
        s->start += *len + skip;
        s->position += (long long)(*len + skip);
        return 1;
}

static int fs_source_task_poll(void *state, connectd_batch_t *batch,
                               char *errstr, size_t errstr_size)
{
        fs_source_t *s = state;
        const char *line;
        size_t len;
        int count = 0, r;
        char offset[48];

        if (s->fd < 0) {
                r = fs_source_open(s, errstr, errstr_size);
                if (r < 0)
                        return -1;
                if (r == 0) {
                        fs_host->sleep(s->ctx, FS_MISSING_MS);
                        return 0;
                }
        }
        for (;;) {
                while (count < s->batch_size &&
                       fs_extract_line(s, &line, &len)) {
                        connectd_record_t *rec =
                                fs_host->record_add(batch, s->topic);
                        connectd_value_t *v;

                        if (!rec || !(v = fs_host->value_string(rec, line,
                                                                len))) {
                                snprintf(errstr, errstr_size,
                                         "could not allocate a record");
                                return -1;
                        }
                        fs_host->record_set_value(rec, v);
                        if (s->partition_json) {
                                snprintf(offset, sizeof(offset),
                                         "{\"position\":%lld}", s->position);
                                if (fs_host->record_set_source(
                                            rec, s->partition_json, offset)) {
                                        snprintf(errstr, errstr_size,
                                                 "could not set the source "
                                                 "offset");
                                        return -1;
                                }
                        }
                        count++;
                }
                if (count >= s->batch_size)
                        return count;
                r = fs_source_fill(s, errstr, errstr_size);
                if (r < 0)
                        return -1;
                if (r == 0)
                        break;
        }
        if (count == 0)
                fs_host->sleep(s->ctx, FS_IDLE_MS);
        return count;
}

static void fs_source_task_stop(void *state)
{
        fs_source_free(state);
}

/* ---- sink task -------------------------------------------------------- */

/*
 * Crash safety: the output only ever grows by whole lines. Rendered records
 * collect in `buf`, which is written with write(2) when the next line would
 * not fit, on flush() and at stop, always ending at a line boundary; a line
 * longer than the buffer is written on its own. A write cut short (kill -9
 * during a large write(2), a full disk, a power cut) can still leave a
 * partial last line, so opening an existing file first cuts it back to its
 * last newline: those bytes belong to records whose offsets were never
 * committed (offsets commit only after flush() returned), so they are
 * delivered again and written whole. Tasks sharing one file hold a shared
 * flock() while writing and the repair takes it exclusively, so one task's
 * repair never cuts another's write in progress.
 */
#define FS_SINK_BUF ((size_t)64 * 1024)
#define FS_SINK_SCAN ((size_t)64 * 1024) /* backward scan step of the repair */

typedef struct {
        connectd_ctx_t *ctx;
        char *filename; /* NULL: stdout */
        int fd;         /* -1 until opened */
        int regular;    /* fd is a regular file: fsync and lock it */
        char *text;     /* scratch for value_to_text */
        size_t cap;
        char *buf;      /* whole lines not yet written (FS_SINK_BUF) */
        size_t len;
} fs_sink_t;

static int write_all(int fd, const char *p, size_t n)
{
        while (n > 0) {
                ssize_t w = write(fd, p, n);

                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                p += w;
                n -= (size_t)w;
        }
        return 0;
}

/* Write p[0..n) (whole lines) under a shared lock. 0 or -1 with errstr. */
static int fs_sink_write(fs_sink_t *s, const char *p, size_t n, char *errstr,
                         size_t errstr_size)
{
        int rc, err;

        if (!s->filename)
                fflush(stdout); /* keep order with other stdio output */
        if (s->regular)
                while (flock(s->fd, LOCK_SH) < 0 && errno == EINTR)
                        ;
        rc = write_all(s->fd, p, n);
        err = errno;
        if (s->regular)
                flock(s->fd, LOCK_UN);
        if (rc) {
                snprintf(errstr, errstr_size, "Error writing %s: %s",
                         s->filename ? s->filename : "stdout", strerror(err));
                return -1;
        }
        return 0;
}

static int fs_sink_drain(fs_sink_t *s, char *errstr, size_t errstr_size)
{
        if (s->len == 0)
                return 0;
        if (fs_sink_write(s, s->buf, s->len, errstr, errstr_size))
                return -1;
        s->len = 0;
        return 0;
}

/* Cut a partial last line off the file (see above). 0 or -1 with errstr.
 * @locks takes flock(LOCK_EX) on s->fd */
static int fs_sink_repair(fs_sink_t *s, char *errstr, size_t errstr_size)
{
        char last, *scan = NULL;
        struct stat st;
        off_t end, from, keep = -1;
        size_t n, i;
        ssize_t r;
        int rc = -1, rfd;

        /* s->fd is write-only (a FIFO opened for reading would not block
         * like one opened for writing): read through a second descriptor. */
        rfd = open(s->filename, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (rfd < 0) {
                fs_host->log(s->ctx, CONNECTD_LOG_WARN,
                             "Cannot read %s to check for a partial last "
                             "line: %s", s->filename, strerror(errno));
                return 0;
        }
        while (flock(s->fd, LOCK_EX) < 0 && errno == EINTR)
                ;
        if (fstat(s->fd, &st) < 0) {
                snprintf(errstr, errstr_size, "Cannot stat %s: %s",
                         s->filename, strerror(errno));
                goto out;
        }
        end = st.st_size;
        if (end == 0) {
                rc = 0;
                goto out;
        }
        r = pread(rfd, &last, 1, end - 1);
        if (r == 1 && last == '\n') {
                rc = 0;
                goto out;
        }
        if (r < 0 || !(scan = malloc(FS_SINK_SCAN))) {
                snprintf(errstr, errstr_size, "Cannot read %s: %s",
                         s->filename, r < 0 ? strerror(errno) :
                         "out of memory");
                goto out;
        }
        /* A torn tail is part of one record's line, never longer than
         * FS_LINE_MAX: a file with no newline that close to its end was not
         * written by us, so leave it alone. */
        for (from = end; from > 0 && keep < 0 &&
                         (size_t)(end - from) < FS_LINE_MAX + 1;) {
                n = (size_t)from < FS_SINK_SCAN ? (size_t)from : FS_SINK_SCAN;
                from -= (off_t)n;
                r = pread(rfd, scan, n, from);
                if (r != (ssize_t)n) {
                        snprintf(errstr, errstr_size, "Cannot read %s: %s",
                                 s->filename,
                                 r < 0 ? strerror(errno) : "short read");
                        goto out;
                }
                for (i = n; i > 0; i--)
                        if (scan[i - 1] == '\n') {
                                keep = from + (off_t)i;
                                break;
                        }
        }
        if (keep < 0 && from == 0)
                keep = 0;
        if (keep < 0) {
                snprintf(errstr, errstr_size,
                         "%s does not end with a newline and has none in "
                         "its last %zu bytes; not appending to it",
                         s->filename, (size_t)FS_LINE_MAX);
                goto out;
        }
        if (ftruncate(s->fd, keep) < 0 || fsync(s->fd) < 0) {
                snprintf(errstr, errstr_size, "Cannot truncate %s: %s",
                         s->filename, strerror(errno));
                goto out;
        }
        fs_host->log(s->ctx, CONNECTD_LOG_WARN,
                     "%s ended with a partial line (%lld bytes after the last "
                     "newline, left by an interrupted write); truncated it to "
                     "%lld bytes. Its records were not committed and will be "
                     "written again",
                     s->filename, (long long)(end - keep), (long long)keep);
        rc = 0;
out:
        flock(s->fd, LOCK_UN);
        close(rfd);
        free(scan);
        return rc;
}

static void fs_sink_free(fs_sink_t *s)
{
        if (!s)
                return;
        if (s->fd >= 0 && s->filename)
                close(s->fd);
        free(s->text);
        free(s->buf);
        free(s->filename);
        free(s);
}

static int fs_sink_task_start(connectd_ctx_t *ctx,
                              const connectd_config_t *cfg, void **statep,
                              char *errstr, size_t errstr_size)
{
        const char *file = fs_host->config_get(cfg, "file");
        fs_sink_t *s = calloc(1, sizeof(*s));
        struct stat st;

        if (!s)
                goto oom;
        s->ctx = ctx;
        s->fd = -1;
        s->cap = 4096;
        if (!(s->text = malloc(s->cap)) || !(s->buf = malloc(FS_SINK_BUF)))
                goto oom;
        if (file) {
                if (!(s->filename = strdup(file)))
                        goto oom;
                s->fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                             0666);
                if (s->fd < 0) {
                        snprintf(errstr, errstr_size,
                                 "Couldn't find or create file '%s' for "
                                 "FileStreamSinkTask: %s",
                                 file, strerror(errno));
                        goto fail;
                }
                s->regular = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
                if (s->regular && fs_sink_repair(s, errstr, errstr_size))
                        goto fail;
        } else {
                s->fd = STDOUT_FILENO;
        }
        *statep = s;
        return 0;
oom:
        snprintf(errstr, errstr_size, "out of memory");
fail:
        fs_sink_free(s);
        return -1;
}

static int fs_sink_task_put(void *state,
                            const connectd_sink_record_t *const *recs,
                            size_t n, char *errstr, size_t errstr_size)
{
        fs_sink_t *s = state;
        size_t i, len;

        for (i = 0; i < n; i++) {
                const connectd_value_t *v =
                        fs_host->sink_record_value(recs[i]);

                len = fs_host->value_to_text(v, s->text, s->cap);
                if (len >= s->cap) {
                        size_t ncap = len + 1;
                        char *nt;

                        if (ncap > FS_LINE_MAX) {
                                snprintf(errstr, errstr_size,
                                         "record text longer than %zu bytes",
                                         (size_t)FS_LINE_MAX);
                                return -1;
                        }
                        if (!(nt = realloc(s->text, ncap))) {
                                snprintf(errstr, errstr_size,
                                         "out of memory");
                                return -1;
                        }
                        s->text = nt;
                        s->cap = ncap;
                        fs_host->value_to_text(v, s->text, s->cap);
                }
                s->text[len++] = '\n';
                if (s->len + len > FS_SINK_BUF &&
                    fs_sink_drain(s, errstr, errstr_size))
                        return -1;
                if (len > FS_SINK_BUF) {
                        if (fs_sink_write(s, s->text, len, errstr,
                                          errstr_size))
                                return -1;
                        continue;
                }
                memcpy(s->buf + s->len, s->text, len);
                s->len += len;
        }
        return 0;
}

static int fs_sink_task_flush(void *state, char *errstr, size_t errstr_size)
{
        fs_sink_t *s = state;

        if (fs_sink_drain(s, errstr, errstr_size))
                return -1;
        if (!s->filename)
                return 0;
        if (s->regular && fsync(s->fd) != 0) {
                snprintf(errstr, errstr_size, "Error syncing %s: %s",
                         s->filename, strerror(errno));
                return -1;
        }
        return 0;
}

static void fs_sink_task_stop(void *state)
{
        fs_sink_t *s = state;
        char err[256];

        if (!s)
                return;
        if (fs_sink_drain(s, err, sizeof(err)))
                fs_host->log(s->ctx, CONNECTD_LOG_WARN, "%s", err);
        fs_sink_free(s);
}

/* ---- descriptors ------------------------------------------------------ */

static const connectd_config_def_t fs_source_defs[] = {
        { .name = "file", .type = CONNECTD_CFG_STRING, .default_value = NULL,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Source filename. If not specified, the standard "
                           "input will be used",
          .order = -1, .optional = 1 },
        { .name = "topic", .type = CONNECTD_CFG_STRING, .default_value = NULL,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "The topic to publish data to", .order = -1,
          .validator = validate_non_empty },
        { .name = "batch.size", .type = CONNECTD_CFG_INT,
          .default_value = "2000", .importance = CONNECTD_IMPORTANCE_LOW,
          .documentation = "The maximum number of records the source task "
                           "can read from the file each time it is polled",
          .order = -1 },
        { .name = NULL }
};

static const connectd_config_def_t fs_sink_defs[] = {
        { .name = "file", .type = CONNECTD_CFG_STRING, .default_value = NULL,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Destination filename. If not specified, the "
                           "standard output will be used",
          .order = -1, .optional = 1 },
        { .name = NULL }
};

static const char *const fs_source_aliases[] = {
        "FileStreamSourceConnector", "FileStreamSource", NULL
};
static const char *const fs_sink_aliases[] = {
        "FileStreamSinkConnector", "FileStreamSink", NULL
};

static const connectd_connector_desc_t fs_source_desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
        .aliases = fs_source_aliases,
        .type = CONNECTD_SOURCE,
        .version = FS_VERSION,
        .config_defs = fs_source_defs,
        .start = fs_source_connector_start,
        .task_configs = fs_source_task_configs,
        .stop = fs_connector_stop,
        .task_start = fs_source_task_start,
        .task_poll = fs_source_task_poll,
        .task_stop = fs_source_task_stop,
};

static const connectd_connector_desc_t fs_sink_desc = {
        CONNECTD_DESC_HEADER,
        .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
        .aliases = fs_sink_aliases,
        .type = CONNECTD_SINK,
        .version = FS_VERSION,
        .config_defs = fs_sink_defs,
        .start = fs_connector_start,
        .task_configs = fs_sink_task_configs,
        .stop = fs_connector_stop,
        .task_start = fs_sink_task_start,
        .task_put = fs_sink_task_put,
        .task_flush = fs_sink_task_flush,
        .task_stop = fs_sink_task_stop,
};

int filestream_plugin_init(const connectd_host_t *host,
                           connectd_registry_t *reg)
{
        if (!host || host->abi_version < 1)
                return -1;
        fs_host = host;
        if (host->register_connector(reg, &fs_source_desc))
                return -1;
        if (host->register_connector(reg, &fs_sink_desc))
                return -1;
        return 0;
}
