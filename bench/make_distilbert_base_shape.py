#!/usr/bin/env python3
"""Generate a DistilBERT-base-shaped ONNX model (random weights) for the batching benchmarks.

The published SST-2 model (optimum/distilbert-base-uncased-finetuned-sst-2-english) cannot be
downloaded here, but inference speed and memory depend only on the graph's shape, not on the
values of its weights. This script builds a DistilBertForSequenceClassification with the exact
distilbert-base-uncased shape (vocab 30522, dim 768, 6 layers, 12 heads, FFN 3072, 512
positions, 2 labels), random weights from a fixed seed, and exports it with the same recipe as
the committed tiny test model (testing/src/main/python/make_test_model.py): eager attention, legacy
exporter (dynamo=False), opset 14, inputs input_ids / attention_mask int64 [batch_size,
sequence_length] with dynamic axes, output logits float [batch_size, 2].

Outputs (NOT committed, ~268 MB; .cache/ is git-ignored):
  .cache/distilbert-base-shape/model.onnx
  .cache/distilbert-base-shape/config.json
  .cache/distilbert-base-shape/tokenizer.json   copy of the bert-base-uncased WordPiece tokenizer (by default
                                                the compact model's, models/sst2-minilm-l6/tokenizer.json, which
                                                is the same vocabulary and rules)

The labels the model prints mean nothing: it is a shape/speed stand-in, not a sentiment model.
Does nothing when the three files already exist (use --force to rebuild).

Usage:
  .venv/bin/python bench/make_distilbert_base_shape.py [--tokenizer PATH/tokenizer.json] [--force]
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
import transformers
from transformers import DistilBertConfig, DistilBertForSequenceClassification

SEED = 20260102
OPSET = 14
TOL = 1e-4

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / ".cache" / "distilbert-base-shape"
FILES = ("model.onnx", "config.json", "tokenizer.json")

# The same export, in the same contract, as the committed test model.
sys.path.insert(0, str(REPO / "testing" / "src" / "main" / "python"))
from make_test_model import export_onnx  # noqa: E402


def build_model():
    torch.manual_seed(SEED)
    config = DistilBertConfig(
        vocab_size=30522, dim=768, n_layers=6, n_heads=12, hidden_dim=3072,
        max_position_embeddings=512, id2label={0: "NEGATIVE", 1: "POSITIVE"},
        label2id={"NEGATIVE": 0, "POSITIVE": 1}, pad_token_id=0)
    # eager attention: plain MatMul/Softmax graph, like the classic optimum export
    config._attn_implementation = "eager"
    model = DistilBertForSequenceClassification(config).eval()
    model.config.architectures = ["DistilBertForSequenceClassification"]
    return model


def check_against_torch(model, path):
    """ONNX Runtime reproduces PyTorch on a padded batch (sanity check of the export)."""
    rng = np.random.default_rng(SEED)
    ids = rng.integers(1000, 30000, size=(3, 24), dtype=np.int64)
    ids[:, 0], mask = 101, np.ones_like(ids)
    ids[1, 10:], mask[1, 10:] = 0, 0
    ids[1, 9] = 102
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    out = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    with torch.no_grad():
        ref = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
    dev = float(np.abs(out - ref.numpy()).max())
    print(f"max |onnx - torch| on a padded batch of 3x24: {dev:.2e}")
    assert dev <= TOL, dev


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", type=Path, default=REPO / "models" / "sst2-minilm-l6" / "tokenizer.json",
                    help="a bert-base-uncased tokenizer.json")
    ap.add_argument("--force", action="store_true", help="rebuild even if the files exist")
    args = ap.parse_args()
    if not args.force and all((OUT / f).is_file() for f in FILES):
        print(f"{OUT} is complete; nothing to do (--force rebuilds)")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

    shutil.copyfile(args.tokenizer, OUT / "tokenizer.json")
    model = build_model()
    params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {params:,}")

    tmp = OUT / "model.onnx.tmp"
    export_onnx(model, tmp)
    check_against_torch(model, tmp)
    (OUT / "config.json").write_text(model.config.to_json_string(), encoding="utf-8")
    cfg = json.loads((OUT / "config.json").read_text(encoding="utf-8"))
    assert cfg["id2label"] == {"0": "NEGATIVE", "1": "POSITIVE"}, cfg["id2label"]
    assert cfg["max_position_embeddings"] == 512 and cfg["dim"] == 768 and cfg["n_layers"] == 6
    os.replace(tmp, OUT / "model.onnx")  # model.onnx appears last and whole

    h = hashlib.sha256()
    with open(OUT / "model.onnx", "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, "
          f"onnx {onnx.__version__}, onnxruntime {ort.__version__}, opset {OPSET}, seed {SEED}")
    for f in FILES:
        print(f"{(OUT / f).stat().st_size:>11}  {(OUT / f).relative_to(REPO)}")
    print(f"model.onnx sha256 {h.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
