/*
 * log_int — private parts of the log module, shared by log.c (loggers,
 * levels, line format, dispatch), log_file.c (rotating file appender) and
 * log_s3.c (S3 sink), and used by the unit tests. Not for other modules.
 */
#ifndef CONNECTD_LOG_INT_H
#define CONNECTD_LOG_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include "log.h"

/* Longest message kept (longer ones are cut and marked). */
#define LOG_MSG_MAX (256 * 1024)

struct logger {
        char *name;
        unsigned hash;
        atomic_int eff;          /* effective level: one load in log_enabled */
        int level;               /* explicit level, or -1 (inherit) */
        long long last_modified; /* epoch ms of last REST change, or -1 */
        struct logger *next;     /* hash chain */
};

/* Milliseconds: wall clock (epoch) and monotonic. */
long long log_now_ms(void);
long long log_mono_ms(void);

/* "2026-11-25T18:03:01.123Z" into out (at least 25 bytes). */
void log_fmt_time(char *out, size_t n, long long epoch_ms);

/* Format one line (ending in '\n') in the configured format (plain or
 * JSON) into out; ctx and msg may be NULL. Returns the length (the line is
 * cut to fit n-1 bytes, still ending in '\n'). Control characters in
 * logger, ctx and msg are escaped in both formats: the result is exactly
 * one line. */
size_t log_format_line(char *out, size_t n, int json, long long epoch_ms,
                       log_level_t level, const char *logger,
                       const char *ctx, const char *thread,
                       const char *msg, size_t msg_len);
/* Current format: 1 when log.format=json. */
int log_format_is_json(void);

/* Write a ready line to the local appenders only (stderr, file), never to
 * the S3 sink; used by the S3 sink for its own reports.
 * @locks takes the appender lock for reading. */
void log_write_local(const char *line, size_t len);

/* s (n bytes) appended to out at *pos (within cap bytes, out stays
 * terminated) for the plain format: \n \r \t as such, other C0 controls,
 * DEL, C1 controls (U+0080..U+009F) and bytes that are not UTF-8 as \xNN
 * per byte; everything else as is. Only whole escapes are written. Returns
 * 0, or -1 if it was cut. */
int log_plain_escape(char *out, size_t cap, size_t *pos, const char *s,
                     size_t n);

/* JSON string literal of s (n bytes) appended to out at *pos (within n
 * bytes cap); invalid UTF-8 becomes U+FFFD, controls (DEL and the C1
 * controls included) are escaped. Returns 0, -1 if it did not
 * fit (out is left terminated, *pos unchanged). */
int log_json_escape(char *out, size_t cap, size_t *pos, const char *s,
                    size_t n);

/* --- file appender (log_file.c) --- */
typedef struct log_file log_file_t;
/* Open path for appending. max_bytes 0: no size rotation; interval_ms 0:
 * no time rotation; retention: rotated files kept (file.1 .. file.N). */
log_file_t *log_file_open(const char *path, long long max_bytes,
                          long long interval_ms, int retention,
                          char *errstr, size_t errstr_size);
/* @locks the file's own mutex; rotates before writing when due. */
void log_file_write(log_file_t *lf, const char *line, size_t len);
void log_file_close(log_file_t *lf);

/* --- S3 sink (log_s3.c) --- */
typedef struct log_s3_conf {
        const char *bucket;
        const char *endpoint;      /* NULL/"": https://s3.<region>.amazonaws.com */
        const char *region;
        const char *prefix;
        const char *access_key_id;
        const char *secret_access_key;
        const char *session_token; /* NULL/"": none */
        const char *worker_id;
        int path_style;
        int json;                  /* Content-Type of the objects */
        long long batch_max_bytes;
        long long batch_interval_ms;
        long long buffer_max_bytes;
        long long retry_backoff_ms;
        long long retry_backoff_max_ms;
        long long timeout_ms;
} log_s3_conf_t;

typedef struct log_s3 log_s3_t;

/* Copies conf; starts the shipping thread. */
log_s3_t *log_s3_start(const log_s3_conf_t *conf, char *errstr,
                       size_t errstr_size);
/* Copy one line (ending in '\n') into the buffer, or count it as dropped.
 * @locality any thread  @locks the sink's mutex, for a memcpy only */
void log_s3_append(log_s3_t *s3, const char *line, size_t len);
/* Ship what is left (for at most deadline_ms), stop the thread, free. */
void log_s3_stop(log_s3_t *s3, long long deadline_ms);

/* Introspection for tests. */
typedef struct log_s3_stats {
        unsigned long long dropped_total;  /* lines dropped since start */
        unsigned long long objects_put;    /* successful PUTs */
        unsigned long long put_failures;   /* failed attempts */
        size_t buffered;                   /* bytes waiting */
} log_s3_stats_t;
void log_s3_stats(log_s3_t *s3, log_s3_stats_t *st);

/* Object key: <prefix><worker-id-sanitized>/YYYY/MM/DD/HH/<ms>-<seq>.log.gz */
int log_s3_object_key(char *out, size_t n, const char *prefix,
                      const char *worker_id, long long epoch_ms,
                      unsigned long long seq);
/* Full URL of key (path-style or virtual-host). */
int log_s3_object_url(char *out, size_t n, const char *endpoint,
                      const char *region, const char *bucket, int path_style,
                      const char *key);
/* gzip (RFC 1952) of the concatenation of up to three pieces into *out
 * (malloc'd, caller frees). Returns 0 or -1. */
int log_s3_gzip(const char *const *pieces, const size_t *lens, int npieces,
                unsigned char **out, size_t *out_len);

#endif
