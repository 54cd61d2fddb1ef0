/*
 * Integration: MSK IAM authentication through the real connectd binary.
 * A fake broker on loopback (ApiVersions, SaslHandshake, SaslAuthenticate,
 * then it hangs up) records what each client sends:
 * - a worker.properties written as for MSK (top-level and producer.* keys,
 *   sasl.mechanism=AWS_MSK_IAM, the Java JAAS module and callback handler)
 *   starts; the worker's own client and a source task's producer both
 *   authenticate with OAUTHBEARER and a SigV4-presigned kafka-cluster
 *   token for the configured region, signed with the credentials from the
 *   shared credentials file (AWS_PROFILE);
 * - a Java-only callback handler stops the start with exit code 1 and a
 *   message naming it.
 * (The token's exact bytes are checked in tests/unit/test_msk_iam.c; the
 * embedded cluster cannot stand in: librdkafka's mock cluster has no SASL.)
 * Instance metadata is disabled; nothing leaves 127.0.0.1.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "fake_sasl_broker.h"


struct seen {
        struct fake_broker *b;
        const char *client_prefix;
        int idx;
};

static int auth_seen(void *arg)
{
        struct seen *s = arg;
        int i;

        pthread_mutex_lock(&s->b->lock);
        for (i = 0; i < s->b->nauth; i++)
                if (!strncmp(s->b->client[i], s->client_prefix,
                             strlen(s->client_prefix))) {
                        s->idx = i;
                        break;
                }
        pthread_mutex_unlock(&s->b->lock);
        return s->idx >= 0;
}

static char *b64url_decode(const char *s, size_t n)
{
        static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                                  "opqrstuvwxyz0123456789-_";
        char *out = malloc(n + 1);
        unsigned acc = 0;
        size_t i, o = 0;
        int bits = 0;

        for (i = 0; i < n; i++) {
                const char *p = strchr(tab, s[i]);

                cr_assert(p && s[i], "not base64url: %c", s[i]);
                acc = acc << 6 | (unsigned)(p - tab);
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[o++] = (char)(acc >> bits & 0xff);
                }
        }
        out[o] = '\0';
        return out;
}

static void check_token(const char *auth)
{
        const char *pre = "n,,\x01" "auth=Bearer ";
        size_t tl;
        char *url;

        cr_assert(!strncmp(auth, pre, strlen(pre)), "%s", auth);
        tl = strcspn(auth + strlen(pre), "\x01");
        url = b64url_decode(auth + strlen(pre), tl);
        cr_assert(!strncmp(url, "https://kafka.eu-west-1.amazonaws.com/?"
                                "Action=kafka-cluster%3AConnect&"
                                "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                                "X-Amz-Credential=AKIDFROMFILE%2F",
                           strlen("https://kafka.eu-west-1.amazonaws.com/?"
                                  "Action=kafka-cluster%3AConnect&"
                                  "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                                  "X-Amz-Credential=AKIDFROMFILE%2F")),
                  "%s", url);
        cr_assert(strstr(url, "%2Feu-west-1%2Fkafka-cluster%2Faws4_request"
                              "&X-Amz-Date="), "%s", url);
        cr_assert(strstr(url, "&X-Amz-Expires=900&X-Amz-Security-Token="
                              "TOKENFROMFILE&X-Amz-SignedHeaders=host"
                              "&X-Amz-Signature="), "%s", url);
        cr_assert(strstr(url, "&User-Agent=connectd%2F"), "%s", url);
        free(url);
}

static void env_setup(const char *dir)
{
        char path[512];

        unsetenv("AWS_ACCESS_KEY_ID");
        unsetenv("AWS_SECRET_ACCESS_KEY");
        unsetenv("AWS_SESSION_TOKEN");
        unsetenv("AWS_REGION");
        unsetenv("AWS_DEFAULT_REGION");
        unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
        unsetenv("AWS_ROLE_ARN");
        unsetenv("AWS_ENDPOINT_URL");
        unsetenv("AWS_ENDPOINT_URL_STS");
        setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
        snprintf(path, sizeof(path), "%s/credentials", dir);
        cr_assert(spit(path, "[default]\naws_access_key_id=WRONG\n"
                             "aws_secret_access_key=WRONG\n"
                             "[connect]\naws_access_key_id=AKIDFROMFILE\n"
                             "aws_secret_access_key=SECRETFROMFILE\n"
                             "aws_session_token=TOKENFROMFILE\n", 0) == 0);
        setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
        setenv("AWS_PROFILE", "connect", 1);
        snprintf(path, sizeof(path), "%s/config", dir);
        setenv("AWS_CONFIG_FILE", path, 1);
}

#define MSK_KEYS(p)                                                        \
        p "security.protocol=SASL_PLAINTEXT\n"                             \
        p "sasl.mechanism=AWS_MSK_IAM\n"                                   \
        p "sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule "  \
          "required;\n"                                                    \
        p "sasl.client.callback.handler.class=software.amazon.msk.auth."   \
          "iam.IAMClientCallbackHandler\n"

Test(msk_iam, worker_and_task_authenticate_with_iam_tokens, .timeout = 120)
{
        struct fake_broker b;
        char props[2048], *dir = tmpdir_new("msk");
        struct seen own = { &b, "rdkafka", -1 },
                    task = { &b, "connector-producer", -1 };
        worker_t *w;
        int i;

        memset(&b, 0, sizeof(b));
        pthread_mutex_init(&b.lock, NULL);
        b.fd = listen_loopback(&b.port);
        cr_assert_eq(pthread_create(&b.th, NULL, broker_main, &b), 0);
        env_setup(dir);
        snprintf(props, sizeof(props),
                 "bootstrap.servers=127.0.0.1:%d\n"
                 "msk.iam.region=eu-west-1\n" MSK_KEYS("") MSK_KEYS("producer."),
                 b.port);
        w = worker_start(props, NULL);

        cr_assert(wait_until(auth_seen, &own, 20000),
                  "the worker's own client never authenticated");
        cr_assert_str_eq(b.mechanisms[own.idx], "OAUTHBEARER");
        check_token(b.auth[own.idx]);

        json_decref(http_json(
                w, "POST", "/connectors",
                "{\"name\":\"gen\",\"config\":{\"connector.class\":"
                "\"GeneratorSourceConnector\",\"tasks.max\":\"1\","
                "\"genv.t.n.with\":\"#{Name.first_name}\"}}", 201));
        cr_assert(wait_until(auth_seen, &task, 20000),
                  "the task's producer never authenticated");
        check_token(b.auth[task.idx]);

        worker_free(w);
        b.stop = 1;
        pthread_join(b.th, NULL);
        close(b.fd);
        for (i = 0; i < b.nauth; i++)
                free(b.auth[i]);
        pthread_mutex_destroy(&b.lock);
        rm_rf(dir);
        free(dir);
}

Test(msk_iam, a_java_only_handler_is_refused_at_start)
{
        char *dir = tmpdir_new("mskrole");
        char path[512], errp[512], cmd[2048], *err;
        int status;

        snprintf(path, sizeof(path), "%s/worker.properties", dir);
        snprintf(errp, sizeof(errp), "%s/stderr.log", dir);
        cr_assert(spit(path,
                       "listeners=http://127.0.0.1:0\n"
                       "storage.path=connectd.db\n"
                       "bootstrap.servers=127.0.0.1:1\n"
                       "msk.iam.region=eu-west-1\n"
                       "producer.sasl.mechanism=AWS_MSK_IAM\n"
                       "producer.sasl.client.callback.handler.class="
                       "com.example.MyHandler\n", 0) == 0);
        snprintf(cmd, sizeof(cmd), "cd '%s' && timeout 30 '%s' '%s' "
                 ">/dev/null 2>'%s'", dir, getenv("CONNECTD_BIN"), path, errp);
        status = system(cmd);
        err = slurp(errp);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", err);
        cr_assert(strstr(err, "producer.*: sasl.client.callback.handler."
                              "class com.example.MyHandler is a Java class"),
                  "%s", err);
        free(err);
        rm_rf(dir);
        free(dir);
}
