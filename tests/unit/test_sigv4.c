/*
 * Unit tests of server/sigv4.c: SHA-256 (FIPS 180-2 examples), HMAC-SHA256
 * (RFC 4231), SigV4 URI encoding, and query presigning against the
 * presigned-URL example of the AWS S3 SigV4 documentation.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

static void sha_hex(const void *p, size_t n, char out[65])
{
        unsigned char h[32];

        sigv4_sha256(p, n, h);
        sigv4_hex(h, 32, out);
}

Test(sigv4, sha256_vectors)
{
        char hex[65], *m;
        const char *two =
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

        sha_hex("", 0, hex);
        cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b9"
                              "34ca495991b7852b855");
        sha_hex("abc", 3, hex);
        cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177"
                              "a9cb410ff61f20015ad");
        sha_hex(two, strlen(two), hex);
        cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2"
                              "167f6ecedd419db06c1");
        m = malloc(1000000);
        memset(m, 'a', 1000000);
        sha_hex(m, 1000000, hex);
        free(m);
        cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a4972"
                              "00e046d39ccc7112cd0");
}

Test(sigv4, hmac_rfc4231)
{
        unsigned char key[131], mac[32];
        const char *msg6 = "Test Using Larger Than Block-Size Key - Hash Key "
                           "First";
        char hex[65];

        memset(key, 0x0b, 20);
        sigv4_hmac_sha256(key, 20, "Hi There", 8, mac);
        sigv4_hex(mac, 32, hex);
        cr_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833"
                              "da726e9376c2e32cff7");
        sigv4_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
        sigv4_hex(mac, 32, hex);
        cr_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d273"
                              "9839dec58b964ec3843");
        memset(key, 0xaa, sizeof(key));
        sigv4_hmac_sha256(key, 131, msg6, strlen(msg6), mac);
        sigv4_hex(mac, 32, hex);
        cr_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c"
                              "5140546040f0ee37f54");
}

Test(sigv4, uri_encode)
{
        char out[64];
        size_t pos = 0;

        cr_assert_eq(sigv4_uri_encode(out, sizeof(out), &pos,
                                      "a-Z_0.9~ /:+=%", 0), 0);
        cr_assert_str_eq(out, "a-Z_0.9~%20%2F%3A%2B%3D%25");
        pos = 0;
        cr_assert_eq(sigv4_uri_encode(out, sizeof(out), &pos, "a/b c", 1), 0);
        cr_assert_str_eq(out, "a/b%20c");
        pos = 0;
        cr_assert_eq(sigv4_uri_encode(out, 4, &pos, "abcd", 0), -1);
}

/* The presigned GET in the AWS documentation "Authenticating Requests:
 * Using Query Parameters (AWS Signature Version 4)" (S3 API reference):
 * examplebucket/test.txt, 2013-05-24T00:00:00Z, us-east-1, 86400 s. */
Test(sigv4, aws_documented_presigned_url)
{
        sigv4_presign_t p;
        char out[1024];

        memset(&p, 0, sizeof(p));
        p.method = "GET";
        p.host = "examplebucket.s3.amazonaws.com";
        p.path = "/test.txt";
        p.region = "us-east-1";
        p.service = "s3";
        p.access_key_id = "AKIAIOSFODNN7EXAMPLE";
        p.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        p.when = 1369353600; /* 2013-05-24T00:00:00Z */
        p.expires = 86400;
        p.payload_hash = "UNSIGNED-PAYLOAD";
        cr_assert_eq(sigv4_presign_query(&p, out, sizeof(out)), 0);
        cr_assert_str_eq(out,
                "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
                "us-east-1%2Fs3%2Faws4_request"
                "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
                "&X-Amz-SignedHeaders=host"
                "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da"
                "4c265957d157751f604d404");
        /* Too small an output is an error, not a truncation. */
        cr_assert_eq(sigv4_presign_query(&p, out, 100), -1);
}
