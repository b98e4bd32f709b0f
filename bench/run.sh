#!/usr/bin/env bash
# The pipeline against the ONNX Runtime ceiling, the naive per-record job and the Python peers, its latency-load
# curve and its time to steady latency after a restart, and the report of it, in one command, so that every number
# in docs/benchmarks.md comes from one run on one machine.
#   bench/run.sh            # the default run: about 15 min on a 2-core machine, build included, JMH left out
#   bench/run.sh --full     # the full run: 3 rounds of 20 s, JMH, longer latency runs (~35 min)
# Writes docs/benchmarks.md, docs/bench/*.csv and docs/bench/latency-load.png.
# Environment:
#   SENTIMENT_MODEL_DIR     also measure this model (e.g. the real DistilBERT SST-2 export) beside the two others
#   BENCH_ARGS              extra PipelineBenchmark options, after the run's own (see: java ... PipelineBenchmark --help)
#   BENCH_SKIP_BUILD=1      use the jars already built
#   BENCH_SKIP_JMH=1        (the full run) without JMH
# Steps: (1) generate the DistilBERT-base-shaped model into .cache/ if missing (offline, .venv); (2) build bench
# and the modules it uses from this checkout (nothing is installed into ~/.m2); (3) the full run only: JMH,
# per-record work around inference; (4) PipelineBenchmark: the Python peers (bench/python_peers.py, skipped with a
# message without .venv), calibration, rounds, latency-load curve, restarts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
BASE=.cache/distilbert-base-shape
CP='bench/target/classes:bench/target/lib/*'
LOG=.cache/bench-logs
RUN=default
case "${1:-}" in
  --full) RUN=full ;;
  "") ;;
  *) echo "usage: bench/run.sh [--full]" >&2; exit 2 ;;
esac
mkdir -p "$LOG" docs/bench
t0=$(date +%s)
step() { echo "[$(date +%T)] $*"; }

step "$RUN run; load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(nproc) cores"
if [[ ! -f $BASE/model.onnx ]]; then
  if [[ -x $PY ]]; then
    step "generating the DistilBERT-base-shaped model (random weights) into $BASE"
    "$PY" bench/make_distilbert_base_shape.py
  else
    echo "no $BASE/model.onnx and no Python at $PY to generate it (see bench/README.md)" >&2
    exit 1
  fi
fi

if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  step "build: bench with the modules it uses (no tests)"
  ./mvnw -B -q -pl bench -am package -DskipTests
fi

if [[ $RUN == full && -z ${BENCH_SKIP_JMH:-} ]]; then
  step "JMH: per-record work around inference (1 fork, 1 x 1 s warm-up, 3 x 1 s)"
  java -cp "$CP" org.openjdk.jmh.Main OverheadBenchmark -wi 1 -w 1s -i 3 -r 1s \
      -rf csv -rff docs/bench/jmh.csv > "$LOG/jmh.log" 2>&1 || { tail -30 "$LOG/jmh.log"; exit 1; }
  tail -14 "$LOG/jmh.log"
elif [[ $RUN == default ]]; then
  step "JMH: left to the full run (bench/run.sh --full); the report keeps docs/bench/jmh.csv if there is one"
fi

MODELS=(--model compact-int8=models/sst2-minilm-l6 --model "base-fp32=$BASE")
if [[ -n ${SENTIMENT_MODEL_DIR:-} ]]; then
  MODELS+=(--model "real=$SENTIMENT_MODEL_DIR")
fi
if [[ $RUN == full ]]; then
  RUN_ARGS=(--rounds 3 --seconds 20 --naive-rounds 3 --calibration-passes 2 --calibration-seconds 2
      --latency-settle-seconds 10 --latency-seconds 20 --restart-before-seconds 20 --restart-after-seconds 40
      --peers-seconds 30 --restart-warm-up-rounds 0,2,0,2)
  COMMAND="bench/run.sh --full"
else
  # 2 rounds keep a spread for every ratio; the naive jobs, far from the pipeline, in one; `long` (60-127 tokens)
  # is left to the full run: `imdb`'s windows have the same lengths (p50 108 against 102 tokens)
  RUN_ARGS=(--workloads phrase,mixed,imdb --rounds 2 --seconds 8 --naive-rounds 1 --calibration-passes 1 --calibration-seconds 1.5
      --latency-settle-seconds 5 --latency-seconds 10 --restart-before-seconds 10 --restart-after-seconds 20
      --peers-seconds 10)
  COMMAND="bench/run.sh"
fi
if [[ ! -x $PY ]]; then
  echo "no Python at $PY: the Python peers are skipped (create .venv with torch, transformers, onnxruntime and tokenizers)"
fi
step "PipelineBenchmark ($RUN run: Python peers, calibration, rounds, latency-load curve, restarts)"
# shellcheck disable=SC2086
java -Xmx3g -Djava.awt.headless=true -Dlog4j.configurationFile=bench/log4j2-bench.properties -cp "$CP" \
    org.sentimentstream.bench.PipelineBenchmark "${MODELS[@]}" "${RUN_ARGS[@]}" --run-name "$RUN" \
    --run-started "$t0" --python "$PY" --command "$COMMAND" ${BENCH_ARGS:-} 2>&1 | tee "$LOG/pipeline-benchmark.log"
step "done in $(( $(date +%s) - t0 )) s; load: $(cut -d' ' -f1-3 /proc/loadavg); report: docs/benchmarks.md"
