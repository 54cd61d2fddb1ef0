/*
 * fuzz_transforms_config — a connector config with transforms and
 * predicates (.properties text): its validation (alias type keys, the
 * classes' embedded keys, the type checks) and the task's chain built from
 * it and freed again.
 *
 * Input: the first byte picks the connector kind (bit 0: sink), the rest
 * is the .properties file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "transform.h"
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
        xchain_t *chain;
        xerr_t xerr;
        int errors = 0;

        if (size < 1)
                return 0;
        cfg = connector_file_parse((const char *)data + 1, size - 1, 0, NULL,
                                   err, sizeof(err));
        if (!cfg)
                return 0;
        infos = validate_config(data[0] & 1 ? &sink : &source, "x", cfg,
                                &errors);
        if (infos && errors)
                free(validate_error_message(infos, NULL));
        json_decref(infos);
        memset(&xerr, 0, sizeof(xerr));
        chain = xchain_new(cfg, &xerr);
        xchain_free(chain);
        json_decref(cfg);
        return 0;
}
