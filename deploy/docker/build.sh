#!/usr/bin/env bash
# Builds the production image sentiment-stream:0.1.0-SNAPSHOT (FROM the official flink:2.2.1-java17 by default).
#
#   deploy/docker/build.sh                         # stage the context with Maven, then docker build
#   deploy/docker/build.sh --model models/sst2-minilm-l6    # bake a model directory in (air-gapped sites)
#   deploy/docker/build.sh --arch arm64            # the arm64 natives (needs an arm64 base image)
#   deploy/docker/build.sh --base-image IMAGE      # another base, e.g. sentiment-stream-offline/flink:2.2.1-java17
#   deploy/docker/build.sh --no-maven              # reuse deploy/target/docker-context as it is
#   IMAGE=registry.example.com/sentiment-stream:1 deploy/docker/build.sh
set -euo pipefail

IMAGE="${IMAGE:-sentiment-stream:0.1.0-SNAPSHOT}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CONTEXT="$ROOT/deploy/target/docker-context"
ARCH=amd64
MODEL=
MAVEN=1
BASE_IMAGE="${BASE_IMAGE:-flink:2.2.1-java17}"

while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --arch) ARCH="$2"; shift 2 ;;
    --tag) IMAGE="$2"; shift 2 ;;
    --base-image) BASE_IMAGE="$2"; shift 2 ;;
    --no-maven) MAVEN=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "Unknown option '$1'. Fix: see $0 --help." >&2; exit 2 ;;
  esac
done

case "$ARCH" in
  amd64|arm64) ;;
  *) echo "--arch must be amd64 or arm64, not '$ARCH'." >&2; exit 2 ;;
esac

if [ "$MAVEN" = 1 ]; then
  # clean: the job's shade plugin would re-shade a stale jar otherwise
  (cd "$ROOT" && ./mvnw -B -q -DskipTests clean package -pl deploy -am)
fi
if [ ! -f "$CONTEXT/Dockerfile" ]; then
  echo "No docker context in $CONTEXT. Fix: run without --no-maven." >&2
  exit 1
fi

MODEL_ARG=model
rm -rf "$CONTEXT/model-baked"
if [ -n "$MODEL" ]; then
  for f in model.onnx tokenizer.json config.json; do
    if [ ! -f "$MODEL/$f" ]; then
      echo "--model $MODEL has no $f. Fix: a model directory holds model.onnx, tokenizer.json and config.json." >&2
      exit 1
    fi
  done
  mkdir -p "$CONTEXT/model-baked"
  cp "$MODEL/model.onnx" "$MODEL/tokenizer.json" "$MODEL/config.json" "$CONTEXT/model-baked/"
  MODEL_ARG=model-baked
fi

echo "Building $IMAGE FROM $BASE_IMAGE"
if [ -n "$(docker image inspect -f '{{ index .Config.Labels "org.sentimentstream.offline-images.recipe" }}' \
    "$BASE_IMAGE" 2>/dev/null)" ]; then
  echo "Note: $BASE_IMAGE is a local substitute built by testcontainers/images/build-offline-images.sh, not the" \
    "official Flink image: for tests, not for production." >&2
fi
docker build --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "TARGETARCH=$ARCH" --build-arg "MODEL_DIR=$MODEL_ARG" \
  -t "$IMAGE" "$CONTEXT"
echo "Built $IMAGE FROM $BASE_IMAGE ($ARCH$([ -n "$MODEL" ] && echo ", model $MODEL baked into /opt/sentiment/model"))"
