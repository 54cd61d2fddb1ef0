/*
 * jregex — Java's java.util.regex on top of PCRE2: what RegexRouter,
 * TopicNameMatches, the env config provider's allowlist and the topic
 * creation groups need (Pattern.compile, Matcher.matches/find,
 * replaceFirst/replaceAll).
 *
 * DESIGN
 * A Java pattern is rewritten where Java and PCRE2 spell the same thing
 * differently, then compiled with PCRE2_UTF (invalid UTF-8 in a subject
 * never matches instead of failing) and Java's set of line terminators
 * (\n, \r\n, \r, U+0085, U+2028, U+2029) for `.` and `$`:
 *  - \uhhhh becomes \x{hhhh}; \0ooo (Java octal) becomes \o{ooo};
 *  - the POSIX property classes \p{Lower} \p{Upper} \p{ASCII} \p{Alpha}
 *    \p{Digit} \p{Alnum} \p{Punct} \p{Graph} \p{Print} \p{Blank}
 *    \p{Cntrl} \p{XDigit} \p{Space} (and \P{..}) become [[:name:]];
 *    \p{IsName} loses its "Is" (scripts, categories, binary properties);
 *  - the inline flags d and u are dropped (UNIX_LINES is not emulated;
 *    case folding is always Unicode), U (UNICODE_CHARACTER_CLASS) turns
 *    on PCRE2_UCP for the whole pattern.
 * Same in both and passed through: possessive and lazy quantifiers,
 * atomic groups, look-around, named groups (?<n>..) and \k<n>, \Q..\E,
 * \h \v \R \X \A \z \Z \G, \xhh, \x{h..}, \cX, inline i m s x.
 * Known gaps (documented, not emulated): Java's nested character classes
 * (any unescaped [ inside a class) and && intersections (rejected with
 * "Character class union and intersection are not supported"), \p{InBlock} and \p{javaXxx},
 * \N{name}, \b{g}, whitespace inside a class under (?x), variable-length
 * look-behind beyond what PCRE2 accepts, and offsets in messages count
 * UTF-8 characters of the pattern as written.
 *
 * Errors: Java's PatternSyntaxException.getMessage() shape with PCRE2's
 * description: "<description> near index <n>\n<pattern>[\n    ^]".
 *
 * Threads: a compiled pattern is immutable and may be shared by threads;
 * every matching call allocates its own match data.
 */
#ifndef CONNECTD_JREGEX_H
#define CONNECTD_JREGEX_H

#include <stddef.h>

typedef struct jregex jregex_t;

/* Pattern.compile(pattern). NULL on a syntax error (message in err, see
 * above) or out of memory ("Out of memory"). */
jregex_t *jregex_compile(const char *pattern, char *err, size_t errsize);
void jregex_free(jregex_t *re);
/* The pattern as given to jregex_compile. */
const char *jregex_pattern(const jregex_t *re);
/* Number of capturing groups (Matcher.groupCount()). */
int jregex_groups(const jregex_t *re);

/* Matcher.matches(): 1 when the whole subject matches, else 0 (also when
 * the engine gives up, e.g. on its match limit). */
int jregex_matches(const jregex_t *re, const char *s, size_t len);
/* Matcher.find() from byte offset `from`: 1 with the match in
 * [*start, *end), or 0. */
int jregex_find(const jregex_t *re, const char *s, size_t len, size_t from,
                size_t *start, size_t *end);

/* Return codes of jregex_replace besides 0. */
#define JREGEX_EIAE   -1 /* java.lang.IllegalArgumentException */
#define JREGEX_EINDEX -2 /* java.lang.IndexOutOfBoundsException */
#define JREGEX_ENOMEM -3

/* Matcher.replaceFirst (all == 0) / replaceAll (all == 1): `replacement`
 * with $n, ${name} and \x (a literal x), parsed like Java does (the
 * longest $n that names an existing group; a group that did not take part
 * adds nothing). 0 with *out a malloc'd NUL-ended string (the subject
 * unchanged when nothing matches), or a JREGEX_E* code with Java's message
 * in err ("Illegal group reference", "No group 3", "No group with name
 * {x}", "character to be escaped is missing", ...). */
int jregex_replace(const jregex_t *re, const char *s, size_t len,
                   const char *replacement, int all, char **out, char *err,
                   size_t errsize);

/* Java's class name for a JREGEX_E* code ("java.lang.IllegalArgument..."). */
const char *jregex_error_class(int code);

#endif
