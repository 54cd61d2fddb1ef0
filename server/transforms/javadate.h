/*
 * javadate — java.text.SimpleDateFormat in the UTC zone with English
 * (en_US) names: what TimestampConverter and TimestampRouter format and
 * parse with.
 *
 * DESIGN
 * A pattern is compiled once (SimpleDateFormat.compile): letters of
 * "GyMdkHmsSEDFwWahKzZYuXL" are fields, runs of one letter form one field
 * whose count is the run length, any other ASCII letter is an error,
 * '...' quotes text and '' is a quote, everything else is literal text.
 *
 * Formatting follows SimpleDateFormat.subFormat on a GregorianCalendar
 * (Julian calendar before 1582-10-15, era BC for years <= 0, Sunday first
 * day of the week, one day minimal in the first week): numbers are zero
 * padded to the letter count ("yy" keeps the last two digits), M/L with 3
 * letters "Jan", 4+ "January", E below 4 "Mon", 4+ "Monday", a "AM"/"PM",
 * G "AD"/"BC", z "UTC" (4+: "Coordinated Universal Time"), Z "+0000",
 * X "Z", k 1-24, h 1-12, S the milliseconds as an integer.
 *
 * Parsing follows SimpleDateFormat.parse(String) with a lenient calendar:
 * blanks and tabs before a field are skipped, a number takes all the
 * digits it finds unless the next pattern element is a numeric field (then
 * exactly `count` characters are read), names match case-insensitively
 * (the longest of long and short), two-digit years ("y"/"yy" and exactly
 * two digits) go into the 80-years-back/20-years-forward century, fields
 * out of range roll over (month 13 is January of the next year), the
 * most recently parsed fields win in Calendar's field resolution, zone
 * offsets (Z, X, z: "+hhmm", "GMT+h:mm", "UTC", "GMT") shift the instant,
 * and input after the pattern is ignored.
 * Not emulated: zone names other than UTC/GMT, Unicode digits, numbers
 * written with an exponent.
 *
 * Threads: a compiled format is immutable and may be shared.
 */
#ifndef CONNECTD_JAVADATE_H
#define CONNECTD_JAVADATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct javadate javadate_t;

/* new SimpleDateFormat(pattern). NULL when the pattern is bad, with the
 * IllegalArgumentException message in err: "Illegal pattern character
 * 'c'", "Unterminated quote", "invalid ISO 8601 format: length=4"; or
 * "Out of memory". */
javadate_t *javadate_new(const char *pattern, char *err, size_t errsize);
void javadate_free(javadate_t *f);
const char *javadate_pattern(const javadate_t *f);

/* format(new Date(ms)) in UTC: a malloc'd string, NULL out of memory. */
char *javadate_format(const javadate_t *f, int64_t ms);

/* parse(text) in UTC: 0 with *ms set, or -1 (Java's ParseException:
 * "Unparseable date"). Two-digit years are placed relative to the current
 * time; javadate_parse_at takes that time explicitly. */
int javadate_parse(const javadate_t *f, const char *text, int64_t *ms);
int javadate_parse_at(const javadate_t *f, const char *text, int64_t now_ms,
                      int64_t *ms);

#endif
