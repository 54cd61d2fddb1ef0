/*
 * fuzz_rest_auth — the REST credentials file parser and the
 * "Authorization: Basic" decoder. The first byte picks which; a parsed
 * credentials table is also asked about the user "a" with every password
 * the rest of the input spells.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rest_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[512], *text, *u = NULL, *p = NULL;
        rest_auth_t *a;

        if (size < 1)
                return 0;
        text = malloc(size);
        if (!text)
                return 0;
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';
        if (data[0] & 1) {
                if (rest_auth_decode_basic(text, &u, &p) == 0) {
                        if (strlen(u) > size || strlen(p) > size)
                                abort();
                        free(u);
                        free(p);
                }
        } else {
                a = rest_auth_parse(text, size - 1, err, sizeof(err));
                if (a) {
                        rest_auth_check(a, "a", text);
                        rest_auth_header_ok(a, text);
                        rest_auth_free(a);
                }
        }
        free(text);
        return 0;
}
