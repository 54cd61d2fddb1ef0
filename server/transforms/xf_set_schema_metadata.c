/*
 * xf_set_schema_metadata — org.apache.kafka.connect.transforms.
 * SetSchemaMetadata$Key / $Value: the operating schema gets a new name
 * and/or version, everything else kept. A struct value is rebuilt against
 * the new schema (top level only); other values, null included, are left
 * as they are. No value and no schema: unchanged; a value without schema:
 * "Schema required".
 */
#include "transform.h"
#include "xf_fields.h"
#include "xf_util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"

typedef struct {
        int is_key;
        int replace_default;
        char *name;             /* NULL: keep */
        int has_version;
        int32_t version;
} set_schema_metadata_t;

static const connectd_config_def_t defs[] = {
        { .name = "schema.name", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Schema name to set.", .order = -1,
          .optional = 1 },
        { .name = "schema.version", .type = CONNECTD_CFG_INT,
          .importance = CONNECTD_IMPORTANCE_HIGH,
          .documentation = "Schema version to set.", .order = -1,
          .optional = 1 },
        { .name = XF_RNWD_KEY, .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "true",
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = XF_RNWD_DOC, .order = -1 },
        { .name = NULL }
};

#define DOC "Set the schema name, version or both on the record's key " \
        "(<code>org.apache.kafka.connect.transforms.SetSchemaMetadata$Key" \
        "</code>) or value (<code>org.apache.kafka.connect.transforms." \
        "SetSchemaMetadata$Value</code>) schema."

static void ssm_close(void *state)
{
        set_schema_metadata_t *m = state;

        if (!m)
                return;
        free(m->name);
        free(m);
}

static int ssm_configure(int is_key, const json_t *props, void **state,
                         xerr_t *err)
{
        set_schema_metadata_t *m = calloc(1, sizeof(*m));
        const char *ver;

        *state = NULL;
        if (!m)
                return xf_oom(err);
        m->is_key = is_key;
        if (xf_cfg_string(props, "schema.name", 0, &m->name, err) < 0)
                goto fail;
        if ((ver = xf_prop(props, "schema.version"))) {
                char *t = java_trim_dup(ver);
                long long n;
                int bad;

                if (!t) {
                        xf_oom(err);
                        goto fail;
                }
                bad = java_parse_long(t, INT32_MIN, INT32_MAX, &n) < 0;
                free(t);
                if (bad) {
                        xerr_set(err, XERR_CONFIG,
                                 "Invalid value %s for configuration "
                                 "schema.version: Not a number of type INT",
                                 ver);
                        goto fail;
                }
                m->has_version = 1;
                m->version = (int32_t)n;
        }
        if (xf_cfg_bool(props, XF_RNWD_KEY, 1,
                         &m->replace_default, err) < 0)
                goto fail;
        if (!m->name && !m->has_version) {
                xerr_set(err, XERR_CONFIG,
                         "Neither schema name nor version configured");
                goto fail;
        }
        *state = m;
        return 0;
fail:
        ssm_close(m);
        return -1;
}

static int ssm_configure_key(const json_t *props, void **state, xerr_t *err)
{
        return ssm_configure(1, props, state, err);
}

static int ssm_configure_value(const json_t *props, void **state,
                               xerr_t *err)
{
        return ssm_configure(0, props, state, err);
}

static int ssm_apply(void *state, xrecord_t *r, xerr_t *err)
{
        const set_schema_metadata_t *m = state;
        const connect_schema_t *s;
        connectd_value_t *v, *nv;
        connect_schema_t *ns;
        size_t i;

        xf_get(r, m->is_key, &s, &v);
        if (!s) {
                if (!v)
                        return XFORM_KEEP;
                return xf_require_schema(s, "updating schema metadata", err);
        }
        if (!(ns = schema_copy(r->arena, s)))
                return xf_oom(err);
        /* Copied: the record may outlive this instance. */
        if (m->name &&
            !(ns->name = arena_strndup(r->arena, m->name, strlen(m->name))))
                return xf_oom(err);
        if (m->has_version) {
                ns->has_version = 1;
                ns->version = m->version;
        }
        if (ns->type != CONNECTD_VAL_MAP)
                ns->key_schema = NULL;
        if (ns->type != CONNECTD_VAL_MAP && ns->type != CONNECTD_VAL_ARRAY)
                ns->value_schema = NULL;
        nv = v;
        if (xf_is_struct(v)) {
                const value_field_t *cur = v->u.st.head;

                if (!(nv = val_struct(r->arena, ns)))
                        return xf_oom(err);
                for (i = 0; i < ns->nfields; i++) {
                        const schema_field_t *f = &ns->fields[i];
                        connectd_value_t *fv = xf_struct_next(
                                v, &cur, f, m->replace_default);

                        if (xf_check_put(f->name, f->schema, fv, err) < 0)
                                return -1;
                        if (fv &&
                            xf_struct_append(r->arena, nv, f->name, fv) < 0)
                                return xf_oom(err);
                }
        }
        xf_set(r, m->is_key, ns, nv);
        return XFORM_KEEP;
}

const xform_class_t xf_set_schema_metadata_key = {
        .name = "org.apache.kafka.connect.transforms.SetSchemaMetadata$Key",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = ssm_configure_key,
        .apply = ssm_apply,
        .close = ssm_close,
};

const xform_class_t xf_set_schema_metadata_value = {
        .name = "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value",
        .kind = XFORM_TRANSFORMATION,
        .doc = DOC,
        .defs = defs,
        .configure = ssm_configure_value,
        .apply = ssm_apply,
        .close = ssm_close,
};
