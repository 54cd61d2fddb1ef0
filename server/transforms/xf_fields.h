/*
 * xf_fields — pieces shared by the field transforms (Cast, ExtractField,
 * HoistField, MaskField, ReplaceField): their configure()-time config
 * reading with Java's ConfigException texts, Struct field access with and
 * without schema defaults, Java's String.split(":"), and the subset of
 * java.math.BigDecimal they need (parsing, integer part, text, Decimal
 * bytes).
 *
 * Threads: pure functions; values are built in the caller's arena.
 */
#ifndef CONNECTD_XF_FIELDS_H
#define CONNECTD_XF_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "data.h"
#include "record.h"

#define XF_RNWD_KEY "replace.null.with.default"
#define XF_RNWD_DOC \
        "Whether to replace fields that have a default value and that are " \
        "null to the default value. When set to true, the default value is " \
        "used, otherwise null is used."

/* ---- configure() ---------------------------------------------------- */

/* A STRING key as ConfigDef reads it: trimmed (String.trim), NULL when
 * absent or JSON null. malloc'd into *out. With `required`, absence is
 * Java's ConfigException "Missing required configuration "<key>" which
 * has no default value.". 0, or -1 with err set. */
int xf_cfg_string(const json_t *props, const char *key, int required,
                  char **out, xerr_t *err);
/* A LIST key (xf_list); *present says whether it was given at all. */
int xf_cfg_list(const json_t *props, const char *key, int required,
                char ***items, size_t *n, int *present, xerr_t *err);
/* A BOOLEAN key with default `def`: "Invalid value <v> for configuration
 * <key>: Expected value to be either true or false". */
int xf_cfg_bool(const json_t *props, const char *key, int def, int *out,
                xerr_t *err);

/* ---- struct fields --------------------------------------------------- */

/* Struct.get (rnwd: a null field reads its schema default) or
 * Struct.getWithoutDefault. NULL for null. */
connectd_value_t *xf_field_get(const connectd_value_t *st,
                               const schema_field_t *f, int rnwd);
/* Struct.put: null into a required field is Java's DataException
 * "Invalid value: null used for required field: "<f>", schema type: <T>".
 * 0, or -1 with err set (also out of memory). */
int xf_field_put(arena_t *a, connectd_value_t *st, const schema_field_t *f,
                 connectd_value_t *v, xerr_t *err);
/* Sets key `name` of a schemaless object (STRUCT without schema, or MAP),
 * replacing an existing entry in place. 0 or -1 (out of memory). */
int xf_map_put(arena_t *a, connectd_value_t *m, const char *name,
               connectd_value_t *v);
/* A new schemaless object with the entries of `m` (a shallow copy). */
connectd_value_t *xf_map_copy(arena_t *a, const connectd_value_t *m);
/* SchemaUtil.copySchemaBasics: a new schema of `type` with the name,
 * version, doc and parameters of `from` (required, no default). */
connect_schema_t *xf_schema_basics(arena_t *a, const connect_schema_t *from,
                                   connectd_value_type_t type);
/* Java's (float) d without C's undefined out-of-range conversion. */
float xf_d2f(double d);
/* An out-of-memory error (a DataException text; the task fails). */
int xf_oom(xerr_t *err);

/* ---- String.split(":") ------------------------------------------------ */

/* Java's s.split(":"): trailing empty parts removed (so "a:" is one part
 * and ":" none). *parts malloc'd (xf_list_free). 0 or -1 (OOM). */
int xf_split_colon(const char *s, char ***parts, size_t *n);

/* ---- BigDecimal -------------------------------------------------------- */

typedef struct xf_bigdec {
        int neg;
        char *digits;   /* malloc'd ASCII digits, no leading zeros ("0") */
        int64_t scale;  /* value = digits x 10^-scale */
} xf_bigdec_t;

/* new BigDecimal(s): [+-] digits [. digits] [eE [+-] digits]; nothing
 * else. 0, -1 not a number (NumberFormatException), -2 out of memory. */
int xf_bigdec_parse(const char *s, size_t len, xf_bigdec_t *d);
/* A Decimal value: two's-complement big-endian unscaled bytes, scale. */
int xf_bigdec_from_bytes(const unsigned char *p, size_t len, int64_t scale,
                         xf_bigdec_t *d);
void xf_bigdec_free(xf_bigdec_t *d);
/* longValue(): the integer part (toward zero), low 64 bits. */
int64_t xf_bigdec_long(const xf_bigdec_t *d);
/* doubleValue() / floatValue(): correctly rounded. */
double xf_bigdec_double(const xf_bigdec_t *d);
float xf_bigdec_float(const xf_bigdec_t *d);
/* BigDecimal.toString(). malloc'd. */
char *xf_bigdec_str(const xf_bigdec_t *d);
/* The Decimal bytes of d at `scale` (BigInteger.toByteArray of the
 * unscaled value) in arena, when d has that scale or can take it without
 * rounding: 0, -1 it would round, -2 out of memory. */
int xf_bigdec_bytes(arena_t *a, const xf_bigdec_t *d, int64_t scale,
                    const unsigned char **out, size_t *len);
/* The "scale" parameter of a Decimal schema (0 when missing/bad). */
int64_t xf_decimal_scale(const connect_schema_t *s);

#endif
