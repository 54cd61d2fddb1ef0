/*
 * Unit tests for storage/kafka/config_records.c: exact record bytes of the
 * config topic (distributed spec 2.1/2.2), the write sequences, and the
 * reader (2.1 reader details, 2.3 task-set completeness) fed by hand.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config_records.h"

/* ---- a listener that records what it is told, one line per call ---- */

static char events[8192];

static void ev_add(const char *fmt, const char *a, const char *b)
{
        size_t n = strlen(events);

        snprintf(events + n, sizeof(events) - n, fmt, a, b);
}

static void l_connector(void *o, const char *name, const json_t *config)
{
        char *s = config ? json_dumps(config, JSON_COMPACT) : NULL;

        (void)o;
        ev_add("connector %s %s\n", name, s ? s : "null");
        free(s);
}

static void l_target(void *o, const char *name, const char *target)
{
        (void)o;
        ev_add("target %s %s\n", name, target ? target : "null");
}

static void l_tasks(void *o, const char *name, const json_t *tasks)
{
        char *s = tasks ? json_dumps(tasks, JSON_COMPACT) : NULL;

        (void)o;
        ev_add("tasks %s %s\n", name, s ? s : "null");
        free(s);
}

static void l_restart(void *o, const char *name, int it, int of)
{
        char b[32];

        (void)o;
        snprintf(b, sizeof(b), "%d %d", it, of);
        ev_add("restart %s %s\n", name, b);
}

static const config_listener_t listener = {
        NULL, l_connector, l_target, l_tasks, l_restart,
};

static int64_t next_off;

static void feed(config_reader_t *cr, const char *key, const char *value)
{
        config_reader_feed(cr, key, strlen(key), value,
                           value ? strlen(value) : 0, next_off++);
}

static void setup(void)
{
        events[0] = '\0';
        next_off = 0;
}

TestSuite(config_records, .init = setup);

static json_t *j(const char *s)
{
        json_t *v = json_loads(s, 0, NULL);

        cr_assert_not_null(v, "bad test json %s", s);
        return v;
}

/* ---------------------------- values ---------------------------- */

#define FILE_SOURCE_PROPS                                                    \
        "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/"       \
        "in.txt\",\"topic\":\"lines\",\"tasks.max\":\"1\",\"name\":"        \
        "\"file-source\"}"

Test(config_records, connector_value_exact_bytes)
{
        json_t *cfg = j(FILE_SOURCE_PROPS);
        char *v = config_value_properties(cfg);

        cr_assert_str_eq(v, "{\"properties\":" FILE_SOURCE_PROPS "}");
        free(v);
        json_decref(cfg);
        /* a null property stays JSON null */
        cfg = j("{\"a\":null,\"b\":\"x\"}");
        v = config_value_properties(cfg);
        cr_assert_str_eq(v, "{\"properties\":{\"a\":null,\"b\":\"x\"}}");
        free(v);
        json_decref(cfg);
        cr_assert_null(config_value_properties(NULL));
}

Test(config_records, small_values_exact_bytes)
{
        struct {
                char *got;
                const char *want;
        } c[] = {
                { config_value_commit(1), "{\"tasks\":1}" },
                { config_value_commit(0), "{\"tasks\":0}" },
                { config_value_target("STARTED"),
                  "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}" },
                { config_value_target("RUNNING"),
                  "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}" },
                { config_value_target("PAUSED"),
                  "{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}" },
                { config_value_target("STOPPED"),
                  "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}" },
                { config_value_restart(1, 0),
                  "{\"include-tasks\":true,\"only-failed\":false}" },
                { config_value_session_key("c2VjcmV0", "HmacSHA256",
                                           1729843200000LL),
                  "{\"key\":\"c2VjcmV0\",\"algorithm\":\"HmacSHA256\","
                  "\"creation-timestamp\":1729843200000}" },
                { config_value_fencing(1), "{\"task-count\":1}" },
                { config_value_logger("DEBUG"), "{\"level\":\"DEBUG\"}" },
        };
        size_t i;
        char *bad = config_value_target("RESTARTING");

        for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
                cr_assert_str_eq(c[i].got, c[i].want, "case %zu", i);
                free(c[i].got);
        }
        cr_assert_null(bad);
}

Test(config_records, keys)
{
        char *k[] = {
                config_key_connector("a-b"), config_key_task("a-b", 3),
                config_key_commit("a-b"),    config_key_target("a-b"),
                config_key_restart("a-b"),   config_key_fencing("a-b"),
                config_key_logger("org.apache"),
        };
        const char *want[] = {
                "connector-a-b",         "task-a-b-3",
                "commit-a-b",            "target-state-a-b",
                "restart-connector-a-b", "tasks-fencing-a-b",
                "logger-cluster-org.apache",
        };
        size_t i;

        for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
                cr_assert_str_eq(k[i], want[i]);
                free(k[i]);
        }
}

/* ------------------------- write sequences ------------------------ */

static void recs_expect(const config_recs_t *l, const char *want)
{
        char got[8192] = "";
        size_t i, n;

        for (i = 0; i < l->cnt; i++) {
                n = strlen(got);
                snprintf(got + n, sizeof(got) - n, "%s %s\n", l->recs[i].key,
                         l->recs[i].value ? l->recs[i].value : "NULL");
        }
        cr_assert_str_eq(got, want);
}

Test(config_records, create_and_tasks_as_kcat_shows_them)
{
        config_recs_t l = { 0 };
        char err[256];
        json_t *cfg = j(FILE_SOURCE_PROPS);
        json_t *tasks = json_pack("[o]", json_deep_copy(cfg));

        json_object_set_new(json_array_get(tasks, 0), "task.class",
                            json_string("org.apache.kafka.connect.file."
                                        "FileStreamSourceTask"));
        cr_assert_eq(config_recs_create(&l, "file-source", cfg, NULL, err,
                                        sizeof(err)),
                     0);
        cr_assert_eq(config_recs_tasks(&l, "file-source", tasks, err,
                                       sizeof(err)),
                     0);
        recs_expect(&l,
                    "connector-file-source {\"properties\":" FILE_SOURCE_PROPS
                    "}\n"
                    "task-file-source-0 {\"properties\":{\"connector.class\":"
                    "\"FileStreamSource\",\"file\":\"/tmp/in.txt\",\"topic\":"
                    "\"lines\",\"tasks.max\":\"1\",\"name\":\"file-source\","
                    "\"task.class\":\"org.apache.kafka.connect.file."
                    "FileStreamSourceTask\"}}\n"
                    "commit-file-source {\"tasks\":1}\n");
        config_recs_clear(&l);
        json_decref(tasks);
        json_decref(cfg);
}

Test(config_records, create_with_initial_state_writes_target_first)
{
        config_recs_t l = { 0 };
        char err[256];
        json_t *cfg = j("{\"connector.class\":\"X\"}");

        cr_assert_eq(config_recs_create(&l, "c", cfg, "STOPPED", err,
                                        sizeof(err)),
                     0);
        recs_expect(&l, "target-state-c {\"state\":\"PAUSED\",\"state.v2\":"
                        "\"STOPPED\"}\n"
                        "connector-c {\"properties\":{\"connector.class\":"
                        "\"X\"}}\n");
        cr_assert_eq(config_recs_create(&l, "d", cfg, "BOGUS", err,
                                        sizeof(err)),
                     -1);
        cr_assert_eq(l.cnt, 2, "a failed operation appends nothing");
        config_recs_clear(&l);
        json_decref(cfg);
}

Test(config_records, other_sequences)
{
        config_recs_t l = { 0 };
        char err[256];
        json_t *empty = json_array();

        cr_assert_eq(config_recs_stop(&l, "c", err, sizeof(err)), 0);
        cr_assert_eq(config_recs_delete(&l, "c", err, sizeof(err)), 0);
        cr_assert_eq(config_recs_target(&l, "c", "PAUSED", err, sizeof(err)),
                     0);
        cr_assert_eq(config_recs_target(&l, "c", "STARTED", err,
                                        sizeof(err)),
                     0);
        cr_assert_eq(config_recs_restart(&l, "c", 1, 1, err, sizeof(err)),
                     0);
        cr_assert_eq(config_recs_tasks(&l, "c", empty, err, sizeof(err)), 0);
        recs_expect(&l,
                    "commit-c {\"tasks\":0}\n"
                    "target-state-c {\"state\":\"PAUSED\",\"state.v2\":"
                    "\"STOPPED\"}\n"
                    "connector-c NULL\n"
                    "target-state-c NULL\n"
                    "target-state-c {\"state\":\"PAUSED\",\"state.v2\":"
                    "\"PAUSED\"}\n"
                    "target-state-c {\"state\":\"STARTED\",\"state.v2\":"
                    "\"STARTED\"}\n"
                    "restart-connector-c {\"include-tasks\":true,"
                    "\"only-failed\":true}\n"
                    "commit-c {\"tasks\":0}\n");
        config_recs_clear(&l);
        json_decref(empty);
}

/* ----------------------------- reader ----------------------------- */

static char *tasks_str(config_reader_t *cr, const char *name, int *inc)
{
        const json_t *t = config_reader_tasks(cr, name, inc);

        return t ? json_dumps(t, JSON_COMPACT) : NULL;
}

Test(config_records, reader_complete_set_applied_at_commit)
{
        config_reader_t *cr = config_reader_new(&listener);
        char *s;
        int inc = -1;

        feed(cr, "connector-my-conn", "{\"properties\":{\"a\":\"1\"}}");
        feed(cr, "task-my-conn-0", "{\"properties\":{\"t\":\"0\"}}");
        feed(cr, "task-my-conn-1", "{\"properties\":{\"t\":\"1\"}}");
        cr_assert_null(config_reader_tasks(cr, "my-conn", NULL),
                       "task records wait for their commit");
        feed(cr, "commit-my-conn", "{\"tasks\":2}");
        s = tasks_str(cr, "my-conn", &inc);
        cr_assert_str_eq(s, "[{\"t\":\"0\"},{\"t\":\"1\"}]");
        cr_assert_eq(inc, 0);
        free(s);
        cr_assert_str_eq(config_reader_target(cr, "my-conn"), "STARTED",
                         "no target record = STARTED");
        cr_assert_eq(config_reader_offset(cr), 4);
        cr_assert_str_eq(events,
                         "connector my-conn {\"a\":\"1\"}\n"
                         "tasks my-conn [{\"t\":\"0\"},{\"t\":\"1\"}]\n");
        config_reader_destroy(cr);
}

Test(config_records, reader_extra_ids_allowed)
{
        config_reader_t *cr = config_reader_new(&listener);
        char *s;

        /* compaction left task 1 of an older two-task set */
        feed(cr, "connector-c", "{\"properties\":{}}");
        feed(cr, "task-c-1", "{\"properties\":{\"old\":\"1\"}}");
        feed(cr, "task-c-0", "{\"properties\":{\"t\":\"0\"}}");
        feed(cr, "commit-c", "{\"tasks\":1}");
        s = tasks_str(cr, "c", NULL);
        cr_assert_str_eq(s, "[{\"t\":\"0\"}]");
        free(s);
        config_reader_destroy(cr);
}

Test(config_records, reader_missing_ids_inconsistent)
{
        config_reader_t *cr = config_reader_new(&listener);
        json_t *want;
        char *s;
        int inc = 0;

        feed(cr, "connector-c", "{\"properties\":{}}");
        feed(cr, "task-c-0", "{\"properties\":{\"v\":\"1\"}}");
        feed(cr, "task-c-1", "{\"properties\":{\"v\":\"1\"}}");
        feed(cr, "commit-c", "{\"tasks\":2}");
        /* compaction removed task-c-0 of the newer set */
        feed(cr, "task-c-1", "{\"properties\":{\"v\":\"2\"}}");
        feed(cr, "commit-c", "{\"tasks\":2}");
        cr_assert_null(config_reader_tasks(cr, "c", &inc));
        cr_assert_eq(inc, 1);
        cr_assert(strstr(events, "tasks c null\n") != NULL, "%s", events);
        want = j("[{\"v\":\"1\"},{\"v\":\"1\"}]");
        cr_assert(config_reader_tasks_differ(cr, "c", want),
                  "an inconsistent set must be rewritten");
        /* buffer was discarded: a lone task-c-0 does not complete it */
        feed(cr, "task-c-0", "{\"properties\":{\"v\":\"3\"}}");
        feed(cr, "commit-c", "{\"tasks\":2}");
        cr_assert_null(config_reader_tasks(cr, "c", &inc));
        /* a full set repairs it */
        feed(cr, "task-c-0", "{\"properties\":{\"v\":\"1\"}}");
        feed(cr, "task-c-1", "{\"properties\":{\"v\":\"1\"}}");
        feed(cr, "commit-c", "{\"tasks\":2}");
        s = tasks_str(cr, "c", &inc);
        cr_assert_str_eq(s, "[{\"v\":\"1\"},{\"v\":\"1\"}]");
        cr_assert_eq(inc, 0);
        cr_assert_not(config_reader_tasks_differ(cr, "c", want));
        free(s);
        json_decref(want);
        config_reader_destroy(cr);
}

Test(config_records, reader_commit_without_connector_forgets)
{
        config_reader_t *cr = config_reader_new(&listener);

        feed(cr, "task-gone-0", "{\"properties\":{}}");
        feed(cr, "commit-gone", "{\"tasks\":1}");
        cr_assert_null(config_reader_tasks(cr, "gone", NULL));
        cr_assert_null(config_reader_connector(cr, "gone"));
        cr_assert_str_eq(events, "", "commit ignored: %s", events);
        /* a later connector does not inherit the old buffer */
        feed(cr, "connector-gone", "{\"properties\":{}}");
        feed(cr, "commit-gone", "{\"tasks\":1}");
        cr_assert_null(config_reader_tasks(cr, "gone", NULL));
        config_reader_destroy(cr);
}

Test(config_records, reader_task_keys_split_on_last_dash)
{
        config_reader_t *cr = config_reader_new(NULL);
        char *s;

        feed(cr, "connector-a-b-1", "{\"properties\":{}}");
        feed(cr, "task-a-b-1-0", "{\"properties\":{\"x\":\"y\"}}");
        feed(cr, "task-a-b-1-x", "{\"properties\":{}}");  /* dropped */
        feed(cr, "task-7", "{\"properties\":{}}");         /* dropped */
        feed(cr, "commit-a-b-1", "{\"tasks\":1}");
        s = tasks_str(cr, "a-b-1", NULL);
        cr_assert_str_eq(s, "[{\"x\":\"y\"}]");
        free(s);
        cr_assert_eq(config_reader_offset(cr), 5);
        config_reader_destroy(cr);
}

Test(config_records, reader_target_states)
{
        config_reader_t *cr = config_reader_new(&listener);

        feed(cr, "connector-c", "{\"properties\":{}}");
        /* old writer: only "state" */
        feed(cr, "target-state-c", "{\"state\":\"PAUSED\"}");
        cr_assert_str_eq(config_reader_target(cr, "c"), "PAUSED");
        /* state.v2 wins */
        feed(cr, "target-state-c",
             "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}");
        cr_assert_str_eq(config_reader_target(cr, "c"), "STOPPED");
        feed(cr, "target-state-c",
             "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}");
        cr_assert_str_eq(config_reader_target(cr, "c"), "STARTED");
        feed(cr, "target-state-c", "{\"state\":\"BOGUS\"}"); /* dropped */
        cr_assert_str_eq(config_reader_target(cr, "c"), "STARTED");
        feed(cr, "target-state-c", "{\"state\":\"PAUSED\"}");
        /* tombstone: a still-configured connector reverts to STARTED */
        feed(cr, "target-state-c", NULL);
        cr_assert_str_eq(config_reader_target(cr, "c"), "STARTED");
        cr_assert_str_eq(events, "connector c {}\n"
                                 "target c PAUSED\n"
                                 "target c STOPPED\n"
                                 "target c STARTED\n"
                                 "target c PAUSED\n"
                                 "target c null\n");
        config_reader_destroy(cr);
}

Test(config_records, reader_initial_state_before_connector)
{
        config_reader_t *cr = config_reader_new(NULL);

        feed(cr, "target-state-c",
             "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}");
        cr_assert_null(config_reader_target(cr, "c"), "not configured yet");
        feed(cr, "connector-c", "{\"properties\":{}}");
        cr_assert_str_eq(config_reader_target(cr, "c"), "STOPPED");
        config_reader_destroy(cr);
}

static int collect(void *o, const char *name, const json_t *c, const char *t)
{
        size_t n = strlen(o);

        (void)c;
        snprintf((char *)o + n, 256 - n, "%s:%s ", name, t);
        return 0;
}

Test(config_records, reader_delete_and_creation_order)
{
        config_reader_t *cr = config_reader_new(&listener);
        char got[256] = "";

        feed(cr, "connector-b", "{\"properties\":{}}");
        feed(cr, "connector-a", "{\"properties\":{}}");
        feed(cr, "task-b-0", "{\"properties\":{}}");
        feed(cr, "commit-b", "{\"tasks\":1}");
        feed(cr, "target-state-b", "{\"state\":\"PAUSED\"}");
        feed(cr, "connector-b", NULL);
        feed(cr, "target-state-b", NULL);
        cr_assert_null(config_reader_connector(cr, "b"));
        cr_assert_null(config_reader_tasks(cr, "b", NULL));
        cr_assert_null(config_reader_target(cr, "b"));
        /* task/commit tombstones are ignored */
        feed(cr, "task-a-0", NULL);
        feed(cr, "commit-a", NULL);
        /* re-created: comes after a; old target and tasks are gone */
        feed(cr, "connector-b", "{\"properties\":{\"v\":\"2\"}}");
        cr_assert_str_eq(config_reader_target(cr, "b"), "STARTED");
        cr_assert_null(config_reader_tasks(cr, "b", NULL));
        config_reader_connector_each(cr, collect, got);
        cr_assert_str_eq(got, "a:STARTED b:STARTED ");
        cr_assert(strstr(events, "connector b null\ntarget b null\n"));
        config_reader_destroy(cr);
}

Test(config_records, reader_restart_only_after_start)
{
        config_reader_t *cr = config_reader_new(&listener);

        feed(cr, "connector-c", "{\"properties\":{}}");
        feed(cr, "restart-connector-c",
             "{\"include-tasks\":true,\"only-failed\":false}");
        cr_assert_str_eq(events, "connector c {}\n", "history: %s", events);
        config_reader_set_started(cr);
        feed(cr, "restart-connector-c",
             "{\"include-tasks\":true,\"only-failed\":true}");
        feed(cr, "restart-connector-c", NULL);
        cr_assert_str_eq(events, "connector c {}\nrestart c 1 1\n");
        config_reader_destroy(cr);
}

Test(config_records, reader_unknown_and_malformed_dropped)
{
        config_reader_t *cr = config_reader_new(&listener);
        char *s;

        feed(cr, "connector-c", "{\"properties\":{\"a\":\"1\"}}");
        feed(cr, "bogus-key", "{}");
        feed(cr, "connector-c", "not json");
        feed(cr, "connector-c", "{\"properties\":\"x\"}");
        feed(cr, "commit-c", "{\"tasks\":\"1\"}");
        feed(cr, "tasks-fencing-c", "{\"task-count\":1}");
        feed(cr, "logger-cluster-org", "{\"level\":\"DEBUG\"}");
        feed(cr, "session-key", "{\"key\":\"a2V5\",\"algorithm\":"
                                "\"HmacSHA256\",\"creation-timestamp\":1}");
        config_reader_feed(cr, NULL, 0, "{}", 2, next_off++);
        s = json_dumps(config_reader_connector(cr, "c"), JSON_COMPACT);
        cr_assert_str_eq(s, "{\"a\":\"1\"}");
        free(s);
        cr_assert_null(config_reader_tasks(cr, "c", NULL));
        cr_assert_str_eq(events, "connector c {\"a\":\"1\"}\n");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 config_reader_session_key(cr), "key")),
                         "a2V5");
        cr_assert_eq(config_reader_offset(cr), 9);
        config_reader_destroy(cr);
}

Test(config_records, reader_wide_integers)
{
        config_reader_t *cr = config_reader_new(NULL);

        feed(cr, "connector-c", "{\"properties\":{}}");
        feed(cr, "commit-c", "{\"tasks\":0}");
        cr_assert_not_null(config_reader_tasks(cr, "c", NULL));
        /* a 64-bit count that no int holds is refused, not truncated */
        feed(cr, "commit-c", "{\"tasks\":4294967297}");
        cr_assert_eq(json_array_size(config_reader_tasks(cr, "c", NULL)), 0);
        config_reader_destroy(cr);
}

Test(config_records, tasks_differ_rules)
{
        config_reader_t *cr = config_reader_new(NULL);
        json_t *one = j("[{\"t\":\"0\"}]");
        json_t *other = j("[{\"t\":\"X\"}]");
        json_t *two = j("[{\"t\":\"0\"},{\"t\":\"1\"}]");

        feed(cr, "connector-c", "{\"properties\":{}}");
        cr_assert(config_reader_tasks_differ(cr, "c", one), "none stored");
        feed(cr, "task-c-0", "{\"properties\":{\"t\":\"0\"}}");
        feed(cr, "commit-c", "{\"tasks\":1}");
        cr_assert_not(config_reader_tasks_differ(cr, "c", one));
        cr_assert(config_reader_tasks_differ(cr, "c", other), "a map");
        cr_assert(config_reader_tasks_differ(cr, "c", two), "the count");
        feed(cr, "connector-c", "{\"properties\":{\"new\":\"1\"}}");
        cr_assert(config_reader_tasks_differ(cr, "c", one),
                  "connector config changed since the commit");
        json_decref(one);
        json_decref(other);
        json_decref(two);
        config_reader_destroy(cr);
}

Test(config_records, escaping_as_jackson)
{
        /* Jackson: short escapes for \t \n " \\, \u00XX (upper-case hex)
         * for other control characters, '/' and non-ASCII as they are. */
        json_t *cfg = json_pack("{s:s}", "k", "a\x01\x1f\t\n\"\\/\xc3\xa9");
        char *v = config_value_properties(cfg);

        cr_assert_str_eq(v, "{\"properties\":{\"k\":\"a\\u0001\\u001F\\t\\n"
                            "\\\"\\\\/\xc3\xa9\"}}");
        free(v);
        json_decref(cfg);
}
