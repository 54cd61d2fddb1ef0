/*
 * mskc_store — the MSK Connect API's resources (connectors' MSK side,
 * custom plugins, worker configurations) in table mskc_resources of the
 * worker's SQLite file, each one JSON document under its ARN. Its own
 * connection to the file (WAL), its own mutex; any thread.
 */
#ifndef CONNECTD_MSKC_STORE_H
#define CONNECTD_MSKC_STORE_H

#include <stddef.h>

typedef struct mskc_store mskc_store_t;

/* NULL with err on error. */
mskc_store_t *mskc_store_open(const char *path, char *err, size_t errsz);
void mskc_store_close(mskc_store_t *s);

/* Insert or replace; one durable transaction. 0 or -1 with err. */
int mskc_store_put(mskc_store_t *s, const char *arn, const char *kind,
                   const char *json, char *err, size_t errsz);
/* Absent is fine. */
int mskc_store_delete(mskc_store_t *s, const char *arn, char *err,
                      size_t errsz);
typedef int (*mskc_store_cb)(void *opaque, const char *arn, const char *kind,
                             const char *json);
/* Every resource in insertion order; cb non-zero stops. 0 or -1. */
int mskc_store_each(mskc_store_t *s, mskc_store_cb cb, void *opaque,
                    char *err, size_t errsz);

#endif
