/*
 * sqlite_stores — config_store, offset_store and status_store over one
 * store_t (store.c): conversions between the interfaces' JSON values and
 * the file's JSON text, and one shared connection with a reference count.
 */
#include "sqlite_stores.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "store.h"

struct sqlite_stores {
        store_t *st;
        atomic_int refs;       /* stores not yet closed */
        config_store_t cs;
        offset_store_t os;
        status_store_t ss;
};

#define FROM(ptr, member) \
        ((struct sqlite_stores *)((char *)(ptr) - \
                                  offsetof(struct sqlite_stores, member)))

static logger_t *slog(void)
{
        return log_get("connectd.store");
}

static void release(struct sqlite_stores *s)
{
        if (atomic_fetch_sub(&s->refs, 1) != 1)
                return;
        store_close(s->st);
        free(s);
}

/* ---- config store ------------------------------------------------------- */

static int cs_connector_put(config_store_t *cs, const char *name,
                            const json_t *config, const char *target,
                            char *errstr, size_t errstr_size)
{
        char *txt = json_dumps(config, JSON_COMPACT);
        int rc;

        if (!txt) {
                snprintf(errstr, errstr_size, "config is not serializable");
                return -1;
        }
        rc = store_connector_put(FROM(cs, cs)->st, name, txt, target, errstr,
                                 errstr_size);
        free(txt);
        return rc;
}

static int cs_target_put(config_store_t *cs, const char *name,
                         const char *target, char *errstr, size_t errstr_size)
{
        return store_connector_set_target(FROM(cs, cs)->st, name, target,
                                          errstr, errstr_size);
}

/* The file keeps statuses beside configs: deleting a connector removes
 * its statuses in the same transaction (offsets stay). */
static int cs_connector_delete(config_store_t *cs, const char *name,
                               char *errstr, size_t errstr_size)
{
        return store_connector_delete(FROM(cs, cs)->st, name, errstr,
                                      errstr_size);
}

static int cs_tasks_put(config_store_t *cs, const char *name,
                        const json_t *tasks, char *errstr, size_t errstr_size)
{
        size_t i, n = json_array_size(tasks);
        char **txt = calloc(n ? n : 1, sizeof(*txt));
        int rc = -1;

        if (!txt) {
                snprintf(errstr, errstr_size, "store: out of memory");
                return -1;
        }
        for (i = 0; i < n; i++) {
                txt[i] = json_dumps(json_array_get(tasks, i), JSON_COMPACT);
                if (!txt[i]) {
                        snprintf(errstr, errstr_size,
                                 "task config %zu is not serializable", i);
                        goto out;
                }
        }
        rc = store_tasks_put(FROM(cs, cs)->st, name, (int)n,
                             (const char *const *)txt, errstr, errstr_size);
out:
        for (i = 0; i < n; i++)
                free(txt[i]);
        free(txt);
        return rc;
}

struct conn_walk {
        config_store_connector_cb cb;
        void *opaque;
};

static int conn_walk_cb(void *opaque, const char *name,
                        const char *config_json, const char *target_state)
{
        struct conn_walk *w = opaque;
        json_error_t jerr;
        json_t *config = json_loads(config_json, 0, &jerr);
        int rc;

        if (!config) {
                LOG_ERROR(slog(), "Stored config of connector %s is "
                          "unreadable (%s); skipped", name, jerr.text);
                return 0;
        }
        rc = w->cb(w->opaque, name, config, target_state);
        json_decref(config);
        return rc;
}

static int cs_connector_each(config_store_t *cs,
                             config_store_connector_cb cb, void *opaque,
                             char *errstr, size_t errstr_size)
{
        struct conn_walk w = { cb, opaque };

        return store_connector_each(FROM(cs, cs)->st, conn_walk_cb, &w,
                                    errstr, errstr_size);
}

static int task_walk_cb(void *opaque, const char *connector, int task,
                        const char *config_json)
{
        json_t *arr = opaque, *cfg = json_loads(config_json, 0, NULL);

        (void)connector;
        /* Ids must run 0..n-1: a gap or an unreadable row spoils the set. */
        if (!cfg || task != (int)json_array_size(arr)) {
                json_decref(cfg);
                json_array_clear(arr);
                return 1;
        }
        json_array_append_new(arr, cfg);
        return 0;
}

static int cs_tasks_get(config_store_t *cs, const char *name, json_t **tasks,
                        char *errstr, size_t errstr_size)
{
        json_t *arr = json_array();

        *tasks = NULL;
        if (!arr) {
                snprintf(errstr, errstr_size, "store: out of memory");
                return -1;
        }
        if (store_tasks_each(FROM(cs, cs)->st, name, task_walk_cb, arr,
                             errstr, errstr_size)) {
                json_decref(arr);
                return -1;
        }
        *tasks = arr;
        return 0;
}

static void cs_close(config_store_t *cs)
{
        release(FROM(cs, cs));
}

static const struct config_store_ops cs_ops = {
        .connector_put = cs_connector_put,
        .target_put = cs_target_put,
        .connector_delete = cs_connector_delete,
        .tasks_put = cs_tasks_put,
        .connector_each = cs_connector_each,
        .tasks_get = cs_tasks_get,
        .close = cs_close,
};

/* ---- offset store ------------------------------------------------------- */

static int os_put(offset_store_t *os, const char *connector, int n,
                  const char *const *parts, const char *const *offs,
                  char *errstr, size_t errstr_size)
{
        return store_offsets_put(FROM(os, os)->st, connector, n, parts, offs,
                                 errstr, errstr_size);
}

static int os_get(offset_store_t *os, const char *connector,
                  const char *part, char **off, char *errstr,
                  size_t errstr_size)
{
        return store_offset_get(FROM(os, os)->st, connector, part, off,
                                errstr, errstr_size);
}

static int os_each(offset_store_t *os, const char *connector,
                   offset_store_cb cb, void *opaque, char *errstr,
                   size_t errstr_size)
{
        return store_offsets_each(FROM(os, os)->st, connector, cb, opaque,
                                  errstr, errstr_size);
}

static int os_delete_all(offset_store_t *os, const char *connector,
                         char *errstr, size_t errstr_size)
{
        return store_offsets_delete_all(FROM(os, os)->st, connector, errstr,
                                        errstr_size);
}

static void os_close(offset_store_t *os)
{
        release(FROM(os, os));
}

static const struct offset_store_ops os_ops = {
        .put = os_put,
        .get = os_get,
        .each = os_each,
        .delete_all = os_delete_all,
        .sync = NULL, /* every write is local */
        .close = os_close,
};

/* ---- status store ------------------------------------------------------- */

static int ss_put(status_store_t *ss, const char *connector, int task,
                  const char *state, const char *trace,
                  const char *worker_id, int generation, int safe,
                  char *errstr, size_t errstr_size)
{
        (void)worker_id;
        (void)generation;
        (void)safe;
        return store_status_put(FROM(ss, ss)->st, connector, task, state,
                                trace, errstr, errstr_size);
}

static int ss_remove(status_store_t *ss, const char *connector, int task,
                     char *errstr, size_t errstr_size)
{
        return store_status_remove(FROM(ss, ss)->st, connector, task, errstr,
                                   errstr_size);
}

struct status_walk {
        status_store_cb cb;
        void *opaque;
};

static int status_walk_cb(void *opaque, const char *connector, int task,
                          const char *state, const char *trace)
{
        struct status_walk *w = opaque;

        return w->cb(w->opaque, connector, task, state, trace, NULL, 0);
}

static int ss_each(status_store_t *ss, status_store_cb cb, void *opaque,
                   char *errstr, size_t errstr_size)
{
        struct status_walk w = { cb, opaque };

        return store_status_each(FROM(ss, ss)->st, status_walk_cb, &w,
                                 errstr, errstr_size);
}

static void ss_close(status_store_t *ss)
{
        release(FROM(ss, ss));
}

static const struct status_store_ops ss_ops = {
        .put = ss_put,
        .remove = ss_remove,
        .each = ss_each,
        .close = ss_close,
};

/* ---- open --------------------------------------------------------------- */

int sqlite_stores_open(const char *path, config_store_t **cs,
                       offset_store_t **os, status_store_t **ss,
                       char *errstr, size_t errstr_size)
{
        struct sqlite_stores *s = calloc(1, sizeof(*s));

        *cs = NULL;
        *os = NULL;
        *ss = NULL;
        if (!s) {
                snprintf(errstr, errstr_size, "store: out of memory");
                return -1;
        }
        s->st = store_open(path, errstr, errstr_size);
        if (!s->st) {
                free(s);
                return -1;
        }
        atomic_init(&s->refs, 3);
        s->cs.ops = &cs_ops;
        s->os.ops = &os_ops;
        s->ss.ops = &ss_ops;
        *cs = &s->cs;
        *os = &s->os;
        *ss = &s->ss;
        return 0;
}
