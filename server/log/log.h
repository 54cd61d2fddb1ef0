/*
 * log — one logger for the whole worker.
 *
 * Named loggers ("connectd.rest", "connectd.herder", a connector's class
 * name, ...) with levels changeable at run time (REST /admin/loggers, with
 * Kafka Connect's semantics), a thread-local Connect-style context
 * ("[bookstore|task-1]") put on every line, and appenders: stderr, a rotating
 * file, an S3-compatible object sink. Appenders never block the calling
 * thread for long: the S3 sink has its own thread and a bounded buffer whose
 * overflow is counted and reported.
 *
 * Levels follow log4j: OFF < FATAL < ERROR < WARN < INFO < DEBUG < TRACE < ALL.
 */
#ifndef CONNECTD_LOG_H
#define CONNECTD_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef enum {
        LOG_LVL_OFF = 0,
        LOG_LVL_FATAL,
        LOG_LVL_ERROR,
        LOG_LVL_WARN,
        LOG_LVL_INFO,
        LOG_LVL_DEBUG,
        LOG_LVL_TRACE,
        LOG_LVL_ALL
} log_level_t;

typedef struct logger logger_t;

/* Start with a stderr appender at INFO. Safe to call once, before threads. */
void log_init(void);

/* Configure appenders and levels from the worker config (a JSON object of
 * strings; keys starting with "log."; see server/config/config.c for the table).
 * Returns 0, or -1 with a sentence in errstr. */
int log_configure(const json_t *worker_props, const char *worker_id,
                  char *errstr, size_t errstr_size);

/* Flush and stop appenders (the S3 sink ships what it holds, bounded). */
void log_shutdown(void);

/* A named logger; created on first use, lives until exit. Thread-safe. */
logger_t *log_get(const char *name);

/* A module's own logger, looked up once from any thread: *slot caches the
 * result of log_get(name) (acquire/release, so a thread that sees the
 * pointer sees the logger). Two threads racing the first call both get the
 * same logger (log_get is idempotent). Use through LOG_MODULE_LOGGER. */
logger_t *log_get_cached(logger_t *_Atomic *slot, const char *name);

/* Defines `static logger_t *fn(void)` returning the logger `name`, e.g.
 * LOG_MODULE_LOGGER(lg, "connectd.herder"). */
#define LOG_MODULE_LOGGER(fn, name)                                          \
        static logger_t *fn(void)                                            \
        {                                                                    \
                static logger_t *_Atomic fn##_slot;                          \
                return log_get_cached(&fn##_slot, (name));                   \
        }

/* Cheap check (one atomic load). */
int log_enabled(const logger_t *lg, log_level_t level);

void log_write(logger_t *lg, log_level_t level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void log_vwrite(logger_t *lg, log_level_t level, const char *fmt, va_list ap);

#define LOG_ERROR(lg, ...) do { if (log_enabled((lg), LOG_LVL_ERROR)) log_write((lg), LOG_LVL_ERROR, __VA_ARGS__); } while (0)
#define LOG_WARN(lg, ...)  do { if (log_enabled((lg), LOG_LVL_WARN))  log_write((lg), LOG_LVL_WARN,  __VA_ARGS__); } while (0)
#define LOG_INFO(lg, ...)  do { if (log_enabled((lg), LOG_LVL_INFO))  log_write((lg), LOG_LVL_INFO,  __VA_ARGS__); } while (0)
#define LOG_DEBUG(lg, ...) do { if (log_enabled((lg), LOG_LVL_DEBUG)) log_write((lg), LOG_LVL_DEBUG, __VA_ARGS__); } while (0)
#define LOG_TRACE(lg, ...) do { if (log_enabled((lg), LOG_LVL_TRACE)) log_write((lg), LOG_LVL_TRACE, __VA_ARGS__); } while (0)

/* Thread-local Connect-style context, e.g. "bookstore|task-1" (copied);
 * NULL clears. Printed as "[bookstore|task-1] " before the message. */
void log_context_set(const char *ctx);

/* --- Per-connector S3 appenders (MSK Connect log delivery) ---
 * An extra S3 appender that receives only the lines logged in the context
 * of connector `connector` ("<connector>|worker", "<connector>|task-N"),
 * shipped like log.s3.* lines (gzip batches, bounded buffer; the
 * log.s3.batch.*, buffer and retry keys of worker_props tune it) to
 * s3://bucket/<prefix><object name>/YYYY/MM/DD/HH/<ms>-<seq>.log.gz.
 * Added and removed at run time, next to the configured appenders. */
struct s3_client;
typedef struct log_ctx_s3 log_ctx_s3_t;
/* NULL with errstr on error. object_name goes into the keys (sanitized). */
log_ctx_s3_t *log_ctx_s3_add(const json_t *worker_props, const char *connector,
                             const struct s3_client *client,
                             const char *bucket, const char *prefix,
                             const char *object_name, char *errstr,
                             size_t errstr_size);
/* Detach, ship what is pending (bounded), free. NULL is fine. */
void log_ctx_s3_remove(log_ctx_s3_t *sink);
/* 1 if a line with context ctx belongs to connector `connector`. */
int log_ctx_is_connector(const char *ctx, const char *connector);

/* Level names: parse is case-insensitive; returns -1 if unknown. */
int log_level_parse(const char *s);
const char *log_level_name(log_level_t level);

/* --- REST /admin/loggers --- */

/* {"root":{"level":"INFO","last_modified":null}, ...}: root plus every
 * logger whose level was set explicitly. Caller owns the result. */
json_t *log_levels_json(void);
/* One logger's LoggerLevel object (effective level), or NULL if no logger
 * of that name exists ("root" matches case-insensitively). Caller owns. */
json_t *log_level_json(const char *name);
/* Set `ns` and every existing logger whose name starts with `ns` ("root":
 * all). Returns the sorted JSON array of affected names (caller owns). */
json_t *log_level_set(const char *ns, log_level_t level);

/* Secrets: mask values of keys that look like passwords in a config map
 * before logging it. Returns a new object (caller owns). */
json_t *log_mask_config(const json_t *config);

#endif
