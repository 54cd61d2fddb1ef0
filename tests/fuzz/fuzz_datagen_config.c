/*
 * fuzz_datagen_config — the datagen connector config (spec §2-§4): a small
 * map, as `key=value` lines or a JSON object (a connector's {"config":{}}
 * too), through parse/validate/compile, then a task generates a few
 * records and renders them as JSON.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen/datagen_int.h"

#define MAX_INPUT 8192
#define MAX_KV 64
#define POLLS 4
#define RECORDS_PER_POLL 8

static char json_out[1 << 16];

static int emit(void *arg, const dg_event_t *ev)
{
        size_t len;
        (void)arg;
        for (int ns = 0; ns < 2; ns++) {
                dg_event_json(ev, ns, json_out, sizeof(json_out));
                dg_event_field(ev, ns, "", &len);
        }
        return 0;
}

/* key=value lines (blank and # lines skipped) into kv, pointing into text
 * (modified in place). */
static size_t parse_lines(char *text, dg_kv_t *kv)
{
        size_t n = 0;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line && n < MAX_KV;
             line = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(line, '=');
                if (line[0] == '#' || !eq)
                        continue;
                *eq = '\0';
                kv[n].key = line;
                kv[n].value = eq + 1;
                n++;
        }
        return n;
}

static size_t parse_json(json_t *root, dg_kv_t *kv)
{
        json_t *obj = json_object_get(root, "config");
        const char *k;
        json_t *v;
        size_t n = 0;
        if (!json_is_object(obj))
                obj = root;
        json_object_foreach(obj, k, v)
        {
                if (n == MAX_KV)
                        break;
                if (!json_is_string(v))
                        continue;
                kv[n].key = k;
                kv[n].value = json_string_value(v);
                n++;
        }
        return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        dg_kv_t kv[MAX_KV];
        char err[2048];
        const char *bad = NULL;
        json_t *root = NULL;
        dg_config_t *c = NULL;
        dg_task_t *t = NULL;
        size_t n;

        if (size > MAX_INPUT)
                return 0;
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (size && text[0] == '{') {
                root = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
                if (!json_is_object(root))
                        goto out;
                n = parse_json(root, kv);
        } else {
                n = parse_lines(text, kv);
        }
        c = dg_config_new(kv, n, &bad, err, sizeof(err));
        if (!c) {
                if (!err[0])
                        abort(); /* a refusal always says why */
                goto out;
        }
        t = dg_task_new(c, size);
        if (!t)
                goto out;
        for (int i = 0; i < POLLS; i++) {
                int drained = 0;
                int rc = dg_task_poll(t, RECORDS_PER_POLL, emit, NULL, NULL,
                                      NULL, &drained, err, sizeof(err));
                if (rc < 0 || drained)
                        break;
        }
out:
        dg_task_destroy(t);
        dg_config_destroy(c);
        json_decref(root);
        free(text);
        return 0;
}
