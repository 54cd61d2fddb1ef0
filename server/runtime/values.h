/*
 * values — Kafka Connect's org.apache.kafka.connect.data.Values: a Connect
 * value from its text form (parseString, what InsertHeader and
 * SimpleHeaderConverter read) and a value's text form (convertToString,
 * what SimpleHeaderConverter writes).
 *
 * Results live in the caller's arena (record.h) and follow data.h's value
 * model; logical Date/Time/Timestamp values are INT32 days / INT32 ms of
 * the day / INT64 epoch ms under the schemas below. Dates are read and
 * written in UTC (Java uses the JVM's default zone).
 *
 * Pure functions apart from the arena: reentrant.
 */
#ifndef CONNECTD_VALUES_H
#define CONNECTD_VALUES_H

#include <stddef.h>

#include "buf.h"
#include "data.h"
#include "record.h"

/* Java's Date.SCHEMA, Time.SCHEMA and Timestamp.SCHEMA (required, version
 * 1). Static, never freed. */
extern const connect_schema_t values_date_schema, values_time_schema,
        values_timestamp_schema;

/* Values.parseString of the len bytes at s (UTF-8, need not be
 * NUL-ended): "true"/"false" -> BOOLEAN; "null" -> *schema and *value NULL;
 * an integer -> the smallest of INT8, INT16, INT32, INT64 (a Decimal of
 * scale 0 beyond); a decimal -> FLOAT32, else FLOAT64 when the float
 * overflows (a Decimal when both do); "yyyy-MM-dd", "HH:mm:ss.SSS'Z'",
 * "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" -> Date, Time, Timestamp; "[a, b]" -> an
 * ARRAY, "{k: v}" -> a MAP (entries in text order) with the schemas Java
 * infers (items made to fit a common schema; an ARRAY/MAP whose item
 * schema is unknown has value_schema NULL); anything else, "" included ->
 * the text itself as a STRING. *schema is Java's (required primitive
 * schemas, the logical schemas above, built ARRAY/MAP schemas).
 * 0, or -1 when out of memory (arena limit). */
int values_parse_string(arena_t *a, const char *s, size_t len,
                        const connect_schema_t **schema,
                        connectd_value_t **value);

/* Values.convertToString: a STRING as is, numbers as Java's toString,
 * true/false, BYTES in Base64, an ARRAY as [a,b] and a MAP / schemaless
 * object / Struct as {"k":v,...} (strings inside quoted with \ and "
 * escaped; a MAP in entry order, a schemaless object in java.util.HashMap
 * order, a Struct in schema order with nulls as null), Date/Time/Timestamp
 * as yyyy-MM-dd / HH:mm:ss.SSS'Z' / yyyy-MM-dd'T'HH:mm:ss.SSS'Z' (chosen
 * by the value as Java does), Decimal as BigDecimal.toString. schema may
 * be NULL (types then come from the values). malloc'd (caller frees);
 * NULL for a null value or when out of memory. */
char *values_to_string(const connect_schema_t *schema,
                       const connectd_value_t *v);

/* ---- helpers for the Java text forms (value_to_text, converters) ----- */

/* Decimals longer than this many bytes print in Base64 (the digit
 * conversion is quadratic). */
#define VALUES_MAX_DECIMAL_BYTES 4096

/* The members of a MAP or schemaless object in the order a
 * java.util.HashMap holding them iterates (16 buckets, doubled while more
 * than 3/4 full; by bucket of hash ^ hash >>> 16, then insertion order;
 * keys hash as their Java class does). malloc'd array of *n pointers, NULL
 * when out of memory. A bucket of 8+ colliding keys is a tree bin in Java
 * and may iterate otherwise. */
const value_field_t **values_hashmap_order(const connectd_value_t *v,
                                           size_t *n);
/* The unscaled bytes of a Decimal from its decimal digits[0..n) (most
 * significant first, leading zeros allowed) and sign: two's-complement
 * big-endian, the fewest bytes that keep the sign (BigInteger.toByteArray),
 * in the arena. NULL when out of memory, or (with *too_large set, if
 * given) when they would take more than VALUES_MAX_DECIMAL_BYTES. */
connectd_value_t *values_decimal_bytes(arena_t *a, const char *digits,
                                       size_t n, int neg, int *too_large);
/* BigDecimal.toString of a Decimal (two's-complement big-endian unscaled
 * bytes, scale). snprintf-like: returns the full length; 0 (and "") when
 * len > VALUES_MAX_DECIMAL_BYTES or out of memory. */
size_t values_decimal_text(const void *bytes, size_t len, int32_t scale,
                           char *buf, size_t bufsize);
/* Values.dateFormatFor(d).format(d) in UTC: ms < one day ->
 * HH:mm:ss.SSS'Z', whole days -> yyyy-MM-dd, else
 * yyyy-MM-dd'T'HH:mm:ss.SSS'Z'. snprintf-like. */
size_t values_date_text(int64_t ms, char *buf, size_t bufsize);
/* The proleptic Gregorian date of a day count since 1970-01-01. */
void values_civil_from_days(int64_t days, int64_t *y, unsigned *m,
                            unsigned *d);
/* A Decimal schema's "scale" parameter (0 when missing; clamped to
 * int32). */
int32_t values_decimal_scale(const connect_schema_t *s);
/* The epoch ms of a Date (days), Time or Timestamp value. */
int64_t values_logical_ms(const connect_schema_t *s,
                          const connectd_value_t *v);
/* Standard padded Base64 of n bytes appended to out. 0 or -1. */
int values_base64(buf_t *out, const void *data, size_t n);

#endif
