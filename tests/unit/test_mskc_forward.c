/*
 * mskc_forward (the proof a forwarded MSK Connect API write carries) and
 * the record values of mskc_kafka_store.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mskc_forward.h"
#include "kafka/mskc_kafka_store.h"

#define NOW ((time_t)1767225600)
static const char body[] = "{\"name\":\"x\"}";

static int ok(const char *secret, const char *v, time_t now,
              const char *method, const char *path, const char *query,
              const char *b)
{
        return mskc_forward_verify(secret, v, now, method, path, query, b,
                                   b ? strlen(b) : 0);
}

Test(mskc_forward, signed_value_verifies_only_for_the_same_request)
{
        char v[128];

        cr_assert_eq(mskc_forward_value("s3cret", NOW, "POST",
                                        "/v1/connectors", "a=1", body,
                                        strlen(body), v, sizeof(v)), 0);
        cr_assert(ok("s3cret", v, NOW, "POST", "/v1/connectors", "a=1",
                     body));
        cr_assert(ok("s3cret", v, NOW + 60, "POST", "/v1/connectors", "a=1",
                     body));
        cr_assert_not(ok("other", v, NOW, "POST", "/v1/connectors", "a=1",
                         body));
        cr_assert_not(ok("s3cret", v, NOW, "PUT", "/v1/connectors", "a=1",
                         body));
        cr_assert_not(ok("s3cret", v, NOW, "POST", "/v1/connectorz", "a=1",
                         body));
        cr_assert_not(ok("s3cret", v, NOW, "POST", "/v1/connectors", "a=2",
                         body));
        cr_assert_not(ok("s3cret", v, NOW, "POST", "/v1/connectors", "a=1",
                         "{\"name\":\"y\"}"));
        /* Old or from the future: refused. */
        cr_assert_not(ok("s3cret", v, NOW + MSKC_FORWARD_MAX_SKEW_S + 1,
                         "POST", "/v1/connectors", "a=1", body));
        cr_assert_not(ok("s3cret", v, NOW - MSKC_FORWARD_MAX_SKEW_S - 1,
                         "POST", "/v1/connectors", "a=1", body));
}

Test(mskc_forward, malformed_values_are_refused)
{
        char v[128];

        cr_assert_not(ok("k", NULL, NOW, "GET", "/v1/x", NULL, NULL));
        cr_assert_not(ok("k", "", NOW, "GET", "/v1/x", NULL, NULL));
        cr_assert_not(ok("k", "abc", NOW, "GET", "/v1/x", NULL, NULL));
        cr_assert_not(ok("k", "1767225600", NOW, "GET", "/v1/x", NULL, NULL));
        cr_assert_not(ok("k", "1767225600:00", NOW, "GET", "/v1/x", NULL,
                         NULL));
        /* A value made without the secret proves nothing. */
        cr_assert_eq(mskc_forward_value(NULL, NOW, "GET", "/v1/x", NULL, NULL,
                                        0, v, sizeof(v)), 0);
        cr_assert_str_eq(v, "1767225600");
        cr_assert_not(ok("k", v, NOW, "GET", "/v1/x", NULL, NULL));
        /* Without a secret, a well-formed value only marks the forward. */
        cr_assert(ok(NULL, v, NOW, "GET", "/v1/x", NULL, NULL));
        cr_assert_not(ok(NULL, "x", NOW, "GET", "/v1/x", NULL, NULL));
        /* Too small a buffer. */
        cr_assert_eq(mskc_forward_value("k", NOW, "GET", "/v1/x", NULL, NULL,
                                        0, v, 20), -1);
}

Test(mskc_kafka_store, record_values_round_trip)
{
        char *v = mskc_kstore_encode("connector", "{\"_arn\":\"a\",\"n\":1}");
        char *kind, *json;

        cr_assert_not_null(v);
        cr_assert_eq(mskc_kstore_decode(v, strlen(v), &kind, &json), 0);
        cr_assert_str_eq(kind, "connector");
        cr_assert_str_eq(json, "{\"_arn\":\"a\",\"n\":1}");
        free(kind);
        free(json);
        free(v);
        cr_assert_null(mskc_kstore_encode("connector", "[1]"));
        cr_assert_null(mskc_kstore_encode(NULL, "{}"));
        cr_assert_eq(mskc_kstore_decode("{\"kind\":\"x\"}", 12, &kind, &json),
                     -1);
        cr_assert_null(kind);
        cr_assert_eq(mskc_kstore_decode("not json", 8, &kind, &json), -1);
        cr_assert_eq(mskc_kstore_decode("{\"kind\":1,\"resource\":{}}", 24,
                                        &kind, &json), -1);
}
