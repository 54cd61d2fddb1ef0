/*
 * Weak stand-ins for the modules server/rest/rest.c calls (herder, plugins,
 * converter, log, config), so the REST layer can be unit-tested alone. They
 * are weak: a test links only rest.o/validate.o from the core library and
 * these satisfy the references; the real modules are never pulled in.
 *
 * The herder stand-in is a tiny in-memory model (one mutex) with the
 * Connect state rules the REST layer relies on.
 */
#ifndef TEST_REST_STUBS_H
#define TEST_REST_STUBS_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "herder.h"
#include "plugins.h"
#include "converter.h"
#include "log.h"
#include "config.h"

#define WEAK __attribute__((weak))

/* ---------------- plugins ---------------- */

static const connectd_config_def_t stub_src_defs[] = {
        { .name = "file", .type = CONNECTD_CFG_STRING, .default_value = NULL,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Source filename.", .order = -1, .optional = 1 },
        { .name = "topic", .type = CONNECTD_CFG_LIST, .default_value = NULL,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "The topic to publish data to", .order = -1 },
        { .name = NULL }
};
static const char *const stub_src_aliases[] = { "FileStreamSourceConnector",
                                                "FileStreamSource", NULL };
static const char *const stub_sink_aliases[] = { "FileStreamSinkConnector",
                                                 "FileStreamSink", NULL };
static const connectd_connector_desc_t stub_descs[] = {
        { CONNECTD_DESC_HEADER,
          .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
          .aliases = stub_src_aliases, .type = CONNECTD_SOURCE,
          .version = "3.9.0", .config_defs = stub_src_defs },
        { CONNECTD_DESC_HEADER,
          .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
          .aliases = stub_sink_aliases, .type = CONNECTD_SINK,
          .version = "3.9.0", .config_defs = NULL },
};

WEAK const connectd_connector_desc_t *plugins_at(size_t i)
{
        return i < 2 ? &stub_descs[i] : NULL;
}

WEAK const connectd_connector_desc_t *plugins_find(const char *c)
{
        for (size_t i = 0; i < 2; i++) {
                if (!strcmp(stub_descs[i].class_name, c))
                        return &stub_descs[i];
                for (const char *const *a = stub_descs[i].aliases; *a; a++)
                        if (!strcmp(*a, c))
                                return &stub_descs[i];
        }
        return NULL;
}

/* Custom plugin scopes are not modelled: the class alone decides. */
WEAK const connectd_connector_desc_t *
plugins_find_for_config(const json_t *config)
{
        const char *c = json_string_value(
                json_object_get(config, "connector.class"));

        return c ? plugins_find(c) : NULL;
}

/* ---------------- metrics ---------------- */

/* The dummy herder has no runtime to look at: no problem to report. */
WEAK int metrics_health_problem(herder_t *h, char *buf, size_t size)
{
        (void)h;
        if (size)
                buf[0] = '\0';
        return 0;
}

/* ---------------- converter ---------------- */

WEAK const char *const converter_classes[] = {
        "org.apache.kafka.connect.converters.ByteArrayConverter",
        "org.apache.kafka.connect.json.JsonConverter",
        "org.apache.kafka.connect.storage.StringConverter", NULL
};

WEAK int converter_known(const char *c)
{
        for (int i = 0; converter_classes[i]; i++) {
                const char *dot = strrchr(converter_classes[i], '.');
                if (!strcmp(c, converter_classes[i]) || !strcmp(c, dot + 1))
                        return 1;
        }
        return 0;
}

/* ---------------- config ---------------- */

WEAK const char *wc_get(const json_t *props, const char *key)
{
        return json_string_value(json_object_get(props, key));
}

/* ---------------- log ---------------- */

static json_t *stub_levels; /* {"name":"LEVEL"} */
static pthread_mutex_t stub_log_lock = PTHREAD_MUTEX_INITIALIZER;

WEAK logger_t *log_get(const char *name)
{
        (void)name;
        return (logger_t *)1;
}
WEAK int log_enabled(const logger_t *lg, log_level_t level)
{
        (void)lg;
        (void)level;
        return 0;
}
WEAK void log_write(logger_t *lg, log_level_t level, const char *fmt, ...)
{
        (void)lg;
        (void)level;
        (void)fmt;
}
WEAK int log_level_parse(const char *s)
{
        static const char *const names[] = { "OFF", "FATAL", "ERROR", "WARN",
                                             "INFO", "DEBUG", "TRACE", "ALL" };
        for (int i = 0; i < 8; i++)
                if (s && !strcasecmp(s, names[i]))
                        return i;
        return -1;
}
WEAK const char *log_level_name(log_level_t l)
{
        static const char *const names[] = { "OFF", "FATAL", "ERROR", "WARN",
                                             "INFO", "DEBUG", "TRACE", "ALL" };
        return names[l];
}
static json_t *stub_level_obj(const char *lvl)
{
        return json_pack("{s:s,s:n}", "level", lvl, "last_modified");
}
WEAK json_t *log_levels_json(void)
{
        json_t *o = json_object();
        const char *k;
        json_t *v;
        pthread_mutex_lock(&stub_log_lock);
        json_object_set_new(o, "root", stub_level_obj("INFO"));
        json_object_foreach(stub_levels, k, v)
                json_object_set_new(o, k, stub_level_obj(json_string_value(v)));
        pthread_mutex_unlock(&stub_log_lock);
        return o;
}
WEAK json_t *log_level_json(const char *name)
{
        json_t *r = NULL;
        pthread_mutex_lock(&stub_log_lock);
        if (!strcasecmp(name, "root"))
                r = stub_level_obj("INFO");
        else if (json_object_get(stub_levels, name))
                r = stub_level_obj(json_string_value(json_object_get(stub_levels, name)));
        pthread_mutex_unlock(&stub_log_lock);
        return r;
}
WEAK json_t *log_level_set(const char *ns, log_level_t level)
{
        pthread_mutex_lock(&stub_log_lock);
        if (!stub_levels)
                stub_levels = json_object();
        json_object_set_new(stub_levels, ns, json_string(log_level_name(level)));
        pthread_mutex_unlock(&stub_log_lock);
        return json_pack("[s]", ns);
}

/* ---------------- herder ---------------- */

/* {"name":{"config":{...},"state":"RUNNING"|"PAUSED"|"STOPPED"}} */
static json_t *stub_conns;
static pthread_mutex_t stub_lock = PTHREAD_MUTEX_INITIALIZER;
static int stub_health = 1;

static json_t *stub_get(const char *name)
{
        if (!stub_conns)
                stub_conns = json_object();
        return json_object_get(stub_conns, name);
}

static const char *stub_type(json_t *c)
{
        const char *cls = json_string_value(json_object_get(
                json_object_get(c, "config"), "connector.class"));
        const connectd_connector_desc_t *d = cls ? plugins_find(cls) : NULL;
        return !d ? "unknown" : d->type == CONNECTD_SINK ? "sink" : "source";
}

static int stub_ntasks(json_t *c)
{
        return strcmp(json_string_value(json_object_get(c, "state")),
                      "STOPPED") ? 1 : 0;
}

static json_t *stub_info_locked(const char *name)
{
        json_t *c = stub_get(name);
        if (!c)
                return NULL;
        json_t *tasks = json_array();
        for (int i = 0; i < stub_ntasks(c); i++)
                json_array_append_new(tasks, json_pack("{s:s,s:i}", "connector",
                                                       name, "task", i));
        return json_pack("{s:s,s:O,s:o,s:s}", "name", name, "config",
                         json_object_get(c, "config"), "tasks", tasks, "type",
                         stub_type(c));
}

static json_t *stub_status_locked(const char *name, const char *override)
{
        json_t *c = stub_get(name);
        if (!c)
                return NULL;
        const char *st = override ? override
                                  : json_string_value(json_object_get(c, "state"));
        json_t *tasks = json_array();
        for (int i = 0; i < stub_ntasks(c); i++)
                json_array_append_new(tasks, json_pack("{s:i,s:s,s:s}", "id", i,
                                                       "state", st, "worker_id",
                                                       "127.0.0.1:8083"));
        return json_pack("{s:s,s:{s:s,s:s},s:o,s:s}", "name", name, "connector",
                         "state", st, "worker_id", "127.0.0.1:8083", "tasks",
                         tasks, "type", stub_type(c));
}

WEAK const char *herder_worker_id(const herder_t *h) { (void)h; return "127.0.0.1:8083"; }
WEAK const char *herder_kafka_cluster_id(const herder_t *h) { (void)h; return "stub-cluster"; }
WEAK int herder_health(herder_t *h) { (void)h; return stub_health; }
/* A standalone worker: every request is served here. */
WEAK herder_err_t herder_route(herder_t *h, herder_route_t kind,
                               const char *name, int task, char **url,
                               char *errstr, size_t n)
{
        (void)h; (void)kind; (void)name; (void)task; (void)errstr; (void)n;
        *url = NULL;
        return HERDER_OK;
}

WEAK herder_err_t herder_connector_put(herder_t *h, const char *name,
                                       const json_t *config,
                                       const char *target_state,
                                       int allow_update, int *created,
                                       json_t **info_out, char *errstr,
                                       size_t n)
{
        (void)h;
        (void)errstr;
        (void)n;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (c && !allow_update) {
                pthread_mutex_unlock(&stub_lock);
                return HERDER_EXISTS;
        }
        *created = !c;
        if (!c) {
                /* NULL: no initial_state given, i.e. STARTED */
                const char *st = !target_state ||
                                 !strcmp(target_state, "STARTED") ?
                                 "RUNNING" : target_state;
                json_object_set_new(stub_conns, name,
                                    json_pack("{s:O,s:s}", "config", config,
                                              "state", st));
        } else {
                json_object_set_new(c, "config", json_deep_copy(config));
        }
        if (info_out)
                *info_out = stub_info_locked(name);
        pthread_mutex_unlock(&stub_lock);
        return HERDER_OK;
}

WEAK herder_err_t herder_connector_update_if(herder_t *h, const char *name,
                                             const json_t *expected,
                                             const json_t *config,
                                             json_t **info_out, char *errstr,
                                             size_t n)
{
        (void)h;
        (void)errstr;
        (void)n;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (!c) {
                pthread_mutex_unlock(&stub_lock);
                return HERDER_NOT_FOUND;
        }
        if (!json_equal(json_object_get(c, "config"), (json_t *)expected)) {
                pthread_mutex_unlock(&stub_lock);
                return HERDER_CONFLICT;
        }
        json_object_set_new(c, "config", json_deep_copy(config));
        if (info_out)
                *info_out = stub_info_locked(name);
        pthread_mutex_unlock(&stub_lock);
        return HERDER_OK;
}

WEAK herder_err_t herder_connector_delete(herder_t *h, const char *name,
                                          char *errstr, size_t n)
{
        (void)h;
        (void)errstr;
        (void)n;
        pthread_mutex_lock(&stub_lock);
        int ok = stub_get(name) != NULL;
        json_object_del(stub_conns, name);
        pthread_mutex_unlock(&stub_lock);
        return ok ? HERDER_OK : HERDER_NOT_FOUND;
}

WEAK json_t *herder_connector_names(herder_t *h)
{
        (void)h;
        json_t *a = json_array();
        const char *k;
        json_t *v;
        pthread_mutex_lock(&stub_lock);
        stub_get("");
        json_object_foreach(stub_conns, k, v)
                json_array_append_new(a, json_string(k));
        pthread_mutex_unlock(&stub_lock);
        return a;
}

#define STUB_LOCKED(expr)                                                      \
        do {                                                                   \
                json_t *r_;                                                    \
                pthread_mutex_lock(&stub_lock);                                \
                r_ = (expr);                                                   \
                pthread_mutex_unlock(&stub_lock);                              \
                return r_;                                                     \
        } while (0)

WEAK json_t *herder_connector_info(herder_t *h, const char *name)
{
        (void)h;
        STUB_LOCKED(stub_info_locked(name));
}
WEAK json_t *herder_connector_config(herder_t *h, const char *name)
{
        (void)h;
        STUB_LOCKED(stub_get(name) ? json_deep_copy(json_object_get(
                                             stub_get(name), "config"))
                                   : NULL);
}
WEAK json_t *herder_connector_status(herder_t *h, const char *name)
{
        (void)h;
        STUB_LOCKED(stub_status_locked(name, NULL));
}
/* The tree path (herder_connector_status per name) serves the list. */
WEAK char *herder_statuses_text(herder_t *h, size_t *len)
{
        (void)h;
        (void)len;
        return NULL;
}
WEAK json_t *herder_task_status(herder_t *h, const char *name, int task)
{
        (void)h;
        json_t *r = NULL;
        pthread_mutex_lock(&stub_lock);
        json_t *st = stub_status_locked(name, NULL);
        if (st)
                r = json_incref(json_array_get(json_object_get(st, "tasks"),
                                               (size_t)task));
        json_decref(st);
        pthread_mutex_unlock(&stub_lock);
        return r;
}
WEAK json_t *herder_tasks(herder_t *h, const char *name)
{
        (void)h;
        json_t *r = NULL;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (c) {
                r = json_array();
                for (int i = 0; i < stub_ntasks(c); i++)
                        json_array_append_new(r, json_pack("{s:{s:s,s:i},s:{}}",
                                                           "id", "connector",
                                                           name, "task", i,
                                                           "config"));
        }
        pthread_mutex_unlock(&stub_lock);
        return r;
}
WEAK json_t *herder_tasks_config(herder_t *h, const char *name)
{
        (void)h;
        json_t *r = NULL;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (c) {
                r = json_object();
                for (int i = 0; i < stub_ntasks(c); i++) {
                        char k[512];
                        snprintf(k, sizeof(k), "%s-%d", name, i);
                        json_object_set_new(r, k, json_object());
                }
        }
        pthread_mutex_unlock(&stub_lock);
        return r;
}

static herder_err_t stub_set_state(const char *name, const char *st)
{
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (c)
                json_object_set_new(c, "state", json_string(st));
        pthread_mutex_unlock(&stub_lock);
        return c ? HERDER_OK : HERDER_NOT_FOUND;
}

WEAK herder_err_t herder_pause(herder_t *h, const char *name, char *e, size_t n)
{
        (void)h; (void)e; (void)n;
        return stub_set_state(name, "PAUSED");
}
WEAK herder_err_t herder_resume(herder_t *h, const char *name, char *e, size_t n)
{
        (void)h; (void)e; (void)n;
        return stub_set_state(name, "RUNNING");
}
WEAK herder_err_t herder_stop_connector(herder_t *h, const char *name, char *e,
                                        size_t n)
{
        (void)h; (void)e; (void)n;
        return stub_set_state(name, "STOPPED");
}
WEAK herder_err_t herder_restart(herder_t *h, const char *name, int include,
                                 int only_failed, json_t **status_out, char *e,
                                 size_t n)
{
        (void)h; (void)e; (void)n; (void)include;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (c && status_out)
                *status_out = stub_status_locked(name, only_failed ? NULL
                                                                   : "RESTARTING");
        pthread_mutex_unlock(&stub_lock);
        return c ? HERDER_OK : HERDER_NOT_FOUND;
}
WEAK herder_err_t herder_task_restart(herder_t *h, const char *name, int task,
                                      char *e, size_t n)
{
        (void)h; (void)e; (void)n;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        int ok = c && task < stub_ntasks(c);
        pthread_mutex_unlock(&stub_lock);
        return ok ? HERDER_OK : HERDER_NOT_FOUND;
}
WEAK json_t *herder_topics(herder_t *h, const char *name)
{
        (void)h;
        STUB_LOCKED(stub_get(name) ? json_pack("{s:{s:[s]}}", name, "topics",
                                               "t1")
                                   : NULL);
}
WEAK herder_err_t herder_topics_reset(herder_t *h, const char *name, char *e,
                                      size_t n)
{
        (void)h; (void)e; (void)n;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        pthread_mutex_unlock(&stub_lock);
        return c ? HERDER_OK : HERDER_NOT_FOUND;
}
WEAK herder_err_t herder_offsets_get(herder_t *h, const char *name,
                                     json_t **out, char *e, size_t n)
{
        (void)h; (void)e; (void)n;
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (c)
                *out = json_pack("{s:[{s:{s:s},s:{s:i}}]}", "offsets",
                                 "partition", "filename", "in.txt", "offset",
                                 "position", 42);
        pthread_mutex_unlock(&stub_lock);
        return c ? HERDER_OK : HERDER_NOT_FOUND;
}
WEAK herder_err_t herder_offsets_modify(herder_t *h, const char *name,
                                        const json_t *offsets, char *msg,
                                        size_t msg_size, char *e, size_t n)
{
        (void)h;
        herder_err_t rc;
        const char *verb = offsets ? "altered" : "reset";
        pthread_mutex_lock(&stub_lock);
        json_t *c = stub_get(name);
        if (!c) {
                rc = HERDER_NOT_FOUND;
                snprintf(e, n, "Connector %s not found", name);
        } else if (strcmp(json_string_value(json_object_get(c, "state")),
                          "STOPPED")) {
                rc = HERDER_BAD_REQUEST;
                snprintf(e, n, "Connectors must be in the STOPPED state "
                         "before their offsets can be modified. This can be "
                         "done for the specified connector by issuing a "
                         "'PUT' request to the '/connectors/%s/stop' "
                         "endpoint", name);
        } else {
                rc = HERDER_OK;
                snprintf(msg, msg_size, "The Connect framework-managed "
                         "offsets for this connector have been %s "
                         "successfully. However, if this connector manages "
                         "offsets externally, they will need to be manually "
                         "%s in the system that the connector uses.",
                         verb, verb);
        }
        pthread_mutex_unlock(&stub_lock);
        return rc;
}

__attribute__((unused)) static void stub_reset(void)
{
        pthread_mutex_lock(&stub_lock);
        json_decref(stub_conns);
        stub_conns = json_object();
        pthread_mutex_unlock(&stub_lock);
        stub_health = 1;
}

#endif
