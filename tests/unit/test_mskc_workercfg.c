/*
 * Unit tests for server/mskconnect/mskc_workercfg.c: strict base64, the
 * properties parser, worker-key checks naming the key, and what applies to
 * a connector config.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <jansson.h>

#include "mskc_workercfg.h"

static char err[1024];

/* base64 of "key.converter=org.apache.kafka.connect.storage.StringConverter\n
 * value.converter=org.apache.kafka.connect.json.JsonConverter\n
 * value.converter.schemas.enable=false\noffset.flush.interval.ms=10000\n
 * producer.linger.ms=5\nsome.unknown.key=x\n" */
static const char GOOD[] =
        "a2V5LmNvbnZlcnRlcj1vcmcuYXBhY2hlLmthZmthLmNvbm5lY3Quc3RvcmFnZS5TdH"
        "JpbmdDb252ZXJ0ZXIKdmFsdWUuY29udmVydGVyPW9yZy5hcGFjaGUua2Fma2EuY29u"
        "bmVjdC5qc29uLkpzb25Db252ZXJ0ZXIKdmFsdWUuY29udmVydGVyLnNjaGVtYXMuZW"
        "5hYmxlPWZhbHNlCm9mZnNldC5mbHVzaC5pbnRlcnZhbC5tcz0xMDAwMApwcm9kdWNl"
        "ci5saW5nZXIubXM9NQpzb21lLnVua25vd24ua2V5PXgK";

Test(mskc_workercfg, parses_good_properties_and_keeps_unknown_keys)
{
        json_t *p = mskc_workercfg_parse(GOOD, err, sizeof(err));

        cr_assert_not_null(p, "%s", err);
        cr_assert_str_eq(json_string_value(json_object_get(p, "key.converter")),
                         "org.apache.kafka.connect.storage.StringConverter");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 p, "value.converter.schemas.enable")),
                         "false");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 p, "some.unknown.key")), "x");
        cr_assert_eq(json_object_size(p), 6);
        json_decref(p);
}

Test(mskc_workercfg, base64_is_strict)
{
        /* "a=b" is YT1i */
        json_t *p = mskc_workercfg_parse("YT1i", err, sizeof(err));

        cr_assert_not_null(p, "%s", err);
        cr_assert_str_eq(json_string_value(json_object_get(p, "a")), "b");
        json_decref(p);
        /* padding: "a=bc" is YT1iYw== */
        p = mskc_workercfg_parse("YT1iYw==", err, sizeof(err));
        cr_assert_not_null(p, "%s", err);
        cr_assert_str_eq(json_string_value(json_object_get(p, "a")), "bc");
        json_decref(p);

        cr_assert_null(mskc_workercfg_parse("YT1iYw", err, sizeof(err)));
        cr_assert(strstr(err, "base64"), "%s", err);
        cr_assert_null(mskc_workercfg_parse("YT1i\nYw==", err, sizeof(err)));
        cr_assert_null(mskc_workercfg_parse("YT1*", err, sizeof(err)));
        cr_assert(strstr(err, "illegal character"), "%s", err);
        cr_assert_null(mskc_workercfg_parse("Y=1i", err, sizeof(err)));
        cr_assert_null(mskc_workercfg_parse("YT=iYw==", err, sizeof(err)));
        /* non-zero bits before the padding */
        cr_assert_null(mskc_workercfg_parse("YT1iYx==", err, sizeof(err)));
        /* NUL inside: "a\0b" is YQBi */
        cr_assert_null(mskc_workercfg_parse("YQBi", err, sizeof(err)));
        cr_assert(strstr(err, "NUL"), "%s", err);
        /* empty is an empty configuration */
        p = mskc_workercfg_parse("", err, sizeof(err));
        cr_assert_not_null(p, "%s", err);
        cr_assert_eq(json_object_size(p), 0);
        json_decref(p);
}

Test(mskc_workercfg, wrong_types_are_errors_naming_the_key)
{
        /* "offset.flush.interval.ms=soon" */
        cr_assert_null(mskc_workercfg_parse(
                "b2Zmc2V0LmZsdXNoLmludGVydmFsLm1zPXNvb24=", err,
                sizeof(err)));
        cr_assert(strstr(err, "offset.flush.interval.ms"), "%s", err);
        cr_assert(strstr(err, "soon"), "%s", err);
        /* "key.converter=com.example.Nope" */
        cr_assert_null(mskc_workercfg_parse(
                "a2V5LmNvbnZlcnRlcj1jb20uZXhhbXBsZS5Ob3Bl", err,
                sizeof(err)));
        cr_assert(strstr(err, "key.converter"), "%s", err);
        cr_assert(strstr(err, "could not be found"), "%s", err);
}

Test(mskc_workercfg, apply_fills_what_the_connector_does_not_set)
{
        json_t *w = mskc_workercfg_parse(GOOD, err, sizeof(err));
        json_t *c = json_pack("{s:s,s:s,s:s,s:s}", "connector.class", "x",
                              "value.converter",
                              "org.apache.kafka.connect.storage."
                              "StringConverter",
                              "producer.override.linger.ms", "50",
                              "tasks.max", "1");

        cr_assert_not_null(w, "%s", err);
        cr_assert_eq(mskc_workercfg_apply(c, w, err, sizeof(err)), 0, "%s",
                     err);
        /* key.converter came from the worker configuration */
        cr_assert_str_eq(json_string_value(json_object_get(c, "key.converter")),
                         "org.apache.kafka.connect.storage.StringConverter");
        /* the connector's own value.converter stays, without the worker
         * configuration's sub-keys of another class */
        cr_assert_str_eq(json_string_value(json_object_get(
                                 c, "value.converter")),
                         "org.apache.kafka.connect.storage.StringConverter");
        cr_assert_null(json_object_get(c, "value.converter.schemas.enable"));
        /* the connector's own override wins */
        cr_assert_str_eq(json_string_value(json_object_get(
                                 c, "producer.override.linger.ms")), "50");
        /* worker-wide keys are not copied */
        cr_assert_null(json_object_get(c, "offset.flush.interval.ms"));
        cr_assert_null(json_object_get(c, "some.unknown.key"));
        json_decref(c);

        c = json_pack("{s:s}", "connector.class", "x");
        cr_assert_eq(mskc_workercfg_apply(c, w, err, sizeof(err)), 0, "%s",
                     err);
        cr_assert_str_eq(json_string_value(json_object_get(
                                 c, "value.converter.schemas.enable")),
                         "false");
        cr_assert_str_eq(json_string_value(json_object_get(
                                 c, "producer.override.linger.ms")), "5");
        json_decref(c);
        json_decref(w);
}
