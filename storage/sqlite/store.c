/*
 * store — the worker's durable state in one SQLite file.
 *
 * DESIGN
 *
 * Owns one SQLite connection, opened in WAL mode with synchronous=FULL so a
 * write is on disk when its call returns: the herder acknowledges a REST
 * request right after, and a kill -9 loses nothing acknowledged. Every
 * public write is exactly one transaction (BEGIN IMMEDIATE .. COMMIT, rolled
 * back on any failure), so a crash leaves either all of it or none.
 *
 * Threads: any. One pthread mutex in store_t serialises every use of the
 * connection. The *_each walks copy their rows out under the lock and call
 * the callback after releasing it, so a callback may call back into the
 * store (the herder loads task configs while walking connectors). The copy
 * has a ceiling (STORE_WALK_MAX_BYTES).
 *
 * Schema: table `meta` (key, value) holds schema_version. `migrations[i]`
 * is the SQL taking version i to i+1; store_open applies the missing steps
 * in order inside one transaction and refuses a file whose version is newer
 * than STORE_SCHEMA_VERSION. Add a step by appending a row and bumping
 * STORE_SCHEMA_VERSION in store.h; never edit a released step.
 *
 * Partitions are stored and compared in canonical form (compact, sorted
 * keys), computed here, so {"b":1,"a":2} and {"a":2,"b":1} are one row.
 * Deleting a connector keeps its offsets, as Kafka Connect does: a connector
 * re-created under the same name resumes where it stopped.
 *
 * File modes: the file holds connector configs, secrets included, so
 * store_open creates it 0600 whatever the umask before SQLite opens it;
 * SQLite's unix VFS gives the -wal, -shm and -journal files it creates the
 * main file's mode, so they are 0600 too. An existing file of ours that
 * others may read or write is narrowed to its owner bits, with a warning.
 */
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "canonical_json.h"
#include "log.h"

/* Milliseconds SQLite waits on a lock held by another connection. */
#define STORE_BUSY_TIMEOUT_MS 10000
/* Ceiling on the rows one *_each walk copies out (bytes of text). */
#define STORE_WALK_MAX_BYTES (256u * 1024 * 1024)

struct store {
        sqlite3 *db;
        pthread_mutex_t lock;
        char *path;
};

/* migrations[i] takes schema version i to i + 1. */
static const char *const migrations[] = {
        /* 0 -> 1 */
        "CREATE TABLE connectors ("
        "  name TEXT PRIMARY KEY NOT NULL,"
        "  config_json TEXT NOT NULL,"
        "  target_state TEXT NOT NULL,"
        "  seq INTEGER NOT NULL);"
        "CREATE TABLE task_configs ("
        "  connector TEXT NOT NULL,"
        "  task INTEGER NOT NULL,"
        "  config_json TEXT NOT NULL,"
        "  PRIMARY KEY (connector, task));"
        "CREATE TABLE offsets ("
        "  connector TEXT NOT NULL,"
        "  partition_json TEXT NOT NULL,"
        "  offset_json TEXT NOT NULL,"
        "  PRIMARY KEY (connector, partition_json));"
        "CREATE TABLE status ("
        "  connector TEXT NOT NULL,"
        "  task INTEGER NOT NULL,"
        "  state TEXT NOT NULL,"
        "  trace TEXT,"
        "  PRIMARY KEY (connector, task));",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
                       STORE_SCHEMA_VERSION,
               "one migration step per schema version");

/* ---- small helpers (caller holds st->lock) ------------------------------ */

/* "store <what>: <sqlite message>", and for a write that the file system
 * refused (disk full, file too large, I/O error, read-only) the file, so
 * the operator knows where to look. */
static void store_err(store_t *st, const char *what, const char *msg,
                      char *errstr, size_t errstr_size)
{
        int code = sqlite3_errcode(st->db) & 0xff; /* primary code */
        int fs = code == SQLITE_FULL || code == SQLITE_IOERR ||
                 code == SQLITE_READONLY || code == SQLITE_CANTOPEN;

        snprintf(errstr, errstr_size, "store %s: %s%s%s%s", what,
                 msg ? msg : sqlite3_errmsg(st->db),
                 fs ? " (storage.path " : "", fs ? st->path : "",
                 fs ? ": is its disk full or not writable?)" : "");
}

static int exec_sql(store_t *st, const char *sql, const char *what,
                    char *errstr, size_t errstr_size)
{
        char *msg = NULL;

        if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                store_err(st, what, msg, errstr, errstr_size);
                sqlite3_free(msg);
                return -1;
        }
        return 0;
}

static int txn_begin(store_t *st, char *errstr, size_t errstr_size)
{
        return exec_sql(st, "BEGIN IMMEDIATE", "begin transaction", errstr,
                        errstr_size);
}

static int txn_commit(store_t *st, char *errstr, size_t errstr_size)
{
        return exec_sql(st, "COMMIT", "commit", errstr, errstr_size);
}

/* Best effort: the first error is the one worth reporting. */
static void txn_rollback(store_t *st)
{
        if (!sqlite3_get_autocommit(st->db))
                sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static sqlite3_stmt *prepare(store_t *st, const char *sql, char *errstr,
                             size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;

        if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
                snprintf(errstr, errstr_size, "store prepare: %s",
                         sqlite3_errmsg(st->db));
                sqlite3_finalize(stmt);
                return NULL;
        }
        return stmt;
}

/* Steps a statement that returns no rows. */
static int step_done(store_t *st, sqlite3_stmt *stmt, const char *what,
                     char *errstr, size_t errstr_size)
{
        if (sqlite3_step(stmt) != SQLITE_DONE) {
                store_err(st, what, NULL, errstr, errstr_size);
                return -1;
        }
        return 0;
}

static int bind_text(store_t *st, sqlite3_stmt *stmt, int idx,
                     const char *s, char *errstr, size_t errstr_size)
{
        int rc = s ? sqlite3_bind_text(stmt, idx, s, -1, SQLITE_STATIC)
                   : sqlite3_bind_null(stmt, idx);

        if (rc != SQLITE_OK) {
                snprintf(errstr, errstr_size, "store bind: %s",
                         sqlite3_errmsg(st->db));
                return -1;
        }
        return 0;
}

static int check_target_state(const char *s, char *errstr, size_t errstr_size)
{
        if (s && (!strcmp(s, "STARTED") || !strcmp(s, "PAUSED") ||
                  !strcmp(s, "STOPPED")))
                return 0;
        snprintf(errstr, errstr_size,
                 "invalid target state '%s' (expected STARTED, PAUSED or "
                 "STOPPED)",
                 s ? s : "(null)");
        return -1;
}

static int check_json_object(const char *what, const char *json, char *errstr,
                             size_t errstr_size)
{
        json_error_t jerr;
        json_t *v;
        int rc = -1;

        if (!json) {
                snprintf(errstr, errstr_size, "%s is missing", what);
                return -1;
        }
        v = json_loads(json, 0, &jerr);
        if (!v) {
                snprintf(errstr, errstr_size, "%s is not valid JSON: %s",
                         what, jerr.text);
                goto out;
        }
        if (!json_is_object(v)) {
                snprintf(errstr, errstr_size, "%s is not a JSON object", what);
                goto out;
        }
        rc = 0;
out:
        json_decref(v);
        return rc;
}

/* ---- row snapshots for the walks ---------------------------------------- */

struct cell {
        char *s;      /* text columns (NULL for SQL NULL) */
        long long i;  /* integer columns */
};

struct rows {
        struct cell *cells;
        size_t ncols;
        size_t nrows;
        size_t cap;   /* rows */
        size_t bytes; /* text copied so far, against STORE_WALK_MAX_BYTES */
};

static void rows_free(struct rows *r)
{
        size_t i;

        for (i = 0; i < r->nrows * r->ncols; i++)
                free(r->cells[i].s);
        free(r->cells);
        memset(r, 0, sizeof(*r));
}

/* Runs a prepared SELECT to completion, copying every row. int_mask has bit
 * c set for integer column c. Caller holds the lock; caller frees rows. */
static int rows_fetch(store_t *st, sqlite3_stmt *stmt, size_t ncols,
                      unsigned int int_mask, struct rows *r, char *errstr,
                      size_t errstr_size)
{
        int src;

        memset(r, 0, sizeof(*r));
        r->ncols = ncols;
        while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct cell *row;
                size_t c;

                if (r->nrows == r->cap) {
                        size_t ncap = r->cap ? r->cap * 2 : 16;
                        struct cell *nc = realloc(
                                r->cells, ncap * ncols * sizeof(*nc));

                        if (!nc) {
                                snprintf(errstr, errstr_size,
                                         "store: out of memory");
                                return -1;
                        }
                        r->cells = nc;
                        r->cap = ncap;
                }
                row = &r->cells[r->nrows * ncols];
                memset(row, 0, ncols * sizeof(*row));
                r->nrows++;
                for (c = 0; c < ncols; c++) {
                        const unsigned char *t;
                        int len;

                        if (int_mask & (1u << c)) {
                                row[c].i = sqlite3_column_int64(stmt, (int)c);
                                continue;
                        }
                        t = sqlite3_column_text(stmt, (int)c);
                        if (!t)
                                continue;
                        len = sqlite3_column_bytes(stmt, (int)c);
                        r->bytes += (size_t)len + 1;
                        if (r->bytes > STORE_WALK_MAX_BYTES) {
                                snprintf(errstr, errstr_size,
                                         "store: result larger than %u "
                                         "bytes",
                                         STORE_WALK_MAX_BYTES);
                                return -1;
                        }
                        row[c].s = strndup((const char *)t, (size_t)len);
                        if (!row[c].s) {
                                snprintf(errstr, errstr_size,
                                         "store: out of memory");
                                return -1;
                        }
                }
        }
        if (src != SQLITE_DONE) {
                snprintf(errstr, errstr_size, "store read: %s",
                         sqlite3_errmsg(st->db));
                return -1;
        }
        return 0;
}

/* Prepares `sql`, binds up to two text parameters and copies the rows out,
 * all under the lock. */
static int rows_query(store_t *st, const char *sql, const char *p1,
                      const char *p2, size_t ncols, unsigned int int_mask,
                      struct rows *r, char *errstr, size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;

        memset(r, 0, sizeof(*r));
        pthread_mutex_lock(&st->lock);
        stmt = prepare(st, sql, errstr, errstr_size);
        if (!stmt)
                goto out;
        if (p1 && bind_text(st, stmt, 1, p1, errstr, errstr_size))
                goto out;
        if (p2 && bind_text(st, stmt, 2, p2, errstr, errstr_size))
                goto out;
        if (rows_fetch(st, stmt, ncols, int_mask, r, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        pthread_mutex_unlock(&st->lock);
        if (rc)
                rows_free(r);
        return rc;
}

/* ---- open / migrate / close --------------------------------------------- */

static int schema_version_read(store_t *st, long long *version, char *errstr,
                               size_t errstr_size)
{
        sqlite3_stmt *stmt;
        int rc = -1, src;

        stmt = prepare(st, "SELECT value FROM meta WHERE key = "
                           "'schema_version'",
                       errstr, errstr_size);
        if (!stmt)
                return -1;
        src = sqlite3_step(stmt);
        if (src == SQLITE_DONE) {
                *version = 0;
        } else if (src == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(stmt, 0);
                char *end = NULL;

                errno = 0;
                *version = t ? strtoll(t, &end, 10) : -1;
                if (!t || errno || end == t || *end || *version < 0) {
                        snprintf(errstr, errstr_size,
                                 "store schema_version '%s' is not a "
                                 "version number",
                                 t ? t : "(null)");
                        goto out;
                }
        } else {
                snprintf(errstr, errstr_size, "store read schema_version: %s",
                         sqlite3_errmsg(st->db));
                goto out;
        }
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

static int migrate(store_t *st, char *errstr, size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        long long version, v;
        char vbuf[32];
        int rc = -1;

        if (txn_begin(st, errstr, errstr_size))
                return -1;
        if (exec_sql(st,
                     "CREATE TABLE IF NOT EXISTS meta ("
                     "  key TEXT PRIMARY KEY NOT NULL,"
                     "  value TEXT NOT NULL)",
                     "create meta table", errstr, errstr_size))
                goto out;
        if (schema_version_read(st, &version, errstr, errstr_size))
                goto out;
        if (version > STORE_SCHEMA_VERSION) {
                snprintf(errstr, errstr_size,
                         "store schema version %lld is newer than this "
                         "connectd supports (%d)",
                         version, STORE_SCHEMA_VERSION);
                goto out;
        }
        for (v = version; v < STORE_SCHEMA_VERSION; v++) {
                char what[64];

                snprintf(what, sizeof(what), "migration to version %lld",
                         v + 1);
                if (exec_sql(st, migrations[v], what, errstr, errstr_size))
                        goto out;
        }
        if (version < STORE_SCHEMA_VERSION) {
                stmt = prepare(st,
                               "INSERT INTO meta (key, value) VALUES "
                               "('schema_version', ?1) ON CONFLICT(key) "
                               "DO UPDATE SET value = excluded.value",
                               errstr, errstr_size);
                if (!stmt)
                        goto out;
                snprintf(vbuf, sizeof(vbuf), "%d", STORE_SCHEMA_VERSION);
                if (bind_text(st, stmt, 1, vbuf, errstr, errstr_size) ||
                    step_done(st, stmt, "write schema_version", errstr,
                              errstr_size))
                        goto out;
        }
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc)
                txn_rollback(st);
        return rc;
}

/* Runs a PRAGMA that returns one text row; copies it into out. */
static int pragma_text(store_t *st, const char *sql, char *out,
                       size_t out_size, char *errstr, size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;

        if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
                snprintf(errstr, errstr_size, "%s", sqlite3_errmsg(st->db));
                sqlite3_finalize(stmt);
                return -1;
        }
        if (sqlite3_step(stmt) != SQLITE_ROW) {
                snprintf(errstr, errstr_size, "%s", sqlite3_errmsg(st->db));
                goto out;
        }
        snprintf(out, out_size, "%s",
                 sqlite3_column_text(stmt, 0)
                         ? (const char *)sqlite3_column_text(stmt, 0)
                         : "");
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

static logger_t *slog(void)
{
        return log_get("connectd.store");
}

/* Narrow an existing file of ours that group or others may use to its
 * owner bits; warn about one we cannot change. Absent: nothing to do. */
static void tighten_mode(const char *path)
{
        struct stat sb;
        mode_t mode;

        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            !(sb.st_mode & 077))
                return;
        mode = sb.st_mode & 0777;
        if (sb.st_uid != geteuid() || chmod(path, mode & 0700) != 0) {
                LOG_WARN(slog(), "Storage file %s has mode %04o: others may "
                         "read connector configs and secrets in it (and it "
                         "could not be changed: %s)",
                         path, (unsigned)mode,
                         sb.st_uid != geteuid() ? "owned by another user"
                                                : strerror(errno));
                return;
        }
        LOG_WARN(slog(), "Storage file %s had mode %04o; changed it to %04o "
                 "(it holds connector configs and secrets)",
                 path, (unsigned)mode, (unsigned)(mode & 0700));
}

/* Create the database file 0600 if it does not exist (see "File modes"),
 * and narrow existing database, WAL, shared-memory and journal files.
 * Failures are left to sqlite3_open_v2, which reports them. */
static void secure_files(const char *path)
{
        static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
        char side[4200];
        size_t i;
        int fd;

        if (!strcmp(path, ":memory:") || !strncmp(path, "file:", 5))
                return;
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
                /* umask can only take bits away; make it exactly 0600. */
                if (fchmod(fd, 0600) != 0)
                        LOG_WARN(slog(), "Cannot set mode 0600 on %s: %s",
                                 path, strerror(errno));
                close(fd);
        }
        for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
                if ((size_t)snprintf(side, sizeof(side), "%s%s", path,
                                     sfx[i]) < sizeof(side))
                        tighten_mode(side);
        }
}

store_t *store_open(const char *path, char *errstr, size_t errstr_size)
{
        char err[512] = "";
        char mode[32];
        store_t *st;
        int ok = 0;

        if (!path || !*path) {
                snprintf(errstr, errstr_size, "store: no path given");
                return NULL;
        }
        st = calloc(1, sizeof(*st));
        if (!st || !(st->path = strdup(path))) {
                snprintf(errstr, errstr_size, "store: out of memory");
                free(st);
                return NULL;
        }
        pthread_mutex_init(&st->lock, NULL);

        secure_files(path);
        /* NOMUTEX: st->lock already serialises every use. */
        if (sqlite3_open_v2(path, &st->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                    SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK) {
                snprintf(err, sizeof(err), "%s",
                         st->db ? sqlite3_errmsg(st->db) : "out of memory");
                goto out;
        }
        if (sqlite3_db_readonly(st->db, "main") == 1) {
                snprintf(err, sizeof(err), "the file is not writable");
                goto out;
        }
        sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
        /* The first real read: a file that is not a database fails here. */
        if (pragma_text(st, "PRAGMA journal_mode=WAL", mode, sizeof(mode),
                        err, sizeof(err)))
                goto out;
        if (strcasecmp(mode, "wal") && strcasecmp(mode, "memory")) {
                snprintf(err, sizeof(err),
                         "cannot use WAL journal mode (journal_mode is %s)",
                         mode);
                goto out;
        }
        if (exec_sql(st, "PRAGMA synchronous=FULL", "set synchronous", err,
                     sizeof(err)))
                goto out;
        if (migrate(st, err, sizeof(err)))
                goto out;
        ok = 1;
out:
        if (!ok) {
                snprintf(errstr, errstr_size, "cannot open store '%s': %s",
                         path, err);
                store_close(st);
                return NULL;
        }
        return st;
}

void store_close(store_t *st)
{
        if (!st)
                return;
        /* sqlite3_close (not _v2): every statement is finalized by now. */
        if (st->db)
                sqlite3_close(st->db);
        pthread_mutex_destroy(&st->lock);
        free(st->path);
        free(st);
}

/* ---- connectors ---------------------------------------------------------- */

int store_connector_put(store_t *st, const char *name, const char *config_json,
                        const char *target_state, char *errstr,
                        size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;

        if (!name || !*name) {
                snprintf(errstr, errstr_size, "connector name is empty");
                return -1;
        }
        if ((target_state &&
             check_target_state(target_state, errstr, errstr_size)) ||
            check_json_object("connector config", config_json, errstr,
                              errstr_size))
                return -1;

        pthread_mutex_lock(&st->lock);
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        /* An update keeps the connector's place in creation order. */
        stmt = prepare(st,
                       "INSERT INTO connectors (name, config_json, "
                       "target_state, seq) VALUES (?1, ?2, "
                       "COALESCE(?3, (SELECT target_state FROM connectors "
                       "WHERE name = ?1), 'STARTED'), "
                       "(SELECT COALESCE(MAX(seq), 0) + 1 FROM connectors)) "
                       "ON CONFLICT(name) DO UPDATE SET "
                       "config_json = excluded.config_json, "
                       "target_state = excluded.target_state",
                       errstr, errstr_size);
        if (!stmt || bind_text(st, stmt, 1, name, errstr, errstr_size) ||
            bind_text(st, stmt, 2, config_json, errstr, errstr_size) ||
            bind_text(st, stmt, 3, target_state, errstr, errstr_size) ||
            step_done(st, stmt, "write connector", errstr, errstr_size))
                goto out;
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc)
                txn_rollback(st);
        pthread_mutex_unlock(&st->lock);
        return rc;
}

int store_connector_set_target(store_t *st, const char *name,
                               const char *target_state, char *errstr,
                               size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;

        if (check_target_state(target_state, errstr, errstr_size))
                return -1;

        pthread_mutex_lock(&st->lock);
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        stmt = prepare(st,
                       "UPDATE connectors SET target_state = ?2 "
                       "WHERE name = ?1",
                       errstr, errstr_size);
        if (!stmt || bind_text(st, stmt, 1, name, errstr, errstr_size) ||
            bind_text(st, stmt, 2, target_state, errstr, errstr_size) ||
            step_done(st, stmt, "write target state", errstr, errstr_size))
                goto out;
        if (sqlite3_changes(st->db) == 0) {
                snprintf(errstr, errstr_size, "connector %s not found in store",
                         name ? name : "(null)");
                goto out;
        }
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc)
                txn_rollback(st);
        pthread_mutex_unlock(&st->lock);
        return rc;
}

/* Deleting an absent connector is not an error: a retried delete after a
 * crash must succeed. */
int store_connector_delete(store_t *st, const char *name, char *errstr,
                           size_t errstr_size)
{
        static const char *const sqls[] = {
                "DELETE FROM connectors WHERE name = ?1",
                "DELETE FROM task_configs WHERE connector = ?1",
                "DELETE FROM status WHERE connector = ?1",
        };
        sqlite3_stmt *stmt = NULL;
        size_t i;
        int rc = -1;

        pthread_mutex_lock(&st->lock);
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        for (i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
                stmt = prepare(st, sqls[i], errstr, errstr_size);
                if (!stmt ||
                    bind_text(st, stmt, 1, name, errstr, errstr_size) ||
                    step_done(st, stmt, "delete connector", errstr,
                              errstr_size))
                        goto out;
                sqlite3_finalize(stmt);
                stmt = NULL;
        }
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc)
                txn_rollback(st);
        pthread_mutex_unlock(&st->lock);
        return rc;
}

int store_connector_each(store_t *st, store_connector_cb cb, void *opaque,
                         char *errstr, size_t errstr_size)
{
        struct rows r;
        size_t i;

        if (rows_query(st,
                       "SELECT name, config_json, target_state FROM "
                       "connectors ORDER BY seq",
                       NULL, NULL, 3, 0, &r, errstr, errstr_size))
                return -1;
        for (i = 0; i < r.nrows; i++) {
                struct cell *row = &r.cells[i * r.ncols];

                if (cb(opaque, row[0].s, row[1].s, row[2].s))
                        break;
        }
        rows_free(&r);
        return 0;
}

/* ---- task configs -------------------------------------------------------- */

/* 1 if the stored task configs of `connector` are these texts, in order
 * (st->lock held). */
static int tasks_unchanged_locked(store_t *st, const char *connector, int n,
                                  const char *const *jsons)
{
        sqlite3_stmt *q = NULL;
        int i = 0, same = 1, rc;

        if (sqlite3_prepare_v2(st->db,
                               "SELECT config_json FROM task_configs "
                               "WHERE connector = ?1 ORDER BY task",
                               -1, &q, NULL) != SQLITE_OK ||
            sqlite3_bind_text(q, 1, connector, -1, SQLITE_STATIC) !=
                    SQLITE_OK) {
                sqlite3_finalize(q);
                return 0;
        }
        while (same && (rc = sqlite3_step(q)) == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(q, 0);

                if (i >= n || !t || strcmp(t, jsons[i]))
                        same = 0;
                i++;
        }
        if (same && (rc != SQLITE_DONE || i != n))
                same = 0;
        sqlite3_finalize(q);
        return same;
}

int store_tasks_put(store_t *st, const char *connector, int n,
                    const char *const *task_config_jsons, char *errstr,
                    size_t errstr_size)
{
        sqlite3_stmt *del = NULL, *ins = NULL;
        int i, rc = -1;

        if (n < 0 || (n > 0 && !task_config_jsons)) {
                snprintf(errstr, errstr_size, "invalid task count %d", n);
                return -1;
        }
        for (i = 0; i < n; i++) {
                char what[48];

                snprintf(what, sizeof(what), "task %d config", i);
                if (check_json_object(what, task_config_jsons[i], errstr,
                                      errstr_size))
                        return -1;
        }

        pthread_mutex_lock(&st->lock);
        /* A restart regenerates every connector's task configs, mostly
         * the ones stored: those cost no write (and no fsync). */
        if (tasks_unchanged_locked(st, connector, n, task_config_jsons)) {
                rc = 0;
                goto out;
        }
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        del = prepare(st, "DELETE FROM task_configs WHERE connector = ?1",
                      errstr, errstr_size);
        if (!del || bind_text(st, del, 1, connector, errstr, errstr_size) ||
            step_done(st, del, "delete task configs", errstr, errstr_size))
                goto out;
        ins = prepare(st,
                      "INSERT INTO task_configs (connector, task, "
                      "config_json) VALUES (?1, ?2, ?3)",
                      errstr, errstr_size);
        if (!ins || bind_text(st, ins, 1, connector, errstr, errstr_size))
                goto out;
        for (i = 0; i < n; i++) {
                sqlite3_reset(ins);
                if (sqlite3_bind_int(ins, 2, i) != SQLITE_OK ||
                    bind_text(st, ins, 3, task_config_jsons[i], errstr,
                              errstr_size)) {
                        snprintf(errstr, errstr_size, "store bind: %s",
                                 sqlite3_errmsg(st->db));
                        goto out;
                }
                if (step_done(st, ins, "write task config", errstr,
                              errstr_size))
                        goto out;
        }
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(del);
        sqlite3_finalize(ins);
        if (rc)
                txn_rollback(st);
        pthread_mutex_unlock(&st->lock);
        return rc;
}

int store_tasks_each(store_t *st, const char *connector, store_task_cb cb,
                     void *opaque, char *errstr, size_t errstr_size)
{
        struct rows r;
        size_t i;

        if (rows_query(st,
                       "SELECT connector, task, config_json FROM task_configs "
                       "WHERE connector = ?1 ORDER BY task",
                       connector ? connector : "", NULL, 3, 1u << 1, &r,
                       errstr, errstr_size))
                return -1;
        for (i = 0; i < r.nrows; i++) {
                struct cell *row = &r.cells[i * r.ncols];

                if (cb(opaque, row[0].s, (int)row[1].i, row[2].s))
                        break;
        }
        rows_free(&r);
        return 0;
}

/* ---- offsets ------------------------------------------------------------- */

static int canonical_partition(const char *partition_json, char **out,
                               char *errstr, size_t errstr_size)
{
        *out = canonical_json(partition_json);
        if (!*out) {
                snprintf(errstr, errstr_size,
                         "source partition is not a JSON object: %.200s",
                         partition_json ? partition_json : "(null)");
                return -1;
        }
        return 0;
}

int store_offsets_put(store_t *st, const char *connector, int n,
                      const char *const *partition_jsons,
                      const char *const *offset_jsons, char *errstr,
                      size_t errstr_size)
{
        sqlite3_stmt *up = NULL, *del = NULL;
        char **canon = NULL;
        int i, rc = -1, locked = 0;

        if (n < 0 || (n > 0 && (!partition_jsons || !offset_jsons))) {
                snprintf(errstr, errstr_size, "invalid offset count %d", n);
                return -1;
        }
        if (n == 0)
                return 0;
        /* Canonicalise and check everything before taking the lock. */
        canon = calloc((size_t)n, sizeof(*canon));
        if (!canon) {
                snprintf(errstr, errstr_size, "store: out of memory");
                return -1;
        }
        for (i = 0; i < n; i++) {
                if (canonical_partition(partition_jsons[i], &canon[i], errstr,
                                        errstr_size))
                        goto out;
                if (offset_jsons[i] &&
                    check_json_object("source offset", offset_jsons[i],
                                      errstr, errstr_size))
                        goto out;
        }

        pthread_mutex_lock(&st->lock);
        locked = 1;
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        up = prepare(st,
                     "INSERT INTO offsets (connector, partition_json, "
                     "offset_json) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT(connector, partition_json) DO UPDATE SET "
                     "offset_json = excluded.offset_json",
                     errstr, errstr_size);
        del = prepare(st,
                      "DELETE FROM offsets WHERE connector = ?1 AND "
                      "partition_json = ?2",
                      errstr, errstr_size);
        if (!up || !del ||
            bind_text(st, up, 1, connector, errstr, errstr_size) ||
            bind_text(st, del, 1, connector, errstr, errstr_size))
                goto out;
        for (i = 0; i < n; i++) {
                sqlite3_stmt *stmt = offset_jsons[i] ? up : del;

                sqlite3_reset(stmt);
                if (bind_text(st, stmt, 2, canon[i], errstr, errstr_size))
                        goto out;
                if (offset_jsons[i] &&
                    bind_text(st, stmt, 3, offset_jsons[i], errstr,
                              errstr_size))
                        goto out;
                if (step_done(st, stmt, "write offset", errstr, errstr_size))
                        goto out;
        }
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(up);
        sqlite3_finalize(del);
        if (locked) {
                if (rc)
                        txn_rollback(st);
                pthread_mutex_unlock(&st->lock);
        }
        for (i = 0; i < n; i++)
                free(canon[i]);
        free(canon);
        return rc;
}

int store_offsets_each(store_t *st, const char *connector, store_offset_cb cb,
                       void *opaque, char *errstr, size_t errstr_size)
{
        struct rows r;
        size_t i;

        if (rows_query(st,
                       "SELECT partition_json, offset_json FROM offsets "
                       "WHERE connector = ?1 ORDER BY partition_json",
                       connector ? connector : "", NULL, 2, 0, &r, errstr,
                       errstr_size))
                return -1;
        for (i = 0; i < r.nrows; i++) {
                struct cell *row = &r.cells[i * r.ncols];

                if (cb(opaque, row[0].s, row[1].s))
                        break;
        }
        rows_free(&r);
        return 0;
}

int store_offset_get(store_t *st, const char *connector,
                     const char *partition_json, char **offset_json,
                     char *errstr, size_t errstr_size)
{
        struct rows r;
        char *canon = NULL;
        int rc = -1;

        *offset_json = NULL;
        if (canonical_partition(partition_json, &canon, errstr, errstr_size))
                return -1;
        if (rows_query(st,
                       "SELECT offset_json FROM offsets WHERE connector = ?1 "
                       "AND partition_json = ?2",
                       connector ? connector : "", canon, 1, 0, &r, errstr,
                       errstr_size))
                goto out;
        if (r.nrows > 0) {
                /* Steal the copy instead of duplicating it again. */
                *offset_json = r.cells[0].s;
                r.cells[0].s = NULL;
        }
        rows_free(&r);
        rc = 0;
out:
        free(canon);
        return rc;
}

int store_offsets_delete_all(store_t *st, const char *connector, char *errstr,
                             size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;

        pthread_mutex_lock(&st->lock);
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        stmt = prepare(st, "DELETE FROM offsets WHERE connector = ?1", errstr,
                       errstr_size);
        if (!stmt || bind_text(st, stmt, 1, connector, errstr, errstr_size) ||
            step_done(st, stmt, "delete offsets", errstr, errstr_size))
                goto out;
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc)
                txn_rollback(st);
        pthread_mutex_unlock(&st->lock);
        return rc;
}

/* ---- status -------------------------------------------------------------- */

int store_status_put(store_t *st, const char *connector, int task,
                     const char *state, const char *trace, char *errstr,
                     size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;

        if (!connector || !*connector || !state || !*state || task < -1) {
                snprintf(errstr, errstr_size,
                         "store status: connector, state and a task >= -1 "
                         "are required");
                return -1;
        }
        pthread_mutex_lock(&st->lock);
        /* Not synced on its own (store.h). */
        if (exec_sql(st, "PRAGMA synchronous=NORMAL", "set synchronous",
                     errstr, errstr_size))
                goto out;
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        stmt = prepare(st,
                       "INSERT INTO status (connector, task, state, trace) "
                       "VALUES (?1, ?2, ?3, ?4) "
                       "ON CONFLICT(connector, task) DO UPDATE SET "
                       "state = excluded.state, trace = excluded.trace",
                       errstr, errstr_size);
        if (!stmt || bind_text(st, stmt, 1, connector, errstr, errstr_size))
                goto out;
        if (sqlite3_bind_int(stmt, 2, task) != SQLITE_OK) {
                snprintf(errstr, errstr_size, "store bind: %s",
                         sqlite3_errmsg(st->db));
                goto out;
        }
        if (bind_text(st, stmt, 3, state, errstr, errstr_size) ||
            bind_text(st, stmt, 4, trace, errstr, errstr_size) ||
            step_done(st, stmt, "write status", errstr, errstr_size))
                goto out;
        if (txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc)
                txn_rollback(st);
        {
                /* Back to durable writes; a first error's message stays. */
                char e2[256];

                if (exec_sql(st, "PRAGMA synchronous=FULL", "set synchronous",
                             rc ? e2 : errstr, rc ? sizeof(e2) : errstr_size))
                        rc = -1;
        }
        pthread_mutex_unlock(&st->lock);
        return rc;
}

int store_status_remove(store_t *st, const char *connector, int task,
                        char *errstr, size_t errstr_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;

        if (!connector || !*connector || task < -1) {
                snprintf(errstr, errstr_size,
                         "store status: connector and a task >= -1 are "
                         "required");
                return -1;
        }
        pthread_mutex_lock(&st->lock);
        if (txn_begin(st, errstr, errstr_size))
                goto out;
        stmt = prepare(st,
                       "DELETE FROM status WHERE connector = ?1 AND "
                       "task = ?2",
                       errstr, errstr_size);
        if (!stmt || bind_text(st, stmt, 1, connector, errstr, errstr_size))
                goto out;
        if (sqlite3_bind_int(stmt, 2, task) != SQLITE_OK) {
                snprintf(errstr, errstr_size, "store bind: %s",
                         sqlite3_errmsg(st->db));
                goto out;
        }
        if (step_done(st, stmt, "remove status", errstr, errstr_size) ||
            txn_commit(st, errstr, errstr_size))
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc)
                txn_rollback(st);
        pthread_mutex_unlock(&st->lock);
        return rc;
}

int store_status_each(store_t *st, store_status_cb cb, void *opaque,
                      char *errstr, size_t errstr_size)
{
        struct rows r;
        size_t i;

        if (rows_query(st,
                       "SELECT connector, task, state, trace FROM status "
                       "ORDER BY connector, task",
                       NULL, NULL, 4, 1u << 1, &r, errstr, errstr_size))
                return -1;
        for (i = 0; i < r.nrows; i++) {
                struct cell *row = &r.cells[i * r.ncols];

                if (cb(opaque, row[0].s, (int)row[1].i, row[2].s, row[3].s))
                        break;
        }
        rows_free(&r);
        return 0;
}
