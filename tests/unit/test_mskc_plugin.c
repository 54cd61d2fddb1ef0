/*
 * Unit tests for server/mskconnect/mskc_plugin.c: unpacking crafted
 * archives (good, corrupt, zip-slip, symlink, size bomb, JAR), loading a
 * revision with the ABI check, and two revisions holding the same class
 * side by side (the runtime's scoped class lookup).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <jansson.h>

#include "mskc_plugin.h"
#include "mskc_plugin_int.h"
#include "plugins.h"

#define SEQ_CLASS "com.example.connectd.SequenceSourceConnector"

static char err[2048];
static char tmp[512];

static const char *build_dir(void)
{
        const char *d = getenv("CONNECTD_BUILD_DIR");
        return d && *d ? d : CONNECTD_BUILD_DIR_DEFAULT;
}

static void setup(void)
{
        const char *t = getenv("TMPDIR");

        snprintf(tmp, sizeof(tmp), "%s/connectd-mskcp-XXXXXX",
                 t && *t ? t : "/tmp");
        cr_assert_not_null(mkdtemp(tmp), "mkdtemp: %s", strerror(errno));
        err[0] = '\0';
}

static void teardown(void)
{
        char cmd[700];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmp);
        plugins_reset();
}

TestSuite(mskc_plugin, .init = setup, .fini = teardown);

static unsigned char *read_all(const char *path, size_t *n)
{
        FILE *f = fopen(path, "rb");
        unsigned char *buf;
        long sz;

        cr_assert_not_null(f, "open %s: %s", path, strerror(errno));
        fseek(f, 0, SEEK_END);
        sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)sz + 1);
        cr_assert_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
        fclose(f);
        *n = (size_t)sz;
        return buf;
}

/* An entry of a crafted archive: data from a file (path) or bytes. */
typedef struct entry {
        const char *name;
        const char *file;     /* or NULL */
        const char *data;     /* or NULL */
        size_t len;           /* of data; with neither: len zero bytes */
        unsigned unix_mode;   /* 0: default */
} entry_t;

/* Build a ZIP of entries in memory (*n bytes, caller frees). */
static unsigned char *make_zip(const entry_t *e, int ne, size_t *n)
{
        char path[700];
        zip_t *za;
        int i, zerr;

        snprintf(path, sizeof(path), "%s/crafted.zip", tmp);
        unlink(path);
        za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
        cr_assert_not_null(za, "zip_open %d", zerr);
        for (i = 0; i < ne; i++) {
                zip_source_t *src;
                zip_int64_t idx;
                size_t nl = strlen(e[i].name);

                if (e[i].name[nl - 1] == '/') {
                        idx = zip_dir_add(za, e[i].name, ZIP_FL_ENC_UTF_8);
                        cr_assert_geq(idx, 0, "%s", zip_strerror(za));
                        continue;
                }
                if (e[i].file) {
                        src = zip_source_file(za, e[i].file, 0, -1);
                } else if (e[i].data) {
                        src = zip_source_buffer(za, e[i].data, e[i].len, 0);
                } else {
                        void *z = calloc(1, e[i].len ? e[i].len : 1);
                        src = zip_source_buffer(za, z, e[i].len, 1);
                }
                cr_assert_not_null(src, "%s", zip_strerror(za));
                idx = zip_file_add(za, e[i].name, src, ZIP_FL_ENC_UTF_8);
                cr_assert_geq(idx, 0, "add %s: %s", e[i].name,
                              zip_strerror(za));
                if (e[i].unix_mode)
                        cr_assert_eq(zip_file_set_external_attributes(
                                             za, (zip_uint64_t)idx, 0,
                                             ZIP_OPSYS_UNIX,
                                             (zip_uint32_t)e[i].unix_mode
                                                     << 16),
                                     0);
        }
        cr_assert_eq(zip_close(za), 0);
        return read_all(path, n);
}

static const char *seq_so(void)
{
        static char p[700];

        snprintf(p, sizeof(p), "%s/plugins/sequence_source.so", build_dir());
        return p;
}

static char *newdir(const char *name)
{
        static char p[4][700];
        static int k;
        char *d = p[k++ % 4];

        snprintf(d, sizeof(p[0]), "%s/%s", tmp, name);
        cr_assert_eq(mkdir(d, 0700), 0, "mkdir %s", d);
        return d;
}

static int exists(const char *dir, const char *name)
{
        char p[1400];
        struct stat st;

        snprintf(p, sizeof(p), "%s/%s", dir, name);
        return lstat(p, &st) == 0;
}

Test(mskc_plugin, good_zip_unpacks_and_loads_its_classes)
{
        entry_t e[] = {
                {"README.txt", NULL, "hello", 5, 0},
                {"lib/", NULL, NULL, 0, 0040755},
                {"lib/sequence_source.so", seq_so(), NULL, 0, 0},
        };
        size_t n;
        unsigned char *z = make_zip(e, 3, &n);
        char *d = newdir("good");
        json_t *classes = NULL;

        cr_assert_eq(mskc_plugin_unpack(z, n, d, MSKC_PLUGIN_MAX_UNPACKED, err,
                                        sizeof(err)), 0, "%s", err);
        cr_assert(exists(d, "lib/sequence_source.so"));
        cr_assert(exists(d, "README.txt"));
        cr_assert_eq(mskc_plugin_load_dir(d, &classes, err, sizeof(err)), 0,
                     "%s", err);
        cr_assert_eq(json_array_size(classes), 1);
        cr_assert_str_eq(json_string_value(json_array_get(classes, 0)),
                         SEQ_CLASS);
        json_decref(classes);
        free(z);
}

Test(mskc_plugin, bare_shared_object_is_taken_as_is)
{
        size_t n;
        unsigned char *so = read_all(seq_so(), &n);
        char *d = newdir("bare");

        cr_assert_eq(mskc_plugin_unpack(so, n, d, MSKC_PLUGIN_MAX_UNPACKED,
                                        err, sizeof(err)), 0, "%s", err);
        cr_assert(exists(d, "plugin.so"));
        free(so);
}

Test(mskc_plugin, corrupt_archives_are_refused)
{
        entry_t e[] = {
                {"a.so", NULL, NULL, 200000, 0},
        };
        size_t n;
        unsigned char *z = make_zip(e, 1, &n);
        char *d = newdir("c1");

        /* Truncated: no central directory. */
        cr_assert_eq(mskc_plugin_unpack(z, n / 2, d, MSKC_PLUGIN_MAX_UNPACKED,
                                        err, sizeof(err)), -1);
        cr_assert(strstr(err, "corrupt"), "%s", err);
        /* Damaged data (CRC or inflate error). */
        z[40] ^= 0xff;
        z[41] ^= 0xff;
        z[60] ^= 0x55;
        d = newdir("c2");
        cr_assert_eq(mskc_plugin_unpack(z, n, d, MSKC_PLUGIN_MAX_UNPACKED, err,
                                        sizeof(err)), -1);
        cr_assert(strstr(err, "corrupt"), "%s", err);
        /* Neither ZIP nor ELF. */
        d = newdir("c3");
        cr_assert_eq(mskc_plugin_unpack((const unsigned char *)"hello world",
                                        11, d, MSKC_PLUGIN_MAX_UNPACKED, err,
                                        sizeof(err)), -1);
        cr_assert(strstr(err, "neither a ZIP"), "%s", err);
        free(z);
}

Test(mskc_plugin, zip_slip_and_links_are_refused_before_writing)
{
        static const char *const bad[] = {
                "../evil.so", "lib/../../evil.so", "/abs/evil.so",
                "lib\\..\\evil.so", "lib//x.so", "./x.so",
        };
        size_t i, n;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                entry_t e[] = {
                        {"ok.so", seq_so(), NULL, 0, 0},
                        {bad[i], NULL, "x", 1, 0},
                };
                unsigned char *z = make_zip(e, 2, &n);
                char name[32], *d;

                snprintf(name, sizeof(name), "slip%zu", i);
                d = newdir(name);
                cr_assert_eq(mskc_plugin_unpack(z, n, d,
                                                MSKC_PLUGIN_MAX_UNPACKED, err,
                                                sizeof(err)), -1, "%s", bad[i]);
                cr_assert(strstr(err, "outside the plugin directory"), "%s",
                          err);
                cr_assert(!exists(d, "ok.so"), "wrote before checking");
                free(z);
        }
        {
                entry_t e[] = {
                        {"ok.so", seq_so(), NULL, 0, 0},
                        {"link.so", NULL, "/etc/passwd", 11, 0120777},
                };
                unsigned char *z = make_zip(e, 2, &n);
                char *d = newdir("link");

                cr_assert_eq(mskc_plugin_unpack(z, n, d,
                                                MSKC_PLUGIN_MAX_UNPACKED, err,
                                                sizeof(err)), -1);
                cr_assert(strstr(err, "symbolic link"), "%s", err);
                cr_assert(!exists(d, "link.so"));
                free(z);
        }
}

Test(mskc_plugin, size_bomb_is_cut_while_inflating)
{
        entry_t e[] = {
                {"a.so", NULL, NULL, 4 * 1024 * 1024, 0},
        };
        size_t n;
        unsigned char *z = make_zip(e, 1, &n);
        char *d = newdir("bomb");

        cr_assert_lt(n, 100000, "zeros compress well");
        cr_assert_eq(mskc_plugin_unpack(z, n, d, 1024 * 1024, err,
                                        sizeof(err)), -1);
        cr_assert(strstr(err, "more than 1048576 bytes"), "%s", err);
        free(z);
}

Test(mskc_plugin, jar_needs_a_java_worker)
{
        entry_t jar[] = {
                {"META-INF/MANIFEST.MF", NULL, "Manifest-Version: 1.0\n", 22,
                 0},
                {"com/example/Foo.class", NULL, "\xca\xfe\xba\xbe", 4, 0},
        };
        entry_t zipjars[] = {
                {"lib/connector.jar", NULL, "PK", 2, 0},
                {"doc/README", NULL, "x", 1, 0},
        };
        json_t *wp = json_object();
        mskc_plugin_rev_t rev;
        size_t n;
        unsigned char *z = make_zip(jar, 2, &n);
        char *d = newdir("jar1");

        cr_assert_eq(mskc_plugin_unpack(z, n, d, MSKC_PLUGIN_MAX_UNPACKED, err,
                                        sizeof(err)), -1);
        cr_assert(strstr(err, "Java Kafka Connect worker"), "%s", err);
        free(z);
        z = make_zip(zipjars, 2, &n);
        d = newdir("jar2");
        cr_assert_eq(mskc_plugin_unpack(z, n, d, MSKC_PLUGIN_MAX_UNPACKED, err,
                                        sizeof(err)), -1);
        cr_assert(strstr(err, "Java Kafka Connect worker"), "%s", err);
        free(z);
        /* contentType JAR: refused before any fetch. */
        cr_assert_eq(mskc_plugin_install(wp, "p-1", 1, "JAR",
                                         "arn:aws:s3:::bucket", "x.jar", NULL,
                                         &rev, err, sizeof(err)), -1);
        cr_assert(strstr(err, "JAR"), "%s", err);
        cr_assert(strstr(err, "Java Kafka Connect worker"), "%s", err);
        json_decref(wp);
}

Test(mskc_plugin, abi_check_failure_says_why)
{
        char so[700];
        size_t n;
        unsigned char *z;
        char *d = newdir("abi");
        json_t *classes = NULL;

        snprintf(so, sizeof(so), "%s/test-plugins/bad_abi.so", build_dir());
        {
                entry_t e[] = {{"bad_abi.so", so, NULL, 0, 0}};
                z = make_zip(e, 1, &n);
        }
        cr_assert_eq(mskc_plugin_unpack(z, n, d, MSKC_PLUGIN_MAX_UNPACKED, err,
                                        sizeof(err)), 0, "%s", err);
        cr_assert_eq(mskc_plugin_load_dir(d, &classes, err, sizeof(err)), -1);
        cr_assert(strstr(err, "bad_abi.so is not a loadable connectd plugin"),
                  "%s", err);
        cr_assert(strstr(err, "plugin ABI"), "%s", err);
        cr_assert_null(classes);
        free(z);
}

Test(mskc_plugin, two_revisions_hold_the_same_class_side_by_side)
{
        char *d1 = newdir("rev-1"), *d2 = newdir("rev-2");
        char cmd[2000], s1[700], s2[700];
        json_t *c1 = NULL, *c2 = NULL, *cfg;
        const connectd_connector_desc_t *a, *b;
        mskc_plugin_rev_t rev = { "", 0, NULL, d2 };

        snprintf(cmd, sizeof(cmd), "cp '%s' '%s/' && cp '%s' '%s/'", seq_so(),
                 d1, seq_so(), d2);
        cr_assert_eq(system(cmd), 0);
        cr_assert_eq(mskc_plugin_load_dir(d1, &c1, err, sizeof(err)), 0, "%s",
                     err);
        cr_assert_eq(mskc_plugin_load_dir(d2, &c2, err, sizeof(err)), 0, "%s",
                     err);
        mskc_plugin_scope(d1, s1, sizeof(s1));
        mskc_plugin_scope(d2, s2, sizeof(s2));
        cr_assert(strstr(d2, s2) && !strcmp(strrchr(s2, '/'), "/rev-2"),
                  "%s", s2);
        a = plugins_find_in(SEQ_CLASS, s1);
        b = plugins_find_in(SEQ_CLASS, s2);
        cr_assert_not_null(a);
        cr_assert_not_null(b);
        cr_assert_neq(a, b, "each revision has its own class");
        /* The scope's own code: the two copies are distinct objects. */
        cr_assert_neq((void *)a->start, (void *)b->start);
        /* Not visible without the scope; unscoped classes stay visible
         * through a scope. */
        cr_assert_null(plugins_find(SEQ_CLASS));
        cr_assert_null(plugins_at(0));
        cfg = json_pack("{s:s}", "connector.class", "SequenceSource");
        cr_assert_null(plugins_find_for_config(cfg));
        cr_assert_eq(mskc_plugin_bind(cfg, &rev, err, sizeof(err)), 0);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 cfg, PLUGINS_SCOPE_KEY)), s2);
        cr_assert_eq(plugins_find_for_config(cfg), b);
        json_decref(cfg);
        json_decref(c1);
        json_decref(c2);
}

Test(mskc_plugin, scope_is_the_revision_dir_below_the_plugin_dir)
{
        char s[256];

        mskc_plugin_scope("/var/lib/connectd/mskconnect-plugins/p-1/rev-2",
                          s, sizeof(s));
        cr_assert_str_eq(s, "p-1/rev-2");
        mskc_plugin_scope("/x/p-1/rev-3/", s, sizeof(s));
        cr_assert_str_eq(s, "p-1/rev-3");
        mskc_plugin_scope("rev-1", s, sizeof(s));
        cr_assert_str_eq(s, "rev-1");
}
