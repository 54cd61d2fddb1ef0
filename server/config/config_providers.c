/*
 * config_providers — Kafka's ConfigTransformer and its built-in providers.
 *
 * A reference is found the way Java's pattern
 *   \$\{([^}]*?):(([^}]*?):)?([^}]*?)\}
 * finds it: after "${" the provider runs to the first ':', the path to the
 * next ':' before the first '}', the key to that '}'. No part holds '}', a
 * key may hold ':'. An empty path is the same as no path. Lookups are
 * batched, one provider call per (provider, path) with the set of keys; a
 * reference is replaced only when its provider is configured and returned
 * the key.
 */
#include "config_providers.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfgmap.h"
#include "config.h"
#include "jregex.h"
#include "log.h"

LOG_MODULE_LOGGER(lg, "connectd.config.provider")

/* Ceiling on one file a DirectoryConfigProvider reads. */
#define DIR_FILE_MAX_BYTES (16u * 1024 * 1024)

#define PROVIDER_PKG "org.apache.kafka.common.config.provider."

extern char **environ;

typedef enum {
        PROV_FILE = 0,
        PROV_DIRECTORY,
        PROV_ENVVAR,
        PROV_PLUGIN
} prov_type_t;

typedef struct provider {
        char *name;
        prov_type_t type;
        /* File/Directory: normalized allowed.paths (NULL: all allowed). */
        char **allowed;
        size_t n_allowed;
        /* EnvVar: environment snapshot and allowlist.pattern. */
        json_t *env;
        jregex_t *re;           /* NULL: every name allowed */
        /* Plugin: its descriptor and state. */
        const connectd_config_provider_desc_t *pd;
        void *pstate;
        int configured;
} provider_t;

struct cfg_providers {
        provider_t *v;
        size_t n;
};

static void seterr(char *errstr, size_t errstr_size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void seterr(char *errstr, size_t errstr_size, const char *fmt, ...)
{
        va_list ap;

        if (!errstr || !errstr_size)
                return;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
}

/* ======================================================================
 * Paths (java.nio.file.Path#normalize and #startsWith, Unix flavour)
 * ====================================================================== */

/* Lexical normalization: "." dropped, "name/.." folded, repeated and
 * trailing slashes dropped; ".." right after the root is dropped, leading
 * ".." of a relative path kept. Returns a malloc'd string. */
static char *path_normalize(const char *p)
{
        size_t len = strlen(p);
        char *copy = strdup(p);
        const char **parts = calloc(len / 2 + 2, sizeof(*parts));
        size_t np = 0, i;
        int absolute = p[0] == '/';
        char *out = NULL, *save = NULL, *tok;
        size_t pos = 0;

        if (!copy || !parts)
                goto cleanup;
        for (tok = strtok_r(copy, "/", &save); tok;
             tok = strtok_r(NULL, "/", &save)) {
                if (strcmp(tok, ".") == 0)
                        continue;
                if (strcmp(tok, "..") == 0) {
                        if (np > 0 && strcmp(parts[np - 1], "..") != 0) {
                                np--;
                                continue;
                        }
                        if (absolute)
                                continue;
                }
                parts[np++] = tok;
        }
        out = malloc(len + 2);
        if (!out)
                goto cleanup;
        if (absolute)
                out[pos++] = '/';
        for (i = 0; i < np; i++) {
                size_t l = strlen(parts[i]);

                if (i > 0)
                        out[pos++] = '/';
                memcpy(out + pos, parts[i], l);
                pos += l;
        }
        out[pos] = '\0';
cleanup:
        free(parts);
        free(copy);
        return out;
}

/* Path#startsWith on normalized paths: whole components only. */
static int path_starts_with(const char *path, const char *prefix)
{
        size_t l = strlen(prefix);

        if (strcmp(prefix, "/") == 0)
                return path[0] == '/';
        if (strncmp(path, prefix, l) != 0)
                return 0;
        return path[l] == '\0' || path[l] == '/';
}

static void free_strv(char **v, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

/* allowed.paths: comma list of absolute, existing paths. */
static int parse_allowed_paths(provider_t *p, const char *value,
                               char *errstr, size_t errstr_size)
{
        char *copy = NULL, *save = NULL, *tok;
        int rc = -1;

        if (!value || !*value)
                return 0;
        copy = strdup(value);
        p->allowed = calloc(strlen(value) + 1, sizeof(*p->allowed));
        if (!copy || !p->allowed) {
                seterr(errstr, errstr_size, "out of memory");
                goto cleanup;
        }
        for (tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                char *end = tok + strlen(tok);
                char *norm;
                struct stat st;

                while (*tok == ' ' || *tok == '\t')
                        tok++;
                while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
                        *--end = '\0';
                norm = path_normalize(tok);
                if (!norm) {
                        seterr(errstr, errstr_size, "out of memory");
                        goto cleanup;
                }
                if (norm[0] != '/') {
                        seterr(errstr, errstr_size,
                               "Path %s is not absolute", norm);
                        free(norm);
                        goto cleanup;
                }
                if (stat(norm, &st) != 0) {
                        seterr(errstr, errstr_size,
                               "Path %s does not exist", norm);
                        free(norm);
                        goto cleanup;
                }
                p->allowed[p->n_allowed++] = norm;
        }
        rc = 0;
cleanup:
        free(copy);
        return rc;
}

/* The path to read, or NULL (with a warning) when allowed.paths rules it
 * out. Malloc'd. */
static char *allowed_path(const provider_t *p, const char *path)
{
        char *norm;
        size_t i;

        if (!p->allowed)
                return strdup(path);
        norm = path_normalize(path);
        if (!norm)
                return NULL;
        for (i = 0; i < p->n_allowed; i++)
                if (path_starts_with(norm, p->allowed[i]))
                        return norm;
        LOG_WARN(lg(), "The path %s is not allowed to be accessed by the "
                 "config provider %s", path, p->name);
        free(norm);
        return NULL;
}

/* ======================================================================
 * Providers
 * ====================================================================== */

/* get(path, keys): a new object of the keys found, or NULL with errstr. */
static json_t *file_get(const provider_t *p, const char *path,
                        const json_t *keys, char *errstr, size_t errstr_size)
{
        json_t *data = json_object(), *props = NULL;
        char *real = NULL;
        char perr[256];
        const char *key;
        json_t *unused;

        if (!data)
                goto oom;
        if (!*path)
                return data;
        real = allowed_path(p, path);
        if (!real)
                return data;
        props = props_parse_file(real, perr, sizeof(perr));
        if (!props) {
                seterr(errstr, errstr_size,
                       "Could not read properties from file %s", path);
                goto fail;
        }
        json_object_foreach((json_t *)keys, key, unused) {
                json_t *v = json_object_get(props, key);

                (void)unused;
                if (json_is_string(v) &&
                    json_object_set(data, key, v) != 0)
                        goto oom;
        }
        json_decref(props);
        free(real);
        return data;
oom:
        seterr(errstr, errstr_size, "out of memory");
fail:
        json_decref(props);
        json_decref(data);
        free(real);
        return NULL;
}

/* The whole file as a JSON string, or NULL. */
static json_t *read_whole(const char *path)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t n = 0, cap = 0;
        json_t *s = NULL;

        if (!f)
                return NULL;
        for (;;) {
                size_t got;

                if (n == cap) {
                        char *nb;

                        if (cap >= DIR_FILE_MAX_BYTES)
                                goto cleanup;
                        cap = cap ? cap * 2 : 4096;
                        nb = realloc(buf, cap);
                        if (!nb)
                                goto cleanup;
                        buf = nb;
                }
                got = fread(buf + n, 1, cap - n, f);
                n += got;
                if (got == 0) {
                        if (ferror(f))
                                goto cleanup;
                        break;
                }
        }
        s = json_stringn(buf ? buf : "", n);
cleanup:
        free(buf);
        fclose(f);
        return s;
}

static json_t *dir_get(const provider_t *p, const char *path,
                       const json_t *keys, char *errstr, size_t errstr_size)
{
        json_t *data = json_object();
        char *dir = NULL, *file = NULL;
        DIR *d = NULL;
        struct stat st;
        const char *key;
        json_t *unused;

        if (!data)
                goto oom;
        if (!*path)
                return data;
        dir = allowed_path(p, path);
        if (!dir)
                return data;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
                LOG_WARN(lg(), "The path %s is not a directory", path);
                free(dir);
                return data;
        }
        d = opendir(dir);
        if (!d) {
                seterr(errstr, errstr_size, "Could not list directory %s",
                       dir);
                goto fail;
        }
        json_object_foreach((json_t *)keys, key, unused) {
                json_t *v;

                (void)unused;
                /* Only names a directory listing can give. */
                if (!*key || strchr(key, '/') || strcmp(key, ".") == 0 ||
                    strcmp(key, "..") == 0)
                        continue;
                free(file);
                if (asprintf(&file, "%s%s%s", dir,
                             dir[strlen(dir) - 1] == '/' ? "" : "/",
                             key) < 0) {
                        file = NULL;
                        goto oom;
                }
                if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
                        continue;
                v = read_whole(file);
                if (!v) {
                        seterr(errstr, errstr_size,
                               "Could not read file %s for property %s",
                               file, key);
                        goto fail;
                }
                if (json_object_set_new(data, key, v) != 0)
                        goto oom;
        }
        closedir(d);
        free(file);
        free(dir);
        return data;
oom:
        seterr(errstr, errstr_size, "out of memory");
fail:
        if (d)
                closedir(d);
        free(file);
        free(dir);
        json_decref(data);
        return NULL;
}

static int env_allowed(const provider_t *p, const char *name)
{
        return !p->re || jregex_matches(p->re, name, strlen(name));
}

static json_t *env_get(const provider_t *p, const char *path,
                       const json_t *keys, char *errstr, size_t errstr_size)
{
        json_t *data;
        const char *key;
        json_t *unused;

        if (*path) {
                LOG_ERROR(lg(), "Path is not supported for "
                          "EnvVarConfigProvider, invalid value '%s'", path);
                seterr(errstr, errstr_size,
                       "Path is not supported for EnvVarConfigProvider, "
                       "invalid value '%s'", path);
                return NULL;
        }
        data = json_object();
        if (!data)
                goto oom;
        json_object_foreach((json_t *)keys, key, unused) {
                json_t *v = json_object_get(p->env, key);

                (void)unused;
                if (v && env_allowed(p, key) &&
                    json_object_set(data, key, v) != 0)
                        goto oom;
        }
        return data;
oom:
        json_decref(data);
        seterr(errstr, errstr_size, "out of memory");
        return NULL;
}

/* A provider plugin's get: keys as an array, answers filtered to the keys
 * asked for with string values. */
static json_t *plugin_get(const provider_t *p, const char *path,
                          const json_t *keys, char *errstr,
                          size_t errstr_size)
{
        size_t n = json_object_size(keys), i = 0;
        const char **kv = calloc(n ? n : 1, sizeof(*kv));
        json_t *out = json_object(), *data = json_object(), *v;
        const char *k;

        if (!kv || !out || !data) {
                seterr(errstr, errstr_size, "out of memory");
                goto fail;
        }
        json_object_foreach((json_t *)keys, k, v) {
                (void)v;
                kv[i++] = k;
        }
        errstr[0] = '\0';
        if (p->pd->get(p->pstate, path, kv, n, (connectd_config_t *)out,
                       errstr, errstr_size)) {
                if (!errstr[0])
                        seterr(errstr, errstr_size,
                               "Config provider %s failed for path '%s'",
                               p->name, path);
                goto fail;
        }
        json_object_foreach(out, k, v) {
                if (json_is_string(v) && json_object_get(keys, k))
                        json_object_set(data, k, v);
        }
        free(kv);
        json_decref(out);
        return data;
fail:
        free(kv);
        json_decref(out);
        json_decref(data);
        return NULL;
}

static json_t *provider_get(const provider_t *p, const char *path,
                            const json_t *keys, char *errstr,
                            size_t errstr_size)
{
        switch (p->type) {
        case PROV_FILE:
                return file_get(p, path, keys, errstr, errstr_size);
        case PROV_DIRECTORY:
                return dir_get(p, path, keys, errstr, errstr_size);
        case PROV_ENVVAR:
                return env_get(p, path, keys, errstr, errstr_size);
        case PROV_PLUGIN:
                return plugin_get(p, path, keys, errstr, errstr_size);
        }
        return NULL;
}

/* ======================================================================
 * Construction
 * ====================================================================== */

static const struct {
        const char *simple;
        prov_type_t type;
} CLASSES[] = {
        { "FileConfigProvider", PROV_FILE },
        { "DirectoryConfigProvider", PROV_DIRECTORY },
        { "EnvVarConfigProvider", PROV_ENVVAR },
};

static int class_lookup(const char *cls, prov_type_t *out)
{
        size_t i, pl = strlen(PROVIDER_PKG);

        for (i = 0; i < sizeof(CLASSES) / sizeof(CLASSES[0]); i++) {
                const char *s = CLASSES[i].simple;
                size_t sl = strlen(s) - strlen("ConfigProvider");

                if (strcmp(cls, s) == 0 ||
                    (strncmp(cls, PROVIDER_PKG, pl) == 0 &&
                     strcmp(cls + pl, s) == 0) ||
                    (strlen(cls) == sl && strncmp(cls, s, sl) == 0)) {
                        *out = CLASSES[i].type;
                        return 0;
                }
        }
        return -1;
}

static json_t *env_snapshot(void)
{
        json_t *env = json_object();
        char **e;

        if (!env)
                return NULL;
        for (e = environ; e && *e; e++) {
                const char *eq = strchr(*e, '=');
                char *name;
                json_t *v;

                if (!eq || eq == *e)
                        continue;
                name = strndup(*e, (size_t)(eq - *e));
                v = json_string(eq + 1);
                /* Not UTF-8: left out rather than failing the worker. */
                if (name && v)
                        json_object_set(env, name, v);
                json_decref(v);
                free(name);
        }
        return env;
}

static void provider_clear(provider_t *p)
{
        free(p->name);
        free_strv(p->allowed, p->n_allowed);
        json_decref(p->env);
        jregex_free(p->re);
        if (p->pd && p->configured && p->pd->close)
                p->pd->close(p->pstate);
        memset(p, 0, sizeof(*p));
}

/* Set once by the worker before it builds its providers. */
static cfg_provider_lookup_fn plugin_lookup;

void cfg_providers_set_plugin_lookup(cfg_provider_lookup_fn fn)
{
        plugin_lookup = fn;
}

/* A provider plugin: configure with the name's param.* keys. */
static int plugin_init(provider_t *p, const json_t *worker_props,
                       char *errstr, size_t errstr_size)
{
        char pre[512];
        size_t plen;
        json_t *params = json_object(), *v;
        const char *k;
        int rc;

        snprintf(pre, sizeof(pre), "config.providers.%s.param.", p->name);
        plen = strlen(pre);
        if (!params) {
                seterr(errstr, errstr_size, "out of memory");
                return -1;
        }
        json_object_foreach((json_t *)worker_props, k, v) {
                if (!strncmp(k, pre, plen) && k[plen] && json_is_string(v))
                        json_object_set(params, k + plen, v);
        }
        errstr[0] = '\0';
        rc = p->pd->configure ?
                p->pd->configure(cfgmap_of(params), &p->pstate, errstr,
                                 errstr_size) : 0;
        json_decref(params);
        if (rc) {
                if (!errstr[0])
                        seterr(errstr, errstr_size,
                               "Config provider %s (%s) failed to configure",
                               p->name, p->pd->class_name);
                return -1;
        }
        p->configured = 1;
        return 0;
}

static int provider_init(provider_t *p, const char *name,
                         const json_t *worker_props, int skip_plugins,
                         char *errstr, size_t errstr_size)
{
        char key[512];
        const char *cls, *v;

        snprintf(key, sizeof(key), "config.providers.%s.class", name);
        cls = json_string_value(json_object_get(worker_props, key));
        if (!cls)
                return 1; /* no class: ignored */
        p->name = strdup(name);
        if (!p->name) {
                seterr(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (class_lookup(cls, &p->type) != 0 && plugin_lookup &&
            (p->pd = plugin_lookup(cls)) != NULL) {
                p->type = PROV_PLUGIN;
                return plugin_init(p, worker_props, errstr, errstr_size);
        }
        if (p->type != PROV_PLUGIN && class_lookup(cls, &p->type) != 0 &&
            skip_plugins) {
                /* Plugins are not loaded yet (the worker file resolving
                 * itself): names of other classes stay unresolved. */
                free(p->name);
                p->name = NULL;
                return 1;
        }
        if (class_lookup(cls, &p->type) != 0) {
                seterr(errstr, errstr_size,
                       "Invalid value %s for configuration %s: Class %s "
                       "could not be found.", cls, key, cls);
                return -1;
        }
        if (p->type == PROV_ENVVAR) {
                snprintf(key, sizeof(key),
                         "config.providers.%s.param.allowlist.pattern", name);
                v = json_string_value(json_object_get(worker_props, key));
                if (v) {
                        char msg[1024];

                        /* Java's Pattern, matched whole (matches()). */
                        p->re = jregex_compile(v, msg, sizeof(msg));
                        if (!p->re) {
                                seterr(errstr, errstr_size,
                                       "Invalid value %s for configuration "
                                       "%s: %s", v, key, msg);
                                return -1;
                        }
                }
                p->env = env_snapshot();
                if (!p->env) {
                        seterr(errstr, errstr_size, "out of memory");
                        return -1;
                }
                return 0;
        }
        snprintf(key, sizeof(key), "config.providers.%s.param.allowed.paths",
                 name);
        v = json_string_value(json_object_get(worker_props, key));
        return parse_allowed_paths(p, v, errstr, errstr_size);
}

static cfg_providers_t *providers_new(const json_t *worker_props,
                                      int skip_plugins, char *errstr,
                                      size_t errstr_size)
{
        cfg_providers_t *cp = calloc(1, sizeof(*cp));
        const char *list = json_string_value(
                json_object_get(worker_props, "config.providers"));
        char *copy = NULL, *save = NULL, *tok;

        if (!cp) {
                seterr(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (!list || !*list)
                return cp;
        copy = strdup(list);
        cp->v = calloc(strlen(list) + 1, sizeof(*cp->v));
        if (!copy || !cp->v) {
                seterr(errstr, errstr_size, "out of memory");
                goto fail;
        }
        for (tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                char *end = tok + strlen(tok);
                size_t i;
                int dup = 0, rc;

                while (*tok == ' ' || *tok == '\t')
                        tok++;
                while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
                        *--end = '\0';
                if (!*tok)
                        continue;
                for (i = 0; i < cp->n; i++)
                        if (strcmp(cp->v[i].name, tok) == 0)
                                dup = 1;
                if (dup)
                        continue;
                rc = provider_init(&cp->v[cp->n], tok, worker_props,
                                   skip_plugins, errstr, errstr_size);
                if (rc < 0) {
                        provider_clear(&cp->v[cp->n]);
                        goto fail;
                }
                if (rc == 0)
                        cp->n++;
        }
        free(copy);
        return cp;
fail:
        free(copy);
        cfg_providers_free(cp);
        return NULL;
}

cfg_providers_t *cfg_providers_new(const json_t *worker_props, char *errstr,
                                   size_t errstr_size)
{
        return providers_new(worker_props, 0, errstr, errstr_size);
}

void cfg_providers_free(cfg_providers_t *cp)
{
        size_t i;

        if (!cp)
                return;
        for (i = 0; i < cp->n; i++)
                provider_clear(&cp->v[i]);
        free(cp->v);
        free(cp);
}

size_t cfg_providers_count(const cfg_providers_t *cp)
{
        return cp ? cp->n : 0;
}

static const provider_t *provider_find(const cfg_providers_t *cp,
                                       const char *name, size_t len)
{
        size_t i;

        for (i = 0; cp && i < cp->n; i++)
                if (strlen(cp->v[i].name) == len &&
                    memcmp(cp->v[i].name, name, len) == 0)
                        return &cp->v[i];
        return NULL;
}

/* ======================================================================
 * References
 * ====================================================================== */

typedef struct ref {
        size_t start, end;          /* [start, end) of the whole "${..}" */
        size_t prov, prov_len;
        size_t path, path_len;      /* path_len 0: no path */
        size_t key, key_len;
} ref_t;

/* The next reference at or after `from`, as Matcher#find gives it. */
static int ref_find(const char *s, size_t n, size_t from, ref_t *r)
{
        size_t i, j, colon, close, k;

        for (i = from; i + 1 < n; i++) {
                if (s[i] != '$' || s[i + 1] != '{')
                        continue;
                for (j = i + 2; j < n && s[j] != ':' && s[j] != '}'; j++)
                        ;
                if (j >= n)
                        return 0; /* no ":" or "}" left: no match */
                if (s[j] == '}') {
                        /* Every "${" before j stops at the same "}". */
                        i = j;
                        continue;
                }
                colon = j;
                for (close = colon + 1; close < n && s[close] != '}'; close++)
                        ;
                if (close >= n)
                        return 0; /* no '}' left: nothing further matches */
                r->start = i;
                r->end = close + 1;
                r->prov = i + 2;
                r->prov_len = colon - (i + 2);
                for (k = colon + 1; k < close && s[k] != ':'; k++)
                        ;
                if (k < close) {
                        r->path = colon + 1;
                        r->path_len = k - (colon + 1);
                        r->key = k + 1;
                } else {
                        r->path = colon + 1;
                        r->path_len = 0;
                        r->key = colon + 1;
                }
                r->key_len = close - r->key;
                return 1;
        }
        return 0;
}

int cfg_providers_has_reference(const char *value)
{
        ref_t r;

        return value && ref_find(value, strlen(value), 0, &r);
}

/* lookups[provider][path] = {key: true} (collect) or the data (resolved). */
static int collect(const cfg_providers_t *cp, const char *s, size_t n,
                   json_t *lookups)
{
        size_t pos = 0;
        ref_t r;

        while (ref_find(s, n, pos, &r)) {
                const provider_t *p = provider_find(cp, s + r.prov,
                                                    r.prov_len);
                json_t *by_path, *keys;
                char *path = NULL, *key = NULL;
                int rc = -1;

                pos = r.end;
                if (!p)
                        continue;
                path = strndup(s + r.path, r.path_len);
                key = strndup(s + r.key, r.key_len);
                if (!path || !key)
                        goto next;
                by_path = json_object_get(lookups, p->name);
                if (!by_path) {
                        by_path = json_object();
                        if (json_object_set_new(lookups, p->name, by_path))
                                goto next;
                }
                keys = json_object_get(by_path, path);
                if (!keys) {
                        keys = json_object();
                        if (json_object_set_new(by_path, path, keys))
                                goto next;
                }
                rc = json_object_set_new(keys, key, json_true());
next:
                free(path);
                free(key);
                if (rc != 0)
                        return -1;
        }
        return 0;
}

static json_t *replace(const cfg_providers_t *cp, const char *s, size_t n,
                       const json_t *lookups)
{
        char *out = NULL;
        size_t outlen = 0;
        FILE *f = open_memstream(&out, &outlen);
        size_t pos = 0, copied = 0;
        json_t *res = NULL;
        ref_t r;

        if (!f)
                return NULL;
        while (ref_find(s, n, pos, &r)) {
                const provider_t *p = provider_find(cp, s + r.prov,
                                                    r.prov_len);
                char *path, *key;
                json_t *v = NULL;

                pos = r.end;
                if (!p)
                        continue;
                path = strndup(s + r.path, r.path_len);
                key = strndup(s + r.key, r.key_len);
                if (path && key)
                        v = json_object_get(json_object_get(
                                json_object_get(lookups, p->name), path),
                                key);
                free(path);
                free(key);
                if (!json_is_string(v))
                        continue; /* stays as written */
                fwrite(s + copied, 1, r.start - copied, f);
                fwrite(json_string_value(v), 1, json_string_length(v), f);
                copied = r.end;
        }
        fwrite(s + copied, 1, n - copied, f);
        if (fclose(f) == 0)
                res = json_stringn(out, outlen);
        free(out);
        return res;
}

json_t *cfg_providers_resolve(const cfg_providers_t *cp, const json_t *config,
                              char *errstr, size_t errstr_size)
{
        json_t *lookups = json_object(), *out = json_object();
        const char *k;
        json_t *v;

        if (!lookups || !out || !json_is_object(config)) {
                seterr(errstr, errstr_size, out && lookups ?
                       "config is not an object" : "out of memory");
                goto fail;
        }
        json_object_foreach((json_t *)config, k, v) {
                if (json_is_string(v) &&
                    collect(cp, json_string_value(v), json_string_length(v),
                            lookups) != 0) {
                        seterr(errstr, errstr_size, "out of memory");
                        goto fail;
                }
        }
        json_object_foreach(lookups, k, v) {
                const provider_t *p = provider_find(cp, k, strlen(k));
                const char *path;
                json_t *keys;

                json_object_foreach(v, path, keys) {
                        json_t *data = provider_get(p, path, keys, errstr,
                                                    errstr_size);

                        if (!data)
                                goto fail;
                        /* Replacing the value under the key being visited
                         * is allowed by jansson's iteration. */
                        if (json_object_set_new(v, path, data) != 0) {
                                seterr(errstr, errstr_size, "out of memory");
                                goto fail;
                        }
                }
        }
        json_object_foreach((json_t *)config, k, v) {
                json_t *nv = json_is_string(v) ?
                        replace(cp, json_string_value(v),
                                json_string_length(v), lookups) :
                        json_incref(v);

                if (!nv || json_object_set_new(out, k, nv) != 0) {
                        seterr(errstr, errstr_size, "out of memory");
                        goto fail;
                }
        }
        json_decref(lookups);
        return out;
fail:
        json_decref(lookups);
        json_decref(out);
        return NULL;
}

void cfg_providers_reverse(const json_t *raw_conn_config, json_t *task_config)
{
        const char *k;
        json_t *v;

        if (!json_is_object(raw_conn_config) || !json_is_object(task_config))
                return;
        json_object_foreach((json_t *)raw_conn_config, k, v) {
                if (json_is_string(v) &&
                    cfg_providers_has_reference(json_string_value(v)) &&
                    json_object_get(task_config, k))
                        json_object_set(task_config, k, v);
        }
}

json_t *cfg_providers_resolve_worker(const json_t *worker_props, char *errstr,
                                     size_t errstr_size)
{
        cfg_providers_t *cp = providers_new(worker_props, 1, errstr,
                                            errstr_size);
        json_t *out;

        if (!cp)
                return NULL;
        out = cfg_providers_resolve(cp, worker_props, errstr, errstr_size);
        cfg_providers_free(cp);
        return out;
}

/* Written once on the main thread before the herder starts, read by every
 * thread after: no lock needed for the pointer itself. */
static cfg_providers_t *worker_providers;

void cfg_providers_set_worker(cfg_providers_t *cp)
{
        cfg_providers_t *old = worker_providers;

        worker_providers = cp;
        cfg_providers_free(old);
}

const cfg_providers_t *cfg_providers_worker(void)
{
        return worker_providers;
}

void cfg_providers_unresolve_infos(json_t *config_infos,
                                   const json_t *raw_config)
{
        json_t *configs = json_object_get(config_infos, "configs"), *ci;
        size_t i;

        json_array_foreach(configs, i, ci) {
                json_t *val = json_object_get(ci, "value");
                const char *name = json_string_value(
                        json_object_get(val, "name"));
                json_t *raw = name ? json_object_get(raw_config, name) : NULL;

                if (json_is_string(raw) &&
                    cfg_providers_has_reference(json_string_value(raw)))
                        json_object_set(val, "value", raw);
        }
}
