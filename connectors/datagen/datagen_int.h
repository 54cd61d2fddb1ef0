/*
 * datagen_int.h — the generator core, usable without a worker.
 *
 * Three layers, each in its own file:
 *   faker_data.c   ruby-faker YAML locale tree (loaded once per process,
 *                  immutable afterwards, shared by every task)
 *   faker.c        faker expressions: compiled once into trees of literal
 *                  parts, programmatic methods and pre-flattened YAML
 *                  lists; evaluated per record with no allocation
 *   datagen_config.c  config grammar, validation (spec §2, §4), slots,
 *                  options and output plans
 *   datagen_task.c    per-task state machine (spec §5): history, throttle,
 *                  round robin; emits events through a callback
 *   datagen_plugin.c  the connectd_connector_desc_t adapter
 *
 * Unit tests and the bench call the core directly; only datagen_plugin.c
 * touches the host function table.
 */
#ifndef CONNECTD_DATAGEN_INT_H
#define CONNECTD_DATAGEN_INT_H

#include <stddef.h>

#include "connect/plugin.h"
#include <stdint.h>
#include <string.h>

/* ---- random numbers: xoshiro256** seeded through splitmix64 ---- */
typedef struct dg_rng {
        uint64_t s[4];
} dg_rng_t;

void dg_rng_seed(dg_rng_t *r, uint64_t seed);
/* Seed from getrandom() (falls back to time and address bits). */
void dg_rng_seed_random(dg_rng_t *r);

static inline uint64_t dg_rotl(uint64_t x, int k)
{
        return (x << k) | (x >> (64 - k));
}

static inline uint64_t dg_rng_next(dg_rng_t *r)
{
        uint64_t *s = r->s;
        uint64_t res = dg_rotl(s[1] * 5, 7) * 9;
        uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = dg_rotl(s[3], 45);
        return res;
}

/* Uniform in [0, n); n == 0 gives 0. Lemire's method with rejection. */
static inline uint64_t dg_rng_below(dg_rng_t *r, uint64_t n)
{
        if (n == 0)
                return 0;
        unsigned __int128 m = (unsigned __int128)dg_rng_next(r) * n;
        uint64_t lo = (uint64_t)m;
        if (lo < n) {
                uint64_t thresh = -n % n;
                while (lo < thresh) {
                        m = (unsigned __int128)dg_rng_next(r) * n;
                        lo = (uint64_t)m;
                }
        }
        return (uint64_t)(m >> 64);
}

/* Uniform double in [0, 1). */
static inline double dg_rng_double(dg_rng_t *r)
{
        return (double)(dg_rng_next(r) >> 11) * 0x1.0p-53;
}

/* ---- output buffer: grows (rarely) up to a ceiling, reused per record ---- */
#define DG_BUF_MAX (1u << 20) /* one event's text never exceeds 1 MiB */

typedef struct dg_buf {
        char *p;
        size_t len;
        size_t cap;
        int overflow; /* set when an append hit DG_BUF_MAX */
} dg_buf_t;

void dg_buf_init(dg_buf_t *b, size_t initial);
void dg_buf_free(dg_buf_t *b);
int dg_buf_grow(dg_buf_t *b, size_t need);
/* s[0..n) as a JSON string, escaped as Connect's JsonConverter does. */
void dg_json_str(dg_buf_t *b, const char *s, size_t n);

static inline void dg_buf_put(dg_buf_t *b, const char *s, size_t n)
{
        if (b->len + n > b->cap && dg_buf_grow(b, b->len + n))
                return;
        /* memcpy, not a byte loop: a char store may alias b itself, so a
         * loop reloads b->p and b->len for every byte. */
        if (n)
                memcpy(b->p + b->len, s, n);
        b->len += n;
}

static inline void dg_buf_putc(dg_buf_t *b, char c)
{
        if (b->len + 1 > b->cap && dg_buf_grow(b, b->len + 1))
                return;
        b->p[b->len++] = c;
}

/* ---- faker data (ruby-faker YAML) ---- */
typedef struct faker_data faker_data_t;

/* The process-wide tree for the locales directory: $CONNECTD_FAKER_LOCALES,
 * else the glob /usr/share/rubygems-integration/all/gems/faker-* /lib/locales.
 * Loaded on first use, kept until exit. NULL with the reason in errstr (the
 * reason names the Debian package to install). Thread-safe. */
const faker_data_t *faker_data_get(char *errstr, size_t errstr_size);
/* Milliseconds the load took and how many files were skipped (bench). */
double faker_data_load_ms(const faker_data_t *d);
int faker_data_files(const faker_data_t *d, int *skipped);

/* ---- faker expressions ---- */
typedef struct faker faker_t;         /* a compiler + everything it made */
typedef struct faker_expr faker_expr_t; /* owned by its faker_t */

/* Per-task evaluation state. */
typedef struct faker_rt {
        dg_rng_t rng;
        int64_t now_ms;        /* wall clock of the event, set by caller */
        struct {
                int64_t minute; /* epoch minute cached, INT64_MIN: empty */
                char text[40];  /* "Wed Nov 25 17:32:" ... " UTC 2026" */
                int sec0;       /* local seconds at the minute start */
                size_t head;    /* bytes before the seconds digits */
        } dcache[4];
        dg_buf_t tmp;          /* scratch for methods that post-process */
} faker_rt_t;

faker_t *faker_new(const faker_data_t *d);
void faker_destroy(faker_t *f);
/* Compile a `with` value. NULL with "Unable to resolve #{X} directive."
 * (or another sentence) in errstr. */
faker_expr_t *faker_compile(faker_t *f, const char *text, char *errstr,
                            size_t errstr_size);
void faker_rt_init(faker_rt_t *rt, uint64_t seed);
void faker_rt_free(faker_rt_t *rt);
/* Upper bound of the bytes one evaluation appends (at most DG_BUF_MAX:
 * faker_compile refuses anything that could make more). */
size_t faker_expr_max_len(const faker_expr_t *e);
/* Bytes the compiler has allocated so far (tests, bench). */
size_t faker_alloc_bytes(const faker_t *f);
/* Append the expression's value to out. */
void faker_eval(const faker_expr_t *e, faker_rt_t *rt, dg_buf_t *out);
/* Wall-clock ms now. */
int64_t dg_now_ms(void);
int64_t dg_mono_ms(void);
/* Java Date.toString() of an epoch-ms instant, local zone. */
size_t dg_format_date(faker_rt_t *rt, int64_t ms, char *out, size_t n);
/* Parse Date.toString() text; 0 ok. */
int dg_parse_date(const char *s, int64_t *ms);

/* ---- config ---- */
enum { DG_NS_KEY = 0, DG_NS_VALUE = 1 };
enum { DG_KIND_NONE = 0, DG_KIND_PRIM, DG_KIND_COMPLEX };
enum { DG_ISOLATED = 1, DG_DEPENDENT, DG_EITHER };

typedef struct dg_kv {
        const char *key;
        const char *value;
} dg_kv_t;

typedef struct dg_plan dg_plan_t;
struct dg_index { uint64_t h; int v; }; /* open-addressing hash index */
struct dg_plan {
        int depth;    /* 0: Gen0 */
        char schema_name[48]; /* "com.amazonaws.mskdatagen.Gen<depth>" */
        int n;
        struct dg_plan_field {
                const char *name;
                char *key;         /* the name as JSON text and ':' */
                size_t keylen;
                int slot;          /* slot index, or -1 when sub != NULL */
                dg_plan_t *sub;
        } *f;
        struct dg_index *index;    /* fields by name, while building */
        size_t index_cap;
};

typedef struct dg_slot {
        int topic;
        int ns;
        char *path;          /* "a->b"; "" for a primitive */
        int strategy;
        const char *with_key, *with_val;   /* point into cfg copies */
        const char *match_key, *match_val;
        faker_expr_t *expr;
        int src_topic, src_ns;
        char *src_path;
        int src_slot;        /* slot index in the source topic */
        double null_rate;
        double matching_rate;
        int hist_field;      /* index in this topic's history, -1: none */
        /* parse bookkeeping */
        int n_with, n_match, n_swith, n_smatch;
        int first_kv;        /* config index of the first gen key */
        int with_kv, match_kv; /* config index of with_key / match_key */
} dg_slot_t;

typedef struct dg_topic {
        char *name;
        int has_gen;
        int kind[2];          /* DG_KIND_* per namespace */
        int *slots[2];        /* slot indices per namespace */
        int nslots[2];
        int *deps;            /* source topic indices, distinct */
        int ndeps;
        int64_t throttle_ms;
        int64_t hist_max;
        int64_t exactly;      /* 0: unlimited */
        double tombstone_rate;
        int nhist;            /* fields kept in history */
        int *hist_slots;      /* slot index of each history field */
        dg_plan_t *plan[2];   /* complex namespaces */
        /* raw options (-1: unset) */
        int64_t opt_throttle, opt_hist;
        int first_kv;
        int has_attr[2];      /* some slot of the namespace has a path */
} dg_topic_t;

typedef struct dg_config {
        dg_kv_t *kv;          /* own copies of the map */
        size_t nkv;
        dg_topic_t *topics;
        int ntopics;
        dg_slot_t *slots;
        int nslots;
        int *seq;             /* round-robin order: topics with generators */
        int nseq;
        int64_t g_throttle, g_hist; /* -1: unset */
        double g_matching_rate;     /* < 0: unset */
        faker_t *faker;
        /* hash indexes of topics by name and slots by (topic, ns, path) */
        struct dg_index *tindex, *sindex;
        size_t tindex_cap, sindex_cap;
} dg_config_t;

/* Parse, validate (§2, §4) and compile. NULL on error: errstr gets the
 * message; *bad_key (may be NULL) the offending key (points into kv, valid
 * until the caller's map changes) or NULL when no single key is to blame. */
dg_config_t *dg_config_new(const dg_kv_t *kv, size_t n, const char **bad_key,
                           char *errstr, size_t errstr_size);
void dg_config_destroy(dg_config_t *c);
int dg_config_topic(const dg_config_t *c, const char *name);

/* ---- task ---- */
typedef struct dg_val {
        uint32_t off;
        uint32_t len;
        int null;
} dg_val_t;

/* One generated event; valid during the emit callback only. */
typedef struct dg_event {
        const dg_config_t *cfg;
        const dg_topic_t *topic;
        int topic_idx;
        int ns_null[2];       /* whole namespace null (no generator/tombstone) */
        const dg_val_t *vals; /* indexed by slot index */
        const char *buf;
} dg_event_t;

typedef struct dg_task dg_task_t;
/* Returns 0 when the event was taken, 1 when the sink is full (the event is
 * dropped as if never generated and poll returns), -1 on error. */
typedef int (*dg_emit_fn)(void *arg, const dg_event_t *ev);
/* Sleep up to ms; return 1 when the task should stop. */
typedef int (*dg_sleep_fn)(void *arg, int64_t ms);

dg_task_t *dg_task_new(const dg_config_t *cfg, uint64_t seed);
void dg_task_destroy(dg_task_t *t);
/* Produce up to max records (spec §5.2). Returns the count (0: nothing now,
 * *drained set when every topic is retired or there are none), or -1 with
 * errstr (e.g. the livelock message). sleep may be NULL (no waiting). */
int dg_task_poll(dg_task_t *t, int max, dg_emit_fn emit, void *emit_arg,
                 dg_sleep_fn sleep, void *sleep_arg, int *drained,
                 char *errstr, size_t errstr_size);
faker_rt_t *dg_task_rt(dg_task_t *t);
int64_t dg_task_history_len(const dg_task_t *t, int topic);
int64_t dg_task_produced(const dg_task_t *t, int topic);
/* Bytes of text the topic's history holds (tests). */
size_t dg_task_history_bytes(const dg_task_t *t, int topic);

/* Field of an event by namespace and path ("" for the primitive): pointer
 * and length, NULL when null or absent. */
const char *dg_event_field(const dg_event_t *ev, int ns, const char *path,
                           size_t *len);
/* JSON text (schemas disabled) of a namespace, fields in plan order.
 * Returns the length written to out (NUL-terminated, truncated to n). */
size_t dg_event_json(const dg_event_t *ev, int ns, char *out, size_t n);
/* 1 when the namespace's value is null (a tombstone, or a null primitive). */
int dg_event_null(const dg_event_t *ev, int ns);
/* The namespace as JsonConverter (schemas.enable=false) writes the value
 * built from it, byte for byte, into out (reset first). 0, or -1 when out
 * overflowed. */
int dg_event_json_buf(const dg_event_t *ev, int ns, dg_buf_t *out);
/* The namespace as the value tree the plugin builds without the JSON fast
 * path (datagen_plugin.c; the host given to datagen_plugin_init). */
connectd_value_t *dg_event_value(connectd_record_t *rec, const dg_event_t *ev,
                                 int ns);

/* Java HashMap iteration index of a key in a table of `size` buckets. */
uint32_t dg_hashmap_index(const char *name, uint32_t size);

#endif
