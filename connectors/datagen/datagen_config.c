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

static int find_topic(parse_t *ps, const char *name, int create)
{
        dg_config_t *c = ps->c;
        for (int i = 0; i < c->ntopics; i++)
                if (!strcmp(c->topics[i].name, name))
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
        return c->ntopics++;
}

int dg_config_topic(const dg_config_t *c, const char *name)
{
        for (int i = 0; i < c->ntopics; i++)
                if (!strcmp(c->topics[i].name, name))
                        return i;
        return -1;
}

static int find_slot(const dg_config_t *c, int topic, int ns, const char *path)
{
        for (int i = 0; i < c->nslots; i++)
                if (c->slots[i].topic == topic && c->slots[i].ns == ns &&
                    !strcmp(c->slots[i].path, path))
                        return i;
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
        if (!s->path)
                return -2;
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
                } else {
                        if (sometimes)
                                s->n_smatch++;
                        else
                                s->n_match++;
                        s->match_key = key;
                        s->match_val = val;
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
        out[0] = '\0';
        for (int i = 0; i < n; i++) {
                int t = topics[i];
                if (ps->c->topics[t].has_gen)
                        continue;
                int dup = 0;
                for (int j = 0; j < i; j++)
                        if (topics[j] == t)
                                dup = 1;
                if (dup)
                        continue;
                if (!found)
                        *first = i;
                if (k < sz)
                        k += (size_t)snprintf(out + k, sz - k, "%s%s",
                                              found ? ", " : "",
                                              ps->c->topics[t].name);
                found++;
        }
        return found;
}

static int ns_has_prim(const dg_config_t *c, int t, int ns)
{
        return find_slot(c, t, ns, "") >= 0;
}

static int ns_has_complex(const dg_config_t *c, int t, int ns)
{
        for (int i = 0; i < c->nslots; i++)
                if (c->slots[i].topic == t && c->slots[i].ns == ns &&
                    c->slots[i].path[0])
                        return 1;
        return 0;
}

static int kv_index(const dg_config_t *c, const char *key)
{
        for (size_t k = 0; k < c->nkv; k++)
                if (c->kv[k].key == key)
                        return (int)k;
        return -1;
}

/* §4 checks 1 and 2; tmp has room for every topic and attribute option. */
static int validate_options(parse_t *ps, int *tmp)
{
        char names[512];
        int first = 0, n;

        /* 1. topic options without generators */
        n = 0;
        for (int i = 0; i < ps->ntopts; i++)
                tmp[n++] = ps->topts[i].topic;
        if (list_unknown(ps, tmp, n, names, sizeof(names), &first))
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
        if (list_unknown(ps, tmp, n, names, sizeof(names), &first))
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
                        for (int i = 0; i < c->nslots; i++) {
                                dg_slot_t *s = &c->slots[i];
                                if (s->topic != t || s->ns != ns ||
                                    !s->match_key)
                                        continue;
                                int kv = kv_index(c, s->match_key);
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

static double attr_lookup(parse_t *ps, int topic, int ns, const char *path,
                          int opt)
{
        double v = -1;
        for (int i = 0; i < ps->nattrs; i++) {
                attr_opt_t *a = &ps->attrs[i];
                if (a->topic == topic && a->ns == ns && a->opt == opt &&
                    !strcmp(a->path, path))
                        v = a->v;
        }
        return v;
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
                plan_free(p->f[i].sub);
        }
        free(p->f);
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
        int i;

        for (i = 0; i < p->n; i++)
                if (strlen(p->f[i].name) == l && !memcmp(p->f[i].name, path, l))
                        break;
        if (i == p->n) {
                void *nf = realloc(p->f, (size_t)(p->n + 1) * sizeof(*p->f));
                if (!nf)
                        return -1;
                p->f = nf;
                memset(&p->f[i], 0, sizeof(p->f[i]));
                p->f[i].name = strndup(path, l);
                p->f[i].slot = -1;
                p->n++;
                if (!p->f[i].name)
                        return -1;
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

static void plan_sort(dg_plan_t *p)
{
        uint32_t size = 16;
        while ((uint32_t)p->n > size / 4 * 3)
                size *= 2;
        /* stable insertion sort by bucket index */
        for (int i = 1; i < p->n; i++) {
                struct dg_plan_field f = p->f[i];
                uint32_t fi = dg_hashmap_index(f.name, size);
                int j = i - 1;
                while (j >= 0 && dg_hashmap_index(p->f[j].name, size) > fi) {
                        p->f[j + 1] = p->f[j];
                        j--;
                }
                p->f[j + 1] = f;
        }
        for (int i = 0; i < p->n; i++)
                if (p->f[i].sub)
                        plan_sort(p->f[i].sub);
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
        for (int t = 0; t < c->ntopics; t++) {
                size_t total = 0;
                for (int i = 0; i < c->nslots; i++) {
                        const dg_slot_t *s = &c->slots[i];
                        if (s->topic != t)
                                continue;
                        size_t m = slot_max(c, i);
                        if (__builtin_add_overflow(total, m, &total) ||
                            total > DG_BUF_MAX)
                                return fail(ps, s->first_kv,
                                            "Records of topic %s can be larger "
                                            "than the limit of %u bytes: "
                                            "together its fields can produce "
                                            "more (up to %zu bytes in %s).",
                                            c->topics[t].name,
                                            (unsigned)DG_BUF_MAX, m,
                                            c->kv[s->first_kv].key);
                }
        }
        return 0;
}

static int finish(parse_t *ps)
{
        dg_config_t *c = ps->c;
        char err[512];

        /* strategies, expressions, options */
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
                        return fail(ps, kv_index(c, k),
                                    "Conflicting generators for topic %s's %s%s%s "
                                    "(%s): use exactly one 'with', one "
                                    "'matching', or one 'sometimes.with' "
                                    "together with one 'sometimes.matching'.",
                                    c->topics[s->topic].name, NS_NAME[s->ns],
                                    s->path[0] ? " attribute " : "", s->path, k);
        }
        if (validate(ps))
                return -1;
        for (int i = 0; i < c->nslots; i++) {
                dg_slot_t *s = &c->slots[i];
                if (s->strategy != DG_DEPENDENT) {
                        s->expr = faker_compile(c->faker, s->with_val, err,
                                                sizeof(err));
                        if (!s->expr)
                                return fail(ps, kv_index(c, s->with_key),
                                            "%s Configuration %s = %s", err,
                                            s->with_key, s->with_val);
                }
                if (s->strategy == DG_ISOLATED) {
                        s->null_rate = attr_lookup(ps, s->topic, s->ns, s->path,
                                                   OPT_NULL_RATE);
                } else {
                        s->src_slot = find_slot(c, s->src_topic, s->src_ns,
                                                s->src_path);
                        s->null_rate = attr_lookup(ps, s->src_topic, s->src_ns,
                                                   s->src_path, OPT_NULL_RATE);
                        s->matching_rate = attr_lookup(ps, s->src_topic,
                                                       s->src_ns, s->src_path,
                                                       OPT_MATCHING_RATE);
                        if (s->matching_rate < 0)
                                s->matching_rate = c->g_matching_rate >= 0
                                                           ? c->g_matching_rate
                                                           : 0.1;
                }
                s->null_rate = clamp01(s->null_rate);
                s->matching_rate = clamp01(s->matching_rate);
        }
        /* per topic: slots, kinds, deps, history fields, options, plans */
        for (int t = 0; t < c->ntopics; t++) {
                dg_topic_t *tp = &c->topics[t];
                for (int i = 0; i < c->nslots; i++) {
                        dg_slot_t *s = &c->slots[i];
                        if (s->topic == t) {
                                int *a = realloc(tp->slots[s->ns],
                                                 (size_t)(tp->nslots[s->ns] + 1) *
                                                         sizeof(int));
                                if (!a)
                                        return fail(ps, -1, "out of memory");
                                tp->slots[s->ns] = a;
                                a[tp->nslots[s->ns]++] = i;
                        }
                        if (s->src_slot >= 0 && s->topic == t) {
                                int seen = 0;
                                for (int d = 0; d < tp->ndeps; d++)
                                        if (tp->deps[d] == s->src_topic)
                                                seen = 1;
                                if (!seen) {
                                        int *a = realloc(tp->deps,
                                                         (size_t)(tp->ndeps + 1) *
                                                                 sizeof(int));
                                        if (!a)
                                                return fail(ps, -1,
                                                            "out of memory");
                                        tp->deps = a;
                                        a[tp->ndeps++] = s->src_topic;
                                }
                        }
                }
                for (int ns = 0; ns < 2; ns++) {
                        tp->kind[ns] = !tp->nslots[ns] ? DG_KIND_NONE
                                       : ns_has_prim(c, t, ns) ? DG_KIND_PRIM
                                                              : DG_KIND_COMPLEX;
                        if (tp->kind[ns] != DG_KIND_COMPLEX)
                                continue;
                        tp->plan[ns] = plan_new(0);
                        if (!tp->plan[ns])
                                return fail(ps, -1, "out of memory");
                        for (int k = 0; k < tp->nslots[ns]; k++) {
                                dg_slot_t *s = &c->slots[tp->slots[ns][k]];
                                int rc = plan_insert(tp->plan[ns], s->path,
                                                     tp->slots[ns][k]);
                                if (rc == -1)
                                        return fail(ps, -1, "out of memory");
                                if (rc == -2)
                                        return fail(ps, s->first_kv,
                                                    "Attribute %s of topic %s's "
                                                    "%s is both a value and a "
                                                    "map of attributes.",
                                                    s->path, tp->name,
                                                    NS_NAME[ns]);
                        }
                        plan_sort(tp->plan[ns]);
                }
                tp->throttle_ms = tp->opt_throttle >= 0 ? tp->opt_throttle
                                  : c->g_throttle >= 0  ? c->g_throttle
                                                        : 0;
                tp->hist_max = tp->opt_hist >= 0 ? tp->opt_hist
                               : c->g_hist >= 0  ? c->g_hist
                                                 : 1000000;
        }
        if (check_record_size(ps))
                return -1;
        /* history fields: every slot some matching reads */
        for (int i = 0; i < c->nslots; i++) {
                dg_slot_t *s = &c->slots[i];
                if (s->src_slot < 0)
                        continue;
                dg_slot_t *src = &c->slots[s->src_slot];
                if (src->hist_field >= 0)
                        continue;
                dg_topic_t *st = &c->topics[src->topic];
                int *a = realloc(st->hist_slots,
                                 (size_t)(st->nhist + 1) * sizeof(int));
                if (!a)
                        return fail(ps, -1, "out of memory");
                st->hist_slots = a;
                src->hist_field = st->nhist;
                a[st->nhist++] = s->src_slot;
        }
        /* round robin over topics with generators */
        c->seq = calloc((size_t)c->ntopics + 1, sizeof(int));
        if (!c->seq)
                return fail(ps, -1, "out of memory");
        for (int t = 0; t < c->ntopics; t++)
                if (c->topics[t].has_gen)
                        c->seq[c->nseq++] = t;
        return 0;
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
        faker_destroy(c->faker);
        free(c);
}
