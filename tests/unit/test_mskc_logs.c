/*
 * Unit tests of the context filter behind MSK Connect log delivery
 * (log_ctx_is_connector in server/log/log.c) and of mskc_logs_start's
 * refusals.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mskc_logs.h"

Test(mskc_logs, context_filter_matches_only_that_connectors_threads)
{
        cr_assert(log_ctx_is_connector("a|worker", "a"));
        cr_assert(log_ctx_is_connector("a|task-0", "a"));
        cr_assert(log_ctx_is_connector("a|task-123", "a"));
        cr_assert(log_ctx_is_connector("a|b|task-1", "a|b"));
        cr_assert(!log_ctx_is_connector("a|b|task-1", "a"));
        cr_assert(!log_ctx_is_connector("ab|task-1", "a"));
        cr_assert(!log_ctx_is_connector("a", "a"));
        cr_assert(!log_ctx_is_connector("a|task-", "a"));
        cr_assert(!log_ctx_is_connector("a|task-1x", "a"));
        cr_assert(!log_ctx_is_connector("a|workers", "a"));
        cr_assert(!log_ctx_is_connector(NULL, "a"));
}

Test(mskc_logs, start_needs_bucket_and_credentials)
{
        json_t *p = json_object();
        char err[512];

        unsetenv("AWS_ACCESS_KEY_ID");
        unsetenv("AWS_SECRET_ACCESS_KEY");
        cr_assert_null(mskc_logs_start(p, "c", NULL, "", "x", err, sizeof(err)));
        cr_assert(strstr(err, "bucket"), "%s", err);
        cr_assert_null(mskc_logs_start(p, "c", NULL, "b", "x", err, sizeof(err)));
        cr_assert(strstr(err, "mskconnect.s3.access.key.id"), "%s", err);
        mskc_logs_stop(NULL);
        json_decref(p);
}
