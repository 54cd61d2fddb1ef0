/*
 * msk_iam — Amazon MSK IAM authentication for librdkafka clients.
 *
 * Java clients say sasl.mechanism=AWS_MSK_IAM plus the aws-msk-iam-auth
 * JAAS module and callback handler; librdkafka knows none of these. MSK
 * also accepts SASL/OAUTHBEARER with a token made as the AWS signer
 * libraries (aws-msk-iam-sasl-signer-*) make it: a SigV4-presigned
 * "kafka-cluster:Connect" URL, base64url-encoded. kafka.c hands every
 * client setting to msk_iam_opts_take first; msk_iam_opts_apply then
 * turns AWS_MSK_IAM into OAUTHBEARER with a token refresh callback, and
 * maps the Java-only keys.
 */
#ifndef CONNECTD_MSK_IAM_H
#define CONNECTD_MSK_IAM_H

#include <stddef.h>
#include <time.h>
#include <librdkafka/rdkafka.h>

#define MSK_IAM_TOKEN_LIFETIME_S 900

typedef struct msk_iam_creds {
        char access_key_id[128];
        char secret_access_key[256];
        char session_token[4096];  /* "" when none */
        long long expiration;      /* epoch seconds; 0: does not expire */
        char source[64];           /* "environment", "profile NAME", ... */
} msk_iam_creds_t;

/* ---- the token (pure) ---- */

/* The token for `region` signed with cr at `now`: base64url (no padding)
 * of https://kafka.REGION.amazonaws.com/?Action=kafka-cluster%3AConnect&
 * X-Amz-...&X-Amz-Signature=...&User-Agent=UA. *token is malloc'd, the
 * caller frees it; *expiry_ms = (now + 900 s) in ms. 0 or -1 + errstr. */
int msk_iam_token(const char *region, const msk_iam_creds_t *cr, time_t now,
                  const char *user_agent, char **token, long long *expiry_ms,
                  char *errstr, size_t errstr_size);

/* ---- region and credentials ---- */

/* Region from the first MSK broker name in a bootstrap list
 * ("b-1.c.x.c2.kafka.eu-west-1.amazonaws.com:9098,..."): 1 found, 0 not. */
int msk_iam_region_from_bootstrap(const char *bootstrap, char *out,
                                  size_t n);

/* The region to sign for: `setting` (msk.iam.region) if set, else the MSK
 * broker names in `bootstrap`, else $AWS_REGION, else $AWS_DEFAULT_REGION.
 * 1 found, 0 not. */
int msk_iam_region(const char *setting, const char *bootstrap, char *out,
                   size_t n);

/* Static keys of `profile` in an AWS shared credentials file
 * (section [NAME]) or, config_style, an AWS config file ([profile NAME],
 * [default]). 1 found, 0 no such profile or no keys, -1 unreadable file
 * (errstr says which). */
int msk_iam_creds_from_file(const char *path, const char *profile,
                            int config_style, msk_iam_creds_t *cr,
                            char *errstr, size_t errstr_size);

/* The SDKs' default chain: with `profile` NULL, environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then web
 * identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, STS
 * AssumeRoleWithWebIdentity in `sts_region`), then the
 * shared credentials and config files for $AWS_PROFILE or "default", then
 * the container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI,
 * AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]), then EC2 instance metadata
 * (IMDSv2; off with AWS_EC2_METADATA_DISABLED=true). With a profile
 * (awsProfileName): only that profile in the files. Credentials from an
 * endpoint are cached until 15 minutes before they expire.
 * 0, or -1 with a sentence naming what was tried. */
int msk_iam_credentials(const char *profile, const char *sts_region,
                        msk_iam_creds_t *cr, char *errstr,
                        size_t errstr_size);

#define MSK_IAM_SESSION_NAME "MSKSASLDefaultSession"

/* STS AssumeRole of role_arn with the `base` credentials (a presigned GET
 * to https://sts.REGION.amazonaws.com, or AWS_ENDPOINT_URL_STS /
 * AWS_ENDPOINT_URL), session_name NULL: MSKSASLDefaultSession, external_id
 * may be NULL; sts_region NULL: us-east-1. Cached like endpoint
 * credentials. 0, or -1 + errstr. */
int msk_iam_assume_role(const msk_iam_creds_t *base, const char *role_arn,
                        const char *session_name, const char *external_id,
                        const char *sts_region, msk_iam_creds_t *cr,
                        char *errstr, size_t errstr_size);

/* ---- client configuration ---- */

/* Java-only settings seen while a client config is assembled. Zero it
 * before use; msk_iam_opts_clear frees it. */
typedef struct msk_iam_opts {
        char *mechanism;      /* sasl.mechanism, as given */
        char *jaas;           /* sasl.jaas.config */
        char *handler;        /* sasl.client.callback.handler.class */
} msk_iam_opts_t;

/* Takes key if it is one of sasl.mechanism(s), sasl.jaas.config,
 * sasl.client.callback.handler.class (the last setting wins, as for any
 * key): returns 1. Returns 0 for any other key (set it on the conf as
 * usual), -1 out of memory. */
int msk_iam_opts_take(msk_iam_opts_t *o, const char *key, const char *val,
                      char *errstr, size_t errstr_size);

/* Applies what was taken to conf: sasl.mechanism=AWS_MSK_IAM becomes
 * OAUTHBEARER with the refresh callback and the region (see
 * msk_iam_region; `region_setting` is msk.iam.region, bootstrap from conf)
 * and the JAAS module's awsProfileName in sasl.oauthbearer.config; another
 * mechanism is set as given; a PLAIN/SCRAM JAAS line becomes sasl.username
 * and sasl.password. Unsupported forms (awsRoleArn, other Java modules or
 * callback handlers) fail with a sentence. 0 or -1. */
int msk_iam_opts_apply(msk_iam_opts_t *o, rd_kafka_conf_t *conf,
                       const char *region_setting, char *errstr,
                       size_t errstr_size);
void msk_iam_opts_clear(msk_iam_opts_t *o);

/* The token refresh callback msk_iam_opts_apply installs (exposed for
 * tests). oauthbearer_config is "region=R[ profile=P][ role=ARN]
 * [ session=S][ extid=E][ stsregion=R2]". */
void msk_iam_refresh_cb(rd_kafka_t *rk, const char *oauthbearer_config,
                        void *opaque);

#endif
