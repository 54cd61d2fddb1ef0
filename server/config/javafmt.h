/*
 * javafmt — numbers and booleans written and read exactly as Java (and so
 * Kafka Connect's ConfigDef) writes and reads them. Every place that turns
 * a double into a config string or record text, or reads an integer,
 * double or boolean from a config value, goes through here.
 *
 * All functions are pure and reentrant.
 */
#ifndef CONNECTD_JAVAFMT_H
#define CONNECTD_JAVAFMT_H

#include <stddef.h>

/* Enough for any java_double_str result ("-4.9E-324",
 * "-1.7976931348623157E308", "-0.0012345678901234567") plus the NUL. */
#define JAVA_DOUBLE_BUFSZ 32

/* Double.toString(d) (the JDK 19+ specification): the shortest decimal
 * that reads back as d (at least two significant digits considered, the
 * closest one when several qualify), written plain ("0.001", "100.0",
 * "1234567.0") for 1e-3 <= |d| < 1e7 and as "d.dddE[-]n" otherwise
 * ("1.0E7", "1.0E-5", "4.9E-324"); "NaN", "Infinity", "-Infinity", "0.0",
 * "-0.0". Writes at most bufsize bytes including the NUL (truncating like
 * snprintf) and returns the full length. */
size_t java_double_str(double d, char *buf, size_t bufsize);

/* Float.toString(f): the same rules for a float (the shortest decimal that
 * reads back as f as a float): "1.1", "3.4028235E38", "1.4E-45". */
size_t java_float_str(float f, char *buf, size_t bufsize);

/* Long.parseLong(s) restricted to [lo, hi] (Integer.parseInt and
 * Short.parseShort with their ranges): an optional '+' or '-', then one or
 * more ASCII digits, nothing else (no blanks, no "0x", no '_'). 0 with *out
 * set, or -1 (not a number, or outside [lo, hi]; no overflow can wrap). */
int java_parse_long(const char *s, long long lo, long long hi,
                    long long *out);

/* Double.parseDouble(s) on a string that has already been trimmed: an
 * optional sign, then "NaN", "Infinity", a decimal ("1", "1.", ".5",
 * "1e10", "1.5E-3") or a hexadecimal ("0x1.8p3") significand, each
 * decimal or hex form optionally followed by one of f F d D. 0 with *out
 * set, or -1. */
int java_parse_double(const char *s, double *out);

/* ConfigDef's BOOLEAN parsing: the value trimmed (String.trim) and
 * compared case-insensitively with "true" / "false". 1, 0, or -1. */
int java_parse_boolean(const char *s);

/* String.trim(): s without the leading and trailing chars <= ' '. Returns
 * the first kept char and its length in *len (s itself is not changed). */
const char *java_trim(const char *s, size_t *len);

/* java_trim into a new string (malloc; caller frees). NULL if out of
 * memory. */
char *java_trim_dup(const char *s);

#endif
