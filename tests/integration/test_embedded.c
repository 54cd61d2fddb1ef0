/*
 * The embedded cluster for distributed workers: `connectd
 * --embedded-kafka-only` on a fixed address (--listen) with the internal
 * topics of a worker config (and --topic ones) created with their partition
 * counts before the address is printed, restartable on the same address;
 * and a distributed worker's in-process cluster with the same topics.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

typedef struct cluster {
        pid_t pid;
        char *dir;
        char bootstrap[256];
} cluster_t;

/* A loopback port nobody listens on right now. */
static int free_port(void)
{
        struct sockaddr_in sin = { .sin_family = AF_INET };
        socklen_t len = sizeof(sin);
        int fd = socket(AF_INET, SOCK_STREAM, 0), port;

        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert(fd >= 0);
        cr_assert(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
        cr_assert(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
        port = ntohs(sin.sin_port);
        close(fd);
        return port;
}

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs `connectd --embedded-kafka-only ARGS...` in `dir`. Returns 1 with
 * the first stdout line in c->bootstrap once printed, 0 if the process
 * exited first (*status), and fails the test on a timeout. */
static int cluster_run(cluster_t *c, const char *dir,
                       const char *const *args, int *status)
{
        char out[512], err[512], *argv[32];
        long long end = now_ms() + scaled_ms(20000);
        int n = 0;

        snprintf(out, sizeof(out), "%s/stdout.log", dir);
        snprintf(err, sizeof(err), "%s/stderr.log", dir);
        unlink(out);
        argv[n++] = getenv("CONNECTD_BIN");
        argv[n++] = "--embedded-kafka-only";
        while (args && *args && n < 31)
                argv[n++] = (char *)*args++;
        argv[n] = NULL;
        cr_assert_not_null(argv[0], "CONNECTD_BIN is not set");
        c->pid = fork();
        cr_assert(c->pid >= 0);
        if (c->pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr) ||
                    chdir(dir))
                        _exit(127);
                execv(argv[0], argv);
                _exit(127);
        }
        for (;;) {
                char *s = slurp(out), *nl;

                if (s && (nl = strchr(s, '\n'))) {
                        snprintf(c->bootstrap, sizeof(c->bootstrap), "%.*s",
                                 (int)(nl - s), s);
                        free(s);
                        return 1;
                }
                free(s);
                if (waitpid(c->pid, status, WNOHANG) == c->pid) {
                        c->pid = 0;
                        return 0;
                }
                cr_assert(now_ms() < end, "the cluster printed no address");
                usleep(20000);
        }
}

static void cluster_stop(cluster_t *c)
{
        int status;

        if (!c->pid)
                return;
        kill(c->pid, SIGTERM);
        cr_assert(waitpid(c->pid, &status, 0) == c->pid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the cluster did not stop cleanly (status %d)", status);
        c->pid = 0;
}

/* Partitions of `topic` per `kcat -L -J`, -1 if kcat does not list it. */
static int kcat_partitions(const char *bootstrap, const char *topic)
{
        char cmd[1024], buf[4096];
        size_t len = 0, n;
        json_t *md, *topics, *t;
        json_error_t jerr;
        FILE *fp;
        size_t i;
        int parts = -1;
        char *text = NULL;

        snprintf(cmd, sizeof(cmd),
                 "timeout 20 kcat -L -J -b '%s' -t '%s' 2>/dev/null",
                 bootstrap, topic);
        fp = popen(cmd, "r");
        cr_assert_not_null(fp);
        while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
                text = realloc(text, len + n + 1);
                memcpy(text + len, buf, n);
                len += n;
                text[len] = '\0';
        }
        pclose(fp);
        cr_assert_not_null(text, "kcat -L printed nothing for %s", bootstrap);
        md = json_loads(text, 0, &jerr);
        cr_assert_not_null(md, "kcat -L -J: %s\n%s", jerr.text, text);
        topics = json_object_get(md, "topics");
        json_array_foreach(topics, i, t) {
                if (!strcmp(json_string_value(json_object_get(t, "topic")),
                            topic) &&
                    !json_object_get(t, "error"))
                        parts = (int)json_array_size(
                                json_object_get(t, "partitions"));
        }
        json_decref(md);
        free(text);
        return parts;
}

static const char *const distributed_props =
        "group.id=embedded-test\n"
        "config.storage.topic=test-configs\n"
        "offset.storage.topic=test-offsets\n"
        "offset.storage.partitions=7\n"
        "status.storage.topic=test-status\n";

/* Every internal topic with its configured (or Java's default) partition
 * count: the mock would otherwise make 4 of each at first use. */
static void assert_internal_topics(const char *bootstrap, int offsets)
{
        cr_assert_eq(kcat_partitions(bootstrap, "test-configs"), 1);
        cr_assert_eq(kcat_partitions(bootstrap, "test-offsets"), offsets);
        cr_assert_eq(kcat_partitions(bootstrap, "test-status"), 5);
        cr_assert_eq(kcat_partitions(bootstrap,
                                     "connectd-coordination-embedded-test"),
                     32);
}

Test(embedded, listen_and_precreated_topics, .timeout = 120)
{
        cluster_t c = { 0 };
        char *dir = tmpdir_new("ekafka");
        char props[512], listen[64], want[64];
        int port = free_port(), status;

        snprintf(props, sizeof(props), "%s/worker.properties", dir);
        cr_assert(spit(props, distributed_props, 0) == 0);
        snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
        snprintf(want, sizeof(want), "127.0.0.1:%d", port);
        {
                const char *args[] = { "--listen", listen, "--topic",
                                       "extra:3", props, NULL };
                cr_assert(cluster_run(&c, dir, args, &status),
                          "exited %d", status);
        }
        cr_assert_str_eq(c.bootstrap, want);
        assert_internal_topics(c.bootstrap, 7);
        cr_assert_eq(kcat_partitions(c.bootstrap, "extra"), 3);
        cluster_stop(&c);
        rm_rf(dir);
        free(dir);
}

/* A TCP connection to host:port (the cluster's bootstrap address). */
static int connect_to(const char *hostport)
{
        struct sockaddr_in sin = { .sin_family = AF_INET };
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sin.sin_port = htons((uint16_t)atoi(strrchr(hostport, ':') + 1));
        cr_assert(fd >= 0);
        cr_assert(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0,
                  "connect %s", hostport);
        return fd;
}

/* Workers keep their bootstrap.servers across a cluster restart: the
 * cluster comes back on the same address, even while the connections the
 * old one closed still hold the port (FIN_WAIT/TIME_WAIT). */
Test(embedded, restart_on_the_same_address, .timeout = 120)
{
        cluster_t c = { 0 };
        char *dir = tmpdir_new("ekafka");
        char listen[64], errp[512];
        int status, round, fd;

        snprintf(listen, sizeof(listen), "127.0.0.1:%d", free_port());
        snprintf(errp, sizeof(errp), "%s/stderr.log", dir);
        for (round = 0; round < 2; round++) {
                const char *args[] = { "--listen", listen, "--topic",
                                       "lines:2", NULL };
                cr_assert(cluster_run(&c, dir, args, &status),
                          "round %d: exited %d:\n%s", round, status,
                          slurp(errp));
                cr_assert_str_eq(c.bootstrap, listen);
                cr_assert_eq(kcat_produce(c.bootstrap, "lines", "a\nb\n", 0),
                             0);
                cr_assert_eq(kcat_partitions(c.bootstrap, "lines"), 2);
                /* A client still connected when the cluster stops: the
                 * cluster's side closes first and lingers on the port. */
                fd = connect_to(c.bootstrap);
                cluster_stop(&c);
                close(fd);
        }
        rm_rf(dir);
        free(dir);
}

Test(embedded, listen_address_taken)
{
        cluster_t c = { 0 };
        char *dir = tmpdir_new("ekafka");
        struct sockaddr_in sin = { .sin_family = AF_INET };
        socklen_t len = sizeof(sin);
        char listen_at[64], path[512], want[128], *err;
        int fd = socket(AF_INET, SOCK_STREAM, 0), status;

        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
        cr_assert(listen(fd, 1) == 0);
        cr_assert(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
        snprintf(listen_at, sizeof(listen_at), "127.0.0.1:%d",
                 ntohs(sin.sin_port));
        {
                const char *args[] = { "--listen", listen_at, NULL };
                cr_assert_not(cluster_run(&c, dir, args, &status),
                              "started on a taken address: %s",
                              c.bootstrap);
        }
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                  "status %d", status);
        snprintf(path, sizeof(path), "%s/stderr.log", dir);
        err = slurp(path);
        snprintf(want, sizeof(want),
                 "connectd: --listen %s: Address already in use", listen_at);
        cr_assert(err && strstr(err, want), "%s", err);
        free(err);
        close(fd);
        rm_rf(dir);
        free(dir);
}

Test(embedded, bad_arguments_are_refused)
{
        static const char *const cases[][3] = {
                { "--listen", "127.0.0.1", "expected HOST:PORT" },
                { "--listen", "0.0.0.0:9092", "give a specific address" },
                { "--topic", "nopartitions", "expected NAME:PARTITIONS" },
                { "--topic", "t:0", "expected NAME:PARTITIONS" },
                { "--brokers", "0", "--brokers: a number from 1 to 64" },
        };
        char *dir = tmpdir_new("ekafka");
        char path[512];

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                cluster_t c = { 0 };
                const char *args[] = { cases[i][0], cases[i][1], NULL };
                char *err;
                int status;

                cr_assert_not(cluster_run(&c, dir, args, &status),
                              "%s %s started", cases[i][0], cases[i][1]);
                cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0);
                snprintf(path, sizeof(path), "%s/stderr.log", dir);
                err = slurp(path);
                cr_assert(err && strstr(err, cases[i][2]), "%s %s: %s",
                          cases[i][0], cases[i][1], err);
                free(err);
        }
        rm_rf(dir);
        free(dir);
}

/* `--embedded-kafka-only N` (the old form) still starts N brokers. */
Test(embedded, old_broker_count_form)
{
        cluster_t c = { 0 };
        char *dir = tmpdir_new("ekafka");
        const char *args[] = { "2", NULL };
        int status;

        cr_assert(cluster_run(&c, dir, args, &status), "exited %d", status);
        cr_assert_not_null(strchr(c.bootstrap, ','), "%s", c.bootstrap);
        cluster_stop(&c);
        rm_rf(dir);
        free(dir);
}

/* With several brokers, --listen places the first; the others get free
 * ports, and every one is in the bootstrap list. */
Test(embedded, listen_with_several_brokers)
{
        cluster_t c = { 0 };
        char *dir = tmpdir_new("ekafka");
        char listen[64], *p;
        int status, n = 1;

        snprintf(listen, sizeof(listen), "127.0.0.1:%d", free_port());
        {
                const char *args[] = { "--brokers", "3", "--listen", listen,
                                       NULL };
                cr_assert(cluster_run(&c, dir, args, &status), "exited %d",
                          status);
        }
        cr_assert(!strncmp(c.bootstrap, listen, strlen(listen)) &&
                          c.bootstrap[strlen(listen)] == ',',
                  "%s", c.bootstrap);
        for (p = c.bootstrap; (p = strchr(p, ',')); p++)
                n++;
        cr_assert_eq(n, 3, "%s", c.bootstrap);
        cr_assert_eq(kcat_produce(listen, "t", "x\n", 0), 0);
        cluster_stop(&c);
        rm_rf(dir);
        free(dir);
}

/* A worker config that is not distributed has no internal topics. */
Test(embedded, standalone_worker_config_refused)
{
        cluster_t c = { 0 };
        char *dir = tmpdir_new("ekafka");
        char props[512], *err;
        int status;

        snprintf(props, sizeof(props), "%s/worker.properties", dir);
        cr_assert(spit(props, "listeners=http://127.0.0.1:0\n", 0) == 0);
        {
                const char *args[] = { props, NULL };
                cr_assert_not(cluster_run(&c, dir, args, &status));
        }
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
        snprintf(props, sizeof(props), "%s/stderr.log", dir);
        err = slurp(props);
        cr_assert(err && strstr(err, "no group.id"), "%s", err);
        free(err);
        rm_rf(dir);
        free(dir);
}

/* A distributed worker with no bootstrap.servers starts its own cluster:
 * it has the internal topics with their partition counts too. */
Test(embedded, distributed_worker_in_process_cluster, .timeout = 120)
{
        worker_t *w = worker_start(distributed_props, NULL);

        assert_internal_topics(w->bootstrap, 7);
        worker_free(w);
}

/* connect-distributed takes only the worker config. */
Test(embedded, distributed_worker_refuses_connector_files)
{
        char *dir = tmpdir_new("cfg");
        char props[512], conn[512], errp[512], cmd[2048], *err;
        int status;

        snprintf(props, sizeof(props), "%s/worker.properties", dir);
        snprintf(conn, sizeof(conn), "%s/source.properties", dir);
        snprintf(errp, sizeof(errp), "%s/stderr.log", dir);
        cr_assert(spit(props, distributed_props, 0) == 0);
        cr_assert(spit(conn, "name=s\nconnector.class=FileStreamSource\n"
                             "file=in.txt\ntopic=t\n", 0) == 0);
        snprintf(cmd, sizeof(cmd),
                 "cd '%s' && timeout 30 '%s' '%s' '%s' >/dev/null 2>'%s'",
                 dir, getenv("CONNECTD_BIN"), props, conn, errp);
        status = system(cmd);
        err = slurp(errp);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                  "status %d: %s", status, err);
        cr_assert(err && strstr(err, "sets group.id, so this worker runs "
                                     "distributed and takes only the worker "
                                     "config"),
                  "%s", err);
        free(err);
        rm_rf(dir);
        free(dir);
}
