/*
 * Unit tests for server/herder/herder.c through its public calls, on a real store
 * in a temporary directory and the built-in plugins; no Kafka is needed
 * (connectors are created STOPPED or PAUSED, so no task starts).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "herder.h"
#include "kafka.h"
#include "plugins.h"
#include "sqlite/sqlite_stores.h"

static char tmpdir[512];
static config_store_t *cs;
static offset_store_t *os;
static status_store_t *ss;
static kafka_t *kf;
static herder_t *h;
static json_t *props;

static void setup(void)
{
        const char *base = getenv("TMPDIR");
        char path[600], err[256] = "";

        snprintf(tmpdir, sizeof(tmpdir), "%s/connectd-herder-XXXXXX",
                 base && *base ? base : "/tmp");
        cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
        snprintf(path, sizeof(path), "%s/connectd.db", tmpdir);
        cr_assert_eq(sqlite_stores_open(path, &cs, &os, &ss, err,
                                        sizeof(err)),
                     0, "%s", err);
        /* Nothing listens on port 1: no task runs in these tests. */
        props = json_pack("{s:s}", "bootstrap.servers", "127.0.0.1:1");
        kf = kafka_new(props, err, sizeof(err));
        cr_assert_not_null(kf, "%s", err);
        plugins_register_builtins();
        h = herder_new(cs, os, ss, kf, props, "test-worker", err, sizeof(err));
        cr_assert_not_null(h, "%s", err);
        cr_assert_eq(herder_start(h, err, sizeof(err)), 0, "%s", err);
}

static void teardown(void)
{
        char cmd[700];

        herder_stop(h);
        herder_destroy(h);
        kafka_destroy(kf);
        config_store_close(cs);
        offset_store_close(os);
        status_store_close(ss);
        json_decref(props);
        plugins_reset();
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                cr_log_warn("could not remove %s", tmpdir);
}

static void create(const char *name, const char *target)
{
        json_t *cfg = json_pack("{s:s, s:s, s:s, s:s}", "name", name,
                                "connector.class", "FileStreamSource", "file",
                                "/nonexistent/in.txt", "topic", "t");
        char err[256] = "";
        int created = 0;

        cr_assert_eq(herder_connector_put(h, name, cfg, target, 0, &created,
                                          NULL, err, sizeof(err)),
                     HERDER_OK, "%s", err);
        json_decref(cfg);
}

/* Waits (bounded) for the connector to be in `state`. */
static int wait_state(const char *name, const char *state)
{
        int i;

        for (i = 0; i < 400; i++) {
                json_t *s = herder_connector_status(h, name);
                const char *cur = json_string_value(json_object_get(
                        json_object_get(s, "connector"), "state"));
                int ok = cur && !strcmp(cur, state);
                json_decref(s);
                if (ok)
                        return 1;
                usleep(10000);
        }
        return 0;
}

/* The success Message and the error reason of an offsets change go to
 * different buffers: the code says which happened, and the buffer of the
 * other outcome is left alone. */
Test(herder, offsets_modify_message_and_error_are_apart, .init = setup,
     .fini = teardown, .timeout = 60)
{
        char msg[1024], err[1024];
        json_t *offsets = json_loads(
                "[{\"partition\":{\"filename\":\"in.txt\"},"
                "\"offset\":{\"position\":7}}]",
                0, NULL);

        create("stopped", "STOPPED");
        cr_assert(wait_state("stopped", "STOPPED"));
        create("paused", "PAUSED");
        cr_assert(wait_state("paused", "PAUSED"));

        /* Altered: the Message, errstr untouched. */
        snprintf(msg, sizeof(msg), "untouched");
        snprintf(err, sizeof(err), "untouched");
        cr_assert_eq(herder_offsets_modify(h, "stopped", offsets, msg,
                                           sizeof(msg), err, sizeof(err)),
                     HERDER_OK);
        cr_assert(strstr(msg, "have been altered successfully"), "%s", msg);
        cr_assert_str_eq(err, "untouched");

        /* Reset. */
        snprintf(msg, sizeof(msg), "untouched");
        cr_assert_eq(herder_offsets_modify(h, "stopped", NULL, msg,
                                           sizeof(msg), err, sizeof(err)),
                     HERDER_OK);
        cr_assert(strstr(msg, "have been reset successfully"), "%s", msg);
        cr_assert_str_eq(err, "untouched");

        /* Not stopped: a 400 with its reason, msg untouched. */
        snprintf(msg, sizeof(msg), "untouched");
        cr_assert_eq(herder_offsets_modify(h, "paused", offsets, msg,
                                           sizeof(msg), err, sizeof(err)),
                     HERDER_BAD_REQUEST);
        cr_assert(strstr(err, "must be in the STOPPED state"), "%s", err);
        cr_assert(strstr(err, "/connectors/paused/stop"), "%s", err);
        cr_assert_str_eq(msg, "untouched");

        /* Unknown connector. */
        snprintf(err, sizeof(err), "untouched");
        cr_assert_eq(herder_offsets_modify(h, "nope", NULL, msg, sizeof(msg),
                                           err, sizeof(err)),
                     HERDER_NOT_FOUND);
        cr_assert(strstr(err, "nope"), "%s", err);
        cr_assert_str_eq(msg, "untouched");

        /* Bad shape: a 400 with its reason. */
        {
                json_t *bad = json_loads("[{\"offset\":{}}]", 0, NULL);
                snprintf(err, sizeof(err), "untouched");
                cr_assert_eq(herder_offsets_modify(h, "stopped", bad, msg,
                                                   sizeof(msg), err,
                                                   sizeof(err)),
                             HERDER_BAD_REQUEST);
                cr_assert_str_neq(err, "untouched");
                cr_assert_str_eq(msg, "untouched");
                json_decref(bad);
        }
        json_decref(offsets);
}

/* A task restart is checked against the task configs: a connector that
 * has none (created STOPPED) has no task 0. */
Test(herder, task_restart_without_task_configs_is_not_found, .init = setup,
     .fini = teardown, .timeout = 60)
{
        char err[256] = "";

        create("s", "STOPPED");
        cr_assert(wait_state("s", "STOPPED"));
        cr_assert_eq(herder_task_restart(h, "s", 0, err, sizeof(err)),
                     HERDER_NOT_FOUND);
        cr_assert_str_eq(err, "Task s-0 not found");
        cr_assert_null(herder_task_status(h, "s", 0));
}
