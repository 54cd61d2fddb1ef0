/*
 * Unit tests of server/log/log_file.c: rotation by size and by time, retention
 * (older rotated files deleted, leftovers of a larger retention too), and
 * the file appender behind log_configure.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "log_int.h"

static char tmpdir[256];
static char base[400];

static void setup(void)
{
        const char *t = getenv("TMPDIR");

        snprintf(tmpdir, sizeof(tmpdir), "%s/test_log_file.XXXXXX",
                 t && *t ? t : "/tmp");
        cr_assert_not_null(mkdtemp(tmpdir));
        snprintf(base, sizeof(base), "%s/app.log", tmpdir);
}

static void teardown(void)
{
        char cmd[400];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                cr_log_warn("could not remove %s", tmpdir);
}

static char *slurp_n(int i)
{
        char path[420];
        FILE *f;
        char *buf;
        long n;

        if (i == 0)
                snprintf(path, sizeof(path), "%s", base);
        else
                snprintf(path, sizeof(path), "%s.%d", base, i);
        f = fopen(path, "rb");
        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = calloc(1, (size_t)n + 1);
        if (fread(buf, 1, (size_t)n, f) != (size_t)n)
                buf[0] = '\0';
        fclose(f);
        return buf;
}

static int exists_n(int i)
{
        char path[420];
        struct stat st;

        snprintf(path, sizeof(path), "%s.%d", base, i);
        return stat(path, &st) == 0;
}

static long long size_n(int i)
{
        char path[420];
        struct stat st;

        if (i == 0)
                snprintf(path, sizeof(path), "%s", base);
        else
                snprintf(path, sizeof(path), "%s.%d", base, i);
        return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Create path holding one line, with exactly `mode`. 0 or -1. */
static int spit_mode(const char *path, mode_t mode)
{
        FILE *f = fopen(path, "w");

        if (!f)
                return -1;
        fputs("old line\n", f);
        fclose(f);
        return chmod(path, mode);
}

/* A 100-byte line "line NNNNN xxxx...\n". */
static void put_line(log_file_t *lf, int i)
{
        char line[101];

        memset(line, 'x', sizeof(line));
        snprintf(line, sizeof(line), "line %05d ", i);
        line[strlen(line)] = 'x';
        line[99] = '\n';
        log_file_write(lf, line, 100);
}

/* Line numbers in a file, in order; returns the count. */
static int numbers(const char *text, int *out, int max)
{
        int n = 0;
        const char *p = text;

        while (p && (p = strstr(p, "line ")) && n < max) {
                out[n++] = atoi(p + 5);
                p += 5;
        }
        return n;
}

Test(log_file, rotates_by_size_with_retention, .init = setup,
     .fini = teardown)
{
        char err[256] = "";
        log_file_t *lf = log_file_open(base, 1000, 0, 2, err, sizeof(err));
        int nums[64], n, i, expect;
        char *t;

        cr_assert_not_null(lf, "%s", err);
        for (i = 0; i < 55; i++)
                put_line(lf, i);
        log_file_close(lf);

        /* 10 lines per file: 0-9, 10-19, ... 50-54; keep current + 2. */
        cr_assert(exists_n(1));
        cr_assert(exists_n(2));
        cr_assert_not(exists_n(3));
        for (i = 0; i <= 2; i++)
                cr_assert_leq(size_n(i), 1000, "file %d too big", i);
        expect = 30;
        for (i = 2; i >= 0; i--) {
                t = slurp_n(i);
                n = numbers(t, nums, 64);
                free(t);
                cr_assert_gt(n, 0);
                for (int k = 0; k < n; k++)
                        cr_assert_eq(nums[k], expect++, "file .%d", i);
        }
        cr_assert_eq(expect, 55);
}

static unsigned mode_n(int i)
{
        char path[420];
        struct stat st;

        if (i == 0)
                snprintf(path, sizeof(path), "%s", base);
        else
                snprintf(path, sizeof(path), "%s.%d", base, i);
        cr_assert_eq(stat(path, &st), 0, "stat %s", path);
        return (unsigned)(st.st_mode & 0777);
}

/* Log lines may quote connector configs: the log file and every rotated
 * file are 0600 even under umask 000. */
Test(log_file, files_are_private_whatever_the_umask, .init = setup,
     .fini = teardown)
{
        char err[256] = "";
        mode_t old = umask(0);
        log_file_t *lf = log_file_open(base, 1000, 0, 2, err, sizeof(err));
        int i;

        cr_assert_not_null(lf, "%s", err);
        for (i = 0; i < 35; i++)
                put_line(lf, i);
        log_file_close(lf);
        umask(old);
        for (i = 0; i <= 2; i++)
                cr_assert_eq(mode_n(i), 0600, "file .%d has mode %04o", i,
                             mode_n(i));
}

/* Files left readable by others (an older version) are narrowed when the
 * appender opens. */
Test(log_file, loose_existing_files_are_narrowed, .init = setup,
     .fini = teardown)
{
        char err[256] = "", p1[420];
        log_file_t *lf;

        snprintf(p1, sizeof(p1), "%s.1", base);
        cr_assert_eq(spit_mode(base, 0644), 0);
        cr_assert_eq(spit_mode(p1, 0666), 0);
        lf = log_file_open(base, 1000, 0, 2, err, sizeof(err));
        cr_assert_not_null(lf, "%s", err);
        put_line(lf, 1);
        log_file_close(lf);
        cr_assert_eq(mode_n(0), 0600, "mode %04o", mode_n(0));
        cr_assert_eq(mode_n(1), 0600, "mode %04o", mode_n(1));
}

Test(log_file, retention_zero_and_leftovers, .init = setup, .fini = teardown)
{
        char err[256] = "";
        log_file_t *lf;
        int i;

        /* A larger retention leaves .1 .. .4 behind. */
        lf = log_file_open(base, 200, 0, 4, err, sizeof(err));
        cr_assert_not_null(lf, "%s", err);
        for (i = 0; i < 12; i++)
                put_line(lf, i);
        log_file_close(lf);
        cr_assert(exists_n(4));
        cr_assert_not(exists_n(5));

        /* Now keep only one rotated file: the next rotation deletes the
         * others. */
        lf = log_file_open(base, 200, 0, 1, err, sizeof(err));
        cr_assert_not_null(lf, "%s", err);
        for (i = 12; i < 15; i++)
                put_line(lf, i);
        log_file_close(lf);
        cr_assert(exists_n(1));
        cr_assert_not(exists_n(2));
        cr_assert_not(exists_n(3));
        cr_assert_not(exists_n(4));

        /* retention 0: rotation just starts the file over. */
        lf = log_file_open(base, 200, 0, 0, err, sizeof(err));
        cr_assert_not_null(lf, "%s", err);
        for (i = 15; i < 20; i++)
                put_line(lf, i);
        log_file_close(lf);
        cr_assert_not(exists_n(1));
        cr_assert_leq(size_n(0), 200);
}

Test(log_file, rotates_by_time, .init = setup, .fini = teardown)
{
        char err[256] = "";
        log_file_t *lf = log_file_open(base, 0, 300, 3, err, sizeof(err));
        long long start = log_mono_ms(), first_rot = -1;
        int i = 0, nums[4096], n1, n0;
        char *t1, *t0;
        struct timespec ts = { 0, 20 * 1000000L };

        cr_assert_not_null(lf, "%s", err);
        /* Write a line every 20 ms until a rotation shows (deadline 10 s). */
        while (log_mono_ms() - start < 10000) {
                put_line(lf, i++);
                if (exists_n(1)) {
                        first_rot = log_mono_ms() - start;
                        break;
                }
                nanosleep(&ts, NULL);
        }
        cr_assert_geq(first_rot, 300, "rotated too early (%lld ms)",
                      first_rot);
        put_line(lf, i++);
        log_file_close(lf);
        t1 = slurp_n(1);
        t0 = slurp_n(0);
        n1 = numbers(t1, nums, 4096);
        cr_assert_gt(n1, 1);
        cr_assert_eq(nums[0], 0);
        n0 = numbers(t0, nums, 4096);
        /* The line that triggered the rotation and the one after it. */
        cr_assert_eq(n0, 2);
        cr_assert_eq(nums[0], n1);
        cr_assert_not(exists_n(2));
        free(t1);
        free(t0);
}

Test(log_file, configure_writes_and_rotates, .init = setup, .fini = teardown)
{
        json_t *p = json_pack("{s:s,s:s,s:s,s:s}", "log.file.path", base,
                              "log.file.max.bytes", "2000",
                              "log.file.retention.count", "3",
                              "log.stderr.enable", "false");
        char err[256] = "";
        logger_t *lg = log_get("connectd.filetest");
        int i;
        char *t;

        cr_assert_eq(log_configure(p, "w", err, sizeof(err)), 0, "%s", err);
        json_decref(p);
        for (i = 0; i < 200; i++)
                LOG_INFO(lg, "message number %04d padded to be long enough", i);
        log_shutdown();
        cr_assert(exists_n(3));
        cr_assert_not(exists_n(4));
        t = slurp_n(0);
        cr_assert_not_null(strstr(t, "message number 0199"));
        cr_assert_not_null(strstr(t, " INFO  connectd.filetest - "));
        free(t);
}

Test(log_file, open_error_names_the_key)
{
        char err[256] = "";

        cr_assert_null(log_file_open("/nonexistent-dir/x/y.log", 0, 0, 1, err,
                                     sizeof(err)));
        cr_assert_not_null(strstr(err, "log.file.path"), "%s", err);
}
