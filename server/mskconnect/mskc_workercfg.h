/*
 * mskc_workercfg — MSK Connect worker configurations: base64 properties
 * parsed and validated like a worker config, and what of them applies to
 * the connectors that name them (converters, flush, config providers).
 */
#ifndef CONNECTD_MSKC_WORKERCFG_H
#define CONNECTD_MSKC_WORKERCFG_H

#include <stddef.h>
#include <jansson.h>

/* propertiesFileContent (base64 of a .properties text) as a JSON object
 * of strings, validated. NULL with a BadRequestException message in err. */
json_t *mskc_workercfg_parse(const char *b64, char *err, size_t errsz);

/* Apply a parsed worker configuration to a connector config about to be
 * created or updated: the keys that are per connector in connectd get
 * the worker configuration's value unless the connector sets its own.
 * 0, or -1 with err. */
int mskc_workercfg_apply(json_t *connector_config, const json_t *workercfg,
                         char *err, size_t errsz);

#endif
