#include <stdio.h>
#include <stdlib.h>
#include "mskc_plugin.h"

int mskc_plugin_install(const json_t *worker_props, const char *plugin_id,
                        long long revision, const char *content_type,
                        const char *bucket_arn, const char *file_key,
                        const char *object_version, mskc_plugin_rev_t *out,
                        char *err, size_t errsz)
{
        (void)worker_props; (void)plugin_id; (void)revision;
        (void)content_type; (void)bucket_arn; (void)file_key;
        (void)object_version; (void)out;
        snprintf(err, errsz, "custom plugins are not built yet");
        return -1;
}

int mskc_plugin_reload(const json_t *worker_props, mskc_plugin_rev_t *rev,
                       char *err, size_t errsz)
{
        (void)worker_props; (void)rev;
        snprintf(err, errsz, "custom plugins are not built yet");
        return -1;
}

int mskc_plugin_bind(json_t *connector_config, const mskc_plugin_rev_t *rev,
                     char *err, size_t errsz)
{
        (void)connector_config; (void)rev; (void)err; (void)errsz;
        return 0;
}

void mskc_plugin_remove(const mskc_plugin_rev_t *rev)
{
        (void)rev;
}

void mskc_plugin_rev_free(mskc_plugin_rev_t *rev)
{
        if (!rev)
                return;
        json_decref(rev->classes);
        free(rev->dir);
        rev->classes = NULL;
        rev->dir = NULL;
}
