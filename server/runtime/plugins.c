/*
 * plugins — the registry of connector descriptors, built-in and loaded.
 *
 * DESIGN
 *  - Every descriptor registered through host->register_connector (built-ins
 *    and plugin shared objects alike) is validated, then copied into a zeroed
 *    connectd_connector_desc_t: min(desc->struct_size, sizeof) bytes, so a
 *    plugin built against an older, shorter descriptor reads as if its
 *    missing (newer) fields were NULL. Strings and tables the descriptor
 *    points to (class name, aliases, version, config defs) are not copied:
 *    they live in the shared object, which stays loaded until exit (or until
 *    plugins_reset() in tests).
 *  - Optional callbacks a plugin left NULL (stop, validate, task_stop, and
 *    task_commit for sources / task_flush for sinks) are replaced by no-ops
 *    in our copy, so callers never test them for NULL.
 *  - A refusal (newer ABI, struct too small, missing class name, type or
 *    mandatory callback, duplicate class name or alias) is logged as one
 *    ERROR line naming the file and the reason, and the plugin's other
 *    descriptors still register. A plugin that ends up registering nothing,
 *    or whose init returns -1, is rolled back and dlclose()d.
 *  - Lookup follows Kafka's PluginUtils: full class name, then an explicit
 *    alias, then the simple class name (after the last '.') and the simple
 *    name without a trailing "Connector" — the latter two only when exactly
 *    one class matches, as Kafka drops ambiguous aliases.
 *
 *  - plugin.path is code the worker runs, so only root and the worker's own
 *    user may be able to change it (the rule OpenSSH applies to key files):
 *    each entry, every directory above it, the subdirectory holding a .so,
 *    and each .so (through symlinks, to the file itself and the directories
 *    above that) must be owned by root or the worker's effective user and
 *    not be writable by group or others. A world-writable directory with the
 *    sticky bit (/tmp) passes: others cannot replace what is ours in it,
 *    and what they add there is theirs, so refused. A failing entry or file
 *    is refused with an ERROR naming it and the reason, or loaded with a
 *    WARN when plugin.path.allow.insecure=true. plugins_load_file (a file
 *    named by the caller) does not check.
 *
 *  - The registry handle a plugin's init receives is open only while init
 *    runs; it stays allocated (closed) as long as the plugin is loaded, so
 *    a plugin that keeps it and registers later gets a logged refusal
 *    instead of a dangling pointer.
 *
 *  - Custom transforms and predicates (host->register_transform) are
 *    checked like connectors, copied the same way, and wrapped in an
 *    xform_class_t for the class table of server/transforms. The table
 *    never forgets a class, so they are held back while the plugin's init
 *    runs and registered (xform_register) only once the load succeeds; a
 *    plugin that registered one stays loaded even through plugins_reset().
 *    xform_class_t's configure() is not told its class, so each plugin
 *    class gets one of XP_MAX fixed configure trampolines bound to its slot
 *    (a ceiling on plugin transform classes); apply/close find the class
 *    through the instance state the wrapper allocates.
 *
 *  - Scopes (MSK Connect custom plugin revisions): plugins_load_scoped
 *    loads a .so into a named scope (the revision's directory). A class
 *    registered in a scope clashes only with classes of the same scope, so
 *    two revisions may hold the same class name. Scoped classes are found
 *    only through their scope: plugins_find_in(name, scope), or
 *    plugins_find_for_config with the connector config key
 *    PLUGINS_SCOPE_KEY naming the scope; a name the scope does not hold
 *    falls back to the unscoped lookup (built-ins and plugin.path), as
 *    Java's plugin class loaders delegate to their parent. plugins_find and
 *    plugins_at see unscoped classes only.
 *
 * Threads: built-ins and plugin.path are loaded at start-up on the main
 * thread; scoped loads may come later from any thread. Loads are
 * serialised by load_lock; the entries array is guarded by entries_lock
 * (readers: lookups; writer: the loading thread when it appends or rolls
 * back). Entries are allocated one by one, so pointers handed out stay
 * valid until plugins_reset().
 */
#include <pthread.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "plugins.h"
#include "record_abi.h"
#include "transform.h"

/* Built-in connectors (connectors/filestream, connectors/datagen). They are
 * ordinary plugins whose init function is called directly. */
extern int filestream_plugin_init(const connectd_host_t *host,
                                  connectd_registry_t *reg);
extern int datagen_plugin_init(const connectd_host_t *host,
                               connectd_registry_t *reg);

/* Size of the descriptor as ABI 1 defined it: everything up to task_stop.
 * Stays fixed when later ABIs append fields. */
#define DESC_ABI1_SIZE                                                         \
        (offsetof(connectd_connector_desc_t, task_stop) +                      \
         sizeof(((connectd_connector_desc_t *)0)->task_stop))

#define PLUGINS_MAX_CLASSES 1024   /* registry ceiling */
#define PLUGINS_MAX_FILES 4096     /* .so files per plugin.path entry */
#define PLUGINS_MAX_ALIASES 64     /* explicit aliases per class */
#define PLUGINS_MAX_CFG_DEFS 4096  /* config keys per class */
#define PLUGINS_NAME_MAX 512       /* class name / alias length */

#define BUILTIN_FILE "built-in"

/* Size of the transform descriptor as first defined: everything up to
 * close. Stays fixed when later versions append fields. */
#define XDESC_V1_SIZE                                                          \
        (offsetof(connectd_transform_desc_t, close) +                          \
         sizeof(((connectd_transform_desc_t *)0)->close))

#define XP_MAX 64 /* plugin transform/predicate classes (trampolines) */

/* A plugin transform or predicate: the class the table holds and our copy
 * of the plugin's descriptor. Never freed once registered (the class table
 * keeps pointers to it for the life of the process). */
typedef struct xform_plugin {
        xform_class_t cls;
        connectd_transform_desc_t desc;
        char *file;
} xform_plugin_t;

/* One configured instance: the class and the plugin's own state. */
typedef struct xform_inst {
        const xform_plugin_t *xp;
        void *state;
} xform_inst_t;

/* The registry handle plugins see: where the descriptors come from. */
struct connectd_registry {
        char *file;            /* path of the .so, or BUILTIN_FILE (owned) */
        char *scope;           /* NULL, or the scope of this load (owned) */
        int open;              /* 1 only while the init function runs */
        int registered;        /* descriptors accepted during this load */
        int refused;           /* descriptors refused during this load */
        char first_refusal[512];
        /* Transforms registered during this load, committed (to xplugins
         * and the class table) when the load succeeds; owned until then. */
        xform_plugin_t *xpending[XP_MAX];
        size_t nxpending;
        int xcommitted;        /* 1: classes of this plugin are in the table */
};

typedef struct plugin_entry {
        connectd_connector_desc_t desc; /* our copy (first member) */
        char *file;                     /* who registered it (owned) */
        char *scope;                    /* NULL: unscoped (owned) */
} plugin_entry_t;

static plugin_entry_t **entries;
static size_t entries_cnt, entries_cap;
static pthread_rwlock_t entries_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* A loaded plugin: its handle and its registry, which stays valid (closed)
 * so a plugin that calls register_connector late gets a refusal, not a
 * dangling pointer. */
typedef struct loaded {
        void *handle;
        connectd_registry_t *reg;
} loaded_t;

static loaded_t *handles;
static size_t handles_cnt, handles_cap;

static int allow_insecure; /* plugin.path.allow.insecure */

/* Committed plugin transform classes by slot; written at start-up only. */
static xform_plugin_t *xplugins[XP_MAX];
static size_t nxplugins;

static logger_t *plog(void)
{
        return log_get("connectd.plugins");
}

/* --- no-op defaults for optional callbacks --- */

static void noop_stop(void *state)
{
        (void)state;
}

static void noop_validate(const connectd_config_t *cfg,
                          connectd_validation_t *v)
{
        (void)cfg;
        (void)v;
}

static int noop_flush(void *state, char *errstr, size_t errstr_size)
{
        (void)state;
        (void)errstr;
        (void)errstr_size;
        return 0;
}

/* --- names --- */

static const char *type_name(connectd_connector_type_t type)
{
        return type == CONNECTD_SOURCE ? "source" : "sink";
}

/* Class names and aliases: printable, no blanks or path separators. */
static int name_ok(const char *s)
{
        size_t n = 0;

        if (!s || !*s)
                return 0;
        for (; s[n]; n++) {
                unsigned char c = (unsigned char)s[n];
                if (c <= ' ' || c == 0x7f || c == '/' || c == '\\')
                        return 0;
                if (n >= PLUGINS_NAME_MAX)
                        return 0;
        }
        return 1;
}

static const char *simple_name(const char *class_name)
{
        const char *dot = strrchr(class_name, '.');
        return dot ? dot + 1 : class_name;
}

/* Does `name` equal the simple name of class_name without its trailing
 * "Connector" (and is that pruned name non-empty)? */
static int matches_pruned(const char *class_name, const char *name)
{
        static const char suffix[] = "Connector";
        const char *simple = simple_name(class_name);
        size_t len = strlen(simple), slen = sizeof(suffix) - 1;

        if (len <= slen || strcmp(simple + len - slen, suffix))
                return 0;
        return strlen(name) == len - slen && !strncmp(simple, name, len - slen);
}

static int same_scope(const plugin_entry_t *e, const char *scope)
{
        if (!e->scope || !scope)
                return !e->scope && !scope;
        return !strcmp(e->scope, scope);
}

/* Exact class name or explicit alias of an existing entry of `scope`
 * (NULL: unscoped); NULL if none. @locks entries_lock read, or the loading
 * thread */
static const plugin_entry_t *find_exact_in(const char *name,
                                           const char *scope)
{
        size_t i, j;

        for (i = 0; i < entries_cnt; i++)
                if (same_scope(entries[i], scope) &&
                    !strcmp(entries[i]->desc.class_name, name))
                        return entries[i];
        for (i = 0; i < entries_cnt; i++) {
                const char *const *al = entries[i]->desc.aliases;
                if (!same_scope(entries[i], scope))
                        continue;
                for (j = 0; al && al[j]; j++)
                        if (!strcmp(al[j], name))
                                return entries[i];
        }
        return NULL;
}

/* Called from check_desc while registering into reg's scope. */
static const char *checking_scope;
static const plugin_entry_t *find_exact(const char *name)
{
        return find_exact_in(name, checking_scope);
}

/* --- validation --- */

static int check_config_defs(const connectd_config_def_t *defs, char *errstr,
                             size_t errstr_size)
{
        size_t i, j;

        for (i = 0; defs && defs[i].name; i++) {
                const connectd_config_def_t *d = &defs[i];

                if (i >= PLUGINS_MAX_CFG_DEFS) {
                        snprintf(errstr, errstr_size,
                                 "more than %d config definitions "
                                 "(missing terminating entry?)",
                                 PLUGINS_MAX_CFG_DEFS);
                        return -1;
                }
                if (!*d->name) {
                        snprintf(errstr, errstr_size,
                                 "config definition #%zu has an empty name",
                                 i);
                        return -1;
                }
                if ((int)d->type < CONNECTD_CFG_STRING ||
                    (int)d->type > CONNECTD_CFG_PASSWORD) {
                        snprintf(errstr, errstr_size,
                                 "config definition '%s' has unknown type %d",
                                 d->name, (int)d->type);
                        return -1;
                }
                if ((int)d->importance < CONNECTD_IMPORTANCE_HIGH ||
                    (int)d->importance > CONNECTD_IMPORTANCE_LOW) {
                        snprintf(errstr, errstr_size,
                                 "config definition '%s' has unknown "
                                 "importance %d",
                                 d->name, (int)d->importance);
                        return -1;
                }
                if ((int)d->width < CONNECTD_WIDTH_NONE ||
                    (int)d->width > CONNECTD_WIDTH_LONG) {
                        snprintf(errstr, errstr_size,
                                 "config definition '%s' has unknown "
                                 "width %d",
                                 d->name, (int)d->width);
                        return -1;
                }
                for (j = 0; j < i; j++)
                        if (!strcmp(defs[j].name, d->name)) {
                                snprintf(errstr, errstr_size,
                                         "config key '%s' is defined twice",
                                         d->name);
                                return -1;
                        }
        }
        return 0;
}

/* Check a copied descriptor (fields beyond the plugin's struct_size are
 * zero). 0, or -1 with the reason. */
static int check_desc(const connectd_connector_desc_t *d, char *errstr,
                      size_t errstr_size)
{
        const plugin_entry_t *other;
        const char *missing = NULL;
        size_t i;

        if (!name_ok(d->class_name)) {
                snprintf(errstr, errstr_size,
                         d->class_name ? "invalid class name '%.100s'"
                                       : "descriptor has no class name%s",
                         d->class_name ? d->class_name : "");
                return -1;
        }
        if (d->type != CONNECTD_SOURCE && d->type != CONNECTD_SINK) {
                snprintf(errstr, errstr_size,
                         "connector class %s has unknown type %d "
                         "(expected source or sink)",
                         d->class_name, (int)d->type);
                return -1;
        }
        if (!d->start)
                missing = "start";
        else if (!d->task_configs)
                missing = "task_configs";
        else if (!d->task_start)
                missing = "task_start";
        else if (d->type == CONNECTD_SOURCE && !d->task_poll)
                missing = "task_poll";
        else if (d->type == CONNECTD_SINK && !d->task_put)
                missing = "task_put";
        if (missing) {
                snprintf(errstr, errstr_size,
                         "%s connector class %s has no %s callback",
                         type_name(d->type), d->class_name, missing);
                return -1;
        }
        if (check_config_defs(d->config_defs, errstr, errstr_size) == -1) {
                char *why = strdup(errstr);
                snprintf(errstr, errstr_size, "connector class %s: %s",
                         d->class_name, why ? why : "bad config definition");
                free(why);
                return -1;
        }

        if ((other = find_exact(d->class_name))) {
                snprintf(errstr, errstr_size,
                         "duplicate connector class %s (already registered "
                         "by %s%s%s)",
                         d->class_name, other->file,
                         strcmp(other->desc.class_name, d->class_name)
                                 ? " as an alias of "
                                 : "",
                         strcmp(other->desc.class_name, d->class_name)
                                 ? other->desc.class_name
                                 : "");
                return -1;
        }
        for (i = 0; d->aliases && d->aliases[i]; i++) {
                const char *al = d->aliases[i];
                size_t j;

                if (i >= PLUGINS_MAX_ALIASES) {
                        snprintf(errstr, errstr_size,
                                 "connector class %s has more than %d "
                                 "aliases (missing NULL terminator?)",
                                 d->class_name, PLUGINS_MAX_ALIASES);
                        return -1;
                }
                if (!name_ok(al)) {
                        snprintf(errstr, errstr_size,
                                 "connector class %s has an invalid alias "
                                 "'%.100s'",
                                 d->class_name, al);
                        return -1;
                }
                if ((other = find_exact(al))) {
                        snprintf(errstr, errstr_size,
                                 "duplicate connector class %s: alias %s is "
                                 "already taken by %s (registered by %s)",
                                 d->class_name, al, other->desc.class_name,
                                 other->file);
                        return -1;
                }
                if (!strcmp(al, d->class_name))
                        continue; /* harmless */
                for (j = 0; j < i; j++)
                        if (!strcmp(d->aliases[j], al))
                                break;
                if (j < i) {
                        snprintf(errstr, errstr_size,
                                 "connector class %s lists alias %s twice",
                                 d->class_name, al);
                        return -1;
                }
        }
        return 0;
}

static void refuse(connectd_registry_t *reg, const char *class_name,
                   const char *why)
{
        reg->refused++;
        if (!reg->first_refusal[0])
                snprintf(reg->first_refusal, sizeof(reg->first_refusal), "%s",
                         why);
        if (class_name && !strstr(why, class_name))
                LOG_ERROR(plog(), "Plugin %s: refusing connector class %s: %s",
                          reg->file, class_name, why);
        else if (class_name)
                LOG_ERROR(plog(), "Plugin %s: refusing %s", reg->file, why);
        else
                LOG_ERROR(plog(), "Plugin %s: refusing a connector "
                                  "descriptor: %s",
                          reg->file, why);
}

int plugins_register(connectd_registry_t *reg,
                     const connectd_connector_desc_t *desc)
{
        connectd_connector_desc_t copy;
        plugin_entry_t *e = NULL;
        char errstr[512];
        size_t n;

        if (!reg)
                return -1;
        if (!reg->open) {
                refuse(reg, NULL, "register_connector called after the "
                                  "plugin's init function returned");
                return -1;
        }
        if (!desc) {
                refuse(reg, NULL, "descriptor is NULL");
                return -1;
        }
        /* Only the header is common to every ABI: read nothing else until
         * version and size say the rest is laid out as we know it. */
        if (desc->abi_version > CONNECTD_ABI_VERSION) {
                snprintf(errstr, sizeof(errstr),
                         "built for plugin ABI %u, this worker supports up "
                         "to %d",
                         (unsigned)desc->abi_version, CONNECTD_ABI_VERSION);
                refuse(reg, NULL, errstr);
                return -1;
        }
        if (desc->abi_version < 1) {
                snprintf(errstr, sizeof(errstr),
                         "invalid plugin ABI version %u",
                         (unsigned)desc->abi_version);
                refuse(reg, NULL, errstr);
                return -1;
        }
        if (desc->struct_size < DESC_ABI1_SIZE) {
                snprintf(errstr, sizeof(errstr),
                         "descriptor struct_size %u is smaller than the %zu "
                         "bytes plugin ABI 1 requires",
                         (unsigned)desc->struct_size, (size_t)DESC_ABI1_SIZE);
                refuse(reg, NULL, errstr);
                return -1;
        }

        memset(&copy, 0, sizeof(copy));
        n = desc->struct_size < sizeof(copy) ? desc->struct_size
                                             : sizeof(copy);
        memcpy(&copy, desc, n);

        checking_scope = reg->scope;
        n = check_desc(&copy, errstr, sizeof(errstr)) == -1;
        checking_scope = NULL;
        if (n) {
                refuse(reg, name_ok(copy.class_name) ? copy.class_name : NULL,
                       errstr);
                return -1;
        }
        if (entries_cnt >= PLUGINS_MAX_CLASSES) {
                snprintf(errstr, sizeof(errstr),
                         "too many connector classes (limit %d)",
                         PLUGINS_MAX_CLASSES);
                refuse(reg, copy.class_name, errstr);
                return -1;
        }

        if (!copy.stop)
                copy.stop = noop_stop;
        if (!copy.validate)
                copy.validate = noop_validate;
        if (!copy.task_stop)
                copy.task_stop = noop_stop;
        if (copy.type == CONNECTD_SOURCE && !copy.task_commit)
                copy.task_commit = noop_stop;
        if (copy.type == CONNECTD_SINK && !copy.task_flush)
                copy.task_flush = noop_flush;

        if (!(e = calloc(1, sizeof(*e))) || !(e->file = strdup(reg->file)) ||
            (reg->scope && !(e->scope = strdup(reg->scope))))
                goto out_nomem;
        e->desc = copy;
        pthread_rwlock_wrlock(&entries_lock);
        if (entries_cnt == entries_cap) {
                size_t cap = entries_cap ? entries_cap * 2 : 16;
                plugin_entry_t **p = realloc(entries, cap * sizeof(*p));
                if (!p) {
                        pthread_rwlock_unlock(&entries_lock);
                        goto out_nomem;
                }
                entries = p;
                entries_cap = cap;
        }
        entries[entries_cnt++] = e;
        pthread_rwlock_unlock(&entries_lock);
        reg->registered++;
        return 0;

out_nomem:
        if (e) {
                free(e->file);
                free(e->scope);
                free(e);
        }
        refuse(reg, copy.class_name, "out of memory");
        return -1;
}

/* --- custom transforms and predicates --- */

static const char *xkind_name(connectd_transform_kind_t kind)
{
        return kind == CONNECTD_PREDICATE ? "predicate" : "transformation";
}

static void refuse_xform(connectd_registry_t *reg, const char *class_name,
                         connectd_transform_kind_t kind, const char *why)
{
        reg->refused++;
        if (!reg->first_refusal[0])
                snprintf(reg->first_refusal, sizeof(reg->first_refusal), "%s",
                         why);
        if (class_name)
                LOG_ERROR(plog(), "Plugin %s: refusing %s class %s: %s",
                          reg->file, xkind_name(kind), class_name, why);
        else
                LOG_ERROR(plog(), "Plugin %s: refusing a transform "
                                  "descriptor: %s",
                          reg->file, why);
}

/* Fills `props` (a copy of the instance's keys) with the defaults of the
 * class's definition table, as Java's AbstractConfig hands them to
 * configure(). 0 or -1 (OOM). */
static int add_defaults(json_t *props, const connectd_config_def_t *defs)
{
        size_t i;

        for (i = 0; defs && defs[i].name; i++) {
                json_t *v = json_object_get(props, defs[i].name);

                if ((v && !json_is_null(v)) || !defs[i].default_value)
                        continue;
                if (json_object_set_new(props, defs[i].name,
                                        json_string(defs[i].default_value)))
                        return -1;
        }
        return 0;
}

/* configure() of the class in `slot`: the plugin's configure on the
 * instance's keys plus defaults; a failure is Java's ConfigException. */
static int xp_configure(size_t slot, const json_t *props, void **state,
                        xerr_t *err)
{
        const xform_plugin_t *xp = slot < nxplugins ? xplugins[slot] : NULL;
        char errstr[1024] = "";
        xform_inst_t *in = NULL;
        json_t *cfg = NULL;
        int rc = -1;

        *state = NULL;
        if (!xp) {
                xerr_set(err, XERR_CONFIG, "unknown plugin transform slot");
                return -1;
        }
        cfg = props ? json_deep_copy(props) : json_object();
        in = calloc(1, sizeof(*in));
        if (!cfg || !json_is_object(cfg) || !in ||
            add_defaults(cfg, xp->desc.config_defs) == -1) {
                xerr_set(err, XERR_CONFIG, "out of memory configuring %s",
                         xp->cls.name);
                goto out;
        }
        in->xp = xp;
        if (xp->desc.configure((const connectd_config_t *)cfg, &in->state,
                               errstr, sizeof(errstr)) != 0) {
                xerr_set(err, XERR_CONFIG, "%s",
                         errstr[0] ? errstr : "configure() failed");
                goto out;
        }
        *state = in;
        in = NULL;
        rc = 0;
out:
        free(in);
        json_decref(cfg);
        return rc;
}

/* Fixed trampolines: configure_<slot> for every slot. */
#define XP_T(a, b)                                                             \
        static int xp_configure_##a##b(const json_t *p, void **st,           \
                                       xerr_t *e)                             \
        {                                                                      \
                return xp_configure((a) * 8 + (b), p, st, e);                  \
        }
#define XP_T8(a)                                                               \
        XP_T(a, 0) XP_T(a, 1) XP_T(a, 2) XP_T(a, 3) XP_T(a, 4) XP_T(a, 5)      \
        XP_T(a, 6) XP_T(a, 7)
XP_T8(0) XP_T8(1) XP_T8(2) XP_T8(3) XP_T8(4) XP_T8(5) XP_T8(6) XP_T8(7)
#define XP_R8(a)                                                               \
        xp_configure_##a##0, xp_configure_##a##1, xp_configure_##a##2,         \
        xp_configure_##a##3, xp_configure_##a##4, xp_configure_##a##5,         \
        xp_configure_##a##6, xp_configure_##a##7
static int (*const xp_configure_fn[XP_MAX])(const json_t *, void **,
                                            xerr_t *) = {
        XP_R8(0), XP_R8(1), XP_R8(2), XP_R8(3),
        XP_R8(4), XP_R8(5), XP_R8(6), XP_R8(7)
};

static int xp_apply(void *state, xrecord_t *r, xerr_t *err)
{
        xform_inst_t *in = state;
        const xform_plugin_t *xp = in->xp;
        char errstr[1024];
        int rc;

        errstr[0] = '\0'; /* per record: not the whole buffer */
        rc = xp->desc.apply(in->state, xrecord_handle(r), errstr,
                            sizeof(errstr));
        if (rc == 0 || rc == 1)
                return rc;
        if (rc == CONNECTD_XFORM_RETRY) {
                xerr_set(err, XERR_RETRIABLE, "%s",
                         errstr[0] ? errstr : "apply() failed (retriable)");
                err->retriable = 1;
                return -1;
        }
        if (rc == -1)
                xerr_set(err, XERR_DATA, "%s",
                         errstr[0] ? errstr : "apply() failed");
        else
                xerr_set(err, XERR_CONNECT,
                         "%s %s returned %d, expected %s", xkind_name(
                                 xp->desc.kind),
                         xp->cls.name, rc,
                         xp->desc.kind == CONNECTD_PREDICATE
                                 ? "0, 1 or -1"
                                 : "CONNECTD_XFORM_KEEP, _DROP or -1");
        return -1;
}

static void xp_close(void *state)
{
        xform_inst_t *in = state;

        if (!in)
                return;
        if (in->xp->desc.close)
                in->xp->desc.close(in->state);
        free(in);
}

static void xplugin_free(xform_plugin_t *xp)
{
        if (xp) {
                free(xp->file);
                free(xp);
        }
}

/* A pending or committed class named `name`; NULL if none. */
static const xform_plugin_t *find_pending(const connectd_registry_t *reg,
                                          const char *name)
{
        size_t i;

        for (i = 0; i < reg->nxpending; i++)
                if (!strcmp(reg->xpending[i]->desc.class_name, name))
                        return reg->xpending[i];
        return NULL;
}

int plugins_register_transform(connectd_registry_t *reg,
                               const connectd_transform_desc_t *desc)
{
        connectd_transform_desc_t copy;
        xform_plugin_t *xp = NULL;
        const xform_class_t *other;
        char errstr[512];
        size_t n;

        if (!reg)
                return -1;
        if (!reg->open) {
                refuse_xform(reg, NULL, 0, "register_transform called after "
                                           "the plugin's init function "
                                           "returned");
                return -1;
        }
        if (!desc) {
                refuse_xform(reg, NULL, 0, "descriptor is NULL");
                return -1;
        }
        if (desc->abi_version > CONNECTD_ABI_VERSION ||
            desc->abi_version < 1) {
                snprintf(errstr, sizeof(errstr),
                         desc->abi_version < 1
                                 ? "invalid plugin ABI version %u"
                                 : "built for plugin ABI %u, this worker "
                                   "supports up to %d",
                         (unsigned)desc->abi_version, CONNECTD_ABI_VERSION);
                refuse_xform(reg, NULL, 0, errstr);
                return -1;
        }
        if (desc->struct_size < XDESC_V1_SIZE) {
                snprintf(errstr, sizeof(errstr),
                         "transform descriptor struct_size %u is smaller "
                         "than the %zu bytes it needs",
                         (unsigned)desc->struct_size, (size_t)XDESC_V1_SIZE);
                refuse_xform(reg, NULL, 0, errstr);
                return -1;
        }
        memset(&copy, 0, sizeof(copy));
        n = desc->struct_size < sizeof(copy) ? desc->struct_size
                                             : sizeof(copy);
        memcpy(&copy, desc, n);

        if (!name_ok(copy.class_name)) {
                snprintf(errstr, sizeof(errstr),
                         copy.class_name ? "invalid class name '%.100s'"
                                         : "descriptor has no class name%s",
                         copy.class_name ? copy.class_name : "");
                refuse_xform(reg, NULL, copy.kind, errstr);
                return -1;
        }
        if (copy.kind != CONNECTD_TRANSFORMATION &&
            copy.kind != CONNECTD_PREDICATE) {
                snprintf(errstr, sizeof(errstr),
                         "unknown kind %d (expected transformation or "
                         "predicate)", (int)copy.kind);
                refuse_xform(reg, copy.class_name, copy.kind, errstr);
                return -1;
        }
        if (!copy.configure || !copy.apply) {
                snprintf(errstr, sizeof(errstr), "no %s callback",
                         !copy.configure ? "configure" : "apply");
                refuse_xform(reg, copy.class_name, copy.kind, errstr);
                return -1;
        }
        if (check_config_defs(copy.config_defs, errstr, sizeof(errstr))) {
                refuse_xform(reg, copy.class_name, copy.kind, errstr);
                return -1;
        }
        if ((other = xform_lookup(copy.class_name)) ||
            find_pending(reg, copy.class_name)) {
                snprintf(errstr, sizeof(errstr),
                         "duplicate class name (already registered%s%s)",
                         other && !other->plugin ? " as a built-in" : "",
                         other && other->alias &&
                                         !strcmp(other->alias,
                                                 copy.class_name)
                                 ? " alias"
                                 : "");
                refuse_xform(reg, copy.class_name, copy.kind, errstr);
                return -1;
        }
        if (reg->nxpending >= XP_MAX || nxplugins + reg->nxpending >= XP_MAX) {
                snprintf(errstr, sizeof(errstr),
                         "too many plugin transform and predicate classes "
                         "(limit %d)", XP_MAX);
                refuse_xform(reg, copy.class_name, copy.kind, errstr);
                return -1;
        }
        if (!(xp = calloc(1, sizeof(*xp))) ||
            !(xp->file = strdup(reg->file))) {
                xplugin_free(xp);
                refuse_xform(reg, copy.class_name, copy.kind, "out of memory");
                return -1;
        }
        xp->desc = copy;
        xp->cls.name = xp->desc.class_name;
        xp->cls.kind = copy.kind == CONNECTD_PREDICATE ? XFORM_PREDICATE
                                                       : XFORM_TRANSFORMATION;
        /* A plugin class without a version is Java's "undefined", not
         * the worker's version a built-in reports. */
        xp->cls.version = xp->desc.version ? xp->desc.version : "undefined";
        xp->cls.doc = xp->desc.doc;
        xp->cls.defs = xp->desc.config_defs;
        xp->cls.apply = xp_apply;
        xp->cls.close = xp_close;
        xp->cls.plugin = &xp->desc;
        reg->xpending[reg->nxpending++] = xp;
        reg->registered++;
        return 0;
}

/* A load failed: forget what it registered. */
static void discard_transforms(connectd_registry_t *reg)
{
        while (reg->nxpending)
                xplugin_free(reg->xpending[--reg->nxpending]);
}

/* The load succeeded: hand its classes to the class table. */
static void commit_transforms(connectd_registry_t *reg)
{
        size_t i;

        for (i = 0; i < reg->nxpending; i++) {
                xform_plugin_t *xp = reg->xpending[i];

                xp->cls.configure = xp_configure_fn[nxplugins];
                xplugins[nxplugins] = xp;
                if (xform_register(&xp->cls) != 0) {
                        xplugins[nxplugins] = NULL;
                        refuse_xform(reg, xp->desc.class_name, xp->desc.kind,
                                     "the class table refused it (duplicate "
                                     "or out of memory)");
                        xplugin_free(xp);
                        continue;
                }
                nxplugins++;
                reg->xcommitted = 1;
                LOG_INFO(plog(), "Loaded plugin %s: %s (%s, version %s)",
                         reg->file, xp->desc.class_name,
                         xkind_name(xp->desc.kind),
                         xp->desc.version ? xp->desc.version : "undefined");
        }
        reg->nxpending = 0;
}

/* --- lookup --- */

/* @locks entries_lock read */
static const connectd_connector_desc_t *find_locked(const char *name,
                                                    const char *scope)
{
        const plugin_entry_t *e, *hit = NULL;
        size_t i;
        int hits = 0;

        if ((e = find_exact_in(name, scope)))
                return &e->desc;
        for (i = 0; i < entries_cnt; i++) {
                const char *cn = entries[i]->desc.class_name;
                if (!same_scope(entries[i], scope))
                        continue;
                if (!strcmp(simple_name(cn), name) ||
                    matches_pruned(cn, name)) {
                        hit = entries[i];
                        hits++;
                }
        }
        return hits == 1 ? &hit->desc : NULL;
}

const connectd_connector_desc_t *plugins_find_in(const char *name,
                                                 const char *scope)
{
        const connectd_connector_desc_t *d = NULL;

        if (!name || !*name)
                return NULL;
        pthread_rwlock_rdlock(&entries_lock);
        if (scope && *scope)
                d = find_locked(name, scope);
        if (!d)
                d = find_locked(name, NULL);
        pthread_rwlock_unlock(&entries_lock);
        return d;
}

const connectd_connector_desc_t *plugins_find(const char *name)
{
        return plugins_find_in(name, NULL);
}

const connectd_connector_desc_t *plugins_find_for_config(const json_t *config)
{
        return plugins_find_in(
                json_string_value(json_object_get(config, "connector.class")),
                json_string_value(json_object_get(config, PLUGINS_SCOPE_KEY)));
}

const connectd_connector_desc_t *plugins_at(size_t i)
{
        const connectd_connector_desc_t *d = NULL;
        size_t k;

        pthread_rwlock_rdlock(&entries_lock);
        for (k = 0; k < entries_cnt; k++) {
                if (entries[k]->scope)
                        continue;
                if (i-- == 0) {
                        d = &entries[k]->desc;
                        break;
                }
        }
        pthread_rwlock_unlock(&entries_lock);
        return d;
}

json_t *plugins_scope_classes(const char *scope)
{
        json_t *out = json_array();
        size_t i;

        if (!out || !scope)
                return out;
        pthread_rwlock_rdlock(&entries_lock);
        for (i = 0; i < entries_cnt; i++)
                if (same_scope(entries[i], scope))
                        json_array_append_new(
                                out, json_string(entries[i]->desc.class_name));
        pthread_rwlock_unlock(&entries_lock);
        return out;
}

/* --- config providers (host->register_config_provider) --- */

#define PROVIDER_DESC_MIN_SIZE                                                 \
        (offsetof(connectd_config_provider_desc_t, close) +                    \
         sizeof(((connectd_config_provider_desc_t *)0)->close))

typedef struct provider_entry {
        connectd_config_provider_desc_t desc; /* our copy */
        char *file;
} provider_entry_t;

static provider_entry_t **pentries;
static size_t pentries_cnt, pentries_cap;

/* cls names provider class `c`: the class, an alias, its simple name, or
 * the simple name without "ConfigProvider". */
static int provider_name_matches(const connectd_config_provider_desc_t *d,
                                 const char *cls)
{
        const char *sn = simple_name(d->class_name);
        size_t sl = strlen(sn), suf = strlen("ConfigProvider");
        const char *const *a;

        if (!strcmp(cls, d->class_name) || !strcmp(cls, sn))
                return 1;
        if (sl > suf && !strcmp(sn + sl - suf, "ConfigProvider") &&
            strlen(cls) == sl - suf && !strncmp(cls, sn, sl - suf))
                return 1;
        for (a = d->aliases; a && *a; a++)
                if (!strcmp(cls, *a))
                        return 1;
        return 0;
}

const connectd_config_provider_desc_t *plugins_find_provider(const char *cls)
{
        size_t i;

        for (i = 0; cls && i < pentries_cnt; i++)
                if (provider_name_matches(&pentries[i]->desc, cls))
                        return &pentries[i]->desc;
        return NULL;
}

int plugins_register_provider(connectd_registry_t *reg,
                              const connectd_config_provider_desc_t *desc)
{
        connectd_config_provider_desc_t copy;
        provider_entry_t *e = NULL, **p;
        char errstr[512];

        if (!reg)
                return -1;
        if (!reg->open) {
                refuse(reg, NULL, "register_config_provider called after "
                                  "the plugin's init function returned");
                return -1;
        }
        if (!desc) {
                refuse(reg, NULL, "config provider descriptor is NULL");
                return -1;
        }
        if (desc->abi_version < 1 ||
            desc->abi_version > CONNECTD_ABI_VERSION ||
            desc->struct_size < PROVIDER_DESC_MIN_SIZE) {
                snprintf(errstr, sizeof(errstr),
                         "config provider descriptor of ABI %u, size %u: "
                         "this worker supports ABI 1 to %d, size at least "
                         "%zu",
                         (unsigned)desc->abi_version,
                         (unsigned)desc->struct_size, CONNECTD_ABI_VERSION,
                         (size_t)PROVIDER_DESC_MIN_SIZE);
                refuse(reg, NULL, errstr);
                return -1;
        }
        memset(&copy, 0, sizeof(copy));
        memcpy(&copy, desc, desc->struct_size < sizeof(copy) ?
                                    desc->struct_size : sizeof(copy));
        if (!name_ok(copy.class_name) || !copy.get) {
                refuse(reg, name_ok(copy.class_name) ? copy.class_name : NULL,
                       "a config provider needs a class name and get");
                return -1;
        }
        if (plugins_find_provider(copy.class_name)) {
                snprintf(errstr, sizeof(errstr),
                         "duplicate config provider class %s",
                         copy.class_name);
                refuse(reg, copy.class_name, errstr);
                return -1;
        }
        if (pentries_cnt == pentries_cap) {
                size_t cap = pentries_cap ? pentries_cap * 2 : 8;
                if (!(p = realloc(pentries, cap * sizeof(*p))))
                        goto out_nomem;
                pentries = p;
                pentries_cap = cap;
        }
        if (!(e = calloc(1, sizeof(*e))) || !(e->file = strdup(reg->file)))
                goto out_nomem;
        e->desc = copy;
        pentries[pentries_cnt++] = e;
        reg->registered++;
        LOG_INFO(plog(), "Plugin %s: config provider %s", reg->file,
                 copy.class_name);
        return 0;
out_nomem:
        free(e);
        refuse(reg, copy.class_name, "out of memory");
        return -1;
}

static void truncate_providers(size_t keep)
{
        while (pentries_cnt > keep) {
                provider_entry_t *e = pentries[--pentries_cnt];
                free(e->file);
                free(e);
        }
}

/* Drop entries registered after `keep` (a failed plugin load). */
static void truncate_entries(size_t keep)
{
        pthread_rwlock_wrlock(&entries_lock);
        while (entries_cnt > keep) {
                plugin_entry_t *e = entries[--entries_cnt];
                free(e->file);
                free(e->scope);
                free(e);
        }
        pthread_rwlock_unlock(&entries_lock);
}

static connectd_registry_t *registry_new(const char *file, const char *scope)
{
        connectd_registry_t *reg = calloc(1, sizeof(*reg));

        if (reg && (!(reg->file = strdup(file)) ||
                    (scope && !(reg->scope = strdup(scope))))) {
                free(reg->file);
                free(reg);
                reg = NULL;
        }
        return reg;
}

static void registry_free(connectd_registry_t *reg)
{
        if (reg) {
                discard_transforms(reg);
                free(reg->file);
                free(reg->scope);
                free(reg);
        }
}

void plugins_reset(void)
{
        size_t i;

        truncate_entries(0);
        free(entries);
        entries = NULL;
        entries_cap = 0;
        truncate_providers(0);
        free(pentries);
        pentries = NULL;
        pentries_cap = 0;
        for (i = 0; i < handles_cnt; i++) {
                /* The class table keeps plugin transforms for good: their
                 * code and strings must stay mapped. */
                if (!handles[i].reg->xcommitted)
                        dlclose(handles[i].handle);
                registry_free(handles[i].reg);
        }
        free(handles);
        handles = NULL;
        handles_cnt = handles_cap = 0;
}

/* --- built-ins --- */

int plugins_register_builtins(void)
{
        static char builtin_file[] = BUILTIN_FILE;
        static connectd_registry_t reg;
        int rc = 0;

        memset(&reg, 0, sizeof(reg));
        reg.file = builtin_file;
        reg.open = 1;
        if (filestream_plugin_init(&connectd_host, &reg) == -1) {
                LOG_ERROR(plog(), "Built-in FileStream connectors failed to "
                                  "initialise");
                rc = -1;
        }
        if (datagen_plugin_init(&connectd_host, &reg) == -1) {
                LOG_ERROR(plog(), "Built-in datagen connector failed to "
                                  "initialise");
                rc = -1;
        }
        reg.open = 0;
        commit_transforms(&reg);
        if (reg.refused)
                rc = -1;
        return rc;
}

/* --- loading shared objects --- */

/* 0 or -1 with errstr; *logged tells whether the reason was already logged
 * (descriptor refusals are logged one by one as they happen). */
static int load_file(const char *path, const char *scope, int *logged,
                     char *errstr, size_t errstr_size)
{
        connectd_registry_t *reg = NULL;
        connectd_plugin_init_fn init;
        size_t before = entries_cnt, pbefore = pentries_cnt, i;
        void *handle = NULL, *sym;
        const char *err;
        int rc = -1, init_rc;

        *logged = 0;
        if (handles_cnt == handles_cap) {
                size_t cap = handles_cap ? handles_cap * 2 : 16;
                loaded_t *p = realloc(handles, cap * sizeof(*p));
                if (!p) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out;
                }
                handles = p;
                handles_cap = cap;
        }

        if (!(reg = registry_new(path, scope))) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }

        dlerror();
        if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
                err = dlerror();
                snprintf(errstr, errstr_size, "cannot load: %s",
                         err ? err : "unknown dlopen error");
                goto out;
        }
        dlerror();
        sym = dlsym(handle, CONNECTD_PLUGIN_ENTRY);
        if (!sym) {
                snprintf(errstr, errstr_size,
                         "no %s entry point (not a connectd plugin?)",
                         CONNECTD_PLUGIN_ENTRY);
                goto out;
        }
        /* POSIX guarantees object <-> function pointer round trips for
         * dlsym; copy through memcpy to keep -Wpedantic quiet. */
        memcpy(&init, &sym, sizeof(init));

        reg->open = 1;
        init_rc = init(&connectd_host, reg);
        reg->open = 0;
        if (init_rc != 0) {
                truncate_entries(before);
                truncate_providers(pbefore);
                discard_transforms(reg);
                if (reg->refused) {
                        /* Typically `return register_connector(...)`: the
                         * refusal, already logged, is the reason. */
                        snprintf(errstr, errstr_size, "%s",
                                 reg->first_refusal);
                        *logged = 1;
                } else {
                        snprintf(errstr, errstr_size, "%s returned an error",
                                 CONNECTD_PLUGIN_ENTRY);
                }
                goto out;
        }
        if (entries_cnt == before && pentries_cnt == pbefore &&
            !reg->nxpending) {
                if (reg->refused) {
                        snprintf(errstr, errstr_size, "%s",
                                 reg->first_refusal);
                        *logged = 1;
                } else {
                        snprintf(errstr, errstr_size,
                                 "registered no connector, "
                                 "transformation, predicate or config "
                                 "provider class");
                }
                goto out;
        }
        commit_transforms(reg);

        for (i = before; i < entries_cnt; i++) {
                const connectd_connector_desc_t *d = &entries[i]->desc;
                LOG_INFO(plog(), "Loaded plugin %s: %s (%s, version %s)", path,
                         d->class_name, type_name(d->type),
                         d->version ? d->version : "undefined");
        }
        handles[handles_cnt].handle = handle;
        handles[handles_cnt].reg = reg;
        handles_cnt++;
        handle = NULL;
        reg = NULL;
        rc = 0;
out:
        if (handle)
                dlclose(handle);
        registry_free(reg);
        return rc;
}

int plugins_load_file(const char *path, char *errstr, size_t errstr_size)
{
        return plugins_load_scoped(path, NULL, errstr, errstr_size);
}

int plugins_load_scoped(const char *path, const char *scope, char *errstr,
                        size_t errstr_size)
{
        int logged, rc;

        pthread_mutex_lock(&load_lock);
        rc = load_file(path, scope, &logged, errstr, errstr_size);
        pthread_mutex_unlock(&load_lock);
        return rc;
}

static int has_so_suffix(const char *name)
{
        size_t n = strlen(name);
        return n > 3 && !strcmp(name + n - 3, ".so") && name[0] != '.';
}

static int is_dir(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct file_list {
        char **v;
        size_t cnt, cap;
        int overflow;
} file_list_t;

static int list_add(file_list_t *fl, const char *path)
{
        char *dup;

        if (fl->cnt >= PLUGINS_MAX_FILES) {
                fl->overflow = 1;
                return 0;
        }
        if (fl->cnt == fl->cap) {
                size_t cap = fl->cap ? fl->cap * 2 : 16;
                char **p = realloc(fl->v, cap * sizeof(*p));
                if (!p)
                        return -1;
                fl->v = p;
                fl->cap = cap;
        }
        if (!(dup = strdup(path)))
                return -1;
        fl->v[fl->cnt++] = dup;
        return 0;
}

static void list_free(file_list_t *fl)
{
        size_t i;

        for (i = 0; i < fl->cnt; i++)
                free(fl->v[i]);
        free(fl->v);
}

/* Collect *.so in dir, descending `depth` more levels into subdirectories.
 * Order does not matter here; the caller sorts. */
static int collect(file_list_t *fl, const char *dir, int depth)
{
        DIR *d;
        struct dirent *de;
        char path[4096];
        int rc = 0;

        if (!(d = opendir(dir))) {
                LOG_ERROR(plog(), "Cannot read plugin directory %s: %s", dir,
                          strerror(errno));
                return 0;
        }
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
                                     de->d_name) >= sizeof(path))
                        continue;
                if (has_so_suffix(de->d_name) && is_file(path)) {
                        if ((rc = list_add(fl, path)) == -1)
                                break;
                } else if (depth > 0 && is_dir(path)) {
                        if ((rc = collect(fl, path, depth - 1)) == -1)
                                break;
                }
        }
        closedir(d);
        return rc;
}

void plugins_set_allow_insecure(int allow)
{
        allow_insecure = allow;
}

/* Checks the resolved `path` and the directories above it, stopping before
 * `stop` (a resolved directory already checked; NULL: up to "/"). 0 when
 * only root or the worker's user can change them, -1 with the first
 * offending file and the reason in why. */
static int unsafe_chain(const char *path, const char *stop, char *why,
                        size_t why_size)
{
        char real[PATH_MAX], *slash;
        struct stat st;
        uid_t me = geteuid();
        mode_t w;

        if (!realpath(path, real)) {
                snprintf(why, why_size, "cannot resolve %s: %s", path,
                         strerror(errno));
                return -1;
        }
        for (;;) {
                if (stop && !strcmp(real, stop))
                        return 0;
                if (stat(real, &st) != 0) {
                        snprintf(why, why_size, "cannot stat %s: %s", real,
                                 strerror(errno));
                        return -1;
                }
                if (st.st_uid != 0 && st.st_uid != me) {
                        snprintf(why, why_size,
                                 "%s is owned by uid %u, neither root nor "
                                 "the worker's user (uid %u)",
                                 real, (unsigned)st.st_uid, (unsigned)me);
                        return -1;
                }
                w = st.st_mode & 022;
                if (w && !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX))) {
                        snprintf(why, why_size,
                                 "%s is writable by %s (mode %04o)", real,
                                 w == 022 ? "group and others" :
                                 w == 020 ? "group" : "others",
                                 (unsigned)(st.st_mode & 07777));
                        return -1;
                }
                if (!strcmp(real, "/"))
                        return 0;
                slash = strrchr(real, '/');
                if (slash == real)
                        slash[1] = '\0';
                else
                        *slash = '\0';
        }
}

/* A listed plugin file: the directories holding it (from its own up to
 * `entry`, the resolved plugin.path entry; NULL: up to "/"), then the file
 * it resolves to and the directories above that. */
static int unsafe_file(const char *path, const char *entry, char *why,
                       size_t why_size)
{
        char dir[PATH_MAX];
        const char *slash = strrchr(path, '/');

        if (slash) {
                size_t n = slash == path ? 1 : (size_t)(slash - path);

                if (n >= sizeof(dir)) {
                        snprintf(why, why_size, "path too long");
                        return -1;
                }
                memcpy(dir, path, n);
                dir[n] = '\0';
        } else {
                snprintf(dir, sizeof(dir), ".");
        }
        if (unsafe_chain(dir, entry, why, why_size))
                return -1;
        return unsafe_chain(path, entry, why, why_size);
}

/* 1 when `what` (an entry or a file) may be used: safe, or unsafe and
 * allowed (warned); 0 refused (logged). */
static int permitted(const char *kind, const char *name, int unsafe,
                     const char *why)
{
        if (!unsafe)
                return 1;
        if (allow_insecure) {
                LOG_WARN(plog(), "Using %s %s although %s "
                         "(plugin.path.allow.insecure=true)",
                         kind, name, why);
                return 1;
        }
        LOG_ERROR(plog(), "Refusing %s %s: %s; only root and the worker's "
                  "user may be able to change plugin code (fix the owner or "
                  "mode, or set plugin.path.allow.insecure=true)",
                  kind, name, why);
        return 0;
}

static void load_logged(const char *path, int *loaded)
{
        char errstr[1024];
        int logged, rc;

        pthread_mutex_lock(&load_lock);
        rc = load_file(path, NULL, &logged, errstr, sizeof(errstr));
        pthread_mutex_unlock(&load_lock);
        if (rc == 0)
                (*loaded)++;
        else if (!logged)
                LOG_ERROR(plog(), "Skipping plugin %s: %s", path, errstr);
}

int plugins_load_path(const char *plugin_path)
{
        char *copy = NULL, *tok, *save = NULL;
        char why[PATH_MAX + 256], entry[PATH_MAX];
        int loaded = 0;

        if (!plugin_path || !*plugin_path)
                return 0;
        if (!(copy = strdup(plugin_path))) {
                LOG_ERROR(plog(), "Cannot load plugin.path: out of memory");
                return 0;
        }
        for (tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                file_list_t fl = {0};
                char *end;
                size_t i;

                while (*tok == ' ' || *tok == '\t')
                        tok++;
                end = tok + strlen(tok);
                while (end > tok && (end[-1] == ' ' || end[-1] == '\t' ||
                                     end[-1] == '/'))
                        *--end = '\0';
                if (!*tok)
                        continue;

                if (is_file(tok)) { /* a single .so named directly */
                        if (permitted("plugin", tok,
                                      unsafe_file(tok, NULL, why,
                                                  sizeof(why)),
                                      why))
                                load_logged(tok, &loaded);
                        continue;
                }
                if (!is_dir(tok)) {
                        LOG_ERROR(plog(), "Plugin path entry %s is not a "
                                          "directory; skipping it",
                                  tok);
                        continue;
                }
                if (!permitted("plugin.path entry", tok,
                               unsafe_chain(tok, NULL, why, sizeof(why)),
                               why) ||
                    !realpath(tok, entry))
                        continue;
                if (collect(&fl, tok, 1) == -1)
                        LOG_ERROR(plog(), "Scanning %s: out of memory", tok);
                if (fl.overflow)
                        LOG_ERROR(plog(), "More than %d plugin files under "
                                          "%s; the rest are ignored",
                                  PLUGINS_MAX_FILES, tok);
                if (fl.cnt)
                        qsort(fl.v, fl.cnt, sizeof(*fl.v), cmp_str);
                for (i = 0; i < fl.cnt; i++)
                        if (permitted("plugin", fl.v[i],
                                      unsafe_file(fl.v[i], entry, why,
                                                  sizeof(why)),
                                      why))
                                load_logged(fl.v[i], &loaded);
                list_free(&fl);
        }
        free(copy);
        return loaded;
}
