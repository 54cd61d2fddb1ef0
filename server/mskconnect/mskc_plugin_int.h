/*
 * mskc_plugin_int — parts of mskc_plugin.c used by its unit tests.
 */
#ifndef CONNECTD_MSKC_PLUGIN_INT_H
#define CONNECTD_MSKC_PLUGIN_INT_H

#include <stddef.h>
#include <jansson.h>

/* Ceilings of one custom plugin. */
#define MSKC_PLUGIN_MAX_OBJECT (256LL * 1024 * 1024)   /* fetched bytes */
#define MSKC_PLUGIN_MAX_UNPACKED (1024LL * 1024 * 1024) /* unpacked bytes */
#define MSKC_PLUGIN_MAX_ENTRIES 10000                   /* archive entries */

/* Unpack the object buf[0..n) into the existing empty directory dir: a ZIP
 * archive (no entry outside dir, no link or device entry, at most
 * max_unpacked bytes in all, at most MSKC_PLUGIN_MAX_ENTRIES entries)
 * holding at least one .so, or a bare shared object (written as
 * plugin.so). 0, or -1 with why in err (a JAR or a ZIP of JARs: needs a
 * Java worker; corrupt; unsafe; no .so). */
int mskc_plugin_unpack(const unsigned char *buf, size_t n, const char *dir,
                       long long max_unpacked, char *err, size_t errsz);

/* The plugin scope of a revision directory: its last two components,
 * "<plugin id>/rev-<N>". */
void mskc_plugin_scope(const char *dir, char *out, size_t n);

/* Load every .so below dir (sorted) into dir's plugin scope; *classes
 * gets the connector classes of that scope. 0, or -1 with err. */
int mskc_plugin_load_dir(const char *dir, json_t **classes, char *err,
                         size_t errsz);

#endif
