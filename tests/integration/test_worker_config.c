/*
 * Worker config values that used to be accepted silently or reported
 * without naming the key: the process must exit 1 with a message naming
 * the key (and the host, for listeners). Host names used here fail to
 * resolve locally (an empty DNS label), so no query leaves the machine.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

/* A host name that is not loopback needs the opt-out to get as far as
 * resolving it (no authentication is configured). */
Test(worker_config, unresolvable_listener_host_port_zero)
{
        char *err;
        int rc = run_worker_config("listeners=http://no..such.host:0\n"
                                   "rest.allow.unauthenticated.nonloopback=true\n",
                                   &err);

        cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
        cr_assert(strstr(err, "Invalid value http://no..such.host:0 for "
                              "configuration listeners: cannot resolve host "
                              "'no..such.host'"),
                  "%s", err);
        free(err);
}

Test(worker_config, unresolvable_listener_host_fixed_port)
{
        char *err;
        int rc = run_worker_config("listeners=http://no..such.host:8083\n"
                                   "rest.allow.unauthenticated.nonloopback=true\n",
                                   &err);

        cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
        cr_assert(strstr(err, "configuration listeners: cannot resolve host "
                              "'no..such.host'"),
                  "%s", err);
        free(err);
}

Test(worker_config, unknown_listener_scheme)
{
        char *err;
        int rc = run_worker_config("listeners=ftp://127.0.0.1:0\n", &err);

        cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
        cr_assert(strstr(err, "Invalid value ftp://127.0.0.1:0 for "
                              "configuration listeners: Listener protocol "
                              "must be either \"http\" or \"https\"."),
                  "%s", err);
        free(err);
}

/* RestServer lower-cases the protocol: HTTP:// is a valid listener. */
Test(worker_config, upper_case_http_listener_starts)
{
        worker_t *w = worker_start("listeners=HTTP://127.0.0.1:0\n", NULL);

        json_decref(http_json(w, "GET", "/connectors", NULL, 200));
        worker_free(w);
}

Test(worker_config, nonsense_values_name_the_key)
{
        static const char *const cases[][2] = {
                { "key.converter=java.lang.String\n",
                  "Invalid value java.lang.String for configuration "
                  "key.converter: Class java.lang.String could not be "
                  "found." },
                { "connector.client.config.override.policy=Sometimes\n",
                  "Invalid value Sometimes for configuration "
                  "connector.client.config.override.policy" },
                { "bootstrap.servers=\n",
                  "Invalid value  for configuration bootstrap.servers" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char props[256], *err;
                int rc;

                snprintf(props, sizeof(props),
                         "listeners=http://127.0.0.1:0\n%s", cases[i][0]);
                rc = run_worker_config(props, &err);
                cr_assert_eq(rc, 1, "%s: exit %d: %s", cases[i][0], rc, err);
                cr_assert(strstr(err, cases[i][1]), "%s: %s", cases[i][0],
                          err);
                free(err);
        }
}

/* Distributed mode (group.id set) needs Connect's three internal topics,
 * each its own, sane partition and replication settings, a heartbeat
 * below the session timeout; exactly-once source support is not
 * available. Each stops the start with a message naming the key. */
Test(worker_config, distributed_keys_are_checked)
{
#define TOPICS "config.storage.topic=c\noffset.storage.topic=o\n" \
               "status.storage.topic=s\n"
        static const char *const cases[][2] = {
                { "group.id=g\n",
                  "Missing required configuration \"offset.storage.topic\" "
                  "which has no default value." },
                { "group.id=g\noffset.storage.topic=o\n"
                  "status.storage.topic=s\n",
                  "Missing required configuration \"config.storage.topic\" "
                  "which has no default value." },
                { "group.id=g\noffset.storage.topic=o\n"
                  "config.storage.topic=c\n",
                  "Missing required configuration \"status.storage.topic\" "
                  "which has no default value." },
                { "group.id=g\nconfig.storage.topic=c\n"
                  "offset.storage.topic=o\nstatus.storage.topic=c\n",
                  "Invalid value c for configuration status.storage.topic: "
                  "must differ from config.storage.topic" },
                { "group.id=g\n" TOPICS "coordination.storage.topic=o\n",
                  "Invalid value o for configuration "
                  "coordination.storage.topic: must differ from "
                  "offset.storage.topic" },
                { "group.id=g\n" TOPICS "offset.storage.partitions=0\n",
                  "Invalid value 0 for configuration "
                  "offset.storage.partitions: Value must be -1 or at least "
                  "1" },
                { "group.id=g\n" TOPICS "status.storage.partitions=-2\n",
                  "Invalid value -2 for configuration "
                  "status.storage.partitions: Value must be -1 or at least "
                  "1" },
                { "group.id=g\n" TOPICS
                  "config.storage.replication.factor=0\n",
                  "Invalid value 0 for configuration "
                  "config.storage.replication.factor: Value must be -1 or "
                  "at least 1" },
                { "group.id=g\n" TOPICS
                  "offset.storage.replication.factor=40000\n",
                  "Invalid value 40000 for configuration "
                  "offset.storage.replication.factor: Not a number of type "
                  "SHORT" },
                { "group.id=g\n" TOPICS "heartbeat.interval.ms=10000\n",
                  "Invalid value 10000 for configuration "
                  "heartbeat.interval.ms: must be lower than "
                  "session.timeout.ms (10000)" },
                { "group.id=g\n" TOPICS "session.timeout.ms=2000\n",
                  "Invalid value 3000 for configuration "
                  "heartbeat.interval.ms: must be lower than "
                  "session.timeout.ms (2000)" },
                { "group.id=g\n" TOPICS "connect.protocol=v3\n",
                  "Invalid value v3 for configuration connect.protocol: "
                  "Invalid Connect protocol compatibility" },
                { "exactly.once.source.support=enabled\n",
                  "Invalid value enabled for configuration "
                  "exactly.once.source.support: exactly-once source "
                  "support is not available in connectd; only disabled is "
                  "supported" },
                { "group.id=g\n" TOPICS
                  "exactly.once.source.support=preparing\n",
                  "exactly-once source support is not available" },
                { "group.id=g\n" TOPICS
                  "inter.worker.signature.algorithm=HmacSHA1\n",
                  "Invalid value HmacSHA1 for configuration "
                  "inter.worker.signature.algorithm: the algorithm is not "
                  "supported by connectd" },
                { "group.id=\n",
                  "Invalid value  for configuration group.id: must not be "
                  "empty" },
                { "group.id=g\n" TOPICS "coordination.storage.partitions=0\n",
                  "Invalid value 0 for configuration "
                  "coordination.storage.partitions: Value must be at least "
                  "1" },
        };
#undef TOPICS

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char props[512], *err;
                int rc;

                snprintf(props, sizeof(props),
                         "listeners=http://127.0.0.1:0\n%s", cases[i][0]);
                rc = run_worker_config(props, &err);
                cr_assert_eq(rc, 1, "%s: exit %d: %s", cases[i][0], rc, err);
                cr_assert(strstr(err, cases[i][1]), "%s: %s", cases[i][0],
                          err);
                free(err);
        }
}

/* Without group.id the distributed keys change nothing: a standalone
 * worker with Connect's topic keys (a shared properties file) starts. */
Test(worker_config, standalone_ignores_distributed_topic_keys)
{
        worker_t *w = worker_start("offset.storage.topic=o\n"
                                   "heartbeat.interval.ms=20000\n"
                                   "scheduled.rebalance.max.delay.ms=0\n",
                                   NULL);

        json_decref(http_json(w, "GET", "/connectors", NULL, 200));
        worker_free(w);
}
