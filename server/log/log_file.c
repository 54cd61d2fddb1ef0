/*
 * log_file — the rotating file appender.
 *
 * DESIGN
 * - One fd opened O_APPEND; every line is one write(2) under the
 *   appender's mutex, so lines from different threads never interleave.
 * - Rotation happens before a write when the file would pass max_bytes
 *   (and already holds something), or when interval_ms has passed since the
 *   file was opened or last rotated (an empty file is not rotated; time is
 *   checked on write, so an idle worker rotates at its next line). Rotation renames path.(N-1) ->
 *   path.N ... path -> path.1 (N = retention), deletes path.N first and any
 *   path.(N+1)... left over from a larger retention, then opens a fresh
 *   path. retention 0 keeps no rotated file.
 * - A failed write or rename is reported once on stderr and the appender
 *   keeps going; logging never fails the caller.
 * - Files are 0600 whatever the umask (lines may quote connector configs).
 *   Rotation renames, so rotated files keep that mode; an existing log or
 *   rotated file of ours that others may use is narrowed to its owner bits
 *   when the appender opens, noted on stderr (not through the logger: this
 *   is the logger).
 * @locality any thread  @locks lf->lock
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log_int.h"

struct log_file {
        pthread_mutex_t lock;
        char *path;
        int fd;
        long long size;
        long long opened_ms;   /* monotonic */
        long long max_bytes;
        long long interval_ms;
        int retention;
        int warned;
};

static void warn_once(log_file_t *lf, const char *what, int err)
{
        char msg[512];
        int n;

        if (lf->warned)
                return;
        lf->warned = 1;
        n = snprintf(msg, sizeof(msg), "connectd: log file %s: %s: %s\n",
                     lf->path, what, strerror(err));
        if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
                return;
}

static void note(const char *fmt, const char *path, unsigned a, unsigned b)
{
        char msg[512];
        int n;

        n = snprintf(msg, sizeof(msg), fmt, path, a, b);
        if (n > 0 && write(STDERR_FILENO, msg,
                           (size_t)n < sizeof(msg) ? (size_t)n
                                                   : sizeof(msg) - 1) < 0)
                return;
}

/* Narrow a file of ours that group or others may use to its owner bits. */
static void tighten(int fd, const char *path)
{
        struct stat st;
        int rc;

        rc = fd >= 0 ? fstat(fd, &st) : stat(path, &st);
        if (rc != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 077) ||
            st.st_uid != geteuid())
                return;
        rc = fd >= 0 ? fchmod(fd, st.st_mode & 0700)
                     : chmod(path, st.st_mode & 0700);
        if (rc == 0)
                note("connectd: log file %s had mode %04o; changed it to "
                     "%04o\n",
                     path, (unsigned)(st.st_mode & 0777),
                     (unsigned)(st.st_mode & 0700));
}

static int open_fd(log_file_t *lf)
{
        struct stat st;

        lf->fd = open(lf->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                      0600);
        if (lf->fd < 0)
                return -1;
        tighten(lf->fd, lf->path);
        lf->size = fstat(lf->fd, &st) == 0 ? (long long)st.st_size : 0;
        lf->opened_ms = log_mono_ms();
        return 0;
}

static void rotated_name(char *out, size_t n, const char *path, int i)
{
        snprintf(out, n, "%s.%d", path, i);
}

/* @locks lf->lock held */
static void rotate(log_file_t *lf)
{
        char from[4096], to[4096];
        int i;

        if (lf->fd >= 0) {
                close(lf->fd);
                lf->fd = -1;
        }
        /* Leftovers from a larger retention: path.(N+1), path.(N+2), ... */
        for (i = lf->retention + 1;; i++) {
                rotated_name(from, sizeof(from), lf->path, i);
                if (unlink(from) != 0)
                        break;
        }
        if (lf->retention > 0) {
                rotated_name(from, sizeof(from), lf->path, lf->retention);
                unlink(from);
                for (i = lf->retention - 1; i >= 1; i--) {
                        rotated_name(from, sizeof(from), lf->path, i);
                        rotated_name(to, sizeof(to), lf->path, i + 1);
                        if (rename(from, to) != 0 && errno != ENOENT)
                                warn_once(lf, "rename", errno);
                }
                rotated_name(to, sizeof(to), lf->path, 1);
                if (rename(lf->path, to) != 0 && errno != ENOENT)
                        warn_once(lf, "rename", errno);
        } else {
                unlink(lf->path);
        }
        if (open_fd(lf) != 0)
                warn_once(lf, "open", errno);
}

log_file_t *log_file_open(const char *path, long long max_bytes,
                          long long interval_ms, int retention,
                          char *errstr, size_t errstr_size)
{
        log_file_t *lf = calloc(1, sizeof(*lf));
        char rotated[4096];
        int i;

        if (!lf || !(lf->path = strdup(path))) {
                snprintf(errstr, errstr_size, "log file: out of memory");
                goto out_free;
        }
        if (strlen(path) > 4000) {
                snprintf(errstr, errstr_size,
                         "Invalid value for configuration log.file.path: "
                         "path too long");
                goto out_free;
        }
        pthread_mutex_init(&lf->lock, NULL);
        lf->max_bytes = max_bytes;
        lf->interval_ms = interval_ms;
        lf->retention = retention < 0 ? 0 : retention;
        if (open_fd(lf) != 0) {
                snprintf(errstr, errstr_size,
                         "Cannot open log file %s (log.file.path): %s", path,
                         strerror(errno));
                pthread_mutex_destroy(&lf->lock);
                goto out_free;
        }
        for (i = 1; i <= lf->retention; i++) {
                rotated_name(rotated, sizeof(rotated), lf->path, i);
                tighten(-1, rotated);
        }
        return lf;
out_free:
        if (lf)
                free(lf->path);
        free(lf);
        return NULL;
}

void log_file_write(log_file_t *lf, const char *line, size_t len)
{
        pthread_mutex_lock(&lf->lock);
        if (lf->interval_ms > 0 &&
            log_mono_ms() - lf->opened_ms >= lf->interval_ms) {
                if (lf->size > 0)
                        rotate(lf);
                else
                        lf->opened_ms = log_mono_ms(); /* nothing to keep */
        } else if (lf->max_bytes > 0 && lf->size > 0 &&
                   lf->size + (long long)len > lf->max_bytes) {
                rotate(lf);
        }
        while (lf->fd >= 0 && len > 0) {
                ssize_t w = write(lf->fd, line, len);

                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        warn_once(lf, "write", errno);
                        break;
                }
                lf->size += w;
                line += w;
                len -= (size_t)w;
        }
        pthread_mutex_unlock(&lf->lock);
}

void log_file_close(log_file_t *lf)
{
        if (!lf)
                return;
        if (lf->fd >= 0)
                close(lf->fd);
        pthread_mutex_destroy(&lf->lock);
        free(lf->path);
        free(lf);
}
