/*
 * kafka — client configs and the embedded cluster.
 *
 * DESIGN
 * Owns the embedded Kafka-protocol cluster (librdkafka's mock cluster, run
 * by a dedicated rd_kafka_t handle that lives as long as the worker) when
 * the worker config names no bootstrap.servers, and the cached cluster id.
 * A distributed worker's internal topics are created in it before its
 * address is handed out (the mock auto-creates unknown topics with 4
 * partitions and has no CreateTopics). `--embedded-kafka-only` runs the
 * same cluster alone, optionally on a fixed address (see "A fixed address"
 * below).
 * Client configs are assembled here and nowhere else: bootstrap, then the
 * worker's producer.* / consumer.* settings, then the connector's
 * producer.override.* / consumer.override.* (policy All, as Connect's
 * default), so a setting a user knows from Java Connect means the same.
 * The Java-only SASL keys (sasl.mechanism=AWS_MSK_IAM, sasl.jaas.config,
 * sasl.client.callback.handler.class) are collected on the way and mapped
 * by msk_iam when the config is finished; the top-level security keys go
 * to the worker's own clients only, as in Java Connect.
 *
 * Threads: kafka_new/kafka_destroy on the main thread; the rest from any
 * thread (the topic set and the cluster id have their own lock). The cluster
 * id is fetched by a small background thread so that a missing broker never
 * slows start-up or a REST call.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "config.h"
#include "kafka.h"
#include "log.h"
#include "msk_iam.h"

#define KAFKA_MAX_TOPICS 4096

struct kafka {
        json_t *props;                    /* worker props (own reference) */
        char *bootstrap;
        rd_kafka_t *mock_rk;              /* owner of the embedded cluster */
        rd_kafka_mock_cluster_t *mcluster;

        pthread_mutex_t lock;
        char *cluster_id;                 /* guarded by lock */
        char **topics;                    /* ensured topics (embedded) */
        size_t ntopics;

        pthread_t id_thread;
        int id_thread_started;
        atomic_int terminating;
};

LOG_MODULE_LOGGER(lg, "connectd.kafka")

static int conf_set(rd_kafka_conf_t *conf, const char *key, const char *val,
                    char *errstr, size_t errstr_size)
{
        char err[256];

        if (rd_kafka_conf_set(conf, key, val, err, sizeof(err)) !=
            RD_KAFKA_CONF_OK) {
                snprintf(errstr, errstr_size, "Kafka client setting %s: %s",
                         key, err);
                return -1;
        }
        return 0;
}

/* A user's client setting: the Java-only SASL keys (sasl.mechanism,
 * sasl.jaas.config, sasl.client.callback.handler.class) are collected in
 * mo and applied by conf_finish; the rest go to librdkafka. */
static int client_set(rd_kafka_conf_t *conf, msk_iam_opts_t *mo,
                      const char *key, const char *val, char *errstr,
                      size_t errstr_size)
{
        int rc = msk_iam_opts_take(mo, key, val, errstr, errstr_size);

        if (rc)
                return rc < 0 ? -1 : 0;
        return conf_set(conf, key, val, errstr, errstr_size);
}

/* Applies the collected SASL settings (AWS_MSK_IAM becomes OAUTHBEARER
 * with a token refresh callback). Destroys conf and returns NULL on
 * error. */
static rd_kafka_conf_t *conf_finish(kafka_t *kf, rd_kafka_conf_t *conf,
                                    msk_iam_opts_t *mo, int failed,
                                    char *errstr, size_t errstr_size)
{
        if (!failed &&
            msk_iam_opts_apply(mo, conf, wc_get(kf->props, "msk.iam.region"),
                               errstr, errstr_size))
                failed = 1;
        msk_iam_opts_clear(mo);
        if (failed) {
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        return conf;
}

/* Copies every `prefix`-ed string of obj (prefix stripped) into conf. */
static int conf_apply_prefixed(rd_kafka_conf_t *conf, msk_iam_opts_t *mo,
                               const json_t *obj, const char *prefix,
                               char *errstr, size_t errstr_size)
{
        const char *key;
        json_t *val;
        size_t plen = strlen(prefix);

        if (!obj)
                return 0;
        json_object_foreach((json_t *)obj, key, val) {
                if (strncmp(key, prefix, plen) || !json_is_string(val))
                        continue;
                if (client_set(conf, mo, key + plen, json_string_value(val),
                               errstr, errstr_size))
                        return -1;
        }
        return 0;
}

/* connector.client.config.override.policy: may a connector's
 * producer.override.KEY / consumer.override.KEY set KEY? (Connect's All,
 * None and Principal policies.) */
static int override_allowed(const kafka_t *kf, const char *key)
{
        const char *policy = wc_override_policy(kf->props);

        if (!strcmp(policy, "All"))
                return 1;
        if (!strcmp(policy, "Principal"))
                return !strcmp(key, "sasl.jaas.config") ||
                       !strcmp(key, "sasl.mechanism") ||
                       !strcmp(key, "security.protocol");
        return 0;
}

/* Applies a connector's `prefix`-ed overrides the worker's policy allows;
 * the others are logged and ignored. */
static int conf_apply_overrides(kafka_t *kf, rd_kafka_conf_t *conf,
                                msk_iam_opts_t *mo, const json_t *cc,
                                const char *prefix, char *errstr,
                                size_t errstr_size)
{
        const char *key;
        json_t *val;
        size_t plen = strlen(prefix);

        if (!cc)
                return 0;
        json_object_foreach((json_t *)cc, key, val) {
                if (strncmp(key, prefix, plen) || !json_is_string(val))
                        continue;
                if (!override_allowed(kf, key + plen)) {
                        LOG_WARN(lg(), "Ignoring %s: not allowed by "
                                 "connector.client.config.override.policy",
                                 key);
                        continue;
                }
                if (client_set(conf, mo, key + plen, json_string_value(val),
                               errstr, errstr_size))
                        return -1;
        }
        return 0;
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
        (void)rk;
        /* The store readers ask brokers not to create topics; the embedded
         * cluster's old Metadata version cannot, and librdkafka says so
         * at every group join. Nothing to act on. */
        if (level == 4 && fac && !strcmp(fac, "AUTOCREATE"))
                level = 7;
        if (level <= 3)
                LOG_ERROR(lg(), "librdkafka %s: %s", fac, buf);
        else if (level <= 4)
                LOG_WARN(lg(), "librdkafka %s: %s", fac, buf);
        else if (level <= 6)
                LOG_INFO(lg(), "librdkafka %s: %s", fac, buf);
        else
                LOG_DEBUG(lg(), "librdkafka %s: %s", fac, buf);
}

static rd_kafka_conf_t *base_conf(kafka_t *kf, char *errstr,
                                  size_t errstr_size)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        rd_kafka_conf_set_log_cb(conf, log_cb);
        if (conf_set(conf, "bootstrap.servers", kf->bootstrap, errstr,
                     errstr_size)) {
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        return conf;
}

/* Kafka Connect's top-level client security keys: like Java Connect,
 * they configure the worker's own clients (cluster id, sink offsets), not
 * the tasks' clients, which take producer.* / consumer.*. */
static int conf_apply_worker_keys(rd_kafka_conf_t *conf, msk_iam_opts_t *mo,
                                  const json_t *props, char *errstr,
                                  size_t errstr_size)
{
        static const char *const keys[] = {
                "security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "sasl.client.callback.handler.class", NULL,
        };
        int i;

        for (i = 0; keys[i]; i++) {
                const char *v = json_string_value(json_object_get(props,
                                                                  keys[i]));

                if (v && client_set(conf, mo, keys[i], v, errstr,
                                    errstr_size))
                        return -1;
        }
        return 0;
}

/* own: a client of the worker itself (top-level security keys apply). */
static rd_kafka_conf_t *producer_conf(kafka_t *kf, const json_t *cc, int own,
                                      char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = base_conf(kf, errstr, errstr_size);
        msk_iam_opts_t mo = { 0 };
        int failed;

        if (!conf)
                return NULL;
        /* Connect's producer defaults, and Java's key placement. A batch
         * waits 1 ms for company (Java: 0 before Kafka 4.0, librdkafka: 5):
         * fewer records in flight for the same rate, warmer in the caches
         * (bench/RESULTS.md (b''')). */
        failed = conf_set(conf, "acks", "all", errstr, errstr_size) ||
                 conf_set(conf, "linger.ms", "1", errstr, errstr_size) ||
                 conf_set(conf, "partitioner", "murmur2_random", errstr,
                          errstr_size) ||
                 (own && conf_apply_worker_keys(conf, &mo, kf->props, errstr,
                                                errstr_size)) ||
                 conf_apply_prefixed(conf, &mo, kf->props, "producer.",
                                     errstr, errstr_size) ||
                 conf_apply_overrides(kf, conf, &mo, cc, "producer.override.",
                                      errstr, errstr_size);
        return conf_finish(kf, conf, &mo, failed, errstr, errstr_size);
}

rd_kafka_conf_t *kafka_producer_conf(kafka_t *kf, const json_t *cc,
                                     char *errstr, size_t errstr_size)
{
        return producer_conf(kf, cc, 0, errstr, errstr_size);
}

static rd_kafka_conf_t *consumer_conf(kafka_t *kf, const json_t *cc,
                                      const char *group_id, int own,
                                      char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = base_conf(kf, errstr, errstr_size);
        msk_iam_opts_t mo = { 0 };
        int failed;

        if (!conf)
                return NULL;
        /* The embedded cluster only lets a group rebalance once a member
         * that left has timed out (it ignores LeaveGroup): keep that short
         * so a restarted sink rejoins in seconds, not 45 s. */
        if (kf->mcluster &&
            (conf_set(conf, "session.timeout.ms", "6000", errstr,
                      errstr_size) ||
             conf_set(conf, "heartbeat.interval.ms", "1000", errstr,
                      errstr_size))) {
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        failed = conf_set(conf, "group.id", group_id, errstr, errstr_size) ||
                 conf_set(conf, "enable.auto.commit", "false", errstr,
                          errstr_size) ||
                 conf_set(conf, "auto.offset.reset", "earliest", errstr,
                          errstr_size) ||
                 (own && conf_apply_worker_keys(conf, &mo, kf->props, errstr,
                                                errstr_size)) ||
                 conf_apply_prefixed(conf, &mo, kf->props, "consumer.",
                                     errstr, errstr_size) ||
                 conf_apply_overrides(kf, conf, &mo, cc, "consumer.override.",
                                      errstr, errstr_size);
        return conf_finish(kf, conf, &mo, failed, errstr, errstr_size);
}

rd_kafka_conf_t *kafka_consumer_conf(kafka_t *kf, const json_t *cc,
                                     const char *group_id, char *errstr,
                                     size_t errstr_size)
{
        return consumer_conf(kf, cc, group_id, 0, errstr, errstr_size);
}

/* rd_kafka_new for the clients connectd drives itself, which never call
 * rd_kafka_poll: SASL/OAUTHBEARER token refreshes (MSK IAM) are served by
 * librdkafka's background thread instead. */
static rd_kafka_t *internal_client_new(rd_kafka_type_t type,
                                       rd_kafka_conf_t *conf, char *errstr,
                                       size_t errstr_size)
{
        rd_kafka_error_t *error;
        rd_kafka_t *rk;

        rd_kafka_conf_enable_sasl_queue(conf, 1);
        rk = rd_kafka_new(type, conf, errstr, errstr_size);
        if (!rk)
                return NULL;
        /* Fails harmlessly when no SASL callback is configured. */
        error = rd_kafka_sasl_background_callbacks_enable(rk);
        if (error)
                rd_kafka_error_destroy(error);
        return rk;
}

/* ---- A fixed address for the embedded cluster's first broker ----
 *
 * librdkafka's mock brokers (2.0.2) bind a fresh socket to 127.0.0.1:0 on
 * the thread that calls rd_kafka_mock_cluster_new and advertise whatever
 * getsockname() then reports; the mock API has no address setting. So
 * mock_start binds the wanted address itself first (errors are ours to
 * report) and, for the duration of rd_kafka_mock_cluster_new on that
 * thread only, leaves the socket in listen_prebound. This file's bind()
 * hands it to the first mock broker: dup3() puts it in place of the
 * broker's own socket, which then listens on, and advertises, the fixed
 * address. Every other bind() (other threads, other sockets, any other
 * time) goes straight to the C library's. */
static __thread int listen_prebound = -1;

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
        int (*real_bind)(int, const struct sockaddr *, socklen_t);

        if (listen_prebound >= 0 && addr && len >= sizeof(struct sockaddr_in) &&
            addr->sa_family == AF_INET &&
            ((const struct sockaddr_in *)addr)->sin_port == 0) {
                int pfd = listen_prebound, rc, e;

                listen_prebound = -1;
                rc = dup3(pfd, fd, O_CLOEXEC) < 0 ? -1 : 0;
                e = errno;
                close(pfd);
                errno = e;
                return rc;
        }
        *(void **)&real_bind = dlsym(RTLD_NEXT, "bind");
        if (!real_bind) {
                errno = ENOSYS;
                return -1;
        }
        return real_bind(fd, addr, len);
}

/* Binds HOST:PORT (IPv4; HOST a name or address, not the wildcard) for the
 * first mock broker. The socket, or -1 with errstr. *want receives the
 * address the broker must then advertise. */
static int listen_prebind(const char *hostport, char *want, size_t want_size,
                          char *errstr, size_t errstr_size)
{
        struct addrinfo hints, *res = NULL;
        struct sockaddr_in sin;
        const char *colon = strrchr(hostport, ':');
        char host[256], addr[INET_ADDRSTRLEN];
        long long port;
        char *end;
        int fd = -1, on = 1, rc;

        if (!colon || colon == hostport ||
            (size_t)(colon - hostport) >= sizeof(host)) {
                snprintf(errstr, errstr_size,
                         "--listen %s: expected HOST:PORT", hostport);
                return -1;
        }
        errno = 0;
        port = strtoll(colon + 1, &end, 10);
        if (errno || end == colon + 1 || *end || port < 1 || port > 65535) {
                snprintf(errstr, errstr_size,
                         "--listen %s: the port must be a number from 1 to "
                         "65535", hostport);
                return -1;
        }
        memcpy(host, hostport, (size_t)(colon - hostport));
        host[colon - hostport] = '\0';
        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_INET; /* the mock brokers are IPv4 only */
        hints.ai_socktype = SOCK_STREAM;
        rc = getaddrinfo(host, NULL, &hints, &res);
        if (rc) {
                snprintf(errstr, errstr_size,
                         "--listen %s: cannot resolve '%s' to an IPv4 "
                         "address: %s", hostport, host, gai_strerror(rc));
                return -1;
        }
        memcpy(&sin, res->ai_addr, sizeof(sin));
        freeaddrinfo(res);
        if (sin.sin_addr.s_addr == htonl(INADDR_ANY)) {
                snprintf(errstr, errstr_size,
                         "--listen %s: give a specific address (the broker "
                         "advertises it to its clients)", hostport);
                return -1;
        }
        sin.sin_port = htons((uint16_t)port);
        inet_ntop(AF_INET, &sin.sin_addr, addr, sizeof(addr));
        snprintf(want, want_size, "%s:%lld", addr, port);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        /* SO_REUSEADDR: a cluster restarted on its address must not wait
         * for the old connections' TIME_WAIT; a live listener on the
         * address still makes bind fail. */
        if (fd < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
            bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
                snprintf(errstr, errstr_size, "--listen %s%s%s%s: %s%s",
                         hostport, strcmp(hostport, want) ? " (" : "",
                         strcmp(hostport, want) ? want : "",
                         strcmp(hostport, want) ? ")" : "", strerror(errno),
                         errno == EADDRINUSE
                                 ? " (is another cluster or program using "
                                   "it?)"
                                 : "");
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        return fd;
}

static rd_kafka_mock_cluster_t *mock_start(rd_kafka_t **rkp, int brokers,
                                           const char *listen_at,
                                           char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_mock_cluster_t *mc;
        char err[256], want[300] = "";
        rd_kafka_t *rk;
        int pfd = -1;

        rd_kafka_conf_set_log_cb(conf, log_cb);
        /* The owner handle never talks to a broker itself. */
        rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk) {
                snprintf(errstr, errstr_size, "embedded Kafka: %s", err);
                return NULL;
        }
        if (listen_at) {
                pfd = listen_prebind(listen_at, want, sizeof(want), errstr,
                                     errstr_size);
                if (pfd < 0) {
                        rd_kafka_destroy(rk);
                        return NULL;
                }
                listen_prebound = pfd;
        }
        mc = rd_kafka_mock_cluster_new(rk, brokers);
        pfd = listen_prebound; /* -1 once a broker took it */
        listen_prebound = -1;
        if (!mc) {
                if (pfd >= 0)
                        close(pfd);
                snprintf(errstr, errstr_size,
                         "embedded Kafka: could not start the cluster");
                rd_kafka_destroy(rk);
                return NULL;
        }
        if (listen_at) {
                const char *bs = rd_kafka_mock_cluster_bootstraps(mc);
                size_t n = strlen(want);

                if (pfd >= 0 || strncmp(bs, want, n) ||
                    (bs[n] && bs[n] != ',')) {
                        if (pfd >= 0)
                                close(pfd);
                        snprintf(errstr, errstr_size,
                                 "embedded Kafka: --listen %s: the broker "
                                 "did not take the address (it listens on "
                                 "%s)", listen_at, bs);
                        rd_kafka_mock_cluster_destroy(mc);
                        rd_kafka_destroy(rk);
                        return NULL;
                }
        }
        *rkp = rk;
        return mc;
}

/* Creates `topic` in the mock cluster unless it exists (replication
 * factor capped at the broker count). 0 or -1 with errstr. */
static int mock_topic_create(rd_kafka_mock_cluster_t *mc, int brokers,
                             const char *topic, int partitions, int rf,
                             char *errstr, size_t errstr_size)
{
        rd_kafka_resp_err_t err;

        if (rf < 1 || rf > brokers)
                rf = brokers;
        err = rd_kafka_mock_topic_create(mc, topic, partitions, rf);
        if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                snprintf(errstr, errstr_size,
                         "embedded Kafka: creating topic %s: %s", topic,
                         rd_kafka_err2str(err));
                return -1;
        }
        return 0;
}

/* A distributed worker config's internal topics, created with the
 * partition counts the workers expect (the mock would auto-create them
 * with 4 partitions at first use, and has no CreateTopics): config 1,
 * offsets, status and coordination as configured (-1: the broker default
 * of 1). 0 or -1 with errstr. */
static int internal_topics_create(rd_kafka_mock_cluster_t *mc, int brokers,
                                  const json_t *props, char *errstr,
                                  size_t errstr_size)
{
        static const char *const prefixes[] = {
                "config.storage.", "offset.storage.", "status.storage.",
        };
        char key[64], coord[512];
        size_t i;

        for (i = 0; i < 3; i++) {
                const char *topic;
                long long parts = 1, rf;

                snprintf(key, sizeof(key), "%stopic", prefixes[i]);
                topic = wc_get(props, key);
                if (!topic || !*topic)
                        continue;
                if (i > 0) {
                        snprintf(key, sizeof(key), "%spartitions",
                                 prefixes[i]);
                        parts = wc_get_ll(props, key);
                }
                snprintf(key, sizeof(key), "%sreplication.factor",
                         prefixes[i]);
                rf = wc_get_ll(props, key);
                if (mock_topic_create(mc, brokers, topic,
                                      parts < 1 ? 1 : (int)parts, (int)rf,
                                      errstr, errstr_size))
                        return -1;
                LOG_INFO(lg(), "Embedded Kafka: topic %s with %lld "
                         "partition(s)", topic, parts < 1 ? 1 : parts);
        }
        {
                /* The MSK Connect API's resources: one partition. */
                const char *topic = wc_get(props, "mskconnect.storage.topic");

                if (topic && *topic &&
                    mock_topic_create(mc, brokers, topic, 1,
                                      (int)wc_get_ll(props, "config.storage."
                                                     "replication.factor"),
                                      errstr, errstr_size))
                        return -1;
        }
        wc_coordination_topic(props, coord, sizeof(coord));
        if (mock_topic_create(mc, brokers, coord,
                              (int)wc_get_ll(props,
                                             "coordination.storage.partitions"),
                              -1, errstr, errstr_size))
                return -1;
        LOG_INFO(lg(), "Embedded Kafka: topic %s with %lld partition(s)",
                 coord, wc_get_ll(props, "coordination.storage.partitions"));
        return 0;
}

/* Fetches the cluster id in the background, retrying until it is known. */
static void *cluster_id_main(void *arg)
{
        kafka_t *kf = arg;
        char errstr[256];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        int logged = 0;

        conf = producer_conf(kf, NULL, 1, errstr, sizeof(errstr));
        if (!conf) {
                LOG_ERROR(lg(), "%s", errstr);
                return NULL;
        }
        rk = internal_client_new(RD_KAFKA_PRODUCER, conf, errstr,
                                 sizeof(errstr));
        if (!rk) {
                LOG_ERROR(lg(), "Kafka client: %s", errstr);
                rd_kafka_conf_destroy(conf); /* still ours on failure */
                return NULL;
        }
        /* Short waits, so a worker stopping with its cluster unreachable
         * is not held up here beyond its graceful deadline. */
        while (!kf->terminating) {
                char *id = rd_kafka_clusterid(rk, 200);
                if (id) {
                        pthread_mutex_lock(&kf->lock);
                        kf->cluster_id = strdup(id);
                        pthread_mutex_unlock(&kf->lock);
                        rd_kafka_mem_free(rk, id);
                        LOG_INFO(lg(), "Kafka cluster id is %s (bootstrap %s)",
                                 kf->cluster_id, kf->bootstrap);
                        break;
                }
                if (++logged == 5)
                        LOG_WARN(lg(),
                                 "Kafka cluster at %s is not answering yet; "
                                 "will keep trying",
                                 kf->bootstrap);
        }
        rd_kafka_destroy(rk);
        return NULL;
}

/* Checks the SASL settings connectd maps itself (AWS_MSK_IAM, JAAS lines,
 * callback handlers) among the worker's `prefix`-ed keys (NULL: top-level
 * ones), so that a setting that can never work stops the start instead of
 * failing every client later. */
static int sasl_settings_check(kafka_t *kf, const char *prefix, char *errstr,
                               size_t errstr_size)
{
        rd_kafka_conf_t *conf = base_conf(kf, errstr, errstr_size);
        msk_iam_opts_t mo = { 0 };
        size_t plen = prefix ? strlen(prefix) : 0;
        char err[512] = "";
        const char *key;
        json_t *val;
        int rc = -1;

        if (!conf)
                return -1;
        json_object_foreach(kf->props, key, val) {
                if ((prefix && strncmp(key, prefix, plen)) ||
                    !json_is_string(val))
                        continue;
                if (msk_iam_opts_take(&mo, key + plen, json_string_value(val),
                                      err, sizeof(err)) < 0)
                        goto out;
        }
        if (msk_iam_opts_apply(&mo, conf, wc_get(kf->props, "msk.iam.region"),
                               err, sizeof(err)))
                goto out;
        rc = 0;
out:
        if (rc)
                snprintf(errstr, errstr_size, "%s%s%s", prefix ? prefix : "",
                         prefix ? "*: " : "", err);
        msk_iam_opts_clear(&mo);
        rd_kafka_conf_destroy(conf);
        return rc;
}

kafka_t *kafka_new(const json_t *props, char *errstr, size_t errstr_size)
{
        kafka_t *kf = calloc(1, sizeof(*kf));
        const char *bs = wc_get(props, "bootstrap.servers");

        if (!kf) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        pthread_mutex_init(&kf->lock, NULL);
        kf->props = json_incref((json_t *)props);
        if (bs && *bs) {
                kf->bootstrap = strdup(bs);
        } else {
                kf->mcluster = mock_start(&kf->mock_rk, 1, NULL, errstr,
                                          errstr_size);
                if (!kf->mcluster)
                        goto fail;
                /* Before anyone has the address: no client can have
                 * auto-created them with the mock's 4 partitions. */
                if (wc_is_distributed(props) &&
                    internal_topics_create(kf->mcluster, 1, props, errstr,
                                           errstr_size))
                        goto fail;
                kf->bootstrap =
                        strdup(rd_kafka_mock_cluster_bootstraps(kf->mcluster));
                LOG_INFO(lg(), "Embedded Kafka cluster listening on %s",
                         kf->bootstrap);
        }
        if (sasl_settings_check(kf, NULL, errstr, errstr_size) ||
            sasl_settings_check(kf, "producer.", errstr, errstr_size) ||
            sasl_settings_check(kf, "consumer.", errstr, errstr_size))
                goto fail;
        if (pthread_create(&kf->id_thread, NULL, cluster_id_main, kf) == 0)
                kf->id_thread_started = 1;
        return kf;
fail:
        kafka_destroy(kf);
        return NULL;
}

void kafka_destroy(kafka_t *kf)
{
        size_t i;

        if (!kf)
                return;
        kf->terminating = 1;
        if (kf->id_thread_started)
                pthread_join(kf->id_thread, NULL);
        if (kf->mcluster)
                rd_kafka_mock_cluster_destroy(kf->mcluster);
        if (kf->mock_rk)
                rd_kafka_destroy(kf->mock_rk);
        for (i = 0; i < kf->ntopics; i++)
                free(kf->topics[i]);
        free(kf->topics);
        free(kf->bootstrap);
        free(kf->cluster_id);
        json_decref(kf->props);
        pthread_mutex_destroy(&kf->lock);
        free(kf);
}

const char *kafka_bootstrap(const kafka_t *kf)
{
        return kf->bootstrap;
}

int kafka_is_embedded(const kafka_t *kf)
{
        return kf->mcluster != NULL;
}

const char *kafka_cluster_id(kafka_t *kf)
{
        const char *id;

        pthread_mutex_lock(&kf->lock);
        id = kf->cluster_id; /* set once, never freed before destroy */
        pthread_mutex_unlock(&kf->lock);
        return id;
}

void kafka_topic_ensure(kafka_t *kf, const char *topic)
{
        size_t i;

        if (!kf->mcluster)
                return;
        pthread_mutex_lock(&kf->lock);
        for (i = 0; i < kf->ntopics; i++)
                if (!strcmp(kf->topics[i], topic))
                        goto out;
        if (kf->ntopics < KAFKA_MAX_TOPICS) {
                char **t = realloc(kf->topics,
                                   (kf->ntopics + 1) * sizeof(*t));
                if (t) {
                        kf->topics = t;
                        kf->topics[kf->ntopics++] = strdup(topic);
                }
        }
        /* Kafka's num.partitions default is 1; the mock would make 4. An
         * error here means it exists already, which is fine. */
        rd_kafka_mock_topic_create(kf->mcluster, topic, 1, 1);
out:
        pthread_mutex_unlock(&kf->lock);
}

/* 1 when the cluster lists `topic` (a metadata request for all topics,
 * which never auto-creates one), 0 when not, -1 with errstr. */
static int topic_listed(rd_kafka_t *rk, const char *topic, int timeout_ms,
                        char *errstr, size_t errstr_size)
{
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err;
        int i, found = 0;

        err = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
        if (err) {
                snprintf(errstr, errstr_size, "listing topics: %s",
                         rd_kafka_err2str(err));
                return -1;
        }
        for (i = 0; i < md->topic_cnt; i++)
                if (!strcmp(md->topics[i].topic, topic) &&
                    md->topics[i].err !=
                            RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
                        found = 1;
        rd_kafka_metadata_destroy(md);
        return found;
}

int kafka_topic_create(kafka_t *kf, rd_kafka_t *rk, const char *topic,
                       int partitions, int rf, int timeout_ms, char *errstr,
                       size_t errstr_size)
{
        rd_kafka_NewTopic_t *nt = NULL;
        rd_kafka_AdminOptions_t *opts = NULL;
        rd_kafka_queue_t *q = NULL;
        rd_kafka_event_t *ev = NULL;
        const rd_kafka_CreateTopics_result_t *res;
        const rd_kafka_topic_result_t **tr;
        size_t ntr;
        char tmp[512];
        int rc = -1, listed;

        listed = topic_listed(rk, topic, timeout_ms, errstr, errstr_size);
        if (listed != 0)
                return listed;
        if (kf->mcluster) {
                /* The mock has no CreateTopics; check what a broker
                 * checks. */
                if (rf > 1 || rf < -1 || rf == 0) {
                        snprintf(errstr, errstr_size,
                                 "org.apache.kafka.common.errors."
                                 "InvalidReplicationFactorException: Unable "
                                 "to replicate the partition %d time(s): The "
                                 "target replication factor of %d cannot be "
                                 "reached because only 1 broker(s) are "
                                 "registered.", rf, rf);
                        return -1;
                }
                if (kafka_embedded_topic_create(kf, topic, partitions, errstr,
                                                errstr_size))
                        return -1;
                kafka_topic_ensure(kf, topic);
                return 0;
        }
        nt = rd_kafka_NewTopic_new(topic, partitions, rf, tmp, sizeof(tmp));
        if (!nt) {
                snprintf(errstr, errstr_size, "%s", tmp);
                goto out;
        }
        opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, NULL,
                                                    0);
        rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, NULL, 0);
        q = rd_kafka_queue_new(rk);
        rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
        ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
        if (!ev) {
                snprintf(errstr, errstr_size,
                         "org.apache.kafka.common.errors.TimeoutException: "
                         "creating topic %s timed out", topic);
                goto out;
        }
        if (rd_kafka_event_error(ev)) {
                snprintf(errstr, errstr_size, "%s",
                         rd_kafka_event_error_string(ev));
                goto out;
        }
        res = rd_kafka_event_CreateTopics_result(ev);
        tr = res ? rd_kafka_CreateTopics_result_topics(res, &ntr) : NULL;
        if (!tr || ntr < 1) {
                snprintf(errstr, errstr_size, "no CreateTopics result");
                goto out;
        }
        if (rd_kafka_topic_result_error(tr[0]) ==
            RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                rc = 1;
        } else if (rd_kafka_topic_result_error(tr[0])) {
                const char *m = rd_kafka_topic_result_error_string(tr[0]);
                snprintf(errstr, errstr_size, "%s",
                         m ? m : rd_kafka_err2str(
                                         rd_kafka_topic_result_error(tr[0])));
        } else {
                rc = 0;
        }
out:
        if (ev)
                rd_kafka_event_destroy(ev);
        if (q)
                rd_kafka_queue_destroy(q);
        if (opts)
                rd_kafka_AdminOptions_destroy(opts);
        if (nt)
                rd_kafka_NewTopic_destroy(nt);
        return rc;
}

int kafka_embedded_topic_create(kafka_t *kf, const char *topic,
                                int partitions, char *errstr,
                                size_t errstr_size)
{
        int rc;

        if (!kf->mcluster) {
                snprintf(errstr, errstr_size,
                         "not an embedded Kafka cluster");
                return -1;
        }
        pthread_mutex_lock(&kf->lock);
        rc = mock_topic_create(kf->mcluster, 1, topic, partitions, 1, errstr,
                               errstr_size);
        pthread_mutex_unlock(&kf->lock);
        return rc;
}

int kafka_embedded_only_main(const kafka_embedded_opts_t *o)
{
        char errstr[1024];
        rd_kafka_t *rk = NULL;
        rd_kafka_mock_cluster_t *mc;
        sigset_t sigs;
        int sig = 0, brokers = o->brokers > 0 ? o->brokers : 1;
        size_t i;

        /* Block before the cluster's threads start; sigwait takes them. */
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGTERM);
        sigaddset(&sigs, SIGINT);
        pthread_sigmask(SIG_BLOCK, &sigs, NULL);

        mc = mock_start(&rk, brokers, o->listen, errstr, sizeof(errstr));
        if (!mc) {
                fprintf(stderr, "connectd: %s\n", errstr);
                return 1;
        }
        /* Topics first: the address printed below is what clients wait
         * for, and a client's first use would auto-create a topic with the
         * mock's 4 partitions. */
        if (o->worker_props &&
            internal_topics_create(mc, brokers, o->worker_props, errstr,
                                   sizeof(errstr)))
                goto fail;
        for (i = 0; i < o->ntopics; i++) {
                if (mock_topic_create(mc, brokers, o->topics[i].name,
                                      o->topics[i].partitions, -1, errstr,
                                      sizeof(errstr)))
                        goto fail;
                LOG_INFO(lg(), "Embedded Kafka: topic %s with %d "
                         "partition(s)", o->topics[i].name,
                         o->topics[i].partitions);
        }
        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);
        LOG_INFO(lg(), "Embedded Kafka cluster listening on %s",
                 rd_kafka_mock_cluster_bootstraps(mc));
        while (sigwait(&sigs, &sig) == 0 && sig != SIGTERM && sig != SIGINT)
                ;
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
fail:
        fprintf(stderr, "connectd: %s\n", errstr);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 1;
}

/* Committed offsets of consumer group `group` for every partition of the
 * comma-separated `topics`, in Connect's sink offsets form:
 * [{"partition":{"kafka_topic":t,"kafka_partition":p},
 *   "offset":{"kafka_offset":o}}]. 0 or -1 with errstr. */
int kafka_group_offsets(kafka_t *kf, const char *group, const char *topics,
                        json_t **out, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk = NULL;
        rd_kafka_topic_partition_list_t *parts = NULL;
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err;
        char *copy = NULL, *save = NULL, *tok;
        json_t *arr = json_array();
        int i, j, rc = -1;

        conf = consumer_conf(kf, NULL, group, 1, errstr, errstr_size);
        if (!conf)
                goto out;
        rk = internal_client_new(RD_KAFKA_CONSUMER, conf, errstr,
                                 errstr_size);
        if (!rk) {
                rd_kafka_conf_destroy(conf);
                goto out;
        }
        err = rd_kafka_metadata(rk, 1, NULL, &md, 5000);
        if (err) {
                snprintf(errstr, errstr_size, "Kafka metadata: %s",
                         rd_kafka_err2str(err));
                goto out;
        }
        parts = rd_kafka_topic_partition_list_new(8);
        copy = strdup(topics ? topics : "");
        for (tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                size_t len;
                while (*tok == ' ')
                        tok++;
                len = strlen(tok);
                while (len && tok[len - 1] == ' ')
                        tok[--len] = '\0';
                for (i = 0; i < md->topic_cnt; i++) {
                        if (strcmp(md->topics[i].topic, tok))
                                continue;
                        for (j = 0; j < md->topics[i].partition_cnt; j++)
                                rd_kafka_topic_partition_list_add(
                                        parts, tok,
                                        md->topics[i].partitions[j].id);
                }
        }
        if (parts->cnt) {
                err = rd_kafka_committed(rk, parts, 5000);
                if (err) {
                        snprintf(errstr, errstr_size,
                                 "Fetching committed offsets: %s",
                                 rd_kafka_err2str(err));
                        goto out;
                }
        }
        for (i = 0; i < parts->cnt; i++) {
                rd_kafka_topic_partition_t *p = &parts->elems[i];
                if (p->offset < 0)
                        continue;
                json_array_append_new(
                        arr, json_pack("{s:{s:s, s:i}, s:{s:I}}", "partition",
                                       "kafka_topic", p->topic,
                                       "kafka_partition", (int)p->partition,
                                       "offset", "kafka_offset",
                                       (json_int_t)p->offset));
        }
        *out = arr;
        arr = NULL;
        rc = 0;
out:
        json_decref(arr);
        free(copy);
        if (md)
                rd_kafka_metadata_destroy(md);
        if (parts)
                rd_kafka_topic_partition_list_destroy(parts);
        if (rk)
                rd_kafka_destroy(rk);
        return rc;
}
