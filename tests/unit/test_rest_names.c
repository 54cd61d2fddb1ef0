/*
 * Unit tests for connector names over REST (server/rest/rest.c with the
 * stand-ins of test_rest_stubs.h): Kafka Connect trims the name of a POST
 * with String.trim() and then refuses a name with ISO control characters
 * (U+0000..U+001F, U+007F..U+009F) with 400, wherever it comes from (body,
 * URL path).
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "rest.h"
#include "test_rest_stubs.h"

static rest_t *srv;
static json_t *props;
static char base[64];

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
        char **b = ud;
        size_t old = *b ? strlen(*b) : 0;
        char *nb = realloc(*b, old + sz * n + 1);

        cr_assert_not_null(nb);
        memcpy(nb + old, p, sz * n);
        nb[old + sz * n] = '\0';
        *b = nb;
        return sz * n;
}

/* Status of the request; *body (JSON) for the caller to decref. */
static long req(const char *method, const char *path, const char *body,
                json_t **out)
{
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        char url[1024], *resp = NULL;
        long status = 0;

        snprintf(url, sizeof(url), "%s%s", base, path);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
        if (body) {
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
                h = curl_slist_append(h, "Content-Type: application/json");
                h = curl_slist_append(h, "Expect:");
                curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        }
        cr_assert_eq(curl_easy_perform(c), CURLE_OK);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        *out = json_loads(resp ? resp : "", JSON_DECODE_ANY, NULL);
        free(resp);
        return status;
}

static void setup(void)
{
        char err[256];
        static int dummy;

        stub_reset();
        props = json_pack("{s:s}", "listeners", "http://127.0.0.1:0");
        srv = rest_start((herder_t *)&dummy, props, err, sizeof(err));
        cr_assert_not_null(srv, "rest_start: %s", err);
        snprintf(base, sizeof(base), "http://127.0.0.1:%d", rest_port(srv));
}

static void teardown(void)
{
        rest_stop(srv);
        json_decref(props);
}

TestSuite(rest_names, .init = setup, .fini = teardown);

#define SRC "org.apache.kafka.connect.file.FileStreamSourceConnector"
#define CFG "{\"connector.class\":\"" SRC "\",\"topic\":\"t\"}"

/* POST with that JSON-encoded name must answer 400 naming the control
 * characters, and create nothing. */
static void refused_post(const char *json_name, const char *chars)
{
        char body[512];
        json_t *j = NULL, *list = NULL;
        const char *m;

        snprintf(body, sizeof(body), "{\"name\":\"%s\",\"config\":" CFG "}",
                 json_name);
        cr_assert_eq(req("POST", "/connectors", body, &j), 400, "%s",
                     json_name);
        m = json_string_value(json_object_get(j, "message"));
        cr_assert_not_null(m);
        cr_assert(strstr(m, "for configuration name: String may not contain "
                            "control sequences but had the following ASCII "
                            "chars: "),
                  "%s", m);
        cr_assert(strstr(m, chars), "%s (want %s)", m, chars);
        json_decref(j);
        cr_assert_eq(req("GET", "/connectors", NULL, &list), 200);
        cr_assert_eq(json_array_size(list), 0, "created: %s",
                     json_dumps(list, 0));
        json_decref(list);
}

Test(rest_names, control_characters_inside_are_refused)
{
        refused_post("a\\nb", "10");
        refused_post("a\\r\\nb", "13, 10");
        refused_post("a\\u001b[31mb", "27");
        refused_post("a\\tb", "9");
}

/* String.trim() only strips up to U+0020: DEL and C1 controls (NEL) at
 * the end stay, and are refused. */
Test(rest_names, del_and_c1_controls_are_refused_even_at_the_ends)
{
        refused_post("ab\\u007f", "127");
        refused_post("\\u0085ab", "133");
        refused_post("a\\u009bb", "155");
}

/* As in Connect: leading and trailing blanks and C0 controls are trimmed
 * away, and the trimmed (clean) name is the connector's. */
Test(rest_names, trimmed_name_is_clean)
{
        json_t *j = NULL;

        cr_assert_eq(req("POST", "/connectors",
                         "{\"name\":\"\\n\\r\\t ok \\u001f\",\"config\":" CFG
                         "}", &j),
                     201);
        cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "ok");
        json_decref(j);
}

/* The name of PUT /connectors/{name}/config is not trimmed (as in Connect)
 * and is checked the same way. */
Test(rest_names, url_name_with_control_characters_is_refused)
{
        static const char *const paths[] = {
                "/connectors/a%0Ab/config", "/connectors/%0Aab/config",
                "/connectors/ab%0D/config", "/connectors/a%7F/config",
                "/connectors/a%C2%85/config",
        };
        json_t *j = NULL;

        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
                long st = req("PUT", paths[i], CFG, &j);

                cr_assert_eq(st, 400, "%s: %ld %s", paths[i], st,
                             json_dumps(j, 0));
                cr_assert(strstr(json_string_value(json_object_get(
                                         j, "message")),
                                 "may not contain control sequences but had "
                                 "the following ASCII chars: "),
                          "%s", paths[i]);
                json_decref(j);
        }
        cr_assert_eq(req("GET", "/connectors", NULL, &j), 200);
        cr_assert_eq(json_array_size(j), 0);
        json_decref(j);
}
