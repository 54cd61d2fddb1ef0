/*
 * rest_tls — HTTPS for the REST listeners.
 *
 * DESIGN
 *   - ssl.enabled.protocols (TLSv1.2, TLSv1.3) becomes a GnuTLS priority
 *     string on top of GnuTLS's NORMAL set; Java cipher suite names are not
 *     mapped (ssl.cipher.suites is not supported).
 *   - Settings are Kafka's PEM keystore keys. Either
 *     ssl.keystore.location (one PEM file holding the certificate chain and
 *     the private key) or ssl.keystore.certificate.chain +
 *     ssl.keystore.key (inline PEM); ssl.key.password decrypts an encrypted
 *     key. ssl.truststore.location / ssl.truststore.certificates hold the
 *     CAs that client certificates must chain to. Kafka Connect's REST
 *     precedence applies (see rest_tls_setting).
 *   - Everything is read and checked at start-up with GnuTLS (the library
 *     libmicrohttpd uses) so that a bad file fails the start with the key's
 *     name rather than the first handshake. rest_tls_t then holds the PEM
 *     texts, immutable, for the daemons' lifetime.
 *   - ssl.client.auth: libmicrohttpd only *asks* for a client certificate
 *     when given a trust list and never checks it. When a connection starts
 *     (MHD_OPTION_NOTIFY_CONNECTION, before the handshake) we make GnuTLS
 *     require the certificate and verify it against the trust list during
 *     the handshake (required), so a bad or missing certificate fails the
 *     handshake as with Java's SSLEngine. rest_tls_connection_ok checks
 *     again at each request and is the only check for `requested` (a
 *     certificate, when sent, must verify), where a failure drops the
 *     connection before any answer.
 */
#include "rest_tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "config.h"

#define PEM_FILE_MAX  (1024 * 1024)
#define HTTPS_PREFIX  "listeners.https."

struct rest_tls {
        char *cert;      /* PEM certificate chain, leaf first */
        char *key;       /* PEM private key (possibly encrypted) */
        char *key_pass;  /* NULL: none */
        char *trust;     /* PEM CA certificates, NULL: none */
        char priorities[96]; /* GnuTLS priority string */
        rest_tls_client_auth_t client_auth;
};

/* ------------------------------------------------------------------ */
/* Settings */

static int has_https_prefixed(const json_t *props)
{
        const char *k;
        json_t *v;

        json_object_foreach((json_t *)props, k, v)
                if (!strncmp(k, HTTPS_PREFIX, strlen(HTTPS_PREFIX)))
                        return 1;
        return 0;
}

const char *rest_tls_setting(const json_t *props, const char *ssl_key,
                             const char **used)
{
        static __thread char name[128];

        if (has_https_prefixed(props))
                snprintf(name, sizeof(name), HTTPS_PREFIX "%s", ssl_key);
        else
                snprintf(name, sizeof(name), "%s", ssl_key);
        if (used)
                *used = name;
        return wc_get(props, name);
}

int rest_tls_client_auth(const json_t *props)
{
        const char *v = rest_tls_setting(props, "ssl.client.auth", NULL);

        if (!v || !*v || !strcasecmp(v, "none"))
                return REST_TLS_CLIENT_AUTH_NONE;
        if (!strcasecmp(v, "requested"))
                return REST_TLS_CLIENT_AUTH_REQUESTED;
        if (!strcasecmp(v, "required"))
                return REST_TLS_CLIENT_AUTH_REQUIRED;
        return -1;
}

/* ------------------------------------------------------------------ */
/* PEM */

static char *read_file(const char *key, const char *path, char *errstr,
                       size_t errstr_size)
{
        FILE *fp = fopen(path, "rb");
        char *buf = NULL;
        size_t n;

        if (!fp) {
                snprintf(errstr, errstr_size, "%s: cannot read %s: %s", key,
                         path, strerror(errno));
                return NULL;
        }
        buf = malloc(PEM_FILE_MAX + 1);
        if (!buf) {
                snprintf(errstr, errstr_size, "out of memory");
                goto out;
        }
        n = fread(buf, 1, PEM_FILE_MAX + 1, fp);
        if (ferror(fp) || n > PEM_FILE_MAX) {
                snprintf(errstr, errstr_size, "%s: cannot read %s: %s", key,
                         path, ferror(fp) ? strerror(errno) : "file too large");
                free(buf);
                buf = NULL;
                goto out;
        }
        buf[n] = '\0';
out:
        fclose(fp);
        return buf;
}

/* Every PEM block of `text` that is a private key (want_key) or not,
 * concatenated; malloc'd ("" when none). NULL when out of memory. */
static char *pem_blocks(const char *text, int want_key)
{
        size_t len = strlen(text), o = 0;
        char *out = malloc(len + 1);
        const char *p = text;

        if (!out)
                return NULL;
        while ((p = strstr(p, "-----BEGIN "))) {
                const char *lab = p + 11, *labend = strstr(lab, "-----");
                const char *end, *stop;
                int is_key;

                if (!labend)
                        break;
                end = strstr(labend + 5, "-----END ");
                if (!end)
                        break;
                stop = strstr(end + 9, "-----");
                if (!stop)
                        break;
                stop += 5;
                is_key = memmem(lab, (size_t)(labend - lab), "PRIVATE KEY",
                                11) != NULL;
                if (is_key == want_key) {
                        memcpy(out + o, p, (size_t)(stop - p));
                        o += (size_t)(stop - p);
                        out[o++] = '\n';
                }
                p = stop;
        }
        out[o] = '\0';
        return out;
}

static int check_certs(const char *key, const char *pem, char *errstr,
                       size_t errstr_size)
{
        gnutls_x509_crt_t *list = NULL;
        unsigned n = 0, i;
        gnutls_datum_t d;
        int rc;

        d.data = (unsigned char *)pem;
        d.size = (unsigned)strlen(pem);
        if (!strstr(pem, "-----BEGIN CERTIFICATE-----")) {
                snprintf(errstr, errstr_size, "%s: no PEM certificate "
                         "(-----BEGIN CERTIFICATE-----) found", key);
                return -1;
        }
        rc = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM,
                                          0);
        if (rc < 0 || n == 0) {
                snprintf(errstr, errstr_size, "%s: invalid PEM certificate: "
                         "%s", key, rc < 0 ? gnutls_strerror(rc) : "empty");
                return -1;
        }
        for (i = 0; i < n; i++)
                gnutls_x509_crt_deinit(list[i]);
        gnutls_free(list);
        return 0;
}

static int check_key(const char *key, const char *pem, const char *pass,
                     const char *pass_key, char *errstr, size_t errstr_size)
{
        gnutls_x509_privkey_t pk = NULL;
        gnutls_datum_t d;
        int rc;

        if (!strstr(pem, "PRIVATE KEY-----")) {
                snprintf(errstr, errstr_size, "%s: no PEM private key "
                         "(-----BEGIN PRIVATE KEY-----) found", key);
                return -1;
        }
        if (gnutls_x509_privkey_init(&pk) < 0) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        d.data = (unsigned char *)pem;
        d.size = (unsigned)strlen(pem);
        rc = gnutls_x509_privkey_import2(pk, &d, GNUTLS_X509_FMT_PEM, pass,
                                         pass ? 0 : GNUTLS_PKCS_PLAIN);
        gnutls_x509_privkey_deinit(pk);
        if (rc >= 0)
                return 0;
        if (strstr(pem, "ENCRYPTED") && !pass)
                snprintf(errstr, errstr_size, "%s: the private key is "
                         "encrypted; set %s", key, pass_key);
        else if (pass && (rc == GNUTLS_E_DECRYPTION_FAILED ||
                          strstr(pem, "ENCRYPTED")))
                snprintf(errstr, errstr_size, "%s: cannot decrypt the private "
                         "key with %s: %s", key, pass_key, gnutls_strerror(rc));
        else
                snprintf(errstr, errstr_size, "%s: invalid PEM private key: "
                         "%s", key, gnutls_strerror(rc));
        return -1;
}

/* The key belongs to the leaf certificate. */
static int check_pair(const rest_tls_t *t, const char *key, char *errstr,
                      size_t errstr_size)
{
        gnutls_certificate_credentials_t cred = NULL;
        gnutls_datum_t c, k;
        int rc;

        if (gnutls_certificate_allocate_credentials(&cred) < 0) {
                snprintf(errstr, errstr_size, "out of memory");
                return -1;
        }
        c.data = (unsigned char *)t->cert;
        c.size = (unsigned)strlen(t->cert);
        k.data = (unsigned char *)t->key;
        k.size = (unsigned)strlen(t->key);
        rc = gnutls_certificate_set_x509_key_mem2(cred, &c, &k,
                                                  GNUTLS_X509_FMT_PEM,
                                                  t->key_pass, 0);
        gnutls_certificate_free_credentials(cred);
        if (rc >= 0)
                return 0;
        snprintf(errstr, errstr_size, "%s: %s", key,
                 rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH
                         ? "the private key does not match the certificate"
                         : gnutls_strerror(rc));
        return -1;
}

static int type_is_pem(const json_t *props, const char *ssl_key,
                       char *errstr, size_t errstr_size)
{
        const char *used, *v = rest_tls_setting(props, ssl_key, &used);

        if (!v || !*v || !strcasecmp(v, "PEM"))
                return 0;
        snprintf(errstr, errstr_size, "%s: %s is not supported; only PEM "
                 "keystores and truststores are", used, v);
        return -1;
}

/* ssl.enabled.protocols as a GnuTLS priority string. */
static int set_priorities(rest_tls_t *t, const json_t *props, char *errstr,
                          size_t errstr_size)
{
        const char *used, *v = rest_tls_setting(props, "ssl.enabled.protocols",
                                                &used);
        int v12 = 0, v13 = 0;
        const char *p = v ? v : "";

        while (*p) {
                size_t len;

                while (*p == ' ' || *p == '\t' || *p == ',')
                        p++;
                len = strcspn(p, ", \t");
                if (!len)
                        break;
                if (len == 7 && !strncmp(p, "TLSv1.2", 7))
                        v12 = 1;
                else if (len == 7 && !strncmp(p, "TLSv1.3", 7))
                        v13 = 1;
                else {
                        snprintf(errstr, errstr_size, "%s: %.*s is not "
                                 "supported (TLSv1.2, TLSv1.3)", used,
                                 (int)len, p);
                        return -1;
                }
                p += len;
        }
        if (!v12 && !v13) {
                snprintf(errstr, errstr_size, "%s: no TLS protocol enabled",
                         used);
                return -1;
        }
        snprintf(t->priorities, sizeof(t->priorities),
                 "NORMAL:-VERS-ALL%s%s", v13 ? ":+VERS-TLS1.3" : "",
                 v12 ? ":+VERS-TLS1.2" : "");
        return 0;
}

static char *dup_setting(const json_t *props, const char *ssl_key,
                         const char **used_out, char *used_buf,
                         size_t used_size)
{
        const char *used, *v = rest_tls_setting(props, ssl_key, &used);

        snprintf(used_buf, used_size, "%s", used);
        if (used_out)
                *used_out = used_buf;
        return v && *v ? strdup(v) : NULL;
}

rest_tls_t *rest_tls_load(const json_t *props, char *errstr,
                          size_t errstr_size)
{
        rest_tls_t *t = calloc(1, sizeof(*t));
        char loc_k[128], chain_k[128], key_k[128], pass_k[128], tloc_k[128],
                tcert_k[128], ksp_k[128], tsp_k[128];
        char *loc = NULL, *chain = NULL, *inkey = NULL, *tloc = NULL,
             *tcerts = NULL, *ksp = NULL, *tsp = NULL, *text = NULL;
        const char *kname, *ca;
        int mode, ok = 0;

        if (!t) {
                snprintf(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (type_is_pem(props, "ssl.keystore.type", errstr, errstr_size) ||
            type_is_pem(props, "ssl.truststore.type", errstr, errstr_size))
                goto out;
        mode = rest_tls_client_auth(props);
        if (mode < 0) {
                rest_tls_setting(props, "ssl.client.auth", &ca);
                snprintf(errstr, errstr_size, "%s: must be none, requested "
                         "or required", ca);
                goto out;
        }
        t->client_auth = (rest_tls_client_auth_t)mode;
        if (set_priorities(t, props, errstr, errstr_size))
                goto out;
        loc = dup_setting(props, "ssl.keystore.location", NULL, loc_k,
                          sizeof(loc_k));
        chain = dup_setting(props, "ssl.keystore.certificate.chain", NULL,
                            chain_k, sizeof(chain_k));
        inkey = dup_setting(props, "ssl.keystore.key", NULL, key_k,
                            sizeof(key_k));
        t->key_pass = dup_setting(props, "ssl.key.password", NULL, pass_k,
                                  sizeof(pass_k));
        tloc = dup_setting(props, "ssl.truststore.location", NULL, tloc_k,
                           sizeof(tloc_k));
        tcerts = dup_setting(props, "ssl.truststore.certificates", NULL,
                             tcert_k, sizeof(tcert_k));
        ksp = dup_setting(props, "ssl.keystore.password", NULL, ksp_k,
                          sizeof(ksp_k));
        tsp = dup_setting(props, "ssl.truststore.password", NULL, tsp_k,
                          sizeof(tsp_k));

        /* Kafka's PEM rules (DefaultSslEngineFactory). */
        if (ksp) {
                snprintf(errstr, errstr_size, "%s: SSL key store password "
                         "cannot be specified with PEM format, only key "
                         "password may be specified (%s)", ksp_k, pass_k);
                goto out;
        }
        if (tsp) {
                snprintf(errstr, errstr_size, "%s: SSL trust store password "
                         "cannot be specified for PEM format", tsp_k);
                goto out;
        }
        if (loc && (chain || inkey)) {
                snprintf(errstr, errstr_size, "%s: cannot be combined with "
                         "%s / %s", loc_k, chain_k, key_k);
                goto out;
        }
        if (loc) {
                text = read_file(loc_k, loc, errstr, errstr_size);
                if (!text)
                        goto out;
                t->cert = pem_blocks(text, 0);
                t->key = pem_blocks(text, 1);
                if (!t->cert || !t->key) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out;
                }
                if (check_certs(loc_k, t->cert, errstr, errstr_size) ||
                    check_key(loc_k, t->key, t->key_pass, pass_k, errstr,
                              errstr_size))
                        goto out;
                kname = loc_k;
        } else if (chain || inkey) {
                if (!chain || !inkey) {
                        snprintf(errstr, errstr_size, "%s: must be set "
                                 "together with %s", chain ? chain_k : key_k,
                                 chain ? key_k : chain_k);
                        goto out;
                }
                if (check_certs(chain_k, chain, errstr, errstr_size) ||
                    check_key(key_k, inkey, t->key_pass, pass_k, errstr,
                              errstr_size))
                        goto out;
                t->cert = chain;
                t->key = inkey;
                chain = inkey = NULL;
                kname = key_k;
        } else {
                snprintf(errstr, errstr_size, "listeners has an https "
                         "listener, which needs a certificate and key: set "
                         "%s (PEM file with the certificate chain and "
                         "private key), or %s and %s",
                         loc_k, chain_k, key_k);
                goto out;
        }
        if (check_pair(t, kname, errstr, errstr_size))
                goto out;

        if (tloc && tcerts) {
                snprintf(errstr, errstr_size, "%s: cannot be combined with "
                         "%s", tloc_k, tcert_k);
                goto out;
        }
        if (tloc) {
                free(text);
                text = read_file(tloc_k, tloc, errstr, errstr_size);
                if (!text)
                        goto out;
                t->trust = pem_blocks(text, 0);
                if (!t->trust) {
                        snprintf(errstr, errstr_size, "out of memory");
                        goto out;
                }
                if (check_certs(tloc_k, t->trust, errstr, errstr_size))
                        goto out;
        } else if (tcerts) {
                if (check_certs(tcert_k, tcerts, errstr, errstr_size))
                        goto out;
                t->trust = tcerts;
                tcerts = NULL;
        }
        if (t->client_auth != REST_TLS_CLIENT_AUTH_NONE && !t->trust) {
                rest_tls_setting(props, "ssl.client.auth", &ca);
                snprintf(errstr, errstr_size, "%s: client certificates need "
                         "a truststore: set %s or %s", ca, tloc_k, tcert_k);
                goto out;
        }
        if (t->key_pass &&
            MHD_is_feature_supported(MHD_FEATURE_HTTPS_KEY_PASSWORD) !=
                    MHD_YES) {
                snprintf(errstr, errstr_size, "%s: this libmicrohttpd cannot "
                         "use encrypted keys", pass_k);
                goto out;
        }
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
                snprintf(errstr, errstr_size, "this libmicrohttpd was built "
                         "without TLS support");
                goto out;
        }
        ok = 1;
out:
        free(loc);
        free(chain);
        free(inkey);
        free(tloc);
        free(tcerts);
        free(ksp);
        free(tsp);
        free(text);
        if (!ok) {
                rest_tls_free(t);
                t = NULL;
        }
        return t;
}

static void free_secret(char *s)
{
        if (s) {
                memset(s, 0, strlen(s));
                free(s);
        }
}

void rest_tls_free(rest_tls_t *t)
{
        if (!t)
                return;
        free(t->cert);
        free_secret(t->key);
        free_secret(t->key_pass);
        free(t->trust);
        free(t);
}

/* ------------------------------------------------------------------ */
/* Daemon */

/* @locality the MHD thread accepting the connection, before the
 * handshake. */
static void on_connection(void *cls, struct MHD_Connection *conn,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
        const rest_tls_t *t = cls;
        const union MHD_ConnectionInfo *ci;
        gnutls_session_t s;

        (void)socket_context;
        if (toe != MHD_CONNECTION_NOTIFY_STARTED ||
            t->client_auth == REST_TLS_CLIENT_AUTH_NONE)
                return;
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
        if (!ci || !ci->tls_session)
                return; /* rest_tls_connection_ok refuses it later */
        s = (gnutls_session_t)ci->tls_session;
        if (t->client_auth != REST_TLS_CLIENT_AUTH_REQUIRED)
                return; /* GnuTLS would also fail a missing certificate */
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
        gnutls_session_set_verify_cert(s, NULL, 0);
}

void rest_tls_mhd_options(rest_tls_t *t, struct MHD_OptionItem *opts)
{
        int i = 0;

        opts[i++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
                                            t->cert};
        opts[i++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
                                            t->key};
        opts[i++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
                                            t->priorities};
        if (t->key_pass)
                opts[i++] = (struct MHD_OptionItem){
                        MHD_OPTION_HTTPS_KEY_PASSWORD, 0, t->key_pass};
        if (t->trust && t->client_auth != REST_TLS_CLIENT_AUTH_NONE) {
                opts[i++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST,
                                                    0, t->trust};
                opts[i++] = (struct MHD_OptionItem){
                        MHD_OPTION_NOTIFY_CONNECTION,
                        (intptr_t)(void *)on_connection, t};
        }
        opts[i] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
}

int rest_tls_connection_ok(const rest_tls_t *t, struct MHD_Connection *conn)
{
        const union MHD_ConnectionInfo *ci;
        gnutls_session_t s;
        unsigned status = 0, ncerts = 0;

        if (!t || t->client_auth == REST_TLS_CLIENT_AUTH_NONE)
                return 1;
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
        if (!ci || !ci->tls_session)
                return 1; /* a plain http listener */
        s = (gnutls_session_t)ci->tls_session;
        if (!gnutls_certificate_get_peers(s, &ncerts) || ncerts == 0)
                return t->client_auth != REST_TLS_CLIENT_AUTH_REQUIRED;
        if (gnutls_certificate_verify_peers2(s, &status) < 0)
                return 0;
        return status == 0;
}

int rest_tls_is_tls(struct MHD_Connection *conn)
{
        const union MHD_ConnectionInfo *ci;

        if (!conn) /* a request handled without a connection (rest_handle) */
                return 0;
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);

        return ci && ci->tls_session;
}
