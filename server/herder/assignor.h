/*
 * assignor — who runs what in a cluster: a pure function from the live
 * workers, the work (connectors and their task counts), the previous
 * assignment and what each worker reports it still runs, to the next
 * assignment. Deterministic: same input, same output.
 *
 * Rules (the distributed spec, sections 6 and 7):
 *  - connectors and tasks are balanced separately: each worker holds
 *    floor(n/W) or ceil(n/W) of each kind (max - min <= 1 per kind);
 *  - sticky: an item stays where it is unless its worker is gone or holds
 *    more than its share; only what must move moves;
 *  - two-phase moves: an item a live worker still reports running is
 *    given to no one else (it stays unassigned, JSON null, for this round)
 *    until that worker has released it; items of departed workers are free
 *    at once;
 *  - freed and new items go to the least loaded worker, ties broken by
 *    worker id order.
 *
 * JSON shapes (all object keys are connector names or worker ids):
 *   workers:    ["w1:8083","w2:8083"]                (live, any order)
 *   work:       {"conn":3, "other":0}                (task count each)
 *   previous:   {"connectors":{"conn":"w1:8083"},
 *                "tasks":{"conn":["w1:8083",null,"w2:8083"]}}  or NULL
 *   running:    {"w1:8083":{"connectors":["conn"],"tasks":{"conn":[0,2]}}}
 *               or NULL (what live workers report they run now)
 *   result:     same shape as previous, covering exactly `work`; a
 *               worker id or null for each item.
 */
#ifndef CONNECTD_ASSIGNOR_H
#define CONNECTD_ASSIGNOR_H

#include <jansson.h>

/* New reference; NULL only on OOM or malformed input. */
json_t *assignor_compute(const json_t *workers, const json_t *work,
                         const json_t *previous, const json_t *running);

/*
 * What `worker_id` should run under `assignment` (the result shape above):
 *   {"connectors":["conn"],"tasks":{"conn":[0,2]}}
 * names sorted, ids ascending, connectors without a task of this worker
 * left out of "tasks". New reference; NULL on OOM or if `assignment` is
 * not an object.
 */
json_t *assignor_for_worker(const json_t *assignment, const char *worker_id);

/*
 * What `worker_id` must start and stop to go from `running` (its own
 * report, the per-worker shape above; NULL = nothing) to its share of
 * `assignment`:
 *   {"start":{"connectors":[...],"tasks":{...}},
 *    "stop": {"connectors":[...],"tasks":{...}}}
 * New reference; NULL on OOM or malformed input.
 */
json_t *assignor_worker_diff(const json_t *assignment, const char *worker_id,
                             const json_t *running);

#endif
