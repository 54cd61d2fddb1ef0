/*
 * xf_timestamp_router — org.apache.kafka.connect.transforms.TimestampRouter:
 * the topic becomes topic.format with every ${topic} replaced by the topic
 * and then every ${timestamp} by the record timestamp formatted (UTC) with
 * timestamp.format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "javadate.h"
#include "javafmt.h"
#include "record.h"
#include "transform.h"
#include "xf_util.h"

typedef struct {
        char *topic_format;
        javadate_t *fmt;        /* NULL: the pattern is bad, see bad */
        char bad[256];          /* Java's IllegalArgumentException text */
} ts_router_t;

static const connectd_config_def_t ts_router_defs[] = {
        {.name = "topic.format", .type = CONNECTD_CFG_STRING,
         .default_value = "${topic}-${timestamp}",
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "Format string which can contain "
                          "<code>${topic}</code> and "
                          "<code>${timestamp}</code> as placeholders for the "
                          "topic and timestamp, respectively.",
         .order = -1},
        {.name = "timestamp.format", .type = CONNECTD_CFG_STRING,
         .default_value = "yyyyMMdd",
         .importance = CONNECTD_IMPORTANCE_HIGH,
         .documentation = "Format string for the timestamp that is "
                          "compatible with "
                          "<code>java.text.SimpleDateFormat</code>.",
         .order = -1},
        {.name = NULL},
};

static void ts_router_close(void *state)
{
        ts_router_t *s = state;

        if (!s)
                return;
        free(s->topic_format);
        javadate_free(s->fmt);
        free(s);
}

static int ts_router_configure(const json_t *props, void **state,
                               xerr_t *err)
{
        const char *tf = xf_prop(props, "topic.format");
        const char *ts = xf_prop(props, "timestamp.format");
        ts_router_t *s = calloc(1, sizeof(*s));
        char *pattern = NULL;

        *state = NULL;
        if (!s || !(s->topic_format =
                            java_trim_dup(tf ? tf : "${topic}-${timestamp}")) ||
            !(pattern = java_trim_dup(ts ? ts : "yyyyMMdd")))
                goto oom;
        /* Not validated: Java builds the format on first use, so a bad
         * pattern fails every record. */
        s->fmt = javadate_new(pattern, s->bad, sizeof s->bad);
        if (!s->fmt && !strcmp(s->bad, "Out of memory"))
                goto oom;
        free(pattern);
        *state = s;
        return 0;
oom:
        free(pattern);
        ts_router_close(s);
        xerr_set(err, XERR_CONFIG, "Out of memory");
        return -1;
}

/* Replaces every `what` in `in` by `with` (Pattern.LITERAL replaceAll).
 * malloc'd, NULL out of memory. */
static char *replace_all(const char *in, const char *what, const char *with)
{
        size_t wl = strlen(what), rl = strlen(with), n = 0, len;
        const char *p;
        char *out, *o;

        for (p = in; (p = strstr(p, what)); p += wl)
                n++;
        len = strlen(in) + n * rl - n * wl;
        if (!(out = malloc(len + 1)))
                return NULL;
        for (o = out, p = in;;) {
                const char *q = strstr(p, what);

                if (!q) {
                        strcpy(o, p);
                        break;
                }
                memcpy(o, p, (size_t)(q - p));
                o += q - p;
                memcpy(o, with, rl);
                o += rl;
                p = q + wl;
        }
        return out;
}

static int ts_router_apply(void *state, xrecord_t *r, xerr_t *err)
{
        ts_router_t *s = state;
        char *stamp = NULL, *t1 = NULL, *t2 = NULL;
        int rc = -1;

        if (!r->has_timestamp) {
                char *text = xrecord_text(r);

                xerr_set(err, XERR_DATA, "Timestamp missing on record: %s",
                         text ? text : "");
                free(text);
                return -1;
        }
        if (!s->fmt) {
                xerr_set(err, XERR_IAE, "%s", s->bad);
                return -1;
        }
        if (!(stamp = javadate_format(s->fmt, r->timestamp)) ||
            !(t1 = replace_all(s->topic_format, "${topic}",
                               r->topic ? r->topic : "null")) ||
            !(t2 = replace_all(t1, "${timestamp}", stamp)))
                goto oom;
        if (!(r->topic = arena_strndup(r->arena, t2, strlen(t2))))
                goto oom;
        rc = XFORM_KEEP;
        goto cleanup;
oom:
        xerr_set(err, "java.lang.OutOfMemoryError", "Out of memory");
cleanup:
        free(stamp);
        free(t1);
        free(t2);
        return rc;
}

const xform_class_t xf_timestamp_router = {
        .name = "org.apache.kafka.connect.transforms.TimestampRouter",
        .alias = "TimestampRouter",
        .kind = XFORM_TRANSFORMATION,
        .doc = "Update the record's topic field as a function of the "
               "original topic value and the record timestamp.<p/>This is "
               "mainly useful for sink connectors, since the topic field is "
               "often used to determine the equivalent entity name in the "
               "destination system(e.g. database table or search index "
               "name).",
        .defs = ts_router_defs,
        .configure = ts_router_configure,
        .apply = ts_router_apply,
        .close = ts_router_close,
};
