/*
 * bench_datagen — generation speed of the datagen core (one core).
 *
 * (a) generation only: the bookstore example config with throttle.ms=0,
 *     one task, events produced through the same dg_task_poll() the plugin
 *     uses; the emit callback either does nothing ("gen") or also renders
 *     the key and the value as the JSON converter would ("gen+json").
 * (b) end to end through the worker and kcat: the lead's; run with
 *     --e2e-hook to print how (see bench/run.sh).
 * (c) the @faker-js/faker peer lives in bench/faker-js; bench/run.sh runs
 *     both and prints the ratio.
 *
 * Usage: bench_datagen [seconds] [--json]   (default 3 s, gen only)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "datagen/datagen_int.h"

static const dg_kv_t BOOKSTORE[] = {
        { "genkp.book.with", "#{Internet.uuid}" },
        { "genv.book.title.with", "#{Book.title}" },
        { "genv.book.genre.with", "#{Book.genre}" },
        { "genv.book.author.with", "#{Book.author}" },
        { "genkp.bookstore.with", "#{Internet.uuid}" },
        { "genv.bookstore.name.with", "#{Company.name}" },
        { "genv.bookstore.city.with", "#{Address.city}" },
        { "genv.bookstore.state.with", "#{Address.state}" },
        { "genkp.purchase.with", "#{Internet.uuid}" },
        { "genv.purchase.book_id.matching", "book.key" },
        { "genv.purchase.bookstore_id.matching", "bookstore.key" },
        { "genv.purchase.customer.with", "#{Name.username}" },
        { "genv.purchase.quantity.with", "#{number.number_between '1','5'}" },
        { "genv.purchase.unit_price.with",
          "#{number.number_between '10','75'}" },
        { "genv.purchase.timestamp.with", "#{date.past '10','SECONDS'}" },
        { "global.throttle.ms", "0" },
        { "global.history.records.max", "1000" },
};

typedef struct acc {
        int json;
        uint64_t bytes;
        char buf[4096];
} acc_t;

static int on_event(void *arg, const dg_event_t *ev)
{
        acc_t *a = arg;
        if (a->json) {
                a->bytes += dg_event_json(ev, DG_NS_KEY, a->buf, sizeof(a->buf));
                a->bytes += dg_event_json(ev, DG_NS_VALUE, a->buf,
                                          sizeof(a->buf));
        } else {
                for (int ns = 0; ns < 2; ns++)
                        for (int i = 0; i < ev->topic->nslots[ns]; i++)
                                a->bytes += ev->vals[ev->topic->slots[ns][i]].len;
        }
        return 0;
}

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        double seconds = 3;
        acc_t acc = { 0 };
        char err[2048];
        const char *bad;
        double t0, t1, tc0, tc1;
        uint64_t n = 0;
        int drained;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--json"))
                        acc.json = 1;
                else if (!strcmp(argv[i], "--e2e-hook")) {
                        printf("e2e: start connectd with "
                               "examples/msk-datagen-bookstore.properties "
                               "(global.throttle.ms=0) and time kcat -C -e on "
                               "book, bookstore, purchase; see bench/run.sh\n");
                        return 0;
                } else
                        seconds = strtod(argv[i], NULL);
        }
        tc0 = now_s();
        const faker_data_t *fd = faker_data_get(err, sizeof(err));
        if (!fd) {
                fprintf(stderr, "%s\n", err);
                return 1;
        }
        tc1 = now_s();
        int skipped = 0, files = faker_data_files(fd, &skipped);
        printf("faker data: %d files (%d skipped) loaded in %.1f ms\n", files,
               skipped, (tc1 - tc0) * 1e3);
        tc0 = now_s();
        dg_config_t *c = dg_config_new(BOOKSTORE,
                                       sizeof(BOOKSTORE) / sizeof(BOOKSTORE[0]),
                                       &bad, err, sizeof(err));
        if (!c) {
                fprintf(stderr, "config: %s\n", err);
                return 1;
        }
        tc1 = now_s();
        printf("config parse+compile: %.2f ms\n", (tc1 - tc0) * 1e3);
        dg_task_t *t = dg_task_new(c, 42);
        t0 = now_s();
        do {
                for (int k = 0; k < 50; k++) {
                        int r = dg_task_poll(t, 2000, on_event, &acc, NULL, NULL,
                                             &drained, err, sizeof(err));
                        if (r < 0) {
                                fprintf(stderr, "poll: %s\n", err);
                                return 1;
                        }
                        n += (uint64_t)r;
                }
                t1 = now_s();
        } while (t1 - t0 < seconds);
        printf("mode %s records %llu seconds %.3f bytes %llu\n",
               acc.json ? "gen+json" : "gen", (unsigned long long)n, t1 - t0,
               (unsigned long long)acc.bytes);
        printf("records_per_sec %.0f\n", (double)n / (t1 - t0));
        dg_task_destroy(t);
        dg_config_destroy(c);
        return 0;
}
