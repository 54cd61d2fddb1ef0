#!/bin/sh
# Generation benchmark: connectd's datagen core vs @faker-js/faker (one core).
# Usage: bench/run.sh [seconds]     (from the source tree root or anywhere)
#        bench/run.sh cluster [rounds]  (only (d) below)
#        bench/run.sh transforms [records_per_topic]  (only (e) below)
#        bench/run.sh metrics [records_per_topic]  (only (f) below)
#        bench/run.sh footprint [N]  (only (g) below)
# (b) end to end: the worker's records acknowledged by the embedded cluster
# against kcat producing the same records (bench_e2e; RECORDS per topic).
# (d) distributed mode: a 3-worker cluster's time to run a new 12-task
# connector, to fail over after kill -9 and to hand over after SIGTERM
# (bench_cluster; CLUSTER_ROUNDS rounds, BENCH_WORKER_PROPS extra settings).
# (e) transforms: the bookstore end to end with and without a 3-transform
# chain (InsertField$Value, ReplaceField$Value, RegexRouter), alternating in
# one run (bench_xform; XFORM_RECORDS per topic, XFORM_ROUNDS rounds).
# (f) metrics: the bookstore end to end on a worker with metrics.enabled=true
# (scraped every second) and one with false, alternating in one run
# (bench_metrics; METRICS_RECORDS per topic, METRICS_ROUNDS rounds).
# (g) footprint: N throttled datagen connectors on one worker: RSS, threads,
# create time, GET /connectors?expand=status time and restart-to-all-RUNNING
# (bench_footprint; FOOTPRINT_N connectors, 1000 by default).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$SRC/build-bench}

cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD" --target bench_datagen bench_e2e bench_cluster bench_xform bench_metrics bench_metrics_hooks bench_footprint connectd >/dev/null

cluster() {
  echo "== (d) distributed mode: 3 workers on one embedded cluster"
  "$BUILD/bench/bench_cluster" "$BUILD/connectd" "${1:-${CLUSTER_ROUNDS:-3}}"
}
transforms() {
  echo "== (e) transforms: bookstore end to end, plain vs a 3-transform chain, tasks.max=3"
  "$BUILD/bench/bench_xform" "$BUILD/connectd" "${1:-${XFORM_RECORDS:-100000}}" 3 "${XFORM_ROUNDS:-3}"
}
footprint() {
  echo "== (g) footprint: ${1:-${FOOTPRINT_N:-1000}} datagen connectors, tasks.max=1, 60 s throttle"
  "$BUILD/bench/bench_footprint" "$BUILD/connectd" "${1:-${FOOTPRINT_N:-1000}}"
}
if [ "${1:-}" = footprint ]; then
  footprint "${2:-}"
  exit 0
fi
if [ "${1:-}" = cluster ]; then
  cluster "${2:-}"
  exit 0
fi
metrics() {
  echo "== (f) metrics: bookstore end to end, metrics on (scraped 1/s) vs off, tasks.max=3"
  "$BUILD/bench/bench_metrics" "$BUILD/connectd" "${1:-${METRICS_RECORDS:-100000}}" 3 "${METRICS_ROUNDS:-5}"
  "$BUILD/bench/bench_metrics_hooks"
}
if [ "${1:-}" = metrics ]; then
  metrics "${2:-}"
  exit 0
fi
if [ "${1:-}" = transforms ]; then
  transforms "${2:-}"
  exit 0
fi
SECS=${1:-3}

echo "== (a) connectd datagen, generation only, 1 core, ${SECS}s"
C_GEN=$(taskset -c 0 "$BUILD/bench/bench_datagen" "$SECS" | tee /dev/stderr | awk '/records_per_sec/ {print $2}')
C_JSON=$(taskset -c 0 "$BUILD/bench/bench_datagen" "$SECS" --json | tee /dev/stderr | awk '/records_per_sec/ {print $2}')

echo "== (c) @faker-js/faker peer, 1 core, ${SECS}s"
(cd "$SRC/bench/faker-js" && npm install --no-package-lock --no-audit --no-fund --silent >/dev/null)
JS=$(cd "$SRC/bench/faker-js" && taskset -c 0 node bench.js "$SECS" | tee /dev/stderr | awk '/records_per_sec/ {print $2}')

echo "== summary (records/s)"
echo "connectd gen       $C_GEN"
echo "connectd gen+json  $C_JSON"
echo "faker-js gen+json  $JS"
awk -v a="$C_JSON" -v b="$JS" 'BEGIN { printf "ratio connectd(gen+json)/faker-js = %.1fx\n", a / b }'

echo "== (b) end to end, tasks.max=3, acknowledged by the embedded cluster, vs kcat -P (3 alternating rounds)"
"$BUILD/bench/bench_e2e" "$BUILD/connectd" "${RECORDS:-200000}"

cluster

transforms

metrics
footprint
