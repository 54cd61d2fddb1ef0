/*
 * Unit tests for server/herder/connector_check.c: the one check of a
 * connector config before it is stored (REST create/update and connector
 * files on the command line).
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "connector_check.h"
#include "plugins.h"

static void setup(void)
{
        plugins_register_builtins();
}

static void teardown(void)
{
        plugins_reset();
}

TestSuite(connector_check, .init = setup, .fini = teardown);

static herder_err_t check(json_t *cfg, char **msg)
{
        herder_err_t rc = connector_config_check(cfg, msg);

        json_decref(cfg);
        return rc;
}

Test(connector_check, a_valid_config_passes)
{
        char *msg = (char *)"sentinel";

        cr_assert_eq(check(json_pack("{s:s,s:s,s:s,s:s}", "name", "src",
                                     "connector.class", "FileStreamSource",
                                     "file", "/tmp/in.txt", "topic", "t"),
                           &msg),
                     HERDER_OK);
        cr_assert_null(msg);
}

Test(connector_check, no_class_names_the_config)
{
        char *msg = NULL;

        cr_assert_eq(check(json_pack("{s:s}", "name", "x"), &msg),
                     HERDER_BAD_REQUEST);
        cr_assert_str_eq(msg, "Connector config {name=x} contains no "
                              "connector type");
        free(msg);
}

Test(connector_check, unknown_class_lists_the_known_ones)
{
        char *msg = NULL;

        cr_assert_eq(check(json_pack("{s:s,s:s}", "name", "x",
                                     "connector.class", "NoSuch"),
                           &msg),
                     HERDER_BAD_REQUEST);
        cr_assert(strstr(msg, "Failed to find any class that implements "
                              "Connector and which name matches NoSuch, "
                              "available connectors are: "),
                  "got: %s", msg);
        cr_assert(strstr(msg, "FileStreamSource"), "got: %s", msg);
        free(msg);
}

Test(connector_check, invalid_config_gives_connects_message)
{
        char *msg = NULL;

        cr_assert_eq(check(json_pack("{s:s,s:s,s:s}", "name", "x",
                                     "connector.class", "FileStreamSink",
                                     "tasks.max", "zero"),
                           &msg),
                     HERDER_BAD_REQUEST);
        cr_assert(!strncmp(msg, "Connector configuration is invalid and "
                                "contains the following ",
                           62),
                  "got: %s", msg);
        free(msg);
}

Test(connector_check, control_characters_in_the_name)
{
        char *msg = NULL;

        cr_assert_eq(check(json_pack("{s:s,s:s,s:s,s:s}", "name", "src\n",
                                     "connector.class", "FileStreamSource",
                                     "file", "/tmp/in.txt", "topic", "t"),
                           &msg),
                     HERDER_BAD_REQUEST);
        cr_assert_str_eq(msg, "Connector name may not contain control "
                              "sequences but had the following ASCII chars: "
                              "10");
        free(msg);
}
