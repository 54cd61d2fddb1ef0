/*
 * mskc_plugin — MSK Connect custom plugins on connectd: a revision's object
 * is fetched from the worker's S3-compatible endpoint (mskconnect.s3.*),
 * a ZIP of native plugin .so files (or a bare .so) is unpacked into the
 * managed plugin directory and loaded with the ABI check; a JAR is refused
 * (it needs a Java worker). mskc.c owns the resources and their state;
 * this module owns the files and the loaded code.
 */
#ifndef CONNECTD_MSKC_PLUGIN_H
#define CONNECTD_MSKC_PLUGIN_H

#include <stddef.h>
#include <jansson.h>

typedef struct mskc_plugin_rev {
        char md5_hex[33];     /* of the object as fetched */
        long long size;       /* bytes */
        json_t *classes;      /* connector classes it holds (array of strings) */
        char *dir;            /* where the revision lives (malloc'd) */
} mskc_plugin_rev_t;

/* Fetch s3://<bucket of bucket_arn>/<file_key> (object_version may be
 * NULL), check and unpack it as content_type "ZIP" or "JAR", load it.
 * plugin_id names the plugin (unique, safe in a path), revision its
 * revision. Blocks on the network: never call it with a lock held or on a
 * REST thread's hot path. 0, or -1 with the stateDescription message in
 * err (why it is CREATE_FAILED). */
int mskc_plugin_install(const json_t *worker_props, const char *plugin_id,
                        long long revision, const char *content_type,
                        const char *bucket_arn, const char *file_key,
                        const char *object_version, mskc_plugin_rev_t *out,
                        char *err, size_t errsz);

/* Where this worker keeps revision `revision` of plugin_id (its own
 * managed plugin directory; created up to the root). 0, or -1 with err. */
int mskc_plugin_local_dir(const json_t *worker_props, const char *plugin_id,
                          long long revision, char *out, size_t n, char *err,
                          size_t errsz);

/* At start-up: load a revision installed before (rev->dir set); fills
 * rev->classes. 0, or -1 with err. */
int mskc_plugin_reload(const json_t *worker_props, mskc_plugin_rev_t *rev,
                       char *err, size_t errsz);

/* Make a connector config run this revision's code (adds what the runtime
 * needs to pick this revision's classes). 0, or -1 with err. */
int mskc_plugin_bind(json_t *connector_config, const mskc_plugin_rev_t *rev,
                     char *err, size_t errsz);

/* Remove an installed revision's files (its code stays loaded while
 * connectors use it). */
void mskc_plugin_remove(const mskc_plugin_rev_t *rev);

void mskc_plugin_rev_free(mskc_plugin_rev_t *rev);

#endif
