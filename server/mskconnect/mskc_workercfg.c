/*
 * mskc_workercfg — MSK Connect worker configurations.
 *
 * DESIGN
 * - propertiesFileContent is strict base64 (RFC 4648 alphabet, padding
 *   required, no whitespace, as java.util.Base64.getDecoder()), decoded
 *   into a .properties text (no NUL byte) and parsed with the worker's own
 *   properties parser.
 * - Each key is checked like a worker config key: a key of the worker-key
 *   table must have a value of its type and pass the row's check (the
 *   error names the key); keys the table does not know are kept, as Java's
 *   WorkerConfig keeps unknown keys.
 * - What applies per connector (mskc_workercfg_apply) is what connectd's
 *   runtime reads per connector: key.converter, value.converter,
 *   header.converter with their sub-keys, and the clients' settings
 *   (producer.X / consumer.X become the connector's producer.override.X /
 *   consumer.override.X, subject to the worker's override policy). The
 *   connector's own value always wins. offset.flush.*, config.providers*
 *   and the other worker keys are worker-wide in connectd: they are
 *   validated and stored, not applied.
 * No state; any thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mskc_workercfg.h"

/* Decoded properties larger than this are refused. */
#define WORKERCFG_MAX_BYTES (1024 * 1024)

static int b64_val(unsigned char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

/* Strict base64 of s into a malloc'd, NUL-terminated buffer (*n bytes
 * without the terminator). NULL with err. */
static char *b64_decode(const char *s, size_t *n, char *err, size_t errsz)
{
        size_t len = strlen(s), i, o = 0, pad = 0;
        char *out;

        if (len % 4) {
                snprintf(err, errsz, "propertiesFileContent is not valid "
                         "base64: its length is not a multiple of 4");
                return NULL;
        }
        if (len / 4 * 3 > WORKERCFG_MAX_BYTES) {
                snprintf(err, errsz, "propertiesFileContent is larger than "
                         "%d bytes", WORKERCFG_MAX_BYTES);
                return NULL;
        }
        if (len && s[len - 1] == '=')
                pad++;
        if (len > 1 && s[len - 2] == '=')
                pad++;
        out = malloc(len / 4 * 3 + 1);
        if (!out) {
                snprintf(err, errsz, "out of memory");
                return NULL;
        }
        for (i = 0; i < len; i += 4) {
                int v[4], k;
                int last = i + 4 == len;

                for (k = 0; k < 4; k++) {
                        unsigned char c = (unsigned char)s[i + k];

                        if (c == '=' && last && k >= 4 - (int)pad) {
                                v[k] = 0;
                                continue;
                        }
                        v[k] = b64_val(c);
                        if (v[k] < 0) {
                                snprintf(err, errsz,
                                         "propertiesFileContent is not valid "
                                         "base64: illegal character at "
                                         "offset %zu", i + k);
                                free(out);
                                return NULL;
                        }
                }
                /* Unused bits before padding must be zero (canonical). */
                if (last && ((pad == 1 && (v[2] & 3)) ||
                             (pad == 2 && (v[1] & 15)))) {
                        snprintf(err, errsz, "propertiesFileContent is not "
                                 "valid base64: bad padding");
                        free(out);
                        return NULL;
                }
                out[o++] = (char)(v[0] << 2 | v[1] >> 4);
                if (!(last && pad == 2))
                        out[o++] = (char)((v[1] & 15) << 4 | v[2] >> 2);
                if (!(last && pad >= 1))
                        out[o++] = (char)((v[2] & 3) << 6 | v[3]);
        }
        out[o] = '\0';
        *n = o;
        return out;
}

json_t *mskc_workercfg_parse(const char *b64, char *err, size_t errsz)
{
        char *text = NULL, perr[512];
        json_t *props = NULL, *v;
        const char *key;
        size_t n;

        if (!b64) {
                snprintf(err, errsz, "propertiesFileContent is required");
                return NULL;
        }
        if (!(text = b64_decode(b64, &n, err, errsz)))
                goto fail;
        if (strlen(text) != n) {
                snprintf(err, errsz, "propertiesFileContent holds a NUL "
                         "byte: not a properties file");
                goto fail;
        }
        props = props_parse_string(text, perr, sizeof(perr));
        if (!props) {
                snprintf(err, errsz, "propertiesFileContent is not a valid "
                         "properties file: %s", perr);
                goto fail;
        }
        json_object_foreach(props, key, v) {
                if (wc_check_value(key, json_string_value(v), perr,
                                   sizeof(perr))) {
                        snprintf(err, errsz, "Invalid worker configuration: "
                                 "%s", perr);
                        goto fail;
                }
        }
        free(text);
        return props;
fail:
        free(text);
        json_decref(props);
        return NULL;
}

static int has_prefix(const char *s, const char *p)
{
        return !strncmp(s, p, strlen(p));
}

/* Set key to v in cc unless cc has it. -1 on out of memory. */
static int set_default(json_t *cc, const char *key, json_t *v)
{
        if (json_object_get(cc, key))
                return 0;
        return json_object_set(cc, key, v);
}

int mskc_workercfg_apply(json_t *connector_config, const json_t *workercfg,
                         char *err, size_t errsz)
{
        static const char *const convs[] = {
                "key.converter", "value.converter", "header.converter",
        };
        static const struct {
                const char *from, *to;
        } clients[] = {
                {"producer.", "producer.override."},
                {"consumer.", "consumer.override."},
        };
        const char *key;
        json_t *v;
        char name[1024];
        size_t i, cl;

        if (!json_is_object(connector_config) || !json_is_object(workercfg)) {
                snprintf(err, errsz, "worker configuration or connector "
                         "configuration is not a map");
                return -1;
        }
        for (i = 0; i < sizeof(convs) / sizeof(convs[0]); i++) {
                size_t plen = strlen(convs[i]);

                /* A connector naming its own converter keeps it with its
                 * own sub-keys only: the worker configuration's sub-keys
                 * belong to another class. */
                if (json_object_get(connector_config, convs[i]))
                        continue;
                json_object_foreach((json_t *)workercfg, key, v) {
                        if (strncmp(key, convs[i], plen) ||
                            (key[plen] && key[plen] != '.'))
                                continue;
                        if (set_default(connector_config, key, v))
                                goto oom;
                }
        }
        json_object_foreach((json_t *)workercfg, key, v) {
                for (cl = 0; cl < sizeof(clients) / sizeof(clients[0]); cl++) {
                        const char *rest = key + strlen(clients[cl].from);

                        if (!has_prefix(key, clients[cl].from) || !*rest ||
                            has_prefix(rest, "override."))
                                continue;
                        if ((size_t)snprintf(name, sizeof(name), "%s%s",
                                             clients[cl].to, rest) >=
                            sizeof(name))
                                continue;
                        if (set_default(connector_config, name, v))
                                goto oom;
                }
        }
        return 0;
oom:
        snprintf(err, errsz, "out of memory");
        return -1;
}
