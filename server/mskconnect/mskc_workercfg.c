#include <stdio.h>
#include "mskc_workercfg.h"

json_t *mskc_workercfg_parse(const char *b64, char *err, size_t errsz)
{
        (void)b64;
        snprintf(err, errsz, "worker configurations are not built yet");
        return NULL;
}

int mskc_workercfg_apply(json_t *connector_config, const json_t *workercfg,
                         char *err, size_t errsz)
{
        (void)connector_config; (void)workercfg; (void)err; (void)errsz;
        return 0;
}
