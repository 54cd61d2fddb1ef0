/*
 * The REST API's doors: https listeners (PEM keystore, client
 * certificates), HTTP Basic authentication, and the refusal to start an
 * unauthenticated listener on a non-loopback address.
 *
 * Certificates are made per test run with the openssl command: a CA, a
 * server certificate for 127.0.0.1 signed by it, a client certificate
 * signed by it, and a self-signed "rogue" client certificate. Clients are
 * libcurl with CA verification. Requests only go to 127.0.0.1.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char *pki;   /* temp dir with the PEM files */
static char path_buf[8][600];

static const char *pki_path(int slot, const char *name)
{
        snprintf(path_buf[slot], sizeof(path_buf[slot]), "%s/%s", pki, name);
        return path_buf[slot];
}

static void sh(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
        char cmd[4096];
        va_list ap;
        int rc;

        va_start(ap, fmt);
        vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        rc = system(cmd);
        cr_assert_eq(rc, 0, "command failed (%d): %s", rc, cmd);
}

static void make_pki(void)
{
        const char *q = "2>/dev/null";

        pki = tmpdir_new("pki");
        cr_assert_not_null(pki);
        sh("cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
           "-subj /CN=connectd-test-ca -keyout ca.key -out ca.pem %s",
           pki, q);
        sh("cd '%s' && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n'"
           " > san.cnf && openssl req -newkey rsa:2048 -nodes "
           "-subj /CN=localhost -keyout srv.key -out srv.csr %s && "
           "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key "
           "-CAcreateserial -days 2 -extfile san.cnf -out srv.pem %s && "
           "cat srv.pem srv.key > keystore.pem",
           pki, q, q);
        sh("cd '%s' && openssl req -newkey rsa:2048 -nodes -subj /CN=client "
           "-keyout cli.key -out cli.csr %s && openssl x509 -req -in cli.csr "
           "-CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out cli.pem %s",
           pki, q, q);
        sh("cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
           "-subj /CN=rogue -keyout rogue.key -out rogue.pem %s", pki, q);
        sh("cd '%s' && openssl pkcs8 -topk8 -in srv.key -passout pass:s3cret "
           "-out srv.enc.key %s && cat srv.pem srv.enc.key > keystore_enc.pem",
           pki, q);
        spit(pki_path(0, "creds"),
             "# REST users\n"
             "admin: adminpw\n"
             "ops=sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a1"
             "1ef721d1542d8\n", 0);
}

static void drop_pki(void)
{
        if (pki && !getenv("CONNECTD_TEST_KEEP"))
                rm_rf(pki);
        free(pki);
        pki = NULL;
}

TestSuite(security, .init = make_pki, .fini = drop_pki, .timeout = 240);

/* ------------------------------------------------------------------ */
/* A client */

typedef struct {
        const char *cacert;  /* NULL: no TLS verification settings */
        const char *cert, *key;
        const char *userpwd;
        const char *method;  /* NULL: GET */
        const char *body;
        long sslversion;     /* CURLOPT_SSLVERSION, 0: default */
} opts_t;

typedef struct {
        CURLcode res;
        long status;
        char *body;
        char *www_auth;
        char *location;
} resp_t;

static size_t on_body(char *d, size_t sz, size_t nm, void *u)
{
        char **b = u;
        size_t n = sz * nm, have = *b ? strlen(*b) : 0;
        char *p = realloc(*b, have + n + 1);

        if (!p)
                return 0;
        memcpy(p + have, d, n);
        p[have + n] = '\0';
        *b = p;
        return n;
}

static void header_value(const char *d, size_t n, const char *h, char **out)
{
        const char *v = d + strlen(h);
        size_t vn = n - strlen(h);

        if (n <= strlen(h) || strncasecmp(d, h, strlen(h)))
                return;
        while (vn && *v == ' ')
                v++, vn--;
        while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n'))
                vn--;
        free(*out);
        *out = strndup(v, vn);
}

static size_t on_header(char *d, size_t sz, size_t nm, void *u)
{
        resp_t *r = u;
        size_t n = sz * nm;

        header_value(d, n, "WWW-Authenticate:", &r->www_auth);
        header_value(d, n, "Location:", &r->location);
        return n;
}

static resp_t req(const char *url, const opts_t *o)
{
        resp_t r = {0};
        struct curl_slist *hdrs = NULL;
        CURL *c = curl_easy_init();

        cr_assert_not_null(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)scaled_ms(10000));
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
        if (o && o->cacert)
                curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
        if (o && o->cert) {
                curl_easy_setopt(c, CURLOPT_SSLCERT, o->cert);
                curl_easy_setopt(c, CURLOPT_SSLKEY, o->key);
        }
        if (o && o->userpwd) {
                curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
                curl_easy_setopt(c, CURLOPT_USERPWD, o->userpwd);
        }
        if (o && o->method)
                curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
        if (o && o->sslversion)
                curl_easy_setopt(c, CURLOPT_SSLVERSION, o->sslversion);
        if (o && o->body) {
                hdrs = curl_slist_append(hdrs,
                                         "Content-Type: application/json");
                curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, o->body);
        }
        r.res = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
        curl_easy_cleanup(c);
        curl_slist_free_all(hdrs);
        if (!r.body)
                r.body = strdup("");
        return r;
}

static void resp_free(resp_t *r)
{
        free(r->body);
        free(r->www_auth);
        free(r->location);
}

/* ------------------------------------------------------------------ */
/* A worker launched by hand (https only, or expected to fail) */

typedef struct {
        pid_t pid;
        char *dir;
        char url[256];
} proc_t;

static void proc_spawn(proc_t *p, const char *props)
{
        char path[600], text[16384];

        p->dir = tmpdir_new("secworker");
        snprintf(text, sizeof(text), "storage.path=%s/connectd.db\n%s\n",
                 p->dir, props);
        snprintf(path, sizeof(path), "%s/worker.properties", p->dir);
        cr_assert_eq(spit(path, text, 0), 0);
        p->pid = fork();
        cr_assert(p->pid >= 0);
        if (p->pid == 0) {
                char out[600], err[600];
                const char *bin = getenv("CONNECTD_BIN");
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                snprintf(out, sizeof(out), "%s/stdout.log", p->dir);
                snprintf(err, sizeof(err), "%s/stderr.log", p->dir);
                int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (fo < 0 || fe < 0 || !bin || chdir(p->dir))
                        _exit(127);
                dup2(fo, 1);
                dup2(fe, 2);
                execl(bin, bin, "worker.properties", (char *)NULL);
                _exit(127);
        }
}

static char *proc_file(const proc_t *p, const char *name)
{
        char path[600];
        char *s;

        snprintf(path, sizeof(path), "%s/%s", p->dir, name);
        s = slurp(path);
        return s ? s : strdup("");
}

typedef struct {
        proc_t *p;
        const char *prefix;
        int exited, status;
} waitarg_t;

/* Line on stdout starting "connectd: REST API listening on <prefix>". */
static int has_listener(void *arg)
{
        waitarg_t *wa = arg;
        char *out = proc_file(wa->p, "stdout.log");
        char needle[128];
        char *at;
        int found = 0;

        snprintf(needle, sizeof(needle), "REST API listening on %s",
                 wa->prefix);
        at = strstr(out, needle);
        if (at && strchr(at, '\n')) {
                at += strlen("REST API listening on ");
                snprintf(wa->p->url, sizeof(wa->p->url), "%.*s",
                         (int)strcspn(at, "\n"), at);
                found = 1;
        }
        free(out);
        if (!found && waitpid(wa->p->pid, &wa->status, WNOHANG) ==
                              wa->p->pid) {
                wa->exited = 1;
                wa->p->pid = 0;
                return 1;
        }
        return found;
}

static int exited(void *arg)
{
        waitarg_t *wa = arg;

        if (waitpid(wa->p->pid, &wa->status, WNOHANG) == wa->p->pid) {
                wa->exited = 1;
                wa->p->pid = 0;
                return 1;
        }
        return 0;
}

/* Start and wait for the listener line; fails the test if it exits. */
static void proc_start(proc_t *p, const char *props, const char *prefix)
{
        waitarg_t wa = {p, prefix, 0, 0};

        proc_spawn(p, props);
        cr_assert(wait_until(has_listener, &wa, 30000),
                  "worker did not announce %s", prefix);
        if (wa.exited) {
                char *e = proc_file(p, "stderr.log");
                cr_assert_fail("worker exited (status %d): %s", wa.status, e);
        }
}

/* Start expecting a start-up failure: returns stderr (caller frees). */
static char *proc_start_fails(proc_t *p, const char *props)
{
        waitarg_t wa = {p, "", 0, 0};

        proc_spawn(p, props);
        cr_assert(wait_until(exited, &wa, 30000),
                  "the worker kept running");
        cr_assert(WIFEXITED(wa.status) && WEXITSTATUS(wa.status) == 1,
                  "exit status %d", wa.status);
        return proc_file(p, "stderr.log");
}

static void proc_stop(proc_t *p)
{
        if (p->pid) {
                kill(p->pid, SIGTERM);
                waitpid(p->pid, NULL, 0);
                p->pid = 0;
        }
        if (p->dir && !getenv("CONNECTD_TEST_KEEP"))
                rm_rf(p->dir);
        free(p->dir);
        p->dir = NULL;
}

typedef struct {
        const char *url;
        const opts_t *o;
} getarg_t;

static int answers_200(void *arg)
{
        getarg_t *g = arg;
        resp_t r = req(g->url, g->o);
        int ok = r.res == CURLE_OK && r.status == 200;

        resp_free(&r);
        return ok;
}

/* The https URL a worker started with worker_start announced. */
static void https_url_of(const worker_t *w, char *url, size_t n)
{
        char path[600];
        char *out, *at;

        snprintf(path, sizeof(path), "%s/stdout.log", w->dir);
        out = slurp(path);
        cr_assert_not_null(out);
        at = strstr(out, "REST API listening on https://");
        cr_assert_not_null(at, "no https listener line in: %s", out);
        at += strlen("REST API listening on ");
        snprintf(url, n, "%.*s", (int)strcspn(at, "\n"), at);
        free(out);
}

static char *url_join(const char *base, const char *path)
{
        static char u[8][512];
        static int i;

        i = (i + 1) % 8;
        snprintf(u[i], sizeof(u[i]), "%s%s", base, path);
        return u[i];
}

/* ------------------------------------------------------------------ */
/* TLS */

Test(security, https_listener_next_to_http)
{
        char props[2048], https[256];
        opts_t ca = {.cacert = pki_path(0, "ca.pem")};
        opts_t noca = {0};
        resp_t r;

        snprintf(props, sizeof(props),
                 "listeners=http://127.0.0.1:0,https://127.0.0.1:0\n"
                 "listeners.https.ssl.keystore.type=PEM\n"
                 "listeners.https.ssl.keystore.location=%s\n",
                 pki_path(1, "keystore.pem"));
        worker_t *w = worker_start(props, NULL);
        https_url_of(w, https, sizeof(https));

        r = req(url_join(https, "/"), &ca);
        cr_assert_eq(r.res, CURLE_OK, "%s", curl_easy_strerror(r.res));
        cr_assert_eq(r.status, 200);
        cr_assert(strstr(r.body, "\"version\""), "%s", r.body);
        resp_free(&r);

        /* Our certificate really is the one served: without our CA the
         * client refuses it. */
        r = req(url_join(https, "/"), &noca);
        cr_assert_eq(r.res, CURLE_PEER_FAILED_VERIFICATION, "%s",
                     curl_easy_strerror(r.res));
        resp_free(&r);

        /* Plain HTTP to the https port gets no HTTP answer. */
        char plain[300];
        snprintf(plain, sizeof(plain), "http://%s", https + strlen("https://"));
        r = req(url_join(plain, "/"), NULL);
        cr_assert_neq(r.res, CURLE_OK, "plain http got %ld %s", r.status,
                      r.body);
        cr_assert_eq(r.status, 0);
        resp_free(&r);

        /* A created connector's Location carries the https scheme. */
        char body[1024], in[600], expect[400];
        opts_t create = {.cacert = pki_path(0, "ca.pem"), .method = "POST"};
        worker_path(w, "in.txt", in, sizeof(in));
        spit(in, "", 0);
        snprintf(body, sizeof(body),
                 "{\"name\":\"sec\",\"config\":{\"connector.class\":"
                 "\"FileStreamSource\",\"file\":\"%s\",\"topic\":\"sec\"}}",
                 in);
        create.body = body;
        r = req(url_join(https, "/connectors"), &create);
        cr_assert_eq(r.status, 201, "%ld %s", r.status, r.body);
        snprintf(expect, sizeof(expect), "%s/connectors/sec", https);
        cr_assert_str_eq(r.location ? r.location : "", expect);
        resp_free(&r);

        /* The http listener still answers. */
        r = req(url_join(w->url, "/connectors"), NULL);
        cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
        resp_free(&r);
        worker_free(w);
}

Test(security, https_only_with_inline_pem_and_encrypted_key)
{
        char *chain = slurp(pki_path(0, "srv.pem"));
        char *key = slurp(pki_path(1, "srv.enc.key"));
        char props[16384], *o = props, *p;
        size_t left = sizeof(props);
        proc_t pr = {0};
        opts_t ca = {.cacert = pki_path(2, "ca.pem")};
        getarg_t g;

        cr_assert(chain && key);
        /* Inline PEM as Kafka's docs show it: one value continued over
         * lines with a trailing backslash. */
        o += snprintf(o, left, "listeners=https://127.0.0.1:0\n"
                               "ssl.key.password=s3cret\n"
                               "ssl.keystore.certificate.chain=");
        for (p = chain; *p; p++) {
                if (*p == '\n' && p[1])
                        o += sprintf(o, " \\\n");
                else if (*p != '\n')
                        *o++ = *p;
        }
        o += sprintf(o, "\nssl.keystore.key=");
        for (p = key; *p; p++) {
                if (*p == '\n' && p[1])
                        o += sprintf(o, " \\\n");
                else if (*p != '\n')
                        *o++ = *p;
        }
        *o++ = '\n';
        *o = '\0';
        free(chain);
        free(key);

        proc_start(&pr, props, "https://");
        g.url = url_join(pr.url, "/health");
        g.o = &ca;
        cr_assert(wait_until(answers_200, &g, 30000),
                  "GET /health over https never answered 200");
        resp_t r = req(url_join(pr.url, "/"), &ca);
        cr_assert_eq(r.status, 200, "%s", curl_easy_strerror(r.res));
        resp_free(&r);
        proc_stop(&pr);
}

Test(security, enabled_protocols)
{
        char props[2048], https[256];
        opts_t any = {.cacert = pki_path(0, "ca.pem")};
        opts_t tls12 = {.cacert = pki_path(0, "ca.pem"),
                        .sslversion = CURL_SSLVERSION_TLSv1_2 |
                                      CURL_SSLVERSION_MAX_TLSv1_2};
        resp_t r;

        snprintf(props, sizeof(props),
                 "listeners=http://127.0.0.1:0,https://127.0.0.1:0\n"
                 "listeners.https.ssl.keystore.location=%s\n"
                 "listeners.https.ssl.enabled.protocols=TLSv1.3\n",
                 pki_path(1, "keystore.pem"));
        worker_t *w = worker_start(props, NULL);
        https_url_of(w, https, sizeof(https));
        r = req(url_join(https, "/"), &any);
        cr_assert_eq(r.status, 200, "%s", curl_easy_strerror(r.res));
        resp_free(&r);
        r = req(url_join(https, "/"), &tls12);
        cr_assert_neq(r.res, CURLE_OK, "TLS 1.2 accepted: %ld", r.status);
        resp_free(&r);
        worker_free(w);
}

static worker_t *mtls_worker(const char *mode, char *https, size_t n)
{
        char props[2048];
        worker_t *w;

        snprintf(props, sizeof(props),
                 "listeners=http://127.0.0.1:0,https://127.0.0.1:0\n"
                 "ssl.keystore.location=%s\n"
                 "ssl.truststore.type=PEM\n"
                 "ssl.truststore.location=%s\n"
                 "ssl.client.auth=%s\n",
                 pki_path(1, "keystore.pem"), pki_path(2, "ca.pem"), mode);
        w = worker_start(props, NULL);
        https_url_of(w, https, n);
        return w;
}

Test(security, client_certificate_required)
{
        char https[256];
        worker_t *w = mtls_worker("required", https, sizeof(https));
        opts_t none = {.cacert = pki_path(0, "ca.pem")};
        opts_t good = {.cacert = pki_path(0, "ca.pem"),
                       .cert = pki_path(3, "cli.pem"),
                       .key = pki_path(4, "cli.key")};
        opts_t rogue = {.cacert = pki_path(0, "ca.pem"),
                        .cert = pki_path(5, "rogue.pem"),
                        .key = pki_path(6, "rogue.key")};
        resp_t r;

        r = req(url_join(https, "/"), &none);
        cr_assert_neq(r.res, CURLE_OK, "no client certificate: %ld %s",
                      r.status, r.body);
        cr_assert_eq(r.status, 0);
        resp_free(&r);

        r = req(url_join(https, "/"), &rogue);
        cr_assert_neq(r.res, CURLE_OK, "untrusted client certificate: %ld",
                      r.status);
        cr_assert_eq(r.status, 0);
        resp_free(&r);

        r = req(url_join(https, "/"), &good);
        cr_assert_eq(r.res, CURLE_OK, "%s", curl_easy_strerror(r.res));
        cr_assert_eq(r.status, 200);
        resp_free(&r);
        worker_free(w);
}

Test(security, client_certificate_requested)
{
        char https[256];
        worker_t *w = mtls_worker("requested", https, sizeof(https));
        opts_t none = {.cacert = pki_path(0, "ca.pem")};
        opts_t good = {.cacert = pki_path(0, "ca.pem"),
                       .cert = pki_path(3, "cli.pem"),
                       .key = pki_path(4, "cli.key")};
        opts_t rogue = {.cacert = pki_path(0, "ca.pem"),
                        .cert = pki_path(5, "rogue.pem"),
                        .key = pki_path(6, "rogue.key")};
        resp_t r;

        r = req(url_join(https, "/"), &none);
        cr_assert_eq(r.status, 200, "%s", curl_easy_strerror(r.res));
        resp_free(&r);
        r = req(url_join(https, "/"), &good);
        cr_assert_eq(r.status, 200, "%s", curl_easy_strerror(r.res));
        resp_free(&r);
        r = req(url_join(https, "/"), &rogue);
        cr_assert_neq(r.res, CURLE_OK, "untrusted client certificate: %ld",
                      r.status);
        cr_assert_eq(r.status, 0);
        resp_free(&r);
        worker_free(w);
}

Test(security, bad_keystore_fails_the_start_naming_the_key)
{
        char props[2048];
        char *err;
        proc_t pr = {0};

        snprintf(props, sizeof(props),
                 "listeners=https://127.0.0.1:0\n"
                 "listeners.https.ssl.keystore.location=%s\n",
                 pki_path(0, "missing.pem"));
        err = proc_start_fails(&pr, props);
        cr_assert(strstr(err, "listeners.https.ssl.keystore.location") &&
                  strstr(err, "missing.pem"), "%s", err);
        free(err);
        proc_stop(&pr);

        /* A certificate without its key. */
        snprintf(props, sizeof(props),
                 "listeners=https://127.0.0.1:0\n"
                 "ssl.keystore.location=%s\n", pki_path(0, "srv.pem"));
        err = proc_start_fails(&pr, props);
        cr_assert(strstr(err, "ssl.keystore.location") &&
                  strstr(err, "private key"), "%s", err);
        free(err);
        proc_stop(&pr);

        /* An encrypted key without its password. */
        snprintf(props, sizeof(props),
                 "listeners=https://127.0.0.1:0\n"
                 "ssl.keystore.location=%s\n",
                 pki_path(0, "keystore_enc.pem"));
        err = proc_start_fails(&pr, props);
        cr_assert(strstr(err, "ssl.key.password"), "%s", err);
        free(err);
        proc_stop(&pr);

        /* A credentials file that is not there. */
        snprintf(props, sizeof(props),
                 "listeners=http://127.0.0.1:0\n"
                 "rest.auth.basic.credentials.file=%s\n",
                 pki_path(0, "no-such-creds"));
        err = proc_start_fails(&pr, props);
        cr_assert(strstr(err, "rest.auth.basic.credentials.file") &&
                  strstr(err, "no-such-creds"), "%s", err);
        free(err);
        proc_stop(&pr);

        /* client.auth without a truststore. */
        snprintf(props, sizeof(props),
                 "listeners=https://127.0.0.1:0\n"
                 "ssl.keystore.location=%s\nssl.client.auth=required\n",
                 pki_path(0, "keystore.pem"));
        err = proc_start_fails(&pr, props);
        cr_assert(strstr(err, "truststore"), "%s", err);
        free(err);
        proc_stop(&pr);
}

/* ------------------------------------------------------------------ */
/* Authentication */

Test(security, basic_authentication)
{
        char props[1024];
        opts_t none = {0};
        opts_t wrong = {.userpwd = "admin:nope"};
        opts_t nouser = {.userpwd = "nobody:adminpw"};
        opts_t admin = {.userpwd = "admin:adminpw"};
        opts_t ops = {.userpwd = "ops:password"};
        opts_t post = {.userpwd = NULL, .method = "POST",
                       .body = "{\"name\":\"x\",\"config\":{}}"};
        resp_t r;

        snprintf(props, sizeof(props), "rest.auth.basic.credentials.file=%s\n",
                 pki_path(0, "creds"));
        /* worker_start waits for GET /health = 200: it stays open. */
        worker_t *w = worker_start(props, NULL);

        r = req(url_join(w->url, "/connectors"), &none);
        cr_assert_eq(r.status, 401, "%ld %s", r.status, r.body);
        cr_assert_str_eq(r.www_auth ? r.www_auth : "",
                         "Basic realm=\"connectd\"");
        cr_assert_str_eq(r.body, "{\"error_code\":401,\"message\":\"User "
                                 "cannot access the resource.\"}");
        resp_free(&r);

        r = req(url_join(w->url, "/"), &none);
        cr_assert_eq(r.status, 401, "GET / is protected too: %ld", r.status);
        resp_free(&r);

        r = req(url_join(w->url, "/connectors"), &post);
        cr_assert_eq(r.status, 401, "%ld %s", r.status, r.body);
        resp_free(&r);

        r = req(url_join(w->url, "/connectors"), &wrong);
        cr_assert_eq(r.status, 401, "%ld %s", r.status, r.body);
        resp_free(&r);
        r = req(url_join(w->url, "/connectors"), &nouser);
        cr_assert_eq(r.status, 401, "%ld %s", r.status, r.body);
        resp_free(&r);

        r = req(url_join(w->url, "/connectors"), &admin);
        cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
        cr_assert_str_eq(r.body, "[]");
        resp_free(&r);
        r = req(url_join(w->url, "/"), &ops); /* the sha256: form */
        cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
        resp_free(&r);

        r = req(url_join(w->url, "/health"), &none);
        cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
        resp_free(&r);
        worker_free(w);
}

Test(security, nonloopback_without_auth_is_refused)
{
        proc_t pr = {0};
        char *err, *out, *log;

        err = proc_start_fails(&pr, "listeners=http://0.0.0.0:0\n");
        cr_assert(strstr(err, "http://0.0.0.0:0") &&
                  strstr(err, "rest.allow.unauthenticated.nonloopback"),
                  "%s", err);
        /* Refused before anything started listening. */
        cr_assert_null(strstr(err, "listening"), "%s", err);
        out = proc_file(&pr, "stdout.log");
        cr_assert_str_eq(out, "");
        free(out);
        free(err);
        proc_stop(&pr);

        /* IPv6 any-address and an empty host are not loopback either. */
        err = proc_start_fails(&pr, "listeners=http://127.0.0.1:0,"
                                    "http://[::]:0\n");
        cr_assert(strstr(err, "http://[::]:0"), "%s", err);
        free(err);
        proc_stop(&pr);

        /* Basic authentication lets it start. */
        {
                char props[1024];
                snprintf(props, sizeof(props),
                         "listeners=http://0.0.0.0:0\n"
                         "rest.auth.basic.credentials.file=%s\n",
                         pki_path(0, "creds"));
                proc_start(&pr, props, "http://");
                log = proc_file(&pr, "stderr.log");
                cr_assert_null(strstr(log, "without authentication"), "%s",
                               log);
                free(log);
                proc_stop(&pr);
        }
}

typedef struct {
        proc_t *p;
} logarg_t;

static int warned(void *arg)
{
        logarg_t *la = arg;
        char *log = proc_file(la->p, "stderr.log");
        int ok = strstr(log, "WARN") &&
                 strstr(log, "rest.allow.unauthenticated.nonloopback=true");

        free(log);
        return ok;
}

Test(security, nonloopback_opt_out_starts_and_warns)
{
        proc_t pr = {0};
        logarg_t la = {&pr};
        char url[300];
        getarg_t g;

        proc_start(&pr, "listeners=http://0.0.0.0:0\n"
                        "rest.allow.unauthenticated.nonloopback=true\n",
                   "http://");
        cr_assert(wait_until(warned, &la, 10000), "no WARN in the log");
        /* Talk to it over loopback only. */
        cr_assert(!strncmp(pr.url, "http://0.0.0.0:", 15), "%s", pr.url);
        snprintf(url, sizeof(url), "http://127.0.0.1:%s/health",
                 pr.url + 15);
        g.url = url;
        g.o = NULL;
        cr_assert(wait_until(answers_200, &g, 30000), "GET %s", url);
        proc_stop(&pr);
}
