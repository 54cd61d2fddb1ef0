/*
 * datagen_config — the MSK Data Generator config grammar (spec §2, §4).
 *
 * DESIGN
 * dg_config_new() turns the flat connector map into topics and slots
 * (topic, key|value, attribute path), checks the §2.1 generator mixes and
 * the §4 validations in MSK's order (first failure wins, message text as
 * MSK words it), compiles every faker expression once and resolves all
 * option fallbacks, matching references, history fields and the output
 * field order (Java HashMap order, §6). The result is immutable and is
 * shared by nothing: each task builds its own (tasks run on their own
 * threads and the faker compiler is not thread-safe).
 *
 * Size: a config is attacker-sized (one validate request is up to 1 MiB,
 * tens of thousands of keys), so topics, slots and output fields are found
 * through hash indexes and every pass is linear in the number of keys.
 *
 * Errors: a sentence in errstr and the key to blame in *bad_key, so the
 * adapter can report them through validate() as well as at task start.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen_int.h"

#define MAX_TOKENS 16

enum { OPT_NULL_RATE = 0, OPT_MATCHING_RATE };

typedef struct attr_opt {
        int kv;
        int topic;
        int ns;
        int complex;   /* attrk/attrv */
        char *path;
        int opt;
        double v;
} attr_opt_t;

typedef struct topic_opt {
        int kv;
        int topic;
} topic_opt_t;

typedef struct parse {
        dg_config_t *c;
        attr_opt_t *attrs;
        int nattrs;
        topic_opt_t *topts;
        int ntopts;
        const char **bad_key;
        char *errstr;
        size_t errsz;
} parse_t;

static const char *NS_NAME[2] = { "key", "value" };

static void *grow(void *p, int n, size_t sz)
{
        /* grow arrays one element at a time by doubling at powers of two */
        if (n == 0 || (n & (n - 1)) == 0) {
                size_t cap = n ? (size_t)n * 2 : 4;
                void *np = realloc(p, cap * sz);
                return np;
        }
        return p;
}

static int fail(parse_t *ps, int kv, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(parse_t *ps, int kv, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->errstr, ps->errsz, fmt, ap);
        va_end(ap);
        if (ps->bad_key)
                *ps->bad_key = kv >= 0 ? ps->c->kv[kv].key : NULL;
        return -1;
}

/* ---- hash indexes: configs of tens of thousands of keys stay linear ---- */

static uint64_t hash_mem(uint64_t h, const char *s, size_t n)
{
        /* FNV-1a */
        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
        return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
        return hash_mem(h, s, strlen(s));
}

static uint64_t topic_hash(const char *name)
{
        return hash_str(0xcbf29ce484222325ULL, name);
}

static uint64_t slot_hash(int topic, int ns, const char *path)
{
        uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)(unsigned)topic << 1 |
                                              (uint64_t)ns);
        return hash_str(h * 0x100000001b3ULL, path);
}

/* Insert v under h into an open-addressing table kept at most half full
 * (n entries before this one). 0, or -1 out of memory. */
static int index_add(struct dg_index **tab, size_t *cap, size_t n, uint64_t h,
                     int v)
{
        if ((n + 1) * 2 > *cap) {
                size_t nc = *cap ? *cap * 2 : 64;
                struct dg_index *nt = malloc(nc * sizeof(*nt));
                if (!nt)
                        return -1;
                for (size_t i = 0; i < nc; i++)
                        nt[i].v = -1;
                for (size_t i = 0; i < *cap; i++) {
                        if ((*tab)[i].v < 0)
                                continue;
                        size_t j = (*tab)[i].h & (nc - 1);
                        while (nt[j].v >= 0)
                                j = (j + 1) & (nc - 1);
                        nt[j] = (*tab)[i];
                }
                free(*tab);
                *tab = nt;
                *cap = nc;
        }
        size_t j = h & (*cap - 1);
        while ((*tab)[j].v >= 0)
                j = (j + 1) & (*cap - 1);
        (*tab)[j].h = h;
        (*tab)[j].v = v;
        return 0;
}

int dg_config_topic(const dg_config_t *c, const char *name)
{
        uint64_t h = topic_hash(name);
        if (!c->tindex_cap)
                return -1;
        for (size_t j = h & (c->tindex_cap - 1); c->tindex[j].v >= 0;
             j = (j + 1) & (c->tindex_cap - 1))
                if (c->tindex[j].h == h &&
                    !strcmp(c->topics[c->tindex[j].v].name, name))
                        return c->tindex[j].v;
        return -1;
}

static int find_topic(parse_t *ps, const char *name, int create)
{
        dg_config_t *c = ps->c;
        int i = dg_config_topic(c, name);
        if (i >= 0)
                return i;
        if (!create)
                return -1;
        dg_topic_t *t = grow(c->topics, c->ntopics, sizeof(*t));
        if (!t)
                return -2;
        c->topics = t;
        t = &c->topics[c->ntopics];
        memset(t, 0, sizeof(*t));
        t->name = strdup(name);
        if (!t->name)
                return -2;
        t->opt_throttle = t->opt_hist = -1;
        t->first_kv = -1;
        if (index_add(&c->tindex, &c->tindex_cap, (size_t)c->ntopics,
                      topic_hash(name), c->ntopics)) {
                free(t->name);
                return -2;
        }
        return c->ntopics++;
}

static int find_slot(const dg_config_t *c, int topic, int ns, const char *path)
{
        uint64_t h = slot_hash(topic, ns, path);
        if (!c->sindex_cap)
                return -1;
        for (size_t j = h & (c->sindex_cap - 1); c->sindex[j].v >= 0;
             j = (j + 1) & (c->sindex_cap - 1)) {
                const dg_slot_t *s = &c->slots[c->sindex[j].v];
                if (c->sindex[j].h == h && s->topic == topic && s->ns == ns &&
                    !strcmp(s->path, path))
                        return c->sindex[j].v;
        }
        return -1;
}

static int get_slot(parse_t *ps, int topic, int ns, const char *path, int kv)
{
        dg_config_t *c = ps->c;
        int i = find_slot(c, topic, ns, path);
        if (i >= 0)
                return i;
        dg_slot_t *s = grow(c->slots, c->nslots, sizeof(*s));
        if (!s)
                return -2;
        c->slots = s;
        s = &c->slots[c->nslots];
        memset(s, 0, sizeof(*s));
        s->topic = topic;
        s->ns = ns;
        s->path = strdup(path);
        s->src_topic = s->src_slot = s->hist_field = -1;
        s->first_kv = kv;
        s->with_kv = s->match_kv = -1;
        if (!s->path || index_add(&c->sindex, &c->sindex_cap,
                                  (size_t)c->nslots,
                                  slot_hash(topic, ns, path), c->nslots)) {
                free(s->path);
                return -2;
        }
        if (path[0])
                c->topics[topic].has_attr[ns] = 1;
        return c->nslots++;
}

/* Java Long.parseLong: optional sign, decimal digits, nothing else. */
static int parse_long(const char *s, int64_t *out)
{
        const char *p = s;
        char *end;
        if (*p == '+' || *p == '-')
                p++;
        if (!*p)
                return -1;
        for (const char *q = p; *q; q++)
                if (!isdigit((unsigned char)*q))
                        return -1;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || *end)
                return -1;
        *out = v;
        return 0;
}

/* Java Double.parseDouble (trimmed; decimal and hex forms, NaN/Infinity). */
static int parse_double(const char *s, double *out)
{
        char tmp[128];
        size_t n;
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        n = strlen(s);
        while (n && isspace((unsigned char)s[n - 1]))
                n--;
        if (!n || n >= sizeof(tmp))
                return -1;
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        if (n > 1 && (tmp[n - 1] == 'd' || tmp[n - 1] == 'D' ||
                      tmp[n - 1] == 'f' || tmp[n - 1] == 'F'))
                tmp[--n] = '\0';
        if (!strcmp(tmp, "inf") || !strcmp(tmp, "infinity") ||
            !strcmp(tmp, "nan"))
                return -1; /* Java spells them Infinity / NaN */
        errno = 0;
        double v = strtod(tmp, &end);
        if (*end || end == tmp)
                return -1;
        *out = v;
        return 0;
}

static double clamp01(double v)
{
        if (!(v > 0))
                return 0;
        return v > 1 ? 1 : v;
}

/* Join tokens from..n-1 with '.'. */
static void join(char **tok, int from, int n, char *out, size_t sz)
{
        size_t k = 0;
        out[0] = '\0';
        for (int i = from; i < n && k < sz; i++)
                k += (size_t)snprintf(out + k, sz - k, "%s%s", i > from ? "." : "",
                                      tok[i]);
}

static int parse_ref(parse_t *ps, int kv, dg_slot_t *s, const char *val)
{
        char *buf = strdup(val), *tok[4];
        int n = 0, rc = -1;
        char *p, *save = NULL;

        if (!buf)
                return fail(ps, -1, "out of memory");
        for (p = strtok_r(buf, ".", &save); p && n < 4;
             p = strtok_r(NULL, ".", &save))
                tok[n++] = p;
        if (n < 2 || n > 3 || strtok_r(NULL, ".", &save) ||
            (strcmp(tok[1], "key") && strcmp(tok[1], "value"))) {
                fail(ps, kv,
                     "Invalid matching reference '%s' in %s: expected "
                     "<topic>.key or <topic>.value, optionally followed by "
                     ".<attribute>.",
                     val, ps->c->kv[kv].key);
                goto out;
        }
        int t = find_topic(ps, tok[0], 1);
        if (t < 0) {
                fail(ps, -1, "out of memory");
                goto out;
        }
        s->src_topic = t;
        s->src_ns = !strcmp(tok[1], "key") ? DG_NS_KEY : DG_NS_VALUE;
        free(s->src_path);
        s->src_path = strdup(n == 3 ? tok[2] : "");
        rc = s->src_path ? 0 : fail(ps, -1, "out of memory");
out:
        free(buf);
        return rc;
}

/* One config entry, its key split into n tokens. */
static int parse_tokens(parse_t *ps, int kv, char **tok, int n)
{
        dg_config_t *c = ps->c;
        const char *key = c->kv[kv].key, *val = c->kv[kv].value;
        char rest[512];
        int complex, ns;
        const char *form = tok[0];

        if (!strcmp(form, "genkp") || !strcmp(form, "genvp") ||
            !strcmp(form, "genk") || !strcmp(form, "genv")) {
                complex = form[4] != 'p';
                ns = form[3] == 'k' ? DG_NS_KEY : DG_NS_VALUE;
                int base = complex ? 3 : 2; /* tokens before the generator */
                int sometimes = 0;
                const char *attr = complex && n > 2 ? tok[2] : "";
                const char *g;
                if (n == base + 2 && !strcasecmp(tok[base], "sometimes"))
                        sometimes = 1;
                else if (n != base + 1)
                        return fail(ps, kv,
                                    "Invalid generator configuration: %s. "
                                    "Expected %s.<topic>%s[.sometimes].with "
                                    "or .matching.",
                                    key, form, complex ? ".<attribute>" : "");
                g = tok[n - 1];
                if (strcmp(g, "with") && strcmp(g, "matching"))
                        return fail(ps, kv,
                                    "Invalid generator configuration: %s. The "
                                    "generator must be 'with' or 'matching', "
                                    "not '%s'.",
                                    key, g);
                if (!*tok[1] || (complex && !*attr))
                        return fail(ps, kv,
                                    "Invalid generator configuration: %s. "
                                    "Topic and attribute names must not be "
                                    "empty.",
                                    key);
                int t = find_topic(ps, tok[1], 1);
                if (t < 0)
                        return fail(ps, -1, "out of memory");
                c->topics[t].has_gen = 1;
                if (c->topics[t].first_kv < 0)
                        c->topics[t].first_kv = kv;
                int si = get_slot(ps, t, ns, attr, kv);
                if (si < 0)
                        return fail(ps, -1, "out of memory");
                dg_slot_t *s = &c->slots[si];
                if (!strcmp(g, "with")) {
                        if (sometimes)
                                s->n_swith++;
                        else
                                s->n_with++;
                        s->with_key = key;
                        s->with_val = val;
                        s->with_kv = kv;
                } else {
                        if (sometimes)
                                s->n_smatch++;
                        else
                                s->n_match++;
                        s->match_key = key;
                        s->match_val = val;
                        s->match_kv = kv;
                        if (parse_ref(ps, kv, &c->slots[si], val))
                                return -1;
                }
                return 0;
        }

        if (!strcmp(form, "attrkp") || !strcmp(form, "attrvp") ||
            !strcmp(form, "attrk") || !strcmp(form, "attrv")) {
                complex = form[5] != 'p';
                ns = form[4] == 'k' ? DG_NS_KEY : DG_NS_VALUE;
                int base = complex ? 3 : 2;
                if (n <= base || !*tok[1] || (complex && !*tok[2]))
                        return fail(ps, kv,
                                    "Unrecognized attribute configuration: %s",
                                    key);
                join(tok, base, n, rest, sizeof(rest));
                int opt;
                if (!strcmp(rest, "null.rate"))
                        opt = OPT_NULL_RATE;
                else if (!strcmp(rest, "matching.rate"))
                        opt = OPT_MATCHING_RATE;
                else
                        return fail(ps, kv,
                                    "Unrecognized attribute configuration: %s",
                                    key);
                double v;
                if (parse_double(val, &v))
                        return fail(ps, kv,
                                    "Invalid value %s for configuration %s: "
                                    "not a number.",
                                    val, key);
                attr_opt_t *a = grow(ps->attrs, ps->nattrs, sizeof(*a));
                if (!a)
                        return fail(ps, -1, "out of memory");
                ps->attrs = a;
                a = &ps->attrs[ps->nattrs];
                memset(a, 0, sizeof(*a));
                a->kv = kv;
                a->topic = find_topic(ps, tok[1], 1);
                a->ns = ns;
                a->complex = complex;
                a->path = strdup(complex ? tok[2] : "");
                a->opt = opt;
                a->v = v;
                if (a->topic < 0 || !a->path) {
                        free(a->path);
                        return fail(ps, -1, "out of memory");
                }
                ps->nattrs++;
                return 0;
        }

        if (!strcmp(form, "topic")) {
                if (n >= 2 && !strcmp(tok[1], "creation"))
                        return 0; /* topic.creation.* is the worker's */
                if (n < 3 || !*tok[1])
                        return fail(ps, kv,
                                    "Unrecognized topic configuration: %s", key);
                join(tok, 2, n, rest, sizeof(rest));
                int t = find_topic(ps, tok[1], 1);
                if (t < 0)
                        return fail(ps, -1, "out of memory");
                dg_topic_t *tp = &c->topics[t];
                int64_t l;
                double d;
                if (!strcmp(rest, "throttle.ms") ||
                    !strcmp(rest, "history.records.max") ||
                    !strcmp(rest, "records.exactly")) {
                        if (parse_long(val, &l))
                                return fail(ps, kv,
                                            "Invalid value %s for "
                                            "configuration %s: not a long.",
                                            val, key);
                        if (rest[0] == 't')
                                tp->opt_throttle = l < 0 ? 0 : l;
                        else if (rest[0] == 'h')
                                tp->opt_hist = l < 0 ? 0 : l;
                        else if (l <= 0)
                                return fail(ps, kv,
                                            "records.exactly must be greater "
                                            "than 0");
                        else
                                tp->exactly = l;
                } else if (!strcmp(rest, "tombstone.rate")) {
                        if (parse_double(val, &d))
                                return fail(ps, kv,
                                            "Invalid value %s for "
                                            "configuration %s: not a number.",
                                            val, key);
                        tp->tombstone_rate = clamp01(d);
                } else {
                        return fail(ps, kv,
                                    "Unrecognized topic configuration: %s", key);
                }
                topic_opt_t *o = grow(ps->topts, ps->ntopts, sizeof(*o));
                if (!o)
                        return fail(ps, -1, "out of memory");
                ps->topts = o;
                ps->topts[ps->ntopts].kv = kv;
                ps->topts[ps->ntopts].topic = t;
                ps->ntopts++;
                return 0;
        }

        if (!strcmp(form, "global")) {
                int64_t l;
                double d;
                join(tok, 1, n, rest, sizeof(rest));
                if (!strcmp(rest, "throttle.ms") ||
                    !strcmp(rest, "history.records.max")) {
                        if (parse_long(val, &l))
                                return fail(ps, kv,
                                            "Invalid value %s for "
                                            "configuration %s: not a long.",
                                            val, key);
                        if (rest[0] == 't')
                                c->g_throttle = l < 0 ? 0 : l;
                        else
                                c->g_hist = l < 0 ? 0 : l;
                } else if (!strcmp(rest, "matching.rate")) {
                        if (parse_double(val, &d))
                                return fail(ps, kv,
                                            "Invalid value %s for "
                                            "configuration %s: not a number.",
                                            val, key);
                        c->g_matching_rate = clamp01(d);
                } else {
                        return fail(ps, kv,
                                    "Unrecognized global configuration: %s",
                                    key);
                }
                return 0;
        }
        return 0; /* not ours: name, connector.class, converters, ... */
}

/* One config entry. Keys of any length (a long attribute name used to
 * make its key silently ignored). */
static int parse_entry(parse_t *ps, int kv)
{
        char *buf = strdup(ps->c->kv[kv].key), *tok[MAX_TOKENS];
        int n = 0, rc;

        if (!buf)
                return fail(ps, -1, "out of memory");
        /* split on every '.', keeping empty tokens */
        for (char *p = buf;;) {
                if (n == MAX_TOKENS)
                        break;
                tok[n++] = p;
                char *d = strchr(p, '.');
                if (!d)
                        break;
                *d = '\0';
                p = d + 1;
        }
        rc = parse_tokens(ps, kv, tok, n);
        free(buf);
        return rc;
}

/* Comma-joined names of topics without generators named by a list. */
static int list_unknown(parse_t *ps, const int *topics, int n, char *out,
                        size_t sz, int *first)
{
        size_t k = 0;
        int found = 0;
        char *seen = calloc((size_t)ps->c->ntopics + 1, 1);
        out[0] = '\0';
        if (!seen)
                return fail(ps, -1, "out of memory");
        for (int i = 0; i < n; i++) {
                int t = topics[i];
                if (ps->c->topics[t].has_gen || seen[t])
                        continue;
                seen[t] = 1;
                if (!found)
                        *first = i;
                if (k < sz)
                        k += (size_t)snprintf(out + k, sz - k, "%s%s",
                                              found ? ", " : "",
                                              ps->c->topics[t].name);
                found++;
        }
        free(seen);
        return found;
}

static int ns_has_prim(const dg_config_t *c, int t, int ns)
{
        return find_slot(c, t, ns, "") >= 0;
}

static int ns_has_complex(const dg_config_t *c, int t, int ns)
{
        return c->topics[t].has_attr[ns];
}

/* §4 checks 1 and 2; tmp has room for every topic and attribute option. */
static int validate_options(parse_t *ps, int *tmp)
{
        char names[512];
        int first = 0, n, found;

        /* 1. topic options without generators */
        n = 0;
        for (int i = 0; i < ps->ntopts; i++)
                tmp[n++] = ps->topts[i].topic;
        found = list_unknown(ps, tmp, n, names, sizeof(names), &first);
        if (found < 0)
                return -1;
        if (found)
                return fail(ps, ps->topts[first].kv,
                            "Topic configuration is supplied for topic(s) %s, "
                            "but no generators are specified for them. "
                            "Stopping because these topic configurations "
                            "don't do anything. Either add generators for "
                            "these topics or remove these topic "
                            "configurations.",
                            names);
        /* 2. attribute options without generators */
        n = 0;
        for (int i = 0; i < ps->nattrs; i++)
                tmp[n++] = ps->attrs[i].topic;
        found = list_unknown(ps, tmp, n, names, sizeof(names), &first);
        if (found < 0)
                return -1;
        if (found)
                return fail(ps, ps->attrs[first].kv,
                            "Attribute configuration is supplied for topic(s) "
                            "%s, but no generators are specified for them. "
                            "Stopping because these attribute configurations "
                            "don't do anything. Either add generators for "
                            "these topics or remove these attribute "
                            "configurations.",
                            names);
        return 0;
}

/* §4 checks 3 to 6. */
static int validate_generators(parse_t *ps)
{
        dg_config_t *c = ps->c;

        /* 3. shape of attribute options */
        for (int i = 0; i < ps->nattrs; i++) {
                attr_opt_t *a = &ps->attrs[i];
                const char *tn = c->topics[a->topic].name;
                const char *nsn = NS_NAME[a->ns];
                if (a->complex && ns_has_prim(c, a->topic, a->ns))
                        return fail(ps, a->kv,
                                    "Complex attribute configuration is "
                                    "supplied for topic %s, but its generated "
                                    "%s is a primitive type. Stopping because "
                                    "these configurations are incompatible. "
                                    "Either change its %s to a complex type or "
                                    "change this configuration to a primitive "
                                    "type.",
                                    tn, nsn, nsn);
                if (!a->complex && ns_has_complex(c, a->topic, a->ns))
                        return fail(ps, a->kv,
                                    "Primitive attribute configuration is "
                                    "supplied for topic %s, but its generated "
                                    "%s is a complex type. Stopping because "
                                    "these configurations are incompatible. "
                                    "Either change its %s to a primitive type "
                                    "or change this configuration to a complex "
                                    "type.",
                                    tn, nsn, nsn);
        }
        /* 4. attribute options for attributes nobody generates */
        for (int i = 0; i < ps->nattrs; i++) {
                attr_opt_t *a = &ps->attrs[i];
                if (a->complex && find_slot(c, a->topic, a->ns, a->path) < 0)
                        return fail(ps, a->kv,
                                    "Complex attribute configuration is "
                                    "supplied for topic %s, but there is no "
                                    "generator that creates this attribute. "
                                    "Stopping because this configuration does "
                                    "nothing. Either add a generator for this "
                                    "attribute or remove this configuration.",
                                    c->topics[a->topic].name);
        }
        /* 5. primitive and complex generators in one namespace */
        for (int t = 0; t < c->ntopics; t++) {
                for (int ns = 0; ns < 2; ns++) {
                        if (!ns_has_prim(c, t, ns) || !ns_has_complex(c, t, ns))
                                continue;
                        int s = find_slot(c, t, ns, "");
                        return fail(ps, c->slots[s].first_kv,
                                    "Both primitive and complex generator %s "
                                    "configurations were supplied for topic "
                                    "%s. Stopping because these configurations "
                                    "are incompatible. Either use a single %s "
                                    "primitive generator configuration or use "
                                    "one or more complex configurations.",
                                    NS_NAME[ns], c->topics[t].name, NS_NAME[ns]);
                }
        }
        /* 6. dependencies */
        for (int t = 0; t < c->ntopics; t++) {
                for (int ns = 0; ns < 2; ns++) {
                        for (int k = 0; k < c->topics[t].nslots[ns]; k++) {
                                dg_slot_t *s = &c->slots[c->topics[t].slots[ns][k]];
                                if (!s->match_key)
                                        continue;
                                int kv = s->match_kv;
                                const char *tn = c->topics[t].name;
                                const char *sn = c->topics[s->src_topic].name;
                                const char *nsn = NS_NAME[s->src_ns];
                                if (!c->topics[s->src_topic].has_gen)
                                        return fail(ps, kv,
                                                    "Found a generator for "
                                                    "topic %s that is "
                                                    "dependent on topic %s, "
                                                    "but no generator is "
                                                    "defined for %s. Stopping "
                                                    "because no data can ever "
                                                    "be produced for topic %s. "
                                                    "Either define a generator "
                                                    "for topic %s or remove "
                                                    "this generator.",
                                                    tn, sn, sn, tn, sn);
                                if (s->src_path[0] &&
                                    find_slot(c, s->src_topic, s->src_ns,
                                              s->src_path) < 0)
                                        return fail(ps, kv,
                                                    "Found a generator for "
                                                    "topic %s that is "
                                                    "dependent on attribute "
                                                    "%s in topic %s's %s, but "
                                                    "no generator is defined "
                                                    "for that attribute. "
                                                    "Stopping because this "
                                                    "generator would always "
                                                    "return null. Either "
                                                    "define a generator for "
                                                    "the attribute or remove "
                                                    "this generator.",
                                                    tn, s->src_path, sn, nsn);
                                if (!s->src_path[0] &&
                                    find_slot(c, s->src_topic, s->src_ns, "") < 0)
                                        return fail(ps, kv,
                                                    "Found a generator for "
                                                    "topic %s that is "
                                                    "dependent on topic %s's "
                                                    "%s, but there's no "
                                                    "primitive generator "
                                                    "defined for the %s. "
                                                    "Stopping because this "
                                                    "generator is "
                                                    "incompatible. Either "
                                                    "define a generator for "
                                                    "the %s or remove this "
                                                    "dependency.",
                                                    tn, sn, nsn, nsn, nsn);
                        }
                }
        }
        return 0;
}

static int validate(parse_t *ps)
{
        int *tmp = calloc((size_t)(ps->ntopts > ps->nattrs ? ps->ntopts
                                                             : ps->nattrs) + 1,
                          sizeof(*tmp));
        int rc;

        if (!tmp)
                return fail(ps, -1, "out of memory");
        rc = validate_options(ps, tmp);
        free(tmp);
        if (rc)
                return rc;
        return validate_generators(ps);
}

/* ---- output plans: nested structs in Java HashMap order ---- */

uint32_t dg_hashmap_index(const char *name, uint32_t size)
{
        int32_t h = 0;
        const unsigned char *p = (const unsigned char *)name;
        while (*p) {
                uint32_t cp;
                int l = 1;
                if (*p < 0x80)
                        cp = *p;
                else if ((*p & 0xe0) == 0xc0 && p[1]) {
                        cp = ((uint32_t)(*p & 0x1f) << 6) | (p[1] & 0x3f);
                        l = 2;
                } else if ((*p & 0xf0) == 0xe0 && p[1] && p[2]) {
                        cp = ((uint32_t)(*p & 0x0f) << 12) |
                             ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
                        l = 3;
                } else if ((*p & 0xf8) == 0xf0 && p[1] && p[2] && p[3]) {
                        cp = ((uint32_t)(*p & 0x07) << 18) |
                             ((uint32_t)(p[1] & 0x3f) << 12) |
                             ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
                        l = 4;
                } else {
                        cp = *p;
                }
                if (cp >= 0x10000) { /* UTF-16 surrogate pair */
                        cp -= 0x10000;
                        h = (int32_t)(31u * (uint32_t)h + (0xd800 + (cp >> 10)));
                        h = (int32_t)(31u * (uint32_t)h + (0xdc00 + (cp & 0x3ff)));
                } else {
                        h = (int32_t)(31u * (uint32_t)h + cp);
                }
                p += l;
        }
        uint32_t x = (uint32_t)(31 + (int64_t)h);
        x ^= x >> 16;
        return x & (size - 1);
}

static void plan_free(dg_plan_t *p)
{
        if (!p)
                return;
        for (int i = 0; i < p->n; i++) {
                free((char *)p->f[i].name);
                free(p->f[i].key);
                plan_free(p->f[i].sub);
        }
        free(p->f);
        free(p->index);
        free(p);
}

static dg_plan_t *plan_new(int depth)
{
        dg_plan_t *p = calloc(1, sizeof(*p));
        if (p) {
                p->depth = depth;
                snprintf(p->schema_name, sizeof(p->schema_name),
                         "com.amazonaws.mskdatagen.Gen%d", depth);
        }
        return p;
}

static int plan_insert(dg_plan_t *p, const char *path, int slot)
{
        const char *arrow = strstr(path, "->");
        size_t l = arrow ? (size_t)(arrow - path) : strlen(path);
        uint64_t h = hash_mem(0xcbf29ce484222325ULL, path, l);
        int i = p->n;

        if (p->index_cap)
                for (size_t j = h & (p->index_cap - 1); p->index[j].v >= 0;
                     j = (j + 1) & (p->index_cap - 1)) {
                        const char *nm = p->f[p->index[j].v].name;
                        if (p->index[j].h == h && !strncmp(nm, path, l) &&
                            !nm[l]) {
                                i = p->index[j].v;
                                break;
                        }
                }
        if (i == p->n) {
                void *nf = grow(p->f, p->n, sizeof(*p->f));
                if (!nf)
                        return -1;
                p->f = nf;
                memset(&p->f[i], 0, sizeof(p->f[i]));
                p->f[i].name = strndup(path, l);
                p->f[i].slot = -1;
                if (!p->f[i].name ||
                    index_add(&p->index, &p->index_cap, (size_t)p->n, h, i)) {
                        free((char *)p->f[i].name);
                        return -1;
                }
                p->n++;
        }
        if (!arrow) {
                if (p->f[i].sub || p->f[i].slot >= 0)
                        return -2;
                p->f[i].slot = slot;
                return 0;
        }
        if (p->f[i].slot >= 0)
                return -2;
        if (!p->f[i].sub && !(p->f[i].sub = plan_new(p->depth + 1)))
                return -1;
        return plan_insert(p->f[i].sub, arrow + 2, slot);
}

typedef struct plan_key {
        uint32_t bucket;
        int pos;
        struct dg_plan_field f;
} plan_key_t;

static int plan_key_cmp(const void *a, const void *b)
{
        const plan_key_t *x = a, *y = b;
        if (x->bucket != y->bucket)
                return x->bucket < y->bucket ? -1 : 1;
        return (x->pos > y->pos) - (x->pos < y->pos); /* stable */
}

/* Fields in Java HashMap order: ascending bucket, ties in config order.
 * The build-time index is dropped. 0, or -1 out of memory. */
static int plan_sort(dg_plan_t *p)
{
        uint32_t size = 16;
        plan_key_t *k;

        free(p->index);
        p->index = NULL;
        p->index_cap = 0;
        while ((uint32_t)p->n > size / 4 * 3)
                size *= 2;
        k = malloc(((size_t)p->n + 1) * sizeof(*k));
        if (!k)
                return -1;
        for (int i = 0; i < p->n; i++) {
                k[i].bucket = dg_hashmap_index(p->f[i].name, size);
                k[i].pos = i;
                k[i].f = p->f[i];
        }
        qsort(k, (size_t)p->n, sizeof(*k), plan_key_cmp);
        for (int i = 0; i < p->n; i++)
                p->f[i] = k[i].f;
        free(k);
        /* Each name's JSON text, once, for the value writer. */
        for (int i = 0; i < p->n; i++) {
                dg_buf_t b = { 0 };

                dg_json_str(&b, p->f[i].name, strlen(p->f[i].name));
                dg_buf_putc(&b, ':');
                if (!b.p || b.overflow) {
                        dg_buf_free(&b);
                        return -1;
                }
                p->f[i].key = b.p;
                p->f[i].keylen = b.len;
        }
        for (int i = 0; i < p->n; i++)
                if (p->f[i].sub && plan_sort(p->f[i].sub))
                        return -1;
        return 0;
}

/* Bytes a slot's value can have: its expression's bound, or what it copies
 * (followed along matching chains; a cycle that never reaches an
 * expression never produces). */
static size_t slot_max(const dg_config_t *c, int i)
{
        size_t m = 0;
        for (int hops = 0; i >= 0 && hops <= c->nslots; hops++) {
                const dg_slot_t *s = &c->slots[i];
                if (s->expr && faker_expr_max_len(s->expr) > m)
                        m = faker_expr_max_len(s->expr);
                if (s->strategy == DG_ISOLATED)
                        break;
                i = s->src_slot;
        }
        return m;
}

/* A record's fields are generated into one buffer of DG_BUF_MAX bytes: a
 * topic whose fields together could need more would fail every event at
 * run time, so it is refused here, naming the field that crosses. */
static int check_record_size(parse_t *ps)
{
        dg_config_t *c = ps->c;
        size_t *total = calloc((size_t)c->ntopics + 1, sizeof(*total));
        int rc = 0;

        if (!total)
                return fail(ps, -1, "out of memory");
        for (int i = 0; i < c->nslots && !rc; i++) {
                const dg_slot_t *s = &c->slots[i];
                size_t m = slot_max(c, i);
                if (__builtin_add_overflow(total[s->topic], m,
                                           &total[s->topic]) ||
                    total[s->topic] > DG_BUF_MAX)
                        rc = fail(ps, s->first_kv,
                                  "Records of topic %s can be larger than the "
                                  "limit of %u bytes: together its fields can "
                                  "produce more (up to %zu bytes in %s).",
                                  c->topics[s->topic].name,
                                  (unsigned)DG_BUF_MAX, m,
                                  c->kv[s->first_kv].key);
        }
        free(total);
        return rc;
}

static int finish(parse_t *ps)
{
        dg_config_t *c = ps->c;
        char err[512];
        double *opt[2] = { NULL, NULL };
        int *mark = NULL, rc = -1;

        /* strategies */
        for (int i = 0; i < c->nslots; i++) {
                dg_slot_t *s = &c->slots[i];
                const char *k = s->with_key ? s->with_key : s->match_key;
                if (s->n_with == 1 && !s->n_match && !s->n_swith && !s->n_smatch)
                        s->strategy = DG_ISOLATED;
                else if (s->n_match == 1 && !s->n_with && !s->n_swith &&
                         !s->n_smatch)
                        s->strategy = DG_DEPENDENT;
                else if (s->n_swith == 1 && s->n_smatch == 1 && !s->n_with &&
                         !s->n_match)
                        s->strategy = DG_EITHER;
                else
                        return fail(ps, s->with_key ? s->with_kv : s->match_kv,
                                    "Conflicting generators for topic %s's %s%s%s "
                                    "(%s): use exactly one 'with', one "
                                    "'matching', or one 'sometimes.with' "
                                    "together with one 'sometimes.matching'.",
                                    c->topics[s->topic].name, NS_NAME[s->ns],
                                    s->path[0] ? " attribute " : "", s->path, k);
        }
        /* per topic slot lists, in slot order */
        for (int i = 0; i < c->nslots; i++) {
                dg_slot_t *s = &c->slots[i];
                dg_topic_t *tp = &c->topics[s->topic];
                int *a = grow(tp->slots[s->ns], tp->nslots[s->ns], sizeof(int));
                if (!a)
                        return fail(ps, -1, "out of memory");
                tp->slots[s->ns] = a;
                a[tp->nslots[s->ns]++] = i;
        }
        if (validate(ps))
                return -1;
        /* attribute options by slot (the last one given wins) */
        opt[0] = malloc(((size_t)c->nslots + 1) * sizeof(double));
        opt[1] = malloc(((size_t)c->nslots + 1) * sizeof(double));
        mark = calloc((size_t)c->ntopics + 1, sizeof(int));
        if (!opt[0] || !opt[1] || !mark) {
                fail(ps, -1, "out of memory");
                goto out;
        }
        for (int i = 0; i < c->nslots; i++)
                opt[0][i] = opt[1][i] = -1;
        for (int i = 0; i < ps->nattrs; i++) {
                attr_opt_t *a = &ps->attrs[i];
                int si = find_slot(c, a->topic, a->ns, a->path);
                if (si >= 0)
                        opt[a->opt][si] = a->v;
        }
        /* expressions, options */
        for (int i = 0; i < c->nslots; i++) {
                dg_slot_t *s = &c->slots[i];
                if (s->strategy != DG_DEPENDENT) {
                        s->expr = faker_compile(c->faker, s->with_val, err,
                                                sizeof(err));
                        if (!s->expr) {
                                fail(ps, s->with_kv, "%s Configuration %s = %s",
                                     err, s->with_key, s->with_val);
                                goto out;
                        }
                }
                if (s->strategy == DG_ISOLATED) {
                        s->null_rate = opt[OPT_NULL_RATE][i];
                } else {
                        s->src_slot = find_slot(c, s->src_topic, s->src_ns,
                                                s->src_path);
                        s->null_rate = s->src_slot >= 0
                                               ? opt[OPT_NULL_RATE][s->src_slot]
                                               : -1;
                        s->matching_rate =
                                s->src_slot >= 0
                                        ? opt[OPT_MATCHING_RATE][s->src_slot]
                                        : -1;
                        if (s->matching_rate < 0)
                                s->matching_rate = c->g_matching_rate >= 0
                                                           ? c->g_matching_rate
                                                           : 0.1;
                }
                s->null_rate = clamp01(s->null_rate);
                s->matching_rate = clamp01(s->matching_rate);
        }
        /* per topic: deps, kinds, options, plans */
        for (int t = 0; t < c->ntopics; t++) {
                dg_topic_t *tp = &c->topics[t];
                for (int ns = 0; ns < 2; ns++) {
                        for (int k = 0; k < tp->nslots[ns]; k++) {
                                dg_slot_t *s = &c->slots[tp->slots[ns][k]];
                                if (s->src_slot < 0 || mark[s->src_topic] == t + 1)
                                        continue;
                                mark[s->src_topic] = t + 1;
                                int *a = grow(tp->deps, tp->ndeps, sizeof(int));
                                if (!a) {
                                        fail(ps, -1, "out of memory");
                                        goto out;
                                }
                                tp->deps = a;
                                a[tp->ndeps++] = s->src_topic;
                        }
                }
                for (int ns = 0; ns < 2; ns++) {
                        tp->kind[ns] = !tp->nslots[ns] ? DG_KIND_NONE
                                       : ns_has_prim(c, t, ns) ? DG_KIND_PRIM
                                                              : DG_KIND_COMPLEX;
                        if (tp->kind[ns] != DG_KIND_COMPLEX)
                                continue;
                        tp->plan[ns] = plan_new(0);
                        if (!tp->plan[ns]) {
                                fail(ps, -1, "out of memory");
                                goto out;
                        }
                        for (int k = 0; k < tp->nslots[ns]; k++) {
                                dg_slot_t *s = &c->slots[tp->slots[ns][k]];
                                int prc = plan_insert(tp->plan[ns], s->path,
                                                      tp->slots[ns][k]);
                                if (prc == -1) {
                                        fail(ps, -1, "out of memory");
                                        goto out;
                                }
                                if (prc == -2) {
                                        fail(ps, s->first_kv,
                                             "Attribute %s of topic %s's %s is "
                                             "both a value and a map of "
                                             "attributes.",
                                             s->path, tp->name, NS_NAME[ns]);
                                        goto out;
                                }
                        }
                        if (plan_sort(tp->plan[ns])) {
                                fail(ps, -1, "out of memory");
                                goto out;
                        }
                }
                tp->throttle_ms = tp->opt_throttle >= 0 ? tp->opt_throttle
                                  : c->g_throttle >= 0  ? c->g_throttle
                                                        : 0;
                tp->hist_max = tp->opt_hist >= 0 ? tp->opt_hist
                               : c->g_hist >= 0  ? c->g_hist
                                                 : 1000000;
        }
        if (check_record_size(ps))
                goto out;
        /* history fields: every slot some matching reads */
        for (int i = 0; i < c->nslots; i++) {
                dg_slot_t *s = &c->slots[i];
                if (s->src_slot < 0)
                        continue;
                dg_slot_t *src = &c->slots[s->src_slot];
                if (src->hist_field >= 0)
                        continue;
                dg_topic_t *st = &c->topics[src->topic];
                int *a = grow(st->hist_slots, st->nhist, sizeof(int));
                if (!a) {
                        fail(ps, -1, "out of memory");
                        goto out;
                }
                st->hist_slots = a;
                src->hist_field = st->nhist;
                a[st->nhist++] = s->src_slot;
        }
        /* round robin over topics with generators */
        c->seq = calloc((size_t)c->ntopics + 1, sizeof(int));
        if (!c->seq) {
                fail(ps, -1, "out of memory");
                goto out;
        }
        for (int t = 0; t < c->ntopics; t++)
                if (c->topics[t].has_gen)
                        c->seq[c->nseq++] = t;
        rc = 0;
out:
        free(opt[0]);
        free(opt[1]);
        free(mark);
        return rc;
}

dg_config_t *dg_config_new(const dg_kv_t *kv, size_t n, const char **bad_key,
                           char *errstr, size_t errstr_size)
{
        parse_t ps;
        dg_config_t *c = calloc(1, sizeof(*c));
        const faker_data_t *fd;
        int ok = 0;

        memset(&ps, 0, sizeof(ps));
        ps.c = c;
        ps.bad_key = bad_key;
        ps.errstr = errstr;
        ps.errsz = errstr_size;
        if (bad_key)
                *bad_key = NULL;
        if (!c) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        c->g_throttle = c->g_hist = -1;
        c->g_matching_rate = -1;
        c->kv = calloc(n + 1, sizeof(*c->kv));
        if (!c->kv) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        for (size_t i = 0; i < n; i++) {
                c->kv[i].key = strdup(kv[i].key ? kv[i].key : "");
                c->kv[i].value = strdup(kv[i].value ? kv[i].value : "");
                c->nkv = i + 1;
                if (!c->kv[i].key || !c->kv[i].value) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out;
                }
        }
        for (size_t i = 0; i < n; i++)
                if (parse_entry(&ps, (int)i))
                        goto out;
        fd = faker_data_get(errstr, errstr_size);
        if (!fd) {
                if (bad_key)
                        *bad_key = NULL;
                goto out;
        }
        c->faker = faker_new(fd);
        if (!c->faker) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        if (finish(&ps))
                goto out;
        ok = 1;
out:
        for (int i = 0; i < ps.nattrs; i++)
                free(ps.attrs[i].path);
        free(ps.attrs);
        free(ps.topts);
        if (!ok) {
                /* bad_key points into c->kv: translate to the caller's map */
                if (bad_key && *bad_key) {
                        for (size_t i = 0; i < c->nkv; i++)
                                if (c->kv[i].key == *bad_key)
                                        *bad_key = kv[i].key;
                }
                dg_config_destroy(c);
                return NULL;
        }
        return c;
}

void dg_config_destroy(dg_config_t *c)
{
        if (!c)
                return;
        for (int t = 0; t < c->ntopics; t++) {
                dg_topic_t *tp = &c->topics[t];
                free(tp->name);
                free(tp->slots[0]);
                free(tp->slots[1]);
                free(tp->deps);
                free(tp->hist_slots);
                plan_free(tp->plan[0]);
                plan_free(tp->plan[1]);
        }
        for (int i = 0; i < c->nslots; i++) {
                free(c->slots[i].path);
                free(c->slots[i].src_path);
        }
        for (size_t i = 0; i < c->nkv; i++) {
                free((char *)c->kv[i].key);
                free((char *)c->kv[i].value);
        }
        free(c->kv);
        free(c->topics);
        free(c->slots);
        free(c->seq);
        free(c->tindex);
        free(c->sindex);
        faker_destroy(c->faker);
        free(c);
}
