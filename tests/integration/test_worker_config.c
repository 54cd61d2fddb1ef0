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
