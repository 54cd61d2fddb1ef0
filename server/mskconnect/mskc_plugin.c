/*
 * mskc_plugin — MSK Connect custom plugins: the files and the loaded code.
 *
 * DESIGN
 * - Install: the object is fetched from the worker's S3-compatible endpoint
 *   (mskc_s3: mskconnect.s3.*; s3_get_object, the GET twin of log
 *   shipping's signed PUT), at most MSKC_PLUGIN_MAX_OBJECT bytes, its MD5
 *   and size recorded. contentType JAR is refused before any fetch: connectd
 *   runs native plugins, a JAR needs a Java worker.
 * - Layout: <mskconnect.plugin.dir>/<plugin id>/rev-<N>/ holds one
 *   revision (default dir: mskconnect-plugins next to storage.path). The
 *   revision is unpacked into a sibling ".rev-<N>.tmp" directory and
 *   renamed into place only once it unpacked and every .so loaded, so a
 *   revision directory is always complete.
 * - Unpacking (mskc_plugin_unpack): a bare shared object (ELF magic) is
 *   written as plugin.so; a ZIP is opened with libzip's consistency checks
 *   and each entry checked before anything is written: names must stay
 *   inside the directory (no absolute path, no "..", no backslash, no
 *   empty or "." component: zip-slip), Unix symlinks, devices and FIFOs are
 *   refused, at most MSKC_PLUGIN_MAX_ENTRIES entries and
 *   MSKC_PLUGIN_MAX_UNPACKED bytes are written, counted as the data is
 *   inflated (the sizes the archive claims are not trusted: size bombs).
 *   Files are created with O_EXCL|O_NOFOLLOW, mode 0600 (directories
 *   0700), in a directory only this process writes. A CRC error is a
 *   corrupt archive. An archive with no .so but .jar or .class files is a
 *   JVM plugin.
 * - Loading: every .so below the revision directory, in name order, goes
 *   through plugins_load_scoped (the ABI check and descriptor checks of
 *   plugin.path) into the scope named by the revision's directory
 *   relative to the plugin directory, "<plugin id>/rev-<N>" (the same on
 *   every worker of a cluster, wherever its plugin directory is).
 *   Scoped classes clash only within their revision, so two revisions may
 *   hold the same class. A connector runs a revision when its config
 *   carries PLUGINS_SCOPE_KEY = that scope (mskc_plugin_bind); the
 *   runtime's class lookup honours it (plugins_find_for_config). A .so that fails a load stays mapped if an
 *   earlier .so of the same revision loaded (code cannot be unloaded
 *   safely); the revision is CREATE_FAILED and never bound.
 * Threads: install/reload block on the network and the disk; any thread,
 *   no lock held. No state of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <gnutls/crypto.h>

#include "config.h"
#include "log.h"
#include "mskc_plugin.h"
#include "mskc_plugin_int.h"
#include "mskc_s3.h"
#include "plugins.h"

#define JVM_PLUGIN_MSG                                                         \
        "connectd runs native plugins only (shared objects built against "    \
        "its plugin ABI); a JAR plugin needs a Java Kafka Connect worker"

LOG_MODULE_LOGGER(lg, "connectd.mskconnect.plugins")

/* ---------- files ---------- */

static int rm_cb(const char *path, const struct stat *st, int flag,
                 struct FTW *ftw)
{
        (void)st; (void)flag; (void)ftw;
        (void)remove(path); /* best effort: keep going */
        return 0;
}

static void rm_rf(const char *path)
{
        struct stat st;

        if (lstat(path, &st))
                return;
        nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p of an absolute or relative path, mode 0700. */
static int mkdirs(const char *path, char *err, size_t errsz)
{
        char tmp[PATH_MAX];
        size_t i, n = strlen(path);

        if (n >= sizeof(tmp)) {
                snprintf(err, errsz, "path too long: %s", path);
                return -1;
        }
        memcpy(tmp, path, n + 1);
        for (i = 1; i <= n; i++) {
                if (tmp[i] != '/' && tmp[i] != '\0')
                        continue;
                tmp[i] = '\0';
                if (mkdir(tmp, 0700) && errno != EEXIST) {
                        snprintf(err, errsz, "cannot create %s: %s", tmp,
                                 strerror(errno));
                        return -1;
                }
                tmp[i] = path[i];
        }
        return 0;
}

static int has_suffix(const char *s, const char *suf)
{
        size_t n = strlen(s), m = strlen(suf);

        return n >= m && !strcasecmp(s + n - m, suf);
}

/* An archive member name that stays inside the directory: relative, no
 * backslash, no empty (except a trailing '/'), "." or ".." component. */
static int name_safe(const char *name)
{
        const char *p = name, *slash;

        if (!*name || *name == '/' || strchr(name, '\\'))
                return 0;
        for (;;) {
                size_t len;

                slash = strchr(p, '/');
                len = slash ? (size_t)(slash - p) : strlen(p);
                if (!slash && len == 0)
                        return 1; /* trailing '/': a directory */
                if (len == 0 || (len == 1 && p[0] == '.') ||
                    (len == 2 && p[0] == '.' && p[1] == '.'))
                        return 0;
                if (!slash)
                        return 1;
                p = slash + 1;
        }
}

static int write_all(int fd, const void *buf, size_t n)
{
        const char *p = buf;

        while (n) {
                ssize_t w = write(fd, p, n);

                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                p += w;
                n -= (size_t)w;
        }
        return 0;
}

static int create_file(const char *path, char *err, size_t errsz)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                    O_CLOEXEC, 0600);

        if (fd < 0)
                snprintf(err, errsz, "cannot create %s: %s", path,
                         strerror(errno));
        return fd;
}

/* ---------- unpacking ---------- */

static int unpack_zip(const unsigned char *buf, size_t n, const char *dir,
                      long long max_unpacked, char *err, size_t errsz)
{
        zip_error_t ze;
        zip_source_t *src = NULL;
        zip_t *za = NULL;
        zip_file_t *zf = NULL;
        zip_int64_t cnt, i;
        long long total = 0;
        int nso = 0, njvm = 0, fd = -1, rc = -1;
        char path[PATH_MAX], *chunk = NULL;

        zip_error_init(&ze);
        if (!(chunk = malloc(65536)) ||
            !(src = zip_source_buffer_create(buf, n, 0, &ze))) {
                snprintf(err, errsz, "out of memory");
                goto out;
        }
        if (!(za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
                                        &ze))) {
                snprintf(err, errsz, "corrupt ZIP archive: %s",
                         zip_error_strerror(&ze));
                zip_source_free(src);
                goto out;
        }
        cnt = zip_get_num_entries(za, 0);
        if (cnt < 0 || cnt > MSKC_PLUGIN_MAX_ENTRIES) {
                snprintf(err, errsz, "the ZIP archive has more than %d "
                         "entries", MSKC_PLUGIN_MAX_ENTRIES);
                goto out;
        }
        /* Check every entry before writing anything. */
        for (i = 0; i < cnt; i++) {
                const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
                zip_uint8_t opsys;
                zip_uint32_t attr;

                if (!name) {
                        snprintf(err, errsz, "corrupt ZIP archive: %s",
                                 zip_strerror(za));
                        goto out;
                }
                if (!name_safe(name)) {
                        snprintf(err, errsz, "unsafe ZIP archive: entry "
                                 "'%.200s' would be written outside the "
                                 "plugin directory", name);
                        goto out;
                }
                if (zip_file_get_external_attributes(za, (zip_uint64_t)i, 0,
                                                     &opsys, &attr) == 0 &&
                    opsys == ZIP_OPSYS_UNIX) {
                        unsigned mode = (attr >> 16) & 0170000u;

                        if (mode && mode != 0100000u && mode != 0040000u) {
                                snprintf(err, errsz, "unsafe ZIP archive: "
                                         "entry '%.200s' is a %s, only "
                                         "files and directories are "
                                         "allowed", name,
                                         mode == 0120000u
                                                 ? "symbolic link"
                                                 : "special file");
                                goto out;
                        }
                }
                if (has_suffix(name, ".so"))
                        nso++;
                else if (has_suffix(name, ".jar") ||
                         has_suffix(name, ".class"))
                        njvm++;
        }
        if (!nso) {
                if (njvm)
                        snprintf(err, errsz, "the ZIP archive holds Java "
                                 "classes or JARs and no .so: "
                                 JVM_PLUGIN_MSG);
                else
                        snprintf(err, errsz, "the ZIP archive holds no native "
                                 "plugin (.so file)");
                goto out;
        }
        for (i = 0; i < cnt; i++) {
                const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
                size_t len = strlen(name);
                char *slash;
                zip_int64_t r;

                if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
                    sizeof(path)) {
                        snprintf(err, errsz, "entry name too long: %.200s",
                                 name);
                        goto out;
                }
                if (name[len - 1] == '/') {
                        if (mkdirs(path, err, errsz))
                                goto out;
                        continue;
                }
                slash = strrchr(path, '/');
                *slash = '\0';
                if (mkdirs(path, err, errsz))
                        goto out;
                *slash = '/';
                if ((fd = create_file(path, err, errsz)) < 0)
                        goto out;
                if (!(zf = zip_fopen_index(za, (zip_uint64_t)i, 0))) {
                        snprintf(err, errsz, "corrupt ZIP archive: entry "
                                 "'%.200s': %s", name, zip_strerror(za));
                        goto out;
                }
                while ((r = zip_fread(zf, chunk, 65536)) > 0) {
                        total += r;
                        if (total > max_unpacked) {
                                snprintf(err, errsz, "the ZIP archive unpacks "
                                         "to more than %lld bytes",
                                         max_unpacked);
                                goto out;
                        }
                        if (write_all(fd, chunk, (size_t)r)) {
                                snprintf(err, errsz, "cannot write %s: %s",
                                         path, strerror(errno));
                                goto out;
                        }
                }
                if (r < 0) {
                        snprintf(err, errsz, "corrupt ZIP archive: entry "
                                 "'%.200s': %s", name, zip_file_strerror(zf));
                        goto out;
                }
                zip_fclose(zf);
                zf = NULL;
                if (close(fd)) {
                        fd = -1;
                        snprintf(err, errsz, "cannot write %s: %s", path,
                                 strerror(errno));
                        goto out;
                }
                fd = -1;
        }
        rc = 0;
out:
        if (fd >= 0)
                close(fd);
        if (zf)
                zip_fclose(zf);
        if (za)
                zip_discard(za);
        zip_error_fini(&ze);
        free(chunk);
        return rc;
}

int mskc_plugin_unpack(const unsigned char *buf, size_t n, const char *dir,
                       long long max_unpacked, char *err, size_t errsz)
{
        char path[PATH_MAX];
        int fd;

        if (n >= 4 && !memcmp(buf, "\x7f" "ELF", 4)) {
                if ((long long)n > max_unpacked) {
                        snprintf(err, errsz, "the shared object is larger "
                                 "than %lld bytes", max_unpacked);
                        return -1;
                }
                snprintf(path, sizeof(path), "%s/plugin.so", dir);
                if ((fd = create_file(path, err, errsz)) < 0)
                        return -1;
                if (write_all(fd, buf, n) | close(fd)) {
                        snprintf(err, errsz, "cannot write %s: %s", path,
                                 strerror(errno));
                        return -1;
                }
                return 0;
        }
        if (n >= 4 && buf[0] == 'P' && buf[1] == 'K')
                return unpack_zip(buf, n, dir, max_unpacked, err, errsz);
        if (n >= 4 && buf[0] == 0xCA && buf[1] == 0xFE && buf[2] == 0xBA &&
            buf[3] == 0xBE) {
                snprintf(err, errsz, "the object is a Java class file: "
                         JVM_PLUGIN_MSG);
                return -1;
        }
        snprintf(err, errsz, "the object is neither a ZIP archive nor a "
                 "shared object (corrupt or unsupported format)");
        return -1;
}

/* ---------- loading ---------- */

typedef struct so_list {
        char **v;
        size_t n, cap;
} so_list_t;

static int so_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_so(so_list_t *l, const char *dir, int depth, char *err,
                      size_t errsz)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        char path[PATH_MAX];
        struct stat st;
        int rc = 0;

        if (!d) {
                snprintf(err, errsz, "cannot read %s: %s", dir,
                         strerror(errno));
                return -1;
        }
        while (rc == 0 && (de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
                                     de->d_name) >= sizeof(path) ||
                    lstat(path, &st))
                        continue;
                if (S_ISDIR(st.st_mode) && depth < 8) {
                        rc = collect_so(l, path, depth + 1, err, errsz);
                } else if (S_ISREG(st.st_mode) &&
                           has_suffix(de->d_name, ".so")) {
                        if (l->n == l->cap) {
                                size_t cap = l->cap ? l->cap * 2 : 8;
                                char **v = realloc(l->v, cap * sizeof(*v));

                                if (!v)
                                        goto oom;
                                l->v = v;
                                l->cap = cap;
                        }
                        if (!(l->v[l->n] = strdup(path)))
                                goto oom;
                        l->n++;
                }
        }
        closedir(d);
        return rc;
oom:
        closedir(d);
        snprintf(err, errsz, "out of memory");
        return -1;
}

/* Load every .so below `dir` (files) into the scope `scope`. */
static int load_tree(const char *dir, const char *scope, json_t **classes,
                     char *err, size_t errsz)
{
        so_list_t l = { NULL, 0, 0 };
        char why[1024];
        size_t i, dl = strlen(dir);
        int rc = -1;

        *classes = NULL;
        if (collect_so(&l, dir, 0, err, errsz))
                goto out;
        if (!l.n) {
                snprintf(err, errsz, "no native plugin (.so file) in %s", dir);
                goto out;
        }
        qsort(l.v, l.n, sizeof(*l.v), so_cmp);
        for (i = 0; i < l.n; i++) {
                if (plugins_load_scoped(l.v[i], scope, why, sizeof(why))) {
                        snprintf(err, errsz, "%s is not a loadable connectd "
                                 "plugin: %s", l.v[i] + dl + 1, why);
                        goto out;
                }
        }
        if (!(*classes = plugins_scope_classes(scope))) {
                snprintf(err, errsz, "out of memory");
                goto out;
        }
        rc = 0;
out:
        for (i = 0; i < l.n; i++)
                free(l.v[i]);
        free(l.v);
        return rc;
}

void mskc_plugin_scope(const char *dir, char *out, size_t n)
{
        size_t len = strlen(dir);
        const char *p;
        int slashes = 0;

        while (len > 1 && dir[len - 1] == '/')
                len--;
        for (p = dir + len; p > dir; p--)
                if (p[-1] == '/' && ++slashes == 2)
                        break;
        snprintf(out, n, "%.*s", (int)(dir + len - p), p);
}

int mskc_plugin_load_dir(const char *dir, json_t **classes, char *err,
                         size_t errsz)
{
        char scope[PATH_MAX];

        mskc_plugin_scope(dir, scope, sizeof(scope));
        return load_tree(dir, scope, classes, err, errsz);
}

/* ---------- the API ---------- */

/* The managed plugin directory, absolute, created if missing. */
static int plugin_root(const json_t *props, char *out, size_t n, char *err,
                       size_t errsz)
{
        const char *d = json_string_value(
                json_object_get(props, "mskconnect.plugin.dir"));
        char tmp[PATH_MAX];

        if (d && *d) {
                snprintf(tmp, sizeof(tmp), "%s", d);
        } else {
                const char *sp = wc_get(props, "storage.path");
                const char *slash = sp ? strrchr(sp, '/') : NULL;

                if (slash)
                        snprintf(tmp, sizeof(tmp), "%.*s/mskconnect-plugins",
                                 (int)(slash - sp), sp);
                else
                        snprintf(tmp, sizeof(tmp), "mskconnect-plugins");
        }
        if (mkdirs(tmp, err, errsz))
                return -1;
        if (!realpath(tmp, out) || strlen(out) >= n) {
                snprintf(err, errsz, "cannot resolve %s: %s", tmp,
                         strerror(errno));
                return -1;
        }
        return 0;
}

static int id_safe(const char *id)
{
        size_t i;

        if (!id || !*id || !strcmp(id, ".") || !strcmp(id, "..") ||
            strlen(id) > 200)
                return 0;
        for (i = 0; id[i]; i++) {
                char c = id[i];

                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                      c == '_'))
                        return 0;
        }
        return 1;
}

int mskc_plugin_install(const json_t *worker_props, const char *plugin_id,
                        long long revision, const char *content_type,
                        const char *bucket_arn, const char *file_key,
                        const char *object_version, mskc_plugin_rev_t *out,
                        char *err, size_t errsz)
{
        s3_client_t s3;
        char bucket[256], root[PATH_MAX], tmpdir[PATH_MAX + 64],
                revdir[PATH_MAX + 64], why[1024];
        unsigned char *obj = NULL, md5[16];
        size_t len = 0, i;
        json_t *classes = NULL;
        int rc = -1, made_tmp = 0;

        memset(out, 0, sizeof(*out));
        if (!id_safe(plugin_id) || revision < 1) {
                snprintf(err, errsz, "invalid plugin id or revision");
                return -1;
        }
        if (content_type && !strcmp(content_type, "JAR")) {
                snprintf(err, errsz, "contentType JAR: " JVM_PLUGIN_MSG);
                return -1;
        }
        if (!content_type || strcmp(content_type, "ZIP")) {
                snprintf(err, errsz, "contentType must be ZIP or JAR");
                return -1;
        }
        if (!file_key || !*file_key) {
                snprintf(err, errsz, "fileKey is required");
                return -1;
        }
        if (mskc_s3_bucket_of_arn(bucket_arn, bucket, sizeof(bucket), err,
                                  errsz) ||
            mskc_s3_client(worker_props, &s3, err, errsz) ||
            plugin_root(worker_props, root, sizeof(root), err, errsz))
                return -1;
        if (s3_get_object(&s3, bucket, file_key, object_version,
                          (size_t)MSKC_PLUGIN_MAX_OBJECT, &obj, &len, why,
                          sizeof(why))) {
                snprintf(err, errsz, "cannot fetch the plugin: %s", why);
                goto out;
        }
        gnutls_hash_fast(GNUTLS_DIG_MD5, obj, len, md5);
        for (i = 0; i < 16; i++)
                snprintf(out->md5_hex + 2 * i, 3, "%02x", md5[i]);
        out->size = (long long)len;

        snprintf(tmpdir, sizeof(tmpdir), "%s/%s/.rev-%lld.tmp", root,
                 plugin_id, revision);
        snprintf(revdir, sizeof(revdir), "%s/%s/rev-%lld", root, plugin_id,
                 revision);
        rm_rf(tmpdir);
        if (mkdirs(tmpdir, err, errsz))
                goto out;
        made_tmp = 1;
        if (mskc_plugin_unpack(obj, len, tmpdir, MSKC_PLUGIN_MAX_UNPACKED,
                               err, errsz))
                goto out;
        /* Into place first: the scope is the revision's final directory,
         * which the loaded files then live in. */
        rm_rf(revdir);
        if (rename(tmpdir, revdir)) {
                snprintf(err, errsz, "cannot rename %s to %s: %s", tmpdir,
                         revdir, strerror(errno));
                goto out;
        }
        made_tmp = 0;
        if (mskc_plugin_load_dir(revdir, &classes, err, errsz)) {
                rm_rf(revdir);
                goto out;
        }
        if (!(out->dir = strdup(revdir))) {
                snprintf(err, errsz, "out of memory");
                goto out;
        }
        out->classes = classes;
        classes = NULL;
        LOG_INFO(lg(), "Custom plugin %s revision %lld installed in %s "
                 "(%lld bytes, md5 %s)", plugin_id, revision, revdir,
                 out->size, out->md5_hex);
        rc = 0;
out:
        if (rc)
                LOG_WARN(lg(), "Custom plugin %s revision %lld failed: %s",
                         plugin_id, revision, err);
        if (made_tmp)
                rm_rf(tmpdir);
        json_decref(classes);
        free(obj);
        if (rc)
                mskc_plugin_rev_free(out);
        return rc;
}

int mskc_plugin_local_dir(const json_t *worker_props, const char *plugin_id,
                          long long revision, char *out, size_t n, char *err,
                          size_t errsz)
{
        char root[PATH_MAX];
        int w;

        if (!id_safe(plugin_id) || revision < 1) {
                snprintf(err, errsz, "invalid plugin id or revision");
                return -1;
        }
        if (plugin_root(worker_props, root, sizeof(root), err, errsz))
                return -1;
        w = snprintf(out, n, "%s/%s/rev-%lld", root, plugin_id, revision);
        if (w < 0 || (size_t)w >= n) {
                snprintf(err, errsz, "plugin directory name too long");
                return -1;
        }
        return 0;
}

int mskc_plugin_reload(const json_t *worker_props, mskc_plugin_rev_t *rev,
                       char *err, size_t errsz)
{
        json_t *classes = NULL;

        (void)worker_props;
        if (!rev || !rev->dir) {
                snprintf(err, errsz, "no revision directory");
                return -1;
        }
        if (mskc_plugin_load_dir(rev->dir, &classes, err, errsz))
                return -1;
        json_decref(rev->classes);
        rev->classes = classes;
        return 0;
}

int mskc_plugin_bind(json_t *connector_config, const mskc_plugin_rev_t *rev,
                     char *err, size_t errsz)
{
        char scope[PATH_MAX];

        if (!rev || !rev->dir) {
                snprintf(err, errsz, "the custom plugin revision is not "
                         "installed");
                return -1;
        }
        mskc_plugin_scope(rev->dir, scope, sizeof(scope));
        if (json_object_set_new(connector_config, PLUGINS_SCOPE_KEY,
                                json_string(scope))) {
                snprintf(err, errsz, "out of memory");
                return -1;
        }
        return 0;
}

void mskc_plugin_remove(const mskc_plugin_rev_t *rev)
{
        if (rev && rev->dir)
                rm_rf(rev->dir);
}

void mskc_plugin_rev_free(mskc_plugin_rev_t *rev)
{
        if (!rev)
                return;
        json_decref(rev->classes);
        free(rev->dir);
        rev->classes = NULL;
        rev->dir = NULL;
}
