/*
 * fuzz_xf_fields — the field transforms' text handling: KIP-821 paths,
 * BigDecimal parsing/printing/bytes, Cast's spec and string conversions,
 * MaskField replacements, ReplaceField renames, Decimal bytes to text.
 * The first byte picks the part; the rest is the text (or the bytes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "record.h"
#include "xf_fields.h"
#include "xf_path.h"

static const char *const types[] = { "int8", "int16", "int32", "int64",
                                     "float32", "float64", "boolean",
                                     "string" };

static void run(const xform_class_t *cls, json_t *props, xrecord_t *r)
{
        void *st = NULL;
        xerr_t err;

        if (cls->configure(props, &st, &err) == 0) {
                (void)cls->apply(st, r, &err);
                cls->close(st);
        }
        json_decref(props);
}

static void bigdec(const char *text, arena_t *a)
{
        xf_bigdec_t d, back;
        const unsigned char *b;
        size_t len;
        char *s1, *s2;

        if (xf_bigdec_parse(text, strlen(text), &d) != 0)
                return;
        (void)xf_bigdec_long(&d);
        (void)xf_bigdec_double(&d);
        (void)xf_bigdec_float(&d);
        s1 = xf_bigdec_str(&d);
        if (strlen(d.digits) < 2000 &&
            xf_bigdec_bytes(a, &d, d.scale, &b, &len) == 0 &&
            xf_bigdec_from_bytes(b, len, d.scale, &back) == 0) {
                s2 = xf_bigdec_str(&back);
                if (s1 && s2 && strcmp(s1, s2) != 0)
                        abort(); /* bytes round trip changed the number */
                free(s2);
                xf_bigdec_free(&back);
        }
        free(s1);
        xf_bigdec_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        arena_t *a;
        char *text;
        xrecord_t r;
        size_t i;

        if (size < 1 || size > 4096)
                return 0;
        if (!(a = arena_new(4096)))
                return 0;
        if (!(text = malloc(size))) {
                arena_destroy(a);
                return 0;
        }
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';
        memset(&r, 0, sizeof(r));
        r.arena = a;
        r.partition = -1;

        switch (data[0] % 7) {
        case 0: {
                xf_path_t p;
                xerr_t err;

                if (xf_path_parse(text, 2, &p, &err) == 0)
                        xf_path_free(&p);
                break;
        }
        case 1:
                bigdec(text, a);
                break;
        case 2:
                for (i = 0; i < 8; i++) {
                        r.value_schema = NULL;
                        r.value = val_string(a, text, strlen(text));
                        run(&xf_cast_value,
                            json_pack("{ss}", "spec", types[i]), &r);
                }
                break;
        case 3:
                r.value = val_struct(a, NULL);
                val_put(a, r.value, "a", val_string(a, "1", 1));
                run(&xf_cast_value, json_pack("{ss}", "spec", text), &r);
                break;
        case 4:
                r.value = val_struct(a, NULL);
                val_put(a, r.value, "a", val_int(a, CONNECTD_VAL_INT8, 1));
                val_put(a, r.value, "b",
                        val_float(a, CONNECTD_VAL_FLOAT32, 1));
                val_put(a, r.value, "c", val_string(a, "x", 1));
                run(&xf_mask_field_value,
                    json_pack("{ssss}", "fields", "a,b,c", "replacement", text),
                    &r);
                break;
        case 5:
                r.value = val_struct(a, NULL);
                val_put(a, r.value, "a", val_string(a, "1", 1));
                val_put(a, r.value, "b", val_string(a, "2", 1));
                run(&xf_replace_field_value,
                    json_pack("{ss}", "renames", text), &r);
                break;
        case 6: {
                connect_schema_t *dec = schema_new(a, CONNECTD_VAL_BYTES);
                char sc[8];

                if (size < 2)
                        break;
                snprintf(sc, sizeof(sc), "%d", (int8_t)data[1]);
                dec->name = LOGICAL_DECIMAL;
                schema_add_param(a, dec, "scale", sc);
                for (i = 0; i < 8; i++) {
                        r.value_schema = dec;
                        r.value = val_bytes(a, data + 2, size - 2);
                        run(&xf_cast_value,
                            json_pack("{ss}", "spec", types[i]), &r);
                }
                break;
        }
        }
        free(text);
        arena_destroy(a);
        return 0;
}
