/*
 * fuzz_javadate — SimpleDateFormat patterns and inputs: the input is
 * "<pattern>\n<text>[\n<8 bytes of an instant>]". Compiles the pattern,
 * parses the text, formats the parsed instant (and a fuzzed one) and
 * parses the formatted text back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "javadate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *buf = malloc(size + 1), *text, *inst;
        javadate_t *f;
        int64_t ms = 0, back;
        char err[128];

        if (!buf)
                return 0;
        memcpy(buf, data, size);
        buf[size] = '\0';
        text = strchr(buf, '\n');
        if (text)
                *text++ = '\0';
        else
                text = buf + size;
        inst = strchr(text, '\n');
        if (inst) {
                *inst++ = '\0';
                for (size_t i = 0; i < 8 && inst[i]; i++)
                        ms = (int64_t)((uint64_t)ms << 8 | (uint8_t)inst[i]);
        }
        f = javadate_new(buf, err, sizeof err);
        if (f) {
                char *s;

                if (javadate_parse_at(f, text, 1796040000000LL, &back) == 0)
                        ms ^= back;
                if ((s = javadate_format(f, ms))) {
                        (void)javadate_parse_at(f, s, 1796040000000LL, &back);
                        free(s);
                }
                javadate_free(f);
        }
        free(buf);
        return 0;
}
