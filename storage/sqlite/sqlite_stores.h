/*
 * sqlite_stores — the config, offset and status stores of standalone mode,
 * all three in one SQLite file (see store.h for the file itself).
 *
 * sqlite_stores_open opens the file once and hands out the three stores,
 * which share that one connection: each store's close drops its share and
 * the last one closes the file, so the stores may be closed in any order.
 * Writes only ever come from this process, so the config store never calls
 * a listener. Statuses keep no worker id or generation (a standalone
 * worker is the only writer); a safe put is a plain put.
 */
#ifndef CONNECTD_SQLITE_STORES_H
#define CONNECTD_SQLITE_STORES_H

#include <stddef.h>

#include "config_store.h"
#include "offset_store.h"
#include "status_store.h"

/* 0, or -1 with errstr (nothing is left open). */
int sqlite_stores_open(const char *path, config_store_t **cs,
                       offset_store_t **os, status_store_t **ss,
                       char *errstr, size_t errstr_size);

#endif
