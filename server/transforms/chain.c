/*
 * chain — a task's transformation chain (Java's ConnectorConfig
 * #transformationStages, TransformationStage and TransformationChain).
 *
 * DESIGN
 * xchain_new reads `transforms` (a LIST: its order is the order of
 * execution) and `predicates` from the connector config and builds one
 * stage per transform alias: the transform instance and, when
 * `transforms.NAME.predicate` names an alias, a predicate instance of its
 * own plus the negate flag. Checks happen in Java's order:
 *   1. what the ConnectorConfig constructor finds (ConfigException, as is):
 *      duplicate aliases, a missing or unresolvable `type` of any listed
 *      transform or predicate, a class of the wrong kind, an abstract
 *      class, a missing required key or a failing validator of a class's
 *      definition table (validators see the unprefixed key name);
 *   2. per stage, what transformationStages() finds, wrapped as Java's
 *      `new ConnectException(e)` does (class ConnectException, message
 *      "<inner class>: <inner message>"): an alias not listed in
 *      `predicates` ("Unknown configuration 'predicates.<alias>.type'"),
 *      a configure() failure of the transform or its predicate.
 * configure() gets the keys under the alias's prefix with the prefix
 * removed (`type` included, as Java's originalsWithPrefix gives them),
 * minus `predicate` and `negate` for transforms.
 *
 * xchain_apply runs the stages in order: a stage's transform runs when it
 * has no predicate or (predicate result XOR negate); XFORM_DROP ends the
 * chain. On an error *failed_class is the transform's class, also when its
 * predicate failed (Java's TransformationStage#transformClass, which is
 * what the error reporters name).
 *
 * Ownership: the chain owns its stages, their instance states and alias
 * strings; xchain_free closes every instance (predicate first, then the
 * transform, as Java's TransformationStage#close).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transform.h"
#include "xf_util.h"
#include "javafmt.h"

typedef struct stage {
        const xform_class_t *cls;
        void *state;
        int configured;
        const xform_class_t *pcls;   /* NULL: no predicate */
        void *pstate;
        int pconfigured;
        int negate;
} stage_t;

struct xchain {
        stage_t *st;
        size_t n;
};

static const char *cfg_str(const json_t *config, const char *key)
{
        return json_string_value(json_object_get(config, key));
}

/* The alias list of `key`; duplicates → ConfigException. 0 or -1. */
static int alias_list(const json_t *config, const char *key, char ***items,
                      size_t *n, xerr_t *err)
{
        size_t i, j;

        if (xf_list(cfg_str(config, key), items, n) < 0) {
                xerr_set(err, XERR_CONNECT, "out of memory");
                return -1;
        }
        for (i = 0; i < *n; i++) {
                for (j = 0; j < i; j++) {
                        char *txt;

                        if (strcmp((*items)[i], (*items)[j]) != 0)
                                continue;
                        txt = xf_list_text(*items, *n);
                        xerr_set(err, XERR_CONFIG,
                                 "Invalid value %s for configuration %s: "
                                 "Duplicate alias provided.",
                                 txt ? txt : "[]", key);
                        free(txt);
                        xf_list_free(*items, *n);
                        *items = NULL;
                        *n = 0;
                        return -1;
                }
        }
        return 0;
}

/* The class of `<list_key>.<alias>.type` as the ConnectorConfig
 * constructor resolves it; NULL with a ConfigException set. */
static const xform_class_t *resolve_type(const json_t *config,
                                         const char *list_key,
                                         const char *alias, xform_kind_t kind,
                                         xerr_t *err)
{
        char key[512];
        const char *v, *kv = NULL, *vv = NULL;
        const xform_class_t *c;

        snprintf(key, sizeof(key), "%s.%s.type", list_key, alias);
        v = cfg_str(config, key);
        if (!v) {
                xerr_set(err, XERR_CONFIG,
                         "Missing required configuration \"%s\" which has no "
                         "default value.",
                         key);
                return NULL;
        }
        /* Messages as the type key's parse and validator give them. */
        c = xform_lookup(v);
        if (!c) {
                if (xform_is_abstract(v, &kv, &vv))
                        xerr_set(err, XERR_CONFIG,
                                 "This class is abstract and cannot be "
                                 "created. Did you mean %s, %s?",
                                 kv, vv);
                else
                        xerr_set(err, XERR_CONFIG,
                                 "Invalid value %s for configuration %s: "
                                 "Class %s could not be found.",
                                 v, key, v);
                return NULL;
        }
        if (c->kind != kind) {
                xerr_set(err, XERR_CONFIG,
                         "Class class %s does not implement the %s interface",
                         c->name,
                         kind == XFORM_TRANSFORMATION ? "Transformation"
                                                      : "Predicate");
                return NULL;
        }
        return c;
}

/* The keys under `prefix`, unprefixed; `predicate`/`negate` dropped when
 * `drop_implicit`. NULL on OOM. */
static json_t *props_with_prefix(const json_t *config, const char *prefix,
                                 int drop_implicit)
{
        json_t *o = json_object();
        const char *k;
        json_t *v;
        size_t pl = strlen(prefix);

        if (!o)
                return NULL;
        json_object_foreach((json_t *)config, k, v) {
                if (strncmp(k, prefix, pl) != 0)
                        continue;
                if (drop_implicit && (!strcmp(k + pl, "predicate") ||
                                      !strcmp(k + pl, "negate")))
                        continue;
                if (json_object_set(o, k + pl, v) < 0) {
                        json_decref(o);
                        return NULL;
                }
        }
        return o;
}

/* A value as ConfigDef.parse hands it to a validator (trimmed; a LIST
 * re-joined with ","), and as a ConfigException prints it (a LIST as
 * "[a, b]"). malloc'd; NULL for a null value or on OOM. */
static void parsed_forms(const connectd_config_def_t *d, const char *v,
                         char **arg, char **shown)
{
        size_t len;
        const char *t;

        *arg = *shown = NULL;
        if (!v)
                return;
        if (d->type == CONNECTD_CFG_LIST) {
                char **items;
                size_t n, i, total = 1;

                if (xf_list(v, &items, &n) < 0)
                        return;
                for (i = 0; i < n; i++)
                        total += strlen(items[i]) + 1;
                if ((*arg = malloc(total)) != NULL) {
                        (*arg)[0] = '\0';
                        for (i = 0; i < n; i++) {
                                if (i)
                                        strcat(*arg, ",");
                                strcat(*arg, items[i]);
                        }
                }
                *shown = xf_list_text(items, n);
                xf_list_free(items, n);
                return;
        }
        t = java_trim(v, &len);
        *arg = strndup(t, len);
        *shown = strndup(t, len);
}

/* The class's definition table against its props, as ConfigDef.parse
 * at ConnectorConfig construction: a missing required key (full name),
 * then validators (unprefixed name). 0 or -1 with a ConfigException. */
static int check_defs(const xform_class_t *c, const json_t *props,
                      const char *prefix, xerr_t *err)
{
        const connectd_config_def_t *d;

        for (d = c->defs; d && d->name; d++) {
                const char *v = json_string_value(json_object_get(props,
                                                                  d->name));
                char reason[512] = "";
                char *arg, *shown;
                int bad;

                if (!v && !d->default_value && !d->optional) {
                        xerr_set(err, XERR_CONFIG,
                                 "Missing required configuration \"%s%s\" "
                                 "which has no default value.",
                                 prefix, d->name);
                        return -1;
                }
                if (!d->validator)
                        continue;
                /* The plugin ABI: a validator sees NULL for an absent
                 * key (validate.c does the same). */
                parsed_forms(d, v, &arg, &shown);
                bad = d->validator(d->name, arg, reason, sizeof(reason));
                if (bad == CONNECTD_VALIDATOR_MESSAGE)
                        xerr_set(err, XERR_CONFIG, "%s",
                                 reason[0] ? reason : "Invalid value");
                else if (bad)
                        xerr_set(err, XERR_CONFIG,
                                 "Invalid value %s for configuration %s: %s",
                                 shown ? shown : "null", d->name,
                                 reason[0] ? reason : "Invalid value");
                free(arg);
                free(shown);
                if (bad)
                        return -1;
        }
        return 0;
}

/* Wraps err as Java's `new ConnectException(e)`. */
static void wrap_connect(xerr_t *err)
{
        char msg[sizeof(err->msg)];

        snprintf(msg, sizeof(msg), "%s: %s", err->cls, err->msg);
        xerr_set(err, XERR_CONNECT, "%s", msg);
        err->retriable = 0;
}

static int in_list(char **items, size_t n, const char *s)
{
        size_t i;

        for (i = 0; i < n; i++)
                if (!strcmp(items[i], s))
                        return 1;
        return 0;
}

xchain_t *xchain_new(const json_t *conn_config, xerr_t *err)
{
        xchain_t *c = NULL;
        char **ts = NULL, **ps = NULL;
        size_t nt = 0, np = 0, i;
        char prefix[512];
        json_t *props = NULL;

        if (!(c = calloc(1, sizeof(*c)))) {
                xerr_set(err, XERR_CONNECT, "out of memory");
                return NULL;
        }
        if (alias_list(conn_config, "transforms", &ts, &nt, err) < 0 ||
            alias_list(conn_config, "predicates", &ps, &np, err) < 0)
                goto fail;
        if (nt && !(c->st = calloc(nt, sizeof(*c->st)))) {
                xerr_set(err, XERR_CONNECT, "out of memory");
                goto fail;
        }

        /* 1. The ConnectorConfig constructor: every listed alias. */
        for (i = 0; i < nt; i++) {
                const xform_class_t *cls =
                        resolve_type(conn_config, "transforms", ts[i],
                                     XFORM_TRANSFORMATION, err);
                if (!cls)
                        goto fail;
                snprintf(prefix, sizeof(prefix), "transforms.%s.", ts[i]);
                json_decref(props);
                if (!(props = props_with_prefix(conn_config, prefix, 1))) {
                        xerr_set(err, XERR_CONNECT, "out of memory");
                        goto fail;
                }
                if (check_defs(cls, props, prefix, err) < 0)
                        goto fail;
                c->st[i].cls = cls;
        }
        for (i = 0; i < np; i++) {
                const xform_class_t *cls =
                        resolve_type(conn_config, "predicates", ps[i],
                                     XFORM_PREDICATE, err);
                if (!cls)
                        goto fail;
                snprintf(prefix, sizeof(prefix), "predicates.%s.", ps[i]);
                json_decref(props);
                if (!(props = props_with_prefix(conn_config, prefix, 0))) {
                        xerr_set(err, XERR_CONNECT, "out of memory");
                        goto fail;
                }
                if (check_defs(cls, props, prefix, err) < 0)
                        goto fail;
        }

        /* 2. transformationStages(): one stage per alias, in order. */
        for (i = 0; i < nt; i++) {
                stage_t *s = &c->st[i];
                const char *palias, *neg;

                c->n = i + 1;
                snprintf(prefix, sizeof(prefix), "transforms.%s.predicate",
                         ts[i]);
                palias = cfg_str(conn_config, prefix);
                snprintf(prefix, sizeof(prefix), "transforms.%s.negate",
                         ts[i]);
                neg = cfg_str(conn_config, prefix);
                snprintf(prefix, sizeof(prefix), "transforms.%s.", ts[i]);
                json_decref(props);
                if (!(props = props_with_prefix(conn_config, prefix, 1))) {
                        xerr_set(err, XERR_CONNECT, "out of memory");
                        goto fail;
                }
                s->state = NULL;
                if (s->cls->configure &&
                    s->cls->configure(props, &s->state, err) < 0) {
                        wrap_connect(err);
                        goto fail;
                }
                s->configured = 1;
                if (!palias)
                        continue;
                if (!in_list(ps, np, palias)) {
                        xerr_set(err, XERR_CONNECT,
                                 XERR_CONFIG ": Unknown configuration "
                                 "'predicates.%s.type'",
                                 palias);
                        goto fail;
                }
                /* Resolved and checked in step 1. */
                s->pcls = resolve_type(conn_config, "predicates", palias,
                                       XFORM_PREDICATE, err);
                if (!s->pcls) {
                        wrap_connect(err);
                        goto fail;
                }
                snprintf(prefix, sizeof(prefix), "predicates.%s.", palias);
                json_decref(props);
                if (!(props = props_with_prefix(conn_config, prefix, 0))) {
                        xerr_set(err, XERR_CONNECT, "out of memory");
                        goto fail;
                }
                s->pstate = NULL;
                if (s->pcls->configure &&
                    s->pcls->configure(props, &s->pstate, err) < 0) {
                        wrap_connect(err);
                        goto fail;
                }
                s->pconfigured = 1;
                s->negate = neg && strcasecmp(neg, "true") == 0;
        }
        json_decref(props);
        xf_list_free(ts, nt);
        xf_list_free(ps, np);
        return c;
fail:
        json_decref(props);
        xf_list_free(ts, nt);
        xf_list_free(ps, np);
        xchain_free(c);
        return NULL;
}

int xchain_empty(const xchain_t *c)
{
        return !c || c->n == 0;
}

int xchain_apply(xchain_t *c, xrecord_t *r, const char **failed_class,
                 xerr_t *err)
{
        size_t i;

        if (failed_class)
                *failed_class = NULL;
        if (!c)
                return XFORM_KEEP;
        for (i = 0; i < c->n; i++) {
                stage_t *s = &c->st[i];
                int rc;

                if (s->pcls) {
                        int p = s->pcls->apply
                                ? s->pcls->apply(s->pstate, r, err) : 0;

                        if (p < 0)
                                goto failed;
                        if ((p != 0) == (s->negate != 0))
                                continue;
                }
                rc = s->cls->apply ? s->cls->apply(s->state, r, err)
                                   : XFORM_KEEP;
                if (rc < 0)
                        goto failed;
                if (rc == XFORM_DROP)
                        return XFORM_DROP;
                continue;
failed:
                if (failed_class)
                        *failed_class = s->cls->name;
                return -1;
        }
        return XFORM_KEEP;
}

void xchain_free(xchain_t *c)
{
        size_t i;

        if (!c)
                return;
        for (i = 0; i < c->n; i++) {
                stage_t *s = &c->st[i];

                if (s->pconfigured && s->pcls->close)
                        s->pcls->close(s->pstate);
                if (s->configured && s->cls->close)
                        s->cls->close(s->state);
        }
        free(c->st);
        free(c);
}
