/*
 * bench_proc.h — what the benchmark programs share: a monotonic clock, a
 * pause, starting a process with its output in files, and waiting for a
 * line it prints (a bootstrap address, a REST URL).
 */
#ifndef CONNECTD_BENCH_PROC_H
#define CONNECTD_BENCH_PROC_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void nap_ms(int ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) && errno == EINTR)
                ;
}

/* fork + exec with stdout and stderr to the files out and err. */
static inline pid_t spawn(char *const argv[], const char *out,
                          const char *err)
{
        pid_t pid = fork();
        if (pid == 0) {
                int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (fo < 0 || fe < 0)
                        _exit(127);
                dup2(fo, 1);
                dup2(fe, 2);
                execvp(argv[0], argv);
                _exit(127);
        }
        return pid;
}

/* Waits up to timeout_s for a whole line starting with prefix in the file;
 * 0 and the rest of the line in val, or -1. */
static inline int read_line(const char *path, const char *prefix, char *val,
                            size_t n, double timeout_s)
{
        double end = now_s() + timeout_s;

        while (now_s() < end) {
                FILE *fp = fopen(path, "r");
                char line[1024];
                while (fp && fgets(line, sizeof(line), fp)) {
                        if (!strncmp(line, prefix, strlen(prefix)) &&
                            strchr(line, '\n')) {
                                snprintf(val, n, "%s", line + strlen(prefix));
                                val[strcspn(val, "\n")] = '\0';
                                fclose(fp);
                                return 0;
                        }
                }
                if (fp)
                        fclose(fp);
                nap_ms(20);
        }
        return -1;
}

#endif
