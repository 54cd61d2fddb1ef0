/*
 * transform — single message transforms and predicates: the class table,
 * and the chain a task runs on every record.
 *
 * DESIGN
 * A class (xform_class_t) is what Java's Transformation or Predicate
 * plugin class is: a name, a config definition table (for validation and
 * GET /connector-plugins/{p}/config), and configure/apply/close. Built-in
 * classes are static tables, one file per transform under
 * server/transforms/ (xf_<name>.c); plugin classes are registered at load
 * time through the plugin ABI and wrapped in the same type (plugins.c).
 *
 * configure() gets the transform's own keys without the `transforms.NAME.`
 * prefix, `predicate` and `negate` removed, as a JSON object of strings
 * (absent keys absent). It runs at task start and does Java's configure()
 * checks (the "(start)" rules of the spec); the definition table's
 * validators run before it, at validate/create time too.
 *
 * apply() works on an xrecord_t (data.h) in place: it may replace any
 * field with something new built in r->arena, never modify a value or
 * schema that came in (they may be shared), and returns
 *   transformation: XFORM_KEEP, XFORM_DROP, or -1 with err set;
 *   predicate:      1 (true), 0 (false), or -1 with err set.
 * State is per task instance; apply() runs on the task's thread only.
 */
#ifndef CONNECTD_TRANSFORM_H
#define CONNECTD_TRANSFORM_H

#include <stddef.h>
#include <jansson.h>

#include "connect/plugin.h"
#include "data.h"

#define XFORM_KEEP 0
#define XFORM_DROP 1

typedef enum {
        XFORM_TRANSFORMATION = 1,
        XFORM_PREDICATE = 2
} xform_kind_t;

typedef struct xform_class {
        const char *name;       /* full Java class name */
        const char *alias;      /* a unique simple name, or NULL */
        xform_kind_t kind;
        const char *version;    /* NULL: the worker's version */
        const char *doc;        /* the class's overview text, may be NULL */
        const connectd_config_def_t *defs; /* name == NULL ends it */
        int (*configure)(const json_t *props, void **state, xerr_t *err);
        int (*apply)(void *state, xrecord_t *r, xerr_t *err);
        void (*close)(void *state);
        const void *plugin;     /* plugin classes: the plugin's descriptor */
} xform_class_t;

/* ---- the class table ------------------------------------------------ */

/* The class named `name` (full name, or an alias of a built-in), or NULL.
 * Blanks around name are ignored. */
const xform_class_t *xform_lookup(const char *name);
/* Abstract Java names ("org.apache.kafka.connect.transforms.Cast"): 1 and
 * the two concrete names when `name` is the base of a $Key/$Value pair. */
int xform_is_abstract(const char *name, const char **key_variant,
                      const char **value_variant);
/* Every class of `kind`, sorted by name; *n set. The array is static or
 * lives until the next xform_register. */
const xform_class_t *const *xform_list(xform_kind_t kind, size_t *n);
/* Adds a plugin class (copied pointer; it must outlive the process).
 * -1 when the name is taken. */
int xform_register(const xform_class_t *cls);

/* ---- the chain ------------------------------------------------------ */

typedef struct xchain xchain_t;

/* Builds a task's chain from a connector config (JSON object of strings):
 * `transforms`, `transforms.NAME.*`, `predicates`, `predicates.NAME.*`.
 * Creates and configures every transform and predicate instance. NULL with
 * err set on what Java finds at task start (unknown predicate alias, a
 * configure() failure, ...). An empty chain when `transforms` is unset.
 * Errors of the connector config itself (duplicate alias, type missing or
 * not found, a class's required key or validator) are ConfigExceptions;
 * per-stage failures (unknown predicate alias, configure()) are wrapped as
 * Java's `new ConnectException(e)`: cls ConnectException, msg
 * "<inner class>: <inner message>". */
xchain_t *xchain_new(const json_t *conn_config, xerr_t *err);
/* 1 when the chain has no transforms (the runner skips it). */
int xchain_empty(const xchain_t *c);
/* Runs the chain on r: XFORM_KEEP, XFORM_DROP, or -1 with err set and
 * *failed_class the class of the transform (or its predicate) that
 * failed. */
int xchain_apply(xchain_t *c, xrecord_t *r, const char **failed_class,
                 xerr_t *err);
void xchain_free(xchain_t *c);

#endif
