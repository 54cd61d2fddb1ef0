/*
 * tsan_log — a plain (non-Criterion) stress program for the log module,
 * built and run by ctest in the ThreadSanitizer build only: threads log
 * through module loggers and named loggers with their own contexts while
 * another changes levels over the REST entry points and the main thread
 * swaps the appenders (log_configure). TSan fails the run (exit code 66)
 * on any report; the program itself checks the lines it wrote.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define WRITERS 4
#define LINES 300

LOG_MODULE_LOGGER(mod_lg, "connectd.tsan")

static volatile int stop_levels;

static void *writer(void *arg)
{
        int id = (int)(long)arg, i;
        char ctx[64], name[64];

        snprintf(ctx, sizeof(ctx), "conn-%d\n|task-%d", id, id);
        log_context_set(ctx);
        for (i = 0; i < LINES; i++) {
                snprintf(name, sizeof(name), "a.b.c%d", i % 7);
                LOG_INFO(mod_lg(), "writer %d line %d\r\n", id, i);
                LOG_DEBUG(log_get(name), "debug %d %d", id, i);
                LOG_WARN(log_get(name), "warn %d %d \x1b[0m", id, i);
        }
        log_context_set(NULL);
        return NULL;
}

static void *levels(void *arg)
{
        int n = 0;

        (void)arg;
        while (!__atomic_load_n(&stop_levels, __ATOMIC_ACQUIRE)) {
                json_decref(log_level_set("a", n++ % 2 ? LOG_LVL_DEBUG
                                                       : LOG_LVL_INFO));
                json_decref(log_levels_json());
                json_decref(log_level_json("a.b.c3"));
                usleep(1000);
        }
        return NULL;
}

static int configure(const char *path)
{
        json_t *p = json_pack("{s:s,s:s}", "log.file.path", path,
                              "log.stderr.enable", "false");
        char err[256] = "";
        int rc = log_configure(p, "tsan", err, sizeof(err));

        if (rc)
                fprintf(stderr, "log_configure: %s\n", err);
        json_decref(p);
        return rc;
}

int main(void)
{
        const char *tmp = getenv("TMPDIR");
        char dir[256], path[2][300], line[4096];
        pthread_t w[WRITERS], lv;
        int i, bad = 0, nlines = 0;

        snprintf(dir, sizeof(dir), "%s/tsan_log.XXXXXX",
                 tmp && *tmp ? tmp : P_tmpdir);
        if (!mkdtemp(dir))
                return 1;
        for (i = 0; i < 2; i++)
                snprintf(path[i], sizeof(path[i]), "%s/w%d.log", dir, i);
        log_init();
        if (configure(path[0]))
                return 1;
        pthread_create(&lv, NULL, levels, NULL);
        for (i = 0; i < WRITERS; i++)
                pthread_create(&w[i], NULL, writer, (void *)(long)i);
        usleep(20000);
        if (configure(path[1])) /* swap the file appender mid-run */
                bad++;
        for (i = 0; i < WRITERS; i++)
                pthread_join(w[i], NULL);
        __atomic_store_n(&stop_levels, 1, __ATOMIC_RELEASE);
        pthread_join(lv, NULL);
        log_shutdown();

        /* Every line is whole: timestamp first, escapes, no raw control. */
        for (i = 0; i < 2; i++) {
                FILE *f = fopen(path[i], "r");

                while (f && fgets(line, sizeof(line), f)) {
                        nlines++;
                        if (strncmp(line, "20", 2) ||
                            strcspn(line, "\r\x1b") != strlen(line)) {
                                fprintf(stderr, "bad line: %s", line);
                                bad++;
                        }
                }
                if (f)
                        fclose(f);
                unlink(path[i]);
        }
        rmdir(dir);
        if (nlines < WRITERS * LINES * 2) {
                fprintf(stderr, "only %d lines\n", nlines);
                bad++;
        }
        printf("tsan_log: %d lines, %d bad\n", nlines, bad);
        return bad ? 1 : 0;
}
