/*
 * fuzz_connector_file — the connector file loader (JSON in both shapes, and
 * .properties) from memory, then the connector config validation over
 * whatever it loaded (ConfigDef parsing of every framework key, the error
 * message built from the result).
 *
 * Input: the first byte picks the format (even: JSON, odd: .properties)
 * and the connector kind (bit 1: sink), the rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const connectd_connector_desc_t source = {
                CONNECTD_DESC_HEADER,
                .class_name = "org.example.FuzzSource",
                .type = CONNECTD_SOURCE,
                .version = "1",
        };
        static const connectd_connector_desc_t sink = {
                CONNECTD_DESC_HEADER,
                .class_name = "org.example.FuzzSink",
                .type = CONNECTD_SINK,
                .version = "1",
        };
        char err[512];
        json_t *cfg, *infos;
        int is_json, errors = 0;

        if (size < 1)
                return 0;
        is_json = !(data[0] & 1);
        cfg = connector_file_parse((const char *)data + 1, size - 1, is_json,
                                   NULL, err, sizeof(err));
        if (!cfg)
                return 0;
        infos = validate_config(data[0] & 2 ? &sink : &source,
                                json_string_value(json_object_get(
                                        cfg, "connector.class")),
                                cfg, &errors);
        if (infos && errors)
                free(validate_error_message(infos, NULL));
        json_decref(infos);
        json_decref(cfg);
        return 0;
}
