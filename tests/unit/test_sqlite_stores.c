/*
 * Unit tests for storage/sqlite/sqlite_stores.c: the config, offset and
 * status store interfaces over one SQLite file.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "sqlite/sqlite_stores.h"

static char tmpdir[512];
static char dbpath[600];
static char err[1024];
static config_store_t *cs;
static offset_store_t *os;
static status_store_t *ss;

static void open_all(void)
{
        cr_assert_eq(sqlite_stores_open(dbpath, &cs, &os, &ss, err,
                                        sizeof(err)),
                     0, "%s", err);
}

static void close_all(void)
{
        /* Any order: the last close closes the file. */
        status_store_close(ss);
        config_store_close(cs);
        offset_store_close(os);
        cs = NULL;
        os = NULL;
        ss = NULL;
}

static void setup(void)
{
        const char *base = getenv("TMPDIR");

        snprintf(tmpdir, sizeof(tmpdir), "%s/connectd-sqlstores-XXXXXX",
                 base && *base ? base : "/tmp");
        cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
        snprintf(dbpath, sizeof(dbpath), "%s/connectd.db", tmpdir);
        open_all();
}

static void teardown(void)
{
        char cmd[700];

        if (cs)
                close_all();
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmpdir);
}

TestSuite(sqlite_stores, .init = setup, .fini = teardown);

static void assert_json(json_t *got, const char *expected_text)
{
        json_t *exp = json_loads(expected_text, 0, NULL);
        char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);

        cr_assert_not_null(exp, "bad expected JSON in test: %s",
                           expected_text);
        cr_assert(json_equal(got, exp), "got %s\nexpected %s", g,
                  expected_text);
        free(g);
        json_decref(exp);
        json_decref(got);
}

static int collect_connector(void *opaque, const char *name,
                             const json_t *config, const char *target)
{
        json_array_append_new(opaque,
                              json_pack("{s:s,s:O,s:s}", "name", name,
                                        "config", config, "target", target));
        return 0;
}

static json_t *connectors(void)
{
        json_t *arr = json_array();

        cr_assert_eq(config_store_connector_each(cs, collect_connector, arr,
                                                 err, sizeof(err)),
                     0, "%s", err);
        return arr;
}

static json_t *tasks(const char *name)
{
        json_t *arr = NULL;

        cr_assert_eq(config_store_tasks_get(cs, name, &arr, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_not_null(arr);
        return arr;
}

static int collect_status(void *opaque, const char *connector, int task,
                          const char *state, const char *trace,
                          const char *worker_id, int generation)
{
        json_array_append_new(opaque,
                              json_pack("{s:s,s:i,s:s,s:s?,s:s?,s:i}",
                                        "connector", connector, "task", task,
                                        "state", state, "trace", trace,
                                        "worker", worker_id, "generation",
                                        generation));
        return 0;
}

static json_t *statuses(void)
{
        json_t *arr = json_array();

        cr_assert_eq(status_store_each(ss, collect_status, arr, err,
                                       sizeof(err)),
                     0, "%s", err);
        return arr;
}

Test(sqlite_stores, connector_configs_and_targets)
{
        json_t *a = json_pack("{s:s}", "k", "1");
        json_t *b = json_pack("{s:s}", "k", "2");

        cr_assert_eq(config_store_connector_put(cs, "a", a, NULL, err,
                                                sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(config_store_connector_put(cs, "b", b, "PAUSED", err,
                                                sizeof(err)),
                     0, "%s", err);
        /* NULL target keeps the current one. */
        cr_assert_eq(config_store_connector_put(cs, "b", a, NULL, err,
                                                sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(config_store_target_put(cs, "a", "STOPPED", err,
                                             sizeof(err)),
                     0, "%s", err);
        assert_json(connectors(),
                    "[{\"name\":\"a\",\"config\":{\"k\":\"1\"},"
                    "\"target\":\"STOPPED\"},"
                    "{\"name\":\"b\",\"config\":{\"k\":\"1\"},"
                    "\"target\":\"PAUSED\"}]");
        cr_assert_eq(config_store_target_put(cs, "b", "RUNNING", err,
                                             sizeof(err)),
                     -1);
        cr_assert_eq(config_store_connector_delete(cs, "a", err, sizeof(err)),
                     0, "%s", err);
        assert_json(connectors(),
                    "[{\"name\":\"b\",\"config\":{\"k\":\"1\"},"
                    "\"target\":\"PAUSED\"}]");
        json_decref(a);
        json_decref(b);
}

Test(sqlite_stores, task_configs_round_trip)
{
        json_t *cfg = json_object();
        json_t *t = json_pack("[{s:s},{s:s}]", "task", "0", "task", "1");
        json_t *none = json_array();

        cr_assert_eq(config_store_connector_put(cs, "c", cfg, "STARTED", err,
                                                sizeof(err)),
                     0, "%s", err);
        assert_json(tasks("c"), "[]");
        cr_assert_eq(config_store_tasks_put(cs, "c", t, err, sizeof(err)), 0,
                     "%s", err);
        assert_json(tasks("c"), "[{\"task\":\"0\"},{\"task\":\"1\"}]");
        cr_assert_eq(config_store_tasks_put(cs, "c", none, err, sizeof(err)),
                     0, "%s", err);
        assert_json(tasks("c"), "[]");
        /* Deleting the connector drops its task configs. */
        cr_assert_eq(config_store_tasks_put(cs, "c", t, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(config_store_connector_delete(cs, "c", err, sizeof(err)),
                     0, "%s", err);
        assert_json(tasks("c"), "[]");
        json_decref(cfg);
        json_decref(t);
        json_decref(none);
}

static int count_cb(void *opaque, const char *partition_json,
                    const char *offset_json)
{
        (void)partition_json;
        (void)offset_json;
        (*(int *)opaque)++;
        return 0;
}

Test(sqlite_stores, offsets_match_by_parsed_partition)
{
        const char *parts[] = {"{\"b\":1,\"a\":2}", "{\"p\":1}"};
        const char *offs[] = {"{\"pos\":7}", "{\"pos\":1}"};
        const char *del_parts[] = {"{\"p\":1}"};
        const char *del_offs[] = {NULL};
        char *got = NULL;
        int n = 0;

        cr_assert_eq(offset_store_sync(os, err, sizeof(err)), 0);
        cr_assert_eq(offset_store_put(os, "c", 2, parts, offs, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(offset_store_get(os, "c", "{\"a\":2,\"b\":1}", &got, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_str_eq(got, "{\"pos\":7}");
        free(got);
        cr_assert_eq(offset_store_put(os, "c", 1, del_parts, del_offs, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(offset_store_each(os, "c", count_cb, &n, err,
                                       sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(n, 1);
        cr_assert_eq(offset_store_delete_all(os, "c", err, sizeof(err)), 0,
                     "%s", err);
        n = 0;
        cr_assert_eq(offset_store_each(os, "c", count_cb, &n, err,
                                       sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(n, 0);
}

Test(sqlite_stores, statuses_put_remove_and_survive_reopen)
{
        cr_assert_eq(status_store_put(ss, "c", -1, "RUNNING", NULL, "w:1", 3,
                                      1, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(status_store_put(ss, "c", 0, "FAILED", "boom", "w:1", 3,
                                      0, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(status_store_put(ss, "c", 1, "RUNNING", NULL, "w:1", 3,
                                      0, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(status_store_remove(ss, "c", 1, err, sizeof(err)), 0,
                     "%s", err);
        /* Absent is fine. */
        cr_assert_eq(status_store_remove(ss, "c", 9, err, sizeof(err)), 0,
                     "%s", err);
        close_all();
        open_all();
        /* The file keeps no worker id or generation. */
        assert_json(statuses(),
                    "[{\"connector\":\"c\",\"task\":-1,\"state\":\"RUNNING\","
                    "\"trace\":null,\"worker\":null,\"generation\":0},"
                    "{\"connector\":\"c\",\"task\":0,\"state\":\"FAILED\","
                    "\"trace\":\"boom\",\"worker\":null,\"generation\":0}]");
}

Test(sqlite_stores, open_failure_leaves_nothing_open)
{
        char path[700];
        config_store_t *c2 = (config_store_t *)1;
        offset_store_t *o2 = (offset_store_t *)1;
        status_store_t *s2 = (status_store_t *)1;

        snprintf(path, sizeof(path), "%s/no/such/dir/connectd.db", tmpdir);
        cr_assert_eq(sqlite_stores_open(path, &c2, &o2, &s2, err,
                                        sizeof(err)),
                     -1);
        cr_assert_null(c2);
        cr_assert_null(o2);
        cr_assert_null(s2);
        cr_assert(strstr(err, path), "error names the file: %s", err);
}
