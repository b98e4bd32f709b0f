#!/usr/bin/env bash
# The pipeline against the ONNX Runtime ceiling and the naive per-record job, and the report of it, in one command
# so that every number in docs/benchmarks.md comes from one run on one machine.
#   bench/run.sh            # ~10 min on a 2-core machine; writes docs/benchmarks.md, docs/bench/*.csv, *.png
# Environment:
#   SENTIMENT_MODEL_DIR     also measure this model (e.g. the real DistilBERT SST-2 export) beside the stand-in
#   SST2_DEV                the SST-2 dev.tsv: measure the accuracy cost of int8 on it (skipped without it)
#   BENCH_ARGS              extra PipelineBenchmark options (see: java ... PipelineBenchmark --help)
#   BENCH_SKIP_BUILD=1      use the jars already built
#   BENCH_SKIP_JMH=1, BENCH_SKIP_EVAL=1
# Steps: (1) generate the DistilBERT-base-shaped model and its int8 variant into .cache/ if missing (offline,
# .venv); (2) build bench and the cli distribution with the modules they use, from this checkout (the profile
# `bench` adds bench to the reactor; nothing is installed into ~/.m2); (3) JMH: tokenizer and batcher overhead per
# record; (4) accuracy of the compact model, fp32 vs int8 (the job's eval command on SST2_DEV, if given);
# (5) PipelineBenchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
BASE=.cache/distilbert-base-shape
INT8=.cache/distilbert-base-shape-int8
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
if [[ ! -f $INT8/model.onnx ]]; then
  step "int8 variant (onnxruntime.quantization.quantize_dynamic) into $INT8"
  "$PY" bench/make_int8.py "$BASE" "$INT8"
fi

if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  step "build: bench and the cli distribution, with the modules they use (no tests)"
  ./mvnw -B -q -pl bench,cli -am package -DskipTests
fi

if [[ -z ${BENCH_SKIP_JMH:-} ]]; then
  step "JMH: per-record tokenizer and batcher overhead (1 fork, 1 x 1 s warm-up, 3 x 1 s)"
  java -Dbench.model=$BASE -cp "$CP" org.openjdk.jmh.Main OverheadBenchmark -wi 1 -w 1s -i 3 -r 1s \
      -rf csv -rff docs/bench/jmh.csv -jvmArgsAppend "-Dbench.model=$BASE" > "$LOG/jmh.log" 2>&1 \
    || { tail -30 "$LOG/jmh.log"; exit 1; }
  tail -12 "$LOG/jmh.log"
fi

EVAL_DIR=.cache/bench-eval
DEV=${SST2_DEV:-}
COMPACT_FP32=.cache/compact-model/onnx/model-fp32.onnx
if [[ -z ${BENCH_SKIP_EVAL:-} && -n $DEV && -f $DEV && -f $COMPACT_FP32 ]]; then
  step "accuracy: compact model int8 (shipped) vs its fp32 export, SST-2 dev ($DEV)"
  rm -rf "$EVAL_DIR"; mkdir -p "$EVAL_DIR" .cache/compact-fp32
  cp models/sst2-minilm-l6/config.json models/sst2-minilm-l6/tokenizer.json .cache/compact-fp32/
  ln -sf "$ROOT/$COMPACT_FP32" .cache/compact-fp32/model.onnx
  for m in "compact-int8=models/sst2-minilm-l6" "compact-fp32=.cache/compact-fp32"; do
    cli/target/sentiment-stream-*/bin/sentiment-stream eval \
        --model "${m#*=}" --data "$DEV" --output-dir "$EVAL_DIR/${m%%=*}" > "$LOG/eval-${m%%=*}.log" 2>&1 \
      || { tail -20 "$LOG/eval-${m%%=*}.log"; exit 1; }
    grep -im1 "accuracy" "$LOG/eval-${m%%=*}.log" || true
  done
fi

VARIANTS=(--variant "int8=$INT8")
if [[ -n ${SENTIMENT_MODEL_DIR:-} ]]; then
  VARIANTS+=(--variant "real=$SENTIMENT_MODEL_DIR")
  if [[ ! -f .cache/real-int8/model.onnx ]]; then
    "$PY" bench/make_int8.py "$SENTIMENT_MODEL_DIR" .cache/real-int8
  fi
  VARIANTS+=(--variant "real-int8=.cache/real-int8")
fi
step "PipelineBenchmark (ceiling, end to end, naive baselines, padding, latency, memory)"
# shellcheck disable=SC2086
java -Xmx3g -Djava.awt.headless=true -Dlog4j.configurationFile=bench/log4j2-bench.properties -cp "$CP" \
    org.sentimentstream.bench.PipelineBenchmark --model $BASE "${VARIANTS[@]}" \
    --command "bench/run.sh" ${BENCH_ARGS:-} 2>&1 | tee "$LOG/pipeline-benchmark.log"
step "done in $(( $(date +%s) - t0 )) s; load: $(cut -d' ' -f1-3 /proc/loadavg); report: docs/benchmarks.md"
