/* rest_auth: the credentials file parser, the Basic header decoder, the
 * loopback rule for listeners. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "rest_auth.h"

static char err[512];

static rest_auth_t *parse(const char *text)
{
        return rest_auth_parse(text, strlen(text), err, sizeof(err));
}

Test(credentials, both_separators_comments_blanks)
{
        rest_auth_t *a = parse("# users\n"
                               "! also a comment\n"
                               "\n"
                               "alice: s3cret\n"
                               "  bob=hunter2  \r\n"
                               "carol :  pass word with spaces \n"
                               "dave=a:b=c\n");
        cr_assert_not_null(a, "%s", err);
        cr_assert_eq(rest_auth_count(a), 4);
        cr_assert(rest_auth_check(a, "alice", "s3cret"));
        cr_assert(rest_auth_check(a, "bob", "hunter2"));
        cr_assert(rest_auth_check(a, "carol", "pass word with spaces"));
        /* The first separator splits: the password may hold ':' and '='. */
        cr_assert(rest_auth_check(a, "dave", "a:b=c"));
        cr_assert_not(rest_auth_check(a, "alice", "s3cret "));
        cr_assert_not(rest_auth_check(a, "alice", "S3cret"));
        cr_assert_not(rest_auth_check(a, "alice", ""));
        cr_assert_not(rest_auth_check(a, "Alice", "s3cret"));
        cr_assert_not(rest_auth_check(a, "bob", "s3cret"));
        cr_assert_not(rest_auth_check(a, "nobody", "s3cret"));
        cr_assert_not(rest_auth_check(a, NULL, "s3cret"));
        cr_assert_not(rest_auth_check(a, "alice", NULL));
        rest_auth_free(a);
}

Test(credentials, last_line_for_a_user_wins)
{
        rest_auth_t *a = parse("alice: one\nalice: two\n");

        cr_assert_not_null(a, "%s", err);
        cr_assert_eq(rest_auth_count(a), 1);
        cr_assert(rest_auth_check(a, "alice", "two"));
        cr_assert_not(rest_auth_check(a, "alice", "one"));
        rest_auth_free(a);
}

Test(credentials, sha256_form)
{
        /* sha256("password") */
        rest_auth_t *a = parse(
                "eve: sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd6"
                "2a11ef721d1542d8\n"
                "frank: SHA256:5E884898DA28047151D0E56F8DC6292773603D0D6AABBDD6"
                "2A11EF721D1542D8\n"
                /* Not 64 hex digits: a plain password. */
                "gina: sha256:abc\n");

        cr_assert_not_null(a, "%s", err);
        cr_assert(rest_auth_check(a, "eve", "password"));
        cr_assert(rest_auth_check(a, "frank", "password"));
        cr_assert_not(rest_auth_check(a, "eve",
                                      "sha256:5e884898da28047151d0e56f8dc62"
                                      "92773603d0d6aabbdd62a11ef721d1542d8"));
        cr_assert(rest_auth_check(a, "gina", "sha256:abc"));
        rest_auth_free(a);
}

Test(credentials, empty_file_has_no_users)
{
        rest_auth_t *a = parse("# nobody yet\n\n");

        cr_assert_not_null(a, "%s", err);
        cr_assert_eq(rest_auth_count(a), 0);
        cr_assert_not(rest_auth_check(a, "", ""));
        rest_auth_free(a);
}

Test(credentials, malformed_lines_name_the_line)
{
        cr_assert_null(parse("alice: ok\nno separator here\n"));
        cr_assert(strstr(err, "line 2"), "%s", err);
        cr_assert_null(parse(": nouser\n"));
        cr_assert(strstr(err, "line 1") && strstr(err, "empty user"), "%s",
                  err);
        cr_assert_null(parse("alice:\n"));
        cr_assert(strstr(err, "empty password"), "%s", err);
        cr_assert_null(parse("alice=   \n"));
        cr_assert(strstr(err, "empty password"), "%s", err);
        cr_assert_null(rest_auth_parse("a: b\0c\n", 7, err, sizeof(err)));
        cr_assert(strstr(err, "NUL"), "%s", err);
}

Test(credentials, load_missing_file)
{
        cr_assert_null(rest_auth_load("/nonexistent/creds", err,
                                      sizeof(err)));
        cr_assert(strstr(err, "/nonexistent/creds"), "%s", err);
}

/* ------------------------------------------------------------------ */

static void decodes(const char *hdr, const char *user, const char *pass)
{
        char *u = NULL, *p = NULL;

        cr_assert_eq(rest_auth_decode_basic(hdr, &u, &p), 0,
                     "'%s' did not decode", hdr);
        cr_assert_str_eq(u, user);
        cr_assert_str_eq(p, pass);
        free(u);
        free(p);
}

static void refuses(const char *hdr)
{
        char *u = (char *)"x", *p = (char *)"y";

        cr_assert_eq(rest_auth_decode_basic(hdr, &u, &p), -1,
                     "'%s' decoded", hdr ? hdr : "(null)");
        cr_assert_null(u);
        cr_assert_null(p);
}

Test(basic_header, decodes)
{
        decodes("Basic YWxpY2U6czNjcmV0", "alice", "s3cret");
        decodes("basic YWxpY2U6czNjcmV0", "alice", "s3cret");
        decodes("BASIC   YWxpY2U6czNjcmV0  ", "alice", "s3cret");
        /* "a:b" padded and unpadded */
        decodes("Basic YTpi", "a", "b");
        decodes("Basic YTpiYw==", "a", "bc");
        decodes("Basic YTpiYw", "a", "bc");
        decodes("Basic YTpiY2Q=", "a", "bcd");
        decodes("Basic YTpiY2Q", "a", "bcd");
        /* ":" only: empty user and password */
        decodes("Basic Og==", "", "");
        /* the password keeps further colons */
        decodes("Basic dTpwOnE6cg==", "u", "p:q:r");
        /* UTF-8 */
        decodes("Basic w6Q6w7Y=", "\xc3\xa4", "\xc3\xb6");
}

Test(basic_header, refuses_malformed)
{
        refuses(NULL);
        refuses("");
        refuses("Basic");
        refuses("Basic ");
        refuses("BasicYTpi");
        refuses("Bearer YTpi");
        refuses("Digest username=\"a\"");
        refuses("Basic YTpi!");          /* not base64 */
        refuses("Basic YT pi");          /* space inside */
        refuses("Basic YWJj");           /* "abc": no colon */
        refuses("Basic YTpiYw=");        /* wrong padding */
        refuses("Basic YTpiYw===");
        refuses("Basic =YTpi");
        refuses("Basic YTp=iYw==");
        refuses("Basic Y");              /* one char: not a byte */
        refuses("Basic YTpiYx==");       /* non-zero leftover bits */
        refuses("Basic YQA6Yg==");       /* "a\0:b": NUL byte */
        refuses("Basic YTpiAA==");       /* "a:b\0" */
}

Test(basic_header, header_ok)
{
        rest_auth_t *a = parse("alice: s3cret\n");

        cr_assert_not_null(a);
        cr_assert(rest_auth_header_ok(a, "Basic YWxpY2U6czNjcmV0"));
        /* alice:s3creT */
        cr_assert_not(rest_auth_header_ok(a, "Basic YWxpY2U6czNjcmVU"));
        cr_assert_not(rest_auth_header_ok(a, NULL));
        cr_assert_not(rest_auth_header_ok(a, "Basic !!"));
        rest_auth_free(a);
}

/* ------------------------------------------------------------------ */

Test(listeners, loopback)
{
        cr_assert(rest_host_is_loopback("127.0.0.1"));
        cr_assert(rest_host_is_loopback("127.1.2.3"));
        cr_assert(rest_host_is_loopback("localhost"));
        cr_assert(rest_host_is_loopback("LOCALHOST"));
        cr_assert(rest_host_is_loopback("::1"));
        cr_assert(rest_host_is_loopback("::ffff:127.0.0.1"));
        cr_assert_not(rest_host_is_loopback(""));
        cr_assert_not(rest_host_is_loopback(NULL));
        cr_assert_not(rest_host_is_loopback("0.0.0.0"));
        cr_assert_not(rest_host_is_loopback("::"));
        cr_assert_not(rest_host_is_loopback("10.0.0.1"));
        cr_assert_not(rest_host_is_loopback("128.0.0.1"));
        cr_assert_not(rest_host_is_loopback("::2"));
        cr_assert_not(rest_host_is_loopback("example.com"));
        cr_assert_not(rest_host_is_loopback("localhost.example.com"));
}

Test(listeners, parse)
{
        char host[64];
        int https, port;

        cr_assert_eq(rest_listener_parse("https://[::1]:8443", &https, host,
                                         sizeof(host), &port), 0);
        cr_assert(https);
        cr_assert_str_eq(host, "::1");
        cr_assert_eq(port, 8443);
        cr_assert_eq(rest_listener_parse("HTTP://:0/", &https, host,
                                         sizeof(host), &port), 0);
        cr_assert_not(https);
        cr_assert_str_eq(host, "");
        cr_assert_eq(port, 0);
        cr_assert_eq(rest_listener_parse("ftp://h:1", &https, host,
                                         sizeof(host), &port), -1);
        cr_assert_eq(rest_listener_parse("http://h", &https, host,
                                         sizeof(host), &port), -1);
        cr_assert_eq(rest_listener_parse("http://h:70000", &https, host,
                                         sizeof(host), &port), -1);
        cr_assert_eq(rest_listener_parse("http://h:-1", &https, host,
                                         sizeof(host), &port), -1);
}

static int check(const char *text, char *open, size_t open_size)
{
        json_t *p = props_parse_string(text, err, sizeof(err));
        int rc;

        cr_assert_not_null(p, "%s", err);
        rc = rest_auth_check_listeners(p, open, open_size, err, sizeof(err));
        json_decref(p);
        return rc;
}

Test(listeners, nonloopback_needs_authentication)
{
        char open[128];

        cr_assert_eq(check("listeners=http://127.0.0.1:0,http://[::1]:0\n",
                           open, sizeof(open)), 0);
        cr_assert_str_eq(open, "");
        cr_assert_eq(check("listeners=http://0.0.0.0:0\n", open,
                           sizeof(open)), -1);
        cr_assert(strstr(err, "http://0.0.0.0:0") &&
                  strstr(err, "rest.allow.unauthenticated.nonloopback"),
                  "%s", err);
        cr_assert_eq(check("listeners=http://127.0.0.1:1,http://[::]:0\n",
                           open, sizeof(open)), -1);
        cr_assert_eq(check("listeners=http://:8083\n", open, sizeof(open)),
                     -1);
        cr_assert_eq(check("listeners=http://0.0.0.0:0\n"
                           "rest.auth.basic.credentials.file=/x\n",
                           open, sizeof(open)), 0);
        /* Client certificates are authentication, on the https one only. */
        cr_assert_eq(check("listeners=https://0.0.0.0:0\n"
                           "ssl.client.auth=required\n", open, sizeof(open)),
                     0);
        cr_assert_eq(check("listeners=https://0.0.0.0:0\n"
                           "listeners.https.ssl.client.auth=required\n",
                           open, sizeof(open)), 0);
        cr_assert_eq(check("listeners=https://0.0.0.0:0\n"
                           "ssl.client.auth=requested\n", open,
                           sizeof(open)), -1);
        cr_assert_eq(check("listeners=http://0.0.0.0:0,https://0.0.0.0:1\n"
                           "ssl.client.auth=required\n", open, sizeof(open)),
                     -1);
        cr_assert(strstr(err, "http://0.0.0.0:0"), "%s", err);
        /* A prefixed key exists: the un-prefixed one is not read. */
        cr_assert_eq(check("listeners=https://0.0.0.0:0\n"
                           "ssl.client.auth=required\n"
                           "listeners.https.ssl.keystore.type=PEM\n", open,
                           sizeof(open)), -1);
        /* The opt-out names the listener for the warning. */
        cr_assert_eq(check("listeners=http://127.0.0.1:0,http://0.0.0.0:0\n"
                           "rest.allow.unauthenticated.nonloopback=true\n",
                           open, sizeof(open)), 0);
        cr_assert_str_eq(open, "http://0.0.0.0:0");
}
