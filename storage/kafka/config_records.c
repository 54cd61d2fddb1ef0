/*
 * config_records — formats, write sequences and reader of the config topic.
 *
 * DESIGN
 *
 * Values are built as jansson objects in Java's field order and dumped
 * compact (jansson keeps insertion order, escapes no '/', writes UTF-8 as
 * is), which gives the bytes JsonConverter writes with schemas disabled.
 *
 * The reader keeps one entry per name seen in any record, in an array
 * whose order is creation order of the live connectors (an entry moves to
 * the end when its connector record appears while it has no config). An
 * entry holds the live config (NULL once deleted), the target-state record
 * (TGT_NONE = no record, read as STARTED), the committed task set, the
 * task-record buffer awaiting a commit (object "id" -> properties) and the
 * "inconsistent" flag of section 2.3. An entry left with nothing is freed.
 *
 * Prefixes are tested in the spec's order: target-state-, connector-,
 * task-, commit-, restart-connector-, tasks-fencing-, session-key,
 * logger-cluster- ("tasks-fencing-X" does not match "task-": its fifth
 * character is 's').
 */
#include "config_records.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.storage.config")

/* ------------------------------------------------------------------ */
/* values and keys                                                     */

static char *dump(json_t *v)
{
        char *s;

        if (!v)
                return NULL;
        s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(v);
        return s;
}

char *config_value_properties(const json_t *props)
{
        if (!json_is_object(props))
                return NULL;
        return dump(json_pack("{s:O}", "properties", (json_t *)props));
}

char *config_value_commit(int k)
{
        if (k < 0)
                return NULL;
        return dump(json_pack("{s:i}", "tasks", k));
}

/* Canonical target name, or NULL. "RUNNING" is the REST word for it. */
static const char *target_canon(const char *t)
{
        if (!t)
                return NULL;
        if (!strcmp(t, "STARTED") || !strcmp(t, "RUNNING"))
                return "STARTED";
        if (!strcmp(t, "PAUSED"))
                return "PAUSED";
        if (!strcmp(t, "STOPPED"))
                return "STOPPED";
        return NULL;
}

char *config_value_target(const char *target)
{
        const char *t = target_canon(target);

        if (!t)
                return NULL;
        /* Old readers only know "state", and only STARTED/PAUSED. */
        return dump(json_pack("{s:s,s:s}", "state",
                              !strcmp(t, "STOPPED") ? "PAUSED" : t,
                              "state.v2", t));
}

char *config_value_restart(int include_tasks, int only_failed)
{
        return dump(json_pack("{s:b,s:b}", "include-tasks", !!include_tasks,
                              "only-failed", !!only_failed));
}

char *config_value_session_key(const char *key_b64, const char *algorithm,
                               int64_t creation_ms)
{
        if (!key_b64 || !algorithm)
                return NULL;
        return dump(json_pack("{s:s,s:s,s:I}", "key", key_b64, "algorithm",
                              algorithm, "creation-timestamp",
                              (json_int_t)creation_ms));
}

char *config_value_fencing(int task_count)
{
        if (task_count < 0)
                return NULL;
        return dump(json_pack("{s:i}", "task-count", task_count));
}

char *config_value_logger(const char *level)
{
        if (!level)
                return NULL;
        return dump(json_pack("{s:s}", "level", level));
}

static char *key_fmt(const char *prefix, const char *name)
{
        char *k = NULL;

        if (!name || asprintf(&k, "%s%s", prefix, name) < 0)
                return NULL;
        return k;
}

#define P_TARGET "target-state-"
#define P_CONNECTOR "connector-"
#define P_TASK "task-"
#define P_COMMIT "commit-"
#define P_RESTART "restart-connector-"
#define P_FENCING "tasks-fencing-"
#define P_LOGGER "logger-cluster-"

char *config_key_connector(const char *name)
{
        return key_fmt(P_CONNECTOR, name);
}
char *config_key_commit(const char *name)
{
        return key_fmt(P_COMMIT, name);
}
char *config_key_target(const char *name)
{
        return key_fmt(P_TARGET, name);
}
char *config_key_restart(const char *name)
{
        return key_fmt(P_RESTART, name);
}
char *config_key_fencing(const char *name)
{
        return key_fmt(P_FENCING, name);
}
char *config_key_logger(const char *ns)
{
        return key_fmt(P_LOGGER, ns);
}
char *config_key_task(const char *name, int id)
{
        char *k = NULL;

        if (!name || id < 0 || asprintf(&k, P_TASK "%s-%d", name, id) < 0)
                return NULL;
        return k;
}

/* ------------------------------------------------------------------ */
/* write sequences                                                     */

void config_recs_clear(config_recs_t *l)
{
        size_t i;

        for (i = 0; i < l->cnt; i++) {
                free(l->recs[i].key);
                free(l->recs[i].value);
        }
        free(l->recs);
        memset(l, 0, sizeof(*l));
}

/* Takes key and value (both may be NULL on allocation failure: then both
 * are freed and -1 returned; value NULL with tombstone=0 is a failure). */
static int recs_add(config_recs_t *l, char *key, char *value, int tombstone)
{
        if (!key || (!value && !tombstone))
                goto fail;
        if (l->cnt == l->size) {
                size_t n = l->size ? l->size * 2 : 4;
                config_rec_t *r = realloc(l->recs, n * sizeof(*r));

                if (!r)
                        goto fail;
                l->recs = r;
                l->size = n;
        }
        l->recs[l->cnt].key = key;
        l->recs[l->cnt].value = value;
        l->cnt++;
        return 0;
fail:
        free(key);
        free(value);
        return -1;
}

/* Drops records appended after `mark` (undo of a failed operation). */
static void recs_truncate(config_recs_t *l, size_t mark)
{
        while (l->cnt > mark) {
                l->cnt--;
                free(l->recs[l->cnt].key);
                free(l->recs[l->cnt].value);
        }
}

static int check_name(const char *name, char *errstr, size_t errstr_size)
{
        if (!name) {
                snprintf(errstr, errstr_size, "connector name missing");
                return -1;
        }
        return 0;
}

int config_recs_create(config_recs_t *l, const char *name,
                       const json_t *config, const char *initial_target,
                       char *errstr, size_t errstr_size)
{
        size_t mark = l->cnt;

        if (check_name(name, errstr, errstr_size))
                return -1;
        if (!json_is_object(config)) {
                snprintf(errstr, errstr_size,
                         "connector %s: config is not an object", name);
                return -1;
        }
        if (initial_target && !target_canon(initial_target)) {
                snprintf(errstr, errstr_size,
                         "connector %s: invalid target state %s", name,
                         initial_target);
                return -1;
        }
        if (initial_target &&
            recs_add(l, config_key_target(name),
                     config_value_target(initial_target), 0))
                goto oom;
        if (recs_add(l, config_key_connector(name),
                     config_value_properties(config), 0))
                goto oom;
        return 0;
oom:
        recs_truncate(l, mark);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
}

int config_recs_reconfigure(config_recs_t *l, const char *name,
                            const json_t *config, char *errstr,
                            size_t errstr_size)
{
        return config_recs_create(l, name, config, NULL, errstr,
                                  errstr_size);
}

int config_recs_tasks(config_recs_t *l, const char *name,
                      const json_t *tasks, char *errstr, size_t errstr_size)
{
        size_t mark = l->cnt, i;

        if (check_name(name, errstr, errstr_size))
                return -1;
        if (!json_is_array(tasks) || json_array_size(tasks) > INT_MAX) {
                snprintf(errstr, errstr_size,
                         "connector %s: task configs are not an array",
                         name);
                return -1;
        }
        for (i = 0; i < json_array_size(tasks); i++) {
                if (!json_is_object(json_array_get(tasks, i))) {
                        snprintf(errstr, errstr_size,
                                 "connector %s: task config %zu is not an "
                                 "object",
                                 name, i);
                        return -1;
                }
        }
        for (i = 0; i < json_array_size(tasks); i++)
                if (recs_add(l, config_key_task(name, (int)i),
                             config_value_properties(
                                     json_array_get(tasks, i)),
                             0))
                        goto oom;
        if (recs_add(l, config_key_commit(name),
                     config_value_commit((int)json_array_size(tasks)), 0))
                goto oom;
        return 0;
oom:
        recs_truncate(l, mark);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
}

int config_recs_target(config_recs_t *l, const char *name,
                       const char *target, char *errstr, size_t errstr_size)
{
        if (check_name(name, errstr, errstr_size))
                return -1;
        if (!target_canon(target)) {
                snprintf(errstr, errstr_size,
                         "connector %s: invalid target state %s", name,
                         target ? target : "(null)");
                return -1;
        }
        if (recs_add(l, config_key_target(name), config_value_target(target),
                     0)) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

int config_recs_stop(config_recs_t *l, const char *name, char *errstr,
                     size_t errstr_size)
{
        size_t mark = l->cnt;

        if (check_name(name, errstr, errstr_size))
                return -1;
        if (recs_add(l, config_key_commit(name), config_value_commit(0), 0) ||
            recs_add(l, config_key_target(name),
                     config_value_target("STOPPED"), 0)) {
                recs_truncate(l, mark);
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

int config_recs_delete(config_recs_t *l, const char *name, char *errstr,
                       size_t errstr_size)
{
        size_t mark = l->cnt;

        if (check_name(name, errstr, errstr_size))
                return -1;
        if (recs_add(l, config_key_connector(name), NULL, 1) ||
            recs_add(l, config_key_target(name), NULL, 1)) {
                recs_truncate(l, mark);
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

int config_recs_restart(config_recs_t *l, const char *name,
                        int include_tasks, int only_failed, char *errstr,
                        size_t errstr_size)
{
        if (check_name(name, errstr, errstr_size))
                return -1;
        if (recs_add(l, config_key_restart(name),
                     config_value_restart(include_tasks, only_failed), 0)) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

/* ------------------------------------------------------------------ */
/* reader                                                              */

enum { TGT_NONE = 0, TGT_STARTED, TGT_PAUSED, TGT_STOPPED };

static const char *tgt_name(int t)
{
        switch (t) {
        case TGT_PAUSED:
                return "PAUSED";
        case TGT_STOPPED:
                return "STOPPED";
        default:
                return "STARTED";
        }
}

static int tgt_parse(const char *s)
{
        if (!s)
                return TGT_NONE;
        if (!strcmp(s, "STARTED"))
                return TGT_STARTED;
        if (!strcmp(s, "PAUSED"))
                return TGT_PAUSED;
        if (!strcmp(s, "STOPPED"))
                return TGT_STOPPED;
        return TGT_NONE;
}

typedef struct centry {
        char *name;
        json_t *config;   /* live config, NULL: not configured */
        int target;       /* TGT_* of the last target-state record */
        json_t *tasks;    /* committed set (array), NULL: none */
        int task_count;   /* from the last commit, -1: none */
        int inconsistent; /* section 2.3 case 3 */
        int config_since_commit; /* connector record read after commit */
        json_t *buffer;   /* "id" -> properties, awaiting a commit */
} centry_t;

struct config_reader {
        config_listener_t listener;
        int has_listener;
        int started;
        int64_t offset;
        centry_t **ents; /* creation order of live connectors */
        size_t cnt, size;
        json_t *session_key;
};

config_reader_t *config_reader_new(const config_listener_t *listener)
{
        config_reader_t *cr = calloc(1, sizeof(*cr));

        if (!cr)
                return NULL;
        if (listener) {
                cr->listener = *listener;
                cr->has_listener = 1;
        }
        return cr;
}

static void centry_free(centry_t *e)
{
        if (!e)
                return;
        free(e->name);
        json_decref(e->config);
        json_decref(e->tasks);
        json_decref(e->buffer);
        free(e);
}

void config_reader_destroy(config_reader_t *cr)
{
        size_t i;

        if (!cr)
                return;
        for (i = 0; i < cr->cnt; i++)
                centry_free(cr->ents[i]);
        free(cr->ents);
        json_decref(cr->session_key);
        free(cr);
}

void config_reader_set_started(config_reader_t *cr)
{
        cr->started = 1;
}

int64_t config_reader_offset(const config_reader_t *cr)
{
        return cr->offset;
}

static ssize_t find_idx(const config_reader_t *cr, const char *name)
{
        size_t i;

        for (i = 0; i < cr->cnt; i++)
                if (!strcmp(cr->ents[i]->name, name))
                        return (ssize_t)i;
        return -1;
}

static centry_t *find(const config_reader_t *cr, const char *name)
{
        ssize_t i = find_idx(cr, name);

        return i < 0 ? NULL : cr->ents[i];
}

static centry_t *get_or_add(config_reader_t *cr, const char *name)
{
        centry_t *e = find(cr, name);

        if (e)
                return e;
        if (cr->cnt == cr->size) {
                size_t n = cr->size ? cr->size * 2 : 8;
                centry_t **v = realloc(cr->ents, n * sizeof(*v));

                if (!v)
                        return NULL;
                cr->ents = v;
                cr->size = n;
        }
        e = calloc(1, sizeof(*e));
        if (!e || !(e->name = strdup(name))) {
                free(e);
                return NULL;
        }
        e->task_count = -1;
        cr->ents[cr->cnt++] = e;
        return e;
}

/* Moves entry i to the end (its connector was just created). */
static void move_last(config_reader_t *cr, size_t i)
{
        centry_t *e = cr->ents[i];

        memmove(&cr->ents[i], &cr->ents[i + 1],
                (cr->cnt - i - 1) * sizeof(*cr->ents));
        cr->ents[cr->cnt - 1] = e;
}

/* Frees an entry that holds nothing any more. */
static void maybe_drop(config_reader_t *cr, const char *name)
{
        ssize_t i = find_idx(cr, name);
        centry_t *e;

        if (i < 0)
                return;
        e = cr->ents[i];
        if (e->config || e->target != TGT_NONE || e->tasks ||
            e->task_count >= 0 || e->inconsistent ||
            (e->buffer && json_object_size(e->buffer)))
                return;
        memmove(&cr->ents[i], &cr->ents[i + 1],
                (cr->cnt - (size_t)i - 1) * sizeof(*cr->ents));
        cr->cnt--;
        centry_free(e);
}

static void forget_tasks(centry_t *e)
{
        json_decref(e->tasks);
        e->tasks = NULL;
        json_decref(e->buffer);
        e->buffer = NULL;
        e->task_count = -1;
        e->inconsistent = 0;
        e->config_since_commit = 0;
}

/* The "properties" object of a connector/task value, or NULL (logged). */
static json_t *props_of(json_t *v, const char *key)
{
        json_t *p = json_is_object(v) ? json_object_get(v, "properties")
                                      : NULL;

        if (!json_is_object(p)) {
                LOG_ERROR(lg(),
                          "Invalid data for config record %s: properties "
                          "field should be a map",
                          key);
                return NULL;
        }
        return p;
}

static void on_target(config_reader_t *cr, const char *name, json_t *v,
                      const char *key)
{
        centry_t *e;
        int t;

        if (!v) {
                e = find(cr, name);
                LOG_DEBUG(lg(), "Removed target state for connector %s",
                          name);
                if (e) {
                        e->target = TGT_NONE;
                        maybe_drop(cr, name);
                }
                if (cr->has_listener && cr->listener.target)
                        cr->listener.target(cr->listener.opaque, name, NULL);
                return;
        }
        {
                json_t *s2 = json_is_object(v) ? json_object_get(v, "state.v2")
                                               : NULL;
                json_t *s = json_is_object(v) ? json_object_get(v, "state")
                                              : NULL;
                const char *str = json_is_string(s2) ? json_string_value(s2)
                                  : json_is_string(s) ? json_string_value(s)
                                                      : NULL;

                t = tgt_parse(str);
                if (t == TGT_NONE) {
                        LOG_ERROR(lg(), "Invalid target state in %s: %s", key,
                                  str ? str : "(missing)");
                        return;
                }
        }
        e = get_or_add(cr, name);
        if (!e) {
                LOG_ERROR(lg(), "out of memory reading %s", key);
                return;
        }
        e->target = t;
        if (cr->has_listener && cr->listener.target)
                cr->listener.target(cr->listener.opaque, name, tgt_name(t));
}

static void on_connector(config_reader_t *cr, const char *name, json_t *v,
                         const char *key)
{
        centry_t *e;
        json_t *p;
        ssize_t i;

        if (!v) {
                LOG_INFO(lg(),
                         "Removed connector %s due to null configuration",
                         name);
                e = find(cr, name);
                if (e) {
                        json_decref(e->config);
                        e->config = NULL;
                        forget_tasks(e);
                        maybe_drop(cr, name);
                }
                if (cr->has_listener && cr->listener.connector)
                        cr->listener.connector(cr->listener.opaque, name,
                                               NULL);
                return;
        }
        p = props_of(v, key);
        if (!p)
                return;
        e = get_or_add(cr, name);
        if (!e) {
                LOG_ERROR(lg(), "out of memory reading %s", key);
                return;
        }
        if (!e->config) {
                i = find_idx(cr, name);
                move_last(cr, (size_t)i);
        }
        json_decref(e->config);
        e->config = json_incref(p);
        e->config_since_commit = 1;
        if (cr->has_listener && cr->listener.connector)
                cr->listener.connector(cr->listener.opaque, name, p);
}

/* "task-NAME-N": NAME (malloc'd) and N, or -1. */
static int parse_task_key(const char *key, char **name, int *id)
{
        const char *dash = strrchr(key, '-');
        const char *nstr;
        char *end;
        long n;

        /* The dash must come after "task-" (key "task-N" has no name). */
        if (!dash || dash < key + strlen(P_TASK))
                return -1;
        nstr = dash + 1;
        if (!*nstr || *nstr < '0' || *nstr > '9')
                return -1;
        errno = 0;
        n = strtol(nstr, &end, 10);
        if (*end || errno || n > INT_MAX)
                return -1;
        *name = strndup(key + strlen(P_TASK),
                        (size_t)(dash - key - strlen(P_TASK)));
        if (!*name)
                return -1;
        *id = (int)n;
        return 0;
}

static void on_task(config_reader_t *cr, json_t *v, const char *key)
{
        char *name = NULL;
        char idstr[16];
        centry_t *e;
        json_t *p;
        int id;

        if (parse_task_key(key, &name, &id)) {
                LOG_ERROR(lg(),
                          "Ignoring task configuration because %s couldn't "
                          "be parsed as a task config key",
                          key);
                return;
        }
        if (!v) {
                LOG_ERROR(lg(), "Ignoring task configuration for %s: null "
                                "value",
                          key);
                goto out;
        }
        p = props_of(v, key);
        if (!p)
                goto out;
        e = get_or_add(cr, name);
        if (!e || (!e->buffer && !(e->buffer = json_object()))) {
                LOG_ERROR(lg(), "out of memory reading %s", key);
                goto out;
        }
        snprintf(idstr, sizeof(idstr), "%d", id);
        json_object_set(e->buffer, idstr, p);
out:
        free(name);
}

static void on_commit(config_reader_t *cr, const char *name, json_t *v,
                      const char *key)
{
        json_t *tasks = NULL;
        json_t *t = json_is_object(v) ? json_object_get(v, "tasks") : NULL;
        centry_t *e;
        json_int_t k;
        int i;

        if (!v) {
                LOG_ERROR(lg(), "Ignoring null commit record %s", key);
                return;
        }
        if (!json_is_integer(t) || (k = json_integer_value(t)) < 0 ||
            k > INT_MAX) {
                LOG_ERROR(lg(),
                          "Ignoring connector tasks configuration commit %s "
                          "because it is in the wrong format",
                          key);
                return;
        }
        e = find(cr, name);
        if (!e || !e->config) {
                /* 2.3 case 1: deleted, and compaction removed the rest. */
                LOG_DEBUG(lg(),
                          "Ignoring task commit for connector %s: it has "
                          "no configuration",
                          name);
                if (e) {
                        forget_tasks(e);
                        e->target = TGT_NONE;
                        maybe_drop(cr, name);
                }
                return;
        }
        tasks = json_array();
        if (!tasks) {
                LOG_ERROR(lg(), "out of memory reading %s", key);
                return;
        }
        for (i = 0; i < (int)k; i++) {
                char idstr[16];
                json_t *p;

                snprintf(idstr, sizeof(idstr), "%d", i);
                p = e->buffer ? json_object_get(e->buffer, idstr) : NULL;
                if (!p)
                        break;
                json_array_append(tasks, p);
        }
        if (i < (int)k) {
                /* 2.3 case 3. */
                LOG_WARN(lg(),
                         "Incomplete set of task configs for connector %s "
                         "(commit of %d tasks, task %d missing), probably "
                         "due to compaction; it has no tasks until they are "
                         "written again",
                         name, (int)k, i);
                json_decref(tasks);
                tasks = NULL;
                e->inconsistent = 1;
                json_decref(e->tasks);
                e->tasks = NULL;
        } else {
                json_decref(e->tasks);
                e->tasks = tasks;
                e->inconsistent = 0;
        }
        json_decref(e->buffer);
        e->buffer = NULL;
        e->task_count = (int)k;
        e->config_since_commit = 0;
        if (cr->has_listener && cr->listener.tasks)
                cr->listener.tasks(cr->listener.opaque, name, e->tasks);
}

static void on_restart(config_reader_t *cr, const char *name, json_t *v,
                       const char *key)
{
        json_t *it, *of;

        if (!v) {
                LOG_DEBUG(lg(), "Ignoring null restart record %s", key);
                return;
        }
        if (!json_is_object(v)) {
                LOG_ERROR(lg(), "Invalid restart request record %s", key);
                return;
        }
        if (!cr->started)
                return; /* history is not replayed */
        it = json_object_get(v, "include-tasks");
        of = json_object_get(v, "only-failed");
        if (cr->has_listener && cr->listener.restart)
                cr->listener.restart(cr->listener.opaque, name,
                                     json_is_true(it), json_is_true(of));
}

static int has_prefix(const char *s, const char *p)
{
        return !strncmp(s, p, strlen(p));
}

void config_reader_feed(config_reader_t *cr, const void *keyp, size_t keylen,
                        const void *value, size_t valuelen, int64_t offset)
{
        json_error_t jerr;
        json_t *v = NULL;
        char *key = NULL;

        cr->offset = offset + 1;
        if (!keyp) {
                LOG_ERROR(lg(), "Discarding config record without a key at "
                                "offset %lld",
                          (long long)offset);
                return;
        }
        key = strndup(keyp, keylen);
        if (!key) {
                LOG_ERROR(lg(), "out of memory reading the config topic");
                return;
        }
        if (strlen(key) != keylen) {
                LOG_ERROR(lg(), "Discarding config record with invalid key");
                goto out;
        }
        if (value) {
                v = json_loadb(value, valuelen, JSON_DECODE_ANY, &jerr);
                if (!v) {
                        LOG_ERROR(lg(),
                                  "Failed to convert config data of %s: %s",
                                  key, jerr.text);
                        goto out;
                }
                if (json_is_null(v)) {
                        /* JSON null converts to a null value: a tombstone. */
                        json_decref(v);
                        v = NULL;
                }
        }
        if (has_prefix(key, P_TARGET))
                on_target(cr, key + strlen(P_TARGET), v, key);
        else if (has_prefix(key, P_CONNECTOR))
                on_connector(cr, key + strlen(P_CONNECTOR), v, key);
        else if (has_prefix(key, P_TASK))
                on_task(cr, v, key);
        else if (has_prefix(key, P_COMMIT))
                on_commit(cr, key + strlen(P_COMMIT), v, key);
        else if (has_prefix(key, P_RESTART))
                on_restart(cr, key + strlen(P_RESTART), v, key);
        else if (has_prefix(key, P_FENCING))
                LOG_DEBUG(lg(), "Task count record %s", key);
        else if (!strcmp(key, CONFIG_KEY_SESSION)) {
                if (json_is_object(v)) {
                        json_decref(cr->session_key);
                        cr->session_key = json_incref(v);
                } else {
                        LOG_ERROR(lg(), "Ignoring invalid session key record");
                }
        } else if (has_prefix(key, P_LOGGER))
                LOG_DEBUG(lg(), "Logger level record %s", key);
        else
                LOG_ERROR(lg(),
                          "Discarding config update record with invalid "
                          "key: %s",
                          key);
out:
        json_decref(v);
        free(key);
}

const json_t *config_reader_connector(const config_reader_t *cr,
                                      const char *name)
{
        centry_t *e = find(cr, name);

        return e ? e->config : NULL;
}

const char *config_reader_target(const config_reader_t *cr, const char *name)
{
        centry_t *e = find(cr, name);

        return e && e->config ? tgt_name(e->target) : NULL;
}

const json_t *config_reader_tasks(const config_reader_t *cr, const char *name,
                                  int *inconsistent)
{
        centry_t *e = find(cr, name);

        if (inconsistent)
                *inconsistent = e ? e->inconsistent : 0;
        return e && e->config ? e->tasks : NULL;
}

int config_reader_tasks_differ(const config_reader_t *cr, const char *name,
                               const json_t *tasks)
{
        centry_t *e = find(cr, name);

        if (!e || !e->tasks || e->inconsistent || e->config_since_commit)
                return 1;
        return !json_equal((json_t *)e->tasks, (json_t *)tasks);
}

const json_t *config_reader_session_key(const config_reader_t *cr)
{
        return cr->session_key;
}

int config_reader_connector_each(const config_reader_t *cr,
                                 config_store_connector_cb cb, void *opaque)
{
        size_t i;
        int rc;

        for (i = 0; i < cr->cnt; i++) {
                centry_t *e = cr->ents[i];

                if (!e->config)
                        continue;
                rc = cb(opaque, e->name, e->config, tgt_name(e->target));
                if (rc)
                        return rc;
        }
        return 0;
}
