/*
 * main — `connectd worker.properties [connector.properties|.json ...]`,
 * like connect-standalone, and `connectd --embedded-kafka-only`.
 *
 * Start order: worker config (checked, exit 1 naming the bad key), logs,
 * store, Kafka (embedded when no bootstrap.servers), plugins, herder, REST,
 * then connectors from the command line. Stop order is the reverse; a
 * signal only wakes the main thread (sigwait), which then drains: REST
 * stops taking requests, the herder stops tasks (producers flushed, offsets
 * committed, bounded by the graceful timeout), then everything is freed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config_providers.h"
#include "connector_check.h"
#include "distributed.h"
#include "herder.h"
#include "kafka.h"
#include "log.h"
#include "mem.h"
#include "mskc.h"
#include "plugins.h"
#include "rest.h"
#include "rest_auth.h"
#include "rest_ext.h"
#include "rest_metrics.h"
#include "metrics.h"
#include "rest_ui.h"
#include "sqlite/sqlite_stores.h"

static void usage(FILE *fp)
{
        fprintf(fp,
                "usage: connectd worker.properties [connector.properties|"
                "connector.json ...]\n"
                "       connectd --embedded-kafka-only [--brokers N] "
                "[--listen HOST:PORT]\n"
                "                [--topic NAME:PARTITIONS ...] "
                "[worker.properties]\n"
                "       connectd --worker-config-reference\n"
                "       connectd --version\n");
}

/* Sockets holding the ports pick_port found until the REST server binds
 * them: meanwhile the embedded cluster's listener or an outgoing
 * connection could be given the same port by the kernel. */
#define HELD_PORTS_MAX 16
static int held_fd[HELD_PORTS_MAX];
static int nheld;

static void release_ports(void)
{
        while (nheld > 0)
                close(held_fd[--nheld]);
}

/* Port 0 means "any": pick a free one now so that the worker id, the logs
 * and the answer to the user all carry the real port (held until
 * release_ports). -1 with the reason in errstr when the host does not
 * resolve or cannot be bound. */
static int pick_port(const char *host, char *errstr, size_t errstr_size)
{
        struct addrinfo hints, *res = NULL;
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd, rc, port = -1;

        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        rc = getaddrinfo(*host ? host : "0.0.0.0", "0", &hints, &res);
        if (rc) {
                snprintf(errstr, errstr_size, "cannot resolve host '%s': %s",
                         host, gai_strerror(rc));
                return -1;
        }
        fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && !bind(fd, res->ai_addr, res->ai_addrlen) &&
            !getsockname(fd, (struct sockaddr *)&ss, &len))
                port = ntohs(ss.ss_family == AF_INET6
                                     ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
        else
                snprintf(errstr, errstr_size,
                         "cannot find a free port on host '%s': %s", host,
                         strerror(errno));
        if (fd >= 0 && port > 0 && nheld < HELD_PORTS_MAX)
                held_fd[nheld++] = fd;
        else if (fd >= 0)
                close(fd);
        freeaddrinfo(res);
        return port;
}

/* `listeners` with every port 0 replaced by a free port (so that the
 * worker id, the logs and the answer to the user carry real ports).
 * host/port/first receive the first listener's host, port and URL.
 * malloc'd, or NULL with errstr. */
static char *resolve_listeners(const char *value, char *host,
                               size_t host_size, int *port, char *first,
                               size_t first_size, char *errstr,
                               size_t errstr_size)
{
        char *list = strdup(value ? value : ""), *save = NULL, *tok;
        char *out = NULL, h[256], one[300], why[300];
        size_t cap = strlen(list) + 1, len = 0;
        int https, p, n = 0;

        out = calloc(1, cap + 64);
        if (!list || !out) {
                snprintf(errstr, errstr_size, "out of memory");
                goto fail;
        }
        cap += 64;
        for (tok = strtok_r(list, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                while (*tok == ' ' || *tok == '\t')
                        tok++;
                if (!*tok)
                        continue;
                if (rest_listener_parse(tok, &https, h, sizeof(h), &p)) {
                        snprintf(errstr, errstr_size, "invalid listeners "
                                 "value '%s' (expected http://HOST:PORT or "
                                 "https://HOST:PORT)", value);
                        goto fail;
                }
                if (p == 0 && (p = pick_port(h, why, sizeof(why))) < 0) {
                        snprintf(errstr, errstr_size, "Invalid value %s for "
                                 "configuration listeners: %s", value, why);
                        goto fail;
                }
                snprintf(one, sizeof(one),
                         strchr(h, ':') ? "%s://[%s]:%d" : "%s://%s:%d",
                         https ? "https" : "http", h, p);
                if (len + strlen(one) + 2 > cap) {
                        char *o = realloc(out, cap * 2 + strlen(one) + 2);
                        if (!o) {
                                snprintf(errstr, errstr_size, "out of memory");
                                goto fail;
                        }
                        out = o;
                        cap = cap * 2 + strlen(one) + 2;
                }
                len += (size_t)snprintf(out + len, cap - len, "%s%s",
                                        n ? "," : "", one);
                if (n++ == 0) {
                        snprintf(host, host_size, "%s", h);
                        *port = p;
                        snprintf(first, first_size, "%s", one);
                }
        }
        if (!n) {
                snprintf(errstr, errstr_size, "no listener in listeners");
                goto fail;
        }
        free(list);
        return out;
fail:
        free(list);
        free(out);
        return NULL;
}

/* One line per listener, the first one first (tools wait for it). */
static void print_listeners(logger_t *lg, const char *listeners)
{
        const char *p = listeners;

        while (*p) {
                size_t n = strcspn(p, ",");
                LOG_INFO(lg, "REST API listening on %.*s", (int)n, p);
                printf("connectd: REST API listening on %.*s\n", (int)n, p);
                p += n;
                if (*p)
                        p++;
        }
}

/* Prints the worker configuration table as Markdown (README's reference is
 * generated from the same rows the checks use). */
static void print_config_reference(void)
{
        const wc_def_t *d;
        const char *const *pre;
        size_t n, i;

        d = wc_defs(&n);
        printf("| key | type | default | description |\n"
               "|---|---|---|---|\n");
        for (i = 0; i < n; i++)
                printf("| `%s` | %s | %s%s%s | %s |\n", d[i].name,
                       wc_type_name(d[i].type),
                       d[i].default_value ? "`" : "",
                       d[i].default_value ? d[i].default_value : "",
                       d[i].default_value ? "`" : "",
                       d[i].doc ? d[i].doc : "");
        printf("\nPassed through unchecked:");
        for (pre = wc_prefixes(); *pre; pre++)
                printf(" `%s*`", *pre);
        printf("\n");
}

/* Bounds the graceful shutdown: if stopping takes longer than the tasks'
 * graceful timeout plus the offset flush timeout plus a margin (a plugin's
 * connector stop() that never returns, say), exit anyway. */
static long long shutdown_budget_ms;

static void *shutdown_watchdog(void *arg)
{
        struct timespec ts;

        (void)arg;
        ts.tv_sec = shutdown_budget_ms / 1000;
        ts.tv_nsec = (shutdown_budget_ms % 1000) * 1000000L;
        while (nanosleep(&ts, &ts))
                ;
        fprintf(stderr, "connectd: shutdown did not finish within %lld ms; "
                "exiting\n", shutdown_budget_ms);
        _exit(2);
        return NULL;
}

static int all_digits(const char *s)
{
        if (!*s)
                return 0;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return 0;
        return 1;
}

/* A positive int from a command-line word, or -1. */
static int arg_int(const char *s, int max)
{
        long v;
        char *end;

        if (!all_digits(s) || strlen(s) > 9)
                return -1;
        v = strtol(s, &end, 10);
        return v >= 1 && v <= max ? (int)v : -1;
}

/* `connectd --embedded-kafka-only [N | --brokers N] [--listen HOST:PORT]
 * [--topic NAME:PARTITIONS ...] [worker.properties]`. */
static int embedded_only(int argc, char **argv)
{
        kafka_embedded_opts_t o = { .brokers = 1 };
        kafka_embedded_topic_t *topics = NULL;
        char errstr[1024];
        const char *props_path = NULL;
        json_t *props = NULL;
        int i, rc = 2;

        topics = calloc((size_t)argc, sizeof(*topics));
        if (!topics)
                return 1;
        o.topics = topics;
        for (i = 2; i < argc; i++) {
                const char *a = argv[i];
                const char *val = i + 1 < argc ? argv[i + 1] : NULL;

                if (!strcmp(a, "--brokers") || !strcmp(a, "--listen") ||
                    !strcmp(a, "--topic")) {
                        if (!val) {
                                fprintf(stderr, "connectd: %s needs a "
                                        "value\n", a);
                                goto out;
                        }
                        i++;
                }
                if (!strcmp(a, "--brokers") ||
                    (i == 2 && all_digits(a))) {
                        o.brokers = arg_int(a[0] == '-' ? val : a, 64);
                        if (o.brokers < 1) {
                                fprintf(stderr, "connectd: --brokers: a "
                                        "number from 1 to 64, not '%s'\n",
                                        a[0] == '-' ? val : a);
                                goto out;
                        }
                } else if (!strcmp(a, "--listen")) {
                        o.listen = val;
                } else if (!strcmp(a, "--topic")) {
                        const char *colon = strrchr(val, ':');
                        kafka_embedded_topic_t *t = &topics[o.ntopics];

                        t->partitions = colon ? arg_int(colon + 1, 100000)
                                              : -1;
                        if (!colon || colon == val || t->partitions < 1) {
                                fprintf(stderr, "connectd: --topic %s: "
                                        "expected NAME:PARTITIONS (at least "
                                        "1 partition)\n", val);
                                goto out;
                        }
                        /* NAME:PARTITIONS, cut in place at the colon. */
                        argv[i][colon - val] = '\0';
                        t->name = val;
                        o.ntopics++;
                } else if (a[0] == '-' || props_path) {
                        fprintf(stderr, "connectd: --embedded-kafka-only: "
                                "unexpected argument '%s'\n", a);
                        usage(stderr);
                        goto out;
                } else {
                        props_path = a;
                }
        }
        rc = 1;
        if (props_path) {
                props = props_parse_file(props_path, errstr, sizeof(errstr));
                if (!props) {
                        fprintf(stderr, "connectd: %s\n", errstr);
                        goto out;
                }
                if (worker_config_check(props, errstr, sizeof(errstr))) {
                        fprintf(stderr, "connectd: %s: %s\n", props_path,
                                errstr);
                        goto out;
                }
                if (!wc_is_distributed(props)) {
                        fprintf(stderr, "connectd: %s: no group.id: "
                                "--embedded-kafka-only creates the internal "
                                "topics of a distributed worker config\n",
                                props_path);
                        goto out;
                }
                o.worker_props = props;
        }
        rc = kafka_embedded_only_main(&o);
out:
        json_decref(props);
        free(topics);
        return rc;
}

static int load_connector_file(herder_t *h, const char *path)
{
        char errstr[1024];
        json_t *cfg = connector_file_load(path, errstr, sizeof(errstr));
        const char *name;
        int created = 0, rc = -1;
        char *msg = NULL;

        if (!cfg) {
                fprintf(stderr, "connectd: %s: %s\n", path, errstr);
                return -1;
        }
        name = json_string_value(json_object_get(cfg, "name"));
        if (!name || !*name) {
                fprintf(stderr, "connectd: %s: no connector name (\"name\")\n",
                        path);
                goto out;
        }
        if (connector_config_check(cfg, &msg) != HERDER_OK) {
                fprintf(stderr, "connectd: %s: %s\n", path,
                        msg ? msg : "invalid connector configuration");
                goto out;
        }
        if (herder_connector_put(h, name, cfg, "STARTED", 1, &created, NULL,
                                 errstr, sizeof(errstr)) != HERDER_OK) {
                fprintf(stderr, "connectd: %s: %s\n", path, errstr);
                goto out;
        }
        rc = 0;
out:
        free(msg);
        json_decref(cfg);
        return rc;
}

/* The URL other workers reach this one at: the advertised host and port
 * (worker_id) and the advertised listener's scheme (unset: http, unless
 * only https listeners exist). */
static void advertised_url(const json_t *props, const char *listeners,
                           const char *worker_id, char *buf, size_t n)
{
        const char *al = wc_get(props, "rest.advertised.listener");
        const char *scheme = "http";

        if (al && *al)
                scheme = strcasecmp(al, "https") ? "http" : "https";
        else if (!strstr(listeners, "http://"))
                scheme = "https";
        snprintf(buf, n, "%s://%s/", scheme, worker_id);
}

/* Process-wide settings that the default leaves slow at our scale.
 *
 * malloc (glibc's, in a build without jemalloc; see mem.h): librdkafka
 * builds every produce request in a fresh buffer of up to batch.size
 * (1 MB) and frees it when the response arrives. With glibc's sliding
 * defaults those buffers come and go as mmaps or heap
 * trims, and the broker thread pays a page fault per 4 KB on each one.
 * Fixed thresholds keep them in the heap (measured in bench/RESULTS.md).
 *
 * futexes: Linux 6.16 and later give a process a private futex hash sized
 * by its CPUs, 16 buckets on a 2-core machine. Every idle task thread
 * waits on a condition variable of its own, so with thousands of tasks
 * each wake-up walks hundreds of waiters under one spin lock (10,000
 * throttled connectors kept both cores in the kernel). Asking for the
 * global hash (0 slots) undoes that; older kernels reject the call, which
 * changes nothing. */
#ifndef PR_FUTEX_HASH
#define PR_FUTEX_HASH 78
#define PR_FUTEX_HASH_SET_SLOTS 1
#endif
static void process_tune(void)
{
        mallopt(M_MMAP_THRESHOLD, 4 << 20);
        mallopt(M_TRIM_THRESHOLD, 64 << 20);
        (void)prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_SET_SLOTS, 0, 0, 0);
}

int main(int argc, char **argv)
{
        char errstr[1024], host[256], listener[300], worker_id[300];
        char *listeners = NULL;
        const char *v;
        json_t *props = NULL;
        config_store_t *cs = NULL;
        offset_store_t *os = NULL;
        status_store_t *ss = NULL;
        kafka_t *kf = NULL;
        dist_t *d = NULL;
        herder_t *h = NULL;
        rest_t *rest = NULL;
        mskc_t *mskc = NULL;
        sigset_t sigs;
        int port = 0, sig, i, rc = 1;
        logger_t *lg;

        process_tune();
        if (argc >= 2 && !strcmp(argv[1], "--embedded-kafka-only")) {
                log_init();
                return embedded_only(argc, argv);
        }
        if (argc >= 2 && !strcmp(argv[1], "--version")) {
                printf("connectd %s (%s)\n", CONNECTD_VERSION,
                       CONNECTD_COMMIT);
                return 0;
        }
        if (argc >= 2 && !strcmp(argv[1], "--worker-config-reference")) {
                print_config_reference();
                return 0;
        }
        if (argc >= 2 && (!strcmp(argv[1], "--help") ||
                          !strcmp(argv[1], "-h"))) {
                usage(stdout);
                return 0;
        }
        if (argc < 2) {
                usage(stderr);
                return 2;
        }

        /* Signals are taken by sigwait below; every thread inherits the
         * mask, so block them before any thread starts. */
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGTERM);
        sigaddset(&sigs, SIGINT);
        pthread_sigmask(SIG_BLOCK, &sigs, NULL);
        signal(SIGPIPE, SIG_IGN);
        /* A file size limit is a write error (EFBIG) like a full disk,
         * reported by whoever wrote, not the death of the worker. */
        signal(SIGXFSZ, SIG_IGN);

        log_init();
        lg = log_get("connectd.worker");

        props = props_parse_file(argv[1], errstr, sizeof(errstr));
        if (!props) {
                fprintf(stderr, "connectd: %s\n", errstr);
                goto out;
        }
        /* The worker file may use the providers it declares (resolved
         * once, here, before the keys are checked: a typed key may hold a
         * reference); connector configs resolve with the same set. */
        {
                json_t *resolved = cfg_providers_resolve_worker(
                        props, errstr, sizeof(errstr));

                if (!resolved) {
                        fprintf(stderr, "connectd: %s: %s\n", argv[1],
                                errstr);
                        goto out;
                }
                json_decref(props);
                props = resolved;
                if (worker_config_check(props, errstr, sizeof(errstr))) {
                        fprintf(stderr, "connectd: %s: %s\n", argv[1],
                                errstr);
                        goto out;
                }
        }
        /* connect-distributed takes only the worker config: connectors
         * live in the config topic and are created through the REST API. */
        if (wc_is_distributed(props) && argc > 2) {
                fprintf(stderr, "connectd: %s sets group.id, so this worker "
                        "runs distributed and takes only the worker config; "
                        "create connectors with the REST API (POST "
                        "/connectors) instead of naming connector files "
                        "(here: %s)\n", argv[1], argv[2]);
                goto out;
        }
        /* Refuse an unauthenticated non-loopback listener before anything
         * binds (picking a free port below binds briefly), and a bad
         * keystore or credentials file before the rest starts. */
        if (rest_security_preflight(props, errstr, sizeof(errstr))) {
                fprintf(stderr, "connectd: %s: %s\n", argv[1], errstr);
                goto out;
        }
        listeners = resolve_listeners(wc_get(props, "listeners"), host,
                                      sizeof(host), &port, listener,
                                      sizeof(listener), errstr,
                                      sizeof(errstr));
        if (!listeners) {
                fprintf(stderr, "connectd: %s: %s\n", argv[1], errstr);
                goto out;
        }
        json_object_set_new(props, "listeners", json_string(listeners));
        {
                const char *ah = wc_get(props, "rest.advertised.host.name");
                const char *ap = wc_get(props, "rest.advertised.port");
                snprintf(worker_id, sizeof(worker_id), "%s:%s",
                         ah && *ah ? ah : (*host && strcmp(host, "0.0.0.0") ?
                                           host : "127.0.0.1"),
                         ap && *ap ? ap : "");
                if (!(ap && *ap))
                        snprintf(worker_id + strlen(worker_id),
                                 sizeof(worker_id) - strlen(worker_id), "%d",
                                 port);
        }

        if (log_configure(props, worker_id, errstr, sizeof(errstr))) {
                fprintf(stderr, "connectd: %s: %s\n", argv[1], errstr);
                goto out;
        }
        LOG_INFO(lg, "connectd %s (%s) starting, worker id %s, %s",
                 CONNECTD_VERSION, CONNECTD_COMMIT, worker_id,
                 mem_allocator(errstr, sizeof(errstr)));

        if (!wc_is_distributed(props) &&
            sqlite_stores_open(wc_get(props, "storage.path"), &cs, &os, &ss,
                               errstr, sizeof(errstr))) {
                LOG_ERROR(lg, "%s", errstr);
                fprintf(stderr, "connectd: %s\n", errstr);
                goto out;
        }
        kf = kafka_new(props, errstr, sizeof(errstr));
        if (!kf) {
                fprintf(stderr, "connectd: %s\n", errstr);
                goto out;
        }
        metrics_configure(props);
        if (wc_is_distributed(props)) {
                /* A cluster member: state lives in Connect's topics. */
                char url[400];
                advertised_url(props, listeners, worker_id, url, sizeof(url));
                d = dist_new(kf, props, worker_id, url, errstr,
                             sizeof(errstr));
                if (!d) {
                        LOG_ERROR(lg, "%s", errstr);
                        fprintf(stderr, "connectd: %s\n", errstr);
                        goto out;
                }
        }
        if (plugins_register_builtins()) {
                fprintf(stderr, "connectd: built-in connectors failed to "
                        "register\n");
                goto out;
        }
        plugins_set_allow_insecure(
                wc_get_bool(props, "plugin.path.allow.insecure"));
        v = wc_get(props, "plugin.path");
        if (v && *v)
                plugins_load_path(v);
        {
                /* After the plugins: a provider class may be one of theirs. */
                cfg_providers_t *cp;

                cfg_providers_set_plugin_lookup(plugins_find_provider);
                cp = cfg_providers_new(props, errstr, sizeof(errstr));
                if (!cp) {
                        fprintf(stderr, "connectd: %s: %s\n", argv[1],
                                errstr);
                        goto out;
                }
                cfg_providers_set_worker(cp);
        }

        h = d ? herder_new(dist_config_store(d), dist_offset_store(d),
                           dist_status_store(d), kf, props, worker_id,
                           errstr, sizeof(errstr))
              : herder_new(cs, os, ss, kf, props, worker_id, errstr,
                           sizeof(errstr));
        if (!h) {
                fprintf(stderr, "connectd: %s\n", errstr);
                goto out;
        }
        if (d)
                herder_set_dist(h, d);
        release_ports();
        rest = rest_start(h, props, errstr, sizeof(errstr));
        if (!rest) {
                fprintf(stderr, "connectd: REST server: %s\n", errstr);
                goto out;
        }
        mskc = mskc_start(h, kf, props, errstr, sizeof(errstr));
        if (!mskc) {
                fprintf(stderr, "connectd: MSK Connect API: %s\n", errstr);
                goto out;
        }
        rest_add_ext(rest, &(rest_ext_t){ "/metrics", 0, rest_metrics_serve, h });
        rest_add_ext(rest, &(rest_ext_t){ "/ui", 0, rest_ui_serve, NULL });
        rest_add_ext(rest, &(rest_ext_t){ "/v1/", 1, mskc_serve, mskc });
        if (herder_start(h, errstr, sizeof(errstr))) {
                fprintf(stderr, "connectd: restoring connectors: %s\n",
                        errstr);
                goto out;
        }
        if (metrics_probe_start(kf, props))
                LOG_WARN(lg, "Kafka cluster probe not started: /health will "
                         "not report an unreachable cluster");
        print_listeners(lg, listeners);
        if (kafka_is_embedded(kf))
                printf("connectd: embedded Kafka cluster at %s\n",
                       kafka_bootstrap(kf));
        fflush(stdout);

        for (i = 2; i < argc; i++)
                if (load_connector_file(h, argv[i]))
                        goto out;

        while (sigwait(&sigs, &sig) == 0) {
                if (sig == SIGTERM || sig == SIGINT)
                        break;
        }
        LOG_INFO(lg, "Stopping (signal %d)", sig);
        rc = 0;
out:
        if (h) {
                /* Stopping runs plugin code: bound it. */
                pthread_t wd;
                shutdown_budget_ms =
                        wc_get_ll(props, "task.shutdown.graceful.timeout.ms") +
                        wc_get_ll(props, "offset.flush.timeout.ms") + 10000;
                if (pthread_create(&wd, NULL, shutdown_watchdog, NULL) == 0)
                        pthread_detach(wd);
        }
        if (rest)
                rest_stop(rest);
        mskc_stop(mskc);
        /* A cluster member hands its work over as it stops it. */
        dist_prepare_leave(d);
        if (h) {
                herder_stop(h);
                dist_leave(d);
                if (herder_live_tasks(h) > 0) {
                        /* Abandoned task threads may still return into
                         * the herder, Kafka and store: leave them be. */
                        LOG_WARN(lg, "%d abandoned task thread(s) still "
                                 "running; exiting without freeing",
                                 herder_live_tasks(h));
                        log_shutdown();
                        fflush(NULL);
                        _exit(rc);
                }
                herder_destroy(h);
        }
        dist_destroy(d);
        metrics_probe_stop();
        kafka_destroy(kf);
        config_store_close(cs);
        offset_store_close(os);
        status_store_close(ss);
        if (rc == 0)
                LOG_INFO(lg, "Stopped");
        log_shutdown();
        cfg_providers_set_worker(NULL);
        json_decref(props);
        free(listeners);
        release_ports();
        return rc;
}
