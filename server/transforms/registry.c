/*
 * registry — the table of transformation and predicate classes: the
 * built-ins of Apache Kafka 3.9 and the ones plugins register.
 *
 * Built-ins are listed in `builtins` below (each file under
 * server/transforms/ exports its classes as `const xform_class_t xf_*`).
 * Plugin classes are appended under `mu`; lookups of built-ins take no
 * lock, and a plugin class once registered is never removed, so a pointer
 * returned stays valid for the life of the process.
 */
#include "transform.h"
#include "builtins.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"

/* Built-in classes, sorted by name. */
static const xform_class_t *const builtins[] = {
        &xf_cast_key,
        &xf_cast_value,
        &xf_drop_headers,
        &xf_extract_field_key,
        &xf_extract_field_value,
        &xf_filter,
        &xf_flatten_key,
        &xf_flatten_value,
        &xf_header_from_key,
        &xf_header_from_value,
        &xf_hoist_field_key,
        &xf_hoist_field_value,
        &xf_insert_field_key,
        &xf_insert_field_value,
        &xf_insert_header,
        &xf_mask_field_key,
        &xf_mask_field_value,
        &xf_regex_router,
        &xf_replace_field_key,
        &xf_replace_field_value,
        &xf_set_schema_metadata_key,
        &xf_set_schema_metadata_value,
        &xf_timestamp_converter_key,
        &xf_timestamp_converter_value,
        &xf_timestamp_router,
        &xf_value_to_key,
        &xp_has_header_key,
        &xp_record_is_tombstone,
        &xp_topic_name_matches,
        NULL
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static const xform_class_t **extra;   /* plugin classes, guarded by mu */
static size_t nextra;
/* Sorted lists by kind, rebuilt on registration; guarded by mu. */
static const xform_class_t **sorted[3];
static size_t nsorted[3];

static const xform_class_t *find(const char *name, size_t len)
{
        size_t i;

        for (i = 0; builtins[i]; i++) {
                const xform_class_t *c = builtins[i];

                if ((strlen(c->name) == len &&
                     memcmp(c->name, name, len) == 0) ||
                    (c->alias && strlen(c->alias) == len &&
                     memcmp(c->alias, name, len) == 0))
                        return c;
        }
        pthread_mutex_lock(&mu);
        for (i = 0; i < nextra; i++) {
                if (strlen(extra[i]->name) == len &&
                    memcmp(extra[i]->name, name, len) == 0) {
                        const xform_class_t *c = extra[i];

                        pthread_mutex_unlock(&mu);
                        return c;
                }
        }
        pthread_mutex_unlock(&mu);
        return NULL;
}

const xform_class_t *xform_lookup(const char *name)
{
        size_t len;
        const char *s;

        if (!name)
                return NULL;
        s = java_trim(name, &len);
        return len ? find(s, len) : NULL;
}

int xform_is_abstract(const char *name, const char **key_variant,
                      const char **value_variant)
{
        static const char *const bases[] = {
                "Cast", "ExtractField", "Flatten", "HeaderFrom", "HoistField",
                "InsertField", "MaskField", "ReplaceField",
                "SetSchemaMetadata", "TimestampConverter", NULL
        };
        static const char pkg[] = "org.apache.kafka.connect.transforms.";
        static char keys[10][96], values[10][96];
        size_t len, i;
        const char *s = name ? java_trim(name, &len) : NULL;

        if (!s || len <= sizeof(pkg) - 1 ||
            memcmp(s, pkg, sizeof(pkg) - 1) != 0)
                return 0;
        for (i = 0; bases[i]; i++) {
                if (strlen(bases[i]) != len - (sizeof(pkg) - 1) ||
                    memcmp(s + sizeof(pkg) - 1, bases[i],
                           len - (sizeof(pkg) - 1)) != 0)
                        continue;
                /* Written once per slot with the same text: benign. */
                pthread_mutex_lock(&mu);
                snprintf(keys[i], sizeof(keys[i]), "%s%s$Key", pkg, bases[i]);
                snprintf(values[i], sizeof(values[i]), "%s%s$Value", pkg,
                         bases[i]);
                pthread_mutex_unlock(&mu);
                if (key_variant)
                        *key_variant = keys[i];
                if (value_variant)
                        *value_variant = values[i];
                return 1;
        }
        return 0;
}

static int by_name(const void *a, const void *b)
{
        return strcmp((*(const xform_class_t *const *)a)->name,
                      (*(const xform_class_t *const *)b)->name);
}

/* Rebuilds sorted[kind]. @locks mu held */
static int rebuild(xform_kind_t kind)
{
        const xform_class_t **l;
        size_t n = 0, i;

        for (i = 0; builtins[i]; i++)
                n++;
        l = calloc(n + nextra + 1, sizeof(*l));
        if (!l)
                return -1;
        n = 0;
        for (i = 0; builtins[i]; i++)
                if (builtins[i]->kind == kind)
                        l[n++] = builtins[i];
        for (i = 0; i < nextra; i++)
                if (extra[i]->kind == kind)
                        l[n++] = extra[i];
        qsort(l, n, sizeof(*l), by_name);
        /* Plugins register at start-up, before anything lists. */
        free(sorted[kind]);
        sorted[kind] = l;
        nsorted[kind] = n;
        return 0;
}

const xform_class_t *const *xform_list(xform_kind_t kind, size_t *n)
{
        const xform_class_t *const *l;

        if (kind != XFORM_TRANSFORMATION && kind != XFORM_PREDICATE) {
                *n = 0;
                return NULL;
        }
        pthread_mutex_lock(&mu);
        if (!sorted[kind])
                rebuild(kind);
        l = sorted[kind];
        *n = nsorted[kind];
        pthread_mutex_unlock(&mu);
        return l;
}

int xform_register(const xform_class_t *cls)
{
        const xform_class_t **e;

        if (!cls || !cls->name || xform_lookup(cls->name))
                return -1;
        pthread_mutex_lock(&mu);
        e = realloc(extra, (nextra + 1) * sizeof(*e));
        if (!e) {
                pthread_mutex_unlock(&mu);
                return -1;
        }
        extra = e;
        extra[nextra++] = cls;
        rebuild(XFORM_TRANSFORMATION);
        rebuild(XFORM_PREDICATE);
        pthread_mutex_unlock(&mu);
        return 0;
}
