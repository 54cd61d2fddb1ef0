/*
 * connector_check — the one check of a connector config before it may be
 * stored (create and update over REST, connector files on the command
 * line): a connector class that is present and known, Connect's ConfigDef
 * validation (validate.c), and a name without control characters. The
 * messages are Connect's 400 texts.
 */
#ifndef CONNECTD_CONNECTOR_CHECK_H
#define CONNECTD_CONNECTOR_CHECK_H

#include <jansson.h>

#include "herder.h"

/* HERDER_OK; HERDER_BAD_REQUEST with the 400 message in *msg; or
 * HERDER_ERROR (the config could not be validated) with a message in
 * *msg. *msg is malloc'd (NULL on HERDER_OK, or when out of memory). */
herder_err_t connector_config_check(const json_t *config, char **msg);

/* "Connector config {k=v, ...} contains no connector type"; malloc'd. */
char *connector_check_no_type_msg(const json_t *config);
/* "Failed to find any class that implements Connector and which name
 * matches CLS, available connectors are: ..."; malloc'd. */
char *connector_check_unknown_class_msg(const char *cls);

#endif
