/*
 * record — the Connect data model: arena, batches, records, values.
 *
 * DESIGN
 *  - arena: a list of chunks, bump-allocated, 8-byte aligned. arena_reset()
 *    rewinds to the first chunk and keeps every chunk of the standard size
 *    for reuse, so a task that polls similar batches stops calling malloc
 *    after the first few polls. An allocation larger than the chunk size
 *    gets a chunk of its own ("big" chunk); big chunks are freed at reset so
 *    one huge record does not pin memory forever. The arena has a ceiling
 *    (ARENA_MAX bytes in total): past it allocations return NULL and the
 *    host functions built on them return NULL / -1.
 *  - batch: one arena plus a singly linked list of records in poll order.
 *    The first BATCH_TOPICS topic names of a batch are copied once and
 *    shared by their records (the runner groups records by that address).
 *  - values: tagged unions in the arena; strings are copied (NUL-ended, so
 *    the JSON/text writers may also treat them as C strings, though lengths
 *    are authoritative), node and bytes in one allocation. Struct fields
 *    are a linked list in insertion order, each with its name and length;
 *    struct_put on an existing name replaces that field's value in place.
 *  - value_to_text renders Java's toString() of the Connect value (what
 *    FileStreamSinkTask's println and StringConverter write): a String as
 *    is; INT8..INT64 in decimal; FLOAT32/FLOAT64 like Float/Double.toString
 *    (javafmt); true/false; null "null"; a Struct (a STRUCT with a schema,
 *    or a plugin's named struct) like Struct.toString: "Struct{a=1,b=x}",
 *    schema order, null fields left out; a schemaless object or MAP like
 *    java.util.HashMap's AbstractMap.toString: "{k=v, k2=v2}", every
 *    entry, in HashMap iteration order (values_hashmap_order); an ARRAY
 *    like ArrayList: "[a, b]". With a schema, Date/Time/Timestamp print
 *    like java.util.Date.toString in UTC ("Mon Jan 15 00:00:00 UTC 2024";
 *    Java uses the JVM zone) and Decimal like BigDecimal.toString. BYTES
 *    print their raw bytes (Java would print "[B@hash", which nobody can
 *    use or reproduce).
 *
 * Threads: a batch/arena is used by one thread at a time; no locks.
 */
#include "record.h"
#include "javafmt.h"
#include "values.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_DEFAULT_CHUNK ((size_t)64 * 1024)
/* arena_new(0) starts small and doubles its chunks up to the default: an
 * idle task's batch (a worker may run thousands) holds 8 KB, a busy one
 * soon works in 64 KB chunks. */
#define ARENA_FIRST_CHUNK ((size_t)8 * 1024)
#define ARENA_MAX ((size_t)1024 * 1024 * 1024) /* 1 GiB per arena */
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

typedef struct arena_chunk {
        struct arena_chunk *next;
        size_t size; /* usable bytes after the header */
        size_t used;
        int big;     /* larger than the arena's chunk size: freed at reset */
        /* data follows, 8-byte aligned */
} arena_chunk_t;

#define CHUNK_HDR ALIGN8(sizeof(arena_chunk_t))
#define CHUNK_DATA(c) ((char *)(c) + CHUNK_HDR)

struct arena {
        arena_chunk_t *head; /* first chunk */
        arena_chunk_t *cur;  /* chunk being bumped */
        size_t chunk_size;
        int grow;            /* double chunk_size up to the default */
        size_t total;        /* bytes held in chunks */
};

static arena_chunk_t *chunk_new(arena_t *a, size_t size, int big)
{
        arena_chunk_t *c;

        if (size > ARENA_MAX || a->total > ARENA_MAX - size)
                return NULL;
        c = malloc(CHUNK_HDR + size);
        if (!c)
                return NULL;
        c->next = NULL;
        c->size = size;
        c->used = 0;
        c->big = big;
        a->total += size;
        return c;
}

arena_t *arena_new(size_t chunk_size)
{
        arena_t *a = calloc(1, sizeof(*a));

        if (!a)
                return NULL;
        a->chunk_size = chunk_size ? ALIGN8(chunk_size) : ARENA_FIRST_CHUNK;
        a->grow = !chunk_size;
        a->head = chunk_new(a, a->chunk_size, 0);
        if (!a->head) {
                free(a);
                return NULL;
        }
        a->cur = a->head;
        return a;
}

void *arena_alloc(arena_t *a, size_t size)
{
        arena_chunk_t *c = a->cur, *n;

        size = ALIGN8(size ? size : 1);
        if (size > ARENA_MAX)
                return NULL;
        if (c->size - c->used >= size) {
                void *p = CHUNK_DATA(c) + c->used;
                c->used += size;
                return p;
        }
        if (size > a->chunk_size) {
big:
                /* A dedicated chunk, linked after cur and born full; cur
                 * stays where it is so its free space is still used. */
                n = chunk_new(a, size, 1);
                if (!n)
                        return NULL;
                n->used = size;
                n->next = c->next;
                c->next = n;
                return CHUNK_DATA(n);
        }
        /* Move on to the next standard chunk (kept ones after cur are
         * empty), skipping full big chunks and kept ones too small (from
         * before the chunks grew); else link a new one. */
        for (n = c->next; n && (n->big || n->size < size); n = n->next)
                ;
        if (!n) {
                if (a->grow && a->chunk_size < ARENA_DEFAULT_CHUNK) {
                        a->chunk_size *= 2;
                        if (size > a->chunk_size)
                                goto big;
                }
                n = chunk_new(a, a->chunk_size, 0);
                if (!n)
                        return NULL;
                n->next = c->next;
                c->next = n;
        }
        a->cur = n;
        n->used = size;
        return CHUNK_DATA(n);
}

char *arena_strndup(arena_t *a, const char *s, size_t len)
{
        char *p = arena_alloc(a, len + 1);

        if (!p)
                return NULL;
        if (len)
                memcpy(p, s, len);
        p[len] = '\0';
        return p;
}

void arena_reset(arena_t *a)
{
        arena_chunk_t **pp = &a->head->next, *c;

        a->head->used = 0;
        /* Free big chunks, empty and keep the standard ones. */
        while ((c = *pp)) {
                if (c->big) {
                        *pp = c->next;
                        a->total -= c->size;
                        free(c);
                } else {
                        c->used = 0;
                        pp = &c->next;
                }
        }
        a->cur = a->head;
}

void arena_destroy(arena_t *a)
{
        arena_chunk_t *c, *n;

        if (!a)
                return;
        for (c = a->head; c; c = n) {
                n = c->next;
                free(c);
        }
        free(a);
}

/* ---- batches ---------------------------------------------------------- */

batch_t *batch_new(void)
{
        batch_t *b = calloc(1, sizeof(*b));

        if (!b)
                return NULL;
        b->arena = arena_new(0);
        if (!b->arena) {
                free(b);
                return NULL;
        }
        return b;
}

void batch_reset(batch_t *b)
{
        arena_reset(b->arena);
        b->head = b->tail = NULL;
        b->count = 0;
        b->ntopics = 0;
}

void batch_destroy(batch_t *b)
{
        if (!b)
                return;
        arena_destroy(b->arena);
        free(b);
}

/* ---- records ---------------------------------------------------------- */

connectd_record_t *record_add(connectd_batch_t *batch, const char *topic)
{
        connectd_record_t *rec;
        int i;

        if (!batch || !topic)
                return NULL;
        rec = arena_alloc(batch->arena, sizeof(*rec));
        if (!rec)
                return NULL;
        rec->topic = NULL;
        for (i = 0; i < batch->ntopics; i++) {
                if (strcmp(batch->topics[i], topic) == 0) {
                        rec->topic = batch->topics[i];
                        break;
                }
        }
        rec->topic_slot = i;
        if (!rec->topic) {
                if (!(rec->topic = arena_strndup(batch->arena, topic,
                                                 strlen(topic))))
                        return NULL;
                if (batch->ntopics < BATCH_TOPICS)
                        batch->topics[batch->ntopics++] = rec->topic;
                else
                        rec->topic_slot = BATCH_TOPICS;
        }
        rec->partition = -1;
        rec->key = NULL;
        rec->value = NULL;
        rec->value_json = NULL;
        rec->value_json_len = 0;
        rec->key_schema = NULL;
        rec->value_schema = NULL;
        rec->has_timestamp = 0;
        rec->timestamp = 0;
        memset(&rec->headers, 0, sizeof(rec->headers));
        rec->source_partition = NULL;
        rec->source_offset = NULL;
        rec->next = NULL;
        rec->batch = batch;
        if (batch->tail)
                batch->tail->next = rec;
        else
                batch->head = rec;
        batch->tail = rec;
        batch->count++;
        return rec;
}

void record_set_partition(connectd_record_t *rec, int32_t partition)
{
        if (rec)
                rec->partition = partition < 0 ? -1 : partition;
}

int record_set_source(connectd_record_t *rec, const char *partition_json,
                      const char *offset_json)
{
        arena_t *a;
        const char *p = NULL, *o = NULL;

        if (!rec)
                return -1;
        a = rec->batch->arena;
        if (partition_json) {
                /* Records of one poll usually share the source partition:
                 * reuse the first record's copy when it is the same. */
                connectd_record_t *first = rec->batch->head;
                if (first && first != rec && first->source_partition &&
                    strcmp(first->source_partition, partition_json) == 0)
                        p = first->source_partition;
                else if (!(p = arena_strndup(a, partition_json,
                                             strlen(partition_json))))
                        return -1;
        }
        if (offset_json &&
            !(o = arena_strndup(a, offset_json, strlen(offset_json))))
                return -1;
        rec->source_partition = p;
        rec->source_offset = o;
        return 0;
}

void record_set_key(connectd_record_t *rec, connectd_value_t *key)
{
        if (rec)
                rec->key = key;
}

void record_set_value(connectd_record_t *rec, connectd_value_t *value)
{
        if (rec) {
                rec->value = value;
                rec->value_json = NULL;
        }
}

int batch_value_json_ok(const connectd_batch_t *batch)
{
        return batch && batch->value_json_ok;
}

int record_set_value_json(connectd_record_t *rec, const char *json,
                          size_t len)
{
        char *p;

        if (!rec || !json || !rec->batch->value_json_ok)
                return -1;
        p = arena_alloc(rec->batch->arena, len ? len : 1);
        if (!p)
                return -1;
        memcpy(p, json, len);
        rec->value = NULL;
        rec->value_json = p;
        rec->value_json_len = len;
        return 0;
}

/* ---- values ----------------------------------------------------------- */

static connectd_value_t *value_alloc(connectd_record_t *rec,
                                     connectd_value_type_t type)
{
        connectd_value_t *v;

        if (!rec)
                return NULL;
        v = arena_alloc(rec->batch->arena, sizeof(*v));
        if (!v)
                return NULL;
        v->type = type;
        v->schema_name = NULL;
        v->schema = NULL;
        return v;
}

connectd_value_t *value_null(connectd_record_t *rec)
{
        return value_alloc(rec, CONNECTD_VAL_NULL);
}

static connectd_value_t *value_blob(connectd_record_t *rec,
                                    connectd_value_type_t type,
                                    const void *p, size_t len)
{
        connectd_value_t *v;
        char *copy;

        if ((!p && len) || !rec || len > SIZE_MAX - sizeof(*v) - 1)
                return NULL;
        /* Node and bytes in one allocation. */
        v = arena_alloc(rec->batch->arena, sizeof(*v) + len + 1);
        if (!v)
                return NULL;
        v->type = type;
        v->schema_name = NULL;
        v->schema = NULL;
        copy = (char *)(v + 1);
        if (len)
                memcpy(copy, p, len);
        copy[len] = '\0';
        v->u.s.ptr = copy;
        v->u.s.len = len;
        return v;
}

connectd_value_t *value_string(connectd_record_t *rec, const char *s,
                               size_t len)
{
        return value_blob(rec, CONNECTD_VAL_STRING, s, len);
}

connectd_value_t *value_bytes(connectd_record_t *rec, const void *p,
                              size_t len)
{
        return value_blob(rec, CONNECTD_VAL_BYTES, p, len);
}

connectd_value_t *value_int64(connectd_record_t *rec, int64_t i)
{
        connectd_value_t *v = value_alloc(rec, CONNECTD_VAL_INT64);

        if (v)
                v->u.i = i;
        return v;
}

connectd_value_t *value_float64(connectd_record_t *rec, double d)
{
        connectd_value_t *v = value_alloc(rec, CONNECTD_VAL_FLOAT64);

        if (v)
                v->u.d = d;
        return v;
}

connectd_value_t *value_boolean(connectd_record_t *rec, int b)
{
        connectd_value_t *v = value_alloc(rec, CONNECTD_VAL_BOOLEAN);

        if (v)
                v->u.i = b ? 1 : 0;
        return v;
}

connectd_value_t *value_struct(connectd_record_t *rec,
                               const char *schema_name)
{
        connectd_value_t *v = value_alloc(rec, CONNECTD_VAL_STRUCT);

        if (!v)
                return NULL;
        if (schema_name && !(v->schema_name = arena_strndup(
                                     rec->batch->arena, schema_name,
                                     strlen(schema_name))))
                return NULL;
        v->u.st.head = v->u.st.tail = NULL;
        v->u.st.count = 0;
        return v;
}

int struct_put(connectd_record_t *rec, connectd_value_t *st,
               const char *field, connectd_value_t *v)
{
        value_field_t *f;
        size_t len;

        if (!rec || !st || st->type != CONNECTD_VAL_STRUCT || !field)
                return -1;
        len = strlen(field);
        for (f = st->u.st.head; f; f = f->next) {
                if (f->name_len == len && memcmp(f->name, field, len) == 0) {
                        f->value = v;
                        return 0;
                }
        }
        if (len > SIZE_MAX - sizeof(*f) - 1)
                return -1;
        /* Field and its name in one allocation. */
        f = arena_alloc(rec->batch->arena, sizeof(*f) + len + 1);
        if (!f)
                return -1;
        memcpy((char *)(f + 1), field, len + 1);
        f->name = (const char *)(f + 1);
        f->name_len = len;
        f->key = NULL;
        f->value = v;
        f->next = NULL;
        if (st->u.st.tail)
                st->u.st.tail->next = f;
        else
                st->u.st.head = f;
        st->u.st.tail = f;
        st->u.st.count++;
        return 0;
}

connectd_value_type_t value_type(const connectd_value_t *v)
{
        return v ? v->type : CONNECTD_VAL_NULL;
}

const char *value_data(const connectd_value_t *v, size_t *len)
{
        if (!v || (v->type != CONNECTD_VAL_STRING &&
                   v->type != CONNECTD_VAL_BYTES)) {
                if (len)
                        *len = 0;
                return NULL;
        }
        if (len)
                *len = v->u.s.len;
        return v->u.s.ptr;
}

int64_t value_int(const connectd_value_t *v)
{
        if (!v)
                return 0;
        switch (v->type) {
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
        case CONNECTD_VAL_BOOLEAN:
                return v->u.i;
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                if (isnan(v->u.d))
                        return 0;
                if (v->u.d >= 9223372036854775807.0)
                        return INT64_MAX;
                if (v->u.d <= -9223372036854775808.0)
                        return INT64_MIN;
                return (int64_t)v->u.d;
        default:
                return 0;
        }
}

double value_double(const connectd_value_t *v)
{
        if (!v)
                return 0.0;
        switch (v->type) {
        case CONNECTD_VAL_FLOAT32:
        case CONNECTD_VAL_FLOAT64:
                return v->u.d;
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
        case CONNECTD_VAL_BOOLEAN:
                return (double)v->u.i;
        default:
                return 0.0;
        }
}

size_t struct_count(const connectd_value_t *v)
{
        return v && v->type == CONNECTD_VAL_STRUCT ? v->u.st.count : 0;
}

const connectd_value_t *struct_field(const connectd_value_t *v, size_t i,
                                     const char **name)
{
        const value_field_t *f;

        if (!v || v->type != CONNECTD_VAL_STRUCT || i >= v->u.st.count)
                return NULL;
        for (f = v->u.st.head; i > 0 && f; f = f->next)
                i--;
        if (!f)
                return NULL;
        if (name)
                *name = f->name;
        return f->value;
}

/* ---- text ------------------------------------------------------------- */

typedef struct {
        char *buf;
        size_t size;
        size_t pos; /* full length so far, may exceed size */
} textw_t;

static void tw_put(textw_t *w, const char *s, size_t n)
{
        if (w->size && w->pos < w->size - 1) {
                size_t room = w->size - 1 - w->pos;
                memcpy(w->buf + w->pos, s, n < room ? n : room);
        }
        w->pos += n;
}

#define TEXT_MAX_DEPTH 64 /* deeper (or cyclic) values print as "..." */

/* java.util.Date.toString in UTC: "EEE MMM dd HH:mm:ss zzz yyyy". */
static void tw_date(textw_t *w, int64_t ms)
{
        static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon",
                                          "Tue", "Wed" };
        static const char *const mn[] = { "Jan", "Feb", "Mar", "Apr", "May",
                                          "Jun", "Jul", "Aug", "Sep", "Oct",
                                          "Nov", "Dec" };
        char out[64];
        int64_t days = ms / 86400000, rem = ms % 86400000, y;
        unsigned mo, d;
        int n;

        if (rem < 0) {
                rem += 86400000;
                days--;
        }
        values_civil_from_days(days, &y, &mo, &d);
        n = snprintf(out, sizeof(out), "%s %s %02u %02d:%02d:%02d UTC %lld",
                     wd[((days % 7) + 7) % 7], mn[mo - 1], d,
                     (int)(rem / 3600000), (int)(rem / 60000 % 60),
                     (int)(rem / 1000 % 60), (long long)y);
        tw_put(w, out, n > 0 ? (size_t)n : 0);
}

static void tw_value(textw_t *w, const connect_schema_t *s,
                     const connectd_value_t *v, int depth);

static void tw_nested(textw_t *w, const connect_schema_t *s,
                      const connectd_value_t *v, int depth)
{
        if (depth >= TEXT_MAX_DEPTH)
                tw_put(w, "...", 3);
        else
                tw_value(w, s, v, depth + 1);
}

/* AbstractCollection.toString: "[a, b]". */
static void tw_list(textw_t *w, const connect_schema_t *s,
                    const connectd_value_t *v, int depth)
{
        const value_field_t *f;

        tw_put(w, "[", 1);
        for (f = v->u.st.head; f; f = f->next) {
                if (f != v->u.st.head)
                        tw_put(w, ", ", 2);
                tw_nested(w, s ? s->value_schema : NULL, f->value, depth);
        }
        tw_put(w, "]", 1);
}

static void tw_entry(textw_t *w, const connect_schema_t *ks,
                     const connect_schema_t *vs, const value_field_t *f,
                     int depth)
{
        if (f->key)
                tw_nested(w, ks, f->key, depth);
        else
                tw_put(w, f->name, f->name_len);
        tw_put(w, "=", 1);
        tw_nested(w, vs, f->value, depth);
}

/* AbstractMap.toString in java.util.HashMap order (insertion order if out
 * of memory): "{k=v, k2=v2}", null values included. */
static void tw_map(textw_t *w, const connect_schema_t *s,
                   const connectd_value_t *v, int depth)
{
        const value_field_t **order, *f;
        const connect_schema_t *ks = s && s->type == CONNECTD_VAL_MAP
                                             ? s->key_schema : NULL;
        const connect_schema_t *vs = s && s->type == CONNECTD_VAL_MAP
                                             ? s->value_schema : NULL;
        size_t i, n;

        tw_put(w, "{", 1);
        if ((order = values_hashmap_order(v, &n))) {
                for (i = 0; i < n; i++) {
                        if (i)
                                tw_put(w, ", ", 2);
                        tw_entry(w, ks, vs, order[i], depth);
                }
                free(order);
        } else {
                for (f = v->u.st.head; f; f = f->next) {
                        if (f != v->u.st.head)
                                tw_put(w, ", ", 2);
                        tw_entry(w, ks, vs, f, depth);
                }
        }
        tw_put(w, "}", 1);
}

/* Struct.toString: "Struct{a=1,b=x}", fields in schema order, null ones
 * left out. Without a schema (a plugin's named struct): member order. */
static void tw_struct(textw_t *w, const connect_schema_t *s,
                      const connectd_value_t *v, int depth)
{
        const value_field_t *f;
        const connectd_value_t *fv;
        size_t i;
        int first = 1;

        tw_put(w, "Struct{", 7);
        if (s) {
                f = NULL;
                for (i = 0; i < s->nfields; i++) {
                        fv = val_get_next(v, s->fields[i].name, &f);
                        if (value_is_null(fv))
                                continue;
                        if (!first)
                                tw_put(w, ",", 1);
                        first = 0;
                        tw_put(w, s->fields[i].name,
                               strlen(s->fields[i].name));
                        tw_put(w, "=", 1);
                        tw_nested(w, s->fields[i].schema, fv, depth);
                }
        } else {
                for (f = v->u.st.head; f; f = f->next) {
                        if (value_is_null(f->value))
                                continue;
                        if (!first)
                                tw_put(w, ",", 1);
                        first = 0;
                        tw_put(w, f->name, f->name_len);
                        tw_put(w, "=", 1);
                        tw_nested(w, NULL, f->value, depth);
                }
        }
        tw_put(w, "}", 1);
}

static void tw_value(textw_t *w, const connect_schema_t *s,
                     const connectd_value_t *v, int depth)
{
        char num[48];
        size_t n;

        if (value_is_null(v)) {
                tw_put(w, "null", 4);
                return;
        }
        if (s && (v->type == CONNECTD_VAL_INT32 ||
                  v->type == CONNECTD_VAL_INT64) &&
            (schema_is_logical(s, LOGICAL_DATE) ||
             schema_is_logical(s, LOGICAL_TIME) ||
             schema_is_logical(s, LOGICAL_TIMESTAMP))) {
                tw_date(w, values_logical_ms(s, v));
                return;
        }
        if (!s && value_is_date_object(v)) { /* a java.util.Date */
                tw_date(w, v->u.i);
                return;
        }
        if (s && v->type == CONNECTD_VAL_BYTES &&
            schema_is_logical(s, LOGICAL_DECIMAL) &&
            v->u.s.len <= VALUES_MAX_DECIMAL_BYTES) {
                char *dec;

                n = values_decimal_text(v->u.s.ptr, v->u.s.len,
                                        values_decimal_scale(s), NULL, 0);
                if (n && (dec = malloc(n + 1))) {
                        values_decimal_text(v->u.s.ptr, v->u.s.len,
                                            values_decimal_scale(s), dec, n + 1);
                        tw_put(w, dec, n);
                        free(dec);
                        return;
                }
        }
        switch (v->type) {
        case CONNECTD_VAL_STRING:
        case CONNECTD_VAL_BYTES:
                tw_put(w, v->u.s.ptr, v->u.s.len);
                break;
        case CONNECTD_VAL_INT8:
        case CONNECTD_VAL_INT16:
        case CONNECTD_VAL_INT32:
        case CONNECTD_VAL_INT64:
                n = (size_t)snprintf(num, sizeof(num), "%lld",
                                     (long long)v->u.i);
                tw_put(w, num, n);
                break;
        case CONNECTD_VAL_FLOAT32:
                n = java_float_str((float)v->u.d, num, sizeof(num));
                tw_put(w, num, n);
                break;
        case CONNECTD_VAL_FLOAT64:
                n = java_double_str(v->u.d, num, sizeof(num));
                tw_put(w, num, n);
                break;
        case CONNECTD_VAL_BOOLEAN:
                if (v->u.i)
                        tw_put(w, "true", 4);
                else
                        tw_put(w, "false", 5);
                break;
        case CONNECTD_VAL_ARRAY:
                tw_list(w, s && s->type == CONNECTD_VAL_ARRAY ? s : NULL, v,
                        depth);
                break;
        case CONNECTD_VAL_MAP:
                tw_map(w, s, v, depth);
                break;
        case CONNECTD_VAL_STRUCT:
                if (v->schema)
                        tw_struct(w, v->schema, v, depth);
                else if (s && s->type == CONNECTD_VAL_STRUCT)
                        tw_struct(w, s, v, depth);
                else if (v->schema_name)
                        tw_struct(w, NULL, v, depth);
                else
                        tw_map(w, NULL, v, depth);
                break;
        default:
                tw_put(w, "null", 4);
                break;
        }
}

size_t value_to_text_schema(const connect_schema_t *schema,
                            const connectd_value_t *v, char *buf,
                            size_t bufsize)
{
        textw_t w = { buf, buf ? bufsize : 0, 0 };

        tw_value(&w, schema, v, 0);
        if (w.size)
                w.buf[w.pos < w.size ? w.pos : w.size - 1] = '\0';
        return w.pos;
}

size_t value_to_text(const connectd_value_t *v, char *buf, size_t bufsize)
{
        return value_to_text_schema(NULL, v, buf, bufsize);
}

/* ---- sink records ----------------------------------------------------- */

const char *sink_record_topic(const connectd_sink_record_t *r)
{
        return r ? r->topic : NULL;
}

int32_t sink_record_partition(const connectd_sink_record_t *r)
{
        return r ? r->partition : -1;
}

int64_t sink_record_offset(const connectd_sink_record_t *r)
{
        return r ? r->offset : -1;
}

int64_t sink_record_timestamp(const connectd_sink_record_t *r)
{
        return r ? r->timestamp : -1;
}

const connectd_value_t *sink_record_key(const connectd_sink_record_t *r)
{
        return r ? r->key : NULL;
}

const connectd_value_t *sink_record_value(const connectd_sink_record_t *r)
{
        return r ? r->value : NULL;
}
