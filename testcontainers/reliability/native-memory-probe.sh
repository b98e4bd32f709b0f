#!/usr/bin/env bash
# What scoring sessions leave resident after they close, in one JVM, under three allocators: glibc's default,
# glibc with MALLOC_ARENA_MAX=2, and jemalloc (LD_PRELOAD, as the official Flink image does; Debian: libjemalloc2).
# Needs the distribution (./mvnw -B package -pl cli -am) for its lib/.
#
#   testcontainers/reliability/native-memory-probe.sh [model dir] [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${1:-models/sst2-minilm-l6}
RUNS=${2:-8}
LIB=$(ls -d cli/target/sentiment-stream-*/lib | head -1)
OUT=$(mktemp -d)
javac -d "$OUT" -cp "$LIB/*" testcontainers/reliability/NativeMemoryProbe.java
run() { java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp "$LIB/*:$OUT" NativeMemoryProbe "$MODEL" "$RUNS" 2>/dev/null | grep RSS; }
echo "== glibc malloc, default arenas"; run
echo "== glibc malloc, MALLOC_ARENA_MAX=2"; MALLOC_ARENA_MAX=2 run
JEMALLOC=/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2
if [[ -f $JEMALLOC ]]; then echo "== jemalloc"; LD_PRELOAD=$JEMALLOC run; else echo "== jemalloc: $JEMALLOC missing"; fi
