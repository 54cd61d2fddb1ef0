/*
 * datagen_task — one task's generator state machine (spec §5).
 *
 * DESIGN
 * A task owns its random source, its per-topic throttle clocks, counters
 * and histories; nothing is shared with other tasks. An event is generated
 * into one reusable text buffer (dg_val_t offsets per slot), handed to the
 * emit callback, then the fields other topics `matching` read are copied
 * into the topic's history ring. History entries keep their buffers when
 * they are overwritten, so after warm-up nothing is allocated per record.
 * Only referenced fields are stored: a topic no one matches keeps a count.
 *
 * @locality the task's thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen_int.h"

#define MAX_FAILURES 100
/* A throttled poll sleeps until its next record is due, at most this
 * long: 10,000 connectors throttled to a record a minute cost no wake-ups
 * in between. The host's sleep ends early for a stop, a pause or a failed
 * delivery, and the generator has no source offsets to commit. */
#define MAX_SLEEP_MS 60000
#define HIST_INITIAL 64
#define NULL_LEN UINT32_MAX
/* Text one topic's history may hold per task. history.records.max
 * defaults to a million and records may be 1 MiB: without a budget the
 * history of one big topic could grow to a terabyte. Past it the history
 * stops growing and evicts its oldest record, as at history.records.max. */
#define HIST_MAX_BYTES ((size_t)64 << 20)

typedef struct hist {
        int64_t cap, head, count;
        uint32_t *off, *len;   /* cap * nf */
        char **data;
        uint32_t *dcap;
        size_t bytes;          /* sum of dcap */
} hist_t;

typedef struct tstate {
        int64_t last;          /* monotonic ms of the last success */
        int has_last;
        int64_t produced;
        int retired;
        hist_t h;
} tstate_t;

struct dg_task {
        const dg_config_t *cfg;
        faker_rt_t rt;
        dg_buf_t ev;
        dg_val_t *vals;
        tstate_t *ts;
        int64_t *picks;        /* per topic: physical history index or -1 */
        int cursor;
        int active;
};

dg_task_t *dg_task_new(const dg_config_t *cfg, uint64_t seed)
{
        dg_task_t *t = calloc(1, sizeof(*t));
        if (!t)
                return NULL;
        t->cfg = cfg;
        faker_rt_init(&t->rt, seed);
        dg_buf_init(&t->ev, 512);
        t->vals = calloc((size_t)cfg->nslots + 1, sizeof(*t->vals));
        t->ts = calloc((size_t)cfg->ntopics + 1, sizeof(*t->ts));
        t->picks = calloc((size_t)cfg->ntopics + 1, sizeof(*t->picks));
        if (!t->vals || !t->ts || !t->picks || !t->ev.p) {
                dg_task_destroy(t);
                return NULL;
        }
        t->active = cfg->nseq;
        return t;
}

void dg_task_destroy(dg_task_t *t)
{
        if (!t)
                return;
        if (t->ts) {
                for (int i = 0; i < t->cfg->ntopics; i++) {
                        hist_t *h = &t->ts[i].h;
                        if (h->data)
                                for (int64_t k = 0; k < h->cap; k++)
                                        free(h->data[k]);
                        free(h->data);
                        free(h->dcap);
                        free(h->off);
                        free(h->len);
                }
        }
        free(t->ts);
        free(t->vals);
        free(t->picks);
        dg_buf_free(&t->ev);
        faker_rt_free(&t->rt);
        free(t);
}

faker_rt_t *dg_task_rt(dg_task_t *t)
{
        return &t->rt;
}

int64_t dg_task_history_len(const dg_task_t *t, int topic)
{
        return t->ts[topic].h.count;
}

size_t dg_task_history_bytes(const dg_task_t *t, int topic)
{
        const hist_t *h = &t->ts[topic].h;
        size_t n = 0;
        for (int64_t i = 0; i < h->cap; i++)
                n += h->dcap[i];
        return n;
}

int64_t dg_task_produced(const dg_task_t *t, int topic)
{
        return t->ts[topic].produced;
}

/* Grow a history ring that has not wrapped yet (head == 0). */
static int hist_grow(hist_t *h, int nf, int64_t max)
{
        int64_t cap = h->cap ? h->cap * 2 : HIST_INITIAL;
        if (cap > max)
                cap = max;
        uint32_t *off = realloc(h->off, (size_t)(cap * nf) * sizeof(*off));
        if (!off)
                return -1;
        h->off = off;
        uint32_t *len = realloc(h->len, (size_t)(cap * nf) * sizeof(*len));
        if (!len)
                return -1;
        h->len = len;
        char **data = realloc(h->data, (size_t)cap * sizeof(*data));
        if (!data)
                return -1;
        h->data = data;
        uint32_t *dcap = realloc(h->dcap, (size_t)cap * sizeof(*dcap));
        if (!dcap)
                return -1;
        h->dcap = dcap;
        for (int64_t i = h->cap; i < cap; i++) {
                h->data[i] = NULL;
                h->dcap[i] = 0;
        }
        h->cap = cap;
        return 0;
}

/* Copy the referenced fields of the event into t's history. */
static int hist_store(dg_task_t *tk, int topic, const int ns_null[2])
{
        const dg_topic_t *tp = &tk->cfg->topics[topic];
        hist_t *h = &tk->ts[topic].h;
        int nf = tp->nhist;
        int64_t idx;
        size_t total = 0;

        if (nf == 0 || tp->hist_max <= 0)
                return 0;
        /* Once full (by count or by bytes, which never shrink) the ring
         * has count entries for good and head walks it. */
        if (h->count < tp->hist_max &&
            (h->count == 0 || h->bytes < HIST_MAX_BYTES)) {
                if (h->count == h->cap && hist_grow(h, nf, tp->hist_max))
                        return -1;
                idx = h->count++;
        } else {
                idx = h->head; /* evict the oldest */
                h->head = (h->head + 1) % h->count;
        }
        for (int f = 0; f < nf; f++) {
                const dg_slot_t *s = &tk->cfg->slots[tp->hist_slots[f]];
                const dg_val_t *v = &tk->vals[tp->hist_slots[f]];
                if (!ns_null[s->ns] && !v->null)
                        total += v->len;
        }
        /* an entry always has a buffer: an empty field points into it,
         * which tells it from a null one */
        if (total > h->dcap[idx] || !h->data[idx]) {
                size_t cap = total < 64 ? 64 : total * 2;
                char *p = realloc(h->data[idx], cap);
                if (!p)
                        return -1;
                h->data[idx] = p;
                h->bytes += cap - h->dcap[idx];
                h->dcap[idx] = (uint32_t)cap;
        }
        size_t o = 0;
        for (int f = 0; f < nf; f++) {
                const dg_slot_t *s = &tk->cfg->slots[tp->hist_slots[f]];
                const dg_val_t *v = &tk->vals[tp->hist_slots[f]];
                size_t k = (size_t)(idx * nf + f);
                if (ns_null[s->ns] || v->null) {
                        h->len[k] = NULL_LEN;
                        h->off[k] = 0;
                        continue;
                }
                if (v->len)
                        memcpy(h->data[idx] + o, tk->ev.p + v->off, v->len);
                h->off[k] = (uint32_t)o;
                h->len[k] = v->len;
                o += v->len;
        }
        return 0;
}

/* The history field a matching slot reads, NULL when null. */
static const char *hist_field(dg_task_t *tk, const dg_slot_t *s,
                              uint32_t *len)
{
        int64_t idx = tk->picks[s->src_topic];
        const dg_slot_t *src = &tk->cfg->slots[s->src_slot];
        const dg_topic_t *st = &tk->cfg->topics[s->src_topic];
        hist_t *h = &tk->ts[s->src_topic].h;
        size_t k;

        if (idx < 0 || src->hist_field < 0)
                return NULL;
        k = (size_t)(idx * st->nhist + src->hist_field);
        if (h->len[k] == NULL_LEN)
                return NULL;
        *len = h->len[k];
        return h->data[idx] + h->off[k];
}

static void put_copy(dg_task_t *tk, dg_val_t *v, const char *s, uint32_t len)
{
        v->off = (uint32_t)tk->ev.len;
        dg_buf_put(&tk->ev, s, len);
        v->len = (uint32_t)(tk->ev.len - v->off);
        v->null = 0;
}

static void put_eval(dg_task_t *tk, dg_val_t *v, const faker_expr_t *e)
{
        v->off = (uint32_t)tk->ev.len;
        faker_eval(e, &tk->rt, &tk->ev);
        v->len = (uint32_t)(tk->ev.len - v->off);
        v->null = 0;
}

/* last + throttle, saturating: throttle.ms may be as large as a long. */
static int64_t due_ms(int64_t last, int64_t throttle)
{
        int64_t r;
        return __builtin_add_overflow(last, throttle, &r) ? INT64_MAX : r;
}

/* Generate one event of topic t. 0 ok, -1 failure (try another topic). */
static int generate(dg_task_t *tk, int topic, int ns_null[2])
{
        const dg_config_t *c = tk->cfg;
        const dg_topic_t *tp = &c->topics[topic];
        dg_rng_t *rng = &tk->rt.rng;

        tk->ev.len = 0;
        tk->ev.overflow = 0;
        for (int d = 0; d < tp->ndeps; d++) {
                hist_t *h = &tk->ts[tp->deps[d]].h;
                tk->picks[tp->deps[d]] =
                        h->count ? (int64_t)((uint64_t)(h->head +
                                                        (int64_t)dg_rng_below(rng,
                                                                              (uint64_t)h->count)) %
                                             (uint64_t)h->count)
                                 : -1;
        }
        for (int ns = 0; ns < 2; ns++) {
                ns_null[ns] = tp->kind[ns] == DG_KIND_NONE;
                if (ns == DG_NS_VALUE && tp->tombstone_rate > 0 &&
                    dg_rng_double(rng) < tp->tombstone_rate) {
                        ns_null[ns] = 1;
                        continue;
                }
                for (int i = 0; i < tp->nslots[ns]; i++) {
                        const dg_slot_t *s = &c->slots[tp->slots[ns][i]];
                        dg_val_t *v = &tk->vals[tp->slots[ns][i]];
                        const char *f;
                        uint32_t flen = 0;

                        switch (s->strategy) {
                        case DG_ISOLATED:
                                if (s->null_rate > 0 &&
                                    dg_rng_double(rng) < s->null_rate) {
                                        v->null = 1;
                                        break;
                                }
                                put_eval(tk, v, s->expr);
                                break;
                        case DG_DEPENDENT:
                                f = hist_field(tk, s, &flen);
                                if (!f)
                                        return -1;
                                if (s->null_rate > 0 &&
                                    dg_rng_double(rng) < s->null_rate) {
                                        v->null = 1;
                                        break;
                                }
                                put_copy(tk, v, f, flen);
                                break;
                        case DG_EITHER:
                                if (s->null_rate > 0 &&
                                    dg_rng_double(rng) < s->null_rate) {
                                        v->null = 1;
                                        break;
                                }
                                f = hist_field(tk, s, &flen);
                                if (f && dg_rng_double(rng) <= s->matching_rate &&
                                    s->matching_rate > 0)
                                        put_copy(tk, v, f, flen);
                                else
                                        put_eval(tk, v, s->expr);
                                break;
                        }
                }
        }
        return tk->ev.overflow ? -1 : 0;
}

int dg_task_poll(dg_task_t *tk, int max, dg_emit_fn emit, void *emit_arg,
                 dg_sleep_fn sleep, void *sleep_arg, int *drained,
                 char *errstr, size_t errstr_size)
{
        const dg_config_t *c = tk->cfg;
        int emitted = 0, failures = 0, slept = 0;

        /* The clocks are read once per call (and after its one sleep): a
         * call makes at most `max` records, a millisecond or two. */
        int64_t now = dg_mono_ms();
        tk->rt.now_ms = dg_now_ms();

        *drained = 0;
        for (;;) {
                int progress = 0, throttled = 0;
                int64_t earliest = INT64_MAX;

                if (tk->active == 0) {
                        *drained = 1;
                        return emitted;
                }
                for (int step = 0; step < c->nseq; step++) {
                        int topic = c->seq[tk->cursor];
                        const dg_topic_t *tp = &c->topics[topic];
                        tstate_t *ts = &tk->ts[topic];
                        int ns_null[2];

                        tk->cursor = (tk->cursor + 1) % c->nseq;
                        if (ts->retired)
                                continue;
                        int64_t due;
                        if (tp->throttle_ms > 0 && ts->has_last &&
                            now < (due = due_ms(ts->last, tp->throttle_ms))) {
                                throttled++;
                                if (due < earliest)
                                        earliest = due;
                                continue;
                        }
                        if (generate(tk, topic, ns_null)) {
                                if (++failures > MAX_FAILURES) {
                                        snprintf(errstr, errstr_size,
                                                 "Couldn't generate another "
                                                 "event. State machine may be "
                                                 "livelocked.");
                                        return -1;
                                }
                                continue;
                        }
                        dg_event_t ev = { .cfg = c,
                                          .topic = tp,
                                          .topic_idx = topic,
                                          .ns_null = { ns_null[0], ns_null[1] },
                                          .vals = tk->vals,
                                          .buf = tk->ev.p };
                        int erc = emit ? emit(emit_arg, &ev) : 0;
                        if (erc > 0) /* batch full: not produced, stop */
                                return emitted;
                        if (erc < 0) {
                                snprintf(errstr, errstr_size,
                                         "could not add a record to the batch");
                                return -1;
                        }
                        if (hist_store(tk, topic, ns_null)) {
                                snprintf(errstr, errstr_size,
                                         "out of memory for the history of "
                                         "topic %s", tp->name);
                                return -1;
                        }
                        failures = 0;
                        ts->last = now;
                        ts->has_last = 1;
                        ts->produced++;
                        if (tp->exactly > 0 && ts->produced >= tp->exactly) {
                                ts->retired = 1;
                                tk->active--;
                        }
                        progress++;
                        if (++emitted >= max)
                                return emitted;
                }
                if (progress)
                        continue;
                if (emitted)
                        return emitted;
                if (throttled) {
                        /* one sleep per call keeps poll() short */
                        int64_t wait = earliest - dg_mono_ms();
                        if (wait < 1)
                                wait = 1;
                        if (wait > MAX_SLEEP_MS)
                                wait = MAX_SLEEP_MS;
                        if (!sleep || slept)
                                return 0;
                        slept = 1;
                        if (sleep(sleep_arg, wait))
                                return 0;
                        now = dg_mono_ms();
                        tk->rt.now_ms = dg_now_ms();
                }
        }
}

/* ---- reading events ---- */

const char *dg_event_field(const dg_event_t *ev, int ns, const char *path,
                           size_t *len)
{
        const dg_topic_t *tp = ev->topic;
        if (ev->ns_null[ns])
                return NULL;
        for (int i = 0; i < tp->nslots[ns]; i++) {
                const dg_slot_t *s = &ev->cfg->slots[tp->slots[ns][i]];
                if (strcmp(s->path, path))
                        continue;
                const dg_val_t *v = &ev->vals[tp->slots[ns][i]];
                if (v->null)
                        return NULL;
                *len = v->len;
                return ev->buf + v->off;
        }
        return NULL;
}

typedef struct jout {
        char *p;
        size_t n, len;
} jout_t;

static void jput(jout_t *o, const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (o->len + 1 < o->n)
                        o->p[o->len] = s[i];
                o->len++;
        }
}

static void jstr(jout_t *o, const char *s, size_t n)
{
        static const char hex[] = "0123456789abcdef";
        jput(o, "\"", 1);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                char e[8];
                if (c == '"' || c == '\\') {
                        e[0] = '\\';
                        e[1] = (char)c;
                        jput(o, e, 2);
                } else if (c < 0x20) {
                        const char *m = c == '\n' ? "\\n" : c == '\t' ? "\\t"
                                        : c == '\r' ? "\\r" : c == '\b' ? "\\b"
                                        : c == '\f' ? "\\f" : NULL;
                        if (m) {
                                jput(o, m, 2);
                        } else {
                                memcpy(e, "\\u00", 4);
                                e[4] = hex[c >> 4];
                                e[5] = hex[c & 15];
                                jput(o, e, 6);
                        }
                } else {
                        jput(o, (const char *)&s[i], 1);
                }
        }
        jput(o, "\"", 1);
}

static void jplan(jout_t *o, const dg_event_t *ev, const dg_plan_t *p)
{
        jput(o, "{", 1);
        for (int i = 0; i < p->n; i++) {
                if (i)
                        jput(o, ",", 1);
                jstr(o, p->f[i].name, strlen(p->f[i].name));
                jput(o, ":", 1);
                if (p->f[i].sub) {
                        jplan(o, ev, p->f[i].sub);
                        continue;
                }
                const dg_val_t *v = &ev->vals[p->f[i].slot];
                if (v->null)
                        jput(o, "null", 4);
                else
                        jstr(o, ev->buf + v->off, v->len);
        }
        jput(o, "}", 1);
}

size_t dg_event_json(const dg_event_t *ev, int ns, char *out, size_t n)
{
        jout_t o = { out, n, 0 };
        const dg_topic_t *tp = ev->topic;

        if (ev->ns_null[ns]) {
                jput(&o, "null", 4);
        } else if (tp->kind[ns] == DG_KIND_PRIM) {
                const dg_val_t *v = &ev->vals[tp->slots[ns][0]];
                if (v->null)
                        jput(&o, "null", 4);
                else
                        jstr(&o, ev->buf + v->off, v->len);
        } else {
                jplan(&o, ev, tp->plan[ns]);
        }
        if (n)
                out[o.len < n ? o.len : n - 1] = '\0';
        return o.len;
}

/* 1 when one of the 8 bytes in x is below 0x20, '"' or '\\' (exact). */
static inline int word_dirty(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ULL;
        const uint64_t high = 0x8080808080808080ULL;
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

        return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
                ((b - ones) & ~b)) & high ? 1 : 0;
}

/* One escaped byte at d; returns the new end. */
static inline char *jb_escape(char *d, unsigned char c)
{
        static const char hex[] = "0123456789ABCDEF";

        *d++ = '\\';
        switch (c) {
        case '"': case '\\': *d++ = (char)c; break;
        case '\b': *d++ = 'b'; break;
        case '\t': *d++ = 't'; break;
        case '\n': *d++ = 'n'; break;
        case '\f': *d++ = 'f'; break;
        case '\r': *d++ = 'r'; break;
        default:
                memcpy(d, "u00", 3);
                d[3] = hex[c >> 4];
                d[4] = hex[c & 15];
                d += 5;
        }
        return d;
}

/* Jackson's string escaping, as JsonConverter writes strings: '"' and
 * '\\' escaped, control characters as \b \t \n \f \r or \u00XX (upper-case
 * hex), everything else (DEL, non-ASCII UTF-8) raw. Room for the worst
 * case (6 bytes per byte) is made once, clean 8-byte words are copied
 * whole; a string too long for that reserve goes byte by byte through
 * dg_buf_put (out->overflow when the text really exceeds DG_BUF_MAX). */
void dg_json_str(dg_buf_t *b, const char *s, size_t n)
{
        size_t i = 0;
        char *d;

        if (n > (DG_BUF_MAX - 2) / 6 || b->len + 6 * n + 2 > DG_BUF_MAX) {
                dg_buf_putc(b, '"');
                for (i = 0; i < n; i++) {
                        unsigned char c = (unsigned char)s[i];
                        char e[6];

                        if (c >= 0x20 && c != '"' && c != '\\')
                                dg_buf_putc(b, (char)c);
                        else
                                dg_buf_put(b, e, (size_t)(jb_escape(e, c) - e));
                }
                dg_buf_putc(b, '"');
                return;
        }
        if (b->len + 6 * n + 2 > b->cap && dg_buf_grow(b, b->len + 6 * n + 2))
                return;
        d = b->p + b->len;
        *d++ = '"';
        while (i < n) {
                unsigned char c;

                uint64_t x;

                if (i + 8 <= n) {
                        memcpy(&x, s + i, 8);
                        if (!word_dirty(x)) {
                                memcpy(d, &x, 8);
                                d += 8;
                                i += 8;
                                continue;
                        }
                } else if (n >= 8) {
                        /* The last 1..7 bytes as the word ending at n:
                         * when it is clean, its first bytes went out
                         * verbatim just before d, so it is rewritten in
                         * place, overlapping them. */
                        memcpy(&x, s + n - 8, 8);
                        if (!word_dirty(x)) {
                                memcpy(d - (8 - (n - i)), &x, 8);
                                d += n - i;
                                break;
                        }
                }
                c = (unsigned char)s[i++];
                if (c >= 0x20 && c != '"' && c != '\\')
                        *d++ = (char)c;
                else
                        d = jb_escape(d, c);
        }
        *d++ = '"';
        b->len = (size_t)(d - b->p);
}

static void jb_plan(dg_buf_t *b, const dg_event_t *ev, const dg_plan_t *p)
{
        dg_buf_putc(b, '{');
        for (int i = 0; i < p->n; i++) {
                const dg_val_t *v;

                if (i)
                        dg_buf_putc(b, ',');
                dg_buf_put(b, p->f[i].key, p->f[i].keylen);
                if (p->f[i].sub) {
                        jb_plan(b, ev, p->f[i].sub);
                        continue;
                }
                v = &ev->vals[p->f[i].slot];
                if (v->null)
                        dg_buf_put(b, "null", 4);
                else
                        dg_json_str(b, ev->buf + v->off, v->len);
        }
        dg_buf_putc(b, '}');
}

int dg_event_null(const dg_event_t *ev, int ns)
{
        const dg_topic_t *tp = ev->topic;

        return ev->ns_null[ns] || (tp->kind[ns] == DG_KIND_PRIM &&
                                   ev->vals[tp->slots[ns][0]].null);
}

int dg_event_json_buf(const dg_event_t *ev, int ns, dg_buf_t *out)
{
        const dg_topic_t *tp = ev->topic;

        out->len = 0;
        out->overflow = 0;
        if (dg_event_null(ev, ns))
                dg_buf_put(out, "null", 4);
        else if (tp->kind[ns] == DG_KIND_PRIM)
                dg_json_str(out, ev->buf + ev->vals[tp->slots[ns][0]].off,
                            ev->vals[tp->slots[ns][0]].len);
        else
                jb_plan(out, ev, tp->plan[ns]);
        return out->overflow ? -1 : 0;
}
