/*
 * datagen_plugin — the connector descriptor over the generator core.
 *
 * DESIGN
 * Thin by intent: it converts host config maps into dg_kv_t arrays, runs
 * dg_config_new() for validate/start/task_start, copies the connector
 * config into tasks.max identical task configs, and turns each event into
 * Connect values through the host table (primitive: value_string; complex:
 * value_struct "com.amazonaws.mskdatagen.GenN" with fields in the config's
 * precomputed HashMap order; null: value_null). No source partition or
 * offset is set (nothing is resumed) and the partition is left to the
 * producer. Each task seeds its own generator from getrandom().
 *
 * @locality connector callbacks on the connector thread, task callbacks on
 * the task's thread; no state is shared between them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen.h"
#include "datagen_int.h"

/* Records per poll: 1,000 keep a poll's batch and payloads in the caches
 * until librdkafka has copied them (2,000 cost ~5 % more CPU per record in
 * the bookstore benchmark, bench/RESULTS.md (b''')). */
#define POLL_MAX_RECORDS 1000
/* Generated text per poll: records can be up to 1 MiB each, and 1000 of
 * them would outgrow the batch (whose arena then fails the task). */
#define POLL_MAX_BYTES ((size_t)16 << 20)
#define DRAINED_SLEEP_MS 200

static const connectd_host_t *host;

typedef struct conn_state {
        dg_kv_t *kv;
        size_t n;
} conn_state_t;

typedef struct task_state {
        connectd_ctx_t *ctx;
        dg_config_t *cfg;
        dg_task_t *task;
        connectd_batch_t *batch;
        size_t poll_bytes;     /* generated text in this poll so far */
        int value_json;        /* this poll: values as JSON text */
        dg_buf_t json;         /* one value's JSON text */
} task_state_t;

/* Copy a host map into a dg_kv_t array pointing at the map's strings
 * (valid while the map is). Caller frees the array. */
static dg_kv_t *map_to_kv(const connectd_config_t *cfg, size_t *n)
{
        size_t cnt = host->config_count(cfg);
        dg_kv_t *kv = calloc(cnt + 1, sizeof(*kv));
        size_t k = 0;

        if (!kv)
                return NULL;
        for (size_t i = 0; i < cnt; i++) {
                const char *key, *val;
                if (host->config_entry(cfg, i, &key, &val) < 0)
                        break;
                kv[k].key = key;
                kv[k].value = val ? val : "";
                k++;
        }
        *n = k;
        return kv;
}

static void dg_validate(const connectd_config_t *cfg, connectd_validation_t *v)
{
        size_t n;
        dg_kv_t *kv = map_to_kv(cfg, &n);
        const char *bad = NULL;
        char err[2048];
        dg_config_t *c;

        if (!kv)
                return;
        c = dg_config_new(kv, n, &bad, err, sizeof(err));
        if (!c)
                host->validation_error(v, bad ? bad : "connector.class", "%s",
                                       err);
        dg_config_destroy(c);
        free(kv);
}

static int dg_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                    void **statep, char *errstr, size_t errstr_size)
{
        conn_state_t *st = calloc(1, sizeof(*st));
        const char *bad = NULL;
        size_t n = 0;
        dg_kv_t *kv = NULL;
        dg_config_t *c = NULL;
        int rc = -1;

        (void)ctx;
        if (!st || !(kv = map_to_kv(cfg, &n))) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        c = dg_config_new(kv, n, &bad, errstr, errstr_size);
        if (!c)
                goto out;
        st->kv = calloc(n + 1, sizeof(*st->kv));
        if (!st->kv) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        for (size_t i = 0; i < n; i++) {
                st->kv[i].key = strdup(kv[i].key);
                st->kv[i].value = strdup(kv[i].value);
                st->n = i + 1;
                if (!st->kv[i].key || !st->kv[i].value) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out;
                }
        }
        *statep = st;
        st = NULL;
        rc = 0;
out:
        if (st) {
                for (size_t i = 0; i < st->n; i++) {
                        free((char *)st->kv[i].key);
                        free((char *)st->kv[i].value);
                }
                free(st->kv);
                free(st);
        }
        dg_config_destroy(c);
        free(kv);
        return rc;
}

static int dg_task_configs(void *state, int max_tasks,
                           connectd_task_configs_t *out, char *errstr,
                           size_t errstr_size)
{
        conn_state_t *st = state;

        for (int t = 0; t < max_tasks; t++) {
                connectd_config_t *tc = host->task_config_add(out);
                if (!tc) {
                        snprintf(errstr, errstr_size,
                                 "could not add a task config");
                        return -1;
                }
                for (size_t i = 0; i < st->n; i++)
                        if (host->config_set(tc, st->kv[i].key,
                                             st->kv[i].value)) {
                                snprintf(errstr, errstr_size,
                                         "could not copy %s into a task config",
                                         st->kv[i].key);
                                return -1;
                        }
        }
        return 0;
}

static void dg_stop(void *state)
{
        conn_state_t *st = state;
        if (!st)
                return;
        for (size_t i = 0; i < st->n; i++) {
                free((char *)st->kv[i].key);
                free((char *)st->kv[i].value);
        }
        free(st->kv);
        free(st);
}

static int dg_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                         void **statep, char *errstr, size_t errstr_size)
{
        task_state_t *ts = NULL;
        dg_kv_t *kv = NULL;
        const char *bad = NULL;
        size_t n = 0;
        dg_rng_t seeder;
        char err[2048];
        int rc = -1;

        if (!cfg || host->config_count(cfg) == 0) {
                snprintf(errstr, errstr_size,
                         "No usable properties - refusing to start since "
                         "there is no work to do.");
                goto out;
        }
        ts = calloc(1, sizeof(*ts));
        kv = map_to_kv(cfg, &n);
        if (!ts || !kv) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        ts->ctx = ctx;
        ts->cfg = dg_config_new(kv, n, &bad, err, sizeof(err));
        if (!ts->cfg) {
                if (bad)
                        snprintf(errstr, errstr_size,
                                 "Configuration problem\n\nProblematic "
                                 "configurations:\n\n - %s = %s\n\n%s",
                                 bad, host->config_get(cfg, bad)
                                              ? host->config_get(cfg, bad)
                                              : "",
                                 err);
                else
                        snprintf(errstr, errstr_size, "%s", err);
                goto out;
        }
        dg_rng_seed_random(&seeder);
        ts->task = dg_task_new(ts->cfg, dg_rng_next(&seeder));
        dg_buf_init(&ts->json, 256);
        if (!ts->task || !ts->json.p) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        *statep = ts;
        ts = NULL;
        rc = 0;
out:
        if (ts) {
                dg_buf_free(&ts->json);
                dg_task_destroy(ts->task);
                dg_config_destroy(ts->cfg);
                free(ts);
        }
        free(kv);
        return rc;
}

static connectd_value_t *build_struct(connectd_record_t *rec,
                                      const dg_event_t *ev, const dg_plan_t *p)
{
        connectd_value_t *st = host->value_struct(rec, p->schema_name);

        if (!st)
                return NULL;
        for (int i = 0; i < p->n; i++) {
                connectd_value_t *v;
                if (p->f[i].sub) {
                        v = build_struct(rec, ev, p->f[i].sub);
                } else {
                        const dg_val_t *dv = &ev->vals[p->f[i].slot];
                        v = dv->null ? host->value_null(rec)
                                     : host->value_string(rec, ev->buf + dv->off,
                                                          dv->len);
                }
                if (!v || host->struct_put(rec, st, p->f[i].name, v))
                        return NULL;
        }
        return st;
}

static connectd_value_t *build_ns(connectd_record_t *rec, const dg_event_t *ev,
                                  int ns)
{
        const dg_topic_t *tp = ev->topic;

        if (ev->ns_null[ns])
                return host->value_null(rec);
        if (tp->kind[ns] == DG_KIND_PRIM) {
                const dg_val_t *v = &ev->vals[tp->slots[ns][0]];
                return v->null ? host->value_null(rec)
                               : host->value_string(rec, ev->buf + v->off,
                                                    v->len);
        }
        return build_struct(rec, ev, tp->plan[ns]);
}

connectd_value_t *dg_event_value(connectd_record_t *rec, const dg_event_t *ev,
                                 int ns)
{
        return build_ns(rec, ev, ns);
}

static int emit_record(void *arg, const dg_event_t *ev)
{
        task_state_t *ts = arg;
        connectd_record_t *rec;
        connectd_value_t *k, *v;
        size_t bytes = 0;

        for (int ns = 0; ns < 2; ns++)
                for (int i = 0; i < ev->topic->nslots[ns]; i++)
                        bytes += ev->vals[ev->topic->slots[ns][i]].len;
        if (ts->poll_bytes && ts->poll_bytes + bytes > POLL_MAX_BYTES)
                return 1; /* enough for this poll: the event is dropped */
        rec = host->record_add(ts->batch, ev->topic->name);
        if (!rec)
                return 1; /* the batch is at its ceiling: stop this poll */
        ts->poll_bytes += bytes;
        k = build_ns(rec, ev, DG_NS_KEY);
        if (!k)
                return -1;
        host->record_set_key(rec, k);
        /* Straight to the JSON text the converter would write; a text
         * too long for the buffer takes the tree path. */
        if (ts->value_json && !dg_event_null(ev, DG_NS_VALUE) &&
            dg_event_json_buf(ev, DG_NS_VALUE, &ts->json) == 0)
                return host->record_set_value_json(rec, ts->json.p,
                                                   ts->json.len)
                               ? -1
                               : 0;
        v = build_ns(rec, ev, DG_NS_VALUE);
        if (!v)
                return -1;
        host->record_set_value(rec, v);
        return 0;
}

static int sleep_cb(void *arg, int64_t ms)
{
        task_state_t *ts = arg;
        return host->sleep(ts->ctx, ms);
}

static int dg_task_poll_cb(void *state, connectd_batch_t *batch, char *errstr,
                           size_t errstr_size)
{
        task_state_t *ts = state;
        int drained = 0, n;

        ts->batch = batch;
        ts->poll_bytes = 0;
        ts->value_json = CONNECTD_HOST_HAS(host, record_set_value_json) &&
                         host->batch_value_json_ok &&
                         host->record_set_value_json &&
                         host->batch_value_json_ok(batch);
        n = dg_task_poll(ts->task, POLL_MAX_RECORDS, emit_record, ts, sleep_cb,
                         ts, &drained, errstr, errstr_size);
        ts->batch = NULL;
        if (n == 0 && drained)
                host->sleep(ts->ctx, DRAINED_SLEEP_MS);
        return n;
}

static void dg_task_stop(void *state)
{
        task_state_t *ts = state;
        if (!ts)
                return;
        dg_buf_free(&ts->json);
        dg_task_destroy(ts->task);
        dg_config_destroy(ts->cfg);
        free(ts);
}

static const char *const dg_aliases[] = { "GeneratorSourceConnector",
                                          "GeneratorSource", "datagen", NULL };

static const connectd_config_def_t dg_config_defs[] = { { .name = NULL } };

static const connectd_connector_desc_t dg_desc = {
        CONNECTD_DESC_HEADER,
        .class_name = DATAGEN_CLASS,
        .aliases = dg_aliases,
        .type = CONNECTD_SOURCE,
        .version = DATAGEN_VERSION,
        .config_defs = dg_config_defs,
        .validate = dg_validate,
        .start = dg_start,
        .task_configs = dg_task_configs,
        .stop = dg_stop,
        .task_start = dg_task_start,
        .task_poll = dg_task_poll_cb,
        .task_stop = dg_task_stop,
};

int datagen_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        return h->register_connector(reg, &dg_desc);
}
