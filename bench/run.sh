#!/usr/bin/env bash
# The pipeline against the ONNX Runtime ceiling and the naive per-record job, and the report of it, in one command
# so that every number in docs/benchmarks.md comes from one run on one machine.
#   bench/run.sh            # ~23 min on a 2-core machine; writes docs/benchmarks.md and docs/bench/*.csv
# Environment:
#   SENTIMENT_MODEL_DIR     also measure this model (e.g. the real DistilBERT SST-2 export) beside the two others
#   BENCH_ARGS              extra PipelineBenchmark options (see: java ... PipelineBenchmark --help)
#   BENCH_SKIP_BUILD=1      use the jars already built
#   BENCH_SKIP_JMH=1
# Steps: (1) generate the DistilBERT-base-shaped model into .cache/ if missing (offline, .venv); (2) build bench
# and the modules it uses from this checkout (nothing is installed into ~/.m2); (3) JMH: per-record work around
# inference; (4) PipelineBenchmark on the shipped compact int8 model and the DistilBERT-base shape in fp32.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
BASE=.cache/distilbert-base-shape
CP='bench/target/classes:bench/target/lib/*'
LOG=.cache/bench-logs
mkdir -p "$LOG" docs/bench
t0=$(date +%s)
step() { echo "[$(date +%T)] $*"; }

step "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(nproc) cores"
if [[ ! -f $BASE/model.onnx ]]; then
  step "generating the DistilBERT-base-shaped model (random weights) into $BASE"
  "$PY" bench/make_distilbert_base_shape.py
fi

if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  step "build: bench with the modules it uses (no tests)"
  ./mvnw -B -q -pl bench -am package -DskipTests
fi

if [[ -z ${BENCH_SKIP_JMH:-} ]]; then
  step "JMH: per-record work around inference (1 fork, 1 x 1 s warm-up, 3 x 1 s)"
  java -cp "$CP" org.openjdk.jmh.Main OverheadBenchmark -wi 1 -w 1s -i 3 -r 1s \
      -rf csv -rff docs/bench/jmh.csv > "$LOG/jmh.log" 2>&1 || { tail -30 "$LOG/jmh.log"; exit 1; }
  tail -14 "$LOG/jmh.log"
fi

MODELS=(--model compact-int8=models/sst2-minilm-l6 --model "base-fp32=$BASE")
if [[ -n ${SENTIMENT_MODEL_DIR:-} ]]; then
  MODELS+=(--model "real=$SENTIMENT_MODEL_DIR")
fi
step "PipelineBenchmark (calibration, rounds of ceiling / pipeline / naive, latency)"
# shellcheck disable=SC2086
java -Xmx3g -Dlog4j.configurationFile=bench/log4j2-bench.properties -cp "$CP" \
    org.sentimentstream.bench.PipelineBenchmark "${MODELS[@]}" \
    --command "bench/run.sh" ${BENCH_ARGS:-} 2>&1 | tee "$LOG/pipeline-benchmark.log"
step "done in $(( $(date +%s) - t0 )) s; load: $(cut -d' ' -f1-3 /proc/loadavg); report: docs/benchmarks.md"
