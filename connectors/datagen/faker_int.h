/*
 * faker_int.h — the YAML tree shared by faker_data.c and faker.c.
 */
#ifndef CONNECTD_FAKER_INT_H
#define CONNECTD_FAKER_INT_H

#include <stddef.h>
#include "datagen_int.h"

enum { Y_STR = 1, Y_SEQ, Y_MAP };

typedef struct ynode {
        int type;
        char *str;          /* Y_STR */
        size_t len;
        size_t n, cap;      /* Y_SEQ, Y_MAP children */
        char **keys;        /* Y_MAP */
        struct ynode **kids;
} ynode_t;

const ynode_t *faker_data_root(const faker_data_t *d);
/* Child of a map by exact key (klen bytes); NULL if absent. */
const ynode_t *ynode_get(const ynode_t *n, const char *key, size_t klen);

#endif
