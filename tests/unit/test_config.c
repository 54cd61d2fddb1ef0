/*
 * Unit tests for server/config/config.c: Java .properties semantics (the tricky
 * corners of java.util.Properties.load), connector files (.json in both
 * shapes, .properties), and the worker config table and its checks.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "rest.h"

static char err[1024];
static char tmpdir[512];

static void setup(void)
{
        const char *base = getenv("TMPDIR");

        snprintf(tmpdir, sizeof(tmpdir), "%s/connectd-config-XXXXXX",
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

TestSuite(props, .init = setup, .fini = teardown);
TestSuite(connector_file, .init = setup, .fini = teardown);
TestSuite(worker, .init = setup, .fini = teardown);

/* Compares in order: jansson dumps objects in insertion order. */
static void assert_props(const char *text, const char *expected)
{
        json_t *got = props_parse_string(text, err, sizeof(err));
        char *g;

        cr_assert_not_null(got, "parse failed: %s\ninput: %s", err, text);
        g = json_dumps(got, JSON_COMPACT);
        cr_assert_str_eq(g, expected, "input: %s", text);
        free(g);
        json_decref(got);
}

static void assert_props_error(const char *text, const char *needle)
{
        json_t *got = props_parse_string(text, err, sizeof(err));

        cr_assert_null(got, "expected an error for: %s", text);
        cr_assert(strstr(err, needle), "error '%s' lacks '%s'", err, needle);
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "wb");

        cr_assert_not_null(f, "%s: %s", path, strerror(errno));
        fputs(text, f);
        fclose(f);
}

/* ---- properties ---------------------------------------------------------- */

Test(props, separators)
{
        assert_props("a=1\nb = 2\nc:3\nd 4\ne\t5\nf\n",
                     "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\","
                     "\"e\":\"5\",\"f\":\"\"}");
        /* Only the first separator counts; the rest is value. */
        assert_props("k==v\n", "{\"k\":\"=v\"}");
        assert_props("k:=v\n", "{\"k\":\"=v\"}");
        assert_props("k = = v\n", "{\"k\":\"= v\"}");
        assert_props("k v=w\n", "{\"k\":\"v=w\"}");
        assert_props("k\t:\tv\n", "{\"k\":\"v\"}");
        assert_props("key : value\n", "{\"key\":\"value\"}");
        assert_props("key =\n", "{\"key\":\"\"}");
        assert_props("=value\n", "{\"\":\"value\"}");
        /* Blanks before the key go, blanks after the value stay. */
        assert_props("   \t k=v  \n", "{\"k\":\"v  \"}");
        assert_props("url=http://h:8083/x?a=b\n",
                     "{\"url\":\"http://h:8083/x?a=b\"}");
}

Test(props, comments_and_blank_lines)
{
        assert_props("# comment\n! also\n   # indented\n\n \t \nk=v # no\n",
                     "{\"k\":\"v # no\"}");
        /* A comment never continues, even ending in a backslash. */
        assert_props("# comment \\\nk=v\n", "{\"k\":\"v\"}");
        /* A continued line starting with # is not a comment. */
        assert_props("k=a\\\n#b\n", "{\"k\":\"a#b\"}");
        assert_props("k=#v\n", "{\"k\":\"#v\"}");
        assert_props("", "{}");
        assert_props("# only a comment", "{}");
}

Test(props, continuation)
{
        assert_props("k = one \\\n    two\\\n\tthree\n",
                     "{\"k\":\"one twothree\"}");
        assert_props("k=a\\\n   b c\n", "{\"k\":\"ab c\"}");
        /* An even number of backslashes is an escaped backslash. */
        assert_props("a=b\\\\\nc=d\n", "{\"a\":\"b\\\\\",\"c\":\"d\"}");
        assert_props("a=b\\\\\\\nc\n", "{\"a\":\"b\\\\c\"}");
        /* A backslash at the very end of the text is dropped. */
        assert_props("a=b\\", "{\"a\":\"b\"}");
        /* An empty line after a continuation ends the logical line. */
        assert_props("a=b\\\n\nc=d\n", "{\"a\":\"b\",\"c\":\"d\"}");
        /* Continuation inside the key. */
        assert_props("lo\\\n  ng.key=v\n", "{\"long.key\":\"v\"}");
        /* A continued value may span the separator-looking text. */
        assert_props("plugin.path=/a,\\\n  /b,\\\n  /c\n",
                     "{\"plugin.path\":\"/a,/b,/c\"}");
}

Test(props, line_endings)
{
        assert_props("a=1\r\nb=2\rc=3\nd=4",
                     "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"}");
        assert_props("a=x\\\r\n  y\r\nb=z\r\n",
                     "{\"a\":\"xy\",\"b\":\"z\"}");
        assert_props("a=x\\\r  y\rb=z\r", "{\"a\":\"xy\",\"b\":\"z\"}");
}

Test(props, escapes)
{
        assert_props("tab=a\\tb\nnl=a\\nb\ncr=\\r\nff=\\f\nbs=a\\\\b\n"
                     "other=\\q\\\"\\'\n",
                     "{\"tab\":\"a\\tb\",\"nl\":\"a\\nb\",\"cr\":\"\\r\","
                     "\"ff\":\"\\f\",\"bs\":\"a\\\\b\",\"other\":\"q\\\"'\"}");
        /* \uXXXX to UTF-8, including a surrogate pair. */
        assert_props("u=\\u00e9\\u20AC\\u0041\nemoji=\\uD83D\\uDE00\n",
                     "{\"u\":\"\xc3\xa9\xe2\x82\xac"
                     "A\",\"emoji\":\"\xf0\x9f\x98\x80\"}");
        /* Escaped separators and blanks belong to the key. */
        assert_props("a\\=b=c\nx\\:y:z\nsp\\ ace = v\n",
                     "{\"a=b\":\"c\",\"x:y\":\"z\",\"sp ace\":\"v\"}");
        /* ...and to the value. */
        assert_props("k=\\ lead\n", "{\"k\":\" lead\"}");
        assert_props("k=a\\\\=b\n", "{\"k\":\"a\\\\=b\"}");
}

Test(props, malformed_unicode_escapes)
{
        assert_props_error("ok=1\nbad=\\u12g4\n", "line 2");
        assert_props_error("ok=1\nbad=\\u12g4\n", "malformed \\uxxxx");
        assert_props_error("bad=\\u12", "malformed");
        assert_props_error("\\uzzzz=v", "malformed");
        assert_props_error("hi=\\uD83D\n", "surrogate");
        assert_props_error("lo=\\uDE00\n", "surrogate");
        assert_props_error("nul=\\u0000\n", "NUL");
        /* The line reported is where the logical line starts. */
        assert_props_error("a=1\n\n# c\nb=x\\\n  \\u00zz\n", "line 4");
}

Test(props, duplicates_last_wins_first_position)
{
        assert_props("a=1\nb=2\na=3\n", "{\"a\":\"3\",\"b\":\"2\"}");
}

Test(props, encodings)
{
        /* Valid UTF-8 is taken as is. */
        assert_props("k=caf\xc3\xa9\n", "{\"k\":\"caf\xc3\xa9\"}");
        /* Not UTF-8: ISO-8859-1, as Java reads a byte stream. */
        assert_props("k=caf\xe9\n", "{\"k\":\"caf\xc3\xa9\"}");
}

Test(props, parse_file)
{
        char path[600];
        json_t *p;

        snprintf(path, sizeof(path), "%s/worker.properties", tmpdir);
        write_file(path, "# worker\nbootstrap.servers=localhost:9092\n"
                         "plugin.path=/usr/share/java,\\\n"
                         "            /opt/plugins\n");
        p = props_parse_file(path, err, sizeof(err));
        cr_assert_not_null(p, "%s", err);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 p, "bootstrap.servers")),
                         "localhost:9092");
        cr_assert_str_eq(json_string_value(json_object_get(p, "plugin.path")),
                         "/usr/share/java,/opt/plugins");
        cr_assert_eq(json_object_size(p), 2);
        json_decref(p);

        write_file(path, "a=1\nb=\\uXYZW\n");
        cr_assert_null(props_parse_file(path, err, sizeof(err)));
        cr_assert(strstr(err, path) && strstr(err, ":2:"), "got: %s", err);

        snprintf(path, sizeof(path), "%s/missing.properties", tmpdir);
        cr_assert_null(props_parse_file(path, err, sizeof(err)));
        cr_assert(strstr(err, path), "got: %s", err);
        cr_assert(strstr(err, "No such file"), "got: %s", err);
}

Test(props, file_with_nul_byte)
{
        char path[600];
        FILE *f;

        snprintf(path, sizeof(path), "%s/nul.properties", tmpdir);
        f = fopen(path, "wb");
        cr_assert_not_null(f);
        fwrite("a=1\0b=2\n", 1, 8, f);
        fclose(f);
        cr_assert_null(props_parse_file(path, err, sizeof(err)));
        cr_assert(strstr(err, "NUL"), "got: %s", err);
}

/* ---- connector files ----------------------------------------------------- */

static json_t *load(const char *name, const char *text)
{
        char path[600];

        snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
        write_file(path, text);
        return connector_file_load(path, err, sizeof(err));
}

static void assert_map(json_t *got, const char *expected)
{
        char *g;

        cr_assert_not_null(got, "load failed: %s", err);
        g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
        cr_assert_str_eq(g, expected);
        free(g);
        json_decref(got);
}

Test(connector_file, json_flat_map_coerces_scalars)
{
        assert_map(load("c.json",
                        "{\"name\":\"gen\",\"tasks.max\":2,\"ratio\":0.5,"
                        "\"flag\":true,\"off\":false,\"s\":\"x\"}"),
                   "{\"flag\":\"true\",\"name\":\"gen\",\"off\":\"false\","
                   "\"ratio\":\"0.5\",\"s\":\"x\",\"tasks.max\":\"2\"}");
        assert_map(load("upper.JSON", "{\"a\":\"b\"}"), "{\"a\":\"b\"}");
}

/* JSON numbers in a connector file become the strings the REST API makes
 * of them: Double.toString ("1.0E100", not "1e+100"). */
Test(connector_file, json_reals_like_rest_double_tostring)
{
        static const char *const text =
                "{\"big\":1e100,\"small\":1e-5,\"sum\":0.30000000000000004,"
                "\"seven\":1e7,\"hundred\":100.0,\"min\":4.9e-324,"
                "\"max\":1.7976931348623157e308,\"neg\":-0.0,"
                "\"milli\":0.001}";
        static const char *const want =
                "{\"big\":\"1.0E100\",\"hundred\":\"100.0\","
                "\"max\":\"1.7976931348623157E308\",\"milli\":\"0.001\","
                "\"min\":\"4.9E-324\",\"neg\":\"-0.0\","
                "\"seven\":\"1.0E7\",\"small\":\"1.0E-5\","
                "\"sum\":\"0.30000000000000004\"}";
        json_t *in = json_loads(text, 0, NULL), *rest;
        char rerr[256] = "";

        cr_assert_not_null(in);
        rest = rest_config_coerce(in, 0, rerr, sizeof(rerr));
        json_decref(in);
        assert_map(rest, want);
        assert_map(load("c.json", text), want);
}

Test(connector_file, json_connect_form_inserts_name)
{
        assert_map(load("c.json",
                        "{\"name\":\"bookstore\",\"config\":{"
                        "\"connector.class\":\"FileStreamSource\","
                        "\"tasks.max\":1}}"),
                   "{\"connector.class\":\"FileStreamSource\","
                   "\"name\":\"bookstore\",\"tasks.max\":\"1\"}");
        /* Same name inside is fine. */
        assert_map(load("c.json", "{\"name\":\"n\",\"config\":{\"name\":\"n\","
                                  "\"a\":\"b\"}}"),
                   "{\"a\":\"b\",\"name\":\"n\"}");
        /* No top-level name: the config's own stands. */
        assert_map(load("c.json", "{\"config\":{\"name\":\"inner\"}}"),
                   "{\"name\":\"inner\"}");
        /* A different name inside is a mistake worth reporting. */
        cr_assert_null(load("c.json", "{\"name\":\"a\",\"config\":{"
                                      "\"name\":\"b\"}}"));
        cr_assert(strstr(err, "\"a\"") && strstr(err, "\"b\""), "got: %s",
                  err);
        cr_assert_null(load("c.json", "{\"name\":5,\"config\":{}}"));
}

Test(connector_file, json_errors)
{
        char path[600];

        snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
        cr_assert_null(
                load("bad.json", "{\n  \"a\": \"b\",\n  \"c\": oops\n}"));
        cr_assert(strstr(err, path), "names the file: %s", err);
        cr_assert(strstr(err, "line 3"), "names the line: %s", err);

        cr_assert_null(load("bad.json", "[1,2]"));
        cr_assert(strstr(err, "object"), "got: %s", err);
        cr_assert_null(load("bad.json", "{\"a\":{\"nested\":1}}"));
        cr_assert(strstr(err, "'a'"), "names the key: %s", err);
        cr_assert_null(load("bad.json", "{\"a\":null}"));
        cr_assert(strstr(err, "'a'"), "names the key: %s", err);
        cr_assert_null(load("bad.json", "{\"config\":{\"x\":[1]}}"));
        cr_assert(strstr(err, "'x'"), "names the key: %s", err);
        cr_assert_null(load("bad.json", "{\"a\":\"1\",\"a\":\"2\"}"));
        cr_assert(strstr(err, "duplicate"), "got: %s", err);

        snprintf(path, sizeof(path), "%s/none.json", tmpdir);
        cr_assert_null(connector_file_load(path, err, sizeof(err)));
        cr_assert(strstr(err, path), "names the file: %s", err);
}

Test(connector_file, properties)
{
        assert_map(load("c.properties",
                        "name=local-file-source\n"
                        "connector.class=FileStreamSource\n"
                        "tasks.max=1\nfile=test.txt\ntopic=connect-test\n"),
                   "{\"connector.class\":\"FileStreamSource\","
                   "\"file\":\"test.txt\",\"name\":\"local-file-source\","
                   "\"tasks.max\":\"1\",\"topic\":\"connect-test\"}");
        /* Any other extension is properties too. */
        assert_map(load("c.conf", "a: b\n"), "{\"a\":\"b\"}");
}

/* ---- worker config ------------------------------------------------------- */

static json_t *wprops(const char *text)
{
        json_t *p = props_parse_string(text, err, sizeof(err));

        cr_assert_not_null(p, "%s", err);
        return p;
}

static void assert_check_ok(const char *text)
{
        json_t *p = wprops(text);

        cr_assert_eq(worker_config_check(p, err, sizeof(err)), 0,
                     "input '%s': %s", text, err);
        json_decref(p);
}

static void assert_check_error(const char *text, const char *expected)
{
        json_t *p = wprops(text);

        cr_assert_eq(worker_config_check(p, err, sizeof(err)), -1,
                     "expected an error for '%s'", text);
        cr_assert_str_eq(err, expected);
        json_decref(p);
}

static void assert_check_error_has(const char *text, const char *needle)
{
        json_t *p = wprops(text);

        cr_assert_eq(worker_config_check(p, err, sizeof(err)), -1,
                     "expected an error for '%s'", text);
        cr_assert(strstr(err, needle), "error '%s' lacks '%s'", err, needle);
        json_decref(p);
}

Test(worker, connect_standalone_example_passes)
{
        /* Kafka's config/connect-standalone.properties, as users have it. */
        assert_check_ok(
                "bootstrap.servers=localhost:9092\n"
                "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                "key.converter.schemas.enable=true\n"
                "value.converter.schemas.enable=true\n"
                "offset.storage.file.filename=/tmp/connect.offsets\n"
                "offset.flush.interval.ms=10000\n"
                "#listeners=HTTP://:8083\n"
                "plugin.path=/usr/share/java\n");
}

Test(worker, table_defaults_pass_their_own_checks)
{
        size_t n, i, j;
        const wc_def_t *defs = wc_defs(&n);
        json_t *p = json_object();

        cr_assert_gt(n, 30);
        for (i = 0; i < n; i++) {
                cr_assert_not_null(defs[i].name);
                cr_assert(defs[i].doc && *defs[i].doc, "%s has no doc",
                          defs[i].name);
                cr_assert_neq(strcmp(wc_type_name(defs[i].type), "UNKNOWN"),
                              0);
                cr_assert_eq(wc_def_find(defs[i].name), &defs[i]);
                for (j = i + 1; j < n; j++)
                        cr_assert_neq(strcmp(defs[i].name, defs[j].name), 0,
                                      "duplicate row %s", defs[i].name);
                if (defs[i].default_value)
                        json_object_set_new(p, defs[i].name,
                                            json_string(
                                                    defs[i].default_value));
        }
        cr_assert_eq(worker_config_check(p, err, sizeof(err)), 0, "%s", err);
        json_decref(p);
        cr_assert_null(wc_def_find("no.such.key"));
        cr_assert_null(wc_def_find(NULL));
}

Test(worker, table_has_the_documented_defaults)
{
        static const char *const expect[][2] = {
                {"listeners", "http://127.0.0.1:8083"},
                {"key.converter",
                 "org.apache.kafka.connect.json.JsonConverter"},
                {"value.converter",
                 "org.apache.kafka.connect.json.JsonConverter"},
                {"offset.flush.interval.ms", "10000"},
                {"offset.flush.timeout.ms", "5000"},
                {"task.shutdown.graceful.timeout.ms", "5000"},
                {"storage.path", "connectd.db"},
                {"connector.client.config.override.policy", "All"},
                {"rest.request.max.bytes", "1048576"},
                {"log.level", "INFO"},
                {"log.format", "plain"},
                {"log.file.max.bytes", "10485760"},
                {"log.file.retention.count", "5"},
                {"log.s3.region", "us-east-1"},
                {"log.s3.prefix", "connectd/"},
                {"log.s3.buffer.max.bytes", "16777216"},
                {"log.s3.retry.backoff.max.ms", "30000"},
        };
        size_t i;

        for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
                cr_assert_str_eq(wc_get(NULL, expect[i][0]), expect[i][1],
                                 "%s", expect[i][0]);
        cr_assert_null(wc_get(NULL, "bootstrap.servers"));
        cr_assert_eq(wc_def_find("log.s3.secret.access.key")->type,
                     WC_TYPE_PASSWORD);
        cr_assert_eq(wc_def_find("log.s3.session.token")->type,
                     WC_TYPE_PASSWORD);
        cr_assert_str_eq(wc_type_name(WC_TYPE_BOOLEAN), "BOOLEAN");
}

Test(worker, unknown_keys)
{
        assert_check_error("bootstrap.servers=x\nbogus.key=1\n",
                           "Unknown worker configuration 'bogus.key'");
        /* A prefix alone is not a key. */
        assert_check_error("producer.=1\n",
                           "Unknown worker configuration 'producer.'");
        assert_check_error("log.bogus=1\n",
                           "Unknown worker configuration 'log.bogus'");
}

Test(worker, prefixes_pass_through)
{
        const char *const *pre = wc_prefixes();
        size_t n = 0;

        assert_check_ok("producer.acks=all\nconsumer.max.poll.records=5\n"
                        "admin.security.protocol=SSL\n"
                        "key.converter.foo=bar\nvalue.converter.x=y\n"
                        "header.converter.z=w\n"
                        "log.logger.connectd.rest=DEBUG\n");
        while (pre[n])
                n++;
        cr_assert_eq(n, 10);
        cr_assert_str_eq(pre[0], "producer.");
        /* The internal topics' own topic configs (distributed mode). */
        assert_check_ok("config.storage.segment.bytes=1048576\n"
                        "offset.storage.min.insync.replicas=2\n"
                        "status.storage.retention.ms=-1\n");
}

Test(worker, numbers)
{
        assert_check_error("rest.advertised.port=abc\n",
                           "Invalid value abc for configuration "
                           "rest.advertised.port: Not a number of type INT");
        assert_check_error("rest.advertised.port=80x\n",
                           "Invalid value 80x for configuration "
                           "rest.advertised.port: Not a number of type INT");
        assert_check_error("log.file.retention.count=99999999999\n",
                           "Invalid value 99999999999 for configuration "
                           "log.file.retention.count: Not a number of type "
                           "INT");
        assert_check_error("offset.flush.interval.ms=10s\n",
                           "Invalid value 10s for configuration "
                           "offset.flush.interval.ms: Not a number of type "
                           "LONG");
        assert_check_error("offset.flush.interval.ms=\n",
                           "Invalid value  for configuration "
                           "offset.flush.interval.ms: Not a number of type "
                           "LONG");
        assert_check_error("offset.flush.interval.ms=99999999999999999999\n",
                           "Invalid value 99999999999999999999 for "
                           "configuration offset.flush.interval.ms: Not a "
                           "number of type LONG");
        assert_check_error("offset.flush.interval.ms=0x10\n",
                           "Invalid value 0x10 for configuration "
                           "offset.flush.interval.ms: Not a number of type "
                           "LONG");
        assert_check_error("log.s3.timeout.ms=0\n",
                           "Invalid value 0 for configuration "
                           "log.s3.timeout.ms: Value must be at least 1");
        assert_check_error("log.file.max.bytes=-1\n",
                           "Invalid value -1 for configuration "
                           "log.file.max.bytes: Value must be at least 0");
        /* Java trims numbers; trailing blanks survive .properties. */
        assert_check_ok("offset.flush.interval.ms=250  \n"
                        "rest.advertised.port=+8083\n");
}

Test(worker, booleans)
{
        assert_check_error("topic.tracking.enable=yes\n",
                           "Invalid value yes for configuration "
                           "topic.tracking.enable: Expected value to be "
                           "either true or false");
        assert_check_error("log.stderr.enable=1\n",
                           "Invalid value 1 for configuration "
                           "log.stderr.enable: Expected value to be either "
                           "true or false");
        assert_check_ok("topic.tracking.enable=TRUE\nlog.s3.path.style=False\n"
                        "key.converter.schemas.enable=false \n");
}

Test(worker, log_format_and_level)
{
        assert_check_error("log.format=xml\n",
                           "Invalid value xml for configuration log.format: "
                           "String must be one of: plain, json");
        assert_check_ok("log.format=json\n");
        assert_check_ok("log.level=debug\n");
        assert_check_error_has("log.level=LOUD\n",
                               "Invalid value LOUD for configuration "
                               "log.level");
}

Test(worker, listeners)
{
        assert_check_ok("listeners=http://127.0.0.1:8083\n");
        assert_check_ok("listeners=HTTP://:8083\n");
        assert_check_ok("listeners=http://0.0.0.0:0\n");
        assert_check_ok("listeners=http://[::1]:8083\n");
        assert_check_ok("listeners=http://localhost:8083 \n");
        assert_check_ok("listeners=https://0.0.0.0:8443\n");
        assert_check_ok("listeners=http://a:1, https://b:2\n");
        assert_check_error_has("listeners=http://a:1,http://b:2,http://c:3,"
                               "http://d:4,http://e:5\n",
                               "at most 4 listeners");
        assert_check_error_has("listeners=http://a:1,\n", "protocol://hostname:port");
        assert_check_error_has("listeners=https://a\n", "http://HOST:PORT");
        assert_check_error_has("ssl.client.auth=maybe\n",
                               "none, requested, required");
        assert_check_error_has("listeners.https.ssl.keystore.type=JKS\n",
                               "only PEM");
        assert_check_ok("ssl.enabled.protocols=TLSv1.3\n");
        assert_check_ok("listeners.https.ssl.enabled.protocols=TLSv1.2, "
                        "TLSv1.3\n");
        assert_check_error_has("ssl.enabled.protocols=TLSv1.1\n",
                               "TLSv1.2 and TLSv1.3");
        assert_check_error_has("ssl.enabled.protocols=\n",
                               "no protocol");
        assert_check_error_has("listeners=http://localhost\n",
                               "http://HOST:PORT");
        assert_check_error_has("listeners=http://localhost:\n",
                               "http://HOST:PORT");
        assert_check_error_has("listeners=http://localhost:99999\n",
                               "between 0 and 65535");
        assert_check_error_has("listeners=http://localhost:-1\n",
                               "between 0 and 65535");
        assert_check_error_has("listeners=http://localhost:80/x\n",
                               "between 0 and 65535");
        assert_check_error("listeners=localhost:8083\n",
                           "Invalid value localhost:8083 for configuration "
                           "listeners: Listener doesn't have the right "
                           "format (protocol://hostname:port).");
        assert_check_error_has("listeners=http://[::1:8083\n",
                               "http://HOST:PORT");
}

/* Only http and https are listener protocols (any case, as RestServer
 * lower-cases them); anything else names the key and the rule. */
Test(worker, listener_schemes)
{
        assert_check_error("listeners=ftp://h:1\n",
                           "Invalid value ftp://h:1 for configuration "
                           "listeners: Listener protocol must be either "
                           "\"http\" or \"https\".");
        assert_check_error_has("listeners=httpx://127.0.0.1:8083\n",
                               "Listener protocol must be either");
        assert_check_error_has("listeners=ws://127.0.0.1:8083\n",
                               "Listener protocol must be either");
        assert_check_error_has("listeners=://127.0.0.1:8083\n",
                               "protocol://hostname:port");
        assert_check_ok("listeners=Http://127.0.0.1:0\n");
}

/* key.converter=java.lang.String and friends: a class that is not a
 * Converter we have is an error naming the key, as in Connect. */
Test(worker, converters_must_be_known)
{
        assert_check_error("key.converter=java.lang.String\n",
                           "Invalid value java.lang.String for "
                           "configuration key.converter: Class "
                           "java.lang.String could not be found.");
        assert_check_error("value.converter=com.example.AvroConverter\n",
                           "Invalid value com.example.AvroConverter for "
                           "configuration value.converter: Class "
                           "com.example.AvroConverter could not be found.");
        assert_check_error_has("header.converter=java.lang.Object\n",
                               "configuration header.converter: Class "
                               "java.lang.Object could not be found.");
        assert_check_error_has("key.converter=\n",
                               "configuration key.converter");
        assert_check_ok("key.converter=org.apache.kafka.connect.storage."
                        "StringConverter\n"
                        "value.converter=ByteArrayConverter  \n"
                        "header.converter=org.apache.kafka.connect.storage."
                        "SimpleHeaderConverter\n");
        assert_check_ok("header.converter=JsonConverter\n");
}

Test(worker, override_policy_must_be_known)
{
        json_t *p;

        assert_check_error_has("connector.client.config.override.policy="
                               "Bogus\n",
                               "Invalid value Bogus for configuration "
                               "connector.client.config.override.policy: ");
        assert_check_error_has("connector.client.config.override.policy=\n",
                               "connector.client.config.override.policy");
        assert_check_ok("connector.client.config.override.policy=None\n");
        assert_check_ok("connector.client.config.override.policy=principal\n");
        assert_check_ok("connector.client.config.override.policy="
                        "org.apache.kafka.connect.connector.policy."
                        "AllConnectorClientConfigOverridePolicy\n");
        assert_check_ok("connector.client.config.override.policy="
                        "NoneConnectorClientConfigOverridePolicy\n");
        p = wprops("connector.client.config.override.policy="
                   "org.apache.kafka.connect.connector.policy."
                   "PrincipalConnectorClientConfigOverridePolicy\n");
        cr_assert_str_eq(wc_override_policy(p), "Principal");
        json_decref(p);
        p = wprops("connector.client.config.override.policy=all\n");
        cr_assert_str_eq(wc_override_policy(p), "All");
        json_decref(p);
        cr_assert_str_eq(wc_override_policy(NULL), "All");
}

/* An empty bootstrap.servers is a mistake, not a request for the embedded
 * cluster (that is what leaving the key out means). */
Test(worker, bootstrap_servers_not_empty)
{
        assert_check_error("bootstrap.servers=\n",
                           "Invalid value  for configuration "
                           "bootstrap.servers: no broker given "
                           "(host:port,...); leave bootstrap.servers out to "
                           "use the embedded cluster");
        assert_check_error_has("bootstrap.servers=  \n",
                               "configuration bootstrap.servers");
        assert_check_error_has("bootstrap.servers= , ,\n",
                               "configuration bootstrap.servers");
        assert_check_ok("bootstrap.servers=localhost:9092,\n");
}

Test(worker, values_must_be_strings)
{
        json_t *p = json_pack("{s:i}", "offset.flush.interval.ms", 5);

        cr_assert_eq(worker_config_check(p, err, sizeof(err)), -1);
        cr_assert(strstr(err, "offset.flush.interval.ms"), "got: %s", err);
        json_decref(p);
        p = json_pack("{s:i}", "producer.acks", 1);
        cr_assert_eq(worker_config_check(p, err, sizeof(err)), -1);
        json_decref(p);
        cr_assert_eq(worker_config_check(NULL, err, sizeof(err)), -1);
}

Test(worker, getters)
{
        json_t *p = wprops("offset.flush.interval.ms= 250 \n"
                           "topic.tracking.enable=FALSE\n"
                           "producer.acks=all\nstorage.path=/var/lib/x.db\n");

        cr_assert_str_eq(wc_get(p, "storage.path"), "/var/lib/x.db");
        cr_assert_str_eq(wc_get(p, "producer.acks"), "all");
        cr_assert_str_eq(wc_get(p, "log.format"), "plain");
        cr_assert_null(wc_get(p, "log.file.path"));
        cr_assert_null(wc_get(p, "consumer.unset"));

        cr_assert_eq(wc_get_ll(p, "offset.flush.interval.ms"), 250);
        cr_assert_eq(wc_get_ll(p, "offset.flush.timeout.ms"), 5000);
        cr_assert_eq(wc_get_ll(NULL, "log.s3.buffer.max.bytes"), 16777216);
        cr_assert_eq(wc_get_ll(p, "rest.advertised.port"), 0);

        cr_assert_eq(wc_get_bool(p, "topic.tracking.enable"), 0);
        cr_assert_eq(wc_get_bool(p, "topic.tracking.allow.reset"), 1);
        cr_assert_eq(wc_get_bool(NULL, "log.s3.path.style"), 1);
        cr_assert_eq(wc_get_bool(p, "no.such.bool"), 0);
        json_decref(p);
}

/* Kafka's config/connect-distributed.properties, as users have it. */
Test(worker, connect_distributed_example_passes)
{
        assert_check_ok(
                "bootstrap.servers=localhost:9092\n"
                "group.id=connect-cluster\n"
                "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                "key.converter.schemas.enable=true\n"
                "value.converter.schemas.enable=true\n"
                "offset.storage.topic=connect-offsets\n"
                "offset.storage.replication.factor=1\n"
                "#offset.storage.partitions=25\n"
                "config.storage.topic=connect-configs\n"
                "config.storage.replication.factor=1\n"
                "status.storage.topic=connect-status\n"
                "status.storage.replication.factor=1\n"
                "#status.storage.partitions=5\n"
                "offset.flush.interval.ms=10000\n"
                "#listeners=HTTP://:8083\n"
                "plugin.path=/usr/share/java\n"
                /* Topic configs of the internal topics pass through. */
                "offset.storage.min.insync.replicas=1\n");
}

Test(worker, distributed_keys_have_connects_defaults)
{
        static const char *const expect[][2] = {
                {"session.timeout.ms", "10000"},
                {"heartbeat.interval.ms", "3000"},
                {"rebalance.timeout.ms", "60000"},
                {"scheduled.rebalance.max.delay.ms", "300000"},
                {"worker.sync.timeout.ms", "3000"},
                {"worker.unsync.backoff.ms", "300000"},
                {"connect.protocol", "sessioned"},
                {"exactly.once.source.support", "disabled"},
                {"inter.worker.key.ttl.ms", "3600000"},
                {"inter.worker.key.generation.algorithm", "HmacSHA256"},
                {"inter.worker.signature.algorithm", "HmacSHA256"},
                {"inter.worker.verification.algorithms", "HmacSHA256"},
                {"offset.storage.partitions", "25"},
                {"status.storage.partitions", "5"},
                {"config.storage.replication.factor", "3"},
                {"offset.storage.replication.factor", "3"},
                {"status.storage.replication.factor", "3"},
                {"coordination.storage.partitions", "32"},
        };
        size_t i;

        for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
                cr_assert_str_eq(wc_get(NULL, expect[i][0]), expect[i][1],
                                 "%s", expect[i][0]);
        cr_assert_null(wc_get(NULL, "group.id"));
        cr_assert_null(wc_get(NULL, "config.storage.topic"));
        cr_assert_null(wc_get(NULL, "rest.advertised.host.name"));
}

/* A default is not a setting: scheduled.rebalance.max.delay.ms counts
 * only when the user wrote it. */
Test(worker, is_set_tells_a_setting_from_a_default)
{
        json_t *p = wprops("scheduled.rebalance.max.delay.ms=0\n");

        cr_assert(wc_is_set(p, "scheduled.rebalance.max.delay.ms"));
        cr_assert_eq(wc_get_ll(p, "scheduled.rebalance.max.delay.ms"), 0);
        cr_assert_not(wc_is_set(p, "session.timeout.ms"));
        cr_assert_eq(wc_get_ll(p, "session.timeout.ms"), 10000);
        cr_assert_not(wc_is_distributed(p));
        json_decref(p);
}

Test(worker, coordination_topic_name)
{
        char buf[256];
        json_t *p = wprops("group.id=blue\n");

        wc_coordination_topic(p, buf, sizeof(buf));
        cr_assert_str_eq(buf, "connectd-coordination-blue");
        cr_assert(wc_is_distributed(p));
        json_object_set_new(p, "coordination.storage.topic",
                            json_string("coord"));
        wc_coordination_topic(p, buf, sizeof(buf));
        cr_assert_str_eq(buf, "coord");
        json_decref(p);
}

Test(worker, distributed_cross_key_checks)
{
#define TOPICS "group.id=g\nconfig.storage.topic=c\n" \
               "offset.storage.topic=o\nstatus.storage.topic=s\n"
        assert_check_ok(TOPICS);
        assert_check_ok(TOPICS "offset.storage.partitions=-1\n"
                               "status.storage.replication.factor=-1\n"
                               "connect.protocol=EAGER\n"
                               "exactly.once.source.support=DISABLED\n"
                               "inter.worker.verification.algorithms="
                               "hmacsha256\n"
                               "inter.worker.signature.algorithm="
                               "hmacsha256\n");
        assert_check_error_has("group.id=g\n",
                           "Missing required configuration "
                           "\"offset.storage.topic\" which has no default "
                           "value.");
        assert_check_error_has(TOPICS "coordination.storage.topic="
                                  "connectd-coordination-g\n"
                                  "status.storage.topic="
                                  "connectd-coordination-g\n",
                           "must differ from status.storage.topic");
        assert_check_error_has("group.id=g\nconfig.storage.topic="
                           "connectd-coordination-g\noffset.storage.topic=o\n"
                           "status.storage.topic=s\n",
                           "Invalid value connectd-coordination-g for "
                           "configuration coordination.storage.topic: must "
                           "differ from config.storage.topic");
        assert_check_error_has(TOPICS "heartbeat.interval.ms=2999\n"
                                  "session.timeout.ms=2999\n",
                           "heartbeat.interval.ms: must be lower than "
                           "session.timeout.ms (2999)");
        assert_check_error_has(TOPICS "inter.worker.verification.algorithms="
                                  " , \n",
                           "At least one signature verification algorithm "
                           "must be provided");
        /* Standalone: the cross-key rules do not apply. */
        assert_check_ok("heartbeat.interval.ms=60000\n"
                        "config.storage.topic=x\nstatus.storage.topic=x\n");
#undef TOPICS
}

/* Config provider keys: any NAME (dots included), .class and .param.KEY;
 * anything else under config.providers. is unknown. topic.creation.enable
 * is a BOOLEAN. */
Test(worker, config_provider_and_topic_creation_keys)
{
        json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s}", "config.providers",
                              "file,my.vault",
                              "config.providers.file.class", "File",
                              "config.providers.file.param.allowed.paths",
                              "/etc",
                              "config.providers.my.vault.class", "V",
                              "config.providers.my.vault.param.a.b", "c");
        char err[512] = "";

        cr_assert_eq(worker_config_check(p, err, sizeof(err)), 0, "%s", err);
        json_decref(p);
        assert_check_error("config.providers.file.param.=1\n",
                           "Unknown worker configuration "
                           "'config.providers.file.param.'");
        assert_check_error("config.providers.file=1\n",
                           "Unknown worker configuration "
                           "'config.providers.file'");
        assert_check_error("config.providers..class=1\n",
                           "Unknown worker configuration "
                           "'config.providers..class'");
        assert_check_error("topic.creation.enable=maybe\n",
                           "Invalid value maybe for configuration "
                           "topic.creation.enable: Expected value to be "
                           "either true or false");
        p = json_object();
        cr_assert(wc_get_bool(p, "topic.creation.enable"));
        json_decref(p);
}
