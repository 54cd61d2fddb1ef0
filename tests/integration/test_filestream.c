/*
 * FileStream round trip through the embedded cluster, and what survives a
 * worker restart: kill -9 and SIGTERM, against a stand-alone embedded
 * cluster so the topic outlives the worker.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *cfg_source(const char *name, const char *file, const char *topic,
                        const char *extra)
{
        char *s = NULL;
        if (asprintf(&s,
                     "{\"name\":\"%s\",\"config\":{"
                     "\"connector.class\":\"FileStreamSource\","
                     "\"file\":\"%s\",\"topic\":\"%s\",\"tasks.max\":\"1\","
                     "\"key.converter\":\"org.apache.kafka.connect.storage.StringConverter\","
                     "\"value.converter\":\"org.apache.kafka.connect.storage.StringConverter\""
                     "%s}}",
                     name, file, topic, extra ? extra : "") < 0)
                cr_assert_fail("asprintf");
        return s;
}

static void append_lines(const char *path, int from, int to)
{
        char line[64];
        int i;
        FILE *fp = fopen(path, "a");

        cr_assert(fp);
        for (i = from; i <= to; i++) {
                snprintf(line, sizeof(line), "line-%05d\n", i);
                fputs(line, fp);
        }
        fclose(fp);
}

static int count_lines(const char *s)
{
        int n = 0;
        for (; s && *s; s++)
                if (*s == '\n')
                        n++;
        return n;
}

typedef struct {
        const char *path;
        int want;
} file_wait_t;

static int file_has_lines(void *arg)
{
        file_wait_t *fw = arg;
        char *s = slurp(fw->path);
        int ok = s && count_lines(s) >= fw->want;
        free(s);
        return ok;
}

/* Builds "line-00001\n...line-N\n". */
static char *expected_lines(int from, int to)
{
        size_t cap = (size_t)(to - from + 1) * 12 + 1, len = 0;
        char *s = malloc(cap);
        int i;

        s[0] = '\0';
        for (i = from; i <= to; i++)
                len += (size_t)snprintf(s + len, cap - len, "line-%05d\n", i);
        return s;
}

Test(filestream, round_trip_in_order, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[512], out[512], *body, *got, *want;
        file_wait_t fw;
        json_t *j;

        worker_path(w, "input.txt", in, sizeof(in));
        worker_path(w, "output.txt", out, sizeof(out));
        append_lines(in, 1, 300);

        body = cfg_source("src", in, "lines", NULL);
        j = http_json(w, "POST", "/connectors", body, 201);
        json_decref(j);
        free(body);
        cr_assert(asprintf(&body,
                           "{\"name\":\"sink\",\"config\":{"
                           "\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\","
                           "\"file\":\"%s\",\"topics\":\"lines\",\"tasks.max\":\"1\","
                           "\"key.converter\":\"org.apache.kafka.connect.storage.StringConverter\","
                           "\"value.converter\":\"org.apache.kafka.connect.storage.StringConverter\"}}",
                           out) > 0);
        j = http_json(w, "POST", "/connectors", body, 201);
        json_decref(j);
        free(body);
        cr_assert(wait_status(w, "src", "RUNNING", 1, "RUNNING", 20000));
        cr_assert(wait_status(w, "sink", "RUNNING", 1, "RUNNING", 20000));

        /* The topic, read by kcat, holds the lines in order. */
        got = kcat_consume(w->bootstrap, "lines", 300, "%s\n", 30000);
        want = expected_lines(1, 300);
        cr_assert_str_eq(got, want);
        free(got);
        free(want);

        /* Lines appended later flow through to the sink file, in order. */
        append_lines(in, 301, 500);
        fw.path = out;
        fw.want = 500;
        cr_assert(wait_until(file_has_lines, &fw, 30000),
                  "sink file did not reach 500 lines");
        got = slurp(out);
        want = expected_lines(1, 500);
        cr_assert_str_eq(got, want);
        free(got);
        free(want);

        /* The topics endpoint tracked the topic for both connectors. */
        j = http_json(w, "GET", "/connectors/src/topics", NULL, 200);
        cr_assert_str_eq(json_string_value(json_array_get(json_object_get(
                                 json_object_get(j, "src"), "topics"), 0)),
                         "lines");
        json_decref(j);
        worker_free(w);
}

Test(filestream, json_converter_envelope_and_back, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[512], out[512], *body, *got;
        file_wait_t fw;
        json_t *j;

        worker_path(w, "input.txt", in, sizeof(in));
        worker_path(w, "output.txt", out, sizeof(out));
        spit(in, "hello \"world\"\n", 0);
        /* Worker defaults: JsonConverter with schemas. */
        cr_assert(asprintf(&body,
                           "{\"name\":\"src\",\"config\":{\"connector.class\":"
                           "\"FileStreamSource\",\"file\":\"%s\",\"topic\":\"j\"}}",
                           in) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(asprintf(&body,
                           "{\"name\":\"sink\",\"config\":{\"connector.class\":"
                           "\"FileStreamSink\",\"file\":\"%s\",\"topics\":\"j\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);

        got = kcat_consume(w->bootstrap, "j", 1, "%k|%s\n", 30000);
        /* Java's FileStreamSource: a required string schema. */
        cr_assert_str_eq(got, "|{\"schema\":{\"type\":\"string\",\"optional\":"
                              "false},\"payload\":\"hello \\\"world\\\"\"}\n");
        free(got);
        fw.path = out;
        fw.want = 1;
        cr_assert(wait_until(file_has_lines, &fw, 30000));
        got = slurp(out);
        cr_assert_str_eq(got, "hello \"world\"\n");
        free(got);
        (void)j;
        worker_free(w);
}

typedef struct {
        const worker_t *w;
        const char *name;
        long long position;
} offset_wait_t;

static int offset_reached(void *arg)
{
        offset_wait_t *ow = arg;
        char path[256];
        http_resp_t *r;
        json_t *off;
        int ok;

        snprintf(path, sizeof(path), "/connectors/%s/offsets", ow->name);
        r = http_req(ow->w, "GET", path, NULL, NULL);
        off = json_object_get(json_object_get(json_array_get(json_object_get(
                                      r->json, "offsets"), 0), "offset"),
                              "position");
        ok = r->status == 200 && json_integer_value(off) == ow->position;
        http_resp_free(r);
        return ok;
}

/* Counts each "line-NNNNN" once; returns how many distinct lines 1..max. */
static int distinct_lines(const char *s, int max, int *dups)
{
        char *seen = calloc((size_t)max + 2, 1);
        int n = 0, v;
        const char *p = s;

        *dups = 0;
        while ((p = strstr(p, "line-"))) {
                v = atoi(p + 5);
                if (v >= 1 && v <= max) {
                        if (seen[v])
                                (*dups)++;
                        else
                                n++;
                        seen[v] = 1;
                }
                p += 5;
        }
        free(seen);
        return n;
}

typedef struct {
        const char *bootstrap;
        const char *topic;
        long long want;
} topic_wait_t;

static int topic_has(void *arg)
{
        topic_wait_t *tw = arg;
        return topic_count(tw->bootstrap, tw->topic) >= tw->want;
}

Test(filestream, kill9_restores_everything, .timeout = 180)
{
        topic_wait_t tw;
        ekafka_t *k = ekafka_start();
        char props[512], in[512], in2[512], *body, *got;
        worker_t *w;
        offset_wait_t ow;
        json_t *j, *cfg_before, *cfg_after;
        int dups, n;

        snprintf(props, sizeof(props),
                 "bootstrap.servers=%s\noffset.flush.interval.ms=200\n",
                 k->bootstrap);
        w = worker_start(props, NULL);
        worker_path(w, "input.txt", in, sizeof(in));
        worker_path(w, "other.txt", in2, sizeof(in2));
        append_lines(in, 1, 100);
        spit(in2, "", 0);

        body = cfg_source("src", in, "rec", NULL);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        body = cfg_source("paused-one", in2, "other", NULL);
        body[strlen(body) - 1] = '\0'; /* reopen the object */
        {
                char *b2;
                cr_assert(asprintf(&b2, "%s,\"initial_state\":\"PAUSED\"}",
                                   body) > 0);
                json_decref(http_json(w, "POST", "/connectors", b2, 201));
                free(b2);
        }
        free(body);
        body = cfg_source("stopped-one", in2, "other", NULL);
        body[strlen(body) - 1] = '\0';
        {
                char *b2;
                cr_assert(asprintf(&b2, "%s,\"initial_state\":\"STOPPED\"}",
                                   body) > 0);
                json_decref(http_json(w, "POST", "/connectors", b2, 201));
                free(b2);
        }
        free(body);
        cfg_before = http_json(w, "GET", "/connectors/src/config", NULL, 200);

        /* Everything read and its position committed, then kill -9. */
        ow.w = w;
        ow.name = "src";
        ow.position = 100 * 11;
        cr_assert(wait_until(offset_reached, &ow, 30000),
                  "offset never reached the end of the file");
        worker_kill9(w);
        append_lines(in, 101, 200);
        worker_restart(w);

        cr_assert(wait_status(w, "src", "RUNNING", 1, "RUNNING", 30000));
        cr_assert(wait_status(w, "paused-one", "PAUSED", -1, NULL, 30000));
        cr_assert(wait_status(w, "stopped-one", "STOPPED", 0, NULL, 30000));
        cfg_after = http_json(w, "GET", "/connectors/src/config", NULL, 200);
        cr_assert(json_equal(cfg_before, cfg_after));
        json_decref(cfg_before);
        json_decref(cfg_after);
        j = http_json(w, "GET", "/connectors", NULL, 200);
        cr_assert_eq(json_array_size(j), 3);
        json_decref(j);

        /* The source resumed from its committed position: no line lost,
         * none written twice. */
        ow.position = 200 * 11;
        cr_assert(wait_until(offset_reached, &ow, 30000));
        tw.bootstrap = k->bootstrap;
        tw.topic = "rec";
        tw.want = 200;
        cr_assert(wait_until(topic_has, &tw, 30000));
        /* Read everything there is: a duplicate would be extra records. */
        got = kcat_consume(k->bootstrap, "rec",
                           (int)topic_count(k->bootstrap, "rec"), "%s\n",
                           30000);
        n = distinct_lines(got, 200, &dups);
        cr_assert_eq(n, 200, "distinct lines %d of 200:\n%s", n, got);
        cr_assert_eq(dups, 0, "%d duplicated lines", dups);
        free(got);
        worker_free(w);
        ekafka_stop(k);
}

Test(filestream, sigterm_commits_offsets_at_stop, .timeout = 180)
{
        ekafka_t *k = ekafka_start();
        char props[512], in[512], *body, *got;
        worker_t *w;
        offset_wait_t ow;
        int dups, n;

        /* No periodic commit before the stop: only the graceful shutdown
         * can have committed the position. */
        snprintf(props, sizeof(props),
                 "bootstrap.servers=%s\noffset.flush.interval.ms=600000\n",
                 k->bootstrap);
        w = worker_start(props, NULL);
        worker_path(w, "input.txt", in, sizeof(in));
        append_lines(in, 1, 50);
        body = cfg_source("src", in, "term", NULL);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        got = kcat_consume(k->bootstrap, "term", 50, "%s\n", 30000);
        cr_assert_eq(count_lines(got), 50);
        free(got);
        cr_assert_eq(worker_stop(w), 0, "worker did not exit cleanly");

        worker_restart(w);
        ow.w = w;
        ow.name = "src";
        ow.position = 50 * 11;
        cr_assert(offset_reached(&ow), "offset not committed at shutdown");
        append_lines(in, 51, 60);
        cr_assert(wait_status(w, "src", "RUNNING", 1, "RUNNING", 30000));
        got = kcat_consume(k->bootstrap, "term", 60, "%s\n", 30000);
        cr_assert_eq(count_lines(got), 60);
        free(got);
        /* Nothing re-sent after the restart. */
        got = kcat_consume(k->bootstrap, "term",
                           (int)topic_count(k->bootstrap, "term"), "%s\n",
                           30000);
        n = distinct_lines(got, 60, &dups);
        cr_assert_eq(n, 60);
        cr_assert_eq(dups, 0, "%d duplicated lines after restart", dups);
        free(got);
        worker_free(w);
        ekafka_stop(k);
}

static long req_status(const worker_t *w, const char *method,
                       const char *path)
{
        http_resp_t *r = http_req(w, method, path, NULL, NULL);
        long st = r->status;
        http_resp_free(r);
        return st;
}

typedef struct {
        const worker_t *w;
        long long offset; /* -1: no offsets at all */
} sink_offset_wait_t;

static int sink_offset_is(void *arg)
{
        sink_offset_wait_t *sw = arg;
        http_resp_t *r = http_req(sw->w, "GET", "/connectors/sink/offsets",
                                  NULL, NULL);
        json_t *offs = json_object_get(r->json, "offsets");
        int ok = 0;

        if (r->status == 200 && sw->offset < 0)
                ok = json_array_size(offs) == 0;
        else if (r->status == 200 && json_array_size(offs) == 1)
                ok = json_integer_value(json_object_get(
                             json_object_get(json_array_get(offs, 0),
                                             "offset"),
                             "kafka_offset")) == sw->offset;
        http_resp_free(r);
        return ok;
}

Test(filestream, sink_offsets_get_alter_reset, .timeout = 120)
{
        worker_t *w = worker_start(NULL, NULL);
        char in[512], out[512], *body, *got, *want;
        file_wait_t fw;
        sink_offset_wait_t sw;
        json_t *j;

        worker_path(w, "input.txt", in, sizeof(in));
        worker_path(w, "output.txt", out, sizeof(out));
        append_lines(in, 1, 20);
        body = cfg_source("src", in, "so", NULL);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        cr_assert(asprintf(&body,
                           "{\"name\":\"sink\",\"config\":{"
                           "\"connector.class\":\"FileStreamSink\","
                           "\"file\":\"%s\",\"topics\":\"so\","
                           "\"value.converter\":\"org.apache.kafka.connect.storage.StringConverter\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        fw.path = out;
        fw.want = 20;
        cr_assert(wait_until(file_has_lines, &fw, 30000));

        /* Committed after the sink's flush: the consumer group's offset. */
        sw.w = w;
        sw.offset = 20;
        cr_assert(wait_until(sink_offset_is, &sw, 30000),
                  "sink offset never reached 20");

        /* Alter only while STOPPED. */
        body = "{\"offsets\":[{\"partition\":{\"kafka_topic\":\"so\","
               "\"kafka_partition\":0},\"offset\":{\"kafka_offset\":5}}]}";
        j = http_json(w, "PATCH", "/connectors/sink/offsets", body, 400);
        json_decref(j);
        cr_assert_eq(req_status(w, "PUT", "/connectors/sink/stop"), 204);
        cr_assert(wait_status(w, "sink", "STOPPED", 0, NULL, 20000));
        j = http_json(w, "PATCH", "/connectors/sink/offsets",
                      "{\"offsets\":[{\"partition\":{\"kafka_partition\":0},"
                      "\"offset\":{\"kafka_offset\":5}}]}",
                      400);
        json_decref(j);
        j = http_json(w, "PATCH", "/connectors/sink/offsets", body, 200);
        cr_assert(strstr(json_string_value(json_object_get(j, "message")),
                         "altered successfully"));
        json_decref(j);
        sw.offset = 5;
        cr_assert(sink_offset_is(&sw), "GET does not show the altered offset");

        /* Resumed, the sink consumes again from offset 5. */
        cr_assert_eq(req_status(w, "PUT", "/connectors/sink/resume"), 202);
        fw.want = 35;
        cr_assert(wait_until(file_has_lines, &fw, 30000),
                  "sink did not re-read from the altered offset");
        got = slurp(out);
        want = expected_lines(6, 20);
        cr_assert_str_eq(got + 20 * 11, want);
        free(got);
        free(want);

        /* Reset: no committed offsets (as Connect shows it); resumed, the
         * sink reads everything again (auto.offset.reset=earliest). */
        sw.offset = 20;
        cr_assert(wait_until(sink_offset_is, &sw, 30000));
        cr_assert_eq(req_status(w, "PUT", "/connectors/sink/stop"), 204);
        cr_assert(wait_status(w, "sink", "STOPPED", 0, NULL, 20000));
        j = http_json(w, "DELETE", "/connectors/sink/offsets", NULL, 200);
        cr_assert(strstr(json_string_value(json_object_get(j, "message")),
                         "reset successfully"));
        json_decref(j);
        sw.offset = -1;
        cr_assert(sink_offset_is(&sw), "offsets still there after reset");
        cr_assert_eq(req_status(w, "PUT", "/connectors/sink/resume"), 202);
        fw.want = 55;
        cr_assert(wait_until(file_has_lines, &fw, 30000),
                  "sink did not re-read after the reset");
        got = slurp(out);
        want = expected_lines(1, 20);
        cr_assert_str_eq(got + 35 * 11, want);
        free(got);
        free(want);
        worker_free(w);
}

/* ---- FileStream sink after kill -9 ------------------------------------ */

#define TORN_RECORDS 40000

/* Record i as the sink writes it: "rec-NNNNNN-" and i % 97 'x's. */
static int torn_record_ok(const char *line, size_t len, int *idx)
{
        char head[16];
        size_t pad, k;
        int i;

        if (len < 11 || memcmp(line, "rec-", 4) || line[10] != '-')
                return 0;
        for (k = 4; k < 10; k++)
                if (line[k] < '0' || line[k] > '9')
                        return 0;
        memcpy(head, line + 4, 6);
        head[6] = '\0';
        i = atoi(head);
        pad = (size_t)(i % 97);
        if (i >= TORN_RECORDS || len != 11 + pad)
                return 0;
        for (k = 11; k < len; k++)
                if (line[k] != 'x')
                        return 0;
        *idx = i;
        return 1;
}

typedef struct {
        const char *path;
        int distinct; /* out: distinct whole records seen */
        int bad;      /* out: lines that are not a whole record */
        int missing;  /* out: the first record not seen, or -1 */
        char first_bad[128];
} torn_scan_t;

/* Scans the complete lines of the file (a last line still being written
 * is not looked at). */
static void torn_scan(torn_scan_t *ts)
{
        char *s = slurp(ts->path), *p, *nl;
        char *seen = calloc(TORN_RECORDS, 1);
        int idx;

        ts->distinct = ts->bad = 0;
        for (p = s; p && (nl = strchr(p, '\n')); p = nl + 1) {
                if (torn_record_ok(p, (size_t)(nl - p), &idx)) {
                        if (!seen[idx])
                                ts->distinct++;
                        seen[idx] = 1;
                } else if (ts->bad++ == 0) {
                        snprintf(ts->first_bad, sizeof(ts->first_bad),
                                 "%.*s", (int)(nl - p > 100 ? 100 : nl - p),
                                 p);
                }
        }
        ts->missing = -1;
        for (idx = 0; idx < TORN_RECORDS && ts->missing < 0; idx++)
                if (!seen[idx])
                        ts->missing = idx;
        free(seen);
        free(s);
}

static int torn_all_there(void *arg)
{
        torn_scan_t *ts = arg;

        torn_scan(ts);
        return ts->distinct == TORN_RECORDS || ts->bad > 0;
}

static int file_at_least(void *arg)
{
        file_wait_t *fw = arg;
        FILE *f = fopen(fw->path, "r");
        long n = 0;

        if (f) {
                fseek(f, 0, SEEK_END);
                n = ftell(f);
                fclose(f);
        }
        return n >= fw->want;
}

/* kill -9 while the sink is writing (offsets never committed: the flush
 * interval is longer than the test), then restart: the records come again
 * and the output holds only whole records, no torn line glued to the
 * first re-delivered one. */
Test(filestream, sink_kill9_leaves_only_whole_lines, .timeout = 240)
{
        ekafka_t *k = ekafka_start();
        char props[512], out[512], *body, *data;
        size_t cap = (size_t)TORN_RECORDS * 120, len = 0;
        torn_scan_t ts = { 0 };
        file_wait_t fw;
        worker_t *w;
        int i;

        data = malloc(cap);
        cr_assert(data);
        for (i = 0; i < TORN_RECORDS; i++)
                len += (size_t)snprintf(data + len, cap - len,
                                        "rec-%06d-%.*s\n", i, i % 97,
                                        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                        "xxxxxxxxxxxxxxxxxxxxxxxxx");
        cr_assert_eq(kcat_produce(k->bootstrap, "torn", data, 0), 0);
        free(data);

        snprintf(props, sizeof(props),
                 "bootstrap.servers=%s\noffset.flush.interval.ms=3600000\n"
                 /* the cluster rebalances once the killed member timed out */
                 "consumer.session.timeout.ms=6000\n"
                 "consumer.heartbeat.interval.ms=1000\n",
                 k->bootstrap);
        w = worker_start(props, NULL);
        worker_path(w, "output.txt", out, sizeof(out));
        cr_assert(asprintf(&body,
                           "{\"name\":\"sink\",\"config\":{"
                           "\"connector.class\":\"FileStreamSink\","
                           "\"file\":\"%s\",\"topics\":\"torn\","
                           "\"value.converter\":\"org.apache.kafka.connect.storage.StringConverter\"}}",
                           out) > 0);
        json_decref(http_json(w, "POST", "/connectors", body, 201));
        free(body);
        fw.path = out;
        fw.want = 256 * 1024;
        cr_assert(wait_until(file_at_least, &fw, 60000),
                  "the sink wrote nothing");
        worker_kill9(w);

        /* Restarted with frequent flushes so everything reaches the file. */
        cr_assert_eq(spit(w->props_path, "\noffset.flush.interval.ms=300\n",
                          1), 0);
        worker_restart(w);
        ts.path = out;
        cr_assert(wait_until(torn_all_there, &ts, 120000),
                  "only %d of %d records arrived (record %d missing)",
                  ts.distinct, TORN_RECORDS, ts.missing);
        cr_assert_eq(ts.bad, 0, "%d torn lines, the first: [%s]", ts.bad,
                     ts.first_bad);
        cr_assert_eq(worker_stop(w), 0);
        torn_scan(&ts);
        cr_assert_eq(ts.distinct, TORN_RECORDS);
        cr_assert_eq(ts.bad, 0, "%d torn lines, the first: [%s]", ts.bad,
                     ts.first_bad);
        {
                char *s = slurp(out);
                size_t n = s ? strlen(s) : 0;

                cr_assert(n > 0 && s[n - 1] == '\n',
                          "the file ends inside a line");
                free(s);
        }
        worker_free(w);
        ekafka_stop(k);
}
