/*
 * Unit tests for server/config/config_providers.c: the reference syntax and
 * ConfigTransformer's replacement rules, the three built-in providers, the
 * worker keys that configure them, and allowed.paths.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config_providers.h"

static char err[1024];
static char tmpdir[512];

static void setup(void)
{
        const char *base = getenv("TMPDIR");

        snprintf(tmpdir, sizeof(tmpdir), "%s/connectd-providers-XXXXXX",
                 base && *base ? base : "/tmp");
        cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
        err[0] = '\0';
}

static void teardown(void)
{
        char cmd[700];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmpdir);
}

TestSuite(syntax, .init = setup, .fini = teardown);
TestSuite(worker_keys, .init = setup, .fini = teardown);
TestSuite(file, .init = setup, .fini = teardown);
TestSuite(directory, .init = setup, .fini = teardown);
TestSuite(envvar, .init = setup, .fini = teardown);
TestSuite(allowed_paths, .init = setup, .fini = teardown);

/* tmpdir/rel with `text`; returns the full path (static buffer per call
 * site is not needed: callers copy). */
static void write_file(const char *rel, const char *text, char *out,
                       size_t n)
{
        FILE *f;

        snprintf(out, n, "%s/%s", tmpdir, rel);
        f = fopen(out, "w");
        cr_assert_not_null(f, "fopen %s: %s", out, strerror(errno));
        fputs(text, f);
        fclose(f);
}

static void make_dir(const char *rel, char *out, size_t n)
{
        snprintf(out, n, "%s/%s", tmpdir, rel);
        cr_assert_eq(mkdir(out, 0700), 0, "mkdir %s: %s", out,
                     strerror(errno));
}

static json_t *props(const char *json)
{
        json_error_t je;
        json_t *o = json_loads(json, 0, &je);

        cr_assert_not_null(o, "bad test json: %s", je.text);
        return o;
}

/* Worker with file, dir and env providers (simple names of each form). */
static cfg_providers_t *std_providers(void)
{
        json_t *w = props("{\"config.providers\":\"file, dir,env\","
                          "\"config.providers.file.class\":"
                          "\"org.apache.kafka.common.config.provider."
                          "FileConfigProvider\","
                          "\"config.providers.dir.class\":"
                          "\"DirectoryConfigProvider\","
                          "\"config.providers.env.class\":\"EnvVar\"}");
        cfg_providers_t *cp = cfg_providers_new(w, err, sizeof(err));

        cr_assert_not_null(cp, "providers: %s", err);
        cr_assert_eq(cfg_providers_count(cp), 3);
        json_decref(w);
        return cp;
}

/* Resolve {"k": value} and compare the result's k. */
static void assert_resolves(const cfg_providers_t *cp, const char *value,
                            const char *expected)
{
        json_t *in = json_pack("{ss}", "k", value);
        json_t *out = cfg_providers_resolve(cp, in, err, sizeof(err));

        cr_assert_not_null(out, "resolve %s: %s", value, err);
        cr_assert_str_eq(json_string_value(json_object_get(out, "k")),
                         expected, "value: %s", value);
        /* The input is never changed. */
        cr_assert_str_eq(json_string_value(json_object_get(in, "k")), value);
        json_decref(out);
        json_decref(in);
}

static void assert_resolve_error(const cfg_providers_t *cp, const char *value,
                                 const char *message)
{
        json_t *in = json_pack("{ss}", "k", value);
        json_t *out = cfg_providers_resolve(cp, in, err, sizeof(err));

        cr_assert_null(out, "resolve %s should fail", value);
        cr_assert_str_eq(err, message);
        json_decref(in);
}

/* ---------------------------------------------------------------- syntax */

Test(syntax, file_reference_with_text_around_and_several)
{
        cfg_providers_t *cp = std_providers();
        char f[700], v[2048];

        write_file("s.properties", "user=alice\npw: s3cret\n", f, sizeof(f));
        snprintf(v, sizeof(v), "a ${file:%s:user}/${file:%s:pw} z", f, f);
        assert_resolves(cp, v, "a alice/s3cret z");
        cfg_providers_free(cp);
}

Test(syntax, unknown_provider_and_missing_key_stay_literal)
{
        cfg_providers_t *cp = std_providers();
        char f[700], v[2048], want[2048];

        write_file("s.properties", "user=alice\n", f, sizeof(f));
        assert_resolves(cp, "${vault:secret/x:pw}", "${vault:secret/x:pw}");
        snprintf(v, sizeof(v), "${file:%s:nope}-${file:%s:user}", f, f);
        snprintf(want, sizeof(want), "${file:%s:nope}-alice", f);
        assert_resolves(cp, v, want);
        cfg_providers_free(cp);
}

Test(syntax, not_references)
{
        cfg_providers_t *cp = std_providers();

        /* no colon, no closing brace, no "${" */
        assert_resolves(cp, "${env}", "${env}");
        assert_resolves(cp, "${env:HOME", "${env:HOME");
        assert_resolves(cp, "$env:HOME}", "$env:HOME}");
        assert_resolves(cp, "plain", "plain");
        assert_resolves(cp, "", "");
        cr_assert_not(cfg_providers_has_reference("${a}"));
        cr_assert(cfg_providers_has_reference("x${a:b}y"));
        cr_assert(cfg_providers_has_reference("${:}"));
        cfg_providers_free(cp);
}

Test(syntax, key_may_hold_colons_path_may_not)
{
        cfg_providers_t *cp = std_providers();
        char f[700], v[2048];

        write_file("c.properties", "a\\:b=colon\n", f, sizeof(f));
        /* provider "file", path f, key "a:b" */
        snprintf(v, sizeof(v), "${file:%s:a:b}", f);
        assert_resolves(cp, v, "colon");
        cfg_providers_free(cp);
}

Test(syntax, empty_path_is_no_path)
{
        cfg_providers_t *cp;
        json_t *w = props("{\"config.providers\":\"env\","
                          "\"config.providers.env.class\":\"EnvVar\"}");

        setenv("CONNECTD_TEST_PROV_A", "va", 1);
        cp = cfg_providers_new(w, err, sizeof(err));
        cr_assert_not_null(cp, "%s", err);
        assert_resolves(cp, "${env::CONNECTD_TEST_PROV_A}", "va");
        assert_resolves(cp, "${env:CONNECTD_TEST_PROV_A}", "va");
        cfg_providers_free(cp);
        json_decref(w);
}

Test(syntax, one_pass_no_rescan_and_nested_split)
{
        cfg_providers_t *cp;
        json_t *w = props("{\"config.providers\":\"env\","
                          "\"config.providers.env.class\":\"EnvVar\"}");

        setenv("CONNECTD_TEST_PROV_REF", "${env:CONNECTD_TEST_PROV_A}", 1);
        setenv("CONNECTD_TEST_PROV_A", "va", 1);
        cp = cfg_providers_new(w, err, sizeof(err));
        cr_assert_not_null(cp, "%s", err);
        /* The replacement is not scanned again. */
        assert_resolves(cp, "${env:CONNECTD_TEST_PROV_REF}",
                        "${env:CONNECTD_TEST_PROV_A}");
        /* Java's split: provider "x${env" is unknown, so all stays. */
        assert_resolves(cp, "${x${env:CONNECTD_TEST_PROV_A}",
                        "${x${env:CONNECTD_TEST_PROV_A}");
        /* A literal "${a" before a reference: the reference after it. */
        assert_resolves(cp, "${a}${env:CONNECTD_TEST_PROV_A}", "${a}va");
        cfg_providers_free(cp);
        json_decref(w);
}

/* "${" that never closes or never has a ':' is scanned once, not once per
 * "${": a long run of them resolves in linear time. */
Test(syntax, unclosed_runs_are_linear)
{
        cfg_providers_t *cp = std_providers();
        size_t n = 512 * 1024, i;
        char *v = malloc(n + 1);
        clock_t t0;
        json_t *in, *out;

        cr_assert_not_null(v);
        for (i = 0; i + 1 < n; i += 2)
                memcpy(v + i, "${", 2);
        v[n - 1] = '}';
        v[n] = '\0';
        in = json_pack("{ss}", "k", v);
        t0 = clock();
        out = cfg_providers_resolve(cp, in, err, sizeof(err));
        cr_assert_not_null(out, "%s", err);
        cr_assert(json_equal(in, out));
        cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 3.0,
                     "quadratic scan");
        json_decref(out);
        json_decref(in);
        free(v);
        setenv("CONNECTD_TEST_PROV_A", "va", 1);
        cfg_providers_free(cp);
        cp = std_providers();
        assert_resolves(cp, "${${${a}${env:CONNECTD_TEST_PROV_A}",
                        "${${${a}va");
        assert_resolves(cp, "${env:CONNECTD_TEST_PROV_A}${a:b",
                        "va${a:b");
        cfg_providers_free(cp);
}

Test(syntax, every_value_non_strings_kept_input_unchanged)
{
        cfg_providers_t *cp;
        json_t *w = props("{\"config.providers\":\"env\","
                          "\"config.providers.env.class\":\"EnvVar\"}");
        json_t *in, *out;

        setenv("CONNECTD_TEST_PROV_A", "va", 1);
        cp = cfg_providers_new(w, err, sizeof(err));
        cr_assert_not_null(cp, "%s", err);
        in = props("{\"transforms.t.field\":\"${env:CONNECTD_TEST_PROV_A}\","
                   "\"n\":3,\"name\":\"c\"}");
        out = cfg_providers_resolve(cp, in, err, sizeof(err));
        cr_assert_not_null(out, "%s", err);
        cr_assert_str_eq(json_string_value(
                json_object_get(out, "transforms.t.field")), "va");
        cr_assert_eq(json_integer_value(json_object_get(out, "n")), 3);
        cr_assert_str_eq(json_string_value(json_object_get(out, "name")),
                         "c");
        cr_assert_str_eq(json_string_value(
                json_object_get(in, "transforms.t.field")),
                "${env:CONNECTD_TEST_PROV_A}");
        json_decref(out);
        json_decref(in);
        cfg_providers_free(cp);
        json_decref(w);
}

Test(syntax, no_providers_copies)
{
        json_t *in = props("{\"a\":\"${file:/x:y}\"}");
        json_t *out = cfg_providers_resolve(NULL, in, err, sizeof(err));

        cr_assert_not_null(out, "%s", err);
        cr_assert(json_equal(in, out));
        cr_assert_neq(in, out);
        json_decref(out);
        json_decref(in);
}

/* ----------------------------------------------------------- worker keys */

Test(worker_keys, class_name_forms)
{
        const char *names[] = {
                "org.apache.kafka.common.config.provider.FileConfigProvider",
                "FileConfigProvider", "File", "Directory",
                "DirectoryConfigProvider", "EnvVarConfigProvider", "EnvVar",
        };
        size_t i;

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                json_t *w = json_pack("{ssss}", "config.providers", "p",
                                      "config.providers.p.class", names[i]);
                cfg_providers_t *cp = cfg_providers_new(w, err, sizeof(err));

                cr_assert_not_null(cp, "%s: %s", names[i], err);
                cr_assert_eq(cfg_providers_count(cp), 1, "%s", names[i]);
                cfg_providers_free(cp);
                json_decref(w);
        }
}

Test(worker_keys, unknown_class_fails)
{
        json_t *w = props("{\"config.providers\":\"v\","
                          "\"config.providers.v.class\":"
                          "\"com.example.VaultConfigProvider\"}");

        cr_assert_null(cfg_providers_new(w, err, sizeof(err)));
        cr_assert_str_eq(err, "Invalid value com.example.VaultConfigProvider "
                         "for configuration config.providers.v.class: Class "
                         "com.example.VaultConfigProvider could not be "
                         "found.");
        json_decref(w);
        /* Case matters, and the package must be the provider package. */
        w = props("{\"config.providers\":\"f\","
                  "\"config.providers.f.class\":\"file\"}");
        cr_assert_null(cfg_providers_new(w, err, sizeof(err)));
        json_decref(w);
        w = props("{\"config.providers\":\"f\","
                  "\"config.providers.f.class\":\"com.x.FileConfigProvider\"}");
        cr_assert_null(cfg_providers_new(w, err, sizeof(err)));
        json_decref(w);
}

Test(worker_keys, name_without_class_ignored_references_literal)
{
        json_t *w = props("{\"config.providers\":\"env,other\","
                          "\"config.providers.other.class\":\"EnvVar\"}");
        cfg_providers_t *cp = cfg_providers_new(w, err, sizeof(err));

        setenv("CONNECTD_TEST_PROV_A", "va", 1);
        cr_assert_not_null(cp, "%s", err);
        cr_assert_eq(cfg_providers_count(cp), 1);
        assert_resolves(cp, "${env:CONNECTD_TEST_PROV_A}",
                        "${env:CONNECTD_TEST_PROV_A}");
        cfg_providers_free(cp);
        json_decref(w);
}

Test(worker_keys, no_config_providers)
{
        json_t *w = props("{\"config.providers.env.class\":\"EnvVar\"}");
        cfg_providers_t *cp = cfg_providers_new(w, err, sizeof(err));

        cr_assert_not_null(cp, "%s", err);
        cr_assert_eq(cfg_providers_count(cp), 0);
        assert_resolves(cp, "${env:HOME}", "${env:HOME}");
        cfg_providers_free(cp);
        json_decref(w);
}

/* ------------------------------------------------------------------ file */

Test(file, java_properties_semantics)
{
        cfg_providers_t *cp = std_providers();
        char f[700], v[2048];

        write_file("j.properties",
                   "# comment\n! also\nlong = one \\\n    two\n"
                   "u=caf\\u00e9\nsp  value here\n", f, sizeof(f));
        snprintf(v, sizeof(v), "${file:%s:long}|${file:%s:u}|${file:%s:sp}",
                 f, f, f);
        assert_resolves(cp, v, "one two|caf\xc3\xa9|value here");
        cfg_providers_free(cp);
}

Test(file, missing_file_fails)
{
        cfg_providers_t *cp = std_providers();
        char v[2048], want[2048];

        snprintf(v, sizeof(v), "${file:%s/none.properties:k}", tmpdir);
        snprintf(want, sizeof(want),
                 "Could not read properties from file %s/none.properties",
                 tmpdir);
        assert_resolve_error(cp, v, want);
        cfg_providers_free(cp);
}

Test(file, no_path_gives_nothing)
{
        cfg_providers_t *cp = std_providers();

        assert_resolves(cp, "${file:k}", "${file:k}");
        cfg_providers_free(cp);
}

/* ------------------------------------------------------------- directory */

Test(directory, file_name_to_whole_content)
{
        cfg_providers_t *cp = std_providers();
        char d[700], f[700], sub[700], v[2048], want[2048];

        make_dir("secrets", d, sizeof(d));
        write_file("secrets/pw", "s3cret\n", f, sizeof(f));
        write_file("secrets/user", " bob ", f, sizeof(f));
        make_dir("secrets/sub", sub, sizeof(sub));
        snprintf(v, sizeof(v), "${dir:%s:pw}|${dir:%s:user}|${dir:%s:sub}"
                 "|${dir:%s:../secrets/pw}", d, d, d, d);
        /* Untrimmed; a subdirectory and a relative name are no keys. */
        snprintf(want, sizeof(want), "s3cret\n| bob |${dir:%s:sub}"
                 "|${dir:%s:../secrets/pw}", d, d);
        assert_resolves(cp, v, want);
        cfg_providers_free(cp);
}

Test(directory, not_a_directory_gives_nothing)
{
        cfg_providers_t *cp = std_providers();
        char f[700], v[2048];

        write_file("plain", "x", f, sizeof(f));
        snprintf(v, sizeof(v), "${dir:%s:plain}", f);
        assert_resolves(cp, v, v);
        snprintf(v, sizeof(v), "${dir:%s/missing:k}", tmpdir);
        assert_resolves(cp, v, v);
        cfg_providers_free(cp);
}

/* ---------------------------------------------------------------- envvar */

Test(envvar, path_is_an_error)
{
        cfg_providers_t *cp = std_providers();

        assert_resolve_error(cp, "${env:/etc:HOME}",
                             "Path is not supported for EnvVarConfigProvider,"
                             " invalid value '/etc'");
        cfg_providers_free(cp);
}

Test(envvar, allowlist_must_match_whole_name)
{
        json_t *w = props("{\"config.providers\":\"env\","
                          "\"config.providers.env.class\":\"EnvVar\","
                          "\"config.providers.env.param.allowlist.pattern\":"
                          "\"CONNECTD_TEST_OK.*\"}");
        cfg_providers_t *cp;

        setenv("CONNECTD_TEST_OK_1", "one", 1);
        setenv("X_CONNECTD_TEST_OK_2", "two", 1);
        cp = cfg_providers_new(w, err, sizeof(err));
        cr_assert_not_null(cp, "%s", err);
        assert_resolves(cp, "${env:CONNECTD_TEST_OK_1}", "one");
        assert_resolves(cp, "${env:X_CONNECTD_TEST_OK_2}",
                        "${env:X_CONNECTD_TEST_OK_2}");
        assert_resolves(cp, "${env:CONNECTD_TEST_UNSET_VAR}",
                        "${env:CONNECTD_TEST_UNSET_VAR}");
        cfg_providers_free(cp);
        json_decref(w);
}

/* The allowlist is a Java regex: \d, inline flags, and a whole match
 * even with an alternation. */
Test(envvar, allowlist_is_a_java_regex)
{
        json_t *w = props("{\"config.providers\":\"env\","
                          "\"config.providers.env.class\":\"EnvVar\","
                          "\"config.providers.env.param.allowlist.pattern\":"
                          "\"(?i)connectd_jre_\\\\d+|OTHER\"}");
        cfg_providers_t *cp;

        setenv("CONNECTD_JRE_12", "digits", 1);
        setenv("CONNECTD_JRE_X", "letter", 1);
        setenv("CONNECTD_JRE_12_OTHER", "tail", 1);
        cp = cfg_providers_new(w, err, sizeof(err));
        cr_assert_not_null(cp, "%s", err);
        assert_resolves(cp, "${env:CONNECTD_JRE_12}", "digits");
        assert_resolves(cp, "${env:CONNECTD_JRE_X}", "${env:CONNECTD_JRE_X}");
        assert_resolves(cp, "${env:CONNECTD_JRE_12_OTHER}",
                        "${env:CONNECTD_JRE_12_OTHER}");
        cfg_providers_free(cp);
        json_decref(w);
}

Test(envvar, environment_read_at_creation)
{
        json_t *w = props("{\"config.providers\":\"env\","
                          "\"config.providers.env.class\":\"EnvVar\"}");
        cfg_providers_t *cp;

        setenv("CONNECTD_TEST_SNAP", "before", 1);
        cp = cfg_providers_new(w, err, sizeof(err));
        cr_assert_not_null(cp, "%s", err);
        setenv("CONNECTD_TEST_SNAP", "after", 1);
        assert_resolves(cp, "${env:CONNECTD_TEST_SNAP}", "before");
        cfg_providers_free(cp);
        json_decref(w);
}

Test(envvar, bad_pattern_fails_start)
{
        json_t *w = props("{\"config.providers\":\"env\","
                          "\"config.providers.env.class\":\"EnvVar\","
                          "\"config.providers.env.param.allowlist.pattern\":"
                          "\"(\"}");

        cr_assert_null(cfg_providers_new(w, err, sizeof(err)));
        cr_assert(strstr(err, "allowlist.pattern") != NULL, "%s", err);
        json_decref(w);
}

/* --------------------------------------------------------- allowed.paths */

static cfg_providers_t *allowed_providers(const char *allowed, char *errbuf)
{
        json_t *w = json_pack("{ssssssssss}",
                              "config.providers", "file,dir",
                              "config.providers.file.class", "File",
                              "config.providers.file.param.allowed.paths",
                              allowed,
                              "config.providers.dir.class", "Directory",
                              "config.providers.dir.param.allowed.paths",
                              allowed);
        cfg_providers_t *cp = cfg_providers_new(w, errbuf, sizeof(err));

        json_decref(w);
        return cp;
}

Test(allowed_paths, whole_components_only)
{
        char a[700], ab[700], f1[700], f2[700], allowed[1500], v[4096],
             want[4096];
        cfg_providers_t *cp;

        make_dir("a", a, sizeof(a));
        make_dir("ab", ab, sizeof(ab));
        write_file("a/in.properties", "k=in\n", f1, sizeof(f1));
        write_file("ab/out.properties", "k=out\n", f2, sizeof(f2));
        snprintf(allowed, sizeof(allowed), " %s/./ ", a);
        cp = allowed_providers(allowed, err);
        cr_assert_not_null(cp, "%s", err);
        snprintf(v, sizeof(v), "${file:%s:k}|${file:%s:k}|${dir:%s:in."
                 "properties}", f1, f2, a);
        snprintf(want, sizeof(want), "in|${file:%s:k}|k=in\n", f2);
        assert_resolves(cp, v, want);
        /* Escaping by ".." is caught after lexical normalization. */
        snprintf(v, sizeof(v), "${file:%s/../ab/out.properties:k}", a);
        assert_resolves(cp, v, v);
        /* A relative path is never under an absolute entry. */
        assert_resolves(cp, "${file:in.properties:k}",
                        "${file:in.properties:k}");
        cfg_providers_free(cp);
}

Test(allowed_paths, unset_or_empty_allows_all)
{
        char f[700], v[2048];
        cfg_providers_t *cp = allowed_providers("", err);

        cr_assert_not_null(cp, "%s", err);
        write_file("x.properties", "k=v\n", f, sizeof(f));
        snprintf(v, sizeof(v), "${file:%s:k}", f);
        assert_resolves(cp, v, "v");
        cfg_providers_free(cp);
}

Test(allowed_paths, not_absolute_fails_start)
{
        cr_assert_null(allowed_providers("relative/dir", err));
        cr_assert_str_eq(err, "Path relative/dir is not absolute");
}

Test(allowed_paths, missing_fails_start)
{
        char p[700], want[800];

        snprintf(p, sizeof(p), "%s/nope", tmpdir);
        snprintf(want, sizeof(want), "Path %s does not exist", p);
        cr_assert_null(allowed_providers(p, err));
        cr_assert_str_eq(err, want);
}

/* ---- wiring helpers ---------------------------------------------------- */

TestSuite(wiring, .init = setup, .fini = teardown);

/* Task configs get the raw value back for keys that hold a reference in
 * the connector config (AbstractHerder#reverseTransform); other keys and
 * keys the task config does not have are left alone. */
Test(wiring, reverse_puts_references_back)
{
        json_t *raw = json_pack("{s:s, s:s, s:s, s:i}", "password",
                                "${file:/s.properties:pw}", "url",
                                "jdbc:x", "only.connector", "${env:X}",
                                "n", 3);
        json_t *task = json_pack("{s:s, s:s, s:s}", "password", "secret",
                                 "url", "jdbc:x-task", "task.class", "T");

        cfg_providers_reverse(raw, task);
        cr_assert_str_eq(json_string_value(json_object_get(task, "password")),
                         "${file:/s.properties:pw}");
        cr_assert_str_eq(json_string_value(json_object_get(task, "url")),
                         "jdbc:x-task");
        cr_assert_null(json_object_get(task, "only.connector"));
        cr_assert_eq(json_object_size(task), 3);
        json_decref(raw);
        json_decref(task);
}

/* A validation answer shows the value as sent for keys with a reference. */
Test(wiring, unresolve_infos_shows_raw_values)
{
        json_t *raw = json_pack("{s:s, s:s}", "password", "${env:PW}",
                                "topic", "t");
        json_t *infos = json_pack(
                "{s:s, s:i, s:[{s:{s:s, s:s}}, {s:{s:s, s:s}}, {s:{s:s, s:n}}]}",
                "name", "C", "error_count", 0, "configs",
                "value", "name", "password", "value", "secret",
                "value", "name", "topic", "value", "t",
                "value", "name", "other", "value");
        json_t *c;

        cfg_providers_unresolve_infos(infos, raw);
        c = json_object_get(infos, "configs");
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
                                 json_array_get(c, 0), "value"), "value")),
                         "${env:PW}");
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
                                 json_array_get(c, 1), "value"), "value")),
                         "t");
        cr_assert(json_is_null(json_object_get(json_object_get(
                json_array_get(c, 2), "value"), "value")));
        json_decref(raw);
        json_decref(infos);
}

/* The worker file resolves itself; a provider class that is not built in
 * (a plugin's, not loaded yet) leaves its references literal there. */
Test(wiring, worker_file_resolves_itself)
{
        char path[700], ref[800];
        json_t *props, *out;

        write_file("w.properties", "flush=1234\n", path, sizeof(path));
        snprintf(ref, sizeof(ref), "${file:%s:flush}", path);
        props = json_pack("{s:s, s:s, s:s, s:s, s:s}", "config.providers",
                          "file,vault", "config.providers.file.class",
                          "FileConfigProvider", "config.providers.vault.class",
                          "com.example.VaultConfigProvider",
                          "offset.flush.interval.ms", ref, "other",
                          "${vault:x}");
        out = cfg_providers_resolve_worker(props, err, sizeof(err));
        cr_assert_not_null(out, "%s", err);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 out, "offset.flush.interval.ms")),
                         "1234");
        cr_assert_str_eq(json_string_value(json_object_get(out, "other")),
                         "${vault:x}");
        json_decref(out);
        /* ... while the worker's own set (after plugins load) refuses an
         * unknown class. */
        cr_assert_null(cfg_providers_new(props, err, sizeof(err)));
        cr_assert(strstr(err, "com.example.VaultConfigProvider could not be "
                              "found"), "%s", err);
        json_decref(props);
}

Test(wiring, worker_set_is_process_wide)
{
        json_t *props = json_pack("{s:s, s:s}", "config.providers", "env",
                                  "config.providers.env.class", "EnvVar");
        cfg_providers_t *cp = cfg_providers_new(props, err, sizeof(err));

        cr_assert_not_null(cp, "%s", err);
        cr_assert_null(cfg_providers_worker());
        cfg_providers_set_worker(cp);
        cr_assert_eq(cfg_providers_worker(), cp);
        cr_assert_eq(cfg_providers_count(cfg_providers_worker()), 1);
        cfg_providers_set_worker(NULL);
        cr_assert_null(cfg_providers_worker());
        json_decref(props);
}

/* ---- provider plugins (through the lookup the worker hands in) ---------- */

static int fake_closed;
static char fake_seen_param[64];

static int fake_configure(const connectd_config_t *params, void **statep,
                          char *errstr, size_t errstr_size)
{
        const char *v = json_string_value(json_object_get(
                (json_t *)params, "token"));

        if (v && !strcmp(v, "bad")) {
                snprintf(errstr, errstr_size, "fake: bad token");
                return -1;
        }
        snprintf(fake_seen_param, sizeof(fake_seen_param), "%s",
                 v ? v : "(none)");
        *statep = strdup("state");
        return 0;
}

static int fake_get(void *state, const char *path, const char *const *keys,
                    size_t nkeys, connectd_config_t *out, char *errstr,
                    size_t errstr_size)
{
        size_t i;
        char v[256];

        cr_assert_str_eq((const char *)state, "state");
        for (i = 0; i < nkeys; i++) {
                if (!strcmp(keys[i], "boom")) {
                        snprintf(errstr, errstr_size, "fake: boom at %s",
                                 path);
                        return -1;
                }
                if (!strcmp(keys[i], "absent"))
                        continue;
                snprintf(v, sizeof(v), "%s|%s", path, keys[i]);
                json_object_set_new((json_t *)out, keys[i], json_string(v));
        }
        /* Keys nobody asked for are dropped by the host. */
        json_object_set_new((json_t *)out, "unasked", json_string("x"));
        return 0;
}

static void fake_close(void *state)
{
        fake_closed++;
        free(state);
}

static const char *const fake_aliases[] = { "FakeAlias", NULL };

static const connectd_config_provider_desc_t fake_desc = {
        CONNECTD_CONFIG_PROVIDER_DESC_HEADER,
        .class_name = "com.example.FakeConfigProvider",
        .aliases = fake_aliases,
        .configure = fake_configure,
        .get = fake_get,
        .close = fake_close,
};

static const connectd_config_provider_desc_t *fake_lookup(const char *cls)
{
        return !strcmp(cls, "com.example.FakeConfigProvider") ||
                               !strcmp(cls, "FakeAlias")
                       ? &fake_desc
                       : NULL;
}

TestSuite(plugin, .init = setup, .fini = teardown);

Test(plugin, provider_plugin_resolves_and_is_closed)
{
        json_t *w = props("{\"config.providers\":\"fk\","
                          "\"config.providers.fk.class\":\"FakeAlias\","
                          "\"config.providers.fk.param.token\":\"t0k\"}");
        cfg_providers_t *cp;

        cfg_providers_set_plugin_lookup(fake_lookup);
        fake_closed = 0;
        cp = cfg_providers_new(w, err, sizeof(err));
        cr_assert_not_null(cp, "%s", err);
        cr_assert_str_eq(fake_seen_param, "t0k");
        assert_resolves(cp, "a=${fk:p/q:k1} b=${fk:k2}", "a=p/q|k1 b=|k2");
        assert_resolves(cp, "${fk:absent}", "${fk:absent}");
        assert_resolve_error(cp, "${fk:dir:boom}", "fake: boom at dir");
        cfg_providers_free(cp);
        cr_assert_eq(fake_closed, 1);
        json_decref(w);

        /* configure failing stops the worker with its message. */
        w = props("{\"config.providers\":\"fk\","
                  "\"config.providers.fk.class\":"
                  "\"com.example.FakeConfigProvider\","
                  "\"config.providers.fk.param.token\":\"bad\"}");
        cr_assert_null(cfg_providers_new(w, err, sizeof(err)));
        cr_assert_str_eq(err, "fake: bad token");
        json_decref(w);
        cfg_providers_set_plugin_lookup(NULL);
}
