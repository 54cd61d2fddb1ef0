/* A config provider plugin and a source that shows what its task was
 * started with:
 *  - com.example.test.StaticConfigProvider ("Static"): ${NAME:PATH:KEY}
 *    gives "<prefix><PATH>/<KEY>" (prefix: param "prefix"); the key
 *    "missing" is left out (the reference stays); the key "fail" makes
 *    get fail with "static provider: asked to fail".
 *  - com.example.test.ConfigEchoSourceConnector: each task writes one
 *    record per key of its (resolved) config to the topic named by
 *    "topic", key = config key, value = config value, once. */
#include <stddef.h>

#include "common.h"

typedef struct {
        char prefix[256];
} static_state_t;

static int static_configure(const connectd_config_t *params, void **statep,
                            char *errstr, size_t errstr_size)
{
        static_state_t *st = calloc(1, sizeof(*st));
        const char *p = host->config_get(params, "prefix");

        if (!st) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        snprintf(st->prefix, sizeof(st->prefix), "%s", p ? p : "");
        *statep = st;
        return 0;
}

static int static_get(void *state, const char *path, const char *const *keys,
                      size_t nkeys, connectd_config_t *out, char *errstr,
                      size_t errstr_size)
{
        static_state_t *st = state;
        char v[1024];
        size_t i;

        for (i = 0; i < nkeys; i++) {
                if (!strcmp(keys[i], "fail")) {
                        snprintf(errstr, errstr_size,
                                 "static provider: asked to fail");
                        return -1;
                }
                if (!strcmp(keys[i], "missing"))
                        continue;
                snprintf(v, sizeof(v), "%s%s/%s", st->prefix, path, keys[i]);
                host->config_set(out, keys[i], v);
        }
        return 0;
}

static void static_close(void *state)
{
        free(state);
}

static const char *const static_aliases[] = {"Static", NULL};

static const connectd_config_provider_desc_t static_provider = {
        CONNECTD_CONFIG_PROVIDER_DESC_HEADER,
        .class_name = "com.example.test.StaticConfigProvider",
        .aliases = static_aliases,
        .configure = static_configure,
        .get = static_get,
        .close = static_close,
};

typedef struct {
        tp_state_t cfg;
        connectd_ctx_t *ctx;
        int done;
} echo_task_t;

static int echo_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                           void **statep, char *errstr, size_t errstr_size)
{
        echo_task_t *t = calloc(1, sizeof(*t));
        void *copy = NULL;

        if (!t || tp_start(ctx, cfg, &copy, errstr, errstr_size)) {
                free(t);
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        t->cfg = *(tp_state_t *)copy;
        free(copy);
        t->ctx = ctx;
        *statep = t;
        return 0;
}

static int echo_poll(void *state, connectd_batch_t *batch, char *errstr,
                     size_t errstr_size)
{
        echo_task_t *t = state;
        const char *topic = NULL;
        size_t i;
        int n = 0;

        (void)errstr;
        (void)errstr_size;
        if (t->done) {
                host->sleep(t->ctx, 100);
                return 0;
        }
        for (i = 0; i < t->cfg.n; i++)
                if (!strcmp(t->cfg.key[i], "topic"))
                        topic = t->cfg.val[i];
        for (i = 0; topic && i < t->cfg.n; i++) {
                connectd_record_t *r = host->record_add(batch, topic);
                host->record_set_key(r, host->value_string(
                        r, t->cfg.key[i], strlen(t->cfg.key[i])));
                host->record_set_value(r, host->value_string(
                        r, t->cfg.val[i], strlen(t->cfg.val[i])));
                n++;
        }
        t->done = 1;
        return n;
}

static const connectd_connector_desc_t echo = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.ConfigEchoSourceConnector",
        .type = CONNECTD_SOURCE,
        .version = "1.0",
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = echo_task_start,
        .task_poll = echo_poll,
        .task_stop = tp_stop,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        host = h;
        if (h->struct_size < offsetof(connectd_host_t,
                                      register_config_provider) +
                                     sizeof(h->register_config_provider))
                return -1;
        if (host->register_config_provider(reg, &static_provider))
                return -1;
        return host->register_connector(reg, &echo);
}
