/*
 * Shared bits of the deliberately broken test plugins. Like real plugins
 * they see only connect/plugin.h.
 */
#ifndef TEST_PLUGINS_COMMON_H
#define TEST_PLUGINS_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect/plugin.h"

static const connectd_host_t *host __attribute__((unused));

/* Connector state: a copy of its config, handed to every task. */
#define TP_MAX_KEYS 32
typedef struct tp_state {
        size_t n;
        char key[TP_MAX_KEYS][128];
        char val[TP_MAX_KEYS][256];
} tp_state_t;

static inline int tp_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                           void **statep, char *errstr, size_t errstr_size)
{
        tp_state_t *st = calloc(1, sizeof(*st));
        const char *k, *v;
        size_t i;

        (void)ctx;
        if (!st) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        for (i = 0; st->n < TP_MAX_KEYS &&
                    host->config_entry(cfg, i, &k, &v) == 0; i++) {
                snprintf(st->key[st->n], sizeof(st->key[0]), "%s", k);
                snprintf(st->val[st->n], sizeof(st->val[0]), "%s",
                         v ? v : "");
                st->n++;
        }
        *statep = st;
        return 0;
}

static inline void tp_stop(void *state)
{
        free(state);
}

/* One task config per task, each a copy of the connector's config. */
static inline int tp_task_configs(void *state, int max_tasks,
                                  connectd_task_configs_t *out, char *errstr,
                                  size_t errstr_size)
{
        tp_state_t *st = state;
        int i;
        size_t j;

        for (i = 0; i < max_tasks; i++) {
                connectd_config_t *tc = host->task_config_add(out);
                if (!tc) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return -1;
                }
                for (j = 0; st && j < st->n; j++)
                        host->config_set(tc, st->key[j], st->val[j]);
        }
        return 0;
}

static inline int tp_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                         void **statep, char *errstr, size_t errstr_size)
{
        (void)cfg;
        (void)errstr;
        (void)errstr_size;
        *statep = ctx;
        return 0;
}

static inline int tp_poll_nothing(void *state, connectd_batch_t *batch, char *errstr,
                           size_t errstr_size)
{
        (void)batch;
        (void)errstr;
        (void)errstr_size;
        host->sleep(state, 100);
        return 0;
}

static inline int tp_put_nothing(void *state,
                          const connectd_sink_record_t *const *recs, size_t n,
                          char *errstr, size_t errstr_size)
{
        (void)state;
        (void)recs;
        (void)n;
        (void)errstr;
        (void)errstr_size;
        return 0;
}

#endif
