/*
 * offset_store — source connectors' offsets: a SQLite file (standalone)
 * or Connect's offsets topic (distributed).
 *
 * A partition and an offset are JSON objects passed as text. A put
 * returns once durable (SQLite commit, or every record acknowledged with
 * acks=all), which is when a source task may count its records as
 * committed. Lookups match partitions by their parsed JSON, never by
 * their spelling.
 */
#ifndef CONNECTD_OFFSET_STORE_H
#define CONNECTD_OFFSET_STORE_H

#include <stddef.h>

typedef struct offset_store offset_store_t;

typedef int (*offset_store_cb)(void *opaque, const char *partition_json,
                               const char *offset_json);

struct offset_store_ops {
        /* offset_jsons[i] NULL removes that partition's offset. */
        int (*put)(offset_store_t *os, const char *connector, int n,
                   const char *const *partition_jsons,
                   const char *const *offset_jsons, char *errstr,
                   size_t errstr_size);
        /* *offset_json: malloc'd, NULL when absent. */
        int (*get)(offset_store_t *os, const char *connector,
                   const char *partition_json, char **offset_json,
                   char *errstr, size_t errstr_size);
        int (*each)(offset_store_t *os, const char *connector,
                    offset_store_cb cb, void *opaque, char *errstr,
                    size_t errstr_size);
        /* Removes every offset of the connector. */
        int (*delete_all)(offset_store_t *os, const char *connector,
                          char *errstr, size_t errstr_size);
        /* Catches up with writes made elsewhere (other workers) before a
         * task reads its offsets; no-op for a local store. */
        int (*sync)(offset_store_t *os, char *errstr, size_t errstr_size);
        void (*close)(offset_store_t *os);
};

struct offset_store {
        const struct offset_store_ops *ops;
};

static inline int offset_store_put(offset_store_t *os, const char *connector,
                                   int n, const char *const *parts,
                                   const char *const *offs, char *e,
                                   size_t en)
{
        return os->ops->put(os, connector, n, parts, offs, e, en);
}
static inline int offset_store_get(offset_store_t *os, const char *connector,
                                   const char *part, char **off, char *e,
                                   size_t en)
{
        return os->ops->get(os, connector, part, off, e, en);
}
static inline int offset_store_each(offset_store_t *os, const char *connector,
                                    offset_store_cb cb, void *opaque,
                                    char *e, size_t en)
{
        return os->ops->each(os, connector, cb, opaque, e, en);
}
static inline int offset_store_delete_all(offset_store_t *os,
                                          const char *connector, char *e,
                                          size_t en)
{
        return os->ops->delete_all(os, connector, e, en);
}
static inline int offset_store_sync(offset_store_t *os, char *e, size_t en)
{
        return os->ops->sync ? os->ops->sync(os, e, en) : 0;
}
static inline void offset_store_close(offset_store_t *os)
{
        if (os)
                os->ops->close(os);
}

#endif
