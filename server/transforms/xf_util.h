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
