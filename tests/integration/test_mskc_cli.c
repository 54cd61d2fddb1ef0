/*
 * Integration: the real AWS CLI (`aws kafkaconnect`, SigV4-signed) drives
 * a worker's MSK Connect API with --endpoint-url, custom plugins and log
 * delivery on s3rver:
 * create a worker configuration and a custom plugin (the example plugin
 * zipped and uploaded), create the bookstore generator connector with
 * both, wait for RUNNING, read its records with kcat, see it on the Connect
 * REST API, update its capacity and configuration with currentVersion,
 * list and describe its operations, find its logs in the bucket, restart
 * the worker (everything is still there), delete it; and the refusals: a
 * JAR plugin, a stale version, an unknown ARN, a wrong secret key.
 *
 * An older CLI (Debian 12's awscli 2.9) lacks some operations and members
 * of the kafkaconnect model. setup asks the installed CLI which it has
 * (its list of operations, --generate-cli-skeleton); a step it cannot
 * express is sent as the same API request, SigV4-signed by curl
 * (--aws-sigv4), and checked the same way. CONNECTD_TEST_AWS_FALLBACK=all
 * sends every such step through curl.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define PBUCKET "mskc-plugins"
#define LBUCKET "mskc-logs"
#define AKID "AKIDCONNECTDTEST"
#define SECRET "connectd-test-secret"

/* The steps an older CLI may not express. */
enum {
        OPT_CREATE_WCFG,   /* CreateWorkerConfiguration's state (response) */
        OPT_CREATE_TAGS,   /* CreateConnector's tags member */
        OPT_UPDATE_CAP,    /* UpdateConnector's operation ARN (response) */
        OPT_UPDATE_CONFIG, /* UpdateConnector's connectorConfiguration */
        OPT_LIST_TAGS,     /* ListTagsForResource */
        OPT_LIST_OPS,      /* ListConnectorOperations */
        OPT_DESCRIBE_OP,   /* DescribeConnectorOperation */
        OPT_DELETE_WCFG,   /* DeleteWorkerConfiguration */
        OPT_N
};

static const struct {
        const char *op;     /* CLI command */
        const char *skel;   /* its arguments printing a skeleton, or NULL */
        const char *member; /* member the skeleton must have */
} opt_probe[OPT_N] = {
        [OPT_CREATE_WCFG] = { "create-worker-configuration",
                              "--name x --properties-file-content eA== "
                              "--generate-cli-skeleton output",
                              "workerConfigurationState" },
        [OPT_CREATE_TAGS] = { "create-connector",
                              "--generate-cli-skeleton input", "tags" },
        [OPT_UPDATE_CAP] = { "update-connector",
                             "--connector-arn x --current-version x "
                             "--capacity 'provisionedCapacity={mcuCount=1,"
                             "workerCount=1}' "
                             "--generate-cli-skeleton output",
                             "connectorOperationArn" },
        [OPT_UPDATE_CONFIG] = { "update-connector",
                                "--generate-cli-skeleton input",
                                "connectorConfiguration" },
        [OPT_LIST_TAGS] = { "list-tags-for-resource", NULL, NULL },
        [OPT_LIST_OPS] = { "list-connector-operations", NULL, NULL },
        [OPT_DESCRIBE_OP] = { "describe-connector-operation", NULL, NULL },
        [OPT_DELETE_WCFG] = { "delete-worker-configuration", NULL, NULL },
};

/* 1: the step goes through curl's SigV4 signer instead of the CLI. */
static int via_curl[OPT_N];

static void probe_cli(void);

static s3srv_t s3;
static char tmp[512];
static worker_t *w;
static ekafka_t *ek;

static int sh(const char *cmd)
{
        int st = system(cmd);

        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *build_dir(void)
{
        const char *d = getenv("CONNECTD_BUILD_DIR");
        return d && *d ? d : ".";
}

static void start_s3rver(void)
{
        static const char *const buckets[] = { PBUCKET, LBUCKET, NULL };

        s3srv_start(&s3, tmp, buckets);
}

static void setup(void)
{
        const char *t = getenv("TMPDIR");

        snprintf(tmp, sizeof(tmp), "%s/connectd-mskccli-XXXXXX",
                 t && *t ? t : "/tmp");
        cr_assert_not_null(mkdtemp(tmp));
        cr_assert_not_null(getenv("CONNECTD_SOURCE_DIR"));
        if (sh("command -v aws >/dev/null 2>&1") != 0)
                cr_skip_test("the AWS CLI (aws) is not installed");
        if (sh("command -v node >/dev/null 2>&1 && "
               "command -v npm >/dev/null 2>&1 && "
               "command -v python3 >/dev/null 2>&1") != 0)
                cr_skip_test("node/npm/python3 not installed");
        {
                char probe_cmd[1024];

                /* Custom plugins, worker configurations and log delivery are
                 * their own modules with their own worker keys: a build without
                 * them cannot run this test. */
                snprintf(probe_cmd, sizeof(probe_cmd), "'%s' --worker-config-reference | "
                         "grep -q mskconnect.s3.endpoint", getenv("CONNECTD_BIN"));
                if (sh(probe_cmd) != 0)
                        cr_skip_test("custom plugins are not built in this build");
        }
        probe_cli();
        start_s3rver();
}

static void teardown(void)
{
        char cmd[700];

        if (w)
                worker_free(w);
        w = NULL;
        if (ek)
                ekafka_stop(ek);
        ek = NULL;
        s3srv_stop(&s3);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        if (sh(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmp);
}

TestSuite(mskc_cli, .init = setup, .fini = teardown, .timeout = 400);

/* ------------------------------------------------------------- the CLI */

typedef struct run {
        int rc;
        char *out;
        char *err;
        json_t *json;
} run_t;

static void run_free(run_t *r)
{
        free(r->out);
        free(r->err);
        json_decref(r->json);
        memset(r, 0, sizeof(*r));
}

/* Runs `aws ARGS` (a shell fragment) with the given credentials and no
 * user configuration. */
static run_t aws_as(const char *akid, const char *secret, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));

static run_t aws_as(const char *akid, const char *secret, const char *fmt,
                    ...)
{
        char args[8192], cmd[10000], op[700], ep[700];
        va_list ap;
        run_t r = { 0 };

        va_start(ap, fmt);
        vsnprintf(args, sizeof(args), fmt, ap);
        va_end(ap);
        snprintf(op, sizeof(op), "%s/aws.out", tmp);
        snprintf(ep, sizeof(ep), "%s/aws.err", tmp);
        snprintf(cmd, sizeof(cmd),
                 "env AWS_ACCESS_KEY_ID='%s' AWS_SECRET_ACCESS_KEY='%s' "
                 "AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 "
                 "AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE="
                 "/dev/null AWS_EC2_METADATA_DISABLED=true AWS_PAGER= "
                 "AWS_MAX_ATTEMPTS=1 aws --output json %s >'%s' 2>'%s'",
                 akid, secret, args, op, ep);
        r.rc = sh(cmd);
        r.out = slurp(op);
        r.err = slurp(ep);
        if (!r.out)
                r.out = strdup("");
        if (!r.err)
                r.err = strdup("");
        r.json = json_loads(r.out, 0, NULL);
        return r;
}

#define KC(...) aws_as(AKID, SECRET, "kafkaconnect --endpoint-url '%s' " \
                       FIRST(__VA_ARGS__), w->url REST(__VA_ARGS__))
#define FIRST(a, ...) a
#define REST(a, ...) , ##__VA_ARGS__

/* kafkaconnect call that must succeed; returns its JSON (owned). */
static json_t *kc_ok(run_t r)
{
        json_t *j;

        cr_assert_eq(r.rc, 0, "aws failed (%d): %s", r.rc, r.err);
        j = json_incref(r.json);
        if (!j)
                j = json_object();
        run_free(&r);
        return j;
}

/* kafkaconnect call that must fail with error code `code`. */
static void kc_fails(run_t r, const char *code, const char *msg_part)
{
        char want[128];

        snprintf(want, sizeof(want), "(%s)", code);
        cr_assert_neq(r.rc, 0, "aws succeeded: %s", r.out);
        cr_assert(strstr(r.err, want), "want %s, got: %s", code, r.err);
        if (msg_part)
                cr_assert(strstr(r.err, msg_part), "want '%s' in: %s",
                          msg_part, r.err);
        run_free(&r);
}

static const char *jstr(const json_t *j, const char *path);

/* 1 if `op` is one of the operations the CLI's usage error lists. */
static int cli_has_op(const char *usage, const char *op)
{
        const char *p = usage ? strstr(usage, "valid choices are:") : NULL;
        size_t n = strlen(op);

        if (!p)
                return 0;
        for (p += 18; *p; p += strcspn(p, " \t\r\n|")) {
                p += strspn(p, " \t\r\n|");
                if (!strncmp(p, op, n) && strchr(" \t\r\n|", p[n]))
                        return 1;
        }
        return 0;
}

/* Asks the installed CLI, once, which optional steps it can express: an
 * unknown operation makes it list the operations its model has, and
 * --generate-cli-skeleton prints a request's or a response's members
 * (an older model drops response members it does not know). The probes
 * run at once: each start of the CLI takes a second or more. */
static void probe_cli(void)
{
        const char *force = getenv("CONNECTD_TEST_AWS_FALLBACK");
        int all = force && !strcmp(force, "all");
        char cmd[8000], p[700], used[700] = "";
        char *ops = NULL;
        size_t i, o = 0;

#define PROBE_ENV "env AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x " \
        "AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null " \
        "AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER= aws kafkaconnect "
        o += (size_t)snprintf(cmd + o, sizeof(cmd) - o, PROBE_ENV
                              "connectd-no-such-operation >'%s/probe' 2>&1 & ",
                              tmp);
        for (i = 0; i < OPT_N; i++)
                if (opt_probe[i].skel)
                        o += (size_t)snprintf(cmd + o, sizeof(cmd) - o,
                                              PROBE_ENV "%s %s >'%s/probe%zu' "
                                              "2>/dev/null & ",
                                              opt_probe[i].op,
                                              opt_probe[i].skel, tmp, i);
#undef PROBE_ENV
        cr_assert_lt(o + 5, sizeof(cmd));
        strcat(cmd, "wait");
        if (!all) {
                (void)sh(cmd);
                snprintf(p, sizeof(p), "%s/probe", tmp);
                ops = slurp(p);
                cr_assert(cli_has_op(ops, "create-connector"),
                          "cannot read the CLI's kafkaconnect operations: %s",
                          ops ? ops : "(no output)");
        }
        for (i = 0; i < OPT_N; i++) {
                via_curl[i] = all || !cli_has_op(ops, opt_probe[i].op);
                if (!via_curl[i] && opt_probe[i].skel) {
                        json_t *sk;

                        snprintf(p, sizeof(p), "%s/probe%zu", tmp, i);
                        sk = json_load_file(p, 0, NULL);
                        via_curl[i] = !json_object_get(sk,
                                                       opt_probe[i].member);
                        json_decref(sk);
                }
                if (via_curl[i])
                        snprintf(used + strlen(used), sizeof(used) -
                                 strlen(used), " %s%s%s;", opt_probe[i].op,
                                 opt_probe[i].member ? " " : "",
                                 opt_probe[i].member ? opt_probe[i].member
                                                     : "");
        }
        free(ops);
        if (*used)
                fprintf(stderr, "test_mskc_cli: sent through curl --aws-sigv4 "
                        "(%s):%s\n", all ? "CONNECTD_TEST_AWS_FALLBACK=all"
                        : "the installed aws CLI does not have them", used);
}

/* Percent-encodes an ARN for a URI label (all but unreserved). */
static void uri_label(char *dst, size_t n, const char *arn)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t o = 0;

        for (; *arn && o + 4 < n; arn++) {
                unsigned char c = (unsigned char)*arn;

                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || strchr("-._~", c)) {
                        dst[o++] = (char)c;
                } else {
                        dst[o++] = '%';
                        dst[o++] = hex[c >> 4];
                        dst[o++] = hex[c & 15];
                }
        }
        dst[o] = '\0';
        cr_assert(!*arn, "ARN too long for a URI: %s", arn);
}

/* Sends the API request METHOD PATH (body from the file `body`, or none)
 * SigV4-signed by curl with the worker's keys, and returns it the way
 * aws_as would: rc 0 and the JSON for a 2xx, otherwise rc 254 and the
 * CLI's error line "An error occurred (<x-amzn-ErrorType>) ...: message". */
static run_t kc_curl(const char *method, const char *path, const char *body)
{
        char cmd[5000], op[700], hp[700], bodyarg[800] = "", signpath[1500];
        size_t i, o = 0;
        int inq = 0;
        char *hdrs, *line, *save = NULL, type[128] = "";
        run_t r = { 0 };
        int code = 0;
        FILE *f;

        snprintf(op, sizeof(op), "%s/curl.out", tmp);
        snprintf(hp, sizeof(hp), "%s/curl.hdr", tmp);
        if (body)
                snprintf(bodyarg, sizeof(bodyarg), "--data-binary '@%s'",
                         body);
        /* SigV4's canonical URI is the path percent-encoded once more
         * (%3A -> %253A). curl's signer signs its URL's path as it is, so
         * the URL carries that form and --request-target sends the path. */
        for (i = 0; path[i] && o + 4 < sizeof(signpath); i++) {
                if (path[i] == '?')
                        inq = 1;
                signpath[o++] = path[i];
                if (path[i] == '%' && !inq) {
                        signpath[o++] = '2';
                        signpath[o++] = '5';
                }
        }
        signpath[o] = '\0';
        cr_assert(!path[i], "path too long: %s", path);
        snprintf(cmd, sizeof(cmd),
                 "curl -sS --max-time 30 -o '%s' -D '%s' -w '%%{http_code}' "
                 "--aws-sigv4 'aws:amz:us-east-1:kafkaconnect' "
                 "--user '" AKID ":" SECRET "' "
                 "-H 'Content-Type: application/json' -X %s %s "
                 "--request-target '%s' '%s%s' >'%s/curl.code'", op, hp,
                 method, bodyarg, path, w->url, signpath, tmp);
        cr_assert_eq(sh(cmd), 0, "curl failed: %s", cmd);
        snprintf(cmd, sizeof(cmd), "%s/curl.code", tmp);
        f = fopen(cmd, "r");
        cr_assert_not_null(f);
        cr_assert_eq(fscanf(f, "%d", &code), 1);
        fclose(f);
        r.out = slurp(op);
        if (!r.out)
                r.out = strdup("");
        r.json = json_loads(r.out, 0, NULL);
        hdrs = slurp(hp);
        cr_assert_not_null(hdrs);
        for (line = strtok_r(hdrs, "\r\n", &save); line;
             line = strtok_r(NULL, "\r\n", &save))
                if (!strncasecmp(line, "x-amzn-ErrorType:", 17))
                        sscanf(line + 17, " %127[^: \t]", type);
        free(hdrs);
        if (code >= 200 && code < 300) {
                r.rc = 0;
                r.err = strdup("");
        } else {
                const char *m = r.json ? jstr(r.json, "message") : NULL;

                r.rc = 254;
                cr_assert(asprintf(&r.err, "An error occurred (%s) when "
                                   "calling %s %s (HTTP %d): %s", type,
                                   method, path, code,
                                   m ? m : r.out) > 0);
        }
        return r;
}

/* PUT /v1/connectors/{enc}?currentVersion={ver} with the body in a file:
 * update-connector through curl. */
static run_t kc_curl_update(const char *enc, const char *ver,
                            const char *body_path)
{
        char uri[700];

        snprintf(uri, sizeof(uri), "/v1/connectors/%s?currentVersion=%s",
                 enc, ver);
        return kc_curl("PUT", uri, body_path);
}

static const char *jstr(const json_t *j, const char *path)
{
        char buf[256], *save = NULL, *k;
        const json_t *c = j;

        snprintf(buf, sizeof(buf), "%s", path);
        for (k = strtok_r(buf, ".", &save); k && c;
             k = strtok_r(NULL, ".", &save))
                c = json_object_get(c, k);
        return json_string_value(c);
}

static long long jint(const json_t *j, const char *path)
{
        char buf[256], *save = NULL, *k;
        const json_t *c = j;

        snprintf(buf, sizeof(buf), "%s", path);
        for (k = strtok_r(buf, ".", &save); k && c;
             k = strtok_r(NULL, ".", &save))
                c = json_object_get(c, k);
        return json_integer_value(c);
}

typedef struct wait_arg {
        const char *cmd;     /* describe-xxx --yyy-arn */
        const char *arn;
        const char *member;  /* state member */
        const char *want;
        char last[128];
} wait_arg_t;

static int state_is(void *p)
{
        wait_arg_t *a = p;
        run_t r = KC("%s '%s'", a->cmd, a->arn);
        const char *s = r.json ? jstr(r.json, a->member) : NULL;
        int ok = s && !strcmp(s, a->want);

        snprintf(a->last, sizeof(a->last), "%s", s ? s : r.err);
        run_free(&r);
        return ok;
}

static void wait_state(const char *cmd, const char *arn, const char *member,
                       const char *want, int ms)
{
        wait_arg_t a = { cmd, arn, member, want, "" };

        cr_assert(wait_until(state_is, &a, ms), "%s %s: %s stays %s, want %s",
                  cmd, arn, member, a.last, want);
}

static void s3_put(const char *bucket, const char *key, const char *file)
{
        run_t r = aws_as("S3RVER", "S3RVER",
                         "s3api put-object --endpoint-url "
                         "http://127.0.0.1:%d --bucket %s --key %s --body "
                         "'%s'", s3.port, bucket, key, file);

        cr_assert_eq(r.rc, 0, "put-object: %s", r.err);
        run_free(&r);
}

static int logs_arrived(void *p)
{
        run_t r = aws_as("S3RVER", "S3RVER",
                         "s3api list-objects-v2 --endpoint-url "
                         "http://127.0.0.1:%d --bucket %s --prefix "
                         "connectd-logs/", s3.port, LBUCKET);
        int ok = r.json && json_array_size(json_object_get(r.json,
                                                           "Contents")) > 0;

        (void)p;
        run_free(&r);
        return ok;
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");

        cr_assert_not_null(f);
        fputs(text, f);
        fclose(f);
}

#define BOOKSTORE_CONFIG \
        "\"connector.class\": " \
        "\"com.amazonaws.mskdatagen.GeneratorSourceConnector\"," \
        "\"tasks.max\": \"1\"," \
        "\"genkp.bookstore.with\": \"#{Internet.uuid}\"," \
        "\"genv.bookstore.name.with\": \"#{Company.name}\"," \
        "\"genv.bookstore.city.with\": \"#{Address.city}\"," \
        "\"global.history.records.max\": \"1000\""

Test(mskc_cli, lifecycle)
{
        char props[2048], path[700], cmd[1500], so[600], body[8192];
        char uri[1024], enc[700];
        json_t *j, *ops;
        char *wcarn, *plarn, *jararn, *carn, *ver, *oparn, *recs;
        const char *b64 = "a2V5LmNvbnZlcnRlcj1vcmcuYXBhY2hlLmthZmthLmNvbm5lY3"
                          "Quc3RvcmFnZS5TdHJpbmdDb252ZXJ0ZXIKdmFsdWUuY29udmVy"
                          "dGVyPW9yZy5hcGFjaGUua2Fma2EuY29ubmVjdC5qc29uLkpzb2"
                          "5Db252ZXJ0ZXIKdmFsdWUuY29udmVydGVyLnNjaGVtYXMuZW5h"
                          "YmxlPWZhbHNlCg==";
        http_resp_t *hr;

        /* A cluster of its own, so a restarted worker finds it again. */
        ek = ekafka_start();
        snprintf(props, sizeof(props),
                 "bootstrap.servers=%s\n"
                 "mskconnect.access.key.id=" AKID "\n"
                 "mskconnect.secret.access.key=" SECRET "\n"
                 "mskconnect.region=eu-west-1\n"
                 "mskconnect.account.id=111122223333\n"
                 "mskconnect.s3.endpoint=http://127.0.0.1:%d\n"
                 "mskconnect.s3.region=us-east-1\n"
                 "mskconnect.s3.access.key.id=S3RVER\n"
                 "mskconnect.s3.secret.access.key=S3RVER\n"
                 "log.s3.batch.interval.ms=500\n", ek->bootstrap, s3.port);
        w = worker_start(props, NULL);

        /* A worker configuration: the converters of the bookstore. */
        {
                run_t r;

                if (via_curl[OPT_CREATE_WCFG]) {
                        snprintf(body, sizeof(body), "{\"name\": \"converters\","
                                 " \"propertiesFileContent\": \"%s\"}", b64);
                        snprintf(path, sizeof(path), "%s/wcfg.json", tmp);
                        write_file(path, body);
                        r = kc_curl("POST", "/v1/worker-configurations", path);
                } else {
                        r = KC("create-worker-configuration --name converters "
                               "--properties-file-content %s", b64);
                }

                /* Worker configurations and custom plugins are their own
                 * modules (mskc_workercfg, mskc_plugin); a build with
                 * their placeholders cannot run this test. */
                if (r.rc && strstr(r.err, "not built yet")) {
                        run_free(&r);
                        cr_skip_test("worker configurations are not built "
                                     "in this build");
                }
                j = kc_ok(r);
        }
        cr_assert_str_eq(jstr(j, "workerConfigurationState"), "ACTIVE");
        cr_assert_eq(jint(j, "latestRevision.revision"), 1);
        wcarn = strdup(jstr(j, "workerConfigurationArn"));
        cr_assert(!strncmp(wcarn, "arn:aws:kafkaconnect:eu-west-1:"
                           "111122223333:worker-configuration/converters/",
                           75), "%s", wcarn);
        json_decref(j);
        kc_fails(KC("create-worker-configuration --name bad "
                    "--properties-file-content '%%%%'"),
                 "BadRequestException", NULL);

        /* A custom plugin: the example plugin zipped, on s3rver. */
        snprintf(so, sizeof(so), "%s/plugins/sequence_source.so", build_dir());
        snprintf(path, sizeof(path), "%s/seq.zip", tmp);
        snprintf(cmd, sizeof(cmd), "python3 -m zipfile -c '%s' '%s'", path,
                 so);
        cr_assert_eq(sh(cmd), 0, "%s", cmd);
        s3_put(PBUCKET, "plugins/seq.zip", path);
        j = kc_ok(KC("create-custom-plugin --name seq --content-type ZIP "
                     "--location 's3Location={bucketArn=arn:aws:s3:::"
                     PBUCKET ",fileKey=plugins/seq.zip}'"));
        cr_assert_str_eq(jstr(j, "customPluginState"), "CREATING");
        plarn = strdup(jstr(j, "customPluginArn"));
        json_decref(j);
        wait_state("describe-custom-plugin --custom-plugin-arn", plarn,
                   "customPluginState", "ACTIVE", 30000);
        j = kc_ok(KC("describe-custom-plugin --custom-plugin-arn '%s'",
                     plarn));
        cr_assert_gt(jint(j, "latestRevision.fileDescription.fileSize"), 0);
        cr_assert_eq(strlen(jstr(j, "latestRevision.fileDescription.fileMd5")),
                     32);
        json_decref(j);

        /* A JAR plugin is refused with the reason. */
        s3_put(PBUCKET, "plugins/x.jar", path);
        j = kc_ok(KC("create-custom-plugin --name jar --content-type JAR "
                     "--location 's3Location={bucketArn=arn:aws:s3:::"
                     PBUCKET ",fileKey=plugins/x.jar}'"));
        jararn = strdup(jstr(j, "customPluginArn"));
        json_decref(j);
        wait_state("describe-custom-plugin --custom-plugin-arn", jararn,
                   "customPluginState", "CREATE_FAILED", 30000);
        j = kc_ok(KC("describe-custom-plugin --custom-plugin-arn '%s'",
                     jararn));
        cr_assert(strstr(jstr(j, "stateDescription.message"), "Java"), "%s",
                  jstr(j, "stateDescription.message"));
        cr_assert_null(json_object_get(j, "latestRevision"));
        json_decref(j);

        /* The connector: the bookstore generator, built in, with the
         * plugin and the worker configuration, logs to the bucket. */
        snprintf(body, sizeof(body),
                 "{\"connectorName\": \"bookstore\","
                 " \"kafkaConnectVersion\": \"2.7.1\","
                 " \"serviceExecutionRoleArn\": "
                 "\"arn:aws:iam::111122223333:role/connectd\","
                 " \"capacity\": {\"provisionedCapacity\": {\"mcuCount\": 1,"
                 " \"workerCount\": 1}},"
                 " \"connectorConfiguration\": {" BOOKSTORE_CONFIG ","
                 " \"global.throttle.ms\": \"20\"},"
                 " \"kafkaCluster\": {\"apacheKafkaCluster\": "
                 "{\"bootstrapServers\": \"%s\", \"vpc\": {\"subnets\": "
                 "[\"subnet-1\"]}}},"
                 " \"kafkaClusterClientAuthentication\": "
                 "{\"authenticationType\": \"NONE\"},"
                 " \"kafkaClusterEncryptionInTransit\": "
                 "{\"encryptionType\": \"PLAINTEXT\"},"
                 " \"logDelivery\": {\"workerLogDelivery\": {\"s3\": "
                 "{\"enabled\": true, \"bucket\": \"" LBUCKET "\", "
                 "\"prefix\": \"connectd-logs\"}}},"
                 " \"workerConfiguration\": {\"workerConfigurationArn\": "
                 "\"%s\", \"revision\": 1},"
                 " \"plugins\": [{\"customPlugin\": {\"customPluginArn\": "
                 "\"%s\", \"revision\": 1}}],"
                 " \"tags\": {\"team\": \"data\"}}",
                 w->bootstrap, wcarn, plarn);
        snprintf(path, sizeof(path), "%s/create.json", tmp);
        write_file(path, body);
        j = kc_ok(via_curl[OPT_CREATE_TAGS]
                  ? kc_curl("POST", "/v1/connectors", path)
                  : KC("create-connector --cli-input-json 'file://%s'", path));
        cr_assert_str_eq(jstr(j, "connectorState"), "CREATING");
        carn = strdup(jstr(j, "connectorArn"));
        json_decref(j);
        uri_label(enc, sizeof(enc), carn);
        wait_state("describe-connector --connector-arn", carn,
                   "connectorState", "RUNNING", 60000);

        /* Its records, through the worker configuration's converters. */
        recs = kcat_consume(w->bootstrap, "bookstore", 20, NULL, 30000);
        cr_assert_not_null(recs);
        cr_assert(strstr(recs, "\"city\""), "%s", recs);
        free(recs);
        /* A connectd connector: on the Connect REST API too, with the
         * worker configuration's converter applied. */
        hr = http_req(w, "GET", "/connectors/bookstore/config", NULL, NULL);
        cr_assert_eq(hr->status, 200);
        cr_assert_str_eq(json_string_value(json_object_get(hr->json, "value.converter")),
                         "org.apache.kafka.connect.json.JsonConverter");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 hr->json, "producer.override.bootstrap.servers")),
                         w->bootstrap);
        http_resp_free(hr);

        j = kc_ok(KC("describe-connector --connector-arn '%s'", carn));
        ver = strdup(jstr(j, "currentVersion"));
        cr_assert_eq(jint(j, "capacity.provisionedCapacity.workerCount"), 1);
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
                j, "connectorConfiguration"), "tasks.max")), "1");
        json_decref(j);
        snprintf(uri, sizeof(uri), "/v1/tags/%s", enc);
        j = kc_ok(via_curl[OPT_LIST_TAGS]
                  ? kc_curl("GET", uri, NULL)
                  : KC("list-tags-for-resource --resource-arn '%s'", carn));
        cr_assert_str_eq(jstr(j, "tags.team"), "data");
        json_decref(j);

        /* Capacity update with the version; the old version is refused. */
        if (via_curl[OPT_UPDATE_CAP]) {
                snprintf(path, sizeof(path), "%s/cap.json", tmp);
                write_file(path, "{\"capacity\": {\"provisionedCapacity\": "
                                 "{\"mcuCount\": 2, \"workerCount\": 2}}}");
                j = kc_ok(kc_curl_update(enc, ver, path));
        } else {
                j = kc_ok(KC("update-connector --connector-arn '%s' "
                             "--current-version %s --capacity "
                             "'provisionedCapacity={mcuCount=2,"
                             "workerCount=2}'", carn, ver));
        }
        cr_assert_not_null(jstr(j, "connectorOperationArn"));
        json_decref(j);
        kc_fails(KC("update-connector --connector-arn '%s' --current-version "
                    "%s --capacity 'provisionedCapacity={mcuCount=2,"
                    "workerCount=3}'", carn, ver),
                 "BadRequestException", "currentVersion");
        kc_fails(KC("update-connector --connector-arn '%s' --current-version "
                    "%s --capacity 'provisionedCapacity={mcuCount=3,"
                    "workerCount=3}'", carn, ver),
                 "BadRequestException", NULL);
        free(ver);
        j = kc_ok(KC("describe-connector --connector-arn '%s'", carn));
        cr_assert_eq(jint(j, "capacity.provisionedCapacity.workerCount"), 2);
        ver = strdup(jstr(j, "currentVersion"));
        json_decref(j);

        /* Configuration update: UPDATING, then RUNNING again. */
        snprintf(path, sizeof(path), "%s/cfg.json", tmp);
        write_file(path, "{" BOOKSTORE_CONFIG ", \"global.throttle.ms\": "
                         "\"50\"}");
        if (via_curl[OPT_UPDATE_CONFIG]) {
                char bpath[700];

                snprintf(bpath, sizeof(bpath), "%s/update.json", tmp);
                write_file(bpath, "{\"connectorConfiguration\": {"
                                  BOOKSTORE_CONFIG ", \"global.throttle.ms\": "
                                  "\"50\"}}");
                j = kc_ok(kc_curl_update(enc, ver, bpath));
        } else {
                j = kc_ok(KC("update-connector --connector-arn '%s' "
                             "--current-version %s --connector-configuration "
                             "'file://%s'", carn, ver, path));
        }
        cr_assert_str_eq(jstr(j, "connectorState"), "UPDATING");
        oparn = strdup(jstr(j, "connectorOperationArn"));
        json_decref(j);
        free(ver);
        wait_state("describe-connector --connector-arn", carn,
                   "connectorState", "RUNNING", 60000);
        hr = http_req(w, "GET", "/connectors/bookstore/config", NULL, NULL);
        cr_assert_str_eq(json_string_value(json_object_get(hr->json, "global.throttle.ms")), "50");
        http_resp_free(hr);

        /* Its operations. */
        snprintf(uri, sizeof(uri), "/v1/connectors/%s/operations", enc);
        j = kc_ok(via_curl[OPT_LIST_OPS]
                  ? kc_curl("GET", uri, NULL)
                  : KC("list-connector-operations --connector-arn '%s'", carn));
        ops = json_object_get(j, "connectorOperations");
        cr_assert_eq(json_array_size(ops), 2, "%s", json_dumps(j, 0));
        cr_assert_str_eq(jstr(json_array_get(ops, 0),
                              "connectorOperationType"),
                         "UPDATE_CONNECTOR_CONFIGURATION");
        cr_assert_str_eq(jstr(json_array_get(ops, 1),
                              "connectorOperationType"),
                         "UPDATE_WORKER_SETTING");
        json_decref(j);
        snprintf(uri, sizeof(uri), "/v1/connectors/%s/operations?maxResults=1",
                 enc);
        j = kc_ok(via_curl[OPT_LIST_OPS]
                  ? kc_curl("GET", uri, NULL)
                  : KC("list-connector-operations --connector-arn '%s' "
                       "--max-items 1", carn));
        cr_assert_eq(json_array_size(json_object_get(j,
                                                     "connectorOperations")),
                     1);
        json_decref(j);
        uri_label(enc, sizeof(enc), oparn);
        snprintf(uri, sizeof(uri), "/v1/connectorOperations/%s", enc);
        j = kc_ok(via_curl[OPT_DESCRIBE_OP]
                  ? kc_curl("GET", uri, NULL)
                  : KC("describe-connector-operation "
                       "--connector-operation-arn '%s'", oparn));
        cr_assert_str_eq(jstr(j, "connectorOperationState"),
                         "UPDATE_COMPLETE");
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
                j, "targetConnectorConfiguration"), "global.throttle.ms")),
                         "50");
        cr_assert_eq(json_array_size(json_object_get(j, "operationSteps")),
                     4);
        json_decref(j);
        uri_label(enc, sizeof(enc), "arn:aws:kafkaconnect:eu-west-1:"
                  "111122223333:connector-operation/bookstore/0000/0000");
        snprintf(uri, sizeof(uri), "/v1/connectorOperations/%s", enc);
        kc_fails(via_curl[OPT_DESCRIBE_OP]
                 ? kc_curl("GET", uri, NULL)
                 : KC("describe-connector-operation --connector-operation-arn "
                      "'arn:aws:kafkaconnect:eu-west-1:111122223333:"
                      "connector-operation/bookstore/0000/0000'"),
                 "NotFoundException", NULL);

        /* Its log lines in the bucket. */
        cr_assert(wait_until(logs_arrived, NULL, 30000),
                  "no log object under connectd-logs/");

        /* Refusals: unknown ARN, wrong secret, plugin in use. */
        kc_fails(KC("describe-connector --connector-arn "
                    "'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/"
                    "nope/0000'"), "NotFoundException", NULL);
        kc_fails(aws_as(AKID, "wrong-secret", "kafkaconnect --endpoint-url "
                        "'%s' list-connectors", w->url),
                 "InvalidSignatureException", "signature");
        kc_fails(aws_as("AKIDOTHER", SECRET, "kafkaconnect --endpoint-url "
                        "'%s' list-connectors", w->url),
                 "UnrecognizedClientException", NULL);
        kc_fails(KC("delete-custom-plugin --custom-plugin-arn '%s'", plarn),
                 "BadRequestException", "in use");

        /* A restart keeps everything. */
        worker_stop(w);
        worker_restart(w);
        wait_state("describe-connector --connector-arn", carn,
                   "connectorState", "RUNNING", 60000);
        j = kc_ok(KC("list-custom-plugins"));
        cr_assert_eq(json_array_size(json_object_get(j, "customPlugins")), 2);
        json_decref(j);
        j = kc_ok(KC("list-connectors --connector-name-prefix book"));
        cr_assert_eq(json_array_size(json_object_get(j, "connectors")), 1);
        ver = strdup(jstr(json_array_get(json_object_get(j, "connectors"), 0),
                          "currentVersion"));
        json_decref(j);

        /* Delete: a stale version is refused, the right one deletes. */
        kc_fails(KC("delete-connector --connector-arn '%s' --current-version "
                    "WRONG", carn), "BadRequestException", NULL);
        j = kc_ok(KC("delete-connector --connector-arn '%s' --current-version "
                     "%s", carn, ver));
        cr_assert_str_eq(jstr(j, "connectorState"), "DELETING");
        json_decref(j);
        kc_fails(KC("describe-connector --connector-arn '%s'", carn),
                 "NotFoundException", NULL);
        hr = http_req(w, "GET", "/connectors/bookstore", NULL, NULL);
        cr_assert_eq(hr->status, 404);
        http_resp_free(hr);
        json_decref(kc_ok(KC("delete-custom-plugin --custom-plugin-arn '%s'",
                             plarn)));
        uri_label(enc, sizeof(enc), wcarn);
        snprintf(uri, sizeof(uri), "/v1/worker-configurations/%s", enc);
        j = kc_ok(via_curl[OPT_DELETE_WCFG]
                  ? kc_curl("DELETE", uri, NULL)
                  : KC("delete-worker-configuration "
                       "--worker-configuration-arn '%s'", wcarn));
        cr_assert_str_eq(jstr(j, "workerConfigurationArn"), wcarn);
        json_decref(j);
        j = kc_ok(KC("list-worker-configurations"));
        cr_assert_eq(json_array_size(json_object_get(j,
                                                     "workerConfigurations")),
                     0);
        json_decref(j);
        free(ver);
        free(oparn);
        free(carn);
        free(jararn);
        free(plarn);
        free(wcarn);
}
