/*
 * fuzz_jregex — Java regex translation and PCRE2 matching: the input is
 * "<pattern>\n<subject>\n<replacement>". Compiles the pattern, runs
 * matches/find, and replaceFirst/replaceAll with the replacement.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jregex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *buf, *subj, *rep, err[512], *out = NULL;
        jregex_t *re;
        size_t s, e;

        if (size > 4096 || !(buf = malloc(size + 1)))
                return 0;
        memcpy(buf, data, size);
        buf[size] = '\0';
        subj = strchr(buf, '\n');
        if (subj)
                *subj++ = '\0';
        else
                subj = buf + strlen(buf);
        rep = strchr(subj, '\n');
        if (rep)
                *rep++ = '\0';
        else
                rep = subj + strlen(subj);
        re = jregex_compile(buf, err, sizeof err);
        if (re) {
                size_t n = strlen(subj);

                (void)jregex_matches(re, subj, n);
                (void)jregex_find(re, subj, n, n / 2, &s, &e);
                for (int all = 0; all < 2; all++) {
                        if (jregex_replace(re, subj, n, rep, all, &out, err,
                                           sizeof err) == 0)
                                free(out);
                }
                jregex_free(re);
        }
        free(buf);
        return 0;
}
