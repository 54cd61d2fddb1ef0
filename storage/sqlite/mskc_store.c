/*
 * mskc_store — see mskc_store.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "mskc_store.h"

struct mskc_store {
        sqlite3 *db;
        pthread_mutex_t lock;
};

static int fail(mskc_store_t *s, const char *what, char *err, size_t errsz)
{
        snprintf(err, errsz, "mskconnect store: %s: %s", what,
                 sqlite3_errmsg(s->db));
        return -1;
}

mskc_store_t *mskc_store_open(const char *path, char *err, size_t errsz)
{
        mskc_store_t *s = calloc(1, sizeof(*s));

        if (!s) {
                snprintf(err, errsz, "out of memory");
                return NULL;
        }
        pthread_mutex_init(&s->lock, NULL);
        if (sqlite3_open_v2(path, &s->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
                fail(s, path, err, errsz);
                goto fail;
        }
        sqlite3_busy_timeout(s->db, 10000);
        if (sqlite3_exec(s->db, "PRAGMA synchronous=FULL;"
                         "CREATE TABLE IF NOT EXISTS mskc_resources ("
                         " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                         " arn TEXT NOT NULL UNIQUE,"
                         " kind TEXT NOT NULL,"
                         " doc TEXT NOT NULL)", NULL, NULL,
                         NULL) != SQLITE_OK) {
                fail(s, "create table", err, errsz);
                goto fail;
        }
        return s;
fail:
        mskc_store_close(s);
        return NULL;
}

void mskc_store_close(mskc_store_t *s)
{
        if (!s)
                return;
        sqlite3_close(s->db);
        pthread_mutex_destroy(&s->lock);
        free(s);
}

static int run(mskc_store_t *s, const char *sql, const char *a,
               const char *b, const char *c, char *err, size_t errsz)
{
        sqlite3_stmt *st = NULL;
        int rc = -1;

        pthread_mutex_lock(&s->lock);
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
                fail(s, "prepare", err, errsz);
                goto cleanup;
        }
        sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
        if (b)
                sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
        if (c)
                sqlite3_bind_text(st, 3, c, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
                fail(s, "write", err, errsz);
                goto cleanup;
        }
        rc = 0;
cleanup:
        sqlite3_finalize(st);
        pthread_mutex_unlock(&s->lock);
        return rc;
}

int mskc_store_put(mskc_store_t *s, const char *arn, const char *kind,
                   const char *json, char *err, size_t errsz)
{
        /* An upsert keeps the row's seq: the insertion order stays. */
        return run(s, "INSERT INTO mskc_resources(arn, kind, doc) "
                   "VALUES(?1, ?2, ?3) ON CONFLICT(arn) DO UPDATE SET "
                   "kind = excluded.kind, doc = excluded.doc",
                   arn, kind, json, err, errsz);
}

int mskc_store_delete(mskc_store_t *s, const char *arn, char *err,
                      size_t errsz)
{
        return run(s, "DELETE FROM mskc_resources WHERE arn = ?1", arn, NULL,
                   NULL, err, errsz);
}

int mskc_store_each(mskc_store_t *s, mskc_store_cb cb, void *opaque,
                    char *err, size_t errsz)
{
        sqlite3_stmt *st = NULL;
        int rc = -1, r;

        pthread_mutex_lock(&s->lock);
        if (sqlite3_prepare_v2(s->db, "SELECT arn, kind, doc FROM "
                               "mskc_resources ORDER BY seq", -1, &st,
                               NULL) != SQLITE_OK) {
                fail(s, "prepare", err, errsz);
                goto cleanup;
        }
        while ((r = sqlite3_step(st)) == SQLITE_ROW)
                if (cb(opaque, (const char *)sqlite3_column_text(st, 0),
                       (const char *)sqlite3_column_text(st, 1),
                       (const char *)sqlite3_column_text(st, 2)))
                        break;
        if (r != SQLITE_ROW && r != SQLITE_DONE) {
                fail(s, "read", err, errsz);
                goto cleanup;
        }
        rc = 0;
cleanup:
        sqlite3_finalize(st);
        pthread_mutex_unlock(&s->lock);
        return rc;
}
