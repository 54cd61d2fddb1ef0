/*
 * Unit tests for server/herder/assignor.c: the rules of assignor.h one by
 * one (balance, stickiness, two-phase moves, departed workers, config
 * changes, determinism), the per-worker views, and a randomized simulation
 * of workers that join, leave, lag behind and report what they run.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "assignor.h"

/* JSON from a literal written with single quotes. */
static json_t *js(const char *text)
{
        char *s = strdup(text);
        json_error_t err;
        json_t *v;
        char *p;

        cr_assert_not_null(s);
        for (p = s; *p; p++)
                if (*p == '\'')
                        *p = '"';
        v = json_loads(s, JSON_DECODE_ANY, &err);
        cr_assert_not_null(v, "bad test JSON %s: %s", s, err.text);
        free(s);
        return v;
}

static const char *conn_owner(const json_t *a, const char *name)
{
        return json_string_value(
                json_object_get(json_object_get(a, "connectors"), name));
}

static const char *task_owner(const json_t *a, const char *name, size_t t)
{
        return json_string_value(json_array_get(
                json_object_get(json_object_get(a, "tasks"), name), t));
}

static int eq(const char *a, const char *b)
{
        return (!a && !b) || (a && b && !strcmp(a, b));
}

/* How many connectors and tasks `a` gives to worker w. */
static void held(const json_t *a, const char *w, int *nconn, int *ntask)
{
        const char *name;
        json_t *v, *arr;
        size_t i;

        *nconn = *ntask = 0;
        json_object_foreach(json_object_get(a, "connectors"), name, v)
                if (eq(json_string_value(v), w))
                        (*nconn)++;
        json_object_foreach(json_object_get(a, "tasks"), name, arr)
                json_array_foreach(arr, i, v)
                        if (eq(json_string_value(v), w))
                                (*ntask)++;
}

/* Items left unassigned (null). */
static int nulls(const json_t *a)
{
        const char *name;
        json_t *v, *arr;
        size_t i;
        int n = 0;

        json_object_foreach(json_object_get(a, "connectors"), name, v)
                n += json_is_null(v);
        json_object_foreach(json_object_get(a, "tasks"), name, arr)
                json_array_foreach(arr, i, v)
                        n += json_is_null(v);
        return n;
}

/* Every worker runs exactly its share of `a`. */
static json_t *run_all(const json_t *a, const json_t *workers)
{
        json_t *running = json_object(), *v;
        size_t i;

        json_array_foreach(workers, i, v) {
                json_t *mine = assignor_for_worker(a, json_string_value(v));

                cr_assert_not_null(mine);
                json_object_set_new(running, json_string_value(v), mine);
        }
        return running;
}

/* Rounds of compute + every worker applying until nothing changes; leaves
 * the fixed point in *prev and *running. Returns the rounds it took. */
static int settle(const json_t *workers, const json_t *work, json_t **prev,
                  json_t **running)
{
        int round;

        for (round = 1; round <= 10; round++) {
                json_t *a = assignor_compute(workers, work, *prev, *running);

                cr_assert_not_null(a);
                if (*prev && json_equal(a, *prev)) {
                        json_decref(a);
                        return round;
                }
                json_decref(*prev);
                *prev = a;
                json_decref(*running);
                *running = run_all(a, workers);
        }
        cr_assert_fail("no fixed point after 10 rounds");
        return -1;
}

static void assert_balanced(const json_t *a, const json_t *workers)
{
        int cmin = 1 << 30, cmax = -1, tmin = 1 << 30, tmax = -1;
        json_t *v;
        size_t i;

        json_array_foreach(workers, i, v) {
                int nc, nt;

                held(a, json_string_value(v), &nc, &nt);
                cmin = nc < cmin ? nc : cmin;
                cmax = nc > cmax ? nc : cmax;
                tmin = nt < tmin ? nt : tmin;
                tmax = nt > tmax ? nt : tmax;
        }
        cr_assert_leq(cmax - cmin, 1, "connectors %d..%d", cmin, cmax);
        cr_assert_leq(tmax - tmin, 1, "tasks %d..%d", tmin, tmax);
}

/* Fresh 3-worker cluster running a 12-task connector and two without
 * tasks, settled. */
static void three_settled(json_t **workers, json_t **work, json_t **prev,
                          json_t **running)
{
        *workers = js("['w1','w2','w3']");
        *work = js("{'a':12,'b':0,'c':0}");
        *prev = NULL;
        *running = NULL;
        settle(*workers, *work, prev, running);
}

Test(assignor, fresh_cluster_spreads_connectors_and_tasks)
{
        json_t *workers = js("['w2','w3','w1']");
        json_t *work = js("{'a':12,'b':0,'c':0}");
        json_t *a = assignor_compute(workers, work, NULL, NULL);
        const char *w[] = {"w1", "w2", "w3"};
        int i, nc, nt, per[3] = {0};

        cr_assert_not_null(a);
        cr_assert_eq(nulls(a), 0);
        for (i = 0; i < 3; i++) {
                held(a, w[i], &nc, &nt);
                cr_assert_eq(nc, 1, "%s holds %d connectors", w[i], nc);
                cr_assert_eq(nt, 4, "%s holds %d tasks", w[i], nt);
        }
        /* Ties go to worker id order: a, b, c on w1, w2, w3. */
        cr_assert_str_eq(conn_owner(a, "a"), "w1");
        cr_assert_str_eq(conn_owner(a, "b"), "w2");
        cr_assert_str_eq(conn_owner(a, "c"), "w3");
        /* A connector without tasks keeps its item and an empty list. */
        cr_assert_eq(json_array_size(json_object_get(
                             json_object_get(a, "tasks"), "b")),
                     0);
        cr_assert_not_null(json_object_get(json_object_get(a, "tasks"), "b"));
        for (i = 0; i < 12; i++)
                per[task_owner(a, "a", (size_t)i)[1] - '1']++;
        cr_assert(per[0] == 4 && per[1] == 4 && per[2] == 4);
        json_decref(a);
        json_decref(workers);
        json_decref(work);
}

Test(assignor, tasks_of_each_connector_are_spread)
{
        json_t *workers = js("['w1','w2','w3']");
        json_t *work = js("{'a':3,'b':3,'c':3}");
        json_t *a = assignor_compute(workers, work, NULL, NULL);
        const char *names[] = {"a", "b", "c"};
        int c;

        cr_assert_not_null(a);
        for (c = 0; c < 3; c++) {
                const char *o0 = task_owner(a, names[c], 0);
                const char *o1 = task_owner(a, names[c], 1);
                const char *o2 = task_owner(a, names[c], 2);

                cr_assert(!eq(o0, o1) && !eq(o1, o2) && !eq(o0, o2),
                          "connector %s: %s %s %s", names[c], o0, o1, o2);
        }
        json_decref(a);
        json_decref(workers);
        json_decref(work);
}

Test(assignor, equal_load_prefers_fewer_tasks_of_the_same_connector)
{
        /* w1 and w2 hold one task each; a's new task 1 would go to w1 by
         * id order, but w1 already runs a's task 0. */
        json_t *workers = js("['w1','w2']");
        json_t *work = js("{'a':2,'b':1}");
        json_t *prev = js("{'connectors':{'a':'w1','b':'w2'},"
                          "'tasks':{'a':['w1'],'b':['w2']}}");
        json_t *a = assignor_compute(workers, work, prev, NULL);

        cr_assert_not_null(a);
        cr_assert_str_eq(task_owner(a, "a", 0), "w1");
        cr_assert_str_eq(task_owner(a, "a", 1), "w2");
        cr_assert_str_eq(task_owner(a, "b", 0), "w2");
        json_decref(a);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
}

Test(assignor, departed_worker_items_move_at_once_and_nothing_else)
{
        json_t *workers, *work, *prev, *running, *a, *left;
        size_t t;
        int nc, nt;

        three_settled(&workers, &work, &prev, &running);
        left = js("['w1','w3']");
        /* w2's last report is still there: a departed worker's report
         * does not hold anything back. */
        a = assignor_compute(left, work, prev, running);
        cr_assert_not_null(a);
        cr_assert_eq(nulls(a), 0);
        for (t = 0; t < 12; t++) {
                const char *before = task_owner(prev, "a", t);
                const char *now = task_owner(a, "a", t);

                if (strcmp(before, "w2"))
                        cr_assert_str_eq(now, before, "task %zu moved", t);
                else
                        cr_assert(eq(now, "w1") || eq(now, "w3"));
        }
        cr_assert_str_eq(conn_owner(a, "a"), conn_owner(prev, "a"));
        cr_assert_str_eq(conn_owner(a, "c"), conn_owner(prev, "c"));
        cr_assert_str_eq(conn_owner(a, "b"), "w1"); /* was w2's; tie */
        held(a, "w1", &nc, &nt);
        cr_assert_eq(nt, 6);
        held(a, "w3", &nc, &nt);
        cr_assert_eq(nt, 6);
        json_decref(a);
        json_decref(left);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(running);
}

Test(assignor, joining_worker_takes_the_excess_in_two_rounds)
{
        json_t *workers, *work, *prev, *running, *four, *r1, *r2, *r3,
                *running2;
        size_t t;
        int nc, nt, i;
        const char *w[] = {"w1", "w2", "w3"};

        three_settled(&workers, &work, &prev, &running);
        four = js("['w1','w2','w3','w4']");

        /* Round 1: the old owners still run everything: the excess (one
         * task each) is revoked as null; w4 gets nothing yet. */
        r1 = assignor_compute(four, work, prev, running);
        cr_assert_not_null(r1);
        cr_assert_eq(nulls(r1), 3);
        held(r1, "w4", &nc, &nt);
        cr_assert_eq(nc + nt, 0);
        for (i = 0; i < 3; i++) {
                held(r1, w[i], &nc, &nt);
                cr_assert_eq(nc, 1);
                cr_assert_eq(nt, 3);
        }
        for (t = 0; t < 12; t++)
                if (task_owner(r1, "a", t))
                        cr_assert_str_eq(task_owner(r1, "a", t),
                                         task_owner(prev, "a", t));

        /* Same reports again (nobody stopped yet): still null. */
        r2 = assignor_compute(four, work, r1, running);
        cr_assert(json_equal(r1, r2));

        /* Round 2 proper: the old owners stopped what was revoked. */
        running2 = run_all(r2, four);
        r3 = assignor_compute(four, work, r2, running2);
        cr_assert_eq(nulls(r3), 0);
        held(r3, "w4", &nc, &nt);
        cr_assert_eq(nc, 0, "connectors 3 over 4 workers: nobody moves");
        cr_assert_eq(nt, 3);
        for (t = 0; t < 12; t++) {
                if (task_owner(r1, "a", t))
                        cr_assert_str_eq(task_owner(r3, "a", t),
                                         task_owner(r1, "a", t));
                else
                        cr_assert_str_eq(task_owner(r3, "a", t), "w4");
        }
        assert_balanced(r3, four);
        json_decref(r1);
        json_decref(r2);
        json_decref(r3);
        json_decref(running2);
        json_decref(four);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(running);
}

Test(assignor, join_with_unstarted_items_moves_them_at_once)
{
        /* w1 was given a task but does not run it yet: shedding it costs
         * nothing, so it moves in the same round. */
        json_t *workers = js("['w1','w2']");
        json_t *work = js("{'a':2}");
        json_t *prev = js("{'connectors':{'a':'w1'},'tasks':{'a':['w1','w1']}}");
        json_t *running = js("{'w1':{'connectors':['a'],'tasks':{'a':[0]}}}");
        json_t *a = assignor_compute(workers, work, prev, running);

        cr_assert_not_null(a);
        cr_assert_str_eq(task_owner(a, "a", 0), "w1");
        cr_assert_str_eq(task_owner(a, "a", 1), "w2");
        json_decref(a);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(running);
}

Test(assignor, tasks_max_down_and_up)
{
        json_t *workers, *work, *prev, *running, *a, *a2, *run2;
        json_t *small = js("{'a':3,'b':0,'c':0}");
        json_t *big = js("{'a':12,'b':0,'c':0}");
        size_t t;

        three_settled(&workers, &work, &prev, &running);
        /* 12 -> 3: tasks 3..11 vanish though still reported; 0..2 stay. */
        a = assignor_compute(workers, small, prev, running);
        cr_assert_not_null(a);
        cr_assert_eq(json_array_size(json_object_get(
                             json_object_get(a, "tasks"), "a")),
                     3);
        cr_assert_eq(nulls(a), 0);
        for (t = 0; t < 3; t++)
                cr_assert_str_eq(task_owner(a, "a", t),
                                 task_owner(prev, "a", t));
        assert_balanced(a, workers);

        /* 3 -> 12: the nine new tasks fill every worker up to 4; the old
         * three keep their owners. */
        run2 = run_all(a, workers);
        a2 = assignor_compute(workers, big, a, run2);
        cr_assert_not_null(a2);
        cr_assert_eq(nulls(a2), 0);
        for (t = 0; t < 3; t++)
                cr_assert_str_eq(task_owner(a2, "a", t), task_owner(a, "a", t));
        assert_balanced(a2, workers);
        json_decref(a);
        json_decref(a2);
        json_decref(run2);
        json_decref(small);
        json_decref(big);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(running);
}

Test(assignor, deleted_connector_vanishes)
{
        json_t *workers, *work, *prev, *running, *a;
        json_t *less = js("{'a':12,'c':0}");

        three_settled(&workers, &work, &prev, &running);
        a = assignor_compute(workers, less, prev, running);
        cr_assert_not_null(a);
        cr_assert_null(json_object_get(json_object_get(a, "connectors"), "b"));
        cr_assert_null(json_object_get(json_object_get(a, "tasks"), "b"));
        cr_assert_eq(json_object_size(json_object_get(a, "connectors")), 2);
        cr_assert_eq(json_object_size(json_object_get(a, "tasks")), 2);
        /* 2 connectors over 3 workers: a and c stay put. */
        cr_assert_str_eq(conn_owner(a, "a"), conn_owner(prev, "a"));
        cr_assert_str_eq(conn_owner(a, "c"), conn_owner(prev, "c"));
        cr_assert_eq(nulls(a), 0);
        json_decref(a);
        json_decref(less);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(running);
}

Test(assignor, deterministic_under_key_order)
{
        json_t *w1 = js("['w1','w2','w3','w4']");
        json_t *w2 = js("['w4','w2','w1','w3']");
        json_t *k1 = js("{'x':5,'a':3,'m':0,'b':7}");
        json_t *k2 = js("{'b':7,'m':0,'a':3,'x':5}");
        json_t *p1 = js("{'connectors':{'a':'w1','x':'w9'},"
                        "'tasks':{'b':['w2','w2','w2','w2'],'a':['w3',null]}}");
        json_t *p2 = js("{'tasks':{'a':['w3',null],'b':['w2','w2','w2','w2']},"
                        "'connectors':{'x':'w9','a':'w1'}}");
        json_t *r1 = js("{'w2':{'tasks':{'b':[0,1,2]},'connectors':[]},"
                        "'w3':{'connectors':['a'],'tasks':{'a':[0]}},"
                        "'w1':{'connectors':['x'],'tasks':{'x':[4]}}}");
        json_t *r2 = js("{'w1':{'tasks':{'x':[4]},'connectors':['x']},"
                        "'w3':{'tasks':{'a':[0]},'connectors':['a']},"
                        "'w2':{'connectors':[],'tasks':{'b':[2,1,0]}}}");
        json_t *a1 = assignor_compute(w1, k1, p1, r1);
        json_t *a2 = assignor_compute(w2, k2, p2, r2);
        char *s1, *s2;

        cr_assert_not_null(a1);
        cr_assert_not_null(a2);
        s1 = json_dumps(a1, 0);
        s2 = json_dumps(a2, 0);
        cr_assert_str_eq(s1, s2);
        /* Sorted output objects. */
        cr_assert(strstr(s1, "{\"connectors\": {\"a\":"));
        free(s1);
        free(s2);
        json_decref(a1);
        json_decref(a2);
        json_decref(w1);
        json_decref(w2);
        json_decref(k1);
        json_decref(k2);
        json_decref(p1);
        json_decref(p2);
        json_decref(r1);
        json_decref(r2);
}

Test(assignor, running_item_goes_only_to_its_runner)
{
        /* The previous assignment says w1, but w2 reports running it:
         * only w2 may have it. */
        json_t *workers = js("['w1','w2']");
        json_t *work = js("{'a':0,'b':0}");
        json_t *prev = js("{'connectors':{'a':'w1','b':'w1'}}");
        json_t *running = js("{'w2':{'connectors':['a']}}");
        json_t *a = assignor_compute(workers, work, prev, running);

        cr_assert_not_null(a);
        cr_assert_str_eq(conn_owner(a, "a"), "w2");
        cr_assert_str_eq(conn_owner(a, "b"), "w1");
        json_decref(a);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(running);
}

Test(assignor, item_run_twice_stays_null_until_one_stops)
{
        json_t *workers = js("['w1','w2']");
        json_t *work = js("{'a':1}");
        json_t *prev = js("{'connectors':{'a':'w1'},'tasks':{'a':['w1']}}");
        json_t *both = js("{'w1':{'connectors':['a'],'tasks':{'a':[0]}},"
                          "'w2':{'connectors':['a'],'tasks':{'a':[0,0]}}}");
        json_t *one = js("{'w1':{'connectors':[],'tasks':{}},"
                         "'w2':{'connectors':['a'],'tasks':{'a':[0]}}}");
        json_t *a = assignor_compute(workers, work, prev, both);
        json_t *b;

        cr_assert_not_null(a);
        cr_assert_eq(nulls(a), 2);
        b = assignor_compute(workers, work, a, one);
        cr_assert_not_null(b);
        cr_assert_str_eq(conn_owner(b, "a"), "w2");
        cr_assert_str_eq(task_owner(b, "a", 0), "w2");
        json_decref(a);
        json_decref(b);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(both);
        json_decref(one);
}

Test(assignor, revoked_item_stays_null_while_still_run)
{
        /* Task 0 was revoked last round (null), the old owner still runs
         * it; w1 is still over its share, so task 0 stays null and goes to
         * nobody else; and it is task 0 that stays revoked, not another
         * task of w1 in its place. */
        json_t *workers = js("['w1','w2']");
        json_t *work = js("{'a':2}");
        json_t *prev = js("{'connectors':{'a':'w1'},'tasks':{'a':[null,'w1']}}");
        json_t *running = js("{'w1':{'connectors':['a'],'tasks':{'a':[0,1]}},"
                             "'w2':{}}");
        json_t *a = assignor_compute(workers, work, prev, running);

        cr_assert_not_null(a);
        cr_assert_null(task_owner(a, "a", 0));
        cr_assert_str_eq(task_owner(a, "a", 1), "w1");
        json_decref(a);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
        json_decref(running);
}

Test(assignor, no_workers_all_null)
{
        json_t *workers = js("[]");
        json_t *work = js("{'a':2,'b':0}");
        json_t *prev = js("{'connectors':{'a':'w1'},'tasks':{'a':['w1','w2']}}");
        json_t *a = assignor_compute(workers, work, prev, NULL);

        cr_assert_not_null(a);
        cr_assert_eq(nulls(a), 4);
        cr_assert_eq(json_array_size(json_object_get(
                             json_object_get(a, "tasks"), "a")),
                     2);
        json_decref(a);
        json_decref(workers);
        json_decref(work);
        json_decref(prev);
}

Test(assignor, malformed_input_is_refused)
{
        const char *bad[][4] = {
                {"{}", "{}", "null", "null"},
                {"[1]", "{}", "null", "null"},
                {"['w1']", "[]", "null", "null"},
                {"['w1']", "{'a':-1}", "null", "null"},
                {"['w1']", "{'a':'3'}", "null", "null"},
                {"['w1']", "{'a':99999999}", "null", "null"},
                {"['w1']", "{'a':1}", "[]", "null"},
                {"['w1']", "{'a':1}", "{'connectors':{'a':5}}", "null"},
                {"['w1']", "{'a':1}", "{'tasks':{'a':'w1'}}", "null"},
                {"['w1']", "{'a':1}", "null", "[]"},
                {"['w1']", "{'a':1}", "null", "{'w1':{'tasks':{'a':['0']}}}"},
                {"['w1']", "{'a':1}", "null", "{'w1':{'connectors':'a'}}"},
        };
        size_t i;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                json_t *w = js(bad[i][0]), *k = js(bad[i][1]);
                json_t *p = js(bad[i][2]), *r = js(bad[i][3]);
                json_t *a = assignor_compute(w, k, p, r);

                cr_assert_null(a, "case %zu accepted", i);
                json_decref(w);
                json_decref(k);
                json_decref(p);
                json_decref(r);
        }
}

Test(assignor, worker_view_and_diff)
{
        json_t *a = js("{'connectors':{'a':'w1','b':'w2','z':null},"
                       "'tasks':{'a':['w2','w1','w1'],'b':['w2'],'z':[]}}");
        json_t *mine = assignor_for_worker(a, "w1");
        json_t *want = js("{'connectors':['a'],'tasks':{'a':[1,2]}}");
        json_t *running = js("{'connectors':['old','a'],"
                             "'tasks':{'a':[2,0],'old':[0]}}");
        json_t *diff, *want_diff;

        cr_assert_not_null(mine);
        cr_assert(json_equal(mine, want));
        diff = assignor_worker_diff(a, "w1", running);
        want_diff = js("{'start':{'connectors':[],'tasks':{'a':[1]}},"
                       "'stop':{'connectors':['old'],"
                       "'tasks':{'a':[0],'old':[0]}}}");
        cr_assert_not_null(diff);
        cr_assert(json_equal(diff, want_diff), "%s",
                  json_dumps(diff, JSON_COMPACT));
        json_decref(diff);
        diff = assignor_worker_diff(a, "w3", NULL);
        json_decref(want_diff);
        want_diff = js("{'start':{'connectors':[],'tasks':{}},"
                       "'stop':{'connectors':[],'tasks':{}}}");
        cr_assert(json_equal(diff, want_diff));
        cr_assert_null(assignor_for_worker(NULL, "w1"));
        json_decref(diff);
        json_decref(want_diff);
        json_decref(mine);
        json_decref(want);
        json_decref(running);
        json_decref(a);
}

/* ---- randomized simulation ------------------------------------------ */

#define SIM_WORKERS 8
#define SIM_CONNS 10
#define SIM_MAXT 12

typedef struct {
        int live[SIM_WORKERS];
        int count[SIM_CONNS]; /* -1: no such connector */
        /* what each worker actually runs (also kept while departed: its
         * stale report must be ignored) */
        int runc[SIM_WORKERS][SIM_CONNS];
        int runt[SIM_WORKERS][SIM_CONNS][SIM_MAXT];
        json_t *prev;
        uint64_t rng;
        long null_rounds; /* rounds with an item left null */
        int max_settle;   /* most rounds a settle took */
        long settles;
} sim_t;

static uint32_t sim_rand(sim_t *s, uint32_t n)
{
        s->rng ^= s->rng << 13;
        s->rng ^= s->rng >> 7;
        s->rng ^= s->rng << 17;
        return (uint32_t)(s->rng % n);
}

static void wname(int w, char *buf)
{
        snprintf(buf, 8, "w%d", w);
}

static void cname(int c, char *buf)
{
        snprintf(buf, 8, "c%d", c);
}

static int wid(const char *s)
{
        return s ? atoi(s + 1) : -1;
}

static json_t *sim_workers(const sim_t *s)
{
        json_t *arr = json_array();
        char b[8];
        int w;

        /* Reverse order: the assignor sorts. */
        for (w = SIM_WORKERS - 1; w >= 0; w--)
                if (s->live[w]) {
                        wname(w, b);
                        json_array_append_new(arr, json_string(b));
                }
        return arr;
}

static json_t *sim_work(const sim_t *s)
{
        json_t *obj = json_object();
        char b[8];
        int c;

        for (c = 0; c < SIM_CONNS; c++)
                if (s->count[c] >= 0) {
                        cname(c, b);
                        json_object_set_new(obj, b, json_integer(s->count[c]));
                }
        return obj;
}

static json_t *sim_running(const sim_t *s)
{
        json_t *obj = json_object();
        char wb[8], cb[8];
        int w, c, t;

        for (w = 0; w < SIM_WORKERS; w++) {
                json_t *conns = json_array(), *tasks = json_object();

                for (c = 0; c < SIM_CONNS; c++) {
                        json_t *ids = json_array();

                        cname(c, cb);
                        if (s->runc[w][c])
                                json_array_append_new(conns, json_string(cb));
                        for (t = 0; t < SIM_MAXT; t++)
                                if (s->runt[w][c][t])
                                        json_array_append_new(ids,
                                                              json_integer(t));
                        if (json_array_size(ids))
                                json_object_set_new(tasks, cb, ids);
                        else
                                json_decref(ids);
                }
                wname(w, wb);
                json_object_set_new(obj, wb,
                                    json_pack("{s:o,s:o}", "connectors", conns,
                                              "tasks", tasks));
        }
        return obj;
}

/* Live workers other than w running item (c, t); t < 0: the connector. */
static int other_runners(const sim_t *s, int w, int c, int t)
{
        int o, n = 0;

        for (o = 0; o < SIM_WORKERS; o++)
                if (o != w && s->live[o] &&
                    (t < 0 ? s->runc[o][c] : s->runt[o][c][t]))
                        n++;
        return n;
}

/* The invariants every assignment must keep. */
static void sim_check(const sim_t *s, const json_t *a, long step)
{
        char cb[8];
        int c, t;

        for (c = 0; c < SIM_CONNS; c++) {
                const json_t *arr;
                const char *o;

                cname(c, cb);
                if (s->count[c] < 0) {
                        cr_assert_null(json_object_get(
                                json_object_get(a, "connectors"), cb));
                        cr_assert_null(json_object_get(
                                json_object_get(a, "tasks"), cb));
                        continue;
                }
                cr_assert_not_null(
                        json_object_get(json_object_get(a, "connectors"), cb),
                        "step %ld: %s missing", step, cb);
                arr = json_object_get(json_object_get(a, "tasks"), cb);
                cr_assert_eq(json_array_size(arr), (size_t)s->count[c]);
                o = conn_owner(a, cb);
                if (o) {
                        cr_assert(s->live[wid(o)], "step %ld: dead owner", step);
                        cr_assert_eq(other_runners(s, wid(o), c, -1), 0,
                                     "step %ld: %s given to %s while another "
                                     "live worker runs it",
                                     step, cb, o);
                }
                for (t = 0; t < s->count[c]; t++) {
                        o = task_owner(a, cb, (size_t)t);
                        if (!o)
                                continue;
                        cr_assert(s->live[wid(o)], "step %ld: dead owner", step);
                        cr_assert_eq(other_runners(s, wid(o), c, t), 0,
                                     "step %ld: %s-%d given to %s while "
                                     "another live worker runs it",
                                     step, cb, t, o);
                }
        }
}

/* Worker w stops what `a` does not give it and starts what it does. */
static void sim_apply(sim_t *s, const json_t *a, int w)
{
        char cb[8];
        int c, t;

        for (c = 0; c < SIM_CONNS; c++) {
                cname(c, cb);
                s->runc[w][c] = s->count[c] >= 0 && wid(conn_owner(a, cb)) == w;
                for (t = 0; t < SIM_MAXT; t++)
                        s->runt[w][c][t] =
                                t < s->count[c] &&
                                wid(task_owner(a, cb, (size_t)t)) == w;
        }
}

static void sim_no_double_run(const sim_t *s, long step)
{
        int w, c, t;

        for (w = 0; w < SIM_WORKERS; w++) {
                if (!s->live[w])
                        continue;
                for (c = 0; c < SIM_CONNS; c++) {
                        if (s->runc[w][c])
                                cr_assert_eq(other_runners(s, w, c, -1), 0,
                                             "step %ld: c%d runs twice", step,
                                             c);
                        for (t = 0; t < SIM_MAXT; t++)
                                if (s->runt[w][c][t])
                                        cr_assert_eq(
                                                other_runners(s, w, c, t), 0,
                                                "step %ld: c%d-%d runs twice",
                                                step, c, t);
                }
        }
}

/* One round; every live worker applies with probability apply_pct. */
static int sim_round(sim_t *s, long step, int apply_pct)
{
        json_t *workers = sim_workers(s), *work = sim_work(s);
        json_t *running = sim_running(s);
        json_t *a = assignor_compute(workers, work, s->prev, running);
        int w, changed;

        cr_assert_not_null(a, "step %ld", step);
        sim_check(s, a, step);
        for (w = 0; w < SIM_WORKERS; w++)
                if (s->live[w] && (int)sim_rand(s, 100) < apply_pct)
                        sim_apply(s, a, w);
        sim_no_double_run(s, step);
        s->null_rounds += nulls(a) > 0;
        changed = !s->prev || !json_equal(a, s->prev);
        json_decref(s->prev);
        s->prev = a;
        json_decref(workers);
        json_decref(work);
        json_decref(running);
        return changed;
}

static void sim_settle_and_check(sim_t *s, long step)
{
        json_t *workers;
        int rounds = 0, nlive = 0, w;

        /* Every worker applies at once: one round revokes (or stops what
         * was revoked before), the next places; the third changes
         * nothing. */
        while (sim_round(s, step, 100)) {
                rounds++;
                cr_assert_leq(rounds, 2, "step %ld: not settled", step);
        }
        s->max_settle = rounds > s->max_settle ? rounds : s->max_settle;
        for (w = 0; w < SIM_WORKERS; w++)
                nlive += s->live[w];
        if (!nlive)
                return;
        workers = sim_workers(s);
        cr_assert_eq(nulls(s->prev), 0, "step %ld: %s", step,
                     json_dumps(s->prev, JSON_COMPACT));
        assert_balanced(s->prev, workers);
        json_decref(workers);
        s->settles++;
}

Test(assignor, randomized_cluster_simulation, .timeout = 240)
{
        sim_t s;
        long step;
        int w, c;

        memset(&s, 0, sizeof(s));
        s.rng = 0x9e3779b97f4a7c15ULL;
        for (c = 0; c < SIM_CONNS; c++)
                s.count[c] = c < 3 ? (int)c * 3 : -1;
        s.live[0] = s.live[1] = s.live[2] = 1;

        for (step = 0; step < 4000; step++) {
                uint32_t ev = sim_rand(&s, 100);

                if (ev < 8) { /* join (a restarted worker runs nothing) */
                        w = (int)sim_rand(&s, SIM_WORKERS);
                        if (!s.live[w]) {
                                s.live[w] = 1;
                                memset(s.runc[w], 0, sizeof(s.runc[w]));
                                memset(s.runt[w], 0, sizeof(s.runt[w]));
                        }
                } else if (ev < 15) { /* leave or crash */
                        s.live[sim_rand(&s, SIM_WORKERS)] = 0;
                } else if (ev < 30) { /* create, delete, tasks.max */
                        c = (int)sim_rand(&s, SIM_CONNS);
                        if (s.count[c] >= 0 && sim_rand(&s, 4) == 0)
                                s.count[c] = -1;
                        else
                                s.count[c] = (int)sim_rand(&s, SIM_MAXT + 1);
                }
                sim_round(&s, step, 60);
                if (step % 100 == 99)
                        sim_settle_and_check(&s, step);
        }
        sim_settle_and_check(&s, step);
        json_decref(s.prev);
        cr_log_info("%ld balanced checks, %ld rounds with null items, "
                    "settling took at most %d rounds",
                    s.settles, s.null_rounds, s.max_settle);
        /* The run did exercise two-phase moves. */
        cr_assert_gt(s.null_rounds, 100);
        cr_assert_gt(s.settles, 20);
}
