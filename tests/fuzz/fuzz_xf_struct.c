/*
 * fuzz_xf_struct — the structural transforms (DropHeaders, Flatten,
 * HeaderFrom, InsertField, InsertHeader, SetSchemaMetadata, ValueToKey) on
 * records generated from the input: nested schemaless objects and maps,
 * structs with schemas (optional fields, defaults, nested structs, arrays,
 * maps; sometimes a member that does not fit its schema), headers, source
 * or sink. Each transform instance runs on the output of the previous one
 * until one fails, as in a chain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "builtins.h"
#include "record.h"

typedef struct {
        const uint8_t *p;
        size_t n;
} in_t;

static unsigned next(in_t *in)
{
        unsigned b;

        if (!in->n)
                return 0;
        b = *in->p++;
        in->n--;
        return b;
}

static const char *const NAMES[] = { "a", "b", "c", "a.b", "id", "", "h" };
#define NNAMES (sizeof(NAMES) / sizeof(NAMES[0]))

static const char *name(in_t *in)
{
        return NAMES[next(in) % NNAMES];
}

static connectd_value_t *gen_value(arena_t *a, in_t *in, int depth);

static connect_schema_t *gen_schema(arena_t *a, in_t *in, int depth)
{
        connect_schema_t *s = schema_new(a, CONNECTD_VAL_STRUCT);
        unsigned i, n = next(in) % 5;

        s->optional = next(in) & 1;
        if (next(in) & 1)
                s->name = "rec";
        for (i = 0; i < n; i++) {
                unsigned t = next(in) % 6;
                connect_schema_t *fs;

                if (t == 0 || depth > 3) {
                        fs = schema_copy(a, &schema_int32);
                        if (next(in) & 1)
                                fs->default_value =
                                        val_int(a, CONNECTD_VAL_INT32, 7);
                } else if (t == 1) {
                        fs = schema_copy(a, &schema_string);
                } else if (t == 2) {
                        fs = gen_schema(a, in, depth + 1);
                } else if (t == 3) {
                        fs = schema_new(a, CONNECTD_VAL_ARRAY);
                        fs->value_schema = &schema_int32;
                } else if (t == 4) {
                        fs = schema_new(a, CONNECTD_VAL_MAP);
                        fs->key_schema = &schema_string;
                        fs->value_schema = &schema_int32;
                } else {
                        fs = schema_copy(a, &schema_int64);
                        fs->name = LOGICAL_TIMESTAMP;
                }
                fs->optional = next(in) & 1;
                schema_add_field(a, s, name(in), fs);
        }
        return s;
}

static connectd_value_t *gen_for(arena_t *a, in_t *in,
                                 const connect_schema_t *s, int depth)
{
        connectd_value_t *v;
        size_t i;

        if (next(in) % 8 == 0)
                return NULL;
        if (next(in) % 16 == 0)
                return gen_value(a, in, depth + 1); /* a misfit */
        switch (s->type) {
        case CONNECTD_VAL_STRUCT:
                v = val_struct(a, s);
                for (i = 0; i < s->nfields; i++)
                        val_put(a, v, s->fields[i].name,
                                gen_for(a, in, s->fields[i].schema,
                                        depth + 1));
                return v;
        case CONNECTD_VAL_ARRAY:
                v = val_array(a);
                val_append(a, v, NULL, val_int(a, CONNECTD_VAL_INT32, 1));
                return v;
        case CONNECTD_VAL_MAP:
                v = val_map(a);
                val_append(a, v, val_string(a, "k", 1),
                           val_int(a, CONNECTD_VAL_INT32, 2));
                return v;
        case CONNECTD_VAL_STRING:
                return val_string(a, "s", 1);
        default:
                return val_int(a, s->type, (int64_t)next(in));
        }
}

static connectd_value_t *gen_value(arena_t *a, in_t *in, int depth)
{
        connectd_value_t *v;
        unsigned i, n, t = next(in) % 8;

        if (depth > 4)
                t %= 3;
        switch (t) {
        case 0:
                return NULL;
        case 1:
                return val_int(a, CONNECTD_VAL_INT32, (int64_t)next(in));
        case 2:
                return val_string(a, "x", 1);
        case 3:
                v = val_array(a);
                n = next(in) % 3;
                for (i = 0; i < n; i++)
                        val_append(a, v, NULL, gen_value(a, in, depth + 1));
                return v;
        case 4:
                v = val_struct(a, NULL);
                n = next(in) % 4;
                for (i = 0; i < n; i++)
                        val_put(a, v, name(in), gen_value(a, in, depth + 1));
                return v;
        case 5:
                return gen_for(a, in, gen_schema(a, in, depth), depth);
        case 6:
                v = val_int(a, CONNECTD_VAL_INT64, 0);
                v->schema_name = LOGICAL_DATE;
                return v;
        default:
                v = val_map(a);
                n = next(in) % 3;
                for (i = 0; i < n; i++)
                        val_append(a, v,
                                   next(in) & 1
                                           ? val_string(a, name(in), 1)
                                           : val_int(a, CONNECTD_VAL_INT32,
                                                     5),
                                   gen_value(a, in, depth + 1));
                return v;
        }
}

/* The operating part: schema'd (a struct with its schema, or a primitive
 * under a primitive schema) or schemaless. */
static void gen_part(arena_t *a, in_t *in, const connect_schema_t **s,
                     connectd_value_t **v)
{
        unsigned t = next(in) % 3;

        if (t == 0) {
                connect_schema_t *st = gen_schema(a, in, 0);

                *s = st;
                *v = gen_for(a, in, st, 0);
                if (*v && (*v)->type == CONNECTD_VAL_STRUCT && !(*v)->schema)
                        *v = NULL;
        } else if (t == 1) {
                *s = &schema_opt_string;
                *v = next(in) & 1 ? val_string(a, "v", 1) : NULL;
        } else {
                *s = NULL;
                *v = gen_value(a, in, 0);
        }
}

typedef struct {
        const xform_class_t *cls;
        const char *props;
} inst_def_t;

static const inst_def_t DEFS[] = {
        { &xf_drop_headers, "{\"headers\":\"h,a\"}" },
        { &xf_flatten_value, "{}" },
        { &xf_flatten_key, "{\"delimiter\":\"_\"}" },
        { &xf_header_from_value,
          "{\"fields\":\"a,b\",\"headers\":\"h,h\",\"operation\":\"move\"}" },
        { &xf_header_from_key,
          "{\"fields\":\"id\",\"headers\":\"k\",\"operation\":\"copy\","
          "\"replace.null.with.default\":\"false\"}" },
        { &xf_insert_field_value,
          "{\"topic.field\":\"t!\",\"partition.field\":\"p\","
          "\"offset.field\":\"o\",\"timestamp.field\":\"ts?\","
          "\"static.field\":\"c\",\"static.value\":\"v\"}" },
        { &xf_insert_field_key, "{\"topic.field\":\"a\"}" },
        { &xf_insert_header,
          "{\"header\":\"h\",\"value.literal\":\"[1, 2]\"}" },
        { &xf_set_schema_metadata_value,
          "{\"schema.name\":\"n\",\"schema.version\":\"3\","
          "\"replace.null.with.default\":\"false\"}" },
        { &xf_set_schema_metadata_key, "{\"schema.version\":\"1\"}" },
        { &xf_value_to_key, "{\"fields\":\"a,id\"}" },
};
#define NDEFS (sizeof(DEFS) / sizeof(DEFS[0]))

static void *states[NDEFS];

static void init(void)
{
        static int done;
        size_t i;

        if (done)
                return;
        done = 1;
        for (i = 0; i < NDEFS; i++) {
                json_t *p = json_loads(DEFS[i].props, 0, NULL);
                xerr_t e;

                if (!p || DEFS[i].cls->configure(p, &states[i], &e) < 0)
                        abort();
                json_decref(p);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        in_t in = { data, size };
        arena_t *a;
        xrecord_t r;
        unsigned i, steps;

        init();
        if (!(a = arena_new(4096)))
                return 0;
        memset(&r, 0, sizeof(r));
        r.arena = a;
        r.topic = "t";
        r.partition = next(&in) & 1 ? 0 : -1;
        r.has_timestamp = next(&in) & 1;
        r.is_sink = next(&in) & 1;
        gen_part(a, &in, &r.key_schema, &r.key);
        gen_part(a, &in, &r.value_schema, &r.value);
        for (i = next(&in) % 4; i > 0; i--)
                headers_add(a, &r.headers, name(&in), NULL, NULL);
        steps = next(&in) % 6 + 1;
        for (i = 0; i < steps; i++) {
                const inst_def_t *d = &DEFS[next(&in) % NDEFS];
                xerr_t e;

                if (d->cls->apply(states[d - DEFS], &r, &e) < 0)
                        break;
        }
        arena_destroy(a);
        return 0;
}
