/*
 * xf_util — what the built-in transforms share: the $Key/$Value operating
 * part, their config values, and Java's Requirements checks.
 */
#ifndef CONNECTD_XF_UTIL_H
#define CONNECTD_XF_UTIL_H

#include <stddef.h>
#include <jansson.h>

#include "data.h"
#include "record.h"   /* value bodies and the arena */
#include "transform.h"

/* The operating schema and value: the key's for $Key, the value's for
 * $Value. */
void xf_get(const xrecord_t *r, int is_key, const connect_schema_t **schema,
            connectd_value_t **value);
void xf_set(xrecord_t *r, int is_key, const connect_schema_t *schema,
            connectd_value_t *value);

/* A configure() prop: its string, or NULL when absent or JSON null. */
const char *xf_prop(const json_t *props, const char *key);

/* Java's ConfigDef LIST parse: the value trimmed, "" is no items,
 * otherwise split on \s*,\s* keeping empty items. *items is a malloc'd
 * array of malloc'd strings (free with xf_list_free). 0 or -1 (OOM). */
int xf_list(const char *s, char ***items, size_t *n);
void xf_list_free(char **items, size_t n);
/* Java's List.toString: "[a, b]". malloc'd. */
char *xf_list_text(char *const *items, size_t n);

/* A schemaless object (a Java Map): a STRUCT without schema, or a MAP. */
int xf_is_map(const connectd_value_t *v);
/* A Connect Struct: a STRUCT with a schema. */
int xf_is_struct(const connectd_value_t *v);

/* Java's Requirements (DataException with the spec's text): 0, or -1 with
 * err set. `schema` only names the class of logical values. */
int xf_require_map(const connectd_value_t *v, const char *purpose,
                   xerr_t *err);
int xf_require_struct(const connectd_value_t *v, const char *purpose,
                      xerr_t *err);
int xf_require_schema(const connect_schema_t *s, const char *purpose,
                      xerr_t *err);
int xf_require_sink(const xrecord_t *r, const char *purpose, xerr_t *err);

/* Validators for definition tables (connectd_validator_fn), with Java's
 * reasons: a non-empty LIST ("Empty list"), a non-empty STRING when set
 * ("String must be non-empty"). */
int xf_valid_nonempty_list(const char *name, const char *value, char *errstr,
                           size_t errstr_size);
int xf_valid_nonempty_string(const char *name, const char *value,
                             char *errstr, size_t errstr_size);

/* ---- building structs in one pass, config lists ---------------------- */

/* Struct.get (replace_default) or getWithoutDefault for fields taken in
 * schema order: *cur (start with st->u.st.head, or NULL when st is NULL)
 * follows the members, so a struct whose members are in schema order is
 * read in one pass; a member out of place is looked up. */
connectd_value_t *xf_struct_next(const connectd_value_t *st,
                                 const value_field_t **cur,
                                 const schema_field_t *f,
                                 int replace_default);
/* Java's Struct.put check (ConnectSchema.validateValue) for a null: 0, or
 * -1 with the DataException "Invalid value: null used for required field:
 * "<field>", schema type: <TYPE>" when v is null and s is required. */
int xf_check_put(const char *field, const connect_schema_t *s,
                 const connectd_value_t *v, xerr_t *err);
/* A STRUCT schema's field array for `cap` fields, allocated at once
 * (schema_add_field copies the array on every growth); s->nfields = 0.
 * 0 or -1 with err set. Then xf_push_field (never more than cap):
 * check_dups gives SchemaBuilder's duplicate-field error, else the caller
 * knows the names are unique. */
int xf_schema_fields(arena_t *a, connect_schema_t *s, size_t cap,
                     xerr_t *err);
int xf_push_field(connect_schema_t *s, const char *name,
                  const connect_schema_t *fs, int check_dups, xerr_t *err);
/* Appends a member to a STRUCT value being built whose names are known to
 * be unique (a new Struct filled in its schema's order): no lookup, the
 * name is not copied (it must live as long as the value). 0 or -1. */
int xf_struct_append(arena_t *a, connectd_value_t *st, const char *name,
                     connectd_value_t *v);
/* Requirements.requireStruct naming the class of a logical value by its
 * schema (java.util.Date for a Timestamp, ...). */
int xf_require_struct_of(const connectd_value_t *v,
                         const connect_schema_t *schema, const char *purpose,
                         xerr_t *err);
/* A required LIST with NonEmptyListValidator: `Invalid value [] for
 * configuration <k>: Empty list` when empty. Items as xf_list. */
int xf_conf_nonempty_list(const json_t *props, const char *key,
                          char ***items, size_t *n, xerr_t *err);

#endif

/* ---- schemaless java.util.Date values -------------------------------- */

/* A java.util.Date outside a schema (what TimestampConverter produces for
 * Date/Time/Timestamp targets without a schema): an INT64 value of epoch
 * milliseconds whose schema_name is the logical name it was made as
 * (LOGICAL_DATE, LOGICAL_TIME or LOGICAL_TIMESTAMP). Java's schemaless
 * JsonConverter rejects it ("Java class class java.util.Date does not have
 * corresponding schema type."). */
connectd_value_t *xf_date_value(arena_t *a, const char *logical, int64_t ms);
/* 1 with *ms when v is such a date object, else 0. */
int xf_date_ms(const connectd_value_t *v, int64_t *ms);
