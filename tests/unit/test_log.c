/*
 * Unit tests of server/log/log.c: logger hierarchy and level inheritance,
 * Connect's /admin/loggers set semantics, JSON shapes, plain and JSON line
 * formats, thread-local context, secret masking, configuration errors.
 * Criterion runs every test in its own process, so the global registry
 * starts fresh each time.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "log_int.h"

static char tmpdir[256];

static void mk_tmpdir(void)
{
        const char *base = getenv("TMPDIR");

        snprintf(tmpdir, sizeof(tmpdir), "%s/test_log.XXXXXX",
                 base && *base ? base : "/tmp");
        cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
        char cmd[400];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                cr_log_warn("could not remove %s", tmpdir);
}

static char *slurp_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        long n;

        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = calloc(1, (size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        return buf;
}

/* Configure from "k=v" pairs (NULL-terminated). */
static int configure(const char *const *kv, char *err, size_t errn)
{
        json_t *p = json_object();
        int rc;

        for (; kv && kv[0]; kv += 2)
                json_object_set_new(p, kv[0], json_string(kv[1]));
        rc = log_configure(p, "worker-1", err, errn);
        json_decref(p);
        return rc;
}

static int array_equals(json_t *arr, const char *const *want)
{
        size_t i = 0;

        for (; want[i]; i++) {
                json_t *v = json_array_get(arr, i);

                if (!json_is_string(v) || strcmp(json_string_value(v), want[i]))
                        return 0;
        }
        return json_array_size(arr) == i;
}

static const char *level_of(const char *name)
{
        static char out[16];
        json_t *j = log_level_json(name);

        if (!j)
                return NULL;
        snprintf(out, sizeof(out), "%s",
                 json_string_value(json_object_get(j, "level")));
        json_decref(j);
        return out;
}

Test(log, levels_parse_and_name)
{
        cr_assert_eq(log_level_parse("debug"), LOG_LVL_DEBUG);
        cr_assert_eq(log_level_parse("WaRn"), LOG_LVL_WARN);
        cr_assert_eq(log_level_parse("off"), LOG_LVL_OFF);
        cr_assert_eq(log_level_parse("all"), LOG_LVL_ALL);
        cr_assert_eq(log_level_parse("verbose"), -1);
        cr_assert_eq(log_level_parse(NULL), -1);
        cr_assert_str_eq(log_level_name(LOG_LVL_TRACE), "TRACE");
}

Test(log, get_returns_same_logger)
{
        logger_t *a = log_get("connectd.rest");
        logger_t *b = log_get("connectd.rest");

        cr_assert_eq(a, b);
        cr_assert_neq(a, log_get("connectd.herder"));
        cr_assert_eq(log_get("root"), log_get(NULL));
}

Test(log, hierarchy_inherits_from_nearest_explicit_ancestor)
{
        const char *kv[] = { "log.level", "WARN", "log.logger.a", "DEBUG",
                             "log.stderr.enable", "false", NULL };
        char err[256] = "";
        logger_t *abc, *xy, *a;

        cr_assert_eq(configure(kv, err, sizeof(err)), 0, "%s", err);
        abc = log_get("a.b.c");
        xy = log_get("x.y");
        a = log_get("a");
        cr_assert(log_enabled(abc, LOG_LVL_DEBUG));
        cr_assert_not(log_enabled(abc, LOG_LVL_TRACE));
        cr_assert(log_enabled(xy, LOG_LVL_WARN));
        cr_assert_not(log_enabled(xy, LOG_LVL_INFO));
        cr_assert(log_enabled(a, LOG_LVL_DEBUG));
        /* "ab" is not a child of "a": dots, not characters. */
        cr_assert_not(log_enabled(log_get("ab"), LOG_LVL_INFO));

        /* An explicit level in the middle wins for its subtree only. */
        json_decref(log_level_set("a.b", LOG_LVL_ERROR));
        cr_assert_not(log_enabled(abc, LOG_LVL_WARN));
        cr_assert(log_enabled(abc, LOG_LVL_ERROR));
        cr_assert(log_enabled(a, LOG_LVL_DEBUG));
        cr_assert_str_eq(level_of("a.b.c"), "ERROR");

        /* A logger created after the change inherits it too. */
        cr_assert(log_enabled(log_get("a.b.new"), LOG_LVL_ERROR));
        cr_assert_not(log_enabled(log_get("a.b.new"), LOG_LVL_WARN));

        /* OFF silences everything, ALL lets everything through. */
        json_decref(log_level_set("x", LOG_LVL_OFF));
        cr_assert_not(log_enabled(xy, LOG_LVL_FATAL));
        json_decref(log_level_set("x", LOG_LVL_ALL));
        cr_assert(log_enabled(xy, LOG_LVL_TRACE));
}

Test(log, set_affects_prefix_matches_sorted_and_creates_namespace)
{
        json_t *r;
        const char *want1[] = { "conn.x", "conn.x.task", "conn.xy", NULL };
        const char *want2[] = { "new.ns", NULL };

        log_get("conn.xy");
        log_get("conn.x.task");
        log_get("other");
        /* Connect matches by string prefix ("conn.xy" too). */
        r = log_level_set("conn.x", LOG_LVL_DEBUG);
        cr_assert(array_equals(r, want1));
        json_decref(r);
        cr_assert(log_enabled(log_get("conn.xy"), LOG_LVL_DEBUG));
        cr_assert_not(log_enabled(log_get("other"), LOG_LVL_DEBUG));

        cr_assert_null(log_level_json("new.ns"));
        r = log_level_set("new.ns", LOG_LVL_TRACE);
        cr_assert(array_equals(r, want2));
        json_decref(r);
        cr_assert_str_eq(level_of("new.ns"), "TRACE");
}

Test(log, set_root_affects_all_and_lists_root)
{
        json_t *r;
        /* connectd.log exists: it reports level changes. */
        const char *want[] = { "a", "b.c", "connectd.log", "root", "z", NULL };

        log_get("z");
        log_get("b.c");
        log_get("a");
        r = log_level_set("ROOT", LOG_LVL_ERROR);
        cr_assert(array_equals(r, want));
        json_decref(r);
        cr_assert_str_eq(level_of("root"), "ERROR");
        cr_assert_str_eq(level_of("b.c"), "ERROR");
        cr_assert_not(log_enabled(log_get("b.c"), LOG_LVL_WARN));
}

Test(log, same_level_keeps_last_modified)
{
        json_t *j, *r;
        long long t1, t2;
        const char *want[] = { "svc", NULL };

        r = log_level_set("svc", LOG_LVL_DEBUG);
        json_decref(r);
        j = log_level_json("svc");
        cr_assert(json_is_integer(json_object_get(j, "last_modified")));
        t1 = json_integer_value(json_object_get(j, "last_modified"));
        json_decref(j);
        cr_assert(t1 > 1600000000000LL);
        /* Let the clock move so a rewrite would show. */
        while (log_now_ms() <= t1 + 2)
                usleep(1000);
        r = log_level_set("svc", LOG_LVL_DEBUG);
        cr_assert(array_equals(r, want)); /* still listed as affected */
        json_decref(r);
        j = log_level_json("svc");
        t2 = json_integer_value(json_object_get(j, "last_modified"));
        json_decref(j);
        cr_assert_eq(t1, t2);
        /* A different level does move it. */
        json_decref(log_level_set("svc", LOG_LVL_INFO));
        j = log_level_json("svc");
        cr_assert_gt(json_integer_value(json_object_get(j, "last_modified")),
                     t1);
        json_decref(j);
}

Test(log, levels_json_shapes)
{
        json_t *all, *root, *one;
        char *s;

        log_get("implicit.only");
        json_decref(log_level_set("explicit.one", LOG_LVL_WARN));
        all = log_levels_json();
        s = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
        cr_assert_eq(json_object_size(all), 2, "%s", s);
        root = json_object_get(all, "root");
        cr_assert_str_eq(json_string_value(json_object_get(root, "level")),
                         "INFO");
        /* last_modified is present and null when never changed by REST. */
        cr_assert(json_is_null(json_object_get(root, "last_modified")));
        cr_assert_not_null(json_object_get(root, "last_modified"));
        one = json_object_get(all, "explicit.one");
        cr_assert_str_eq(json_string_value(json_object_get(one, "level")),
                         "WARN");
        cr_assert(json_is_integer(json_object_get(one, "last_modified")));
        cr_assert_null(json_object_get(all, "implicit.only"));
        free(s);
        json_decref(all);

        /* Effective level of an implicit logger; unknown -> NULL. */
        cr_assert_str_eq(level_of("implicit.only"), "INFO");
        cr_assert_str_eq(level_of("RooT"), "INFO");
        cr_assert_null(log_level_json("never.seen"));
}

Test(log, config_levels_have_null_last_modified)
{
        const char *kv[] = { "log.logger.cfg.x", "trace",
                             "log.stderr.enable", "false", NULL };
        char err[256] = "";
        json_t *all, *x;

        cr_assert_eq(configure(kv, err, sizeof(err)), 0, "%s", err);
        all = log_levels_json();
        x = json_object_get(all, "cfg.x");
        cr_assert_not_null(x);
        cr_assert_str_eq(json_string_value(json_object_get(x, "level")),
                         "TRACE");
        cr_assert(json_is_null(json_object_get(x, "last_modified")));
        json_decref(all);
}

Test(log, plain_line_format)
{
        char line[512];
        size_t n;
        const char *want = "2026-11-25T18:03:01.123Z INFO  [bookstore|task-0] "
                           "connectd.runner - Task started\n";

        n = log_format_line(line, sizeof(line), 0, 1795629781123LL,
                            LOG_LVL_INFO, "connectd.runner", "bookstore|task-0",
                            NULL, "Task started", 12);
        cr_assert_str_eq(line, want);
        cr_assert_eq(n, strlen(want));
        log_format_line(line, sizeof(line), 0, 1795629781005LL, LOG_LVL_ERROR,
                        "connectd.rest", NULL, NULL, "x", 1);
        cr_assert_str_eq(line,
                         "2026-11-25T18:03:01.005Z ERROR connectd.rest - x\n");
        /* Cut to fit, still one line. */
        n = log_format_line(line, 40, 0, 1795629781005LL, LOG_LVL_ERROR,
                            "connectd.rest", NULL, NULL, "a long message", 14);
        cr_assert_eq(n, 39);
        cr_assert_eq(line[38], '\n');
}

Test(log, json_line_format_and_escaping)
{
        char line[1024];
        const char msg[] = "quote \" backslash \\ nl \n tab \t ctl \x01 "
                           "utf8 \xc3\xa9 bad \xff end";
        json_t *j;
        json_error_t jerr;

        log_format_line(line, sizeof(line), 1, 1795629781123LL, LOG_LVL_WARN,
                        "connectd.x", "bookstore|task-1", "task-thread", msg,
                        sizeof(msg) - 1);
        cr_assert_eq(line[strlen(line) - 1], '\n');
        cr_assert_eq(strchr(line, '\n'), line + strlen(line) - 1,
                     "embedded newline: %s", line);
        j = json_loads(line, 0, &jerr);
        cr_assert_not_null(j, "not JSON: %s (%s)", line, jerr.text);
        cr_assert_str_eq(json_string_value(json_object_get(j, "ts")),
                         "2026-11-25T18:03:01.123Z");
        cr_assert_str_eq(json_string_value(json_object_get(j, "level")),
                         "WARN");
        cr_assert_str_eq(json_string_value(json_object_get(j, "logger")),
                         "connectd.x");
        cr_assert_str_eq(json_string_value(json_object_get(j, "context")),
                         "bookstore|task-1");
        cr_assert_str_eq(json_string_value(json_object_get(j, "thread")),
                         "task-thread");
        cr_assert_str_eq(json_string_value(json_object_get(j, "message")),
                         "quote \" backslash \\ nl \n tab \t ctl \x01 "
                         "utf8 \xc3\xa9 bad \xef\xbf\xbd end");
        json_decref(j);

        /* No context: null. */
        log_format_line(line, sizeof(line), 1, 0, LOG_LVL_INFO, "l", NULL,
                        "t", "m", 1);
        j = json_loads(line, 0, &jerr);
        cr_assert_not_null(j);
        cr_assert(json_is_null(json_object_get(j, "context")));
        json_decref(j);

        /* A message too long for the buffer is cut but stays valid JSON. */
        {
                char big[3000];

                memset(big, '"', sizeof(big));
                log_format_line(line, 600, 1, 0, LOG_LVL_INFO, "l", NULL, "t",
                                big, sizeof(big));
                j = json_loads(line, 0, &jerr);
                cr_assert_not_null(j, "cut line not JSON: %s", line);
                cr_assert_gt(strlen(json_string_value(
                                     json_object_get(j, "message"))), 100);
                json_decref(j);
        }
}

/* Log injection: control characters in the message, the context (where
 * a connector name goes) and the logger name never make a second line. */
Test(log, plain_line_escapes_control_characters)
{
        char line[1024];
        const char msg[] = "Connector a\n2026-11-25T18:03:02.000Z INFO  "
                           "forged\r\tx\x01\x1b[31m\x7f nel\xc2\x85 "
                           "utf8 \xc3\xa9\xe2\x82\xac bad \xff\x80 back\\n end";
        size_t n;

        n = log_format_line(line, sizeof(line), 0, 1795629781123LL,
                            LOG_LVL_INFO, "connectd.\nrest",
                            "evil\nname|task-0", NULL, msg, sizeof(msg) - 1);
        cr_assert_eq(n, strlen(line));
        cr_assert_eq(strchr(line, '\n'), line + n - 1, "not one line: %s",
                     line);
        cr_assert_null(strchr(line, '\r'));
        cr_assert_str_eq(line,
                         "2026-11-25T18:03:01.123Z INFO  [evil\\nname|task-0] "
                         "connectd.\\nrest - Connector a\\n2026-11-25T18:03:"
                         "02.000Z INFO  forged\\r\\tx\\x01\\x1b[31m\\x7f "
                         "nel\\xc2\\x85 utf8 \xc3\xa9\xe2\x82\xac bad "
                         "\\xff\\x80 back\\n end\n");
        for (size_t i = 0; i + 1 < n; i++)
                cr_assert((unsigned char)line[i] >= 0x20 &&
                                  (unsigned char)line[i] != 0x7f,
                          "control byte 0x%02x at %zu: %s",
                          (unsigned char)line[i], i, line);

        /* Cut to fit: never in the middle of an escape. */
        n = log_format_line(line, 50, 0, 0, LOG_LVL_INFO, "l", NULL, NULL,
                            "\x01\x01\x01\x01\x01\x01\x01\x01", 8);
        cr_assert_eq(line[n - 1], '\n');
        cr_assert_eq((n - 1 - strlen("1970-01-01T00:00:00.000Z INFO  l - ")) %
                             4, 0, "%s", line);
}

/* The JSON format stays valid JSON, decodes to the original text, and has
 * no raw control character in it either (DEL and C1 included). */
Test(log, json_line_escapes_control_characters)
{
        char line[1024];
        const char msg[] = "a\nb\rc\x1b[31m\x7f nel\xc2\x85 \xc3\xa9";
        json_t *j;
        json_error_t jerr;

        log_format_line(line, sizeof(line), 1, 0, LOG_LVL_INFO, "l",
                        "evil\nname|task-0", "t", msg, sizeof(msg) - 1);
        for (size_t i = 0; line[i + 1]; i++)
                cr_assert((unsigned char)line[i] >= 0x20 &&
                                  (unsigned char)line[i] != 0x7f &&
                                  !((unsigned char)line[i] == 0xc2 &&
                                    (unsigned char)line[i + 1] < 0xa0),
                          "control at %zu: %s", i, line);
        j = json_loads(line, 0, &jerr);
        cr_assert_not_null(j, "not JSON: %s (%s)", line, jerr.text);
        cr_assert_str_eq(json_string_value(json_object_get(j, "message")),
                         msg);
        cr_assert_str_eq(json_string_value(json_object_get(j, "context")),
                         "evil\nname|task-0");
        json_decref(j);
}

/* Through log_write to the file appender, with the context set the way
 * the runner sets it (connector name first). */
Test(log, injected_newline_stays_on_one_line, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
        char path[400], err[256] = "";
        const char *kv[] = { "log.file.path", path, "log.stderr.enable",
                             "false", NULL };
        char *text;

        snprintf(path, sizeof(path), "%s/w.log", tmpdir);
        cr_assert_eq(configure(kv, err, sizeof(err)), 0, "%s", err);
        log_context_set("bad\r\nname|task-0");
        LOG_WARN(log_get("connectd.herder"), "Connector %s failed",
                 "x\n2026-01-01T00:00:00.000Z ERROR forged");
        log_context_set(NULL);
        log_shutdown();
        text = slurp_file(path);
        cr_assert_not_null(text);
        cr_assert_eq(strchr(text, '\n'), text + strlen(text) - 1,
                     "one line expected: %s", text);
        cr_assert(strstr(text, " WARN  [bad\\r\\nname|task-0] "
                               "connectd.herder - Connector x\\n2026-01-01T"
                               "00:00:00.000Z ERROR forged failed\n"),
                  "%s", text);
        free(text);
}

LOG_MODULE_LOGGER(module_lg, "connectd.cached")

static void *cached_thread(void *p)
{
        logger_t **out = p;

        *out = module_lg();
        return NULL;
}

/* The module logger pattern of herder.c, runner.c, kafka.c, host.c: the
 * first calls may race (scripts/test --tsan checks they are not a data
 * race); every thread gets the one registered logger. */
Test(log, module_logger_is_resolved_once_for_all_threads)
{
        pthread_t t[8];
        logger_t *got[8];
        int i;

        for (i = 0; i < 8; i++)
                cr_assert_eq(pthread_create(&t[i], NULL, cached_thread,
                                            &got[i]), 0);
        for (i = 0; i < 8; i++)
                pthread_join(t[i], NULL);
        for (i = 0; i < 8; i++)
                cr_assert_eq(got[i], log_get("connectd.cached"));
        cr_assert_eq(module_lg(), log_get("connectd.cached"));
        cr_assert_str_eq(log_level_name(LOG_LVL_INFO), "INFO");
        cr_assert(log_enabled(module_lg(), LOG_LVL_INFO));
}

struct ctx_arg {
        const char *ctx;
        int n;
};

static void *ctx_thread(void *p)
{
        struct ctx_arg *a = p;
        logger_t *lg = log_get("connectd.runner");
        int i;

        log_context_set(a->ctx);
        for (i = 0; i < a->n; i++)
                LOG_INFO(lg, "line %d of %s", i, a->ctx);
        log_context_set(NULL);
        LOG_INFO(lg, "no context %s", a->ctx);
        return NULL;
}

Test(log, context_is_per_thread, .init = mk_tmpdir, .fini = rm_tmpdir)
{
        char path[400], err[256] = "";
        const char *kv[] = { "log.file.path", path, "log.stderr.enable",
                             "false", NULL };
        pthread_t t1, t2;
        struct ctx_arg a1 = { "bookstore|task-0", 200 };
        struct ctx_arg a2 = { "inventory|task-3", 200 };
        char *text, *line, *save = NULL;
        int seen1 = 0, seen2 = 0, seen_none = 0;

        snprintf(path, sizeof(path), "%s/w.log", tmpdir);
        cr_assert_eq(configure(kv, err, sizeof(err)), 0, "%s", err);
        pthread_create(&t1, NULL, ctx_thread, &a1);
        pthread_create(&t2, NULL, ctx_thread, &a2);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        log_shutdown();
        text = slurp_file(path);
        cr_assert_not_null(text);
        for (line = strtok_r(text, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                if (strstr(line, "[bookstore|task-0] connectd.runner - line ")) {
                        cr_assert(strstr(line, "of bookstore|task-0"), "%s",
                                  line);
                        seen1++;
                } else if (strstr(line, "[inventory|task-3] connectd.runner - "
                                        "line ")) {
                        cr_assert(strstr(line, "of inventory|task-3"), "%s",
                                  line);
                        seen2++;
                } else if (strstr(line, " INFO  connectd.runner - no context ")) {
                        seen_none++;
                } else {
                        cr_assert_fail("unexpected line: %s", line);
                }
        }
        cr_assert_eq(seen1, 200);
        cr_assert_eq(seen2, 200);
        cr_assert_eq(seen_none, 2);
        free(text);
}

Test(log, json_format_through_log_write, .init = mk_tmpdir, .fini = rm_tmpdir)
{
        char path[400], err[256] = "";
        const char *kv[] = { "log.file.path", path, "log.stderr.enable",
                             "false", "log.format", "json", NULL };
        char *text;
        json_t *j;
        json_error_t jerr;

        snprintf(path, sizeof(path), "%s/w.log", tmpdir);
        cr_assert_eq(configure(kv, err, sizeof(err)), 0, "%s", err);
        pthread_setname_np(pthread_self(), "main-thread");
        log_context_set("c|task-9");
        LOG_WARN(log_get("connectd.json"), "value=%d \"q\"", 42);
        LOG_DEBUG(log_get("connectd.json"), "not shown");
        log_shutdown();
        text = slurp_file(path);
        cr_assert_not_null(text);
        cr_assert_eq(strchr(text, '\n'), text + strlen(text) - 1,
                     "one line expected: %s", text);
        j = json_loads(text, 0, &jerr);
        cr_assert_not_null(j, "%s", jerr.text);
        cr_assert_str_eq(json_string_value(json_object_get(j, "message")),
                         "value=42 \"q\"");
        cr_assert_str_eq(json_string_value(json_object_get(j, "context")),
                         "c|task-9");
        cr_assert_str_eq(json_string_value(json_object_get(j, "thread")),
                         "main-thread");
        cr_assert_str_eq(json_string_value(json_object_get(j, "logger")),
                         "connectd.json");
        json_decref(j);
        free(text);
}

Test(log, long_message_not_lost, .init = mk_tmpdir, .fini = rm_tmpdir)
{
        char path[400], err[256] = "";
        const char *kv[] = { "log.file.path", path, "log.stderr.enable",
                             "false", NULL };
        char *big = malloc(20001), *text;

        memset(big, 'x', 20000);
        big[20000] = '\0';
        snprintf(path, sizeof(path), "%s/w.log", tmpdir);
        cr_assert_eq(configure(kv, err, sizeof(err)), 0, "%s", err);
        LOG_INFO(log_get("big"), "%s|end", big);
        log_shutdown();
        text = slurp_file(path);
        cr_assert_not_null(text);
        cr_assert_not_null(strstr(text, "|end\n"));
        cr_assert_gt(strlen(text), 20000);
        free(text);
        free(big);
}

Test(log, level_change_applies_to_next_lines, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
        char path[400], err[256] = "";
        const char *kv[] = { "log.file.path", path, "log.stderr.enable",
                             "false", NULL };
        logger_t *lg = log_get("connectd.toggle");
        char *text;

        snprintf(path, sizeof(path), "%s/w.log", tmpdir);
        cr_assert_eq(configure(kv, err, sizeof(err)), 0, "%s", err);
        LOG_DEBUG(lg, "debug-1");
        json_decref(log_level_set("connectd", LOG_LVL_DEBUG));
        LOG_DEBUG(lg, "debug-2");
        json_decref(log_level_set("connectd", LOG_LVL_INFO));
        LOG_DEBUG(lg, "debug-3");
        log_shutdown();
        text = slurp_file(path);
        cr_assert_null(strstr(text, "debug-1"));
        cr_assert_not_null(strstr(text, "DEBUG connectd.toggle - debug-2"));
        cr_assert_null(strstr(text, "debug-3"));
        free(text);
}

Test(log, mask_config)
{
        json_t *in = json_pack(
                "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
                "database.password", "pw", "ssl.key.password", "kp",
                "sasl.jaas.config", "jaas", "log.s3.secret.access.key", "sk",
                "log.s3.session.token", "tok", "client.secret.value", "cs",
                "ssl.keystore.key", "pem", "bootstrap.servers", "b:9092",
                "key.converter", "kc", "log.s3.access.key.id", "AKID",
                "name", "n");
        json_t *out = log_mask_config(in);
        const char *hidden[] = { "database.password", "ssl.key.password",
                                 "sasl.jaas.config", "log.s3.secret.access.key",
                                 "log.s3.session.token", "client.secret.value",
                                 "ssl.keystore.key", NULL };
        int i;

        for (i = 0; hidden[i]; i++)
                cr_assert_str_eq(
                        json_string_value(json_object_get(out, hidden[i])),
                        "[hidden]", "%s", hidden[i]);
        cr_assert_str_eq(json_string_value(json_object_get(out,
                                                           "bootstrap.servers")),
                         "b:9092");
        cr_assert_str_eq(json_string_value(json_object_get(out, "key.converter")),
                         "kc");
        cr_assert_str_eq(json_string_value(json_object_get(out,
                                                           "log.s3.access.key.id")),
                         "AKID");
        cr_assert_eq(json_object_size(out), json_object_size(in));
        /* The input is untouched. */
        cr_assert_str_eq(json_string_value(json_object_get(in,
                                                           "database.password")),
                         "pw");
        json_decref(in);
        json_decref(out);
}

Test(log, configure_errors_name_the_key)
{
        char err[256];
        const char *bad_level[] = { "log.level", "LOUD", NULL };
        const char *bad_fmt[] = { "log.format", "xml", NULL };
        const char *bad_logger[] = { "log.logger.a.b", "nope", NULL };
        const char *bad_num[] = { "log.file.path", "/dev/null",
                                  "log.file.max.bytes", "12abc", NULL };
        const char *bad_bool[] = { "log.stderr.enable", "yes", NULL };
        const char *no_creds[] = { "log.s3.bucket", "b", NULL };

        err[0] = '\0';
        cr_assert_eq(configure(bad_level, err, sizeof(err)), -1);
        cr_assert_not_null(strstr(err, "log.level"), "%s", err);
        cr_assert_eq(configure(bad_fmt, err, sizeof(err)), -1);
        cr_assert_not_null(strstr(err, "log.format"), "%s", err);
        cr_assert_eq(configure(bad_logger, err, sizeof(err)), -1);
        cr_assert_not_null(strstr(err, "log.logger.a.b"), "%s", err);
        cr_assert_eq(configure(bad_num, err, sizeof(err)), -1);
        cr_assert_not_null(strstr(err, "log.file.max.bytes"), "%s", err);
        cr_assert_eq(configure(bad_bool, err, sizeof(err)), -1);
        cr_assert_not_null(strstr(err, "log.stderr.enable"), "%s", err);
        unsetenv("AWS_ACCESS_KEY_ID");
        unsetenv("AWS_SECRET_ACCESS_KEY");
        cr_assert_eq(configure(no_creds, err, sizeof(err)), -1);
        cr_assert_not_null(strstr(err, "log.s3"), "%s", err);
        /* A failed configure leaves levels alone. */
        cr_assert_str_eq(level_of("root"), "INFO");
}

struct get_arg {
        int base;
        logger_t *seen[64];
};

static void *get_thread(void *p)
{
        struct get_arg *a = p;
        char name[64];
        int i;

        for (i = 0; i < 2000; i++) {
                snprintf(name, sizeof(name), "conc.l%d", i % 64);
                a->seen[i % 64] = log_get(name);
        }
        return NULL;
}

Test(log, concurrent_get_is_consistent)
{
        struct get_arg a[4];
        pthread_t t[4];
        int i, k;

        memset(a, 0, sizeof(a));
        for (i = 0; i < 4; i++)
                pthread_create(&t[i], NULL, get_thread, &a[i]);
        for (i = 0; i < 4; i++)
                pthread_join(t[i], NULL);
        for (k = 0; k < 64; k++)
                for (i = 1; i < 4; i++)
                        cr_assert_eq(a[i].seen[k], a[0].seen[k]);
}
