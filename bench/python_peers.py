#!/usr/bin/env python3
"""What a Python user would run instead of the job: the same weights and texts, batch 32, no Kafka.

Two peers, each measured for --seconds after one untimed batch, over the texts in order (cycling):
  transformers-pipeline  transformers' pipeline("text-classification") on PyTorch, batch_size=32
  onnxruntime-loop       onnxruntime.InferenceSession on the model's model.onnx, tokenized with `tokenizers`
                         (the model's tokenizer.json, truncation to 128, padding to the longest of the batch)
Both use the libraries' default threads (PyTorch and ONNX Runtime: one per core). CPU time is this process's
(time.process_time: every thread's user + system time); records per CPU-second divide the records by it.

PyTorch weights: the ONNX model's own, from a checkpoint in <model-dir>-pt/ (made once from
bench/make_distilbert_base_shape.py's fixed-seed build when --model-dir is the base shape). Before measuring, the
script checks that PyTorch and ONNX Runtime give the same logits on a padded batch (max |diff| <= 1e-4), so that
both peers run the same weights.

Usage (bench/run.sh runs it through PipelineBenchmark, which writes the texts, one a line):
  .venv/bin/python bench/python_peers.py --model-dir .cache/distilbert-base-shape --texts texts.txt \
      --seconds 20 --out docs/bench/peers.csv
"""
import argparse
import csv
import os
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tokenizers
import torch
import transformers
from transformers import AutoModelForSequenceClassification, DistilBertTokenizerFast, pipeline

BATCH = 32
MAX_TOKENS = 128
TOL = 1e-4
REPO = Path(__file__).resolve().parents[1]


def checkpoint(model_dir: Path) -> Path:
    """The PyTorch checkpoint of model_dir's weights: <model-dir>-pt/, made once for the base shape."""
    pt = model_dir.parent / (model_dir.name + "-pt")
    if not (pt / "config.json").is_file():
        if model_dir.resolve() != (REPO / ".cache" / "distilbert-base-shape").resolve():
            sys.exit(f"no PyTorch checkpoint at {pt}: save the weights of {model_dir} there (save_pretrained)")
        sys.path.insert(0, str(REPO / "bench"))
        from make_distilbert_base_shape import build_model  # the same seed and shape as model.onnx
        build_model().save_pretrained(pt)
        DistilBertTokenizerFast(tokenizer_file=str(model_dir / "tokenizer.json")).save_pretrained(pt)
        print(f"saved the PyTorch checkpoint to {pt}")
    return pt


def check_same_weights(session, model, tok, texts):
    enc = tok(texts[:3], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
    ids, mask = enc["input_ids"].astype(np.int64), enc["attention_mask"].astype(np.int64)
    onnx_logits = session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    with torch.no_grad():
        torch_logits = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits.numpy()
    dev = float(np.abs(onnx_logits - torch_logits).max())
    print(f"max |onnx - torch| logits on a padded batch of 3: {dev:.2e}")
    if dev > TOL:
        sys.exit(f"PyTorch and ONNX Runtime weights differ ({dev:.2e} > {TOL}): rebuild the -pt checkpoint")


def measure(name, score, texts, seconds):
    """Batches of BATCH texts in order, cycling, for `seconds` after one untimed batch: records, wall s, CPU s."""
    score(texts[:BATCH])
    records, i = 0, 0
    w0, c0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - w0 < seconds:
        batch = [texts[(i + k) % len(texts)] for k in range(BATCH)]
        score(batch)
        records += len(batch)
        i += BATCH
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"{name}: {records} records in {wall:.1f} s, {cpu:.1f} CPU-s: {records / wall:.1f} records/s,"
          f" {records / cpu:.1f} per CPU-second")
    return records, wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir", type=Path, required=True)
    ap.add_argument("--model-name", default="base-fp32")
    ap.add_argument("--workload", default="phrase")
    ap.add_argument("--texts", type=Path, required=True, help="one text a line")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--out", type=Path, required=True, help="CSV to write")
    args = ap.parse_args()
    texts = [t for t in args.texts.read_text(encoding="utf-8").split("\n") if t]
    cores = os.cpu_count() or 1

    session = ort.InferenceSession(str(args.model_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    tok = tokenizers.Tokenizer.from_file(str(args.model_dir / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")

    def ort_score(batch):
        enc = tok.encode_batch(batch)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        return session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]

    pt = checkpoint(args.model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(pt).eval()
    hf_tok = DistilBertTokenizerFast.from_pretrained(pt)
    check_same_weights(session, model, hf_tok, texts)
    clf = pipeline("text-classification", model=model, tokenizer=hf_tok, device=-1, batch_size=BATCH,
                   truncation=True, max_length=MAX_TOKENS)

    versions = (f"onnxruntime {ort.__version__} tokenizers {tokenizers.__version__}"
                f" torch {torch.__version__} transformers {transformers.__version__}")
    rows = []
    # ONNX Runtime first: the PyTorch pipeline's threads are not started until it runs
    r, w, c = measure("onnxruntime-loop", ort_score, texts, args.seconds)
    rows.append(["onnxruntime-loop", args.model_name, args.workload, BATCH, cores, r, f"{w:.3f}", f"{c:.3f}", versions])
    r, w, c = measure("transformers-pipeline", lambda b: clf(b), texts, args.seconds)
    rows.append(["transformers-pipeline", args.model_name, args.workload, BATCH, torch.get_num_threads(), r,
                 f"{w:.3f}", f"{c:.3f}", versions])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["peer", "model", "workload", "batch", "threads", "records", "seconds", "cpu_seconds", "versions"])
        out.writerows(rows)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
