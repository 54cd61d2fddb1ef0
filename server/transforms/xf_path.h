/*
 * xf_path — KIP-821 field paths (Java's SingleFieldPath and
 * FieldSyntaxVersion): V1 is the whole text as one field name, V2 splits
 * on dots with backtick-quoted steps.
 *
 * Threads: pure; a path is immutable once parsed.
 */
#ifndef CONNECTD_XF_PATH_H
#define CONNECTD_XF_PATH_H

#include <stddef.h>

#include "data.h"
#include "record.h"

#define XF_PATH_VERSION_KEY "field.syntax.version"
#define XF_PATH_VERSION_DOC \
        "Defines the version of the syntax to access fields. If set to " \
        "<code>V1</code>, then the field paths are limited to access the " \
        "elements at the root level of the struct or map. If set to " \
        "<code>V2</code>, the syntax will support accessing nested " \
        "elements. To access nested elements, dotted notation is used. If " \
        "dots are already included in the field name, then backtick pairs " \
        "can be used to wrap field names containing dots. E.g. to access " \
        "the subfield <code>baz</code> from a field named \"foo.bar\" in a " \
        "struct/map the following format can be used to access its " \
        "elements: \"<code>foo.bar</code>.baz\"."

typedef struct xf_path {
        char **steps;   /* malloc'd, at least one */
        size_t n;
} xf_path_t;

/* The validator of field.syntax.version: "String must be one of (case
 * insensitive): V1, V2". NULL (the key absent: its default) is fine. */
int xf_path_valid_version(const char *name, const char *value, char *errstr,
                          size_t errstr_size);
/* Parses `text` as version 1 or 2. 0; -1 with err set (ConfigException
 * "Incomplete backtick pair in path: ..." or out of memory). */
int xf_path_parse(const char *text, int version, xf_path_t *p, xerr_t *err);
void xf_path_free(xf_path_t *p);

/* SingleFieldPath.fieldFrom: the field at the path in a STRUCT schema, or
 * NULL. A step through a non-struct schema is Java's DataException
 * "Cannot look up fields on non-struct type": -1 with err set. */
int xf_path_field(const xf_path_t *p, const connect_schema_t *s,
                  const schema_field_t **out, xerr_t *err);
/* valueFrom(Struct) (rnwd: null fields read their defaults) and
 * valueFrom(Map): the value at the path or NULL; -1 with err set when an
 * intermediate value is of the wrong kind ("nested field access"). */
int xf_path_struct_value(const xf_path_t *p, const connectd_value_t *st,
                         int rnwd, connectd_value_t **out, xerr_t *err);
int xf_path_map_value(const xf_path_t *p, const connectd_value_t *m,
                      connectd_value_t **out, xerr_t *err);

#endif
