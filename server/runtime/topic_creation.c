/*
 * topic_creation — see topic_creation.h.
 *
 * DESIGN
 * The config is read the way SourceConnectorConfig reads it: the default
 * group first (include, exclude, replication.factor, partitions), then the
 * groups of topic.creation.groups in order ("default" removed, duplicates
 * an error); a group's replication.factor and partitions default to the
 * default group's; every other topic.creation.G.K is a topic config K of
 * that group (not inherited from default). Regexes are Java's (jregex),
 * matched with matches(): a full match.
 *
 * A task instance owns one topic_creation_t (task thread only): the groups,
 * the set of topics it has seen, and, made on first need, a Kafka client
 * (a producer handle with allow.auto.create.topics=false, so describing a
 * topic never creates it) for Metadata and CreateTopics. The in-process
 * embedded cluster has no CreateTopics: there the topic is made in it
 * directly with the group's partitions (replication factor and topic
 * configs do not apply to it).
 */
#include "topic_creation.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "config.h"
#include "jregex.h"
#include "kafka.h"
#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.topic.creation")

#define TC_PREFIX "topic.creation."
#define TC_TIMEOUT_MS 30000

typedef struct tc_group {
        char *name;
        jregex_t **inc;
        size_t ninc;
        jregex_t **exc;
        size_t nexc;
        int rf;          /* -1: broker default */
        int partitions;  /* -1: broker default */
        json_t *configs; /* other topic configs (strings) */
} tc_group_t;

struct topic_creation {
        struct kafka *kf;
        json_t *config;  /* resolved connector config (own copy) */
        tc_group_t *groups; /* the named groups in order, then default */
        size_t ngroups;
        json_t *seen;    /* {topic: true} */
        rd_kafka_t *rk;  /* made on first need */
};

/* ---- parsing (ConfigDef) ---------------------------------------------- */

static char *trim_dup(const char *s)
{
        size_t n;

        while (*s && (unsigned char)*s <= ' ')
                s++;
        n = strlen(s);
        while (n && (unsigned char)s[n - 1] <= ' ')
                n--;
        return strndup(s, n);
}

/* LIST: trimmed; "" is empty; items trimmed; empty items kept. */
static json_t *parse_list(const char *v)
{
        json_t *arr = json_array();
        char *t = trim_dup(v ? v : ""), *p, *comma;

        if (!arr || !t) {
                free(t);
                json_decref(arr);
                return NULL;
        }
        if (*t) {
                for (p = t;; p = comma + 1) {
                        char *item;

                        comma = strchr(p, ',');
                        if (comma)
                                *comma = '\0';
                        item = trim_dup(p);
                        json_array_append_new(arr, json_string(item ? item
                                                                    : ""));
                        free(item);
                        if (!comma)
                                break;
                }
        }
        free(t);
        return arr;
}

/* "[a, b]" as Java prints a list. */
static void list_str(const json_t *arr, char *buf, size_t n)
{
        size_t i, off;
        json_t *v;

        off = (size_t)snprintf(buf, n, "[");
        json_array_foreach(arr, i, v) {
                if (off < n)
                        off += (size_t)snprintf(buf + off, n - off, "%s%s",
                                                i ? ", " : "",
                                                json_string_value(v));
        }
        if (off < n)
                snprintf(buf + off, n - off, "]");
}

/* Java Short/Integer.parseX of a trimmed value. */
static int parse_num(const char *v, long lo, long hi, long *out)
{
        char *t = trim_dup(v), *end = NULL;
        const char *p;
        long x;
        int ok;

        if (!t)
                return -1;
        p = t;
        if (*p == '+' || *p == '-')
                p++;
        ok = isdigit((unsigned char)*p);
        for (; ok && *p; p++)
                ok = isdigit((unsigned char)*p);
        errno = 0;
        x = ok ? strtol(t, &end, 10) : 0;
        ok = ok && !errno && x >= lo && x <= hi;
        free(t);
        if (!ok)
                return -1;
        *out = x;
        return 0;
}

static const char *cfg_str(const json_t *config, const char *key)
{
        return json_string_value(json_object_get(config, key));
}

static void group_clear(tc_group_t *g)
{
        size_t i;

        free(g->name);
        for (i = 0; i < g->ninc; i++)
                jregex_free(g->inc[i]);
        for (i = 0; i < g->nexc; i++)
                jregex_free(g->exc[i]);
        free(g->inc);
        free(g->exc);
        json_decref(g->configs);
        memset(g, 0, sizeof(*g));
}

/* Compiles every pattern of a LIST; -1 with Java's validator message
 * under the unprefixed name (`what`). */
static int compile_list(const json_t *arr, const char *what,
                        jregex_t ***out, size_t *nout, char *errstr,
                        size_t errstr_size)
{
        size_t i, n = json_array_size(arr);
        json_t *v;

        *out = calloc(n ? n : 1, sizeof(**out));
        *nout = 0;
        if (!*out) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        json_array_foreach(arr, i, v) {
                char msg[1024], lst[1024];
                jregex_t *re = jregex_compile(json_string_value(v), msg,
                                              sizeof(msg));

                if (!re) {
                        list_str(arr, lst, sizeof(lst));
                        snprintf(errstr, errstr_size,
                                 "Invalid value %s for configuration %s: "
                                 "Syntax error in regular expression: %s",
                                 lst, what, msg);
                        return -1;
                }
                (*out)[(*nout)++] = re;
        }
        return 0;
}

/* Java's Pattern.matches: a full match of any of res[0..n). */
static int full_match(jregex_t *const *res, size_t n, const char *s)
{
        size_t i;

        for (i = 0; i < n; i++)
                if (jregex_matches(res[i], s, strlen(s)))
                        return 1;
        return 0;
}

/* One number key of group `g`: the value, else `dflt` (no default: -2
 * gives Java's "Missing required configuration"). */
static int group_num(const json_t *config, const char *g, const char *what,
                     const char *type, long lo, long hi, long dflt,
                     const char *range_msg, int *out, char *errstr,
                     size_t errstr_size)
{
        char key[512];
        const char *v;
        long x;

        snprintf(key, sizeof(key), TC_PREFIX "%s.%s", g, what);
        v = cfg_str(config, key);
        if (!v) {
                if (dflt == -2) {
                        snprintf(errstr, errstr_size,
                                 "Missing required configuration \"%s\" "
                                 "which has no default value.", key);
                        return -1;
                }
                *out = (int)dflt;
                return 0;
        }
        if (parse_num(v, lo, hi, &x)) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration %s: Not a "
                         "number of type %s", v, key, type);
                return -1;
        }
        if (x != -1 && x < 1) {
                snprintf(errstr, errstr_size,
                         "Invalid value %ld for configuration %s: %s", x,
                         what, range_msg);
                return -1;
        }
        *out = (int)x;
        return 0;
}

static const char RF_MSG[] =
        "Replication factor must be positive and not larger than the number "
        "of brokers in the Kafka cluster, or -1 to use the broker's default";
static const char PART_MSG[] =
        "Number of partitions must be positive, or -1 to use the broker's "
        "default";

/* Reads group `name` (is_default: include/exclude ignored, numbers
 * required). */
static int group_read(const json_t *config, const char *name, int is_default,
                      int dflt_rf, int dflt_parts, tc_group_t *g,
                      char *errstr, size_t errstr_size)
{
        static const char *const own[] = { "include", "exclude",
                                           "replication.factor",
                                           "partitions" };
        char key[512], pre[512];
        const char *k;
        json_t *v, *inc = NULL, *exc = NULL;
        size_t plen, i;
        int rc = -1;

        memset(g, 0, sizeof(*g));
        g->name = strdup(name);
        g->configs = json_object();
        if (!g->name || !g->configs) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        snprintf(key, sizeof(key), TC_PREFIX "%s.include", name);
        inc = parse_list(is_default ? "" : cfg_str(config, key));
        snprintf(key, sizeof(key), TC_PREFIX "%s.exclude", name);
        exc = parse_list(is_default ? "" : cfg_str(config, key));
        if (!inc || !exc) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        if (compile_list(inc, "include", &g->inc, &g->ninc, errstr,
                         errstr_size) ||
            compile_list(exc, "exclude", &g->exc, &g->nexc, errstr,
                         errstr_size))
                goto out;
        if (group_num(config, name, "replication.factor", "SHORT",
                      SHRT_MIN, SHRT_MAX, is_default ? -2 : dflt_rf, RF_MSG,
                      &g->rf, errstr, errstr_size) ||
            group_num(config, name, "partitions", "INT", INT_MIN, INT_MAX,
                      is_default ? -2 : dflt_parts, PART_MSG,
                      &g->partitions, errstr, errstr_size))
                goto out;
        snprintf(pre, sizeof(pre), TC_PREFIX "%s.", name);
        plen = strlen(pre);
        json_object_foreach((json_t *)config, k, v) {
                int is_own = 0;

                if (strncmp(k, pre, plen) || !k[plen] || !json_is_string(v))
                        continue;
                for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
                        is_own |= !strcmp(k + plen, own[i]);
                if (!is_own)
                        json_object_set(g->configs, k + plen, v);
        }
        rc = 0;
out:
        json_decref(inc);
        json_decref(exc);
        return rc;
}

int topic_creation_active(const json_t *worker_props, const json_t *config)
{
        const char *k;
        json_t *v;

        if (!wc_get_bool(worker_props, "topic.creation.enable"))
                return 0;
        json_object_foreach((json_t *)config, k, v) {
                (void)v;
                if (!strncmp(k, TC_PREFIX, strlen(TC_PREFIX)))
                        return 1;
        }
        return 0;
}

/* The groups: named ones in order, then default (last). */
static int groups_read(const json_t *config, tc_group_t **out, size_t *nout,
                       char *errstr, size_t errstr_size)
{
        json_t *names = parse_list(cfg_str(config, TC_PREFIX "groups"));
        tc_group_t dflt, *gs = NULL;
        size_t i, j, n = 0;
        json_t *v;
        int rc = -1;

        memset(&dflt, 0, sizeof(dflt));
        *out = NULL;
        *nout = 0;
        if (!names) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        json_array_foreach(names, i, v)
                for (j = 0; j < i; j++)
                        if (json_equal(v, json_array_get(names, j))) {
                                char lst[1024];

                                list_str(names, lst, sizeof(lst));
                                snprintf(errstr, errstr_size,
                                         "Invalid value %s for "
                                         "configuration " TC_PREFIX "groups: "
                                         "Duplicate alias provided.", lst);
                                goto out;
                        }
        if (group_read(config, "default", 1, 0, 0, &dflt, errstr,
                       errstr_size))
                goto out;
        gs = calloc(json_array_size(names) + 1, sizeof(*gs));
        if (!gs) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        json_array_foreach(names, i, v) {
                if (!strcmp(json_string_value(v), "default")) {
                        LOG_WARN(lg(), "'default' topic creation group "
                                 "always exists and does not need to be "
                                 "listed explicitly");
                        continue;
                }
                if (group_read(config, json_string_value(v), 0, dflt.rf,
                               dflt.partitions, &gs[n], errstr,
                               errstr_size)) {
                        group_clear(&gs[n]);
                        goto out;
                }
                n++;
        }
        gs[n++] = dflt;
        memset(&dflt, 0, sizeof(dflt));
        *out = gs;
        *nout = n;
        gs = NULL;
        rc = 0;
out:
        if (gs) {
                for (i = 0; i < n; i++)
                        group_clear(&gs[i]);
                free(gs);
        }
        group_clear(&dflt);
        json_decref(names);
        return rc;
}

static void groups_free(tc_group_t *gs, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++)
                group_clear(&gs[i]);
        free(gs);
}

int topic_creation_check(const json_t *worker_props, const json_t *config,
                         char *errstr, size_t errstr_size)
{
        tc_group_t *gs;
        size_t n;

        if (!topic_creation_active(worker_props, config))
                return 0;
        if (groups_read(config, &gs, &n, errstr, errstr_size))
                return -1;
        groups_free(gs, n);
        return 0;
}

int topic_creation_new(struct kafka *kf, const json_t *worker_props,
                       const json_t *config, topic_creation_t **out,
                       char *errstr, size_t errstr_size)
{
        topic_creation_t *tc;

        *out = NULL;
        if (!topic_creation_active(worker_props, config))
                return 0;
        tc = calloc(1, sizeof(*tc));
        if (!tc || !(tc->seen = json_object()) ||
            !(tc->config = json_deep_copy(config))) {
                snprintf(errstr, errstr_size, "out of memory");
                topic_creation_free(tc);
                return -1;
        }
        tc->kf = kf;
        if (groups_read(config, &tc->groups, &tc->ngroups, errstr,
                        errstr_size)) {
                topic_creation_free(tc);
                return -1;
        }
        *out = tc;
        return 0;
}

void topic_creation_free(topic_creation_t *tc)
{
        if (!tc)
                return;
        groups_free(tc->groups, tc->ngroups);
        json_decref(tc->seen);
        json_decref(tc->config);
        if (tc->rk)
                rd_kafka_destroy(tc->rk);
        free(tc);
}

static const tc_group_t *group_for(const topic_creation_t *tc,
                                   const char *topic)
{
        size_t i;

        for (i = 0; i + 1 < tc->ngroups; i++) {
                const tc_group_t *g = &tc->groups[i];

                if (full_match(g->inc, g->ninc, topic) &&
                    !full_match(g->exc, g->nexc, topic))
                        return g;
        }
        return &tc->groups[tc->ngroups - 1];
}

const char *topic_creation_group_for(const topic_creation_t *tc,
                                     const char *topic)
{
        return tc && tc->ngroups ? group_for(tc, topic)->name : NULL;
}

/* ---- describe / create ------------------------------------------------ */

/* Java's NewTopic#toString. */
static void new_topic_str(const tc_group_t *g, const char *topic, char *buf,
                          size_t n)
{
        char parts[16], rf[16], cfgs[1024];
        size_t off;
        const char *k;
        json_t *v;
        int first = 1;

        if (g->partitions < 1)
                snprintf(parts, sizeof(parts), "default");
        else
                snprintf(parts, sizeof(parts), "%d", g->partitions);
        if (g->rf < 1)
                snprintf(rf, sizeof(rf), "default");
        else
                snprintf(rf, sizeof(rf), "%d", g->rf);
        off = (size_t)snprintf(cfgs, sizeof(cfgs), "{");
        json_object_foreach(g->configs, k, v) {
                if (off < sizeof(cfgs))
                        off += (size_t)snprintf(cfgs + off,
                                                sizeof(cfgs) - off, "%s%s=%s",
                                                first ? "" : ", ", k,
                                                json_string_value(v));
                first = 0;
        }
        if (off < sizeof(cfgs))
                snprintf(cfgs + off, sizeof(cfgs) - off, "}");
        snprintf(buf, n,
                 "(name=%s, numPartitions=%s, replicationFactor=%s, "
                 "replicasAssignments=null, configs=%s)",
                 topic, parts, rf, cfgs);
}

static int client(topic_creation_t *tc, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf;

        if (tc->rk)
                return 0;
        conf = kafka_producer_conf(tc->kf, tc->config, errstr, errstr_size);
        if (!conf)
                return -1;
        /* Describing must never create. */
        rd_kafka_conf_set(conf, "allow.auto.create.topics", "false", NULL, 0);
        rd_kafka_conf_set(conf, "client.id", "connectd-topic-creation", NULL,
                          0);
        tc->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
        if (!tc->rk) {
                rd_kafka_conf_destroy(conf);
                return -1;
        }
        return 0;
}

static const char TIMEOUT_FMT[] =
        "Timed out while checking for or creating topic(s) '%s'. This could "
        "indicate a connectivity issue, unavailable topic partitions, or if "
        "this is your first use of the topic it may have taken too long to "
        "create.";

/* 1 exists, 0 does not, -1 error (errstr). */
static int describe(topic_creation_t *tc, const char *topic, char *errstr,
                    size_t errstr_size)
{
        rd_kafka_topic_t *rkt;
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
        int attempt, rc = -1;

        rkt = rd_kafka_topic_new(tc->rk, topic, NULL);
        if (!rkt) {
                snprintf(errstr, errstr_size,
                         "Error while attempting to create/find topic(s) "
                         "'%s': %s", topic,
                         rd_kafka_err2str(rd_kafka_last_error()));
                return -1;
        }
        /* A describe timeout is retriable: a few tries before giving up. */
        for (attempt = 0; attempt < 3; attempt++) {
                err = rd_kafka_metadata(tc->rk, 0, rkt, &md, 10000);
                if (err != RD_KAFKA_RESP_ERR__TIMED_OUT &&
                    err != RD_KAFKA_RESP_ERR__TRANSPORT)
                        break;
        }
        if (err == RD_KAFKA_RESP_ERR__TIMED_OUT ||
            err == RD_KAFKA_RESP_ERR__TRANSPORT) {
                snprintf(errstr, errstr_size, TIMEOUT_FMT, topic);
        } else if (err) {
                snprintf(errstr, errstr_size,
                         "Error while attempting to create/find topic(s) "
                         "'%s': %s", topic, rd_kafka_err2str(err));
        } else if (md->topic_cnt < 1 ||
                   md->topics[0].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
                rc = 0;
        } else if (md->topics[0].err ==
                           RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
                rc = 0; /* the create says what is wrong */
        } else {
                rc = 1; /* exists (maybe without leaders yet) */
        }
        if (md)
                rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        return rc;
}

static int create_admin(topic_creation_t *tc, const tc_group_t *g,
                        const char *topic, char *errstr, size_t errstr_size)
{
        char spec[1400], why[512];
        rd_kafka_NewTopic_t *nt;
        rd_kafka_AdminOptions_t *opts = NULL;
        rd_kafka_queue_t *q = NULL;
        rd_kafka_event_t *ev = NULL;
        const rd_kafka_CreateTopics_result_t *res;
        const rd_kafka_topic_result_t **trs;
        rd_kafka_resp_err_t err;
        const char *emsg = NULL;
        const char *k;
        json_t *v;
        size_t ntr;
        int rc = -1;

        new_topic_str(g, topic, spec, sizeof(spec));
        nt = rd_kafka_NewTopic_new(topic, g->partitions, g->rf, why,
                                   sizeof(why));
        if (!nt) {
                snprintf(errstr, errstr_size,
                         "Unable to create topic(s) '%s': %s", topic, why);
                return -1;
        }
        json_object_foreach(g->configs, k, v)
                rd_kafka_NewTopic_set_config(nt, k, json_string_value(v));
        opts = rd_kafka_AdminOptions_new(tc->rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        q = rd_kafka_queue_new(tc->rk);
        if (!opts || !q) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        rd_kafka_AdminOptions_set_request_timeout(opts, TC_TIMEOUT_MS, NULL,
                                                  0);
        rd_kafka_AdminOptions_set_operation_timeout(opts, TC_TIMEOUT_MS, NULL,
                                                    0);
        rd_kafka_CreateTopics(tc->rk, &nt, 1, opts, q);
        ev = rd_kafka_queue_poll(q, TC_TIMEOUT_MS + 5000);
        if (!ev) {
                snprintf(errstr, errstr_size, TIMEOUT_FMT, topic);
                goto out;
        }
        err = rd_kafka_event_error(ev);
        if (!err && (res = rd_kafka_event_CreateTopics_result(ev)) &&
            (trs = rd_kafka_CreateTopics_result_topics(res, &ntr)) &&
            ntr == 1) {
                err = rd_kafka_topic_result_error(trs[0]);
                emsg = rd_kafka_topic_result_error_string(trs[0]);
        } else if (err) {
                emsg = rd_kafka_event_error_string(ev);
        }
        if (!emsg || !*emsg)
                emsg = rd_kafka_err2str(err);
        switch (err) {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
                LOG_INFO(lg(), "Created topic %s", spec);
                rc = 0;
                break;
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
                LOG_INFO(lg(), "Found existing topic '%s'", topic);
                rc = 0;
                break;
        case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
        case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
                LOG_WARN(lg(), "Unable to create topic '%s': %s", topic,
                         emsg);
                snprintf(errstr, errstr_size,
                         "Task failed to create new topic %s. Ensure that "
                         "the task is authorized to create topics or that "
                         "the topic exists and restart the task", spec);
                break;
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
                snprintf(errstr, errstr_size, TIMEOUT_FMT, topic);
                break;
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
                /* InvalidConfigurationException */
                snprintf(errstr, errstr_size,
                         "Unable to create topic(s) '%s': %s", topic, emsg);
                break;
        default:
                snprintf(errstr, errstr_size,
                         "Error while attempting to create/find topic(s) "
                         "'%s': %s", topic, emsg);
                break;
        }
out:
        if (ev)
                rd_kafka_event_destroy(ev);
        if (q)
                rd_kafka_queue_destroy(q);
        if (opts)
                rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_NewTopic_destroy(nt);
        return rc;
}

int topic_creation_ensure(topic_creation_t *tc, const char *topic,
                          char *errstr, size_t errstr_size)
{
        const tc_group_t *g;
        int exists;

        if (!tc || json_object_get(tc->seen, topic))
                return 0;
        g = group_for(tc, topic);
        if (kafka_is_embedded(tc->kf)) {
                /* The embedded cluster has no CreateTopics, and its
                 * Metadata creates any topic asked about (with 4
                 * partitions): no describe; creating it directly there is
                 * the describe (an existing topic is left as it is). -1:
                 * Kafka's num.partitions default, 1. */
                int parts = g->partitions < 1 ? 1 : g->partitions;

                if (kafka_embedded_topic_create(tc->kf, topic, parts, errstr,
                                                errstr_size))
                        return -1;
                LOG_DEBUG(lg(), "Topic '%s' in the embedded cluster: "
                          "created with %d partition(s) (group %s) unless "
                          "it existed", topic, parts, g->name);
        } else {
                if (client(tc, errstr, errstr_size))
                        return -1;
                exists = describe(tc, topic, errstr, errstr_size);
                if (exists < 0)
                        return -1;
                if (!exists && create_admin(tc, g, topic, errstr,
                                            errstr_size))
                        return -1;
        }
        json_object_set_new(tc->seen, topic, json_true());
        return 0;
}
