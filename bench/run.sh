#!/bin/sh
# Generation benchmark: connectd's datagen core vs @faker-js/faker (one core).
# Usage: bench/run.sh [seconds]     (from the source tree root or anywhere)
#        bench/run.sh cluster [rounds]  (only (d) below)
#        bench/run.sh transforms [records_per_topic]  (only (e) below)
#        bench/run.sh metrics [records_per_topic]  (only (f) below)
#        bench/run.sh footprint [N]  (only (g) below)
#        bench/run.sh sink [records]     (only (h) below)
#        bench/run.sh soak [minutes]     (only (i) below; not part of the
#                                         default run)
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
# (h) sink throughput: the same records through a FileStream sink task, a
# null sink task and kcat -C, timed from the task's partition assignment to
# the last record (bench_sink; SINK_RECORDS records, SINK_ROUNDS rounds,
# SINK_PARTITIONS partitions).
# (i) soak: the bookstore generator unthrottled (tasks.max=3) plus a null
# sink task reading its three topics, for SOAK_MINUTES (default 30); the
# worker's RSS every SOAK_SAMPLE_S seconds (default 10) as a table.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$SRC/build-bench}

cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD" --target bench_datagen bench_e2e bench_cluster bench_xform bench_metrics bench_metrics_hooks bench_footprint bench_sink connectd >/dev/null

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
sink() {
  echo "== (h) sink throughput: FileStream and null sink tasks vs kcat -C"
  "$BUILD/bench/bench_sink" "$BUILD/connectd" "${1:-${SINK_RECORDS:-600000}}" \
    "${SINK_ROUNDS:-3}" "${SINK_PARTITIONS:-32}"
}
soak() {
  MIN=${1:-${SOAK_MINUTES:-30}}
  STEP=${SOAK_SAMPLE_S:-10}
  DIR=$(mktemp -d /tmp/connectd-soak-XXXXXX)
  echo "== (i) soak: bookstore unthrottled (3 tasks) + null sink, ${MIN} min, RSS every ${STEP} s"
  "$BUILD/connectd" --embedded-kafka-only >"$DIR/kafka.out" 2>"$DIR/kafka.err" &
  KPID=$!
  i=0
  until [ -s "$DIR/kafka.out" ] || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
  BOOT=$(head -1 "$DIR/kafka.out")
  cat >"$DIR/worker.properties" <<EOP
bootstrap.servers=$BOOT
listeners=http://127.0.0.1:0
storage.path=$DIR/connectd.db
log.level=WARN
plugin.path=$BUILD/bench-plugins
EOP
  "$BUILD/connectd" "$DIR/worker.properties" >"$DIR/worker.out" 2>"$DIR/worker.err" &
  WPID=$!
  i=0
  until grep -q "REST API listening on" "$DIR/worker.out" 2>/dev/null || [ $i -gt 300 ]; do
    sleep 0.1; i=$((i + 1))
  done
  URL=$(sed -n 's/^connectd: REST API listening on //p' "$DIR/worker.out" | head -1)
  jq '.config["global.throttle.ms"] = "0"' "$SRC/examples/msk-datagen-bookstore.json" |
    curl -sf -o /dev/null -H 'Content-Type: application/json' -d @- "$URL/connectors"
  curl -sf -o /dev/null -H 'Content-Type: application/json' "$URL/connectors" -d \
    '{"name":"soak-sink","config":{"connector.class":"connectd.bench.NullSinkConnector","tasks.max":"1","topics":"book,bookstore,purchase","key.converter":"org.apache.kafka.connect.storage.StringConverter","value.converter":"org.apache.kafka.connect.storage.StringConverter"}}'
  echo "| t (s) | worker RSS (MiB) | worker threads | cluster RSS (MiB) | connector states |"
  echo "|---|---|---|---|---|"
  START=$(date +%s)
  while :; do
    T=$(($(date +%s) - START))
    RSS=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$WPID/status")
    THR=$(awk '/^Threads/ {print $2}' "/proc/$WPID/status")
    KRSS=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$KPID/status")
    ST=$(curl -sf "$URL/connectors?expand=status" |
      jq -r '[.[] | .status.connector.state, (.status.tasks[] | .state)] | group_by(.) | map("\(.[0])=\(length)") | join(" ")')
    echo "| $T | $RSS | $THR | $KRSS | $ST |"
    [ "$T" -ge $((MIN * 60)) ] && break
    sleep "$STEP"
  done
  kill "$WPID"; wait "$WPID" 2>/dev/null || true
  kill "$KPID"; wait "$KPID" 2>/dev/null || true
  rm -rf "$DIR"
}
if [ "${1:-}" = sink ]; then
  sink "${2:-}"
  exit 0
fi
if [ "${1:-}" = soak ]; then
  soak "${2:-}"
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
sink
