/*
 * faker_data — the ruby-faker locale tree.
 *
 * DESIGN
 * Owns one merged tree of `en.yml` and `en/ *.yml` under `en: faker:` per
 * locales directory. The directory comes from $CONNECTD_FAKER_LOCALES or the
 * glob of Debian's ruby-faker gem; the data is never copied into our tree.
 * Everything is loaded on first use (measured: ~200 files in well under a
 * second on the bench machine, see bench/RESULTS.md) and then never changes,
 * so tasks on any thread read it without locks. A file libyaml rejects (a
 * few ruby files hold tab characters) is skipped and counted; only the seed
 * files matter and they parse. Trees are kept until the process exits.
 *
 * @locality any thread; loading is serialised by a mutex.
 */
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "datagen_int.h"
#include "faker_int.h"

#define DEFAULT_GLOB \
        "/usr/share/rubygems-integration/all/gems/faker-*/lib/locales"
#define MAX_DEPTH 32

struct faker_data {
        char *dir;
        ynode_t *root;    /* the map under en: faker: */
        double load_ms;
        int files;
        int skipped;
        struct faker_data *next;
};

static pthread_mutex_t data_lock = PTHREAD_MUTEX_INITIALIZER;
static struct faker_data *loaded; /* kept for the life of the process */

static ynode_t *ynode_new(int type)
{
        ynode_t *n = calloc(1, sizeof(*n));
        if (n)
                n->type = type;
        return n;
}

static void ynode_free(ynode_t *n)
{
        if (!n)
                return;
        for (size_t i = 0; i < n->n; i++) {
                if (n->keys)
                        free(n->keys[i]);
                ynode_free(n->kids[i]);
        }
        free(n->keys);
        free(n->kids);
        free(n->str);
        free(n);
}

static int ynode_add(ynode_t *n, char *key, ynode_t *kid)
{
        if (n->n == n->cap) {
                size_t cap = n->cap ? n->cap * 2 : 4;
                ynode_t **k = realloc(n->kids, cap * sizeof(*k));
                if (!k)
                        return -1;
                n->kids = k;
                if (n->type == Y_MAP) {
                        char **ks = realloc(n->keys, cap * sizeof(*ks));
                        if (!ks)
                                return -1;
                        n->keys = ks;
                }
                n->cap = cap;
        }
        if (n->type == Y_MAP)
                n->keys[n->n] = key;
        n->kids[n->n++] = kid;
        return 0;
}

const ynode_t *ynode_get(const ynode_t *n, const char *key, size_t klen)
{
        if (!n || n->type != Y_MAP)
                return NULL;
        for (size_t i = 0; i < n->n; i++)
                if (strlen(n->keys[i]) == klen &&
                    !memcmp(n->keys[i], key, klen))
                        return n->kids[i];
        return NULL;
}

/* Recursive descent over libyaml events. Returns the node or NULL. */
static ynode_t *parse_node(yaml_parser_t *p, yaml_event_t *ev, int depth)
{
        ynode_t *n = NULL;
        yaml_event_t e;

        if (depth > MAX_DEPTH)
                return NULL;
        switch (ev->type) {
        case YAML_SCALAR_EVENT:
                n = ynode_new(Y_STR);
                if (!n)
                        return NULL;
                n->len = ev->data.scalar.length;
                n->str = malloc(n->len + 1);
                if (!n->str) {
                        free(n);
                        return NULL;
                }
                memcpy(n->str, ev->data.scalar.value, n->len);
                n->str[n->len] = '\0';
                return n;
        case YAML_ALIAS_EVENT:
                return ynode_new(Y_STR); /* not used by the en data */
        case YAML_SEQUENCE_START_EVENT:
                n = ynode_new(Y_SEQ);
                if (!n)
                        return NULL;
                for (;;) {
                        if (!yaml_parser_parse(p, &e))
                                goto fail;
                        if (e.type == YAML_SEQUENCE_END_EVENT) {
                                yaml_event_delete(&e);
                                return n;
                        }
                        ynode_t *kid = parse_node(p, &e, depth + 1);
                        yaml_event_delete(&e);
                        if (!kid || ynode_add(n, NULL, kid)) {
                                ynode_free(kid);
                                goto fail;
                        }
                }
        case YAML_MAPPING_START_EVENT:
                n = ynode_new(Y_MAP);
                if (!n)
                        return NULL;
                for (;;) {
                        if (!yaml_parser_parse(p, &e))
                                goto fail;
                        if (e.type == YAML_MAPPING_END_EVENT) {
                                yaml_event_delete(&e);
                                return n;
                        }
                        if (e.type != YAML_SCALAR_EVENT) {
                                yaml_event_delete(&e);
                                goto fail;
                        }
                        char *key = strndup((const char *)e.data.scalar.value,
                                            e.data.scalar.length);
                        yaml_event_delete(&e);
                        if (!key)
                                goto fail;
                        if (!yaml_parser_parse(p, &e)) {
                                free(key);
                                goto fail;
                        }
                        ynode_t *kid = parse_node(p, &e, depth + 1);
                        yaml_event_delete(&e);
                        if (!kid || ynode_add(n, key, kid)) {
                                free(key);
                                ynode_free(kid);
                                goto fail;
                        }
                }
        default:
                return NULL;
        }
fail:
        ynode_free(n);
        return NULL;
}

static ynode_t *parse_file(const char *path)
{
        FILE *fp = fopen(path, "rb");
        yaml_parser_t p;
        yaml_event_t e;
        ynode_t *doc = NULL;

        if (!fp)
                return NULL;
        if (!yaml_parser_initialize(&p)) {
                fclose(fp);
                return NULL;
        }
        yaml_parser_set_input_file(&p, fp);
        for (;;) {
                if (!yaml_parser_parse(&p, &e))
                        break;
                yaml_event_type_t t = e.type;
                if (t == YAML_MAPPING_START_EVENT ||
                    t == YAML_SEQUENCE_START_EVENT || t == YAML_SCALAR_EVENT) {
                        doc = parse_node(&p, &e, 0);
                        yaml_event_delete(&e);
                        break;
                }
                yaml_event_delete(&e);
                if (t == YAML_STREAM_END_EVENT)
                        break;
        }
        yaml_parser_delete(&p);
        fclose(fp);
        return doc;
}

/* Merge src into dst (both maps); src's nodes are moved. */
static void merge(ynode_t *dst, ynode_t *src)
{
        for (size_t i = 0; i < src->n; i++) {
                char *k = src->keys[i];
                ynode_t *v = src->kids[i];
                size_t j;
                for (j = 0; j < dst->n; j++)
                        if (!strcmp(dst->keys[j], k))
                                break;
                if (j < dst->n) {
                        if (dst->kids[j]->type == Y_MAP && v->type == Y_MAP) {
                                merge(dst->kids[j], v);
                                ynode_free(v);
                        } else {
                                ynode_free(dst->kids[j]);
                                dst->kids[j] = v;
                        }
                        free(k);
                } else if (ynode_add(dst, k, v)) {
                        free(k);
                        ynode_free(v);
                }
                src->keys[i] = NULL;
                src->kids[i] = NULL;
        }
        src->n = 0;
}

/* Take the `en: faker:` map out of a document. */
static ynode_t *detach_faker(ynode_t *doc)
{
        if (!doc || doc->type != Y_MAP)
                return NULL;
        for (size_t i = 0; i < doc->n; i++) {
                if (strcmp(doc->keys[i], "en") || doc->kids[i]->type != Y_MAP)
                        continue;
                ynode_t *en = doc->kids[i];
                for (size_t j = 0; j < en->n; j++) {
                        if (!strcmp(en->keys[j], "faker") &&
                            en->kids[j]->type == Y_MAP) {
                                ynode_t *f = en->kids[j];
                                en->kids[j] = ynode_new(Y_STR);
                                return f;
                        }
                }
        }
        return NULL;
}

static int load_one(struct faker_data *d, const char *path)
{
        ynode_t *doc = parse_file(path);
        ynode_t *f = detach_faker(doc);

        ynode_free(doc);
        if (!f) {
                d->skipped++;
                return -1;
        }
        merge(d->root, f);
        ynode_free(f);
        d->files++;
        return 0;
}

/* The locales directory: env override, else the newest faker-* gem. */
static int find_dir(char *out, size_t n, char *errstr, size_t errstr_size)
{
        const char *env = getenv("CONNECTD_FAKER_LOCALES");
        glob_t g;

        if (env && *env) {
                snprintf(out, n, "%s", env);
                return 0;
        }
        memset(&g, 0, sizeof(g));
        if (glob(DEFAULT_GLOB, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
                globfree(&g);
                snprintf(errstr, errstr_size,
                         "Faker data not found: no ruby-faker locales "
                         "directory matches %s; install the Debian package "
                         "ruby-faker (apt-get install ruby-faker) or set "
                         "CONNECTD_FAKER_LOCALES", DEFAULT_GLOB);
                return -1;
        }
        /* glob sorts; the last one is the highest version. */
        snprintf(out, n, "%s", g.gl_pathv[g.gl_pathc - 1]);
        globfree(&g);
        return 0;
}

static struct faker_data *load_dir(const char *dir, char *errstr,
                                   size_t errstr_size)
{
        struct faker_data *d = calloc(1, sizeof(*d));
        char pat[1200];
        glob_t g;
        struct timespec t0, t1;

        if (!d || !(d->dir = strdup(dir)) || !(d->root = ynode_new(Y_MAP))) {
                snprintf(errstr, errstr_size, "out of memory");
                goto fail;
        }
        clock_gettime(CLOCK_MONOTONIC, &t0);
        snprintf(pat, sizeof(pat), "%s/en.yml", dir);
        load_one(d, pat);
        snprintf(pat, sizeof(pat), "%s/en/*.yml", dir);
        memset(&g, 0, sizeof(g));
        if (glob(pat, 0, NULL, &g) == 0) {
                for (size_t i = 0; i < g.gl_pathc; i++)
                        load_one(d, g.gl_pathv[i]);
        }
        globfree(&g);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        d->load_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (!ynode_get(d->root, "name", 4)) {
                snprintf(errstr, errstr_size,
                         "Faker data not usable: no en/name.yml under %s; "
                         "install the Debian package ruby-faker "
                         "(apt-get install ruby-faker)", dir);
                goto fail;
        }
        return d;
fail:
        if (d) {
                ynode_free(d->root);
                free(d->dir);
                free(d);
        }
        return NULL;
}

const faker_data_t *faker_data_get(char *errstr, size_t errstr_size)
{
        /* The directory found once serves the process: every connector
         * and task start asks, and a glob per ask adds up over 10,000. */
        static char found[1024];
        char dir[1024];
        struct faker_data *d;

        int env = getenv("CONNECTD_FAKER_LOCALES") != NULL;

        pthread_mutex_lock(&data_lock);
        if (*found && !env) {
                snprintf(dir, sizeof(dir), "%s", found);
        } else if (find_dir(dir, sizeof(dir), errstr, errstr_size)) {
                pthread_mutex_unlock(&data_lock);
                return NULL;
        } else if (!env) {
                snprintf(found, sizeof(found), "%s", dir);
        }
        for (d = loaded; d; d = d->next)
                if (!strcmp(d->dir, dir))
                        break;
        if (!d) {
                d = load_dir(dir, errstr, errstr_size);
                if (d) {
                        d->next = loaded;
                        loaded = d;
                }
        }
        pthread_mutex_unlock(&data_lock);
        return d;
}

const ynode_t *faker_data_root(const faker_data_t *d)
{
        return d->root;
}

double faker_data_load_ms(const faker_data_t *d)
{
        return d->load_ms;
}

int faker_data_files(const faker_data_t *d, int *skipped)
{
        if (skipped)
                *skipped = d->skipped;
        return d->files;
}
