/*
 * fuzz_assignor — assignor_compute over arbitrary JSON
 * [workers, work, previous, running], then the properties every answer
 * must have: it covers exactly `work`, owners are live workers, nothing is
 * given to a worker while another live worker reports running it, the
 * same input gives the same answer; and the per-worker diffs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "assignor.h"

/* Keep single runs fast: the assignor itself allows far more. */
#define FUZZ_MAX_ITEMS 5000

static int live(const json_t *workers, const char *id)
{
        size_t i;
        json_t *v;

        json_array_foreach(workers, i, v)
                if (json_is_string(v) && !strcmp(json_string_value(v), id))
                        return 1;
        return 0;
}

/* Does a live worker other than `owner` report running the item? */
static int run_elsewhere(const json_t *workers, const json_t *running,
                         const char *owner, const char *conn, long task)
{
        const char *wid;
        json_t *rep;

        if (!json_is_object(running))
                return 0;
        json_object_foreach((json_t *)running, wid, rep) {
                size_t i;
                json_t *v;

                if (!strcmp(wid, owner) || !live(workers, wid))
                        continue;
                if (task < 0) {
                        json_array_foreach(json_object_get(rep, "connectors"),
                                           i, v)
                                if (!strcmp(json_string_value(v), conn))
                                        return 1;
                } else {
                        json_array_foreach(json_object_get(
                                json_object_get(rep, "tasks"), conn), i, v)
                                if (json_integer_value(v) == task)
                                        return 1;
                }
        }
        return 0;
}

static void check(const json_t *in, const json_t *a)
{
        const json_t *workers = json_array_get(in, 0);
        const json_t *work = json_array_get(in, 1);
        const json_t *running = json_array_get(in, 3);
        const json_t *conns = json_object_get(a, "connectors");
        const json_t *tasks = json_object_get(a, "tasks");
        const char *name;
        json_t *count;

        if (json_object_size(conns) != json_object_size(work) ||
            json_object_size(tasks) != json_object_size(work))
                abort();
        json_object_foreach((json_t *)work, name, count) {
                const json_t *owner = json_object_get(conns, name);
                const json_t *arr = json_object_get(tasks, name);
                size_t t;
                json_t *v;

                if (!owner || !json_is_array(arr) ||
                    json_array_size(arr) != (size_t)json_integer_value(count))
                        abort();
                if (json_is_string(owner) &&
                    (!live(workers, json_string_value(owner)) ||
                     run_elsewhere(workers, running, json_string_value(owner),
                                   name, -1)))
                        abort();
                json_array_foreach(arr, t, v)
                        if (json_is_string(v) &&
                            (!live(workers, json_string_value(v)) ||
                             run_elsewhere(workers, running,
                                           json_string_value(v), name,
                                           (long)t)))
                                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        json_t *in = json_loadb((const char *)data, size, 0, NULL);
        json_t *a = NULL, *b = NULL, *v;
        const char *name;
        long total = 0;
        size_t i;

        if (!json_is_array(in) || json_array_size(in) != 4)
                goto out;
        json_object_foreach(json_array_get(in, 1), name, v) {
                total += 1 + (json_is_integer(v) && json_integer_value(v) > 0 &&
                                              json_integer_value(v) < FUZZ_MAX_ITEMS ?
                                      (long)json_integer_value(v) :
                                      0);
                if (json_integer_value(v) >= FUZZ_MAX_ITEMS)
                        goto out;
        }
        if (total > FUZZ_MAX_ITEMS)
                goto out;
        a = assignor_compute(json_array_get(in, 0), json_array_get(in, 1),
                             json_array_get(in, 2), json_array_get(in, 3));
        b = assignor_compute(json_array_get(in, 0), json_array_get(in, 1),
                             json_array_get(in, 2), json_array_get(in, 3));
        if (!a != !b || (a && !json_equal(a, b)))
                abort();
        if (!a)
                goto out;
        check(in, a);
        json_array_foreach(json_array_get(in, 0), i, v) {
                const char *id = json_string_value(v);
                json_t *mine = assignor_for_worker(a, id);
                json_t *diff = assignor_worker_diff(
                        a, id, json_object_get(json_array_get(in, 3), id));

                json_decref(mine);
                json_decref(diff);
        }
out:
        json_decref(a);
        json_decref(b);
        json_decref(in);
        return 0;
}
