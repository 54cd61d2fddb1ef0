/*
 * fuzz_json_converter — JsonConverter both ways: bytes -> Connect value ->
 * bytes, with schemas.enable true and false (first input byte, bit 0) and
 * for keys or values (bit 1). Whatever the converter wrote must read back
 * (to_connect succeeds on it) and write again to the very same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "converter.h"

static converter_t *cvs[4];
static arena_t *arena;

static void setup(void)
{
        char err[256];

        for (int i = 0; i < 4; i++) {
                json_t *props = json_pack("{ss}", "schemas.enable",
                                          i & 1 ? "true" : "false");
                cvs[i] = converter_new("JsonConverter", props, i & 2, err,
                                       sizeof(err));
                json_decref(props);
                if (!cvs[i])
                        abort();
        }
        arena = arena_new(0);
        if (!arena)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[512];
        buf_t out1 = {0}, out2 = {0};
        connectd_value_t *v;
        converter_t *cv;
        int is_null1 = 0, is_null2 = 0;

        if (!arena)
                setup();
        if (size < 1)
                return 0;
        cv = cvs[data[0] & 3];
        arena_reset(arena);
        v = converter_to_connect(cv, "t", size > 1 ? data + 1 : NULL,
                                 size - 1, arena, err, sizeof(err));
        if (!v)
                return 0;
        if (converter_from_connect(cv, "t", v, &out1, &is_null1, err,
                                   sizeof(err)))
                goto out;
        /* What we wrote must read back and write the same bytes again. */
        v = converter_to_connect(cv, "t", is_null1 ? NULL : out1.data,
                                 is_null1 ? 0 : out1.len, arena, err,
                                 sizeof(err));
        if (!v) {
                fprintf(stderr, "re-read failed: %s\n", err);
                abort();
        }
        if (converter_from_connect(cv, "t", v, &out2, &is_null2, err,
                                   sizeof(err))) {
                fprintf(stderr, "re-write failed: %s\n", err);
                abort();
        }
        if (is_null1 != is_null2 || out1.len != out2.len ||
            (out1.len && memcmp(out1.data, out2.data, out1.len))) {
                fprintf(stderr, "not stable:\n%.*s\n%.*s\n", (int)out1.len,
                        out1.data ? out1.data : "", (int)out2.len,
                        out2.data ? out2.data : "");
                abort();
        }
out:
        buf_free(&out1);
        buf_free(&out2);
        return 0;
}
