/*
 * xf_replace_field — ReplaceField$Key / ReplaceField$Value: keeps, drops
 * and renames fields (include/exclude/renames; the 3.x names
 * whitelist/blacklist are still read).
 *
 * DESIGN
 * As in Java, a struct's new fields are filled by looking each new name
 * up through the inverted rename map, so the result is the same as
 * Java's also in odd configurations (a rename onto a name that another
 * kept field has).
 *
 * Threads: state is per task instance and read-only after configure().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#define PURPOSE "field replacement"

typedef struct rename {
        char *from, *to;
} rename_t;

typedef struct replace {
        int is_key;
        int rnwd;
        char **exclude, **include;
        size_t nexclude, ninclude;
        rename_t *renames;      /* one per old name (the last mapping) */
        size_t nrenames;
} replace_t;

static void replace_free(replace_t *p)
{
        size_t i;

        if (!p)
                return;
        xf_list_free(p->exclude, p->nexclude);
        xf_list_free(p->include, p->ninclude);
        for (i = 0; i < p->nrenames; i++) {
                free(p->renames[i].from);
                free(p->renames[i].to);
        }
        free(p->renames);
        free(p);
}

/* parseRenameMappings: the first bad item (malloc'd) in *bad, or NULL.
 * With p, the mappings are stored. 0 or -1 (out of memory). */
static int parse_renames(char *const *items, size_t n, replace_t *p,
                         char **bad)
{
        size_t i, j;

        *bad = NULL;
        for (i = 0; i < n; i++) {
                char **parts;
                size_t np;

                if (xf_split_colon(items[i], &parts, &np) < 0)
                        return -1;
                if (np != 2) {
                        xf_list_free(parts, np);
                        return (*bad = strdup(items[i])) ? 0 : -1;
                }
                if (!p) {
                        xf_list_free(parts, np);
                        continue;
                }
                for (j = 0; j < p->nrenames; j++)
                        if (strcmp(p->renames[j].from, parts[0]) == 0)
                                break;
                if (j == p->nrenames) {
                        rename_t *g = realloc(p->renames,
                                              (j + 1) * sizeof(*g));

                        if (!g) {
                                xf_list_free(parts, np);
                                return -1;
                        }
                        p->renames = g;
                        g[j].from = parts[0];
                        g[j].to = NULL;
                        p->nrenames++;
                } else {
                        free(parts[0]);
                }
                free(p->renames[j].to);
                p->renames[j].to = parts[1];
                free(parts);
        }
        return 0;
}

static int valid_renames(const char *name, const char *value, char *errstr,
                         size_t errstr_size)
{
        char **items = NULL, *bad = NULL;
        size_t n = 0;
        int rc = 0;

        (void)name;
        if (xf_list(value, &items, &n) < 0 ||
            parse_renames(items, n, NULL, &bad) < 0) {
                snprintf(errstr, errstr_size, "out of memory");
                rc = -1;
        } else if (bad) {
                /* Java: new ConfigException("renames", mappings, "Invalid
                 * rename mapping: " + mapping), the list as printed by
                 * List.toString */
                char *l = xf_list_text(items, n);

                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration renames: "
                         "Invalid rename mapping: %s",
                         l ? l : "[]", bad);
                free(l);
                rc = CONNECTD_VALIDATOR_MESSAGE;
        }
        free(bad);
        xf_list_free(items, n);
        return rc;
}

/* A LIST key with its 3.x alias: the new key wins when both are set. */
static int list_with_alias(const json_t *props, const char *key,
                           const char *alias, char ***items, size_t *n,
                           xerr_t *err)
{
        int present;

        if (xf_cfg_list(props, key, 0, items, n, &present, err) < 0)
                return -1;
        if (present)
                return 0;
        return xf_cfg_list(props, alias, 0, items, n, NULL, err);
}

static int configure(const json_t *props, void **state, xerr_t *err,
                     int is_key)
{
        replace_t *p = calloc(1, sizeof(*p));
        char **ren = NULL, *bad = NULL;
        size_t nren = 0;

        *state = NULL;
        if (!p)
                return xf_oom(err);
        p->is_key = is_key;
        if (list_with_alias(props, "exclude", "blacklist", &p->exclude,
                            &p->nexclude, err) < 0 ||
            list_with_alias(props, "include", "whitelist", &p->include,
                            &p->ninclude, err) < 0 ||
            xf_cfg_list(props, "renames", 0, &ren, &nren, NULL, err) < 0)
                goto fail;
        if (parse_renames(ren, nren, p, &bad) < 0) {
                xf_oom(err);
                goto fail;
        }
        if (bad) {
                char *l = xf_list_text(ren, nren);

                xerr_set(err, XERR_CONFIG,
                         "Invalid value %s for configuration renames: Invalid "
                         "rename mapping: %s",
                         l ? l : "", bad);
                free(l);
                goto fail;
        }
        if (xf_cfg_bool(props, XF_RNWD_KEY, 1, &p->rnwd, err) < 0)
                goto fail;
        xf_list_free(ren, nren);
        *state = p;
        return 0;
fail:
        free(bad);
        xf_list_free(ren, nren);
        replace_free(p);
        return -1;
}

static int configure_key(const json_t *props, void **state, xerr_t *err)
{
        return configure(props, state, err, 1);
}

static int configure_value(const json_t *props, void **state, xerr_t *err)
{
        return configure(props, state, err, 0);
}

static int in_list(char *const *l, size_t n, const char *name)
{
        size_t i;

        for (i = 0; i < n; i++)
                if (strcmp(l[i], name) == 0)
                        return 1;
        return 0;
}

static int keep(const replace_t *p, const char *name)
{
        return !in_list(p->exclude, p->nexclude, name) &&
               (!p->ninclude || in_list(p->include, p->ninclude, name));
}

static const char *renamed(const replace_t *p, const char *name)
{
        size_t i;

        for (i = 0; i < p->nrenames; i++)
                if (strcmp(p->renames[i].from, name) == 0)
                        return p->renames[i].to;
        return name;
}

static const char *reverse_renamed(const replace_t *p, const char *name)
{
        const char *hit = name;
        size_t i;

        for (i = 0; i < p->nrenames; i++)
                if (strcmp(p->renames[i].to, name) == 0)
                        hit = p->renames[i].from;
        return hit;
}

static int apply(void *state, xrecord_t *r, xerr_t *err)
{
        const replace_t *p = state;
        const connect_schema_t *schema;
        connectd_value_t *value, *nv;
        connect_schema_t *ns;
        arena_t *a = r->arena;
        const value_field_t *e;
        size_t i;

        xf_get(r, p->is_key, &schema, &value);
        if (!value)
                return XFORM_KEEP;
        if (!schema) {
                if (xf_require_map(value, PURPOSE, err) < 0)
                        return -1;
                if (!(nv = val_struct(a, NULL)))
                        return xf_oom(err);
                for (e = value->u.st.head; e; e = e->next) {
                        if (!e->name || !keep(p, e->name))
                                continue;
                        if (xf_map_put(a, nv, renamed(p, e->name), e->value) <
                            0)
                                return xf_oom(err);
                }
                xf_set(r, p->is_key, NULL, nv);
                return XFORM_KEEP;
        }
        if (xf_require_struct(value, PURPOSE, err) < 0)
                return -1;
        if (!(ns = xf_schema_basics(a, value->schema, CONNECTD_VAL_STRUCT)))
                return xf_oom(err);
        for (i = 0; i < value->schema->nfields; i++) {
                const schema_field_t *f = &value->schema->fields[i];
                const char *to;
                int rc;

                if (!keep(p, f->name))
                        continue;
                to = renamed(p, f->name);
                /* a renamed name must outlive the state: copy it */
                if (to != f->name && !(to = arena_strndup(a, to, strlen(to))))
                        return xf_oom(err);
                rc = schema_add_field(a, ns, to, f->schema);
                if (rc == -2) {
                        xerr_set(err, XERR_SCHEMA_BUILDER,
                                 "Cannot create field because of field name "
                                 "duplication %s",
                                 to);
                        return -1;
                }
                if (rc < 0)
                        return xf_oom(err);
        }
        if (!(nv = val_struct(a, ns)))
                return xf_oom(err);
        for (i = 0; i < ns->nfields; i++) {
                const char *from = reverse_renamed(p, ns->fields[i].name);
                const schema_field_t *of = schema_field(value->schema, from);

                if (!of) {
                        xerr_set(err, XERR_DATA, "%s is not a valid field name",
                                 from);
                        return -1;
                }
                if (xf_field_put(a, nv, &ns->fields[i],
                                 xf_field_get(value, of, p->rnwd), err) < 0)
                        return -1;
        }
        xf_set(r, p->is_key, ns, nv);
        return XFORM_KEEP;
}

static void close_replace(void *state)
{
        replace_free(state);
}

#define OVERVIEW                                                               \
        "Filter or rename fields.<p/>Use the concrete transformation type "   \
        "designed for the record key (<code>"                                 \
        "org.apache.kafka.connect.transforms.ReplaceField$Key</code>) or "    \
        "value (<code>org.apache.kafka.connect.transforms.ReplaceField$Value" \
        "</code>)."

static const connectd_config_def_t defs[] = {
        { .name = "exclude", .type = CONNECTD_CFG_LIST, .default_value = "",
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "Fields to exclude. This takes precedence over the "
                           "fields to include.",
          .order = -1 },
        { .name = "blacklist", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_LOW,
          .documentation = "Deprecated. Use exclude instead.", .order = -1,
          .optional = 1 },
        { .name = "include", .type = CONNECTD_CFG_LIST, .default_value = "",
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "Fields to include. If specified, only these "
                           "fields will be used.",
          .order = -1 },
        { .name = "whitelist", .type = CONNECTD_CFG_LIST,
          .importance = CONNECTD_IMPORTANCE_LOW,
          .documentation = "Deprecated. Use include instead.", .order = -1,
          .optional = 1 },
        { .name = "renames", .type = CONNECTD_CFG_LIST, .default_value = "",
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "Field rename mappings.", .order = -1,
          .validator = valid_renames },
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true", .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = NULL }
};

const xform_class_t xf_replace_field_key = {
        .name = "org.apache.kafka.connect.transforms.ReplaceField$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_key,
        .apply = apply,
        .close = close_replace,
};

const xform_class_t xf_replace_field_value = {
        .name = "org.apache.kafka.connect.transforms.ReplaceField$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = OVERVIEW,
        .defs = defs,
        .configure = configure_value,
        .apply = apply,
        .close = close_replace,
};
