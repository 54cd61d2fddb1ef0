/*
 * fuzz_properties — the Java .properties parser (worker and connector files)
 * and the worker config check over whatever it parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        char err[512];
        json_t *props = props_parse_string(text, err, sizeof err);
        if (props) {
                worker_config_check(props, err, sizeof err);
                json_decref(props);
        }
        free(text);
        return 0;
}
