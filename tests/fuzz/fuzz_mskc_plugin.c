/*
 * fuzz_mskc_plugin — what an MSK Connect custom plugin object goes through
 * before any code is loaded: the ZIP / shared object unpacker with its
 * zip-slip, link and size checks (into a scratch directory, emptied after
 * each input), and the worker configuration decoder (strict base64, the
 * properties parser, the worker key checks) over the same bytes.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mskc_plugin_int.h"
#include "mskc_workercfg.h"

static char root[256];

static int rm_cb(const char *p, const struct stat *st, int flag,
                 struct FTW *ftw)
{
        (void)st; (void)flag;
        if (ftw->level > 0)
                remove(p);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[1024], *text;
        json_t *w;

        if (!root[0]) {
                const char *t = getenv("TMPDIR");

                snprintf(root, sizeof(root), "%s/fuzz-mskc-XXXXXX",
                         t && *t ? t : "/tmp");
                if (!mkdtemp(root))
                        abort();
        }
        mskc_plugin_unpack(data, size, root, 1 << 20, err, sizeof(err));
        nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);

        if (!(text = malloc(size + 1)))
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        w = mskc_workercfg_parse(text, err, sizeof(err));
        json_decref(w);
        free(text);
        return 0;
}
