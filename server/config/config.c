/*
 * config — Java .properties files, connector config files and the worker
 * config table.
 *
 * DESIGN
 *
 * Properties: props_parse_* follow java.util.Properties.load line for line:
 * a reader joins natural lines into logical lines (comments, blank lines,
 * backslash continuation with the next line's leading blanks dropped), then
 * each logical line splits into key and value at the first unescaped '=',
 * ':' or blank, and both are unescaped (\t \n \r \f, \uXXXX to UTF-8, any
 * other escaped char stands for itself). Java reads a byte stream as
 * ISO-8859-1; we read UTF-8 and fall back to ISO-8859-1 only when the text
 * is not valid UTF-8, so both kinds of files give the characters meant.
 * Scratch buffers are sized once from the input length (a logical line is
 * never longer than the text, unescaping never grows it); files have a size
 * ceiling (PROPS_MAX_BYTES).
 *
 * Worker config: ONE table of rows (wc_defs_table) — name, type, default,
 * doc, optional extra check. worker_config_check, wc_get* and anything that
 * documents the worker config read these rows; add a key by adding a row.
 * Keys under wc_prefixes_table pass unchecked (client and converter
 * settings, per-logger levels). Messages copy Kafka Connect's ConfigDef
 * wording ("Invalid value V for configuration K: ..."). Values are read
 * as ConfigDef reads them: trimmed, then javafmt's Long.parseLong and
 * boolean rules; JSON reals in connector files become Double.toString
 * text, exactly as the REST API coerces them.
 *
 * Threads: every function is reentrant; the tables are read-only.
 */
#include "config.h"
#include "converter.h"
#include "javafmt.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ceiling on a properties or connector file. */
#define PROPS_MAX_BYTES (16u * 1024 * 1024)

/* ======================================================================
 * Java .properties
 * ====================================================================== */

static int is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\f';
}

/* Strict UTF-8 check: no overlong forms, no surrogates, <= U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n)
{
        size_t i = 0;

        while (i < n) {
                unsigned char c = s[i];
                size_t k, len;
                unsigned long cp;

                if (c < 0x80) {
                        i++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf) {
                        len = 2;
                        cp = c & 0x1f;
                } else if (c >= 0xe0 && c <= 0xef) {
                        len = 3;
                        cp = c & 0x0f;
                } else if (c >= 0xf0 && c <= 0xf4) {
                        len = 4;
                        cp = c & 0x07;
                } else {
                        return 0;
                }
                if (i + len > n)
                        return 0;
                for (k = 1; k < len; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return 0;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return 0;
                i += len;
        }
        return 1;
}

/* ISO-8859-1 to UTF-8; malloc'd, caller frees. */
static char *latin1_to_utf8(const char *s, size_t n)
{
        char *out = malloc(2 * n + 1), *o = out;
        size_t i;

        if (!out)
                return NULL;
        for (i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];

                if (c < 0x80) {
                        *o++ = (char)c;
                } else {
                        *o++ = (char)(0xc0 | (c >> 6));
                        *o++ = (char)(0x80 | (c & 0x3f));
                }
        }
        *o = '\0';
        return out;
}

static size_t utf8_put(char *o, unsigned long cp)
{
        if (cp < 0x80) {
                o[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (char)(0xc0 | (cp >> 6));
                o[1] = (char)(0x80 | (cp & 0x3f));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (char)(0xe0 | (cp >> 12));
                o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                o[2] = (char)(0x80 | (cp & 0x3f));
                return 3;
        }
        o[0] = (char)(0xf0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (char)(0x80 | (cp & 0x3f));
        return 4;
}

/* Reads 4 hex digits at in[*i..]; -1 if malformed. Advances *i. */
static long hex4(const char *in, size_t n, size_t *i)
{
        long v = 0;
        size_t k;

        if (*i + 4 > n)
                return -1;
        for (k = 0; k < 4; k++) {
                char c = in[*i + k];

                v <<= 4;
                if (c >= '0' && c <= '9')
                        v |= c - '0';
                else if (c >= 'a' && c <= 'f')
                        v |= c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                        v |= c - 'A' + 10;
                else
                        return -1;
        }
        *i += 4;
        return v;
}

/* Java's loadConvert: unescapes in[0..n) into out (capacity >= n + 1,
 * NUL-terminated). Returns 0, or -1 with a reason in why. */
static int props_unescape(const char *in, size_t n, char *out,
                          const char **why)
{
        size_t i = 0, o = 0;

        while (i < n) {
                char c = in[i++];
                long u, lo;

                if (c != '\\') {
                        out[o++] = c;
                        continue;
                }
                if (i == n) /* lone trailing backslash: Java drops it */
                        break;
                c = in[i++];
                switch (c) {
                case 't': out[o++] = '\t'; break;
                case 'n': out[o++] = '\n'; break;
                case 'r': out[o++] = '\r'; break;
                case 'f': out[o++] = '\f'; break;
                case 'u':
                        u = hex4(in, n, &i);
                        if (u < 0) {
                                *why = "malformed \\uxxxx encoding";
                                return -1;
                        }
                        if (u == 0) {
                                *why = "\\u0000 (NUL) is not supported";
                                return -1;
                        }
                        if (u >= 0xdc00 && u <= 0xdfff) {
                                *why = "\\u escape is a lone low surrogate";
                                return -1;
                        }
                        if (u >= 0xd800 && u <= 0xdbff) {
                                /* UTF-16 pair: the low half must follow. */
                                if (i + 2 > n || in[i] != '\\' ||
                                    in[i + 1] != 'u') {
                                        *why = "\\u escape is a lone high "
                                               "surrogate";
                                        return -1;
                                }
                                i += 2;
                                lo = hex4(in, n, &i);
                                if (lo < 0xdc00 || lo > 0xdfff) {
                                        *why = "\\u escape is a lone high "
                                               "surrogate";
                                        return -1;
                                }
                                u = 0x10000 + ((u - 0xd800) << 10) +
                                    (lo - 0xdc00);
                        }
                        o += utf8_put(out + o, (unsigned long)u);
                        break;
                default:
                        out[o++] = c;
                        break;
                }
        }
        out[o] = '\0';
        return 0;
}

struct props_reader {
        const char *p;
        const char *end;
        int line;      /* natural line of p, 1-based */
};

/* Consumes one line terminator (\n, \r or \r\n) whose first char was c. */
static void eat_eol(struct props_reader *rd, char c)
{
        if (c == '\r' && rd->p < rd->end && *rd->p == '\n')
                rd->p++;
        rd->line++;
}

/* Java's LineReader.readLine: the next logical line into buf (capacity >=
 * remaining text). Returns its length, -1 at the end. *first_line gets the
 * natural line it started on. */
static long read_logical_line(struct props_reader *rd, char *buf,
                              int *first_line)
{
        size_t len = 0;
        int skip_ws = 1, new_line = 1, comment = 0, appended = 0, bs = 0;

        for (;;) {
                char c;

                if (rd->p >= rd->end) {
                        if (len == 0 || comment)
                                return -1;
                        if (bs) /* trailing backslash at end of text */
                                len--;
                        return (long)len;
                }
                c = *rd->p++;
                if (skip_ws) {
                        if (is_blank(c))
                                continue;
                        if (!appended && (c == '\r' || c == '\n')) {
                                eat_eol(rd, c);
                                continue;
                        }
                        skip_ws = 0;
                        appended = 0;
                }
                if (new_line) {
                        new_line = 0;
                        *first_line = rd->line;
                        if (c == '#' || c == '!') {
                                comment = 1;
                                continue;
                        }
                }
                if (c != '\n' && c != '\r') {
                        if (comment)
                                continue;
                        buf[len++] = c;
                        bs = c == '\\' ? !bs : 0;
                        continue;
                }
                eat_eol(rd, c);
                if (comment || len == 0) {
                        /* A comment never continues. */
                        comment = 0;
                        new_line = 1;
                        skip_ws = 1;
                        len = 0;
                        bs = 0;
                        continue;
                }
                if (bs) {
                        len--; /* drop the continuation backslash */
                        skip_ws = 1;
                        appended = 1;
                        bs = 0;
                        continue;
                }
                return (long)len;
        }
}

/* Parses text[0..n) (valid UTF-8, no NUL). `source` names the input in
 * errors (a path, or NULL for "line N"). */
static json_t *props_parse_utf8(const char *text, size_t n,
                                const char *source, char *errstr,
                                size_t errstr_size)
{
        struct props_reader rd = {text, text + n, 1};
        json_t *props = json_object(), *result = NULL;
        char *line = malloc(n + 1), *key = malloc(n + 1), *val = malloc(n + 1);
        long len;
        int first_line = 1;

        if (!props || !line || !key || !val) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        while ((len = read_logical_line(&rd, line, &first_line)) >= 0) {
                size_t limit = (size_t)len, key_len = 0, vstart = limit;
                int has_sep = 0, bs = 0;
                const char *why = NULL;

                /* Key ends at the first unescaped separator or blank. */
                while (key_len < limit) {
                        char c = line[key_len];

                        if ((c == '=' || c == ':') && !bs) {
                                vstart = key_len + 1;
                                has_sep = 1;
                                break;
                        }
                        if (is_blank(c) && !bs) {
                                vstart = key_len + 1;
                                break;
                        }
                        bs = c == '\\' ? !bs : 0;
                        key_len++;
                }
                /* Blanks, then at most one '=' or ':' if none was seen. */
                while (vstart < limit) {
                        char c = line[vstart];

                        if (!is_blank(c)) {
                                if (!has_sep && (c == '=' || c == ':'))
                                        has_sep = 1;
                                else
                                        break;
                        }
                        vstart++;
                }
                if (props_unescape(line, key_len, key, &why) ||
                    props_unescape(line + vstart, limit - vstart, val, &why)) {
                        if (source)
                                snprintf(errstr, errstr_size, "%s:%d: %s",
                                         source, first_line, why);
                        else
                                snprintf(errstr, errstr_size, "line %d: %s",
                                         first_line, why);
                        goto out;
                }
                /* Last duplicate wins; jansson keeps the first position. */
                if (json_object_set_new(props, key, json_string(val))) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out;
                }
        }
        result = props;
        props = NULL;
out:
        json_decref(props);
        free(line);
        free(key);
        free(val);
        return result;
}

/* text[0..n): any bytes; NUL is an error. */
static json_t *props_parse_bytes(const char *text, size_t n,
                                 const char *source, char *errstr,
                                 size_t errstr_size)
{
        char *conv = NULL;
        json_t *props;

        if (memchr(text, '\0', n)) {
                snprintf(errstr, errstr_size, "%s%scontains a NUL byte",
                         source ? source : "", source ? ": " : "");
                return NULL;
        }
        if (!utf8_valid((const unsigned char *)text, n)) {
                /* What Java's Properties.load(InputStream) assumes. */
                conv = latin1_to_utf8(text, n);
                if (!conv) {
                        snprintf(errstr, errstr_size, "out of memory");
                        return NULL;
                }
                text = conv;
                n = strlen(conv);
        }
        props = props_parse_utf8(text, n, source, errstr, errstr_size);
        free(conv);
        return props;
}

json_t *props_parse_string(const char *text, char *errstr, size_t errstr_size)
{
        if (!text) {
                snprintf(errstr, errstr_size, "no properties text");
                return NULL;
        }
        return props_parse_bytes(text, strlen(text), NULL, errstr,
                                 errstr_size);
}

/* Whole file into a malloc'd buffer (NUL-terminated), with the ceiling. */
static char *read_file(const char *path, size_t *n, char *errstr,
                       size_t errstr_size)
{
        FILE *f = NULL;
        char *buf = NULL, *result = NULL;
        size_t cap = 0, len = 0;

        f = fopen(path, "rb");
        if (!f) {
                snprintf(errstr, errstr_size, "cannot read %s: %s", path,
                         strerror(errno));
                goto out;
        }
        for (;;) {
                size_t got;

                if (cap - len < 4096) {
                        size_t ncap = cap ? cap * 2 : 8192;
                        char *nb;

                        if (ncap > PROPS_MAX_BYTES + 4097)
                                ncap = PROPS_MAX_BYTES + 4097;
                        nb = realloc(buf, ncap);
                        if (!nb) {
                                snprintf(errstr, errstr_size,
                                         "out of memory reading %s", path);
                                goto out;
                        }
                        buf = nb;
                        cap = ncap;
                }
                got = fread(buf + len, 1, cap - len - 1, f);
                len += got;
                if (len > PROPS_MAX_BYTES) {
                        snprintf(errstr, errstr_size,
                                 "%s is larger than %u bytes", path,
                                 PROPS_MAX_BYTES);
                        goto out;
                }
                if (got == 0)
                        break;
        }
        if (ferror(f)) {
                snprintf(errstr, errstr_size, "cannot read %s: %s", path,
                         strerror(errno));
                goto out;
        }
        buf[len] = '\0';
        *n = len;
        result = buf;
        buf = NULL;
out:
        if (f)
                fclose(f);
        free(buf);
        return result;
}

json_t *props_parse_file(const char *path, char *errstr, size_t errstr_size)
{
        size_t n = 0;
        char *text;
        json_t *props;

        if (!path) {
                snprintf(errstr, errstr_size, "no properties file given");
                return NULL;
        }
        text = read_file(path, &n, errstr, errstr_size);
        if (!text)
                return NULL;
        props = props_parse_bytes(text, n, path, errstr, errstr_size);
        free(text);
        return props;
}

/* ======================================================================
 * Connector config files
 * ====================================================================== */

/* A value of a connector config as Connect's string map holds it. */
static json_t *coerce_string(const json_t *v)
{
        char buf[64];

        switch (json_typeof(v)) {
        case JSON_STRING:
                return json_stringn(json_string_value(v),
                                    json_string_length(v));
        case JSON_INTEGER:
                snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(v));
                return json_string(buf);
        case JSON_REAL:
                /* Double.toString, as the REST API coerces it: 1.0E100 */
                java_double_str(json_real_value(v), buf, sizeof(buf));
                return json_string(buf);
        case JSON_TRUE:
                return json_string("true");
        case JSON_FALSE:
                return json_string("false");
        default:
                return NULL;
        }
}

static json_t *flat_config(const json_t *obj, const char *path, char *errstr,
                           size_t errstr_size)
{
        json_t *out = json_object();
        const char *key;
        json_t *v;

        if (!out) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        json_object_foreach((json_t *)obj, key, v) {
                json_t *s = coerce_string(v);

                if (!s) {
                        snprintf(errstr, errstr_size,
                                 "connector file %s: value of '%s' must be a "
                                 "string, number or boolean",
                                 path, key);
                        json_decref(out);
                        return NULL;
                }
                json_object_set_new(out, key, s);
        }
        return out;
}

static int has_json_ext(const char *path)
{
        size_t n = strlen(path);

        return n >= 5 && !strcasecmp(path + n - 5, ".json");
}

static json_t *connector_json_parse(const char *text, size_t n,
                                    const char *path, char *errstr,
                                    size_t errstr_size)
{
        json_error_t jerr;
        json_t *root = NULL, *cfg = NULL, *result = NULL, *inner, *name;

        root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
                snprintf(errstr, errstr_size,
                         "cannot parse connector file %s: line %d, column %d: "
                         "%s",
                         path, jerr.line, jerr.column, jerr.text);
                goto out;
        }
        if (!json_is_object(root)) {
                snprintf(errstr, errstr_size,
                         "connector file %s: expected a JSON object", path);
                goto out;
        }
        inner = json_object_get(root, "config");
        if (!json_is_object(inner)) {
                /* A flat map of settings. */
                result = flat_config(root, path, errstr, errstr_size);
                goto out;
        }
        /* Connect's {"name": .., "config": {..}}: name joins the config. */
        cfg = flat_config(inner, path, errstr, errstr_size);
        if (!cfg)
                goto out;
        name = json_object_get(root, "name");
        if (name && !json_is_string(name)) {
                snprintf(errstr, errstr_size,
                         "connector file %s: \"name\" must be a string",
                         path);
                goto out;
        }
        if (name) {
                const char *inner_name =
                        json_string_value(json_object_get(cfg, "name"));

                if (inner_name && strcmp(inner_name, json_string_value(name))) {
                        snprintf(errstr, errstr_size,
                                 "connector file %s: name \"%s\" does not "
                                 "match config name \"%s\"",
                                 path, json_string_value(name), inner_name);
                        goto out;
                }
                json_object_set_new(cfg, "name",
                                    json_string(json_string_value(name)));
        }
        result = cfg;
        cfg = NULL;
out:
        json_decref(root);
        json_decref(cfg);
        return result;
}

json_t *connector_file_parse(const char *text, size_t n, int is_json,
                             const char *source, char *errstr,
                             size_t errstr_size)
{
        if (!text) {
                snprintf(errstr, errstr_size, "no connector file text");
                return NULL;
        }
        if (!source)
                source = "(text)";
        if (is_json)
                return connector_json_parse(text, n, source, errstr,
                                            errstr_size);
        return props_parse_bytes(text, n, source, errstr, errstr_size);
}

json_t *connector_file_load(const char *path, char *errstr, size_t errstr_size)
{
        size_t n = 0;
        char *text;
        json_t *cfg;

        if (!path || !*path) {
                snprintf(errstr, errstr_size, "no connector file given");
                return NULL;
        }
        text = read_file(path, &n, errstr, errstr_size);
        if (!text)
                return NULL;
        cfg = connector_file_parse(text, n, has_json_ext(path), path, errstr,
                                   errstr_size);
        free(text);
        return cfg;
}

/* ======================================================================
 * Worker config table
 * ====================================================================== */

/* ConfigDef's number parsing: the value trimmed (String.trim), then
 * Long.parseLong restricted to [lo, hi]. */
static int parse_ll(const char *s, long long lo, long long hi, long long *out)
{
        char *t = java_trim_dup(s);
        int rc = t ? java_parse_long(t, lo, hi, out) : -1;

        free(t);
        return rc;
}

static int invalid(const char *name, const char *value, const char *why,
                   char *errstr, size_t errstr_size)
{
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration %s: %s", value, name,
                 why);
        return -1;
}

static int check_log_format(const char *name, const char *value,
                            char *errstr, size_t errstr_size)
{
        if (!strcmp(value, "plain") || !strcmp(value, "json"))
                return 0;
        return invalid(name, value, "String must be one of: plain, json",
                       errstr, errstr_size);
}

static int check_log_level(const char *name, const char *value, char *errstr,
                           size_t errstr_size)
{
        static const char *const levels[] = {"OFF",   "FATAL", "ERROR",
                                             "WARN",  "INFO",  "DEBUG",
                                             "TRACE", "ALL"};
        size_t i;

        for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
                if (!strcasecmp(value, levels[i]))
                        return 0;
        return invalid(name, value,
                       "String must be one of: OFF, FATAL, ERROR, WARN, "
                       "INFO, DEBUG, TRACE, ALL",
                       errstr, errstr_size);
}

static int check_non_negative(const char *name, const char *value,
                              char *errstr, size_t errstr_size)
{
        long long v;

        if (parse_ll(value, 0, LLONG_MAX, &v))
                return invalid(name, value, "Value must be at least 0",
                               errstr, errstr_size);
        return 0;
}

static int check_positive(const char *name, const char *value, char *errstr,
                          size_t errstr_size)
{
        long long v;

        if (parse_ll(value, 1, LLONG_MAX, &v))
                return invalid(name, value, "Value must be at least 1",
                               errstr, errstr_size);
        return 0;
}

static int check_port(const char *name, const char *value, char *errstr,
                      size_t errstr_size)
{
        long long v;

        if (parse_ll(value, 0, 65535, &v))
                return invalid(name, value,
                               "Value must be a port between 0 and 65535",
                               errstr, errstr_size);
        return 0;
}

/* One listener, http(s)://HOST:PORT (HOST may be empty for all interfaces,
 * as in Connect, or a bracketed IPv6 address). */
static int check_one_listener(const char *name, const char *value,
                              const char *p, const char *end, char *errstr,
                              size_t errstr_size)
{
        const char *host, *colon;
        long long port;
        char portbuf[16];
        size_t n;

        while (p < end && (*p == ' ' || *p == '\t'))
                p++;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
        /* RestServer: the protocol, lower-cased, is http or https. */
        {
                const char *sep = strstr(p, "://");

                if (!sep || sep == p || sep > end)
                        return invalid(name, value,
                                       "Listener doesn't have the right "
                                       "format (protocol://hostname:port).",
                                       errstr, errstr_size);
                if (!((sep - p == 4 && !strncasecmp(p, "http", 4)) ||
                      (sep - p == 5 && !strncasecmp(p, "https", 5))))
                        return invalid(name, value,
                                       "Listener protocol must be either "
                                       "\"http\" or \"https\".",
                                       errstr, errstr_size);
        }
        if ((size_t)(end - p) >= 8 && !strncasecmp(p, "https://", 8))
                host = p + 8;
        else if ((size_t)(end - p) >= 7 && !strncasecmp(p, "http://", 7))
                host = p + 7;
        else
                return invalid(name, value,
                               "listener must look like http://HOST:PORT "
                               "or https://HOST:PORT",
                               errstr, errstr_size);
        if (host < end && *host == '[') {
                const char *rb = memchr(host, ']', (size_t)(end - host));

                if (!rb || rb + 1 >= end || rb[1] != ':')
                        return invalid(name, value,
                                       "listener must look like "
                                       "http://HOST:PORT",
                                       errstr, errstr_size);
                colon = rb + 1;
        } else {
                colon = memchr(host, ':', (size_t)(end - host));
                if (!colon || memchr(colon + 1, ':',
                                     (size_t)(end - colon - 1)) ||
                    memchr(host, '/', (size_t)(colon - host)))
                        return invalid(name, value,
                                       "listener must look like "
                                       "http://HOST:PORT",
                                       errstr, errstr_size);
        }
        n = (size_t)(end - colon - 1);
        if (n == 0 || n >= sizeof(portbuf))
                return invalid(name, value,
                               "listener must look like http://HOST:PORT",
                               errstr, errstr_size);
        memcpy(portbuf, colon + 1, n);
        portbuf[n] = '\0';
        if (portbuf[0] < '0' || portbuf[0] > '9' ||
            parse_ll(portbuf, 0, 65535, &port))
                return invalid(name, value,
                               "listener port must be a number between 0 "
                               "and 65535",
                               errstr, errstr_size);
        return 0;
}

/* Comma-separated listeners (at most 4), http:// and/or https://. */
static int check_listeners(const char *name, const char *value, char *errstr,
                           size_t errstr_size)
{
        const char *p = value, *comma;
        int count = 0;

        for (;;) {
                comma = strchr(p, ',');
                if (++count > 4)
                        return invalid(name, value,
                                       "at most 4 listeners are supported",
                                       errstr, errstr_size);
                if (check_one_listener(name, value, p,
                                       comma ? comma : p + strlen(p), errstr,
                                       errstr_size))
                        return -1;
                if (!comma)
                        return 0;
                p = comma + 1;
        }
}

static int check_client_auth(const char *name, const char *value,
                             char *errstr, size_t errstr_size)
{
        if (!strcasecmp(value, "none") || !strcasecmp(value, "requested") ||
            !strcasecmp(value, "required"))
                return 0;
        return invalid(name, value,
                       "String must be one of: none, requested, required",
                       errstr, errstr_size);
}

static int check_tls_protocols(const char *name, const char *value,
                               char *errstr, size_t errstr_size)
{
        const char *p = value;
        int n = 0;

        while (*p) {
                size_t len;

                while (*p == ' ' || *p == '\t' || *p == ',')
                        p++;
                len = strcspn(p, ", \t");
                if (!len)
                        break;
                if (!((len == 7 && !strncmp(p, "TLSv1.2", 7)) ||
                      (len == 7 && !strncmp(p, "TLSv1.3", 7))))
                        return invalid(name, value,
                                       "supported protocols are TLSv1.2 and "
                                       "TLSv1.3",
                                       errstr, errstr_size);
                n++;
                p += len;
        }
        if (!n)
                return invalid(name, value, "no protocol given", errstr,
                               errstr_size);
        return 0;
}

static int check_store_type(const char *name, const char *value,
                            char *errstr, size_t errstr_size)
{
        if (!strcasecmp(value, "PEM"))
                return 0;
        return invalid(name, value,
                       "only PEM is supported (JKS and PKCS12 are not)",
                       errstr, errstr_size);
}

/* key.converter, value.converter: a Converter we have (ConfigDef's CLASS
 * value is trimmed first). */
static int check_converter(const char *name, const char *value,
                           char *errstr, size_t errstr_size)
{
        char *t = java_trim_dup(value);
        char why[600];
        int ok = t && converter_known(t);

        snprintf(why, sizeof(why), "Class %s could not be found.",
                 t ? t : value);
        free(t);
        return ok ? 0 : invalid(name, value, why, errstr, errstr_size);
}

/* header.converter: a HeaderConverter; ours all are, and so is Connect's
 * default SimpleHeaderConverter. */
static int check_header_converter(const char *name, const char *value,
                                  char *errstr, size_t errstr_size)
{
        char *t = java_trim_dup(value);
        int ok = t && converter_header_known(t);

        free(t);
        return ok ? 0 : check_converter(name, value, errstr, errstr_size);
}

/* connector.client.config.override.policy: Connect's three policies, by
 * alias (any case, as connectd always took them) or class name. */
static const struct {
        const char *alias, *simple, *full;
} override_policies[] = {
        {"All", "AllConnectorClientConfigOverridePolicy",
         "org.apache.kafka.connect.connector.policy."
         "AllConnectorClientConfigOverridePolicy"},
        {"None", "NoneConnectorClientConfigOverridePolicy",
         "org.apache.kafka.connect.connector.policy."
         "NoneConnectorClientConfigOverridePolicy"},
        {"Principal", "PrincipalConnectorClientConfigOverridePolicy",
         "org.apache.kafka.connect.connector.policy."
         "PrincipalConnectorClientConfigOverridePolicy"},
};

static const char *override_policy_alias(const char *value)
{
        size_t i, n;
        const char *t = java_trim(value, &n);

        for (i = 0; i < sizeof(override_policies) /
                                sizeof(override_policies[0]); i++) {
                const char *a = override_policies[i].alias;

                if ((n == strlen(a) && !strncasecmp(t, a, n)) ||
                    (n == strlen(override_policies[i].simple) &&
                     !strncmp(t, override_policies[i].simple, n)) ||
                    (n == strlen(override_policies[i].full) &&
                     !strncmp(t, override_policies[i].full, n)))
                        return a;
        }
        return NULL;
}

static int check_override_policy(const char *name, const char *value,
                                 char *errstr, size_t errstr_size)
{
        if (override_policy_alias(value))
                return 0;
        return invalid(name, value,
                       "Failed to find any class that implements "
                       "ConnectorClientConfigOverridePolicy and which name "
                       "matches it; available policies are All, None and "
                       "Principal (or their "
                       "org.apache.kafka.connect.connector.policy.*"
                       "ConnectorClientConfigOverridePolicy class names)",
                       errstr, errstr_size);
}

const char *wc_override_policy(const json_t *props)
{
        const char *alias = override_policy_alias(
                wc_get(props, "connector.client.config.override.policy"));

        return alias ? alias : "None";
}

/* bootstrap.servers, when given, names at least one broker (leave the key
 * out for the embedded cluster). */
static int check_bootstrap(const char *name, const char *value, char *errstr,
                           size_t errstr_size)
{
        const char *p;

        for (p = value; *p; p++)
                if ((unsigned char)*p > ' ' && *p != ',')
                        return 0;
        return invalid(name, value,
                       "no broker given (host:port,...); leave "
                       "bootstrap.servers out to use the embedded cluster",
                       errstr, errstr_size);
}

/* Internal topics' partitions and replication factor: -1 (the broker's
 * default) or at least 1, as Connect's TopicCreationConfig. */
static int check_minus_one_or_positive(const char *name, const char *value,
                                       char *errstr, size_t errstr_size)
{
        long long v;

        if (parse_ll(value, -1, LLONG_MAX, &v) || v == 0)
                return invalid(name, value, "Value must be -1 or at least 1",
                               errstr, errstr_size);
        return 0;
}

/* A replication factor is a Java short. */
static int check_replication_factor(const char *name, const char *value,
                                    char *errstr, size_t errstr_size)
{
        long long v;

        if (parse_ll(value, -32768, 32767, &v))
                return invalid(name, value, "Not a number of type SHORT",
                               errstr, errstr_size);
        return check_minus_one_or_positive(name, value, errstr,
                                           errstr_size);
}

static int check_not_empty(const char *name, const char *value, char *errstr,
                           size_t errstr_size)
{
        char *t = java_trim_dup(value);
        int empty = !t || !*t;

        free(t);
        if (empty)
                return invalid(name, value, "must not be empty", errstr,
                               errstr_size);
        return 0;
}

static int check_group_id(const char *name, const char *value, char *errstr,
                          size_t errstr_size)
{
        if (check_not_empty(name, value, errstr, errstr_size))
                return invalid(name, value,
                               "must not be empty (leave group.id out for a "
                               "standalone worker)",
                               errstr, errstr_size);
        return 0;
}

/* connect.protocol: ConnectProtocolCompatibility's names, any case. */
static int check_connect_protocol(const char *name, const char *value,
                                  char *errstr, size_t errstr_size)
{
        if (!strcasecmp(value, "eager") || !strcasecmp(value, "compatible") ||
            !strcasecmp(value, "sessioned"))
                return 0;
        return invalid(name, value,
                       "Invalid Connect protocol compatibility (eager, "
                       "compatible or sessioned)",
                       errstr, errstr_size);
}

/* exactly.once.source.support: Connect's values are disabled, preparing
 * and enabled (any case); connectd runs only disabled. */
static int check_eos(const char *name, const char *value, char *errstr,
                     size_t errstr_size)
{
        if (!strcasecmp(value, "disabled"))
                return 0;
        if (!strcasecmp(value, "preparing") || !strcasecmp(value, "enabled"))
                return invalid(name, value,
                               "exactly-once source support is not "
                               "available in connectd; only disabled is "
                               "supported",
                               errstr, errstr_size);
        return invalid(name, value,
                       "String must be one of (case insensitive): DISABLED, "
                       "PREPARING, ENABLED",
                       errstr, errstr_size);
}

/* The MAC algorithms connectd has for internal request keys and
 * signatures (JCA names are case-insensitive). */
static int mac_supported(const char *alg)
{
        return !strcasecmp(alg, "HmacSHA256");
}

static int check_mac_algorithm(const char *name, const char *value,
                               char *errstr, size_t errstr_size)
{
        char *t = java_trim_dup(value);
        int ok = t && mac_supported(t);

        free(t);
        if (ok)
                return 0;
        return invalid(name, value,
                       "the algorithm is not supported by connectd; the "
                       "supported algorithms are: [HmacSHA256]",
                       errstr, errstr_size);
}

static int check_mac_algorithms(const char *name, const char *value,
                                char *errstr, size_t errstr_size)
{
        char *copy = strdup(value), *save = NULL, *tok;
        int n = 0, rc = 0;

        if (!copy) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        for (tok = strtok_r(copy, ",", &save); tok && !rc;
             tok = strtok_r(NULL, ",", &save)) {
                char *t = java_trim_dup(tok);

                if (t && *t) {
                        n++;
                        if (!mac_supported(t))
                                rc = invalid(name, value,
                                             "the algorithm is not supported "
                                             "by connectd; the supported "
                                             "algorithms are: [HmacSHA256]",
                                             errstr, errstr_size);
                }
                free(t);
        }
        free(copy);
        if (!rc && !n)
                rc = invalid(name, value,
                             "At least one signature verification algorithm "
                             "must be provided",
                             errstr, errstr_size);
        return rc;
}

#define JSON_CONVERTER "org.apache.kafka.connect.json.JsonConverter"

/* The worker's known keys: Kafka Connect's names, then ours (log.*). */
static const wc_def_t wc_defs_table[] = {
        /* ---- Kafka Connect ---- */
        {"bootstrap.servers", WC_TYPE_LIST, NULL,
         "Kafka brokers to connect to (host:port,...). When unset, connectd "
         "starts an embedded Kafka-protocol cluster in-process; when set, it "
         "must name at least one broker.",
         check_bootstrap},
        {"listeners", WC_TYPE_LIST, "http://127.0.0.1:8083",
         "REST listeners, comma-separated http://HOST:PORT and/or "
         "https://HOST:PORT (at most 4; port 0 picks a free port; the "
         "protocol may be in any case, other protocols are refused).",
         check_listeners},
        /* REST HTTPS: Kafka's names; each key also exists with the
         * listeners.https. prefix, and when any listeners.https.* key is
         * set only the prefixed ones are read (as Connect does). */
#define SSL_ROW(key, type, dflt, doc, check)                                  \
        {key, type, dflt, doc, check},                                        \
        {"listeners.https." key, type, dflt,                                  \
         "Like " key " for the https listener; when any listeners.https.* "   \
         "key is set, only those are read.", check}
        SSL_ROW("ssl.keystore.type", WC_TYPE_STRING, NULL,
                "Keystore format of the https listener: PEM (the only one "
                "supported).", check_store_type),
        SSL_ROW("ssl.keystore.location", WC_TYPE_STRING, NULL,
                "PEM file with the https listener's certificate chain "
                "(leaf first) and private key.", NULL),
        SSL_ROW("ssl.keystore.certificate.chain", WC_TYPE_PASSWORD, NULL,
                "The https listener's certificate chain as inline PEM "
                "(instead of ssl.keystore.location).", NULL),
        SSL_ROW("ssl.keystore.key", WC_TYPE_PASSWORD, NULL,
                "The https listener's private key as inline PEM (instead of "
                "ssl.keystore.location).", NULL),
        SSL_ROW("ssl.key.password", WC_TYPE_PASSWORD, NULL,
                "Password of an encrypted private key.", NULL),
        SSL_ROW("ssl.keystore.password", WC_TYPE_PASSWORD, NULL,
                "Not used with PEM (refused: use ssl.key.password).", NULL),
        SSL_ROW("ssl.truststore.type", WC_TYPE_STRING, NULL,
                "Truststore format: PEM (the only one supported).",
                check_store_type),
        SSL_ROW("ssl.truststore.location", WC_TYPE_STRING, NULL,
                "PEM file with the CA certificates client certificates must "
                "chain to.", NULL),
        SSL_ROW("ssl.truststore.certificates", WC_TYPE_PASSWORD, NULL,
                "The trusted CA certificates as inline PEM (instead of "
                "ssl.truststore.location).", NULL),
        SSL_ROW("ssl.truststore.password", WC_TYPE_PASSWORD, NULL,
                "Not used with PEM (refused).", NULL),
        SSL_ROW("ssl.enabled.protocols", WC_TYPE_LIST, "TLSv1.2,TLSv1.3",
                "TLS versions the https listener accepts (TLSv1.2, TLSv1.3).",
                check_tls_protocols),
        SSL_ROW("ssl.client.auth", WC_TYPE_STRING, "none",
                "Client certificates on the https listener: none, requested "
                "(verified when sent) or required.", check_client_auth),
#undef SSL_ROW
        {"rest.auth.basic.credentials.file", WC_TYPE_STRING, NULL,
         "Enables HTTP Basic authentication for the REST API (GET /health "
         "stays open): a file of `user: password` or `user=password` lines "
         "(`#` comments; a password may be given as sha256:<hex>).",
         NULL},
        {"rest.allow.unauthenticated.nonloopback", WC_TYPE_BOOLEAN, "false",
         "Let a listener on a non-loopback address start without "
         "authentication (logged as a warning at every start).", NULL},
        {"rest.advertised.host.name", WC_TYPE_STRING, NULL,
         "Host name given to clients and, in distributed mode, to the "
         "other workers when it differs from the listener's.",
         NULL},
        {"rest.advertised.port", WC_TYPE_INT, NULL,
         "Port given to clients and other workers when it differs from the "
         "listener's.",
         check_port},
        {"rest.advertised.listener", WC_TYPE_STRING, NULL,
         "Protocol given to clients and other workers (http or https; "
         "unset: http unless only https listeners exist).", NULL},
        {"plugin.path", WC_TYPE_LIST, NULL,
         "Comma-separated directories holding connector plugins (.so).",
         NULL},
        {"key.converter", WC_TYPE_CLASS, JSON_CONVERTER,
         "Converter class for record keys: JsonConverter, StringConverter "
         "or ByteArrayConverter (full or simple class name).",
         check_converter},
        {"value.converter", WC_TYPE_CLASS, JSON_CONVERTER,
         "Converter class for record values (as key.converter).",
         check_converter},
        {"header.converter", WC_TYPE_CLASS, NULL,
         "Converter class for record headers: one of the key.converter "
         "classes or SimpleHeaderConverter.",
         check_header_converter},
        {"key.converter.schemas.enable", WC_TYPE_BOOLEAN, "true",
         "JsonConverter for keys: wrap data in a schema/payload envelope.",
         NULL},
        {"value.converter.schemas.enable", WC_TYPE_BOOLEAN, "true",
         "JsonConverter for values: wrap data in a schema/payload envelope.",
         NULL},
        {"metrics.enabled", WC_TYPE_BOOLEAN, "true",
         "Serve GET /metrics (Prometheus text format) and count the "
         "figures it shows; false: /metrics answers 404 and tasks count "
         "nothing.",
         NULL},
        {"health.delivery.timeout.ms", WC_TYPE_LONG, "5000",
         "A task holding undelivered records with none delivered for this "
         "long, or whose last delivery failed less than this long ago, makes "
         "/health unhealthy.",
         check_positive},
        {"health.kafka.probe.interval.ms", WC_TYPE_LONG, "2000",
         "How often the worker asks its Kafka cluster for metadata to tell "
         "/health whether the cluster is reachable (0: never).",
         check_non_negative},
        {"offset.flush.interval.ms", WC_TYPE_LONG, "10000",
         "How often source offsets are committed to the store.",
         check_non_negative},
        {"offset.flush.timeout.ms", WC_TYPE_LONG, "5000",
         "How long an offset commit waits for outstanding records.",
         check_non_negative},
        {"offset.storage.file.filename", WC_TYPE_STRING, NULL,
         "Accepted for Connect standalone compatibility and ignored: "
         "offsets live in storage.path.",
         NULL},
        {"task.shutdown.graceful.timeout.ms", WC_TYPE_LONG, "5000",
         "How long a stopping task may take before it is abandoned.",
         check_non_negative},
        {"topic.tracking.enable", WC_TYPE_BOOLEAN, "true",
         "Track the topics each connector uses (GET .../topics).", NULL},
        {"topic.tracking.allow.reset", WC_TYPE_BOOLEAN, "true",
         "Allow PUT .../topics/reset.", NULL},
        {"connector.client.config.override.policy", WC_TYPE_STRING, "All",
         "Which producer/consumer/admin overrides a connector config may "
         "set: All, None or Principal (any case), or their "
         "org.apache.kafka.connect.connector.policy class names.",
         check_override_policy},
        {"rest.request.max.bytes", WC_TYPE_LONG, "1048576",
         "Largest REST request body accepted.", check_positive},
        {"access.control.allow.origin", WC_TYPE_STRING, NULL,
         "Origins (comma list, '*' wildcards) a browser may call the REST "
         "API from; unset: only the API's own origin.",
         NULL},
        {"access.control.allow.methods", WC_TYPE_STRING, NULL,
         "Methods allowed from those origins (unset: GET,POST,HEAD).", NULL},
        /* Distributed mode (group.id set): Connect's DistributedConfig. */
        {"group.id", WC_TYPE_STRING, NULL,
         "A unique string that identifies the Connect cluster group this "
         "worker belongs to. Set: the worker runs distributed (like "
         "connect-distributed; the three *.storage.topic keys are then "
         "required); unset: standalone.",
         check_group_id},
        {"config.storage.topic", WC_TYPE_STRING, NULL,
         "The name of the Kafka topic where connector configurations are "
         "stored (distributed mode: required; always 1 partition).",
         check_not_empty},
        {"config.storage.replication.factor", WC_TYPE_INT, "3",
         "Replication factor used when creating the configuration storage "
         "topic (-1: the broker's default).",
         check_replication_factor},
        {"offset.storage.topic", WC_TYPE_STRING, NULL,
         "The name of the Kafka topic where connector offsets are stored "
         "(distributed mode: required).",
         check_not_empty},
        {"offset.storage.partitions", WC_TYPE_INT, "25",
         "The number of partitions used when creating the offset storage "
         "topic (-1: the broker's default).",
         check_minus_one_or_positive},
        {"offset.storage.replication.factor", WC_TYPE_INT, "3",
         "Replication factor used when creating the offset storage topic "
         "(-1: the broker's default).",
         check_replication_factor},
        {"status.storage.topic", WC_TYPE_STRING, NULL,
         "The name of the Kafka topic where connector and task status are "
         "stored (distributed mode: required).",
         check_not_empty},
        {"status.storage.partitions", WC_TYPE_INT, "5",
         "The number of partitions used when creating the status storage "
         "topic (-1: the broker's default).",
         check_minus_one_or_positive},
        {"status.storage.replication.factor", WC_TYPE_INT, "3",
         "Replication factor used when creating the status storage topic "
         "(-1: the broker's default).",
         check_replication_factor},
        {"session.timeout.ms", WC_TYPE_INT, "10000",
         "The timeout used to detect worker failures: a worker whose "
         "heartbeats stop for this long is removed from the group and its "
         "work is rebalanced. Must be within the broker's "
         "group.min.session.timeout.ms and group.max.session.timeout.ms.",
         check_positive},
        {"heartbeat.interval.ms", WC_TYPE_INT, "3000",
         "The expected time between heartbeats to the group coordinator. "
         "Must be lower than session.timeout.ms, typically no higher than "
         "1/3 of it.",
         check_positive},
        {"rebalance.timeout.ms", WC_TYPE_INT, "60000",
         "The maximum time each worker may take to rejoin the group once a "
         "rebalance has begun (stopping its tasks and committing offsets).",
         check_positive},
        {"scheduled.rebalance.max.delay.ms", WC_TYPE_INT, "300000",
         "The maximum delay that is scheduled in order to wait for the "
         "return of one or more departed workers before rebalancing and "
         "reassigning their connectors and tasks to the group; during this "
         "period the connectors and tasks of the departed workers remain "
         "unassigned. connectd honours it only when it is set explicitly: "
         "unset, a departed worker's work is reassigned at once.",
         check_non_negative},
        {"worker.sync.timeout.ms", WC_TYPE_INT, "3000",
         "When the worker is out of sync with other workers and needs to "
         "resynchronize configurations, wait up to this amount of time "
         "before giving up, leaving the group, and waiting a backoff period "
         "before rejoining.",
         check_non_negative},
        {"worker.unsync.backoff.ms", WC_TYPE_INT, "300000",
         "When the worker is out of sync with other workers and fails to "
         "catch up within worker.sync.timeout.ms, leave the Connect cluster "
         "for this long before rejoining.",
         check_non_negative},
        {"connect.protocol", WC_TYPE_STRING, "sessioned",
         "Compatibility mode for Kafka Connect Protocol: eager, compatible "
         "or sessioned (internal requests between workers signed).",
         check_connect_protocol},
        {"exactly.once.source.support", WC_TYPE_STRING, "disabled",
         "Exactly-once support for source connectors (Connect: disabled, "
         "preparing, enabled). connectd supports only disabled; the other "
         "values are refused.",
         check_eos},
        {"inter.worker.key.ttl.ms", WC_TYPE_INT, "3600000",
         "The TTL of generated session keys used for internal request "
         "validation (in milliseconds).",
         check_non_negative},
        {"inter.worker.key.generation.algorithm", WC_TYPE_STRING,
         "HmacSHA256",
         "The algorithm to use for generating internal request keys "
         "(connectd: HmacSHA256).",
         check_mac_algorithm},
        {"inter.worker.key.size", WC_TYPE_INT, NULL,
         "The size of the key to use for signing internal requests, in "
         "bits; unset: the key generation algorithm's default (256).",
         check_positive},
        {"inter.worker.signature.algorithm", WC_TYPE_STRING, "HmacSHA256",
         "The algorithm used to sign internal requests (connectd: "
         "HmacSHA256).",
         check_mac_algorithm},
        {"inter.worker.verification.algorithms", WC_TYPE_LIST, "HmacSHA256",
         "A list of permitted algorithms for verifying internal requests, "
         "which must include the algorithm used for the "
         "inter.worker.signature.algorithm property (connectd: HmacSHA256).",
         check_mac_algorithms},
        {"client.id", WC_TYPE_STRING, NULL,
         "Prefix of the Kafka client ids this worker uses.", NULL},
        {"security.protocol", WC_TYPE_STRING, NULL,
         "Security protocol of the worker's own Kafka clients (cluster id, "
         "sink offsets); tasks' clients take producer.* / consumer.*, as in "
         "Kafka Connect.",
         NULL},
        {"sasl.mechanism", WC_TYPE_STRING, NULL,
         "SASL mechanism of the worker's own Kafka clients: PLAIN, "
         "SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, GSSAPI or AWS_MSK_IAM.",
         NULL},
        {"sasl.jaas.config", WC_TYPE_PASSWORD, NULL,
         "JAAS line of the worker's own Kafka clients: PlainLoginModule / "
         "ScramLoginModule username and password, or the MSK "
         "IAMLoginModule (awsProfileName, awsRoleArn, awsRoleSessionName, "
         "awsRoleExternalId, awsStsRegion).",
         NULL},
        {"sasl.client.callback.handler.class", WC_TYPE_CLASS, NULL,
         "Accepted for MSK IAM (IAMClientCallbackHandler); connectd signs "
         "the MSK IAM token itself.",
         NULL},
        /* ---- connectd ---- */
        {"storage.path", WC_TYPE_STRING, "connectd.db",
         "SQLite file holding connector configs, offsets and statuses.",
         NULL},
        {"plugin.path.allow.insecure", WC_TYPE_BOOLEAN, "false",
         "Load a plugin.path entry or .so that users other than root and "
         "the worker's own can change (writable by group or others, owned "
         "by another user), with a warning, instead of refusing it.",
         NULL},
        {"log.level", WC_TYPE_STRING, "INFO",
         "Root log level: OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL.",
         check_log_level},
        {"log.format", WC_TYPE_STRING, "plain",
         "Log line format: plain or json.", check_log_format},
        {"log.stderr.enable", WC_TYPE_BOOLEAN, "true",
         "Write log lines to stderr.", NULL},
        {"log.file.path", WC_TYPE_STRING, NULL,
         "Also write log lines to this file (rotated).", NULL},
        {"log.file.max.bytes", WC_TYPE_LONG, "10485760",
         "Rotate the log file when it reaches this size (0: never).",
         check_non_negative},
        {"log.file.rotate.interval.ms", WC_TYPE_LONG, "0",
         "Rotate the log file this often (0: never).", check_non_negative},
        {"log.file.retention.count", WC_TYPE_INT, "5",
         "Rotated log files kept.", check_non_negative},
        {"log.s3.bucket", WC_TYPE_STRING, NULL,
         "Ship log batches to this S3 bucket (unset: no S3 shipping).",
         NULL},
        {"log.s3.endpoint", WC_TYPE_STRING, NULL,
         "S3-compatible endpoint URL (unset: AWS for log.s3.region).", NULL},
        {"log.s3.region", WC_TYPE_STRING, "us-east-1",
         "Region used to sign S3 requests.", NULL},
        {"log.s3.prefix", WC_TYPE_STRING, "connectd/",
         "Key prefix of the log objects.", NULL},
        {"log.s3.access.key.id", WC_TYPE_STRING, NULL,
         "S3 access key id.", NULL},
        {"log.s3.secret.access.key", WC_TYPE_PASSWORD, NULL,
         "S3 secret access key.", NULL},
        {"log.s3.session.token", WC_TYPE_PASSWORD, NULL,
         "S3 session token (temporary credentials).", NULL},
        {"log.s3.path.style", WC_TYPE_BOOLEAN, "true",
         "Path-style bucket addressing (endpoint/bucket/key).", NULL},
        {"log.s3.batch.max.bytes", WC_TYPE_LONG, "1048576",
         "Upload a log object when a batch reaches this size.",
         check_positive},
        {"log.s3.batch.interval.ms", WC_TYPE_LONG, "10000",
         "Upload a log object at least this often.", check_positive},
        {"log.s3.buffer.max.bytes", WC_TYPE_LONG, "16777216",
         "Log bytes held for S3 before new lines are dropped (counted).",
         check_positive},
        {"log.s3.retry.backoff.ms", WC_TYPE_LONG, "500",
         "First wait before retrying a failed upload.", check_non_negative},
        {"log.s3.retry.backoff.max.ms", WC_TYPE_LONG, "30000",
         "Longest wait between upload retries.", check_non_negative},
        {"log.s3.timeout.ms", WC_TYPE_LONG, "10000",
         "Timeout of one upload request.", check_positive},
        {"coordination.storage.topic", WC_TYPE_STRING, NULL,
         "Distributed mode: the compacted Kafka topic on which workers "
         "publish membership, assignments and acknowledgements (unset: "
         "connectd-coordination-<group.id>). connectd's own; Java workers "
         "coordinate through the group protocol instead.",
         check_not_empty},
        {"coordination.storage.partitions", WC_TYPE_INT, "32",
         "The number of partitions used when creating the coordination "
         "topic; a cluster has at most this many workers.",
         check_positive},
        {"mskconnect.access.key.id", WC_TYPE_STRING, NULL,
         "Access key id that MSK Connect API requests (/v1/, AWS SigV4, "
         "service kafkaconnect) must be signed with. Unset: the API "
         "follows the REST listener's own authentication.",
         NULL},
        {"mskconnect.secret.access.key", WC_TYPE_PASSWORD, NULL,
         "Secret access key of mskconnect.access.key.id.", NULL},
        {"mskconnect.region", WC_TYPE_STRING, "us-east-1",
         "Region named in the ARNs of the MSK Connect API's resources.",
         check_not_empty},
        {"mskconnect.account.id", WC_TYPE_STRING, "123456789012",
         "Account id named in the ARNs of the MSK Connect API's resources.",
         check_not_empty},
        {"msk.iam.region", WC_TYPE_STRING, NULL,
         "AWS region that MSK IAM tokens (sasl.mechanism=AWS_MSK_IAM) are "
         "signed for. Unset: the region in the MSK broker names of "
         "bootstrap.servers, else AWS_REGION, else AWS_DEFAULT_REGION.",
         NULL},
        /* ---- MSK Connect API: custom plugins and log delivery ---- */
        {"mskconnect.s3.endpoint", WC_TYPE_STRING, NULL,
         "S3-compatible endpoint URL that custom plugins are fetched from "
         "and connector logs are delivered to (unset: AWS for "
         "mskconnect.s3.region). Path-style addressing.", NULL},
        {"mskconnect.s3.region", WC_TYPE_STRING, "us-east-1",
         "Region used to sign those S3 requests (unset: AWS_REGION, else "
         "AWS_DEFAULT_REGION, else the default).", NULL},
        {"mskconnect.s3.access.key.id", WC_TYPE_STRING, NULL,
         "S3 access key id for custom plugins and log delivery (unset: "
         "AWS_ACCESS_KEY_ID, with AWS_SESSION_TOKEN if set).", NULL},
        {"mskconnect.s3.secret.access.key", WC_TYPE_PASSWORD, NULL,
         "S3 secret access key for custom plugins and log delivery (unset: "
         "AWS_SECRET_ACCESS_KEY).", NULL},
        {"mskconnect.plugin.dir", WC_TYPE_STRING, NULL,
         "Directory holding the unpacked revisions of custom plugins "
         "(unset: mskconnect-plugins next to storage.path).",
         check_not_empty},
        {"mskconnect.storage.topic", WC_TYPE_STRING, "connect-mskconnect",
         "Distributed mode: the compacted one-partition topic that holds "
         "the MSK Connect API's resources (created with "
         "config.storage.replication.factor).",
         check_not_empty},
        /* ---- Config providers (Kafka's AbstractConfig) ---- */
        {"config.providers", WC_TYPE_LIST, NULL,
         "Names of the config providers whose ${NAME:[PATH:]KEY} references "
         "are resolved in connector configs and in this file. A name "
         "without a .class row is ignored (its references stay as "
         "written).",
         NULL},
        {"config.providers.NAME.class", WC_TYPE_CLASS, NULL,
         "The class of provider NAME: FileConfigProvider, "
         "DirectoryConfigProvider, EnvVarConfigProvider (full Java name, "
         "simple name, or without ConfigProvider: File, Directory, EnvVar), "
         "or a config provider plugin's class; unknown stops the worker.",
         NULL},
        {"config.providers.NAME.param.KEY", WC_TYPE_STRING, NULL,
         "KEY=value passed to provider NAME: allowed.paths (File, "
         "Directory: comma list of absolute existing paths), "
         "allowlist.pattern (EnvVar: a Java regex the whole variable name "
         "must match).",
         NULL},
        /* ---- Topic creation by source connectors (KIP-158) ---- */
        {"topic.creation.enable", WC_TYPE_BOOLEAN, "true",
         "Whether source connectors may create the topics they write to "
         "with their topic.creation.* settings; false ignores those "
         "settings.",
         NULL},
};

/* Keys under these prefixes pass through unchecked. */
static const char *const wc_prefixes_table[] = {
        "producer.",       "consumer.",        "admin.",
        "key.converter.",  "value.converter.", "header.converter.",
        "log.logger.",
        /* Topic configs of the internal topics (distributed mode). */
        "config.storage.", "offset.storage.",  "status.storage.",
        NULL,
};

const wc_def_t *wc_defs(size_t *n)
{
        if (n)
                *n = sizeof(wc_defs_table) / sizeof(wc_defs_table[0]);
        return wc_defs_table;
}

const wc_def_t *wc_def_find(const char *key)
{
        size_t i;

        if (!key)
                return NULL;
        for (i = 0; i < sizeof(wc_defs_table) / sizeof(wc_defs_table[0]); i++)
                if (!strcmp(wc_defs_table[i].name, key))
                        return &wc_defs_table[i];
        return NULL;
}

const char *wc_type_name(wc_type_t type)
{
        switch (type) {
        case WC_TYPE_STRING: return "STRING";
        case WC_TYPE_INT: return "INT";
        case WC_TYPE_LONG: return "LONG";
        case WC_TYPE_BOOLEAN: return "BOOLEAN";
        case WC_TYPE_LIST: return "LIST";
        case WC_TYPE_CLASS: return "CLASS";
        case WC_TYPE_PASSWORD: return "PASSWORD";
        }
        return "UNKNOWN";
}

const char *const *wc_prefixes(void)
{
        return wc_prefixes_table;
}

static int has_passthrough_prefix(const char *key)
{
        const char *const *p;

        for (p = wc_prefixes_table; *p; p++)
                if (!strncmp(key, *p, strlen(*p)) && key[strlen(*p)])
                        return 1;
        return 0;
}

/* config.providers.NAME.class and config.providers.NAME.param.KEY: the
 * rows with NAME and KEY stand for these. */
static int provider_key_ok(const char *key)
{
        static const char pre[] = "config.providers.";
        const char *name = key + sizeof(pre) - 1, *par;
        size_t n;

        if (strncmp(key, pre, sizeof(pre) - 1))
                return 0;
        n = strlen(name);
        if (n > 6 && !strcmp(name + n - 6, ".class"))
                return 1;
        par = strstr(name, ".param.");
        return par && par != name && par[7];
}

static int check_value(const wc_def_t *def, const char *value, char *errstr,
                       size_t errstr_size)
{
        long long v;

        switch (def->type) {
        case WC_TYPE_INT:
                if (parse_ll(value, INT32_MIN, INT32_MAX, &v))
                        return invalid(def->name, value,
                                       "Not a number of type INT", errstr,
                                       errstr_size);
                break;
        case WC_TYPE_LONG:
                if (parse_ll(value, LLONG_MIN, LLONG_MAX, &v))
                        return invalid(def->name, value,
                                       "Not a number of type LONG", errstr,
                                       errstr_size);
                break;
        case WC_TYPE_BOOLEAN:
                if (java_parse_boolean(value) < 0)
                        return invalid(def->name, value,
                                       "Expected value to be either true or "
                                       "false",
                                       errstr, errstr_size);
                break;
        default:
                break;
        }
        if (def->check)
                return def->check(def->name, value, errstr, errstr_size);
        return 0;
}

int wc_check_value(const char *key, const char *value, char *errstr,
                   size_t errstr_size)
{
        const wc_def_t *def = wc_def_find(key);

        return def ? check_value(def, value, errstr, errstr_size) : 0;
}

/* Distributed mode (group.id set): what DistributedConfig requires across
 * keys. The per-key checks have run. */
static int distributed_check(const json_t *props, char *errstr,
                             size_t errstr_size)
{
        /* DistributedConfig's definition order, which is the order Java
         * reports missing keys in. */
        static const char *const topics[] = {
                "offset.storage.topic", "config.storage.topic",
                "status.storage.topic", "coordination.storage.topic",
        };
        char coord[512];
        const char *names[4];
        long long hb, st;
        const char *sig, *ver;
        size_t i, j;
        int found;

        for (i = 0; i < 3; i++)
                if (!wc_is_set(props, topics[i])) {
                        snprintf(errstr, errstr_size,
                                 "Missing required configuration \"%s\" "
                                 "which has no default value.",
                                 topics[i]);
                        return -1;
                }
        wc_coordination_topic(props, coord, sizeof(coord));
        for (i = 0; i < 4; i++)
                names[i] = i < 3 ? wc_get(props, topics[i]) : coord;
        for (i = 1; i < 4; i++)
                for (j = 0; j < i; j++)
                        if (!strcmp(names[i], names[j])) {
                                char why[300];
                                snprintf(why, sizeof(why),
                                         "must differ from %s (each "
                                         "internal topic is a log of its "
                                         "own)",
                                         topics[j]);
                                return invalid(topics[i], names[i], why,
                                               errstr, errstr_size);
                        }
        hb = wc_get_ll(props, "heartbeat.interval.ms");
        st = wc_get_ll(props, "session.timeout.ms");
        if (hb >= st) {
                char why[200], val[32];
                snprintf(why, sizeof(why),
                         "must be lower than session.timeout.ms (%lld)", st);
                snprintf(val, sizeof(val), "%lld", hb);
                return invalid("heartbeat.interval.ms", val, why, errstr,
                               errstr_size);
        }
        /* DistributedConfig: the signature algorithm must be among the
         * verification algorithms. */
        sig = wc_get(props, "inter.worker.signature.algorithm");
        ver = wc_get(props, "inter.worker.verification.algorithms");
        found = 0;
        {
                char *copy = strdup(ver), *save = NULL, *tok;
                char *ts = java_trim_dup(sig);

                for (tok = copy ? strtok_r(copy, ",", &save) : NULL;
                     tok && ts && !found; tok = strtok_r(NULL, ",", &save)) {
                        char *t = java_trim_dup(tok);
                        found = t && !strcmp(t, ts);
                        free(t);
                }
                free(ts);
                free(copy);
        }
        if (!found)
                return invalid("inter.worker.signature.algorithm", sig,
                               "Signature algorithm must be present in "
                               "inter.worker.verification.algorithms list",
                               errstr, errstr_size);
        return 0;
}

int worker_config_check(const json_t *props, char *errstr, size_t errstr_size)
{
        const char *key;
        json_t *v;

        if (!json_is_object(props)) {
                snprintf(errstr, errstr_size,
                         "worker configuration is not a map of settings");
                return -1;
        }
        json_object_foreach((json_t *)props, key, v) {
                const wc_def_t *def = wc_def_find(key);

                if (!def && provider_key_ok(key)) {
                        if (!json_is_string(v))
                                goto not_string;
                        continue;
                }
                if (!def && has_passthrough_prefix(key)) {
                        if (!json_is_string(v))
                                goto not_string;
                        continue;
                }
                if (!def) {
                        snprintf(errstr, errstr_size,
                                 "Unknown worker configuration '%s'", key);
                        return -1;
                }
                if (!json_is_string(v))
                        goto not_string;
                if (check_value(def, json_string_value(v), errstr,
                                errstr_size))
                        return -1;
                continue;
not_string:
                snprintf(errstr, errstr_size,
                         "Invalid value for configuration %s: must be a "
                         "string",
                         key);
                return -1;
        }
        if (wc_is_distributed(props))
                return distributed_check(props, errstr, errstr_size);
        return 0;
}

int wc_is_set(const json_t *props, const char *key)
{
        return json_object_get(props, key) != NULL;
}

int wc_is_distributed(const json_t *props)
{
        return wc_is_set(props, "group.id");
}

void wc_coordination_topic(const json_t *props, char *buf, size_t n)
{
        const char *t = json_string_value(
                json_object_get(props, "coordination.storage.topic"));

        if (t)
                snprintf(buf, n, "%s", t);
        else
                snprintf(buf, n, "connectd-coordination-%s",
                         wc_get(props, "group.id") ? wc_get(props, "group.id")
                                                   : "");
}

const char *wc_get(const json_t *props, const char *key)
{
        const char *s = json_string_value(json_object_get(props, key));
        const wc_def_t *def;

        if (s)
                return s;
        def = wc_def_find(key);
        return def ? def->default_value : NULL;
}

/* Value, else default, else 0 (worker_config_check has vetted values). */
long long wc_get_ll(const json_t *props, const char *key)
{
        const char *s = json_string_value(json_object_get(props, key));
        const wc_def_t *def = wc_def_find(key);
        long long v;

        if (s && !parse_ll(s, LLONG_MIN, LLONG_MAX, &v))
                return v;
        if (def && def->default_value &&
            !parse_ll(def->default_value, LLONG_MIN, LLONG_MAX, &v))
                return v;
        return 0;
}

/* Value, else default, else false. */
int wc_get_bool(const json_t *props, const char *key)
{
        const char *s = json_string_value(json_object_get(props, key));
        const wc_def_t *def = wc_def_find(key);
        int b;

        if (s && (b = java_parse_boolean(s)) >= 0)
                return b;
        if (def && def->default_value &&
            (b = java_parse_boolean(def->default_value)) >= 0)
                return b;
        return 0;
}
