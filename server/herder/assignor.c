/*
 * assignor — the next assignment of connectors and tasks over the live
 * workers (see assignor.h for the rules and the JSON shapes).
 *
 * DESIGN
 *  - Pure and deterministic: no globals, no clock, no randomness. Workers
 *    and connector names are sorted (strcmp) before anything is decided, so
 *    the JSON key order of the inputs never matters; the output objects are
 *    built in sorted order too.
 *  - Items: one per connector, one per task. Both kinds go through the same
 *    three steps, each kind on its own (they are balanced separately):
 *      1. holder: the one live worker that reports running the item; else
 *         its previous owner if still live; else none (free). An item two
 *         live workers report is locked: null until only one runs it.
 *      2. shed: quotas floor/ceil(n/W), the ceil ones going to the workers
 *         that hold most now (ties: worker id order), so the fewest items
 *         move. A worker above its quota gives up the excess: an item it
 *         does not run yet is free at once; one it runs becomes null this
 *         round (two-phase move) and is free once its report no longer
 *         lists it.
 *      3. place: every free item, in name/id order, goes to the least
 *         loaded worker; ties go to the worker holding fewer tasks of the
 *         same connector, then to worker id order.
 *  - Balance: after step 3, once nothing is locked or pending, every
 *    worker holds floor or ceil(n/W): placement only ever fills a worker
 *    below the minimum+1, and step 2 leaves at most n%W workers above
 *    floor(n/W).
 *  - Sizes are bounded (ASSIGNOR_MAX_ITEMS); larger input is refused as
 *    malformed rather than allocated.
 *
 * @locality any thread; touches only its arguments (read-only).
 */
#include <stdlib.h>
#include <string.h>

#include "assignor.h"

/* Connectors plus tasks one computation handles. */
#define ASSIGNOR_MAX_ITEMS (1 << 20)

enum item_state {
        ITEM_FREE,    /* no holder: to place */
        ITEM_HELD,    /* holder keeps it */
        ITEM_PENDING, /* shed by a worker that still runs it: null */
        ITEM_LOCKED,  /* run by two or more live workers: null */
};

typedef struct {
        const char *name;
        size_t ntasks;
        size_t first; /* index of its task 0 in asg_t.items */
} asg_conn_t;

typedef struct {
        size_t conn;
        long task;   /* -1: the connector item itself */
        int prev;    /* live previous owner, -1 none */
        int runner;  /* last live worker found running it */
        int nrun;    /* how many live workers run it */
        int holder;  /* -1 none */
        enum item_state state;
        int shed_class; /* scratch for shedding */
        long shed_key;
} asg_item_t;

typedef struct {
        const char **workers; /* sorted, unique; borrowed from the input */
        int nworkers;
        asg_conn_t *conns; /* sorted by name */
        size_t nconns;
        asg_item_t *items; /* [0, nconns): connectors; then tasks */
        size_t nitems;
} asg_t;

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_conn(const void *a, const void *b)
{
        return strcmp(((const asg_conn_t *)a)->name,
                      ((const asg_conn_t *)b)->name);
}

static int find_worker(const asg_t *asg, const char *id)
{
        const char **hit;

        if (!id || !asg->nworkers)
                return -1;
        hit = bsearch(&id, asg->workers, (size_t)asg->nworkers,
                      sizeof(*asg->workers), cmp_str);
        return hit ? (int)(hit - asg->workers) : -1;
}

static long find_conn(const asg_t *asg, const char *name)
{
        asg_conn_t key = {.name = name};
        asg_conn_t *hit;

        if (!name || !asg->nconns)
                return -1;
        hit = bsearch(&key, asg->conns, asg->nconns, sizeof(*asg->conns),
                      cmp_conn);
        return hit ? (long)(hit - asg->conns) : -1;
}

static void asg_free(asg_t *asg)
{
        free(asg->workers);
        free(asg->conns);
        free(asg->items);
}

static int parse_workers(asg_t *asg, const json_t *workers)
{
        size_t i, n, out = 0;

        if (!json_is_array(workers))
                return -1;
        n = json_array_size(workers);
        if (n > ASSIGNOR_MAX_ITEMS)
                return -1;
        asg->workers = calloc(n ? n : 1, sizeof(*asg->workers));
        if (!asg->workers)
                return -1;
        for (i = 0; i < n; i++) {
                const char *id = json_string_value(json_array_get(workers, i));

                if (!id)
                        return -1;
                asg->workers[i] = id;
        }
        qsort(asg->workers, n, sizeof(*asg->workers), cmp_str);
        for (i = 0; i < n; i++)
                if (!out || strcmp(asg->workers[out - 1], asg->workers[i]))
                        asg->workers[out++] = asg->workers[i];
        asg->nworkers = (int)out;
        return 0;
}

static int parse_work(asg_t *asg, const json_t *work)
{
        const char *name;
        json_t *count;
        size_t i, n, total;

        if (!json_is_object(work))
                return -1;
        n = json_object_size(work);
        if (n > ASSIGNOR_MAX_ITEMS)
                return -1;
        asg->conns = calloc(n ? n : 1, sizeof(*asg->conns));
        if (!asg->conns)
                return -1;
        total = n;
        i = 0;
        json_object_foreach((json_t *)work, name, count) {
                json_int_t v;

                if (!json_is_integer(count))
                        return -1;
                v = json_integer_value(count);
                if (v < 0 || v > ASSIGNOR_MAX_ITEMS)
                        return -1;
                total += (size_t)v;
                if (total > ASSIGNOR_MAX_ITEMS)
                        return -1;
                asg->conns[i].name = name;
                asg->conns[i].ntasks = (size_t)v;
                i++;
        }
        asg->nconns = n;
        qsort(asg->conns, n, sizeof(*asg->conns), cmp_conn);

        asg->nitems = total;
        asg->items = calloc(total ? total : 1, sizeof(*asg->items));
        if (!asg->items)
                return -1;
        total = n;
        for (i = 0; i < n; i++) {
                size_t t;

                asg->items[i].conn = i;
                asg->items[i].task = -1;
                asg->conns[i].first = total;
                for (t = 0; t < asg->conns[i].ntasks; t++) {
                        asg->items[total + t].conn = i;
                        asg->items[total + t].task = (long)t;
                }
                total += asg->conns[i].ntasks;
        }
        for (i = 0; i < asg->nitems; i++) {
                asg->items[i].prev = -1;
                asg->items[i].runner = -1;
                asg->items[i].holder = -1;
        }
        return 0;
}

/* A worker id or null; anything else is malformed (-2). */
static int owner_of(const asg_t *asg, const json_t *v)
{
        if (!v || json_is_null(v))
                return -1;
        if (!json_is_string(v))
                return -2;
        return find_worker(asg, json_string_value(v));
}

static int parse_previous(asg_t *asg, const json_t *previous)
{
        const json_t *pconns, *ptasks;
        size_t c;

        if (!previous || json_is_null(previous))
                return 0;
        if (!json_is_object(previous))
                return -1;
        pconns = json_object_get(previous, "connectors");
        ptasks = json_object_get(previous, "tasks");
        if (pconns && !json_is_null(pconns) && !json_is_object(pconns))
                return -1;
        if (ptasks && !json_is_null(ptasks) && !json_is_object(ptasks))
                return -1;
        for (c = 0; c < asg->nconns; c++) {
                const asg_conn_t *conn = &asg->conns[c];
                const json_t *arr;
                size_t t, n;
                int w;

                w = owner_of(asg, json_object_get(pconns, conn->name));
                if (w == -2)
                        return -1;
                asg->items[c].prev = w;

                arr = json_object_get(ptasks, conn->name);
                if (!arr || json_is_null(arr))
                        continue;
                if (!json_is_array(arr))
                        return -1;
                n = json_array_size(arr);
                for (t = 0; t < n && t < conn->ntasks; t++) {
                        w = owner_of(asg, json_array_get(arr, t));
                        if (w == -2)
                                return -1;
                        asg->items[conn->first + t].prev = w;
                }
        }
        return 0;
}

static void mark_running(asg_item_t *it, int w)
{
        /* One worker's report is read in one go: if the last runner is w,
         * w listed the item twice. */
        if (it->nrun && it->runner == w)
                return;
        it->nrun++;
        it->runner = w;
}

static int parse_running(asg_t *asg, const json_t *running)
{
        const char *wid, *name;
        json_t *rep, *ids;

        if (!running || json_is_null(running))
                return 0;
        if (!json_is_object(running))
                return -1;
        json_object_foreach((json_t *)running, wid, rep) {
                const json_t *rconns, *rtasks, *v;
                int w = find_worker(asg, wid);
                size_t i;

                if (!json_is_object(rep))
                        return -1;
                rconns = json_object_get(rep, "connectors");
                rtasks = json_object_get(rep, "tasks");
                if (rconns && !json_is_null(rconns) && !json_is_array(rconns))
                        return -1;
                if (rtasks && !json_is_null(rtasks) && !json_is_object(rtasks))
                        return -1;
                if (w < 0)
                        continue; /* departed: what it ran is free */
                json_array_foreach(rconns, i, v) {
                        long c;

                        if (!json_is_string(v))
                                return -1;
                        c = find_conn(asg, json_string_value(v));
                        if (c >= 0)
                                mark_running(&asg->items[c], w);
                }
                json_object_foreach((json_t *)rtasks, name, ids) {
                        long c = find_conn(asg, name);

                        if (!json_is_array(ids))
                                return -1;
                        json_array_foreach(ids, i, v) {
                                json_int_t t;

                                if (!json_is_integer(v))
                                        return -1;
                                t = json_integer_value(v);
                                if (c < 0 || t < 0 ||
                                    (size_t)t >= asg->conns[c].ntasks)
                                        continue; /* no longer work */
                                mark_running(
                                        &asg->items[asg->conns[c].first +
                                                    (size_t)t],
                                        w);
                        }
                }
        }
        return 0;
}

static void set_holders(asg_t *asg)
{
        size_t i;

        for (i = 0; i < asg->nitems; i++) {
                asg_item_t *it = &asg->items[i];

                if (it->nrun >= 2) {
                        it->state = ITEM_LOCKED;
                        it->holder = -1;
                } else if (it->nrun == 1) {
                        it->state = ITEM_HELD;
                        it->holder = it->runner;
                } else if (it->prev >= 0) {
                        it->state = ITEM_HELD;
                        it->holder = it->prev;
                } else {
                        it->state = ITEM_FREE;
                        it->holder = -1;
                }
        }
}

typedef struct {
        const int *count;
} quota_ctx_t;

static int cmp_by_count(const void *a, const void *b, void *arg)
{
        const int *count = ((const quota_ctx_t *)arg)->count;
        int wa = *(const int *)a, wb = *(const int *)b;

        if (count[wa] != count[wb])
                return count[wa] > count[wb] ? -1 : 1;
        return wa - wb;
}

/* Connector, then shed class, then highest task id first. */
static int cmp_shed_rank(const void *a, const void *b)
{
        const asg_item_t *x = *(asg_item_t *const *)a;
        const asg_item_t *y = *(asg_item_t *const *)b;

        if (x->conn != y->conn)
                return x->conn < y->conn ? -1 : 1;
        if (x->shed_class != y->shed_class)
                return x->shed_class - y->shed_class;
        return x->task > y->task ? -1 : x->task < y->task;
}

/* Who goes first: class, then the connector this worker holds most of
 * (spread), then the last connector name, then the highest task id. */
static int cmp_shed(const void *a, const void *b)
{
        const asg_item_t *x = *(asg_item_t *const *)a;
        const asg_item_t *y = *(asg_item_t *const *)b;

        if (x->shed_class != y->shed_class)
                return x->shed_class - y->shed_class;
        if (x->shed_key != y->shed_key)
                return x->shed_key > y->shed_key ? -1 : 1;
        if (x->conn != y->conn)
                return x->conn > y->conn ? -1 : 1;
        return x->task > y->task ? -1 : x->task < y->task;
}

/*
 * Worker w gives up `excess` of its items among items[lo, hi). An item it
 * does not run moves at once, so those go first; then items it still runs
 * though they were already taken from it; then the rest. Within a class,
 * tasks of the connector it holds most of go first, round-robin over
 * connectors, so what stays is spread.
 */
static void shed(asg_t *asg, size_t lo, size_t hi, int w, int excess,
                 asg_item_t **scratch)
{
        size_t i, n = 0, run_start = 0;

        for (i = lo; i < hi; i++) {
                asg_item_t *it = &asg->items[i];

                if (it->state != ITEM_HELD || it->holder != w)
                        continue;
                if (!(it->nrun == 1 && it->runner == w))
                        it->shed_class = 0;
                else if (it->prev != w)
                        it->shed_class = 1;
                else
                        it->shed_class = 2;
                scratch[n++] = it;
        }
        qsort(scratch, n, sizeof(*scratch), cmp_shed_rank);
        /* shed_key: how many tasks of its connector w would still hold
         * when this one is shed, if shedding went round-robin. */
        for (i = 0; i <= n; i++) {
                if (i == n || (i && scratch[i]->conn != scratch[i - 1]->conn)) {
                        size_t j, cnt = i - run_start;

                        for (j = run_start; j < i; j++)
                                scratch[j]->shed_key =
                                        scratch[j]->task < 0 ?
                                                0 :
                                                (long)(cnt - (j - run_start));
                        run_start = i;
                }
        }
        qsort(scratch, n, sizeof(*scratch), cmp_shed);
        for (i = 0; i < n && (int)i < excess; i++) {
                asg_item_t *it = scratch[i];

                it->holder = -1;
                it->state = it->shed_class == 0 ? ITEM_FREE : ITEM_PENDING;
        }
}

/* Balance one kind: items[lo, hi). */
static int balance(asg_t *asg, size_t lo, size_t hi)
{
        int W = asg->nworkers, rc = -1;
        int *count = NULL, *order = NULL, *quota = NULL, *same = NULL;
        asg_item_t **scratch = NULL;
        size_t i, n = hi - lo, base, extra, cur_conn = (size_t)-1;
        quota_ctx_t qctx;
        int k;

        if (!W) {
                for (i = lo; i < hi; i++)
                        if (asg->items[i].state == ITEM_FREE)
                                asg->items[i].state = ITEM_PENDING;
                return 0;
        }
        count = calloc((size_t)W, sizeof(*count));
        order = calloc((size_t)W, sizeof(*order));
        quota = calloc((size_t)W, sizeof(*quota));
        same = calloc((size_t)W, sizeof(*same));
        scratch = calloc(n ? n : 1, sizeof(*scratch));
        if (!count || !order || !quota || !same || !scratch)
                goto out;

        for (i = lo; i < hi; i++)
                if (asg->items[i].state == ITEM_HELD)
                        count[asg->items[i].holder]++;

        /* The ceil quotas go to those that hold most already. */
        for (k = 0; k < W; k++)
                order[k] = k;
        qctx.count = count;
        qsort_r(order, (size_t)W, sizeof(*order), cmp_by_count, &qctx);
        base = n / (size_t)W;
        extra = n % (size_t)W;
        for (k = 0; k < W; k++)
                quota[order[k]] = (int)base + ((size_t)k < extra ? 1 : 0);

        for (k = 0; k < W; k++) {
                if (count[k] <= quota[k])
                        continue;
                shed(asg, lo, hi, k, count[k] - quota[k], scratch);
                count[k] = quota[k];
        }

        /* Place the free items, least loaded first. */
        for (i = lo; i < hi; i++) {
                asg_item_t *it = &asg->items[i];
                int best = -1;

                if (it->state != ITEM_FREE)
                        continue;
                if (it->task >= 0 && it->conn != cur_conn) {
                        const asg_conn_t *conn = &asg->conns[it->conn];
                        size_t t;

                        cur_conn = it->conn;
                        memset(same, 0, (size_t)W * sizeof(*same));
                        for (t = 0; t < conn->ntasks; t++) {
                                const asg_item_t *o =
                                        &asg->items[conn->first + t];

                                if (o->state == ITEM_HELD)
                                        same[o->holder]++;
                        }
                }
                for (k = 0; k < W; k++) {
                        if (best < 0 || count[k] < count[best] ||
                            (count[k] == count[best] && it->task >= 0 &&
                             same[k] < same[best]))
                                best = k;
                }
                it->holder = best;
                it->state = ITEM_HELD;
                count[best]++;
                if (it->task >= 0)
                        same[best]++;
        }
        rc = 0;
out:
        free(count);
        free(order);
        free(quota);
        free(same);
        free(scratch);
        return rc;
}

static json_t *owner_json(const asg_t *asg, const asg_item_t *it)
{
        if (it->state != ITEM_HELD)
                return json_null();
        return json_string(asg->workers[it->holder]);
}

static json_t *build_result(const asg_t *asg)
{
        json_t *res = json_object(), *conns = json_object(),
               *tasks = json_object();
        size_t c, t;

        if (!res || !conns || !tasks ||
            json_object_set(res, "connectors", conns) ||
            json_object_set(res, "tasks", tasks))
                goto fail;
        for (c = 0; c < asg->nconns; c++) {
                const asg_conn_t *conn = &asg->conns[c];
                json_t *arr = json_array();

                if (!arr || json_object_set_new(tasks, conn->name, arr) ||
                    json_object_set_new(conns, conn->name,
                                        owner_json(asg, &asg->items[c])))
                        goto fail;
                for (t = 0; t < conn->ntasks; t++)
                        if (json_array_append_new(
                                    arr, owner_json(asg, &asg->items[conn->first +
                                                                     t])))
                                goto fail;
        }
        json_decref(conns);
        json_decref(tasks);
        return res;
fail:
        json_decref(conns);
        json_decref(tasks);
        json_decref(res);
        return NULL;
}

json_t *assignor_compute(const json_t *workers, const json_t *work,
                         const json_t *previous, const json_t *running)
{
        asg_t asg = {0};
        json_t *res = NULL;

        if (parse_workers(&asg, workers) || parse_work(&asg, work) ||
            parse_previous(&asg, previous) || parse_running(&asg, running))
                goto out;
        set_holders(&asg);
        if (balance(&asg, 0, asg.nconns) ||
            balance(&asg, asg.nconns, asg.nitems))
                goto out;
        res = build_result(&asg);
out:
        asg_free(&asg);
        return res;
}

/* ---- per-worker views ---------------------------------------------- */

/* Sorted, unique keys of up to two objects (borrowed strings). */
static const char **sorted_keys(const json_t *a, const json_t *b, size_t *np)
{
        size_t cap = json_object_size(a) + json_object_size(b), n = 0, i,
               out = 0;
        const char **keys = calloc(cap ? cap : 1, sizeof(*keys));
        const char *k;
        json_t *v;

        if (!keys)
                return NULL;
        if (json_is_object(a))
                json_object_foreach((json_t *)a, k, v)
                        keys[n++] = k;
        if (json_is_object(b))
                json_object_foreach((json_t *)b, k, v)
                        keys[n++] = k;
        qsort(keys, n, sizeof(*keys), cmp_str);
        for (i = 0; i < n; i++)
                if (!out || strcmp(keys[out - 1], keys[i]))
                        keys[out++] = keys[i];
        *np = out;
        return keys;
}

json_t *assignor_for_worker(const json_t *assignment, const char *worker_id)
{
        const json_t *aconns, *atasks;
        const char **names = NULL;
        json_t *res = NULL, *conns, *tasks;
        size_t n = 0, i;

        if (!json_is_object(assignment) || !worker_id)
                return NULL;
        aconns = json_object_get(assignment, "connectors");
        atasks = json_object_get(assignment, "tasks");
        names = sorted_keys(aconns, atasks, &n);
        res = json_pack("{s:[], s:{}}", "connectors", "tasks");
        if (!names || !res)
                goto fail;
        conns = json_object_get(res, "connectors");
        tasks = json_object_get(res, "tasks");
        for (i = 0; i < n; i++) {
                const char *owner = json_string_value(
                        json_object_get(aconns, names[i]));
                const json_t *arr = json_object_get(atasks, names[i]);
                json_t *ids = NULL, *v;
                size_t t;

                if (owner && !strcmp(owner, worker_id) &&
                    json_array_append_new(conns, json_string(names[i])))
                        goto fail;
                json_array_foreach(arr, t, v) {
                        owner = json_string_value(v);
                        if (!owner || strcmp(owner, worker_id))
                                continue;
                        if (!ids && (!(ids = json_array()) ||
                                     json_object_set_new(tasks, names[i], ids)))
                                goto fail;
                        if (json_array_append_new(ids,
                                                  json_integer((json_int_t)t)))
                                goto fail;
                }
        }
        free(names);
        return res;
fail:
        free(names);
        json_decref(res);
        return NULL;
}

static int has_id(const json_t *ids, json_int_t id)
{
        size_t i;
        json_t *v;

        json_array_foreach(ids, i, v)
                if (json_is_integer(v) && json_integer_value(v) == id)
                        return 1;
        return 0;
}

static int has_str(const json_t *arr, const char *s)
{
        size_t i;
        json_t *v;

        json_array_foreach(arr, i, v) {
                const char *x = json_string_value(v);

                if (x && !strcmp(x, s))
                        return 1;
        }
        return 0;
}

static int cmp_jint(const void *a, const void *b)
{
        json_int_t x = *(const json_int_t *)a, y = *(const json_int_t *)b;

        return x < y ? -1 : x > y;
}

/* What `a` holds and `b` does not, both in the per-worker shape; sorted. */
static json_t *minus(const json_t *a, const json_t *b)
{
        const json_t *ac = json_object_get(a, "connectors");
        const json_t *at = json_object_get(a, "tasks");
        const json_t *bc = json_object_get(b, "connectors");
        const json_t *bt = json_object_get(b, "tasks");
        const char **names = NULL;
        json_int_t *ids = NULL;
        json_t *res, *conns, *tasks, *v;
        size_t n = 0, i, k;

        res = json_pack("{s:[], s:{}}", "connectors", "tasks");
        if (!res)
                return NULL;
        conns = json_object_get(res, "connectors");
        tasks = json_object_get(res, "tasks");

        n = json_array_size(ac);
        names = calloc(n ? n : 1, sizeof(*names));
        if (!names)
                goto fail;
        k = 0;
        json_array_foreach(ac, i, v)
                if (json_is_string(v))
                        names[k++] = json_string_value(v);
        qsort(names, k, sizeof(*names), cmp_str);
        for (i = 0; i < k; i++) {
                if ((i && !strcmp(names[i], names[i - 1])) ||
                    has_str(bc, names[i]))
                        continue;
                if (json_array_append_new(conns, json_string(names[i])))
                        goto fail;
        }
        free(names);

        names = sorted_keys(at, NULL, &n);
        if (!names)
                goto fail;
        for (i = 0; i < n; i++) {
                const json_t *aids = json_object_get(at, names[i]);
                const json_t *bids = json_object_get(bt, names[i]);
                json_t *out = NULL;
                size_t m = 0, j;

                free(ids);
                ids = calloc(json_array_size(aids) + 1, sizeof(*ids));
                if (!ids)
                        goto fail;
                json_array_foreach(aids, j, v)
                        if (json_is_integer(v))
                                ids[m++] = json_integer_value(v);
                qsort(ids, m, sizeof(*ids), cmp_jint);
                for (j = 0; j < m; j++) {
                        if ((j && ids[j] == ids[j - 1]) || has_id(bids, ids[j]))
                                continue;
                        if (!out && (!(out = json_array()) ||
                                     json_object_set_new(tasks, names[i], out)))
                                goto fail;
                        if (json_array_append_new(out, json_integer(ids[j])))
                                goto fail;
                }
        }
        free(names);
        free(ids);
        return res;
fail:
        free(names);
        free(ids);
        json_decref(res);
        return NULL;
}

json_t *assignor_worker_diff(const json_t *assignment, const char *worker_id,
                             const json_t *running)
{
        json_t *target = assignor_for_worker(assignment, worker_id);
        json_t *empty = NULL, *start = NULL, *stop = NULL, *res = NULL;

        if (!target)
                return NULL;
        if (!running || json_is_null(running)) {
                empty = json_pack("{s:[], s:{}}", "connectors", "tasks");
                running = empty;
        }
        if (running && json_is_object(running)) {
                start = minus(target, running);
                stop = minus(running, target);
        }
        if (start && stop)
                res = json_pack("{s:o, s:o}", "start", start, "stop", stop);
        else {
                json_decref(start);
                json_decref(stop);
        }
        json_decref(target);
        json_decref(empty);
        return res;
}
