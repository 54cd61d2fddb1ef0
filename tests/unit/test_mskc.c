/*
 * mskc: SigV4 verification of MSK Connect API requests (vectors signed by
 * botocore's SigV4Auth) and the request checks of mskc_valid.
 */
#include <string.h>
#include <strings.h>
#include <time.h>
#include <criterion/criterion.h>

#include "mskc_sigv4.h"
#include "mskc_valid.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define DATE "20261130T214407Z"
#define CRED "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/" \
             "kafkaconnect/aws4_request, "

typedef struct hdrs {
        const char *names[8];
        const char *values[8];
} hdrs_t;

static const char *hget(void *ctx, const char *name)
{
        hdrs_t *h = ctx;
        int i;

        for (i = 0; i < 8 && h->names[i]; i++)
                if (!strcasecmp(h->names[i], name))
                        return h->values[i];
        return NULL;
}

static time_t at(void)
{
        struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 30,
                         .tm_hour = 21, .tm_min = 44, .tm_sec = 7 };

        return timegm(&tm);
}

#define GET_PATH "/v1/connectors/arn%3Aaws%3Akafkaconnect%3Aus-east-1%3A" \
                 "123456789012%3Aconnector%2Fdemo%2Fabc/operations"

static hdrs_t get_hdrs = {
        { "Host", "X-Amz-Date", "Authorization", NULL },
        { "127.0.0.1:18383", DATE,
          CRED "SignedHeaders=host;x-amz-date, Signature=0868c5166448ad7560"
               "2fdd2c4a8921a18174b56a3f8f9437911b9b3c10159b7c", NULL },
};

static mskc_sigv4_req_t get_req(hdrs_t *h)
{
        return (mskc_sigv4_req_t){ "GET", GET_PATH,
                                   "maxResults=5&nextToken=a%20b", NULL, 0,
                                   hget, h };
}

#define POST_BODY "{\"tags\": {\"k1\": \"v1\"}}"

static hdrs_t post_hdrs = {
        { "Host", "X-Amz-Date", "Authorization", "Content-Type", NULL },
        { "127.0.0.1:18383", DATE,
          CRED "SignedHeaders=content-type;host;x-amz-date, Signature=abbbe8"
               "80960e3d1cef87abfcc645dab366b84578987162dde39a5946629e8f69",
          "application/json", NULL },
};

static mskc_sigv4_req_t post_req(const char *body)
{
        return (mskc_sigv4_req_t){ "POST", "/v1/tags/arn%3Ax", NULL, body,
                                   strlen(body), hget, &post_hdrs };
}

Test(mskc_sigv4, botocore_signatures_verify)
{
        mskc_sigv4_req_t g = get_req(&get_hdrs), p = post_req(POST_BODY);
        char msg[512];

        cr_assert_eq(mskc_sigv4_verify(&g, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_OK, "%s", msg);
        cr_assert_eq(mskc_sigv4_verify(&p, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_OK, "%s", msg);
}

Test(mskc_sigv4, canonical_uri_is_encoded_twice_and_query_sorted)
{
        mskc_sigv4_req_t g = get_req(&get_hdrs);
        char *c = mskc_sigv4_canonical(&g, "host;x-amz-date");

        cr_assert_not_null(c);
        cr_assert(strstr(c, "GET\n/v1/connectors/arn%253Aaws%253Akafkaconnect"
                            "%253Aus-east-1%253A123456789012%253Aconnector"
                            "%252Fdemo%252Fabc/operations\nmaxResults=5&"
                            "nextToken=a%20b\nhost:127.0.0.1:18383\n"), "%s", c);
        free(c);
}

Test(mskc_sigv4, wrong_secret_is_a_mismatch)
{
        mskc_sigv4_req_t g = get_req(&get_hdrs);
        char msg[512];

        cr_assert_eq(mskc_sigv4_verify(&g, AKID, "other", at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_MISMATCH);
        cr_assert(strstr(msg, "does not match the signature you provided"));
}

Test(mskc_sigv4, tampered_body_or_query_is_a_mismatch)
{
        mskc_sigv4_req_t p = post_req("{\"tags\": {\"k1\": \"v2\"}}");
        mskc_sigv4_req_t g = get_req(&get_hdrs);
        char msg[512];

        cr_assert_eq(mskc_sigv4_verify(&p, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_MISMATCH);
        g.query = "maxResults=6&nextToken=a%20b";
        cr_assert_eq(mskc_sigv4_verify(&g, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_MISMATCH);
}

Test(mskc_sigv4, unknown_key_is_unrecognized)
{
        mskc_sigv4_req_t g = get_req(&get_hdrs);
        char msg[512];

        cr_assert_eq(mskc_sigv4_verify(&g, "AKIDOTHER", SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_UNKNOWN_KEY);
        cr_assert_str_eq(msg, "The security token included in the request is "
                              "invalid.");
}

Test(mskc_sigv4, clock_skew_over_15_minutes_is_expired)
{
        mskc_sigv4_req_t g = get_req(&get_hdrs);
        char msg[512];

        cr_assert_eq(mskc_sigv4_verify(&g, AKID, SECRET, at() + 14 * 60, msg,
                                       sizeof(msg)), MSKC_SIGV4_OK);
        cr_assert_eq(mskc_sigv4_verify(&g, AKID, SECRET, at() + 16 * 60, msg,
                                       sizeof(msg)), MSKC_SIGV4_EXPIRED);
        cr_assert(strstr(msg, "Signature expired"), "%s", msg);
        cr_assert_eq(mskc_sigv4_verify(&g, AKID, SECRET, at() - 16 * 60, msg,
                                       sizeof(msg)), MSKC_SIGV4_EXPIRED);
}

Test(mskc_sigv4, missing_and_malformed_headers)
{
        hdrs_t none = { { "Host", NULL }, { "h", NULL } };
        hdrs_t svc = get_hdrs, nohost = get_hdrs, nodate = get_hdrs;
        mskc_sigv4_req_t r;
        char msg[512];

        r = get_req(&none);
        cr_assert_eq(mskc_sigv4_verify(&r, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_MISSING);
        svc.values[2] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/"
                        "us-east-1/kafka/aws4_request, SignedHeaders=host;"
                        "x-amz-date, Signature=00";
        r = get_req(&svc);
        cr_assert_eq(mskc_sigv4_verify(&r, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_INCOMPLETE);
        nohost.values[2] = CRED "SignedHeaders=x-amz-date, Signature=00";
        r = get_req(&nohost);
        cr_assert_eq(mskc_sigv4_verify(&r, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_INCOMPLETE);
        nodate.names[1] = "X-Other";
        r = get_req(&nodate);
        cr_assert_eq(mskc_sigv4_verify(&r, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_INCOMPLETE);
        svc.values[2] = "Basic dXNlcjpwYXNz";
        r = get_req(&svc);
        cr_assert_eq(mskc_sigv4_verify(&r, AKID, SECRET, at(), msg,
                                       sizeof(msg)), MSKC_SIGV4_INCOMPLETE);
}

/* ---- validation ---- */

static int cap(const char *js, int update, json_t **out, char *err)
{
        json_t *v = json_loads(js, 0, NULL);
        int rc;

        cr_assert_not_null(v, "%s", js);
        rc = mskc_valid_capacity(v, update, out, err, 256);
        json_decref(v);
        return rc;
}

Test(mskc_valid, capacity_ranges)
{
        char err[256];
        json_t *d;

        cr_assert_eq(cap("{\"provisionedCapacity\":{\"mcuCount\":2,"
                         "\"workerCount\":3}}", 0, &d, err), 0, "%s", err);
        cr_assert_eq(json_integer_value(json_object_get(json_object_get(
                d, "provisionedCapacity"), "workerCount")), 3);
        json_decref(d);
        cr_assert_eq(cap("{\"provisionedCapacity\":{\"mcuCount\":3,"
                         "\"workerCount\":1}}", 0, &d, err), -1);
        cr_assert(strstr(err, "1, 2, 4 or 8"), "%s", err);
        cr_assert_eq(cap("{\"provisionedCapacity\":{\"mcuCount\":1,"
                         "\"workerCount\":11}}", 0, &d, err), -1);
        cr_assert_eq(cap("{\"provisionedCapacity\":{\"mcuCount\":1,"
                         "\"workerCount\":0}}", 0, &d, err), -1);
        cr_assert_eq(cap("{}", 0, &d, err), -1);
        cr_assert(strstr(err, "exactly one"), "%s", err);
        cr_assert_eq(cap("{\"provisionedCapacity\":{\"mcuCount\":1,"
                         "\"workerCount\":1},\"autoScaling\":{}}", 0, &d, err),
                     -1);
        /* Auto scaling: defaults on create, policies required on update. */
        cr_assert_eq(cap("{\"autoScaling\":{\"mcuCount\":1,\"minWorkerCount\""
                         ":1,\"maxWorkerCount\":2}}", 0, &d, err), 0, "%s",
                     err);
        cr_assert_eq(json_integer_value(json_object_get(json_object_get(
                json_object_get(d, "autoScaling"), "scaleOutPolicy"),
                "cpuUtilizationPercentage")), 80);
        json_decref(d);
        cr_assert_eq(cap("{\"autoScaling\":{\"mcuCount\":1,\"minWorkerCount\""
                         ":1,\"maxWorkerCount\":2}}", 1, &d, err), -1);
        cr_assert(strstr(err, "scaleInPolicy is required"), "%s", err);
        cr_assert_eq(cap("{\"autoScaling\":{\"mcuCount\":1,\"minWorkerCount\""
                         ":3,\"maxWorkerCount\":2}}", 0, &d, err), -1);
        cr_assert_eq(cap("{\"autoScaling\":{\"mcuCount\":1,\"minWorkerCount\""
                         ":1,\"maxWorkerCount\":2,\"scaleInPolicy\":{"
                         "\"cpuUtilizationPercentage\":101}}}", 0, &d, err),
                     -1);
        cr_assert_eq(cap("{\"autoScaling\":{\"mcuCount\":1,\"minWorkerCount\""
                         ":1,\"maxWorkerCount\":4,\"maxAutoscalingTaskCount\""
                         ":3}}", 0, &d, err), -1);
        cr_assert(strstr(err, "maxAutoscalingTaskCount"), "%s", err);
}

Test(mskc_valid, names_tags_max_results)
{
        char err[256];
        json_t *v = json_string("ok-name_1.x"), *bad = json_string("a/b");
        json_t *tags = json_pack("{s:s}", "k", "v"), *badtags;
        int n;

        cr_assert_eq(mskc_valid_name("name", v, err, sizeof(err)), 0);
        cr_assert_eq(mskc_valid_name("name", bad, err, sizeof(err)), -1);
        cr_assert_eq(mskc_valid_name("name", NULL, err, sizeof(err)), -1);
        cr_assert_eq(mskc_valid_tags(tags, 1, err, sizeof(err)), 0);
        cr_assert_eq(mskc_valid_tags(NULL, 1, err, sizeof(err)), -1);
        badtags = json_pack("{s:i}", "k", 1);
        cr_assert_eq(mskc_valid_tags(badtags, 0, err, sizeof(err)), -1);
        cr_assert_eq(mskc_valid_max_results(NULL, &n, err, sizeof(err)), 0);
        cr_assert_eq(n, 100);
        cr_assert_eq(mskc_valid_max_results("5", &n, err, sizeof(err)), 0);
        cr_assert_eq(n, 5);
        cr_assert_eq(mskc_valid_max_results("101", &n, err, sizeof(err)), -1);
        cr_assert_eq(mskc_valid_max_results("0", &n, err, sizeof(err)), -1);
        cr_assert_eq(mskc_valid_max_results("x", &n, err, sizeof(err)), -1);
        json_decref(v);
        json_decref(bad);
        json_decref(tags);
        json_decref(badtags);
}

Test(mskc_valid, log_delivery_refuses_cloudwatch_and_firehose)
{
        char err[256];
        const json_t *s3;
        json_t *cw = json_loads("{\"workerLogDelivery\":{\"cloudWatchLogs\":"
                                "{\"enabled\":true,\"logGroup\":\"g\"}}}", 0,
                                NULL);
        json_t *fh = json_loads("{\"workerLogDelivery\":{\"firehose\":"
                                "{\"enabled\":true}}}", 0, NULL);
        json_t *off = json_loads("{\"workerLogDelivery\":{\"firehose\":"
                                 "{\"enabled\":false},\"s3\":{\"enabled\":"
                                 "true,\"bucket\":\"b\",\"prefix\":\"p\"}}}",
                                 0, NULL);

        cr_assert_eq(mskc_valid_log_delivery(cw, &s3, err, sizeof(err)), -1);
        cr_assert(strstr(err, "CloudWatch Logs"), "%s", err);
        cr_assert_eq(mskc_valid_log_delivery(fh, &s3, err, sizeof(err)), -1);
        cr_assert(strstr(err, "Firehose"), "%s", err);
        cr_assert_eq(mskc_valid_log_delivery(off, &s3, err, sizeof(err)), 0);
        cr_assert_str_eq(json_string_value(json_object_get(s3, "bucket")),
                         "b");
        json_decref(cw);
        json_decref(fh);
        json_decref(off);
}

Test(mskc_valid, cluster_becomes_client_overrides)
{
        char err[256];
        json_t *cl = json_loads("{\"apacheKafkaCluster\":{\"bootstrapServers\""
                                ":\"b:9098\",\"vpc\":{\"subnets\":[\"s\"]}}}",
                                0, NULL);
        json_t *iam = json_pack("{s:s}", "authenticationType", "IAM");
        json_t *none = json_pack("{s:s}", "authenticationType", "NONE");
        json_t *tls = json_pack("{s:s}", "encryptionType", "TLS");
        json_t *plain = json_pack("{s:s}", "encryptionType", "PLAINTEXT");
        json_t *cfg = json_object();

        cr_assert_eq(mskc_valid_cluster(cl, iam, tls, cfg, err, sizeof(err)),
                     0, "%s", err);
        cr_assert_str_eq(json_string_value(json_object_get(
                cfg, "producer.override.bootstrap.servers")), "b:9098");
        cr_assert_str_eq(json_string_value(json_object_get(
                cfg, "consumer.override.security.protocol")), "SASL_SSL");
        cr_assert_str_eq(json_string_value(json_object_get(
                cfg, "admin.override.sasl.mechanism")), "AWS_MSK_IAM");
        cr_assert_eq(mskc_valid_cluster(cl, iam, plain, cfg, err, sizeof(err)),
                     -1);
        cr_assert_eq(mskc_valid_cluster(cl, none, tls, cfg, err, sizeof(err)),
                     0);
        cr_assert_str_eq(json_string_value(json_object_get(
                cfg, "producer.override.security.protocol")), "SSL");
        cr_assert_eq(mskc_valid_cluster(cl, none, iam, cfg, err, sizeof(err)),
                     -1);
        json_decref(cl);
        json_decref(iam);
        json_decref(none);
        json_decref(tls);
        json_decref(plain);
        json_decref(cfg);
}
