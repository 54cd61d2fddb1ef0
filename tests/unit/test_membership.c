/*
 * Unit tests for server/herder/membership.c against librdkafka's mock
 * cluster in this process: several members (each with its own three
 * clients) join one group over a pre-created coordination topic.
 *
 * A "crash" is a network cut of one member: every socket its clients hold
 * is shut down and every new connection refused (socket, connect and
 * closesocket callbacks on its client configs), so it stops heartbeating
 * without a LeaveGroup, exactly like a killed process as far as the
 * coordinator can tell, and it must notice the lapsed session itself.
 *
 * Waits poll with a deadline (scaled by CONNECTD_TEST_TIMEOUT_MULT).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "membership.h"

#define TOPIC "connectd-coordination-test"
#define PARTS 8
#define SESSION_MS 3000
#define HEARTBEAT_MS 500
#define MAX_MEMBERS 6

struct member {
        membership_t *m;
        char worker_id[32];
        char url[64];
        pthread_mutex_t lock;
        json_t *view;           /* latest view */
        int views;
        json_t *assignments;    /* every assignment, in order */
        json_t *acks;           /* worker_id -> latest ack */
        int lost;
        long long lost_at;      /* now_ms() of the first loss */
};

static rd_kafka_t *mock_rk;
static rd_kafka_mock_cluster_t *mcluster;
static char bootstraps[256];
static struct member members[MAX_MEMBERS];
static char err[512];

/* ---- network cut ---------------------------------------------------- */

#define MAX_FDS 1024
static pthread_mutex_t net_lock = PTHREAD_MUTEX_INITIALIZER;
static void *fd_owner[MAX_FDS];         /* client opaque per open socket */
static int fd_port[MAX_FDS];            /* its local port once connecting */
static void *cut_owner;                 /* the member cut off, if any */

static int socket_cb(int domain, int type, int protocol, void *opaque)
{
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);

        if (fd >= 0 && fd < MAX_FDS) {
                pthread_mutex_lock(&net_lock);
                fd_owner[fd] = opaque;
                pthread_mutex_unlock(&net_lock);
        }
        return fd;
}

static int local_port(int fd)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);

        if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
                return -1;
        if (ss.ss_family == AF_INET)
                return ntohs(((struct sockaddr_in *)&ss)->sin_port);
        if (ss.ss_family == AF_INET6)
                return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        return -1;
}

static int connect_cb(int fd, const struct sockaddr *addr, int addrlen,
                      const char *id, void *opaque)
{
        int cut;

        (void)id;
        pthread_mutex_lock(&net_lock);
        cut = cut_owner && opaque == cut_owner;
        pthread_mutex_unlock(&net_lock);
        if (cut)
                return ECONNREFUSED;
        if (connect(fd, addr, (socklen_t)addrlen) == -1 &&
            errno != EINPROGRESS)
                return errno;
        if (fd < MAX_FDS) {
                pthread_mutex_lock(&net_lock);
                fd_port[fd] = local_port(fd);
                pthread_mutex_unlock(&net_lock);
        }
        return 0;
}

static int closesocket_cb(int fd, void *opaque)
{
        (void)opaque;
        pthread_mutex_lock(&net_lock);
        if (fd >= 0 && fd < MAX_FDS) {
                fd_owner[fd] = NULL;
                fd_port[fd] = 0;
        }
        close(fd);
        pthread_mutex_unlock(&net_lock);
        return 0;
}

/* Cuts every connection of the member whose clients have `opaque`. */
static void net_cut(void *opaque)
{
        int fd;

        pthread_mutex_lock(&net_lock);
        cut_owner = opaque;
        for (fd = 0; fd < MAX_FDS; fd++)
                /* The port check guards against a number reused. */
                if (fd_owner[fd] == opaque && fd_port[fd] > 0 &&
                    local_port(fd) == fd_port[fd])
                        shutdown(fd, SHUT_RDWR);
        pthread_mutex_unlock(&net_lock);
}

/* ---- helpers -------------------------------------------------------- */

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int scaled(int ms)
{
        const char *e = getenv("CONNECTD_TEST_TIMEOUT_MULT");
        double f = e ? atof(e) : 1.0;

        return (int)(ms * (f >= 1.0 ? f : 1.0));
}

static void nap(void)
{
        struct timespec ts = {0, 10 * 1000000};

        nanosleep(&ts, NULL);
}

static void quiet_log(const rd_kafka_t *rk, int level, const char *fac,
                      const char *buf)
{
        (void)rk;
        (void)level;
        (void)fac;
        (void)buf;
}

static rd_kafka_conf_t *client_conf(void)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        cr_assert(rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps,
                                    err, sizeof(err)) == RD_KAFKA_CONF_OK,
                  "%s", err);
        if (!getenv("MEMBERSHIP_TEST_DEBUG"))
                rd_kafka_conf_set_log_cb(conf, quiet_log);
        else
                rd_kafka_conf_set(conf, "debug",
                                  getenv("MEMBERSHIP_TEST_DEBUG"), err,
                                  sizeof(err));
        rd_kafka_conf_set_socket_cb(conf, socket_cb);
        rd_kafka_conf_set_connect_cb(conf, connect_cb);
        rd_kafka_conf_set_closesocket_cb(conf, closesocket_cb);
        return conf;
}

static void mock_up(int partitions)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        if (!getenv("MEMBERSHIP_TEST_DEBUG"))
                rd_kafka_conf_set_log_cb(conf, quiet_log);
        else
                rd_kafka_conf_set(conf, "debug", "mock", err, sizeof(err));
        mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        cr_assert_not_null(mock_rk, "%s", err);
        mcluster = rd_kafka_mock_cluster_new(mock_rk, 1);
        cr_assert_not_null(mcluster);
        cr_assert_eq(rd_kafka_mock_topic_create(mcluster, TOPIC, partitions,
                                                1),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
        snprintf(bootstraps, sizeof(bootstraps), "%s",
                 rd_kafka_mock_cluster_bootstraps(mcluster));
}

static void on_view(void *opaque, const json_t *view)
{
        struct member *mb = opaque;

        pthread_mutex_lock(&mb->lock);
        json_decref(mb->view);
        mb->view = json_deep_copy(view);
        mb->views++;
        pthread_mutex_unlock(&mb->lock);
}

static void on_lost(void *opaque)
{
        struct member *mb = opaque;

        pthread_mutex_lock(&mb->lock);
        if (!mb->lost++)
                mb->lost_at = now_ms();
        pthread_mutex_unlock(&mb->lock);
}

static void on_assignment(void *opaque, const json_t *a)
{
        struct member *mb = opaque;

        pthread_mutex_lock(&mb->lock);
        json_array_append_new(mb->assignments, json_deep_copy(a));
        pthread_mutex_unlock(&mb->lock);
}

static void on_ack(void *opaque, const char *worker_id, const json_t *ack)
{
        struct member *mb = opaque;

        pthread_mutex_lock(&mb->lock);
        json_object_set_new(mb->acks, worker_id, json_deep_copy(ack));
        pthread_mutex_unlock(&mb->lock);
}

static membership_t *member_new(int i, const char *topic, int partitions)
{
        struct member *mb = &members[i];
        membership_listener_t listener = {mb, on_view, on_lost,
                                          on_assignment, on_ack};
        membership_config_t cfg = {
                .group_id = "connect-cluster",
                .topic = topic,
                .partitions = partitions,
                .session_timeout_ms = SESSION_MS,
                .heartbeat_interval_ms = HEARTBEAT_MS,
                .rebalance_timeout_ms = 10000,
                .worker_id = mb->worker_id,
                .url = mb->url,
        };

        snprintf(mb->worker_id, sizeof(mb->worker_id), "w%d:8083", i + 1);
        snprintf(mb->url, sizeof(mb->url), "http://w%d:8083/", i + 1);
        pthread_mutex_init(&mb->lock, NULL);
        mb->assignments = json_array();
        mb->acks = json_object();
        mb->m = membership_new(&cfg, client_conf(), client_conf(),
                               client_conf(), &listener, err, sizeof(err));
        return mb->m;
}

static void member_start(int i)
{
        cr_assert_not_null(member_new(i, TOPIC, PARTS), "%s", err);
        cr_assert_eq(membership_start(members[i].m, err, sizeof(err)), 0,
                     "%s", err);
}

static void member_free(int i)
{
        struct member *mb = &members[i];

        if (!mb->assignments)
                return;
        membership_destroy(mb->m);
        json_decref(mb->view);
        json_decref(mb->assignments);
        json_decref(mb->acks);
        pthread_mutex_destroy(&mb->lock);
        memset(mb, 0, sizeof(*mb));
}

static void teardown(void)
{
        int i;

        for (i = 0; i < MAX_MEMBERS; i++)
                member_free(i);
        if (mcluster)
                rd_kafka_mock_cluster_destroy(mcluster);
        if (mock_rk)
                rd_kafka_destroy(mock_rk);
        mcluster = NULL;
        mock_rk = NULL;
}

/* The member's latest view lists exactly the workers in `set` (indexes)
 * and names `*leader` (NULL: any, then set to it); 1 if so. */
static int view_is(int i, const int *set, int n, char *leader,
                   size_t leader_size)
{
        struct member *mb = &members[i];
        const json_t *mem;
        int k, ok = 0;

        pthread_mutex_lock(&mb->lock);
        mem = json_object_get(mb->view, "members");
        if (!mb->view || json_object_size(mem) != (size_t)n)
                goto out;
        for (k = 0; k < n; k++) {
                const char *url = json_string_value(
                        json_object_get(mem, members[set[k]].worker_id));
                if (!url || strcmp(url, members[set[k]].url) != 0)
                        goto out;
        }
        if (leader[0] && strcmp(leader, json_string_value(json_object_get(
                                                mb->view, "leader"))) != 0)
                goto out;
        if (!leader[0])
                snprintf(leader, leader_size, "%s",
                         json_string_value(json_object_get(mb->view,
                                                           "leader")));
        ok = 1;
out:
        pthread_mutex_unlock(&mb->lock);
        return ok;
}

/* All members in `set` see the view of exactly `set` with one leader. */
static int all_see(const int *set, int n, char *leader, size_t leader_size)
{
        int k;

        leader[0] = '\0';
        for (k = 0; k < n; k++)
                if (!view_is(set[k], set, n, leader, leader_size))
                        return 0;
        return 1;
}

/* Waits until every member of `set` sees the view of `set` and exactly
 * one of them leads it; returns the elapsed ms (fails on the deadline). */
static long long wait_view(const int *set, int n, int timeout_ms,
                           int *leader_idx)
{
        long long t0 = now_ms(), deadline = t0 + scaled(timeout_ms);
        char leader[64];

        for (;;) {
                if (all_see(set, n, leader, sizeof(leader))) {
                        int k, nlead = 0, who = -1;
                        for (k = 0; k < n; k++)
                                if (membership_is_leader(members[set[k]].m)) {
                                        nlead++;
                                        who = set[k];
                                }
                        if (nlead == 1 &&
                            strcmp(members[who].worker_id, leader) == 0) {
                                *leader_idx = who;
                                return now_ms() - t0;
                        }
                }
                cr_assert(now_ms() < deadline,
                          "no common view of %d members within %d ms", n,
                          scaled(timeout_ms));
                nap();
        }
}

static int self_leader(int i)
{
        int r;

        pthread_mutex_lock(&members[i].lock);
        r = json_is_true(json_object_get(members[i].view, "self_leader"));
        pthread_mutex_unlock(&members[i].lock);
        return r;
}

/* Index of the member's last assignment whose "round" is `round`, or -1;
 * *forged is set if any assignment carries "forged". */
static int has_round(int i, const char *round, int *forged)
{
        struct member *mb = &members[i];
        size_t k;
        json_t *a;
        int found = -1;

        pthread_mutex_lock(&mb->lock);
        json_array_foreach(mb->assignments, k, a) {
                const char *r = json_string_value(json_object_get(a, "round"));
                if (r && strcmp(r, round) == 0)
                        found = (int)k;
                if (json_object_get(a, "forged"))
                        *forged = 1;
        }
        pthread_mutex_unlock(&mb->lock);
        return found;
}

static void wait_round(const int *set, int n, const char *round,
                       int timeout_ms)
{
        long long deadline = now_ms() + scaled(timeout_ms);
        int k, forged = 0;

        for (;;) {
                int got = 0;
                for (k = 0; k < n; k++)
                        if (has_round(set[k], round, &forged) >= 0)
                                got++;
                cr_assert_eq(forged, 0, "a forged assignment was delivered");
                if (got == n)
                        return;
                cr_assert(now_ms() < deadline,
                          "assignment %s not delivered to all", round);
                nap();
        }
}

static int publish(int i, const char *round)
{
        json_t *a = json_pack("{s:s, s:[s]}", "round", round, "tasks",
                              "src-0");
        int rc = membership_publish_assignment(members[i].m, a, err,
                                               sizeof(err));
        json_decref(a);
        return rc;
}

/* Writes an assignment record straight to partition 0, as a deposed leader
 * whose write arrives late would. */
static void write_raw_assignment(const char *value)
{
        rd_kafka_t *rk;
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps, err,
                          sizeof(err));
        rd_kafka_conf_set_log_cb(conf, quiet_log);
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        cr_assert_not_null(rk, "%s", err);
        cr_assert_eq(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(TOPIC),
                                       RD_KAFKA_V_PARTITION(0),
                                       RD_KAFKA_V_KEY("assignment", 10),
                                       RD_KAFKA_V_VALUE((void *)value,
                                                        strlen(value)),
                                       RD_KAFKA_V_MSGFLAGS(
                                               RD_KAFKA_MSG_F_COPY),
                                       RD_KAFKA_V_END),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
        cr_assert_eq(rd_kafka_flush(rk, scaled(10000)),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_destroy(rk);
}

/* ---- tests ---------------------------------------------------------- */

TestSuite(membership, .fini = teardown, .timeout = 240);

Test(membership, three_members_one_view_one_leader_and_assignments)
{
        int all3[] = {0, 1, 2}, rest[2], n = 0;
        int leader, other, k, forged = 0;
        long long t0, ms, total;
        json_t *first, *ack;
        char old_leader[256], old_nonce[64], *forged_value;

        mock_up(PARTS);
        t0 = now_ms();
        for (k = 0; k < 3; k++)
                member_start(k);
        ms = wait_view(all3, 3, 30000, &leader);
        printf("membership: view of 3 formed %lld ms after the start\n",
               now_ms() - t0);
        (void)ms;
        for (k = 0; k < 3; k++)
                cr_assert_eq(self_leader(k), k == leader,
                             "self_leader of w%d", k + 1);

        /* Only the leader may publish; everyone gets its assignment. */
        other = (leader + 1) % 3;
        cr_assert_eq(publish(other, "refused"), -1);
        cr_assert_eq(publish(leader, "1"), 0, "%s", err);
        wait_round(all3, 3, "1", 10000);
        k = has_round(other, "1", &forged);
        pthread_mutex_lock(&members[other].lock);
        first = json_array_get(members[other].assignments, (size_t)k);
        snprintf(old_leader, sizeof(old_leader), "%s",
                 json_string_value(json_object_get(first, "leader")));
        snprintf(old_nonce, sizeof(old_nonce), "%s",
                 json_string_value(json_object_get(first, "nonce")));
        pthread_mutex_unlock(&members[other].lock);
        cr_assert_neq(old_leader[0], '\0');
        cr_assert_eq(strlen(old_nonce), 16);
        for (k = 0; k < 3; k++)
                cr_assert_eq(has_round(k, "refused", &forged), -1);

        /* Acks reach every member, latest per worker. */
        ack = json_pack("{s:[s]}", "running", "src-0");
        cr_assert_eq(membership_publish_ack(members[other].m, ack, err,
                                            sizeof(err)), 0, "%s", err);
        json_decref(ack);
        {
                long long deadline = now_ms() + scaled(10000);
                for (;;) {
                        int got = 0;
                        for (k = 0; k < 3; k++) {
                                pthread_mutex_lock(&members[k].lock);
                                got += json_object_get(
                                               members[k].acks,
                                               members[other].worker_id) != NULL;
                                pthread_mutex_unlock(&members[k].lock);
                        }
                        if (got == 3)
                                break;
                        cr_assert(now_ms() < deadline, "ack not delivered");
                        nap();
                }
        }

        /* A clean leave of a non-leader: the others see a view of 2. */
        for (k = 0; k < 3; k++)
                if (k != other)
                        rest[n++] = k;
        t0 = now_ms();
        membership_leave(members[other].m);
        ms = wait_view(rest, 2, 15000, &leader);
        total = now_ms() - t0;
        printf("membership: view of 2 seen by both %lld ms after "
               "membership_leave started (%lld ms after it returned)\n",
               total, ms);
        /* Eviction would take the session timeout plus the mock's join
         * wait (session timeout - 1000 ms): >= 5 s here. */
        cr_assert_lt(total, scaled(SESSION_MS + 1500),
                     "a clean leave must not wait for the session timeout");

        /* The previous round's (leader, nonce) is behind a newer claim on
         * partition 0 now: a late write with it is ignored by everyone.
         * The next valid assignment proves the reader got past it. */
        forged_value = NULL;
        cr_assert(asprintf(&forged_value,
                           "{\"leader\":\"%s\",\"nonce\":\"%s\","
                           "\"round\":\"forged\",\"forged\":true}",
                           old_leader, old_nonce) > 0);
        write_raw_assignment(forged_value);
        free(forged_value);
        cr_assert_eq(publish(leader, "2"), 0, "%s", err);
        wait_round(rest, 2, "2", 10000);
        for (k = 0; k < 2; k++) {
                forged = 0;
                has_round(rest[k], "2", &forged);
                cr_assert_eq(forged, 0);
        }
}

Test(membership, crash_is_noticed_after_the_session_timeout)
{
        int all3[] = {0, 1, 2}, rest[2], n = 0;
        int leader, victim, k, lost;
        long long t0, ms, deadline, lost_at;

        mock_up(PARTS);
        for (k = 0; k < 3; k++)
                member_start(k);
        wait_view(all3, 3, 30000, &leader);

        /* The leader crashes: no LeaveGroup, no heartbeats. */
        victim = leader;
        for (k = 0; k < 3; k++)
                if (k != victim)
                        rest[n++] = k;
        t0 = now_ms();
        net_cut(members[victim].m);
        ms = wait_view(rest, 2, 30000, &leader);
        printf("membership: view of 2 after a crash: %lld ms (session "
               "timeout %d ms)\n", ms, SESSION_MS);
        cr_assert_neq(leader, victim);
        cr_assert_geq(ms, SESSION_MS - 1000,
                      "evicted before the session timeout?");

        /* The cut-off member finds out by itself and stops being leader. */
        deadline = t0 + scaled(SESSION_MS + 10000);
        for (;;) {
                pthread_mutex_lock(&members[victim].lock);
                lost = members[victim].lost;
                lost_at = members[victim].lost_at;
                pthread_mutex_unlock(&members[victim].lock);
                if (lost)
                        break;
                cr_assert(now_ms() < deadline, "membership loss not reported");
                nap();
        }
        printf("membership: the crashed member reported the loss after "
               "%lld ms\n", lost_at - t0);
        cr_assert_eq(membership_is_leader(members[victim].m), 0);
        cr_assert_eq(publish(victim, "stale"), -1);
}

Test(membership, a_fourth_member_joins)
{
        int all3[] = {0, 1, 2}, all4[] = {0, 1, 2, 3};
        int leader, k;
        long long ms;

        mock_up(PARTS);
        for (k = 0; k < 3; k++)
                member_start(k);
        wait_view(all3, 3, 30000, &leader);
        cr_assert_eq(publish(leader, "1"), 0, "%s", err);

        member_start(3);
        ms = wait_view(all4, 4, 30000, &leader);
        printf("membership: view of 4 after a join: %lld ms\n", ms);
        /* The newcomer gets the last valid assignment from the log. */
        wait_round(all4, 4, "1", 10000);
}

Test(membership, start_refuses_a_topic_of_another_partition_count)
{
        mock_up(PARTS / 2);
        cr_assert_not_null(member_new(0, TOPIC, PARTS), "%s", err);
        cr_assert_eq(membership_start(members[0].m, err, sizeof(err)), -1);
        cr_assert(strstr(err, "partitions"), "%s", err);
}

Test(membership, a_restarted_cluster_ignores_the_dead_view_in_the_log)
{
        int all3[] = {0, 1, 2}, alone[] = {3};
        int leader, k, views;
        const json_t *mem;

        mock_up(PARTS);
        for (k = 0; k < 3; k++)
                member_start(k);
        wait_view(all3, 3, 30000, &leader);
        /* Everybody stops: the log ends in a complete view of 3. */
        for (k = 0; k < 3; k++)
                membership_leave(members[k].m);

        member_start(3);
        wait_view(alone, 1, 30000, &leader);
        cr_assert_eq(leader, 3);
        pthread_mutex_lock(&members[3].lock);
        views = members[3].views;
        mem = json_object_get(members[3].view, "members");
        cr_assert_eq(json_object_size(mem), 1);
        pthread_mutex_unlock(&members[3].lock);
        cr_assert_eq(views, 1, "the dead view of 3 was reported first");
}
