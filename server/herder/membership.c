/*
 * membership — group membership, leader and consistent view on the
 * coordination topic (the protocol is described in membership.h).
 *
 * DESIGN
 * Three client handles, each owned here from membership_new to
 * membership_destroy:
 *  - group_rk: the membership consumer. It joins group.id (roundrobin,
 *    eager) subscribed to the coordination topic and never reads a record:
 *    its partitions are assigned at the end and paused at once. Its only
 *    product is the rebalance callback, which records the assignment under
 *    a fresh nonce and writes one claim per owned partition.
 *  - reader_rk: a plain reader assign()ed to every partition from the
 *    beginning (a group id of its own that never commits and never joins).
 *    It keeps the latest claim per partition, decides the consistent view,
 *    validates assignments on partition 0 and collects acks.
 *  - producer_rk: claims, assignments and acks (explicit partition,
 *    acks=all).
 *
 * Threads: the poll thread serves group_rk (rebalance callback, lost
 * detection) and the producer's delivery reports; the reader thread serves
 * reader_rk and calls the listener's view/assignment/ack. `lost` is called
 * from the poll thread. Neither thread ever waits for caller code other
 * than the listener's (which must be quick).
 *
 * State: `lock` guards what both threads and the callers share: this
 * member's id, current nonce and owned partitions (written by the poll
 * thread) and the (member, nonce) of the current view's partition-0 claim
 * (written by the reader thread). Everything else the reader uses (the
 * latest claims, the last view reported, pending assignment and acks) is
 * touched by the reader thread only.
 *
 * A view is taken only when it contains this member's current claim:
 * replaying the topic of a cluster that was stopped ends in a consistent
 * but dead view, and a claim with our current nonce proves the view is
 * from our own generation or later. (So a member that owns no partition,
 * possible only with more members than partitions, never sees a view.)
 * Assignments are handed to the listener once the first view was reported
 * (the last valid one seen until then first), acks always.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "log.h"
#include "membership.h"

LOG_MODULE_LOGGER(lg, "connectd.membership")

#define NONCE_HEX 16
#define READER_BATCH_MAX 1000

/* One produce waiting for its delivery report. */
struct delivery {
        atomic_int done;
        rd_kafka_resp_err_t err;
};

struct membership {
        membership_config_t cfg;        /* strings owned (strdup) */
        membership_listener_t listener;

        rd_kafka_t *group_rk;
        rd_kafka_t *reader_rk;
        rd_kafka_t *producer_rk;

        pthread_t poll_thread;
        pthread_t reader_thread;
        int poll_started;
        int reader_started;
        int started;
        int left;
        atomic_int stop;

        pthread_mutex_t lock;
        /* guarded by lock */
        char *member_id;                /* at the last assignment */
        char nonce[NONCE_HEX + 1];      /* "" while nothing is assigned */
        int *owned;                     /* cfg.partitions slots */
        int nowned;
        int have_view;
        char *view_member;              /* view's partition-0 claim */
        char *view_nonce;

        /* reader thread only */
        json_t **claims;                /* latest claim per partition */
        json_t *last_view;
        json_t *pending_assignment;
        json_t *pending_acks;           /* worker_id -> ack */
        int view_reported;
};

static int conf_set(rd_kafka_conf_t *conf, const char *key, const char *val,
                    char *errstr, size_t errstr_size)
{
        char err[512];

        if (rd_kafka_conf_set(conf, key, val, err, sizeof(err)) !=
            RD_KAFKA_CONF_OK) {
                snprintf(errstr, errstr_size, "membership: %s=%s: %s", key,
                         val, err);
                return -1;
        }
        return 0;
}

static int conf_set_int(rd_kafka_conf_t *conf, const char *key, int val,
                        char *errstr, size_t errstr_size)
{
        char buf[32];

        snprintf(buf, sizeof(buf), "%d", val);
        return conf_set(conf, key, buf, errstr, errstr_size);
}

static int new_nonce(char out[NONCE_HEX + 1])
{
        static const char hex[] = "0123456789abcdef";
        unsigned char raw[NONCE_HEX / 2];
        size_t i;

        if (gnutls_rnd(GNUTLS_RND_NONCE, raw, sizeof(raw)) != 0)
                return -1;
        for (i = 0; i < sizeof(raw); i++) {
                out[2 * i] = hex[raw[i] >> 4];
                out[2 * i + 1] = hex[raw[i] & 0xf];
        }
        out[NONCE_HEX] = '\0';
        return 0;
}

/* ---- producing ---------------------------------------------------- */

/* @locality whichever thread serves producer_rk (poll thread, publisher) */
static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm,
                      void *opaque)
{
        struct delivery *d = rkm->_private;

        (void)rk;
        (void)opaque;
        if (d) {
                d->err = rkm->err;
                atomic_store(&d->done, 1);
        } else if (rkm->err) {
                LOG_WARN(lg(), "membership: claim on partition %d not "
                         "written: %s", (int)rkm->partition,
                         rd_kafka_err2str(rkm->err));
        }
}

static rd_kafka_resp_err_t produce(membership_t *m, int partition,
                                   const char *key, const char *value,
                                   struct delivery *d)
{
        return rd_kafka_producev(
                m->producer_rk, RD_KAFKA_V_TOPIC(m->cfg.topic),
                RD_KAFKA_V_PARTITION(partition),
                RD_KAFKA_V_KEY(key, strlen(key)),
                RD_KAFKA_V_VALUE((void *)value, strlen(value)),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_OPAQUE(d), RD_KAFKA_V_END);
}

/* Produces one record on `partition` and waits for its delivery report
 * (bounded by the producer's message.timeout.ms). */
static int produce_wait(membership_t *m, int partition, const char *key,
                        const char *value, char *errstr, size_t errstr_size)
{
        struct delivery d;
        rd_kafka_resp_err_t err;

        atomic_init(&d.done, 0);
        d.err = RD_KAFKA_RESP_ERR_NO_ERROR;
        err = produce(m, partition, key, value, &d);
        if (err) {
                snprintf(errstr, errstr_size, "membership: produce %s: %s",
                         key, rd_kafka_err2str(err));
                return -1;
        }
        while (!atomic_load(&d.done))
                rd_kafka_poll(m->producer_rk, 10);
        if (d.err) {
                snprintf(errstr, errstr_size, "membership: write %s: %s", key,
                         rd_kafka_err2str(d.err));
                return -1;
        }
        return 0;
}

/* ---- the membership consumer (poll thread) ------------------------ */

static int int_cmp(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;

        return (x > y) - (x < y);
}

/* Writes this member's claim on every partition it owns.
 * @locality poll thread */
static void write_claims(membership_t *m, const char *member,
                         const char *nonce, const int *owned, int nowned)
{
        json_t *claim, *parts;
        char *value;
        int i;

        parts = json_array();
        for (i = 0; i < nowned; i++)
                json_array_append_new(parts, json_integer(owned[i]));
        claim = json_pack("{s:s, s:s, s:s, s:s, s:o}", "member", member,
                          "nonce", nonce, "worker_id", m->cfg.worker_id,
                          "url", m->cfg.url, "partitions", parts);
        value = claim ? json_dumps(claim, JSON_COMPACT) : NULL;
        json_decref(claim);
        if (!value) {
                LOG_ERROR(lg(), "membership: could not encode the claim");
                return;
        }
        for (i = 0; i < nowned; i++) {
                rd_kafka_resp_err_t err =
                        produce(m, owned[i], "claim", value, NULL);
                if (err)
                        LOG_WARN(lg(), "membership: claim on partition %d: %s",
                                 owned[i], rd_kafka_err2str(err));
        }
        free(value);
}

static void on_assign(membership_t *m, rd_kafka_t *rk,
                      rd_kafka_topic_partition_list_t *parts)
{
        rd_kafka_resp_err_t err;
        char nonce[NONCE_HEX + 1];
        char *member = NULL, *rdmember;
        int *owned = NULL, nowned = 0, i;

        /* Never fetch: the reader reads. */
        for (i = 0; i < parts->cnt; i++)
                parts->elems[i].offset = RD_KAFKA_OFFSET_END;
        err = rd_kafka_assign(rk, parts);
        if (err) {
                LOG_ERROR(lg(), "membership: assign: %s",
                          rd_kafka_err2str(err));
                return;
        }
        rd_kafka_pause_partitions(rk, parts);

        if (new_nonce(nonce)) {
                LOG_ERROR(lg(), "membership: no random nonce");
                return;
        }
        rdmember = rd_kafka_memberid(rk);
        member = strdup(rdmember ? rdmember : "");
        if (rdmember)
                rd_kafka_mem_free(rk, rdmember);
        owned = malloc(sizeof(*owned) * (size_t)(parts->cnt + 1));
        if (!member || !owned)
                goto out;
        for (i = 0; i < parts->cnt; i++) {
                int p = parts->elems[i].partition;
                if (strcmp(parts->elems[i].topic, m->cfg.topic) == 0 &&
                    p >= 0 && p < m->cfg.partitions)
                        owned[nowned++] = p;
        }
        qsort(owned, (size_t)nowned, sizeof(*owned), int_cmp);

        pthread_mutex_lock(&m->lock);
        free(m->member_id);
        m->member_id = strdup(member);
        memcpy(m->nonce, nonce, sizeof(nonce));
        memcpy(m->owned, owned, sizeof(*owned) * (size_t)nowned);
        m->nowned = nowned;
        pthread_mutex_unlock(&m->lock);

        LOG_INFO(lg(), "membership: assigned %d partition(s) of %s as %s "
                 "(nonce %s)", nowned, m->cfg.topic, member, nonce);
        if (nowned > 0)
                write_claims(m, member, nonce, owned, nowned);
out:
        free(member);
        free(owned);
}

static void on_revoke(membership_t *m, rd_kafka_t *rk)
{
        int lost = rd_kafka_assignment_lost(rk);

        pthread_mutex_lock(&m->lock);
        m->nonce[0] = '\0';
        m->nowned = 0;
        pthread_mutex_unlock(&m->lock);
        rd_kafka_assign(rk, NULL);
        if (lost) {
                LOG_WARN(lg(), "membership: group membership lost");
                if (!atomic_load(&m->stop) && m->listener.lost)
                        m->listener.lost(m->listener.opaque);
        } else {
                LOG_DEBUG(lg(), "membership: partitions revoked");
        }
}

/* @locality poll thread (or the caller of membership_leave, inside
 * rd_kafka_consumer_close) */
static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
        membership_t *m = opaque;

        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                on_assign(m, rk, parts);
        } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
                on_revoke(m, rk);
        } else {
                LOG_WARN(lg(), "membership: rebalance: %s",
                         rd_kafka_err2str(err));
                on_revoke(m, rk);
        }
}

static void *poll_main(void *arg)
{
        membership_t *m = arg;

        while (!atomic_load(&m->stop)) {
                rd_kafka_message_t *rkm =
                        rd_kafka_consumer_poll(m->group_rk, 100);
                if (rkm) {
                        if (rkm->err && rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                                LOG_DEBUG(lg(), "membership consumer: %s",
                                          rd_kafka_message_errstr(rkm));
                        rd_kafka_message_destroy(rkm);
                }
                rd_kafka_poll(m->producer_rk, 0);
        }
        return NULL;
}

/* ---- the reader (reader thread) ----------------------------------- */

static int claim_valid(const json_t *c)
{
        const json_t *parts = json_object_get(c, "partitions");
        size_t i;

        if (!json_is_object(c) ||
            !json_is_string(json_object_get(c, "member")) ||
            !json_is_string(json_object_get(c, "nonce")) ||
            !json_is_string(json_object_get(c, "worker_id")) ||
            !json_is_string(json_object_get(c, "url")) ||
            !json_is_array(parts))
                return 0;
        for (i = 0; i < json_array_size(parts); i++)
                if (!json_is_integer(json_array_get(parts, i)))
                        return 0;
        return 1;
}

static const char *sget(const json_t *o, const char *key)
{
        return json_string_value(json_object_get(o, key));
}

static int claim_is(const json_t *c, const char *member, const char *nonce)
{
        const char *cm = sget(c, "member"), *cn = sget(c, "nonce");

        return c && member && nonce && cm && cn && strcmp(cm, member) == 0 &&
               strcmp(cn, nonce) == 0;
}

static int claim_same(const json_t *a, const json_t *b)
{
        return a && b && claim_is(a, sget(b, "member"), sget(b, "nonce"));
}

/* The consistent view of the latest claims, or NULL. *self is set when
 * this member's current claim is part of it. */
static json_t *compute_view(membership_t *m, const char *my_member,
                            const char *my_nonce, int owns_p0, int *self)
{
        json_t *members, *view;
        int p, lead;
        size_t i;

        *self = 0;
        for (p = 0; p < m->cfg.partitions; p++) {
                const json_t *c = m->claims[p], *parts;
                int listed = 0;

                if (!c)
                        return NULL;
                parts = json_object_get(c, "partitions");
                for (i = 0; i < json_array_size(parts); i++) {
                        json_int_t q =
                                json_integer_value(json_array_get(parts, i));
                        if (q < 0 || q >= m->cfg.partitions ||
                            !claim_same(m->claims[q], c))
                                return NULL;
                        if (q == p)
                                listed = 1;
                }
                if (!listed)
                        return NULL;
        }
        members = json_object();
        for (p = 0; p < m->cfg.partitions; p++) {
                const json_t *c = m->claims[p];
                json_object_set_new(members, sget(c, "worker_id"),
                                    json_string(sget(c, "url")));
                if (claim_is(c, my_member, my_nonce))
                        *self = 1;
        }
        lead = claim_is(m->claims[0], my_member, my_nonce) && owns_p0;
        view = json_pack("{s:s, s:b, s:o}", "leader",
                         sget(m->claims[0], "worker_id"), "self_leader", lead,
                         "members", members);
        return view;
}

static void apply_record(membership_t *m, const rd_kafka_message_t *rkm)
{
        int p = rkm->partition;
        char key[256];
        json_t *val = NULL;

        if (p < 0 || p >= m->cfg.partitions || !rkm->key ||
            rkm->key_len >= sizeof(key))
                return;
        memcpy(key, rkm->key, rkm->key_len);
        key[rkm->key_len] = '\0';
        if (rkm->payload)
                val = json_loadb(rkm->payload, rkm->len, JSON_DECODE_ANY,
                                 NULL);

        if (strcmp(key, "claim") == 0) {
                if (rkm->payload && !claim_valid(val)) {
                        LOG_WARN(lg(), "membership: bad claim at %d/%lld "
                                 "ignored", p, (long long)rkm->offset);
                        goto out;
                }
                json_decref(m->claims[p]);
                m->claims[p] = val;     /* NULL for a tombstone */
                val = NULL;
        } else if (p == 0 && strcmp(key, "assignment") == 0) {
                if (!json_is_object(val) ||
                    !claim_is(m->claims[0], sget(val, "leader"),
                              sget(val, "nonce"))) {
                        LOG_DEBUG(lg(), "membership: assignment at offset "
                                  "%lld is not from the current claim of "
                                  "partition 0: ignored",
                                  (long long)rkm->offset);
                        goto out;
                }
                json_decref(m->pending_assignment);
                m->pending_assignment = val;
                val = NULL;
        } else if (p == 0 && strncmp(key, "ack-", 4) == 0 && key[4] && val) {
                json_object_set_new(m->pending_acks, key + 4, val);
                val = NULL;
        }
out:
        json_decref(val);
}

/* After a batch: the view (if changed), then the assignment, then acks. */
static void deliver(membership_t *m)
{
        char *my_member = NULL, my_nonce[NONCE_HEX + 1];
        int owns_p0, self, i;
        json_t *view;
        const char *wid;
        json_t *ack;

        pthread_mutex_lock(&m->lock);
        my_member = m->member_id ? strdup(m->member_id) : NULL;
        memcpy(my_nonce, m->nonce, sizeof(my_nonce));
        owns_p0 = 0;
        for (i = 0; i < m->nowned; i++)
                if (m->owned[i] == 0)
                        owns_p0 = 1;
        pthread_mutex_unlock(&m->lock);

        view = my_nonce[0] ? compute_view(m, my_member, my_nonce, owns_p0,
                                          &self)
                           : NULL;
        if (view && self) {
                pthread_mutex_lock(&m->lock);
                free(m->view_member);
                free(m->view_nonce);
                m->view_member = strdup(sget(m->claims[0], "member"));
                m->view_nonce = strdup(sget(m->claims[0], "nonce"));
                m->have_view = m->view_member && m->view_nonce;
                pthread_mutex_unlock(&m->lock);
                if (!m->last_view || !json_equal(view, m->last_view)) {
                        json_decref(m->last_view);
                        m->last_view = json_incref(view);
                        LOG_INFO(lg(), "membership: view of %zu member(s), "
                                 "leader %s%s",
                                 json_object_size(json_object_get(view,
                                                                  "members")),
                                 sget(view, "leader"),
                                 json_is_true(json_object_get(view,
                                                              "self_leader"))
                                         ? " (this worker)" : "");
                        m->view_reported = 1;
                        if (m->listener.view)
                                m->listener.view(m->listener.opaque, view);
                }
        }
        json_decref(view);
        free(my_member);

        if (m->pending_assignment && m->view_reported) {
                if (m->listener.assignment)
                        m->listener.assignment(m->listener.opaque,
                                               m->pending_assignment);
                json_decref(m->pending_assignment);
                m->pending_assignment = NULL;
        }
        json_object_foreach(m->pending_acks, wid, ack) {
                if (m->listener.ack)
                        m->listener.ack(m->listener.opaque, wid, ack);
        }
        json_object_clear(m->pending_acks);
}

static void *reader_main(void *arg)
{
        membership_t *m = arg;

        while (!atomic_load(&m->stop)) {
                rd_kafka_message_t *rkm;
                int n = 0;

                rkm = rd_kafka_consumer_poll(m->reader_rk, 100);
                while (rkm) {
                        if (!rkm->err)
                                apply_record(m, rkm);
                        else if (rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                                LOG_DEBUG(lg(), "membership reader: %s",
                                          rd_kafka_message_errstr(rkm));
                        rd_kafka_message_destroy(rkm);
                        if (++n >= READER_BATCH_MAX)
                                break;
                        rkm = rd_kafka_consumer_poll(m->reader_rk, 0);
                }
                /* Also without records: our own assignment may have
                 * caught up with claims already read. */
                deliver(m);
        }
        return NULL;
}

/* ---- life cycle --------------------------------------------------- */

static rd_kafka_t *client_new(rd_kafka_type_t type, rd_kafka_conf_t **confp,
                              const char *what, char *errstr,
                              size_t errstr_size)
{
        char err[512];
        rd_kafka_t *rk = rd_kafka_new(type, *confp, err, sizeof(err));

        if (!rk) {
                snprintf(errstr, errstr_size, "membership: %s: %s", what, err);
                return NULL;
        }
        *confp = NULL;  /* owned by rk now */
        return rk;
}

membership_t *membership_new(const membership_config_t *cfg,
                             rd_kafka_conf_t *group_conf,
                             rd_kafka_conf_t *reader_conf,
                             rd_kafka_conf_t *producer_conf,
                             const membership_listener_t *listener,
                             char *errstr, size_t errstr_size)
{
        membership_t *m = NULL;
        char reader_group[512];
        int max_poll;

        if (!cfg || !cfg->group_id || !cfg->topic || !cfg->worker_id ||
            !cfg->url || cfg->partitions <= 0 || !group_conf ||
            !reader_conf || !producer_conf) {
                snprintf(errstr, errstr_size,
                         "membership: incomplete configuration");
                goto fail;
        }
        m = calloc(1, sizeof(*m));
        if (!m)
                goto oom;
        pthread_mutex_init(&m->lock, NULL);
        atomic_init(&m->stop, 0);
        m->cfg = *cfg;
        m->cfg.group_id = strdup(cfg->group_id);
        m->cfg.topic = strdup(cfg->topic);
        m->cfg.worker_id = strdup(cfg->worker_id);
        m->cfg.url = strdup(cfg->url);
        if (listener)
                m->listener = *listener;
        m->owned = calloc((size_t)cfg->partitions, sizeof(*m->owned));
        m->claims = calloc((size_t)cfg->partitions, sizeof(*m->claims));
        m->pending_acks = json_object();
        if (!m->cfg.group_id || !m->cfg.topic || !m->cfg.worker_id ||
            !m->cfg.url || !m->owned || !m->claims || !m->pending_acks)
                goto oom;

        /* The membership consumer. max.poll.interval.ms is librdkafka's
         * rebalance timeout and must not be below the session timeout. */
        max_poll = cfg->rebalance_timeout_ms;
        if (max_poll < cfg->session_timeout_ms)
                max_poll = cfg->session_timeout_ms;
        if (conf_set(group_conf, "group.id", cfg->group_id, errstr,
                     errstr_size) ||
            conf_set(group_conf, "partition.assignment.strategy",
                     "roundrobin", errstr, errstr_size) ||
            conf_set_int(group_conf, "session.timeout.ms",
                         cfg->session_timeout_ms, errstr, errstr_size) ||
            conf_set_int(group_conf, "heartbeat.interval.ms",
                         cfg->heartbeat_interval_ms, errstr, errstr_size) ||
            conf_set_int(group_conf, "max.poll.interval.ms", max_poll, errstr,
                         errstr_size) ||
            conf_set(group_conf, "enable.auto.commit", "false", errstr,
                     errstr_size) ||
            conf_set(group_conf, "enable.auto.offset.store", "false", errstr,
                     errstr_size) ||
            conf_set(group_conf, "enable.partition.eof", "false", errstr,
                     errstr_size))
                goto fail;
        rd_kafka_conf_set_rebalance_cb(group_conf, rebalance_cb);
        rd_kafka_conf_set_opaque(group_conf, m);

        /* The reader: a group id of its own, never committed. */
        snprintf(reader_group, sizeof(reader_group), "%s.coordination-reader",
                 cfg->group_id);
        if (conf_set(reader_conf, "group.id", reader_group, errstr,
                     errstr_size) ||
            conf_set(reader_conf, "enable.auto.commit", "false", errstr,
                     errstr_size) ||
            conf_set(reader_conf, "enable.auto.offset.store", "false", errstr,
                     errstr_size) ||
            conf_set(reader_conf, "auto.offset.reset", "earliest", errstr,
                     errstr_size) ||
            conf_set(reader_conf, "enable.partition.eof", "false", errstr,
                     errstr_size) ||
            conf_set(reader_conf, "fetch.wait.max.ms", "100", errstr,
                     errstr_size))
                goto fail;
        rd_kafka_conf_set_opaque(reader_conf, m);

        if (conf_set(producer_conf, "acks", "all", errstr, errstr_size) ||
            conf_set(producer_conf, "linger.ms", "0", errstr, errstr_size))
                goto fail;
        rd_kafka_conf_set_dr_msg_cb(producer_conf, dr_msg_cb);
        rd_kafka_conf_set_opaque(producer_conf, m);

        m->producer_rk = client_new(RD_KAFKA_PRODUCER, &producer_conf,
                                    "producer", errstr, errstr_size);
        if (!m->producer_rk)
                goto fail;
        m->reader_rk = client_new(RD_KAFKA_CONSUMER, &reader_conf, "reader",
                                  errstr, errstr_size);
        if (!m->reader_rk)
                goto fail;
        m->group_rk = client_new(RD_KAFKA_CONSUMER, &group_conf,
                                 "group consumer", errstr, errstr_size);
        if (!m->group_rk)
                goto fail;
        rd_kafka_poll_set_consumer(m->reader_rk);
        rd_kafka_poll_set_consumer(m->group_rk);
        return m;

oom:
        snprintf(errstr, errstr_size, "membership: out of memory");
fail:
        if (group_conf)
                rd_kafka_conf_destroy(group_conf);
        if (reader_conf)
                rd_kafka_conf_destroy(reader_conf);
        if (producer_conf)
                rd_kafka_conf_destroy(producer_conf);
        membership_destroy(m);
        return NULL;
}

/* The coordination topic must exist with exactly P partitions: anything
 * else would never give a consistent view. */
static int check_topic(membership_t *m, char *errstr, size_t errstr_size)
{
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_topic_t *rkt;
        rd_kafka_resp_err_t err;
        int rc = -1;

        rkt = rd_kafka_topic_new(m->producer_rk, m->cfg.topic, NULL);
        if (!rkt) {
                snprintf(errstr, errstr_size, "membership: topic %s: %s",
                         m->cfg.topic, rd_kafka_err2str(rd_kafka_last_error()));
                return -1;
        }
        err = rd_kafka_metadata(m->producer_rk, 0, rkt, &md, 10000);
        if (err) {
                snprintf(errstr, errstr_size,
                         "membership: metadata of %s: %s", m->cfg.topic,
                         rd_kafka_err2str(err));
                goto out;
        }
        if (md->topic_cnt != 1 || md->topics[0].err) {
                snprintf(errstr, errstr_size,
                         "membership: coordination topic %s: %s",
                         m->cfg.topic,
                         md->topic_cnt == 1
                                 ? rd_kafka_err2str(md->topics[0].err)
                                 : "not found");
                goto out;
        }
        if (md->topics[0].partition_cnt != m->cfg.partitions) {
                snprintf(errstr, errstr_size,
                         "membership: coordination topic %s has %d "
                         "partitions, expected %d", m->cfg.topic,
                         md->topics[0].partition_cnt, m->cfg.partitions);
                goto out;
        }
        rc = 0;
out:
        if (md)
                rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        return rc;
}

int membership_start(membership_t *m, char *errstr, size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *all = NULL, *sub = NULL;
        rd_kafka_resp_err_t err;
        int p, rc = -1;

        if (m->started) {
                snprintf(errstr, errstr_size, "membership: already started");
                return -1;
        }
        m->started = 1;
        if (check_topic(m, errstr, errstr_size))
                goto out;

        all = rd_kafka_topic_partition_list_new(m->cfg.partitions);
        for (p = 0; p < m->cfg.partitions; p++)
                rd_kafka_topic_partition_list_add(all, m->cfg.topic, p)
                        ->offset = RD_KAFKA_OFFSET_BEGINNING;
        err = rd_kafka_assign(m->reader_rk, all);
        if (err) {
                snprintf(errstr, errstr_size, "membership: reader assign: %s",
                         rd_kafka_err2str(err));
                goto out;
        }
        if (pthread_create(&m->reader_thread, NULL, reader_main, m)) {
                snprintf(errstr, errstr_size,
                         "membership: reader thread: %s", strerror(errno));
                goto out;
        }
        m->reader_started = 1;

        sub = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(sub, m->cfg.topic,
                                          RD_KAFKA_PARTITION_UA);
        err = rd_kafka_subscribe(m->group_rk, sub);
        if (err) {
                snprintf(errstr, errstr_size, "membership: subscribe: %s",
                         rd_kafka_err2str(err));
                goto out;
        }
        if (pthread_create(&m->poll_thread, NULL, poll_main, m)) {
                snprintf(errstr, errstr_size, "membership: poll thread: %s",
                         strerror(errno));
                goto out;
        }
        m->poll_started = 1;
        rc = 0;
out:
        if (all)
                rd_kafka_topic_partition_list_destroy(all);
        if (sub)
                rd_kafka_topic_partition_list_destroy(sub);
        return rc;
}

/* @locks lock held */
static int is_leader_locked(membership_t *m)
{
        int i, owns_p0 = 0;

        for (i = 0; i < m->nowned; i++)
                if (m->owned[i] == 0)
                        owns_p0 = 1;
        return owns_p0 && m->have_view && m->nonce[0] && m->member_id &&
               strcmp(m->view_member, m->member_id) == 0 &&
               strcmp(m->view_nonce, m->nonce) == 0;
}

int membership_is_leader(membership_t *m)
{
        int rc;

        pthread_mutex_lock(&m->lock);
        rc = is_leader_locked(m);
        pthread_mutex_unlock(&m->lock);
        return rc;
}

int membership_publish_assignment(membership_t *m, const json_t *assignment,
                                  char *errstr, size_t errstr_size)
{
        char member[512], nonce[NONCE_HEX + 1];
        json_t *rec = NULL;
        char *value = NULL;
        int leader, rc = -1;

        if (!json_is_object(assignment)) {
                snprintf(errstr, errstr_size,
                         "membership: an assignment is a JSON object");
                return -1;
        }
        /* A round may start right after this check; the record is then
         * behind a newer claim and ignored by every reader alike. */
        pthread_mutex_lock(&m->lock);
        leader = is_leader_locked(m);
        if (leader) {
                snprintf(member, sizeof(member), "%s", m->member_id);
                memcpy(nonce, m->nonce, sizeof(nonce));
        }
        pthread_mutex_unlock(&m->lock);
        if (!leader) {
                snprintf(errstr, errstr_size,
                         "membership: this worker does not lead the group");
                return -1;
        }
        rec = json_deep_copy(assignment);
        if (!rec ||
            json_object_set_new(rec, "leader", json_string(member)) ||
            json_object_set_new(rec, "nonce", json_string(nonce)) ||
            !(value = json_dumps(rec, JSON_COMPACT))) {
                snprintf(errstr, errstr_size, "membership: out of memory");
                goto out;
        }
        rc = produce_wait(m, 0, "assignment", value, errstr, errstr_size);
out:
        free(value);
        json_decref(rec);
        return rc;
}

int membership_publish_ack(membership_t *m, const json_t *ack, char *errstr,
                           size_t errstr_size)
{
        char key[512];
        char *value;
        int rc;

        value = json_dumps(ack, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!value) {
                snprintf(errstr, errstr_size, "membership: bad ack");
                return -1;
        }
        snprintf(key, sizeof(key), "ack-%s", m->cfg.worker_id);
        rc = produce_wait(m, 0, key, value, errstr, errstr_size);
        free(value);
        return rc;
}

void membership_leave(membership_t *m)
{
        rd_kafka_resp_err_t err;

        if (!m || !m->started || m->left)
                return;
        m->left = 1;
        atomic_store(&m->stop, 1);
        if (m->poll_started)
                pthread_join(m->poll_thread, NULL);
        if (m->reader_started)
                pthread_join(m->reader_thread, NULL);
        m->poll_started = m->reader_started = 0;
        /* LeaveGroup: the coordinator rebalances the others at once. */
        err = rd_kafka_consumer_close(m->group_rk);
        if (err)
                LOG_WARN(lg(), "membership: leaving the group: %s",
                         rd_kafka_err2str(err));
        rd_kafka_consumer_close(m->reader_rk);
        /* Claims still queued are worthless now; acknowledged writes
         * (assignments, acks) were waited for by their callers. */
        rd_kafka_purge(m->producer_rk,
                       RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(m->producer_rk, 0);
        pthread_mutex_lock(&m->lock);
        m->nonce[0] = '\0';
        m->nowned = 0;
        m->have_view = 0;
        pthread_mutex_unlock(&m->lock);
}

void membership_destroy(membership_t *m)
{
        int p;

        if (!m)
                return;
        membership_leave(m);
        if (m->group_rk)
                rd_kafka_destroy(m->group_rk);
        if (m->reader_rk)
                rd_kafka_destroy(m->reader_rk);
        if (m->producer_rk)
                rd_kafka_destroy(m->producer_rk);
        if (m->claims)
                for (p = 0; p < m->cfg.partitions; p++)
                        json_decref(m->claims[p]);
        free(m->claims);
        json_decref(m->last_view);
        json_decref(m->pending_assignment);
        json_decref(m->pending_acks);
        free(m->owned);
        free(m->member_id);
        free(m->view_member);
        free(m->view_nonce);
        free((char *)m->cfg.group_id);
        free((char *)m->cfg.topic);
        free((char *)m->cfg.worker_id);
        free((char *)m->cfg.url);
        pthread_mutex_destroy(&m->lock);
        free(m);
}
