/*
 * connector_check — see connector_check.h.
 */
#include "connector_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_providers.h"
#include "plugins.h"
#include "validate.h"

/* Java Map.toString of a config map (insertion order). */
static char *java_map_str(const json_t *m)
{
        size_t cap = 256, len = 0;
        char *s = malloc(cap);
        const char *k;
        json_t *v;
        int first = 1;

        if (!s)
                return NULL;
        s[len++] = '{';
        json_object_foreach((json_t *)m, k, v) {
                const char *vs = json_is_string(v) ? json_string_value(v) : "null";
                size_t need = len + strlen(k) + strlen(vs) + 8;
                if (need > 1024 * 1024)
                        break;
                if (need > cap) {
                        while (cap < need)
                                cap *= 2;
                        char *p = realloc(s, cap);
                        if (!p) {
                                free(s);
                                return NULL;
                        }
                        s = p;
                }
                len += (size_t)snprintf(s + len, cap - len, "%s%s=%s",
                                        first ? "" : ", ", k, vs);
                first = 0;
        }
        if (len + 2 > cap) {
                char *p = realloc(s, len + 2);
                if (!p) {
                        free(s);
                        return NULL;
                }
                s = p;
        }
        s[len++] = '}';
        s[len] = '\0';
        return s;
}

char *connector_check_no_type_msg(const json_t *config)
{
        char *m = java_map_str(config), *out = NULL;

        if (asprintf(&out, "Connector config %s contains no connector type",
                     m ? m : "{}") < 0)
                out = NULL;
        free(m);
        return out;
}

char *connector_check_unknown_class_msg(const char *cls)
{
        char list[4096], *out = NULL;
        size_t off = 0;
        const connectd_connector_desc_t *d;

        list[0] = '\0';
        for (size_t i = 0; (d = plugins_at(i)) != NULL && off < sizeof(list);
             i++)
                off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
                                        i ? ", " : "", d->class_name);
        if (asprintf(&out, "Failed to find any class that implements "
                     "Connector and which name matches %s, available "
                     "connectors are: %s", cls, list) < 0)
                out = NULL;
        return out;
}

/* Decimal code points of the ISO control characters (U+0000..U+001F,
 * U+007F..U+009F) in s, ", "-separated as Connect lists them, into buf;
 * returns how many. */
static int iso_controls(const char *s, char *buf, size_t n)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t off = 0;
        int count = 0;

        buf[0] = '\0';
        for (; *p; p++) {
                unsigned cp;

                if (*p < 0x20 || *p == 0x7f)
                        cp = *p;
                else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
                        cp = *++p;
                else
                        continue;
                if (off < n)
                        off += (size_t)snprintf(buf + off, n - off, "%s%u",
                                                count ? ", " : "", cp);
                count++;
        }
        return count;
}

herder_err_t connector_config_check(const json_t *config, char **msg)
{
        const char *cls = json_string_value(json_object_get(config,
                                                            "connector.class"));
        const connectd_connector_desc_t *d;
        const char *name;
        json_t *infos, *resolved;
        char ctl[256], perr[1024] = "";
        int nerr = 0;

        *msg = NULL;
        if (!cls) {
                *msg = connector_check_no_type_msg(config);
                return HERDER_BAD_REQUEST;
        }
        d = plugins_find_for_config(config);
        if (!d) {
                *msg = connector_check_unknown_class_msg(cls);
                return HERDER_BAD_REQUEST;
        }
        /* Connect validates the config with the providers' values (and
         * stores it with the references): a failed lookup is a 500 with
         * the provider's message. */
        resolved = cfg_providers_resolve(cfg_providers_worker(), config,
                                         perr, sizeof(perr));
        if (!resolved) {
                *msg = strdup(perr);
                return HERDER_ERROR;
        }
        infos = validate_config(d, cls, resolved, &nerr);
        json_decref(resolved);
        if (!infos) {
                *msg = strdup("Could not validate the connector "
                              "configuration");
                return HERDER_ERROR;
        }
        if (nerr > 0) {
                *msg = validate_error_message(infos, cls);
                if (!*msg)
                        *msg = strdup("Connector configuration is invalid");
                json_decref(infos);
                return HERDER_BAD_REQUEST;
        }
        json_decref(infos);
        /* The validator (as Connect's) trims before it looks for control
         * characters, so a name that only begins or ends with them passes
         * it; the name itself keeps them (a URL path is not trimmed). A
         * connector name goes into every log line and status: refuse any
         * control character in it. */
        name = json_string_value(json_object_get(config, "name"));
        if (name && iso_controls(name, ctl, sizeof(ctl)) > 0) {
                if (asprintf(msg, "Connector name may not contain control "
                             "sequences but had the following ASCII chars: "
                             "%s", ctl) < 0)
                        *msg = NULL;
                return HERDER_BAD_REQUEST;
        }
        return HERDER_OK;
}
