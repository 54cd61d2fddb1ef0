/*
 * config_store — where connector configs, target states and task configs
 * live: a SQLite file (standalone) or Connect's config topic (distributed).
 *
 * The herder is the only caller. A write returns once it is durable (the
 * SQLite transaction committed, or the Kafka record acknowledged with
 * acks=all). A store that learns of changes made elsewhere (the config
 * topic, written by other workers) reports them through the listener, in
 * the store's own order, from the store's own thread; a store whose
 * writes only come from this process (SQLite) never calls it.
 *
 * Values are jansson objects: configs are flat objects of strings, task
 * configs an array of such objects. Target states are "STARTED",
 * "PAUSED" or "STOPPED".
 */
#ifndef CONNECTD_CONFIG_STORE_H
#define CONNECTD_CONFIG_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct config_store config_store_t;

/* Everything a reader of the config topic can learn, in topic order. */
typedef struct config_listener {
        void *opaque;
        /* config NULL: the connector was deleted. */
        void (*connector)(void *opaque, const char *name,
                          const json_t *config);
        /* Target state record (NULL: removed, i.e. STARTED). */
        void (*target)(void *opaque, const char *name, const char *target);
        /* A complete, committed set of task configs (array, maybe empty);
         * an inconsistent set (section 2.3 of the distributed spec) is
         * reported as NULL. */
        void (*tasks)(void *opaque, const char *name, const json_t *tasks);
        /* restart-connector-NAME, only for records read after the first
         * read to the end (history is not replayed). */
        void (*restart)(void *opaque, const char *name, int include_tasks,
                        int only_failed);
} config_listener_t;

typedef int (*config_store_connector_cb)(void *opaque, const char *name,
                                         const json_t *config,
                                         const char *target);

struct config_store_ops {
        /* Create or replace; target NULL keeps the current one (STARTED
         * for a new connector). */
        int (*connector_put)(config_store_t *cs, const char *name,
                             const json_t *config, const char *target,
                             char *errstr, size_t errstr_size);
        int (*target_put)(config_store_t *cs, const char *name,
                          const char *target, char *errstr,
                          size_t errstr_size);
        /* Drops config, target state and task configs (never offsets). */
        int (*connector_delete)(config_store_t *cs, const char *name,
                                char *errstr, size_t errstr_size);
        /* Replaces the whole set (array; may be empty). */
        int (*tasks_put)(config_store_t *cs, const char *name,
                         const json_t *tasks, char *errstr,
                         size_t errstr_size);
        /* Every connector, in creation order; cb non-zero stops. */
        int (*connector_each)(config_store_t *cs,
                              config_store_connector_cb cb, void *opaque,
                              char *errstr, size_t errstr_size);
        /* *tasks: new reference to an array (empty when none are stored). */
        int (*tasks_get)(config_store_t *cs, const char *name,
                         json_t **tasks, char *errstr, size_t errstr_size);
        void (*close)(config_store_t *cs);
};

struct config_store {
        const struct config_store_ops *ops;
};

static inline int config_store_connector_put(config_store_t *cs,
                                             const char *name,
                                             const json_t *config,
                                             const char *target, char *e,
                                             size_t n)
{
        return cs->ops->connector_put(cs, name, config, target, e, n);
}
static inline int config_store_target_put(config_store_t *cs,
                                          const char *name,
                                          const char *target, char *e,
                                          size_t n)
{
        return cs->ops->target_put(cs, name, target, e, n);
}
static inline int config_store_connector_delete(config_store_t *cs,
                                                const char *name, char *e,
                                                size_t n)
{
        return cs->ops->connector_delete(cs, name, e, n);
}
static inline int config_store_tasks_put(config_store_t *cs,
                                         const char *name,
                                         const json_t *tasks, char *e,
                                         size_t n)
{
        return cs->ops->tasks_put(cs, name, tasks, e, n);
}
static inline int config_store_connector_each(config_store_t *cs,
                                              config_store_connector_cb cb,
                                              void *opaque, char *e,
                                              size_t n)
{
        return cs->ops->connector_each(cs, cb, opaque, e, n);
}
static inline int config_store_tasks_get(config_store_t *cs,
                                         const char *name, json_t **tasks,
                                         char *e, size_t n)
{
        return cs->ops->tasks_get(cs, name, tasks, e, n);
}
static inline void config_store_close(config_store_t *cs)
{
        if (cs)
                cs->ops->close(cs);
}

#endif
