/*
 * fuzz_datagen_expr — the datagen faker expression compiler (a `with`
 * value, spec §7) and a few evaluations of whatever it accepts.
 *
 * The compiler bounds what one evaluation can produce (at most 1 MiB), so
 * every accepted input evaluates quickly; large ones are evaluated once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen/datagen_int.h"

#define MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const faker_data_t *fd;
        char err[512];

        if (!fd) {
                fd = faker_data_get(err, sizeof(err));
                if (!fd) {
                        fprintf(stderr, "fuzz_datagen_expr: %s\n", err);
                        abort();
                }
        }
        if (size > MAX_INPUT)
                return 0;
        char *text = malloc(size + 1);
        faker_t *f = faker_new(fd);
        if (!text || !f)
                goto out;
        memcpy(text, data, size);
        text[size] = '\0';

        faker_expr_t *e = faker_compile(f, text, err, sizeof(err));
        if (!e) {
                if (!err[0])
                        abort(); /* a refusal always says why */
                goto out;
        }
        size_t max = faker_expr_max_len(e);
        if (max > DG_BUF_MAX)
                abort();
        faker_rt_t rt;
        dg_buf_t b;
        faker_rt_init(&rt, size);
        dg_buf_init(&b, 256);
        int n = max > 65536 ? 1 : 4;
        for (int i = 0; i < n; i++) {
                b.len = 0;
                faker_eval(e, &rt, &b);
                /* the compile-time bound holds */
                if (b.len > max || b.overflow)
                        abort();
        }
        dg_buf_free(&b);
        faker_rt_free(&rt);
out:
        faker_destroy(f);
        free(text);
        return 0;
}
