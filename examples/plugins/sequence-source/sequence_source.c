/*
 * sequence_source — an example connectd source plugin: counters.
 *
 * Class com.example.connectd.SequenceSourceConnector (alias SequenceSource).
 * Every task counts on its own: task N owns the source partition
 * {"task":"N"} and writes records whose key is the sequence number as a
 * string and whose value is a struct {task, seq}; the source offset of each
 * record is {"seq":n}. After a restart a task asks the host for its last
 * committed offset and continues with the next number, so the topic sees
 * neither gaps nor duplicates across restarts (as far as the worker's
 * offset commits go: at-least-once, like every Connect source).
 *
 * Written only against connect/plugin.h; build it out of tree with
 *   cc -shared -fPIC $(pkg-config --cflags connectd-plugin) \
 *      -o sequence_source.so sequence_source.c
 *
 * Threads: start/task_configs/stop on the connector thread, task_* on the
 * task's thread; the only global is the host table pointer, set once in
 * init.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect/plugin.h"

#define SEQ_CLASS "com.example.connectd.SequenceSourceConnector"
#define SEQ_VERSION "1.0.0"
#define SEQ_MAX_PER_POLL 10000
#define SEQ_TOPIC_MAX 249 /* Kafka's topic name limit */

static const connectd_host_t *host;

/* --- configuration --- */

static int parse_long(const char *s, long long *out)
{
        char *end;
        long long v;

        if (!s || !*s)
                return -1;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || *end)
                return -1;
        *out = v;
        return 0;
}

static int check_long_min(const char *name, const char *value, long long min,
                          char *errstr, size_t errstr_size)
{
        long long v;

        if (!value)
                return 0; /* default applies */
        if (parse_long(value, &v) == -1) {
                snprintf(errstr, errstr_size, "Invalid value %s for "
                         "configuration %s: Not a number of type LONG",
                         value, name);
                return -1;
        }
        if (v < min) {
                snprintf(errstr, errstr_size, "Value must be at least %lld",
                         min);
                return -1;
        }
        return 0;
}

static int validate_step(const char *name, const char *value, char *errstr,
                         size_t errstr_size)
{
        long long v;

        if (value && parse_long(value, &v) == 0 && v == 0) {
                snprintf(errstr, errstr_size, "Value must not be 0");
                return -1;
        }
        (void)name;
        return 0;
}

static int validate_per_poll(const char *name, const char *value,
                             char *errstr, size_t errstr_size)
{
        long long v;

        if (check_long_min(name, value, 1, errstr, errstr_size) == -1)
                return -1;
        if (value && parse_long(value, &v) == 0 && v > SEQ_MAX_PER_POLL) {
                snprintf(errstr, errstr_size, "Value must be no more than %d",
                         SEQ_MAX_PER_POLL);
                return -1;
        }
        return 0;
}

static int validate_interval(const char *name, const char *value,
                             char *errstr, size_t errstr_size)
{
        return check_long_min(name, value, 0, errstr, errstr_size);
}

static const connectd_config_def_t seq_config_defs[] = {
        {.name = "topic", .type = CONNECTD_CFG_STRING, .default_value = NULL,
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "The topic to write the sequence to.",
         .order = -1, .width = CONNECTD_WIDTH_NONE},
        {.name = "start", .type = CONNECTD_CFG_LONG, .default_value = "0",
         .importance = CONNECTD_IMPORTANCE_MEDIUM,
         .documentation = "First number of every task's sequence.",
         .order = -1, .width = CONNECTD_WIDTH_NONE},
        {.name = "step", .type = CONNECTD_CFG_LONG, .default_value = "1",
         .importance = CONNECTD_IMPORTANCE_LOW,
         .documentation = "Difference between consecutive numbers (not 0).",
         .order = -1, .width = CONNECTD_WIDTH_NONE,
         .validator = validate_step},
        {.name = "records.per.poll", .type = CONNECTD_CFG_INT,
         .default_value = "10", .importance = CONNECTD_IMPORTANCE_LOW,
         .documentation = "Records each task produces per poll (1-10000).",
         .order = -1, .width = CONNECTD_WIDTH_NONE,
         .validator = validate_per_poll},
        {.name = "interval.ms", .type = CONNECTD_CFG_LONG,
         .default_value = "1000", .importance = CONNECTD_IMPORTANCE_LOW,
         .documentation = "Pause between two polls of a task, in ms.",
         .order = -1, .width = CONNECTD_WIDTH_NONE,
         .validator = validate_interval},
        {.name = NULL}};

typedef struct seq_conf {
        char topic[SEQ_TOPIC_MAX + 1];
        long long start, step, per_poll, interval_ms;
} seq_conf_t;

/* Read and check our keys, applying defaults for absent ones. */
static int seq_conf_read(const connectd_config_t *cfg, seq_conf_t *c,
                         char *errstr, size_t errstr_size)
{
        const char *topic = host->config_get(cfg, "topic");
        const struct {
                const char *key;
                const char *def;
                long long *out;
                connectd_validator_fn check;
        } longs[] = {
                {"start", "0", &c->start, NULL},
                {"step", "1", &c->step, validate_step},
                {"records.per.poll", "10", &c->per_poll, validate_per_poll},
                {"interval.ms", "1000", &c->interval_ms, validate_interval},
        };
        size_t i;

        if (!topic || !*topic) {
                snprintf(errstr, errstr_size, "Missing required "
                         "configuration \"topic\" which has no default value.");
                return -1;
        }
        if (strlen(topic) > SEQ_TOPIC_MAX) {
                snprintf(errstr, errstr_size, "topic name is longer than %d "
                         "characters", SEQ_TOPIC_MAX);
                return -1;
        }
        snprintf(c->topic, sizeof(c->topic), "%s", topic);

        for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
                const char *v = host->config_get(cfg, longs[i].key);
                char why[200];

                if (!v)
                        v = longs[i].def;
                if (parse_long(v, longs[i].out) == -1) {
                        snprintf(errstr, errstr_size, "Invalid value %s for "
                                 "configuration %s: Not a number of type LONG",
                                 v, longs[i].key);
                        return -1;
                }
                if (longs[i].check &&
                    longs[i].check(longs[i].key, v, why, sizeof(why)) == -1) {
                        snprintf(errstr, errstr_size, "Invalid value %s for "
                                 "configuration %s: %s", v, longs[i].key, why);
                        return -1;
                }
        }
        return 0;
}

/* --- connector --- */

typedef struct seq_connector {
        seq_conf_t conf;
} seq_connector_t;

static int seq_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                     void **statep, char *errstr, size_t errstr_size)
{
        seq_connector_t *sc = calloc(1, sizeof(*sc));

        if (!sc) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (seq_conf_read(cfg, &sc->conf, errstr, errstr_size) == -1) {
                free(sc);
                return -1;
        }
        host->log(ctx, CONNECTD_LOG_INFO,
                  "Sequence source writing to %s from %lld step %lld",
                  sc->conf.topic, sc->conf.start, sc->conf.step);
        *statep = sc;
        return 0;
}

static int seq_task_configs(void *state, int max_tasks,
                            connectd_task_configs_t *out, char *errstr,
                            size_t errstr_size)
{
        seq_connector_t *sc = state;
        int i;

        for (i = 0; i < max_tasks; i++) {
                connectd_config_t *tc = host->task_config_add(out);
                char num[32];

                if (!tc) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                host->config_set(tc, "topic", sc->conf.topic);
#define SET_LONG(key, v)                                                       \
        do {                                                                   \
                snprintf(num, sizeof(num), "%lld", (v));                       \
                host->config_set(tc, (key), num);                              \
        } while (0)
                SET_LONG("start", sc->conf.start);
                SET_LONG("step", sc->conf.step);
                SET_LONG("records.per.poll", sc->conf.per_poll);
                SET_LONG("interval.ms", sc->conf.interval_ms);
                SET_LONG("task.index", (long long)i);
#undef SET_LONG
        }
        return 0;
}

static void seq_stop(void *state)
{
        free(state);
}

/* --- task --- */

typedef struct seq_task {
        connectd_ctx_t *ctx;
        seq_conf_t conf;
        long long task_index;
        long long next;  /* next number to write */
        int polled;      /* 0 until the first poll */
        char partition[64];
} seq_task_t;

/* {"seq":123} -> 123. Our own format, but tolerate spaces. */
static int parse_seq_offset(const char *json, long long *out)
{
        const char *p = strstr(json, "\"seq\"");
        char *end;
        long long v;

        if (!p)
                return -1;
        p += 5;
        while (*p == ' ' || *p == ':')
                p++;
        errno = 0;
        v = strtoll(p, &end, 10);
        if (errno || end == p)
                return -1;
        *out = v;
        return 0;
}

static int seq_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                          void **statep, char *errstr, size_t errstr_size)
{
        seq_task_t *st = calloc(1, sizeof(*st));
        char buf[128];
        long long last;
        int n;

        if (!st) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        st->ctx = ctx;
        if (seq_conf_read(cfg, &st->conf, errstr, errstr_size) == -1)
                goto fail;
        if (parse_long(host->config_get(cfg, "task.index"), &st->task_index)
            == -1)
                st->task_index = host->ctx_task_id(ctx);
        snprintf(st->partition, sizeof(st->partition), "{\"task\":\"%lld\"}",
                 st->task_index);

        st->next = st->conf.start;
        n = host->offset_get(ctx, st->partition, buf, sizeof(buf));
        if (n >= (int)sizeof(buf)) {
                snprintf(errstr, errstr_size, "committed offset for %s is "
                         "longer than %zu bytes", st->partition, sizeof(buf));
                goto fail;
        }
        if (n >= 0) {
                if (parse_seq_offset(buf, &last) == -1) {
                        snprintf(errstr, errstr_size, "cannot read committed "
                                 "offset %s for %s", buf, st->partition);
                        goto fail;
                }
                st->next = last + st->conf.step;
                host->log(ctx, CONNECTD_LOG_INFO,
                          "Resuming sequence at %lld (committed %s)", st->next,
                          buf);
        }
        *statep = st;
        return 0;
fail:
        free(st);
        return -1;
}

static int seq_task_poll(void *state, connectd_batch_t *batch, char *errstr,
                         size_t errstr_size)
{
        seq_task_t *st = state;
        long long i;
        int added = 0;

        /* Pace ourselves with host->sleep: it returns early (1) when the
         * task is being stopped or paused, so we never hold up a stop. */
        if (st->polled && st->conf.interval_ms > 0 &&
            host->sleep(st->ctx, st->conf.interval_ms))
                return 0;
        st->polled = 1;

        for (i = 0; i < st->conf.per_poll; i++) {
                connectd_record_t *rec = host->record_add(batch, st->conf.topic);
                connectd_value_t *val;
                char num[32], offset[48];
                int len;

                if (!rec) {
                        snprintf(errstr, errstr_size, "cannot add a record");
                        return -1;
                }
                len = snprintf(num, sizeof(num), "%lld", st->next);
                snprintf(offset, sizeof(offset), "{\"seq\":%lld}", st->next);
                host->record_set_source(rec, st->partition, offset);
                host->record_set_key(rec, host->value_string(rec, num,
                                                             (size_t)len));
                val = host->value_struct(rec, "com.example.connectd.Sequence");
                host->struct_put(rec, val, "task",
                                 host->value_int64(rec, st->task_index));
                host->struct_put(rec, val, "seq",
                                 host->value_int64(rec, st->next));
                host->record_set_value(rec, val);
                st->next += st->conf.step;
                added++;
        }
        return added;
}

static void seq_task_stop(void *state)
{
        free(state);
}

static const char *const seq_aliases[] = {"SequenceSource", NULL};

static const connectd_connector_desc_t seq_desc = {
        CONNECTD_DESC_HEADER,
        .class_name = SEQ_CLASS,
        .aliases = seq_aliases,
        .type = CONNECTD_SOURCE,
        .version = SEQ_VERSION,
        .config_defs = seq_config_defs,
        .start = seq_start,
        .task_configs = seq_task_configs,
        .stop = seq_stop,
        .task_start = seq_task_start,
        .task_poll = seq_task_poll,
        .task_stop = seq_task_stop,
};

/* The host must have every function we call: check its table is at least
 * as long as the one we were compiled against up to the last one we use. */
#define HOST_HAS(h, fn)                                                        \
        ((h)->struct_size >= offsetof(connectd_host_t, fn) + sizeof((h)->fn))

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        if (!HOST_HAS(h, struct_put))
                return -1;
        host = h;
        return host->register_connector(reg, &seq_desc);
}
