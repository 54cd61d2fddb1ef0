/*
 * Unit tests for storage/sqlite/store.c (the SQLite file under the three
 * stores): every function round-trips through a real SQLite file in a
 * fresh temporary directory; durability is checked by reopening and by a
 * child process that exits without closing.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "canonical_json.h"
#include "sqlite/store.h"

static char tmpdir[512];
static char dbpath[600];
static char err[1024];

static void setup(void)
{
        const char *base = getenv("TMPDIR");

        snprintf(tmpdir, sizeof(tmpdir), "%s/connectd-store-XXXXXX",
                 base && *base ? base : "/tmp");
        cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
        snprintf(dbpath, sizeof(dbpath), "%s/connectd.db", tmpdir);
        err[0] = '\0';
}

static void teardown(void)
{
        char cmd[700];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmpdir);
}

TestSuite(store, .init = setup, .fini = teardown);

static store_t *open_ok(void)
{
        store_t *st = store_open(dbpath, err, sizeof(err));

        cr_assert_not_null(st, "store_open: %s", err);
        return st;
}

/* ---- collectors: walks into JSON arrays -------------------------------- */

static int collect_connector(void *opaque, const char *name,
                             const char *config_json, const char *target_state)
{
        json_t *arr = opaque;

        json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "name", name,
                                             "config", config_json, "target",
                                             target_state));
        return 0;
}

static json_t *connectors(store_t *st)
{
        json_t *arr = json_array();

        cr_assert_eq(store_connector_each(st, collect_connector, arr, err,
                                          sizeof(err)),
                     0, "%s", err);
        return arr;
}

static int collect_task(void *opaque, const char *connector, int task,
                        const char *config_json)
{
        json_array_append_new(opaque,
                              json_pack("{s:s,s:i,s:s}", "connector",
                                        connector, "task", task, "config",
                                        config_json));
        return 0;
}

static json_t *tasks(store_t *st, const char *connector)
{
        json_t *arr = json_array();

        cr_assert_eq(store_tasks_each(st, connector, collect_task, arr, err,
                                      sizeof(err)),
                     0, "%s", err);
        return arr;
}

static int collect_offset(void *opaque, const char *partition_json,
                          const char *offset_json)
{
        json_array_append_new(opaque, json_pack("[s,s]", partition_json,
                                                offset_json));
        return 0;
}

static json_t *offsets(store_t *st, const char *connector)
{
        json_t *arr = json_array();

        cr_assert_eq(store_offsets_each(st, connector, collect_offset, arr,
                                        err, sizeof(err)),
                     0, "%s", err);
        return arr;
}

static int collect_status(void *opaque, const char *connector, int task,
                          const char *state, const char *trace)
{
        json_array_append_new(opaque,
                              json_pack("{s:s,s:i,s:s,s:s?}", "connector",
                                        connector, "task", task, "state",
                                        state, "trace", trace));
        return 0;
}

static json_t *statuses(store_t *st)
{
        json_t *arr = json_array();

        cr_assert_eq(store_status_each(st, collect_status, arr, err,
                                       sizeof(err)),
                     0, "%s", err);
        return arr;
}

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

/* ---- open / migrate ------------------------------------------------------ */

static long long sql_int(const char *path, const char *sql)
{
        sqlite3 *db = NULL;
        sqlite3_stmt *stmt = NULL;
        long long v = -1;

        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK,
                     "%s", sqlite3_errmsg(db));
        if (sqlite3_step(stmt) == SQLITE_ROW)
                v = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return v;
}

static void sql_exec(const char *path, const char *sql)
{
        sqlite3 *db = NULL;

        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK,
                     "%s", sqlite3_errmsg(db));
        sqlite3_close(db);
}

Test(store, migrates_an_empty_file)
{
        int fd = open(dbpath, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        store_t *st;

        cr_assert_geq(fd, 0);
        close(fd);
        st = open_ok();
        store_close(st);

        cr_assert_eq(sql_int(dbpath, "SELECT value FROM meta WHERE key = "
                                     "'schema_version'"),
                     STORE_SCHEMA_VERSION);
        cr_assert_eq(sql_int(dbpath, "SELECT count(*) FROM sqlite_master "
                                     "WHERE type = 'table' AND name IN "
                                     "('connectors', 'task_configs', "
                                     "'offsets', 'status', 'meta')"),
                     5);
        /* Opening again must not re-run the migration (it would fail on
         * CREATE TABLE of an existing table). */
        st = open_ok();
        store_close(st);
}

Test(store, wal_mode_and_full_sync)
{
        store_t *st = open_ok();
        sqlite3 *db = NULL;
        sqlite3_stmt *stmt = NULL;

        /* journal_mode is persistent in the file; check from outside. */
        cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt,
                                        NULL),
                     SQLITE_OK);
        cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
        cr_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "wal");
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        store_close(st);
}

static mode_t file_mode(const char *path)
{
        struct stat sb;

        cr_assert_eq(stat(path, &sb), 0, "stat %s: %s", path, strerror(errno));
        return sb.st_mode & 0777;
}

/* The store holds connector secrets: the database and the WAL and
 * shared-memory files SQLite creates beside it are 0600 even under
 * umask 000. */
Test(store, files_are_private_whatever_the_umask)
{
        char wal[700], shm[700];
        mode_t old = umask(0);
        store_t *st = store_open(dbpath, err, sizeof(err));

        umask(old);
        cr_assert_not_null(st, "store_open: %s", err);
        cr_assert_eq(store_connector_put(st, "c", "{\"k\":\"v\"}", "STARTED",
                                         err, sizeof(err)),
                     0, "%s", err);
        snprintf(wal, sizeof(wal), "%s-wal", dbpath);
        snprintf(shm, sizeof(shm), "%s-shm", dbpath);
        cr_assert_eq(file_mode(dbpath), 0600, "db mode %04o",
                     (unsigned)file_mode(dbpath));
        cr_assert_eq(file_mode(wal), 0600, "wal mode %04o",
                     (unsigned)file_mode(wal));
        cr_assert_eq(file_mode(shm), 0600, "shm mode %04o",
                     (unsigned)file_mode(shm));
        store_close(st);
}

/* A store file left readable by others (an older version, a copy) is
 * narrowed to its owner when opened; so are its -wal and -shm files. */
Test(store, loose_existing_files_are_narrowed)
{
        char wal[700], shm[700];
        store_t *st = open_ok();

        cr_assert_eq(store_connector_put(st, "c", "{\"k\":\"v\"}", "STARTED",
                                         err, sizeof(err)),
                     0, "%s", err);
        snprintf(wal, sizeof(wal), "%s-wal", dbpath);
        snprintf(shm, sizeof(shm), "%s-shm", dbpath);
        cr_assert_eq(chmod(dbpath, 0666), 0);
        cr_assert_eq(chmod(wal, 0644), 0);
        cr_assert_eq(chmod(shm, 0640), 0);
        /* Reopened while the first connection keeps -wal and -shm. */
        store_t *st2 = open_ok();

        cr_assert_eq(file_mode(dbpath), 0600);
        cr_assert_eq(file_mode(wal), 0600);
        cr_assert_eq(file_mode(shm), 0600);
        store_close(st2);
        store_close(st);
}

Test(store, refuses_a_newer_schema)
{
        store_t *st = open_ok();

        store_close(st);
        sql_exec(dbpath, "UPDATE meta SET value = '7' WHERE key = "
                         "'schema_version'");
        st = store_open(dbpath, err, sizeof(err));
        cr_assert_null(st);
        cr_assert(strstr(err, "store schema version 7 is newer than this "
                              "connectd supports (1)"),
                  "got: %s", err);
        /* The refusal must not have changed the file. */
        cr_assert_eq(sql_int(dbpath, "SELECT value FROM meta WHERE key = "
                                     "'schema_version'"),
                     7);
}

Test(store, refuses_a_file_that_is_not_a_database)
{
        FILE *f = fopen(dbpath, "w");
        store_t *st;

        cr_assert_not_null(f);
        fputs("bootstrap.servers=localhost:9092\nthis is not sqlite at all, "
              "just a text file long enough to have a header\n",
              f);
        fclose(f);
        st = store_open(dbpath, err, sizeof(err));
        cr_assert_null(st);
        cr_assert(strstr(err, dbpath), "error names the file: %s", err);
        cr_assert(strstr(err, "not a database"), "got: %s", err);
}

Test(store, refuses_an_unwritable_path)
{
        char path[700];
        store_t *st;

        snprintf(path, sizeof(path), "%s/no/such/dir/connectd.db", tmpdir);
        st = store_open(path, err, sizeof(err));
        cr_assert_null(st);
        cr_assert(strstr(err, path), "error names the file: %s", err);
        cr_assert(strstr(err, "unable to open"), "got: %s", err);

        /* A directory is not a file we can use. */
        st = store_open(tmpdir, err, sizeof(err));
        cr_assert_null(st);
        cr_assert(strstr(err, tmpdir), "error names the file: %s", err);

        st = store_open("", err, sizeof(err));
        cr_assert_null(st);
}

Test(store, refuses_a_read_only_file)
{
        store_t *st = open_ok();

        store_close(st);
        if (geteuid() == 0)
                cr_skip_test("root can write a 0444 file");
        cr_assert_eq(chmod(dbpath, 0444), 0);
        st = store_open(dbpath, err, sizeof(err));
        cr_assert_null(st);
        cr_assert(strstr(err, dbpath), "error names the file: %s", err);
        cr_assert(strstr(err, "not writable"), "got: %s", err);
}

/* ---- connectors ---------------------------------------------------------- */

Test(store, connectors_round_trip_in_creation_order)
{
        store_t *st = open_ok();

        cr_assert_eq(store_connector_put(st, "zeta", "{\"a\":\"1\"}",
                                         "STARTED", err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_connector_put(st, "alpha", "{\"b\":\"2\"}",
                                         "PAUSED", err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_connector_put(st, "mid", "{}", "STOPPED", err,
                                         sizeof(err)),
                     0, "%s", err);
        /* Updating keeps the place in creation order. */
        cr_assert_eq(store_connector_put(st, "zeta", "{\"a\":\"9\"}",
                                         "PAUSED", err, sizeof(err)),
                     0, "%s", err);
        assert_json(connectors(st),
                    "[{\"name\":\"zeta\",\"config\":\"{\\\"a\\\":\\\"9\\\"}\","
                    "\"target\":\"PAUSED\"},"
                    "{\"name\":\"alpha\",\"config\":\"{\\\"b\\\":\\\"2\\\"}\","
                    "\"target\":\"PAUSED\"},"
                    "{\"name\":\"mid\",\"config\":\"{}\","
                    "\"target\":\"STOPPED\"}]");

        cr_assert_eq(store_connector_set_target(st, "alpha", "STARTED", err,
                                                sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_connector_set_target(st, "nope", "STARTED", err,
                                                sizeof(err)),
                     -1);
        cr_assert(strstr(err, "nope"), "got: %s", err);

        /* Deleted and re-created goes to the end. */
        cr_assert_eq(store_connector_delete(st, "zeta", err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(store_connector_put(st, "zeta", "{}", "STARTED", err,
                                         sizeof(err)),
                     0, "%s", err);
        assert_json(connectors(st),
                    "[{\"name\":\"alpha\",\"config\":\"{\\\"b\\\":\\\"2\\\"}\","
                    "\"target\":\"STARTED\"},"
                    "{\"name\":\"mid\",\"config\":\"{}\","
                    "\"target\":\"STOPPED\"},"
                    "{\"name\":\"zeta\",\"config\":\"{}\","
                    "\"target\":\"STARTED\"}]");
        /* Deleting an absent connector is fine (retry after a crash). */
        cr_assert_eq(store_connector_delete(st, "never", err, sizeof(err)), 0,
                     "%s", err);
        store_close(st);
}

Test(store, connector_put_checks_its_input)
{
        store_t *st = open_ok();

        cr_assert_eq(store_connector_put(st, "c", "{}", "RUNNING", err,
                                         sizeof(err)),
                     -1);
        cr_assert(strstr(err, "RUNNING"), "got: %s", err);
        cr_assert_eq(store_connector_put(st, "c", "{not json", "STARTED", err,
                                         sizeof(err)),
                     -1);
        cr_assert(strstr(err, "not valid JSON"), "got: %s", err);
        cr_assert_eq(store_connector_put(st, "c", "[1]", "STARTED", err,
                                         sizeof(err)),
                     -1);
        cr_assert_eq(store_connector_put(st, "", "{}", "STARTED", err,
                                         sizeof(err)),
                     -1);
        cr_assert_eq(store_connector_set_target(st, "c", "bogus", err,
                                                sizeof(err)),
                     -1);
        assert_json(connectors(st), "[]");
        store_close(st);
}

static int stop_after_one(void *opaque, const char *name,
                          const char *config_json, const char *target_state)
{
        (void)config_json;
        (void)target_state;
        json_array_append_new(opaque, json_string(name));
        return 1;
}

struct reenter {
        store_t *st;
        json_t *seen;
};

/* The walk must not hold the store's lock while calling back. */
static int reenter_cb(void *opaque, const char *name, const char *config_json,
                      const char *target_state)
{
        struct reenter *re = opaque;
        char e[256];

        (void)config_json;
        (void)target_state;
        json_array_append_new(re->seen, json_string(name));
        cr_assert_eq(store_status_put(re->st, name, -1, "RUNNING", NULL, e,
                                      sizeof(e)),
                     0, "%s", e);
        json_array_append_new(re->seen, tasks(re->st, name));
        return 0;
}

Test(store, connector_walk_stops_and_allows_reentry)
{
        store_t *st = open_ok();
        json_t *seen = json_array();
        const char *t[] = {"{\"x\":\"1\"}"};
        struct reenter re;

        cr_assert_eq(store_connector_put(st, "a", "{}", "STARTED", err,
                                         sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_connector_put(st, "b", "{}", "STARTED", err,
                                         sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_tasks_put(st, "b", 1, t, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(store_connector_each(st, stop_after_one, seen, err,
                                          sizeof(err)),
                     0);
        assert_json(seen, "[\"a\"]");

        re.st = st;
        re.seen = json_array();
        cr_assert_eq(store_connector_each(st, reenter_cb, &re, err,
                                          sizeof(err)),
                     0, "%s", err);
        assert_json(re.seen,
                    "[\"a\",[],\"b\",[{\"connector\":\"b\",\"task\":0,"
                    "\"config\":\"{\\\"x\\\":\\\"1\\\"}\"}]]");
        assert_json(statuses(st),
                    "[{\"connector\":\"a\",\"task\":-1,\"state\":\"RUNNING\","
                    "\"trace\":null},{\"connector\":\"b\",\"task\":-1,"
                    "\"state\":\"RUNNING\",\"trace\":null}]");
        store_close(st);
}

/* ---- tasks --------------------------------------------------------------- */

Test(store, task_configs_replace_the_whole_set)
{
        store_t *st = open_ok();
        const char *three[] = {"{\"t\":\"0\"}", "{\"t\":\"1\"}",
                               "{\"t\":\"2\"}"};
        const char *one[] = {"{\"t\":\"new\"}"};
        const char *bad[] = {"{\"t\":\"0\"}", "nope"};

        cr_assert_eq(store_tasks_put(st, "c", 3, three, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(store_tasks_put(st, "other", 1, one, err, sizeof(err)),
                     0, "%s", err);
        assert_json(tasks(st, "c"),
                    "[{\"connector\":\"c\",\"task\":0,\"config\":"
                    "\"{\\\"t\\\":\\\"0\\\"}\"},"
                    "{\"connector\":\"c\",\"task\":1,\"config\":"
                    "\"{\\\"t\\\":\\\"1\\\"}\"},"
                    "{\"connector\":\"c\",\"task\":2,\"config\":"
                    "\"{\\\"t\\\":\\\"2\\\"}\"}]");
        cr_assert_eq(store_tasks_put(st, "c", 1, one, err, sizeof(err)), 0,
                     "%s", err);
        assert_json(tasks(st, "c"),
                    "[{\"connector\":\"c\",\"task\":0,\"config\":"
                    "\"{\\\"t\\\":\\\"new\\\"}\"}]");
        /* A bad element rejects the whole call; the old set stays. */
        cr_assert_eq(store_tasks_put(st, "c", 2, bad, err, sizeof(err)), -1);
        cr_assert(strstr(err, "task 1"), "got: %s", err);
        assert_json(tasks(st, "c"),
                    "[{\"connector\":\"c\",\"task\":0,\"config\":"
                    "\"{\\\"t\\\":\\\"new\\\"}\"}]");
        cr_assert_eq(store_tasks_put(st, "c", 0, NULL, err, sizeof(err)), 0,
                     "%s", err);
        assert_json(tasks(st, "c"), "[]");
        /* Other connectors untouched. */
        assert_json(tasks(st, "other"),
                    "[{\"connector\":\"other\",\"task\":0,\"config\":"
                    "\"{\\\"t\\\":\\\"new\\\"}\"}]");
        cr_assert_eq(store_tasks_put(st, "c", -1, NULL, err, sizeof(err)),
                     -1);
        store_close(st);
}

/* ---- offsets ------------------------------------------------------------- */

Test(store, offsets_round_trip_with_canonical_partitions)
{
        store_t *st = open_ok();
        const char *parts[] = {"{\"b\":1,\"a\":2}", "{ \"file\" : \"x\" }"};
        const char *offs[] = {"{\"pos\":10}", "{\"line\":3}"};
        const char *parts2[] = {"{\"a\":2,\"b\":1}"};
        const char *offs2[] = {"{\"pos\":20}"};
        char *got = NULL;

        cr_assert_eq(store_offsets_put(st, "c", 2, parts, offs, err,
                                       sizeof(err)),
                     0, "%s", err);
        /* Same partition, other key order: an update, not a new row. */
        cr_assert_eq(store_offsets_put(st, "c", 1, parts2, offs2, err,
                                       sizeof(err)),
                     0, "%s", err);
        assert_json(offsets(st, "c"),
                    "[[\"{\\\"a\\\":2,\\\"b\\\":1}\",\"{\\\"pos\\\":20}\"],"
                    "[\"{\\\"file\\\":\\\"x\\\"}\",\"{\\\"line\\\":3}\"]]");

        cr_assert_eq(store_offset_get(st, "c", "{\"b\":1,\"a\":2}", &got, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_str_eq(got, "{\"pos\":20}");
        free(got);
        got = (char *)"sentinel";
        cr_assert_eq(store_offset_get(st, "c", "{\"file\":\"y\"}", &got, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_null(got);
        got = (char *)"sentinel";
        cr_assert_eq(store_offset_get(st, "other", "{\"file\":\"x\"}", &got,
                                      err, sizeof(err)),
                     0, "%s", err);
        cr_assert_null(got);
        cr_assert_eq(store_offset_get(st, "c", "[1,2]", &got, err,
                                      sizeof(err)),
                     -1);
        cr_assert(strstr(err, "not a JSON object"), "got: %s", err);
        store_close(st);
}

Test(store, offsets_null_deletes_and_delete_all)
{
        store_t *st = open_ok();
        const char *parts[] = {"{\"p\":1}", "{\"p\":2}", "{\"p\":3}"};
        const char *offs[] = {"{\"o\":1}", "{\"o\":2}", "{\"o\":3}"};
        /* Mixed in one call: delete p=2, update p=3, add p=4. */
        const char *parts2[] = {"{\"p\":2}", "{\"p\":3}", "{\"p\":4}"};
        const char *offs2[] = {NULL, "{\"o\":33}", "{\"o\":4}"};
        const char *bad_parts[] = {"{\"p\":1}", "\"scalar\""};
        const char *bad_offs[] = {NULL, "{\"o\":0}"};

        cr_assert_eq(store_offsets_put(st, "c", 3, parts, offs, err,
                                       sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_offsets_put(st, "d", 1, parts, offs, err,
                                       sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_offsets_put(st, "c", 3, parts2, offs2, err,
                                       sizeof(err)),
                     0, "%s", err);
        assert_json(offsets(st, "c"),
                    "[[\"{\\\"p\\\":1}\",\"{\\\"o\\\":1}\"],"
                    "[\"{\\\"p\\\":3}\",\"{\\\"o\\\":33}\"],"
                    "[\"{\\\"p\\\":4}\",\"{\\\"o\\\":4}\"]]");
        /* Deleting an absent partition is fine. */
        cr_assert_eq(store_offsets_put(st, "c", 1, parts2, offs2, err,
                                       sizeof(err)),
                     0, "%s", err);
        /* One bad partition rejects the whole batch (one transaction). */
        cr_assert_eq(store_offsets_put(st, "c", 2, bad_parts, bad_offs, err,
                                       sizeof(err)),
                     -1);
        assert_json(offsets(st, "c"),
                    "[[\"{\\\"p\\\":1}\",\"{\\\"o\\\":1}\"],"
                    "[\"{\\\"p\\\":3}\",\"{\\\"o\\\":33}\"],"
                    "[\"{\\\"p\\\":4}\",\"{\\\"o\\\":4}\"]]");
        cr_assert_eq(store_offsets_put(st, "c", 0, NULL, NULL, err,
                                       sizeof(err)),
                     0, "%s", err);

        cr_assert_eq(store_offsets_delete_all(st, "c", err, sizeof(err)), 0,
                     "%s", err);
        assert_json(offsets(st, "c"), "[]");
        assert_json(offsets(st, "d"),
                    "[[\"{\\\"p\\\":1}\",\"{\\\"o\\\":1}\"]]");
        store_close(st);
}

/* ---- status -------------------------------------------------------------- */

Test(store, status_round_trip)
{
        store_t *st = open_ok();

        cr_assert_eq(store_status_put(st, "c", -1, "RUNNING", NULL, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_status_put(st, "c", 1, "FAILED", "boom\n\tat x",
                                      err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_status_put(st, "c", 0, "RUNNING", NULL, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_status_put(st, "b", 0, "PAUSED", NULL, err,
                                      sizeof(err)),
                     0, "%s", err);
        /* Update replaces state and trace. */
        cr_assert_eq(store_status_put(st, "c", 1, "RUNNING", NULL, err,
                                      sizeof(err)),
                     0, "%s", err);
        assert_json(statuses(st),
                    "[{\"connector\":\"b\",\"task\":0,\"state\":\"PAUSED\","
                    "\"trace\":null},"
                    "{\"connector\":\"c\",\"task\":-1,\"state\":\"RUNNING\","
                    "\"trace\":null},"
                    "{\"connector\":\"c\",\"task\":0,\"state\":\"RUNNING\","
                    "\"trace\":null},"
                    "{\"connector\":\"c\",\"task\":1,\"state\":\"RUNNING\","
                    "\"trace\":null}]");
        cr_assert_eq(store_status_put(st, "c", 0, "FAILED", "boom\n\tat x",
                                      err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_status_put(st, "c", -2, "RUNNING", NULL, err,
                                      sizeof(err)),
                     -1);
        cr_assert_eq(store_status_put(st, "c", 0, NULL, NULL, err,
                                      sizeof(err)),
                     -1);
        store_close(st);
        st = open_ok();
        assert_json(statuses(st),
                    "[{\"connector\":\"b\",\"task\":0,\"state\":\"PAUSED\","
                    "\"trace\":null},"
                    "{\"connector\":\"c\",\"task\":-1,\"state\":\"RUNNING\","
                    "\"trace\":null},"
                    "{\"connector\":\"c\",\"task\":0,\"state\":\"FAILED\","
                    "\"trace\":\"boom\\n\\tat x\"},"
                    "{\"connector\":\"c\",\"task\":1,\"state\":\"RUNNING\","
                    "\"trace\":null}]");
        store_close(st);
}

/* ---- delete -------------------------------------------------------------- */

Test(store, delete_removes_everything_but_offsets)
{
        store_t *st = open_ok();
        const char *t[] = {"{}", "{}"};
        const char *parts[] = {"{\"f\":\"a\"}"};
        const char *offs[] = {"{\"pos\":1}"};

        cr_assert_eq(store_connector_put(st, "c", "{\"k\":\"v\"}", "STARTED",
                                         err, sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_connector_put(st, "keep", "{}", "STARTED", err,
                                         sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_tasks_put(st, "c", 2, t, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(store_tasks_put(st, "keep", 1, t, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(store_status_put(st, "c", -1, "RUNNING", NULL, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_status_put(st, "c", 0, "RUNNING", NULL, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_status_put(st, "keep", -1, "RUNNING", NULL, err,
                                      sizeof(err)),
                     0, "%s", err);
        cr_assert_eq(store_offsets_put(st, "c", 1, parts, offs, err,
                                       sizeof(err)),
                     0, "%s", err);

        cr_assert_eq(store_connector_delete(st, "c", err, sizeof(err)), 0,
                     "%s", err);
        assert_json(connectors(st),
                    "[{\"name\":\"keep\",\"config\":\"{}\","
                    "\"target\":\"STARTED\"}]");
        assert_json(tasks(st, "c"), "[]");
        assert_json(tasks(st, "keep"),
                    "[{\"connector\":\"keep\",\"task\":0,\"config\":\"{}\"}]");
        assert_json(statuses(st),
                    "[{\"connector\":\"keep\",\"task\":-1,\"state\":"
                    "\"RUNNING\",\"trace\":null}]");
        assert_json(offsets(st, "c"),
                    "[[\"{\\\"f\\\":\\\"a\\\"}\",\"{\\\"pos\\\":1}\"]]");
        store_close(st);
}

/* ---- durability ---------------------------------------------------------- */

static void write_everything(store_t *st)
{
        const char *t[] = {"{\"task\":\"0\"}"};
        const char *parts[] = {"{\"z\":1,\"a\":[1,2]}"};
        const char *offs[] = {"{\"pos\":42}"};
        char e[512];

        cr_assert_eq(store_connector_put(st, "c", "{\"k\":\"v\"}", "PAUSED", e,
                                         sizeof(e)),
                     0, "%s", e);
        cr_assert_eq(store_tasks_put(st, "c", 1, t, e, sizeof(e)), 0, "%s", e);
        cr_assert_eq(store_offsets_put(st, "c", 1, parts, offs, e, sizeof(e)),
                     0, "%s", e);
        cr_assert_eq(store_status_put(st, "c", 0, "FAILED", "trace", e,
                                      sizeof(e)),
                     0, "%s", e);
}

static void check_everything(store_t *st)
{
        assert_json(connectors(st),
                    "[{\"name\":\"c\",\"config\":\"{\\\"k\\\":\\\"v\\\"}\","
                    "\"target\":\"PAUSED\"}]");
        assert_json(tasks(st, "c"),
                    "[{\"connector\":\"c\",\"task\":0,\"config\":"
                    "\"{\\\"task\\\":\\\"0\\\"}\"}]");
        assert_json(offsets(st, "c"),
                    "[[\"{\\\"a\\\":[1,2],\\\"z\\\":1}\","
                    "\"{\\\"pos\\\":42}\"]]");
        assert_json(statuses(st),
                    "[{\"connector\":\"c\",\"task\":0,\"state\":\"FAILED\","
                    "\"trace\":\"trace\"}]");
}

Test(store, reopen_after_close_keeps_everything)
{
        store_t *st = open_ok();

        write_everything(st);
        store_close(st);
        st = open_ok();
        check_everything(st);
        store_close(st);
}

/* A process that dies without store_close (as after kill -9) loses nothing
 * that a store call acknowledged. */
Test(store, survives_exit_without_close)
{
        pid_t pid = fork();
        int wstatus = 0;
        store_t *st;

        cr_assert_geq(pid, 0);
        if (pid == 0) {
                char e[512];
                store_t *cst = store_open(dbpath, e, sizeof(e));

                if (!cst)
                        _exit(2);
                write_everything(cst);
                _exit(0); /* no store_close, no WAL checkpoint */
        }
        cr_assert_eq(waitpid(pid, &wstatus, 0), pid);
        cr_assert(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0,
                  "child failed: %d", wstatus);
        st = open_ok();
        check_everything(st);
        store_close(st);
}

/* ---- canonical JSON ------------------------------------------------------ */

Test(store, canonical_json)
{
        char *s;

        s = canonical_json("{ \"b\" : 1, \"a\" : \"x\" }");
        cr_assert_str_eq(s, "{\"a\":\"x\",\"b\":1}");
        free(s);
        s = canonical_json("{\"n\":{\"y\":1,\"x\":2},\"m\":null}");
        cr_assert_str_eq(s, "{\"m\":null,\"n\":{\"x\":2,\"y\":1}}");
        free(s);
        s = canonical_json("{}");
        cr_assert_str_eq(s, "{}");
        free(s);
        cr_assert_null(canonical_json("[1,2]"));
        cr_assert_null(canonical_json("\"str\""));
        cr_assert_null(canonical_json("{broken"));
        cr_assert_null(canonical_json(NULL));
}

/* ---- threads ------------------------------------------------------------- */

struct writer {
        store_t *st;
        int id;
        int failures;
};

static int count_cb(void *opaque, const char *partition_json,
                    const char *offset_json)
{
        (void)partition_json;
        (void)offset_json;
        (*(int *)opaque)++;
        return 0;
}

static void *writer_main(void *arg)
{
        struct writer *w = arg;
        char name[32], part[64], off[64], e[512];
        int i, n;

        snprintf(name, sizeof(name), "c%d", w->id);
        for (i = 0; i < 40; i++) {
                const char *parts[1] = {part}, *offs[1] = {off};

                snprintf(part, sizeof(part), "{\"p\":%d}", i % 10);
                snprintf(off, sizeof(off), "{\"o\":%d}", i);
                if (store_offsets_put(w->st, name, 1, parts, offs, e,
                                      sizeof(e)) ||
                    store_status_put(w->st, name, i % 3, "RUNNING", NULL, e,
                                     sizeof(e)) ||
                    store_connector_put(w->st, name, "{}", "STARTED", e,
                                        sizeof(e)))
                        w->failures++;
                n = 0;
                if (store_offsets_each(w->st, name, count_cb, &n, e,
                                       sizeof(e)) ||
                    n < 1 || n > 10)
                        w->failures++;
        }
        return NULL;
}

Test(store, concurrent_writers)
{
        store_t *st = open_ok();
        struct writer w[4];
        pthread_t th[4];
        char *got = NULL;
        int i, n;

        for (i = 0; i < 4; i++) {
                w[i].st = st;
                w[i].id = i;
                w[i].failures = 0;
                cr_assert_eq(pthread_create(&th[i], NULL, writer_main, &w[i]),
                             0);
        }
        for (i = 0; i < 4; i++) {
                pthread_join(th[i], NULL);
                cr_assert_eq(w[i].failures, 0, "writer %d failed", i);
        }
        for (i = 0; i < 4; i++) {
                char name[32];

                snprintf(name, sizeof(name), "c%d", i);
                n = 0;
                cr_assert_eq(store_offsets_each(st, name, count_cb, &n, err,
                                                sizeof(err)),
                             0, "%s", err);
                cr_assert_eq(n, 10);
                cr_assert_eq(store_offset_get(st, name, "{\"p\":9}", &got,
                                              err, sizeof(err)),
                             0, "%s", err);
                cr_assert_str_eq(got, "{\"o\":39}");
                free(got);
        }
        {
                json_t *all = connectors(st);

                cr_assert_eq(json_array_size(all), 4);
                json_decref(all);
        }
        store_close(st);
}
