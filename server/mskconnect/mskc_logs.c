#include <stdio.h>
#include "mskc_logs.h"

mskc_logs_t *mskc_logs_start(const json_t *worker_props, const char *connector,
                             const char *bucket, const char *prefix,
                             char *err, size_t errsz)
{
        (void)worker_props; (void)connector; (void)bucket; (void)prefix;
        snprintf(err, errsz, "log delivery is not built yet");
        return NULL;
}

void mskc_logs_stop(mskc_logs_t *l)
{
        (void)l;
}
