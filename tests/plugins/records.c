/* The record pipeline's plugin functions, used the way a plugin would:
 *  - com.example.test.RecordsSourceConnector: `count` records (default 3)
 *    to `topic`. Record n: key INT32 n under an INT32 key schema; value a
 *    struct of schema "com.example.Rec" version 2 built once per task in a
 *    plugin-owned arena: {i8 INT8, i16 INT16, i32 INT32, f32 FLOAT32,
 *    tags ARRAY<STRING>, attrs MAP<STRING,INT64>, opt optional STRING}
 *    with i8=n, i16=300+n, i32=70000+n, f32=1.5, tags=["a","b"],
 *    attrs={"x":n}, opt=null; timestamp 1700000000000+n; headers h="a",
 *    h="b", n=INT32 n.
 *  - com.example.test.RecordsSinkConnector: appends one line per record
 *    to `file`: "<topic>|<offset>|<ts>|<ts type>|<key schema type>|
 *    <value schema name>|<header name>=<text>,...".
 *  - com.example.test.Everything (transformation): topic "<topic>-x",
 *    partition 0, timestamp +1, header "x"=INT8 7 appended, headers named
 *    by `drop` removed, key = the old topic (STRING schema), and when the
 *    value is a struct a copy with field `tag` = `tag` config (default
 *    "t"). Every accessor of the xrecord table, in one place.
 *  - com.example.test.HasHeader (predicate): true when a header named
 *    `name` is present.
 *  - com.example.test.FailOn (transformation): fails records whose topic
 *    is `topic` (-1), or with `retriable=true` as retriable (-2). */
#include <inttypes.h>
#include <stddef.h>

#include "common.h"

typedef struct rs_task {
        connectd_ctx_t *ctx;
        char topic[256];
        char file[1024];
        long long next, count;
        connectd_arena_t *schemas; /* ours: lives from start to stop */
        const connectd_schema_t *value_schema;
} rs_task_t;

static const connectd_schema_t *build_schema(connectd_arena_t *a)
{
        connectd_schema_t *s = host->schema_new(a, CONNECTD_VAL_STRUCT);
        connectd_schema_t *tags = host->schema_new(a, CONNECTD_VAL_ARRAY);
        connectd_schema_t *attrs = host->schema_new(a, CONNECTD_VAL_MAP);

        if (!s || !tags || !attrs ||
            host->schema_set_items(tags, NULL, host->schema_primitive(
                                                       CONNECTD_VAL_STRING,
                                                       0)) ||
            host->schema_set_items(
                    attrs, host->schema_primitive(CONNECTD_VAL_STRING, 0),
                    host->schema_primitive(CONNECTD_VAL_INT64, 0)) ||
            host->schema_set_name(a, s, "com.example.Rec"))
                return NULL;
        host->schema_set_version(s, 2);
        if (host->schema_add_field(a, s, "i8", host->schema_primitive(
                                                       CONNECTD_VAL_INT8, 0)) ||
            host->schema_add_field(a, s, "i16", host->schema_primitive(
                                                        CONNECTD_VAL_INT16,
                                                        0)) ||
            host->schema_add_field(a, s, "i32", host->schema_primitive(
                                                        CONNECTD_VAL_INT32,
                                                        0)) ||
            host->schema_add_field(a, s, "f32", host->schema_primitive(
                                                        CONNECTD_VAL_FLOAT32,
                                                        0)) ||
            host->schema_add_field(a, s, "tags", tags) ||
            host->schema_add_field(a, s, "attrs", attrs) ||
            host->schema_add_field(a, s, "opt", host->schema_primitive(
                                                        CONNECTD_VAL_STRING,
                                                        1)))
                return NULL;
        return s;
}

static void rs_task_stop(void *state)
{
        rs_task_t *t = state;

        if (!t)
                return;
        host->arena_destroy(t->schemas);
        free(t);
}

static int rs_task_start(connectd_ctx_t *ctx, const connectd_config_t *cfg,
                         void **statep, char *errstr, size_t errstr_size)
{
        rs_task_t *t = calloc(1, sizeof(*t));
        const char *topic = host->config_get(cfg, "topic");
        const char *count = host->config_get(cfg, "count");
        const char *file = host->config_get(cfg, "file");

        if (!t || !(t->schemas = host->arena_new()) ||
            !(t->value_schema = build_schema(t->schemas))) {
                rs_task_stop(t);
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        t->ctx = ctx;
        snprintf(t->topic, sizeof(t->topic), "%s", topic ? topic : "recs");
        snprintf(t->file, sizeof(t->file), "%s", file ? file : "");
        t->count = count ? atoll(count) : 3;
        *statep = t;
        return 0;
}

static int add_record(rs_task_t *t, connectd_batch_t *batch)
{
        connectd_record_t *r = host->record_add(batch, t->topic);
        connectd_arena_t *a = host->record_arena(r);
        connectd_value_t *v, *tags, *attrs;
        long long n = t->next;

        if (!r || !a || !(v = host->value_of_struct(a, t->value_schema)) ||
            !(tags = host->value_of_array(a)) ||
            !(attrs = host->value_of_map(a)))
                return -1;
        if (host->value_append(a, tags, NULL,
                               host->value_of_string(a, "a", 1)) ||
            host->value_append(a, tags, NULL,
                               host->value_of_string(a, "b", 1)) ||
            host->value_append(a, attrs, host->value_of_string(a, "x", 1),
                               host->value_of_int(a, CONNECTD_VAL_INT64, n)))
                return -1;
        if (host->value_put(a, v, "i8",
                            host->value_of_int(a, CONNECTD_VAL_INT8, n)) ||
            host->value_put(a, v, "i16",
                            host->value_of_int(a, CONNECTD_VAL_INT16,
                                               300 + n)) ||
            host->value_put(a, v, "i32",
                            host->value_of_int(a, CONNECTD_VAL_INT32,
                                               70000 + n)) ||
            host->value_put(a, v, "f32",
                            host->value_of_float(a, CONNECTD_VAL_FLOAT32,
                                                 1.5)) ||
            host->value_put(a, v, "tags", tags) ||
            host->value_put(a, v, "attrs", attrs) ||
            host->value_put(a, v, "opt", NULL))
                return -1;
        host->record_set_key(r, host->value_of_int(a, CONNECTD_VAL_INT32, n));
        host->record_set_key_schema(r, host->schema_primitive(
                                               CONNECTD_VAL_INT32, 0));
        host->record_set_value(r, v);
        host->record_set_value_schema(r, t->value_schema);
        host->record_set_timestamp(r, 1700000000000LL + n);
        if (host->record_add_header(r, "h", host->schema_primitive(
                                                    CONNECTD_VAL_STRING, 0),
                                    host->value_of_string(a, "a", 1)) ||
            host->record_add_header(r, "h", host->schema_primitive(
                                                    CONNECTD_VAL_STRING, 0),
                                    host->value_of_string(a, "b", 1)) ||
            host->record_add_header(r, "n", host->schema_primitive(
                                                    CONNECTD_VAL_INT32, 0),
                                    host->value_of_int(a, CONNECTD_VAL_INT32,
                                                       n)))
                return -1;
        t->next++;
        return 0;
}

static int rs_poll(void *state, connectd_batch_t *batch, char *errstr,
                   size_t errstr_size)
{
        rs_task_t *t = state;
        int added = 0;

        while (t->next < t->count && added < 10) {
                if (add_record(t, batch)) {
                        snprintf(errstr, errstr_size, "building record %lld "
                                 "failed", t->next);
                        return -1;
                }
                added++;
        }
        if (!added)
                host->sleep(t->ctx, 100);
        return added;
}

static int rs_put(void *state, const connectd_sink_record_t *const *recs,
                  size_t n, char *errstr, size_t errstr_size)
{
        rs_task_t *t = state;
        FILE *f = fopen(t->file, "a");
        size_t i, j;

        if (!f) {
                snprintf(errstr, errstr_size, "cannot open %s", t->file);
                return -1;
        }
        for (i = 0; i < n; i++) {
                const connectd_sink_record_t *r = recs[i];
                const connectd_schema_t *ks = host->sink_record_key_schema(r);
                const connectd_schema_t *vs =
                        host->sink_record_value_schema(r);
                const char *vname = host->schema_name(vs);

                fprintf(f, "%s|%lld|%lld|%d|%d|%s|",
                        host->sink_record_topic(r),
                        (long long)host->sink_record_offset(r),
                        (long long)host->sink_record_timestamp(r),
                        (int)host->sink_record_timestamp_type(r),
                        (int)host->schema_type(ks), vname ? vname : "-");
                for (j = 0; j < host->sink_record_header_count(r); j++) {
                        const connectd_value_t *hv;
                        const char *name =
                                host->sink_record_header(r, j, NULL, &hv);
                        char text[256];

                        host->value_to_text(hv, text, sizeof(text));
                        fprintf(f, "%s%s=%s", j ? "," : "", name, text);
                }
                fputc('\n', f);
        }
        fclose(f);
        return 0;
}

static const connectd_connector_desc_t rs_source = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.RecordsSourceConnector",
        .type = CONNECTD_SOURCE,
        .version = "2",
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = rs_task_start,
        .task_poll = rs_poll,
        .task_stop = rs_task_stop,
};

static const connectd_connector_desc_t rs_sink = {
        CONNECTD_DESC_HEADER,
        .class_name = "com.example.test.RecordsSinkConnector",
        .type = CONNECTD_SINK,
        .version = "2",
        .start = tp_start,
        .task_configs = tp_task_configs,
        .stop = tp_stop,
        .task_start = rs_task_start,
        .task_put = rs_put,
        .task_stop = rs_task_stop,
};

/* --- transforms --- */

typedef struct ev_state {
        char drop[64];
        char tag[64];
} ev_state_t;

static int ev_configure(const connectd_config_t *cfg, void **statep,
                        char *errstr, size_t errstr_size)
{
        ev_state_t *st = calloc(1, sizeof(*st));
        const char *drop = host->config_get(cfg, "drop");
        const char *tag = host->config_get(cfg, "tag");

        if (!st) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        if (tag && !strcmp(tag, "bad")) {
                free(st);
                snprintf(errstr, errstr_size, "tag must not be 'bad'");
                return -1;
        }
        snprintf(st->drop, sizeof(st->drop), "%s", drop ? drop : "");
        snprintf(st->tag, sizeof(st->tag), "%s", tag ? tag : "?");
        *statep = st;
        return 0;
}

static int ev_apply(void *state, connectd_xrecord_t *r, char *errstr,
                    size_t errstr_size)
{
        ev_state_t *st = state;
        connectd_arena_t *a = host->xrecord_arena(r);
        const connectd_schema_t *vs;
        const connectd_value_t *v = host->xrecord_value(r, &vs);
        char topic[300];
        int64_t ts;

        snprintf(topic, sizeof(topic), "%s", host->xrecord_topic(r));
        if (host->xrecord_set_topic(r, strcat(topic, "-x")))
                goto fail;
        host->xrecord_set_partition(r, 0);
        if (host->xrecord_timestamp(r, &ts))
                host->xrecord_set_timestamp(r, ts + 1);
        if (st->drop[0])
                host->xrecord_header_remove(r, st->drop);
        if (host->xrecord_header_add(r, "x", host->schema_primitive(
                                                     CONNECTD_VAL_INT8, 0),
                                     host->value_of_int(a, CONNECTD_VAL_INT8,
                                                        7)))
                goto fail;
        topic[strlen(topic) - 2] = '\0';
        host->xrecord_set_key(r, host->schema_primitive(CONNECTD_VAL_STRING,
                                                        0),
                              host->value_of_string(a, topic,
                                                    strlen(topic)));
        if (host->value_type(v) == CONNECTD_VAL_STRUCT) {
                connectd_value_t *c = host->value_copy(a, v);

                if (!c || host->value_put(a, c, "tag",
                                          host->value_of_string(
                                                  a, st->tag,
                                                  strlen(st->tag))))
                        goto fail;
                host->xrecord_set_value(r, vs, c);
        }
        return CONNECTD_XFORM_KEEP;
fail:
        snprintf(errstr, errstr_size, "Everything: a host call failed");
        return -1;
}

static const connectd_config_def_t ev_defs[] = {
        {.name = "drop", .type = CONNECTD_CFG_STRING, .optional = 1,
         .importance = CONNECTD_IMPORTANCE_LOW, .documentation = "header",
         .order = -1},
        {.name = "tag", .type = CONNECTD_CFG_STRING, .default_value = "t",
         .importance = CONNECTD_IMPORTANCE_LOW, .documentation = "tag",
         .order = -1},
        {.name = NULL}};

static const connectd_transform_desc_t ev_desc = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.test.Everything",
        .kind = CONNECTD_TRANSFORMATION,
        .version = "2",
        .config_defs = ev_defs,
        .configure = ev_configure,
        .apply = ev_apply,
        .close = free,
};

static int hh_configure(const connectd_config_t *cfg, void **statep,
                        char *errstr, size_t errstr_size)
{
        const char *name = host->config_get(cfg, "name");

        if (!name || !(*statep = strdup(name))) {
                snprintf(errstr, errstr_size, "name is required");
                return -1;
        }
        return 0;
}

static int hh_apply(void *state, connectd_xrecord_t *r, char *errstr,
                    size_t errstr_size)
{
        size_t i;

        (void)errstr;
        (void)errstr_size;
        for (i = 0; i < host->xrecord_header_count(r); i++)
                if (!strcmp(host->xrecord_header(r, i, NULL, NULL),
                            (const char *)state))
                        return 1;
        return 0;
}

static const connectd_transform_desc_t hh_desc = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.test.HasHeader",
        .kind = CONNECTD_PREDICATE,
        .configure = hh_configure,
        .apply = hh_apply,
        .close = free,
};

typedef struct fo_state {
        char topic[256];
        int retriable;
} fo_state_t;

static int fo_configure(const connectd_config_t *cfg, void **statep,
                        char *errstr, size_t errstr_size)
{
        fo_state_t *st = calloc(1, sizeof(*st));
        const char *topic = host->config_get(cfg, "topic");
        const char *retriable = host->config_get(cfg, "retriable");

        if (!st) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        snprintf(st->topic, sizeof(st->topic), "%s", topic ? topic : "");
        st->retriable = retriable && !strcmp(retriable, "true");
        *statep = st;
        return 0;
}

static int fo_apply(void *state, connectd_xrecord_t *r, char *errstr,
                    size_t errstr_size)
{
        fo_state_t *st = state;

        if (strcmp(host->xrecord_topic(r), st->topic))
                return CONNECTD_XFORM_KEEP;
        snprintf(errstr, errstr_size, "FailOn: record of topic %s",
                 st->topic);
        return st->retriable ? CONNECTD_XFORM_RETRY : -1;
}

static const connectd_transform_desc_t fo_desc = {
        CONNECTD_TRANSFORM_DESC_HEADER,
        .class_name = "com.example.test.FailOn",
        .kind = CONNECTD_TRANSFORMATION,
        .configure = fo_configure,
        .apply = fo_apply,
        .close = free,
};

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        if (!CONNECTD_HOST_HAS(h, xrecord_timestamp_type))
                return -1;
        host = h;
        if (host->register_connector(reg, &rs_source) ||
            host->register_connector(reg, &rs_sink) ||
            host->register_transform(reg, &ev_desc) ||
            host->register_transform(reg, &hh_desc) ||
            host->register_transform(reg, &fo_desc))
                return -1;
        return 0;
}
