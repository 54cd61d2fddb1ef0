/*
 * fuzz_values — Values.parseString on any text: it must never fail (other
 * than out of memory) and a value always comes with a schema;
 * convertToString of what it read must give text, which parses and prints
 * again. (Rounds need not agree: "007" prints as "7", and Java's printer
 * doubles the backslashes its parser keeps.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"

static arena_t *arena;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const connect_schema_t *s;
        connectd_value_t *v;
        char *t1, *t2 = NULL;

        if (!arena && !(arena = arena_new(0)))
                abort();
        arena_reset(arena);
        if (values_parse_string(arena, (const char *)data, size, &s, &v))
                return 0; /* arena limit */
        if (v && !s)
                abort(); /* a value always comes with its schema */
        t1 = values_to_string(s, v);
        if (!v) {
                if (t1)
                        abort();
                return 0;
        }
        if (!t1)
                abort();
        if (values_parse_string(arena, t1, strlen(t1), &s, &v))
                goto out;
        t2 = values_to_string(s, v);
        if (v && !t2)
                abort();
out:
        free(t1);
        free(t2);
        return 0;
}
