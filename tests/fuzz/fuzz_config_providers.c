/*
 * fuzz_config_providers — finding and replacing ${provider:[path:]key}
 * references in a connector config value (EnvVar provider only: the input
 * never names a file to open).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_providers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static cfg_providers_t *cp;
        char err[512];
        json_t *in, *out;

        if (!cp) {
                json_t *w = json_pack(
                        "{ssssss}", "config.providers", "env,e2",
                        "config.providers.env.class", "EnvVar",
                        "config.providers.e2.class",
                        "org.apache.kafka.common.config.provider."
                        "EnvVarConfigProvider");

                setenv("CONNECTD_FUZZ_A", "${env:CONNECTD_FUZZ_A}", 1);
                cp = cfg_providers_new(w, err, sizeof err);
                json_decref(w);
                if (!cp)
                        abort();
        }
        in = json_object();
        if (json_object_set_new(in, "k", json_stringn((const char *)data,
                                                      size)) == 0) {
                out = cfg_providers_resolve(cp, in, err, sizeof err);
                (void)cfg_providers_has_reference(
                        json_string_value(json_object_get(in, "k")));
                json_decref(out);
        }
        json_decref(in);
        return 0;
}
